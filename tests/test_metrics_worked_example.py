"""The worked example of spec/metrics.md (Firm A / Firm B, debtor D, 2026-10-05), exactly as written."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "queries"))
from metric_rows import DEBTOR, cases, compute, get, row, submit  # noqa: E402


def test_worked_example(data_dir):
    # Firm A: 4 active cases, C1 is debtor D's case with creditor C1; five calls on 10-05.
    a_calls = [row("contacts", contact_ref=f"A{i}", contact_at=f"2026-10-05 {t}", connected=c, recorded="true")
               for i, (t, c) in enumerate([("07:40:00", "true"), ("09:00:00", "true"), ("12:00:00", "true"),
                                            ("15:00:00", "true"), ("21:30:00", "false")], start=1)]
    complaint = row("complaints", received_on="2026-10-02", outcome="upheld", closed_on="2026-10-20")
    submit(data_dir, "FA", "2026-10", cases=cases(4, creditor_ref="C1"), contacts=a_calls, complaints=[complaint])
    # Firm B: one connected call to the same debtor for the same creditor at 10:00.
    submit(data_dir, "FB", "2026-10", cases=[row("cases", debtor_ref=DEBTOR, creditor_ref="C1")],
           contacts=[row("contacts", contact_ref="B1", contact_at="2026-10-05 10:00:00")])
    t = compute(data_dir, periods=["2026-10"])

    assert get(t, "FA", "2026-10", "V1") == (1, 5, 1 / 5 * 10_000)  # only 07:40 is in 22:00-08:00
    # A 07:40, A 09:00, B 10:00, A 12:00, A 15:00: the 4th and 5th are excess, both A's
    assert get(t, "FA", "2026-10", "V2") == (2, 5, 2 / 5 * 10_000)
    assert get(t, "FB", "2026-10", "V2") == (0, 1, 0.0)
    assert get(t, "ALL", "2026-10", "V2") == (2, 6, 2 / 6 * 10_000)
    assert get(t, "FA", "2026-10", "C1") == (1, 4, 250.0)  # 1 / 4 x 1,000
    assert get(t, "FA", "2026-10", "C2") == (1, 1, 1.0)
    assert get(t, "FA", "2026-10", "C3") == (0, 1, 0.0)  # 10-02 -> 10-20 is 18 days > 15
