"""What the section builders share: the audience's reader, the words, the period, and the logs they add to."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from .. import i18n, judge, metrics, standards, tiers
from ..access import Access
from ..disclosure import REASONS
from .model import Section


class ReportError(ValueError):
    """A pack that cannot be built as asked; the message says what was wrong and what is possible."""


@dataclass
class Build:
    """What the section builders share: the reader, the words, the period, and the logs they add to."""

    access: Access
    lang: str
    period: str
    pack_name: str
    register: standards.Register
    draw: bool = True  # make the charts (plotly figures); only the PDF and the page show them
    reads: list[dict] = field(default_factory=list)
    suppressed: list[dict] = field(default_factory=list)

    @property
    def role(self) -> str:
        return self.access.audience.role

    @property
    def firm_id(self) -> str | None:
        return self.access.audience.firm_id

    @property
    def std_pack(self) -> standards.Pack:
        return self.register.pack(self.pack_name)

    def t(self, key: str, **fields: object) -> str:
        return i18n.t(key, self.lang, **fields)

    def read(self, what: str, **params: object) -> None:
        """Note an Access read for the manifest's list of queries and parameters."""
        self.reads.append({"read": what, "params": params})

    def section(self, section_id: str, frame: pl.DataFrame, formats: dict, **extra) -> Section:
        """A Section with its title, intro and column headers from the catalogs (report.section/intro/col)."""
        intro_key = f"report.intro.{section_id}"
        return Section(id=section_id, title=self.t(f"report.section.{section_id}"), frame=frame,
                       headers={c: self.t(f"report.col.{c}") for c in frame.columns}, formats=formats,
                       intro=self.t(intro_key) if i18n.has(intro_key, self.lang) else "", **extra)

    def words(self, prefix: str, codes) -> dict[str, str]:
        return {c: self.t(f"{prefix}.{c}") for c in sorted(set(codes)) if c}

    def tier_words(self) -> dict[str, str]:
        return {t: tiers.label(t, self.lang) for t in tiers.TIERS}

    def reason_words(self) -> dict[str, str]:
        return {r: self.t(f"reason.{r}") for r in (*REASONS, judge.BELOW_MIN_VOLUME)}

    def log_suppressed(self, section_id: str, key: str, columns: tuple[str, ...], reason: str) -> None:
        self.suppressed.append({"section": section_id, "row": key, "columns": list(columns), "reason": reason})


def value_format(metric_id: str, dim: str) -> str:
    """The model.Format of one metric row's value: counts, days and ratios, per-1,000/10,000 rates, shares."""
    if (metric_id, dim) in metrics.COUNT_DIMS:
        return "int"
    if metric_id == "R4" or (metric_id in metrics.RATIO_OF_RATES and dim == ""):
        return "num"
    if judge.scale_of(metric_id, dim) in (1000.0, 10000.0):
        return "rate"
    return "pct" if judge.is_proportion(metric_id, dim) else "num"
