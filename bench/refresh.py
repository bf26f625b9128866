"""Metric refresh benchmark at industry scale: S (100 firms, 1M cases, 20M contacts) and M (5M / 100M).

    python bench/refresh.py --size S          # generate once into bench/out/refresh-S, then measure
    python bench/refresh.py --size M --skip-generate   # re-measure (the new firm-month becomes a resubmission)
    python bench/refresh.py --size M --skip-generate --incremental-only   # only F000's month, after a run's full refresh
    python bench/refresh.py --size M --skip-generate --pack us-regf   # a pack that also judges U1 and U2

The generator writes the stored layout directly (one Parquet file per firm-month, in ingest's
format, store.PARQUET_OPTIONS, published through store.Transaction so the catalog is the real
one) with DuckDB SQL: no per-row Python.
The 12 months are 2025-11..2026-10; cases live 1-13 months, debtors are shared across firms
(so V2's cross-firm ordering has work to do). Each measurement runs in its own subprocess so
its peak memory (ru_maxrss, DuckDB's native memory included) is its own.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from industry_metrics import contract, periods
from industry_metrics.store import PARQUET_OPTIONS, Store

OUT = Path(__file__).parent / "out"
SIZES = {"S": (100, 1_000_000, 20_000_000), "M": (100, 5_000_000, 100_000_000)}
MONTHS = [periods.shift("2025-11", k) for k in range(12)]


def _select(table: str) -> str:
    """The stored column list of a table, in the contract's order and types."""
    return ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in contract.stored_schema(table))


