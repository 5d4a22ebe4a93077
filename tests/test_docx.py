"""Word documents: `report -o r.docx` and `--format docx`, read back with python-docx and checked
figure by figure against the Report; converted to PDF by LibreOffice (where installed) to see that
nothing runs past the A4 page."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from conftest import BUDGETS
from kfollow.errors import ExitStatus

docx = pytest.importorskip("docx", reason="python-docx (the word extra) is not installed")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _invoke(*args: str):
    from typer.testing import CliRunner

    from kfollow.cli import app

    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def report_docx(tmp_path_factory):
    out = tmp_path_factory.mktemp("docx") / "rapport.docx"
    result = _invoke("report", "--budgets", str(BUDGETS), "--year", "2024", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return out


def _expected_tables():
    """Each table section of the bundled 2024 report: its caption and its cells as people see them."""
    from kfollow.engine.document import economy
    from kfollow.options import Format, Options
    from kfollow.render.document import _cells
    from kfollow.sources.year_file import load_budgets

    doc = economy(load_budgets(BUDGETS), 2024, None)
    opts = Options(Format.docx, None)
    tables = []
    for section in doc.sections:
        if not section.table:
            continue
        columns, rows, kinds = _cells(section, opts)
        cells = [[c.header for c in columns]]
        cells += [[("–" if v is None and c.kind.name in ("money", "percent") else (v or "")).strip()
                   for c, v in zip(columns, row)] for row in rows]
        tables.append((section.report.caption, cells, kinds))
    return doc, tables


def test_every_figure_of_every_table_is_in_the_document(report_docx):
    document = docx.Document(str(report_docx))
    doc, expected = _expected_tables()
    assert len(document.tables) == len(expected) >= 6
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == [caption for caption, _, _ in expected]
    for table, (caption, cells, kinds) in zip(document.tables, expected):
        got = [[cell.text for cell in row.cells] for row in table.rows]
        assert got == cells, caption
        header = table.rows[0]._tr
        assert header.find(f"{W}trPr/{W}tblHeader") is not None, "the header row repeats on each page"
        for row, kind in zip(table.rows[1:], kinds):
            bold = all(run.bold for cell in row.cells for p in cell.paragraphs for run in p.runs if run.text)
            assert bold == bool(kind and kind.total), (caption, row.cells[0].text)
    # the bundled 2024 figures a reader looks for (seed: Resultat per stab, Ekonomistaben)
    stab = next(cells for caption, cells, _ in expected if caption.startswith("Resultat 2024 per stab"))
    assert ["Ekonomistaben", "34,8", "25,7", "9,1"] == next(r for r in stab if r[0] == "Ekonomistaben")[:4]


def test_numbers_right_aligned_and_parts_indented(report_docx):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document(str(report_docx))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Stab")
    row = table.rows[1]
    assert row.cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert row.cells[0].paragraphs[0].alignment != WD_ALIGN_PARAGRAPH.RIGHT



def test_parts_are_indented_under_their_row(tmp_path):
    from conftest import ROOT

    out = tmp_path / "r.docx"
    result = _invoke("report", "--budgets", str(ROOT / "examples" / "sie" / "budgets"), "--period", "2024-10",
                     "-o", str(out))
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(out))
    table = next(t for t in document.tables if any(r.cells[0].text == "Personalkostnader" for r in t.rows))
    labels = {r.cells[0].text: r.cells[0].paragraphs[0].paragraph_format.left_indent for r in table.rows}
    assert labels["Personalkostnader"] and labels["Intäkter"], "a part is indented under its row"
    assert not labels["Ledningsstab"] and not labels["Summa nettokostnad"]


def test_outline_uses_built_in_styles_and_charts_have_alternative_text(report_docx):
    document = docx.Document(str(report_docx))
    styles = [p.style.name for p in document.paragraphs if p.text]
    assert styles[0] == "Title"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "Resultat per stab, med kommentarer" in headings and "Avvikelse per stab" in headings
    pictures = document.inline_shapes
    assert len(pictures) >= 2
    for picture in pictures:
        assert picture._inline.docPr.get("descr"), "every chart has its alternative text"


def test_a_table_too_wide_for_portrait_gets_a_landscape_section(report_docx):
    from docx.enum.section import WD_ORIENT

    document = docx.Document(str(report_docx))
    orientations = [s.orientation for s in document.sections]
    assert WD_ORIENT.LANDSCAPE in orientations and orientations[0] == WD_ORIENT.PORTRAIT
    for section in document.sections:
        assert abs(min(section.page_width, section.page_height).cm - 21.0) < 0.01  # A4
    assert all(a != b for a, b in zip(orientations, orientations[1:])), "no empty section between two turns"


def test_template_styles_header_and_missing_style_note(tmp_path):
    from docx.shared import Cm

    template = docx.Document()
    template.sections[0].header.paragraphs[0].text = "Linköpings kommun – Kommunstyrelsen"
    template.sections[0].left_margin = Cm(3.1)
    template.add_paragraph("Mallens exempeltext som ska bort")
    styles = template.styles
    styles.element.remove(styles["Caption"].element)
    path = tmp_path / "mall.docx"
    template.save(str(path))
    out = tmp_path / "r.docx"
    result = _invoke("report", "--budgets", str(BUDGETS), "--year", "2024", "--mall", str(path), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "the template has no style 'Caption'; Normal is used instead" in result.stderr
    document = docx.Document(str(out))
    assert document.sections[0].header.paragraphs[0].text == "Linköpings kommun – Kommunstyrelsen"
    assert abs(document.sections[0].left_margin.cm - 3.1) < 0.01
    assert "Mallens exempeltext som ska bort" not in [p.text for p in document.paragraphs]
    assert any(p.text.startswith("Resultat 2024 per stab") for p in document.paragraphs)


def test_a_template_that_is_not_a_word_document(tmp_path):
    bad = tmp_path / "mall.docx"
    bad.write_text("inte en mall", encoding="utf-8")
    out = tmp_path / "r.docx"
    result = _invoke("report", "--budgets", str(BUDGETS), "--year", "2024", "--mall", str(bad), "-o", str(out))
    assert result.exit_code == ExitStatus.DATA
    assert "mall.docx: not a Word document (.docx) that can be read" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_table_command_as_docx(tmp_path):
    out = tmp_path / "avvikelse.docx"
    result = _invoke("deviation", "--budgets", str(BUDGETS), "--year", "2024", "--by", "verksamhet", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(out))
    (table,) = document.tables
    assert table.rows[0].cells[0].text == "Verksamhet"
    assert table.rows[-1].cells[0].text == "Summa nettokostnad"
    assert [p.text for p in document.paragraphs if p.style.name == "Caption"] == [
        "Resultat 2024 per verksamhet, belopp i mnkr"]


def test_table_command_as_docx_keeps_columns_and_starts_on_its_first_page(tmp_path):
    """--columns in every format, Word too; a landscape table turns the first page, which was left
    empty before it (found trying the tool)."""
    from docx.enum.section import WD_ORIENT

    out = tmp_path / "kolumner.docx"
    result = _invoke("deviation", "--budgets", str(BUDGETS), "--year", "2024", "--columns", "budget,utfall", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    (table,) = docx.Document(str(out)).tables
    assert [c.text for c in table.rows[0].cells] == ["Stab", "Budget", "Utfall"]
    wide = tmp_path / "bred.docx"
    assert _invoke("deviation", "--budgets", str(BUDGETS), "--year", "2024", "--by", "verksamhet", "--comments",
                   "-o", str(wide)).exit_code == 0
    document = docx.Document(str(wide))
    assert len(document.sections) == 1  # no empty portrait page before the landscape table
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE or len(document.tables[0].columns) < 9


def test_without_python_docx_the_error_names_the_extra(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "docx", None)  # import docx raises ImportError
    out = tmp_path / "r.docx"
    result = _invoke("deviation", "--budgets", str(BUDGETS), "--year", "2024", "-o", str(out))
    assert result.exit_code == ExitStatus.USAGE
    assert "pip install 'kfollow[word]'" in result.stderr and not out.exists()


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="LibreOffice (apt-get install libreoffice-writer) or pdftotext (poppler-utils) is not installed")
def test_libreoffice_prints_every_figure_within_the_page(report_docx, tmp_path):
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(report_docx)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "rapport.pdf"
    words = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', words, re.S)
    assert pages
    for width, _, body in pages:
        for x_max in re.findall(r'xMax="([\d.]+)"', body):
            assert float(x_max) <= float(width) - 20, "a word runs to the page edge"
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    # no word of a label or header broken inside a cell ("Kommunikationsst ab", "summ a", "Budge t")
    for broken in ("Kommunikationsst", "summ\n", "Budge\n", "Fritidsanläggninga\n"):
        assert broken not in text, broken
    flat = re.sub(r"\s+", " ", text)
    _, expected = _expected_tables()
    for _, cells, _ in expected:
        for row in cells[1:]:
            for value in row[1:]:
                if re.fullmatch(r"-?[\d ]+,\d", value):
                    assert value in flat, value


def test_a_note_is_stated_once_and_figures_have_the_hyphen_minus(report_docx):
    document = docx.Document(str(report_docx))
    notes = [p.text for p in document.paragraphs if p.text.startswith("Anm.: Summa nettokostnad räknar även")]
    assert len(notes) == 1
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "-9,8" in cells and not any("\u2212" in c for c in cells)
