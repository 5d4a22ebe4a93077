"""The yardstick for the scale benchmarks: a plain polars script doing what `kfollow deviation` does.

No kfollow, no validation beyond the exact parse: scan the fact table(s) with the streaming engine,
turn `belopp` into Int64 öre from its text (or Decimal) without a float, join utfall with the budget,
group, and print the table as CSV on stdout.

    python benchmarks/plain_polars.py stab UTFALL IDS_JSON
        deviation per stab: utfall from UTFALL (.csv or .parquet) summed per (förvaltning, stab),
        the budget of each stab from IDS_JSON (the synthetic year file gives every stab 30 000 tkr)
    python benchmarks/plain_polars.py stab,kostnadsslag UTFALL BUDGET
        deviation per stab × kostnadsslag (account class 3 intäkter, 4 köp av verksamhet/material,
        5 personal, 6–7 övriga) of two fact tables: utfall and budget, both summed to that grain
        and joined on it (a full join: a key in one table only counts too)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl

AMOUNT = r"^-?[0-9]+(\.[0-9]{1,2})?$"
KOSTNADSSLAG = {"3": "intakter", "4": "kop_material", "5": "personal", "6": "ovriga", "7": "ovriga"}


def scan(path: str) -> pl.LazyFrame:
    """The table's rows with `belopp` as Int64 öre, parsed exactly (a bad amount is null)."""
    if path.endswith(".parquet"):
        lf = pl.scan_parquet(path)
        ore = (pl.col("belopp").cast(pl.Decimal(38, 2)) * 100).cast(pl.Int64)
    else:
        lf = pl.scan_csv(path, infer_schema=False)
        text = pl.col("belopp")
        scale = pl.when(text.str.slice(-3, 1) == ".").then(1).when(text.str.slice(-2, 1) == ".").then(10).otherwise(100)
        ore = pl.when(text.str.contains(AMOUNT)).then(text.str.replace(".", "", literal=True).cast(pl.Int64) * scale)
    return lf.with_columns(ore.alias("belopp"))


def by_stab(utfall: str, ids_json: str) -> pl.DataFrame:
    ids = json.loads(Path(ids_json).read_text(encoding="utf-8"))
    budget = pl.DataFrame(
        [(f, s, 30_000 * 1000 * 100) for f, staber in ids["forvaltningar"].items() for s in staber],
        schema={"forvaltning": pl.String, "stab": pl.String, "budget": pl.Int64}, orient="row",
    ).lazy()
    sums = scan(utfall).group_by("forvaltning", "stab").agg(pl.col("belopp").sum().alias("utfall"))
    return (
        budget.join(sums, on=["forvaltning", "stab"], how="full", coalesce=True, nulls_equal=True)
        .with_columns(pl.col("budget", "utfall").fill_null(0))
        .with_columns((pl.col("budget") - pl.col("utfall")).alias("avvikelse"))
        .sort("forvaltning", "stab", nulls_last=True)
        .collect(engine="streaming")
    )


def by_stab_kostnadsslag(utfall: str, budget: str) -> pl.DataFrame:
    keys = ["forvaltning", "stab", "kostnadsslag"]

    def summed(path: str, name: str) -> pl.LazyFrame:
        slag = pl.col("konto").str.slice(0, 1).replace_strict(KOSTNADSSLAG, default="ovrigt")
        return scan(path).group_by("forvaltning", "stab", slag.alias("kostnadsslag")).agg(
            pl.col("belopp").sum().alias(name))

    return (
        summed(budget, "budget").join(summed(utfall, "utfall"), on=keys, how="full", coalesce=True, nulls_equal=True)
        .with_columns(pl.col("budget", "utfall").fill_null(0))
        .with_columns((pl.col("budget") - pl.col("utfall")).alias("avvikelse"))
        .sort(keys, nulls_last=True)
        .collect(engine="streaming")
    )


def main() -> None:
    by, first, second = sys.argv[1:4]
    frame = by_stab(first, second) if by == "stab" else by_stab_kostnadsslag(first, second)
    frame.write_csv(sys.stdout)


if __name__ == "__main__":
    main()
