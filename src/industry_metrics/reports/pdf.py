"""The PDF of a report pack: what a regulator, the association or a member firm reads.

Order of the document: a cover (the builder's key facts: period, audience, register version,
snapshot..., and when the pack was generated), a contents page (linked, with page numbers),
the executive summary, the pack's sections in the builder's order (industry figures against
the standards, the firm table, breaches, trends, process and fee mix...), each with its own
charts (a chart whose id is the section's id or starts with it: trend_S01 sits in trend),
a chapter with the charts no section claims, then an appendix with the sections whose id
starts with one of APPENDIX_PREFIXES (methodology, suppression notes). The writer only lays out what the Pack holds: it reads no store and
computes no figure, so the PDF shows the same protected numbers as the XLSX/CSV files.

A4 landscape throughout: the firm table has a dozen columns of numbers, and one orientation
keeps the running header and footer in one place for the reader. Every page carries the
pack title, snapshot and register version (header) and "page n of N" (footer). Tables are
fpdf2 tables that repeat their heading row on each page they run onto.

Text is set in Noto Sans CJK SC (pdf_fonts.py), which also covers Latin, so one face serves
both languages. Charts are Plotly figures drawn to PNG by kaleido (figures_png.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, TableCellFillMode, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from .. import i18n
from . import figures_png, pdf_cells, pdf_fonts
from .model import Chart, Pack, Section

APPENDIX_PREFIXES = ("methodology", "suppression")
COVER_SECTION = "cover"  # the builder's key facts: printed on the cover page, not again as a table

MARGIN = 12  # mm
BODY_PT, SMALL_PT, TABLE_PT, HEADING_PT, TITLE_PT = 10, 8, 8, 14, 24
INK, MUTED = (30, 30, 30), (110, 110, 110)
HEADING_FILL, ZEBRA_FILL, RULE = (222, 228, 238), (245, 246, 248), (170, 170, 170)
TABLE_PADDING = (0.8, 1.2)  # mm: top/bottom, left/right of each cell
CHART_WIDTH = 0.7  # of the text width: two trend charts fit on one landscape page
NEW_PAGE_BELOW_MM = 45  # a section starting lower than this on a page starts on the next one
CONTENTS_LINE, CONTENTS_INDENT, CONTENTS_PAGE_W = 6.5, 8, 15  # mm


def t(key: str, lang: str, **fields: object) -> str:
    return i18n.t(f"report_pdf.{key}", lang, **fields)


# --- the document ---------------------------------------------------------------------------


def generated_at(pack: Pack) -> datetime:
    """When the pack's files were made (run.write sets Pack.generated_at): the cover shows it and the
    PDF's creation date is set from it, so the same pack gives the same bytes. A pack not written
    through run.write has none: then now."""
    if not pack.generated_at:
        return datetime.now(timezone.utc)
    stamp = datetime.fromisoformat(pack.generated_at)
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
    """A chapter (level 0) or a section or chart inside one (level 1), with its entry in the PDF outline."""
    at_top = pdf.get_y() <= pdf.t_margin + 0.5  # a page just begun: never leave it blank
    if (new_page and not at_top) or pdf.will_page_break(NEW_PAGE_BELOW_MM):
        pdf.add_page()
    pdf.start_section(text, level=level)
    size = HEADING_PT if level == 0 else BODY_PT + 1
    pdf.set_font(pdf.family, "B", size)
    pdf.multi_cell(0, size * 0.6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=_wrap(pdf.pack.lang))
    pdf.ln(2)


def _cover(pdf: PackPDF, pack: Pack) -> None:
    lang = pack.lang
    pdf.add_page()
    pdf.set_y(40)
    pdf.set_font(pdf.family, "B", TITLE_PT)
    pdf.multi_cell(0, TITLE_PT * 0.55, pack.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                   wrapmode=_wrap(lang))
    pdf.ln(10)
    for label, value in cover_lines(pack):
        pdf.set_font(pdf.family, "B", BODY_PT + 1)
        pdf.cell(60, 7.5, label)
        pdf.set_font(pdf.family, "", BODY_PT + 1)
        pdf.multi_cell(0, 7.5, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=_wrap(lang))


def cover_lines(pack: Pack) -> list[tuple[str, str]]:
    """The cover's label/value pairs, what a reader needs to cite the pack: the builder's key facts
    (its cover section, so PDF and XLSX state them alike) or the Pack's own fields, and when it was made."""
    lang = pack.lang
    cover = next((s for s in pack.sections if s.id == COVER_SECTION), None)
    if cover is not None:
        rows = pdf_cells.table_rows(cover, pdf_cells.printed_columns(cover), lang)  # (item, value) rows
        lines = [(row[0][0], row[1][0]) for row in rows]
    else:
        lines = [(t("cover_period", lang), pack.period), (t("cover_audience", lang), t(f"audience_{pack.audience}", lang))]
        if pack.firm_id:
            lines.append((t("cover_firm", lang), pack.firm_id))
        register = pack.register_version + (f" ({pack.register_hash[:12]})" if pack.register_hash else "")
        lines += [(t("cover_register", lang), register), (t("cover_snapshot", lang), str(pack.snapshot_id)),
                  (t("cover_code", lang), pack.code_version)]
    return [*lines, (t("cover_generated", lang), _stamp_text(generated_at(pack)))]


