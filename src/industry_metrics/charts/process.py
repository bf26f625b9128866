"""Collection-process charts: where open cases stand (assessment -> legal action) and how closed cases closed."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from .. import contract, i18n, tiers
from .base import CATEGORY, PATTERN, finish, firm_name, hover, require

STAGES = ("assessment", "first_contact", "repayment_plan", "legal_action")
STATUSES = contract.table("cases").column("status").enum


def _require(rows: pl.DataFrame, chart: str) -> None:
    require(rows, ("firm_id", "stage", "cases"), chart)


def stages(rows: pl.DataFrame, lang: str) -> go.Figure:
    """Open cases at period end by stage, as a funnel from assessment down to legal action.

    rows: firm_id, stage, cases, as access.process_stages returns (stage one of STAGES, or
    'closed:<status>', which this chart leaves out); summed over the firms given.
    """
    _require(rows, "stages")
    counts = dict(rows.group_by("stage").agg(pl.col("cases").sum()).iter_rows())
    figure = go.Figure(go.Funnel(y=[i18n.t(f"process.stage.{s}", lang) for s in STAGES], x=[counts.get(s, 0) for s in STAGES],
                                 marker={"color": tiers.COLOUR[tiers.MEETS]}, textinfo="value+percent total",  # stages hold different cases: a share of all open ones, not a conversion
                                 hovertemplate=hover("chart.process.hover_stage", lang)))
    return finish(figure, i18n.t("chart.process.stages_title", lang), i18n.t("chart.process.cases_axis", lang), "", height=340)


def stages_by_firm(rows: pl.DataFrame, lang: str, names: dict[str, str] | None = None) -> go.Figure:
    """Each firm's open cases split by stage (shares, stacked to 100%); for association staff.

    rows: firm_id, stage, cases (access.process_stages for every firm); closed rows left out.
    """
    _require(rows, "stages_by_firm")
    open_rows = rows.filter(pl.col("stage").is_in(STAGES)).with_columns(share=pl.col("cases") / pl.col("cases").sum().over("firm_id"))
    firms = sorted(open_rows["firm_id"].unique().to_list())
    figure = go.Figure()
    for i, stage in enumerate(STAGES):
        share = dict(open_rows.filter(pl.col("stage") == stage).select("firm_id", "share").iter_rows())
        figure.add_trace(go.Bar(y=[firm_name(f, names, lang) for f in firms], x=[share.get(f, 0.0) for f in firms], orientation="h",
                                name=i18n.t(f"process.stage.{stage}", lang),
                                marker={"color": CATEGORY[i % len(CATEGORY)], "pattern": {"shape": PATTERN[i % len(PATTERN)]}},
                                hovertemplate=hover("chart.process.hover_share", lang)))
    return finish(figure, i18n.t("chart.process.by_firm_title", lang), i18n.t("chart.process.share_axis", lang), "",
                  barmode="stack", xaxis_tickformat=".0%", yaxis_autorange="reversed", height=max(300, 100 + 30 * len(firms)))


def closure_mix(rows: pl.DataFrame, lang: str, period: str) -> go.Figure:
    """How the cases closed by period end closed (settled, paid in full, returned, written off).

    rows: firm_id, stage, cases (access.process_stages); the 'closed:<status>' rows, summed over firms.
    """
    _require(rows, "closure_mix")
    closed = rows.filter(pl.col("stage").str.starts_with("closed:")).with_columns(status=pl.col("stage").str.slice(len("closed:")))
    counts = dict(closed.group_by("status").agg(pl.col("cases").sum()).iter_rows())
    shown = [s for s in STATUSES if s in counts]
    figure = go.Figure(go.Pie(labels=[i18n.t(f"enum.status.{s}", lang) for s in shown], values=[counts[s] for s in shown], sort=False,
                              marker={"colors": [CATEGORY[i % len(CATEGORY)] for i in range(len(shown))],
                                      "pattern": {"shape": [PATTERN[i % len(PATTERN)] for i in range(len(shown))]}},
                              textinfo="label+percent", textposition="outside",  # words on a patterned slice do not read
                              hovertemplate=hover("chart.process.hover_closure", lang)))
    return finish(figure, i18n.t("chart.process.closure_title", lang, period=period), None, None, height=360, showlegend=False).update_layout(
        margin={"t": 90, "b": 30})  # outside labels need room under the title; no legend below
