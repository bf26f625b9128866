"""The PDF of a report pack: what a regulator, the association or a member firm reads.

Order of the document: a cover (period, audience, register version, snapshot, generated at),
the executive summary, the pack's sections in the builder's order (industry figures against
the standards, the firm table, breaches, process and fee mix...), the charts, then an
appendix with the sections whose id starts with one of APPENDIX_PREFIXES (methodology,
suppression notes). The writer only lays out what the Pack holds: it reads no store and
computes no figure, so the PDF shows the same protected numbers as the XLSX/CSV files.

A4 landscape throughout: the firm table has a dozen columns of numbers, and one orientation
keeps the running header and footer in one place for the reader. Every page carries the
pack title, snapshot and register version (header) and "page n of N" (footer). Tables are
fpdf2 tables that repeat their heading row on each page they run onto.

Text is set in Noto Sans CJK SC (pdf_fonts.py), which also covers Latin, so one face serves
both languages. Charts are Plotly figures drawn to PNG by kaleido (figures_png.py).
"""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime, timezone
from io import BytesIO
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, TableCellFillMode, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from .. import i18n
from . import figures_png, pdf_fonts
from .model import Chart, Pack, Section

APPENDIX_PREFIXES = ("methodology", "suppression")
SUPPRESSED_COLUMN = "suppressed"  # see model.Section: the reason code of a row's hidden cells

MARGIN = 12  # mm
BODY_PT, SMALL_PT, TABLE_PT, HEADING_PT, TITLE_PT = 10, 8, 8, 14, 24
INK, MUTED = (30, 30, 30), (110, 110, 110)
HEADING_FILL, ZEBRA_FILL, RULE = (222, 228, 238), (245, 246, 248), (170, 170, 170)
NEW_PAGE_BELOW_MM = 45  # a section starting lower than this on a page starts on the next one
MIN_COL_CHARS, MAX_COL_CHARS = 5, 34  # column width bounds, in Latin character widths
HEADER_COL_CHARS, HIDDEN_COL_CHARS = 12, 12  # how much of a header / hidden reason may widen a column


def t(key: str, lang: str, **fields: object) -> str:
    return i18n.t(f"report_pdf.{key}", lang, **fields)


# --- cell text ------------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(value: object, fmt: str, lang: str) -> str:
    """One cell's text from its Section.formats entry; a missing value is a dash."""
    if _is_missing(value):
        return "–"
    if fmt == "pct":
        return i18n.fmt_percent(float(value), lang, 1)
    if fmt == "rate":  # already per 1,000 / 10,000: the column header names the unit
        return i18n.fmt_number(float(value), lang, 1)
    if fmt == "int":
        return i18n.fmt_number(float(value), lang, 0)
    if fmt in ("money", "num"):
        return i18n.fmt_number(float(value), lang, 2)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def reason_text(code: str, lang: str) -> str:
    """A disclosure reason code in words; an unknown code is shown as is rather than hidden."""
    return i18n.t(f"reason.{code}", lang) if i18n.has(f"reason.{code}", lang) else code


def shown_columns(section: Section) -> list[str]:
    """The columns printed: those with a header (the builder's choice), else all; never the reason column."""
    columns = [c for c in section.frame.columns if c in section.headers] or list(section.frame.columns)
    return [c for c in columns if c != SUPPRESSED_COLUMN]


def table_rows(section: Section, columns: list[str], lang: str) -> list[list[tuple[str, bool]]]:
    """Each row's cells as (text, hidden): a null cell of a suppressed row prints the reason."""
    has_reason = SUPPRESSED_COLUMN in section.frame.columns
    rows = []
    for record in section.frame.iter_rows(named=True):
        reason = record.get(SUPPRESSED_COLUMN) if has_reason else None
        cells = []
        for column in columns:
            value = record[column]
            if _is_missing(value) and reason:
                cells.append((t("hidden", lang, reason=reason_text(str(reason), lang)), True))
            else:
                cells.append((format_value(value, section.formats.get(column, "text"), lang), False))
        rows.append(cells)
    return rows


