"""Reading a large SIE 4 export: time and peak memory of `kfollow import sie`, against the file's size.

Writes a synthetic kommun export of about the sizes asked for (by default 50 MB and 300 MB) with
`kfollow.sources.sie_writer`: the chart, dimension 1 (ansvar, the eight of examples/sie/mapping.yaml)
and 7 (anställd), #PSALDO `{}` totals per account and month (so the import's control runs and
agrees), and a year of vouchers of eight rows each, half of them with a date and a text, balanced
against the bank. Then measures, each as a whole process (Python start and imports included):

- `read`: `read_sie(FILE)` alone (the reader: how much of its peak is the file);
- `import`: `kfollow import sie FILE --mapping examples/sie/mapping.yaml --year 2024 -o …/utfall-2024.csv`.

For each it prints the median wall and CPU time (user + system, all threads: steadier than the wall
time on a shared machine) of --repeat runs, the largest peak RSS (the child's ru_maxrss, from
os.wait4: Linux or macOS), the peak as a multiple of the file's size, and that multiple without
the peak of a Python that only imports the reader (the interpreter and polars, which any size pays).
Goal (issue 14): the reader's peak within 3× the file's size. Prints figures; asserts nothing.

    python benchmarks/bench_sie.py [--mb 50,300] [--repeat 3] [--keep DIR] [--pythonpath DIR]

`--pythonpath DIR` measures another kfollow (e.g. an older tree: `git archive HEAD kfollow | tar -x
-C DIR`) against the same files; the children run in the data folder, so only DIR's kfollow is seen.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MAPPING = ROOT / "examples" / "sie" / "mapping.yaml"
MB = 1_000_000
ANSVAR = ("1110", "1120", "1130", "1140", "1150", "1160", "1170", "2000")
TEXTS = ("Löner", "Fakturor", "Sålda tjänster", "Material", "Hyra lokaler", "Konsulttjänster, utredning")
READ = "import sys\nfrom kfollow.sources.sie import read_sie\nprint(read_sie(sys.argv[1]).trans.height)"
BASE = "import polars\nimport kfollow.sources.sie"


def accounts() -> dict[str, str]:
    """A kommun-sized chart: the bank and 40 accounts in each of the classes 3–7."""
    chart = {"1930": "Företagskonto"}
    for klass, name in (("3", "Intäkter"), ("4", "Material"), ("5", "Personal"), ("6", "Tjänster"), ("7", "Övrigt")):
        chart.update({f"{klass}{n:03d}": f"{name} {n}" for n in range(10, 410, 10)})
    return chart


def vouchers(count: int, seed: int = 14):
    """`count` vouchers of 2024 (a generator: the writer streams them), eight rows each, balanced."""
    from kfollow.sources.sie_writer import Row, Voucher

    rng = random.Random(seed)
    costs = [k for k in accounts() if k[0] in "4567"]
    income = [k for k in accounts() if k[0] == "3"]
    for number in range(1, count + 1):
        month = 1 + (number - 1) * 12 // count
        day = f"2024-{month:02d}-{rng.randint(1, 28):02d}"
        rows = []
        for _ in range(7):
            ansvar = rng.choice(ANSVAR)
            objects = {1: ansvar} if rng.random() < 0.7 else {1: ansvar, 7: f"{ansvar}{rng.randint(0, 9)}"}
            konto = rng.choice(income) if rng.random() < 0.1 else rng.choice(costs)
            amount = rng.randint(100, 5_000_000) * (-1 if konto[0] == "3" else 1)
            if rng.random() < 0.5:
                rows.append(Row(konto, amount, objects, date=day, text=rng.choice(TEXTS)))
            else:
                rows.append(Row(konto, amount, objects))
        rows.append(Row("1930", -sum(r.belopp for r in rows)))
        yield Voucher(day, rows, text=f"Verifikation {number}", number=str(number))


def psaldo(count: int):
    """#PSALDO `{}` of year 0: each account's change per month, summed from the same vouchers."""
    from kfollow.sources.sie_writer import Saldo

    sums: dict[tuple[str, str], int] = defaultdict(int)
    for voucher in vouchers(count):
        for row in voucher.rows:
            sums[(voucher.date[:7], row.konto)] += row.belopp
    return [Saldo(0, period, konto, amount) for (period, konto), amount in sorted(sums.items())]


