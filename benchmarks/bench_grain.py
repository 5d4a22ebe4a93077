"""Scale at the ledger's grain: kfollow side by side with a plain polars script doing the same work.

(a) `kfollow deviation --year 2024 --by stab` on utfall fact tables of 1 M and 10 M rows, CSV and
    Parquet (`utfall_fil`; the staber's and verksamheter's budgets typed in the year file), against
    `plain_polars.py stab`: scan, exact parse of belopp to öre, group per stab, join the budget.
(0) at 1 M rows also kfollow's fixed cost: `deviation --by stab` on the first 1 000 rows of the Parquet
    table with the same year file, against the script on all 1 M rows (no goal: the ratio is what
    kfollow spends before it reads any of the rows; the 1 M-row goal leaves 1,75 minus that for them).
(i) at 1 M rows also the floor: Python and `import polars` alone, against the script on all 1 M Parquet
    rows (no goal: the share of the script's run that is its start; kfollow pays it too).
(b) 1 M utfall + 1 M budget fact rows (`utfall_fil`, `budget_fil`, monthly budget periods) →
    `kfollow deviation --year 2024 --by stab,kostnadsslag` against `plain_polars.py
    stab,kostnadsslag`: both tables scanned and parsed, grouped per stab × kostnadsslag (account
    class 3 intäkter, 4 köp av verksamhet/material, 5 personal, 6–7 övriga) and joined.

Every command runs as a whole process (Python start and imports included, output to /dev/null),
with Python's bytecode cache on (as after `pip install`, even when PYTHONDONTWRITEBYTECODE is set):
once to warm the file and bytecode caches, then --repeat times, kfollow and the script in turns so that both
meet the same load on a shared machine; the table gives the median wall time, the ratio kfollow /
script, the largest peak RSS of the runs (the child's ru_maxrss, from os.wait4: Linux or macOS) and
the median CPU time (user + system, all threads). Before timing, each case checks once that kfollow's figures per stab
(and kostnadsslag) equal the script's to the öre (`--format csv --exact --unit kr`).

The data come from facts_data.py: one stab per 480 rows (12 months × 40 accounts, every row its
own key at the ledger's grain: 2 084 staber at 1 M rows, 20 834 at 10 M, each a stab of the year
file). Beyond 1 M rows case (a) also runs on a table that keeps the 2 084 staber of 1 M rows: a
kommun's organisation does not grow with its ledger, so a larger table repeats keys, as an export of
single postings does. `--staber N` gives every size N staber instead.

    python benchmarks/bench_grain.py [--rows 1000000,10000000] [--repeat 5] [--staber N]
                                     [--only a|b] [--keep DIR] [--kfollow "python -m kfollow"]

`--kfollow` runs another kfollow (e.g. an older checkout on PYTHONPATH) against the same data.
Goals (issue 13): ratio ≤ 1.75 and peak ≤ 500 MB at 1 M rows, ratio ≤ 2 and peak ≤ 1 GB at 10 M.
Prints figures; nothing here is a test and nothing asserts a timing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_scale  # noqa: E402

GOALS = {1_000_000: (1.75, 500), 10_000_000: (2.0, 1024)}  # rows → (ratio, MB)
STABER_1M = 2084  # the staber facts_data.py gives 1 M rows (one per 480)
PLAIN = HERE / "plain_polars.py"
# Python may write bytecode: an installed wheel has it (pip compiles at install), an editable
# checkout gets it from the first, untimed run; without it every run compiles kfollow's modules anew
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def side_by_side(first: list[str], second: list[str], repeat: int) -> tuple[tuple[float, float, float], ...]:
    """Median wall seconds, the largest peak RSS (MB) and the median CPU seconds of each of two
    commands, run `repeat` times in turns (first, second, first, …) so that both meet the same load
    on a shared machine; one untimed run of each first, to warm the file cache."""
    run_once(first), run_once(second)
    runs = [(run_once(first), run_once(second)) for _ in range(repeat)]
    return tuple((statistics.median(r[i][0] for r in runs), max(r[i][1] for r in runs),
                  statistics.median(r[i][2] for r in runs)) for i in (0, 1))


def run_once(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds of one run of a whole process."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=CHILD_ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            raise SystemExit(f"{shlex.join(command)} failed:\n{err.read().decode(errors='replace')}")
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return wall, peak, usage.ru_utime + usage.ru_stime


def plain_year_file(ids: dict, utfall: str, budget: str) -> str:
    """A year file whose staber take budget and utfall from the tables (no budget typed in YAML)."""
    lines = [f"ar: {ids['ar']}", "organisation: Skalkommun (syntetisk)", "enhet: tkr", f"budget_fil: {budget}",
             f"utfall_fil: {utfall}", "verksamheter:"]
    lines += [f'  "{code}": Verksamhet {code}' for code in ids["verksamheter"]]
    lines.append("forvaltningar:")
    for fid, staber in ids["forvaltningar"].items():
        lines += [f"  {fid}:", f"    namn: Förvaltning {fid}", "    staber:"]
        lines += [f'      "{s}": {{namn: Stab {s}}}' for s in staber]
    return "\n".join(lines) + "\n"


def _ore(text: str) -> int:
    return int(Decimal(text) * 100) if text else 0


def agree(kfollow: list[str], folder: Path, by: str, plain: list[str]) -> str:
    """Whether kfollow's budget and utfall per stab (× kostnadsslag) equal the script's, to the öre."""
    out = subprocess.run([*kfollow, "deviation", "--budgets", str(folder), "--year", "2024", "--by", by,
                          "--format", "csv", "--exact", "--unit", "kr"], capture_output=True, text=True, env=CHILD_ENV)
    if out.returncode:
        return f"kfollow failed: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode}"
    nested = "," in by
    rows = [r for r in csv.DictReader(io.StringIO(out.stdout)) if r["radtyp"] == ("del" if nested else "rad")
            and not r["stab"].startswith("ej fördelat")]
    ours = {(r["forvaltning"], r["stab"], r.get("kostnadsslag", "")): (_ore(r["budget"]), _ore(r["utfall"]))
            for r in rows}
    script = subprocess.run(plain, capture_output=True, text=True, check=True, env=CHILD_ENV).stdout
    theirs = {(r["forvaltning"], r["stab"], r.get("kostnadsslag", "")): (int(r["budget"]), int(r["utfall"]))
              for r in csv.DictReader(io.StringIO(script)) if r["stab"]}
    if ours == theirs:
        return f"figures agree ({len(ours):,} rows)"
    differ = sorted(k for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k))
    return f"FIGURES DIFFER on {len(differ)} of {len(theirs)} rows, e.g. {differ[0]}: {ours.get(differ[0])} " \
           f"vs {theirs.get(differ[0])}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000000,10000000", help="utfall rows of case (a), comma separated")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--staber", type=int, help="this many staber at every size (default: one per 480 rows)")
    parser.add_argument("--only", choices=("a", "b"))
    parser.add_argument("--keep", type=Path, help="write the data here and keep it (reused when present)")
    parser.add_argument("--kfollow", default=f"{shlex.quote(sys.executable)} -m kfollow",
                        help="the kfollow command to measure (default: this Python's)")
    args = parser.parse_args()
    kfollow = shlex.split(args.kfollow)
    python = [sys.executable, str(PLAIN)]
    work = args.keep or Path(tempfile.mkdtemp())
    sizes = [int(n) for n in args.rows.split(",")]
    results = []

    def generate(folder: Path, rows: int, staber: int | None, *flags: str) -> None:
        # in a child process: a child's peak RSS counts the pages it shares with this process, so
        # this one stays small (no polars, no data)
        count = ["--staber", str(staber)] if staber else []
        subprocess.run([sys.executable, str(HERE / "facts_data.py"), str(folder), "--rows", str(rows), *count,
                        *flags], check=True)

    def data(rows: int, staber: int | None = args.staber) -> tuple[Path, dict]:
        folder = work / (f"rows-{rows}" + (f"-staber-{staber}" if staber else ""))
        if not (folder / "utfall.parquet").exists():
            generate(folder, rows, staber)
        return folder, json.loads((folder / "ids.json").read_text(encoding="utf-8"))

    # (rows, staber): each size with one stab per 480 rows, and beyond 1 M rows also the staber of 1 M
    shapes = [(rows, args.staber) for rows in sizes]
    if args.staber is None:
        shapes += [(rows, STABER_1M) for rows in sizes if rows > 1_000_000]

    def case(name: str, rows: int, kf: list[str], plain: list[str], check: str) -> None:
        print(f"{name}: {check}", flush=True)
        (kf_s, kf_mb, kf_cpu), (plain_s, plain_mb, plain_cpu) = side_by_side(kf, plain, args.repeat)
        results.append((name, rows, kf_s, plain_s, kf_mb, plain_mb, kf_cpu, plain_cpu))

    try:
        if args.only != "b":
            for rows, staber in shapes:
                folder, ids = data(rows, staber)
                shape = f", {sum(len(s) for s in ids['forvaltningar'].values()):,} staber"
                for fmt in ("csv", "parquet"):
                    run_dir = folder / f"a-{fmt}"
                    run_dir.mkdir(exist_ok=True)
                    (run_dir / "2024.yaml").write_text(bench_scale.year_file(ids, f"../utfall.{fmt}"), encoding="utf-8")
                    kf = [*kfollow, "deviation", "--budgets", str(run_dir), "--year", "2024", "--by", "stab"]
                    plain = [*python, "stab", str(folder / f"utfall.{fmt}"), str(folder / "ids.json")]
                    case(f"(a) --by stab, {fmt}{shape}", rows, kf, plain, agree(kfollow, run_dir, "stab", plain))
                if rows == 1_000_000:  # kfollow's fixed cost: its whole run on 1 000 of the rows, the same year
                    fixed = folder / "a-fixed"
                    fixed.mkdir(exist_ok=True)
                    subprocess.run([sys.executable, "-c", "import sys, polars as pl; "
                                    "pl.read_parquet(sys.argv[1]).head(1000).write_parquet(sys.argv[2])",
                                    str(folder / "utfall.parquet"), str(fixed / "utfall.parquet")], check=True)
                    (fixed / "2024.yaml").write_text(bench_scale.year_file(ids, "utfall.parquet"), encoding="utf-8")
                    kf = [*kfollow, "deviation", "--budgets", str(fixed), "--year", "2024", "--by", "stab"]
                    plain = [*python, "stab", str(folder / "utfall.parquet"), str(folder / "ids.json")]
                    case("(0) fixed cost: kfollow on 1 000 rows, script on 1 M, parquet", 1_000, kf, plain,
                         "kfollow's whole run on the first 1 000 rows, with the same year file, against the "
                         "script's on all 1 000 000: what is left of the goal for the rows")
                    # the floor both start from: Python and polars' import are most of the script's run, and
                    # kfollow pays them too, so every ratio above 1 is what kfollow does beyond them
                    case("(i) Python and import polars alone, script on 1 M, parquet", 0,
                         [sys.executable, "-c", "import polars"], plain,
                         "Python and `import polars` alone (no rows, no kfollow) against the script's whole run")
        if args.only != "a":
            folder, ids = data(1_000_000)
            if not (folder / "budget.parquet").exists():
                generate(folder, 1_000_000, args.staber, "--budget")
            for fmt in ("csv", "parquet"):
                run_dir = folder / f"b-{fmt}"
                run_dir.mkdir(exist_ok=True)
                (run_dir / "2024.yaml").write_text(plain_year_file(ids, f"../utfall.{fmt}", f"../budget.{fmt}"),
                                                   encoding="utf-8")
                kf = [*kfollow, "deviation", "--budgets", str(run_dir), "--year", "2024", "--by", "stab,kostnadsslag"]
                plain = [*python, "stab,kostnadsslag", str(folder / f"utfall.{fmt}"), str(folder / f"budget.{fmt}")]
                check = agree(kfollow, run_dir, "stab,kostnadsslag", plain)
                if check.startswith("kfollow failed"):
                    print(f"(b) {fmt}: {check} (budget_fil and --by stab,kostnadsslag are needed)")
                    continue
                case(f"(b) + 1 M budget, --by stab,kostnadsslag, {fmt}", 1_000_000, kf, plain, check)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    print(f"\nwall and CPU (user + system): median of {args.repeat} runs; peak RSS: the largest of them; "
          f"kfollow: {args.kfollow}")
    print(f"{'case':<62} {'utfall rows':>11} {'kfollow s':>9} {'script s':>8} {'ratio':>6} {'goal':>5} "
          f"{'kfollow MB':>10} {'script MB':>9} {'goal':>5} {'kfollow cpu s':>13} {'script cpu s':>12}")
    for name, rows, kf_s, plain_s, kf_mb, plain_mb, kf_cpu, plain_cpu in results:
        ratio_goal, mb_goal = GOALS.get(rows, (None, None))
        ratio = kf_s / plain_s
        print(f"{name:<62} {rows:>11,} {kf_s:>9.2f} {plain_s:>8.2f} {ratio:>6.2f} "
              f"{f'≤{ratio_goal}' if ratio_goal else '':>5} {kf_mb:>10.0f} {plain_mb:>9.0f} "
              f"{f'≤{mb_goal}' if mb_goal else '':>5} {kf_cpu:>13.2f} {plain_cpu:>12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
