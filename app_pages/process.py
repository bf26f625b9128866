"""Collection process: where cases stand (assessment, first contact, repayment plan, legal action) and how they close."""

import streamlit as st

from industry_metrics import charts
from industry_metrics.ui import components, data, filters

ctx = components.context()
t = ctx.t
table = data.metrics(ctx.role, ctx.firm_id, ctx.snapshot_id, ctx.register.default_pack)
months = filters.months_in(table)
period = filters.period(ctx.lang, months)
st.title(t("process.title"))
stages = data.events("process_stages", ctx.role, ctx.firm_id, ctx.snapshot_id, period, ctx.firm_id) if months else None
if stages is None or stages.is_empty():
    st.info(t("app.no_data"))
    st.stop()
st.plotly_chart(charts.stages(stages, ctx.lang), key="process_open")
st.plotly_chart(charts.closure_mix(stages, ctx.lang, period), key="process_closed")
if ctx.role == "association":
    names = dict(data.firms(ctx.role, ctx.firm_id, ctx.snapshot_id, ctx.lang).select("firm_id", "name").iter_rows())
    st.plotly_chart(charts.stages_by_firm(stages, ctx.lang, names), key="process_by_firm")
