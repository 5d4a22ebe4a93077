"""What every command shares: option types, the error boundary, loading and writing."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from kfollow.errors import ExitStatus, UsageError, shown
from kfollow.options import MONTH_ALONE, By, Format, Grain, Options, Unit

BudgetsDir = Annotated[Optional[Path], typer.Option(
    "--budgets", envvar="KFOLLOW_BUDGETS", show_envvar=True,
    help="Folder of year files (YYYY.yaml). [default: ./budgets]", readable=False)]
FormatOpt = Annotated[Optional[Format], typer.Option(
    "--format", "-f", help="table (for people), csv or json (for scripts), md (Markdown), xlsx (an Excel workbook: "
    "exact numbers, formatted), excel (CSV for Swedish Excel: semicolon, decimal comma, BOM). "
    "[default: table, or from -o's extension]")]
UnitOpt = Annotated[Unit, typer.Option("--unit", envvar="KFOLLOW_UNIT", show_envvar=True, case_sensitive=False,
                                        help="Unit of the amounts shown (a small kommun: KFOLLOW_UNIT=tkr for every command).")]
DecimalsOpt = Annotated[Optional[int], typer.Option(
    "--decimals", min=0, max=6, metavar="N", help="Decimals of the amounts. [default: 1 for mnkr, 0 for tkr and kr]")]
def _dash_is_stdout(value: Optional[Path]) -> Optional[Path]:
    """`-o -` is stdout, as for most Unix tools (it used to write a file named `-`)."""
    return None if value is not None and str(value) == "-" else value


OutputOpt = Annotated[Optional[Path], typer.Option(
    "--output", "-o", callback=_dash_is_stdout,
    help="Write to FILE instead of stdout (nothing is written on error); - is stdout.", readable=False)]
ForvaltningOpt = Annotated[Optional[list[str]], typer.Option(
    "--forvaltning", help="Only this förvaltning (repeat for several), e.g. KLF.")]
ByOpt = Annotated[By, typer.Option("--by", help="Rows per stab, verksamhet (SCB code) or förvaltning.")]
CutOpt = Annotated[str, typer.Option(
    "--by", metavar="KEY[,PART]", help="Rows per stab, verksamhet (SCB code), forvaltning, kostnadsslag or konto; "
    "or a view and its parts: stab,kostnadsslag (each stab with its kostnadsslag rows), verksamhet,konto, …")]
KontoOpt = Annotated[Optional[list[str]], typer.Option(
    "--konto", metavar="PREFIX", help="Only accounts starting so (repeat for several), e.g. 5 or 6410: needs fact tables.")]
KostnadsslagOpt = Annotated[Optional[list[str]], typer.Option(
    "--kostnadsslag", metavar="ID", help="Only this kostnadsslag (repeat for several), e.g. personal: needs fact tables.")]
CommentsOpt = Annotated[bool, typer.Option("--comments", help="Show each row's kommentar (always in JSON).")]
ColumnsOpt = Annotated[Optional[str], typer.Option(
    "--columns", metavar="A,B,…", help="Only these columns, in this order, by machine name (the header of "
    "--format csv), e.g. budget,utfall,avvikelse for deviation. In every format; a table for people keeps its row "
    "label first, which stands for the key and name columns (forvaltning, stab, verksamhet, projekt, namn; datum, beslut in changes).")]
ExactOpt = Annotated[bool, typer.Option("--exact", help="csv, excel and json: amounts unrounded, to the öre.")]
CostsNegativeOpt = Annotated[bool, typer.Option(
    "--costs-negative", help="Net costs and costs as negative numbers, income positive (as some kommuner publish); "
    "deviations keep their sign, förvaltningar shown as resultat keep their net figures, their costs negative too.")]
YearOpt = Annotated[Optional[int], typer.Option("--year", "-y", help="Budget year. [default: the latest year]")]
PeriodOpt = Annotated[Optional[str], typer.Option(
    "--period", "-p", help="Month YYYY-MM, or 1–12 for that month of --year (or the latest year): year-to-date budget and utfall up to "
                         "and including it, and the latest forecast.")]


_MONTH_ALONE = re.compile(MONTH_ALONE)


def month_period(period: str | None, year: int | None, latest) -> str | None:
    """`--period 8` → `2025-08`: a month number 1–12 is that month of `year` (the --year given, or the later year
    compared), else of the latest year (`latest()`, asked only then); anything else is returned as given, for the
    engine to read or refuse (found by a new user: `deviation --period 8` was refused with `write YYYY-MM`)."""
    if period is None or not _MONTH_ALONE.fullmatch(period):
        return period
    year = year if year is not None else latest()
    return period if year is None else f"{year:04d}-{int(period):02d}"


def latest_file_year(directory: str):
    """The latest year of a budgets folder by its year files' names (`check`, which loads each file on its own);
    None when it cannot be read (check says why)."""
    from kfollow.errors import KfollowError
    from kfollow.sources.files import YEAR_FILE, year_files

    try:
        return max(int(YEAR_FILE.fullmatch(p.name)[1]) for p in year_files(directory))
    except (KfollowError, ValueError):
        return None


def latest_year(store):
    """The latest year of a store, for `month_period` (None when it has none: the command says so)."""
    return lambda: max(store.years) if store.years else None


def fail(status: ExitStatus) -> None:
    raise typer.Exit(int(status))


def quiet() -> bool:
    """`KFOLLOW_QUIET=1`: a job's run that went well prints nothing on stderr (cron mails what a job prints, and
    mailed every night's `note: wrote …`: found by an IT operator, h128); warnings and errors still print."""
    return os.environ.get("KFOLLOW_QUIET", "").strip() not in ("", "0")


