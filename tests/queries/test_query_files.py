"""Every staging and metric SQL file has its header and a given-rows test in this folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from industry_metrics import metrics, queries

HERE = Path(__file__).parent
NAMES = [n for n in queries.all_names() if n.startswith(("staging/", "metrics/"))]


@pytest.mark.parametrize("name", NAMES)
def test_header_and_test(name):
    query = queries.load(name)
    assert set(queries.HEADER_FIELDS) <= set(query.header), f"{name}: header needs {queries.HEADER_FIELDS}"
    stem = name.split("/")[1]
    test_file = HERE / (f"test_{stem}_sql.py" if name.startswith("metrics/") else "test_staging_sql.py")
    assert test_file.exists(), f"{name} has no test file {test_file.name}"
    if name.startswith("staging/"):
        assert f"stg_{stem}" in test_file.read_text(encoding="utf-8"), f"{name}: no check of stg_{stem}"


def test_params_are_named_after_their_metric():
    for name in NAMES:
        for param in set(queries.load(name).params) - set(metrics.ENGINE_PARAMS):
            metric = param.split("_")[0].upper()
            assert metric in metrics.DEFAULT_PARAMS, f"{name}: ${param} is not <metric>_<key>"
