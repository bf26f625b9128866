"""The reference implementation on hand-computed cases: the worked example of spec/metrics.md and a few edges."""

from __future__ import annotations

from datetime import date

import polars as pl

from random_industry import submit, write_registry
from reference import metrics_ref
from industry_metrics.store import Store

DEBTOR = "d" * 64
NUMBER = "e" * 64
CASE = dict(case_ref="C1", debtor_ref=DEBTOR, creditor_ref="C1", product="cash_loan", region_code="320481", timezone="",
            placed_on="2026-09-01", dpd_at_placement="30", amount_placed="1000.00", fee_model="percentage",
            vulnerable="false", hold_from="", hold_to="", status="active", closed_on="")
CALL = dict(contact_ref="K1", case_ref="C1", contact_at="2026-10-05 10:00:00", channel="call", direction="outbound",
            party="debtor", number_ref=NUMBER, connected="true", duration_s="", consented_time="", debtor_unreachable="",
            disclosed_debt="", recorded="true", collectors_present="")


def get(table: pl.DataFrame, firm: str, period: str, metric: str, dim: str = "") -> tuple:
    found = table.filter((pl.col("firm_id") == firm) & (pl.col("period") == period)
                         & (pl.col("metric_id") == metric) & (pl.col("dim") == dim))
    assert found.height == 1, f"{firm} {period} {metric} {dim!r}: {found.height} rows"
    return tuple(found.row(0)[6:9])


def reference(data_dir, **kwargs) -> pl.DataFrame:
    return metrics_ref.from_snapshot(Store(data_dir).snapshot(), **kwargs)


def test_worked_example(tmp_path):
    """spec/metrics.md: Firm A's five calls and Firm B's one call to debtor D on 10-05, and one complaint."""
    write_registry(tmp_path)
    a_calls = [{**CALL, "contact_ref": f"A{i}", "contact_at": f"2026-10-05 {t}", "connected": c}
               for i, (t, c) in enumerate([("07:40:00", "true"), ("09:00:00", "true"), ("12:00:00", "true"),
                                            ("15:00:00", "true"), ("21:30:00", "false")], start=1)]
    complaint = dict(complaint_ref="M1", case_ref="C1", received_on="2026-10-02", source="firm_direct", category="other",
                     outcome="upheld", closed_on="2026-10-20", redress_amount="")
    submit(tmp_path, "FA", "2026-10", {"cases": [{**CASE, "case_ref": f"C{i}"} for i in range(1, 5)],
                                        "contacts": a_calls, "complaints": [complaint]})
    submit(tmp_path, "FB", "2026-10", {"cases": [CASE], "contacts": [{**CALL, "contact_ref": "B1"}]})
    t = reference(tmp_path, periods=["2026-10"])

    assert get(t, "FA", "2026-10", "V1") == (1, 5, 1 / 5 * 10_000)  # only 07:40 is in 22:00-08:00
    assert get(t, "FA", "2026-10", "V2") == (2, 5, 2 / 5 * 10_000)  # the 4th and 5th connected calls, both A's
    assert get(t, "FB", "2026-10", "V2") == (0, 1, 0.0)
    assert get(t, "ALL", "2026-10", "V2") == (2, 6, 2 / 6 * 10_000)
    assert get(t, "FA", "2026-10", "C1") == (1, 4, 250.0)
    assert get(t, "FA", "2026-10", "C2") == (1, 1, 1.0)
    assert get(t, "FA", "2026-10", "C3") == (0, 1, 0.0)  # 18 days
    assert get(t, "FA", "2026-10", "R7") == (4, 5, 4 / 5)


def test_edges_of_the_quiet_window_and_the_caps(tmp_path):
    """22:00:00 in, 21:59:59 out, 07:59:59 in, 08:00:00 out; 8 unanswered calls to one number -> 2 over the cap of 6."""
    write_registry(tmp_path)
    times = ["21:59:59", "22:00:00", "07:59:59", "08:00:00"]
    calls = [{**CALL, "contact_ref": f"Q{i}", "contact_at": f"2026-10-06 {t}", "connected": "false"} for i, t in enumerate(times)]
    calls += [{**CALL, "contact_ref": f"U{i}", "contact_at": f"2026-10-07 1{i}:00:00", "connected": "false"} for i in range(8)]
    submit(tmp_path, "FA", "2026-10", {"cases": [CASE], "contacts": calls})
    t = reference(tmp_path, periods=["2026-10"])
    assert get(t, "FA", "2026-10", "V1")[:2] == (2, 12)
    assert get(t, "FA", "2026-10", "V3")[:2] == (2, 12)
    assert get(t, "FA", "2026-10", "U1")[:2] == (5, 12)  # calls 8..12 each have 7 calls in the 7 days before
    # the us-regf pack starts its quiet window at 21:00: the same four calls, 21:59:59 now in too
    assert get(reference(tmp_path, pack="us-regf", periods=["2026-10"]), "FA", "2026-10", "V1")[:2] == (3, 12)


def test_complaint_days_recovery_and_km(tmp_path):
    """C3 15 days in / 16 out; R1 m=1 counts a payment one day before placed_on + 1 month; R4's median."""
    write_registry(tmp_path)
    cases = [{**CASE, "case_ref": "C1", "placed_on": "2026-09-30", "amount_placed": "1000.00"},
             {**CASE, "case_ref": "C2", "placed_on": "2026-09-10", "amount_placed": "500.00"}]
    payments = [dict(payment_ref="P1", case_ref="C1", paid_on="2026-10-29", amount="100.00"),  # < 10-30: inside m=1
                dict(payment_ref="P2", case_ref="C1", paid_on="2026-10-30", amount="50.00")]  # = 10-30: outside
    complaints = [dict(complaint_ref=f"M{d}", case_ref="C1", received_on="2026-10-01", source="regulator", category="other",
                       outcome="not_upheld", closed_on=f"2026-10-{1 + d:02d}", redress_amount="") for d in (15, 16)]
    submit(tmp_path, "FA", "2026-10", {"cases": cases, "payments": payments, "complaints": complaints})
    t = reference(tmp_path, periods=["2026-10"])
    assert get(t, "FA", "2026-10", "C3")[:2] == (1, 2)
    assert get(t, "FA", "2026-10", "C4")[:2] == (2, 2)
    assert get(t, "FA", "2026-10", "R1", "vintage=2026-09;m=1") == (100.0, 1500.0, 100 / 1500)
    # R4: C1 pays after 29 days (event), C2 is censored at 10-31 (51 days): S(29) = 1/2 -> median 29
    assert get(t, "FA", "2026-10", "R4") == (29.0, 2.0, 29.0)
    # R2: both placed before 10-01 with nothing paid before: 150 / 1500
    assert get(t, "FA", "2026-10", "R2") == (150.0, 1500.0, 0.1)


def test_km_and_calendar_helpers():
    assert metrics_ref.km_median([(10, True), (20, False), (30, True)]) == 30  # S(10)=2/3, S(30)=0
    assert metrics_ref.km_median([(10, True), (10, False)]) == 10  # S(10) = 1/2, at the tolerance
    assert metrics_ref.km_median([(5, False)]) is None
    assert metrics_ref.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert metrics_ref.dpd_bucket(180) == "M4-M6" and metrics_ref.dpd_bucket(181) == "M6+"
