"""The demo industry: deterministic synthetic member firms with realistic behaviour and misconduct."""

from .behaviour import SCENARIOS, Scenario
from .build import DEFAULT_CASES, MANIFEST, DemoError, build, ensure_demo

__all__ = ["SCENARIOS", "Scenario", "DEFAULT_CASES", "MANIFEST", "DemoError", "build", "ensure_demo"]
