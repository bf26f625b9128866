"""Run every rule of the template over a submission's text tables, then type them for the store.

Column rules (required, type, enum, range, format) are generated from contract.py, the one
place they are declared, as a single scan per table; rules across rows and tables are the
SQL files in queries/checks/. Every finding names the rule, table, column and rows; a value
is echoed only where it cannot be personal data (enum, number, date, boolean columns, and
never for a P-rule).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from zoneinfo import available_timezones

import duckdb

from . import contract, queries, rules
from .contract import Column, Table

EXAMPLE_ROWS = 20
ECHO_TYPES = ("enum", "int", "decimal", "date", "timestamp", "bool")
LARGE_AMOUNT = 10_000_000

INT_RE = r"^[+-]?[0-9]+$"
DECIMAL_RE = r"^[+-]?[0-9]+(\.[0-9]+)?$"
DECIMAL_2DP_RE = r"^[+-]?[0-9]+(\.[0-9]{1,2})?$"
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIMESTAMP_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$"
OFFSET_RE = r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)$"
BOOL_WORDS = contract.TRUE_WORDS + contract.FALSE_WORDS

TYPE_WORDS = {
    "int": "a whole number",
    "decimal": "a number with at most 2 decimal places",
    "date": "a date written YYYY-MM-DD",
    "timestamp": "an ISO 8601 date and time (YYYY-MM-DD HH:MM[:SS][+08:00])",
    "bool": "true/false, 1/0 or 是/否",
}


@dataclass
class Finding:
    rule: str
    table: str = ""
    column: str = ""
    rows: list[int] = field(default_factory=list)
    count: int = 0
    detail: str = ""
    values: list[str] = field(default_factory=list)
    file: str = ""

    @property
    def severity(self) -> str:
        return rules.RULES[self.rule].severity

    def as_dict(self, lang: str = "en") -> dict:
        out = asdict(self)
        out["severity"] = self.severity
        out["row"] = self.rows[0] if self.rows else None
        out["message"] = rules.message(self.rule, "en", table=self.table, column=self.column, detail=self.detail)
        out["message_zh"] = rules.message(self.rule, "zh", table=self.table, column=self.column, detail=self.detail)
        return out


# ---- column rules, generated from the contract ----------------------------------------------
def _column_conditions(col: Column, present: set[str]) -> list[tuple[str, str, str]]:
    """(rule id, SQL condition that marks a bad row, detail) for one column's declared rules."""
    v = f'"{col.name}"'
    out: list[tuple[str, str, str]] = []
    if col.required:
        out.append(("V01", f"{v} IS NULL", ""))
    if col.required_when and col.required_when[0] in present:
        other, values = col.required_when
        listed = ", ".join(f"'{x}'" for x in values)
        out.append(("V09", f'{v} IS NULL AND "{other}" IN ({listed})', f"{other} is {' / '.join(values)}"))
    if col.type == "int":
        out.append(("V02", f"{v} IS NOT NULL AND NOT regexp_full_match({v}, '{INT_RE}')", TYPE_WORDS["int"]))
    elif col.type == "decimal":
        out.append(("V02", f"{v} IS NOT NULL AND NOT regexp_full_match({v}, '{DECIMAL_RE}')", TYPE_WORDS["decimal"]))
        out.append(("V11", f"regexp_full_match({v}, '{DECIMAL_RE}') AND NOT regexp_full_match({v}, '{DECIMAL_2DP_RE}')", ""))
    elif col.type == "date":
        out.append(("V02", f"{v} IS NOT NULL AND (NOT regexp_full_match({v}, '{DATE_RE}') OR TRY_CAST({v} AS DATE) IS NULL)", TYPE_WORDS["date"]))
    elif col.type == "timestamp":
        out.append(("V02", f"{v} IS NOT NULL AND (NOT regexp_full_match({v}, '{TIMESTAMP_RE}') OR TRY_CAST({v} AS TIMESTAMPTZ) IS NULL)", TYPE_WORDS["timestamp"]))
    elif col.type == "bool":
        words = ", ".join(f"'{w}'" for w in BOOL_WORDS)
        out.append(("V02", f"{v} IS NOT NULL AND lower({v}) NOT IN ({words})", TYPE_WORDS["bool"]))
    elif col.type == "enum":
        listed = ", ".join(f"'{x}'" for x in col.enum)
        out.append(("V03", f"{v} IS NOT NULL AND {v} NOT IN ({listed})", ", ".join(col.enum)))
    number = f"TRY_CAST({v} AS DOUBLE)"
    if col.minimum is not None:
        out.append(("V04", f"{number} < {col.minimum}", f">= {col.minimum:g}"))
    if col.exclusive_minimum is not None:
        out.append(("V04", f"{number} <= {col.exclusive_minimum}", f"> {col.exclusive_minimum:g}"))
    if col.pattern:
        out.append(("V05", f"{v} IS NOT NULL AND NOT regexp_full_match({v}, '{col.pattern}')", col.pattern_name))
    return out


