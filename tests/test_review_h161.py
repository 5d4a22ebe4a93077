"""Cuts (session 40, h161): the shares of a resultat's parts, last year's deviation in a cut, the 2023 `Ej fördelat
på stab` of a cut, and the notes of `compare --top` on sums. Each case built with the example kommun, then fixed."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.conftest import ROOT, csv_rows, without_note_sums

FROM_SIE = ROOT / "examples" / "sie" / "budgets"


def _row(text: str, label: str) -> list[str]:
    return next(re.split(" {2,}", line.replace("\xa0", " ").strip()) for line in text.splitlines()
                if line.strip().startswith(label))


# 1 -------------------------------------------------------------------------------------------------------------
NO_SHARE = ("är – för delarna av en förvaltning som redovisas som resultat (intäkter − kostnader): dess intäkter och "
            "kostnader tar nästan ut varandra, så en dels andel säger inget; förvaltningens andel står på dess rad "
            "eller summa.")


def test_the_parts_of_a_resultat_have_no_share_of_the_sum(run, tmp_path):
    """`deviation --forvaltning SERV --by stab,kostnadsslag` showed `Andel av summa %` of -5 452,6 and 5 552,6 for
    SERV's Intäkter and Köp (budget 0,0, utfall -1,3): shares of a resultat near 0 whose parts have opposite signs.
    The seed report shows a resultat unit's varav lines without a share: the parts show –, with one note, in every
    cut and format; the rows of the view keep theirs (the golden shares that sum to 100 % are unchanged)."""
    args = ("deviation", "--budgets", FROM_SIE, "--period", "2024-10")
    for by in ("stab,kostnadsslag", "kostnadsslag", "konto", "forvaltning,konto"):
        shown = run(*args, "--forvaltning", "SERV", "--by", by)
        assert shown.exit_code == 0, shown.stderr
        part = _row(shown.stdout, "Intäkter" if "kostnadsslag" in by else "3010")
        assert part[1:6] == ["71,7", "71,6", "-0,1", "-0,1", "–"], (by, shown.stdout)
        assert _row(shown.stdout, "Summa resultat")[1:6] == ["0,0", "-1,3", "-1,3", "–", "100,0"], shown.stdout
        assert "Anm.: Andel av summa " + NO_SHARE in shown.stdout, shown.stdout
        assert "5 452,6" not in shown.stdout and "omvänt tecken mot delens" not in shown.stdout
    # the whole table: KSF's parts keep their shares, SERV's row its 1,0 %, its parts –
    whole = run(*args, "--by", "stab,kostnadsslag")
    assert _row(whole.stdout, "Serviceförvaltningen")[5] == "1,0", whole.stdout
    assert [r[5] for r in (_row(whole.stdout, "Ledningsstab"), _row(whole.stdout, "Personalkostnader"))] == [
        "14,5", "9,0"], whole.stdout
    assert whole.stdout.count("Andel av summa " + NO_SHARE) == 1
    rows = csv_rows(run(*args, "--by", "stab,kostnadsslag", "-f", "csv").stdout)
    serv = [(r["radtyp"], r["kostnadsslag"], r["andel_pct"]) for r in rows if r["forvaltning"] == "SERV"]
    assert serv == [("radsumma", "", "1.0"), ("del", "intakter", ""), ("del", "kop_material", "")], serv
    by_json = json.loads(run(*args, "--by", "stab,kostnadsslag", "-f", "json").stdout)
    assert [r["andel_pct"] for r in by_json if r["forvaltning"] == "SERV"] == [
        next(r["andel_pct"] for r in by_json if r["forvaltning"] == "SERV"), None, None]
    # a --top list: the part listed has none either
    top = run(*args, "--by", "kostnadsslag", "--top", "1")
    assert _row(top.stdout, "SERV: Köp")[5] == "–" and "Anm.: Andel av summa " + NO_SHARE in top.stdout, top.stdout
    assert NO_SHARE not in run(*args, "--by", "kostnadsslag", "--forvaltning", "KSF").stdout
    # compare: both years' shares
    compared = run("compare", "2023", "2024", "--budgets", FROM_SIE, "--forvaltning", "SERV", "--by", "kostnadsslag")
    assert compared.exit_code == 0, compared.stderr
    assert _row(compared.stdout, "Intäkter")[-2:] == ["–", "–"], compared.stdout
    assert "Anm.: Andelarna av summa " + NO_SHARE in compared.stdout, compared.stdout


def test_the_parts_of_a_resultat_have_no_share_in_excel(run, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "a.xlsx"
    made = run("deviation", "--budgets", FROM_SIE, "--period", "2024-10", "--forvaltning", "SERV", "--by",
               "kostnadsslag", "-o", out)
    assert made.exit_code == 0, made.stderr
    sheet = load_workbook(out).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in values if "Andel av summa %" in r)
    at = header.index("Andel av summa %")
    intakter = next(r for r in values if r[0] == "Intäkter")
    summa = next(r for r in values if r[0] == "Summa resultat")
    assert intakter[at] in (None, "–") and summa[at] == 100, (intakter, summa)
    assert any(isinstance(v, str) and NO_SHARE in v for r in values for v in r), values


# 2 -------------------------------------------------------------------------------------------------------------
def _budget_2023_typed(tmp_path: Path) -> Path:
    """examples/sie/budgets with 2023's budget typed per stab in the year file (the sums of its budget table, which
    the file names no more): 2023's utfall has accounts, its budget not."""
    import polars as pl

    d = tmp_path / "typed"
    shutil.copytree(FROM_SIE, d)
    without_note_sums(d)
    sums = (pl.read_csv(d / "budget-2023.csv", infer_schema=False)
            .group_by("forvaltning", "stab").agg(pl.col("belopp").cast(pl.Decimal(20, 2)).sum()))
    text = (d / "2023.yaml").read_text(encoding="utf-8").replace("budget_fil: budget-2023.csv", "")
    for fid, stab, amount in sums.iter_rows():
        if stab:
            text = re.sub(rf"(\n      {stab}:\n        namn: [^\n]*\n)",
                          lambda m: m.group(1) + f"        budget: {amount / 1000:.3f}\n", text)
        else:  # (SERV, resultat: 0)
            text = text.replace("    redovisas_som: resultat\n",
                                f"    redovisas_som: resultat\n    summa:\n      budget: {-amount / 1000:.3f}\n")
    (d / "2023.yaml").write_text(text, encoding="utf-8")
    (d / "budget-2023.csv").unlink()
    (d / "budget-2023.csv.kalla.json").unlink(missing_ok=True)
    return d


