"""Sign-in: argon2id hashes, the same refusal for a wrong password and an unknown user, lockout, expiry."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type

from industry_metrics import auth

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)
PRODUCTION_HASHER = auth._hasher


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Cheaper argon2id parameters (same algorithm, same code paths) keep these tests fast on a shared machine."""
    quick = PasswordHasher(time_cost=1, memory_cost=4096, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", quick)
    monkeypatch.setattr(auth, "_DUMMY_HASH", quick.hash("dummy password"))


def test_the_production_hasher_is_argon2id_at_the_recommended_parameters():
    assert PRODUCTION_HASHER.type is Type.ID
    assert PRODUCTION_HASHER.time_cost >= 3 and PRODUCTION_HASHER.memory_cost >= 65536
    hashed = PRODUCTION_HASHER.hash("correct horse battery")
    assert hashed.startswith("$argon2id$") and PRODUCTION_HASHER.verify(hashed, "correct horse battery")


@pytest.fixture
def users_dir(data_dir):
    auth.add_user(data_dir, "ann", "association", "correct horse battery")
    auth.add_user(data_dir, "fa_user", "firm", "firm-a-password-1", firm_id="FA")
    return data_dir


def test_passwords_are_argon2id_hashes_in_a_private_file(users_dir):
    stored = json.loads((users_dir / auth.USERS_FILE).read_text(encoding="utf-8"))
    assert stored["ann"]["hash"].startswith("$argon2id$")
    assert "correct horse battery" not in (users_dir / auth.USERS_FILE).read_text(encoding="utf-8")
    assert stat.S_IMODE(os.stat(users_dir / auth.USERS_FILE).st_mode) == 0o600


def test_the_right_password_gives_the_identity_and_audience(users_dir):
    who = auth.authenticate(users_dir, "fa_user", "firm-a-password-1", now=NOW)
    assert (who.role, who.firm_id, who.audience.key) == ("firm", "FA", "firm:FA")


@pytest.mark.parametrize("user, password", [("ann", "wrong password!"), ("nobody", "correct horse battery")])
def test_wrong_password_and_unknown_user_are_refused_alike(users_dir, user, password):
    with pytest.raises(auth.AuthError) as refused:
        auth.authenticate(users_dir, user, password, now=NOW)
    assert refused.value.code == "failed" and str(refused.value) == "wrong user name or password"


def test_five_failures_lock_the_account_for_fifteen_minutes(users_dir):
    for i in range(auth.MAX_FAILURES):
        with pytest.raises(auth.AuthError, match="wrong"):
            auth.authenticate(users_dir, "ann", "nope nope nope", now=NOW + timedelta(seconds=i))
    with pytest.raises(auth.AuthError) as locked:
        auth.authenticate(users_dir, "ann", "correct horse battery", now=NOW + timedelta(minutes=1))
    assert locked.value.code == "locked" and locked.value.minutes == 15
    assert auth.authenticate(users_dir, "ann", "correct horse battery", now=NOW + timedelta(minutes=16)).role == "association"


def test_the_lockout_is_kept_on_disk_and_audited(users_dir):
    from industry_metrics import audit

    for i in range(auth.MAX_FAILURES):
        with pytest.raises(auth.AuthError):
            auth.authenticate(users_dir, "nobody", "nope nope nope", now=NOW + timedelta(seconds=i))
    state = json.loads((users_dir / auth.STATE_FILE).read_text(encoding="utf-8"))
    assert state["nobody"]["locked_until"] == (NOW + timedelta(seconds=4, minutes=15)).isoformat()
    assert stat.S_IMODE(os.stat(users_dir / auth.STATE_FILE).st_mode) == 0o600
    with pytest.raises(auth.AuthError) as locked:  # an unknown name locks like a known one
        auth.authenticate(users_dir, "nobody", "nope nope nope", now=NOW + timedelta(minutes=14, seconds=30))
    assert locked.value.code == "locked" and locked.value.minutes == 1
    assert audit.read(users_dir, action="account_locked")["target"].to_list() == ["nobody"]
    with pytest.raises(auth.AuthError, match="wrong"):  # released: failures count afresh
        auth.authenticate(users_dir, "nobody", "nope nope nope", now=NOW + timedelta(minutes=15, seconds=5))


def test_failures_spread_over_more_than_the_window_do_not_lock(users_dir):
    for i in range(auth.MAX_FAILURES):
        with pytest.raises(auth.AuthError, match="wrong"):
            auth.authenticate(users_dir, "ann", "nope nope nope", now=NOW + timedelta(minutes=10 * i))
    assert auth.authenticate(users_dir, "ann", "correct horse battery", now=NOW + timedelta(minutes=41))


def test_sessions_expire_when_idle_or_old():
    who = auth.Identity("ann", "association", None, "Ann", NOW, NOW)
    assert not who.expired(NOW + timedelta(minutes=29))
    assert who.expired(NOW + timedelta(minutes=31))
    kept = who
    for minutes in range(20, 12 * 60, 20):
        kept = kept.touch(NOW + timedelta(minutes=minutes))
        assert not kept.expired(NOW + timedelta(minutes=minutes + 1))
    assert kept.touch(NOW + timedelta(hours=12, minutes=1)).expired(NOW + timedelta(hours=12, minutes=1))
    assert who.expires_at == NOW + timedelta(minutes=30)
    assert kept.expires_at == NOW + timedelta(hours=12)


@pytest.mark.parametrize(
    "role, firm, password, message",
    [
        ("firm", None, "long enough password", "needs --firm"),
        ("regulator", "FA", "long enough password", "takes no firm"),
        ("firm", "ZZ", "long enough password", "not in the firm registry"),
        ("admin", None, "long enough password", "role must be"),
        ("association", None, "short", "at least 10"),
        ("association", None, "bob", "at least 10"),
    ],
)
def test_bad_users_are_refused(data_dir, role, firm, password, message):
    with pytest.raises(auth.AuthError, match=message):
        auth.add_user(data_dir, "bob", role, password, firm_id=firm)


def test_demo_users_derive_from_a_private_secret(data_dir):
    creds = auth.ensure_demo_users(data_dir)
    assert set(creds) == {"staff", "regulator", "fa", "fb", "fc", "fx"}
    assert len(set(creds.values())) == len(creds) and all(len(p) >= auth.MIN_PASSWORD for p in creds.values())
    assert auth.ensure_demo_users(data_dir) == creds  # idempotent
    stored = (data_dir / auth.DEMO_CREDENTIALS).read_text(encoding="utf-8")
    assert not any(p in stored for p in creds.values())  # only the secret is kept
    assert stat.S_IMODE(os.stat(data_dir / auth.DEMO_CREDENTIALS).st_mode) == 0o600
    assert auth.authenticate(data_dir, "fb", creds["fb"], now=NOW).firm_id == "FB"
    assert auth.authenticate(data_dir, "staff", creds["staff"], now=NOW).role == "association"


def test_demo_users_of_another_data_dir_differ(data_dir, tmp_path):
    import shutil

    other = tmp_path / "other"
    shutil.copytree(data_dir, other)
    assert auth.ensure_demo_users(data_dir, ["FA"])["fa"] != auth.ensure_demo_users(other, ["FA"])["fa"]


def test_demo_users_for_chosen_firms_grow_without_changing(data_dir):
    first = auth.ensure_demo_users(data_dir, ["FA"])
    assert set(first) == {"staff", "regulator", "fa"}
    hashes = auth.users(data_dir)
    second = auth.ensure_demo_users(data_dir, ["FA", "FC"])
    assert set(second) == {"staff", "regulator", "fa", "fc"} and second["fa"] == first["fa"]
    assert auth.users(data_dir)["fa"]["hash"] == hashes["fa"]["hash"]


def test_a_taken_name_is_refused(users_dir):
    with pytest.raises(auth.AuthError, match="exists"):
        auth.add_user(users_dir, "ann", "regulator", "another password")


def test_a_disabled_user_is_refused_like_a_wrong_password(users_dir):
    auth.set_disabled(users_dir, "ann", True)
    with pytest.raises(auth.AuthError) as refused:
        auth.authenticate(users_dir, "ann", "correct horse battery", now=NOW)
    assert str(refused.value) == "wrong user name or password"
    auth.set_disabled(users_dir, "ann", False)
    assert auth.authenticate(users_dir, "ann", "correct horse battery", now=NOW).username == "ann"


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(users_dir):
    table = auth.users(users_dir)
    table["ann"]["hash"] = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("correct horse battery")
    (users_dir / auth.USERS_FILE).write_text(json.dumps(table), encoding="utf-8")
    auth.authenticate(users_dir, "ann", "correct horse battery", now=NOW)
    renewed = auth.users(users_dir)["ann"]
    assert renewed["hash"] != table["ann"]["hash"] and not auth._hasher.check_needs_rehash(renewed["hash"])
    assert renewed["created_at"] == table["ann"]["created_at"]
    assert auth.authenticate(users_dir, "ann", "correct horse battery", now=NOW).role == "association"


def test_set_password_keeps_the_account(users_dir):
    before = auth.users(users_dir)["fa_user"]
    auth.set_password(users_dir, "fa_user", "a brand new password")
    after = auth.users(users_dir)["fa_user"]
    assert (after["role"], after["firm_id"], after["created_at"]) == (before["role"], before["firm_id"], before["created_at"])
    with pytest.raises(auth.AuthError, match="wrong"):
        auth.authenticate(users_dir, "fa_user", "firm-a-password-1", now=NOW)
    with pytest.raises(auth.AuthError, match="at least 10"):
        auth.set_password(users_dir, "fa_user", "short")


def test_users_command_prompts_for_passwords_and_never_takes_one_as_an_argument(data_dir):
    from click.testing import CliRunner

    from industry_metrics.cli import main

    runner = CliRunner()
    args = ["--data-dir", str(data_dir)]
    out = runner.invoke(main, ["users", "add", "carol", "--role", "firm", "--firm", "FB", *args], input="a long password\na long password\n")
    assert out.exit_code == 0, out.output
    assert "a long password" not in out.output
    assert auth.authenticate(data_dir, "carol", "a long password").firm_id == "FB"
    assert runner.invoke(main, ["users", "add", "dave", "--role", "regulator", "--password", "x" * 12, *args]).exit_code == 2
    listed = runner.invoke(main, ["users", "list", *args]).output
    assert "carol" in listed and "$argon2" not in listed
    out = runner.invoke(main, ["users", "set-password", "carol", "--password-stdin", *args], input="another long one\n")
    assert out.exit_code == 0 and auth.authenticate(data_dir, "carol", "another long one")
    taken = runner.invoke(main, ["users", "add", "carol", "--role", "regulator", *args])
    assert taken.exit_code == 1 and "exists" in taken.output and "Password" not in taken.output  # refused before the prompt
    no_firm = runner.invoke(main, ["users", "add", "dan", "--role", "firm", *args])
    assert no_firm.exit_code == 1 and "needs --firm" in no_firm.output and "Password" not in no_firm.output
    assert runner.invoke(main, ["users", "disable", "carol", *args]).exit_code == 0
    assert "disabled" in runner.invoke(main, ["users", "list", *args]).output
    with pytest.raises(auth.AuthError):
        auth.authenticate(data_dir, "carol", "another long one")
    assert runner.invoke(main, ["users", "enable", "carol", *args]).exit_code == 0
    assert auth.authenticate(data_dir, "carol", "another long one").username == "carol"
    short = runner.invoke(main, ["users", "set-password", "carol", "--password-stdin", *args], input="carol\n")
    assert short.exit_code == 1 and "at least 10" in short.output
    assert runner.invoke(main, ["users", "remove", "carol", *args]).exit_code == 0
    assert runner.invoke(main, ["users", "remove", "carol", *args]).exit_code == 1


OIDC_ROLES = """
[[identity]]
email = "Li.Wei@Association.example"
role = "association"
name = "Li Wei"

[[identity]]
sub = "00u-firm-a"
iss = "https://idp.example"
role = "firm"
firm_id = "FA"

[[identity]]
email = "gone@regulator.example"
role = "regulator"
disabled = true
"""


@pytest.fixture
def oidc_dir(data_dir):
    (data_dir / auth.OIDC_ROLES).write_text(OIDC_ROLES, encoding="utf-8")
    return data_dir


def test_a_mapped_email_gets_its_role(oidc_dir):
    who = auth.identity_from_oidc({"email": "li.wei@association.example", "email_verified": True, "sub": "x"}, oidc_dir, now=NOW)
    assert (who.username, who.role, who.firm_id, who.display_name, who.issued_at) == (
        "li.wei@association.example", "association", None, "Li Wei", NOW)


def test_a_mapped_subject_is_bound_to_its_firm_and_issuer(oidc_dir):
    who = auth.identity_from_oidc({"sub": "00u-firm-a", "iss": "https://idp.example", "name": "Zhang"}, oidc_dir, now=NOW)
    assert (who.role, who.firm_id, who.display_name, who.audience.key) == ("firm", "FA", "Zhang", "firm:FA")
    assert auth.identity_from_oidc({"sub": "00u-firm-a", "iss": "https://other.example"}, oidc_dir) is None


@pytest.mark.parametrize("claims", [
    {"email": "stranger@example.com", "email_verified": True},
    {"email": "li.wei@association.example", "email_verified": False},
    {"email": "gone@regulator.example"},
    {"sub": "li.wei@association.example"},
    {},
])
def test_unmapped_unverified_and_disabled_identities_are_refused(oidc_dir, claims):
    assert auth.identity_from_oidc(claims, oidc_dir) is None


def test_no_mapping_file_admits_nobody(data_dir):
    assert auth.identity_from_oidc({"email": "li.wei@association.example", "email_verified": True}, data_dir) is None


@pytest.mark.parametrize("entry, message", [
    ('email = "a@b.c"\nsub = "x"\nrole = "association"', "exactly one of email or sub"),
    ('email = "a@b.c"\nrole = "firm"', "needs --firm"),
    ('email = "a@b.c"\nrole = "firm"\nfirm_id = "ZZ"', "not in the firm registry"),
    ('email = "a@b.c"\nrole = "admin"', "role must be"),
])
def test_a_bad_mapping_entry_is_named(data_dir, entry, message):
    (data_dir / auth.OIDC_ROLES).write_text(OIDC_ROLES + "\n[[identity]]\n" + entry + "\n", encoding="utf-8")
    with pytest.raises(auth.AuthError, match=r"oidc-roles.toml \[\[identity\]\] #4: .*" + message):
        auth.identity_from_oidc({"email": "a@b.c"}, data_dir)


# --- inactive member firms ---------------------------------------------------------------------

def test_a_user_of_an_inactive_firm_cannot_sign_in(users_dir):
    auth.add_user(users_dir, "fx_user", "firm", "firm-x-password-1", firm_id="FX")  # FX: active=false in firms.csv
    with pytest.raises(auth.AuthError) as refused:
        auth.authenticate(users_dir, "fx_user", "firm-x-password-1", now=NOW)
    assert refused.value.code == "inactive"
    # a wrong password is refused as any other: the reason is given only to whoever knows the password
    with pytest.raises(auth.AuthError) as wrong:
        auth.authenticate(users_dir, "fx_user", "not the password", now=NOW)
    assert wrong.value.code == "failed"


def test_an_oidc_identity_of_an_inactive_firm_is_refused(data_dir):
    (data_dir / auth.OIDC_ROLES).write_text('[[identity]]\nemail = "x@fx.example"\nrole = "firm"\nfirm_id = "FX"\n', encoding="utf-8")
    with pytest.raises(auth.AuthError) as refused:
        auth.identity_from_oidc({"email": "x@fx.example", "email_verified": True}, data_dir, now=NOW)
    assert refused.value.code == "inactive"


def app_signed_in(data_dir, monkeypatch, user: str, password: str):
    from streamlit.testing.v1 import AppTest

    from industry_metrics import demo, paths

    (data_dir / demo.MANIFEST).write_text("{}", encoding="utf-8")  # an empty store, not a demo to build
    monkeypatch.setenv(paths.ENV_VAR, str(data_dir))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    at.text_input(key="signin_user").input(user)
    at.text_input(key="signin_password").input(password)
    return at.button[0].click().run()


def test_the_sign_in_page_says_why_an_inactive_firm_is_refused(users_dir, monkeypatch):
    from industry_metrics import i18n

    auth.add_user(users_dir, "fx_user", "firm", "firm-x-password-1", firm_id="FX")
    at = app_signed_in(users_dir, monkeypatch, "fx_user", "firm-x-password-1")
    assert not at.exception and "identity" not in at.session_state
    assert [e.value for e in at.error] == [i18n.t("signin.inactive", "en")]


def test_a_session_ends_when_its_firm_becomes_inactive(users_dir, monkeypatch):
    from dataclasses import replace

    from industry_metrics import audit, i18n, registry

    at = app_signed_in(users_dir, monkeypatch, "fa_user", "firm-a-password-1")
    assert not at.exception and at.session_state["identity"].firm_id == "FA"
    firms = registry.load(users_dir)
    registry.save(users_dir, [replace(f, active=False) if f.firm_id == "FA" else f for f in firms.values()])
    at.run()  # the next page view
    assert not at.exception and "identity" not in at.session_state
    assert [e.value for e in at.error] == [i18n.t("signin.inactive", "en")]
    assert at.text_input(key="signin_user")  # back at the sign-in form
    ended = audit.read(users_dir, action="session_ended")
    assert ended.height == 1 and ended["actor"][0] == "fa_user"