def display_width(text: str) -> int:
    """Width in Latin character units: a CJK character is about two Latin ones wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_weights(headers: list[str], rows: list[list[tuple[str, bool]]]) -> list[float]:
    """Relative column widths from the longest cell, in Latin character units.

    A short header should not wrap, a long one may; a hidden cell's reason wraps rather
    than widening a column of numbers.
    """
    weights = []
    for i, header in enumerate(headers):
        cells = [display_width(row[i][0]) if not row[i][1] else min(display_width(row[i][0]), HIDDEN_COL_CHARS)
                 for row in rows]
        wanted = max(max(cells, default=0), min(display_width(header), HEADER_COL_CHARS))
        weights.append(float(min(max(wanted, MIN_COL_CHARS), MAX_COL_CHARS)))
    return weights


# --- the document ---------------------------------------------------------------------------


def generated_at(pack: Pack) -> datetime:
    """When the pack was built: from the pack (so equal packs give equal PDFs), else now."""
    stamp = getattr(pack, "generated_at", None) or pack.provenance.get("generated_at")
    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp)
    if not isinstance(stamp, datetime):
        stamp = datetime.now(timezone.utc)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


def _stamp_text(stamp: datetime) -> str:
    return stamp.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


class PackPDF(FPDF):
    """An FPDF with the pack's running header and footer."""

    def __init__(self, pack: Pack):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.pack = pack
        self.family = pdf_fonts.register(self)
        self.set_margins(MARGIN, MARGIN + 8, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 6)

    def header(self) -> None:
        pack, lang = self.pack, self.pack.lang
        self.set_font(self.family, "", SMALL_PT)
        self.set_text_color(*MUTED)
        self.set_xy(MARGIN, MARGIN - 2)
        right = t("running_provenance", lang, snapshot=pack.snapshot_id, version=pack.register_version)
        right_w = self.get_string_width(right) + 2
        self.cell(self.epw - right_w, 5, _fit(self, pack.title, self.epw - right_w - 4))
        self.cell(right_w, 5, right, align="R")
        self.set_draw_color(*RULE)
        self.line(MARGIN, MARGIN + 4, self.w - MARGIN, MARGIN + 4)
        self.set_xy(MARGIN, MARGIN + 8)
        self.set_text_color(*INK)

    def footer(self) -> None:
        lang = self.pack.lang
        self.set_y(-MARGIN - 2)
        self.set_font(self.family, "", SMALL_PT)
        self.set_text_color(*MUTED)
        self.cell(self.epw / 3, 5, self.pack.period)
        # {nb} is fpdf2's alias for the page count, filled in when the document is written
        self.cell(self.epw / 3, 5, t("page", lang, n=self.page_no(), total="{nb}"), align="C")
        self.cell(self.epw / 3, 5, self.pack.code_version, align="R")
        self.set_text_color(*INK)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` shortened with an ellipsis to fit `width` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _paragraph(pdf: FPDF, text: str, size: float = BODY_PT, color=INK, gap: float = 2) -> None:
    pdf.set_font(pdf.family, "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.55, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                   wrapmode=_wrap(pdf.pack.lang))
    pdf.set_text_color(*INK)
    pdf.ln(gap)


def _wrap(lang: str) -> WrapMode:
    # Chinese has no spaces to break at: wrap at any character; English wraps at words.
    return WrapMode.CHAR if lang == "zh" else WrapMode.WORD


def _heading(pdf: PackPDF, text: str, level: int, new_page: bool = False) -> None:
    """A chapter (level 0) or sub-heading (level 1), with its entry in the PDF outline."""
    if new_page or pdf.will_page_break(NEW_PAGE_BELOW_MM):
        pdf.add_page()
    pdf.start_section(text, level=level)
    size = HEADING_PT if level == 0 else BODY_PT + 1
    pdf.set_font(pdf.family, "B", size)
    pdf.multi_cell(0, size * 0.6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=_wrap(pdf.pack.lang))
    pdf.ln(2)


def _cover(pdf: PackPDF, pack: Pack) -> None:
    lang = pack.lang
    pdf.add_page()
    pdf.set_y(45)
    pdf.set_font(pdf.family, "B", TITLE_PT)
    pdf.multi_cell(0, TITLE_PT * 0.55, pack.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                   wrapmode=_wrap(lang))
    pdf.ln(12)
    for label, value in cover_lines(pack):
        pdf.set_font(pdf.family, "B", BODY_PT + 1)
        pdf.cell(55, 8, label)
        pdf.set_font(pdf.family, "", BODY_PT + 1)
        pdf.cell(0, 8, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def cover_lines(pack: Pack) -> list[tuple[str, str]]:
    """The cover's label/value pairs: what a reader needs to cite the pack."""
    lang = pack.lang
    lines = [
        (t("cover_period", lang), pack.period),
        (t("cover_audience", lang), t(f"audience_{pack.audience}", lang)),
    ]
    if pack.firm_id:
        lines.append((t("cover_firm", lang), pack.firm_id))
    register = pack.register_version + (f" ({pack.register_hash[:12]})" if pack.register_hash else "")
    lines += [
        (t("cover_register", lang), register),
        (t("cover_snapshot", lang), str(pack.snapshot_id)),
        (t("cover_generated", lang), _stamp_text(generated_at(pack))),
        (t("cover_code", lang), pack.code_version),
    ]
    return lines


def _summary(pdf: PackPDF, pack: Pack) -> None:
    if not pack.summary:
        return
    _heading(pdf, t("summary", pack.lang), 0, new_page=True)
    for paragraph in pack.summary:
        _paragraph(pdf, paragraph, gap=3)


def _table(pdf: PackPDF, section: Section) -> None:
    lang = pdf.pack.lang
    columns = shown_columns(section)
    headers = [section.headers.get(c, c) for c in columns]
    rows = table_rows(section, columns, lang)
    if not rows:
        _paragraph(pdf, t("no_rows", lang), color=MUTED)
        return
    align = tuple("LEFT" if section.formats.get(c, "text") == "text" else "RIGHT" for c in columns)
    hidden = FontFace(color=MUTED)
    pdf.set_font(pdf.family, "", TABLE_PT)
    with pdf.table(
        width=pdf.epw, col_widths=column_weights(headers, rows), text_align=align,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
        repeat_headings=1,  # the heading row again at the top of each page the table runs onto
        cell_fill_color=ZEBRA_FILL, cell_fill_mode=TableCellFillMode.ROWS,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES, line_height=TABLE_PT * 0.5,
        padding=(0.8, 1.2), wrapmode=_wrap(lang),
    ) as table:
        heading = table.row()
        for text in headers:
            heading.cell(text)
        for cells in rows:
            row = table.row()
            for text, is_hidden in cells:
                row.cell(text, style=hidden if is_hidden else None)
    pdf.ln(2)


def _section(pdf: PackPDF, section: Section, level: int) -> None:
    _heading(pdf, section.title, level)
    if section.intro:
        _paragraph(pdf, section.intro)
    _table(pdf, section)
    for note in section.notes:
        _paragraph(pdf, note, size=SMALL_PT + 0.5, color=MUTED, gap=1)
    pdf.ln(4)


def _chart(pdf: PackPDF, chart: Chart, image: figures_png.Image) -> None:
    """One chart: its title as text, then the image as wide as the page allows, scaled to fit the height."""
    max_h = pdf.eph - 12
    width = pdf.epw * 0.8
    height = width * image.height_px / image.width_px
    if height > max_h:
        width, height = width * max_h / height, max_h
    if pdf.will_page_break(height + 10):
        pdf.add_page()
    _heading(pdf, chart.title, 1)
    pdf.image(BytesIO(image.png), x=(pdf.w - width) / 2, w=width, h=height)
    pdf.ln(4)


def _charts(pdf: PackPDF, pack: Pack, images: list[figures_png.Image]) -> None:
    if not pack.charts:
        return
    _heading(pdf, t("charts", pack.lang), 0, new_page=True)
    for chart, image in zip(pack.charts, images):
        _chart(pdf, chart, image)


def is_appendix(section: Section) -> bool:
    return section.id.startswith(APPENDIX_PREFIXES)


def write_pdf(pack: Pack, path: Path) -> None:
    """Write the pack as one PDF at `path` (folders are created)."""
    images = figures_png.render([figures_png.for_print(c.figure) for c in pack.charts])
    pdf = PackPDF(pack)
    pdf.set_title(pack.title)
    pdf.set_lang("zh-CN" if pack.lang == "zh" else "en")
    pdf.set_creator(f"Industry Metrics {pack.code_version}")
    pdf.set_creation_date(generated_at(pack))
    _cover(pdf, pack)
    _summary(pdf, pack)
    main = [s for s in pack.sections if not is_appendix(s)]
    appendix = [s for s in pack.sections if is_appendix(s)]
    for index, section in enumerate(main):
        if index == 0 and not pack.summary:
            pdf.add_page()
        _section(pdf, section, 0)
    _charts(pdf, pack, images)
    if appendix:
        _heading(pdf, t("appendix", pack.lang), 0, new_page=True)
        for section in appendix:
            _section(pdf, section, 1)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))

