"""Investment projects: reports and checks (the `investeringar` section: `sources.investments`).

Amounts are nettoinvesteringar (utgifter − inkomster, positive = money spent), Int64 öre, exact.
Deviations follow the budget convention: budget − utfall, positive = spent less than budgeted.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from kfollow.engine import expressions as ex
from kfollow.errors import UsageError
from kfollow.engine import selection
from kfollow.engine.present import as_report
from kfollow.engine.findings import finding, literal
from kfollow.engine.selection import forvaltningar
from kfollow.report import ColumnCaveat, ColumnNote, Report
from kfollow.sources.investments import STATUSES, STATUSES_SAID

# the statuses in the order the tables print them (the seed's two, then the projects stopped), in the plural
STATUS_PLURAL = {"färdigställd": "färdigställda", "pågående": "pågående", "avbruten": "avbrutna"}
STATUS_ORDER = tuple(STATUS_PLURAL)
STATUS_TITLE = {s: f"Summa {plural} projekt" for s, plural in STATUS_PLURAL.items()}  # the seed's titles
TOTAL_TITLE = "Summa investeringar"
CANCELLED = "avbruten"
DONE = "färdigställd"
RUNNING = "pågående"  # the status of a project that still books: its months run to the month the year is booked to
NO_SAVING = "ingen besparing: det som ramen var till för blir inte av"  # what a cancelled project's deviation is

# --- expressions ---------------------------------------------------------------------------


def ack_utfall() -> pl.Expr:
    """Utfall since the project started, öre: ack. utfall up to the previous year + the year's utfall."""
    return (pl.col("ack_utfall_tidigare") + pl.col("utfall")).alias("ack_utfall")


def budgetavvikelse_ack() -> pl.Expr:
    """Deviation of the whole project, öre: beslutad budget − ack. utfall. Positive = under the decided budget."""
    return ex.avvikelse("beslutad_budget", "ack_utfall").alias("budgetavvikelse_ack")


def avvikelse_totalutgift() -> pl.Expr:
    """Forecast deviation of the whole project, öre: beslutad budget − beräknad totalutgift. Positive = under."""
    return ex.avvikelse("beslutad_budget", "beraknad_totalutgift").alias("avvikelse_totalutgift")


# --- the months booked --------------------------------------------------------------------


def months_booked(budgets, year: int, fids: list[str] | None = None) -> int | None:
    """The month `year`'s investment utfall is booked to, where projects are given per month (None where none is),
    over the projects of förvaltningar `fids` (default: every förvaltning's): the last month every pågående project
    given per month has booked. A färdigställd or avbruten project books nothing after its last month (the months
    after it are 0), so it holds no month back (found in review: a car finished in March made a year booked to
    December read as booked to March); where no pågående project is given per month, the month the year is booked
    to, the drift's or the latest project's (December where the drift has no months). A pågående project booked
    to a month before the others is a gap (`gap`)."""
    from kfollow.engine.periods import last_month_complete

    monthly = _monthly(budgets, year, fids)
    if monthly.is_empty():
        return None
    running = monthly.filter(pl.col("status") == RUNNING)["manader"]
    if running.len():
        return running.min()
    drift = last_month_complete(budgets, year)
    return 12 if drift is None else max(drift, monthly["manader"].max())


def months_shown(budgets, year: int, fids: list[str] | None = None) -> int | None:
    """The month `year`'s investments are shown to without a period (`investments`, and so the report), where
    projects of förvaltningar `fids` (default: every förvaltning's) are given per month (None where none is): the
    month the year is booked to, the latest a project given per month has booked or the drift's (the last month
    every row of it has booked: the report's period), December where no pågående project is given per month and the
    drift has no months. A pågående project booked short of it is – there, as are the sums over it (`short_of`): it
    cut every project to its month, so a project booked to August made the closed year's table January–August
    while the report showed the year (found in review, h98). `months_booked` is the month every project has."""
    from kfollow.engine.periods import last_month_complete

    monthly = _monthly(budgets, year, fids)
    if monthly.is_empty():
        return None
    drift = last_month_complete(budgets, year)
    if drift is None and monthly.filter(pl.col("status") == RUNNING).is_empty():
        return 12
    return max(monthly["manader"].max(), drift or 0)


def _monthly(budgets, year: int, fids: list[str] | None = None) -> pl.DataFrame:
    """The projects of `year` (of förvaltningar `fids`, default all) whose utfall is given per month."""
    projects = budgets.investments.filter((pl.col("ar") == year) & (pl.col("typ") == "projekt")
                                          & pl.col("manader").is_not_null())
    return projects if fids is None else projects.filter(pl.col("forvaltning").is_in(fids))


def gap(budgets, year: int, fids: list[str] | None = None) -> str | None:
    """Where a pågående project given per month is booked to a month before the latest project's (of förvaltningar
    `fids`): 'investment utfall 2024 is booked up to 2024-12, but that of pågående project bil (budgets/2024.yaml:21)
    only up to 2024-03', naming the one booked least (then the first in the file); None where there is no gap.
    What to do: `GAP_ADVICE`."""
    monthly = _monthly(budgets, year, fids)
    if monthly.is_empty():
        return None
    latest = monthly["manader"].max()
    behind = monthly.filter((pl.col("status") == RUNNING) & (pl.col("manader") < latest)).sort("manader", "ordning")
    if behind.is_empty():
        return None
    first = behind.row(0, named=True)
    more = f" and {behind.height - 1} more" if behind.height > 1 else ""
    return (f"investment utfall {year} is booked up to {year}-{latest:02d}, but that of pågående project "
            f"{first['projekt']} ({budgets.year(year).fil}:{first['rad']}){more} only up to {year}-{first['manader']:02d}")


GAP_ADVICE = ("add its months (0 for a month without bookings), or write status färdigställd or avbruten if it was "
              "finished or stopped")


# --- reports -------------------------------------------------------------------------------


