"""The standards register: the shipped file, every promised error, versions in force, the content hash."""

from __future__ import annotations

import copy
import tomllib
from datetime import date

import pytest

from industry_metrics import metrics, paths, standards
from industry_metrics.standards import RegisterError


@pytest.fixture
def raw() -> dict:
    return tomllib.loads(paths.REGISTER_FILE.read_text(encoding="utf-8"))


def test_shipped_register_loads_with_every_pack():
    reg = standards.load()
    assert reg.default_pack == "cn"
    assert set(reg.packs) == {"cn", "us-regf", "au-accc", "uk-conc"}
    assert [s.id for s in reg.pack("cn").standards] == [f"S{i:02d}" for i in range(1, 13)]
    assert len(reg.content_hash) == 64 and reg.stamp()["register_version"] == reg.version


def test_every_standard_judges_a_metric_the_engine_computes():
    for pack in standards.load().packs.values():
        for s in pack.standards:
            assert s.metric in standards.CATALOGUE
            assert s.metric in metrics.SCALE or s.metric in metrics.RATIO_OF_RATES


def test_every_catalogue_metric_has_a_query():
    sql = "".join(p.read_text(encoding="utf-8") for p in (paths.QUERIES_DIR / "metrics").glob("*.sql"))
    for metric_id in standards.CATALOGUE:
        assert f"'{metric_id}'" in sql, f"no query emits {metric_id}"


def test_pack_parameters_overlay_the_defaults():
    reg = standards.load()
    us = reg.pack("us-regf").metric_params(date(2026, 10, 31))
    assert us["V1"]["quiet_start"] == "21:00" and us["V1"]["quiet_end"] == "08:00"
    assert us["V1"]["channels"] == metrics.DEFAULT_PARAMS["V1"]["channels"]
    au = reg.pack("au-accc").metric_params(date(2026, 10, 31))
    assert au["V1"]["weekend_quiet_end"] == "09:00" and "2026-01-26" in au["V1"]["holidays"]
    assert reg.pack("cn").metric_params(date(2026, 10, 31))["V2"] == {"cap": 3}


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda r: r["packs"]["cn"]["standards"][0].update(colour="red"), "pack cn, standard S01, field colour: unknown field"),
        (lambda r: r["packs"]["cn"]["standards"][1].pop("source"), "pack cn, standard S02, field source: missing field"),
        (lambda r: r["packs"]["cn"]["standards"][2].update(watch=-1.0), "pack cn, standard S03, field watch: must be >= meets"),
        (lambda r: r["packs"]["cn"]["standards"][10].update(watch=0.99), "pack cn, standard S11, field watch: must be <= meets"),
        (lambda r: r["packs"]["cn"]["standards"][3].update(metric="V99"), "pack cn, standard S04, field metric:"),
        (lambda r: r["packs"]["cn"]["standards"][4].update(effective_from="soon"), "pack cn, standard S05, field effective_from:"),
        (lambda r: r["packs"]["cn"]["standards"][0].update(params={"quiet_begin": "22:00"}), "pack cn, standard S01, field params:"),
        (lambda r: r["disclosure"].update(min_contributers=3), "field disclosure.min_contributers: unknown field"),
        (lambda r: r.update(default_pack="xx"), "field default_pack: 'xx' is not a pack"),
    ],
)
def test_bad_registers_name_the_standard_and_the_field(raw, edit, message):
    bad = copy.deepcopy(raw)
    edit(bad)
    with pytest.raises(RegisterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        standards.parse(bad)


def test_overlapping_versions_of_one_standard_are_refused(raw):
    bad = copy.deepcopy(raw)
    first = bad["packs"]["cn"]["standards"][0]
    first["effective_to"] = date(2026, 6, 30)
    second = {**copy.deepcopy(first), "effective_from": date(2026, 6, 1), "effective_to": None, "watch": 3.0}
    second.pop("effective_to")
    bad["packs"]["cn"]["standards"].append(second)
    with pytest.raises(RegisterError, match="pack cn, standard S01, field effective_from: 2026-06-01 overlaps"):
        standards.parse(bad)


def test_a_standard_is_judged_by_the_version_in_force_on_the_last_day(raw):
    edited = copy.deepcopy(raw)
    first = edited["packs"]["cn"]["standards"][0]
    first["effective_to"] = date(2026, 9, 14)
    second = {**copy.deepcopy(first), "effective_from": date(2026, 9, 15), "watch": 3.0}
    second.pop("effective_to")
    edited["packs"]["cn"]["standards"].append(second)
    pack = standards.parse(edited).pack("cn")
    # 2026-08's last day is before the 15th of September: the old version; 2026-09 ends after it
    assert [s.watch for s in pack.in_force(date(2026, 8, 31)) if s.id == "S01"] == [5.0]
    assert [s.watch for s in pack.in_force(date(2026, 9, 30)) if s.id == "S01"] == [3.0]
    # S03 takes effect 2026-01-30: not in force for 2025-12
    assert "S03" not in [s.id for s in pack.in_force(date(2025, 12, 31))]


def test_content_hash_follows_content_not_layout(raw):
    base = standards.parse(raw).content_hash
    assert standards.parse(copy.deepcopy(raw)).content_hash == base
    reformatted = tomllib.loads(paths.REGISTER_FILE.read_text(encoding="utf-8").replace("# ", "#  ") + "\n\n# note\n")
    assert standards.parse(reformatted).content_hash == base
    changed = copy.deepcopy(raw)
    changed["packs"]["cn"]["standards"][0]["watch"] = 6.0
    assert standards.parse(changed).content_hash != base


def test_edited_versions_are_kept_and_the_newest_is_in_force(tmp_path, raw):
    edited = copy.deepcopy(raw)
    edited["version"] = "2026.2"
    edited["packs"]["cn"]["standards"][0]["watch"] = 4.0
    standards.save_version(tmp_path, edited)
    assert standards.load(tmp_path).version == "2026.2"
    assert standards.load(tmp_path).pack("cn").standards[0].watch == 4.0
    with pytest.raises(RegisterError, match="already exists"):
        standards.save_version(tmp_path, edited)
    bad = copy.deepcopy(edited)
    bad["version"] = "2026.3"
    bad["packs"]["cn"]["standards"][0]["watch"] = -1.0
    with pytest.raises(RegisterError, match="standard S01, field watch"):
        standards.save_version(tmp_path, bad)
    assert standards.load(tmp_path).version == "2026.2"  # a rejected edit changes nothing
