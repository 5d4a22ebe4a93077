"""A fact table changed after `kfollow import` wrote it (found in review, h119, as an auditor tracing the figures):
its note (`.kalla.json`) holds the amounts per period the import wrote, and a table whose amounts no longer sum
to them is refused by every command, `check` too, instead of being reported as the export's."""
from __future__ import annotations

import json
import shutil

import pytest

from kfollow.errors import ExitStatus
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples" / "sie"


def _imported(run, tmp_path, suffix: str = ".csv"):
    """A copy of the SIE example's year files with 2024's utfall and budget imported again into tables `suffix`."""
    d = tmp_path / "budgets"
    shutil.copytree(EXAMPLES / "budgets", d)
    year = d / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace("-2024.csv", f"-2024{suffix}"), encoding="utf-8")
    result = run("import", "sie", str(EXAMPLES / "exempelby.se"), "--mapping", str(EXAMPLES / "mapping.yaml"),
                 "--year", "2024", "--budgets", str(d), "-o", str(d / f"utfall-2024{suffix}"),
                 "--budget-out", str(d / f"budget-2024{suffix}"))
    assert result.exit_code == 0, result.stderr
    return d


def _ekonomistab(run, d) -> dict:
    result = run("deviation", "--budgets", str(d), "--period", "2024-10", "--stab", "EKO", "--unit", "kr", "-f", "json")
    assert result.exit_code == 0, result.stderr
    return next(r for r in json.loads(result.stdout) if r["radtyp"] == "rad")


def _refused_by_check_and_commands(run, d, said: str, commands: tuple[tuple[str, ...], ...]) -> None:
    """`check` finds the changed table (`said`, at the table), and each of `commands` stops with it, exit 3."""
    check = run("check", "--budgets", str(d))
    assert check.exit_code == ExitStatus.DATA
    assert f"utfall-2024.csv: fel: {said.split(': ', 1)[1]}" in check.stdout
    for args in commands:
        result = run(*args, "--budgets", str(d))
        assert result.exit_code == ExitStatus.DATA, (args, result.stdout)
        assert result.stdout == "" and said in result.stderr


def test_the_note_holds_the_sums_of_the_table_written(run, tmp_path):
    d = _imported(run, tmp_path)
    note = json.loads((d / "utfall-2024.csv.kalla.json").read_text(encoding="utf-8"))
    sums = note["kontrollsummor"]
    assert sums["rader"] == 230
    # 2024-01: kostnader 22 265 220,00 kr − intäkter 7 803 920,00 kr, as the import's summary says
    assert sums["belopp_ore_per_period"]["2024-01"] == "1446130000"
    assert sorted(sums["belopp_ore_per_period"]) == [f"2024-{m:02d}" for m in range(1, 11)]
    assert _ekonomistab(run, d)["utfall"] == 12896800.0
    assert run("check", "--budgets", str(d)).exit_code == 0


def test_an_amount_changed_in_the_csv_after_import_is_refused_by_every_command(run, tmp_path):
    d = _imported(run, tmp_path)
    table = d / "utfall-2024.csv"
    text = table.read_text(encoding="utf-8")
    assert "\n2024-03,KSF,EKO,,5010,kostnad,806520.00\n" in text
    table.write_text(text.replace("\n2024-03,KSF,EKO,,5010,kostnad,806520.00\n",
                                  "\n2024-03,KSF,EKO,,5010,kostnad,9806520.00\n"), encoding="utf-8")
    said = ("utfall-2024.csv: the amounts of period 2024-03 sum to 22 916 700,00 kr, but its import from "
            "exempelby.se wrote 13 916 700,00 kr (utfall-2024.csv.kalla.json): the table was changed after its "
            "import, and would be reported as the export's; import it again from the export (kfollow import … -o "
            "it), or delete the note if the table is no longer the export's")
    _refused_by_check_and_commands(run, d, said, (("deviation", "--period", "2024-10"), ("months",),
                                                  ("compare", "2023", "2024"), ("indicators", "--year", "2024")))
    out = tmp_path / "rapport.html"
    result = run("report", "--budgets", str(d), "--period", "2024-10", "-o", str(out))
    assert result.exit_code == ExitStatus.DATA and said in result.stderr and not out.exists()
    # the way out the message gives: without the note the table is the controller's own, read as it is
    (d / "utfall-2024.csv.kalla.json").unlink()
    assert _ekonomistab(run, d)["utfall"] == 12896800.0 + 9000000.0


