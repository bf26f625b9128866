"""`industry-metrics ...`: everything a person can do without the dashboard.

Each command lives in its own module under commands/; this file only gathers them.
"""

from __future__ import annotations

import click

from .commands import discover


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main() -> None:
    """Self-regulation analytics for an association of debt-collection firms."""


for command in discover():
    main.add_command(command)
