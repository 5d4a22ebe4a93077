"""Messages a controller meets at month end: a month not booked yet, December of a year nothing is booked in
(found in review, h154)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from test_empty_utfall import _january

EXAMPLES = ROOT / "examples" / "budgets"
SIE = ROOT / "examples" / "sie" / "budgets"


@pytest.mark.parametrize("command", [("check",), ("deviation",), ("compare", "2023", "2024"), ("indicators",)])
def test_a_month_after_the_last_booked_is_not_booked_yet(run, command):
    """`check --period 2024-11` of a year booked through October advised 'add the months (0 for a month without
    bookings)', as if the month were missing: it is not booked yet, and the advice is to pick October or to add
    November once it is booked."""
    typed = run(*command, "--budgets", EXAMPLES, "--period", "2024-11")
    assert typed.exit_code == 2 and typed.stdout == "", typed.stderr
    assert typed.stderr.splitlines() == [
        f"Error: 2024-11 is not booked yet: utfall 2024 is booked up to 2024-10 ({EXAMPLES / '2024.yaml'}); pick "
        "--period 2024-10, or add 2024-11 to the utfall once the month is booked"], typed.stderr
    imported = run(*command, "--budgets", SIE, "--period", "2024-11")
    assert imported.exit_code == 2 and imported.stdout == "", imported.stderr
    assert imported.stderr.splitlines() == [
        f"Error: 2024-11 is not booked yet: utfall 2024 is booked up to 2024-10 ({SIE / 'utfall-2024.csv'}); pick "
        "--period 2024-10, or import 2024-11 once it is booked (kfollow import)"], imported.stderr
    assert "0 for a month without bookings" not in typed.stderr + imported.stderr


@pytest.fixture
def gap(tmp_path: Path) -> Path:
    """examples/budgets with LED's October left out: a month missing before the last one booked."""
    folder = tmp_path / "gap"
    shutil.copytree(EXAMPLES, folder)
    year = folder / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace("          2024-10: 1849.3\n", "", 1), encoding="utf-8")
    return folder


def test_a_month_missing_before_the_last_booked_is_still_to_be_added(run, gap):
    missing = run("check", "--budgets", gap, "--period", "2024-10")
    assert missing.exit_code == 2, missing.stderr
    assert missing.stderr.splitlines() == [
        f"Error: utfall of LED ({gap / '2024.yaml'}:17) is booked up to 2024-09, not 2024-10; add the months (0 for a "
        "month without bookings) or pick --period 2024-09"], missing.stderr
    later = run("deviation", "--budgets", gap, "--period", "2024-11")
    assert later.exit_code == 2, later.stderr
    assert later.stderr.splitlines() == [
        f"Error: 2024-11 is not booked yet: utfall 2024 is booked up to 2024-10 ({gap / '2024.yaml'}); pick --period "
        "2024-09 (the last month every row is booked), or add 2024-11 to the utfall once the month is booked"]


@pytest.mark.parametrize("command", [("deviation",), ("compare", "2023", "2024"), ("check",), ("indicators",),
                                     ("months",), ("report", "-o", "{out}/rapport.md"),
                                     ("chart", "manader", "-o", "{out}/m.svg")])
def test_december_of_a_year_nothing_is_booked_in_is_not_booked_yet(run, tmp_path, command):
    """`deviation --period 2024-12` of January's empty utfall table showed the whole year with utfall – (December
    counts as the whole year), where `status --period 2024-12` refuses it: every command refuses it the same way,
    exit 2, one line, nothing written."""
    if command[0] == "chart":
        pytest.importorskip("matplotlib")
    folder = _january(tmp_path / "budgets", "csv")
    out = tmp_path / "ut"
    out.mkdir()
    args = [a.format(out=out) for a in command]
    result = run(*args, "--budgets", folder, "--period", "2024-12")
    assert result.exit_code == 2 and result.stdout == "" and not any(out.iterdir()), (result.stdout, result.stderr)
    assert result.stderr.splitlines()[-1].startswith(
        f"Error: 2024-12 is not booked yet: the utfall tables of 2024 ({folder / 'utfall-2024.csv'}) have no rows; "
        "import 2024-12 once it is booked (kfollow import)"), result.stderr
    assert len([ln for ln in result.stderr.splitlines() if ln.startswith("Error")]) == 1
    whole = run(*args, "--budgets", folder)  # (the year without --period shows its budget, as before)
    assert whole.exit_code == 0, whole.stderr


