"""Benchmark: load, deviation and month-end figures for a large synthetic kommun.

Writes a year file the size of a large Swedish kommun's follow-up (by default 12 förvaltningar,
60 staber each, 40 verksamheter each, monthly utfall for 12 months, two forecasts) into a temporary
folder, then times the steps a month-end script runs and reports peak memory. Prints figures; the
goals below are what a controller's script should be able to rely on (whole-run under a second
for a large kommun on a laptop), checked here and not in the test suite.

    python benchmarks/bench.py [--forvaltningar 12] [--staber 60] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOALS_SECONDS = {"load": 1.0, "deviation --by stab": 0.5, "deviation --period": 0.5, "months": 0.5, "check": 1.5,
                 "render table (by stab)": 0.1, "render table (by verksamhet)": 0.1, "render csv (by stab)": 0.1,
                 "render json (by stab)": 0.1}
# whole processes, side by side: (command, baseline, goal for command / baseline)
RATIO_GOALS = {"deviation vs import polars": 1.5, "months vs deviation --period": 2.0}


def write_year(path: Path, year: int, n_forv: int, n_stab: int, n_verk: int, seed: int) -> int:
    rng = random.Random(seed)
    lines = [f"ar: {year}", "organisation: Benchmark kommun (syntetisk)", "enhet: tkr", "", "verksamheter:"]
    lines += [f'  "{100 + v}": Verksamhet {100 + v}' for v in range(n_verk)]
    lines += ["", "profiler:", "  sommar:", "    vikter: [10, 10, 9, 8, 8, 7, 4, 6, 8, 9, 10, 11]", "", "forvaltningar:"]
    rows = 0
    for f in range(n_forv):
        lines += [f"  F{f}:", f"    namn: Förvaltning {f}", "    staber:"]
        stab_budgets = []
        for s in range(n_stab):
            budget = rng.randint(5_000, 90_000) * 10
            stab_budgets.append(budget)
            months = "\n".join(f"          {year}-{m:02d}: {budget / 12 * rng.uniform(0.9, 1.1):.1f}" for m in range(1, 13))
            lines += [f"      S{f}_{s}:", f"        namn: Stab {f}.{s}", f"        budget: {budget}.0",
                      "        profil: sommar" if s % 3 == 0 else "        profil: jamn",
                      "        utfall:", months,
                      f"        prognos: {{{year}-04: {budget * 1.01:.1f}, {year}-08: {budget * 0.99:.1f}}}"]
            rows += 1
        total = sum(stab_budgets)
        lines += ["    verksamheter:"]
        share = total // n_verk
        for v in range(n_verk):
            budget = share if v < n_verk - 1 else total - share * (n_verk - 1)
            lines += [f'      "{100 + v}": {{budget: {budget}.0, utfall: {budget * 0.98:.1f}}}']
            rows += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rows


def timed(label: str, fn, repeat: int, results: dict) -> None:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    results[label] = (statistics.median(samples), min(samples))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forvaltningar", type=int, default=12)
    parser.add_argument("--staber", type=int, default=60)
    parser.add_argument("--verksamheter", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import kfollow
    from kfollow.engine.checks import check_report
    from kfollow.engine.operations import deviation_report, months_report
    from kfollow.options import Format, Options
    from kfollow.render import render
    from kfollow.sources.year_file import load_budgets

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = write_year(folder / "2024.yaml", 2024, args.forvaltningar, args.staber, args.verksamheter, 1)
        write_year(folder / "2023.yaml", 2023, args.forvaltningar, args.staber, args.verksamheter, 2)
        size = sum(p.stat().st_size for p in folder.glob("*.yaml"))
        print(f"data: 2 year files, {size / 1e6:.1f} MB, {rows} rows a year "
              f"({args.forvaltningar} förvaltningar × {args.staber} staber with 12 months, {args.verksamheter} verksamheter each)")
        results: dict = {}
        timed("load", lambda: load_budgets(folder), args.repeat, results)
        budgets = load_budgets(folder)
        timed("deviation --by stab", lambda: deviation_report(budgets, 2024, "stab"), args.repeat, results)
        timed("deviation --period", lambda: deviation_report(budgets, 2024, "stab", period=8, against=4), args.repeat, results)
        timed("months", lambda: months_report(budgets, 2024), args.repeat, results)
        timed("check", lambda: check_report(str(folder)), max(1, args.repeat // 2), results)
        frame = deviation_report(budgets, 2024, "stab", period=8)
        print(f"report: {frame.height} rows, {frame.width} columns")
        for by in ("stab", "verksamhet"):
            report = kfollow.deviation(budgets, 2024, by=by)
            for fmt in ((Format.table, Format.csv, Format.json) if by == "stab" else (Format.table,)):
                timed(f"render {fmt.value} (by {by})", lambda r=report, f=fmt: render(r, Options(f)), args.repeat, results)
        ratios = whole_processes(folder, args.repeat)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    failed = 0
    print(f"{'step':<30} {'median s':>9} {'best s':>8} {'goal s':>7}")
    for label, (median, best) in results.items():
        goal = GOALS_SECONDS[label]
        ok = median <= goal
        failed += not ok
        print(f"{label:<30} {median:>9.3f} {best:>8.3f} {goal:>7.1f}  {'ok' if ok else 'SLOWER THAN GOAL'}")
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    print(f"\nwhole processes, median of {max(args.repeat, 7)} runs each, side by side")
    for label, (a, b, ratio) in ratios.items():
        goal = RATIO_GOALS[label]
        failed += ratio > goal
        print(f"{label:<30} {a:>7.3f} s vs {b:>6.3f} s = {ratio:4.2f}x  goal ≤ {goal}x  "
              f"{'ok' if ratio <= goal else 'SLOWER THAN GOAL'}")
    return 1 if failed else 0


def _median_run(command: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def whole_processes(folder: Path, repeat: int) -> dict:
    """Each pair alternately, so that both see the same machine: (median a, median b, a / b)."""
    kfollow_cmd = [str(Path(sys.executable).parent / "kfollow")]
    bundled = str(Path(__file__).resolve().parents[1] / "budgets")
    pairs = {
        "deviation vs import polars": (kfollow_cmd + ["deviation", "--budgets", bundled, "--year", "2024"],
                                       [sys.executable, "-c", "import polars"]),
        "months vs deviation --period": (kfollow_cmd + ["months", "--budgets", str(folder), "--year", "2024"],
                                         kfollow_cmd + ["deviation", "--budgets", str(folder), "--period", "2024-12"]),
    }
    runs = max(repeat, 7)
    out = {}
    for label, (a, b) in pairs.items():
        _median_run(a, 1), _median_run(b, 1)  # warm the file cache
        ta, tb = [], []
        for _ in range(runs):
            ta.append(_median_run(a, 1))
            tb.append(_median_run(b, 1))
        ma, mb = statistics.median(ta), statistics.median(tb)
        out[label] = (ma, mb, ma / mb)
    return out


if __name__ == "__main__":
    sys.exit(main())
