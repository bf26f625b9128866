"""Fill the staff and regulator pages' caches once per new snapshot, in the background.

Without this the first viewer after a refresh pays every read of its page (bench/README.md,
"Page render": the cold figures). A watcher thread, started by app.py on the first script run of the server
process, looks for a new store snapshot every POLL_S seconds. Once that snapshot's metrics are
materialised (not before: a read then would start a full metric refresh of its own), it makes the
pages' cached reads with the pages' default arguments (default pack, latest month, both
languages, the report packs' default audience), so they are in st.cache_data, which every session
of the process shares. Firm viewers are not warmed: there is one per member firm, and their cold
pages are the cheap ones. Off with INDUSTRY_METRICS_WARM=0 (the page benchmark measures cold).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from .. import i18n, refresh, standards
from ..store import Store
from . import data, filters
from . import report as report_ui

ENV_VAR = "INDUSTRY_METRICS_WARM"
POLL_S = 30.0
AUDIENCES = (("association", None), ("regulator", None))

log = logging.getLogger(__name__)
_watchers: dict[str, threading.Thread] = {}
_lock = threading.Lock()
_stop = threading.Event()


def enabled() -> bool:
    return os.environ.get(ENV_VAR, "1") != "0"


def start() -> threading.Thread | None:
    """This process's watcher for the current data dir, started on the first call; None when warming is off."""
    if not enabled():
        return None
    root = str(data.data_dir())
    with _lock:
        thread = _watchers.get(root)
        if thread is None or not thread.is_alive():
            thread = threading.Thread(target=_watch, args=(root,), name="warm-page-caches", daemon=True)
            _watchers[root] = thread
            thread.start()
    return thread


def stop() -> None:
    """End every watcher of this process (tests; a server simply exits)."""
    _stop.set()
    with _lock:
        threads = list(_watchers.values())
        _watchers.clear()
    for thread in threads:
        thread.join()
    _stop.clear()


def ready(root: str, snapshot_id: int) -> bool:
    """Whether the snapshot's default-pack metrics are materialised (warming earlier would compute them)."""
    pack = standards.load(Path(root)).default_pack
    return snapshot_id > 0 and refresh.catalog(Path(root), pack, snapshot_id) is not None


def _watch(root: str) -> None:
    warmed = None
    while not _stop.is_set() and Path(root).is_dir():
        try:
            snapshot_id = Store(Path(root)).snapshot().id
            if snapshot_id != warmed and ready(root, snapshot_id):
                warmed = snapshot_id  # set first: a failing snapshot is not retried every poll
                warm(root, snapshot_id)
        except Exception:  # a head start only: on failure the pages still read for themselves
            log.exception("warm_failed:%s", root)  # a log key, not UI text (tests/test_i18n.py)
        _stop.wait(POLL_S)


def warm(root: str, snapshot_id: int) -> None:
    """The staff and regulator pages' reads of one snapshot, with the arguments the pages pass by default."""
    pack = standards.load(Path(root)).default_pack
    month = None
    for role, firm in AUDIENCES:
        table = data._metrics(root, role, firm, snapshot_id, pack)
        data._judged(root, role, firm, snapshot_id, pack)
        for lang in i18n.LANGS:
            data._firms(root, role, firm, snapshot_id, lang)
        months = filters.months_in(table)
        month = month or (months[-1] if months else None)
    if month is None:
        return
    # the staff pages' event reads (Process, Conduct with every firm, Complaints, Recovery)
    for read, args in (("process_stages", (month, None)), ("contact_heat", (month, None)),
                       ("complaint_close_days", (month, None)), ("fee_mix", (month,))):
        data._events(root, read, "association", None, snapshot_id, args)
    for role, firm in AUDIENCES:  # the Reports page's default pack: the viewer's own audience, the latest month
        for lang in i18n.LANGS:
            report_ui._pack(root, role, firm, snapshot_id, month, lang, pack)
