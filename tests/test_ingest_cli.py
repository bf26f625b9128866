"""`industry-metrics ingest` and `industry-metrics submissions` through click's CliRunner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from industry_metrics.cli import main
from submission_factory import PERIOD, valid_tables, write_all_csv


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def ingest_args(data_dir, files, *extra):
    return ["ingest", "--firm", "FA", "--period", PERIOD, "--data-dir", str(data_dir), *extra, *map(str, files)]


def test_accepted_exit_0_and_json_report(data_dir, tmp_path):
    files = write_all_csv(tmp_path / "in", valid_tables())
    out = tmp_path / "report.json"
    result = run(*ingest_args(data_dir, files, "--lang", "en", "--report-json", str(out)))
    assert result.exit_code == 0, result.output
    assert "FA 2026-10: ACCEPTED (FA_2026-10_v1, snapshot 1)" in result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert (report["status"], report["counts"]["contacts"], report["findings"]) == ("accepted", 3, [])


def test_rejected_exit_1_with_readable_lines_in_both_languages(data_dir, tmp_path):
    tables = valid_tables()
    tables["payments"][1]["case_ref"] = "C9"
    files = write_all_csv(tmp_path / "in", tables)
    en = run(*ingest_args(data_dir, files, "--lang", "en"))
    assert en.exit_code == 1
    assert "REJECTED: nothing was loaded" in en.output
    assert "  V07 reject payments column case_ref rows 2: case_ref does not match any case in this submission's cases table" in en.output
    zh = run(*ingest_args(data_dir, files, "--lang", "zh"))
    assert zh.exit_code == 1
    assert "已拒收" in zh.output and "V07 reject payments column case_ref rows 2: case_ref 在本次报送的 cases 表中不存在" in zh.output


def test_warning_exit_2_then_confirm(data_dir, tmp_path):
    tables = valid_tables()
    tables["cases"][0]["amount_placed"] = "12000000"
    files = write_all_csv(tmp_path / "in", tables)
    out = tmp_path / "r.json"
    first = run(*ingest_args(data_dir, files, "--lang", "en", "--report-json", str(out)))
    assert first.exit_code == 2 and "--confirm" in first.output
    assert "W03 warn   cases column amount_placed rows 1" in first.output
    assert json.loads(out.read_text(encoding="utf-8"))["status"] == "needs_confirmation"
    listed = run("submissions", "--data-dir", str(data_dir))
    assert "FA_2026-10" not in listed.output
    second = run(*ingest_args(data_dir, files, "--confirm", "--lang", "en"))
    assert second.exit_code == 0 and "ACCEPTED" in second.output


def test_submissions_lists_versions_statuses_counts_and_rejections(data_dir, tmp_path):
    files = write_all_csv(tmp_path / "in", valid_tables())
    assert run(*ingest_args(data_dir, files)).exit_code == 0
    assert run(*ingest_args(data_dir, files)).exit_code == 0
    bad = valid_tables()
    bad["cases"][1]["creditor_ref"] = "13800138000"
    assert run(*ingest_args(data_dir, write_all_csv(tmp_path / "bad", bad))).exit_code == 1
    result = run("submissions", "--data-dir", str(data_dir))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "snapshot 2"
    rows = [line.split() for line in lines[2:] if line.startswith("FA")]
    assert [(r[2], r[3], r[-1]) for r in rows] == [("1", "superseded", "3/2/3/1/1/1"), ("2", "accepted", "3/2/3/1/1/1"),
                                                   ("-", "rejected", "0/0/0/0/0/0")]
    assert "P01 cases creditor_ref row 2:" in result.output
    assert "13800138000" not in result.output
    as_json = json.loads(run("submissions", "--data-dir", str(data_dir), "--json").output)
    assert [s["status"] for s in as_json["submissions"]] == ["superseded", "accepted", "rejected"]
    old = run("submissions", "--data-dir", str(data_dir), "--snapshot", "1")
    assert "accepted" in old.output and "superseded" not in old.output