def _absent_column_conditions(col: Column, present: set[str]) -> list[tuple[str, str, str]]:
    """A conditionally required column left out of the file is missing on every row that needs it."""
    if col.name in present or not col.required_when or col.required_when[0] not in present:
        return []
    other, values = col.required_when
    listed = ", ".join(f"'{x}'" for x in values)
    return [("V09", f'"{other}" IN ({listed})', f"{other} is {' / '.join(values)}")]


def column_findings(con: duckdb.DuckDBPyConnection, tbl: Table, raw: str, present: set[str]) -> list[Finding]:
    """All declared column rules of one table: one scan counts every rule's bad rows, and only a
    rule that has some pays for a second query collecting its example rows and values."""
    checks = [(col, *cond) for col in tbl.columns if col.name in present for cond in _column_conditions(col, present)]
    checks += [(col, *cond) for col in tbl.columns for cond in _absent_column_conditions(col, present)]
    out = []
    if checks:
        counts = con.execute(f'SELECT {", ".join(f"count(*) FILTER (WHERE {c[2]})" for c in checks)} FROM "{raw}"').fetchall()[0]
        for (col, rule, cond, detail), count in zip(checks, counts):
            if count:
                echo = f'list_distinct(list("{col.name}"))[1:5]' if col.type in ECHO_TYPES and col.name in present else "NULL"
                rows, values = con.execute(f'SELECT list_sort(list(row_no))[1:{EXAMPLE_ROWS}], {echo} FROM "{raw}" WHERE {cond}').fetchall()[0]
                out.append(Finding(rule, tbl.name, col.name, list(rows), count, detail, [v for v in values or [] if echo_safe(v)]))
    if "timezone" in present:
        zones = {r[0] for r in con.execute(f'SELECT DISTINCT "timezone" FROM "{raw}" WHERE "timezone" IS NOT NULL').fetchall()}
        unknown = sorted(zones - available_timezones())
        if unknown:
            rows = con.execute(f'SELECT list_sort(list(row_no))[1:{EXAMPLE_ROWS}], count(*) FROM "{raw}" WHERE "timezone" IN (SELECT unnest($z))', {"z": unknown}).fetchall()[0]
            out.append(Finding("V05", tbl.name, "timezone", list(rows[0]), rows[1], "an IANA time zone name such as Asia/Shanghai"))
    return out


