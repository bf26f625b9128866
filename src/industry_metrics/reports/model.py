"""What a report pack holds, independent of the file formats it is written in.

The builder fills a Pack through the access layer (so disclosure has already been applied);
the writers (pdf, xlsx, tables) only lay it out. A writer never reads the store or the
metric tables itself: that is what keeps every format showing the same, protected numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import plotly.graph_objects as go
import polars as pl

Audience = Literal["association", "firm", "regulator"]

# How a column's values are shown: writers map these to Excel number formats, PDF text, etc.
# pct: a proportion 0..1 shown as a percentage; rate: a value already per 1,000 / 10,000;
# int: a count; money: yuan with 2 decimals; num: a plain decimal; text: as is.
Format = Literal["pct", "rate", "int", "money", "num", "text"]


@dataclass(frozen=True)
class Section:
    """One table of the pack: a PDF section, an XLSX sheet, a CSV/Parquet file.

    `frame` has stable snake_case column ids (the CSV/Parquet header); `headers` gives each
    column's words in the pack's language. A suppressed cell is null in its value column and
    its reason (a disclosure reason code) sits in the row's `suppressed` column, if the
    section has one; `notes` are sentences printed under the table.
    """

    id: str
    title: str
    frame: pl.DataFrame
    headers: dict[str, str]
    formats: dict[str, Format]
    notes: tuple[str, ...] = ()
    intro: str = ""
    # Added for the builders and the XLSX writer; every writer may use them, none has to:
    # columns that are hidden (null) in a row whose `suppressed` reason is set: show the reason there
    suppressed_columns: tuple[str, ...] = ()
    # column -> the column holding each row's Format, where one column mixes units (a metric value)
    row_formats: dict[str, str] = field(default_factory=dict)
    # column -> {code: words in the pack's language}: tiers, reasons, stages are codes in CSV, words in print
    labels: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Chart:
    """A figure for the PDF (rendered to a static image); other formats carry its data as a Section."""

    id: str
    title: str
    figure: go.Figure


@dataclass(frozen=True)
class Pack:
    """Everything one pack shows, for one audience (and firm), period, language and snapshot."""

    audience: Audience
    firm_id: str | None
    period: str
    lang: str
    snapshot_id: int
    register_version: str
    register_hash: str
    code_version: str
    title: str
    summary: tuple[str, ...]  # the executive summary, one paragraph per item
    sections: tuple[Section, ...]
    charts: tuple[Chart, ...] = ()
    provenance: dict = field(default_factory=dict)  # submissions, queries, params, suppression log
    # tables written to CSV/Parquet/XLSX for analysis but not printed (the long metric table)
    data_tables: tuple[Section, ...] = ()
    generated_at: str = ""  # set when the files are written (UTC ISO); the only field that differs between two runs

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(f"no section {section_id!r} in this pack; it has {[s.id for s in self.sections]}")
