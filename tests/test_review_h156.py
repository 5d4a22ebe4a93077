"""The report's documents as a politician sees them, HTML, PDF and Word (session 39, h156): each fault seen on a
picture of the page, pinned here on the document's text and structure."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BUDGETS, ROOT
from tests.test_html_in_a_window import CHROMIUM, _measured

NEW_FORVALTNING = """  NY:
    namn: Näringslivsförvaltningen
    redovisas_som: nettokostnad
    staber:
      NLS:
        namn: Näringslivsstab
        budget: 12000.0
        utfall: 11250.4
        kommentar: Överskott 0,7 mnkr – förvaltningen bildades i mars och rekryteringen av två tjänster blev klar först i juni.
      ETB:
        namn: Etableringsstöd
        budget: 8000.0
        utfall: 8410.2
        kommentar: Underskott 0,4 mnkr – fler etableringsärenden än beräknat.

"""


def _with_new_forvaltning(tmp_path: Path) -> Path:
    """The bundled budgets with a förvaltning NY begun in 2024 (not in the file for 2023): two staber, utfall for
    the whole year, 19 660,6 tkr of a budget of 20 000."""
    d = tmp_path / "budgets"
    shutil.copytree(BUDGETS, d)
    path = d / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    assert "# Budgetjusteringar 2024" in text
    path.write_text(text.replace("# Budgetjusteringar 2024", NEW_FORVALTNING + "# Budgetjusteringar 2024", 1),
                    encoding="utf-8")
    return d


def _text(out: Path) -> str:
    """A document's words in reading order, one space between them: HTML without its markup (and style), Word's
    paragraphs and tables in the body's order, a PDF as pdftotext reads it."""
    if out.suffix == ".html":
        page = re.sub(r"<style>.*?</style>", " ", out.read_text(encoding="utf-8"), flags=re.S)
        words = html.unescape(re.sub(r"<[^>]+>", " ", page))
    elif out.suffix == ".docx":
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(str(out))
        parts = []
        for child in document.element.body.iterchildren():
            if child.tag.endswith("}p"):
                parts.append(Paragraph(child, document).text)
            elif child.tag.endswith("}tbl"):
                parts += [c.text for r in Table(child, document).rows for c in r.cells]
        words = " ".join(parts)
    else:
        words = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(words.split())


def _document(suffix: str) -> None:
    if suffix == "pdf":
        pytest.importorskip("weasyprint")
        if shutil.which("pdftotext") is None:
            pytest.skip("no pdftotext here (Debian's poppler-utils)")


@pytest.mark.parametrize("suffix", ["html", "docx", "pdf"])
def test_a_forvaltning_begun_this_year_says_why_its_ekonomi_table_has_no_utfall_of_last_year(run, tmp_path, suffix):
    """`report --forvaltning NY` of a förvaltning begun in 2024 opened with its Ekonomi table, `Utfall 2023` –,
    and no word of why (`summary` said nothing either); the note stood first under the stab table below it. The
    Ekonomi table says it, once in the document, and no section of the comparison with 2023 stands empty."""
    _document(suffix)
    d = _with_new_forvaltning(tmp_path)
    out = tmp_path / f"r.{suffix}"
    result = run("report", "--budgets", d, "--forvaltning", "NY", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = _text(out)
    note = "Anm.: Utfall 2023 är – för förvaltning NY, som inte finns i filen för 2023."
    assert "Verksamhetens nettokostnader 19,7 20,0 0,3 –" in text, text[:2000]
    assert text.index("Verksamhetens nettokostnader 19,7") < text.index(note) < text.index("Resultat per stab")
    assert text.count(note) == 1
    assert "jämfört med 2023" not in text


def test_summary_of_a_forvaltning_begun_this_year_says_why_last_years_utfall_is_missing(run, tmp_path):
    d = _with_new_forvaltning(tmp_path)
    shown = run("summary", "--budgets", d, "--forvaltning", "NY")
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.endswith("Verksamhetens nettokostnader      19,7      20,0          0,3              –\n\n"
                                 "Anm.: Utfall 2023 är – för förvaltning NY, som inte finns i filen för 2023.\n"), \
        shown.stdout
    machine = run("summary", "--budgets", d, "--forvaltning", "NY", "-f", "csv")
    assert machine.stdout.splitlines()[1] == "drift,Verksamhetens nettokostnader,19.7,20.0,0.3,"
    assert "note: Utfall 2023 är – för förvaltning NY, som inte finns i filen för 2023." in machine.stderr
    # a förvaltning of both years has no such note
    assert "som inte finns i filen" not in run("summary", "--budgets", d, "--forvaltning", "KLF").stdout


LONG_NAME = "Samhällsbyggnadsochmiljöplaneringsstabensutvecklingsenhetförhållbarstadsutveckling"[:80]


def _with_long_name(tmp_path: Path) -> Path:
    """The example kommun with Samhällsbyggnadsstab named by a word of 80 letters, and a comment of a word of 40."""
    d = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "budgets", d)
    path = d / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    assert "namn: Samhällsbyggnadsstab\n" in text
    path.write_text(text.replace("namn: Samhällsbyggnadsstab\n", f"namn: {LONG_NAME}\n", 1).replace(
        "kostnaden avtar från november.", "kostnaden avtar från november: Konsultstödsomorganisationernasprojektet avslutas."),
        encoding="utf-8")
    return d


