"""An income has two signs in kfollow's tables, each by the report's conventions: positive on `--gross`'s
`varav intäkter` line (a gross amount, as the annual report prints it), and, as a part of a cut by
kostnadsslag, signed as its förvaltning presents its net (negative in a nettokostnad, positive in a
resultat), so that the parts add up to their row. A table with parts of both presentations says so
under it; the README says why."""

from __future__ import annotations

import re

from tests.conftest import ROOT

SIE = ROOT / "examples" / "sie" / "budgets"
SIGNS = "Delarna har sin förvaltnings tecken"


def _cells(text: str, label: str) -> list[list[str]]:
    return [re.split(" {2,}", line.strip()) for line in text.splitlines() if line.strip().startswith(label + "  ")]


def test_a_table_with_income_of_both_signs_says_why(run):
    table = run("deviation", "--budgets", SIE, "--period", "2024-10", "--by", "kostnadsslag")
    assert table.exit_code == 0, table.stderr
    # KSF (nettokostnad): its income negative; SERV (resultat): its income positive, its costs negative
    assert [cells[1:3] for cells in _cells(table.stdout, "Intäkter")] == [["-5,4", "-5,4"], ["71,7", "71,6"]]
    assert _cells(table.stdout, "Köp av verksamhet, material och bidrag")[0][1:3] == ["-71,7", "-72,9"]
    note = next(line for line in table.stdout.splitlines() if SIGNS in line)
    assert note == ("Anm.: Delarna har sin förvaltnings tecken, så att de summerar till raden: under en förvaltning som "
                    "redovisas som nettokostnad är intäkter negativa, under en som redovisas som resultat "
                    "(intäkter − kostnader) positiva och kostnader negativa.")
    nested = run("deviation", "--budgets", SIE, "--period", "2024-10", "--by", "stab,kostnadsslag")
    assert SIGNS in nested.stdout
    compared = run("compare", "2023", "2024", "--budgets", SIE, "--by", "kostnadsslag")
    assert compared.exit_code == 0, compared.stderr
    assert SIGNS in compared.stdout


def test_no_such_note_where_income_has_one_sign(run):
    # one presentation: the parts' signs are the table's own
    alone = run("deviation", "--budgets", SIE, "--period", "2024-10", "--by", "kostnadsslag", "--forvaltning", "KSF")
    assert alone.exit_code == 0 and SIGNS not in alone.stdout
    # costs negative: every part is intäkter − kostnader, income positive everywhere
    turned = run("deviation", "--budgets", SIE, "--period", "2024-10", "--by", "kostnadsslag", "--costs-negative")
    assert turned.exit_code == 0 and SIGNS not in turned.stdout
    assert [cells[1] for cells in _cells(turned.stdout, "Intäkter")] == ["5,4", "71,7"]
    # --gross's varav lines are gross amounts, each positive: no parts
    gross = run("deviation", "--budgets", SIE, "--period", "2024-10", "--gross")
    assert SIGNS not in gross.stdout
    assert [cells[1] for cells in _cells(gross.stdout, "varav intäkter")][-2:] == ["71,7", "77,1"]


def test_the_readme_says_why_income_has_two_signs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "income as income" in readme and "positive" in readme
    assert SIGNS in readme
