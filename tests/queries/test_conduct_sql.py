"""queries/metrics/conduct.sql over staging/conduct_months.sql: given rows -> expected rows, every number worked out by hand below."""

from __future__ import annotations

from metric_rows import NUMBER, compute, get, row, submit


def k(ref, at, **kw):
    return row("contacts", contact_ref=ref, contact_at=at, **kw)


def october_contacts():
    calls = [
        k("K1", "2026-10-05 21:59:59"),                    # outside 22:00-08:00
        k("K2", "2026-10-05 22:00:00", recorded="false"),  # inside; unrecorded connected call
        k("K3", "2026-10-06 07:59:59"),                    # inside
        k("K4", "2026-10-06 08:00:00"),                    # outside
        k("K5", "2026-10-06 23:00:00", channel="sms", connected="", recorded="", consented_time="true"),  # consented
        k("K6", "2026-10-06 23:30:00", channel="letter", number_ref="", connected="", recorded=""),  # not a V1 channel
    ]
    # eight unanswered calls to one number on one day: the 7th and 8th are beyond the cap of 6
    calls += [k(f"K{7 + i}", f"2026-10-07 10:00:0{i}", connected="false") for i in range(8)]
    calls += [
        k("K15", "2026-10-08 10:00:00", party="emergency_contact"),                     # improper third party
        k("K16", "2026-10-08 10:05:00", party="emergency_contact", connected="false", debtor_unreachable="true"),
        k("K17", "2026-10-08 11:00:00", direction="inbound", disclosed_debt="true"),    # disclosure, inbound
        k("K18", "2026-10-11 10:00:00"),                                                # inside the hold
        k("K19", "2026-10-12 14:00:00", channel="visit", number_ref="", connected="", collectors_present="1"),
        k("K20", "2026-10-13 14:00:00", case_ref="C2", channel="visit", number_ref="", connected="",
          collectors_present="2", recorded="false"),
        k("K21", "2026-10-13 15:00:00", case_ref="C2", channel="sms", connected="", recorded=""),
    ]
    return calls


def submit_october(data_dir):
    cases = [row("cases", case_ref="C1", hold_from="2026-10-10", hold_to="2026-10-12"),
             row("cases", case_ref="C2", vulnerable="true")]
    reviews = [row("qa_reviews", review_ref="Q1", finding="threat"), row("qa_reviews", review_ref="Q1", finding="insult"),
               row("qa_reviews", review_ref="Q2", finding="none")]
    incidents = [row("incidents", incident_ref="I1", detected_at="2026-10-02 09:00:00", reported_at="2026-10-02 13:00:00",
                     records_affected="10"),
                 row("incidents", incident_ref="I2", detected_at="2026-10-03 09:00:00", reported_at="2026-10-03 13:00:01",
                     records_affected="5")]
    submit(data_dir, "FA", "2026-10", cases=cases, contacts=october_contacts(), qa_reviews=reviews, incidents=incidents)


def test_conduct_month(data_dir):
    submit_october(data_dir)
    t = compute(data_dir, periods=["2026-10"])
    # outbound contacts: 21 rows less the inbound K17 = 20; outbound calls: K1-K4, K7-K16 less none, K18 = 4+8+2+1 = 15
    assert get(t, "FA", "2026-10", "V1") == (2, 19, 2 / 19 * 1e4)  # K2, K3 of 20 outbound less the letter K6
    assert get(t, "FA", "2026-10", "V2") == (0, 15, 0.0)  # at most 2 connected debtor calls a day
    assert get(t, "FA", "2026-10", "V3") == (2, 15, 2 / 15 * 1e4)  # 8 - 6
    assert get(t, "FA", "2026-10", "V4") == (2, 20, 2 / 20 * 1e4)  # K15, K17
    assert get(t, "FA", "2026-10", "V5") == (2, 20, 1e3)  # K18 (10-11), K19 (10-12)
    assert get(t, "FA", "2026-10", "V5", "measure=count") == (2, 1, 2)
    # connected outbound calls K1-K4, K15, K18 and visits K19, K20 = 8; unrecorded K2, K20
    assert get(t, "FA", "2026-10", "V6") == (2, 8, 0.25)
    assert get(t, "FA", "2026-10", "V7") == (1, 2, 0.5)  # K19 had one collector
    # vulnerable C2: K20, K21 -> 2 per case; other C1: 18 per case; ratio 2 / 18
    assert get(t, "FA", "2026-10", "V8", "group=vulnerable") == (2, 1, 2)
    assert get(t, "FA", "2026-10", "V8", "group=other") == (18, 1, 18)
    assert get(t, "FA", "2026-10", "V8") == (2, 18, 2 / 18)
    assert get(t, "FA", "2026-10", "V9") == (2, 2, 1000)  # two findings over two distinct reviews x 1,000
    assert get(t, "FA", "2026-10", "V10") == (2, 2, 1e4)  # two incidents over two active cases x 10,000
    assert get(t, "FA", "2026-10", "V10", "measure=records_affected") == (15, 1, 15)
    assert get(t, "FA", "2026-10", "V10", "measure=reported_in_time") == (1, 2, 0.5)  # exactly 4 h in, 4 h 1 s out


