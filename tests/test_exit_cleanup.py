"""What the libraries kfollow uses leave to be cleaned up at exit is cleaned up.

kfollow ends its process with os._exit once its output is flushed (`kfollow.__main__._exit`), which
skips the functions registered with `atexit`. matplotlib registers one: where the user's config folder
cannot be written (a cron job's user without a home of its own, HOME read-only), it makes a temporary
cache folder, /tmp/matplotlib-XXXXXXXX, and removes it at exit. Each `kfollow chart` or `report` run
left one such folder behind, a nightly job one a night (found by a systemförvaltare's trial, h112)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT

pytest.importorskip("matplotlib")


def test_a_chart_without_a_writable_home_leaves_no_temporary_folder(tmp_path):
    home = tmp_path / "home"
    home.write_text("a file, so no folder can be made under it\n")
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "MPLCONFIGDIR",
                                                            "KFOLLOW_BUDGETS")}
    env.update(HOME=str(home), TMPDIR=str(temp), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "kfollow", "chart", "avvikelse", "--budgets", "examples/budgets",
                           "--period", "2024-10", "-o", str(tmp_path / "avvikelse.svg")],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "avvikelse.svg").read_text(encoding="utf-8").startswith("<?xml")
    assert "Matplotlib created a temporary cache directory" in done.stderr  # (matplotlib's own advice: MPLCONFIGDIR)
    assert sorted(p.name for p in temp.iterdir()) == []
