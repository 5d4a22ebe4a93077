"""Text in every format (issue 14): Markdown never carries a link or an image from a year file; a
displayed percentage is the exact one rounded half away from zero (never through a float); xlsx says
when it cuts a text to Excel's cell size; a chart draws at most `MAX_BARS` bars; the Markdown table
is laid out by polars as tabulate's "pipe" would; the HTML table is built a column at a time.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from kfollow.errors import control_class
from conftest import csv_rows

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kfollow.engine import expressions as ex
from kfollow.options import Format, Options
from kfollow.render import render
from kfollow.render.numbers import percent
from kfollow.render.text import _tabulate, pipe
from kfollow.report import build

LINKS = ["![p](http://example.com/p.png)", "[x](javascript:alert(1))", "[ref]: http://example.com/",
         "<http://example.com/>", "a\\[b](http://example.com)", "!\\[c](http://example.com/c.png)"]


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def write_year(folder: Path, staber: dict[str, tuple[str, str, str, str]], enhet: str = "tkr",
               organisation: str = "Testkommun") -> Path:
    """A year file of one förvaltning ADM: stab id → (namn, budget, utfall, kommentar)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["ar: 2024", f"organisation: {q(organisation)}", f"enhet: {enhet}", "forvaltningar:", "  ADM:",
             "    namn: Administrationen", "    staber:"]
    for sid, (namn, budget, utfall, kommentar) in staber.items():
        lines += [f"      {sid}:", f"        namn: {q(namn)}", f"        budget: {budget}", f"        utfall: {utfall}"]
        if kommentar:
            lines.append(f"        kommentar: {q(kommentar)}")
    (folder / "2024.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# --- Markdown: no link, no image -----------------------------------------------------------------


@pytest.fixture
def linked(tmp_path) -> Path:
    staber = {f"S{i}": (text, f"{100 * (i + 1)}.0", f"{90 * (i + 1)}.0", text) for i, text in enumerate(LINKS)}
    staber["T"] = ("Lokaler (tkr)", "10.0", "9.0", "Hyror (enligt avtal)")
    return write_year(tmp_path / "budgets", staber, organisation="[Kommun](http://example.com/)")


def markdown_html(text: str) -> str:
    markdown_it = pytest.importorskip("markdown_it")
    return markdown_it.MarkdownIt("commonmark").enable("table").render(text)


def test_a_link_or_an_image_in_a_name_or_comment_is_text_in_a_markdown_table(run, linked):
    result = run("deviation", "--budgets", linked, "--comments", "-f", "md")
    assert result.exit_code == 0, result.stderr
    html = markdown_html(result.stdout)
    assert "<a " not in html and "<img" not in html, html
    assert html.count("<table>") == 1 and html.count("<tr>") == 2 + len(LINKS) + 1  # the escapes broke no row
    cells = re.sub(r"<(td|th)[^>]*>", r"<\1>", html)
    for text in LINKS:  # what a reader sees is what the year file says, as name and as comment
        seen = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert cells.count(f"<td>{seen}</td>") == 2, text
    assert "| Lokaler (tkr)" in result.stdout and "Hyror (enligt avtal)" in result.stdout  # ( ) stay as they are


def test_the_markdown_report_links_only_its_own_charts(run, linked, tmp_path):
    out = tmp_path / "out" / "r (1).md"
    out.parent.mkdir()
    result = run("report", "--budgets", linked, "-o", out)
    assert result.exit_code == 0, result.stderr
    html = markdown_html(out.read_text(encoding="utf-8"))
    assert "<a " not in html
    sources = re.findall(r'<img src="([^"]*)"', html)
    pytest.importorskip("matplotlib")
    assert sources == ["r%20%281%29-avvikelse.svg"]  # the file beside it, its name as a URL: a ) ends nothing
    assert (out.parent / "r (1)-avvikelse.svg").is_file()
    assert "[Kommun](http://example.com/)" in html  # the organisation in the title, as text


def test_titles_and_notes_of_a_markdown_table_are_text(run, tmp_path):
    folder = write_year(tmp_path / "budgets", {"A": ("Stab A", "100.0", "90.0", "")})
    text = (folder / "2024.yaml").read_text(encoding="utf-8")
    (folder / "2024.yaml").write_text(text.replace("enhet: tkr", "enhet: tkr\nrubriker: {budget: \"[B](http://x)\"}"),
                                      encoding="utf-8")
    result = run("deviation", "--budgets", folder, "-f", "md")
    assert result.exit_code == 0, result.stderr
    assert "\\[B\\](http\\://x)" in result.stdout
    assert "<a " not in markdown_html(result.stdout)


def test_a_bare_web_address_in_markdown_is_escaped_so_that_no_viewer_links_it(run, tmp_path):
    """GitHub's Markdown links a bare `http://…` or `www.…` (cmark-gfm's autolink extension; CommonMark
    does not): an escaped `:` or `.` keeps it text there, and a reader sees the address as written."""
    comment = "Se http://evil.example/x och WWW.evil.example; e-post a@b.se; kl. 10:30, 2.5 tkr"
    folder = write_year(tmp_path / "budgets", {"A": ("Stab www.a.se", "100.0", "90.0", comment)})
    result = run("deviation", "--budgets", folder, "--comments", "-f", "md")
    assert result.exit_code == 0, result.stderr
    assert "Se http\\://evil.example/x och WWW\\.evil.example; e-post a@b.se; kl. 10:30, 2.5 tkr" in result.stdout
    assert "Stab www\\.a.se" in result.stdout
    html = markdown_html(result.stdout)
    assert comment in html and "Stab www.a.se" in html and "<a " not in html


# --- percentages: exact, half away from zero -----------------------------------------------------


def exact_rounded(numerator: int, base: int, places: int = 1) -> Decimal:
    """100 · numerator / base, rounded half away from zero, with Decimal at a precision that cannot round."""
    with localcontext() as ctx:
        ctx.prec = 80
        return (Decimal(100 * numerator) / Decimal(base)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def shown(value: Decimal) -> str:
    return str(abs(value) if value == 0 else value)


def pct_report(pairs: list[tuple[int, int]]):
    """A report of (avvikelse, budget) pairs, öre, with avvikelse_pct as the engine computes it."""
    frame = pl.DataFrame(pairs, schema={"avvikelse": pl.Int64, "budget": pl.Int64}, orient="row")
    frame = frame.with_columns(*ex.percent_of("avvikelse", "budget", "avvikelse_pct"))
    return build(frame, title="Test")


ORE = st.integers(-(10**17), 10**17)


@st.composite
def pairs(draw):
    """Any two amounts, and amounts whose percent lies on (or an öre beside) a half of a tenth."""
    budget = draw(st.integers(1, 10**12) | st.sampled_from([65_400_000_029, 1, 3, 7, 2000]))
    if draw(st.booleans()):
        return draw(ORE), budget * draw(st.sampled_from([1, -1]))
    tenths = draw(st.integers(-(10**6), 10**6))  # a percent of tenths + 0,05: 2000 · avvikelse = (2·tenths+1)·budget
    avvikelse = (2 * tenths + 1) * budget + draw(st.sampled_from([-1, 0, 1]))
    return avvikelse, 2000 * budget


@settings(max_examples=400, deadline=None)
@given(st.lists(pairs(), min_size=1, max_size=5))
def test_a_displayed_percent_is_the_exact_one_rounded_half_away_from_zero(data):
    report = pct_report(data)
    machine = list(csv.DictReader(io.StringIO(render(report, Options(Format.csv)))))
    people = render(report, Options(Format.table)).splitlines()[4:]
    for (avvikelse, budget), row, line in zip(data, machine, people):
        want = exact_rounded(avvikelse, abs(budget))
        assert row["avvikelse_pct"] == shown(want), (avvikelse, budget)
        assert re.split(" +", line)[-1].replace("\u00a0", "").replace(",", ".") == shown(want)
        assert percent(None, exact=ex.exact_percent_value(avvikelse, abs(budget))).replace("\u00a0", "").replace(
            ",", ".") == shown(want)
        assert percent(ex.exact_percent_float(ex.exact_percent_value(avvikelse, abs(budget)))).replace(
            "\u00a0", "").replace(",", ".") == shown(want) or abs(want) >= 10**9  # a message's {pct}


def test_the_exact_companion_rides_along_every_percent_and_is_shown_by_no_format(budgets_dir):
    import kfollow

    store = kfollow.load(budgets_dir)
    for report in (kfollow.deviation(store, 2024), kfollow.compare(store, 2023, 2024, by="verksamhet"),
                   kfollow.deviation(store, 2024, gross=True)):
        percents = [c.name for c in report.columns if c.kind.value == "percent"]
        assert percents and all(f"{p}_exakt" in report.frame.columns for p in percents)
        for fmt in (Format.csv, Format.json, Format.md, Format.table):
            assert "_exakt" not in render(report, Options(fmt))


GOLDEN = {"A": ("Stab A", "654000000.29", "631437000.28", "")}  # 22 563 000,01 kr of 654 000 000,29: 3,44999…%


def test_golden_a_percent_just_below_a_half_is_rounded_down_everywhere(run, tmp_path):
    folder = write_year(tmp_path / "budgets", GOLDEN, enhet="kr")
    columns = ("--columns", "avvikelse_pct")
    table = run("deviation", "--budgets", folder, *columns)
    assert table.stdout.splitlines()[4].split() == ["Stab", "A", "3,4"]
    assert run("deviation", "--budgets", folder, *columns, "-f", "csv").stdout.splitlines()[1] == "3.4"
    assert json.loads(run("deviation", "--budgets", folder, "-f", "json").stdout)[0]["avvikelse_pct"] == 3.4
    assert "|           3,4 |" in run("deviation", "--budgets", folder, *columns, "-f", "md").stdout
    assert run("deviation", "--budgets", folder, *columns, "-f", "excel").stdout.splitlines()[1] == "3,4"
    failed = run("deviation", "--budgets", folder, "--fail-over", "1%")
    assert failed.exit_code == 1 and "(3,4 %)" in failed.stderr
    check = run("check", "--budgets", folder, "--require-comment-over", "1%")
    assert "(3,4 %)" in check.stdout
    html = tmp_path / "r.html"
    assert run("report", "--budgets", folder, "-o", html).exit_code == 0
    assert re.search(r'<td class="num">3,4</td>', html.read_text(encoding="utf-8"))


def test_golden_excel_shows_the_percent_as_kfollow_rounds_it(run, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    folder = write_year(tmp_path / "budgets", GOLDEN, enhet="kr")
    out = tmp_path / "t.xlsx"
    assert run("deviation", "--budgets", folder, "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out).active
    header = next(i for i, row in enumerate(ws.iter_rows(values_only=True)) if row[0] == "Stab")
    cell = ws.cell(row=header + 2, column=5)
    assert cell.number_format == "0.0"
    # Excel shows 15 significant digits rounded half up: 3,449999 shows as 3,4 (the float 3,45 as 3,5)
    assert cell.value == pytest.approx(3.449999, abs=1e-9)
    assert Decimal(repr(cell.value)).quantize(Decimal("0.1"), ROUND_HALF_UP) == Decimal("3.4")


# --- xlsx: a text cut to a cell ------------------------------------------------------------------


def test_xlsx_says_when_it_cuts_a_text_to_excel_s_cell_size(run, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    folder = write_year(tmp_path / "budgets", {"A": ("Stab A", "100.0", "90.0", "x" * 40_000),
                                               "B": ("Stab B", "100.0", "90.0", "kort")})
    out = tmp_path / "t.xlsx"
    result = run("deviation", "--budgets", folder, "--comments", "-o", out, env={"KFOLLOW_QUIET": "1"})
    assert result.exit_code == 0
    # (a text cut is a warning: a quiet job says it too)
    assert "warning: xlsx: 1 text(s) on the sheet" in result.stderr and "32 767" in result.stderr
    values = [v for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for v in row]
    cut = [v for v in values if isinstance(v, str) and v.startswith("xxx")]
    assert len(cut) == 1 and len(cut[0]) == 32_767 and cut[0].endswith("…")
    assert "kort" in values
    report = run("report", "--budgets", folder, "-o", tmp_path / "r.xlsx")
    assert report.exit_code == 0 and "text(s) on the sheet" in report.stderr
    short = run("deviation", "--budgets", folder, "-o", tmp_path / "s.xlsx")  # no comments: nothing cut
    assert short.exit_code == 0 and "xlsx:" not in short.stderr


# --- charts: at most MAX_BARS bars ---------------------------------------------------------------


def test_a_chart_of_many_rows_draws_the_largest_and_one_bar_for_the_rest(run, tmp_path):
    pytest.importorskip("matplotlib")
    import xml.etree.ElementTree as ET

    from kfollow.render.charts import MAX_BARS

    deviation = {i: i if i % 2 else -i for i in range(100)}  # tkr: surpluses and deficits, |i|
    staber = {f"S{i:03d}": (f"Stab {i}", "1000.0", f"{1000 - d}.0", "") for i, d in deviation.items()}
    folder = write_year(tmp_path / "budgets", staber)
    svg = tmp_path / "a.svg"
    result = run("chart", "avvikelse", "--budgets", folder, "-o", svg)
    assert result.exit_code == 0, result.stderr
    root = ET.fromstring(svg.read_bytes())
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    labels = [t for t in texts if re.fullmatch(r"Stab \d+|Övriga \(\d+\)", t)]  # (not a line of the note under it)
    assert len(labels) == MAX_BARS and labels[-1] == "Övriga (71)"
    # the largest deviations (99, 98, … 71 tkr), in the table's order
    assert labels[:-1] == [f"Stab {i}" for i in range(71, 100)]
    desc = root.find("{http://www.w3.org/2000/svg}desc").text
    assert "de 29 största avvikelserna av 100" in desc and "Övriga (71) är summan av de andra 71" in desc
    from kfollow.render.charts import bar_amount

    rest = sum(deviation[i] for i in range(71)) * 100_000  # öre: the sum of the others, exact
    assert f"Övriga (71) {bar_amount(rest, 'mnkr')} (underskott)" in desc and "Övriga (71) -0,04 (underskott)" in desc
    html = tmp_path / "r.html"
    assert run("report", "--budgets", folder, "-o", html).exit_code == 0
    assert "Anm.: Diagrammet visar de 29 största avvikelserna av 100" in html.read_text(encoding="utf-8")
    md = tmp_path / "r.md"
    assert run("report", "--budgets", folder, "-o", md).exit_code == 0
    assert "Anm.: Diagrammet visar de 29 största avvikelserna av 100" in md.read_text(encoding="utf-8")


def test_a_comparison_chart_of_many_rows_draws_the_largest_and_one_pair_for_the_rest(tmp_path):
    pytest.importorskip("matplotlib")
    import xml.etree.ElementTree as ET

    import kfollow
    from kfollow.render import charts

    folder = tmp_path / "budgets"
    for year in (2023, 2024):
        write_year(folder, {f"S{i:02d}": (f"Stab {i}", f"{10 * i}.0", f"{10 * i + year - 2023}.0", "") for i in range(40)})
        (folder / f"{year}.yaml").write_text((folder / "2024.yaml").read_text(encoding="utf-8").replace(
            "ar: 2024", f"ar: {year}"), encoding="utf-8")
    report = kfollow.compare(kfollow.load(folder), 2023, 2024)
    root = ET.fromstring(charts.chart_verksamhet(report, "svg"))
    labels = [t for t in ("".join(x.itertext()) for x in root.iter("{http://www.w3.org/2000/svg}text"))
              if t.startswith("Stab ") or t.startswith("Övriga")]
    assert labels == [f"Stab {i}" for i in range(11, 40)] + ["Övriga (11)"]  # the largest utfall, table order
    assert charts.note(report, "verksamhet") == (
        "Diagrammet visar de 29 rader av 40 som har störst utfall (till beloppet, något av åren); "
        "Övriga (11) är summan av de andra 11.")
    assert charts.note(report, "verksamhet") in root.find("{http://www.w3.org/2000/svg}desc").text


def test_a_chart_of_few_rows_draws_them_all_without_a_note(budgets_dir):
    pytest.importorskip("matplotlib")
    import kfollow
    from kfollow.render import charts

    report = kfollow.deviation(kfollow.load(budgets_dir), 2024)
    # (its one note is on VSS, drawn as resultat)
    assert charts.notes(report, "avvikelse") == ["Verksamhetsstöd och service redovisas som resultat: dess avvikelse "
                                                 "är utfall − budget, och ett underskott är negativt även där."]
    assert b"\xc3\x96vriga" not in charts.chart_avvikelse(report, "svg")


# --- layouts -------------------------------------------------------------------------------------

cell = st.text(alphabet=st.sampled_from("ab Åö1,–-\u00a0 \\|[]"), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(st.text(alphabet="Abc %ö", min_size=1, max_size=10), min_size=n, max_size=n),
    st.lists(st.sampled_from(["left", "right"]), min_size=n, max_size=n),
    st.lists(st.lists(cell, min_size=n, max_size=n), min_size=0, max_size=6))))
def test_pipe_is_tabulates_layout(table):
    headers, align, rows = table
    frame = pl.DataFrame(rows, schema=[f"c{i}" for i in range(len(headers))], orient="row") if rows else \
        pl.DataFrame(schema={f"c{i}": pl.String for i in range(len(headers))})
    assert pipe(frame, headers, align) == _tabulate(rows, headers, "pipe", align)


def test_the_html_table_escapes_every_cell(run, linked, tmp_path):
    out = tmp_path / "r.html"
    assert run("report", "--budgets", linked, "-o", out).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "<http://" not in page and "&lt;http://example.com/&gt;" in page
    assert '<th scope="row">![p](http://example.com/p.png)</th>' in page


def test_an_import_note_edited_by_hand_gives_no_control_character_and_a_broken_one_a_warning(run, tmp_path):
    """The `.kalla.json` notes beside the fact tables reach the tables (account names) and the
    report's footer (the export's program): control and bidi characters in them are U+FFFD, as in
    the export's names; a note kfollow cannot read is a check warning."""
    import shutil

    d = tmp_path / "budgets"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "sie" / "budgets", d)
    note = d / "utfall-2024.csv.kalla.json"
    data = json.loads(note.read_text(encoding="utf-8"))
    data["konton"]["5010"] = "=Löner\u001b[2J\u202egnol\u0000"
    data["program"] = "x\u001b]52;c;ZXZpbA==\u0007"
    note.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (d / "budget-2024.csv.kalla.json").write_text('{"konton": 5, "export": "x.se"}', encoding="utf-8")
    for fmt in ("csv", "json", "table"):
        result = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "konto", "-f", fmt)
        assert result.exit_code == 0, result.stderr
        assert "Löner\ufffd[2J\ufffdgnol\ufffd" in result.stdout or "L\\u00f6ner\\ufffd" in result.stdout, result.stdout
        assert not re.search(control_class(), result.stdout)
    out = tmp_path / "r.md"
    assert run("report", "--budgets", d, "--period", "2024-10", "-o", out).exit_code == 0
    footer = out.read_text(encoding="utf-8")
    assert not re.search(control_class(), footer) and "x\ufffd\\]52;c;ZXZpbA==\ufffd" in footer  # (`]` escaped: Markdown)
    check = run("check", "--budgets", d)
    assert "budget-2024.csv.kalla.json: varning: anteckningen går inte att läsa: dess kontonamn" in check.stdout


def test_a_lone_surrogate_escape_in_a_note_is_replaced_not_a_crash(run, tmp_path):
    """Found in review: `"\\ud800"` in a hand-edited note is valid JSON but no text; it is U+FFFD."""
    import shutil

    d = tmp_path / "budgets"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "sie" / "budgets", d)
    for note in d.glob("*.kalla.json"):
        text = note.read_text(encoding="utf-8")
        note.write_text(re.sub(r'"4010": "([^"]*)"', r'"4010": "\1 \\ud800"', text), encoding="utf-8")
    result = run("deviation", "--budgets", d, "--by", "konto", "--forvaltning", "SERV", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert "4010" in result.stdout and "\ufffd" in result.stdout


def test_check_names_the_year_file_line_of_a_missing_table(run, tmp_path):
    """Found in review: a missing fact table is an I/O error (exit 4) and check's finding keeps the
    year file's line and column and its kod `fil`; `check` exits 4 for it too, as `deviation` does
    (found in a later review: it gave 3, a malformed file's)."""
    import shutil

    d = tmp_path / "budgets"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "sie" / "budgets", d)
    (d / "utfall-2024.csv").unlink()
    result = run("check", "--budgets", d, "-f", "json")
    assert result.exit_code == 4 and run("deviation", "--budgets", d).exit_code == 4
    found = json.loads(result.stdout)
    missing = next(f for f in found if "does not exist" in f["meddelande"])
    assert (missing["kod"], missing["rad"]) == ("fil", 6) and missing["kolumn"] and \
        missing["meddelande"].startswith("utfall_fil 'utfall-2024.csv' does not exist")


