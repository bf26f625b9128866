"""Reading submission files: encodings, formats, row numbers, and hostile uploads."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from industry_metrics import ingest, reader, sources
from industry_metrics.store import Store
from submission_factory import PERIOD, valid_tables, write_all_csv, write_csv, write_parquet, write_xlsx


def chinese_tables() -> dict:
    """Valid tables with Chinese text in a free-text column and 是/否 booleans."""
    tables = valid_tables()
    tables["cases"][0]["creditor_ref"] = "某银行信用卡中心"
    tables["cases"][1]["vulnerable"] = "否"
    return tables


def stored(data_dir: Path, sql: str) -> list:
    return reader.connect(Store(data_dir).snapshot()).sql(sql).fetchall()


@pytest.mark.parametrize("encoding, reported", [("gbk", "gb18030"), ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8")])
def test_csv_encodings(data_dir, tmp_path, encoding, reported):
    files = write_all_csv(tmp_path / "in", chinese_tables(), encoding=encoding)
    if encoding == "utf-8-sig":
        assert files[0].read_bytes().startswith(b"\xef\xbb\xbf")
    result = ingest.ingest(data_dir, "FA", PERIOD, files)
    assert result.status == "accepted", result.report["findings"]
    assert result.report["files"][0]["encoding"] == reported
    assert stored(data_dir, "SELECT case_ref, creditor_ref, vulnerable FROM cases ORDER BY case_ref") == [
        ("C1", "某银行信用卡中心", False), ("C2", "LENDER1", False), ("C3", "LENDER1", True)]


def test_xlsx_workbook(data_dir, tmp_path):
    book = write_xlsx(tmp_path / "FA_2026-10.xlsx", chinese_tables())
    result = ingest.ingest(data_dir, "FA", PERIOD, [book])
    assert result.status == "accepted", result.report["findings"]
    assert result.report["counts"]["contacts"] == 3
    assert stored(data_dir, "SELECT amount FROM payments ORDER BY payment_ref") == [(100.5,), (900,)]


def test_xlsx_row_numbers_and_typed_cells(data_dir, tmp_path):
    import openpyxl
    tables = valid_tables()
    tables["cases"][2]["product"] = "payday"
    book = write_xlsx(tmp_path / "FA.xlsx", tables)
    wb = openpyxl.load_workbook(book)  # a real date cell and a number cell, as Excel users type them
    wb["cases"]["G2"].value = dt.date(2026, 9, 1)
    wb["cases"]["H2"].value = 30
    wb.save(book)
    result = ingest.ingest(data_dir, "FA", PERIOD, [book])
    found = [f for f in result.report["findings"] if f["rule"] != "V03"]
    assert found == []
    v03 = result.report["findings"][0]
    assert (v03["rule"], v03["table"], v03["column"], v03["row"]) == ("V03", "cases", "product", 3)


def test_parquet_files(data_dir, tmp_path):
    folder = tmp_path / "pq"
    folder.mkdir()
    files = [write_parquet(folder / f"{name}.parquet", rows) for name, rows in chinese_tables().items()]
    result = ingest.ingest(data_dir, "FA", PERIOD, files)
    assert result.status == "accepted", result.report["findings"]
    assert stored(data_dir, "SELECT contact_ref, contact_at, contact_at_utc FROM contacts WHERE contact_ref = 'K3'") == [
        ("K3", dt.datetime(2026, 10, 31, 21, 30), dt.datetime(2026, 10, 31, 15, 30))]


def test_typed_parquet_columns_are_read_as_text(data_dir, tmp_path):
    folder = tmp_path / "pq"
    folder.mkdir()
    files = write_all_csv(folder, valid_tables())
    payments = folder / "payments.parquet"
    files[1].unlink()
    pq.write_table(pa.table({"payment_ref": ["P1"], "case_ref": ["C1"], "paid_on": pa.array([dt.date(2026, 10, 10)]),
                             "amount": pa.array([12.5])}), payments)
    files[1] = payments
    result = ingest.ingest(data_dir, "FA", PERIOD, files)
    assert result.status == "accepted", result.report["findings"]
    assert stored(data_dir, "SELECT paid_on, amount FROM payments") == [(dt.date(2026, 10, 10), 12.5)]


def test_row_numbers_follow_the_file_on_a_parallel_read(tmp_path):
    path = tmp_path / "contacts.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("line,text\n")
        for i in range(1, 200_001):
            handle.write(f'{i},"v{i}"\n' if i % 7 else f'{i},"a ""quoted"", value"\n')
    con = duckdb.connect()
    con.execute("SET threads = 4")
    sources.load_csv(con, path, "raw", sources.Limits(), tmp_path)
    assert con.sql("SELECT count(*), count(*) FILTER (WHERE row_no <> CAST(line AS BIGINT)) FROM raw").fetchall() == [(200_000, 0)]


def test_crlf_file_keeps_its_rows(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(b"a,b\r\n1,2\r\n3,4\r\n")
    con = duckdb.connect()
    sources.load_csv(con, path, "raw", sources.Limits(), tmp_path)
    assert con.sql("SELECT row_no, a, b FROM raw").fetchall() == [(1, "1", "2"), (2, "3", "4")]


# ---- hostile uploads: a clear F01/F07 naming the file, never a crash -------------------------
def ingest_with(data_dir: Path, tmp_path: Path, hostile: Path) -> dict:
    """Submit valid tables plus one hostile file standing in for its table; return its finding."""
    tables = valid_tables()
    name = sources.table_for(hostile.stem)
    if name:
        del tables[name]
    files = write_all_csv(tmp_path / "ok", tables) + [hostile]
    result = ingest.ingest(data_dir, "FA", PERIOD, files)
    assert result.status == "rejected"
    (found,) = [f for f in result.report["findings"] if f["file"] == hostile.name]
    assert hostile.name in found["message"]
    assert not Store(data_dir).snapshot_ids()
    return found


def test_xlsx_zip_bomb(data_dir, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 << 20))
    assert bomb.stat().st_size < 200_000
    found = ingest_with(data_dir, tmp_path, bomb)
    assert found["rule"] == "F07" and "zip bomb" in found["message"]


def test_csv_with_a_100_mb_line(data_dir, tmp_path):
    path = tmp_path / "contacts.csv"
    with open(path, "wb") as handle:
        handle.write(b"contact_ref,case_ref\nK1,")
        block = b"x" * (1 << 20)
        for _ in range(100):
            handle.write(block)
        handle.write(b"\n")
    found = ingest_with(data_dir, tmp_path, path)
    assert (found["rule"], found["table"]) == ("F07", "contacts")


@pytest.mark.parametrize("schema_kind", ["many_columns", "nested", "binary"])
def test_parquet_with_a_hostile_schema(data_dir, tmp_path, schema_kind):
    path = tmp_path / "incidents.parquet"
    if schema_kind == "many_columns":
        table = pa.table({f"c{i}": [1] for i in range(500)})
    elif schema_kind == "nested":
        table = pa.table({"incident_ref": ["I1"], "kind": pa.array([{"a": [1, 2]}])})
    else:
        table = pa.table({"incident_ref": ["I1"], "kind": pa.array([b"\x00\x01"], type=pa.binary())})
    pq.write_table(table, path)
    found = ingest_with(data_dir, tmp_path, path)
    assert found["rule"] == ("F07" if schema_kind == "many_columns" else "F01")
    assert found["table"] == "incidents"


@pytest.mark.parametrize("name, content, words", [
    ("payments.csv", b"", "empty"),
    ("payments.parquet", b"", "Parquet"),
    ("payments.xlsx", b"", "XLSX"),
    ("payments.csv", None, "Parquet file"),  # a Parquet file named .csv
    ("payments.csv", b"PK\x03\x04" + b"\x00" * 50, "zip"),
    ("payments.parquet", b"payment_ref,case_ref\nP1,C1\n", "Parquet"),
    ("payments.xlsx", b"payment_ref,case_ref\nP1,C1\n", "XLSX"),
    ("payments.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
])
def test_empty_or_mislabelled_files(data_dir, tmp_path, name, content, words):
    path = tmp_path / name
    if content is None:
        pq.write_table(pa.table({"payment_ref": ["P1"]}), path)
    else:
        path.write_bytes(content)
    found = ingest_with(data_dir, tmp_path, path)
    assert found["rule"] == "F01" and words in found["message"], found["message"]


def test_utf8_gbk_detection_refuses_other_binary(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\n\xff\xfe\xfd\n")
    with pytest.raises(sources.SourceError) as err:
        sources.detect_encoding(path)
    assert err.value.rule == "F01"
