"""Property test: the SQL engine (metrics.compute) and the plain-Python reference agree on random industries.

Both read the same snapshot: random template CSVs ingested through the real ingest path. For each
metric: the same (firm_id, period, metric_id, dim) rows, numerators and denominators equal (1e-9
relative; money to the cent), values equal or both null, for three packs (cn, us-regf, au-accc
with holidays). Each industry is ingested once and every metric checked on it; the
examples are derandomized (the same every run) and not shrunk (each step is a fresh ingest).
"""

from __future__ import annotations

import copy
import math
import os
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from random_industry import Industry, industries, load
from reference import metrics_ref
from industry_metrics import metrics
from industry_metrics.store import Store

METRICS = ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "C1", "C2", "C3", "C4", "C5", "C6",
           "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "U1", "U2", "A1")
MONEY = ("R1", "R2")
HOLIDAYS = [f"{m}-05" for m in ("2026-02", "2026-03", "2026-04", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02")]
RUNS = (("cn", {}), ("us-regf", {}), ("au-accc", {"V1": {"holidays": HOLIDAYS}}))
KEY = ["firm_id", "period", "metric_id", "dim"]
# Decisions on the two disagreements the first run found (the engine was wrong in both; both now fixed there):
# (a) a firm with no submission for any of P's months gets no rows for P, not R2/R4 rows from the case history that
#     reaches into P, and none of its cases are pooled into ALL's R4 (spec: every metric is computed "per firm and per
#     period"; docs/metric-definitions.md: "a firm gets rows for P when it has an accepted submission for at least one
#     of P's months"). Figures resting on case rows the firm never confirmed for P would be guesses, and they would
#     change when the firm's late submission arrives. Fixed in queries/staging/history_cases.sql.
# (b) ALL has an R4 headline for every period with a submitting firm, NULL over 0 cases when no case falls in the
#     12 vintages ("Headline rows are always emitted", as for each firm). Fixed in metrics._fill_headlines.
# Examples: 15 by default; HYPOTHESIS_PARITY_EXAMPLES=150 for a longer search (one ingest and 3 packs each).
EXAMPLES = settings(max_examples=int(os.environ.get("HYPOTHESIS_PARITY_EXAMPLES", "15")), deadline=None, derandomize=True,
                    database=None, print_blob=False,
                    phases=[Phase.explicit, Phase.generate],  # no shrinking: every step is a fresh ingest
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

def both_sides(industry, tmp_path_factory) -> tuple[Path, dict[str, tuple[pl.DataFrame, pl.DataFrame]], set]:
    """Ingest the industry; (data dir, {pack: (engine table, reference table)}, accepted (firm, month))."""
    data_dir = tmp_path_factory.mktemp("industry")
    load(industry, data_dir)
    snapshot = Store(data_dir).snapshot()
    tables = {}
    for pack, extra in RUNS:
        params = copy.deepcopy(metrics_ref.PACKS[pack])  # the engine is told the pack's parameters explicitly
        for metric, values in extra.items():
            params.setdefault(metric, {}).update(values)
        # cn runs every firm in a batch of its own (V2 and ALL's R4 then cross batches); the others in one batch
        batch_rows = 1 if pack == "cn" else None
        tables[pack] = (metrics.compute(snapshot, pack, params, batch_rows=batch_rows),
                        metrics_ref.from_snapshot(snapshot, pack, extra))
    return data_dir, tables, {(s["firm_id"], s["period"]) for s in snapshot.accepted}


def close(a, b, money: bool) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.005 if money else 1e-12)


def differences(engine: pl.DataFrame, reference: pl.DataFrame, metric: str) -> list[str]:
    """Every row where the two sides disagree, as readable lines."""
    e = engine.filter(pl.col("metric_id") == metric)
    r = reference.filter(pl.col("metric_id") == metric)
    joined = e.join(r, on=KEY, how="full", coalesce=True, suffix="_ref")
    out = []
    for row in joined.iter_rows(named=True):
        where = f"{row['firm_id']} {row['period']} {metric} {row['dim']!r}"
        if row["pack"] is None or row["pack_ref"] is None:
            out.append(f"{where}: only in the {'reference' if row['pack'] is None else 'engine'}")
            continue
        pairs = [(c, row[c], row[c + "_ref"]) for c in ("numerator", "denominator", "value")]
        bad = [f"{c} engine={a} reference={b}" for c, a, b in pairs if not close(a, b, metric in MONEY and c != "value")]
        if row["grain"] != row["grain_ref"]:
            bad.append(f"grain {row['grain']} != {row['grain_ref']}")
        if bad:
            out.append(f"{where}: " + "; ".join(bad))
    return out


def all_differences(tables: dict, metrics_to_check) -> list[str]:
    """Disagreements of the given metrics in every pack."""
    out = []
    for pack, (engine, reference) in tables.items():
        for metric in metrics_to_check:
            out += [f"[{pack}] {line}" for line in differences(engine, reference, metric)]
    return out


@EXAMPLES
@given(industry=industries())
def test_engine_matches_reference(industry, tmp_path_factory):
    data_dir, tables, accepted = both_sides(industry, tmp_path_factory)
    diff = all_differences(tables, METRICS)
    assert not diff, f"data in {data_dir}: {len(diff)} rows differ\n" + "\n".join(diff[:25])


@pytest.mark.parametrize("metric", ["R1", "R2", "R4"])
def test_firm_that_skipped_a_month(metric, tmp_path_factory):
    """Decision (a), minimal case: FA submits 2026-02 and 2026-03, FB only 2026-02; FB has no 2026-03 rows, and ALL's
    2026-03 R4 pools FA's case alone. 2026-Q1 ends with March too, so it reads March's history case set
    (staging/history_cases.sql), yet FB submitted in one of its months and has its rows there (as the reference says)."""
    cases = lambda firm: [dict(case_ref="C1", debtor_ref="a" * 64, creditor_ref="CR1", product="cash_loan",
                               region_code="320481", timezone="", placed_on="2026-01-10", dpd_at_placement="30",
                               amount_placed="1000.00", fee_model="fixed", vulnerable="false", hold_from="", hold_to="",
                               status="active", closed_on="")]
    industry = Industry(months=["2026-02", "2026-03"], firms={"FA": ["2026-02", "2026-03"], "FB": ["2026-02"]})
    industry.tables = {(f, m): {"cases": cases(f)} for f, months in industry.firms.items() for m in months}
    data_dir, tables, accepted = both_sides(industry, tmp_path_factory)
    diff = all_differences(tables, [metric])
    assert not diff, "\n".join(diff)
    engine = tables["cn"][0]
    assert engine.filter((pl.col("firm_id") == "FB") & (pl.col("period") == "2026-03")).height == 0
    assert engine.filter((pl.col("firm_id") == "FB") & (pl.col("period") == "2026-Q1") & (pl.col("metric_id") == metric)
                         & (pl.col("dim") == "")).height == 1
    assert engine.filter((pl.col("firm_id") == "ALL") & (pl.col("period") == "2026-03") & (pl.col("metric_id") == "R4")
                         & (pl.col("dim") == "")).select("denominator").item() == 1  # FA's C1 only


def test_industry_without_recent_cases(tmp_path_factory):
    """Decision (b), minimal case: FA's only case was placed 2024-12-10, outside the 12 vintages of 2026-02: ALL
    still has its R4 headline, NULL over 0 cases."""
    case = dict(case_ref="C1", debtor_ref="a" * 64, creditor_ref="CR1", product="cash_loan", region_code="320481",
                timezone="", placed_on="2024-12-10", dpd_at_placement="30", amount_placed="1000.00", fee_model="fixed",
                vulnerable="false", hold_from="", hold_to="", status="active", closed_on="")
    industry = Industry(months=["2026-02"], firms={"FA": ["2026-02"]}, tables={("FA", "2026-02"): {"cases": [case]}})
    data_dir, tables, accepted = both_sides(industry, tmp_path_factory)
    diff = all_differences(tables, ["R4"])
    assert not diff, "\n".join(diff)
    engine = tables["cn"][0]
    heads = engine.filter((pl.col("firm_id") == "ALL") & (pl.col("metric_id") == "R4") & (pl.col("dim") == ""))
    assert heads.select("period", "numerator", "denominator", "value").sort("period").rows() == [
        ("2026", None, 0.0, None), ("2026-02", None, 0.0, None), ("2026-Q1", None, 0.0, None)]
