"""The messages of a year whose utfall tables are booked unevenly (session 39, h159): one förvaltning's table empty
beside another's booked to October (`_mixed`), or short of it, and January's empty table."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import csv_rows
from test_empty_utfall import HEADER, _january, _mixed


@pytest.fixture(params=["csv", "parquet"])
def mixed(request, tmp_path):
    folder = _mixed(tmp_path / "budgets", request.param)
    return folder, request.param


def _short(folder: Path, kind: str) -> Path:
    """`_mixed` with SERV's table booked: its rows of the example up to September, KSF's to October."""
    import polars as pl

    from test_empty_utfall import EXAMPLE

    rows = [ln for ln in (EXAMPLE / "utfall-2024.csv").read_text(encoding="utf-8").splitlines(keepends=True)
            if ",SERV," in ln and not ln.startswith("2024-10")]
    table = folder / f"utfall-serv-2024.{kind}"
    if kind == "csv":
        table.write_text(HEADER + "".join(rows), encoding="utf-8")
    else:
        (folder / "serv.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
        pl.read_csv(folder / "serv.csv", infer_schema=False).write_parquet(table)
        (folder / "serv.csv").unlink()
    return folder


@pytest.mark.parametrize("command", [("deviation",), ("compare", "2023", "2024"), ("check",), ("indicators",)])
@pytest.mark.parametrize("month", ["2024-11", "2024-12"])
def test_a_month_not_booked_names_the_tables_booked_to_the_last_month(run, mixed, command, month):
    """`deviation --period 2024-11` said 'utfall 2024 is booked up to 2024-10 (utfall-ksf-2024.csv,
    utfall-serv-2024.csv)', of SERV's table that books no month: it names KSF's table, which books up to October."""
    folder, kind = mixed
    result = run(*command, "--budgets", folder, "--period", month)
    assert result.exit_code == 2 and result.stdout == "", (result.stdout, result.stderr)
    assert result.stderr.splitlines()[-1] == (
        f"Error: {month} is not booked yet: utfall 2024 is booked up to 2024-10 ({folder / f'utfall-ksf-2024.{kind}'}); "
        f"pick --period 2024-10, or import {month} once it is booked (kfollow import)"), result.stderr


def test_a_month_one_table_is_short_of_names_that_table(run, mixed):
    """(KSF's table booked to October, SERV's to September: `--period 2024-10` named both tables as SERV's.)"""
    folder, kind = mixed
    _short(folder, kind)
    result = run("deviation", "--budgets", folder, "--period", "2024-10")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"Error: utfall of SERV in {folder / f'utfall-serv-2024.{kind}'} is booked up to 2024-09, not 2024-10; import "
        "the months up to 2024-10 (kfollow import) or pick --period 2024-09"), result.stderr
    later = run("deviation", "--budgets", folder, "--period", "2024-11")
    assert later.stderr.splitlines()[-1] == (
        f"Error: 2024-11 is not booked yet: utfall 2024 is booked up to 2024-10 ({folder / f'utfall-ksf-2024.{kind}'}, "
        f"{folder / f'utfall-serv-2024.{kind}'}); pick --period 2024-09 (the last month every row is booked), or "
        "import 2024-11 once it is booked (kfollow import)"), later.stderr


@pytest.mark.parametrize("command", [("deviation",), ("compare", "2023", "2024"), ("check",), ("indicators",),
                                     ("months",)])
@pytest.mark.parametrize("month", ["2024-03", "3", "2024-12"])
def test_a_month_of_a_year_nothing_is_booked_in_is_not_booked_yet_as_status_says(run, tmp_path, command, month):
    """`deviation --period 2024-03` of January's empty table said 'the utfall tables of 2024 (…) book no month; import
    the months (kfollow import) or use the year without --period', where `status --period 2024-03` says '2024-03 is
    not booked yet: the utfall tables of 2024 (…) have no rows; …': one wording, each with what it has to do."""
    folder = _january(tmp_path / "budgets", "csv")
    table = folder / "utfall-2024.csv"
    period = "2024-03" if month == "3" else month
    result = run(*command, "--budgets", folder, "--period", month)
    assert result.exit_code == 2 and result.stdout == "", (result.stdout, result.stderr)
    assert result.stderr.splitlines()[-1] == (
        f"Error: {period} is not booked yet: the utfall tables of 2024 ({table}) have no rows; import {period} once it "
        "is booked (kfollow import), or use the year without --period"), result.stderr
    status = run("status", "--budgets", folder, "--period", month)
    assert status.exit_code == 2 and status.stderr.splitlines()[-1].startswith(
        f"Error: {period} is not booked yet: the utfall tables of 2024 ({table}) have no rows; "), status.stderr


