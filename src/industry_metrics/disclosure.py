"""The disclosure engine: which peer figures may be shown, and why the others are suppressed.

Member firms are competitors (spec/disclosure.md). Every peer statistic shown to a firm,
and every cell of an anonymised regulator table, passes these rules:

1. minimum contributors (5), counted without the viewing firm when it is compared with others;
2. dominance: no firm above 25% of the statistic's volume, the two largest not above 85%;
3. complementary suppression: no suppressed cell can be recovered by subtracting published
   cells from a published total (a partition with one suppressed cell gets a second one), nor
   by differencing the totals of adjacent periods when firms joined or left (protect_periods);
4. fallback: a size band that fails 1-2 widens to all firms, with a note; if that fails too,
   the figure is suppressed with its reason, never shown as a number;
5. quartiles only from 8 firms, else the median alone;
6. recovery metrics only for periods at least `recovery_lag_months` closed.

Why peers are shown as order statistics: a median or quartile of five or more firms cannot be
differenced back into one firm's figure, while pooled rates of two overlapping groups can.
Pooled (additive) figures are therefore published to a firm only for the whole industry, and
only when the firms other than the viewer pass rules 1 and 2 on their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

TOO_FEW = "too_few_firms"
DOMINANCE = "dominance"
COMPLEMENTARY = "complementary"
RECOVERY_LAG = "recovery_lag"
NO_DATA = "no_data"
REASONS = (TOO_FEW, DOMINANCE, COMPLEMENTARY, RECOVERY_LAG, NO_DATA)

RECOVERY_METRICS = frozenset({"R1", "R2", "R3", "R4", "R5", "R6", "R7"})


@dataclass(frozen=True)
class Settings:
    """The numbers of spec/disclosure.md; the register's [disclosure] section overrides them."""

    min_contributors: int = 5
    dominance_share: float = 0.25
    two_firm_share: float = 0.85
    quartiles_min_firms: int = 8
    recovery_lag_months: int = 3
    apply_min_contributors: bool = True
    apply_dominance: bool = True
    apply_complementary: bool = True
    apply_recovery_lag: bool = True

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> "Settings":
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"[disclosure]: unknown settings {unknown}; known: {sorted(known)}")
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Contribution:
    """One firm's part in a statistic: its value and its volume (the rate's denominator)."""

    firm_id: str
    value: float
    volume: float


def primary_reason(volumes: Sequence[float], settings: Settings) -> str | None:
    """Why a statistic over these contributors' volumes may not be published (None: it may)."""
    if settings.apply_min_contributors and len(volumes) < settings.min_contributors:
        return TOO_FEW
    if not volumes:
        return NO_DATA
    if settings.apply_dominance:
        total = float(sum(volumes))
        if total <= 0:
            return None
        ordered = sorted((float(v) for v in volumes), reverse=True)
        if ordered[0] > settings.dominance_share * total:
            return DOMINANCE
        if len(ordered) > 1 and ordered[0] + ordered[1] > settings.two_firm_share * total:
            return DOMINANCE
    return None


def lag_reason(metric_id: str, period_end_month: str, latest_closed_month: str, settings: Settings) -> str | None:
    """Recovery metrics are benchmarked only for periods at least N months closed (YYYY-MM strings)."""
    if not settings.apply_recovery_lag or metric_id not in RECOVERY_METRICS:
        return None
    return RECOVERY_LAG if _months_between(period_end_month, latest_closed_month) < settings.recovery_lag_months else None