def test_a_table_that_is_a_folder_is_named_where_the_year_file_names_it(run, tmp_path):
    """Found in review: `budget_fil` naming a folder gave `…/budget-2024.csv: is a directory` without
    the year file's line, and `check` a finding without a line."""
    import shutil

    d = tmp_path / "budgets"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "sie" / "budgets", d)
    (d / "budget-2024.csv").unlink()
    (d / "budget-2024.csv").mkdir()
    line = next(i for i, text in enumerate((d / "2024.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("budget_fil:"))
    result = run("deviation", "--budgets", d)
    assert result.exit_code == 4 and result.stdout == ""
    assert result.stderr.strip() == (f"Error: {d / '2024.yaml'}:{line}:13: budget_fil 'budget-2024.csv' is a directory, "
                                     "not a file; give the path of the budget table, relative to the year file")
    found = json.loads((checked := run("check", "--budgets", d, "-f", "json")).stdout)
    assert checked.exit_code == 4
    assert [(f["kod"], f["rad"], f["kolumn"]) for f in found if "directory" in f["meddelande"]] == [("fil", line, 13)]


def test_a_table_that_is_a_link_loop_is_said_so_not_missing(run, tmp_path):
    """Found in review: a fact table that is a symbolic link loop was `does not exist`."""
    import shutil

    d = tmp_path / "budgets"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "sie" / "budgets", d)
    (d / "utfall-2024.csv").unlink()
    (d / "utfall-2024.csv").symlink_to("utfall-2024.csv")
    result = run("deviation", "--budgets", d)
    assert result.exit_code == 4 and result.stdout == ""
    assert result.stderr.strip().endswith(":13: utfall_fil 'utfall-2024.csv' is a symbolic link loop; give a path "
                                          "relative to the year file")


def test_a_note_whose_texts_are_not_text_is_a_check_warning(run, tmp_path):
    """Found in review: `"format": 5` lost the report's footer without a word."""
    import shutil

    d = tmp_path / "budgets"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "sie" / "budgets", d)
    note = d / "utfall-2024.csv.kalla.json"
    data = json.loads(note.read_text(encoding="utf-8"))
    data["format"] = 5
    note.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert "utfall-2024.csv.kalla.json: varning: anteckningen går inte att läsa: format är inte text" in \
        run("check", "--budgets", d).stdout


@pytest.mark.parametrize("objekt, said", [
    ('{"Ansvar": {"1120": 5}}', 'dess objektnamn ("objekt") är inte kolumn → kod → namn'),
    ('{"Ansvar": {"1120": ["Ekonomi"]}}', 'dess objektnamn ("objekt") är inte kolumn → kod → namn'),
    ('{"Ansvar": "Ekonomi"}', 'dess objektnamn ("objekt") är inte kolumn → kod → namn'),
    ('["Ekonomi"]', 'dess objektnamn ("objekt") är inte kolumn → kod → namn'),
    # (a number of 5 000 digits made the whole note "inget JSON-objekt (Exceeds the limit (4300 digits) for integer
    # string conversion: value has 5001 di)", and left out its account names with it)
    ('{"Ansvar": {"1120": 1' + "0" * 5000 + '}}', 'dess objektnamn ("objekt") är inte kolumn → kod → namn'),
    ('{"Ansvar": {"1120": "Ekonomi", "1130": "' + "x" * 100_000 + '"}}',
     'objektnamnet för Ansvar 1130 ("objekt") har 100 000 tecken, fler än importen skriver (500)'),
])
def test_a_note_whose_object_names_are_not_names_is_a_check_warning(run, tmp_path, objekt: str, said: str):
    """Found in review (h89): the object names a CSV import notes (`"objekt": {"Ansvar": {"1120": "Ekonomi"}}`) were
    not checked as the note's other keys are: a name that is no text, or of 100 000 characters, passed `check`
    without a word. It is one warning line naming the key."""
    import shutil

    d = tmp_path / "budgets"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "sie" / "budgets", d)
    note = d / "utfall-2024.csv.kalla.json"
    text = note.read_text(encoding="utf-8").rstrip().removesuffix("}").rstrip()
    note.write_text(f'{text},\n "objekt": {objekt}\n}}\n', encoding="utf-8")
    check = run("check", "--budgets", d)
    assert check.exit_code == 0, check.stderr
    assert [line for line in check.stdout.splitlines() if "anteckning" in line] == [
        f"{note}: varning: anteckningen går inte att läsa: {said}; objektens namn utelämnas: importera "
        "tabellen igen (kfollow import) eller ta bort anteckningen"]
    # (the object names alone: the account names and the source stay; the warning said they were left out)
    assert "Löner till tjänstemän" in run("deviation", "--budgets", d, "--by", "konto", "-f", "csv").stdout
    assert "exempelby.se" in run("report", "--budgets", d, "-o", tmp_path / "r.md").stderr + \
        (tmp_path / "r.md").read_text(encoding="utf-8")
    note.write_text(f'{text},\n "objekt": {{"Ansvar": {{"1120": "Ekonomi"}}}}\n}}\n', encoding="utf-8")
    assert "anteckning" not in run("check", "--budgets", d).stdout