def _summary(pdf: PackPDF, pack: Pack) -> None:
    if not pack.summary:
        return
    _heading(pdf, t("summary", pack.lang), 0, new_page=True)
    for paragraph in pack.summary:
        _paragraph(pdf, paragraph, gap=3)


def _table(pdf: PackPDF, section: Section) -> None:
    lang = pdf.pack.lang
    columns = pdf_cells.printed_columns(section)
    headers = [section.headers.get(c, c) for c in columns]
    rows = pdf_cells.table_rows(section, columns, lang)
    if not rows or not columns:
        _paragraph(pdf, t("no_rows", lang), color=MUTED)
        return
    numeric = [section.formats.get(c, "text") != "text" or c in section.row_formats for c in columns]
    hidden = FontFace(color=MUTED)
    pdf.set_font(pdf.family, "", TABLE_PT)
    with pdf.table(
        width=pdf.epw, col_widths=_column_widths(pdf, headers, rows),
        text_align=tuple("RIGHT" if n else "LEFT" for n in numeric),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
        repeat_headings=1,  # the heading row again at the top of each page the table runs onto
        cell_fill_color=ZEBRA_FILL, cell_fill_mode=TableCellFillMode.ROWS,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES, line_height=TABLE_PT * 0.5,
        padding=TABLE_PADDING, wrapmode=_wrap(lang),
    ) as table:
        heading = table.row()
        for text in headers:
            heading.cell(text)
        for cells in rows:
            row = table.row()
            for text, is_hidden, span in pdf_cells.spans(cells):
                row.cell(text, style=hidden if is_hidden else None, colspan=span,
                         align="CENTER" if span > 1 else None)
    pdf.ln(2)


def _column_widths(pdf: PackPDF, headers: list[str], rows: list[list[pdf_cells.Cell]]) -> list[float]:
    """Column widths (relative) that fit the page, from the cells' printed widths in the table's fonts."""
    unit = pdf.get_string_width("0")  # one Latin character at TABLE_PT, in mm: the unit of pdf_cells' bounds
    room = pdf.epw / unit

    def bold(text: str) -> float:
        pdf.set_font(pdf.family, "B", TABLE_PT)
        width = pdf.get_string_width(text) / unit
        pdf.set_font(pdf.family, "", TABLE_PT)
        return width

    weights = pdf_cells.column_weights(headers, rows, lambda text: pdf.get_string_width(text) / unit, bold)
    # the padding on both sides, and half a character more: a cell filled exactly would wrap
    return pdf_cells.fit(weights, room, padding=2 * TABLE_PADDING[1] / unit + 0.5)


def _section(pdf: PackPDF, section: Section, level: int, figures: list[tuple[Chart, figures_png.Image]]) -> None:
    """Heading, intro, the section's own charts (the picture before its numbers), table, notes."""
    _heading(pdf, section.title, level)
    if section.intro:
        _paragraph(pdf, section.intro)
    for chart, image in figures:
        _chart(pdf, chart, image, level + 1)
    _table(pdf, section)
    for note in section.notes:
        _paragraph(pdf, note, size=SMALL_PT + 0.5, color=MUTED, gap=1)
    pdf.ln(4)


