"""`check`: validate every budget file and reconcile every total the data allows.

Findings are rows of a frame (fil, rad, niva, meddelande); `niva` is `fel` (error) or `varning`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl

from kfollow import expressions as ex
from kfollow.errors import DataError
from kfollow.investments import reconcile_investments
from kfollow.model import Budgets, combine, load_year_file, year_files
from kfollow.options import ORE_PER_UNIT, By, Options, Unit
from kfollow.periods import parse_period, resolve
from kfollow.render import money, percent, swedish_number
from kfollow.reports import deviation_report
from kfollow.thresholds import Limit, rows_beyond

FINDING_SCHEMA = {"fil": pl.String, "rad": pl.Int32, "niva": pl.String, "meddelande": pl.String}


def load_for_check(directory: str) -> tuple[Budgets, list[dict]]:
    """Load each file on its own, so that one broken file does not hide the others' findings."""
    files, findings = {}, []
    for path in year_files(directory):
        try:
            year = load_year_file(path)
        except DataError as err:
            findings.append({"fil": err.path, "rad": err.line, "niva": "fel",
                             "meddelande": err.problem + (f" (column {err.column})" if err.column else "")})
            continue
        if year.info.ar in files:
            findings.append({"fil": str(path), "rad": 1, "niva": "fel",
                             "meddelande": f"year {year.info.ar} is also in {files[year.info.ar].info.fil}; keep one file per year"})
            continue
        files[year.info.ar] = year
    return combine(directory, list(files.values())), findings


def _amount(ore: int, unit: str) -> str:
    """`3 646,2 tkr (3,6 mnkr)`: the file's unit, exact, and the published rounding."""
    exact = swedish_number((Decimal(ore) / ORE_PER_UNIT[unit]).normalize() + 0).replace("\u00a0", " ")
    if unit == "mnkr":
        return f"{exact} mnkr"
    return f"{exact} {unit} ({money(ore, Options(), True).replace(chr(160), ' ')} mnkr)"


def reconcile(budgets: Budgets) -> list[dict]:
    """Compare each förvaltning's total with its stab and verksamhet views, per year.

    Done on the budgets as written and, where the year has budget changes, as adjusted by them
    (a change that names a stab but not its verksamhet leaves the views apart).
    """
    findings = reconcile_frame(budgets, budgets.amounts, "")
    for ar in budgets.changes["ar"].unique().to_list():
        adjusted = resolve(budgets, ar).with_columns(utfall=pl.lit(None, pl.Int64))
        seen = {f["meddelande"] for f in findings}
        findings += [f for f in reconcile_frame(budgets, adjusted, " (justerad)") if f["meddelande"] not in seen]
    return findings


def reconcile_frame(budgets: Budgets, a: pl.DataFrame, label: str) -> list[dict]:
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
            own = {r["view"]: r for r in sums.filter((pl.col("ar") == ar) & (pl.col("forvaltning") == fid)).iter_rows(named=True)}
            views = [v for v in ("stab", "verksamhet") if v in own]
            reference = own.get("summa")
            ref_label = "the förvaltning's summa"
            if reference is None and len(views) == 2:
                reference, ref_label = own["stab"], "the sum of the staber"
                views = ["verksamhet"]
            if reference is None:
                continue
            for view in views:
                got = own[view]
                for part in ("budget", "utfall"):
                    want, have = reference[part], got[part]
                    if label and part == "utfall":
                        continue
                    part = part + label if part == "budget" else part
                    if want is None or have is None:
                        if (want is None) != (have is None) and own.get("summa") is not None:
                            findings.append({"fil": info.fil, "rad": got["rad"], "niva": "varning", "meddelande":
                                             f"{fid} {ar}: {part} is given for {'the summa' if have is None else 'the ' + view + ' rows'} but not for {'the ' + view + ' rows' if have is None else 'the summa'}"})
                        continue
                    diff = want - have
                    if diff != 0:
                        findings.append({"fil": info.fil, "rad": got["rad"], "niva": "fel", "meddelande":
                                         f"{fid} {ar}: {part} of the {view} rows sums to {_amount(have, unit)} but {ref_label} is {_amount(want, unit)} (gap {_amount(diff, unit)}); correct the amounts or declare the gap under ej_fordelat"})
                    declared = got[f"ej_{part.removesuffix(label) if label else part}"]
                    if diff == 0 and declared:
                        findings.append({"fil": info.fil, "rad": got["ej_rad"], "niva": "varning", "meddelande":
                                         f"{fid} {ar}: {_amount(declared, unit)} of {part} is declared ej fördelat på {view}: the {view} rows sum to {_amount(have - declared, unit)}, {ref_label} is {_amount(want, unit)}"})
    return findings


def comment_findings(budgets: Budgets, period: str | None, limit: Limit, unit: Unit) -> list[dict]:
    """Rows of the stab view beyond `limit` without a kommentar for the period (or the year)."""
    if period:
        year, month = parse_period(period)
        targets = [(year, month)]
    else:
        targets = [(year, None) for year in budgets.years]
    findings = []
    for year, month in targets:
        frame = deviation_report(budgets, year, By.stab, period=month)
        missing = rows_beyond(frame, limit).filter(pl.col("kommentar").is_null())
        lines = budgets.amounts.filter(pl.col("ar") == year).select(
            "forvaltning", pl.when(pl.col("vy") == "summa").then(pl.lit("forvaltning")).otherwise(pl.lit("rad")).alias("radtyp"),
            pl.col("nyckel").alias("stab"), "fil", "rad")
        missing = missing.join(lines, on=["forvaltning", "radtyp", "stab"], how="left")
        when = f"{year}-{month:02d}" if month else str(year)
        how = f"kommentarer: {{{when}: …}}" if month else "kommentar: …"
        opts = Options(unit=unit)
        for r in missing.iter_rows(named=True):
            pct = percent(r["avvikelse_pct"], True)
            findings.append({"fil": r["fil"] or budgets.years[year].fil, "rad": r["rad"], "niva": "fel", "meddelande":
                             f"{r['namn']} {when}: avvikelse {money(r['avvikelse'], opts, True)} {unit.value}"
                             f"{f' ({pct} %)' if pct else ''} is beyond {limit.text} and has no kommentar for {when}; "
                             f"add {how} to {r['stab']}"})
    return findings


def check_report(directory: str, period: str | None = None, comment_limit: Limit | None = None,
                 unit: Unit = Unit.mnkr) -> tuple[pl.DataFrame, bool]:
    """All findings for a budgets directory, and whether any file failed to load."""
    budgets, findings = load_for_check(directory)
    broken = bool(findings)
    findings += reconcile(budgets)
    findings += reconcile_investments(budgets)
    if comment_limit is not None:
        findings += comment_findings(budgets, period, comment_limit, unit)
    frame = pl.DataFrame(findings, schema=FINDING_SCHEMA, orient="row") if findings else pl.DataFrame(schema=FINDING_SCHEMA)
    return frame.sort("fil", "rad", nulls_last=True, maintain_order=True), broken