def investments_report(budgets, year: int, status: str | None = None,
                       forvaltning: list[str] | str | None = None, month: int | None = None) -> pl.DataFrame:
    """The year's investment projects, a subtotal per status and `Summa investeringar`, öre (nettoinvesteringar).

    Columns: radtyp (rad | delsumma | summa), projekt (id), namn, status, forvaltning, beslutad_budget,
    ack_utfall (since the start), budgetavvikelse_ack (beslutad_budget − ack_utfall), budget (the year's),
    varav_overfort (carried over from the previous year), utfall, avvikelse (budget − utfall);
    beraknad_totalutgift and avvikelse_totalutgift (beslutad_budget − beraknad_totalutgift) when a
    project has a forecast of its total cost; kommentar. Deviations: positive = under budget.
    Blocks in STATUS_ORDER: färdigställd, pågående, avbruten (a cancelled project's deviation is frame left
    unused, no saving: `cancelled_note`). Subtotals are sums of exact amounts (null when a row lacks the
    amount). With `status`, only that status's projects and their subtotal.

    `month` (1–12): the table of a month-end report. Where the year file gives projects' utfall per month,
    utfall (and so ack_utfall and the deviations) is the months up to it; a project whose utfall is given for
    the year only has none then (null, never spread), unless it is 0 or the month is December. With a forecast
    of a project's year (`prognos`) made up to the month: prognos (the latest), prognos_period (YYYY-MM, null on
    a sum of forecasts of different months) and prognos_avvikelse (budget − prognos, positive = the year is
    forecast under its budget). A pågående project given per month booked short of `month` has no utfall (null,
    as its sums). UsageError where `month` is after every month booked, the projects' and the drift's.
    """
    selection.a_store(budgets)  # (a folder's name here: what it takes, found in review)
    info = budgets.year(year)
    fids = forvaltningar(budgets, year, forvaltning)
    if status is not None and status not in STATUSES:
        raise UsageError(f"status '{status}' is unknown; use {STATUSES_SAID}")
    projects = budgets.investments.filter((pl.col("ar") == year) & (pl.col("typ") == "projekt"))
    if projects.is_empty():
        raise UsageError(f"{info.fil} has no investment projects for {year}; add them under investeringar.projekt "
                         f"(förvaltning totals alone show in kfollow summary)")
    rows = projects.filter(pl.col("forvaltning").is_in(fids))
    if status is not None:
        rows = rows.filter(pl.col("status") == status)
    if rows.is_empty():
        what = " ".join(x for x in (status, ", ".join(fids) if forvaltning else None) if x)
        have = ", ".join(f"{r['namn']} ({r['forvaltning']}, {r['status']})" for r in projects.iter_rows(named=True))
        raise UsageError(f"no {what} investment projects in {info.fil} (projects there: {have})")

    money = ["beslutad_budget", "ack_utfall", "budget", "varav_overfort", "utfall", "beraknad_totalutgift"]
    forecasts = rows["beraknad_totalutgift"].is_not_null().any()
    year_rows = budgets.investments.filter(pl.col("ar") == year)
    forecast = None
    if month is not None:  # (the selected förvaltningar's months: another's project booked short is not this table's)
        from kfollow.engine.periods import last_month_booked

        rows = _utfall_to(rows, year_rows, projects.filter(pl.col("forvaltning").is_in(fids)), month, info.fil,
                          last_month_booked(budgets, year))
        forecast = _forecasts_to(year_rows, month)
        if forecast.join(rows, on="projekt", how="semi").is_empty():
            forecast = None
        else:
            rows = rows.drop("prognos").join(forecast, on="projekt", how="left")
            money.append("prognos")
    rows = rows.with_columns(
        ack_utfall(),
        pl.col("varav_overfort").fill_null(0),  # nothing recorded = nothing carried over
        radtyp=pl.lit("rad"),
        block=pl.col("status").replace_strict(STATUS_ORDER, list(range(len(STATUS_ORDER))), return_dtype=pl.Int32),
    )
    # a sum's forecast month: the one month its forecasts were made in, else none (as a sum of staber's)
    made = [pl.when((pl.col("prognos_manad").n_unique() == 1) & (pl.col("prognos_manad").null_count() == 0))
            .then(pl.col("prognos_manad").first()).alias("prognos_manad")] if forecast is not None else []
    subtotals = rows.group_by("status", "block").agg(*(ex.exact_sum(c) for c in money), *made).with_columns(
        radtyp=pl.lit("delsumma"), namn=pl.col("status").replace_strict(STATUS_TITLE), ordning=pl.lit(2**30),
    )
    parts = [rows, subtotals]
    if status is None:
        parts.append(rows.select(*(ex.exact_sum(c) for c in money), *made).with_columns(
            radtyp=pl.lit("summa"), namn=pl.lit(TOTAL_TITLE), block=pl.lit(len(STATUS_ORDER), pl.Int32),
            ordning=pl.lit(0)))
    frame = (
        pl.concat(parts, how="diagonal_relaxed")
        .sort("block", "ordning")
        .with_columns(budgetavvikelse_ack(), ex.avvikelse(), avvikelse_totalutgift())
    )
    if forecast is not None:
        frame = frame.with_columns(
            prognos_period=pl.when(pl.col("prognos").is_not_null() & pl.col("prognos_manad").is_not_null())
            .then(pl.format(f"{year}-{{}}", pl.col("prognos_manad").cast(pl.String).str.zfill(2))),
            prognos_avvikelse=ex.avvikelse("budget", "prognos").alias("prognos_avvikelse"))
    columns = ["radtyp", "projekt", "namn", "status", "forvaltning", "beslutad_budget", "ack_utfall",
               "budgetavvikelse_ack", "budget", "varav_overfort", "utfall", "avvikelse",
               *(["prognos", "prognos_period", "prognos_avvikelse"] if forecast is not None else []),
               *(["beraknad_totalutgift", "avvikelse_totalutgift"] if forecasts else []), "kommentar"]
    return frame.select(columns)


