"""The Spark session the metric queries run in: its master and the settings the SQL's meaning depends on.

Settings (environment; the `refresh --spark-master` option overrides the master):
    INDUSTRY_METRICS_SPARK_MASTER              local[2] (one machine, 2 cores); spark://host:7077, yarn, k8s://...
    INDUSTRY_METRICS_SPARK_DRIVER_MEMORY       2g
    INDUSTRY_METRICS_SPARK_SHUFFLE_PARTITIONS  8 (Spark's 200 is for clusters; raise it with the cluster's cores)
    INDUSTRY_METRICS_SPARK_STORE_URI           where the executors read <data-dir>/store (default: its local path), e.g.
                                               s3a://bucket/industry/store for a copy on object storage, kept in step
                                               with the local store (its files are immutable: copying new ones suffices)
"""

from __future__ import annotations

import os
from pathlib import Path

MASTER_ENV = "INDUSTRY_METRICS_SPARK_MASTER"
STORE_URI_ENV = "INDUSTRY_METRICS_SPARK_STORE_URI"
DEFAULT_MASTER = "local[2]"
_master: str | None = None
_store_uri: str | None = None

# settings the translated SQL relies on, whatever the master
SEMANTICS = {
    # timestamps are compared and cast in UTC: the stored contact_at is the debtor's wall-clock time
    # (Parquet TIMESTAMP without zone, read as TIMESTAMP_NTZ) and *_utc the instant; nothing may shift them
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
    # cast(... as time) for local_time and the quiet windows (translate.py keeps TIME)
    "spark.sql.timeType.enabled": "true",
    # errors, not NULLs, on overflow and bad casts, as in DuckDB
    "spark.sql.ansi.enabled": "true",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def configure(master: str | None, store_uri: str | None = None) -> None:
    """Use this master for sessions started from now on (None: the environment, then local[2]) and read the store's files
    under store_uri (None: the environment, then their local paths)."""
    global _master, _store_uri
    _master = master
    _store_uri = store_uri


def store_uri() -> str | None:
    return _store_uri or os.environ.get(STORE_URI_ENV) or None


def file_uri(path: Path, store_root: Path) -> str:
    """Where Spark reads a stored file: its local path, or the same relative path under the store URI."""
    base = store_uri()
    if not base:
        return str(path)
    return base.rstrip("/") + "/" + Path(path).relative_to(store_root).as_posix()


def master() -> str:
    return _master or os.environ.get(MASTER_ENV) or DEFAULT_MASTER


def get():
    """The active session, started on first use (pyspark is imported only here: the DuckDB path never needs it)."""
    from pyspark.sql import SparkSession

    builder = (SparkSession.builder.master(master()).appName("industry-metrics")
               .config("spark.driver.memory", os.environ.get("INDUSTRY_METRICS_SPARK_DRIVER_MEMORY", "2g"))
               .config("spark.sql.shuffle.partitions", os.environ.get("INDUSTRY_METRICS_SPARK_SHUFFLE_PARTITIONS", "8"))
               .config("spark.ui.enabled", "false"))
    for key, value in SEMANTICS.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    for key, value in SEMANTICS.items():  # a session started elsewhere in the process gets them too
        spark.conf.set(key, value)
    return spark


def stop() -> None:
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()
