"""Numbers as text, a whole column at a time (polars expressions), and one at a time for messages.

Money: Int64 öre → the unit, rounded half away from zero to `places` decimals (the rule of
`options.half_away`, which notes and messages round by too), computed on integers (Int128), never
through a float. Swedish for people: `-1 240,8` (no-break space between
thousands, decimal comma); plain for machines: `-1240.8`. A value that rounds to zero has no sign.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from kfollow.options import ORE_PER_UNIT, half_away, half_away_count
from kfollow.report import PERCENT_PLACES

NBSP = "\u00a0"


# whole parts below 1000^_INT64_GROUPS (10^18) fit Int64, and are grouped in thousands by arithmetic
_INT64_GROUPS = 6


def _digits(magnitude: pl.Expr, negative: pl.Expr, places: int, swedish: bool, groups: int | None = None) -> pl.Expr:
    """A count of 10^-places (≥ 0) and its sign → the decimal text; no sign when it is zero. For people
    (`swedish`) the thousands are grouped: by arithmetic where `groups`, the most groups of three
    digits any value's whole part has, is known and small (`number_exprs`), else by a regex on the text,
    which takes several times as long (1 µs a value: 20 ms of a table of 2 000 staber × kostnadsslag)."""
    # one concatenation of sign, whole part and decimals (a text used in two branches is made twice); a
    # null amount stays null, for its sign is null
    sign = pl.when(negative & (magnitude > 0)).then(pl.lit("-")).when(magnitude.is_not_null()).then(pl.lit(""))
    if swedish and groups is not None and groups <= _INT64_GROUPS:
        whole = _grouped((magnitude // 10**places).cast(pl.Int64), groups)
        decimals = (magnitude % 10**places).cast(pl.String).str.zfill(places)
    elif not swedish:  # for machines, the whole part and the decimals by arithmetic too: a third less time than
        # cutting the text of all the digits (8 money columns of 10 000 rows: 7,5 ms against 11,7)
        whole = (magnitude // 10**places).cast(pl.String) if places else magnitude.cast(pl.String)
        decimals = (magnitude % 10**places).cast(pl.String).str.zfill(places)
    else:
        digits = magnitude.cast(pl.String).str.zfill(places + 1)
        whole = digits.str.slice(0, digits.str.len_chars() - places) if places else digits
        if swedish:  # group thousands: reverse, a separator after every third digit, reverse back
            whole = whole.str.reverse().str.replace_all(r"(\d{3})", "${1}" + NBSP).str.strip_chars_end(NBSP).str.reverse()
        decimals = digits.str.slice(-places)
    return pl.concat_str([sign, whole, pl.lit("," if swedish else "."), decimals] if places else [sign, whole])


def _grouped(whole: pl.Expr, groups: int) -> pl.Expr:
    """A whole number (0 ≤ whole < 1000^groups) as text with a no-break space between its thousands:
    each group of three digits from its own quotient, zero-filled where a higher group leads it."""
    pieces = []
    for k in range(groups - 1, -1, -1):
        size = 1000**k
        group = ((whole // size) % 1000).cast(pl.String)
        inner = pl.lit(NBSP) + group.str.zfill(3)  # a group with one before it
        if k == groups - 1:  # the highest possible: never led
            pieces.append(pl.when(whole >= size).then(group) if k else group)
        elif k:
            pieces.append(pl.when(whole >= size * 1000).then(inner).when(whole >= size).then(group))
        else:
            pieces.append(pl.when(whole >= 1000).then(inner).otherwise(group))
    return pl.concat_str(pieces, ignore_nulls=True)


def _magnitude(col: str, kind: str, unit: str, places: int, exact: bool,
               exact_of: str | None) -> tuple[pl.Expr, pl.Expr, int] | None:
    """A numeric column's value as a count of 10^-places ≥ 0 rounded half away from zero, whether it
    is negative, and its places; None for a column of another kind."""
    if kind == "money":
        if exact:  # every öre: the unit's places, trailing zeros stripped afterwards (`exact_money_expr`)
            places = len(str(ORE_PER_UNIT[unit])) - 1
        ore_per = ORE_PER_UNIT[unit]
        x = pl.col(col).cast(pl.Int128)
        scale = 10**places
        if scale >= ore_per:
            return x.abs() * (scale // ore_per), x < 0, places
        return half_away_count(x.abs(), ore_per // scale), x < 0, places
    if kind == "percent":
        if exact_of is not None:  # from the exact companion, on integers
            e = pl.col(exact_of).cast(pl.Int128)
            return half_away_count(e.abs(), 10 ** (PERCENT_PLACES - places)), e < 0, places
        # a percent typed in a file (a target), from the Float64: a tiny nudge makes 2.675, stored as
        # 2.67499…, round as the decimal a person reads (2.68); null beyond Int128
        x = pl.col(col) * 10**places
        return (x.abs() * (1 + 1e-12) + 0.5).floor().cast(pl.Int128, strict=False), x < 0, places
    return None


def money_expr(col: str, unit: str, places: int, swedish: bool, groups: int | None = None) -> pl.Expr:
    """Öre → text in `unit` with `places` decimals, half away from zero; null stays null."""
    return _digits(*_magnitude(col, "money", unit, places, False, None), swedish, groups).alias(col)


def exact_money_expr(col: str, unit: str, swedish: bool, groups: int | None = None) -> pl.Expr:
    """Öre → the exact amount in `unit`: every öre, no trailing zeros (`30.1548`, `7`)."""
    text = _digits(*_magnitude(col, "money", unit, 0, True, None), swedish, groups)
    mark = "," if swedish else "."
    return text.str.strip_chars_end("0").str.strip_chars_end(mark).alias(col)


def percent_expr(col: str, swedish: bool, places: int = 1, exact: str | None = None,
                 groups: int | None = None) -> pl.Expr:
    """Percent → text with `places` decimals, half away from zero.

    With `exact` (the column's exact companion: the percent × 10^PERCENT_PLACES truncated toward
    zero, Int128), rounded from it on integers: exact, since the truncation keeps more places than
    are shown. Without (a percent typed in a file, such as a target), from the Float64.
    """
    return _digits(*_magnitude(col, "percent", "", places, False, exact), swedish, groups).alias(col)


def percent_value_expr(col: str, exact: str | None, places: int = 6) -> pl.Expr:
    """A percent as a number for a spreadsheet cell (Float64): with its exact companion, the exact
    percent truncated toward zero to `places` decimals, so that the cell, shown with fewer, rounds
    as kfollow's tables do (a float of the ratio itself can round the other way)."""
    if exact is None:
        return pl.col(col)
    e = pl.col(exact).cast(pl.Int128)
    truncated = e.abs() // 10 ** (PERCENT_PLACES - places)
    # (a Decimal, divided as one: a float division wrote -4.071772999999999 for -4,071773 %)
    return (pl.when(e < 0).then(truncated * -1).otherwise(truncated).cast(pl.Decimal(38, places)) / 10**places).alias(col)