def _utfall_to(rows: pl.DataFrame, year_rows: pl.DataFrame, projects: pl.DataFrame, month: int,
               fil: str, drift: int | None = None) -> pl.DataFrame:
    """`rows` (projects) with utfall the months up to `month`, öre, where the year's projects are given per month
    (else as they are). A project given for the year only has no utfall for part of it (null: never a guessed
    spread), but for 0 (nothing booked) and December (the year's); nor has a pågående project booked short of
    `month` (`short_of`). UsageError where `month` is after every month booked: the projects' and the drift's
    (`drift`, its last booked month)."""
    monthly = projects.filter(pl.col("manader").is_not_null())
    if monthly.is_empty():
        return rows
    # (a färdigställd or avbruten project books nothing after its last month: `months_booked`)
    short = short_of(monthly, month)
    reach = max(monthly["manader"].max(), drift or 0)
    if short.height and reach < month:  # (as for the rows' months: no month taken for 0)
        first = short.sort("manader", "ordning", descending=[True, False]).row(0, named=True)  # (the latest booked)
        more = f" and {short.height - 1} more project(s)" if short.height > 1 else ""
        ar, mixed = first["ar"], short["manader"].n_unique() > 1
        # (a month after every month booked is not booked yet: 'add the months (0 for a month without bookings)'
        # pointed the wrong way; found in review, h154)
        raise UsageError(f"{ar}-{month:02d} is not booked yet: utfall of project {first['projekt']} ({fil}:"
                         f"{first['rad']}){more} is booked up to {ar}-{first['manader']:02d}"
                         f"{' at the latest' if mixed else ''}; pick --period {ar}-{reach:02d}, or add {ar}-{month:02d} "
                         f"to its utfall once the month is booked")
    # a pågående project whose months stop before a month the year is booked to (its drift or another project) has
    # no utfall to it, as a project given for the year only: one project held back every förvaltning's report
    # (found in review: exit 2 for 'report --period 2024-08', one project booked to June)
    booked = (year_rows.filter((pl.col("typ") == "projekt_manad") & (pl.col("manad") <= month))
              .group_by("projekt").agg(ex.exact_sum("utfall").alias("_to")))
    behind = (pl.col("status") == RUNNING) & (pl.col("manader") < month)
    return rows.join(booked, on="projekt", how="left").with_columns(
        utfall=pl.when(pl.col("manader").is_not_null() & behind).then(None)
        .when(pl.col("manader").is_not_null()).then(pl.col("_to"))
        .when(pl.lit(month == 12) | (pl.col("utfall") == 0)).then(pl.col("utfall"))
        .otherwise(None)).drop("_to")


def short_of(projects: pl.DataFrame, month: int) -> pl.DataFrame:
    """The pågående projects of `projects` given per month whose months stop before `month`, the one booked least
    first (then in the file's order)."""
    return (projects.filter((pl.col("status") == RUNNING) & pl.col("manader").is_not_null()
                            & (pl.col("manader") < month)).sort("manader", "ordning"))


def _forecasts_to(year_rows: pl.DataFrame, month: int) -> pl.DataFrame:
    """Per project, the latest forecast of its year's utfall made up to `month`: projekt, prognos, prognos_manad."""
    return (year_rows.filter((pl.col("typ") == "projekt_prognos") & (pl.col("manad") <= month))
            .sort("manad").group_by("projekt").last()
            .select("projekt", "prognos", pl.col("manad").alias("prognos_manad")))


def cancelled_note(names: list[str], summary: bool = False) -> tuple:
    """A note on the deviation where projects `names` were cancelled (status avbruten): their avvikelse is the
    frame they leave unused, which a reader takes for money saved (found by an investment controller)."""
    if not names:
        return ()
    which = ", ".join(names)
    if summary:
        return (ColumnNote(f"Avvikelsen för investeringar räknar med den ram som avbrutna projekt ({which}) inte "
                           f"använder, {NO_SAVING} (kfollow investments --status avbruten visar beloppen).", "avvikelse"),)
    return (ColumnNote(f"Avvikelsen för avbrutna projekt ({which}) är den del av ramen som inte används när ett projekt "
                       f"avbryts, {NO_SAVING}. Summa investeringar räknar den med.", "avvikelse", "budgetavvikelse_ack"),)


def _cancelled(frame: pl.DataFrame) -> list[str]:
    """The names of the cancelled projects (status avbruten) among a frame's project rows."""
    rows = frame.filter(pl.col("status") == CANCELLED)
    return (rows.filter(pl.col("radtyp") == "rad") if "radtyp" in rows.columns else rows)["namn"].to_list()


def investment_forecast(budgets, year: int, fid: str, month: int) -> tuple[int, str] | None:
    """The forecast of förvaltning `fid`'s investment utfall for `year` made up to `month`, öre, with the month(s) it
    was made in (`2024-08`): the förvaltning's own latest (investeringar.forvaltningar's `prognos`), else the sum of
    its projects' latest, where every project of the year has one; None without a forecast."""
    inv = budgets.investments.filter((pl.col("ar") == year) & (pl.col("forvaltning") == fid))
    own = inv.filter((pl.col("typ") == "prognos") & (pl.col("manad") <= month)).sort("manad")
    if own.height:
        last = own.row(-1, named=True)
        return last["prognos"], f"{year}-{last['manad']:02d}"
    projects = set(inv.filter(pl.col("typ") == "projekt")["projekt"].to_list())
    made = _forecasts_to(inv, month)
    if not projects or set(made["projekt"].to_list()) != projects:
        return None
    months = " och ".join(f"{year}-{m:02d}" for m in sorted(set(made["prognos_manad"].to_list())))
    return int(made["prognos"].cast(pl.Int128).sum()), months


def _totals(budgets, fid: str) -> pl.DataFrame:
    """A förvaltning's investment budget and utfall per year, öre: the sum of its projects, or the
    declared total of a year without projects. Columns: ar, budget, utfall."""
    inv = budgets.investments.filter(pl.col("forvaltning") == fid)
    sums = inv.filter(pl.col("typ") == "projekt").group_by("ar").agg(
        ex.exact_sum("budget"), ex.exact_sum("utfall")).with_columns(_pick=pl.lit(0))
    declared = inv.filter(pl.col("typ") == "forvaltning").select("ar", "budget", "utfall", _pick=pl.lit(1))
    return pl.concat([sums, declared], how="vertical_relaxed").sort("_pick").group_by("ar").first().drop("_pick")


def forecast_months(budgets, year: int, fid: str) -> list[int]:
    """Months of `year` in which a forecast was made for förvaltning `fid`: operating or investment."""
    return sorted({m for months in _forecast_months(budgets, year, fid).values() for m in months})


