"""The per-case first outbound contact kept at refresh gives the process stages the contact scan gave."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

sys.path.insert(0, str(Path(__file__).parent / "queries"))
from metric_rows import row, submit  # noqa: E402

from industry_metrics import first_contact, periods, reader, refresh  # noqa: E402
from industry_metrics.access import Access, Audience  # noqa: E402

# events/process_stages.sql before the first contact was kept: every outbound contact up to the month scanned
CONTACT_SCAN = """
with held as (
    select c.firm_id, c.case_ref, c.status from cases as c
    where c.period = $month and ($firm_id is null or c.firm_id = $firm_id)
),
contacted as (
    select distinct firm_id, case_ref from contacts
    where period <= $month and direction = 'outbound' and ($firm_id is null or firm_id = $firm_id)
)
select h.firm_id,
    case
        when h.status = 'active' and k.case_ref is null then 'assessment'
        when h.status = 'active' then 'first_contact'
        when h.status in ('repayment_plan', 'legal_action') then h.status
        else 'closed:' || h.status
    end as stage,
    count(*) as cases
from held as h
left join contacted as k on k.firm_id = h.firm_id and k.case_ref = h.case_ref
group by all
order by h.firm_id, stage
"""


def scanned(snapshot, period: str, firm: str | None) -> pl.DataFrame:
    month = periods.parse(period).months[-1]
    con = reader.connect(snapshot, firm_id=firm, months=[m for m in snapshot.periods() if m <= month])
    return con.sql(CONTACT_SCAN, params={"month": month, "firm_id": firm}).pl()


def test_stages_equal_the_contact_scan_on_the_demo(small_demo):
    data_dir, _ = small_demo
    staff = Access(data_dir, Audience("association"))
    months = staff.snapshot.periods()
    firm = sorted({s["firm_id"] for s in staff.snapshot.accepted})[0]
    assert first_contact.stored_files(data_dir, staff.snapshot) is not None  # the refresh kept them: no scan below
    seen = set()
    for period in periods.rollups(months):  # months, their quarters and year (read at their last month)
        for audience, asked in ((Audience("association"), None), (Audience("association"), firm), (Audience("firm", firm), firm)):
            got = Access(data_dir, audience).process_stages(period, asked)
            assert_frame_equal(got, scanned(staff.snapshot, period, asked))
            seen |= set(got["stage"])
    # both sides of the split occur, in more than one month, so the comparison can tell them apart
    assert {"assessment", "first_contact"} <= seen
    assert len(months) > 1


def test_without_a_refresh_the_stages_scan_the_contacts(small_demo, monkeypatch):
    data_dir, _ = small_demo
    staff = Access(data_dir, Audience("association"))
    monkeypatch.setattr(first_contact, "stored_files", lambda *a, **k: None)
    for period in staff.snapshot.periods():
        assert_frame_equal(staff.process_stages(period), scanned(staff.snapshot, period, None))


def test_a_submission_rewrites_its_firms_file_only(data_dir):
    held = [row("cases", case_ref="C1"), row("cases", case_ref="C2")]
    early = [row("contacts", contact_ref="K1", case_ref="C1", contact_at="2026-09-05 10:00:00")]
    submit(data_dir, "FA", "2026-09", cases=held, contacts=early)
    submit(data_dir, "FB", "2026-09", cases=held, contacts=early)
    first = refresh.full(data_dir)
    assert sorted(first["first_contact"]) == ["FA", "FB"]
    # FA's October: C2 contacted for the first time (and an inbound call, which does not count)
    later = [row("contacts", contact_ref="K2", case_ref="C2", contact_at="2026-10-05 10:00:00"),
             row("contacts", contact_ref="K3", case_ref="C1", contact_at="2026-10-06 10:00:00", direction="inbound")]
    record = submit(data_dir, "FA", "2026-10", cases=held, contacts=later)
    cat = refresh.after_submission(data_dir, record)
    assert cat["first_contact"]["FB"] == first["first_contact"]["FB"]
    assert cat["first_contact"]["FA"]["path"] != first["first_contact"]["FA"]["path"]
    kept = pl.read_parquet(refresh.pack_dir(data_dir, "cn") / cat["first_contact"]["FA"]["path"])
    assert kept.rows() == [("FA", "C1", "2026-09"), ("FA", "C2", "2026-10")]
    staff = Access(data_dir, Audience("association"))
    for period in ("2026-09", "2026-10"):
        assert_frame_equal(staff.process_stages(period), scanned(staff.snapshot, period, None))
    assert staff.process_stages("2026-10").filter(firm_id="FA").rows() == [("FA", "first_contact", 2)]
    # the earlier snapshot still reads its own file, where C2 was not contacted yet
    before = Access(data_dir, Audience("association"), snapshot_id=first["store_snapshot"])
    assert before.process_stages("2026-09").filter(firm_id="FA").rows() == [("FA", "assessment", 1), ("FA", "first_contact", 1)]


@pytest.mark.parametrize("firm", [None, "FC"])
def test_a_firm_without_submissions_has_no_contacted_cases(data_dir, firm):
    submit(data_dir, "FA", "2026-09", cases=[row("cases")], contacts=[row("contacts", contact_at="2026-09-05 10:00:00")])
    refresh.full(data_dir)
    staff = Access(data_dir, Audience("association"))
    assert_frame_equal(staff.process_stages("2026-09", firm), scanned(staff.snapshot, "2026-09", firm))
