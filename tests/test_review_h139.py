"""Doubts a review left open (session 35, h139): each reproduced, then fixed."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import ROOT, csv_rows
from tests.test_found_in_review import _folder


def _sie_with_stab(tmp_path: Path, year: int, stab: str, namn: str) -> Path:
    """The SIE example with a stab `stab` of KSF added to `year` alone, with a budget of 5010 of 100 000 kr a month
    and no utfall (the import note's control sums left out: the table no longer is the export's)."""
    import json

    d = tmp_path / "sie"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", d)
    path = d / f"{year}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("      EKO:\n", f"      {stab}:\n        namn: {namn}\n"
                                                             "      EKO:\n", 1), encoding="utf-8")
    table = d / f"budget-{year}.csv"
    table.write_text(table.read_text(encoding="utf-8") + "".join(f"{year}-{m:02d},KSF,{stab},,5010,kostnad,100000.00\n"
                                                                 for m in range(1, 13)), encoding="utf-8")
    note = d / f"budget-{year}.csv.kalla.json"
    content = json.loads(note.read_text(encoding="utf-8"))
    content.pop("kontrollsummor")
    note.write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return d


def _labels(stdout: str) -> list[str]:
    table = stdout.split("\n\n")[1].splitlines()[2:]
    return [re.split(" {2,}", line)[0] for line in table]


# 1 -------------------------------------------------------------------------------------------------------------
VERKSAMHETER = ("ar: 2024\norganisation: Testkommun\nenhet: kr\nutfall_fil: utfall-2024.csv\n"
                "budget_fil: budget-2024.csv\n"
                'verksamheter: {"100": Nämnd- och styrelseverksamhet, "920": Gemensamma verksamheter}\n'
                "forvaltningar:\n  KSF:\n    namn: Kommunstyrelseförvaltningen\n")


def test_a_top_list_of_verksamheter_names_them_with_their_code_as_the_table_does(run, tmp_path):
    """`deviation --by verksamhet,kostnadsslag --top` listed `Gemensamma verksamheter: Personalkostnader` where the
    table shows `920 - Gemensamma verksamheter` (and --fail-over said `avvikelsen för Gemensamma verksamheter`):
    the list and the limit's lines name a verksamhet by its code, as the table does."""
    d = _folder(tmp_path, VERKSAMHETER,
                ["2024-01,KSF,,100,5010,kostnad,1000.00", "2024-01,KSF,,920,6410,kostnad,500.00",
                 "2024-01,KSF,,920,5010,kostnad,300.00"],
                ["2024-01,KSF,,100,5010,kostnad,3000.00", "2024-01,KSF,,920,6410,kostnad,200.00",
                 "2024-01,KSF,,920,5010,kostnad,900.00"])
    args = ("deviation", "--budgets", d, "--period", "2024-01", "--unit", "kr", "--by")
    table = run(*args, "verksamhet,kostnadsslag")
    assert table.exit_code == 0, table.stderr
    assert "920 - Gemensamma verksamheter" in _labels(table.stdout), table.stdout
    listed = run(*args, "verksamhet,kostnadsslag", "--top", "5")
    assert listed.exit_code == 0, listed.stderr
    assert _labels(listed.stdout) == ["100 - Nämnd- och styrelseverksamhet: Personalkostnader",
                                      "920 - Gemensamma verksamheter: Personalkostnader",
                                      "920 - Gemensamma verksamheter: Övriga verksamhetskostnader"], listed.stdout
    assert re.search(r"^920 - Gemensamma verksamheter: Övriga verksamhetskostnader +200 +500 +-300 ", listed.stdout,
                     re.M), listed.stdout
    flagged = run(*args, "verksamhet", "--fail-over", "100")
    assert flagged.exit_code == 1
    assert "avvikelsen för 920 - Gemensamma verksamheter är 300 kr (27,3 %), över gränsen" in flagged.stderr, \
        flagged.stderr
    parts = run(*args, "verksamhet,konto", "--fail-over", "100")
    assert "avvikelsen för 920 - Gemensamma verksamheter: 6410 är -300 kr (-150,0 %), över gränsen" in parts.stderr, \
        parts.stderr


