"""`check` on a fact table in the budgets folder that no year file names, and on an import's note without its table.

The month-end trap: November is imported to a new file (`kfollow import sie … -o utfall-2024-11.csv`) and the year
file is not told, so every report still shows October without a word. `check` names such a table (and a note whose
table was renamed or deleted), as a warning: the folder may hold a table on purpose, and nothing is wrong in what
is read.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from kfollow.cli import app

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sie" / "budgets"


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "budgets"
    shutil.copytree(EXAMPLE, folder)
    return folder


def _check(folder: Path, *args: str):
    return CliRunner().invoke(app, ["check", "--budgets", str(folder), "--format", "csv", *args])


def _findings(result, kod: str) -> list[dict]:
    frame = pl.read_csv(result.stdout.encode(), infer_schema=False) if result.stdout.strip() else None
    return [] if frame is None else frame.filter(pl.col("kod") == kod).to_dicts()


def test_the_bundled_example_names_every_table_it_holds(tmp_path):
    result = _check(_copy(tmp_path))
    assert result.exit_code == 0, result.output
    assert _findings(result, "tabell_onamnd") == []
    assert _findings(result, "anteckning_utan_tabell") == []


def test_a_table_imported_beside_the_named_one_is_a_warning_naming_the_year_file(tmp_path):
    folder = _copy(tmp_path)
    shutil.copy(folder / "utfall-2024.csv", folder / "utfall-2024-11.csv")
    shutil.copy(folder / "utfall-2024.csv.kalla.json", folder / "utfall-2024-11.csv.kalla.json")
    result = _check(folder)
    assert result.exit_code == 0, result.output  # a warning: what is read is right
    found = _findings(result, "tabell_onamnd")
    assert [f["fil"] for f in found] == [str(folder / "utfall-2024-11.csv")]
    assert found[0]["niva"] == "varning"
    message = found[0]["meddelande"]
    assert "nämns inte i någon årsfil" in message
    assert "importerades från exempelby.se (SIE 4" in message  # what its note says of it
    assert f"i {folder / '2024.yaml'}" in message  # its rows are of 2024
    assert "utfall_fil:" in message and "budget_fil:" in message
    # the note of the unnamed table is not a second finding: it has its table
    assert _findings(result, "anteckning_utan_tabell") == []


def test_the_table_line_of_the_text_output(tmp_path):
    folder = _copy(tmp_path)
    shutil.copy(folder / "budget-2023.csv", folder / "gammal-budget.csv")
    result = CliRunner().invoke(app, ["check", "--budgets", str(folder)])
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.stdout.splitlines() if "gammal-budget.csv" in ln)
    assert line.startswith(f"{folder / 'gammal-budget.csv'}: varning: faktatabellen nämns inte i någon årsfil")
    assert f"i {folder / '2023.yaml'}" in line  # a table without a note: its year from its rows
    assert "importerades" not in line


def test_a_parquet_table_in_a_subfolder_is_found_too(tmp_path):
    folder = _copy(tmp_path)
    (folder / "arkiv").mkdir()
    rows = pl.read_csv(folder / "utfall-2024.csv", infer_schema=False)
    rows.write_parquet(folder / "arkiv" / "utfall-2024-10.parquet")
    result = _check(folder)
    assert result.exit_code == 0, result.output
    assert [f["fil"] for f in _findings(result, "tabell_onamnd")] == [str(folder / "arkiv" / "utfall-2024-10.parquet")]


def test_a_table_of_a_year_without_a_year_file_says_to_write_one(tmp_path):
    folder = _copy(tmp_path)
    text = (folder / "utfall-2024.csv").read_text(encoding="utf-8").replace("2024-", "2025-")
    (folder / "utfall-2025.csv").write_text(text, encoding="utf-8")
    message = _findings(_check(folder), "tabell_onamnd")[0]["meddelande"]
    assert "i årsfilen för 2025 (2025.yaml, som inte finns än)" in message


def test_other_csv_files_and_hidden_folders_are_not_fact_tables(tmp_path):
    folder = _copy(tmp_path)
    (folder / "kontakter.csv").write_text("namn,telefon\nEva,123\n", encoding="utf-8")
    (folder / "tom.csv").write_text("", encoding="utf-8")
    (folder / "trasig.parquet").write_bytes(b"not parquet")
    (folder / ".git").mkdir()
    shutil.copy(folder / "utfall-2024.csv", folder / ".git" / "utfall-2024.csv")
    result = _check(folder)
    assert result.exit_code == 0, result.output
    assert _findings(result, "tabell_onamnd") == []


def test_a_note_whose_table_was_renamed_is_a_warning(tmp_path):
    folder = _copy(tmp_path)
    # the table renamed in the year file and on disk, its note left behind under the old name
    (folder / "utfall-2024.csv").rename(folder / "utfall-2024-okt.csv")
    year = folder / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace("utfall_fil: utfall-2024.csv",
                                                             "utfall_fil: utfall-2024-okt.csv"), encoding="utf-8")
    result = _check(folder)
    assert result.exit_code == 0, result.output
    found = _findings(result, "anteckning_utan_tabell")
    assert [f["fil"] for f in found] == [str(folder / "utfall-2024.csv.kalla.json")]
    assert "utfall-2024.csv finns inte" in found[0]["meddelande"]
    assert "byt namn på anteckningen" in found[0]["meddelande"]


def test_a_broken_year_file_hides_no_table_behind_a_false_warning(tmp_path):
    """While a year file cannot be read, its tables are not known: they are not called unnamed."""
    folder = _copy(tmp_path)
    year = folder / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8") + "\n  trasig: [\n", encoding="utf-8")
    result = _check(folder)
    assert result.exit_code == 3, result.output
    assert _findings(result, "tabell_onamnd") == []
