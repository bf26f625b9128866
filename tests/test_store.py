"""The store: rejections change nothing, supersede keeps history, kills and concurrent readers are safe."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from industry_metrics import ingest, reader
from industry_metrics.store import Store, sha256_file
from submission_factory import PERIOD, valid_tables, write_all_csv

TESTS = Path(__file__).parent


def tree_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def submit(data_dir: Path, folder: Path, tables: dict, **kwargs) -> ingest.IngestResult:
    return ingest.ingest(data_dir, "FA", PERIOD, write_all_csv(folder, tables), **kwargs)


def assert_consistent(data_dir: Path) -> None:
    """The latest catalog parses and every file it names exists with its sha256."""
    store = Store(data_dir)
    snap = store.snapshot()
    for sub in snap.submissions:
        for entry in sub["tables"].values():
            assert sha256_file(store.root / entry["path"]) == entry["sha256"]
        assert (store.root / sub["report"]).is_file()


def test_rejection_leaves_the_store_byte_for_byte_unchanged(data_dir, tmp_path):
    assert submit(data_dir, tmp_path / "a", valid_tables()).status == "accepted"
    before = tree_hashes(data_dir / "store")
    bad = valid_tables()
    bad["payments"][0]["case_ref"] = "C404"
    result = submit(data_dir, tmp_path / "b", bad)
    assert result.status == "rejected"
    assert tree_hashes(data_dir / "store") == before
    assert [r["status"] for r in Store(data_dir).rejections()] == ["rejected"]


def test_needs_confirmation_leaves_the_store_unchanged(data_dir, tmp_path):
    assert submit(data_dir, tmp_path / "a", valid_tables()).status == "accepted"
    before = tree_hashes(data_dir / "store")
    tables = valid_tables()
    tables["cases"][0]["amount_placed"] = "20000000"
    assert submit(data_dir, tmp_path / "b", tables).status == "needs_confirmation"
    assert tree_hashes(data_dir / "store") == before


def test_supersede_keeps_the_old_version_readable_from_the_earlier_snapshot(data_dir, tmp_path):
    first = submit(data_dir, tmp_path / "a", valid_tables())
    second_tables = valid_tables()
    second_tables["payments"] = second_tables["payments"][:1]
    second = submit(data_dir, tmp_path / "b", second_tables)
    assert (first.record["version"], second.record["version"]) == (1, 2)
    store = Store(data_dir)
    old, new = store.snapshot(first.record["snapshot"]), store.snapshot()
    assert [s["status"] for s in new.submissions] == ["superseded", "accepted"]
    assert new.submissions[0]["superseded_by"] == "FA_2026-10_v2"
    assert reader.connect(old).sql("SELECT count(*), sum(amount) FROM payments").fetchall() == [(2, 1000.50)]
    assert reader.connect(new).sql("SELECT count(*), sum(amount) FROM payments").fetchall() == [(1, 100.50)]
    assert reader.connect(new).sql("SELECT DISTINCT submission_id FROM cases").fetchall() == [("FA_2026-10_v2",)]


KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from industry_metrics import ingest, store
    from submission_factory import PERIOD, valid_tables, write_all_csv

    def checkpoint(name):
        if name == {point!r}:
            os.kill(os.getpid(), signal.SIGKILL)

    store.checkpoint = checkpoint
    files = write_all_csv(Path({folder!r}), valid_tables())
    ingest.ingest(Path({data_dir!r}), "FA", PERIOD, files)
""")


@pytest.mark.slow
@pytest.mark.parametrize("point", ["after_staging_write", "after_rename", "before_catalog_write", "before_atomic_rename"])
def test_a_killed_ingest_leaves_the_store_consistent(data_dir, tmp_path, point):
    assert submit(data_dir, tmp_path / "a", valid_tables()).status == "accepted"
    script = KILLER.format(tests=str(TESTS), point=point, folder=str(tmp_path / "k"), data_dir=str(data_dir))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    store = Store(data_dir)
    assert store.snapshot_ids() == [1]  # the killed write published nothing
    assert_consistent(data_dir)
    result = submit(data_dir, tmp_path / "c", valid_tables())
    assert result.status == "accepted" and result.record["version"] == 2
    assert_consistent(data_dir)
    assert not list((store.root / "staging").iterdir())
    assert not list((store.root / "catalog").glob(".*.tmp"))
    folders = sorted(p.name for p in (store.root / "submissions" / "FA" / PERIOD).iterdir())
    assert folders == ["FA_2026-10_v1", "FA_2026-10_v2"]


READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from industry_metrics import reader
    from industry_metrics.store import Store
    store, stop = Store(Path(sys.argv[1])), Path(sys.argv[2])
    seen, errors, queries = set(), [], 0
    while not stop.exists() or queries < 5:
        try:
            snap = store.snapshot()
            con = reader.connect(snap)
            got = con.sql("SELECT submission_id, count(*) FROM contacts GROUP BY ALL").fetchall()
            want = {s["submission_id"]: s["tables"]["contacts"]["rows"] for s in snap.accepted}
            if dict(got) != want:
                errors.append(f"snapshot {snap.id}: read {got}, catalog says {want}")
            seen.add(snap.id)
            con.close()
        except Exception as exc:
            errors.append(repr(exc))
        queries += 1
    print(json.dumps({"seen": sorted(seen), "errors": errors[:5], "queries": queries}))
""")


@pytest.mark.slow
def test_a_reader_during_ingests_sees_only_whole_versions(data_dir, tmp_path):
    stop = tmp_path / "stop"
    proc = subprocess.Popen([sys.executable, "-c", READER, str(data_dir), str(stop)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for n in range(1, 6):  # version n has n + 2 contacts
            tables = valid_tables()
            base = tables["contacts"][0]
            tables["contacts"] += [{**base, "contact_ref": f"X{n}_{i}"} for i in range(n - 1)]
            assert submit(data_dir, tmp_path / f"v{n}", tables).status == "accepted"
            time.sleep(0.05)
    finally:
        stop.touch()
    out, err = proc.communicate(timeout=120)
    result = json.loads(out)
    assert result["errors"] == [], err.decode()
    assert result["queries"] >= 5 and len(result["seen"]) >= 2


def test_catalog_replays_commits_onto_full_catalogs(data_dir, monkeypatch):
    """Snapshots read the same whether they come from commit files alone or from a full catalog."""
    from industry_metrics import store as store_mod
    monkeypatch.setattr(store_mod, "FULL_EVERY", 2)
    for n in range(3):
        files = write_all_csv(data_dir / f"in{n}", valid_tables())
        assert ingest.ingest(data_dir, "FA", PERIOD, files).status == "accepted"
    store = store_mod.Store(data_dir)
    assert (store.catalog_dir / "00000002.full.json").exists()
    latest = store.snapshot()
    assert [(s["version"], s["status"]) for s in latest.submissions] == [(1, "superseded"), (2, "superseded"), (3, "accepted")]
    (store.catalog_dir / "00000002.full.json").unlink()  # a full catalog is an optimisation only
    store_mod._read_snapshot.cache_clear()
    assert store.snapshot().submissions == latest.submissions
    assert [s["status"] for s in store.snapshot(1).submissions] == ["accepted"]
