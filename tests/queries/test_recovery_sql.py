"""queries/metrics/recovery.sql: given rows -> expected rows, every number worked out by hand in the comments."""

from __future__ import annotations

import pytest
from metric_rows import compute, get, row, submit


@pytest.fixture
def table(data_dir):
    # C1 placed 09-15 (1,000), C2 09-30 (3,000), C4 08-01 (1,000, dpd 200 -> M6+); C3 placed 10-05 (500)
    c1 = row("cases", case_ref="C1", placed_on="2026-09-15", amount_placed="1000")
    c2 = row("cases", case_ref="C2", placed_on="2026-09-30", amount_placed="3000")
    c4 = row("cases", case_ref="C4", placed_on="2026-08-01", amount_placed="1000", dpd_at_placement="200")
    submit(data_dir, "FA", "2026-09", cases=[c1, c2, c4],
           payments=[row("payments", payment_ref="P1", case_ref="C1", paid_on="2026-09-20", amount="100")])
    submit(data_dir, "FA", "2026-10",
           cases=[{**c1, "status": "legal_action"}, c2,
                  row("cases", case_ref="C3", placed_on="2026-10-05", amount_placed="500"),
                  {**c4, "status": "settled", "closed_on": "2026-10-20"}],
           payments=[row("payments", payment_ref="P2", case_ref="C1", paid_on="2026-10-14", amount="200"),
                     row("payments", payment_ref="P3", case_ref="C1", paid_on="2026-10-15", amount="50"),
                     row("payments", payment_ref="P4", case_ref="C2", paid_on="2026-10-29", amount="300"),
                     row("payments", payment_ref="P5", case_ref="C2", paid_on="2026-10-30", amount="400")])
    return compute(data_dir)


def test_september(table):
    assert get(table, "FA", "2026-09", "R1", "vintage=2026-08;m=1") == (0, 1000, 0.0)  # C4 paid nothing
    assert get(table, "FA", "2026-09", "R1") == (0, 0, None)  # no vintage 2026-03: NULL, not 0
    assert get(table, "FA", "2026-09", "R2") == (0, 1000, 0.0)  # only C4 was open on 09-01
    assert get(table, "FA", "2026-09", "R3") == (1, 3, 1 / 3)  # C1 of C1, C2, C4
    # times: C2 censored 0 (placed 09-30), C1 paid after 5 days, C4 censored 60 -> at t=5 S = 1 - 1/2 = 0.5
    assert get(table, "FA", "2026-09", "R4") == (5, 3, 5)
    assert get(table, "FA", "2026-09", "R6") == (0, 3, 0.0)


def test_october(table):
    # (2026-09, m=1): C1 payments before 10-15: 100 + 200; C2 before 10-30: 300 -> 600 / 4,000
    assert get(table, "FA", "2026-10", "R1", "vintage=2026-09;m=1") == (600, 4000, 0.15)
    assert get(table, "FA", "2026-10", "R1", "vintage=2026-08;m=2") == (0, 1000, 0.0)
    # cohort C1, C2, C4: outstanding 900 + 3,000 + 1,000; paid in October 250 + 700 + 0
    assert get(table, "FA", "2026-10", "R2") == (950, 4900, 950 / 4900)
    assert get(table, "FA", "2026-10", "R2", "dpd=M1") == (950, 3900, 950 / 3900)
    assert get(table, "FA", "2026-10", "R2", "dpd=M6+") == (0, 1000, 0.0)
    assert get(table, "FA", "2026-10", "R3") == (2, 4, 0.5)
    # C1 event 5, C3 censored 26 (10-05..10-31), C2 event 29, C4 censored 80 (closed 10-20)
    # S(5) = 3/4, S(29) = 3/4 x (1 - 1/2) = 0.375 -> median 29
    assert get(table, "FA", "2026-10", "R4") == (29, 4, 29)
    assert get(table, "FA", "2026-10", "R4", "vintage=2026-09") == (5, 2, 5)  # S(5) = 0.5 exactly
    assert get(table, "FA", "2026-10", "R4", "vintage=2026-10") == (None, 1, None)  # censored only
    assert get(table, "ALL", "2026-10", "R4") == (29, 4, 29)
    assert get(table, "FA", "2026-10", "R5", "status=settled") == (1, 1, 1.0)
    assert get(table, "FA", "2026-10", "R6") == (1, 4, 0.25)  # C1 active in September, legal_action now
    assert get(table, "FA", "2026-10", "R7") == (0, 0, None)  # no calls


def test_year_from_events(table):
    # all four cases active in 2026, C1 and C2 paid: 2 / 4 (the months were 1/3 and 2/4)
    assert get(table, "FA", "2026", "R3") == (2, 4, 0.5)
    assert get(table, "FA", "2026", "R1", "vintage=2026-09;m=1") == (600, 4000, 0.15)
    assert get(table, "FA", "2026", "R2") == (0, 0, None)  # nothing was open on 2026-01-01
    assert get(table, "FA", "2026", "R4") == (29, 4, 29)  # censored at 10-31, the firm's latest data
    assert get(table, "FA", "2026-Q3", "R3") == (1, 3, 1 / 3)


def test_payment_facts_month_end_and_censoring(data_dir):
    # C1 placed 01-31 (1,000): + 1 month clamps to 02-28, + 2 months = 03-31.
    # P1 02-27 (100) and P2 02-28 (200) reported in February, P3 03-30 (50) in March
    c1 = row("cases", case_ref="C1", placed_on="2026-01-31", amount_placed="1000")
    submit(data_dir, "FA", "2026-01", cases=[c1])
    submit(data_dir, "FA", "2026-02", cases=[c1],
           payments=[row("payments", payment_ref="P1", case_ref="C1", paid_on="2026-02-27", amount="100"),
                     row("payments", payment_ref="P2", case_ref="C1", paid_on="2026-02-28", amount="200")])
    submit(data_dir, "FA", "2026-03", cases=[c1],
           payments=[row("payments", payment_ref="P3", case_ref="C1", paid_on="2026-03-30", amount="50")])
    table = compute(data_dir)
    # within 1 month: paid before 02-28 -> P1 only; within 2 months: before 03-31 -> all three
    assert get(table, "FA", "2026-02", "R1", "vintage=2026-01;m=1") == (100, 1000, 0.1)
    assert get(table, "FA", "2026-03", "R1", "vintage=2026-01;m=2") == (350, 1000, 0.35)
    assert get(table, "FA", "2026-Q1", "R1", "vintage=2026-01;m=1") == (100, 1000, 0.1)
    assert get(table, "FA", "2026-Q1", "R1", "vintage=2026-01;m=2") == (350, 1000, 0.35)
    # January is censored at 01-31: the first payment (02-27) comes later, so no event, t = 0 and no median
    assert get(table, "FA", "2026-01", "R4") == (None, 1, None)
    assert get(table, "FA", "2026-02", "R4") == (27, 1, 27)  # event after 27 days, S(27) = 0
    # March cohort C1: outstanding 1,000 - 300 paid before 03-01, paid in March 50
    assert get(table, "FA", "2026-03", "R2") == (50, 700, 50 / 700)
    assert get(table, "FA", "2026-Q1", "R2") == (0, 0, None)  # placed inside the quarter: no opening balance
