"""The .xlsx workbook, read back with openpyxl: sheets, titles, headers, exact amounts, formats,
bold totals, frozen header, text that stays text, and Excel's sums equal to kfollow's Summa."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import polars as pl
import pytest

import kfollow
from conftest import BUDGETS, ROOT
from kfollow.options import ORE_PER_UNIT, Format, Options
from kfollow.render.columns import for_people
from kfollow.render.xlsx import sheet_names_for, to_xlsx
from kfollow.report import Kind

openpyxl = pytest.importorskip("openpyxl")

OPTS = Options()
HOSTILE = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def store():
    return kfollow.load(BUDGETS)


@pytest.fixture(scope="module")
def deviation(store):
    return kfollow.deviation(store, 2024)


def book(reports, opts=OPTS, sheet_names=None):
    return openpyxl.load_workbook(io.BytesIO(to_xlsx(reports, opts, sheet_names)))


def header_row(ws) -> int:
    """The 1-based row of the table's header: the first cell of the frozen pane is just below it."""
    return ws[ws.freeze_panes].row - 1


def table(ws, report, opts=OPTS):
    """{(frame row, column name): cell} of the report's people columns."""
    top = header_row(ws)
    columns = for_people(report, opts)
    return {(i, c.name): ws.cell(top + 1 + i, j + 1)
            for i in range(report.frame.height) for j, c in enumerate(columns)}


def in_unit(ore: int, unit: str) -> Decimal:
    return Decimal(ore) / ORE_PER_UNIT[unit]


def read(value) -> Decimal:
    """A number cell as the decimal Excel wrote (shortest repr of the double: exact for ≤ 15 digits)."""
    return Decimal(repr(value))


def test_one_sheet_per_report_named_after_its_title(store, deviation):
    reports = [deviation, kfollow.compare(store, 2023, 2024, by="verksamhet"),
               kfollow.months(kfollow.load(ROOT / "examples" / "budgets"), 2024)]
    wb = book(reports)
    assert wb.sheetnames == ["Resultat 2024 per stab", "Utfall 2023 och 2024", "Månad för månad 2024"]  # whole words
    assert all(len(n) <= 31 for n in wb.sheetnames)
    assert book(reports, sheet_names=["Drift", "Verksamhet", "Månad"]).sheetnames == ["Drift", "Verksamhet", "Månad"]
    with pytest.raises(ValueError):
        to_xlsx(reports, OPTS, ["bara ett namn"])


def test_sheet_names_are_valid_and_unique():
    names = sheet_names_for(["a/b:c", "A/B:C", "x" * 40, "", "[Resultat]?", "History", "'citat'"])
    assert names == ["a_b_c", "A_B_C (2)", "x" * 30 + "…", "Blad4", "_Resultat__", "History_", "citat"]
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    long_twice = sheet_names_for(["y" * 40, "y" * 40])
    assert long_twice[0] != long_twice[1] and all(len(n) <= 31 for n in long_twice)


def test_title_unit_period_sources_and_notes_above_the_table(deviation):
    report = replace(deviation, period="2024-08", sources=("budgets/2024.yaml", "utfall.csv"))
    ws = book(report).active
    assert ws["A1"].value == "Resultat 2024 per stab, belopp i mnkr" and ws["A1"].font.bold
    assert [ws.cell(r, 1).value for r in range(2, 6)] == ["Enhet: mnkr", "Period: 2024-08",
                                                          "Källor: budgets/2024.yaml; utfall.csv",  # (as a report says them)
                                                          f"Anm.: {deviation.notes[0]}"]
    assert header_row(ws) == 7  # after one empty row
    assert ws.max_row == header_row(ws) + report.frame.height  # nothing below the table