def test_a_note_nested_thousands_deep_is_a_check_warning(run, tmp_path):
    """Found in review: a note of 100 000 nested arrays stopped every command, `check` too, with an
    internal error (RecursionError, exit 70); it is a note kfollow cannot read, as malformed JSON is."""
    import shutil

    d = tmp_path / "budgets"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "sie" / "budgets", d)
    (d / "utfall-2024.csv.kalla.json").write_text('{"export": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    check = run("check", "--budgets", d)
    assert check.exit_code == 0, check.stderr
    assert "utfall-2024.csv.kalla.json: varning: anteckningen går inte att läsa" in check.stdout
    assert run("deviation", "--budgets", d).exit_code == 0


def test_a_note_saved_with_a_bom_is_read(run, tmp_path):
    """Found in review: a note edited in Notepad and saved as UTF-8 with BOM was a note kfollow could not
    read, and the accounts' names left every table; every other file kfollow reads takes the BOM."""
    import shutil

    d = tmp_path / "budgets"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "sie" / "budgets", d)
    note = d / "utfall-2024.csv.kalla.json"
    note.write_bytes(b"\xef\xbb\xbf" + note.read_bytes())
    check = run("check", "--budgets", d)
    assert "anteckningen" not in check.stdout, check.stdout
    assert "5010 - " in run("deviation", "--budgets", d, "--by", "konto").stdout


