"""Standards: the register in force as a readable table (titles, thresholds, sources, effective dates)."""

import polars as pl
import streamlit as st

from industry_metrics import i18n, standards
from industry_metrics.ui import components, data, editor, filters, session

ctx = components.context()
t = ctx.t
pack_name = filters.pack(ctx.lang, sorted(ctx.register.packs), ctx.register.default_pack)
pack = ctx.register.pack(pack_name)
st.title(t("standards.title"))
st.caption(t("standards.version", version=ctx.register.version, hash=ctx.register.content_hash[:12]))
st.subheader(pack.title(ctx.lang))


def unit_value(s, value):
    return i18n.fmt_value(value, s.metric, s.dim, ctx.lang)


st.dataframe(pl.DataFrame({
    "id": [s.id for s in pack.standards],
    t("scorecard.standard"): [s.title(ctx.lang) for s in pack.standards],
    t("standards.metric"): [f"{s.metric} {t('metric.' + s.metric)}" for s in pack.standards],
    t("scorecard.threshold"): [f"{unit_value(s, s.meets)} / {unit_value(s, s.watch)}" for s in pack.standards],
    t("standards.min_volume"): [i18n.fmt_number(s.min_volume, ctx.lang, 0) for s in pack.standards],
    t("standards.effective"): [i18n.fmt_date(s.effective_from, ctx.lang) for s in pack.standards],
    t("standards.source"): [s.source for s in pack.standards],
}), hide_index=True)
st.caption(t("standards.caveat"))

if ctx.role == "association":
    st.subheader(t("standards.edit_title"))
    rows = pl.DataFrame({"id": [s.id for s in pack.standards], "meets": [s.meets for s in pack.standards],
                         "watch": [s.watch for s in pack.standards], "min_volume": [s.min_volume for s in pack.standards]})
    edited = st.data_editor(rows, disabled=["id"], hide_index=True, key="standards_editor")
    version = st.text_input(t("standards.new_version"), key="standards_version")
    if st.button(t("standards.save"), key="standards_save") and not version.strip():
        st.error(t("standards.need_version"))
    elif st.session_state.get("standards_save"):
        try:
            path = editor.save_thresholds(data.data_dir(), ctx.register, pack_name, pl.DataFrame(edited), version.strip(),
                                          session.identity())
            st.success(t("standards.saved", version=version.strip(), file=path.name))
            st.cache_data.clear()
        except standards.RegisterError as exc:
            st.error(t("standards.invalid", error=str(exc)))
