"""Found by a new user (the controller of a samhällsbyggnadsförvaltning with VA and renhållning, taxe-financed and
presented as resultat): a table of resultat units alone, whose total is a surplus, said under its parts
'Anm.: Andel av summa är andelen av summans nettokostnad: på delar av en förvaltning som redovisas som resultat har
den omvänt tecken mot delens belopp.', where every share had its part's sign (Intäkter 2 076,1 %). Since h161 the
parts of a förvaltning presented as resultat have no share at all (–), in surplus or deficit, beside nettokostnad
units or alone, as the seed report shows VSS's varav lines: the one note says why, the rows of the view keep theirs."""

from __future__ import annotations

import re
import shutil

from tests.conftest import ROOT, without_note_sums

FROM_SIE = ROOT / "examples" / "sie" / "budgets"
SHARE = "för delarna av en förvaltning som redovisas som resultat"


def _serv_in_surplus(tmp_path):
    """examples/sie/budgets with 5 mnkr more intäkter for SERV (resultat) in October 2024: a surplus of 3 688 tkr."""
    d = tmp_path / "b"
    shutil.copytree(FROM_SIE, d)
    without_note_sums(d)
    with (d / "utfall-2024.csv").open("a", encoding="utf-8") as f:
        f.write("2024-10,SERV,,,3010,intakt,-5000000.00\n")
    return d


def _row(text, label):
    return next(re.split(" {2,}", line.replace("\xa0", " ").strip()) for line in text.splitlines() if line.startswith(label))


def test_shares_of_a_resultat_in_surplus_are_a_dash_with_the_note(run, tmp_path):
    d = _serv_in_surplus(tmp_path)
    shown = run("deviation", "--budgets", d, "--period", "2024-10", "--forvaltning", "SERV", "--by", "kostnadsslag",
                "--unit", "tkr", "--columns", "budget,utfall,avvikelse,andel_pct")
    assert shown.exit_code == 0, shown.stderr
    assert _row(shown.stdout, "Intäkter") == ["Intäkter", "71 667", "76 560", "4 893", "–"], shown.stdout
    assert _row(shown.stdout, "Köp av") == ["Köp av verksamhet, material och bidrag", "-71 667", "-72 873", "-1 206",
                                            "–"], shown.stdout
    assert _row(shown.stdout, "Summa resultat") == ["Summa resultat", "0", "3 688", "3 688", "100,0"], shown.stdout
    assert "Anm.: Andel av summa är – " + SHARE in shown.stdout, shown.stdout
    top = run("deviation", "--budgets", d, "--period", "2024-10", "--forvaltning", "SERV", "--by", "kostnadsslag",
              "--top", "1")
    assert top.exit_code == 0 and SHARE in top.stdout, top.stdout


def test_compare_has_no_share_of_a_resultats_parts_in_either_year(run, tmp_path):
    d = _serv_in_surplus(tmp_path)
    shown = run("compare", "2023", "2024", "--budgets", d, "--forvaltning", "SERV", "--by", "kostnadsslag",
                "--unit", "tkr")
    assert shown.exit_code == 0, shown.stderr
    # 2023: 71 252 of -1 225 tkr (a deficit, -5 818,9 %); 2024: 76 560 of 3 688 tkr (2 076,1 %): both –
    assert _row(shown.stdout, "Intäkter")[-2:] == ["–", "–"], shown.stdout
    assert "Anm.: Andelarna av summa är – " + SHARE in shown.stdout, shown.stdout


def test_the_note_stands_beside_nettokostnad_units_and_of_a_deficit(run):
    mixed = run("deviation", "--budgets", FROM_SIE, "--period", "2024-10", "--by", "kostnadsslag")
    assert mixed.exit_code == 0 and SHARE in mixed.stdout, mixed.stdout
    deficit = run("deviation", "--budgets", FROM_SIE, "--period", "2024-10", "--forvaltning", "SERV", "--by",
                  "kostnadsslag")
    assert deficit.exit_code == 0 and SHARE in deficit.stdout, deficit.stdout


def test_a_filter_keeps_the_forvaltnings_share_on_its_sum(run):
    # only the accounts of income, the sum is an income (-77,0 as nettokostnad): SERV's Intäkter, 71,6 as resultat,
    # were 93,0 % of it (found in review, h117); the part is –, Summa SERV keeps the förvaltning's 93,0 %
    shown = run("deviation", "--budgets", FROM_SIE, "--period", "2024-10", "--by", "kostnadsslag", "--konto", "3",
                "--columns", "budget,utfall,andel_pct")
    assert shown.exit_code == 0, shown.stderr
    rows = [_row(line, "Intäkter") for line in shown.stdout.split("\n") if line.startswith("Intäkter")]
    assert rows == [["Intäkter", "-5,4", "-5,4", "7,0"], ["Intäkter", "71,7", "71,6", "–"]], shown.stdout
    assert _row(shown.stdout, "Summa SERV") == ["Summa SERV", "71,7", "71,6", "93,0"], shown.stdout
    assert _row(shown.stdout, "Summa konto 3") == ["Summa konto 3", "-77,1", "-77,0", "100,0"], shown.stdout
    assert SHARE in shown.stdout, shown.stdout
    compared = run("compare", "2023", "2024", "--budgets", FROM_SIE, "--by", "kostnadsslag", "--konto", "3")
    assert compared.exit_code == 0, compared.stderr
    rows = [_row(line, "Intäkter")[-2:] for line in compared.stdout.split("\n") if line.startswith("Intäkter")]
    assert rows == [["6,7", "7,0"], ["–", "–"]], compared.stdout
