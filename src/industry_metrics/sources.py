"""Read submission files (CSV in UTF-8 / UTF-8-BOM / GB18030, Parquet, XLSX) into all-text DuckDB tables.

Every value arrives as trimmed text (empty -> NULL) with a 1-based `row_no`, so that the
checks see exactly what the firm wrote. Files are checked against safety limits before any
parser sees them: the size, the line length, an XLSX's unpacked size, a Parquet's schema.
"""

from __future__ import annotations

import codecs
import datetime as dt
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
    carried = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            parts = block.split(b"\n")
            if len(parts) == 1:
                carried += len(block)
            else:
                carried = max(carried + len(parts[0]), max(len(p) for p in parts[1:-1]) if len(parts) > 2 else 0)
                if carried > limits.max_line_bytes:
                    break
                carried = len(parts[-1])
            if carried > limits.max_line_bytes:
                break
    if carried > limits.max_line_bytes:
        raise SourceError("F07", f"a line is longer than {limits.max_line_bytes:,} bytes")


def _transcode_to_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    out = workdir / (path.stem + ".utf8.csv")
    with open(path, "r", encoding=encoding, newline="") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        for block in iter(lambda: src.read(1 << 22), ""):
            dst.write(block)
    return out


def _register_text_table(con: duckdb.DuckDBPyConnection, raw_name: str, relation: duckdb.DuckDBPyRelation) -> list[str]:
    columns = relation.columns
    con.register("_incoming", relation)
    selects = ", ".join(f'NULLIF(trim(CAST("{_q(c)}" AS VARCHAR)), \'\') AS "{_q(c)}"' for c in columns)
    con.execute(f'CREATE OR REPLACE TEMP TABLE "{raw_name}" AS SELECT row_number() OVER () AS row_no, {selects} FROM _incoming')
    con.unregister("_incoming")
    return list(columns)


def _q(identifier: str) -> str:
    """Quote a column name that came from a file header: it is data, never SQL."""
    return identifier.replace('"', '""')


def load_csv(con: duckdb.DuckDBPyConnection, path: Path, raw_name: str, limits: Limits, workdir: Path) -> tuple[list[str], str]:
    encoding = detect_encoding(path)
    _check_line_length(path, limits)
    readable = path if encoding in ("utf-8", "utf-8-sig") else _transcode_to_utf8(path, encoding, workdir)
    try:
        relation = con.read_csv(
            str(readable), header=True, all_varchar=True, sep=",", quotechar='"', escapechar='"',
            max_line_size=limits.max_line_bytes + 1, strict_mode=True, null_padding=False,
        )
        columns = _register_text_table(con, raw_name, relation)
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
        if pa.types.is_nested(fld.type) or pa.types.is_binary(fld.type) or pa.types.is_large_binary(fld.type):
            raise SourceError("F01", f"column {fld.name!r} has type {fld.type}; only flat text, number, date and boolean columns are accepted")
    try:
        return _register_text_table(con, raw_name, con.read_parquet(str(path)))
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
    table = pa.Table.from_arrays(arrays, names=header) if header else pa.table({})
    return _register_text_table(con, raw_name, con.from_arrow(table))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def temp_workdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="im-ingest-")
