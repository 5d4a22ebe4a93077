"""The `kfollow` command: parse options → load → report → render. Nothing else happens here."""

from __future__ import annotations

from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from kfollow.errors import ExitStatus, KfollowError
from kfollow.options import BudgetMode, By, Format, Options, Unit

app = typer.Typer(
    help="Budget follow-up for a Swedish kommun: budget against utfall per stab and verksamhet, from YAML files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help text: no boxes, no colour
)

BudgetsDir = Annotated[Optional[Path], typer.Option(
    "--budgets", envvar="KFOLLOW_BUDGETS", show_envvar=True,
    help="Folder of year files (YYYY.yaml). [default: ./budgets]")]
FormatOpt = Annotated[Optional[Format], typer.Option(
    "--format", "-f", help="table (for people), csv or json (for scripts), md (Markdown), excel (CSV for Swedish Excel: semicolon, decimal comma, BOM). [default: table, or from -o's extension]")]
UnitOpt = Annotated[Unit, typer.Option("--unit", help="Unit of the amounts shown.")]
DecimalsOpt = Annotated[Optional[int], typer.Option(
    "--decimals", min=0, max=6, help="Decimals of the amounts. [default: 1 for mnkr, 0 for tkr and kr]")]
OutputOpt = Annotated[Optional[Path], typer.Option(
    "--output", "-o", help="Write to FILE instead of stdout (nothing is written on error).")]
ForvaltningOpt = Annotated[Optional[list[str]], typer.Option(
    "--forvaltning", help="Only this förvaltning (repeat for several), e.g. KLF.")]
ByOpt = Annotated[By, typer.Option("--by", help="Rows per stab, verksamhet (SCB code) or förvaltning.")]
CommentsOpt = Annotated[bool, typer.Option("--comments", help="Show each row's kommentar (always in JSON).")]


class SortKey(str, Enum):
    file = "file"
    change = "change"


@contextmanager
def _errors():
    """The one error boundary: a KfollowError becomes `Error: …` on stderr and its exit status."""
    try:
        yield
    except KfollowError as err:
        typer.echo(f"Error: {err.message}", err=True)
        raise typer.Exit(int(err.status)) from None


def _load(budgets: Path | None):
    from kfollow.model import default_directory, load_budgets

    return load_budgets(budgets or default_directory())


def _emit(frame, fmt: Format | None, unit: Unit, decimals: int | None, output: Path | None,
          comments: bool = False, title: str | None = None) -> None:
    from kfollow import render

    opts = Options(render.format_for(output, fmt), unit, decimals, comments, title)
    render.write(render.render(frame, opts), output)


def _unit_title(unit: Unit) -> str:
    return f"belopp i {unit.value}"


BY_TITLE = {By.stab: "stab", By.verksamhet: "verksamhet", By.forvaltning: "förvaltning"}


PeriodOpt = Annotated[Optional[str], typer.Option(
    "--period", "-p", help="Month YYYY-MM: year-to-date budget and utfall up to and including it, and the latest forecast.")]


def _year_and_period(data, year: int | None, period: str | None) -> tuple[int, int | None]:
    from kfollow.errors import UsageError
    from kfollow.periods import parse_period

    if period is None:
        return year or max(data.years), None
    p_year, month = parse_period(period)
    if year is not None and year != p_year:
        raise UsageError(f"--period {period} is not in --year {year}; give one of them")
    return p_year, month


def _against(text: str | None, year: int) -> int | None:
    from kfollow.errors import UsageError
    from kfollow.periods import parse_period

    if text is None:
        return None
    a_year, month = parse_period(text.removeprefix("prognos:"), "--against")
    if a_year != year:
        raise UsageError(f"--against {text} is not in {year}; compare with a forecast made during the year reported")
    return month


@app.command()
def deviation(
    year: Annotated[Optional[int], typer.Option("--year", "-y", help="Budget year. [default: the latest year]")] = None,
    period: PeriodOpt = None,
    by: ByOpt = By.stab,
    forvaltning: ForvaltningOpt = None,
    stab: Annotated[Optional[list[str]], typer.Option("--stab", help="Only this stab id (repeat for several), e.g. EKS.")] = None,
    budget: Annotated[BudgetMode, typer.Option("--budget", help="justerad: with the budget changes decided up to the period; original: as first decided.")] = BudgetMode.justerad,
    against: Annotated[Optional[str], typer.Option("--against", metavar="prognos:YYYY-MM", help="Show how the deviation moved since the forecast made that month.")] = None,
    gross: Annotated[bool, typer.Option("--gross", help="Add the varav kostnader / varav intäkter lines.")] = False,
    fail_over: Annotated[Optional[str], typer.Option("--fail-over", metavar="AMOUNT|PCT", help="Exit 1 when a row's avvikelse is beyond this, e.g. 5 (in --unit), 500tkr or 3%. The table is still printed.")] = None,
    comments: CommentsOpt = False,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    unit: UnitOpt = Unit.mnkr,
    decimals: DecimalsOpt = None,
    output: OutputOpt = None,
):
    """Budget against utfall: avvikelse (budget − utfall, positive = överskott), %, andel, föregående år.

    \b
    Examples:
      kfollow deviation --year 2024 --by verksamhet --forvaltning KLF --format csv
      kfollow deviation --period 2024-08 --comments --fail-over 3%
      kfollow deviation --year 2024 --forvaltning KLF --against prognos:2024-08
    """
    from kfollow.periods import last_month_booked
    from kfollow.reports import deviation_report
    from kfollow.thresholds import parse_limit, rows_beyond

    with _errors():
        limit = parse_limit(fail_over, unit.value, "--fail-over") if fail_over else None
        data = _load(budgets)
        year, month = _year_and_period(data, year, period)
        frame = deviation_report(data, year, by, forvaltning, gross=gross, staber=stab, period=month,
                                 budget=budget, against=_against(against, year))
        booked = last_month_booked(data, year)
        if month is None and booked is not None and booked < 12:
            typer.echo(f"note: utfall {year} is booked up to {year}-{booked:02d}; the budget is the whole year's "
                       f"(use --period {year}-{booked:02d} for year-to-date)", err=True)
        when = f"{year}-{month:02d} (ack.)" if month else str(year)
        _emit(frame, fmt, unit, decimals, output, comments,
              f"Resultat {when} per {BY_TITLE[by]}, {_unit_title(unit)}" + (", ursprunglig budget" if budget is BudgetMode.original else ""))
        if limit is not None:
            _report_limit(rows_beyond(frame, limit), limit, "--fail-over", unit, decimals)


