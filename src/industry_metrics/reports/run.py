"""The one way to make report packs, for the CLI and the Reports page alike: build, write, burst.

A pack folder holds pack.pdf, pack.xlsx, csv/<table>.csv, parquet/<table>.parquet (each section
and the long metric table) and manifest.json. Every pack is built through the Access of its own
audience: a member pack through that firm's Access, so bursting cannot put one firm's rows into
another's pack. The folder is written under a temporary name and renamed into place whole.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import multiprocessing
import multiprocessing.util
import os
import shutil
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from .. import periods, pipeline, refresh, registry, standards
from ..access import Access, Audience
from ..store import Store
from . import build, manifest, tables, xlsx
from .build import ReportError
from .model import Pack

FORMATS = ("pdf", "xlsx", "csv", "parquet")
Progress = Callable[[str, float], None]
# member packs are independent, so the CLI's burst writes as many at once as there are cores (a PDF pack spends
# most of its time in one Python thread laying out pages and drawing charts); INDUSTRY_METRICS_REPORT_WORKERS=1 for one
BURST_WORKERS = int(os.environ.get("INDUSTRY_METRICS_REPORT_WORKERS", "0")) or min(2, os.cpu_count() or 1)

__all__ = ["FORMATS", "ReportError", "build_pack", "write", "write_pack", "write_member_packs", "member_firms", "parse_formats"]


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """'pdf,xlsx' or a list -> the formats in FORMATS order; an unknown or empty one is named in the error."""
    wanted = [f.strip().lower() for f in (formats.split(",") if isinstance(formats, str) else formats) if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise ReportError(f"format {', '.join(unknown) or '(none)'}: choose from {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in wanted)


def open_access(data_dir: Path, audience: Audience, snapshot_id: int | None = None) -> Access:
    """The audience's Access over the snapshot (default latest), naming firms for a regulator as the register says."""
    store = Store(data_dir)
    if snapshot_id is not None and snapshot_id not in store.snapshot_ids():
        ids = store.snapshot_ids()
        raise ReportError(f"snapshot {snapshot_id} does not exist in {data_dir} "
                          f"(snapshots: {f'{ids[0]}..{ids[-1]}' if ids else 'none, the store is empty'})")
    if store.snapshot(snapshot_id).id == 0:
        raise ReportError(f"the store in {data_dir} holds no submissions yet")
    if audience.firm_id and audience.firm_id not in registry.load(data_dir):
        raise ReportError(f"firm {audience.firm_id!r} is not in the firm registry of {data_dir}")
    naming = standards.load(data_dir).disclosure.regulator_firm_naming
    return Access(data_dir, audience, snapshot_id, regulator_naming=naming)


def build_pack(data_dir: Path, audience: Audience, period: str, lang: str, snapshot_id: int | None = None,
               pack_name: str | None = None, draw: bool = True) -> Pack:
    """The pack's content; draw=False skips the charts (only the PDF and the page show them)."""
    return build.build(open_access(Path(data_dir), audience, snapshot_id), period, lang, manifest.code_version(), pack_name,
                       draw=draw)


def folder_name(pack: Pack) -> str:
    who = f"{pack.audience}-{pack.firm_id}" if pack.firm_id else pack.audience
    return f"{who}-{pack.period}-s{pack.snapshot_id}-{pack.lang}"


def _metric_provenance(data_dir: Path, pack: Pack) -> tuple[dict, str]:
    """The parameters the metric table of this snapshot was computed with (the register's, if not materialised) and the
    engine that computed the pack's period (duckdb when computed on the fly)."""
    name = pack.provenance.get("standards_pack") or standards.load(data_dir).default_pack
    cat = refresh.catalog(data_dir, name, pack.snapshot_id)
    if not cat:
        return pipeline.pack_params(data_dir, name), "duckdb"
    return cat["params"], cat.get("engines", {}).get(pack.period, "duckdb")


def _pdf_writer():
    """The PDF writer, loaded only when a PDF is asked for (it pulls in the chart renderer)."""
    if importlib.util.find_spec(f"{__package__}.pdf") is None:
        raise ReportError("format pdf: the PDF writer (industry_metrics.reports.pdf) is not installed in this build; "
                          f"choose from {', '.join(f for f in FORMATS if f != 'pdf')}")
    from . import pdf

    return pdf.write_pdf


