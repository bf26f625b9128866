"""The access layer: a firm's scope never yields another firm's rows, names or figures."""

from __future__ import annotations

import polars as pl
import pytest

from industry_metrics import disclosure, registry
from industry_metrics.access import Access, AccessDenied, Audience

PACK = "cn"


@pytest.fixture(scope="module")
def demo_dir(small_demo):
    return small_demo[0]


@pytest.fixture(scope="module")
def firm_ids(demo_dir):
    return sorted(registry.load(demo_dir))


def test_audiences_are_checked():
    with pytest.raises(ValueError):
        Audience("firm")
    with pytest.raises(ValueError):
        Audience("association", firm_id="F001")
    with pytest.raises(ValueError):
        Audience("admin")


def test_a_firm_sees_only_its_own_metric_rows(demo_dir, firm_ids):
    for firm in firm_ids[:5]:
        access = Access(demo_dir, Audience("firm", firm))
        table = access.metrics(PACK)
        assert table.height > 0
        assert set(table["firm_id"]) == {firm}
        assert set(access.judged(PACK)["firm_id"]) == {firm}
        assert set(access.firms()["firm_id"]) == {firm}
        assert set(access.submissions()["firm_id"]) == {firm}


@pytest.mark.parametrize("requested", ["F002", "ALL", "F001' OR '1'='1", "", None])
def test_asking_for_another_firm_is_refused_or_answered_with_its_own(demo_dir, requested):
    access = Access(demo_dir, Audience("firm", "F001"))
    if requested in (None, "F001"):
        assert set(access.metrics(PACK, firm_id=requested)["firm_id"]) == {"F001"}
        return
    with pytest.raises(AccessDenied):
        access.metrics(PACK, firm_id=requested)
    with pytest.raises(AccessDenied):
        access.judged(PACK, firm_id=requested)
    with pytest.raises(AccessDenied):
        access.peer_figure(PACK, "2026-10", "V1", firm_id=requested)


def test_staff_see_every_firm_by_name(demo_dir, firm_ids):
    access = Access(demo_dir, Audience("association"))
    table = access.metrics(PACK)
    assert set(table["firm_id"]) == set(firm_ids) | {"ALL"}
    names = dict(access.firms(lang="en").select("firm_id", "name").iter_rows())
    assert names["F001"] == registry.load(demo_dir)["F001"].name_en


def test_regulators_see_stable_codes_not_ids(demo_dir, firm_ids):
    access = Access(demo_dir, Audience("regulator"))
    table = access.metrics(PACK)
    shown = set(table["firm_id"]) - {"ALL"}
    assert shown and not shown & set(firm_ids)
    assert all(code.startswith("M-") for code in shown)
    again = Access(demo_dir, Audience("regulator")).metrics(PACK)
    assert set(again["firm_id"]) == set(table["firm_id"])  # stable
    assert not set(access.firms()["name"]) & {f.name_en for f in registry.load(demo_dir).values()}
    with pytest.raises(AccessDenied):
        access.submissions()
    named = Access(demo_dir, Audience("regulator"), regulator_naming="names").metrics(PACK)
    assert set(named["firm_id"]) - {"ALL"} == set(firm_ids)


def test_peer_figures_pass_the_disclosure_rules(demo_dir):
    access = Access(demo_dir, Audience("firm", "F001"))
    settings = access._register().disclosure.settings()
    fig = access.peer_figure(PACK, "2026-10", "V1")
    rows = access._all_metrics(PACK).filter(
        (pl.col("period") == "2026-10") & (pl.col("metric_id") == "V1") & (pl.col("dim") == "") & (pl.col("firm_id") != "ALL"))
    if fig.suppressed:
        assert fig.median is None
    else:
        assert fig.contributors >= settings.min_contributors
        assert "F001" not in fig.group
    # the recovery lag: the latest month's recovery rate is not benchmarked
    lagged = access.peer_figure(PACK, "2026-10", "R2")
    assert lagged.suppressed and lagged.reason == disclosure.RECOVERY_LAG
    assert rows.height >= 5


def test_an_older_snapshot_reads_its_own_numbers(demo_dir):
    latest = Access(demo_dir, Audience("association"))
    first = Access(demo_dir, Audience("association"), snapshot_id=1)
    assert first.snapshot.id == 1 and latest.snapshot.id > 1
    assert set(first.metrics(PACK)["firm_id"]) - {"ALL"} == {first.snapshot.submissions[0]["firm_id"]}


def test_cache_keys_differ_by_audience_and_snapshot(demo_dir):
    keys = {
        Access(demo_dir, Audience("firm", "F001")).cache_key,
        Access(demo_dir, Audience("firm", "F002")).cache_key,
        Access(demo_dir, Audience("association")).cache_key,
        Access(demo_dir, Audience("regulator")).cache_key,
        Access(demo_dir, Audience("association"), snapshot_id=1).cache_key,
    }
    assert len(keys) == 5


@pytest.mark.parametrize("metric_id", ["V1", "V2", "V5", "V6"])
def test_breach_events_are_exactly_the_metrics_numerator(demo_dir, metric_id):
    """The drill-down lists the same contacts the metric counts (cn: one window all week, no holidays)."""
    staff = Access(demo_dir, Audience("association"))
    table = staff.metrics(PACK)
    row = table.filter((pl.col("period") == "2026-10") & (pl.col("metric_id") == metric_id) & (pl.col("dim") == "")
                       & (pl.col("firm_id") != "ALL")).sort("numerator", descending=True).row(0, named=True)
    events = staff.breach_events(PACK, "2026-10", metric_id, row["firm_id"])
    assert events.height == row["numerator"]
    assert set(events.columns) == {"contact_ref", "case_ref", "debtor_ref", "local_time", "channel", "party", "connected", "recorded"}


def test_breach_events_apply_weekend_hours_and_holidays(demo_dir):
    """au-accc's V1 has its own weekend window and public holidays: the drill-down applies both, firm by firm."""
    staff = Access(demo_dir, Audience("association"))
    rows = staff.metrics("au-accc").filter((pl.col("period") == "2026-10") & (pl.col("metric_id") == "V1")
                                           & (pl.col("dim") == "") & (pl.col("firm_id") != "ALL"))
    assert rows["numerator"].sum() > 0
    for row in rows.iter_rows(named=True):
        assert staff.breach_events("au-accc", "2026-10", "V1", row["firm_id"]).height == row["numerator"], row["firm_id"]


def test_breach_events_follow_the_scope(demo_dir):
    with pytest.raises(AccessDenied):
        Access(demo_dir, Audience("firm", "F001")).breach_events(PACK, "2026-10", "V1", "F003")
    with pytest.raises(AccessDenied):
        Access(demo_dir, Audience("regulator")).breach_events(PACK, "2026-10", "V1", "F003")
    own = Access(demo_dir, Audience("firm", "F003")).breach_events(PACK, "2026-10", "V1")
    assert own["contact_ref"].str.starts_with("F003").all()
