"""Every page as every audience (AppTest): no exception, the engine's numbers, and no leaks.

Pages are discovered from app_pages/, so a new page joins these tests by existing. For each
demo firm, every other firm's id and name must be absent from everything its pages render;
for the regulator, every firm id and name (they see codes).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from industry_metrics import auth, i18n, judge, paths, registry, tiers
from industry_metrics.access import Access, Audience
from leaks import shows

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py"))


@pytest.fixture(scope="module")
def demo_dir(small_demo):
    return small_demo[0]


def signed_in(demo_dir: Path, monkeypatch, user: str, lang: str = "zh") -> AppTest:
    monkeypatch.setenv(paths.ENV_VAR, str(demo_dir))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["lang"] = lang
    at.run()
    at.text_input(key="signin_user").input(user)
    at.text_input(key="signin_password").input(auth.demo_credentials(demo_dir)[user])
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def visit(at: AppTest, page: str) -> bool:
    """Open a page if this audience has it and show what it holds (Reports builds its pack when asked: ask for the
    preview); False when the page is not in its navigation."""
    try:
        at.switch_page(f"app_pages/{page}.py").run()
    except ValueError:
        return False
    if page == "reports" and not at.exception:
        at.button(key="report_show").click().run()
    return True


def rendered_text(at: AppTest) -> str:
    """Everything a page shows: text elements, tables, metrics, chart specs, widget options."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "success", "warning", "info", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.value.to_csv() for e in at.dataframe]
    parts += [str(e.proto.spec) for e in at.get("plotly_chart")]
    parts += [" ".join(map(str, s.options)) for s in at.selectbox]
    parts += [str(b.proto) for b in at.get("download_button")]
    return "\n".join(parts)


AUDIENCES = {"staff": "association", "f003": "firm", "regulator": "regulator"}


@pytest.mark.parametrize("user", sorted(AUDIENCES))
def test_every_page_renders_for_every_audience(demo_dir, monkeypatch, user):
    at = signed_in(demo_dir, monkeypatch, user)
    opened = 0
    for page in PAGES:
        if visit(at, page):
            opened += 1
            assert not at.exception, (page, [e.value for e in at.exception])
            assert at.title, page
    assert opened >= 3


def test_english_is_one_switch_away(demo_dir, monkeypatch):
    at = signed_in(demo_dir, monkeypatch, "staff", lang="en")
    assert at.title[0].value == i18n.t("overview.title", "en")


def test_scorecard_shows_the_engines_numbers(demo_dir, monkeypatch):
    at = signed_in(demo_dir, monkeypatch, "f003", lang="en")
    visit(at, "scorecard")
    judged = Access(demo_dir, Audience("firm", "F003")).judged("cn")
    latest = sorted(judged.filter(pl.col("grain") == "month")["period"].unique())[-1]
    s01 = judged.filter((pl.col("period") == latest) & (pl.col("standard_id") == "S01")).row(0, named=True)
    table = at.dataframe[0].value
    shown = table[table.iloc[:, 0].str.startswith("S01")].iloc[0, 1]
    assert shown == i18n.fmt_value(s01["value"], "V1", "", "en")


def test_a_firm_never_sees_another_firm(demo_dir, monkeypatch):
    firms = registry.load(demo_dir)
    for firm_id in ("F003", "F010", "F027"):
        at = signed_in(demo_dir, monkeypatch, firm_id.lower(), lang="en")
        others = [f for f in firms.values() if f.firm_id != firm_id]
        for page in PAGES:
            if not visit(at, page):
                continue
            text = rendered_text(at)
            for other in others:
                for token in (other.firm_id, other.name_en, other.name_zh):
                    assert not shows(token, text), (firm_id, page, token)


def test_a_firm_asking_for_another_in_the_url_is_refused(demo_dir, monkeypatch):
    at = signed_in(demo_dir, monkeypatch, "f003", lang="en")
    at.query_params["firm"] = "F005"
    visit(at, "scorecard")
    assert [e.value for e in at.error] == [i18n.t("app.denied", "en")]
    assert "F005" not in rendered_text(at).replace(i18n.t("app.denied", "en"), "")


