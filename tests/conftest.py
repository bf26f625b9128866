"""Shared fixtures: every test gets its own data directory, never the demo's."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from industry_metrics import paths

REGISTRY_ROWS = [
    ("FA", "甲催收公司", "Firm A Collections", "L-0001", "320481", "small", "2024-01-01", "true"),
    ("FB", "乙催收公司", "Firm B Collections", "L-0002", "110105", "medium", "2024-01-01", "true"),
    ("FC", "丙催收公司", "Firm C Collections", "L-0003", "440305", "large", "2024-01-01", "true"),
    ("FX", "停业公司", "Inactive Firm", "L-0009", "310101", "small", "2020-01-01", "false"),
]


# The shared test industry: every test module that needs a whole demo reads this one (built once).
DEMO_SIZE = dict(firms=30, months=3, cases=3000, seed=7, end_period="2026-10", fmt="mixed")


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory) -> tuple[Path, dict]:
    """A 30-firm, 3-month demo industry with its metrics materialised; do not write to it."""
    from industry_metrics import demo

    data_dir = tmp_path_factory.mktemp("demo")
    return data_dir, demo.build(data_dir, workers=2, **DEMO_SIZE)


@pytest.fixture(autouse=True)
def _no_shared_store(monkeypatch, tmp_path_factory):
    """No test may fall back to the default data/demo store by accident."""
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path_factory.mktemp("default-data-dir")))
    # no background warm-up of the page caches racing the tests' own reads (tests/test_warm.py turns it on)
    monkeypatch.setenv("INDUSTRY_METRICS_WARM", "0")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh data directory with a small firm registry (FA, FB, FC active; FX inactive)."""
    root = tmp_path / "data"
    root.mkdir()
    with open(root / "firms.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["firm_id", "name_zh", "name_en", "licence_no", "region_code", "size_band", "joined_on", "active"])
        writer.writerows(REGISTRY_ROWS)
    return root
