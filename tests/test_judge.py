"""Judging: tiers at their thresholds, minimum volume, the version in force, and the statistics by hand."""

from __future__ import annotations

import copy
import tomllib
from datetime import date

import polars as pl
import pytest

from industry_metrics import judge, metrics, paths, standards

REGISTER = standards.load()
S = {s.id: s for s in REGISTER.pack("cn").standards}


def table(rows, pack="cn"):
    """Long metric rows (firm, period, metric, dim, numerator, denominator, value) in metrics.SCHEMA."""
    out = []
    for firm, period, metric, dim, num, den, value in rows:
        grain = "month" if len(period) == 7 else "quarter" if "Q" in period else "year"
        out.append(dict(zip(metrics.COLUMNS, (pack, firm, period, grain, metric, dim, num, den, value))))
    return pl.DataFrame(out, schema=metrics.SCHEMA)


@pytest.mark.parametrize(
    "sid, value, volume, expected",
    [
        ("S01", 0.0, 5000, "meets"),
        ("S01", 0.0001, 5000, "watch"),
        ("S01", 5.0, 5000, "watch"),  # "<= 5 per 10k" is watch
        ("S01", 5.0001, 5000, "breach"),
        ("S01", 7.0, 1000, "breach"),  # exactly the minimum volume is judged
        ("S01", 7.0, 999, "not_judged"),  # below 1,000 contacts
        ("S05", 0.0, 0, "meets"),  # no minimum volume
        ("S05", 0.1, 1, "breach"),  # no watch band
        ("S06", 0.005, 500, "meets"),
        ("S06", 0.02, 500, "watch"),
        ("S06", 0.0201, 500, "breach"),
        ("S08", 1.2, 50, "watch"),
        ("S11", 0.95, 10, "meets"),
        ("S11", 0.9499, 10, "watch"),  # 94.99%
        ("S11", 0.85, 10, "watch"),
        ("S11", 0.8499, 10, "breach"),
        ("S11", 1.0, 9, "not_judged"),
        ("S12", 1.0, 1, "meets"),
        ("S12", 0.9, 10, "watch"),
        ("S12", 0.5, 2, "breach"),
        ("S12", None, 0, "not_judged"),
    ],
)
def test_tiers_at_the_thresholds(sid, value, volume, expected):
    assert judge.tier(S[sid], value, volume)[0] == expected


def test_not_judged_says_why_in_both_languages():
    assert judge.tier(S["S01"], None, 5000) == ("not_judged", "no_data")
    assert judge.tier(S["S01"], 3.0, 10) == ("not_judged", "below_min_volume")
    assert judge.tier(S["S01"], float("nan"), 5000) == ("not_judged", "no_data")
    rows = table([("FA", "2026-10", "V8", "", 1.5, 1.0, 1.5), ("FA", "2026-10", "V8", "group=vulnerable", 60, 40, 1.5)])
    s08 = judge.judge(rows, REGISTER).filter(pl.col("standard_id") == "S08").row(0, named=True)
    assert judge.explain(s08, "en") == "not judged: below minimum volume (40 vulnerable cases, minimum 50)"
    assert judge.explain(s08, "zh") == "样本量不足，不予评判：弱势债务人案件 40，低于最低要求 50"
    s10 = judge.judge(rows, REGISTER).filter(pl.col("standard_id") == "S10").row(0, named=True)
    assert judge.explain(s10, "en") == "not judged: no data for the period"


