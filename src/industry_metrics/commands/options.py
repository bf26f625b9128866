"""Options every command shares."""

from __future__ import annotations

import click

from .. import paths

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    envvar=paths.ENV_VAR,
    default=None,
    help=f"Where the store lives (default: ${paths.ENV_VAR}, else data/demo).",
)
lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of messages.")
