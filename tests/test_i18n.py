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
