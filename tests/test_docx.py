"""Word documents: `report -o r.docx` and `--format docx`, read back with python-docx and checked
figure by figure against the Report; converted to PDF by LibreOffice (where installed) to see that
nothing runs past the A4 page."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BUDGETS, ROOT
from kfollow.errors import ExitStatus

docx = pytest.importorskip("docx", reason="python-docx (a dependency of kfollow) is not installed")

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
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(report_docx))
    doc, expected = _expected_tables()
    assert len(document.tables) == len(expected) >= 6
    captions = [Paragraph(t._tbl.getprevious(), document).text for t in document.tables]  # the line over each
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
    # the figures in words, as the SVG's <desc> says them, not the caption alone (found by a new user)
    said = [p._inline.docPr.get("descr") for p in pictures]
    assert any("Ekonomistaben +9,1 (överskott)" in d for d in said), said


def test_a_table_too_wide_for_portrait_gets_a_landscape_section(report_docx):
    from docx.enum.section import WD_ORIENT

    document = docx.Document(str(report_docx))
    orientations = [s.orientation for s in document.sections]
    assert WD_ORIENT.LANDSCAPE in orientations and orientations[0] == WD_ORIENT.PORTRAIT
    for section in document.sections:
        assert abs(min(section.page_width, section.page_height).cm - 21.0) < 0.01  # A4
    assert all(a != b for a, b in zip(orientations, orientations[1:])), "no empty section between two turns"


def _tables_and_sections(document):
    """Each table of the document with the section it is in (a section ends at the paragraph that
    holds its sectPr; the last one's is the body's own)."""
    sections, tables = document.sections, {t._tbl: t for t in document.tables}
    found, index = [], 0
    for child in document.element.body.iterchildren():
        if child.tag == f"{W}tbl":
            found.append((tables[child], sections[index]))
        elif child.tag == f"{W}p" and child.find(f"{W}pPr/{W}sectPr") is not None:
            index += 1
    return found


@functools.cache
def _advances(bold: bool) -> tuple[dict[int, int], int]:
    """The advance widths of DejaVu Serif (Bold), which LibreOffice prints with where Word's Cambria is missing, read
    from the font file matplotlib brings (fontTools comes with it): code point → width, and the font's units per em."""
    fonts = pytest.importorskip("fontTools.ttLib", reason="fontTools comes with matplotlib (the test extra)")
    matplotlib = pytest.importorskip("matplotlib")
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / f"DejaVuSerif{'-Bold' if bold else ''}.ttf"
    font = fonts.TTFont(str(path))
    metrics = font["hmtx"]
    return {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}, font["head"].unitsPerEm


def _printed_cm(word: str, size: float, bold: bool = True) -> float:
    """The width a word prints at `size` pt, in cm: the advance widths of its glyphs in DejaVu Serif (Bold)."""
    advances, per_em = _advances(bold)
    return sum(advances[ord(ch)] for ch in word) / per_em * size / 72 * 2.54


def _wide_margins(tmp_path):
    from docx.shared import Cm

    template = docx.Document()
    for section in template.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(4.0)
    path = tmp_path / "bred-marginal.docx"
    template.save(str(path))
    return path


WIDE = {  # tables wider than a landscape page's text at 8 pt, and the KGEM of a narrow Stab column
    "against-gross-comments": ("deviation", "--budgets", str(BUDGETS), "--year", "2024", "--against", "prognos:2024-08",
                               "--gross", "--comments"),
    "every-column": ("deviation", "--budgets", str(ROOT / "examples" / "sie" / "budgets"), "--period", "2024-10",
                     "--gross", "--against", "prognos:2024-08", "--comments"),
    "stab-kostnadsslag-comments": ("deviation", "--budgets", str(ROOT / "examples" / "answered" / "budgets"),
                                   "--period", "2024-10", "--by", "stab,kostnadsslag", "--comments"),
    "changes": ("changes", "--budgets", str(BUDGETS), "--year", "2024"),
    "template-4-cm-margins": ("report", "--budgets", str(BUDGETS), "--year", "2024", "--mall", "MALL"),
    # (portrait at 7 pt: h73)
    "investments-of-one-forvaltning": ("investments", "--budgets", str(BUDGETS), "--year", "2024", "--forvaltning",
                                       "VSS"),
}


