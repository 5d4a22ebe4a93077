"""Follow-ups in the cuts at the ledger's grain (h81): what a `--top` list and a nested cut carry as data, and what
their notes speak of."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import ROOT, without_note_sums
from tests.test_whole_rows import ksf_typed_in_2024

FROM_SIE = ROOT / "examples" / "sie" / "budgets"
PART_SIGNS = "Anm.: Delarna har sin förvaltnings tecken, så att de summerar till raden"
SHARES = "Anm.: Andel av summa är – för delarna av en förvaltning som redovisas som resultat"


def _kinds(tmp_path: Path, groups: str) -> Path:
    """examples/sie/budgets with the 2024 file's own kostnadsslag (`groups`: the YAML lines below `kostnadsslag:`)."""
    d = tmp_path / "budgets"
    shutil.copytree(FROM_SIE, d)
    without_note_sums(d)
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
                     r"+– ", shown.stdout, re.M), shown.stdout  # (no share of a resultat's part: h161)
    assert PART_SIGNS in shown.stdout and SHARES in shown.stdout, shown.stdout
    table = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "stab,kostnadsslag")
    assert "  Konton utan kostnadsslag" in table.stdout and PART_SIGNS in table.stdout and SHARES in table.stdout


TYPED = ROOT / "examples" / "budgets"


def _late(tmp_path: Path) -> Path:
    """examples/sie/budgets with KSF typed per stab in 2024 (from examples/budgets), its accounts in 2023 alone."""
    return ksf_typed_in_2024(tmp_path / "late")


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


def test_every_row_of_a_nested_cut_names_its_row(run, tmp_path):
    """`deviation --by stab,kostnadsslag --top 5 -f excel` gave `Stab` as the id alone (`EKO`) with `Namn` holding
    the kostnadsslag: a reader of the file could not tell which stab EKO is. Every row of a nested cut, and of its
    list, now carries its row's name beside the key (`stab_namn`, `Stabens namn`); the columns it had keep their
    names and meaning, and the tables for people (which name the part with its row) are as they were."""
    import json

    from tests.conftest import csv_rows

    args = ("deviation", "--budgets", FROM_SIE, "--period", "2024-10")
    listed = csv_rows(run(*args, "--by", "stab,kostnadsslag", "--top", "5", "-f", "csv").stdout)
    assert [(r["stab"], r["stab_namn"], r["kostnadsslag"], r["namn"]) for r in listed] == [
        ("EKO", "Ekonomistab", "personal", "Personalkostnader"),
        ("DIG", "Digitaliseringsstab", "personal", "Personalkostnader"),
        ("SERV", "Serviceförvaltningen (internt prissatt)", "kop_material", "Köp av verksamhet, material och bidrag"),
        ("EKO", "Ekonomistab", "ovriga", "Övriga verksamhetskostnader"),
        ("DIG", "Digitaliseringsstab", "ovriga", "Övriga verksamhetskostnader")]
    excel = run(*args, "--by", "stab,kostnadsslag", "--top", "5", "-f", "excel").stdout.lstrip("\ufeff").splitlines()
    assert excel[0].startswith("Radtyp;Förvaltning;Stab;Stabens namn;Kostnadsslag;Namn;Redovisas som;Budget;"), excel[0]
    assert excel[1].startswith("rad;KSF;EKO;Ekonomistab;personal;Personalkostnader;nettokostnad;9,6;8,0;1,6;"), excel[1]
    assert json.loads(run(*args, "--by", "stab,kostnadsslag", "--top", "1", "-f", "json").stdout)[0]["stab_namn"] \
        == "Ekonomistab"
    # the whole table: each part, and its rest, named with its stab; the sums name none
    table = csv_rows(run(*args, "--by", "stab,kostnadsslag", "-f", "csv").stdout)
    assert [(r["radtyp"], r["stab_namn"]) for r in table if r["stab"] == "DIG"] == [
        ("radsumma", "Digitaliseringsstab"), *[("del", "Digitaliseringsstab")] * 3,
        ("del_ej_fordelat", "Digitaliseringsstab")]
    assert [r["stab_namn"] for r in table if r["radtyp"] in ("delsumma", "summa")] == ["", ""]
    # by kostnadsslag and konto: the kostnadsslag's name
    accounts = csv_rows(run(*args, "--by", "kostnadsslag,konto", "-f", "csv").stdout)
    assert [(r["kostnadsslag"], r["kostnadsslag_namn"], r["konto"], r["namn"]) for r in accounts if r["radtyp"] == "del"
            and r["forvaltning"] == "KSF"][:2] == [("intakter", "Intäkter", "3510", "Försäljning av tjänster"),
                                                   ("personal", "Personalkostnader", "5010", "Löner till tjänstemän")]
    # (for people the list names the part with its row, as before, and shows no column more)
    text = run(*args, "--by", "stab,kostnadsslag", "--top", "1").stdout
    assert "Stabens namn" not in text and text.splitlines()[4].startswith("Ekonomistab: Personalkostnader  ")


