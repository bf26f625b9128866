"""Ingest one firm-month: read the files, run every rule, and accept all of it or none of it.

The same function serves the CLI, the dashboard's upload page and the demo, so a demo
firm's files take exactly the path a real firm's files take.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

import duckdb

from . import contract, reader, registry, sources, validate
from .store import PARQUET_OPTIONS, Store, sha256_file
from .validate import Finding

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx"}

Progress = Callable[[str, float], None]


@dataclass
class IngestResult:
    status: str  # accepted | rejected | needs_confirmation
    report: dict
    record: dict | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return {"accepted": 0, "rejected": 1, "needs_confirmation": 2}[self.status]


def period_bounds(period: str) -> tuple[date, date]:
    match = PERIOD.match(period or "")
    if not match:
        raise ValueError(period)
    year, month = int(match.group(1)), int(match.group(2))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def ingest(
    data_dir: Path,
    firm_id: str,
    period: str,
    files: list[Path],
    *,
    confirm: bool = False,
    limits: sources.Limits = sources.Limits(),
    progress: Progress | None = None,
    submitted_by: str = "cli",
) -> IngestResult:
    """Validate and, when nothing rejects (and warnings are confirmed), store the submission."""
    step = progress or (lambda label, fraction: None)
    store = Store(data_dir)
    files = [Path(f) for f in files]
    file_info = [{"name": f.name, "sha256": sha256_file(f) if f.is_file() else None, "bytes": f.stat().st_size if f.is_file() else None} for f in files]
    report = {"firm_id": firm_id, "period": period, "files": file_info, "template_version": contract.TEMPLATE_VERSION}
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    findings = _admission(data_dir, firm_id, period)
    given: dict[str, str] = {}
    present: dict[str, set[str]] = {}
    if not findings:
        with sources.temp_workdir() as work:
            for i, path in enumerate(files):
                step(f"reading {path.name}", i / max(len(files), 1) * 0.4)
                findings += _load_file(con, path, limits, Path(work), given, present, file_info[i])
    start, end = period_bounds(period) if not findings else (None, None)
    if not findings and "cases" not in given:
        findings.append(Finding("F08", "cases", count=1))
    if not _rejects(findings):
        step("checking values", 0.45)
        for name in given:
            tbl = contract.table(name)
            findings += _structure(tbl, present[name], given[name])
        for name in given:
            tbl = contract.table(name)
            cols = present[name] & set(tbl.column_names)
            column_found = validate.column_findings(con, tbl, f"raw_{name}", cols)
            findings += column_found + validate.personal_findings(con, tbl, f"raw_{name}", cols, column_found)
    counts: dict[str, int] = {}
    if not _rejects(findings):
        step("checking rows across tables", 0.6)
        for name in sorted(given, key=lambda n: n != "cases"):  # contacts need the cases' time zones
            tbl = contract.table(name)
            validate.build_typed(con, tbl, f"raw_{name}", present[name] & set(tbl.column_names))
            sources.drop_text_table(con, f"raw_{name}")
        for name in contract.TABLE_NAMES:
            if name not in given:
                con.execute(reader.empty_table_sql(name, with_row_no=True))
            counts[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
        findings += validate.relational_findings(con, list(given), start, end)
    if not _rejects(findings):
        previous = store.snapshot()
        _earlier_payments(con, previous, firm_id, period)
        findings += validate.warning_findings(con, list(given), counts, _previous_counts(previous, firm_id, period))
    report["findings"] = [f.as_dict() for f in findings]
    report["counts"] = counts
    report["summary"] = {"reject": sum(1 for f in findings if f.severity == "reject"), "warn": sum(1 for f in findings if f.severity == "warn")}
    if _rejects(findings):
        report["status"] = "rejected"
        store.record_rejection(report)
        return IngestResult("rejected", report, findings=findings)
    if report["summary"]["warn"] and not confirm:
        report["status"] = "needs_confirmation"
        return IngestResult("needs_confirmation", report, findings=findings)
    step("writing to the store", 0.8)
    record = _write(con, store, firm_id, period, counts, report, confirmed=bool(report["summary"]["warn"]), submitted_by=submitted_by)
    step("done", 1.0)
    report.update(status="accepted", submission_id=record["submission_id"], version=record["version"], snapshot=record["snapshot"])
    return IngestResult("accepted", report, record, findings)


def _rejects(findings: list[Finding]) -> bool:
    return any(f.severity == "reject" for f in findings)


def _admission(data_dir: Path, firm_id: str, period: str) -> list[Finding]:
    found = []
    if not PERIOD.match(period or ""):
        found.append(Finding("S03", detail=str(period)[:20], count=1))
    firms = registry.load(data_dir)
    firm = firms.get(firm_id)
    if firm is None:
        found.append(Finding("S01", detail=str(firm_id)[:20], count=1))
    elif not firm.active:
        found.append(Finding("S02", detail=firm_id, count=1))
    return found


def _load_file(con, path: Path, limits, workdir: Path, given: dict, present: dict, info: dict) -> list[Finding]:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        return [Finding("F02", file=path.name, detail=f"{path.name}: use .csv, .parquet or .xlsx", count=1)]
    if not path.is_file():
        return [Finding("F01", file=path.name, detail=f"{path.name}: no such file", count=1)]
    if path.stat().st_size > limits.max_file_bytes:
        return [Finding("F07", file=path.name, detail=f"{path.name} is {path.stat().st_size:,} bytes; at most {limits.max_file_bytes:,}", count=1)]
    info["format"] = fmt
    if fmt == "xlsx":
        return _load_workbook(con, path, limits, given, present, info)
    name = sources.table_for(path.stem)
    if name is None:
        return [Finding("F02", file=path.name, detail=f"{path.name}: name the file after its table (cases, payments, contacts, complaints, qa_reviews, incidents)", count=1)]
    if name in given:
        return [Finding("F06", name, file=path.name, detail=f"{given[name]} and {path.name}", count=1)]
    try:
        if fmt == "csv":
            cols, info["encoding"] = sources.load_csv(con, path, f"raw_{name}", limits, workdir)
        else:
            cols = sources.load_parquet(con, path, f"raw_{name}", limits)
    except sources.SourceError as exc:
        return [Finding(exc.rule, name, file=path.name, detail=f"{path.name}: {exc.detail}", count=1)]
    present[name] = set(cols)
    given[name] = path.name
    info["tables"] = [name]
    return []


def _load_workbook(con, path: Path, limits, given: dict, present: dict, info: dict) -> list[Finding]:
    """One XLSX workbook, one sheet per table."""
    found = []
    info["tables"] = []
    try:
        sheets = sources.xlsx_sheets(path, limits)
    except sources.SourceError as exc:
        return [Finding(exc.rule, file=path.name, detail=f"{path.name}: {exc.detail}", count=1)]
    for sheet, rows in sheets.items():
        name = sources.table_for(sheet)
        if name is None:
            found.append(Finding("F02", file=path.name, detail=f"sheet {sheet!r} of {path.name}", count=1))
            continue
        if name in given:
            found.append(Finding("F06", name, file=path.name, detail=f"{given[name]} and {path.name}[{sheet}]", count=1))
            continue
        try:
            present[name] = set(sources.load_sheet(con, rows, f"raw_{name}", limits))
        except sources.SourceError as exc:
            found.append(Finding(exc.rule, name, file=path.name, detail=f"{path.name}[{sheet}]: {exc.detail}", count=1))
            continue
        given[name] = f"{path.name}[{sheet}]"
        info["tables"].append(name)
    return found


def _structure(tbl: contract.Table, columns: set[str], file: str) -> list[Finding]:
    found = []
    for col in tbl.columns:
        if col.required and col.name not in columns:
            found.append(Finding("F03", tbl.name, col.name, file=file, count=1))
    for name in sorted(columns - set(tbl.column_names)):
        rule = "F05" if contract.looks_personal(name) else "F04"
        found.append(Finding(rule, tbl.name, name[:60], file=file, count=1))
    return found


def _earlier_payments(con, snapshot, firm_id: str, period: str) -> None:
    files = [str(snapshot.root / s["tables"]["payments"]["path"]) for s in snapshot.accepted
             if s["firm_id"] == firm_id and s["period"] < period and s["tables"]["payments"]["rows"] > 0]
    if files:
        con.read_parquet(files).select("case_ref, amount").create_view("earlier_payments", replace=True)
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE earlier_payments (case_ref VARCHAR, amount DECIMAL(18,2))")


def _previous_counts(snapshot, firm_id: str, period: str) -> dict[str, int] | None:
    earlier = [s for s in snapshot.accepted if s["firm_id"] == firm_id and s["period"] < period]
    if not earlier:
        return None
    last = max(earlier, key=lambda s: s["period"])
    return {name: entry["rows"] for name, entry in last["tables"].items()}


def _write(con, store: Store, firm_id: str, period: str, counts: dict, report: dict, *, confirmed: bool, submitted_by: str) -> dict:
    with store.transaction(firm_id, period) as tx:
        for name in contract.TABLE_NAMES:
            columns = ", ".join(f'"{c}"' for c, _ in contract.stored_schema(name)[len(contract.PROVENANCE_COLUMNS):])
            # The typed tables are already in file order (validate.build_typed), so no ORDER BY.
            target = str(tx.dir / f"{name}.parquet").replace("'", "''")
            con.execute(f'COPY (SELECT $f AS firm_id, $p AS period, $s AS submission_id, {columns} FROM "{name}") '
                        f"TO '{target}' ({PARQUET_OPTIONS})",
                        {"f": firm_id, "p": period, "s": tx.submission_id})
        stamped = {**report, "status": "accepted", "submission_id": tx.submission_id, "version": tx.version}
        (tx.dir / "report.json").write_text(json.dumps(stamped, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        meta = {
            "source_files": report["files"],
            "warnings_confirmed": confirmed,
            "submitted_by": submitted_by,
            "validated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        return tx.publish(counts, meta)
