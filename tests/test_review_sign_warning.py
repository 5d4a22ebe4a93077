"""Found in review: the `tecken` warning (consistency.sign_findings) was lost where the year file gives the förvaltning a
`summa:` of its own (only a forecast or a comment there: the budget and utfall still come from the fact tables)."""
from __future__ import annotations

from pathlib import Path

HEADER = "period,forvaltning,stab,verksamhet,konto,slag,belopp\n"
BUDGET = HEADER + "2024,A,S1,,5010,kostnad,1200000.00\n2024,A,S1,,3010,intakt,240000.00\n"  # income positive: wrong
UTFALL = HEADER + "".join(f"2024-{m:02d},A,S1,,5010,kostnad,100000.00\n2024-{m:02d},A,S1,,3010,intakt,-20000.00\n"
                          for m in range(1, 4))
YEAR = """ar: 2024
organisation: Test
enhet: tkr
budget_fil: budget-2024.csv
utfall_fil: utfall-2024.csv
forvaltningar:
  A:
    namn: Förvaltning A
{summa}    staber:
      S1: {{namn: Stab ett}}
"""


def _check(run, folder: Path, summa: str):
    folder.mkdir()
    (folder / "2024.yaml").write_text(YEAR.format(summa=summa), encoding="utf-8")
    (folder / "budget-2024.csv").write_text(BUDGET, encoding="utf-8")
    (folder / "utfall-2024.csv").write_text(UTFALL, encoding="utf-8")
    return run("check", "--budgets", folder)


def test_tecken_without_a_summa(run, tmp_path):
    result = _check(run, tmp_path / "plain", "")
    assert "budgetens intäkter 2024-01–2024-03 60 tkr har motsatt tecken" in result.stdout, result.stdout


def test_tecken_with_a_summa_of_only_a_forecast(run, tmp_path):
    # the same tables; the year file adds the förvaltning's own forecast (as budgets/2024.yaml does for KLF)
    result = _check(run, tmp_path / "forecast", "    summa:\n      prognos: {2024-03: 1000}\n")
    assert result.exit_code == 0, result.stderr
    # (before the fix: "0 warning(s)": the summa row (budget and utfall gross parts null) is taken before the stab rows)
    assert "budgetens intäkter 2024-01–2024-03 60 tkr har motsatt tecken" in result.stdout, result.stdout + result.stderr


def test_the_deviation_shows_the_income_added_either_way(run, tmp_path):
    """What the warning is for: the förvaltning's budget is 1 200 + 240 tkr, the income added, with a summa or not."""
    _check(run, tmp_path / "d", "    summa:\n      prognos: {2024-03: 1000}\n")
    shown = run("deviation", "--budgets", tmp_path / "d", "--by", "forvaltning", "--unit", "tkr", "-f", "csv",
                "--columns", "budget_helar")
    assert shown.stdout.splitlines()[1] == "1440", shown.stdout