def test_quarter_is_rolled_up_from_events_and_empty_firm_gets_null(data_dir):
    submit_october(data_dir)
    # November: one quiet call in one outbound call (month rate 10,000)
    submit(data_dir, "FA", "2026-11", cases=[row("cases")], contacts=[k("N1", "2026-11-03 23:00:00")])
    # FB: cases but no contacts: zero denominators come out NULL
    submit(data_dir, "FB", "2026-10", cases=[row("cases")])
    t = compute(data_dir)
    # Q4 = (2 + 1) / (19 + 1) x 10,000 = 1,500; the mean of the monthly rates would be (1,052.6 + 10,000) / 2
    assert get(t, "FA", "2026-Q4", "V1") == (3, 20, 1500)
    assert get(t, "FA", "2026", "V1") == (3, 20, 1500)
    assert get(t, "FB", "2026-10", "V1") == (0, 0, None)
    assert get(t, "FB", "2026-10", "V9") == (0, 0, None)
    assert get(t, "ALL", "2026-10", "V1") == (2, 19, 2 / 19 * 1e4)
    # V10 quarter: 2 incidents over active cases of the quarter's case set (C1, C2 from Oct; C1 again in Nov) = 2
    assert get(t, "FA", "2026-Q4", "V10") == (2, 2, 1e4)
    assert t["pack"].unique().to_list() == ["cn"]


def test_two_firms_share_a_debtor_day(data_dir):
    # FA 4 connected calls, FB 1 call between FA's 1st and 2nd; same debtor and creditor: order A, B, A, A, A
    submit(data_dir, "FA", "2026-10", cases=[row("cases")],
           contacts=[k(f"A{i}", f"2026-10-05 {8 + i:02d}:30:00") for i in range(4)])
    submit(data_dir, "FB", "2026-10", cases=[row("cases", case_ref="X9")],
           contacts=[k("B1", "2026-10-05 09:00:00", case_ref="X9")])
    t = compute(data_dir, periods=["2026-10"])
    # A 08:30, B 09:00, A 09:30, A 10:30 (4th), A 11:30 (5th): two excess, both FA's
    assert get(t, "FA", "2026-10", "V2") == (2, 4, 5000)
    assert get(t, "FB", "2026-10", "V2") == (0, 1, 0.0)
    # FB resubmits with its call for another creditor: FA now has 4 calls for CR1, one excess
    submit(data_dir, "FB", "2026-10", cases=[row("cases", case_ref="X9", creditor_ref="CR2")],
           contacts=[k("B1", "2026-10-05 09:00:00", case_ref="X9")])
    t = compute(data_dir, periods=["2026-10"])
    assert get(t, "FA", "2026-10", "V2") == (1, 4, 2500)


def test_weekend_window_and_holidays(data_dir):
    au = {"V1": {"quiet_start": "21:00", "quiet_end": "07:30", "weekend_quiet_start": "21:00",
                 "weekend_quiet_end": "09:00", "holidays": ["2026-10-05"]}}
    contacts = [k("S1", "2026-10-10 08:30:00"),  # Saturday before 09:00: quiet
                k("S2", "2026-10-09 08:30:00"),  # Friday after 07:30: not quiet
                k("S3", "2026-10-05 12:00:00"),  # the holiday: quiet all day
                k("S4", "2026-10-06 07:29:59"),  # quiet
                k("S5", "2026-10-06 07:30:00")]  # not quiet
    submit(data_dir, "FA", "2026-10", cases=[row("cases")], contacts=contacts)
    t = compute(data_dir, "au-accc", au, periods=["2026-10"])
    assert get(t, "FA", "2026-10", "V1") == (3, 5, 6000)  # S1, S3, S4
