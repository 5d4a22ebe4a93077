"""Nämndindikatorer of Målområde Ekonomi, per förvaltning over the years the files hold, in percent:

- `personalkostnad_andel`: personalkostnader (the kostnadsslag `personal`) / verksamhetens
  nettokostnad, from the facts (needs accounts: utfall_fil tables);
- `avvikelse_budget`: (budget − utfall) / |budget| of the förvaltning's nettokostnad (positive =
  överskott), the whole year, or year to date for a year still being booked;
- `avvikelse_investering`: (investeringsbudget − utfall) / |investeringsbudget|; during the year (a
  period before December, or investments booked per month to one: the month the investments table shows)
  (investeringsbudget − prognos) / |investeringsbudget| with the förvaltning's latest investment forecast,
  or the sum of its projects', and null with a note without one: the budget's rest is no deviation of the
  year; null with a note for a whole year a pågående project given per month is booked short of, whose
  utfall the investments table shows as unknown.

A figure that cannot be computed is null ("–") with a note saying why, never estimated. With a
target in the year file (`indikatorer:` with `mal` and `riktning`), `uppfyllt` says whether the
latest year meets it: `lagre` = below mal, `hogre` = at least mal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

import polars as pl

from kfollow.engine import selection
from kfollow.engine.cuts import kostnadsslag_expr
from kfollow.engine.expressions import exact_percent_value
from kfollow.engine.investments import (CANCELLED, NO_SAVING, _monthly, _totals, investment_forecast, months_shown,
                                        short_of)
from kfollow.engine.operations import deviation_report
from kfollow.engine.present import as_report
from kfollow.options import By, half_away
from kfollow.report import EXACT, PERCENT_PLACES, Report
from kfollow.store import INDICATORS, Store

RIKTNING = {"lagre": "lägre", "hogre": "högre"}


def _personal_share(store: Store, year: int, fid: str, month: int | None,
                    netto: int | None, resultat: bool = False) -> tuple[int, int] | str | None:
    """Personalkostnader and the nettokostnad (öre: a percent of), or why there is no share: None when
    the utfall has no accounts (or no base), "personal" when it has accounts but none in the group,
    "resultat" for a unit presented as resultat, with accounts or without (its net, about 0 by design, is no base)."""
    if resultat:  # (in a surplus year too, and in a year typed per stab, accounts or not: found in review, h150)
        return "resultat"
    facts = store.facts.filter((pl.col("ar") == year) & (pl.col("forvaltning") == fid) & (pl.col("art") == "utfall")
                               & (pl.col("manad") <= (month or 12)))
    if facts.is_empty() or netto is None or netto <= 0:
        return None
    groups = store.year(year).kostnadsslag
    if not any(g.id == "personal" for g in groups):
        return "personal"
    grouped = facts.with_columns(kostnadsslag_expr(groups))
    personal = grouped.filter(pl.col("kostnadsslag") == "personal")["belopp"]
    if personal.is_empty():  # no account in the group: a mistyped prefix, or a förvaltning without staff
        # (an account in no group at all may be a salary account the prefixes miss: no 0 % then)
        return "ogrupperat" if grouped["kostnadsslag"].null_count() else "personal"
    return int(personal.cast(pl.Int128).sum()), netto  # a percent of: numerator and base, öre


def _close_to_target(frame: pl.DataFrame, year: int) -> list[str]:
    """A note for each row whose figure and target, shown with one decimal, do not show whether the target
    is met: an avvikelse of 2,04 % against a target of "lower than 2 %" reads `2,0 | 2,0 | nej`, and a
    target typed as 3,37 reads 3,4 (found by a review). The note gives the figure with the decimals that
    show it, and the target as typed."""
    value, exact = f"varde_{year}", f"varde_{year}{EXACT}"
    if value not in frame.columns:
        return []
    out = []
    for r in frame.filter(pl.col("mal").is_not_null() & pl.col(value).is_not_null()).iter_rows(named=True):
        figure = Decimal(r[exact]).scaleb(-PERCENT_PLACES) if r.get(exact) is not None else Decimal(repr(r[value]))
        target = Decimal(repr(r["mal"]))
        lower = r["riktning"] == RIKTNING["lagre"]
        size = abs(figure) if lower else figure  # (lägre: the figure's size, as `uppfyllt` judges it)

        def met(x: Decimal) -> bool:
            return x < target if lower else x >= target

        def shown(x: Decimal, n: int) -> Decimal:
            return half_away(x, n)

        one_place = shown(target, 1) == target
        if one_place and met(shown(size, 1)) == met(size) and shown(size, 1) != target:
            continue  # the table's one decimal tells it
        typed = max(1, -target.normalize().as_tuple().exponent)  # (the figure at least as fine as the target)
        places = next((n for n in range(typed, PERCENT_PLACES + 1)
                       if met(shown(size, n)) == met(size) and shown(size, n) != target), PERCENT_PLACES)
        said = _comma(shown(figure, places).normalize() if places > 1 else shown(figure, places))
        goal = _comma(target.normalize() if target == target.to_integral() else target)
        relation = ("under" if met(size) else "inte under") if lower else ("minst" if met(size) else "under")
        out.append(f"{r['namn'].removesuffix(' (%)')} {year} är {said} %, {relation} målet {goal} % (tabellen visar en "
                   "decimal).")
    return out


def _wanted(target) -> str | None:
    """The target as the published table says it under `Önskad riktning` (`Mindre än 23`, `Ej negativ`): a
    target `Mål 0,0` beside `högre` read as "the more unspent, the better" (a kommunekonom's reading).
    `lagre`: the figure's size under the target; `hogre`: the figure at least the target."""
    if target is None or target.mal is None:
        return None
    mal = Decimal(repr(target.mal))
    goal = _comma(mal.normalize() if mal == mal.to_integral() else mal)
    if target.riktning == "lagre":
        return f"Mindre än {goal}"
    return "Ej negativ" if mal == 0 else f"Minst {goal}"


def _comma(value: Decimal) -> str:
    """A percent for people (`2,04`; a percent has no thousands)."""
    return f"{value:f}".replace(".", ",")


def _any_personal(store: Store, year: int) -> bool:
    """Whether any förvaltning's utfall of `year` has an account in the kostnadsslag `personal`."""
    groups = store.year(year).kostnadsslag
    if not any(g.id == "personal" for g in groups):
        return False
    accounts = store.facts.filter((pl.col("ar") == year) & (pl.col("art") == "utfall")).select("konto").unique()
    return not accounts.with_columns(kostnadsslag_expr(groups)).filter(pl.col("kostnadsslag") == "personal").is_empty()


def _percent(ratio: tuple[int, int] | None) -> float | None:
    return None if ratio is None else 100 * ratio[0] / ratio[1]


def _exact(ratio: tuple[int, int] | None) -> int | None:
    return None if ratio is None else exact_percent_value(*ratio)


def indicators_frame(store: Store, year: int, forvaltning: list[str] | None = None,
                     month: int | None = None, asked: frozenset[int] | None = None) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """Per förvaltning of `year` and indicator: its value per year (columns varde_<year>, percent, from
    exact amounts), mal, riktning and uppfyllt (of `year`). With `month`, `year` is taken up to and
    including it (a tertial's report); without, as far as it is booked. Earlier years are whole years, or
    year to date where still being booked. Returns the frame and notes on the gaps, of the years `asked` for (those
    whose columns --columns names; None: every year), as the table shows them (found in review, h150)."""
    fids = selection.forvaltningar(store, year, forvaltning)
    years = sorted(y for y in store.years if y <= year)
    hidden = frozenset(() if asked is None else (y for y in years if y not in asked))
    values: dict[tuple[str, str], dict[int, tuple[int, int] | None]] = {}  # percent of: numerator, base
    # (a share without its base, "netto", is said right after a share without accounts)
    cancelled: list[str] = []  # förvaltning and year whose investment deviation counts cancelled projects' frames
    # a förvaltning of `year` that an earlier year's file does not have: every figure of that year `–`, said once
    # (found in review, h147: no note said why)
    gaps: dict[str, list[str]] = {"ej_i_filen": [], **{k: [] for iid in INDICATORS
                                  for k in ((iid, "resultat", "personal", "ogrupperat", "noll", "netto", "andel_utfall", "andel_helar") if iid == "personalkostnad_andel" else
                                            (iid, "utfall", "utfall_helar") if iid == "avvikelse_budget" else
                                            (iid, "inv_under_aret", "inv_kort") if iid == "avvikelse_investering"
                                            else (iid,))}}
    short: dict[str, str] = {}  # förvaltning and year → its pågående projects booked short of December, said
    forecast_used: list[str] = []  # förvaltning and year whose investment deviation is the forecast's
    to_date: list[str] = []
    shown: list[int] = []
    for y in years:
        here = [f for f in fids if f in store.years[y].forvaltningar]
        if not here:
            continue
        shown.append(y)
        gaps["ej_i_filen"] += [f"{f} {y}" for f in fids if f not in here]
        to = month if y == year and month is not None else selection.period(store, y, None).month
        if to is not None:
            to_date.append(f"{y} avser {selection.months_to(to)} (ack.)")
        frame = deviation_report(store, y, By.forvaltning, here, period=to)
        # a förvaltning with utfall for the whole year only: its year to date is unknown, not missing
        booked = set(store.amounts.filter((pl.col("ar") == y) & pl.col("utfall").is_not_null())["forvaltning"].to_list())
        for r in frame.filter(pl.col("radtyp") == "forvaltning").iter_rows(named=True):
            fid = r["forvaltning"]
            sign = -1 if r["redovisas_som"] == "resultat" else 1
            netto = None if r["utfall"] is None else sign * r["utfall"]
            budget = None if r["budget"] is None else sign * r["budget"]
            # a unit priced internally (resultat) nets to about 0 by design: no base for a share (4 725 %: found by
            # a new user)
            share = _personal_share(store, y, fid, to, netto, resultat=sign < 0)  # (without accounts: said so)
            if share == "resultat":
                gaps["resultat"].append(f"{fid} {y}")
                share = None
            elif share == "personal" and netto is not None and _any_personal(store, y):
                # accounts, none of them in the group, which other förvaltningar's accounts of the year are
                # in: the prefixes are right, and this one books no personalkostnader (0 %, exactly)
                gaps["noll"].append(f"{fid} {y}")
                share = (0, netto)
            elif share in ("personal", "ogrupperat"):  # accounts, and no förvaltning's in the group, or some of its
                gaps[share].append(f"{fid} {y}")  # own in no group: perhaps a mistyped prefix
                share = None
            elif share is None:  # no utfall; a surplus (a resultat unit's) is no base for a share; else no accounts
                gaps[("andel_helar" if fid in booked else "andel_utfall") if netto is None
                     else "personalkostnad_andel" if netto > 0 else "netto"].append(f"{fid} {y}")
            deviation = (r["avvikelse"], abs(budget)) if budget not in (None, 0) and r["avvikelse"] is not None else None
            if deviation is None:  # no budget (or 0), or a budget and no utfall (a förvaltning its export lacks)
                gaps["avvikelse_budget" if budget in (None, 0) else "utfall_helar" if fid in booked else "utfall"].append(
                    f"{fid} {y}")
            inv = _totals(store, fid).filter(pl.col("ar") == y)
            invest, said = None, False
            # during the year the budget − the utfall so far is what is left, no deviation: a target was "met"
            # on a part of the year (found by an investment controller); the forecast of the year is, where made.
            # The year's month is the investments table's (`months_shown`), not the month the pågående project booked
            # least has booked: the closed year's figure was the forecast of that month, 'året är inte slut', where the
            # report's table shows the year's utfall unknown (found in review, h98)
            shown_to = to if to is not None else months_shown(store, y, [fid])
            during = shown_to if shown_to is not None and shown_to < 12 else None
            # a pågående project booked short of December: the year's utfall is unknown, as the table shows it
            behind = short_of(_monthly(store, y, [fid]), 12) if during is None else None
            if during is not None and inv.height and inv["budget"][0] not in (None, 0):
                made = investment_forecast(store, y, fid, during)
                if made is not None:
                    b = inv["budget"][0]
                    invest = (b - made[0], abs(b))
                    forecast_used.append(f"{fid} {y} ({made[1]})")
                else:
                    gaps["inv_under_aret"].append(f"{fid} {y}")
                    said = True
            elif behind is not None and behind.height and inv.height and inv["budget"][0] not in (None, 0):
                gaps["inv_kort"].append(f"{fid} {y}")
                short[f"{fid} {y}"] = _booked_short(behind)
                said = True
            elif inv.height and inv["budget"][0] not in (None, 0) and inv["utfall"][0] is not None:
                b, u = inv["budget"][0], inv["utfall"][0]
                invest = (b - u, abs(b))  # of |budget|, as the budget deviation: a budget of net income (an
                # investeringsbidrag) that brings in less is a negative deviation (found by an investment controller)
            if invest is None and not said:
                gaps["avvikelse_investering"].append(f"{fid} {y}")
            else:  # a cancelled project's unused frame counts as under budget: said, as `investments` says it
                stopped = store.investments.filter((pl.col("ar") == y) & (pl.col("forvaltning") == fid)
                                                   & (pl.col("typ") == "projekt") & (pl.col("status") == CANCELLED))
                if stopped.height:
                    cancelled.append(f"{fid} {y} ({', '.join(stopped['namn'].to_list())})")
            for iid, v in (("personalkostnad_andel", share), ("avvikelse_budget", deviation),
                           ("avvikelse_investering", invest)):
                values.setdefault((fid, iid), {})[y] = v
    targets = store.year(year).indikatorer
    rows = []
    for fid in fids:
        for iid, label in INDICATORS.items():
            by_year = values.get((fid, iid), {})
            target = targets.get(iid)
            latest = _percent(by_year.get(year))
            met = None
            if target is not None and target.mal is not None and latest is not None:
                # lägre: the figure's size below the target, a deficit as much as a surplus (an
                # avvikelse of -8,8 % is no better control than +8,8 %); högre: the signed figure
                met = "ja" if (abs(latest) < target.mal if target.riktning == "lagre" else latest >= target.mal) else "nej"
            rows.append({"radtyp": "rad", "forvaltning": fid, "indikator": iid,
                         "namn": f"{label.removesuffix(' (%)')}, {fid} (%)",
                         **{f"varde_{y}": _percent(by_year.get(y)) for y in years},
                         "mal": target.mal if target else None,
                         "riktning": RIKTNING[target.riktning] if target else None,
                         "onskad_riktning": _wanted(target), "uppfyllt": met,
                         **{f"varde_{y}{EXACT}": _exact(by_year.get(y)) for y in years},
                         # what each value is a percent of, for a reviewer to trace it (machines only)
                         **{f"{part}_{y}": None if by_year.get(y) is None else by_year[y][i]
                            for y in years for i, part in enumerate(("taljare", "namnare"))}})
    schema = {"radtyp": pl.String, "forvaltning": pl.String, "indikator": pl.String, "namn": pl.String,
              **{f"varde_{y}": pl.Float64 for y in years}, "mal": pl.Float64, "riktning": pl.String,
              "onskad_riktning": pl.String, "uppfyllt": pl.String, **{f"varde_{y}{EXACT}": pl.Int128 for y in years},
              **{f"{part}_{y}": pl.Int64 for y in years for part in ("taljare", "namnare")}}
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    # (a year --columns leaves out is not said: `2024 avser januari–oktober (ack.)` under 2024 alone; h150)
    to_date = [t for t in to_date if int(t.split(" ", 1)[0]) not in hidden]
    shown = [y for y in shown if y not in hidden]
    forecast_used = [w for w in forecast_used if int(w.split(" ")[1]) not in hidden]
    cancelled = [w for w in cancelled if int(w.split(" ")[1]) not in hidden]
    whole = "" if len(to_date) == len(shown) else "; övriga år avser helår"
    # (during the year the investment figure is the forecast's, or none: said below, not here)
    notes = [f"{'; '.join(to_date)}{whole}."] if to_date else []
    if forecast_used:
        notes.append(f"{INDICATORS['avvikelse_investering'].removesuffix(' (%)')} för {', '.join(forecast_used)} är "
                     "investeringsbudget − prognos för helåret, med den senaste prognosen (månaden inom parentes): året "
                     "är inte slut, och det som återstår av budgeten är ingen avvikelse.")
    accounts = _personal_accounts(store, year)
    why = {"personalkostnad_andel": "utfall utan konto (skrivet per stab eller verksamhet)",
           "personal": "utfallet har konton men inget i kostnadsslaget personal"
                       + (f" ({accounts})" if accounts else " (årsfilen har inget sådant)")
                       + ", och inte heller någon annan förvaltnings; kontrollera kostnadsslagens prefix (kfollow "
                       "visar inte 0 % för en gissning)",
           "ogrupperat": "utfallet har konton men inget i kostnadsslaget personal, och konton som inte hör till något "
                         "kostnadsslag (kfollow check visar vilka); kontrollera kostnadsslagens prefix (kfollow visar "
                         "inte 0 % för en gissning)",
           "noll": "utfallet har konton men inget i kostnadsslaget personal"
                   + (f" ({accounts})" if accounts else "")
                   + ", där andra förvaltningars konton samma år finns",
           "avvikelse_budget": "budgeten saknas eller är 0",
           "utfall": "utfallet saknas (förvaltningen har budget men inget utfall)",
           "andel_utfall": "utfallet saknas",
           "utfall_helar": "utfallet finns bara för helåret, så utfallet hittills i år är okänt",
           "andel_helar": "utfallet finns bara för helåret, så utfallet hittills i år är okänt",
           "avvikelse_investering": "investeringsbudgeten saknas eller är 0",
           "inv_under_aret": "året är inte slut, så investeringsbudget − utfall hittills är det som återstår av "
                             "budgeten, ingen avvikelse, och ingen prognos för årets investeringar är gjord; skriv "
                             "förvaltningens prognos (investeringar.forvaltningar, prognos: {YYYY-MM: …}) eller varje "
                             "projekts",
           "netto": "verksamhetens nettokostnad är 0 eller negativ (ett överskott), så andelen säger inget",
           "resultat": "förvaltningen redovisas som resultat (finansierad av interna priser eller taxor, nära 0 "
                       "netto), så dess nettokostnad är ingen bas för en andel"}
    # a year none of whose figures can be computed is left out of the table for people, with a note of its own
    # (`indicators`): its gaps are not named again, one by one (found in review: "saknas för KLF 2023, VSS 2023 …"
    # above "2023 visas inte")
    # (one asked for by --columns is shown: its gaps are said)
    unshown = {y for y in years if all(v.get(y) is None for v in values.values()) and y not in (asked or ())}
    if len(unshown) < len(years) or hidden:
        gone = (unshown if len(unshown) < len(years) else set()) | hidden
        gaps = {iid: [w for w in where if int(w.rsplit(" ", 1)[1]) not in gone] for iid, where in gaps.items()}
    for iid, where in gaps.items():
        if where and iid == "ej_i_filen":
            one_f, one_y = (len({w.rsplit(" ", 1)[i] for w in where}) == 1 for i in (0, 1))
            notes.append(f"Måtten saknas för {', '.join(where)}: {'förvaltningen' if one_f else 'förvaltningarna'} "
                         f"finns inte i {'årsfilen för det året' if one_y else 'årsfilerna för de åren'}.")
        elif where:
            name = INDICATORS["personalkostnad_andel" if iid in ("netto", "resultat", "personal", "ogrupperat", "noll", "andel_utfall", "andel_helar") else
                              "avvikelse_budget" if iid in ("utfall", "utfall_helar") else
                              "avvikelse_investering" if iid in ("inv_under_aret", "inv_kort") else iid].removesuffix(" (%)")
            said = "är 0 %" if iid == "noll" else "saknas"
            if iid == "inv_kort":  # (each with its projects: what to write is theirs)
                notes += [f"{name} saknas för {w}: {short[w]}." for w in where]
                continue
            notes.append(f"{name} {said} för {', '.join(where)}: {why[iid]}.")
    if cancelled:
        notes.append(f"{INDICATORS['avvikelse_investering'].removesuffix(' (%)')} för {', '.join(cancelled)} räknar med "
                     f"den ram som avbrutna projekt inte använder, {NO_SAVING}.")
    return frame, tuple(notes)


def _booked_short(projects: pl.DataFrame) -> str:
    """Why a förvaltning's investment deviation of a year is unknown: its pågående `projects` given per month are booked
    short of December, so the year's utfall is, as the investments table shows it (– with the sums over them)."""
    from kfollow.engine.selection import MONTHS

    rows = list(projects.iter_rows(named=True))
    if len(rows) == 1:
        which = (f"det pågående projektet {rows[0]['namn']} är bokfört bara till och med "
                 f"{MONTHS[rows[0]['manader'] - 1]}")
    else:
        said = [f"{r['namn']} (till och med {MONTHS[r['manader'] - 1]})" for r in rows]
        which = f"de pågående projekten {', '.join(said[:-1])} och {said[-1]} är bokförda bara så långt"
    return (f"{which}, inte till och med december, så årets utfall är okänt (tabellen över investeringarna visar det "
            f"som –); skriv {'dess' if len(rows) == 1 else 'deras'} månader till och med december i årsfilen (0 för en "
            "månad utan bokningar), eller status färdigställd eller avbruten för ett projekt som är färdigställt eller "
            "avbrutet")


def _personal_accounts(store: Store, year: int) -> str:
    """The accounts of kostnadsslag personal in words, `konton som börjar på 5`, without the longer prefixes another
    group of the year takes from them (the longest prefix wins): `konton som börjar på 5 men inte på 50 eller 54`, so
    that a reader of the figure knows the internal rent on 50 is not in it (found by a new user). Empty without one."""
    groups = store.year(year).kostnadsslag
    own = next((g.prefix for g in groups if g.id == "personal"), ())
    if not own:
        return ""
    taken = sorted({p for g in groups if g.id != "personal" for p in g.prefix
                    if any(p.startswith(o) and len(p) > len(o) for o in own)})
    out = f"konton som börjar på {_either(sorted(own))}"  # (`5 eller 7`, not `5, 7`: found in review, h117)
    return f"{out} men inte på {_either(taken)}" if taken else out


def _both(items: list[str]) -> str:
    """`2023`, `2023 och 2024`, `2022, 2023 och 2024`."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


def _either(prefixes: list[str]) -> str:
    """`5`, `5 eller 7`, `50, 54 eller 71`."""
    return prefixes[0] if len(prefixes) == 1 else ", ".join(prefixes[:-1]) + " eller " + prefixes[-1]


# how each figure is computed, said in the table: a published report may compute them otherwise (the bundled one
# prints 3,3 and 57 where these give 3,4 and 39,2), and a reader of the document alone could not tell why (found
# by a year-end user)
def _definitions(store: Store, year: int, years: list[int] | None = None) -> str:
    """How each figure is computed, with the year's own accounts of personal; where the years shown (`years`)
    group them otherwise, each year's: `2023: konton som börjar på 5; 2024: … men inte på 50`."""
    by: dict[str, list[str]] = {}
    typed: list[str] = []  # the years whose utfall is typed per stab or verksamhet: no account to group
    for y in years or [year]:
        if not store.years[y].utfall_filer:
            typed.append(str(y))
            continue
        by.setdefault(_personal_accounts(store, y) or "årsfilen har inget sådant", []).append(str(y))
    # (each year's figure is of its own year's groups: the latest year's alone described an earlier year's figure
    # as leaving out the accounts only the latest year's groups leave out; found in review, h117)
    accounts = next(iter(by)) if len(by) == 1 and not typed else "; ".join(f"{', '.join(ys)}: {a}" for a, ys in by.items())
    # a year typed per stab has no accounts: the note named class 5 for it as for a year of fact tables (found in
    # review, h150)
    without = (f" och kräver utfall med konton, som {_both(typed)} inte har (skrivet per stab eller verksamhet), så "
               f"andelen räknas inte för {'det året' if len(typed) == 1 else 'dem'}") if typed else ""
    return ("Måtten räknas så: personalkostnaderna är utfallet på kostnadsslaget personal "
            f"{f'({accounts}) ' if by else ''}delat med förvaltningens nettokostnad{without}; avvikelse budget och "
            "utfall är budget − utfall för "
            "nettokostnaden delat med budgetens belopp, positiv vid överskott; avvikelse investeringsbudget och utfall "
            "är investeringsbudget − utfall delat med investeringsbudgetens belopp, för årets projekt eller förvaltningens "
            "angivna summa.")


def indicators(store: Store, year: int | None = None, forvaltning: list[str] | None = None,
               period: str | int | None = None, unit: str = "mnkr", columns: Sequence[str] | None = None) -> Report:
    """`indicators_frame` as a `Report`: the nämndindikatorer of Målområde Ekonomi, in percent. `period`
    (YYYY-MM, or a month of `year`) takes the year up to that month, as `deviation --period` does. What each value
    is a percent of, `taljare_<year>` / `namnare_<year>` (öre), is for machines, shown in `unit`. `columns` (the
    machine names --columns asks for): the notes speak of the years among them."""
    p = selection.period(store, year, period)
    year = p.year
    named = set(columns or ())
    # the years --columns asks for a column of (varde_, taljare_, namnare_): the notes are of them alone (they named
    # 2023 under a table of 2024 alone: found in review, h150)
    asked = None if columns is None else frozenset(
        y for y in store.years if any(f"{part}_{y}" in named for part in ("varde", "taljare", "namnare")))
    hidden = frozenset() if asked is None else frozenset(y for y in store.years if y not in asked)
    frame, notes = indicators_frame(store, year, forvaltning, p.month, asked)
    headers = {**store.years[year].rubriker, "rubrik": "Nämndindikator"}
    # a year none of whose figures can be computed is no column for people (– in every row): scripts keep it
    values = [c for c in frame.columns if re.fullmatch(r"varde_\d{4}", c)]
    empty = [c for c in values if frame[c].is_null().all() and int(c.removeprefix("varde_")) not in (asked or ())]
    if empty and len(empty) < len(values):
        said = [c.removeprefix("varde_") for c in empty if int(c.removeprefix("varde_")) not in hidden]
        if said:  # (of a year --columns leaves out: not said)
            notes = (*notes, f"{', '.join(said)} visas inte: inget av måtten går att räkna för "
                             f"{'det året' if len(said) == 1 else 'de åren'}.")
    else:
        empty = []
    years = [int(c.removeprefix("varde_")) for c in values if c not in empty]
    notes = (*notes, *(_close_to_target(frame, year) if year not in hidden else ()),
             _definitions(store, year, [y for y in years if y not in hidden] or years))
    # without any target in the year file (`indikatorer:`), no Önskad riktning or Uppfyllt for people; the target
    # and its direction are said in words (`onskad_riktning`), as the published table does: its figures for scripts
    untargeted = ("onskad_riktning", "uppfyllt") if "mal" in frame.columns and frame["mal"].is_null().all() else ()
    return as_report(frame, headers, store=store, title=f"Nämndindikatorer {year}, målområde ekonomi", unit=unit,
                     machine_only=("indikator", "mal", "riktning", *empty, *untargeted,
                                   *(c for c in frame.columns if re.fullmatch(r"(taljare|namnare)_\d{4}", c))),
                     notes=notes)
