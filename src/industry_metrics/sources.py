"""Read submission files (CSV in UTF-8 / UTF-8-BOM / GB18030, Parquet, XLSX) into all-text DuckDB tables.

Every value arrives as trimmed text (empty -> NULL) with a 1-based `row_no`, so that the
checks see exactly what the firm wrote. Files are checked against safety limits before any
parser sees them: the size, the line length, an XLSX's unpacked size, a Parquet's schema.
"""

from __future__ import annotations

import codecs
import datetime as dt
import mmap
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from . import contract


@dataclass(frozen=True)
class Limits:
    """Safety limits for every file a submitter sends (the app may set tighter ones)."""

    max_file_bytes: int = 4 << 30
    max_line_bytes: int = 1 << 20
    max_columns: int = 64
    max_xlsx_unpacked_bytes: int = 2 << 30
    max_xlsx_ratio: int = 200  # an XLSX entry unpacking to more than 200x its packed size is a bomb


class SourceError(Exception):
    """A file that cannot be read; carries the rule id (F01 unreadable, F07 over a limit)."""

    def __init__(self, rule: str, detail: str):
        super().__init__(detail)
        self.rule = rule
        self.detail = detail


@dataclass
class LoadedTable:
    table: str
    file: str
    format: str
    encoding: str
    rows: int
    columns: list[str] = field(default_factory=list)


def table_for(stem: str) -> str | None:
    """The template table a file or sheet name stands for: `contacts`, `F001_2026-10_contacts`, ..."""
    lowered = stem.strip().lower()
    for name in sorted(contract.TABLE_NAMES, key=len, reverse=True):
        if lowered == name or re.search(rf"(^|[_\-. ]){re.escape(name)}$", lowered):
            return name
    return None


