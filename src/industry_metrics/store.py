"""The versioned store: immutable Parquet files per accepted submission, and an append-only catalog.

Layout under <data-dir>/store:
    submissions/<firm>/<period>/<submission_id>/<table>.parquet   immutable once renamed in
    catalog/00000001.json, 00000002.json, ...                     one commit file per snapshot
    catalog/00000100.full.json, ...                               every 100th snapshot in full
    staging/                                                      work in progress; never read
    .lock                                                         serialises writers only

A snapshot is the highest-numbered commit file: it names the submission it added and the one
it superseded. Reading snapshot N replays the commits after the nearest full catalog, so the
catalog grows by one small file per submission (a full copy per snapshot grew with the square
of the submissions: ~0.9 GB at 1,200 submissions). Each file appears by an atomic rename, so
a reader never waits for a writer and never sees half a submission; a writer killed at any
moment leaves, at worst, an unreferenced folder that the next writer removes.
Rejections never touch this folder (they are kept in <data-dir>/rejections).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from . import contract, locks

CATALOG_NAME = re.compile(r"^(\d{8})\.json$")
FULL_NAME = re.compile(r"^(\d{8})\.full\.json$")
# how every stored table file is written: by ingest, and by the benchmarks' generators, which must measure the files
# a store really holds (zstd level 1: a fifth less CPU to write than the default level, files ~13% larger;
# bench/README.md, "Ingest")
PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1"
FULL_EVERY = 100  # a full catalog every N snapshots bounds how many commit files a reader replays


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checkpoint(name: str) -> None:
    """A named point of a write (after_staging_write, after_rename, before_catalog_write).

    Does nothing; the crash tests replace it in a subprocess to kill the writer right there.
    """


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    checkpoint("before_atomic_rename")
    os.replace(tmp, path)
    _fsync_dir(path.parent)


@functools.lru_cache(maxsize=64)
def _read_snapshot(root: Path, snapshot_id: int, stamp: int = 0) -> "Snapshot":
    """Replay commit files onto the nearest full catalog at or before the snapshot.

    Snapshots are immutable, so a parsed one can be cached for the life of the process.
    """
    catalog = root / "catalog"
    fulls = sorted(int(m.group(1)) for p in catalog.iterdir() if (m := FULL_NAME.match(p.name)) and int(m.group(1)) <= snapshot_id)
    start = fulls[-1] if fulls else 0
    subs: dict[str, dict] = {}
    if start:
        for record in json.loads((catalog / f"{start:08d}.full.json").read_text(encoding="utf-8"))["submissions"]:
            subs[record["submission_id"]] = record
    created_at = ""
    for n in range(start + 1, snapshot_id + 1):
        commit = json.loads((catalog / f"{n:08d}.json").read_text(encoding="utf-8"))
        for sid in commit["superseded"]:
            subs[sid] = {**subs[sid], "status": "superseded", "superseded_by": commit["added"]["submission_id"]}
        subs[commit["added"]["submission_id"]] = commit["added"]
        created_at = commit["created_at"]
    if start == snapshot_id:
        created_at = json.loads((catalog / f"{start:08d}.json").read_text(encoding="utf-8"))["created_at"]
    return Snapshot(root, snapshot_id, created_at, tuple(subs.values()))


@dataclass(frozen=True)
class Snapshot:
    """One immutable catalog: every submission and its status as of this snapshot."""

    root: Path
    id: int
    created_at: str
    submissions: tuple[dict, ...]

    @property
    def accepted(self) -> list[dict]:
        return [s for s in self.submissions if s["status"] == "accepted"]

    def files(self, table: str, firm_id: str | None = None, months: Iterable[str] | None = None) -> list[Path]:
        """The Parquet files of one table, over the accepted submissions (optionally one firm's, some months'), in a stable order."""
        out = []
        months = None if months is None else set(months)
        for sub in sorted(self.accepted, key=lambda s: (s["firm_id"], s["period"])):
            if (firm_id is not None and sub["firm_id"] != firm_id) or (months is not None and sub["period"] not in months):
                continue
            entry = sub["tables"].get(table)
            if entry and entry["rows"] > 0:
                out.append(self.root / entry["path"])
        return out

    def current(self, firm_id: str, period: str) -> dict | None:
        return next((s for s in self.accepted if s["firm_id"] == firm_id and s["period"] == period), None)

    def periods(self) -> list[str]:
        return sorted({s["period"] for s in self.accepted})


class Store:
    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "store"
        self.catalog_dir = self.root / "catalog"
        self.staging_dir = self.root / "staging"
        self.rejections_dir = self.data_dir / "rejections"

    # ---- reading -------------------------------------------------------------------------
    def snapshot_ids(self) -> list[int]:
        if not self.catalog_dir.exists():
            return []
        ids = [int(m.group(1)) for p in self.catalog_dir.iterdir() if (m := CATALOG_NAME.match(p.name))]
        return sorted(ids)

    def snapshot(self, snapshot_id: int | None = None) -> Snapshot:
        """The given snapshot, or the latest; an empty store is snapshot 0."""
        ids = self.snapshot_ids()
        if snapshot_id is None:
            snapshot_id = ids[-1] if ids else 0
        if snapshot_id == 0:
            return Snapshot(self.root, 0, "", ())
        if snapshot_id not in ids:
            raise KeyError(f"snapshot {snapshot_id} does not exist in {self.catalog_dir} (have {ids[:1]}..{ids[-1:]})")
        stamp = (self.catalog_dir / f"{snapshot_id:08d}.json").stat().st_mtime_ns  # a rebuilt store is not the cached one
        return _read_snapshot(self.root, snapshot_id, stamp)

    def rejections(self) -> list[dict]:
        if not self.rejections_dir.exists():
            return []
        out = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(self.rejections_dir.glob("*.json"))]
        return sorted(out, key=lambda r: r["rejected_at"])

    # ---- writing -------------------------------------------------------------------------
    def writer_lock(self):
        return locks.exclusive(self.root / ".lock")

    @contextlib.contextmanager
    def transaction(self, firm_id: str, period: str) -> Iterator["Transaction"]:
        """Hold the writer lock while one submission is written into staging and published.

        Leaving the block without `publish` (an error, a kill) publishes nothing; the staging
        folder is removed now or by the next writer.
        """
        with self.writer_lock():
            self._remove_orphans()
            previous = self.snapshot()
            version = 1 + sum(1 for s in previous.submissions if s["firm_id"] == firm_id and s["period"] == period)
            staged = self.staging_dir / uuid.uuid4().hex
            staged.mkdir(parents=True)
            tx = Transaction(self, previous, firm_id, period, version, staged)
            try:
                yield tx
            finally:
                if staged.exists():
                    shutil.rmtree(staged, ignore_errors=True)

    def record_rejection(self, report: dict) -> Path:
        """Keep a rejection's report (never its data: rejected files may hold personal data)."""
        self.rejections_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc)
        entry = {**report, "rejected_at": stamp.isoformat(timespec="seconds")}
        # firm and period are whatever the submitter typed: only safe characters reach a file name
        label = re.sub(r"[^A-Za-z0-9-]", "_", f"{report['firm_id']}_{report['period']}")[:60]
        path = self.rejections_dir / f"{stamp:%Y%m%dT%H%M%S%f}_{label}.json"
        _write_atomically(path, json.dumps(entry, ensure_ascii=False, indent=1))
        return path

    def _remove_orphans(self) -> None:
        """Remove what a killed writer left: staging folders and submission folders no catalog names."""
        if self.staging_dir.exists():
            for child in self.staging_dir.iterdir():  # writers hold the lock: none of these is live
                shutil.rmtree(child, ignore_errors=True)
        referenced = {Path(s["report"]).parent for s in self.snapshot().submissions}
        subs_root = self.root / "submissions"
        if subs_root.exists():
            for folder in subs_root.glob("*/*/*"):
                if folder.relative_to(self.root) not in referenced:
                    shutil.rmtree(folder, ignore_errors=True)
        for tmp in self.catalog_dir.glob(".*.tmp") if self.catalog_dir.exists() else []:
            tmp.unlink(missing_ok=True)