def generate(data_dir: Path, firms: int, cases: int, contacts: int, months: list[str] = MONTHS, only_firm: str | None = None) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "firms.csv", "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["firm_id", "name_zh", "name_en", "licence_no", "region_code", "size_band", "joined_on", "active"])
        w.writerows([(f"F{i:03d}", f"公司{i}", f"Firm {i}", f"L-{i:04d}", "320481", "medium", "2020-01-01", "true")
                     for i in range(firms)])
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SELECT setseed(0.42)")
    first = periods.parse(MONTHS[0]).first_day
    con.execute(f"""
        CREATE TABLE all_cases AS
        SELECT i, 'F' || lpad(CAST(i % {firms} AS VARCHAR), 3, '0') AS firm_id, 'C' || CAST(i AS VARCHAR) AS case_ref,
               sha256('debtor' || CAST(i % {max(cases * 7 // 10, 1)} AS VARCHAR)) AS debtor_ref,
               'LENDER' || CAST(i % 40 AS VARCHAR) AS creditor_ref,
               ['cash_loan', 'consumer_instalment', 'credit_card', 'auto_loan', 'small_business', 'other'][1 + i % 6] AS product,
               ['320481', '110105', '440305', '310101'][1 + i % 4] AS region_code,
               DATE '{first}' - 60 + CAST(floor(random() * 420) AS INTEGER) AS placed_on,
               1 + CAST(floor(random() * 365) AS INTEGER) AS dpd_at_placement,
               round(500 + random() * 20000, 2) AS amount_placed,
               i % 17 = 0 AS vulnerable,
               30 + CAST(floor(random() * 360) AS INTEGER) AS lifetime
        FROM range({cases}) AS t(i)""")
    per_month = contacts // len(MONTHS)  # the industry's monthly volume, also when one firm-month is generated alone
    store = Store(data_dir)
    for month in months:
        p = periods.parse(month)
        con.execute(f"""
            CREATE OR REPLACE TABLE m_cases AS
            SELECT c.*, row_number() OVER (ORDER BY i) AS rn,
                   CASE WHEN placed_on + lifetime <= DATE '{p.last_day}' THEN placed_on + lifetime END AS closed
            FROM all_cases AS c
            WHERE placed_on <= DATE '{p.last_day}' AND placed_on + lifetime >= DATE '{p.first_day}'
              {f"AND firm_id = '{only_firm}'" if only_firm else ""}""")
        n = con.sql("SELECT count(*) FROM m_cases").fetchall()[0][0]
        k = per_month if not only_firm else per_month // firms
        seconds = (p.last_day - p.first_day).days * 86400 + 86399
        con.execute(f"""
            CREATE OR REPLACE TABLE m_contacts AS
            WITH raw AS (
                SELECT j, 1 + CAST(floor(random() * {n}) AS BIGINT) AS rn, random() AS r1, random() AS r2, random() AS r3,
                       TIMESTAMP '{p.first_day}' + to_seconds(CAST(floor(random() * {seconds}) AS BIGINT)) AS ts
                FROM range({k}) AS t(j))
            SELECT c.firm_id, '{month}' AS period, c.firm_id || '_{month}_v1' AS submission_id,
                   'K{month}-' || CAST(j AS VARCHAR) AS contact_ref, c.case_ref,
                   greatest(ts, CAST(c.placed_on AS TIMESTAMP)) AS contact_at,
                   greatest(ts, CAST(c.placed_on AS TIMESTAMP)) - INTERVAL 8 HOUR AS contact_at_utc,
                   CASE WHEN r1 < 0.8 THEN 'call' WHEN r1 < 0.93 THEN 'sms' WHEN r1 < 0.97 THEN 'app_message'
                        WHEN r1 < 0.99 THEN 'ivr' ELSE 'visit' END AS channel,
                   CASE WHEN r2 < 0.95 THEN 'outbound' ELSE 'inbound' END AS direction,
                   CASE WHEN r3 < 0.85 THEN 'debtor' WHEN r3 < 0.9 THEN 'guarantor' WHEN r3 < 0.95 THEN 'emergency_contact'
                        WHEN r3 < 0.99 THEN 'related_third_party' ELSE 'unrelated_third_party' END AS party,
                   sha256('number' || c.case_ref || CAST(j % 3 AS VARCHAR)) AS number_ref,
                   (r2 * 7) % 1 < 0.4 AS connected, CAST(floor(r3 * 300) AS BIGINT) AS duration_s,
                   (r1 * 13) % 1 < 0.02 AS consented_time, (r1 * 17) % 1 < 0.1 AS debtor_unreachable,
                   (r1 * 19) % 1 < 0.001 AS disclosed_debt, (r2 * 11) % 1 < 0.97 AS recorded,
                   CASE WHEN r1 >= 0.99 THEN 1 + CAST(floor(r2 * 3) AS BIGINT) END AS collectors_present
            FROM raw JOIN m_cases AS c USING (rn)""")
        con.execute(f"""
            CREATE OR REPLACE TABLE m_payments AS
            SELECT firm_id, '{month}' AS period, firm_id || '_{month}_v1' AS submission_id,
                   'P{month}-' || CAST(i AS VARCHAR) AS payment_ref, case_ref,
                   greatest(placed_on, DATE '{p.first_day}') + CAST(floor(random() * 28) AS INTEGER) AS paid_on,
                   round(10 + random() * 2000, 2) AS amount
            FROM m_cases WHERE random() < 0.12 AND greatest(placed_on, DATE '{p.first_day}') + 27 <= DATE '{p.last_day}'""")
        con.execute(f"""
            CREATE OR REPLACE TABLE m_cases_out AS
            SELECT firm_id, '{month}' AS period, firm_id || '_{month}_v1' AS submission_id, case_ref, debtor_ref, creditor_ref,
                   product, region_code, 'Asia/Shanghai' AS timezone, placed_on, dpd_at_placement, amount_placed,
                   'percentage' AS fee_model, vulnerable, NULL AS hold_from, NULL AS hold_to,
                   CASE WHEN closed IS NULL THEN 'active' ELSE 'settled' END AS status, closed AS closed_on
            FROM m_cases""")
        with tempfile.TemporaryDirectory(dir=data_dir) as tmp:
            for table, source in (("cases", "m_cases_out"), ("contacts", "m_contacts"), ("payments", "m_payments")):
                con.execute(f"""COPY (SELECT {_select(table)} FROM {source} ORDER BY firm_id)
                                TO '{tmp}/{table}' ({PARQUET_OPTIONS}, PARTITION_BY (firm_id), WRITE_PARTITION_COLUMNS true)""")
            firm_ids = [r[0] for r in con.sql("SELECT DISTINCT firm_id FROM m_cases ORDER BY 1").fetchall()]
            counts = {t: dict(con.sql(f"SELECT firm_id, count(*) FROM {s} GROUP BY 1").fetchall())
                      for t, s in (("cases", "m_cases_out"), ("contacts", "m_contacts"), ("payments", "m_payments"))}
            for firm in firm_ids:
                with store.transaction(firm, month) as tx:
                    for name in contract.TABLE_NAMES:
                        src = Path(tmp) / name / f"firm_id={firm}"
                        if src.exists():
                            shutil.move(str(next(src.glob("*.parquet"))), tx.dir / f"{name}.parquet")
                        else:  # an empty table of the stored schema
                            empty = ", ".join(f'CAST(NULL AS {t}) AS "{c}"' for c, t in contract.stored_schema(name))
                            con.execute(f"COPY (SELECT {empty} WHERE false) TO '{tx.dir / (name + '.parquet')}' ({PARQUET_OPTIONS})")
                    (tx.dir / "report.json").write_text("{}", encoding="utf-8")
                    tx.publish({t: counts.get(t, {}).get(firm, 0) for t in contract.TABLE_NAMES}, {"submitted_by": "bench"})
        print(f"generated {month}", file=sys.stderr)


