"""A cut of Parquet tables without a filter (`deviation --by stab,kostnadsslag`): each table's pass sums its rows to
the cut's grain in spans of months (`options.Grain`, `facts.Summed`) instead of keeping every row. The figures are
those of kept rows to the öre; a month the sums cannot give is read from the file, never guessed."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kfollow import readahead
from kfollow.engine.operations import compare, deviation
from kfollow.errors import KfollowError
from kfollow.options import Grain, ledger_grain
from kfollow.sources import facts
from kfollow.sources.year_file import load_budgets
from tests.test_fact_sums import EXAMPLE, _as_parquet


def test_the_grain_is_told_by_the_cut_and_the_period_alike_for_the_read_ahead_and_the_command():
    assert ledger_grain("stab", None, None) is False  # no account: the sums alone
    assert ledger_grain("stab,kostnadsslag", None, None) == Grain(("stab",), ())
    assert ledger_grain("verksamhet,konto", None, None, period="2024-08") == Grain(("verksamhet",), (8,))
    assert ledger_grain("kostnadsslag", None, None, period=" 3 ") == Grain((), (3,))
    assert ledger_grain("konto", None, None, period="2024-12") == Grain((), ())  # (the year's twelve months)
    assert ledger_grain("konto", None, None, period="T2") == Grain((), ())  # (no month: the cut reads what it lacks)
    assert ledger_grain("stab,konto", ["5"], None) is True  # a filter: every row kept, for its checks
    assert ledger_grain("stab", None, ["personal"]) is True
    assert ledger_grain("konto", None, None, stab=["EKO"]) is True
    for argv in (["deviation", "--by", "stab,kostnadsslag", "-p", "8"], ["deviation", "--by=stab,kostnadsslag", "-p8"],
                 ["deviation", "--period=2024-08", "--by", "stab,kostnadsslag"]):
        _, options = readahead._read(argv)
        assert ledger_grain(options["--by"], None, None, period=options["--period"]) == Grain(("stab",), (8,)), argv


MONTHS = st.lists(st.tuples(st.integers(1, 12), st.sampled_from(["S1", "S2", ""]), st.sampled_from(["3010", "5010"]),
                            st.integers(-10**6, 10**6), st.sampled_from(["kostnad", "intakt"])), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(rows=MONTHS, spans=st.sets(st.integers(1, 11), max_size=3), month=st.integers(1, 12))
@example(rows=[(3, "S1", "3010", 5, "intakt"), (9, "S1", "3010", 7, "intakt")], spans={8}, month=5)  # a span cut with
# months on both sides of the month
@example(rows=[(3, "S1", "3010", 5, "kostnad"), (7, "S2", "5010", 7, "kostnad")], spans={8}, month=7)  # none after it
@example(rows=[(3, "", "3010", 5, "kostnad"), (4, "", "3010", 7, "intakt")], spans=set(), month=12)  # a key, two slag
def test_the_sums_of_spans_give_a_month_exactly_or_not_at_all(rows, spans, month):
    """`Summed.upto` is the sum of the rows of months 1..month to the öre, and gives one whenever the spans can:
    the month ends a span, or the table has no month on one side of it within the span it cuts."""
    raw = pl.DataFrame([(f"2024-{m:02d}", "ADM", s, "100", k, slag, b) for m, s, k, b, slag in rows], orient="row",
                       schema={c: pl.String for c in facts.CODE_COLUMNS} | {"belopp": pl.Int64})
    ends = tuple(sorted(spans))
    grouped = facts._nulled(facts._summed(raw.lazy(), ("stab",), ends).collect(), ["forvaltning", "stab", "konto", "slag"])
    summed = facts.Summed(("stab",), ends, grouped, None)
    months = {m for m, *_ in rows}
    rows = [row[:4] for row in rows]
    got = summed.upto(["forvaltning", "stab", "konto"], month, months)
    bounds = [0, *ends, 12]
    cut = next(i for i in range(1, len(bounds)) if bounds[i - 1] < month <= bounds[i])
    possible = month == bounds[cut] or not ({m for m in months if bounds[cut - 1] < m <= month}
                                             and {m for m in months if month < m <= bounds[cut]})
    assert (got is not None) == possible
    if got is not None:
        expected = {}
        for m, s, k, b in rows:
            if m <= month:
                key = ("ADM", s or None, k)
                n, total = expected.get(key, (0, 0))
                expected[key] = (n + 1, total + b)
        keys = ["forvaltning", "stab", "konto"]  # (a row per key and slag: summed by the cut)
        summed_up = got.collect().group_by(keys).agg(pl.col("_n", "belopp").sum())
        found = {(r["forvaltning"], r["stab"], r["konto"]): (r["_n"], r["belopp"]) for r in summed_up.iter_rows(named=True)}
        assert {k: v for k, v in found.items() if v[0]} == expected


@pytest.fixture
def parquet_example(tmp_path: Path) -> Path:
    """The SIE example (2023 and 2024, booked through October 2024) with its tables as Parquet."""
    return _as_parquet(tmp_path / "budgets")


@pytest.mark.parametrize("by, period", [("stab,kostnadsslag", None), ("stab,kostnadsslag", "2024-06"),
                                        ("konto", None), ("forvaltning,kostnadsslag", "2024-10"),
                                        ("stab,konto", "2024-03")])
def test_a_cut_read_ahead_is_summed_as_read_and_gives_the_figures_of_kept_rows(parquet_example, monkeypatch, by, period):
    """Read ahead as the command line does (the utfall's last month looked at first), every table is read once and
    summed to the cut; no row is read again, and the report is that of the same tables with every row kept."""
    kept = deviation(load_budgets(parquet_example, ledger=True), 2024, period, by).frame
    passes = []
    monkeypatch.setattr(facts, "_BOOKED", set())  # (as in a process of its own)
    monkeypatch.setattr(facts, "_sums", lambda plan, rows, grain=None, real=facts._sums:
                        passes.append((Path(plan.source.name).name, rows, grain)) or real(plan, rows, grain))
    monkeypatch.setattr(facts.FactTable, "scan", lambda self: pytest.fail(f"{self.name} read again"))
    argv = ["deviation", "--budgets", str(parquet_example), "--by", by, *(["--period", period] if period else [])]
    readahead.start(argv)
    try:
        _, options = readahead._read(argv)
        store = load_budgets(parquet_example, ledger=ledger_grain(by, None, None, period=options.get("--period")))
        summed = deviation(store, 2024, period, by).frame
    finally:
        facts.drop_ahead()
    assert summed.equals(kept) and summed.height > 5
    assert sorted(name for name, _, _ in passes) == ["budget-2023.parquet", "budget-2024.parquet",
                                                     "utfall-2023.parquet", "utfall-2024.parquet"]
    assert all(rows is False and grain is not None for _, rows, grain in passes)
    assert 10 in facts._BOOKED  # (the month 2024's utfall is booked through, looked at before the tables)


def test_a_month_the_sums_cannot_give_is_read_from_the_file(parquet_example, monkeypatch):
    """Summed for the whole year only (no month looked at first), a cut up to June of tables booked on both sides
    of it reads the rows from the file: the figures are still those of kept rows."""
    monkeypatch.setattr(facts, "_BOOKED", set())
    kept = load_budgets(parquet_example, ledger=True)
    store = load_budgets(parquet_example, ledger=Grain(("stab",), ()))
    scans = []
    real = facts.FactTable.scan
    monkeypatch.setattr(facts.FactTable, "scan", lambda self: scans.append(Path(self.name).name) or real(self))
    for period in (None, "2024-06"):
        assert deviation(store, 2024, period, "stab,kostnadsslag").frame.equals(
            deviation(kept, 2024, period, "stab,kostnadsslag").frame)
    assert compare(store, 2023, 2024, "stab,kostnadsslag", period="2024-06").frame.equals(
        compare(kept, 2023, 2024, "stab,kostnadsslag", period="2024-06").frame)
    assert scans and set(scans) <= {"budget-2023.parquet", "budget-2024.parquet", "utfall-2023.parquet",
                                    "utfall-2024.parquet"}


def test_csv_tables_keep_their_rows_for_a_grain():
    """A CSV table has no cheap column to sum apart: its rows are kept for a cut as before, and the figures agree."""
    grain = load_budgets(EXAMPLE, ledger=Grain(("stab",), ()))
    assert grain.ledger.summed(2024, ["forvaltning", "stab", "konto"], 10) is None
    assert deviation(grain, 2024, None, "stab,kostnadsslag").frame.equals(
        deviation(load_budgets(EXAMPLE, ledger=True), 2024, None, "stab,kostnadsslag").frame)


def test_a_damaged_table_summed_for_a_cut_is_named_as_with_kept_rows(parquet_example, run):
    """A damaged table summed for a cut is named as a cut with kept rows names it, and no figure is shown."""
    table = parquet_example / "utfall-2024.parquet"
    data = bytearray(table.read_bytes())
    middle = len(data) // 3
    data[middle:middle + 64] = b"\xff" * 64  # (the footer intact: the pass, not the plan, meets the damage)
    table.write_bytes(bytes(data))
    summed = run("deviation", "--by", "stab,kostnadsslag", "--budgets", parquet_example, "--format", "csv")
    kept = run("deviation", "--by", "stab,kostnadsslag", "--konto", "3", "--konto", "4", "--konto", "5", "--konto",
               "6", "--konto", "7", "--budgets", parquet_example, "--format", "csv")  # (a filter: rows kept)
    assert summed.exit_code == kept.exit_code != 0 and summed.stdout == ""
    assert "utfall-2024.parquet" in summed.stderr and summed.stderr == kept.stderr, summed.stderr


def test_an_account_of_no_month_of_the_period_is_no_part_of_its_gross_figures(tmp_path: Path, run):
    """An account whose budget of a stab begins after the period (3010 of S0 in February, a cut of January) has no
    sums of those months: in the sums of spans it is a row of 0 öre and no facts, which must not be a part. Its
    account is booked as both kostnad and intakt (T2's), so a part of it made S0's budget_kostnader unknown (empty),
    where the same tables as CSV have 0."""
    head = ["period", "forvaltning", "stab", "verksamhet", "konto", "slag", "belopp"]
    utfall = [("2024-01", "T1", "S0", None, "3010", "intakt", "-100.00")]
    budget = [("2024-02", "T1", "S0", None, "3010", "intakt", "-500.00"), ("2024-01", "T2", None, None, "3010", "kostnad", "40.00"),
              ("2024-01", "T1", "S0", None, "5010", "kostnad", "900.00")]
    args = ["deviation", "--by", "stab,kostnadsslag", "--period", "1", "--unit", "kr", "--format", "csv", "--exact",
            "--columns", "namn,budget,budget_kostnader,budget_intakter"]
    out = {}
    for ext in ("csv", "parquet"):
        d = tmp_path / ext
        d.mkdir()
        (d / "2024.yaml").write_text(_year(2024).replace(".parquet", f".{ext}"), encoding="utf-8")
        for name, rows in (("utfall", utfall), ("budget", budget)):
            getattr(pl.DataFrame(rows, orient="row", schema=head), f"write_{ext}")(d / f"{name}-2024.{ext}")
        result = run(*args, "--budgets", d)
        assert result.exit_code == 0, result.stderr
        out[ext] = result.stdout
    assert "Stab S0,900,900,0\nIntäkter,0,0,0\nPersonalkostnader,900,900,0\n" in out["csv"]
    assert out["parquet"] == out["csv"]


KONTO = {"3010": "intakt", "4010": "kostnad", "5010": "kostnad", "6410": "kostnad"}


def _year(ar: int) -> str:
    return "\n".join([f"ar: {ar}", "organisation: Testkommun", "enhet: kr", f"utfall_fil: utfall-{ar}.parquet",
                      f"budget_fil: budget-{ar}.parquet", "verksamheter:", '  "100": Nämnd- och styrelseverksamhet',
                      '  "200": Gator och vägar', "forvaltningar:", "  T1:", "    namn: Tabell T1", "    staber:",
                      "      S0:", "        namn: Stab S0", "      S1:", "        namn: Stab S1", "    verksamheter:",
                      '      "100": {}', '      "200": {}', "  T2:", "    namn: Tabell T2", ""])


# a row of a table: förvaltning, stab, verksamhet (T2 has neither), konto, öre, and whether its slag is the other one
ROW = st.tuples(st.sampled_from(["T1", "T1", "T2"]), st.sampled_from(["S0", "S1", ""]), st.sampled_from(["100", "200", ""]),
                st.sampled_from(sorted(KONTO)), st.integers(-10**6, 10**6), st.booleans())
TABLE = st.lists(st.tuples(st.integers(0, 12), ROW), max_size=14)  # month 0: a budget's row for the year (YYYY)


def _rows(ar: int, drawn, budget: bool, booked: int) -> pl.DataFrame:
    rows = []
    for month, (f, s, v, k, b, other_slag) in drawn:
        if not budget and not 1 <= month <= booked:
            continue
        if f == "T2":
            s = v = ""
        slag = KONTO[k] if not other_slag else ("kostnad" if KONTO[k] == "intakt" else "intakt")
        rows.append((f"{ar}" if month == 0 else f"{ar}-{month:02d}", f, s or None, v or None, k, slag, f"{b / 100:.2f}"))
    return pl.DataFrame(rows, orient="row", schema={c: pl.String for c in facts.COLUMNS})


ONE = [(12, ("T1", "S0", "100", "5010", 3, False)), (12, ("T2", "", "", "5010", 4, False))]  # (a table of T1 and T2)


@settings(max_examples=60, deadline=None)
@given(tables=st.tuples(TABLE, TABLE, TABLE, TABLE), booked=st.tuples(st.integers(1, 12), st.integers(1, 12)),
       keys=st.sampled_from([(), ("stab",), ("verksamhet",), ("stab", "verksamhet")]),
       months=st.sets(st.integers(1, 11), max_size=2), ahead=st.sets(st.integers(1, 12), max_size=3),
       by=st.sampled_from(["stab,kostnadsslag", "konto", "verksamhet,konto", "forvaltning,kostnadsslag", "stab,konto"]),
       period=st.one_of(st.none(), st.integers(1, 12)),
       stated=st.one_of(st.just("footer"), st.none(), st.tuples(st.integers(1, 12), st.integers(1, 12))))
@example(tables=([], [(0, ("T1", "S0", "100", "3010", 0, False)), (0, ("T2", "S0", "100", "3010", 0, False))],
                 [(0, ("T1", "S0", "100", "3010", 0, False)), (1, ("T1", "S0", "100", "3010", 0, False))],
                 [(0, ("T1", "S0", "100", "3010", 0, False)), (0, ("T2", "S0", "100", "3010", 0, True)),
                  (2, ("T1", "S0", "100", "3010", 0, False))]),
         booked=(1, 1), keys=("stab",), months=set(), ahead=set(), by="stab,kostnadsslag", period=None,
         stated="footer")  # (found by it:
# an account of no month of the period, a part of 0 and no facts, made a gross figure of an account of both slag unknown)
@example(tables=(ONE, ONE, [(3, ("T1", "S0", "100", "5010", 5, False)), (9, ("T1", "S1", "200", "5010", 7, False)),
                            (3, ("T2", "", "", "5010", 2, False))], ONE),
         booked=(12, 10), keys=("stab",), months={5}, ahead={10}, by="stab,kostnadsslag", period=5,
         stated=(6, 12))  # (footers that state no month before June, of rows of March: no span ends at May)
def test_a_cut_of_summed_tables_is_that_of_kept_rows(tables, booked, keys, months, ahead, by, period, stated):
    """Random small Parquet tables of two years: whatever grain they were summed to and whatever months the spans end
    at (the grain's, and those utfall tables were booked through, `_BOOKED`), `deviation` and `compare` of the sums
    give to the öre what every row kept gives, or the same error; also where the footers' statistics state other
    months than the rows have (`stated`: (first, last) for every table, None for none, "footer" as written), as a
    writer's statistics may: a wrong statement costs a read of the file, never a figure."""
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        d = Path(folder)
        for i, ar in enumerate((2023, 2024)):
            (d / f"{ar}.yaml").write_text(_year(ar), encoding="utf-8")
            _rows(ar, tables[2 * i], False, booked[i]).write_parquet(d / f"utfall-{ar}.parquet")
            _rows(ar, tables[2 * i + 1], True, 12).write_parquet(d / f"budget-{ar}.parquet")

        def outcome(ledger):
            try:
                store = load_budgets(d, ledger=ledger)
                p = None if period is None else f"2024-{period:02d}"
                return [deviation(store, 2024, p, by).frame, compare(store, 2023, 2024, by, period=p).frame]
            except KfollowError as exc:
                return str(exc)

        kept = outcome(True)
        patch.setattr(facts, "_BOOKED", set(ahead))
        if stated != "footer":
            patch.setattr(facts, "_stated_months", lambda _: stated)
        summed = outcome(Grain(keys, tuple(sorted(months))))
        if isinstance(kept, str) or isinstance(summed, str):
            assert summed == kept
        else:
            for got, expected in zip(summed, kept):
                assert got.equals(expected), (got, expected)


@pytest.mark.parametrize("by", ["stab,kostnadsslag", "STAB,Konto"])
def test_a_load_not_read_ahead_looks_at_the_booked_month_first_and_reads_no_table_again(parquet_example, monkeypatch,
                                                                                       by):
    """A load for a cut without the read ahead (the library, a test's command line) looks at the month the latest
    utfall is booked through before it reads the tables too: the year's cut and the year before's (up to October)
    come from the sums, no file is read again (found in review, h138); `--by` is read as `parse_by` reads it."""
    kept = load_budgets(parquet_example, ledger=True)
    expected = deviation(kept, 2024, None, by).frame, compare(kept, 2023, 2024, by).frame
    monkeypatch.setattr(facts, "_BOOKED", set())
    monkeypatch.setattr(facts.FactTable, "scan", lambda self: pytest.fail(f"{self.name} read again"))
    store = load_budgets(parquet_example, ledger=ledger_grain(by, None, None))
    assert deviation(store, 2024, None, by).frame.equals(expected[0])
    assert compare(store, 2023, 2024, by).frame.equals(expected[1])


def test_a_table_beyond_the_rows_kept_is_not_summed_to_a_grain(parquet_example, monkeypatch):
    """A table of more rows than KEEP_PARQUET_ROWS is neither kept nor summed for a cut (the sums' queries share the
    file's scan, which polars then holds whole: 1,15 GB at 10 M rows); the cut reads its rows from the file, and the
    figures are those of kept rows."""
    monkeypatch.setattr(facts, "KEEP_PARQUET_ROWS", 5)
    store = load_budgets(parquet_example, ledger=Grain(("stab",), ()))
    assert store.ledger.summed(2024, ["forvaltning", "stab", "konto"], 10) is None
    monkeypatch.setattr(facts, "KEEP_PARQUET_ROWS", 10**9)
    summed = load_budgets(parquet_example, ledger=Grain(("stab",), ()))
    assert summed.ledger.summed(2024, ["forvaltning", "stab", "konto"], 10) is not None
    assert deviation(store, 2024, None, "stab,kostnadsslag").frame.equals(
        deviation(summed, 2024, None, "stab,kostnadsslag").frame)
