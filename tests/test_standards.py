"""The standards register: the shipped file, every promised error, versions in force, the content hash."""

from __future__ import annotations

import copy
import json
import tomllib
from datetime import date

import pytest
import tomli_w

from industry_metrics import metrics, paths, standards
from industry_metrics.standards import RegisterError


@pytest.fixture
def raw() -> dict:
    return tomllib.loads(paths.REGISTER_FILE.read_text(encoding="utf-8"))


def std(raw: dict, sid: str, pack: str = "cn") -> dict:
    return next(s for s in raw["packs"][pack]["standards"] if s["id"] == sid)


def test_shipped_register_loads_with_every_pack():
    reg = standards.load()
    assert reg.version == "2026.1" and reg.default_pack == "cn"
    assert set(reg.packs) == {"cn", "us-regf", "au-accc", "uk-conc"}
    assert [s.id for s in reg.pack().standards] == [f"S{i:02d}" for i in range(1, 13)]
    assert len(reg.content_hash) == 64 and reg.stamp() == {"register_version": "2026.1", "register_hash": reg.content_hash}
    s11 = reg.pack("cn").standards[10]
    assert (s11.metric, s11.direction, s11.meets, s11.watch, s11.min_volume) == ("C3", "higher", 0.95, 0.85, 10)
    assert reg.disclosure.settings().min_contributors == 5 and reg.disclosure.regulator_firm_naming == "codes"
    with pytest.raises(KeyError, match="no standards pack 'xx'"):
        reg.pack("xx")


def test_objects_are_frozen():
    s01 = standards.load().pack("cn").standards[0]
    with pytest.raises(Exception):
        s01.metric = "V2"


def test_catalogue_is_the_spec_list_and_every_standard_judges_a_metric_in_it():
    assert len(standards.CATALOGUE) == 26 and {"R1", "R7", "C6", "V10", "U1", "U2", "A1"} <= set(standards.CATALOGUE)
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
    day = date(2026, 10, 31)
    us = reg.pack("us-regf").metric_params(day)
    assert us["V1"]["quiet_start"] == "21:00" and us["V1"]["quiet_end"] == "08:00"
    assert us["V1"]["channels"] == metrics.DEFAULT_PARAMS["V1"]["channels"]
    assert us["U1"] == {"max_calls": 7, "window_days": 7} and us["V2"] == {"cap": 3}  # V2 not in the pack: default
    au = reg.pack("au-accc").metric_params(day)
    assert au["V1"]["weekend_quiet_end"] == "09:00" and au["V1"]["channels"] == ["call", "ivr"]
    # 2026 national public holidays: Easter 2026 is 5 April; Boxing Day (a Saturday) has its Monday substitute
    assert {"2026-01-01", "2026-01-26", "2026-04-03", "2026-04-06", "2026-04-25", "2026-12-25", "2026-12-28"} <= set(
        au["V1"]["holidays"])
    assert reg.pack("cn").metric_params(day) == metrics.DEFAULT_PARAMS  # the cn pack is the engine's default
    assert metrics.resolve_params(au)  # the engine accepts what the register gives


def _edit_std(sid, pack="cn", **changes):
    def edit(r):
        s = std(r, sid, pack)
        for key, value in changes.items():
            if value is ...:
                s.pop(key)
            elif key == "thresholds":
                s["thresholds"].update(value)
            else:
                s[key] = value
    return edit


