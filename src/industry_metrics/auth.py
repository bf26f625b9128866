"""Sign-in: a users file with argon2id hashes, roles bound to audiences, lockout and session expiry.

`<data-dir>/users.json` (mode 0600) holds, per username: role (association | firm | regulator),
firm_id (for role firm only, and a firm of the registry), display name, the argon2id hash
(argon2-cffi, never hand-rolled), created_at and a disabled flag. Failed attempts are kept in
`<data-dir>/auth-state.json`, so a lockout holds across restarts and processes. Sessions end
12 hours after sign-in, or after 30 minutes without a page view. OIDC identities are mapped to
roles by `<data-dir>/oidc-roles.toml`; see docs/sign-in.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import tomllib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from . import audit, locks, registry
from .access import ROLES, Audience

USERS_FILE = "users.json"
STATE_FILE = "auth-state.json"
DEMO_CREDENTIALS = "demo-credentials.json"
OIDC_ROLES = "oidc-roles.toml"
LOCK_FILE = ".auth.lock"
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
SESSION_MAX = timedelta(hours=12)
SESSION_IDLE = timedelta(minutes=30)
MIN_PASSWORD = 10

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Unknown users are checked against this hash, so they cost the same time as known ones.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AuthError(Exception):
    """A refused sign-in or user change; `code` says which (failed, locked, invalid, inactive)."""

    def __init__(self, code: str, message: str, minutes: int = 0):
        super().__init__(message)
        self.code = code
        self.minutes = minutes


@dataclass(frozen=True)
class Identity:
    """Who is signed in, since when, and when they were last seen (for the idle limit)."""

    username: str
    role: str
    firm_id: str | None
    display_name: str
    issued_at: datetime
    last_seen: datetime

    @property
    def audience(self) -> Audience:
        return Audience(self.role, self.firm_id, self.username)

    @property
    def expires_at(self) -> datetime:
        """The earlier of the absolute limit and the idle limit."""
        return min(self.issued_at + SESSION_MAX, self.last_seen + SESSION_IDLE)

    def expired(self, now: datetime | None = None) -> bool:
        return (now or _now()) >= self.expires_at

    def touch(self, now: datetime | None = None) -> "Identity":
        """The same session seen again at `now` (moves the idle limit, never the absolute one)."""
        return replace(self, last_seen=now or _now())


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _read(path: Path, default):
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


def _write_private(path: Path, data) -> None:
    """Write whole or not at all (temp file + os.replace), readable by the owner only."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


def users(data_dir: Path) -> dict[str, dict]:
    return _read(Path(data_dir) / USERS_FILE, {})


