"""A large year: `report` against `deviation` on the same year, at 1 000 and 5 000 staber.

Writes two year files (2023 and 2024, so that the report has its comparison with the year before)
of one förvaltning with N staber, each with a budget, an utfall and a kommentar (about 90 bytes
of YAML a stab, as a large kommun's follow-up typed per stab), then runs the whole commands

    kfollow deviation --year 2024
    kfollow report --year 2024 -o rapport.html      (with charts when matplotlib is there)
    kfollow report --year 2024 -o rapport.md

several times each: median wall seconds, median CPU seconds (user + system: what a machine shared
with other work still measures fairly), peak RSS (GNU time's %M) and report / deviation (of CPU
seconds). Goal, at 5 000 staber: `report` ≤ 3 × `deviation` on the same year (work linear in the
rows; a chart draws at most `render.charts.MAX_BARS` bars). With fewer staber the report's fixed
cost dominates: matplotlib's import and drawing its charts, about 0,9 s.

    python benchmarks/bench_report.py [--staber 1000,5000] [--repeat 3] [--keep DIR]

Prints figures; nothing here is a test.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_RATIO, GOAL_AT = 3.0, 5_000  # report / deviation (CPU), from this many staber


def run(command: list[str], repeat: int) -> tuple[float, float, float]:
    """Median wall seconds, median CPU seconds (user + system) and the largest peak RSS (MB) of
    `repeat` runs of a whole process."""
    walls, cpus, peaks = [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *command], capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        if done.returncode:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
        user, system, peak = done.stderr.strip().splitlines()[-1].split()
        cpus.append(float(user) + float(system))
        peaks.append(int(peak) / 1024)
    return statistics.median(walls), statistics.median(cpus), max(peaks)


def write_years(folder: Path, staber: int, year: int = 2024) -> None:
    """`year` and the year before, one förvaltning of `staber` staber with budget, utfall (tkr) and kommentar."""
    folder.mkdir(parents=True, exist_ok=True)
    for y in (year - 1, year):
        rng = random.Random(y)
        lines = [f"ar: {y}", "organisation: Stor kommun (syntetisk)", "enhet: tkr", "forvaltningar:",
                 "  ADM:", "    namn: Administrationen", "    staber:"]
        for s in range(staber):
            budget = rng.randint(1_000, 90_000)
            utfall = budget + rng.randint(-5_000, 5_000)
            lines.append(f'      "S{s:06d}": {{namn: Stab {s}, budget: {budget}, utfall: {utfall}, '
                         f"kommentar: Avvikelsen förklaras av stab {s}.}}")
        (folder / f"{y}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staber", default="1000,5000", help="comma-separated numbers of staber")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the years here and keep them")
    args = parser.parse_args()
    kfollow = str(Path(sys.executable).parent / "kfollow")
    work = args.keep or Path(tempfile.mkdtemp())
    try:
        print(f"{'staber':>7} {'command':<22} {'wall s':>7} {'CPU s':>7} {'peak MB':>8} {'× deviation (CPU)':>18}")
        for n in (int(x) for x in args.staber.split(",")):
            folder = work / f"staber-{n}"
            write_years(folder / "budgets", n)
            budgets = ["--budgets", str(folder / "budgets"), "--year", "2024"]
            run([kfollow, "deviation", *budgets], 1)  # warm the caches
            wall, base, peak = run([kfollow, "deviation", *budgets], args.repeat)
            print(f"{n:>7} {'deviation':<22} {wall:>7.2f} {base:>7.2f} {peak:>8.0f}")
            for suffix in ("html", "md", "xlsx"):
                wall, cpu, peak = run([kfollow, "report", *budgets, "-o", str(folder / f"rapport.{suffix}")],
                                      args.repeat)
                ratio = cpu / base
                goal = (f"  goal ≤ {GOAL_RATIO:.0f}×  {'ok' if ratio <= GOAL_RATIO else 'MISSED'}"
                        if n >= GOAL_AT else "")
                print(f"{n:>7} {f'report -o .{suffix}':<22} {wall:>7.2f} {cpu:>7.2f} {peak:>8.0f} {ratio:>17.1f}×{goal}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
