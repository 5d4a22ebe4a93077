"""Loading budgets/*.yaml: every validation error names file:line:column, and what must load does.

Each broken case edits one line of a copy of the bundled 2024.yaml (or writes a minimal file) and
checks the same error twice: through the CLI (exit 3, one `Error: …` line on stderr, nothing on
stdout) and through `kfollow.sources.year_file.load_budgets` (a `DataError` with the right line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable

import polars as pl
import pytest

from conftest import BUDGETS, csv_rows
from kfollow.errors import DataError, ExitStatus
from kfollow.sources.year_file import load_budgets

ORIGINAL = (BUDGETS / "2024.yaml").read_text(encoding="utf-8")
LINES = ORIGINAL.splitlines()


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle` in `text`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


def col_of(text: str, needle: str) -> int:
    """1-based column where `needle` starts on its line."""
    line = text.splitlines()[line_of(text, needle) - 1]
    return line.index(needle) + 1


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


MINIMAL = """\
ar: 2024
organisation: Testkommun
enhet: {enhet}
forvaltningar:
  F:
    namn: Testförvaltningen
{body}"""


def minimal(body: str, enhet: str = "tkr") -> str:
    return MINIMAL.format(enhet=enhet, body=body)


@dataclass
class Broken:
    """One broken 2024.yaml: its bytes, the line (and column) of the problem and words of the message."""

    content: bytes
    line: int
    column: int | None
    words: tuple[str, ...]


def _edit(old: str, new: str, needle: str, words: tuple[str, ...], column: bool = True) -> Broken:
    text = replace_once(ORIGINAL, old, new)
    return Broken(text.encode("utf-8"), line_of(text, needle), col_of(text, needle) if column else None, words)


def _latin1() -> Broken:
    text = ORIGINAL.replace("namn: Kommunledningsförvaltningen", "namn: Kommunledningsf\xf6rvaltningen")
    line = line_of(ORIGINAL, "namn: Kommunledningsförvaltningen")
    column = LINES[line - 1].index("ö") + 1
    return Broken(_mixed_latin1(text), line, column, ("UTF-8",))


def _mixed_latin1(text: str) -> bytes:
    """UTF-8 everywhere except the one line a Windows editor saved as Latin-1."""
    line = line_of(text, "namn: Kommunledningsf\xf6rvaltningen")
    lines = text.splitlines(keepends=True)
    return b"".join(l.encode("latin-1") if i == line - 1 else l.encode("utf-8") for i, l in enumerate(lines))


def _nul() -> Broken:
    text = replace_once(ORIGINAL, "namn: Ekonomistaben", "namn: Ekonomi\x00staben")
    return Broken(text.encode("utf-8"), line_of(text, "Ekonomi\x00"), col_of(text, "\x00"), ("NUL",))


def _unclosed() -> Broken:
    old = '"100": {budget: 17111.8, utfall: 15620.0}'
    text = replace_once(ORIGINAL, old, old[:-1])
    # the problem is the `{` that is never closed, not the next line the parser stumbles on
    return Broken(text.encode("utf-8"), line_of(text, '"100": {'), None, ("}",))


def _unclosed_at_end() -> Broken:
    text = minimal("    summa: {budget: 1, utfall: 2")  # no newline at the end of the file
    return Broken(text.encode("utf-8"), line_of(text, "summa: {"), None, ("}",))


def _second_document() -> Broken:
    text = ORIGINAL + "---\nar: 2024\n"
    return Broken(text.encode("utf-8"), len(LINES) + 1, 1, ("document",))


BROKEN: dict[str, Callable[[], Broken]] = {
    "duplicate key": lambda: Broken(
        replace_once(ORIGINAL, "        budget: 34775.1\n", "        budget: 34775.1\n        budget: 34775.1\n").encode(),
        line_of(ORIGINAL, "budget: 34775.1") + 1, 9, ("duplicate", "budget", f"line {line_of(ORIGINAL, 'budget: 34775.1')}")),
    "tab indentation": lambda: _edit("        budget: 34775.1", "\t\tbudget: 34775.1", "budget: 34775.1", ("tab",),
                                     column=False),
    "latin-1 bytes": _latin1,
    "unclosed bracket": _unclosed,
    "unclosed bracket on the last line": _unclosed_at_end,
    "empty file": lambda: Broken(b"", 1, 1, ("empty",)),
    "only comments": lambda: Broken(b"# Budget 2024\n# kommer senare\n\n", 1, 1, ("empty",)),
    "top-level list": lambda: Broken(b"- ar: 2024\n- enhet: tkr\n", 1, 1, ("mapping", "list")),
    "NUL byte": _nul,
    # a BEL after the å ä ö of the header comments: the position must count characters, not bytes
    "control character": lambda: _edit("namn: Ekonomistaben", "namn: Ekonomi\x07staben", "\x07", ("control",)),
    "anchor": lambda: _edit("        budget: 34775.1", "        budget: &b 34775.1", "&b", ("anchor",)),
    "alias": lambda: _edit("        budget: 50898.1", "        budget: *b", "*b", ("alias",)),
    "explicit tag": lambda: _edit("        budget: 34775.1", "        budget: !!int 5", "!!int", ("tag",)),
    "unknown key": lambda: _edit("        budget: 34775.1", "        budgt: 34775.1", "budgt", ("budgt", "did you mean 'budget'")),
    "swedish number": lambda: _edit("        budget: 34775.1", "        budget: 1 240,8", "1 240,8", ("1240.8",)),
    "swedish number, no-break space": lambda: _edit("        budget: 34775.1", "        budget: 34\u00a0775,1",
                                                    "34\u00a0775,1", ("34775.1",)),
    "finer than an öre": lambda: _edit("        budget: 34775.1", "        budget: 34775.123456", "34775.123456",
                                       ("öre",)),
    "not a number": lambda: _edit("        budget: 34775.1", "        budget: ca 35 mnkr", "ca 35 mnkr", ("not an amount",)),
    "ar does not match the file name": lambda: _edit("ar: 2024", "ar: 2025", "2025", ("2025", "2024.yaml")),
    "unknown enhet": lambda: _edit("enhet: tkr", "enhet: Mkr", "Mkr", ("Mkr", "tkr")),
    "verksamhet not in the catalog": lambda: _edit('"815": {budget: 8313.0', '"816": {budget: 8313.0', '"816"',
                                                   ("816", "815")),
    "second document": _second_document,
    # a budget change without its decision, written as YAML writes no value: `changes` listed it as decided by
    # 'null' (found by an auditor, h135)
    "beslut null": lambda: _edit("    beslut: Kommunstyrelsen våren 2024 (paragraf anges inte i verksamhetsberättelsen)",
                                 "    beslut: null", "null", ("beslut", "'null', YAML's no value", "decision")),
    "beslut ~": lambda: _edit("    beslut: Kommunstyrelsen efter sommaren 2024 (paragraf anges inte i verksamhetsberättelsen)",
                              "    beslut: ~", "~", ("beslut", "'~', YAML's no value")),
}


def _write_broken(budgets_copy: Path, case: str) -> tuple[Path, Broken]:
    broken = BROKEN[case]()
    path = budgets_copy / "2024.yaml"
    path.write_bytes(broken.content)
    return path, broken


LOCATION = re.compile(r"^Error: (?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<problem>.+)$")


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_file_is_one_error_line_with_file_line_column(run, budgets_copy, case):
    path, broken = _write_broken(budgets_copy, case)
    result = run("deviation", "--budgets", budgets_copy)
    assert result.exit_code == ExitStatus.DATA, (result.exit_code, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    match = LOCATION.match(lines[0])
    assert match, lines[0]
    assert match["file"] == str(path)
    assert int(match["line"]) == broken.line, lines[0]
    if broken.column is not None:
        assert int(match["column"]) == broken.column, lines[0]
    for word in broken.words:
        assert word in match["problem"], lines[0]


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_file_raises_data_error_from_the_library(budgets_copy, case):
    path, broken = _write_broken(budgets_copy, case)
    with pytest.raises(DataError) as info:
        load_budgets(budgets_copy)
    err = info.value
    assert err.status == ExitStatus.DATA
    assert (err.path, err.line) == (str(path), broken.line)
    assert err.message.startswith(f"{path}:{broken.line}:")
    assert "\n" not in err.message


@pytest.mark.parametrize("case", ["duplicate key", "unknown key", "explicit tag"])
def test_check_reports_a_broken_file_with_its_line_and_exits_3(run, budgets_copy, case):
    path, broken = _write_broken(budgets_copy, case)
    result = run("check", "--budgets", budgets_copy)
    assert result.exit_code == ExitStatus.DATA
    fel = [l for l in result.stdout.splitlines() if ": fel: " in l]
    assert fel and fel[0].startswith(f"{path}:{broken.line}:"), result.stdout  # file:line:column: fel: …


def test_output_file_is_not_created_when_the_budgets_are_broken(run, budgets_copy, tmp_path):
    _write_broken(budgets_copy, "unknown key")
    out = tmp_path / "out.csv"
    result = run("deviation", "--budgets", budgets_copy, "-o", out)
    assert result.exit_code == ExitStatus.DATA
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.csv")]  # no temp file left behind


def test_output_file_is_left_untouched_when_the_budgets_are_broken(run, budgets_copy, tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("earlier report\n", encoding="utf-8")
    _write_broken(budgets_copy, "swedish number")
    result = run("deviation", "--budgets", budgets_copy, "-o", out)
    assert result.exit_code == ExitStatus.DATA
    assert out.read_text(encoding="utf-8") == "earlier report\n"


def test_two_files_for_the_same_year(run, budgets_copy):
    (budgets_copy / "2024.yml").write_text(ORIGINAL, encoding="utf-8")
    result = run("deviation", "--budgets", budgets_copy)
    assert result.exit_code == ExitStatus.DATA
    assert len(result.stderr.splitlines()) == 1
    assert "2024" in result.stderr and "2024.yml:" in result.stderr


def test_only_year_files_are_read(run, budgets_copy):
    """Editor locks and macOS files are hidden and skipped; another visible .yaml gets a note."""
    for name in (".#2024.yaml", "._2024.yaml", "backup.yaml"):
        (budgets_copy / name).write_text("not: [a year file", encoding="utf-8")
    result = run("deviation", "--budgets", budgets_copy, "--year", "2024")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("note:") == 1 and "backup.yaml is not a year file" in result.stderr


def test_a_file_named_for_another_year(run, budgets_copy):
    (budgets_copy / "2024.yaml").rename(budgets_copy / "2025.yaml")
    result = run("deviation", "--budgets", budgets_copy)
    assert result.exit_code == ExitStatus.DATA
    assert "2025.yaml:10:5: ar 2024 does not match the file name 2025.yaml" in result.stderr


# --- what must load ----------------------------------------------------------------------


def test_bundled_budgets_load_into_int64_ore(budgets_dir):
    budgets = load_budgets(budgets_dir)
    assert sorted(budgets.years) == [2023, 2024]
    a = budgets.amounts
    for col in ("budget", "utfall", "budget_kostnader", "budget_intakter", "utfall_kostnader", "utfall_intakter"):
        assert a.schema[col] == pl.Int64
    eks = a.filter((pl.col("ar") == 2024) & (pl.col("vy") == "stab") & (pl.col("nyckel") == "EKS")).row(0, named=True)
    assert (eks["budget"], eks["utfall"]) == (3_477_510_000, 2_571_400_000)  # 34775.1 and 25714.0 tkr in öre
    assert eks["rad"] == line_of(ORIGINAL, "EKS:")
    assert eks["namn"] == "Ekonomistaben"


def test_utf8_bom_is_accepted(run, budgets_copy, budgets_dir):
    path = budgets_copy / "2024.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with_bom = run("deviation", "-f", "csv", "--budgets", budgets_copy)
    plain = run("deviation", "-f", "csv", "--budgets", budgets_dir)
    assert with_bom.exit_code == 0, with_bom.stderr
    assert with_bom.stdout == plain.stdout
    assert load_budgets(budgets_copy).years[2024].ar == 2024


def test_values_that_yaml_1_1_would_convert_stay_text(run, tmp_path):
    """`NO` (Norway problem), `0815` (octal), `1:20` (sexagesimal) and a date stay as written."""
    d = tmp_path / "b"
    d.mkdir()
    (d / "2024.yaml").write_text("""\
