"""`--top` lists and the advice of the cuts (session 39, h155): each doubt reproduced with the example kommun, then
fixed."""
from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

from tests.conftest import ROOT, csv_rows

NEW_STAB = ("      NST:\n        namn: Ny stab i KSF\n        budget: 1200.0\n        utfall:\n"
            + "".join(f"          2024-{m:02d}: 300.0\n" for m in range(1, 11)))


def _with_new_stab(tmp_path: Path) -> Path:
    """The example kommun with a stab NST of KSF begun in 2024 (KSF is in the file for 2023, NST is not), booked
    300 tkr a month of a budget of 1 200 tkr: to October 3 000 tkr against 1 000, a deficit of 2 000 tkr."""
    from test_review_h151 import _with_new_stab as with_stab

    return with_stab(tmp_path, NEW_STAB)


# 1 -------------------------------------------------------------------------------------------------------------
NOTE_LISTED = "Utfall 2023 ack. är – för Ny stab i KSF, som inte finns i filen för 2023."


def test_a_top_list_with_a_stab_begun_this_year_says_why_its_last_years_figure_is_a_dash(run, tmp_path):
    """`deviation --top 5` (and `--stab NST --stab EKO --top 5`, `--stab NST --top 5`) listed a stab begun this year
    with `–` under `Utfall 2023 ack.` and no word, where the full table says why: the list has the note too, under
    the table and on stderr in csv and json (without the full table's sums, which a list has none of)."""
    d = _with_new_stab(tmp_path)
    args = ("deviation", "--budgets", d, "--period", "2024-10", "--unit", "tkr")
    for chosen in ((), ("--stab", "NST", "--stab", "EKO"), ("--stab", "NST")):
        text = run(*args, *chosen, "--top", "5")
        assert text.exit_code == 0, text.stderr
        assert re.search(r"^Ny stab i KSF +1\u00a0000 +3\u00a0000 +-2\u00a0000 +-200,0 +[\d,]+ +– ", text.stdout,
                         re.M), text.stdout
        assert "Anm.: " + NOTE_LISTED in text.stdout, (chosen, text.stdout)
        assert "summorna" not in text.stdout  # (a list has no sums)
        csv = run(*args, *chosen, "--top", "5", "-f", "csv")
        assert [(r["stab"], r["budget"], r["utfall"], r["avvikelse"], r["utfall_2023"])
                for r in csv_rows(csv.stdout) if r["stab"] == "NST"] == [("NST", "1000", "3000", "-2000", "")]
        assert "note: " + NOTE_LISTED + "\n" in csv.stderr, (chosen, csv.stderr)
        by_json = run(*args, *chosen, "--top", "5", "-f", "json")
        assert "note: " + NOTE_LISTED + "\n" in by_json.stderr, by_json.stderr
        assert [r["utfall_2023"] for r in json.loads(by_json.stdout) if r["stab"] == "NST"] == [None]
    # a list that does not list it has nothing to say of it
    one = run(*args, "--top", "1")
    assert one.stdout.count("\n") and "Ny stab" not in one.stdout and "som inte finns i filen" not in one.stdout
    # the example as it is: nothing to note
    assert "som inte finns i filen" not in run("deviation", "--budgets", ROOT / "examples" / "budgets",
                                                "--period", "2024-10", "--top", "5").stdout


# 2 -------------------------------------------------------------------------------------------------------------
def _renumbered(tmp_path: Path) -> Path:
    """The example kommun's SIE tables with the 2024 salaries booked on 5090 instead of 5010 (2023 keeps 5010)."""
    d = tmp_path / "sie"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", d)
    for name in ("utfall-2024.csv", "budget-2024.csv"):
        path = d / name
        path.write_text(path.read_text(encoding="utf-8").replace(",5010,", ",5090,"), encoding="utf-8")
    return d


