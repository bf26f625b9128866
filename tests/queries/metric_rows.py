"""Tiny template rows for metric tests, ingested through the real `ingest.ingest`, and a lookup into the result."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from industry_metrics import ingest, metrics
from industry_metrics.store import Store

DEBTOR = "d" * 64
NUMBER = "e" * 64

COLUMNS = {
    "cases": dict(case_ref="C1", debtor_ref=DEBTOR, creditor_ref="CR1", product="cash_loan", region_code="320481",
                  timezone="", placed_on="2026-09-01", dpd_at_placement="30", amount_placed="1000.00",
                  fee_model="percentage", vulnerable="false", hold_from="", hold_to="", status="active", closed_on=""),
    "payments": dict(payment_ref="P1", case_ref="C1", paid_on="2026-10-10", amount="100.00"),
    "contacts": dict(contact_ref="K1", case_ref="C1", contact_at="2026-10-05 10:00:00", channel="call",
                     direction="outbound", party="debtor", number_ref=NUMBER, connected="true", duration_s="",
                     consented_time="", debtor_unreachable="", disclosed_debt="", recorded="true",
                     collectors_present=""),
    "complaints": dict(complaint_ref="M1", case_ref="C1", received_on="2026-10-02", source="firm_direct",
                       category="other", outcome="pending", closed_on="", redress_amount=""),
    "qa_reviews": dict(review_ref="Q1", case_ref="C1", reviewed_on="2026-10-15", subject="call", finding="none"),
    "incidents": dict(incident_ref="I1", kind="loss", detected_at="2026-10-02 09:00:00", reported_at="",
                      records_affected="0"),
}


def row(table: str, **values) -> dict[str, str]:
    """One template row: the defaults above with the given columns changed."""
    unknown = set(values) - set(COLUMNS[table])
    assert not unknown, f"{table} has no column {unknown}"
    return {**COLUMNS[table], **{k: str(v) for k, v in values.items()}}


def cases(n: int, **values) -> list[dict[str, str]]:
    """n cases C1..Cn with the same attributes."""
    return [row("cases", case_ref=f"C{i}", **values) for i in range(1, n + 1)]


def submit(data_dir: Path, firm: str, period: str, **tables: list[dict[str, str]]) -> dict:
    """Write the tables as CSV and ingest them (warnings confirmed); fails the test on a rejection."""
    folder = data_dir / "inbox" / f"{firm}_{period}_{len(list((data_dir / 'inbox').glob('*'))) if (data_dir / 'inbox').exists() else 0}"
    folder.mkdir(parents=True)
    files = []
    for name, rows in tables.items():
        if rows:
            path = folder / f"{name}.csv"
            with open(path, "w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
            files.append(path)
    result = ingest.ingest(data_dir, firm, period, files, confirm=True)
    assert result.status == "accepted", result.report
    return result.record


def compute(data_dir: Path, pack: str = "cn", params: dict | None = None, periods: list[str] | None = None,
            metric_ids=None) -> pl.DataFrame:
    return metrics.compute(Store(data_dir).snapshot(), pack, params, periods=periods, metric_ids=metric_ids)


def get(table: pl.DataFrame, firm: str, period: str, metric: str, dim: str = "") -> tuple:
    """(numerator, denominator, value) of one row; fails when the row is missing or repeated."""
    found = table.filter((pl.col("firm_id") == firm) & (pl.col("period") == period)
                         & (pl.col("metric_id") == metric) & (pl.col("dim") == dim))
    assert found.height == 1, f"{firm} {period} {metric} {dim!r}: {found.height} rows"
    return tuple(found.row(0)[6:9])