def test_headers_are_the_swedish_people_headers(deviation):
    ws = book(deviation, Options(comments=True)).active
    top = header_row(ws)
    headers = [ws.cell(top, j).value for j in range(1, ws.max_column + 1)]
    assert headers == ["Stab", "Budget", "Utfall", "Avvikelse", "Avvikelse %", "Andel av summa %", "Utfall 2023",
                       "Kommentar"]
    assert headers == [c.header for c in for_people(deviation, Options(comments=True))]
    assert all(ws.cell(top, j).font.bold for j in range(1, ws.max_column + 1))
    assert ws.freeze_panes == f"A{top + 1}"  # the header row (and what is above it) stays in view


@pytest.mark.parametrize("unit", ["mnkr", "tkr", "kr"])
def test_every_amount_is_a_number_exact_to_the_ore(store, unit):
    report = kfollow.deviation(store, 2024, unit=unit)
    cells = table(book(report).active, report)
    money = [c.name for c in for_people(report, OPTS) if c.kind is Kind.money]
    checked = 0
    for name in money:
        for i, ore in enumerate(report.frame[name].to_list()):
            cell = cells[i, name]
            if ore is None:
                assert cell.value is None
                continue
            assert cell.data_type == "n" and isinstance(cell.value, (int, float))
            assert read(cell.value) == in_unit(ore, unit), (unit, name, i)
            checked += 1
    assert checked > 40


def test_number_formats_follow_the_decimals(store, deviation):
    cells = table(book(deviation).active, deviation)
    assert cells[0, "budget"].number_format == "#,##0.0"
    assert cells[0, "avvikelse_pct"].number_format == "0.0"
    assert cells[0, "avvikelse_pct"].value == pytest.approx(10.748, abs=1e-3)  # percent, not a fraction
    two = table(book(deviation, Options(decimals=2)).active, deviation, Options(decimals=2))
    assert two[0, "utfall"].number_format == "#,##0.00"
    tkr = kfollow.deviation(store, 2024, unit="tkr")
    assert table(book(tkr).active, tkr)[0, "budget"].number_format == "#,##0"
    exact = table(book(deviation, Options(exact=True)).active, deviation)
    assert exact[0, "budget"].number_format == "#,##0.00000000"


def test_summa_and_delsumma_rows_are_bold_and_a_forvaltnings_name(deviation):
    """A total's row is bold; a förvaltning shown as one row (VSS) has its name in bold, as in every format
    (it was not bold in the workbook alone, found by a year-end user), and its figures plain."""
    cells = table(book(deviation).active, deviation)
    kinds = deviation.frame["radtyp"].to_list()
    label, *figures = [c.name for c in for_people(deviation, OPTS)]
    for i, kind in enumerate(kinds):
        assert bool(cells[i, label].font.bold) == (kind in ("summa", "delsumma", "forvaltning")), (i, kind)
        bold = {bool(cells[i, name].font.bold) for name in figures}
        assert bold == {kind in ("summa", "delsumma")}, (i, kind)
    assert "summa" in kinds and "delsumma" in kinds and "forvaltning" in kinds


def test_no_formulas_totals_are_kfollows_values(deviation):
    ws = book(deviation).active
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    (tbl,) = ws.tables.values()
    assert not tbl.totalsRowCount and not tbl.totalsRowShown


def test_sums_in_excel_equal_kfollows_summa_exactly(store):
    """The rows' cells, added up as Excel adds them, give the Summa cell: no rounding in between.

    The printed (rounded) rows do not add up (budget: 654,1 vs 654,0); the cells do."""
    report = kfollow.deviation(store, 2024, forvaltning=["KLF"])
    cells = table(book(report).active, report)
    kinds = report.frame["radtyp"].to_list()
    rows = [i for i, k in enumerate(kinds) if k in ("rad", "ej_fordelat")]
    (total,) = [i for i, k in enumerate(kinds) if k == "summa"]
    for name in ("budget", "utfall", "avvikelse", "utfall_2023"):
        summed = sum((read(cells[i, name].value) for i in rows if cells[i, name].value is not None), Decimal(0))
        assert summed == read(cells[total, name].value), name
        assert summed == in_unit(report.frame[name][total], "mnkr")
    rounded = sum(read(cells[i, "budget"].value).quantize(Decimal("0.1")) for i in rows
                  if cells[i, "budget"].value is not None)
    assert rounded != read(cells[total, "budget"].value).quantize(Decimal("0.1"))  # why exact values matter


