"""Complaints: the rate over time, category mix, outcomes, time to close against 15 days, vulnerable debtors against others."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from industry_metrics import i18n
from industry_metrics.ui import components, data, filters

ctx = components.context()
t = ctx.t
pack = filters.pack_for(ctx)
table = data.metrics(ctx.role, ctx.firm_id, ctx.snapshot_id, pack)
months = filters.months_in(table)
period = filters.period(ctx.lang, months)
who = ctx.firm_id or "ALL"
mine = table.filter(pl.col("firm_id") == who)
st.title(t("complaints.title"))

trend = mine.filter((pl.col("metric_id") == "C1") & (pl.col("dim") == "") & (pl.col("grain") == "month")).sort("period")
figure = go.Figure(go.Scatter(x=trend["period"].to_list(), y=trend["value"].to_list(), mode="lines+markers", name=t("metric.C1"),
                              hovertemplate="%{x}: %{y:.2f}<extra></extra>"))
figure.update_layout(title=t("complaints.rate_title"), xaxis_title=t("filter.period"), yaxis_title=t("complaints.per1k_axis"), height=340)
st.plotly_chart(figure, key="complaint_rate")

now = mine.filter(pl.col("period") == period)
left, right = st.columns(2)
mix = now.filter((pl.col("metric_id") == "C5") & pl.col("dim").str.starts_with("category=")).sort("value", descending=True)
categories = [i18n.t(f"complaints.category.{d.split('=', 1)[1]}", ctx.lang) for d in mix["dim"].to_list()]
bars = go.Figure(go.Bar(x=mix["value"].to_list(), y=categories, orientation="h", marker_color="#0072B2",
                        hovertemplate="%{y}: %{x:.0%}<extra></extra>"))
bars.update_layout(title=t("complaints.mix_title"), xaxis_title=t("complaints.share_axis"), xaxis_tickformat=".0%", height=380)
left.plotly_chart(bars, key="complaint_mix")

days = data.access(ctx.audience, ctx.snapshot_id).complaint_close_days(period, ctx.firm_id)
hist = go.Figure(go.Bar(x=days["days"].to_list(), y=days["complaints"].to_list(), marker_color="#0072B2",
                        hovertemplate=t("complaints.days_hover") + "<extra></extra>"))
hist.add_vline(x=15.5, line_dash="dash", line_color="#D55E00", annotation_text=t("complaints.standard_line"))
hist.update_layout(title=t("complaints.close_title"), xaxis_title=t("complaints.days_axis"), yaxis_title=t("complaints.count_axis"), height=380)
right.plotly_chart(hist, key="complaint_close_days")

groups = now.filter((pl.col("metric_id") == "C6") & pl.col("dim").str.starts_with("group=")).sort("dim", descending=True)
vuln = go.Figure(go.Bar(x=[t(f"complaints.{d.split('=', 1)[1]}") for d in groups["dim"].to_list()], y=groups["value"].to_list(),
                        marker_color=["#D55E00", "#0072B2"][: groups.height], hovertemplate="%{x}: %{y:.2f}<extra></extra>"))
vuln.update_layout(title=t("complaints.vulnerable_title"), yaxis_title=t("complaints.per1k_axis"), height=320)
st.plotly_chart(vuln, key="complaint_vulnerable")
st.caption(t("complaints.upheld", value=i18n.fmt_value(
    (now.filter((pl.col("metric_id") == "C2") & (pl.col("dim") == ""))["value"].to_list() or [None])[0], "C2", "", ctx.lang)))
