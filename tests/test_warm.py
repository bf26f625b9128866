"""ui/warm.py: after a new snapshot, the staff and regulator pages' reads are in the cache before a viewer asks."""

from __future__ import annotations

import threading
import time

import pytest
import streamlit as st

from industry_metrics import standards
from industry_metrics.access import Access, Audience
from industry_metrics.store import Store
from industry_metrics.ui import data, warm
from industry_metrics.ui import report as report_ui


@pytest.fixture
def demo_root(small_demo, monkeypatch):
    data_dir, _ = small_demo
    monkeypatch.setenv("INDUSTRY_METRICS_DATA_DIR", str(data_dir))
    st.cache_data.clear()
    yield str(data_dir), Store(data_dir).snapshot().id
    warm.stop()
    st.cache_data.clear()


def refuse(monkeypatch):
    """Every Access read fails from here on: what the pages get must come from the cache."""
    for name in ("metrics", "judged", "firms", "process_stages", "contact_heat", "complaint_close_days", "fee_mix", "stage_mix"):
        monkeypatch.setattr(Access, name, lambda *a, _n=name, **k: pytest.fail(f"Access.{_n} read after warming"))


def test_warming_fills_what_the_pages_read_by_default(demo_root, monkeypatch):
    root, sid = demo_root
    worker = threading.Thread(target=warm.warm, args=(root, sid))  # as the watcher runs it: outside any script run
    worker.start()
    worker.join()
    refuse(monkeypatch)
    pack = standards.load(data.data_dir()).default_pack
    month = sorted(data.metrics("association", None, sid, pack).filter(grain="month")["period"].unique())[-1]
    for role in ("association", "regulator"):
        assert data.judged(role, None, sid, pack).height > 0
        assert data.firms(role, None, sid, "en").height > 0 and data.firms(role, None, sid, "zh").height > 0
        assert report_ui.pack(Audience(role), sid, month, "zh", pack).period == month
    assert data.events("process_stages", "association", None, sid, month, None).height > 0
    for read, args in (("contact_heat", (month, None)), ("complaint_close_days", (month, None)), ("fee_mix", (month,))):
        data.events(read, "association", None, sid, *args)
    with pytest.raises(pytest.fail.Exception, match="Access.metrics read"):  # a firm's reads are not warmed: they still read
        data.metrics("firm", sorted(data.firms("association", None, sid, "en")["firm_id"])[0], sid, pack)


def test_the_watcher_warms_each_ready_snapshot_once(demo_root, monkeypatch):
    root, sid = demo_root
    calls = []
    monkeypatch.setattr(warm, "POLL_S", 0.05)
    monkeypatch.setattr(warm, "warm", lambda r, s: calls.append((r, s)))
    monkeypatch.setenv(warm.ENV_VAR, "1")
    thread = warm.start()
    assert thread is not None and thread.daemon and warm.start() is thread  # one watcher per process and data dir
    deadline = time.monotonic() + 10
    while not calls and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # several more polls of the same snapshot
    assert calls == [(root, sid)]
    warm.stop()
    assert not thread.is_alive()


def test_no_warming_before_the_metrics_of_a_snapshot_exist_or_when_off(demo_root, monkeypatch):
    root, sid = demo_root
    assert warm.ready(root, sid)
    assert not warm.ready(root, sid + 1)  # a snapshot the refresh has not materialised yet
    monkeypatch.setenv(warm.ENV_VAR, "0")
    assert warm.start() is None
