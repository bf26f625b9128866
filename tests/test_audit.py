"""The audit log: chained, tamper-evident, scrubbed of secrets, whole under concurrent writers."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from industry_metrics import audit


def test_events_are_chained_and_an_edit_is_found(tmp_path):
    for i in range(3):
        audit.record(tmp_path, "ann", "sign_in", details={"n": i})
    assert audit.verify(tmp_path) is None
    lines = (tmp_path / audit.FILE_NAME).read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace('"n": 1', '"n": 9')
    (tmp_path / audit.FILE_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert audit.verify(tmp_path) == 3  # line 2 was edited, so line 3's link to it breaks


def test_secrets_never_reach_the_log(tmp_path):
    audit.record(tmp_path, "ann", "users_add", "bob", details={"password": "hunter2hunter2", "api_key": "k", "role": "firm"})
    text = (tmp_path / audit.FILE_NAME).read_text(encoding="utf-8")
    assert "hunter2" not in text and "api_key" not in text and '"role": "firm"' in text


def test_read_filters(tmp_path):
    audit.record(tmp_path, "ann", "sign_in")
    audit.record(tmp_path, "bob", "submission", "F001 2026-10")
    assert audit.read(tmp_path, actor="bob")["target"].to_list() == ["F001 2026-10"]
    assert audit.read(tmp_path, action="sign_in")["actor"].to_list() == ["ann"]


WRITER = """
import sys
from industry_metrics import audit
for i in range(40):
    audit.record(sys.argv[1], sys.argv[2], "download", details={"i": i})
"""


def test_two_processes_append_without_breaking_lines_or_the_chain(tmp_path):
    workers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), name]) for name in ("p1", "p2")]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    assert audit.read(tmp_path).height == 80
    assert audit.verify(tmp_path) is None


def test_user_changes_and_submissions_are_audited(data_dir):
    from click.testing import CliRunner

    from industry_metrics.cli import main

    runner = CliRunner()
    args = ["--data-dir", str(data_dir)]
    runner.invoke(main, ["users", "add", "erin", "--role", "association", "--password-stdin", *args], input="a long password\n")
    out = runner.invoke(main, ["ingest", "--firm", "FA", "--period", "2026-10", str(data_dir / "missing.csv"), *args])
    assert out.exit_code == 1
    actions = audit.read(data_dir)["action"].to_list()
    assert actions == ["users_add", "submission_rejected"]
    assert "a long password" not in (data_dir / audit.FILE_NAME).read_text(encoding="utf-8")
    exported = runner.invoke(main, ["audit", "--format", "csv", *args])
    assert exported.exit_code == 0 and "submission_rejected" in exported.output


def test_secrets_are_scrubbed_at_any_depth(tmp_path):
    audit.record(tmp_path, "ann", "register_edit", details={"changes": [{"field": "limit", "Client_Secret": "s3"}],
                                                            "nested": {"access_token": "t0k", "kept": 1}})
    details = audit.read(tmp_path)["details"].item()
    assert json.loads(details) == {"changes": [{"field": "limit"}], "nested": {"kept": 1}}


def test_times_are_utc_and_since_understands_offsets(tmp_path):
    shanghai = timezone(timedelta(hours=8))
    audit.record(tmp_path, "ann", "sign_in", at=datetime(2026, 11, 2, 9, 0, tzinfo=shanghai))  # 01:00 UTC
    audit.record(tmp_path, "bob", "sign_in", at=datetime(2026, 11, 2, 3, 0))  # naive: UTC
    assert audit.read(tmp_path)["at"].to_list() == ["2026-11-02T01:00:00+00:00", "2026-11-02T03:00:00+00:00"]
    assert audit.read(tmp_path, since="2026-11-02T10:00+08:00")["actor"].to_list() == ["bob"]
    assert audit.read(tmp_path, since="2026-11-02")["actor"].to_list() == ["ann", "bob"]
    with pytest.raises(ValueError, match="since"):
        audit.read(tmp_path, since="yesterday")


def test_a_removed_line_is_found_and_the_log_is_private(tmp_path):
    for i in range(3):
        audit.record(tmp_path, "ann", "download", details={"n": i})
    path = tmp_path / audit.FILE_NAME
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(lines[0] + "\n" + lines[2] + "\n", encoding="utf-8")
    assert audit.verify(tmp_path) == 2


def test_the_audit_command_records_its_own_export_and_reports_a_broken_chain(tmp_path):
    from click.testing import CliRunner

    from industry_metrics.cli import main

    audit.record(tmp_path, "ann", "sign_in")
    audit.record(tmp_path, "ann", "download")
    runner, args = CliRunner(), ["--data-dir", str(tmp_path)]
    out = runner.invoke(main, ["audit", "--action", "download", "--format", "json", *args])
    assert out.exit_code == 0 and [r["action"] for r in json.loads(out.output)] == ["download"]
    assert audit.read(tmp_path)["action"].to_list()[-1] == "audit_export"
    bad = runner.invoke(main, ["audit", "--since", "soon", *args])
    assert bad.exit_code == 2 and "--since" in bad.output
    path = tmp_path / audit.FILE_NAME
    path.write_text(path.read_text(encoding="utf-8").replace('"sign_in"', '"sign_out"'), encoding="utf-8")
    broken = runner.invoke(main, ["audit", *args])
    assert broken.exit_code == 1 and "broken at line 2" in broken.output


def test_a_line_longer_than_the_read_chunk_keeps_the_chain(tmp_path):
    audit.record(tmp_path, "ann", "export", details={"firms": ["F%05d" % i for i in range(20000)]})
    audit.record(tmp_path, "ann", "sign_in")
    assert (tmp_path / audit.FILE_NAME).stat().st_size > 2 * 65536
    assert audit.verify(tmp_path) is None
