"""Collection process: where cases stand (assessment, first contact, repayment plan, legal action) and how they close."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from industry_metrics.ui import components, data, filters

OPEN = ("assessment", "first_contact", "repayment_plan", "legal_action")
ctx = components.context()
t = ctx.t
table = data.metrics(ctx.role, ctx.firm_id, ctx.snapshot_id, ctx.register.default_pack)
months = filters.months_in(table)
period = filters.period(ctx.lang, months)
st.title(t("process.title"))
stages = data.access(ctx.audience, ctx.snapshot_id).process_stages(period, ctx.firm_id)
if stages.is_empty():
    st.info(t("app.no_data"))
    st.stop()
totals = stages.group_by("stage").agg(pl.col("cases").sum())
counts = dict(totals.iter_rows())
funnel = go.Figure(go.Bar(x=[t(f"process.stage.{s}") for s in OPEN], y=[counts.get(s, 0) for s in OPEN], marker_color="#0072B2",
                          hovertemplate="%{x}: %{y}<extra></extra>"))
funnel.update_layout(title=t("process.open_title"), yaxis_title=t("process.cases_axis"), height=340)
st.plotly_chart(funnel, key="process_open")
closed = sorted((s.split(":", 1)[1], n) for s, n in counts.items() if s.startswith("closed:"))
pie = go.Figure(go.Pie(labels=[t(f"process.closed.{s}") for s, _ in closed], values=[n for _, n in closed],
                       hovertemplate="%{label}: %{value} (%{percent})<extra></extra>"))
pie.update_layout(title=t("process.closed_title"), height=340)
st.plotly_chart(pie, key="process_closed")
if ctx.role == "association":
    names = dict(data.firms(ctx.role, ctx.firm_id, ctx.snapshot_id, ctx.lang).select("firm_id", "name").iter_rows())
    share = stages.filter(pl.col("stage").is_in(OPEN)).with_columns((pl.col("cases") / pl.col("cases").sum().over("firm_id")).alias("share"))
    stacked = go.Figure()
    for stage in OPEN:
        rows = share.filter(pl.col("stage") == stage).sort("firm_id")
        stacked.add_trace(go.Bar(x=[names.get(f, f) for f in rows["firm_id"].to_list()], y=rows["share"].to_list(),
                                 name=t(f"process.stage.{stage}"), hovertemplate="%{x}: %{y:.0%}<extra></extra>"))
    stacked.update_layout(barmode="stack", title=t("process.by_firm_title"), yaxis_tickformat=".0%", yaxis_title=t("process.share_axis"), height=420)
    st.plotly_chart(stacked, key="process_by_firm")