def _report_limit(rows, limit, option: str, unit: Unit, decimals: int | None) -> None:
    """List the rows beyond a limit on stderr and exit 1 (CHECK_FAILED) if there are any."""
    from kfollow.render import money, percent

    if rows.is_empty():
        return
    opts = Options(unit=unit, decimals=decimals)
    for r in rows.iter_rows(named=True):
        pct = percent(r["avvikelse_pct"], True)
        typer.echo(f"{option} {limit.text}: {r['namn']} avvikelse {money(r['avvikelse'], opts, True)} {unit.value}"
                   f"{f' ({pct} %)' if pct else ''}", err=True)
    raise typer.Exit(int(ExitStatus.CHECK_FAILED))


@app.command()
def compare(
    base_year: Annotated[int, typer.Argument(help="The earlier year, e.g. 2023.")],
    year: Annotated[int, typer.Argument(help="The later year, e.g. 2024.")],
    by: ByOpt = By.stab,
    forvaltning: ForvaltningOpt = None,
    sort: Annotated[SortKey, typer.Option("--sort", help="file: as in the budget file; change: biggest movers first.")] = SortKey.file,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    unit: UnitOpt = Unit.mnkr,
    decimals: DecimalsOpt = None,
    output: OutputOpt = None,
):
    """Utfall of two years side by side: change in amount and in % (empty when the base is ≤ 0), shares.

    Example: kfollow compare 2023 2024 --by verksamhet --forvaltning KLF --sort change
    """
    from kfollow.reports import compare_report, sort_by_change

    with _errors():
        data = _load(budgets)
        frame = compare_report(data, base_year, year, by, forvaltning)
        if sort is SortKey.change:
            frame = sort_by_change(frame)
        _emit(frame, fmt, unit, decimals, output,
              title=f"Utfall {base_year} och {year} per {BY_TITLE[by]}, {_unit_title(unit)}")


@app.command()
def changes(
    year: Annotated[Optional[int], typer.Option("--year", "-y", help="Budget year. [default: the latest year]")] = None,
    forvaltning: ForvaltningOpt = None,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    unit: UnitOpt = Unit.mnkr,
    decimals: DecimalsOpt = None,
    output: OutputOpt = None,
):
    """List the year's budget changes (ombudgeteringar): date, decision, stab, verksamhet, amount.

    Example: kfollow changes --year 2024 --unit tkr
    """
    from kfollow.reports import budget_changes_report

    with _errors():
        data = _load(budgets)
        year = year or max(data.years)
        frame = budget_changes_report(data, year, forvaltning)
        _emit(frame, fmt, unit, decimals, output, title=f"Ombudgeteringar {year}, {_unit_title(unit)}")


@app.command()
def check(
    period: PeriodOpt = None,
    require_comment_over: Annotated[Optional[str], typer.Option(
        "--require-comment-over", metavar="AMOUNT|PCT",
        help="Fail when a stab's avvikelse (year-to-date with --period) is beyond this and it has no kommentar for the period.")] = None,
    by: Annotated[By, typer.Option("--by", help="With --require-comment-over: the rows that need comments, staber or verksamheter.")] = By.stab,
    unit: UnitOpt = Unit.mnkr,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
):
    """Validate every year file and reconcile its totals (staber, verksamheter, summa, gross, investments).

    Prints one finding a line as FILE:LINE: fel|varning: message. Exit 0 when there are only
    warnings, 1 when a total does not reconcile or a comment is missing, 3 when a file cannot be
    read as a budget.

    \b
    Examples:
      kfollow check
      kfollow check --period 2024-08 --require-comment-over 5%
    """
    from kfollow import render
    from kfollow.checks import check_report
    from kfollow.model import default_directory
    from kfollow.thresholds import parse_limit

    with _errors():
        limit = parse_limit(require_comment_over, unit.value, "--require-comment-over") if require_comment_over else None
        directory = str(budgets or default_directory())
        findings, broken = check_report(directory, period=period, comment_limit=limit, unit=unit, by=by)
        fmt = render.format_for(output, fmt)
        if fmt is Format.table:
            text = "".join(f"{r['fil']}:{r['rad'] if r['rad'] is not None else ''}: {r['niva']}: {r['meddelande']}\n"
                           for r in findings.iter_rows(named=True))
        else:
            text = render.render(findings, Options(fmt))
        render.write(text, output)
        errors = findings.filter(findings["niva"] == "fel").height
        warnings = findings.height - errors
        typer.echo(f"check: {directory}: {errors} error(s), {warnings} warning(s)", err=True)
        if broken:
            raise typer.Exit(int(ExitStatus.DATA))
        if errors:
            raise typer.Exit(int(ExitStatus.CHECK_FAILED))


def main() -> None:
    app(prog_name="kfollow")


# investments and summary live in their own module
from kfollow import cli_investments  # noqa: E402