def _forecast_months(budgets, year: int, fid: str) -> dict[str, list[int]]:
    """The months of `year` in which förvaltning `fid`'s forecasts were made, of each kind (drift, investeringar)."""
    operating = budgets.forecasts.filter((pl.col("ar") == year) & (pl.col("forvaltning") == fid))["manad"]
    investing = budgets.investments.filter(
        (pl.col("ar") == year) & (pl.col("forvaltning") == fid) & (pl.col("typ") == "prognos"))["manad"]
    return {"drift": sorted(set(operating.to_list())), "investeringar": sorted(set(investing.to_list()))}


def summary_forecast_month(budgets, year: int, fid: str, against: int | None) -> int | None:
    """The month of the forecast a summary compares with: the latest made up to `against`, else the latest
    of the year (None if none); not `against` itself, where no forecast was made then (its title named a
    forecast never made; found by a year-end user).

    `UsageError` when `against` is given and no forecast of the förvaltning was made by then.
    """
    months = forecast_months(budgets, year, fid)
    if against is None:
        return months[-1] if months else None
    if not 1 <= against <= 12:
        raise UsageError(f"--against month {against} is not a month (1–12)")
    if not any(m <= against for m in months):
        have = ", ".join(f"{year}-{m:02d}" for m in months) or "none"
        raise UsageError(f"no forecast of {fid} made by {year}-{against:02d} in {budgets.year(year).fil} "
                         f"(forecast months: {have})")
    return max(m for m in months if m <= against)


def summary_forvaltning(budgets, year: int, forvaltning: str | None) -> str:
    """The förvaltning a summary is about: the one given, else the first of the year file."""
    if forvaltning is not None:
        return budgets.forvaltning(year, forvaltning).id
    return next(iter(budgets.year(year).forvaltningar))


def summary_report(budgets, year: int, forvaltning: str | None = None, against: int | None = None) -> pl.DataFrame:
    """The annual report's opening table "Ekonomi" for one förvaltning, öre: operations and investments.

    Rows (radtyp): `drift`, the förvaltning's verksamhetens nettokostnader (the Summa row of
    `deviation_report`; shown as resultat for a förvaltning presented so); `investeringar`, its
    nettoinvesteringar (the sum of its projects, or the declared total of a year without projects).
    Columns: radtyp, namn, utfall, budget, avvikelse (budget − utfall, positive = under budget),
    utfall_<year−1> when that year's file exists, and with a forecast (`against`, default the latest
    forecast month of the year) avvikelse_forandring: the year's avvikelse − the avvikelse the
    forecast implied (budget − prognos), i.e. how much better (positive) the year ended than forecast.
    Both rows use the latest forecast made up to that month.
    """
    selection.a_store(budgets)  # (a folder's name here: what it takes, found in review)
    from kfollow.options import By
    from kfollow.engine.operations import deviation_report

    from kfollow.engine.periods import last_month_booked

    booked = last_month_booked(budgets, year)
    if booked is not None and booked < 12:
        raise UsageError(f"utfall {year} is booked up to {year}-{booked:02d}; the summary compares whole years "
                         f"(for the year to date: kfollow deviation --period {year}-{booked:02d} --by forvaltning)")
    fid = summary_forvaltning(budgets, year, forvaltning)
    invested = months_booked(budgets, year, [fid])
    if invested is not None and invested < 12:  # (its investment line was the months so far, as if the year's)
        lag = gap(budgets, year, [fid])
        raise UsageError(f"{lag}; the summary compares whole years: {GAP_ADVICE}" if lag else
                         f"investment utfall {year} is booked up to {year}-{invested:02d}; the summary compares whole "
                         f"years (for the year to date: kfollow investments --period {year}-{invested:02d})")
    month = summary_forecast_month(budgets, year, fid, against)
    prev = f"utfall_{year - 1}" if year - 1 in budgets.years else None
    # the operating row compares with an operating forecast; the month may hold an investment one only
    operating = month if month is not None and not budgets.forecasts.filter(
        (pl.col("ar") == year) & (pl.col("forvaltning") == fid) & (pl.col("manad") <= month)).is_empty() else None
    op = deviation_report(budgets, year, By.forvaltning, [fid], against=operating).filter(pl.col("radtyp") == "summa")
    drift = op.select(
        radtyp=pl.lit("drift"),
        namn=pl.when(pl.col("redovisas_som") == "resultat").then(pl.lit("Verksamhetens resultat"))
        .otherwise(pl.lit("Verksamhetens nettokostnader")),
        budget="budget", utfall="utfall", avvikelse="avvikelse",  # same sign as nettokostnad when shown as resultat
        avvikelse_forandring=pl.col("avvikelse_forandring") if operating is not None else pl.lit(None, pl.Int64),
        **({prev: pl.col(prev) if prev in op.columns else pl.lit(None, pl.Int64)} if prev else {}),
    )

    inv = budgets.investments.filter((pl.col("forvaltning") == fid) & (pl.col("ar") == year))
    rubrik = inv.filter(pl.col("typ") == "forvaltning")["namn"].drop_nulls()
    forecast = (  # the latest investment forecast made up to the month, as deviation_report picks its own
        inv.filter((pl.col("typ") == "prognos") & (pl.col("manad") <= (month or 0)))
        .sort("manad").group_by("ar").last().select("ar", "prognos")
    )
    totals = _totals(budgets, fid)
    investing = (
        totals.filter(pl.col("ar") == year)
        .join(forecast, on="ar", how="left")
        .join(totals.select((pl.col("ar") + 1).alias("ar"), pl.col("utfall").alias("_fg")), on="ar", how="left")
        .select(
            radtyp=pl.lit("investeringar"),
            namn=pl.lit(rubrik[0] if len(rubrik) else f"Investeringar, netto ({fid})"),
            budget="budget", utfall="utfall", avvikelse=ex.avvikelse(),
            # (budget − utfall) − (budget − prognos)
            avvikelse_forandring=pl.col("prognos") - pl.col("utfall"),
            **({prev: pl.col("_fg")} if prev else {}),
        )
    )
    frame = pl.concat([drift, investing], how="vertical_relaxed")
    columns = ["radtyp", "namn", "utfall", "budget", "avvikelse", *([prev] if prev else []),
               *(["avvikelse_forandring"] if month is not None else [])]
    return frame.select(columns)


# --- check ---------------------------------------------------------------------------------


