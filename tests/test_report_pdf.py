"""The report pack's PDF: read back with poppler (pdftotext, pdftoppm), as a reader would see it.

Packs are built by hand here (the writer only lays out a Pack), with the register's real
standard titles, a firm table long enough to run onto a second page, suppressed cells and
two charts from the project's chart builders. Each language's PDF is written once per module:
drawing the charts starts a headless Chrome (seconds).
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from datetime import date, datetime, timezone
from pathlib import Path

import polars as pl
import pytest
from PIL import Image

from industry_metrics import charts, i18n, paths
from industry_metrics.reports import pdf, pdf_cells, pdf_fonts, run
from industry_metrics.access import Audience
from industry_metrics.reports.model import Chart, Pack, Section

N_FIRMS = 46
HIDDEN_FIRMS = {"F007": "too_few_firms", "F019": "dominance", "F033": "complementary"}


def register_standards() -> list[dict]:
    register = tomllib.loads(paths.REGISTER_FILE.read_text(encoding="utf-8"))
    return register["packs"]["cn"]["standards"]


def standards_title(standard: dict, lang: str) -> str:
    return standard[f"title_{lang}"]


# --- a realistic pack, by hand ---------------------------------------------------------------

WORDS = {
    "zh": dict(title="2026年10月 催收行业指标报告（监管版）", industry="行业指标与标准对照", firms="机构明细（编码）",
               breaches="违规情况", process="催收流程构成", fee="收费模式构成", metrics="指标定义",
               standards="标准来源与生效日期", suppression="数据隐藏说明", code="机构编码", cases="在催案件数",
               v1="夜间联系（每万次）", c1="投诉率（每千件）", c3="15日内办结率", r2="当期回收率", recovered="回款金额（元）",
               tier="评价", standard="标准", metric="指标", value="行业值", meets="达标线", watch="关注线",
               firms_n="机构数", stage="阶段", share="占比", model="收费模式", formula="计算公式", source="来源",
               effective_from="生效日期", effective_to="失效日期", reason="原因", cells="隐藏单元格数",
               note="被隐藏的数值不以任何形式出现在本报告中。", summary=(
                   "本期共有 46 家会员机构报送数据，行业夜间联系率为每万次 3.2，低于关注线。",
                   "3 家机构在投诉 15 日内办结率上违规，详见违规情况一节。")),
    "en": dict(title="Debt collection industry metrics, October 2026 (regulator)", industry="Industry figures against the standards",
               firms="Firms (coded)", breaches="Breaches", process="Collection process mix", fee="Fee-model mix",
               metrics="Metric definitions", standards="Standards: sources and effective dates",
               suppression="Suppression notes", code="Firm code", cases="Open cases", v1="Out-of-hours per 10,000",
               c1="Complaints per 1,000", c3="Closed within 15 days", r2="Period collection rate",
               recovered="Recovered (yuan)", tier="Tier", standard="Standard", metric="Metric", value="Industry",
               meets="Meets at", watch="Watch at", firms_n="Firms", stage="Stage", share="Share", model="Fee model",
               formula="Formula", source="Source", effective_from="In force from", effective_to="In force to",
               reason="Reason", cells="Hidden cells", note="A hidden figure appears nowhere in this pack, in any form.",
               summary=("46 member firms reported this period; out-of-hours contacts stand at 3.2 per 10,000, under the watch line.",
                        "3 firms breach the 15-day complaint closure standard: see Breaches.")),
}


def industry_section(lang: str, w: dict) -> Section:
    standards = register_standards()[:12]
    frame = pl.DataFrame({
        "standard_id": [s["id"] for s in standards],
        "standard": [standards_title(s, lang) for s in standards],
        "metric_id": [s["metric"] for s in standards],
        "value": [None if s["id"] == "S08" else 1.5 + i for i, s in enumerate(standards)],
        "meets": [float(s["thresholds"]["meets"]) for s in standards],
        "watch": [float(s["thresholds"]["watch"]) for s in standards],
        "firms": [46 - i for i in range(len(standards))],
        "suppressed": [("too_few_firms" if s["id"] == "S08" else None) for s in standards],
    })
    return Section("industry", w["industry"], frame,
                   headers={"standard_id": "ID", "standard": w["standard"], "metric_id": w["metric"], "value": w["value"],
                            "meets": w["meets"], "watch": w["watch"], "firms": w["firms_n"]},
                   formats={"standard_id": "text", "standard": "text", "metric_id": "text", "value": "num",
                            "meets": "num", "watch": "num", "firms": "int"},
                   intro=w["summary"][0])


def firms_section(w: dict) -> Section:
    codes = [f"F{i:03d}" for i in range(1, N_FIRMS + 1)]
    hidden = [HIDDEN_FIRMS.get(c) for c in codes]
    frame = pl.DataFrame({
        "firm_code": codes,
        "cases": [1000 + 137 * i for i in range(N_FIRMS)],
        "v1_rate": [None if h else 0.5 * i for i, h in enumerate(hidden)],
        "c1_rate": [None if h else 0.1 * i for i, h in enumerate(hidden)],
        "c3_share": [None if h else 0.80 + 0.004 * i for i, h in enumerate(hidden)],
        "r2_share": [0.05 + 0.001 * i for i in range(N_FIRMS)],
        "recovered": [123456.789 * (i + 1) for i in range(N_FIRMS)],
        "tier": ["breach" if i % 9 == 0 else "meets" for i in range(N_FIRMS)],
        "suppressed": hidden,
    })
    return Section("firms", w["firms"], frame,
                   headers={"firm_code": w["code"], "cases": w["cases"], "v1_rate": w["v1"], "c1_rate": w["c1"],
                            "c3_share": w["c3"], "r2_share": w["r2"], "recovered": w["recovered"], "tier": w["tier"]},
                   formats={"firm_code": "text", "cases": "int", "v1_rate": "rate", "c1_rate": "rate",
                            "c3_share": "pct", "r2_share": "pct", "recovered": "money", "tier": "text"})


def small_sections(lang: str, w: dict) -> list[Section]:
    standards = register_standards()[:12]
    breaches = Section("breaches", w["breaches"], pl.DataFrame({
        "firm_code": ["F001", "F010", "F028"], "standard": [standards_title(standards[10], lang)] * 3,
        "value": [0.71, 0.74, 0.79], "watch": [0.8, 0.8, 0.8]}),
        headers={"firm_code": w["code"], "standard": w["standard"], "value": w["value"], "watch": w["watch"]},
        formats={"value": "pct", "watch": "pct"})
    process = Section("process_mix", w["process"], pl.DataFrame({
        "stage": [i18n.t(f"process.stage.{s}", lang) for s in ("first_contact", "negotiation", "legal_action")]
        if all(i18n.has(f"process.stage.{s}", lang) for s in ("first_contact", "negotiation", "legal_action"))
        else ["first contact", "negotiation", "legal action"],
        "cases": [5210, 3300, 410], "share": [0.584, 0.37, 0.046]}),
        headers={"stage": w["stage"], "cases": w["cases"], "share": w["share"]}, formats={"cases": "int", "share": "pct"})
    fee = Section("fee_mix", w["fee"], pl.DataFrame({
        "fee_model": [i18n.t(f"enum.fee_model.{m}", lang) for m in ("percentage", "fixed", "success")],
        "firms": [30, 9, 7], "share": [0.652, 0.196, 0.152]}),
        headers={"fee_model": w["model"], "firms": w["firms_n"], "share": w["share"]}, formats={"firms": "int", "share": "pct"})
    metrics = Section("methodology_metrics", w["metrics"], pl.DataFrame({
        "metric_id": ["V1", "C1", "C3", "R2"],
        "name": [i18n.t(f"metric.{m}", lang) for m in ("V1", "C1", "C3", "R2")],
        "formula": ["contacts 22:00–08:00 without consent / all contacts × 10,000",
                    "complaints received / open cases × 1,000",
                    "complaints closed within 15 days / complaints closed",
                    "amount recovered in the period / balance placed"]}),
        headers={"metric_id": w["metric"], "name": w["metric"], "formula": w["formula"]}, formats={})
    standard_rows = Section("methodology_standards", w["standards"], pl.DataFrame({
        "standard_id": [s["id"] for s in standards],
        "standard": [standards_title(s, lang) for s in standards],
        "source": [s["source"] for s in standards],
        "effective_from": [s["effective_from"] for s in standards],
        "effective_to": [s.get("effective_to") for s in standards]}),
        headers={"standard_id": "ID", "standard": w["standard"], "source": w["source"],
                 "effective_from": w["effective_from"], "effective_to": w["effective_to"]}, formats={})
    suppression = Section("suppression_notes", w["suppression"], pl.DataFrame({
        "reason": [i18n.t(f"reason.{r}", lang) for r in ("too_few_firms", "dominance", "complementary")],
        "cells": [4, 3, 3]}), headers={"reason": w["reason"], "cells": w["cells"]}, formats={"cells": "int"},
        notes=(w["note"],))
    return [breaches, process, fee, metrics, standard_rows, suppression]


def pack_charts(lang: str) -> tuple[Chart, ...]:
    trend_rows = pl.DataFrame({"firm_id": ["ALL"] * 3, "period": ["2026-08", "2026-09", "2026-10"],
                               "metric_id": ["V1"] * 3, "dim": [""] * 3, "value": [4.1, 3.6, 3.2]})
    trend = charts.trend(trend_rows, "V1", lang, meets=0.0, watch=5.0)
    fee = charts.fee_mix(pl.DataFrame({"fee_model": ["percentage", "fixed", "success"], "cases": [6100, 1900, 1400]}), lang)
    return (Chart("trend_V1", trend.layout.title.text, trend), Chart("fee_mix", fee.layout.title.text, fee))


def make_pack(lang: str, with_charts: bool = True) -> Pack:
    w = WORDS[lang]
    sections = [industry_section(lang, w), firms_section(w), *small_sections(lang, w)]
    return Pack(audience="regulator", firm_id=None, period="2026-10", lang=lang, snapshot_id=17,
                register_version="2026.1", register_hash="9f2c4e1ab37d55e0c0ffee", code_version="0.6.0",
                title=w["title"], summary=w["summary"], sections=tuple(sections),
                charts=pack_charts(lang) if with_charts else (),
                generated_at="2026-11-02T08:30:00+00:00")


# --- reading the PDF back ----------------------------------------------------------------------


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    """Text without white space: a title wrapped inside a table cell reads as one string again."""
    return re.sub(r"\s+", "", text)


def pages_with(path: Path, words: str) -> list[int]:
    return [n for n in range(1, page_count(path) + 1) if squeeze(words) in squeeze(page_text(path, n))]


@pytest.fixture(scope="module", params=["zh", "en"])
def written(request, tmp_path_factory) -> tuple[Pack, Path]:
    pack = make_pack(request.param)
    path = tmp_path_factory.mktemp("pdf") / f"pack-{request.param}.pdf"
    pdf.write_pdf(pack, path)
    return pack, path


# --- the tests ---------------------------------------------------------------------------------


def test_the_pdf_holds_every_standard_title_in_its_language(written):
    pack, path = written
    text = squeeze(page_text(path))
    for standard in register_standards()[:12]:
        assert squeeze(standards_title(standard, pack.lang)) in text, standard["id"]


def test_the_cover_carries_period_audience_register_snapshot_and_time(written):
    pack, path = written
    cover = page_text(path, 1)
    for label, value in pdf.cover_lines(pack):
        assert label in cover and value in cover
    assert "2026-10" in cover and "2026.1" in cover and "17" in cover
    assert i18n.t("report_pdf.audience_regulator", pack.lang) in cover
    assert "2026-11-02 08:30 UTC" in cover  # the pack's time, not the time of writing


def test_every_page_has_header_and_page_n_of_n(written):
    pack, path = written
    total = page_count(path)
    assert total >= 5
    for n in range(1, total + 1):
        text = page_text(path, n)
        assert i18n.t("report_pdf.page", pack.lang, n=n, total=total) in text
        assert i18n.t("report_pdf.running_provenance", pack.lang, snapshot=17, version="2026.1") in text


def test_the_contents_page_gives_each_chapter_the_page_it_starts_on(written):
    pack, path = written
    text = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert i18n.t("report_pdf.contents", pack.lang) in text
    listed = dict(m.groups() for m in re.finditer(r"^\s*(\S.*?)\s{2,}(\d+)\s*$", text, re.M))
    for section in pack.sections:
        page = int(listed[section.title])
        assert page in pages_with(path, section.title), section.id


def test_no_page_is_blank(written, tmp_path):
    _, path = written
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == page_count(path)
    for png in pngs:
        image = Image.open(png).convert("L")
        width, height = image.size
        # the body only: a page with nothing but its running header and footer counts as blank
        body = image.crop((0, int(height * 0.12), width, int(height * 0.9)))
        dark = sum(body.histogram()[:200])  # pixels darker than light grey
        assert dark / (body.width * body.height) > 0.004, png.name


def test_the_firm_table_runs_onto_a_next_page_with_its_header_repeated(written):
    pack, path = written
    firms = pack.section("firms")
    first = pages_with(path, "F001")[0]
    last = pages_with(path, f"F{N_FIRMS:03d}")[0]
    assert last > first, "46 firms should not fit on one landscape page"
    for page in range(first + 1, last + 1):
        text = squeeze(page_text(path, page))
        for header in firms.headers.values():
            assert squeeze(header) in text, (page, header)


def test_hidden_cells_print_their_reason_and_the_suppression_notes_appear(written):
    pack, path = written
    text = squeeze(page_text(path))
    for reason in set(HIDDEN_FIRMS.values()):
        hidden = i18n.t("report_pdf.hidden", pack.lang, reason=i18n.t(f"reason.{reason}", pack.lang))
        assert squeeze(hidden) in text
    notes = pack.section("suppression_notes")
    appendix = pages_with(path, i18n.t("report_pdf.appendix", pack.lang))[0]
    assert pages_with(path, notes.title)[-1] >= appendix
    assert squeeze(notes.notes[0]) in text


def test_numbers_are_shown_in_the_section_formats(written):
    pack, path = written
    text = page_text(path)
    lang = pack.lang
    assert i18n.fmt_number(1137, lang, 0) in text  # int with grouping
    assert i18n.fmt_percent(0.584, lang, 1) in text  # pct
    assert i18n.fmt_number(123456.789, lang, 2) in text  # money


def test_chart_titles_are_text_and_the_charts_are_images(written):
    pack, path = written
    text = squeeze(page_text(path))
    for chart in pack.charts:
        assert squeeze(chart.title) in text
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len([line for line in images.splitlines()[2:] if " image " in line]) >= len(pack.charts)


def test_the_chinese_font_is_embedded_as_a_subset(written):
    _, path = written
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in fonts.splitlines() if "NotoSansCJKSC" in line]
    assert rows and all(re.search(r"\byes\s+yes\s+yes\b", row) for row in rows)  # embedded, subset, unicode map
    assert path.stat().st_size < 1_500_000


def test_equal_packs_give_equal_pdfs(tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    pdf.write_pdf(make_pack("zh", with_charts=False), first)
    pdf.write_pdf(make_pack("zh", with_charts=False), second)
    assert first.read_bytes() == second.read_bytes()


def test_a_missing_font_names_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_fonts, "FONT_DIRS", (tmp_path / "no-fonts",))
    target = tmp_path / "out.pdf"
    with pytest.raises(pdf_fonts.FontMissing, match="fonts-noto-cjk"):
        pdf.write_pdf(make_pack("en", with_charts=False), target)
    assert not target.exists()


def test_a_missing_symbol_font_names_its_package(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_fonts, "FALLBACK_DIRS", (tmp_path / "no-fonts",))
    with pytest.raises(pdf_fonts.FontMissing, match="fonts-dejavu-core"):
        pdf.write_pdf(make_pack("zh", with_charts=False), tmp_path / "out.pdf")


@pytest.mark.parametrize(("value", "fmt", "lang", "text"), [
    (0.1234, "pct", "en", "12.3%"), (5.25, "rate", "en", "5.2"), (12345, "int", "zh", "12,345"),
    (1234.5, "money", "en", "1,234.50"), (None, "pct", "en", "–"), (float("nan"), "num", "en", "–"),
    (date(2024, 5, 15), "text", "zh", "2024-05-15"), ("S01", "text", "en", "S01"), (True, "text", "zh", "是"),
])
def test_format_value(value, fmt, lang, text):
    assert pdf_cells.format_value(value, fmt, lang) == text


def test_a_rate_with_its_metric_says_per_what():
    assert pdf_cells.format_value(3.25, "rate", "zh", scale=10000.0) == "每万次 3.2"


def test_a_suppressed_row_prints_the_reason_only_in_its_empty_cells():
    section = Section("x", "x", pl.DataFrame({"firm": ["F1", "F2"], "v": [None, 0.5], "suppressed": ["dominance", None]}),
                      headers={"firm": "Firm", "v": "Value"}, formats={"v": "pct"})
    columns = pdf_cells.printed_columns(section)
    assert columns == ["firm", "v"]
    rows = pdf_cells.table_rows(section, columns, "en")
    assert rows[0] == [("F1", False), ("Hidden: one firm dominates the figure", True)]
    assert rows[1] == [("F2", False), ("50.0%", False)]


def test_labels_row_formats_and_suppressed_columns_shape_the_printed_cells():
    frame = pl.DataFrame({"metric_id": ["V1", "C3", "C1"], "dim": ["", "", ""], "value": [2.5, 0.9, None],
                          "tier": ["breach", "meets", None], "numerator": [5.0, 9.0, None],
                          "fmt": ["rate", "pct", "rate"], "suppressed": [None, None, "too_few_firms"]})
    section = Section("industry_standards", "t", frame, headers={c: c.upper() for c in frame.columns},
                      formats={"value": "num", "numerator": "num"}, row_formats={"value": "fmt"},
                      suppressed_columns=("value", "tier"), labels={"tier": {"breach": "✗ Breach", "meets": "✓ Meets"},
                                                                   "suppressed": {"too_few_firms": "too few firms"}})
    columns = pdf_cells.printed_columns(section)
    assert columns == ["metric_id", "value", "tier"]  # no empty dim, unit-kind, analysis or reason column
    rows = pdf_cells.table_rows(section, columns, "en")
    assert rows[0] == [("V1", False), ("2.5 per 10,000", False), ("✗ Breach", False)]
    assert rows[1][1:] == [("90.0%", False), ("✓ Meets", False)]
    assert rows[2][1:] == [("Hidden: too few firms", True)] * 2


def test_a_real_pack_from_the_demo_industry(small_demo, tmp_path):
    """The builder's regulator pack, written by run.write: every section printed, the tier marks drawn."""
    data_dir, _ = small_demo
    folder = run.write_pack(data_dir, Audience("regulator"), "2026-10", ["pdf"], "zh", tmp_path,
                            now=datetime(2026, 11, 2, 8, 30, tzinfo=timezone.utc))
    path = folder / "pack.pdf"
    pack = run.build_pack(data_dir, Audience("regulator"), "2026-10", "zh")
    text = squeeze(page_text(path))
    for section in pack.sections:
        assert squeeze(section.title) in text or section.id == "cover", section.id
    for chart in pack.charts:
        assert squeeze(chart.title) in text, chart.id
    assert squeeze(i18n.t("report_pdf.cover_generated", "zh")) in squeeze(page_text(path, 1))
    assert "2026-11-02 08:30 UTC" in page_text(path, 1)
    assert "✗" in text  # the breach mark comes from the fallback font, not a missing-glyph box
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJKSC" in fonts and "DejaVuSans" in fonts


