"""Found in review, h163: imports under cron (two at once, one killed), fact tables as other programs leave them
(a Ctrl-Z at the end), and a mapping given under another file's name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT

SIE = ROOT / "examples" / "sie"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """The SIE example's budgets folder, its export and its mapping, copied."""
    shutil.copytree(SIE / "budgets", tmp_path / "budgets")
    shutil.copy(SIE / "exempelby.se", tmp_path / "exempelby.se")
    shutil.copy(SIE / "mapping.yaml", tmp_path / "mapping.yaml")
    return tmp_path


# --- 4. a mapping named .csv, or a workbook, given after --mapping -------------------------------------------------

def test_a_mapping_named_csv_is_said_to_be_a_yaml_file_named_so(work: Path, run):
    shutil.copy(work / "mapping.yaml", work / "mappning.csv")
    result = run("import", "sie", work / "exempelby.se", "--mapping", work / "mappning.csv", "-o", work / "ut.csv")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == (f"Error: {work / 'mappning.csv'}:1:1: the mapping is a YAML file (mapping.yaml), not a CSV "
                             "file, but this one is named .csv; rename it mappning.yaml and give that name after "
                             "--mapping\n")
    assert not (work / "ut.csv").exists()


def test_a_workbook_given_as_the_mapping_is_said_to_be_one(work: Path, run):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(work / "mappning.xlsx"))
    book.add_worksheet().write(0, 0, "konto")
    book.close()
    result = run("import", "csv", work / "exempelby.se", "--mapping", work / "mappning.xlsx", "-o", work / "ut.csv")
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {work / 'mappning.xlsx'}:1:1: this is an Excel workbook, not a mapping: the "
                             "mapping is a YAML text file (mapping.yaml, see README, The mapping file); give that file "
                             "after --mapping\n")
    assert not (work / "ut.csv").exists()
