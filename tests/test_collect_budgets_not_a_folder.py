"""Review of the collect lock (h117): `collect --budgets` of a named pipe (a FIFO where the folder should be)
hung for good, since the lock opened the path for reading before the year files were read, and opening a FIFO
waits for a writer; before the lock it said the path is not a folder. The lock takes only a folder, opened
without waiting."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

FORM = ROOT / "examples" / "answered" / "answers" / "2024-10" / "2024-10 EKO Ekonomistab.xlsx"


def test_collect_into_a_fifo_says_it_is_no_folder(tmp_path):
    fifo = tmp_path / "budgets"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("KFOLLOW_BUDGETS", None)
    # (the timeout only ends a hang: the figure asserted is the message and the exit code)
    done = subprocess.run([sys.executable, "-m", "kfollow", "collect", "--budgets", str(fifo), str(FORM)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 4, done.stderr
    assert done.stderr == (f"Error: {fifo}: is not a directory; pass --budgets DIR (the folder of the year files)\n")
    assert done.stdout == ""
