"""`metrics` prints the long metric table; `refresh` rebuilds the materialised one."""

from __future__ import annotations

import json
import sys

import click
import polars as pl
from tqdm import tqdm

from .. import judge, metrics, paths, periods, pipeline, refresh, standards
from ..store import Store
from .options import data_dir_option

PACKS = click.Choice(sorted(standards.load().packs))
OUT_COLUMNS = ["firm_id", "period", "metric_id", "dim", "numerator", "denominator", "value", "standard_id", "tier"]


def _bar(desc: str):
    bar = tqdm(total=100, desc=desc, unit="%", file=sys.stderr, disable=None)

    def progress(label: str, fraction: float) -> None:
        bar.set_description(label[:40])
        bar.update(round(fraction * 100) - bar.n)

    return bar, progress


@click.command("refresh")
@click.option("--full", "full_rebuild", is_flag=True,
              help="Recompute every period. The command always rebuilds in full; incremental refresh runs after each submission.")
@click.option("--pack", default="cn", show_default=True, type=PACKS, help="Standards pack whose parameters apply.")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True,
              help="Run the metric SQL on DuckDB in this process, or on Apache Spark over the same store files.")
@click.option("--spark-master", envvar="INDUSTRY_METRICS_SPARK_MASTER", default="local[2]", show_default=True,
              help="Spark master for --engine spark (local[N], spark://host:7077, yarn, k8s://...); "
                   "env INDUSTRY_METRICS_SPARK_MASTER.")
@click.option("--spark-store-uri", envvar="INDUSTRY_METRICS_SPARK_STORE_URI", default=None,
              help="Where Spark's executors read <data-dir>/store, when not at its local path: a copy on shared or object "
                   "storage (file:///mnt/..., s3a://bucket/..., abfss://...); env INDUSTRY_METRICS_SPARK_STORE_URI.")
@data_dir_option
def refresh_command(full_rebuild, pack, engine, spark_master, spark_store_uri, data_dir):
    """Materialise the metric table of the latest store snapshot under <data-dir>/metrics/<pack>."""
    bar, progress = _bar("refresh")
    root = paths.data_dir(data_dir)
    if engine == "spark":
        from ..spark import session
        session.configure(spark_master, spark_store_uri)
    cat = refresh.full(root, pack, pipeline.pack_params(root, pack), progress=progress, engine=engine,
                       metric_ids=pipeline.pack_metrics(root, pack))
    bar.close()
    click.echo(f"metrics for store snapshot {cat['store_snapshot']} ({pack}): {len(cat['recomputed'])} periods recomputed, "
               f"{len(cat['parts'])} in all ({engine})")


@click.command("metrics")
@click.option("--period", help="A month (2026-10), quarter (2026-Q4) or year (2026); default: all.")
@click.option("--firm", "firm_id", help="One firm's rows (or ALL for the industry); default: all.")
@click.option("--pack", default="cn", show_default=True, type=PACKS, help="Standards pack whose parameters apply.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "parquet"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write here instead of standard output (required for parquet).")
@data_dir_option
def metrics_command(period, firm_id, pack, fmt, out, data_dir):
    """Print the metric table of the latest snapshot with each row's standard and tier (materialised if up to date)."""
    root = paths.data_dir(data_dir)
    params = pipeline.pack_params(root, pack)
    if period:
        try:
            periods.parse(period)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--period") from None
    snapshot = Store(root).snapshot()
    wanted = pipeline.pack_metrics(root, pack)
    cat = refresh.catalog(root, pack, snapshot.id)
    if cat and cat["params"] == json.loads(json.dumps(metrics.resolve_params(params))) and cat.get("metrics") == wanted:
        table = refresh.load(root, pack, snapshot.id)
    else:
        table = metrics.compute(snapshot, pack, params, periods=[period] if period else None, metric_ids=wanted)
    if period:
        table = table.filter(pl.col("period") == period)
    if firm_id:
        table = table.filter(pl.col("firm_id") == firm_id)
    table = with_tiers(table, standards.load(root).pack(pack)).select(OUT_COLUMNS).sort("period", "firm_id", "metric_id", "dim")
    if fmt == "parquet":
        if not out:
            raise click.UsageError("--format parquet needs --out FILE")
        table.write_parquet(out)
        return
    text = table.write_csv() if fmt == "csv" else json.dumps(table.to_dicts(), ensure_ascii=False, indent=1)
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)


def with_tiers(table: pl.DataFrame, pack: standards.Pack) -> pl.DataFrame:
    """Each metric row with the standard that judges it in the period (if any) and its tier."""
    judged = judge.judge(table, pack).select("firm_id", "period", "metric_id", "dim", "standard_id", "tier")
    judged = judged.group_by("firm_id", "period", "metric_id", "dim").agg(
        pl.col("standard_id").sort().str.join(","), pl.col("tier").sort_by("standard_id").str.join(","))
    return table.join(judged, on=["firm_id", "period", "metric_id", "dim"], how="left")


commands = [metrics_command, refresh_command]
