"""The firm registry: the association's list of member firms (<data-dir>/firms.csv, edited by staff)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

FILE_NAME = "firms.csv"
SIZE_BANDS = ("small", "medium", "large")
FIRM_ID = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")


class RegistryError(ValueError):
    pass


@dataclass(frozen=True)
class Firm:
    firm_id: str
    name_zh: str
    name_en: str
    licence_no: str
    region_code: str
    size_band: str
    joined_on: date
    active: bool

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


COLUMNS = tuple(f.name for f in fields(Firm))


def path(data_dir: Path) -> Path:
    return Path(data_dir) / FILE_NAME


def load(data_dir: Path) -> dict[str, Firm]:
    """All firms by id; a malformed registry is an error naming the line and the column."""
    file = path(data_dir)
    if not file.exists():
        return {}
    firms: dict[str, Firm] = {}
    with open(file, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise RegistryError(f"{file}: missing columns {missing}")
        for line, row in enumerate(reader, start=2):
            firm = _parse(row, file, line)
            if firm.firm_id in firms:
                raise RegistryError(f"{file} line {line}: firm_id {firm.firm_id} appears twice")
            firms[firm.firm_id] = firm
    return firms


def _parse(row: dict, file: Path, line: int) -> Firm:
    def bad(column: str, rule: str) -> RegistryError:
        return RegistryError(f"{file} line {line}, column {column}: {rule}")

    if not FIRM_ID.match(row["firm_id"] or ""):
        raise bad("firm_id", "2-16 upper-case letters and digits, starting with a letter")
    if row["size_band"] not in SIZE_BANDS:
        raise bad("size_band", f"one of {', '.join(SIZE_BANDS)}")
    if row["active"] not in ("true", "false"):
        raise bad("active", "true or false")
    try:
        joined = date.fromisoformat(row["joined_on"])
    except ValueError:
        raise bad("joined_on", "a date YYYY-MM-DD") from None
    return Firm(row["firm_id"], row["name_zh"], row["name_en"], row["licence_no"], row["region_code"],
                row["size_band"], joined, row["active"] == "true")


def save(data_dir: Path, firms: list[Firm]) -> None:
    file = path(data_dir)
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for f in sorted(firms, key=lambda f: f.firm_id):
            writer.writerow([f.firm_id, f.name_zh, f.name_en, f.licence_no, f.region_code, f.size_band,
                             f.joined_on.isoformat(), "true" if f.active else "false"])
    tmp.replace(file)
