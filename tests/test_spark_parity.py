"""Spark in local mode and DuckDB give the same metric table from the same store files.

CI runs a reduced demo industry (8 firms, 2 months, 400 cases; one JVM start). The full check on the
shared test demo (30 firms, 3 months, conftest.DEMO_SIZE) runs with
    INDUSTRY_METRICS_SPARK_FULL=1 python3.11 -m pytest -q tests/test_spark_parity.py
Parity: the same (pack, firm_id, period, grain, metric_id, dim) keys; numerators and denominators equal
(money sums to 0.005), values to 1e-9 relative.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import polars as pl
import pytest

sys.path.insert(0, str(Path(__file__).parent / "queries"))
from metric_rows import cases, row, submit  # noqa: E402

from industry_metrics import metrics, refresh  # noqa: E402
from industry_metrics.store import Store  # noqa: E402

pytest.importorskip("pyspark")
if not shutil.which("java"):
    pytest.skip("Spark needs Java (scripts/install.sh installs Debian's JRE)", allow_module_level=True)

FULL = os.environ.get("INDUSTRY_METRICS_SPARK_FULL") == "1"
REDUCED = dict(firms=8, months=2, cases=400, seed=7, end_period="2026-10", fmt="mixed")
KEYS = ["pack", "firm_id", "period", "grain", "metric_id", "dim"]
MONEY = ("R1", "R2")  # sums of amounts: floating sums in another order may differ in the last bits


@pytest.fixture(scope="module")
def spark():
    from industry_metrics.spark import session

    session.configure("local[2]")
    os.environ.setdefault("INDUSTRY_METRICS_SPARK_SHUFFLE_PARTITIONS", "4")
    os.environ.setdefault("INDUSTRY_METRICS_SPARK_DRIVER_MEMORY", "1g")
    yield session.get()
    session.stop()
    session.configure(None)


@pytest.fixture(scope="module")
def industry(request, tmp_path_factory) -> Path:
    if FULL:
        data_dir, _ = request.getfixturevalue("small_demo")
        return data_dir
    from industry_metrics import demo

    data_dir = tmp_path_factory.mktemp("spark-demo")
    demo.build(data_dir, workers=1, **REDUCED)
    return data_dir


def assert_parity(duck: pl.DataFrame, spark: pl.DataFrame) -> None:
    assert duck.height == duck.select(KEYS).unique().height, "the DuckDB table repeats a key"
    assert spark.height == spark.select(KEYS).unique().height, "the Spark table repeats a key"
    joined = duck.join(spark, on=KEYS, how="full", suffix="_spark", nulls_equal=True, coalesce=False)
    only_duck = joined.filter(pl.col("firm_id_spark").is_null())
    only_spark = joined.filter(pl.col("firm_id").is_null())
    assert only_duck.height == 0 and only_spark.height == 0, (only_duck.head(5), only_spark.head(5))
    money = pl.col("metric_id").is_in(MONEY)
    for column in ("numerator", "denominator", "value"):
        a, b = pl.col(column), pl.col(f"{column}_spark")
        if column == "value":
            close = (a - b).abs() <= 1e-9 * pl.max_horizontal(a.abs(), b.abs())
        else:
            close = pl.when(money).then((a - b).abs() <= 0.005).otherwise(a == b)
        same = (a.is_null() & b.is_null()) | (a.is_not_null() & b.is_not_null() & close)
        differing = joined.filter(~same.fill_null(False))
        assert differing.height == 0, (column, differing.select(*KEYS[1:], column, f"{column}_spark").head(10))


def test_demo_industry_has_the_same_metric_table_on_spark(industry, spark):
    snapshot = Store(industry).snapshot()
    duck = metrics.compute(snapshot)
    on_spark = metrics.compute(snapshot, engine="spark")
    assert duck.height > 1000 and duck["metric_id"].n_unique() >= 25
    assert_parity(duck, on_spark)


def test_daylight_saving_local_times_and_instants_agree(data_dir, spark, tmp_path, monkeypatch):
    """A New York case: 12:30 UTC is 07:30 local (quiet) before the March change and 08:30 after it; 05:30 and
    06:30 UTC on 1 November are both 01:30 local (the hour repeats). V1 and V2 read the local time and the instant."""
    ny = dict(timezone="America/New_York", placed_on="2026-03-01")
    call = dict(case_ref="C1", connected="true")
    submit(data_dir, "FA", "2026-03", cases=cases(1, **ny), contacts=[
        row("contacts", contact_ref="K1", contact_at="2026-03-07 12:30:00+00:00", **call),
        row("contacts", contact_ref="K2", contact_at="2026-03-08 12:30:00+00:00", **call)])
    submit(data_dir, "FA", "2026-11", cases=cases(1, **ny), contacts=[
        row("contacts", contact_ref=f"K{i}", contact_at=f"2026-11-01 0{h}:30:00+00:00", **call)
        for i, h in enumerate((5, 6, 7, 8, 9), start=3)])
    snapshot = Store(data_dir).snapshot()
    duck = metrics.compute(snapshot)
    # Spark reads the store from a copy at a URI (as from object storage): the local Parquet files are gone
    mirror = tmp_path / "mirror"
    shutil.copytree(data_dir / "store", mirror)
    for stored in (data_dir / "store").rglob("*.parquet"):
        stored.unlink()
    monkeypatch.setenv("INDUSTRY_METRICS_SPARK_STORE_URI", mirror.as_uri())
    cat = refresh.full(data_dir, engine="spark")  # through the refresh, as `refresh --engine spark` runs it
    assert cat["engines"] == {p: "spark" for p in cat["parts"]}  # the catalog says which engine computed each period
    # the process stages' first-contact file comes from Spark as well (C1's first outbound contact: March)
    first = pl.read_parquet(refresh.pack_dir(data_dir, "cn") / cat["first_contact"]["FA"]["path"])
    assert first.rows() == [("FA", "C1", "2026-03")]
    on_spark = refresh.load(data_dir)
    assert_parity(duck, on_spark)

    def v(table, period, metric):
        found = table.filter(firm_id="FA", period=period, metric_id=metric, dim="")
        return tuple(found.select("numerator", "denominator").row(0))

    for table in (duck, on_spark):
        assert v(table, "2026-03", "V1") == (1.0, 2.0)  # 07:30 EST quiet, 08:30 EDT not
        # 01:30 EDT, 01:30 EST, 02:30, 03:30, 04:30 EST: all quiet, one local day, 5 connected calls: 2 over the cap of 3
        assert v(table, "2026-11", "V1") == (5.0, 5.0)
        assert v(table, "2026-11", "V2") == (2.0, 5.0)