_THE = {"budget": "budgeten", "utfall": "utfallet"}  # a figure in a sentence, definite form


def reconcile_investments(budgets, notes: list[str] | None = None) -> list[dict]:
    """Findings (findings.FINDING_SCHEMA rows) for the investment rules, each at the line to correct.

    - a förvaltning's declared budget / utfall equals the sum of its projects (fel); a project's
      varav_overfort is part of its budget, so not larger (fel);
    - ack. utfall never decreases from one year of a project to the next but by the year's net income (a
      negative utfall, such as an investeringsbidrag): an opening below it is fel; and a year's
      ack_utfall_tidigare is the previous year's ack. utfall (varning when it differs otherwise);
    - a project färdigställd the year before it is listed has no utfall in a year whose status is not pågående (fel);
      nor has one avbruten, in a later year that is still avbruten (fel): a later year's status pågående (for an
      avbruten project, or färdigställd) is the project taken up again, said in `notes` where given;
    - varav_overfort equals the previous year's unspent budget − utfall (0 if overspent) where both
      years have the project: fel when more is carried than was left, varning when less;
    - a project pågående in a year is in the next year's file, where there is one (varning), at its line: a
      project neither färdigställd nor avbruten does not end by being left out (`_gone`);
    - a pågående project given per month is booked to the month its year is booked to (varning): a report of a
      later month shows its utfall as – (`_booked_short`).

    A cancelled project's (avbruten) ack. utfall below the decided budget is the frame left unused, no error; what
    is booked on it after the year it was stopped is (found by an investment controller: nothing checked it).
    """
    units = {ar: info.enhet for ar, info in budgets.years.items()}
    inv = budgets.investments
    findings: list[dict] = []

    def add(kod: str, row: dict, niva: str, text: str, *amounts: int) -> None:
        findings.append(finding(kod, niva, row["fil"], row["rad"], text, *amounts, enhet=units[row["ar"]]))

    projects = inv.filter(pl.col("typ") == "projekt").with_columns(ack_utfall())
    sums = projects.group_by("ar", "forvaltning").agg(ex.exact_sum("budget"), ex.exact_sum("utfall"))
    declared = inv.filter(pl.col("typ") == "forvaltning").join(sums, on=["ar", "forvaltning"], suffix="_projekt")
    for part in ("budget", "utfall"):
        for r in declared.filter(pl.col(part).is_not_null() & (pl.col(part) != pl.col(f"{part}_projekt"))).iter_rows(named=True):
            add("inv_summa", r, "fel", f"investeringar {literal(r['forvaltning'])} {r['ar']}: {_THE[part]} är {{0:d}} "
                f"men förvaltningens projekt summerar till {{1:d}}, en differens på {{2:d}}; rätta summan eller projekten",
                r[part], r[f"{part}_projekt"], r[part] - r[f"{part}_projekt"])
    for r in projects.filter(pl.col("varav_overfort") > pl.col("budget")).iter_rows(named=True):
        add("inv_overfort", r, "fel", f"projekt {literal(r['projekt'])} {r['ar']}: varav_overfort {{0:d}} är mer än "
            "årets budget {1:d}; det överförda beloppet ingår i budgeten, så rätta varav_overfort eller budget",
            r["varav_overfort"], r["budget"])

    for r in projects.filter(pl.col("ack_utfall") < 0).iter_rows(named=True):
        add("inv_ack_negativ", r, "fel", f"projekt {literal(r['projekt'])} {r['ar']}: ack. utfall {{0:d}} är negativt, "
            "men ett projekt kan inte ha förbrukat mindre än ingenting; rätta ack_utfall_tidigare eller utfall",
            r["ack_utfall"])

    previous = ["ar", "status", "budget", "utfall", "ack_utfall", "fil", "rad"]
    paired = projects.sort("projekt", "ar").with_columns(
        *(pl.col(c).shift(1).over("projekt").alias(f"fg_{c}") for c in previous))
    # a year's net income (an investeringsbidrag after the spending: a negative utfall) lowers the ack. utfall of
    # nettoinvesteringar; only an opening below last year's ack. utfall makes it decrease by mistake (found by an
    # investment controller)
    decreasing = (pl.col("ack_utfall") < pl.col("fg_ack_utfall")) & (pl.col("ack_utfall_tidigare") < pl.col("fg_ack_utfall"))
    for r in paired.filter(decreasing).iter_rows(named=True):
        add("inv_ack_minskar", r, "fel", f"projekt {literal(r['projekt'])} {r['ar']}: ack. utfall {{0:d}} är mindre än "
            f"{{1:d}} år {r['fg_ar']} ({literal(r['fg_fil'])}:{r['fg_rad']}), men ackumulerat utfall minskar aldrig "
            "mer än årets nettoinkomst (ett negativt utfall); rätta ack_utfall_tidigare, som är {2:d} men inte kan vara "
            f"mindre än ack. utfall år {r['fg_ar']}", r["ack_utfall"], r["fg_ack_utfall"], r["ack_utfall_tidigare"])
    opening = paired.filter((pl.col("fg_ar") == pl.col("ar") - 1) & ~decreasing
                            & (pl.col("ack_utfall_tidigare") != pl.col("fg_ack_utfall")))
    for r in opening.iter_rows(named=True):
        add("inv_ack_ingang", r, "varning", f"projekt {literal(r['projekt'])} {r['ar']}: ack_utfall_tidigare {{0:d}} "
            f"är inte ack. utfall {{1:d}} år {r['fg_ar']} ({literal(r['fg_fil'])}:{r['fg_rad']})",
            r["ack_utfall_tidigare"], r["fg_ack_utfall"])
    # a project färdigställd the year before it is listed, and not pågående now: what is booked on it then is on a
    # finished project; pågående again, it is taken up again (found in review: the earliest färdigställd year was read,
    # so a project finished, taken up and finished again was an error in every later year, naming the first time)
    finished = pl.col("fg_status") == DONE
    for r in paired.filter(finished & (pl.col("status") != RUNNING) & (pl.col("utfall") != 0)).iter_rows(named=True):
        done = _status_since(projects, r["projekt"], r["ar"], DONE)
        also = "också " if r["status"] == DONE else ""
        add("inv_efter_klar", r, "fel", f"projekt {literal(r['projekt'])} {r['ar']}: utfall {{0:d}} efter att projektet "
            f"färdigställdes {done['ar']} ({literal(done['fil'])}:{done['rad']}), och status är {r['status']} {also}"
            f"{r['ar']}; bokför det på ett nytt projekt, eller, om projektet har tagits upp igen, skriv status: "
            "pågående här", r["utfall"])
    # a project cancelled (avbruten) and still so the next year it is listed: what is booked on it then has no frame;
    # taken up again (a later year pågående or färdigställd), its utfall is the project's again (found in review: the
    # earliest avbruten year was read, however later years read, and the advice was to set a status already set)
    after = pl.col("fg_status") == CANCELLED
    for r in paired.filter(after & (pl.col("status") == CANCELLED) & (pl.col("utfall") != 0)).iter_rows(named=True):
        stopped = _status_since(projects, r["projekt"], r["ar"], CANCELLED)
        add("inv_efter_avbrutet", r, "fel", f"projekt {literal(r['projekt'])} {r['ar']}: utfall {{0:d}} efter att "
            f"projektet avbröts {stopped['ar']} ({literal(stopped['fil'])}:{stopped['rad']}), och status är avbruten "
            f"också {r['ar']}, men ett avbrutet projekt har ingen ram att bokföra på; bokför det på ett nytt projekt "
            "eller i driften, eller, om projektet har tagits upp igen, skriv status: pågående (eller färdigställd) här",
            r["utfall"])
    if notes is not None:
        again = (after & (pl.col("status") != CANCELLED)) | (finished & (pl.col("status") == RUNNING))
        for r in paired.filter(again).sort("ar", "ordning").iter_rows(named=True):
            was = r["fg_status"]
            since = _status_since(projects, r["projekt"], r["ar"], was)
            notes.append(f"{r['fil']}:{r['rad']}: projekt {r['projekt']} {r['ar']}: "
                         f"{'avbröts' if was == CANCELLED else 'färdigställdes'} {since['ar']} "
                         f"({since['fil']}:{since['rad']}) och har tagits upp igen (status {r['status']} {r['ar']}), "
                         f"så utfallet {r['ar']} bokförs på projektet igen")
    carried = paired.filter((pl.col("fg_ar") == pl.col("ar") - 1) & pl.col("varav_overfort").is_not_null()).with_columns(
        # an overspent year leaves nothing unspent (whether the overspending is deducted is a decision)
        unspent=pl.max_horizontal(ex.avvikelse("fg_budget", "fg_utfall"), pl.lit(0, pl.Int64)))
    for r in carried.filter(pl.col("varav_overfort") != pl.col("unspent")).iter_rows(named=True):
        too_much = r["varav_overfort"] > r["unspent"]
        add("inv_overfort_fg", r, "fel" if too_much else "varning",
            f"projekt {literal(r['projekt'])} {r['ar']}: varav_overfort är {{0:d}} men {r['fg_ar']} lämnade {{1:d}} "
            f"oförbrukat (budget − utfall, {literal(r['fg_fil'])}:{r['fg_rad']})"
            + ("; mer förs över än det som fanns kvar" if too_much else "; mindre förs över än det som fanns kvar"),
            r["varav_overfort"], r["unspent"])
    for r, other in _gone(budgets, projects):
        add("inv_forsvunnen", r, "varning", _gone_text(r, other))
    for r in _booked_short(budgets, projects):
        ar, m, senast = r["ar"], r["manader"], r["senast"]
        add("inv_bokford_kort", r, "varning", f"projekt {literal(r['projekt'])} {ar}: pågående, men utfallet per månad "
            f"är bokfört till och med {ar}-{m:02d} och året till och med {ar}-{senast:02d}, så en rapport efter "
            f"{ar}-{m:02d} visar projektets utfall och summorna över det som –; lägg till månaderna till och med "
            f"{ar}-{senast:02d} (0 för en månad utan bokningar), eller skriv status färdigställd eller avbruten om "
            "projektet färdigställdes eller avbröts")
    return findings


