"""A table on a terminal fits its width: packed (one space between columns, a header on two lines),
the row label shortened with "…", and only then figure columns left out from the right. Output to
a file or a pipe is the layout of tabulate's "simple", whatever the terminal."""

from __future__ import annotations

import json

import polars as pl
import pytest
import typer.testing

from conftest import ROOT, csv_rows

EXAMPLES = ROOT / "examples" / "budgets"


@pytest.fixture
def terminal(run, monkeypatch):
    """`run` with stdout a terminal `width` columns wide (`emit` asks the terminal only then); `run`
    itself is a pipe."""
    def at(width: int, *args):
        with monkeypatch.context() as patch:
            patch.setattr(typer.testing._NamedTextIOWrapper, "isatty", lambda self: True, raising=False)
            result = run(*args, env={"COLUMNS": str(width)})
        assert result.exit_code == 0, result.stdout + result.stderr
        return result.stdout

    return at


def table(text: str) -> tuple[list[str], list[str]]:
    """The header line(s) and the rows of the one table in a command's output."""
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("---"))
    end = lines.index("", rule) if "" in lines[rule:] else len(lines)
    head = lines[lines.index("", 0) + 1:rule] if "" in lines[:rule] else lines[:rule]
    return head, lines[rule + 1:end]


def header_words(head: list[str]) -> str:
    return " ".join(" ".join(line.split()) for line in head)


@pytest.mark.parametrize("args, label", [
    (("deviation", "--by", "stab"), "Stab"),
    (("deviation", "--by", "verksamhet"), "Verksamhet"),
])
def test_deviation_at_80_columns_keeps_its_main_columns_on_one_line_a_row(terminal, run, args, label):
    text = terminal(80, *args)
    assert max(map(len, text.splitlines())) <= 80, text
    head, rows = table(text)
    assert len(head) == 2 and head[0].startswith(label)
    # "Avvikelse %" wrapped: "%" under its first line, right-aligned with the figures
    assert head[0].split()[:5] == [label, "Budget", "Utfall", "Avvikelse", "Avvikelse"]
    assert head[1].split()[0] == "%"
    assert "Avvikelse %" not in text.partition("Utelämnat")[2]
    # every row of the whole table is there, one line each
    assert len(rows) == len(csv_rows(run(*args, "-f", "csv").stdout))
    # one space between columns: the dashed line is dashes and single spaces
    dashes = text.splitlines()[text.splitlines().index(head[-1]) + 1]
    assert "  " not in dashes and set(dashes) == {"-", " "}


def test_by_verksamhet_shortens_long_labels_and_keeps_them_whole_in_csv_and_json(terminal, run):
    text = terminal(80, "deviation", "--by", "verksamhet")
    _, rows = table(text)
    short = [r for r in rows if "…" in r]
    assert short, text
    assert not any("bostadsverksamhet" in r for r in rows)  # "215 - Fysisk & teknisk planering, bostadsverksamhet"
    assert any(r.startswith("215 - Fysisk & teknisk") for r in short)
    names = [r["namn"] for r in csv_rows(run("deviation", "--by", "verksamhet", "-f", "csv").stdout)]
    assert "Fysisk & teknisk planering, bostadsverksamhet" in names
    data = json.loads(run("deviation", "--by", "verksamhet", "-f", "json").stdout)
    assert "Fysisk & teknisk planering, bostadsverksamhet" in json.dumps(data, ensure_ascii=False)
    assert not any("…" in n for n in names)


def test_compare_and_months_at_80_columns_keep_their_main_columns(terminal):
    compare = terminal(80, "compare", "2023", "2024")
    assert max(map(len, compare.splitlines())) <= 80, compare
    head, rows = table(compare)
    assert header_words(head).split()[:4] == ["Stab", "Utfall", "Utfall", "Förändring"]
    assert head[1].split()[:2] == ["2023", "2024"]
    assert rows[-1].startswith("Summa nettokostnad") and "641,9" in rows[-1]

    months = terminal(80, "months", "--budgets", EXAMPLES, "--stab", "EKO")
    assert max(map(len, months.splitlines())) <= 80, months
    head, rows = table(months)
    assert head[0].split()[:4] == ["Månad", "Budget", "Utfall", "Avvikelse"]
    assert len(rows) == 10 and rows[0].startswith("2024-01")


def test_a_narrower_terminal_leaves_out_figure_columns_from_the_right_and_says_so(terminal):
    text = terminal(60, "deviation")
    assert max(map(len, text.splitlines())) <= 60, text
    head, rows = table(text)
    assert head[0].split() == ["Stab", "Budget", "Utfall", "Avvikelse", "Avvikelse"]
    note = " ".join(text.split("Anm.: Utelämnat")[1].split())
    assert note == "för att passa terminalens bredd: Andel av summa %, Utfall 2023; --columns väljer kolumner."
    assert rows[-1].split()[-4:] == ["654,0", "641,9", "12,1", "1,9"]


