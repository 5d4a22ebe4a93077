"""What kfollow writes, it writes whole or not at all, and only where it was asked to (issue 14).

Every file goes through `kfollow.render.writer`: an import's tables and their notes
(`OUT.kalla.json`), a Markdown report and its charts. A name kfollow chose beside `-o` is never
followed through a link nor written onto a FIFO, never a file the command reads, never a name
too long for its folder; a set is written to temporaries first and renamed into place, the main
file last. The kills run the command in a subprocess that kills itself at the writer's test hook
(`KFOLLOW_TEST_HOOK=before-rename`), so nothing depends on timing.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, _invoke as run
from kfollow.errors import ExitStatus, InputOutputError, UsageError
from kfollow.render import writer
from kfollow.render.writer import STALE, STALE_AFTER, File, write, write_files

SIE = ROOT / "examples" / "sie"
SET = ("utfall-2024.csv", "utfall-2024.csv.kalla.json", "budget-2024.csv", "budget-2024.csv.kalla.json")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder with the example export and its mapping (and no year file: the ids are not checked)."""
    shutil.copy(SIE / "exempelby.se", tmp_path / "exempelby.se")
    shutil.copy(SIE / "mapping.yaml", tmp_path / "mapping.yaml")
    return tmp_path


def import_args(work: Path, out: str = "utfall-2024.csv", budget: str | None = "budget-2024.csv",
                export: str = "exempelby.se", mapping: str = "mapping.yaml") -> list:
    args = ["import", "sie", work / export, "--mapping", work / mapping, "--year", "2024", "-o", work / out]
    return args + (["--budget-out", work / budget] if budget else [])


def old_set(folder: Path, names=SET) -> dict[str, bytes]:
    """The previous run's files, each with its own content, as a snapshot to compare with."""
    for name in names:
        (folder / name).write_bytes(f"old {name}\n".encode())
    return files(folder, names)


def files(folder: Path, names) -> dict[str, bytes | None]:
    return {n: (folder / n).read_bytes() if (folder / n).exists() else None for n in names}


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if STALE.fullmatch(p.name))


def error_line(result) -> str:
    """The error of a run that failed before its work: exactly one line on stderr."""
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def age(paths, seconds: float = STALE_AFTER + 60) -> None:
    then = time.time() - seconds
    for path in paths:
        os.utime(path, (then, then))


