"""Submissions: who has submitted which period, each version's status and row counts (a firm: its own)."""

from pathlib import Path

import polars as pl
import streamlit as st

from industry_metrics.ui import components, data, session, upload

ctx = components.context()
t = ctx.t
st.title(t("submissions.title"))

if ctx.role == "firm":
    with st.form("upload"):
        st.subheader(t("upload.title"))
        period = st.text_input(t("upload.period"), value=st.session_state.get("upload_period", ""), key="upload_period_input")
        files = st.file_uploader(t("upload.files"), type=["csv", "parquet", "xlsx"], accept_multiple_files=True, key="upload_files")
        sent = st.form_submit_button(t("upload.submit"))
    if sent and files:
        st.session_state["upload_folder"] = str(upload.save_uploads(files))
        st.session_state["upload_period"] = period.strip()
        result = upload.submit(data.data_dir(), session.identity(), period.strip(), Path(st.session_state["upload_folder"]), False)
        st.session_state["upload_report"] = result.report
    report = st.session_state.get("upload_report")
    if report:
        {"accepted": st.success, "rejected": st.error, "needs_confirmation": st.warning}[report["status"]](t(f"upload.status.{report['status']}"))
        if report["findings"]:
            st.dataframe(upload.report_table(report, ctx.lang), hide_index=True)
        if report["status"] == "needs_confirmation" and st.button(t("upload.confirm"), key="upload_confirm"):
            result = upload.submit(data.data_dir(), session.identity(), st.session_state["upload_period"],
                                   Path(st.session_state["upload_folder"]), True)
            st.session_state["upload_report"] = result.report
            st.rerun()

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

if ctx.role == "association":
    months = sorted(rows.filter(pl.col("status") == "accepted")["period"].unique().to_list())
    if months:
        latest = months[-1]
        done = set(rows.filter((pl.col("period") == latest) & (pl.col("status") == "accepted"))["firm_id"].to_list())
        missing = sorted(f for f in names if f not in done)
        st.subheader(t("submissions.missing", period=latest))
        st.write(", ".join(f"{f} {names[f]}" for f in missing) if missing else t("submissions.none_missing"))