def test_a_wide_terminal_or_a_pipe_gets_the_layout_of_a_file(terminal, run):
    piped = run("deviation").stdout
    assert terminal(200, "deviation") == piped
    assert "-----------------------------------  --------" in piped  # two spaces: tabulate's "simple"
    assert terminal(80, "deviation", "-f", "csv") == run("deviation", "-f", "csv").stdout


def test_packed_wraps_a_header_and_shortens_the_label_as_far_as_the_width_needs():
    from kfollow.render.text import packed

    frame = pl.DataFrame({"a": ["Kommunikation och utvecklingsstaben", "  varav kostnader"],
                          "b": ["55,6", "–"], "c": ["-4,3", "1,0"]})
    headers, align = ["Stab", "Budget", "Avvikelse %"], ["left", "right", "right"]
    assert packed(frame, headers, align).splitlines() == [
        "Stab                                Budget Avvikelse",
        "                                                   %",
        "----------------------------------- ------ ---------",
        "Kommunikation och utvecklingsstaben   55,6      -4,3",
        "  varav kostnader                        –       1,0",
    ]
    assert packed(frame, headers, align, width=43).splitlines() == [
        "Stab                       Budget Avvikelse",
        "                                          %",
        "-------------------------- ------ ---------",
        "Kommunikation och utveckl…   55,6      -4,3",
        "  varav kostnader               –       1,0",
    ]
    # a header is wrapped only where its cells are narrower than it; an empty table keeps its layout
    assert packed(frame.clear(), ["Stab", "Budget", "Avvikelse %"], align).splitlines() == [
        "Stab Budget Avvikelse", "                    %", "---- ------ ---------"]


@pytest.mark.parametrize("command", [("deviation", "--comments"), ("investments", "--year", "2024", "--comments")])
def test_comments_that_cannot_fit_are_listed_below_the_table_that_fits(terminal, run, command):
    """A comment is a long line: the table kept it and ran to about 230 characters, every row wrapping
    (found in review). Now the table fits without it, and each comment follows below, wrapped, under
    its row's label; none is lost."""
    text = terminal(80, *command)
    assert max(map(len, text.splitlines())) <= 80, text
    head, rows = table(text)
    assert "Kommentar" not in " ".join(head)
    listed = text.split("\nKommentarer:\n")[1].split("\n\nAnm.:")[0]
    wide = [r for r in csv_rows(run(*command, "--format", "csv").stdout) if r.get("kommentar")]
    assert wide and len([line for line in listed.splitlines() if not line.startswith("    ")]) == len(wide)
    assert " ".join(listed.split()) == " ".join(" ".join(f"{_label(r)}: {r['kommentar']}" for r in wide).split())


def _label(row: dict) -> str:
    return row.get("namn") or row.get("rubrik") or ""


def test_the_readme_shows_a_terminal_table_as_it_is(terminal, monkeypatch):
    """The README's example "in a terminal N characters wide" (test_readme runs only the others)."""
    import re
    import shlex

    from test_readme import BLOCKS, _norm

    block = next(b for b in BLOCKS if re.search(r"# in a terminal \d+ characters wide", b.splitlines()[0]))
    command, *shown = block.rstrip("\n").splitlines()
    width = int(re.search(r"terminal (\d+)", command).group(1))
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("KFOLLOW_BUDGETS", raising=False)
    actual = _norm(terminal(width, *shlex.split(command.split("#")[0])[2:]))
    shown = [line for line in _norm("\n".join(shown)) if line != "..."]
    assert all(line in actual for line in shown), "\n".join(actual)
    assert [line for line in actual if line in shown] == shown  # in this order


def test_status_keeps_what_is_missing_on_a_narrow_terminal(run, monkeypatch):
    """`Saknas` is the point of the status table: it went first (found in review)."""
    monkeypatch.setattr(typer.testing._NamedTextIOWrapper, "isatty", lambda self: True, raising=False)
    result = run("status", "--budgets", ROOT / "examples" / "answered" / "budgets", "--period", "2024-10",
                 "--unit", "tkr", "--require-comment-over", "1%", "--forms",
                 ROOT / "examples" / "answered" / "forms" / "2024-10", env={"COLUMNS": "80"})
    assert result.exit_code == 1  # an answer is missing
    text = result.stdout
    head, rows = table(text)
    assert "Saknas" in " ".join(head) and any(r.endswith("prognos, kommentar") for r in rows)
    assert max(map(len, text.splitlines())) <= 80


