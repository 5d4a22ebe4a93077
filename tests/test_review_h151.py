"""Last year's column (`Utfall 2023` / `Utfall 2023 ack.`) in `deviation` and its cuts (session 38, h151): each
doubt reproduced with the example kommun, then fixed."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.conftest import ROOT, csv_rows

NEW_STAB = ("      NST:\n        namn: Ny stab i KSF\n        budget: 1200.0\n        utfall:\n"
            + "".join(f"          2024-{m:02d}: 100.0\n" for m in range(1, 11)))


def _with_new_stab(tmp_path: Path, stab: str = NEW_STAB) -> Path:
    """The example kommun with a stab NST of KSF begun in 2024 (KSF is in the file for 2023, NST is not), written
    as `stab` says (here booked 100 tkr a month of a budget of 1 200 tkr)."""
    d = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "budgets", d)
    path = d / "2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("      FRI:\n", stab + "      FRI:\n", 1),
                    encoding="utf-8")
    return d


# 1 -------------------------------------------------------------------------------------------------------------
NOTE_NEW_STAB = ("Utfall 2023 ack. är – för Ny stab i KSF, som inte finns i filen för 2023: summorna räknar den som 0, "
                 "då inget bokades på den det året.")


def test_a_stab_begun_this_year_shown_with_the_others_is_noted_where_the_sums_count_it_as_0(run, tmp_path):
    """`deviation` with no filter showed a stab begun this year (in a förvaltning of both years) with `Utfall 2023
    ack.` – and its Summa counting it as 0 without a word, where `--stab NST` says so: the note is under the table,
    on stderr in csv and json, and no figure changes (KSF's January–March 2023 40 058,5 tkr, with SERV's 711,7 40 770,2, summed by hand from
    the file for 2023)."""
    d = _with_new_stab(tmp_path)
    args = ("deviation", "--budgets", d, "--period", "2024-03", "--unit", "tkr")
    text = run(*args)
    assert text.exit_code == 0, text.stderr
    assert re.search(r"^Ny stab i KSF +300 +300 +0 +0,0 +[\d,]+ +– +1\u00a0200$", text.stdout, re.M), text.stdout
    assert re.search(r"^Summa KSF( +-?[\d\u00a0,]+){5} +40\u00a0059 ", text.stdout, re.M), text.stdout
    assert "Anm.: " + NOTE_NEW_STAB in text.stdout, text.stdout
    assert "note:" not in text.stderr
    rows = csv_rows((csv := run(*args, "-f", "csv")).stdout)
    assert [(r["radtyp"], r["stab"], r["utfall_2023"]) for r in rows if r["stab"] in ("NST", "KSF", "Summa")] == [
        ("rad", "NST", ""), ("delsumma", "KSF", "40059"), ("summa", "Summa", "40770")]
    assert "note: " + NOTE_NEW_STAB + "\n" in csv.stderr, csv.stderr
    by_json = run(*args, "-f", "json")
    assert "note: " + NOTE_NEW_STAB + "\n" in by_json.stderr, by_json.stderr
    assert [r["utfall_2023"] for r in json.loads(by_json.stdout) if r["stab"] == "NST"] == [None]
    assert NOTE_NEW_STAB in run(*args, "-f", "md").stdout
    import openpyxl

    assert run(*args, "-o", tmp_path / "x.xlsx").exit_code == 0
    cells = [c for row in openpyxl.load_workbook(tmp_path / "x.xlsx").active.iter_rows(values_only=True) for c in row]
    assert any(NOTE_NEW_STAB in str(c) for c in cells), cells
    # the förvaltning chosen, not the stab: the same rows, the same note
    assert "Anm.: " + NOTE_NEW_STAB in run(*args, "--forvaltning", "KSF").stdout
    # (a stab of both years alone, and the example as it is: nothing to note)
    assert "som inte finns i filen" not in run(*args, "--stab", "EKO").stdout
    assert "som inte finns i filen" not in run("deviation", "--budgets", ROOT / "examples" / "budgets",
                                                "--period", "2024-03").stdout


# 2 -------------------------------------------------------------------------------------------------------------
def test_the_notes_on_last_years_column_name_it_as_its_header_does(run, tmp_path, budgets_copy):
    """Beside a förvaltning of both years, the note on one begun this year (NY) said `Utfall 2023 är – …` under a
    column headed `Utfall 2023 ack.`, where the note of `--forvaltning NY` says `Utfall 2023 ack.`; so did the note on
    a förvaltning closed since (OLD). Both now name the column as it is headed: `Utfall 2023 ack.` year to date,
    `Utfall 2023` of a year shown whole."""
    from tests.test_review_h139 import _with_ny

    d = _with_ny(tmp_path / "ny")
    old = ("  OLD:\n    namn: Gammal förvaltning\n    staber:\n      OS:\n        namn: Gammal stab\n"
           "        budget: 1200.0\n        utfall:\n" + "".join(f"          2023-{m:02d}: 100.0\n" for m in range(1, 13)))
    path = d / "2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nforvaltningar:\n", "\nforvaltningar:\n" + old, 1),
                    encoding="utf-8")
    args = ("deviation", "--budgets", d, "--period", "2024-03", "--unit", "tkr")
    text = run(*args)
    assert text.exit_code == 0, text.stderr
    assert "Utfall 2023 ack." in text.stdout.splitlines()[2], text.stdout
    begun = "Utfall 2023 ack. är – för förvaltning NY, som inte finns i filen för 2023: summan räknar den som 0."
    gone = ("Utfall 2023 ack. är förvaltningarnas i filen för 2024; OLD finns bara i filen för 2023 och ingår inte "
            "(kfollow compare 2023 2024 visar den).")
    assert "Anm.: " + begun in text.stdout, text.stdout
    assert "Anm.: " + gone in text.stdout, text.stdout
    assert "Anm.: Utfall 2023 är" not in text.stdout, text.stdout
    csv = run(*args, "-f", "csv")
    assert "note: " + begun + "\n" in csv.stderr and "note: " + gone + "\n" in csv.stderr, csv.stderr
    # the figures are those of before: NY – (empty), the Summa KSF's and SERV's January–March 2023 (40 770 tkr)
    assert [(r["forvaltning"], r["utfall_2023"]) for r in csv_rows(csv.stdout) if r["radtyp"] in ("delsumma", "summa")] \
        == [("NY", ""), ("KSF", "40059"), ("", "40770")]
    # a year shown whole: its column is headed Utfall 2023, and so are the notes
    year = budgets_copy / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace(
        "\nforvaltningar:\n", "\nforvaltningar:\n  NY:\n    namn: Ny förvaltning\n    summa:\n      budget: 1000.0\n"
        "      utfall: 900.0\n", 1), encoding="utf-8")
    whole = run("deviation", "--budgets", budgets_copy, "--by", "forvaltning")
    assert whole.exit_code == 0, whole.stderr
    assert whole.stdout.splitlines()[2].rstrip().endswith("Utfall 2023"), whole.stdout
    assert "Anm.: Utfall 2023 är – för förvaltning NY, som inte finns i filen för 2023: summan räknar den som 0." \
        in whole.stdout, whole.stdout


# 3 -------------------------------------------------------------------------------------------------------------
def _sie_with_new_money(tmp_path: Path, year_before_typed: bool = False) -> Path:
    """The SIE example with, in March 2024, 50 000 kr on an account new this year (7010) of EKO, and 20 000 kr of
    5010 booked on KSF without a stab (`Ej fördelat på stab`); neither has money in 2023. With `year_before_typed`, the
    file for 2023 is the example's typed per stab (no accounts: no konto grain the year before)."""
    d = tmp_path / "sie"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", d)
    table = d / "utfall-2024.csv"
    table.write_text(table.read_text(encoding="utf-8") + "2024-03,KSF,EKO,,7010,kostnad,50000.00\n"
                     "2024-03,KSF,,,5010,kostnad,20000.00\n", encoding="utf-8")
    note = d / "utfall-2024.csv.kalla.json"
    content = json.loads(note.read_text(encoding="utf-8"))
    content.pop("kontrollsummor")  # (the table is no longer the export's)
    note.write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if year_before_typed:
        for name in ("2023.yaml", "utfall-2023.csv", "utfall-2023.csv.kalla.json", "budget-2023.csv",
                     "budget-2023.csv.kalla.json"):
            (d / name).unlink()
        shutil.copy(ROOT / "examples" / "budgets" / "2023.yaml", d / "2023.yaml")
    return d