def test_a_formula_in_a_name_stays_text_with_a_quote_prefix(deviation):
    frame = deviation.frame.with_columns(
        rubrik=pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(HOSTILE)).otherwise(pl.col("rubrik")),
        kommentar=pl.when(pl.int_range(pl.len()) == 1).then(pl.lit("@SUM(1)")).otherwise(pl.col("kommentar")))
    report = replace(deviation, frame=frame)
    cells = table(book(report, Options(comments=True)).active, report, Options(comments=True))
    assert cells[0, "rubrik"].value == HOSTILE
    assert cells[0, "rubrik"].data_type == "s" and cells[0, "rubrik"].quotePrefix
    assert cells[1, "kommentar"].data_type == "s" and cells[1, "kommentar"].quotePrefix
    assert not cells[2, "rubrik"].quotePrefix  # an ordinary name is written plainly


def test_formula_text_in_a_bold_row_is_bold_and_quoted(deviation):
    last = deviation.frame.height - 1
    frame = deviation.frame.with_columns(
        rubrik=pl.when(pl.int_range(pl.len()) == last).then(pl.lit("-Summa")).otherwise(pl.col("rubrik")))
    report = replace(deviation, frame=frame)
    cell = table(book(report).active, report)[last, "rubrik"]
    assert cell.value == "-Summa" and cell.quotePrefix and cell.font.bold


def test_control_characters_are_replaced(deviation):
    hostile = pl.lit("Kommun\x1b[31mstyrelsen\u202e")
    frame = deviation.frame.with_columns(
        rubrik=pl.when(pl.int_range(pl.len()) == 0).then(hostile).otherwise(pl.col("rubrik")))
    report = replace(deviation, frame=frame, title="Resultat\x07 2024")
    ws = book(report).active
    assert table(ws, report)[0, "rubrik"].value == "Kommun\ufffd[31mstyrelsen\ufffd"
    assert ws["A1"].value.startswith("Resultat\ufffd 2024")


def test_columns_are_wide_enough_for_the_labels(deviation):
    ws = book(deviation).active
    longest = max(len(s) for s in deviation.frame["rubrik"].to_list())
    assert ws.column_dimensions["A"].width >= longest
    assert 8 <= ws.column_dimensions["B"].width <= 20


def test_empty_report_writes_a_header(deviation):
    report = replace(deviation, frame=deviation.frame.clear())
    ws = book(report).active
    assert ws.cell(header_row(ws), 1).value == "Stab"


def test_same_reports_same_bytes(store, deviation):
    reports = [deviation, kfollow.investments(store, 2024), kfollow.summary(store, 2024)]
    first = to_xlsx(reports, Options(comments=True))
    assert first[:2] == b"PK" and first == to_xlsx(reports, Options(comments=True))
    wb = openpyxl.load_workbook(io.BytesIO(first))
    assert wb.properties.created.year == 1980 and len(wb.sheetnames) == 3


def test_check_in_a_workbook_has_its_title_and_no_unit_of_amounts(run, tmp_path):
    """The findings sheet was headed `Belopp i mnkr` / `Enhet: mnkr`: it has no amounts (found in review)."""
    out = tmp_path / "kontroll.xlsx"
    result = run("check", "--budgets", ROOT / "examples" / "budgets", "--period", "2024-10",
                 "--require-comment-over", "1%", "-o", out)
    assert result.exit_code == 1, result.stderr
    sheet = openpyxl.load_workbook(out).active
    top = [sheet.cell(r, 1).value for r in range(1, 4)]
    assert top[0] == "Kontroll av årsfilerna, 2024-10: fel och varningar"
    assert not any("mnkr" in str(v) for v in top) and top[1].startswith("Källor: ")


