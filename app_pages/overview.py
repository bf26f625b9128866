"""Overview: the industry against the standards, firms by tier, the firms in breach, who has submitted."""

import polars as pl
import streamlit as st

from industry_metrics import charts, i18n, judge, tiers
from industry_metrics.ui import components, data, filters

ctx = components.context()
t = ctx.t
pack = filters.pack_for(ctx)
judged = data.judged(ctx.role, ctx.firm_id, ctx.snapshot_id, pack)
months = filters.months_in(judged)
period = filters.period(ctx.lang, months)
st.title(t("overview.title"))
st.caption(t("app.snapshot", id=ctx.snapshot_id))
if judged.is_empty():
    st.info(t("app.no_data"))
    st.stop()

now = judged.filter(pl.col("period") == period)
overall = judge.overall(now.filter(pl.col("firm_id") != "ALL"))
firm_list = data.firms(ctx.role, ctx.firm_id, ctx.snapshot_id, ctx.lang)
left, mid, right = st.columns(3)
left.metric(t("overview.kpi_firms"), firm_list.height)
mid.metric(t("overview.kpi_breach"), overall.filter(pl.col("overall") == "breach").height)
right.metric(t("overview.kpi_submitted"), overall.height)

st.plotly_chart(charts.firms_by_tier(overall, ctx.lang, period), key="firms_by_tier")

st.subheader(t("overview.industry_vs_standard"))
industry = now.filter(pl.col("firm_id") == "ALL").sort("standard_id")
titles = components.standard_titles(ctx.register.pack(pack), ctx.lang)
st.dataframe(pl.DataFrame({
    t("scorecard.standard"): [f"{r['standard_id']} {titles[r['standard_id']]}" for r in industry.iter_rows(named=True)],
    t("scorecard.value"): [i18n.fmt_value(r["value"], r["metric_id"], r["dim"], ctx.lang) for r in industry.iter_rows(named=True)],
    t("scorecard.tier"): [tiers.label(r["tier"], ctx.lang) for r in industry.iter_rows(named=True)],
}), hide_index=True)

st.subheader(t("overview.in_breach"))
names = dict(firm_list.select("firm_id", "name").iter_rows())
breaches = now.filter((pl.col("tier") == "breach") & (pl.col("firm_id") != "ALL")).sort("firm_id", "standard_id")
st.dataframe(pl.DataFrame({
    t("filter.firm"): [names.get(r["firm_id"], r["firm_id"]) for r in breaches.iter_rows(named=True)],
    t("scorecard.standard"): breaches["standard_id"].to_list(),
    t("scorecard.value"): [i18n.fmt_value(r["value"], r["metric_id"], r["dim"], ctx.lang) for r in breaches.iter_rows(named=True)],
}), hide_index=True)
