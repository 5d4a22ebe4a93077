"""`cuts.PartsAhead`: the year's sums by part guessed on a thread of their own while `deviation` makes the view's
table. Whatever the tables, year files and options, the report (frame, notes, messages, or the error) is that of the
same command without the guess (`take` gives nothing, so the cut makes its own sums)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from kfollow.engine import cuts
from kfollow.engine.operations import deviation
from kfollow.errors import KfollowError
from kfollow.options import BudgetMode, ledger_grain
from kfollow.sources.year_file import load_budgets
from tests.test_summed_cuts import KONTO, _rows

ROW = st.tuples(st.sampled_from(["T1", "T1", "T2", "T3"]), st.sampled_from(["S0", "S1", ""]),
                st.sampled_from(["100", "200", ""]), st.sampled_from(sorted(KONTO)), st.integers(-10**6, 10**6),
                st.booleans())
TABLE = st.lists(st.tuples(st.integers(0, 12), ROW), max_size=14)


BASE = [(1, (f, "", "", "5010", 100, False)) for f in ("T1", "T2", "T3")]  # (every förvaltning has amounts)


def _year(ar: int, typed: bool, ext: str) -> str:
    """T1 of staber and verksamheter, T2 of neither (its budget typed in the year file where `typed`, its utfall
    from the table), T3 of staber and no budget at all (its budget null)."""
    t2 = ["  T2:", "    namn: Tabell T2", *(["    summa: {budget: 1234.5}"] if typed else [])]
    return "\n".join([f"ar: {ar}", "organisation: Testkommun", "enhet: kr", f"utfall_fil: utfall-{ar}.{ext}",
                      f"budget_fil: budget-{ar}.{ext}", "verksamheter:", '  "100": Nämnd- och styrelseverksamhet',
                      '  "200": Gator och vägar', "forvaltningar:", "  T1:", "    namn: Tabell T1", "    staber:",
                      "      S0:", "        namn: Stab S0", "      S1:", "        namn: Stab S1", "    verksamheter:",
                      '      "100": {}', '      "200": {}', *t2, "  T3:", "    namn: Tabell T3", "    staber:",
                      "      S0:", "        namn: Stab S0", ""])


def _report(store, by, period, options):
    try:
        r = deviation(store, 2024, period, by, **options)
        return r.frame, r.notes, r.messages
    except KfollowError as exc:
        return str(exc)


@settings(max_examples=60, deadline=None)
@given(tables=st.tuples(TABLE, TABLE, TABLE, TABLE), booked=st.tuples(st.integers(1, 12), st.integers(1, 12)),
       typed=st.tuples(st.booleans(), st.booleans()), ext=st.sampled_from(["csv", "parquet"]),
       by=st.sampled_from(["kostnadsslag", "konto", "stab,kostnadsslag", "stab,konto", "verksamhet,kostnadsslag",
                           "verksamhet,konto", "forvaltning,kostnadsslag", "forvaltning,konto"]),
       period=st.one_of(st.none(), st.integers(1, 12)), summed=st.booleans(),
       options=st.fixed_dictionaries({}, optional={"budget": st.just(BudgetMode.original),
                                                   "forvaltning": st.sampled_from([["T1"], ["T2"], ["T3", "T1"]]),
                                                   "top": st.integers(1, 4)}))
def test_the_guess_of_a_cuts_sums_changes_no_report(tables, booked, typed, ext, by, period, summed, options):
    """Random small tables of two years (a förvaltning one row in one year and with rows in the other, accounts
    booked as both slag, a budget typed in the year file or none), CSV or Parquet, rows kept or summed to the cut's
    grain: `deviation` with the guess taken gives the frame, notes and messages, or the error, it gives without."""
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        d = Path(folder)
        for i, ar in enumerate((2023, 2024)):
            (d / f"{ar}.yaml").write_text(_year(ar, typed[i], ext), encoding="utf-8")
            budget = [(m, row) for m, row in [*BASE, *tables[2 * i + 1]]
                      if row[0] != "T3" and not (typed[i] and row[0] == "T2")]
            for name, rows in (("utfall", _rows(ar, [*BASE, *tables[2 * i]], False, booked[i])),
                               ("budget", _rows(ar, budget, True, 12))):
                getattr(rows, f"write_{ext}")(d / f"{name}-{ar}.{ext}")
        p = None if period is None else f"2024-{period:02d}"
        try:  # (every row kept, or a Parquet table summed to the cut's grain as it is read)
            store = load_budgets(d, ledger=ledger_grain(by, None, None, period=p) if summed else True)
        except KfollowError:
            event("refused by the year file")
            return  # (tables the year file refuses: no report to compare)
        taken = []
        real = cuts.PartsAhead.take
        patch.setattr(cuts.PartsAhead, "take", lambda self, *a: taken.append(r := real(self, *a)) or r)
        guessed = _report(store, by, p, options)
        patch.setattr(cuts.PartsAhead, "take", lambda self, *a: None)
        made = _report(store, by, p, options)
        event("guess taken" if any(t is not None for t in taken) else "guess not taken")
        event("an error" if isinstance(made, str) else "a report")
        if isinstance(made, str) or isinstance(guessed, str):
            assert guessed == made
        else:
            assert guessed[0].equals(made[0]), (guessed[0], made[0])
            assert guessed[1:] == made[1:]
            assert any(t is not None for t in taken)  # (the guess was right, and taken: it is what is compared)
