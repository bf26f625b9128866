"""Load and validate the standards register (data/standards.toml) into frozen objects.

Every mistake a staff member can make in the file (an unknown key, a missing field,
thresholds in the wrong order, overlapping effective dates, a metric that does not exist,
a bad date or parameter) is an error naming the pack, the standard and the field. The
register's version and content hash go into every output, so each figure names the rules
that judged it.

Versions: the shipped file (data/standards.toml, reviewed in git) is never rewritten by the
app. An edit made in the app is saved as a new file <data-dir>/standards/NNNN-<version>.toml
next to the data it judges; older versions stay on disk, and `load(data_dir)` uses the newest.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import contract, metrics, paths
from .disclosure import Settings as DisclosureSettings

# The metric catalogue of spec/metrics.md: the only metrics a standard may judge.
CATALOGUE = ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "C1", "C2", "C3", "C4", "C5", "C6",
             "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "U1", "U2", "A1")
STAMP = {"register_version", "register_hash"}
HISTORY_DIR = "standards"  # <data-dir>/standards/NNNN-<version>.toml: versions edited in the app

_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_CHANNELS = next(c for c in contract.table("contacts").columns if c.name == "channel").enum


class RegisterError(ValueError):
    """A register that cannot be used; the message names the file, pack, standard and field (one line each)."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.errors = errors or message.splitlines()


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Thresholds(Frozen):
    """Tier limits in the metric's unit; breach is everything beyond `watch`."""

    meets: float
    watch: float


class Standard(Frozen):
    id: str = Field(pattern=r"^[A-Z]{1,3}[0-9]{2}$")
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    metric: str
    dim: str = ""
    volume_dim: str | None = None
    direction: Literal["lower", "higher"]
    thresholds: Thresholds
    min_volume: float = Field(ge=0)
    volume_unit: str = Field(min_length=1)
    volume_unit_zh: str = Field(min_length=1)
    source: str = Field(min_length=1)
    notes: str = ""
    effective_from: date
    effective_to: date | None = None
    params: dict[str, object] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> "Standard":
        # A model-level error names its field first ("field: message"); _describe splits it.
        if self.metric not in CATALOGUE:
            raise ValueError(f"metric: {self.metric!r} is not in the metric catalogue {', '.join(CATALOGUE)}")
        if self.direction == "lower" and self.watch < self.meets:
            raise ValueError("thresholds.watch: must be >= meets for a lower-is-better standard")
        if self.direction == "higher" and self.watch > self.meets:
            raise ValueError("thresholds.watch: must be <= meets for a higher-is-better standard")
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError(f"effective_to: {self.effective_to} is before effective_from {self.effective_from}")
        _check_params(self.metric, self.params)
        return self

    @property
    def meets(self) -> float:
        return self.thresholds.meets

    @property
    def watch(self) -> float:
        return self.thresholds.watch

    @property
    def volume_row(self) -> str:
        """The dim whose denominator is compared with min_volume."""
        return self.dim if self.volume_dim is None else self.volume_dim

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def unit(self, lang: str) -> str:
        return self.volume_unit_zh if lang == "zh" else self.volume_unit


def _check_params(metric: str, params: dict) -> None:
    """Parameters must be the metric's own, of the engine's type (times HH:MM, ISO dates, channels)."""
    known = metrics.DEFAULT_PARAMS.get(metric, {})
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ValueError(f"params: {unknown} are not parameters of {metric} (known: {sorted(known) or 'none'})")
    for key, value in params.items():
        where = f"params.{key}"
        if key.startswith(("quiet_", "weekend_quiet_")):
            if not (isinstance(value, str) and _CLOCK.match(value)):
                raise ValueError(f"{where}: {value!r} is not a time HH:MM")
        elif key == "holidays":
            for day in value if isinstance(value, list) else [value]:
                try:
                    date.fromisoformat(str(day))
                except ValueError:
                    raise ValueError(f"{where}: {day!r} is not an ISO date YYYY-MM-DD") from None
        elif key == "channels":
            if not isinstance(value, list) or not value or set(value) - set(_CHANNELS):
                raise ValueError(f"{where}: must be a non-empty list of {', '.join(_CHANNELS)}")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{where}: {value!r} is not a whole number >= 1")


