"""`kfollow report` (HTML, Markdown, xlsx) and `kfollow chart`: what people see, checked as data,
and the HTML report printed by a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import BUDGETS, ROOT
from kfollow.errors import ExitStatus

EXAMPLES = ROOT / "examples" / "budgets"
CHARTS = ROOT / "examples" / "charts"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def html_report(tmp_path_factory) -> str:
    from typer.testing import CliRunner

    from kfollow.cli import app

    out = tmp_path_factory.mktemp("report") / "rapport.html"
    result = CliRunner().invoke(app, ["report", "--budgets", str(BUDGETS), "--year", "2024", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return out.read_text(encoding="utf-8")


def test_html_is_self_contained_and_accessible(html_report):
    assert html_report.startswith("<!DOCTYPE html>\n<html lang=\"sv\">")
    assert "Content-Security-Policy\" content=\"default-src 'none'" in html_report
    assert not re.search(r"(src|href)=\"(https?:)?//", html_report)  # nothing from outside
    assert html_report.count("<caption>") == html_report.count("<table>") >= 5
    assert '<th scope="col">' in html_report and '<th scope="row">' in html_report
    assert html_report.count("<svg") >= 2 and "<title>" in html_report and "<desc>" in html_report


def test_html_holds_the_published_figures(html_report):
    """The seed's "Resultat 2024" rows, and the verksamhetsberättelse's comments per stab."""
    text = re.sub(r"<[^>]+>", " ", html_report).replace(NBSP, " ")
    for figures in ("Ekonomistaben 34,8 25,7 9,1", "Summa KLF 654,0 632,1 21,9", "270 - Räddningstjänst"):
        assert re.search(r"\s+".join(map(re.escape, figures.split())), text), figures
    assert "Källor: budgets/2023.yaml" in text or "budgets/2024.yaml" in text


def test_markdown_report_links_its_charts(run, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "rapport.md"
    result = run("report", "--budgets", EXAMPLES, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+\.svg)\)", text)
    assert links and all((tmp_path / name).is_file() for name in links)
    assert "| Ekonomistab" in text and "Senast bokförda period: oktober 2024" in text


def test_xlsx_report_has_a_sheet_per_table(run, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "rapport.xlsx"
    assert run("report", "--budgets", BUDGETS, "--year", "2024", "-o", out).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert len(book.sheetnames) >= 5
    assert any(str(ws["A1"].value).startswith("Resultat 2024 per stab") for ws in book.worksheets)


def test_report_refuses_other_extensions_and_budget_files(run, tmp_path, budgets_copy):
    assert run("report", "--budgets", BUDGETS, "-o", tmp_path / "r.odt").exit_code == ExitStatus.USAGE
    before = (budgets_copy / "2024.yaml").read_bytes()
    result = run("report", "--budgets", budgets_copy, "-o", budgets_copy / "2024.yaml")
    assert result.exit_code == ExitStatus.USAGE and (budgets_copy / "2024.yaml").read_bytes() == before


@pytest.mark.parametrize("suffix", [".html", ".md", ".docx"])
def test_report_without_matplotlib_leaves_the_charts_out(run, tmp_path, monkeypatch, suffix):
    """And the heading of a section that is a chart alone goes with it (found trying the tool)."""
    import sys

    if suffix == ".docx":
        pytest.importorskip("docx")
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out = tmp_path / f"rapport{suffix}"
    result = run("report", "--budgets", EXAMPLES, "--period", "2024-10", "-o", out)
    assert result.exit_code == 0 and "kfollow[charts]" in result.stderr
    if suffix == ".docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    else:
        text = out.read_text(encoding="utf-8")
    assert "<svg" not in text and ".svg" not in text
    assert "Avvikelse per stab" not in text  # the chart alone: its table is another section
    assert "Resultat per förvaltning" in text


def test_an_xlsx_report_without_matplotlib_says_nothing_of_charts(run, tmp_path, monkeypatch):
    """An xlsx report has no charts with the charts extra either (README: "without charts"), yet without it the
    report said `note: charts left out: they need matplotlib (pip install 'kfollow[charts]' …)`: an advice to
    install what would add nothing (found trying the month-end close with the wheel, h146)."""
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out = tmp_path / "rapport.xlsx"
    result = run("report", "--budgets", EXAMPLES, "--period", "2024-10", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"note: wrote {out}\n"


@pytest.mark.parametrize("kind, args", [("verksamhet", ("--year", "2024")), ("avvikelse", ("--year", "2024")),
                                        ("manader", ("--budgets", str(EXAMPLES), "--year", "2024"))])
def test_charts_are_svg_text_and_the_same_every_run(run, tmp_path, kind, args):
    pytest.importorskip("matplotlib")
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    for out in (first, second):
        result = run("chart", kind, *args, *(() if "--budgets" in args else ("--budgets", BUDGETS)), "-o", out)
        assert result.exit_code == 0, result.stderr
    assert first.read_bytes() == second.read_bytes()
    svg = ET.fromstring(first.read_bytes())
    texts = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "mnkr" in texts


def test_the_readme_charts_are_what_kfollow_draws(run, tmp_path):
    """examples/charts/ (shown in README) are regenerated and compared when the installed
    matplotlib made them; another version may lay text out differently."""
    matplotlib = pytest.importorskip("matplotlib")
    made_with = (CHARTS / "made-with-matplotlib.txt").read_text(encoding="utf-8").strip()
    if matplotlib.__version__ != made_with:
        pytest.skip(f"the charts were made with matplotlib {made_with}, this is {matplotlib.__version__}")
    for name, args in (("verksamhet-2024.svg", ("verksamhet", "--budgets", BUDGETS, "--year", "2024")),
                       ("avvikelse-2024.svg", ("avvikelse", "--budgets", BUDGETS, "--year", "2024")),
                       ("manader-exempelby-2024.svg", ("manader", "--budgets", EXAMPLES, "--year", "2024"))):
        assert run("chart", *args, "-o", tmp_path / name).exit_code == 0
        assert (tmp_path / name).read_bytes() == (CHARTS / name).read_bytes(), name


def test_chart_needs_svg_or_png(run, tmp_path):
    result = run("chart", "avvikelse", "--budgets", BUDGETS, "-o", tmp_path / "x.jpg")
    assert result.exit_code == ExitStatus.USAGE and ".svg or .png" in result.stderr


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium here (Debian's chromium package)")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext here (Debian's poppler-utils)")
def test_a_real_browser_prints_the_report_with_its_figures(html_report, tmp_path):
    page, pdf = tmp_path / "rapport.html", tmp_path / "rapport.pdf"
    page.write_text(html_report, encoding="utf-8")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, timeout=120, check=False)
    assert pdf.is_file() and pdf.stat().st_size > 10_000
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = text.replace(NBSP, " ")
    for figures in ("Ekonomistaben", "34,8", "25,7", "654,0", "632,1", "21,9", "Räddningstjänst"):
        assert figures in text, figures
    # no page ends with a table's header and no row under it (found by a new user: "Utfall 2024 jämfört med
    # 2023", its caption and header at the foot of a page, the rows on the next)
    header = re.compile(r"^\s*(Stab|Verksamhet|Projekt|Förvaltning|Namn|Indikator)\s{2,}.*(Budget|Utfall)")
    for number, page in enumerate(text.split("\f"), start=1):
        lines = [line for line in page.splitlines() if line.strip() and not line.strip().startswith("Sida ")]
        last = max((i for i, line in enumerate(lines) if header.match(line)), default=None)
        if last is not None:
            assert any(re.search(r"\d,\d", line) for line in lines[last + 1:]), (number, lines[last:])


NOTE = "I Summa nettokostnad ingår förvaltningar som redovisas som resultat"


def test_the_note_on_a_mixed_total_stands_under_every_table_it_applies_to(html_report, run, tmp_path):
    """The note of every Summa nettokostnad of resultat and nettokostnad rows stands under each such table
    (found laying out the report: once, under the first, a reader of page 4 saw 125,2 and -7,9 make a
    total of 133,1 without a word); figures in the tables have the hyphen-minus a spreadsheet reads as a
    number."""
    tables = html_report.count("<table>")
    assert 1 < html_report.count(NOTE) < tables
    first_table_end = html_report.index("</table>", html_report.index("Resultat 2024 per stab, belopp i mnkr"))
    assert html_report.index(NOTE) > first_table_end
    assert html_report.index(NOTE) < html_report.index("<h2>", first_table_end)
    numbers = re.findall(r'<td class="num">([^<]*)</td>', html_report)
    assert "-9,8" in numbers and not any("\u2212" in n for n in numbers)
    out = tmp_path / "rapport.md"
    assert run("report", "--budgets", BUDGETS, "--year", "2024", "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count(NOTE) == html_report.count(NOTE) and text.index(NOTE) < text.index("## Avvikelse per stab")
    compared = text.split("## Utfall 2024 jämfört med 2023", 1)[1].split("\n## ", 1)[0]
    assert NOTE in compared  # (Summa KLF 125,2 and VSS -7,9 make 133,1)


def test_the_sources_are_the_year_files_and_tables_not_the_imports_notes(run, tmp_path):
    """The footer listed `utfall-2024.csv.kalla.json` beside the table it describes (found trying the
    tool); the note goes with its table, whose origin the footer states."""
    out = tmp_path / "r.md"
    assert run("report", "--budgets", ROOT / "examples" / "sie" / "budgets", "--period", "2024-10", "-o", out).exit_code == 0
    sources = next(line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("Källor:"))
    assert "utfall-2024.csv" in sources and "budget-2024.csv" in sources and ".kalla.json" not in sources
    table = run("deviation", "--budgets", ROOT / "examples" / "sie" / "budgets", "-o", tmp_path / "d.xlsx")
    assert table.exit_code == 0
    import openpyxl

    cells = [c.value for row in openpyxl.load_workbook(tmp_path / "d.xlsx").active.iter_rows() for c in row if c.value]
    assert not any(".kalla.json" in str(c) for c in cells)


def test_the_sources_are_the_years_the_document_shows(run, tmp_path):
    """A report of 2025 named 2023's files among its sources, where it shows 2025 and 2024 (found by a controller
    opening 2025, h130): the years the document shows, this year and the one before (and every earlier year where
    the indicators show them)."""
    budgets = tmp_path / "budgets"
    shutil.copytree(EXAMPLES, budgets)
    older = (budgets / "2023.yaml").read_text(encoding="utf-8")
    assert older.startswith("ar: 2023\n") or "\nar: 2023\n" in older
    (budgets / "2022.yaml").write_text(older.replace("ar: 2023", "ar: 2022").replace("2023-", "2022-"), encoding="utf-8")
    out = tmp_path / "r.md"
    result = run("report", "--budgets", budgets, "--year", "2024", "-o", out)
    assert result.exit_code == 0, result.stderr
    sources = next(line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("Källor:"))
    assert re.sub(r" \(sha256 [0-9a-f]{16}\)", "", sources.strip()) == "Källor: budgets/2023.yaml; budgets/2024.yaml", sources
    with_indicators = run("report", "--budgets", BUDGETS, "--year", "2024", "-o", tmp_path / "b.md")
    assert with_indicators.exit_code == 0
    text = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert "Nämndindikatorer" in text and "budgets/2023.yaml" in text


def test_a_month_in_an_html_header_stays_on_one_line(run, tmp_path):
    """`Prognos 2024-10` broke after its hyphen in a narrow header cell (found trying the tool). The document says
    kfollow's own forecast header in words (`Prognos i augusti`); a year file's own header keeps the month added to it,
    which stays on one line."""
    budgets = tmp_path / "b"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", budgets)
    out = tmp_path / "r.html"
    assert run("report", "--budgets", budgets, "--period", "2024-10", "-o", out).exit_code == 0
    assert ">Prognos i augusti</th>" in out.read_text(encoding="utf-8")
    year = budgets / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace("forvaltningar:", "rubriker:\n  prognos: Helårsprognos\n"
                                                             "forvaltningar:", 1), encoding="utf-8")
    assert run("report", "--budgets", budgets, "--period", "2024-10", "-o", out).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert 'Helårsprognos <span class="nw">2024-08</span></th>' in page and "span.nw { white-space: nowrap; }" in page


def test_the_report_shows_the_comments_per_kostnadsslag_on_their_parts(run, tmp_path):
    """HR's "Vikarier januari–maj." showed with `deviation --by stab,kostnadsslag --comments` and in no
    report (found trying the tool); the stabs' own comments stay in the stab table."""
    out = tmp_path / "r.md"
    assert run("report", "--budgets", ROOT / "examples" / "answered" / "budgets", "--period", "2024-10",
               "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    section = text[text.index("## Resultat per stab och kostnadsslag"):text.index("## Största avvikelser")]
    part = next(line for line in section.splitlines() if "Personalkostnader" in line and "Vikarier" in line)
    assert "Vikarier januari–maj." in part
    assert "Vikarier under sjukskrivningar" not in section  # HR's own comment: in the stab table


def test_a_year_nobody_commented_has_no_empty_comment_column(run, tmp_path):
    """The stab section is "med kommentarer" with a Kommentar column where a row has a comment; the SIE
    example's 2023 has none, and once showed an empty column under that heading (HTML and Markdown alike).
    A filtered report whose rows' comments are left out keeps the note that says why; its column, empty in
    every row, went too (found by a new user)."""
    sie = ROOT / "examples" / "sie" / "budgets"
    run("report", "--budgets", sie, "--year", "2023", "-o", tmp_path / "r.md")
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "## Resultat per stab\n" in text and "med kommentarer" not in text and "| Kommentar" not in text
    run("report", "--budgets", sie, "--year", "2023", "-o", tmp_path / "r.html")
    assert '<th scope="col">Kommentar</th>' not in (tmp_path / "r.html").read_text(encoding="utf-8")
    run("report", "--budgets", ROOT / "budgets", "--year", "2024", "-o", tmp_path / "b.md")
    bundled = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert "## Resultat per stab, med kommentarer" in bundled and "| Kommentar" in bundled
    run("report", "--budgets", sie, "--period", "2024-10", "--kostnadsslag", "personal", "-o", tmp_path / "f.md")
    filtered = " ".join((tmp_path / "f.md").read_text(encoding="utf-8").split())
    assert "## Resultat per stab Resultat" in filtered and "Anm.: Radernas kommentarer gäller hela raden" in filtered
    assert "| Kommentar" not in filtered


def test_a_report_for_a_month_of_a_year_given_for_the_whole_year_leaves_out_the_months(run, tmp_path):
    """Found by a new user: `report --period 2024-12` of a year whose utfall is for the whole year
    stopped (exit 2) at the month-by-month section, so December's collected answers reached no
    report; a section the data cannot give is left out."""
    out = tmp_path / "r.md"
    result = run("report", "--budgets", BUDGETS, "--period", "2024-12", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "## Resultat per stab" in text and "Månad för månad" not in text
    assert run("report", "--budgets", BUDGETS, "--period", "2024-06", "-o", tmp_path / "r2.md").exit_code == 2


def test_the_year_of_a_year_given_for_the_whole_year_shows_decembers_answers(run, tmp_path):
    """Found by a new user: a year whose utfall is given for the whole year, answered for 2024-12,
    showed December's comments in `report --period 2024-12` but not in `report --year 2024`, nor in
    `deviation --year 2024`: the year's close is December's answers."""
    from form_filler import fill

    budgets = tmp_path / "budgets"
    shutil.copytree(BUDGETS, budgets)
    assert run("forms", "--budgets", budgets, "--period", "2024-12", "-o", tmp_path / "forms").exit_code == 0
    form = next((tmp_path / "forms").glob("2024-12 EKS *.xlsx"))
    answered = fill(form, tmp_path / "eks.xlsx", prognos=25.7, kommentar="Decemberkommentar: lägre personalkostnader.")
    assert run("collect", "--budgets", budgets, answered).exit_code == 0
    for args in (["--year", "2024"], ["--period", "2024-12"]):
        out = tmp_path / f"r{len(args[1])}.md"
        result = run("report", "--budgets", budgets, *args, "-o", out)
        assert result.exit_code == 0, result.stderr
        assert "Decemberkommentar: lägre personalkostnader." in out.read_text(encoding="utf-8"), args
    result = run("deviation", "--budgets", budgets, "--year", "2024", "--comments", "--format", "csv")
    assert "Decemberkommentar" in result.stdout


def test_a_year_without_budget_has_no_deviation_chart_nor_columns_of_dashes(run, tmp_path):
    """Found by a new user: `report --year 2023` of the bundled budgets (2023 has its utfall alone) drew a
    deviation chart without bars and tables whose Budget, Avvikelse and Avvikelse % were – in every row;
    `chart avvikelse --year 2023` wrote that empty chart (exit 0)."""
    out = tmp_path / "r.md"
    result = run("report", "--budgets", BUDGETS, "--year", "2023", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "## Avvikelse per stab" not in text and "| Budget" not in text and "Avvikelse %" not in text
    assert text.count("Anm.: 2023 har ingen budget i årsfilerna: tabellerna visar utfallet.") == 1
    assert "|   Utfall |" in text.replace("| Utfall   |", "|   Utfall |")
    chart = run("chart", "avvikelse", "--budgets", BUDGETS, "--year", "2023", "-o", tmp_path / "a.png")
    assert chart.exit_code == 2 and "no row has a deviation to draw" in chart.stderr
    assert not (tmp_path / "a.png").exists()


def test_a_report_workbook_has_no_comment_column_empty_in_every_row(run, tmp_path):
    """Found by a new user: the sheet "Största avvikelser" had a Kommentar column with every cell empty;
    the workbook keeps a table's comments where a row has one."""
    import openpyxl

    out = tmp_path / "r.xlsx"
    assert run("report", "--budgets", ROOT / "examples" / "sie" / "budgets", "--period", "2024-10", "-o", out).exit_code == 0
    book = openpyxl.load_workbook(out)
    with_comments = {ws.title for ws in book.worksheets
                     if any(r and "Kommentar" in r for r in ws.iter_rows(values_only=True))}
    assert "Största avvikelser" in book.sheetnames and "Största avvikelser" not in with_comments
    assert "Per stab" in with_comments


def test_a_long_text_column_in_a_workbook_wraps(run, tmp_path):
    """Found by a new user: `changes -o x.xlsx` cut each decision's wording (Beslut, 60 characters wide)
    at the next column, and the Text column ran off the printed page."""
    import openpyxl

    out = tmp_path / "changes.xlsx"
    assert run("changes", "--budgets", BUDGETS, "--year", "2024", "-o", out).exit_code == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    rows = list(sheet.iter_rows())
    header = next(r for r in rows if any(c.value == "Beslut" for c in r))
    col = next(c.column for c in header if c.value == "Beslut")
    cells = [r[col - 1] for r in rows[header[0].row:] if isinstance(r[col - 1].value, str) and len(r[col - 1].value) > 60]
    assert cells and all(c.alignment.wrap_text for c in cells)


def test_a_month_of_a_year_without_budget_has_no_budget_columns_nor_list_of_deviations(run, tmp_path):
    """Found in review: a report of a month whose year has facts and no budget kept Budget ack.,
    Avvikelse ack. and Avvikelse ack. % (– in every row) in "Månad för månad", an empty table of the
    largest deviations, and notes that the budget is per stab (it is nowhere) and that `--by stab --top`
    would list the deviations (there are none)."""
    folder = tmp_path / "b"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", folder)
    year = folder / "2024.yaml"
    year.write_text("".join(line for line in year.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith("budget_fil")), encoding="utf-8")
    out = tmp_path / "r.md"
    result = run("report", "--budgets", folder, "--period", "2024-10", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "Budget ack." not in text and "Avvikelse ack." not in text and "| Utfall ack. |" in text.replace("|   Utfall ack. |", "| Utfall ack. |")
    assert "Största avvikelser" not in text and "är skriven i årsfilen, inte per konto" not in text
    cut = run("deviation", "--budgets", folder, "--period", "2024-10", "--by", "kostnadsslag")
    assert "Anm.: KSF, SERV har ingen budget 2024: budget och avvikelse visas som –." in cut.stdout
    assert "är skriven i årsfilen, inte per konto" not in cut.stdout
    top = run("deviation", "--budgets", folder, "--period", "2024-10", "--by", "stab", "--top", "5")
    assert top.exit_code == 0 and "Ingen avvikelse att lista: 2024 har ingen budget för raderna." in top.stdout
    assert "(inga rader)" in top.stdout and "Avvikelse %" not in top.stdout  # no header over nothing
    listed = run("deviation", "--budgets", folder, "--period", "2024-10", "--top", "5", "--format", "csv")
    assert listed.stdout.splitlines() == [listed.stdout.splitlines()[0]] and ",avvikelse," in listed.stdout  # the columns
    assert "--top 5 listar" not in top.stdout


def test_a_stabs_own_report_names_the_stab_in_its_title(run, tmp_path):
    """Found by an economist: `report --stab EKO` was titled as the whole förvaltning's report."""
    out = tmp_path / "eko.md"
    result = run("report", "--budgets", ROOT / "examples" / "sie" / "budgets", "--period", "2024-08", "--stab", "EKO",
                 "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").splitlines()[0] == \
        "# Ekonomi januari–augusti 2024, Exempelby kommun (påhittad), Kommunstyrelsen, Kommunstyrelseförvaltningen, " \
        "Ekonomistab"
    # (found reviewing it: the bundled organisation ends with the stab Kommunstyrelsen's name, then said once; after
    # its förvaltning's name it is said again, else KS's report looked the whole's: found by a new user)
    assert run("report", "--budgets", BUDGETS, "--year", "2024", "--stab", "KS", "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines()[0] == \
        "# Ekonomi 2024, Linköpings kommun, Kommunstyrelsen, Kommunledningsförvaltningen, Kommunstyrelsen"


WHOLE = "Ekonomi 2024, Linköpings kommun, Kommunstyrelsen"  # the bundled year's report of every förvaltning


@pytest.mark.parametrize("chosen, title", [
    ({}, WHOLE),
    ({"forvaltning": ["VSS"]}, f"{WHOLE}, Verksamhetsstöd och service"),
    ({"forvaltning": ["VSS", "KLF"]}, f"{WHOLE}, Kommunledningsförvaltningen, Verksamhetsstöd och service"),
    ({"staber": ["EKS"]}, f"{WHOLE}, Kommunledningsförvaltningen, Ekonomistaben"),
    ({"staber": ["KS"]}, f"{WHOLE}, Kommunledningsförvaltningen, Kommunstyrelsen"),
    ({"verksamheter": ["340"]}, f"{WHOLE}, Kommunledningsförvaltningen, Idrotts- och fritidsanläggningar"),
], ids=["whole", "VSS", "VSS-and-KLF", "stab-EKS", "stab-KS", "verksamhet-340"])
def test_a_report_of_a_part_names_the_part_in_its_title(chosen, title):
    """`report --forvaltning VSS` was titled as the whole report (`Ekonomi 2024, Linköpings kommun, Kommunstyrelsen`),
    and `--stab EKS` named the stab without its förvaltning (found by a new user)."""
    from kfollow.engine.document import economy
    from kfollow.sources.year_file import load_budgets

    assert economy(load_budgets(BUDGETS), 2024, **chosen).title == title


def test_a_forvaltnings_own_report_has_its_title_in_every_format(run, tmp_path):
    """The title the engine gives is the one each format writes (found by a new user: VSS's report as the whole's)."""
    import docx

    title = f"{WHOLE}, Verksamhetsstöd och service"
    for kind in ("md", "html", "docx"):
        out = tmp_path / f"vss.{kind}"
        result = run("report", "--budgets", BUDGETS, "--year", "2024", "--forvaltning", "VSS", "-o", out)
        assert result.exit_code == 0, result.stderr
        if kind == "md":
            assert out.read_text(encoding="utf-8").splitlines()[0] == f"# {title}"
        elif kind == "html":
            page = out.read_text(encoding="utf-8")
            assert f"<title>{title}</title>" in page and f"<h1>{title}</h1>" in page
            assert f'@top-left {{ content: "{title}"' in page  # the running header of a print and the PDF
        else:
            assert docx.Document(str(out)).paragraphs[0].text == title


def test_a_report_workbook_has_the_comment_columns_the_document_has(run, tmp_path):
    """Found by an economist: the workbook had a Kommentar column on "Per verksamhet" and "Prognos"
    (VSS's comment) that the HTML, Markdown and Word reports of the same tables do not have."""
    import openpyxl

    out, page = tmp_path / "r.xlsx", tmp_path / "r.md"
    assert run("report", "--budgets", BUDGETS, "--year", "2024", "-o", out).exit_code == 0
    assert run("report", "--budgets", BUDGETS, "--year", "2024", "-o", page).exit_code == 0
    book = openpyxl.load_workbook(out)
    with_comments = {ws.title for ws in book.worksheets
                     if any(r and "Kommentar" in r for r in ws.iter_rows(values_only=True))}
    text = page.read_text(encoding="utf-8")
    tables = [part.split("\n", 1)[0] for part in text.split("\n## ")[1:] if "| Kommentar" in part]
    assert with_comments == {"Per stab", "Investeringar"}, with_comments
    assert tables == ["Resultat per stab, med kommentarer", "Investeringar"], tables


def test_a_report_of_rows_the_year_does_not_have_says_so(run, tmp_path):
    """Found while fixing a review's finding: `report --verksamhet 920` of a year without verksamhet rows said
    "use it with --by verksamhet", an option `report` does not have (the error of a command it runs)."""
    out = tmp_path / "r.md"
    result = run("report", "--budgets", ROOT / "examples" / "budgets", "--period", "2024-08", "--verksamhet", "920",
                 "-o", out)
    assert result.exit_code == 2 and "--by" not in result.stderr
    assert "no verksamhet 920 in " in result.stderr and "it has no verksamhet rows" in result.stderr
    assert not out.exists()
    stab = run("report", "--budgets", ROOT / "examples" / "budgets", "--period", "2024-08", "--stab", "XYZ", "-o", out)
    assert stab.exit_code == 2 and "no stab XYZ in " in stab.stderr and "stab rows there: DIG, EKO" in stab.stderr


def test_markdown_keeps_a_parts_indent_and_bolds_the_totals_a_viewer_would_lose(run, tmp_path):
    """Found laying out the report: a Markdown viewer drops a cell's leading spaces, so the kostnadsslag
    rows under a stab read as rows of their own (to be added again), and no total was bold."""
    out = tmp_path / "r.md"
    assert run("report", "--budgets", ROOT / "examples" / "answered" / "budgets", "--period", "2024-10",
               "-o", out).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("| **Ledningsstab** ") for line in lines)  # a stab shown with its parts below
    assert any(line.startswith("| &nbsp;&nbsp;Intäkter ") for line in lines)
    assert any(line.startswith("| **Summa KSF** ") for line in lines)
    assert not any(line.startswith("|   ") for line in lines)


def test_a_narrow_tables_caption_is_not_wrapped_to_its_width(run, tmp_path):
    """Found in the HTML report: "Ekonomi 2023, VSS, belopp i / mnkr" broke to the width of a table of two
    columns; a caption is as wide as its text (at most the page's)."""
    out = tmp_path / "r.html"
    assert run("report", "--year", "2023", "-o", out).exit_code == 0
    assert "caption { text-align: left; font-weight: bold; padding: 0.25rem 0; width: max-content; " \
           "max-width: calc(100vw - 2rem); }" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_the_sources_line_escapes_a_control_character_of_the_folder_name(run, tmp_path, suffix):
    """The footer's `Källor:` names the files by the path typed: an escape sequence in a folder's name was
    copied raw into the document (found in review); it is shown escaped, as messages show it."""
    folder = tmp_path / "esc\x1b[31m"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", folder)
    out = tmp_path / f"report{suffix}"
    result = run("report", "--budgets", folder, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "\x1b" not in text and "x1b" in text and "Källor:" in text


def test_a_report_of_a_year_without_budget_says_so_once_and_not_of_columns_left_out(run, tmp_path):
    """The year's tables without their budget columns carried the views' "har ingen budget …: budget och avvikelse
    visas som –" beside the report's own note, in two orders (found in review): the report's note alone."""
    out = tmp_path / "r.md"
    result = run("report", "--year", "2023", "--budgets", BUDGETS, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.count("2023 har ingen budget i årsfilerna") == 1
    assert "visas som –" not in text


def _with_2023_export(tmp_path, kind: str, export: str):
    """The SIE example's budgets, the note of its 2023 `kind` table (utfall or budget) naming `export`."""
    import json

    folder = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", folder)
    note = folder / f"{kind}-2023.csv.kalla.json"
    data = json.loads(note.read_text(encoding="utf-8"))
    data["export"] = export
    note.write_text(json.dumps(data), encoding="utf-8")
    return folder


def test_the_footer_names_the_export_of_the_year_before_whose_utfall_is_shown(run, tmp_path):
    """The report shows Utfall 2023 beside 2024, and its footer named 2024's export alone (found in review)."""
    folder = _with_2023_export(tmp_path, "utfall", "huvudbok-2023.se")
    out = tmp_path / "r.md"
    assert run("report", "--budgets", folder, "-o", out).exit_code == 0
    line = next(x for x in out.read_text(encoding="utf-8").splitlines() if x.startswith("Utfall importerat från"))
    assert "exempelby.se (" in line and "huvudbok-2023.se (" in line


def test_the_footer_names_the_budget_exports_of_the_years_the_indicators_show(run, tmp_path):
    """The indicators show 2023's avvikelse budget–utfall, and the footer named 2024's budget export alone
    (found by a new user)."""
    folder = _with_2023_export(tmp_path, "budget", "budget-2023.se")
    out = tmp_path / "r.md"
    assert run("report", "--budgets", folder, "-o", out).exit_code == 0
    line = next(x for x in out.read_text(encoding="utf-8").splitlines() if x.startswith("Budget importerad från"))
    assert "budget-2023.se (" not in line  # no indicators: 2023's budget is shown nowhere
    year = folder / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8") + "indikatorer:\n  avvikelse_budget: {mal: 2, riktning: lagre}\n",
                    encoding="utf-8")
    assert run("report", "--budgets", folder, "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("Budget importerad från"))
    assert "Nämndindikatorer" in text and "budget-2023.se (" in line and "exempelby.se (" in line


def test_a_report_of_a_year_with_budget_changes_and_no_budget_says_what_to_write(run, tmp_path):
    """The note that the rows have budget changes but no budget to change was left out with the budget's
    columns, and its advice with it (found in review)."""
    folder = tmp_path / "b"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", folder)
    year = folder / "2024.yaml"
    year.write_text("".join(line for line in year.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith("budget_fil")), encoding="utf-8")  # (its budget changes stay)
    out = tmp_path / "r.md"
    result = run("report", "--budgets", folder, "--period", "2024-10", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert ("2024 har ingen budget i årsfilerna: tabellerna visar utfallet. Årsfilerna har budgetändringar men ingen "
            "budget att ändra: skriv radernas budget (0 om de inte har någon).") in out.read_text(encoding="utf-8")


def test_a_report_says_on_stderr_what_its_sections_commands_warn_of(run, tmp_path):
    """A forecast typed in tkr on an mnkr form went into the document, 988 times its budget, with nothing on
    stderr, where `deviation`, `status` and `check` warn of it (found by a new user)."""
    folder = tmp_path / "b"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", folder)
    year = folder / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace("2024-08: 22196.0", "2024-08: 22196000.0", 1),
                    encoding="utf-8")
    warned = [line for line in run("deviation", "--budgets", folder, "--period", "2024-10").stderr.splitlines()
              if line.startswith("warning:") and "forecast 2024-08" in line]
    assert len(warned) == 1, warned
    result = run("report", "--budgets", folder, "--period", "2024-10", "-o", tmp_path / "r.html")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count(warned[0]) == 1, result.stderr  # (once, though several sections say it)


def test_a_table_of_an_earlier_month_does_not_warn_of_a_later_forecast(run, tmp_path):
    """`deviation --period 2024-07` warned of the 2024-08 forecast, which the July table does not use (found by a
    new user)."""
    folder = tmp_path / "b"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", folder)
    year = folder / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace("2024-08: 22196.0", "2024-08: 22196000.0", 1),
                    encoding="utf-8")
    assert "forecast 2024-08" in run("deviation", "--budgets", folder, "--period", "2024-08").stderr
    assert "forecast 2024-08" not in run("deviation", "--budgets", folder, "--period", "2024-07").stderr


def _bold_labels_md(text: str) -> list[list[tuple[str, bool]]]:
    """Each Markdown table's rows as (label, whether it is bold)."""
    tables, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|:") and i and lines[i - 1].startswith("| "):
            rows = []
            for row in lines[i + 1:]:
                if not row.startswith("| "):
                    break
                label = row.split(" | ")[0].removeprefix("| ").strip()
                bold = label.startswith("**") and label.endswith("**")
                rows.append((label.strip("*").replace("&nbsp;", ""), bold))
            tables.append(rows)
    return tables


def _bold_labels_html(page: str) -> list[list[tuple[str, bool]]]:
    """Each HTML table's rows as (label, whether the page's style makes the row's header cell bold)."""
    import html

    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    bold = {s.strip() for rule in re.findall(r"([^{}]*)\{ font-weight: bold; \}", style) for s in rule.split(",")}
    tables = []
    for body in re.findall(r"<tbody>\n(.*?)\n</tbody>", page, re.S):
        rows = []
        for kind, label in re.findall(r'<tr(?: class="([^"]*)")?><th scope="row"[^>]*>(.*?)</th>', body):
            # (the label's text: a date kept on one line is in a <span>, a long word's breaks are <wbr>)
            rows.append((html.unescape(re.sub(r"<[^>]+>", "", label)), f"tr.{kind} th" in bold))
        tables.append(rows)
    return tables


def _bold_labels_xlsx(path) -> list[list[tuple[str, bool]]]:
    """Each sheet's table rows as (label, whether its cell's font is bold)."""
    openpyxl = pytest.importorskip("openpyxl")
    tables = []
    for ws in openpyxl.load_workbook(path).worksheets:
        if ws.title == "Underlag för granskning":  # (the document's sources, the last sheet: no table)
            continue
        rows, row = [], ws[ws.freeze_panes].row
        while ws.cell(row, 1).value is not None:
            cell = ws.cell(row, 1)
            rows.append((cell.value.strip(), bool(cell.font.bold)))
            row += 1
        tables.append(rows)
    return tables


def _bold_labels_docx(path) -> list[list[tuple[str, bool]]]:
    """Each Word table's rows as (label, whether every run of it is bold)."""
    docx = pytest.importorskip("docx", reason="python-docx (a dependency of kfollow) is not installed")
    return [[(r.cells[0].text, all(run.bold for p in r.cells[0].paragraphs for run in p.runs if run.text))
             for r in t.rows[1:]] for t in docx.Document(str(path)).tables]


@pytest.mark.parametrize("args", [("--budgets", BUDGETS, "--year", "2024"),
                                  ("--budgets", ROOT / "examples" / "answered" / "budgets", "--period", "2024-10")])
def test_the_same_rows_are_bold_in_every_format(run, tmp_path, args):
    """Found by a year-end user: in `kfollow report --year 2024` the VSS row (a förvaltning shown as one row)
    was bold in HTML, Markdown and Word, and not in the workbook. Every format bolds the same rows' labels,
    and a förvaltning's among them."""
    from kfollow.engine.document import economy
    from kfollow.sources.year_file import load_budgets
    from kfollow.vocabulary import RowKind

    shown = {}
    for suffix in ("html", "md", "xlsx", "docx"):
        out = tmp_path / f"r.{suffix}"
        result = run("report", *args, "-o", out)
        assert result.exit_code == 0, result.stderr
        shown[suffix] = out
    tables = {"html": _bold_labels_html(shown["html"].read_text(encoding="utf-8")),
              "md": _bold_labels_md(shown["md"].read_text(encoding="utf-8")),
              "xlsx": _bold_labels_xlsx(shown["xlsx"]), "docx": _bold_labels_docx(shown["docx"])}
    assert tables["html"], "the report has tables"
    for fmt in ("md", "xlsx", "docx"):
        assert tables[fmt] == tables["html"], fmt
    store = load_budgets(args[1])
    doc = economy(store, int(args[3][:4]), args[3] if args[2] == "--period" else None)
    forvaltningar = [(label.strip(), table) for table, s in enumerate(s for s in doc.sections if s.table)
                     for label, kind in zip(s.report.frame["rubrik"].to_list() if "rubrik" in s.report.frame.columns
                                            else [], s.report.kinds()) if kind is RowKind.forvaltning]
    assert forvaltningar  # (the bundled 2024 report has VSS so)
    for label, table in forvaltningar:
        assert (label, True) in tables["xlsx"][table], label


def test_the_workbook_and_the_word_file_carry_the_documents_title(run, tmp_path):
    """The workbook's title property was its first table's caption ("Ekonomi 2024, KLF, …") and the Word
    file's was empty (found by a new user): both are the document's title, a part's named."""
    import docx
    import openpyxl

    title = "Ekonomi 2024, Linköpings kommun, Kommunstyrelsen, Verksamhetsstöd och service"
    for suffix in ("xlsx", "docx"):
        result = run("report", "--year", "2024", "--forvaltning", "VSS", "-o", tmp_path / f"r.{suffix}")
        assert result.exit_code == 0, result.stderr
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").properties.title == title
    assert docx.Document(str(tmp_path / "r.docx")).core_properties.title == title


def test_a_tertial_report_leaves_out_the_comparison_where_last_year_is_given_whole(run, tmp_path):
    """Found by an investment controller: with last year's utfall given for the whole year only, a report of
    2024-08 had a section "Utfall 2024 jämfört med 2023" whose every 2023 and change cell was –."""
    d = _last_year_given_whole(tmp_path)
    assert "2023-05:" not in (d / "2023.yaml").read_text(encoding="utf-8").split("ombudgeteringar")[0]
    report = run("report", "--budgets", d, "--period", "2024-08", "-o", tmp_path / "r.md")
    assert report.exit_code == 0, report.stderr
    written = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "jämfört med 2023" not in written and "## Månad för månad" in written
    # nor a column of – in the other tables: left out, with a note the nämnd reads (found in review)
    assert "Utfall 2023 |" not in written and "Utfall 2023 ack. |" not in written \
        and "Utfall 2023 ack. visas inte: filen för 2023 har utfallet för helåret" in written
    assert "utfall_2023" in run("deviation", "--budgets", d, "--period", "2024-08", "-f", "csv").stdout.splitlines()[0]
    # asked for by --columns, it is shown, and its note says why it is – (not that it is left out)
    asked = run("deviation", "--budgets", d, "--period", "2024-08", "--columns", "namn,utfall,utfall_2023").stdout
    assert "Utfall 2023 ack. är –: filen för 2023 har utfallet för helåret" in asked and "visas inte" not in asked
    full = run("report", "--budgets", ROOT / "examples" / "budgets", "--period", "2024-08", "-o", tmp_path / "f.md")
    assert full.exit_code == 0 and "## Utfall 2024 jämfört med 2023" in (tmp_path / "f.md").read_text(encoding="utf-8")


def _last_year_given_whole(tmp_path):
    """The example budgets with 2023's utfall given for the whole year only (as in the test above)."""
    d = tmp_path / "b"
    shutil.copytree(ROOT / "examples" / "budgets", d)
    earlier = d / "2023.yaml"

    def whole(match: re.Match) -> str:
        block = match.group(0)
        if "kostnader" in block:
            k, i = (sum(float(v) for v in re.findall(rf"{part}: (-?[0-9.]+)", block)) for part in ("kostnader", "intakter"))
            return f"{match.group(1)}utfall: {{kostnader: {k:.1f}, intakter: {i:.1f}}}\n"
        total = sum(float(v) for v in re.findall(r"2023-[0-9]{2}: (-?[0-9.]+)", block))
        return f"{match.group(1)}utfall: {total:.1f}\n"

    earlier.write_text(re.sub(r"( +)utfall:\n(?:\1  2023-[0-9]{2}: (?:-?[0-9.]+|\{[^}]*\})\n)+", whole,
                              earlier.read_text(encoding="utf-8")), encoding="utf-8")
    return d


@pytest.mark.parametrize("columns, said, unsaid", [
    ((), "Utfall 2023 ack. visas inte", "Utfall 2023 ack. är –"),
    (("--columns", "namn,utfall,utfall_2023"), "Utfall 2023 ack. är –", "Utfall 2023 ack. visas inte"),
])
def test_a_single_table_in_word_says_the_notes_of_its_columns_shown(run, tmp_path, columns, said, unsaid):
    """Found in review (h58): `deviation -o x.docx` put every note of the report under its table, those on columns
    not shown too: in a tertial where last year is given whole, both 'Utfall 2023 visas inte' and 'Utfall 2023 är
    –', one contradicting the other, whether or not --columns asked for the column."""
    docx = pytest.importorskip("docx", reason="python-docx (a dependency of kfollow) is not installed")
    d = _last_year_given_whole(tmp_path)
    out = tmp_path / "d.docx"
    result = run("deviation", "--budgets", d, "--period", "2024-08", *columns, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert said in text and unsaid not in text, text


@pytest.mark.parametrize("suffix", ["md", "xlsx", "docx", None])
def test_a_column_left_out_by_columns_gets_no_note_that_it_is_left_out(run, tmp_path, suffix):
    """Found in review (h58): with --columns not naming utfall_2023 (the user chose the columns), the tertial's
    table still said 'Utfall 2023 visas inte: filen för 2023 har utfallet för helåret', a note on a column nobody
    asked for, giving a reason it is not shown that is not the reason."""
    d = _last_year_given_whole(tmp_path)
    args = ("deviation", "--budgets", d, "--period", "2024-08", "--columns", "namn,utfall,avvikelse")
    if suffix is None:
        text = run(*args).stdout
    else:
        out = tmp_path / f"d.{suffix}"
        result = run(*args, "-o", out)
        assert result.exit_code == 0, result.stderr
        if suffix == "md":
            text = out.read_text(encoding="utf-8")
        elif suffix == "xlsx":
            import openpyxl

            text = "\n".join(str(v) for ws in openpyxl.load_workbook(out) for row in ws.iter_rows(values_only=True)
                             for v in row if v is not None)
        else:
            docx = pytest.importorskip("docx", reason="python-docx (a dependency of kfollow) is not installed")
            document = docx.Document(str(out))
            text = "\n".join([p.text for p in document.paragraphs] + [c.text for c in document.tables[0].rows[0].cells])
    assert "Avvikelse" in text and "Utfall 2023" not in text, text


def test_the_sources_of_a_report_run_from_the_root_folder_are_named_by_their_budgets_folder(run, tmp_path,
                                                                                            budgets_copy, monkeypatch):
    """Found in review, h119: run from / (as cron or a service runs it), the footer named the year files relative to /,
    `Källor: tmp/pytest-…/budgets/2023.yaml`, an absolute path without its first `/`, where the same report run from
    the folder above `budgets` names `budgets/2023.yaml`; outside the working folder's tree a file is named by its
    budgets folder, from / as from anywhere else."""
    reports = {}
    for where in (tmp_path, Path("/")):
        monkeypatch.chdir(where)
        out = tmp_path / f"r{len(reports)}.md"
        assert run("report", "--budgets", str(budgets_copy), "--year", "2024", "-o", str(out)).exit_code == 0
        reports[str(where)] = next(line for line in out.read_text(encoding="utf-8").splitlines()
                                   if line.startswith("Källor:"))
    assert reports["/"] == reports[str(tmp_path)]
    assert re.sub(r" \(sha256 [0-9a-f]{16}\)", "", reports["/"]) == "Källor: budgets/2023.yaml; budgets/2024.yaml  "


def test_a_year_file_changed_after_the_report_is_known_by_the_sources_fingerprint(run, tmp_path, monkeypatch):
    """An auditor holding a report made outside git could not tell whether the year file she was given was the one
    it was made of: a stab's budget changed afterwards left the same `Källor:` (found by an auditor, h135). Outside
    git (and beside changes not checked in) each source is named with the first 16 hex digits of its SHA-256."""
    import hashlib

    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    budgets = tmp_path / "budgets"
    shutil.copytree(EXAMPLES, budgets)
    monkeypatch.chdir(tmp_path)

    def sources() -> str:
        assert run("report", "--budgets", "budgets", "--period", "2024-10", "-o", "r.md").exit_code == 0
        return next(line for line in Path("r.md").read_text(encoding="utf-8").splitlines() if line.startswith("Källor:"))

    year = budgets / "2024.yaml"
    before = sources()
    assert f"budgets/2024.yaml (sha256 {hashlib.sha256(year.read_bytes()).hexdigest()[:16]})" in before
    text = year.read_text(encoding="utf-8")
    assert "        budget: 18500.0\n" in text  # Ekonomistab, tkr
    year.write_text(text.replace("        budget: 18500.0\n", "        budget: 19500.0\n", 1), encoding="utf-8")
    after = sources()
    assert after != before
    assert f"budgets/2024.yaml (sha256 {hashlib.sha256(year.read_bytes()).hexdigest()[:16]})" in after
