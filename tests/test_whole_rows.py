"""Found by a new user (a small kommun's controller): in `--by stab,kostnadsslag`, a förvaltning whose budget and
utfall are typed per stab in the year file (no accounts at all) got, under each stab, one part `Ej fördelat på
kostnadsslag` equal to the stab itself (its forecast `–`), and `--top` listed such a stab as
`Samhällsbyggnadsstab: Ej fördelat på kostnadsslag`, which reads as money not allocated. Its rows are now shown
whole, without parts, with a note saying why, and `--top` lists a row as itself (`…: hela raden`); a förvaltning
with accounts keeps its `Ej fördelat` part for what has none (a budget change by decision)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, csv_rows, without_note_sums

EXAMPLES = ROOT / "examples"
TYPED = EXAMPLES / "budgets"  # budget and utfall typed per stab in YAML
FROM_SIE = EXAMPLES / "sie" / "budgets"  # the same figures, from the SIE export (with accounts)
NOTE_KSF = ("Anm.: KSF har inga konton: budget och utfall är skrivna per stab i årsfilen, så raderna delas inte upp "
            "per kostnadsslag.")


def _mix(tmp_path: Path, typed: str) -> Path:
    """examples/sie/budgets with förvaltning `typed` taken from examples/budgets: typed in YAML, without accounts."""
    d = tmp_path / "budgets"
    shutil.copytree(FROM_SIE, d)
    without_note_sums(d)
    block = re.compile(rf"  {typed}:\n.*?(?=\n  [A-Z]+:\n|\n\S|\Z)", re.S)
    for year in (2023, 2024):
        for table in (f"utfall-{year}.csv", f"budget-{year}.csv"):
            lines = (d / table).read_text(encoding="utf-8").splitlines(keepends=True)
            (d / table).write_text("".join(line for line in lines if f",{typed}," not in line), encoding="utf-8")
        own = block.search((TYPED / f"{year}.yaml").read_text(encoding="utf-8")).group(0)
        text = (d / f"{year}.yaml").read_text(encoding="utf-8")
        assert block.search(text)
        (d / f"{year}.yaml").write_text(block.sub(lambda _: own, text, count=1), encoding="utf-8")
    return d


def _csv(run, d: Path, *args: str) -> list[dict]:
    result = run("deviation", "--budgets", d, "--period", "2024-10", "--format", "csv", "--exact", "--unit", "kr", *args)
    assert result.exit_code == 0, result.stderr
    return csv_rows(result.stdout)


def _ore(text: str) -> int:
    return round(float(text) * 100) if text else 0


def test_a_forvaltning_typed_per_stab_shows_its_staber_whole(run, tmp_path):
    d = _mix(tmp_path, "KSF")
    nested = _csv(run, d, "--by", "stab,kostnadsslag")
    ksf = [(r["radtyp"], r["stab"]) for r in nested if r["forvaltning"] == "KSF"]
    # seven staber and the subtotal, no part below any of them
    assert ksf == [("rad", s) for s in ("LED", "EKO", "HR", "KOM", "DIG", "SAM", "FRI")] + [("delsumma", "KSF")]
    sam = next(r for r in nested if r["stab"] == "SAM")
    # 14 200 tkr × 10/12 to October; utfall January–October 12 089,0 tkr; forecast of August 14 136 tkr
    assert (_ore(sam["budget"]), _ore(sam["utfall"]), _ore(sam["avvikelse"])) == (11_833_333_33, 12_089_000_00, -255_666_67)
    assert (_ore(sam["prognos"]), sam["prognos_period"], _ore(sam["prognos_avvikelse"])) == (14_136_000_00, "2024-08", 64_000_00)
    # SERV has accounts: its parts below it, adding up to it to the öre
    serv = [r for r in nested if r["forvaltning"] == "SERV"]
    assert [r["radtyp"] for r in serv] == ["radsumma", "del", "del"]
    for col in ("budget", "utfall", "avvikelse", "utfall_2023", "budget_helar"):
        assert _ore(serv[1][col]) + _ore(serv[2][col]) == _ore(serv[0][col]), col
    assert (_ore(serv[0]["utfall"]), _ore(serv[1]["utfall"]), _ore(serv[2]["utfall"])) == \
        (-1_312_400_00, 71_560_100_00, -72_872_500_00)
    table = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "stab,kostnadsslag")
    assert table.exit_code == 0, table.stderr
    assert "Ej fördelat" not in table.stdout and NOTE_KSF in table.stdout, table.stdout
    assert re.search(r"^Samhällsbyggnadsstab +11,8 +12,1 +-0,3 +-2,2 +8,9 +11,5 +14,2 +14,1 +0,1$", table.stdout, re.M)


@pytest.mark.parametrize("typed", ["KSF", "SERV"])
def test_sums_per_stab_and_per_kostnadsslag_stay_exact(run, tmp_path, typed):
    """Per stab the nested table is the --by stab table to the öre (a row shown whole is itself), and per
    kostnadsslag its parts are the --by kostnadsslag table (where a förvaltning without accounts is one row, shown
    whole: the sum of its rows shown whole)."""
    d = _mix(tmp_path, typed)
    by_stab = {(r["forvaltning"], r["stab"]): r for r in _csv(run, d) if r["radtyp"] in ("rad", "ej_fordelat", "forvaltning")}
    nested = _csv(run, d, "--by", "stab,kostnadsslag")
    columns = ("budget", "utfall", "avvikelse", "utfall_2023", "budget_helar")
    for (fid, stab), row in by_stab.items():
        mine = [r for r in nested if r["forvaltning"] == fid and r["stab"] == stab]
        if fid == typed:
            assert len(mine) == 1 and mine[0]["radtyp"] == row["radtyp"], mine
            assert all(mine[0][c] == row[c] for c in (*columns, "prognos", "prognos_avvikelse")), (stab, mine, row)
        else:
            parts = [r for r in mine if r["radtyp"] in ("del", "del_ej_fordelat")]
            assert parts, stab
            for col in columns:
                assert sum(_ore(p[col]) for p in parts) == _ore(row[col]), (stab, col)
    assert [r for r in nested if r["radtyp"] == "summa"][0]["budget"] == [r for r in _csv(run, d) if r["radtyp"] == "summa"][0]["budget"]
    alone = [r for r in _csv(run, d, "--by", "kostnadsslag") if r["radtyp"] in ("rad", "ej_fordelat", "forvaltning")]
    for r in alone:
        if r["forvaltning"] == typed:  # all of it: its rows shown whole
            same = [n for n in nested if n["forvaltning"] == typed and n["radtyp"] in ("rad", "ej_fordelat", "forvaltning")]
        else:
            same = [n for n in nested if n["forvaltning"] == r["forvaltning"] and n["kostnadsslag"] == r["kostnadsslag"]
                    and n["radtyp"] in ("del", "del_ej_fordelat")]
        for col in ("budget", "utfall", "utfall_2023"):
            assert sum(_ore(n[col]) for n in same) == _ore(r[col]), (r["forvaltning"], r["kostnadsslag"], col)


@pytest.mark.parametrize("part", ["kostnadsslag", "konto"])
def test_one_key_shows_a_forvaltning_without_accounts_whole(run, tmp_path, part):
    """Found by a controller: with one key, KSF (typed per stab, no accounts) was one row `Ej fördelat på
    kostnadsslag` right above an identical `Summa KSF`, its forecast only on the Summa, and `--top` listed it as
    `KSF: Ej fördelat på kostnadsslag`. It is now one row, as `--by forvaltning` shows it, with the note two keys
    have, and `--top` lists it as `KSF: hela raden`."""
    d = _mix(tmp_path, "KSF")
    rows = _csv(run, d, "--by", part)
    ksf = [r for r in rows if r["forvaltning"] == "KSF"]
    # 164 500 tkr for the year, 10/12 of it to October (per stab, rounded); utfall January–October; August's forecast
    assert [(r["radtyp"], r[part], r["namn"], _ore(r["budget"]), _ore(r["utfall"]), _ore(r["avvikelse"]),
             _ore(r["prognos"]), r["prognos_period"]) for r in ksf] == [
        ("forvaltning", "", "Kommunstyrelseförvaltningen", 135_133_333_34, 134_806_400_00, 326_933_34,
         165_379_000_00, "2024-08")]
    assert [r["radtyp"] for r in rows] == ["forvaltning", "rad", "rad", "delsumma", "summa"]
    table = run("deviation", "--budgets", d, "--period", "2024-10", "--by", part)
    assert table.exit_code == 0, table.stderr
    assert re.search(r"^Kommunstyrelseförvaltningen +135,1 +134,8 +0,3 +0,2 +99,0 +126,9 +164,5 +165,4 +-0,9$",
                     table.stdout, re.M), table.stdout
    assert "Ej fördelat" not in table.stdout and "Summa KSF" not in table.stdout
    assert "finns inte med konto" not in table.stdout
    assert (f"Anm.: KSF har inga konton: budget och utfall är skrivna per stab i årsfilen, så raden delas inte upp "
            f"per {part}.") in table.stdout
    listed = run("deviation", "--budgets", d, "--period", "2024-10", "--by", part, "--top", "2",
                 "--columns", "budget,utfall,avvikelse")
    assert [re.split(" {2,}", line)[0] for line in listed.stdout.splitlines()[4:6]] == [
        "SERV: " + ("Köp av verksamhet, material och bidrag" if part == "kostnadsslag" else "4010 - Köpta lokaltjänster"),
        "KSF: hela raden"], listed.stdout


def test_a_forvaltning_with_accounts_keeps_its_part_without_account(run, tmp_path):
    """Beside SERV typed in YAML, KSF (from the export) keeps `Ej fördelat på kostnadsslag` for the 1 500 tkr
    moved from LED to DIG in June by decision, which has no account: June–October, 5/7 of it."""
    d = _mix(tmp_path, "SERV")
    nested = _csv(run, d, "--by", "stab,kostnadsslag")
    rest = {r["stab"]: _ore(r["budget"]) for r in nested if r["radtyp"] == "del_ej_fordelat"}
    assert rest == {"LED": -(1_500_000_00 * 5 // 7), "DIG": 1_500_000_00 * 5 // 7}
    serv = [r for r in nested if r["forvaltning"] == "SERV"]
    assert [(r["radtyp"], _ore(r["utfall"]), _ore(r["prognos"])) for r in serv] == [("forvaltning", -1_312_400_00, -1_600_000_00)]
    table = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "stab,kostnadsslag").stdout
    assert "Anm.: SERV har inga konton: budget och utfall är skrivna för hela förvaltningen i årsfilen, så raden " \
           "delas inte upp per kostnadsslag." in table
    assert table.count("  Ej fördelat på kostnadsslag") == 2  # LED's and DIG's, none of SERV


def test_top_lists_a_row_typed_per_stab_as_the_row(run, tmp_path):
    d = _mix(tmp_path, "KSF")
    shown = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "stab,kostnadsslag", "--top", "4",
                "--columns", "budget,utfall,avvikelse,prognos")
    assert shown.exit_code == 0, shown.stderr
    labels = [re.split(" {2,}", line)[0] for line in shown.stdout.splitlines()[4:8]]
    assert labels == ["Ekonomistab: hela raden", "Serviceförvaltningen (internt prissatt): Köp av verksamhet, material "
                      "och bidrag", "Digitaliseringsstab: hela raden", "Ledningsstab: hela raden"], shown.stdout
    assert "Ej fördelat" not in shown.stdout and NOTE_KSF in shown.stdout
    # its forecast is the row's: Ekonomistab's 16,5 of August
    assert re.search(r"^Ekonomistab: hela raden +15,4 +12,9 +2,5 +16,5$", shown.stdout, re.M), shown.stdout
    # (no note on parts of two presentations: KSF's rows are no parts)
    assert "Delarna har sin förvaltnings tecken" not in shown.stdout
    listed = _csv(run, d, "--by", "stab,kostnadsslag", "--top", "4")
    assert [(r["stab"], r["kostnadsslag"], r["namn"], _ore(r["avvikelse"])) for r in listed] == [
        ("EKO", "", "Ekonomistab", 2_519_866_67), ("SERV", "kop_material", "Köp av verksamhet, material och bidrag",
                                                   -1_205_833_33),
        ("DIG", "", "Digitaliseringsstab", -1_156_804_76), ("LED", "", "Ledningsstab", -770_728_57)]


def test_the_note_says_how_the_year_shown_typed_a_forvaltning_the_other_year_lacks(run, tmp_path):
    """Found in review: `compare 2023 2024` where KSF (typed per stab, no accounts) is in 2023 only said 'KSF har
    inga konton: budget och utfall är skrivna för hela förvaltningen', beside its seven staber of 2023."""
    d = _mix(tmp_path, "KSF")
    text = (d / "2024.yaml").read_text(encoding="utf-8")
    text = re.sub(r"  KSF:\n.*?(?=\n  [A-Z]+:\n)", "", text, count=1, flags=re.S)
    (d / "2024.yaml").write_text(text[:text.index("ombudgeteringar:")], encoding="utf-8")
    shown = run("compare", "2023", "2024", "--budgets", d, "--by", "stab,kostnadsslag")
    assert shown.exit_code == 0, shown.stderr
    # (compare's table has no budget: its note speaks of the utfall it shows; found in review)
    assert "Anm.: KSF har inga konton: utfallet är skrivet per stab i årsfilen, så raderna delas inte upp " \
           "per kostnadsslag." in shown.stdout, shown.stdout
    assert "för hela förvaltningen" not in shown.stdout and "budget" not in shown.stdout


