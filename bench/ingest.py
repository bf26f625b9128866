"""Ingest benchmark: one firm-month with 1M contacts, 100k cases and 150k payments, CSV and Parquet.

    python bench/ingest.py            # generate (once) into bench/out/, then 3 runs, medians
    python bench/ingest.py --rows 200000 --runs 1

Each measurement runs in its own subprocess so that its peak memory (ru_maxrss, which
counts DuckDB's native allocations, unlike tracemalloc) is its own. The baseline is a
plain DuckDB read of the same files into tables (CREATE TABLE AS SELECT * FROM read_...),
measured in the same run, alternating with the ingest, so that a busy moment of a shared
machine hits both. CPU seconds (user + system) are reported too: less sensitive to other
jobs on the machine than wall-clock time.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

OUT = Path(__file__).parent / "out"
TABLES = ("cases", "payments", "contacts")


def generate(folder: Path, contacts: int) -> None:
    """Valid synthetic data, written by DuckDB itself (no Python per-row work)."""
    cases, payments = contacts // 10, contacts * 15 // 100
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"""
        CREATE TABLE cases AS SELECT
            'C' || lpad(i::VARCHAR, 7, '0') AS case_ref,
            sha256('debtor' || i) AS debtor_ref,
            'LENDER' || (i % 40) AS creditor_ref,
            ['cash_loan', 'consumer_instalment', 'credit_card', 'auto_loan', 'small_business', 'other'][1 + i % 6] AS product,
            '320481' AS region_code,
            CASE WHEN i % 50 = 0 THEN 'Asia/Urumqi' END AS timezone,
            DATE '2026-01-01' + (i % 270)::INT AS placed_on,
            1 + i % 400 AS dpd_at_placement,
            round(1000 + (i % 997) * 37.5, 2) AS amount_placed,
            ['percentage', 'fixed', 'success'][1 + i % 3] AS fee_model,
            CASE WHEN i % 40 = 0 THEN 'true' ELSE 'false' END AS vulnerable,
            CASE WHEN i % 100 = 0 THEN DATE '2026-10-10' END AS hold_from,
            CASE WHEN i % 100 = 0 THEN DATE '2026-10-20' END AS hold_to,
            CASE WHEN i % 10 = 0 THEN 'settled' ELSE 'active' END AS status,
            CASE WHEN i % 10 = 0 THEN DATE '2026-10-28' END AS closed_on
        FROM range(1, {cases} + 1) t(i);
        CREATE TABLE payments AS SELECT
            'P' || lpad(i::VARCHAR, 7, '0') AS payment_ref,
            'C' || lpad((1 + i % {cases})::VARCHAR, 7, '0') AS case_ref,
            DATE '2026-10-01' + (i % 31)::INT AS paid_on,
            round(10 + (i % 300) * 0.5, 2) AS amount
        FROM range(1, {payments} + 1) t(i);
        CREATE TABLE contacts AS SELECT
            'K' || lpad(i::VARCHAR, 8, '0') AS contact_ref,
            'C' || lpad((1 + i % {cases})::VARCHAR, 7, '0') AS case_ref,
            strftime(TIMESTAMP '2026-10-01 08:00:00' + to_seconds((i * 7919) % (30 * 86400 + 12 * 3600)), '%Y-%m-%d %H:%M:%S') AS contact_at,
            ['call', 'call', 'sms', 'app_message', 'letter'][1 + i % 5] AS channel,
            CASE WHEN i % 9 = 0 THEN 'inbound' ELSE 'outbound' END AS direction,
            CASE WHEN i % 13 = 0 THEN 'emergency_contact' ELSE 'debtor' END AS party,
            CASE WHEN i % 5 IN (0, 1, 2) THEN sha256('number' || (i % 150000)) END AS number_ref,
            CASE WHEN i % 5 IN (0, 1) THEN CASE WHEN i % 3 = 0 THEN 'false' ELSE 'true' END END AS connected,
            CASE WHEN i % 5 IN (0, 1) THEN (i % 600)::VARCHAR END AS duration_s,
            'false' AS consented_time, 'false' AS debtor_unreachable, 'false' AS disclosed_debt,
            CASE WHEN i % 5 IN (0, 1) THEN 'true' END AS recorded,
            NULL::VARCHAR AS collectors_present
        FROM range(1, {contacts} + 1) t(i);
    """)
    for name in TABLES:
        con.execute(f"COPY {name} TO '{folder / (name + '.csv')}' (HEADER)")
        con.execute(f"COPY {name} TO '{folder / (name + '.parquet')}'")  # typed columns, as a firm's tool would write
    (folder / "rows.json").write_text(json.dumps({"cases": cases, "payments": payments, "contacts": contacts}))


def child(kind: str, fmt: str, folder: Path) -> dict:
    """One measurement, in this (child) process."""
    files = [folder / f"{name}.{fmt}" for name in TABLES]
    start = time.perf_counter()
    if kind == "plain":
        con = duckdb.connect()
        reader = "read_csv" if fmt == "csv" else "read_parquet"
        for f in files:
            con.execute(f"CREATE TABLE {f.stem} AS SELECT * FROM {reader}('{f}')")
        status = "read"
    else:
        from industry_metrics import ingest

        data = folder / f"data-{fmt}"
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir()
        (data / "firms.csv").write_text("firm_id,name_zh,name_en,licence_no,region_code,size_band,joined_on,active\n"
                                        "FA,甲,Firm A,L-1,320481,large,2024-01-01,true\n", encoding="utf-8")
        result = ingest.ingest(data, "FA", "2026-10", files, confirm=True)
        status = result.status
        if status != "accepted":
            raise SystemExit(json.dumps(result.report["findings"], ensure_ascii=False)[:2000])
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # the peak of this whole process, native DuckDB memory included (Linux reports KiB)
    return {"seconds": seconds, "status": status, "peak_rss_mb": usage.ru_maxrss / 1024, "cpu": usage.ru_utime + usage.ru_stime}


def measure(kind: str, fmt: str, folder: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", kind, fmt, "--folder", str(folder)], capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"{kind} {fmt} failed:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000, help="contact rows (cases = rows/10, payments = 15%%)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the medians are reported")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FORMAT"))
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child, args.folder)))
        return
    folder = OUT / f"fa-{args.rows}"
    if not (folder / "rows.json").exists():
        generate(folder, args.rows)
    rows = sum(json.loads((folder / "rows.json").read_text()).values())
    print(f"{rows:,} rows in {', '.join(TABLES)}; one subprocess per measurement; medians of {args.runs} runs")
    print("| format | plain DuckDB read | ingest (validate + store) | ratio | ingest rows/s | CPU s plain / ingest | peak RSS plain / ingest |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for fmt in ("csv", "parquet"):
        runs = [(measure("plain", fmt, folder), measure("ingest", fmt, folder)) for _ in range(args.runs)]
        plain = {k: statistics.median(p[k] for p, _ in runs) for k in ("seconds", "cpu", "peak_rss_mb")}
        ing = {k: statistics.median(i[k] for _, i in runs) for k in ("seconds", "cpu", "peak_rss_mb")}
        print(f"| {fmt} | {plain['seconds']:.2f} s | {ing['seconds']:.2f} s | {ing['seconds'] / plain['seconds']:.1f}x "
              f"| {rows / ing['seconds']:,.0f} | {plain['cpu']:.2f} / {ing['cpu']:.2f} "
              f"| {plain['peak_rss_mb']:,.0f} MB / {ing['peak_rss_mb']:,.0f} MB |", flush=True)


if __name__ == "__main__":
    main()
