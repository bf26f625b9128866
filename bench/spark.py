"""Full metric refresh on DuckDB and on local Spark, side by side, at several industry scales.

    python bench/spark.py --scale 0.05 --scale 0.2            # generate (bench/refresh.py's generator), measure both
    python bench/spark.py --scale 1 --skip-generate            # S itself (100 firms, 1M cases, 20M contacts)
    python bench/spark.py --scale 5                            # M (5M cases, 100M contacts)

A scale is a fraction of S: 100 firms always, cases and contacts times the scale, months
2025-11..2026-10 (20 periods with quarters and years). Each engine runs `refresh.full` in its own
subprocess; a sampler reads /proc every 0.25 s for that process and all its descendants (the JVM
is a child of the Python process): peak RSS = the largest sum over the tree, CPU = user + system
seconds summed over every process seen. Spark runs in local[2] with 8 shuffle partitions and a
2 GB driver (the refresh defaults); the JVM start is reported on its own. The load average before
and after each run is recorded: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from refresh import OUT, SIZES, generate  # noqa: E402  (bench/refresh.py: the same generator as the DuckDB benchmark)

CHILD = """
import json, sys, time
t0 = time.perf_counter()
from industry_metrics import refresh
engine = sys.argv[1]
start = 0.0
if engine == "spark":
    from industry_metrics.spark import session
    session.get()
    start = time.perf_counter() - t0
cat = refresh.full(sys.argv[2], engine=engine)
print(json.dumps({"seconds": time.perf_counter() - t0, "session_start_s": start, "periods": len(cat["recomputed"])}))
"""
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree(root: int) -> list[int]:
    """root and its descendants, from /proc/*/stat parent ids."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                parents.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                continue
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def _sample(pid: int) -> tuple[int, dict[int, float]]:
    rss, cpu = 0, {}
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            cpu[p] = (int(fields[11]) + int(fields[12])) / TICK
            rss += int(fields[21]) * PAGE
        except OSError:
            continue
    return rss, cpu


def run(engine: str, data_dir: Path) -> dict:
    """One refresh in a subprocess: its JSON line plus wall seconds, CPU seconds and peak RSS of the tree."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, engine, str(data_dir)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    peak, cpu, stop = [0], {}, threading.Event()

    def sampler() -> None:
        while not stop.is_set():
            rss, seen = _sample(proc.pid)
            peak[0] = max(peak[0], rss)
            cpu.update(seen)
            time.sleep(0.25)

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    out, _ = proc.communicate()
    stop.set()
    thread.join()
    if proc.returncode:
        raise RuntimeError(f"{engine} refresh failed ({proc.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    return {**result, "wall_s": round(time.perf_counter() - t0, 1), "cpu_s": round(sum(cpu.values()), 1),
            "peak_rss_mb": round(peak[0] / 2**20), "load_before": [round(x, 1) for x in load_before],
            "load_after": [round(x, 1) for x in os.getloadavg()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, action="append", help="fraction of S (repeatable); default 0.05 and 0.2")
    parser.add_argument("--engine", action="append", choices=["duckdb", "spark"], help="default: both")
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args()
    firms, cases, contacts = SIZES["S"]
    results = []
    for scale in args.scale or [0.05, 0.2]:
        data_dir = OUT / f"spark-{scale:g}"
        n_cases, n_contacts = int(cases * scale), int(contacts * scale)
        if not args.skip_generate:
            shutil.rmtree(data_dir, ignore_errors=True)
            t0 = time.perf_counter()
            generate(data_dir, firms, n_cases, n_contacts)
            print(f"generated scale {scale:g} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        for engine in args.engine or ["duckdb", "spark"]:
            row = {"scale": scale, "cases": n_cases, "contacts": n_contacts, "engine": engine, **run(engine, data_dir)}
            print(json.dumps(row), flush=True)
            results.append(row)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
