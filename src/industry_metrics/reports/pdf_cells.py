"""What each printed table cell says, and which columns a printed table has.

The Section carries everything the words need: `formats` (or `row_formats`, where one column
mixes units), `labels` (codes to words), `suppressed_columns` and the row's `suppressed` reason.
This module turns a Section into rows of (text, hidden) pairs; pdf.py only lays them out.

Print is for reading; the XLSX/CSV/Parquet files hold every column for analysis. So a
printed table leaves out: the helper columns (a row's unit kind, the reason column whose words
are already in the hidden cells), the analysis columns (numerators, denominators, interval
bounds), columns with nothing in them, and a few columns that would repeat on every row of a
long table (PRINT_OMIT).
"""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime
from typing import Callable

import polars as pl

from .. import i18n, judge
from .model import Section

SUPPRESSED_COLUMN = "suppressed"  # see model.Section: the reason code of a row's hidden cells
ANALYSIS_COLUMNS = frozenset({"numerator", "denominator", "ci_low", "ci_high"})
# per section id: columns shown elsewhere in the pack (the standards' titles and thresholds sit
# in the industry table and the methodology appendix) that would otherwise repeat on every row
PRINT_OMIT = {"firm_values": frozenset({"title", "meets", "watch", "direction"})}
MIN_COL_CHARS, MAX_COL_CHARS = 5, 34  # column width bounds, in Latin character widths
HEADER_COL_CHARS, HIDDEN_COL_CHARS = 12, 12  # how much a header / a hidden reason may widen a column
SHORT_COL_CHARS = 12  # codes, dates, numbers: kept whole when a wide table has to give up room

Cell = tuple[str, bool]  # (text, hidden by the disclosure rules)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(value: object, fmt: str | None, lang: str, scale: float | None = None) -> str:
    """One value's text in a model.Format; a rate with a known scale says per 1,000 / 10,000 in words."""
    if _is_missing(value):
        return "–"
    if isinstance(value, bool):
        return i18n.t(f"report_pdf.{'yes' if value else 'no'}", lang)
    if fmt == "pct":
        return i18n.fmt_percent(float(value), lang, 1)
    if fmt == "rate":
        if scale in i18n.RATE_KEYS:
            return i18n.fmt_rate(float(value), scale, lang)
        return i18n.fmt_number(float(value), lang, 1)  # the column header names the unit
    if fmt == "int":
        return i18n.fmt_number(float(value), lang, 0)
    if fmt in ("money", "num"):
        return i18n.fmt_number(float(value), lang, 2)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def reason_words(section: Section, code: str, lang: str) -> str:
    """A disclosure reason in words: the section's label, the catalog's, or the code itself (never blank)."""
    labelled = section.labels.get(SUPPRESSED_COLUMN, {}).get(code)
    if labelled:
        return labelled
    return i18n.t(f"reason.{code}", lang) if i18n.has(f"reason.{code}", lang) else code


def _has_content(series: pl.Series) -> bool:
    if series.dtype == pl.String:
        return bool(series.drop_nulls().str.strip_chars().ne("").any())
    return series.null_count() < len(series)


def printed_columns(section: Section) -> list[str]:
    """The columns a printed table shows, in the section's order (see the module's docstring)."""
    omit = {SUPPRESSED_COLUMN, *ANALYSIS_COLUMNS, *section.row_formats.values(), *PRINT_OMIT.get(section.id, ())}
    named = [c for c in section.frame.columns if not section.headers or c in section.headers]
    shown: list[str] = []
    for c in named:
        if c in omit or not (c in section.suppressed_columns or _has_content(section.frame[c])):
            continue
        if section.frame[c].dtype == pl.String and any(section.frame[c].equals(section.frame[s]) for s in shown):
            continue  # words that repeat another column: a coded firm's "name" is its code again
        shown.append(c)
    return shown


def _is_hidden(section: Section, column: str, value: object, reason: object) -> bool:
    """A cell the disclosure rules withheld: a listed suppressed column (else any empty cell) of a row with a reason."""
    if not reason:
        return False
    return column in section.suppressed_columns if section.suppressed_columns else _is_missing(value)


def _cell(section: Section, column: str, record: dict, lang: str) -> str:
    value = record[column]
    if column in section.labels and isinstance(value, str):
        return section.labels[column].get(value, value)
    carrier = section.row_formats.get(column)
    fmt = record.get(carrier) if carrier else section.formats.get(column, "text")
    scale = judge.scale_of(record["metric_id"], record.get("dim") or "") if record.get("metric_id") else None
    return format_value(value, fmt or section.formats.get(column, "num"), lang, scale)


def table_rows(section: Section, columns: list[str], lang: str) -> list[list[Cell]]:
    """Each row's printed cells; a hidden cell says why it is hidden, never a number."""
    rows = []
    for record in section.frame.iter_rows(named=True):
        reason = record.get(SUPPRESSED_COLUMN)
        rows.append([
            (i18n.t("report_pdf.hidden", lang, reason=reason_words(section, str(reason), lang)), True)
            if _is_hidden(section, column, record[column], reason) else (_cell(section, column, record, lang), False)
            for column in columns
        ])
    return rows


def display_width(text: str) -> int:
    """Width in Latin character units: a CJK character is about two Latin ones wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_weights(headers: list[str], rows: list[list[Cell]],
                   measure: Callable[[str], float] = display_width,
                   measure_header: Callable[[str], float] | None = None) -> list[float]:
    """Relative column widths from the longest cell, in Latin character units (`measure`).

    A header wraps between its words, never inside one, and only a long header wraps at all;
    a hidden cell's reason wraps rather than widening a column of numbers.
    """
    measure_header = measure_header or measure
    weights = []
    for i, header in enumerate(headers):
        cells = [min(measure(row[i][0]), HIDDEN_COL_CHARS) if row[i][1] else measure(row[i][0]) for row in rows]
        longest_word = max((measure_header(word) for word in header.split()), default=0)
        heading = max(min(measure_header(header), HEADER_COL_CHARS), min(longest_word, MAX_COL_CHARS))
        weights.append(float(min(max(max(cells, default=0), heading, MIN_COL_CHARS), MAX_COL_CHARS)))
    return weights


def spans(cells: list[Cell]) -> list[tuple[str, bool, int]]:
    """A row's cells with neighbouring hidden cells of the same reason merged: (text, hidden, columns spanned).

    A row withheld in five columns then says why once, across them, instead of five times."""
    merged: list[tuple[str, bool, int]] = []
    for text, hidden in cells:
        if hidden and merged and merged[-1][1] and merged[-1][0] == text:
            merged[-1] = (text, True, merged[-1][2] + 1)
        else:
            merged.append((text, hidden, 1))
    return merged


def fit(weights: list[float], room: float, padding: float = 0.0) -> list[float]:
    """Column widths, in character units, that fill `room`, each holding its text plus `padding`.

    When a table is too wide, only its wide columns (titles, sources) give up room, so codes,
    dates and numbers never wrap; when it is narrow, every column grows alike."""
    text_room = room - padding * len(weights)
    if sum(weights) <= text_room:
        return [w * text_room / sum(weights) + padding for w in weights]
    short = sum(w for w in weights if w <= SHORT_COL_CHARS)
    wide = sum(w for w in weights if w > SHORT_COL_CHARS)
    if not wide or text_room <= short:
        return [w * text_room / sum(weights) + padding for w in weights]  # nothing can give: shrink all alike
    factor = (text_room - short) / wide
    return [(w if w <= SHORT_COL_CHARS else w * factor) + padding for w in weights]
