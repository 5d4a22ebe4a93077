"""Found in review (h160): the month-end messages in one wording (the scripts' early checks are tested with the
scripts, in test_periods.py and test_forms_script.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_closed_year_views import _folder, _year
from test_empty_utfall import _mixed

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "budgets"

# every command with --period, as the month-end close and the forms round run them
PERIOD_COMMANDS = [("deviation",), ("months",), ("check",), ("indicators",), ("compare", "2023", "2024"),
                   ("status",), ("forms", "-o", "{out}"), ("chart", "manader", "-o", "{out}.svg")]


def _error(run, tmp_path: Path, folder: Path, command: tuple[str, ...], period: str) -> str:
    out = tmp_path / "ut"
    result = run(*(a.format(out=out) for a in command), "--budgets", folder, "--period", period)
    assert result.exit_code == 2 and result.stdout == "", result.stdout + result.stderr
    assert not out.exists() and not Path(f"{out}.svg").exists()
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("Error")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.mark.parametrize("command", PERIOD_COMMANDS, ids=lambda c: c[0] + (f"-{c[1]}" if c[0] == "chart" else ""))
def test_a_month_after_the_last_booked_is_said_in_one_wording(run, tmp_path, command):
    """`status`/`forms --period 2024-11` said 'utfall 2024 is booked up to 2024-10, not 2024-11; pick --period 2024-10
    or earlier', `months` (and `chart manader`) 'pick a month up to 2024-10', `deviation` the fullest: every command
    says deviation's."""
    folder = tmp_path / "budgets"
    shutil.copytree(EXAMPLES, folder)
    assert _error(run, tmp_path, folder, command, "2024-11") == (
        f"Error: 2024-11 is not booked yet: utfall 2024 is booked up to 2024-10 ({folder / '2024.yaml'}); pick "
        "--period 2024-10, or add 2024-11 to the utfall once the month is booked")


@pytest.mark.parametrize("command", PERIOD_COMMANDS[:3] + PERIOD_COMMANDS[5:7], ids=lambda c: c[0])
def test_a_month_of_a_budget_only_year_is_said_in_one_wording(run, tmp_path, command):
    """`deviation --period 2027-12` of a year file with a budget alone said '2027.yaml has no utfall yet (a budget
    only); --period needs …', `forms` and `status` '2027-12 is not booked yet: … (a budget only)', `months` '… or
    leave out --period for every month's budget': one wording, the forms round with its own advice."""
    folder = _folder(tmp_path / "budgets")
    (folder / "2027.yaml").write_text(_year(2027, "budget: 1100", "budget: 500", "budget: 600", "budget: 1000"),
                                      encoding="utf-8")
    said = (f"Error: 2027-12 is not booked yet: {folder / '2027.yaml'} has no utfall yet (a budget only); ")
    todo = "add 2027-12 to the utfall once the month is booked (utfall: {2027-12: …}, see README, or kfollow import)"
    expected = (said + f"the forms round asks about a booked month: {todo}, then write its forms"
                if command[0] in ("forms", "status") else said + f"{todo}, or use the year without --period")
    assert _error(run, tmp_path, folder, command, "2027-12") == expected
    if command[0] not in ("forms", "status", "check"):  # the advice holds: the year without --period shows its budget
        assert run(command[0], "--budgets", folder, "--year", "2027").exit_code == 0


@pytest.mark.parametrize("command", PERIOD_COMMANDS, ids=lambda c: c[0] + (f"-{c[1]}" if c[0] == "chart" else ""))
@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_not_booked_yet_names_only_the_tables_whose_rows_stop_there(run, tmp_path, command, kind):
    """A year in two tables, KSF's booked to October and SERV's empty: `status`, `forms` and `months` named no table
    ('booked up to 2024-10, not 2024-11'); every command names KSF's alone, SERV's emptiness being its own warning."""
    folder = _mixed(tmp_path / "budgets", kind)
    assert _error(run, tmp_path, folder, command, "2024-11") == (
        f"Error: 2024-11 is not booked yet: utfall 2024 is booked up to 2024-10 ({folder / f'utfall-ksf-2024.{kind}'}); "
        "pick --period 2024-10, or import 2024-11 once it is booked (kfollow import)")



@pytest.mark.parametrize("args, excel", [
    (("--columns", "radtyp,stab,namn,rubrik,budget"), "Radtyp;Stab;Namn;Rubrik;Budget"),
    (("--by", "forvaltning", "--columns", "forvaltning,namn,rubrik,budget"), "Förvaltning;Namn;Rubrik;Budget"),
    (("--columns", "rubrik,budget"), "Stab;Budget"),  # the label alone stands under its key's header, as in a table
])
def test_each_chosen_column_keeps_its_own_header_in_excel(run, tmp_path, args, excel):
    """`--columns radtyp,stab,namn,rubrik,budget -f excel` headed the rubrik column `Stab`, as the stab's: each column
    its own header (the label `Rubrik` beside its key), csv its machine names, xlsx its label first as before."""
    result = run("deviation", "--budgets", EXAMPLES, *args, "-f", "excel")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.removeprefix("\ufeff").splitlines()
    assert lines[0] == excel
    names = args[-1].split(",")
    assert run("deviation", "--budgets", EXAMPLES, *args, "-f", "csv").stdout.splitlines()[0] == ",".join(names)
    if "stab" in names:
        assert lines[1] == "rad;LED;Ledningsstab;Ledningsstab;18,9"
        import openpyxl

        out = tmp_path / "d.xlsx"
        assert run("deviation", "--budgets", EXAMPLES, *args, "-o", out).exit_code == 0
        rows = [r for r in openpyxl.load_workbook(out).active.iter_rows(values_only=True)]
        assert ("Stab", "Radtyp", "Budget") in rows and ("Ledningsstab", "rad", 18.92857143) in rows


def test_a_renamed_key_and_the_indicators_label_keep_their_own_headers_in_excel(run, tmp_path):
    folder = tmp_path / "budgets"
    shutil.copytree(EXAMPLES, folder)
    year = folder / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace("enhet: tkr\n", "enhet: tkr\nrubriker: {stab: "
                                                             "Verksamhetsområde}\n"), encoding="utf-8")
    result = run("deviation", "--budgets", folder, "--columns", "stab,rubrik,budget", "-f", "excel")
    assert result.stdout.removeprefix("\ufeff").splitlines()[0] == "Verksamhetsområde;Rubrik;Budget", result.stderr
    alone = run("deviation", "--budgets", folder, "--columns", "rubrik,budget", "-f", "excel")
    assert alone.stdout.removeprefix("\ufeff").splitlines()[0] == "Verksamhetsområde;Budget"
    sie = EXAMPLES.parent / "sie" / "budgets"
    indicators = run("indicators", "--budgets", sie, "--columns", "indikator,rubrik,varde_2024", "-f", "excel")
    assert indicators.stdout.removeprefix("\ufeff").splitlines()[:2] == [
        "Nämndindikator;Rubrik;2024", "personalkostnad_andel;Personalkostnader/verksamhetens nettokostnad, KSF (%);62,4"]
