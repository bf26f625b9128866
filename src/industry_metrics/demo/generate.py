"""One firm-month's six template tables, cut from the firm's history, as typed Polars frames.

Money columns hold integer cents and dates/timestamps are Polars temporals; files.py writes
them in each firm's format. Contacts are drawn here, month by month, from the cases held.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from . import history as hist
from .firms import REGIONS, timezone_for
from .history import CHANNELS, DAY_S, PARTIES, FirmHistory, Period, _pick, listed, tokens

CALL, SMS, VISIT = 0, 1, 5
REGION_CODES = np.array([r[0] for r in REGIONS])
REGION_ZONES = np.array([timezone_for(r[0]) for r in REGIONS])


def _dates(days: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    s = pl.Series(np.asarray(days, dtype=np.int64)).cast(pl.Int32).cast(pl.Date)
    return s if valid is None else pl.select(pl.when(pl.Series(valid)).then(s)).to_series()


def _times(seconds: np.ndarray) -> pl.Series:
    return pl.Series(np.asarray(seconds, dtype=np.int64) * 1_000_000).cast(pl.Datetime("us"))


def _nullable(values: np.ndarray, valid: np.ndarray, dtype) -> pl.Series:
    return pl.select(pl.when(pl.Series(valid)).then(pl.Series(values).cast(dtype))).to_series()


def _refs(prefix: str, numbers: np.ndarray, width: int) -> pl.Series:
    return pl.select(pl.lit(prefix) + pl.Series(np.asarray(numbers, dtype=np.int64)).cast(pl.String).str.zfill(width)).to_series()


def month_tables(h: FirmHistory, p: Period) -> dict[str, pl.DataFrame]:
    """The firm's submission for period p: cases, payments, contacts, complaints, qa_reviews, incidents."""
    rng = np.random.default_rng([h.seed, h.firm_no, 2, p.index])
    idx = listed(h, p)
    stamp = p.label.replace("-", "")
    return {
        "cases": _cases(h, p, idx),
        "payments": _payments(h, p),
        "contacts": _contacts(h, p, idx, rng, stamp),
        "complaints": _complaints(h, p, idx),
        "qa_reviews": _qa_reviews(h, p, idx, rng, stamp),
        "incidents": _incidents(h, p, rng, stamp),
    }


def case_refs(h: FirmHistory, numbers: np.ndarray) -> pl.Series:
    return _refs(f"{h.case_prefix}{h.firm_id}-", numbers, 7)


def _cases(h: FirmHistory, p: Period, idx: np.ndarray) -> pl.DataFrame:
    c = {k: v[idx] for k, v in h.cases.items()}
    status = hist._status_at(h.cases, idx, p.end)
    closed = np.isin(status, [hist.SETTLED, hist.PAID, hist.RETURNED, hist.WRITTEN_OFF])
    hold_known = c["hold_from"] <= p.end  # a hold agreed after period end is not yet known
    zone = REGION_ZONES[c["region"]]
    return pl.DataFrame({
        "case_ref": case_refs(h, c["no"]),
        "debtor_ref": tokens(h.seed, 1, c["debtor"]),
        "creditor_ref": hist.CREDITORS[c["creditor"]],
        "product": hist.PRODUCTS[c["product"]],
        "region_code": REGION_CODES[c["region"]],
        "timezone": _nullable(zone, zone != "Asia/Shanghai", pl.String),  # empty means the default zone
        "placed_on": _dates(c["placed"]),
        "dpd_at_placement": c["dpd"].astype(np.int64),
        "amount_placed": c["amount"].astype(np.int64),
        "fee_model": hist.FEE_MODELS[c["fee"]],
        "vulnerable": c["vulnerable"],
        "hold_from": _dates(c["hold_from"], hold_known),
        "hold_to": _dates(c["hold_to"], hold_known),
        "status": hist.STATUSES[status],
        "closed_on": _dates(c["closed"], closed),
    })


