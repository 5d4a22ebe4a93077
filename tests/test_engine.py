"""The engine on stores built in memory (no YAML), the library API against the CLI, and the one
error boundary every entry point passes."""

from __future__ import annotations

import json
import subprocess
import sys

import polars as pl
import pytest

import kfollow
from conftest import BUDGETS, ROOT
from kfollow.engine.operations import deviation_report, months_report
from kfollow.errors import ExitStatus
from kfollow.report import Kind
from kfollow.store import Forvaltning, YearInfo, build

MNKR = 100_000_000  # öre


def _info(ar: int, **forvaltningar: str) -> YearInfo:
    fv = {fid: Forvaltning(fid, f"Förvaltning {fid}", how, 1) for fid, how in forvaltningar.items()}
    return YearInfo(ar, "Testkommun", "tkr", f"{ar}.yaml", fv, {"100": "Politisk verksamhet", "200": "Stöd"})


def _row(fid: str, vy: str, key: str, budget: int | None, utfall: int | None, n: int, **more) -> dict:
    return {"ar": 2024, "forvaltning": fid, "vy": vy, "nyckel": key, "namn": f"{vy} {key}", "ordning": n,
            "budget": budget, "utfall": utfall, "fil": "2024.yaml", "rad": n + 1} | more


@pytest.fixture
def store():
    """One förvaltning in both views and one presented as resultat, whole-year figures."""
    amounts = [
        _row("A", "stab", "S1", 10 * MNKR, 8 * MNKR, 0),
        _row("A", "stab", "S2", 5 * MNKR, 6 * MNKR, 1),
        _row("A", "verksamhet", "100", 9 * MNKR, 9 * MNKR, 2),
        _row("A", "verksamhet", "200", 6 * MNKR, 5 * MNKR, 3),
        _row("B", "summa", "B", 0, -2 * MNKR, 4),  # resultat +2 mnkr, stored as nettokostnad −2
    ]
    return build([_info(2024, A="nettokostnad", B="resultat")], amounts)


def test_deviation_on_a_store_in_memory(store):
    report = kfollow.deviation(store, 2024)
    rows = {r["stab"]: r for r in report.frame.iter_rows(named=True)}
    assert rows["S1"]["avvikelse"] == 2 * MNKR and rows["S2"]["avvikelse"] == -1 * MNKR
    assert rows["B"]["utfall"] == 2 * MNKR  # shown as resultat
    assert rows["B"]["avvikelse"] == 2 * MNKR  # same sign either way: a surplus
    summa = report.frame.filter(pl.col("radtyp") == "summa").row(0, named=True)
    assert (summa["budget"], summa["utfall"], summa["avvikelse"]) == (15 * MNKR, 12 * MNKR, 3 * MNKR)
    assert summa["rubrik"] == "Summa nettokostnad"
    # a total of mixed presentations says so (beside the note on the empty column of 2023, which has no file: h143)
    assert any("resultat" in n for n in report.notes)
    assert report.column("budget").kind is Kind.money and report.column("avvikelse_pct").kind is Kind.percent
    assert not report.column("rubrik").machine and not report.column("radtyp").people


def test_both_views_reconcile_in_memory(store):
    by_stab = kfollow.deviation(store, 2024, by="stab", forvaltning=["A"]).frame
    by_verksamhet = kfollow.deviation(store, 2024, by="verksamhet", forvaltning=["A"]).frame
    total = lambda f: f.filter(pl.col("radtyp") == "summa").select("budget", "utfall").row(0)  # noqa: E731
    assert total(by_stab) == total(by_verksamhet) == (15 * MNKR, 14 * MNKR)


