"""Build a report pack's content (model.Pack) from one audience's Access: one small function per section.

Every number comes from an Access read (access.py applies scope, codes and disclosure), so a pack
shows exactly what that audience may see and nothing is recomputed here: a figure in a pack is the
metric engine's figure. Frames hold stable codes (tier, reason, stage); the words for them travel
in Section.labels, so CSV/Parquet stay language-neutral while XLSX and PDF read in the pack's language.
"""

from __future__ import annotations

import polars as pl

from .. import charts, i18n, judge, metrics, periods, tiers
from ..access import Access
from .context import Build, ReportError, value_format
from .methodology import methodology_metrics, methodology_standards, suppression
from .model import Chart, Pack, Section

__all__ = ["Build", "ReportError", "build", "value_format"]

PEER_METRICS = ("V1", "V2", "V3", "V4", "V5", "V6", "V7", "V9", "C1", "C3", "R2", "R3", "R7")
TREND_CHARTS = 4  # the standards drawn as trend charts (all of them are in the trend table)
TREND_MONTHS = 12


# ---- the reads ---------------------------------------------------------------------------------------

def _judged(b: Build) -> pl.DataFrame:
    b.read("judged", pack=b.pack_name)
    judged = b.access.judged(b.pack_name)
    available = sorted(judged["period"].unique().to_list())
    if b.period not in available:
        raise ReportError(f"period {b.period!r} has no metrics in snapshot {b.access.snapshot.id}; "
                          f"periods with data: {', '.join(available) or 'none'}")
    return judged


def _names(b: Build) -> dict[str, str]:
    b.read("firms", lang=b.lang)
    return dict(b.access.firms(b.lang).select("firm_id", "name").iter_rows())


def _titles(b: Build) -> dict[str, str]:
    return {s.id: s.title(b.lang) for s in sorted(b.std_pack.standards, key=lambda s: s.effective_from)}


# ---- sections ----------------------------------------------------------------------------------------

def cover(b: Build, code_version: str) -> Section:
    """Key facts of the pack: period, audience, firm, snapshot, register, standards pack, code version."""
    reg = b.register
    rows = [("period", b.period), ("audience", b.t(f"role.{b.role}")), ("snapshot", str(b.access.snapshot.id)),
            ("snapshot_created_at", b.access.snapshot.created_at), ("register_version", reg.version),
            ("register_hash", reg.content_hash), ("standards_pack", f"{b.pack_name} · {b.std_pack.title(b.lang)}"),
            ("code_version", code_version)]
    if b.firm_id:
        rows.insert(2, ("firm", f"{b.firm_id} · {_names(b).get(b.firm_id, b.firm_id)}"))
    frame = pl.DataFrame(rows, schema={"item": pl.String, "value": pl.String}, orient="row")
    return b.section("cover", frame, {"item": "text", "value": "text"},
                     labels={"item": {k: b.t(f"report.cover.{k}") for k, _ in rows}})


STANDARD_COLUMNS = {"standard_id": pl.String, "title": pl.String, "metric_id": pl.String, "dim": pl.String,
                    "value": pl.Float64, "meets": pl.Float64, "watch": pl.Float64, "direction": pl.String,
                    "tier": pl.String, "reason": pl.String, "numerator": pl.Float64, "denominator": pl.Float64,
                    "volume": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64, "fmt": pl.String}
STANDARD_FORMATS = {"standard_id": "text", "title": "text", "metric_id": "text", "dim": "text", "value": "num",
                    "meets": "num", "watch": "num", "direction": "text", "tier": "text", "reason": "text",
                    "numerator": "num", "denominator": "num", "volume": "int", "ci_low": "num", "ci_high": "num",
                    "fmt": "text"}
PER_ROW = {c: "fmt" for c in ("value", "meets", "watch", "ci_low", "ci_high")}


