"""The `kfollow` command: parse options → load → engine → render. Nothing else happens here.

Each command is a function in `operations`, `investments`, `documents` or `imports`; this module
builds the app and its
one error boundary (`_Boundary`), which every entry point passes: the console script, `python -m
kfollow` and the app that tests invoke.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from enum import Enum
from typing import Annotated

import typer
from typer.core import TyperGroup

from kfollow import __version__
from kfollow.cli.common import bounded, say
from kfollow.errors import ExitStatus, KfollowError, shown

HELP = "Budget follow-up for a Swedish kommun: budget against utfall per stab and verksamhet, from YAML files."


class _Boundary(TyperGroup):
    """kfollow's errors become `Error: …` and their exit status; anything else is a bug: one line
    `Error: internal error: … (please report it)`, exit 70, and the traceback with KFOLLOW_DEBUG=1."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:  # `--help` and `--version` print while the options are parsed, before `invoke`
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError:
            _quiet_stdout()
            raise typer.Exit(0) from None
        except typer.TyperException as exc:  # the parser's message quotes the command line: safe for a terminal
            _shown_message(exc)
            raise

    def invoke(self, ctx):
        import warnings

        try:
            _once_each(self, ctx, [*getattr(ctx, "_protected_args", []), *ctx.args])
            with warnings.catch_warnings():  # a library's warning (a chart's missing glyphs): one line on stderr
                warnings.showwarning = _warning_line
                return super().invoke(ctx)
        except KfollowError as err:
            say(f"Error: {shown(err.message)}")
            raise typer.Exit(int(err.status)) from None
        except typer.TyperException as exc:  # a usage error of a command's options (the parser's)
            _shown_message(exc)
            raise
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            _quiet_stdout()
            raise typer.Exit(0) from None
        except UnicodeEncodeError as exc:
            if os.environ.get("KFOLLOW_DEBUG") == "1":
                raise
            if exc.reason != "surrogates not allowed":  # a stream whose encoding cannot hold the text (`–`)
                say(f"Error: cannot write the output in the encoding {exc.encoding}; use a UTF-8 locale "
                    "(or PYTHONIOENCODING=utf-8), or -o FILE")
                raise typer.Exit(int(ExitStatus.IO)) from None
            # a path's bytes that are not UTF-8 (Python keeps them as surrogates), on their way into a text
            text = exc.object if isinstance(exc.object, str) else ""
            say(f"Error: a file or folder name is not valid UTF-8 (…{shown(text[max(0, exc.start - 60):exc.end + 20])}…); "
                "rename it to a name in UTF-8")
            raise typer.Exit(int(ExitStatus.IO)) from None
        except Exception as exc:  # noqa: BLE001 - the boundary: nothing may escape as a traceback
            if os.environ.get("KFOLLOW_DEBUG") == "1":
                raise
            _internal(exc)
        except BaseException as exc:  # a panic of polars (pyo3's PanicException is no Exception): the same
            if os.environ.get("KFOLLOW_DEBUG") == "1" or type(exc).__name__ != "PanicException":
                raise
            _internal(exc)


def _once_each(group, ctx, args: list[str]) -> None:
    """A UsageError where an option that takes one value is given twice (`summary --forvaltning KSF --forvaltning
    SBF` showed SBF alone, exit 0: the parser keeps the last; found by an investment controller). Options that
    take several (`--forvaltning` of deviation) and flags may repeat. Read as the parser reads: an option's value
    is never taken for an option, `-y2024` is `-y 2024`, and `--help` or a missing value are left to the parser."""
    from kfollow.errors import UsageError

    words = list(args)
    command, names = group, []
    while words and hasattr(command, "get_command"):  # the command, through a group of commands (`import sie`)
        found = command.get_command(ctx, words[0])
        if found is None:
            return
        command, names = found, [*names, words.pop(0)]
    params = [p for p in getattr(command, "params", ()) if getattr(p, "param_type_name", "") == "option"]
    takes = {name: p for p in params if not p.is_flag and not getattr(p, "count", False)
             for name in (*p.opts, *p.secondary_opts)}  # (the word after any of these is its value, not an option)
    helps = set(getattr(ctx, "help_option_names", ()) or ("--help",))
    seen: dict[object, tuple[str, str]] = {}
    index = 0
    while index < len(words):
        word, index = words[index], index + 1
        if word == "--":
            break
        if word in helps:
            return  # the help, as the parser shows it whatever else is given (found in review)
        if word.startswith("--"):
            name, equals, value = word.partition("=")
            value = value if equals else None
        elif word.startswith("-") and word[:2] in takes:  # -y2024 as -y 2024 (the parser's own reading)
            name, value = word[:2], word[2:] or None
        else:
            continue
        if name not in takes:
            continue
        option = takes[name]
        if value is None:
            if index + option.nargs > len(words):
                return  # no value: the parser says so ("requires an argument"), not a value 'None' given twice
            value, index = " ".join(words[index:index + option.nargs]), index + option.nargs
        _amount_apart(option, name, value, words[index:], names)
        if option.multiple or option.nargs != 1:
            continue
        first = seen.setdefault(option, (name, value))
        # (the same value twice, as a script may build it, means one; the same as the option reads it, not as
        # text: `--year 2024 --year 02024` is one year, found by a script user)
        if first[1] != value and _as_read(option, ctx, first[1]) != _as_read(option, ctx, value):
            raise UsageError(f"{name} is given twice, as '{shown(str(first[1]))}' and '{shown(str(value))}'; "
                             f"{' '.join(names)} takes one {first[0]}: give it once (the parser would keep the last)")


