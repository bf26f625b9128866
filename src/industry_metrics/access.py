"""The one door to the data: every read of metrics, events and submissions takes an audience.

Access is decided here, where data is read, never in the page that shows it (spec/disclosure.md):
- association staff see every firm by name, every metric, the events behind each breach;
- a member firm sees its own rows in full and its peers only through the disclosure engine;
  asking for another firm's rows is refused (AccessDenied), whatever page, filter or URL asked;
- a regulator sees firm-level tables named or coded (the register's setting), never case rows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from . import registry
from .store import Snapshot, Store

ROLES = ("association", "firm", "regulator")
INDUSTRY = "ALL"


class AccessDenied(PermissionError):
    """A request outside the audience's scope; the message never names what was refused."""


@dataclass(frozen=True)
class Audience:
    role: str
    firm_id: str | None = None
    username: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; one of {ROLES}")
        if (self.role == "firm") != bool(self.firm_id):
            raise ValueError("a firm audience needs exactly one firm_id; other roles have none")

    @property
    def key(self) -> str:
        """Part of every cache key: the same data is never served to two audiences."""
        return f"{self.role}:{self.firm_id or '-'}"


def firm_codes(data_dir: Path, firm_ids: list[str]) -> dict[str, str]:
    """Stable, non-reversible codes for firms (HMAC of the id with a secret kept in the data dir)."""
    secret_file = Path(data_dir) / "firm-code-secret"
    if not secret_file.exists():
        fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    key = secret_file.read_text().strip().encode()
    return {f: "M-" + hmac.new(key, f.encode(), hashlib.sha256).hexdigest()[:6].upper() for f in firm_ids}


