"""Report packs end to end on the shared demo: the CLI per audience, the engine's numbers, XLSX, manifest,
reproducibility, an earlier snapshot after a newer submission, and bursting without leaks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from industry_metrics import i18n, ingest, pipeline, registry, standards
from industry_metrics.access import Access, Audience, firm_codes
from industry_metrics.cli import main
from industry_metrics.reports import manifest, run
from leaks import shows
from industry_metrics.store import sha256_file

PERIOD = "2026-10"
FAST = ("xlsx", "csv", "parquet")  # every format but the PDF, whose charts take seconds each to draw


@pytest.fixture(scope="module")
def demo_dir(small_demo) -> Path:
    return small_demo[0]


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, ["report", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def packs(demo_dir, tmp_path_factory) -> dict[str, Path]:
    """One pack per audience, made through the CLI (the firm pack in English, the others in Chinese)."""
    out = tmp_path_factory.mktemp("packs")
    made = {}
    for audience, extra, lang in (("regulator", [], "zh"), ("association", [], "zh"), ("firm", ["--firm", "F003"], "en")):
        printed = cli("--audience", audience, *extra, "--period", PERIOD, "--format", ",".join(FAST), "--lang", lang,
                      "--out", str(out), "--data-dir", str(demo_dir))
        made[audience] = Path(printed.strip().splitlines()[-1])
    return made


# ---- the CLI ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("audience", ["regulator", "association", "firm"])
def test_the_cli_writes_a_whole_pack_for_each_audience(packs, audience):
    folder = packs[audience]
    listed = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert "pack.xlsx" in listed
    for section in ("cover", "breaches", "trend", "stage_mix", "fee_mix", "methodology_metrics", "methodology_standards",
                    "suppression", "metrics"):
        assert f"csv/{section}.csv" in listed and f"parquet/{section}.parquet" in listed, section
    assert ("csv/peers.csv" in listed) == (audience == "firm")
    assert ("csv/firms.csv" in listed) == (audience != "firm")
    assert ("csv/firm_stages.csv" in listed) == (audience != "regulator")  # never case-level views for a regulator
    assert manifest.verify(folder) == []


@pytest.mark.parametrize("args, words", [
    (["--audience", "firm", "--period", PERIOD], "--audience firm needs --firm"),
    (["--audience", "regulator", "--firm", "F003", "--period", PERIOD], "use them with --audience firm"),
    (["--audience", "association", "--all-firms", "--period", PERIOD], "use them with --audience firm"),
    (["--audience", "regulator", "--period", "2026-13"], "'2026-13' is not YYYY-MM"),
    (["--audience", "regulator", "--period", "2019-01"], "periods with data: 2026"),
    (["--audience", "firm", "--firm", "F999", "--period", PERIOD], "firm 'F999' is not in the firm registry"),
    (["--audience", "regulator", "--period", PERIOD, "--snapshot", "99999"], "snapshot 99999 does not exist"),
    (["--audience", "regulator", "--period", PERIOD, "--format", "xlsx,docx"], "format docx: choose from"),
])
def test_the_cli_says_what_was_wrong(demo_dir, tmp_path, args, words):
    result = CliRunner().invoke(main, ["report", *args, "--out", str(tmp_path), "--data-dir", str(demo_dir)])
    assert result.exit_code != 0
    assert words in result.output
    assert "Traceback" not in result.output


# ---- the numbers are the engine's ------------------------------------------------------------------

def test_industry_figures_are_the_engines_to_the_last_digit(demo_dir, packs):
    judged = Access(demo_dir, Audience("regulator")).judged("cn")
    expected = judged.filter((pl.col("firm_id") == "ALL") & (pl.col("period") == PERIOD)).select("standard_id", "value", "tier")
    shown = pl.read_csv(packs["regulator"] / "csv/industry_standards.csv").select("standard_id", "value", "tier")
    assert shown.sort("standard_id").to_dicts() == expected.sort("standard_id").to_dicts()
    assert pl.read_parquet(packs["regulator"] / "parquet/industry_standards.parquet").select(
        "standard_id", "value", "tier").sort("standard_id").to_dicts() == expected.sort("standard_id").to_dicts()


def test_a_firm_pack_holds_its_own_figures_and_the_disclosure_engines_peer_figures(demo_dir, packs):
    access = Access(demo_dir, Audience("firm", "F003"))
    own = access.judged("cn").filter(pl.col("period") == PERIOD).select("standard_id", "value", "tier").sort("standard_id")
    assert pl.read_csv(packs["firm"] / "csv/own_standards.csv").select("standard_id", "value", "tier").to_dicts() == own.to_dicts()
    peers = pl.read_csv(packs["firm"] / "csv/peers.csv", schema_overrides={"suppressed": pl.String})
    for row in peers.iter_rows(named=True):
        figure = access.peer_figure("cn", PERIOD, row["metric_id"], firm_id="F003",
                                    lower_is_better=(row["metric_id"] not in ("R2", "R3", "R7", "C3")))
        assert row["suppressed"] == figure.reason, row["metric_id"]
        assert row["median"] == figure.median and row["p25"] == figure.p25, row["metric_id"]


def test_the_regulator_sees_codes_and_staff_see_names(demo_dir, packs):
    codes = firm_codes(demo_dir, sorted(registry.load(demo_dir)))
    regulator = pl.read_csv(packs["regulator"] / "csv/firms.csv")
    assert set(regulator["firm_id"]) <= set(codes.values()) and regulator["name"].to_list() == regulator["firm_id"].to_list()
    staff = pl.read_csv(packs["association"] / "csv/firms.csv")
    assert set(staff["firm_id"]) <= set(codes) and "F003" in staff["firm_id"].to_list()


# ---- XLSX ------------------------------------------------------------------------------------------

def test_xlsx_numbers_are_numbers_with_formats_frozen_headers_and_reasons_in_suppressed_cells(packs):
    book = openpyxl.load_workbook(packs["firm"] / "pack.xlsx")
    peers = book[i18n.t("report.section.peers", "en")[:31]]
    assert peers.freeze_panes == "A2"
    header = [c.value for c in peers[1]]
    assert header[:3] == [i18n.t("report.col.metric_id", "en"), i18n.t("report.col.name", "en"), i18n.t("report.col.value", "en")]
    rows = {r[0].value: r for r in peers.iter_rows(min_row=2) if r[0].value}
    median = header.index(i18n.t("report.col.median", "en"))
    v1 = rows["V1"]
    assert isinstance(v1[2].value, float) and v1[2].number_format == "#,##0.00"  # V1 is per 10,000: a rate
    # R2 is a recovery metric of the latest month: withheld for the lag, with the reason's words in the cell
    r2 = rows["R2"]
    assert r2[median].value == i18n.t("reason.recovery_lag", "en")
    assert r2[median].comment is not None and i18n.t("reason.recovery_lag", "en") in r2[median].comment.text
    assert r2[median].fill.fgColor.rgb.endswith("DDDDDD")
    standards_sheet = book[i18n.t("report.section.own_standards", "en")[:31]]
    head = [c.value for c in standards_sheet[1]]
    formats = {r[0].value: r[head.index(i18n.t("report.col.value", "en"))] for r in standards_sheet.iter_rows(min_row=2) if r[0].value}
    assert formats["S11"].number_format == "0.0%"  # complaints closed within 15 days: a share
    assert standards_sheet.freeze_panes == "A2"


# ---- the manifest ----------------------------------------------------------------------------------

def test_the_manifest_names_sources_register_code_queries_suppressions_and_every_files_sha256(demo_dir, packs):
    folder = packs["firm"]
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    register = standards.load(demo_dir)
    assert data["register"] == {"version": register.version, "hash": register.content_hash}
    assert data["code"]["package_version"] and data["code"]["version"].startswith(data["code"]["package_version"])
    assert data["pack"]["snapshot_id"] == Access(demo_dir, Audience("association")).snapshot.id
    subs = data["submissions"]
    assert subs and {s["firm_id"] for s in subs} == {"F003"}
    stored = {s["submission_id"]: s for s in Access(demo_dir, Audience("association")).snapshot.accepted}
    for s in subs:
        assert s["tables"]["contacts"]["sha256"] == stored[s["submission_id"]]["tables"]["contacts"]["sha256"]
    reads = {r["read"] for r in data["queries"]["reads"]}
    assert {"judged", "metrics", "peer_figure", "stage_mix", "fee_mix"} <= reads
    assert any(q["name"].startswith("metrics/") for q in data["queries"]["sql"]) and data["queries"]["metric_params"]["V2"]["cap"]
    assert data["queries"]["metric_engine"] == "duckdb"  # the demo's metric table is refreshed by DuckDB
    log = pl.read_csv(folder / "csv/suppression.csv")
    assert len(data["suppression_log"]) == log.height > 0
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json")
    assert sorted(data["files"]) == on_disk
    for rel, entry in data["files"].items():
        assert sha256_file(folder / rel) == entry["sha256"]
    (folder / "csv/fee_mix.csv").write_text("tampered\n")
    assert manifest.verify(folder) == ["csv/fee_mix.csv"]
    shutil.rmtree(folder)  # the tampered pack is not used again


# ---- reproducible ----------------------------------------------------------------------------------

def test_the_same_snapshot_register_and_code_give_the_same_bytes(demo_dir, tmp_path):
    folders = [run.write_pack(demo_dir, Audience("regulator"), PERIOD, FAST, "zh", tmp_path / name,
                              now=datetime(2026, 11, day, tzinfo=timezone.utc)) for name, day in (("a", 1), ("b", 2))]
    first, second = (json.loads((f / "manifest.json").read_text(encoding="utf-8")) for f in folders)
    assert first.pop("generated_at") != second.pop("generated_at")
    assert first == second
    for rel in first["files"]:
        assert (folders[0] / rel).read_bytes() == (folders[1] / rel).read_bytes(), rel


# ---- an earlier snapshot ---------------------------------------------------------------------------

def test_a_pack_for_an_earlier_snapshot_shows_the_earlier_numbers(demo_dir, tmp_path):
    from submission_factory import valid_tables, write_all_csv

    data_dir = tmp_path / "demo"
    shutil.copytree(demo_dir, data_dir)  # the shared demo is never written
    before = Access(data_dir, Audience("association")).snapshot.id
    old = Access(data_dir, Audience("firm", "F003"), before).judged("cn").filter(pl.col("period") == PERIOD)
    result = ingest.ingest(data_dir, "F003", PERIOD, write_all_csv(tmp_path / "v2", valid_tables()), confirm=True)
    assert result.status == "accepted"
    pipeline.after_submission(data_dir, result.record)
    new = Access(data_dir, Audience("firm", "F003")).judged("cn").filter(pl.col("period") == PERIOD)
    assert old.select("standard_id", "value").sort("standard_id").to_dicts() != new.select("standard_id", "value").sort("standard_id").to_dicts()
    folder = run.write_pack(data_dir, Audience("firm", "F003"), PERIOD, ["csv"], "en", tmp_path / "out", snapshot_id=before)
    shown = pl.read_csv(folder / "csv/own_standards.csv").select("standard_id", "value")
    assert shown.to_dicts() == old.select("standard_id", "value").sort("standard_id").to_dicts()
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert data["pack"]["snapshot_id"] == before
    assert f"F003_{PERIOD}_v2" not in {s["submission_id"] for s in data["submissions"]}


# ---- bursting and leaks ----------------------------------------------------------------------------

def _xlsx_text(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    cells = [repr(c.value) if isinstance(c.value, float) else str(c.value)
             for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    comments = [c.comment.text for sheet in book for row in sheet.iter_rows() for c in row if c.comment]
    return "\n".join(cells + comments + book.sheetnames)


def _parquet_text(path: Path) -> str:
    frame = pl.read_parquet(path)
    return "\n".join([*frame.columns, *(repr(v) if isinstance(v, float) else str(v) for row in frame.iter_rows() for v in row)])


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout


# every format run.FORMATS can write must have a reader here, or the leak test would not see inside it
TEXT_OF = {"pdf": _pdf_text, "xlsx": _xlsx_text, "csv": lambda p: p.read_text(encoding="utf-8"), "parquet": _parquet_text}
SUFFIX = {"pdf": ".pdf", "xlsx": ".xlsx", "csv": ".csv", "parquet": ".parquet"}


def pack_text(folder: Path) -> str:
    parts = [(folder / "manifest.json").read_text(encoding="utf-8")]
    for fmt, reader in TEXT_OF.items():
        parts += [reader(p) for p in sorted(folder.rglob(f"*{SUFFIX[fmt]}"))]
    return "\n".join(parts)


def test_every_format_the_writer_offers_can_be_read_by_the_leak_test():
    assert set(run.FORMATS) <= set(TEXT_OF)


def _other_firms_figures(demo_dir: Path, firm_id: str, pack: Path) -> dict[str, set[str]]:
    """Each other firm's distinctive figures of the period (exact reprs), minus any the pack may show (peer order statistics)."""
    table = Access(demo_dir, Audience("association")).metrics("cn").filter(
        (pl.col("period") == PERIOD) & ~pl.col("firm_id").is_in([firm_id, "ALL"]))
    # what the pack may show: the peer order statistics (a median is some firm's value) and the firm's own figures
    own = Access(demo_dir, Audience("firm", firm_id)).metrics("cn")["value"].drop_nulls().to_list()
    allowed = set(_parquet_text(pack / "parquet/peers.parquet").split("\n")) | {repr(v) for v in own}
    out: dict[str, set[str]] = {}
    for firm, value in table.select("firm_id", "value").iter_rows():
        if isinstance(value, float) and _distinctive(value) and repr(value) not in allowed:
            out.setdefault(firm, set()).add(repr(value))
    return out


