"""Found in review (h150): the notes under `kfollow indicators` spoke of what did not hold for the years shown, a
hidden year, or gave two reasons for one unit's missing personnel share."""

from __future__ import annotations

import shutil

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
