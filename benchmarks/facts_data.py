"""Synthetic utfall and budget fact tables for benchmarks: deterministic, seeded.

Writes OUT_DIR/utfall.csv and OUT_DIR/utfall.parquet (the same rows; belopp as text in kronor in
the CSV, Decimal(18,2) in the Parquet) and OUT_DIR/ids.json with the year, the förvaltningar with
their stab ids and the verksamhet codes used, so that a matching year file can be built. With
`--budget`, OUT_DIR/budget.csv and OUT_DIR/budget.parquet instead: a budget fact table over the
same ids (same --rows, --staber and --seed give the same staber and verksamheter), monthly periods,
whole kronor.

By default one stab per 480 rows (12 months × 40 accounts: about 2 000 staber for a million rows,
every row its own key at the ledger's grain); `--staber N` keeps N staber whatever the rows, so that
a larger table repeats keys as an export of single postings does. Ids have leading zeros (`0001`…),
five förvaltningar, 40 accounts (3xxx intakt, negative; 4xxx–7xxx kostnad, positive); about 3 % of
the rows have no stab and 3 % no verksamhet (ej fördelat).

    python benchmarks/facts_data.py OUT_DIR [--rows 1000000] [--staber N] [--year 2024] [--seed 8] [--budget]
    python benchmarks/facts_data.py OUT_DIR --measure      # time read_facts on both files

`--measure` runs `kfollow.sources.facts.read_facts` on each table in a fresh Python process and
prints wall-clock seconds (best of --repeat) and the process's peak RSS (ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
from pathlib import Path

FORVALTNINGAR = ("KLF", "VSS", "BUF", "SOC", "MTF")
MONTHS = 12
INCOME_ACCOUNTS = [f"3{a:03d}" for a in range(10, 90, 10)]  # 8 intakt accounts
COST_ACCOUNTS = [f"{k}{a:03d}" for k in (4, 5, 6, 7) for a in range(10, 90, 10)]  # 32 kostnad accounts
ACCOUNTS = INCOME_ACCOUNTS + COST_ACCOUNTS
VERKSAMHETER = [f"{c:03d}" for c in (10, 20, 30, 100, 130, 215, 220, 230, 263, 270, 275, 315, 340, 350, 360, 400,
                                     410, 420, 430, 440, 450, 460, 500, 510, 520, 530, 540, 550, 600, 610, 700,
                                     710, 800, 815, 830, 832, 900, 910, 920, 925)]


def generate(rows: int, year: int, seed: int, staber: int | None = None, budget: bool = False):
    """The fact table as a polars DataFrame (belopp as kronor text) and the ids it uses.

    `staber`: how many (default one per 480 rows); `budget`: other amounts, in whole kronor, on the
    same ids."""
    import polars as pl

    rng = random.Random(seed)
    sizes = random.Random(seed + 1) if budget else rng
    per_stab = MONTHS * len(ACCOUNTS) if staber is None else max(1, math.ceil(rows / staber))
    n_staber = max(1, math.ceil(rows / per_stab))
    staber = [f"{s + 1:04d}" for s in range(n_staber)]
    owner = [FORVALTNINGAR[s * len(FORVALTNINGAR) // n_staber] for s in range(n_staber)]
    home = [rng.sample(VERKSAMHETER, 3) for _ in range(n_staber)]  # each stab works in three verksamheter

    forv, stab, verk, amounts = [], [], [], []
    for i in range(rows):
        s = i // per_stab
        a = i % len(ACCOUNTS)
        roll = rng.random()
        forv.append(owner[s])
        stab.append(None if roll < 0.03 else staber[s])
        verk.append(None if 0.03 <= roll < 0.06 else home[s][i % 3])
        size = sizes.randint(1, 5_000_000_00)  # öre, up to 5 mnkr
        if budget:
            size = size - size % 100 or 100
        elif roll > 0.5:
            size -= size % 100  # whole kronor, written without decimals
        elif roll > 0.3:
            size -= size % 10  # one decimal
        amounts.append(-size if a < len(INCOME_ACCOUNTS) else size)

    idx = pl.int_range(rows, dtype=pl.Int64)
    ore = pl.col("ore")
    kronor = (ore.abs() // 100).cast(pl.String)
    fraction = (ore.abs() % 100).cast(pl.String).str.zfill(2)
    text = (
        pl.when(ore < 0).then(pl.lit("-")).otherwise(pl.lit(""))
        + kronor
        + pl.when(ore % 100 == 0).then(pl.lit(""))
        .when(ore % 10 == 0).then("." + fraction.str.slice(0, 1))
        .otherwise("." + fraction)
    )
    frame = pl.DataFrame(
        {"forvaltning": forv, "stab": stab, "verksamhet": verk, "ore": amounts},
        schema={"forvaltning": pl.String, "stab": pl.String, "verksamhet": pl.String, "ore": pl.Int64},
    ).with_columns(
        (pl.lit(f"{year}-") + ((idx // len(ACCOUNTS)) % MONTHS + 1).cast(pl.String).str.zfill(2)).alias("period"),
        pl.Series("konto", ACCOUNTS).gather(idx % len(ACCOUNTS)).alias("konto"),
        pl.when(idx % len(ACCOUNTS) < len(INCOME_ACCOUNTS)).then(pl.lit("intakt")).otherwise(pl.lit("kostnad"))
        .alias("slag"),
        text.alias("belopp"),
    ).select("period", "forvaltning", "stab", "verksamhet", "konto", "slag", "belopp")
    ids = {
        "ar": year,
        "forvaltningar": {f: [s for s, o in zip(staber, owner) if o == f] for f in FORVALTNINGAR if f in owner},
        "verksamheter": sorted(set(v for h in home for v in h)),
    }
    return frame, ids


def write(out: Path, rows: int, year: int, seed: int, staber: int | None = None, budget: bool = False) -> None:
    import polars as pl

    out.mkdir(parents=True, exist_ok=True)
    frame, ids = generate(rows, year, seed, staber, budget)
    name = "budget" if budget else "utfall"
    frame.write_csv(out / f"{name}.csv")
    # with its amounts' sums per period in its metadata, as `kfollow import … -o X.parquet` writes it (and loading checks)
    from kfollow.sources.facts import CONTROL_KEY, control_sums

    ore = frame.with_columns(belopp=(pl.col("belopp").cast(pl.Decimal(18, 2)) * 100).cast(pl.Int64))
    frame.with_columns(pl.col("belopp").cast(pl.Decimal(18, 2))).write_parquet(
        out / f"{name}.parquet", metadata={CONTROL_KEY: control_sums(ore)})
    (out / "ids.json").write_text(json.dumps(ids, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {frame.height} {name} rows, {sum(len(s) for s in ids['forvaltningar'].values())} staber, "
          f"{len(ids['verksamheter'])} verksamheter to {out}")


_MEASURE = """
import json, resource, sys, time
from pathlib import Path
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from kfollow.sources.facts import Known, read_facts
imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
ids = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
known = Known(ids["ar"], {f: set(s) for f, s in ids["forvaltningar"].items()}, set(ids["verksamheter"]))
times = []
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    frame = read_facts(Path(sys.argv[1]), known)
    times.append(time.perf_counter() - start)
    del frame
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"best_s": min(times), "first_s": times[0], "rss_after_import_mb": imported / 1024,
                  "peak_rss_mb": peak / 1024}))
"""


def measure(out: Path, repeat: int) -> None:
    for name in ("utfall.csv", "utfall.parquet"):
        for runs in (1, repeat):  # one read alone: the peak a single command sees
            result = subprocess.run([sys.executable, "-c", _MEASURE, str(out / name), str(out / "ids.json"),
                                     str(runs)], capture_output=True, text=True, check=True)
            figures = json.loads(result.stdout)
            print(f"{name:16} runs={runs}  best {figures['best_s']:.3f} s  first {figures['first_s']:.3f} s  "
                  f"peak RSS {figures['peak_rss_mb']:.0f} MB (after import {figures['rss_after_import_mb']:.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--staber", type=int, help="this many staber (default: one per 480 rows)")
    parser.add_argument("--budget", action="store_true", help="write budget.csv and budget.parquet")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--measure", action="store_true", help="time read_facts on the tables already in OUT")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.measure:
        measure(args.out, args.repeat)
    else:
        write(args.out, args.rows, args.year, args.seed, args.staber, args.budget)


if __name__ == "__main__":
    main()
