"""Documents for people say what the terminal, csv and json keep as machine text (found in review, h73): the months
in their cells, the period their footer states, the forecast's column as their notes name it."""

from __future__ import annotations

import io
import shutil

import openpyxl
import polars as pl

from conftest import ROOT

ANSWERED = ROOT / "examples" / "answered" / "budgets"


def test_a_documents_month_cells_are_said_in_words(run, tmp_path):
    """`Månad för månad` listed `2024-03` and `Prognos från` said `2024-08` under a title `Ekonomi januari–oktober
    2024`: the document says `mars` and `augusti` (the title gives the year), in every format; the terminal, csv and
    json keep the ISO month."""
    md = tmp_path / "r.md"
    assert run("report", "--budgets", ANSWERED, "--period", "2024-10", "-o", md).exit_code == 0
    text = md.read_text(encoding="utf-8")
    assert "| mars      |     14,0 |     13,9 |         0,1 |" in text
    assert "| oktober   |     14,0 |     14,3 |        -0,3 |" in text
    stab = next(line for line in text.splitlines() if line.startswith("| Samhällsbyggnadsstab "))
    assert "| augusti        |" in stab, stab
    ekonomi = next(line for line in text.splitlines() if line.startswith("| Ekonomistab "))
    assert "| oktober        |" in ekonomi, ekonomi
    assert "| **–**          |" in next(line for line in text.splitlines() if line.startswith("| **Summa KSF**"))
    # (no month cell: the budget changes' decision dates are dates, as typed, `2024-06-17`)
    assert not [line for line in text.split("\n---\n")[0].splitlines() if line.startswith("|") and "2024-" in line
                and not line.startswith("| KS 2024-06-17 § 98 (påhittat) | 2024-06-17 |")]

    book = tmp_path / "r.xlsx"
    assert run("report", "--budgets", ANSWERED, "--period", "2024-10", "-o", book).exit_code == 0
    wb = openpyxl.load_workbook(io.BytesIO(book.read_bytes()))
    months = [row[0] for row in wb["Månader"].iter_rows(values_only=True)]
    assert months[months.index("Månad") + 1:][:3] == ["januari", "februari", "mars"]
    rows = {row[0]: row for row in wb["Per stab"].iter_rows(values_only=True) if row[0]}
    header = rows["Stab"]
    assert rows["Samhällsbyggnadsstab"][header.index("Prognos från")] == "augusti"
    assert "Period: januari–oktober 2024" in [r[0] for r in wb["Per stab"].iter_rows(values_only=True)]

    html = tmp_path / "r.html"
    assert run("report", "--budgets", ANSWERED, "--period", "2024-10", "-o", html).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert '<th scope="row">mars</th>' in page and "<td>augusti</td>" in page and ">2024-03<" not in page

    # for scripts and the controller's terminal: as typed
    assert "2024-03" in run("months", "--budgets", ANSWERED, "--year", "2024").stdout
    assert ",2024-08," in run("deviation", "--budgets", ANSWERED, "--period", "2024-10", "-f", "csv").stdout
    assert '"prognos_period": "2024-08"' in run("deviation", "--budgets", ANSWERED, "--period", "2024-10",
                                                "-f", "json").stdout


def test_a_month_of_another_year_than_the_documents_says_its_year():
    from kfollow.render.columns import month_said

    frame = pl.DataFrame({"m": ["2023-12", "2024-03", None, "helår"]})
    assert frame.select(month_said("m", 2024))["m"].to_list() == ["december 2023", "mars", None, "helår"]


