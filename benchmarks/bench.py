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
import sys
import tempfile
import time
from pathlib import Path

GOALS_SECONDS = {"load": 1.0, "deviation --by stab": 0.5, "deviation --period": 0.5, "check": 1.5}


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

    from kfollow.engine.checks import check_report
    from kfollow.sources.year_file import load_budgets
    from kfollow.engine.operations import deviation_report

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
        timed("check", lambda: check_report(str(folder)), max(1, args.repeat // 2), results)
        frame = deviation_report(budgets, 2024, "stab", period=8)
        print(f"report: {frame.height} rows, {frame.width} columns")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    failed = 0
    print(f"{'step':<22} {'median s':>9} {'best s':>8} {'goal s':>7}")
    for label, (median, best) in results.items():
        goal = GOALS_SECONDS[label]
        ok = median <= goal
        failed += not ok
        print(f"{label:<22} {median:>9.3f} {best:>8.3f} {goal:>7.1f}  {'ok' if ok else 'SLOWER THAN GOAL'}")
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
