"""Hostile text in a year file cannot act in any output format.

Names and comments such as `=HYPERLINK("http://x","y")`, `+1`, `-1+1`, `@SUM(A1)` would run as
formulas in a spreadsheet, `|` and a line break would break a Markdown table, control characters
would rewrite a terminal. Per format:

- csv and excel: every text cell that starts like a formula (`=`, `+`, `-`, `@`) starts with `'`;
  numbers are neither quoted nor prefixed (so no cell starts like a formula unless it is a number);
- md: `|` is `\\|` and a line break is `<br>`: every line of the table starts and ends with `|` and
  has as many cells as the header;
- table: no control character reaches stdout and there is one line per row;
- json: the text is data and round-trips exactly;
- xlsx (when kfollow has it): no formula cells, formula-like text is text with Excel's quote prefix.

A control character written as a YAML escape (`"\\e[31m"`, `"\\u202e"`) is refused (exit 3) with
file:line:column.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-1+1", "@SUM(A1)", "a|b", "a\nb"]
# a name is one line (a line break in one is an error: test_a_name_is_one_line); comments keep theirs
NAMES = [t.replace("\n", " ") for t in HOSTILE]
FORMULA_LIKE = [t for t in HOSTILE if t[0] in "=+-@"]
WITHOUT_COMMENT = "=2+3"  # a stab without kommentar: check names it first in its finding
NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def q(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def year_file() -> str:
    staber = "".join(
        f"      S{i}:\n        namn: {q(n)}\n        budget: {100 * i}.0\n        utfall: {100 * i - 7 * i}.5\n"
        f"        kommentar: {q(t)}\n" for i, (n, t) in enumerate(zip(NAMES, HOSTILE), start=1))
    staber += f"      S9:\n        namn: {q(WITHOUT_COMMENT)}\n        budget: 50.0\n        utfall: 800.0\n"
    return f"""\
ar: 2024
organisation: {q('=cmd|" /C calc"!A0')}
enhet: tkr
verksamheter:
  "100": {q(HOSTILE[0])}
forvaltningar:
  F:
    namn: {q("+1+2")}
    kommentar: {q("@SUM(A1:A9)")}
    summa:
      prognos: {{2024-08: 2900.0}}
    staber:
{staber}    verksamheter:
      "100": {{budget: 2150.0, utfall: 2756.0}}
ombudgeteringar:
  - datum: 2024-04-30
    beslut: {q("=1+1")}
    text: {q("-2+3")}
    rader:
      - {{forvaltning: F, stab: S1, verksamhet: "100", belopp: 0}}
investeringar:
  forvaltningar:
    F:
      rubrik: {q("@SUM(B1)")}
      prognos: {{2024-08: 5.0}}
  projekt:
    p1:
      namn: {q(HOSTILE[0])}
      forvaltning: F
      status: pågående
      beslutad_budget: 10.0
      budget: 10.0
      utfall: 5.0
      kommentar: {q("-1+1")}
