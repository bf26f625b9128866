"""Complaints: the rate over time, category mix, time to close against the standard's days, vulnerable debtors against others."""

import polars as pl
import streamlit as st

from industry_metrics import charts, i18n
from industry_metrics.ui import components, data, filters

ctx = components.context()
t = ctx.t
pack = filters.pack_for(ctx)
table = data.metrics(ctx.role, ctx.firm_id, ctx.snapshot_id, pack)
months = filters.months_in(table)
period = filters.period(ctx.lang, months)
who = ctx.firm_id or "ALL"
st.title(t("complaints.title"))
if not months:
    st.info(t("app.no_data"))
    st.stop()

now = table.filter((pl.col("firm_id") == who) & (pl.col("period") == period))
upheld = now.filter((pl.col("metric_id") == "C2") & (pl.col("dim") == ""))["value"].to_list()
rate = now.filter((pl.col("metric_id") == "C1") & (pl.col("dim") == ""))["value"].to_list()
left, right = st.columns(2)
left.metric(t("metric.C1"), i18n.fmt_value(rate[0] if rate else None, "C1", "", ctx.lang))
right.metric(t("metric.C2"), i18n.fmt_value(upheld[0] if upheld else None, "C2", "", ctx.lang))

monthly = table.filter(pl.col("grain") == "month")
standard = components.standard_for(ctx, pack, period, "C1")
st.plotly_chart(charts.trend(monthly, "C1", ctx.lang, firm_id=who, meets=standard and standard.meets,
                             watch=standard and standard.watch, direction=standard and standard.direction), key="complaint_rate")

left, right = st.columns(2)
mix = now.filter((pl.col("metric_id") == "C5") & pl.col("dim").str.starts_with("category=")).select(
    pl.col("dim").str.strip_prefix("category=").alias("category"), pl.col("numerator").alias("complaints"))
left.plotly_chart(charts.complaint_mix(mix, ctx.lang, period), key="complaint_mix")
days = data.events("complaint_close_days", ctx.role, ctx.firm_id, ctx.snapshot_id, period, ctx.firm_id)
limit = int(components.metric_params(ctx, pack, period)["C3"]["days"])
right.plotly_chart(charts.time_to_close(days, ctx.lang, limit_days=limit), key="complaint_close_days")

st.plotly_chart(charts.vulnerable_vs_other(monthly, ctx.lang, firm_id=who), key="complaint_vulnerable")