def test_a_changed_budget_table_is_refused_too(run, tmp_path):
    d = _imported(run, tmp_path)
    table = d / "budget-2024.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("2024-03,KSF,EKO,") and ",kostnad," in line)
    lines[row] = lines[row].rstrip("\n").rsplit(",", 1)[0] + ",1.00\n"
    table.write_text("".join(lines), encoding="utf-8")
    result = run("deviation", "--budgets", str(d), "--period", "2024-10")
    assert result.exit_code == ExitStatus.DATA and result.stdout == ""
    assert "budget-2024.csv: the amounts of period 2024-03 sum to" in result.stderr
    assert "but its import from exempelby.se wrote" in result.stderr and "(budget-2024.csv.kalla.json)" in result.stderr


def test_a_row_left_out_of_a_month_is_refused(run, tmp_path):
    d = _imported(run, tmp_path)
    table = d / "utfall-2024.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    table.write_text("".join(line for line in lines if not line.startswith("2024-10,")), encoding="utf-8")
    result = run("check", "--budgets", str(d))
    assert result.exit_code == ExitStatus.DATA
    assert ("utfall-2024.csv: fel: the file has no rows of period 2024-10, but its import from exempelby.se wrote "
            "14 260 400,00 kr (utfall-2024.csv.kalla.json)") in result.stdout


def test_a_parquet_table_rewritten_by_another_tool_is_refused(run, tmp_path):
    pl = pytest.importorskip("polars")
    d = _imported(run, tmp_path, ".parquet")
    table = d / "utfall-2024.parquet"
    assert _ekonomistab(run, d)["utfall"] == 12896800.0
    facts = pl.read_parquet(table)  # (written again by polars: kfollow's sums in the footer are gone)
    changed = (pl.col("period") == "2024-03") & (pl.col("stab") == "EKO") & (pl.col("konto") == "5010")
    facts.with_columns(pl.when(changed).then(pl.col("belopp") * 10).otherwise(pl.col("belopp"))
                       .alias("belopp")).write_parquet(table)
    result = run("deviation", "--budgets", str(d), "--period", "2024-10")
    assert result.exit_code == ExitStatus.DATA and result.stdout == ""
    assert ("utfall-2024.parquet: the amounts of period 2024-03 sum to 21 175 380,00 kr, but its import from "
            "exempelby.se wrote 13 916 700,00 kr (utfall-2024.parquet.kalla.json)") in result.stderr


def test_a_note_whose_sums_cannot_be_read_is_said(run, tmp_path):
    d = _imported(run, tmp_path)
    note = d / "utfall-2024.csv.kalla.json"
    content = json.loads(note.read_text(encoding="utf-8"))
    content["kontrollsummor"] = "edited"
    note.write_text(json.dumps(content), encoding="utf-8")
    result = run("deviation", "--budgets", str(d), "--period", "2024-10")
    assert result.exit_code == ExitStatus.DATA and result.stdout == ""
    assert ("utfall-2024.csv.kalla.json: the note's control sums (kontrollsummor) cannot be read; import the table "
            "again") in result.stderr


