"""The CLI's commands: every module here named *_cmd.py exports `commands`, a list of click commands."""

from __future__ import annotations

import importlib
import pkgutil


def discover() -> list:
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.endswith("_cmd"):
            found += importlib.import_module(f"{__name__}.{info.name}").commands
    return found