def _last_year(rows: list[dict]) -> list[tuple]:
    return [(r["radtyp"], r["stab"], r.get("konto"), r["utfall_2023"]) for r in rows
            if r["stab"] in ("EKO", "ej fördelat (KSF)", "KSF", "Summa")
            or r.get("konto") == "7010"]


def test_last_years_utfall_of_money_new_this_year_is_0_where_the_year_before_has_accounts(run, tmp_path):
    """`deviation --by stab,konto` showed last year's utfall of an account new this year (7010 of EKO) as 0, and of
    `Ej fördelat på stab` (money booked without a stab, none the year before) as –, its part 5010 too, though 2023's
    facts have accounts and none of KSF is without a stab (so `--by stab` showed – too). Where the year before has
    facts at the konto grain, money new this year had none then: 0, both. By hand from utfall-2023.csv, January–March:
    EKO 4 380 300 kr (3510 -175 212, 5010 2 733 307, 6410 1 822 205), KSF 40 058 500 kr, no row of KSF without a
    stab and none on 7010."""
    d = _sie_with_new_money(tmp_path)
    args = ("deviation", "--budgets", d, "--period", "2024-03", "--unit", "kr", "-f", "csv")
    cut = run(*args, "--by", "stab,konto")
    assert cut.exit_code == 0, cut.stderr
    assert _last_year(csv_rows(cut.stdout)) == [
        ("radsumma", "EKO", "", "4380300"), ("del", "EKO", "3510", "-175212"), ("del", "EKO", "5010", "2733307"),
        ("del", "EKO", "6410", "1822205"), ("del", "EKO", "7010", "0"),
        ("radsumma", "ej fördelat (KSF)", "", "0"), ("del", "ej fördelat (KSF)", "5010", "0"),
        ("delsumma", "KSF", "", "40058500"), ("summa", "Summa", "", "40770200")]
    view = csv_rows(run(*args, "--by", "stab").stdout)
    assert [(r["stab"], r["utfall"], r["utfall_2023"]) for r in view if r["radtyp"] == "ej_fordelat"] == [
        ("ej fördelat (KSF)", "20000", "0")]
    assert [r["utfall_2023"] for r in view if r["stab"] == "KSF"] == ["40058500"]
    accounts = csv_rows(run(*args, "--by", "konto").stdout)
    assert [(r["forvaltning"], r["utfall"], r["utfall_2023"]) for r in accounts if r["konto"] == "7010"] == [
        ("KSF", "50000", "0")]
    text = run("deviation", "--budgets", d, "--period", "2024-03", "--unit", "tkr", "--by", "stab,konto")
    assert re.search(r"^Ej fördelat på stab +0 +20 +-20 +– +[\d,]+ +0 ", text.stdout, re.M), text.stdout
    assert re.search(r"^  7010 +0 +50 +-50 +– +[\d,]+ +0 ", text.stdout, re.M), text.stdout


