"""Which columns a format shows, and their values as text: one polars expression per column."""

from __future__ import annotations

import re
import string
from dataclasses import replace

import polars as pl

from kfollow.errors import UsageError, control_class
from kfollow.options import Format, Options
from kfollow.render.numbers import diagnostic_amount, diagnostic_unit, number_exprs, percent, readable_amount
from kfollow.report import EXACT, Column, Kind, Report, column
from kfollow.vocabulary import MONTHS

NUMERIC = (Kind.money, Kind.percent)
TEXT = (Kind.text, Kind.message, Kind.month)
# what a terminal or a document must never get raw: C0 (but tab and line feed), DEL, C1, bidi controls and
# marks, invisible characters (errors.control_class)
CONTROL = control_class(r"\r", polars=True)  # for polars expressions
CONTROL_RE = re.compile(control_class(r"\r"))  # the same, for one text at a time
FORMULA = r"^[ \u00a0]*[=+\-@\t\r]"  # a spreadsheet runs a cell that starts so (after spaces too: some trim them)


def neutralised(col: str) -> pl.Expr:
    """A text cell a spreadsheet would run (`=`, `+`, `-`, `@`, tab, CR first) gets a `'` first (OWASP)."""
    return pl.when(pl.col(col).str.contains(FORMULA)).then(pl.lit("'") + pl.col(col)).otherwise(pl.col(col)).alias(col)


def printable(col: str) -> pl.Expr:
    """Control and bidi characters replaced by U+FFFD: text for terminals and documents only."""
    return pl.col(col).str.replace_all(CONTROL, "\ufffd").alias(col)


def for_people(report: Report, opts: Options) -> list[Column]:
    """The columns a table for people shows: the row label first, then by default every people
    column (comments when asked for), or exactly those `opts.columns` names, in their order."""
    if opts.columns is not None:
        chosen = _chosen(report, opts.columns)
        label = [c for c in report.columns if c.name == "rubrik"]
        keys = {"stab", "verksamhet", "forvaltning", "projekt", "namn", "rubrik"} if label else set()
        if not label and report.columns and report.columns[0].kind is Kind.month:  # `months`: a row is its month
            label, keys = [report.columns[0]], {report.columns[0].name}
        elif not label:  # a table whose rows people know by their name (`status`), or by their date and
            # decision (`changes`: the sum's name stands where a decision's does)
            label = [c for c in report.columns if c.name == "namn" and c.people]
            if not label:
                label = [c for c in report.columns if c.name in ("datum", "beslut") and c.people]
            keys = {c.name for c in label}
        # (a forecast chosen without its month: the month in its header still, where there is one; found by a new user)
        return _forecast_month_in_header(report, label + [c for c in chosen if c.name not in keys], chosen=True)
    shown = [c for c in report.columns if c.people and not c.optional and (not c.comment or opts.comments)]
    return _forecast_month_in_header(report, shown)


def _forecast_month_in_header(report: Report, columns: list[Column], chosen: bool = False) -> list[Column]:
    """When every forecast in the table was made the same month (sums too), people read that month once, in
    the forecast's header (`Prognos 2024-08`), not on every row: the `prognos_period` column goes
    (csv and json keep it on each row). Columns `chosen` by name keep `prognos_period` where it is chosen,
    and the header says the month where it is not."""
    names = [c.name for c in columns]
    if "prognos" not in names or "prognos_period" not in report.frame.columns or (
            "prognos_period" in names if chosen else "prognos_period" not in names):
        return columns
    frame = report.frame
    months = frame["prognos_period"].drop_nulls().unique()
    # a sum of forecasts made in different months has a forecast but no month: the column stays
    undated = frame.filter(pl.col("prognos").is_not_null() & pl.col("prognos_period").is_null()).height
    if months.len() != 1 or undated:
        return columns
    month = months[0]
    out = []
    for c in columns:
        if c.name == "prognos_period":
            continue
        if c.name == "prognos":
            c = replace(c, header=f"Prognos {month}" if c.header == column("prognos").header else f"{c.header} {month}")
        out.append(c)
    return out


