"""Commands on investments and the annual summary: investments, summary."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from kfollow.cli.common import (BudgetsDir, ColumnsOpt, CommentsOpt, ExactOpt, DecimalsOpt, ForvaltningOpt, FormatOpt, OutputOpt, UnitOpt,
                                YearOpt, emit, latest_year, load, month_period)
from kfollow.options import Unit


class Status(str, Enum):
    pagaende = "pågående"
    fardigstalld = "färdigställd"
    avbruten = "avbruten"


def investments(
    year: YearOpt = None,
    period: Annotated[Optional[str], typer.Option(
        "--period", "-p", metavar="YYYY-MM", help="Month YYYY-MM: ack. utfall up to and including it, where the year "
        "file gives the projects' utfall per month, and the latest forecast made by then. Default: the month the year "
        "is booked to, the latest a project given per month or the drift is (as kfollow report shows it); a pågående "
        "project booked short of it is – with the sums over it.")] = None,
    status: Annotated[Optional[Status], typer.Option("--status", help="Only pågående, färdigställda or avbrutna (cancelled) projects.")] = None,
    forvaltning: ForvaltningOpt = None,
    comments: CommentsOpt = False,
    columns: ColumnsOpt = None,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    unit: UnitOpt = Unit.mnkr,
    decimals: DecimalsOpt = None,
    exact: ExactOpt = False,
    output: OutputOpt = None,
):
    """Investment projects: beslutad budget against utfall to date, the year's budget against utfall, with sums.

    Färdigställda projects, then pågående, then avbrutna (cancelled), each with its sum, then Summa investeringar.

    Deviations are budget − utfall: positive = under budget; a cancelled project's is frame left unused,
    no saving, as a note under the table says. With --period (a month-end report): the year's budget
    against ack. utfall, and Avvikelse prognos (budget − prognos) where a project has a forecast.

    \b
    Examples:
      kfollow investments --year 2024
      kfollow investments --period 2024-08
      kfollow investments --year 2024 --status pågående --forvaltning KLF --format csv
    """
    from kfollow.engine.investments import investments as investments_of

    store = load(budgets, ledger=False)
    period = month_period(period, year, latest_year(store))
    report = investments_of(store, year, status.value if status else None, forvaltning, unit.value, period=period)
    emit(report, fmt, decimals, output, comments, store, columns, exact)


def summary(
    year: YearOpt = None,
    forvaltning: Annotated[Optional[str], typer.Option(
        "--forvaltning", help="The förvaltning, e.g. KLF. Default: the first of the year file.")] = None,
    against: Annotated[Optional[str], typer.Option(
        "--against", metavar="YYYY-MM", help="Compare the deviations with the forecasts made up to this month. "
        "Default: the latest forecast month of the year.")] = None,
    columns: ColumnsOpt = None,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    unit: UnitOpt = Unit.mnkr,
    decimals: DecimalsOpt = None,
    exact: ExactOpt = False,
    output: OutputOpt = None,
):
    """The annual report's opening table: verksamhetens nettokostnader and nettoinvesteringar of one förvaltning.

    Utfall, budget, avvikelse (budget − utfall, positive = under budget) and the previous year's utfall.

    Förändring avvikelse: how far the deviation moved since a forecast (positive = better than forecast).

    \b
    Examples:
      kfollow summary --year 2024
      kfollow summary --year 2024 --forvaltning KLF --against 2024-08 --format csv
    """
    from kfollow.engine.investments import summary as summary_of

    store = load(budgets, ledger=False)
    emit(summary_of(store, year, forvaltning, against, unit.value), fmt, decimals, output, store=store,
         columns=columns, exact=exact)


def indicators(
    year: YearOpt = None,
    period: Annotated[Optional[str], typer.Option(
        "--period", "-p", help="Month YYYY-MM: the year's indicators up to and including it (a tertial's report); "
        "earlier years stay whole years.")] = None,
    forvaltning: ForvaltningOpt = None,
    columns: ColumnsOpt = None,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    unit: Annotated[Unit, typer.Option("--unit", envvar="KFOLLOW_UNIT", case_sensitive=False, help="The indicators are percentages; what each is a percent of (taljare_<year>, namnare_<year> in csv and json) is in this unit.")] = Unit.mnkr,
    decimals: DecimalsOpt = None,
    exact: ExactOpt = False,
    output: OutputOpt = None,
):
    """Nämndindikatorer of målområde ekonomi per förvaltning and year, in percent, with target and whether it is met.

    Personalkostnader/nettokostnad (needs utfall with accounts), avvikelse budget–utfall, avvikelse
    investeringsbudget–utfall; targets from the year file's `indikatorer:` (mal, riktning).

    \b
    Examples:
      kfollow indicators --year 2024
      kfollow indicators --year 2024 --forvaltning KLF --format csv
      kfollow indicators --budgets examples/budgets --period 2024-08
    """
    from kfollow.engine.indicators import indicators as indicators_of

    store = load(budgets)  # the personnel share reads the accounts: keep the rows as they are read
    period = month_period(period, year, latest_year(store))
    chosen = None if columns is None else [n.strip() for n in columns.split(",")]  # (the notes speak of their years)
    emit(indicators_of(store, year, forvaltning, period, unit=unit.value, columns=chosen), fmt, decimals, output, store=store,
         columns=columns, exact=exact)
