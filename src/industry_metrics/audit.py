"""The audit log: append-only JSON lines of who did what, when, chained by hash so edits show.

`<data-dir>/audit.log`: sign-ins and failures, submissions and confirmations, exports and
downloads, register edits, user changes. Each line carries the sha256 of the line before it;
`verify` names the first line that breaks the chain. Secrets never enter it: detail keys
that look like passwords, keys or tokens are dropped before writing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from . import locks

FILE_NAME = "audit.log"
SECRET_WORDS = ("password", "secret", "key", "token", "hash")
GENESIS = "0" * 64
COLUMNS = ["at", "actor", "role", "firm_id", "action", "target", "details", "prev"]


def _scrub(details: dict) -> dict:
    return {k: v for k, v in details.items() if not any(word in k.lower() for word in SECRET_WORDS)}


def _last_hash(path: Path) -> str:
    if not path.exists() or path.stat().st_size == 0:
        return GENESIS
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - 65536))
        last = handle.read().rstrip(b"\n").split(b"\n")[-1]
    return hashlib.sha256(last).hexdigest()


def record(data_dir: Path, actor: str, action: str, target: str = "", *, role: str = "", firm_id: str | None = None,
           details: dict | None = None, at: datetime | None = None) -> None:
    """Append one event (under a lock, so concurrent writers keep every line whole and chained)."""
    path = Path(data_dir) / FILE_NAME
    with locks.exclusive(Path(data_dir) / ".audit.lock"):
        entry = {"at": (at or datetime.now(timezone.utc)).isoformat(timespec="seconds"), "actor": actor, "role": role,
                 "firm_id": firm_id, "action": action, "target": target, "details": _scrub(details or {}),
                 "prev": _last_hash(path)}
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")


def verify(data_dir: Path) -> int | None:
    """The 1-based number of the first line whose chain is broken, or None when the log is intact."""
    path = Path(data_dir) / FILE_NAME
    if not path.exists():
        return None
    previous = GENESIS
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        try:
            if json.loads(line)["prev"] != previous:
                return number
        except (ValueError, KeyError):
            return number
        previous = hashlib.sha256(line).hexdigest()
    return None


def read(data_dir: Path, since: str | None = None, actor: str | None = None, action: str | None = None) -> pl.DataFrame:
    path = Path(data_dir) / FILE_NAME
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    frame = pl.DataFrame([{**r, "details": json.dumps(r["details"], ensure_ascii=False)} for r in rows],
                         schema={c: pl.String for c in COLUMNS})
    if since:
        frame = frame.filter(pl.col("at") >= since)
    if actor:
        frame = frame.filter(pl.col("actor") == actor)
    if action:
        frame = frame.filter(pl.col("action") == action)
    return frame
