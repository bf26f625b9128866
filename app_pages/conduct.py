"""Conduct: contacts by hour and weekday with the quiet window shaded; violations over time; firms in a funnel plot."""

import polars as pl
import streamlit as st

from industry_metrics import charts
from industry_metrics.ui import components, data, filters

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
if not months:
    st.info(t("app.no_data"))
    st.stop()

heat = data.events("contact_heat", ctx.role, ctx.firm_id, ctx.snapshot_id, period, None if firm == "ALL" else firm)
quiet = components.metric_params(ctx, pack, period)["V1"]
st.plotly_chart(charts.contacts_heatmap(heat, ctx.lang, quiet["quiet_start"], quiet["quiet_end"]), key="contact_heat")

monthly = table.filter(pl.col("grain") == "month")
st.plotly_chart(charts.violations_over_time(monthly, ctx.lang, firm_id=firm), key="conduct_trend")

if ctx.role == "association":
    # every firm's quiet-hours rate against its volume, inside control limits around the industry rate
    now = table.filter((pl.col("period") == period) & (pl.col("metric_id") == "V1") & (pl.col("dim") == ""))
    industry = now.filter(pl.col("firm_id") == "ALL")["value"].to_list()
    if industry and industry[0] is not None:
        firms = now.filter(pl.col("firm_id") != "ALL").select("firm_id", pl.col("denominator").alias("volume"), "value").drop_nulls()
        mine = firms.filter(pl.col("firm_id") == firm)
        st.plotly_chart(charts.funnel(mine, ctx.lang, "V1", industry[0], others=firms.filter(pl.col("firm_id") != firm),
                                      names=firm_names), key="conduct_funnel")
