"""A hypothesis strategy for small random industries, and the writer that ingests them as template CSVs.

An industry is 2-4 firms over 1-3 consecutive months. The data are chosen to sit on the edges the
metric definitions pin down: debtors shared across firms for one creditor, contacts clustered on a
few debtor-days at 21:59:59 / 22:00 / 07:59:59 / 08:00 and around midnight, identical timestamps,
holds, vulnerable cases, complaints closed 14-16 days after receipt, several findings per review,
incidents reported about 4 hours after detection, and one case in America/New_York whose months
cross a daylight-saving change.
"""

from __future__ import annotations

import calendar
import csv
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import strategies as st

from industry_metrics import ingest

FIRMS = ("FA", "FB", "FC", "FD")
REGISTRY_HEADER = ["firm_id", "name_zh", "name_en", "licence_no", "region_code", "size_band", "joined_on", "active"]
# Starting months whose runs cross a quarter, a year, or a US daylight-saving change (2026-03-08, 2026-11-01).
STARTS = ("2026-02", "2026-03", "2026-10", "2026-11", "2026-12")
DEBTORS = tuple(f"{i:x}" * 64 for i in range(10, 15))  # 5 debtors, shared across firms
NUMBERS = tuple(f"{i:x}" * 64 for i in range(1, 4))
EDGE_TIMES = ("21:59:59", "22:00:00", "07:59:59", "08:00:00", "23:59:59", "00:00:00", "00:30:00", "10:00:00",
              "12:00:00", "20:59:59", "21:00:00", "07:29:59", "07:30:00", "08:59:59", "09:00:00")
CLOSED = ("settled", "paid_in_full", "returned", "written_off")

COLUMNS = {
    "cases": ["case_ref", "debtor_ref", "creditor_ref", "product", "region_code", "timezone", "placed_on",
              "dpd_at_placement", "amount_placed", "fee_model", "vulnerable", "hold_from", "hold_to", "status", "closed_on"],
    "payments": ["payment_ref", "case_ref", "paid_on", "amount"],
    "contacts": ["contact_ref", "case_ref", "contact_at", "channel", "direction", "party", "number_ref", "connected",
                 "duration_s", "consented_time", "debtor_unreachable", "disclosed_debt", "recorded", "collectors_present"],
    "complaints": ["complaint_ref", "case_ref", "received_on", "source", "category", "outcome", "closed_on",
                   "redress_amount"],
    "qa_reviews": ["review_ref", "case_ref", "reviewed_on", "subject", "finding"],
    "incidents": ["incident_ref", "kind", "detected_at", "reported_at", "records_affected"],
}


def month_add(month: str, n: int) -> str:
    y, m = divmod(int(month[:4]) * 12 + int(month[5:7]) - 1 + n, 12)
    return f"{y:04d}-{m + 1:02d}"


def bounds(month: str) -> tuple[date, date]:
    y, m = int(month[:4]), int(month[5:7])
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


@dataclass
class Case:
    ref: str
    debtor: str
    creditor: str
    product: str
    region: str
    timezone: str
    placed_on: date
    dpd: int
    amount: str
    fee_model: str
    vulnerable: bool
    hold_from: date | None
    hold_to: date | None
    closed_on: date | None
    closed_status: str
    legal_from: str | None  # the month from which the case is in legal action
    plan: bool  # a repayment plan rather than plain active while open

    def held_in(self, month: str) -> bool:
        first, last = bounds(month)
        return self.placed_on <= last and (self.closed_on is None or self.closed_on >= first)

    def row(self, month: str) -> dict:
        """The case as at the end of `month`."""
        last = bounds(month)[1]
        closed = self.closed_on is not None and self.closed_on <= last
        status = (self.closed_status if closed else "legal_action" if self.legal_from and month >= self.legal_from
                  else "repayment_plan" if self.plan else "active")
        return dict(case_ref=self.ref, debtor_ref=self.debtor, creditor_ref=self.creditor, product=self.product,
                    region_code=self.region, timezone=self.timezone, placed_on=self.placed_on.isoformat(),
                    dpd_at_placement=str(self.dpd), amount_placed=self.amount, fee_model=self.fee_model,
                    vulnerable=("是" if self.vulnerable else "否") if self.ref.endswith("7") else str(self.vulnerable).lower(),
                    hold_from=iso(self.hold_from), hold_to=iso(self.hold_to) if self.hold_from else "",
                    status=status, closed_on=iso(self.closed_on) if closed else "")


