"""Report pack benchmark: a regulator pack at scale S, and every member pack of the demo industry.

    python bench/report.py regulator --size S      # generate S once into bench/out/report-S (bench/refresh.py's
                                                   # generator), materialise its metrics, then time the pack
    python bench/report.py regulator --size S --skip-generate
    python bench/report.py members                 # the 30-firm demo (3 months) into bench/out/report-demo, then
                                                   # time all member packs (--formats to choose; default all)

Each measurement runs in a fresh interpreter, so its wall time, CPU time (user + system) and
peak RSS (ru_maxrss) are its own; the load average before and after is printed beside it,
because the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
OUT = Path(__file__).parent / "out"
PERIOD = "2026-10"


def measure(code: str) -> dict:
    """Run code in a fresh interpreter (it sets `result`); wall, CPU and peak RSS of that process alone."""
    wrapper = ("import json, resource, time\nt0 = time.perf_counter()\n" + code + "\n"
               "u = resource.getrusage(resource.RUSAGE_SELF)\n"
               "c = resource.getrusage(resource.RUSAGE_CHILDREN)\n"  # a burst's worker processes (and its browsers)
               "print(json.dumps({'wall_s': round(time.perf_counter() - t0, 1), 'cpu_s': round(u.ru_utime + u.ru_stime, 1), "
               "'children_cpu_s': round(c.ru_utime + c.ru_stime, 1), 'peak_mb': round(u.ru_maxrss / 1024), "
               "'peak_child_mb': round(c.ru_maxrss / 1024), **result}))")
    load_before = os.getloadavg()
    done = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {**figures, "load_before": [round(x, 1) for x in load_before], "load_after": [round(x, 1) for x in os.getloadavg()]}


def regulator(size: str, skip_generate: bool, formats: str) -> dict:
    from refresh import SIZES, generate  # bench/refresh.py: the vectorised S/M generator

    data_dir = OUT / f"report-{size}"
    out = {}
    if not skip_generate:
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)
        t0 = time.perf_counter()
        generate(data_dir, *SIZES[size])
        out["generate_s"] = round(time.perf_counter() - t0)
    out["refresh"] = measure(f"""
from industry_metrics import pipeline
cat = pipeline.ensure_metrics({str(data_dir)!r})
result = {{'snapshot': cat['store_snapshot'] if cat else None}}""")
    out["regulator_pack"] = measure(f"""
from pathlib import Path
from industry_metrics.access import Audience
from industry_metrics.reports import run
folder = run.write_pack(Path({str(data_dir)!r}), Audience('regulator'), {PERIOD!r}, {formats!r}, 'zh', Path({str(OUT / 'packs')!r}))
result = {{'folder': str(folder), 'bytes': sum(p.stat().st_size for p in folder.rglob('*') if p.is_file())}}""")
    return out


def members(formats: str) -> dict:
    data_dir = OUT / "report-demo"
    out = {}
    if not (data_dir / "demo.json").exists():
        out["demo"] = measure(f"""
from industry_metrics import demo
demo.build({str(data_dir)!r}, firms=30, months=3, cases=3000, seed=7, end_period={PERIOD!r}, fmt='mixed', workers=2)
result = {{}}""")
    out["member_packs"] = measure(f"""
from pathlib import Path
from industry_metrics.reports import run
folders = run.write_member_packs(Path({str(data_dir)!r}), {PERIOD!r}, {formats!r}, 'zh', Path({str(OUT / 'member-packs')!r}), workers=run.BURST_WORKERS)
result = {{'packs': len(folders), 'formats': {formats!r}}}""")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["regulator", "members"])
    parser.add_argument("--size", choices=["S", "M"], default="S")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--formats", default="pdf,xlsx,csv,parquet")
    args = parser.parse_args()
    result = regulator(args.size, args.skip_generate, args.formats) if args.what == "regulator" else members(args.formats)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