def _booked_short(budgets, projects: pl.DataFrame) -> list[dict]:
    """The pågående projects given per month whose months stop before the month their year is booked to: the
    latest month of its projects given per month or of its drift (`senast`). A report of a later month shows their
    utfall as – (`_utfall_to`); a färdigställd or avbruten project books nothing after its last month."""
    from kfollow.engine.periods import last_month_booked

    monthly = projects.filter(pl.col("manader").is_not_null())
    found = []
    for (ar,), year in monthly.group_by("ar", maintain_order=True):
        senast = max(year["manader"].max(), last_month_booked(budgets, ar) or 0)
        found += [{**r, "senast": senast} for r in short_of(year, senast).sort("ordning").iter_rows(named=True)]
    return found


def _status_since(projects: pl.DataFrame, projekt: str, ar: int, status: str) -> dict:
    """The year (its row) a project was cancelled in (or finished: `status`), as of `ar`'s previous listing: the first
    of the years of that status right before `ar` (a project cancelled, taken up again and cancelled again: the last
    time)."""
    earlier = projects.filter((pl.col("projekt") == projekt) & (pl.col("ar") < ar)).sort("ar", descending=True)
    since = None
    for row in earlier.iter_rows(named=True):
        if row["status"] != status:
            break
        since = row
    return since


def _gone(budgets, projects: pl.DataFrame) -> list[tuple[dict, dict | None]]:
    """Projects pågående in a year that the next year's file does not have, each with the next year's project
    of the same name under another id (None if none): its id changed, most likely. A förvaltning whose next
    year gives only declared totals, no projects, is left out: that year's projects are not known."""
    nxt = pl.col("ar") + 1
    later = projects.select("projekt", "namn", "forvaltning", "fil", "rad", ar=pl.col("ar") - 1)
    totals_only = (
        budgets.investments.filter((pl.col("typ") == "forvaltning")
                                   & (pl.col("budget").is_not_null() | pl.col("utfall").is_not_null()))
        .select("forvaltning", ar=pl.col("ar") - 1)
        .join(later.select("ar", "forvaltning"), on=["ar", "forvaltning"], how="anti")
    )
    missing = (
        projects.filter((pl.col("status") == "pågående") & nxt.is_in(list(budgets.years)))
        .join(later, on=["ar", "projekt"], how="anti")
        .join(totals_only, on=["ar", "forvaltning"], how="anti")
        .with_columns(nytt_fil=nxt.replace_strict({ar: info.fil for ar, info in budgets.years.items()},
                                                  return_dtype=pl.String))
    )
    renamed = later.join(projects.select("projekt", "ar"), on=["ar", "projekt"], how="anti")  # new in the later year
    found = []
    for r in missing.sort("ar", "ordning").iter_rows(named=True):
        same = renamed.filter((pl.col("ar") == r["ar"]) & (pl.col("namn") == r["namn"]))
        found.append((r, same.row(0, named=True) if same.height else None))
    return found


