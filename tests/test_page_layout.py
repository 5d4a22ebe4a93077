"""Page layout on paper, found reading the nämnd's PDF and Word documents as pictures (review, h102):
a table's notes stay with its last rows, the footer's lines stay together, a Word total stays with its
table's rows. Asserted on the HTML/CSS the PDF is made from and on the docx's properties, never pixels."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

EXAMPLES = ROOT / "examples" / "budgets"
SIE = ROOT / "examples" / "sie" / "budgets"


def _invoke(*args):
    from typer.testing import CliRunner

    from kfollow.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def _style(page: str) -> str:
    return page[page.index("<style>"):page.index("</style>")]


def _report(tmp_path: Path, name: str, *args) -> str:
    out = tmp_path / name
    result = _invoke("report", *args, "-o", out)
    assert result.exit_code == 0, result.stderr
    return out.read_text(encoding="utf-8") if name.endswith(".html") else out


def test_a_tables_notes_stay_with_its_last_rows(tmp_path):
    """`report --budgets examples/budgets --period 2024-10 -o ex-rapport.pdf`: page 4 opened with 'Anm.:
    Förändring % är – …', its table (Jämförelse) ending on page 3; in sie-rapport.pdf (--top 10) page 5
    opened with the Anm. of Största avvikelser. No page break before a note, nor before the last row of a
    table that has notes: a break moves the last two rows over with the notes."""
    page = _report(tmp_path, "r.html", "--budgets", EXAMPLES, "--period", "2024-10")
    style = _style(page)
    assert "p.anm { break-before: avoid-page; page-break-before: avoid; }" in style
    assert "div.med-anm tbody tr:last-child { break-before: avoid-page; page-break-before: avoid; }" in style
    tables = re.findall(r'<div class="(tabell[^"]*)">.*?</div>\n(<p class="anm">)?', page, re.S)
    assert len(tables) == 6  # (with the forecast of August against April's)
    for classes, noted in tables:  # a table followed by notes keeps its last rows with them
        assert ("med-anm" in classes.split()) == bool(noted), classes
    jamforelse = page[page.index("<h2>Utfall 2024 jämfört med 2023</h2>"):]
    assert re.match(r'<h2>[^<]*</h2>\n<div class="tabell med-anm">.*?</table>\n</div>\n<p class="anm">Anm.: I Summa '
                    r'nettokostnad ingår .*?</p>\n<p class="anm">Anm.: Förändring % är – ', jamforelse, re.S)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext here (Debian's poppler-utils)")
def test_no_page_of_the_pdf_opens_with_a_note(tmp_path):
    pytest.importorskip("weasyprint")
    for name, budgets, more in (("ex.pdf", EXAMPLES, ()), ("sie.pdf", SIE, ("--top", "10"))):
        pdf = _report(tmp_path, name, "--budgets", budgets, "--period", "2024-10", *more)
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        for number, sheet in enumerate(text.split("\f")[:-1], 1):
            lines = [x for x in sheet.splitlines() if x.strip()]
            assert not lines[1].startswith("Anm.:"), (name, number, lines[:3])  # (after the running header)


def test_a_table_without_notes_keeps_no_rows_for_them(tmp_path):
    page = _report(tmp_path, "r.html", "--budgets", SIE, "--period", "2024-10", "--stab", "EKO", "--stab", "DIG")
    tables = re.findall(r'<div class="(tabell[^"]*)">.*?</div>\n(<p class="anm">)?', page, re.S)
    assert any(not noted for _, noted in tables), tables
    for classes, noted in tables:
        assert ("med-anm" in classes.split()) == bool(noted), classes


def test_the_footer_is_one_block(tmp_path):
    """`report --budgets examples/sie/budgets --period 2024-10 --stab EKO --stab DIG -o stab.pdf`: the last page
    held only the running header, the footer's 'Budget importerad från …' and 'Senast bokförda period: oktober
    2024', its label, Källor and Utfall importerat … ending the page before. The footer does not split."""
    page = _report(tmp_path, "r.html", "--budgets", SIE, "--period", "2024-10", "--stab", "EKO", "--stab", "DIG")
    assert "footer { overflow-wrap: anywhere; break-inside: avoid-page; page-break-inside: avoid; }" in _style(page)
    assert re.search(r'</main>\n<footer>\n<p class="underlag">Underlag för granskning</p>\n<p>Källor: .*'
                     r'<p>Senast bokförda period: oktober 2024</p>\n</footer>', page, re.S)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext here (Debian's poppler-utils)")
def test_the_footer_of_the_pdf_is_on_one_page(tmp_path):
    pytest.importorskip("weasyprint")
    pdf = _report(tmp_path, "stab.pdf", "--budgets", SIE, "--period", "2024-10", "--stab", "EKO", "--stab", "DIG")
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    [last] = [sheet for sheet in text.split("\f") if "Senast bokförda period: oktober 2024" in sheet]
    assert "Underlag för granskning" in last and "Källor: examples/sie/budgets/2023.yaml" in last
    assert "Utfall importerat från exempelby.se" in last and "Budget importerad från exempelby.se" in last


def _kept(row) -> set:
    return {p.paragraph_format.keep_with_next for cell in row.cells for p in cell.paragraphs}


def test_a_word_total_stays_with_the_last_rows_of_its_table(tmp_path):
    """`deviation --budgets examples/sie/budgets --period 2024-10 --by stab,kostnadsslag -o dev-sk.docx`: page 1
    ended a quarter empty and page 2 held the repeated header, the single row 'Summa nettokostnad 135,1 136,1 …'
    and the four Anm.: the total was kept with its notes (keep with next from it through the notes), not with its
    table. The two rows before the total keep with it, as the total keeps with the notes, the last keeping with
    nothing after it: a page break before the total takes two rows of its table over with it."""
    import docx

    out = tmp_path / "dev-sk.docx"
    result = _invoke("deviation", "--budgets", SIE, "--period", "2024-10", "--by", "stab,kostnadsslag", "-o", out)
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(out))
    [table] = document.tables
    rows = table.rows
    assert [r.cells[0].text for r in rows[-3:]] == ["Intäkter", "Köp av verksamhet, material och bidrag",
                                                    "Summa nettokostnad"]
    for row in rows[-3:]:
        assert _kept(row) == {True}, row.cells[0].text
    for row in rows[:-3]:
        assert _kept(row) == {None}, row.cells[0].text
    notes = [p for p in document.paragraphs if p.text.startswith("Anm.:")]
    assert len(notes) == 4 and notes[-1] is not None
    assert [bool(p.paragraph_format.keep_with_next) for p in notes] == [True, True, True, False]
    assert document.element.body[-2] is notes[-1]._p  # (nothing after the last note but the page setup)


