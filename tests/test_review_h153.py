"""Cuts by kostnadsslag and konto in `compare`, and the csv rows of a förvaltning shown whole (review, h153)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, csv_rows

SIE = ROOT / "examples" / "sie" / "budgets"


def _sie_copy(tmp_path: Path) -> Path:
    d = tmp_path / "budgets"
    shutil.copytree(SIE, d)
    return d


def _own_kostnadsslag(tmp_path: Path) -> Path:
    """The SIE example with a year file for 2024 that defines its own kostnadsslag, none of them `personal`."""
    d = _sie_copy(tmp_path)
    path = d / "2024.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "kostnadsslag:\n"
        "  int: {namn: Intäkter, konton: [\"3\"]}\n"
        "  lon: {namn: Löner och arvoden, konton: [\"5\"]}\n"
        "  ovr: {namn: Övrigt, konton: [\"4\", \"6\", \"7\"]}\n"), encoding="utf-8")
    return d


@pytest.mark.parametrize("command", [("deviation",), ("compare", "2023", "2024")])
def test_advice_for_kostnadsslag_first_names_a_kostnadsslag_the_year_has(run, tmp_path, command):
    """`--by kostnadsslag,stab` was told to write `--by stab --kostnadsslag personal` of a year whose own kostnadsslag
    have no `personal`, where following the advice was a second error; it names the year's group of accounts 5."""
    d = _own_kostnadsslag(tmp_path)
    refused = run(*command, "--budgets", d, "--by", "kostnadsslag,stab")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.strip().endswith("or for one kostnadsslag's staber --by stab --kostnadsslag lon")
    followed = run(*command, "--budgets", d, "--by", "stab", "--kostnadsslag", "lon", "-f", "csv")
    assert followed.exit_code == 0, followed.stderr
    # the default groups still have `personal` named
    assert run(*command, "--budgets", SIE, "--by", "kostnadsslag,verksamhet").stderr.strip().endswith(
        "or for one kostnadsslag's verksamheter --by verksamhet --kostnadsslag personal")


def test_kostnadsslag_with_its_accounts_keeps_the_note_on_the_forecasts_compared_with(run, tmp_path):
    """`deviation --by kostnadsslag,konto --against prognos:2024-08`, where a stab had not made its forecast in August,
    lost the note that says which forecast the column compares with (the breakdown of the kostnadsslag into accounts
    put its own notes in their place); `--by kostnadsslag` had it."""
    d = _sie_copy(tmp_path)
    path = d / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("          2024-04: 14157.0\n          2024-08: 14136.0\n",
                                 "          2024-04: 14157.0\n", 1), encoding="utf-8")
    note = ("Anm.: Jmf. prognos t.o.m. 2024-08 är prognosen 2024-08, utom för Samhällsbyggnadsstab (SAM i KSF, "
            "2024-04), som inte gjorde någon prognos 2024-08.")
    for by in ("kostnadsslag", "kostnadsslag,konto"):
        result = run("deviation", "--budgets", d, "--period", "2024-10", "--by", by, "--against", "prognos:2024-08")
        assert result.exit_code == 0, result.stderr
        assert note in result.stdout, by
        # (and the cut's own notes beside it)
        assert "Anm.: Delarna har sin förvaltnings tecken" in result.stdout
        # SAM's forecast of April (14 157 tkr) stands in the sum compared with: 165,4 mnkr for KSF, as --by stab sums
        assert "Summa KSF" in result.stdout and " 165,4 " in next(
            line for line in result.stdout.splitlines() if line.startswith("Summa KSF"))


