"""Commands for people's documents: report (HTML, Markdown, xlsx, Word, PDF) and chart (SVG, PNG)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from kfollow.cli.common import (BudgetsDir, DecimalsOpt, ForvaltningOpt, KontoOpt, KostnadsslagOpt, PeriodOpt, UnitOpt,
                                YearOpt, latest_year, load, month_period, note, protect)
from kfollow.errors import InputOutputError, UsageError, shown
from kfollow.options import Unit


class Kind(str, Enum):
    verksamhet = "verksamhet"
    avvikelse = "avvikelse"
    manader = "manader"


DOCUMENT_FORMATS = ("html", "md", "xlsx", "docx", "pdf")


def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="rapport.html, rapport.md (charts as SVG files "
                                         "beside it), rapport.xlsx (one sheet per table), rapport.docx (Word) "
                                         "or rapport.pdf (A4; the pdf extra).", readable=False)],
    year: YearOpt = None,
    period: PeriodOpt = None,
    forvaltning: ForvaltningOpt = None,
    stab: Annotated[Optional[list[str]], typer.Option("--stab", help="Only this stab (repeat for several): the sections per stab, the comparison and month by month.")] = None,
    verksamhet: Annotated[Optional[list[str]], typer.Option("--verksamhet", help="Only this verksamhet code (repeat for several).")] = None,
    konto: KontoOpt = None,
    kostnadsslag: KostnadsslagOpt = None,
    top: Annotated[Optional[int], typer.Option("--top", metavar="N", max=10**9, help="Rows in the section of the largest deviations: per stab and kostnadsslag where the utfall has accounts (10 unless given), else per stab, as deviation --top lists them.")] = None,
    budgets: BudgetsDir = None,
    unit: UnitOpt = Unit.mnkr,
    decimals: DecimalsOpt = None,
    gross: Annotated[bool, typer.Option("--gross", help="The stab table with its varav kostnader / varav intäkter "
                                        "lines, as the annual report's Resultat table.")] = False,
    mall: Annotated[Optional[Path], typer.Option("--mall", metavar="MALL.docx", help="For -o .docx: start from the "
                                                 "kommun's Word template (its styles, page setup, headers and logo).", readable=False)] = None,
):
    """The economy section of a monthly report or verksamhetsberättelse, as one document.

    The summary (for a year being booked: the year-to-date result per förvaltning), the
    deviation per stab with each row's comment, per verksamhet, the comparison with the previous
    year, investments, the forecast follow-up, month by month, the nämndindikatorer (when the year file
    has targets), the notes, and a footer naming the source files with their git revision, the ERP
    export and the last booked period. Where the utfall has accounts: the deviation per stab and
    kostnadsslag and the largest of them. --stab, --verksamhet, --konto and --kostnadsslag narrow
    the sections that can be narrowed and leave out the others.
    Charts need the charts extra (pip install 'kfollow[charts]'); without it they are left out.

    \b
    Examples:
      kfollow report --year 2024 -o rapport.html
      kfollow report --year 2024 --gross -o verksamhetsberattelse.html
      kfollow report --budgets examples/budgets --period 2024-08 --forvaltning KSF -o rapport.md
      kfollow report --budgets examples/budgets --period 2024-10 --stab EKO -o eko.html
      kfollow report --year 2024 --mall kommunens-mall.docx -o verksamhetsberattelse.docx
      kfollow report --year 2024 -o verksamhetsberattelse.pdf
    """
    from kfollow.engine.document import economy
    from kfollow.options import Format, Options
    from kfollow.render import document
    from kfollow.render.writer import File, write, write_files

    kind = output.suffix.lower().lstrip(".")
    if kind not in DOCUMENT_FORMATS:
        raise UsageError(f"-o {shown(str(output))}: a report is .html, .md, .xlsx, .docx or .pdf")
    if mall is not None and kind != "docx":
        raise UsageError(f"--mall is a Word template: use it with -o {shown(str(output.with_suffix('.docx')))}")
    if mall is not None and not mall.is_file():
        raise InputOutputError(f"--mall {shown(str(mall))}: no such file; give the path of the kommun's .docx template")
    if kind == "pdf":  # without the pdf extra: this error, before any work
        from kfollow.render.pdf import require

        require()
    store = load(budgets)
    protect(output, store.directory, [*store.files, *([str(mall)] if mall else [])])
    if top is not None and top < 1:
        raise UsageError(f"--top {top}: give a number of rows, 1 or more")
    period = month_period(period, year, latest_year(store))
    doc = economy(store, year, period, forvaltning, unit.value, stab, verksamhet, konto, kostnadsslag, top, gross)
    # what the sections' commands say on stderr (a forecast in the wrong unit, a month missing), once each: a
    # month-end script catches it before the document goes out (found by a new user: none was said)
    for message in doc.messages:
        note(message)
    opts = Options(Format.md if kind == "md" else Format.table, decimals)
    # an xlsx workbook is its tables alone (README: "without charts"): no advice to install what adds nothing to it
    charts = kind != "xlsx" and _charts_available(doc)
    if kind == "pdf":
        from kfollow.render.pdf import to_pdf

        write(to_pdf(doc, opts, charts=charts), output)
    elif kind == "html":
        write(document.to_html(doc, opts, charts=charts), output)
    elif kind == "docx":
        from kfollow.render.docx import to_docx

        data, notices = to_docx(doc, Options(Format.docx, decimals), charts=charts, template=mall)
        write(data, output)
        for message in notices:
            note(message)
    elif kind == "xlsx":
        notices: list[str] = []  # a text longer than a cell is cut: said on stderr
        write(document.to_workbook(doc, Options(Format.xlsx, decimals), notices), output)
        for message in notices:
            note(message)
    else:
        text, files = document.to_markdown(doc, opts, output.stem if charts else None)
        # the charts and the page as one set, the page last: never new charts beside an old page
        write_files([File(output.parent / name, data, beside=output) for name, data in files.items()]
                    + [File(output, text)], reads=store.files)
    note(f"wrote {output}" + (f" and {len(files)} chart file(s) beside it" if kind == "md" and files else ""))


def _charts_available(doc) -> bool:
    if not any(s.chart for s in doc.sections):
        return False
    from kfollow.render.charts import config_folder

    config_folder()
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        note("charts left out: they need matplotlib (pip install 'kfollow[charts]'; in a checkout '.[charts]')")
        return False
    return True


def chart(
    kind: Annotated[Kind, typer.Argument(metavar="KIND", help="verksamhet: utfall per verksamhet, this year against the previous; "
                                         "avvikelse: deviation per stab; manader: accumulated budget and utfall "
                                         "month by month.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="FILE.svg or FILE.png.", readable=False)],
    year: YearOpt = None,
    period: Annotated[Optional[str], typer.Option(
        "--period", "-p", help="Month YYYY-MM, or 1–12 for that month of --year (or the latest year): verksamhet, "
        "avvikelse: year-to-date budget and utfall up to and including it, and the latest forecast; manader: the months "
        "up to and including it (without it, every booked month).")] = None,
    forvaltning: ForvaltningOpt = None,
    stab: Annotated[Optional[list[str]], typer.Option("--stab", help="Only this stab (avvikelse, manader).")] = None,
    budgets: BudgetsDir = None,
    unit: UnitOpt = Unit.mnkr,
):
    """Draw a chart of the budgets: SVG (text kept as text) or PNG, the same bytes every run.

    \b
    Examples:
      kfollow chart verksamhet --year 2024 -o verksamhet.svg
      kfollow chart avvikelse --budgets examples/budgets --period 2024-08 --forvaltning KSF -o avvikelse.png
      kfollow chart manader --budgets examples/budgets --year 2024 --stab EKO -o manader.svg
      kfollow chart manader --budgets examples/budgets --period 2024-08 -o manader-tertial-2.svg
    """
    from kfollow.engine import operations, selection
    # the period in the report's words, as its charts say it (`januari–oktober 2024`; the chart's title said the
    # terminal's `2024-10 (ack.)`: found in review, h102)
    from kfollow.engine.document import for_reading
    from kfollow.engine.periods import nothing_booked
    from kfollow.render import charts
    from kfollow.render.writer import write

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise UsageError(f"-o {shown(str(output))}: a chart is .svg or .png")
    store = load(budgets)
    protect(output, store.directory, store.files)
    period = month_period(period, year, latest_year(store))
    if kind is Kind.verksamhet:
        if stab:
            raise UsageError("--stab: the verksamhet chart is per verksamhet; use --forvaltning")
        p = selection.period(store, year, period)
        try:
            report = operations.compare(store, p.year - 1, p.year, "verksamhet", forvaltning, p.month, unit=unit.value)
        except UsageError as err:  # the advice of `compare` (--by stab) is no option of `chart`
            if not err.message.endswith("(--by stab)"):
                raise
            if nothing_booked(store, p.year):  # chart avvikelse has no bar to draw yet (it was advised; found in
                # review, h148)
                raise UsageError(err.message.removesuffix(", or look per stab (--by stab)") + f"; nothing is booked "
                                 f"for {p.year} yet: kfollow chart manader draws the budget month by month") from None
            raise UsageError(err.message.removesuffix("(--by stab)") + "(kfollow chart avvikelse)") from None
        data = charts.chart_verksamhet(for_reading(store, report), fmt)
    elif kind is Kind.avvikelse:
        report = operations.deviation(store, year, period, "stab", forvaltning, stab, unit=unit.value)
        data = charts.chart_avvikelse(for_reading(store, report), fmt)
    else:
        report = operations.months(store, year, forvaltning, stab, unit=unit.value, period=period)
        data = charts.chart_manader(for_reading(store, report), fmt)
    for message in report.messages:
        note(message)
    write(data, output)
    # as `report -o` notes what it wrote (a chart said nothing; found in review, h154); KFOLLOW_QUIET leaves it out
    note(f"wrote {output}")
