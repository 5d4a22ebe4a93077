"""Opening a new year: 2025.yaml begun as a copy of 2024.yaml, as a controller does in January (found by a
controller opening 2025, h130)."""

from __future__ import annotations

import shutil

import pytest

from conftest import ROOT
from kfollow.errors import ExitStatus


@pytest.mark.parametrize("datum, ours", [("2024-06-17", "2025-06-17"), ("2024-02-29", "2025-MM-DD"),
                                         ("2023-06-17", None)])
def test_a_budget_change_of_last_year_left_in_the_new_year_file_is_told_what_to_do(run, tmp_path, datum, ours):
    """2025.yaml copied from 2024.yaml with its ombudgeteringar kept was told only 'datum of ombudgetering at line
    45 2024-06-17 is not in 2025, the year of this file', with nothing to do; it is told to leave last year's change
    in 2024.yaml, as a month of last year's utfall is, or to write this year's date."""
    shutil.copy(ROOT / "examples" / "budgets" / "2024.yaml", tmp_path / "2024.yaml")
    text = (ROOT / "examples" / "budgets" / "2024.yaml").read_text(encoding="utf-8")
    head, changes = text.split("ombudgeteringar:\n")
    head = "\n".join(line for line in head.splitlines() if not line.lstrip().startswith(("2024-", "utfall:",
                     "prognos:", "kommentarer:")))
    changes = changes.replace("datum: 2024-06-17", f"datum: {datum}")
    new = head.replace("ar: 2024", "ar: 2025") + "\nombudgeteringar:\n" + changes
    (tmp_path / "2025.yaml").write_text(new, encoding="utf-8")
    line = new.splitlines().index(f"  - datum: {datum}") + 1
    result = run("deviation", "--budgets", tmp_path, "--year", "2025")
    assert result.exit_code == ExitStatus.DATA
    where = f"Error: {tmp_path / '2025.yaml'}:{line}:12: datum of ombudgetering at line {line} {datum} is not " \
            f"in 2025, the year of this file; "
    if ours is None:
        assert result.stderr == where + f"if it is 2023's, put it in 2023.yaml; if it is 2025's, write 2025-06-17\n"
    else:
        assert result.stderr == where + (
            f"if it is 2024's, it belongs in 2024.yaml, not here (a year file begun as a copy of 2024.yaml starts "
            f"without 2024's utfall, prognos, kommentarer and ombudgeteringar: remove them); if it is 2025's, "
            f"write {ours}\n")


def test_a_profile_that_only_last_years_file_defines_is_told_what_to_do(run, tmp_path):
    """2025.yaml written anew with FRI's `profil: sommar` kept and no `profiler:` was told 'profil 'sommar' is not
    defined under profiler (defined: jamn)', as if last year's definition counted; it is told to define it there."""
    shutil.copy(ROOT / "examples" / "budgets" / "2024.yaml", tmp_path / "2024.yaml")
    (tmp_path / "2025.yaml").write_text(
        "ar: 2025\norganisation: Exempelby kommun\nenhet: tkr\nforvaltningar:\n  KSF:\n    namn: KSF\n    staber:\n"
        "      FRI:\n        namn: Fritidsanläggningar\n        profil: sommar\n        budget: 46200\n",
        encoding="utf-8")
    result = run("check", "--budgets", tmp_path)
    assert result.exit_code == ExitStatus.DATA
    assert f"{tmp_path / '2025.yaml'}:10:17: fel: profil 'sommar' is not defined under profiler (defined: jamn); " \
           "define it under profiler: with its 12 vikter, one a month (each year file has its own profiler: a " \
           "profile of last year's file is not this year's)\n" in result.stdout