@pytest.mark.parametrize("case", WIDE)
def test_a_table_fits_its_page_and_no_word_breaks_in_a_cell(case, tmp_path):
    """However many columns: the widths add up to no more than the text width of the table's
    section (portrait or landscape, the template's margins kept), and each column is as wide as the
    longest word in it as printed (its glyphs' advance widths, bold or regular), at the font size the table got."""
    args = [str(_wide_margins(tmp_path)) if a == "MALL" else a for a in WIDE[case]]
    out = tmp_path / "t.docx"
    result = _invoke(*args, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(out))
    for picture in document.inline_shapes:  # a chart too: 16 cm, or less between a template's margins
        assert picture.width <= min(s.page_width - s.left_margin - s.right_margin for s in document.sections)
    found = _tables_and_sections(document)
    assert found
    for table, section in found:
        text_width = section.page_width - section.left_margin - section.right_margin
        grid = [int(g.get(f"{W}w")) * 635 for g in table._tbl.tblGrid.findall(f"{W}gridCol")]  # twips → EMU
        assert sum(grid) <= text_width, (table.rows[0].cells[0].text, sum(grid) / 360000, text_width.cm)
        margins = table._tbl.tblPr.find(f"{W}tblCellMar")
        pad = (sum(int(m.get(f"{W}w")) for m in margins) * 635 / 360000 if margins is not None
               else 2 * 0.19)  # Word's default cell margins
        for j, width in enumerate(grid):
            for row in table.rows:
                paragraph = row.cells[j].paragraphs[0]
                size = max(run.font.size.pt for run in paragraph.runs) if paragraph.runs else 8
                bold = any(run.font.bold for run in paragraph.runs)
                indent = paragraph.paragraph_format.left_indent.cm if paragraph.paragraph_format.left_indent else 0
                for word in re.split(r"[^\S\u00a0]+", row.cells[j].text):
                    assert _printed_cm(word, size, bold) + pad + indent <= width / 360000, (case, word, width / 360000)


def test_a_narrow_table_stays_on_a_portrait_page(tmp_path):
    """Found in review (h73): the investments of one förvaltning (three rows, nine columns) took a landscape page of
    their own for want of 3 cm at 8 pt, and a monthly report's largest deviations (eight columns) one for 0,4 cm. A
    table that fits a portrait page at a smaller font and narrower cell margins, its labels wrapped to three
    quarters and no word broken, stays on it; a table that needs the width turns (the stab table with comments)."""
    from docx.enum.section import WD_ORIENT

    one = tmp_path / "investeringar.docx"
    result = _invoke("investments", "--budgets", str(BUDGETS), "--year", "2024", "--forvaltning", "VSS", "-o", str(one))
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(one))
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT]
    (table,) = document.tables
    assert len(table.rows) == 4 and len(table.columns) == 9
    # (at 8 pt on the PDF's text width of 18,2 cm, their words measured as they print; 7 pt on 17,0 cm: h116; at 7 pt
    # again, where every project's name is on one line, h162)
    assert {run.font.size.pt for cell in table.rows[1].cells for run in cell.paragraphs[0].runs} == {7.0}

    report = tmp_path / "rapport.docx"
    result = _invoke("report", "--budgets", str(ROOT / "examples" / "answered" / "budgets"), "--period", "2024-10",
                     "-o", str(report))
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(report))
    from docx.text.paragraph import Paragraph

    turned = {Paragraph(table._tbl.getprevious(), document).text: section.orientation  # (by its caption)
              for table, section in _tables_and_sections(document)}
    assert turned["Största avvikelser januari–oktober 2024 per stab och kostnadsslag, belopp i mnkr"] == \
        WD_ORIENT.PORTRAIT
    assert turned["Resultat januari–oktober 2024 per stab, belopp i mnkr"] == WD_ORIENT.LANDSCAPE


def test_fit_shrinks_the_font_and_only_then_breaks_words():
    from kfollow.render.docx import FITS, _fit, _Span

    label, figure = _Span(False, word=10.0, want=24.0), _Span(True, word=5.0, want=5.0)
    size, pad, widths = _fit([label] + [figure] * 6, usable=25.7)
    assert (size, pad) == (8.0, 0.4) and widths[0] == pytest.approx(24.0 * 8 / 72 * 2.54 + 0.4)
    size, pad, widths = _fit([label] + [figure] * 14, usable=25.7)
    assert size < 8.0 and sum(widths) == pytest.approx(25.7) and widths[0] >= 10.0 * size / 72 * 2.54 + pad
    size, pad, widths = _fit([label] + [figure] * 30, usable=25.7)  # no room for the words even at 7 pt
    # (at the narrowest cell margins, the PDF's 0,3 em a side: h127)
    assert (size, pad) == FITS[-1][:2] == (7.0, 0.148) and sum(widths) == pytest.approx(25.7)


