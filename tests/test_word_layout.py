"""The Word document laid out as the PDF is (found in review, h116): its words measured as they print, the PDF's
side margins, a comment column given what the other text columns can give up, a little space before a table's
notes. Read back with python-docx; the page count through LibreOffice where it is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BUDGETS, ROOT

docx = pytest.importorskip("docx", reason="python-docx (a dependency of kfollow) is not installed")

SIE = ROOT / "examples" / "sie" / "budgets"


def _invoke(*args):
    from typer.testing import CliRunner

    from kfollow.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def _report(tmp_path: Path, name: str, *args) -> Path:
    out = tmp_path / name
    result = _invoke("report", *args, "-o", out)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def rapport(tmp_path_factory):
    return _report(tmp_path_factory.mktemp("word"), "rapport.docx", "--budgets", BUDGETS, "--year", "2024")


@pytest.fixture(scope="module")
def period(tmp_path_factory):
    return _report(tmp_path_factory.mktemp("word"), "period.docx", "--budgets", SIE, "--period", "2024-10")


def _tables(path: Path) -> dict[str, tuple[object, object]]:
    """Each table of a Word document by its caption: the table and the section it is in."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    sections = iter(document.sections)
    section, found, pending = next(sections), {}, []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            pending.append((Paragraph(child.getprevious(), document).text, child))
        setup = child if child.tag == qn("w:sectPr") else child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
        if setup is not None:
            for caption, tbl in pending:
                found[caption] = (next(t for t in document.tables if t._tbl is tbl), section)
            pending = []
            section = next(sections, None)
    return found


