"""Judging: tiers at their boundaries, minimum volume, Wilson intervals and funnel limits by hand."""

from __future__ import annotations

import math

import polars as pl
import pytest

from industry_metrics import judge, metrics, standards

PACK = standards.load().pack("cn")
S = {s.id: s for s in PACK.standards}


@pytest.mark.parametrize(
    "sid, value, volume, expected",
    [
        ("S01", 0.0, 5000, "meets"),
        ("S01", 5.0, 5000, "watch"),  # "<= 5 per 10k" is watch
        ("S01", 5.0001, 5000, "breach"),
        ("S01", 7.0, 999, "not_judged"),  # below 1,000 contacts
        ("S05", 0.0, 1, "meets"),
        ("S05", 0.1, 1, "breach"),  # no watch band
        ("S11", 0.95, 10, "meets"),
        ("S11", 0.9499, 10, "watch"),
        ("S11", 0.85, 10, "watch"),
        ("S11", 0.8499, 10, "breach"),
        ("S12", 1.0, 1, "meets"),
        ("S12", 0.5, 2, "breach"),
        ("S12", None, 0, "not_judged"),
    ],
)
def test_tiers_at_the_thresholds(sid, value, volume, expected):
    assert judge.tier(S[sid], value, volume)[0] == expected


def test_not_judged_says_why():
    assert judge.tier(S["S01"], None, 5000) == ("not_judged", "no_data")
    assert judge.tier(S["S01"], 3.0, 10) == ("not_judged", "below_min_volume")


def test_wilson_by_hand():
    # 0/12: centre = (0 + 1.96^2/24) / (1 + 1.96^2/12) = 0.16006 / 1.32012 = 0.12125; half the same -> [0, 0.2425]
    low, high = judge.wilson(0, 12)
    assert low == pytest.approx(0.0, abs=1e-12) and high == pytest.approx(0.24249, abs=1e-4)
    # 5/20: p = .25; z^2/n = .19207; centre = (.25 + .09604)/1.19207 = .29028;
    # half = 1.96*sqrt(.25*.75/20 + 3.8415/1600)/1.19207 = 1.96*.10854/1.19207 = .17846 -> [.1118, .4687]
    low, high = judge.wilson(5, 20)
    assert (round(low, 4), round(high, 4)) == (0.1119, 0.4687)
    assert judge.wilson(0, 0) == (None, None)


def test_funnel_limits_by_hand():
    # p0 = 0.1, n = 100: sd = sqrt(.09/100) = .03; 95%: .1 +/- 1.96*.03 = [.0412, .1588]
    low, high = judge.funnel_limits(0.1, 100, judge.Z95)
    assert (round(low, 4), round(high, 4)) == (0.0412, 0.1588)
    # 99.8%: .1 +/- 3.0902*.03 = [.0073, .1927]; n = 10 clamps the low side at 0
    low, high = judge.funnel_limits(0.1, 100, judge.Z998)
    assert (round(low, 4), round(high, 4)) == (0.0073, 0.1927)
    assert judge.funnel_limits(0.1, 10, judge.Z998)[0] == 0.0


def table(rows):
    return pl.DataFrame(
        [dict(zip(metrics.COLUMNS, r)) for r in rows], schema=metrics.SCHEMA
    )


def test_judge_uses_the_volume_row_and_scales_the_interval():
    rows = table([
        ("cn", "FA", "2026-10", "month", "V1", "", 3, 5000, 6.0),
        ("cn", "FA", "2026-10", "month", "V8", "", 1.5, 1.0, 1.5),
        ("cn", "FA", "2026-10", "month", "V8", "group=vulnerable", 60, 40, 1.5),  # only 40 vulnerable cases
        ("cn", "FA", "2026-10", "month", "V8", "group=other", 100, 100, 1.0),
    ])
    judged = {r["standard_id"]: r for r in judge.judge(rows, PACK).iter_rows(named=True)}
    assert judged["S01"]["tier"] == "breach" and judged["S01"]["volume"] == 5000
    low, high = judge.wilson(3, 5000)
    assert judged["S01"]["ci_low"] == pytest.approx(low * 10000) and judged["S01"]["ci_high"] == pytest.approx(high * 10000)
    assert (judged["S08"]["tier"], judged["S08"]["reason"], judged["S08"]["volume"]) == ("not_judged", "below_min_volume", 40)
    assert judged["S08"]["ci_low"] is None  # a ratio of rates has no Wilson interval
    assert judged["S10"]["reason"] == "no_data"


def test_overall_is_the_worst_judged_tier():
    judged = pl.DataFrame({
        "firm_id": ["FA", "FA", "FB", "FB", "FC"], "period": ["2026-10"] * 5, "grain": ["month"] * 5,
        "tier": ["meets", "watch", "not_judged", "breach", "not_judged"],
    })
    overall = dict(judge.overall(judged).select("firm_id", "overall").iter_rows())
    assert overall == {"FA": "watch", "FB": "breach", "FC": "not_judged"}


def test_funnel_table_around_the_industry_rate():
    rows = table([
        ("cn", "ALL", "2026-10", "month", "V6", "", 10, 100, 0.1),
        ("cn", "FA", "2026-10", "month", "V6", "", 1, 100, 0.01),
    ])
    frame = judge.funnel(rows, "V6", "2026-10")
    fa = frame.row(0, named=True)
    assert fa["industry"] == pytest.approx(0.1)
    assert (round(fa["low95"], 4), round(fa["high95"], 4)) == (0.0412, 0.1588)
    assert math.isclose(fa["value"], 0.01)


def test_peer_statistics_by_hand_with_a_tie():
    rows = table([
        ("cn", f, "2026-10", "month", "V1", "", 1, d, v)
        for f, d, v in [("FA", 100, 1.0), ("FB", 200, 2.0), ("FC", 300, 2.0), ("FD", 400, 4.0), ("FE", 500, 9.0)]
    ] + [("cn", "ALL", "2026-10", "month", "V1", "", 5, 1500, 3.3)])
    bands = {"FA": "small", "FB": "small", "FC": "large", "FD": "large", "FE": "large"}
    stats = {r["group"]: r for r in judge.peer_statistics(rows, bands).iter_rows(named=True)}
    # all five sorted: 1, 2, 2, 4, 9 -> P25 at position 1 = 2.0, median 2.0, P75 at position 3 = 4.0
    assert (stats["all"]["contributors"], stats["all"]["p25"], stats["all"]["median"], stats["all"]["p75"]) == (5, 2.0, 2.0, 4.0)
    assert sorted(stats["all"]["volumes"]) == [100, 200, 300, 400, 500]
    # large: 2, 4, 9 -> P25 at position .5 = 3.0, median 4.0, P75 at 1.5 = 6.5
    assert (stats["band:large"]["p25"], stats["band:large"]["median"], stats["band:large"]["p75"]) == (3.0, 4.0, 6.5)
    # FB (2.0) against the others, lower is better: only 4 and 9 are worse -> 50%; the tie is not "worse"
    assert judge.position(2.0, [1.0, 2.0, 4.0, 9.0]) == 50.0
    assert judge.position(2.0, [1.0, 2.0, 4.0, 9.0], lower_is_better=False) == 25.0
