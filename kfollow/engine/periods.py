"""A year's amounts as of a period: adjusted budget, year-to-date budget and utfall, forecasts, comments.

`resolve()` turns the loaded data into one frame per year and period with the columns of
`store.AMOUNT_SCHEMA` (money Int64 öre, nettokostnad) plus budget_helar,
prognos, prognos_manad and, with a forecast to compare against, jmf_prognos and jmf_budget.
Reports build on it; nothing here formats anything.
"""

from __future__ import annotations

import polars as pl

from kfollow.engine import expressions as ex
from kfollow.errors import UsageError
from kfollow.store import MONTH, Store, spread
from kfollow.options import BudgetMode

KEY = ["forvaltning", "vy", "nyckel"]


def parse_period(text: str, what: str = "--period") -> tuple[int, int]:
    """`2024-08` → (2024, 8); UsageError otherwise."""
    m = MONTH.fullmatch(text.strip())
    if not m or not 1 <= int(m[2]) <= 12 or int(m[1]) < 1000:  # (a year file's `ar` is four digits too)
        raise UsageError(f"{what} '{text}' is not a month; write YYYY-MM, e.g. 2024-08")
    return int(m[1]), int(m[2])


def _weights(budgets: Store, year: int, month: int) -> pl.DataFrame:
    """Per profile (null = even twelfths) and start month: the weight of months start..`month` (_cum)
    and of months start..12 (_w). An amount starting in month `start` is spread over those months."""
    profiles: dict[str | None, tuple[int, ...]] = {None: (1,) * 12, **budgets.year(year).profiler}
    rows = []
    for name, weights in profiles.items():
        for start in range(1, 13):
            rest = weights[start - 1:]
            if sum(rest) == 0:  # no weight left in the year: the amount falls in its first month
                rest = (1,) + (0,) * (len(rest) - 1)
            rows.append({"profil": name, "start": start, "_cum": sum(rest[: max(month - start + 1, 0)]), "_w": sum(rest)})
    return pl.DataFrame(rows, schema={"profil": pl.String, "start": pl.Int8, "_cum": pl.Int64, "_w": pl.Int64},
                        orient="row")


def spread_weights(budgets: Store, year: int, period: int) -> pl.DataFrame:
    """Per profile (null = even twelfths): the weight of months 1..period (_cum) and of the year (_w)."""
    return _weights(budgets, year, period).filter(pl.col("start") == 1).drop("start")


def spread_year(budgets: Store, year: int, period: int, frame: pl.DataFrame, col: str) -> pl.DataFrame:
    """Rows of an annual amount `col` (öre) with their `profil`: the part of it in months 1..period."""
    weights = spread_weights(budgets, year, period)
    return (frame.join(weights, on="profil", how="left", nulls_equal=True)
            .with_columns(spread(col)).drop("_cum", "_w", "profil"))


def _changes_upto(budgets: Store, year: int, month: int) -> pl.DataFrame:
    return (
        budgets.changes.filter((pl.col("ar") == year) & (pl.col("manad") <= month))
        .group_by(KEY).agg(pl.col("d_budget").sum(), pl.col("d_kostnader").sum(), pl.col("d_intakter").sum())
    )


def changes_to_date(budgets: Store, year: int, decided: int, spread_to: int) -> pl.DataFrame:
    """The year's change rows (`store.changes`) decided in months 1..`decided`, each with its part of months
    1..`spread_to` as budget, budget_kostnader and budget_intakter (öre, nettokostnad; kostnader and intäkter
    positive): spread from its month by the profile of the row it names, as `_year_to_date_budget` spreads it, so
    that a part of a row given a change has of it what the row has (month 12: the whole change)."""
    rows = budgets.amounts.filter(pl.col("ar") == year).select(*KEY, "profil")
    changes = (budgets.changes.filter((pl.col("ar") == year) & (pl.col("manad") <= decided))
               .join(rows, on=KEY, how="left")
               .with_columns(budget="d_budget", budget_kostnader="d_kostnader", budget_intakter="d_intakter",
                             start="manad"))
    return (changes.join(_weights(budgets, year, spread_to), on=["profil", "start"], how="left", nulls_equal=True)
            .with_columns(*(spread(c) for c in GROSS_BUDGET)).drop("_cum", "_w", "start"))