def check_binding(data_dir: Path, role: str, firm_id: str | None) -> None:
    """A firm account belongs to exactly one registered firm; staff and regulators to none."""
    if role not in ROLES:
        raise AuthError("invalid", f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if role == "firm" and not firm_id:
        raise AuthError("invalid", "a firm user needs --firm")
    if role != "firm" and firm_id:
        raise AuthError("invalid", f"role {role} takes no firm; firm {firm_id} was given")
    if firm_id and firm_id not in registry.load(data_dir):
        raise AuthError("invalid", f"firm {firm_id} is not in the firm registry")


def check_password(username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD or password == username:
        raise AuthError("invalid", f"a password needs at least {MIN_PASSWORD} characters and must not be the user name")


def add_user(data_dir: Path, username: str, role: str, password: str, firm_id: str | None = None,
             display_name: str = "") -> None:
    """Create a user (refused if the name is taken); the password is hashed here, never stored."""
    data_dir = Path(data_dir)
    if not username or username != username.strip():
        raise AuthError("invalid", "a user name must be non-empty without surrounding spaces")
    check_binding(data_dir, role, firm_id)
    check_password(username, password)
    record = {"role": role, "firm_id": firm_id, "display_name": display_name or username,
              "hash": _hasher.hash(password), "created_at": _now().isoformat(timespec="seconds"), "disabled": False}
    with locks.exclusive(data_dir / LOCK_FILE):
        table = users(data_dir)
        if username in table:
            raise AuthError("invalid", f"user {username!r} exists; use set-password to change the password")
        table[username] = record
        _write_private(data_dir / USERS_FILE, table)


def _update(data_dir: Path, username: str, **changes) -> None:
    data_dir = Path(data_dir)
    with locks.exclusive(data_dir / LOCK_FILE):
        table = users(data_dir)
        if username not in table:
            raise AuthError("invalid", f"no user {username!r}")
        table[username].update(changes)
        _write_private(data_dir / USERS_FILE, table)


def set_password(data_dir: Path, username: str, password: str) -> None:
    """A new password for an existing user (role, firm and created_at stay)."""
    check_password(username, password)
    _update(data_dir, username, hash=_hasher.hash(password))


def set_disabled(data_dir: Path, username: str, disabled: bool) -> None:
    """A disabled user keeps its record (and history) but can no longer sign in."""
    _update(data_dir, username, disabled=disabled)


def remove_user(data_dir: Path, username: str) -> None:
    data_dir = Path(data_dir)
    with locks.exclusive(data_dir / LOCK_FILE):
        table = users(data_dir)
        if table.pop(username, None) is None:
            raise AuthError("invalid", f"no user {username!r}")
        _write_private(data_dir / USERS_FILE, table)


def authenticate(data_dir: Path, username: str, password: str, now: datetime | None = None) -> Identity:
    """The identity for a correct password; AuthError otherwise.

    An unknown user, a wrong password and a disabled account get the same refusal after the
    same argon2 work, so the answer does not tell which names exist. Unknown names are locked
    out like known ones for the same reason.
    """
    data_dir, now = Path(data_dir), now or _now()
    with locks.exclusive(data_dir / LOCK_FILE):
        state = _prune(_read(data_dir / STATE_FILE, {}), now)
        entry = state.get(username, {"failures": []})
        if "locked_until" in entry:
            left = datetime.fromisoformat(entry["locked_until"]) - now
            raise AuthError("locked", "account locked", int(left.total_seconds() // 60) + 1)
        table = users(data_dir)
        user = table.get(username)
        ok = _verify(user["hash"] if user else _DUMMY_HASH, password) and user is not None and not user.get("disabled")
        just_locked = False
        if ok:
            state.pop(username, None)
            if _hasher.check_needs_rehash(user["hash"]):  # parameters changed since it was hashed
                user["hash"] = _hasher.hash(password)
                _write_private(data_dir / USERS_FILE, table)
        else:
            entry["failures"].append(now.isoformat())
            if len(entry["failures"]) >= MAX_FAILURES:
                entry = {"failures": [], "locked_until": (now + LOCKOUT).isoformat()}
                just_locked = True
            state[username] = entry
        _write_private(data_dir / STATE_FILE, state)
    if just_locked:
        audit.record(data_dir, username[:64], "account_locked", username[:64], at=now,
                     details={"failures": MAX_FAILURES, "minutes": int(LOCKOUT.total_seconds() // 60)})
    if not ok:
        raise AuthError("failed", "wrong user name or password")
    who = Identity(username, user["role"], user["firm_id"], user["display_name"], now, now)
    check_active(data_dir, who)  # after the password: saying so tells nothing to someone who guessed a name
    return who


def check_active(data_dir: Path, who: Identity) -> None:
    """A firm's account works only while its firm is an active member (firms.csv); AuthError "inactive" otherwise.

    Checked at sign-in and on every page view, so a firm marked inactive loses its open sessions too.
    """
    if who.role != "firm":
        return
    firm = registry.load(data_dir).get(who.firm_id)
    if firm is None or not firm.active:
        raise AuthError("inactive", f"firm {who.firm_id} is not an active member")


def _prune(state: dict, now: datetime) -> dict:
    """Forget failures older than the window and lockouts that have ended (the file stays small)."""
    kept = {}
    for name, entry in state.items():
        if "locked_until" in entry and now < datetime.fromisoformat(entry["locked_until"]):
            kept[name] = {"failures": [], "locked_until": entry["locked_until"]}
            continue
        recent = [f for f in entry.get("failures", []) if now - datetime.fromisoformat(f) < FAILURE_WINDOW]
        if recent:
            kept[name] = {"failures": recent}
    return kept


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


# --- single sign-on ---------------------------------------------------------------------------

def oidc_mapping(data_dir: Path) -> list[dict]:
    """The entries of `<data-dir>/oidc-roles.toml`, checked; a bad entry is an error naming it.

    Each `[[identity]]` names exactly one of `email` or `sub`, optionally the issuer `iss`,
    a `role`, a `firm_id` for role firm, an optional display `name` and `disabled`.
    """
    path = Path(data_dir) / OIDC_ROLES
    if not path.exists():
        return []
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("identity", [])
    except tomllib.TOMLDecodeError as exc:
        raise AuthError("invalid", f"{path}: not valid TOML ({exc})") from exc
    seen = set()
    for number, entry in enumerate(entries, start=1):
        where = f"{path} [[identity]] #{number}"
        if ("email" in entry) == ("sub" in entry):
            raise AuthError("invalid", f"{where}: give exactly one of email or sub")
        try:
            check_binding(data_dir, entry.get("role", ""), entry.get("firm_id"))
        except AuthError as exc:
            raise AuthError("invalid", f"{where}: {exc}") from exc
        key = ("email", entry["email"].lower()) if "email" in entry else ("sub", entry.get("iss"), entry["sub"])
        if key in seen:
            raise AuthError("invalid", f"{where}: the same identity is mapped twice")
        seen.add(key)
    return entries


def _matches(entry: dict, claims: dict) -> bool:
    if "iss" in entry and claims.get("iss") != entry["iss"]:
        return False
    if "sub" in entry:
        return claims.get("sub") == entry["sub"]
    # An address the provider says it has not verified proves nothing about who signed in.
    email = claims.get("email")
    return isinstance(email, str) and email.lower() == entry["email"].lower() and claims.get("email_verified") is not False


def identity_from_oidc(claims: dict, data_dir: Path, now: datetime | None = None) -> Identity | None:
    """The identity for a provider's claims (e.g. Streamlit's st.user), or None when unmapped.

    Only identities listed in oidc-roles.toml get in: signing in at the provider grants no role.
    A firm identity whose firm is inactive raises AuthError "inactive", as a password sign-in does.
    """
    now = now or _now()
    for entry in oidc_mapping(data_dir):
        if _matches(entry, claims):
            if entry.get("disabled"):
                return None
            username = entry["email"].lower() if "email" in entry else entry["sub"]
            name = entry.get("name") or claims.get("name") or username
            who = Identity(username, entry["role"], entry.get("firm_id"), name, now, now)
            check_active(data_dir, who)
            return who
    return None


# --- demo accounts ----------------------------------------------------------------------------

def _demo_password(secret: str, username: str) -> str:
    """A password derived from the data dir's secret, so none is ever written in the source."""
    digest = hmac.new(bytes.fromhex(secret), username.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:16]


def ensure_demo_users(data_dir: Path, firm_ids: list[str] | None = None) -> dict[str, str]:
    """Staff, a regulator and one user per firm (default: every registered firm) for the demo.

    Passwords derive from a random secret kept in `demo-credentials.json` (mode 0600);
    calling again adds accounts for new firms and changes none of the others.
    """
    data_dir = Path(data_dir)
    firm_ids = sorted(registry.load(data_dir)) if firm_ids is None else list(firm_ids)
    saved = _read(data_dir / DEMO_CREDENTIALS, {})
    secret, done = saved.get("secret") or secrets.token_hex(32), list(saved.get("users", []))
    if "secret" not in saved:
        done = []  # a new secret: every demo account gets its password from it
    wanted = [("staff", "association", None, "Association staff"), ("regulator", "regulator", None, "Regulator")]
    names = registry.load(data_dir)
    wanted += [(f.lower(), "firm", f, names[f].name_en if f in names else f) for f in firm_ids]
    existing = users(data_dir)
    for username, role, firm_id, display in wanted:
        if username in done:
            continue
        if username in existing:
            remove_user(data_dir, username)
        add_user(data_dir, username, role, _demo_password(secret, username), firm_id, display)
        done.append(username)
    _write_private(data_dir / DEMO_CREDENTIALS, {"secret": secret, "users": done})
    return demo_credentials(data_dir)


def demo_credentials(data_dir: Path) -> dict[str, str]:
    """The demo accounts and passwords, only for a data dir the demo built (the sign-in page shows them)."""
    saved = _read(Path(data_dir) / DEMO_CREDENTIALS, {})
    if "secret" not in saved:
        return {}
    return {username: _demo_password(saved["secret"], username) for username in saved["users"]}
