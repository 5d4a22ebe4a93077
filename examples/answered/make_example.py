"""Make the example month with forms answered: October 2024 of Exempelby (invented), as the chefs answered it.

    python examples/answered/make_example.py          # rewrites examples/answered/ (budgets, forms, answers, status)
    python examples/answered/make_example.py OUT      # the same into the folder OUT

What it does, as the controller and the chefs would:

1. copies `examples/sie/budgets` (the year files, the utfall per konto from the SIE export) to `budgets/`;
2. `kfollow forms --period 2024-10 --unit tkr --require-comment-over 1% --deadline 2024-11-08 -o forms/2024-10`;
3. fills the forms as the chefs do in Excel (with openpyxl: type into the yellow cells, save) into
   `answers/2024-10`: a forecast as a number, as Swedish text (`16 380,5`), a long comment with
   line breaks, a kostnadsslag row with its forecast left empty. Samhällsbyggnadsstaben has not answered;
4. `kfollow collect answers/2024-10/*.xlsx`, which writes `budgets/svar/2024-10.yaml` (with
   SOURCE_DATE_EPOCH set, so the time it states is fixed);
5. `kfollow status …` into `status-2024-10.txt`: what is still missing (it exits 1: SAM has no forecast).

Every file it writes is the same, byte for byte, every run (the answered workbooks are saved with a
fixed time); tests/test_forms_example.py checks that the files in the repository are up to date.

README's picture of a form, docs/formular.png, is HR-stab's answered form rendered by LibreOffice:

    soffice --headless --convert-to pdf "answers/2024-10/2024-10 HR HR-stab.xlsx"
    pdftoppm -r 70 -png -f 1 -l 1 -x 38 -y 40 -W 742 -H 342 -singlefile "2024-10 HR HR-stab.pdf" formular
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "sie" / "budgets"
PERIOD = "2024-10"
LIMIT = "1%"
DEADLINE = "2024-11-08"
READ_AT = "1730885400"  # 2024-11-06 09:30 UTC: when the controller collected the answers
SAVED_AT = (2024, 11, 5, 16, 0, 0)  # when the chefs saved their workbooks (zip entries, core properties)

# key → (Prognos helår, Kommentar, {kostnadsslag: (prognos, kommentar)}), in tkr as the forms ask.
# LED, EKO, DIG and SERV have their October comments in the year file already: they give a forecast only.
ANSWERS = {
    "LED": (22050, None, {}),
    "EKO": ("16 380,5", None, {}),
    "HR": (21250.4, "Vikarier under sjukskrivningar i löneenheten, januari–maj.\n"
                    "Rekryteringen av en HR-specialist klar i september; kostnaden för annonser och\n"
                    "bemanningsföretag (ca 150 tkr) faller inte ut igen.\n\n"
                    "Prognosen förutsätter inga fler långa vakanser i år.",
           {"Personalkostnader": ("13 300", "Vikarier januari–maj."),
            "Övriga verksamhetskostnader": (None, "Annonser och bemanningsföretag; prognos som budget.")}),
    "KOM": ("9 480", "Tryck av kommuninformationen dyrare än avtalat; nytt avtal från januari.", {}),
    "DIG": (36400, None, {}),
    "FRI": ("45 500", None, {}),
    "SERV": (-1750, None, {}),
    # SAM: not answered yet
}


def kfollow(out: Path, *args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run kfollow in `out` with relative paths, so that nothing it writes names the folder."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KFOLLOW_")}
    result = subprocess.run([sys.executable, "-m", "kfollow", *args, "--budgets", "budgets"], cwd=out,
                            capture_output=True, text=True, env={**environ, **(env or {})})
    if check and result.returncode != 0:
        raise SystemExit(f"kfollow {' '.join(args)}: exit {result.returncode}\n{result.stderr}")
    return result


def fill(form: Path, out: Path, prognos, kommentar, delar: dict) -> None:
    """Type into the input cells right of their labels, as a person finds them (tests/form_filler.py
    does the same), and save with a fixed time."""
    import datetime

    import openpyxl

    book = openpyxl.load_workbook(form)
    rows = list(book["Formulär"].iter_rows())
    for row in rows:
        if row[0].value == "Prognos helår" and prognos is not None:
            row[1].value = prognos
        if row[0].value == "Kommentar" and kommentar is not None:
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
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl stamps the core properties and the zip entries with the time of saving: fix both
    at = datetime.datetime(*SAVED_AT).isoformat() + "Z"
    with zipfile.ZipFile(buffer) as read, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as write:
        for info in read.infolist():
            data = read.read(info)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                start = text.index("<dcterms:modified")
                end = text.index("</dcterms:modified>", start)
                head = text[start:text.index(">", start) + 1]
                data = (text[:start] + head + at + text[end:]).encode("utf-8")
            write.writestr(zipfile.ZipInfo(info.filename, date_time=SAVED_AT), data,
                           compress_type=zipfile.ZIP_DEFLATED)


def make(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in ("budgets", "forms", "answers"):
        shutil.rmtree(out / name, ignore_errors=True)
    shutil.copytree(SOURCE, out / "budgets", ignore=shutil.ignore_patterns("svar", ".*"))
    forms = Path("forms") / PERIOD
    (out / "forms").mkdir()
    kfollow(out, "forms", "--period", PERIOD, "--unit", "tkr", "--require-comment-over", LIMIT,
            "--deadline", DEADLINE, "-o", str(forms))
    answers = out / "answers" / PERIOD
    answers.mkdir(parents=True)
    for form in sorted((out / forms).glob("*.xlsx")):
        key = form.name.split(" ")[1]
        if key in ANSWERS:
            fill(form, answers / form.name, *ANSWERS[key])
    kfollow(out, "collect", *sorted(str(p.relative_to(out)) for p in answers.glob("*.xlsx")),
            env={"SOURCE_DATE_EPOCH": READ_AT})
    status = kfollow(out, "status", "--period", PERIOD, "--unit", "tkr", "--require-comment-over", LIMIT,
                     "--forms", str(forms), check=False)
    if status.returncode != 1:
        raise SystemExit(f"kfollow status: exit {status.returncode}, expected 1 (SAM has not answered)\n"
                         f"{status.stderr}")
    (out / f"status-{PERIOD}.txt").write_text(status.stdout + status.stderr, encoding="utf-8")


if __name__ == "__main__":
    make(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE)
