"""The disclosure engine: worked cases, then properties over random peer groups (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from industry_metrics import disclosure as d

S = d.Settings()


def contributions(values_volumes):
    return [d.Contribution(f"F{i:02d}", v, w) for i, (v, w) in enumerate(values_volumes)]


# ---- worked by hand --------------------------------------------------------------------------
def test_four_peers_are_too_few():
    assert d.primary_reason([10, 10, 10, 10], S) == d.TOO_FEW


def test_one_firm_above_a_quarter_dominates():
    # 26 of 100 is above 25%; the others are equal, so only the single-firm rule fires
    assert d.primary_reason([26, 18.5, 18.5, 18.5, 18.5], S) == d.DOMINANCE
    assert d.primary_reason([25, 18.75, 18.75, 18.75, 18.75], S) is None  # exactly 25% passes


def test_two_firms_above_85_percent_dominate():
    # with 10 firms no single one can exceed 25% here... use 3 large: 25+25=50 fine; (2,85) needs a skew
    vols = [24, 24] + [52 / 8] * 8  # top two 48% -> passes
    assert d.primary_reason(vols, S) is None
    lax = d.Settings(dominance_share=0.9)
    assert d.primary_reason([50, 40, 2.5, 2.5, 2.5, 2.5], lax) == d.DOMINANCE  # 90% > 85%


def test_viewer_is_not_counted_among_its_peers():
    members = contributions([(1.0, 10)] * 6)
    fig = d.peer_figure("F00", 1.0, [("all", members)], S)
    assert fig.contributors == 5 and not fig.suppressed
    fig = d.peer_figure("F00", 1.0, [("all", members[:5])], S)
    assert fig.suppressed and fig.reason == d.TOO_FEW


def test_band_falls_back_to_all_firms_with_a_note():
    band = contributions([(2.0, 10)] * 4)
    everyone = band + [d.Contribution(f"G{i}", 3.0, 10) for i in range(6)]
    fig = d.peer_figure("F00", 1.0, [("band:small", band), ("all", everyone)], S)
    assert fig.group == "all" and fig.requested_group == "band:small"
    assert "widened:band:small->all" in fig.notes
    assert fig.contributors == 9


def test_median_alone_below_eight_quartiles_from_eight():
    seven = contributions([(float(v), 10) for v in range(8)])  # viewer F00 + 7 peers 1..7
    fig = d.peer_figure("F00", 0.0, [("all", seven)], S)
    assert fig.median == 4.0 and fig.p25 is None and fig.p75 is None
    nine = contributions([(float(v), 10) for v in range(9)])  # peers 1..8
    fig = d.peer_figure("F00", 0.0, [("all", nine)], S)
    # peers 1..8: P25 at position 1.75 -> 2.75; median 4.5; P75 at 5.25 -> 6.25
    assert (fig.p25, fig.median, fig.p75) == (2.75, 4.5, 6.25)
    assert fig.better_than_pct == 100.0  # 0 is lower than every peer, lower is better


def test_position_respects_direction():
    members = contributions([(0.5, 10), (0.1, 10), (0.2, 10), (0.3, 10), (0.4, 10), (0.6, 10)])
    low = d.peer_figure("F00", 0.5, [("all", members)], S, lower_is_better=True)
    high = d.peer_figure("F00", 0.5, [("all", members)], S, lower_is_better=False)
    assert low.better_than_pct == 20.0  # only 0.6 is worse
    assert high.better_than_pct == 80.0  # 0.1..0.4 are worse


def test_industry_figure_is_withheld_when_the_others_are_too_few():
    members = contributions([(0.1, 100)] * 5)
    rate, reason = d.industry_figure("F00", members, S)
    assert rate is None and reason == d.TOO_FEW  # the viewer plus four others
    rate, reason = d.industry_figure("F00", members + [d.Contribution("F09", 0.4, 100)], S)
    assert reason is None and rate == pytest.approx((0.1 * 500 + 0.4 * 100) / 600)


def test_one_suppressed_cell_gets_a_complementary_partner():
    cells = [
        d.Cell("small", {"A": 1, "B": 1}),  # too few
        d.Cell("medium", {f"M{i}": 10 for i in range(6)}),
        d.Cell("large", {f"L{i}": 50 for i in range(5)}),
    ]
    reasons = d.protect_partition(cells, S)
    assert reasons == {"small": d.TOO_FEW, "medium": d.COMPLEMENTARY, "large": None}


def test_recovery_lag():
    assert d.lag_reason("R2", "2026-09", "2026-10", S) == d.RECOVERY_LAG
    assert d.lag_reason("R2", "2026-07", "2026-10", S) is None
    assert d.lag_reason("V1", "2026-10", "2026-10", S) is None


def test_unknown_setting_is_an_error():
    with pytest.raises(ValueError, match="unknown settings"):
        d.Settings.from_mapping({"min_contributer": 5})


# ---- properties over random industries -------------------------------------------------------
firm_rows = st.lists(
    st.tuples(st.floats(0, 100, allow_nan=False), st.floats(1, 10_000, allow_nan=False)), min_size=0, max_size=14
)


@hsettings(max_examples=300, deadline=None)
@given(band=firm_rows, rest=firm_rows, viewer_in_band=st.booleans())
def test_no_published_peer_figure_breaks_the_rules(band, rest, viewer_in_band):
    band_members = contributions(band)
    others = [d.Contribution(f"X{i:02d}", v, w) for i, (v, w) in enumerate(rest)]
    viewer = "F00" if viewer_in_band and band_members else "X00"
    groups = [("band", band_members), ("all", band_members + others)]
    fig = d.peer_figure(viewer, 1.0, groups, S)
    if fig.suppressed:
        assert fig.median is None and fig.p25 is None and fig.better_than_pct is None
        return
    used = dict(groups)[fig.group]
    peers = [c for c in used if c.firm_id != viewer]
    volumes = [c.volume for c in peers]
    assert len(peers) == fig.contributors >= S.min_contributors
    assert max(volumes) <= S.dominance_share * sum(volumes) + 1e-9
    top2 = sorted(volumes, reverse=True)[:2]
    assert sum(top2) <= S.two_firm_share * sum(volumes) + 1e-9
    if fig.contributors < S.quartiles_min_firms:
        assert fig.p25 is None and fig.p75 is None


partition = st.lists(
    st.dictionaries(st.text("ABCDEFGHIJKLMNOP", min_size=2, max_size=2), st.floats(1, 1000), min_size=0, max_size=9),
    min_size=1,
    max_size=6,
)


@hsettings(max_examples=300, deadline=None)
@given(parts=partition)
def test_no_suppressed_cell_is_recoverable_from_the_total(parts):
    cells = [d.Cell(f"c{i}", vols) for i, vols in enumerate(parts)]
    reasons = d.protect_partition(cells, S)
    suppressed = [k for k, r in reasons.items() if r]
    # total minus the published cells equals the sum of the suppressed ones: never a single cell
    assert len(suppressed) != 1 or len(cells) == 1
    for c in cells:
        if reasons[c.key] is None:
            assert d.primary_reason(list(c.volumes.values()), S) is None


@hsettings(max_examples=300, deadline=None)
@given(outer=st.dictionaries(st.text("ABCDEFGHIJ", min_size=1, max_size=2), st.floats(1, 1000), max_size=14),
       take=st.integers(0, 14))
def test_an_inner_group_published_beside_its_outer_group_leaves_a_safe_remainder(outer, take):
    inner = dict(list(outer.items())[:take])
    reason = d.protect_nested(d.Cell("outer", outer), d.Cell("inner", inner), S)
    rest = [v for f, v in outer.items() if f not in inner]
    if reason is None and rest:
        assert d.primary_reason(rest, S) is None


def test_ties_are_reported_as_level_not_worse():
    members = contributions([(0.0, 10), (0.0, 10), (0.0, 10), (0.0, 10), (0.0, 10), (3.0, 10)])
    fig = d.peer_figure("F00", 0.0, [("all", members)], S)
    assert (fig.better_than_pct, fig.level_pct) == (20.0, 80.0)  # peers: four at 0 (level), one at 3 (worse)


# ---- adjacent periods: a firm joining or leaving must not show through the difference of two totals

def test_one_firm_joining_suppresses_the_next_total_worked_by_hand():
    before = d.Cell("2026-09", {f"F{i}": 100.0 for i in range(8)})
    after = d.Cell("2026-10", {**before.volumes, "NEW": 40.0})  # the difference would be NEW's own figure
    assert d.protect_periods([before, after], S) == {"2026-09": None, "2026-10": d.COMPLEMENTARY}
    five_join = d.Cell("2026-10", {**before.volumes, **{f"N{i}": 40.0 for i in range(5)}})
    assert d.protect_periods([before, five_join], S) == {"2026-09": None, "2026-10": None}
    steady = d.Cell("2026-11", dict(after.volumes))
    assert d.protect_periods([before, after, steady], S)["2026-11"] is None  # the same panel as the month before


panels = st.lists(  # a pool of firms and, per period, which of them report and with what volume
    st.dictionaries(st.sampled_from([f"F{i:02d}" for i in range(16)]), st.floats(1, 1000), max_size=16),
    min_size=2, max_size=5)


@hsettings(max_examples=300, deadline=None)
@given(periods=panels, values=st.dictionaries(st.sampled_from([f"F{i:02d}" for i in range(16)]), st.floats(0, 500), min_size=16))
def test_no_suppressed_figure_is_recoverable_by_differencing_adjacent_totals(periods, values):
    cells = [d.Cell(f"p{i}", vols) for i, vols in enumerate(periods)]
    reasons = d.protect_periods(cells, S)
    # the worst case for the publisher: every firm that stays reports the same figure in both periods,
    # so the difference of two published totals is exactly the joiners' figures less the leavers'
    total = {c.key: sum(values[f] for f in c.volumes) for c in cells}
    for a, b in zip(cells, cells[1:]):
        for c in (a, b):
            if reasons[c.key] is None:
                assert d.primary_reason(list(c.volumes.values()), S) is None
        if reasons[a.key] is not None or reasons[b.key] is not None:
            continue  # a suppressed total cannot be differenced
        joined = {f: v for f, v in b.volumes.items() if f not in a.volumes}
        left = {f: v for f, v in a.volumes.items() if f not in b.volumes}
        difference = total[b.key] - total[a.key]
        assert difference == pytest.approx(sum(values[f] for f in joined) - sum(values[f] for f in left), abs=1e-6)
        changed = [*joined.values(), *left.values()]
        # what the difference discloses is a group's figure, and that group passes the rules a published cell must:
        # never one firm's (suppressed) figure, never a group one firm dominates
        assert not changed or d.primary_reason(changed, S) is None
        if changed:
            assert len(changed) >= S.min_contributors