def test_the_advice_of_a_ledger_key_first_names_an_account_the_year_has(run, tmp_path):
    """`--by konto,stab` advised `--by stab --konto 5010` whatever accounts the year has (a year without 5010: following
    the advice was an error), and of a year without accounts at all; it names an account of the year's facts, and none
    where the facts have no account."""
    d = _renumbered(tmp_path)
    for command in (("deviation",), ("compare", "2023", "2024")):
        refused = run(*command, "--budgets", d, "--by", "konto,stab")
        assert refused.exit_code == 2, refused.stderr
        assert "or for one account's staber --by stab --konto 5090\n" in refused.stderr, refused.stderr
        assert "5010" not in refused.stderr
    # following the advice: EKO's salaries January–October, 9,6 mnkr of budget against 8,0 of utfall
    followed = run("deviation", "--budgets", d, "--by", "stab", "--konto", "5090", "--stab", "EKO")
    assert followed.exit_code == 0, followed.stderr
    assert re.search(r"^Ekonomistab +9,6 +8,0 +1,6 ", followed.stdout, re.M), followed.stdout
    # of 2023, whose facts keep 5010, the advice names 5010; --by verksamhet,… likewise
    assert "--by verksamhet --konto 5010\n" in run("deviation", "--budgets", d, "--year", "2023",
                                                   "--by", "konto,verksamhet").stderr
    # a year without accounts (the bundled one): no account to name
    none = run("deviation", "--by", "konto,stab")
    assert none.exit_code == 2 and "e.g. --by stab,konto\n" in none.stderr and "--konto" not in none.stderr, none.stderr


# 3 -------------------------------------------------------------------------------------------------------------
def _older_forecast(tmp_path: Path, old: str, new: str) -> Path:
    """The example kommun's SIE tables with one unit's August forecast taken away (`old` → `new`): its latest is
    April's."""
    d = tmp_path / "sie"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", d)
    path = d / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return d


def test_the_note_on_an_older_forecast_names_its_rows_in_every_cut(run, tmp_path):
    """With a stab (SAM) whose latest forecast is April's, the note on `Prognos från –` named it under `--by
    forvaltning` (`Samhällsbyggnadsstab (SAM i KSF, 2024-04)`) but said only '(tabellen per stab visar varje stabs)'
    under `--by kostnadsslag`, `konto`, `kostnadsslag,konto` and `forvaltning,kostnadsslag`, with or without
    `--against`: every cut now names it, in one wording; and so a förvaltning whose forecast is older (SERV)."""
    sam = _older_forecast(tmp_path / "sam", "          2024-04: 14157.0\n          2024-08: 14136.0\n",
                          "          2024-04: 14157.0\n")
    named = ("Anm.: Prognos från är – där prognosen är en summa av prognoser gjorda i olika månader. Den senaste "
             "prognosen är från 2024-08, utom för Samhällsbyggnadsstab (SAM i KSF, 2024-04).")
    for by in ("forvaltning", "kostnadsslag", "konto", "kostnadsslag,konto", "forvaltning,kostnadsslag"):
        for against in ((), ("--against", "prognos:2024-08")):
            result = run("deviation", "--budgets", sam, "--period", "2024-10", "--by", by, *against)
            assert result.exit_code == 0, result.stderr
            assert named in result.stdout, (by, result.stdout)
            assert "tabellen per stab visar" not in result.stdout
            # KSF's forecast, SAM's April 14 157 tkr with the others' August ones: 165,4 mnkr, its month –
            assert re.search(r"^(Summa KSF|Kommunstyrelseförvaltningen) .* 164,5 +165,4 +– ", result.stdout,
                             re.M), (by, result.stdout)
    serv = _older_forecast(tmp_path / "serv", "        2024-04: -900.0\n        2024-08: -1600.0\n",
                           "        2024-04: -900.0\n")
    older = ("Anm.: Prognos från är – på summaraderna: deras prognoser är gjorda i olika månader. Den senaste prognosen "
             "är från 2024-08, utom för Serviceförvaltningen (internt prissatt) (2024-04).")
    for by in ("forvaltning", "kostnadsslag", "kostnadsslag,konto", "forvaltning,kostnadsslag"):
        result = run("deviation", "--budgets", serv, "--period", "2024-10", "--by", by, "--against", "prognos:2024-08")
        assert result.exit_code == 0, result.stderr
        assert older in result.stdout, (by, result.stdout)
        assert "tabellen per stab visar" not in result.stdout


