"""Found in review: with `--gross`, the `Ej fördelat på stab` row that utfall without a stab makes (a förvaltning's
budget from a budget table, which has nothing there: budget 0) showed `–` for the budget of its `varav` lines, a
budget known to be 0 kronor and 0 kronor, and so its förvaltning's `Summa` and the `Summa nettokostnad` lost their
gross budget too. Its kostnader and intäkter are now 0, as the rows of a gross budget have them, and the sums are
the rows' sums."""

from __future__ import annotations

import shutil

from tests.conftest import ROOT, csv_rows, without_note_sums

FROM_SIE = ROOT / "examples" / "sie" / "budgets"


def _rows(run, d, *args):
    result = run("deviation", "--budgets", d, "--period", "2024-10", "--gross", "--format", "csv", "--exact",
                 "--unit", "kr", *args)
    assert result.exit_code == 0, result.stderr
    return csv_rows(result.stdout)


def _ore(text: str) -> int | None:
    return round(float(text) * 100) if text else None


def test_the_row_of_utfall_without_a_stab_has_a_gross_budget_of_0(run, tmp_path):
    d = tmp_path / "budgets"
    shutil.copytree(FROM_SIE, d)
    without_note_sums(d)
    before = {(r["radtyp"], r["stab"]): r for r in _rows(run, d)}
    with (d / "utfall-2024.csv").open("a", encoding="utf-8") as out:  # 250 000 kr of costs, 50 000 kr of income
        out.write("2024-03,KSF,,,5010,kostnad,250000.00\n2024-04,KSF,,,3510,intakt,-50000.00\n")
    rows = _rows(run, d)
    rest = [r for r in rows if r["stab"] == "ej fördelat (KSF)"]
    cols = ("budget", "utfall", "avvikelse", "budget_helar")
    assert [(r["radtyp"], *(_ore(r[c]) for c in cols)) for r in rest] == [
        ("ej_fordelat", 0, 200_000_00, -200_000_00, 0),
        ("kostnader", 0, 250_000_00, -250_000_00, 0),
        ("intakter", 0, 50_000_00, 50_000_00, 0)]  # (more income than budgeted is good)
    # the förvaltning's varav lines: the budget as without the row (known gross again), the utfall with it
    for kind in ("kostnader", "intakter"):
        now, was = next(r for r in rows if r["radtyp"] == kind and r["stab"] == "KSF"), before[kind, "KSF"]
        assert _ore(now["budget"]) == _ore(was["budget"]) == (140_538_666_68 if kind == "kostnader" else 5_405_333_34)
        assert _ore(now["utfall"]) - _ore(was["utfall"]) == (250_000_00 if kind == "kostnader" else 50_000_00)
    table = run("deviation", "--budgets", d, "--period", "2024-10", "--gross")
    lines = table.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Ej fördelat på stab"))
    assert lines[at + 1].split()[2:6] == ["0,0", "0,3", "-0,3", "–"], table.stdout
    assert lines[at + 2].split()[2:6] == ["0,0", "0,1", "0,1", "–"], table.stdout