def _grid_cm(table) -> list[float]:
    from docx.oxml.ns import qn

    return [int(g.get(qn("w:w"))) / 1440 * 2.54 for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def _usable_cm(section) -> float:
    return (section.page_width - section.left_margin - section.right_margin) / 360000


def test_the_deviation_from_the_forecast_is_on_a_portrait_page_as_in_the_pdf(rapport):
    """`report --year 2024 -o rapport.docx`: 'Avvikelse jämfört med prognosen i augusti 2024' (ten columns, bold
    labels such as 'Kommunledningsförvaltningen') had a landscape page of its own, its words measured 10–13 % wider
    than they print on 17,0 cm of text: 8 pages against the PDF's 7. Its words fit 18,2 cm at 7 pt; it is on a
    portrait page with the Nämndindikatorer, as in the PDF."""
    from docx.enum.section import WD_ORIENT

    tables = _tables(rapport)
    table, section = tables["Resultat 2024 per förvaltning, jämfört med prognosen i augusti 2024, belopp i mnkr"]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert tables["Nämndindikatorer 2024, målområde ekonomi"][1]._sectPr is section._sectPr  # (the same page)
    assert len(table.columns) == 10 and sum(_grid_cm(table)) <= _usable_cm(section)


def test_the_pdfs_side_margins_and_a_templates_own(tmp_path, rapport):
    """Without a template the page has the PDF's margins (14 mm a side, 18 mm above, 16 mm below: 18,2 cm of text,
    where Word had 2 cm a side, 17,0 cm); a template's page setup stays."""
    from docx.shared import Cm

    for section in docx.Document(str(rapport)).sections:
        margins = [section.left_margin, section.right_margin, section.top_margin, section.bottom_margin]
        assert [round(m.cm, 2) for m in margins] == [1.4, 1.4, 1.8, 1.6]
        assert round(_usable_cm(section), 2) in (18.2, 26.9)
    template = docx.Document()
    for section in template.sections:
        section.left_margin = section.right_margin = Cm(3.0)
    template.save(str(tmp_path / "mall.docx"))
    out = _report(tmp_path, "mall.docx.out.docx", "--budgets", BUDGETS, "--year", "2024", "--mall", tmp_path / "mall.docx")
    assert {(round(s.left_margin.cm, 2), round(s.right_margin.cm, 2)) for s in docx.Document(str(out)).sections} == \
        {(3.0, 3.0)}


def test_the_comments_get_what_the_other_text_columns_can_give_up(period, rapport):
    """Ombudgeteringar: the comment column 'Text' was 3,24 cm of 17,0 in the year's report and 4,42 in the period
    report, its comments a few words a line, beside a 'Beslut' and a 'Stab' as wide as they wanted, every text column
    narrowed alike. The comments are given up to 36 % of the width first (the PDF's share), the other text columns
    narrowed for them down to their longest word: 'Text' is 5,84 cm of 18,2 (4,88 in the year's report, where 'Beslut'
    and 'Stab' are at their longest words at 7 pt with 1 mm of cell margins: at 2 mm 'Text' had 4,07, less than a
    quarter, h127; 5,27 before its 'Summa ombudgeteringar' was kept on one line at the same font, h158), 'Beslut'
    wraps to a few lines. In the period's report 'Beslut' is as wide as its longest label that fits a line, at 7,5 pt
    (its 'KS 2024-06-17 § 98 (påhittat)' and 'Summa ombudgeteringar' wrapped at 8 pt: h162), 'Text' 5,02 cm (5,84
    at 8 pt), still more than a quarter."""
    from kfollow.render.docx import BREAK, _cm, _ems

    for path, caption, text_cm in ((period, "Ombudgeteringar januari–oktober 2024, belopp i mnkr", 5.02),
                                   (rapport, "Ombudgeteringar 2024, belopp i mnkr", 4.88)):
        table, section = _tables(path)[caption]
        headers = [c.text for c in table.rows[0].cells]
        widths = dict(zip(headers, _grid_cm(table)))
        assert widths["Text"] == pytest.approx(text_cm, abs=0.01)
        assert 0.25 * _usable_cm(section) <= widths["Text"] <= 0.36 * _usable_cm(section)
        size = table.rows[1].cells[0].paragraphs[0].runs[0].font.size.pt
        assert size == {5.02: 7.5, 4.88: 7.0}[text_cm]
        pad = {5.02: 0.4, 4.88: 0.2}[text_cm]
        whole = text_cm == 4.88  # (the sum's label one word: `document.whole_label`)
        for header in ("Beslut", "Stab"):  # as narrow as their longest word lets them be
            j = headers.index(header)
            labels = header == "Beslut" and not whole  # (each label whole: the longest)
            longest = max(_ems(word, any(r.font.bold for r in row.cells[j].paragraphs[0].runs))
                          for row in table.rows for word in
                          ([row.cells[j].text] if labels or whole and row.cells[j].text.startswith("Summa ") else
                           BREAK.split(row.cells[j].text)) if word)
            assert widths[header] == pytest.approx(_cm(longest, size) + pad, abs=0.01), header


def test_fit_gives_the_comments_their_share_before_the_label_wraps():
    from kfollow.render.docx import _fit, _Span

    label = _Span(False, word=8.0, want=24.0, whole=40.0)
    comment = _Span(False, word=8.0, want=28.0, whole=60.0, comment=True, long_word=8.0)
    figure = _Span(True, word=4.0, want=5.0)
    size, pad, widths = _fit([label, *[figure] * 4, comment], usable=18.2)
    assert size == 8.0
    assert widths[-1] == pytest.approx(0.36 * 18.2)  # (28 em at 8 pt want 8,3 cm)
    assert widths[0] == pytest.approx(18.2 - sum(widths[1:])) and widths[0] < 24.0 * 8 / 72 * 2.54
    # with more figures, the label at its longest word (or 2,5 cm), the comments get the rest
    size, pad, widths = _fit([label, *[figure] * 6, comment], usable=18.2)
    assert widths[0] == pytest.approx(8.0 * 8 / 72 * 2.54 + 0.4)
    assert widths[-1] == pytest.approx(18.2 - sum(widths[:-1])) and widths[-1] < 0.36 * 18.2
    # where there is room for all, each is as wide as it wants
    size, pad, widths = _fit([label, figure, comment], usable=26.9)
    assert widths[-1] == pytest.approx(28.0 * 8 / 72 * 2.54 + 0.4)


def test_a_tables_first_note_has_space_above_it(rapport):
    """The first 'Anm.:' under a table stood against its last row (pages 2, 4, 7 and 8): it has 6 pt above it, as
    the PDF sets a note off; the notes after it follow it as before."""
    from docx.shared import Pt
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(rapport))
    firsts = [Paragraph(t._tbl.getnext(), document) for t in document.tables]
    noted = [p for p in firsts if p.text.startswith("Anm.:")]
    assert len(noted) >= 5
    for p in noted:
        assert p.paragraph_format.space_before == Pt(6), p.text
    later = [p for p in document.paragraphs if p.text.startswith("Anm.:") and p not in noted
             and p._p not in {q._p for q in noted}]
    assert later and {p.paragraph_format.space_before for p in later} == {None}