def test_a_report_of_an_earlier_month_says_its_own_period_under_the_sources(run, tmp_path):
    """`--period 2024-08` with utfall booked to October ended with 'Senast bokförda period: 2024-10', which reads as
    the report's period: it now says the report's period, then the later month its sources are booked to, in words."""
    sie = ROOT / "examples" / "sie" / "budgets"
    august, october = tmp_path / "aug.md", tmp_path / "okt.md"
    assert run("report", "--budgets", sie, "--period", "2024-08", "-o", august).exit_code == 0
    assert run("report", "--budgets", sie, "--period", "2024-10", "-o", october).exit_code == 0
    assert august.read_text(encoding="utf-8").endswith(
        "\nRapportens period: januari–augusti 2024; senast bokförda period i underlaget: oktober 2024  \n")
    assert october.read_text(encoding="utf-8").endswith("\nSenast bokförda period: oktober 2024  \n")
    closed = tmp_path / "2023.md"
    assert run("report", "--budgets", sie, "--year", "2023", "-o", closed).exit_code == 0
    assert closed.read_text(encoding="utf-8").endswith("\nSenast bokförda period: december 2023  \n")


def test_a_note_on_an_unknown_forecast_sum_names_the_column_as_the_document_heads_it(run, tmp_path):
    """A stab without a forecast: the document headed the column `Prognos i augusti` and its note said `Prognos är –
    på summaraderna …`, a column it has not; the note now names it as the table heads it (and so does the
    terminal's)."""
    d = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "budgets", d)
    year = d / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace(
        "        prognos:\n          2024-04: 22298.0\n          2024-08: 22196.0\n", "", 1), encoding="utf-8")
    out = tmp_path / "r.md"
    assert run("report", "--budgets", d, "--period", "2024-08", "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| Stab "))
    assert "|   Prognos i augusti |" in header, header
    # (said once, shortly, under the first table: h83)
    assert "Anm.: Prognos i augusti är – för Ledningsstab (KSF), som saknar prognos, och för summorna den ingår i." \
        in text
    assert "Prognos är –" not in text
    # the terminal names it as its header does too (h83: it kept `Prognos är –` beside `Prognos 2024-08`)
    assert "Anm.: Prognos 2024-08 är – på summaraderna där en rad saknar prognos: Ledningsstab;" in run(
        "deviation", "--budgets", d, "--period", "2024-08").stdout


def test_a_workbooks_sources_are_its_last_sheet_as_the_other_formats_end_with_them(run, tmp_path):
    """The workbook of a report listed the sources (paths, git revisions, the SIE #GEN) among the notes above each
    table, where the other formats end with a small note `Underlag för granskning`: they are now its last sheet,
    every line of the footer once, and no table's sheet names them."""
    sie = ROOT / "examples" / "sie" / "budgets"
    book, md = tmp_path / "r.xlsx", tmp_path / "r.md"
    assert run("report", "--budgets", sie, "--period", "2024-08", "-o", book).exit_code == 0
    assert run("report", "--budgets", sie, "--period", "2024-08", "-o", md).exit_code == 0
    ending = md.read_text(encoding="utf-8").split("\n---\n")[1]
    footer = [line.removesuffix("  ") for line in ending.strip().splitlines()]
    assert footer[0] == "*Underlag för granskning:*"
    wb = openpyxl.load_workbook(io.BytesIO(book.read_bytes()))
    assert wb.sheetnames == ["Per förvaltning", "Per stab", "Ombudgeteringar", "Per kostnadsslag", "Största avvikelser",
                             "Jämförelse", "Prognosförändring", "Månader", "Underlag för granskning"]
    sources = [row[0] for row in wb["Underlag för granskning"].iter_rows(values_only=True)]
    assert sources == ["Underlag för granskning", *footer[1:]]
    assert sources[-1] == "Rapportens period: januari–augusti 2024; senast bokförda period i underlaget: oktober 2024"
    assert any("#GEN 2024-11-05" in line for line in sources) and any("(git " in line for line in sources)
    for ws in wb.worksheets[:-1]:
        above = [row[0] for row in ws.iter_rows(max_row=12, values_only=True) if row[0]]
        assert not [v for v in above if v.startswith(("Källor", "Utfall importerat", "Budget importerad",
                                                       "Senast bokförda", "Rapportens period"))], ws.title
