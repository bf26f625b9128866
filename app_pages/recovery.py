"""Recovery: vintage curves, recovery by DPD bucket, product and region, the recovery-versus-conduct quadrant, the fee-model mix."""

import polars as pl
import streamlit as st

from industry_metrics import charts, i18n
from industry_metrics.ui import components, data, filters

VIOLATIONS = ("V1", "V2", "V3", "V4", "V5")
HEADLINES = ("R1", "R2", "R4")  # the recovery metrics the engine breaks down by product and region
ctx = components.context()
t = ctx.t
pack = filters.pack_for(ctx)
table = data.metrics(ctx.role, ctx.firm_id, ctx.snapshot_id, pack)
months = filters.months_in(table)
period = filters.period(ctx.lang, months)
who = ctx.firm_id or "ALL"
mine = table.filter(pl.col("firm_id") == who)


def product_name(code: str) -> str:
    return t(f"enum.product.{code}") if i18n.has(f"enum.product.{code}") else code


product = filters.breakdown("product", mine, ctx.lang, product_name)
region = filters.breakdown("region", mine, ctx.lang, str)
st.title(t("recovery.title"))
if not months:
    st.info(t("app.no_data"))
    st.stop()

# the chosen breakdowns' rows beside the whole book (the engine does not cross product with region)
chosen = [("", t("filter.all"))] + [(f"{k}={v}", f"{t('filter.' + k)}: {label}") for k, v, label in (
    ("product", product, product_name(product)), ("region", region, region)) if v != filters.ALL]
now = mine.filter((pl.col("period") == period) & pl.col("metric_id").is_in(HEADLINES))
values = {(r["metric_id"], r["dim"]): r["value"] for r in now.iter_rows(named=True)}
st.dataframe(pl.DataFrame({
    t("recovery.breakdown"): [label for _, label in chosen],
    **{f"{m} {t('metric.' + m)}": [i18n.fmt_value(values.get((m, dim)), m, dim, ctx.lang) for dim, _ in chosen] for m in HEADLINES},
}), hide_index=True)
focus, focus_label = chosen[-1]  # the trend follows the last chosen breakdown (region when both are chosen)
st.plotly_chart(charts.trend(table.filter(pl.col("grain") == "month"), "R2", ctx.lang, firm_id=who, dim=focus), key="recovery_trend")
st.caption(t("recovery.trend_cases", cases=focus_label))

# vintages placed before the first submitted month lack their early payments: their curves would mislead
vintages = mine.filter((pl.col("metric_id") == "R1") & pl.col("dim").str.starts_with("vintage="))["dim"].str.extract(r"vintage=([0-9-]+)")
st.plotly_chart(charts.vintage_curves(table, ctx.lang, firm_id=who, vintages=sorted(v for v in vintages.unique().to_list() if v >= months[0])),
                key="vintage_curves")
for by in ("dpd", "product", "region"):
    if now.filter(pl.col("dim").str.starts_with(f"{by}=")).height:
        st.plotly_chart(charts.recovery_by(table, ctx.lang, by, period, firm_id=who), key=f"recovery_by_{by}")

if ctx.role == "association":
    names = dict(data.firms(ctx.role, ctx.firm_id, ctx.snapshot_id, ctx.lang).select("firm_id", "name").iter_rows())
    rows = table.filter((pl.col("period") == period) & (pl.col("dim") == "") & (pl.col("firm_id") != "ALL"))
    violations = rows.filter(pl.col("metric_id").is_in(VIOLATIONS)).group_by("firm_id").agg(pl.col("numerator").sum().alias("events"))
    contacts = rows.filter(pl.col("metric_id") == "V4").select("firm_id", pl.col("denominator").alias("contacts"))
    points = (rows.filter(pl.col("metric_id") == "R2").select("firm_id", pl.col("value").alias("recovery"))
              .join(violations, on="firm_id").join(contacts, on="firm_id")
              .filter(pl.col("contacts") > 0).with_columns(violations=pl.col("events") / pl.col("contacts") * 10000))
    st.plotly_chart(charts.quadrant(points, ctx.lang, names), key="quadrant")

st.plotly_chart(charts.fee_mix(data.events("fee_mix", ctx.role, ctx.firm_id, ctx.snapshot_id, period), ctx.lang), key="fee_mix")