def test_wilson_by_hand():
    # z = 1.959964, z^2 = 3.841459.
    # 0/12: z^2/n = .320122; centre = (0 + 3.841459/24) / 1.320122 = .160061/1.320122 = .121247;
    #       half = 1.959964/1.320122 * sqrt(3.841459/576) = 1.484683 * .081665 = .121247 -> [0, .2425]
    assert judge.wilson(0, 12) == (0.0, pytest.approx(0.2425, abs=5e-5))
    # 5/20: p = .25; z^2/n = .192073; centre = (.25 + .096036) / 1.192073 = .290282;
    #       half = 1.959964/1.192073 * sqrt(.25*.75/20 + 3.841459/1600) = 1.644166 * .108517 = .178420
    #       -> [.111862, .468702]
    low, high = judge.wilson(5, 20)
    assert (round(low, 4), round(high, 4)) == (0.1119, 0.4687)
    assert judge.wilson(12, 12)[1] == 1.0  # symmetric to 0/12: [.7575, 1]
    assert round(judge.wilson(12, 12)[0], 4) == 0.7575
    assert judge.wilson(0, 0) == (None, None)
    assert judge.wilson(3, 2) == (None, None)  # more events than trials is not a proportion


def test_funnel_limits_by_hand():
    # p0 = 0.1, n = 100: sd = sqrt(.1 * .9 / 100) = .03; 95%: .1 +/- 1.959964 * .03 = .1 +/- .058799
    low, high = judge.funnel_limits(0.1, 100, judge.Z95)
    assert (round(low, 4), round(high, 4)) == (0.0412, 0.1588)
    # 99.8%: .1 +/- 3.090232 * .03 = .1 +/- .092707
    low, high = judge.funnel_limits(0.1, 100, judge.Z998)
    assert (round(low, 4), round(high, 4)) == (0.0073, 0.1927)
    # n = 10: sd = .094868; .1 - 3.090232 * .094868 < 0, clamped at 0
    assert judge.funnel_limits(0.1, 10, judge.Z998)[0] == 0.0


def test_judge_scales_the_interval_and_uses_the_volume_row():
    rows = table([
        ("FA", "2026-10", "V1", "", 3, 5000, 6.0),
        ("FA", "2026-10", "V8", "", 1.5, 1.0, 1.5),
        ("FA", "2026-10", "V8", "group=vulnerable", 60, 40, 1.5),  # only 40 vulnerable cases
        ("FA", "2026-10", "V8", "group=other", 100, 100, 1.0),
        ("FA", "2026-10", "C1", "", 4, 0, None),  # 0 active cases: value NULL
    ])
    judged = judge.judge(rows, REGISTER)
    by_id = {r["standard_id"]: r for r in judged.iter_rows(named=True)}
    assert set(by_id) == {f"S{i:02d}" for i in range(1, 13)}  # every standard in force on 2026-10-31
    s01 = by_id["S01"]
    assert (s01["tier"], s01["volume"], s01["register_hash"]) == ("breach", 5000, REGISTER.content_hash)
    # 3/5000: Wilson [.00020407, .00176271] x 10,000 = [2.0407, 17.6271] per 10k
    assert (round(s01["ci_low"], 4), round(s01["ci_high"], 4)) == (2.0407, 17.6271)
    assert (by_id["S08"]["tier"], by_id["S08"]["reason"], by_id["S08"]["volume"]) == ("not_judged", "below_min_volume", 40)
    assert by_id["S08"]["ci_low"] is None  # a ratio of rates has no Wilson interval
    assert by_id["S10"]["reason"] == "no_data" and by_id["S12"]["reason"] == "no_data"


def test_the_standard_in_force_on_the_last_day_judges():
    raw = tomllib.loads(paths.REGISTER_FILE.read_text(encoding="utf-8"))
    s01 = next(s for s in raw["packs"]["cn"]["standards"] if s["id"] == "S01")
    s01["effective_to"] = date(2026, 10, 14)
    stricter = {**copy.deepcopy(s01), "effective_from": date(2026, 10, 15), "thresholds": {"meets": 0.0, "watch": 2.0}}
    stricter.pop("effective_to")
    raw["packs"]["cn"]["standards"].append(stricter)
    register = standards.parse(raw)
    rows = table([("FA", p, "V1", "", 3, 10000, 3.0) for p in ("2026-09", "2026-10", "2026-Q3", "2026-Q4")])
    got = {r["period"]: (r["standard_from"], r["tier"])
           for r in judge.judge(rows, register).filter(pl.col("standard_id") == "S01").iter_rows(named=True)}
    # 2026-09 ends before the 15th of October: the old version (watch 5); 2026-10 ends after it (watch 2)
    assert got["2026-09"] == (date(2024, 5, 15), "watch")
    assert got["2026-10"] == (date(2026, 10, 15), "breach")
    assert got["2026-Q3"] == (date(2024, 5, 15), "watch") and got["2026-Q4"] == (date(2026, 10, 15), "breach")
    # S03 takes effect 2026-01-30: not judged at all for 2025-12
    early = judge.judge(table([("FA", "2025-12", "V3", "", 0, 5000, 0.0)]), register)
    assert "S03" not in early["standard_id"].to_list()


