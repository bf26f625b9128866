"""`standards` prints the register in force; `standards check FILE` validates a register file."""

from __future__ import annotations

import json
from datetime import date

import click

from .. import judge, metrics, paths, standards
from .options import data_dir_option, lang_option

WORDS = {
    "zh": {"register": "标准登记册", "as_of": "生效日", "metric": "指标", "lower": "越低越好", "higher": "越高越好",
           "meets": "达标", "watch": "关注", "breach": "违规", "min": "最低样本量", "none": "无",
           "params": "参数", "from": "生效", "to": "至", "open": "起", "source": "来源", "notes": "说明",
           "per10k": "（每万）", "per1k": "（每千）", "ratio": "（比值）", "nothing": "该日无生效标准",
           "caveat": "注：部分来源依据二手资料整理，来源字段仅供人工核对；最终措辞与数值以协会为准。"},
    "en": {"register": "Standards register", "as_of": "as of", "metric": "metric", "lower": "lower is better",
           "higher": "higher is better", "meets": "meets", "watch": "watch", "breach": "breach", "min": "min volume",
           "none": "none", "params": "params", "from": "in force", "to": "to", "open": "onwards", "source": "source",
           "notes": "notes", "per10k": " per 10,000", "per1k": " per 1,000", "ratio": " (ratio)",
           "nothing": "no standards in force on that day",
           "caveat": "Several sources were read through secondary summaries: each is a citation for a person to "
                     "check; the association owns the final wording and numbers."},
}


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.4f}".rstrip("0")


def _value(v: object) -> str:
    return "[" + " ".join(map(str, v)) + "]" if isinstance(v, list) else str(v)


def _threshold(s: standards.Standard, x: float, w: dict) -> str:
    """A threshold in the metric's unit: per 10k / per 1k, a percentage, or a ratio."""
    k = judge.scale_of(s.metric, s.dim)
    if k == 10000:
        return _number(x) + w["per10k"]
    if k == 1000:
        return _number(x) + w["per1k"]
    if s.metric in metrics.RATIO_OF_RATES and not s.dim:
        return _number(x) + w["ratio"]
    return f"{x * 100:g}%"


def _tiers(s: standards.Standard, w: dict) -> str:
    better, worse = ("≤", ">") if s.direction == "lower" else ("≥", "<")
    watch = "—" if s.watch == s.meets else f"{better} {_threshold(s, s.watch, w)}"
    return (f"{w['meets']} {better} {_threshold(s, s.meets, w)} · {w['watch']} {watch} · "
            f"{w['breach']} {worse} {_threshold(s, s.watch, w)}")


def render(register: standards.Register, pack: standards.Pack, as_of: date, lang: str) -> str:
    """The pack's standards in force on `as_of`, for a person to read."""
    w = WORDS[lang]
    lines = [f"{w['register']} {register.version} (sha256 {register.content_hash[:12]}) · {pack.title(lang)} · "
             f"{w['as_of']} {as_of}"]
    if pack.notes:
        lines.append(f"{w['notes']}: {pack.notes}")
    in_force = pack.in_force(as_of)
    if not in_force:
        lines.append(w["nothing"])
    for s in in_force:
        row = s.metric + (f" [{s.dim}]" if s.dim else "")
        minimum = f"{_number(s.min_volume)} {s.unit(lang)}" if s.min_volume else w["none"]
        params = ", ".join(f"{k}={_value(v)}" for k, v in s.params.items()) or w["none"]
        until = f"{w['to']} {s.effective_to}" if s.effective_to else w["open"]
        lines += ["", f"{s.id}  {s.title(lang)}",
                  f"     {w['metric']} {row} · {w[s.direction]} · {_tiers(s, w)}",
                  f"     {w['min']} {minimum} · {w['params']} {params} · {w['from']} {s.effective_from} {until}",
                  f"     {w['source']}: {s.source}"]
        if s.notes:
            lines.append(f"     {w['notes']}: {s.notes}")
    lines += ["", w["caveat"]]
    return "\n".join(lines)


def as_json(register: standards.Register, pack: standards.Pack, as_of: date) -> str:
    body = {**register.stamp(), "pack": pack.name, "as_of": as_of.isoformat(),
            "standards": [s.model_dump(mode="json") for s in pack.in_force(as_of)],
            "metric_params": pack.metric_params(as_of), "disclosure": register.disclosure.model_dump(mode="json")}
    return json.dumps(body, ensure_ascii=False, indent=2)


@click.group("standards", invoke_without_command=True)
@click.option("--pack", help="Standards pack (default: the register's default, cn).")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Show the standards in force on this day (default: today).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@lang_option
@data_dir_option
@click.pass_context
def standards_command(ctx, pack, as_of, fmt, lang, data_dir):
    """Print the standards register in force (the newest version saved for the data directory, else the shipped one)."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        register = standards.load(paths.data_dir(data_dir))
        chosen = register.pack(pack)
    except standards.RegisterError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyError as exc:
        raise click.BadParameter(exc.args[0], param_hint="--pack") from None
    day = as_of.date() if as_of else date.today()
    click.echo(render(register, chosen, day, lang) if fmt == "table" else as_json(register, chosen, day))


@standards_command.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
def check_command(file):
    """Validate a register file: print every error (pack, standard, field) and exit 1, or a summary."""
    try:
        register = standards.read(file)
    except standards.RegisterError as exc:
        for line in exc.errors:
            click.echo(line, err=True)
        raise SystemExit(1) from None
    count = sum(len(p.standards) for p in register.packs.values())
    click.echo(f"{file}: valid register {register.version}, {len(register.packs)} packs, {count} standards, "
               f"sha256 {register.content_hash}")


commands = [standards_command]