def _standard_rows(b: Build, rows: pl.DataFrame, keep: tuple[str, ...] = ()) -> pl.DataFrame:
    """The standards' columns of judged rows, by standard (within the `keep` columns, which lead)."""
    titles = _titles(b)
    rows = rows.sort([*keep, "standard_id"])
    return rows.with_columns(
        title=pl.col("standard_id").replace_strict(titles, default="", return_dtype=pl.String),
        fmt=pl.Series([value_format(m, d) for m, d in rows.select("metric_id", "dim").iter_rows()], dtype=pl.String),
    ).select(*keep, *STANDARD_COLUMNS).cast(STANDARD_COLUMNS)


def standards_table(b: Build, judged: pl.DataFrame) -> Section:
    """Each standard in force: the industry's figure (staff, regulator) or the firm's own, its thresholds and tier."""
    who = b.firm_id or "ALL"
    rows = _standard_rows(b, judged.filter((pl.col("period") == b.period) & (pl.col("firm_id") == who)))
    section_id = "own_standards" if b.firm_id else "industry_standards"
    return b.section(section_id, rows, STANDARD_FORMATS, row_formats=PER_ROW,
                     labels={"tier": b.tier_words(), "reason": b.reason_words(), "direction": b.words("report.direction", ("lower", "higher"))})


def firm_table(b: Build, judged: pl.DataFrame, names: dict[str, str]) -> Section:
    """Firms (named or coded as the audience may see them) by overall tier and their count of each tier."""
    now = judged.filter((pl.col("period") == b.period) & (pl.col("firm_id") != "ALL"))
    overall = judge.overall(now).select("firm_id", "overall")
    counts = now.group_by("firm_id").agg(**{f"n_{t}": (pl.col("tier") == t).sum().cast(pl.Int64) for t in tiers.TIERS})
    worst = {"breach": 0, "watch": 1, "meets": 2, "not_judged": 3}
    breached = now.filter(pl.col("tier") == "breach").group_by("firm_id").agg(breached=pl.col("standard_id").sort().str.join(", "))
    frame = overall.join(counts, on="firm_id", how="left").join(breached, on="firm_id", how="left").with_columns(
        name=pl.col("firm_id").replace_strict(names, default=pl.col("firm_id")),
        rank=pl.col("overall").replace_strict(worst, return_dtype=pl.Int64))
    frame = frame.sort("rank", "firm_id").select("firm_id", "name", "overall", *[f"n_{t}" for t in tiers.TIERS], "breached")
    formats = {"firm_id": "text", "name": "text", "overall": "text", **{f"n_{t}": "int" for t in tiers.TIERS}, "breached": "text"}
    note = b.t("report.note.coded") if b.role == "regulator" and b.access.regulator_naming != "names" else ""
    return b.section("firms", frame, formats, labels={"overall": b.tier_words()}, notes=(note,) if note else ())


def firm_values(b: Build, judged: pl.DataFrame, names: dict[str, str]) -> Section:
    """Every firm x standard of the period with its value, thresholds and tier (the league table's numbers)."""
    now = judged.filter((pl.col("period") == b.period) & (pl.col("firm_id") != "ALL"))
    schema = {"firm_id": pl.String, "name": pl.String, **STANDARD_COLUMNS}
    # all firms in one pass (a filter per firm cost 0.2 s for 100 firms)
    rows = _standard_rows(b, now, keep=("firm_id",))
    frame = rows.select("firm_id", pl.col("firm_id").replace_strict(names, default=pl.col("firm_id")).alias("name"),
                        *STANDARD_COLUMNS).cast(schema)
    return b.section("firm_values", frame, {"firm_id": "text", "name": "text", **STANDARD_FORMATS}, row_formats=PER_ROW,
                     labels={"tier": b.tier_words(), "reason": b.reason_words(), "direction": b.words("report.direction", ("lower", "higher"))})


