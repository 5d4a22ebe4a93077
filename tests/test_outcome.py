"""Outcome from fact tables (`utfall_fil`): both views from the same facts, sparse months, and the
errors a controller can make when naming tables."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kfollow
from kfollow.errors import ExitStatus

YEAR = """\
ar: 2024
organisation: Test
enhet: tkr
utfall_fil: {tables}
verksamheter:
  "100": Politik
  "130": Stöd
  "200": Annat
forvaltningar:
  ADM:
    namn: Administration
    staber:
      NORD: {{namn: Nord, budget: 1200}}
      SYD: {{namn: Syd, budget: 600}}
    verksamheter:
      "100": {{budget: 1000}}
      "130": {{budget: 800}}
"""
HEADER = "period,forvaltning,stab,verksamhet,konto,slag,belopp\n"
FACTS = HEADER + """\
2024-01,ADM,NORD,100,4010,kostnad,50000.00
2024-01,ADM,NORD,100,3010,intakt,-1000.50
2024-02,ADM,SYD,130,4010,kostnad,30000.25
2024-03,ADM,,200,4010,kostnad,7000
2024-03,ADM,SYD,,5010,kostnad,100.00
"""


def _folder(tmp_path: Path, facts: str = FACTS, tables: str = "utfall.csv", year: str = YEAR) -> Path:
    (tmp_path / "2024.yaml").write_text(year.format(tables=tables), encoding="utf-8")
    (tmp_path / "utfall.csv").write_text(facts, encoding="utf-8")
    return tmp_path


def _rows(report) -> dict:
    return {r["rubrik"]: r for r in report.frame.iter_rows(named=True)}


def test_both_views_aggregate_the_same_facts(tmp_path):
    store = kfollow.load(_folder(tmp_path))
    by_stab = _rows(kfollow.deviation(store, 2024, by="stab"))
    by_verksamhet = _rows(kfollow.deviation(store, 2024, by="verksamhet"))
    ore = lambda kr: int(Decimal(kr) * 100)  # noqa: E731
    assert by_stab["Nord"]["utfall"] == ore("50000.00") + ore("-1000.50")
    assert by_stab["Syd"]["utfall"] == ore("30000.25") + ore("100.00")
    assert by_stab["Ej fördelat på stab"]["utfall"] == ore("7000")  # no stab: counted apart, not lost
    assert by_verksamhet["200 - Annat"]["utfall"] == ore("7000")  # a catalogue code the förvaltning did not list
    assert by_verksamhet["Ej fördelat på verksamhet"]["utfall"] == ore("100.00")
    assert by_stab["Summa nettokostnad"]["utfall"] == by_verksamhet["Summa nettokostnad"]["utfall"] == ore("86099.75")


def test_a_table_is_booked_to_its_latest_month_and_gaps_are_zero(tmp_path):
    store = kfollow.load(_folder(tmp_path))
    report = kfollow.deviation(store)
    assert report.period == "2024-03"  # the latest month any row has
    months = kfollow.months(store, 2024).frame
    assert months["utfall"].to_list() == [4899950, 3000025, 710000]  # öre; SYD has nothing in January: 0
    assert store.months.filter(pl.col("nyckel") == "SYD")["utfall"].to_list() == [0, 3000025, 10000]


def test_gross_figures_come_from_slag(tmp_path):
    store = kfollow.load(_folder(tmp_path))
    nord = store.amounts.filter(pl.col("nyckel") == "NORD").row(0, named=True)
    assert (nord["utfall_kostnader"], nord["utfall_intakter"]) == (5_000_000, 100_050)  # intäkter positive


@pytest.mark.parametrize("facts, where, fragment", [
    (HEADER + "2024-01,ADM,NORR,100,4010,kostnad,1.00\n", "utfall.csv:2", "did you mean 'NORD'"),
    (HEADER + "2024-01,ADM,NORD,101,4010,kostnad,1.00\n", "utfall.csv:2", "verksamhet"),
    (HEADER + "2024-01,ADX,NORD,100,4010,kostnad,1.00\n", "utfall.csv:2", "ADM"),
    (HEADER + "2025-01,ADM,NORD,100,4010,kostnad,1.00\n", "utfall.csv:2", "2024"),
    (HEADER + "2024-01,ADM,NORD,100,4010,kostnad,1.00\n2024-01,ADM,NORD,100,4010,kostnad,12,5\n", "utfall.csv:3", ""),
    (HEADER + "2024-01,ADM,NORD,100,4010,kostnad,1.005\n", "utfall.csv:2", "belopp"),
])
def test_a_bad_fact_names_its_line(run, tmp_path, facts, where, fragment):
    result = run("deviation", "--budgets", _folder(tmp_path, facts))
    assert result.exit_code == ExitStatus.DATA, result.stderr
    assert where in result.stderr and fragment in result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


def test_utfall_from_yaml_and_from_a_table_is_an_error(run, tmp_path):
    year = YEAR.replace("NORD: {{namn: Nord, budget: 1200}}", "NORD: {{namn: Nord, budget: 1200, utfall: 3}}")
    result = run("deviation", "--budgets", _folder(tmp_path, year=year))
    assert result.exit_code == ExitStatus.DATA
    assert "has utfall here and in" in result.stderr
    assert "2024.yaml:13:40: " in result.stderr, result.stderr  # at its utfall:, the figure to remove


def test_the_same_month_in_two_tables_names_both_files(run, tmp_path):
    folder = _folder(tmp_path, tables="[utfall.csv, mars.csv]")
    (folder / "mars.csv").write_text(HEADER + "2024-03,ADM,NORD,100,4010,kostnad,1.00\n", encoding="utf-8")
    result = run("deviation", "--budgets", folder)
    assert result.exit_code == ExitStatus.DATA
    assert "utfall.csv" in result.stderr and "mars.csv" in result.stderr


def test_a_missing_table_names_the_year_file_line(run, tmp_path):
    result = run("deviation", "--budgets", _folder(tmp_path, tables="saknas.csv"))
    assert result.exit_code == ExitStatus.IO  # an input that is not there, as README's exit codes say
    assert "2024.yaml:4:13: utfall_fil 'saknas.csv' does not exist" in result.stderr


def test_output_onto_a_table_it_read_is_refused(run, tmp_path):
    folder = _folder(tmp_path)
    result = run("deviation", "--budgets", folder, "-o", folder / "utfall.csv")
    assert result.exit_code == ExitStatus.USAGE
    assert (folder / "utfall.csv").read_text(encoding="utf-8") == FACTS


def test_parquet_tables_read_the_same(tmp_path):
    folder = _folder(tmp_path)
    pl.read_csv(folder / "utfall.csv", infer_schema=False).write_parquet(folder / "utfall.parquet")
    (folder / "2024.yaml").write_text(YEAR.format(tables="utfall.parquet"), encoding="utf-8")
    from_parquet = kfollow.deviation(kfollow.load(folder), 2024).frame
    (folder / "2024.yaml").write_text(YEAR.format(tables="utfall.csv"), encoding="utf-8")
    assert from_parquet.equals(kfollow.deviation(kfollow.load(folder), 2024).frame)


FACT = st.tuples(st.integers(1, 12), st.sampled_from(["NORD", "SYD", ""]), st.sampled_from(["100", "130", "200", ""]),
                 st.sampled_from(["kostnad", "intakt"]), st.integers(-10**9, 10**9))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(FACT, min_size=1, max_size=30))
def test_views_reconcile_for_any_facts(tmp_path_factory, facts):
    rows = [f"2024-{m:02d},ADM,{stab},{verk},4010,{slag},{Decimal(ore) / 100:.2f}"
            for m, stab, verk, slag, ore in facts if stab or verk]
    if not rows:
        return
    folder = _folder(tmp_path_factory.mktemp("facts"), HEADER + "\n".join(rows) + "\n")
    store = kfollow.load(folder)
    total = sum(ore for m, stab, verk, slag, ore in facts if stab or verk)
    for by in ("stab", "verksamhet"):
        summa = kfollow.deviation(store, 2024, by=by).frame.filter(pl.col("radtyp") == "summa")
        assert summa["utfall"].item() == total


@pytest.mark.parametrize("order", ["[q1.csv, q2.csv]", "[q2.csv, q1.csv]"])
def test_a_forvaltning_split_over_tables_by_months(tmp_path, order):
    """January–February in one table, March–April in another: booked to April, each month once,
    whatever the order of the tables."""
    folder = _folder(tmp_path, tables=order)
    (folder / "q1.csv").write_text(HEADER + "2024-01,ADM,NORD,100,4010,kostnad,100\n"
                                   "2024-02,ADM,NORD,100,4010,kostnad,200\n", encoding="utf-8")
    (folder / "q2.csv").write_text(HEADER + "2024-03,ADM,NORD,100,4010,kostnad,1000\n"
                                   "2024-04,ADM,SYD,130,4010,kostnad,2000\n", encoding="utf-8")
    store = kfollow.load(folder)
    report = kfollow.deviation(store)
    assert report.period == "2024-04"
    summa = report.frame.filter(pl.col("radtyp") == "summa").row(0, named=True)
    assert summa["utfall"] == 330_000  # öre
    months = kfollow.months(store, 2024).frame
    assert months["utfall"].to_list() == [10_000, 20_000, 100_000, 200_000]
    assert months["budget"].to_list() == [15_000_000] * 4  # 1 800 tkr a year, even twelfths
