"""Chart builders as figure objects: traces, axes, titles, hover text, tier colours, shapes. No pixels."""

from __future__ import annotations

import os

import plotly.graph_objects as go
import polars as pl
import pytest

from industry_metrics import charts, i18n, tiers

LANGS = ("zh", "en")


def metric_rows(*rows: tuple) -> pl.DataFrame:
    """Long metric-table rows: (firm_id, period, metric_id, dim, numerator, denominator, value)."""
    cols = ["firm_id", "period", "metric_id", "dim", "numerator", "denominator", "value"]
    frame = pl.DataFrame([dict(zip(cols, r)) for r in rows], schema={
        "firm_id": pl.String, "period": pl.String, "metric_id": pl.String, "dim": pl.String,
        "numerator": pl.Float64, "denominator": pl.Float64, "value": pl.Float64})
    return frame.with_columns(pack=pl.lit("cn"), grain=pl.lit("month"))


def assert_words(figure: go.Figure, title: str) -> None:
    """Title as given; every trace has hover text; no catalog key leaked as a label."""
    assert figure.layout.title.text == title
    for trace in figure.data:
        assert trace.hovertemplate, trace.name
    assert "chart." not in figure.layout.title.text


# ---- tiers -------------------------------------------------------------------------------

def test_tiers_have_okabe_ito_colours_symbols_and_words():
    assert tiers.COLOUR == {"meets": "#0072B2", "watch": "#E69F00", "breach": "#D55E00", "not_judged": "#999999"}
    assert len(set(tiers.SYMBOL.values())) == 4
    assert tiers.label("breach", "zh") == "✗ 违规"
    assert tiers.label("meets", "en") == "✓ " + i18n.t("tier.meets", "en")
    assert tiers.label(None, "zh") == "– 未评价"
    with pytest.raises(ValueError, match="unknown tier 'red'"):
        tiers.label("red", "en")


def test_worst_tier_ignores_not_judged_unless_nothing_was_judged():
    assert tiers.worst(["meets", "not_judged", "watch"]) == "watch"
    assert tiers.worst(["meets", "breach", "watch"]) == "breach"
    assert tiers.worst(["not_judged", None]) == "not_judged"
    assert tiers.worst([]) == "not_judged"
    assert tiers.worst(["meets"]) == "meets"


# ---- standards ---------------------------------------------------------------------------

TREND = metric_rows(
    ("ALL", "2026-09", "V1", "", 3, 10000, 3.0), ("ALL", "2026-10", "V1", "", 4, 10000, 4.0),
    ("FA", "2026-09", "V1", "", 1, 2000, 5.0), ("FA", "2026-10", "V1", "", 2, 2000, 10.0),
    ("FA", "2026-10", "V1", "x=1", 9, 9, 1.0))


@pytest.mark.parametrize("lang", LANGS)
def test_trend_firm_against_industry_with_threshold_band(lang):
    figure = charts.trend(TREND, "V1", lang, firm_id="FA", meets=0, watch=5)
    name = f"V1 {i18n.t('metric.V1', lang)}"
    assert_words(figure, i18n.t("chart.trend.title", lang, metric=name))
    assert [t.type for t in figure.data] == ["scatter", "scatter"]
    industry, own = figure.data
    assert industry.name == i18n.t("chart.industry", lang) and own.name == i18n.t("chart.own", lang)
    assert list(own.x) == ["2026-09", "2026-10"] and list(own.y) == [5.0, 10.0]  # the dim row is not mixed in
    assert own.line.color == tiers.COLOUR["meets"] and industry.line.dash == "dash"
    assert figure.layout.yaxis.title.text == i18n.t("metric_unit.V1", lang)
    assert figure.layout.xaxis.title.text == i18n.t("chart.period_axis", lang)
    band, line = figure.layout.shapes
    assert (band.y0, band.y1) == (0, 5) and band.fillcolor == tiers.COLOUR["watch"]
    assert (line.y0, line.y1) == (5, 5) and line.line.color == tiers.COLOUR["breach"]
    assert i18n.t("chart.trend.breach_above", lang) in [a.text for a in figure.layout.annotations]