def budget_at(budgets: Store, year: int, month: int) -> pl.DataFrame:
    """The annual budget of each row as adjusted by the changes decided up to `month` (öre)."""
    a = budgets.amounts.filter(pl.col("ar") == year)
    d = _changes_upto(budgets, year, month)
    return a.join(d, on=KEY, how="left").select(
        *KEY,
        (pl.col("budget") + pl.col("d_budget").fill_null(0)).alias("budget"),
        (pl.col("budget_kostnader") + pl.col("d_kostnader").fill_null(0)).alias("budget_kostnader"),
        (pl.col("budget_intakter") + pl.col("d_intakter").fill_null(0)).alias("budget_intakter"),
    )


GROSS_BUDGET = ["budget", "budget_kostnader", "budget_intakter"]
GROSS_UTFALL = ["utfall", "utfall_kostnader", "utfall_intakter"]


def not_booked(year: int, period: int, tables: tuple[str, ...], fil: str = "", forms: bool = False) -> str:
    """'2024-03 is not booked yet: the utfall tables of 2024 (…) have no rows', or of a year file without tables
    '… 2027.yaml has no utfall yet (a budget only)', then what to do: a month of a year nothing is booked in, as every
    command with --period says it (`deviation` said 'the tables book no month' and '2027.yaml has no utfall yet (a
    budget only); --period needs …', `status` 'is not booked yet'; found in review, h159 and h160). `forms`: the forms
    round's advice (it asks about a booked month: the year without --period is none of its)."""
    said = (f"the utfall tables of {year} ({', '.join(tables)}) have no rows" if tables else
            f"{fil} has no utfall yet (a budget only)")
    then = _once_booked(year, period, bool(tables)) + ("" if tables else f" (utfall: {{{year}-{period:02d}: …}}, see "
                                                                         "README, or kfollow import)")
    return (f"{year}-{period:02d} is not booked yet: {said}; " +
            (f"the forms round asks about a booked month: {then}, then write its forms" if forms else
             f"{then}, or use the year without --period"))


def _once_booked(year: int, period: int, tabled: bool) -> str:
    """What makes `period` booked: importing the tables again, or the year file's months."""
    return (f"import {year}-{period:02d} once it is booked (kfollow import)" if tabled else
            f"add {year}-{period:02d} to the utfall once the month is booked")


def require_booked(budgets: Store, year: int, period: int) -> None:
    """UsageError unless every row of `year` with monthly utfall is booked up to `period`: what `resolve` checks,
    for the commands that do not resolve the period first (`forms`, `status` and `months` said 'booked up to 2024-10,
    not 2024-11' in words of their own; found in review, h160)."""
    info = budgets.year(year)
    a = budgets.amounts.filter(pl.col("ar") == year)
    tabled = frozenset(budgets.ledger.present().filter((pl.col("ar") == year) & (pl.col("art") == "utfall"))
                       ["forvaltning"].to_list()) if info.utfall_filer else frozenset()
    holding = {p.name: p.forvaltningar for p in budgets.ledger.tables(year) if p.art == "utfall"}
    _require_booked(a, info.fil, year, period, info.utfall_filer, tabled, holding)


