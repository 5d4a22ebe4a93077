"""KFOLLOW_QUIET: a job that went well prints nothing on stderr (cron mails whatever a job prints, and mailed
every night's `note: wrote …`, `check: …: 0 error(s)` and an import's control totals: found by an IT operator
scheduling the close, h128); warnings and errors print as before, and the data are the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from kfollow.errors import ExitStatus

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "budgets"
SIE = ROOT / "examples" / "sie"
QUIET = {"KFOLLOW_QUIET": "1"}


def test_a_report_written_and_a_check_passed_say_nothing(run, tmp_path):
    loud = run("deviation", "--budgets", EXAMPLES, "-o", tmp_path / "loud.csv")
    assert "note: utfall 2024 is booked up to 2024-10" in loud.stderr and "note: wrote" not in loud.stderr
    result = run("deviation", "--budgets", EXAMPLES, "-o", tmp_path / "quiet.csv", env=QUIET)
    assert result.exit_code == 0 and result.stderr == ""
    assert (tmp_path / "quiet.csv").read_bytes() == (tmp_path / "loud.csv").read_bytes()
    result = run("report", "--budgets", EXAMPLES, "-o", tmp_path / "r.md", env=QUIET)
    assert result.exit_code == 0 and result.stderr == "" and (tmp_path / "r.md").stat().st_size > 1000
    assert "note: wrote" in run("report", "--budgets", EXAMPLES, "-o", tmp_path / "s.md").stderr
    result = run("check", "--budgets", EXAMPLES, env=QUIET)
    assert result.exit_code == 0 and result.stderr == ""
    assert "check: " in run("check", "--budgets", EXAMPLES).stderr


@pytest.mark.parametrize("value", ["0", ""])
def test_zero_or_empty_is_not_quiet(run, value):
    result = run("deviation", "--budgets", EXAMPLES, env={"KFOLLOW_QUIET": value})
    assert "note: utfall 2024 is booked up to 2024-10" in result.stderr


def test_an_import_keeps_its_control_totals_to_itself_and_its_warnings_not(run, tmp_path):
    args = ("import", "sie", SIE / "exempelby.se", "--mapping", SIE / "mapping.yaml", "--year", "2024")
    loud = run(*args, "-o", tmp_path / "loud.csv")
    assert loud.exit_code == 0 and "wrote " in loud.stderr and "kostnader" in loud.stderr
    result = run(*args, "-o", tmp_path / "quiet.csv", env=QUIET)
    assert result.exit_code == 0 and result.stderr == ""
    assert (tmp_path / "quiet.csv").read_bytes() == (tmp_path / "loud.csv").read_bytes()


def test_warnings_and_errors_still_print(run, budgets_copy):
    result = run("deviation", "--budgets", EXAMPLES, "--stab", "NOPE", env=QUIET)
    assert result.exit_code == ExitStatus.USAGE and result.stderr.startswith("Error: no stab NOPE")
    # a check that finds something says so, and its count
    year = budgets_copy / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8") + "\nokänd_nyckel: 1\n", encoding="utf-8")
    result = run("check", "--budgets", budgets_copy, env=QUIET)
    assert result.exit_code != 0 and "error(s)" in result.stderr
