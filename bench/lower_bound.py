"""What two metrics alone cost at industry scale: V2 and V3, each as one query over the whole store, and V2 as the
refresh counts it. A lower bound for any full refresh of the catalogue on this machine, whatever its design.

    python bench/lower_bound.py --data-dir bench/out/refresh-M     # after bench/refresh.py --size M has generated M

V2 (spec/metrics.md) orders every connected debtor call per (debtor, creditor, local day) across all firms; V3 counts the
unanswered calls per (firm, number, local day). Both group tens of millions of calls by 64-character HMAC tokens
(debtor_ref from the case rows, number_ref from the contacts), which no refresh can avoid reading. The "plain" queries
are the definitions written as directly as SQL allows, run with 2 threads and no memory cap (no batching, no
spilling); "as the refresh counts it" is metrics._v2_excess_of_month over every month, the hashed-prefilter form the
product runs under its 2 GB cap (the script checks that both count the same excess calls). The caps are the cn pack's
defaults (metrics.DEFAULT_PARAMS). Each measurement runs in its own subprocess, so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from refresh import _measure  # bench/refresh.py: the subprocess, CPU and peak-memory harness

from industry_metrics.metrics import DEFAULT_PARAMS

V2_CAP, V3_CAP = DEFAULT_PARAMS["V2"]["cap"], DEFAULT_PARAMS["V3"]["cap"]
PLAIN = {
    "raw scan of V2's columns": """
        select * from
            (select max(contact_ref), max(case_ref), max(contact_at), max(contact_at_utc), count(*) from contacts
             where direction = 'outbound' and channel = 'call' and connected and party = 'debtor'),
            (select max(case_ref), max(debtor_ref), max(creditor_ref), count(*) from cases)""",
    "raw scan of V3's columns": """
        select max(number_ref), max(contact_at), count(*) from contacts
        where direction = 'outbound' and channel = 'call' and not coalesce(connected, false)""",
    "V3, plain": f"""
        select firm_id, period, sum(greatest(calls - {V3_CAP}, 0)) from (
            select firm_id, period, number_ref, cast(contact_at as date) as day, count(*) as calls from contacts
            where direction = 'outbound' and channel = 'call' and not coalesce(connected, false)
            group by all)
        group by all""",
    "V2, plain": f"""
        with calls as (
            select k.firm_id, k.period, k.contact_ref, k.contact_at_utc, c.debtor_ref, c.creditor_ref,
                   cast(k.contact_at as date) as day
            from contacts as k
            join cases as c on c.firm_id = k.firm_id and c.period = k.period and c.case_ref = k.case_ref
            where k.direction = 'outbound' and k.channel = 'call' and k.connected and k.party = 'debtor')
        select firm_id, period, count(*) from (
            select firm_id, period, row_number() over (partition by debtor_ref, creditor_ref, day
                                                       order by contact_at_utc, firm_id, contact_ref) as n
            from calls)
        where n > {V2_CAP} group by all""",
}
REFRESH_V2 = "V2 as the refresh counts it, month by month"

def measure(data_dir: Path, name: str, sql: str) -> dict:
    """One query (or, with no sql, V2 as the refresh counts it) in its own interpreter, timed by refresh.py's harness;
    result: the rows returned and the sum of their last column (a scan's rows read, or the excess calls counted)."""
    if sql:
        code = f"""
from industry_metrics import reader
from industry_metrics.store import Store
con = reader.connect(Store({str(data_dir)!r}).snapshot())
for setting in ("threads = 2", "memory_limit = '20GB'", "preserve_insertion_order = false"):
    con.execute("SET " + setting)
start()
found = con.sql({sql!r}).fetchall()
result = {{'rows': len(found), 'total': int(sum(r[-1] for r in found))}}"""
    else:
        code = f"""
from industry_metrics import metrics
from industry_metrics.store import Store
snapshot = Store({str(data_dir)!r}).snapshot()
resolved = metrics.bound(metrics.resolve_params(None))
start()
found = [metrics._v2_excess_of_month(snapshot, m, resolved) for m in sorted(snapshot.periods())]
result = {{'rows': sum(f.height for f in found), 'total': int(sum(f['excess'].sum() for f in found))}}"""
    return {"name": name, **_measure(code)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()
    print(f"{'query':46s} {'wall s':>7s} {'CPU s':>7s} {'peak MB':>8s} {'rows':>6s}  result")
    found = {}
    for name, sql in [*PLAIN.items(), (REFRESH_V2, "")]:
        r = found[name] = measure(args.data_dir, name, sql)
        print(f"{name:46s} {r['seconds']:7.1f} {r['cpu_seconds']:7.1f} {r['peak_mb']:8.0f} {r['rows']:6d}  {r['total']}", flush=True)
    # the plain V2 is the definition as written: the refresh's form must count the same excess calls
    if (found["V2, plain"]["rows"], found["V2, plain"]["total"]) != (found[REFRESH_V2]["rows"], found[REFRESH_V2]["total"]):
        sys.exit("V2 differs between the plain query and the refresh's form")


if __name__ == "__main__":
    main()