def _distinctive(value: float) -> bool:
    """A value that would not turn up by chance: not a small fraction like 1/3 or 5/8, and with many digits."""
    if any(abs(value * q - round(value * q)) < 1e-9 for q in range(1, 41)):
        return False
    return len(repr(value).replace(".", "").lstrip("0")) >= 8


def _assert_no_other_firm(demo_dir: Path, firm_id: str, folder: Path) -> None:
    firms = registry.load(demo_dir)
    codes = firm_codes(demo_dir, sorted(firms))
    text = pack_text(folder)
    assert firm_id in text  # the collector does see a firm id where one is allowed
    figures = _other_firms_figures(demo_dir, firm_id, folder)
    for other in firms.values():
        if other.firm_id == firm_id:
            continue
        for token in (other.firm_id, other.name_en, other.name_zh, codes[other.firm_id]):
            assert not shows(token, text), (firm_id, token)
        for figure in figures.get(other.firm_id, ()):
            assert figure not in text, (firm_id, other.firm_id, figure)


def test_bursting_writes_one_pack_per_firm_each_under_its_own_access_and_none_leaks(demo_dir, tmp_path):
    seen = []
    folders = run.write_member_packs(demo_dir, PERIOD, FAST, "zh", tmp_path, progress=lambda label, f: seen.append((label, f)))
    firms = run.member_firms(demo_dir, PERIOD)
    assert len(folders) == len(firms) == 30 and seen[-1] == ("done", 1.0)
    for firm_id, folder in zip(firms, folders):
        assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["pack"]["firm_id"] == firm_id
        _assert_no_other_firm(demo_dir, firm_id, folder)


