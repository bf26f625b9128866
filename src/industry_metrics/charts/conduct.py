"""Conduct charts: when contacts happen (against the quiet window) and violations by type over time."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from .. import i18n, tiers
from .base import CATEGORY, PATTERN, finish, hover, metric_label, require

CONDUCT = ("V1", "V2", "V3", "V4", "V5")


def _hours(hhmm: str) -> float:
    """'22:00' -> 22.0, '07:30' -> 7.5 (the window's edge on the hour axis)."""
    hours, minutes = hhmm.split(":")
    return int(hours) + int(minutes) / 60


def quiet_spans(start: str, end: str) -> list[tuple[float, float]]:
    """The quiet window as spans of the 0-24 hour axis; one crossing midnight becomes two (22-24 and 0-8)."""
    s, e = _hours(start), _hours(end)
    if s == e:
        return []
    return [(s, e)] if s < e else [(s, 24.0), (0.0, e)]


def contacts_heatmap(heat: pl.DataFrame, lang: str, quiet_start: str = "22:00", quiet_end: str = "08:00") -> go.Figure:
    """Outbound contacts by local hour (x) and weekday (y), the quiet window shaded.

    heat: weekday (ISO 1 = Monday .. 7), hour (local, 0-23), contacts (as access.contact_heat
    returns). Each hour h is drawn as the cell from h to h+1 on the axis, so the shaded spans sit
    exactly on the window's clock times, minutes included (21:00-07:30 shades 21-24 and 0-7.5).
    """
    require(heat, ("weekday", "hour", "contacts"), "contacts_heatmap")
    grid = [[0] * 24 for _ in range(7)]
    for r in heat.iter_rows(named=True):
        grid[r["weekday"] - 1][r["hour"]] += r["contacts"]
    hours = [f"{h:02d}:00–{h + 1:02d}:00" for h in range(24)]
    figure = go.Figure(go.Heatmap(
        z=grid, x0=0.5, dx=1, y=[i18n.t(f"conduct.weekday.{d}", lang) for d in range(1, 8)],
        customdata=[hours] * 7, colorscale="Blues", colorbar={"title": {"text": i18n.t("metric_base.V1", lang)}},
        hovertemplate=hover("chart.heat.hover", lang)))
    for i, (x0, x1) in enumerate(quiet_spans(quiet_start, quiet_end)):
        # dark veil plus a dashed vermillion edge: visible on light and dark cells, and without colour
        label = {"annotation_text": i18n.t("chart.heat.quiet", lang), "annotation_position": "top left"} if i == 0 else {}
        figure.add_vrect(x0=x0, x1=x1, fillcolor="rgba(0,0,0,0.15)",  # veil in the fill: a shape's opacity would fade its edge too
                         line={"color": tiers.COLOUR[tiers.BREACH], "dash": "dash", "width": 2}, **label)
    return finish(figure, i18n.t("chart.heat.title", lang, start=quiet_start, end=quiet_end), i18n.t("chart.heat.hour_axis", lang),
                  i18n.t("chart.heat.weekday_axis", lang), xaxis={"range": [0, 24], "tickvals": list(range(0, 25, 2))},
                  yaxis_autorange="reversed")


def violations_over_time(table: pl.DataFrame, lang: str, firm_id: str = "ALL", metric_ids: tuple[str, ...] = CONDUCT) -> go.Figure:
    """Violating contacts per period, stacked by type (counts: rates per 10,000 of different bases do not add up).

    table: the long metric table (firm_id, period, metric_id, dim, numerator), one grain; the
    headline rows (dim '') of each metric give its count of violations in the period.
    """
    require(table, ("firm_id", "period", "metric_id", "dim", "numerator"), "violations_over_time")
    rows = table.filter((pl.col("firm_id") == firm_id) & (pl.col("dim") == "") & pl.col("metric_id").is_in(metric_ids))
    figure = go.Figure()
    for i, metric_id in enumerate(m for m in metric_ids if m in set(rows["metric_id"].to_list())):
        series = rows.filter(pl.col("metric_id") == metric_id).sort("period")
        figure.add_trace(go.Bar(x=series["period"].to_list(), y=series["numerator"].to_list(), name=metric_label(metric_id, lang),
                                marker={"color": CATEGORY[i % len(CATEGORY)], "pattern": {"shape": PATTERN[i % len(PATTERN)]}},
                                hovertemplate=i18n.t("chart.violations.hover", lang)))
    return finish(figure, i18n.t("chart.violations.title", lang), i18n.t("chart.period_axis", lang),
                  i18n.t("chart.violations.count_axis", lang), barmode="stack", xaxis_type="category")
