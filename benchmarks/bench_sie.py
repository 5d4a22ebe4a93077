"""Reading a large SIE 4 export: time and peak memory of `kfollow import sie`, against the file's size.

Writes a synthetic kommun export of about the sizes asked for (by default 50, 200 and 400 MB: a large
kommun's year with every voucher is 200–800 MB) in the shape an ekonomisystem writes (`write_export`):
PC8 and CRLF, #KONTO for ~800 accounts, #DIM/#OBJEKT for ansvar (dimension 1: 150 of five
förvaltningar), verksamhet (6) and anställd (7), #PSALDO per account and month (the `{}` total and its
breakdown by ansvar, equal to the vouchers, so the import's control runs and agrees), #PBUDGET per
account, ansvar and month, and a year of #VER vouchers of 2–12 #TRANS rows with `{1 "ansvar" 6
"verksamhet"}` lists, balanced against the bank. Then measures, each as a whole process (Python start
and imports included):

- `read`: `read_sie(FILE)` alone, every row kept (the reader as a library reads it);
- `import`: `kfollow import sie FILE --mapping mapping.yaml --year 2024 -o …/utfall-2024.parquet`, with
  the bench's mapping (förvaltning and stab from ansvar, verksamhet from dimension 6).

For each it prints the median wall and CPU time (user + system, all threads: steadier than the wall
time on a shared machine) of --repeat runs, the largest peak RSS (the child's ru_maxrss, from
os.wait4: Linux or macOS), the peak as a multiple of the file's size, and that multiple without
the peak of a Python that only imports the reader (the interpreter and polars, which any size pays).
Goal: the import's peak well under 1 GB for a 400 MB export. Prints figures; asserts nothing.

    python benchmarks/bench_sie.py [--mb 50,200,400] [--repeat 3] [--keep DIR] [--pythonpath DIR]

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
MB = 1_000_000
READ = "import sys\nfrom kfollow.sources.sie import read_sie\nprint(read_sie(sys.argv[1]).trans.height)"
BASE = "import polars\nimport kfollow.sources.sie"


FORVALTNINGAR = ("KSF", "BUF", "SOC", "TEK", "KUF")  # ansvar 1000–1999 KSF, 2000–2999 BUF, …
VERKSAMHETER = tuple(str(v) for v in (100, 110, 130, 150, 200, 210, 215, 240, 260, 270, 280, 300, 310, 320, 330,
                                      340, 350, 360, 400, 405, 407, 410, 420, 425, 430, 440, 450, 460, 470, 500,
                                      510, 520, 530, 540, 550, 560, 600, 610, 700, 920))
TEXTS = ("Löner", "Leverantörsfaktura", "Sålda tjänster", "Material", "Hyra lokaler", "Konsulttjänster, utredning",
         "Periodisering", "Internfakturering")


def accounts() -> dict[str, str]:
    """A kommun-sized chart (Kommun-Bas): the bank, 1 class-2 account and about 800 result accounts in 3–7."""
    chart = {"1930": "Företagskonto", "2440": "Leverantörsskulder"}
    for klass, name, count in (("3", "Intäkter", 120), ("4", "Material", 120), ("5", "Personal", 200),
                               ("6", "Tjänster", 220), ("7", "Övrigt", 140)):
        chart.update({f"{klass}{n:03d}": f"{name} {n}" for n in range(10, 10 + 5 * count, 5)})
    return chart


def ansvar() -> list[str]:
    """30 ansvar (kostnadsställen) per förvaltning: 1010, 1020, … 1300, 2010, …"""
    return [f"{f}{n:03d}" for f in range(1, len(FORVALTNINGAR) + 1) for n in range(10, 310, 10)]


MAPPING_TEXT = "\n".join([
    "forvaltning:", "  dimension: 1", "  objekt:",
    *(f'    "{i}000-{i}999": {fid}' for i, fid in enumerate(FORVALTNINGAR, 1)),
    "konton:", '  "1": ignorera', '  "2": ignorera', '  "3": intakt', '  "4": kostnad', '  "5": kostnad',
    '  "6": kostnad', '  "7": kostnad', '  "8": ignorera',
    "stab:", "  dimension: 1", "  objekt:", *(f'    "{a}": S{a}' for a in ansvar()),
    "verksamhet:", "  dimension: 6", "  objekt:", *(f'    "{v}": "{v}"' for v in VERKSAMHETER), ""])


def write_export(path: Path, size: int, seed: int = 14) -> None:
    """A kommun's SIE 4 export of a year, about `size` bytes, as an ekonomisystem writes it (PC8, CRLF):
    the header, #KONTO of ~800 accounts, #DIM 1 (ansvar), 6 (verksamhet) and 7 (anställd) with their
    #OBJEKT, #PSALDO per account and month (the `{}` total and its breakdown by ansvar, equal to the
    vouchers, so the import's control runs and agrees), #PBUDGET per account, ansvar and month (with its
    `{}` totals), then #VER vouchers of 2–12 #TRANS rows with `{1 "ansvar" 6 "verksamhet"}` lists (a
    third of the salary rows with an employee, dimension 7; half of the rows with a date and a text),
    balanced against the bank, until the file has `size` bytes; their month follows their place in the
    file."""
    rng = random.Random(seed)
    chart = accounts()
    costs = [k for k in chart if k[0] in "4567"]
    income = [k for k in chart if k[0] == "3"]
    units = ansvar()
    # each ansvar books on a few verksamheter and a part of the chart, as a kostnadsställe does
    their_verksamhet = {a: rng.sample(VERKSAMHETER, 3) for a in units}
    their_costs = {a: rng.sample(costs, 120) for a in units}
    their_income = {a: rng.sample(income, 20) for a in units}
    sums: dict[tuple[int, str], int] = defaultdict(int)
    by_ansvar: dict[tuple[int, str, str], int] = defaultdict(int)
    body = path.with_suffix(".vouchers")
    written, number = 0, 0
    with body.open("w", encoding="cp437", newline="\r\n") as out:
        while written < max(size * 0.5, size * 0.97 - 7_500_000):  # (the chart, #OBJEKT, #PSALDO and #PBUDGET: ~7,5 MB)
            number += 1
            month = min(12, 1 + written * 12 // size)
            day = f"2024{month:02d}{rng.randint(1, 28):02d}"
            lines = [f'#VER A {number} {day} "{rng.choice(TEXTS)} {number}" 20250110\n', "{\n"]
            total = 0
            for _ in range(rng.randint(2, 12)):
                a = rng.choice(units)
                v = rng.choice(their_verksamhet[a])
                if rng.random() < 0.12:
                    konto, amount = rng.choice(their_income[a]), -rng.randint(100, 50_000_000)
                else:
                    konto, amount = rng.choice(their_costs[a]), rng.randint(100, 20_000_000)
                objects = f'1 "{a}" 6 "{v}"'
                if konto[0] == "5" and rng.random() < 0.33:
                    objects += f' 7 "{a}{rng.randint(0, 99):02d}"'
                kronor = f"{'-' if amount < 0 else ''}{abs(amount) // 100}.{abs(amount) % 100:02d}"
                if rng.random() < 0.5:
                    lines.append(f'#TRANS {konto} {{{objects}}} {kronor} {day} "{rng.choice(TEXTS)}"\n')
                else:
                    lines.append(f"#TRANS {konto} {{{objects}}} {kronor}\n")
                sums[(month, konto)] += amount
                by_ansvar[(month, konto, a)] += amount
                total += amount
            lines.append(f"#TRANS 1930 {{}} {'-' if total > 0 else ''}{abs(total) // 100}.{abs(total) % 100:02d}\n")
            sums[(month, "1930")] -= total
            lines.append("}\n")
            text = "".join(lines)
            out.write(text)
            written += len(text) + len(lines)  # (CRLF)

    def kronor(ore: int) -> str:
        return f"{'-' if ore < 0 else ''}{abs(ore) // 100}.{abs(ore) % 100:02d}"

    with path.open("w", encoding="cp437", newline="\r\n") as out:
        out.write("#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#PROGRAM \"Benchekonomi\" 9.1\n#GEN 20250110\n"
                  "#FNAMN \"Benchkommun (syntetisk)\"\n#ORGNR 212000-0000\n#RAR 0 20240101 20241231\n"
                  "#RAR -1 20230101 20231231\n")
        out.writelines(f'#KONTO {k} "{n}"\n' for k, n in chart.items())
        out.write("#DIM 1 Ansvar\n#DIM 6 Verksamhet\n#DIM 7 Anställd\n")
        out.writelines(f'#OBJEKT 1 "{a}" "Ansvar {a}"\n' for a in units)
        out.writelines(f'#OBJEKT 6 "{v}" "Verksamhet {v}"\n' for v in VERKSAMHETER)
        out.writelines(f'#OBJEKT 7 "{a}{n:02d}" "Anställd {a}{n:02d}"\n' for a in units for n in range(100))
        for (month, konto), amount in sorted(sums.items()):
            out.write(f"#PSALDO 0 2024{month:02d} {konto} {{}} {kronor(amount)}\n")
        for (month, konto, a), amount in sorted(by_ansvar.items()):
            out.write(f'#PSALDO 0 2024{month:02d} {konto} {{1 "{a}"}} {kronor(amount)}\n')
        for a in units:  # the budget: each ansvar's accounts, a twelfth a month, and each account's total
            budget = {k: rng.randint(10_000, 5_000_000) * 100 for k in their_costs[a][:40]}
            budget |= {k: -rng.randint(10_000, 2_000_000) * 100 for k in their_income[a][:8]}
            for konto, year in budget.items():
                for month in range(1, 13):
                    amount = year // 12
                    sums[(-month, konto)] += amount
                    out.write(f'#PBUDGET 0 2024{month:02d} {konto} {{1 "{a}"}} {kronor(amount)}\n')
        for (month, konto), amount in sorted((k, v) for k, v in sums.items() if k[0] < 0):
            out.write(f"#PBUDGET 0 2024{-month:02d} {konto} {{}} {kronor(amount)}\n")
        out.flush()
        with body.open("r", encoding="cp437", newline="") as vouchers:
            shutil.copyfileobj(vouchers, out, 1 << 20)
    body.unlink()


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
    parser.add_argument("--mb", default="50,200,400", help="file sizes in MB, comma separated")
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
            mapping = work / "mapping.yaml"
            mapping.write_text(MAPPING_TEXT, encoding="utf-8")
            commands = {
                "read": [*python, "-c", READ, str(export)],
                "import": [*python, "-m", "kfollow", "import", "sie", str(export), "--mapping", str(mapping),
                           "--year", "2024", "-o", str(out / "utfall-2024.parquet")],
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
