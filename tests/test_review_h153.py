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
