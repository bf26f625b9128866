"""Small pieces every page uses: tier badges (symbol + word, never colour alone), page context."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from .. import i18n, standards
from ..access import Audience
from . import data, session

TIER_SYMBOL = {"meets": "✓", "watch": "!", "breach": "✗", "not_judged": "–"}


def tier_label(tier: str | None, lang: str) -> str:
    tier = tier or "not_judged"
    return f"{TIER_SYMBOL[tier]} {i18n.t(f'tier.{tier}', lang)}"


@dataclass(frozen=True)
class Context:
    """What every page needs: who, in which language, which snapshot and pack."""

    lang: str
    audience: Audience
    snapshot_id: int
    register: standards.Register

    def t(self, key: str, **fields: object) -> str:
        """The page's words in the signed-in user's language."""
        return i18n.t(key, self.lang, **fields)

    @property
    def role(self) -> str:
        return self.audience.role

    @property
    def firm_id(self) -> str | None:
        return self.audience.firm_id


def context() -> Context:
    who = session.identity()
    if who is None:
        st.stop()
    return Context(session.lang(), who.audience, data.latest_snapshot(), standards.load(data.data_dir()))


def standard_titles(pack: standards.Pack, lang: str) -> dict[str, str]:
    """Standard id -> title in the language (the latest version's title where a standard has several)."""
    return {s.id: s.title(lang) for s in sorted(pack.standards, key=lambda s: s.effective_from)}
