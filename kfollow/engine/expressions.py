"""Small functions returning `pl.Expr`: the arithmetic of budget follow-up, in one place.

Money columns are Int64 öre and stay exact; percentages are Float64 computed from exact amounts,
each with its exact companion (`report.EXACT`), which is what formats round what they show from.
"""

from __future__ import annotations

import polars as pl

from kfollow.report import EXACT, PERCENT_PLACES


def exact_sum(col: str) -> pl.Expr:
    """Sum of a money column; null when any value is null (a partial sum would mislead) or there are none."""
    return exact_sum_of(pl.col(col)).alias(col)


def exact_sum_of(expr: pl.Expr) -> pl.Expr:
    """`exact_sum` of an expression (named as it is)."""
    return pl.when((expr.null_count() == 0) & (pl.len() > 0)).then(expr.sum()).otherwise(None)


def avvikelse(budget: str = "budget", utfall: str = "utfall") -> pl.Expr:
    """Deviation of a net cost or a cost, öre: budget − utfall. Positive = överskott (surplus)."""
    return (pl.col(budget) - pl.col(utfall)).alias("avvikelse")


def avvikelse_intakt(budget: str = "budget", utfall: str = "utfall") -> pl.Expr:
    """Deviation of an income, öre: utfall − budget. Positive = more income than budgeted."""
    return (pl.col(utfall) - pl.col(budget)).alias("avvikelse")


def exact_percent(numerator: pl.Expr, base: pl.Expr) -> pl.Expr:
    """100 · numerator / base exactly, as the percent × 10^PERCENT_PLACES truncated toward zero
    (Int128; the caller keeps base ≠ 0): what every format rounds a displayed percent from."""
    n, d = numerator.cast(pl.Int128), base.cast(pl.Int128)
    q = (n.abs() * 10 ** (PERCENT_PLACES + 2)) // d.abs()
    return pl.when((n < 0) != (d < 0)).then(q * -1).otherwise(q)  # Int128 has no negation


def exact_percent_value(numerator: int, base: int) -> int:
    """`exact_percent` of two integers (öre), for a figure computed one at a time."""
    q = abs(numerator) * 10 ** (PERCENT_PLACES + 2) // abs(base)
    return -q if (numerator < 0) != (base < 0) else q


def exact_percent_float(exact: int | None, places: int = 6) -> float | None:
    """An exact percent (`exact_percent`) truncated toward zero to `places` decimals, as a float whose
    decimal (`repr`) is that truncation: for a message template's `{pct}`, which is rounded from it
    as the tables round (exact up to 10⁹ %)."""
    if exact is None:
        return None
    q = abs(exact) // 10 ** (PERCENT_PLACES - places)
    return float(f"{'-' if exact < 0 else ''}{q // 10**places}.{q % 10**places:0{places}d}")


def percent_of(numerator: str, base: str, alias: str) -> list[pl.Expr]:
    """100 · numerator / |base|, so the sign follows the numerator; null where base is 0 or null.
    The Float64 percent and its exact companion (`<alias>_exakt`)."""
    defined = pl.col(base) != 0
    return [
        pl.when(defined)
        .then((100 * pl.col(numerator).cast(pl.Int128)).cast(pl.Float64) / pl.col(base).abs().cast(pl.Float64))  # exact × 100
        .otherwise(None)
        .alias(alias),
        pl.when(defined).then(exact_percent(pl.col(numerator), pl.col(base).abs())).alias(alias + EXACT),
    ]


def change_percent(new: str, old: str, alias: str = "forandring_pct") -> list[pl.Expr]:
    """Change in percent of the base year, 100 · (new − old) / old; null when the base is ≤ 0.
    The Float64 percent and its exact companion (`<alias>_exakt`)."""
    change = pl.col(new).cast(pl.Int128) - pl.col(old)
    return [
        pl.when(pl.col(old) > 0)
        .then((100 * change).cast(pl.Float64) / pl.col(old).cast(pl.Float64))
        .otherwise(None)
        .alias(alias),
        pl.when(pl.col(old) > 0).then(exact_percent(change, pl.col(old))).alias(alias + EXACT),
    ]


def share(col: str, total: pl.Expr, alias: str = "andel_pct") -> list[pl.Expr]:
    """Share of `total` in percent (nettokostnad, exact amounts); null where the total is 0 or null.
    The Float64 percent and its exact companion (`<alias>_exakt`)."""
    return [
        pl.when(total != 0)
        .then((100 * pl.col(col).cast(pl.Int128)).cast(pl.Float64) / total.cast(pl.Float64))  # exact × 100
        .otherwise(None)
        .alias(alias),
        pl.when(total != 0).then(exact_percent(pl.col(col), total)).alias(alias + EXACT),
    ]


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
        # (not the key of a row of money without a verksamhet, `ej fördelat (KSF)`: "Ej fördelat på verksamhet")
        label = label.when(pl.col("radtyp").is_in(["rad", "radsumma"]) & pl.col("verksamhet").is_not_null()
                           & ~pl.col("verksamhet").str.starts_with("ej fördelat (")).then(
            pl.col("verksamhet") + pl.lit(" - ") + name)
    if "redovisas_som" in columns:
        label = label.when((pl.col("radtyp") == "summa") & pl.col("redovisas_som").is_not_null()).then(
            pl.lit("Summa ") + pl.col("redovisas_som"))
    return label.otherwise(name).alias("rubrik")
