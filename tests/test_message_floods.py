"""A mistake an export makes thousands of times is said for the first ten and counted for the rest: an
error listing 50 000 objects was one line of 2,8 MB, and an export with 50 000 #RTRANS rows without their
copy gave 50 011 warning lines (found by a hostile-input review)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kfollow.cli import app

HEAD = """#FLAGGA 0
#SIETYP 4
#RAR 0 20240101 20241231
#DIM 1 Ansvar
#KONTO 1930 "Bank"
#KONTO 5011 "Löner"
"""

MAPPING = """forvaltning: KSF
konton: {"1": ignorera, "5": kostnad}
stab:
  dimension: 1
  objekt: {"1110": LED}
"""


def _import(tmp_path: Path, body: str, *extra: str):
    (tmp_path / "e.se").write_text(HEAD + body, encoding="utf-8")
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    return CliRunner().invoke(app, ["import", "sie", str(tmp_path / "e.se"), "-m", str(tmp_path / "m.yaml"),
                                    "-o", str(tmp_path / "u.csv"), *extra])


def _voucher(n: int, row: str) -> str:
    return f'#VER A {n} 20240105 "v"\n{{\n{row}\n#TRANS 1930 {{}} -1.00\n}}\n'


def test_objects_the_mapping_lacks_are_listed_ten_and_counted(tmp_path: Path):
    body = "".join(_voucher(n, f'#TRANS 5011 {{1 "X{n:03d}"}} 1.00') for n in range(1, 31))
    result = _import(tmp_path, body)
    assert result.exit_code == 3
    line = result.stderr.strip()
    assert "\n" not in line
    assert "X010 (1 row" in line and "X011" not in line and "and 20 more; add them under objekt" in line
    assert not (tmp_path / "u.csv").exists()
    notes = _import(tmp_path, body, "--unmapped-empty")
    assert notes.exit_code == 0, notes.stderr
    said = [n for n in notes.stderr.splitlines() if "--unmapped-empty" in n]
    assert len(said) == 11 and said[-1].endswith("and 20 more objects the mapping lacks")


def test_accounts_no_prefix_matches_are_listed_ten_and_counted(tmp_path: Path):
    body = "".join(_voucher(n, f"#TRANS {7000 + n} {{}} 1.00") for n in range(1, 31))
    result = _import(tmp_path, body)
    assert result.exit_code == 3
    assert "7010 (1 row" in result.stderr and "7011 (" not in result.stderr
    assert "and 20 more; add their prefixes under konton" in result.stderr


def test_warnings_of_one_kind_are_said_ten_times_and_counted(tmp_path: Path):
    rtrans = "".join(f'#VER A {n} 20240105 "v"\n{{\n#RTRANS 5011 {{}} 1.00\n#TRANS 1930 {{}} -1.00\n}}\n'
                     for n in range(1, 31))
    names = "".join(f'#OBJEKT 1 "O{n}" "Namn\x07{n}"\n' for n in range(30))
    result = _import(tmp_path, names + rtrans + _voucher(99, '#TRANS 5011 {1 "1110"} 1.00'), "--unmapped-empty")
    assert result.exit_code == 0, result.stderr
    warnings = [w for w in result.stderr.splitlines() if w.startswith("warning:")]
    assert sum("#RTRANS is not followed" in w for w in warnings) == 10
    assert sum("had control characters" in w for w in warnings) == 10
    assert any(w.endswith("and 20 more #RTRANS rows not followed by their #TRANS copy (each counted as a row of "
                          "its own)") for w in warnings)
    assert any(w.endswith("and 20 more names with control characters (replaced by U+FFFD)") for w in warnings)


def test_money_without_an_object_is_listed_whatever_else_is(tmp_path: Path):
    """Capped at ten, the objects listed left out "(no object)", the one item no `objekt:` entry can fix, and
    here the largest (found in review)."""
    body = "".join(_voucher(n, f'#TRANS 5011 {{1 "X{n:02d}"}} 1.00') for n in range(1, 13))
    body += _voucher(99, "#TRANS 5011 {} 5000.00")
    (tmp_path / "e.se").write_text(HEAD + body, encoding="utf-8")
    (tmp_path / "m.yaml").write_text('forvaltning:\n  dimension: 1\n  objekt: {"1110": KSF}\n'
                                     'konton: {"1": ignorera, "5": kostnad}\nverksamhet: "100"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "sie", str(tmp_path / "e.se"), "-m", str(tmp_path / "m.yaml"),
                                      "-o", str(tmp_path / "u.csv")])
    assert result.exit_code == 3
    assert "(no object) (1 row, 5 000,00 kr" in result.stderr.replace("\u00a0", " ")
    assert "and 3 more" in result.stderr


def test_the_count_of_more_warnings_leaves_the_path_as_it_is(tmp_path: Path):
    folder = tmp_path / "a,b"
    folder.mkdir()
    rtrans = "".join(f'#VER A {n} 20240105 "v"\n{{\n#RTRANS 5011 {{}} 1.00\n#TRANS 1930 {{}} -1.00\n}}\n'
                     for n in range(1, 1231))
    result = _import(folder, rtrans + _voucher(9999, '#TRANS 5011 {1 "1110"} 1.00'), "--unmapped-empty")
    assert result.exit_code == 0, result.stderr
    assert f"warning: {folder / 'e.se'}: and 1 220 more #RTRANS rows" in result.stderr


def _many_rows(tmp_path: Path, row: str, n: int = 25) -> Path:
    """examples/budgets with `n` stab rows `row % (i, i)` added first to KSF, whose other staber book per month."""
    import shutil

    folder = tmp_path / "budgets"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "budgets", folder)
    year = folder / "2024.yaml"
    added = "".join(f"      {row % (i, i)}\n" for i in range(n))
    year.write_text(year.read_text(encoding="utf-8").replace("    staber:\n      LED:\n", "    staber:\n" + added
                                                             + "      LED:\n", 1), encoding="utf-8")
    return folder


def test_a_years_rows_given_for_the_whole_year_are_said_ten_times_and_counted(tmp_path: Path):
    """Found by an adversarial tester (h108): 20 000 stab rows `S%d: {namn: n%d, budget: 1, utfall: 1}` in KSF of
    examples/budgets/2024.yaml, whose other staber book per month, gave 20 001 lines on the stderr of `deviation
    -f csv`, one per row; the first ten are said and the rest counted, and `check` still lists every one."""
    folder = _many_rows(tmp_path, "S%d: {namn: n%d, budget: 1, utfall: 1}")
    result = CliRunner().invoke(app, ["deviation", "--budgets", str(folder), "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    year = folder / "2024.yaml"
    assert len(warned) == 11, result.stderr
    assert warned[0] == (f"warning: {year}:17: stab S0 of KSF gives utfall for the whole year while the förvaltning's "
                         "other stab rows book per month: its year-to-date utfall, and the sums with it, are unknown "
                         "(–); write its utfall per month")
    assert warned[9].startswith(f"warning: {year}:26: stab S9 of KSF gives")
    assert warned[10] == (f"warning: {year}: and 15 more stab rows of KSF that give utfall for the whole year "
                          "(kfollow check lists them)")
    check = CliRunner().invoke(app, ["check", "--budgets", str(folder)])
    assert sum("ger utfall för helåret" in line for line in check.stdout.splitlines()) == 25, check.stdout


def test_a_years_rows_without_a_budget_are_said_ten_times_and_counted(tmp_path: Path):
    """As the rows given for the whole year: 25 staber of KSF with utfall per month and no budget, while KSF's
    other staber have one, were 25 lines 'stab … has no budget … counted as 0' on every table's stderr."""
    folder = _many_rows(tmp_path, "S%d: {namn: n%d, utfall: {2024-01: 1, 2024-02: 1, 2024-03: 1, 2024-04: 1, "
                                  "2024-05: 1, 2024-06: 1, 2024-07: 1, 2024-08: 1, 2024-09: 1, 2024-10: 1}}")
    result = CliRunner().invoke(app, ["deviation", "--budgets", str(folder), "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if "has no budget" in line or "more stab" in line]
    year = folder / "2024.yaml"
    assert len(warned) == 11, result.stderr
    assert warned[0] == (f"warning: {year}:17: stab S0 of KSF has no budget while the förvaltning's other stab rows "
                         "have; counted as 0 (write its budget, 0 if it is 0)")
    assert warned[10] == (f"warning: {year}: and 15 more stab rows of KSF without budget, counted as 0 "
                          "(kfollow check lists them)")
    check = CliRunner().invoke(app, ["check", "--budgets", str(folder)])
    assert sum("har ingen budget 2024 i årsfilen" in line for line in check.stdout.splitlines()) == 25, check.stdout


def _many_forvaltningar(tmp_path: Path, stab: str, n: int = 25) -> Path:
    """A year file of förvaltning A, whose stab books January and February, and `n` förvaltningar F0, F1, … whose
    one stab is `stab`."""
    folder = tmp_path / "budgets"
    folder.mkdir()
    added = "".join(f"  F{i}:\n    namn: F{i}\n    staber:\n      S: {stab}\n" for i in range(n))
    (folder / "2024.yaml").write_text("ar: 2024\norganisation: T\nenhet: tkr\nforvaltningar:\n  A:\n    namn: A\n"
                                      "    staber:\n      S: {namn: S, budget: 1200, utfall: {2024-01: 100, "
                                      "2024-02: 100}}\n" + added, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("stab", "first", "more", "checked"), [
    ("{namn: S, budget: 1200, utfall: 100}",
     "förvaltning F0 gives utfall 2024 for the whole year only, while other förvaltningar book per month: its utfall "
     "up to 2024-02, and the sums with it, are unknown (–); write its utfall per month",
     "and 15 more förvaltningar that give utfall 2024 for the whole year only: their utfall up to 2024-02 is unknown "
     "too (–) (kfollow check lists them)", "ger utfall 2024 för helåret, men andra förvaltningar bokar per månad "
     "(till 2024-02)"),
    ("{namn: S, budget: 1200}",
     "F0 has a budget and no utfall in 2024 while other förvaltningar have utfall: its utfall, the Summa and the "
     "shares are unknown (–); write its utfall (0 if nothing is booked) or add it to the utfall table",
     "and 15 more förvaltningar with a budget and no utfall in 2024 (kfollow check lists them)",
     "har budget men inget utfall 2024"),
    ("{namn: S, budget: 1200, utfall: {2024-01: 100, 2024-02: 100}, prognos: {2024-02: 0}}",
     "the forecast 2024-02 of F0 stab S is 0 and its budget for the year is not; a forecast is the year's whole "
     "utfall: for no deviation, write the budget (kfollow check shows the amounts)",
     "and 15 more forecasts of 2024 that look mistyped (kfollow check lists them)", "prognosen 2024-02 är 0"),
], ids=["utfall-for-the-year", "no-utfall", "forecast-0"])
def test_a_years_forvaltningar_are_said_ten_times_and_counted(tmp_path: Path, stab: str, first: str, more: str,
                                                              checked: str):
    """Found by an adversarial tester (h114): a year file of 5 000 förvaltningar, each giving its utfall for the
    whole year only (or a budget and no utfall, or a forecast of 0) beside one that books per month, gave 5 000
    warning lines on the stderr of `deviation -f csv`, one per förvaltning, where the rows' lists say ten and
    count the rest; now they do too, and `check` still lists every one (it listed none of those giving their utfall for
    the whole year, which the count told to ask it for: found in review)."""
    folder = _many_forvaltningar(tmp_path, stab)
    year = folder / "2024.yaml"
    result = CliRunner().invoke(app, ["deviation", "--budgets", str(folder), "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warned) == 11, result.stderr
    assert warned[0].startswith(f"warning: {year}:") and warned[0].endswith(f": {first}")
    assert warned[10] == f"warning: {year}: {more}"
    check = CliRunner().invoke(app, ["check", "--budgets", str(folder)])
    assert sum(checked in line for line in check.stdout.splitlines()) == 25, check.stdout


def test_a_count_of_more_forvaltningar_groups_its_thousands(tmp_path: Path):
    """The counts of the capped lists were written `and 4990 more` where the other messages group thousands
    (`and 1 220 more #RTRANS rows`; found in review, h118)."""
    folder = _many_forvaltningar(tmp_path, "{namn: S, budget: 1200}", n=1_015)
    result = CliRunner().invoke(app, ["deviation", "--budgets", str(folder), "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert (f"warning: {folder / '2024.yaml'}: and 1 005 more förvaltningar with a budget and no utfall in 2024 "
            "(kfollow check lists them)") in result.stderr.splitlines()
