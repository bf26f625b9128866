"""One failing example per validation rule in rules.py: each names its rule, table, column and row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from industry_metrics import ingest, rules, sources
from industry_metrics.store import Store
from submission_factory import PERIOD, valid_tables, write_all_csv, write_csv

# Resident ID 11010519491231002X, check digit by hand (GB 11643):
# digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 x weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
# = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2; "10X98765432"[2] = "X".
RESIDENT_ID = "11010519491231002X"
# The same number with check digit 1: not a valid ID (and it fails the Luhn check too).
WRONG_CHECK_DIGIT_ID = "110105194912310021"
# 4111 1111 1111 1111 by Luhn: from the right, every second digit is doubled: the leading 4 -> 8,
# seven 1s -> 2 each (14); the eight undoubled 1s give 8; 8 + 14 + 8 = 30, a multiple of 10.
CARD = "4111111111111111"


def submit(data_dir: Path, tmp_path: Path, tables: dict, **kwargs) -> ingest.IngestResult:
    files = write_all_csv(tmp_path / "in", tables)
    return ingest.ingest(data_dir, kwargs.pop("firm", "FA"), kwargs.pop("period", PERIOD), files, **kwargs)


def only(result: ingest.IngestResult, rule: str) -> dict:
    found = [f for f in result.report["findings"] if f["rule"] == rule]
    assert found, f"{rule} not in {[(f['rule'], f['table'], f['column']) for f in result.report['findings']]}"
    return found[0]


def set_cell(tables: dict, table: str, row: int, column: str, value: str) -> dict:
    """Change one cell; `row` is the 1-based data row the report will name."""
    tables[table][row - 1][column] = value
    return tables


# (rule, table, row, column, new value, column expected in the report, row expected)
CELL_CASES = [
    ("V01", "cases", 2, "product", "", "product", 2),
    ("V02", "cases", 3, "dpd_at_placement", "thirty", "dpd_at_placement", 3),
    ("V02", "cases", 1, "placed_on", "2026/09/01", "placed_on", 1),
    ("V02", "contacts", 2, "contact_at", "2026-10-05 25:00", "contact_at", 2),
    ("V02", "cases", 2, "vulnerable", "yes", "vulnerable", 2),
    ("V03", "cases", 3, "product", "payday", "product", 3),
    ("V04", "cases", 1, "dpd_at_placement", "0", "dpd_at_placement", 1),
    ("V04", "payments", 2, "amount", "0", "amount", 2),
    ("V05", "cases", 2, "region_code", "32048", "region_code", 2),
    ("V05", "cases", 3, "timezone", "Mars/Olympus", "timezone", 3),
    ("V06", "contacts", 3, "contact_ref", "K1", "contact_ref", 3),
    ("V07", "payments", 2, "case_ref", "C9", "case_ref", 2),
    ("V08", "payments", 1, "paid_on", "2026-11-01", "paid_on", 1),
    ("V08", "contacts", 3, "contact_at", "2026-11-01 00:10:00", "contact_at", 3),
    ("V08", "cases", 2, "placed_on", "2026-11-02", "placed_on", 2),
    ("V09", "contacts", 1, "number_ref", "", "number_ref", 1),
    ("V09", "cases", 2, "closed_on", "", "closed_on", 2),
    ("V10", "complaints", 1, "closed_on", "2026-10-01", "closed_on", 1),
    ("V11", "payments", 1, "amount", "100.505", "amount", 1),
    ("P01", "cases", 2, "creditor_ref", "13800138000", "creditor_ref", 2),
    ("P01", "cases", 1, "case_ref", "+86 138-0013-8000", "case_ref", 1),
    ("P02", "cases", 3, "creditor_ref", RESIDENT_ID, "creditor_ref", 3),
    ("P03", "payments", 2, "payment_ref", CARD, "payment_ref", 2),
    ("P04", "complaints", 1, "complaint_ref", "wang.wei@example.com", "complaint_ref", 1),
]


@pytest.mark.parametrize("rule, table, row, column, value, expected_column, expected_row", CELL_CASES,
                         ids=[f"{c[0]}-{c[1]}.{c[3]}" for c in CELL_CASES])
def test_each_value_rule_rejects_with_its_place(data_dir, tmp_path, rule, table, row, column, value, expected_column, expected_row):
    result = submit(data_dir, tmp_path, set_cell(valid_tables(), table, row, column, value))
    assert result.status == "rejected" and result.exit_code == 1
    found = only(result, rule)
    assert (found["table"], found["column"], found["row"]) == (table, expected_column, expected_row)
    assert found["severity"] == "reject"
    assert not Store(data_dir).snapshot_ids()


def test_valid_submission_is_accepted(data_dir, tmp_path):
    result = submit(data_dir, tmp_path, valid_tables())
    assert result.status == "accepted", result.report["findings"]
    assert result.report["counts"] == {"cases": 3, "payments": 2, "contacts": 3, "complaints": 1, "qa_reviews": 1, "incidents": 1}


def test_resident_id_with_a_wrong_check_digit_passes(data_dir, tmp_path):
    result = submit(data_dir, tmp_path, set_cell(valid_tables(), "cases", 3, "creditor_ref", WRONG_CHECK_DIGIT_ID))
    assert result.status == "accepted", result.report["findings"]


def test_conditionally_required_column_left_out_entirely(data_dir, tmp_path):
    tables = valid_tables()
    for r in tables["contacts"]:
        del r["number_ref"]
    found = only(submit(data_dir, tmp_path, tables), "V09")
    assert (found["table"], found["column"], found["rows"]) == ("contacts", "number_ref", [1, 3])


@pytest.mark.parametrize("rule, value", [("P01", "13800138000"), ("P02", RESIDENT_ID), ("P03", CARD), ("P04", "wang.wei@example.com")])
def test_personal_data_is_never_echoed(data_dir, tmp_path, rule, value):
    result = submit(data_dir, tmp_path, set_cell(valid_tables(), "cases", 2, "creditor_ref", value))
    assert only(result, rule)["values"] == []
    stored = Store(data_dir).rejections()
    assert value not in json.dumps(result.report, ensure_ascii=False)
    assert value not in json.dumps(stored, ensure_ascii=False)


def test_a_text_columns_bad_value_is_not_echoed_but_an_enums_is(data_dir, tmp_path):
    tables = set_cell(valid_tables(), "cases", 1, "debtor_ref", "Zhang-San-token")
    set_cell(tables, "cases", 2, "product", "payday")
    set_cell(tables, "cases", 3, "fee_model", "张三")
    result = submit(data_dir, tmp_path, tables)
    assert only(result, "V05")["values"] == []
    assert only(result, "V03")["values"] in (["payday"], [])
    v03 = [f for f in result.report["findings"] if f["rule"] == "V03"]
    assert {f["column"]: f["values"] for f in v03} == {"product": ["payday"], "fee_model": []}
    assert "Zhang-San-token" not in json.dumps(result.report) and "张三" not in json.dumps(result.report, ensure_ascii=False)


# ---- files and structure ---------------------------------------------------------------------
def test_f01_unreadable_file(data_dir, tmp_path):
    files = write_all_csv(tmp_path / "in", valid_tables())
    (tmp_path / "in" / "payments.csv").write_text("payment_ref,case_ref,paid_on,amount\nP1,C1\n", encoding="utf-8")
    found = only(ingest.ingest(data_dir, "FA", PERIOD, files), "F01")
    assert (found["table"], found["file"], found["column"], found["row"]) == ("payments", "payments.csv", "", None)


def test_f02_file_that_is_no_table(data_dir, tmp_path):
    files = write_all_csv(tmp_path / "in", valid_tables()) + [write_csv(tmp_path / "in" / "customers.csv", [{"x": "1"}])]
    found = only(ingest.ingest(data_dir, "FA", PERIOD, files), "F02")
    assert (found["file"], found["table"], found["row"]) == ("customers.csv", "", None)


def test_f03_missing_required_column(data_dir, tmp_path):
    tables = valid_tables()
    for r in tables["cases"]:
        del r["product"]
    found = only(submit(data_dir, tmp_path, tables), "F03")
    assert (found["table"], found["column"], found["row"]) == ("cases", "product", None)


def test_f04_unknown_column(data_dir, tmp_path):
    tables = valid_tables()
    for r in tables["payments"]:
        r["note"] = "x"
    found = only(submit(data_dir, tmp_path, tables), "F04")
    assert (found["table"], found["column"]) == ("payments", "note")


@pytest.mark.parametrize("column", ["姓名", "phone", "debtor_address", "身份证号"])
def test_f05_personal_column(data_dir, tmp_path, column):
    tables = valid_tables()
    for r in tables["cases"]:
        r[column] = "x"
    found = only(submit(data_dir, tmp_path, tables), "F05")
    assert (found["table"], found["column"]) == ("cases", column)


def test_f06_table_given_twice(data_dir, tmp_path):
    files = write_all_csv(tmp_path / "in", valid_tables())
    files.append(write_csv(tmp_path / "in" / "FA_2026-10_cases.csv", valid_tables()["cases"]))
    found = only(ingest.ingest(data_dir, "FA", PERIOD, files), "F06")
    assert (found["table"], found["file"]) == ("cases", "FA_2026-10_cases.csv")


def test_f07_over_a_safety_limit(data_dir, tmp_path):
    files = write_all_csv(tmp_path / "in", valid_tables())
    found = only(ingest.ingest(data_dir, "FA", PERIOD, files, limits=sources.Limits(max_line_bytes=100)), "F07")
    assert found["table"] == "cases" and "line is longer" in found["message"]


def test_f08_cases_missing(data_dir, tmp_path):
    tables = valid_tables()
    del tables["cases"]
    found = only(submit(data_dir, tmp_path, tables), "F08")
    assert found["table"] == "cases"


@pytest.mark.parametrize("rule, firm, period", [("S01", "ZZ", PERIOD), ("S02", "FX", PERIOD), ("S03", "FA", "2026-13")])
def test_submitter_rules(data_dir, tmp_path, rule, firm, period):
    result = submit(data_dir, tmp_path, valid_tables(), firm=firm, period=period)
    assert result.status == "rejected"
    assert [f["rule"] for f in result.report["findings"]] == [rule]


# ---- warnings: need confirmation ------------------------------------------------------------
def contacts_rows(n: int, hour: int = 10) -> list[dict]:
    base = valid_tables()["contacts"][0]
    return [{**base, "contact_ref": f"K{i}", "contact_at": f"2026-10-{1 + i % 28:02d} {hour:02d}:15:00"} for i in range(n)]


def warn_w01(data_dir, tmp_path):
    earlier = valid_tables()
    earlier["contacts"] = [{**r, "contact_at": r["contact_at"].replace("2026-10", "2026-09")} for r in contacts_rows(25)]
    earlier["payments"] = [{**r, "paid_on": "2026-09-10", "amount": "1"} for r in earlier["payments"]]
    del earlier["complaints"], earlier["qa_reviews"], earlier["incidents"]
    for r in earlier["cases"]:
        r["placed_on"], r["status"], r["closed_on"] = "2026-08-01", "active", ""
    assert submit(data_dir, tmp_path / "sep", earlier, period="2026-09").status == "accepted"
    return valid_tables(), ("contacts", "", None)


def warn_w02(data_dir, tmp_path):
    tables = valid_tables()
    tables["contacts"] = contacts_rows(11, hour=2) + [{**r, "contact_ref": f"D{r['contact_ref']}"} for r in contacts_rows(10)]
    return tables, ("contacts", "contact_at", None)


def warn_w03(data_dir, tmp_path):
    return set_cell(valid_tables(), "cases", 3, "amount_placed", "10000000.01"), ("cases", "amount_placed", 3)


def warn_w04(data_dir, tmp_path):
    return set_cell(valid_tables(), "payments", 1, "amount", "1000.01"), ("payments", "amount", 1)


@pytest.mark.parametrize("rule, make", [("W01", warn_w01), ("W02", warn_w02), ("W03", warn_w03), ("W04", warn_w04)])
def test_warnings_need_confirmation(data_dir, tmp_path, rule, make):
    tables, (table, column, row) = make(data_dir, tmp_path)
    before = Store(data_dir).snapshot().id
    result = submit(data_dir, tmp_path / "oct", tables)
    assert result.status == "needs_confirmation" and result.exit_code == 2
    assert [f["rule"] for f in result.report["findings"]] == [rule]
    found = only(result, rule)
    assert (found["severity"], found["table"], found["column"], found["row"]) == ("warn", table, column, row)
    assert Store(data_dir).snapshot().id == before  # nothing loaded
    confirmed = submit(data_dir, tmp_path / "oct2", tables, confirm=True)
    assert confirmed.status == "accepted" and confirmed.exit_code == 0
    snap = Store(data_dir).snapshot()
    assert snap.current("FA", PERIOD)["warnings_confirmed"] is True


def test_every_rule_has_an_example_here():
    tested = {c[0] for c in CELL_CASES} | {"F01", "F02", "F03", "F04", "F05", "F06", "F07", "F08", "S01", "S02", "S03", "W01", "W02", "W03", "W04"}
    assert tested == set(rules.RULES)
