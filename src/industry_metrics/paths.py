"""Where data lives: one setting, so industries, tests and benchmarks never share a store by accident."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "INDUSTRY_METRICS_DATA_DIR"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = PROJECT_ROOT / "data" / "demo"
QUERIES_DIR = PROJECT_ROOT / "queries"
REGISTER_FILE = PROJECT_ROOT / "data" / "standards.toml"


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data directory: the explicit value, else $INDUSTRY_METRICS_DATA_DIR, else data/demo."""
    chosen = explicit or os.environ.get(ENV_VAR) or DEFAULT_DATA_DIR
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