def test_trend_of_a_higher_is_better_proportion_says_breach_below_and_uses_percent():
    rows = metric_rows(("ALL", "2026-10", "C3", "", 90, 100, 0.9))
    figure = charts.trend(rows, "C3", "en", meets=0.95, watch=0.85)
    assert len(figure.data) == 1 and figure.layout.title.text == "C3 " + i18n.t("metric.C3", "en") + ": industry trend"
    assert figure.layout.yaxis.tickformat == ".1%"
    assert "Breach below this line" in [a.text for a in figure.layout.annotations]


@pytest.mark.parametrize("lang", LANGS)
def test_firms_by_tier_colours_each_tier_and_labels_it_in_words(lang):
    overall = pl.DataFrame({"firm_id": ["FA", "FB", "FC", "FD"], "overall": ["breach", "meets", "breach", "not_judged"]})
    figure = charts.firms_by_tier(overall, lang, "2026-10")
    assert_words(figure, i18n.t("chart.tiers.title", lang, period="2026-10"))
    (bar,) = figure.data
    assert bar.type == "bar"
    assert list(bar.x) == [tiers.label(t, lang) for t in ("meets", "watch", "breach", "not_judged")]
    assert list(bar.y) == [1, 0, 2, 1]
    assert list(bar.marker.color) == ["#0072B2", "#E69F00", "#D55E00", "#999999"]
    assert figure.layout.yaxis.title.text == i18n.t("chart.firms_axis", lang)


def test_league_cells_carry_tier_colour_and_symbol():
    judged = pl.DataFrame({"firm_id": ["FA", "FA", "FB"], "standard_id": ["S01", "S02", "S01"],
                           "tier": ["breach", "meets", "watch"], "metric_id": ["V1", "V2", "V1"], "dim": ["", "", ""],
                           "value": [12.0, 0.0, 3.0]})
    figure = charts.league(judged, "zh", "2026-10", names={"FA": "甲公司", "FB": "乙公司"}, titles={"S01": "禁止时段"})
    assert_words(figure, "机构 × 自律标准评价表（2026-10）")
    (heat,) = figure.data
    assert heat.type == "heatmap" and list(heat.x) == ["S01", "S02"] and list(heat.y) == ["甲公司", "乙公司"]
    assert [list(r) for r in heat.z] == [[2, 0], [1, 3]]  # FB has no S02 row: not judged
    assert [list(r) for r in heat.text] == [["✗", "✓"], ["!", "–"]]
    assert heat.customdata[0][0] == "禁止时段<br>✗ 违规<br>每万次 12.0"
    # the stepped colour scale puts each tier code exactly on its colour (zmin -0.5, zmax 3.5)
    scale, lo, hi = heat.colorscale, heat.zmin, heat.zmax
    for code, tier in enumerate(tiers.TIERS):
        position = (code - lo) / (hi - lo)
        colour = next(c for (a, c), (b, _) in zip(scale, scale[1:]) if a <= position <= b and a != b)
        assert colour == tiers.COLOUR[tier], tier
    assert figure.layout.xaxis.title.text == "自律标准" and figure.layout.yaxis.title.text == "机构"


BENCH = pl.DataFrame({
    "metric_id": ["V1", "C3", "R2"], "value": [4.0, 0.9, 0.12], "median": [3.0, 0.95, None],
    "p25": [1.0, None, None], "p75": [6.0, None, None], "suppressed": ["", "", "too_few_firms"]},
    schema={"metric_id": pl.String, "value": pl.Float64, "median": pl.Float64, "p25": pl.Float64, "p75": pl.Float64,
            "suppressed": pl.String})


