"""Found in review, h163: imports under cron (two at once, one killed), fact tables as other programs leave them
(a Ctrl-Z at the end), and a mapping given under another file's name."""

from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path

import pytest

from conftest import ROOT, csv_rows
from kfollow.errors import ExitStatus

SIE = ROOT / "examples" / "sie"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """The SIE example's budgets folder, its export and its mapping, copied."""
    shutil.copytree(SIE / "budgets", tmp_path / "budgets")
    shutil.copy(SIE / "exempelby.se", tmp_path / "exempelby.se")
    shutil.copy(SIE / "mapping.yaml", tmp_path / "mapping.yaml")
    return tmp_path


# --- 4. a mapping named .csv, or a workbook, given after --mapping -------------------------------------------------

def test_a_mapping_named_csv_is_said_to_be_a_yaml_file_named_so(work: Path, run):
    shutil.copy(work / "mapping.yaml", work / "mappning.csv")
    result = run("import", "sie", work / "exempelby.se", "--mapping", work / "mappning.csv", "-o", work / "ut.csv")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == (f"Error: {work / 'mappning.csv'}:1:1: the mapping is a YAML file (mapping.yaml), not a CSV "
                             "file, but this one is named .csv; rename it mappning.yaml and give that name after "
                             "--mapping\n")
    assert not (work / "ut.csv").exists()


def test_a_workbook_given_as_the_mapping_is_said_to_be_one(work: Path, run):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(work / "mappning.xlsx"))
    book.add_worksheet().write(0, 0, "konto")
    book.close()
    result = run("import", "csv", work / "exempelby.se", "--mapping", work / "mappning.xlsx", "-o", work / "ut.csv")
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {work / 'mappning.xlsx'}:1:1: this is an Excel workbook, not a mapping: the "
                             "mapping is a YAML text file (mapping.yaml, see README, The mapping file); give that file "
                             "after --mapping\n")
    assert not (work / "ut.csv").exists()


# --- 1. two imports into one table at once ------------------------------------------------------------------------

def _import(work: Path) -> list:
    budgets = work / "budgets"
    return ["import", "sie", work / "exempelby.se", "--mapping", work / "mapping.yaml", "--year", "2024",
            "-o", budgets / "utfall-2024.csv", "--budget-out", budgets / "budget-2024.csv"]


def _folder(work: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((work / "budgets").iterdir())}


def _dead_pid() -> int:
    """The pid of a process that has ended (and been waited for)."""
    import subprocess
    import sys

    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


@pytest.mark.skipif(not hasattr(os, "fork"), reason="flock: POSIX")
def test_a_second_import_into_a_table_an_import_holds_is_refused_at_once_naming_it(work: Path, run):
    """A cron job's import holds the table's lock (here the test holds it, as a running import does) when a
    controller imports into the same table: the second is refused at once, exit 4, naming the first's pid and start
    time, and writes nothing (found in review, h163: the two mixed the one's note with the other's table)."""
    import fcntl

    lock = work / "budgets" / ".utfall-2024.csv.kfollow-lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, json.dumps({"pid": 4711, "host": socket.gethostname(),
                                 "started": "2026-12-07 02:00:01 UTC", "command": "kfollow import"}).encode())
        before = _folder(work)
        result = run(*_import(work))
        assert result.exit_code == ExitStatus.IO == 4
        assert result.stdout == ""
        assert result.stderr == (f"Error: {work / 'budgets' / 'utfall-2024.csv'}: another import into it is running "
                                 "(pid 4711, started 2026-12-07 02:00:01 UTC; its lock .utfall-2024.csv.kfollow-lock is "
                                 "beside it); nothing written: let it finish and run this import again\n")
        assert _folder(work) == before  # nothing written, the budget's lock (taken first) let go of and removed
    finally:
        os.close(fd)
    result = run(*_import(work))  # the first has finished: the import runs, and leaves no lock
    assert result.exit_code == 0, result.stderr
    assert not lock.exists() and not (work / "budgets" / ".budget-2024.csv.kfollow-lock").exists()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="flock: POSIX")
