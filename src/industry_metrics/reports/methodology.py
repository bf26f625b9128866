"""The pack's appendix sections: every metric's formula, every standard's source and dates, the suppression notes."""

from __future__ import annotations

import json

import polars as pl

from .. import periods, standards
from .context import Build, value_format
from .model import Section


def methodology_metrics(b: Build) -> Section:
    """Every metric of the catalogue: what it counts (its formula in words), its unit and base, its parameters in force."""
    params = b.std_pack.metric_params(periods.parse(b.period).last_day)
    rows = [{"metric_id": m, "name": b.t(f"metric.{m}"), "formula": b.t(f"metric_help.{m}"), "unit": b.t(f"metric_unit.{m}"),
             "base": b.t(f"metric_base.{m}"), "params": json.dumps(params.get(m, {}), ensure_ascii=False, sort_keys=True) if m in params else ""}
            for m in standards.CATALOGUE]
    return b.section("methodology_metrics", pl.DataFrame(rows, schema={k: pl.String for k in rows[0]}), {k: "text" for k in rows[0]})


def methodology_standards(b: Build) -> Section:
    """Every version of every standard in the pack: metric, thresholds, minimum volume, source and effective dates."""
    rows = [{"standard_id": s.id, "title": s.title(b.lang), "metric_id": s.metric, "dim": s.dim, "direction": s.direction,
             "meets": s.meets, "watch": s.watch, "min_volume": s.min_volume, "volume_unit": s.unit(b.lang), "source": s.source,
             "effective_from": s.effective_from.isoformat(), "effective_to": s.effective_to.isoformat() if s.effective_to else "",
             "notes": s.notes, "fmt": value_format(s.metric, s.dim)}
            for s in sorted(b.std_pack.standards, key=lambda s: (s.id, s.effective_from))]
    schema = {k: (pl.Float64 if k in ("meets", "watch", "min_volume") else pl.String) for k in rows[0]}
    formats = {k: ("num" if k in ("meets", "watch") else "int" if k == "min_volume" else "text") for k in rows[0]}
    return b.section("methodology_standards", pl.DataFrame(rows, schema=schema), formats, row_formats={"meets": "fmt", "watch": "fmt"},
                     labels={"direction": b.words("report.direction", ("lower", "higher"))})


def suppression(b: Build) -> Section:
    """Every figure the disclosure rules withheld, where it sits and why; the rules' settings as notes."""
    rows = sorted(b.suppressed, key=lambda r: (r["section"], r["row"]))
    frame = pl.DataFrame([{**r, "columns": ", ".join(r["columns"])} for r in rows],
                         schema={"section": pl.String, "row": pl.String, "columns": pl.String, "reason": pl.String})
    d = b.register.disclosure
    notes = (b.t("report.note.rules", min=d.min_contributors, share=f"{d.dominance_share:.0%}", two=f"{d.two_firm_share:.0%}",
                 quartiles=d.quartiles_min_firms, lag=d.recovery_lag_months),)
    if not rows:
        notes = (b.t("report.note.none_suppressed"), *notes)
    return b.section("suppression", frame, {k: "text" for k in frame.columns}, notes=notes,
                     labels={"reason": b.reason_words(), "section": {s: b.t(f"report.section.{s}") for s in frame["section"].unique().to_list()}})