def _gone_text(r: dict, other: dict | None) -> str:
    """The finding of a project pågående in year `r` that the next year's file lacks (`_gone`)."""
    ar, fil = r["ar"], literal(r["nytt_fil"])
    text = (f"projekt {literal(r['projekt'])} {ar}: pågående, men filen för {ar + 1} ({fil}) har det inte, så dess ram "
            f"och utfall följs inte upp {ar + 1}; lägg till det där under investeringar.projekt med status pågående, "
            f"färdigställd eller avbruten, eller rätta status här om det färdigställdes eller avbröts redan {ar}")
    if other is not None:
        text += (f" ({ar + 1} har projektet {literal(other['projekt'])} med samma namn på rad {other['rad']} där; är "
                 "det samma projekt, ge det samma id båda åren)")
    return text


# --- reports for people and scripts -------------------------------------------------------------


def investments(store, year: int | None = None, status: str | None = None,
                forvaltning: list[str] | str | None = None, unit: str = "mnkr", month: int | None = None,
                period: str | int | None = None) -> Report:
    """`investments_report` as a `Report` (default: the latest year). `period` (YYYY-MM, or a month of `year`) or
    `month` (the period of the report the table stands in, a tertial's): the table as of that month. Where the
    year's projects are given per month, the default is the month the year is booked to (`months_shown`, said on
    stderr where it is before December), a pågående project booked short of it – with the sums over it, as the
    report shows it. Investments without months are not cut to a month: a note says so."""
    from kfollow.engine.periods import last_month_booked

    messages: tuple[str, ...] = ()
    if period is not None:
        p = selection.period(store, year, period)
        year, month = p.year, p.month
    year = selection.year_or_latest(store, year)
    info = store.year(year)
    projects = store.investments.filter((pl.col("ar") == year) & (pl.col("typ") == "projekt"))
    # the selected förvaltningar's months: another's project booked short cut this table to its month (found in review)
    fids = forvaltningar(store, year, forvaltning)
    # the month the year is booked to (None: no project of theirs is given per month); a pågående project booked short
    # of it is – with the sums over it, as the report shows it, and holds no other project back (it cut every project
    # to its month: a project booked to August made the closed year's table January–August; found in review, h98)
    shown = months_shown(store, year, fids)
    monthly = _monthly(store, year, fids)
    if month is None and shown is not None and (shown < 12 or not short_of(monthly, shown).is_empty()):
        if shown < 12:
            latest = monthly["manader"].max()
            booked_to = (f"investment utfall {year} is booked up to {year}-{shown:02d}" if latest == shown else
                         f"utfall {year} is booked up to {year}-{shown:02d} (investments up to {year}-{latest:02d})")
            messages = (f"{booked_to}: showing {year}-{shown:02d} (ack.); --period chooses another month",)
        month = shown
    booked = last_month_booked(store, year)
    # a year still being booked (its rows per month) reads the forecasts made so far, as `deviation` does
    upto = month if month is not None else booked if shown is None and booked is not None and booked < 12 else None
    frame = investments_report(store, year, status, forvaltning, month=upto)
    which = f" ({STATUS_PLURAL[status]} projekt)" if status else ""
    cut = shown is not None and month is not None
    title = f"Investeringar {year}-{month:02d} (ack.){which}" if cut else f"Investeringar {year}{which}"
    notes = (_to_date_note(month) if cut else _whole_year_note(year, month, booked)) + \
        _year_only_note(frame, projects, year, month if cut else None) + \
        _short_note(frame, projects, year, month if cut else None) + _forecast_notes(frame, year, upto)
    messages += _short_warning(frame, projects, year, month if cut else None, info.fil)
    return as_report(frame, info.rubriker, store=store, title=title, unit=unit, messages=messages,
                     notes=(*notes, *cancelled_note(_cancelled(frame))))


def _to_date_note(month: int) -> tuple:
    """A note where the projects' utfall is cut to part of the year: the deviation is what is left of the budget."""
    if month == 12:
        return ()
    return (ColumnNote(f"Utfall är ack. utfall {selection.months_to(month)} och Budget helårets, så Avvikelse är det "
                       "som återstår av årets budget, inget överskott.", "avvikelse"),)


def _year_only_note(frame: pl.DataFrame, projects: pl.DataFrame, year: int, month: int | None) -> tuple:
    """A note naming the projects given for the whole year only, in a table cut to part of it beside projects
    given per month: their utfall is –, not guessed (found by an investment controller)."""
    if month is None or month == 12:
        return ()
    shown = frame.filter((pl.col("radtyp") == "rad") & pl.col("utfall").is_null())["projekt"].to_list()
    whole = projects.filter(pl.col("projekt").is_in(shown) & pl.col("manader").is_null()).sort("ordning")
    if whole.is_empty():
        return ()
    names, it = ", ".join(whole["namn"].to_list()), "det" if whole.height == 1 else "dem"
    return (ColumnNote(f"Utfall {selection.months_to(month)} saknas för {names}: årsfilen anger bara årets utfall, "
                       f"inte per månad, och kfollow fördelar det inte; skriv utfallet per månad (utfall: "
                       f"{{{year}-01: …}}). Summorna över {it} saknas också.", "utfall", "ack_utfall", "avvikelse",
                       "budgetavvikelse_ack"),)


def _shown_short(frame: pl.DataFrame, projects: pl.DataFrame, month: int | None) -> pl.DataFrame:
    """The pågående projects of the table whose months stop before `month` (`short_of`): their utfall is –."""
    if month is None:
        return projects.clear()
    shown = frame.filter(pl.col("radtyp") == "rad")["projekt"].to_list()
    return short_of(projects.filter(pl.col("projekt").is_in(shown)), month)