ar: 2024
organisation: Testkommun
enhet: tkr
verksamheter:
  0815: Nollåttafemton
  "920": Gemensamma verksamheter
forvaltningar:
  F:
    namn: Testförvaltningen
    staber:
      NO:
        namn: NO
        budget: 1
        utfall: 1
      "0815":
        namn: 0815
        budget: 2
        utfall: 2
      S120:
        namn: 1:20
        budget: 3
        utfall: 3
      D:
        namn: 2024-08-31
        budget: 4
        utfall: 4
        kommentar: yes
    verksamheter:
      0815: {budget: 6, utfall: 6}
      "920": {budget: 4, utfall: 4}
""", encoding="utf-8")
    budgets = load_budgets(d)
    staber = budgets.amounts.filter(pl.col("vy") == "stab")
    assert staber["nyckel"].to_list() == ["NO", "0815", "S120", "D"]
    assert staber["namn"].to_list() == ["NO", "0815", "1:20", "2024-08-31"]
    assert staber["kommentar"].to_list() == [None, None, None, "yes"]
    assert budgets.years[2024].verksamheter == {"0815": "Nollåttafemton", "920": "Gemensamma verksamheter"}

    result = run("deviation", "-f", "csv", "--budgets", d)
    assert result.exit_code == 0, result.stderr
    rows = [r for r in csv_rows(result.stdout) if r["radtyp"] == "rad"]
    assert [(r["stab"], r["namn"]) for r in rows] == [("NO", "NO"), ("0815", "0815"), ("S120", "1:20"),
                                                      ("D", "2024-08-31")]
    result = run("deviation", "-f", "csv", "--by", "verksamhet", "--unit", "tkr", "--budgets", d)
    rows = {r["verksamhet"]: r for r in csv_rows(result.stdout)}
    assert rows["0815"]["namn"] == "Nollåttafemton" and rows["0815"]["budget"] == "6"


def test_gross_form_gives_exact_net(tmp_path):
    d = tmp_path / "b"
    d.mkdir()
    (d / "2024.yaml").write_text(minimal("""\
    staber:
      A:
        namn: A
        budget: {kostnader: 0.3, intakter: 0.1}
        utfall: {kostnader: 1000000000.001, intakter: 0.001}
