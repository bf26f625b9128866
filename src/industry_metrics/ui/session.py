"""Who is signed in, and in which language: kept in st.session_state, checked on every run."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from .. import audit, auth, i18n, paths


def lang() -> str:
    """The language: from the URL (?lang=en) when valid, else the session's, else Chinese."""
    chosen = st.query_params.get("lang")
    if chosen in i18n.LANGS:
        st.session_state["lang"] = chosen
    return st.session_state.get("lang", i18n.DEFAULT_LANG)


def language_switch() -> str:
    current = lang()
    picked = st.sidebar.radio(i18n.t("app.language", current), i18n.LANGS, index=i18n.LANGS.index(current),
                              format_func=lambda code: i18n.t(f"lang.{code}", code), horizontal=True, key="lang_switch")
    if picked != current:
        st.session_state["lang"] = picked
        st.query_params["lang"] = picked
        st.rerun()
    return picked


def identity() -> auth.Identity | None:
    """The signed-in identity, or None (also when the session expired or its firm became inactive)."""
    who = st.session_state.get("identity")
    if who is None:
        return None
    if who.expired():
        del st.session_state["identity"]
        st.session_state["ended"] = "expired"
        return None
    try:
        auth.check_active(paths.data_dir(), who)
    except auth.AuthError:
        del st.session_state["identity"]
        st.session_state["ended"] = "inactive"
        audit.record(paths.data_dir(), who.username, "session_ended", role=who.role, firm_id=who.firm_id,
                     details={"reason": "inactive"})
        return None
    st.session_state["identity"] = who.touch()
    return st.session_state["identity"]


def oidc_configured() -> bool:
    """An identity provider is configured when .streamlit/secrets.toml has an [auth] section."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def oidc_identity(data_dir: Path) -> auth.Identity | None:
    """After st.login: the provider's identity mapped to a role by oidc-roles.toml (None when unmapped or inactive)."""
    if not st.user.is_logged_in:
        return None
    try:
        return auth.identity_from_oidc(dict(st.user), data_dir)
    except auth.AuthError as exc:
        if exc.code != "inactive":
            raise
        st.session_state["ended"] = "inactive"
        return None


def sign_in_form(data_dir: Path, language: str) -> None:
    st.title(i18n.t("app.title", language))
    st.caption(i18n.t("app.subtitle", language))
    if oidc_configured():
        who = oidc_identity(data_dir)
        if who is not None:
            audit.record(data_dir, who.username, "sign_in", role=who.role, firm_id=who.firm_id, details={"via": "oidc"})
            st.session_state["identity"] = who
            st.rerun()
        if st.user.is_logged_in:
            st.error(i18n.t("signin.inactive" if st.session_state.pop("ended", "") == "inactive" else "signin.unmapped", language))
            st.button(i18n.t("app.sign_out", language), on_click=st.logout)
        else:
            st.button(i18n.t("signin.provider", language), on_click=st.login)
        return
    ended = st.session_state.pop("ended", "")
    if ended:
        (st.info if ended == "expired" else st.error)(i18n.t(f"signin.{ended}", language))
    with st.form("sign_in"):
        st.subheader(i18n.t("signin.title", language))
        username = st.text_input(i18n.t("signin.username", language), key="signin_user")
        password = st.text_input(i18n.t("signin.password", language), type="password", key="signin_password")
        submitted = st.form_submit_button(i18n.t("signin.submit", language))
    if submitted:
        try:
            who = auth.authenticate(data_dir, username.strip(), password)
            audit.record(data_dir, who.username, "sign_in", role=who.role, firm_id=who.firm_id)
            st.session_state["identity"] = who
            st.rerun()
        except auth.AuthError as exc:
            # log only a name that exists: a password typed into the name box must never reach the log
            known = username.strip() if username.strip() in auth.users(data_dir) else "(unknown)"
            audit.record(data_dir, known, "sign_in_failed", details={"reason": exc.code})
            st.error(i18n.t(f"signin.{exc.code}", language, minutes=exc.minutes) if exc.code in ("locked", "inactive")
                     else i18n.t("signin.failed", language))
    demo = auth.demo_credentials(data_dir)
    if demo:
        with st.expander(i18n.t("signin.demo_users", language)):
            st.dataframe([{"user": u, "password": p} for u, p in demo.items()], hide_index=True)


def sign_out_button(language: str) -> None:
    who = st.session_state["identity"]
    st.sidebar.caption(i18n.t("app.signed_in_as", language, name=who.display_name, role=i18n.t(f"role.{who.role}", language)))
    if st.sidebar.button(i18n.t("app.sign_out", language)):
        del st.session_state["identity"]
        if oidc_configured() and st.user.is_logged_in:
            st.logout()
        st.rerun()
