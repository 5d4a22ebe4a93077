"""A month typed by hand without its zero (`2024-8`), the likeliest slip in a year file's months."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.mark.parametrize("line, typed, fix", [(28, "2024-8", "2024-08"), (28, "2024-13", "2024-08")])
def test_a_month_without_its_zero_in_utfall_is_named_where_it_is(run, tmp_path: Path, line, typed, fix):
    """Found by a new user: `2024-8: 1860.7` among a stab's utfall months said `unknown key '2024-01' in
    utfall of stab EKO; allowed: kostnader, intakter, netto`, pointing at the first, correct month and
    suggesting gross keys; the same slip under prognos named itself. Now the month is named where it is."""
    folder = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "budgets", folder)
    year_file = folder / "2024.yaml"
    lines = year_file.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[line - 1].strip() == "2024-08: 1860.7"
    lines[line - 1] = lines[line - 1].replace("2024-08", typed)
    year_file.write_text("".join(lines), encoding="utf-8")
    result = run("deviation", "--budgets", folder)
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {year_file}:{line}:11: month of utfall of stab LED '{typed}' is not a month; "
                             f"write YYYY-MM, e.g. {fix}\n")


@pytest.mark.parametrize("line, message", [
    ("prognos: 29000.0", "12:18: prognos of stab S1 must name the month it was made in, e.g. prognos: "
                         "{2024-08: 29000.0} (the month: the full-year forecast)"),
    ('prognos: "29 000,0"', "12:18: prognos of stab S1 must name the month it was made in, e.g. prognos: "
                            "{2024-08: 29000.0} (the month: the full-year forecast)"),  # (an example that can be read)
    ("prognos: 2024-08", "12:18: prognos of stab S1 names a month (2024-08) but no forecast: write prognos: "
                         "{2024-08: …} (the month it was made in: the full-year forecast)"),
    ("prognos: 2023-8", "12:18: prognos of stab S1 names a month (2023-8) but no forecast: write prognos: "
                        "{2024-08: …} (the month it was made in: the full-year forecast)"),  # (this year's, as written)
    ("prognos: −29 000,5", "12:18: prognos of stab S1 must name the month it was made in, e.g. prognos: "
                           "{2024-08: -29000.5} (the month: the full-year forecast)"),
    ("kommentar: {2024-08: Bra}", '12:20: kommentar of stab S1 is one text for the row; comments per month go under '
                                  'kommentarer: (with an r), e.g. kommentarer: {2024-08: "…"} (the month: its comment)'),
    ("prognos: {2023-08: 1000}", "12:19: month of prognos of stab S1 2023-08 is not in 2024, the year of this file; "
                                 "if it is 2023's, it belongs in 2023.yaml, not here (a year file begun as a copy of "
                                 "2023.yaml starts without 2023's utfall, prognos, kommentarer and ombudgeteringar: "
                                 "remove them); if it is 2024's, write 2024-08"),
    ("kommentarer: {2024-08: Bra, 2024-09: ''}", None),  # (an empty comment: its own message, unchanged)
])
def test_mistakes_of_a_rollover_are_told_what_to_write(run, tmp_path, line, message):
    """Found by a new user rolling a year over: `prognos: 29000.0` was told "must be a mapping" with no
    example, `kommentar:` holding months "must be text, found a mapping", and a month of last year "is not
    in 2025" without what to write."""
    (tmp_path / "2024.yaml").write_text("ar: 2024\norganisation: Test\nenhet: tkr\nforvaltningar:\n  A:\n    namn: A\n"
                                        "    staber:\n      S1:\n        namn: Ett\n        budget: 1200\n"
                                        f"        utfall: {{2024-01: 100}}\n        {line}\n", encoding="utf-8")
    result = run("deviation", "--budgets", tmp_path)
    assert result.exit_code == 3
    if message is not None:
        assert result.stderr == f"Error: {tmp_path / '2024.yaml'}:{message}\n"


def test_an_amount_with_spaced_thousands_and_a_decimal_point_is_told_the_plain_number(run, tmp_path):
    """`295 000.0` was "not an amount; write a number such as 1240.8" where `295 000` got `write 295000`
    (found by a new user)."""
    (tmp_path / "2024.yaml").write_text("ar: 2024\norganisation: Test\nenhet: tkr\nforvaltningar:\n  A:\n    namn: A\n"
                                        "    staber:\n      S1: {namn: Ett, budget: 295 000.0, utfall: {2024-01: 100}}\n",
                                        encoding="utf-8")
    result = run("deviation", "--budgets", tmp_path)
    assert result.exit_code == 3
    assert result.stderr.endswith("budget of stab S1 '295 000.0' has spaces in it; write 295000.0 (no spaces)\n")


@pytest.mark.parametrize("typed", ["202401", "20240101", "2024.01"])
def test_a_month_written_as_a_number_is_not_a_decimal_comma(run, tmp_path: Path, typed):
    """Found by an adversarial tester: `202401: 1847.0` (or `20240101:`) as the first month of a stab's
    utfall, a block mapping with no braces and no comma, said `21:11: a decimal comma inside { } splits the
    number; write amounts with a decimal point, e.g. 1240.8`, since the first key of a block mapping stands
    on the mapping's own line; `2024.01` was told it is no month. Now all three are."""
    folder = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "budgets", folder)
    year_file = folder / "2024.yaml"
    lines = year_file.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[20].strip() == "2024-01: 1847.0"
    lines[20] = lines[20].replace("2024-01", typed)
    year_file.write_text("".join(lines), encoding="utf-8")
    result = run("deviation", "--budgets", folder)
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {year_file}:21:11: month of utfall of stab LED '{typed}' is not a month; "
                             "write YYYY-MM, e.g. 2024-08\n")


def test_a_decimal_comma_in_braces_is_still_said(run, tmp_path: Path):
    """The braces' case the message is for keeps it: `utfall: {2024-01: 950,5}`."""
    (tmp_path / "2024.yaml").write_text("ar: 2024\norganisation: Test\nenhet: tkr\nforvaltningar:\n  A:\n    namn: A\n"
                                        "    staber:\n      S1:\n        namn: Ett\n        budget: 1200\n"
                                        "        utfall: {2024-01: 950,5}\n", encoding="utf-8")
    result = run("deviation", "--budgets", tmp_path)
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {tmp_path / '2024.yaml'}:11:31: a decimal comma inside {{ }} splits the number; "
                             "write amounts with a decimal point, e.g. 1240.8\n")