# ---- personal data ---------------------------------------------------------------------------
SEP = r"[- ]?"
MOBILE = re.compile(rf"(?<![0-9])(?:\+?86{SEP})?1[3-9][0-9]{SEP}[0-9]{{4}}{SEP}[0-9]{{4}}(?![0-9])")
RESIDENT_ID = re.compile(r"(?<![0-9])[1-8][0-9]{16}[0-9Xx](?![0-9])")
CARD = re.compile(r"(?<![0-9])[0-9](?:[- ]?[0-9]){12,18}(?![0-9])")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# SQL pre-filter: a value can break a P-rule only if it has 11 digits (maybe in groups) or an @.
CANDIDATE_SQL = r"[0-9]{3}[- ]?[0-9]{4}[- ]?[0-9]{4}|@"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# Only short plain words, numbers and dates are echoed back in a report; anything else
# (a name typed into an enum column, say) might be personal data.
SAFE_ECHO = re.compile(r"^[A-Za-z0-9_.:+/ -]{1,40}$")


def resident_id_valid(text: str) -> bool:
    """GB 11643 check digit of an 18-character resident ID number."""
    if len(text) != 18 or not text[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(text[:17], ID_WEIGHTS))
    return ID_CHECK[total % 11] == text[17].upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def personal_rules(value: str) -> list[str]:
    """The P-rules a value breaks (it looks like a mobile number, resident ID, card number, e-mail)."""
    found = []
    if MOBILE.search(value):
        found.append("P01")
    if any(resident_id_valid(m.group(0)) for m in RESIDENT_ID.finditer(value)):
        found.append("P02")
    if any(luhn_valid(re.sub(r"[- ]", "", m.group(0))) for m in CARD.finditer(value)):
        found.append("P03")
    if EMAIL.search(value):
        found.append("P04")
    return found


def echo_safe(value: object) -> bool:
    """May this value appear in a report? Only plain short words/numbers that break no P-rule."""
    text = "" if value is None else str(value)
    return bool(SAFE_ECHO.match(text)) and not personal_rules(text)


def personal_findings(con: duckdb.DuckDBPyConnection, tbl: Table, raw: str, present: set[str],
                      column_found: list[Finding] | None = None) -> list[Finding]:
    """Scan the free-form columns in one pass: SQL picks candidate cells, Python confirms the P-rule.

    Text, int and decimal columns only: personal data in an enum, date, timestamp or bool
    column cannot pass its type rule, so it is rejected (V02/V03) without being echoed.
    When `column_found` (this table's column findings) is given, a 64-hex token column
    without a V05 finding among them is skipped: every value is a well-formed token, never a candidate, and the
    scan of its long values was half the cost of this pass.
    """
    bad_tokens = {f.column for f in column_found or [] if f.rule == "V05"}
    cols = [c for c in tbl.columns if c.name in present and c.type in ("text", "int", "decimal")
            and not (c.pattern == contract.HEX64 and column_found is not None and c.name not in bad_tokens)]
    if not cols:
        return []

    def candidate(col: Column) -> str:
        v = f'"{col.name}"'
        # a well-formed token may contain 11 digits in a row; it is not personal data
        token = f" AND (length({v}) <> 64 OR NOT regexp_full_match({v}, '{contract.HEX64}'))" if col.pattern == contract.HEX64 else ""
        return f"(regexp_matches({v}, '{CANDIDATE_SQL}'){token})"

    picks = ", ".join(f'CASE WHEN {candidate(c)} THEN "{c.name}" END' for c in cols)
    where = " OR ".join(candidate(c) for c in cols)
    rows = con.execute(f'SELECT row_no, {picks} FROM "{raw}" WHERE {where} ORDER BY row_no').fetchall()
    by_rule: dict[tuple[str, str], list[int]] = {}
    for row_no, *values in rows:
        for col, value in zip(cols, values):
            if value is not None:
                for rule in personal_rules(value):
                    by_rule.setdefault((col.name, rule), []).append(row_no)
    return [Finding(rule, tbl.name, column, found[:EXAMPLE_ROWS], len(found)) for (column, rule), found in sorted(by_rule.items())]


