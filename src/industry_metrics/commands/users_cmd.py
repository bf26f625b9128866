"""`users add|remove|list|set-password`: manage sign-in accounts. Passwords are prompted, never arguments."""

from __future__ import annotations

import os
import sys

import click

from .. import audit, auth, paths
from .options import data_dir_option


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _operator() -> str:
    return os.environ.get("USER", "cli")


def _fail(exc: auth.AuthError) -> None:
    raise click.ClickException(str(exc))


@click.group("users")
def users_group():
    """Sign-in accounts: roles association, firm (bound to one firm) and regulator."""


@users_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["association", "firm", "regulator"]), required=True)
@click.option("--firm", "firm_id", help="The firm a firm account belongs to (required for --role firm).")
@click.option("--name", "display_name", default="", help="The name shown when signed in.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@data_dir_option
def add(username, role, firm_id, display_name, password_stdin, data_dir):
    """Add an account; the password is asked for twice."""
    root = paths.data_dir(data_dir)
    try:
        # Refuse a bad role, firm or taken name before anyone types a password.
        auth.check_binding(root, role, firm_id)
        if username in auth.users(root):
            raise auth.AuthError("invalid", f"user {username!r} exists; use set-password to change the password")
        auth.add_user(root, username, role, _password(password_stdin), firm_id, display_name)
    except auth.AuthError as exc:
        _fail(exc)
    audit.record(root, _operator(), "users_add", username, details={"role": role, "firm_id": firm_id})
    click.echo(f"added {username} ({role}{' ' + firm_id if firm_id else ''})")


@users_group.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@data_dir_option
def set_password(username, password_stdin, data_dir):
    """Give an account a new password."""
    root = paths.data_dir(data_dir)
    if username not in auth.users(root):
        raise click.ClickException(f"no user {username!r}")
    try:
        auth.set_password(root, username, _password(password_stdin))
    except auth.AuthError as exc:
        _fail(exc)
    audit.record(root, _operator(), "users_set_password", username)
    click.echo(f"password changed for {username}")


def _switch(name: str, disabled: bool):
    @users_group.command(name)
    @click.argument("username")
    @data_dir_option
    def switch(username, data_dir):
        root = paths.data_dir(data_dir)
        try:
            auth.set_disabled(root, username, disabled)
        except auth.AuthError as exc:
            _fail(exc)
        audit.record(root, _operator(), f"users_{name}", username)
        click.echo(f"{name}d {username}")

    switch.help = "Stop an account from signing in (it stays listed)." if disabled else "Let a disabled account sign in again."
    return switch


_switch("disable", True)
_switch("enable", False)


@users_group.command("remove")
@click.argument("username")
@data_dir_option
def remove(username, data_dir):
    """Remove an account."""
    try:
        auth.remove_user(paths.data_dir(data_dir), username)
    except auth.AuthError as exc:
        _fail(exc)
    audit.record(paths.data_dir(data_dir), _operator(), "users_remove", username)
    click.echo(f"removed {username}")


@users_group.command("list")
@data_dir_option
def list_users(data_dir):
    """List accounts (never their hashes)."""
    for name, user in sorted(auth.users(paths.data_dir(data_dir)).items()):
        state = "disabled" if user.get("disabled") else "active"
        click.echo(f"{name:<16} {user['role']:<12} {user['firm_id'] or '-':<8} {state:<9} {user['display_name']}")


@click.command("audit")
@click.option("--since", help="Only events at or after this ISO time.")
@click.option("--actor", help="Only this actor's events.")
@click.option("--action", help="Only this action (sign_in, submission_accepted, users_add, ...).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@data_dir_option
def audit_command(since, actor, action, fmt, data_dir):
    """Export the audit log; exits 1 when its hash chain is broken (the first broken line is named)."""
    root = paths.data_dir(data_dir)
    try:
        frame = audit.read(root, since, actor, action).drop("prev")
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from exc
    if fmt == "csv":
        click.echo(frame.write_csv(), nl=False)
    elif fmt == "json":
        click.echo(frame.write_json())
    else:
        for r in frame.iter_rows(named=True):
            click.echo(f"{r['at']}  {r['actor']:<12} {r['action']:<22} {r['target']}  {r['details']}")
    broken = audit.verify(root)
    # Reading the log out is itself an export worth knowing about (recorded after the check).
    audit.record(root, _operator(), "audit_export", details={"since": since, "actor": actor, "action": action,
                                                             "format": fmt, "rows": frame.height})
    if broken:
        raise click.ClickException(f"the audit log's chain is broken at line {broken}")


commands = [users_group, audit_command]
