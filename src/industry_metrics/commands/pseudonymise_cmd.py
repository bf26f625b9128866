"""`pseudonymise`: a firm's raw export -> template files, with keyed tokens and identifiers dropped."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import pseudonymise as pseudo


def _refuse_key(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        raise click.UsageError(
            "never pass the key on the command line (shell history and the process list keep it); "
            f"use --key-file or ${pseudo.KEY_ENV}"
        )


@click.command("pseudonymise")
@click.option("--mapping", "mapping_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="TOML file: which raw file and columns become which template table and columns (docs/pseudonymise.md).")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False), default=None,
              help=f"File holding the association key (else ${pseudo.KEY_ENV}).")
@click.option("--key", hidden=True, expose_value=False, callback=_refuse_key, help="Refused: the key never goes on the command line.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for the template files.")
@click.argument("raw_files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def pseudonymise_command(mapping_path, key_file, out_dir, raw_files):
    """Turn RAW_FILES into template CSVs: debtor_ref and number_ref become HMAC tokens; unmapped columns are dropped."""
    try:
        mapping = pseudo.load_mapping(Path(mapping_path))
        key = pseudo.load_key(Path(key_file) if key_file else None)
        result = pseudo.pseudonymise(mapping, key, [Path(f) for f in raw_files], Path(out_dir))
    except pseudo.PseudonymiseError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for table, path in result.outputs.items():
        dropped = ", ".join(result.dropped[table]) or "none"
        click.echo(f"{path}: {result.rows[table]:,} rows; raw columns dropped: {dropped}")


commands = [pseudonymise_command]
