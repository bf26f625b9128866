"""`report`: write a report pack (PDF, XLSX, CSV, Parquet + manifest) for one audience, or burst member packs."""

from __future__ import annotations

import sys

import click
from tqdm import tqdm

from .. import paths, standards
from ..access import Audience
from ..reports import run
from .options import data_dir_option


@click.command("report")
@click.option("--audience", type=click.Choice(["regulator", "association", "firm"]), required=True,
              help="Who the pack is for; a firm pack shows only what that firm may see.")
@click.option("--period", required=True, help="A month (2026-10), quarter (2026-Q4) or year (2026).")
@click.option("--firm", "firm_id", help="The firm of a firm pack.")
@click.option("--all-firms", is_flag=True, help="With --audience firm: one member pack per firm with data in the period.")
@click.option("--format", "fmt", default="xlsx,csv,parquet", show_default=True,
              help=f"Comma-separated, from {', '.join(run.FORMATS)}.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the pack.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder to write the pack folder(s) into.")
@click.option("--snapshot", "snapshot_id", type=click.IntRange(1), help="Store snapshot to report on (default: the latest).")
@click.option("--pack", "pack_name", help="Standards pack (default: the register's default).")
@click.option("--workers", type=click.IntRange(1), default=run.BURST_WORKERS, show_default=True,
              help="With --all-firms: packs written at once, each in its own process.")
@data_dir_option
def report_command(audience, period, firm_id, all_firms, fmt, lang, out_dir, snapshot_id, pack_name, workers, data_dir):
    """Write a report pack; with --all-firms, one member pack per firm, each under that firm's own access."""
    root = paths.data_dir(data_dir)
    if audience == "firm" and not (firm_id or all_firms):
        raise click.UsageError("--audience firm needs --firm F or --all-firms")
    if firm_id and all_firms:
        raise click.UsageError("--firm and --all-firms exclude each other")
    if audience != "firm" and (firm_id or all_firms):
        raise click.UsageError(f"--firm and --all-firms make member packs: use them with --audience firm, not {audience}")
    if pack_name and pack_name not in standards.load(root).packs:
        raise click.BadParameter(f"{pack_name!r} is not a standards pack ({', '.join(sorted(standards.load(root).packs))})",
                                 param_hint="--pack")
    try:
        formats = run.parse_formats(fmt)
        if all_firms:
            firms = run.member_firms(root, period, snapshot_id) if _valid_period(period) else []
            bar = tqdm(total=len(firms), desc="member packs", unit="pack", file=sys.stderr, disable=None)

            def progress(label: str, fraction: float) -> None:
                bar.set_postfix_str(label)
                bar.update(round(fraction * len(firms)) - bar.n)

            folders = run.write_member_packs(root, period, formats, lang, out_dir, snapshot_id, pack_name, progress,
                                             firms=firms or None, workers=workers)
            bar.close()
        else:
            who = Audience(audience, firm_id if audience == "firm" else None)
            folders = [run.write_pack(root, who, period, formats, lang, out_dir, snapshot_id, pack_name)]
    except run.ReportError as exc:
        raise click.ClickException(str(exc)) from None
    for folder in folders:
        click.echo(str(folder))


def _valid_period(period: str) -> bool:
    from .. import periods

    try:
        periods.parse(period)
    except ValueError as exc:
        raise run.ReportError(str(exc)) from None
    return True


commands = [report_command]
