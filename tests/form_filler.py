"""Fill a kfollow form as a chef would, with openpyxl: type into the yellow cells and save.

Used by the tests. The input cells are found by their labels, as a person finds them.
"""

from __future__ import annotations

from pathlib import Path


def fill(form: Path, out: Path, prognos=None, kommentar=None, delar: dict | None = None,
         saved: str | None = None) -> Path:
    """Type `prognos` (a number, or text such as "1 234,5") right of "Prognos helår", `kommentar`
    right of "Kommentar", and per kostnadsslag name (`delar`: name → (prognos, kommentar)) into its row.
    `saved` ("2024-11-05T16:00:00Z") is the time the workbook says it was saved, as Excel writes it;
    "" leaves no time in it; None keeps the time of saving."""
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
    if saved is not None:
        saved_at(out, saved)
    return out


def saved_at(path: Path, moment: str) -> None:
    """Set the time a workbook says it was last saved (`dcterms:modified` of its core properties), or
    take it out (`moment` "")."""
    import re
    import zipfile

    entries = {}
    with zipfile.ZipFile(path) as book:
        for info in book.infolist():
            entries[info.filename] = book.read(info)
    core = entries["docProps/core.xml"].decode("utf-8")
    stamp = re.compile(r"<dcterms:modified[^>]*>[^<]*</dcterms:modified>")
    if moment:
        core = stamp.sub(lambda m: m.group(0)[:m.group(0).index(">") + 1] + moment + "</dcterms:modified>", core)
    else:
        core = stamp.sub("", core)
    entries["docProps/core.xml"] = core.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in entries.items():
            book.writestr(name, data)