def test_a_verksamhet_typed_in_the_year_file_is_listed_whole_with_its_code(run, tmp_path):
    """A verksamhet whose budget is typed in the year file is listed whole, `100 - Nämnd…: hela raden`."""
    d = _folder(tmp_path, "ar: 2024\norganisation: Testkommun\nenhet: tkr\nutfall_fil: utfall-2024.csv\n"
                'verksamheter: {"100": Nämnd- och styrelseverksamhet, "920": Gemensamma verksamheter}\n'
                'forvaltningar:\n  KSF:\n    namn: Kommunstyrelseförvaltningen\n    verksamheter:\n'
                '      "100": {budget: 1500}\n      "920": {budget: 400}\n',
                ["2024-01,KSF,,100,5010,kostnad,1000.00", "2024-01,KSF,,920,6410,kostnad,500.00"])
    listed = run("deviation", "--budgets", d, "--by", "verksamhet,kostnadsslag", "--unit", "tkr", "--top", "5",
                 "-f", "csv")
    assert listed.exit_code == 0, listed.stderr
    rows = csv_rows(listed.stdout)
    assert [(r["verksamhet"], r["namn"]) for r in rows] == [("100", "Nämnd- och styrelseverksamhet"),
                                                           ("920", "Gemensamma verksamheter")]
    text = run("deviation", "--budgets", d, "--by", "verksamhet,kostnadsslag", "--unit", "tkr", "--top", "5")
    assert _labels(text.stdout) == ["100 - Nämnd- och styrelseverksamhet: hela raden",
                                    "920 - Gemensamma verksamheter: hela raden"], text.stdout


# 2 -------------------------------------------------------------------------------------------------------------
NY = ("  NY:\n    namn: Ny förvaltning\n    redovisas_som: nettokostnad\n    staber:\n      NS:\n"
      "        namn: Ny stab\n        budget: 1200.0\n        utfall:\n          2024-01: 90.0\n"
      "          2024-02: 110.0\n          2024-03: 130.0\n")


def _with_ny(tmp_path: Path) -> Path:
    """The example kommun with a förvaltning NY begun in 2024 (none in the file for 2023), booked to March."""
    d = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "budgets", d)
    year = d / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace("\nforvaltningar:\n", "\nforvaltningar:\n" + NY, 1),
                    encoding="utf-8")
    return d


def test_deviation_of_a_forvaltning_begun_this_year_says_why_utfall_of_last_year_is_not_shown(run, tmp_path):
    """`deviation --forvaltning NY`, NY begun this year, left out `Utfall 2023` without a word, where `months` says
    why; beside förvaltningar of both years its `–` and the Summa's counting it as 0 went unsaid too."""
    d = _with_ny(tmp_path)
    alone = run("deviation", "--budgets", d, "--forvaltning", "NY", "--period", "2024-03")
    assert alone.exit_code == 0, alone.stderr
    # (the column is kept, – on every row, as in csv and json whichever förvaltningar are chosen: h143)
    assert re.search(r"^Summa nettokostnad +0,3 +0,3 +0,0 +-10,0 +100,0 +– +1,2$", alone.stdout, re.M), alone.stdout
    assert "Anm.: Utfall 2023 ack. är – för förvaltning NY, som inte finns i filen för 2023." in alone.stdout
    assert "Anm.: Utfall 2023 är – för förvaltning NY, som inte finns i filen för 2023." in \
        run("months", "--budgets", d, "--forvaltning", "NY", "--period", "2024-03").stdout
    stab = run("deviation", "--budgets", d, "--stab", "NS", "--period", "2024-03")
    assert "Anm.: Utfall 2023 ack. är – för Ny stab, som inte finns i filen för 2023." in stab.stdout, stab.stdout
    both = run("deviation", "--budgets", d, "--forvaltning", "NY", "--forvaltning", "KSF", "--period", "2024-03")
    assert re.search(r"^Summa NY +0,3 +0,3 +0,0 +-10,0 +0,8 +– +1,2$", both.stdout, re.M), both.stdout
    assert ("Anm.: Utfall 2023 ack. är – för förvaltning NY, som inte finns i filen för 2023: summan räknar den som 0."
            in both.stdout), both.stdout
    assert "visas inte" not in both.stdout, both.stdout
    old = run("deviation", "--budgets", ROOT / "examples" / "budgets", "--period", "2024-03")
    assert "finns inte i filen för 2023" not in old.stdout, old.stdout


# 4 -------------------------------------------------------------------------------------------------------------
def test_compare_of_a_stab_with_only_a_budget_says_it_has_no_utfall_not_no_budget(run, tmp_path):
    """`compare 2023 2024 --stab OLD --konto 5`, OLD of 2023 alone with a budget on 5010 and no utfall, was refused
    with 'stab OLD has no utfall or budget with an account', where its budget has one (deviation --year 2023 shows
    it): compare shows utfall, and the refusal says so and where the budget is."""
    d = _sie_with_stab(tmp_path, 2023, "OLD", "Gammal stab")
    assert re.search(r"^Gammal stab +1,2 +0,0 +1,2 ", run("deviation", "--budgets", d, "--year", "2023", "--stab", "OLD",
                                                       "--konto", "5").stdout, re.M)
    refused = run("compare", "2023", "2024", "--budgets", d, "--stab", "OLD", "--konto", "5")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.strip().splitlines()[-1] == (
        "Error: --konto 5: nothing to show; stab OLD has no utfall with an account in 2023 or 2024, months 1–10: "
        "compare shows utfall, and none is booked on these accounts; their budget is shown by kfollow deviation "
        "--year 2023 --stab OLD --konto 5"), refused.stderr  # (the command named, h153)