def test_a_label_two_forvaltningar_share_is_listed_with_its_forvaltning(terminal, tmp_path):
    """Two `Ej fördelat på stab` rows with comments were listed under the same label, and a reader
    could not tell whose was whose (found in review)."""
    text = "ar: 2024\norganisation: Test\nenhet: kr\nforvaltningar:\n"
    for fid in ("ADM", "FRI"):
        text += (f"  {fid}:\n    namn: Förvaltning {fid}\n    staber:\n      S{fid}: {{namn: Stab {fid}, budget: 100.0, "
                 f"utfall: 90.0, kommentar: {'Lång förklaring ' * 6}av staben {fid}.}}\n"
                 f"    ej_fordelat:\n      staber:\n        utfall: 5.0\n"
                 f"        kommentar: Bokat utan ansvar i {fid}, {'och mycket mer att säga ' * 4}.\n")
    (tmp_path / "2024.yaml").write_text(text, encoding="utf-8")
    shown = terminal(80, "deviation", "--budgets", tmp_path, "--comments", "--unit", "kr")
    listed = shown.split("\nKommentarer:\n")[1].split("\n\nAnm.:")[0]
    labels = [line.split(":")[0] if not line.startswith("ADM: ") and not line.startswith("FRI: ")
              else ": ".join(line.split(": ")[:2]) for line in listed.splitlines() if not line.startswith("    ")]
    assert labels == ["Stab ADM", "ADM: Ej fördelat på stab", "Stab FRI", "FRI: Ej fördelat på stab"], listed


def test_a_label_two_rows_of_one_forvaltning_share_is_listed_with_its_key(terminal, tmp_path):
    """Two staber both named `Stab` in ADM were listed as `ADM: Stab` twice (found in review)."""
    text = "ar: 2024\norganisation: Test\nenhet: kr\nforvaltningar:\n  ADM:\n    namn: Förvaltning ADM\n    staber:\n"
    for sid in ("S1", "S2"):
        text += f"      {sid}: {{namn: Stab, budget: 100.0, utfall: 90.0, kommentar: {'Lång förklaring ' * 6}av {sid}.}}\n"
    (tmp_path / "2024.yaml").write_text(text, encoding="utf-8")
    shown = terminal(80, "deviation", "--budgets", tmp_path, "--comments", "--unit", "kr")
    listed = shown.split("\nKommentarer:\n")[1].split("\n\nAnm.:")[0]
    assert [line.split(": ")[0] for line in listed.splitlines() if not line.startswith("    ")] == ["ADM S1", "ADM S2"]


def test_changes_at_80_columns_shorten_the_decision_and_keep_the_columns_that_name_the_row(terminal, run):
    """A decision's text is long; which förvaltning, stab and verksamhet a change hits matters more:
    the text is shortened with "…" (whole in csv), and only then columns are left out from the right."""
    text = terminal(80, "changes", "--year", "2024")
    assert max(map(len, text.splitlines())) <= 80, text
    head, rows = table(text)
    assert header_words(head).split() == ["Datum", "Beslut", "Förvaltning", "Stab", "Verksamhet", "Belopp", "Netto"]
    assert rows[0].split()[:2] == ["2024-04-30", "Kommunstyrelsen"] and "…" in rows[0]
    assert rows[0].split()[-5:] == ["KLF", "KGEM", "340", "-16,3", "-16,3"]
    note = " ".join(text.split("Anm.: Utelämnat")[1].split())
    assert note == "för att passa terminalens bredd: Post, Text; --columns väljer kolumner."
    decisions = [r["beslut"] for r in csv_rows(run("changes", "--year", "2024", "-f", "csv").stdout)]
    assert "Kommunstyrelsen våren 2024 (paragraf anges inte i verksamhetsberättelsen)" in decisions
    wide = terminal(120, "changes", "--year", "2024")  # room for the text too: shortened as far as it must
    head, rows = table(wide)
    assert max(map(len, wide.splitlines())) <= 120 and header_words(head).split()[-1] == "Text"
    assert "Utelämnat" not in wide


def test_a_shortened_decision_keeps_its_beginning(terminal, tmp_path):
    """Found in review: a decision `KS 2024-04-30 § 45: omfördelning …` was cut as a label naming a
    part (`KS 2…: omfördelning av…`), losing the date and §: another text is cut at its end only."""
    import shutil

    d = tmp_path / "budgets"
    shutil.copytree(ROOT / "budgets", d)
    year = d / "2024.yaml"
    text = year.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip().startswith("beslut:"))
    year.write_text(text.replace(first, first.split("beslut:")[0] + 'beslut: "KS 2024-04-30 § 45: omfördelning av '
                                 'medel mellan staberna inom förvaltningen"', 1), encoding="utf-8")
    shown = terminal(80, "changes", "--year", "2024", "--budgets", d)
    _, rows = table(shown)
    assert rows[0].startswith("2024-04-30 KS 2024-04-30 § 45: omfö") and "…" in rows[0], shown


def test_a_note_on_a_column_left_out_to_fit_is_left_out_too(terminal):
    """Found in review: `Förändring % är – där …` stood under a table that the terminal's width had
    left Förändring % out of."""
    wide, narrow = terminal(200, "compare", "2023", "2024", "--by", "forvaltning"), \
        terminal(45, "compare", "2023", "2024", "--by", "forvaltning")
    assert "Förändring % är –" in wide
    assert "Förändring %" in " ".join(narrow.split("Utelämnat")[1].split()) and "är –" not in narrow
