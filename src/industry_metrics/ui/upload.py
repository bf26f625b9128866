"""A firm's upload: files go through exactly the CLI's ingest path; the report is shown as a table."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import polars as pl

from .. import audit, i18n, ingest, pipeline, sources
from ..auth import Identity

SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")
APP_LIMITS = sources.Limits(max_file_bytes=200 << 20, max_xlsx_unpacked_bytes=1 << 30)


def save_uploads(files) -> Path:
    """Uploaded files into a private temp folder under safe names (a name is user input, never a path)."""
    folder = Path(tempfile.mkdtemp(prefix="im-upload-"))
    for f in files:
        name = SAFE_NAME.sub("_", Path(f.name).name)[:120] or "upload"
        (folder / name).write_bytes(f.getbuffer())
    return folder


def submit(data_dir: Path, who: Identity, period: str, folder: Path, confirm: bool) -> ingest.IngestResult:
    files = sorted(folder.iterdir())
    result = ingest.ingest(data_dir, who.firm_id, period, files, confirm=confirm, limits=APP_LIMITS, submitted_by=who.username)
    audit.record(data_dir, who.username, f"submission_{result.status}", f"{who.firm_id} {period}", role=who.role,
                 firm_id=who.firm_id, details={"confirmed": confirm, "files": [f.name for f in files]})
    if result.status == "accepted":
        pipeline.after_submission(data_dir, result.record)
    return result


def report_table(report: dict, lang: str) -> pl.DataFrame:
    message = "message_zh" if lang == "zh" else "message"
    return pl.DataFrame({
        "rule": [f["rule"] for f in report["findings"]],
        "severity": [f["severity"] for f in report["findings"]],
        "table": [f["table"] for f in report["findings"]],
        "row": [f["row"] for f in report["findings"]],
        "column": [f["column"] for f in report["findings"]],
        "count": [f["count"] for f in report["findings"]],
        "message": [f[message] for f in report["findings"]],
    }, schema={"rule": pl.String, "severity": pl.String, "table": pl.String, "row": pl.Int64, "column": pl.String,
               "count": pl.Int64, "message": pl.String}).rename(
        {k: i18n.t(f"upload.col_{k}", lang) for k in ("rule", "severity", "table", "row", "column", "count", "message")})