def _require_booked(a: pl.DataFrame, fil: str, year: int, period: int, tables: tuple[str, ...] = (),
                    tabled: frozenset[str] = frozenset(), holding: dict[str, frozenset[str]] | None = None) -> None:
    """UsageError unless every row with monthly utfall is booked up to `period` (and some row is);
    `tables` are the year's utfall tables, `tabled` the förvaltningar whose utfall they give and `holding` the
    förvaltningar each table's rows are of, where known."""
    booked = a["manader"].max()
    if booked is None:
        nothing = a.height > 0 and a["utfall"].is_null().all()
        # December counts as the whole year of a year given whole, not of one nothing is booked in: `deviation --period
        # 2024-12` of January's empty table showed the year with utfall –, where `status --period` refuses it (found in
        # review, h154)
        if (period != 12 or nothing) and tables:  # tables that book no month (a table of a header only)
            raise UsageError(not_booked(year, period, tables))
        if nothing:  # a next year's budget, made in the autumn (found in
            # review: it was told it "gives utfall for the whole year only", of no utfall at all)
            raise UsageError(not_booked(year, period, (), fil))
        if period != 12:
            raise UsageError(f"{fil} gives utfall for the whole year only; --period needs utfall per month "
                             f"(utfall: {{{year}-01: …}}, see README) or use the year without --period")
        return
    short = a.filter(pl.col("manader") < period)
    if short.height and booked < period:  # a month after the last one booked is not booked yet: 'add the months (0
        # for a month without bookings)' pointed the wrong way, as if the month were missing (found in review, h154)
        from_tables = short.filter(pl.col("forvaltning").is_in(list(tabled)))
        # (the tables whose rows stop there: all of them were named, a table that books no month too; found in
        # review, h159)
        sources = [*(_holding(tables, holding, from_tables["forvaltning"]) if from_tables.height else ()),
                   *((fil,) if from_tables.height < short.height else ())]
        complete = a["manader"].min()
        then = _once_booked(year, period, bool(from_tables.height))
        raise UsageError(f"{year}-{period:02d} is not booked yet: utfall {year} is booked up to {year}-{booked:02d} "
                         f"({', '.join(sources)}); pick --period {year}-{complete:02d}"
                         f"{' (the last month every row is booked)' if complete < booked else ''}, or {then}")
    if short.height:
        first = short.row(0, named=True)
        more = f" and {short.height - 1} more row(s)" if short.height > 1 else ""
        if first["forvaltning"] in tabled:  # the months come from the tables, not from the year file
            raise UsageError(f"utfall of {first['forvaltning']} in "
                             f"{', '.join(_holding(tables, holding, pl.Series([first['forvaltning']])))} is booked up to "
                             f"{year}-{first['manader']:02d}, not {year}-{period:02d}; import the months up to "
                             f"{year}-{period:02d} (kfollow import) or pick --period {year}-{first['manader']:02d}")
        raise UsageError(f"utfall of {first['nyckel']} ({first['fil']}:{first['rad']}){more} is booked up to "
                         f"{year}-{first['manader']:02d}, not {year}-{period:02d}; add the months (0 for a month "
                         f"without bookings) or pick --period {year}-{first['manader']:02d}")


def _holding(tables: tuple[str, ...], holding: dict[str, frozenset[str]] | None, fids: pl.Series) -> list[str]:
    """The tables of `tables` whose rows are of a förvaltning of `fids` (all of them where that is not known)."""
    fids = set(fids.to_list())
    named = [t for t in tables if holding is None or t not in holding or holding[t] & fids]
    return named or list(tables)


def _original_budget(budgets: Store, year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The original budget of each row in two parts, öre: what is spread by the row's profile (columns
    KEY, profil, budget, budget_kostnader, budget_intakter: a YAML budget, or what a budget table gives
    for the whole year) and what budget tables give per month (KEY, manad, the same three)."""
    a = budgets.amounts.filter(pl.col("ar") == year).select(*KEY, "profil", *GROSS_BUDGET)
    bm = budgets.budget_months.filter(pl.col("ar") == year)
    if bm.is_empty():
        return a, bm.select(*KEY, "manad", *GROSS_BUDGET)
    yearly = bm.filter(pl.col("manad") == 0).group_by(KEY).agg(pl.col(c).sum() for c in GROSS_BUDGET)
    tabled = bm.select(KEY).unique()
    spread_part = pl.concat([
        a.join(tabled, on=KEY, how="anti"),
        a.select(*KEY, "profil").join(yearly, on=KEY, how="inner"),
    ], how="vertical_relaxed")
    return spread_part, bm.filter(pl.col("manad") > 0).select(*KEY, "manad", *GROSS_BUDGET)


def _year_to_date_budget(budgets: Store, year: int, period: int, mode: BudgetMode) -> pl.DataFrame:
    """Budget of months 1..period per row, öre: the original budget spread from January (or, from a
    budget table, its months up to the period) and each change decided up to the period spread from
    its month, both by the row's profile."""
    weights = _weights(budgets, year, period)
    a = budgets.amounts.filter(pl.col("ar") == year).select(*KEY, "profil", *GROSS_BUDGET)
    to_spread, monthly = _original_budget(budgets, year)
    parts = [to_spread.with_columns(start=pl.lit(1, pl.Int8))]
    if mode is BudgetMode.justerad:
        changes = budgets.changes.filter((pl.col("ar") == year) & (pl.col("manad") <= period)).join(
            a.select(*KEY, "profil"), on=KEY, how="left")
        parts.append(changes.select(*KEY, "profil", pl.col("d_budget").alias("budget"),
                                    pl.col("d_kostnader").alias("budget_kostnader"),
                                    pl.col("d_intakter").alias("budget_intakter"), pl.col("manad").alias("start")))
    spread_parts = pl.concat(parts, how="vertical_relaxed").join(weights, on=["profil", "start"], how="left",
                                                                nulls_equal=True)
    spread_parts = spread_parts.with_columns(*(spread(c) for c in GROSS_BUDGET)).select(*KEY, *GROSS_BUDGET)
    if monthly.height:  # a row the tables budget from a later month (a stab begun in March) has 0 until then
        zero = monthly.select(KEY).unique().with_columns(pl.lit(0, pl.Int64).alias(c) for c in GROSS_BUDGET)
        spread_parts = pl.concat([spread_parts, monthly.filter(pl.col("manad") <= period).drop("manad"), zero],
                                 how="vertical_relaxed")
    ytd = spread_parts.group_by(KEY).agg(*(ex.exact_sum(c) for c in GROSS_BUDGET))
    # gross rows: net = kostnader − intäkter, so the three agree to the öre
    return ytd.with_columns(budget=pl.when(pl.col("budget_kostnader").is_not_null())
                            .then(pl.col("budget_kostnader") - pl.col("budget_intakter")).otherwise(pl.col("budget")))


