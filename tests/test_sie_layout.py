"""How #PBUDGET and #PSALDO object rows are read (found by a controller recomputing an import from the
SIE text): a budget on objects only, in nested breakdowns, is not summed twice; a stab's money that the
finest rows leave stays the stab's; rows that also name an unmapped dimension are summed over it where
nothing else gives the mapped ones; even evidence reads as totals."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from kfollow.cli import app

HEAD = """#FLAGGA 0
#FORMAT PC8
#SIETYP 3
#PROGRAM "Handskrivet" 1
#GEN 20240305
#FNAMN "Testby kommun"
#RAR 0 20240101 20241231
#DIM 1 Ansvar
#DIM 20 Verksamhet
#DIM 6 Projekt
#KONTO 5011 "Löner"
#KONTO 6410 "Lokalhyra"
"""

MAPPING = """forvaltning: KSF
konton: {"1": ignorera, "2": ignorera, "3": intakt, "4": kostnad, "5": kostnad, "6": kostnad, "7": kostnad, "8": ignorera}
stab:
  dimension: 1
  objekt: {"1110": LED, "1120": EKO}
verksamhet:
  dimension: 20
  objekt: {"920": "920"}
"""


def imported(tmp_path: Path, lines: str, budget: bool = True, mapping: str = MAPPING) -> tuple[dict, str]:
    """The fact table of an export of `lines` ((forvaltning, stab, verksamhet, konto) → belopp) and stderr."""
    (tmp_path / "export.se").write_text(HEAD + lines, encoding="cp437")
    (tmp_path / "map.yaml").write_text(mapping, encoding="utf-8")
    out = tmp_path / "facts.csv"
    where = ["--budget-out", out] if budget else ["--from", "psaldo", "-o", out]
    result = CliRunner().invoke(app, ["import", "sie", str(tmp_path / "export.se"), "-m", str(tmp_path / "map.yaml"),
                                      *map(str, where)])
    assert result.exit_code == 0, result.stderr
    with out.open(encoding="utf-8") as f:
        rows = {(r["forvaltning"], r["stab"], r["verksamhet"], r["konto"]): r["belopp"] for r in csv.DictReader(f)}
    return rows, result.stderr


def test_a_budget_on_objects_only_in_two_breakdowns_is_counted_once(tmp_path: Path):
    """No `{}` #PBUDGET row: {1} and {1 20} rows break down one budget of 1 000 kr; the file's #PSALDO shows
    the layout (totals). Read as parts it was 2 000 kr, a false underskott of 1 000."""
    rows, err = imported(tmp_path, """#PSALDO 0 202401 5011 {} 1000.00
#PSALDO 0 202401 5011 {1 "1110"} 600.00
#PSALDO 0 202401 5011 {1 "1120"} 400.00
#PSALDO 0 202401 5011 {1 "1110" 20 "920"} 600.00
#PSALDO 0 202401 5011 {1 "1120" 20 "920"} 400.00
#PBUDGET 0 202401 5011 {1 "1110"} 650.00
#PBUDGET 0 202401 5011 {1 "1120"} 350.00
#PBUDGET 0 202401 5011 {1 "1110" 20 "920"} 650.00
#PBUDGET 0 202401 5011 {1 "1120" 20 "920"} 350.00
""")
    assert rows == {("KSF", "LED", "920", "5011"): "650.00", ("KSF", "EKO", "920", "5011"): "350.00"}
    assert "written as parts" not in err and "1 000,00 kr" in err


def test_without_any_psaldo_sets_that_sum_alike_are_one_total_broken_down(tmp_path: Path):
    """{1}, {20} and {1 20} each sum to the account's budget: a total broken down three ways, 1 080 kr (read
    as parts it was 3 240)."""
    rows, _ = imported(tmp_path, """#PBUDGET 0 202401 5011 {1 "1110"} 600.00