@pytest.mark.parametrize("by", ["stab,kostnadsslag", "kostnadsslag"])
def test_compares_note_on_rows_shown_whole_speaks_of_its_utfall(run, tmp_path, by):
    """Found in review: under `compare … --by stab,kostnadsslag` the note on KSF's rows shown whole said 'budget
    och utfall är skrivna per stab', beside Utfall 2023 and Utfall 2024 and no budget; deviation's keeps both."""
    d = _mix(tmp_path, "KSF")
    shown = run("compare", "2023", "2024", "--budgets", d, "--by", by)
    assert shown.exit_code == 0, shown.stderr
    rows = "raderna" if "," in by else "raden"
    assert f"Anm.: KSF har inga konton: utfallet är skrivet per stab i årsfilen, så {rows} delas inte upp per " \
           "kostnadsslag." in shown.stdout, shown.stdout
    assert "budget" not in shown.stdout.lower(), shown.stdout
    deviation = run("deviation", "--budgets", d, "--by", by)
    assert f"Anm.: KSF har inga konton: budget och utfall är skrivna per stab i årsfilen, så {rows} delas inte upp " \
           "per kostnadsslag." in deviation.stdout, deviation.stdout


def test_a_row_shown_whole_is_told_apart_from_another_forvaltnings_row_of_the_same_code():
    """Found in review: in `--by verksamhet,konto --top`, KLF's 920 shown whole (no accounts) and NYF's 920 (with
    accounts) both read `Gemensamma verksamheter…`: the förvaltning is named where a verksamhet's name repeats, for
    a row shown whole as for a row with parts."""
    import polars as pl

    from kfollow.engine.cuts import largest

    frame = pl.DataFrame({
        "radtyp": ["rad", "radsumma", "del", "summa"],
        "forvaltning": ["KLF", "NYF", "NYF", None],
        "verksamhet": ["920", "920", None, "Summa"],
        "konto": [None, None, "5010", None],
        "namn": ["Gemensamma verksamheter", "Gemensamma verksamheter", "Löner", "Summa"],
        "avvikelse": [300, 200, 200, 500],
    })
    # (each with its code, as the table names it: h139)
    assert largest(frame, 5)["rubrik"].to_list() == ["KLF 920 - Gemensamma verksamheter: hela raden",
                                                     "NYF 920 - Gemensamma verksamheter: 5010 - Löner"]