def detect_encoding(path: Path) -> str:
    """utf-8-sig when a BOM opens the file, utf-8 when all of it decodes, else gb18030 (a GBK superset)."""
    with open(path, "rb") as handle:
        head = handle.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for block in iter(lambda: handle.read(1 << 22), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        with open(path, "rb") as handle:
            decoder = codecs.getincrementaldecoder("gb18030")()
            for block in iter(lambda: handle.read(1 << 22), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise SourceError("F01", f"not UTF-8 and not GB18030/GBK text (byte {exc.start})") from None
    return "gb18030"


def _check_line_length(path: Path, limits: Limits) -> None:
    """Refuse a line longer than the limit before DuckDB buffers it (a 100 MB line is an attack).

    Jumps from line start to the last newline within limit+1 bytes: a few C-speed rfind calls
    per limit's worth of file instead of a Python object per line.
    """
    size = path.stat().st_size
    if size <= limits.max_line_bytes:
        return
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        start = 0  # always the first byte of a line
        while size - start > limits.max_line_bytes:
            newline = data.rfind(b"\n", start, start + limits.max_line_bytes + 1)
            if newline < 0:
                raise SourceError("F07", f"a line is longer than {limits.max_line_bytes:,} bytes")
            start = newline + 1


def _check_is_text(path: Path) -> None:
    """A .csv must be text: refuse an empty file, and Parquet, zip (XLSX) or other binary content."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    if not head.strip():
        raise SourceError("F01", "the file is empty (no header row)")
    if head.startswith(b"PAR1"):
        raise SourceError("F01", "this is a Parquet file, not a CSV text file; name it .parquet")
    if head.startswith(b"PK\x03\x04"):
        raise SourceError("F01", "this is a zip archive (an XLSX workbook?), not a CSV text file")
    if b"\x00" in head:
        raise SourceError("F01", "this is a binary file, not a CSV text file")


def _transcode_to_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    out = workdir / (path.stem + ".utf8.csv")
    with open(path, "r", encoding=encoding, newline="") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        for block in iter(lambda: src.read(1 << 22), ""):
            dst.write(block)
    return out


def _register_text_table(con: duckdb.DuckDBPyConnection, raw_name: str, source: str, params: dict | None = None) -> list[str]:
    """Create the view `raw_name` over a table-function call: row_no in file order, every value trimmed text or NULL.

    row_no is the stored table's rowid + 1: DuckDB appends a parallel scan in file order
    (preserve_insertion_order), which tests/test_sources.py checks on a 200k-row file; it
    costs nothing, where row_number() OVER () took half as long again as the read itself.
    """
    columns = con.sql(f"SELECT * FROM {source} LIMIT 0", params=params).columns
    names = [c.strip() for c in columns]
    if "row_no" in names:
        raise SourceError("F01", "the header has a column named row_no, which is not in the template")
    selects = ", ".join(f'NULLIF(trim(CAST("{_q(c)}" AS VARCHAR)), \'\') AS "{_q(n)}"' for c, n in zip(columns, names))
    con.execute(f'CREATE OR REPLACE TEMP TABLE "{raw_name}_data" AS SELECT {selects} FROM {source}', params)
    con.execute(f'CREATE OR REPLACE TEMP VIEW "{raw_name}" AS SELECT rowid + 1 AS row_no, * FROM "{raw_name}_data"')
    return names


def drop_text_table(con: duckdb.DuckDBPyConnection, raw_name: str) -> None:
    """Free the memory of a text table once its typed copy exists (it is the largest thing held)."""
    con.execute(f'DROP VIEW IF EXISTS "{raw_name}"')
    con.execute(f'DROP TABLE IF EXISTS "{raw_name}_data"')


def _q(identifier: str) -> str:
    """Quote a column name that came from a file header: it is data, never SQL."""
    return identifier.replace('"', '""')


# strict_mode through the Python read_csv() silently returned no rows for CRLF files
# (DuckDB 2.0.1), so the CSV is read through SQL with the path bound as a parameter.
CSV_SOURCE = (
    "read_csv($path, header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', "
    "strict_mode = true, null_padding = false, max_line_size = $max_line)"
)


def load_csv(con: duckdb.DuckDBPyConnection, path: Path, raw_name: str, limits: Limits, workdir: Path) -> tuple[list[str], str]:
    _check_is_text(path)
    encoding = detect_encoding(path)
    _check_line_length(path, limits)
    readable = path if encoding in ("utf-8", "utf-8-sig") else _transcode_to_utf8(path, encoding, workdir)
    try:
        columns = _register_text_table(con, raw_name, CSV_SOURCE, {"path": str(readable), "max_line": limits.max_line_bytes + 1})
    except duckdb.Error as exc:
        raise SourceError("F01", _first_line(exc)) from None
    return columns, encoding


def load_parquet(con: duckdb.DuckDBPyConnection, path: Path, raw_name: str, limits: Limits) -> list[str]:
    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt footer
        raise SourceError("F01", f"not a readable Parquet file ({_first_line(exc)})") from None
    if len(schema) > limits.max_columns:
        raise SourceError("F07", f"{len(schema)} columns; at most {limits.max_columns}")
    for fld in schema:
        if pa.types.is_nested(fld.type) or pa.types.is_binary(fld.type) or pa.types.is_large_binary(fld.type) or pa.types.is_fixed_size_binary(fld.type):
            raise SourceError("F01", f"column {fld.name!r} has type {fld.type}; only flat text, number, date and boolean columns are accepted")
    try:
        return _register_text_table(con, raw_name, "read_parquet($path)", {"path": str(path)})
    except duckdb.Error as exc:
        raise SourceError("F01", _first_line(exc)) from None


def check_xlsx_safe(path: Path, limits: Limits) -> None:
    """Refuse zip bombs before openpyxl unpacks anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                if info.compress_size and info.file_size / info.compress_size > limits.max_xlsx_ratio and info.file_size > (8 << 20):
                    raise SourceError("F07", f"part {info.filename} unpacks {info.file_size / info.compress_size:,.0f}x its size (a zip bomb?)")
            if total > limits.max_xlsx_unpacked_bytes:
                raise SourceError("F07", f"unpacks to {total:,} bytes; at most {limits.max_xlsx_unpacked_bytes:,}")
    except zipfile.BadZipFile:
        raise SourceError("F01", "not a readable XLSX workbook (not a zip archive)") from None


def xlsx_sheets(path: Path, limits: Limits) -> dict[str, list[list[object]]]:
    """Every sheet of a workbook as rows of cell values (header row first)."""
    import openpyxl  # imported here: only XLSX submissions pay for it

    check_xlsx_safe(path, limits)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt workbook
        raise SourceError("F01", f"not a readable XLSX workbook ({_first_line(exc)})") from None
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


def cell_text(value: object) -> str | None:
    """An XLSX cell as the text a person sees: dates ISO, whole numbers without .0, booleans true/false."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def load_sheet(con: duckdb.DuckDBPyConnection, rows: list[list[object]], raw_name: str, limits: Limits) -> list[str]:
    if not rows:
        raise SourceError("F01", "the sheet is empty (no header row)")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    if len(header) > limits.max_columns:
        raise SourceError("F07", f"{len(header)} columns; at most {limits.max_columns}")
    body = [r for r in rows[1:] if any(v is not None and str(v).strip() != "" for v in r)]
    arrays = [pa.array([cell_text(r[i]) if i < len(r) else None for r in body], type=pa.string()) for i in range(len(header))]
    if not header:
        raise SourceError("F01", "the sheet has no header row")
    con.register("_sheet", pa.Table.from_arrays(arrays, names=header))
    try:
        return _register_text_table(con, raw_name, "_sheet")
    finally:
        con.unregister("_sheet")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def temp_workdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="im-ingest-")
