"""Small pieces every page uses: the page context, standard titles and the metric parameters in force."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from .. import i18n, periods, standards
from ..access import Audience
from . import data, session


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


def metric_params(ctx: Context, pack: str, period: str) -> dict[str, dict]:
    """The metric parameters (quiet hours, day limits...) in force on the period's last day."""
    return ctx.register.pack(pack).metric_params(periods.parse(period).last_day)


def standard_for(ctx: Context, pack: str, period: str, metric_id: str, dim: str = "") -> standards.Standard | None:
    """The standard in force on the period's last day that judges this metric row, if any (for thresholds on charts)."""
    found = [s for s in ctx.register.pack(pack).in_force(periods.parse(period).last_day) if s.metric == metric_id and s.dim == dim]
    return found[0] if found else None
