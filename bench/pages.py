"""Page render benchmark: every dashboard page as every audience, server time per page, cold and warm.

    python bench/pages.py --data-dir bench/out/pages-S            # staff, the first firm, the regulator
    python bench/pages.py --data-dir DIR --users staff,f007 --runs 3

The data dir is a demo store (`industry-metrics demo ... --data-dir DIR`), whose demo accounts
sign in. Each page is run through Streamlit's AppTest (the same script run a browser session
gets, minus the websocket): "cold" first clears st.cache_data, so the page pays for every read
it makes; "warm" is the median of the next `--runs` runs of the same page (its cache filled).
The load average is printed before and after: on a shared machine it says how far to trust
the times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def signed_in(user: str, password: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    at.query_params["lang"] = "en"
    at.run()
    at.text_input(key="signin_user").input(user)
    at.text_input(key="signin_password").input(password)
    at.button[0].click().run()
    if at.exception:
        raise SystemExit(f"{user}: sign-in failed: {[e.value for e in at.exception]}")
    return at


def timed(at, page: str | None = None) -> float:
    start = time.perf_counter()
    (at.switch_page(f"app_pages/{page}.py") if page else at).run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"{page}: {[e.value for e in at.exception]}")
    return elapsed


def measure(data_dir: Path, users: list[str], runs: int) -> list[tuple[str, str, float, float]]:
    import streamlit as st

    from industry_metrics import auth

    passwords = auth.demo_credentials(data_dir)
    pages = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py"))
    rows = []
    for user in users:
        at = signed_in(user, passwords[user])
        for page in pages:
            st.cache_data.clear()
            try:
                cold = timed(at, page)
            except ValueError:  # not in this audience's navigation
                continue
            warm = statistics.median(timed(at) for _ in range(runs))
            rows.append((user, page, cold, warm))
            print(f"{user:10s} {page:12s} cold {cold:6.2f} s  warm {warm:6.2f} s", file=sys.stderr, flush=True)
            if page == "reports":  # the pack is built when asked for: time the preview click too, cold and warm
                st.cache_data.clear()
                at.button(key="report_show").click()
                cold = timed(at)
                warm = statistics.median(timed(at) for _ in range(runs))
                rows.append((user, "reports, preview", cold, warm))
                print(f"{user:10s} {'preview':12s} cold {cold:6.2f} s  warm {warm:6.2f} s", file=sys.stderr, flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--users", default="", help="comma-separated demo users (default: staff, the first firm, regulator)")
    parser.add_argument("--runs", type=int, default=2, help="warm runs per page (median)")
    args = parser.parse_args()
    os.environ["INDUSTRY_METRICS_DATA_DIR"] = str(args.data_dir.resolve())
    os.environ["INDUSTRY_METRICS_WARM"] = "0"  # cold = what a viewer pays with no warm-up ahead of it (ui/warm.py)
    from industry_metrics import auth

    accounts = auth.demo_credentials(args.data_dir)
    firms = sorted(u for u in accounts if u not in ("staff", "regulator"))
    users = args.users.split(",") if args.users else ["staff", firms[0], "regulator"]
    print(f"load average before: {load()}", flush=True)
    rows = measure(args.data_dir, users, args.runs)
    print(f"load average after: {load()}\n")
    print("| audience | page | cold (cache cleared) | warm (median of %d) |" % args.runs)
    print("| --- | --- | --- | --- |")
    for user, page, cold, warm in rows:
        print(f"| {user} | {page} | {cold:.2f} s | {warm:.2f} s |")


if __name__ == "__main__":
    main()
