"""Materialise the metric table per store snapshot, the way store.py keeps submissions.

Layout under <data-dir>/metrics/<pack>:
    parts/<period>/<uuid>.parquet   one immutable file per period (every firm and ALL), renamed into place
    r4/<period>/<uuid>.parquet      R4's per-firm Kaplan-Meier partials of the period (ALL's pooled curve is rebuilt from them)
    months/<month>/<uuid>.parquet   each firm's contact counts of the month that V1-V8 and R7 sum over a period's months
    catalog/00000012.json           per store snapshot: the part file of each period, the parameters used
    staging/                        work in progress; never read

A metric snapshot names its store snapshot, so the two always agree. After a submission
for (firm, month M) only the periods it can change are recomputed: M, its quarter and its
year (V2 and the industry rows are cross-firm), and the firm's later months with their
quarters and years (recovery metrics and the rolling call windows look back). Every other
period's file is reused as it is. In the touched periods only the firm's own families are computed
(on its own files); the other firms' rows are the stored ones with V2 re-summed (V2 of the new month
recounted in the debtor-days the firm's calls fall in, the other months' from their stored rows) and ALL is rebuilt from the
firm rows and the stored R4 partials (metrics.update). The firm's contact counts are read from its new month's files only;
its other months' are the stored month counts (a period's V1-V8 and R7 sum them).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

import polars as pl

from . import first_contact, metrics, periods
from .store import Store, _write_atomically

CATALOG_NAME = re.compile(r"^(\d{8})\.json$")
Progress = Callable[[str, float], None]


def pack_dir(data_dir: Path, pack: str) -> Path:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", pack):
        raise ValueError(f"pack name {pack!r}: lower-case letters, digits and '-' only")
    return Path(data_dir) / "metrics" / pack


@contextlib.contextmanager
def _lock(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def catalog(data_dir: Path, pack: str = "cn", snapshot_id: int | None = None) -> dict | None:
    """The metric catalog of a store snapshot (default: the latest materialised one), or None."""
    folder = pack_dir(data_dir, pack) / "catalog"
    ids = sorted(int(m.group(1)) for p in folder.glob("*.json") if (m := CATALOG_NAME.match(p.name))) if folder.exists() else []
    if snapshot_id is None:
        snapshot_id = ids[-1] if ids else None
    if snapshot_id not in ids:
        return None
    return json.loads((folder / f"{snapshot_id:08d}.json").read_text(encoding="utf-8"))


def load(data_dir: Path, pack: str = "cn", snapshot_id: int | None = None) -> pl.DataFrame:
    """The materialised long table of a snapshot (empty when nothing is materialised)."""
    cat = catalog(data_dir, pack, snapshot_id)
    if not cat or not cat["parts"]:
        return pl.DataFrame(schema=metrics.SCHEMA)
    root = pack_dir(data_dir, pack)
    return pl.concat([pl.read_parquet(root / rel) for rel in cat["parts"].values()]).select(metrics.COLUMNS)


def full(data_dir: Path, pack: str = "cn", params: dict | None = None, progress: Progress | None = None,
         engine: str = "duckdb", metric_ids: Iterable[str] | None = None) -> dict:
    """Recompute every period of the latest store snapshot (engine: duckdb, or spark for the same SQL on Spark).
    metric_ids: the metrics the pack's table holds (metrics.pack_metrics; default every metric)."""
    return _refresh(data_dir, pack, params, None, progress, engine, metric_ids)


def after_submission(data_dir: Path, record: dict, pack: str = "cn", params: dict | None = None,
                     progress: Progress | None = None, metric_ids: Iterable[str] | None = None) -> dict:
    """Bring the metric snapshot up to date after `record` (an accepted submission) was stored."""
    return _refresh(data_dir, pack, params, (record["firm_id"], record["period"]), progress, metric_ids=metric_ids)


def touched_periods(snapshot, firm_id: str, month: str) -> list[str]:
    """The periods a new (firm, month) can change; see the module docstring."""
    later = [s["period"] for s in snapshot.accepted if s["firm_id"] == firm_id and s["period"] > month]
    return periods.rollups([month, *later])