def breaches(b: Build, judged: pl.DataFrame, names: dict[str, str]) -> Section:
    """The breaches of the period: per firm and standard, the value against the breach line (a firm: its own)."""
    rows = judged.filter((pl.col("period") == b.period) & (pl.col("tier") == "breach") & (pl.col("firm_id") != "ALL"))
    titles = _titles(b)
    rows = rows.sort("firm_id", "standard_id")
    frame = rows.select(
        "firm_id", pl.col("firm_id").replace_strict(names, default=pl.col("firm_id")).alias("name"), "standard_id",
        pl.col("standard_id").replace_strict(titles, default="", return_dtype=pl.String).alias("title"),
        "metric_id", "dim", "value", "watch", "volume",
        pl.Series("fmt", [value_format(m, d) for m, d in rows.select("metric_id", "dim").iter_rows()], dtype=pl.String))
    formats = {"firm_id": "text", "name": "text", "standard_id": "text", "title": "text", "metric_id": "text", "dim": "text",
               "value": "num", "watch": "num", "volume": "int", "fmt": "text"}
    return b.section("breaches", frame, formats, row_formats={"value": "fmt", "watch": "fmt"})


def peers(b: Build) -> Section:
    """A firm against its peers: median, quartiles and its position, or the reason a figure is suppressed."""
    own = b.access.metrics(b.pack_name, b.firm_id).filter((pl.col("period") == b.period) & (pl.col("dim") == ""))
    values = dict(own.select("metric_id", "value").iter_rows())
    rows = []
    for metric_id in PEER_METRICS:
        direction = judge.direction_of(metric_id) or "lower"
        b.read("peer_figure", pack=b.pack_name, period=b.period, metric_id=metric_id, group="band")
        fig = b.access.peer_figure(b.pack_name, b.period, metric_id, firm_id=b.firm_id, group="band",
                                   lower_is_better=direction == "lower")
        rows.append({"metric_id": metric_id, "name": b.t(f"metric.{metric_id}"), "value": values.get(metric_id),
                     "median": fig.median, "p25": fig.p25, "p75": fig.p75,
                     "contributors": None if fig.suppressed else fig.contributors,
                     "better_than_pct": None if fig.better_than_pct is None else fig.better_than_pct / 100,
                     "group": fig.group, "widened": any(n.startswith("widened") for n in fig.notes),
                     "suppressed": fig.reason, "fmt": value_format(metric_id, "")})
    hidden = ("median", "p25", "p75", "contributors", "better_than_pct")
    for r in rows:
        if r["suppressed"]:
            b.log_suppressed("peers", r["metric_id"], hidden, r["suppressed"])
    schema = {"metric_id": pl.String, "name": pl.String, "value": pl.Float64, "median": pl.Float64, "p25": pl.Float64,
              "p75": pl.Float64, "contributors": pl.Int64, "better_than_pct": pl.Float64, "group": pl.String,
              "widened": pl.Boolean, "suppressed": pl.String, "fmt": pl.String}
    formats = {"metric_id": "text", "name": "text", "value": "num", "median": "num", "p25": "num", "p75": "num",
               "contributors": "int", "better_than_pct": "pct", "group": "text", "widened": "text", "suppressed": "text", "fmt": "text"}
    notes = [b.t("report.note.quartiles", n=b.register.disclosure.quartiles_min_firms)]
    if any(r["widened"] for r in rows):
        notes.append(b.t("reason.widened"))
    return b.section("peers", pl.DataFrame(rows, schema=schema), formats, notes=tuple(notes), suppressed_columns=hidden,
                     row_formats={c: "fmt" for c in ("value", "median", "p25", "p75")},
                     labels={"suppressed": b.reason_words()})