# ---- typing ---------------------------------------------------------------------------------
def _typed_expr(col: Column, source: str, tz: str) -> list[str]:
    v = f'{source}."{col.name}"'
    if col.type in ("text", "enum"):
        expr = f"coalesce({v}, '{col.default}')" if col.default else v
        return [f'{expr} AS "{col.name}"']
    if col.type == "int":
        return [f'CAST({v} AS BIGINT) AS "{col.name}"']
    if col.type == "decimal":
        return [f'CAST({v} AS DECIMAL(18,2)) AS "{col.name}"']
    if col.type == "date":
        return [f'CAST({v} AS DATE) AS "{col.name}"']
    if col.type == "bool":
        trues = ", ".join(f"'{w}'" for w in contract.TRUE_WORDS)
        falses = ", ".join(f"'{w}'" for w in contract.FALSE_WORDS)
        default = "false" if col.default == "false" else "NULL"
        return [f'CASE WHEN lower({v}) IN ({trues}) THEN true WHEN lower({v}) IN ({falses}) THEN false ELSE {default} END AS "{col.name}"']
    local, utc = _timestamp_exprs(v, tz)
    return [f'{local} AS "{col.name}"', f'{utc} AS "{col.name}{contract.UTC_SUFFIX}"']


def _timestamp_exprs(v: str, tz: str) -> tuple[str, str]:
    """(local, utc): with an offset the text is an instant; without, the debtor's wall-clock time in tz."""
    has_offset = f"regexp_matches({v}, '{OFFSET_RE}')"
    utc = f"CASE WHEN {has_offset} THEN CAST(CAST({v} AS TIMESTAMPTZ) AS TIMESTAMP) ELSE CAST(timezone({tz}, CAST({v} AS TIMESTAMP)) AS TIMESTAMP) END"
    local = f"CASE WHEN {has_offset} THEN timezone({tz}, CAST({v} AS TIMESTAMPTZ)) ELSE CAST({v} AS TIMESTAMP) END"
    return local, utc


