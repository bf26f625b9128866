"""The audit log: chained, tamper-evident, scrubbed of secrets, whole under concurrent writers."""

from __future__ import annotations

import subprocess
import sys

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
