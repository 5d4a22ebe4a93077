"""Cuts by kostnadsslag and konto in `compare`, and the csv rows of a förvaltning shown whole (review, h153)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT

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
    note = ("Anm.: Jmf. prognos t.o.m. 2024-08 är prognosen 2024-08; för rader utan prognos 2024-08 är den från "
            "2024-04.")
    for by in ("kostnadsslag", "kostnadsslag,konto"):
        result = run("deviation", "--budgets", d, "--period", "2024-10", "--by", by, "--against", "prognos:2024-08")
        assert result.exit_code == 0, result.stderr
        assert note in result.stdout, by
        # (and the cut's own notes beside it)
        assert "Anm.: Delarna har sin förvaltnings tecken" in result.stdout
        # SAM's forecast of April (14 157 tkr) stands in the sum compared with: 165,4 mnkr for KSF, as --by stab sums
        assert "Summa KSF" in result.stdout and " 165,4 " in next(
            line for line in result.stdout.splitlines() if line.startswith("Summa KSF"))