"""


ROWS = len(HOSTILE) + 2  # the stab rows, S9 and Summa


@pytest.fixture(scope="module")
def budgets(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("injection") / "budgets"
    folder.mkdir()
    (folder / "2024.yaml").write_text(year_file(), encoding="utf-8")
    return folder


def ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def cells(text: str, fmt: str) -> list[list[str]]:
    if fmt == "excel":
        assert text.startswith("\ufeff")
        text = text[1:]
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if fmt == "excel" else ","))


def neutralised(text: str) -> str:
    return "'" + text if text.lstrip(" \u00a0")[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def assert_nothing_runs(table: list[list[str]]) -> None:
    """No cell starts like a formula (after spaces too) unless it is a number."""
    for row in table:
        for cell in row:
            if cell.lstrip(" \u00a0")[:1] in ("=", "+", "-", "@", "\t", "\r"):
                assert NUMBER.fullmatch(cell), f"cell {cell!r} would run in a spreadsheet: {row}"


# --- csv and excel -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "excel"])
def test_csv_and_excel_prefix_formula_like_text_and_leave_numbers_alone(cli, budgets, fmt):
    header = cells(ok(cli("deviation", "--budgets", budgets, "--comments", "-f", "csv")), "csv")[0]
    table = cells(ok(cli("deviation", "--budgets", budgets, "--comments", "-f", fmt)), fmt)
    assert len(table) == 1 + ROWS and all(len(r) == len(header) for r in table)  # no row broken by a line break
    rows = [dict(zip(header, r)) for r in table[1:]]
    stab_rows = [r for r in rows if r["radtyp"] == "rad"]
    assert [r["namn"] for r in stab_rows] == [neutralised(t) for t in NAMES] + [neutralised(WITHOUT_COMMENT)]
    assert [r["kommentar"] for r in stab_rows] == [neutralised(t) for t in HOSTILE] + [""]
    assert "'-1+1" in [r["namn"] for r in stab_rows] and "a|b" in [r["namn"] for r in stab_rows]
    for r in rows:
        for column in ("budget", "utfall", "avvikelse", "avvikelse_pct", "andel_pct"):
            assert r[column] == "" or NUMBER.fullmatch(r[column]), (column, r[column])
    assert any(r["avvikelse"].startswith("-") for r in rows)  # a negative number, written as it is
    assert_nothing_runs(table)


@pytest.mark.parametrize("fmt", ["csv", "excel"])
@pytest.mark.parametrize("command", [
    ("deviation", "--by", "forvaltning", "--comments"),
    ("deviation", "--by", "verksamhet"),
    ("changes",),
    ("investments", "--comments"),
    ("summary",),
    ("check", "--require-comment-over", "1%"),
], ids=lambda c: "-".join(c[:3]))
def test_every_table_neutralises_its_text(cli, budgets, command, fmt):
    result = cli(*command, "--budgets", budgets, "-f", fmt)
    assert result.exit_code in (0, 1), result.stderr  # check: the missing kommentar of S9 is an error
    table = cells(result.stdout, fmt)
    assert len(table) >= 2
    assert_nothing_runs(table)
    texts = {cell for row in table for cell in row}
    assert any(cell.startswith("'") for cell in texts), texts  # the hostile text did reach the output


# --- Markdown ------------------------------------------------------------------------------------


def md_cells(line: str) -> list[str]:
    """The cells of a Markdown table line: split at `|` that is not escaped."""
    assert line.startswith("|") and line.endswith("|"), line
    return [c.strip() for c in re.split(r"(?<!\\)\|", line[1:-1])]


def test_markdown_escapes_pipes_and_line_breaks(cli, budgets):
    text = ok(cli("deviation", "--budgets", budgets, "--comments", "-f", "md"))
    lines = [line for line in text.splitlines() if line.startswith("|")]
    assert len(lines) == 2 + ROWS  # header, alignment row, one line per row: a line break broke none
    widths = {len(md_cells(line)) for line in lines}
    assert len(widths) == 1, lines
    body = [md_cells(line) for line in lines[2:]]
    names = [row[0] for row in body]
    assert "a\\|b" in names and "a b" in names
    assert [row[-1] for row in body if row[0] == "a\\|b"] == ["a\\|b"]
    assert [row[-1] for row in body if row[0] == "a b"] == ["a<br>b"]  # the comment's line break
    assert not CONTROL.search(text)


# --- the terminal table --------------------------------------------------------------------------


def test_the_terminal_table_gets_no_control_characters_and_one_line_per_row(cli, budgets):
    text = ok(cli("deviation", "--budgets", budgets, "--comments"))
    assert not CONTROL.search(text), repr(text)
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("---"))
    rows = []
    for line in lines[rule + 1:]:
        if not line.strip():
            break
        rows.append(line)
    assert len(rows) == ROWS, rows
    assert rows[0].startswith('=HYPERLINK("http://x","y")')
    assert any(row.startswith("a|b ") for row in rows)


# --- JSON ----------------------------------------------------------------------------------------


def test_json_round_trips_the_text_exactly(cli, budgets):
    records = json.loads(ok(cli("deviation", "--budgets", budgets, "-f", "json")))
    stab_rows = [r for r in records if r["radtyp"] == "rad"]
    assert [r["namn"] for r in stab_rows] == NAMES + [WITHOUT_COMMENT]
    assert [r["kommentar"] for r in stab_rows] == HOSTILE + [None]
    assert all(isinstance(r["budget"], (int, float)) for r in records)
    forvaltning = json.loads(ok(cli("deviation", "--budgets", budgets, "--by", "forvaltning", "-f", "json")))
    assert forvaltning[0]["namn"] == "+1+2" and forvaltning[0]["kommentar"] == "@SUM(A1:A9)"


# --- control characters written as YAML escapes ----------------------------------------------------


@pytest.mark.parametrize("escape, code", [
    ("\\e[31m", "U+001B"), ("\\u202e", "U+202E"),
    # found in review: a right-to-left mark after a name shows the row's figures in reverse order in a
    # bidi-aware terminal or browser; a zero-width space and a line separator hide in a name; U+FFFF
    # stopped the Word writer (exit 70)
    ("\\u200f", "bidi control (U+200F)"), ("\\u061c", "bidi control (U+061C)"),
    ("\\u200b", "invisible character (U+200B)"), ("\\u2028", "line or paragraph separator (U+2028)"),
    ("\\uffff", "noncharacter (U+FFFF)"),
], ids=["esc", "bidi", "rlm", "alm", "zwsp", "lsep", "nonchar"])
@pytest.mark.parametrize("key", ["namn", "kommentar"])
def test_a_control_character_written_as_an_escape_is_refused(cli, tmp_path, escape, code, key):
    folder = tmp_path / "budgets"
    folder.mkdir()
    text = year_file()
    line_text = f"        {key}: {q(HOSTILE[1])}"
    assert line_text in text
    text = text.replace(line_text, f'        {key}: "Stab{escape}B"', 1)
    (folder / "2024.yaml").write_text(text, encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), start=1) if f"Stab{escape}B" in t)
    column = text.splitlines()[line - 1].index('"') + 1
    result = cli("deviation", "--budgets", folder)
    assert result.exit_code == 3, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(f"Error: {folder / '2024.yaml'}:{line}:{column}: "), result.stderr
    assert code in result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr and "\u200f" not in result.stderr


# --- xlsx ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def has_xlsx(cli) -> bool:
    return "xlsx" in cli("deviation", "--help").stdout


@pytest.mark.parametrize("how", [("-o", "report.xlsx"), ("-f", "xlsx", "-o", "report.out")],
                         ids=["extension", "format"])
def test_xlsx_has_no_formulas_and_quotes_formula_like_text(cli, budgets, tmp_path, has_xlsx, how):
    if not has_xlsx:
        pytest.skip("kfollow deviation has no xlsx format yet")
    openpyxl = pytest.importorskip("openpyxl")
    args = [a if a not in ("report.xlsx", "report.out") else str(tmp_path / a) for a in how]
    result = cli("deviation", "--budgets", budgets, "--comments", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    book = openpyxl.load_workbook(io.BytesIO((tmp_path / args[-1]).read_bytes()))
    found = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    found.add(cell.value)
                    if cell.value[:1] in ("=", "+", "-", "@"):
                        assert cell.quotePrefix, (cell.coordinate, cell.value)
                    assert not CONTROL.search(cell.value), (cell.coordinate, cell.value)
    for text in FORMULA_LIKE + ["a|b"]:
        assert text in found, (text, found)



def test_a_label_indented_before_a_formula_is_neutralised_too():
    """Found in review: a part's label is indented (`  =HYPERLINK(…)` under `--columns rubrik`) and got no
    `'`: an application that trims a cell's spaces before it reads it would run it."""
    import polars as pl

    from kfollow.render.columns import neutralised as neutralise

    texts = ["  =HYPERLINK(\"http://x\",\"y\")", "\u00a0@SUM(A1)", "  varav kostnader", "  5010 - Löner"]
    got = pl.DataFrame({"t": texts}).select(neutralise("t"))["t"].to_list()
    assert got == ["'" + texts[0], "'" + texts[1], texts[2], texts[3]]