def _default_stops() -> None:
    """In the child: SIGTERM and SIGHUP as a scheduler's job gets them. A suite run under `nohup` passed SIGHUP on
    ignored, and kfollow keeps a signal ignored when it starts (`nohup kfollow …`), so the tests of SIGHUP failed
    there (found running the suite under nohup, session 34)."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def subprocess_run(args: list, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    environ.pop("KFOLLOW_BUDGETS", None)
    return subprocess.run([sys.executable, "-m", "kfollow", *map(str, args)], capture_output=True, text=True,
                          env=environ, cwd=ROOT, timeout=120, preexec_fn=_default_stops)


# --- the import's note is checked as -o is ---------------------------------------------------------

def test_an_import_writes_each_table_with_its_note_and_leaves_no_temporary(work):
    result = run(*import_args(work))
    assert result.exit_code == 0, result.stderr
    written = files(work, SET)
    assert written["utfall-2024.csv"].startswith(b"period,") and written["budget-2024.csv"].startswith(b"period,")
    assert b'"export": "exempelby.se"' in written["utfall-2024.csv.kalla.json"]
    assert temporaries(work) == []


@pytest.mark.parametrize("victim", ["script", "year file"])
def test_a_link_planted_at_the_note_name_is_refused_and_nothing_is_written(work, victim):
    if victim == "script":
        target = work / "month-end.sh"
        target.write_text("#!/bin/sh\necho month-end\n", encoding="utf-8")
        extra = []
    else:  # the year file the import has just read to check the ids
        (work / "budgets").mkdir()
        target = work / "budgets" / "2024.yaml"
        shutil.copy(SIE / "budgets" / "2024.yaml", target)
        extra = ["--budgets", work / "budgets"]
    before = target.read_bytes()
    (work / "utfall-2024.csv.kalla.json").symlink_to(target)
    result = run(*import_args(work), *extra)
    assert result.exit_code == ExitStatus.IO
    line = error_line(result)
    assert "utfall-2024.csv.kalla.json" in line and "symbolic link" in line and "remove the link" in line
    assert target.read_bytes() == before and (work / "utfall-2024.csv.kalla.json").is_symlink()
    assert not any((work / n).exists() for n in ("utfall-2024.csv", "budget-2024.csv", "budget-2024.csv.kalla.json"))
    assert temporaries(work) == []


@pytest.mark.parametrize("input_", ["export", "mapping"])
def test_the_note_may_not_replace_an_input_of_its_name(work, input_):
    name = "out.csv.kalla.json"
    (work / ("exempelby.se" if input_ == "export" else "mapping.yaml")).rename(work / name)
    before = (work / name).read_bytes()
    names = {"export": name} if input_ == "export" else {"mapping": name}
    result = run(*import_args(work, out="out.csv", budget=None, **names))
    assert result.exit_code == ExitStatus.USAGE
    line = error_line(result)
    assert name in line and "a file this command reads" in line
    assert (work / name).read_bytes() == before and not (work / "out.csv").exists()


@needs_fifo
def test_a_fifo_at_the_note_name_is_refused_without_waiting(work):
    os.mkfifo(work / "utfall-2024.csv.kalla.json")
    result = run(*import_args(work, budget=None))
    assert result.exit_code == ExitStatus.IO
    assert "not a regular file" in error_line(result)
    assert not (work / "utfall-2024.csv").exists()


def test_a_table_may_not_be_a_link_to_a_year_file(work):
    (work / "budgets").mkdir()
    year_file = work / "budgets" / "2024.yaml"
    shutil.copy(SIE / "budgets" / "2024.yaml", year_file)
    before = year_file.read_bytes()
    (work / "utfall-2024.csv").symlink_to(year_file)
    result = run(*import_args(work, budget=None))
    assert result.exit_code == ExitStatus.USAGE
    assert "year file" in error_line(result)
    assert year_file.read_bytes() == before


# --- names too long for the folder -------------------------------------------------------------------

def name_max(folder: Path) -> int:
    return os.pathconf(folder, "PC_NAME_MAX")


def test_a_note_name_too_long_is_refused_before_anything_is_written(work):
    long = "u" * (name_max(work) - len(".csv") - 5) + ".csv"  # the table's name fits, its note's does not
    before = old_set(work, (long, "budget-2024.csv", "budget-2024.csv.kalla.json"))
    result = run(*import_args(work, out=long))
    assert result.exit_code == ExitStatus.IO
    line = error_line(result)
    assert "kalla.json" in line and "the name is" in line and "shorter name" in line
    assert files(work, before) == before
    assert sorted(p.name for p in work.iterdir()) == sorted([*before, "exempelby.se", "mapping.yaml"])


def test_a_name_that_fits_is_written_with_its_note_though_the_temporaries_names_would_not(work):
    long = "u" * (name_max(work) - 19 - len(".csv")) + ".csv"  # the 236 characters: the note is 247
    result = run(*import_args(work, out=long, budget=None))
    assert result.exit_code == 0, result.stderr
    assert (work / long).read_bytes().startswith(b"period,") and (work / f"{long}.kalla.json").exists()
    assert temporaries(work) == []


def test_an_output_name_too_long_is_refused_before_the_work(tmp_path, budgets_dir):
    result = run("deviation", "--budgets", budgets_dir, "-o", tmp_path / ("d" * (name_max(tmp_path) + 1) + ".csv"))
    assert result.exit_code == ExitStatus.IO
    assert "the name is" in error_line(result)
    assert list(tmp_path.iterdir()) == []


# --- the report's charts ---------------------------------------------------------------------------------

CHARTS = ("r.md", "r-avvikelse.svg", "r-manader.svg")
REPORT = ("report", "--budgets", SIE / "budgets", "--period", "2024-10")


def test_a_link_planted_at_a_chart_name_is_not_followed_out_of_the_folder(tmp_path):
    pytest.importorskip("matplotlib")
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "r.md").write_text("old\n", encoding="utf-8")
    (out / "r-avvikelse.svg").symlink_to(elsewhere / "evil.svg")
    result = run(*REPORT, "-o", out / "r.md")
    assert result.exit_code == ExitStatus.IO
    line = result.stderr.splitlines()[-1]
    assert line.startswith("Error: ") and "r-avvikelse.svg" in line and "symbolic link" in line
    assert list(elsewhere.iterdir()) == []
    assert (out / "r.md").read_text(encoding="utf-8") == "old\n" and not (out / "r-manader.svg").exists()
    assert temporaries(out) == []


def test_a_report_writes_its_charts_and_page_and_leaves_no_temporary(tmp_path):
    pytest.importorskip("matplotlib")
    result = run(*REPORT, "-o", tmp_path / "r.md")
    assert result.exit_code == 0, result.stderr
    assert all((tmp_path / n).is_file() for n in CHARTS) and temporaries(tmp_path) == []


# --- a kill or a failure leaves the old set whole ----------------------------------------------------------

def test_a_kill_before_the_renames_leaves_the_old_set_and_a_later_run_removes_the_temporaries(work):
    before = old_set(work)
    done = subprocess_run(import_args(work), KFOLLOW_TEST_HOOK="before-rename")
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert files(work, SET) == before
    left = temporaries(work)
    assert len(left) == len(SET)  # every file was written to its temporary, none renamed
    other = work / ".rapport.pdf.kfollow-tmp-abcdefgh"
    other.write_bytes(b"%PDF")
    # the import holds its tables' lock: their temporaries, however young, are a killed run's (h163); another
    # file's young temporary may be a running write's: it stays
    result = run(*import_args(work))
    assert result.exit_code == 0, result.stderr
    assert temporaries(work) == [other.name]
    age([other])
    result = run(*import_args(work))
    assert result.exit_code == 0, result.stderr
    assert temporaries(work) == []
    assert all(files(work, SET)[n] != before[n] for n in SET)


def test_a_kill_before_the_renames_leaves_the_old_report_and_charts(tmp_path):
    pytest.importorskip("matplotlib")
    before = old_set(tmp_path, CHARTS)
    done = subprocess_run([*REPORT, "-o", tmp_path / "r.md"], KFOLLOW_TEST_HOOK="before-rename")
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert files(tmp_path, CHARTS) == before
    assert len(temporaries(tmp_path)) == len(CHARTS)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminate_while_writing_leaves_the_old_set_and_no_temporary(work, signum):
    """systemd stopping the job (SIGTERM) or its session closing (SIGHUP) while the import writes: the old
    tables stay, and no `.NAME.kfollow-tmp-…` is left for a later run to find; the process ends by the signal
    (143 or 129 in the shell), with no traceback (found by an IT operator scheduling the close, h128)."""
    before = old_set(work)
    done = subprocess_run(import_args(work), KFOLLOW_TEST_HOOK=f"before-rename:{signal.Signals(signum).name}")
    assert done.returncode == -signum, done.stderr
    assert "Traceback" not in done.stderr and "Error" not in done.stderr
    assert files(work, SET) == before
    assert temporaries(work) == []


def test_a_terminated_report_leaves_neither_temporaries_nor_matplotlibs_cache_folder(tmp_path):
    """A report stopped with SIGTERM as a cron job's user without a writable home runs it: its charts' and
    page's temporaries are removed, and so is the folder matplotlib made in TMPDIR (its atexit function runs)."""
    pytest.importorskip("matplotlib")
    home, temp, out = tmp_path / "home", tmp_path / "temp", tmp_path / "out"
    home.write_text("a file, so no folder can be made under it\n")
    temp.mkdir()
    out.mkdir()
    before = old_set(out, CHARTS)
    done = subprocess_run([*REPORT, "-o", out / "r.md"], KFOLLOW_TEST_HOOK="before-rename:SIGTERM", HOME=str(home),
                          TMPDIR=str(temp), MPLCONFIGDIR="", XDG_CONFIG_HOME="", XDG_CACHE_HOME="")
    assert done.returncode == -signal.SIGTERM, done.stderr
    assert files(out, CHARTS) == before and temporaries(out) == []
    assert list(temp.iterdir()) == []


