"""Read-ahead: start reading a command's fact tables before its command line is parsed.

Importing the command line (typer and kfollow's commands) takes about 70 ms, and reading a fact table
of a million rows about as long, in polars, without Python's lock. So `python -m kfollow` and the
`kfollow` script first look at the arguments themselves: for a command that loads the budgets folder
and reads its tables (`deviation`, `compare`, `months`), they start reading the tables that the
folder's year files name, then import the rest. The year files take those tables when they are loaded
(`facts.pending_table`) only where path, kind and rows match what they would read, and the year file
has the bytes it had when its tables were read ahead; anything read otherwise is let go of unused. So a command line this look gets wrong costs a read, never a
figure or an error: every check and message stays where the load makes it.
"""

from __future__ import annotations

import os
from pathlib import Path

# the commands whose tables are read ahead: each loads the budgets folder with `by_account(--by, filters)`
COMMANDS = {"deviation": True, "compare": True, "months": False}  # command → whether it has --by


def start(argv: list[str]) -> None:
    """Start reading ahead for `argv` (the arguments after the program's name), if it names one of
    COMMANDS; any failure here is left for the command to meet and report."""
    command, options = _read(argv)
    if command not in COMMANDS:
        return
    from kfollow.options import by_account, ledger_grain

    by = options.get("--by", "stab") if COMMANDS[command] else None
    ledger = (ledger_grain(by, "--konto" in options, "--kostnadsslag" in options, "--stab" in options,
                           "--verksamhet" in options, options.get("--period")) if COMMANDS[command]
              else by_account(by, "--konto" in options, "--kostnadsslag" in options))
    read_ahead(options.get("--budgets") or os.environ.get("KFOLLOW_BUDGETS") or "budgets", ledger)


_WITH_VALUE = ("--budgets", "--by", "--konto", "--kostnadsslag", "--stab", "--verksamhet", "--period")
_SHORT = {"-p": "--period"}  # (`-p 8`, `-p8`)


def _read(argv: list[str]) -> tuple[str | None, dict[str, str]]:
    """The command (the first argument that is no option) and the last value of each option of
    _WITH_VALUE after it (`--by X` or `--by=X`); other options and their values are skipped over as
    words, which can only make the look miss (a value that looks like a command: nothing read)."""
    command, options = None, {}
    words = iter(argv)
    for word in words:
        if word == "--":
            break
        if command is None:
            if word.startswith("-"):
                return None, {}  # an option before the command (--help, --version): nothing to read
            command = word
            continue
        name, equals, value = word.partition("=")
        if word[:2] in _SHORT and not word.startswith("--"):
            name, equals, value = _SHORT[word[:2]], bool(word[2:]), word[2:]
        if name in _WITH_VALUE:
            options[name] = value if equals else next(words, "")
    return command, options


def read_ahead(directory: str | Path, ledger: bool) -> None:
    """Start reading the fact tables that the year files of `directory` name (`files.named_tables`), with
    their rows if `ledger`, before the command line is parsed (`kfollow.readahead`); a year file
    loaded later takes them (`facts.pending_table`). Nothing is said of a folder or file that cannot be read:
    the load says it, in its order. Imports what the reading needs, and no more (not the store, nor
    the year file's parser): the rest is imported while polars reads."""
    from kfollow.errors import KfollowError
    from kfollow.options import Grain
    from kfollow.sources.facts import PendingTable, booked_hint, read_ahead as start
    from kfollow.sources.files import YEAR_FILE_LIMIT, named_tables, read_bytes, year_files

    tables = []
    try:
        paths = year_files(directory)
    except (KfollowError, OSError):
        return
    for path in paths:
        try:
            raw = read_bytes(path, YEAR_FILE_LIMIT, "year file")
        except (KfollowError, OSError):
            continue
        tables += [(PendingTable(p, str(p), key == "budget_fil", ledger), raw)
                   for key, _, p in named_tables(raw, str(path))]
    if isinstance(ledger, Grain) and tables:  # first the month the latest year's utfall is booked through, a month
        # a cut sums every table up to (`options.Grain`: the year files are in the order of their years)
        latest = [t.path for t, raw in tables if raw is tables[-1][1] and not t.budget]
        booked_hint(latest)
    start(tables)


def hint_booked(paths: list[Path]) -> None:
    """`facts.booked_hint` for the utfall tables the last of the year files `paths` (the latest year) names: for a
    load that was not read ahead (`load_budgets` with an `options.Grain`)."""
    from kfollow.errors import KfollowError
    from kfollow.sources.facts import booked_hint
    from kfollow.sources.files import YEAR_FILE_LIMIT, named_tables, read_bytes

    if not paths:
        return
    try:
        raw = read_bytes(paths[-1], YEAR_FILE_LIMIT, "year file")
    except (KfollowError, OSError):
        return  # (the load says why)
    booked_hint([p for key, _, p in named_tables(raw, str(paths[-1])) if key == "utfall_fil"])