def test_a_changed_budget_table_is_told_to_be_imported_with_budget_out(run, tmp_path):
    # (`-o it` was the advice for a budget table too: `-o` writes the utfall, which the year file names elsewhere, and
    # the import refused it; found in review, h124)
    d = _imported(run, tmp_path)
    table = d / "budget-2024.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",-61666.67\n", ",-61666.68\n", 1), encoding="utf-8")
    result = run("deviation", "--budgets", str(d), "--period", "2024-10")
    assert result.exit_code == ExitStatus.DATA and result.stdout == ""
    assert ("budget-2024.csv: the amounts of period 2024-01 sum to 14 458 333,33 kr, but its import from exempelby.se "
            "wrote 14 458 333,34 kr (budget-2024.csv.kalla.json): the table was changed after its import, and would be "
            "reported as the export's; import it again from the export (kfollow import … --budget-out it), or delete "
            "the note if the table is no longer the export's") in result.stderr
    note = d / "budget-2024.csv.kalla.json"
    content = json.loads(note.read_text(encoding="utf-8"))
    content["kontrollsummor"]["belopp_ore_per_period"]["2024-01"] = "x"
    note.write_text(json.dumps(content), encoding="utf-8")
    result = run("check", "--budgets", str(d))
    assert result.exit_code == ExitStatus.DATA
    assert ("the note's control sums (kontrollsummor) cannot be read; import the table again (kfollow import … "
            "--budget-out it)") in result.stdout
    # the utfall's as before
    utfall = d / "utfall-2024.csv"
    utfall.write_text(utfall.read_text(encoding="utf-8").replace(",806520.00\n", ",806521.00\n", 1), encoding="utf-8")
    (d / "budget-2024.csv.kalla.json").unlink()
    result = run("deviation", "--budgets", str(d), "--period", "2024-10")
    assert result.exit_code == ExitStatus.DATA and "(kfollow import … -o it)" in result.stderr


def test_a_table_whose_note_cannot_be_read_is_still_compared_when_imported_again(run, tmp_path):
    # (the import's comparison with the table it replaces read the old table with its note's sums: a note it could not
    # read made it 'note: … does not read as a fact table: it is written over without a comparison', and a budget
    # revised in the ekonomisystem went unsaid; found in review, h124)
    d = _imported(run, tmp_path)
    note = d / "budget-2024.csv.kalla.json"
    content = json.loads(note.read_text(encoding="utf-8"))
    content["kontrollsummor"] = "edited"
    note.write_text(json.dumps(content), encoding="utf-8")
    table = d / "budget-2024.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",-61666.67\n", ",-61666.68\n", 1), encoding="utf-8")
    result = run("import", "sie", str(EXAMPLES / "exempelby.se"), "--mapping", str(EXAMPLES / "mapping.yaml"),
                 "--year", "2024", "--budgets", str(d), "-o", str(d / "utfall-2024.csv"),
                 "--budget-out", str(table))
    assert result.exit_code == 0, result.stderr
    assert "does not read as a fact table" not in result.stderr
    assert (f"warning: {table}: the budget of 2024-01 differs from the table it replaces (1 sum per förvaltning, stab, "
            "verksamhet and slag, net 0,01 kr)") in result.stderr
    assert _ekonomistab(run, d)["utfall"] == 12896800.0