def trends(b: Build, table: pl.DataFrame, judged: pl.DataFrame) -> tuple[Section, list[Chart]]:
    """Monthly values of every standard's metric up to the period (the industry's, or the firm's own) and a few charts."""
    who = b.firm_id or "ALL"
    last = periods.parse(b.period).months[-1]
    first = periods.shift(last, 1 - TREND_MONTHS)
    in_force = b.std_pack.in_force(periods.parse(b.period).last_day)
    monthly = table.filter((pl.col("grain") == "month") & (pl.col("firm_id") == who)
                           & (pl.col("period") >= first) & (pl.col("period") <= last))
    parts = []
    for std in sorted(in_force, key=lambda s: s.id):
        rows = monthly.filter((pl.col("metric_id") == std.metric) & (pl.col("dim") == std.dim)).sort("period")
        parts.append(rows.select(pl.lit(std.id).alias("standard_id"), "metric_id", "dim", "period", "value",
                                 pl.lit(value_format(std.metric, std.dim)).alias("fmt")))
    schema = {"standard_id": pl.String, "metric_id": pl.String, "dim": pl.String, "period": pl.String, "value": pl.Float64, "fmt": pl.String}
    frame = pl.concat(parts).cast(schema) if parts else pl.DataFrame(schema=schema)
    section = b.section("trend", frame, {"standard_id": "text", "metric_id": "text", "dim": "text", "period": "text",
                                         "value": "num", "fmt": "text"}, row_formats={"value": "fmt"})
    # draw the standards that matter most this period: most firms in breach (industry) or the worst tiers (a firm)
    now = judged.filter((pl.col("period") == b.period) & ((pl.col("firm_id") != "ALL") if who == "ALL" else (pl.col("firm_id") == who)))
    severity = {sid: 0 for sid in (s.id for s in in_force)}
    for sid, tier in now.select("standard_id", "tier").iter_rows():
        severity[sid] = severity.get(sid, 0) + {"breach": 100, "watch": 1}.get(tier, 0)
    chosen = sorted(in_force, key=lambda s: (-severity.get(s.id, 0), s.id))[:TREND_CHARTS]
    out = []
    for std in sorted(chosen, key=lambda s: s.id) if b.draw else ():
        fig = charts.trend(monthly, std.metric, b.lang, firm_id=who, dim=std.dim, meets=std.meets, watch=std.watch,
                           direction=std.direction)
        fig.data = tuple(trace for trace in fig.data if len(trace.x or ()))  # a firm has no industry line to draw
        out.append(Chart(f"trend_{std.id}", f"{std.id} {std.title(b.lang)}", fig))
    return section, out


def stage_mix(b: Build) -> tuple[Section, list[Chart]]:
    """The industry's cases by collection stage at period end, each stage published only under the disclosure rules."""
    b.read("stage_mix", period=b.period)
    mix = b.access.stage_mix(b.period)
    total = mix["cases"].sum() if mix.height else 0
    frame = mix.with_columns(share=pl.col("cases") / total if total else pl.lit(None, dtype=pl.Float64)).select(
        "stage", "cases", "share", "firms", "suppressed")
    hidden = ("cases", "share", "firms")
    for r in frame.iter_rows(named=True):
        if r["suppressed"]:
            b.log_suppressed("stage_mix", r["stage"], hidden, r["suppressed"])
    stage_words = {s: _stage_word(b, s) for s in frame["stage"].to_list()}
    section = b.section("stage_mix", frame, {"stage": "text", "cases": "int", "share": "pct", "firms": "int", "suppressed": "text"},
                        suppressed_columns=hidden, labels={"stage": stage_words, "suppressed": b.reason_words()},
                        notes=(b.t("report.note.share_of_published"),) if frame["suppressed"].is_not_null().any() else ())
    shown = frame.filter(pl.col("suppressed").is_null()).select(pl.lit("ALL").alias("firm_id"), "stage", "cases")
    if not b.draw:
        return section, []
    figures = [Chart("stages", b.t("chart.process.stages_title"), charts.stages(shown, b.lang)),
               Chart("closure_mix", b.t("chart.process.closure_title", period=b.period), charts.closure_mix(shown, b.lang, b.period))]
    return section, figures