def test_last_years_deviation_of_a_part_is_its_own_where_that_year_has_the_grain(run, tmp_path):
    """`deviation --by stab,konto --columns …,avvikelse_2023` showed `Avvikelse 2023` as – on every part, where 2023's
    budget and utfall both have accounts (its `Utfall 2023 ack.` had figures); each part has its own, exact, and the
    parts add up to the stab's (Ledningsstab: 3510 -33 060, 5010 515 739, 6410 343 821 kr = 826 500 kr, from the
    fact tables of 2023 to October). A filter's rows are the accounts' (--konto 5: 515 739 kr, not the stab's)."""
    args = ("deviation", "--budgets", FROM_SIE, "--period", "2024-10", "--unit", "kr", "-f", "csv", "--stab", "LED",
            "--columns", "radtyp,budget,utfall,avvikelse,avvikelse_2023,utfall_2023")
    rows = csv_rows(run(*args[:-1], "radtyp,konto,avvikelse_2023,utfall_2023", "--by", "stab,konto").stdout)
    assert [(r["radtyp"], r["konto"], r["avvikelse_2023"], r["utfall_2023"]) for r in rows] == [
        ("radsumma", "", "826500", "18373500"), ("del", "3510", "-33060", "-734940"),
        ("del", "5010", "515739", "11465061"), ("del", "6410", "343821", "7643379"),
        ("del_ej_fordelat", "", "0", "0"), ("summa", "", "826500", "18373500")], rows
    rows = csv_rows(run(*args, "--by", "stab,kostnadsslag").stdout)
    assert [r["avvikelse_2023"] for r in rows] == ["826500", "-33060", "515739", "343821", "0", "826500"], rows
    rows = csv_rows(run(*args, "--konto", "5").stdout)
    assert [(r["radtyp"], r["avvikelse_2023"]) for r in rows] == [("rad", "515739"), ("summa", "515739")], rows
    table = run("deviation", "--budgets", FROM_SIE, "--period", "2024-10", "--by", "kostnadsslag", "--columns",
                "budget,utfall,avvikelse,avvikelse_2023")
    assert _row(table.stdout, "Personalkostnader") == ["Personalkostnader", "84,3", "84,1", "0,2", "1,7"], table.stdout


