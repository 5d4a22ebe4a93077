"""Commands on operations (drift): deviation, months, compare, changes, check."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from kfollow.cli.common import (BudgetsDir, ByOpt, CutOpt, KontoOpt, KostnadsslagOpt, ColumnsOpt, CostsNegativeOpt, ExactOpt, CommentsOpt, DecimalsOpt, ForvaltningOpt, FormatOpt, OutputOpt,
                                PeriodOpt, UnitOpt, YearOpt, emit, fail, latest_file_year, latest_year, load,
                                month_period, note, protect, quiet, say)
from kfollow.errors import ExitStatus, shown
from kfollow.options import BudgetMode, By, Format, Options, Unit, by_account, ledger_grain

StabOpt = Annotated[Optional[list[str]], typer.Option("--stab", help="Only this stab id (repeat for several), e.g. EKS.")]
VerksamhetOpt = Annotated[Optional[list[str]], typer.Option(
    "--verksamhet", help="Only this verksamhet code (repeat for several), e.g. 920; with --by verksamhet.")]


MonthsVerksamhetOpt = Annotated[Optional[list[str]], typer.Option(
    "--verksamhet", help="Only this verksamhet code (repeat for several), e.g. 920: its months instead of a stab's.")]
MonthsPeriodOpt = Annotated[Optional[str], typer.Option(
    "--period", "-p", help="Month YYYY-MM, or 1–12 for that month of --year (or the latest year): the months up to and "
                         "including it, and year to date to it (without it, every booked month).")]


class SortKey(str, Enum):
    file = "file"
    change = "change"


def deviation(
    year: YearOpt = None,
    period: PeriodOpt = None,
    by: CutOpt = "stab",
    forvaltning: ForvaltningOpt = None,
    stab: StabOpt = None,
    verksamhet: VerksamhetOpt = None,
    konto: KontoOpt = None,
    kostnadsslag: KostnadsslagOpt = None,
    top: Annotated[Optional[int], typer.Option("--top", metavar="N", max=10**9, help="Only the N largest deviations (absolute value) at the finest grain, largest first: what to explain.")] = None,
    budget: Annotated[BudgetMode, typer.Option("--budget", help="justerad: with the budget changes decided up to the period; original: as first decided.")] = BudgetMode.justerad,
    against: Annotated[Optional[str], typer.Option("--against", metavar="prognos:YYYY-MM", help="Show how the deviation moved since the forecast made that month.")] = None,
    gross: Annotated[bool, typer.Option("--gross", help="Add the varav kostnader / varav intäkter lines.")] = False,
    fail_over: Annotated[Optional[list[str]], typer.Option("--fail-over", metavar="AMOUNT|PCT", help="Exit 1 when a row's avvikelse is beyond this, e.g. 5 (in --unit), 500tkr or 3%. Repeat to combine: a row counts when it is beyond every limit (--fail-over 5% --fail-over 200tkr). The table is still printed.")] = None,
    comments: CommentsOpt = False,
    costs_negative: CostsNegativeOpt = False,
    columns: ColumnsOpt = None,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    unit: UnitOpt = Unit.mnkr,
    decimals: DecimalsOpt = None,
    exact: ExactOpt = False,
    output: OutputOpt = None,
):
    """Budget against utfall: avvikelse (budget − utfall, positive = överskott), %, andel, föregående år.

    \b
    Examples:
      kfollow deviation --year 2024 --by verksamhet --forvaltning KLF --format csv
      kfollow deviation --budgets examples/budgets --period 2024-08 --comments --fail-over 3%
      kfollow deviation --year 2024 --forvaltning KLF --against prognos:2024-08
      kfollow deviation --budgets examples/sie/budgets --period 2024-10 --by stab,kostnadsslag --top 10
    """
    from kfollow.engine.operations import deviation as deviation_of

    limit = None
    if fail_over:  # (imported only when asked for)
        from kfollow.engine.thresholds import parse_limits

        limit = parse_limits(fail_over, unit.value, "--fail-over")
    store = load(budgets, ledger=ledger_grain(by, konto, kostnadsslag, stab, verksamhet, period))
    period = month_period(period, year, latest_year(store))
    report = deviation_of(store, year, period, by, forvaltning, stab, budget, against, gross, unit.value, costs_negative,
                          konto, kostnadsslag, top, verksamhet)
    emit(report, fmt, decimals, output, comments, store, columns, exact)
    if limit is not None:
        from kfollow.engine.thresholds import rows_beyond

        if top is not None:  # the gate is the whole table's, rows and parts named as there: --top only lists
            report = deviation_of(store, year, period, by, forvaltning, stab, budget, against, gross, unit.value,
                                  costs_negative, konto, kostnadsslag, None, verksamhet)
        _report_limit(rows_beyond(report.frame, limit), limit, "--fail-over", unit, decimals)


def _report_limit(rows, limit, option: str, unit: Unit, decimals: int | None) -> None:
    """List the rows beyond a limit on stderr, one Swedish sentence each, and exit 1 (CHECK_FAILED) if
    there are any: `--fail-over 3%: avvikelsen för HR-stab är -183 tkr (-1,0 %), över gränsen`."""
    from kfollow.engine.thresholds import limit_percents, places_beyond
    from kfollow.render.numbers import amount_beyond, percent

    if rows.is_empty():
        return
    places = Options(decimals=decimals).places(unit.value)
    for r in rows.iter_rows(named=True):
        exact = r.get("avvikelse_pct_exakt")  # rounded as the table, with the decimals that show it beyond the limit
        pct = percent(r["avvikelse_pct"], exact=exact, places=places_beyond(r["avvikelse_pct"], limit_percents(limit), exact))
        # below 1 mnkr in tkr, as check says it; finer where rounding would show it no larger than the limit
        amount = amount_beyond(r["avvikelse"], unit.value, places,
                               [p.ore for p in getattr(limit, "parts", (limit,)) if p.ore is not None])
        say(f"{option} {shown(limit.text)}: avvikelsen för {shown(r['namn'])} är {amount}"
                   f"{f' ({pct} %)' if pct else ''}, över gränsen")
    fail(ExitStatus.CHECK_FAILED)


def compare(
    base_year: Annotated[int, typer.Argument(metavar="BASE_YEAR", help="The earlier year, e.g. 2023.")],
    year: Annotated[int, typer.Argument(metavar="YEAR", help="The later year, e.g. 2024.")],
    by: CutOpt = "stab",
    forvaltning: ForvaltningOpt = None,
    stab: StabOpt = None,
    verksamhet: VerksamhetOpt = None,
    konto: KontoOpt = None,
    kostnadsslag: KostnadsslagOpt = None,
    sort: Annotated[SortKey, typer.Option("--sort", help="file: as in the budget file; change: biggest movers first.")] = SortKey.file,
    top: Annotated[Optional[int], typer.Option("--top", metavar="N", max=10**9, help="Only the N largest changes (absolute value) at the finest grain, largest first.")] = None,
    period: Annotated[Optional[str], typer.Option(
        "--period", "-p", help="Month YYYY-MM (or 1–12) of the later year: both years up to and including that month. "
        "[default: the whole years, or the later year's last booked month while it is being booked]")] = None,
    costs_negative: CostsNegativeOpt = False,
    columns: ColumnsOpt = None,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    unit: UnitOpt = Unit.mnkr,
    decimals: DecimalsOpt = None,
    exact: ExactOpt = False,
    output: OutputOpt = None,
):
    """Utfall of two years side by side: change in amount and in % (empty when the base is ≤ 0), shares.

    \b
    Examples:
      kfollow compare 2023 2024 --by verksamhet --forvaltning KLF --sort change
      kfollow compare 2023 2024 --budgets examples/sie/budgets --by stab,kostnadsslag --forvaltning KSF
      kfollow compare 2023 2024 --budgets examples/sie/budgets --by stab,kostnadsslag --top 5
    """
    from kfollow.engine.operations import compare as compare_of

    store = load(budgets, ledger=ledger_grain(by, konto, kostnadsslag, stab, verksamhet, period))
    period = month_period(period, year, latest_year(store))
    report = compare_of(store, base_year, year, by, forvaltning, period, sort.value, unit.value, costs_negative,
                        stab, verksamhet, konto, kostnadsslag, top)
    emit(report, fmt, decimals, output, store=store, columns=columns, exact=exact)


def months(
    year: YearOpt = None,
    period: MonthsPeriodOpt = None,
    forvaltning: ForvaltningOpt = None,
    stab: StabOpt = None,
    verksamhet: MonthsVerksamhetOpt = None,
    konto: KontoOpt = None,
    kostnadsslag: KostnadsslagOpt = None,
    costs_negative: CostsNegativeOpt = False,
    columns: ColumnsOpt = None,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    unit: UnitOpt = Unit.mnkr,
    decimals: DecimalsOpt = None,
    exact: ExactOpt = False,
    output: OutputOpt = None,
):
    """Month by month: each month's budget (by profile) and utfall, and year to date, for a total.

    \b
    Examples:
      kfollow months --budgets examples/budgets --year 2024 --forvaltning KSF
      kfollow months --budgets examples/budgets --stab EKO --format csv
      kfollow months --budgets examples/budgets --period 2024-08
      kfollow months --budgets examples/sie/budgets --forvaltning KSF --kostnadsslag personal
    """
    from kfollow.engine.operations import months as months_of

    store = load(budgets, ledger=by_account(None, konto, kostnadsslag))
    period = month_period(period, year, latest_year(store))
    emit(months_of(store, year, forvaltning, stab, unit.value, costs_negative, period, verksamheter=verksamhet,
                   konto=konto, kostnadsslag=kostnadsslag), fmt, decimals, output, store=store,
         columns=columns, exact=exact)


def changes(
    year: YearOpt = None,
    forvaltning: ForvaltningOpt = None,
    columns: ColumnsOpt = None,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    unit: UnitOpt = Unit.mnkr,
    decimals: DecimalsOpt = None,
    exact: ExactOpt = False,
    output: OutputOpt = None,
):
    """List the year's budget changes (ombudgeteringar): date, decision, stab, verksamhet, amount.

    Example: kfollow changes --year 2024 --unit tkr
    """
    from kfollow.engine.operations import changes as changes_of

    store = load(budgets, ledger=False)
    emit(changes_of(store, year, forvaltning, unit.value), fmt, decimals, output, store=store, columns=columns,
         exact=exact)


def check(
    period: PeriodOpt = None,
    require_comment_over: Annotated[Optional[list[str]], typer.Option(
        "--require-comment-over", metavar="AMOUNT|PCT",
        help="Fail when a row's avvikelse (a stab's, or see --by; year-to-date with --period) is beyond this and it has no "
             "kommentar for the period. "
             "Repeat to combine: beyond every limit (--require-comment-over 5% --require-comment-over 200tkr).")] = None,
    by: Annotated[By, typer.Option("--by", help="With --require-comment-over: the rows that need comments: staber, verksamheter or förvaltningar.")] = By.stab,
    unit: UnitOpt = Unit.mnkr,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
):
    """Validate every year file and reconcile its totals (staber, verksamheter, summa, gross, investments).

    Prints one finding a line as FILE:LINE[:COLUMN]: fel|varning: message. Exit 0 when there are only
    warnings, 1 when a total does not reconcile or a comment is missing, 2 for a wrong option (a --period
    the year has no months of), 3 when a file is malformed, 4 when one cannot be read (not a regular file,
    no permission).

    \b
    Examples:
      kfollow check
      kfollow check --budgets examples/budgets --period 2024-08 --require-comment-over 5%
    """
    from kfollow import render
    from kfollow.engine.checks import check as check_of
    from kfollow.engine.thresholds import parse_limits
    from kfollow.render.text import to_findings
    from kfollow.sources.year_file import default_directory

    limit = parse_limits(require_comment_over, unit.value, "--require-comment-over") if require_comment_over else None
    directory = str(budgets or default_directory())
    protect(output, directory, [])
    period = month_period(period, None, lambda: latest_file_year(directory))
    report, broken = check_of(directory, period=period, comment_limit=limit, by=by, unit=unit.value)
    for message in report.messages:  # (a .yaml of the folder that is not a year file)
        note(message)
    protect(output, directory, list(report.sources))
    fmt = render.format_for(output, fmt)
    if fmt is Format.docx:  # a document for people: the period in words, as every other Word document says it
        # (`Kontroll av årsfilerna, augusti 2024`; it said `2024-08`: found by an ekonom, h123)
        from dataclasses import replace

        from kfollow.engine.document import in_words

        report = replace(report, title=in_words(report.title))
    text = to_findings(report, Options(fmt)) if fmt is Format.table else render.render(report, Options(fmt))
    render.write(text, output)
    findings = report.frame
    n_errors = findings.filter(findings["niva"] == "fel").height
    if findings.height or not quiet():
        say(f"check: {shown(directory)}: {n_errors} error(s), {findings.height - n_errors} warning(s)")
    if broken is not None:
        fail(broken)
    if n_errors:
        fail(ExitStatus.CHECK_FAILED)
