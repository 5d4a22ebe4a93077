"""Small functions returning `pl.Expr`: the arithmetic of budget follow-up, in one place.

Money columns are Int64 öre and stay exact; percentages are Float64 computed from exact amounts.
"""

from __future__ import annotations

import polars as pl


def exact_sum(col: str) -> pl.Expr:
    """Sum of a money column; null when any value is null (a partial sum would mislead) or there are none."""
    return pl.when((pl.col(col).null_count() == 0) & (pl.len() > 0)).then(pl.col(col).sum()).otherwise(None).alias(col)


def avvikelse(budget: str = "budget", utfall: str = "utfall") -> pl.Expr:
    """Deviation of a net cost or a cost, öre: budget − utfall. Positive = överskott (surplus)."""
    return (pl.col(budget) - pl.col(utfall)).alias("avvikelse")


def avvikelse_intakt(budget: str = "budget", utfall: str = "utfall") -> pl.Expr:
    """Deviation of an income, öre: utfall − budget. Positive = more income than budgeted."""
    return (pl.col(utfall) - pl.col(budget)).alias("avvikelse")


def percent_of(numerator: str, base: str, alias: str) -> pl.Expr:
    """100 · numerator / |base|, so the sign follows the numerator; null where base is 0 or null."""
    return (
        pl.when(pl.col(base) != 0)
        .then((100 * pl.col(numerator).cast(pl.Int128)).cast(pl.Float64) / pl.col(base).abs().cast(pl.Float64))  # exact × 100
        .otherwise(None)
        .alias(alias)
    )


def change_percent(new: str, old: str, alias: str = "forandring_pct") -> pl.Expr:
    """Change in percent of the base year, 100 · (new − old) / old; null when the base is ≤ 0."""
    return (
        pl.when(pl.col(old) > 0)
        .then((100 * (pl.col(new).cast(pl.Int128) - pl.col(old))).cast(pl.Float64) / pl.col(old).cast(pl.Float64))
        .otherwise(None)
        .alias(alias)
    )


def share(col: str, total: pl.Expr, alias: str = "andel_pct") -> pl.Expr:
    """Share of `total` in percent (nettokostnad, exact amounts); null where the total is 0 or null."""
    return (
        pl.when(total != 0)
        .then((100 * pl.col(col).cast(pl.Int128)).cast(pl.Float64) / total.cast(pl.Float64))  # exact × 100
        .otherwise(None)
        .alias(alias)
    )


def presented(col: str, sign: pl.Expr) -> pl.Expr:
    """A net amount as the förvaltning presents it: nettokostnad (sign 1) or resultat (sign −1)."""
    return (pl.col(col) * sign).alias(col)


def rubrik(columns: list[str]) -> pl.Expr:
    """The row label people read, as the published tables print it: `  varav kostnader` under its
    row, `270 - Räddningstjänst` for a verksamhet, `5010 - Löner` for an account (a part of a row
    indented below it), `Summa nettokostnad` / `Summa resultat`."""
    name = pl.col("namn").fill_null("")
    label = pl.when(pl.col("radtyp").is_in(["kostnader", "intakter"])).then(pl.lit("  ") + name)
    if "konto" in columns:  # 5010 - Löner
        label = label.when(pl.col("radtyp").is_in(["rad", "del"]) & pl.col("konto").is_not_null()
                           & (pl.col("konto") != name) & ~name.str.contains(pl.col("konto"), literal=True)).then(
            pl.when(pl.col("radtyp") == "del").then(pl.lit("  ")).otherwise(pl.lit("")) + pl.col("konto")
            + pl.lit(" - ") + name)
    if "kostnadsslag" in columns or "konto" in columns:  # a row's parts, below it
        label = label.when(pl.col("radtyp").is_in(["del", "del_ej_fordelat"])).then(pl.lit("  ") + name)
    if "verksamhet" in columns:
        label = label.when(pl.col("radtyp").is_in(["rad", "radsumma"]) & pl.col("verksamhet").is_not_null()).then(
            pl.col("verksamhet") + pl.lit(" - ") + name)
    if "redovisas_som" in columns:
        label = label.when((pl.col("radtyp") == "summa") & pl.col("redovisas_som").is_not_null()).then(
            pl.lit("Summa ") + pl.col("redovisas_som"))
    return label.otherwise(name).alias("rubrik")