#PBUDGET 0 202401 5011 {1 "1120"} 400.00
#PBUDGET 0 202401 5011 {20 "920"} 1000.00
#PBUDGET 0 202401 5011 {1 "1110" 20 "920"} 600.00
#PBUDGET 0 202401 5011 {1 "1120" 20 "920"} 400.00
#PBUDGET 0 202401 6410 {1 "1110"} 50.00
#PBUDGET 0 202401 6410 {1 "1120"} 30.00
#PBUDGET 0 202401 6410 {20 "920"} 80.00
#PBUDGET 0 202401 6410 {1 "1110" 20 "920"} 50.00
#PBUDGET 0 202401 6410 {1 "1120" 20 "920"} 30.00
""")
    assert sum(float(b) for b in rows.values()) == 1080
    assert rows[("KSF", "EKO", "920", "5011")] == "400.00" and rows[("KSF", "LED", "920", "6410")] == "50.00"


BOTH_WAYS = """#PBUDGET 0 202401 5011 {} 1000.00
#PBUDGET 0 202401 5011 {1 "1110"} 600.00
#PBUDGET 0 202401 5011 {1 "1120"} 400.00
#PBUDGET 0 202401 5011 {20 "920"} 700.00
#PBUDGET 0 202401 5011 {1 "1110" 20 "920"} 600.00
#PBUDGET 0 202401 5011 {1 "1120" 20 "920"} 100.00
"""


def test_what_the_finest_rows_leave_of_a_stab_stays_the_stabs(tmp_path: Path):
    """EKO has 400 in {1} and 100 of it with a verksamhet in {1 20}: the other 300 is EKO's without a
    verksamhet, not money of no stab."""
    rows, _ = imported(tmp_path, BOTH_WAYS)
    assert rows == {("KSF", "LED", "920", "5011"): "600.00", ("KSF", "EKO", "920", "5011"): "100.00",
                    ("KSF", "EKO", "", "5011"): "300.00"}


def test_a_forvaltning_from_the_stabs_dimension_is_not_refused_for_a_stabs_rest(tmp_path: Path):
    """With the förvaltning from dimension 1 the same file stopped: 'object rows … must add up to its {}
    row (1 row, 300,00 kr)', though 600 + 400 is the total."""
    mapping = MAPPING.replace("forvaltning: KSF", 'forvaltning: {dimension: 1, objekt: {"1100-1199": KSF}}')
    rows, _ = imported(tmp_path, BOTH_WAYS, mapping=mapping)
    assert rows[("KSF", "EKO", "", "5011")] == "300.00" and len(rows) == 3


def test_rows_that_also_name_an_unmapped_dimension_give_the_mapped_ones(tmp_path: Path):
    """The budget is broken down only by {1 20 6}: summed over dimension 6, it gives LED and EKO (it went
    under an empty key), and a note says so."""
    rows, err = imported(tmp_path, """#PBUDGET 0 202401 5011 {} 1000.00
#PBUDGET 0 202401 5011 {1 "1110" 20 "920" 6 "P1"} 500.00
#PBUDGET 0 202401 5011 {1 "1110" 20 "920" 6 "P2"} 100.00
#PBUDGET 0 202401 5011 {1 "1120" 20 "920" 6 "P1"} 400.00
""")
    assert rows == {("KSF", "LED", "920", "5011"): "600.00", ("KSF", "EKO", "920", "5011"): "400.00"}
    assert "summed over those: {1 20} from {1 20 6} in 1 account-month" in " ".join(err.split())


def test_rows_of_the_mapped_dimensions_alone_come_before_those_with_more(tmp_path: Path):
    """Beside {1 20} rows, {1 20 6} rows (a part of them) are not added."""
    rows, err = imported(tmp_path, """#PBUDGET 0 202401 5011 {} 1000.00
#PBUDGET 0 202401 5011 {1 "1110" 20 "920"} 600.00
#PBUDGET 0 202401 5011 {1 "1120" 20 "920"} 400.00
#PBUDGET 0 202401 5011 {1 "1110" 20 "920" 6 "P1"} 500.00
""")
    assert rows == {("KSF", "LED", "920", "5011"): "600.00", ("KSF", "EKO", "920", "5011"): "400.00"}
    assert "summed over" not in err


def test_even_evidence_reads_as_totals(tmp_path: Path):
    """One account's object rows are a part of its total, another's exceed it: the file could be either
    layout, and totals (most programs') gives 1 100 kr, where parts summed everything to 2 000."""
    rows, err = imported(tmp_path, """#PSALDO 0 202401 6410 {} 100.00
#PSALDO 0 202401 6410 {1 "1110"} 300.00
#PSALDO 0 202401 5011 {} 1000.00
#PSALDO 0 202401 5011 {1 "1110"} 600.00
""", budget=False)
    assert rows == {("KSF", "LED", "", "5011"): "600.00", ("KSF", "LED", "", "6410"): "300.00",
                    ("KSF", "", "", "5011"): "400.00", ("KSF", "", "", "6410"): "-200.00"}
    assert "written as parts" not in err