def test_neighbouring_hidden_cells_with_one_reason_are_one_cell():
    cells = [("V1", False), ("Hidden: x", True), ("Hidden: x", True), ("Hidden: y", True), ("band", False)]
    assert pdf_cells.spans(cells) == [("V1", False, 1), ("Hidden: x", True, 2), ("Hidden: y", True, 1), ("band", False, 1)]


def test_a_wide_table_takes_room_from_its_wide_columns_only():
    widths = pdf_cells.fit([4.0, 10.0, 60.0, 40.0], room=80.0, padding=2.0)
    assert widths[:2] == [6.0, 12.0]  # codes and dates keep their width (and padding)
    assert sum(widths) == pytest.approx(80.0) and (widths[2] - 2) / (widths[3] - 2) == pytest.approx(1.5)
    assert pdf_cells.fit([4.0, 6.0], room=30.0) == pytest.approx([12.0, 18.0])  # a narrow table grows alike


def test_a_session_keeps_one_browser_for_several_packs_and_stops_it_after():
    from industry_metrics.reports import figures_png

    assert not figures_png._server_running()
    with figures_png.session():
        assert figures_png._server_running()
        with figures_png.session():  # nested: the outer one owns the browser
            pass
        assert figures_png._server_running()
    assert not figures_png._server_running()


def test_no_browser_names_the_debian_package(monkeypatch):
    import kaleido
    from kaleido.errors import ChromeNotFoundError

    from industry_metrics.reports import figures_png

    def no_chrome(*args, **kwargs):
        raise ChromeNotFoundError("no chrome")

    monkeypatch.setattr(kaleido, "write_fig_from_object_sync", no_chrome)
    with pytest.raises(RuntimeError, match="Debian package chromium"):
        figures_png.render([pack_charts("en")[0].figure])
