"""Judge metric values against the standards, and the statistics that go with every rate.

Input is the long metric table (metrics.SCHEMA: pack, firm_id, period, grain, metric_id,
dim, numerator, denominator, value). Per firm x period x standard: the version in force on
the period's last day judges the row it names; below the minimum volume, or without data, the
standard is "not judged" with the reason. A firm's overall status is its worst judged tier.

Beside the tiers: a 95% Wilson interval per rate, funnel-plot control limits around the
industry rate, and raw peer statistics (P25, median, P75, each firm's position). Peer figures
here are not yet fit to show: the disclosure engine decides what may be seen, from the
contributors' volumes returned with them.
"""

from __future__ import annotations

import math
from typing import Mapping

import polars as pl

from . import metrics, periods
from .standards import Pack, Register, Standard

MEETS, WATCH, BREACH, NOT_JUDGED = "meets", "watch", "breach", "not_judged"
NO_DATA, BELOW_MIN_VOLUME = "no_data", "below_min_volume"
TIER_ORDER = {MEETS: 0, WATCH: 1, BREACH: 2}
Z95 = 1.959963984540054  # two-sided 95% normal quantile, Phi^-1(0.975)
Z998 = 3.090232306167813  # two-sided 99.8%, Phi^-1(0.999)

# Which way is better for each metric, for peer positions; None where neither is (mixes,
# legal action). Recovery "better" is the firm's own benchmark, never a conduct standard.
DIRECTION = {
    **{m: "higher" for m in ("R1", "R2", "R3", "R7", "C3")},
    **{m: "lower" for m in ("R4", "C1", "C2", "C4", "C6", "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9",
                            "V10", "U1", "U2", "A1")},
    **{m: None for m in ("R5", "R6", "C5")},
}
DIM_DIRECTION = {("V10", "measure=reported_in_time"): "higher"}

JUDGED_SCHEMA = {
    "register_version": pl.String, "register_hash": pl.String, "pack": pl.String,
    "firm_id": pl.String, "period": pl.String, "grain": pl.String,
    "standard_id": pl.String, "standard_from": pl.Date, "metric_id": pl.String, "dim": pl.String,
    "direction": pl.String, "meets": pl.Float64, "watch": pl.Float64,
    "numerator": pl.Float64, "denominator": pl.Float64, "value": pl.Float64,
    "volume": pl.Float64, "min_volume": pl.Float64, "volume_unit": pl.String, "volume_unit_zh": pl.String,
    "tier": pl.String, "reason": pl.String, "ci_low": pl.Float64, "ci_high": pl.Float64,
}
KEYS = ["pack", "period", "grain", "metric_id", "dim"]


def tier(standard: Standard, value: float | None, volume: float | None) -> tuple[str, str | None]:
    """(tier, reason) for one value; the reason says why a standard was not judged."""
    if value is None or math.isnan(value):
        return NOT_JUDGED, NO_DATA
    if (volume or 0) < standard.min_volume:
        return NOT_JUDGED, BELOW_MIN_VOLUME
    if standard.direction == "lower":
        if value <= standard.meets:
            return MEETS, None
        return (WATCH, None) if value <= standard.watch else (BREACH, None)
    if value >= standard.meets:
        return MEETS, None
    return (WATCH, None) if value >= standard.watch else (BREACH, None)


def wilson(successes: float, trials: float, z: float = Z95) -> tuple[float, float] | tuple[None, None]:
    """Wilson score interval for the proportion successes / trials (so 0/12 is not read as a certain zero).

    centre = (p + z^2/2n) / (1 + z^2/n);  half = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2).
    None when there are no trials or more "successes" than trials (then it is not a proportion).
    """
    if not trials or successes is None or successes > trials:
        return None, None
    n, p = trials, successes / trials
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # at p = 0 (or 1) the bound is exactly 0 (or 1); the subtraction would leave rounding dust
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


