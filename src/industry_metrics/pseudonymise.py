"""Turn a firm's raw export into template files: keyed tokens for debtors and numbers, the rest dropped.

`debtor_ref` = hex HMAC-SHA256(key, "debtor:" + resident ID stripped and upper-cased);
`number_ref` = hex HMAC-SHA256(key, "number:" + digits of the number in international form).
Only the columns the mapping names are written; every other raw column (names, addresses,
the raw ID and phone numbers themselves) never reaches the output. The key is never logged.
The mapping format is documented in docs/pseudonymise.md.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import hmac
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import contract, sources

KEY_ENV = "INDUSTRY_METRICS_KEY"
MIN_KEY_BYTES = 16
TOKEN_COLUMNS = {"debtor_ref": "debtor", "number_ref": "number"}


class PseudonymiseError(Exception):
    """A bad mapping, key or raw file; the message names the file, row and column (never a value)."""


@dataclass(frozen=True)
class TableMapping:
    table: str
    file: str  # a file name or glob pattern matched against the raw files' names
    columns: dict[str, str]  # template column -> raw column


@dataclass(frozen=True)
class Mapping:
    tables: tuple[TableMapping, ...]
    country_code: str = "86"


@dataclass
class Result:
    outputs: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, list[str]] = field(default_factory=dict)  # raw column names left out, per table


# ---- tokens ------------------------------------------------------------------------------------
def token(key: bytes, kind: str, value: str) -> str:
    return hmac.new(key, f"{kind}:{value}".encode("utf-8"), hashlib.sha256).hexdigest()


def normalise_resident_id(raw: str) -> str:
    return re.sub(r"\s+", "", raw).upper()


def international_digits(raw: str, country_code: str = "86") -> str:
    """The digits of a phone number in international form: 138 0013 8000 and +86 138-0013-8000 -> 8613800138000.

    A leading + or 00 means the number already carries its country code; otherwise a
    national trunk 0 is dropped (010-1234 5678 -> 861012345678) and the country code added.
    """
    text = raw.strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith(country_code) and len(digits) == len(country_code) + 11:
        return digits  # 8613800138000 written without the +
    return country_code + digits.lstrip("0")


# ---- mapping and key ---------------------------------------------------------------------------
def load_mapping(path: Path) -> Mapping:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PseudonymiseError(f"{path}: cannot read the mapping ({exc})") from None
    unknown = set(data) - {"tables", "country_code"}
    if unknown:
        raise PseudonymiseError(f"{path}: unknown keys {sorted(unknown)}; use [tables.<table>] and country_code")
    tables = []
    for name, spec in (data.get("tables") or {}).items():
        if name not in contract.TABLE_NAMES:
            raise PseudonymiseError(f"{path}: [tables.{name}] is not a template table ({', '.join(contract.TABLE_NAMES)})")
        if set(spec) - {"file", "columns"} or "file" not in spec or not spec.get("columns"):
            raise PseudonymiseError(f"{path}: [tables.{name}] needs file = \"...\" and a [tables.{name}.columns] table, nothing else")
        for column, raw in spec["columns"].items():
            if column not in contract.table(name).column_names:
                raise PseudonymiseError(f"{path}: [tables.{name}.columns] {column} is not a column of {name}")
            if not isinstance(raw, str):
                raise PseudonymiseError(f"{path}: [tables.{name}.columns] {column} must name a raw column")
        tables.append(TableMapping(name, spec["file"], dict(spec["columns"])))
    if not tables:
        raise PseudonymiseError(f"{path}: no [tables.<table>] sections")
    return Mapping(tuple(tables), str(data.get("country_code", "86")))


def load_key(key_file: Path | None) -> bytes:
    """The association key from a file (trailing newline dropped) or $INDUSTRY_METRICS_KEY."""
    if key_file is not None:
        try:
            key = Path(key_file).read_bytes().rstrip(b"\r\n")
        except OSError as exc:
            raise PseudonymiseError(f"cannot read the key file {key_file}: {exc.strerror}") from None
    else:
        key = os.environ.get(KEY_ENV, "").encode("utf-8")
    if not key:
        raise PseudonymiseError(f"no key: give --key-file or set ${KEY_ENV}")
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymiseError(f"the key is shorter than {MIN_KEY_BYTES} bytes; use the association's key")
    return key


# ---- raw files --------------------------------------------------------------------------------
def read_raw(path: Path) -> tuple[list[str], list[list[str | None]]]:
    """Header and rows of a raw CSV (UTF-8, BOM or GBK) or the first sheet of an XLSX."""
    limits = sources.Limits()
    try:
        if path.suffix.lower() == ".xlsx":
            sheets = sources.xlsx_sheets(path, limits)
            rows = next(iter(sheets.values()), [])
            table = [[sources.cell_text(v) for v in r] for r in rows]
        else:
            with open(path, encoding=sources.detect_encoding(path), newline="") as handle:
                table = list(csv.reader(handle))
    except sources.SourceError as exc:
        raise PseudonymiseError(f"{path.name}: {exc.detail}") from None
    except (csv.Error, OSError) as exc:
        raise PseudonymiseError(f"{path.name}: cannot read it as CSV ({exc})") from None
    if not table:
        raise PseudonymiseError(f"{path.name}: the file is empty")
    header = [(h or "").strip() for h in table[0]]
    return header, table[1:]


def convert_file(path: Path, spec: TableMapping, key: bytes, country_code: str, out_dir: Path) -> tuple[Path, int, list[str]]:
    header, rows = read_raw(path)
    index = {}
    for column, raw in spec.columns.items():
        if raw not in header:
            raise PseudonymiseError(f"{path.name}: column {raw!r} (mapped to {spec.table}.{column}) is not in the file")
        index[column] = header.index(raw)
    out = out_dir / f"{spec.table}.csv"
    part = out.with_name(out.name + ".part")  # a failed run leaves no half-written template file
    count = 0
    with open(part, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(spec.columns))
        for row_no, row in enumerate(rows, start=1):
            if not any((v or "").strip() for v in row):
                continue  # blank line
            values = []
            for column, i in index.items():
                value = (row[i] if i < len(row) else None) or ""
                if column in TOKEN_COLUMNS and value.strip():
                    try:
                        value = _tokenise(key, column, value, country_code, path.name, row_no, spec.columns[column])
                    except PseudonymiseError:
                        part.unlink()
                        raise
                values.append(value.strip())
            writer.writerow(values)
            count += 1
    part.replace(out)
    dropped = [h for h in header if h not in spec.columns.values()]
    return out, count, dropped


def _tokenise(key: bytes, column: str, value: str, country_code: str, file: str, row_no: int, raw_column: str) -> str:
    if column == "debtor_ref":
        return token(key, "debtor", normalise_resident_id(value))
    number = international_digits(value, country_code)
    if len(number) < 7:
        raise PseudonymiseError(f"{file} row {row_no} column {raw_column}: not a phone number (fewer than 7 digits)")
    return token(key, "number", number)


def pseudonymise(mapping: Mapping, key: bytes, raw_files: list[Path], out_dir: Path) -> Result:
    """Write one template CSV per mapped table into out_dir; every raw file must match one table."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = Result()
    for path in map(Path, raw_files):
        matches = [t for t in mapping.tables if fnmatch.fnmatch(path.name, t.file)]
        if len(matches) != 1:
            names = ", ".join(t.table for t in matches) or "no table"
            raise PseudonymiseError(f"{path.name}: matches {names} in the mapping; each raw file must match exactly one [tables.<table>] file pattern")
        spec = matches[0]
        if spec.table in result.outputs:
            raise PseudonymiseError(f"{path.name}: a second file for {spec.table}")
        out, count, dropped = convert_file(path, spec, key, mapping.country_code, out_dir)
        result.outputs[spec.table], result.rows[spec.table], result.dropped[spec.table] = out, count, dropped
    return result