def own_stages(b: Build, names: dict[str, str]) -> Section:
    """Cases by stage per firm at period end: a firm its own, staff every firm (never a regulator: case-level view)."""
    b.read("process_stages", period=b.period, firm_id=b.firm_id)
    rows = b.access.process_stages(b.period, b.firm_id).sort("firm_id", "stage")
    frame = rows.select("firm_id", pl.col("firm_id").replace_strict(names, default=pl.col("firm_id")).alias("name"), "stage",
                        pl.col("cases").cast(pl.Int64))
    return b.section("firm_stages", frame, {"firm_id": "text", "name": "text", "stage": "text", "cases": "int"},
                     labels={"stage": {s: _stage_word(b, s) for s in frame["stage"].unique().to_list()}})


def _stage_word(b: Build, stage: str) -> str:
    if stage.startswith("closed:"):
        return b.t("report.closed_as", status=b.t(f"enum.status.{stage.split(':', 1)[1]}"))
    return b.t(f"process.stage.{stage}")


def fee_mix(b: Build) -> tuple[Section, Chart | None]:
    """The industry-wide fee-model mix (models only; fee rates are never collected or shown)."""
    b.read("fee_mix", period=b.period)
    mix = b.access.fee_mix(b.period).sort("fee_model")
    total = mix["cases"].sum() if mix.height else 0
    frame = mix.select("fee_model", pl.col("cases").cast(pl.Int64),
                       (pl.col("cases") / total if total else pl.lit(None, dtype=pl.Float64)).alias("share"))
    section = b.section("fee_mix", frame, {"fee_model": "text", "cases": "int", "share": "pct"},
                        labels={"fee_model": b.words("enum.fee_model", frame["fee_model"].to_list())})
    return section, Chart("fee_mix", b.t("chart.recovery.fee_title"), charts.fee_mix(mix, b.lang)) if b.draw else None


def metric_table(b: Build, table: pl.DataFrame) -> Section:
    """The long metric table of the period as this audience may read it (analysis files only, not printed)."""
    rows = table.filter(pl.col("period") == b.period).sort("firm_id", "metric_id", "dim")
    frame = rows.select(metrics.COLUMNS).with_columns(
        fmt=pl.Series([value_format(m, d) for m, d in rows.select("metric_id", "dim").iter_rows()], dtype=pl.String))
    formats = {c: "text" for c in ("pack", "firm_id", "period", "grain", "metric_id", "dim", "fmt")}
    return b.section("metrics", frame, {**formats, "numerator": "num", "denominator": "num", "value": "num"}, row_formats={"value": "fmt"})


# ---- the summary -------------------------------------------------------------------------------------

