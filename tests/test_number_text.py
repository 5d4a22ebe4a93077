"""A table's numbers as text, a column at a time (`render.numbers`): the thousands are grouped by
arithmetic where the column's largest value is known, by a regex otherwise; both give exactly what the
one-value-at-a-time formatting of messages gives (`money`, `percent`), for every unit, decimals and size."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from kfollow.render.numbers import NBSP, money, number_expr, number_exprs, percent
from kfollow.report import PERCENT_PLACES
from kfollow.store import MAX_ORE

AMOUNTS = st.lists(st.one_of(st.none(), st.integers(-MAX_ORE, MAX_ORE), st.integers(-10**7, 10**7)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(AMOUNTS, st.sampled_from(["kr", "tkr", "mnkr"]), st.integers(0, 2), st.booleans())
def test_money_column_as_one_value_at_a_time(values, unit, places, swedish):
    frame = pl.DataFrame({"belopp": values}, schema={"belopp": pl.Int64})
    grouped = frame.select(number_exprs(frame, [("belopp", "money", None)], unit, places, swedish))["belopp"]
    by_regex = frame.select(number_expr("belopp", "money", unit, places, swedish))["belopp"]
    expected = [money(v, unit, places, swedish) for v in values]
    assert grouped.to_list() == expected
    assert by_regex.to_list() == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-10**24, 10**24)), max_size=40))
def test_percent_column_from_its_exact_companion(exact):
    """A percent from its exact companion (× 10^PERCENT_PLACES, Int128): grouped by arithmetic while the
    largest fits, else by the regex: the same text as `percent`."""
    frame = pl.DataFrame({"pct": [None if e is None else e / 10**PERCENT_PLACES for e in exact], "pct_exakt": exact},
                         schema={"pct": pl.Float64, "pct_exakt": pl.Int128})
    text = frame.select(number_exprs(frame, [("pct", "percent", "pct_exakt")], "mnkr", 1, True))["pct"]
    assert text.to_list() == [None if e is None else percent(None, True, 1, exact=e) for e in exact]


def test_groups_of_thousands_at_every_length():
    """1, 12, 123, 1 234 … up to 18 digits (the arithmetic's limit) and beyond it (the regex), negative too;
    a value that rounds to zero has no sign, and null stays null."""
    values = [int("123456789012345678901"[:n]) for n in range(1, 22)]
    frame = pl.DataFrame({"x": values + [-v for v in values] + [-4, None]}, schema={"x": pl.Int128})
    text = frame.select(number_exprs(frame, [("x", "money", None)], "kr", 0, True))["x"].to_list()
    assert text[:5] == ["0", "0", "1", "12", "123"]  # (öre, in kronor: rounded half away from zero)
    assert text[11] == f"1{NBSP}234{NBSP}567{NBSP}890"
    assert text[len(values) + 11] == f"-1{NBSP}234{NBSP}567{NBSP}890"
    assert text[-2:] == ["0", None]
    assert text[len(values) - 1] == f"1{NBSP}234{NBSP}567{NBSP}890{NBSP}123{NBSP}456{NBSP}789"
