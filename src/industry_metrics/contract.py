"""The reporting template v1 as data: the one place that declares tables, columns, types and rules.

Ingest, validation, the docs table in the README and the tests all read this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEMPLATE_VERSION = "v1"

# SQL types a template type is stored as (DuckDB names; Spark reads the Parquet the same).
STORED_TYPES = {
    "text": "VARCHAR",
    "enum": "VARCHAR",
    "int": "BIGINT",
    "decimal": "DECIMAL(18,2)",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "bool": "BOOLEAN",
}

TRUE_WORDS = ("true", "1", "是")
FALSE_WORDS = ("false", "0", "否")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    rule: str = ""
    enum: tuple[str, ...] = ()
    # (column, values): the value is required when that column holds one of the values.
    required_when: tuple[str, tuple[str, ...]] | None = None
    unique: bool = False
    minimum: float | None = None  # inclusive lower bound
    exclusive_minimum: float | None = None
    pattern: str | None = None  # a regular expression the whole value must match
    pattern_name: str = ""
    in_period: bool = False  # a date/timestamp that must fall inside the reporting period
    not_after_period_end: bool = False
    references_case: bool = False
    default: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...] = field(default_factory=tuple)
    required: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def key(self) -> str:
        return next(c.name for c in self.columns if c.unique)


HEX64 = r"^[0-9a-f]{64}$"
CLOSED_STATUSES = ("settled", "paid_in_full", "returned", "written_off")

TABLES: tuple[Table, ...] = (
    Table(
        "cases",
        "every case the firm held at any time in the period, as at period end",
        required=True,
        columns=(
            Column("case_ref", "text", True, "unique per firm", unique=True),
            Column("debtor_ref", "text", True, "64 hex chars (HMAC token)", pattern=HEX64, pattern_name="64 lower-case hex chars"),
            Column("creditor_ref", "text", True, "association-issued lender code"),
            Column("product", "enum", True, enum=("cash_loan", "consumer_instalment", "credit_card", "auto_loan", "small_business", "other")),
            Column("region_code", "text", True, "6-digit administrative division code", pattern=r"^[1-8][0-9]{5}$", pattern_name="a 6-digit administrative division code"),
            Column("timezone", "text", False, "IANA name; default Asia/Shanghai", default="Asia/Shanghai"),
            Column("placed_on", "date", True, "not after period end", not_after_period_end=True),
            Column("dpd_at_placement", "int", True, "days past due when placed, >= 1", minimum=1),
            Column("amount_placed", "decimal", True, "> 0", exclusive_minimum=0),
            Column("fee_model", "enum", True, "the model only; fee rates are not collected", enum=("percentage", "fixed", "success")),
            Column("vulnerable", "bool", True, "debtor known to be vulnerable"),
            Column("hold_from", "date", False, "start of a no-contact hold"),
            Column("hold_to", "date", False, "end of a no-contact hold, not before hold_from"),
            Column("status", "enum", True, enum=("active", "repayment_plan", "settled", "paid_in_full", "legal_action", "returned", "written_off")),
            Column("closed_on", "date", False, "required for settled, paid_in_full, returned, written_off", required_when=("status", CLOSED_STATUSES), not_after_period_end=True),
        ),
    ),
    Table(
        "payments",
        "money received in the period",
        columns=(
            Column("payment_ref", "text", True, "unique per firm", unique=True),
            Column("case_ref", "text", True, "a case of this firm", references_case=True),
            Column("paid_on", "date", True, "inside the period", in_period=True),
            Column("amount", "decimal", True, "> 0", exclusive_minimum=0),
        ),
    ),
    Table(
        "contacts",
        "every contact attempt in the period, every channel, both directions",
        columns=(
            Column("contact_ref", "text", True, "unique per firm", unique=True),
            Column("case_ref", "text", True, "a case of this firm", references_case=True),
            Column("contact_at", "timestamp", True, "inside the period (local time of the case)", in_period=True),
            Column("channel", "enum", True, enum=("call", "sms", "app_message", "email", "letter", "visit", "ivr")),
            Column("direction", "enum", True, enum=("outbound", "inbound")),
            Column("party", "enum", True, enum=("debtor", "guarantor", "related_third_party", "emergency_contact", "unrelated_third_party")),
            Column("number_ref", "text", False, "the number dialled or messaged; required for calls and sms", required_when=("channel", ("call", "sms")), pattern=HEX64, pattern_name="64 lower-case hex chars"),
            Column("connected", "bool", False, "answered by a person; required for calls", required_when=("channel", ("call",))),
            Column("duration_s", "int", False, ">= 0", minimum=0),
            Column("consented_time", "bool", False, "debtor agreed to be contacted at this time", default="false"),
            Column("debtor_unreachable", "bool", False, "for third-party contacts: the debtor could not be reached", default="false"),
            Column("disclosed_debt", "bool", False, "debt details disclosed to someone other than the debtor", default="false"),
            Column("recorded", "bool", False, "a recording exists; required for calls and visits", required_when=("channel", ("call", "visit"))),
            Column("collectors_present", "int", False, "staff present at a field visit; required for visits", required_when=("channel", ("visit",)), minimum=0),
        ),
    ),
    Table(
        "complaints",
        "received in the period, or still open, with their state at period end",
        columns=(
            Column("complaint_ref", "text", True, "unique per firm", unique=True),
            Column("case_ref", "text", False, "the case complained about, where known", references_case=True),
            Column("received_on", "date", True, "not after period end", not_after_period_end=True),
            Column("source", "enum", True, enum=("firm_direct", "creditor", "association", "regulator", "hotline", "court", "media")),
            Column("category", "enum", True, enum=("out_of_hours", "excessive_contact", "threats_abuse", "third_party_contact", "privacy_breach", "impersonation", "debt_disputed", "fees_charges", "vulnerable_treatment", "other")),
            Column("outcome", "enum", True, enum=("pending", "upheld", "partially_upheld", "not_upheld", "withdrawn")),
            Column("closed_on", "date", False, "required unless pending; not before received_on", required_when=("outcome", ("upheld", "partially_upheld", "not_upheld", "withdrawn")), not_after_period_end=True),
            Column("redress_amount", "decimal", False, ">= 0", minimum=0),
        ),
    ),
    Table(
        "qa_reviews",
        "the firm's own quality reviews of recorded calls and visits",
        columns=(
            Column("review_ref", "text", True, "one row per finding; a clean review has one row with finding none"),
            Column("case_ref", "text", True, "a case of this firm", references_case=True),
            Column("reviewed_on", "date", True, "inside the period", in_period=True),
            Column("subject", "enum", True, enum=("call", "visit", "message")),
            Column("finding", "enum", True, enum=("none", "threat", "insult", "impersonation", "false_legal_claim", "privacy_disclosure", "pressure_to_borrow", "extra_fee_demanded", "not_recorded")),
        ),
    ),
    Table(
        "incidents",
        "data-protection incidents detected in the period",
        columns=(
            Column("incident_ref", "text", True, "unique per firm", unique=True),
            Column("kind", "enum", True, enum=("leak", "misdirected_message", "unauthorised_access", "loss", "contact_list_disclosure")),
            Column("detected_at", "timestamp", True, "inside the period (Asia/Shanghai unless an offset is given)", in_period=True),
            Column("reported_at", "timestamp", False, "when reported to the authority; empty = not reported"),
            Column("records_affected", "int", True, ">= 0", minimum=0),
        ),
    ),
)

TABLE_NAMES = tuple(t.name for t in TABLES)
DEFAULT_TIMEZONE = "Asia/Shanghai"

# Columns every stored table carries besides the template's own.
PROVENANCE_COLUMNS = (("firm_id", "VARCHAR"), ("period", "VARCHAR"), ("submission_id", "VARCHAR"))
# Timestamps are stored twice: the debtor's local wall-clock time and the UTC instant.
UTC_SUFFIX = "_utc"

# Column names that announce personal data; rejected with their own message.
PERSONAL_COLUMN_WORDS = (
    "name", "姓名", "名字", "phone", "mobile", "tel", "电话", "手机", "address", "地址", "住址",
    "id_number", "id_no", "idcard", "身份证", "email", "e-mail", "邮箱", "bank_card", "card_no", "银行卡",
)


def table(name: str) -> Table:
    return next(t for t in TABLES if t.name == name)


def stored_schema(name: str) -> list[tuple[str, str]]:
    """The stored Parquet schema of one table: provenance, template columns, UTC instants."""
    cols = list(PROVENANCE_COLUMNS)
    for c in table(name).columns:
        cols.append((c.name, STORED_TYPES[c.type]))
        if c.type == "timestamp":
            cols.append((c.name + UTC_SUFFIX, "TIMESTAMP"))
    return cols


def looks_personal(column_name: str) -> bool:
    lowered = column_name.strip().lower()
    return any(word in lowered for word in PERSONAL_COLUMN_WORDS)


def markdown_table() -> str:
    """The template as readable Markdown tables, for member firms (README and docs)."""
    out: list[str] = []
    for t in TABLES:
        out.append(f"### {t.name}: {t.title}" + (" (required)" if t.required else ""))
        out.append("| column | type | required | rule |")
        out.append("| --- | --- | --- | --- |")
        for c in t.columns:
            req = "yes" if c.required else (f"when {c.required_when[0]} is {', '.join(c.required_when[1])}" if c.required_when else "no")
            rule = c.rule
            if c.enum:
                rule = ", ".join(c.enum) + (f" ({rule})" if rule else "")
            out.append(f"| {c.name} | {c.type} | {req} | {rule} |")
        out.append("")
    return "\n".join(out)


def docs_page() -> str:
    """docs/reporting-template.md: the template and every validation rule (a test keeps the file in step)."""
    from . import rules  # the rules' messages live there; imported here to keep this module's top light

    lines = [
        f"# Reporting template {TEMPLATE_VERSION}",
        "",
        "Generated from `src/industry_metrics/contract.py` and `rules.py` by",
        "`python -m industry_metrics.contract > docs/reporting-template.md`; do not edit by hand.",
        "",
        "One submission per firm and month (`YYYY-MM`): one CSV (UTF-8, UTF-8 with BOM or GBK) or",
        "Parquet file per table, named after the table (`contacts.csv`, `FA_2026-10_contacts.csv`), or",
        "one XLSX workbook with one sheet per table. Types: text, int, decimal (at most 2 places),",
        "date (`YYYY-MM-DD`), timestamp (ISO 8601; without an offset it is the debtor's local time),",
        "bool (`true/false`, `1/0`, `是/否`). Row numbers in a report count data rows: the first row",
        "after the header is row 1.",
        "",
        markdown_table(),
        "## Validation rules",
        "| rule | severity | message |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {r.id} | {r.severity} | {r.en} / {r.zh} |" for r in rules.RULES.values()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(docs_page(), end="")