SHARES = ("Anm.: Andel av summa är – för delarna av en förvaltning som redovisas som resultat (intäkter − kostnader): "
          "dess intäkter och kostnader tar nästan ut varandra, så en dels andel säger inget; förvaltningens andel står "
          "på dess rad eller summa.")


def test_a_top_lists_notes_speak_of_the_rows_it_lists(run):
    """Found in review: the note on shares of parts of a förvaltning presented as resultat was decided on the whole
    table before `--top` cut it to a list, so it stood under two stabers' Personalkostnader (nettokostnad)."""
    two = run("deviation", "--budgets", FROM_SIE, "--period", "2024-10", "--by", "stab,kostnadsslag", "--top", "2")
    assert two.exit_code == 0, two.stderr
    assert [re.split(" {2,}", line)[0] for line in two.stdout.splitlines()[4:6]] == [
        "Ekonomistab: Personalkostnader", "Digitaliseringsstab: Personalkostnader"], two.stdout
    assert SHARES not in two.stdout and "delarna av en förvaltning" not in two.stdout, two.stdout
    # SERV's part (resultat) listed: said
    three = run("deviation", "--budgets", FROM_SIE, "--period", "2024-10", "--by", "stab,kostnadsslag", "--top", "3")
    assert "Serviceförvaltningen (internt prissatt): Köp av" in three.stdout and SHARES in three.stdout, three.stdout
    table = run("deviation", "--budgets", FROM_SIE, "--period", "2024-10", "--by", "stab,kostnadsslag")
    assert SHARES in table.stdout