def _year_to_date_utfall(budgets: Store, year: int, period: int) -> pl.DataFrame:
    return (budgets.months.filter((pl.col("ar") == year) & (pl.col("manad") <= period))
            .group_by(KEY).agg(*(ex.exact_sum(c).alias(f"_{c}") for c in GROSS_UTFALL)))


def last_month_booked(budgets: Store, year: int) -> int | None:
    """The last month with monthly utfall in the year, or None when utfall is given per year only."""
    return budgets.amounts.filter(pl.col("ar") == year)["manader"].max()


def nothing_booked(budgets: Store, year: int) -> bool:
    """Whether no row of `year` has utfall: January's tables of a header only, or a budget alone."""
    return budgets.amounts.filter(pl.col("ar") == year)["utfall"].is_null().all()


def last_month_complete(budgets: Store, year: int) -> int | None:
    """The last month that every row booked per month has booked (None: utfall per year only)."""
    return budgets.amounts.filter(pl.col("ar") == year)["manader"].min()


def _latest_forecast(budgets: Store, year: int, month: int, value: str, stamp: str) -> pl.DataFrame:
    return (
        budgets.forecasts.filter((pl.col("ar") == year) & (pl.col("manad") <= month))
        .sort("manad").group_by(KEY).last()
        .select(*KEY, pl.col("prognos").alias(value), pl.col("manad").alias(stamp))
    )


def resolve(budgets: Store, year: int, period: int | None = None, mode: BudgetMode = BudgetMode.justerad,
            against: int | None = None, strict: bool = True) -> pl.DataFrame:
    """`_resolve`, once per store and arguments (a frame is immutable, so it can be shared)."""
    key = ("resolve", year, period, BudgetMode(mode), against, strict)
    if key not in budgets.memo:
        budgets.memo[key] = _resolve(budgets, year, period, mode, against, strict)
    return budgets.memo[key]


