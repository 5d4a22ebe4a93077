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


def test_a_sums_label_stays_on_one_line_in_html(run, tmp_path):
    """`report --period 2024-10 --unit tkr -o r.html` of the answered example: beside the comments in a window of
    1 200 px the stab table's `Summa nettokostnad` wrapped, 'Summa' over 'nettokostnad' (and the Ombudgeteringar's
    `Summa ombudgeteringar`); a sum's label of up to 30 letters is kept on one line, a stab's name wraps as before."""
    out = tmp_path / "r.html"
    result = run("report", "--budgets", ROOT / "examples" / "answered" / "budgets", "--period", "2024-10", "--unit",
                 "tkr", "-o", out)
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    stab = page[page.index("<caption>Resultat januari–oktober 2024 per stab, belopp i tkr"):]
    stab = stab[:stab.index("</table>")]
    assert '<tr class="summa"><th scope="row"><span class="nw">Summa nettokostnad</span></th>' in stab, stab[-600:]
    assert '<tr class="delsumma"><th scope="row"><span class="nw">Summa KSF</span></th>' in stab
    assert '<th scope="row">Kommunikationsstab</th>' in stab  # (a row's name is no sum)
    assert '<th scope="row"><span class="nw">Summa ombudgeteringar</span></th>' in page


def test_a_sums_label_is_as_wide_as_its_column_in_word(run, tmp_path):
    """`report -o r.docx` of the bundled year: the Ombudgeteringar's `Summa ombudgeteringar` wrapped beside the
    decisions' text ('Summa' over 'ombudgeteringar'); a sum's label is measured as one word, and its column is as
    wide, where the table keeps its font (the example's Ombudgeteringar would go from 8 to 7,5 pt for it: its label
    wrapped, and the table kept 8 pt; it goes to 7,5 pt now, where every label of it is on one line, h162)."""
    docx = pytest.importorskip("docx")
    from kfollow.render.docx import _ems

    for budgets, label in ((ROOT / "budgets", "Summa ombudgeteringar"),):
        out = tmp_path / "r.docx"
        result = run("report", "--budgets", budgets, "-o", out)
        assert result.exit_code == 0, result.stderr
        table = next(t for t in docx.Document(str(out)).tables if any(r.cells[0].text == label for r in t.rows))
        cell = next(r.cells[0] for r in table.rows if r.cells[0].text == label)
        size = cell.paragraphs[0].runs[0].font.size.pt
        margin = int(table._tbl.tblPr.xpath("./w:tblCellMar/w:left/@w:w")[0]) * 2  # twips, both sides
        room = table.columns[0].width / 635 - margin  # twips
        need = _ems(label, True) * size * 20  # twips (an em of `size` pt; the grid rounds down to a whole twip)
        assert room + 1 >= need, (label, round(room / 567, 2), round(need / 567, 2))

    out = tmp_path / "r.docx"
    assert run("report", "--budgets", ROOT / "examples" / "budgets", "-o", out).exit_code == 0
    table = next(t for t in docx.Document(str(out)).tables if t.rows[0].cells[0].text == "Beslut")
    assert {r.font.size.pt for row in table.rows for r in row.cells[0].paragraphs[0].runs} == {7.5}


def test_a_note_is_not_split_between_two_pdf_pages(run, tmp_path):
    """`report --forvaltning NY --unit kr -o r.pdf` of a förvaltning begun this year: the indicators' last note (how the
    measures are counted, four lines) stood two lines at the foot of page 1 and two at the head of page 2. A note is
    kept whole on a page (here it goes to page 2 with its table)."""
    pytest.importorskip("weasyprint")
    if shutil.which("pdftotext") is None:
        pytest.skip("no pdftotext here (Debian's poppler-utils)")
    import subprocess

    from tests.test_review_h156 import _with_new_forvaltning

    out = tmp_path / "r.pdf"
    result = run("report", "--budgets", _with_new_forvaltning(tmp_path), "--forvaltning", "NY", "--unit", "kr", "-o", out)
    assert result.exit_code == 0, result.stderr
    pages = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    flat = [" ".join(page.split()) for page in pages]
    first, last = "Anm.: Måtten räknas så: personalkostnaderna", "för årets projekt eller förvaltningens angivna summa."
    assert [i for i, p in enumerate(flat) if first in p] == [i for i, p in enumerate(flat) if last in p] != [], flat
