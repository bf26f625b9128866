"""Submissions: who has submitted which period, each version's status and row counts (a firm: its own)."""

import polars as pl
import streamlit as st

from industry_metrics import i18n
from industry_metrics.ui import components, data

ctx = components.context()
t = lambda key, **f: i18n.t(key, ctx.lang, **f)  # noqa: E731
st.title(t("submissions.title"))
rows = data.submissions(ctx.role, ctx.firm_id, ctx.snapshot_id)
if rows.is_empty():
    st.info(t("app.no_data"))
    st.stop()
names = dict(data.firms(ctx.role, ctx.firm_id, ctx.snapshot_id, ctx.lang).select("firm_id", "name").iter_rows())
shown = rows.select(
    pl.col("firm_id"),
    pl.col("firm_id").replace_strict(names, default=pl.col("firm_id")).alias(t("filter.firm")),
    pl.col("period").alias(t("submissions.period")),
    pl.col("version").alias(t("submissions.version")),
    pl.col("status").map_elements(lambda s: t(f"submissions.state.{s}"), return_dtype=pl.String).alias(t("submissions.status")),
    pl.col("at").alias(t("submissions.at")),
    pl.col("rows_contacts").alias(t("submissions.rows")) if "rows_contacts" in rows.columns else pl.lit(None).alias(t("submissions.rows")),
)
st.dataframe(shown, hide_index=True)
