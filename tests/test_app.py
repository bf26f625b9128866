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

from industry_metrics import auth, i18n, paths, registry
from industry_metrics.access import Access, Audience

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
    """Open a page if this audience has it; False when the page is not in its navigation."""
    try:
        at.switch_page(f"app_pages/{page}.py").run()
    except ValueError:
        return False
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
                    assert token not in text, (firm_id, page, token)


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
            assert f.firm_id not in text and f.name_en not in text and f.name_zh not in text, (page, f.firm_id)


def test_the_reports_page_makes_only_a_firms_own_pack(demo_dir, monkeypatch):
    """A firm has no choice of audience or firm on the Reports page; what it makes is its own pack."""
    at = signed_in(demo_dir, monkeypatch, "f003", lang="en")
    assert visit(at, "reports")
    assert "report_audience" not in [r.key for r in at.radio] and "report_firm" not in [s.key for s in at.selectbox]
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