def test_last_years_deviation_of_a_part_is_a_dash_with_a_note_where_its_budget_is_typed(run, tmp_path):
    """Where 2023's budget is typed per stab in the year file, a part's deviation of 2023 is unknown: –, on the rest
    (`Ej fördelat på konto`) too, with a note on the column; the table without the column is as it was."""
    d = _budget_2023_typed(tmp_path)
    args = ("deviation", "--budgets", d, "--period", "2024-10", "--by", "stab,konto")
    shown = run(*args, "--columns", "budget,utfall,avvikelse,avvikelse_2023,utfall_2023")
    assert shown.exit_code == 0, shown.stderr
    assert _row(shown.stdout, "Ledningsstab")[4:] == ["0,8", "18,4"], shown.stdout
    assert _row(shown.stdout, "5010")[4:] == ["–", "11,5"], shown.stdout
    assert _row(shown.stdout, "Ej fördelat på konto")[4:] == ["–", "0,0"], shown.stdout
    assert ("Anm.: Avvikelse 2023 för KSF, SERV visas inte per konto (–): budgeten 2023 finns inte med konto, bara per "
            "rad i årsfilen.") in shown.stdout, shown.stdout
    assert "Budget 2023" not in shown.stdout
    plain = run(*args)
    # (no rest of FRI or SERV's for a budget of 2023 alone: LED's and DIG's of their budget changes)
    assert "Avvikelse 2023" not in plain.stdout and plain.stdout.count("\n  Ej fördelat på konto") == 2, plain.stdout


# 3 -------------------------------------------------------------------------------------------------------------
def _2023_typed_per_stab(tmp_path: Path) -> Path:
    """examples/sie/budgets with 2023 typed per stab in the year file (budget per stab, utfall per stab and month, the
    sums of its tables, which it names no more), and 100 000 kr of 2024-10 booked on 5010 of KSF without a stab."""
    import polars as pl

    d = tmp_path / "typed"
    shutil.copytree(FROM_SIE, d)
    without_note_sums(d)
    text = (d / "2023.yaml").read_text(encoding="utf-8").replace("budget_fil: budget-2023.csv", "").replace(
        "utfall_fil: utfall-2023.csv", "")
    amount = pl.col("belopp").cast(pl.Decimal(20, 2))
    for fid, stab, budget in (pl.read_csv(d / "budget-2023.csv", infer_schema=False)
                              .group_by("forvaltning", "stab").agg(amount.sum()).iter_rows()):
        utfall = (pl.read_csv(d / "utfall-2023.csv", infer_schema=False)
                  .filter((pl.col("forvaltning") == fid) & (pl.col("stab").is_null() if stab is None
                                                            else pl.col("stab") == stab))
                  .group_by("period").agg(amount.sum()).sort("period"))
        sign = 1 if stab else -1  # (SERV, resultat, is written as presented)
        indent = " " * (10 if stab else 8)
        months = "".join(f"{indent}{p}: {sign * v / 1000:.3f}\n" for p, v in utfall.iter_rows())
        if stab:
            text = re.sub(rf"(\n      {stab}:\n        namn: [^\n]*\n)",
                          lambda m: m.group(1) + f"        budget: {budget / 1000:.3f}\n        utfall:\n{months}", text)
        else:
            text = text.replace("    redovisas_som: resultat\n", "    redovisas_som: resultat\n    summa:\n"
                                f"      budget: {-budget / 1000:.3f}\n      utfall:\n{months}")
    (d / "2023.yaml").write_text(text, encoding="utf-8")
    for table in ("budget-2023.csv", "utfall-2023.csv"):
        (d / table).unlink()
        (d / f"{table}.kalla.json").unlink(missing_ok=True)
    with (d / "utfall-2024.csv").open("a", encoding="utf-8") as f:
        f.write("2024-10,KSF,,,5010,kostnad,100000.00\n")
    return d


