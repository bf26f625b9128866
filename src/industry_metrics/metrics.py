"""Run the metric queries over one store snapshot and return the long metric table.

Definitions: docs/metric-definitions.md. SQL: queries/staging (typed views) and
queries/metrics (one family per file). This module only prepares the period tables, binds
the pack's parameters, and does the arithmetic that is the same for every metric: industry
(ALL) sums, ratio-of-rates headlines (C6, V8) and value = numerator / denominator x scale.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Callable, Iterable

import duckdb
import polars as pl

from . import periods as periods_mod
from . import queries, reader
from .store import Snapshot

DEFAULT_PARAMS: dict[str, dict] = {
    "V1": {"quiet_start": "22:00", "quiet_end": "08:00", "weekend_quiet_start": None, "weekend_quiet_end": None,
           "holidays": [], "channels": ["call", "sms", "app_message", "ivr", "visit"]},
    "V2": {"cap": 3},
    "V3": {"cap": 6},
    "V7": {"min_collectors": 2},
    "C3": {"days": 15},
    "V10": {"report_hours": 4},
    "U1": {"max_calls": 7, "window_days": 7},
    "U2": {"days": 7},
    "A1": {"max_week": 3, "max_month": 10},
}

# Parameters of the other packs as spec/standards.md gives them; used when no standards register
# supplies them (the register, when present, passes its own dicts to compute()).
PACK_PARAMS: dict[str, dict[str, dict]] = {
    "cn": {},
    "us-regf": {"V1": {"quiet_start": "21:00", "quiet_end": "08:00"}},
    "au-accc": {"V1": {"quiet_start": "21:00", "quiet_end": "07:30", "weekend_quiet_start": "21:00",
                       "weekend_quiet_end": "09:00"}},
}

SCALE = {**{m: 1.0 for m in ("R1", "R2", "R3", "R5", "R6", "R7", "C2", "C3", "C4", "C5", "V6", "V7")},
         **{m: 1000.0 for m in ("C1", "V9")},
         **{m: 10000.0 for m in ("V1", "V2", "V3", "V4", "V5", "V10", "U1", "U2", "A1")}}
# dims whose scale differs from their metric's headline
DIM_SCALE = {("C6", "group=vulnerable"): 1000.0, ("C6", "group=other"): 1000.0, ("C6", ""): 1.0,
             ("V8", "group=vulnerable"): 1.0, ("V8", "group=other"): 1.0, ("V8", ""): 1.0,
             ("V10", "measure=reported_in_time"): 1.0, ("V10", "measure=records_affected"): 1.0, ("V5", "measure=count"): 1.0}
# plain counts carried with denominator 1 (their industry row keeps denominator 1)
COUNT_DIMS = {("V5", "measure=count"), ("V10", "measure=records_affected")}
# every firm with a submission in the period gets these headline rows (0 / 0 when nothing happened)
HEADLINES = ("R1", "R2", "R3", "R4", "R6", "R7", "C1", "C2", "C3", "C4", "V1", "V2", "V3", "V4", "V5", "V6", "V7",
             "V9", "V10", "U1", "U2", "A1")
RATIO_OF_RATES = ("C6", "V8")
# DuckDB may use this much (it spills the rest to ENGINE_TEMP) and this many threads: the machine is shared
ENGINE_MEMORY = os.environ.get("INDUSTRY_METRICS_DUCKDB_MEMORY", "2GB")
ENGINE_THREADS = int(os.environ.get("INDUSTRY_METRICS_DUCKDB_THREADS", "2"))
ENGINE_TEMP = os.path.join(tempfile.gettempdir(), "industry-metrics-duckdb")
STAGING = ("cases", "period_cases", "history_cases", "contacts", "contact_events", "conduct_months", "r4_times", "v2_excess")
# a batch of firms stages all but V2's excess calls, which are counted per month over every firm and registered
BATCH_STAGING = tuple(s for s in STAGING if s != "v2_excess")
# a new firm-month: the month counts are its new month's (MONTH_STAGING, on that month's files) and the stored others'
UPDATE_STAGING = tuple(s for s in BATCH_STAGING if s != "conduct_months")
MONTH_STAGING = ("contact_events", "conduct_months")
# stored rows (all tables, every month) per batch of firms: ~1 GB of DuckDB memory at the S benchmark's densities
BATCH_ROWS = int(os.environ.get("INDUSTRY_METRICS_BATCH_ROWS", "4000000"))
# what event listings need (access.breach_events): the case and contact tables, not the metric-only partials
CASE_STAGING = ("cases", "period_cases", "history_cases", "contacts", "contact_events")
# contacts stay a view: materialised they are the largest table by far (all columns of every contact), while each
# family reads only a few columns of a filtered subset, which DuckDB then streams from the Parquet files
STAGING_VIEWS = ("contacts", "contact_events")
# each family's query file (queries/metrics/<family>.sql) and the metrics it gives
FAMILY_METRICS: dict[str, tuple[str, ...]] = {
    "recovery": ("R1", "R2", "R3", "R4", "R5", "R6", "R7"),
    "complaints": ("C1", "C2", "C3", "C4", "C5", "C6"),
    "conduct": ("V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10"),
    "us_regf": ("U1", "U2"),
    "au_accc": ("A1",),
}
FAMILIES = tuple(FAMILY_METRICS)
# query parameters that are not a metric's (<metric>_<key>): set by the engine, never by the register
ENGINE_PARAMS = ("r4_industry",)
ALL_METRICS = frozenset(m for given in FAMILY_METRICS.values() for m in given)
# the catalogue every pack shows (spec/metrics.md); U1, U2 and A1 only in a pack whose standards judge them ("Other packs
# add"): their per-case call windows took a third of each firm batch's CPU at M, wasted in a pack not showing them
CORE_METRICS = ALL_METRICS - {"U1", "U2", "A1"}
COLUMNS = ["pack", "firm_id", "period", "grain", "metric_id", "dim", "numerator", "denominator", "value"]
OTHER_FIRMS = "~others"  # never a firm id (registry.FIRM_ID: upper-case letters and digits): the other firms' pooled R4 partials
R4_SCHEMA = {"period": pl.String, "grain": pl.String, "firm_id": pl.String, "dim": pl.String, "t": pl.Int64, "d": pl.Int64,
             "c": pl.Int64}
# the same partials as a refresh holds them in memory: categorical keys, 4 bytes a value instead of a 16-byte string
# view (8M partials at M: ~400 MB less at the refresh's peak); refresh.py writes each period cast back to R4_SCHEMA
R4_COMPACT = {**R4_SCHEMA, **dict.fromkeys(("period", "grain", "firm_id", "dim"), pl.Categorical)}
# the additive contact counts per firm-month that V1-V8 and R7 sum over a period's months (staging/conduct_months.sql);
# refresh.py stores them per month, so that a new firm-month counts only its own month's contacts (update)
MONTH_COUNTS = ("v1_num", "v1_den", "outbound_calls", "r7_num", "outbound_contacts", "v4_num", "v5_num", "v6_num", "v6_den",
                "v7_num", "v7_den", "v8_vulnerable", "v8_other", "v3_excess")
MONTHS_SCHEMA = {"firm_id": pl.String, "month": pl.String, **dict.fromkeys(MONTH_COUNTS, pl.Int64)}
_V2_SCHEMA = {"firm_id": pl.String, "month": pl.String, "excess": pl.Int64}
_NO_V2 = pl.DataFrame(schema=_V2_SCHEMA)
SCHEMA = {"pack": pl.String, "firm_id": pl.String, "period": pl.String, "grain": pl.String, "metric_id": pl.String,
          "dim": pl.String, "numerator": pl.Float64, "denominator": pl.Float64, "value": pl.Float64}


def pack_metrics(judged: Iterable[str]) -> frozenset[str]:
    """The metrics a pack's table holds: the core catalogue and whatever its standards judge."""
    return CORE_METRICS | frozenset(judged)


