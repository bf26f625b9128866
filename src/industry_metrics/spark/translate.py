"""Translate a query file of queries/ from DuckDB SQL to Spark SQL, mechanically and at run time.

sqlglot does the translation (read="duckdb", write="spark"). The few DuckDB constructs whose
Spark spelling sqlglot gets wrong, or whose Spark meaning differs, go through the rewrites below;
each names the query construct it is for. Any other construct known to differ is refused with
the query's name and the construct (TranslationError): a metric never differs silently.

Parameters stay bound: `$name` becomes Spark's named parameter marker `:name`, and run.py passes
the values as `args` (lists become arrays, dates DATE literals, a lag offset a literal).

Checked and left to sqlglot (same results, tests/test_spark_parity.py): a bound list read as
`x in (select unnest($list))` (explode), hash() (Spark's is 32-bit; the queries use it only to find
candidate groups that are then counted by their real key), date_trunc('month', d) (Spark returns a
timestamp; only compared with dates), d + m * interval '1 month' (month ends clamp in both),
FILTER (WHERE ...), grouping() in the select list, VALUES ... AS s(m), NULLS LAST written out where
DuckDB's default differs from Spark's.
Rewritten here: the four functions in REWRITES. Refused: see _refuse and the extract/strftime lists.
"""

from __future__ import annotations

import functools
import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError

from .. import queries


class TranslationError(ValueError):
    """A query holds a construct that has no faithful Spark translation."""


# strftime codes that mean the same in DuckDB and in Spark's date_format after sqlglot maps them
PLAIN_TIME_CODES = {"%Y", "%m", "%d", "%H", "%M", "%S"}
# EXTRACT fields with the same result in both (DuckDB's dow is 0 = Sunday, Spark's 1 = Sunday;
# DuckDB's second is an integer, Spark's has the fraction: refused)
SAME_EXTRACT_FIELDS = {"YEAR", "MONTH", "DAY", "HOUR", "MINUTE"}
# DuckDB-only functions (sqlglot leaves them as they are, Spark has none of the same meaning)
DUCKDB_ONLY = re.compile(r"^(list_\w+|struct_\w+|array_extract|columns|read_parquet|read_csv\w*|regexp_full_match|"
                         r"strptime|epoch\w*|isodow|isoyear|yearweek|printf)$", re.IGNORECASE)


def _fail(name: str, construct: str, why: str) -> None:
    raise TranslationError(f"query {name}: {construct} does not translate to Spark SQL: {why}")


def _iso_week_key(node: exp.Expression, name: str) -> exp.Expression:
    """strftime(d, '%G-%V'), the ISO week key (au_accc.sql A1's in_week): Spark's date_format has no ISO
    week-year pattern, so the key is built from the year of the week's Thursday and weekofyear (ISO 8601)."""
    if not isinstance(node, exp.TimeToStr):
        return node
    fmt = node.args.get("format")
    text = fmt.this if isinstance(fmt, exp.Literal) else None
    if text == "%G-%V":
        day = node.this
        thursday = exp.func("date_add", day.copy(), exp.Sub(this=exp.Literal.number(3),
                                                           expression=exp.func("weekday", day.copy())))
        return exp.Anonymous(this="format_string", expressions=[
            exp.Literal.string("%04d-%02d"), exp.func("year", thursday), exp.func("weekofyear", day.copy())])
    codes = set(re.findall(r"%.", text or ""))
    if text is None or not codes <= PLAIN_TIME_CODES:
        _fail(name, f"strftime(..., {fmt.sql('duckdb') if fmt else '?'})",
              f"only {sorted(PLAIN_TIME_CODES)} and the ISO week key '%G-%V' are translated")
    return node


def _iso_day_of_week(node: exp.Expression, name: str) -> exp.Expression:
    """extract(isodow from d) (conduct_months.sql V1's weekend windows): Spark calls the field DAYOFWEEK_ISO
    (1 = Monday)."""
    if isinstance(node, exp.Extract) and isinstance(node.this, exp.Var):
        field = node.this.name.upper()
        if field == "ISODOW":
            return exp.Extract(this=exp.var("DAYOFWEEK_ISO"), expression=node.expression)
        if field not in SAME_EXTRACT_FIELDS:
            _fail(name, f"extract({field.lower()} from ...)", "the field differs between DuckDB and Spark")
    return node


