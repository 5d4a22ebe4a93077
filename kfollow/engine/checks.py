"""`check`: validate every budget file and reconcile every total the data allows.

Findings are rows of a frame (fil, rad, niva, meddelande); `niva` is `fel` (error) or `varning`.
"""

from __future__ import annotations


import polars as pl

from kfollow.engine import expressions as ex
from kfollow.errors import DataError, InputOutputError
from kfollow.engine.findings import FINDING_SCHEMA, finding, literal as _literal
from kfollow.engine.investments import reconcile_investments
from kfollow.sources.year_file import load_year_file, year_files
from kfollow.report import Report, build
from kfollow.store import Budgets, combine
from kfollow.options import By
from kfollow.engine.periods import last_month_booked, last_month_complete, parse_period, resolve
from kfollow.engine.operations import deviation_report
from kfollow.engine.thresholds import COMMENTABLE_ROWS, Limit, rows_beyond

def load_for_check(directory: str) -> tuple[Budgets, list[dict]]:
    """Load each file on its own, so that one broken file does not hide the others' findings."""
    files, findings = {}, []
    for path in year_files(directory):
        try:
            year = load_year_file(path)
        except DataError as err:
            findings.append(finding("fil", "fel", err.path, err.line, _literal(err.problem), kolumn=err.column))
            continue
        except InputOutputError as err:  # one unreadable file does not hide the others' findings
            findings.append(finding("fil_olasbar", "fel", str(path), None, _literal(err.message)))
            continue
        if year.info.ar in files:
            findings.append(finding("ar_dubbel", "fel", str(path), 1, _literal(
                f"year {year.info.ar} is also in {files[year.info.ar].info.fil}; keep one file per year")))
            continue
        files[year.info.ar] = year
    return combine(directory, list(files.values())), findings


def reconcile(budgets: Budgets) -> list[dict]:
    """Compare each förvaltning's total with its stab and verksamhet views, per year.

    On the whole year with the budget adjusted by the year's budget changes: a change that names
    a stab but not its verksamhet leaves the views apart.
    """
    frames = [resolve(budgets, ar) for ar in budgets.years]
    return reconcile_frame(budgets, pl.concat(frames, how="diagonal_relaxed")) if frames else []


def reconcile_frame(budgets: Budgets, a: pl.DataFrame) -> list[dict]:
    """Findings for one frame of amounts: per förvaltning and figure (budget, utfall), each view
    against the summa where the summa gives the figure, else the verksamheter against the staber."""
    findings = []
    sums = (
        a.with_columns(view=pl.col("vy").str.replace("ej_fordelat_", ""))
        .group_by("ar", "forvaltning", "view")
        .agg(*(ex.exact_sum(c) for c in ("budget", "utfall")), pl.col("rad").min(),
             pl.col("rad").filter(pl.col("vy").str.starts_with("ej_fordelat")).first().alias("ej_rad"),
             pl.col("budget").filter(pl.col("vy").str.starts_with("ej_fordelat")).first().alias("ej_budget"),
             pl.col("utfall").filter(pl.col("vy").str.starts_with("ej_fordelat")).first().alias("ej_utfall"))
    )
    for ar in a["ar"].unique().sort().to_list():
        info = budgets.years[ar]
        unit = info.enhet
        for fid in info.forvaltningar:
            def add(kod: str, line: int, level: str, text: str, *amounts: int) -> None:
                findings.append(finding(kod, level, info.fil, line, f"{_literal(f'{fid} {ar}')}: {text}", *amounts,
                                        enhet=unit))

            own = {r["view"]: r for r in sums.filter((pl.col("ar") == ar) & (pl.col("forvaltning") == fid)).iter_rows(named=True)}
            summa = own.get("summa")
            for part in ("budget", "utfall"):
                views = [v for v in ("stab", "verksamhet") if v in own]
                if summa is not None and summa[part] is not None:
                    reference, label = summa[part], "the förvaltning's summa"
                elif len(views) == 2:
                    reference, label, views = own["stab"][part], "the sum of the staber", ["verksamhet"]
                else:
                    continue
                for view in views:
                    got = own[view]
                    have = got[part]
                    if reference is None or have is None:
                        if (reference is None) != (have is None):
                            add("vy_ofullstandig", got["rad"], "varning", f"{part} is given for "
                                    f"{label if have is None else 'the ' + view + ' rows'} but not for "
                                    f"{'the ' + view + ' rows' if have is None else label}")
                        continue
                    gap = reference - have
                    if gap != 0:
                        add("vy_differens", got["rad"], "fel", f"{part} of the {view} rows sums to {{0:d}} "
                            f"but {label} is {{1:d}} (gap {{2:d}}); correct the amounts or declare the gap under "
                            "ej_fordelat", have, reference, gap)
                    elif declared := got[f"ej_{part}"]:
                        add("ej_fordelat", got["ej_rad"], "varning", f"{{0:d}} of {part} is declared "
                            f"ej fördelat på {view}: the {view} rows sum to {{1:d}}, {label} is {{2:d}}",
                            declared, have - declared, reference)
    return findings