class Transaction:
    """One submission on its way into the store (see Store.transaction)."""

    def __init__(self, store: Store, previous: Snapshot, firm_id: str, period: str, version: int, staged: Path):
        self.store, self.previous = store, previous
        self.firm_id, self.period, self.version = firm_id, period, version
        self.submission_id = f"{firm_id}_{period}_v{version}"
        self.dir = staged

    def publish(self, row_counts: dict[str, int], meta: dict) -> dict:
        """Move the staged files into place and write the next catalog; returns the record.

        The earlier accepted submission for (firm, period) becomes superseded in the new
        snapshot and stays as it was in every earlier one.
        """
        checkpoint("after_staging_write")
        root = self.store.root
        final = root / "submissions" / self.firm_id / self.period / self.submission_id
        final.parent.mkdir(parents=True, exist_ok=True)
        for child in self.dir.iterdir():
            with open(child, "rb") as handle:
                os.fsync(handle.fileno())
        _fsync_dir(self.dir)
        os.rename(self.dir, final)
        _fsync_dir(final.parent)
        checkpoint("after_rename")
        tables = {
            name: {
                "path": str((final / f"{name}.parquet").relative_to(root)),
                "rows": row_counts.get(name, 0),
                "sha256": sha256_file(final / f"{name}.parquet"),
            }
            for name in contract.TABLE_NAMES
        }
        record = {
            "submission_id": self.submission_id,
            "firm_id": self.firm_id,
            "period": self.period,
            "version": self.version,
            "status": "accepted",
            "accepted_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "tables": tables,
            "report": str((final / "report.json").relative_to(root)),
            **meta,
        }
        superseded = [s["submission_id"] for s in self.previous.accepted if s["firm_id"] == self.firm_id and s["period"] == self.period]
        snapshot_id = self.previous.id + 1
        catalog_dir = self.store.catalog_dir
        catalog_dir.mkdir(parents=True, exist_ok=True)
        commit = {
            "snapshot": snapshot_id,
            "created_at": record["accepted_at"],
            "template_version": contract.TEMPLATE_VERSION,
            "added": record,
            "superseded": superseded,
        }
        checkpoint("before_catalog_write")
        _write_atomically(catalog_dir / f"{snapshot_id:08d}.json", json.dumps(commit, ensure_ascii=False, indent=1))
        if snapshot_id % FULL_EVERY == 0:  # optional: a reader replays from an older one if this is missing
            full = {"snapshot": snapshot_id, "submissions": list(self.store.snapshot(snapshot_id).submissions)}
            _write_atomically(catalog_dir / f"{snapshot_id:08d}.full.json", json.dumps(full, ensure_ascii=False))
        return {**record, "snapshot": snapshot_id}
