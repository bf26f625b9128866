"""The four tiers a standard can give, with a colour and a symbol each.

Colours are from the Okabe-Ito palette, which stays distinct under the common forms of
colour blindness; every tier also carries a symbol and its word, so colour is never the
only cue (a grey-scale print or a screen reader still tells breach from meets).
"""

from __future__ import annotations

from typing import Iterable

from . import i18n

MEETS, WATCH, BREACH, NOT_JUDGED = "meets", "watch", "breach", "not_judged"
TIERS = (MEETS, WATCH, BREACH, NOT_JUDGED)
JUDGED = (MEETS, WATCH, BREACH)  # in order, best to worst

COLOUR = {MEETS: "#0072B2", WATCH: "#E69F00", BREACH: "#D55E00", NOT_JUDGED: "#999999"}
SYMBOL = {MEETS: "✓", WATCH: "!", BREACH: "✗", NOT_JUDGED: "–"}


def _check(tier: str) -> str:
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; one of {TIERS}")
    return tier


def name(tier: str | None, lang: str) -> str:
    """The tier's word in the language; None (nothing judged) reads as not judged."""
    return i18n.t(f"tier.{_check(tier or NOT_JUDGED)}", lang)


def label(tier: str | None, lang: str) -> str:
    """Symbol and word together, e.g. '✗ 违规' / '✗ Breach'."""
    tier = _check(tier or NOT_JUDGED)
    return f"{SYMBOL[tier]} {name(tier, lang)}"


def colour(tier: str | None) -> str:
    return COLOUR[_check(tier or NOT_JUDGED)]


def worst(tiers: Iterable[str | None]) -> str:
    """A firm's overall status: its worst judged tier; not judged only when nothing was judged."""
    judged = [_check(t) for t in tiers if t is not None and _check(t) != NOT_JUDGED]
    return max(judged, key=JUDGED.index) if judged else NOT_JUDGED