def test_the_regulator_sees_codes_not_firms(demo_dir, monkeypatch):
    firms = registry.load(demo_dir)
    at = signed_in(demo_dir, monkeypatch, "regulator", lang="en")
    for page in PAGES:
        if not visit(at, page):
            continue
        text = rendered_text(at)
        for f in firms.values():
            for token in (f.firm_id, f.name_en, f.name_zh):
                assert not shows(token, text), (page, token)


def test_a_code_that_happens_to_hold_an_id_is_not_a_leak():
    assert not shows("F017", "M-F01739,✓ Meets") and shows("F017", "F017,✓ Meets") and shows("F017", "(F017)")
    assert shows("甲催收公司", "见甲催收公司的数据")  # CJK characters are not id characters: names still match


def test_the_reports_page_makes_only_a_firms_own_pack(demo_dir, monkeypatch):
    """A firm has no choice of audience or firm on the Reports page; what it makes is its own pack."""
    at = signed_in(demo_dir, monkeypatch, "f003", lang="en")
    assert visit(at, "reports")
    assert "report_audience" not in [r.key for r in at.radio] and "report_firm" not in [s.key for s in at.selectbox]
    assert at.subheader and at.dataframe  # visit() asked for the preview: the pack's title and tables are shown
    at.button(key="report_make").click().run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    assert len(labels) == 1 and "firm-F003-" in labels[0]


def test_the_leak_collector_sees_firms_where_staff_may_see_them(demo_dir, monkeypatch):
    """The leak tests above can fail: the same collector finds firm ids and names on the staff pages."""
    firms = registry.load(demo_dir)
    at = signed_in(demo_dir, monkeypatch, "staff", lang="en")
    visit(at, "firms")
    text = rendered_text(at)
    assert firms["F003"].firm_id in text and firms["F003"].name_en in text


# ---- the numbers each page shows are the engine's, formatted the same way ----------------------

def latest_month(table: pl.DataFrame) -> str:
    return sorted(table.filter(pl.col("grain") == "month")["period"].unique())[-1]


def column(at: AppTest, table: int, label_key: str, row_starts: str) -> str:
    """One cell of a shown table: the row whose first cell starts with `row_starts`, the column named by a catalog key."""
    frame = at.dataframe[table].value
    return frame[frame.iloc[:, 0].astype(str).str.startswith(row_starts)].iloc[0][i18n.t(label_key, "en")]


def test_overview_shows_the_engines_counts_and_industry_values(demo_dir, monkeypatch):
    at = signed_in(demo_dir, monkeypatch, "staff", lang="en")
    visit(at, "overview")
    judged = Access(demo_dir, Audience("association")).judged("cn")
    now = judged.filter(pl.col("period") == latest_month(judged))
    breach = judge.overall(now.filter(pl.col("firm_id") != "ALL")).filter(pl.col("overall") == "breach").height
    shown = {m.label: m.value for m in at.metric}
    assert shown[i18n.t("overview.kpi_breach", "en")] == str(breach)
    s01 = now.filter((pl.col("firm_id") == "ALL") & (pl.col("standard_id") == "S01")).row(0, named=True)
    assert column(at, 0, "scorecard.value", "S01") == i18n.fmt_value(s01["value"], s01["metric_id"], s01["dim"], "en")
    assert column(at, 0, "scorecard.tier", "S01") == tiers.label(s01["tier"], "en")


def test_firms_table_shows_each_firms_tiers_from_the_engine(demo_dir, monkeypatch):
    at = signed_in(demo_dir, monkeypatch, "staff", lang="en")
    visit(at, "firms")
    judged = Access(demo_dir, Audience("association")).judged("cn")
    now = judged.filter((pl.col("period") == latest_month(judged)) & (pl.col("firm_id") == "F003"))
    assert column(at, 0, "firms.overall", "F003") == tiers.label(judge.overall(now)["overall"][0], "en")
    s01 = now.filter(pl.col("standard_id") == "S01")["tier"][0]
    frame = at.dataframe[0].value
    assert frame[frame["firm_id"] == "F003"].iloc[0]["S01"] == tiers.label(s01, "en")