def test_last_years_utfall_of_money_new_this_year_is_unknown_where_the_year_before_has_no_accounts(run, tmp_path):
    """Where the file for 2023 is typed per stab (no accounts), no account has a figure of 2023: 7010 as every other
    account is –, with the note that says where 2023 stands. `Ej fördelat på stab` was – too, as 2023's staber do not
    tell it apart; since h161 it is 0, as the file has nothing unallocated in 2023 (every stab typed, no gap to its
    summa: Summa KSF 40 058 500 kr is the staber's sum), and compare shows 0; its part by konto stays –."""
    d = _sie_with_new_money(tmp_path, year_before_typed=True)
    args = ("deviation", "--budgets", d, "--period", "2024-03", "--unit", "kr", "-f", "csv")
    cut = run(*args, "--by", "stab,konto")
    assert cut.exit_code == 0, cut.stderr
    assert _last_year(csv_rows(cut.stdout)) == [
        ("radsumma", "EKO", "", "4380300"), ("del", "EKO", "3510", ""), ("del", "EKO", "5010", ""),
        ("del", "EKO", "6410", ""), ("del", "EKO", "7010", ""), ("del_ej_fordelat", "EKO", "", "4380300"),
        ("radsumma", "ej fördelat (KSF)", "", "0"), ("del", "ej fördelat (KSF)", "5010", ""),
        ("delsumma", "KSF", "", "40058500"), ("summa", "Summa", "", "40770200")]
    assert "note: Utfall 2023 för KSF, SERV finns inte med konto: det står på raden Ej fördelat på konto." in cut.stderr
    view = csv_rows(run(*args, "--by", "stab").stdout)
    assert [(r["stab"], r["utfall_2023"]) for r in view if r["radtyp"] == "ej_fordelat"] == [("ej fördelat (KSF)", "0")]
    accounts = csv_rows(run(*args, "--by", "konto").stdout)
    assert [r["utfall_2023"] for r in accounts if r["konto"] == "7010"] == [""]