_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
_GROUP = re.compile(r"[0-9]{3}(?:[.,][0-9]+)?")  # `500 000 kr`: the thousands a Swede writes apart
_UNITS = ("%", "kr", "tkr", "mnkr")


def _amount_apart(option, name: str, value: str, rest: list[str], names: list[str]) -> None:
    """A UsageError where an amount option's value is written as a Swede writes it, apart from its unit
    (`--fail-over 500 tkr`, `--require-comment-over 500 000 kr`): the parser stopped at 'Got unexpected extra
    argument(s) (tkr)', which does not say how to write it (found in review, h154)."""
    from kfollow.errors import UsageError

    if option.metavar != "AMOUNT|PCT" or not _NUMBER.fullmatch(value):
        return
    taken = 0
    while taken < len(rest) and _GROUP.fullmatch(rest[taken]):
        taken += 1
    unit = rest[taken] if taken < len(rest) and rest[taken].lower() in _UNITS else None
    if unit is None and not taken:
        return
    apart = [value, *rest[:taken], *([unit] if unit else [])]
    one = "".join(apart[:len(apart) - (1 if unit else 0)]) + (unit.lower() if unit else "")
    raise UsageError(f"{name} {shown(' '.join(apart))}: {' '.join(names)} takes an amount as one word, its unit "
                     f"and thousands without spaces: write {name} {shown(one)}")


def _as_read(option, ctx, value: str) -> object:
    """`value` as `option` reads it (`02024` → 2024 for an int, `TKR` → tkr for a choice without case, a path
    without its `./`); a value it cannot read stays text, so it differs from any value read."""
    try:
        read = option.type.convert(value, option, ctx)
    except Exception:  # noqa: BLE001 - any refusal of the type: the parser reports it, with its own words
        return ("text", value)
    if isinstance(read, Enum):
        return read.value
    if getattr(option.type, "name", None) == "path" and read is not None:  # one folder or file however it is written:
        return os.path.normpath(os.fsdecode(read))  # `budgets` and `./budgets` (a case of a file system is its own)
    return read


def _internal(exc: BaseException) -> None:
    """An error kfollow did not foresee: one line, exit 70 (not 1, a check's failure)."""
    what = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
    say(f"Error: internal error: {shown(what)} (please report it; KFOLLOW_DEBUG=1 shows where)")
    raise typer.Exit(int(ExitStatus.INTERNAL)) from None


def _shown_message(exc: Exception) -> None:
    """A parser's error, which may quote what was typed (`No such option: --x…`), with its control and
    bidi characters escaped, as every message of kfollow's."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # bare `kfollow`: the help, kfollow's own text, as `--help` shows it
        return
    if isinstance(getattr(exc, "message", None), str):
        exc.message = bounded(shown(exc.message))
    param = getattr(exc, "param", None)
    envvar = getattr(param, "envvar", None)
    source = getattr(getattr(exc, "ctx", None), "get_parameter_source", lambda _: None)(getattr(param, "name", None))
    if hasattr(exc, "param_hint") and exc.param_hint is None and isinstance(envvar, str) and getattr(param, "opts", None) \
            and not (envvar in os.environ if source is None else getattr(source, "name", "") == "ENVIRONMENT"):
        # the parser names an option's variable (`(env var: 'KFOLLOW_UNIT')`) whether or not the value came from it:
        # said only where it did, so that `--unit KR` (or `--unit yy` beside a good KFOLLOW_UNIT=tkr) is not read
        # as a setting of the shell's (found in review)
        exc.param_hint = " / ".join(f"'{o}'" for o in param.opts)


def _warning_line(message, category, filename, lineno, file=None, line=None) -> None:
    say(f"warning: {shown(str(message))}")


def _quiet_stdout() -> None:
    """stdout's reader (e.g. `head`) has what it wanted: no error, and no more output (exit 0)."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kfollow {__version__}")
        raise typer.Exit()


def _options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Budget follow-up for a Swedish kommun: budget against utfall per stab and verksamhet, from YAML files."""


# each command → the module of kfollow.cli that holds its function (of the same name); a module is
# imported only when its command is built: a run builds the one it runs (`main`)
COMMANDS = {"deviation": "operations", "months": "operations", "compare": "operations", "changes": "operations",
            "check": "operations", "investments": "investments", "summary": "investments", "indicators": "investments",
            "report": "documents", "chart": "documents", "forms": "forms", "collect": "forms", "status": "forms"}
GROUPS = {"import": "imports"}  # each group of commands → its module, whose `app` it is


def _from(module: str, name: str):
    return getattr(importlib.import_module(f"kfollow.cli.{module}"), name)


def build(only: str | None = None) -> typer.Typer:
    """The app with every command, or with `only` that one (typer builds each command's options on
    every run: the one being run is enough)."""
    new = typer.Typer(cls=_Boundary, help=HELP, no_args_is_help=True, add_completion=False,
                      pretty_exceptions_enable=False, rich_markup_mode=None)  # plain help: no boxes, no colour
    new.callback()(_options)
    for name, module in COMMANDS.items():
        if only in (None, name):
            new.command()(_from(module, name))
    for name, module in GROUPS.items():
        if only in (None, name):
            new.add_typer(_from(module, "app"), name=name)
    return new


def __getattr__(name: str):
    """`app`, every command (for tests and `--help`), built when first asked for."""
    if name == "app":
        globals()["app"] = built = build()
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    named = sys.argv[1] if len(sys.argv) > 1 else None
    (build(named) if named in COMMANDS or named in GROUPS else build())(prog_name="kfollow")