def iso(d) -> str:
    return d.isoformat() if d is not None else ""


@dataclass
class Industry:
    months: list[str]
    firms: dict[str, list[str]]  # firm -> the months it submits
    tables: dict[tuple[str, str], dict[str, list[dict]]] = field(default_factory=dict)  # (firm, month) -> tables

    def __repr__(self) -> str:  # short: failures name the data dir, which holds every row
        sizes = {f"{f} {m}": {t: len(rows) for t, rows in tables.items() if rows} for (f, m), tables in self.tables.items()}
        return f"Industry(months={self.months}, sizes={sizes})"

    def _repr_pretty_(self, printer, cycle) -> None:  # hypothesis prints examples with this
        printer.text(repr(self))

    def fingerprint(self) -> str:
        return repr(sorted(self.tables.items()))


def _case(rnd: random.Random, ref: str, months: list[str], new_york: bool) -> Case:
    first, last = bounds(months[0])[0], bounds(months[-1])[1]
    placed = first - timedelta(days=rnd.choice([400, 200, 185, 165, 150, 120, 60, 31, 10])) if rnd.random() < 0.6 \
        else first + timedelta(days=rnd.randrange((last - first).days + 1))
    if rnd.random() < 0.3:  # placed on a month's last or 31st day, where "+ m months" clamps
        placed = bounds(f"{placed.year:04d}-{placed.month:02d}")[1]
    closed = None
    if rnd.random() < 0.35:
        closed = max(placed, first - timedelta(days=3)) + timedelta(days=rnd.randrange(80))
        closed = closed if closed <= last else None
    hold_from = hold_to = None
    if rnd.random() < 0.3:
        hold_from = first + timedelta(days=rnd.randrange(20))
        hold_to = rnd.choice([None, hold_from, hold_from + timedelta(days=rnd.randrange(40))])
    legal = rnd.choice(months) if closed is None and rnd.random() < 0.25 else None
    return Case(ref=ref, debtor=("f" * 64 if new_york else rnd.choice(DEBTORS[:3] if rnd.random() < 0.7 else DEBTORS)),
                creditor="CR1" if rnd.random() < 0.75 else "CR2",
                product=rnd.choice(["cash_loan", "credit_card", "auto_loan"]), region=rnd.choice(["320481", "110105"]),
                timezone="America/New_York" if new_york else rnd.choice(["", "", "Asia/Shanghai"]), placed_on=placed,
                dpd=rnd.choice([1, 30, 31, 60, 61, 90, 91, 180, 181, 400]), amount=f"{rnd.randrange(10000, 500000) / 100:.2f}",
                fee_model=rnd.choice(["percentage", "fixed", "success"]), vulnerable=rnd.random() < 0.3,
                hold_from=hold_from, hold_to=hold_to, closed_on=closed, closed_status=rnd.choice(CLOSED), legal_from=legal,
                plan=rnd.random() < 0.2)


def _moment(rnd: random.Random, month: str, days: list[int], case: Case, new_york: bool) -> str:
    first, last = bounds(month)
    day = rnd.choice(days + [rnd.randrange(1, last.day + 1)])
    day = min(day, last.day)
    if new_york and rnd.random() < 0.5:  # around the DST changes: 2026-03-08 and 2026-11-01 (avoid 01:00-03:00)
        special = {"2026-03": 8, "2026-11": 1}.get(month)
        if special:
            day = special
            return f"{month}-{day:02d} {rnd.choice(['00:30:00', '03:30:00', '07:59:59', '08:00:00', '21:30:00', '22:00:00'])}"
    clock = rnd.choice(EDGE_TIMES) if rnd.random() < 0.7 else f"{rnd.randrange(24):02d}:{rnd.randrange(60):02d}:00"
    return f"{month}-{day:02d} {clock}"


