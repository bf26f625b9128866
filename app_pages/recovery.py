"""Recovery: vintage curves, recovery by DPD bucket, product and region, the recovery-versus-conduct quadrant, the fee-model mix."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from industry_metrics.ui import components, data, filters

VIOLATIONS = ("V1", "V2", "V3", "V4", "V5")
ctx = components.context()
t = ctx.t
pack = filters.pack_for(ctx)
table = data.metrics(ctx.role, ctx.firm_id, ctx.snapshot_id, pack)
months = filters.months_in(table)
period = filters.period(ctx.lang, months)
who = ctx.firm_id or "ALL"
st.title(t("recovery.title"))

points = table.filter((pl.col("firm_id") == who) & (pl.col("metric_id") == "R1") & pl.col("dim").str.starts_with("vintage="))
points = points.with_columns(pl.col("dim").str.extract(r"vintage=([0-9-]+)").alias("vintage"),
                             pl.col("dim").str.extract(r"m=([0-9]+)").cast(pl.Int64).alias("m"))
curves = go.Figure()
# vintages placed before the first submitted month lack their early payments: their curves would mislead
for vintage in sorted(v for v in points["vintage"].unique().to_list() if months and v >= months[0]):
    rows = points.filter(pl.col("vintage") == vintage).sort("m")
    curves.add_trace(go.Scatter(x=rows["m"].to_list(), y=rows["value"].to_list(), mode="lines+markers", name=vintage,
                                hovertemplate=t("recovery.curve_hover") + "<extra></extra>"))
curves.update_layout(title=t("recovery.curves_title"), xaxis_title=t("recovery.months_since"), yaxis_title=t("recovery.recovered_share"),
                     yaxis_tickformat=".0%", height=400)
st.plotly_chart(curves, key="vintage_curves")

now = table.filter((pl.col("firm_id") == who) & (pl.col("period") == period) & (pl.col("metric_id") == "R1"))
for key in ("dpd", "product", "region"):
    rows = now.filter(pl.col("dim").str.starts_with(f"{key}=")).sort("dim")
    if rows.is_empty():
        continue
    labels = [d.split("=", 1)[1] for d in rows["dim"].to_list()]
    bars = go.Figure(go.Bar(x=labels, y=rows["value"].to_list(), marker_color="#0072B2", hovertemplate="%{x}: %{y:.1%}<extra></extra>"))
    bars.update_layout(title=t(f"recovery.by_{key}"), yaxis_title=t("recovery.recovered_share"), yaxis_tickformat=".0%", height=320)
    st.plotly_chart(bars, key=f"recovery_by_{key}")

if ctx.role == "association":
    names = dict(data.firms(ctx.role, ctx.firm_id, ctx.snapshot_id, ctx.lang).select("firm_id", "name").iter_rows())
    rows = table.filter((pl.col("period") == period) & (pl.col("dim") == "") & (pl.col("firm_id") != "ALL"))
    recovered = dict(rows.filter(pl.col("metric_id") == "R2").select("firm_id", "value").iter_rows())
    conduct = rows.filter(pl.col("metric_id").is_in(VIOLATIONS)).group_by("firm_id").agg(pl.col("numerator").sum())
    contacts = dict(rows.filter(pl.col("metric_id") == "V4").select("firm_id", "denominator").iter_rows())
    xs, ys, labels = [], [], []
    for firm_id, events in conduct.iter_rows():
        if recovered.get(firm_id) is not None and contacts.get(firm_id):
            xs.append(events / contacts[firm_id] * 10000)
            ys.append(recovered[firm_id])
            labels.append(names.get(firm_id, firm_id))
    quadrant = go.Figure(go.Scatter(x=xs, y=ys, mode="markers", text=labels, marker_size=10, marker_color="#0072B2",
                                    hovertemplate="%{text}<br>%{x:.1f} / %{y:.1%}<extra></extra>"))
    if xs:
        quadrant.add_vline(x=sorted(xs)[len(xs) // 2], line_dash="dot")
        quadrant.add_hline(y=sorted(ys)[len(ys) // 2], line_dash="dot")
    quadrant.update_layout(title=t("recovery.quadrant_title"), xaxis_title=t("recovery.violations_axis"),
                           yaxis_title=t("metric.R2"), yaxis_tickformat=".1%", height=420)
    st.plotly_chart(quadrant, key="quadrant")

mix = data.access(ctx.audience, ctx.snapshot_id).fee_mix(period)
pie = go.Figure(go.Pie(labels=[t(f"recovery.fee.{m}") for m in mix["fee_model"].to_list()], values=mix["cases"].to_list(),
                       hovertemplate="%{label}: %{value} (%{percent})<extra></extra>"))
pie.update_layout(title=t("recovery.fee_title"), height=360)
st.plotly_chart(pie, key="fee_mix")
