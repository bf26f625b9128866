"""Reports: the pack this audience may receive (a firm only its own), previewed, written and downloaded (audited)."""

import streamlit as st

from industry_metrics.access import Audience
from industry_metrics.reports import run
from industry_metrics.ui import components, data, filters, session
from industry_metrics.ui import report as report_ui

ctx = components.context()
t = ctx.t
pack_name = filters.pack_for(ctx)
st.title(t("report.page.title"))
months = filters.months_in(data.judged(ctx.role, ctx.firm_id, ctx.snapshot_id, pack_name))
if not months:
    st.info(t("app.no_data"))
    st.stop()
period = filters.period(ctx.lang, months)

audience = ctx.audience
if ctx.role == "association":  # staff make every kind of pack; a firm and a regulator only their own
    role = st.radio(t("report.page.audience"), ["association", "regulator", "firm"], format_func=lambda r: t(f"role.{r}"),
                    horizontal=True, key="report_audience")
    firm = None
    if role == "firm":
        names = dict(data.firms(ctx.role, ctx.firm_id, ctx.snapshot_id, ctx.lang).select("firm_id", "name").iter_rows())
        firm = st.selectbox(t("filter.firm"), sorted(names), format_func=lambda f: f"{f} {names[f]}", key="report_firm")
    audience = Audience(role, firm)

# the pack is built when asked for (preview or files), not on every visit: a first build costs about a second at S
wanted = (audience.key, period, ctx.lang, pack_name, ctx.snapshot_id)
formats = st.multiselect(t("report.page.formats"), list(run.FORMATS), default=["xlsx", "csv"], key="report_formats")
show_col, make_col = st.columns(2)
show = show_col.button(t("report.page.show"), key="report_show")
make = make_col.button(t("report.page.make"), key="report_make", disabled=not formats)
if show or make:
    st.session_state["report_open"] = wanted
if st.session_state.get("report_open") != wanted:
    st.caption(t("report.page.hint"))
    st.stop()
try:
    with st.spinner(t("report.page.building")):
        built = report_ui.pack(audience, ctx.snapshot_id, period, ctx.lang, pack_name)
except run.ReportError:
    st.info(t("app.no_data"))
    st.stop()

st.subheader(built.title)
st.caption(t("report.page.stamp", snapshot=built.snapshot_id, version=built.register_version, code=built.code_version))
for paragraph in built.summary:
    st.markdown(paragraph)

if make:
    try:
        with st.spinner(t("report.page.writing")):
            st.session_state["report_zip"] = (audience.key, period, ctx.lang, *report_ui.make_zip(built, formats), formats)
    except run.ReportError as exc:
        st.error(t("report.page.failed", reason=str(exc)))
ready = st.session_state.get("report_zip")
if ready and ready[:3] == (audience.key, period, ctx.lang):
    _, _, _, name, payload, chosen = ready
    st.download_button(t("report.page.download", name=name), payload, file_name=name, mime="application/zip",
                       on_click=report_ui.audited_download, args=(session.identity(), name, payload, built, chosen),
                       key="report_download")

st.subheader(t("report.page.preview"))
for section in built.sections:
    with st.expander(section.title, expanded=section.id in ("industry_standards", "own_standards", "breaches")):
        if section.intro:
            st.caption(section.intro)
        st.dataframe(report_ui.shown(section), hide_index=True)
        for note in section.notes:
            st.caption(note)
for chart in built.charts:
    st.plotly_chart(chart.figure, key=f"report_chart_{chart.id}")