def _contact(rnd: random.Random, ref: str, case: Case, when: str) -> dict:
    channel = rnd.choices(["call", "sms", "app_message", "ivr", "visit", "email", "letter"], [12, 2, 1, 2, 2, 1, 1])[0]
    direction = "outbound" if rnd.random() < 0.88 else "inbound"
    party = rnd.choices(["debtor", "guarantor", "related_third_party", "emergency_contact", "unrelated_third_party"],
                        [10, 1, 1, 2, 1])[0]
    flag = lambda p: rnd.choice(["true", "1"]) if rnd.random() < p else rnd.choice(["false", "", "0"])
    connected = flag(0.6) if channel == "call" else (rnd.choice(["", "true", "false"]) if channel == "ivr" else "")
    if channel == "call" and connected == "":
        connected = "false"
    return dict(contact_ref=ref, case_ref=case.ref, contact_at=when, channel=channel, direction=direction, party=party,
                number_ref=rnd.choice(NUMBERS) if channel in ("call", "sms") else "", connected=connected,
                duration_s=str(rnd.randrange(0, 300)) if channel == "call" else "", consented_time=flag(0.1),
                debtor_unreachable=flag(0.3), disclosed_debt=flag(0.05),
                recorded=(rnd.choice(["true", "false"]) if rnd.random() < 0.3 else "true") if channel in ("call", "visit") else "",
                collectors_present=str(rnd.choice([0, 1, 2, 3])) if channel == "visit" else "")


def build(rnd: random.Random, n_firms: int, n_months: int, start: str, gaps: bool = True) -> Industry:
    """With gaps, firms other than the first may skip months (a firm without a submission gets no rows)."""
    months = [month_add(start, k) for k in range(n_months)]
    firms = {}
    for i, firm in enumerate(FIRMS[:n_firms]):
        own = [m for m in months if not gaps or rnd.random() < 0.8 or i == 0] or [months[-1]]
        firms[firm] = own
    industry = Industry(months, firms)
    for fi, (firm, own) in enumerate(firms.items()):
        cases = [_case(rnd, f"{firm}C{k}", months, new_york=(fi == 0 and k == 0)) for k in range(rnd.randrange(3, 7))]
        # every submission needs a case held in it: the first case is open throughout
        cases[0].placed_on, cases[0].closed_on = min(cases[0].placed_on, bounds(months[0])[0]), None
        complaints = []
        for k in range(rnd.randrange(0, 5)):
            case = rnd.choice(cases + [None])
            received = bounds(months[0])[0] - timedelta(days=5) + timedelta(days=rnd.randrange(25 * n_months + 5))
            complaints.append(dict(ref=f"{firm}M{k}", case=case, received=received,
                                   source=rnd.choice(["firm_direct", "creditor", "regulator", "hotline", "media"]),
                                   category=rnd.choice(["out_of_hours", "excessive_contact", "other"]),
                                   outcome=rnd.choice(["upheld", "partially_upheld", "not_upheld", "withdrawn", "pending"]),
                                   closes=received + timedelta(days=rnd.choice([0, 14, 15, 16, 30]))))
        seq = 0
        for month in own:
            first, last = bounds(month)
            held = [c for c in cases if c.held_in(month)]
            tables = {name: [] for name in COLUMNS}
            tables["cases"] = [c.row(month) for c in held]
            days = [1, 5, last.day]
            timestamps = []
            for k in range(rnd.randrange(0, 30)):
                case = rnd.choices(held, [4] + [1] * (len(held) - 1))[0]
                ny = case.timezone == "America/New_York"
                when = rnd.choice(timestamps) if timestamps and rnd.random() < 0.15 else _moment(rnd, month, days, case, ny)
                timestamps.append(when)
                seq += 1
                tables["contacts"].append(_contact(rnd, f"{firm}K{seq:03d}" if rnd.random() < 0.8 else f"{firm}K{seq}", case, when))
            if rnd.random() < 0.5:  # a burst on one case, one day, one number: V3's and A1's caps
                case, day = rnd.choice(held), rnd.choice(days)
                channels = rnd.choice([["call", "call", "call", "sms"], ["sms", "app_message", "call"]])
                for k in range(rnd.randrange(7, 15)):
                    seq += 1
                    burst = _contact(rnd, f"{firm}K{seq:03d}", case, f"{month}-{day:02d} {9 + k:02d}:15:00")
                    burst.update(direction="outbound", party="debtor", number_ref=NUMBERS[0],
                                 channel=rnd.choice(channels), connected=rnd.choice(["false"] * 5 + ["true"] * (1 + 4 * (channels[0] == "sms"))))
                    if burst["channel"] != "call":
                        burst.update(connected="", recorded="", duration_s="", collectors_present="")
                    else:
                        burst.update(recorded=rnd.choice(["true", "false"]), collectors_present="")
                    tables["contacts"].append(burst)
            for k in range(rnd.randrange(0, 4)):
                case = rnd.choice(held)
                seq += 1
                paid = max(first, case.placed_on) + timedelta(days=rnd.randrange(28))
                if paid <= last:
                    tables["payments"].append(dict(payment_ref=f"{firm}P{seq}", case_ref=case.ref, paid_on=paid.isoformat(),
                                                   amount=f"{rnd.randrange(100, 40000) / 100:.2f}"))
            for m in complaints:
                if m["received"] > last or (m["outcome"] != "pending" and m["closes"] < first):
                    continue
                closed = m["outcome"] != "pending" and m["closes"] <= last
                case_ref = m["case"].ref if m["case"] is not None and m["case"] in held else ""
                tables["complaints"].append(dict(complaint_ref=m["ref"], case_ref=case_ref, received_on=m["received"].isoformat(),
                                                 source=m["source"], category=m["category"],
                                                 outcome=m["outcome"] if closed else "pending",
                                                 closed_on=m["closes"].isoformat() if closed else "", redress_amount=""))
            for k in range(rnd.randrange(0, 4)):
                seq += 1
                day = first + timedelta(days=rnd.randrange(last.day))
                findings = rnd.sample(["none", "threat", "insult", "not_recorded"], rnd.randrange(1, 4))
                for finding in findings:
                    tables["qa_reviews"].append(dict(review_ref=f"{firm}R{seq}", case_ref=rnd.choice(held).ref,
                                                     reviewed_on=day.isoformat(), subject="call", finding=finding))
            for k in range(rnd.randrange(0, 3)):
                seq += 1
                detected = datetime(first.year, first.month, rnd.choice([1, last.day]), rnd.choice([0, 9, 21, 23]), 30)
                offset = rnd.choice(["", "", "+08:00"])
                gap = rnd.choice([None, timedelta(hours=3, minutes=59, seconds=59), timedelta(hours=4),
                                  timedelta(hours=4, seconds=1), timedelta(hours=30)])
                reported = "" if gap is None else (detected + gap).isoformat(sep=" ") + offset
                if gap is not None and rnd.random() < 0.3:  # the same instant written in UTC
                    reported = (detected + gap - timedelta(hours=8)).isoformat(sep=" ") + "+00:00"
                tables["incidents"].append(dict(incident_ref=f"{firm}I{seq}", kind="loss",
                                                detected_at=detected.isoformat(sep=" ") + offset, reported_at=reported,
                                                records_affected=str(rnd.randrange(0, 50))))
            industry.tables[(firm, month)] = tables
    return industry


