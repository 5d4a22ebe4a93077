"""The README is the front door: its example year file passes `check`, and the commands it shows
print what it says (blocks with `...` are abridged and only their shown lines are compared)."""

from __future__ import annotations

import re
import shlex

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```[a-z]*\n(.*?)```", README, flags=re.DOTALL)
EXAMPLES = [b for b in BLOCKS if b.startswith("$ kfollow ") and "#" not in b.splitlines()[0]]


def _norm(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]  # (a no-break space as printed: copied, it stays one)


def test_the_complete_year_file_passes_check(run, tmp_path):
    start = README.index("A complete year file")
    block = re.search(r"```yaml\n(.*?)```", README[start:], flags=re.DOTALL).group(1)
    (tmp_path / "2024.yaml").write_text(block, encoding="utf-8")
    result = run("check", "--budgets", tmp_path)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert run("deviation", "--budgets", tmp_path).exit_code == 0


@pytest.mark.parametrize("block", EXAMPLES, ids=[b.splitlines()[0][2:60] for b in EXAMPLES])
def test_readme_commands_print_what_the_readme_shows(run, monkeypatch, block):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("KFOLLOW_BUDGETS", raising=False)
    command, *shown = block.rstrip("\n").splitlines()
    result = run(*shlex.split(command)[2:])  # after "$ kfollow"
    actual = _norm(result.stdout + result.stderr)
    shown = _norm("\n".join(shown))
    if "..." in shown:
        assert all(line in actual for line in shown if line != "..."), "\n".join(actual)
    else:
        assert actual == shown


def test_a_budget_change_dated_after_the_period_is_left_out_as_the_readme_says(run, tmp_path):
    """A change decided in May was left out of April's `Budget helår`, its forecast's deviation and its forms,
    and the README did not say so (found by a new user). The example's change (2024-06-17, DIG +1 500 tkr)."""
    assert "A change dated after the period (decided\n  in May, while April is reported) is in none" in README
    assert "a `--period` before\n  its month leaves the change out, of `Budget helår` too" in README
    budgets = ROOT / "examples" / "budgets"

    def dig(period: str) -> str:
        result = run("deviation", "--budgets", budgets, "--period", period, "--unit", "tkr", "--stab", "DIG", "-f", "csv",
                     "--columns", "budget_helar,prognos,prognos_avvikelse")
        assert result.exit_code == 0, result.stderr
        return result.stdout.splitlines()[1]

    assert dig("2024-05") == "32000,35309,-3309" and dig("2024-06") == "33500,35309,-1809"
    import openpyxl

    out = tmp_path / "forms"
    assert run("forms", "--budgets", budgets, "--period", "2024-05", "--unit", "tkr", "-o", out).exit_code == 0
    sheet = openpyxl.load_workbook(next(out.glob("2024-05 DIG *.xlsx")))["Formulär"]
    assert [r[1] for r in sheet.iter_rows(values_only=True) if r[0] == "Budget helår"] == [32000]


MACHINE_COMMANDS = [  # every command that shows a table, on the three budgets folders kfollow ships
    ("deviation",), ("deviation", "--by", "verksamhet"), ("deviation", "--by", "forvaltning"), ("deviation", "--gross"),
    ("deviation", "--comments", "--against", "prognos:2024-08", "--budgets", "examples/budgets"),
    ("deviation", "--by", "konto", "--budgets", "examples/sie/budgets"),
    ("deviation", "--by", "stab,kostnadsslag", "--budgets", "examples/sie/budgets"),
    ("deviation", "--by", "kostnadsslag,konto", "--top", "5", "--budgets", "examples/sie/budgets"),
    ("months", "--budgets", "examples/sie/budgets"), ("compare", "2023", "2024"), ("check",), ("changes",),
    ("changes", "--budgets", "examples/budgets"), ("investments", "--comments"), ("summary", "--against", "prognos:2024-08"),
    ("indicators",), ("status", "--budgets", "examples/budgets", "--period", "2024-08", "--forms", "examples/answered",
                      "--require-comment-over", "1"),
]


def test_every_machine_column_and_row_kind_is_named_under_machine_formats(run, monkeypatch):
    """An analyst loading csv and json into Power BI reads the column names and row kinds from README's 'Machine
    formats and column names'; `kostnadsslag`, `konto`, `stab_namn` and the row kinds `radsumma`, `del` and
    `del_ej_fordelat` of a cut by kostnadsslag, and `changes`' `radtyp` and keys, were not named there (found by
    an analyst feeding Power BI, h132)."""
    import json

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("KFOLLOW_BUDGETS", raising=False)
    section = README[README.index("## Machine formats and column names"):README.index("## Exit codes")]
    named = set(re.findall(r"`([a-z_<>\-]+)`", section))
    missing = set()
    for command in MACHINE_COMMANDS:
        result = run(*command, "-f", "json")
        assert result.exit_code in (0, 1), result.stderr
        rows = json.loads(result.stdout)
        assert rows, command
        for row in rows:
            missing |= {f"{command[0]}: {re.sub(r'_20[0-9]{2}', '_<year>', k)}" for k in row
                        if re.sub(r"_20[0-9]{2}", "_<year>", k) not in named}
            if "radtyp" in row and row["radtyp"] not in named:
                missing.add(f"{command[0]}: radtyp {row['radtyp']}")
    assert not missing, sorted(missing)