@pytest.mark.parametrize("name, problem", [
    ('"Int\\räkter"', "contains a carriage return; a name is one line of text: remove it"),
    ('"a\\tb"', "contains a tab; a name is one line of text: remove it"),
    ('"a\\nb"', "contains a line break; a name is one line of text: remove it"),
    # at the start or end too, which were stripped without a word (found by an adversarial tester, h108)
    ('"\\tfoo"', "contains a tab; a name is one line of text: remove it"),
    ('"foo\\t"', "contains a tab; a name is one line of text: remove it"),
    ('"\\r=1"', "contains a carriage return; a name is one line of text: remove it"),
    ('"Ett\\r"', "contains a carriage return; a name is one line of text: remove it"),
    ("N" * 501, "is 501 characters, over the limit of 500; shorten it (a longer text belongs in a kommentar)"),
])
def test_a_name_is_one_line_of_at_most_500_characters(cli, tmp_path, name, problem):
    """Found by a hostile-input review: `namn: "Int\\räkter"` went raw into csv and json (a terminal showing
    the csv overwrote "Int"), a tab shifted the table's columns, and one stab's name of a million
    characters made a 2 GB table (every row is padded to the longest name): names are one line, as the
    import cuts them at 500 characters. A comment keeps its line breaks."""
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "2024.yaml").write_text(
        "ar: 2024\norganisation: T\nenhet: tkr\nforvaltningar:\n  F:\n    namn: F\n    staber:\n      S1:\n"
        f"        namn: {name}\n        budget: 10.0\n        utfall: 9.0\n        kommentar: \"två\\nrader\"\n",
        encoding="utf-8")
    result = cli("deviation", "--budgets", folder)
    assert result.exit_code == 3
    assert result.stderr == f"Error: {folder / '2024.yaml'}:9:15: namn of stab S1 {problem}\n"


