"""The report's documents seen again as pictures (session 39, h158): what read badly in HTML, PDF and Word, pinned
here on the documents' text and structure."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT

SIE = ROOT / "examples" / "sie" / "budgets"
# a folder whose name is a word of 66 letters: longer than a word that may break (`document._LONG_WORD`)
LONG_FOLDER = "kommunensgemensammaekonomikatalogforuppfoljningochprognoserfor2024"


def _empty_utfall(folder: Path) -> Path:
    """The SIE example with 2024's utfall table a header only (January), which `check` warns of, naming its path."""
    shutil.copytree(SIE, folder)
    (folder / "utfall-2024.csv.kalla.json").unlink()
    (folder / "utfall-2024.csv").write_text("period,forvaltning,stab,verksamhet,konto,slag,belopp\n", encoding="utf-8")
    return folder


def test_a_path_copied_out_of_a_word_table_is_the_path(run, tmp_path):
    """`check -o kontroll.docx` of a folder with a long name: its Fil column (and the message naming the table) had a
    zero-width space every 25 letters, so a path copied out of Word named no file. A path carries none; its column is
    measured as broken after each `/`, so it does not take the table's width."""
    docx = pytest.importorskip("docx")
    d = _empty_utfall(tmp_path / LONG_FOLDER / "budgets")
    out = tmp_path / "kontroll.docx"
    result = run("check", "--budgets", d, "-o", out)
    assert result.exit_code == 0, result.stderr
    table = docx.Document(str(out)).tables[0]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0][0] == "Fil" and rows[1][0] == str(d / "2024.yaml"), rows
    assert rows[1][-1].startswith(f"{d / 'utfall-2024.csv'} har inga rader: inget utfall är bokfört"), rows
    assert not any("\u200b" in cell for row in rows for cell in row), rows
    widths = [c.width for c in table.columns]
    assert widths[0] < 0.35 * sum(widths) and widths[-1] > widths[0], [round(w / 360000, 2) for w in widths]