# 4 -------------------------------------------------------------------------------------------------------------
SIE = ROOT / "examples" / "sie" / "budgets"
GROUPS = {"3": "intakter", "4": "kop_material", "5": "personal", "6": "ovriga", "7": "ovriga"}


def _changes_by_hand(keys: list[str]) -> list[tuple]:
    """The changes January–October 2023 → 2024 of the example's utfall tables grouped by `keys`, in kr with öre as
    text, largest first in absolute value: summed with polars from the fact tables themselves (integer öre), SERV's
    presented as resultat (intäkter − kostnader, the sign turned)."""
    import polars as pl

    def year(y: int) -> pl.DataFrame:
        facts = pl.read_csv(SIE / f"utfall-{y}.csv", infer_schema=False)
        ore = pl.col("belopp").map_elements(lambda s: int(Decimal(s) * 100), return_dtype=pl.Int64)
        facts = facts.filter(pl.col("period").str.slice(5, 2).cast(pl.Int32) <= 10).with_columns(
            ore=pl.when(pl.col("forvaltning") == "SERV").then(-ore).otherwise(ore),
            kostnadsslag=pl.col("konto").str.slice(0, 1).replace_strict(GROUPS),
            stab=pl.col("stab").fill_null(""))
        return facts.group_by(keys).agg(pl.col("ore").sum().alias(f"u{y}"))

    joined = year(2023).join(year(2024), on=keys, how="full", coalesce=True).fill_null(0).with_columns(
        change=pl.col("u2024") - pl.col("u2023")).sort(pl.col("change").abs(), *keys, descending=[True] + [False] * len(keys))
    kr = lambda ore: str(Decimal(ore) / 100)  # noqa: E731
    return [(*(r[k] for k in keys), kr(r["u2023"]), kr(r["u2024"]), kr(r["change"]))
            for r in joined.iter_rows(named=True)]