def test_an_ampersand_in_a_markdown_cell_stays_one_unless_it_begins_an_entity(run, tmp_path):
    """Found by a new user: `215 - Fysisk &amp; teknisk planering` in the Markdown text, where people read
    and paste the file as text; only an `&` that a viewer would read as an entity needs its escape."""
    folder = write_year(tmp_path / "budgets", {"A": ("Plan & bygg", "100.0", "90.0", "&lt;b&gt; &#60; A&B")})
    result = run("deviation", "--budgets", folder, "--comments", "-f", "md")
    assert "| Plan & bygg" in result.stdout and "&amp;lt;b&amp;gt; &amp;#60; A&B" in result.stdout, result.stdout
    html = markdown_html(result.stdout)
    assert "Plan &amp; bygg" in html and "&amp;lt;b&amp;gt; &amp;#60; A&amp;B" in html, html  # shown as written


def test_emphasis_code_and_strikethrough_in_a_comment_are_text_in_a_markdown_table(run, tmp_path):
    """Found in review: a comment `*lägre*` came out in italics in the Markdown report (only `|`, `<`
    and links were escaped); `_`, backticks and `~~` likewise."""
    texts = ["*lägre* än väntat", "__fett__ och `kod`", "~~struket~~ men_inte_här"]
    staber = {f"S{i}": (f"Stab {i}", "100.0", "90.0", text) for i, text in enumerate(texts)}
    folder = write_year(tmp_path / "budgets", staber)
    result = run("deviation", "--budgets", folder, "--comments", "-f", "md")
    assert result.exit_code == 0, result.stderr
    html = markdown_html(result.stdout)
    assert not any(tag in html for tag in ("<em>", "<code>", "<del>", "<s>")), html
    # (bold only where kfollow bolds: the total's label)
    assert re.findall(r"<strong>(.*?)</strong>", html) == ["Summa nettokostnad"], html
    cells = re.sub(r"<(td|th)[^>]*>", r"<\1>", html)
    for text in texts:
        assert f"<td>{text}</td>" in cells, text


