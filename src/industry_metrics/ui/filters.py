"""The filters every page shares, kept in the URL (st.query_params) so a view can be shared.

A value from the URL is used only when it is one of the allowed choices; anything else falls
back to the default. Filter values never become SQL text (queries bind values).
"""

from __future__ import annotations

from typing import Callable, Sequence

import polars as pl
import streamlit as st

from .. import periods as periods_mod
from ..i18n import t

GRAINS = ("month", "quarter", "year")
ALL = "all"  # the breakdown filters' "no breakdown" choice (no product or region code is spelt so)
BREAKDOWNS = ("product", "region")


def choose(name: str, options: Sequence[str], default: str, label: str, fmt: Callable[[str], str] = str) -> str:
    """A sidebar selectbox whose value lives in the URL under `name`."""
    options = list(options)
    if not options:
        return default
    wanted = st.query_params.get(name)
    current = wanted if wanted in options else (default if default in options else options[0])
    picked = st.sidebar.selectbox(label, options, index=options.index(current), format_func=fmt, key=f"filter_{name}")
    if st.query_params.get(name) != picked:
        st.query_params[name] = picked
    return picked


def period(lang: str, months: list[str]) -> str:
    """Grain and period; quarters and years are those the months fall in."""
    grain = choose("grain", GRAINS, "month", t("filter.grain", lang), lambda g: t(f"filter.grain_name.{g}", lang))
    names = [p for p in periods_mod.rollups(months) if periods_mod.parse(p).grain == grain]
    return choose("period", names[::-1], names[-1] if names else "", t("filter.period", lang))


def breakdown(name: str, frame, lang: str, fmt: Callable[[str], str]) -> str:
    """A product or region: the codes come from the `<name>=` dims of the rows the audience may see.

    The choice is a code present in the data or ALL; the dim it names is looked up in those rows,
    so neither the URL's value nor the choice ever becomes query text.
    """
    if name not in BREAKDOWNS:
        raise ValueError(f"breakdown={name!r}, allowed={BREAKDOWNS}")
    prefix = f"{name}="
    codes = sorted(frame.filter(pl.col("dim").str.starts_with(prefix))["dim"].str.strip_prefix(prefix).unique().to_list())
    return choose(name, [ALL, *codes], ALL, t(f"filter.{name}", lang), lambda c: t("filter.all", lang) if c == ALL else fmt(c))


def pack(lang: str, packs: list[str], default: str) -> str:
    return choose("pack", packs, default, t("filter.pack", lang))


def pack_for(ctx) -> str:
    """The standards pack filter, defaulting to the register's default pack."""
    return pack(ctx.lang, sorted(ctx.register.packs), ctx.register.default_pack)


def months_in(frame) -> list[str]:
    """The months a metric or judged table holds, oldest first."""
    return sorted(frame.filter(pl.col("grain") == "month")["period"].unique().to_list())
