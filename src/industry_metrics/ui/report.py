"""The Reports page's helpers: the pack built once per audience x snapshot x period x language, its tables
in words for the screen, its files zipped for download, and the download audited."""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from pathlib import Path

import polars as pl
import streamlit as st

from .. import audit
from ..access import Audience
from ..reports import run
from ..reports.model import Pack, Section
from . import data

HELPER_COLUMNS = ("fmt",)  # a row's unit kind: for writers, not for reading


def pack(audience: Audience, snapshot_id: int, period: str, lang: str, pack_name: str) -> Pack:
    return _pack(str(data.data_dir()), audience.role, audience.firm_id, snapshot_id, period, lang, pack_name)


@st.cache_data(show_spinner=False, max_entries=16)
def _pack(root: str, role: str, firm_id: str | None, snapshot_id: int, period: str, lang: str, pack_name: str) -> Pack:
    # the audience's role and firm are part of the cache key: one audience's pack is never served to another
    return run.build_pack(Path(root), Audience(role, firm_id), period, lang, snapshot_id, pack_name)


def shown(section: Section) -> pl.DataFrame:
    """The section as the reader sees it: codes in words, suppressed cells with their reason, header words."""
    reasons = section.labels.get("suppressed", {})
    columns = [c for c in section.frame.columns if c not in HELPER_COLUMNS]
    rows = []
    for row in section.frame.iter_rows(named=True):
        out = []
        for c in columns:
            value = row[c]
            if row.get("suppressed") and c in section.suppressed_columns:
                value = reasons.get(row["suppressed"], row["suppressed"])
            elif c in section.labels and value is not None:
                value = section.labels[c].get(value, value)
            out.append("" if value is None else str(value))
        rows.append(out)
    return pl.DataFrame(rows, schema=[section.headers.get(c, c) for c in columns], orient="row")


def make_zip(built: Pack, formats: list[str]) -> tuple[str, bytes]:
    """Write the pack's files through run.write (as the CLI does) and zip the folder with fixed entry times."""
    with tempfile.TemporaryDirectory(prefix="im-report-") as work:
        folder = run.write(built, formats, Path(work), data.data_dir())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        return f"{folder.name}.zip", buffer.getvalue()


def audited_download(who, name: str, payload: bytes, built: Pack, formats: list[str]) -> None:
    """on_click of the download button: who took which pack, in which formats, and the zip's sha256."""
    audit.record(data.data_dir(), who.username, "report_download", name, role=who.role, firm_id=who.firm_id,
                 details={"audience": built.audience, "firm": built.firm_id, "period": built.period,
                          "snapshot": built.snapshot_id, "formats": formats, "sha256": hashlib.sha256(payload).hexdigest()})
