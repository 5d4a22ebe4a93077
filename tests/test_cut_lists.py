"""Follow-ups in the cuts at the ledger's grain (h81): what a `--top` list and a nested cut carry as data, and what
their notes speak of."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import ROOT

FROM_SIE = ROOT / "examples" / "sie" / "budgets"
PART_SIGNS = "Anm.: Delarna har sin förvaltnings tecken, så att de summerar till raden"
SHARES = "Anm.: Andel av summa är andelen av summans nettokostnad"


def _kinds(tmp_path: Path, groups: str) -> Path:
    """examples/sie/budgets with the 2024 file's own kostnadsslag (`groups`: the YAML lines below `kostnadsslag:`)."""
    d = tmp_path / "budgets"
    shutil.copytree(FROM_SIE, d)
    text = (d / "2024.yaml").read_text(encoding="utf-8")
    (d / "2024.yaml").write_text(text.replace("\nforvaltningar:\n", f"\nkostnadsslag:\n{groups}\nforvaltningar:\n", 1),
                                 encoding="utf-8")
    return d


def _labels(stdout: str, n: int) -> list[str]:
    return [re.split(" {2,}", line)[0] for line in stdout.splitlines()[4:4 + n]]


def test_a_part_whose_name_ends_as_a_whole_rows_label_is_a_part(run, tmp_path):
    """The engine told the rows a `--top` list shows whole by their label's end (`…: hela raden`): a kostnadsslag
    named so (`Köp: hela raden`) made SERV's part no part, and the list of parts of both presentations lost its note
    on their signs. Whether a row is listed whole is now data (`hela_raden`), from which the label is made."""
    d = _kinds(tmp_path, '  intakter: {namn: Intäkter, konton: ["3"]}\n'
                         '  kop_material: {namn: "Köp: hela raden", konton: ["4"]}\n'
                         '  personal: {namn: Personalkostnader, konton: ["5"]}\n'
                         '  ovriga: {namn: Övriga verksamhetskostnader, konton: ["6", "7"]}')
    shown = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "stab,kostnadsslag", "--top", "3")
    assert shown.exit_code == 0, shown.stderr
    assert _labels(shown.stdout, 3) == ["Ekonomistab: Personalkostnader", "Digitaliseringsstab: Personalkostnader",
                                        "Serviceförvaltningen (internt prissatt): Köp: hela raden"], shown.stdout
    assert PART_SIGNS in shown.stdout and SHARES in shown.stdout, shown.stdout
    one = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "kostnadsslag", "--top", "2")
    assert _labels(one.stdout, 2) == ["SERV: Köp: hela raden", "KSF: Personalkostnader"], one.stdout
    assert PART_SIGNS in one.stdout, one.stdout


def test_accounts_without_kostnadsslag_listed_are_a_part(run, tmp_path):
    """In a `--top` list the part test was "has a part key", so SERV's `Konton utan kostnadsslag` (accounts of no
    kostnadsslag: its key is null) was no part: listed beside KSF's staber's Personalkostnader, it got neither the
    note on the signs of parts of two presentations nor that on its share, as it does in the table."""
    d = _kinds(tmp_path, '  intakter: {namn: Intäkter, konton: ["3"]}\n'
                         '  personal: {namn: Personalkostnader, konton: ["5"]}\n'
                         '  ovriga: {namn: Övriga verksamhetskostnader, konton: ["6", "7"]}')
    shown = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "stab,kostnadsslag", "--top", "3")
    assert shown.exit_code == 0, shown.stderr
    assert _labels(shown.stdout, 3) == ["Ekonomistab: Personalkostnader", "Digitaliseringsstab: Personalkostnader",
                                        "Serviceförvaltningen (internt prissatt): Konton utan kostnadsslag"], shown.stdout
    # SERV's 4010 Köpta lokaltjänster: −71,7 against −72,9 as its resultat presents it, −1,2
    assert re.search(r"^Serviceförvaltningen \(internt prissatt\): Konton utan kostnadsslag +-71,7 +-72,9 +-1,2 +-1,7 "
                     r"+53,5 ", shown.stdout, re.M), shown.stdout
    assert PART_SIGNS in shown.stdout and SHARES in shown.stdout, shown.stdout
    table = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "stab,kostnadsslag")
    assert "  Konton utan kostnadsslag" in table.stdout and PART_SIGNS in table.stdout and SHARES in table.stdout
