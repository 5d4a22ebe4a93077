"""Found in review (h150): the notes under `kfollow indicators` spoke of what did not hold for the years shown, a
hidden year, or gave two reasons for one unit's missing personnel share."""

from __future__ import annotations

import shutil

import pytest

from kfollow.errors import ExitStatus
from tests.conftest import ROOT


def _mixed(tmp_path):
    """2023 typed per stab in YAML (no accounts), 2024 from the SIE example's fact tables."""
    d = tmp_path / "b"
    d.mkdir()
    shutil.copy(ROOT / "examples" / "budgets" / "2023.yaml", d)
    for f in (ROOT / "examples" / "sie" / "budgets").glob("*2024*"):
        shutil.copy(f, d)
    return d


def test_a_resultat_unit_has_the_resultat_note_in_a_year_typed_per_stab_too(run, tmp_path):
    # SERV (redovisas_som: resultat) was – in 2023 for 'utfall utan konto' and in 2024 for 'redovisas som resultat':
    # its share is never computed, accounts or not, so the reason is the same in both years
    shown = run("indicators", "--budgets", _mixed(tmp_path))
    assert shown.exit_code == 0, shown.stderr
    assert ("Anm.: Personalkostnader/verksamhetens nettokostnad saknas för KSF 2023: utfall utan konto (skrivet per "
            "stab eller verksamhet).") in shown.stdout, shown.stdout
    assert ("Anm.: Personalkostnader/verksamhetens nettokostnad saknas för SERV 2023, SERV 2024: förvaltningen "
            "redovisas som resultat") in shown.stdout, shown.stdout


def test_the_definitions_say_what_holds_for_a_year_without_accounts(run, tmp_path):
    # the note named the accounts of class 5 for a year typed per stab, whose utfall has no account at all
    typed = run("indicators", "--budgets", ROOT / "examples" / "budgets")
    assert typed.exit_code == 0, typed.stderr
    assert ("Anm.: Måtten räknas så: personalkostnaderna är utfallet på kostnadsslaget personal delat med "
            "förvaltningens nettokostnad och kräver utfall med konton, som 2023 och 2024 inte har (skrivet per stab "
            "eller verksamhet), så andelen räknas inte för dem; avvikelse budget") in typed.stdout, typed.stdout
    assert "konton som börjar på" not in typed.stdout
    mixed = run("indicators", "--budgets", _mixed(tmp_path))
    assert ("Anm.: Måtten räknas så: personalkostnaderna är utfallet på kostnadsslaget personal (2024: konton som "
            "börjar på 5) delat med förvaltningens nettokostnad och kräver utfall med konton, som 2023 inte har "
            "(skrivet per stab eller verksamhet), så andelen räknas inte för det året; avvikelse budget") in mixed.stdout, \
        mixed.stdout


def test_the_notes_speak_of_the_years_columns_shows(run, tmp_path):
    # --columns namn,varde_2024 showed 2024 alone under notes of 2023: 'saknas för KSF 2023, SERV 2023', 'övriga år
    # avser helår', the accounts '2023: …' of the definitions
    folder = _mixed(tmp_path)
    shown = run("indicators", "--budgets", folder, "--columns", "namn,varde_2024")
    assert shown.exit_code == 0, shown.stderr
    assert "2023" not in shown.stdout, shown.stdout
    assert "Anm.: 2024 avser januari–oktober (ack.).\n" in shown.stdout, shown.stdout
    assert ("Anm.: Personalkostnader/verksamhetens nettokostnad saknas för SERV 2024: förvaltningen redovisas som "
            "resultat") in shown.stdout
    assert ("Anm.: Måtten räknas så: personalkostnaderna är utfallet på kostnadsslaget personal (konton som börjar på "
            "5) delat med förvaltningens nettokostnad; avvikelse") in shown.stdout
    earlier = run("indicators", "--budgets", folder, "--columns", "namn,varde_2023")
    assert "2024" not in earlier.stdout.split("\n", 1)[1], earlier.stdout  # (the title names the year asked for)
    assert "saknas för KSF 2023: utfall utan konto" in earlier.stdout and "övriga år" not in earlier.stdout
    both = run("indicators", "--budgets", folder).stdout  # (all the years: as before)
    assert "Anm.: 2024 avser januari–oktober (ack.); övriga år avser helår." in both


