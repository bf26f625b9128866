"""Find a SQL file in queries/ by name, check its header, bind its $params and run it.

Values are always bound, never formatted into SQL. A query that must vary an identifier
(a table or column name) marks it `{table}` / `{column}` / `{other}`; those are filled only
from the reporting template's own names (an allow-list), never from user input.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import contract
from .paths import QUERIES_DIR

PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
IDENTIFIER = re.compile(r"\{(table|column|other)\}")
HEADER_FIELDS = ("purpose", "grain", "params")


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    header: dict[str, str]

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(PARAM.findall(_strip_comments(self.sql))))


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def parse_header(sql: str) -> dict[str, str]:
    """The leading `-- key: value` lines of a query file."""
    header: dict[str, str] = {}
    key = None
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        text = line[2:].strip()
        match = re.match(r"^([a-z_]+):\s*(.*)$", text)
        if match:
            key = match.group(1)
            header[key] = match.group(2)
        elif key and text:
            header[key] += " " + text
    return header


@functools.lru_cache(maxsize=None)
def load(name: str, root: Path = QUERIES_DIR) -> Query:
    path = (root / f"{name}.sql").resolve()
    if root.resolve() not in path.parents:
        raise ValueError(f"query name {name!r} leaves the queries folder")
    sql = path.read_text(encoding="utf-8")
    return Query(name, sql, parse_header(sql))


def all_names(root: Path = QUERIES_DIR) -> list[str]:
    return sorted(str(p.relative_to(root).with_suffix("")) for p in root.rglob("*.sql"))


ALLOWED_IDENTIFIERS = frozenset(contract.TABLE_NAMES) | frozenset(
    c.name for t in contract.TABLES for c in t.columns
)


def render(query: Query, **identifiers: str) -> str:
    for key, value in identifiers.items():
        if value not in ALLOWED_IDENTIFIERS:
            raise ValueError(f"{value!r} is not a template table or column (query {query.name}, {{{key}}})")
    def fill(match: re.Match) -> str:
        key = match.group(1)
        if key not in identifiers:
            raise KeyError(f"query {query.name} needs identifier {{{key}}}")
        return f'"{identifiers[key]}"'

    return IDENTIFIER.sub(fill, query.sql)


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None, **identifiers: str) -> duckdb.DuckDBPyRelation:
    """Run a query file; returns the result relation (`.pl()`, `.fetchall()`, ...)."""
    query = load(name)
    sql = render(query, **identifiers)
    given = params or {}
    missing = [p for p in query.params if p not in given]
    if missing:
        raise KeyError(f"query {name} needs parameters {missing}")
    return con.sql(sql, params={p: given[p] for p in query.params} or None)
