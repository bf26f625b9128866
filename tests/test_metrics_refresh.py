"""refresh: a metric snapshot per store snapshot; a new firm-month recomputes only the periods it touches."""

from __future__ import annotations

import random
import sys
from pathlib import Path

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
    assert_frame_equal(refresh.load(data_dir).sort(["period", "firm_id", "metric_id", "dim"]),
                       compute(data_dir).sort(["period", "firm_id", "metric_id", "dim"]))
    # a resubmission of FA's May touches FA's later months too: none here, so May, Q2 and the year
    record = submit(data_dir, "FA", "2026-05", cases=[row("cases", placed_on="2026-05-02")])
    assert refresh.after_submission(data_dir, record)["recomputed"] == ["2026-05", "2026-Q2", "2026"]
    # the earlier metric snapshot is still readable as it was
    assert refresh.load(data_dir, snapshot_id=1).filter(firm_id="FB").height == 0


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
    exactly the rows of a whole computation."""
    industry = build(random.Random(seed), 3, 3, "2026-11", gaps=False)
    held = ("FB", industry.months[0])
    write_registry(tmp_path)
    for (firm, month), tables in sorted(industry.tables.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if (firm, month) != held:
            submit_tables(tmp_path, firm, month, tables)
    refresh.full(tmp_path)

    def whole(*args, **kwargs):
        raise AssertionError("the firm-only path was not taken")

    for attempt in range(2):  # the late month, then its resubmission
        submit_tables(tmp_path, *held, industry.tables[held])
        with monkeypatch.context() as patched:
            patched.setattr(metrics, "compute_parts", whole)
            cat = refresh.after_submission(tmp_path, Store(tmp_path).snapshot().current(*held))
        assert cat["recomputed"][:3] == industry.months
        assert_frame_equal(refresh.load(tmp_path).sort(["period", "firm_id", "metric_id", "dim"]),
                           compute(tmp_path).sort(["period", "firm_id", "metric_id", "dim"]))