def test_months_is_deviation_month_by_month():
    """The one-pass month table gives, for every month, the Summa of deviation with that period."""
    months = [{"ar": 2024, "forvaltning": "A", "vy": vy, "nyckel": key, "manad": m,
               "utfall": (m * 37 + len(key)) * 100_000}
              for vy, key in (("stab", "S1"), ("stab", "S2")) for m in range(1, 8)]
    amounts = [_row("A", "stab", "S1", 12 * MNKR + 7, None, 0, manader=7, profil="p"),
               _row("A", "stab", "S2", 6 * MNKR - 5, None, 1, manader=7),
               _row("A", "summa", "A", 18 * MNKR + 2, None, 2)]
    for r in amounts:
        r["utfall"] = sum(m["utfall"] for m in months if m["nyckel"] == r["nyckel"]) if r["vy"] == "stab" else None
    info = _info(2024, A="nettokostnad")
    info = YearInfo(**{**{f: getattr(info, f) for f in info.__slots__}, "profiler": {"p": (1, 1, 1, 1, 1, 1, 5, 1, 1, 1, 1, 1)}})
    changes = [{"ar": 2024, "forvaltning": "A", "vy": "stab", "nyckel": "S1", "datum": "2024-03-15", "manad": 3,
                "d_budget": 1_234_567, "d_kostnader": 0, "d_intakter": 0, "post": "netto", "belopp": 1_234_567,
                "beslut": "KS 1", "rad": 9}]
    store = build([info], amounts, months=months, changes=changes)
    table = months_report(store, 2024)
    assert table.height == 7
    for month in range(1, 8):
        summa = deviation_report(store, 2024, period=month).filter(pl.col("radtyp") == "summa").row(0, named=True)
        row = table.row(month - 1, named=True)
        assert (row["budget_ack"], row["utfall_ack"]) == (summa["budget"], summa["utfall"]), month


def test_a_year_being_booked_is_shown_year_to_date_by_the_library_too(run):
    example = ROOT / "examples" / "budgets"
    report = kfollow.deviation(kfollow.load(example))
    assert report.period is not None and report.period.startswith("2024-")
    assert report.messages  # the CLI prints it as a note
    cli = run("deviation", "--budgets", example, "--format", "json")
    assert json.loads(cli.stdout) == json.loads(kfollow.to_text(report, "json"))


@pytest.mark.parametrize("args", [
    ("deviation", "--year", "2024", "--by", "verksamhet"),
    ("compare", "2023", "2024", "--sort", "change"),
    ("investments", "--year", "2024"),
    ("summary", "--year", "2024"),
    ("changes", "--year", "2024"),
])
def test_library_and_cli_give_the_same_figures(run, args):
    store = kfollow.load(BUDGETS)
    command = args[0]
    report = {
        "deviation": lambda: kfollow.deviation(store, 2024, by="verksamhet"),
        "compare": lambda: kfollow.compare(store, 2023, 2024, sort="change"),
        "investments": lambda: kfollow.investments(store, 2024),
        "summary": lambda: kfollow.summary(store, 2024),
        "changes": lambda: kfollow.changes(store, 2024),
    }[command]()
    for fmt in ("csv", "table"):
        cli = run(*args, "--budgets", BUDGETS, "--format", fmt)
        assert cli.exit_code == 0, cli.stderr
        assert cli.stdout == kfollow.to_text(report, fmt)


def _boom(*args, **kwargs):
    raise RuntimeError("boom\nsecond line")


def test_an_internal_error_is_one_line_and_exit_70(run, monkeypatch):
    monkeypatch.setattr("kfollow.engine.operations.deviation", _boom)
    result = run("deviation", "--budgets", BUDGETS)
    assert result.exit_code == ExitStatus.INTERNAL == 70
    assert result.stderr == ("Error: internal error: RuntimeError: boom (please report it; KFOLLOW_DEBUG=1 "
                             "shows where)\n")
    assert result.stdout == ""


def test_a_panic_of_polars_is_an_internal_error_too(run, monkeypatch):
    """pyo3's PanicException is a BaseException, not an Exception: a panic inside polars (a review made one
    run out of stack with 10 000 kostnadsslag) got past the boundary as a 69-line traceback with exit 1,
    the code of a failed check."""
    def panic(*args, **kwargs):
        raise pl.exceptions.PanicException("mmap failed to allocate stack")

    monkeypatch.setattr("kfollow.engine.operations.deviation", panic)
    result = run("deviation", "--budgets", BUDGETS)
    assert result.exit_code == ExitStatus.INTERNAL == 70
    assert result.stderr == ("Error: internal error: PanicException: mmap failed to allocate stack (please report it; "
                             "KFOLLOW_DEBUG=1 shows where)\n")


def test_kfollow_debug_shows_the_traceback(run, monkeypatch):
    monkeypatch.setattr("kfollow.engine.operations.deviation", _boom)
    with pytest.raises(RuntimeError, match="boom"):
        run("deviation", "--budgets", BUDGETS, env={"KFOLLOW_DEBUG": "1"})


