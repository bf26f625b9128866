"""Build the demo industry: registry, then every firm-month's files through the real ingest path.

Submission events the dashboard should show happen here too: one firm's first try at a
period is rejected (a `phone` column) and resubmitted clean; one firm's accepted period is
superseded by a corrected v2; one firm submits its last period after everyone else.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

import polars as pl

from .. import auth, ingest, locks, pipeline, registry
from ..store import Store
from . import behaviour
from .files import write_submission
from .firms import case_counts, make_firms
from .generate import month_tables
from .history import Period, periods, simulate_firm

Progress = Callable[[str, float], None]
DEFAULT_CASES = 20_000
MANIFEST = "demo.json"
BUILDING = ".demo-building"


class DemoError(RuntimeError):
    pass


def firm_format(index: int, firm_id: str, fmt: str) -> str:
    """mixed: one XLSX firm, the rest rotate over UTF-8 CSV, GBK CSV, CSV with a BOM and Parquet."""
    if fmt == "parquet":
        return "parquet"
    if firm_id == behaviour.XLSX_FIRM:
        return "xlsx"
    return ("parquet", "csv_utf8", "csv_gbk", "csv_bom")[index % 4]


@dataclass(frozen=True)
class FirmSpec:
    """Everything a worker process needs to regenerate one firm's history by itself."""

    seed: int
    firm_no: int
    firm_id: str
    region_code: str
    cases: int
    window: tuple[Period, ...]
    debtor_pool: int
    shared_debtors: int
    fmt: str


