"""What every chart shares: words from the catalogs, axis formats per metric unit, the palette.

Builders take Polars DataFrames and return plotly Figures; they never read the store, so a
page, a report pack and a test can all hand them the same small frames.
"""

from __future__ import annotations

from typing import Iterable

import plotly.graph_objects as go
import polars as pl

from .. import i18n, judge

# Okabe-Ito colours left over once the tiers have taken blue, orange, vermillion and grey:
# used for categories (violation types, vintages...), so a category never looks like a tier.
CATEGORY = ("#56B4E9", "#009E73", "#CC79A7", "#F0E442", "#000000")
# a second cue beside colour for stacked or grouped bars
PATTERN = ("", "/", ".", "x", "\\", "+", "-", "|")
INDUSTRY = "#555555"
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"


def require(frame: pl.DataFrame, columns: Iterable[str], chart: str) -> None:
    """A frame without a column the chart reads is the caller's bug: name the chart and the columns."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"chart {chart}: input lacks column(s) {missing}; it has {frame.columns}")


def metric_label(metric_id: str, lang: str) -> str:
    return f"{metric_id} {i18n.t(f'metric.{metric_id}', lang)}"


def axis_format(metric_id: str, dim: str = "") -> str:
    """d3 format for a metric's values: proportions as %, per-1,000/10,000 rates and days as numbers."""
    if metric_id == "R4":
        return ",.0f"
    if metric_id in ("C6", "V8") and dim == "":
        return ".2f"
    if judge.scale_of(metric_id, dim) == 1.0 and judge.is_proportion(metric_id, dim):
        return ".1%"
    return ",.1f"


def finish(figure: go.Figure, title: str, x_title: str | None, y_title: str | None, height: int = 380,
           **layout) -> go.Figure:
    """Title, axis titles (None: the builder set them per panel) and a readable layout; every builder ends here."""
    if x_title is not None:
        layout["xaxis_title"] = x_title
    if y_title is not None:
        layout["yaxis_title"] = y_title
    figure.update_layout(title={"text": title, "x": 0.01, "xanchor": "left"}, height=height, font={"family": FONT},
                         legend={"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "traceorder": "normal"},
                         margin={"l": 60, "r": 20, "t": 60, "b": 100}, **layout)
    return figure


def hover(key: str, lang: str) -> str:
    """A catalog hover text, without the trace-name box unless the text asks for it."""
    return i18n.t(key, lang) + "<extra></extra>"


def firm_name(firm_id: str, names: dict[str, str] | None, lang: str) -> str:
    if firm_id == "ALL":
        return i18n.t("chart.industry", lang)
    return (names or {}).get(firm_id, firm_id)
