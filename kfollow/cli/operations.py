"""Commands on operations (drift): deviation, months, compare, changes, check."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from kfollow.cli.common import (BY_TITLE, BudgetsDir, ByOpt, CommentsOpt, DecimalsOpt, ForvaltningOpt, FormatOpt,
                                OutputOpt, PeriodOpt, UnitOpt, YearOpt, against_month, emit, errors, fail, load,
                                note, unit_title, year_and_period, year_or_latest)
from kfollow.errors import ExitStatus
from kfollow.options import BudgetMode, By, Format, Options, Unit


MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december"]


class SortKey(str, Enum):
    file = "file"
    change = "change"


def deviation(
    year: YearOpt = None,
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
    from kfollow.engine.periods import last_month_booked
    from kfollow.engine.operations import deviation_report
    from kfollow.engine.thresholds import parse_limit, rows_beyond

    with errors():
        limit = parse_limit(fail_over, unit.value, "--fail-over") if fail_over else None
        data = load(budgets)
        year, month = year_and_period(data, year, period)
        frame = deviation_report(data, year, by, forvaltning, gross=gross, staber=stab, period=month,
                                 budget=budget, against=against_month(against, year))
        if month is not None and month < 12 and year - 1 in data.years and last_month_booked(data, year - 1) is None:
            note(f"utfall {year - 1} is given for the whole year only, so the same months of {year - 1} are not known")
        when = f"{year}-{month:02d} (ack.)" if month else str(year)
        original = ", ursprunglig budget" if budget is BudgetMode.original else ""
        emit(frame, fmt, unit, decimals, output, comments,
             f"Resultat {when} per {BY_TITLE[by]}, {unit_title(unit)}{original}")
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
    fail(ExitStatus.CHECK_FAILED)


def compare(
    base_year: Annotated[int, typer.Argument(help="The earlier year, e.g. 2023.")],
    year: Annotated[int, typer.Argument(help="The later year, e.g. 2024.")],
    by: ByOpt = By.stab,
    forvaltning: ForvaltningOpt = None,
    sort: Annotated[SortKey, typer.Option("--sort", help="file: as in the budget file; change: biggest movers first.")] = SortKey.file,
    period: Annotated[Optional[str], typer.Option(
        "--period", "-p", help="Month YYYY-MM of the later year: both years up to and including that month. "
        "[default: the whole years, or the later year's last booked month while it is being booked]")] = None,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    unit: UnitOpt = Unit.mnkr,
    decimals: DecimalsOpt = None,
    output: OutputOpt = None,
):
    """Utfall of two years side by side: change in amount and in % (empty when the base is ≤ 0), shares.

    Example: kfollow compare 2023 2024 --by verksamhet --forvaltning KLF --sort change
    """
    from kfollow.engine.operations import compare_report, sort_by_change

    with errors():
        data = load(budgets)
        year, month = year_and_period(data, year, period)
        frame = compare_report(data, base_year, year, by, forvaltning, period=month)
        if sort is SortKey.change:
            frame = sort_by_change(frame)
        emit(frame, fmt, unit, decimals, output,
             title=f"Utfall {base_year} och {year}{f', januari–{MONTHS[month - 1]}' if month else ''} per "
                   f"{BY_TITLE[by]}, {unit_title(unit)}")


def months(
    year: YearOpt = None,
    forvaltning: ForvaltningOpt = None,
    stab: Annotated[Optional[list[str]], typer.Option("--stab", help="Only this stab id (repeat for several), e.g. EKS.")] = None,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    unit: UnitOpt = Unit.mnkr,
    decimals: DecimalsOpt = None,
    output: OutputOpt = None,
):
    """Month by month: each month's budget (by profile) and utfall, and year to date, for a total.

    \b
    Examples:
      kfollow months --year 2024 --forvaltning KSF
      kfollow months --stab EKO --format csv
    """
    from kfollow.engine.operations import months_report

    with errors():
        data = load(budgets)
        year = year_or_latest(data, year)
        frame = months_report(data, year, forvaltning, stab)
        which = ", ".join(stab or forvaltning or []) or "alla förvaltningar"
        emit(frame, fmt, unit, decimals, output, title=f"Månad för månad {year}, {which}, {unit_title(unit)}")


def changes(
    year: YearOpt = None,
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
    from kfollow.engine.operations import budget_changes_report

    with errors():
        data = load(budgets)
        year = year_or_latest(data, year)
        frame = budget_changes_report(data, year, forvaltning)
        emit(frame, fmt, unit, decimals, output, title=f"Ombudgeteringar {year}, {unit_title(unit)}")


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
    from kfollow.engine.checks import check_report
    from kfollow.sources.year_file import default_directory
    from kfollow.engine.thresholds import parse_limit

    with errors():
        limit = parse_limit(require_comment_over, unit.value, "--require-comment-over") if require_comment_over else None
        directory = str(budgets or default_directory())
        findings, broken = check_report(directory, period=period, comment_limit=limit, unit=unit, by=by)
        fmt = render.format_for(output, fmt)
        text = render.to_findings(findings) if fmt is Format.table else render.render(findings, Options(fmt))
        render.write(text, output)
        n_errors = findings.filter(findings["niva"] == "fel").height
        typer.echo(f"check: {directory}: {n_errors} error(s), {findings.height - n_errors} warning(s)", err=True)
        if broken:
            fail(ExitStatus.DATA)
        if n_errors:
            fail(ExitStatus.CHECK_FAILED)