def _refresh(data_dir: Path, pack: str, params: dict | None, submission: tuple[str, str] | None,
             progress: Progress | None, engine: str = "duckdb", metric_ids: Iterable[str] | None = None) -> dict:
    step = progress or (lambda label, fraction: None)
    root = pack_dir(data_dir, pack)
    resolved = metrics.resolve_params(params)
    wanted = sorted(metrics.metric_set(metric_ids))
    with _lock(root):
        snapshot = Store(data_dir).snapshot()
        all_periods = metrics.default_periods(snapshot)
        previous = _latest_below(data_dir, pack, snapshot.id)
        # reuse only the catalog of the snapshot just before, built with the same parameters and metrics;
        # anything else (a gap, other parameters, a standard judging a new metric, --full) recomputes everything
        reusable = (submission is not None and previous is not None and previous["store_snapshot"] == snapshot.id - 1
                    and previous["params"] == json.loads(json.dumps(resolved))
                    and previous.get("metrics", sorted(metrics.ALL_METRICS)) == wanted)
        if reusable:
            touched = [p for p in touched_periods(snapshot, *submission) if p in all_periods]
            todo = touched + [p for p in all_periods if p not in previous["parts"] and p not in touched]
        else:
            todo = all_periods
        step(f"computing {len(todo)} periods", 0.1)
        # the firm's own rows only, when the previous catalog has what the others' rows, ALL's R4 and the firm's periods
        # are rebuilt from (every untouched-by-the-firm period stored, R4's partials, the month counts of every month that
        # was a period before: any other month had no submission until this one); anything else, or Spark, computes the
        # periods whole
        months = sorted({m for p in todo for m in periods.parse(p).months})
        if (engine == "duckdb" and reusable and todo == touched and todo
                and all(p in previous.get("r4_parts", {}) for p in todo if p in previous["parts"])
                and all(m in previous.get("month_parts", {}) for m in months if m in previous["parts"])):
            stored = _read_parts(root, previous["parts"], [p for p in previous["parts"] if p in todo or p in months],
                                 metrics.SCHEMA)
            stored_r4 = _read_parts(root, previous["r4_parts"], [p for p in todo if p in previous["r4_parts"]],
                                    metrics.R4_SCHEMA)
            stored_counts = _read_parts(root, previous["month_parts"], [m for m in months if m in previous["month_parts"]],
                                        metrics.MONTHS_SCHEMA)
            before = Store(data_dir).snapshot(snapshot.id - 1)  # what the stored rows were computed from
            table, r4, counts = metrics.update(snapshot, pack, params, todo, *submission, stored, stored_r4, stored_counts,
                                               before, wanted)
            recounted = [submission[1]]  # the only month whose counts changed
        elif todo:
            table, r4, counts = metrics.compute_parts(snapshot, pack, params, periods=todo, engine=engine,
                                                      progress=lambda f: step(f"computing {len(todo)} periods", 0.1 + 0.4 * f),
                                                      metric_ids=wanted)
            recounted = months
        else:
            table, r4, counts = (pl.DataFrame(schema=schema) for schema in (metrics.SCHEMA, metrics.R4_SCHEMA, metrics.MONTHS_SCHEMA))
            recounted = []
        every_month = {m for p in all_periods for m in periods.parse(p).months}
        parts = {p: rel for p, rel in (previous["parts"].items() if reusable else []) if p in all_periods}
        r4_parts = {p: rel for p, rel in (previous.get("r4_parts", {}).items() if reusable else []) if p in all_periods}
        month_parts = {m: rel for m, rel in (previous.get("month_parts", {}).items() if reusable else []) if m in every_month}
        # which engine computed each period's rows (a reused period keeps its own): provenance for report manifests
        engines = {p: e for p, e in (previous.get("engines", {}).items() if reusable else []) if p in parts}
        engines.update({p: engine for p in todo})
        staging = root / "staging"
        shutil.rmtree(staging, ignore_errors=True)  # writers hold the lock: nothing here is live
        staging.mkdir(parents=True)
        by_period = table.partition_by("period", as_dict=True)
        r4_by_period = r4.partition_by("period", as_dict=True) if r4.height else {}
        counts_by_month = counts.partition_by("month", as_dict=True) if counts.height else {}
        for i, period in enumerate(todo):
            step(f"writing {period}", 0.5 + 0.5 * i / max(len(todo), 1))
            _write_part(root, staging, "parts", period, by_period, metrics.SCHEMA, parts)
            _write_part(root, staging, "r4", period, r4_by_period, metrics.R4_SCHEMA, r4_parts)
        for month in recounted:
            _write_part(root, staging, "months", month, counts_by_month, metrics.MONTHS_SCHEMA, month_parts)
        cat = {"store_snapshot": snapshot.id, "pack": pack, "params": resolved, "metrics": wanted, "parts": dict(sorted(parts.items())),
               "r4_parts": dict(sorted(r4_parts.items())), "month_parts": dict(sorted(month_parts.items())), "engines": dict(sorted(engines.items())), "recomputed": todo, "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        # the process stages' per-case first contact, for this snapshot (first_contact.py)
        cat[first_contact.FOLDER] = first_contact.write(root, snapshot, previous, staging, engine)
        (root / "catalog").mkdir(parents=True, exist_ok=True)
        _write_atomically(root / "catalog" / f"{snapshot.id:08d}.json", json.dumps(cat, ensure_ascii=False, indent=1))
        step("done", 1.0)
        return cat


def _write_part(root: Path, staging: Path, folder: str, key: str, frames: dict, schema: dict, index: dict) -> None:
    """Write the rows of `key` (a period or a month) as a new immutable file under <folder>/<key>/ and name it in `index`."""
    rel = Path(folder) / key / f"{uuid.uuid4().hex}.parquet"
    tmp = staging / rel.name
    frames.get((key,), pl.DataFrame(schema=schema)).cast(schema).write_parquet(tmp)
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, root / rel)
    index[key] = str(rel)


def _read_parts(root: Path, index: dict, names: list[str], schema: dict) -> pl.DataFrame:
    frames = [pl.read_parquet(root / index[p]) for p in dict.fromkeys(names)]
    return metrics.conform(pl.concat(frames), schema) if frames else pl.DataFrame(schema=schema)


def _latest_below(data_dir: Path, pack: str, snapshot_id: int) -> dict | None:
    """The newest metric catalog of an earlier (or the same) store snapshot."""
    folder = pack_dir(data_dir, pack) / "catalog"
    if not folder.exists():
        return None
    ids = sorted(int(m.group(1)) for p in folder.glob("*.json") if (m := CATALOG_NAME.match(p.name)))
    ids = [i for i in ids if i <= snapshot_id]
    return catalog(data_dir, pack, ids[-1]) if ids else None
