"""pseudonymise: keyed tokens computed by hand, identifying columns dropped, the key kept off the command line."""

from __future__ import annotations

import csv
import hashlib
import hmac
from pathlib import Path

import pytest
from click.testing import CliRunner

from industry_metrics import ingest, pseudonymise as pseudo
from industry_metrics.cli import main
from submission_factory import PERIOD, valid_tables, write_all_csv

KEY = b"association-test-key-0001"
# Written out once by hand with hmac/hashlib directly:
#   hmac.new(KEY, b"debtor:11010519491231002X", hashlib.sha256).hexdigest()
DEBTOR_TOKEN = "9da058039cfc276011c3b69d1f5b59b4134bee807dec3e29644c2c0e25c16cb4"
#   hmac.new(KEY, b"number:8613800138000", hashlib.sha256).hexdigest()
MOBILE_TOKEN = "71444bcf900e80df113751d220856bbbaed07c2ae9831c8386f0d4aac5bdcfc1"
#   hmac.new(KEY, b"number:861012345678", hashlib.sha256).hexdigest()  (landline 010-1234 5678)
LANDLINE_TOKEN = "19adb54462fe9569d2d48c5f1e8c196463047e431a59708da730a04d4f5a6aa4"

MAPPING = """
country_code = "86"

[tables.cases]
file = "*案件*.csv"
[tables.cases.columns]
case_ref = "案件编号"
debtor_ref = "身份证号"
creditor_ref = "委托方"
product = "product"
region_code = "region_code"
placed_on = "placed_on"
dpd_at_placement = "dpd_at_placement"
amount_placed = "amount_placed"
fee_model = "fee_model"
vulnerable = "vulnerable"
status = "status"
closed_on = "closed_on"

[tables.contacts]
file = "calls.csv"
[tables.contacts.columns]
contact_ref = "contact_ref"
case_ref = "案件编号"
contact_at = "contact_at"
channel = "channel"
direction = "direction"
party = "party"
number_ref = "被叫号码"
connected = "connected"
recorded = "recorded"
"""


def test_tokens_match_hmac_computed_by_hand():
    assert hmac.new(KEY, b"debtor:11010519491231002X", hashlib.sha256).hexdigest() == DEBTOR_TOKEN
    assert pseudo.token(KEY, "debtor", pseudo.normalise_resident_id(" 11010519491231002x ")) == DEBTOR_TOKEN
    for written in ("138 0013 8000", "+86 138-0013-8000", "13800138000", "0086 13800138000", "8613800138000"):
        assert pseudo.token(KEY, "number", pseudo.international_digits(written)) == MOBILE_TOKEN, written
    assert pseudo.token(KEY, "number", pseudo.international_digits("010-1234 5678")) == LANDLINE_TOKEN