def test_a_raw_carriage_return_inside_a_name_is_named_where_it_is(cli, tmp_path):
    """Found by an adversarial tester: `namn: Led\\rningsstab` with the byte 0x0D in a file of LF line ends
    said `9:1: invalid YAML: this key has no ':' after it …` of 'ningsstab' (YAML ends a line at a lone CR);
    it names the carriage return, at its own line and column. A file of CR line ends alone (an old Mac's)
    and CRLF line ends still load."""
    body = ("ar: 2024\norganisation: T\nenhet: tkr\nforvaltningar:\n  F:\n    namn: F\n    staber:\n      S1:\n"
            "        namn: Led\rningsstab\n        budget: 10.0\n        utfall: 9.0\n")
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "2024.yaml").write_bytes(body.encode("utf-8"))
    result = cli("deviation", "--budgets", folder)
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {folder / '2024.yaml'}:9:18: a carriage return (\\r) in the middle of a line: "
                             "YAML reads it as a line break; remove it (or save the file with one kind of line end)\n")
    for ends in ("\r", "\r\n"):
        (folder / "2024.yaml").write_bytes(body.replace("Led\rningsstab", "Ledningsstab").replace("\n", ends)
                                           .encode("utf-8"))
        result = cli("deviation", "--budgets", folder, "-f", "csv")
        assert result.exit_code == 0, result.stderr
        assert "Ledningsstab" in result.stdout


def test_a_key_longer_than_yaml_reads_is_named_as_such(cli, tmp_path):
    """Found by an adversarial tester (h114): a stab id of 5 000 characters was told `this key has no ':' after
    it`, which it has: YAML reads a plain key of at most 1 024 characters. It says the key is too long; one of
    1 024 characters is read (and refused as an id elsewhere, if it is one)."""
    def body(key: str) -> str:
        return ("ar: 2024\norganisation: T\nenhet: tkr\nforvaltningar:\n  F:\n    namn: F\n    staber:\n"
                f"      {key}:\n        namn: S\n        budget: 10.0\n        utfall: 9.0\n")
    folder = tmp_path / "b"
    folder.mkdir()
    for length in (1_025, 5_000):
        (folder / "2024.yaml").write_text(body("E" * length), encoding="utf-8")
        result = cli("deviation", "--budgets", folder)
        assert result.exit_code == 3 and result.stdout == ""
        said = f"{length:,}".replace(",", " ")
        assert result.stderr == (f"Error: {folder / '2024.yaml'}:8:7: invalid YAML: this key is {said} characters "
                                 "long, beyond the 1 024 YAML reads as a key; an id or code is a few characters: check "
                                 "the line\n")
    (folder / "2024.yaml").write_text(body("E" * 1_024), encoding="utf-8")
    assert "beyond the 1 024 YAML reads" not in cli("deviation", "--budgets", folder).stderr
