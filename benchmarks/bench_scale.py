"""Scale: outcome at a million fact rows, and YAML loading of a 100 000-row year.

1. Writes 1 M fact rows (about 2 000 staber × 12 months × 40 accounts, `facts_data.py`) as CSV and
   as Parquet, each with a year file that names it under `utfall_fil` and holds the staber's and
   verksamheter's budgets, then runs the whole command `kfollow deviation --year 2024 --by stab`
   several times per format: median wall time and peak RSS (GNU time's %M). Goal: ≤ 1 s, ≤ 500 MB.
2. Loads the synthetic year of `bench.py` with 700 staber a förvaltning (100 800 monthly rows of
   YAML): monthly rows per second. Goal: ≥ 50 000.
3. Writes a SIE 4 export of about a million lines (vouchers of 20 rows on 50 ansvar and 30 accounts,
   with the kfollow SIE writer) and runs the whole command `kfollow import sie` on it: lines per
   second. Goal: ≥ 200 000.

    python benchmarks/bench_scale.py [--rows 1000000] [--repeat 5] [--keep DIR]

Prints figures; nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402
import facts_data  # noqa: E402

GOAL_SECONDS, GOAL_MB, GOAL_ROWS_PER_S, GOAL_SIE_LINES_PER_S = 1.0, 500, 50_000, 200_000
SIE_MAPPING = """forvaltning: ADM
konton: {"1": ignorera, "3": intakt, "4": kostnad, "5": kostnad, "6": kostnad}
stab:
  dimension: 1
  objekt: {"1000-1999": EKO}
"""


def write_sie_export(path: Path, lines: int) -> int:
    """A SIE 4 export of about `lines` lines; returns the number of lines written."""
    import random

    from kfollow.sources.sie_writer import Row, Voucher, write_sie

    rng = random.Random(4)
    accounts = [f"{k}{a:03d}" for k in (4, 5, 6) for a in range(10, 110, 10)]
    vouchers = []
    for n in range(lines // 23):
        month = n % 12 + 1
        rows = [Row(rng.choice(accounts), rng.randint(100, 10_000_000), {1: str(1000 + rng.randrange(50))},
                    text="Faktura") for _ in range(19)]
        rows.append(Row("1930", -sum(r.belopp for r in rows)))
        vouchers.append(Voucher(f"2024-{month:02d}-{rng.randint(1, 28):02d}", rows, text=f"Verifikation {n}"))
    write_sie(path, company="Skalkommun", generated="2024-12-31", years={0: ("2024-01-01", "2024-12-31")},
              accounts={a: f"Konto {a}" for a in [*accounts, "1930"]}, dimensions={1: "Ansvar"},
              objects={(1, str(1000 + i)): f"Ansvar {i}" for i in range(50)}, vouchers=vouchers)
    return sum(1 for _ in path.open("rb"))


def year_file(ids: dict, table: str) -> str:
    """A year file for the facts' ids: every stab and verksamhet with a budget (tkr)."""
    lines = [f"ar: {ids['ar']}", "organisation: Skalkommun (syntetisk)", "enhet: tkr", f"utfall_fil: {table}",
             "verksamheter:"]
    lines += [f'  "{code}": Verksamhet {code}' for code in ids["verksamheter"]]
    lines.append("forvaltningar:")
    for fid, staber in ids["forvaltningar"].items():
        lines += [f"  {fid}:", f"    namn: Förvaltning {fid}", "    staber:"]
        lines += [f'      "{s}": {{namn: Stab {s}, budget: 30000}}' for s in staber]
        total = 30000 * len(staber)
        share, codes = total // len(ids["verksamheter"]), ids["verksamheter"]
        lines.append("    verksamheter:")
        lines += [f'      "{c}": {{budget: {share if i < len(codes) - 1 else total - share * (len(codes) - 1)}}}'
                  for i, c in enumerate(codes)]
    return "\n".join(lines) + "\n"


def run(command: list[str], repeat: int) -> tuple[float, float]:
    """Median wall seconds and the largest peak RSS (MB) of `repeat` runs of a whole process."""
    times, peaks = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
        peaks.append(int(done.stderr.strip().splitlines()[-1]) / 1024)
    return statistics.median(times), max(peaks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the data here and keep it")
    args = parser.parse_args()
    kfollow = str(Path(sys.executable).parent / "kfollow")
    work = args.keep or Path(tempfile.mkdtemp())
    failed = 0
    try:
        facts_data.write(work / "facts", args.rows, 2024, 8)
        ids = json.loads((work / "facts" / "ids.json").read_text(encoding="utf-8"))
        print(f"{'command':<46} {'median s':>9} {'peak MB':>8}")
        for fmt in ("csv", "parquet"):
            folder = work / fmt
            folder.mkdir(exist_ok=True)
            shutil.copy(work / "facts" / f"utfall.{fmt}", folder / f"utfall.{fmt}")
            (folder / "2024.yaml").write_text(year_file(ids, f"utfall.{fmt}"), encoding="utf-8")
            run([kfollow, "deviation", "--budgets", str(folder), "--year", "2024", "--by", "stab"], 1)  # warm cache
            seconds, peak = run([kfollow, "deviation", "--budgets", str(folder), "--year", "2024", "--by", "stab"],
                                args.repeat)
            ok = seconds <= GOAL_SECONDS and peak <= GOAL_MB
            failed += not ok
            print(f"{f'deviation --by stab, {args.rows:,} rows {fmt}':<46} {seconds:>9.3f} {peak:>8.0f}  "
                  f"goal ≤ {GOAL_SECONDS} s, ≤ {GOAL_MB} MB  {'ok' if ok else 'MISSED'}")

        from kfollow.sources.year_file import load_year_file

        yaml_dir = work / "yaml"
        yaml_dir.mkdir(exist_ok=True)
        bench.write_year(yaml_dir / "2024.yaml", 2024, 12, 700, 40, 1)
        samples = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            loaded = load_year_file(yaml_dir / "2024.yaml")
            samples.append(time.perf_counter() - start)
        rate = loaded.months.height / statistics.median(samples)
        failed += rate < GOAL_ROWS_PER_S
        print(f"{f'YAML load, {loaded.months.height:,} monthly rows':<46} {statistics.median(samples):>9.3f} "
              f"{'':>8}  {rate:,.0f} rows/s, goal ≥ {GOAL_ROWS_PER_S:,}  "
              f"{'ok' if rate >= GOAL_ROWS_PER_S else 'MISSED'}")

        sie_dir = work / "sie"
        sie_dir.mkdir(exist_ok=True)
        lines = write_sie_export(sie_dir / "export.se", args.rows)
        (sie_dir / "mapping.yaml").write_text(SIE_MAPPING, encoding="utf-8")
        seconds, peak = run([kfollow, "import", "sie", str(sie_dir / "export.se"), "--mapping",
                             str(sie_dir / "mapping.yaml"), "-o", str(sie_dir / "utfall.parquet")], args.repeat)
        rate = lines / seconds
        failed += rate < GOAL_SIE_LINES_PER_S
        print(f"{f'import sie, {lines:,} lines':<46} {seconds:>9.3f} {peak:>8.0f}  {rate:,.0f} lines/s, "
              f"goal ≥ {GOAL_SIE_LINES_PER_S:,}  {'ok' if rate >= GOAL_SIE_LINES_PER_S else 'MISSED'}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