@pytest.mark.parametrize("lang", LANGS)
def test_benchmark_band_median_own_and_suppressed_reason(lang):
    figure = charts.benchmark(BENCH, lang, "2026-10")
    assert_words(figure, i18n.t("chart.benchmark.title", lang, period="2026-10"))
    # V1: band + median + own; C3 (no quartiles below 8 firms): median + own; R2 suppressed: own only
    assert [(t.type, t.xaxis) for t in figure.data] == [
        ("bar", "x"), ("scatter", "x"), ("scatter", "x"), ("scatter", "x2"), ("scatter", "x2"), ("scatter", "x3")]
    band = figure.data[0]
    assert list(band.base) == [1.0] and list(band.x) == [5.0] and list(band.customdata) == [6.0]
    assert [t.name for t in figure.data if t.showlegend] == [
        i18n.t("benchmark.quartiles", lang), i18n.t("benchmark.median", lang), i18n.t("benchmark.own", lang)]
    texts = [a.text for a in figure.layout.annotations]
    assert {"zh": "已隐藏：对标机构不足 5 家", "en": "Hidden: fewer than 5 peer firms"}[lang] in texts  # said once, not twice
    assert not any(t.xaxis == "x3" and t.name == i18n.t("benchmark.median", lang) for t in figure.data)  # never a number
    assert figure.layout.xaxis.title.text == i18n.t("metric_unit.V1", lang)
    assert figure.layout.xaxis2.tickformat == ".1%" and figure.layout.xaxis3.title.text == i18n.t("metric_unit.R2", lang)


def limits_at(figure: go.Figure, name: str, volume: float) -> tuple[float, float]:
    low, high = [t for t in figure.data if t.name == name]
    i = list(low.x).index(volume)
    return low.y[i], high.y[i]


def test_funnel_limits_by_hand_and_only_the_own_point():
    own = pl.DataFrame({"firm_id": ["FA"], "volume": [100.0], "value": [0.05]})
    figure = charts.funnel(own, "en", "V6", 0.01)
    assert_words(figure, "V6 " + i18n.t("metric.V6", "en") + ": how far from the industry rate (funnel plot)")
    # industry line, 95% low/high, 99.8% low/high, the firm: no other firm is drawn unless passed
    assert len(figure.data) == 6 and figure.data[-1].name == "Your firm" and list(figure.data[-1].y) == [0.05]
    # p0 = 0.01, n = 100: sd = sqrt(0.01 * 0.99 / 100) = 0.0099499; 1.96 sd = 0.0195014, 3.09 sd = 0.0307474
    low, high = limits_at(figure, "95% control limits", 100.0)
    assert low == 0.0 and high == pytest.approx(0.0295014, abs=1e-6)  # 0.01 - 0.0195 < 0 is clamped to 0
    low, high = limits_at(figure, "99.8% control limits", 100.0)
    assert low == 0.0 and high == pytest.approx(0.0407474, abs=1e-6)
    assert figure.layout.xaxis.type == "log" and figure.layout.xaxis.title.text == "Volume (connected calls and visits, log scale)"
    assert figure.layout.yaxis.title.text == i18n.t("metric_unit.V6", "en")


def test_funnel_per_10000_rate_and_other_firms_for_staff():
    own = pl.DataFrame({"firm_id": ["FA"], "volume": [20000.0], "value": [9.0]})
    others = pl.DataFrame({"firm_id": ["FB", "FC"], "volume": [10000.0, 500.0], "value": [5.0, 0.0]})
    figure = charts.funnel(own, "zh", "V1", 5.0, others=others, names={"FB": "乙公司"})
    # p0 = 5 / 10,000 = 0.0005, n = 20,000: sd = sqrt(0.0005 * 0.9995 / 20000) = 0.00015807;
    # 1.96 sd = 0.00030982 -> 5 +/- 3.0982 per 10,000 = [1.9018, 8.0982]
    low, high = limits_at(figure, "95% 控制限", 20000.0)
    assert low == pytest.approx(1.9018, abs=1e-4) and high == pytest.approx(8.0982, abs=1e-4)
    staff = [t for t in figure.data if t.name == i18n.t("filter.firm", "zh")]
    assert len(staff) == 1 and list(staff[0].text) == ["乙公司", "FC"]
    assert 10000.0 in list(figure.data[1].x) and 500.0 in list(figure.data[1].x)  # limits readable at their points
    assert figure.layout.title.text.startswith("V1 ") and "漏斗图" in figure.layout.title.text