def test_a_stabs_report_of_two_staber_is_portrait(tmp_path):
    """`report -o stab.docx --budgets examples/sie/budgets --period 2024-10 --stab EKO --stab DIG` had a landscape
    page 1 for 'Resultat per stab, med kommentarer' of two staber and their sum (its words measured too wide for a
    portrait page), where the PDF keeps it portrait (rule LANDSCAPE_ROWS): every page is portrait, 3 as the PDF's."""
    from docx.enum.section import WD_ORIENT

    out = _report(tmp_path, "stab.docx", "--budgets", SIE, "--period", "2024-10", "--stab", "EKO", "--stab", "DIG")
    assert {s.orientation for s in docx.Document(str(out)).sections} == {WD_ORIENT.PORTRAIT}
    table, section = _tables(out)["Resultat januari–oktober 2024 per stab, belopp i mnkr"]
    assert len(table.rows) == 4 and sum(_grid_cm(table)) <= _usable_cm(section)


def test_words_are_measured_as_they_print():
    """A word's width (`_ems`) is never narrower than its glyphs in DejaVu Serif (what LibreOffice prints with), nor
    more than 6 % wider (a few widths for all letters took them 10–13 % wider)."""
    from test_docx import _printed_cm

    from kfollow.render.docx import _cm, _ems

    words = ["Kommunledningsförvaltningen", "Verksamhetsstöd", "KGEM", "1\u00a0337,3", "-16,3", "2024-04-30",
             "verksamhetsberättelsen)", "Näringslivsfrämjandeåtgärder", "Avvikelse", "Prognostiserad", "%", "WWW"]
    for bold in (True, False):
        for word in words:
            printed = _printed_cm(word, 7.0, bold)
            assert printed <= _cm(_ems(word, bold), 7.0) <= 1.06 * printed, (word, bold)


def _libreoffice() -> bool:
    soffice = shutil.which("soffice")
    return soffice is not None and shutil.which("pdfinfo") is not None


@pytest.mark.skipif(not _libreoffice(), reason="LibreOffice and pdfinfo are not installed")
def test_libreoffice_prints_the_word_report_on_the_pdfs_seven_pages(rapport, tmp_path):
    """The bundled 2024 report: Word's pages, printed by LibreOffice, were 8 against the PDF's 7."""
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(rapport)], check=True, capture_output=True, timeout=180)
    info = subprocess.run(["pdfinfo", str(tmp_path / "rapport.pdf")], check=True, capture_output=True, text=True)
    assert re.search(r"^Pages: *(\d+)$", info.stdout, re.M)[1] == "7"


def test_a_tkr_report_with_prognos_fran_keeps_its_first_page_portrait(tmp_path):
    """`report --budgets examples/answered/budgets --period 2024-10 --unit tkr -o rapport.docx`: 'Resultat per
    förvaltning' (eleven columns, 'Prognos från' among them, 'Kommunstyrelseförvaltningen' in bold) turned page 1 to
    landscape, its words 18,44 cm at 7 pt with 1 mm of cell margins against 18,20 cm of page, where the PDF prints it
    portrait with its cells' margins of 0,3 em a side. At the PDF's margins it fits: page 1 is portrait, the table
    within the page and no word of it broken; the stab table with comments turns, on page 2, as in the PDF."""
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from test_docx import _printed_cm
    from test_page_layout import _orientations

    out = _report(tmp_path, "tkr.docx", "--budgets", ROOT / "examples" / "answered" / "budgets", "--period", "2024-10",
                  "--unit", "tkr")
    document = docx.Document(str(out))
    assert document.sections[0].orientation == WD_ORIENT.PORTRAIT
    tables = _tables(out)
    table, section = tables["Resultat januari–oktober 2024 per förvaltning, belopp i tkr"]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert [(o, captions[:1]) for o, captions in _orientations(out)[:2]] == [
        ("portrait", ["Resultat januari–oktober 2024 per förvaltning, belopp i tkr"]),
        ("landscape", ["Resultat januari–oktober 2024 per stab, belopp i tkr"])]
    assert "Prognos från" in [c.text for c in table.rows[0].cells] and len(table.columns) == 11
    grid = _grid_cm(table)
    assert sum(grid) <= _usable_cm(section) == pytest.approx(18.2, abs=0.01)
    pad = sum(int(m.get(qn("w:w"))) for m in table._tbl.tblPr.find(qn("w:tblCellMar"))) / 1440 * 2.54
    for row in table.rows:
        for cell, width in zip(row.cells, grid):
            runs = cell.paragraphs[0].runs
            size, bold = (runs[0].font.size.pt, bool(runs[0].font.bold)) if runs else (7.0, False)
            for word in re.split(r"[^\S\u00a0\u202f]+", cell.text):
                assert _printed_cm(word, size, bold) + pad <= width, (word, width)
    assert tables["Resultat januari–oktober 2024 per stab, belopp i tkr"][1].orientation == WD_ORIENT.LANDSCAPE