class Stop(BaseException):
    """What kfollow's SIGTERM handler raises (`__main__.Terminated`), at the worst moment."""


@pytest.mark.parametrize("call", ["open", "link"])
def test_a_stop_just_as_a_temporary_is_made_leaves_none(tmp_path, monkeypatch, call):
    """A SIGTERM the instant a temporary (or the hard link that keeps an old file) is made, before the writer
    had its name: it was left behind, as the real signal left '.r-avvikelse.svg.kfollow-tmp-qph0heh0' beside a
    report stopped while it wrote (found by an IT operator scheduling the close, h128)."""
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text(f"old {name}\n", encoding="utf-8")
    real = getattr(os, call)

    def made_then_stopped(*args, **kwargs):
        result = real(*args, **kwargs)
        if writer.TMP_MARK in str(args[0 if call == "open" else 1]):
            if call == "open":
                os.close(result)
            raise Stop
        return result

    monkeypatch.setattr(os, call, made_then_stopped)
    with pytest.raises(Stop):
        write_files([File(tmp_path / "a.csv", "new a\n"), File(tmp_path / "b.csv", "new b\n")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]
    assert [(tmp_path / n).read_text(encoding="utf-8") for n in ("a.csv", "b.csv")] == ["old a.csv\n", "old b.csv\n"]


def test_a_terminate_ignored_when_kfollow_starts_stays_ignored(work):
    """`nohup kfollow …` (SIGHUP ignored) is not ended by the SIGHUP it was started to outlive."""
    def nohup():
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    done = subprocess.run([sys.executable, "-m", "kfollow", *map(str, import_args(work))], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, preexec_fn=nohup,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "KFOLLOW_TEST_HOOK": "before-rename:SIGHUP"})
    assert done.returncode == 0, done.stderr
    assert all(files(work, SET)[n] is not None for n in SET) and temporaries(work) == []