def funnel_limits(industry_rate: float, volume: float, z: float) -> tuple[float, float]:
    """Control limits for a firm of this volume around the industry proportion p0.

    Normal approximation to the binomial: p0 +/- z * sqrt(p0 (1 - p0) / n), clamped to
    [0, 1]; z = 1.96 for 95%, 3.09 for 99.8%. A firm is an outlier only outside them.
    """
    if not volume:
        return 0.0, 1.0
    spread = z * math.sqrt(max(industry_rate * (1 - industry_rate), 0.0) / volume)
    return max(0.0, industry_rate - spread), min(1.0, industry_rate + spread)


def is_proportion(metric_id: str, dim: str) -> bool:
    """Counts over counts get intervals; ratios of rates (C6, V8), medians (R4) and plain counts do not."""
    return metric_id not in ("R4", "C6", "V8") and (metric_id, dim) not in metrics.COUNT_DIMS


def scale_of(metric_id: str, dim: str) -> float:
    return metrics.DIM_SCALE.get((metric_id, dim), metrics.SCALE.get(metric_id, 1.0))


def direction_of(metric_id: str, dim: str = "") -> str | None:
    return DIM_DIRECTION.get((metric_id, dim), DIRECTION.get(metric_id))


def judge(table: pl.DataFrame, rules: Register | Pack) -> pl.DataFrame:
    """Judge every firm (and ALL) x period of the long metric table by the standards in force.

    Given the register, each row is judged by the pack named in its `pack` column; given one
    pack, every row is judged by it. Each output row names the register version and hash.
    Tiers and intervals are Polars expressions that give what tier() and wilson() give per row
    (a page judges ~22k rows; per-row Python took 1.2-1.7 s of a cold page at S).
    """
    if isinstance(rules, Pack):
        table = table.with_columns(pack=pl.lit(rules.name))
    packs = [rules] if isinstance(rules, Pack) else list(rules.packs.values())
    judged_metrics = sorted({s.metric for p in packs for s in p.standards})
    by = ["pack", "firm_id", "period", "grain"]
    keys = table.select(by).unique()
    # the rows a standard can read, one per key (the last, as a dict index would keep)
    at = ["pack", "firm_id", "period", "metric_id", "dim"]
    needed = (table.filter(pl.col("metric_id").is_in(judged_metrics))
              .select(*at, pl.col("numerator", "denominator", "value").cast(pl.Float64), found=pl.lit(True))
              .unique(subset=at, keep="last", maintain_order=True))
    volumes = needed.select(*at, volume=pl.col("denominator"))
    rows = (keys.join(_standards_in_force(keys, rules), on=["pack", "period"])
            .join(needed, left_on=[*at[:3], "metric_id", "dim"], right_on=at, how="left", nulls_equal=True)
            .join(volumes, left_on=[*at[:3], "metric_id", "volume_row"], right_on=at, how="left", nulls_equal=True)
            .sort([*by, "order"]))
    facts = _row_facts(rows)
    rows = rows.join(facts.select("metric_id", "dim", "k", "proportion"), on=["metric_id", "dim"], how="left", nulls_equal=True)
    low, high = _wilson_expr(pl.col("numerator"), pl.col("denominator"))
    interval = pl.col("found").fill_null(False) & pl.col("proportion") & low.is_not_null()
    rows = rows.with_columns(_tier_expr(), ci_low=pl.when(interval).then(low * pl.col("k")),
                             ci_high=pl.when(interval).then(high * pl.col("k")))
    return rows.select(list(JUDGED_SCHEMA)).cast(JUDGED_SCHEMA)