def test_a_top_list_names_a_forvaltning_without_accounts_only_where_it_lists_it(run, tmp_path):
    """The note on rows shown whole (`KSF har inga konton …`) stood under a list of SERV's part alone (on stderr in
    csv); and KSF's row listed whole beside SERV's parts got the note on parts of two presentations, of which it
    is none."""
    d = _mix(tmp_path, "KSF")
    one = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "kostnadsslag", "--top", "1")
    assert one.exit_code == 0, one.stderr
    assert one.stdout.splitlines()[4].startswith("SERV: Köp av verksamhet, material och bidrag"), one.stdout
    assert "KSF" not in one.stdout, one.stdout
    csv = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "stab,kostnadsslag", "--top", "1", "-f", "csv")
    assert [r["namn"] for r in csv_rows(csv.stdout)] == ["Ekonomistab"] and "KSF har inga konton" in csv.stderr
    csv = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "kostnadsslag", "--top", "1", "-f", "csv")
    assert "KSF" not in csv.stderr, csv.stderr
    two = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "kostnadsslag", "--top", "2")
    assert "KSF: hela raden" in two.stdout and "Anm.: KSF har inga konton: budget och utfall är skrivna per stab i " \
        "årsfilen, så raden delas inte upp per kostnadsslag." in two.stdout, two.stdout
    assert "Delarna har sin förvaltnings tecken" not in two.stdout, two.stdout