class Access:
    """Reads for one audience over one pinned snapshot."""

    def __init__(self, data_dir: Path, audience: Audience, snapshot_id: int | None = None, *, regulator_naming: str = "codes"):
        self.data_dir = Path(data_dir)
        self.audience = audience
        self.store = Store(self.data_dir)
        self.snapshot: Snapshot = self.store.snapshot(snapshot_id)
        self.regulator_naming = regulator_naming
        self._firms = registry.load(self.data_dir)
        # the snapshot is pinned, so a metric table read once holds for this object's life (a report
        # pack or the benchmark page asks it for a dozen peer figures)
        self._tables: dict[str, pl.DataFrame] = {}
        self._stages: dict[tuple[str, str | None], pl.DataFrame] = {}  # a staff report reads the industry's stages twice

    @property
    def cache_key(self) -> str:
        return f"{self.audience.key}@{self.snapshot.id}"

    # ---- scope -------------------------------------------------------------------------------
    def scoped_firm(self, requested: str | None) -> str | None:
        """The firm a request may read: a firm's own id whatever it asked for, else refused."""
        if self.audience.role == "firm":
            if requested not in (None, self.audience.firm_id):
                raise AccessDenied("this account can read only its own firm")
            return self.audience.firm_id
        return requested

    def _restrict(self, frame: pl.DataFrame, column: str = "firm_id") -> pl.DataFrame:
        if self.audience.role == "firm":
            return frame.filter(pl.col(column) == self.audience.firm_id)
        return frame

    def _label(self, frame: pl.DataFrame, column: str = "firm_id") -> pl.DataFrame:
        """Regulators see stable codes unless the association names firms in its releases."""
        if self.audience.role != "regulator" or self.regulator_naming == "names":
            return frame
        codes = firm_codes(self.data_dir, sorted(self._firms))
        return frame.with_columns(pl.col(column).replace_strict(codes, default=pl.col(column)))

    # ---- firms -------------------------------------------------------------------------------
    def firms(self, lang: str = "zh") -> pl.DataFrame:
        """The firms this audience may name: all for staff, itself for a firm, coded or named for a regulator."""
        rows = [
            {"firm_id": f.firm_id, "name": f.name(lang), "size_band": f.size_band, "region_code": f.region_code, "active": f.active}
            for f in self._firms.values()
        ]
        frame = pl.DataFrame(rows, schema={"firm_id": pl.Utf8, "name": pl.Utf8, "size_band": pl.Utf8, "region_code": pl.Utf8, "active": pl.Boolean})
        frame = self._restrict(frame)
        if self.audience.role == "regulator" and self.regulator_naming != "names":
            frame = self._label(frame).with_columns(pl.col("firm_id").alias("name"))
        return frame.sort("firm_id")

    def size_band(self, firm_id: str) -> str:
        self.scoped_firm(firm_id)
        return self._firms[firm_id].size_band

    # ---- submissions -------------------------------------------------------------------------
    def submissions(self) -> pl.DataFrame:
        """Who submitted what: staff see every firm; a firm its own; regulators receive packs instead."""
        if self.audience.role == "regulator":
            raise AccessDenied("regulators receive report packs, not the submission log")
        rows = []
        for s in self.snapshot.submissions:
            rows.append({"firm_id": s["firm_id"], "period": s["period"], "version": s["version"], "status": s["status"],
                         "at": s["accepted_at"], "submission_id": s["submission_id"],
                         **{f"rows_{t}": e["rows"] for t, e in s["tables"].items()}, "report": None})
        for r in self.store.rejections():
            rows.append({"firm_id": r["firm_id"], "period": r["period"], "version": None, "status": "rejected",
                         "at": r["rejected_at"], "submission_id": None, "report": json.dumps(r, ensure_ascii=False)})
        if not rows:
            return pl.DataFrame(schema={"firm_id": pl.Utf8, "period": pl.Utf8, "version": pl.Int64, "status": pl.Utf8, "at": pl.Utf8})
        return self._restrict(pl.DataFrame(rows, infer_schema_length=None)).sort(["firm_id", "period", "at"])

    # ---- metrics -----------------------------------------------------------------------------
    def _register(self):
        from . import standards  # local: the register is read per access, so an edit shows at once

        return standards.load(self.data_dir)

    def _all_metrics(self, pack: str) -> pl.DataFrame:
        """The materialised long table of this snapshot, read once per Access (a benchmark asks for it per metric)."""
        if pack not in self._tables:
            self._tables[pack] = self._read_metrics(pack)
        return self._tables[pack]

    def _read_metrics(self, pack: str) -> pl.DataFrame:
        """The materialised long table (computed in memory for an older snapshot)."""
        from . import metrics, pipeline, refresh

        table = refresh.load(self.data_dir, pack, self.snapshot.id)
        if refresh.catalog(self.data_dir, pack, self.snapshot.id) is None and self.snapshot.id:
            if self.snapshot.id == self.store.snapshot().id:
                pipeline.ensure_metrics(self.data_dir, pack)
                table = refresh.load(self.data_dir, pack, self.snapshot.id)
            else:
                table = metrics.compute(self.snapshot, pack, pipeline.pack_params(self.data_dir, pack),
                                        metric_ids=pipeline.pack_metrics(self.data_dir, pack))
        return table

    def metrics(self, pack: str, firm_id: str | None = None) -> pl.DataFrame:
        """Metric rows: staff any firm and ALL; a firm only its own rows; a regulator every firm, coded."""
        table = self._all_metrics(pack)
        if self.audience.role == "firm":
            return table.filter(pl.col("firm_id") == self.scoped_firm(firm_id))
        if firm_id is not None:
            table = table.filter(pl.col("firm_id") == firm_id)
        return self._label(table)

    def judged(self, pack: str, firm_id: str | None = None) -> pl.DataFrame:
        """Tiers per firm x period x standard, scoped as metrics() is."""
        from . import judge

        table = self._all_metrics(pack)
        if self.audience.role == "firm":
            table = table.filter(pl.col("firm_id") == self.scoped_firm(firm_id))
        elif firm_id is not None:
            table = table.filter(pl.col("firm_id") == firm_id)
        return self._label(judge.judge(table, self._register().pack(pack)))

    def peer_figure(self, pack: str, period: str, metric_id: str, dim: str = "", firm_id: str | None = None,
                    group: str = "band", lower_is_better: bool = True):
        """What the firm may see about its peers for one metric row, through the disclosure engine."""
        from . import disclosure, periods

        if self.audience.role == "regulator":
            raise AccessDenied("regulators receive anonymised tables, not peer comparisons")
        firm = self.scoped_firm(firm_id)
        if firm is None:
            raise AccessDenied("a peer comparison is made for one firm")
        settings = self._register().disclosure.settings()
        latest = self.snapshot.periods()[-1] if self.snapshot.periods() else period
        lag = disclosure.lag_reason(metric_id, periods.parse(period).months[-1], latest, settings)
        rows = self._all_metrics(pack).filter(
            (pl.col("period") == period) & (pl.col("metric_id") == metric_id) & (pl.col("dim") == dim) & (pl.col("firm_id") != "ALL"))
        own = rows.filter(pl.col("firm_id") == firm)
        own_value = own["value"][0] if own.height else None
        if lag:
            return disclosure.PeerFigure(group, group, 0, reason=lag)
        everyone = [disclosure.Contribution(r["firm_id"], r["value"], r["denominator"] or 0.0)
                    for r in rows.iter_rows(named=True) if r["value"] is not None]
        band = self._firms[firm].size_band
        band_members = [c for c in everyone if self._firms.get(c.firm_id) and self._firms[c.firm_id].size_band == band]
        groups = [(f"band:{band}", band_members), ("all", everyone)] if group == "band" else [("all", everyone)]
        return disclosure.peer_figure(firm, own_value, groups, settings, lower_is_better=lower_is_better)

    # ---- events ------------------------------------------------------------------------------
    def contact_heat(self, period: str, firm_id: str | None = None) -> pl.DataFrame:
        """Outbound contacts by weekday and hour: a firm its own; staff one firm or all; not for regulators."""
        from . import periods, queries, reader

        if self.audience.role == "regulator":
            raise AccessDenied("regulators receive report packs, not event-level views")
        firm = self.scoped_firm(firm_id)
        span = periods.parse(period)
        con = reader.connect(self.snapshot, firm_id=firm, months=span.months)  # contacts lie inside their month's file (rule V08)
        params = {"firm_id": firm, "first_day": span.first_day, "last_day": span.last_day}
        return queries.run(con, "events/contact_heat", params).pl()

    def fee_mix(self, period: str) -> pl.DataFrame:
        """The industry-wide fee-model mix (spec: fee models only as the industry's mix, never per firm)."""
        from . import periods, queries, reader

        span = periods.parse(period)
        con = reader.connect(self.snapshot, months=span.months)  # the query reads only the period's months
        return queries.run(con, "events/fee_mix", {"first_day": span.first_day, "last_day": span.last_day}).pl()

    def stage_mix(self, period: str) -> pl.DataFrame:
        """The industry's cases by collection stage at period end, for every audience, each cell under the disclosure rules.

        A stage's count is published only when its contributing firms (the viewing firm left out, as it
        can subtract itself) pass the minimum and dominance rules; complementary suppression keeps a
        hidden stage from being worked out as the total minus the others. Columns: stage, cases, firms, suppressed.
        """
        from . import disclosure, periods

        rows = self._stages_at(periods.parse(period).months[-1], None)
        viewer = self.audience.firm_id
        cells = []
        for (stage,), group in sorted(rows.group_by(["stage"]), key=lambda g: g[0][0]):
            volumes = {f: float(n) for f, n in group.select("firm_id", "cases").iter_rows() if f != viewer}
            cells.append((stage, int(group["cases"].sum()), group.height, disclosure.Cell(stage, volumes)))
        reasons = disclosure.protect_partition([c[3] for c in cells], self._register().disclosure.settings())
        out = [{"stage": stage, "cases": None if reasons[stage] else cases, "firms": None if reasons[stage] else firms,
                "suppressed": reasons[stage]} for stage, cases, firms, _ in cells]
        return pl.DataFrame(out, schema={"stage": pl.String, "cases": pl.Int64, "firms": pl.Int64, "suppressed": pl.String})

    def submissions_used(self, last_month: str) -> list[dict]:
        """The accepted submissions a figure up to `last_month` can rest on, as this audience may know them.

        A firm sees its own; a regulator sees them under the firms' codes (ids rebuilt from the code,
        so a submission id never carries a firm id); file paths are left out for everyone.
        """
        subs = [s for s in self.snapshot.accepted if s["period"] <= last_month]
        if self.audience.role == "firm":
            subs = [s for s in subs if s["firm_id"] == self.audience.firm_id]
        coded = self.audience.role == "regulator" and self.regulator_naming != "names"
        codes = firm_codes(self.data_dir, sorted(self._firms)) if coded else {}
        out = []
        for s in sorted(subs, key=lambda s: (s["firm_id"], s["period"], s["version"])):
            firm = codes.get(s["firm_id"], s["firm_id"])
            out.append({"submission_id": f"{firm}_{s['period']}_v{s['version']}" if coded else s["submission_id"],
                        "firm_id": firm, "period": s["period"], "version": s["version"],
                        "tables": {t: {"rows": e["rows"], "sha256": e["sha256"]} for t, e in sorted(s["tables"].items())}})
        return out

    def complaint_close_days(self, period: str, firm_id: str | None = None) -> pl.DataFrame:
        """Days to close complaints closed in the period: a firm its own; staff one firm or all."""
        from . import periods, queries, reader

        if self.audience.role == "regulator":
            raise AccessDenied("regulators receive report packs, not event-level views")
        span = periods.parse(period)
        firm = self.scoped_firm(firm_id)
        params = {"firm_id": firm, "first_day": span.first_day, "last_day": span.last_day}
        # a month's file holds complaints closed by its end, so one closed in the period is in its months' files or later ones
        later = [m for m in self.snapshot.periods() if m >= span.months[0]]
        return queries.run(reader.connect(self.snapshot, firm_id=firm, months=later), "events/complaint_close_days", params).pl()

    def process_stages(self, period: str, firm_id: str | None = None) -> pl.DataFrame:
        """Cases by collection stage at period end: a firm its own; staff every firm (firm_id None = all)."""
        from . import periods

        if self.audience.role == "regulator":
            raise AccessDenied("regulators receive report packs, not case-level views")
        return self._stages_at(periods.parse(period).months[-1], self.scoped_firm(firm_id))

    def _stages_at(self, month: str, firm: str | None) -> pl.DataFrame:
        """events/process_stages at a month, one firm's or every firm's (unscoped: the callers scope), read once."""
        from . import first_contact, queries

        if (month, firm) not in self._stages:
            con = first_contact.connect(self.data_dir, self.snapshot, month, firm)  # no contact scan once refreshed
            self._stages[(month, firm)] = queries.run(con, "events/process_stages", {"month": month, "firm_id": firm}).pl()
        return self._stages[(month, firm)]

    def breach_events(self, pack: str, period: str, metric_id: str, firm_id: str | None = None) -> pl.DataFrame:
        """The contacts behind one firm's conduct figure (pseudonymous refs only); staff or the firm itself."""
        from . import metrics, periods, pipeline, queries, reader

        if self.audience.role == "regulator":
            raise AccessDenied("regulators never receive case-level rows")
        firm = self.scoped_firm(firm_id)
        if firm is None or metric_id not in ("V1", "V2", "V3", "V4", "V5", "V6", "V7"):
            raise AccessDenied("events are listed for one firm's conduct metric")
        span = periods.parse(period)
        params = pipeline.pack_params(self.data_dir, pack)
        con = reader.connect(self.snapshot)
        metrics.prepare(con, [period], staging=metrics.CASE_STAGING)
        # the conduct family's own parameters, so the listed events are exactly the metric's numerator
        bound = metrics.bound(metrics.resolve_params(params)) | {
            "firm_id": firm, "first_day": span.first_day, "last_day": span.last_day, "metric_id": metric_id}
        return queries.run(con, "events/breach_contacts", bound).pl()
