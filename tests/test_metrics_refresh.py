"""refresh: a metric snapshot per store snapshot; a new firm-month recomputes only the periods it touches."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

sys.path.insert(0, str(Path(__file__).parent / "queries"))
from metric_rows import compute, row, submit  # noqa: E402
from random_industry import build, write_registry  # noqa: E402
from random_industry import submit as submit_tables  # noqa: E402

from industry_metrics import metrics, refresh  # noqa: E402
from industry_metrics.store import Store  # noqa: E402


def test_incremental_equals_full_and_reuses_untouched_periods(data_dir):
    submit(data_dir, "FA", "2026-05", cases=[row("cases", placed_on="2026-05-01")])
    first = refresh.full(data_dir)
    assert first["recomputed"] == ["2026-05", "2026-Q2", "2026"]
    record = submit(data_dir, "FB", "2026-10", cases=[row("cases")], contacts=[row("contacts")])
    cat = refresh.after_submission(data_dir, record)
    # October, its quarter and its year; May and Q2 keep their files
    assert cat["recomputed"] == ["2026-10", "2026-Q4", "2026"]
    assert cat["parts"]["2026-05"] == first["parts"]["2026-05"]
    assert cat["store_snapshot"] == 2
    assert cat["engines"] == {p: "duckdb" for p in cat["parts"]}  # which engine computed each period (manifests cite it)
    assert_frame_equal(refresh.load(data_dir).sort(["period", "firm_id", "metric_id", "dim"]),
                       compute(data_dir).sort(["period", "firm_id", "metric_id", "dim"]))
    # a resubmission of FA's May touches FA's later months too: none here, so May, Q2 and the year
    record = submit(data_dir, "FA", "2026-05", cases=[row("cases", placed_on="2026-05-02")])
    assert refresh.after_submission(data_dir, record)["recomputed"] == ["2026-05", "2026-Q2", "2026"]
    # the earlier metric snapshot is still readable as it was
    assert refresh.load(data_dir, snapshot_id=1).filter(firm_id="FB").height == 0


def test_a_catalog_without_month_counts_recomputes_the_touched_periods_whole(data_dir, monkeypatch):
    """A catalog written before the month counts were kept cannot feed the firm-only path: the touched periods are
    computed whole (every firm), and the new catalog then holds the counts of their months."""
    submit(data_dir, "FA", "2026-09", cases=[row("cases")], contacts=[row("contacts", contact_at="2026-09-05 10:00:00")])
    first = refresh.full(data_dir)
    year = {f"2026-{m:02d}" for m in range(1, 13)}
    assert set(first["month_parts"]) == year  # the months of 2026-09, 2026-Q3 and 2026
    old = dict(first)
    del old["month_parts"]
    catalog_file = refresh.pack_dir(data_dir, "cn") / "catalog" / f"{first['store_snapshot']:08d}.json"
    catalog_file.write_text(json.dumps(old), encoding="utf-8")
    whole = []
    real = metrics.compute_parts
    monkeypatch.setattr(metrics, "compute_parts", lambda *a, **k: whole.append(k["periods"]) or real(*a, **k))
    record = submit(data_dir, "FB", "2026-10", cases=[row("cases")], contacts=[row("contacts")])
    cat = refresh.after_submission(data_dir, record)
    monkeypatch.undo()
    assert whole == [["2026-10", "2026-Q4", "2026"]]
    assert set(cat["month_parts"]) == year
    assert_frame_equal(refresh.load(data_dir).sort(["period", "firm_id", "metric_id", "dim"]),
                       compute(data_dir).sort(["period", "firm_id", "metric_id", "dim"]))


def test_history_dependent_periods_are_recomputed(data_dir):
    submit(data_dir, "FA", "2026-09", cases=[row("cases")])
    submit(data_dir, "FA", "2026-10", cases=[row("cases")])
    refresh.full(data_dir)
    record = submit(data_dir, "FA", "2026-09", cases=[row("cases")],
                    payments=[row("payments", paid_on="2026-09-10")])
    assert refresh.after_submission(data_dir, record)["recomputed"] == ["2026-09", "2026-10", "2026-Q3", "2026-Q4", "2026"]
    assert_frame_equal(refresh.load(data_dir).sort(["period", "firm_id", "metric_id", "dim"]),
                       compute(data_dir).sort(["period", "firm_id", "metric_id", "dim"]))


def test_a_gap_or_other_parameters_rebuild_everything(data_dir):
    record = submit(data_dir, "FA", "2026-09", cases=[row("cases")])
    assert refresh.after_submission(data_dir, record)["recomputed"] == ["2026-09", "2026-Q3", "2026"]
    record = submit(data_dir, "FA", "2026-10", cases=[row("cases")])
    cat = refresh.after_submission(data_dir, record, params={"V2": {"cap": 2}})
    assert cat["recomputed"] == ["2026-09", "2026-10", "2026-Q3", "2026-Q4", "2026"]


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_firm_only_update_equals_full_on_random_industries(seed, tmp_path, monkeypatch):
    """A late first month of one firm (its later months, quarters and the year are touched), then a resubmission: the
    firm-only path (metrics.update: shared debtors so V2 crosses firms, ALL's R4 pooled from stored partials) gives
    exactly the rows of a whole computation. V2's cap is 1, so that the recount of the touched debtor-days has
    cross-firm excess calls to move."""
    low_cap = {"V2": {"cap": 1}}
    industry = build(random.Random(seed), 3, 3, "2026-11", gaps=False)
    held = ("FB", industry.months[0])
    write_registry(tmp_path)
    for (firm, month), tables in sorted(industry.tables.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if (firm, month) != held:
            submit_tables(tmp_path, firm, month, tables)
    refresh.full(tmp_path, params=low_cap)

    def whole(*args, **kwargs):
        raise AssertionError("the firm-only path was not taken")

    late = industry.tables[held]
    # the resubmission drops every other contact: V2's counts move in the debtor-days of the old and the new version
    fewer = {**late, "contacts": late["contacts"][::2]}
    for tables in (late, fewer):
        submit_tables(tmp_path, *held, tables)
        with monkeypatch.context() as patched:
            patched.setattr(metrics, "compute_parts", whole)
            cat = refresh.after_submission(tmp_path, Store(tmp_path).snapshot().current(*held), params=low_cap)
        assert cat["recomputed"][:3] == industry.months
        stored = refresh.load(tmp_path).sort(["period", "firm_id", "metric_id", "dim"])
        assert_frame_equal(stored, compute(tmp_path, params=low_cap).sort(["period", "firm_id", "metric_id", "dim"]))
        assert stored.filter(pl.col("metric_id") == "V2", pl.col("firm_id") != "ALL", pl.col("numerator") > 0)["firm_id"].n_unique() > 1
        # the month counts it stored (the firm's new month counted, the rest carried) are those of a whole computation
        kept = refresh._read_parts(refresh.pack_dir(tmp_path, "cn"), cat["month_parts"], list(cat["month_parts"]),
                                   metrics.MONTHS_SCHEMA)
        counted = metrics.compute_parts(Store(tmp_path).snapshot(), params=low_cap)[2]
        assert kept.height > 0 and set(cat["month_parts"]) >= set(industry.months)
        assert_frame_equal(kept.sort("month", "firm_id"), counted.sort("month", "firm_id"))


@pytest.mark.parametrize("seed", [5, 11])
def test_batches_of_firms_give_the_rows_of_one_batch(seed, tmp_path):
    """Firms computed in batches (here one firm each, sharing debtors: V2 is counted across batches, ALL's R4 pools every
    batch's partials) give exactly the rows of one batch over the whole snapshot."""
    industry = build(random.Random(seed), 3, 3, "2026-11", gaps=True)
    write_registry(tmp_path)
    for (firm, month), tables in sorted(industry.tables.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        submit_tables(tmp_path, firm, month, tables)
    snapshot = Store(tmp_path).snapshot()
    assert len(metrics.firm_batches(snapshot, snapshot.periods(), 1)) == len({s["firm_id"] for s in snapshot.accepted}) > 1
    low_cap = {"V2": {"cap": 1}}  # so that V2 has cross-firm excess calls to count on these small industries
    one, r4_one, counts_one = metrics.compute_parts(snapshot, params=low_cap, batch_rows=10**12)
    each, r4_each, counts_each = metrics.compute_parts(snapshot, params=low_cap, batch_rows=1)
    assert one.filter(pl.col("metric_id") == "V2", pl.col("numerator") > 0).height > 0  # V2 has work to do
    # ALL's pooled R4 curve is formed (in the last batch only: the others skip it)
    assert one.filter(pl.col("firm_id") == "ALL", pl.col("metric_id") == "R4", pl.col("denominator") > 0).height > 0
    assert_frame_equal(each, one)
    assert r4_one.schema["dim"] == pl.Categorical and r4_one.schema["t"] == pl.Int64  # compact in memory (R4_COMPACT)
    r4_each, r4_one = (r4.cast(metrics.R4_SCHEMA) for r4 in (r4_each, r4_one))
    assert_frame_equal(r4_each.sort(r4_each.columns), r4_one.sort(r4_one.columns))
    assert counts_one.height > 0
    assert_frame_equal(counts_each.sort("month", "firm_id"), counts_one.sort("month", "firm_id"))


def test_firm_batches_keep_whole_firms_within_the_budget():
    def sub(firm, month, rows):
        return {"firm_id": firm, "period": month, "status": "accepted", "tables": {"cases": {"rows": rows}}}
    snapshot = Store.__new__(Store)  # only .accepted is read
    snapshot = type("S", (), {"accepted": [sub("FA", "2026-01", 3), sub("FA", "2026-02", 3), sub("FB", "2026-01", 5),
                                           sub("FC", "2026-02", 20), sub("FD", "2026-02", 1), sub("FE", "2025-12", 9)]})()
    assert metrics.firm_batches(snapshot, ["2026-01", "2026-02"], 11) == [["FA", "FB"], ["FC"], ["FD"]]
    assert metrics.firm_batches(snapshot, ["2026-01", "2026-02"], 100) == [["FA", "FB", "FC", "FD"]]


@pytest.mark.parametrize("seed", [7])
def test_a_pack_without_call_window_standards_skips_those_families_and_nothing_else(seed, tmp_path, monkeypatch):
    """cn judges no U1, U2 or A1 (spec/metrics.md: other packs add them): its table is the every-metric table without
    exactly those rows, the families that give only them are not run, and the incremental path keeps to the same set."""
    industry = build(random.Random(seed), 3, 3, "2026-11", gaps=False)
    write_registry(tmp_path)
    for (firm, month), tables in sorted(industry.tables.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        submit_tables(tmp_path, firm, month, tables)
    snapshot = Store(tmp_path).snapshot()
    core = metrics.pack_metrics([])
    assert core == metrics.ALL_METRICS - {"U1", "U2", "A1"} and metrics.families_for(core) == ("recovery", "complaints", "conduct")
    assert metrics.families_for(metrics.pack_metrics(["U1"])) == ("recovery", "complaints", "conduct", "us_regf")
    everything = metrics.compute(snapshot)
    ran = []
    real = metrics.queries.run
    monkeypatch.setattr(metrics.queries, "run", lambda con, name, *a, **k: ran.append(name) or real(con, name, *a, **k))
    narrowed = metrics.compute(snapshot, metric_ids=core)
    assert {"metrics/us_regf", "metrics/au_accc"}.isdisjoint(ran) and "metrics/conduct" in ran
    assert_frame_equal(narrowed, everything.filter(~pl.col("metric_id").is_in(["U1", "U2", "A1"])))
    assert set(everything["metric_id"]) >= {"U1", "U2", "A1"}
    # the stored table follows the set, and a submission's refresh keeps to it (a changed set rebuilds everything)
    refresh.full(tmp_path, metric_ids=core)
    firm, month = sorted(industry.tables)[0]
    submit_tables(tmp_path, firm, month, {**industry.tables[(firm, month)], "contacts": industry.tables[(firm, month)]["contacts"][::2]})
    cat = refresh.after_submission(tmp_path, Store(tmp_path).snapshot().current(firm, month), metric_ids=core)
    assert cat["metrics"] == sorted(core) and cat["recomputed"][:3] == industry.months
    key = ["period", "firm_id", "metric_id", "dim"]
    assert_frame_equal(refresh.load(tmp_path).sort(key), compute(tmp_path, metric_ids=core).sort(key))
    # the same submission refreshed for every metric: the stored set differs, so every period is computed again
    submit_tables(tmp_path, firm, month, industry.tables[(firm, month)])
    again = refresh.after_submission(tmp_path, Store(tmp_path).snapshot().current(firm, month))
    assert sorted(again["recomputed"]) == sorted(again["parts"]) and again["metrics"] == sorted(metrics.ALL_METRICS)