def test_a_tkr_reports_comments_get_a_quarter_of_the_page_before_the_font_stays_at_8_pt(tmp_path):
    """`report --budgets examples/answered/budgets --period 2024-10 --unit tkr -o rapport.docx`: on the landscape
    page of 'Resultat per stab, med kommentarer' the comments had 4,79 cm of 26,9 (17 %), HR-stab's nine lines of
    three words, beside ten columns of figures at 8 pt with room to spare, where the PDF gives them 36 % at 7 pt. A
    comment column is given at least a quarter of the width (or what its longest comment wants) before the table
    keeps 8 pt: the table goes to 7 pt, its comments 6,74 cm (6,95 before its label column took the width of
    'Serviceförvaltningen (internt prissatt)' on one line, h162), its words whole."""
    from docx.oxml.ns import qn
    from test_docx import _printed_cm

    out = _report(tmp_path, "tkr.docx", "--budgets", ROOT / "examples" / "answered" / "budgets", "--period", "2024-10",
                  "--unit", "tkr")
    table, section = _tables(out)["Resultat januari–oktober 2024 per stab, belopp i tkr"]
    headers = [c.text for c in table.rows[0].cells]
    grid = _grid_cm(table)
    usable = _usable_cm(section)
    assert usable == pytest.approx(26.9, abs=0.01) and sum(grid) <= usable
    assert grid[headers.index("Kommentar")] >= 0.25 * usable
    assert grid[headers.index("Kommentar")] == pytest.approx(6.74, abs=0.05)
    assert {r.font.size.pt for row in table.rows for c in row.cells for r in c.paragraphs[0].runs} == {7.0}
    pad = sum(int(m.get(qn("w:w"))) for m in table._tbl.tblPr.find(qn("w:tblCellMar"))) / 1440 * 2.54
    for row in table.rows:
        for cell, width in zip(row.cells, grid):
            for run in cell.paragraphs[0].runs:
                for word in re.split(r"[^\S\u00a0\u202f]+", run.text):
                    assert _printed_cm(word, 7.0, bool(run.font.bold)) + pad <= width, (word, width)


def test_fit_gives_a_comment_a_quarter_before_keeping_the_larger_font():
    from kfollow.render.docx import _fit, _Span

    label = _Span(False, word=12.0, want=12.0, whole=12.0)
    comment = _Span(False, word=10.0, want=28.0, whole=200.0, comment=True, long_word=10.0)
    figure = _Span(True, word=5.0, want=5.4)
    size, pad, widths = _fit([label, *[figure] * 10, comment], usable=26.9)
    assert size < 8.0 and widths[-1] >= 0.25 * 26.9 and sum(widths) <= 26.9 + 1e-9
    # a comment that wants less than a quarter has what it wants, at 8 pt
    short = _Span(False, word=5.0, want=12.0, whole=12.0, comment=True, long_word=5.0)
    size, pad, widths = _fit([label, *[figure] * 10, short], usable=26.9)
    assert size == 8.0 and widths[-1] == pytest.approx(12.0 * 8 / 72 * 2.54 + 0.4)


def test_an_empty_cell_is_no_taller_than_its_rows_text(tmp_path):
    """`report --budgets examples/answered/budgets --period 2024-10 --unit tkr -o rapport.docx`, printed: the rows of
    'Resultat per stab' without a comment (Samhällsbyggnadsstab, Fritidsanläggningar, Summa KSF) stood taller than a
    line of 7 pt, their empty Kommentar a line of the Normal style's 11 pt (an empty paragraph is as high as its
    mark). Every cell's paragraph mark has the table's font size, an empty cell's too."""
    from docx.oxml.ns import qn

    out = _report(tmp_path, "tkr.docx", "--budgets", ROOT / "examples" / "answered" / "budgets", "--period", "2024-10",
                  "--unit", "tkr")
    for caption, (table, _) in _tables(out).items():
        (size,) = {r.font.size.pt for row in table.rows for c in row.cells for r in c.paragraphs[0].runs if r.text}
        empty = 0
        for row in table.rows:
            for cell in row.cells:
                mark = cell.paragraphs[0]._p.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:sz')}")
                assert mark is not None and int(mark.get(qn("w:val"))) == round(2 * size), caption
                empty += not cell.text
        if caption == "Resultat januari–oktober 2024 per stab, belopp i tkr":
            assert empty >= 3