""", enhet="tkr"), encoding="utf-8")
    row = load_budgets(d).amounts.row(0, named=True)
    # 0.3 − 0.1 is 0.19999999999999998 in floating point; in öre it is exactly 20 000
    assert (row["budget_kostnader"], row["budget_intakter"], row["budget"]) == (30_000, 10_000, 20_000)
    assert (row["utfall_kostnader"], row["utfall_intakter"], row["utfall"]) == (
        100_000_000_000_100, 100, 100_000_000_000_000)


def test_gross_form_of_the_bundled_klf_summa(budgets_dir):
    import yaml

    written = yaml.load(ORIGINAL, Loader=yaml.BaseLoader)["forvaltningar"]["KLF"]["summa"]["utfall"]
    k, i = Decimal(written["kostnader"]), Decimal(written["intakter"])  # 702093.2 and 70018.3 tkr
    a = load_budgets(budgets_dir).amounts
    summa = a.filter((pl.col("ar") == 2024) & (pl.col("vy") == "summa") & (pl.col("forvaltning") == "KLF")).row(0, named=True)
    assert summa["utfall_kostnader"] == int(k * 100_000)
    assert summa["utfall_intakter"] == int(i * 100_000)
    assert summa["utfall"] == int((k - i) * 100_000) == 63_207_490_000


def test_gross_form_in_kr_renders_exactly(run, tmp_path):
    d = tmp_path / "b"
    d.mkdir()
    (d / "2024.yaml").write_text(minimal("""\
    staber:
      A: {namn: A, budget: {kostnader: 0.3, intakter: 0.1}, utfall: {kostnader: 0.7, intakter: 0.6}}