def _standards_in_force(keys: pl.DataFrame, rules: Register | Pack) -> pl.DataFrame:
    """Per (pack, period) of the table: each standard in force on the period's last day, in the pack's order."""
    out = []
    for pack_name, period in sorted(keys.select("pack", "period").unique().iter_rows()):
        pack = rules if isinstance(rules, Pack) else rules.pack(pack_name)
        for i, std in enumerate(pack.in_force(periods.parse(period).last_day)):
            out.append({**pack.stamp(), "pack": pack_name, "period": period, "order": i, "standard_id": std.id,
                        "standard_from": std.effective_from, "metric_id": std.metric, "dim": std.dim,
                        "volume_row": std.volume_row, "direction": std.direction, "meets": std.meets,
                        "watch": std.watch, "min_volume": std.min_volume, "volume_unit": std.volume_unit,
                        "volume_unit_zh": std.volume_unit_zh})
    schema = {"register_version": pl.String, "register_hash": pl.String, "pack": pl.String, "period": pl.String,
              "order": pl.Int64, "standard_id": pl.String, "standard_from": pl.Date, "metric_id": pl.String,
              "dim": pl.String, "volume_row": pl.String, "direction": pl.String, "meets": pl.Float64,
              "watch": pl.Float64, "min_volume": pl.Float64, "volume_unit": pl.String, "volume_unit_zh": pl.String}
    return pl.DataFrame(out, schema=schema)


def _tier_expr() -> list[pl.Expr]:
    """tier() as expressions over value, volume, direction, meets, watch, min_volume: the tier and reason columns."""
    value, meets, watch = pl.col("value"), pl.col("meets"), pl.col("watch")
    no_data = value.is_null() | value.is_nan()
    below = pl.col("volume").fill_null(0.0) < pl.col("min_volume")  # a NaN volume is not below, as in tier()
    lower = pl.col("direction") == "lower"
    in_meets = pl.when(lower).then(value <= meets).otherwise(value >= meets)
    in_watch = pl.when(lower).then(value <= watch).otherwise(value >= watch)
    level = (pl.when(no_data | below).then(pl.lit(NOT_JUDGED)).when(in_meets).then(pl.lit(MEETS))
             .when(in_watch).then(pl.lit(WATCH)).otherwise(pl.lit(BREACH)))
    reason = pl.when(no_data).then(pl.lit(NO_DATA)).when(below).then(pl.lit(BELOW_MIN_VOLUME))
    return [level.alias("tier"), reason.alias("reason")]


def _ieee(op: str, a: pl.Expr, b: pl.Expr | float) -> pl.Expr:
    """a > b or a == b as Python compares floats: false when either is NaN (Polars orders NaN above everything)."""
    b = pl.lit(b) if not isinstance(b, pl.Expr) else b
    return (a > b if op == ">" else a == b) & a.is_not_nan() & b.is_not_nan()


def _wilson_expr(successes: pl.Expr, trials: pl.Expr, z: float = Z95) -> tuple[pl.Expr, pl.Expr]:
    """wilson() as expressions, term by term in the same order (so the floats are the same); null where it gives None."""
    defined = (trials.is_not_null() & (trials != 0) & successes.is_not_null()
               & ~_ieee(">", successes, trials)).fill_null(False)
    n, p = trials, successes / trials
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * (p * (1 - p) / n + z * z / (4 * n * n)).sqrt()
    # max(0.0, x) and min(1.0, x) as Python takes them (a NaN x gives 0.0 and 1.0)
    low = pl.when(successes == 0).then(0.0).when(_ieee(">", centre - half, 0.0)).then(centre - half).otherwise(0.0)
    high = pl.when(_ieee("==", successes, trials)).then(1.0).when(centre + half < 1.0).then(centre + half).otherwise(1.0)
    return pl.when(defined).then(low), pl.when(defined).then(high)


def _n(x: float | None) -> str:
    return "0" if x is None else f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def explain(row: Mapping, lang: str = "en") -> str:
    """Why a judged row is not judged, in words (empty for a judged row)."""
    if row["reason"] == NO_DATA:
        return "本期无数据，不予评判" if lang == "zh" else "not judged: no data for the period"
    if row["reason"] == BELOW_MIN_VOLUME:
        if lang == "zh":
            return f"样本量不足，不予评判：{row['volume_unit_zh']} {_n(row['volume'])}，低于最低要求 {_n(row['min_volume'])}"
        return f"not judged: below minimum volume ({_n(row['volume'])} {row['volume_unit']}, minimum {_n(row['min_volume'])})"
    return ""


