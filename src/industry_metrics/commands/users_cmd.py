"""`users add|remove|list|set-password`: manage sign-in accounts. Passwords are prompted, never arguments."""

from __future__ import annotations

import sys

import click

from .. import auth, paths
from .options import data_dir_option


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


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
    """Add (or replace) an account; the password is asked for twice."""
    try:
        auth.add_user(paths.data_dir(data_dir), username, role, _password(password_stdin), firm_id, display_name)
    except auth.AuthError as exc:
        _fail(exc)
    click.echo(f"added {username} ({role}{' ' + firm_id if firm_id else ''})")


@users_group.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@data_dir_option
def set_password(username, password_stdin, data_dir):
    """Give an account a new password."""
    root = paths.data_dir(data_dir)
    user = auth.users(root).get(username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    try:
        auth.add_user(root, username, user["role"], _password(password_stdin), user["firm_id"], user["display_name"])
    except auth.AuthError as exc:
        _fail(exc)
    click.echo(f"password changed for {username}")


@users_group.command("remove")
@click.argument("username")
@data_dir_option
def remove(username, data_dir):
    """Remove an account."""
    try:
        auth.remove_user(paths.data_dir(data_dir), username)
    except auth.AuthError as exc:
        _fail(exc)
    click.echo(f"removed {username}")


@users_group.command("list")
@data_dir_option
def list_users(data_dir):
    """List accounts (never their hashes)."""
    for name, user in sorted(auth.users(paths.data_dir(data_dir)).items()):
        click.echo(f"{name:<16} {user['role']:<12} {user['firm_id'] or '-':<8} {user['display_name']}")


commands = [users_group]
