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