""", enhet="kr"), encoding="utf-8")
    result = run("deviation", "-f", "csv", "--unit", "kr", "--decimals", "2", "--budgets", d)
    assert result.exit_code == 0, result.stderr
    a = next(r for r in csv_rows(result.stdout) if r["radtyp"] == "rad")
    assert (a["budget"], a["utfall"], a["avvikelse"]) == ("0.20", "0.10", "0.10")


def test_resultat_net_amount_is_stored_negated(run, tmp_path):
    d = tmp_path / "b"
    d.mkdir()
    (d / "2024.yaml").write_text(minimal("""\
    redovisas_som: resultat
    summa:
      budget: 0
      utfall: -9807.1
""").replace("Testförvaltningen", "Verksamhetsstöd och service"), encoding="utf-8")
    row = load_budgets(d).amounts.row(0, named=True)
    # resultat −9 807,1 tkr (a deficit) is a nettokostnad of +9 807,1 tkr
    assert (row["budget"], row["utfall"]) == (0, 980_710_000)
    result = run("deviation", "-f", "csv", "--budgets", d)
    assert result.exit_code == 0, result.stderr
    rows = csv_rows(result.stdout)
    assert [(r["radtyp"], r["redovisas_som"], r["budget"], r["utfall"], r["avvikelse"]) for r in rows] == [
        ("forvaltning", "resultat", "0.0", "-9.8", "-9.8"),
        ("summa", "resultat", "0.0", "-9.8", "-9.8"),
    ]


def test_resultat_gross_form_is_not_negated(tmp_path):
    """kostnader/intakter are unambiguous: the net is kostnader − intäkter whatever the presentation."""
    d = tmp_path / "b"
    d.mkdir()
    (d / "2024.yaml").write_text(minimal("""\
    redovisas_som: resultat
    summa:
      utfall: {kostnader: 671789.4, intakter: 661982.3}