def test_the_cli_bursts_one_csv_pack_per_member_firm(demo_dir, tmp_path):
    # one process: in-process (CliRunner) the main module is pytest's, which spawned workers cannot re-import;
    # the CLI's worker processes are tested from their own interpreter below
    printed = cli("--audience", "firm", "--all-firms", "--period", PERIOD, "--format", "csv", "--lang", "en",
                  "--workers", "1", "--out", str(tmp_path), "--data-dir", str(demo_dir))
    folders = [Path(line) for line in printed.strip().splitlines()]
    made = [json.loads((f / "manifest.json").read_text(encoding="utf-8"))["pack"]["firm_id"] for f in folders]
    assert made == run.member_firms(demo_dir, PERIOD) and len(set(made)) == 30
    assert all(manifest.verify(f) == [] for f in folders)


def test_a_burst_in_worker_processes_writes_the_same_packs_as_one_process(demo_dir, tmp_path):
    """The CLI's two-process burst (run in its own interpreter: the workers re-import its main) against one process."""
    one = run.write_member_packs(demo_dir, PERIOD, ("csv", "parquet"), "en", tmp_path / "one", workers=1)
    done = subprocess.run([sys.executable, "-m", "industry_metrics", "report", "--audience", "firm", "--all-firms",
                           "--period", PERIOD, "--format", "csv,parquet", "--lang", "en", "--workers", "2",
                           "--out", str(tmp_path / "two"), "--data-dir", str(demo_dir)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    two = [Path(line) for line in done.stdout.strip().splitlines()]
    assert [f.name for f in one] == [f.name for f in two] and len(one) == 30
    for a, b in zip(one, two):
        files = sorted(p.relative_to(a) for p in a.rglob("*.*") if p.name != "manifest.json")
        assert files and files == sorted(p.relative_to(b) for p in b.rglob("*.*") if p.name != "manifest.json")
        assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def test_member_packs_in_every_format_leak_nothing(demo_dir, tmp_path):
    """All of run.FORMATS (the PDF too) for three firms: the PDF's charts make a full burst too slow for a test."""
    folders = run.write_member_packs(demo_dir, PERIOD, run.FORMATS, "en", tmp_path, firms=["F003", "F010", "F027"])
    for firm_id, folder in zip(["F003", "F010", "F027"], folders):
        assert {p.suffix for p in folder.rglob("*.*")} >= {SUFFIX[f] for f in run.FORMATS}
        _assert_no_other_firm(demo_dir, firm_id, folder)


def test_the_regulator_pack_names_no_firm_when_the_register_says_codes(demo_dir, packs):
    assert standards.load(demo_dir).disclosure.regulator_firm_naming == "codes"
    text = pack_text(packs["regulator"])
    for firm in registry.load(demo_dir).values():
        for token in (firm.firm_id, firm.name_en, firm.name_zh):
            assert not shows(token, text), token


# ---- the Reports page's helpers --------------------------------------------------------------------

def test_the_page_zips_what_run_write_writes_and_audits_the_download(demo_dir, tmp_path, monkeypatch):
    import hashlib
    import io
    import zipfile
    from datetime import datetime as dt

    from industry_metrics import audit, auth, paths
    from industry_metrics.ui import report as report_ui

    built = run.build_pack(demo_dir, Audience("firm", "F003"), PERIOD, "en")
    monkeypatch.setenv(paths.ENV_VAR, str(demo_dir))  # read-only: the page's data dir while writing the files
    name, payload = report_ui.make_zip(built, ["csv", "xlsx"])
    assert name == f"firm-F003-{PERIOD}-s{built.snapshot_id}-en.zip"
    listed = zipfile.ZipFile(io.BytesIO(payload)).namelist()
    assert f"{name[:-4]}/manifest.json" in listed and f"{name[:-4]}/pack.xlsx" in listed
    assert report_ui.shown(built.section("peers")).columns[0] == i18n.t("report.col.metric_id", "en")
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))  # the audit log goes to a scratch data dir, never the demo
    who = auth.Identity("f003", "firm", "F003", "F003", dt.now(timezone.utc), dt.now(timezone.utc))
    report_ui.audited_download(who, name, payload, built, ["csv", "xlsx"])
    event = audit.read(tmp_path, action="report_download").row(0, named=True)
    assert event["actor"] == "f003" and event["target"] == name
    assert json.loads(event["details"])["sha256"] == hashlib.sha256(payload).hexdigest()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_section_has_distinct_header_words_in_both_languages(demo_dir, lang):
    """Two columns with the same words would be one column to a reader (and the page's table refuses them)."""
    for audience in (Audience("association"), Audience("firm", "F003")):
        built = run.build_pack(demo_dir, audience, PERIOD, lang)
        for section in (*built.sections, *built.data_tables):
            words = [section.headers[c] for c in section.frame.columns]
            assert len(words) == len(set(words)), (lang, section.id, words)