@pytest.mark.parametrize(
    "edit, message",
    [
        (_edit_std("S01", colour="red"), "pack cn, standard S01, field colour: unknown field"),
        (_edit_std("S02", source=...), "pack cn, standard S02, field source: missing field"),
        (_edit_std("S02", thresholds={"extra": 1}), "pack cn, standard S02, field thresholds.extra: unknown field"),
        (lambda r: std(r, "S04")["thresholds"].pop("meets"), "pack cn, standard S04, field thresholds.meets: missing field"),
        (_edit_std("S03", thresholds={"watch": -1.0}),
         "standards.toml: pack cn, standard S03, field thresholds.watch: must be >= meets for a lower-is-better standard"),
        (_edit_std("S11", thresholds={"watch": 0.99}),
         "pack cn, standard S11, field thresholds.watch: must be <= meets for a higher-is-better standard"),
        (_edit_std("S04", metric="V99"), "pack cn, standard S04, field metric: 'V99' is not in the metric catalogue"),
        (_edit_std("S05", effective_from="soon"), "pack cn, standard S05, field effective_from: Input should be a valid date"),
        (_edit_std("S05", effective_to=date(2023, 12, 31)),
         "pack cn, standard S05, field effective_to: 2023-12-31 is before effective_from 2024-01-01"),
        (_edit_std("S06", direction="up"), "pack cn, standard S06, field direction:"),
        (_edit_std("S07", min_volume=-1), "pack cn, standard S07, field min_volume:"),
        (_edit_std("S01", params={"quiet_begin": "22:00"}), "pack cn, standard S01, field params: \\['quiet_begin'\\] are not"),
        (_edit_std("S01", params={"quiet_start": "22h"}), "pack cn, standard S01, field params.quiet_start: '22h' is not a time"),
        (_edit_std("AU01", pack="au-accc", params={"holidays": ["2026-02-30"]}),
         "pack au-accc, standard AU01, field params.holidays: '2026-02-30' is not an ISO date"),
        (_edit_std("S01", params={"channels": ["fax"]}), "pack cn, standard S01, field params.channels:"),
        (_edit_std("S02", params={"cap": "three"}), "pack cn, standard S02, field params.cap: 'three' is not a whole number"),
        (_edit_std("S04", params={"cap": 3}), "pack cn, standard S04, field params: \\['cap'\\] are not parameters of V4"),
        (lambda r: r["packs"]["cn"].update(colour="red"), "pack cn, field colour: unknown field"),
        (lambda r: r["disclosure"].update(min_contributers=3), "field disclosure.min_contributers: unknown field"),
        (lambda r: r["disclosure"].update(dominance_share=1.5), "field disclosure.dominance_share:"),
        (lambda r: r.pop("disclosure"), "field disclosure: missing field"),
        (lambda r: r.update(default_pack="xx"), "field default_pack: 'xx' is not a pack"),
        (lambda r: r.update(version="2026/2"), "field version:"),
    ],
)
def test_bad_registers_name_the_pack_the_standard_and_the_field(raw, edit, message):
    bad = copy.deepcopy(raw)
    edit(bad)
    with pytest.raises(RegisterError, match=message):
        standards.parse(bad)


def _second_version(raw: dict, sid: str, first_to: date, second_from: date, **changes) -> dict:
    edited = copy.deepcopy(raw)
    first = std(edited, sid)
    first["effective_to"] = first_to
    second = {**copy.deepcopy(first), "effective_from": second_from, **changes}
    second.pop("effective_to")
    edited["packs"]["cn"]["standards"].append(second)
    return edited


def test_overlapping_versions_of_one_standard_are_refused(raw):
    bad = _second_version(raw, "S01", date(2026, 6, 30), date(2026, 6, 1))
    with pytest.raises(RegisterError, match="pack cn, standard S01, field effective_from: 2026-06-01 overlaps the version "
                                            "in force from 2024-05-15 to 2026-06-30"):
        standards.parse(bad)
    duplicate = copy.deepcopy(raw)
    duplicate["packs"]["cn"]["standards"].append(copy.deepcopy(std(raw, "S02")))  # two open-ended versions
    with pytest.raises(RegisterError, match="pack cn, standard S02, field effective_from"):
        standards.parse(duplicate)


def test_two_standards_may_not_give_one_metric_different_parameters(raw):
    bad = copy.deepcopy(raw)
    clash = {**copy.deepcopy(std(raw, "S01")), "id": "S13", "params": {"quiet_start": "21:00"}}
    bad["packs"]["cn"]["standards"].append(clash)
    with pytest.raises(RegisterError, match="pack cn, standard S13, field params.quiet_start: differs from standard S01"):
        standards.parse(bad)


def test_the_version_in_force_on_a_day(raw):
    pack = standards.parse(_second_version(raw, "S01", date(2026, 9, 14), date(2026, 9, 15),
                                           thresholds={"meets": 0.0, "watch": 3.0})).pack("cn")
    # a version from the 15th is not in force on the previous month's last day
    assert [s.watch for s in pack.in_force(date(2026, 8, 31)) if s.id == "S01"] == [5.0]
    assert [s.watch for s in pack.in_force(date(2026, 9, 14)) if s.id == "S01"] == [5.0]
    assert [s.watch for s in pack.in_force(date(2026, 9, 30)) if s.id == "S01"] == [3.0]
    # S03 takes effect 2026-01-30: not in force for 2025-12, nor on 2026-01-29
    assert "S03" not in [s.id for s in pack.in_force(date(2025, 12, 31))]
    assert "S03" not in [s.id for s in pack.in_force(date(2026, 1, 29))]
    assert "S03" in [s.id for s in pack.in_force(date(2026, 1, 31))]


