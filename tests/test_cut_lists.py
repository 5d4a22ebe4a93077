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


TYPED = ROOT / "examples" / "budgets"


def _late(tmp_path: Path) -> Path:
    """examples/sie/budgets with KSF typed per stab in 2024 (from examples/budgets), its accounts in 2023 alone."""
    d = tmp_path / "late"
    shutil.copytree(FROM_SIE, d)
    for table in ("utfall-2024.csv", "budget-2024.csv"):
        lines = (d / table).read_text(encoding="utf-8").splitlines(keepends=True)
        (d / table).write_text("".join(line for line in lines if ",KSF," not in line), encoding="utf-8")
    block = re.compile(r"  KSF:\n.*?(?=\n  [A-Z]+:\n)", re.S)
    own = block.search((TYPED / "2024.yaml").read_text(encoding="utf-8")).group(0)
    (d / "2024.yaml").write_text(block.sub(lambda _: own, (d / "2024.yaml").read_text(encoding="utf-8"), count=1),
                                 encoding="utf-8")
    return d


def test_the_rest_of_a_forvaltning_typed_per_stab_this_year_has_its_deviation(run, tmp_path):
    """KSF with accounts in 2023 and typed per stab in 2024: `--year 2024 --by kostnadsslag` put its 2024 budget and
    utfall on `Ej fördelat på kostnadsslag 135,1 134,8` with `Avvikelse –`, right above `Summa KSF … 0,3`: both
    figures are there, so the deviation is known, and as a förvaltning shown whole shows it, the rest is all of its
    money of the year (its parts are 2023's utfall): 0,3 and 0,2 %, listed by --top as the table names it."""
    d = _late(tmp_path)
    shown = run("deviation", "--budgets", d, "--year", "2024", "--by", "kostnadsslag")
    assert shown.exit_code == 0, shown.stderr
    assert re.search(r"^Ej fördelat på kostnadsslag +135,1 +134,8 +0,3 +0,2 +99,0 +0,0 +164,5 ", shown.stdout, re.M), \
        shown.stdout
    assert re.search(r"^Summa KSF +135,1 +134,8 +0,3 +0,2 ", shown.stdout, re.M), shown.stdout
    rows = [r for r in run("deviation", "--budgets", d, "--year", "2024", "--by", "kostnadsslag", "--format", "csv",
                           "--unit", "kr", "--exact").stdout.splitlines() if r.startswith("ej_fordelat,KSF,")]
    # 164 500 tkr × 10/12, per stab; utfall January–October 134 806,4 tkr
    assert [r.split(",")[4:9] for r in rows] == [["nettokostnad", "135133333.34", "134806400", "326933.34", "0.2"]], rows
    listed = run("deviation", "--budgets", d, "--year", "2024", "--by", "kostnadsslag", "--top", "2")
    assert _labels(listed.stdout, 2) == ["SERV: Köp av verksamhet, material och bidrag",
                                         "KSF: Ej fördelat på kostnadsslag"], listed.stdout
    # with two keys each stab's rest is its row's money: the stab's deviation, and --top lists the stab whole
    nested = run("deviation", "--budgets", d, "--year", "2024", "--by", "stab,kostnadsslag")
    block = nested.stdout[nested.stdout.index("\nEkonomistab "):nested.stdout.index("\nHR-stab ")]
    assert re.search(r"^  Ej fördelat på kostnadsslag +15,4 +12,9 +2,5 +16,3 ", block, re.M), block
    top = run("deviation", "--budgets", d, "--year", "2024", "--by", "stab,kostnadsslag", "--top", "1")
    assert re.search(r"^Ekonomistab: hela raden +15,4 +12,9 +2,5 +16,3 ", top.stdout, re.M), top.stdout
