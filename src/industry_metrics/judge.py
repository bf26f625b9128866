"""Judge metric values against the standards: tiers, intervals, funnel limits, overall status.

Per firm x period x standard: the standard in force on the period's last day judges the
metric row it names; below the minimum volume (or without data) the standard is "not
judged", with the reason. A firm's overall status for a period is its worst judged tier.
"""

from __future__ import annotations

import math

import polars as pl

from . import metrics, periods
from .standards import Pack, Standard

MEETS, WATCH, BREACH, NOT_JUDGED = "meets", "watch", "breach", "not_judged"
TIER_ORDER = {MEETS: 0, WATCH: 1, BREACH: 2}
Z95 = 1.959963984540054  # two-sided 95% normal quantile
Z998 = 3.090232306167813  # two-sided 99.8%

JUDGED_SCHEMA = {
    "firm_id": pl.String, "period": pl.String, "grain": pl.String, "standard_id": pl.String,
    "metric_id": pl.String, "dim": pl.String, "numerator": pl.Float64, "denominator": pl.Float64,
    "value": pl.Float64, "volume": pl.Float64, "tier": pl.String, "reason": pl.String,
    "ci_low": pl.Float64, "ci_high": pl.Float64,
}


def tier(standard: Standard, value: float | None, volume: float | None) -> tuple[str, str | None]:
    """(tier, reason) for one value; the reason says why a standard was not judged."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NOT_JUDGED, "no_data"
    if (volume or 0) < standard.min_volume:
        return NOT_JUDGED, "below_min_volume"
    if standard.direction == "lower":
        if value <= standard.meets:
            return MEETS, None
        return (WATCH, None) if value <= standard.watch else (BREACH, None)
    if value >= standard.meets:
        return MEETS, None
    return (WATCH, None) if value >= standard.watch else (BREACH, None)


def wilson(successes: float, trials: float, z: float = Z95) -> tuple[float, float] | tuple[None, None]:
    """Wilson score interval for a proportion (so 0/12 is not read as a certain zero)."""
    if not trials:
        return None, None
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def funnel_limits(industry_rate: float, volume: float, z: float) -> tuple[float, float]:
    """Control limits around the industry proportion for a firm of this volume (normal approximation).

    p0 +/- z * sqrt(p0 (1 - p0) / n), clamped to [0, 1]: a firm is an outlier only outside them.
    """
    spread = z * math.sqrt(max(industry_rate * (1 - industry_rate), 0.0) / volume) if volume else float("inf")
    return max(0.0, industry_rate - spread), min(1.0, industry_rate + spread)


def is_proportion(metric_id: str, dim: str) -> bool:
    """Rates with a count over a count (not ratios of rates, medians or plain counts) get intervals."""
    return metric_id not in ("R4", "C6", "V8") and (metric_id, dim) not in metrics.COUNT_DIMS and not (
        metric_id == "V10" and dim == "measure=records_affected")


def scale_of(metric_id: str, dim: str) -> float:
    return metrics.DIM_SCALE.get((metric_id, dim), metrics.SCALE.get(metric_id, 1.0))


def judge(table: pl.DataFrame, pack: Pack) -> pl.DataFrame:
    """Judge every (firm or ALL) x period of the long metric table by the standards in force."""
    out = []
    index = {(r["firm_id"], r["period"], r["metric_id"], r["dim"]): r for r in table.iter_rows(named=True)}
    keys = sorted({(r["firm_id"], r["period"], r["grain"]) for r in index.values()})
    for firm_id, period, grain in keys:
        day = periods.parse(period).last_day
        for std in pack.in_force(day):
            row = index.get((firm_id, period, std.metric, std.dim))
            volume_row = index.get((firm_id, period, std.metric, std.volume_row))
            value = row["value"] if row else None
            volume = volume_row["denominator"] if volume_row else None
            level, reason = tier(std, value, volume)
            low = high = None
            if row and is_proportion(std.metric, std.dim) and row["denominator"]:
                low, high = wilson(row["numerator"], row["denominator"])
                k = scale_of(std.metric, std.dim)
                low, high = low * k, high * k
            out.append({"firm_id": firm_id, "period": period, "grain": grain, "standard_id": std.id,
                        "metric_id": std.metric, "dim": std.dim,
                        "numerator": row["numerator"] if row else None, "denominator": row["denominator"] if row else None,
                        "value": value, "volume": volume, "tier": level, "reason": reason, "ci_low": low, "ci_high": high})
    return pl.DataFrame(out, schema=JUDGED_SCHEMA)


def overall(judged: pl.DataFrame) -> pl.DataFrame:
    """Worst judged tier per firm x period; not_judged only when nothing was judged."""
    ranked = judged.with_columns(pl.col("tier").replace_strict(TIER_ORDER, default=-1, return_dtype=pl.Int64).alias("rank"))
    worst = ranked.group_by(["firm_id", "period", "grain"]).agg(pl.col("rank").max())
    names = {v: k for k, v in TIER_ORDER.items()} | {-1: NOT_JUDGED}
    return worst.with_columns(pl.col("rank").replace_strict(names, return_dtype=pl.String).alias("overall")).drop("rank").sort(
        ["firm_id", "period"])


def funnel(table: pl.DataFrame, metric_id: str, period: str, dim: str = "") -> pl.DataFrame:
    """Per firm: volume, rate and the 95% / 99.8% limits around the industry rate (in the metric's unit)."""
    rows = table.filter((pl.col("metric_id") == metric_id) & (pl.col("period") == period) & (pl.col("dim") == dim))
    industry = rows.filter(pl.col("firm_id") == "ALL")
    if industry.is_empty() or not industry["denominator"][0]:
        return pl.DataFrame(schema={"firm_id": pl.String, "volume": pl.Float64, "value": pl.Float64, "industry": pl.Float64,
                                    "low95": pl.Float64, "high95": pl.Float64, "low998": pl.Float64, "high998": pl.Float64})
    k = scale_of(metric_id, dim)
    p0 = industry["numerator"][0] / industry["denominator"][0]
    out = []
    for r in rows.filter(pl.col("firm_id") != "ALL").iter_rows(named=True):
        n = r["denominator"] or 0.0
        l95, h95 = funnel_limits(p0, n, Z95)
        l998, h998 = funnel_limits(p0, n, Z998)
        out.append({"firm_id": r["firm_id"], "volume": n, "value": r["value"], "industry": p0 * k,
                    "low95": l95 * k, "high95": h95 * k, "low998": l998 * k, "high998": h998 * k})
    return pl.DataFrame(out, schema={"firm_id": pl.String, "volume": pl.Float64, "value": pl.Float64, "industry": pl.Float64,
                                     "low95": pl.Float64, "high95": pl.Float64, "low998": pl.Float64, "high998": pl.Float64})


PEER_SCHEMA = {"period": pl.String, "metric_id": pl.String, "dim": pl.String, "group": pl.String, "contributors": pl.Int64,
               "p25": pl.Float64, "median": pl.Float64, "p75": pl.Float64, "volumes": pl.List(pl.Float64)}


def peer_statistics(table: pl.DataFrame, bands: dict[str, str]) -> pl.DataFrame:
    """Raw peer statistics per period x metric row x peer group (each size band, and all firms).

    Quartiles interpolate linearly (numpy's default). Each contributor's volume (the rate's
    denominator) is kept so the disclosure engine can test dominance; nothing here is fit to
    show a firm as it is: access.Access passes every figure through disclosure first.
    """
    firms = table.filter((pl.col("firm_id") != "ALL") & pl.col("value").is_not_null())
    firms = firms.with_columns(pl.col("firm_id").replace_strict(bands, default="unknown").alias("band"))
    groups = [firms.with_columns(pl.lit("all").alias("group")), firms.with_columns(("band:" + pl.col("band")).alias("group"))]
    return (
        pl.concat(groups)
        .group_by(["period", "metric_id", "dim", "group"])
        .agg(
            pl.len().cast(pl.Int64).alias("contributors"),
            pl.col("value").quantile(0.25, "linear").alias("p25"),
            pl.col("value").median().alias("median"),
            pl.col("value").quantile(0.75, "linear").alias("p75"),
            pl.col("denominator").alias("volumes"),
        )
        .sort(["period", "metric_id", "dim", "group"])
    )


def position(value: float, peers: list[float], lower_is_better: bool = True) -> float:
    """The share of peers (0..100) a firm does better than, in the metric's direction."""
    if not peers:
        raise ValueError("no peers")
    worse = sum(1 for v in peers if (v > value if lower_is_better else v < value))
    return 100.0 * worse / len(peers)