def test_a_lock_that_an_import_no_longer_running_left_is_taken_over_and_said(work: Path, run):
    pid = _dead_pid()
    lock = work / "budgets" / ".utfall-2024.csv.kfollow-lock"
    lock.write_text(json.dumps({"pid": pid, "host": socket.gethostname(), "started": "2026-12-06 23:15:00 UTC",
                                "command": "kfollow import"}), encoding="utf-8")
    result = run(*_import(work))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"warning: {work / 'budgets' / 'utfall-2024.csv'}: an import that no longer runs (pid {pid}, started "
        "2026-12-06 23:15:00 UTC) left its lock .utfall-2024.csv.kfollow-lock; taken over")
    assert not lock.exists()
    assert (work / "budgets" / "utfall-2024.csv").read_bytes() == (SIE / "budgets" / "utfall-2024.csv").read_bytes()


# --- 2. what a killed import leaves ------------------------------------------------------------------------------

def _killed_import(work: Path) -> None:
    """The import killed (SIGKILL) when its temporaries are written and none renamed (the writer's test hook)."""
    import signal
    import subprocess
    import sys

    environ = {**os.environ, "PYTHONPATH": str(ROOT), "KFOLLOW_TEST_HOOK": "before-rename"}
    environ.pop("KFOLLOW_BUDGETS", None)
    done = subprocess.run([sys.executable, "-m", "kfollow", *map(str, _import(work))], capture_output=True, text=True,
                          env=environ, cwd=ROOT, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="SIGKILL, flock: POSIX")
