"""The audit log: append-only JSON lines of who did what, when, chained by hash so edits show.

`<data-dir>/audit.log`: sign-ins and failures, submissions and confirmations, exports and
downloads, register edits, user changes. Each line carries the sha256 of the line before it;
`verify` names the first line that breaks the chain. Secrets never enter it: detail keys
that look like passwords, keys or tokens are dropped before writing, at any depth.

The chain shows an edited, inserted or removed line; it cannot show the newest lines being cut
off the end, so keep a copy of the log (or its last hash) elsewhere when that matters.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from . import locks

FILE_NAME = "audit.log"
SECRET_WORDS = ("password", "secret", "key", "token", "hash")
GENESIS = "0" * 64
COLUMNS = ["at", "actor", "role", "firm_id", "action", "target", "details", "prev"]


def _scrub(value):
    """The value without any entry whose key names a secret, searched through nested dicts and lists."""
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if not any(word in str(k).lower() for word in SECRET_WORDS)}
    if isinstance(value, (list, tuple)):
        return [_scrub(v) for v in value]
    return value


def _utc(moment: datetime) -> str:
    """A moment as UTC ISO text to the second (naive moments are taken as UTC), so text order is time order."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _last_hash(path: Path) -> str:
    """The sha256 of the last line, read backwards from the end (the log can be large, a line too)."""
    size = path.stat().st_size if path.exists() else 0
    if size == 0:
        return GENESIS
    tail, position = b"", size
    with open(path, "rb") as handle:
        while position > 0 and b"\n" not in tail.rstrip(b"\n"):
            step = min(65536, position)
            position -= step
            handle.seek(position)
            tail = handle.read(step) + tail
    return hashlib.sha256(tail.rstrip(b"\n").split(b"\n")[-1]).hexdigest()


def record(data_dir: Path, actor: str, action: str, target: str = "", *, role: str = "", firm_id: str | None = None,
           details: dict | None = None, at: datetime | None = None) -> None:
    """Append one event (under a lock, so concurrent writers keep every line whole and chained)."""
    path = Path(data_dir) / FILE_NAME
    with locks.exclusive(Path(data_dir) / ".audit.lock"):
        entry = {"at": _utc(at or datetime.now(timezone.utc)), "actor": actor, "role": role, "firm_id": firm_id,
                 "action": action, "target": target, "details": _scrub(details or {}), "prev": _last_hash(path)}
        line = (json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str) + "\n").encode("utf-8")
        # O_APPEND: every write lands at the end even if a writer ignored the lock; owner-only like users.json.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            written = 0
            while written < len(line):
                written += os.write(fd, line[written:])
        finally:
            os.close(fd)


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


def read(data_dir: Path, since: str | datetime | None = None, actor: str | None = None,
         action: str | None = None) -> pl.DataFrame:
    """The events as text columns (details as JSON), oldest first, optionally filtered.

    `since` is a moment or ISO text ("2026-11-01", "2026-11-01T09:00+08:00"); without an offset it is UTC.
    """
    path = Path(data_dir) / FILE_NAME
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    frame = pl.DataFrame([{**r, "details": json.dumps(r["details"], ensure_ascii=False)} for r in rows],
                         schema={c: pl.String for c in COLUMNS})
    if since:
        try:
            moment = since if isinstance(since, datetime) else datetime.fromisoformat(since)
        except ValueError as exc:
            raise ValueError(f"since: {since!r} is not an ISO date or time") from exc
        frame = frame.filter(pl.col("at") >= _utc(moment))
    if actor:
        frame = frame.filter(pl.col("actor") == actor)
    if action:
        frame = frame.filter(pl.col("action") == action)
    return frame