def ksf_typed_in_2024(d: Path) -> Path:
    """examples/sie/budgets at `d` with KSF typed per stab in 2024 (from examples/budgets): its accounts in 2023
    alone."""
    shutil.copytree(FROM_SIE, d)
    without_note_sums(d)
    for table in ("utfall-2024.csv", "budget-2024.csv"):
        lines = (d / table).read_text(encoding="utf-8").splitlines(keepends=True)
        (d / table).write_text("".join(line for line in lines if ",KSF," not in line), encoding="utf-8")
    block = re.compile(r"  KSF:\n.*?(?=\n  [A-Z]+:\n)", re.S)
    own = block.search((TYPED / "2024.yaml").read_text(encoding="utf-8")).group(0)
    (d / "2024.yaml").write_text(block.sub(lambda _: own, (d / "2024.yaml").read_text(encoding="utf-8"), count=1),
                                 encoding="utf-8")
    return d

@pytest.mark.parametrize("by", ["kostnadsslag", "stab,kostnadsslag"])
def test_a_forvaltning_with_accounts_the_year_before_only_is_noted_for_its_budget_too(run, tmp_path, by):
    """Found in review: KSF with accounts in 2023 and typed per stab in 2024 got, in a 2024 cut, only 'Utfall för KSF
    finns inte med konto', with nothing on its budget, which has no accounts either (its parts show – for it)."""
    d = ksf_typed_in_2024(tmp_path / "budgets")
    shown = run("deviation", "--budgets", d, "--period", "2024-10", "--by", by)
    assert shown.exit_code == 0, shown.stderr
    assert "Anm.: Budgeten för KSF är skriven i årsfilen, inte per konto: budget och avvikelse per kostnadsslag visas " \
           "som –, och budgeten står på raden Ej fördelat på kostnadsslag." in shown.stdout, shown.stdout
    assert "Anm.: Utfall för KSF finns inte med konto: det står på raden Ej fördelat på kostnadsslag." in shown.stdout
    # its parts are 2023's utfall, by account; its 2024 budget and utfall on its rest
    assert re.search(r"^ *Personalkostnader +– +– +– +– +– +79,2 +– +– +–$", shown.stdout, re.M) or by != "kostnadsslag"
    assert re.search(r"^ *Ej fördelat på kostnadsslag +135,1 +134,8 ", shown.stdout, re.M) or by != "kostnadsslag"
