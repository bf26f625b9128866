"""A small, valid firm-month (2026-10) as rows, and writers for CSV / Parquet / XLSX.

Tests start from `valid_tables()` and change one cell to break exactly one rule.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

PERIOD = "2026-10"
D1 = "a" * 64  # a debtor_ref token
N1 = "b" * 64  # a number_ref token


def valid_tables() -> dict[str, list[dict[str, str]]]:
    """Three cases, two payments, three contacts, one row in each other table; all rules pass."""
    case = {
        "case_ref": "C1", "debtor_ref": D1, "creditor_ref": "LENDER1", "product": "cash_loan",
        "region_code": "320481", "timezone": "", "placed_on": "2026-09-01", "dpd_at_placement": "30",
        "amount_placed": "1000.00", "fee_model": "percentage", "vulnerable": "false",
        "hold_from": "", "hold_to": "", "status": "active", "closed_on": "",
    }
    cases = [case, {**case, "case_ref": "C2", "status": "settled", "closed_on": "2026-10-20"},
             {**case, "case_ref": "C3", "timezone": "Asia/Urumqi", "vulnerable": "是"}]
    contact = {
        "contact_ref": "K1", "case_ref": "C1", "contact_at": "2026-10-05 10:00:00", "channel": "call",
        "direction": "outbound", "party": "debtor", "number_ref": N1, "connected": "true",
        "duration_s": "60", "consented_time": "", "debtor_unreachable": "", "disclosed_debt": "",
        "recorded": "true", "collectors_present": "",
    }
    contacts = [contact, {**contact, "contact_ref": "K2", "case_ref": "C2", "channel": "letter", "number_ref": "",
                          "connected": "", "recorded": "", "duration_s": ""},
                {**contact, "contact_ref": "K3", "case_ref": "C3", "contact_at": "2026-10-31 23:30:00+08:00"}]
    return {
        "cases": cases,
        "payments": [{"payment_ref": "P1", "case_ref": "C1", "paid_on": "2026-10-10", "amount": "100.50"},
                     {"payment_ref": "P2", "case_ref": "C2", "paid_on": "2026-10-20", "amount": "900"}],
        "contacts": contacts,
        "complaints": [{"complaint_ref": "M1", "case_ref": "C1", "received_on": "2026-10-03", "source": "hotline",
                        "category": "out_of_hours", "outcome": "upheld", "closed_on": "2026-10-09", "redress_amount": "0"}],
        "qa_reviews": [{"review_ref": "R1", "case_ref": "C1", "reviewed_on": "2026-10-15", "subject": "call", "finding": "none"}],
        "incidents": [{"incident_ref": "I1", "kind": "loss", "detected_at": "2026-10-02T09:00:00", "reported_at": "",
                       "records_affected": "0"}],
    }


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_all_csv(folder: Path, tables: dict[str, list[dict[str, str]]], encoding: str = "utf-8") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [write_csv(folder / f"{name}.csv", rows, encoding) for name, rows in tables.items()]


def write_parquet(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = {k: pa.array([r[k] or None for r in rows], type=pa.string()) for k in rows[0]}
    pq.write_table(pa.table(columns), path)
    return path


def write_xlsx(path: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        sheet.append(list(rows[0]))
        for r in rows:
            sheet.append([v if v != "" else None for v in r.values()])
    book.save(path)
    return path