def test_compare_lists_the_largest_changes_between_the_years(run, tmp_path):
    """`deviation` has `--top N`, `compare` had none: `compare --top N` lists the N largest changes between the
    years in absolute value at the chosen grain, with the table's columns, in every format; its figures are those
    summed by hand from the fact tables, to the öre."""
    args = ("compare", "2023", "2024", "--budgets", SIE, "--unit", "kr", "--exact", "-f", "csv")
    for by, keys, n in (("stab", ["forvaltning", "stab"], 4), ("stab,kostnadsslag", ["forvaltning", "stab", "kostnadsslag"], 5),
                        ("konto", ["forvaltning", "konto"], 3)):
        result = run(*args, "--by", by, "--top", str(n))
        assert result.exit_code == 0, result.stderr
        rows = csv_rows(result.stdout)
        assert [r["radtyp"] for r in rows] == ["rad"] * n  # (no sums: a list)
        shown = [(*(r[k] for k in keys), r["utfall_2023"], r["utfall_2024"], r["forandring"]) for r in rows]
        hand = _changes_by_hand(keys)
        assert [(*k, Decimal(a), Decimal(b), Decimal(c)) for *k, a, b, c in shown] == \
            [(*k, Decimal(a), Decimal(b), Decimal(c)) for *k, a, b, c in hand[:n]], (by, shown, hand[:n])
    # the example's largest: Fritidsanläggningar's salaries up 2 130 398 kr, Digitaliseringsstab's up 2 128 588 kr
    text = run("compare", "2023", "2024", "--budgets", SIE, "--by", "stab,kostnadsslag", "--top", "2")
    assert text.exit_code == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == ("Största förändringar, utfall 2023 och 2024, januari–oktober per stab och kostnadsslag, "
                        "belopp i mnkr")
    assert lines[2].split()[:5] == ["Stab", "Utfall", "2023", "ack.", "Utfall"]
    assert re.match(r"Fritidsanläggningar: Personalkostnader +20,2 +22,3 +2,1 +10,6 +15,7 +16,4$", lines[4]), lines
    assert re.match(r"Digitaliseringsstab: Personalkostnader +15,9 +18,0 +2,1 +13,4 +12,4 +13,2$", lines[5]), lines
    assert len([line for line in lines if line.strip()]) == 5 and "Summa" not in text.stdout
    by_json = json.loads(run("compare", "2023", "2024", "--budgets", SIE, "--by", "stab,kostnadsslag", "--top", "2",
                             "-f", "json").stdout)
    assert [(r["stab"], r["kostnadsslag"], r["stab_namn"], r["namn"], r["forandring"]) for r in by_json] == [
        ("FRI", "personal", "Fritidsanläggningar", "Personalkostnader", 2.1),
        ("DIG", "personal", "Digitaliseringsstab", "Personalkostnader", 2.1)]
    md = run("compare", "2023", "2024", "--budgets", SIE, "--by", "stab,kostnadsslag", "--top", "2", "-f", "md").stdout
    assert "| Fritidsanläggningar: Personalkostnader |" in md and "Summa" not in md
    excel = run("compare", "2023", "2024", "--budgets", SIE, "--by", "stab,kostnadsslag", "--top", "2", "-f", "excel")
    assert excel.stdout.splitlines()[1] == ("rad;KSF;FRI;Fritidsanläggningar;personal;Personalkostnader;nettokostnad;"
                                            "20,2;22,3;2,1;10,6;15,7;16,4")
    import openpyxl

    assert run("compare", "2023", "2024", "--budgets", SIE, "--by", "stab", "--top", "3",
               "-o", tmp_path / "top.xlsx").exit_code == 0
    cells = [c for row in openpyxl.load_workbook(tmp_path / "top.xlsx").active.iter_rows(values_only=True) for c in row]
    assert "Fritidsanläggningar" in cells and "Ekonomistab" in cells and "Ledningsstab" not in cells
    assert run("compare", "2023", "2024", "--budgets", SIE, "--top", "3", "-o", tmp_path / "top.docx").exit_code == 0
    # the bundled years (typed per stab), and what is no number of rows
    bundled = run("compare", "2023", "2024", "--top", "1")
    assert re.search(r"^Kommungemensamt +171,7 +287,7 +116,0 +67,5 ", bundled.stdout, re.M), bundled.stdout
    refused = run("compare", "2023", "2024", "--top", "0")
    assert refused.exit_code == 2 and refused.stdout == "" and "--top 0: give a number of rows, 1 or more" in refused.stderr


def test_compare_top_says_nothing_of_a_row_of_one_year_only_which_it_cannot_list(run, tmp_path):
    """`compare --top 2` of the example with a stab begun in 2024 noted under the list that NST is – in 2023 and that
    'summorna räknar den som 0': a row the list cannot show (a row of one year only has no change) and sums it has
    none of. The full table keeps the note."""
    d = _with_new_stab(tmp_path)
    note = "Utfall 2023 ack. är – för Ny stab i KSF, som inte finns i filen för 2023"
    for chosen in ((), ("--stab", "NST", "--stab", "EKO")):
        whole = run("compare", "2023", "2024", "--budgets", d, *chosen)
        assert whole.exit_code == 0 and note in whole.stdout, whole.stdout
        listed = run("compare", "2023", "2024", "--budgets", d, *chosen, "--top", "2")
        assert listed.exit_code == 0, listed.stderr
        assert "Ny stab" not in listed.stdout and "summorna" not in listed.stdout, listed.stdout
        first = "Ekonomistab +15,0 +12,9 +-2,1 " if chosen else "Fritidsanläggningar +32,3 +35,8 +3,4 "
        assert re.search("^" + first, listed.stdout, re.M), listed.stdout
