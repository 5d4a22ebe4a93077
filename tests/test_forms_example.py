"""examples/answered: October 2024 with the forms sent, answered by the chefs and collected.

The folder is made by examples/answered/make_example.py; these tests make it again and check that
the files in the repository are what it makes, byte for byte, and that they say what the README says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "answered"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.name != "make_example.py"}


def test_the_example_is_up_to_date(tmp_path):
    """Run `python examples/answered/make_example.py` when this fails (after examples/sie changed)."""
    out = tmp_path / "answered"
    made = subprocess.run([sys.executable, str(EXAMPLE / "make_example.py"), str(out)], capture_output=True,
                          text=True, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    made, committed = _files(out), _files(EXAMPLE)
    assert sorted(made) == sorted(committed)
    assert made["budgets/svar/2024-10.yaml"].decode() == committed["budgets/svar/2024-10.yaml"].decode()
    assert made["status-2024-10.txt"].decode() == committed["status-2024-10.txt"].decode()
    assert [name for name in made if made[name] != committed[name]] == []


def test_the_example_answers_as_a_chef_would():
    answers = (EXAMPLE / "budgets" / "svar" / "2024-10.yaml").read_text(encoding="utf-8")
    assert "prognos: 16380500.00" in answers  # typed as the text "16 380,5"
    assert r"bemanningsföretag (ca 150 tkr) faller inte ut igen.\n\nPrognosen" in answers  # line breaks kept
    assert '"ovriga":\n        kommentar:' in answers  # its forecast cell left empty
    assert "SAM" not in answers
    assert 'inlast: "2024-11-06T09:30:00+00:00"' in answers
    status = (EXAMPLE / "status-2024-10.txt").read_text(encoding="utf-8")
    assert status.rstrip().splitlines()[-1] == "status: Samhällsbyggnadsstab (SAM) 2024-10: saknar prognos, kommentar"
    assert len(list((EXAMPLE / "forms" / "2024-10").glob("*.xlsx"))) == 8
    assert len(list((EXAMPLE / "answers" / "2024-10").glob("*.xlsx"))) == 7


def test_status_of_the_example_as_committed(run):
    result = run("status", "--budgets", EXAMPLE / "budgets", "--period", "2024-10", "--unit", "tkr",
                 "--require-comment-over", "1%", "--forms", EXAMPLE / "forms" / "2024-10")
    assert result.exit_code == 1
    assert result.stdout + result.stderr == (EXAMPLE / "status-2024-10.txt").read_text(encoding="utf-8")


def test_collecting_the_example_again_changes_nothing(run, tmp_path):
    budgets = tmp_path / "budgets"
    shutil.copytree(EXAMPLE / "budgets", budgets)
    books = sorted((EXAMPLE / "answers" / "2024-10").glob("*.xlsx"))
    result = run("collect", "--budgets", budgets, *books, env={"SOURCE_DATE_EPOCH": "1800000000"})
    assert result.exit_code == 0, result.stderr
    assert "(unchanged)" in result.stderr
    assert _files(budgets) == _files(EXAMPLE / "budgets")


def test_source_date_epoch_fixes_when_answers_were_read(run, tmp_path):
    budgets = tmp_path / "budgets"
    shutil.copytree(EXAMPLE / "budgets", budgets, ignore=shutil.ignore_patterns("svar"))
    book = EXAMPLE / "answers" / "2024-10" / "2024-10 LED Ledningsstab.xlsx"
    bad = run("collect", "--budgets", budgets, book, env={"SOURCE_DATE_EPOCH": "igår"})
    assert bad.exit_code == 2 and "SOURCE_DATE_EPOCH 'igår' is not a time" in bad.stderr
    assert not (budgets / "svar").exists()
    good = run("collect", "--budgets", budgets, book, env={"SOURCE_DATE_EPOCH": "0"})
    assert good.exit_code == 0, good.stderr
    assert 'inlast: "1970-01-01T00:00:00+00:00"' in (budgets / "svar" / "2024-10.yaml").read_text(encoding="utf-8")
