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