@st.composite
def industries(draw) -> Industry:
    """2-4 firms over 1-3 months (mostly 3), from a drawn seed: hypothesis's own random draws lean to
    zeros and small numbers, which here would mean empty tables; a seed gives every example full tables."""
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    n_months = rnd.choices([1, 2, 3], [2, 3, 5])[0]
    return build(rnd, rnd.randint(2, 4), n_months, rnd.choice(STARTS), gaps=rnd.random() < 0.6)


def write_registry(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "firms.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REGISTRY_HEADER)
        for i, firm in enumerate(FIRMS):
            writer.writerow([firm, f"公司{i}", f"Firm {firm}", f"L-{i:04d}", "320481", "small", "2024-01-01", "true"])


def submit(data_dir: Path, firm: str, month: str, tables: dict[str, list[dict]]) -> None:
    """Write one submission as template CSVs and ingest it (warnings confirmed); a rejection fails loudly."""
    folder = data_dir / "inbox" / f"{firm}_{month}"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, rows in tables.items():
        if rows or name == "cases":
            path = folder / f"{name}.csv"
            with open(path, "w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=COLUMNS[name])
                writer.writeheader()
                writer.writerows(rows)
            files.append(path)
    result = ingest.ingest(data_dir, firm, month, files, confirm=True)
    if result.status != "accepted":
        raise AssertionError(f"{firm} {month} rejected: {result.report}")


def load(industry: Industry, data_dir: Path) -> None:
    write_registry(data_dir)
    for (firm, month), tables in sorted(industry.tables.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        submit(data_dir, firm, month, tables)
