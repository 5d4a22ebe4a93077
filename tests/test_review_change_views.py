"""Found in review: `andring_en_vy` (consistency.change_view_findings) fired where the other view has no budget at all."""
from __future__ import annotations

from pathlib import Path

YEAR = """ar: 2024
organisation: Test
enhet: tkr
verksamheter:
  "100": "Nämnd"
  "920": "Gemensamma"
forvaltningar:
  KSF:
    namn: Kommunstyrelseförvaltningen
    staber:
      LED: {namn: Ledningsstab, budget: 1200.0, utfall: 1100.0}
      EKO: {namn: Ekonomistab, budget: 600.0, utfall: 650.0}
    verksamheter:
      "100": {utfall: 750.0}
      "920": {utfall: 1000.0}
ombudgeteringar:
  - datum: 2024-06-17
    beslut: KS § 1
    text: flytt
    rader:
      - {forvaltning: KSF, stab: LED, belopp: -100.0}
      - {forvaltning: KSF, stab: EKO, belopp: 100.0}
"""


def test_change_naming_a_stab_is_not_told_to_name_a_verksamhet_that_has_no_budget(run, tmp_path: Path):
    (tmp_path / "2024.yaml").write_text(YEAR, encoding="utf-8")
    result = run("check", "--budgets", tmp_path)
    assert result.exit_code == 0, result.stderr
    # the verksamhet rows have no budget at all (vy_ofullstandig says so already): they show no "budget before
    # the change", and naming a verksamhet on the change row would only make a budget change without a budget
    assert "andring" not in result.stdout and "budgetändringen (KS § 1) anger stab" not in result.stdout, result.stdout