def test_trend_for_staff_names_the_chosen_firm_and_a_firm_alone_gets_no_empty_industry_line():
    staff = charts.trend(TREND, "V1", "en", firm_id="FA", names={"FA": "Alpha"})
    assert [t.name for t in staff.data] == [i18n.t("chart.industry", "en"), "Alpha"]
    alone = charts.trend(TREND.filter(pl.col("firm_id") == "FA"), "V1", "en", firm_id="FA")
    assert [t.name for t in alone.data] == [i18n.t("chart.own", "en")]


def test_funnel_for_staff_labels_the_chosen_firm_by_name():
    own = pl.DataFrame({"firm_id": ["FA"], "volume": [20000.0], "value": [9.0]})
    figure = charts.funnel(own, "en", "V1", 5.0, others=own.clear(), names={"FA": "Alpha"})
    assert figure.data[-1].name == "Alpha" and list(figure.data[-1].text) == ["Alpha"]
    assert charts.funnel(own, "en", "V1", 5.0).data[-1].name == i18n.t("chart.own", "en")


# ---- conduct -----------------------------------------------------------------------------

HEAT = pl.DataFrame({"weekday": [1, 1, 7], "hour": [7, 23, 12], "contacts": [5, 2, 9]})


@pytest.mark.parametrize("lang", LANGS)
def test_contacts_heatmap_shades_a_window_crossing_midnight(lang):
    figure = charts.contacts_heatmap(HEAT, lang, "22:00", "08:00")
    assert_words(figure, i18n.t("chart.heat.title", lang, start="22:00", end="08:00"))
    (heat,) = figure.data
    assert heat.type == "heatmap" and len(heat.z) == 7 and len(heat.z[0]) == 24
    assert heat.z[0][7] == 5 and heat.z[0][23] == 2 and heat.z[6][12] == 9
    assert (heat.x0, heat.dx) == (0.5, 1)  # hour h is the cell from h to h+1
    assert heat.customdata[0][23] == "23:00–24:00"
    assert [(s.x0, s.x1) for s in figure.layout.shapes] == [(22.0, 24.0), (0.0, 8.0)]
    # the veil is in the fill colour; a shape opacity below 1 would fade the vermillion edge with it
    assert all(s.line.color == tiers.COLOUR["breach"] and s.opacity in (None, 1) for s in figure.layout.shapes)
    assert figure.layout.xaxis.title.text == i18n.t("chart.heat.hour_axis", lang)
    assert list(heat.y)[0] == i18n.t("conduct.weekday.1", lang)


def test_quiet_window_with_minutes_and_one_inside_the_day():
    assert charts.quiet_spans("21:00", "07:30") == [(21.0, 24.0), (0.0, 7.5)]
    assert charts.quiet_spans("08:00", "21:00") == [(8.0, 21.0)]
    assert charts.quiet_spans("00:00", "00:00") == []


def test_violations_stack_counts_by_type():
    rows = metric_rows(("FA", "2026-09", "V1", "", 3, 1000, 30.0), ("FA", "2026-10", "V1", "", 1, 1000, 10.0),
                       ("FA", "2026-10", "V4", "", 2, 1000, 20.0), ("FB", "2026-10", "V2", "", 7, 1000, 70.0))
    figure = charts.violations_over_time(rows, "en", firm_id="FA")
    assert_words(figure, "Violating contacts by type, per month")
    assert [(t.type, t.name) for t in figure.data] == [("bar", "V1 " + i18n.t("metric.V1", "en")),
                                                        ("bar", "V4 " + i18n.t("metric.V4", "en"))]
    assert list(figure.data[0].y) == [3, 1] and figure.layout.barmode == "stack"
    assert figure.data[0].marker.pattern.shape != figure.data[1].marker.pattern.shape  # not colour alone
    assert not {t.marker.color for t in figure.data} & set(tiers.COLOUR.values())
    assert figure.layout.yaxis.title.text == "Violations"