def test_a_note_that_is_no_json_is_said_by_every_command(run, tmp_path):
    """A note that is no JSON (git's conflict markers at its top) turned the comparison off without a word but for
    `check`'s warning, which said only that the source and the account names were left out (found in review, h124):
    deviation warns that the table is not compared, check says so too, and the figures are the table's."""
    d = tmp_path / "budgets"
    shutil.copytree(EXAMPLES / "budgets", d)
    before = _ekonomistab(run, d)
    note = d / "utfall-2024.csv.kalla.json"
    note.write_text("<<<<<<< HEAD\n" + note.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("deviation", "--budgets", str(d), "--period", "2024-10", "--stab", "EKO", "--unit", "kr", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert (f"warning: {note}: cannot be read (Expecting value: line 1 column 1 (char 0)), so the table's amounts are "
            "not compared with those its import wrote; import the table again (kfollow import … -o it), or delete the note"
            ) in result.stderr.splitlines()
    assert next(r for r in json.loads(result.stdout) if r["radtyp"] == "rad") == before
    # a budget table's note: written again by the import's --budget-out, not -o (found in review, h126)
    budget_note = d / "budget-2024.csv.kalla.json"
    budget_note.write_text("<<<<<<< HEAD\n" + budget_note.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("deviation", "--budgets", str(d), "--period", "2024-10", "--stab", "EKO")
    assert (f"warning: {budget_note}: cannot be read (Expecting value: line 1 column 1 (char 0)), so the table's amounts "
            "are not compared with those its import wrote; import the table again (kfollow import … --budget-out it), or "
            "delete the note") in result.stderr.splitlines(), result.stderr
    check = run("check", "--budgets", str(d))
    assert "källan, kontonas namn och jämförelsen med importens summor utelämnas" in check.stdout, check.stdout


def _moved(table, month: str, rows: dict[tuple[str, str], str]) -> None:
    """`table` with the amount of each row (stab, konto) of `month` written as given: money moved within the month."""
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    for (stab, konto), amount in rows.items():
        row = next(i for i, line in enumerate(lines) if line.startswith(f"{month},KSF,{stab},,{konto},"))
        lines[row] = lines[row].rsplit(",", 1)[0] + f",{amount}\n"
    table.write_text("".join(lines), encoding="utf-8")


def test_an_amount_moved_between_staber_within_a_month_is_refused(run, tmp_path):
    # the month's total holds, so its sum alone let Ekonomistab's 9 000 kr go to Digitaliseringsstab unseen
    # (found by an auditor, h135): the note's digests per förvaltning of the sums per stab, verksamhet and slag
    d = _imported(run, tmp_path)
    note = json.loads((d / "utfall-2024.csv.kalla.json").read_text(encoding="utf-8"))
    assert sorted(note["kontrollsummor"]["fordelning_sha256"]["2024-03"]) == ["KSF", "SERV"]
    table = d / "utfall-2024.csv"
    text = table.read_text(encoding="utf-8")
    assert "\n2024-03,KSF,EKO,,5010,kostnad,806520.00\n" in text and "\n2024-03,KSF,DIG,,5010,kostnad,1693660.00\n" in text
    _moved(table, "2024-03", {("EKO", "5010"): "797520.00", ("DIG", "5010"): "1702660.00"})
    said = ("utfall-2024.csv: the amounts of KSF in period 2024-03 sum to what its import from exempelby.se wrote, "
            "but not per stab, verksamhet and slag (utfall-2024.csv.kalla.json), as where an amount is moved between "
            "staber, verksamheter or kostnader and intäkter: the table was changed after its import, and would be "
            "reported as the export's; import it again from the export (kfollow import … -o it), or delete the note "
            "if the table is no longer the export's")
    _refused_by_check_and_commands(run, d, said, (("deviation", "--period", "2024-10"),))
    (d / "utfall-2024.csv.kalla.json").unlink()
    assert _ekonomistab(run, d)["utfall"] == 12896800.0 - 9000.0


def test_rows_added_that_net_to_zero_and_a_cost_raised_with_an_income_are_refused(run, tmp_path):
    d = _imported(run, tmp_path)
    table = d / "utfall-2024.csv"
    with table.open("a", encoding="utf-8") as f:  # two rows, +1 000 and -1 000 kr: the month's total holds
        f.write("2024-05,KSF,DIG,,6410,kostnad,1000.00\n2024-05,KSF,EKO,,6410,kostnad,-1000.00\n")
    result = run("check", "--budgets", str(d))
    assert result.exit_code == ExitStatus.DATA
    assert "the amounts of KSF in period 2024-05 sum to what its import from exempelby.se wrote, but not" in result.stdout
    d2 = _imported(run, tmp_path / "inkomst")
    _moved(d2 / "utfall-2024.csv", "2024-01", {("DIG", "3510"): "-111516.00", ("DIG", "5010"): "1725049.00"})
    result = run("deviation", "--budgets", str(d2))
    assert result.exit_code == ExitStatus.DATA
    assert "the amounts of KSF in period 2024-01 sum to what its import" in result.stderr


def test_a_row_of_zero_added_or_a_note_without_the_digests_is_read_as_before(run, tmp_path):
    d = _imported(run, tmp_path)
    with (d / "utfall-2024.csv").open("a", encoding="utf-8") as f:  # moves no money
        f.write("2024-05,KSF,DIG,,6410,kostnad,0.00\n")
    assert run("check", "--budgets", str(d)).exit_code == 0
    note = d / "utfall-2024.csv.kalla.json"
    content = json.loads(note.read_text(encoding="utf-8"))
    del content["kontrollsummor"]["fordelning_sha256"]  # a note written before they were noted
    note.write_text(json.dumps(content), encoding="utf-8")
    _moved(d / "utfall-2024.csv", "2024-03", {("EKO", "5010"): "797520.00", ("DIG", "5010"): "1702660.00"})
    assert run("check", "--budgets", str(d)).exit_code == 0
    assert _ekonomistab(run, d)["utfall"] == 12896800.0 - 9000.0


def test_a_table_whose_note_was_deleted_is_named_in_the_documents_footer(run, tmp_path):
    # 'Utfall importerat från exempelby.se', of 2023's table, stood for 2024's too, whose note had been deleted
    # (the way out of a changed table's error): the footer names the tables it cannot trace (found by an auditor, h135)
    d = _imported(run, tmp_path)
    out = tmp_path / "r.md"
    assert run("report", "--budgets", str(d), "--period", "2024-10", "-o", str(out)).exit_code == 0
    assert "Utan importanteckning" not in out.read_text(encoding="utf-8")
    (d / "utfall-2024.csv.kalla.json").unlink()
    result = run("report", "--budgets", str(d), "--period", "2024-10", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "Utfall importerat från exempelby.se (SIE 4, Exempelby Ekonomi 7.2, #GEN 2024-11-05" in text  # (2023's)
    untraced = next(line for line in text.splitlines() if line.startswith("Utan importanteckning"))
    assert untraced.rstrip() == "Utan importanteckning (.kalla.json), så inte spårade till en export: budgets/utfall-2024.csv"


def test_two_exports_of_the_same_gen_date_are_told_apart_in_the_footer(run, tmp_path):
    # October's and November's exports of one program both said '#GEN 2024-11-05', so the footer of two months'
    # reports named the same source: it now names the export's SHA-256 too, as `sha256sum` prints it (found by a
    # new user, h164)
    d = _imported(run, tmp_path)
    export = json.loads((d / "utfall-2024.csv.kalla.json").read_text(encoding="utf-8"))["export_sha256"]
    out = tmp_path / "r.md"
    assert run("report", "--budgets", str(d), "--period", "2024-10", "-o", str(out)).exit_code == 0
    lines = [ln.rstrip() for ln in out.read_text(encoding="utf-8").splitlines() if ln.startswith("Utfall importerat")]
    assert lines == [f"Utfall importerat från exempelby.se (SIE 4, Exempelby Ekonomi 7.2, #GEN 2024-11-05, "
                     f"sha256 {export[:16]}, mappning mapping.yaml)"]
    # a note's digest that is not one (edited by hand) is left out, never shown as it is written
    for bad in ("<script>", 5, "c5b6dc6c"):
        for note in d.glob("*.kalla.json"):  # (2023's tables were imported from the same export)
            content = json.loads(note.read_text(encoding="utf-8"))
            content["export_sha256"] = bad
            note.write_text(json.dumps(content), encoding="utf-8")
        assert run("report", "--budgets", str(d), "--period", "2024-10", "-o", str(out)).exit_code == 0
        text = out.read_text(encoding="utf-8")
        assert "Utfall importerat från exempelby.se (SIE 4, Exempelby Ekonomi 7.2, #GEN 2024-11-05, mappning" in text
        assert "sha256 c5b6" not in text and "<script>" not in text