# --- a comment's line break written as "\r\n" (Windows) or "\r" is a line break --------------------


def test_a_carriage_return_in_a_year_files_comment_is_a_line_break_in_every_format(run, tmp_path):
    """A comment written "Rad ett\\r\\nRad två" (a Windows line end, as collect reads from a workbook) was kept with
    its CR: the table, Markdown and xlsx showed it as U+FFFD (`Rad ett�<br>Rad två`) while csv and json kept the raw
    CR (found by a script user). It is a line break, as collect makes it, in the year file too."""
    folder = write_year(tmp_path / "budgets", {"A": ("Stab A", "100.0", "90.0", "Rad ett\r\nRad två\rRad tre")})
    assert run("check", "--budgets", folder).exit_code == 0
    md = run("deviation", "--budgets", folder, "--comments", "-f", "md")
    assert md.exit_code == 0, md.stderr
    assert "Rad ett<br>Rad två<br>Rad tre" in md.stdout and "\ufffd" not in md.stdout
    records = json.loads(run("deviation", "--budgets", folder, "-f", "json").stdout)
    assert records[0]["kommentar"] == "Rad ett\nRad två\nRad tre"
    table = run("deviation", "--budgets", folder, "--comments").stdout
    assert "\ufffd" not in table and "\r" not in table