class Pack(Frozen):
    name: str = ""
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    notes: str = ""
    standards: tuple[Standard, ...]
    # the register this pack came from, set by parse(), so a pack alone can stamp its outputs
    register_version: str = ""
    register_hash: str = ""

    def stamp(self) -> dict[str, str]:
        return {"register_version": self.register_version, "register_hash": self.register_hash}

    def in_force(self, day: date) -> tuple[Standard, ...]:
        """The standards in force on `day` (at most one version of each id)."""
        return tuple(s for s in self.standards if s.in_force(day))

    def metric_params(self, day: date) -> dict[str, dict]:
        """The metric engine's parameter dicts for this pack on `day` (defaults where not set)."""
        params = copy.deepcopy(metrics.DEFAULT_PARAMS)
        for s in self.in_force(day):
            if s.params:
                params[s.metric].update(copy.deepcopy(s.params))
        return params

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


class DisclosureSection(Frozen):
    """spec/disclosure.md's numbers and switches (defaults = the spec)."""

    min_contributors: int = Field(5, ge=1)
    dominance_share: float = Field(0.25, gt=0, le=1)
    two_firm_share: float = Field(0.85, gt=0, le=1)
    quartiles_min_firms: int = Field(8, ge=1)
    recovery_lag_months: int = Field(3, ge=0)
    apply_min_contributors: bool = True
    apply_dominance: bool = True
    apply_complementary: bool = True
    apply_recovery_lag: bool = True
    regulator_firm_naming: Literal["codes", "names"] = "codes"

    def settings(self) -> DisclosureSettings:
        return DisclosureSettings(**self.model_dump(exclude={"regulator_firm_naming"}))


class Register(Frozen):
    version: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
    default_pack: str
    disclosure: DisclosureSection
    packs: dict[str, Pack]
    content_hash: str = ""

    def pack(self, name: str | None = None) -> Pack:
        name = name or self.default_pack
        if name not in self.packs:
            raise KeyError(f"no standards pack {name!r}; packs: {sorted(self.packs)}")
        return self.packs[name]

    def stamp(self) -> dict[str, str]:
        """What every output carries to say which rules judged it."""
        return {"register_version": self.version, "register_hash": self.content_hash}


def content_hash(register: Register) -> str:
    """sha256 of the validated content: comments, spacing, key order and 1000 vs 1000.0 do not count."""
    content = register.model_dump(mode="json", exclude={"content_hash": True, "packs": {"__all__": STAMP}})
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse(raw: dict, source: str = "standards.toml") -> Register:
    """Validate a register read from TOML; every error names the pack, the standard and the field.

    Standards and packs are all checked before failing, so one run lists every mistake.
    """
    if not isinstance(raw.get("packs"), dict) or not raw["packs"]:
        raise RegisterError(f"{source}: field packs: missing field (at least one [packs.<name>] table)")
    errors: list[str] = []
    packs = {}
    for pack_name, pack_raw in raw["packs"].items():
        if not isinstance(pack_raw, dict):
            errors.append(f"{source}: pack {pack_name}, field packs.{pack_name}: must be a table [packs.{pack_name}]")
            continue
        standards = []
        for i, std in enumerate(pack_raw.get("standards", [])):
            label = std.get("id", f"#{i + 1}") if isinstance(std, dict) else f"#{i + 1}"
            try:
                standards.append(Standard.model_validate(std))
            except ValidationError as exc:
                errors += [f"{source}: pack {pack_name}, standard {label}, {d}" for d in _describe(exc)]
        errors += [f"{source}: pack {pack_name}, {e}" for e in (*_version_clashes(standards), *_param_clashes(standards))]
        try:
            body = {k: v for k, v in pack_raw.items() if k != "standards"}
            packs[pack_name] = Pack.model_validate({**body, "name": pack_name, "standards": tuple(standards)})
        except ValidationError as exc:
            errors += [f"{source}: pack {pack_name}, {d}" for d in _describe(exc)]
    if errors:
        raise RegisterError("\n".join(errors), errors)
    try:
        register = Register.model_validate({**{k: v for k, v in raw.items() if k != "packs"}, "packs": packs})
    except ValidationError as exc:
        raise RegisterError("\n".join(f"{source}: {d}" for d in _describe(exc))) from None
    if register.default_pack not in register.packs:
        raise RegisterError(f"{source}: field default_pack: {register.default_pack!r} is not a pack ({', '.join(register.packs)})")
    digest = content_hash(register)
    stamped = {name: pack.model_copy(update={"register_version": register.version, "register_hash": digest})
               for name, pack in register.packs.items()}
    return register.model_copy(update={"content_hash": digest, "packs": stamped})