def write_export(path: Path, size: int) -> None:
    """An export of about `size` bytes (the voucher count is estimated from a small one first)."""
    from kfollow.sources.sie_writer import write_sie

    def write(target: Path, count: int) -> None:
        objects = {(1, a): f"Ansvar {a}" for a in ANSVAR} | {(7, f"{a}{n}"): f"Anställd {a}{n}" for a in ANSVAR
                                                             for n in range(10)}
        write_sie(target, company="Benchkommun (syntetisk)", generated="2025-01-10",
                  years={0: ("2024-01-01", "2024-12-31")}, accounts=accounts(),
                  dimensions={1: "Ansvar", 7: "Anställd"}, objects=objects, vouchers=vouchers(count),
                  psaldo=psaldo(count), program=("Benchekonomi", "1.0"))

    sizes = []
    for count in (1_000, 3_000):  # the chart and #PSALDO are the same size whatever the vouchers
        sample = path.with_suffix(".sample")
        write(sample, count)
        sizes.append(sample.stat().st_size)
        sample.unlink()
    per_voucher = (sizes[1] - sizes[0]) / 2_000
    write(path, max(1, round((size - (sizes[0] - 1_000 * per_voucher)) / per_voucher)))


def run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system, all threads) of one run of a whole
    process."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status):
            err.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{err.read().decode(errors='replace')}")
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024) / MB  # macOS: bytes, Linux: KiB
    return wall, peak, usage.ru_utime + usage.ru_stime


def measure(command: list[str], cwd: Path, env: dict[str, str], repeat: int) -> tuple[float, float, float]:
    """Median wall seconds, the largest peak RSS (MB) and the median CPU seconds of `repeat` runs,
    after one to warm the caches."""
    run(command, cwd, env)
    runs = [run(command, cwd, env) for _ in range(repeat)]
    return (statistics.median(r[0] for r in runs), max(r[1] for r in runs), statistics.median(r[2] for r in runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", default="50,300", help="file sizes in MB, comma separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the exports here and keep them (reused when present)")
    parser.add_argument("--pythonpath", type=Path, help="import kfollow from this folder (default: this checkout)")
    parser.add_argument("--write", nargs=2, metavar=("FILE", "BYTES"), help=argparse.SUPPRESS)  # the child that writes
    args = parser.parse_args()
    if args.write:
        sys.path.insert(0, str(ROOT))
        write_export(Path(args.write[0]), int(args.write[1]))
        return 0

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-sie-"))
    work.mkdir(parents=True, exist_ok=True)
    code = (args.pythonpath or ROOT).resolve()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join([str(code), *filter(None, [os.environ.get("PYTHONPATH")])])
    python = [sys.executable]
    results = []
    try:
        base = measure([*python, "-c", BASE], work, env, 1)[1]
        for mb in (int(n) for n in args.mb.split(",")):
            export = work / f"export-{mb}mb.se"
            if not export.exists():
                print(f"writing {export.name} …", flush=True)
                # in a child: a child's peak RSS would count pages it shares with this process
                subprocess.run([sys.executable, __file__, "--write", str(export), str(mb * MB)], check=True)
            size = export.stat().st_size / MB
            with export.open("rb") as handle:
                lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 24), b""))
            out = work / f"out-{mb}"
            out.mkdir(exist_ok=True)
            commands = {
                "read": [*python, "-c", READ, str(export)],
                "import": [*python, "-m", "kfollow", "import", "sie", str(export), "--mapping", str(MAPPING),
                           "--year", "2024", "-o", str(out / "utfall-2024.csv")],
            }
            for what, command in commands.items():
                wall, peak, cpu = measure(command, work, env, args.repeat)
                results.append((what, size, lines, wall, peak, cpu))
                print(f"{what} {size:.0f} MB: {wall:.2f} s, {peak:.0f} MB, cpu {cpu:.2f} s", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    print(f"\nkfollow from {code}; wall and CPU (user + system): median of {args.repeat} runs; peak RSS: the "
          f"largest; base: a Python with polars and the reader imported, {base:.0f} MB")
    print(f"{'command':<8} {'file MB':>8} {'lines':>11} {'wall s':>7} {'cpu s':>6} {'MB/s':>6} {'peak MB':>8} "
          f"{'× file':>7} {'(peak − base) / file':>21}")
    for what, size, lines, wall, peak, cpu in results:
        print(f"{what:<8} {size:>8.1f} {lines:>11,} {wall:>7.2f} {cpu:>6.2f} {size / wall:>6.1f} {peak:>8.0f} "
              f"{peak / size:>7.2f} {(peak - base) / size:>21.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