def test_python_dash_m_passes_the_same_boundary(tmp_path):
    """A bug reached through `python -m kfollow`: one line and exit 70 too, never a traceback."""
    script = ("import kfollow.engine.operations as op, runpy, sys\n"
              "op.deviation = lambda *a, **k: 1 / 0\n"
              "sys.argv = ['kfollow', 'deviation', '--budgets', sys.argv[1]]\n"
              "runpy.run_module('kfollow', run_name='__main__')\n")
    result = subprocess.run([sys.executable, "-c", script, str(BUDGETS)], capture_output=True, text=True)
    assert result.returncode == 70
    assert result.stderr.startswith("Error: internal error: ZeroDivisionError") and result.stderr.count("\n") == 1

def test_the_console_script_s_entry_runs_the_command_line_only_when_called():
    """pyproject's `kfollow` script names `kfollow.__main__:main`: importing the module runs nothing
    (as the generated script imports it before calling it), and the entry is a function there."""
    tomllib = pytest.importorskip("tomllib", reason="tomllib comes with Python 3.11")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    module, _, function = scripts["kfollow"].partition(":")
    probe = (f"import sys; sys.argv = ['kfollow', '--version']\n"
             f"import {module} as m\nprint('imported')\nm.{function}()\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout == f"imported\nkfollow {kfollow.__version__}\n", result.stderr



def test_a_table_on_a_terminal_fits_its_width_and_says_what_it_left_out():
    from kfollow.options import Options
    from kfollow.render import render

    report = kfollow.deviation(kfollow.load(BUDGETS), 2024)
    wide = render(report, Options())
    narrow = render(report, Options(width=60))
    assert max(map(len, wide.splitlines())) > 60
    table = narrow.split("\n\n")[1]
    assert max(map(len, table.splitlines())) <= 60
    assert "Utelämnat för att passa terminalens bredd: " in narrow and "Utfall 2023" in narrow.split("Utelämnat")[1]
    # chosen columns are never left out
    chosen = render(report, Options(width=40, columns=("budget", "utfall", "andel_pct")))
    assert "Andel av" in chosen and "summa %" in chosen and "Utelämnat" not in chosen


def test_python_dash_m_writes_all_its_output_and_its_exit_status_before_it_ends(run):
    """The process ends without the interpreter's teardown (`__main__._exit`): what it printed is all
    there, stdout and stderr, and a data error keeps its status."""
    table = subprocess.run([sys.executable, "-m", "kfollow", "deviation", "--budgets", str(BUDGETS), "--format", "csv"],
                           capture_output=True, text=True)
    assert table.returncode == 0, table.stderr
    assert table.stdout == run("deviation", "--budgets", BUDGETS, "--format", "csv").stdout
    missing = subprocess.run([sys.executable, "-m", "kfollow", "deviation", "--budgets", "/nonexistent/kfollow"],
                             capture_output=True, text=True)
    assert (missing.returncode, missing.stdout) == (4, "")
    assert missing.stderr.startswith("Error: /nonexistent/kfollow: budgets directory not found")


@pytest.mark.parametrize("call, args", [(kfollow.deviation, ()), (kfollow.compare, (2023, 2024)), (kfollow.months, ()),
                                        (kfollow.changes, ()), (kfollow.investments, ()), (kfollow.summary, ()),
                                        (kfollow.indicators, ())])
def test_a_library_call_given_a_folder_for_a_store_says_what_it_takes(call, args):
    """Found by a library user: `kfollow.deviation("budgets", 2024)` said "'str' object has no attribute 'year'"."""
    with pytest.raises(TypeError, match=r"the first argument is a store, kfollow.load\(folder\), not the str 'budgets'"):
        call("budgets", *args)


@pytest.mark.parametrize("call, args", [(kfollow.deviation_report, (2024,)), (kfollow.compare_report, (2023, 2024)),
                                        (kfollow.budget_changes_report, (2024,)), (kfollow.months_report, (2024,)),
                                        (kfollow.investments_report, (2024,)), (kfollow.summary_report, (2024,))])
def test_a_report_frame_given_a_folder_for_a_store_says_what_it_takes(call, args):
    """Found in review: the frames behind the reports said "'str' object has no attribute …" as the reports had."""
    with pytest.raises(TypeError, match=r"the first argument is a store, kfollow.load\(folder\), not the str 'budgets'"):
        call("budgets", *args)


def test_a_library_top_that_is_no_number_says_so():
    store = kfollow.load(BUDGETS)
    with pytest.raises(TypeError, match="top is the number of rows to list, a whole number, not '10'"):
        kfollow.deviation(store, 2024, top="10")
    assert kfollow.deviation(store, 2024, top=3).frame.height >= 3
