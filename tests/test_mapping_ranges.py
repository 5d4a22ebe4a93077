"""Object ranges of a mapping are looked up by bisection, one per kind of range, not by testing every
range (10 000 ranges against 10 000 objects took 38 s; found by a hostile-input review): the ranges
found are exactly those that hold the code, in the order they are written."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from kfollow.sources.mapping import Objects, Range, _as_number


def _ranges(numeric_bounds: list[int], text_bounds: list[str], width: int) -> tuple[Range, ...]:
    """Disjoint numeric ranges of `width` digits from sorted bounds taken in pairs, and text ranges likewise,
    interleaved in a written order."""
    key = SimpleNamespace(line=1, column=1, value="")
    nums = sorted(set(numeric_bounds))
    texts = sorted(set(text_bounds))
    out = [Range(str(a).zfill(width), str(b).zfill(width), True, f"N{i}", key) for i, (a, b) in enumerate(zip(nums[::2], nums[1::2]))]
    out += [Range(a, b, False, f"T{i}", key) for i, (a, b) in enumerate(zip(texts[::2], texts[1::2]))]
    return tuple(sorted(out, key=lambda r: hash(r.value) % 7))  # (written in some order other than sorted)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 9999), max_size=40), st.lists(st.text("ABKXZ-019", min_size=1, max_size=4), max_size=20),
       st.lists(st.one_of(st.integers(0, 99999).map(str), st.text("ABKXZ-0123456789", min_size=1, max_size=5)),
                min_size=1, max_size=30), st.sampled_from([1, 4, 5]))
def test_the_ranges_found_are_those_that_hold_the_code(numbers, texts, codes, width):
    numbers = [n % 10**width for n in numbers]
    ranges = _ranges(numbers, texts, width)
    objects = Objects({}, ranges, 1, 1)
    for code in [*codes, *(r.low for r in ranges), *(r.high for r in ranges)]:
        assert objects._holding(code) == [r for r in ranges if r.holds(code)]


def test_ranges_of_different_widths_order_as_integers():
    key = SimpleNamespace(line=1, column=1, value="")
    ranges = (Range("10", "99", True, "B", key), Range("1", "9", True, "A", key), Range("100", "999", True, "C", key))
    objects = Objects({}, ranges, 1, 1)
    assert [objects.lookup(c, "m.yaml") for c in ("5", "50", "500", "0050", "1000")] == ["A", "B", "C", "B", None]
    assert _as_number("0050") == _as_number("50")