@pytest.mark.parametrize("failing", ["utfall-2024.csv.kalla.json", "budget-2024.csv", "utfall-2024.csv"])
def test_a_rename_that_fails_puts_back_what_it_replaced(work, monkeypatch, failing):
    before = old_set(work)
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst).name == failing and not getattr(replace, "failed", False):
            replace.failed = True
            raise OSError(errno.EPERM, os.strerror(errno.EPERM), str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    result = run(*import_args(work))
    assert result.exit_code == ExitStatus.IO
    assert result.stderr.splitlines()[-1].startswith("Error: ") and "nothing written" in result.stderr
    assert files(work, SET) == before
    assert temporaries(work) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full to fill")
@pytest.mark.parametrize("full_at", [1, 4])
def test_a_full_disk_while_writing_leaves_the_old_set(work, monkeypatch, full_at):
    before = old_set(work)
    real, calls = os.open, []

    def made(name, *args, **kwargs):  # (the writer makes each temporary with os.open, as mkstemp does)
        fd = real(name, *args, **kwargs)
        if writer.TMP_MARK in str(name):
            calls.append(name)
            if len(calls) == full_at:  # this temporary's bytes go to a full disk
                os.close(fd)
                fd = real("/dev/full", os.O_WRONLY)
        return fd

    monkeypatch.setattr(os, "open", made)
    result = run(*import_args(work))
    assert result.exit_code == ExitStatus.IO
    assert os.strerror(errno.ENOSPC) in result.stderr.splitlines()[-1]
    assert files(work, SET) == before
    assert temporaries(work) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder_leaves_the_old_set(work):
    before = old_set(work)
    work.chmod(0o555)
    try:
        result = run(*import_args(work))
    finally:
        work.chmod(0o755)
    assert result.exit_code == ExitStatus.IO
    assert files(work, SET) == before and temporaries(work) == []


# --- the writer itself -----------------------------------------------------------------------------------------

def test_only_kfollows_own_stale_temporaries_are_removed(tmp_path):
    ours_old, ours_young = tmp_path / ".a.csv.kfollow-tmp-abcd1234", tmp_path / ".a.csv.kfollow-tmp-young_12"
    others = [tmp_path / ".a.csv.abcd1234", tmp_path / "a.csv.kfollow-tmp-abcd1234.bak", tmp_path / "notes.txt"]
    for path in [ours_old, ours_young, *others]:
        path.write_text("x", encoding="utf-8")
    (tmp_path / ".b.kfollow-tmp-abcd1234").symlink_to(tmp_path / "notes.txt")
    age([ours_old, *others])
    os.utime(tmp_path / ".b.kfollow-tmp-abcd1234", (0, 0), follow_symlinks=False)
    write("new\n", tmp_path / "a.csv")
    assert not ours_old.exists() and ours_young.exists() and all(p.exists() for p in others)
    assert (tmp_path / ".b.kfollow-tmp-abcd1234").is_symlink()
    assert (tmp_path / "a.csv").read_text(encoding="utf-8") == "new\n"


def test_neither_the_file_asked_for_nor_the_files_beside_it_are_written_through_a_link(tmp_path):
    (tmp_path / "report.md").write_text("old\n", encoding="utf-8")
    (tmp_path / "latest.md").symlink_to(tmp_path / "report.md")
    with pytest.raises(InputOutputError, match="is a symbolic link"):
        write_files([File(tmp_path / "latest-chart.svg", "<svg/>", beside=tmp_path / "latest.md"),
                     File(tmp_path / "latest.md", "new\n")])
    assert (tmp_path / "report.md").read_text(encoding="utf-8") == "old\n" and temporaries(tmp_path) == []
    assert not (tmp_path / "latest-chart.svg").exists()
    with pytest.raises(UsageError, match="the same file"):
        write_files([File(tmp_path / "report.md", "a"), File(tmp_path / "sub" / ".." / "report.md", "b")])


@needs_fifo
def test_a_fifo_asked_for_as_the_output_is_written_in_place(tmp_path, budgets_dir):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("deviation", "--budgets", budgets_dir, "--stab", "EKS", "-f", "csv", "-o", fifo)
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert got and got[0].startswith(b"radtyp,") and temporaries(tmp_path) == []


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="no /dev/stdout on this platform")
def test_dev_stdout_as_the_output_writes_to_a_pipe(budgets_dir):
    done = subprocess_run(["deviation", "--budgets", budgets_dir, "--stab", "EKS", "-f", "csv", "-o", "/dev/stdout"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("radtyp,")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stop_while_the_process_ends_lets_its_clean_up_finish_and_ends_by_the_signal(tmp_path, signum):
    """A stop that comes while the functions registered with `atexit` run (matplotlib's temporary cache folder being
    removed) was raised inside one of them: Python printed 'Exception ignored in atexit callback' with a traceback,
    and the process, stopped, ended 0 (found in review, h129). The clean-up runs to its end, and the process then
    ends by the signal."""
    done_file = tmp_path / "cleaned"
    program = ("import atexit, os, pathlib, signal, sys\n"
               "from kfollow.__main__ import main\n"
               f"atexit.register(pathlib.Path({str(done_file)!r}).write_text, 'the rest of the clean-up ran')\n"
               f"atexit.register(os.kill, os.getpid(), {int(signum)})\n"
               "sys.argv = ['kfollow', '--version']\n"
               "main()\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, preexec_fn=_default_stops)
    assert done.returncode == -signum, done.stderr
    assert done.stderr == "" and done.stdout.startswith("kfollow ")
    assert done_file.read_text(encoding="utf-8") == "the rest of the clean-up ran"


def test_ctrl_c_while_the_command_line_is_imported_ends_as_ctrl_c_during_a_command():
    """Ctrl-C in the first tenths of a second, while kfollow's modules are imported (before the command line runs):
    Python's traceback was printed; the process now ends by the signal, as Ctrl-C during a command does (130 in the
    shell), with nothing on stderr (found in review, h141)."""
    code = ("import sys, kfollow.__main__ as m, kfollow.readahead as r\n"
            "def stop(argv):\n    raise KeyboardInterrupt\n"
            "r.start = stop\nsys.argv = ['kfollow', 'deviation']\nm.main()\n")
    environ = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, cwd=ROOT,
                          timeout=120)
    assert done.returncode == -signal.SIGINT and done.stderr == "", done.stderr
