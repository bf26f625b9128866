"""queries/metrics/us_regf.sql (U1, U2) and the us-regf quiet window across the New York DST change; numbers by hand."""

from __future__ import annotations

from metric_rows import compute, get, row, submit

US_REGF = {"V1": {"quiet_start": "21:00", "quiet_end": "08:00"}}


def call(ref, at, case="C1", **kw):
    return row("contacts", contact_ref=ref, case_ref=case, contact_at=at, connected=kw.pop("connected", "false"), **kw)


def test_us_regf(data_dir):
    ny = [  # case C1 lives in New York; instants given in UTC; DST ends 2026-11-01 06:00 UTC
        call("A", "2026-11-01T05:30:00+00:00"),  # 01:30 EDT: quiet
        call("B", "2026-11-01T06:30:00+00:00"),  # 01:30 EST: quiet
        call("C", "2026-11-02T01:30:00+00:00"),  # 11-01 20:30 EST: not quiet (21:30 if EDT were kept)
        call("D", "2026-11-02T12:59:59+00:00"),  # 07:59:59 EST: quiet
        call("E", "2026-11-02T13:00:00+00:00"),  # 08:00:00 EST: not quiet
        call("F", "2026-11-03T02:30:00+00:00"),  # 11-02 21:30 EST: quiet under Reg F, not under cn
    ]
    # case C2: 9 countable calls; U01/U02 share a timestamp and are two calls
    days = ["03 10:00", "03 10:00", "03 11:00", "04 10:00", "04 11:00", "05 10:00", "06 10:00", "09 10:00", "10 10:00"]
    seven = [call(f"U{i + 1:02d}", f"2026-11-{d}:00", case="C2") for i, d in enumerate(days)]
    seven.append(call("U10", "2026-11-09 12:00:00", case="C2", consented_time="true"))  # prior consent: not counted
    # case C3: a conversation on 11-10, a call on 11-16 (day 7 counting 11-10 as day 1), one on 11-17 (day 8)
    talk = [call("W1", "2026-11-10 10:00:00", case="C3", connected="true"),
            call("W2", "2026-11-16 10:00:00", case="C3"), call("W3", "2026-11-17 10:00:00", case="C3")]
    cases = [row("cases", case_ref="C1", timezone="America/New_York"), row("cases", case_ref="C2"),
             row("cases", case_ref="C3")]
    submit(data_dir, "FA", "2026-11", cases=cases, contacts=ny + seven + talk)
    regf = compute(data_dir, "us-regf", US_REGF, periods=["2026-11"])
    cn = compute(data_dir, periods=["2026-11"])
    # 6 + 10 + 3 = 19 outbound calls; C2/C3 calls are daytime in Shanghai
    assert get(regf, "FA", "2026-11", "V1") == (4, 19, 4 / 19 * 1e4)  # A, B, D, F
    assert get(cn, "FA", "2026-11", "V1") == (3, 19, 3 / 19 * 1e4)  # A, B, D
    # U1: the 8th call (11-09) has its 7th-before (U01, 11-03) within 11-03..11-09; the 9th (11-10) looks back to
    # U02 on 11-03, outside 11-04..11-10
    assert get(regf, "FA", "2026-11", "U1") == (1, 19, 1 / 19 * 1e4)
    assert get(regf, "FA", "2026-11", "U2") == (1, 19, 1 / 19 * 1e4)  # W2 only
    assert regf["pack"].unique().to_list() == ["us-regf"]
