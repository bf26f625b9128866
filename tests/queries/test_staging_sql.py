"""queries/staging/*.sql: given rows -> expected rows of each staging table (worked out by hand)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from metric_rows import row, submit

from industry_metrics import metrics, queries, reader
from industry_metrics.store import Store


def stage(data_dir, periods):
    con = reader.connect(Store(data_dir).snapshot())
    metrics.prepare(con, periods)
    return con


def test_staging(data_dir):
    submit(data_dir, "FA", "2026-09", cases=[row("cases", case_ref="C1", dpd_at_placement="31"),
                                             row("cases", case_ref="C2", dpd_at_placement="181")])
    submit(data_dir, "FA", "2026-10",
           cases=[row("cases", case_ref="C1", status="settled", closed_on="2026-10-03", dpd_at_placement="31"),
                  row("cases", case_ref="C3", timezone="America/New_York", placed_on="2026-10-02", dpd_at_placement="90")],
           contacts=[row("contacts", case_ref="C3", contact_at="2026-10-05T02:00:00+00:00", connected="false")])
    con = stage(data_dir, ["2026-09", "2026-10", "2026-Q4", "2026"])
    # stg_cases: one row per stored case row, bucketed: 31 -> M2, 181 -> M6+, 90 -> M3
    assert sorted(con.sql("select month, case_ref, dpd_bucket, vintage from stg_cases").fetchall()) == [
        ("2026-09", "C1", "M2", "2026-09"), ("2026-09", "C2", "M6+", "2026-09"),
        ("2026-10", "C1", "M2", "2026-09"), ("2026-10", "C3", "M3", "2026-10")]
    # period case sets: the year takes C1 from October (settled), C2 from September
    assert sorted(con.sql("select period, case_ref, status, active from stg_period_cases").fetchall()) == [
        ("2026", "C1", "settled", True), ("2026", "C2", "active", True), ("2026", "C3", "active", True),
        ("2026-09", "C1", "active", True), ("2026-09", "C2", "active", True),
        ("2026-10", "C1", "settled", True), ("2026-10", "C3", "active", True),
        ("2026-Q4", "C1", "settled", True), ("2026-Q4", "C3", "active", True)]
    # history up to October includes C2 (last seen in September); censoring at the firm's latest month end. One set
    # per last month: 2026-Q4 and 2026 both end with December (the firm's latest month there is October); October's
    # own set is the same three cases
    assert sorted(con.sql("select last_month, case_ref, month, censor_day from stg_history_cases").fetchall()) == [
        ("2026-09", "C1", "2026-09", dt.date(2026, 9, 30)), ("2026-09", "C2", "2026-09", dt.date(2026, 9, 30)),
        ("2026-10", "C1", "2026-10", dt.date(2026, 10, 31)), ("2026-10", "C2", "2026-09", dt.date(2026, 10, 31)),
        ("2026-10", "C3", "2026-10", dt.date(2026, 10, 31)),
        ("2026-12", "C1", "2026-10", dt.date(2026, 10, 31)), ("2026-12", "C2", "2026-09", dt.date(2026, 10, 31)),
        ("2026-12", "C3", "2026-10", dt.date(2026, 10, 31))]
    # 02:00 UTC on 10-05 is 22:00 EDT on 10-04 in New York; the case's fields come along
    assert con.sql("select local_date, local_time, outbound_call, connected, debtor_ref is not null from stg_contacts").fetchall() == [
        (dt.date(2026, 10, 4), dt.time(22, 0), True, False, True)]
    # the same contact without its case's fields
    assert con.sql("select month, case_ref, local_date, outbound_call, connected from stg_contact_events").fetchall() == [
        ("2026-10", "C3", dt.date(2026, 10, 4), True, False)]
    # the month's conduct counts: the one contact is an outbound call to the debtor at 22:00 local, Sunday (the weekend
    # window falls back to 22:00-08:00), not consented: in V1's scope and quiet; unanswered, so no R7 numerator and no
    # V6 recording check (connected calls and visits only); C3 is not vulnerable; one unanswered call is under V3's cap
    # of 6; no hold, no third party; September had no contact, so it has no row
    assert con.sql("select * exclude (firm_id) from stg_conduct_months").pl().to_dicts() == [dict(
        month="2026-10", v1_num=1, v1_den=1, outbound_calls=1, r7_num=0, outbound_contacts=1, v4_num=0, v5_num=0,
        v6_num=0, v6_den=0, v7_num=0, v7_den=0, v8_vulnerable=0, v8_other=1, v3_excess=0)]
    # R4's partials for October, no payments so every case is censored: C3 placed 10-02 -> 10-31 is 29 days, C1 closed
    # 10-03 -> 32 days after 09-01, C2 (last seen in September, open) -> 60 days; one dim row per case attribute
    assert con.sql("select t, d, c from stg_r4_times where period = '2026-10' and dim = '' order by t").fetchall() == [
        (29, 0, 1), (32, 0, 1), (60, 0, 1)]
    assert con.sql("select dim, t from stg_r4_times where period = '2026-10' and dim like 'dpd=%' order by t").fetchall() == [
        ("dpd=M3", 29), ("dpd=M2", 32), ("dpd=M6+", 60)]
    # V2's excess calls: the one call was not connected, so no firm-month has any
    assert con.sql("select * from stg_v2_excess").fetchall() == []


def test_staging_of_an_empty_store(data_dir):
    con = stage(data_dir, ["2026-10"])
    for name in metrics.STAGING:
        assert con.sql(f"select count(*) from stg_{name}").fetchall() == [(0,)]
    assert metrics.compute(Store(data_dir).snapshot(), "cn", periods=["2026-10"]).height == 0


def test_v2_calls_and_touched_contacts(data_dir):
    """A new firm-month recounts V2 only in the (debtor, creditor, day) groups its calls fall in. FA calls debtor D on
    10-05 three times; FB calls D on 10-05 twice (10:30 and 11:30) and on 10-06 once, and debtor E once. FA's groups:
    (D, CR1, 10-05) only; the calls V2 counts in them: FA's three and FB's two connected 10-05 calls, not FB's
    unanswered 10-05 call (K5), its 10-06 call nor E's.
    Counted there with cap 3 (by contact time: FA 10:00, 10:15, 10:45, FB 10:30, 11:30): the 4th (FA 10:45) and the
    5th (FB 11:30) are excess, one each."""
    d, e = "d" * 64, "f" * 64
    call = dict(connected="true")
    submit(data_dir, "FA", "2026-10", cases=[row("cases", case_ref="C1", debtor_ref=d)], contacts=[
        row("contacts", contact_ref=f"K{i}", contact_at=f"2026-10-05 10:{m}:00", **call) for i, m in ((1, "00"), (2, "15"), (3, "45"))])
    submit(data_dir, "FB", "2026-10", cases=[row("cases", case_ref="C1", debtor_ref=d), row("cases", case_ref="C2", debtor_ref=e)],
           contacts=[row("contacts", contact_ref="K1", contact_at="2026-10-05 10:30:00", **call),
                     row("contacts", contact_ref="K2", contact_at="2026-10-05 11:30:00", **call),
                     row("contacts", contact_ref="K3", contact_at="2026-10-06 10:30:00", **call),
                     row("contacts", contact_ref="K4", case_ref="C2", contact_at="2026-10-05 10:30:00", **call),
                     row("contacts", contact_ref="K5", contact_at="2026-10-05 12:00:00", connected="false")])
    snapshot = Store(data_dir).snapshot()
    calls = metrics._v2_calls(snapshot, "FA", "2026-10")  # stg_v2_calls: FA's three calls name its one group
    assert sorted(calls["contact_ref"]) == ["K1", "K2", "K3"]
    keys = calls.select("debtor_ref", "creditor_ref", "local_date").unique()
    assert keys.rows() == [(d, "CR1", dt.date(2026, 10, 5))]
    con = reader.connect(snapshot, months=["2026-10"])
    con.register("v2_keys", keys.to_arrow())
    queries.run(con, "staging/v2_touched_contacts").create_view("stg_v2_touched_contacts")
    assert sorted(con.sql("select firm_id, contact_ref from stg_v2_touched_contacts").fetchall()) == [
        ("FA", "K1"), ("FA", "K2"), ("FA", "K3"), ("FB", "K1"), ("FB", "K2")]
    # the other firms' calls in those groups (read once in metrics.update), then counted with FA's own
    others = metrics._v2_touched(metrics._without_firm(snapshot, "FA"), "2026-10", keys)
    assert sorted(others.select("firm_id", "contact_ref").rows()) == [("FB", "K1"), ("FB", "K2")]
    within = metrics._v2_excess_of(pl.concat([others, calls]), metrics.bound(metrics.resolve_params(None)))
    assert sorted(within.rows()) == [("FA", "2026-10", 1), ("FB", "2026-10", 1)]
