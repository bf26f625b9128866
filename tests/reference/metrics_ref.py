"""A second, independent implementation of every metric, written from docs/metric-definitions.md.

Plain Python over the stored tables of one snapshot (Polars DataFrames in, the long metric
table out), row by row and unoptimised on purpose: it is the yardstick the SQL engine is
compared with, so it shares no code with it (not even period arithmetic).
"""

from __future__ import annotations

import calendar
import copy
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

import polars as pl

TABLES = ("cases", "payments", "contacts", "complaints", "qa_reviews", "incidents")
COLUMNS = ["pack", "firm_id", "period", "grain", "metric_id", "dim", "numerator", "denominator", "value"]

DEFAULTS = {
    "V1": {"quiet_start": "22:00", "quiet_end": "08:00", "weekend_quiet_start": None, "weekend_quiet_end": None,
           "holidays": [], "channels": ["call", "sms", "app_message", "ivr", "visit"]},
    "V2": {"cap": 3}, "V3": {"cap": 6}, "V7": {"min_collectors": 2}, "C3": {"days": 15}, "V10": {"report_hours": 4},
    "U1": {"max_calls": 7, "window_days": 7}, "U2": {"days": 7}, "A1": {"max_week": 3, "max_month": 10},
}
# What spec/standards.md says of the other packs' quiet windows (the definitions page, "Parameters").
PACKS = {
    "cn": {},
    "us-regf": {"V1": {"quiet_start": "21:00", "quiet_end": "08:00"}},
    "au-accc": {"V1": {"quiet_start": "21:00", "quiet_end": "07:30", "weekend_quiet_start": "21:00",
                       "weekend_quiet_end": "09:00"}},
}

SCALE = {**dict.fromkeys(("R1", "R2", "R3", "R5", "R6", "R7", "C2", "C3", "C4", "C5", "V6", "V7"), 1),
         **dict.fromkeys(("C1", "V9"), 1000),
         **dict.fromkeys(("V1", "V2", "V3", "V4", "V5", "V10", "U1", "U2", "A1"), 10000)}
ESCALATED = ("regulator", "hotline", "association", "court", "media")
THIRD_PARTIES = ("emergency_contact", "unrelated_third_party")
BOOLS = ("vulnerable", "connected", "consented_time", "debtor_unreachable", "disclosed_debt", "recorded")


def params_for(pack: str = "cn", given: dict | None = None) -> dict[str, dict]:
    """Defaults, then the pack's own, then the given overrides; weekend window defaults to the weekday one."""
    out = copy.deepcopy(DEFAULTS)
    for layer in (PACKS[pack], given or {}):
        for metric, values in layer.items():
            out[metric].update(values)
    v1 = out["V1"]
    v1["weekend_quiet_start"] = v1["weekend_quiet_start"] or v1["quiet_start"]
    v1["weekend_quiet_end"] = v1["weekend_quiet_end"] or v1["quiet_end"]
    return out


# ---- calendar ---------------------------------------------------------------------------------