def test_benchmark_shows_the_firms_value_and_the_disclosed_peer_median(demo_dir, monkeypatch):
    at = signed_in(demo_dir, monkeypatch, "f003", lang="en")
    visit(at, "benchmark")
    access = Access(demo_dir, Audience("firm", "F003"))
    own = access.metrics("cn")
    latest = latest_month(own)
    for metric_id in ("V1", "C1"):
        value = own.filter((pl.col("period") == latest) & (pl.col("metric_id") == metric_id) & (pl.col("dim") == ""))["value"][0]
        peers = access.peer_figure("cn", latest, metric_id, firm_id="F003", group="band")
        assert column(at, 0, "benchmark.own", metric_id) == i18n.fmt_value(value, metric_id, "", "en")
        median = "–" if peers.suppressed else i18n.fmt_value(peers.median, metric_id, "", "en")
        assert column(at, 0, "benchmark.median", metric_id) == median


def test_complaints_shows_the_firms_rate_and_upheld_share(demo_dir, monkeypatch):
    at = signed_in(demo_dir, monkeypatch, "f003", lang="en")
    visit(at, "complaints")
    own = Access(demo_dir, Audience("firm", "F003")).metrics("cn")
    now = own.filter((pl.col("period") == latest_month(own)) & (pl.col("dim") == ""))
    shown = {m.label: m.value for m in at.metric}
    for metric_id in ("C1", "C2"):
        value = now.filter(pl.col("metric_id") == metric_id)["value"][0]
        assert shown[i18n.t(f"metric.{metric_id}", "en")] == i18n.fmt_value(value, metric_id, "", "en")


def recovery_values(demo_dir: Path, dim: str) -> dict[str, str]:
    own = Access(demo_dir, Audience("firm", "F003")).metrics("cn")
    now = own.filter((pl.col("period") == latest_month(own)) & (pl.col("dim") == dim))
    return {m: i18n.fmt_value((now.filter(pl.col("metric_id") == m)["value"].to_list() or [None])[0], m, dim, "en")
            for m in ("R1", "R2", "R4")}


def recovery_row(at: AppTest, row: int) -> dict[str, str]:
    frame = at.dataframe[0].value
    return {m: frame.iloc[row][f"{m} {i18n.t('metric.' + m, 'en')}"] for m in ("R1", "R2", "R4")}


def test_recovery_shows_the_engines_values_for_the_chosen_product(demo_dir, monkeypatch):
    own = Access(demo_dir, Audience("firm", "F003")).metrics("cn")
    product = sorted(d.split("=", 1)[1] for d in own["dim"].unique() if d.startswith("product="))[0]
    at = signed_in(demo_dir, monkeypatch, "f003", lang="en")
    at.query_params["product"] = product
    visit(at, "recovery")
    assert not at.exception and at.dataframe[0].value.shape[0] == 2  # the whole book, then the product's row
    assert recovery_row(at, 0) == recovery_values(demo_dir, "")
    assert recovery_row(at, 1) == recovery_values(demo_dir, f"product={product}")


def test_a_breakdown_chosen_on_the_page_goes_into_the_url(demo_dir, monkeypatch):
    at = signed_in(demo_dir, monkeypatch, "f003", lang="en")
    visit(at, "recovery")
    region = [r for r in at.selectbox(key="filter_region").options if r != i18n.t("filter.all", "en")][0]
    at.selectbox(key="filter_region").set_value(region).run()
    assert at.query_params["region"] in (region, [region]) and at.dataframe[0].value.shape[0] == 2


@pytest.mark.parametrize("region", ["999999", "x' OR 1=1 --", ""])
def test_an_unknown_region_in_the_url_falls_back_to_all(demo_dir, monkeypatch, region):
    at = signed_in(demo_dir, monkeypatch, "f003", lang="en")
    at.query_params["region"] = region
    visit(at, "recovery")
    assert not at.exception and not at.error
    assert at.dataframe[0].value.shape[0] == 1 and recovery_row(at, 0) == recovery_values(demo_dir, "")
    assert at.selectbox(key="filter_region").value == "all"


def test_a_firms_product_and_region_choices_are_its_own(demo_dir, monkeypatch):
    own = Access(demo_dir, Audience("firm", "F003")).metrics("cn")
    regions = {d.split("=", 1)[1] for d in own["dim"].unique() if d.startswith("region=")}
    at = signed_in(demo_dir, monkeypatch, "f003", lang="en")
    visit(at, "recovery")
    assert set(at.selectbox(key="filter_region").options) == regions | {i18n.t("filter.all", "en")}