def test_a_chart_after_a_landscape_table_has_its_heading_over_it(report_docx):
    """A chart drawn from a landscape table goes on a portrait page of its own, with the section's
    heading over it (it was alone on the page)."""
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(report_docx))
    turned = 0
    for picture in document.element.body.iter(f"{W}drawing"):
        paragraph = next(p for p in picture.iterancestors() if p.tag == f"{W}p")
        under = paragraph.getprevious()
        while under.tag == f"{W}p" and Paragraph(under, document).text.startswith("Anm.:"):  # the table's notes
            under = under.getprevious()
        if under.tag == f"{W}tbl":  # under its portrait table (and its notes), on the same page
            continue
        above = Paragraph(paragraph.getprevious(), document)
        assert above.text and above.paragraph_format.keep_with_next, "a chart with the heading or caption over it"
        assert above._p.find(f"{W}pPr/{W}sectPr") is None
        before = above._p.getprevious()  # a page of its own after a landscape table, or its section's heading
        turned += before is not None and before.find(f"{W}pPr/{W}sectPr") is not None
    assert turned  # the bundled report has such a chart


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


def test_without_python_docx_the_error_says_to_install_kfollow_again(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "docx", None)  # import docx raises ImportError
    out = tmp_path / "r.docx"
    result = _invoke("deviation", "--budgets", str(BUDGETS), "--year", "2024", "-o", str(out))
    assert result.exit_code == ExitStatus.USAGE
    assert "python-docx, which is installed with kfollow" in result.stderr and not out.exists()


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


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="LibreOffice (apt-get install libreoffice-writer) or pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("case", ["every-column", "template-4-cm-margins"])
def test_libreoffice_prints_a_wide_table_within_the_margin_and_its_words_whole(case, tmp_path):
    """Printed, no word passes the right margin and every word of every cell is whole: a word broken
    inside a cell comes out of the PDF as two ("KGE", "M")."""
    import html

    args = [str(_wide_margins(tmp_path)) if a == "MALL" else a for a in WIDE[case]]
    out = tmp_path / "t.docx"
    result = _invoke(*args, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(out)], check=True, capture_output=True, timeout=180)
    boxes = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "t.pdf"), "-"], check=True, capture_output=True,
                           text=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', boxes, re.S)
    document = docx.Document(str(out))
    margin = document.sections[0].right_margin.pt  # the same on every page of these documents
    printed = set()
    for width, _, body in pages:
        for x_max, word in re.findall(r'xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', body):
            assert float(x_max) <= float(width) - margin + 1, (case, word, "past the right margin")
            printed.update(html.unescape(word).split())
    for table in document.tables:
        for row in table.rows:
            for word in {w for cell in row.cells for w in cell.text.split()}:  # a hyphen may end a line
                assert word in printed or all(part in printed for part in re.split(r"(?<=-)(?=.)", word)), (case, word)


def test_the_mixed_total_note_is_under_each_table_and_figures_have_the_hyphen_minus(report_docx):
    """As in HTML: under every table whose total adds resultat rows as nettokostnad, not only the first."""
    document = docx.Document(str(report_docx))
    notes = [p.text for p in document.paragraphs if p.text.startswith("Anm.: I Summa nettokostnad ingår förvaltningar")]
    assert 1 < len(notes) < len(document.tables)
    others = [p.text for p in document.paragraphs if p.text.startswith("Anm.:") and "I Summa nettokostnad ingår" not in p.text]
    assert len(others) == len(set(others))  # (other notes are said once)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "-9,8" in cells and not any("\u2212" in c for c in cells)


def test_a_forvaltnings_name_is_bold_in_word_as_in_html(run, tmp_path):
    """Found comparing the formats: HTML and PDF show a förvaltning's row name in bold, Word did not."""
    docx = pytest.importorskip("docx")
    out = tmp_path / "r.docx"
    assert run("report", "--budgets", ROOT / "examples" / "budgets", "--period", "2024-10", "-o", out).exit_code == 0
    first = docx.Document(str(out)).tables[0]
    bold = {r.cells[0].text: [run.bold for p in r.cells[0].paragraphs for run in p.runs] for r in first.rows}
    assert bold["Kommunstyrelseförvaltningen"] == [True] and bold["Summa nettokostnad"] == [True]