def _orientations(path: Path) -> list[tuple[str, list[str]]]:
    """Each section of a Word document: its orientation and the captions of its tables (or CHART)."""
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    found, current = [], []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            current.append(Paragraph(child.getprevious(), document).text)
        elif child.tag == qn("w:p") and child.findall(".//" + qn("w:drawing")):
            current.append("CHART")
        setup = child if child.tag == qn("w:sectPr") else child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
        if setup is not None:
            found.append((setup.find(qn("w:pgSz")).get(qn("w:orient")) or "portrait", current))
            current = []
    return found


def test_word_turns_a_table_as_the_pdf_does(tmp_path):
    """`report --year 2024 -o rapport.docx` had 9 pages against the PDF's 7: Ombudgeteringar (two rows) got a
    landscape page of its own, ~75% empty, which the PDF prints in portrait under the chart of Avvikelse per stab;
    in sie-rapport.docx page 3 was portrait with only that chart, Ombudgeteringar and Resultat per stab och
    kostnadsslag turned after it. Word turns a table as the PDF does (`document.landscape`: comments and at least 8
    columns), or where not even its words fit a portrait page; consecutive landscape tables share a section."""
    out = _report(tmp_path, "rapport.docx", "--year", "2024")
    assert _orientations(out) == [
        ("portrait", ["Ekonomi 2024, KLF, belopp i mnkr; avvikelse jämfört med prognosen i augusti 2024",
                      "Ekonomi 2024, VSS, belopp i mnkr"]),
        ("landscape", ["Resultat 2024 per stab, belopp i mnkr"]),
        ("portrait", ["CHART", "Ombudgeteringar 2024, belopp i mnkr", "Resultat 2024 per verksamhet, belopp i mnkr",
                      "Utfall 2023 och 2024 per verksamhet, belopp i mnkr", "CHART"]),
        ("landscape", ["Investeringar 2024, belopp i mnkr"]),
        # (the deviation from the forecast, ten columns, fits a portrait page at 7 pt, its words measured as they
        # print: it took a landscape page of its own, 8 pages against the PDF's 7; found in review, h116)
        ("portrait", ["Resultat 2024 per förvaltning, jämfört med prognosen i augusti 2024, belopp i mnkr",
                      "Nämndindikatorer 2024, målområde ekonomi"])]
    page = _report(tmp_path, "rapport.html", "--year", "2024")
    assert re.findall(r'<div class="tabell[^"]* bred">\n<table>\n<caption>([^<]*)</caption>', page) == [
        "Resultat 2024 per stab, belopp i mnkr", "Investeringar 2024, belopp i mnkr"]

    sie = _report(tmp_path, "sie-rapport.docx", "--budgets", SIE, "--period", "2024-10", "--top", "10")
    sections = _orientations(sie)
    # (the result per förvaltning, ten columns, on a portrait page 1 as in the PDF: it turned the title's page too)
    assert [o for o, _ in sections] == ["portrait", "landscape", "portrait"]
    assert sections[0][1] == ["Resultat januari–oktober 2024 per förvaltning, belopp i mnkr"]
    assert sections[2][1][:3] == ["CHART", "Ombudgeteringar januari–oktober 2024, belopp i mnkr",
                                  "Resultat januari–oktober 2024 per stab och kostnadsslag, belopp i mnkr"]


