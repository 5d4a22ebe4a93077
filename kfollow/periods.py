"""A year's amounts as of a period: adjusted budget, year-to-date budget and utfall, forecasts, comments.

`resolve()` turns the loaded data into one frame per year and period with the columns of
`model.AMOUNT_SCHEMA` (money Int64 öre, nettokostnad) plus budget_original, budget_helar,
prognos, prognos_manad and, with a forecast to compare against, jmf_prognos and jmf_budget.
Reports build on it; nothing here formats anything.
"""

from __future__ import annotations

import re
import polars as pl

from kfollow import expressions as ex
from kfollow.errors import UsageError
from kfollow.model import Budgets
from kfollow.options import BudgetMode

KEY = ["forvaltning", "vy", "nyckel"]
_PERIOD = re.compile(r"(\d{4})-(\d{2})")


def parse_period(text: str, what: str = "--period") -> tuple[int, int]:
    """`2024-08` → (2024, 8); UsageError otherwise."""
    m = _PERIOD.fullmatch(text.strip())
    if not m or not 1 <= int(m[2]) <= 12:
        raise UsageError(f"{what} '{text}' is not a month; write YYYY-MM, e.g. 2024-08")
    return int(m[1]), int(m[2])


def spread(col: str, cum: str = "_cum", total: str = "_w") -> pl.Expr:
    """The part of an annual amount that falls in months 1..m by weights: exact öre, half away from zero.

    Rounding the cumulative share (not each month) makes month 12 give back the annual amount
    exactly and monthly budgets (differences of consecutive months) sum to it exactly.
    """
    x = pl.col(col).cast(pl.Int128)
    w, big_w = pl.col(cum).cast(pl.Int128), pl.col(total).cast(pl.Int128)
    magnitude = ((x.abs() * w * 2 + big_w) // (2 * big_w)).cast(pl.Int64)  # ≤ |amount|, so it fits
    return pl.when(pl.col(col) < 0).then(-magnitude).otherwise(magnitude).alias(col)


def _weights(budgets: Budgets, year: int, month: int) -> pl.DataFrame:
    """Per profile name (null = even twelfths): cumulative weight up to `month` and the year's weight."""
    profiles = budgets.year(year).profiler
    rows = [{"profil": None, "_cum": month, "_w": 12}]
    rows += [{"profil": name, "_cum": sum(w[:month]), "_w": sum(w)} for name, w in profiles.items()]
    return pl.DataFrame(rows, schema={"profil": pl.String, "_cum": pl.Int64, "_w": pl.Int64}, orient="row")


def _changes_upto(budgets: Budgets, year: int, month: int) -> pl.DataFrame:
    return (
        budgets.changes.filter((pl.col("ar") == year) & (pl.col("manad") <= month))
        .group_by(KEY).agg(pl.col("d_budget").sum(), pl.col("d_kostnader").sum(), pl.col("d_intakter").sum())
    )


def budget_at(budgets: Budgets, year: int, month: int) -> pl.DataFrame:
    """The annual budget of each row as adjusted by the changes decided up to `month` (öre)."""
    a = budgets.amounts.filter(pl.col("ar") == year)
    d = _changes_upto(budgets, year, month)
    return a.join(d, on=KEY, how="left").select(
        *KEY,
        (pl.col("budget") + pl.col("d_budget").fill_null(0)).alias("budget"),
        (pl.col("budget_kostnader") + pl.col("d_kostnader").fill_null(0)).alias("budget_kostnader"),
        (pl.col("budget_intakter") + pl.col("d_intakter").fill_null(0)).alias("budget_intakter"),
    )


def last_month_booked(budgets: Budgets, year: int) -> int | None:
    """The last month with monthly utfall in the year, or None when utfall is given per year only."""
    return budgets.amounts.filter(pl.col("ar") == year)["manader"].max()


def _latest_forecast(budgets: Budgets, year: int, month: int, value: str, stamp: str) -> pl.DataFrame:
    return (
        budgets.forecasts.filter((pl.col("ar") == year) & (pl.col("manad") <= month))
        .sort("manad").group_by(KEY).last()
        .select(*KEY, pl.col("prognos").alias(value), pl.col("manad").alias(stamp))
    )


def resolve(budgets: Budgets, year: int, period: int | None = None, mode: BudgetMode = BudgetMode.justerad,
            against: int | None = None, strict: bool = True) -> pl.DataFrame:
    """Amount rows of `year` as of month `period` (None = the whole year), öre, nettokostnad.

    budget: year-to-date by the row's profile (whole year without a period), adjusted by the
    changes decided up to the period unless mode is original; utfall: year-to-date sum of the
    months; budget_helar: the annual budget used; prognos: the latest forecast made up to the
    period; jmf_prognos / jmf_budget: the forecast made up to month `against` and the annual
    budget as adjusted then. `strict` raises when the period asks for months that are not booked.
    """
    info = budgets.year(year)
    month = period or 12
    a = budgets.amounts.filter(pl.col("ar") == year)
    booked = last_month_booked(budgets, year)
    if period is not None and strict:
        if booked is None and period != 12:
            raise UsageError(f"{info.fil} gives utfall for the whole year only; --period needs utfall per month "
                             f"(utfall: {{{year}-01: …}}, see README) or use the year without --period")
        if booked is not None and period > booked:
            raise UsageError(f"utfall in {info.fil} is booked up to {year}-{booked:02d}; pick --period {year}-{booked:02d} or earlier")

    frame = a.rename({"budget": "budget_original", "budget_kostnader": "_ok", "budget_intakter": "_oi"})
    if mode is BudgetMode.original:
        annual = a.select(*KEY, "budget", "budget_kostnader", "budget_intakter")
    else:
        annual = budget_at(budgets, year, month)
    frame = frame.join(annual, on=KEY, how="left").drop("_ok", "_oi")
    frame = frame.with_columns(pl.col("budget").alias("budget_helar"))

    if period is not None:
        frame = frame.join(_weights(budgets, year, period), on="profil", how="left", nulls_equal=True)
        frame = frame.with_columns(spread("budget"), spread("budget_kostnader"), spread("budget_intakter"))
        frame = frame.with_columns(  # gross rows: net = kostnader − intäkter, so the three agree to the öre
            budget=pl.when(pl.col("budget_kostnader").is_not_null())
            .then(pl.col("budget_kostnader") - pl.col("budget_intakter")).otherwise(pl.col("budget"))
        ).drop("_cum", "_w")
        ytd = (
            budgets.months.filter((pl.col("ar") == year) & (pl.col("manad") <= period))
            .group_by(KEY).agg(*(ex.exact_sum(c).alias(f"_{c}") for c in ("utfall", "utfall_kostnader", "utfall_intakter")))
        )
        frame = frame.join(ytd, on=KEY, how="left").with_columns(
            *(pl.when(pl.col("manader").is_not_null()).then(pl.col(f"_{c}").fill_null(0) if c == "utfall" else pl.col(f"_{c}"))
              .when(pl.lit(period == 12)).then(pl.col(c)).otherwise(None).alias(c)
              for c in ("utfall", "utfall_kostnader", "utfall_intakter"))
        ).drop("_utfall", "_utfall_kostnader", "_utfall_intakter")
        comments = budgets.comments.filter((pl.col("ar") == year) & (pl.col("manad") == period)).select(
            *KEY, pl.col("kommentar").alias("_k"))
        frame = frame.join(comments, on=KEY, how="left").with_columns(
            kommentar=pl.col("_k") if period != 12 else pl.coalesce("_k", "kommentar")).drop("_k")

    frame = frame.join(_latest_forecast(budgets, year, month, "prognos", "prognos_manad"), on=KEY, how="left")
    if against is not None:
        frame = frame.join(_latest_forecast(budgets, year, against, "jmf_prognos", "jmf_manad"), on=KEY, how="left")
        frame = frame.join(budget_at(budgets, year, against).select(*KEY, pl.col("budget").alias("jmf_budget")),
                           on=KEY, how="left")
    return frame
