"""`demo`: build the synthetic industry (registry, inbox files, ingested submissions) into a data dir."""

from __future__ import annotations

import sys

import click
from tqdm import tqdm

from .. import demo, paths
from .options import data_dir_option


@click.command("demo")
@click.option("--firms", default=30, show_default=True, type=click.IntRange(1, 999), help="Member firms (30+ gives every scenario its firm).")
@click.option("--months", default=12, show_default=True, type=click.IntRange(1, 60), help="Monthly periods, ending with --end-period.")
@click.option("--cases", default=demo.DEFAULT_CASES, show_default=True, type=click.IntRange(100), help="Cases placed across all firms.")
@click.option("--seed", default=7, show_default=True, type=int, help="Same seed, same industry, byte for byte.")
@click.option("--end-period", default="2026-10", show_default=True, help="The last reporting month, YYYY-MM.")
@click.option("--format", "fmt", type=click.Choice(["mixed", "parquet"]), default="mixed", show_default=True,
              help="mixed: CSV (UTF-8, GBK, BOM), Parquet and one XLSX firm; parquet: Parquet only (large scales).")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Processes validating submissions in parallel.")
@data_dir_option
def demo_command(firms, months, cases, seed, end_period, fmt, workers, data_dir):
    """Generate a deterministic demo industry and load every firm-month through the normal ingest."""
    target = paths.data_dir(data_dir)
    bar = tqdm(total=100, desc="demo", unit="%", file=sys.stderr, disable=None, bar_format="{l_bar}{bar}| {elapsed}<{remaining}")

    def progress(label: str, fraction: float) -> None:
        bar.set_description(label)
        bar.update(round(fraction * 100) - bar.n)

    try:
        manifest = demo.build(target, firms=firms, months=months, cases=cases, seed=seed, end_period=end_period,
                              fmt=fmt, workers=workers, progress=progress)
    except (demo.DemoError, ValueError) as exc:
        bar.close()
        raise click.ClickException(str(exc)) from None
    bar.close()
    click.echo(f"demo industry in {target}: {firms} firms, {len(manifest['periods'])} periods "
               f"{manifest['periods'][0]}..{manifest['periods'][-1]}, built in {manifest['build_seconds']} s")
    click.echo("rows: " + ", ".join(f"{k} {v:,}" for k, v in manifest["rows"].items()))
    for s in manifest["scenarios"]:
        click.echo(f"  {s['firm_id']} {s['metric']:<4} {s['title']}")


commands = [demo_command]
