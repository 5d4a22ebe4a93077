"""Rounding, notes and Word labels seen again (session 40, h162): one rounding rule for tables, notes and messages;
notes whose amounts follow the table's `--decimals` and `--exact`; a sum's label in Word on one line."""
from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from kfollow.options import half_away, in_unit
from kfollow.render.numbers import money
from tests.conftest import ROOT

PACKAGE = ROOT / "kfollow"


def _rounding_calls(path: Path) -> list[str]:
    """Where a module rounds by a rule of its own: Decimal's `quantize` or a `ROUND_` mode, or the built-in `round`
    of a number (not of a layout's size in Word, twips and half-points, nor a chart's tick compared within 1e-9)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr == "quantize":
            found.append(f"{path.name}:{node.lineno} quantize")
        elif isinstance(node, (ast.Name, ast.alias)) and (getattr(node, "id", None) or node.name).startswith("ROUND_"):
            found.append(f"{path.name}:{node.lineno} ROUND_")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "round":
            found.append(f"{path.name}:{node.lineno} round")
    return found


def test_one_rule_rounds_for_tables_notes_and_messages():
    """The rule (half away from zero) had two homes, `options.in_unit` for notes and `render.numbers` for tables, and
    the engine's indicators and thresholds, the charts' ticks, the forms' answers and the ledger's messages each
    quantized on their own: one home now, `options.half_away`, outside render (the engine rounds its notes by it)."""
    found = [f for p in sorted(PACKAGE.rglob("*.py")) if p.name != "options.py" for f in _rounding_calls(p)]
    # (Word's twips and half-points of a layout, a chart's test of whether a tick is whole: not amounts shown)
    allowed = {"docx.py round", "charts.py round"}
    assert [f for f in found if f"{f.split(':')[0]} {f.split()[-1]}" not in allowed] == []
    # and the rule is the tables': every öre of a range of halves and near-halves, both signs, in every unit
    for ore in [*range(-1500, 1501, 25), 49_999, 50_000, -50_000, 149_999_999, 150_000_000, -250_000_000, 12_345_678]:
        for unit, places in (("kr", 0), ("tkr", 0), ("tkr", 2), ("mnkr", 1), ("mnkr", 3)):
            table = money(ore, unit, places).replace("\u00a0", " ")
            note = in_unit(ore, unit, places=places).removesuffix(f" {unit}")
            if half_away(Decimal(ore) / {"kr": 100, "tkr": 100_000, "mnkr": 100_000_000}[unit], places) != 0:
                assert note == table, (ore, unit, places)


EXAMPLES = ROOT / "examples" / "budgets"
CHANGE = "(KS 2024-06-17 § 98 (påhittat))"


def test_a_notes_amounts_follow_the_tables_decimals(run):
    """`deviation --period 7 --decimals 2`: the table's figures had two decimals and its notes on the budget change
    since the forecast one (`Ledningsstab 1,7 mnkr (budget helår 24,0 mnkr)` above a Avvikelse prognos of -0,20):
    the notes say their amounts as the table does, `--decimals` or not, in the unit asked for."""
    two = run("deviation", "--budgets", EXAMPLES, "--period", "7", "--against", "prognos:2024-04", "--decimals", "2")
    assert two.exit_code == 0, two.stderr
    assert (f"Anm.: Avvikelse prognos mäter prognosen 2024-04 mot budget helår efter budgetändringar beslutade efter den "
            f"{CHANGE}: Ledningsstab -1,50 mnkr, Digitaliseringsstab +1,50 mnkr. Mot budgeten när prognosen gjordes var "
            "avvikelsen Ledningsstab 1,70 mnkr (budget helår 24,00 mnkr), Digitaliseringsstab -3,31 mnkr (budget helår "
            "32,00 mnkr).") in two.stdout
    assert (f"Anm.: Förändring avvikelse räknar med budgetändringar beslutade efter prognosen 2024-04 {CHANGE}: "
            "Ledningsstab -1,50 mnkr, Digitaliseringsstab +1,50 mnkr.") in two.stdout
    led = next(line for line in two.stdout.splitlines() if line.startswith("Ledningsstab"))
    assert "22,50" in led  # (the table: two decimals of mnkr)
    tkr = run("deviation", "--budgets", EXAMPLES, "--period", "7", "--unit", "tkr", "--decimals", "1", "--format", "md")
    assert ("Ledningsstab -1 500,0 tkr, Digitaliseringsstab +1 500,0 tkr. Mot budgeten när prognosen gjordes var "
            "avvikelsen Ledningsstab 1 702,0 tkr (budget helår 24 000,0 tkr), Digitaliseringsstab -3 309,0 tkr (budget "
            "helår 32 000,0 tkr).") in tkr.stdout
    # by default as before: the unit's decimals
    assert ("Mot budgeten när prognosen gjordes var avvikelsen Ledningsstab 1,7 mnkr (budget helår 24,0 mnkr), "
            "Digitaliseringsstab -3,3 mnkr (budget helår 32,0 mnkr).") in run("deviation", "--budgets", EXAMPLES,
                                                                              "--period", "7").stdout


def test_a_notes_amounts_in_a_document_follow_its_decimals(run, tmp_path):
    """`report --period 7 --decimals 2 -o r.docx` (and .html): the note under the stab table, worded for the nämnd
    (`prognosen i april 2024`), says its amounts with the document's two decimals."""
    docx = pytest.importorskip("docx")
    want = ("Avvikelse prognos mäter prognosen i april 2024 mot budget helår efter budgetändringar beslutade efter den "
            f"{CHANGE}: Ledningsstab -1,50 mnkr, Digitaliseringsstab +1,50 mnkr. Mot budgeten när prognosen gjordes "
            "var avvikelsen Ledningsstab 1,70 mnkr (budget helår 24,00 mnkr), Digitaliseringsstab -3,31 mnkr (budget "
            "helår 32,00 mnkr).")
    out = tmp_path / "r.docx"
    result = run("report", "--budgets", EXAMPLES, "--period", "7", "--decimals", "2", "-o", out)
    assert result.exit_code == 0, result.stderr
    said = [p.text.replace("\u00a0", " ") for p in docx.Document(str(out)).paragraphs]
    assert any(want in p for p in said), [p for p in said if "mäter prognosen" in p]
    html = tmp_path / "r.html"
    assert run("report", "--budgets", EXAMPLES, "--period", "7", "--decimals", "2", "-o", html).exit_code == 0
    assert want in html.read_text(encoding="utf-8").replace("\u00a0", " ")