@pytest.mark.parametrize("command", ["indicators", "deviation"])
@pytest.mark.parametrize("name, hint", [("ind.excel", "for CSV that Swedish Excel opens: -f excel -o {dir}/ind.csv"),
                                        ("ind.tsv", "name it so, or give --format (-f table for text)")])
def test_a_table_under_a_suffix_that_names_no_format_is_refused(run, tmp_path, command, name, hint):
    # `indicators -o ind.excel` (as `deviation` did) wrote the text table into a file named .excel, exit 0, where `report
    # -o r.excel` and `chart -o c.excel` refuse the name, exit 2, naming the suffixes there are
    out = tmp_path / name
    result = run(command, "--budgets", ROOT / "examples" / "budgets", "-o", out)
    assert result.exit_code == ExitStatus.USAGE, result.stderr
    assert result.stderr.splitlines()[-1] == (f"Error: -o {out}: a table is .csv, .json, .md, .xlsx, .docx or .txt "
                                              f"(text); {hint.format(dir=tmp_path)}"), result.stderr
    assert not out.exists()


@pytest.mark.parametrize("name", ["ind.txt", "ind", "ind.2024-10"])
def test_text_under_txt_or_no_suffix_is_written_as_before(run, tmp_path, name):
    out = tmp_path / name
    result = run("indicators", "--budgets", ROOT / "examples" / "budgets", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("Nämndindikatorer 2024, målområde ekonomi\n")
    given = run("indicators", "--budgets", ROOT / "examples" / "budgets", "-f", "csv", "-o", tmp_path / "ind.excel")
    assert given.exit_code == 0 and (tmp_path / "ind.excel").read_text(encoding="utf-8").startswith("radtyp,")


def test_indicators_in_a_workbook_have_no_unit_of_amounts(run, tmp_path):
    # the workbook said 'Enhet: mnkr' above a table of percentages: the unit is of what each is a percent of
    # (taljare_, namnare_), columns for machines that the workbook does not show
    import openpyxl

    out = tmp_path / "ind.xlsx"
    result = run("indicators", "--budgets", ROOT / "examples" / "sie" / "budgets", "--period", "2024-06", "-o", out)
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(out).active
    top = [sheet.cell(r, 1).value for r in range(1, 4)]
    assert top[0] == "Nämndindikatorer 2024, målområde ekonomi" and top[1].startswith("Källor: "), top
    assert not any("mnkr" in str(v) for v in top)
    header = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "Nämndindikator")
    assert [sheet.cell(header, c).value for c in (1, 2, 3)] == ["Nämndindikator", "2023", "2024"]
    # KSF's avvikelse 2024 to June, 394 400 of 83 150 000 kr: 0,4743235… %, kept to six decimals, cut toward zero
    assert sheet.cell(header + 2, 3).value == 0.474323
    parts = run("indicators", "--budgets", ROOT / "examples" / "sie" / "budgets", "--period", "2024-06", "--columns",
                "namn,taljare_2024,namnare_2024", "-o", tmp_path / "delar.xlsx")  # (amounts asked for: their unit)
    assert parts.exit_code == 0, parts.stderr
    assert openpyxl.load_workbook(tmp_path / "delar.xlsx").active.cell(2, 1).value == "Enhet: mnkr"


def test_a_year_of_no_figures_asked_for_is_said_as_shown(run):
    # --columns namn,varde_2023 of the bundled budgets (2023 has utfall only) showed the 2023 column under 'Anm.: 2023
    # visas inte', with no note on why each figure is –, and how the figures are computed said of 2024 alone
    shown = run("indicators", "--columns", "namn,varde_2023", "--forvaltning", "KLF")
    assert shown.exit_code == 0, shown.stderr
    assert "visas inte" not in shown.stdout and "2024" not in shown.stdout.split("\n", 1)[1], shown.stdout
    assert "Anm.: Procentuell avvikelse budget och utfall saknas för KLF 2023: budgeten saknas eller är 0." \
        in shown.stdout, shown.stdout
    assert "och kräver utfall med konton, som 2023 inte har" in shown.stdout