# ---- complaints --------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_complaint_mix_shares_largest_on_top(lang):
    mix = pl.DataFrame({"category": ["threats_abuse", "out_of_hours", "other"], "complaints": [6, 3, 1]})
    figure = charts.complaint_mix(mix, lang, "2026-10")
    assert_words(figure, i18n.t("chart.complaints.mix_title", lang, period="2026-10"))
    (bar,) = figure.data
    assert bar.orientation == "h" and list(bar.x) == [0.1, 0.3, 0.6] and list(bar.customdata) == [1, 3, 6]
    assert bar.y[-1] == i18n.t("enum.category.threats_abuse", lang)
    assert figure.layout.xaxis.title.text == i18n.t("chart.complaints.share_axis", lang)


def test_complaint_outcomes_in_template_order():
    outcomes = pl.DataFrame({"outcome": ["not_upheld", "upheld", "pending"], "complaints": [4, 2, 1]})
    figure = charts.complaint_outcomes(outcomes, "zh", "2026-10")
    assert_words(figure, "投诉处理结论（2026-10）")
    assert list(figure.data[0].x) == ["处理中", "成立", "不成立"] and list(figure.data[0].y) == [1, 2, 4]
    assert figure.layout.yaxis.title.text == "投诉件数"


@pytest.mark.parametrize("lang", LANGS)
def test_time_to_close_splits_at_the_15_day_line(lang):
    days = pl.DataFrame({"days": [3, 15, 16, 30], "complaints": [4, 2, 1, 1]})
    figure = charts.time_to_close(days, lang)
    assert_words(figure, i18n.t("chart.complaints.close_title", lang, days=15))
    within, over = figure.data
    assert (within.name, over.name) == {"zh": ("15 日内办结", "超过 15 日"), "en": ("Closed within 15 days", "Over 15 days")}[lang]
    assert list(within.x) == [3, 15] and list(over.x) == [16, 30]
    assert within.width == over.width == 0.9  # one day per bar, however sparse the days
    assert within.marker.color == tiers.COLOUR["meets"] and over.marker.color == tiers.COLOUR["breach"]
    assert over.marker.pattern.shape == "/"
    (line,) = figure.layout.shapes
    assert line.x0 == line.x1 == 15.5  # day 15 is within 15 days
    assert i18n.t("chart.complaints.limit_line", lang, days=15) in [a.text for a in figure.layout.annotations]
    assert figure.layout.xaxis.title.text == i18n.t("chart.complaints.days_axis", lang)


def test_vulnerable_against_other_debtors():
    rows = metric_rows(("ALL", "2026-10", "C6", "group=vulnerable", 3, 500, 6.0), ("ALL", "2026-10", "C6", "group=other", 4, 2000, 2.0),
                       ("ALL", "2026-10", "C6", "", 6, 2, 3.0))
    figure = charts.vulnerable_vs_other(rows, "en")
    assert_words(figure, "Complaint rate: vulnerable debtors and others")
    assert [(t.name, list(t.y)) for t in figure.data] == [("Vulnerable debtors", [6.0]), ("Other debtors", [2.0])]
    assert figure.layout.barmode == "group" and figure.layout.yaxis.title.text == "Complaints per 1,000 active cases"


# ---- recovery ----------------------------------------------------------------------------

