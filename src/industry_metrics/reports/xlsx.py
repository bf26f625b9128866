"""The XLSX of a pack: a summary sheet, then one sheet per section; numbers stay numbers.

Each sheet has its header words in row 1 (frozen), values typed and formatted by the section's
formats (per row where a column mixes units), code columns shown in words, and every suppressed
cell holding its reason's words with a grey fill and a comment, never a number. The file is made
byte-reproducible: fixed document dates and fixed timestamps inside the zip.
"""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .. import i18n
from .model import Pack, Section

NUMBER_FORMATS = {"pct": "0.0%", "rate": "#,##0.00", "int": "#,##0", "money": "#,##0.00", "num": "#,##0.00##", "text": "@"}
SUPPRESSED_FILL = PatternFill("solid", fgColor="DDDDDD")
HEADER_FONT = Font(bold=True)
FIXED_TIME = datetime(2000, 1, 1)  # document dates are not part of the content: fixed, so two runs give the same bytes
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def write_xlsx(pack: Pack, path: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    _summary_sheet(book, pack)
    used: set[str] = {"summary"}
    for section in (*pack.sections, *pack.data_tables):
        _section_sheet(book, section, _sheet_name(section, used), pack.lang)
    book.properties.creator = "industry-metrics"
    book.properties.created = FIXED_TIME
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    _normalise(path)
    return path


def _sheet_name(section: Section, used: set[str]) -> str:
    """The section's title, cut to Excel's 31 characters and cleaned; its id where the title is taken."""
    name = BAD_SHEET_CHARS.sub(" ", section.title)[:31].strip() or section.id[:31]
    if name.lower() in used:
        name = section.id[:31]
    used.add(name.lower())
    return name


def _summary_sheet(book: Workbook, pack: Pack) -> None:
    sheet = book.create_sheet(i18n.t("report.xlsx.summary", pack.lang)[:31])
    sheet.append([pack.title])
    sheet["A1"].font = Font(bold=True, size=14)
    for paragraph in pack.summary:
        sheet.append([paragraph])
    sheet.column_dimensions["A"].width = 120
    for row in sheet.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _section_sheet(book: Workbook, section: Section, name: str, lang: str) -> None:
    sheet = book.create_sheet(name)
    columns = section.frame.columns
    sheet.append([section.headers.get(c, c) for c in columns])
    for cell in sheet[1]:
        cell.font = HEADER_FONT
    sheet.freeze_panes = "A2"
    reasons = section.labels.get("suppressed", {})
    for r, row in enumerate(section.frame.iter_rows(named=True), start=2):
        hidden = row.get("suppressed") if "suppressed" in row else None
        for c, column in enumerate(columns, start=1):
            cell = sheet.cell(row=r, column=c)
            value = row[column]
            if hidden and column in section.suppressed_columns:
                words = reasons.get(hidden, hidden)
                cell.value = words
                cell.fill = SUPPRESSED_FILL
                cell.comment = Comment(i18n.t("report.xlsx.suppressed_comment", lang, reason=words), "industry-metrics")
                continue
            kind = row.get(section.row_formats[column]) if column in section.row_formats else section.formats.get(column, "text")
            if column in section.labels and value is not None:
                value = section.labels[column].get(value, value)
            elif isinstance(value, bool):
                value = i18n.t(f"report.xlsx.{'yes' if value else 'no'}", lang)
            cell.value = value
            if isinstance(value, (int, float)):
                cell.number_format = NUMBER_FORMATS.get(kind or "num", NUMBER_FORMATS["num"])
    for c, column in enumerate(columns, start=1):
        longest = max([len(str(section.headers.get(column, column)))] + [len(str(v)) for v in section.frame[column].head(200).to_list()])
        sheet.column_dimensions[get_column_letter(c)].width = min(60, max(8, longest + 2))
    notes = [section.intro] if section.intro else []
    notes += list(section.notes)
    if notes:
        start = sheet.max_row + 2
        for i, note in enumerate(notes):
            sheet.cell(row=start + i, column=1, value=note).font = Font(italic=True)


def _normalise(path: Path) -> None:
    """Rewrite the zip with fixed entry times and the core properties' dates fixed (openpyxl stamps 'now')."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, data)
    tmp.replace(path)
