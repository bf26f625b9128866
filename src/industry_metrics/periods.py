"""Reporting periods: months ('2026-10'), quarters ('2026-Q4') and years ('2026'), with their months and days."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    name: str
    grain: str  # month | quarter | year
    months: tuple[str, ...]

    @property
    def first_day(self) -> date:
        y, m = map(int, self.months[0].split("-"))
        return date(y, m, 1)

    @property
    def last_day(self) -> date:
        y, m = map(int, self.months[-1].split("-"))
        return date(y, m, calendar.monthrange(y, m)[1])

    @property
    def prev_month(self) -> str:
        return shift(self.months[0], -1)


def month_index(month: str) -> int:
    """Months since year 0, so that month arithmetic is integer arithmetic (same as the SQL)."""
    y, m = map(int, month.split("-"))
    return y * 12 + m - 1


def shift(month: str, n: int) -> str:
    i = month_index(month) + n
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def parse(name: str) -> Period:
    """A period from its name; raises ValueError naming the accepted forms."""
    if m := MONTH.match(name):
        return Period(name, "month", (name,))
    if m := QUARTER.match(name):
        y, q = int(m.group(1)), int(m.group(2))
        return Period(name, "quarter", tuple(f"{y:04d}-{3 * (q - 1) + k:02d}" for k in (1, 2, 3)))
    if m := YEAR.match(name):
        y = int(m.group(1))
        return Period(name, "year", tuple(f"{y:04d}-{k:02d}" for k in range(1, 13)))
    raise ValueError(f"period {name!r} is not YYYY-MM, YYYY-Qn or YYYY")


def quarter_of(month: str) -> str:
    y, m = month.split("-")
    return f"{y}-Q{(int(m) - 1) // 3 + 1}"


def year_of(month: str) -> str:
    return month[:4]


def rollups(months) -> list[str]:
    """The months given, plus every quarter and year they touch."""
    months = sorted(set(months))
    return months + sorted({quarter_of(m) for m in months}) + sorted({year_of(m) for m in months})
