"""Where one firm batch of a full refresh spends its CPU: each staging step and each metric family, as medians of
interleaved repeats in one process.

    python bench/batch_steps.py --data-dir bench/out/refresh-M              # the batch of firm F015 (3 firms at M)
    python bench/batch_steps.py --data-dir bench/out/refresh-M --firm F040 --repeats 5 --pack us-regf

Whole refresh runs on this shared 2-core machine vary by up to 40% in CPU seconds, so a change is argued from the
step it touches, measured here: every repeat runs every step once, in the order a refresh runs them, and the
median per step is reported (CPU seconds of this process, DuckDB's threads included). The batch is the one
metrics.firm_batches puts the firm in, with the pack's parameters and metric set, as refresh.full computes it.
V2's excess calls, counted per month over every firm before the batches, are timed per month on their own.
"""

from __future__ import annotations

import argparse
import resource
import statistics
from pathlib import Path

import polars as pl

from industry_metrics import metrics, pipeline, queries, reader
from industry_metrics.store import Store


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_steps(snapshot, firms: list[str], period_names: list[str], resolved: dict, families: tuple[str, ...]) -> dict:
    """One repeat: a fresh connection over the batch's files, each staging step, then each family."""
    spent = {}
    con = reader.connect(metrics._of_firms(snapshot, firms))
    start = cpu_seconds()
    metrics.prepare(con, period_names, resolved, staging=())
    spent["connect + target periods"] = cpu_seconds() - start
    for name in metrics.BATCH_STAGING:
        start = cpu_seconds()
        metrics.prepare(con, period_names, resolved, staging=(name,))
        spent[f"staging/{name}"] = cpu_seconds() - start
    metrics._register(con, "stg_v2_excess", pl.DataFrame(schema=metrics._V2_SCHEMA))
    given = metrics.family_params(resolved, industry=False)
    for family in families:
        needed = {p: given[p] for p in queries.load(f"metrics/{family}").params}
        start = cpu_seconds()
        queries.run(con, f"metrics/{family}", needed).fetchall()
        spent[f"metrics/{family}"] = cpu_seconds() - start
    con.close()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--firm", default="F015", help="a firm of the batch to measure")
    parser.add_argument("--pack", default="cn")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--v2-month", help="the month whose V2 count over every firm is timed (default: the middle "
                        "month of the refresh; 'none' to skip)")
    args = parser.parse_args()
    snapshot = Store(args.data_dir).snapshot()
    period_names = metrics.default_periods(snapshot)
    targets, _, _ = metrics.target_frames(period_names)
    months = sorted({m for t in targets for m in t.months} & {s["period"] for s in snapshot.accepted})
    batches = metrics.firm_batches(snapshot, months, metrics.BATCH_ROWS)
    firms = next((b for b in batches if args.firm in b), None)
    if firms is None:
        parser.error(f"firm {args.firm} has no submission in the refresh's months")
    resolved = metrics.bound(metrics.resolve_params(pipeline.pack_params(args.data_dir, args.pack)))
    families = metrics.families_for(metrics.metric_set(pipeline.pack_metrics(args.data_dir, args.pack)))
    repeats = [run_steps(snapshot, firms, period_names, resolved, families) for _ in range(args.repeats)]
    steps = {name: [r[name] for r in repeats] for name in repeats[0]}
    batch_total = sum(statistics.median(runs) for runs in steps.values())
    month = args.v2_month or months[len(months) // 2]
    if month != "none":
        runs = []
        for _ in range(args.repeats):
            start = cpu_seconds()
            metrics._v2_excess_of_month(snapshot, month, resolved)
            runs.append(cpu_seconds() - start)
        steps[f"V2 over every firm, {month}"] = runs
    print(f"batch {', '.join(firms)} (one of {len(batches)} batches), {len(period_names)} periods, pack {args.pack}: "
          f"{batch_total:.2f} CPU s, peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"{'step':32s} {'median CPU s':>12s}  runs")
    for name, runs in steps.items():
        print(f"{name:32s} {statistics.median(runs):12.2f}  {' '.join(f'{r:.2f}' for r in runs)}")


if __name__ == "__main__":
    main()