def test_a_percent_cell_holds_its_six_decimals_as_written(run, tmp_path):
    """Found by a script writer: a workbook's percent cell held `-4.071772999999999` (a float division),
    where the exact percent truncated to six decimals is -4,071773."""
    import zipfile

    out = tmp_path / "d.xlsx"
    assert run("deviation", "--budgets", ROOT / "examples" / "budgets", "--period", "2024-10", "-o", out).exit_code == 0
    sheet = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<v>-4.071773</v>" in sheet and "99999" not in sheet and "00001<" not in sheet


def test_a_documents_long_sources_line_wraps_in_its_width(run, tmp_path):
    """Found printing the report workbook: the document's sources were one cell of some 700 characters, and
    a sheet printed as wide as the page shrank to a quarter to fit it. They wrap in their column, on the sheet of
    the sources (h73: no longer above every table)."""
    out = tmp_path / "r.xlsx"
    assert run("report", "--budgets", ROOT / "examples" / "answered" / "budgets", "--period", "2024-10",
               "-o", out).exit_code == 0
    sheet = openpyxl.load_workbook(out).worksheets[-1]
    row = next(r for r in range(1, 10) if str(sheet.cell(r, 1).value).startswith("Källor: "))
    assert len(sheet.cell(row, 1).value) > 300
    # (the lines it takes across the column's width, each 15 points: not a count of lines, which moves with the
    # paths' length)
    width = sheet.column_dimensions["A"].width
    assert sheet.cell(row, 1).alignment.wrap_text and sheet.row_dimensions[row].height >= 30
    assert sheet.row_dimensions[row].height / 15 >= len(sheet.cell(row, 1).value) / width


def test_a_long_note_above_a_narrow_table_gets_the_lines_it_takes():
    """Found in review: above a table of one narrow column the note wrapped in the merged width but got the
    height of 60-character lines, and LibreOffice cut it off; a row is never taller than Excel's 409 pt."""
    import textwrap

    from kfollow.render.xlsx import to_xlsx

    report = kfollow.deviation(kfollow.load(BUDGETS), year=2024)
    note = "Lång anmärkning " * 25
    for text, most in ((note, None), (note * 200, 409)):
        data = to_xlsx(replace(report, notes=(text.strip(),)), Options(format=Format.xlsx, columns=("budget",)))
        sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
        row = next(r for r in range(1, 10) if str(sheet.cell(r, 1).value).startswith("Anm.: Lång"))
        width = int(sum(sheet.column_dimensions[c].width for c in ("A", "B")))  # (each set width + 0,71)
        lines = len(textwrap.wrap(sheet.cell(row, 1).value, width - 2))
        height = sheet.row_dimensions[row].height
        assert (408 <= height <= most) if most else height == 15 * lines, (width, lines, height)


@pytest.mark.parametrize("case", ["gross", "stab,kostnadsslag", "stab,konto"])
def test_an_indented_label_is_its_text_and_the_cell_format_indents_it(store, case):
    """Found by a year-end user: a varav line's cell held `'  varav kostnader'`, the indent typed as spaces,
    so a filter or a VLOOKUP on `varav kostnader` found nothing; a part of a two-key cut (`--by
    stab,kostnadsslag`) too. The cell holds the label alone, and its format indents it; the other
    formats keep their own indent."""
    if case == "gross":
        report = kfollow.deviation(store, 2024, gross=True)
    else:
        report = kfollow.deviation(kfollow.load(ROOT / "examples" / "sie" / "budgets"), period="2024-10", by=case)
    labels = report.frame["rubrik"].to_list()
    assert any(label.startswith("  ") for label in labels)  # (the text formats' indent, from the engine)
    cells = table(book(report).active, report)
    for i, label in enumerate(labels):
        cell = cells[i, "rubrik"]
        assert cell.value == label.lstrip(" "), (i, label)
        indented = label.startswith("  ")
        assert (cell.alignment.indent >= 1) == indented, (i, label, cell.alignment.indent)
        assert cell.alignment.horizontal == ("left" if indented else None)  # (an indent shows only so)
        if indented:  # (the rest of the row as any other: a part is neither bold nor a formula)
            assert not cell.font.bold and cell.data_type == "s"
