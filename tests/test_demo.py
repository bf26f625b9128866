"""The demo industry: deterministic, in the template, every format, the submission events, and each scenario's misconduct in the stored data."""

from __future__ import annotations

import csv
import hashlib
import json
import threading
from pathlib import Path

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest

from industry_metrics import contract, demo, reader, registry
from industry_metrics.demo import behaviour, files
from industry_metrics.demo.build import firm_month, plan
from industry_metrics.store import Store

from conftest import DEMO_SIZE as SIZE


@pytest.fixture(scope="session")
def built(small_demo) -> tuple[Path, dict]:
    return small_demo


@pytest.fixture(scope="session")
def con(built) -> duckdb.DuckDBPyConnection:
    connection = reader.connect(Store(built[0]).snapshot())
    connection.execute("SET TimeZone = 'UTC'")
    return connection


def scalar(con, sql: str, **params):
    return con.sql(sql, params=params).fetchall()[0][0]


def by_firm(con, sql: str) -> dict[str, float]:
    """Run a query returning (firm_id, value) rows into a dict."""
    return {firm: value for firm, value in con.sql(sql).fetchall()}


# ---- determinism ------------------------------------------------------------------------------
def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_same_seed_gives_byte_identical_files(built, tmp_path):
    data_dir, _ = built
    window, _, specs = plan(**SIZE)
    for firm_id in ("F001", "F003", "F004", "F006"):  # csv_utf8, csv_bom, parquet, csv_gbk
        spec = specs[firm_id]
        out = tmp_path / firm_id
        files.write_submission(firm_month(spec, window[-1]), out, spec.fmt, f"{firm_id}_{window[-1].label}")
        assert _digest(out) == _digest(data_dir / "inbox" / firm_id / window[-1].label), firm_id


def test_another_seed_gives_another_industry():
    window, _, a = plan(**SIZE)
    _, _, b = plan(**{**SIZE, "seed": 8})
    one = firm_month(a["F005"], window[0])["contacts"]
    two = firm_month(b["F005"], window[0])["contacts"]
    assert not one.equals(two)


# ---- files in the template, every format -------------------------------------------------------
def _headers(path: Path) -> dict[str, list[str]]:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return {ws.title: [c for c in next(ws.iter_rows(values_only=True))] for ws in book.worksheets}
    if path.suffix == ".parquet":
        return {path.stem: pq.read_schema(path).names}
    text = path.read_bytes()
    encoding = "utf-8-sig" if text.startswith(b"\xef\xbb\xbf") else ("utf-8" if _is_utf8(text) else "gbk")
    return {path.stem: next(csv.reader(text.decode(encoding).splitlines()))}


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_every_file_is_a_template_table_with_its_columns_in_order(built):
    data_dir, _ = built
    seen = set()
    for path in (data_dir / "inbox").rglob("*.*"):
        for table, columns in _headers(path).items():
            assert table in contract.TABLE_NAMES, path
            assert tuple(columns) == contract.table(table).column_names, path
            seen.add(table)
    assert seen == set(contract.TABLE_NAMES)


def test_each_format_appears_and_loads(built):
    data_dir, manifest = built
    assert set(manifest["formats"].values()) == set(files.FORMATS)
    loaded = {(f.get("format"), f.get("encoding")) for s in Store(data_dir).snapshot().accepted for f in s["source_files"]}
    assert {("csv", "utf-8"), ("csv", "utf-8-sig"), ("csv", "gb18030"), ("parquet", None), ("xlsx", None)} <= loaded
    gbk_firm = next(f for f, fmt in manifest["formats"].items() if fmt == "csv_gbk")
    gbk_bytes = next((data_dir / "inbox" / gbk_firm).rglob("contacts.csv")).read_bytes()
    assert not _is_utf8(gbk_bytes) and "是".encode("gbk") in gbk_bytes  # really GBK, with Chinese booleans