TYPED_PERCENT_PLACES = 4  # the decimals a percent typed in a year file may have (a target, `mal`)


def number_expr(col: str, kind: str, unit: str, places: int, swedish: bool, exact: bool = False,
                exact_of: str | None = None, groups: int | None = None) -> pl.Expr:
    """The text of one column by its kind (`report.Kind` value); `exact_of`: a percent's exact companion;
    `groups`: the most groups of three digits a value's whole part has, where known (`number_exprs`)."""
    if kind == "money":
        return exact_money_expr(col, unit, swedish, groups) if exact else money_expr(col, unit, places, swedish, groups)
    if kind == "percent" and exact_of is None:  # a percent typed in a file (a target): as typed, its 4 decimals at
        # most (the year file's limit), one at least: `mal: 2.25` was 2.3 in csv and json (found in review, h147)
        text = _digits(*_magnitude(col, "percent", "", TYPED_PERCENT_PLACES, False, None), swedish, groups)
        return text.str.replace(r"0{1,%d}$" % (TYPED_PERCENT_PLACES - 1), "").alias(col)
    if kind == "percent":  # (one decimal, whatever the amounts')
        return percent_expr(col, swedish, exact=exact_of, groups=groups)
    return pl.col(col).cast(pl.String)


def number_exprs(frame: pl.DataFrame, columns: list[tuple[str, str, str | None]], unit: str, places: int,
                 swedish: bool, exact: bool = False) -> list[pl.Expr]:
    """`number_expr` of each (column, kind, exact companion) of `frame`, told how many groups of
    thousands the column's largest value has (one small query), so that they are grouped by arithmetic."""
    sizes = {}
    if swedish:
        largest = [(magnitude // 10**shown).max().alias(col) for col, kind, exact_of in columns
                   if (found := _magnitude(col, kind, unit, 1 if kind == "percent" else places, exact, exact_of))
                   is not None for magnitude, _, shown in [found]]
        if largest:
            sizes = frame.select(largest).row(0, named=True)
    return [number_expr(col, kind, unit, places, swedish, exact, exact_of,
                        _groups(sizes[col]) if col in sizes else None)
            for col, kind, exact_of in columns]


def _groups(whole: int | None) -> int:
    """How many groups of three digits a whole number has (1 for 0 or none)."""
    return max(1, -(-len(str(whole or 0)) // 3))


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
    value = half_away(Decimal(ore) / ORE_PER_UNIT[unit], places)
    if swedish:
        return swedish_number(value)
    return str(abs(value) if value == 0 else value)


def percent(value: float | None, swedish: bool = True, places: int = 1, exact: int | None = None) -> str | None:
    """A percent with `places` decimals, half away from zero; from its exact companion when given
    (`exact`: the percent × 10^PERCENT_PLACES truncated toward zero), else from the float's decimal."""
    if exact is not None:
        value = Decimal(exact).scaleb(-PERCENT_PLACES)
    if value is None:
        return None
    rounded = half_away(value if isinstance(value, Decimal) else Decimal(repr(value)), places)
    return swedish_number(rounded) if swedish else str(abs(rounded) if rounded == 0 else rounded)


def readable_unit(ore: int, unit: str) -> str:
    """The unit in which an amount in `unit` shows its size: tkr for an amount below 1 mnkr, kr below
    1 tkr (a deviation of 183 400 kr is `183 tkr`, not `0,2 mnkr`); `unit` itself when it is finer."""
    if unit == "kr" or ore == 0:
        return unit
    if abs(ore) < ORE_PER_UNIT["tkr"]:
        return "kr"
    if unit == "mnkr" and abs(ore) < ORE_PER_UNIT["mnkr"]:
        return "tkr"
    return unit


def readable_amount(ore: int | None, unit: str, places: int) -> str:
    """An amount for a message, with its unit, as a table in `unit` prints it (`places` decimals), or,
    when it is below 1 mnkr (1 tkr), in whole tkr (kr): `2,5 mnkr`, `-183 tkr`, `400 kr`."""
    if ore is None:
        return "inget belopp"
    shown = readable_unit(ore, unit)
    return f"{money(ore, shown, places if shown == unit else 0)} {shown}"


def amount_beyond(ore: int, unit: str, places: int, limits: list[int]) -> str:
    """`readable_amount`, but finer where its rounding would show an amount no larger than a limit (öre)
    that it is beyond: 1 048 tkr beyond 1 000 tkr reads `1 048 tkr`, not `1,0 mnkr`; 500 400 kr beyond
    500 tkr reads `500 400 kr`, not `500 tkr`."""
    beyond = [o for o in limits if abs(ore) > o]
    shown = readable_unit(ore, unit)
    tries = [(shown, places if shown == unit else 0)]
    tries += [(u, 0) for u in ("tkr",) if ORE_PER_UNIT[u] < ORE_PER_UNIT[shown]]
    tries.append(("kr", 0 if ore % 100 == 0 else 2))
    for u, n in tries:
        rounded = abs(half_away(Decimal(ore) / ORE_PER_UNIT[u], n))
        if all(rounded * ORE_PER_UNIT[u] > o for o in beyond):
            return f"{money(ore, u, n)} {u}"
    return f"{money(ore, 'kr', 2)} kr"


def diagnostic_unit(ore: int | None, unit: str) -> str:
    """The unit an amount of a file in `unit` is told exactly in: the file's own, but kr for an amount with öre
    in a file of tkr or mnkr (its öre would be the fifth or eighth decimal) and for one that takes exactly three
    decimals there (`13,345 tkr` reads as 13 345 tkr: it is 13 345 kr)."""
    if unit == "kr" or ore is None:
        return unit
    if ore % 100:  # öre in tkr or mnkr (a budget to date by profile): `421 936,60001 tkr` is hard to read; in kr
        return "kr"  # it is `421 936 600,01 kr` (found in review)
    places = -(Decimal(ore) / ORE_PER_UNIT[unit]).normalize().as_tuple().exponent
    return "kr" if places == 3 else unit  # (found closing a tertial: '13,345 tkr' beside '250 tkr')


def diagnostic_amount(ore: int | None, unit: str) -> str:
    """`3 646,2 tkr (3,6 mnkr)` for messages: exact in the file's unit, and rounded as a table prints it
    in a unit that shows it (mnkr, below 1 mnkr tkr, below 1 tkr kr: `632 074,9 kr (632 tkr)`); the
    rounded part is left out when it would repeat the unit (`183,4 tkr`) or the amount is 0. An amount with
    öre, or with three decimals in the file's unit, is told in kr (`diagnostic_unit`)."""
    if ore is None:
        return "inget belopp"
    unit = diagnostic_unit(ore, unit)
    exact = swedish_number((Decimal(ore) / ORE_PER_UNIT[unit]).normalize() + 0).replace(NBSP, " ")
    if ore == 0 or readable_unit(ore, "mnkr") == unit:
        return f"{exact} {unit}"
    return f"{exact} {unit} ({readable_amount(ore, 'mnkr', 1).replace(NBSP, ' ')})"