def write(pack: Pack, formats: Iterable[str], out_dir: Path, data_dir: Path, now: datetime | None = None) -> Path:
    """Write the pack's files and manifest under out_dir/<audience[-firm]-period-sSNAPSHOT-lang>; returns that folder."""
    formats = parse_formats(list(formats))
    write_pdf = _pdf_writer() if "pdf" in formats else None
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
    pack = dataclasses.replace(pack, generated_at=stamp)
    out_dir = Path(out_dir)
    final = out_dir / folder_name(pack)
    work = out_dir / f".{final.name}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    files: list[Path] = []
    tables_all = (*pack.sections, *pack.data_tables)
    if "csv" in formats:
        files += [tables.write_csv(s, work / "csv" / f"{s.id}.csv") for s in tables_all]
    if "parquet" in formats:
        files += [tables.write_parquet(s, work / "parquet" / f"{s.id}.parquet") for s in tables_all]
    if "xlsx" in formats:
        files.append(xlsx.write_xlsx(pack, work / "pack.xlsx"))
    if write_pdf is not None:
        write_pdf(pack, work / "pack.pdf")
        files.append(work / "pack.pdf")
    manifest.write(manifest.build(pack, work, files, *_metric_provenance(Path(data_dir), pack)), work)
    if final.exists():
        shutil.rmtree(final)  # the same pack made again replaces the old one whole
    work.rename(final)
    return final


def write_pack(data_dir: Path, audience: Audience, period: str, formats: Iterable[str], lang: str, out_dir: Path,
               snapshot_id: int | None = None, pack_name: str | None = None, now: datetime | None = None) -> Path:
    """Build one pack for the audience and write it: the CLI's and the page's single entry point."""
    formats = parse_formats(list(formats) if not isinstance(formats, str) else formats)
    pack = build_pack(data_dir, audience, period, lang, snapshot_id, pack_name, draw="pdf" in formats)
    return write(pack, formats, out_dir, data_dir, now)


def member_firms(data_dir: Path, period: str, snapshot_id: int | None = None) -> list[str]:
    """The firms with an accepted submission for a month of the period in the snapshot: those a member pack can be made for."""
    months = set(periods.parse(period).months)
    snapshot = Store(data_dir).snapshot(snapshot_id)
    return sorted({s["firm_id"] for s in snapshot.accepted if s["period"] in months})


def write_member_packs(data_dir: Path, period: str, formats: Iterable[str], lang: str, out_dir: Path,
                       snapshot_id: int | None = None, pack_name: str | None = None,
                       progress: Progress | None = None, firms: list[str] | None = None,
                       workers: int = 1) -> list[Path]:
    """Burst: one member pack per firm with data in the period, each built through that firm's own Access.

    With workers > 1 the packs are written in spawned worker processes, which import the caller's main module
    again: that needs a main guarded by `if __name__ == "__main__"` (the CLI, `python -m`, a script with the
    guard), which a Streamlit page or an AppTest run is not; so the default is one process.
    """
    formats = parse_formats(list(formats) if not isinstance(formats, str) else formats)
    try:
        periods.parse(period)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    snapshot_id = Store(data_dir).snapshot(snapshot_id).id if snapshot_id is None else snapshot_id
    firms = firms if firms is not None else member_firms(data_dir, period, snapshot_id)
    if not firms:
        raise ReportError(f"no firm has an accepted submission for {period} in snapshot {snapshot_id}")
    step = progress or (lambda label, fraction: None)
    args = (period, formats, lang, out_dir, snapshot_id, pack_name)
    workers = min(len(firms), workers)
    if workers <= 1:
        out = []
        with _chart_session(formats):
            for i, firm in enumerate(firms):
                step(firm, i / len(firms))
                out.append(write_pack(data_dir, Audience("firm", firm), *args))
    else:
        # spawn, not fork: a forked child would inherit DuckDB's and the chart browser's threads mid-flight
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_burst_worker, initargs=(formats,)) as pool:
            futures = {pool.submit(write_pack, data_dir, Audience("firm", firm), *args): firm for firm in firms}
            made = {}
            for n, future in enumerate(as_completed(futures), 1):
                made[futures[future]] = future.result()  # a pack's ReportError reaches the caller as it is
                step(futures[future], n / len(firms))
        out = [made[firm] for firm in firms]
    step("done", 1.0)
    return out


def _burst_worker(formats: tuple[str, ...]) -> None:
    """A burst process keeps one chart browser for all its packs, stopped when the process ends."""
    charts = _chart_session(formats)
    charts.__enter__()
    multiprocessing.util.Finalize(None, charts.__exit__, args=(None, None, None), exitpriority=10)


def _chart_session(formats: tuple[str, ...]):
    """For a burst with PDFs, one chart-drawing browser for every pack (starting it is most of a pack's chart time)."""
    if "pdf" not in formats:
        return contextlib.nullcontext()
    _pdf_writer()  # the clear error when the PDF writer is missing
    from . import figures_png

    return figures_png.session()