def write_raw(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    base = valid_tables()
    cases = folder / "FA_案件_2026-10.csv"
    with open(cases, "w", encoding="gbk", newline="") as handle:  # firms' exports are often GBK
        w = csv.writer(handle)
        w.writerow(["案件编号", "姓名", "身份证号", "手机", "地址", "委托方", "product", "region_code", "placed_on",
                    "dpd_at_placement", "amount_placed", "fee_model", "vulnerable", "status", "closed_on"])
        for i, c in enumerate(base["cases"]):
            w.writerow([c["case_ref"], "张三", "11010519491231002x" if i == 0 else f"11010519800101{i:03d}7", "13800138000",
                        "北京市朝阳区某路1号", c["creditor_ref"], c["product"], c["region_code"], c["placed_on"],
                        c["dpd_at_placement"], c["amount_placed"], c["fee_model"], c["vulnerable"], c["status"], c["closed_on"]])
    calls = folder / "calls.csv"
    with open(calls, "w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["contact_ref", "案件编号", "contact_at", "channel", "direction", "party", "被叫号码", "connected", "recorded", "坐席姓名"])
        w.writerow(["K1", "C1", "2026-10-05 10:00:00", "call", "outbound", "debtor", "+86 138-0013-8000", "true", "true", "李四"])
        w.writerow(["K2", "C2", "2026-10-06 10:00:00", "call", "outbound", "debtor", "010-1234 5678", "false", "true", "李四"])
        w.writerow(["K3", "C3", "2026-10-07 10:00:00", "letter", "outbound", "debtor", "", "", "", "李四"])
    return [cases, calls]


def test_cli_end_to_end_then_ingest_accepts(data_dir, tmp_path, monkeypatch):
    (tmp_path / "map.toml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "key").write_bytes(KEY + b"\n")
    raw = write_raw(tmp_path / "raw")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["pseudonymise", "--mapping", str(tmp_path / "map.toml"), "--key-file", str(tmp_path / "key"),
                                       "--out", str(out), *map(str, raw)])
    assert result.exit_code == 0, result.output
    assert "raw columns dropped: 姓名, 手机, 地址" in result.output
    assert KEY.decode() not in result.output
    cases = list(csv.DictReader(open(out / "cases.csv", encoding="utf-8")))
    contacts = list(csv.DictReader(open(out / "contacts.csv", encoding="utf-8")))
    assert cases[0]["debtor_ref"] == DEBTOR_TOKEN
    assert [c["number_ref"] for c in contacts] == [MOBILE_TOKEN, LANDLINE_TOKEN, ""]
    text = (out / "cases.csv").read_text(encoding="utf-8") + (out / "contacts.csv").read_text(encoding="utf-8")
    for identifying in ("张三", "李四", "1101051949", "13800138000", "北京市", "身份证号", "被叫号码"):
        assert identifying not in text
    tables = valid_tables()
    files = write_all_csv(tmp_path / "rest", {k: v for k, v in tables.items() if k not in ("cases", "contacts")})
    accepted = ingest.ingest(data_dir, "FA", PERIOD, [out / "cases.csv", out / "contacts.csv", *files])
    assert accepted.status == "accepted", accepted.report["findings"]


def test_key_from_the_environment_gives_the_same_tokens(tmp_path, monkeypatch):
    monkeypatch.setenv(pseudo.KEY_ENV, KEY.decode())
    mapping = pseudo.load_mapping(_mapping_file(tmp_path))
    pseudo.pseudonymise(mapping, pseudo.load_key(None), write_raw(tmp_path / "raw"), tmp_path / "out")
    assert list(csv.DictReader(open(tmp_path / "out" / "cases.csv", encoding="utf-8")))[0]["debtor_ref"] == DEBTOR_TOKEN


def _mapping_file(tmp_path: Path, text: str = MAPPING) -> Path:
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_key_is_refused_on_the_command_line(tmp_path):
    result = CliRunner().invoke(main, ["pseudonymise", "--mapping", str(_mapping_file(tmp_path)), "--key", KEY.decode(),
                                       "--out", str(tmp_path / "out"), str(_mapping_file(tmp_path))])
    assert result.exit_code == 2 and "never pass the key on the command line" in result.output
    assert not (tmp_path / "out").exists()


def test_no_key_or_a_short_key_is_an_error(tmp_path, monkeypatch):
    monkeypatch.delenv(pseudo.KEY_ENV, raising=False)
    with pytest.raises(pseudo.PseudonymiseError, match="no key"):
        pseudo.load_key(None)
    (tmp_path / "k").write_bytes(b"short\n")
    with pytest.raises(pseudo.PseudonymiseError, match="shorter than 16"):
        pseudo.load_key(tmp_path / "k")


@pytest.mark.parametrize("text, words", [
    ('[tables.customers]\nfile = "a.csv"\n[tables.customers.columns]\nx = "y"\n', "not a template table"),
    ('[tables.cases]\nfile = "a.csv"\n[tables.cases.columns]\nname = "姓名"\n', "name is not a column of cases"),
    ('[tables.cases]\n[tables.cases.columns]\ncase_ref = "a"\n', "needs file"),
    ('key = "secret"\n', "unknown keys"),
])
def test_bad_mappings_are_named(tmp_path, text, words):
    with pytest.raises(pseudo.PseudonymiseError, match=words):
        pseudo.load_mapping(_mapping_file(tmp_path, text))


def test_missing_raw_column_and_bad_number_name_file_row_column(tmp_path):
    raw = write_raw(tmp_path / "raw")
    mapping = pseudo.load_mapping(_mapping_file(tmp_path, MAPPING.replace('"被叫号码"', '"号码"')))
    with pytest.raises(pseudo.PseudonymiseError, match=r"calls.csv: column '号码' \(mapped to contacts.number_ref\) is not in the file"):
        pseudo.pseudonymise(mapping, KEY, raw[1:], tmp_path / "out")
    text = raw[1].read_text(encoding="utf-8").replace("010-1234 5678", "ext 12")
    raw[1].write_text(text, encoding="utf-8")
    with pytest.raises(pseudo.PseudonymiseError, match="calls.csv row 2 column 被叫号码: not a phone number") as err:
        pseudo.pseudonymise(pseudo.load_mapping(_mapping_file(tmp_path)), KEY, raw[1:], tmp_path / "out")
    assert "12" not in str(err.value).replace("row 2", "")
    assert not (tmp_path / "out" / "contacts.csv").exists() and not list((tmp_path / "out").glob("*.part"))


def test_a_raw_file_must_match_exactly_one_table(tmp_path):
    stray = tmp_path / "other.csv"
    stray.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(pseudo.PseudonymiseError, match="other.csv: matches no table"):
        pseudo.pseudonymise(pseudo.load_mapping(_mapping_file(tmp_path)), KEY, [stray], tmp_path / "out")
