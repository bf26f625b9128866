"""Per case, the month of its first outbound contact, kept with each metric snapshot.

The process stages split active cases into "assessment" (never contacted) and "first contact"
by whether the case had an outbound contact up to the month; scanning every contact for that
took 2-4 s per page at S. The metric refresh keeps the answer instead (events/first_contact):

    <data-dir>/metrics/<pack>/first_contact/<firm>/<uuid>.parquet   one immutable file per firm

named in the metric catalog ("first_contact": {firm: {"path", "key"}}), so a store snapshot's
reader opens the files of its own snapshot only. A firm's file is rewritten only when its key
(the query's text and the firm's contacts files) changes: after a submission, that firm's alone.
A snapshot without a catalog (not refreshed yet) falls back to the same query over the contacts.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from pathlib import Path

import duckdb
import polars as pl

from . import metrics, queries, reader
from .store import Snapshot

QUERY = "events/first_contact"
FOLDER = "first_contact"
PACK_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")  # as refresh.pack_dir allows
SCHEMA = {"firm_id": pl.String, "case_ref": pl.String, "first_month": pl.String}


def key(snapshot: Snapshot, firm_id: str) -> str:
    """What a firm's file is computed from: the query text and the firm's (immutable) contacts files."""
    files = sorted((s["period"], s["tables"]["contacts"]["path"], s["tables"]["contacts"]["sha256"])
                   for s in snapshot.accepted if s["firm_id"] == firm_id and "contacts" in s["tables"])
    text = json.dumps([queries.load(QUERY).sql, files])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write(root: Path, snapshot: Snapshot, previous: dict | None, staging: Path, engine: str = "duckdb") -> dict:
    """The catalog entry for `snapshot`: each firm's file, reused from `previous` (a catalog) when its key is unchanged.

    root: the metric pack folder; staging: an empty folder under it that only this writer uses; engine: the refresh's
    (a Spark refresh reads the store where Spark does, which need not be on this machine).
    """
    old = (previous or {}).get(FOLDER, {})
    keys = {f: key(snapshot, f) for f in sorted({s["firm_id"] for s in snapshot.accepted})}
    entry = {f: old[f] for f, k in keys.items() if f in old and old[f]["key"] == k and (root / old[f]["path"]).exists()}
    todo = [f for f in keys if f not in entry]
    if not todo:
        return entry
    # one firm (after its submission) reads its own files only; more read every firm's in one scan
    only = todo[0] if len(todo) == 1 else None
    if engine == "spark":
        from .spark import run as spark_run

        rows = spark_run.query_rows(snapshot, QUERY, {"firm_id": only}).cast(SCHEMA)
    else:
        con = metrics.configure(reader.connect(snapshot, firm_id=only))  # the refresh's memory cap
        rows = queries.run(con, QUERY, {"firm_id": only}).pl().cast(SCHEMA)
    by_firm = rows.partition_by("firm_id", as_dict=True)
    for firm in todo:
        rel = Path(FOLDER) / firm / f"{uuid.uuid4().hex}.parquet"
        tmp = staging / rel.name
        by_firm.get((firm,), pl.DataFrame(schema=SCHEMA)).write_parquet(tmp)
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, root / rel)
        entry[firm] = {"path": str(rel), "key": keys[firm]}
    return dict(sorted(entry.items()))


def stored_files(data_dir: Path, snapshot: Snapshot, firm_id: str | None = None) -> list[Path] | None:
    """The files a refresh kept for exactly this snapshot (one firm's, or every firm's), or None if there are none."""
    from . import refresh  # local: refresh calls write() above

    folder = Path(data_dir) / "metrics"
    # any pack's catalog will do: the files depend on the store snapshot only, never on a pack's parameters
    for pack in sorted(p.name for p in folder.iterdir() if PACK_NAME.fullmatch(p.name)) if folder.is_dir() else []:
        cat = refresh.catalog(data_dir, pack, snapshot.id)
        if cat and FOLDER in cat:
            kept = cat[FOLDER]  # every firm of the snapshot: a firm not in it has no contacts
            root = refresh.pack_dir(data_dir, pack)
            return [root / kept[f]["path"] for f in (sorted(kept) if firm_id is None else [firm_id]) if f in kept]
    return None


def connect(data_dir: Path, snapshot: Snapshot, month: str, firm_id: str | None = None) -> duckdb.DuckDBPyConnection:
    """A connection with the month's cases (one firm's or all) and a first_contact view for events/process_stages."""
    files = stored_files(data_dir, snapshot, firm_id)
    if files is None:  # not refreshed yet: the same query over the contacts up to the month
        con = reader.connect(snapshot, firm_id=firm_id, months=[m for m in snapshot.periods() if m <= month])
        con.register(FOLDER, queries.run(con, QUERY, {"firm_id": firm_id}).pl().cast(SCHEMA))
        return con
    con = reader.connect(snapshot, firm_id=firm_id, months=[month])  # stages read the cases held at the month's end
    if files:
        con.read_parquet([str(p) for p in files]).create_view(FOLDER)
    else:
        con.register(FOLDER, pl.DataFrame(schema=SCHEMA))
    return con
