"""queries/metrics/au_accc.sql (A1): contacts per case beyond 3 an ISO week or 10 a month; numbers by hand."""

from __future__ import annotations

from metric_rows import compute, get, row, submit


def sms(ref, day):
    return row("contacts", contact_ref=ref, contact_at=f"2026-{day} 10:00:00", channel="sms", connected="", recorded="")


def test_a1(data_dir):
    # ISO week Mon 09-28 .. Sun 10-04 holds three September messages, so 10-01 is its 4th contact
    submit(data_dir, "FA", "2026-09", cases=[row("cases")], contacts=[sms("S1", "09-28"), sms("S2", "09-29"), sms("S3", "09-30")])
    october = [sms("O1", "10-01")]
    october += [row("contacts", contact_ref=f"K{d}", contact_at=f"2026-10-0{d} 10:00:00") for d in range(5, 10)]  # 5 calls
    october.append(row("contacts", contact_ref="KX", contact_at="2026-10-07 11:00:00", connected="false"))  # not actual
    october.append(sms("O2", "10-10"))
    october += [sms(f"O{d}", f"10-{d}") for d in range(12, 17)]
    submit(data_dir, "FA", "2026-10", cases=[row("cases")], contacts=october)
    t = compute(data_dir, "au-accc")
    # actual contacts in October: O1, 5 calls, O2, 5 messages = 12
    # week excess: O1 (4th of its week), K8, K9, O2 (4th-6th of 10-05..10-11), O15, O16 (4th, 5th) = 6
    # month excess: the 11th and 12th in October, O15 and O16 (already week excess) = 2; union 6
    assert get(t, "FA", "2026-10", "A1") == (6, 12, 5000)
    assert get(t, "FA", "2026-10", "A1", "rule=week") == (6, 12, 5000)
    assert get(t, "FA", "2026-10", "A1", "rule=month") == (2, 12, 2 / 12 * 1e4)
    assert get(t, "FA", "2026-09", "A1") == (0, 3, 0.0)
    assert get(t, "FA", "2026-Q4", "A1") == (6, 12, 5000)