def summary(b: Build, judged: pl.DataFrame, names: dict[str, str]) -> tuple[str, ...]:
    """The executive summary in words, one paragraph per item, from the same rows as the sections."""
    now = judged.filter(pl.col("period") == b.period)
    titles = _titles(b)
    listed = lambda rows: "; ".join(f"{r['standard_id']} {titles.get(r['standard_id'], '')}" for r in rows)  # noqa: E731
    paragraphs = []
    if b.firm_id:
        own = now.filter(pl.col("firm_id") == b.firm_id)
        status = judge.overall(own)["overall"].to_list()
        paragraphs.append(b.t("report.summary.firm_overall", period=b.period, tier=tiers.label(status[0] if status else None, b.lang),
                              judged=own.filter(pl.col("tier") != "not_judged").height, total=own.height))
        broken = own.filter(pl.col("tier") == "breach").sort("standard_id").to_dicts()
        paragraphs.append(b.t("report.summary.firm_breaches", n=len(broken), list=listed(broken)) if broken
                          else b.t("report.summary.firm_no_breach"))
        watch = own.filter(pl.col("tier") == "watch").sort("standard_id").to_dicts()
        if watch:
            paragraphs.append(b.t("report.summary.firm_watch", n=len(watch), list=listed(watch)))
    else:
        firms = now.filter(pl.col("firm_id") != "ALL")
        overall = dict(judge.overall(firms).group_by("overall").len().iter_rows())
        paragraphs.append(b.t("report.summary.industry_firms", period=b.period, n=firms["firm_id"].n_unique(),
                              snapshot=b.access.snapshot.id, version=b.register.version))
        paragraphs.append(b.t("report.summary.industry_tiers", breach=overall.get("breach", 0), watch=overall.get("watch", 0),
                              meets=overall.get("meets", 0), not_judged=overall.get("not_judged", 0)))
        industry = now.filter((pl.col("firm_id") == "ALL") & (pl.col("tier") == "breach")).sort("standard_id").to_dicts()
        paragraphs.append(b.t("report.summary.industry_breaches", n=len(industry), list=listed(industry)) if industry
                          else b.t("report.summary.industry_no_breach"))
        top = firms.filter(pl.col("tier") == "breach").group_by("standard_id").len().sort(["len", "standard_id"], descending=[True, False])
        if top.height:
            sid, n = top.row(0)
            paragraphs.append(b.t("report.summary.most_breached", standard=f"{sid} {titles.get(sid, '')}", n=n))
    paragraphs.append(b.t("report.summary.suppressed", n=len(b.suppressed)) if b.suppressed else b.t("report.summary.none_suppressed"))
    return tuple(paragraphs)


# ---- the pack ----------------------------------------------------------------------------------------

def build(access: Access, period: str, lang: str, code_version: str, pack_name: str | None = None, *, draw: bool = True) -> Pack:
    """The pack for the access's audience (and firm), one period, one language, the access's snapshot.

    draw=False leaves the charts out: only the PDF and the page show them, and plotly figures are
    the larger part of a pack's build time (their data is in the trend and mix sections either way).
    """
    try:
        periods.parse(period)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    if lang not in i18n.LANGS:
        raise ReportError(f"language {lang!r}: one of {', '.join(i18n.LANGS)}")
    register = access._register()
    pack_name = pack_name or register.default_pack
    if pack_name not in register.packs:
        raise ReportError(f"standards pack {pack_name!r}: one of {', '.join(sorted(register.packs))}")
    b = Build(access, lang, period, pack_name, register, draw=draw)
    judged = _judged(b)
    names = _names(b)
    b.read("metrics", pack=pack_name)
    table = access.metrics(pack_name)
    sections = [cover(b, code_version), standards_table(b, judged)]
    if b.firm_id:
        sections.append(peers(b))
    else:
        sections += [firm_table(b, judged, names), firm_values(b, judged, names)]
    sections.append(breaches(b, judged, names))
    trend_section, figures = trends(b, table, judged)
    mix_section, stage_figures = stage_mix(b)
    fee_section, fee_figure = fee_mix(b)
    sections += [trend_section, mix_section]
    if b.role != "regulator":
        sections.append(own_stages(b, names))
    sections += [fee_section, methodology_metrics(b), methodology_standards(b), suppression(b)]
    role_title = b.t(f"role.{b.role}")
    title = b.t("report.title_firm", period=period, firm=names.get(b.firm_id, b.firm_id)) if b.firm_id else b.t(
        "report.title", period=period, audience=role_title)
    return Pack(
        audience=b.role, firm_id=b.firm_id, period=period, lang=lang, snapshot_id=access.snapshot.id,
        register_version=register.version, register_hash=register.content_hash, code_version=code_version,
        title=title, summary=summary(b, judged, names), sections=tuple(sections),
        charts=tuple(c for c in (*figures, *stage_figures, fee_figure) if c is not None), data_tables=(metric_table(b, table),),
        provenance={"standards_pack": pack_name, "reads": b.reads, "suppression_log": sorted(b.suppressed, key=lambda r: (r["section"], r["row"])),
                    "submissions": access.submissions_used(periods.parse(period).months[-1])},
    )