def overall(judged: pl.DataFrame) -> pl.DataFrame:
    """Worst judged tier per firm x period (per pack); not_judged only when nothing was judged."""
    by = [c for c in ("pack", "firm_id", "period", "grain") if c in judged.columns]
    ranked = judged.with_columns(pl.col("tier").replace_strict(TIER_ORDER, default=-1, return_dtype=pl.Int64).alias("rank"))
    worst = ranked.group_by(by).agg(pl.col("rank").max())
    names = {v: k for k, v in TIER_ORDER.items()} | {-1: NOT_JUDGED}
    return worst.with_columns(pl.col("rank").replace_strict(names, return_dtype=pl.String).alias("overall")).drop(
        "rank").sort(by)


FUNNEL_SCHEMA = {"pack": pl.String, "period": pl.String, "grain": pl.String, "metric_id": pl.String, "dim": pl.String,
                 "firm_id": pl.String, "volume": pl.Float64, "value": pl.Float64, "industry": pl.Float64,
                 "low95": pl.Float64, "high95": pl.Float64, "low998": pl.Float64, "high998": pl.Float64,
                 "position": pl.String}


def _row_facts(rows: pl.DataFrame) -> pl.DataFrame:
    """Per (metric_id, dim) present: its scale, whether it is a proportion, and its direction."""
    pairs = rows.select("metric_id", "dim").unique()
    keys = list(pairs.iter_rows())
    return pairs.with_columns(
        k=pl.Series([scale_of(m, d) for m, d in keys], dtype=pl.Float64),
        proportion=pl.Series([is_proportion(m, d) for m, d in keys], dtype=pl.Boolean),
        direction=pl.Series([direction_of(m, d) for m, d in keys], dtype=pl.String),
    )


def funnel(table: pl.DataFrame, metric_id: str | None = None, period: str | None = None, dim: str | None = None) -> pl.DataFrame:
    """Per firm x proportion-metric row: the 95% / 99.8% limits around the industry rate, in the metric's unit.

    p0 = ALL numerator / ALL denominator, n = the firm's denominator, limits = p0 +/- z sqrt(p0 (1 - p0) / n)
    clamped to [0, 1] (funnel_limits). Per-10k and per-1k rates are treated as proportions and
    the limits scaled back. position: above_998 / above_95 / within / below_95 / below_998
    (direction-free: the reader knows which side is bad).
    """
    rows = table
    for col, want in (("metric_id", metric_id), ("period", period), ("dim", dim)):
        if want is not None:
            rows = rows.filter(pl.col(col) == want)
    industry = rows.filter((pl.col("firm_id") == "ALL") & (pl.col("denominator") > 0)
                           & (pl.col("numerator") <= pl.col("denominator")))
    industry = industry.select(*KEYS, p0=pl.col("numerator") / pl.col("denominator"))
    firms = rows.filter((pl.col("firm_id") != "ALL") & (pl.col("denominator") > 0) & pl.col("value").is_not_null())
    joined = firms.join(industry, on=KEYS).join(_row_facts(rows), on=["metric_id", "dim"]).filter("proportion")
    n, p0, k = pl.col("denominator"), pl.col("p0"), pl.col("k")
    sd = (p0 * (1 - p0) / n).sqrt()
    limits = {f"{side}{name}": (p0 + sign * z * sd).clip(0.0, 1.0)
              for name, z in (("95", Z95), ("998", Z998)) for side, sign in (("low", -1), ("high", 1))}
    p = pl.col("numerator") / n
    out = joined.with_columns(**limits).with_columns(
        position=pl.when(p > pl.col("high998")).then(pl.lit("above_998")).when(p > pl.col("high95")).then(pl.lit("above_95"))
        .when(p < pl.col("low998")).then(pl.lit("below_998")).when(p < pl.col("low95")).then(pl.lit("below_95"))
        .otherwise(pl.lit("within")))
    out = out.with_columns(volume=n, industry=p0 * k, **{c: pl.col(c) * k for c in limits})
    return out.select(list(FUNNEL_SCHEMA)).cast(FUNNEL_SCHEMA).sort([*KEYS, "firm_id"])