def test_a_figures_header_gets_two_lines_where_there_is_room():
    """Found comparing the formats: "Andel 2023 av summa %" took four lines in Word, as wide as its
    longest word, beside a "Förändring" on one. Where the page has room its column takes the header on
    two lines; where it has not, it narrows down to its longest word, as before."""
    from kfollow.render.docx import _cm, _ems, _fit, _span
    from kfollow.report import column

    header = "Andel 2023 av summa %"
    span = _span(1, column("andel_pct"), header, ["99,6", "100,0"])
    assert span.word == _ems("summa") and span.want == max(_ems("Andel 2023"), _ems("av summa %"))
    size, pad, widths = _fit([_span(0, column("namn"), "Verksamhet", ["Summa"]), span], 16.0)
    assert widths[1] >= _cm(span.want, size) + pad - 1e-9
    size, pad, widths = _fit([_span(0, column("namn"), "Verksamhet", ["x" * 40]), *[span] * 12], 16.0)
    assert widths[1] < _cm(span.want, size) + pad  # no room: narrower, at least its longest word
    assert widths[1] >= _cm(span.word, size) + pad - 1e-9 or size < 8


def _running(document, part: str) -> list:
    """The header or footer (`part`) each section of `document` shows: its own, or, where it is linked to the
    previous section's (no reference of its own), the nearest one before it that has one."""
    shown, last = [], None
    for section in document.sections:
        own = getattr(section, part)
        if not own.is_linked_to_previous:
            last = own
        shown.append(last)
    return shown


def _fields(element) -> list[str]:
    """The codes of the complex fields (`w:fldChar` begin … end) in a header or footer, in order."""
    codes, code, inside = [], "", False
    for node in element.iter(f"{W}fldChar", f"{W}instrText"):
        if node.tag == f"{W}instrText":
            code += node.text or ""
        elif node.get(f"{W}fldCharType") == "begin":
            code, inside = "", True
        elif node.get(f"{W}fldCharType") == "separate" and inside:
            codes.append(code.strip())
            inside = False
    return codes


def _assert_running(document, header_text: list[str]) -> None:
    """Every section of `document` shows `header_text` in its header and `Sida {PAGE} av {NUMPAGES}` in its footer."""
    for header, footer in zip(_running(document, "header"), _running(document, "footer")):
        assert header is not None and footer is not None
        assert [p.text for p in header.paragraphs if p.text] == header_text
        assert _running_text(footer._element) == "Sida {PAGE} av {NUMPAGES}"


def _running_text(element) -> str:
    """The text of a header or footer, a field shown by its code (`{PAGE}`), its last result left out."""
    out, skip = [], False
    for node in element.iter(f"{W}t", f"{W}fldChar", f"{W}instrText"):
        if node.tag == f"{W}fldChar":
            kind = node.get(f"{W}fldCharType")
            skip = kind == "separate"
            if kind == "begin":
                out.append("{")
            elif kind == "separate":
                out.append("}")
        elif node.tag == f"{W}instrText":
            out.append((node.text or "").strip())
        elif not skip:
            out.append(node.text or "")
    return "".join(out)


def test_every_page_has_the_title_above_and_its_number_below(report_docx):
    """Found by a year-end user: the PDF has the title at the head of every page and `Sida N av M` at its
    foot; the Word document had neither. Every section (the landscape ones of wide tables too) shows
    the title as its header and a footer of PAGE and NUMPAGES fields, its own or linked to the one before."""
    import zipfile

    document = docx.Document(str(report_docx))
    doc, _ = _expected_tables()
    assert len(document.sections) > 1  # (the bundled report has landscape sections)
    assert document.sections[0].header.is_linked_to_previous is False  # the first has its own, the rest may link
    for number, (header, footer) in enumerate(zip(_running(document, "header"), _running(document, "footer"))):
        assert header is not None and footer is not None, number
        assert [p.text for p in header.paragraphs if p.text] == [doc.title], number
        assert _running_text(footer._element) == "Sida {PAGE} av {NUMPAGES}", number
    with zipfile.ZipFile(report_docx) as package:  # the fields as Word reads them, in the footer's own part
        footers = [n for n in package.namelist() if re.fullmatch(r"word/footer\d*\.xml", n)]
        assert footers
        for name in footers:
            from lxml import etree

            assert _fields(etree.fromstring(package.read(name))) == ["PAGE", "NUMPAGES"], name


