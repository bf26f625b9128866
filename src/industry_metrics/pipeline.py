"""What follows an accepted submission: the metric tables of every pack in use are brought up to date.

The CLI's ingest, the dashboard's upload page and the demo call these, so metric tables are
materialised after each accepted submission whatever the door it came in by. Parameters
(quiet windows, caps) come from the standards register in force.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

from . import metrics, periods, refresh, standards
from .store import Store

Progress = Callable[[str, float], None]


def pack_params(data_dir: Path, pack: str) -> dict[str, dict]:
    """The register's metric parameters for `pack`, as in force at the end of the latest period."""
    snapshot = Store(data_dir).snapshot()
    months = snapshot.periods()
    register = standards.load(data_dir)
    day = periods.parse(months[-1]).last_day if months else date.today()
    return register.pack(pack).metric_params(day)


def pack_metrics(data_dir: Path, pack: str) -> list[str]:
    """The metrics `pack`'s table holds: the core catalogue and every metric one of its standards judges (any version)."""
    return sorted(metrics.pack_metrics(s.metric for s in standards.load(data_dir).pack(pack).standards))


def packs_in_use(data_dir: Path) -> list[str]:
    """The default pack, and every other pack whose metrics have been materialised before."""
    register = standards.load(data_dir)
    used = [register.default_pack]
    for name in register.packs:
        if name not in used and refresh.catalog(data_dir, name) is not None:
            used.append(name)
    return used


def after_submission(data_dir: Path, record: dict, progress: Progress | None = None) -> list[dict]:
    """Refresh every pack in use after `record` was accepted (only what it touches)."""
    return [refresh.after_submission(data_dir, record, pack, pack_params(data_dir, pack), progress, pack_metrics(data_dir, pack))
            for pack in packs_in_use(data_dir)]


def ensure_metrics(data_dir: Path, pack: str | None = None, progress: Progress | None = None) -> dict | None:
    """Materialise `pack` (default: the register's default) for the latest snapshot if it is not yet."""
    pack = pack or standards.load(data_dir).default_pack
    snapshot = Store(data_dir).snapshot()
    if snapshot.id == 0:
        return None
    current = refresh.catalog(data_dir, pack, snapshot.id)
    if current is not None:
        return current
    return refresh.full(data_dir, pack, pack_params(data_dir, pack), progress, metric_ids=pack_metrics(data_dir, pack))