def _short_note(frame: pl.DataFrame, projects: pl.DataFrame, year: int, month: int | None) -> tuple:
    """A note naming the pågående projects booked short of the month shown, with their last month and what to
    write: their utfall is –, and so are the sums over them (the report comes out; found in review)."""
    short = _shown_short(frame, projects, month)
    if short.is_empty():
        return ()
    said = [f"{r['namn']} (bokfört till och med {selection.MONTHS[r['manader'] - 1]})" for r in short.iter_rows(named=True)]
    names = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " och " + said[-1]
    one = short.height == 1
    return (ColumnNote(f"Utfall {selection.months_to(month)} saknas för "
                       f"{'det pågående projektet' if one else 'de pågående projekten'} {names}: skriv "
                       f"{'dess' if one else 'deras'} månader till och med {year}-{month:02d} i årsfilen (0 för en "
                       "månad utan bokningar), eller status färdigställd eller avbruten för ett projekt som är "
                       f"färdigställt eller avbrutet. Summorna över {'det' if one else 'dem'} saknas också.",
                       "utfall", "ack_utfall", "avvikelse", "budgetavvikelse_ack"),)


def _short_warning(frame: pl.DataFrame, projects: pl.DataFrame, year: int, month: int | None, fil: str) -> tuple:
    """stderr's line on the pågående projects booked short of the month shown (`_short_note`), at the first's line."""
    short = _shown_short(frame, projects, month)
    if short.is_empty():
        return ()
    first = short.row(0, named=True)
    more = f" and {short.height - 1} more project(s)" if short.height > 1 else ""
    return (f"warning: utfall of pågående project {first['projekt']} ({fil}:{first['rad']}){more} is booked only up "
            f"to {year}-{first['manader']:02d}, not {year}-{month:02d}: its utfall, and the sums over it, are – in the "
            f"table; {GAP_ADVICE}",)


def _forecast_notes(frame: pl.DataFrame, year: int, month: int | None) -> tuple:
    """Notes on the forecast columns: projects without a forecast made by the month, sums of forecasts of
    different months."""
    if "prognos" not in frame.columns:
        return ()
    notes = []
    lacking = frame.filter((pl.col("radtyp") == "rad") & pl.col("prognos").is_null())["namn"].to_list()
    if lacking:
        it = "det" if len(lacking) == 1 else "dem"
        notes.append(ColumnNote(f"Ingen prognos är gjord till och med {year}-{month:02d} för {', '.join(lacking)}: "
                                f"Avvikelse prognos är – för {it} och för summorna över {it}; Avvikelse visar det som "
                                "återstår av årets budget.", "prognos_avvikelse", "prognos"))
    if not frame.filter((pl.col("radtyp") != "rad") & pl.col("prognos").is_not_null()
                        & pl.col("prognos_period").is_null()).is_empty():
        notes.append(ColumnNote("Prognos från är – på summaraderna: deras prognoser är gjorda i olika månader.",
                                "prognos_period"))
    return tuple(notes)


def _whole_year_note(year: int, month: int | None, booked: int | None) -> tuple:
    """A note where the investments are read beside a part of the year (a report of a period, or a year still being
    booked): their budget is the year's and their utfall what the year file gives, so Avvikelse is what is left of
    the year's budget, no surplus (found by a new user: a monthly report showed a project's full-year budget
    against four months' utfall, 24 mnkr "under budget")."""
    if booked is not None and booked < 12:
        return (ColumnNote("Investeringarna har inga månader: Budget är helårets och Utfall det som årsfilen anger "
                           f"hittills i år (året är bokfört till och med {selection.MONTHS[booked - 1]}), så Avvikelse "
                           "är det som återstår av årets budget, inget överskott.", "avvikelse"),)
    if month is not None and month < 12:
        return (ColumnNote(f"Investeringarna har inga månader: Budget och Utfall är helårets {year}, inte "
                           f"{selection.months_to(month)}.", "avvikelse"),)
    return ()


def summary(store, year: int | None = None, forvaltning: str | None = None, against: str | None = None,
            unit: str = "mnkr") -> Report:
    """`summary_report` as a `Report`; `against` is a month `YYYY-MM` (default: the latest forecast)."""
    year = selection.year_or_latest(store, year)
    month = selection.against_month(against, year)
    frame = summary_report(store, year, forvaltning, month)
    fid = summary_forvaltning(store, year, forvaltning)
    used = summary_forecast_month(store, year, fid, month)
    # each row compares with its own kind's latest forecast up to the month: said so where they differ (the title
    # named the investments' 2024-08 over an operating row compared with 2024-04; found in review)
    made = {kind: [m for m in months if used is not None and m <= used]
            for kind, months in _forecast_months(store, year, fid).items()}
    last = {kind: months[-1] for kind, months in made.items() if months}
    if len(set(last.values())) > 1:
        since = "; avvikelse jämfört med prognos " + " och ".join(f"{year}-{m:02d} ({kind})" for kind, m in last.items())
    else:
        since = f"; avvikelse jämfört med prognos {year}-{used:02d}" if used else ""
    notes = (f"Ingen prognos gjordes {year}-{month:02d}: jämförelsen är med den senaste före"
             + (f", från {year}-{used:02d}." if len(set(last.values())) <= 1 else "."),) \
        if month is not None and used is not None and month not in set(last.values()) else ()
    notes += cancelled_note(_cancelled(store.investments.filter(
        (pl.col("ar") == year) & (pl.col("forvaltning") == fid) & (pl.col("typ") == "projekt"))), summary=True)
    report = as_report(frame, store.years[year].rubriker, store=store, title=f"Ekonomi {year}, {fid}", unit=unit,
                       qualifier=since, notes=notes)
    prev = f"utfall_{year - 1}"
    if prev in frame.columns and fid not in store.years[year - 1].forvaltningar:
        # a förvaltning begun this year: its column of last year is –, said as deviation says it (the table stood
        # without a word of why, first in the report of a new förvaltning; found in review, h156)
        report = replace(report, notes=(*report.notes, ColumnCaveat(
            f"{report.column(prev).header} är – för förvaltning {fid}, som inte finns i filen för {year - 1}.", prev)))
    return report
