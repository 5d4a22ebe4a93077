"""Two `kfollow collect` into one budgets folder at once (two controllers, or a cron job beside one).

collect reads svar/YYYY-MM.yaml, adds the workbooks' answers and writes the file again: run side by
side, each read the file before the other wrote it, and the one that wrote last dropped the other's
answers while both said `note: 2 answer(s) for 2024-10 → …/svar/2024-10.yaml`, exit 0 (found by a
systemförvaltare's trial, h112). A collect holds the budgets folder's lock from reading to writing.

The test holds the lock itself, as another collect would, and writes that collect's answers file
while the one under test waits: no timing, only the order the lock gives."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "answered"
ANSWERS = EXAMPLE / "answers" / "2024-10"


def _collect(budgets, *books, **popen):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1800000000"}
    env.pop("KFOLLOW_BUDGETS", None)
    return subprocess.Popen([sys.executable, "-m", "kfollow", "collect", "--budgets", str(budgets), *map(str, books)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT, **popen)


def test_a_collect_waits_for_the_one_writing_and_keeps_its_answers(tmp_path):
    # the answers file the other collect writes: HR-stab's answer alone
    other = tmp_path / "other"
    shutil.copytree(EXAMPLE / "budgets", other, ignore=shutil.ignore_patterns("svar"))
    done = _collect(other, ANSWERS / "2024-10 HR HR-stab.xlsx")
    assert done.wait(timeout=120) == 0, done.stderr.read()
    budgets = tmp_path / "budgets"
    shutil.copytree(EXAMPLE / "budgets", budgets, ignore=shutil.ignore_patterns("svar"))

    folder = os.open(budgets, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)  # another collect, between reading and writing
        this = _collect(budgets, ANSWERS / "2024-10 EKO Ekonomistab.xlsx")
        first = this.stderr.readline()
        assert first == (f"note: waiting for another kfollow collect into {budgets} to finish writing its answers\n")
        shutil.copytree(other / "svar", budgets / "svar")  # what the other collect wrote
    finally:
        os.close(folder)  # (the lock goes with it)
    assert this.wait(timeout=120) == 0, this.stderr.read()
    assert this.stderr.read() == f"note: 1 answer(s) for 2024-10 → {budgets}/svar/2024-10.yaml\n"
    answers = (budgets / "svar" / "2024-10.yaml").read_text(encoding="utf-8")
    assert 'stab: "HR"' in answers and 'stab: "EKO"' in answers


def test_a_collect_held_up_by_a_hung_one_stops_with_what_to_do(run, tmp_path, monkeypatch):
    """A collect that hangs (a network disk that stopped answering) held the folder's lock for good, and every later
    collect waited with it, a month-end script too (found in review, session 31). After LOCK_WAIT (ten minutes; a
    moment here) the later one stops, exit 4, saying what to do, and writes nothing."""
    from kfollow.render import writer

    monkeypatch.setattr(writer, "LOCK_WAIT", 0.3)
    budgets = tmp_path / "budgets"
    shutil.copytree(EXAMPLE / "budgets", budgets, ignore=shutil.ignore_patterns("svar"))
    folder = os.open(budgets, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)  # the hung collect
        result = run("collect", "--budgets", budgets, ANSWERS / "2024-10 EKO Ekonomistab.xlsx")
    finally:
        os.close(folder)
    assert result.exit_code == 4, result.stderr
    assert result.stderr == (
        f"note: waiting for another kfollow collect into {budgets} to finish writing its answers\n"
        f"Error: {budgets}: another kfollow collect into it has held the folder for 0,005 minutes and may hang; stop it "
        "(or let it finish) and run this command again\n")
    assert not (budgets / "svar").exists()
