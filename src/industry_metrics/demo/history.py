"""A firm's whole case history over the demo window, vectorised with numpy; generate.py cuts it into months.

Days are integers (days since 1970-01-01); money is integer cents until it is written out.
Every random draw comes from a Generator seeded by (seed, firm, stream), so a firm's rows do
not depend on the order in which firms are built.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import numpy as np

from .behaviour import Profile
from .firms import REGION_RECOVERY, REGIONS

NEVER = 10**6  # a day number far beyond any demo window
BACKLOG_DAYS = 150
DAY_S = 86_400

PRODUCTS = np.array(["cash_loan", "consumer_instalment", "credit_card", "auto_loan", "small_business", "other"])
PRODUCT_WEIGHTS = np.array([0.35, 0.25, 0.2, 0.07, 0.08, 0.05])
PRODUCT_MEDIAN_YUAN = np.array([3_000, 8_000, 15_000, 60_000, 120_000, 5_000])
PRODUCT_PAY = np.array([0.55, 0.6, 0.5, 0.72, 0.45, 0.5])  # chance a case ever pays, before other factors
# dpd_at_placement buckets M1, M2, M3, M4-M6, M6+ (metrics.md): ranges, mix, pay factor, first-payment delay factor.
DPD_LOW = np.array([1, 31, 61, 91, 181])
DPD_HIGH = np.array([30, 60, 90, 180, 720])
DPD_WEIGHTS = np.array([0.25, 0.2, 0.2, 0.2, 0.15])
DPD_PAY = np.array([1.3, 1.1, 0.9, 0.7, 0.45])
DPD_DELAY = np.array([1.0, 1.3, 1.6, 2.0, 2.6])
FEE_MODELS = np.array(["percentage", "fixed", "success"])
CREDITORS = np.array([f"LND{i:02d}" for i in range(1, 13)])
SHARED_CREDITOR = 0  # the lender whose debtors two agencies flood together (V2)
STATUSES = np.array(["active", "repayment_plan", "settled", "paid_in_full", "legal_action", "returned", "written_off"])
ACTIVE, PLAN, SETTLED, PAID, LEGAL, RETURNED, WRITTEN_OFF = range(7)

CHANNELS = np.array(["call", "sms", "app_message", "email", "letter", "visit", "ivr"])
OUTBOUND_CHANNEL_WEIGHTS = np.array([0.62, 0.2, 0.08, 0.02, 0.01, 0.02, 0.05])
INBOUND_CHANNEL_WEIGHTS = np.array([0.7, 0.1, 0.2, 0, 0, 0, 0])
PARTIES = np.array(["debtor", "guarantor", "related_third_party", "emergency_contact", "unrelated_third_party"])
PARTY_WEIGHTS = np.array([0.86, 0.03, 0.05, 0.04, 0.02])
# Working-hours profile 08:00-21:59 (peaks mid-morning and early evening) and the quiet window's hours.
DAY_HOURS = np.arange(8, 22)
DAY_HOUR_WEIGHTS = np.array([3, 8, 10, 10, 6, 5, 8, 9, 9, 7, 6, 7, 6, 3], dtype=float)
NIGHT_HOURS = np.array([22, 23, 0, 1, 2, 3, 4, 5, 6, 7])
NIGHT_HOUR_WEIGHTS = np.array([8, 5, 2, 1, 1, 1, 1, 1, 3, 7], dtype=float)
CONTACTS_PER_DAY = {ACTIVE: 0.55, PLAN: 0.15, LEGAL: 0.05}

SOURCES = np.array(["firm_direct", "creditor", "association", "regulator", "hotline", "court", "media"])
SOURCE_WEIGHTS = np.array([0.5, 0.2, 0.08, 0.07, 0.12, 0.02, 0.01])
CATEGORIES = np.array(["out_of_hours", "excessive_contact", "threats_abuse", "third_party_contact", "privacy_breach",
                       "impersonation", "debt_disputed", "fees_charges", "vulnerable_treatment", "other"])
CATEGORY_WEIGHTS = np.array([0.06, 0.14, 0.06, 0.08, 0.04, 0.02, 0.3, 0.15, 0.03, 0.12])
OUTCOMES = np.array(["upheld", "partially_upheld", "not_upheld", "withdrawn"])
OUTCOME_WEIGHTS = np.array([0.25, 0.15, 0.45, 0.15])
SUBJECTS = np.array(["call", "visit", "message"])
FINDINGS = np.array(["threat", "insult", "impersonation", "false_legal_claim", "privacy_disclosure",
                     "pressure_to_borrow", "extra_fee_demanded", "not_recorded"])
INCIDENT_KINDS = np.array(["leak", "misdirected_message", "unauthorised_access", "loss", "contact_list_disclosure"])

HEX_PAIRS = np.array([f"{i:02x}" for i in range(256)], dtype="<U2")


@dataclass(frozen=True)
class Period:
    label: str  # YYYY-MM
    index: int  # 0 for the demo's first month
    start: int  # first day, days since epoch
    end: int  # last day, inclusive


def day_number(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def periods(end_period: str, months: int) -> list[Period]:
    """The demo's months, oldest first, ending with end_period (YYYY-MM)."""
    year, month = map(int, end_period.split("-"))
    out = []
    for back in range(months - 1, -1, -1):
        y, m = divmod(year * 12 + month - 1 - back, 12)
        m += 1
        first, last = date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
        out.append(Period(f"{y:04d}-{m:02d}", months - 1 - back, day_number(first), day_number(last)))
    return out


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a fast, well-spread hash of uint64 values (wraps on purpose)."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def tokens(seed: int, kind: int, ids: np.ndarray) -> np.ndarray:
    """64-hex-char stand-ins for HMAC tokens: the same (seed, kind, id) gives the same token at every firm."""
    base = (np.asarray(ids, dtype=np.uint64) << np.uint64(8)) ^ np.uint64(kind) ^ (np.uint64(seed) << np.uint64(48))
    words = np.stack([_mix64(base * np.uint64(4) + np.uint64(k)) for k in range(4)], axis=1)
    return HEX_PAIRS[words.view(np.uint8)].view("<U64").ravel()


