"""Charts that put a firm against the standards and its peers: trend, tiers, league table, benchmark, funnel."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from .. import i18n, judge, tiers
from .base import INDUSTRY, axis_format, finish, firm_name, hover, metric_label, require


def trend(table: pl.DataFrame, metric_id: str, lang: str, firm_id: str = "ALL", dim: str = "",
          meets: float | None = None, watch: float | None = None, direction: str | None = None,
          names: dict[str, str] | None = None) -> go.Figure:
    """A metric over periods: the firm's line against the industry's, with the standard's thresholds.

    table: the long metric table (firm_id, period, metric_id, dim, value; other columns ignored),
    one grain. firm_id 'ALL' draws the industry alone. meets / watch are the standard's thresholds
    in the metric's unit: the band between them is the watch range, the line at watch the breach
    line (direction 'lower' = lower is better, the default from judge.direction_of). names:
    firm_id -> name when staff look at a chosen firm (its line then carries the name, not "your firm").
    """
    require(table, ("firm_id", "period", "metric_id", "dim", "value"), "trend")
    rows = table.filter((pl.col("metric_id") == metric_id) & (pl.col("dim") == dim)).sort("period")
    figure = go.Figure()
    for who in ["ALL"] + ([firm_id] if firm_id != "ALL" else []):
        line = rows.filter(pl.col("firm_id") == who)
        own = who != "ALL"
        if not own and line.is_empty() and firm_id != "ALL":
            continue  # a firm's own view holds no industry rows: no empty "industry" entry in the legend
        figure.add_trace(go.Scatter(
            x=line["period"].to_list(), y=line["value"].to_list(), mode="lines+markers",
            name=firm_name(who, names, lang) if own and names else i18n.t("chart.own" if own else "chart.industry", lang),
            line={"color": tiers.COLOUR[tiers.MEETS] if own else INDUSTRY, "dash": "solid" if own else "dash"},
            marker={"symbol": "circle" if own else "diamond"},
            hovertemplate=hover("chart.trend.hover", lang)))
    direction = direction or judge.direction_of(metric_id, dim) or "lower"
    if meets is not None and watch is not None and meets != watch:
        figure.add_hrect(y0=min(meets, watch), y1=max(meets, watch), fillcolor=tiers.COLOUR[tiers.WATCH], opacity=0.15,
                         line_width=0, annotation_text=i18n.t("chart.trend.watch_band", lang),
                         # the band's label on the side away from the breach line, so the two never overlap
                         annotation_position="inside bottom left" if direction == "lower" else "inside top left")
    if watch is not None:
        figure.add_hline(y=watch, line_dash="dash", line_color=tiers.COLOUR[tiers.BREACH],
                         annotation_text=i18n.t(f"chart.trend.breach_{'above' if direction == 'lower' else 'below'}", lang),
                         annotation_position="top right" if direction == "lower" else "bottom right")
    key = "chart.trend.industry_title" if firm_id == "ALL" else "chart.trend.title"
    fmt = axis_format(metric_id, dim)
    return finish(figure, i18n.t(key, lang, metric=metric_label(metric_id, lang)), i18n.t("chart.period_axis", lang),
                  i18n.t(f"metric_unit.{metric_id}", lang), xaxis_type="category", yaxis_tickformat=fmt,
                  yaxis_hoverformat=fmt, yaxis_rangemode="tozero")


def firms_by_tier(overall: pl.DataFrame, lang: str, period: str) -> go.Figure:
    """How many firms are at each overall tier: one bar per tier, symbol and word on the axis.

    overall: one row per firm with column `overall` (judge.overall's output for one period).
    """
    require(overall, ("overall",), "firms_by_tier")
    counts = dict(overall.group_by("overall").len().iter_rows())
    figure = go.Figure(go.Bar(
        x=[tiers.label(t, lang) for t in tiers.TIERS], y=[counts.get(t, 0) for t in tiers.TIERS],
        marker_color=[tiers.COLOUR[t] for t in tiers.TIERS], text=[tiers.SYMBOL[t] for t in tiers.TIERS],
        textposition="outside", hovertemplate=hover("chart.tiers.hover", lang)))
    return finish(figure, i18n.t("chart.tiers.title", lang, period=period), "", i18n.t("chart.firms_axis", lang),
                  height=340, showlegend=False)


def _tier_colourscale() -> list[list]:
    """Steps so that code 0..3 (meets..not judged) is exactly its tier colour (zmin -0.5, zmax 3.5)."""
    scale = []
    for code, tier in enumerate(tiers.TIERS):
        scale += [[code / 4, tiers.COLOUR[tier]], [(code + 1) / 4, tiers.COLOUR[tier]]]
    return scale


def league(judged: pl.DataFrame, lang: str, period: str, names: dict[str, str] | None = None,
           titles: dict[str, str] | None = None) -> go.Figure:
    """Firms (rows) by standards (columns), each cell coloured by tier with the tier's symbol in it.

    judged: one row per firm x standard for one period: firm_id, standard_id, tier, and, if
    present, metric_id, dim and value for the hover text. A missing cell reads as not judged.
    names: firm_id -> name (association staff); titles: standard_id -> title for the hover.
    """
    require(judged, ("firm_id", "standard_id", "tier"), "league")
    firms = sorted(judged["firm_id"].unique().to_list())
    standards = sorted(judged["standard_id"].unique().to_list())
    cells = {(r["firm_id"], r["standard_id"]): r for r in judged.iter_rows(named=True)}
    z, text, custom = [], [], []
    for firm in firms:
        z.append([]), text.append([]), custom.append([])
        for sid in standards:
            row = cells.get((firm, sid), {})
            tier = row.get("tier") or tiers.NOT_JUDGED
            words = [tiers.label(tier, lang)]
            if titles and sid in titles:
                words.insert(0, titles[sid])
            if row.get("value") is not None and row.get("metric_id"):
                words.append(i18n.fmt_value(row["value"], row["metric_id"], row.get("dim") or "", lang))
            z[-1].append(tiers.TIERS.index(tier))
            text[-1].append(tiers.SYMBOL[tier])
            custom[-1].append("<br>".join(words))
    figure = go.Figure(go.Heatmap(
        z=z, x=standards, y=[firm_name(f, names, lang) for f in firms], text=text, texttemplate="%{text}",
        customdata=custom, colorscale=_tier_colourscale(), zmin=-0.5, zmax=3.5, showscale=False, xgap=2, ygap=2,
        textfont={"size": 18},  # no colour: plotly picks black or white per cell for contrast
        hovertemplate=hover("chart.league.hover", lang)))
    return finish(figure, i18n.t("chart.league.title", lang, period=period), i18n.t("chart.league.standard_axis", lang),
                  i18n.t("chart.league.firm_axis", lang), height=max(300, 60 + 28 * len(firms)),
                  xaxis_side="top", yaxis_autorange="reversed", xaxis_type="category", yaxis_type="category"
                  ).update_layout(margin_t=120)  # room for the title above the standards axis, which sits on top


def _panel_title(r: dict, lang: str) -> str:
    """The metric's name, then in smaller type the firm's position and whether peers were widened."""
    notes = []
    if not r["suppressed"] and r.get("better_than_pct") is not None and r["value"] is not None:
        notes.append(i18n.t("benchmark.position", lang, pct=i18n.fmt_number(r["better_than_pct"], lang, 0)))
        if r.get("level_pct"):
            notes[-1] += i18n.t("benchmark.level", lang, pct=i18n.fmt_number(r["level_pct"], lang, 0))
    if not r["suppressed"] and r.get("widened"):
        notes.append(i18n.t("reason.widened", lang))
    title = metric_label(r["metric_id"], lang)
    return title + "".join(f"<br><span style='font-size:11px'>{n}</span>" for n in notes)


def benchmark(rows: pl.DataFrame, lang: str, period: str) -> go.Figure:
    """Per metric (one small panel each): the firm's value against the peer median and P25-P75 band.

    rows: one row per metric: metric_id, value (the firm's), median, p25, p75 (None where the
    group is too small for quartiles), suppressed ('' or a reason key: too_few_firms, dominance,
    complementary, recovery_lag). A suppressed row shows the reason, never a peer number.
    Optional, as the benchmark page builds them: better_than_pct and level_pct (the firm's
    position, said under the panel's title) and widened (True: the size band failed the
    disclosure rules and the peers are all firms, said under the title too).
    """
    require(rows, ("metric_id", "value", "median", "p25", "p75", "suppressed"), "benchmark")
    items = list(rows.iter_rows(named=True))
    figure = make_subplots(rows=max(len(items), 1), cols=1, vertical_spacing=0.6 / max(len(items), 1),
                           subplot_titles=[_panel_title(r, lang) for r in items])
    seen: set[str] = set()

    def add(trace: go.BaseTraceType, i: int) -> None:
        trace.showlegend = trace.name not in seen
        seen.add(trace.name)
        figure.add_trace(trace, row=i, col=1)

    for i, r in enumerate(items, start=1):
        label = [r["metric_id"]]
        if r["suppressed"]:
            figure.add_annotation(text=i18n.t("benchmark.suppressed", lang, reason=i18n.t(f"reason.{r['suppressed']}", lang)),
                                  xref=f"x{i} domain", yref=f"y{i} domain", x=0.5, y=0.5, showarrow=False,
                                  font={"color": tiers.COLOUR[tiers.NOT_JUDGED]})
        else:
            if r["p25"] is not None and r["p75"] is not None:
                add(go.Bar(x=[r["p75"] - r["p25"]], base=[r["p25"]], y=label, orientation="h", customdata=[r["p75"]],
                           name=i18n.t("benchmark.quartiles", lang), legendgroup="band", marker_color="#CCCCCC",
                           hovertemplate=hover("chart.benchmark.hover_band", lang)), i)
            if r["median"] is not None:
                add(go.Scatter(x=[r["median"]], y=label, mode="markers", name=i18n.t("benchmark.median", lang),
                               legendgroup="median", marker={"symbol": "line-ns-open", "size": 26, "color": "#000000",
                                                             "line": {"width": 3}},
                               hovertemplate=hover("chart.benchmark.hover_median", lang)), i)
        if r["value"] is not None:
            add(go.Scatter(x=[r["value"]], y=label, mode="markers", name=i18n.t("benchmark.own", lang), legendgroup="own",
                           marker={"symbol": "diamond", "size": 14, "color": tiers.COLOUR[tiers.MEETS]},
                           hovertemplate=hover("chart.benchmark.hover_own", lang)), i)
        fmt = axis_format(r["metric_id"])
        figure.update_xaxes(title_text=i18n.t(f"metric_unit.{r['metric_id']}", lang), tickformat=fmt, hoverformat=fmt,
                            rangemode="tozero", row=i, col=1)
        figure.update_yaxes(visible=False, type="category", row=i, col=1)
    return finish(figure, i18n.t("chart.benchmark.title", lang, period=period), None, None,
                  height=100 + 190 * max(len(items), 1), barmode="overlay").update_layout(margin_t=100)


def funnel_curve(industry_rate: float, scale: float, volumes: list[float], z: float) -> tuple[list[float], list[float]]:
    """Lower and upper control limits (in the metric's unit) at each volume, from judge.funnel_limits."""
    limits = [judge.funnel_limits(industry_rate / scale, n, z) for n in volumes]
    return [lo * scale for lo, _ in limits], [hi * scale for _, hi in limits]


def funnel(own: pl.DataFrame, lang: str, metric_id: str, industry_rate: float, dim: str = "",
           others: pl.DataFrame | None = None, names: dict[str, str] | None = None) -> go.Figure:
    """A firm's rate against its volume, inside 95% and 99.8% control limits around the industry rate.

    own: the viewing firm's row(s): firm_id, volume (the metric's denominator), value (in the
    metric's unit, e.g. per 10,000). industry_rate: the industry's value in the same unit.
    others: other firms' rows, same columns, only for association staff (the caller decides);
    names: firm_id -> name for their hover text and the own point's label. Limits are drawn at log-spaced volumes plus every
    plotted firm's own volume, so a firm's limits can be read exactly at its point.
    """
    require(own, ("firm_id", "volume", "value"), "funnel")
    if not judge.is_proportion(metric_id, dim):
        # binomial limits need events out of a count; a ratio, median or plain count has none
        raise ValueError(f"chart funnel: {metric_id} {dim!r} is not a rate of events out of a count; no control limits")
    if others is not None:
        require(others, ("firm_id", "volume", "value"), "funnel")
    scale = judge.scale_of(metric_id, dim)
    points = [r for frame in (own, others) if frame is not None for r in frame.iter_rows(named=True) if r["volume"]]
    top = max([r["volume"] for r in points], default=1000.0)
    low = max(1.0, min([r["volume"] for r in points], default=10.0) / 2)
    steps = 60
    grid = [low * (top * 2 / low) ** (i / steps) for i in range(steps + 1)]
    volumes = sorted(set(grid) | {float(r["volume"]) for r in points})
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=volumes, y=[industry_rate] * len(volumes), mode="lines", name=i18n.t("chart.funnel.industry_rate", lang),
                                line={"color": INDUSTRY}, hovertemplate=hover("chart.funnel.hover_limit", lang)))
    for z, key, dash in ((judge.Z95, "limit95", "dash"), (judge.Z998, "limit998", "dot")):
        lows, highs = funnel_curve(industry_rate, scale, volumes, z)
        for side, ys in (("low", lows), ("high", highs)):
            figure.add_trace(go.Scatter(x=volumes, y=ys, mode="lines", name=i18n.t(f"chart.funnel.{key}", lang), legendgroup=key,
                                        showlegend=side == "high", line={"color": INDUSTRY, "dash": dash, "width": 1},
                                        hovertemplate=hover("chart.funnel.hover_limit", lang)))
    if others is not None and others.height:
        figure.add_trace(go.Scatter(x=others["volume"].to_list(), y=others["value"].to_list(), mode="markers",
                                    name=i18n.t("filter.firm", lang), text=[firm_name(f, names, lang) for f in others["firm_id"]],
                                    marker={"color": "#999999", "size": 8, "symbol": "circle-open"},
                                    hovertemplate=hover("chart.funnel.hover_point", lang)))
    # staff (who pass names) look at a chosen firm, not their own: the point carries that firm's name
    label = firm_name(own["firm_id"][0], names, lang) if names and own.height else i18n.t("chart.own", lang)
    figure.add_trace(go.Scatter(x=own["volume"].to_list(), y=own["value"].to_list(), mode="markers", name=label,
                                text=[label] * own.height,
                                marker={"color": tiers.COLOUR[tiers.MEETS], "size": 14, "symbol": "diamond"},
                                hovertemplate=hover("chart.funnel.hover_point", lang)))
    fmt = axis_format(metric_id, dim)
    return finish(figure, i18n.t("chart.funnel.title", lang, metric=metric_label(metric_id, lang)),
                  i18n.t("chart.funnel.volume_axis", lang, unit=i18n.t(f"metric_base.{metric_id}", lang)),
                  i18n.t(f"metric_unit.{metric_id}", lang), xaxis_type="log", yaxis_tickformat=fmt, yaxis_hoverformat=fmt,
                  yaxis_rangemode="tozero", height=420)