def month_of(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def shift(month: str, n: int) -> str:
    y, m = int(month[:4]), int(month[5:7])
    y, m = divmod(y * 12 + m - 1 + n, 12)
    return f"{y:04d}-{m + 1:02d}"


def month_last_day(month: str) -> date:
    y, m = int(month[:4]), int(month[5:7])
    return date(y, m, calendar.monthrange(y, m)[1])


def add_months(d: date, n: int) -> date:
    """Calendar months; a day past the end of the target month clamps to its last day."""
    target = shift(month_of(d), n)
    return min(date(int(target[:4]), int(target[5:7]), 1) + timedelta(days=d.day - 1), month_last_day(target))


@dataclass(frozen=True)
class Period:
    name: str
    grain: str
    months: tuple[str, ...]

    @property
    def first(self) -> date:
        return date(int(self.months[0][:4]), int(self.months[0][5:7]), 1)

    @property
    def last(self) -> date:
        return month_last_day(self.months[-1])

    @property
    def prev_month(self) -> str:
        return shift(self.months[0], -1)

    def holds(self, d) -> bool:
        return d is not None and self.first <= d <= self.last


def period(name: str) -> Period:
    if len(name) == 7 and name[4] == "-" and name[5] != "Q":
        return Period(name, "month", (name,))
    if "-Q" in name:
        y, q = int(name[:4]), int(name[-1])
        return Period(name, "quarter", tuple(f"{y:04d}-{3 * q - 2 + k:02d}" for k in range(3)))
    return Period(name, "year", tuple(f"{int(name):04d}-{k:02d}" for k in range(1, 13)))


def rollups(months) -> list[str]:
    months = sorted(set(months))
    quarters = {f"{m[:4]}-Q{(int(m[5:7]) - 1) // 3 + 1}" for m in months}
    return months + sorted(quarters) + sorted({m[:4] for m in months})


def dpd_bucket(days: int) -> str:
    return "M1" if days <= 30 else "M2" if days <= 60 else "M3" if days <= 90 else "M4-M6" if days <= 180 else "M6+"


def is_quiet(moment, window: dict, holidays: set[date]) -> bool:
    """Quiet by the contact's own local date: holidays all day, weekends their window, else the weekday one."""
    d, t = moment.date(), moment.time()
    if d in holidays:
        return True
    if d.isoweekday() >= 6:
        start, end = window["weekend_quiet_start"], window["weekend_quiet_end"]
    else:
        start, end = window["quiet_start"], window["quiet_end"]
    start, end = time.fromisoformat(start), time.fromisoformat(end)
    if start > end:
        return t >= start or t < end
    return start <= t < end


def km_median(times: list[tuple[int, bool]]) -> int | None:
    """Kaplan-Meier median of (days, event) pairs: smallest event time with S <= 0.5 (1e-9 tolerance)."""
    survival = 1.0
    for u in sorted({t for t, event in times if event}):
        at_risk = sum(1 for t, _ in times if t >= u)
        died = sum(1 for t, event in times if event and t == u)
        survival *= 1 - died / at_risk
        if survival <= 0.5 + 1e-9:
            return u
    return None


# ---- the snapshot as plain rows ---------------------------------------------------------------

class Industry:
    """The stored rows of one snapshot, with the lookups every metric needs."""

    def __init__(self, tables: dict[str, pl.DataFrame], submissions=None):
        self.rows = {}
        for name in TABLES:
            df = tables.get(name)
            rows = df.to_dicts() if df is not None else []
            for r in rows:  # booleans stored NULL count as false
                for col in BOOLS:
                    if col in r:
                        r[col] = bool(r[col])
            self.rows[name] = rows
        if submissions is None:
            submissions = {(r["firm_id"], r["period"]) for rows in self.rows.values() for r in rows}
        self.submissions = set(submissions)
        self.firms = sorted({f for f, _ in self.submissions})
        self.case_rows = {(r["firm_id"], r["period"], r["case_ref"]): r for r in self.rows["cases"]}

    def firm_rows(self, table: str, firm: str, months) -> list[dict]:
        return [r for r in self.rows[table] if r["firm_id"] == firm and r["period"] in months]

    def latest(self, table: str, key: str, firm: str, months) -> dict[str, dict]:
        """One row per key, from its latest month among the given months."""
        out: dict[str, dict] = {}
        for r in sorted(self.firm_rows(table, firm, months), key=lambda r: r["period"]):
            out[r[key]] = r
        return out

    def case_set(self, firm: str, p: Period) -> dict[str, dict]:
        return self.latest("cases", "case_ref", firm, p.months)

    def history(self, firm: str, p: Period) -> dict[str, dict]:
        months = {r["period"] for r in self.rows["cases"] if r["period"] <= p.months[-1]}
        return self.latest("cases", "case_ref", firm, months)

    def events(self, table: str, firm: str, p: Period, when) -> list[dict]:
        return [r for r in self.firm_rows(table, firm, p.months) if p.holds(when(r))]

    def contacts(self, firm: str, p: Period) -> list[dict]:
        """Contacts of P with their case row (same firm, submission month and case_ref)."""
        out = []
        for r in self.events("contacts", firm, p, lambda r: r["contact_at"].date()):
            out.append({**r, "case": self.case_rows[(r["firm_id"], r["period"], r["case_ref"])]})
        return out


def active(case: dict, p: Period) -> bool:
    return case["placed_on"] <= p.last and (case["closed_on"] is None or case["closed_on"] >= p.first)


def outbound(c: dict) -> bool:
    return c["direction"] == "outbound"


def outbound_call(c: dict) -> bool:
    return c["direction"] == "outbound" and c["channel"] == "call"


def contact_key(c: dict) -> tuple:
    return (c["firm_id"], c["period"], c["contact_ref"])


# ---- flags that need more than one firm-period: V2, U1, U2, A1 -----------------------------------

def v2_excess(ind: Industry, cap: int) -> set[tuple]:
    """Connected outbound debtor calls beyond the cap per (debtor, creditor, local date), all firms together."""
    groups = defaultdict(list)
    for c in ind.rows["contacts"]:
        if outbound_call(c) and c["connected"] and c["party"] == "debtor":
            case = ind.case_rows[(c["firm_id"], c["period"], c["case_ref"])]
            groups[(case["debtor_ref"], case["creditor_ref"], c["contact_at"].date())].append(c)
    excess = set()
    for calls in groups.values():
        calls.sort(key=lambda c: (c["contact_at_utc"], c["firm_id"], c["contact_ref"]))
        excess |= {contact_key(c) for c in calls[cap:]}
    return excess


def per_case_sequences(ind: Industry) -> dict[tuple, list[dict]]:
    """Every contact of a case (firm, case_ref) over all months, ordered by (contact_at, contact_ref)."""
    seqs = defaultdict(list)
    for c in ind.rows["contacts"]:
        seqs[(c["firm_id"], c["case_ref"])].append(c)
    for seq in seqs.values():
        seq.sort(key=lambda c: (c["contact_at"], c["contact_ref"]))
    return seqs


def us_au_flags(ind: Industry, prm: dict) -> dict[str, set[tuple]]:
    u1, u2, a1 = prm["U1"], prm["U2"], prm["A1"]
    flags = {"U1": set(), "U2": set(), "A1week": set(), "A1month": set()}
    for seq in per_case_sequences(ind).values():
        calls = [c for c in seq if outbound_call(c) and not c["consented_time"]]
        for i, c in enumerate(calls):  # U1: the call max_calls places back is inside the window
            k = i - u1["max_calls"]
            if k >= 0 and calls[k]["contact_at"].date() >= c["contact_at"].date() - timedelta(days=u1["window_days"] - 1):
                flags["U1"].add(contact_key(c))
        talks = []  # conversations seen so far, in order
        for c in seq:
            if c["channel"] != "call":
                continue
            if outbound(c) and not c["consented_time"]:
                since = c["contact_at"].date() - timedelta(days=u2["days"] - 1)
                if any(t["contact_at"].date() >= since for t in talks):
                    flags["U2"].add(contact_key(c))
            if c["connected"] and c["party"] == "debtor":
                talks.append(c)
        week, month = defaultdict(int), defaultdict(int)
        for c in seq:
            if not (outbound(c) and c["party"] == "debtor"):
                continue
            if c["channel"] in ("call", "ivr") and not c["connected"]:
                continue
            d = c["contact_at"].date()
            week[d.isocalendar()[:2]] += 1
            month[month_of(d)] += 1
            if week[d.isocalendar()[:2]] > a1["max_week"]:
                flags["A1week"].add(contact_key(c))
            if month[month_of(d)] > a1["max_month"]:
                flags["A1month"].add(contact_key(c))
    return flags


def actual_contact(c: dict) -> bool:
    return outbound(c) and c["party"] == "debtor" and (c["channel"] not in ("call", "ivr") or c["connected"])


# ---- one firm, one period ---------------------------------------------------------------------

def money(x) -> Decimal:
    return Decimal(str(x)) if x is not None else Decimal(0)


def recovery(ind: Industry, firm: str, p: Period) -> list[tuple]:
    out = []
    hist = ind.history(firm, p)
    pays = defaultdict(list)
    for r in ind.rows["payments"]:
        if r["firm_id"] == firm and r["period"] <= p.months[-1]:
            pays[r["case_ref"]].append((r["paid_on"], money(r["amount"])))
    attrs = lambda c: (("product", c["product"]), ("dpd", dpd_bucket(c["dpd_at_placement"])), ("region", c["region_code"]))

    # R1: points (v, m) land in month v + m
    vintages = defaultdict(list)
    for c in hist.values():
        vintages[month_of(c["placed_on"])].append(c)
    # a point lands in month v + m; a quarter/year is the union of its months' points, and the
    # firm has month rows only for the months it submitted
    landed = {m for m in p.months if (firm, m) in ind.submissions}
    paid_within = lambda c, m: sum((a for d, a in pays[c["case_ref"]] if d < add_months(c["placed_on"], m)), Decimal(0))
    head, dims = [Decimal(0), Decimal(0)], defaultdict(lambda: [Decimal(0), Decimal(0)])
    for v, cases in sorted(vintages.items()):
        for m in range(1, 13):
            if shift(v, m) in landed:
                out.append(("R1", f"vintage={v};m={m}", sum(paid_within(c, m) for c in cases),
                            sum(money(c["amount_placed"]) for c in cases)))
        if shift(v, 6) in landed:
            for c in cases:
                for acc in [head] + [dims[f"{k}={val}"] for k, val in attrs(c)]:
                    acc[0] += paid_within(c, 6)
                    acc[1] += money(c["amount_placed"])
    out.append(("R1", "", head[0], head[1]))
    out += [("R1", d, n, den) for d, (n, den) in dims.items()]

    # R2: start-of-period cohort
    head, dims = [Decimal(0), Decimal(0)], defaultdict(lambda: [Decimal(0), Decimal(0)])
    for c in hist.values():
        if not (c["placed_on"] < p.first and (c["closed_on"] is None or c["closed_on"] >= p.first)):
            continue
        before = sum((a for d, a in pays[c["case_ref"]] if d < p.first), Decimal(0))
        during = sum((a for d, a in pays[c["case_ref"]] if p.holds(d)), Decimal(0))
        outstanding = max(money(c["amount_placed"]) - before, Decimal(0))
        for acc in [head] + [dims[f"{k}={val}"] for k, val in attrs(c)]:
            acc[0] += during
            acc[1] += outstanding
    out.append(("R2", "", head[0], head[1]))
    out += [("R2", d, n, den) for d, (n, den) in dims.items()]

    # R3, R5, R6 over P's case set
    cases = ind.case_set(firm, p)
    act = [c for c in cases.values() if active(c, p)]
    paid_in_p = {r["case_ref"] for r in ind.events("payments", firm, p, lambda r: r["paid_on"])}
    out.append(("R3", "", sum(c["case_ref"] in paid_in_p for c in act), len(act)))
    closed = [c for c in cases.values() if p.holds(c["closed_on"])]
    for status in sorted({c["status"] for c in closed}):
        out.append(("R5", f"status={status}", sum(c["status"] == status for c in closed), len(closed)))
    before = ind.latest("cases", "case_ref", firm, {p.prev_month})
    became = [c for c in cases.values() if c["status"] == "legal_action"
              and (c["case_ref"] not in before or before[c["case_ref"]]["status"] != "legal_action")]
    out.append(("R6", "", len(became), len(act)))
    return out


def r4_times(ind: Industry, firm: str, p: Period) -> list[tuple[dict, int, bool]]:
    """(case, days, event) for the cases of the 12 vintages ending with P's last month."""
    months = [m for f, m in ind.submissions if f == firm and m <= p.months[-1]]
    if not months:
        return []
    censor = min(p.last, month_last_day(max(months)))
    first_pay = {}
    for r in ind.rows["payments"]:
        if r["firm_id"] == firm and r["period"] <= p.months[-1]:
            first_pay[r["case_ref"]] = min(first_pay.get(r["case_ref"], r["paid_on"]), r["paid_on"])
    vintages = {shift(p.months[-1], -k) for k in range(12)}
    out = []
    for c in ind.history(firm, p).values():
        if month_of(c["placed_on"]) not in vintages:
            continue
        paid = first_pay.get(c["case_ref"])
        if paid is not None and paid <= censor:
            out.append((c, (paid - c["placed_on"]).days, True))
        else:
            end = c["closed_on"] if c["closed_on"] is not None and c["closed_on"] <= censor else censor
            out.append((c, max((end - c["placed_on"]).days, 0), False))
    return out


def r4_rows(times: list[tuple[dict, int, bool]]) -> list[tuple]:
    groups = defaultdict(list)
    for c, t, e in times:
        for dim in ("", f"vintage={month_of(c['placed_on'])}", f"product={c['product']}",
                    f"dpd={dpd_bucket(c['dpd_at_placement'])}", f"region={c['region_code']}"):
            groups[dim].append((t, e))
    groups.setdefault("", [])
    return [("R4", dim, km_median(ts), len(ts)) for dim, ts in groups.items()]


def complaints(ind: Industry, firm: str, p: Period, prm: dict) -> list[tuple]:
    cases = ind.case_set(firm, p)
    act = [c for c in cases.values() if active(c, p)]
    rows = ind.latest("complaints", "complaint_ref", firm, p.months).values()
    received = [r for r in rows if p.holds(r["received_on"])]
    closed = [r for r in rows if p.holds(r["closed_on"])]
    judged = [r for r in closed if r["outcome"] in ("upheld", "partially_upheld", "not_upheld")]
    out = [
        ("C1", "", len(received), len(act)),
        ("C2", "", sum(r["outcome"] in ("upheld", "partially_upheld") for r in judged), len(judged)),
        ("C3", "", sum((r["closed_on"] - r["received_on"]).days <= prm["C3"]["days"] for r in closed), len(closed)),
        ("C4", "", sum(r["source"] in ESCALATED for r in received), len(received)),
    ]
    for cat in sorted({r["category"] for r in received}):
        out.append(("C5", f"category={cat}", sum(r["category"] == cat for r in received), len(received)))
    for group, vulnerable in (("vulnerable", True), ("other", False)):  # both groups always: the ratio's terms
        members = [c for c in act if c["vulnerable"] == vulnerable]
        n = sum(1 for r in received if r["case_ref"] in cases and cases[r["case_ref"]]["vulnerable"] == vulnerable)
        out.append(("C6", f"group={group}", n, len(members)))
    return out


def conduct(ind: Industry, firm: str, p: Period, prm: dict, flags: dict) -> list[tuple]:
    cs = ind.contacts(firm, p)
    calls = [c for c in cs if outbound_call(c)]
    outs = [c for c in cs if outbound(c)]
    v1 = prm["V1"]
    holidays = {date.fromisoformat(str(d)) for d in v1["holidays"]}
    v1_base = [c for c in outs if c["channel"] in v1["channels"]]
    v3 = defaultdict(int)
    for c in calls:
        if not c["connected"]:
            v3[(c["number_ref"], c["contact_at"].date())] += 1
    on_hold = lambda c: (c["case"]["hold_from"] is not None and c["case"]["hold_from"] <= c["contact_at"].date()
                         and (c["case"]["hold_to"] is None or c["contact_at"].date() <= c["case"]["hold_to"]))
    v6 = [c for c in outs if (c["channel"] == "call" and c["connected"]) or c["channel"] == "visit"]
    visits = [c for c in outs if c["channel"] == "visit"]
    v5 = sum(1 for c in outs if c["party"] == "debtor" and on_hold(c))
    out = [
        ("R7", "", sum(c["connected"] and c["party"] == "debtor" for c in calls), len(calls)),
        ("V1", "", sum(is_quiet(c["contact_at"], v1, holidays) and not c["consented_time"] for c in v1_base), len(v1_base)),
        ("V2", "", sum(contact_key(c) in flags["V2"] for c in calls), len(calls)),
        ("V3", "", sum(max(n - prm["V3"]["cap"], 0) for n in v3.values()), len(calls)),
        ("V4", "", sum((outbound(c) and c["party"] in THIRD_PARTIES and not c["debtor_unreachable"]) or c["disclosed_debt"]
                       for c in cs), len(outs)),
        ("V5", "", v5, len(outs)),
        ("V5", "measure=count", v5, 1),
        ("V6", "", sum(not c["recorded"] for c in v6), len(v6)),
        ("V7", "", sum((c["collectors_present"] or 0) < prm["V7"]["min_collectors"] for c in visits), len(visits)),
        ("U1", "", sum(contact_key(c) in flags["U1"] for c in calls), len(calls)),
        ("U2", "", sum(contact_key(c) in flags["U2"] for c in calls), len(calls)),
    ]
    actual = [c for c in cs if actual_contact(c)]
    week = sum(contact_key(c) in flags["A1week"] for c in actual)
    month = sum(contact_key(c) in flags["A1month"] for c in actual)
    either = sum(contact_key(c) in flags["A1week"] | flags["A1month"] for c in actual)
    out.append(("A1", "", either, len(actual)))
    if actual:
        out += [("A1", "rule=week", week, len(actual)), ("A1", "rule=month", month, len(actual))]
    act = [c for c in ind.case_set(firm, p).values() if active(c, p)]
    for group, vulnerable in (("vulnerable", True), ("other", False)):  # both groups always: the ratio's terms
        members = [c for c in act if c["vulnerable"] == vulnerable]
        out.append(("V8", f"group={group}", sum(c["case"]["vulnerable"] == vulnerable for c in outs), len(members)))
    reviews = ind.events("qa_reviews", firm, p, lambda r: r["reviewed_on"])
    out.append(("V9", "", sum(r["finding"] != "none" for r in reviews), len({r["review_ref"] for r in reviews})))
    incidents = ind.events("incidents", firm, p, lambda r: r["detected_at"].date())
    out.append(("V10", "", len(incidents), len(act)))
    # records affected is a count (denominator 1), always given like V5's count
    out.append(("V10", "measure=records_affected", sum(r["records_affected"] for r in incidents), 1))
    if incidents:
        hours = timedelta(hours=prm["V10"]["report_hours"])
        out.append(("V10", "measure=reported_in_time",
                    sum(r["reported_at_utc"] is not None and r["reported_at_utc"] - r["detected_at_utc"] <= hours
                        for r in incidents), len(incidents)))
    return out


# ---- the long table ---------------------------------------------------------------------------

def compute(tables: dict[str, pl.DataFrame], pack: str = "cn", params: dict | None = None,
            periods: list[str] | None = None, submissions=None) -> pl.DataFrame:
    """The long metric table: firm rows for every firm with a submission in the period, and ALL."""
    prm = params_for(pack, params)
    ind = Industry(tables, submissions)
    flags = {"V2": v2_excess(ind, prm["V2"]["cap"]), **us_au_flags(ind, prm)}
    names = periods if periods is not None else rollups(m for _, m in ind.submissions)
    rows: dict[tuple, tuple] = {}  # (firm, period, metric, dim) -> (numerator, denominator)
    grains = {}
    for name in names:
        p = period(name)
        grains[name] = p.grain
        firms = [f for f in ind.firms if any((f, m) in ind.submissions for m in p.months)]
        pooled = []
        for f in firms:
            times = r4_times(ind, f, p)
            pooled += times
            found = (recovery(ind, f, p) + r4_rows(times) + complaints(ind, f, p, prm) + conduct(ind, f, p, prm, flags))
            for metric, dim, n, d in found:
                rows[(f, name, metric, dim)] = (n, d)
        if firms:
            for metric, dim, n, d in r4_rows(pooled):
                rows[("ALL", name, metric, dim)] = (n, d)
    industry = defaultdict(lambda: [0, 0])
    for (f, name, metric, dim), (n, d) in rows.items():
        if metric != "R4":
            industry[(name, metric, dim)][0] += n
            industry[(name, metric, dim)][1] += d
    for (name, metric, dim), (n, d) in industry.items():
        rows[("ALL", name, metric, dim)] = (n, 1 if (metric, dim) in (("V5", "measure=count"), ("V10", "measure=records_affected")) else d)
    for (f, name) in {(k[0], k[1]) for k in rows}:  # C6 and V8 headlines: ratio of the group rates
        for metric, scale in (("C6", 1000), ("V8", 1)):
            rate = {}
            for group in ("vulnerable", "other"):
                n, d = rows.get((f, name, metric, f"group={group}"), (None, None))
                rate[group] = n / d * scale if d else None
            rows[(f, name, metric, "")] = (rate["vulnerable"], rate["other"])
    out = []
    for (f, name, metric, dim), (n, d) in rows.items():
        out.append({"pack": pack, "firm_id": f, "period": name, "grain": grains[name], "metric_id": metric, "dim": dim,
                    "numerator": None if n is None else float(n), "denominator": None if d is None else float(d),
                    "value": value(metric, dim, n, d)})
    schema = {c: pl.String for c in COLUMNS[:6]} | {c: pl.Float64 for c in COLUMNS[6:]}
    return pl.DataFrame(out, schema=schema, orient="row").sort("period", "firm_id", "metric_id", "dim")


def value(metric: str, dim: str, n, d):
    if metric == "R4":
        return None if n is None else float(n)
    if n is None or d is None or d == 0:
        return None
    if dim.startswith("measure=") or metric == "V8" or (metric == "C6" and dim == ""):
        scale = 1
    elif metric == "C6":
        scale = 1000
    else:
        scale = SCALE[metric]
    return float(n) / float(d) * scale


def from_snapshot(snapshot, pack: str = "cn", params: dict | None = None, periods: list[str] | None = None) -> pl.DataFrame:
    """Read the snapshot's stored tables (through reader.connect, like the engine) and compute."""
    from industry_metrics import reader

    con = reader.connect(snapshot)
    con.execute("SET TimeZone = 'UTC'")
    tables = {name: con.sql(f"SELECT * FROM {name}").pl() for name in TABLES}
    subs = {(s["firm_id"], s["period"]) for s in snapshot.accepted}
    return compute(tables, pack, params, periods, subs)