def test_what_a_killed_import_left_is_said_by_check_and_removed_by_the_next_import(work: Path, run):
    budgets = work / "budgets"
    mine = [budgets / ".utfall-2024.csv.kfollow-tmp-anteckning", budgets / "utfall-2024.csv.kfollow-tmp-abcdefgh"]
    for path in mine:  # a user's files, named much as kfollow's: never removed, never warned of
        path.write_text("mitt\n", encoding="utf-8")
    before = _folder(work)
    _killed_import(work)
    left = sorted(set(_folder(work)) - set(before))
    temporaries = [n for n in left if ".kfollow-tmp-" in n]
    assert [n.rpartition("-")[0] for n in temporaries] == [
        ".budget-2024.csv.kalla.json.kfollow-tmp", ".budget-2024.csv.kfollow-tmp",
        ".utfall-2024.csv.kalla.json.kfollow-tmp", ".utfall-2024.csv.kfollow-tmp"]
    assert [n for n in left if n not in temporaries] == [".budget-2024.csv.kfollow-lock", ".utfall-2024.csv.kfollow-lock"]
    assert all(_folder(work)[n] == before[n] for n in before)  # the old tables and notes whole

    result = run("check", "--budgets", budgets, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = [r for r in csv_rows(result.stdout) if r["kod"] == "kvarlamnad_fil"]
    assert [Path(r["fil"]).name for r in rows] == sorted(left)
    assert {r["niva"] for r in rows} == {"varning"}
    by_name = {Path(r["fil"]).name: r["meddelande"] for r in rows}
    utfall_tmp = next(n for n in temporaries if n.startswith(".utfall-2024.csv.kfollow-tmp-"))
    assert by_name[utfall_tmp] == ("en tillfällig fil med ny utfall-2024.csv som en körning av kfollow lämnade när den "
                                   "stoppades innan den var klar: ingen läser den; nästa import till utfall-2024.csv "
                                   "tar bort den, eller ta bort den själv")
    assert by_name[".utfall-2024.csv.kfollow-lock"].startswith(
        "ett importlås som en import till utfall-2024.csv lämnade när den stoppades innan den var klar (pid ")
    assert by_name[".utfall-2024.csv.kfollow-lock"].endswith(
        "): ingen import kör nu; nästa import till utfall-2024.csv tar över det, eller ta bort det själv")

    result = run(*_import(work))
    assert result.exit_code == 0, result.stderr
    assert (f"note: {budgets}: removed 4 temporary files that an import stopped before it finished left "
            f"({', '.join(temporaries)})") in result.stderr.splitlines()
    assert set(_folder(work)) == set(before)  # the user's files stay; no temporary, no lock
    assert all(path.read_text(encoding="utf-8") == "mitt\n" for path in mine)
    result = run("check", "--budgets", budgets, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert [r for r in csv_rows(result.stdout) if r["kod"] == "kvarlamnad_fil"] == []


# --- 3. a fact table that ends with Ctrl-Z ------------------------------------------------------------------------

def _deviation(run, budgets: Path):
    return run("deviation", "--budgets", budgets, "--year", "2024", "--by", "stab", "-f", "csv", "--exact",
               "--unit", "kr")


@pytest.mark.parametrize("how", ["own line", "after the last cell"])
def test_a_fact_table_ending_with_ctrl_z_is_read_as_without_it(work: Path, run, how: str):
    """A fact table saved by a Windows program that ends a text file with Ctrl-Z (0x1A) was refused at its last line
    ('period '\\u001a' contains a control character'), or the mark would end the last amount; it ends the file, and
    every command reads the table as without it (the note's sums too)."""
    budgets = work / "budgets"
    table = budgets / "utfall-2024.csv"
    expected = _deviation(run, budgets)
    assert expected.exit_code == 0, expected.stderr
    raw = table.read_bytes()
    assert raw.endswith(b"\n")
    table.write_bytes(raw + b"\x1a" if how == "own line" else raw[:-1] + b"\x1a")
    result = _deviation(run, budgets)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected.stdout
    assert "summa,,Summa,Summa,nettokostnad,135133333.34,136118800," in result.stdout  # to the krona, as without it
    result = run("check", "--budgets", budgets, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert csv_rows(result.stdout) == []


@pytest.mark.parametrize("tail,line", [(b"\x1a\x1a", 232), (b"\x1a\n2024-10,KSF,LED,,5010,100.00\n", 232)])
def test_a_ctrl_z_not_the_last_byte_alone_stays_refused(work: Path, run, tail: bytes, line: int):
    table = work / "budgets" / "utfall-2024.csv"
    table.write_bytes(table.read_bytes() + tail)
    result = _deviation(run, work / "budgets")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {table}:{line}:1: period ") and "control character (U+001A)" in result.stderr


def test_an_import_over_a_table_ending_with_ctrl_z_compares_it_with_the_new_one(work: Path, run):
    """`import` compares the table it writes over with the new one (a month already closed that changed); of a table
    ending with Ctrl-Z it warned that the new table lacks the period '\\x1a' too, the mark read as a row."""
    table = work / "budgets" / "utfall-2024.csv"
    raw = table.read_bytes()
    table.write_bytes(raw.replace(b"2024-03,KSF,LED,,5010,kostnad,1277452.00", b"2024-03,KSF,LED,,5010,kostnad,1277552.00")
                      + b"\x1a")
    result = run("import", "sie", work / "exempelby.se", "--mapping", work / "mapping.yaml", "--year", "2024",
                 "-o", table)
    assert result.exit_code == 0, result.stderr
    # (not also 'the new utfall table lacks \x1a, which the table it replaces held', of the mark read as a row)
    assert [line for line in result.stderr.splitlines() if line.startswith(("warning", "note: " + str(table)))] == [
        f"warning: {table}: the utfall of 2024-03, before the table's last month, differs from the table it replaces "
        "(1 sum per förvaltning, stab, verksamhet and slag, net -100,00 kr): a month already closed changed (late "
        "bookings, or a changed mapping?)"]
    assert table.read_bytes() == raw
