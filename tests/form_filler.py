"""Fill a kfollow form as a chef would, with openpyxl: type into the yellow cells and save.

Used by the tests. The input cells are found by their labels, as a person finds them.
"""

from __future__ import annotations

from pathlib import Path


def fill(form: Path, out: Path, prognos=None, kommentar=None, delar: dict | None = None) -> Path:
    """Type `prognos` (a number, or text such as "1 234,5") right of "Prognos helår", `kommentar`
    right of "Kommentar", and per kostnadsslag name (`delar`: name → (prognos, kommentar)) into its row."""
    import openpyxl

    book = openpyxl.load_workbook(form)
    sheet = book["Formulär"]
    rows = list(sheet.iter_rows())
    for row in rows:
        label = row[0].value
        if label == "Prognos helår" and prognos is not None:
            row[1].value = prognos
        if label == "Kommentar" and kommentar is not None:
            row[1].value = kommentar
    if delar:
        header = next(r for r in rows if r[0].value == "Kostnadsslag")
        columns = {c.value: c.column - 1 for c in header if c.value}
        for row in rows:
            if row[0].value in delar:
                p, k = delar[row[0].value]
                if p is not None:
                    row[columns["Prognos helår"]].value = p
                if k is not None:
                    row[columns["Kommentar"]].value = k
    book.save(out)
    return out
