"""Load and validate the standards register (data/standards.toml) into frozen objects.

Every mistake a staff member can make in the file (an unknown key, a missing field,
thresholds in the wrong order, overlapping effective dates, a metric that does not exist)
is an error naming the pack, the standard and the field. The register's version and
content hash go into every output, so each figure names the rules that judged it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import metrics, paths
from .disclosure import Settings as DisclosureSettings

# The metric catalogue (spec/metrics.md).
CATALOGUE = ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "C1", "C2", "C3", "C4", "C5", "C6",
             "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "U1", "U2", "A1")
HISTORY_DIR = "standards"  # <data-dir>/standards/<version>.toml: versions edited in the app


class RegisterError(ValueError):
    """A register that cannot be used; the message names the file, pack, standard and field."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Standard(Frozen):
    id: str = Field(pattern=r"^[A-Z]{1,3}[0-9]{2}$")
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    metric: str
    dim: str = ""
    volume_dim: str | None = None
    direction: Literal["lower", "higher"]
    meets: float
    watch: float
    min_volume: float = Field(ge=0)
    volume_unit: str = ""
    source: str = Field(min_length=1)
    effective_from: date
    effective_to: date | None = None
    params: dict[str, object] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> "Standard":
        if self.metric not in CATALOGUE:
            raise ValueError(f"metric: {self.metric!r} is not in the metric catalogue {CATALOGUE}")
        if self.direction == "lower" and self.watch < self.meets:
            raise ValueError("watch: must be >= meets for a lower-is-better standard")
        if self.direction == "higher" and self.watch > self.meets:
            raise ValueError("watch: must be <= meets for a higher-is-better standard")
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to: must not be before effective_from")
        known = metrics.DEFAULT_PARAMS.get(self.metric, {})
        unknown = sorted(set(self.params) - set(known))
        if unknown:
            raise ValueError(f"params: {unknown} are not parameters of {self.metric} (known: {sorted(known)})")
        return self

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    @property
    def volume_row(self) -> str:
        return self.dim if self.volume_dim is None else self.volume_dim

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


class Pack(Frozen):
    name: str = ""
    title_zh: str
    title_en: str
    standards: tuple[Standard, ...]

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
    version: str = Field(min_length=1)
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


def content_hash(raw: dict) -> str:
    """sha256 of the register's content (not its layout: comments and spacing do not count)."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse(raw: dict, source: str = "standards.toml") -> Register:
    """Validate a register read from TOML; errors name the pack, standard and field."""
    for key in ("packs",):
        if key not in raw:
            raise RegisterError(f"{source}: missing field {key!r}")
    packs = {}
    for pack_name, pack_raw in raw["packs"].items():
        standards = []
        for i, std in enumerate(pack_raw.get("standards", [])):
            label = std.get("id", f"#{i + 1}")
            try:
                standards.append(Standard.model_validate(std))
            except ValidationError as exc:
                raise RegisterError(f"{source}: pack {pack_name}, standard {label}, {_describe(exc)}") from None
        _check_overlaps(pack_name, standards, source)
        try:
            packs[pack_name] = Pack.model_validate({**{k: v for k, v in pack_raw.items() if k != "standards"},
                                                    "name": pack_name, "standards": tuple(standards)})
        except ValidationError as exc:
            raise RegisterError(f"{source}: pack {pack_name}, {_describe(exc)}") from None
    try:
        register = Register.model_validate({**{k: v for k, v in raw.items() if k != "packs"}, "packs": packs,
                                            "content_hash": content_hash(raw)})
    except ValidationError as exc:
        raise RegisterError(f"{source}: {_describe(exc)}") from None
    if register.default_pack not in register.packs:
        raise RegisterError(f"{source}: field default_pack: {register.default_pack!r} is not a pack")
    return register


def _describe(exc: ValidationError) -> str:
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or err.get("ctx", {}).get("field", "")
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        message = "unknown field"
    elif err["type"] == "missing":
        message = "missing field"
    if not field and ": " in message:  # a model-level check names its field first
        field, message = message.split(": ", 1)
    return f"field {field}: {message}"


def _check_overlaps(pack: str, standards: list[Standard], source: str) -> None:
    by_id: dict[str, list[Standard]] = {}
    for s in standards:
        by_id.setdefault(s.id, []).append(s)
    for sid, versions in by_id.items():
        versions.sort(key=lambda s: s.effective_from)
        for earlier, later in zip(versions, versions[1:]):
            if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                raise RegisterError(f"{source}: pack {pack}, standard {sid}, field effective_from: "
                                    f"{later.effective_from} overlaps the version in force from {earlier.effective_from}")


def read(path: Path) -> Register:
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RegisterError(f"{Path(path).name}: not valid TOML ({exc})") from None
    return parse(raw, Path(path).name)


def load(data_dir: Path | None = None) -> Register:
    """The register in force: the newest version edited in the app, else the shipped data/standards.toml."""
    if data_dir is not None:
        versions = sorted((Path(data_dir) / HISTORY_DIR).glob("*.toml"))
        if versions:
            return read(versions[-1])
    return read(paths.REGISTER_FILE)


def to_raw(register: Register) -> dict:
    """The register as TOML-ready data (for saving an edited version)."""
    raw = register.model_dump(mode="python", exclude={"content_hash", "packs"}, exclude_none=True)
    raw["packs"] = {}
    for name, pack in register.packs.items():
        raw["packs"][name] = {"title_zh": pack.title_zh, "title_en": pack.title_en,
                              "standards": [s.model_dump(mode="python", exclude_none=True) for s in pack.standards]}
    return raw


def save_version(data_dir: Path, raw: dict) -> Register:
    """Validate and keep an edited register as a new version; earlier versions stay on disk."""
    register = parse(raw, f"version {raw.get('version')}")
    folder = Path(data_dir) / HISTORY_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{len(list(folder.glob('*.toml'))) + 1:04d}-{register.version}.toml"
    if any(p.name.endswith(f"-{register.version}.toml") for p in folder.glob("*.toml")):
        raise RegisterError(f"version {register.version} already exists; give the edit a new version")
    tmp = target.with_suffix(".tmp")
    tmp.write_text(tomli_w.dumps(raw), encoding="utf-8")
    tmp.replace(target)
    return register
