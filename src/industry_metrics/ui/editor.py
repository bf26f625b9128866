"""Staff edits of the standards register: thresholds changed in the app become a new, audited version."""

from __future__ import annotations

import copy
from pathlib import Path

import polars as pl

from .. import audit, standards
from ..auth import Identity


def save_thresholds(data_dir: Path, register: standards.Register, pack: str, edited: pl.DataFrame, version: str,
                    who: Identity) -> Path:
    """Apply edited meets/watch/min_volume to one pack and keep the result as register `version`.

    The whole register is validated again (wrong order, negative volumes ... are refused with the
    standard and field named); the earlier versions stay on disk, and the edit is audited.
    """
    raw = copy.deepcopy(standards.to_raw(register))
    if not version:
        raise ValueError("version")  # the page asks for one before calling
    raw["version"] = version
    changes = {}
    by_id = {r["id"]: r for r in edited.iter_rows(named=True)}
    for std in raw["packs"][pack]["standards"]:
        row = by_id.get(std["id"])
        if row is None:
            continue
        new = {"meets": float(row["meets"]), "watch": float(row["watch"])}
        if new != {k: float(v) for k, v in std["thresholds"].items()} or float(row["min_volume"]) != float(std["min_volume"]):
            changes[std["id"]] = {"from": {**std["thresholds"], "min_volume": std["min_volume"]}, "to": {**new, "min_volume": row["min_volume"]}}
        std["thresholds"] = new
        std["min_volume"] = float(row["min_volume"])
    path = standards.save_version(data_dir, raw)
    audit.record(data_dir, who.username, "register_edit", f"{pack} {version}", role=who.role, details={"changes": changes})
    return path
