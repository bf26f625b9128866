"""queries/metrics/complaints.sql: given rows -> expected rows, every number worked out by hand in the comments."""

from __future__ import annotations

from metric_rows import compute, get, row, submit


def m(ref, **kw):
    return row("complaints", complaint_ref=ref, **kw)


def test_complaints(data_dir):
    # active: C1 (vulnerable), C2, C3; C4 closed 09-20 is not active in October
    cases = [row("cases", case_ref="C1", vulnerable="true"), row("cases", case_ref="C2"), row("cases", case_ref="C3"),
             row("cases", case_ref="C4", status="settled", closed_on="2026-09-20")]
    complaints = [
        m("M1", case_ref="C1", received_on="2026-10-02", source="hotline", category="out_of_hours", outcome="upheld",
          closed_on="2026-10-17"),  # 15 days: within
        m("M2", case_ref="C2", received_on="2026-10-03", source="firm_direct", category="excessive_contact",
          outcome="not_upheld", closed_on="2026-10-19"),  # 16 days: late
        m("M3", case_ref="", received_on="2026-10-05", source="regulator", category="out_of_hours", outcome="withdrawn",
          closed_on="2026-10-06"),
        m("M4", case_ref="C2", received_on="2026-09-25", source="media", category="other", outcome="partially_upheld",
          closed_on="2026-10-08"),  # received in September, closed in October after 13 days
        m("M5", case_ref="C3", received_on="2026-10-20", source="creditor", category="other", outcome="pending"),
    ]
    submit(data_dir, "FA", "2026-10", cases=cases, complaints=complaints)
    submit(data_dir, "FB", "2026-10", cases=[row("cases", case_ref="C1"), row("cases", case_ref="C2")],
           complaints=[m("M1", case_ref="C1", received_on="2026-10-02")])
    t = compute(data_dir, periods=["2026-10"])
    assert get(t, "FA", "2026-10", "C1") == (4, 3, 4 / 3 * 1000)  # M1, M2, M3, M5 over 3 active cases
    assert get(t, "FA", "2026-10", "C2") == (2, 3, 2 / 3)  # M1, M4 of M1, M2, M4 (M3 withdrawn)
    assert get(t, "FA", "2026-10", "C3") == (3, 4, 0.75)  # M1 (15 d), M3 (1 d), M4 (13 d) of 4 closed
    assert get(t, "FA", "2026-10", "C4") == (2, 4, 0.5)  # hotline, regulator
    assert get(t, "FA", "2026-10", "C5", "category=out_of_hours") == (2, 4, 0.5)
    assert get(t, "FA", "2026-10", "C5", "category=excessive_contact") == (1, 4, 0.25)
    assert get(t, "FA", "2026-10", "C5", "category=other") == (1, 4, 0.25)
    # M3 has no case; vulnerable: M1 / C1 -> 1,000; other: M2, M5 / C2, C3 -> 1,000; ratio 1
    assert get(t, "FA", "2026-10", "C6", "group=vulnerable") == (1, 1, 1000)
    assert get(t, "FA", "2026-10", "C6", "group=other") == (2, 2, 1000)
    assert get(t, "FA", "2026-10", "C6") == (1000, 1000, 1.0)
    assert get(t, "FB", "2026-10", "C2") == (0, 0, None)  # nothing closed
    assert get(t, "FB", "2026-10", "C6") == (None, 500, None)  # no vulnerable case: no rate
    # industry: other (2 + 1) / (2 + 2) x 1,000 = 750; vulnerable 1,000; ratio 4/3
    assert get(t, "ALL", "2026-10", "C6") == (1000, 750, 1000 / 750)
    assert get(t, "ALL", "2026-10", "C1") == (5, 5, 1000)