def test_a_carriage_return_in_a_projects_comment_or_a_budget_changes_text_is_a_line_break(run, tmp_path):
    """Found in review: the year file's other texts of several lines, an investment project's kommentar and a budget
    change's text, kept their CR as the comments had: U+FFFD in `investments` and `changes` tables and Markdown."""
    folder = write_year(tmp_path / "budgets", {"A": ("Stab A", "100.0", "90.0", "")})
    with open(folder / "2024.yaml", "a", encoding="utf-8") as fh:
        fh.write("ombudgeteringar:\n  - datum: 2024-03-01\n    beslut: KS 1\n    text: \"Rad ett\\r\\nRad tv\u00e5\\rRad tre\"\n"
                 "    rader:\n      - {forvaltning: ADM, stab: A, belopp: 1.0}\n"
                 "investeringar:\n  projekt:\n    p1:\n      namn: Projekt\n      forvaltning: ADM\n"
                 "      status: p\u00e5g\u00e5ende\n      beslutad_budget: 10.0\n      budget: 5.0\n      utfall: 4.0\n"
                 "      kommentar: \"Rad ett\\r\\nRad tv\u00e5\\rRad tre\"\n")
    assert run("check", "--budgets", folder).exit_code == 0
    for command in ("changes", "investments"):
        md = run(command, "--budgets", folder, "--year", "2024", "--comments", "-f", "md") if command == "investments" \
            else run(command, "--budgets", folder, "--year", "2024", "-f", "md")
        assert md.exit_code == 0, md.stderr
        assert "Rad ett<br>Rad två<br>Rad tre" in md.stdout and "\ufffd" not in md.stdout, (command, md.stdout)
        assert "\r" not in run(command, "--budgets", folder, "--year", "2024", "-f", "csv").stdout, command