def test_a_name_of_80_letters_may_break_in_the_html_table(run, tmp_path):
    """A stab named by 80 letters without a space made its label cell as wide as the name: the stab table ran past a
    window of 1 200 px, its comments cut at the frame's edge (and squeezed to a few words a line on paper). A word
    longer than 40 letters may break every 25 (`<wbr>`, which copies as nothing); shorter words never do."""
    d = _with_long_name(tmp_path)
    out = tmp_path / "r.html"
    result = run("report", "--budgets", d, "-o", out)
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    pieces = [LONG_NAME[:25], LONG_NAME[25:50], LONG_NAME[50:]]
    assert f'<th scope="row">{"<wbr>".join(pieces)}</th>' in page
    assert page.count("<wbr>") == 2 * page.count(pieces[0] + "<wbr>") and page.count(pieces[0] + "<wbr>") >= 2
    # a word of 40 letters, the longest a cell keeps whole, and a stab's name, are not broken
    assert " Konsultstödsomorganisationernasprojektet avslutas." in page and "Kommunikationsstab</th>" in page


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_a_name_of_80_letters_keeps_the_tables_within_a_window_of_1200_px(run, tmp_path):
    """As above, measured in Chromium: 'Resultat januari–oktober 2024 per stab' took more than its 1 153 px."""
    d = _with_long_name(tmp_path)
    page = tmp_path / "r.html"
    assert run("report", "--budgets", d, "-o", page).exit_code == 0
    tables = _measured(page, 1200, tmp_path)
    assert "Resultat januari–oktober 2024 per stab, belopp i mnkr" in tables
    for caption, (taken, given) in tables.items():
        assert taken <= given, (caption, taken, given)


def test_a_date_in_a_cell_stays_on_one_line_in_html(run, tmp_path):
    """The Ombudgeteringar's Datum read '2024-06-' over '17' in a window of 1 200 px (a browser breaks after a
    hyphen); a date or a month in a cell is kept whole, as a header's month is, in the decision's text too."""
    out = tmp_path / "r.html"
    result = run("report", "--budgets", ROOT / "examples" / "budgets", "-o", out)
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert '<th scope="row">KS <span class="nw">2024-06-17</span> § 98 (påhittat)</th><td><span class="nw">2024-06-17' \
           '</span></td><td>KSF</td><td>Ledningsstab</td><td class="num">-1,5</td>' in page
    assert "span.nw { white-space: nowrap; }" in page


def test_a_name_of_80_letters_may_break_in_word_and_leaves_the_comments_their_width(run, tmp_path):
    """In Word the same name was measured as one word that must not break: its column took 12 cm of the landscape
    page and the comments beside it were squeezed to a few words a line (6 pages). It may break where the HTML does
    (a zero-width space every 25 letters), and the comments keep at least a quarter of the width."""
    docx = pytest.importorskip("docx")
    d = _with_long_name(tmp_path)
    out = tmp_path / "r.docx"
    assert run("report", "--budgets", d, "-o", out).exit_code == 0
    table = next(t for t in docx.Document(str(out)).tables if t.rows[0].cells[0].text == "Stab"
                 and t.rows[0].cells[-1].text == "Kommentar")
    labels = [r.cells[0].text for r in table.rows]
    assert "\u200b".join([LONG_NAME[:25], LONG_NAME[25:50], LONG_NAME[50:]]) in labels
    assert "Kommunikationsstab" in labels and "Summa nettokostnad" in labels  # (no shorter word is touched)
    widths = [c.width for c in table.columns]
    assert widths[-1] >= 0.25 * sum(widths) and widths[0] < widths[-1], [round(w / 360000, 2) for w in widths]
