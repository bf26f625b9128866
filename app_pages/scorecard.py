"""Firm scorecard: each standard's value, thresholds, tier, interval and volume, and its trend."""

import polars as pl
import streamlit as st

from industry_metrics import charts, i18n, tiers
from industry_metrics.access import AccessDenied
from industry_metrics.ui import components, data, filters

ctx = components.context()
t = ctx.t
pack = filters.pack_for(ctx)
firm_list = data.firms(ctx.role, ctx.firm_id, ctx.snapshot_id, ctx.lang)
names = dict(firm_list.select("firm_id", "name").iter_rows())
st.title(t("scorecard.title"))
try:
    requested = st.query_params.get("firm")
    firm = data.access(ctx.audience, ctx.snapshot_id).scoped_firm(requested if ctx.role == "firm" else None) or (
        filters.choose("firm", sorted(names), requested or min(names), t("scorecard.choose_firm"), lambda f: f"{f} {names[f]}"))
except AccessDenied:
    st.error(t("app.denied"))
    st.stop()

judged = data.judged(ctx.role, ctx.firm_id, ctx.snapshot_id, pack).filter(pl.col("firm_id") == firm)
months = filters.months_in(judged)
period = filters.period(ctx.lang, months)
st.subheader(f"{firm} · {names.get(firm, firm)} · {period}")
now = judged.filter(pl.col("period") == period).sort("standard_id")
if now.is_empty():
    st.info(t("app.no_data"))
    st.stop()
titles = components.standard_titles(ctx.register.pack(pack), ctx.lang)


def fmt(r, value):
    return i18n.fmt_value(value, r["metric_id"], r["dim"], ctx.lang)


st.dataframe(pl.DataFrame({
    t("scorecard.standard"): [f"{r['standard_id']} {titles[r['standard_id']]}" for r in now.iter_rows(named=True)],
    t("scorecard.value"): [fmt(r, r["value"]) for r in now.iter_rows(named=True)],
    t("scorecard.threshold"): [f"{fmt(r, r['meets'])} / {fmt(r, r['watch'])}" for r in now.iter_rows(named=True)],
    t("scorecard.tier"): [tiers.label(r["tier"], ctx.lang) + (f" ({t('reason.' + r['reason'])})" if r["reason"] else "")
                          for r in now.iter_rows(named=True)],
    t("scorecard.interval"): [f"{fmt(r, r['ci_low'])} – {fmt(r, r['ci_high'])}" if r["ci_low"] is not None else "–" for r in now.iter_rows(named=True)],
    t("scorecard.volume"): [i18n.fmt_number(r["volume"], ctx.lang, 0) for r in now.iter_rows(named=True)],
}), hide_index=True)

standard = st.selectbox(t("scorecard.standard"), now["standard_id"].to_list(), format_func=lambda s: f"{s} {titles[s]}", key="trend_standard")
row = now.filter(pl.col("standard_id") == standard).row(0, named=True)
# the firm's monthly line beside the industry's (staff only: a firm's table holds no other rows)
lines = data.metrics(ctx.role, ctx.firm_id, ctx.snapshot_id, pack).filter(
    pl.col("firm_id").is_in([firm, "ALL"]) & (pl.col("grain") == "month"))
figure = charts.trend(lines, row["metric_id"], ctx.lang, firm_id=firm, dim=row["dim"], meets=row["meets"], watch=row["watch"],
                      direction=row["direction"], names=names if ctx.role == "association" else None)
st.plotly_chart(figure, key="scorecard_trend")

if row["tier"] in ("breach", "watch") and row["metric_id"] in ("V1", "V2", "V3", "V4", "V5", "V6", "V7"):
    st.subheader(t("scorecard.events_title", standard=standard))
    events = data.access(ctx.audience, ctx.snapshot_id).breach_events(pack, period, row["metric_id"], firm)
    st.caption(t("scorecard.events_count", n=events.height))
    st.dataframe(events.head(200), hide_index=True)
    st.download_button(t("scorecard.events_download"), events.write_csv(), file_name=f"events-{firm}-{period}-{standard}.csv",
                       mime="text/csv", key="events_download")
