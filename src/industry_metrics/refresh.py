"""Materialise the metric table per store snapshot, the way store.py keeps submissions.

Layout under <data-dir>/metrics/<pack>:
    parts/<period>/<uuid>.parquet   one immutable file per period (every firm and ALL), renamed into place
    catalog/00000012.json           per store snapshot: the part file of each period, the parameters used
    staging/                        work in progress; never read

A metric snapshot names its store snapshot, so the two always agree. After a submission
for (firm, month M) only the periods it can change are recomputed: M, its quarter and its
year (V2 and the industry rows are cross-firm), and the firm's later months with their
quarters and years (recovery metrics and the rolling call windows look back). Every other
period's file is reused as it is.
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
from typing import Callable, Iterator

import polars as pl

from . import metrics, periods
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
         engine: str = "duckdb") -> dict:
    """Recompute every period of the latest store snapshot (engine: duckdb, or spark for the same SQL on Spark)."""
    return _refresh(data_dir, pack, params, None, progress, engine)


def after_submission(data_dir: Path, record: dict, pack: str = "cn", params: dict | None = None,
                     progress: Progress | None = None) -> dict:
    """Bring the metric snapshot up to date after `record` (an accepted submission) was stored."""
    return _refresh(data_dir, pack, params, (record["firm_id"], record["period"]), progress)


def touched_periods(snapshot, firm_id: str, month: str) -> list[str]:
    """The periods a new (firm, month) can change; see the module docstring."""
    later = [s["period"] for s in snapshot.accepted if s["firm_id"] == firm_id and s["period"] > month]
    return periods.rollups([month, *later])


def _refresh(data_dir: Path, pack: str, params: dict | None, submission: tuple[str, str] | None,
             progress: Progress | None, engine: str = "duckdb") -> dict:
    step = progress or (lambda label, fraction: None)
    root = pack_dir(data_dir, pack)
    resolved = metrics.resolve_params(params)
    with _lock(root):
        snapshot = Store(data_dir).snapshot()
        all_periods = metrics.default_periods(snapshot)
        previous = _latest_below(data_dir, pack, snapshot.id)
        # reuse only the catalog of the snapshot just before, built with the same parameters;
        # anything else (a gap, other parameters, --full) recomputes everything
        reusable = (submission is not None and previous is not None and previous["store_snapshot"] == snapshot.id - 1
                    and previous["params"] == json.loads(json.dumps(resolved)))
        if reusable:
            todo = [p for p in touched_periods(snapshot, *submission) if p in all_periods]
            todo += [p for p in all_periods if p not in previous["parts"] and p not in todo]
        else:
            todo = all_periods
        step(f"computing {len(todo)} periods", 0.1)
        table = metrics.compute(snapshot, pack, params, periods=todo, engine=engine) if todo else pl.DataFrame(schema=metrics.SCHEMA)
        parts = {p: rel for p, rel in (previous["parts"].items() if reusable else []) if p in all_periods}
        staging = root / "staging"
        shutil.rmtree(staging, ignore_errors=True)  # writers hold the lock: nothing here is live
        staging.mkdir(parents=True)
        for i, period in enumerate(todo):
            step(f"writing {period}", 0.5 + 0.5 * i / max(len(todo), 1))
            rel = Path("parts") / period / f"{uuid.uuid4().hex}.parquet"
            tmp = staging / rel.name
            table.filter(pl.col("period") == period).write_parquet(tmp)
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, root / rel)
            parts[period] = str(rel)
        cat = {"store_snapshot": snapshot.id, "pack": pack, "params": resolved, "parts": dict(sorted(parts.items())),
               "recomputed": todo, "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        (root / "catalog").mkdir(parents=True, exist_ok=True)
        _write_atomically(root / "catalog" / f"{snapshot.id:08d}.json", json.dumps(cat, ensure_ascii=False, indent=1))
        step("done", 1.0)
        return cat


def _latest_below(data_dir: Path, pack: str, snapshot_id: int) -> dict | None:
    """The newest metric catalog of an earlier (or the same) store snapshot."""
    folder = pack_dir(data_dir, pack) / "catalog"
    if not folder.exists():
        return None
    ids = sorted(int(m.group(1)) for p in folder.glob("*.json") if (m := CATALOG_NAME.match(p.name)))
    ids = [i for i in ids if i <= snapshot_id]
    return catalog(data_dir, pack, ids[-1]) if ids else None