def _payments(h: FirmHistory, p: Period) -> pl.DataFrame:
    pay = h.payments
    m = (pay["day"] >= p.start) & (pay["day"] <= p.end)
    case, no = pay["case"][m], pay["no"][m]
    ref = pl.select(_refs(f"{h.firm_id}-P", case, 7) + "-" + pl.Series(no).cast(pl.String).str.zfill(2)).to_series()
    frame = pl.DataFrame({"payment_ref": ref, "case_ref": case_refs(h, case), "paid_on": _dates(pay["day"][m]),
                          "amount": pay["cents"][m].astype(np.int64)})
    return frame.sort("paid_on", "payment_ref")


def _contacts(h: FirmHistory, p: Period, idx: np.ndarray, rng: np.random.Generator, stamp: str) -> pl.DataFrame:
    """Routine contacts on every case held, minus holds (for firms that respect them), plus each firm's floods."""
    c, prof = h.cases, h.profile
    lo = np.maximum(c["placed"][idx], p.start)
    hi = np.minimum(c["closed"][idx], p.end)
    state = hist._status_at(c, idx, (p.start + p.end) // 2)
    rate = np.select([state == hist.PLAN, state == hist.LEGAL], [hist.CONTACTS_PER_DAY[hist.PLAN], hist.CONTACTS_PER_DAY[hist.LEGAL]], hist.CONTACTS_PER_DAY[hist.ACTIVE])
    rate = rate * prof.intensity * np.where(c["vulnerable"][idx], prof.vulnerable_factor, 1.0) * rng.gamma(2.0, 0.5, len(idx))
    n = rng.poisson(rate * (hi - lo + 1))
    case = np.repeat(idx, n)
    day = np.repeat(lo, n) + (rng.random(len(case)) * np.repeat(hi - lo + 1, n)).astype(np.int64)
    parts = [_routine(h, case, day, rng)]
    if prof.respects_holds:
        r = parts[0]
        in_hold = r["outbound"] & (r["party"] == 0) & (c["hold_from"][case] <= day) & (day <= c["hold_to"][case])
        parts[0] = {k: v[~in_hold] for k, v in r.items()}
    if prof.unanswered_floods:
        parts.append(_unanswered_flood(h, p, idx, lo, hi, rng))
    if prof.shared_flood:
        parts.append(_shared_flood(h, p, idx))
    r = {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}
    is_call, is_visit = r["channel"] == CALL, r["channel"] == VISIT
    numbered = is_call | (r["channel"] == SMS)
    number = np.where(r["party"] == 0, tokens(h.seed, 2, c["debtor"][r["case"]]),
                      tokens(h.seed, 3, h.firm_no * 10**8 + c["no"][r["case"]]))
    frame = pl.DataFrame({
        "case_ref": case_refs(h, c["no"][r["case"]]),
        "contact_at": _times(r["day"] * DAY_S + r["second"]),
        "channel": CHANNELS[r["channel"]],
        "direction": np.where(r["outbound"], "outbound", "inbound"),
        "party": PARTIES[r["party"]],
        "number_ref": _nullable(number, numbered, pl.String),
        "connected": _nullable(r["connected"], is_call, pl.Boolean),
        "duration_s": _nullable(r["duration"], is_call | is_visit, pl.Int64),
        "consented_time": r["consented"],
        "debtor_unreachable": r["unreachable"],
        "disclosed_debt": r["disclosed"],
        "recorded": _nullable(r["recorded"], is_call | is_visit, pl.Boolean),
        "collectors_present": _nullable(r["collectors"], is_visit, pl.Int64),
    }).sort("contact_at", "case_ref", maintain_order=True)
    ref = _refs(f"{h.firm_id}-K{stamp}-", np.arange(frame.height), 7)
    return frame.insert_column(0, ref.alias("contact_ref"))


def _routine(h: FirmHistory, case: np.ndarray, day: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    prof, n = h.profile, len(case)
    outbound = rng.random(n) < 0.93
    channel = np.where(outbound, _pick(rng, hist.OUTBOUND_CHANNEL_WEIGHTS, n), _pick(rng, hist.INBOUND_CHANNEL_WEIGHTS, n))
    night = outbound & (channel != 4) & (channel != 3) & (rng.random(n) < prof.night_share)
    hour = np.where(night, hist.NIGHT_HOURS[_pick(rng, hist.NIGHT_HOUR_WEIGHTS, n)], hist.DAY_HOURS[_pick(rng, hist.DAY_HOUR_WEIGHTS, n)])
    party = np.where(outbound & np.isin(channel, [CALL, SMS, VISIT]), _pick(rng, hist.PARTY_WEIGHTS, n), 0)
    connected = np.where(outbound, rng.random(n) < np.where(party == 0, 0.38, 0.3), True)
    duration = np.where(channel == VISIT, rng.integers(600, 3600, n),
                        np.where(connected, 20 + rng.exponential(150, n).astype(np.int64), 0))
    return {
        "case": case, "day": day, "second": hour * 3600 + rng.integers(0, 3600, n), "channel": channel,
        "outbound": outbound, "party": party, "connected": connected,
        "duration": duration, "consented": night & (rng.random(n) < prof.night_consented),
        "unreachable": (party > 0) & (rng.random(n) >= prof.improper_third_party),
        "disclosed": (party > 0) & (rng.random(n) < prof.disclosed_debt),
        "recorded": rng.random(n) >= prof.unrecorded,
        "collectors": np.where(rng.random(n) < prof.single_collector, 1, rng.integers(2, 4, n)),
    }


def _calls(case: np.ndarray, day: np.ndarray, second: np.ndarray, connected: bool) -> dict[str, np.ndarray]:
    """Outbound calls to the debtor's own number, recorded, during working hours."""
    n = len(case)
    return {"case": case, "day": day, "second": second, "channel": np.full(n, CALL), "outbound": np.ones(n, bool),
            "party": np.zeros(n, np.int64), "connected": np.full(n, connected),
            "duration": np.full(n, 90 if connected else 0), "consented": np.zeros(n, bool),
            "unreachable": np.zeros(n, bool), "disclosed": np.zeros(n, bool), "recorded": np.ones(n, bool),
            "collectors": np.full(n, 2)}


def _unanswered_flood(h: FirmHistory, p: Period, idx, lo, hi, rng) -> dict[str, np.ndarray]:
    """V3: on one day, 8-14 unanswered calls to the same debtor number."""
    hit = rng.random(len(idx)) < h.profile.unanswered_floods
    k = rng.integers(8, 15, hit.sum())
    day = lo[hit] + (rng.random(hit.sum()) * (hi[hit] - lo[hit] + 1)).astype(np.int64)
    second = 9 * 3600 + rng.integers(0, 11 * 3600, k.sum())
    return _calls(np.repeat(idx[hit], k), np.repeat(day, k), second, connected=False)


def _shared_flood(h: FirmHistory, p: Period, idx: np.ndarray) -> dict[str, np.ndarray]:
    """V2: each flooding firm makes 3 connected calls to every shared debtor on the same day of the month.

    The day is a hash of (debtor, month), so both agencies pick it without talking; each firm
    alone stays within 3 calls a day, and only the industry-wide view sees 6.
    """
    shared = idx[h.cases["debtor"][idx] >= h.debtor_pool]
    debtor = h.cases["debtor"][shared].astype(np.uint64)
    offset = hist._mix64(debtor * np.uint64(131) + np.uint64(p.index)) % np.uint64(p.end - p.start + 1)
    day = np.repeat(p.start + offset.astype(np.int64), 3)
    hours = np.tile(np.array([9, 13, 17]) + h.firm_no % 2, len(shared))
    second = hours * 3600 + (hist._mix64(np.repeat(debtor, 3) + np.uint64(h.firm_no)) % np.uint64(3000)).astype(np.int64)
    return _calls(np.repeat(shared, 3), day, second, connected=True)


def _complaints(h: FirmHistory, p: Period, idx: np.ndarray) -> pl.DataFrame:
    """Received in the period, or received earlier and still open at its start; state as at period end."""
    q = h.complaints
    m = (q["received"] <= p.end) & ((q["received"] >= p.start) | (q["closed"] >= p.start))
    q = {k: v[m] for k, v in q.items()}
    closed = q["closed"] <= p.end
    on_listed = q["known"] & np.isin(q["case"], idx)  # a case handed back earlier is not in this month's cases
    outcome = np.where(closed, hist.OUTCOMES[q["outcome"]], "pending")
    upheld = closed & (q["outcome"] < 2)
    return pl.DataFrame({
        "complaint_ref": _refs(f"{h.firm_id}-C", q["no"], 6),
        "case_ref": pl.select(pl.when(pl.Series(on_listed)).then(case_refs(h, h.cases["no"][q["case"]]))).to_series(),
        "received_on": _dates(q["received"]),
        "source": hist.SOURCES[q["source"]],
        "category": hist.CATEGORIES[q["category"]],
        "outcome": outcome,
        "closed_on": _dates(q["closed"], closed),
        "redress_amount": _nullable(q["redress"], upheld, pl.Int64),
    })


def _qa_reviews(h: FirmHistory, p: Period, idx: np.ndarray, rng: np.random.Generator, stamp: str) -> pl.DataFrame:
    """About 25% of held cases reviewed each month; a review with findings has one row per finding."""
    n = rng.binomial(len(idx), 0.25)
    case = rng.choice(idx, size=n) if len(idx) else np.zeros(0, np.int64)
    lo = np.maximum(h.cases["placed"][case], p.start)
    day = lo + (rng.random(n) * (p.end - lo + 1)).astype(np.int64)
    rows = np.where(rng.random(n) < h.profile.qa_finding, rng.integers(1, 3, n), 0)
    finding_rows = np.maximum(rows, 1)
    review = np.repeat(np.arange(n), finding_rows)
    finding = np.where(np.repeat(rows, finding_rows) > 0, hist.FINDINGS[_pick(rng, np.ones(len(hist.FINDINGS)), len(review))], "none")
    return pl.DataFrame({
        "review_ref": _refs(f"{h.firm_id}-Q{stamp}-", review, 5),
        "case_ref": case_refs(h, h.cases["no"][case[review]]),
        "reviewed_on": _dates(day[review]),
        "subject": hist.SUBJECTS[_pick(rng, np.array([0.8, 0.1, 0.1]), n)][review],
        "finding": finding,
    })


def _incidents(h: FirmHistory, p: Period, rng: np.random.Generator, stamp: str) -> pl.DataFrame:
    """Detected at a Shanghai time in the period; most reported within 4 hours, late ones hours or days later."""
    n = rng.poisson(h.profile.incidents_per_month)
    detected = p.start * DAY_S + rng.integers(0, (p.end - p.start + 1) * DAY_S, n)
    late = rng.random(n) < h.profile.late_incident_reports
    delay = np.where(late, rng.integers(5 * 3600, 96 * 3600, n), rng.integers(20 * 60, int(3.5 * 3600), n))
    reported = ~late | (rng.random(n) < 0.7)  # some late ones are never reported
    return pl.DataFrame({
        "incident_ref": _refs(f"{h.firm_id}-I{stamp}-", np.arange(n), 3),
        "kind": hist.INCIDENT_KINDS[_pick(rng, np.array([0.2, 0.35, 0.2, 0.1, 0.15]), n)],
        "detected_at": _times(detected),
        "reported_at": pl.select(pl.when(pl.Series(reported)).then(_times(detected + delay))).to_series(),
        "records_affected": rng.integers(1, 2000, n).astype(np.int64),
    })
