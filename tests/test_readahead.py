"""Read-ahead: `python -m kfollow` starts reading a command's fact tables before it parses the command
line; the year files take each table once, and a command line read otherwise costs a read, never a
figure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from kfollow import readahead
from kfollow.options import ledger_grain
from kfollow.sources import facts
from kfollow.sources.year_file import load_budgets
from tests.conftest import csv_rows
from tests.test_grain import BUDGET_ROWS, UTFALL_ROWS, grain  # noqa: F401 - grain: the folder of a budget and an utfall table

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def reads(monkeypatch) -> list[tuple[str, bool]]:
    """The passes over a table's file, by its path and whether its rows were kept: every read of a
    table, ahead or not."""
    done, sums = [], facts._sums

    def counted(plan, rows, grain=None):
        done.append((plan.source.name, rows or grain is not None))
        return sums(plan, rows, grain)

    monkeypatch.setattr(facts, "_sums", counted)
    yield done
    facts.drop_ahead()


def test_the_command_line_is_read_for_the_command_folder_and_cut():
    assert readahead._read(["deviation", "--year", "2024", "--by=stab,konto", "--budgets", "b"]) == (
        "deviation", {"--by": "stab,konto", "--budgets": "b"})
    assert readahead._read(["months", "--konto", "5", "--budgets=x", "--budgets", "y"]) == (
        "months", {"--konto": "5", "--budgets": "y"})  # the last of an option, as the command line takes it
    assert readahead._read(["compare", "--", "--budgets", "z"]) == ("compare", {})
    assert readahead._read(["--version"]) == (None, {})
    assert readahead._read([]) == (None, {})


def test_a_table_read_ahead_is_taken_once_by_its_year_file(grain, reads):
    readahead.start(["deviation", "--year", "2024", "--by", "stab,kostnadsslag", "--budgets", str(grain)])
    cut = ledger_grain("stab,kostnadsslag", None, None)  # (what the command asks of the load)
    assert set(facts._AHEAD) == {(str(grain / "budget-2024.csv"), True, cut), (str(grain / "utfall-2024.csv"), False, cut)}
    store = load_budgets(grain, ledger=cut)
    assert facts._AHEAD == {}
    assert sorted(reads) == [(str(grain / "budget-2024.csv"), True), (str(grain / "utfall-2024.csv"), True)]  # once each
    assert store.facts.height == 12 * len(BUDGET_ROWS) + 8 * len(UTFALL_ROWS)  # the rows were kept, as asked


def test_a_table_read_ahead_otherwise_than_asked_is_let_go_of(grain, reads):
    readahead.start(["deviation", "--budgets", str(grain)])  # --by stab: the rows are not kept ahead
    store = load_budgets(grain, ledger=True)  # …but this load keeps them: it reads the tables itself
    assert facts._AHEAD == {}
    kept = sorted(name for name, rows in reads if rows)  # (the reads ahead without rows were let go of)
    assert kept == [str(grain / "budget-2024.csv"), str(grain / "utfall-2024.csv")]
    assert store.facts.height == 12 * len(BUDGET_ROWS) + 8 * len(UTFALL_ROWS)


def test_nothing_is_read_ahead_for_other_commands_or_a_folder_that_is_not_there(grain, tmp_path, reads):
    readahead.start(["changes", "--budgets", str(grain)])
    readahead.start(["deviation", "--budgets", str(tmp_path / "saknas")])
    readahead.start(["--help"])
    assert facts._AHEAD == {} and reads == []


def test_kfollow_as_a_process_gives_the_in_process_figures(run, grain):
    """The read-ahead runs only in a process of its own: the figures and messages it gives are the
    command's own, for a cut that keeps the rows and for one that does not."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("KFOLLOW_BUDGETS", None)
    for by in ("stab", "stab,kostnadsslag"):
        args = ["deviation", "--budgets", str(grain), "--by", by, "--format", "csv", "--exact", "--unit", "kr"]
        done = subprocess.run([sys.executable, "-m", "kfollow", *args], capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=60)
        inside = run(*args)
        assert done.returncode == inside.exit_code == 0, done.stderr
        assert csv_rows(done.stdout) == csv_rows(inside.stdout) and len(csv_rows(done.stdout)) > 3
        assert done.stderr == inside.stderr


