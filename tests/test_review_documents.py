"""What politicians and revisorer see (HTML, Word, xlsx, charts), found in review (h102): the sources a
document names, the sections --top asks for, and the period in words in documents and charts."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from conftest import ROOT

docx = pytest.importorskip("docx", reason="python-docx (a dependency of kfollow) is not installed")


@pytest.fixture
def folder_without_git(tmp_path, monkeypatch):
    """A working folder that is no git checkout, holding copies of budgets/ and examples/sie/budgets/, whose
    year files are of two different kommuner (as a controller's folder with the bundled examples)."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # (whatever holds the tmp folder)
    shutil.copytree(ROOT / "budgets", tmp_path / "budgets")
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", tmp_path / "examples" / "sie" / "budgets")
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


EXPECTED_SOURCES = ("Källor: examples/sie/budgets/2023.yaml; examples/sie/budgets/2024.yaml; "
                    "examples/sie/budgets/utfall-2023.csv; examples/sie/budgets/budget-2023.csv; "
                    "examples/sie/budgets/utfall-2024.csv; examples/sie/budgets/budget-2024.csv")


@pytest.mark.parametrize("suffix", [".md", ".html", ".docx", ".xlsx"])
def test_the_sources_outside_git_are_the_files_read_not_the_working_folders_budgets(run, folder_without_git, suffix):
    """`report --budgets examples/sie/budgets` from a folder that is no git checkout listed `Källor:
    budgets/2023.yaml; budgets/2024.yaml; …` (relative to the budgets folder's parent), where budgets/2023.yaml of
    that folder is another kommun's file; the files read are named as typed (`deviation -o z.xlsx` did)."""
    out = f"out/x{suffix}"
    result = run("report", "--budgets", "examples/sie/budgets", "--period", "2024-10", "-o", out)
    assert result.exit_code == 0, result.stderr
    if suffix == ".docx":
        lines = [p.text for p in docx.Document(out).paragraphs]
    elif suffix == ".xlsx":
        sheet = openpyxl.load_workbook(out).worksheets[-1]
        lines = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    else:
        lines = (folder_without_git / out).read_text(encoding="utf-8").replace("<p>", "\n").splitlines()
    sources = [line.rstrip().removesuffix("</p>") for line in lines if line.startswith("Källor:")]
    assert sources == [EXPECTED_SOURCES]
    table = run("deviation", "--budgets", "examples/sie/budgets", "--period", "2024-10", "-o", "out/z.xlsx")
    cells = [str(c.value) for row in openpyxl.load_workbook("out/z.xlsx").active.iter_rows() for c in row if c.value]
    assert table.exit_code == 0 and EXPECTED_SOURCES in cells


def test_the_sources_of_a_folder_outside_the_working_folder_are_named_from_its_parent(run, folder_without_git,
                                                                                     tmp_path_factory, monkeypatch):
    """Outside the working folder (and git), no path typed below it: relative to the budgets folder's parent."""
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    out = folder_without_git / "out" / "x.md"
    result = run("report", "--budgets", folder_without_git / "examples" / "sie" / "budgets", "--period", "2024-10",
                 "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "Källor: budgets/2023.yaml; budgets/2024.yaml; budgets/utfall-2023.csv" in text
    assert str(folder_without_git) not in text
