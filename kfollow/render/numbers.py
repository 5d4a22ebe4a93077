"""Numbers as text, a whole column at a time (polars expressions), and one at a time for messages.

Money: Int64 öre → the unit, rounded half away from zero to `places` decimals, computed on
integers (Int128), never through a float. Swedish for people: `-1 240,8` (no-break space between
thousands, decimal comma); plain for machines: `-1240.8`. A value that rounds to zero has no sign.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from kfollow.options import ORE_PER_UNIT

NBSP = "\u00a0"


def _digits(magnitude: pl.Expr, negative: pl.Expr, places: int, swedish: bool) -> pl.Expr:
    """A count of 10^-places (≥ 0) and its sign → the decimal text; no sign when it is zero."""
    digits = magnitude.cast(pl.String).str.zfill(places + 1)
    whole = digits.str.slice(0, digits.str.len_chars() - places) if places else digits
    if swedish:  # group thousands: reverse, a separator after every third digit, reverse back
        whole = whole.str.reverse().str.replace_all(r"(\d{3})", "${1}" + NBSP).str.strip_chars_end(NBSP).str.reverse()
    text = whole
    if places:
        text = pl.concat_str([whole, pl.lit("," if swedish else "."), digits.str.slice(-places)])
    return pl.when(negative & (magnitude > 0)).then(pl.lit("-") + text).otherwise(text)


def money_expr(col: str, unit: str, places: int, swedish: bool) -> pl.Expr:
    """Öre → text in `unit` with `places` decimals, half away from zero; null stays null."""
    ore_per = ORE_PER_UNIT[unit]
    x = pl.col(col).cast(pl.Int128)
    scale = 10**places
    if scale >= ore_per:
        magnitude = x.abs() * (scale // ore_per)
    else:
        d = ore_per // scale
        magnitude = (x.abs() * 2 + d) // (2 * d)
    return _digits(magnitude, x < 0, places, swedish).alias(col)


def exact_money_expr(col: str, unit: str, swedish: bool) -> pl.Expr:
    """Öre → the exact amount in `unit`: every öre, no trailing zeros (`30.1548`, `7`)."""
    text = money_expr(col, unit, len(str(ORE_PER_UNIT[unit])) - 1, swedish)
    mark = "," if swedish else "."
    return text.str.strip_chars_end("0").str.strip_chars_end(mark).alias(col)


def percent_expr(col: str, swedish: bool, places: int = 1) -> pl.Expr:
    """Percent (Float64) → text with one decimal, half away from zero.

    The value is a ratio of exact amounts; a tiny nudge makes 2.675, stored as 2.67499…, round as
    the decimal a person reads (2.68), as `Decimal(repr(x))` would.
    """
    x = pl.col(col) * 10**places
    magnitude = (x.abs() * (1 + 1e-12) + 0.5).floor().cast(pl.Int128, strict=False)  # null beyond: shown as –
    return _digits(magnitude, x < 0, places, swedish).alias(col)


def number_expr(col: str, kind: str, unit: str, places: int, swedish: bool, exact: bool = False) -> pl.Expr:
    """The text of one column by its kind (`report.Kind` value)."""
    if kind == "money":
        return exact_money_expr(col, unit, swedish) if exact else money_expr(col, unit, places, swedish)
    if kind == "percent":
        return percent_expr(col, swedish)
    return pl.col(col).cast(pl.String)


# --- one value at a time: for messages, never for tables ----------------------------------------


def swedish_number(value: Decimal) -> str:
    """`Decimal('-1240.8')` → `-1 240,8` (no-break space between thousands)."""
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    if value == 0:
        sign = ""  # no "-0,0"
    return sign + NBSP.join(groups) + ("," + frac if frac else "")


def money(ore: int | None, unit: str, places: int, swedish: bool = True) -> str | None:
    """Öre → the unit, rounded half away from zero; `1 240,8` for people, `1240.8` for machines."""
    if ore is None:
        return None
    value = (Decimal(ore) / ORE_PER_UNIT[unit]).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    if swedish:
        return swedish_number(value)
    return str(abs(value) if value == 0 else value)


def percent(value: float | None, swedish: bool = True, places: int = 1) -> str | None:
    if value is None:
        return None
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return swedish_number(rounded) if swedish else str(abs(rounded) if rounded == 0 else rounded)


def diagnostic_amount(ore: int | None, unit: str) -> str:
    """`3 646,2 tkr (3,6 mnkr)` for messages: exact in the file's unit, and as the tables print it."""
    if ore is None:
        return "nothing"
    exact = swedish_number((Decimal(ore) / ORE_PER_UNIT[unit]).normalize() + 0).replace(NBSP, " ")
    if unit == "mnkr":
        return f"{exact} mnkr"
    return f"{exact} {unit} ({money(ore, 'mnkr', 1).replace(NBSP, ' ')} mnkr)"
