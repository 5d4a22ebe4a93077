"""The `kfollow` command: parse options → load → engine → render. Nothing else happens here.

Each command is a function in `operations` or `investments`; this module builds the app and its
one error boundary (`_Boundary`), which every entry point passes: the console script, `python -m
kfollow` and the app that tests invoke.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
from typer.core import TyperGroup

from kfollow import __version__
from kfollow.cli import documents, investments, operations
from kfollow.cli import imports
from kfollow.errors import ExitStatus, KfollowError, shown

HELP = "Budget follow-up for a Swedish kommun: budget against utfall per stab and verksamhet, from YAML files."


class _Boundary(TyperGroup):
    """kfollow's errors become `Error: …` and their exit status; anything else is a bug: one line
    `Error: internal error: … (please report it)`, exit 70, and the traceback with KFOLLOW_DEBUG=1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KfollowError as err:
            typer.echo(f"Error: {shown(err.message)}", err=True)
            raise typer.Exit(int(err.status)) from None
        except (typer.Exit, typer.Abort, typer.TyperException, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the boundary: nothing may escape as a traceback
            if os.environ.get("KFOLLOW_DEBUG") == "1":
                raise
            what = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
            typer.echo(f"Error: internal error: {shown(what)} (please report it; KFOLLOW_DEBUG=1 shows where)", err=True)
            raise typer.Exit(int(ExitStatus.INTERNAL)) from None


app = typer.Typer(
    cls=_Boundary,
    help=HELP,
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
                investments.investments, investments.summary, documents.report, documents.chart):
    app.command()(command)
app.add_typer(imports.app, name="import")


def main() -> None:
    app(prog_name="kfollow")