def test_rows_summed_over_a_project_are_no_coarser_breakdown_of_the_stabs(tmp_path: Path):
    """Found in review: {1 6} rows (a project's part) summed to {1} became a coarser level below {1 20}
    and took LED's 600 down to 100 (-500 without verksamhet), with the totals still agreeing."""
    rows, _ = imported(tmp_path, """#PBUDGET 0 202401 5011 {} 1000.00
#PBUDGET 0 202401 5011 {1 "1110" 20 "920"} 600.00
#PBUDGET 0 202401 5011 {1 "1120" 20 "920"} 400.00
#PBUDGET 0 202401 5011 {1 "1110" 6 "P1"} 100.00
#PBUDGET 0 202401 5011 {1 "1120" 6 "P1"} 50.00
""")
    assert rows == {("KSF", "LED", "920", "5011"): "600.00", ("KSF", "EKO", "920", "5011"): "400.00"}


def test_a_whole_breakdown_of_mapped_dimensions_comes_before_a_projects_part(tmp_path: Path):
    """{20} covers the income; {1 6} (a project's part, summed over 6) ranked first for having the stab."""
    rows, _ = imported(tmp_path, """#PSALDO 0 202403 3010 {} -1000.00
#PSALDO 0 202403 3010 {20 "920"} -1000.00
#PSALDO 0 202403 3010 {1 "1110" 6 "P1"} -300.00
""", budget=False)
    assert rows == {("KSF", "", "920", "3010"): "-1000.00"}


def test_a_coarser_set_smaller_than_its_finer_rows_is_no_breakdown_of_them(tmp_path: Path):
    """{1} EKO 100 under {1 20} EKO 400: the sets disagree, and EKO keeps its 400 (not 400 and -300)."""
    rows, _ = imported(tmp_path, """#PBUDGET 0 202401 5011 {} 1000.00
#PBUDGET 0 202401 5011 {1 "1110"} 600.00
#PBUDGET 0 202401 5011 {1 "1120"} 100.00
#PBUDGET 0 202401 5011 {1 "1110" 20 "920"} 600.00
#PBUDGET 0 202401 5011 {1 "1120" 20 "920"} 400.00
""")
    assert rows == {("KSF", "LED", "920", "5011"): "600.00", ("KSF", "EKO", "920", "5011"): "400.00"}


def test_a_total_from_object_rows_alone_is_the_set_that_gives_the_most(tmp_path: Path):
    """No `{}` row: {1} gives 600 of the account, {20} all 1 000; the total is 1 000, and what the staber
    leave of it is unattributed (it was 600)."""
    rows, _ = imported(tmp_path, """#PSALDO 0 202401 5011 {} 500.00
#PSALDO 0 202401 5011 {1 "1110"} 500.00
#PBUDGET 0 202401 5011 {1 "1110"} 600.00
#PBUDGET 0 202401 5011 {20 "920"} 1000.00
""")
    assert sum(float(b) for b in rows.values()) == 1000 and rows[("KSF", "LED", "", "5011")] == "600.00"


def test_evidence_that_could_be_chance_reads_as_totals_with_a_warning(tmp_path: Path):
    """Found in review: two sets summing alike by chance (50 and 50) outweighed an account whose object
    rows exceed its total. Now they weigh as one account-month each, and even evidence is said."""
    _, err = imported(tmp_path, """#PSALDO 0 202401 5011 {} 100.00
#PSALDO 0 202401 5011 {1 "1110"} 300.00
#PSALDO 0 202401 6410 {1 "1110"} 50.00
#PSALDO 0 202401 6410 {6 "P1"} 50.00
""", budget=False)
    assert "the #PSALDO rows could be written either way: 1 account-month read as a total broken down by " \
           "object rows, 1 as object rows that are parts of it; read as totals" in " ".join(err.split())


def test_an_object_list_of_empty_codes_is_no_total(tmp_path: Path):
    """Found with hostile input: `{1 ""}` (no object of dimension 1) was read as a second `{}` total, 1 300
    of an account of 1 000."""
    rows, _ = imported(tmp_path, """#PSALDO 0 202401 5011 {} 1000.00
#PSALDO 0 202401 5011 {1 "1110"} 700.00
#PSALDO 0 202401 5011 {1 ""} 300.00
""", budget=False)
    assert rows == {("KSF", "LED", "", "5011"): "700.00", ("KSF", "", "", "5011"): "300.00"}