def test_december_of_a_year_given_whole_is_the_year(run, budgets_dir):
    """(December of a year whose utfall is given for the whole year is that year, as before.)"""
    result = run("deviation", "--budgets", budgets_dir, "--period", "2024-12", "-f", "csv")
    assert result.exit_code == 0, result.stderr


def test_december_of_next_years_budget_only_file_is_not_booked_yet(run, tmp_path):
    """(A next year's file with a budget alone, as `forms --period 2027-12` refuses it.)"""
    from test_closed_year_views import _folder, _year

    folder = _folder(tmp_path)
    (folder / "2027.yaml").write_text(_year(2027, "budget: 1100", "budget: 500", "budget: 600", "budget: 1000"),
                                      encoding="utf-8")
    result = run("deviation", "--budgets", folder, "--period", "2027-12")
    assert result.exit_code == 2 and result.stdout == "", result.stderr
    assert result.stderr.splitlines()[-1].startswith(
        f"Error: 2027-12 is not booked yet: {folder}/2027.yaml has no utfall yet (a budget only); add 2027-12 to the "
        "utfall once the month is booked"), result.stderr
    assert run("deviation", "--budgets", folder, "--year", "2027").exit_code == 0


@pytest.mark.parametrize(("command", "option", "typed", "written"), [
    (("deviation",), "--fail-over", ["500", "tkr"], "500tkr"),
    (("check",), "--require-comment-over", ["500", "000", "kr"], "500000kr"),
    (("check",), "--require-comment-over", ["2,5", "mnkr"], "2,5mnkr"),
    (("status", "--period", "2024-08"), "--require-comment-over", ["3", "%"], "3%"),
    (("forms", "--period", "2024-08", "-o", "{out}"), "--require-comment-over", ["500", "TKR"], "500tkr"),
])
def test_an_amount_written_apart_from_its_unit_says_how_to_write_it(run, tmp_path, command, option, typed, written):
    """`deviation --fail-over 500 tkr`, as a Swede writes it, stopped at the parser's 'Got unexpected extra
    argument(s) (tkr)': one line says to write 500tkr, exit 2, nothing written."""
    out = tmp_path / "formular"
    args = [a.format(out=out) for a in command]
    result = run(*args, "--budgets", EXAMPLES, option, *typed)
    assert result.exit_code == 2 and result.stdout == "" and not out.exists(), result.stderr
    assert result.stderr.splitlines() == [
        f"Error: {option} {' '.join(typed)}: {command[0]} takes an amount as one word, its unit and thousands without "
        f"spaces: write {option} {written}"], result.stderr
    as_advised = run(*args, "--budgets", EXAMPLES, option, written)
    assert as_advised.exit_code in (0, 1), as_advised.stderr  # (1: a row beyond the limit, or a comment missing)