def test_content_hash_follows_content_not_layout(raw):
    base = standards.parse(raw).content_hash
    assert standards.load().content_hash == base
    text = paths.REGISTER_FILE.read_text(encoding="utf-8")
    relaid = text.replace("# ", "#  ").replace(" = ", "   =   ").replace("min_volume   =   1000\n", "min_volume = 1000.0\n")
    assert standards.parse(tomllib.loads(relaid + "\n\n# a note\n")).content_hash == base
    changed = copy.deepcopy(raw)
    std(changed, "S01")["thresholds"]["watch"] = 6.0
    assert standards.parse(changed).content_hash != base
    retitled = copy.deepcopy(raw)
    std(retitled, "S10")["title_en"] = "Complaints"
    assert standards.parse(retitled).content_hash != base


def test_save_writes_a_file_that_loads_back_identically(tmp_path):
    reg = standards.load()
    target = tmp_path / "copy.toml"
    standards.save(reg, target)
    again = standards.load(target)
    assert again == reg and again.content_hash == reg.content_hash
    assert not list(tmp_path.glob("*.tmp"))


def test_save_validates_an_object_edited_in_memory(tmp_path):
    reg = standards.load()
    s01 = reg.pack("cn").standards[0]
    broken = s01.model_copy(update={"thresholds": standards.Thresholds(meets=5.0, watch=1.0)})  # model_copy skips checks
    pack = reg.pack("cn").model_copy(update={"standards": (broken, *reg.pack("cn").standards[1:])})
    edited = reg.model_copy(update={"packs": {**reg.packs, "cn": pack}})
    with pytest.raises(RegisterError, match="standard S01, field thresholds.watch: must be >= meets"):
        standards.save(edited, tmp_path / "x.toml")
    assert not (tmp_path / "x.toml").exists()
    fine = s01.model_copy(update={"thresholds": standards.Thresholds(meets=0.0, watch=4.0)})
    pack = reg.pack("cn").model_copy(update={"standards": (fine, *reg.pack("cn").standards[1:])})
    saved = standards.save(reg.model_copy(update={"packs": {**reg.packs, "cn": pack}}), tmp_path / "x.toml")
    assert saved.content_hash != reg.content_hash == edited.content_hash  # the hash is recomputed on save
    assert standards.load(tmp_path / "x.toml").content_hash == saved.content_hash


def test_edited_versions_are_kept_and_the_newest_is_in_force(tmp_path, raw):
    assert standards.load(tmp_path).version == "2026.1"  # nothing edited yet: the shipped register
    edited = copy.deepcopy(raw)
    edited["version"] = "2026.2"
    std(edited, "S01")["thresholds"]["watch"] = 4.0
    first = standards.save_version(tmp_path, edited)
    assert first.name == "0001-2026.2.toml"
    assert standards.load(tmp_path).version == "2026.2"
    assert standards.load(tmp_path).pack("cn").standards[0].watch == 4.0
    with pytest.raises(RegisterError, match="version 2026.2 already exists"):
        standards.save_version(tmp_path, edited)
    bad = copy.deepcopy(edited)
    bad["version"] = "2026.3"
    std(bad, "S01")["thresholds"]["watch"] = -1.0
    with pytest.raises(RegisterError, match="standard S01, field thresholds.watch"):
        standards.save_version(tmp_path, bad)
    assert standards.load(tmp_path).version == "2026.2"  # a rejected edit changes nothing
    third = standards.save_version(tmp_path, standards.parse({**edited, "version": "2026.3"}))
    assert third.name == "0002-2026.3.toml" and first.exists()
    assert standards.load(tmp_path).version == "2026.3"