def test_sets_of_0_and_ignored_accounts_tell_nothing_of_the_layout(tmp_path: Path):
    """Found with hostile input: object rows of 0 (not of the total's sign) and balance accounts the mapping
    ignores made the file read as parts, and 5011's total was added to its object rows (1 600)."""
    rows, _ = imported(tmp_path, """#PSALDO 0 202401 5011 {} 1000.00
#PSALDO 0 202401 5011 {1 "1110"} 600.00
#PSALDO 0 202401 6410 {} 250.00
#PSALDO 0 202401 6410 {1 "1110"} 0.00
#PSALDO 0 202401 6420 {} 250.00
#PSALDO 0 202401 6420 {1 "1110"} 0.00
#PSALDO 0 202401 1930 {} -1000.00
#PSALDO 0 202401 1930 {1 "1110"} 500.00
#PSALDO 0 202401 2440 {} -1000.00
#PSALDO 0 202401 2440 {1 "1110"} 500.00
""", budget=False)
    assert sum(float(b) for b in rows.values()) == 1500 and rows[("KSF", "LED", "", "5011")] == "600.00"


def test_a_budget_on_objects_of_three_sets_two_alike_is_a_total(tmp_path: Path):
    """{1} and {20} each give 1 000, {6} (a project) 800: a total broken down, not 2 800 of parts."""
    rows, _ = imported(tmp_path, """#PBUDGET 0 202401 5011 {1 "1110"} 600.00
#PBUDGET 0 202401 5011 {1 "1120"} 400.00
#PBUDGET 0 202401 5011 {20 "920"} 1000.00
#PBUDGET 0 202401 5011 {6 "P1"} 800.00
""")
    assert sum(float(b) for b in rows.values()) == 1000


def test_parts_read_on_no_evidence_and_sets_that_disagree_are_said(tmp_path: Path):
    _, err = imported(tmp_path, """#PBUDGET 0 202401 5011 {1 "1110"} 600.00
#PBUDGET 0 202401 5011 {6 "P1"} 300.00
""")
    assert "nothing in the file tells how its #PBUDGET object rows relate to its {} rows" in " ".join(err.split())
    _, err = imported(tmp_path, """#PBUDGET 0 202401 5011 {} 1000.00
#PBUDGET 0 202401 5011 {1 "1110"} 700.00
#PBUDGET 0 202401 5011 {1 "1120"} 300.00
#PBUDGET 0 202401 5011 {1 "1110" 20 "920"} 900.00
#PBUDGET 0 202401 5011 {1 "1120" 20 "920"} 100.00
""")
    assert "in 1 account-month (5011 2024-01 first) the #PBUDGET object rows of fewer dimensions disagree" \
        in " ".join(err.split())


def test_an_empty_code_is_a_part_of_its_dimensions_set(tmp_path: Path):
    """Found in review: `{1 ""}` rows with no other object row crashed the import (concat_list of no
    columns), and beside `{1 "1110"}` in a budget without `{}` they were a set of their own, left out (600
    of 1 000). They are the part of the `{1}` set without an object."""
    rows, _ = imported(tmp_path, """#PSALDO 0 202401 5011 {} 1000.00
#PSALDO 0 202401 5011 {1 ""} 1000.00
""", budget=False)
    assert rows == {("KSF", "", "", "5011"): "1000.00"}
    rows, _ = imported(tmp_path, """#PSALDO 0 202401 5011 {} 1000.00
#PSALDO 0 202401 5011 {1 "1110"} 1000.00
#PBUDGET 0 202401 6410 {1 "1110"} 600.00
#PBUDGET 0 202401 6410 {1 ""} 400.00
""")
    assert rows == {("KSF", "LED", "", "6410"): "600.00", ("KSF", "", "", "6410"): "400.00"}


def test_parts_read_on_the_word_of_one_account_month_are_said(tmp_path: Path):
    """One account-month whose object row is larger than its `{}` row read the whole file as parts, adding the
    object row to the total (−800 for a −300 total), with no word but "(written as parts …)" (found by a
    library user). The reading stands (it is what such a file most likely is), and a note says how little
    it rests on; with three such account-months it is no doubt and nothing is said."""
    one = "#PSALDO 0 202401 3510 {} -300.00\n#PSALDO 0 202401 3510 {1 \"1120\"} -500.00\n#PSALDO 0 202401 5011 {} 1000.00\n"
    rows, said = imported(tmp_path, one, budget=False)
    assert rows[("KSF", "EKO", "", "3510")] == "-500.00" and rows[("KSF", "", "", "3510")] == "-300.00"
    assert ("note: the #PSALDO rows were read as one row per object combination booked, all rows summed, on the "
            "evidence of 1 account-month whose object rows add up to more than its {} row (or to the other sign); if "
            "the {} rows are totals") in said, said
    three = "".join(f"#PSALDO 0 2024{m:02d} 3510 {{}} -300.00\n#PSALDO 0 2024{m:02d} 3510 {{1 \"1120\"}} -500.00\n"
                    for m in (1, 2, 3))
    _, said = imported(tmp_path, three, budget=False)
    assert "on the evidence of" not in said and "(written as parts" in said, said
