"""Opening a new year: 2025.yaml begun as a copy of 2024.yaml, as a controller does in January (found by a
controller opening 2025, h130)."""

from __future__ import annotations

import re
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


def test_the_first_month_of_last_year_left_in_a_copy_names_every_line_that_holds_one(run, tmp_path):
    """A 2025.yaml copied from 2024.yaml (only `ar` changed) was cleaned one error at a time: each run named the next
    month of 2024, some twenty runs for the example's file (found by a controller opening the new year, h130). The
    first error names every line with a month or date of 2024 too, in runs of lines, so that one edit cleans them."""
    shutil.copy(ROOT / "examples" / "budgets" / "2024.yaml", tmp_path / "2024.yaml")
    text = (ROOT / "examples" / "budgets" / "2024.yaml").read_text(encoding="utf-8")
    (tmp_path / "2025.yaml").write_text(text.replace("ar: 2024", "ar: 2025", 1), encoding="utf-8")
    result = run("deviation", "--budgets", tmp_path, "--year", "2025")
    assert result.exit_code == ExitStatus.DATA
    lines = [n for n, line in enumerate(text.splitlines(), start=1)  # a month or date as a key or a whole value
             if re.fullmatch(r"\s*(- )?([a-z_]+: )?2024-[0-9]{2}(-[0-9]{2})?(:.*)?", line)]
    assert (len(lines), lines[:2], lines[-1]) == (104, [21, 22], 169)  # (the example's utfall, forecasts, changes)
    assert result.stderr == (
        f"Error: {tmp_path / '2025.yaml'}:21:11: month of utfall of stab LED 2024-01 is not in 2025, the year of this "
        "file; if it is 2024's, it belongs in 2024.yaml, not here (a year file begun as a copy of 2024.yaml starts "
        "without 2024's utfall, prognos, kommentarer and ombudgeteringar: remove them); if it is 2025's, write 2025-01 "
        "(the file has months or dates of 2024 on 104 lines: 21–30, 32–33, 35–36, 41–50, 52–53, …, 169)\n")
    # with them removed (and the blocks they were in), the file loads: nothing else of 2024 was left to find
    head = text.replace("ar: 2024", "ar: 2025", 1).split("ombudgeteringar:\n")[0]
    kept = [line for line in head.splitlines() if not line.lstrip().startswith(("2024-", "utfall:", "prognos:",
                                                                                 "kommentarer:"))]
    (tmp_path / "2025.yaml").write_text("\n".join(kept) + "\n", encoding="utf-8")
    cleaned = run("check", "--budgets", tmp_path)
    assert cleaned.exit_code == 0 and "2024-" not in cleaned.stdout, cleaned.stdout


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


def test_the_new_years_budget_is_imported_as_the_readme_says(run, tmp_path):
    """The README's 'A new year' said to leave `budget_fil` out until the budget is imported, where the import
    writes only a table its year file names: a controller doing so was refused, exit 2 (found in review, h131).
    It says to name it and import at once; the steps as written: refused unnamed, named it stops `check` until
    the import has written it, then the year is read."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    said = readme[readme.index("- **The budget.** From the budget system's"):].split("\n- **")[0]
    said = " ".join(said.split())
    assert "Name it under `budget_fil` (`budget-2025.csv`) and import it at once" in said
    sie = ROOT / "examples" / "sie"
    budgets = tmp_path / "budgets"
    shutil.copytree(sie / "budgets", budgets)
    export = tmp_path / "export-2025.se"  # the example's export a year on (2024 has a 29 February, 2025 not)
    export.write_bytes(sie.joinpath("exempelby.se").read_bytes().replace(b"2024", b"2025").replace(b"2023", b"2024")
                       .replace(b"20250229", b"20250228"))
    text = budgets.joinpath("2024.yaml").read_text(encoding="utf-8").replace("ar: 2024", "ar: 2025")
    text = text.replace("utfall-2024.csv", "utfall-2025.csv")
    kept = []  # 2024's prognos, kommentarer, summa and ombudgeteringar stay in 2024.yaml
    for line in text.replace("budget_fil: budget-2024.csv", "budget_fil: budget-2025.csv").splitlines():
        depth = len(line) - len(line.lstrip())
        if kept and kept[-1] is None and (depth > dropped or not line.strip()):
            continue
        if kept and kept[-1] is None:
            kept.pop()
        if line.strip() in ("prognos:", "kommentarer:", "summa:", "ombudgeteringar:"):
            dropped = depth
            kept.append(None)
            continue
        kept.append(line)
    named = "\n".join(k for k in kept if k is not None) + "\n"
    unnamed = "".join(line for line in named.splitlines(keepends=True) if not line.startswith("budget_fil:"))
    budgets.joinpath("2025.yaml").write_text(unnamed, encoding="utf-8")
    args = ("import", "sie", export, "--mapping", sie / "mapping.yaml", "--year", "2025", "--budgets", budgets,
            "-o", budgets / "utfall-2025.csv", "--budget-out", budgets / "budget-2025.csv")
    result = run(*args)
    assert result.exit_code == ExitStatus.USAGE
    refused = f"budget_fil: budget-2025.csv is not named in {budgets / '2025.yaml'}; add it under budget_fil, or " \
              "give --force-unnamed"
    assert refused in result.stderr and refused.replace(str(budgets), "budgets") in said
    assert not (budgets / "budget-2025.csv").exists() and not (budgets / "utfall-2025.csv").exists()
    budgets.joinpath("2025.yaml").write_text(named, encoding="utf-8")
    result = run("check", "--budgets", budgets)
    assert result.exit_code == ExitStatus.IO and "budget_fil 'budget-2025.csv' does not exist" in result.stdout
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert run("check", "--budgets", budgets).exit_code == 0
    result = run("deviation", "--budgets", budgets, "--period", "2025-02", "--format", "csv", "--unit", "kr")
    assert result.exit_code == 0, result.stderr
    assert "Ledningsstab" in result.stdout