def note(text: str) -> None:
    """A diagnostic for the person running the command (stderr), never part of the data; a
    warning says so itself. A note that is no warning is left out under `KFOLLOW_QUIET`."""
    if text.startswith("warning: "):
        say(shown(text))
    elif not quiet():
        say(f"note: {shown(text)}")


_RUN = re.compile(r"\S{1000,}")


def bounded(line: str) -> str:
    """A line quoting what was given, of a bounded length: a run of 1 000 characters or more without a
    space (a value 100 000 digits long; no path is so long) is cut to its first 200, ending in "…"."""
    return _RUN.sub(lambda m: m[0][:200] + "…", line)


def say(line: str) -> None:
    """One line on stderr, of a bounded length (`bounded`). When its reader went away (`2>&1 | head`),
    or stderr cannot be written (`2>/dev/full`, a full disk), the rest is not written and the command
    goes on: its exit status is its own (2 for a usage error, 3 for bad data), never 1, which says a
    check failed (found by a hostile-input review)."""
    try:
        typer.echo(bounded(line), err=True)
    except OSError:
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stderr.fileno())
        except (OSError, ValueError):  # no stderr to quiet (closed, or not a file): nothing more is written
            pass


def load(budgets: Path | None, ledger: "bool | Grain" = True, collecting: bool = False):
    """The store of a budgets folder, its notes on stderr. `ledger=False`: the command cuts by no
    account, so a fact table is read into its sums only (its rows are read if something asks after all).
    `collecting`: for `collect` (`load_budgets`)."""
    from kfollow.sources.year_file import default_directory, load_budgets

    store = load_budgets(budgets or default_directory(), ledger=ledger, collecting=collecting)
    for message in store.messages:
        note(message)
    return store


def protect(output: Path | None, directory: str, read: list[str]) -> None:
    """`-o` must not name a file the command read, nor a year file of the budgets folder, nor what
    the writer refuses (a folder, a name too long for its folder): checked before the work."""
    if output is None:
        return
    from kfollow.render.writer import check, resolved
    from kfollow.sources.answers import ANSWERS_FILE
    from kfollow.sources.year_file import YEAR_FILE

    target = resolved(output)
    folder = resolved(directory)
    if any(target == resolved(f) for f in read) or (
            YEAR_FILE.fullmatch(target.name) and target.parent == folder):
        raise UsageError(f"-o {shown(str(output))} is a year file of the budgets folder or a file this command "
                         "reads; write the report to another file")
    if ANSWERS_FILE.fullmatch(target.name) and target.parent == folder / "svar":  # (read by every later command)
        raise UsageError(f"-o {shown(str(output))} is an answers file of the budgets folder (svar/YYYY-MM.yaml), "
                         "which `kfollow collect` writes; write the report to another file")
    check(output, read)


def emit(report, fmt: Format | None, decimals: int | None, output: Path | None, comments: bool = False,
         store=None, columns: str | None = None, exact: bool = False) -> None:
    """Print the report's messages (stderr), then write it in the format asked for; `-o` never
    overwrites a file of `store`. A table on a terminal fits its width."""
    import shutil
    import sys

    from kfollow import render

    if store is not None:
        protect(output, store.directory, store.files)
    for message in report.messages:
        note(message)
    fmt = render.format_for(output, fmt)
    if fmt is Format.docx and store is not None:  # a document for people: the period in the report's words
        # (`Resultat januari–oktober 2024 per stab`; it said the terminal's `2024-10 (ack.)`: found in review, h102)
        from kfollow.engine.document import for_reading

        report = for_reading(store, report)
    exact = exact and fmt in (Format.csv, Format.excel, Format.json)
    width = shutil.get_terminal_size().columns if output is None and fmt is Format.table and sys.stdout.isatty() else None
    names = tuple(n.strip() for n in columns.split(",") if n.strip()) if columns is not None else None
    if names == ():
        raise UsageError("--columns names no column; write machine names separated by commas, e.g. budget,utfall")
    if comments and names is not None and "kommentar" not in names and "kommentar" in report.frame.columns:
        names = (*names, "kommentar")  # --comments asks for them: --columns without them dropped them unsaid (found
        # by an investment controller)
    opts = Options(fmt, decimals, comments, exact, names, width)
    notices: list[str] = []  # what the rendering cut (xlsx: a text longer than a cell)
    data = render.render(report, opts, notices)
    for message in notices:
        note(message)
    if fmt in (Format.csv, Format.excel, Format.json):  # no place for notes: what the sums leave out on stderr
        from kfollow.render.columns import for_machines
        from kfollow.report import Caveat, notes_shown

        for line in notes_shown(report.notes, for_machines(report, opts), decimals=decimals, exact=exact):  # (one on a column: where it is written)
            if isinstance(line, Caveat):
                note(line)
    render.write(data, output)
