"""Audit log (association staff): who did what and when, the chain check, and an export that is itself audited."""

import streamlit as st

from industry_metrics import audit
from industry_metrics.ui import components, data, session

ctx = components.context()
t = ctx.t
st.title(t("audit.title"))
if ctx.role != "association":
    st.error(t("app.denied"))
    st.stop()
log = audit.read(data.data_dir())
broken = audit.verify(data.data_dir())
if broken:
    st.error(t("audit.broken", line=broken))
else:
    st.success(t("audit.intact", n=log.height))
action = st.selectbox(t("audit.action"), ["", *sorted(log["action"].unique().to_list())], key="audit_action")
shown = log.filter(log["action"] == action) if action else log
st.dataframe(shown.drop("prev").sort("at", descending=True), hide_index=True)


def exported() -> None:
    who = session.identity()
    audit.record(data.data_dir(), who.username, "audit_export", role=who.role, details={"rows": shown.height})


st.download_button(t("audit.download"), shown.drop("prev").write_csv(), file_name="audit-log.csv", mime="text/csv",
                   on_click=exported, key="audit_download")
