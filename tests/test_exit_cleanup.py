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


def _environment(home, temp) -> dict:
    """The process's environment with `home` as HOME and `temp` as TMPDIR, and no folder of matplotlib's set."""
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "MPLCONFIGDIR",
                                                            "KFOLLOW_BUDGETS")}
    return env | {"HOME": str(home), "TMPDIR": str(temp), "PYTHONPATH": str(ROOT)}


def test_a_chart_without_a_writable_home_leaves_no_temporary_folder(tmp_path):
    home = tmp_path / "home"
    home.write_text("a file, so no folder can be made under it\n")
    temp = tmp_path / "temp"
    temp.mkdir()
    env = _environment(home, temp)
    done = subprocess.run([sys.executable, "-m", "kfollow", "chart", "avvikelse", "--budgets", "examples/budgets",
                           "--period", "2024-10", "-o", str(tmp_path / "avvikelse.svg")],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "avvikelse.svg").read_text(encoding="utf-8").startswith("<?xml")
    # (not matplotlib's advice to set MPLCONFIGDIR at every run: found by an IT operator, h128); what it wrote, as report
    assert done.stderr == f"note: wrote {tmp_path / 'avvikelse.svg'}\n"
    assert sorted(p.name for p in temp.iterdir()) == []


@pytest.mark.parametrize("home", ["file", "read-only"])
def test_a_report_as_a_user_without_a_writable_home_says_only_what_it_wrote(tmp_path, home):
    """A cron job's user whose home cannot hold matplotlib's folders: a report's stderr is kfollow's own lines,
    without 'mkdir -p failed for path …/.config/matplotlib' and 'Matplotlib created a temporary cache directory
    … it is highly recommended to set the MPLCONFIGDIR environment variable' (found by an IT operator scheduling
    the close, h128), and the folder kfollow gave matplotlib instead is gone when it ends."""
    folder = tmp_path / "home"
    if home == "file":
        folder.write_text("a file, so no folder can be made under it\n")
    else:
        folder.mkdir()
        folder.chmod(0o555)
        if os.access(folder, os.W_OK):  # (root may write anywhere)
            pytest.skip("a read-only folder is writable for this user")
    temp = tmp_path / "temp"
    temp.mkdir()
    env = _environment(folder, temp)
    out = tmp_path / "rapport.md"
    done = subprocess.run([sys.executable, "-m", "kfollow", "report", "--budgets", "examples/budgets",
                           "--period", "2024-10", "-o", str(out)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"note: wrote {out} and 2 chart file(s) beside it\n"
    assert (tmp_path / "rapport-avvikelse.svg").read_text(encoding="utf-8").startswith("<?xml")
    assert sorted(p.name for p in temp.iterdir()) == []


def test_without_matplotlib_no_folder_of_its_is_made(tmp_path, monkeypatch):
    """`report` without the charts extra made matplotlib's ~/.config/matplotlib and ~/.cache/matplotlib for a library
    it does not have (found in review, h129)."""
    import importlib.util

    from kfollow.render import charts

    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "MPLCONFIGDIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delitem(sys.modules, "matplotlib", raising=False)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a))
    charts.config_folder()
    assert list(tmp_path.iterdir()) == [] and "MPLCONFIGDIR" not in os.environ
    monkeypatch.setattr(importlib.util, "find_spec", real)  # (with it: the folders matplotlib would make)
    charts.config_folder()
    if sys.platform.startswith("linux"):
        assert (tmp_path / ".config" / "matplotlib").is_dir()