def _peer_rows(table: pl.DataFrame, size_bands: Mapping[str, str]) -> pl.DataFrame:
    """Firm rows with a value, once per peer group they belong to: their size band, and all firms."""
    firms = table.filter((pl.col("firm_id") != "ALL") & pl.col("value").is_not_null() & pl.col("value").is_not_nan())
    band = pl.col("firm_id").replace_strict(dict(size_bands), default=None, return_dtype=pl.String)
    by_band = firms.with_columns(peer_group=pl.lit("size_band=") + band).filter(pl.col("peer_group").is_not_null())
    return pl.concat([by_band, firms.with_columns(peer_group=pl.lit("all"))])


def peer_stats(table: pl.DataFrame, size_bands: Mapping[str, str]) -> pl.DataFrame:
    """Per pack x period x metric row x peer group: contributors, P25, median, P75 and each contributor's volume.

    Quantiles interpolate linearly between order statistics (numpy's default, type 7): P25 of
    n sorted values sits at position 0.25 (n - 1). Every firm with a value counts once,
    unweighted. firm_ids / volumes (the denominators) are aligned lists for the dominance
    and minimum-contributor rules; they are raw, not for display. (For the ratio-of-rates
    headlines of C6 and V8 the denominator is itself a rate: take volumes from their group dims.)
    """
    rows = _peer_rows(table, size_bands).sort("firm_id")
    return rows.group_by([*KEYS, "peer_group"]).agg(
        contributors=pl.len().cast(pl.Int64),
        p25=pl.col("value").quantile(0.25, interpolation="linear"),
        median=pl.col("value").quantile(0.5, interpolation="linear"),
        p75=pl.col("value").quantile(0.75, interpolation="linear"),
        firm_ids=pl.col("firm_id"),
        volumes=pl.col("denominator"),
    ).sort([*KEYS, "peer_group"])


def peer_positions(table: pl.DataFrame, size_bands: Mapping[str, str]) -> pl.DataFrame:
    """Per firm x row x peer group: "better than X% of peers" (the others in the group, by the metric's direction).

    better_than_pct = 100 x (other firms strictly worse) / (other firms with a value); a tie is
    not "better". NULL where the metric has no direction or the firm has no peers. Counted
    from ranks: values strictly above mine = n - rank_max; strictly below = rank_min - 1.
    """
    rows = _peer_rows(table, size_bands).select([*KEYS, "peer_group", "firm_id", "value"])
    group = [*KEYS, "peer_group"]
    ranked = rows.join(_row_facts(rows).select("metric_id", "dim", "direction"), on=["metric_id", "dim"]).with_columns(
        n=pl.len().over(group),
        above=pl.len().over(group) - pl.col("value").rank("max").over(group),
        below=pl.col("value").rank("min").over(group) - 1,
    )
    worse = pl.when(pl.col("direction") == "lower").then(pl.col("above")).when(
        pl.col("direction") == "higher").then(pl.col("below"))
    out = ranked.with_columns(peers=(pl.col("n") - 1).cast(pl.Int64)).with_columns(
        better_than_pct=pl.when(pl.col("peers") > 0).then(100.0 * worse / pl.col("peers")))
    return out.select([*KEYS, "peer_group", "firm_id", "value", "peers", "better_than_pct"]).sort(
        [*KEYS, "peer_group", "firm_id"])