def test_a_notes_amounts_with_exact_are_to_the_ore():
    """`--exact` (csv, excel, json: every öre) says a note's amounts exactly too, where a note is written beside
    such a table (`notes_shown`, as the command's stderr takes them): 1,702 mnkr, not 1,7."""
    import kfollow
    from kfollow.options import Format, Options
    from kfollow.render.columns import for_machines
    from kfollow.report import notes_shown

    report = kfollow.deviation(kfollow.load(EXAMPLES), 2024, period="2024-07")
    opts = Options(Format.csv, exact=True)
    said = [n for n in notes_shown(report.notes, for_machines(report, opts), exact=True) if "mäter prognosen" in n]
    assert said == [f"Avvikelse prognos mäter prognosen 2024-04 mot budget helår efter budgetändringar beslutade efter "
                    f"den {CHANGE}: Ledningsstab -1,5 mnkr, Digitaliseringsstab +1,5 mnkr. Mot budgeten när prognosen "
                    "gjordes var avvikelsen Ledningsstab 1,702 mnkr (budget helår 24 mnkr), Digitaliseringsstab "
                    "-3,309 mnkr (budget helår 32 mnkr)."]


def _label_room(table, label: str) -> tuple[float, float, float]:
    """A Word table's room for `label` in its first column and the width the label needs (twips, as `docx._fit`
    measures it), and the table's font size."""
    from kfollow.render.docx import _ems

    cell = next(r.cells[0] for r in table.rows if r.cells[0].text == label)
    runs = cell.paragraphs[0].runs
    size = runs[0].font.size.pt
    margin = int(table._tbl.tblPr.xpath("./w:tblCellMar/w:left/@w:w")[0]) * 2  # twips, both sides
    return table.columns[0].width / 635 - margin, _ems(label, any(r.font.bold for r in runs)) * size * 20, size


@pytest.mark.parametrize("budgets, args, label, size", [
    (ROOT / "budgets", (), "Summa färdigställda projekt", 7.5),  # (3,25 cm at 8 pt: three lines)
    (EXAMPLES, (), "Summa ombudgeteringar", 7.5),  # (3,23 cm at 8 pt: two)
    (EXAMPLES, (), "Serviceförvaltningen (internt prissatt)", 7.0),  # (the stab table: 3,87 cm at 8 pt)
    (ROOT / "examples" / "answered" / "budgets", ("--period", "2024-10", "--unit", "tkr"),
     "Serviceförvaltningen (internt prissatt)", 7.0),  # (the stab table: 3,44 cm at 7 pt)
])
def test_a_label_has_the_width_it_needs_in_word(run, tmp_path, budgets, args, label, size):
    """`report -o r.docx`: the projects' `Summa färdigställda projekt` wrapped to three lines in a label column of
    3,25 cm (HTML and the PDF print it on one), the example's `Summa ombudgeteringar` and, in the stab table with
    comments, `Serviceförvaltningen (internt prissatt)` to two. The label column is as wide as its longest label
    needs where the page allows, at the table's font or, where that puts every label on one line, a smaller one (the
    comments keep their quarter of the page)."""
    docx = pytest.importorskip("docx")
    out = tmp_path / "r.docx"
    result = run("report", "--budgets", budgets, *args, "-o", out)
    assert result.exit_code == 0, result.stderr
    tables = [t for t in docx.Document(str(out)).tables if any(r.cells[0].text == label for r in t.rows)
              and (label.startswith("Summa") or "Kommentar" in [c.text for c in t.rows[0].cells])]  # (the stab table)
    room, need, shown = _label_room(tables[0], label)
    # (the grid is whole twips rounded down, the margins rounded: a twip or two; `_ems` leaves 2 % for the glyphs)
    assert room + 2 >= need and shown == size, (round(room / 567, 2), round(need / 567, 2), shown)
