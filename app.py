"""Industry Metrics dashboard: the frame (demo on first start, sign-in, language, navigation by audience).

`streamlit run app.py`. Pages live in app_pages/ and show only what access.Access returns.
"""

from __future__ import annotations

import streamlit as st

from industry_metrics import demo, i18n, paths
from industry_metrics.store import Store
from industry_metrics.ui import session, warm

st.set_page_config(page_title=i18n.t("app.tab_title", session.lang()), layout="wide")
data_dir = paths.data_dir()
lang = session.language_switch()

if not (data_dir / demo.MANIFEST).exists() and Store(data_dir).snapshot().id == 0:
    bar = st.progress(0.0, text=i18n.t("app.building", lang, label=""))
    demo.ensure_demo(data_dir, progress=lambda label, f: bar.progress(min(f, 1.0), text=i18n.t("app.building", lang, label=label)))
    bar.empty()

warm.start()  # once per server process: staff and regulator caches filled after each new snapshot
who = session.identity()
if who is None:
    session.sign_in_form(data_dir, lang)
    st.stop()
session.sign_out_button(lang)

PAGES = {
    "association": ["overview", "firms", "scorecard", "conduct", "complaints", "recovery", "process", "submissions", "standards", "reports", "audit"],
    "firm": ["scorecard", "benchmark", "conduct", "complaints", "recovery", "process", "submissions", "standards", "reports"],
    "regulator": ["overview", "firms", "standards", "reports"],
}
pages = [st.Page(f"app_pages/{name}.py", title=i18n.t(f"nav.{name}", lang), url_path=name) for name in PAGES[who.role]]
st.navigation(pages).run()