def plan(*, firms: int, months: int, cases: int, seed: int, end_period: str, fmt: str) -> tuple[list[Period], list, dict[str, FirmSpec]]:
    """The demo's periods, registry and per-firm specs: everything that decides its rows."""
    window = periods(end_period, months)
    join_firm, join_at = behaviour.JOINED_LATE[0], behaviour.event_period(behaviour.JOINED_LATE[1], months)
    joins = {join_firm: join_at} if join_at is not None else {}
    firm_list = make_firms(firms, _day(window[0].start), {f: _day(window[i].start) for f, i in joins.items()})
    counts = case_counts(firm_list, cases)
    specs = {}
    for i, firm in enumerate(firm_list, start=1):
        start = joins.get(firm.firm_id, 0)
        specs[firm.firm_id] = FirmSpec(seed, i, firm.firm_id, firm.region_code, max(20, counts[firm.firm_id] * (months - start) // months),
                                       tuple(window[start:]), max(100, int(cases * 0.7)), max(10, cases // 400),
                                       firm_format(i, firm.firm_id, fmt))
    return window, firm_list, specs


def firm_month(spec: FirmSpec, p: Period) -> dict[str, pl.DataFrame]:
    """One firm-month's tables, exactly as the build generates them."""
    return month_tables(_history(spec), p)


def build(data_dir: Path, *, firms: int = 30, months: int = 12, cases: int = DEFAULT_CASES, seed: int = 7,
          end_period: str = "2026-10", fmt: str = "mixed", workers: int = 2, progress: Progress | None = None) -> dict:
    """Generate and ingest the whole demo into an empty data dir; returns the manifest (also written to demo.json).

    Submissions arrive period by period (each period's in parallel over `workers` processes),
    then the corrected resubmission, then the late firm's last period.
    """
    data_dir = Path(data_dir)
    step = progress or (lambda label, fraction: None)
    if Store(data_dir).snapshot().id:
        raise DemoError(f"{data_dir} already holds submissions; build the demo into an empty data dir")
    began = time.perf_counter()
    window, firm_list, specs = plan(firms=firms, months=months, cases=cases, seed=seed, end_period=end_period, fmt=fmt)
    registry.save(data_dir, firm_list)
    waves = _submission_waves(specs, window)
    total, done, log = sum(len(w) for w in waves), 0, []
    context = multiprocessing.get_context("spawn")  # never fork: the caller may be a threaded Streamlit server
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) if workers > 1 else contextlib.nullcontext() as pool:
        for wave in waves:
            tasks = [(str(data_dir), specs[firm_id], p, kind) for firm_id, p, kind in wave]
            results = pool.map(_submit_task, tasks) if pool else map(_submit_task, tasks)
            for entry in results:
                done += 1
                step(f"{entry['firm_id']} {entry['period']}", 0.9 * done / total)
                log.append(entry)
    pipeline.ensure_metrics(data_dir, progress=lambda label, f: step(f"metrics: {label}", 0.9 + 0.1 * f))
    auth.ensure_demo_users(data_dir)
    manifest = _manifest(data_dir, firm_list, window, {f: s.fmt for f, s in specs.items()}, log,
                         dict(firms=firms, months=months, cases=cases, seed=seed, end_period=end_period, format=fmt),
                         time.perf_counter() - began)
    (data_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def _day(n: int) -> date:
    return date.fromordinal(date(1970, 1, 1).toordinal() + n)


def _submission_waves(specs: dict[str, FirmSpec], window: list[Period]) -> list[list[tuple[str, Period, str]]]:
    """Batches of (firm, period, kind) in arrival order; a batch finishes before the next begins."""
    rejected_firm, rejected_at = behaviour.REJECTED_FIRST[0], behaviour.event_period(behaviour.REJECTED_FIRST[1], len(window))
    resub_firm, resub_at = behaviour.RESUBMITTED[0], behaviour.event_period(behaviour.RESUBMITTED[1], len(window))
    waves, late = [], []
    for p in window:
        wave = []
        for firm_id, spec in specs.items():
            if p.index < spec.window[0].index:
                continue
            kind = {(rejected_firm, rejected_at): "rejected_first", (resub_firm, resub_at): "incomplete_v1"}.get((firm_id, p.index), "normal")
            if firm_id == behaviour.LATE_FIRM and p.index == window[-1].index:
                late.append((firm_id, p, kind))
            else:
                wave.append((firm_id, p, kind))
        waves.append(wave)
        if resub_firm in specs and p.index == resub_at:
            waves.append([(resub_firm, p, "normal")])  # the correction arrives after the period's other submissions
    return [w for w in waves + [late] if w]


_HISTORIES: dict[tuple, object] = {}


def _history(spec: FirmSpec):
    """A worker regenerates each firm's history once (it is deterministic) and keeps it for later months."""
    key = (spec.seed, spec.firm_id)
    if key not in _HISTORIES:
        _HISTORIES[key] = simulate_firm(spec.seed, spec.firm_no, spec.firm_id, spec.region_code, behaviour.profile(spec.firm_id),
                                        spec.cases, list(spec.window), spec.debtor_pool, spec.shared_debtors,
                                        "案" if spec.fmt == "csv_gbk" else "")
    return _HISTORIES[key]


def _submit_task(task: tuple) -> dict:
    data_dir, spec, p, kind = task
    return _submit(Path(data_dir), _history(spec), p, spec.fmt, kind)


def _submit(data_dir: Path, history, p: Period, fmt: str, kind: str) -> dict:
    tables = month_tables(history, p)
    folder = data_dir / "inbox" / history.firm_id / p.label
    stem = f"{history.firm_id}_{p.label}"
    entry = {"firm_id": history.firm_id, "period": p.label, "kind": kind}
    if kind == "rejected_first":
        # The firm forgot to drop the dialled number: a `phone` column with mobile numbers.
        n = tables["contacts"].height
        phones = pl.DataFrame({"phone": [f"1380013{i % 10000:04d}" for i in range(n)]})
        attempt = folder / "attempt-1"
        files = write_submission(tables, attempt, fmt, stem, extra={"contacts": phones})
        result = ingest.ingest(data_dir, history.firm_id, p.label, files, submitted_by="demo")
        if result.status != "rejected":
            raise DemoError(f"{history.firm_id} {p.label}: the submission with a phone column was {result.status}")
        shutil.rmtree(attempt)  # rejected files may hold personal data: never kept
        entry["rejected_first"] = sorted({f["rule"] for f in result.report["findings"]})
    if kind == "incomplete_v1":
        # v1 misses the month's last day of contacts; v2 (submitted later) is complete.
        last = tables["contacts"]["contact_at"].max()
        tables = {**tables, "contacts": tables["contacts"].filter(pl.col("contact_at").dt.date() < last.date())}
        folder = folder / "v1"
        entry["kind"] = "superseded_v1"
    files = write_submission(tables, folder, fmt, stem)
    result = ingest.ingest(data_dir, history.firm_id, p.label, files, submitted_by="demo")
    if result.status == "needs_confirmation":  # the firm reads its warnings and confirms, as a real one would
        entry["confirmed_warnings"] = sorted({f["rule"] for f in result.report["findings"]})
        result = ingest.ingest(data_dir, history.firm_id, p.label, files, confirm=True, submitted_by="demo")
    if result.status != "accepted":
        bad = [f"{f['rule']} {f['table']}.{f['column']} row {f['row']}: {f['message']}" for f in result.report["findings"] if f["severity"] == "reject"]
        raise DemoError(f"demo submission {history.firm_id} {p.label} was rejected: " + "; ".join(bad[:5]))
    entry.update(status="accepted", submission_id=result.record["submission_id"], format=fmt,
                 rows={k: v for k, v in result.report["counts"].items()})
    return entry


def _manifest(data_dir: Path, firm_list, window, formats, log, params, seconds) -> dict:
    ids = {f.firm_id for f in firm_list}
    rows: dict[str, int] = {}
    for s in Store(data_dir).snapshot().accepted:
        for name, t in s["tables"].items():
            rows[name] = rows.get(name, 0) + t["rows"]
    return {
        "params": params,
        "periods": [p.label for p in window],
        "formats": formats,
        "scenarios": [{"firm_id": s.firm_id, "metric": s.metric, "title": s.title} for s in behaviour.scenarios_for(ids)],
        "late_firm": behaviour.LATE_FIRM if behaviour.LATE_FIRM in ids else None,
        "rejected_then_accepted": _event(behaviour.REJECTED_FIRST, window, ids),
        "resubmitted": _event(behaviour.RESUBMITTED, window, ids),
        "joined_late": _event(behaviour.JOINED_LATE, window, ids),
        "submission_order": log,
        "rows": rows,
        "build_seconds": round(seconds, 1),
    }


def _event(event: tuple[str, int], window: list[Period], ids: set[str]) -> dict | None:
    at = behaviour.event_period(event[1], len(window))
    return {"firm_id": event[0], "period": window[at].label} if at is not None and event[0] in ids else None


def _lock(data_dir: Path):
    return locks.exclusive(data_dir / ".demo.lock")


def ensure_demo(data_dir: Path, progress: Progress | None = None, **options) -> dict | None:
    """Build the demo unless it is there; safe when two processes call it at once.

    Returns the manifest, or None when the data dir holds a store that is not a demo
    (real data is never touched). A build killed part-way is cleared and started again.
    """
    data_dir = Path(data_dir)
    with _lock(data_dir):
        manifest = data_dir / MANIFEST
        if manifest.exists():
            return json.loads(manifest.read_text(encoding="utf-8"))
        marker = data_dir / BUILDING
        if marker.exists():
            for name in ("store", "inbox", "rejections"):
                shutil.rmtree(data_dir / name, ignore_errors=True)
        elif Store(data_dir).snapshot().id:
            return None
        marker.write_text("a demo build started here; if it is still here, the build did not finish\n", encoding="utf-8")
        result = build(data_dir, progress=progress, **options)
        marker.unlink()
        return result
