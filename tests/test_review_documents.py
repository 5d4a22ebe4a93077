"""What politicians and revisorer see (HTML, Word, xlsx, charts), found in review (h102): the sources a
document names, the sections --top asks for, and the period in words in documents and charts."""

from __future__ import annotations

import re
import shutil

import openpyxl
import pytest

from conftest import ROOT

docx = pytest.importorskip("docx", reason="python-docx (a dependency of kfollow) is not installed")


@pytest.fixture
def folder_without_git(tmp_path, monkeypatch):
    """A working folder that is no git checkout, holding copies of budgets/ and examples/sie/budgets/, whose
    year files are of two different kommuner (as a controller's folder with the bundled examples)."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # (whatever holds the tmp folder)
    shutil.copytree(ROOT / "budgets", tmp_path / "budgets")
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", tmp_path / "examples" / "sie" / "budgets")
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


EXPECTED_SOURCES = ("Källor: examples/sie/budgets/2023.yaml; examples/sie/budgets/2024.yaml; "
                    "examples/sie/budgets/utfall-2023.csv; examples/sie/budgets/budget-2023.csv; "
                    "examples/sie/budgets/utfall-2024.csv; examples/sie/budgets/budget-2024.csv")


@pytest.mark.parametrize("suffix", [".md", ".html", ".docx", ".xlsx"])
def test_the_sources_outside_git_are_the_files_read_not_the_working_folders_budgets(run, folder_without_git, suffix):
    """`report --budgets examples/sie/budgets` from a folder that is no git checkout listed `Källor:
    budgets/2023.yaml; budgets/2024.yaml; …` (relative to the budgets folder's parent), where budgets/2023.yaml of
    that folder is another kommun's file; the files read are named as typed (`deviation -o z.xlsx` did)."""
    out = f"out/x{suffix}"
    result = run("report", "--budgets", "examples/sie/budgets", "--period", "2024-10", "-o", out)
    assert result.exit_code == 0, result.stderr
    if suffix == ".docx":
        lines = [p.text for p in docx.Document(out).paragraphs]
    elif suffix == ".xlsx":
        sheet = openpyxl.load_workbook(out).worksheets[-1]
        lines = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    else:
        lines = (folder_without_git / out).read_text(encoding="utf-8").replace("<p>", "\n").splitlines()
    sources = [line.rstrip().removesuffix("</p>") for line in lines if line.startswith("Källor:")]
    # (each with its fingerprint outside git, h135; a table's sheet names the same files)
    assert [re.sub(r" \(sha256 [0-9a-f]{16}\)", "", line) for line in sources] == [EXPECTED_SOURCES]
    table = run("deviation", "--budgets", "examples/sie/budgets", "--period", "2024-10", "-o", "out/z.xlsx")
    cells = [str(c.value) for row in openpyxl.load_workbook("out/z.xlsx").active.iter_rows() for c in row if c.value]
    assert table.exit_code == 0 and EXPECTED_SOURCES in cells


def test_the_sources_of_a_folder_outside_the_working_folder_are_named_from_its_parent(run, folder_without_git,
                                                                                     tmp_path_factory, monkeypatch):
    """Outside the working folder (and git), no path typed below it: relative to the budgets folder's parent."""
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    out = folder_without_git / "out" / "x.md"
    result = run("report", "--budgets", folder_without_git / "examples" / "sie" / "budgets", "--period", "2024-10",
                 "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "Källor: budgets/2023.yaml (sha256 " in text and "; budgets/utfall-2023.csv (sha256 " in text
    assert str(folder_without_git) not in text


def _section(text: str, heading: str) -> list[str]:
    """The table rows' first cells of a Markdown document's section."""
    part = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [line.split("|")[1].strip().strip("*") for line in part.splitlines()
            if line.startswith("| ") and not line.startswith("| Stab ")]


def test_the_report_lists_the_largest_deviations_per_stab_without_accounts_as_deviation_does(run, tmp_path):
    """`report --year 2024 --top 5` on the bundled budgets (no accounts) left --top out without a word, no Största
    avvikelser section, while `deviation --year 2024 --top 5` lists five staber; the report lists the same five."""
    listed = run("deviation", "--year", "2024", "--top", "5", "--format", "csv")
    assert listed.exit_code == 0, listed.stderr
    names = [line.split(",")[3] for line in listed.stdout.splitlines()[1:]]
    out = tmp_path / "r.md"
    result = run("report", "--year", "2024", "--top", "5", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert _section(text, "Största avvikelser per stab") == names == [
        "Kommunledningsstaben", "Verksamhetsstöd och service", "Ekonomistaben", "Kommunstyrelsen",
        "Kommunikation och utvecklingsstaben"]
    assert "Största avvikelser 2024 per stab, belopp i mnkr" in text
    assert "| Kommunledningsstaben                |    112,3 |    102,2 |        10,1 |" in text
    # without --top, no list beside the stab table it would rank (as before)
    plain = tmp_path / "p.md"
    assert run("report", "--year", "2024", "-o", plain).exit_code == 0
    assert "Största avvikelser" not in plain.read_text(encoding="utf-8")


def test_a_top_the_report_cannot_give_is_said_on_stderr(run, tmp_path):
    out = tmp_path / "r.md"
    result = run("report", "--year", "2024", "--verksamhet", "920", "--top", "5", "-o", out,
                 env={"KFOLLOW_QUIET": "1"})  # (an option not followed is a warning: a quiet job says it too)
    assert result.exit_code == 0, result.stderr
    assert "Största avvikelser" not in out.read_text(encoding="utf-8")
    assert "warning: --top 5: the section Största avvikelser is left out of the document: it lists staber (and their " \
           "kostnadsslag), and --verksamhet narrows the report to verksamheter; for the largest of those, run " \
           "deviation --by verksamhet --verksamhet … --top 5\n" in result.stderr
    folder = tmp_path / "b"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", folder)
    year = folder / "2024.yaml"
    year.write_text("".join(line for line in year.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith("budget_fil")), encoding="utf-8")
    unbudgeted = run("report", "--budgets", folder, "--period", "2024-10", "--top", "5", "-o", out)
    assert unbudgeted.exit_code == 0, unbudgeted.stderr
    assert "warning: --top 5: the section Största avvikelser is left out of the document: 2024 has no budget in the " \
           "year files, so there is no deviation to list\n" in unbudgeted.stderr
    assert "--top" not in run("report", "--budgets", folder, "--period", "2024-10", "-o", out).stderr
    # förvaltningar without staber: the table per förvaltning in the stab table's place lists every row there is
    summa = tmp_path / "summa"
    summa.mkdir()
    (summa / "2024.yaml").write_text("ar: 2024\norganisation: Lillby kommun\nenhet: tkr\nforvaltningar:\n  TEK:\n"
                                     "    namn: Tekniska förvaltningen\n    summa:\n      budget: 30000\n"
                                     "      utfall: {2024-01: 2400, 2024-02: 2400}\n", encoding="utf-8")
    whole = run("report", "--budgets", summa, "--period", "2024-02", "--top", "10", "-o", out)
    assert whole.exit_code == 0, whole.stderr
    assert "Största avvikelser" not in out.read_text(encoding="utf-8")
    assert "warning: --top 10: the section Största avvikelser is left out of the document: no förvaltning shown has " \
           "staber, and the table Resultat per förvaltning lists all its rows\n" in whole.stderr


EXAMPLES = ROOT / "examples" / "budgets"


def test_a_chart_says_its_period_in_the_reports_words(run, tmp_path):
    """`chart avvikelse … -o x.svg` was titled `Avvikelse mot budget 2024-10 (ack.) per stab`, where the report's
    same chart says `januari–oktober 2024`."""
    out = tmp_path / "x.svg"
    result = run("chart", "avvikelse", "--budgets", EXAMPLES, "--period", "2024-10", "-o", out)
    assert result.exit_code == 0, result.stderr
    svg = out.read_text(encoding="utf-8")
    assert "<title>Avvikelse mot budget januari–oktober 2024 per stab, belopp i mnkr</title>" in svg
    assert "2024-10" not in svg
    report = tmp_path / "r.md"
    assert run("report", "--budgets", EXAMPLES, "--period", "2024-10", "-o", report).exit_code == 0
    assert "<title>Avvikelse mot budget januari–oktober 2024 per stab, belopp i mnkr</title>" in \
        (tmp_path / "r-avvikelse.svg").read_text(encoding="utf-8")


def test_a_table_in_word_says_its_period_in_words_and_the_terminal_keeps_its_months(run, tmp_path):
    """`deviation … -o x.docx` captioned `Resultat 2024-10 (ack.) per stab` and `months … -o x.docx` labelled its
    rows `2024-01 … 2024-10`; a Word document is read as the report is: in words. Terminal, Markdown, csv, json
    keep the months as scripts read them."""
    out = tmp_path / "x.docx"
    result = run("deviation", "--budgets", EXAMPLES, "--period", "2024-10", "-o", out)
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(out))
    assert [p.text for p in document.paragraphs if p.style.name == "Caption"] == [
        "Resultat januari–oktober 2024 per stab, belopp i mnkr"]
    assert document.core_properties.title == "Resultat januari–oktober 2024 per stab, belopp i mnkr"
    assert [c.text for c in document.tables[0].rows[0].cells][-2:] == ["Prognos i augusti", "Avvikelse prognos"]
    months = tmp_path / "m.docx"
    assert run("months", "--budgets", EXAMPLES, "--year", "2024", "-o", months).exit_code == 0
    rows = [r.cells[0].text for r in docx.Document(str(months)).tables[0].rows]
    assert rows == ["Månad", "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
                    "oktober"]
    terminal = run("deviation", "--budgets", EXAMPLES, "--period", "2024-10")
    assert terminal.stdout.startswith("Resultat 2024-10 (ack.) per stab, belopp i mnkr\n")
    md = run("months", "--budgets", EXAMPLES, "--year", "2024", "--format", "md").stdout
    assert "| 2024-01 " in md and "januari" not in md
    csv = run("months", "--budgets", EXAMPLES, "--year", "2024", "--format", "csv").stdout.splitlines()
    assert csv[1].startswith("2024-01,nettokostnad,14.5,")


def test_the_readme_says_which_document_has_charts_as_the_documents_have_them(run, tmp_path):
    """README's opening said "the whole economy section as one HTML, Markdown or xlsx document with charts", but the
    workbook has no chart; it says what each format has, and the documents have it."""
    import re
    import zipfile

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "HTML, Markdown or xlsx document with charts" not in readme
    assert "HTML, PDF or Word with its charts in the page, Markdown with its charts as SVG files beside it, or an " \
           "xlsx workbook of its tables, one sheet each, without charts" in readme
    book, page, word = tmp_path / "r.xlsx", tmp_path / "r.html", tmp_path / "r.docx"
    for out in (book, page, word):
        assert run("report", "--budgets", EXAMPLES, "--period", "2024-10", "-o", out).exit_code == 0
    assert not [n for n in zipfile.ZipFile(book).namelist() if re.match(r"xl/(charts|drawings|media)/", n)]
    assert page.read_text(encoding="utf-8").count("<svg") >= 2
    assert len(docx.Document(str(word)).inline_shapes) >= 2


def test_a_report_of_a_month_names_no_later_months_answers_among_its_sources(run, tmp_path):
    """A January–August report listed `svar/2024-11.yaml` among its sources: November's answers, which it does not
    show (its forecasts and comments are those made up to August); a report of a month names the answers files up to
    it, one without --period (forecasts up to December) every one (found by a new user, h164)."""
    folder = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "answered" / "budgets", folder)
    out = tmp_path / "r.md"

    def sources(*args: str) -> str:
        result = run("report", "--budgets", folder, *args, "-o", out)
        assert result.exit_code == 0, result.stderr
        return next(ln for ln in out.read_text(encoding="utf-8").splitlines() if ln.startswith("Källor:"))

    assert "svar/2024-10.yaml" in sources("--period", "2024-10")
    assert "svar/2024-10.yaml" in sources()
    august = sources("--period", "2024-08")
    assert "svar" not in august and "2024.yaml" in august and "utfall-2024.csv" in august
