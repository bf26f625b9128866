"""Open a snapshot for reading: one DuckDB view per template table over its immutable Parquet files."""

from __future__ import annotations

from typing import Iterable

import duckdb

from . import contract
from .store import Snapshot


def empty_table_sql(name: str, *, with_row_no: bool = False) -> str:
    """A typed, empty table of the stored schema; identifiers come from the contract only."""
    cols = ", ".join(f'"{col}" {typ}' for col, typ in [("row_no", "BIGINT")] * with_row_no + contract.stored_schema(name))
    return f'CREATE OR REPLACE TEMP TABLE "{name}" ({cols})'


def connect(snapshot: Snapshot, con: duckdb.DuckDBPyConnection | None = None, *, threads: int | None = None,
            firm_id: str | None = None, months: Iterable[str] | None = None) -> duckdb.DuckDBPyConnection:
    """A connection whose views cases, payments, contacts, ... read exactly this snapshot.

    firm_id / months narrow the views to those submissions' files: a query that reads one firm or
    one month then opens a handful of files instead of every firm-month's (each costs a footer read).
    """
    con = con or duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    months = None if months is None else list(months)
    for name in contract.TABLE_NAMES:
        files = [str(p) for p in snapshot.files(name, firm_id, months)]
        if files:
            con.read_parquet(files).create_view(name, replace=True)
        else:
            con.execute(empty_table_sql(name))
    return con
