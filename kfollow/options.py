"""Choices shared by the command line and the library; light to import (no polars)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

ORE_PER_UNIT = {"kr": 100, "tkr": 100_000, "mnkr": 100_000_000}
ORIGIN_SUFFIX = ".kalla.json"  # beside a fact table: the export `kfollow import` made it from
MAX_ORE = 10**15  # an amount: 10 000 billion kr, far beyond any kommun (one cap for import and loading)
DEFAULT_DECIMALS = {"kr": 0, "tkr": 0, "mnkr": 1}
MONTH_ALONE = r"\s*(0?[1-9]|1[0-2])\s*"  # a period given as the month alone (`--period 8`): that month of the year


def half_away(value: "Decimal", places: int = 0) -> "Decimal":
    """`value` rounded half away from zero to `places` decimals: the one rule by which kfollow shows an amount or a
    percent rounded, in a table of any format, a note, a message or a chart (`render.numbers` rounds whole columns
    by it on integers, `half_away_count`). It had two homes, this module's notes and render's tables (found in
    review, h162)."""
    from decimal import ROUND_HALF_UP, Decimal

    return value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def half_away_count(magnitude, per):
    """`half_away` of a size ≥ 0 on integers: how many `per` it is (a unit's öre, a power of ten, or a profile's
    weights), rounded half away from zero; the caller puts its sign back. Ints, or polars expressions of them (a
    whole column): one rule for a figure and a column."""
    return (magnitude * 2 + per) // (2 * per)


def in_unit(ore: int, unit: str, rounded: bool = True, sign: bool = False, places: int | None = None) -> str:
    """`-1,2 mnkr`, `+500 tkr`: an amount of öre for a note or a message, in `unit`, rounded (half away from zero)
    as a table in that unit shows it by default, or to `places` decimals as a table with `--decimals` does, or exact
    (`rounded=False`: `1,234567 mnkr`); an amount that would round to 0 is said exactly in kr (`+30 000 kr`, not
    `+0,0 mnkr` nor `0,00000005 mnkr`: found in review, h131); `sign` puts + before a positive amount. One way for
    every note: two notes on one budget change said -1,2 and -1,234567 mnkr (found in review, h126)."""
    from decimal import Decimal

    exact = Decimal(ore) / ORE_PER_UNIT[unit]
    shown = DEFAULT_DECIMALS[unit] if places is None else places
    value = half_away(exact, shown) if rounded else exact.normalize()
    if value == 0 and ore != 0 and unit != "kr":
        return in_unit(ore, "kr", rounded=False, sign=sign)
    value = exact.normalize() if value == 0 else value  # (0: `0`, not `0E+2`)
    text = f"{abs(value):,f}".replace(",", " ").replace(".", ",")
    return f"{'-' if value < 0 else '+' if sign and value > 0 else ''}{text} {unit}"


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    md = "md"
    excel = "excel"  # CSV for Swedish Excel: semicolon, decimal comma, UTF-8 BOM
    xlsx = "xlsx"  # an Excel workbook: exact numbers with number formats
    docx = "docx"  # a Word document: the table as a Word table


class Unit(str, Enum):
    mnkr = "mnkr"
    tkr = "tkr"
    kr = "kr"


class By(str, Enum):
    stab = "stab"
    verksamhet = "verksamhet"
    forvaltning = "forvaltning"


class FormBy(str, Enum):
    """The rows a form goes to (`forms`, `status`): a stab's or a verksamhet's, never a förvaltning's summa
    alone (a förvaltning shown as one row gets one with them)."""
    stab = "stab"
    verksamhet = "verksamhet"


class BudgetMode(str, Enum):
    justerad = "justerad"  # original plus the changes decided up to the period
    original = "original"


@dataclass(frozen=True, slots=True)
class Options:
    """How to show a report: format, decimals, comments; `exact` writes unrounded amounts."""

    format: Format = Format.table
    decimals: int | None = None
    comments: bool = False
    exact: bool = False  # csv, excel and json: amounts unrounded (every öre in the unit)
    columns: tuple[str, ...] | None = None  # machine names, in the order to show them
    width: int | None = None  # a terminal's width: the text table leaves out columns to fit

    def places(self, unit: str) -> int:
        return DEFAULT_DECIMALS[unit] if self.decimals is None else self.decimals


@dataclass(frozen=True)
class Grain:
    """What a cut will sum a Parquet fact table's rows to, told before the table is read (`ledger_grain`): its
    pass then sums the rows to förvaltning, konto, slag and `keys`, in spans of months ending at `months` and
    at the months utfall tables read before it were booked through, rather than keep every row
    (`facts.Summed`). A cut that asks for another grain or month reads the rows from the file: a wrong guess
    costs a read, never a figure."""

    keys: tuple[str, ...] = ()  # of "stab" and "verksamhet", in that order
    months: tuple[int, ...] = ()  # months (1–11) a cut will sum up to besides the year's twelve


_PERIOD_MONTH = re.compile(r"\s*(?:[0-9]{4}-)?(0?[1-9]|1[0-2])\s*")


def ledger_grain(by: str | None, konto, kostnadsslag, stab=None, verksamhet=None, period: str | None = None) -> "bool | Grain":
    """What `deviation` and `compare` keep of their fact tables (`--by`, the filters, `--period` as written): a
    Grain for a cut by account alone, True (every row) where a filter of the ledger or of rows is given too
    (`--konto`, `--kostnadsslag`, `--stab`, `--verksamhet`: their checks look at the rows they keep; `--forvaltning`
    is a key of the sums and keeps the Grain), else False (`by_account`). The read ahead (`kfollow.readahead`) and the command work it out alike
    from the same words, so that the command takes the tables read ahead."""
    if not by_account(by, konto, kostnadsslag):
        return False
    if konto or kostnadsslag or stab or verksamhet:
        return True
    dims = {k.strip().lower() for k in (by or "").split(",")}  # (as `cuts.parse_by` reads them: STAB as stab)
    month = _PERIOD_MONTH.fullmatch(period or "")
    return Grain(tuple(k for k in ("stab", "verksamhet") if k in dims), (int(month[1]),) if month and int(month[1]) < 12 else ())


def by_account(by: str | None, *filters) -> bool:
    """Whether a cut (`--by`) or any filter (`--konto`, `--kostnadsslag`) reads the facts by account:
    the fact tables' rows are then kept as they are read."""
    return any(filters) or any(k.strip().lower() in ("konto", "kostnadsslag") for k in (by or "").split(","))