def test_vintage_curves_one_line_per_vintage():
    rows = metric_rows(*[("ALL", "2026-10", "R1", f"vintage={v};m={m}", m * 10, 1000, m / 100)
                         for v in ("2026-03", "2026-04") for m in range(1, 4)],
                       ("ALL", "2026-10", "R1", "dpd=M1", 1, 10, 0.1))
    figure = charts.vintage_curves(rows, "zh")
    assert_words(figure, "账龄曲线：各委案月份的累计回款率")
    assert [t.name for t in figure.data] == ["2026-03", "2026-04"]
    assert list(figure.data[0].x) == [1, 2, 3] and list(figure.data[0].y) == [0.01, 0.02, 0.03]
    assert figure.data[0].line.color != figure.data[1].line.color
    assert figure.layout.xaxis.title.text == "委案后月数" and figure.layout.yaxis.tickformat == ".0%"
    assert len(charts.vintage_curves(rows, "zh", vintages=["2026-04"]).data) == 1


def test_recovery_by_dpd_bucket_in_bucket_order_with_words():
    rows = metric_rows(("FA", "2026-10", "R1", "dpd=M6+", 1, 100, 0.01), ("FA", "2026-10", "R1", "dpd=M1", 30, 100, 0.3),
                       ("FA", "2026-10", "R1", "dpd=M4-M6", 5, 100, 0.05), ("FA", "2026-09", "R1", "dpd=M2", 9, 10, 0.9))
    figure = charts.recovery_by(rows, "en", "dpd", "2026-10", firm_id="FA")
    assert_words(figure, "Recovered within 6 months, by days overdue at placement")
    assert list(figure.data[0].x) == ["M1 (1–30 days overdue)", "M4–M6 (91–180 days overdue)", "M6+ (over 180 days overdue)"]
    assert list(figure.data[0].y) == [0.3, 0.05, 0.01]
    with pytest.raises(ValueError, match="dpd, product or region"):
        charts.recovery_by(rows, "en", "creditor", "2026-10")


def test_recovery_by_region_keeps_codes_as_categories():
    rows = metric_rows(("FA", "2026-10", "R1", "region=110105", 1, 10, 0.1), ("FA", "2026-10", "R1", "region=810000", 2, 10, 0.2))
    figure = charts.recovery_by(rows, "en", "region", "2026-10", firm_id="FA")
    assert list(figure.data[0].x) == ["110105", "810000"] and figure.layout.xaxis.type == "category"


def test_quadrant_median_lines():
    points = pl.DataFrame({"firm_id": ["FA", "FB", "FC", "FD"], "recovery": [0.1, 0.3, 0.2, None],
                           "violations": [5.0, 1.0, 9.0, 2.0]})
    figure = charts.quadrant(points, "en", names={"FA": "Alpha"})
    assert_words(figure, i18n.t("chart.recovery.quadrant_title", "en"))
    (scatter,) = figure.data
    assert list(scatter.text) == ["Alpha", "FB", "FC"]  # FD lacks a recovery rate
    vline, hline = figure.layout.shapes
    assert vline.x0 == 5.0 and hline.y0 == 0.2
    assert figure.layout.xaxis.title.text == "Violating contacts per 10,000 contacts"
    assert figure.layout.yaxis.title.text.startswith("R2 ")


def test_fee_mix_names_models_only():
    figure = charts.fee_mix(pl.DataFrame({"fee_model": ["success", "percentage"], "cases": [10, 30]}), "zh")
    assert_words(figure, "全行业收费模式构成（仅收费模式，不含费率）")
    (pie,) = figure.data
    assert pie.type == "pie" and list(pie.labels) == ["按回款比例收费", "仅成功收费"] and list(pie.values) == [30, 10]
    assert pie.textposition == "outside" and list(pie.marker.pattern.shape) == ["", "/"]  # words off the patterns


# ---- collection process ------------------------------------------------------------------

STAGES = pl.DataFrame({"firm_id": ["FA", "FA", "FA", "FB", "FB", "FA"],
                       "stage": ["assessment", "first_contact", "closed:settled", "first_contact", "legal_action", "closed:written_off"],
                       "cases": [10, 30, 5, 20, 20, 1]})


