"""Sign-in: a users file with argon2id hashes, roles bound to audiences, lockout and session expiry.

`<data-dir>/users.json` (mode 0600) holds username, role (association | firm | regulator),
firm_id (for role firm only), display name and the argon2id hash (argon2-cffi, never
hand-rolled). Failed attempts are kept in `<data-dir>/auth-state.json`, so a lockout holds
across restarts and processes. Sessions expire after 12 hours, or 30 minutes idle.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from . import locks, registry
from .access import ROLES, Audience

USERS_FILE = "users.json"
STATE_FILE = "auth-state.json"
DEMO_CREDENTIALS = "demo-credentials.json"
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
SESSION_MAX = timedelta(hours=12)
SESSION_IDLE = timedelta(minutes=30)
MIN_PASSWORD = 10

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash("not a real password, used to spend the same time on unknown users")


class AuthError(Exception):
    """A refused sign-in or user change; `code` says which (failed, locked, invalid)."""

    def __init__(self, code: str, message: str, minutes: int = 0):
        super().__init__(message)
        self.code = code
        self.minutes = minutes


@dataclass(frozen=True)
class Identity:
    username: str
    role: str
    firm_id: str | None
    display_name: str
    issued_at: datetime
    last_seen: datetime

    @property
    def audience(self) -> Audience:
        return Audience(self.role, self.firm_id, self.username)

    def expired(self, now: datetime | None = None) -> bool:
        now = now or _now()
        return now - self.issued_at > SESSION_MAX or now - self.last_seen > SESSION_IDLE

    def touch(self, now: datetime | None = None) -> "Identity":
        return replace(self, last_seen=now or _now())


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _read(path: Path, default):
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


def _write_private(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


def users(data_dir: Path) -> dict[str, dict]:
    return _read(Path(data_dir) / USERS_FILE, {})


def add_user(data_dir: Path, username: str, role: str, password: str, firm_id: str | None = None, display_name: str = "") -> None:
    """Create or replace a user; the password is hashed here and never stored or logged."""
    data_dir = Path(data_dir)
    if role not in ROLES:
        raise AuthError("invalid", f"role must be one of {ROLES}")
    if (role == "firm") != bool(firm_id):
        raise AuthError("invalid", "a firm user needs --firm; other roles take none")
    if firm_id and firm_id not in registry.load(data_dir):
        raise AuthError("invalid", f"firm {firm_id} is not in the firm registry")
    if len(password) < MIN_PASSWORD or password == username:
        raise AuthError("invalid", f"a password needs at least {MIN_PASSWORD} characters and must not be the user name")
    with locks.exclusive(data_dir / ".auth.lock"):
        table = users(data_dir)
        table[username] = {"role": role, "firm_id": firm_id, "display_name": display_name or username,
                           "hash": _hasher.hash(password), "created_at": _now().isoformat(timespec="seconds")}
        _write_private(data_dir / USERS_FILE, table)


def remove_user(data_dir: Path, username: str) -> None:
    data_dir = Path(data_dir)
    with locks.exclusive(data_dir / ".auth.lock"):
        table = users(data_dir)
        if table.pop(username, None) is None:
            raise AuthError("invalid", f"no user {username!r}")
        _write_private(data_dir / USERS_FILE, table)


def authenticate(data_dir: Path, username: str, password: str, now: datetime | None = None) -> Identity:
    """The identity for a correct password; AuthError otherwise (the same for an unknown user)."""
    data_dir, now = Path(data_dir), now or _now()
    with locks.exclusive(data_dir / ".auth.lock"):
        state = _read(data_dir / STATE_FILE, {})
        entry = state.get(username, {"failures": []})
        recent = [f for f in entry["failures"] if now - datetime.fromisoformat(f) < FAILURE_WINDOW]
        locked_until = entry.get("locked_until")
        if locked_until and now < datetime.fromisoformat(locked_until):
            minutes = int((datetime.fromisoformat(locked_until) - now).total_seconds() // 60) + 1
            raise AuthError("locked", "account locked", minutes)
        user = users(data_dir).get(username)
        ok = _verify(user["hash"] if user else _DUMMY_HASH, password) and user is not None
        if ok:
            state.pop(username, None)
        else:
            recent.append(now.isoformat())
            entry = {"failures": recent}
            if len(recent) >= MAX_FAILURES:
                entry["locked_until"] = (now + LOCKOUT).isoformat()
            state[username] = entry
        _write_private(data_dir / STATE_FILE, state)
    if not ok:
        raise AuthError("failed", "wrong user name or password")
    return Identity(username, user["role"], user["firm_id"], user["display_name"], now, now)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def ensure_demo_users(data_dir: Path) -> dict[str, str]:
    """One staff, one regulator and one user per demo firm, with random passwords kept in a 0600 file."""
    data_dir = Path(data_dir)
    cred_file = data_dir / DEMO_CREDENTIALS
    if cred_file.exists():
        return _read(cred_file, {})
    credentials = {"staff": secrets.token_urlsafe(9), "regulator": secrets.token_urlsafe(9)}
    add_user(data_dir, "staff", "association", credentials["staff"], display_name="Association staff")
    add_user(data_dir, "regulator", "regulator", credentials["regulator"], display_name="Regulator")
    for firm in registry.load(data_dir).values():
        name = firm.firm_id.lower()
        credentials[name] = secrets.token_urlsafe(9)
        add_user(data_dir, name, "firm", credentials[name], firm_id=firm.firm_id, display_name=firm.name_en)
    _write_private(cred_file, credentials)
    return credentials


def demo_credentials(data_dir: Path) -> dict[str, str]:
    """The demo accounts, only for a data dir the demo built (the sign-in page shows them there)."""
    return _read(Path(data_dir) / DEMO_CREDENTIALS, {})
