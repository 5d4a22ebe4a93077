"""What every command shares: option types, the error boundary, loading and writing."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from kfollow.errors import ExitStatus, KfollowError, UsageError
from kfollow.options import By, Format, Options, Unit

BudgetsDir = Annotated[Optional[Path], typer.Option(
    "--budgets", envvar="KFOLLOW_BUDGETS", show_envvar=True,
    help="Folder of year files (YYYY.yaml). [default: ./budgets]")]
FormatOpt = Annotated[Optional[Format], typer.Option(
    "--format", "-f", help="table (for people), csv or json (for scripts), md (Markdown), excel (CSV for Swedish "
    "Excel: semicolon, decimal comma, BOM). [default: table, or from -o's extension]")]
UnitOpt = Annotated[Unit, typer.Option("--unit", help="Unit of the amounts shown.")]
DecimalsOpt = Annotated[Optional[int], typer.Option(
    "--decimals", min=0, max=6, help="Decimals of the amounts. [default: 1 for mnkr, 0 for tkr and kr]")]
OutputOpt = Annotated[Optional[Path], typer.Option(
    "--output", "-o", help="Write to FILE instead of stdout (nothing is written on error).")]
ForvaltningOpt = Annotated[Optional[list[str]], typer.Option(
    "--forvaltning", help="Only this förvaltning (repeat for several), e.g. KLF.")]
ByOpt = Annotated[By, typer.Option("--by", help="Rows per stab, verksamhet (SCB code) or förvaltning.")]
CommentsOpt = Annotated[bool, typer.Option("--comments", help="Show each row's kommentar (always in JSON).")]
YearOpt = Annotated[Optional[int], typer.Option("--year", "-y", help="Budget year. [default: the latest year]")]
PeriodOpt = Annotated[Optional[str], typer.Option(
    "--period", "-p", help="Month YYYY-MM: year-to-date budget and utfall up to and including it, and the latest forecast.")]

BY_TITLE = {By.stab: "stab", By.verksamhet: "verksamhet", By.forvaltning: "förvaltning"}


@contextmanager
def errors():
    """The one error boundary: a KfollowError becomes `Error: …` on stderr and its exit status."""
    try:
        yield
    except KfollowError as err:
        typer.echo(f"Error: {err.message}", err=True)
        raise typer.Exit(int(err.status)) from None


def fail(status: ExitStatus) -> None:
    raise typer.Exit(int(status))


def note(text: str) -> None:
    """A diagnostic for the person running the command (stderr), never part of the data."""
    typer.echo(f"note: {text}", err=True)


def load(budgets: Path | None):
    from kfollow.sources.year_file import default_directory, load_budgets

    return load_budgets(budgets or default_directory())


def emit(frame, fmt: Format | None, unit: Unit, decimals: int | None, output: Path | None,
         comments: bool = False, title: str | None = None) -> None:
    from kfollow import render

    opts = Options(render.format_for(output, fmt), unit, decimals, comments, title)
    render.write(render.render(frame, opts), output)


def unit_title(unit: Unit) -> str:
    return f"belopp i {unit.value}"


def year_or_latest(data, year: int | None) -> int:
    if year is not None and not 1000 <= year <= 9999:
        raise UsageError(f"--year {year} is not a year; write four digits, e.g. 2024")
    return year or max(data.years)


def year_and_period(data, year: int | None, period: str | None) -> tuple[int, int | None]:
    from kfollow.engine.periods import last_month_complete, parse_period

    if period is None:
        year = year_or_latest(data, year)
        booked = last_month_complete(data, year)
        if booked is not None and booked < 12:  # a year being booked: year to date, not against the whole budget
            note(f"utfall {year} is booked up to {year}-{booked:02d}: showing {year}-{booked:02d} (ack.); "
                 f"--period chooses another month")
            return year, booked
        return year, None
    p_year, month = parse_period(period)
    if year is not None and year != p_year:
        raise UsageError(f"--period {period} is not in --year {year}; give one of them")
    return p_year, month


def against_month(text: str | None, year: int) -> int | None:
    from kfollow.engine.periods import parse_period

    if text is None:
        return None
    a_year, month = parse_period(text.removeprefix("prognos:"), "--against (prognos:YYYY-MM)")
    if a_year != year:
        raise UsageError(f"--against {text} is not in {year}; compare with a forecast made during the year reported")
    return month