def test_last_years_unallocated_row_is_0_where_that_year_is_typed_per_stab(run, tmp_path):
    """`deviation --by stab,konto` (and --by stab) of a year whose 2023 is typed per stab in the year file showed
    `Ej fördelat på stab` of 2023 as – beside its own budget of 0,0 and a Summa KSF that counts it as 0 (126,9, the
    staber's sum), where compare shows 0,0: the file has nothing unallocated in 2023, so it is 0, and so is its
    deviation of 2023."""
    d = _2023_typed_per_stab(tmp_path)
    assert run("check", "--budgets", d).exit_code == 0
    for by in ("stab", "stab,konto", "stab,kostnadsslag"):
        shown = run("deviation", "--budgets", d, "--period", "2024-10", "--by", by, "--columns",
                    "budget,utfall,avvikelse,utfall_2023,avvikelse_2023")
        assert shown.exit_code == 0, shown.stderr
        assert _row(shown.stdout, "Ej fördelat på stab") == ["Ej fördelat på stab", "0,0", "0,1", "-0,1", "0,0",
                                                             "0,0"], (by, shown.stdout)
        assert _row(shown.stdout, "Summa KSF")[4:] == ["126,9", "2,8"], shown.stdout
    rows = csv_rows(run("deviation", "--budgets", d, "--period", "2024-10", "--by", "stab,konto", "-f", "csv",
                        "--unit", "kr", "--columns", "radtyp,stab,utfall_2023,avvikelse_2023").stdout)
    assert [(r["utfall_2023"], r["avvikelse_2023"]) for r in rows
            if r["stab"] == "ej fördelat (KSF)" and r["radtyp"] == "radsumma"] == [("0", "0")]
    compared = run("compare", "2023", "2024", "--budgets", d, "--by", "stab")
    assert _row(compared.stdout, "Ej fördelat på stab")[1:3] == ["0,0", "0,1"], compared.stdout


# 4 -------------------------------------------------------------------------------------------------------------
def test_compare_top_says_of_a_forvaltning_without_utfall_only_what_the_list_shows(run, tmp_path):
    """`compare --top 3` of a year whose SERV utfall table is empty said under the list 'Utfall 2024 saknas för SERV:
    dess rader, summan och andelarna av summan visar –.', of rows the list does not show (they have no change) and a
    Summa it has none of; a cut's list (--by stab,kostnadsslag --top 3) showed every Andel 2024 – without a word. The
    list says what is true of it; the full table keeps its note."""
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from test_empty_utfall import _mixed

    d = _mixed(tmp_path / "m", "csv")
    listed = ("Anm.: Utfall 2024 saknas för SERV: dess rader har ingen förändring att lista, och summan 2024 och "
              "andelarna av den är okända (–).")
    for by in ("stab", "stab,kostnadsslag", "kostnadsslag"):
        top = run("compare", "2023", "2024", "--budgets", d, "--by", by, "--top", "3")
        assert top.exit_code == 0, top.stderr
        assert not any(ln.startswith(("Serviceförvaltningen", "SERV")) for ln in top.stdout.splitlines()), top.stdout
        assert [r[-1] for r in (re.split(" {2,}", ln) for ln in top.stdout.splitlines()[4:7])] == ["–"] * 3, top.stdout
        assert listed in top.stdout and "summan visar" not in top.stdout, (by, top.stdout)
    whole = run("compare", "2023", "2024", "--budgets", d)
    assert "Anm.: Utfall 2024 saknas för SERV: dess rader, summan och andelarna av summan visar –." in whole.stdout
    assert "ingen förändring att lista" not in whole.stdout


def test_compare_top_says_of_a_forvaltning_without_rows_of_the_view_only_what_the_list_shows(run, tmp_path):
    """`compare --by verksamhet --top 3` where 2023 has KLF per stab only (no verksamheter) said under the list
    '… bara förvaltningens summa, som står på summaraderna.', of summary rows a list has none of (and listed one row,
    VSS: KLF's verksamheter have no change); the list says that they have none to list."""
    d = tmp_path / "b"
    shutil.copytree(ROOT / "budgets", d)
    text = (d / "2023.yaml").read_text(encoding="utf-8")
    start = text.index('    verksamheter:\n      "100"')
    (d / "2023.yaml").write_text(text[:start] + text[text.index("    # Den publicerade"):], encoding="utf-8")
    note = "Anm.: Utfall 2023 per verksamhet finns inte för KLF: filen för 2023 har inga verksamheter för den, bara " \
           "förvaltningens summa, "
    top = run("compare", "2023", "2024", "--budgets", d, "--by", "verksamhet", "--top", "3")
    assert top.exit_code == 0, top.stderr
    assert re.split(" {2,}", top.stdout.splitlines()[4])[:4] == ["Verksamhetsstöd och service", "-1,9", "-9,8", "-7,9"]
    said = " ".join(top.stdout.split())
    assert note + "så dess verksamheter har ingen förändring att lista." in said, top.stdout
    assert "summaraderna" not in said
    assert note + "som står på summaraderna." in " ".join(
        run("compare", "2023", "2024", "--budgets", d, "--by", "verksamhet").stdout.split())