def metric_set(metric_ids: Iterable[str] | None) -> frozenset[str]:
    """The metrics to compute: those given, or every metric."""
    return frozenset(ALL_METRICS if metric_ids is None else metric_ids)


def family_params(resolved: dict, industry: bool = True) -> dict:
    """The family queries' parameters: the bound metric parameters and the engine's (ENGINE_PARAMS). industry=False
    skips ALL's pooled R4 curve, for a batch of firms whose ALL rows are dropped."""
    return {**resolved, "r4_industry": industry}


def families_for(wanted: frozenset[str]) -> tuple[str, ...]:
    """The families that give at least one wanted metric."""
    unknown = wanted - ALL_METRICS
    if unknown:
        raise ValueError(f"unknown metric(s) {sorted(unknown)} (known: {sorted(ALL_METRICS)})")
    return tuple(f for f, given in FAMILY_METRICS.items() if wanted & set(given))


def resolve_params(params: dict | None) -> dict[str, dict]:
    """The defaults overlaid with the given per-metric dicts; an unknown metric or key is an error."""
    out = copy.deepcopy(DEFAULT_PARAMS)
    for metric, given in (params or {}).items():
        if metric not in out:
            raise ValueError(f"metric {metric!r} takes no parameters (known: {sorted(out)})")
        unknown = set(given) - set(out[metric])
        if unknown:
            raise ValueError(f"unknown parameter(s) {sorted(unknown)} for {metric} (known: {sorted(out[metric])})")
        out[metric].update(given)
    v1 = out["V1"]
    v1["weekend_quiet_start"] = v1["weekend_quiet_start"] or v1["quiet_start"]
    v1["weekend_quiet_end"] = v1["weekend_quiet_end"] or v1["quiet_end"]
    return out


