"""Complaint charts: category mix, outcomes, time to close against the 15-day line, vulnerable vs others."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from .. import contract, i18n, tiers
from .base import CATEGORY, PATTERN, finish, hover, require

OUTCOMES = contract.table("complaints").column("outcome").enum


def complaint_mix(mix: pl.DataFrame, lang: str, period: str) -> go.Figure:
    """Share of complaints received by category, largest at the top.

    mix: category (template enum), complaints (count received in the period).
    """
    require(mix, ("category", "complaints"), "complaint_mix")
    total = mix["complaints"].sum() or 0
    rows = mix.sort("complaints")  # horizontal bars draw bottom-up: largest ends on top
    figure = go.Figure(go.Bar(
        y=[i18n.t(f"enum.category.{c}", lang) for c in rows["category"]], orientation="h",
        x=[n / total if total else 0.0 for n in rows["complaints"]], customdata=rows["complaints"].to_list(),
        marker_color=CATEGORY[0], hovertemplate=hover("chart.complaints.hover_share", lang)))
    return finish(figure, i18n.t("chart.complaints.mix_title", lang, period=period), i18n.t("chart.complaints.share_axis", lang),
                  "", xaxis_tickformat=".0%", height=max(300, 60 + 30 * rows.height))


def complaint_outcomes(outcomes: pl.DataFrame, lang: str, period: str) -> go.Figure:
    """Complaints by outcome, in the template's order (pending, upheld, ... withdrawn).

    outcomes: outcome (template enum), complaints (count).
    """
    require(outcomes, ("outcome", "complaints"), "complaint_outcomes")
    counts = dict(outcomes.select("outcome", "complaints").iter_rows())
    shown = [o for o in OUTCOMES if o in counts]
    figure = go.Figure(go.Bar(x=[i18n.t(f"enum.outcome.{o}", lang) for o in shown], y=[counts[o] for o in shown],
                              marker_color=CATEGORY[1], hovertemplate=hover("chart.complaints.hover_count", lang)))
    return finish(figure, i18n.t("chart.complaints.outcome_title", lang, period=period), "",
                  i18n.t("chart.complaints.count_axis", lang), height=340)


def time_to_close(days: pl.DataFrame, lang: str, limit_days: int = 15) -> go.Figure:
    """Histogram of days from receipt to closure, split at the standard: within the limit and over it.

    days: days (whole days, closed_on - received_on), complaints (count), as
    access.complaint_close_days returns. The dashed line sits between day `limit_days` and the
    next, since a complaint closed on day 15 is within 15 days.
    """
    require(days, ("days", "complaints"), "time_to_close")
    rows = days.sort("days")
    figure = go.Figure()
    for key, keep, tier, pattern in (("within", pl.col("days") <= limit_days, tiers.MEETS, ""),
                                     ("over", pl.col("days") > limit_days, tiers.BREACH, "/")):
        part = rows.filter(keep)
        figure.add_trace(go.Bar(x=part["days"].to_list(), y=part["complaints"].to_list(), name=i18n.t(f"chart.complaints.{key}", lang, days=limit_days),
                                marker={"color": tiers.COLOUR[tier], "pattern": {"shape": pattern}},
                                # one day wide: left alone, plotly widens a sparse trace's bars over its neighbours' days
                                width=0.9, hovertemplate=hover("chart.complaints.hover_days", lang)))
    figure.add_vline(x=limit_days + 0.5, line_dash="dash", line_color="#000000",
                     annotation_text=i18n.t("chart.complaints.limit_line", lang, days=limit_days), annotation_position="top right")
    return finish(figure, i18n.t("chart.complaints.close_title", lang, days=limit_days), i18n.t("chart.complaints.days_axis", lang),
                  i18n.t("chart.complaints.count_axis", lang), barmode="overlay", bargap=0.1)


def vulnerable_vs_other(table: pl.DataFrame, lang: str, firm_id: str = "ALL") -> go.Figure:
    """Complaint rate per 1,000 active cases for vulnerable debtors beside other debtors, per period.

    table: the long metric table (firm_id, period, metric_id, dim, value): C6's rows with dim
    'group=vulnerable' and 'group=other' (each a rate per 1,000).
    """
    require(table, ("firm_id", "period", "metric_id", "dim", "value"), "vulnerable_vs_other")
    rows = table.filter((pl.col("firm_id") == firm_id) & (pl.col("metric_id") == "C6"))
    figure = go.Figure()
    for i, group in enumerate(("vulnerable", "other")):
        series = rows.filter(pl.col("dim") == f"group={group}").sort("period")
        figure.add_trace(go.Bar(x=series["period"].to_list(), y=series["value"].to_list(), name=i18n.t(f"chart.complaints.{group}", lang),
                                marker={"color": CATEGORY[2 - 2 * i], "pattern": {"shape": PATTERN[i]}},
                                hovertemplate=i18n.t("chart.complaints.hover_rate", lang)))
    return finish(figure, i18n.t("chart.complaints.vulnerable_title", lang), i18n.t("chart.period_axis", lang),
                  i18n.t("chart.complaints.rate_axis", lang), barmode="group", xaxis_type="category")
