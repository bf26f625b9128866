"""Injection strings from tests/corpus against every input a person controls: URL parameters, filters, CLI options.

Each must end in the default view, a refusal, or a clear error, never an exception and never
another firm's data. No SQL is built from these strings anywhere (values are bound).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from industry_metrics import auth, paths, registry
from industry_metrics.cli import main

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [line for line in (ROOT / "tests/corpus/injection.txt").read_text(encoding="utf-8").splitlines() if line]
URL_PARAMS = ("firm", "period", "grain", "pack", "peer", "lang")


@pytest.fixture(scope="module")
def demo_dir(small_demo):
    return small_demo[0]


def test_hostile_url_parameters_never_break_a_page_or_leak(demo_dir, monkeypatch):
    monkeypatch.setenv(paths.ENV_VAR, str(demo_dir))
    others = [f for f in registry.load(demo_dir).values() if f.firm_id != "F003"]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.text_input(key="signin_user").input("f003")
    at.text_input(key="signin_password").input(auth.demo_credentials(demo_dir)["f003"])
    at.button[0].click().run()
    for value in CORPUS:
        for param in URL_PARAMS:
            at.query_params[param] = value
        for page in ("scorecard", "benchmark", "conduct"):
            at.switch_page(f"app_pages/{page}.py").run()
            assert not at.exception, (value, page, [e.value for e in at.exception])
            shown = " ".join(str(e.value) for e in at.dataframe) + " ".join(str(e.value) for e in at.markdown)
            assert not any(o.firm_id in shown for o in others), (value, page)


@pytest.mark.parametrize("value", CORPUS)
def test_hostile_cli_options_get_clear_errors(demo_dir, value, tmp_path):
    runner = CliRunner()
    args = ["--data-dir", str(demo_dir)]
    metrics = runner.invoke(main, ["metrics", "--period", value, *args])
    assert metrics.exit_code == 2 and "Error" in metrics.output
    if value != "ALL":  # ALL is the industry's own id, legitimately readable on the CLI (staff's tool)
        firm = runner.invoke(main, ["metrics", "--period", "2026-10", "--firm", value, *args])
        assert firm.exit_code == 0 and firm.output.count("\n") == 1  # only the header: no firm has that id
    ingest = runner.invoke(main, ["ingest", "--firm", value, "--period", value, str(tmp_path / "cases.csv"), "--data-dir", str(tmp_path)])
    assert ingest.exit_code == 1 and ("S01" in ingest.output or "S03" in ingest.output)
