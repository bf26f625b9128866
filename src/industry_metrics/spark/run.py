"""Run the staging and metric query files on Spark over a snapshot's own Parquet files.

The same views as reader.connect + metrics.prepare give DuckDB: one temp view per template table over
Snapshot.files(table), target_periods / target_months, then stg_* from the translated staging queries.
Each family's result is collected through Arrow into Polars; metrics.compute does the rest, as for DuckDB.
"""

from __future__ import annotations

import polars as pl

from .. import contract, metrics
from ..store import Snapshot
from . import session, translate

# DuckDB type names of contract.stored_schema -> Spark DDL (only for a table with no file in the snapshot)
SPARK_TYPES = {"VARCHAR": "STRING", "BIGINT": "BIGINT", "DECIMAL(18,2)": "DECIMAL(18,2)", "DATE": "DATE",
               "TIMESTAMP": "TIMESTAMP_NTZ", "BOOLEAN": "BOOLEAN", "DOUBLE": "DOUBLE"}


def _ddl(name: str) -> str:
    return ", ".join(f"`{col}` {SPARK_TYPES[typ]}" for col, typ in contract.stored_schema(name))


def register_store(spark, snapshot: Snapshot) -> None:
    """cases, payments, contacts, ...: views over exactly this snapshot's files (as reader.connect does)."""
    for name in contract.TABLE_NAMES:
        files = [session.file_uri(p, snapshot.root) for p in snapshot.files(name)]
        frame = spark.read.parquet(*files) if files else spark.createDataFrame([], _ddl(name))
        frame.createOrReplaceTempView(name)


def _register_polars(spark, name: str, frame: pl.DataFrame) -> None:
    spark.createDataFrame(frame.to_arrow()).createOrReplaceTempView(name)


def sql(spark, name: str, params: dict | None = None):
    """A Spark DataFrame of one query file, its $params bound as named parameter markers."""
    text, names = translate.query(name)
    given = params or {}
    missing = [p for p in names if p not in given]
    if missing:
        raise KeyError(f"query {name} needs parameters {missing}")
    return spark.sql(text, args={p: given[p] for p in names} or None)


def prepare(spark, snapshot: Snapshot, period_names: list[str], resolved: dict) -> tuple[list, list]:
    """Register the store, the target periods and the staging views; returns the targets and what to unpersist."""
    register_store(spark, snapshot)
    targets, tp, tm = metrics.target_frames(period_names)
    _register_polars(spark, "target_periods", tp)
    _register_polars(spark, "target_months", tm)
    cached = []
    for name in metrics.STAGING:
        frame = sql(spark, f"staging/{name}", resolved)
        if name not in metrics.STAGING_VIEWS:  # DuckDB materialises these: each family reads them again
            frame = frame.persist()
            cached.append(frame)
        frame.createOrReplaceTempView(f"stg_{name}")
    return targets, cached


def query_rows(snapshot: Snapshot, name: str, params: dict | None = None) -> pl.DataFrame:
    """One query file's rows over the snapshot's files, on Spark (the refresh's event artifacts, e.g. first contacts)."""
    spark = session.get()
    register_store(spark, snapshot)
    return to_polars(sql(spark, name, params))


def to_polars(frame) -> pl.DataFrame:
    return pl.from_arrow(frame.toArrow())


def families(snapshot: Snapshot, period_names: list[str], resolved: dict,
             names: tuple[str, ...] = metrics.FAMILIES) -> tuple[list, list[pl.DataFrame], pl.DataFrame, pl.DataFrame]:
    """The targets, each metric family's rows (firm_id, period, grain, metric_id, dim, numerator, denominator),
    R4's per-firm Kaplan-Meier partials (stg_r4_times) and the contact counts per firm-month (stg_conduct_months),
    which refresh stores beside the table."""
    spark = session.get()
    targets, cached = prepare(spark, snapshot, period_names, resolved)
    try:
        given = metrics.family_params(resolved)  # one pass over every firm: ALL's pooled R4 curve is formed here
        parts = [to_polars(sql(spark, f"metrics/{family}", given)) for family in names]
        r4 = to_polars(spark.table("stg_r4_times"))
        counts = to_polars(spark.table("stg_conduct_months"))
    finally:
        for frame in cached:
            frame.unpersist()
    return targets, parts, r4, counts