def test_each_pack_is_judged_by_its_own_standards():
    rows = table([("FA", "2026-10", "U1", "", 0, 2000, 0.0)], pack="us-regf")
    judged = judge.judge(rows, REGISTER)
    assert set(judged["standard_id"]) == {"US01", "US02", "US03", "US04"}
    assert judged.filter(pl.col("standard_id") == "US02")["tier"].to_list() == ["meets"]


def test_overall_is_the_worst_judged_tier():
    judged = pl.DataFrame({
        "pack": ["cn"] * 6, "firm_id": ["FA", "FA", "FB", "FB", "FC", "FC"], "period": ["2026-10"] * 6,
        "grain": ["month"] * 6, "tier": ["meets", "watch", "not_judged", "breach", "not_judged", "not_judged"],
    })
    overall = dict(judge.overall(judged).select("firm_id", "overall").iter_rows())
    assert overall == {"FA": "watch", "FB": "breach", "FC": "not_judged"}


def test_funnel_table_around_the_industry_rate():
    rows = table([
        ("ALL", "2026-10", "V6", "", 10, 100, 0.1),
        ("FA", "2026-10", "V6", "", 1, 100, 0.01),
        ("FB", "2026-10", "V6", "", 9, 100, 0.09),
        ("ALL", "2026-10", "V1", "", 50, 100000, 5.0),
        ("FA", "2026-10", "V1", "", 10, 10000, 10.0),
        ("FA", "2026-10", "V8", "", 1.5, 1.0, 1.5),  # a ratio of rates: no funnel
    ])
    frame = judge.funnel(rows)
    got = {(r["metric_id"], r["firm_id"]): r for r in frame.iter_rows(named=True)}
    assert set(got) == {("V6", "FA"), ("V6", "FB"), ("V1", "FA")}
    fa = got[("V6", "FA")]
    assert fa["industry"] == pytest.approx(0.1)
    assert (round(fa["low95"], 4), round(fa["high95"], 4)) == (0.0412, 0.1588)
    assert fa["position"] == "below_95" and got[("V6", "FB")]["position"] == "within"  # .01 > .0073, < .0412
    # V1 per 10k treated as a proportion: p0 = 50/100000 = .0005, n = 10000:
    # sd = sqrt(.0005 * .9995 / 10000) = .000223551; 95%: .0005 +/- .000438152 -> [0.6185, 9.3815] per 10k
    v1 = got[("V1", "FA")]
    assert (round(v1["low95"], 4), round(v1["high95"], 4), v1["industry"]) == (0.6185, 9.3815, pytest.approx(5.0))
    assert v1["position"] == "above_95"  # 10 per 10k: above 9.38, below the 99.8% limit (.0005 + .000690823 -> 11.91)
    assert round(v1["high998"], 2) == 11.91
    assert judge.funnel(rows, "V6", "2026-10").height == 2