def _pick(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    return rng.choice(len(weights), size=n, p=weights / weights.sum())


@dataclass
class FirmHistory:
    """One firm's cases over the whole demo window, as parallel arrays, and its complaints."""

    firm_id: str
    firm_no: int
    profile: Profile
    home_region: int
    cases: dict[str, np.ndarray]
    payments: dict[str, np.ndarray]
    complaints: dict[str, np.ndarray]
    seed: int
    case_prefix: str
    debtor_pool: int


def simulate_firm(seed: int, firm_no: int, firm_id: str, home_region: str, profile: Profile, n_cases: int,
                  window: list[Period], debtor_pool: int, shared_debtors: int, case_prefix: str = "") -> FirmHistory:
    """Place n_cases cases over the window (plus a backlog) and play each one out to its end."""
    rng = np.random.default_rng([seed, firm_no, 0])
    first, last = window[0].start, window[-1].end
    n = n_cases
    home = next(i for i, r in enumerate(REGIONS) if r[0] == home_region)
    # Cases placed up to 150 days before the window form the opening stock.
    placed = first - BACKLOG_DAYS + rng.integers(0, last - first + BACKLOG_DAYS + 1, n)
    product = _pick(rng, PRODUCT_WEIGHTS, n)
    amount = np.round(PRODUCT_MEDIAN_YUAN[product] * rng.lognormal(0, 0.6, n) * 100).astype(np.int64)
    amount = np.clip(amount, 20_000, 500_000_000)
    bucket = _pick(rng, DPD_WEIGHTS, n)
    dpd = rng.integers(DPD_LOW[bucket], DPD_HIGH[bucket] + 1)
    # Most debtors live in the firm's home region; the rest anywhere (Xinjiang and Hong Kong are rarer).
    region = np.where(rng.random(n) < 0.6, home, rng.integers(0, len(REGIONS) - 2, n))
    far = rng.random(n) < 0.03
    region[far] = len(REGIONS) - 2 + rng.integers(0, 2, far.sum())
    lenders = rng.choice(len(CREDITORS), size=4, replace=False)
    creditor = lenders[_pick(rng, np.array([0.4, 0.3, 0.2, 0.1]), n)]
    fee = np.where(rng.random(n) < 0.8, rng.integers(0, 3), rng.integers(0, 3, n))
    vulnerable = rng.random(n) < 0.04
    debtor = rng.integers(0, debtor_pool, n)
    region_factor = np.array([REGION_RECOVERY.get(r[0][:2], 1.0) for r in REGIONS])[region]
    firm_factor = rng.uniform(0.8, 1.2)

    # Recovery: who pays, after how long, and how.
    pays = rng.random(n) < np.clip(PRODUCT_PAY[product] * DPD_PAY[bucket] * region_factor * firm_factor, 0, 0.95)
    first_pay = placed + 1 + np.ceil(rng.exponential(18 * DPD_DELAY[bucket])).astype(np.int64)
    plan = _pick(rng, np.array([0.35, 0.35, 0.3]), n)  # 0 pays in full by instalments, 1 settles, 2 stops part-way
    instalments = np.where(plan == 0, rng.integers(1, 7, n), np.where(plan == 1, rng.integers(1, 3, n), rng.integers(1, 4, n)))
    share = np.where(plan == 0, 1.0, np.where(plan == 1, rng.uniform(0.5, 0.85, n), rng.uniform(0.1, 0.4, n)))
    total = np.where(pays, np.floor(amount * share).astype(np.int64), 0)
    total = np.maximum(total, np.where(pays, instalments, 0))  # at least one cent per instalment

    k = np.where(pays, instalments, 0)
    pay_case = np.repeat(np.arange(n), k)
    pay_no = np.arange(len(pay_case)) - np.repeat(np.cumsum(k) - k, k)
    pay_day = first_pay[pay_case] + 30 * pay_no + rng.integers(-3, 4, len(pay_case)) * (pay_no > 0)
    each = total[pay_case] // k[pay_case]
    pay_cents = each + np.where(pay_no == k[pay_case] - 1, total[pay_case] - each * k[pay_case], 0)
    last_pay = np.full(n, -NEVER)
    np.maximum.at(last_pay, pay_case, pay_day)

    # End states: payers in full or settling close on their last payment; the rest are handed back,
    # written off, or go to court (and are handed back once the court case ends).
    status = np.full(n, ACTIVE)
    closed = np.full(n, NEVER)
    legal = np.full(n, NEVER)
    plan_from = np.where(pays & (instalments > 1), first_pay, NEVER)
    done = pays & (plan < 2)
    status[done] = np.where(plan[done] == 0, PAID, SETTLED)
    closed[done] = last_pay[done]
    rest = ~done
    give_up = np.where(pays, last_pay + 60, placed + 90 + rng.exponential(120, n).astype(np.int64))
    fate = _pick(rng, np.array([0.65, 0.2, 0.15]), n)
    to_legal = rest & (fate == 2)
    legal[to_legal] = give_up[to_legal]
    closed[to_legal] = give_up[to_legal] + rng.integers(60, 241, to_legal.sum())
    status[to_legal] = RETURNED
    handed = rest & (fate < 2)
    closed[handed] = give_up[handed]
    status[handed] = np.where(fate[handed] == 0, RETURNED, WRITTEN_OFF)
    # Payments stop when the case closes (a stopped plan never pays after it is handed back).
    keep = pay_day <= closed[pay_case]

    # Holds (disputes, complaints, requests): about 6% of cases, 14-45 days.
    has_hold = rng.random(n) < 0.06
    hold_from = np.where(has_hold, placed + rng.integers(5, 120, n), NEVER)
    hold_to = np.where(has_hold, hold_from + rng.integers(14, 46, n), NEVER)

    cases = {"no": np.arange(n), "debtor": debtor, "creditor": creditor, "product": product, "region": region,
             "placed": placed, "dpd": dpd, "amount": amount, "fee": fee, "vulnerable": vulnerable,
             "hold_from": hold_from, "hold_to": hold_to, "status": status, "closed": closed, "legal": legal,
             "plan_from": plan_from}
    if profile.shared_flood:
        cases = _add_shared_cases(cases, first, shared_debtors, debtor_pool)
    payments = {"case": pay_case[keep], "no": pay_no[keep], "day": pay_day[keep], "cents": pay_cents[keep]}
    history = FirmHistory(firm_id, firm_no, profile, home, cases, payments, {}, seed, case_prefix, debtor_pool)
    history.complaints = _complaints(history, window)
    return history


def _add_shared_cases(cases: dict, first: int, shared: int, debtor_pool: int) -> dict:
    """The shared lender's debtors that two agencies both hold: open all window, never paying."""
    n0 = len(cases["no"])
    extra = {
        "no": np.arange(n0, n0 + shared), "debtor": debtor_pool + np.arange(shared), "creditor": np.full(shared, SHARED_CREDITOR),
        "product": np.zeros(shared, int), "region": np.zeros(shared, int), "placed": np.full(shared, first - 30),
        "dpd": np.full(shared, 45), "amount": np.full(shared, 800_000), "fee": np.zeros(shared, int),
        "vulnerable": np.zeros(shared, bool), "hold_from": np.full(shared, NEVER), "hold_to": np.full(shared, NEVER),
        "status": np.full(shared, ACTIVE), "closed": np.full(shared, NEVER), "legal": np.full(shared, NEVER),
        "plan_from": np.full(shared, NEVER),
    }
    return {k: np.concatenate([v, extra[k].astype(v.dtype)]) for k, v in cases.items()}


def listed(history: FirmHistory, p: Period) -> np.ndarray:
    """Indices of the cases the firm held at any time in the period (placed by its end, not closed before it)."""
    c = history.cases
    return np.flatnonzero((c["placed"] <= p.end) & (c["closed"] >= p.start))


def _status_at(c: dict, idx: np.ndarray, day: int) -> np.ndarray:
    status = np.full(len(idx), ACTIVE)
    status[c["plan_from"][idx] <= day] = PLAN
    status[c["legal"][idx] <= day] = LEGAL
    closed = c["closed"][idx] <= day
    status[closed] = c["status"][idx][closed]
    return status


def _complaints(history: FirmHistory, window: list[Period]) -> dict[str, np.ndarray]:
    """Every complaint over the window: received on a listed case's day, closed some days later."""
    prof = history.profile
    rng = np.random.default_rng([history.seed, history.firm_no, 1])
    parts = []
    for p in window:
        idx = listed(history, p)
        count = rng.poisson(0.0025 * len(idx) * prof.complaint_rate)
        case = rng.choice(idx, size=count) if len(idx) else np.zeros(0, int)
        lo = np.maximum(history.cases["placed"][case], p.start)
        parts.append((case, lo + (rng.random(count) * (p.end - lo + 1)).astype(np.int64)))
    case = np.concatenate([c for c, _ in parts]).astype(np.int64)
    received = np.concatenate([r for _, r in parts]).astype(np.int64)
    m = len(case)
    slow = rng.random(m) < prof.slow_complaints
    close_after = np.where(slow, rng.integers(16, 75, m), rng.integers(0, 16, m))
    weights = CATEGORY_WEIGHTS.copy()
    if prof.complaint_skew:
        weights[list(CATEGORIES).index(prof.complaint_skew)] += 0.6
    outcome = _pick(rng, OUTCOME_WEIGHTS, m)
    redress = np.where(outcome < 2, rng.integers(0, 2, m) * rng.integers(5_000, 200_000, m), 0)
    return {"no": np.arange(m), "case": case, "known": rng.random(m) < 0.85, "received": received,
            "closed": received + close_after, "source": _pick(rng, SOURCE_WEIGHTS, m),
            "category": _pick(rng, weights, m), "outcome": outcome, "redress": redress}