def bound(params: dict[str, dict]) -> dict:
    """SQL parameter names are <metric>_<key> in lower case ($v1_quiet_start, $v2_cap ...)."""
    flat = {f"{m.lower()}_{k}": v for m, d in params.items() for k, v in d.items()}
    flat["v1_holidays"] = [date.fromisoformat(str(d)) for d in flat["v1_holidays"]]
    flat["v1_channels"] = list(flat["v1_channels"])
    return flat


def default_periods(snapshot: Snapshot) -> list[str]:
    return periods_mod.rollups(snapshot.periods())


def target_frames(period_names: list[str]) -> tuple[list[periods_mod.Period], pl.DataFrame, pl.DataFrame]:
    """The parsed periods and the target_periods / target_months tables every engine registers."""
    targets = [periods_mod.parse(p) for p in dict.fromkeys(period_names)]
    tp = pl.DataFrame({
        "period": [t.name for t in targets], "grain": [t.grain for t in targets],
        "first_day": [t.first_day for t in targets], "last_day": [t.last_day for t in targets],
        "first_month": [t.months[0] for t in targets], "last_month": [t.months[-1] for t in targets],
        "last_month_idx": [periods_mod.month_index(t.months[-1]) for t in targets],
        "prev_month": [t.prev_month for t in targets],
    }, schema_overrides={"first_day": pl.Date, "last_day": pl.Date, "last_month_idx": pl.Int64})
    tm = pl.DataFrame({
        "period": [t.name for t in targets for _ in t.months], "month": [m for t in targets for m in t.months],
        "month_idx": [periods_mod.month_index(m) for t in targets for m in t.months],
    }, schema_overrides={"month_idx": pl.Int64})
    return targets, tp, tm


