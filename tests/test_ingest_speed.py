"""The ingest speed-ups keep their meaning: stored rows follow the file, each contact gets its
case's time zone, and the shortcuts (line-length jumps, token columns skipped by the personal
scan, duplicate counting) find exactly what the full passes found."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from industry_metrics import ingest, reader, sources
from industry_metrics.store import Store
from submission_factory import N1, PERIOD, valid_tables, write_all_csv


def stored(data_dir: Path, sql: str) -> list[tuple]:
    con = reader.connect(Store(data_dir).snapshot())
    return con.sql(sql).fetchall()


def many_contacts(n: int) -> list[dict[str, str]]:
    """n valid contacts over the three cases of valid_tables (C3 is in Asia/Urumqi), minute by minute."""
    base = valid_tables()["contacts"][1]  # a letter: no number, connection or recording needed
    start = dt.datetime(2026, 10, 1, 0, 0)
    return [{**base, "contact_ref": f"K{i}", "case_ref": f"C{1 + i % 3}",
             "contact_at": f"{start + dt.timedelta(minutes=i % 40_000):%Y-%m-%d %H:%M:%S}"} for i in range(n)]


@pytest.mark.parametrize("zones", [("", "", "Asia/Urumqi"), ("", "", "")], ids=["several zones", "one zone"])
def test_stored_rows_follow_the_file_and_carry_their_cases_zone(data_dir, tmp_path, zones):
    # 260k rows: more than two of DuckDB's 122,880-row groups, so the scans run in parallel
    tables = valid_tables()
    for case, zone in zip(tables["cases"], zones):
        case["timezone"] = zone
    tables["contacts"] = many_contacts(260_000)
    result = ingest.ingest(data_dir, "FA", PERIOD, write_all_csv(tmp_path / "in", tables))
    assert result.status == "accepted", result.report["findings"]
    # file order: K0, K1, ... in the stored Parquet itself (read without ORDER BY)
    path = Store(data_dir).snapshot().files("contacts")[0]
    refs = [r[0] for r in duckdb.sql(f"SELECT contact_ref FROM read_parquet('{path}')").fetchall()]
    assert refs == [f"K{i}" for i in range(260_000)]
    # local time as written; UTC 8 hours earlier in Shanghai, 6 in Urumqi (no DST in either)
    offsets = {("C1", 8), ("C2", 8), ("C3", 6 if zones[2] else 8)}
    found = stored(data_dir, "SELECT DISTINCT case_ref, CAST(datediff('hour', contact_at_utc, contact_at) AS INT) FROM contacts")
    assert set(found) == offsets
    assert stored(data_dir, "SELECT contact_at FROM contacts WHERE contact_ref = 'K61'") == [(dt.datetime(2026, 10, 1, 1, 1),)]


def test_a_contact_with_an_offset_in_another_zone(data_dir, tmp_path):
    # K3 (case C3, Asia/Urumqi) says 23:30+08:00: 15:30 UTC, 21:30 on the debtor's clock
    result = ingest.ingest(data_dir, "FA", PERIOD, write_all_csv(tmp_path / "in", valid_tables()))
    assert result.status == "accepted", result.report["findings"]
    assert stored(data_dir, "SELECT contact_ref, contact_at, contact_at_utc FROM contacts ORDER BY contact_ref") == [
        ("K1", dt.datetime(2026, 10, 5, 10), dt.datetime(2026, 10, 5, 2)),
        ("K2", dt.datetime(2026, 10, 5, 10), dt.datetime(2026, 10, 5, 2)),
        ("K3", dt.datetime(2026, 10, 31, 21, 30), dt.datetime(2026, 10, 31, 15, 30)),
    ]


@pytest.mark.parametrize("longest, refused", [(100, False), (101, True)])
@pytest.mark.parametrize("where", ["first", "middle", "last without newline"])
def test_line_length_limit_is_exact(tmp_path, longest, refused, where):
    limits = sources.Limits(max_line_bytes=100)
    short = b"x" * 99 + b"\n"
    long = b"y" * longest
    body = {"first": long + b"\n" + short * 50, "middle": short * 30 + long + b"\n" + short * 30,
            "last without newline": short * 50 + long}[where]
    path = tmp_path / "f.csv"
    path.write_bytes(body)
    if refused:
        with pytest.raises(sources.SourceError, match="longer than 100 bytes"):
            sources._check_line_length(path, limits)
    else:
        sources._check_line_length(path, limits)


def test_line_length_counts_a_carriage_return(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes((b"z" * 100 + b"\r\n") * 3)
    with pytest.raises(sources.SourceError):
        sources._check_line_length(path, sources.Limits(max_line_bytes=100))


def test_a_phone_number_in_a_token_column_is_still_found(data_dir, tmp_path):
    # the personal scan skips a token column only when every value is a token
    tables = valid_tables()
    tables["contacts"][0]["number_ref"] = "138 1234 5678"
    result = ingest.ingest(data_dir, "FA", PERIOD, write_all_csv(tmp_path / "in", tables))
    rules = {(f["rule"], f["column"], f["row"]) for f in result.report["findings"]}
    assert {("V05", "number_ref", 1), ("P01", "number_ref", 1)} <= rules
    assert "138" not in str(result.report)


def test_clean_tokens_are_not_candidates(data_dir, tmp_path):
    tables = valid_tables()
    tables["contacts"][0]["number_ref"] = "13812345678" + N1[11:]  # 64 hex chars that begin with 11 digits
    result = ingest.ingest(data_dir, "FA", PERIOD, write_all_csv(tmp_path / "in", tables))
    assert result.status == "accepted", result.report["findings"]


def test_duplicate_keys_listed_after_the_count(data_dir, tmp_path):
    tables = valid_tables()
    tables["contacts"] += [{**tables["contacts"][0]}, {**tables["contacts"][0]}]  # K1 three times
    result = ingest.ingest(data_dir, "FA", PERIOD, write_all_csv(tmp_path / "in", tables))
    v06 = [f for f in result.report["findings"] if f["rule"] == "V06"]
    assert [(f["table"], f["column"], f["rows"], f["count"]) for f in v06] == [("contacts", "contact_ref", [4, 5], 2)]
