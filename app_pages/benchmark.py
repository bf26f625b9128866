"""Benchmark: a firm's value against its peers' median and quartiles, through the disclosure engine."""

import polars as pl
import streamlit as st

from industry_metrics import charts, i18n
from industry_metrics.access import AccessDenied
from industry_metrics.ui import components, data, filters

ctx = components.context()
t = ctx.t
pack = filters.pack_for(ctx)
access = data.access(ctx.audience, ctx.snapshot_id)
try:
    firm = access.scoped_firm(st.query_params.get("firm") if ctx.role == "firm" else None)
    if ctx.role == "association":
        names = dict(data.firms(ctx.role, ctx.firm_id, ctx.snapshot_id, ctx.lang).select("firm_id", "name").iter_rows())
        firm = filters.choose("firm", sorted(names), min(names), t("scorecard.choose_firm"), lambda f: f"{f} {names[f]}")
except AccessDenied:
    st.error(t("app.denied"))
    st.stop()
st.title(t("benchmark.title"))
if firm is None:
    st.info(t("app.denied"))
    st.stop()
own = data.metrics(ctx.role, ctx.firm_id, ctx.snapshot_id, pack)
months = filters.months_in(own)
period = filters.period(ctx.lang, months)
group = filters.choose("peer", ["band", "all"], "band", t("filter.peer_group"), lambda g: t(f"filter.peer.{g}"))
METRICS = ("V1", "V2", "V3", "V4", "V5", "V6", "V7", "V9", "C1", "C3", "R2", "R3", "R7")
figures = data.peer_figures(ctx.role, ctx.firm_id, ctx.snapshot_id, pack, period, firm, group, METRICS)
rows = []
for metric_id, figure in zip(METRICS, figures):
    mine = own.filter((pl.col("period") == period) & (pl.col("metric_id") == metric_id) & (pl.col("dim") == ""))
    value = mine["value"][0] if mine.height else None
    rows.append({"metric_id": metric_id, "value": value, "median": figure.median, "p25": figure.p25, "p75": figure.p75,
                 "contributors": figure.contributors, "better_than_pct": figure.better_than_pct, "level_pct": figure.level_pct,
                 "suppressed": figure.reason or "", "widened": any(n.startswith("widened") for n in figure.notes)})
table = pl.DataFrame(rows, schema={"metric_id": pl.String, "value": pl.Float64, "median": pl.Float64, "p25": pl.Float64,
                                   "p75": pl.Float64, "contributors": pl.Int64, "better_than_pct": pl.Float64, "level_pct": pl.Float64,
                                   "suppressed": pl.String, "widened": pl.Boolean})


def shown(value, metric_id):
    return i18n.fmt_value(value, metric_id, "", ctx.lang)


def peers(r) -> tuple[str, str, str]:
    """Median, quartile range and position in words; a suppressed row says why and shows no peer number."""
    if r["suppressed"]:
        return "–", "–", t("benchmark.suppressed", reason=t(f"reason.{r['suppressed']}"))
    band = "–" if r["p25"] is None else f"{shown(r['p25'], r['metric_id'])} – {shown(r['p75'], r['metric_id'])}"
    position = "–"
    if r["better_than_pct"] is not None and r["value"] is not None:
        position = t("benchmark.position", pct=f"{r['better_than_pct']:.0f}")
        position += t("benchmark.level", pct=f"{r['level_pct']:.0f}") if r["level_pct"] else ""
    if r["widened"]:
        position += f" ({t('reason.widened')})"
    return shown(r["median"], r["metric_id"]), band, position


# the figures in words first (read aloud or printed as they are), then the same as chart panels
rows = list(table.iter_rows(named=True))
words = [peers(r) for r in rows]
st.dataframe(pl.DataFrame({
    t("standards.metric"): [f"{r['metric_id']} {t('metric.' + r['metric_id'])}" for r in rows],
    t("benchmark.own"): [shown(r["value"], r["metric_id"]) for r in rows],
    t("benchmark.median"): [w[0] for w in words],
    t("benchmark.quartiles"): [w[1] for w in words],
    t("benchmark.contributors"): [r["contributors"] for r in rows],
    t("benchmark.position_col"): [w[2] for w in words],
}), hide_index=True)
st.plotly_chart(charts.benchmark(table, ctx.lang, period), key="benchmark")
st.download_button(t("benchmark.download"), table.write_csv(), file_name=f"benchmark-{firm}-{period}.csv", mime="text/csv")
