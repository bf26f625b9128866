"""Cached reads for the pages, all through access.Access.

Each cached function takes the data dir, the audience's role and firm and the snapshot id as
arguments, so the cache key always includes store, audience, firm and snapshot: a figure cached
for one firm can never be served to another.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st

from .. import paths, standards
from ..access import Access, Audience
from ..store import Store


def data_dir() -> Path:
    return paths.data_dir()


def latest_snapshot() -> int:
    return Store(data_dir()).snapshot().id


def access(audience: Audience, snapshot_id: int, root: str | None = None) -> Access:
    root = Path(root) if root else data_dir()
    naming = standards.load(root).disclosure.regulator_firm_naming
    return Access(root, audience, snapshot_id, regulator_naming=naming)


def metrics(role: str, firm_id: str | None, snapshot_id: int, pack: str) -> pl.DataFrame:
    return _metrics(str(data_dir()), role, firm_id, snapshot_id, pack)


@st.cache_data(show_spinner=False, max_entries=64)
def _metrics(root: str, role: str, firm_id: str | None, snapshot_id: int, pack: str) -> pl.DataFrame:
    return access(Audience(role, firm_id), snapshot_id, root).metrics(pack)


def judged(role: str, firm_id: str | None, snapshot_id: int, pack: str) -> pl.DataFrame:
    return _judged(str(data_dir()), role, firm_id, snapshot_id, pack)


@st.cache_data(show_spinner=False, max_entries=64)
def _judged(root: str, role: str, firm_id: str | None, snapshot_id: int, pack: str) -> pl.DataFrame:
    return access(Audience(role, firm_id), snapshot_id, root).judged(pack)


def firms(role: str, firm_id: str | None, snapshot_id: int, lang: str) -> pl.DataFrame:
    return _firms(str(data_dir()), role, firm_id, snapshot_id, lang)


@st.cache_data(show_spinner=False, max_entries=64)
def _firms(root: str, role: str, firm_id: str | None, snapshot_id: int, lang: str) -> pl.DataFrame:
    return access(Audience(role, firm_id), snapshot_id, root).firms(lang)


def submissions(role: str, firm_id: str | None, snapshot_id: int) -> pl.DataFrame:
    return _submissions(str(data_dir()), role, firm_id, snapshot_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _submissions(root: str, role: str, firm_id: str | None, snapshot_id: int) -> pl.DataFrame:
    return access(Audience(role, firm_id), snapshot_id, root).submissions()


EVENT_READS = ("contact_heat", "complaint_close_days", "process_stages", "fee_mix")


def events(read: str, role: str, firm_id: str | None, snapshot_id: int, *args: str | None) -> pl.DataFrame:
    """One of Access's event-level reads (EVENT_READS) with its arguments, cached like the tables above.

    These scan the stored contacts, cases and complaints, so a page re-run must not repeat them;
    Access still decides scope inside (a refused read raises and is never cached).
    """
    if read not in EVENT_READS:
        raise ValueError(f"read={read!r}, allowed={EVENT_READS}")
    return _events(str(data_dir()), read, role, firm_id, snapshot_id, args)


@st.cache_data(show_spinner=False, max_entries=256)
def _events(root: str, read: str, role: str, firm_id: str | None, snapshot_id: int, args: tuple) -> pl.DataFrame:
    return getattr(access(Audience(role, firm_id), snapshot_id, root), read)(*args)


def peer_figures(role: str, firm_id: str | None, snapshot_id: int, pack: str, period: str, firm: str, group: str,
                 metric_ids: tuple[str, ...]) -> list:
    """access.peer_figure for each metric (headline rows), from one read of the metric table; cached."""
    return _peer_figures(str(data_dir()), role, firm_id, snapshot_id, pack, period, firm, group, metric_ids)


@st.cache_data(show_spinner=False, max_entries=64)
def _peer_figures(root: str, role: str, firm_id: str | None, snapshot_id: int, pack: str, period: str, firm: str,
                  group: str, metric_ids: tuple[str, ...]) -> list:
    from .. import judge

    reader = access(Audience(role, firm_id), snapshot_id, root)
    return [reader.peer_figure(pack, period, m, firm_id=firm, group=group, lower_is_better=(judge.direction_of(m) or "lower") == "lower")
            for m in metric_ids]
