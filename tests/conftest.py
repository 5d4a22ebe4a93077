"""Shared fixtures: the bundled budgets, a scratch copy of them, and the published tables."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

# Property tests draw the same examples on every run, so that a suite that passed on a machine passes in CI:
# a failure found at random would block whatever lands with it, however unrelated. Hunting for new failures is
# its own run: KFOLLOW_HYPOTHESIS=hunt draws new examples each time (and remembers failures in .hypothesis/).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("hunt", derandomize=False)
settings.load_profile(os.environ.get("KFOLLOW_HYPOTHESIS", "repeatable"))

# the tests assert the default unit (mnkr): a KFOLLOW_UNIT of the shell running them is not theirs (the
# processes they start inherit this environment)
os.environ.pop("KFOLLOW_UNIT", None)
os.environ.pop("KFOLLOW_QUIET", None)  # (nor a quiet shell's silence: they assert the notes)

ROOT = Path(__file__).resolve().parent.parent
BUDGETS = ROOT / "budgets"
REFERENCE = Path(__file__).resolve().parent / "reference"  # copied from the seed's tables


@pytest.fixture
def budgets_dir() -> Path:
    return BUDGETS


@pytest.fixture
def budgets_copy(tmp_path: Path) -> Path:
    target = tmp_path / "budgets"
    shutil.copytree(BUDGETS, target)
    return target


def reference(name: str) -> list[dict]:
    with open(REFERENCE / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session", autouse=True)
def _commands_built_once():
    """Typer builds the click command from the app on every CliRunner.invoke, most of an in-process
    run's time; build each app's once for the session (typer's private hook; without it, no harm)."""
    import typer.main
    import typer.testing

    build = getattr(typer.testing, "_get_command", None)
    if build is None:
        yield
        return
    built: dict[int, object] = {}

    def cached(app):
        if id(app) not in built:
            built[id(app)] = (app, build(app))  # the app is kept, so its id is not reused
        return built[id(app)][1]

    patch = pytest.MonkeyPatch()
    patch.setattr(typer.testing, "_get_command", cached)
    yield
    patch.undo()


def _invoke(*args: str, env: dict | None = None):
    """Run the CLI in-process; stdout and stderr are kept apart, exceptions are not caught."""
    from kfollow.cli import app

    return CliRunner().invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)


@pytest.fixture
def run():
    return _invoke


@pytest.fixture(scope="session")
def cli():
    """`run` for module- and session-scoped fixtures."""
    return _invoke


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(text.splitlines()))


def small_year(folder: Path, forvaltningar: str, ar: int = 2024) -> Path:
    """`folder` with one year file of `forvaltningar` (the YAML under that key, indented by two) in
    tkr: the small cases tests make of a review's finding."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{ar}.yaml").write_text(f"ar: {ar}\norganisation: Testby\nenhet: tkr\nforvaltningar:\n{forvaltningar}",
                                       encoding="utf-8")
    return folder


@pytest.fixture
def refused_thread(monkeypatch):
    """kfollow's reading thread cannot start (`can't start new thread`) until the returned function
    is called; the thread that starts then reads a queue of its own, so that it is no second reader
    of the other tests' tables after this one."""
    import queue
    import threading

    from kfollow.sources import facts

    started = threading.Thread

    class Refused(started):
        def start(self):
            raise RuntimeError("can't start new thread")

    monkeypatch.setattr(facts, "_WORKER", None)
    monkeypatch.setattr(facts, "_WORK", queue.SimpleQueue())
    monkeypatch.setattr(facts.threading, "Thread", Refused)
    return lambda: monkeypatch.setattr(facts.threading, "Thread", started)


def without_note_sums(folder: Path) -> Path:
    """The import notes (`.kalla.json`) of a copied example folder without the sums of the tables they are beside
    (`kontrollsummor`, h119), as a note written before kfollow noted them: for a test that writes other rows into
    the example's tables (a hand-made table, a month appended twice), which the notes' sums would refuse as a
    table changed after its import (tests/test_changed_after_import.py)."""
    import json

    for note in Path(folder).glob("*.kalla.json"):
        content = json.loads(note.read_text(encoding="utf-8"))
        if content.pop("kontrollsummor", None) is not None:
            note.write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return Path(folder)