def test_rows_shown_whole_and_verksamheter_carry_their_names(run, tmp_path):
    """`--by stab,konto` beside a förvaltning without accounts (its staber shown whole) and `--by verksamhet,
    kostnadsslag` name each row's stab or verksamhet in csv as they do the parts'."""
    from tests.conftest import csv_rows

    d = tmp_path / "ksf"
    shutil.copytree(FROM_SIE, d)
    without_note_sums(d)
    for year in (2023, 2024):
        for table in (f"utfall-{year}.csv", f"budget-{year}.csv"):
            lines = (d / table).read_text(encoding="utf-8").splitlines(keepends=True)
            (d / table).write_text("".join(line for line in lines if ",KSF," not in line), encoding="utf-8")
        block = re.compile(r"  KSF:\n.*?(?=\n  [A-Z]+:\n)", re.S)
        own = block.search((TYPED / f"{year}.yaml").read_text(encoding="utf-8")).group(0)
        (d / f"{year}.yaml").write_text(block.sub(lambda _: own, (d / f"{year}.yaml").read_text(encoding="utf-8"),
                                                  count=1), encoding="utf-8")
    listed = csv_rows(run("deviation", "--budgets", d, "--period", "2024-10", "--by", "stab,konto", "--top", "3",
                          "-f", "csv").stdout)
    assert [(r["stab"], r["stab_namn"], r["konto"], r["namn"]) for r in listed] == [
        ("EKO", "Ekonomistab", "", "Ekonomistab"),
        ("SERV", "Serviceförvaltningen (internt prissatt)", "4010", "Köpta lokaltjänster"),
        ("DIG", "Digitaliseringsstab", "", "Digitaliseringsstab")]
    v = tmp_path / "verksamhet"
    v.mkdir()
    (v / "2024.yaml").write_text(
        "ar: 2024\norganisation: Testkommun\nenhet: tkr\nutfall_fil: utfall-2024.csv\n"
        'verksamheter: {"100": Nämnd- och styrelseverksamhet, "920": Gemensamma verksamheter}\n'
        'forvaltningar:\n  KSF:\n    namn: Kommunstyrelseförvaltningen\n    verksamheter:\n'
        '      "100": {budget: 1500}\n      "920": {budget: 400}\n', encoding="utf-8")
    (v / "utfall-2024.csv").write_text("period,forvaltning,stab,verksamhet,konto,slag,belopp\n"
                                       "2024-01,KSF,,100,5010,kostnad,1000.00\n2024-01,KSF,,920,6410,kostnad,500.00\n",
                                       encoding="utf-8")
    rows = csv_rows(run("deviation", "--budgets", v, "--by", "verksamhet,kostnadsslag", "--unit", "tkr",
                        "-f", "csv").stdout)
    assert [(r["radtyp"], r["verksamhet"], r["verksamhet_namn"], r["namn"]) for r in rows] == [
        ("radsumma", "100", "Nämnd- och styrelseverksamhet", "Nämnd- och styrelseverksamhet"),
        ("del", "100", "Nämnd- och styrelseverksamhet", "Personalkostnader"),
        ("del_ej_fordelat", "100", "Nämnd- och styrelseverksamhet", "Ej fördelat på kostnadsslag"),
        ("radsumma", "920", "Gemensamma verksamheter", "Gemensamma verksamheter"),
        ("del", "920", "Gemensamma verksamheter", "Övriga verksamhetskostnader"),
        ("del_ej_fordelat", "920", "Gemensamma verksamheter", "Ej fördelat på kostnadsslag"),
        ("summa", "Summa", "", "Summa")]


def test_a_top_lists_notes_on_figures_without_account_speak_of_rows_it_lists(run, tmp_path):
    """Under a `--top` list of SERV's part alone stood 'Utfall för KSF finns inte med konto: det står på raden Ej
    fördelat på kostnadsslag' and 'Budgeten för KSF är skriven i årsfilen …' (on stderr in csv): of a row it does not
    list. Such notes are now said of the förvaltningar a list shows, and where they speak of the row Ej fördelat, only
    where it lists that row; the table keeps them."""
    d = _late(tmp_path)
    budget = ("Anm.: Budgeten för KSF är skriven i årsfilen, inte per konto: budget och avvikelse per kostnadsslag visas "
              "som –, och budgeten står på raden Ej fördelat på kostnadsslag.")
    utfall = "Anm.: Utfall för KSF finns inte med konto: det står på raden Ej fördelat på kostnadsslag."
    args = ("deviation", "--budgets", d, "--year", "2024", "--by")
    one = run(*args, "kostnadsslag", "--top", "1")
    assert one.exit_code == 0, one.stderr
    assert _labels(one.stdout, 1) == ["SERV: Köp av verksamhet, material och bidrag"], one.stdout
    assert "KSF" not in one.stdout, one.stdout
    assert "KSF" not in run(*args, "kostnadsslag", "--top", "1", "-f", "csv").stderr
    two = run(*args, "kostnadsslag", "--top", "2")  # KSF's row Ej fördelat listed: said
    assert budget in two.stdout and utfall in two.stdout, two.stdout
    # with two keys KSF's staber are listed whole, not their rows Ej fördelat: the note on the budget says why (it
    # has no accounts), that on the utfall's row Ej fördelat is not said
    nested = run(*args, "stab,kostnadsslag", "--top", "2")
    assert _labels(nested.stdout, 2) == ["Ekonomistab: hela raden", "Serviceförvaltningen (internt prissatt): Köp av "
                                         "verksamhet, material och bidrag"], nested.stdout
    assert budget in nested.stdout and "Utfall för KSF" not in nested.stdout, nested.stdout
    table = run(*args, "stab,kostnadsslag")
    assert budget in table.stdout and utfall in table.stdout
