"""A real browser: `streamlit run app.py` driven by Playwright with Debian's chromium (never `playwright install`).

Signs in as a firm, switches language, opens Benchmark, downloads its CSV and checks it,
and saves a screenshot of every page under test-output/. Any Streamlit exception box or
browser console error fails the test.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from industry_metrics import auth, i18n, registry

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
OUT = ROOT / "test-output" / "browser"

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(small_demo):
    port = free_port()
    env = {**os.environ, "INDUSTRY_METRICS_DATA_DIR": str(small_demo[0])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield url, small_demo[0]
    proc.terminate()
    proc.wait(timeout=20)


def test_a_firm_signs_in_switches_language_and_downloads_its_benchmark(server):
    from playwright.sync_api import sync_playwright

    url, data_dir = server
    OUT.mkdir(parents=True, exist_ok=True)
    password = auth.demo_credentials(data_dir)["f003"]
    others = [f for f in registry.load(data_dir).values() if f.firm_id != "F003"]
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{url}/?lang=zh", wait_until="networkidle")
        page.get_by_label(i18n.t("signin.username", "zh")).fill("f003")
        page.get_by_role("textbox", name=i18n.t("signin.password", "zh")).fill(password)
        page.get_by_role("button", name=i18n.t("signin.submit", "zh")).click()
        page.get_by_role("heading", name=i18n.t("scorecard.title", "zh")).wait_for(timeout=60_000)
        page.screenshot(path=str(OUT / "scorecard-zh.png"))

        page.get_by_text("English", exact=True).click()
        page.get_by_role("heading", name=i18n.t("scorecard.title", "en")).wait_for(timeout=60_000)
        for name in ("benchmark", "submissions", "standards", "scorecard", "benchmark"):
            page.get_by_role("link", name=i18n.t(f"nav.{name}", "en")).click()
            page.get_by_role("heading", name=i18n.t(f"{name}.title", "en")).wait_for(timeout=60_000)
            page.wait_for_timeout(1500)
            assert page.locator('[data-testid="stException"]').count() == 0, name
            page.screenshot(path=str(OUT / f"{name}-en.png"), full_page=True)

        with page.expect_download() as download:
            page.get_by_role("button", name=i18n.t("benchmark.download", "en")).click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        browser.close()
    shutil.copy(OUT / "benchmark-en.png", OUT / "last.png")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and rows[0].keys() >= {"metric_id", "value", "median", "p25", "p75", "contributors", "suppressed"}
    assert {r["metric_id"] for r in rows} >= {"V1", "V2", "C1"}
    assert not any(o.firm_id in text or o.name_en in text for o in others)
    assert errors == []