def _case_zones(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The typed cases' time zones, the most used first (the default when there are no cases)."""
    zones = con.execute('SELECT "timezone" FROM cases GROUP BY ALL ORDER BY count(*) DESC, "timezone"').fetchall()
    return [z for (z,) in zones] or [contract.DEFAULT_TIMEZONE]


def _rezone_contacts(con: duckdb.DuckDBPyConnection, raw: str, present: set[str], main: str) -> None:
    """Re-type the timestamps of contacts whose case is not in the `main` zone, in place.

    An UPDATE keeps the rows where they are: joining every contact to its case instead
    returns the rows out of file order, and sorting them back cost more than the join.
    A contact whose case is missing keeps `main`: it is rejected (V07) anyway.
    """
    sets = []
    for col in contract.table("contacts").columns:
        if col.type == "timestamp" and col.name in present:
            local, utc = _timestamp_exprs(f'r."{col.name}"', 'o."timezone"')
            sets += [f'"{col.name}" = {local}', f'"{col.name}{contract.UTC_SUFFIX}" = {utc}']
    if sets:
        con.execute(
            f'UPDATE contacts AS t SET {", ".join(sets)} FROM "{raw}" AS r '
            'JOIN (SELECT DISTINCT ON (case_ref) case_ref, "timezone" FROM cases WHERE "timezone" <> $main) AS o '
            "ON o.case_ref = r.case_ref WHERE t.row_no = r.row_no",
            {"main": main},
        )


def build_typed(con: duckdb.DuckDBPyConnection, tbl: Table, raw: str, present: set[str]) -> None:
    """Create the typed temp table `tbl.name` (row_no and the stored columns, rows in file order)
    from its checked text table; contacts need the typed cases for their time zones."""
    exprs: list[str] = []
    zones = _case_zones(con) if tbl.name == "contacts" else [contract.DEFAULT_TIMEZONE]
    tz = "'" + zones[0].replace("'", "''") + "'"  # a name from the IANA list (checked in column_findings)
    for col in tbl.columns:
        if col.name in present:
            exprs += _typed_expr(col, "r", tz)
        else:
            default = f"'{col.default}'" if col.default and col.type in ("text", "enum") else ("false" if col.default == "false" else "NULL")
            exprs.append(f'CAST({default} AS {contract.STORED_TYPES[col.type]}) AS "{col.name}"')
            if col.type == "timestamp":
                exprs.append(f'CAST(NULL AS TIMESTAMP) AS "{col.name}{contract.UTC_SUFFIX}"')
    con.execute(
        f'CREATE OR REPLACE TEMP TABLE "{tbl.name}" AS SELECT r.row_no, {", ".join(exprs)} FROM "{raw}" AS r'
    )
    if len(zones) > 1:
        _rezone_contacts(con, raw, present, zones[0])


# ---- rules across rows and tables (queries/checks) -------------------------------------------
def _rows_finding(con, rule: str, query: str, ids: dict, params: dict | None = None, detail: str = "") -> Finding | None:
    """A finding from a check query that returns offending row numbers; ids name the table and column."""
    rows = [r[0] for r in queries.run(con, query, params, **ids).fetchall()]
    if not rows:
        return None
    return Finding(rule, ids["table"], ids.get("column", "case_ref"), rows[:EXAMPLE_ROWS], len(rows), detail)


def relational_findings(con: duckdb.DuckDBPyConnection, given: list[str], period_start, period_end) -> list[Finding]:
    found: list[Finding | None] = []
    span = f"{period_start:%Y-%m-%d} – {period_end:%Y-%m-%d}"
    for tbl in contract.TABLES:
        if tbl.name not in given:
            continue
        for col in tbl.columns:
            ids = {"table": tbl.name, "column": col.name}
            if col.unique and queries.run(con, "checks/duplicate_count", **ids).fetchall()[0][0]:
                found.append(_rows_finding(con, "V06", "checks/duplicate_key", ids))
            if col.references_case and tbl.name != "cases":
                found.append(_rows_finding(con, "V07", "checks/unknown_case", {"table": tbl.name}))
            if col.in_period:
                found.append(_rows_finding(con, "V08", "checks/outside_period", ids, {"period_start": period_start, "period_end": period_end}, span))
            if col.not_after_period_end:
                found.append(_rows_finding(con, "V08", "checks/after_period_end", ids, {"period_end": period_end}, span))
    for table, column, other in (("cases", "hold_to", "hold_from"), ("cases", "closed_on", "placed_on"), ("complaints", "closed_on", "received_on")):
        if table in given:
            found.append(_rows_finding(con, "V10", "checks/date_order", {"table": table, "column": column, "other": other}, detail=other))
    return [f for f in found if f]


def warning_findings(con: duckdb.DuckDBPyConnection, given: list[str], counts: dict[str, int], previous_counts: dict[str, int] | None) -> list[Finding]:
    found: list[Finding | None] = []
    if previous_counts:
        for name, rows in counts.items():
            before = previous_counts.get(name, 0)
            if before >= 20 and (rows > 5 * before or rows * 5 < before):
                found.append(Finding("W01", name, detail=f"{rows:,} vs {before:,}", count=1))
    if "contacts" in given and counts.get("contacts", 0) >= 20:
        night, total = queries.run(con, "checks/night_share").fetchall()[0]
        if night * 2 > total:
            found.append(Finding("W02", "contacts", "contact_at", count=night, detail=f"{night:,} of {total:,}"))
    for tbl in contract.TABLES:
        if tbl.name in given:
            for col in tbl.columns:
                if col.type == "decimal":
                    found.append(_rows_finding(con, "W03", "checks/large_amount", {"table": tbl.name, "column": col.name}, {"limit": LARGE_AMOUNT}))
    if "payments" in given:
        rows = queries.run(con, "checks/overpaid_cases").fetchall()
        if rows:
            found.append(Finding("W04", "payments", "amount", [r[0] for r in rows[:EXAMPLE_ROWS]], len(rows), f"{len(rows):,} cases"))
    return [f for f in found if f]
