"""Found in review: a resultat förvaltning's personnel share was `–` with the resultat note only in a deficit year."""
from __future__ import annotations

import shutil

from tests.conftest import ROOT, without_note_sums


def test_a_resultat_unit_with_a_surplus_gets_the_resultat_note_too(run, tmp_path):
    d = tmp_path / "b"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", d)
    without_note_sums(d)
    with (d / "utfall-2023.csv").open("a", encoding="utf-8") as f:  # SERV (resultat) ends 2023 with a surplus
        f.write("2023-12,SERV,,,3010,intakt,-5000000.00\n")
    out = run("indicators", "--budgets", d).stdout
    # (before the fix: 2023 is said to have "nettokostnad 0 eller negativ (ett överskott)", not that it is presented as
    # resultat: the same unit, two reasons, and README says a resultat unit has the resultat note)
    assert "saknas för SERV 2023, SERV 2024: förvaltningen redovisas som resultat" in out, out