@pytest.mark.parametrize("key, value, said, lost", [
    ("format", 5, "format är inte text", "källan"),
    ("mapping", 5, "mapping är inte text", "källan"),
    ("export", 5, 'den anger ingen export ("export")', "källan"),
    ("konton", {"3510": "Försäljning av tjänster", "5010": 5, "6410": "Övriga främmande tjänster"},
     'dess kontonamn ("konton") är inte konto → namn', "kontonas namn"),
])
def test_a_note_check_warns_of_leaves_out_what_the_warning_says(run, tmp_path, key, value, said, lost):
    """Found in review (h94): `"format": 5` in a note was 'källan och kontonas namn utelämnas' while the tables still
    named the accounts from it; `"mapping": 5` or `"export": 5` left the source in the footer (`5 (SIE 4, …)`), and
    `"5010": 5` among the account names named the account `5`. What check says is left out is left out, and the
    rest stays."""
    import shutil

    d = tmp_path / "budgets"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "sie" / "budgets", d)
    notes = sorted(d.glob("*.kalla.json"))
    for note in notes:
        data = json.loads(note.read_text(encoding="utf-8"))
        data[key] = value
        note.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    check = run("check", "--budgets", d)
    assert check.exit_code == 0, check.stderr
    assert [line for line in check.stdout.splitlines() if "anteckning" in line] == [
        f"{note}: varning: anteckningen går inte att läsa: {said}; {lost} utelämnas: importera tabellen igen "
        "(kfollow import) eller ta bort anteckningen" for note in notes]
    konton = {r["konto"]: r["namn"] for r in csv_rows(run("deviation", "--budgets", d, "--by", "konto", "-f", "csv").stdout)
              if r["radtyp"] == "rad"}
    out = tmp_path / "r.md"
    assert run("report", "--budgets", d, "-o", out).exit_code == 0
    footer = out.read_text(encoding="utf-8").split("*Underlag för granskning:*", 1)[1]
    if lost == "källan":
        assert konton["5010"] == "Löner till tjänstemän" and "exempelby.se" not in footer and "5 (" not in footer
    else:
        assert konton["5010"] == "5010" and konton["6410"] == "6410" and "exempelby.se (SIE 4" in footer