# 5 -------------------------------------------------------------------------------------------------------------
NY_BOOKED = NY.replace("          2024-03: 130.0\n", "".join(f"          2024-{m:02d}: 100.0\n" for m in range(3, 11))) \
    + "        prognos: {2024-08: 1250.0}\n"

def test_a_forvaltning_of_one_forecast_beside_tables_of_pairs_is_named_under_them(run, tmp_path):
    """KSF forecast in April and August, SERV in March and July, NY in August alone: the report of 2024-08 had a
    table per pair of months, and NY, in neither, went without a word. A note under the last says so."""
    d = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "budgets", d)
    year = d / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace("        2024-04: -900.0", "        2024-03: -900.0")
                    .replace("        2024-08: -1600.0", "        2024-07: -1600.0")
                    .replace("\nforvaltningar:\n", "\nforvaltningar:\n" + NY_BOOKED, 1),
                    encoding="utf-8")
    report = run("report", "--budgets", d, "--period", "2024-08", "-o", tmp_path / "t.md")
    assert report.exit_code == 0, report.stderr
    text = (tmp_path / "t.md").read_text(encoding="utf-8")
    note = ("Anm.: Ny förvaltning (en prognos, i augusti) står inte i tabellerna ovan: den har ingen tidigare prognos "
            "till och med augusti 2024 att jämföra med.")
    last = text[text.index("## Prognosen i juli jämfört med prognosen i mars 2024"):]
    assert note in last[:last.index("\n## ", 1)], text
    assert text.count(note) == 1, text
    first = text[text.index("## Prognosen i augusti jämfört med prognosen i april 2024"):]
    assert "Ny förvaltning" not in first[:first.index("\n## ", 1)], text
    # one pair of months: every förvaltning is in its table (a row without the earlier forecast, `–`), no such note
    year.write_text(year.read_text(encoding="utf-8").replace("        2024-03: -900.0", "        2024-04: -900.0")
                    .replace("        2024-07: -1600.0", "        2024-08: -1600.0"), encoding="utf-8")
    assert run("report", "--budgets", d, "--period", "2024-08", "-o", tmp_path / "u.md").exit_code == 0
    one = (tmp_path / "u.md").read_text(encoding="utf-8")
    assert "| **Ny förvaltning** " in one and "står inte i tabellerna ovan" not in one, one


# beside 2 --------------------------------------------------------------------------------------------------------
def test_a_top_list_of_rows_whose_budget_is_met_says_so(run, tmp_path):
    """`deviation --forvaltning NY --top 1`, NY's budget of January–February met to the öre (200 against 90 + 110),
    said 'Ingen avvikelse att lista per stab: budgeten finns inte på den nivån, utan per stab', of a budget that is
    there: it says that budget and utfall are alike on every row."""
    d = _with_ny(tmp_path)
    listed = run("deviation", "--budgets", d, "--forvaltning", "NY", "--period", "2024-02", "--top", "1")
    assert listed.exit_code == 0, listed.stderr
    assert "(inga rader)" in listed.stdout, listed.stdout
    assert "Anm.: Ingen avvikelse att lista: budget och utfall är lika på varje rad." in listed.stdout, listed.stdout
    assert "budgeten finns inte på den nivån" not in listed.stdout, listed.stdout


# beside 4 --------------------------------------------------------------------------------------------------------
def test_compare_under_a_filter_names_only_the_rows_it_shows_as_of_one_year(run, tmp_path):
    """`compare 2023 2024 --stab NYX --stab EKO --konto 5`, NYX begun in 2024 with a budget and no utfall, showed
    EKO's row alone under 'Utfall 2023 ack. är – för Ny stab X, som inte finns i filen för 2023: summorna räknar den
    som 0': of a row the table does not show. The note is of the rows shown; without the filter, where NYX's row is
    shown, it stays."""
    d = _sie_with_stab(tmp_path, 2024, "NYX", "Ny stab X")
    said = "Ny stab X, som inte finns i filen för 2023"
    args = ("compare", "2023", "2024", "--budgets", d, "--stab", "NYX", "--stab", "EKO")
    filtered = run(*args, "--konto", "5")
    assert filtered.exit_code == 0, filtered.stderr
    assert _labels(filtered.stdout) == ["Ekonomistab", "Summa konto 5"], filtered.stdout
    assert said not in filtered.stdout, filtered.stdout
    whole = run(*args)
    assert "Ny stab X" in _labels(whole.stdout) and said in whole.stdout, whole.stdout