def test_a_table_command_as_docx_has_its_title_above_and_page_numbers_below(tmp_path):
    out = tmp_path / "avvikelse.docx"
    result = _invoke("deviation", "--budgets", str(BUDGETS), "--year", "2024", "--by", "verksamhet", "--comments",
                     "-o", str(out))
    assert result.exit_code == 0, result.stderr
    _assert_running(docx.Document(str(out)), ["Resultat 2024 per verksamhet"])
    # the file's title too, as a report's (a table's was empty: Word's title bar showed the file name only)
    assert docx.Document(str(out)).core_properties.title == "Resultat 2024 per verksamhet, belopp i mnkr"


def test_a_templates_own_header_and_footer_are_kept(tmp_path):
    """The kommun's template decides its header and footer where it has them; where it has none, the
    report's title and page numbers go there."""
    template = docx.Document()
    template.sections[0].header.paragraphs[0].text = "Linköpings kommun – Kommunstyrelsen"
    path = tmp_path / "mall.docx"
    template.save(str(path))
    out = tmp_path / "r.docx"
    result = _invoke("report", "--budgets", str(BUDGETS), "--year", "2024", "--mall", str(path), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    _assert_running(docx.Document(str(out)), ["Linköpings kommun – Kommunstyrelsen"])


def test_a_tables_notes_stay_with_its_last_row(report_docx):
    """Found in review: Word could put a table's last `Anm.` alone on the next page. The last row's paragraphs and
    every note but the last keep with the next paragraph; the last note does not (the next section may move)."""
    document = docx.Document(str(report_docx))
    body = list(document.element.body.iterchildren())
    checked = 0
    for index, element in enumerate(body):
        if element.tag != f"{W}tbl":
            continue
        after = []
        for following in body[index + 1:]:
            text = "".join(t.text or "" for t in following.iter(f"{W}t"))
            if following.tag != f"{W}p" or not text.startswith("Anm.:"):
                break
            after.append(following)
        if not after:
            continue
        checked += 1
        last_row = element.findall(f"{W}tr")[-1]
        assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in last_row.iter(f"{W}p"))
        assert [p.find(f"{W}pPr/{W}keepNext") is not None for p in after] == [True] * (len(after) - 1) + [False]
    assert checked >= 2


def test_the_document_is_swedish_and_says_it_is_kfollows(report_docx):
    """Found reading the outputs as a kommunekonom: the text was tagged en-US (Word checked the Swedish as English)
    and the properties said "generated by python-docx"."""
    document = docx.Document(str(report_docx))
    lang = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang is not None and lang.get(f"{W}val") == "sv-SE"
    properties = document.core_properties
    assert (properties.language, properties.author, properties.comments) == ("sv-SE", "kfollow", "")


def test_the_sources_are_a_small_note_set_apart_at_the_end_not_a_section(report_docx):
    """A kommunekonom's reading: the document ended on a `Heading 1` "Källor och anmärkningar" (in the outline and a
    table of contents the nämnd reads) over file paths and git revisions, which are how a reviewer traces a figure.
    They stay, at the end under a rule, small and grey as the running header, labelled for the reviewer; no heading."""
    from docx.shared import Pt

    document = docx.Document(str(report_docx))
    assert not [p for p in document.paragraphs if p.text.startswith("Källor och")]
    paragraphs = [p for p in document.paragraphs if p.text]
    label = next(i for i, p in enumerate(paragraphs) if p.text == "Underlag för granskning")
    note = paragraphs[label:]
    assert len(note) == 3 and note[1].text.startswith("Källor: budgets/2023.yaml")  # (git revisions where checked in)
    assert note[2].text == "Utfall 2024 anges för helår"
    assert all(not p.style.name.startswith("Heading") for p in note)
    assert all(r.font.size is not None and r.font.size <= Pt(8) for p in note for r in p.runs)
    assert note[0]._p.find(f"{W}pPr/{W}pBdr/{W}top") is not None  # the rule that sets it apart


