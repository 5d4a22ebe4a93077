"""A stab split between two years (Grundskola GRU of 2024 into GR16 and GR79 of 2025): selecting the closed stab in
the later year, whose table shows its utfall of the year before (found by a new user at the year end)."""

from __future__ import annotations

import re

from kfollow.errors import ExitStatus

YEAR = """ar: {year}
organisation: Småby kommun
enhet: tkr
forvaltningar:
  BUF:
    namn: Barn- och utbildningsförvaltningen
    staber:
{staber}
"""
STABER_2024 = "      FSK: {namn: Förskola, budget: 60000, utfall: 59000}\n" \
              "      GRU: {namn: Grundskola, budget: 180000, utfall: 186503}\n"
STABER_2025 = "      FSK: {namn: Förskola, budget: 62000, utfall: 61000}\n" \
              "      GR16: {namn: Grundskola F–6, budget: 119200, utfall: 119278}\n" \
              "      GR79: {namn: Grundskola 7–9, budget: 74500, utfall: 75782}\n"


def test_a_stab_of_the_year_before_is_named_as_such_with_the_comparison_that_shows_it(run, tmp_path):
    (tmp_path / "2024.yaml").write_text(YEAR.format(year=2024, staber=STABER_2024), encoding="utf-8")
    (tmp_path / "2025.yaml").write_text(YEAR.format(year=2025, staber=STABER_2025), encoding="utf-8")
    result = run("deviation", "--budgets", tmp_path, "--year", "2025", "--stab", "GRU")
    assert result.exit_code == ExitStatus.USAGE
    assert ("GRU is a stab of 2024, not of 2025: compare the years with kfollow compare 2024 2025 --stab GRU "
            "(and the stab rows that replaced it)") in result.stderr
    # what it advises works, and sums the old stab against the new ones
    compared = run("compare", "2024", "2025", "--budgets", tmp_path, "--stab", "GRU", "--stab", "GR16", "--stab", "GR79",
                   "--unit", "tkr")
    assert compared.exit_code == 0, compared.stderr
    summa = next(line for line in compared.stdout.splitlines() if line.startswith("Summa valda staber"))
    assert re.split(r"\s{2,}", summa)[:5] == ["Summa valda staber", "186\u00a0503", "195\u00a0060", "8\u00a0557", "4,6"]


VERKSAMHET_YEAR = """ar: {year}
organisation: Småby kommun
enhet: tkr
verksamheter:
{names}
forvaltningar:
  BUF:
    namn: Barn- och utbildningsförvaltningen
    summa: {{budget: 240000, utfall: 245000}}
    verksamheter:
{rows}
"""


def test_a_verksamhet_of_the_year_before_is_named_with_a_comparison_that_runs(run, tmp_path):
    """Found in review: the advice for a verksamhet of another year ('compare the years with kfollow compare 2024
    2025 --verksamhet 407') was refused when followed ('--verksamhet selects rows of the verksamhet view; use it with
    --by verksamhet, …'); it names --by verksamhet, and what it names runs."""
    (tmp_path / "2024.yaml").write_text(VERKSAMHET_YEAR.format(
        year=2024, names='  "407": "Grundskola"\n  "408": "Förskola"',
        rows='      "407": {budget: 180000, utfall: 186000}\n      "408": {budget: 60000, utfall: 59000}'),
        encoding="utf-8")
    (tmp_path / "2025.yaml").write_text(VERKSAMHET_YEAR.format(
        year=2025, names='  "408": "Förskola"\n  "410": "Grundskola F–9"',
        rows='      "408": {budget: 62000, utfall: 61000}\n      "410": {budget: 178000, utfall: 184000}'),
        encoding="utf-8")
    result = run("deviation", "--budgets", tmp_path, "--year", "2025", "--by", "verksamhet", "--verksamhet", "407")
    assert result.exit_code == ExitStatus.USAGE
    assert ("407 is a verksamhet of 2024, not of 2025: compare the years with kfollow compare 2024 2025 --by verksamhet "
            "--verksamhet 407 (and the verksamhet rows that replaced it)") in result.stderr
    compared = run("compare", "2024", "2025", "--budgets", tmp_path, "--by", "verksamhet", "--verksamhet", "407",
                   "--verksamhet", "410", "--unit", "tkr")
    assert compared.exit_code == 0, compared.stderr
    summa = next(line for line in compared.stdout.splitlines() if line.startswith("Summa valda verksamheter"))
    assert re.split(r"\s{2,}", summa)[:4] == ["Summa valda verksamheter", "186\u00a0000", "184\u00a0000", "-2\u00a0000"]