def own_headers(columns: list[Column]) -> list[str]:
    """The headers of `columns` for people, each column its own: the row label (`rubrik`) is headed as its key
    (`Stab`) alone, but `Rubrik` beside a column of that header (`--columns radtyp,stab,namn,rubrik,budget -f excel`
    headed both `Stab`, and the indicators' both `Nämndindikator`; found in review, h160)."""
    others = {c.header for c in columns if c.name != "rubrik"}
    return [column("rubrik").header if c.name == "rubrik" and c.header in others else c.header for c in columns]


def for_machines(report: Report, opts: Options) -> list[Column]:
    """The columns of csv and json: every machine column (comments when asked for, always in
    json), or exactly those `opts.columns` names, in their order."""
    if opts.columns is not None:
        return _chosen(report, opts.columns)
    return [c for c in report.columns if c.machine and not c.optional
            and (not c.comment or opts.comments or opts.format is Format.json)]


def _chosen(report: Report, names: tuple[str, ...]) -> list[Column]:
    by_name = {c.name: c for c in report.columns if c.kind is not Kind.data}
    unknown = [n for n in dict.fromkeys(names) if n not in by_name]
    if unknown:
        import difflib

        # a name made of a header people read (`prognos_helar` for Prognos helår) is that column, before a
        # name that is merely spelt alike (`prognos_period`; found by a new user)
        by_header: dict[str, str] = {}
        exact: dict[str, str] = {}  # a header typed as the table heads it, in any case (`Avvikelse %`: h152)
        for c in by_name.values():  # (the first of two headers that fold alike: Avvikelse, Avvikelse %)
            if c.header:
                by_header.setdefault(_folded(c.header), c.name)
                exact.setdefault(" ".join(c.header.split()).casefold(), c.name)

        def guess(name: str) -> str | None:
            folded = _folded(name)
            if (typed := exact.get(" ".join(name.split()).casefold())) or folded in by_name:
                return typed or folded
            headed = difflib.get_close_matches(folded, list(by_header), n=1, cutoff=0.85)
            spelt = difflib.get_close_matches(name, list(by_name), n=1)
            return by_header[headed[0]] if headed else spelt[0] if spelt else None

        guesses = {n: guess(n) for n in unknown}
        if len(unknown) == 1:
            close = guesses[unknown[0]]
            said, hint = f"{unknown[0]} is not a column", f" (did you mean '{close}'?)" if close else ""
        else:  # the headers typed as the table shows them, `Budget,Utfall,Avvikelse`: every name guessed, or each
            # that can be (a guess for the first alone, under all of them, read as a guess for them all: h152)
            said = f"{', '.join(unknown[:-1])} and {unknown[-1]} are not columns"
            if all(guesses.values()):
                hint = f" (did you mean --columns {','.join(guesses.get(n) or n for n in names)}?)"
            else:
                hint = "".join(f"; {n}: did you mean '{g}'?" for n, g in guesses.items() if g)
                hint = f" ({hint[2:]})" if hint else ""
        raise UsageError(f"--columns: {said} of this report{hint}; its columns are {', '.join(by_name)}")
    twice = [n for n in dict.fromkeys(names) if names.count(n) > 1]
    if twice:  # (a script asking for `budget,budget` got one budget column, unsaid: a known item of session 30; two of
        # them were 'utfall, budget is named more than once', and `budjet,budjet` was not told it is no column: h124)
        said = f"{twice[0]} is" if len(twice) == 1 else f"{', '.join(twice[:-1])} and {twice[-1]} are each"
        raise UsageError(f"--columns: {said} named more than once; name each column once "
                         f"(csv, Excel csv and json have exactly the columns named, in their order; xlsx and the table "
                         f"for people keep their row label first)")
    return [by_name[n] for n in names]