def _time_of_day(node: exp.Expression, name: str) -> exp.Expression:
    """cast(ts as time) and cast($v1_quiet_start as time) (local_time in contacts.sql, conduct_months.sql):
    sqlglot writes TIMESTAMP, which would compare a time of day with a date-time. Spark has TIME behind
    spark.sql.timeType.enabled (session.py turns it on): keep TIME."""
    if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.TIME:
        return exp.Cast(this=node.this, to=exp.DataType(this=exp.DataType.Type.USERDEFINED, kind="TIME"))
    return node


def _day_difference(node: exp.Expression, name: str) -> exp.Expression:
    """datediff('day', a, b) (complaints.sql C3, recovery.sql R4): DuckDB counts day boundaries; sqlglot's
    DATEDIFF(DAY, a, b) is Spark's timestampdiff (whole 24-hour spans). Spark's datediff(b, a) counts
    calendar days (the same for dates and for timestamps). Other units are refused."""
    if isinstance(node, exp.DateDiff):
        unit = (node.args.get("unit").name if node.args.get("unit") else "DAY").upper()
        if unit != "DAY":
            _fail(name, f"datediff('{unit.lower()}', ...)", "only day differences are translated")
        return exp.Anonymous(this="datediff", expressions=[node.this, node.expression])
    return node


REWRITES = (_iso_week_key, _iso_day_of_week, _time_of_day, _day_difference)


def _refuse(tree: exp.Expression, name: str) -> None:
    """Constructs with no faithful translation, found anywhere in the query."""
    for node in tree.walk():
        if isinstance(node, exp.Anonymous) and DUCKDB_ONLY.match(str(node.this)):
            _fail(name, f"{node.this}(...)", "a DuckDB-only function")
        if isinstance(node, exp.Qualify):
            _fail(name, "QUALIFY", "filter on a window in an outer select instead")
        if isinstance(node, exp.Columns):
            _fail(name, "COLUMNS(...)", "a DuckDB star expression")
        if type(node).__name__ in ("ReadParquet", "ReadCSV"):
            _fail(name, node.sql("duckdb")[:40], "read the named views (run.py registers the store's files) instead")
        if isinstance(node, exp.Placeholder) and not re.fullmatch(r"[a-z_][a-z0-9_]*", str(node.name or "")):
            _fail(name, node.sql("duckdb"), "only $name parameters are bound")
        if isinstance(node, (exp.Struct, exp.ToMap)) or (isinstance(node, exp.Array) and not isinstance(node.parent, exp.Cast)):
            _fail(name, node.sql("duckdb")[:40], "struct, map and list literals differ; bind a list parameter instead")
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Anonymous):
            _fail(name, f"table function {node.this.this}", "read the named views instead")
        if isinstance(node, exp.Select) and node.args.get("having") and node.find(exp.GroupingSets, exp.Cube, exp.Rollup):
            _fail(name, "HAVING after GROUPING SETS", "Spark resolves it only against the select list; filter in an outer select")


def to_spark(sql: str, name: str = "<sql>") -> str:
    """The Spark SQL of one DuckDB statement; TranslationError names the query and the construct."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except SqlglotError as exc:
        raise TranslationError(f"query {name}: sqlglot cannot parse it: {exc}") from exc
    _refuse(tree, name)
    for rewrite in REWRITES:
        tree = tree.transform(functools.partial(rewrite, name=name))
    try:
        return tree.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE)
    except SqlglotError as exc:
        raise TranslationError(f"query {name}: sqlglot cannot write it as Spark SQL: {exc}") from exc


@functools.lru_cache(maxsize=None)
def _cached(name: str, sql: str) -> str:
    return to_spark(sql, name)


def query(name: str, **identifiers: str) -> tuple[str, tuple[str, ...]]:
    """The Spark SQL of a query file, translated from the text queries.load reads (the one the DuckDB path runs,
    so fixes to the file flow through; nothing is stored translated), and its parameter names."""
    source = queries.load(name)
    return _cached(name, queries.render(source, **identifiers)), source.params
