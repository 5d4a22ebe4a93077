"""The `kfollow` command: parse options → load → report → render. Nothing else happens here.

Each command is a function in `operations` or `investments`; this module builds the app.
"""

from __future__ import annotations

from typing import Annotated

import typer

from kfollow import __version__
from kfollow.cli import investments, operations

app = typer.Typer(
    help="Budget follow-up for a Swedish kommun: budget against utfall per stab and verksamhet, from YAML files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help text: no boxes, no colour
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kfollow {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Budget follow-up for a Swedish kommun: budget against utfall per stab and verksamhet, from YAML files."""


for command in (operations.deviation, operations.months, operations.compare, operations.changes, operations.check,
                investments.investments, investments.summary):
    app.command()(command)


def main() -> None:
    app(prog_name="kfollow")