def _folded(text: str) -> str:
    """A header as a machine name would spell it: `Prognos helår` → `prognos_helar`."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower().translate(str.maketrans("åäöéü", "aaoeu"))).strip("_")


def as_text(report: Report, columns: list[Column], opts: Options, swedish: bool) -> pl.DataFrame:
    """The columns' values as text (null stays null), numbers in the report's unit and `opts`' decimals."""
    places = opts.places(report.unit)
    text = report.frame.select(number_exprs(report.frame, [(c.name, c.kind.value, exact_of(report, c)) for c in columns],
                                            report.unit, places, swedish, opts.exact))
    if swedish and report.months_in_words is not None:  # (a document's table: `mars`, not `2024-03`)
        text = text.with_columns(month_said(c.name, report.months_in_words) for c in columns if c.kind is Kind.month)
    for c in columns:
        if c.kind is Kind.message:
            text = text.with_columns(pl.Series(c.name, messages(report, c.name, places), dtype=pl.String))
        if swedish and c.name == "prognos_period" and "prognos" in report.frame.columns:  # (for people) a sum of
            # forecasts made in several months: `–`, as is a row without a forecast; csv and json leave it empty
            # forecasts made in several months, or none (the forecast itself `–`: blank beside it read as a
            # column left empty; found in review)
            undated = report.frame["prognos_period"].is_null()
            text = text.with_columns(pl.when(undated).then(pl.lit("–")).otherwise(pl.col(c.name)).alias(c.name))
    return text


def month_said(col: str, year: int) -> pl.Expr:
    """A month column (`2024-03`) as people say it in a document whose title gives the year `year`: `mars`, and
    `mars 2023` for a month of another year; a cell that is no month stays as it is (null stays null)."""
    value = pl.col(col).cast(pl.String)
    name = value.str.slice(5, 2).replace_strict({f"{m:02d}": said for m, said in enumerate(MONTHS, start=1)},
                                                default=None, return_dtype=pl.String)
    of_year = value.str.slice(0, 4)
    said = pl.when(of_year == str(year)).then(name).otherwise(pl.concat_str([name, pl.lit(" "), of_year]))
    return pl.when(value.str.contains(r"^\d{4}-(?:0[1-9]|1[0-2])$")).then(said).otherwise(value).alias(col)


def exact_of(report: Report, c: Column) -> str | None:
    """The exact companion of a percent column (`<name>_exakt`), when the report has one."""
    name = c.name + EXACT
    return name if c.kind is Kind.percent and name in report.frame.columns else None


class _Amount:
    """An amount in a message template: `{0:d}` exact in the file's unit (and rounded in a unit that
    shows it), `{0:u}` as the tables print it in the report's unit, but in tkr when that is mnkr and
    the amount below 1 mnkr, in kr below 1 tkr (`numbers.readable_amount`)."""

    def __init__(self, ore: int | None, enhet: str, unit: str, places: int):
        self.ore, self.enhet, self.unit, self.places = ore, enhet, unit, places

    def __format__(self, spec: str) -> str:
        if spec == "u":  # an amount below 1 mnkr in tkr: `-174 tkr`, where mnkr would say `-0,2` or `0,0`
            return readable_amount(self.ore, self.unit, self.places)
        return diagnostic_amount(self.ore, self.enhet)


def messages(report: Report, col: str, places: int) -> list[str]:
    """The message templates of `col` filled in with each row's amounts (few rows: check findings)."""
    frame = report.frame
    out = []
    for template, amounts, enhet, pct in zip(*(frame[c].to_list() for c in (col, "belopp_lista", "enhet", "pct"))):
        amounts = amounts or []
        # a message's exact amounts in one unit: where one of them is told in kr, so are the others (`13 345 kr
        # … summerar till 800 961 213,84 kr`, not `13,345 tkr` beside it; found closing a tertial)
        exact = {int(f) for _, f, spec, _ in string.Formatter().parse(template) if f and f.isdigit() and spec != "u"}
        if any(diagnostic_unit(a, enhet) != enhet for i, a in enumerate(amounts) if i in exact):
            enhet = "kr"
        args = [_Amount(a, enhet, report.unit, places) for a in amounts]
        out.append(template.format(*args, pct=_Percent(pct)))
    return out


class _Percent:
    """A percent in a message template: `{pct}` with one decimal, `{pct:2}` with two."""

    def __init__(self, value: float | None):
        self.value = value

    def __format__(self, spec: str) -> str:
        return percent(self.value, places=int(spec or 1)) or ""