def _chart(pdf: PackPDF, chart: Chart, image: figures_png.Image, level: int) -> None:
    """One chart: its title as text, then the image as wide as the page allows, scaled to fit the height."""
    max_h = pdf.eph - 16
    width = pdf.epw * CHART_WIDTH
    height = width * image.height_px / image.width_px
    if height > max_h:
        width, height = width * max_h / height, max_h
    if pdf.will_page_break(height + 12):
        pdf.add_page()
    _heading(pdf, chart.title, level)
    pdf.image(BytesIO(image.png), x=(pdf.w - width) / 2, w=width, h=height)
    pdf.ln(4)


def is_appendix(section: Section) -> bool:
    return section.id.startswith(APPENDIX_PREFIXES)


def charts_of(section: Section, charts: list[Chart]) -> list[Chart]:
    """The charts drawn inside a section: those with its id, or its id and a suffix (trend_S01 in trend)."""
    return [c for c in charts if c.id == section.id or c.id.startswith(f"{section.id}_")]


@dataclass(frozen=True)
class Layout:
    """Where each part of the pack goes: main sections with their own charts, the other charts, the appendix."""

    main: list[tuple[Section, list[Chart]]]
    loose_charts: list[Chart]
    appendix: list[Section]

    def contents_lines(self, has_summary: bool) -> int:
        """Entries the contents page lists (chapters and their first sub-level), one line each."""
        main = sum(1 + len(charts) for _, charts in self.main)
        loose = 1 + len(self.loose_charts) if self.loose_charts else 0
        appendix = 1 + len(self.appendix) if self.appendix else 0
        return int(has_summary) + main + loose + appendix


def layout(pack: Pack) -> Layout:
    body = [s for s in pack.sections if s.id != COVER_SECTION]
    loose = list(pack.charts)
    main = []
    for section in (s for s in body if not is_appendix(s)):
        own = charts_of(section, loose)
        loose = [c for c in loose if all(c is not o for o in own)]
        main.append((section, own))
    return Layout(main, loose, [s for s in body if is_appendix(s)])


def _contents(pdf: PackPDF, outline: list) -> None:
    """The contents page: each chapter and its first sub-level on one line, with its page, linked."""
    lang = pdf.pack.lang
    pdf.set_x(pdf.l_margin)  # called at output time, wherever the last page left x
    pdf.set_font(pdf.family, "B", HEADING_PT)
    pdf.cell(0, HEADING_PT * 0.6, t("contents", lang), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    for entry in outline:
        if entry.level > 1:
            continue
        indent = CONTENTS_INDENT * entry.level
        pdf.set_font(pdf.family, "B" if entry.level == 0 else "", BODY_PT)
        pdf.set_x(MARGIN + indent)
        width = pdf.epw - indent - CONTENTS_PAGE_W
        link = pdf.add_link(page=entry.page_number)
        pdf.cell(width, CONTENTS_LINE, _fit(pdf, entry.name, width - 2), link=link)
        pdf.cell(CONTENTS_PAGE_W, CONTENTS_LINE, str(entry.page_number), align="R", link=link,
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _contents_pages(pdf: PackPDF, lines: int) -> int:
    per_page = int((pdf.eph - HEADING_PT) // CONTENTS_LINE)
    return max(1, -(-lines // per_page))


def write_pdf(pack: Pack, path: Path) -> None:
    """Write the pack as one PDF at `path` (folders are created)."""
    rendered = figures_png.render([figures_png.for_print(c.figure) for c in pack.charts])
    images = {id(chart): image for chart, image in zip(pack.charts, rendered)}
    plan = layout(pack)
    pdf = PackPDF(pack)
    pdf.set_title(pack.title)
    pdf.set_lang("zh-CN" if pack.lang == "zh" else "en")
    pdf.set_creator(f"Industry Metrics {pack.code_version}")
    pdf.set_creation_date(generated_at(pack))
    _cover(pdf, pack)
    pdf.add_page()
    # the contents are drawn last, once every page number is known, on pages kept free here
    pdf.insert_toc_placeholder(_contents, pages=_contents_pages(pdf, plan.contents_lines(bool(pack.summary))))
    _summary(pdf, pack)
    for section, charts in plan.main:
        _section(pdf, section, 0, [(c, images[id(c)]) for c in charts])
    if plan.loose_charts:
        _heading(pdf, t("charts", pack.lang), 0, new_page=True)
        for chart in plan.loose_charts:
            _chart(pdf, chart, images[id(chart)], 1)
    if plan.appendix:
        _heading(pdf, t("appendix", pack.lang), 0, new_page=True)
        for section in plan.appendix:
            _section(pdf, section, 1, [])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
