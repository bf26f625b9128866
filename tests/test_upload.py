"""The dashboard's upload takes the CLI's ingest path: safe names, the same report, audit and refresh."""

from __future__ import annotations

from datetime import datetime, timezone

from industry_metrics import audit, auth, refresh
from industry_metrics.ui import upload
from submission_factory import PERIOD, valid_tables, write_all_csv


class Uploaded:
    """What st.file_uploader hands over: a name chosen by the user and the bytes."""

    def __init__(self, name: str, data: bytes):
        self.name, self._data = name, data

    def getbuffer(self) -> bytes:
        return self._data


def test_names_from_the_browser_never_become_paths(tmp_path):
    folder = upload.save_uploads([Uploaded("../../etc/cases.csv", b"x"), Uploaded("合同 contacts;rm -rf.csv", b"y")])
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["___contacts_rm_-rf.csv", "cases.csv"]
    assert all(p.parent == folder for p in folder.iterdir())


def test_an_upload_is_ingested_audited_and_refreshed(data_dir, tmp_path):
    files = write_all_csv(tmp_path / "in", valid_tables())
    folder = upload.save_uploads([Uploaded(f.name, f.read_bytes()) for f in files])
    now = datetime.now(timezone.utc)
    who = auth.Identity("fa_user", "firm", "FA", "Firm A", now, now)
    result = upload.submit(data_dir, who, PERIOD, folder, confirm=False)
    assert result.status == "accepted", result.report["findings"]
    assert refresh.catalog(data_dir, "cn", result.record["snapshot"]) is not None
    assert audit.read(data_dir)["action"].to_list() == ["submission_accepted"]
    table = upload.report_table({"findings": []}, "en")
    assert table.columns[0] == "Rule"