def test_registry_has_bands_names_and_a_firm_that_joined_part_way(built):
    data_dir, manifest = built
    firms = registry.load(data_dir)
    assert len(firms) == 30 and {f.size_band for f in firms.values()} == {"small", "medium", "large"}
    assert len({f.name_zh for f in firms.values()}) == 30 and len({f.licence_no for f in firms.values()}) == 30
    joined = manifest["joined_late"]
    assert str(firms[joined["firm_id"]].joined_on)[:7] == joined["period"]
    periods = {s["period"] for s in Store(data_dir).snapshot().accepted if s["firm_id"] == joined["firm_id"]}
    assert min(periods) == joined["period"] and manifest["periods"][0] not in periods


# ---- submission events ------------------------------------------------------------------------
def test_rejected_then_accepted(built):
    data_dir, manifest = built
    event = manifest["rejected_then_accepted"]
    store = Store(data_dir)
    rejections = [r for r in store.rejections() if (r["firm_id"], r["period"]) == (event["firm_id"], event["period"])]
    assert len(rejections) == 1 and any(f["rule"] == "F05" and f["column"] == "phone" for f in rejections[0]["findings"])
    assert store.snapshot().current(event["firm_id"], event["period"])["version"] == 1
    assert not (data_dir / "inbox" / event["firm_id"] / event["period"] / "attempt-1").exists()
    assert len(store.rejections()) == 1  # nothing else in the demo is rejected


def test_resubmission_supersedes_v1(built):
    data_dir, manifest = built
    event = manifest["resubmitted"]
    subs = [s for s in Store(data_dir).snapshot().submissions if (s["firm_id"], s["period"]) == (event["firm_id"], event["period"])]
    assert [(s["version"], s["status"]) for s in subs] == [(1, "superseded"), (2, "accepted")]
    assert subs[1]["tables"]["contacts"]["rows"] > subs[0]["tables"]["contacts"]["rows"]


def test_late_firm_submits_last(built):
    data_dir, manifest = built
    subs = Store(data_dir).snapshot().submissions
    assert (subs[-1]["firm_id"], subs[-1]["period"]) == (behaviour.LATE_FIRM, manifest["periods"][-1])
    last_period = [s["firm_id"] for s in subs if s["period"] == manifest["periods"][-1]]
    assert last_period[-1] == behaviour.LATE_FIRM and len(set(last_period)) == 30
    assert manifest["submission_order"][-1]["firm_id"] == behaviour.LATE_FIRM


# ---- each scenario's misconduct, seen in the stored rows (not through the metric engine) -------
OUTBOUND = "direction = 'outbound'"