def test_the_html_and_markdown_set_the_sources_apart_too(tmp_path):
    out = tmp_path / "r.html"
    assert _invoke("report", "--budgets", str(BUDGETS), "--year", "2024", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    footer = page[page.index("<footer>"):]
    assert '<p class="underlag">Underlag för granskning</p>\n<p>Källor: budgets/2023.yaml' in footer
    assert "<h2>" not in footer
    md = tmp_path / "r.md"
    assert _invoke("report", "--budgets", str(BUDGETS), "--year", "2024", "-o", str(md)).exit_code == 0
    assert "---\n\n*Underlag för granskning:*  \nKällor: budgets/2023.yaml" in md.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", [("report", "--year", "2024"), ("deviation", "--year", "2024")])
def test_the_same_document_gives_the_same_bytes_whenever_it_is_written(command, tmp_path, monkeypatch):
    """Found in review, h119: python-docx dated every zip entry with the time of saving, so `report -o
    rapport.docx` (and `--format docx`) committed to git changed on every run while its figures did not; the
    entries are dated 1980-01-01, as a workbook's, and a document written an hour later is the same bytes."""
    import time
    import zipfile

    written = []
    for hour, clock in enumerate((1_733_000_000.0, 1_733_003_600.0)):
        monkeypatch.setattr(time, "time", lambda clock=clock: clock)
        out = tmp_path / f"r{hour}.docx"
        result = _invoke(*command, "--budgets", str(BUDGETS), "-o", str(out))
        assert result.exit_code == 0, result.stderr
        written.append(out.read_bytes())
    with zipfile.ZipFile(tmp_path / "r0.docx") as saved:
        assert {entry.date_time for entry in saved.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "word/document.xml" in saved.namelist()
    assert written[0] == written[1]
    assert docx.Document(str(tmp_path / "r1.docx")).paragraphs[0].text


def test_a_template_without_document_properties_gives_the_same_bytes_too(tmp_path):
    """Found in review, h124: a template without docProps/core.xml (python-docx makes the properties then, dated
    with the time of saving) gave a report whose `dcterms:modified` was the minute it was written, so the same report
    differed in its bytes again; the properties it makes are dated 1980-01-01, as the zip entries are."""
    import re
    import zipfile

    template = tmp_path / "mall.docx"
    docx.Document().save(str(template))
    with zipfile.ZipFile(template) as saved:
        parts = {entry.filename: saved.read(entry) for entry in saved.infolist()}
    del parts["docProps/core.xml"]
    parts["_rels/.rels"] = re.sub(rb"<Relationship [^>]*core-properties[^>]*/>", b"", parts["_rels/.rels"])
    parts["[Content_Types].xml"] = re.sub(rb'<Override [^>]*docProps/core.xml[^>]*/>', b"", parts["[Content_Types].xml"])
    with zipfile.ZipFile(template, "w") as bare:
        for name, data in parts.items():
            bare.writestr(name, data)
    out = tmp_path / "r.docx"
    result = _invoke("report", "--budgets", str(BUDGETS), "--year", "2024", "--mall", str(template), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    properties = docx.Document(str(out)).core_properties
    assert properties.modified.isoformat() == "1980-01-01T00:00:00+00:00"
    assert properties.title.startswith("Ekonomi 2024")


@pytest.mark.parametrize("suffix", ["docx", "xlsx"])
def test_the_same_document_gives_the_same_bytes_on_windows(tmp_path, monkeypatch, suffix):
    """Found in review, h124: the zip entries named the system that wrote them (zipfile's `create_system`: 0 on
    Windows, 3 elsewhere), so a report written on a controller's Windows laptop differed in its bytes from the same
    report written by the server, where README says the same report gives the same bytes wherever it is written; a
    workbook's (and a form's) did too after the Word document's was fixed (found in review, h126)."""
    import sys
    import zipfile

    written = []
    for name, platform in ((f"linux.{suffix}", "linux"), (f"windows.{suffix}", "win32")):
        monkeypatch.setattr(sys, "platform", platform)
        result = _invoke("deviation", "--year", "2024", "--budgets", str(BUDGETS), "-o", str(tmp_path / name))
        monkeypatch.undo()
        assert result.exit_code == 0, result.stderr
        written.append((tmp_path / name).read_bytes())
    with zipfile.ZipFile(tmp_path / f"windows.{suffix}") as saved:
        assert {entry.create_system for entry in saved.infolist()} == {3}
    assert written[0] == written[1]