def configure(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The settings every refresh query runs under: UTC, the engine's threads and memory cap, spilling to ENGINE_TEMP."""
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET threads = {ENGINE_THREADS}")
    con.execute(f"SET memory_limit = '{ENGINE_MEMORY}'")
    con.execute(f"SET temp_directory = '{ENGINE_TEMP}'")
    return con


def prepare(con: duckdb.DuckDBPyConnection, period_names: list[str], params: dict | None = None,
            staging: tuple[str, ...] = STAGING) -> list[periods_mod.Period]:
    """Register target_periods / target_months and materialise the staging views (params: bound(), default the cn pack's)."""
    bound_params = params if params is not None else bound(resolve_params(None))
    targets, tp, tm = target_frames(period_names)
    configure(con)
    con.execute("SET preserve_insertion_order = false")  # every result is sorted or grouped; lets DuckDB stream
    con.register("target_periods_df", tp.to_arrow())
    con.execute("CREATE OR REPLACE TEMP TABLE target_periods AS SELECT * FROM target_periods_df")
    con.register("target_months_df", tm.to_arrow())
    con.execute("CREATE OR REPLACE TEMP TABLE target_months AS SELECT * FROM target_months_df")
    for name in staging:
        needed = {p: bound_params[p] for p in queries.load(f"staging/{name}").params}
        relation = queries.run(con, f"staging/{name}", needed)
        if name in STAGING_VIEWS:
            relation.create_view(f"stg_{name}", replace=True)
        else:
            relation.to_table(f"stg_{name}")
    return targets


def compute(snapshot: Snapshot, pack_name: str = "cn", params: dict | None = None, periods: list[str] | None = None,
            engine: str = "duckdb", batch_rows: int | None = None, metric_ids: Iterable[str] | None = None) -> pl.DataFrame:
    """The long metric table of one snapshot for one pack: every firm with a submission in each period, and ALL."""
    return compute_parts(snapshot, pack_name, params, periods, engine, batch_rows, metric_ids=metric_ids)[0]


def compute_parts(snapshot: Snapshot, pack_name: str = "cn", params: dict | None = None, periods: list[str] | None = None,
                  engine: str = "duckdb", batch_rows: int | None = None,
                  progress: Callable[[float], None] | None = None,
                  metric_ids: Iterable[str] | None = None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(the long metric table, R4's per-firm Kaplan-Meier partials as R4_COMPACT, the contact counts per firm-month of
    the periods' months as MONTHS_SCHEMA): refresh.py stores the first two per period and the counts per month.

    engine "spark" runs the same query files on Spark (spark/run.py); the arithmetic after the SQL is shared.
    DuckDB runs the families over batches of whole firms (batch_rows: stored rows per batch, default BATCH_ROWS)
    so that memory stays bounded whatever the industry's size: every metric is per firm except V2, counted first
    per month over all firms, and ALL's R4, which pools every batch's partials in the last batch.
    progress(fraction) is called after each batch. metric_ids: the metrics the table holds (pack_metrics; default all);
    only the families that give one of them run.
    """
    wanted = metric_set(metric_ids)
    families = families_for(wanted)
    resolved = bound(resolve_params(params))
    period_names = list(periods) if periods is not None else default_periods(snapshot)
    if not period_names:
        return pl.DataFrame(schema=SCHEMA), pl.DataFrame(schema=R4_SCHEMA), pl.DataFrame(schema=MONTHS_SCHEMA)
    if engine == "spark":
        from .spark import run as spark_run

        targets, parts, r4, counts = spark_run.families(snapshot, period_names, resolved, families)
        firm_rows = pl.concat([p.with_columns(pl.col("numerator", "denominator").cast(pl.Float64)) for p in parts])
        return (_assemble(firm_rows, snapshot, targets, pack_name, wanted), conform(r4, R4_COMPACT),
                conform(counts, MONTHS_SCHEMA))
    if engine != "duckdb":
        raise ValueError(f"engine {engine!r}: duckdb or spark")
    targets, _, _ = target_frames(period_names)
    months = sorted({m for t in targets for m in t.months} & {s["period"] for s in snapshot.accepted})
    v2 = pl.concat([_v2_excess_of_month(snapshot, m, resolved) for m in months]) if months else _NO_V2
    batches = firm_batches(snapshot, months, batch_rows or BATCH_ROWS)
    rows, r4_parts, counts = [], [], []
    for i, firms in enumerate(batches):
        last = i == len(batches) - 1
        con = reader.connect(_of_firms(snapshot, firms))
        prepare(con, period_names, resolved, staging=BATCH_STAGING)
        _register(con, "stg_v2_excess", v2.filter(pl.col("firm_id").is_in(firms)))
        mine = _staged(con, "stg_r4_times", R4_COMPACT)
        counts.append(_staged(con, "stg_conduct_months", MONTHS_SCHEMA))
        if last and r4_parts:  # ALL's pooled curve: the earlier batches' partials as one pseudo-firm
            _insert_pooled_r4(con, pl.concat(r4_parts))
        found = _families(con, resolved, families, industry=last)
        con.close()
        rows.append(found.filter(pl.col("firm_id").is_in(firms) | (pl.lit(last) & (pl.col("firm_id") == "ALL"))))
        r4_parts.append(mine)
        if progress:
            progress((i + 1) / len(batches))
    firm_rows = pl.concat(rows) if rows else pl.DataFrame(schema={c: SCHEMA[c] for c in COLUMNS if c not in ("pack", "value")})
    r4 = pl.concat(r4_parts) if r4_parts else pl.DataFrame(schema=R4_COMPACT)
    counted = pl.concat(counts) if counts else pl.DataFrame(schema=MONTHS_SCHEMA)
    return _assemble(firm_rows, snapshot, targets, pack_name, wanted), r4, counted


def firm_batches(snapshot: Snapshot, months: list[str], budget: int) -> list[list[str]]:
    """The firms with a submission in `months`, in id order, cut into runs of at most `budget` stored rows (whole firms:
    a firm over the budget is a batch of its own)."""
    size: dict[str, int] = {}
    for s in snapshot.accepted:
        size[s["firm_id"]] = size.get(s["firm_id"], 0) + sum(t["rows"] for t in s["tables"].values())
    wanted = sorted({s["firm_id"] for s in snapshot.accepted if s["period"] in set(months)})
    batches: list[list[str]] = []
    used = 0
    for firm in wanted:
        if not batches or (batches[-1] and used + size[firm] > budget):
            batches.append([])
            used = 0
        batches[-1].append(firm)
        used += size[firm]
    return batches


def update(snapshot: Snapshot, pack_name: str, params: dict | None, periods: list[str], firm_id: str, month: str,
           stored: pl.DataFrame, stored_r4: pl.DataFrame, stored_counts: pl.DataFrame, before: Snapshot | None = None,
           metric_ids: Iterable[str] | None = None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """compute_parts for `periods` after (firm_id, month) was stored, reading only that firm's submissions.

    Only the firm's own rows, V2 and the ALL rows can change (docs/metric-definitions.md: per-firm censoring, V2 is the
    one cross-firm metric). `stored` holds the previous rows of `periods` and of every month in them (any firm), and
    `stored_r4` the previous R4 partials of `periods`. The firm's families run on its own files; V2's excess calls of
    `month` are the stored month rows' (a month's V2 numerator is exactly its excess calls) recounted only in the
    (debtor, creditor, day) groups the firm's calls of `month` fall in, old version (in `before`, the snapshot the stored
    rows were computed from) or new (without `before`: the whole month over every firm), and the other months' are
    taken from the stored month rows as they are; the other firms' rows are the stored ones with
    their V2 re-summed; ALL is summed again from the firm rows, and ALL's R4 pools the stored partials of the other
    firms with the firm's new ones. `stored_counts` holds the stored contact counts (MONTHS_SCHEMA) of the periods'
    months: the firm's new month is counted from its own files, its other months' counts are the stored ones (a month's
    counts read only that month's submission). Returns the table of `periods`, their R4 partials, and `month`'s counts
    of every firm. Equal to compute_parts over the whole snapshot (tests/test_metrics_refresh.py).
    """
    wanted = metric_set(metric_ids)
    resolved = bound(resolve_params(params))
    with ThreadPoolExecutor(max_workers=1) as background:
        # V2: the month's stored counts recounted in the debtor-days the firm touches; the other months' as stored. It
        # reads other files on its own connections, so it runs beside the firm's staging (DuckDB releases the GIL)
        recount = (background.submit(_v2_excess_after, before, snapshot, firm_id, month, _v2_month_rows(stored, [month]),
                                     resolved) if before else background.submit(_v2_excess_of_month, snapshot, month, resolved))
        counted = background.submit(_month_counts_of, snapshot, firm_id, month, resolved)
        con = reader.connect(_of_firms(snapshot, [firm_id]))
        targets = prepare(con, periods, resolved, staging=UPDATE_STAGING)
        # R4: the other firms' stored partials, summed into one pseudo-firm (its own curve is computed and dropped),
        # join the firm's new ones, so that ALL pools every firm; the stored partials stay per firm
        others_r4 = conform(stored_r4.filter(pl.col("period").is_in(periods) & (pl.col("firm_id") != firm_id)), R4_SCHEMA)
        new_r4 = _staged(con, "stg_r4_times", R4_SCHEMA)  # stored as they are: beside the stored partials
        _insert_pooled_r4(con, others_r4)
        fresh = recount.result()
        new_counts = counted.result()
    is_firm, is_month = pl.col("firm_id") == firm_id, pl.col("month") == month
    _register(con, "stg_conduct_months", pl.concat([stored_counts.filter(is_firm & ~is_month), new_counts]))
    months = sorted({m for t in targets for m in t.months} - {month})
    v2 = pl.concat([fresh, _v2_month_rows(stored, months)])
    _register(con, "stg_v2_excess", v2)
    found = _families(con, resolved, families_for(wanted))
    mine = found.filter(pl.col("firm_id") == firm_id)
    industry_r4 = found.filter(pl.col("firm_id") == "ALL")
    # the other firms' stored rows, without what _assemble derives (ALL, V5's count dim, C6/V8 headlines), V2 re-summed
    derived = ((pl.col("firm_id") == "ALL") | ((pl.col("metric_id") == "V5") & (pl.col("dim") == "measure=count"))
               | (pl.col("metric_id").is_in(RATIO_OF_RATES) & (pl.col("dim") == "")))
    others = stored.filter(pl.col("period").is_in(periods) & (pl.col("firm_id") != firm_id) & ~derived
                           & pl.col("metric_id").is_in(list(wanted))).unique(
        subset=["firm_id", "period", "metric_id", "dim"], keep="first")
    tm = pl.DataFrame({"period": [t.name for t in targets for _ in t.months], "month": [m for t in targets for m in t.months]})
    v2_sums = v2.join(tm, on="month").group_by("firm_id", "period").agg(v2_sum=pl.col("excess").sum().cast(pl.Float64))
    is_v2 = (pl.col("metric_id") == "V2") & (pl.col("dim") == "")
    others = (others.join(v2_sums, on=["firm_id", "period"], how="left")
              .with_columns(numerator=pl.when(is_v2).then(pl.col("v2_sum").fill_null(0.0)).otherwise(pl.col("numerator"))))
    columns = ["firm_id", "period", "grain", "metric_id", "dim", "numerator", "denominator"]
    firm_rows = pl.concat([mine.select(columns), others.select(columns), industry_r4.select(columns)])
    month_counts = pl.concat([stored_counts.filter(~is_firm & is_month), new_counts])
    return _assemble(firm_rows, snapshot, targets, pack_name, wanted), pl.concat([others_r4, new_r4]), month_counts


def _families(con: duckdb.DuckDBPyConnection, resolved: dict, families: tuple[str, ...], industry: bool = True) -> pl.DataFrame:
    given = family_params(resolved, industry)
    parts = []
    for family in families:
        needed = {p: given[p] for p in queries.load(f"metrics/{family}").params}
        parts.append(queries.run(con, f"metrics/{family}", needed).pl())
    return pl.concat([p.with_columns(pl.col("numerator", "denominator").cast(pl.Float64)) for p in parts])


def conform(frame: pl.DataFrame, schema: dict) -> pl.DataFrame:
    """The frame's columns of `schema`, in its order and types."""
    return frame.select(list(schema)).cast(schema)


def _staged(con: duckdb.DuckDBPyConnection, table: str, schema: dict) -> pl.DataFrame:
    return conform(con.sql(f"SELECT * FROM {table}").pl(), schema)


def _month_counts_of(snapshot: Snapshot, firm_id: str, month: str, resolved: dict) -> pl.DataFrame:
    """One firm-month's contact counts, read from that submission's own files."""
    con = _month_connection(snapshot, month, firm_id)
    prepare(con, [month], resolved, staging=MONTH_STAGING)
    counts = _staged(con, "stg_conduct_months", MONTHS_SCHEMA)
    con.close()
    return counts


def _of_firms(snapshot: Snapshot, firms: list[str], keep: bool = True) -> Snapshot:
    """The snapshot narrowed to these firms' submissions (every month of theirs: recovery metrics look back), or with
    keep=False to every other firm's."""
    named = set(firms)
    return dataclasses.replace(snapshot, submissions=tuple(s for s in snapshot.submissions if (s["firm_id"] in named) == keep))


def _v2_excess_of_month(snapshot: Snapshot, month: str, resolved: dict) -> pl.DataFrame:
    """V2's excess calls per firm in one month, over every firm's submission of it (a debtor-day lies inside its month)."""
    con = _month_connection(snapshot, month)
    queries.run(con, "staging/contacts").create_view("stg_contacts", replace=True)
    found = queries.run(con, "staging/v2_excess", {"v2_cap": resolved["v2_cap"]}).pl()
    con.close()
    return conform(found, _V2_SCHEMA)


def _v2_month_rows(stored: pl.DataFrame, months: list[str]) -> pl.DataFrame:
    """The excess calls per firm of these months, read back from their stored V2 month rows."""
    return (stored.filter((pl.col("grain") == "month") & pl.col("period").is_in(months) & (pl.col("metric_id") == "V2")
                          & (pl.col("dim") == "") & (pl.col("firm_id") != "ALL"))
            .select("firm_id", month=pl.col("period"), excess=pl.col("numerator").cast(pl.Int64)))


def _v2_excess_after(before: Snapshot, after: Snapshot, firm_id: str, month: str, stored_month: pl.DataFrame,
                     resolved: dict) -> pl.DataFrame:
    """V2's excess calls per firm in `month` after `firm_id`'s submission of it: the stored counts, minus each firm's
    excess within the groups the firm's calls fall in (old or new version) as they were, plus as they are now. Groups
    without one of its calls hold the same calls before and after, so their excess cannot change. The other firms'
    calls in those groups are read once: a submission changes only its own firm's files."""
    old, new = (_v2_calls(state, firm_id, month) for state in (before, after))
    keys = pl.concat([old, new]).select("debtor_ref", "creditor_ref", "local_date").unique()
    if keys.is_empty():  # no call of the firm's in either version: the stored counts stand
        was = now = _NO_V2
    else:
        others_now = _v2_touched(_without_firm(after, firm_id), month, keys)
        same_others = _without_firm(before, firm_id).accepted == _without_firm(after, firm_id).accepted
        others_then = others_now if same_others else _v2_touched(_without_firm(before, firm_id), month, keys)
        was = _v2_excess_of(pl.concat([others_then, old]), resolved)
        now = _v2_excess_of(pl.concat([others_now, new]), resolved)
    counts = (pl.concat([stored_month.select("firm_id", n=pl.col("excess")), was.select("firm_id", n=-pl.col("excess")),
                         now.select("firm_id", n=pl.col("excess"))])
              .group_by("firm_id").agg(excess=pl.col("n").sum()))
    return conform(counts.with_columns(month=pl.lit(month)), _V2_SCHEMA)


def _v2_calls(snapshot: Snapshot, firm_id: str, month: str) -> pl.DataFrame:
    """The calls V2 counts in one firm's month, with the columns staging/v2_excess.sql reads."""
    con = _month_connection(snapshot, month, firm_id)
    queries.run(con, "staging/contacts").create_view("stg_contacts", replace=True)
    calls = queries.run(con, "staging/v2_calls").pl()
    con.close()
    return calls


def _v2_touched(snapshot: Snapshot, month: str, keys: pl.DataFrame) -> pl.DataFrame:
    """Every firm's calls of `month` on the snapshot that fall in the groups of `keys` (staging/v2_touched_contacts.sql)."""
    con = _month_connection(snapshot, month)
    _register(con, "v2_keys", keys)
    found = queries.run(con, "staging/v2_touched_contacts").pl()
    con.close()
    return found


def _v2_excess_of(calls: pl.DataFrame, resolved: dict) -> pl.DataFrame:
    """V2's excess calls per firm and month among these calls (whole groups: every call of each group they touch)."""
    con = configure(duckdb.connect())
    _register(con, "stg_contacts", calls)
    found = queries.run(con, "staging/v2_excess", {"v2_cap": resolved["v2_cap"]}).pl()
    con.close()
    return conform(found, _V2_SCHEMA)


def _without_firm(snapshot: Snapshot, firm_id: str) -> Snapshot:
    return _of_firms(snapshot, [firm_id], keep=False)


def _month_connection(snapshot: Snapshot, month: str, firm_id: str | None = None) -> duckdb.DuckDBPyConnection:
    return configure(reader.connect(snapshot, firm_id=firm_id, months=[month]))


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    con.register(f"{name}_df", frame.to_arrow())
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_df")
    con.unregister(f"{name}_df")


def _insert_pooled_r4(con: duckdb.DuckDBPyConnection, partials: pl.DataFrame) -> None:
    """Add other firms' R4 partials, summed into the pseudo-firm OTHER_FIRMS, so that the SQL's ALL curve pools them too."""
    pooled = (partials.group_by("period", "grain", "dim", "t").agg(pl.col("d").sum(), pl.col("c").sum())
              .with_columns(firm_id=pl.lit(OTHER_FIRMS)))
    pooled = conform(pooled, R4_SCHEMA)
    con.register("r4_others_df", pooled.to_arrow())
    con.execute("INSERT INTO stg_r4_times SELECT * FROM r4_others_df")
    con.unregister("r4_others_df")


def _assemble(firm_rows: pl.DataFrame, snapshot: Snapshot, targets, pack_name: str, wanted: frozenset[str]) -> pl.DataFrame:
    firm_rows = _fill_headlines(firm_rows.filter(pl.col("metric_id").is_in(list(wanted))), snapshot, targets, wanted)
    industry = _industry(firm_rows)
    table = pl.concat([firm_rows.filter(pl.col("firm_id") != "ALL"), industry])
    table = _ratio_headlines(_count_dims(table))
    return _finish(table, pack_name)


def _fill_headlines(rows: pl.DataFrame, snapshot: Snapshot, targets, wanted: frozenset[str]) -> pl.DataFrame:
    """Headline rows for every firm that submitted in the period and ALL's R4, 0 / 0 (R4: NULL / 0) where the SQL found none."""
    firms = pl.DataFrame(
        [(s["firm_id"], t.name, t.grain) for t in targets for s in snapshot.accepted if s["period"] in t.months],
        schema={"firm_id": pl.String, "period": pl.String, "grain": pl.String}, orient="row").unique()
    heads = [m for m in HEADLINES if m in wanted]
    skeleton = firms.join(pl.DataFrame({"metric_id": heads, "dim": [""] * len(heads)}, schema={"metric_id": pl.String, "dim": pl.String}),
                          how="cross")
    # ALL's R4 headline comes from the SQL's pooled cases; with no case in the 12 vintages it has none, yet headline
    # rows are always emitted: every period with a firm gets one (NULL median over 0 cases), like the firm rows
    industry_r4 = firms.select("period", "grain").unique().with_columns(
        firm_id=pl.lit("ALL"), metric_id=pl.lit("R4"), dim=pl.lit(""))
    if "R4" in wanted:
        skeleton = pl.concat([skeleton, industry_r4.select(skeleton.columns)])
    skeleton = skeleton.with_columns(
        numerator=pl.when(pl.col("metric_id") == "R4").then(None).otherwise(pl.lit(0.0)),
        denominator=pl.lit(0.0))
    missing = skeleton.join(rows, on=["firm_id", "period", "metric_id", "dim"], how="anti")
    return pl.concat([rows, missing.select(rows.columns)])


def _industry(rows: pl.DataFrame) -> pl.DataFrame:
    """ALL rows: sums of the firm rows (R4 comes from the SQL, which pools the cases itself)."""
    summed = (rows.filter((pl.col("firm_id") != "ALL") & (pl.col("metric_id") != "R4"))
              .group_by("period", "grain", "metric_id", "dim", maintain_order=True)
              .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
              .with_columns(firm_id=pl.lit("ALL")))
    return pl.concat([summed.select(rows.columns), rows.filter(pl.col("firm_id") == "ALL")])


def _count_dims(rows: pl.DataFrame) -> pl.DataFrame:
    """V5's raw count as its own dim; count dims keep denominator 1 (also in ALL rows)."""
    v5 = rows.filter((pl.col("metric_id") == "V5") & (pl.col("dim") == "")).with_columns(dim=pl.lit("measure=count"))
    rows = pl.concat([rows, v5])
    is_count = pl.struct("metric_id", "dim").is_in([{"metric_id": m, "dim": d} for m, d in COUNT_DIMS])
    return rows.with_columns(denominator=pl.when(is_count).then(1.0).otherwise(pl.col("denominator")))


def _ratio_headlines(rows: pl.DataFrame) -> pl.DataFrame:
    """C6 and V8 headlines: numerator = the vulnerable group's rate, denominator = the other group's."""
    groups = rows.filter(pl.col("metric_id").is_in(RATIO_OF_RATES) & pl.col("dim").str.starts_with("group="))
    rate = pl.when(pl.col("denominator") > 0).then(pl.col("numerator") / pl.col("denominator")).otherwise(None)
    scale = pl.when(pl.col("metric_id") == "C6").then(1000.0).otherwise(1.0)
    groups = groups.with_columns(rate=rate * scale)
    heads = (groups.group_by("firm_id", "period", "grain", "metric_id", maintain_order=True)
             .agg(numerator=pl.col("rate").filter(pl.col("dim") == "group=vulnerable").first(),
                  denominator=pl.col("rate").filter(pl.col("dim") == "group=other").first())
             .with_columns(dim=pl.lit("")))
    return pl.concat([rows, heads.select(rows.columns)])


def _finish(rows: pl.DataFrame, pack_name: str) -> pl.DataFrame:
    scale = pl.col("metric_id").replace_strict(SCALE, default=1.0, return_dtype=pl.Float64)
    for (metric, dim), factor in DIM_SCALE.items():
        scale = pl.when((pl.col("metric_id") == metric) & (pl.col("dim") == dim)).then(factor).otherwise(scale)
    value = (pl.when(pl.col("metric_id") == "R4").then(pl.col("numerator"))
             .when((pl.col("denominator") == 0) | pl.col("denominator").is_null()).then(None)
             .otherwise(pl.col("numerator") / pl.col("denominator") * scale))
    return (rows.with_columns(value=value, pack=pl.lit(pack_name))
            .select(COLUMNS).cast(SCHEMA)
            .sort("period", "firm_id", "metric_id", "dim"))