@pytest.mark.parametrize("command", [("deviation",), ("deviation", "--period", "2024-10"), ("months",),
                                     ("forms", "--period", "2024-10", "-o", "{out}")])
def test_a_forvaltning_whose_table_is_empty_is_said_so_in_one_line(run, mixed, tmp_path, command):
    """SERV's warning advised 'write its utfall (0 if nothing is booked) or add it to the utfall table', of a
    förvaltning whose table is named in the year file and empty, while the line beside it said 'importera den igen
    … eller ta bort den ur årsfilen': one line says that its table has no rows, with what each said to do."""
    folder, kind = mixed
    empty = folder / f"utfall-serv-2024.{kind}"
    result = run(*[a.format(out=tmp_path / "ut") for a in command], "--budgets", folder)
    assert result.exit_code == 0, result.stderr
    assert [ln for ln in result.stderr.splitlines() if ln.startswith("warning:")] == [
        f"warning: {folder / '2024.yaml'}:64: SERV has a budget and no utfall in 2024 while other förvaltningar have "
        f"utfall: its utfall, the Summa and the shares are unknown (–); its utfall table {empty} has no rows: import "
        "it again (kfollow import), or write its utfall (0 if nothing is booked) and take the table out of the year "
        "file"], result.stderr
    # (a förvaltning shown without SERV: the table's own line, as before)
    ksf = run("deviation", "--budgets", folder, "--forvaltning", "KSF")
    assert [ln for ln in ksf.stderr.splitlines() if ln.startswith("warning:")] == [
        f"warning: {folder / '2024.yaml'}: {empty} har inga rader; importera den igen (kfollow import) eller ta bort "
        "den ur årsfilen (kfollow check lists such findings)"], ksf.stderr


def test_check_says_the_forvaltning_whose_table_is_empty_once(run, mixed):
    folder, kind = mixed
    empty = folder / f"utfall-serv-2024.{kind}"
    check = run("check", "--budgets", folder, "-f", "csv")
    assert check.exit_code == 0, check.stderr
    said = [r for r in csv_rows(check.stdout) if "SERV" in r["meddelande"] or str(empty) in r["meddelande"]]
    assert [(r["kod"], r["meddelande"]) for r in said] == [
        ("forvaltning_utan_utfall", f"SERV har budget men inget utfall 2024, medan andra förvaltningar har utfall: dess "
         f"utfall, summan och andelarna är okända (–); dess utfallstabell {empty} har inga rader: importera den igen "
         "(kfollow import), eller skriv dess utfall (0 om inget är bokat) och ta bort tabellen ur årsfilen")], said


def test_months_of_the_forvaltning_without_utfall_says_why_its_utfall_is_missing(run, mixed):
    """`months --forvaltning SERV` showed utfall – in every month with no note under the table (stderr warned), where
    `months` of the whole year says 'Anm.: Utfall saknas för SERV: …'."""
    folder, _ = mixed
    result = run("months", "--budgets", folder, "--forvaltning", "SERV")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [ln.split()[2] for ln in lines if ln.startswith("2024-")] == ["–"] * 10
    assert "Anm.: Utfall saknas för SERV: dess utfall visas som – varje månad." in lines, result.stdout
    # (the whole year's note as before; KSF's months have utfall and no such note)
    assert "Anm.: Utfall saknas för SERV: summan av förvaltningarnas utfall visas som – varje månad." in run(
        "months", "--budgets", folder).stdout
    assert "Utfall saknas" not in run("months", "--budgets", folder, "--forvaltning", "KSF").stdout
    # (a table left without its utfall columns has no note on them)
    narrow = run("months", "--budgets", folder, "--forvaltning", "SERV", "--columns", "manad,budget")
    assert narrow.exit_code == 0 and "Utfall saknas" not in narrow.stdout, narrow.stdout


@pytest.mark.parametrize("by", [(), ("--by", "forvaltning")])
def test_deviation_of_the_forvaltning_without_utfall_says_why_its_utfall_is_missing(run, mixed, by):
    """(`deviation --forvaltning SERV` likewise: utfall – on every row and the Summa, without a word under the table,
    where the whole year's table says 'Anm.: Utfall saknas för SERV: …'; `compare` says it.)"""
    folder, _ = mixed
    result = run("deviation", "--budgets", folder, "--forvaltning", "SERV", *by)
    assert result.exit_code == 0, result.stderr
    assert "Anm.: Utfall saknas för SERV: dess rader och summan visar –." in result.stdout.splitlines(), result.stdout
    assert "Utfall saknas" not in run("deviation", "--budgets", folder, "--forvaltning", "KSF", *by).stdout
    assert "Anm.: Utfall saknas för SERV: dess rader, summan och andelarna av summan visar –." in run(
        "deviation", "--budgets", folder, *by).stdout
