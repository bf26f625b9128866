"""`ingest` and `submissions`: send a firm-month to the store, and list what the store holds."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from tqdm import tqdm

from .. import ingest as ingest_mod
from .. import audit, paths, pipeline
from ..store import Store
from .options import data_dir_option, lang_option


@click.command("ingest")
@click.option("--firm", "firm_id", required=True, help="The firm's id in the firm registry.")
@click.option("--period", required=True, help="The reporting month, YYYY-MM.")
@click.option("--confirm", is_flag=True, help="Load even though the report has warnings.")
@click.option("--report-json", type=click.Path(dir_okay=False), help="Also write the validation report as JSON here.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@data_dir_option
@lang_option
def ingest_command(firm_id, period, confirm, report_json, files, data_dir, lang):
    """Validate a submission and store it, all or nothing. Exit 0 accepted, 1 rejected, 2 needs --confirm."""
    bar = tqdm(total=100, desc="ingest", unit="%", file=sys.stderr, disable=None)

    def progress(label: str, fraction: float) -> None:
        bar.set_description(label[:40])
        bar.update(int(fraction * 100) - bar.n)

    root = paths.data_dir(data_dir)
    result = ingest_mod.ingest(root, firm_id, period, [Path(f) for f in files], confirm=confirm, progress=progress)
    audit.record(root, os.environ.get("USER", "cli"), f"submission_{result.status}", f"{firm_id} {period}", role="cli",
                 firm_id=firm_id, details={"confirmed": confirm, "submission_id": result.report.get("submission_id"),
                                           "files": [f["name"] for f in result.report["files"]]})
    if result.status == "accepted":
        bar.set_description("refreshing metrics")
        pipeline.after_submission(root, result.record)
    bar.close()
    click.echo(format_report(result.report, lang))
    if report_json:
        Path(report_json).write_text(json.dumps(result.report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    sys.exit(result.exit_code)


STATUS_WORDS = {
    "en": {"accepted": "ACCEPTED", "rejected": "REJECTED: nothing was loaded", "needs_confirmation": "WARNINGS: nothing was loaded; check them and run again with --confirm"},
    "zh": {"accepted": "已接收", "rejected": "已拒收：未载入任何数据", "needs_confirmation": "有警告：未载入任何数据；请核对后加 --confirm 重新提交"},
}


def format_report(report: dict, lang: str = "en") -> str:
    """The validation report as a person reads it: one line per finding, rejects first."""
    lines = [f"{report['firm_id']} {report['period']}: {STATUS_WORDS[lang][report['status']]}"]
    if report.get("submission_id"):
        lines[0] += f" ({report['submission_id']}, snapshot {report['snapshot']})"
    for f in sorted(report["findings"], key=lambda f: (f["severity"] != "reject", f["rule"], f["table"], f["column"])):
        where = " ".join(x for x in (f["table"], f"column {f['column']}" if f["column"] else "") if x)
        rows = ""
        if f["rows"]:
            shown = ", ".join(str(r) for r in f["rows"][:10])
            more = f" and {f['count'] - 10:,} more" if f["count"] > 10 else ""
            rows = f" rows {shown}{more}"
        values = f" (values: {', '.join(f['values'])})" if f.get("values") else ""
        text = f["message_zh"] if lang == "zh" else f["message"]
        lines.append(f"  {f['rule']} {f['severity']:<6} {where}{rows}: {text}{values}")
    counts = report.get("counts") or {}
    if counts:
        lines.append("  rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return "\n".join(lines)


@click.command("submissions")
@click.option("--firm", "firm_id", default=None, help="Only this firm.")
@click.option("--period", default=None, help="Only this period.")
@click.option("--snapshot", type=int, default=None, help="As of this snapshot (default: the latest).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@data_dir_option
def submissions_command(firm_id, period, snapshot, as_json, data_dir):
    """List submissions: firm, period, version, accepted at, rows per table, status; rejections with their reports."""
    store = Store(paths.data_dir(data_dir))
    snap = store.snapshot(snapshot)
    rows = []
    for s in snap.submissions:
        rows.append({"firm_id": s["firm_id"], "period": s["period"], "version": s["version"], "status": s["status"],
                     "at": s["accepted_at"], "submission_id": s["submission_id"],
                     "rows": {k: v["rows"] for k, v in s["tables"].items()}})
    for r in store.rejections():
        rows.append({"firm_id": r["firm_id"], "period": r["period"], "version": None, "status": "rejected",
                     "at": r["rejected_at"], "submission_id": None, "rows": r.get("counts", {}), "report": r})
    rows = [r for r in rows if (not firm_id or r["firm_id"] == firm_id) and (not period or r["period"] == period)]
    rows.sort(key=lambda r: (r["firm_id"], r["period"], r["at"]))
    if as_json:
        click.echo(json.dumps({"snapshot": snap.id, "submissions": rows}, ensure_ascii=False, indent=1))
        return
    click.echo(f"snapshot {snap.id}")
    click.echo(f"{'firm':<8} {'period':<8} {'ver':>3} {'status':<10} {'at':<25} rows (cases/payments/contacts/complaints/qa_reviews/incidents)")
    for r in rows:
        counts = "/".join(f"{r['rows'].get(t, 0):,}" for t in ("cases", "payments", "contacts", "complaints", "qa_reviews", "incidents"))
        click.echo(f"{r['firm_id']:<8} {r['period']:<8} {r['version'] or '-':>3} {r['status']:<10} {r['at']:<25} {counts}")
        if r["status"] == "rejected":
            for f in r["report"]["findings"]:
                if f["severity"] == "reject":
                    click.echo(f"{'':>12}{f['rule']} {f['table']} {f['column']} row {f['row']}: {f['message']}")
commands = [ingest_command, submissions_command]