def test_a_comments_long_word_does_not_turn_the_page():
    from kfollow.render.docx import COMMENT_WORD_EM, _ems, _span
    from kfollow.report import Column
    from kfollow.vocabulary import Kind

    text = Column("text", Kind.text, "Text", comment=True)
    assert _ems("kapitalkostnaderna") > COMMENT_WORD_EM
    assert _span(6, text, "Text", ["kapitalkostnaderna för simhallen"]).word == COMMENT_WORD_EM


def _grid_cm(table) -> list[float]:
    from docx.oxml.ns import qn

    return [int(g.get(qn("w:w"))) / 1440 * 2.54 for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def test_word_columns_are_sized_by_their_content(tmp_path):
    """`deviation --budgets examples/sie/budgets --period 2024-10 --by stab,kostnadsslag --top 5 -o dev-top.docx`:
    'Andel av summa %' broke into four lines (1,61 cm), the width shared out alike to every column while the
    label wrapped. A number column is as wide as its widest figure or its header on two lines (at 7,5 pt where
    8 pt leaves too little room; on the PDF's text width of 18,2 cm 8 pt has it), the label gets what the page leaves."""
    import docx

    from kfollow.render.docx import _cm, _ems
    from kfollow.render.text import two_lines

    out = tmp_path / "dev-top.docx"
    result = _invoke("deviation", "--budgets", SIE, "--period", "2024-10", "--by", "stab,kostnadsslag", "--top", "5",
                     "-o", out)
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(out))
    [table] = document.tables
    section = document.sections[0]
    usable = (section.page_width - section.left_margin - section.right_margin) / 360000
    widths = _grid_cm(table)
    size = table.rows[1].cells[1].paragraphs[0].runs[0].font.size.pt
    assert size == 8.0  # (7,5 on a text width of 17,0 cm, before h116)
    headers = [c.text for c in table.rows[0].cells]
    assert headers[5] == "Andel av summa %"
    for header, width in zip(headers[1:], widths[1:]):
        assert width >= _cm(max(_ems(line) for line in two_lines(header)), size) + 0.4 - 0.01, (header, width)
    assert sum(widths) == pytest.approx(usable, abs=0.02) and widths[0] == pytest.approx(5.94, abs=0.01)


def test_the_label_gets_what_the_page_leaves(tmp_path):
    import docx

    from kfollow.render.docx import _cm, _ems

    out = tmp_path / "kostnadsslag.docx"
    result = _invoke("deviation", "--budgets", SIE, "--period", "2024-10", "--by", "stab,kostnadsslag", "--columns",
                     "budget,utfall,avvikelse", "-o", out)
    assert result.exit_code == 0, result.stderr
    [table] = docx.Document(str(out)).tables
    widths = _grid_cm(table)
    longest = max(_ems(row.cells[0].text) for row in table.rows[1:])
    size = table.rows[1].cells[1].paragraphs[0].runs[0].font.size.pt
    assert widths[0] >= _cm(longest, size) + 0.4 - 0.01  # on one line: the page has room