def _months_between(earlier: str, later: str) -> int:
    y1, m1 = (int(x) for x in earlier.split("-"))
    y2, m2 = (int(x) for x in later.split("-"))
    return (y2 - y1) * 12 + (m2 - m1)


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolation quantile (numpy's default, type 7) of already sorted values."""
    if not sorted_values:
        raise ValueError("quantile of no values")
    pos = (len(sorted_values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


@dataclass(frozen=True)
class PeerFigure:
    """What a firm may see about its peers for one metric and period."""

    group: str  # the peer group actually used (after any fallback)
    requested_group: str
    contributors: int
    median: float | None = None
    p25: float | None = None
    p75: float | None = None
    better_than_pct: float | None = None
    level_pct: float | None = None  # peers with exactly the viewer's value (ties are neither better nor worse)
    reason: str | None = None  # set when suppressed
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def suppressed(self) -> bool:
        return self.reason is not None


def peer_figure(
    viewer: str,
    viewer_value: float | None,
    groups: Sequence[tuple[str, Iterable[Contribution]]],
    settings: Settings,
    *,
    lower_is_better: bool = True,
) -> PeerFigure:
    """Peer statistics for `viewer` over the first group that passes the rules (narrowest first).

    `groups` lists the peer groups from the requested one to the widest (e.g. the viewer's size
    band, then all firms). The viewer's own contribution is excluded before any rule is applied.
    """
    requested = groups[0][0]
    reason = NO_DATA
    notes: list[str] = []
    for i, (name, members) in enumerate(groups):
        peers = [c for c in members if c.firm_id != viewer and c.value is not None]
        reason = primary_reason([c.volume for c in peers], settings)
        if reason is None:
            if i > 0:
                notes.append(f"widened:{requested}->{name}")
            return _figure(name, requested, peers, viewer_value, settings, lower_is_better, tuple(notes))
        notes.append(f"{name}:{reason}")
    return PeerFigure(groups[-1][0], requested, 0, reason=reason, notes=tuple(notes))


def _figure(name, requested, peers, viewer_value, settings, lower_is_better, notes) -> PeerFigure:
    values = sorted(c.value for c in peers)
    quartiles = len(values) >= settings.quartiles_min_firms
    better = level = None
    if viewer_value is not None:
        worse = sum(1 for v in values if (v > viewer_value if lower_is_better else v < viewer_value))
        better = 100.0 * worse / len(values)
        level = 100.0 * sum(1 for v in values if v == viewer_value) / len(values)
    return PeerFigure(
        group=name,
        requested_group=requested,
        contributors=len(values),
        median=quantile(values, 0.5),
        p25=quantile(values, 0.25) if quartiles else None,
        p75=quantile(values, 0.75) if quartiles else None,
        better_than_pct=better,
        level_pct=level,
        notes=notes,
    )


def industry_figure(viewer: str, members: Iterable[Contribution], settings: Settings) -> tuple[float | None, str | None]:
    """The pooled industry rate (every firm, the viewer included) and why it is withheld, if it is.

    The viewer can subtract its own part, so what it learns is the pooled rate of the others:
    it is published only when those others pass the minimum and dominance rules on their own.
    """
    members = [c for c in members if c.value is not None]
    reason = primary_reason([c.volume for c in members if c.firm_id != viewer], settings)
    volume = sum(c.volume for c in members)
    if reason or not volume:
        return None, reason or NO_DATA
    return sum(c.value * c.volume for c in members) / volume, None


@dataclass(frozen=True)
class Cell:
    """One cell of a table of aggregates: which firms contribute and with what volume."""

    key: str
    volumes: Mapping[str, float]  # firm_id -> volume


def protect_partition(cells: Sequence[Cell], settings: Settings, *, total_published: bool = True) -> dict[str, str | None]:
    """Primary and complementary suppression for cells that partition a published total.

    Returns each cell's suppression reason (None = publish). When exactly one cell of the
    partition is suppressed and the total is published, the total minus the other cells
    would give it away, so the smallest remaining cell is suppressed as well.
    """
    reasons: dict[str, str | None] = {c.key: primary_reason(list(c.volumes.values()), settings) for c in cells}
    if settings.apply_complementary and total_published:
        suppressed = [k for k, r in reasons.items() if r]
        published = [c for c in cells if not reasons[c.key]]
        if len(suppressed) == 1 and published:
            smallest = min(published, key=lambda c: (sum(c.volumes.values()), len(c.volumes), c.key))
            reasons[smallest.key] = COMPLEMENTARY
    return reasons


def protect_nested(outer: Cell, inner: Cell, settings: Settings) -> str | None:
    """Two overlapping groups (inner within outer): may the inner one be published beside the outer?

    Outer minus inner is itself a group of firms whose pooled figure anyone could compute; it
    must pass the same rules, or the inner figure is suppressed as complementary.
    """
    if not settings.apply_complementary:
        return None
    rest = {f: v for f, v in outer.volumes.items() if f not in inner.volumes}
    if not rest:
        return None  # the same firms: nothing new can be recovered
    return COMPLEMENTARY if primary_reason(list(rest.values()), settings) else None


def protect_periods(totals: Sequence[Cell], settings: Settings) -> dict[str, str | None]:
    """Published totals of consecutive periods (oldest first, one Cell per period): which may be published.

    Two adjacent totals differ by the firms that joined (their figures) and left (theirs), plus how
    the stayers moved; when the stayers move little, the difference gives away the joiners' and
    leavers' figures. So a total is published only when, beside passing the rules itself, the
    firms that joined or left since the period before form a group that passes them too (or none
    changed); otherwise it is suppressed as complementary. The period before counts whether or not
    its own total was published: its panel is known either way.
    """
    reasons: dict[str, str | None] = {}
    before: Cell | None = None
    for cell in totals:
        reason = primary_reason(list(cell.volumes.values()), settings)
        if reason is None and settings.apply_complementary and before is not None:
            changed = [v for f, v in cell.volumes.items() if f not in before.volumes]
            changed += [v for f, v in before.volumes.items() if f not in cell.volumes]
            if changed and primary_reason(changed, settings):
                reason = COMPLEMENTARY
        reasons[cell.key] = reason
        before = cell
    return reasons
