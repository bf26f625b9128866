"""Sign-in: argon2id hashes, the same refusal for a wrong password and an unknown user, lockout, expiry."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timedelta, timezone

import pytest

from industry_metrics import auth

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)


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


@pytest.mark.parametrize(
    "role, firm, password, message",
    [
        ("firm", None, "long enough password", "needs --firm"),
        ("regulator", "FA", "long enough password", "take none"),
        ("firm", "ZZ", "long enough password", "not in the firm registry"),
        ("admin", None, "long enough password", "role must be"),
        ("association", None, "short", "at least 10"),
        ("association", None, "bob", "at least 10"),
    ],
)
def test_bad_users_are_refused(data_dir, role, firm, password, message):
    with pytest.raises(auth.AuthError, match=message):
        auth.add_user(data_dir, "bob", role, password, firm_id=firm)


def test_demo_users_have_random_passwords_kept_privately(data_dir):
    creds = auth.ensure_demo_users(data_dir)
    assert set(creds) == {"staff", "regulator", "fa", "fb", "fc", "fx"}
    assert len(set(creds.values())) == len(creds)
    assert auth.ensure_demo_users(data_dir) == creds  # idempotent
    assert stat.S_IMODE(os.stat(data_dir / auth.DEMO_CREDENTIALS).st_mode) == 0o600
    assert auth.authenticate(data_dir, "fb", creds["fb"]).firm_id == "FB"


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
    assert runner.invoke(main, ["users", "remove", "carol", *args]).exit_code == 0
    assert runner.invoke(main, ["users", "remove", "carol", *args]).exit_code == 1
