"""Every word the UI and reports show, in Simplified Chinese (default) and English.

Catalogs are TOML files keyed by dotted ids (locales/zh.toml, locales/en.toml): readable,
diffable and testable (a test checks both have the same keys and fields), unlike compiled
gettext catalogs. Numbers, percentages and dates are formatted by Babel per language.
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
    try:
        text = catalog(lang)[key]
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
    if scale == 10000:
        return t("unit.per10k", lang, n=fmt_number(value, lang, 1))
    if scale == 1000:
        return t("unit.per1k", lang, n=fmt_number(value, lang, 1))
    return fmt_percent(value, lang, 1)


def fmt_date(value: date, lang: str) -> str:
    return format_date(value, format="long" if lang == "zh" else "medium", locale=LOCALES[lang])