@pytest.mark.parametrize("lang", LANGS)
def test_stage_funnel_in_process_order(lang):
    figure = charts.stages(STAGES, lang)
    assert_words(figure, i18n.t("chart.process.stages_title", lang))
    (funnel,) = figure.data
    assert funnel.type == "funnel" and list(funnel.x) == [10, 50, 0, 20]
    assert funnel.textinfo == "value+percent total"  # a stage's share of open cases: stages are not conversions
    assert list(funnel.y) == [i18n.t(f"process.stage.{s}", lang) for s in ("assessment", "first_contact", "repayment_plan", "legal_action")]


def test_stages_by_firm_shares_and_closure_mix():
    figure = charts.stages_by_firm(STAGES, "en", names={"FA": "Alpha"})
    assert_words(figure, "Open cases by stage, per firm")
    assert len(figure.data) == 4 and figure.layout.barmode == "stack"
    first_contact = figure.data[1]
    assert figure.layout.legend.traceorder == "normal"  # stages listed in process order, not reversed by the stack
    assert list(first_contact.y) == ["Alpha", "FB"] and list(first_contact.x) == [0.75, 0.5]
    closed = charts.closure_mix(STAGES, "en", "2026-10")
    assert_words(closed, "How closed cases closed (2026-10)")
    assert list(closed.data[0].labels) == ["Settled", "Written off"] and list(closed.data[0].values) == [5, 1]


def test_a_frame_missing_a_column_is_named():
    with pytest.raises(ValueError, match=r"chart contacts_heatmap: input lacks column\(s\) \['contacts'\]"):
        charts.contacts_heatmap(pl.DataFrame({"weekday": [1], "hour": [2]}), "en")


# ---- rendering smoke test ----------------------------------------------------------------

@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="no chromium for kaleido (it finds Debian's by itself)")
def test_one_figure_renders_to_png():
    figure = charts.firms_by_tier(pl.DataFrame({"overall": ["meets", "breach"]}), "zh", "2026-10")
    png = figure.to_image(format="png", width=400, height=300)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


def test_time_to_close_follows_the_standard_it_is_given():
    figure = charts.time_to_close(pl.DataFrame({"days": [9, 10, 11], "complaints": [1, 1, 1]}), "en", limit_days=10)
    assert figure.layout.title.text == "Days to close a complaint (dashed: the 10-day standard)"
    within, over = figure.data
    assert list(within.x) == [9, 10] and list(over.x) == [11] and over.name == "Over 10 days"
    assert figure.layout.shapes[0].x0 == 10.5


def test_benchmark_says_the_position_and_a_widened_peer_group_under_each_title():
    rows = BENCH.with_columns(better_than_pct=pl.Series([70.0, 33.3, 50.0]), level_pct=pl.Series([10.0, None, None]),
                              widened=pl.Series([False, True, True]))
    for lang, v1, c3 in (
            ("en", "Better than 70% of peers, level with 10%", "Better than 33% of peers"),
            ("zh", "优于 70% 的同业机构，与 10% 的同业持平", "优于 33% 的同业机构")):
        titles = [a.text for a in charts.benchmark(rows, lang, "2026-10").layout.annotations if a.xref == "paper"]
        small = "<br><span style='font-size:11px'>{}</span>"
        assert titles[0] == f"V1 {i18n.t('metric.V1', lang)}" + small.format(v1)
        assert titles[1] == f"C3 {i18n.t('metric.C3', lang)}" + small.format(c3) + small.format(i18n.t("reason.widened", lang))
        assert titles[2] == f"R2 {i18n.t('metric.R2', lang)}"  # suppressed: no position, no peer words at all


def test_funnel_refuses_a_metric_without_binomial_limits():
    own = pl.DataFrame({"firm_id": ["FA"], "volume": [100.0], "value": [1.5]})
    for metric_id in ("V8", "C6", "R4"):
        with pytest.raises(ValueError, match=f"chart funnel: {metric_id} '' is not a rate"):
            charts.funnel(own, "en", metric_id, 1.0)