def test_an_amount_option_followed_by_another_option_is_read_as_before(run):
    result = run("deviation", "--budgets", EXAMPLES, "--fail-over", "5", "--stab", "EKO", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert "--fail-over 5: avvikelsen för Ekonomistab" not in result.stderr  # (2,5 mnkr is not beyond 5 mnkr)


@pytest.mark.parametrize("kind", ["avvikelse", "manader", "verksamhet"])
def test_a_chart_notes_what_it_wrote_as_report_does(run, budgets_dir, tmp_path, kind):
    """`chart … -o a.svg` said nothing on success, where `report -o` notes on stderr what it wrote; KFOLLOW_QUIET
    leaves the note out, as of report."""
    pytest.importorskip("matplotlib")
    folder = EXAMPLES if kind != "verksamhet" else budgets_dir
    out = tmp_path / f"{kind}.svg"
    result = run("chart", kind, "--budgets", folder, "-o", out)
    assert result.exit_code == 0 and result.stdout == "", result.stderr
    assert result.stderr.splitlines()[-1] == f"note: wrote {out}", result.stderr
    assert out.read_text(encoding="utf-8").startswith("<?xml")
    quiet = run("chart", kind, "--budgets", folder, "-o", tmp_path / "tyst.png", env={"KFOLLOW_QUIET": "1"})
    assert quiet.exit_code == 0 and quiet.stderr == "" and (tmp_path / "tyst.png").stat().st_size > 1000


def test_forms_of_a_year_one_of_whose_tables_is_empty_say_the_years_warnings(run, tmp_path):
    """`forms` of a year where SERV's utfall table is empty and KSF's books October wrote SERV's form (utfall –, a
    forecast asked for) without the warnings `deviation` prints of that year: it prints them, as deviation does,
    and writes the forms, exit 0."""
    from test_empty_utfall import _mixed

    folder = _mixed(tmp_path / "budgets", "csv")
    out = tmp_path / "formular"
    result = run("forms", "--budgets", folder, "--period", "2024-10", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 8 and (out / "2024-10 SERV Serviceförvaltningen (internt prissatt).xlsx").exists()
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("warning:")]
    deviation = run("deviation", "--budgets", folder, "--period", "2024-10")
    assert warnings == [ln for ln in deviation.stderr.splitlines() if ln.startswith("warning:")] == [
        f"warning: {folder / '2024.yaml'}:64: SERV has a budget and no utfall in 2024 while other förvaltningar have "
        f"utfall: its utfall, the Summa and the shares are unknown (–); its utfall table {folder / 'utfall-serv-2024.csv'} "
        "has no rows: import it again (kfollow import), or write its utfall (0 if nothing is booked) and take the table "
        "out of the year file"], result.stderr
    assert result.stderr.splitlines()[-1] == f"forms: 8 form(s) for 2024-10 in {out}"
    booked = run("forms", "--budgets", EXAMPLES, "--period", "2024-10", "-o", tmp_path / "exempel")
    assert booked.exit_code == 0 and "warning" not in booked.stderr, booked.stderr  # (a year without gaps: none)


def test_status_of_a_year_one_of_whose_tables_is_empty_says_the_years_warnings(run, tmp_path):
    """`status --period 2024-10` of a year where SERV's utfall table is empty and KSF's books October listed SERV's
    rows as lacking a forecast, with none of the warnings `deviation` and `forms` print of that year (found in review,
    h154): it prints them too, and its own lines and exit code stay as they were."""
    from test_empty_utfall import _mixed

    folder = _mixed(tmp_path / "budgets", "csv")
    result = run("status", "--budgets", folder, "--period", "2024-10")
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("warning:")]
    deviation = run("deviation", "--budgets", folder, "--period", "2024-10")
    assert warnings == [ln for ln in deviation.stderr.splitlines() if ln.startswith("warning:")], result.stderr
    assert len(warnings) == 1 and warnings[0].startswith(f"warning: {folder / '2024.yaml'}:64: SERV has a budget and "
                                                         "no utfall in 2024"), result.stderr
    assert result.exit_code == 1 and any(ln.startswith("status: ") and "saknar prognos" in ln
                                         for ln in result.stderr.splitlines()), result.stderr
    booked = run("status", "--budgets", EXAMPLES, "--period", "2024-10")
    assert "warning" not in booked.stderr, booked.stderr  # (a year without gaps: none)