@pytest.mark.parametrize("year", [2023, 2024])
def test_compare_of_a_stab_with_a_budget_and_no_utfall_names_the_command_that_shows_the_budget(run, tmp_path, year):
    """`compare 2023 2024 --stab OLD --konto 5`, OLD with a budget on 5010 and no utfall in the one year it is in, is
    refused (compare shows utfall, and OLD has none on the accounts: a table of – and 0 is no answer); the refusal
    said 'its budget is in deviation', naming no year, and said so of a filter its budget has no account of either.
    It names the command that shows the budget, and that command shows it: 100 000 kr a month of 5010."""
    from tests.test_review_h139 import _sie_with_stab

    d = _sie_with_stab(tmp_path, year, "OLD", "Gammal stab")
    refused = run("compare", "2023", "2024", "--budgets", d, "--stab", "OLD", "--konto", "5")
    assert refused.exit_code == 2 and refused.stdout == ""
    advice = f"kfollow deviation --year {year} --stab OLD --konto 5"
    assert refused.stderr.strip().splitlines()[-1].endswith(
        f"compare shows utfall, and none is booked on these accounts; their budget is shown by {advice}"), refused.stderr
    shown = run(*advice.split()[1:], "--budgets", d, "-f", "csv", "--exact", "--unit", "kr")
    assert shown.exit_code == 0, shown.stderr
    row = next(r for r in csv_rows(shown.stdout) if r["stab"] == "OLD")
    months = 12 if year == 2023 else 10  # (2024 is booked to October: year to date)
    assert (row["budget"], row["utfall"]) == (str(months * 100_000), "0")
    # a filter OLD's budget has no account of: no command to follow, only the refusal
    other = run("compare", "2023", "2024", "--budgets", d, "--stab", "OLD", "--konto", "6")
    assert other.exit_code == 2 and other.stderr.strip().splitlines()[-1] == (
        "Error: --konto 6: nothing to show; stab OLD has no utfall with an account in 2023 or 2024, months 1–10")


def test_a_forvaltning_shown_as_one_row_is_keyed_alike_in_every_command_and_format(run):
    """SERV, a förvaltning with a `summa` only, is one row: `radtyp` forvaltning, keyed by its own id in the stab
    column, as README's table of columns says and the published tables' test pins for `deviation` (VSS); `--top`,
    `compare` and `status` key it the same, in csv and json (a script telling it from a stab reads `radtyp`)."""
    import json

    from tests.conftest import csv_rows

    commands = [("deviation",), ("deviation", "--top", "5"), ("compare", "2023", "2024"),
                ("status", "--period", "2024-10")]
    for command in commands:
        for fmt in ("csv", "json"):
            result = run(*command, "--budgets", SIE, "-f", fmt)
            assert result.exit_code in (0, 1), result.stderr  # (status: answers missing, exit 1)
            rows = csv_rows(result.stdout) if fmt == "csv" else json.loads(result.stdout)
            whole = [(r["radtyp"], r["forvaltning"], r["stab"], r["namn"]) for r in rows if r["forvaltning"] == "SERV"]
            assert whole == [("forvaltning", "SERV", "SERV", "Serviceförvaltningen (internt prissatt)")], (command, fmt)


def test_a_stab_chosen_beside_others_that_the_filter_keeps_nothing_of_is_named(run, tmp_path):
    """`compare 2023 2024 --stab OLD --stab EKO --konto 5`, OLD with a budget on 5010 and no utfall, showed EKO alone
    and its sum as that of the staber chosen, without a word of OLD (so did `deviation --stab OLD --stab EKO --konto 6`,
    OLD without an account 6): a note names it, as one of a förvaltning so left out, on stderr in csv."""
    from tests.test_review_h139 import _sie_with_stab

    d = _sie_with_stab(tmp_path, 2023, "OLD", "Gammal stab")
    compared = run("compare", "2023", "2024", "--budgets", d, "--stab", "OLD", "--stab", "EKO", "--konto", "5")
    assert compared.exit_code == 0, compared.stderr
    assert "Anm.: Gammal stab (OLD) har inget utfall med de konton som valts och ingår inte." in compared.stdout
    machine = run("compare", "2023", "2024", "--budgets", d, "--stab", "OLD", "--stab", "EKO", "--konto", "5",
                  "-f", "csv", "--exact", "--unit", "kr")
    rows = csv_rows(machine.stdout)
    assert [(r["radtyp"], r["stab"]) for r in rows] == [("rad", "EKO"), ("summa", "Summa")]
    # EKO's 5010 of January–October: 9 348 702 kr in 2023, 8 047 600 kr in 2024 (the fact tables summed)
    assert (rows[0]["utfall_2023"], rows[0]["utfall_2024"]) == ("9348702", "8047600")
    assert "note: Gammal stab (OLD) har inget utfall med de konton som valts och ingår inte." in machine.stderr
    seen = run("deviation", "--budgets", d, "--year", "2023", "--stab", "OLD", "--stab", "EKO", "--konto", "6")
    assert seen.exit_code == 0, seen.stderr
    assert "Anm.: Gammal stab (OLD) har inga belopp med de konton som valts och ingår inte." in seen.stdout
    # both shown: no such note
    both = run("deviation", "--budgets", d, "--year", "2023", "--stab", "OLD", "--stab", "EKO", "--konto", "5")
    assert "ingår inte" not in both.stdout and "Gammal stab " in both.stdout
