"""The terminal table is laid out with polars (render.text.simple), as tabulate's "simple" format would."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from kfollow.render.text import _tabulate, packed, simple

cell = st.text(alphabet=st.sampled_from("ab Åö1,–-\u00a0 "), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(st.text(alphabet="Abc %ö", min_size=1, max_size=10), min_size=n, max_size=n),
    st.lists(st.sampled_from(["left", "right"]), min_size=n, max_size=n),
    st.lists(st.lists(cell, min_size=n, max_size=n), min_size=0, max_size=6))))
def test_simple_is_tabulates_layout(table):
    headers, align, rows = table
    frame = pl.DataFrame(rows, schema=[f"c{i}" for i in range(len(headers))], orient="row") if rows else \
        pl.DataFrame(schema={f"c{i}": pl.String for i in range(len(headers))})
    assert simple(frame, headers, align) == _tabulate(rows, headers, "simple", align)


def test_a_large_table_is_laid_out_without_tabulate():
    frame = pl.DataFrame({"a": [f"rad {i}" for i in range(20_000)], "b": [f"{i},5" for i in range(20_000)]})
    lines = simple(frame, ["Stab", "Budget"], ["left", "right"]).splitlines()
    assert len(lines) == 20_002 and lines[1] == "---------  --------" and lines[-1] == "rad 19999   19999,5"


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(st.text(alphabet="Abc %ö", min_size=1, max_size=14), min_size=n, max_size=n),
    st.lists(st.sampled_from(["left", "right"]), min_size=n, max_size=n),
    st.lists(st.lists(cell, min_size=n, max_size=n), min_size=1, max_size=6))))
def test_packed_is_one_column_a_span_under_its_dashes(table):
    """The terminal's packed layout: header line(s), dashes, then each cell padded in its column's span."""
    headers, align, rows = table
    frame = pl.DataFrame(rows, schema=[f"c{i}" for i in range(len(headers))], orient="row")
    lines = packed(frame, headers, align).split("\n")
    rule = next(i for i, line in enumerate(lines) if line.startswith("-") and set(line) <= {"-", " "})
    assert 1 <= rule <= 2 and len(lines) == rule + 1 + len(rows)
    widths = [len(d) for d in lines[rule].split(" ")]
    assert len(widths) == len(headers) and all(len(v) <= w for row in rows for v, w in zip(row, widths))
    for line, row in zip(lines[rule + 1:], rows):  # no line runs on in spaces
        assert line == " ".join(v.rjust(w) if a == "right" else v.ljust(w)
                                for v, w, a in zip(row, widths, align)).rstrip()
