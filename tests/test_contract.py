"""The template is declared once, consistently, and the docs page is generated from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from industry_metrics import contract, rules

ROOT = Path(__file__).resolve().parents[1]


def test_every_table_column_and_enum_value_is_declared_once():
    assert len(set(contract.TABLE_NAMES)) == len(contract.TABLE_NAMES) == 6
    for t in contract.TABLES:
        assert len(set(t.column_names)) == len(t.column_names), t.name
        for c in t.columns:
            assert len(set(c.enum)) == len(c.enum), (t.name, c.name)
            assert (c.type == "enum") == bool(c.enum), (t.name, c.name)
            assert c.type in contract.STORED_TYPES


def test_rules_reference_real_columns_and_values():
    for t in contract.TABLES:
        for c in t.columns:
            if c.required_when:
                other, values = c.required_when
                assert set(values) <= set(t.column(other).enum), (t.name, c.name)
            if c.pattern:
                re.compile(c.pattern)
            if c.default is not None and c.type == "bool":
                assert c.default in contract.FALSE_WORDS + contract.TRUE_WORDS
    keyed = {t.name: [c.name for c in t.columns if c.unique] for t in contract.TABLES}
    assert keyed == {"cases": ["case_ref"], "payments": ["payment_ref"], "contacts": ["contact_ref"],
                     "complaints": ["complaint_ref"], "qa_reviews": [], "incidents": ["incident_ref"]}
    assert [t.name for t in contract.TABLES if t.required] == ["cases"]


def test_stored_schema_has_provenance_columns_and_utc_instants():
    assert contract.stored_schema("incidents") == [
        ("firm_id", "VARCHAR"), ("period", "VARCHAR"), ("submission_id", "VARCHAR"),
        ("incident_ref", "VARCHAR"), ("kind", "VARCHAR"), ("detected_at", "TIMESTAMP"), ("detected_at_utc", "TIMESTAMP"),
        ("reported_at", "TIMESTAMP"), ("reported_at_utc", "TIMESTAMP"), ("records_affected", "BIGINT"),
    ]


@pytest.mark.parametrize("name, personal", [("姓名", True), ("phone", True), ("Debtor_Name", True), ("家庭住址", True),
                                             ("note", False), ("case_ref", False)])
def test_personal_column_names(name, personal):
    assert contract.looks_personal(name) is personal


def test_every_rule_has_both_languages_and_a_known_severity():
    for r in rules.RULES.values():
        assert r.severity in (rules.REJECT, rules.WARN)
        assert r.en and r.zh and r.en != r.zh
        # the same placeholders in both languages
        assert set(re.findall(r"\{(\w+)\}", r.en)) == set(re.findall(r"\{(\w+)\}", r.zh)), r.id
    assert [r for r in rules.RULES if rules.RULES[r].severity == rules.WARN] == ["W01", "W02", "W03", "W04"]


def test_docs_page_is_up_to_date():
    page = (ROOT / "docs" / "reporting-template.md").read_text(encoding="utf-8")
    assert page == contract.docs_page(), "regenerate: python -m industry_metrics.contract > docs/reporting-template.md"


def test_docs_page_lists_every_column_and_enum_value():
    page = contract.docs_page()
    for t in contract.TABLES:
        assert f"### {t.name}:" in page
        for c in t.columns:
            assert f"| {c.name} | {c.type} |" in page
            for value in c.enum:
                assert value in page
    for rule_id in rules.RULES:
        assert f"| {rule_id} |" in page