def comment_findings(budgets: Budgets, period: str | None, limit: Limit,
                     by: By = By.stab) -> list[dict]:
    """Rows of the `by` view (and förvaltningar shown as one row) beyond `limit` without a kommentar.

    With a period: year-to-date, and the comment must be the period's. Without: the latest year,
    up to its last booked month when it is booked per month, and the year's kommentar.
    """
    if period:
        year, month = parse_period(period)
    else:
        year = max(budgets.years)
        booked = last_month_booked(budgets, year)
        month = booked if booked and booked < 12 else None
    when = f"{year}-{month:02d}" if month else str(year)
    how = f"kommentarer: {{{when}: …}}" if month else "kommentar: …"
    lines = budgets.amounts.filter(pl.col("ar") == year).select("forvaltning", "vy", "nyckel", "fil", "rad")
    frame = deviation_report(budgets, year, by, period=month).rename({by.value: "nyckel"})
    missing = (
        rows_beyond(frame, limit)
        .filter(pl.col("radtyp").is_in(COMMENTABLE_ROWS) & pl.col("kommentar").is_null())
        .with_columns(vy=pl.when(pl.col("radtyp") == "forvaltning").then(pl.lit("summa"))
                      .when(pl.col("radtyp") == "ej_fordelat").then(pl.lit(f"ej_fordelat_{by.value}"))
                      .otherwise(pl.lit(by.value)))
        .join(lines, on=["forvaltning", "vy", "nyckel"], how="left")
    )
    info = budgets.years[year]
    findings = []
    for r in missing.iter_rows(named=True):
        where = f"{by.value} {r['nyckel']}" if r["radtyp"] == "rad" else f"förvaltning {r['forvaltning']}"
        pct = " ({pct} %)" if r["avvikelse_pct"] is not None else ""
        findings.append(finding(
            "kommentar_saknas", "fel", r["fil"] or info.fil, r["rad"] or info.forvaltningar[r["forvaltning"]].line,
            f"{_literal(r['namn'])} {when}: avvikelse {{0:u}}{pct} is beyond {_literal(limit.text)} and has no "
            f"kommentar for {when}; add {_literal(how)} to {_literal(where)}", r["avvikelse"], pct=r["avvikelse_pct"]))
    return findings


def booking_findings(budgets: Budgets) -> list[dict]:
    """Rows booked per month whose last month is before the year's last booked month."""
    a = budgets.amounts.filter(pl.col("manader").is_not_null())
    last = a.group_by("ar").agg(pl.col("manader").max().alias("senast"))
    short = a.join(last, on="ar").filter(pl.col("manader") < pl.col("senast")).sort("ar", "ordning")
    return [finding("bokford_kort", "fel", r["fil"], r["rad"], _literal(
        f"{r['forvaltning']} {r['vy']} {r['nyckel']}: utfall is booked up to {r['ar']}-{r['manader']:02d} but the "
        f"file up to {r['ar']}-{r['senast']:02d}; add the missing months (0 for a month without bookings)"))
        for r in short.iter_rows(named=True)]


def profile_findings(budgets: Budgets) -> list[dict]:
    """Where a year is booked per month: the stab and verksamhet views must give the same
    year-to-date budget, which they do not when their rows are spread by different profiles."""
    findings = []
    for ar, info in budgets.years.items():
        month = last_month_complete(budgets, ar)
        if month is None or month == 12:
            continue
        ytd = (resolve(budgets, ar, month, strict=False)
               .filter(pl.col("vy").str.replace("ej_fordelat_", "").is_in(["stab", "verksamhet"]))
               .with_columns(view=pl.col("vy").str.replace("ej_fordelat_", ""))
               .group_by("forvaltning", "view").agg(ex.exact_sum("budget"), pl.col("rad").min()))
        both = ytd.filter(pl.col("view") == "stab").join(ytd.filter(pl.col("view") == "verksamhet"), on="forvaltning",
                                                         suffix="_v").filter(pl.col("budget") != pl.col("budget_v"))
        for r in both.iter_rows(named=True):
            findings.append(finding(
                "profil_olika", "varning", info.fil, r["rad_v"],
                f"{_literal(r['forvaltning'])} {ar}-{month:02d}: the year-to-date budget is {{0:d}} by stab but "
                "{1:d} by verksamhet, because the rows are spread by different profiles; give the verksamheter the "
                "staber's profil", r["budget"], r["budget_v"], enhet=info.enhet))
    return findings


def check_report(directory: str, period: str | None = None, comment_limit: Limit | None = None,
                 by: By = By.stab) -> tuple[pl.DataFrame, bool]:
    """All findings for a budgets directory, and whether any file failed to load."""
    budgets, findings = load_for_check(directory)
    broken = bool(findings)
    if period and not broken:
        year, month = parse_period(period)
        resolve(budgets, year, month)  # the period must be booked: UsageError otherwise
    findings += reconcile(budgets)
    findings += booking_findings(budgets)
    findings += profile_findings(budgets)
    findings += reconcile_investments(budgets)
    if comment_limit is not None:
        findings += comment_findings(budgets, period, comment_limit, by)
    frame = pl.DataFrame(findings, schema=FINDING_SCHEMA) if findings else pl.DataFrame(schema=FINDING_SCHEMA)
    return frame.sort("fil", "rad", nulls_last=True, maintain_order=True), broken


def check(directory: str, period: str | None = None, comment_limit: Limit | None = None, by: By = By.stab,
          unit: str = "mnkr") -> tuple[Report, bool]:
    """`check_report` as a `Report` (one finding a row), and whether any file failed to load."""
    frame, broken = check_report(directory, period, comment_limit, by)
    return build(frame, unit=unit), broken
