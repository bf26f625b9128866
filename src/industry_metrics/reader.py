"""Open a snapshot for reading: one DuckDB view per template table over its immutable Parquet files."""

from __future__ import annotations

import duckdb

from . import contract
from .store import Snapshot


def empty_table_sql(name: str, *, with_row_no: bool = False) -> str:
    """A typed, empty table of the stored schema; identifiers come from the contract only."""
    cols = ", ".join(f'"{col}" {typ}' for col, typ in [("row_no", "BIGINT")] * with_row_no + contract.stored_schema(name))
    return f'CREATE OR REPLACE TEMP TABLE "{name}" ({cols})'


def connect(snapshot: Snapshot, con: duckdb.DuckDBPyConnection | None = None, *, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A connection whose views cases, payments, contacts, ... read exactly this snapshot."""
    con = con or duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    for name in contract.TABLE_NAMES:
        files = [str(p) for p in snapshot.files(name)]
        if files:
            con.read_parquet(files).create_view(name, replace=True)
        else:
            con.execute(empty_table_sql(name))
    return con
