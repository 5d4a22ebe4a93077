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