def test_a_command_with_nothing_to_read_ahead_imports_no_polars():
    """`kfollow --version` and a command without tables stay as light as before: the look at the
    command line imports nothing heavy unless there is something to read."""
    code = ("import sys; from kfollow import readahead; readahead.start(['--version']); "
            "readahead.start(['changes', '--year', '2024']); print('polars' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (done.returncode, done.stdout.strip()) == (0, "False"), done.stderr


def test_the_read_ahead_starts_reading_before_the_store_and_the_year_file_parser_are_imported(grain):
    """The tables are being read while the rest of kfollow is imported: the look imports the fact
    reader and what it needs, not the store nor the year file's parser (they follow, during the read)."""
    code = ("import sys; from kfollow import readahead; from kfollow.sources import facts; "
            f"readahead.start(['deviation', '--budgets', {str(grain)!r}]); "
            "print(repr((sorted(name for name, _, _ in facts._AHEAD), "
            "[m for m in ('kfollow.store', 'kfollow.sources.year_file', 'kfollow.sources.yaml_tree', 'yaml') "
            "if m in sys.modules])))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == repr(([str(grain / "budget-2024.csv"), str(grain / "utfall-2024.csv")], []))


def test_a_table_read_ahead_for_a_year_file_rewritten_since_is_read_again(grain, reads):
    """An import may write the table and then the year file while the command starts: the load reads
    the year file after the read ahead did, and takes its tables only if it has the same bytes; else
    the table is read again, after the year file, as it always was (found in review)."""
    readahead.start(["deviation", "--budgets", str(grain)])
    for table, _ in facts._AHEAD.values():
        assert table._done.wait(30)  # the old table has been read ahead
    utfall = grain / "utfall-2024.csv"
    utfall.write_text(utfall.read_text(encoding="utf-8").replace("KLF,EKS,,5010,kostnad,38000.25",
                                                                 "KLF,EKS,,5010,kostnad,48000.25"), encoding="utf-8")
    year = grain / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8") + "# utfall importerat igen\n", encoding="utf-8")
    store = load_budgets(grain)
    eks = store.amounts.filter((pl.col("vy") == "stab") & (pl.col("nyckel") == "EKS"))["utfall"].item()
    assert eks == 8 * (-120000 + 4800025 + 990000 + 100000)  # öre: the new 5010 row, eight months
    assert [rows for name, rows in reads if name == str(utfall)] == [False, False]  # ahead, then again


def test_a_reading_thread_that_cannot_start_for_the_read_ahead_is_tried_again(grain, refused_thread):
    """The read ahead's thread failing to start (`can't start new thread`) had left its tables
    waiting for a thread that never came: the command hung (found in review). Now nothing is queued
    without a thread: the tables read ahead are read by the load that takes them (on its own thread, where
    none can start; h141)."""
    import threading

    readahead.start(["deviation", "--budgets", str(grain)])
    assert facts._WORK.empty() and facts._WORKER is None
    assert facts._AHEAD and all(table._done is None for table, _ in facts._AHEAD.values())  # (not queued)
    refused_thread()  # threads start again
    loaded = []
    loading = threading.Thread(target=lambda: loaded.append(load_budgets(grain)), daemon=True)
    loading.start()
    loading.join(30)
    assert not loading.is_alive() and loaded[0].amounts.height
    facts.drop_ahead()


@pytest.mark.parametrize("own", [None, "narenas:3"])
def test_the_command_gives_polars_allocator_one_arena_per_processor_unless_the_user_chose(own):
    """`python -m kfollow` sets jemalloc's arenas (polars' allocator on Linux) before polars is imported,
    one per processor it may run on; a setting of the user's own is kept as it is."""
    code = ("import os; from kfollow import __main__ as m; m._fewer_arenas(); "
            "print(os.environ['_RJEM_MALLOC_CONF'])")
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"} | {"PYTHONPATH": str(ROOT)}
    if own is not None:
        env["_RJEM_MALLOC_CONF"] = own
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, env=env)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert (done.returncode, done.stdout.strip()) == (0, own or f"narenas:{cpus}"), done.stderr
