"""Both languages say everything, with the same fields; page code holds no literal UI text."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from industry_metrics import i18n

ROOT = Path(__file__).resolve().parents[1]
UI_CODE = [*sorted((ROOT / "app_pages").glob("*.py")), ROOT / "app.py", *sorted((ROOT / "src/industry_metrics/ui").glob("*.py"))]
CJK = re.compile(r"[\u4e00-\u9fff]")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogs_have_the_same_keys_and_fields():
    zh, en = i18n.catalog("zh"), i18n.catalog("en")
    assert set(zh) == set(en)
    for key in zh:
        assert fields(zh[key]) == fields(en[key]), key


def test_every_metric_tier_and_role_has_words():
    for key in [f"metric.{m}" for m in ("R1", "R4", "C6", "V1", "V10", "U1", "A1")] + [
            f"tier.{t}" for t in ("meets", "watch", "breach", "not_judged")] + [f"role.{r}" for r in ("association", "firm", "regulator")]:
        assert i18n.t(key, "zh") and i18n.t(key, "en")


def test_a_missing_key_is_an_error_not_a_blank():
    import pytest

    with pytest.raises(KeyError, match="no text"):
        i18n.t("nav.nowhere", "en")


def literal_ui_text(path: Path) -> list[str]:
    """String literals that read as words for people (a space between words, or any Chinese), docstrings aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(body[0].value) for node in ast.walk(tree) if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        for body in [node.body] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value
            if "%{" in text or i18n.has(text):
                continue
            if CJK.search(text) or re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", text):
                found.append(text)
    return found


def test_page_code_has_no_literal_ui_strings():
    offenders = {str(p.relative_to(ROOT)): literal_ui_text(p) for p in UI_CODE}
    assert {k: v for k, v in offenders.items() if v} == {}


METRICS = ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "C1", "C2", "C3", "C4", "C5", "C6",
           "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "U1", "U2", "A1")


def test_every_metric_has_a_name_a_help_sentence_and_a_unit_in_both_languages():
    for lang in i18n.LANGS:
        for m in METRICS:
            for kind in ("metric", "metric_help", "metric_unit", "metric_base"):
                assert i18n.t(f"{kind}.{m}", lang).strip(), (kind, m, lang)
            help_text = i18n.t(f"metric_help.{m}", lang)
            assert help_text.endswith("。" if lang == "zh" else "."), (m, lang)
    # Chinese text is Chinese, English text has none
    assert all(CJK.search(i18n.t(f"metric_help.{m}", "zh")) for m in METRICS)
    # (the language switcher names Chinese in Chinese whatever the current language)
    assert [k for k, v in i18n.catalog("en").items() if CJK.search(v)] == ["lang.zh"]


def test_every_enum_value_of_the_template_has_a_label():
    from industry_metrics import contract

    for table in contract.TABLES:
        for col in table.columns:
            for value in col.enum:
                for lang in i18n.LANGS:
                    assert i18n.has(f"enum.{col.name}.{value}", lang), (table.name, col.name, value, lang)
    for band in ("small", "medium", "large"):
        assert i18n.t(f"enum.size_band.{band}", "zh") == {"small": "小型机构", "medium": "中型机构", "large": "大型机构"}[band]


def test_pages_filters_reasons_and_position_sentence():
    for page in ("overview", "firms", "scorecard", "benchmark", "conduct", "complaints", "recovery", "process",
                 "submissions", "standards", "reports", "audit", "signin"):
        assert i18n.has(f"nav.{page}", "zh") and i18n.has(f"nav.{page}", "en")
    for key in ("period", "grain", "product", "region", "peer_group", "pack", "size_band"):
        assert i18n.has(f"filter.{key}", "en")
    assert i18n.t("nav.audit", "zh") == "审计日志" and i18n.t("nav.signin", "en") == "Sign in"
    for reason in ("no_data", "below_min_volume", "too_few_firms", "dominance", "complementary", "recovery_lag", "widened"):
        assert i18n.t(f"reason.{reason}", "zh") and i18n.t(f"reason.{reason}", "en")
    assert i18n.t("benchmark.position", "en", pct="70") == "Better than 70% of peers"
    assert i18n.t("benchmark.position", "zh", pct="70") == "优于 70% 的同业机构"


def test_a_missing_field_is_an_error():
    import pytest

    with pytest.raises(KeyError):
        i18n.t("benchmark.position", "en", percent="70")


def test_numbers_percentages_rates_and_dates_per_language():
    from datetime import date

    import pytest

    assert i18n.fmt_rate(5.2, 10000, "en") == "5.2 per 10,000"
    assert i18n.fmt_rate(5.2, 10000, "zh") == "每万次 5.2"
    assert i18n.fmt_rate(1234.56, 1000, "en") == "1,234.6 per 1,000"
    assert i18n.fmt_rate(None, 1000, "zh") == "–"
    with pytest.raises(ValueError, match="per 100"):
        i18n.fmt_rate(1.0, 100, "en")
    assert i18n.fmt_number(1234567.891, "zh", 2) == "1,234,567.89"
    assert i18n.fmt_number(1234.5, "en", 0) == "1,234"  # Babel rounds half to even
    assert i18n.fmt_percent(0.1234, "en") == "12.3%"
    assert i18n.fmt_percent(0.005, "zh", 1) == "0.5%"
    assert i18n.fmt_date(date(2026, 10, 5), "zh") == "2026年10月5日"
    assert i18n.fmt_date(date(2026, 10, 5), "en") == "Oct 5, 2026"
    # a metric value in its own unit
    assert i18n.fmt_value(3.26, "V1", "", "zh") == "每万次 3.3"
    assert i18n.fmt_value(0.953, "C3", "", "en") == "95.3%"
    assert i18n.fmt_value(1.234, "V8", "", "en") == "1.23x"
    assert i18n.fmt_value(12, "R4", "", "zh") == "12 天"


def test_an_unknown_language_is_named_in_the_error():
    import pytest

    with pytest.raises(KeyError, match="unknown language 'fr'"):
        i18n.t("tier.meets", "fr")
