"""Hypothesis: random year files keep the report arithmetic exact.

Each example writes its own budgets folder (a tempfile.TemporaryDirectory inside the test, since a
function-scoped fixture would be shared by all examples) and checks the report frames:
shares sum to 100, avvikelse is exactly budget − utfall, a year compared with itself changes by 0,
Summa is the exact sum of the rows, and no money column is ever a float.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kfollow.sources.year_file import load_budgets
from kfollow.engine.operations import compare_report, deviation_report

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ORE_PER_MILLI_TKR = 100  # 0.001 tkr = 1 kr = 100 öre

# amounts in thousandths of a tkr (whole kronor), up to ±10 mdkr, so they have up to 3 decimals in tkr
milli_tkr = st.integers(min_value=-10**10, max_value=10**10)


def tkr_text(milli: int) -> str:
    """An exact amount in tkr with up to three decimals, e.g. -1234.005."""
    sign = "-" if milli < 0 else ""
    whole, frac = divmod(abs(milli), 1000)
    return f"{sign}{whole}" + (f".{frac:03d}".rstrip("0") if frac else "")


@dataclass
class Stab:
    budget: int  # milli-tkr, nettokostnad
    utfall: int
    gross: tuple[int, int, int, int] | None  # budget kostnader, intakter, utfall kostnader, intakter


@st.composite
def staber(draw) -> list[Stab]:
    result = []
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            bk, bi, uk, ui = (draw(st.integers(0, 10**10)) for _ in range(4))
            result.append(Stab(bk - bi, uk - ui, (bk, bi, uk, ui)))
        else:
            result.append(Stab(draw(milli_tkr), draw(milli_tkr), None))
    return result


@dataclass
class Year:
    ar: int
    redovisas_som: str
    staber: list[Stab]


@st.composite
def years(draw) -> list[Year]:
    presentation = draw(st.sampled_from(["nettokostnad", "resultat"]))
    first = Year(2024, presentation, draw(staber()))
    if draw(st.booleans()):
        return [Year(2023, presentation, draw(staber())), first]
    return [first]


def year_yaml(year: Year) -> str:
    sign = -1 if year.redovisas_som == "resultat" else 1  # a net amount is written as presented
    lines = [f"ar: {year.ar}", "organisation: Testkommun", "enhet: tkr", "forvaltningar:", "  F:",
             "    namn: Förvaltningen", f"    redovisas_som: {year.redovisas_som}", "    staber:"]
    for i, s in enumerate(year.staber):
        lines += [f"      S{i}:", f"        namn: Stab {i}"]
        if s.gross:
            bk, bi, uk, ui = (tkr_text(v) for v in s.gross)
            lines += [f"        budget: {{kostnader: {bk}, intakter: {bi}}}",
                      f"        utfall: {{kostnader: {uk}, intakter: {ui}}}"]
        else:
            lines += [f"        budget: {tkr_text(sign * s.budget)}", f"        utfall: {tkr_text(sign * s.utfall)}"]
    return "\n".join(lines) + "\n"


def load(ys: list[Year], folder: str):
    for y in ys:
        (Path(folder) / f"{y.ar}.yaml").write_text(year_yaml(y), encoding="utf-8")
    return load_budgets(folder)


def rows(frame: pl.DataFrame, year: Year | None = None) -> pl.DataFrame:
    """The `rad` rows; with `year`, only that year's own staber (in file order).

    A deviation report also lists a stab that only the previous year has (its utfall_<year−1>,
    nothing for the current year); `year` leaves such rows out.
    """
    found = frame.filter(pl.col("radtyp") == "rad")
    if year is not None:
        found = found.filter(pl.col("stab").is_in([f"S{i}" for i in range(len(year.staber))]))
    return found


def summa(frame: pl.DataFrame) -> dict:
    found = frame.filter(pl.col("radtyp") == "summa")
    assert found.height == 1
    return found.row(0, named=True)


@SETTINGS
@given(years())
def test_the_file_amounts_reach_the_report_exactly(ys):
    with tempfile.TemporaryDirectory() as folder:
        frame = deviation_report(load(ys, folder), 2024)
    year = ys[-1]
    sign = -1 if year.redovisas_som == "resultat" else 1
    got = rows(frame, year)
    assert got["budget"].to_list() == [sign * s.budget * ORE_PER_MILLI_TKR for s in year.staber]
    assert got["utfall"].to_list() == [sign * s.utfall * ORE_PER_MILLI_TKR for s in year.staber]


@SETTINGS
@given(years())
def test_shares_of_the_rows_sum_to_100(ys):
    with tempfile.TemporaryDirectory() as folder:
        frame = deviation_report(load(ys, folder), 2024)
    total = sum(s.utfall for s in ys[-1].staber)
    shares = rows(frame, ys[-1])["andel_pct"]
    assert shares.dtype == pl.Float64
    if total == 0:
        assert shares.null_count() == shares.len()  # a share of nothing is undefined, not 0 or inf
        return
    assert shares.null_count() == 0
    assert abs(summa(frame)["andel_pct"] - 100.0) <= 1e-9
    # Rows of one sign: every share is within [0, 100], the float sum is within 1e-9 of 100.
    # Rows of both signs can nearly cancel (shares of ±10^12 %); then 1e-9 is relative to Σ|share|.
    scale = max(1.0, shares.abs().sum() / 100)
    assert abs(shares.sum() - 100.0) <= 1e-9 * scale, (shares.to_list(), shares.sum())


@SETTINGS
@given(years(), st.booleans())
def test_avvikelse_is_exactly_budget_minus_utfall(ys, gross):
    with tempfile.TemporaryDirectory() as folder:
        frame = deviation_report(load(ys, folder), 2024, gross=gross)
    assert frame.schema["avvikelse"] == pl.Int64
    net = frame.filter(pl.col("radtyp").is_in(["rad", "summa", "forvaltning", "delsumma"]))
    cost = net.filter(pl.col("redovisas_som") == "nettokostnad")
    assert (cost["avvikelse"] == cost["budget"] - cost["utfall"]).all()
    # resultat is intäkter − kostnader, so the same deviation reads utfall − budget there
    res = net.filter(pl.col("redovisas_som") == "resultat")
    assert (res["avvikelse"] == res["utfall"] - res["budget"]).all()
    # and in the file's own terms: nettokostnad budget − utfall, whatever the presentation
    assert rows(frame, ys[-1])["avvikelse"].to_list() == [(s.budget - s.utfall) * ORE_PER_MILLI_TKR for s in ys[-1].staber]
    if gross:
        kost = frame.filter(pl.col("radtyp") == "kostnader")
        assert (kost["avvikelse"] == kost["budget"] - kost["utfall"]).all()
        intakt = frame.filter(pl.col("radtyp") == "intakter")
        assert (intakt["avvikelse"] == intakt["utfall"] - intakt["budget"]).all()


@SETTINGS
@given(years())
def test_summa_is_the_exact_sum_of_the_rows(ys):
    with tempfile.TemporaryDirectory() as folder:
        frame = deviation_report(load(ys, folder), 2024)
    got = rows(frame, ys[-1])
    total = summa(frame)
    assert total["budget"] == got["budget"].sum()
    assert total["utfall"] == got["utfall"].sum()
    assert total["avvikelse"] == got["avvikelse"].sum() == sum(
        (s.budget - s.utfall) * ORE_PER_MILLI_TKR for s in ys[-1].staber)
    assert frame.filter(pl.col("radtyp") == "differens").height == 0


@SETTINGS
@given(years())
def test_previous_year_column_is_exact(ys):
    with tempfile.TemporaryDirectory() as folder:
        frame = deviation_report(load(ys, folder), 2024)
    if len(ys) == 1:
        assert "utfall_2023" not in frame.columns
        return
    sign = -1 if ys[0].redovisas_som == "resultat" else 1
    prev = {f"S{i}": sign * s.utfall * ORE_PER_MILLI_TKR for i, s in enumerate(ys[0].staber)}
    for row in rows(frame).iter_rows(named=True):
        assert row["utfall_2023"] == prev.get(row["stab"])
    assert summa(frame)["utfall_2023"] == sum(prev.values())
    # a stab that only last year had: its utfall_2023, and no figure of the current year
    gone = rows(frame).filter(~pl.col("stab").is_in([f"S{i}" for i in range(len(ys[-1].staber))]))
    assert gone["stab"].to_list() == [f"S{i}" for i in range(len(ys[-1].staber), len(ys[0].staber))]
    for col in ("budget", "utfall", "avvikelse", "avvikelse_pct", "andel_pct"):
        assert gone[col].null_count() == gone.height, col


@SETTINGS
@given(years())
def test_compare_a_year_with_itself_changes_nothing(ys):
    with tempfile.TemporaryDirectory() as folder:
        budgets = load(ys, folder)
        frame = compare_report(budgets, 2024, 2024)
    assert frame.height == len(ys[-1].staber) + 1
    assert frame["forandring"].dtype == pl.Int64
    assert frame["forandring"].to_list() == [0] * frame.height
    pct = frame["forandring_pct"]
    base = frame["utfall_2024"]
    # 0 % where the base is positive, undefined (null) where it is ≤ 0
    assert pct.filter(base > 0).to_list() == [0.0] * int((base > 0).sum())
    assert pct.filter(base <= 0).null_count() == int((base <= 0).sum())


@SETTINGS
@given(years())
def test_compare_two_years_is_exact(ys):
    if len(ys) == 1:
        ys = [Year(2023, ys[0].redovisas_som, ys[0].staber), ys[0]]
    with tempfile.TemporaryDirectory() as folder:
        frame = compare_report(load(ys, folder), 2023, 2024)
    got = rows(frame)
    assert (got["forandring"] == got["utfall_2024"] - got["utfall_2023"]).all()
    total = summa(frame)
    assert total["forandring"] == total["utfall_2024"] - total["utfall_2023"]
    assert total["utfall_2024"] == got["utfall_2024"].sum()
    assert total["utfall_2023"] == got["utfall_2023"].sum()


MONEY_NAMES = {"budget", "utfall", "avvikelse", "forandring"}


def _assert_money_is_int64(frame: pl.DataFrame) -> None:
    for col, dtype in frame.schema.items():
        if col in MONEY_NAMES or col.startswith("utfall_"):
            assert dtype == pl.Int64, (col, dtype)
        elif col.endswith("_pct"):
            assert dtype == pl.Float64, (col, dtype)
        else:
            assert dtype != pl.Float64, (col, dtype)  # no other float column: money never becomes a float


@SETTINGS
@given(years(), st.booleans(), st.sampled_from(["stab", "forvaltning"]))
def test_no_float_money_column(ys, gross, by):
    with tempfile.TemporaryDirectory() as folder:
        budgets = load(ys, folder)
        dev = deviation_report(budgets, 2024, by=by, gross=gross)
        cmp = compare_report(budgets, ys[0].ar, 2024, by=by)
    _assert_money_is_int64(dev)
    _assert_money_is_int64(cmp)
    assert {"budget", "utfall", "avvikelse", "avvikelse_pct", "andel_pct"} <= set(dev.columns)
    assert {"forandring", "forandring_pct", "utfall_2024"} <= set(cmp.columns)