def _measure(code: str) -> dict:
    """Run code in a fresh interpreter; it sets `result`; returns it with seconds, CPU seconds (user + system: steadier
    than wall time on a shared machine), peak RSS and the 1-minute load average before and after.

    seconds / cpu_seconds count from the line `start()` in code (after the imports and the register are loaded: in the
    product a refresh runs inside the ingest or dashboard process, where they are loaded already); process_seconds /
    process_cpu_seconds count the whole interpreter, start-up and imports included."""
    wrapper = (f"import json, os, resource, time\nt0 = time.perf_counter()\nload0 = os.getloadavg()[0]\n"
               "def _cpu():\n    use = resource.getrusage(resource.RUSAGE_SELF)\n    return use.ru_utime + use.ru_stime\n"
               "def start():\n    global t1, c1\n    t1, c1 = time.perf_counter(), _cpu()\n"
               f"t1, c1 = t0, 0.0\n{code}\n"
               "now, cpu = time.perf_counter(), _cpu()\n"
               "print(json.dumps({'seconds': now - t1, 'cpu_seconds': cpu - c1, 'process_seconds': now - t0, "
               "'process_cpu_seconds': cpu, 'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "
               "'load_before_after': [load0, os.getloadavg()[0]], **result}))")
    out = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(data_dir: Path, firms: int, cases: int, contacts: int, pack: str = "cn", incremental_only: bool = False) -> dict:
    d = str(data_dir)
    out = {}
    # each refresh is the one the product runs for this pack: the register's parameters and the pack's metrics (pipeline.py)
    if not incremental_only:
        out.update(_scan_and_full(d, pack))
    # one new firm-month: F000 reports 2026-11, the size of its other months (about 1/1200 of the data)
    generate(data_dir, firms, cases, contacts, months=["2026-11"], only_firm="F000")
    out["incremental"] = _measure(f"""
from industry_metrics import pipeline, refresh
from industry_metrics.store import Store
record = Store({d!r}).snapshot().current('F000', '2026-11')
params, wanted = pipeline.pack_params({d!r}, {pack!r}), pipeline.pack_metrics({d!r}, {pack!r})
start()
cat = refresh.after_submission({d!r}, record, {pack!r}, params, metric_ids=wanted)
result = {{'periods': cat['recomputed']}}""")
    return out


def _scan_and_full(d: str, pack: str) -> dict:
    scan = _measure(f"""
from industry_metrics import reader
from industry_metrics.store import Store
start()
con = reader.connect(Store({d!r}).snapshot())
rows = [con.sql(q).fetchall()[0] for q in (
    "SELECT count(*), max(contact_at), max(case_ref), max(channel), max(party), count(connected), max(number_ref) FROM contacts",
    "SELECT count(*), max(case_ref), max(debtor_ref), max(placed_on), max(closed_on), sum(amount_placed) FROM cases",
    "SELECT count(*), max(case_ref), sum(amount) FROM payments")]
result = {{'rows': [r[0] for r in rows]}}""")
    full = _measure(f"""
from industry_metrics import pipeline, refresh
params, wanted = pipeline.pack_params({d!r}, {pack!r}), pipeline.pack_metrics({d!r}, {pack!r})
start()
cat = refresh.full({d!r}, {pack!r}, params, metric_ids=wanted)
result = {{'periods': len(cat['recomputed'])}}""")
    return {"scan": scan, "full": full}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--pack", default="cn", help="standards pack to refresh (us-regf / au-accc add U1+U2 / A1)")
    parser.add_argument("--incremental-only", action="store_true",
                        help="only F000's new month (needs an earlier run's full refresh of the same pack)")
    args = parser.parse_args()
    firms, cases, contacts = SIZES[args.size]
    data_dir = OUT / f"refresh-{args.size}"
    if not args.skip_generate:
        shutil.rmtree(data_dir, ignore_errors=True)
        t0 = time.perf_counter()
        generate(data_dir, firms, cases, contacts)
        print(f"generated {args.size} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    print(json.dumps(measure(data_dir, firms, cases, contacts, args.pack, args.incremental_only), indent=1))


if __name__ == "__main__":
    main()