def test_scenarios_cover_the_conduct_and_complaint_metrics():
    assert {s.metric for s in demo.SCENARIOS} == {"V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "C3"}


def test_v1_night_calls(con):
    share = by_firm(con, f"""SELECT firm_id, avg(CASE WHEN (hour(contact_at) >= 22 OR hour(contact_at) < 8) AND NOT consented_time THEN 1 ELSE 0 END)
        FROM contacts WHERE {OUTBOUND} AND channel IN ('call','sms','app_message','ivr','visit') GROUP BY 1""")
    assert share["F003"] > 0.02 and max(v for f, v in share.items() if f != "F003") < 0.002


def test_v2_cross_agency_floods_on_shared_debtors(con):
    rows = con.sql(f"""
        WITH day AS (
            SELECT c.debtor_ref, c.creditor_ref, CAST(k.contact_at AS DATE) AS d, k.firm_id, count(*) AS calls
            FROM contacts k JOIN cases c USING (firm_id, period, case_ref)
            WHERE k.{OUTBOUND} AND k.channel = 'call' AND k.party = 'debtor' AND k.connected
            GROUP BY ALL)
        SELECT debtor_ref, creditor_ref, d, list(DISTINCT firm_id ORDER BY firm_id) AS firms, sum(calls) AS calls, max(calls) AS most_by_one
        FROM day GROUP BY ALL HAVING sum(calls) > 3""").fetchall()
    cross = [r for r in rows if r[3] == ["F005", "F008"]]
    assert len(cross) >= 30 and all(r[4] >= 6 for r in cross)
    assert sum(1 for r in cross if r[5] <= 3) >= 0.9 * len(cross)  # each agency alone stays within the cap on most days


def test_v3_unanswered_floods(con):
    floods = by_firm(con, f"""SELECT firm_id, count(*) FROM (
        SELECT firm_id, number_ref, CAST(contact_at AS DATE), count(*) AS n FROM contacts
        WHERE {OUTBOUND} AND channel = 'call' AND NOT connected GROUP BY ALL HAVING n > 6) GROUP BY 1""")
    assert floods.get("F004", 0) >= 8 and sum(v for f, v in floods.items() if f != "F004") < floods["F004"] / 5


def test_v4_third_parties_while_debtor_reachable(con):
    share = by_firm(con, f"""SELECT firm_id, avg(CASE WHEN (party IN ('emergency_contact','unrelated_third_party') AND NOT debtor_unreachable) OR disclosed_debt THEN 1 ELSE 0 END)
        FROM contacts WHERE {OUTBOUND} GROUP BY 1""")
    assert share["F009"] > 0.005 and max(v for f, v in share.items() if f != "F009") < share["F009"] / 5
    assert scalar(con, "SELECT list(DISTINCT firm_id) FROM contacts WHERE disclosed_debt") == ["F009"]


def test_v5_contacts_during_holds(con):
    during = by_firm(con, f"""SELECT k.firm_id, count(*) FROM contacts k JOIN cases c USING (firm_id, period, case_ref)
        WHERE k.{OUTBOUND} AND k.party = 'debtor' AND CAST(k.contact_at AS DATE) BETWEEN c.hold_from AND c.hold_to GROUP BY 1""")
    assert during == {"F013": during["F013"]} and during["F013"] >= 10


def test_v6_unrecorded_calls_and_visits(con):
    share = by_firm(con, f"""SELECT firm_id, avg(CASE WHEN recorded THEN 0 ELSE 1 END) FROM contacts
        WHERE {OUTBOUND} AND ((channel = 'call' AND connected) OR channel = 'visit') GROUP BY 1""")
    assert share["F014"] > 0.25 and max(v for f, v in share.items() if f != "F014") < 0.05


def test_v7_single_collector_visits(con):
    share = by_firm(con, "SELECT firm_id, avg(CASE WHEN collectors_present < 2 THEN 1 ELSE 0 END) FROM contacts WHERE channel = 'visit' GROUP BY 1")
    assert share["F018"] > 0.4 and max(v for f, v in share.items() if f != "F018") < 0.15


def test_v8_vulnerable_debtors_contacted_more(con):
    ratio = by_firm(con, f"""WITH per_case AS (
            SELECT c.firm_id, c.vulnerable, c.period, c.case_ref, count(k.contact_ref) AS n
            FROM cases c LEFT JOIN contacts k ON k.firm_id = c.firm_id AND k.period = c.period AND k.case_ref = c.case_ref AND k.{OUTBOUND}
            GROUP BY ALL)
        SELECT firm_id, avg(n) FILTER (WHERE vulnerable) / avg(n) FILTER (WHERE NOT vulnerable) FROM per_case GROUP BY 1""")
    assert ratio["F019"] > 1.8
    others = [v for f, v in ratio.items() if f != "F019" and v is not None]
    assert sorted(others)[len(others) // 2] < 1.0  # the typical firm goes easier on vulnerable debtors


def test_v9_qa_findings(con):
    share = by_firm(con, "SELECT firm_id, count(DISTINCT review_ref) FILTER (WHERE finding <> 'none') / count(DISTINCT review_ref) FROM qa_reviews GROUP BY 1")
    assert share["F023"] > 0.04 and sorted(share.values())[len(share) // 2] < 0.01


def test_c3_slow_complaint_handling(con):
    slow = by_firm(con, """SELECT firm_id, avg(CASE WHEN closed_on - received_on > 15 THEN 1 ELSE 0 END) FROM complaints
        WHERE closed_on IS NOT NULL AND strftime(closed_on, '%Y-%m') = period GROUP BY 1""")
    overall = scalar(con, """SELECT avg(CASE WHEN closed_on - received_on > 15 THEN 1 ELSE 0 END) FROM complaints
        WHERE closed_on IS NOT NULL AND strftime(closed_on, '%Y-%m') = period AND firm_id <> 'F010'""")
    assert slow["F010"] > 0.4 and overall < 0.15


def test_v10_late_incident_reports(con):
    late = by_firm(con, """SELECT firm_id, count(*) FILTER (WHERE reported_at IS NULL OR reported_at - detected_at > INTERVAL 4 HOUR) FROM incidents GROUP BY 1""")
    assert late["F024"] >= 2 and late["F024"] > 2 * max([v for f, v in late.items() if f != "F024"] or [0])


def test_most_cases_in_shanghai_some_elsewhere_and_local_times_in_working_hours(con):
    zones = dict(con.sql("SELECT timezone, count(*) FROM cases GROUP BY 1").fetchall())
    assert zones["Asia/Shanghai"] > 0.9 * sum(zones.values()) and {"Asia/Urumqi", "Asia/Hong_Kong"} <= set(zones)
    assert scalar(con, f"SELECT avg(CASE WHEN hour(contact_at) BETWEEN 8 AND 21 THEN 1 ELSE 0 END) FROM contacts WHERE {OUTBOUND}") > 0.97


def test_cases_carry_over_and_close_with_their_status(con):
    carried = scalar(con, "SELECT count(*) FROM (SELECT firm_id, case_ref FROM cases GROUP BY ALL HAVING count(*) = 3)")
    assert carried > 500
    statuses = {r[0] for r in con.sql("SELECT DISTINCT status FROM cases").fetchall()}
    assert statuses == set(contract.table("cases").column("status").enum)
    # once closed, a case never reopens in a later month
    reopened = scalar(con, """SELECT count(*) FROM cases a JOIN cases b ON a.firm_id = b.firm_id AND a.case_ref = b.case_ref AND b.period > a.period
        WHERE a.closed_on IS NOT NULL AND (b.closed_on IS NULL OR b.closed_on <> a.closed_on)""")
    assert reopened == 0


# ---- building safely, and the first page ---------------------------------------------------------
def test_build_refuses_a_store_that_has_data(built):
    with pytest.raises(demo.DemoError):
        demo.build(built[0], **{**SIZE, "months": 1})


def test_ensure_demo_builds_once_when_two_callers_race(tmp_path):
    results = []
    threads = [threading.Thread(target=lambda: results.append(demo.ensure_demo(tmp_path, firms=3, months=1, cases=200, workers=1))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and results[0] == results[1]
    assert [s["version"] for s in Store(tmp_path).snapshot().submissions] == [1, 1, 1]
    assert json.loads((tmp_path / demo.MANIFEST).read_text(encoding="utf-8")) == results[0]


def test_app_opens_on_the_demo_with_its_accounts(built, monkeypatch):
    """On the demo the sign-in page lists the demo accounts; staff then see every submission status."""
    from streamlit.testing.v1 import AppTest

    from industry_metrics import auth

    monkeypatch.setenv("INDUSTRY_METRICS_DATA_DIR", str(built[0]))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    accounts = auth.demo_credentials(built[0])
    assert set(at.dataframe[0].value["user"]) == set(accounts) and len(accounts) == 32
    at.text_input(key="signin_user").input("staff")
    at.text_input(key="signin_password").input(accounts["staff"])
    at.button[0].click().run()
    at.switch_page("app_pages/submissions.py").run()
    assert not at.exception
    statuses = set(at.dataframe[0].value["Status"])
    assert statuses == {"Accepted", "Superseded", "Rejected"}
