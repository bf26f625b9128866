"""Recovery charts: vintage curves, breakdowns by DPD bucket / product / region, recovery vs conduct, fee models."""

from __future__ import annotations

import statistics

import plotly.colors
import plotly.graph_objects as go
import polars as pl

from .. import i18n, tiers
from .base import CATEGORY, finish, firm_name, hover, metric_label, require

DPD_ORDER = ("M1", "M2", "M3", "M4-M6", "M6+")


def vintage_curves(table: pl.DataFrame, lang: str, firm_id: str = "ALL", vintages: list[str] | None = None) -> go.Figure:
    """Share of the amount placed recovered m months after placement (m = 1..12), one line per vintage.

    table: the long metric table (firm_id, metric_id, dim, value): R1's rows with dim
    'vintage=YYYY-MM;m=N'. vintages: which to draw (default all present); the caller leaves out
    vintages placed before the first submitted month, whose early payments are missing.
    Colours run light (oldest) to dark (newest) along one colour-blind-safe scale, so order reads without a legend.
    """
    require(table, ("firm_id", "metric_id", "dim", "value"), "vintage_curves")
    points = table.filter((pl.col("firm_id") == firm_id) & (pl.col("metric_id") == "R1")
                          & pl.col("dim").str.starts_with("vintage=")).with_columns(
        vintage=pl.col("dim").str.extract(r"vintage=([0-9-]+)"), m=pl.col("dim").str.extract(r"m=([0-9]+)").cast(pl.Int64))
    chosen = sorted(vintages if vintages is not None else points["vintage"].unique().to_list())
    colours = plotly.colors.sample_colorscale("Viridis", [0.85 - 0.85 * i / max(len(chosen) - 1, 1) for i in range(len(chosen))])
    figure = go.Figure()
    for vintage, colour in zip(chosen, colours):
        line = points.filter(pl.col("vintage") == vintage).sort("m")
        figure.add_trace(go.Scatter(x=line["m"].to_list(), y=line["value"].to_list(), mode="lines+markers", name=vintage,
                                    line={"color": colour}, hovertemplate=hover("chart.recovery.hover_vintage", lang)))
    return finish(figure, i18n.t("chart.recovery.vintage_title", lang), i18n.t("chart.recovery.months_axis", lang),
                  i18n.t("chart.recovery.recovered_axis", lang), xaxis={"tickvals": list(range(1, 13)), "range": [0.5, 12.5]},
                  yaxis_tickformat=".0%", yaxis_rangemode="tozero", height=420)


def _group_label(by: str, code: str, lang: str) -> str:
    if by == "dpd":
        return i18n.t(f"enum.dpd.{code}", lang)
    if by == "product":
        return i18n.t(f"enum.product.{code}", lang)
    return code  # region codes are administrative codes, shown as submitted


def recovery_by(table: pl.DataFrame, lang: str, by: str, period: str, firm_id: str = "ALL") -> go.Figure:
    """R1 (recovered within 6 months) by DPD bucket at placement, product or region, for one period.

    table: the long metric table (firm_id, period, metric_id, dim, value): R1's rows with dim
    'dpd=M1' .. 'dpd=M6+', 'product=<enum>' or 'region=<code>'. by: 'dpd', 'product' or 'region'.
    """
    if by not in ("dpd", "product", "region"):
        raise ValueError(f"recovery_by: by must be dpd, product or region, not {by!r}")
    require(table, ("firm_id", "period", "metric_id", "dim", "value"), "recovery_by")
    rows = table.filter((pl.col("firm_id") == firm_id) & (pl.col("period") == period) & (pl.col("metric_id") == "R1")
                        & pl.col("dim").str.starts_with(f"{by}="))
    values = {d.split("=", 1)[1]: v for d, v in rows.select("dim", "value").iter_rows()}
    order = [c for c in DPD_ORDER if c in values] if by == "dpd" else sorted(values)
    figure = go.Figure(go.Bar(x=[_group_label(by, c, lang) for c in order], y=[values[c] for c in order],
                              marker_color=tiers.COLOUR[tiers.MEETS], hovertemplate=hover("chart.recovery.hover_by", lang)))
    return finish(figure, i18n.t("chart.recovery.by_title", lang, by=i18n.t(f"chart.recovery.by.{by}", lang)), "",
                  i18n.t("chart.recovery.recovered_axis", lang), yaxis_tickformat=".0%", height=340,
                  xaxis_type="category")  # region codes are digits: a numeric axis would space them by value


def quadrant(points: pl.DataFrame, lang: str, names: dict[str, str] | None = None, recovery_metric: str = "R2") -> go.Figure:
    """Each firm's recovery rate (y) against its violation rate (x), with dotted median lines.

    points: firm_id, recovery (a proportion, e.g. R2), violations (violating contacts per 10,000
    contacts). For association staff only: it names firms. Firms without both values are left out.
    """
    require(points, ("firm_id", "recovery", "violations"), "quadrant")
    rows = points.drop_nulls(["recovery", "violations"])
    figure = go.Figure(go.Scatter(
        x=rows["violations"].to_list(), y=rows["recovery"].to_list(), mode="markers+text",
        text=[firm_name(f, names, lang) for f in rows["firm_id"]], textposition="top center",
        marker={"size": 11, "color": tiers.COLOUR[tiers.MEETS]}, hovertemplate=hover("chart.recovery.hover_quadrant", lang)))
    if rows.height:
        figure.add_vline(x=statistics.median(rows["violations"].to_list()), line_dash="dot", line_color="#000000")
        figure.add_hline(y=statistics.median(rows["recovery"].to_list()), line_dash="dot", line_color="#000000")
    y_title = f"{metric_label(recovery_metric, lang)} ({i18n.t(f'metric_unit.{recovery_metric}', lang)})"
    return finish(figure, i18n.t("chart.recovery.quadrant_title", lang), i18n.t("chart.recovery.violations_axis", lang), y_title,
                  yaxis_tickformat=".1%", height=440, showlegend=False)


def fee_mix(mix: pl.DataFrame, lang: str) -> go.Figure:
    """The industry's mix of fee models by cases held (models only: fee rates are never collected or shown).

    mix: fee_model (percentage / fixed / success), cases, as access.fee_mix returns.
    """
    require(mix, ("fee_model", "cases"), "fee_mix")
    rows = mix.sort("fee_model")
    figure = go.Figure(go.Pie(labels=[i18n.t(f"enum.fee_model.{m}", lang) for m in rows["fee_model"]], values=rows["cases"].to_list(),
                              marker={"colors": list(CATEGORY[:rows.height]), "pattern": {"shape": ["", "/", "."][:rows.height]}},
                              sort=False, textinfo="label+percent", textposition="outside",  # words on a patterned slice do not read
                              hovertemplate=hover("chart.recovery.hover_fee", lang)))
    return finish(figure, i18n.t("chart.recovery.fee_title", lang), None, None, height=360, showlegend=False).update_layout(
        margin={"t": 90, "b": 30})  # outside labels need room under the title; no legend below
