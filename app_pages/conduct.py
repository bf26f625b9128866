"""Conduct: contacts by hour and weekday with the quiet window shaded; violations over time; firms compared."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from industry_metrics.ui import components, data, filters

CONDUCT = ("V1", "V2", "V3", "V4", "V5")
ctx = components.context()
t = ctx.t
pack = filters.pack_for(ctx)
table = data.metrics(ctx.role, ctx.firm_id, ctx.snapshot_id, pack)
months = filters.months_in(table)
period = filters.period(ctx.lang, months)
firm_names = dict(data.firms(ctx.role, ctx.firm_id, ctx.snapshot_id, ctx.lang).select("firm_id", "name").iter_rows())
if ctx.role == "association":
    firm = filters.choose("firm", ["ALL", *sorted(firm_names)], "ALL", t("filter.firm"),
                          lambda f: t("conduct.industry") if f == "ALL" else f"{f} {firm_names[f]}")
else:
    firm = ctx.firm_id
st.title(t("conduct.title"))

heat = data.access(ctx.audience, ctx.snapshot_id).contact_heat(period, None if firm == "ALL" else firm)
grid = [[0] * 24 for _ in range(7)]
for r in heat.iter_rows(named=True):
    grid[r["weekday"] - 1][r["hour"]] = r["contacts"]
days = [t(f"conduct.weekday.{d}") for d in range(1, 8)]
figure = go.Figure(go.Heatmap(z=grid, x=list(range(24)), y=days, colorscale="Blues",
                              hovertemplate=t("conduct.heat_hover") + "<extra></extra>"))
params = ctx.register.pack(pack).metric_params(max(s.effective_from for s in ctx.register.pack(pack).standards))["V1"]
start, end = (int(params[k].split(":")[0]) + int(params[k].split(":")[1]) / 60 for k in ("quiet_start", "quiet_end"))
for x0, x1 in ((start - 0.5, 23.5), (-0.5, end - 0.5)) if start > end else ((start - 0.5, end - 0.5),):
    figure.add_vrect(x0=x0, x1=x1, fillcolor="#D55E00", opacity=0.15, line_width=0)
figure.update_layout(title=t("conduct.heat_title", start=params["quiet_start"], end=params["quiet_end"]),
                     xaxis_title=t("conduct.hour"), yaxis_title=t("conduct.weekday_axis"), height=380)
st.plotly_chart(figure, key="contact_heat")

own = table.filter((pl.col("firm_id") == firm) & (pl.col("grain") == "month") & (pl.col("dim") == "") & pl.col("metric_id").is_in(CONDUCT))
trend = go.Figure()
for metric_id in CONDUCT:
    rows = own.filter(pl.col("metric_id") == metric_id).sort("period")
    trend.add_trace(go.Scatter(x=rows["period"].to_list(), y=rows["value"].to_list(), mode="lines+markers",
                               name=f"{metric_id} {t('metric.' + metric_id)}", hovertemplate="%{x}: %{y:.1f}<extra></extra>"))
trend.update_layout(title=t("conduct.trend_title"), xaxis_title=t("filter.period"), yaxis_title=t("conduct.per10k_axis"), height=380)
st.plotly_chart(trend, key="conduct_trend")

if ctx.role == "association":
    now = table.filter((pl.col("period") == period) & (pl.col("metric_id") == "V1") & (pl.col("dim") == "") & (pl.col("firm_id") != "ALL"))
    now = now.sort("value", descending=True, nulls_last=True)
    bars = go.Figure(go.Bar(x=[firm_names.get(f, f) for f in now["firm_id"].to_list()], y=now["value"].to_list(),
                            marker_color="#0072B2", hovertemplate="%{x}: %{y:.1f}<extra></extra>"))
    bars.update_layout(title=t("conduct.compare_title", metric=t("metric.V1")), yaxis_title=t("conduct.per10k_axis"), height=380)
    st.plotly_chart(bars, key="conduct_compare")
