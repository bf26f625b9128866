"""Firms: the league table, firms x standards with tier symbols, searchable; a firm opens its scorecard."""

import polars as pl
import streamlit as st

from industry_metrics import charts, judge, tiers
from industry_metrics.ui import components, data, filters

ctx = components.context()
t = ctx.t
pack = filters.pack_for(ctx)
judged = data.judged(ctx.role, ctx.firm_id, ctx.snapshot_id, pack)
months = filters.months_in(judged)
period = filters.period(ctx.lang, months)
st.title(t("firms.title"))
now = judged.filter((pl.col("period") == period) & (pl.col("firm_id") != "ALL"))
if now.is_empty():
    st.info(t("app.no_data"))
    st.stop()

names = dict(data.firms(ctx.role, ctx.firm_id, ctx.snapshot_id, ctx.lang).select("firm_id", "name").iter_rows())
overall = dict(judge.overall(now).select("firm_id", "overall").iter_rows())
rank = {tier: i for i, tier in enumerate((*reversed(tiers.JUDGED), tiers.NOT_JUDGED))}  # worst first
table = (
    now.with_columns(pl.col("tier").map_elements(lambda tier: tiers.label(tier, ctx.lang), return_dtype=pl.String))
    .pivot(on="standard_id", index="firm_id", values="tier", aggregate_function="first")
)
table = table.with_columns(
    pl.col("firm_id").replace_strict(names, default=pl.col("firm_id")).alias(t("filter.firm")),
    pl.col("firm_id").replace_strict(overall, default="not_judged").alias("_overall"),
)
table = table.with_columns(pl.col("_overall").replace_strict(rank, return_dtype=pl.Int64).alias("_rank"),
                           pl.col("_overall").map_elements(lambda tier: tiers.label(tier, ctx.lang), return_dtype=pl.String).alias(t("firms.overall")))
query = st.text_input(t("firms.search"), key="firm_search")
if query:
    table = table.filter(pl.col(t("filter.firm")).str.contains(query, literal=True) | pl.col("firm_id").str.contains(query, literal=True))
standard_columns = sorted(c for c in table.columns if c not in ("firm_id", "_overall", "_rank", t("filter.firm"), t("firms.overall")))
shown = table.sort("_rank", "firm_id").select(["firm_id", t("filter.firm"), t("firms.overall"), *standard_columns])
if ctx.role == "association":
    shown = shown.with_columns(("scorecard?firm=" + pl.col("firm_id")).alias(t("firms.open_scorecard")))
    st.dataframe(shown, hide_index=True, column_config={t("firms.open_scorecard"): st.column_config.LinkColumn(display_text="→")})
else:
    st.dataframe(shown, hide_index=True)

# the same table as coloured cells, each with its tier's symbol (colour is never the only cue)
titles = components.standard_titles(ctx.register.pack(pack), ctx.lang)
st.plotly_chart(charts.league(now.filter(pl.col("firm_id").is_in(shown["firm_id"].to_list())), ctx.lang, period, names, titles),
                key="league")