def _resolve(budgets: Store, year: int, period: int | None = None, mode: BudgetMode = BudgetMode.justerad,
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
    if period is not None and strict:
        require_booked(budgets, year, period)

    frame = a
    if mode is BudgetMode.justerad:
        adjusted = budget_at(budgets, year, month)
        frame = frame.drop(GROSS_BUDGET).join(adjusted, on=KEY, how="left")
    frame = frame.with_columns(pl.col("budget").alias("budget_helar"))

    if period is not None:
        frame = frame.drop(GROSS_BUDGET).join(_year_to_date_budget(budgets, year, period, mode), on=KEY, how="left")
        frame = frame.join(_year_to_date_utfall(budgets, year, period), on=KEY, how="left").with_columns(
            # monthly rows: the months up to the period; rows given for the year: only the whole year
            *(pl.when(pl.col("manader").is_not_null()).then(pl.col(f"_{c}"))
              .when(pl.lit(period == 12)).then(pl.col(c)).otherwise(None).alias(c) for c in GROSS_UTFALL)
        ).drop(*(f"_{c}" for c in GROSS_UTFALL))
    # the month's comments, else the standing one; the whole year's are December's (the year's close)
    comments = budgets.comments.filter((pl.col("ar") == year) & (pl.col("manad") == month)).select(
        *KEY, pl.col("kommentar").alias("_k"))
    frame = frame.join(comments, on=KEY, how="left").with_columns(
        kommentar=pl.coalesce("_k", "kommentar")).drop("_k")

    frame = frame.join(_latest_forecast(budgets, year, month, "prognos", "prognos_manad"), on=KEY, how="left")
    if against is not None:
        frame = frame.join(_latest_forecast(budgets, year, against, "jmf_prognos", "jmf_manad"), on=KEY, how="left")
        then = budget_at(budgets, year, against) if mode is BudgetMode.justerad else a.select(*KEY, "budget")
        frame = frame.join(then.select(*KEY, pl.col("budget").alias("jmf_budget")), on=KEY, how="left")
    return frame


def year_to_date_by_month(budgets: Store, year: int, months: list[int],
                          mode: BudgetMode = BudgetMode.justerad) -> pl.DataFrame:
    """Per row (forvaltning, vy, nyckel) and month m of `months`: budget and utfall of months 1..m,
    öre, nettokostnad: what `resolve(budgets, year, m)` gives, for every month in one pass.

    Columns: forvaltning, vy, nyckel, manad, budget, utfall. A row given for the whole year only has
    utfall in December alone.
    """
    ms = pl.DataFrame({"manad": months}, schema={"manad": pl.Int8})
    a = budgets.amounts.filter(pl.col("ar") == year)
    weights = pl.concat([_weights(budgets, year, m).with_columns(manad=pl.lit(m, pl.Int8)) for m in months])
    to_spread, monthly = _original_budget(budgets, year)
    parts = [to_spread.select(*KEY, "profil", *GROSS_BUDGET, start=pl.lit(1, pl.Int8)).join(ms, how="cross")]
    if mode is BudgetMode.justerad:
        changes = budgets.changes.filter(pl.col("ar") == year).join(a.select(*KEY, "profil"), on=KEY, how="left")
        parts.append(changes.select(*KEY, "profil", pl.col("d_budget").alias("budget"),
                                    pl.col("d_kostnader").alias("budget_kostnader"),
                                    pl.col("d_intakter").alias("budget_intakter"), pl.col("manad").alias("start"))
                     .join(ms, how="cross").filter(pl.col("start") <= pl.col("manad")))
    spread_parts = (pl.concat(parts, how="vertical_relaxed")
                    .join(weights, on=["profil", "start", "manad"], how="left", nulls_equal=True)
                    .with_columns(*(spread(c) for c in GROSS_BUDGET)).select(*KEY, "manad", *GROSS_BUDGET))
    if monthly.height:  # a budget table's months: each month m counts its months 1..m (0 before a row's first)
        zero = monthly.select(KEY).unique().join(ms, how="cross").with_columns(
            pl.lit(0, pl.Int64).alias(c) for c in GROSS_BUDGET)
        spread_parts = pl.concat([spread_parts, monthly.rename({"manad": "_m"}).join(ms, how="cross")
                                  .filter(pl.col("_m") <= pl.col("manad")).select(*KEY, "manad", *GROSS_BUDGET),
                                  zero.select(*KEY, "manad", *GROSS_BUDGET)],
                                 how="vertical_relaxed")
    budget = (
        spread_parts
        .group_by(*KEY, "manad").agg(*(ex.exact_sum(c) for c in GROSS_BUDGET))
        .select(*KEY, "manad", budget=pl.when(pl.col("budget_kostnader").is_not_null())
                .then(pl.col("budget_kostnader") - pl.col("budget_intakter")).otherwise(pl.col("budget")))
    )
    booked = (budgets.months.filter(pl.col("ar") == year).sort(*KEY, "manad")
              .select(*KEY, "manad", _ack=pl.col("utfall").cum_sum().over(KEY)))
    utfall = (
        a.select(*KEY, "manader", "utfall").join(ms, how="cross")
        .join(booked, on=[*KEY, "manad"], how="left")
        .select(*KEY, "manad", utfall=pl.when(pl.col("manader").is_not_null()).then(pl.col("_ack"))
                .when(pl.col("manad") == 12).then(pl.col("utfall")))
    )
    return utfall.join(budget, on=[*KEY, "manad"], how="left")
