"""Every word the UI and reports show, in Simplified Chinese (default) and English.

Catalogs are TOML files keyed by dotted ids (locales/zh.toml, locales/en.toml), loaded once
per process. Why TOML and not gettext .po/.mo: a reviewer reads the Chinese and English of
one screen side by side in a plain diff, the standard library parses it (no compile step,
no binary .mo to keep in sync), and a test can check that both languages have exactly the
same keys and the same {fields}; gettext's English-source-as-key also breaks every
translation whenever the English wording is polished.

Numbers, percentages and dates go through Babel (zh_Hans_CN, en): grouping, decimal signs
and date order are locale data that Babel keeps current, not something to hand-roll.
Rates "per 10,000" read differently in each language ("5.2 per 10,000" / "每万次 5.2"), so
their pattern is a catalog entry and only the number inside it is Babel's.
"""

from __future__ import annotations

import functools
import tomllib
from datetime import date
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LOCALES = {"zh": "zh_Hans_CN", "en": "en"}
FOLDER = Path(__file__).with_name("locales")
RATE_KEYS = {10000: "unit.per10k", 1000: "unit.per1k"}


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@functools.lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise KeyError(f"unknown language {lang!r}; one of {LANGS}")
    return _flatten(tomllib.loads((FOLDER / f"{lang}.toml").read_text(encoding="utf-8")))


def t(key: str, lang: str = DEFAULT_LANG, **fields: object) -> str:
    """The text for `key` in `lang`, with its {fields} filled; a missing key is an error, not a blank."""
    texts = catalog(lang)  # an unknown language fails here, naming the language
    try:
        text = texts[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in locales/{lang}.toml") from None
    return text.format(**fields) if fields else text


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalog(lang)


def fmt_number(value: float | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    return format_decimal(value, format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale=LOCALES[lang])


def fmt_percent(value: float | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    return format_percent(value, format=f"#,##0.{'0' * digits}%", locale=LOCALES[lang])


def fmt_rate(value: float | None, scale: float, lang: str, digits: int = 1) -> str:
    """A rate per 1,000 or per 10,000 in words: '5.2 per 10,000' / '每万次 5.2'."""
    if scale not in RATE_KEYS:
        raise ValueError(f"no words for a rate per {scale:g}; one of {sorted(RATE_KEYS)}")
    if value is None:
        return "–"
    return t(RATE_KEYS[scale], lang, n=fmt_number(value, lang, digits))


def fmt_value(value: float | None, metric_id: str, dim: str, lang: str) -> str:
    """A metric value in its own unit: per 10,000, per 1,000, a percentage, a ratio or days."""
    from . import judge

    if value is None:
        return "–"
    scale = judge.scale_of(metric_id, dim)
    if metric_id == "R4":
        return t("unit.days", lang, n=fmt_number(value, lang, 0))
    if metric_id in ("C6", "V8") and dim == "":
        return t("unit.ratio", lang, n=fmt_number(value, lang, 2))
    if scale in RATE_KEYS:
        return fmt_rate(value, scale, lang)
    return fmt_percent(value, lang, 1)


def fmt_date(value: date, lang: str) -> str:
    return format_date(value, format="long" if lang == "zh" else "medium", locale=LOCALES[lang])