"""), encoding="utf-8")
    row = load_budgets(d).amounts.row(0, named=True)
    assert row["utfall"] == 980_710_000


# --- safer month-end: warnings on stderr -------------------------------------------------------


def test_check_warns_when_a_year_is_a_hundred_times_the_previous(run, budgets_copy):
    """The tkr/mnkr trap: a year's figures written in tkr under enhet: mnkr are 1 000 times too large."""
    path = budgets_copy / "2024.yaml"
    path.write_text(ORIGINAL.replace("enhet: tkr", "enhet: mnkr", 1), encoding="utf-8")
    result = run("check", "--budgets", budgets_copy)
    assert "varning: KLF 2024: utfallet" in result.stdout and "1 046 gånger 2023 års" in result.stdout  # gross: kostnader + intäkter
    assert "kontrollera att enhet (mnkr) stämmer med beloppen" in result.stdout


def test_deviation_warns_when_a_row_is_booked_short(run, tmp_path):
    import shutil

    folder = tmp_path / "budgets"
    shutil.copytree(BUDGETS.parent / "examples" / "budgets", folder)
    path = folder / "2024.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, ln in enumerate(lines) if ln.strip().startswith("2024-10: 1849.3"))  # LED's October
    del lines[first]
    path.write_text("".join(lines), encoding="utf-8")
    result = run("deviation", "--budgets", folder)
    assert result.exit_code == 0
    assert "warning: in 2024, KSF LED booked only up to 2024-09 while other rows are booked up to 2024-10" in result.stderr


def test_a_forecast_left_behind_by_a_stab_taken_out_of_the_year_says_so(run, tmp_path):
    """Found by a new user: a stab taken out of this year's file, its forecast lines left under staber, was told
    "stab NAM lacks 'namn'; add it", which would have made it a stab of the year again. It is told what is wrong
    (no stab of the year: a forecast alone) and both ways out."""
    (tmp_path / "2026.yaml").write_text(
        "ar: 2026\norganisation: Lillby kommun\nenhet: tkr\nforvaltningar:\n  SOC:\n    namn: Socialförvaltningen\n"
        "    staber:\n      IFO: {namn: IFO, budget: 1100, utfall: {2026-01: 90}}\n"
        "      NAM:\n        prognos: {2026-01: 100}\n        kommentar: Nämnden upphör.\n", encoding="utf-8")
    for command in ("deviation", "check"):
        result = run(command, "--budgets", tmp_path)
        assert result.exit_code == 3, result.stderr
    error = run("deviation", "--budgets", tmp_path).stderr.strip().splitlines()
    assert error == [f"Error: {tmp_path}/2026.yaml:9:7: stab NAM has a forecast (prognos) but no namn, "
                     "budget or utfall, so it is no stab of 2026 (one taken out of the year file, its forecast left "
                     "behind?); remove NAM and its forecast from staber, or, if the stab is still in use in 2026, give "
                     "it its namn and budget"]
    # a stab with a budget and no namn is still told to add the namn
    (tmp_path / "2026.yaml").write_text((tmp_path / "2026.yaml").read_text(encoding="utf-8").replace(
        "        prognos: {2026-01: 100}\n", "        budget: 100\n"), encoding="utf-8")
    assert "stab NAM lacks 'namn'; add it" in run("deviation", "--budgets", tmp_path).stderr