PEERS = table([
    ("ALL", "2026-10", "V6", "", 30, 1000, 0.03),  # the industry row is never a peer
    ("FA", "2026-10", "V6", "", 1, 100, 0.01),
    ("FB", "2026-10", "V6", "", 4, 200, 0.02),
    ("FC", "2026-10", "V6", "", 2, 100, 0.02),
    ("FD", "2026-10", "V6", "", 6, 300, 0.02),
    ("FE", "2026-10", "V6", "", 10, 200, 0.05),
    ("FF", "2026-10", "V6", "", 8, 100, 0.08),
    ("FG", "2026-10", "V6", "", 0, 0, None),  # no visits: not a contributor
    ("FA", "2026-10", "C3", "", 9, 10, 0.9),
    ("FB", "2026-10", "C3", "", 19, 20, 0.95),
    ("FC", "2026-10", "C3", "", 19, 20, 0.95),
    ("FA", "2026-10", "R5", "status=settled", 1, 4, 0.25),
    ("FB", "2026-10", "R5", "status=settled", 1, 2, 0.5),
])
BANDS = {"FA": "small", "FB": "small", "FC": "medium", "FD": "medium", "FE": "large", "FF": "large"}


def test_peer_quartiles_by_hand_with_ties():
    stats = {(r["metric_id"], r["peer_group"]): r for r in judge.peer_stats(PEERS, BANDS).iter_rows(named=True)}
    every = stats[("V6", "all")]
    # sorted .01 .02 .02 .02 .05 .08 (n = 6): P25 at 1.25 -> .02; median at 2.5 -> .02 (a tie);
    # P75 at 3.75 -> .02 + .75 * (.05 - .02) = .0425
    assert every["contributors"] == 6
    assert (every["p25"], every["median"], every["p75"]) == (pytest.approx(0.02), pytest.approx(0.02), pytest.approx(0.0425))
    assert every["firm_ids"] == ["FA", "FB", "FC", "FD", "FE", "FF"] and every["volumes"] == [100, 200, 100, 300, 200, 100]
    small = stats[("V6", "size_band=small")]
    # .01 .02: P25 at .25 -> .0125, median .015, P75 .0175
    assert (small["contributors"], small["p25"], small["median"], small["p75"]) == (
        2, pytest.approx(0.0125), pytest.approx(0.015), pytest.approx(0.0175))
    assert stats[("C3", "all")]["median"] == pytest.approx(0.95)


def test_peer_positions_respect_the_direction_and_ties():
    pos = {(r["metric_id"], r["peer_group"], r["firm_id"]): r for r in judge.peer_positions(PEERS, BANDS).iter_rows(named=True)}
    # V6, lower is better. FA .01: all 5 others are worse -> 100%. FB .02: ties with FC, FD are not
    # "better"; worse are .05 and .08 -> 2/5 = 40%. FF .08: 0%.
    assert pos[("V6", "all", "FA")]["better_than_pct"] == 100.0
    assert (pos[("V6", "all", "FB")]["peers"], pos[("V6", "all", "FB")]["better_than_pct"]) == (5, 40.0)
    assert pos[("V6", "all", "FF")]["better_than_pct"] == 0.0
    assert pos[("V6", "size_band=small", "FA")]["better_than_pct"] == 100.0
    # C3, higher is better: FB .95 ties FC; only FA .9 is worse -> 1/2 = 50%
    assert pos[("C3", "all", "FB")]["better_than_pct"] == 50.0 and pos[("C3", "all", "FA")]["better_than_pct"] == 0.0
    # alone in its size band: no peers, no position
    assert (pos[("C3", "size_band=medium", "FC")]["peers"], pos[("C3", "size_band=medium", "FC")]["better_than_pct"]) == (0, None)
    # a mix has no better or worse
    assert pos[("R5", "all", "FA")]["better_than_pct"] is None
    assert ("V6", "all", "FG") not in pos and ("V6", "all", "ALL") not in pos


def test_firms_without_a_size_band_count_only_among_all_firms():
    stats = judge.peer_stats(PEERS, {})
    assert set(stats["peer_group"]) == {"all"}


def test_one_pack_judges_every_row_and_still_names_the_register():
    rows = table([("FA", "2026-10", "V1", "", 0, 2000, 0.0)])
    judged = judge.judge(rows, REGISTER.pack("uk-conc"))
    assert set(judged["standard_id"]) == {"UK01", "UK02"} and set(judged["pack"]) == {"uk-conc"}
    assert set(judged["register_hash"]) == {REGISTER.content_hash} and set(judged["register_version"]) == {"2026.1"}
