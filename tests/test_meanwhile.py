"""Work a command makes on a thread of its own while it makes its table (`engine.meanwhile`): the year's warnings
beside `deviation`'s table, and a cut's largest query, its year's sums by part, guessed ahead (`cuts.PartsAhead`).
The figures, notes and errors are those of the work made in turn."""

from __future__ import annotations

import polars as pl
import pytest

from kfollow.engine import cuts
from kfollow.engine.meanwhile import Meanwhile
from kfollow.engine.operations import deviation
from kfollow.errors import UsageError
from kfollow.sources.year_file import load_budgets
from tests.test_fact_sums import EXAMPLE


def test_work_made_meanwhile_gives_its_value_or_raises_its_error_where_it_is_taken():
    assert Meanwhile(lambda: 6 * 7).result() == 42

    def fails():
        raise UsageError("--stab X: no such stab")

    later = Meanwhile(fails)
    with pytest.raises(UsageError, match="no such stab"):
        later.result()


@pytest.fixture(scope="module")
def example():
    return load_budgets(EXAMPLE, ledger=True)


@pytest.mark.parametrize("by", ["stab,kostnadsslag", "kostnadsslag", "konto", "stab,konto",
                                "forvaltning,kostnadsslag"])
@pytest.mark.parametrize("period", [None, "2024-03"])
def test_a_cut_with_its_parts_made_ahead_is_the_cut_made_in_turn(example, monkeypatch, by, period):
    """The guess is taken where it was right (its sums are gross: a cut without gross figures takes its net ones),
    and the report is the one made without it, to the öre and the note."""
    taken = []
    real_take = cuts.PartsAhead.take
    monkeypatch.setattr(cuts.PartsAhead, "take", lambda self, *a: taken.append(found := real_take(self, *a)) or found)
    ahead = deviation(example, 2024, period, by)
    monkeypatch.setattr(cuts.PartsAhead, "take", lambda self, *a: None)
    in_turn = deviation(example, 2024, period, by)
    assert ahead.frame.equals(in_turn.frame) and ahead.notes == in_turn.notes and ahead.messages == in_turn.messages
    assert any(t is not None for t in taken)  # (the guess was used)


def test_a_wrong_guess_is_not_taken_and_its_error_not_raised(example):
    """Other förvaltningar or another month than guessed: not taken. A guess that failed is no error of the cut."""
    fids = example.years[2024].forvaltningar
    ahead = cuts.PartsAhead(example, 2024, lambda: list(fids), None, cuts.of_rows(cuts.parse_by("stab,kostnadsslag"), None, None))
    made = ahead.take(2024, None, list(fids))
    assert isinstance(made, pl.DataFrame) and made.height
    assert ahead.take(2024, 3, list(fids)) is None
    assert ahead.take(2024, None, list(fids)[:1]) is None

    def fails():
        raise UsageError("förvaltning XYZ finns inte")

    wrong = cuts.PartsAhead(example, 2024, fails, None, cuts.of_rows(cuts.parse_by("stab,kostnadsslag"), None, None))
    assert wrong.take(2024, None, list(fids)) is None


def test_rows_selected_make_no_guess(example, monkeypatch):
    """With --stab (or --verksamhet) the table tells the förvaltningar the cut sums: a guess of all of them would be
    a second cut of every fact for nothing."""
    made = []
    real = cuts.PartsAhead.__init__
    monkeypatch.setattr(cuts.PartsAhead, "__init__", lambda self, *a: made.append(a[1]) or real(self, *a))
    deviation(example, 2024, None, "stab,kostnadsslag", staber=["EKO"])
    assert made == []
    deviation(example, 2024, None, "stab,kostnadsslag")
    assert made == [2024]


def test_where_no_thread_starts_the_work_is_made_when_taken_and_no_guess_is_made(example, monkeypatch):
    """A process at its limit of threads: the warnings are made on the caller's thread when taken, and the cut makes
    its own sums (a guess made inline would be a second cut for nothing)."""
    import threading

    expected = deviation(example, 2024, None, "stab,kostnadsslag")

    class Refused(threading.Thread):
        def start(self):
            raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading, "Thread", Refused)
    assert Meanwhile(lambda: 6 * 7).result() == 42 and not Meanwhile(lambda: 1).started
    made = []
    real = cuts.ledger_amounts
    monkeypatch.setattr(cuts, "ledger_amounts", lambda *a, **k: made.append(a[1]) or real(*a, **k))
    refused = deviation(example, 2024, None, "stab,kostnadsslag")
    assert refused.frame.equals(expected.frame) and refused.notes == expected.notes
    assert refused.messages == expected.messages

    class NoGuess:  # (the sums the command makes without any guess)
        def __init__(self, *args):
            pass

        def take(self, *args):
            return None

    monkeypatch.setattr(cuts, "PartsAhead", NoGuess)
    unguessed = len(made)
    deviation(example, 2024, None, "stab,kostnadsslag")
    assert len(made) == 2 * unguessed  # (as many sums made as without a guess: none made inline for nothing)


@pytest.mark.parametrize("asked", ["account_kinds", "present"])
def test_what_the_ledger_makes_once_may_be_asked_for_by_two_threads_at_once(asked):
    """The warnings and the guess of a cut's sums, made meanwhile, ask the ledger for its accounts and förvaltningar
    (made once, when first asked for) beside the command's thread. A thread that found them not yet made and was
    paused before it made them, while another made them, called what the other had made (a frame: `TypeError`,
    an internal error, exit 70); now each thread makes them or takes them, and both get them (found in review, h142)."""
    import linecache
    import sys
    import threading

    from kfollow.store import Ledger

    frame = pl.DataFrame({"ar": [2024], "art": ["utfall"], "forvaltning": ["KSF"], "konto": ["5010"], "slag": ["kostnad"]},
                         schema_overrides={"ar": pl.Int32})
    ledger = Ledger((), present=lambda: frame.select("ar", "art", "forvaltning"),
                    accounts=lambda: frame.select("ar", "art", "konto", "slag"))
    made, paused, got = threading.Event(), threading.Event(), {}

    def pause_after_the_test(f, event, arg):  # (the second thread stops on the line after `callable(…)`)
        if f.f_code.co_name != asked:
            return pause_after_the_test if event == "call" else None
        if event == "line" and "callable(" in linecache.getline(f.f_code.co_filename, f.f_lineno - 1) \
                and not paused.is_set():
            paused.set()
            assert made.wait(10)
        return pause_after_the_test

    def second() -> None:
        sys.settrace(pause_after_the_test)
        try:
            got["second"] = getattr(ledger, asked)()
        except Exception as exc:  # noqa: BLE001 - what the assert below shows
            got["second"] = exc
        finally:
            sys.settrace(None)

    thread = threading.Thread(target=second)
    thread.start()
    assert paused.wait(10)
    got["first"] = getattr(ledger, asked)()
    made.set()
    thread.join(10)
    assert isinstance(got["second"], pl.DataFrame), got["second"]
    assert got["second"].equals(got["first"]) and got["first"].height == 1