def _describe(exc: ValidationError) -> list[str]:
    """'field <dotted.path>: <message>' for each problem pydantic found."""
    out = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        elif err["type"] == "missing":
            message = "missing field"
        if not field and ": " in message:  # a model-level check names its field first
            field, message = message.split(": ", 1)
        out.append(f"field {field}: {message}")
    return out


def _overlap(a: Standard, b: Standard) -> bool:
    far = date.max
    return a.effective_from <= (b.effective_to or far) and b.effective_from <= (a.effective_to or far)


def _version_clashes(standards: list[Standard]) -> list[str]:
    """Versions of one standard id must not be in force on the same day."""
    by_id: dict[str, list[Standard]] = {}
    for s in standards:
        by_id.setdefault(s.id, []).append(s)
    out = []
    for sid, versions in by_id.items():
        versions.sort(key=lambda s: s.effective_from)
        for earlier, later in zip(versions, versions[1:]):
            if _overlap(earlier, later):
                out.append(f"standard {sid}, field effective_from: {later.effective_from} overlaps the version in force "
                           f"from {earlier.effective_from} to {earlier.effective_to or 'open end'}")
    return out


def _param_clashes(standards: list[Standard]) -> list[str]:
    """The engine computes a metric once per pack, so standards in force together must agree on its parameters."""
    out = []
    for i, a in enumerate(standards):
        for b in standards[i + 1:]:
            if a.metric == b.metric and a.params and b.params and a.id != b.id and _overlap(a, b):
                clash = sorted(k for k in set(a.params) & set(b.params) if a.params[k] != b.params[k])
                if clash:
                    out.append(f"standard {b.id}, field params.{clash[0]}: differs from standard {a.id}, "
                               f"in force at the same time on metric {a.metric}")
    return out


def read(path: Path) -> Register:
    """Parse one register file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegisterError(f"{path}: no such register file") from None
    return _parse_text(text, path.name)


@functools.lru_cache(maxsize=16)
def _parse_text(text: str, name: str) -> Register:
    """Keyed by the file's whole text, so an edit shows at once; a page read the register ~17 times per
    report pack and each TOML parse and validation cost ~12 ms. A Register is frozen, so sharing one is safe."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegisterError(f"{name}: not valid TOML ({exc})") from None
    return parse(raw, name)


def load(path: Path | str | None = None) -> Register:
    """The register from a file (default: the shipped data/standards.toml).

    Given a data directory instead, the newest version edited in the app there, else the
    shipped file: so the pipeline and pages judge with what staff last saved for that data.
    """
    path = Path(path) if path is not None else paths.REGISTER_FILE
    if path.is_dir():
        versions = sorted((path / HISTORY_DIR).glob("*.toml"))
        path = versions[-1] if versions else paths.REGISTER_FILE
    return read(path)


def to_raw(register: Register) -> dict:
    """The register as TOML-ready data (the inverse of parse; None fields and the hash left out)."""
    raw = register.model_dump(mode="python", exclude={"content_hash", "packs"}, exclude_none=True)
    raw["packs"] = {name: pack.model_dump(mode="python", exclude={"name"} | STAMP, exclude_none=True)
                    for name, pack in register.packs.items()}
    for pack in raw["packs"].values():
        pack["standards"] = list(pack["standards"])
    return raw


def _revalidate(register: Register | dict) -> Register:
    """Parse again: an object edited with model_copy is not validated, and its hash would be stale."""
    raw = to_raw(register) if isinstance(register, Register) else register
    return parse(raw, f"version {raw.get('version')}")


def save(register: Register | dict, path: Path) -> Register:
    """Validate and write a register file atomically (tomli_w); returns what a later load gives."""
    register = _revalidate(register)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(tomli_w.dumps(to_raw(register)), encoding="utf-8")
    tmp.replace(path)
    return register


def save_version(data_dir: Path, register: Register | dict) -> Path:
    """Keep an edited register as a new version under <data-dir>/standards/; earlier versions stay."""
    register = _revalidate(register)
    folder = Path(data_dir) / HISTORY_DIR
    existing = sorted(folder.glob("*.toml"))
    if any(p.stem.partition("-")[2] == register.version for p in existing):
        raise RegisterError(f"version {register.version} already exists; give the edit a new version")
    target = folder / f"{len(existing) + 1:04d}-{register.version}.toml"
    save(register, target)
    return target