def test_an_entity_in_a_name_is_text_in_the_notes_and_the_heading_of_markdown(run, tmp_path):
    """Found by an adversarial tester (h108): a cell escaped an `&` that begins an entity (`&amp;lt;b&amp;gt;`),
    but the notes (`Anm.: … redovisas som resultat …`, under the report's avvikelse chart) and its heading (`# Ekonomi …, <organisation>`)
    did not, and a viewer showed `<b>` and `<i>` where the year file says `&lt;b&gt;` and `&#60;i&#62;`."""
    import shutil

    name = "[klick](javascript:alert(1)) &lt;b&gt; &#60;i&#62; | pipe **b**"
    budgets_copy = tmp_path / "budgets"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "budgets", budgets_copy)
    year = budgets_copy / "2024.yaml"
    text = year.read_text(encoding="utf-8")
    text = text.replace("namn: Serviceförvaltningen (internt prissatt)", f"namn: {q(name)}")
    text = text.replace("organisation: Exempelby kommun (påhittad), Kommunstyrelsen", "organisation: Exempelby &lt;b&gt; kommun")
    year.write_text(text, encoding="utf-8")
    escaped = "\\[klick\\](javascript:alert(1)) &amp;lt;b&amp;gt; &amp;#60;i&amp;#62; \\| pipe \\*\\*b\\*\\*"
    seen = "[klick](javascript:alert(1)) &amp;lt;b&amp;gt; &amp;#60;i&amp;#62; | pipe **b**"  # in the viewer's HTML
    out = tmp_path / "rapport.md"
    result = run("report", "--budgets", budgets_copy, "-o", out)
    assert result.exit_code == 0, result.stderr
    document = out.read_text(encoding="utf-8")
    assert document.startswith("# Ekonomi januari–oktober 2024, Exempelby &amp;lt;b&amp;gt; kommun\n"), document[:200]
    assert f"Anm.: {escaped} redovisas som resultat" in document
    html = markdown_html(document)
    assert "<h1>Ekonomi januari–oktober 2024, Exempelby &amp;lt;b&amp;gt; kommun</h1>" in html, html[:300]
    assert "<b>" not in html and "<i>" not in html
