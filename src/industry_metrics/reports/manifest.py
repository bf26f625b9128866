"""manifest.json: what a pack was made from and the sha256 of every file in it.

It names the submissions used (ids, versions, sha256 of each stored table), the standards
register (version and content hash), the code (package version and git commit), the Access
reads with their parameters and the SQL files behind them (with their sha256), the metric
parameters, the suppression log, and each file's sha256 and size. `generated_at` is the only
field that differs between two runs over the same snapshot, register and code.
"""

from __future__ import annotations

import functools
import hashlib
import json
import subprocess
from pathlib import Path

from .. import __version__, queries
from ..store import sha256_file
from .model import Pack

FILE_NAME = "manifest.json"
SCHEMA = "industry-metrics/report-pack/1"
# the SQL behind the figures: the metric engine's staging and metric families, and the event queries the pack reads
SQL_FOLDERS = ("staging", "metrics")
EVENT_QUERIES = ("events/fee_mix", "events/first_contact", "events/process_stages")


@functools.lru_cache(maxsize=1)
def git_commit() -> str | None:
    """The commit of the checkout the code runs from, or None outside git (an installed wheel, no git binary)."""
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parent, capture_output=True,
                              text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) == 40 else None


def code_version() -> str:
    """'<package version>+g<commit>' in a checkout, the package version alone elsewhere."""
    commit = git_commit()
    return f"{__version__}+g{commit[:12]}" if commit else __version__


def sql_files() -> list[dict]:
    """Name and sha256 of each SQL file the pack's figures come from (text as stored, so an edit changes it)."""
    names = [n for n in queries.all_names() if n.split("/")[0] in SQL_FOLDERS] + list(EVENT_QUERIES)
    out = []
    for name in sorted(names):
        text = queries.load(name).sql
        out.append({"name": name, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
    return out


def build(pack: Pack, folder: Path, files: list[Path], metric_params: dict, metric_engine: str = "duckdb") -> dict:
    """The manifest's content for a pack whose files are written under `folder`."""
    prov = pack.provenance
    return {
        "schema": SCHEMA,
        "generated_at": pack.generated_at,
        "pack": {"audience": pack.audience, "firm_id": pack.firm_id, "period": pack.period, "lang": pack.lang,
                 "title": pack.title, "snapshot_id": pack.snapshot_id, "standards_pack": prov.get("standards_pack")},
        "register": {"version": pack.register_version, "hash": pack.register_hash},
        "code": {"version": pack.code_version, "package_version": __version__, "git_commit": git_commit()},
        "submissions": prov.get("submissions", []),
        "queries": {"reads": prov.get("reads", []), "sql": sql_files(), "metric_params": metric_params,
                    "metric_engine": metric_engine},
        "suppression_log": prov.get("suppression_log", []),
        "files": {p.relative_to(folder).as_posix(): {"sha256": sha256_file(p), "bytes": p.stat().st_size}
                  for p in sorted(files, key=lambda p: p.relative_to(folder).as_posix())},
    }


def write(manifest: dict, folder: Path) -> Path:
    path = folder / FILE_NAME
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def verify(folder: Path) -> list[str]:
    """The files whose bytes no longer match the manifest (missing ones included); empty when the pack is whole."""
    manifest = json.loads((Path(folder) / FILE_NAME).read_text(encoding="utf-8"))
    bad = []
    for rel, entry in manifest["files"].items():
        path = Path(folder) / rel
        if not path.exists() or sha256_file(path) != entry["sha256"]:
            bad.append(rel)
    return bad