def test_unreadable_files_are_clear_errors(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("version = \n", encoding="utf-8")
    with pytest.raises(RegisterError, match="broken.toml: not valid TOML"):
        standards.load(broken)
    with pytest.raises(RegisterError, match="no such register file"):
        standards.load(tmp_path / "missing.toml")


def test_cli_prints_the_pack_in_force(tmp_path):
    from click.testing import CliRunner

    from industry_metrics.cli import main

    runner = CliRunner()
    args = ["standards", "--data-dir", str(tmp_path)]
    out = runner.invoke(main, [*args, "--as-of", "2026-10-31"])
    assert out.exit_code == 0, out.output
    assert "S01  未经债务人同意，不得在22:00至次日08:00进行催收联系" in out.output
    assert "达标 ≥ 95% · 关注 ≥ 85% · 违规 < 85%" in out.output  # S11, higher is better
    assert "关注 — · 违规 > 0（每万）" in out.output  # S05 has no watch band
    early = runner.invoke(main, [*args, "--as-of", "2025-12-31", "--lang", "en"])
    assert "S02  At most 3 connected calls" in early.output and "S03" not in early.output
    assert "min volume 50 vulnerable cases" in early.output
    js = runner.invoke(main, [*args, "--pack", "au-accc", "--format", "json", "--as-of", "2026-10-31"])
    body = json.loads(js.output)
    assert [s["id"] for s in body["standards"]] == ["AU01", "AU02"] and body["register_version"] == "2026.1"
    assert body["metric_params"]["V1"]["weekend_quiet_end"] == "09:00" and len(body["register_hash"]) == 64
    bad = runner.invoke(main, [*args, "--pack", "xx"])
    assert bad.exit_code == 2 and "no standards pack 'xx'" in bad.output


def test_cli_check_lists_every_error(tmp_path, raw):
    from click.testing import CliRunner

    from industry_metrics.cli import main

    runner = CliRunner()
    ok = runner.invoke(main, ["standards", "check", str(paths.REGISTER_FILE)])
    assert ok.exit_code == 0 and "valid register 2026.1, 4 packs, 20 standards" in ok.output
    bad = copy.deepcopy(raw)
    std(bad, "S03")["thresholds"]["watch"] = -1.0
    std(bad, "US02", "us-regf")["metric"] = "U9"
    file = tmp_path / "edited.toml"
    file.write_text(tomli_w.dumps(bad), encoding="utf-8")
    out = runner.invoke(main, ["standards", "check", str(file)])
    assert out.exit_code == 1
    assert out.output.splitlines() == [
        "edited.toml: pack cn, standard S03, field thresholds.watch: must be >= meets for a lower-is-better standard",
        "edited.toml: pack us-regf, standard US02, field metric: 'U9' is not in the metric catalogue "
        + ", ".join(standards.CATALOGUE),
    ]


def test_staff_edits_in_the_app_become_a_validated_audited_version(tmp_path):
    from datetime import datetime, timezone

    import polars as pl

    from industry_metrics import audit, auth
    from industry_metrics.ui import editor

    register = standards.load(tmp_path)
    pack = register.pack("cn")
    rows = pl.DataFrame({"id": [s.id for s in pack.standards], "meets": [s.meets for s in pack.standards],
                         "watch": [s.watch for s in pack.standards], "min_volume": [s.min_volume for s in pack.standards]})
    now = datetime.now(timezone.utc)
    who = auth.Identity("ann", "association", None, "Ann", now, now)
    edited = rows.with_columns(pl.when(pl.col("id") == "S01").then(3.0).otherwise(pl.col("watch")).alias("watch"))
    editor.save_thresholds(tmp_path, register, "cn", edited, "2026.2", who)
    assert standards.load(tmp_path).version == "2026.2"
    assert standards.load(tmp_path).pack("cn").standards[0].watch == 3.0
    entry = audit.read(tmp_path).row(0, named=True)
    assert entry["action"] == "register_edit" and '"S01"' in entry["details"]
    wrong = rows.with_columns(pl.when(pl.col("id") == "S02").then(-1.0).otherwise(pl.col("watch")).alias("watch"))
    with pytest.raises(RegisterError, match="S02"):
        editor.save_thresholds(tmp_path, standards.load(tmp_path), "cn", wrong, "2026.3", who)
    assert standards.load(tmp_path).version == "2026.2"


def test_a_register_file_edited_in_place_reads_anew_at_once(tmp_path, raw):
    """load() keeps parsed registers by the file's text: the same text is parsed once, an edit shows at once."""
    target = tmp_path / "standards.toml"
    target.write_text(tomli_w.dumps(raw), encoding="utf-8")
    first = standards.load(target)
    assert standards.load(target) is first  # not parsed again
    edited = copy.deepcopy(raw)
    edited["packs"]["cn"]["standards"][0]["thresholds"]["watch"] += 1
    target.write_text(tomli_w.dumps(edited), encoding="utf-8")  # same name, same second, same length or not
    again = standards.load(target)
    assert again.pack("cn").standards[0].watch == first.pack("cn").standards[0].watch + 1
    target.write_text("not = [valid", encoding="utf-8")
    with pytest.raises(RegisterError, match="not valid TOML"):
        standards.load(target)
