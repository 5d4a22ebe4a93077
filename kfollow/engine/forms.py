"""Forms for budget holders and their answers: what each stab's chef is asked for a period
(`forms`), whether a collected answer still fits the year (`match`), and who has answered (`status`).

A form shows one row of the view (a stab, a verksamhet, or a förvaltning shown as one row) as the
tables do: budget, utfall and avvikelse year to date, the previous year's utfall of the same months,
the year's budget and the latest forecast; where the facts have accounts, the same per kostnadsslag.
Money is Int64 öre throughout; forecasts are answered as the förvaltning presents its figures
(resultat förvaltningar as intäkter − kostnader), exactly as `prognos:` is written in a year file.
"""

from __future__ import annotations

from collections import Counter

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from kfollow.engine import selection
from kfollow.engine.operations import deviation as deviation_of
from kfollow.engine.operations import comments_of_the_year_file, deviation_report, part_forecast_doubts, \
    part_forecasts_doubted
from kfollow.engine.periods import last_month_complete, not_booked, parse_period, require_booked
from kfollow.engine.thresholds import Limits, limit_percents, places_beyond, rows_beyond
from kfollow.errors import DataError, KfollowError, UsageError, control_class, control_kind
from kfollow.form import FORMAT, Form
from kfollow.options import ORE_PER_UNIT, By, in_unit
from kfollow.report import EXACT, Column, Report
from kfollow.store import Answer, Store
from kfollow.vocabulary import Kind

_FILE_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
FIGURES = (("budget", "Budget ack."), ("utfall", "Utfall ack."), ("avvikelse", "Avvikelse ack."),
           ("avvikelse_pct", "Avvikelse ack. %"))


@dataclass(frozen=True, slots=True)
class Target:
    """The row a form is for: förvaltning, view (stab, verksamhet or summa) and key, as the store keys it."""

    forvaltning: str
    vy: str
    nyckel: str
    namn: str


def _rows(store: Store, year: int, month: int, by: By, forvaltning: list[str] | None,
          unattributed: bool = False) -> pl.DataFrame:
    """The rows that get a form: each stab (verksamhet) and each förvaltning shown as one row, of the
    year itself (a row of last year's file alone, shown for its utfall, answers for nothing this year);
    with `unattributed` also each förvaltning's money without a stab (`Ej fördelat på stab`), which gets
    no form but a forecast and comment in the year file, and which its förvaltning's sums need as well."""
    frame = deviation_report(store, year, by, forvaltning, period=month)
    this_year = store.amounts.filter(pl.col("ar") == year)
    rows = this_year.filter(pl.col("vy") == by.value).select("forvaltning", pl.col("nyckel").alias("_key"))
    fids = this_year["forvaltning"].unique().implode()
    return frame.filter(
        ((pl.col("radtyp") == "rad") & pl.struct("forvaltning", by.value).is_in(
            rows.select(pl.struct("forvaltning", pl.col("_key").alias(by.value))).to_series().implode()))
        | (pl.col("radtyp").is_in(["forvaltning", "ej_fordelat"] if unattributed else ["forvaltning"])
           & pl.col("forvaltning").is_in(fids)))


def target_of(row: dict, by: By) -> Target:
    if row["radtyp"] == "forvaltning":
        return Target(row["forvaltning"], "summa", row["forvaltning"], row["namn"])
    if row["radtyp"] == "ej_fordelat":
        return Target(row["forvaltning"], f"ej_fordelat_{by.value}", row[by.value], row["namn"])
    return Target(row["forvaltning"], by.value, row[by.value], row["namn"])


def _period(store: Store, period: str) -> tuple[int, int]:
    year, month = parse_period(period)
    store.year(year)
    booked = last_month_complete(store, year)
    info = store.year(year)
    if booked is None and store.amounts.filter(pl.col("ar") == year)["utfall"].is_null().all():
        # January, nothing booked (tables of a header only, or a budget alone): the advice was 'use the year without
        # --period', which forms and status require, and December's forms were written with utfall – (found in
        # review, h148)
        raise UsageError(not_booked(year, month, info.utfall_filer, info.fil, forms=True))
    if booked is None and month != 12:  # (the same advice, of a year given whole: a round can follow up the year)
        raise UsageError(f"{info.fil} gives utfall for the whole year only; a forms round of {period} needs utfall per "
                         f"month (utfall: {{{year}-01: …}}, see README, or kfollow import), or follow up the whole "
                         f"year with --period {year}-12")
    if booked is not None and booked < month:  # (in deviation's words: found in review, h160)
        require_booked(store, year, month)
    return year, month


def digest(row: dict, year: int) -> str:
    """A digest of the figures an answer does not change (budget, utfall, the previous year's utfall,
    öre), so that `collect` can say when a form was answered on figures that have changed since."""
    prev = row.get(f"utfall_{year - 1}")
    text = "|".join(str(v) for v in (row["budget"], row["utfall"], prev))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def file_name(period: str, target: Target, duplicate: bool) -> str:
    """`2024-08 EKS Ekonomistaben.xlsx`: whose form it is, safe as a file name on every system."""
    key = f"{target.forvaltning} {target.nyckel}" if duplicate and target.vy != "summa" else target.nyckel
    name = _FILE_UNSAFE.sub("_", f"{period} {key} {target.namn}").strip().rstrip(".")
    return name[:120] + ".xlsx"


def _shared_keys(store: Store, year: int, month: int, by: By, rows: pl.DataFrame,
                 forvaltning: list[str] | None) -> set[str]:
    """The stab (or verksamhet) ids that more than one row of the year has, in every förvaltning and
    not only those chosen: their forms are named with the förvaltning too, whichever are chosen."""
    every = rows if not forvaltning else _rows(store, year, month, by, None)
    counts = Counter(target_of(r, by).nyckel for r in every.iter_rows(named=True))
    return {k for k, n in counts.items() if n > 1}


def forms(store: Store, period: str, by: By | str = By.stab, forvaltning: list[str] | None = None,
          unit: str = "mnkr", deadline: str | None = None, limit: Limits | None = None) -> tuple[list[Form], list[str]]:
    """One `Form` per row of the view for `period` (YYYY-MM), and the rows that get none, named as
    people know them (`Ekonomistab (EKO)`): the year file gives their forecast and comment already."""
    by = By(by)
    if by is By.forvaltning:
        raise UsageError("--by forvaltning: a form goes to each stab or verksamhet; use --by stab or --by verksamhet")
    year, month = _period(store, period)
    info = store.year(year)
    rows = _rows(store, year, month, by, forvaltning)
    beyond = set()
    if limit is not None:
        beyond = {(r["forvaltning"], r[by.value] if r["radtyp"] == "rad" else r["forvaltning"])
                  for r in rows_beyond(rows, limit).iter_rows(named=True)}
    parts = _parts(store, year, month, by, rows)
    prev = f"utfall_{year - 1}"
    shared = _shared_keys(store, year, month, by, rows, forvaltning)
    out, given = [], []
    for r in rows.iter_rows(named=True):
        target = target_of(r, by)
        fnamn = info.forvaltningar[target.forvaltning].namn
        who = (f"{target.namn} ({target.nyckel}), {fnamn}" if target.vy != "summa" else f"{fnamn} ({target.forvaltning})")
        lines = [f"Till: {who}", f"Period: {selection.MONTHS[0]}–{selection.MONTHS[month - 1]} {year} (ackumulerat)",
                 f"Belopp i {unit}"]
        if deadline:
            lines.append(f"Svara senast: {deadline}")
        columns = [*FIGURES]
        if prev in rows.columns:
            columns.append((prev, f"Utfall {year - 1} ack."))
        columns += [("budget_helar", "Budget helår"), ("prognos", "Senaste prognos helår"),
                    ("prognos_period", "Senaste prognos gjord")]
        frame = rows.filter((pl.col("forvaltning") == r["forvaltning"]) & (pl.col("radtyp") == r["radtyp"])
                            & (pl.col(by.value) == r[by.value]) if r["radtyp"] == "rad" else
                            (pl.col("forvaltning") == r["forvaltning"]) & (pl.col("radtyp") == "forvaltning"))
        exact = [c + EXACT for c, _ in columns if c + EXACT in frame.columns]  # what a percent is rounded from
        figures = Report(frame.select(*(c for c, _ in columns), *exact),
                         tuple(Column(c, _kind(c), h) for c, h in columns)
                         + tuple(Column(c, Kind.data, c, people=False, machine=False) for c in exact),
                         unit=unit, period=period)
        identity = {"format": FORMAT, "ar": str(year), "period": period, "forvaltning": target.forvaltning,
                    "vy": target.vy, "nyckel": target.nyckel, "namn": target.namn, "enhet": unit,
                    "siffror": digest(r, year)}
        required = None if limit is None else (target.forvaltning, target.nyckel) in beyond
        rule = {"kravs": required, "avvikelse": r["avvikelse"], "avvikelse_pct": r["avvikelse_pct"],
                "avvikelse_pct_exakt": r.get("avvikelse_pct" + EXACT),
                "gransen": [(p.ore, p.percent) for p in limit.parts] if limit is not None else [],
                "gransen_text": [p.said for p in limit.parts] if limit is not None else []}
        # the decimals that show a required comment's percent beyond the limit (-1,02 %, not -1,0 %)
        rule["decimaler"] = places_beyond(r["avvikelse_pct"], limit_percents(limit), rule["avvikelse_pct_exakt"]) \
            if required else 1
        typed = _typed(store, year, month, target)
        if typed == {"prognos", "kommentar"} and (target.forvaltning, target.nyckel) not in parts:
            given.append(who.removesuffix(f", {fnamn}"))
            continue  # nothing left to ask of this row
        out.append(Form(identity, f"Prognos och kommentar {period}", tuple(lines), figures,
                        parts.get((target.forvaltning, target.nyckel)), _reference(store, year, month, target),
                        file_name(period, target, target.nyckel in shared), unit,
                        {"kommentar": rule, "resultat": info.forvaltningar[target.forvaltning].redovisas_som == "resultat"},
                        frozenset(typed)))
    if not out and not rows.height:
        raise UsageError(f"no stab or förvaltning of {info.fil} to send a form to")
    return out, given  # (no form where the year file gives every row's forecast and comment: nothing left to ask)


def year_warnings_of(store: Store, period: str, forvaltning: list[str] | None = None,
                     forecasts: bool = True) -> tuple[str, ...]:
    """What `deviation --period` says on stderr of the year the forms ask about (a förvaltning with a budget and no
    utfall, an utfall table of no rows, …), of the förvaltningar the forms go to: `forms` wrote forms of such a year
    (utfall –, a forecast asked for) without a word of it (found in review, h154). `forecasts`: as `year_warnings`."""
    from kfollow.engine.consistency import year_warnings

    year, month = _period(store, period)
    return tuple(year_warnings(store, [year], month, fids=set(selection.forvaltningar(store, year, forvaltning)),
                               forecasts=forecasts))


def _kind(name: str) -> Kind:
    if name == "avvikelse_pct":
        return Kind.percent
    if name == "prognos_period":
        return Kind.month
    return Kind.money


def _typed(store: Store, year: int, month: int, target: Target) -> set[str]:
    """What the year file itself gives the row for the period: "prognos", "kommentar" (an answer
    collected from a form is not the year file's)."""
    key = (pl.col("ar") == year) & (pl.col("forvaltning") == target.forvaltning) & (pl.col("vy") == target.vy) \
        & (pl.col("nyckel") == target.nyckel) & (pl.col("manad") == month)
    answered = [a for a in store.year(year).svar if a.manad == month and (a.forvaltning, a.vy, a.nyckel) ==
                (target.forvaltning, target.vy, target.nyckel)]
    typed = set()
    if not store.forecasts.filter(key).is_empty() and not any(a.prognos is not None for a in answered):
        typed.add("prognos")
    if not store.comments.filter(key).is_empty() and not any(a.kommentar is not None for a in answered):
        typed.add("kommentar")
    return typed


def _reference(store: Store, year: int, month: int, target: Target) -> tuple[str, str] | None:
    """The period's comment where the year file gives it, else the latest comment held before the
    period (a month's), else the row's standing one."""
    key = (pl.col("ar") == year) & (pl.col("forvaltning") == target.forvaltning) & (pl.col("vy") == target.vy) \
        & (pl.col("nyckel") == target.nyckel)
    if "kommentar" in _typed(store, year, month, target):
        now = store.comments.filter(key & (pl.col("manad") == month))
        return f"Kommentar {year}-{month:02d} (i årsfilen)", now["kommentar"][0]
    earlier = store.comments.filter(key & (pl.col("manad") < month)).sort("manad")
    if earlier.height:
        last = earlier.row(-1, named=True)
        return f"Kommentar {year}-{last['manad']:02d}", last["kommentar"]
    standing = store.amounts.filter(key)["kommentar"].drop_nulls()
    return ("Kommentar för året", standing[0]) if standing.len() else None


def _parts(store: Store, year: int, month: int, by: By, rows: pl.DataFrame) -> dict[tuple[str, str], Report]:
    """Per (förvaltning, key): the row's kostnadsslag, where the förvaltning's facts have accounts."""
    from kfollow.engine.cuts import forvaltningar_with

    fids = [f for f in forvaltningar_with(store, year) if f in rows["forvaltning"].to_list()]
    if not fids:
        return {}
    frame = deviation_of(store, year, month, f"{by.value},kostnadsslag", fids).frame
    prev = f"utfall_{year - 1}"
    columns = [("namn", "Kostnadsslag", Kind.text), ("budget", "Budget ack.", Kind.money),
               ("utfall", "Utfall ack.", Kind.money), ("avvikelse", "Avvikelse ack.", Kind.money)]
    if prev in frame.columns:
        columns.append((prev, f"Utfall {year - 1} ack.", Kind.money))
    if "budget_helar" in frame.columns:  # what a forecast for the year is set against
        columns.append(("budget_helar", "Budget helår", Kind.money))
    out = {}
    # a part with nothing in the form's figures (a kostnadsslag budgeted only after the period) is no row of it
    money = [c for c, _, kind in columns if kind is Kind.money and c != "budget_helar"]
    parts = frame.filter(pl.col("radtyp").is_in(["del", "del_ej_fordelat"])
                         & pl.any_horizontal(pl.col(c).fill_null(0) != 0 for c in money))
    for (fid, key), group in parts.group_by("forvaltning", by.value, maintain_order=True):
        cols = tuple(Column(c, k, h) for c, h, k in columns) + (Column("kostnadsslag", Kind.text, "Id", people=False),)
        out[(fid, key)] = Report(group.select(*(c for c, _, _ in columns), "kostnadsslag"), cols)
    return out


# --- collecting ----------------------------------------------------------------------------------

class Mismatch(KfollowError):
    """A form's identity does not match the year: `key` is the identity key at fault."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def match(store: Store, identity: dict[str, str]) -> tuple[Target, str | None, tuple[str, ...]]:
    """The row a collected form answers, checked against the year, and a warning when its figures
    changed since the form was made; UsageError naming the identity key that does not match (the
    reader turns it into file, sheet and cell). Returns (target, warning, kostnadsslag ids)."""
    year, month = int(identity["ar"]), int(identity["period"][5:7])
    if year not in store.years:
        have = ", ".join(str(y) for y in sorted(store.years))
        raise Mismatch("ar", f"the form is for {year}, and {store.directory} has no year file for it (years: {have}); "
                             "collect it into the budgets folder its forms were made from (--budgets)")
    info = store.years[year]
    fid, vy, key = identity["forvaltning"], identity["vy"], identity["nyckel"]
    if fid not in info.forvaltningar:
        raise Mismatch("forvaltning", f"förvaltning {fid} is not in {info.fil}; collect the form into the budgets folder "
                                      "its forms were made from (--budgets)")
    if vy not in ("stab", "verksamhet", "summa"):
        raise Mismatch("vy", f"'{vy}' is not a view of a form")
    by = By.verksamhet if vy == "verksamhet" else By.stab
    try:
        rows = _rows(store, year, month, by, [fid])
    except UsageError as err:
        raise Mismatch("period", err.message) from None
    wanted = "forvaltning" if vy == "summa" else "rad"
    found = rows.filter((pl.col("radtyp") == wanted) & (pl.col(by.value if vy != "summa" else "forvaltning") == key))
    if found.is_empty():
        raise Mismatch("nyckel", f"{vy} {key} of förvaltning {fid} is not a row of {info.fil} that gets a form")
    row = found.row(0, named=True)
    warning = None
    if digest(row, year) != identity["siffror"]:
        warning = (f"the figures of {row['namn']} {identity['period']} have changed since the form was made "
                   "(budget, utfall or the previous year's utfall); its answer is read as given")
    parts = _parts(store, year, month, by, found)
    ids = tuple(parts[(fid, key)].frame["kostnadsslag"].drop_nulls().to_list()) if (fid, key) in parts else ()
    return Target(fid, vy, key, row["namn"]), warning, ids


_CONTROL = re.compile(control_class())


class Wrong(DataError):
    """Workbooks that `collect` cannot take, each with its error (file, sheet, cell); nothing is
    written. The message is the last one's: the ones before it are `errors[:-1]`."""

    def __init__(self, errors: list[DataError]):
        last = errors[-1]
        super().__init__(last.path, last.line, last.column, last.problem)
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Collected:
    """What `collect` read: the answers files to write (path → text; a file whose text is what the
    folder already holds is left out) and messages for the person collecting."""

    files: dict[str, str]
    messages: tuple[str, ...]
    answers: tuple[Answer, ...]


def _at_workbook(err, text: str, year: int, target, found: dict):
    """An error in the answers file being made (not written: its lines are nowhere to look at), told at
    the workbook whose answer it is, when one is: `eko.xlsx: the kommentar 2024-10 of stab EKO is both
    this form's answer and written in 2024.yaml:57; …`."""

    from kfollow.sources import answers as ans

    if err.path != str(target) or err.line is None:
        return err
    answer = next((a for a in ans.parse_answers(text.encode(), str(target), year) if a.rad == err.line), None)
    path = next((p for a, p in found.values() if answer is not None and a.arbetsbok == answer.arbetsbok
                 and Path(p).name == answer.arbetsbok), None)
    if path is None:  # an answer collected before: its file exists, and says where
        return err
    from kfollow.errors import shown

    # the workbook's name as the message writes it (it may hold parentheses: "(internt prissatt)")
    problem = err.problem.replace(f"an answer here (from {shown(answer.arbetsbok)})", "this form's answer")
    from kfollow.sources.year_file import AGAIN

    return DataError(str(path), None, None, problem.replace(f"or {AGAIN}", "or leave the form's cell empty"))


def _sizes_of(loaded, month: int, found: dict, units: dict) -> list[str]:
    """Warnings for the forecasts just collected that are 100 times their row's budget or a hundredth
    of it (a figure typed in tkr into a form in mnkr), at the workbook they came from, as `check`
    will say them."""
    from kfollow.engine.consistency import (SIGN_EN, SIGN_RESULTAT_EN, ZERO_EN, _forecast_sizes, _times,
                                            forecast_paces, unit_hint)
    from kfollow.store import combine

    store = combine(str(Path(loaded.info.fil).parent), [loaded])
    out = []
    for r in _forecast_sizes(store, loaded.info.ar):
        key = (r["forvaltning"], r["vy"], r["nyckel"])
        if r["manad"] == month and key in found and r["tecken"]:
            resultat = loaded.info.forvaltningar[r["forvaltning"]].redovisas_som == "resultat"
            out.append(f"warning: {found[key][1]}: the forecast has the opposite sign of the row's budget for the year; "
                       f"{SIGN_RESULTAT_EN if resultat else SIGN_EN} (kfollow check shows the amounts)")
        elif r["manad"] == month and key in found and not r["ratio"]:
            out.append(f"warning: {found[key][1]}: the forecast is 0 and the row's budget for the year is not; "
                       f"{ZERO_EN} (kfollow check shows the amounts)")
        elif r["manad"] == month and key in found:
            hint = unit_hint(r["ratio"], units[key], swedish=False)
            out.append(f"warning: {found[key][1]}: the forecast is {_times(r['ratio'])} the row's "
                       f"{'gross ' if r['brutto'] else ''}budget for the year; typed in {hint or 'another unit'}? "
                       "(kfollow check shows the amounts)")
    # (and one out of pace with the months booked: SERV's deficit of 2 mnkr typed 2,0 went through every command
    # unsaid; found by a new user, h165)
    for r in forecast_paces(store, loaded.info.ar):
        key = (r["forvaltning"], r["vy"], r["nyckel"])
        if r["manad"] == month and key in found:
            out.append(f"warning: {found[key][1]}: {pace_text(r, loaded.info, units[key])} (kfollow check shows the "
                       "amounts)")
    return out


def pace_text(r: dict, info, unit: str) -> str:
    """What is doubtful of a forecast of `consistency.forecast_paces` (`r`), in English, its amounts in `unit` as the
    förvaltning presents them (`info`: the year file)."""
    from kfollow.engine.consistency import pace_sign_text

    resultat = info.forvaltningar[r["forvaltning"]].redovisas_som == "resultat"
    sign = -1 if resultat else 1
    left = "the month left" if r["kvar"] == 1 else f"the {r['kvar']} months left"
    ratio = f"{r['ratio']:.1f}".replace(".", ",")
    return (f"the forecast {_in(sign * r['prognos'], unit)} would take {_in(sign * r['rest'], unit)} in {left} after "
            f"the utfall up to {info.ar}-{r['bokford']:02d}, {_in(sign * r['utfall'], unit)}: {ratio} times the "
            f"largest month so far ({_in(r['storsta'], unit)}){'' if r['kvar'] == 1 else ' each month'}"
            + (f", with the opposite sign of both the utfall so far and the previous forecast "
               f"({_in(sign * r['tidigare'], unit)})" if r["tecken"] else "")
            + f"; {pace_sign_text(resultat, swedish=False)}: are its sign and amount right?")


def _part_signs(loaded, month: int, found: dict, units: dict) -> list[str]:
    """Warnings for forecasts per kostnadsslag just collected whose sign is the opposite of the part's
    budget for the year (income typed positive, where the form shows it negative), or that are 100
    times it or a hundredth of it (typed in another unit, as a row's forecast is warned of), at the
    workbook."""
    from kfollow.store import combine

    wanted = {(a.forvaltning, a.vy, a.nyckel): a for a, _ in found.values()
              if any(p is not None for _, p, _ in a.delar)}
    if not wanted:
        return []
    store = combine(str(Path(loaded.info.fil).parent), [loaded])
    year = loaded.info.ar
    with_accounts = set(store.ledger.present().filter(pl.col("ar") == year)["forvaltning"].to_list())
    for (fid, vy, key), answer in wanted.items():  # a form of budgets with accounts, collected into budgets without
        if fid not in with_accounts:
            raise DataError(str(found[(fid, vy, key)][1]), None, None,
                            f"the form gives forecasts per kostnadsslag, and förvaltning {fid} of {loaded.info.fil} has "
                            "no accounts (no fact tables); collect it into the budgets it was sent from (--budgets)")
    return [f"warning: {found[k][1]}: {problem}" for k, problem in _part_problems(store, year, month, wanted, units)]


def _part_problems(store: Store, year: int, month: int, wanted: dict, units: dict,
                   swedish: bool = False) -> list[tuple[tuple, str]]:
    """(row, problem) for each forecast per kostnadsslag of the answers `wanted` (row → Answer, of one
    month) whose sign is the opposite of its part's budget for the year, or that is 100 times it or a
    hundredth of it (`operations.part_forecast_doubts`); the amounts in `units` (row → the form's unit). In Swedish
    for `check`, the problem is a finding's template whose `{0:d}` and `{1:d}` are the forecast and the budget (öre,
    the second item's amounts): check writes them as its other findings' amounts are, in kr where one has three
    decimals in the file's unit (`-173 333,334 tkr` stood there; found by a new user, h96)."""
    from kfollow.engine.consistency import _times, unit_hint
    from kfollow.engine.findings import literal

    out = []
    for d in part_forecast_doubts(store, year, month, wanted):
        fid, vy, key = d["rad"]
        name, prognos, planned = d["namn"], d["prognos"], d["budget"]
        unit = units[d["rad"]]
        given, budgeted = _in(prognos, unit), _in(planned, unit)
        # whose forecast, in check's words (an answers file holds many; found by a new user)
        whose = f"{fid} {'summa' if vy == 'summa' else f'{vy} {key}'} {year}-{month:02d}: " if swedish else ""
        if d["tecken"]:
            out.append((d["rad"], (
                literal(f"{whose}prognosen för {name} ") + "{0:d} har motsatt tecken mot dess budget för året "
                "{1:d}; skriv den med det tecken som formuläret visar budgeten med", (prognos, planned)) if swedish else (
                f"the forecast of {name} ({given}) has the opposite sign of its budget for the year "
                f"({budgeted}); type it with the sign the form shows the budget with")))
            continue
        ratio = d["ratio"]
        # (the form's unit is known at collect; an answers file keeps kr, so check cannot name it)
        hint = None if swedish else unit_hint(ratio, unit, swedish=False)
        times = _times(ratio).replace("times", "gånger").replace(" of", " av") if swedish else _times(ratio)
        out.append((d["rad"], (
            literal(f"{whose}prognosen för {name} ") + "{0:d}" + literal(f" är {times} dess budget för året ")
            + "{1:d}; skriven i en annan enhet än formulärets?", (prognos, planned)) if swedish else (
            f"the forecast of {name} ({given}) is {times} its budget for the year ({budgeted}); typed in "
            f"{hint or 'another unit'}?")))
    return out


def part_forecast_warnings(store: Store, year: int | None = None) -> list[tuple[str, int, str, tuple, str]]:
    """(answers file, line, problem, amounts, unit) for each collected forecast per kostnadsslag of `year` (every
    year) whose sign or size is off against its part's budget, as `collect` warned when it read it: for `check`,
    which said nothing of them after (found trying the forms round). The problem is a finding's template of the
    amounts (öre: the forecast, the budget), in the year file's unit."""
    out = []
    for y in sorted(store.years) if year is None else [year]:
        with_accounts = set(store.ledger.forvaltningar(y))
        answers = [a for a in store.years[y].svar if a.forvaltning in with_accounts
                   and any(p is not None for _, p, _ in a.delar)]
        for month in sorted({a.manad for a in answers}):
            wanted = {(a.forvaltning, a.vy, a.nyckel): a for a in answers if a.manad == month}
            unit = store.years[y].enhet if store.years[y].enhet in ORE_PER_UNIT else "kr"
            try:
                problems = _part_problems(store, y, month, wanted, {k: unit for k in wanted}, swedish=True)
            except KfollowError:  # (the utfall does not reach the answers' month: no parts to weigh them against;
                continue  # check's own findings say what is missing, and check must not stop at it: found in review)
            for k, (problem, amounts) in problems:
                out.append((wanted[k].fil, wanted[k].rad, problem, amounts, unit))
    return out


def _in(ore: int, unit: str) -> str:
    """`-1 300 tkr`: an amount in the form's unit, exact, for a message."""
    return in_unit(ore, unit, rounded=False)


def _amount(ore: int | None) -> str:
    """`21 380 500,00 kr`: exact, for a message."""
    if ore is None:
        return "–"
    whole = f"{abs(ore) // 100:,}".replace(",", " ")
    return f"{'-' if ore < 0 else ''}{whole},{abs(ore) % 100:02d} kr"


def _older(answer: Answer, before: Answer) -> bool:
    """Whether `answer`'s workbook was saved before `before`'s (both say when; same format, UTC). A time
    in the future says nothing (an answer collected so before kfollow doubted it, or written by hand)."""
    return (answer.sparad is not None and before.sparad is not None and not _in_the_future(before.sparad)
            and answer.sparad < before.sparad)


def _moment(sparad: str | None) -> str:
    """`2024-10-05 14:03 UTC` for a message."""
    return f"{sparad[:10]} {sparad[11:19]} UTC" if sparad else "–"


def _in_the_future(sparad: str) -> bool:
    """Whether a saved time (`2024-11-05T16:00:00Z`, UTC) is later than the clock says now, by more than
    a day (a computer's clock a little ahead, or a local time written as UTC, is no reason to doubt it)."""
    import datetime

    now = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    return sparad > now.strftime("%Y-%m-%dT%H:%M:%SZ")


def _same(a: Answer, b: Answer) -> bool:
    return (a.prognos, a.kommentar, a.delar, a.arbetsbok) == (b.prognos, b.kommentar, b.delar, b.arbetsbok)


def _lost_comment(kept: str, row: str, dropped: Answer, answer: Answer, slag: dict[str, str]) -> str | None:
    """A warning when `answer` (of workbook `kept`) takes the place of `dropped` for `row` (its name and period, as
    people say it) without the forecast or the comment (or a kostnadsslag's) `dropped` had: the answer is the
    workbook, so it is not kept, but the controller hears of it now, not from `status` later (found by a new
    user: a form sent again with the forecast alone said only "replaces … (kommentar)"; and one sent again with
    the forecast deleted, which is seldom meant as withdrawing it, only "(prognos … → –)"). A figure or comment
    changed is the budget holder's new word. A kostnadsslag is named as the form names it (`slag`: id → name)."""
    lost: list[tuple[str, str]] = []  # (forecast | comment, what was said)

    def gone(before_p, now_p, before_c, now_c, who: str) -> None:
        if before_p is not None and now_p is None:
            lost.append(("forecast", f"{who}prognos {_amount(before_p)}"))
        if before_c is not None and now_c is None:
            lost.append(("comment", f"{who}kommentar {_gist(before_c)}"))

    gone(dropped.prognos, answer.prognos, dropped.kommentar, answer.kommentar, "")
    now = {k: (p, c) for k, p, c in answer.delar}
    for k, p, c in dropped.delar:
        gone(p, now.get(k, (None, None))[0], c, now.get(k, (None, None))[1], f"{slag.get(k, k)}: ")
    if not lost:
        return None
    one = len(lost) == 1
    kinds = [kind for kind in ("forecast", "comment") if any(k == kind for k, _ in lost)]
    what = " and the ".join(f"{kind}{'' if sum(k == kind for k, _ in lost) == 1 else 's'}" for kind in kinds)
    return (f"warning: {kept}: the answer kept for {row} lacks the {what} of the one from "
            f"{dropped.arbetsbok}, which {'is' if one else 'are'} lost: {'; '.join(t for _, t in lost)}; ask the budget "
            f"holder whether {'it still holds' if one else 'they still hold'}, and if so to send the form again with "
            f"{'it' if one else 'them'}")


def _slag_names(store: Store, year: int) -> dict[str, str]:
    """The year's kostnadsslag: id → name, as a form heads its rows (`personal` → `Personalkostnader`)."""
    return {k.id: k.namn for k in store.years[year].kostnadsslag}


def _gist(text: str, limit: int = 80) -> str:
    """A comment quoted on one line of a message: its line breaks as spaces, cut after `limit` characters."""
    flat = " ".join(text.split())
    return f'"{flat if len(flat) <= limit else flat[:limit].rstrip() + "…"}"'


def collect(store: Store, paths: list[str], now: str) -> Collected:
    """Read answered forms, check each against the year, and make the answers files of their periods:
    an answer replaces an older one for the same row unless it says the same (then the file keeps the
    older one, so collecting a workbook twice changes nothing). `now` is when they were read. Every
    workbook is read and every answers file checked as the year's loading will read it before any
    is written: a DataError (file, sheet, cell) leaves nothing written."""

    from kfollow.sources import answers as ans
    from kfollow.sources.files import megabytes
    from kfollow.sources.year_file import load_year_file

    new: dict[tuple[int, int], dict[tuple[str, str, str], tuple[Answer, str]]] = {}
    # each row read, as people name it: `HR-stab 2024-10`, not `stab/HR` (found by a new user)
    names: dict[tuple[int, int, tuple[str, str, str]], str] = {}
    units: dict[tuple[int, int, tuple[str, str, str]], str] = {}  # the unit of the form each kept answer was typed into
    messages = []
    import os

    # a workbook named twice (overlapping globs) is read once: it cannot answer a row "as itself does"
    paths = list({os.path.realpath(p): p for p in reversed(paths)}.values())[::-1]
    def read(path: str) -> None:  # one workbook into `new` (its errors raised)
        if bad := _CONTROL.search(Path(path).name):  # the name goes into the answers file, as text people read
            raise DataError(path, None, None, f"the workbook's name has {control_kind(bad[0])}; "
                                              "rename the file without it")
        filled = ans.read_workbook(path)
        if filled.sparad is not None and _in_the_future(filled.sparad):  # it would outrank every later answer
            messages.append(f"warning: {path}: the workbook says it was saved {_moment(filled.sparad)}, later than "
                            "now; taken as not saying when it was saved (check the clock of the computer that saved it)")
            filled.sparad = None
        try:
            target, warning, ids = match(store, filled.identity)
        except Mismatch as err:
            raise filled.error(err.key, err.message) from None
        if warning:
            messages.append(f"warning: {path}: {warning}")
        delar = tuple(sorted((k, p, c) for k, (p, c) in filled.delar.items() if p is not None or c is not None))
        if ids and (unknown := [k for k, _, _ in delar if k not in ids]):  # kept, it would be shown nowhere
            # (no ids at all: the förvaltning has no accounts, which the answers file's check names)
            raise DataError(path, None, None, f"the form answers kostnadsslag '{unknown[0]}', which {target.namn} "
                            f"has no row for in {filled.identity['period']} (it has: {', '.join(ids)}); take a fresh "
                            "form (kfollow forms) and answer that")
        if filled.prognos is None and filled.kommentar is None and not delar:
            messages.append(f"{path}: the form is not answered yet (its input cells are empty, or hold a dash or spaces "
                            "alone, which say nothing); skipped")
            return
        year, month = int(filled.identity["ar"]), int(filled.identity["period"][5:7])
        answer = Answer(month, target.forvaltning, target.vy, target.nyckel, filled.prognos, filled.kommentar,
                        Path(path).name, now, delar, sparad=filled.sparad)
        key = (target.forvaltning, target.vy, target.nyckel)
        names[year, month, key] = f"{target.namn} {filled.identity['period']}"
        found = new.setdefault((year, month), {})
        if key in found:
            other, other_path = found[key]
            if (answer.prognos, answer.kommentar, answer.delar) == (other.prognos, other.kommentar, other.delar):
                # the same answers (a workbook saved twice, or downloaded twice from a mail): nothing to choose
                messages.append(f"{path}: the same answers for {target.namn} {filled.identity['period']} as "
                                f"{other_path}; counted once")
                return
            if answer.sparad and other.sparad and answer.sparad != other.sparad:  # the one saved last is the answer
                newer, older = ((answer, path), (other, other_path)) if answer.sparad > other.sparad else \
                    ((other, other_path), (answer, path))
                messages.append(f"warning: {older[1]}: saved {_moment(older[0].sparad)}, before {newer[1]} (saved "
                                f"{_moment(newer[0].sparad)}), which answers {target.namn} {filled.identity['period']} "
                                "too; kept that newer answer")
                if lost := _lost_comment(newer[1], names[year, month, key], older[0], newer[0], _slag_names(store, year)):
                    messages.append(lost)
                found[key] = newer
                if newer[0] is answer:
                    units[year, month, key] = filled.identity["enhet"]
                return
            raise ans.cell_error(path, ans.ID_SHEET, filled.where["nyckel"], f"answers {target.namn} "
                                 f"{filled.identity['period']} as {other_path} does, and one of them does not say when "
                                 "it was saved (or both say the same time); collect one of them")
        found[key] = (answer, path)
        units[year, month, key] = filled.identity["enhet"]

    wrong: list[DataError] = []  # every workbook is read: all that are wrong are said at once
    for path in paths:
        try:
            read(path)
        except DataError as err:
            wrong.append(err)
    if wrong:
        raise Wrong(wrong)
    files, answers = {}, []
    latest = {y: max(m for yy, m in new if yy == y) for y, _ in new}  # (per year: December's round beside January's)
    for (year, month), found in sorted(new.items()):
        # (last month's form returned in this month's round: found by a new user; a round for an earlier month,
        # a delårsrapport's, is collected on its own without a word: found in review)
        if month != latest[year]:
            for answer, path in found.values():
                messages.append(f"warning: {path}: the form is for {year}-{month:02d}, and the others collected now "
                                f"are for {year}-{latest[year]:02d}; collected as {year}-{month:02d}'s answer (is it "
                                "an earlier month's form? send this month's)")
        info = store.years[year]
        slag = _slag_names(store, year)
        existing = {(a.forvaltning, a.vy, a.nyckel): a for a in info.svar if a.manad == month}
        stale = []  # answers of workbooks saved before the answer collected for their row
        for key, (answer, path) in found.items():
            if key not in existing or not _same(existing[key], answer):
                before = existing.get(key)
                if before is not None and _older(answer, before):  # a workbook saved before the one collected
                    messages.append(f"warning: {path}: saved {_moment(answer.sparad)}, before {before.arbetsbok} "
                                    f"(saved {_moment(before.sparad)}) whose answer for {names[year, month, key]} was "
                                    f"collected {before.inlast}; kept that newer answer")
                    if lost := _lost_comment(before.arbetsbok, names[year, month, key], answer, before, slag):
                        messages.append(lost)
                    stale.append(key)
                    continue
                if before is not None:  # said, not done silently: a workbook that does not say when it was saved wins too
                    what = ", ".join(x for x, changed in (
                        (f"prognos {_amount(before.prognos)} → {_amount(answer.prognos)}", before.prognos != answer.prognos),
                        ("kommentar", before.kommentar != answer.kommentar), ("kostnadsslag", before.delar != answer.delar))
                        if changed) or "arbetsbok"
                    future = before.sparad is not None and _in_the_future(before.sparad)
                    known = answer.sparad is not None and before.sparad is not None and not future
                    messages.append(f"{path}: replaces the answer for {names[year, month, key]} collected {before.inlast} "
                                    f"from {before.arbetsbok} ({what})" + (
                                        f"; that one says it was saved {_moment(before.sparad)}, later than now, which "
                                        "says nothing" if future else
                                        f"; saved {_moment(answer.sparad)}, after it" if known and answer.sparad != before.sparad
                                        else f"; saved at the same time as it ({_moment(answer.sparad)}): the one "
                                        "collected last wins" if known else
                                        "; collect the newest workbook last (one of them does not say when it was saved)"))
                    if lost := _lost_comment(path, names[year, month, key], before, answer, slag):
                        messages.append(lost)
                existing[key] = answer
        for key in stale:
            del found[key]
        text = ans.dump(year, month, list(existing.values()))
        period = f"{year}-{month:02d}"
        target = Path(info.fil).parent / "svar" / f"{period}.yaml"
        if len(text.encode()) > ans.ANSWERS_LIMIT:  # never a file that the loading would refuse
            longest = max(found.values(), key=lambda f: len(f[0].kommentar or "") + sum(len(c or "") for *_, c in f[0].delar))
            raise DataError(str(target), None, None, f"the answers of {period} would be "
                            f"{megabytes(len(text.encode()), over=ans.ANSWERS_LIMIT)}, over the limit of {megabytes(ans.ANSWERS_LIMIT)} "
                            f"that kfollow reads; nothing written: shorten the longest comments (e.g. in {longest[1]})")
        try:
            loaded = load_year_file(Path(info.fil), answers={period: text.encode()})  # as the loading will read it
        except DataError as err:
            raise _at_workbook(err, text, year, target, found) from None
        messages += _sizes_of(loaded, month, found, {k: units[year, month, k] for k in found})
        messages += _part_signs(loaded, month, found, {k: units[year, month, k] for k in found})
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            files[str(target)] = text
        answers += [a for a, _ in found.values()]
        messages.append(f"{len(found)} answer(s) for {period} → {target}" + ("" if str(target) in files else
                                                                                   " (unchanged)"))
    return Collected(files, tuple(messages), tuple(answers))


# --- status --------------------------------------------------------------------------------------

STATUS_COLUMNS = (  # keyed as `deviation` keys its rows: radtyp says a stab's row from a förvaltning's own
    ("radtyp", Kind.text, "Radtyp", False), ("forvaltning", Kind.text, "Förvaltning", False), ("nyckel", Kind.text, "Nyckel", False),
    ("namn", Kind.text, "Namn", True), ("formular", Kind.text, "Formulär skickat", True),
    ("besvarad", Kind.text, "Besvarat", True), ("prognos", Kind.money, "Prognos helår", True),
    ("avvikelse", Kind.money, "Avvikelse ack.", True), ("kommentar_kravs", Kind.text, "Kommentar krävs", True),
    ("kommentar_finns", Kind.text, "Kommentar finns", True), ("saknas", Kind.text, "Saknas", True),
    ("granska", Kind.text, "Granska", False), ("granska_text", Kind.text, "Granska", True),
    ("granska_plats", Kind.data, "", False),  # where that forecast is written (`file:line`), for the line on stderr
    ("granska_vad", Kind.data, "", False),  # which forecast: `prognosen`, or a kostnadsslag's (`prognosen för Intäkter`)
    ("granska_om", Kind.data, "", False),  # what is doubted of it, for that line
)
# what the table for people says of such a forecast, in the column csv and json have its kod in (found in review:
# the terminal showed `prognos_storlek` to a controller)
DOUBTS_SHORT = {"prognos_storlek": "annan enhet?", "prognos_tecken": "fel tecken?", "prognos_noll": "prognos 0"}
# the doubts of a forecast that `status` shows and does not hold the close back on (a likelihood, not a slip for sure)
PACED = frozenset({"prognos_takt"})
# a forecast per kostnadsslag (check's kod `prognos_kostnadsslag`): of the opposite sign to its part's budget for the
# year, or in another unit; the table names the part (`Intäkter: fel tecken?`)
PART_DOUBTS = {True: ("fel tecken?", "motsatt tecken mot dess budget för året, ett minustecken för mycket eller ett "
                                     "som saknas?"),
               False: ("annan enhet?", "minst 100 gånger dess budget för året eller högst en hundradel av den, skriven "
                                       "i en annan enhet?")}
# what `granska` says of a forecast check warns of (its kod), for the line status writes on stderr
DOUBTS = {
    "prognos_storlek": "minst 100 gånger budgeten för året eller högst en hundradel av den, skriven i en annan enhet?",
    "prognos_tecken": "motsatt tecken mot budgeten för året, ett minustecken för mycket eller ett som saknas?",
    "prognos_noll": "0 där budgeten för året inte är det; en prognos är årets hela utfall: för ingen avvikelse, skriv "
                    "budgeten",
}


def pace_doubt(r: dict, resultat: bool) -> str:
    """What `status` says is doubtful of a forecast of `consistency.forecast_paces` (`r`), after its kod."""
    from kfollow.engine.consistency import pace_sign_text

    ratio = f"{r['ratio']:.1f}".replace(".", ",")
    left = "den månad som återstår" if r["kvar"] == 1 else f"var och en av de {r['kvar']} månader som återstår"
    return (f"resten av året skulle kräva {ratio} gånger den största månaden hittills i {left}"
            + (", och den har motsatt tecken mot både utfallet hittills och den förra prognosen" if r["tecken"] else "")
            + f"; {pace_sign_text(resultat)}")


def status(store: Store, period: str, by: By | str = By.stab, forvaltning: list[str] | None = None,
           limit: Limits | None = None, sent: set[str] | None = None, unit: str = "mnkr") -> Report:
    """Per row that gets a form: whether its form was sent (`sent`: the file names in the forms
    folder; None: not known), answered (collected), the period's forecast (required of every row),
    and whether a comment is required (beyond `limit`) and given. `saknas` names what is missing,
    `granska` a forecast that check warns of as mistyped (its kod: `DOUBTS`), which is no answer to
    close the month on either."""
    from kfollow.engine.consistency import doubted_forecasts, forecast_paces, forecast_size_warnings

    by = By(by)
    year, month = _period(store, period)
    # (the money without a stab too: its förvaltning's forecast is unknown without one, and check requires its
    # comment; status passed while check failed, found by a new user)
    rows = _rows(store, year, month, by, forvaltning, unattributed=True)
    beyond = set()
    if limit is not None:
        beyond = {(r["forvaltning"], r["radtyp"], r[by.value]) for r in rows_beyond(rows, limit).iter_rows(named=True)}
    info = store.year(year)
    answered = {(a.forvaltning, a.vy, a.nyckel) for a in info.svar if a.manad == month}
    forecasts = store.forecasts.filter((pl.col("ar") == year) & (pl.col("manad") == month))
    given = {(f, v, k): p for f, v, k, p in forecasts.select("forvaltning", "vy", "nyckel", "prognos").iter_rows()}
    # (a forecast in another unit went into the nämnd's report with a warning only: found closing a tertial)
    doubted = doubted_forecasts(store, year, month)
    # (and a forecast out of pace with the months booked, of a sign or size no month so far comes near: shown to look
    # at, not held back on, since a year's end may be unlike its months; found by a new user, h165)
    paced = {(r["forvaltning"], r["vy"], r["nyckel"]): r for r in forecast_paces(store, year) if r["manad"] == month}
    # (and a forecast per kostnadsslag of the wrong sign: check warned, status passed, and the nämnd's tables showed
    # Intäkter 166 000 against a budget of -173 333; found by a new user, h96)
    parts_doubted: dict[tuple, list[tuple]] = {}
    for answer, _, d in part_forecasts_doubted(store, year, month=month, fids=forvaltning or None):
        parts_doubted.setdefault(d["rad"], []).append((d, f"{answer.fil}:{answer.rad}"))
    shared = _shared_keys(store, year, month, by, rows, forvaltning)
    # (a row answered without a comment whose comment of the month is the year file's: `i årsfilen`, as `besvarad`
    # says of a forecast; it said `ja`, as if the budget holder had written it; found in review, h157)
    typed_comments = comments_of_the_year_file(store, year, month)
    parts: dict | None = None

    def asked(t: Target) -> bool:  # whether `forms` sends the row a form (not when nothing is left to ask)
        nonlocal parts
        if t.vy.startswith("ej_fordelat"):  # its answers go into the year file
            return False
        if _typed(store, year, month, t) != {"prognos", "kommentar"}:
            return True
        if parts is None:
            parts = _parts(store, year, month, by, rows)
        return (t.forvaltning, t.nyckel) in parts

    out = []
    said = set()  # the rows' forecasts to look at (Granska)
    for r in rows.iter_rows(named=True):
        t = target_of(r, by)
        sign = -1 if info.forvaltningar[t.forvaltning].redovisas_som == "resultat" else 1
        prognos = given.get((t.forvaltning, t.vy, t.nyckel))
        needs = (r["forvaltning"], r["radtyp"], r[by.value]) in beyond
        has_comment = r["kommentar"] is not None
        missing = [w for w, gap in (("prognos", prognos is None), ("kommentar", needs and not has_comment)) if gap]
        name = file_name(period, t, t.nyckel in shared)
        doubt = doubted.get((t.forvaltning, t.vy, t.nyckel))
        if doubt:
            said.add((t.forvaltning, t.vy, t.nyckel))
            doubt = (*doubt, "prognosen", DOUBTS[doubt[0]], DOUBTS_SHORT[doubt[0]])
        elif paced_row := paced.get((t.forvaltning, t.vy, t.nyckel)):
            said.add((t.forvaltning, t.vy, t.nyckel))
            doubt = ("prognos_takt", paced_row["fil"] if paced_row["rad"] is None else
                     f"{paced_row['fil']}:{paced_row['rad']}", "prognosen", pace_doubt(paced_row, sign < 0), "orimlig?")
        elif part := parts_doubted.get((t.forvaltning, t.vy, t.nyckel)):  # (the row's own first: it is in every sum)
            names = [d["namn"] for d, _ in part]
            doubt = ("prognos_kostnadsslag", part[0][1],
                     f"prognos{'erna' if len(names) > 1 else 'en'} för {', '.join(names)}",
                     "; ".join(f"{d['namn']}: {PART_DOUBTS[d['tecken']][1]}" if len(part) > 1
                               else PART_DOUBTS[d["tecken"]][1] for d, _ in part),
                     f"{names[0]}: {PART_DOUBTS[part[0][0]['tecken']][0]}" + (" …" if len(part) > 1 else ""))
        out.append({"radtyp": r["radtyp"], "forvaltning": t.forvaltning, "nyckel": t.nyckel, "namn": t.namn,
                    "formular": None if sent is None else "årsfilen" if t.vy.startswith("ej_fordelat")
                    else "behövs inte" if not asked(t) else "ja" if name in sent else "nej",
                    # a forecast typed in the year file is no form's answer, and no answer missing either (found in
                    # review: 'nej' of every row whose forecast the controller wrote in the year file)
                    "besvarad": "ja" if (t.forvaltning, t.vy, t.nyckel) in answered
                    else "i årsfilen" if prognos is not None else "nej",
                    "prognos": None if prognos is None else sign * prognos, "avvikelse": r["avvikelse"],
                    "kommentar_kravs": ("ja" if needs else "nej") if limit is not None else None,
                    "kommentar_finns": "nej" if not has_comment else "i årsfilen"
                    if (t.forvaltning, t.vy, t.nyckel) in typed_comments else "ja",
                    "saknas": ", ".join(missing) or None,
                    "granska": doubt[0] if doubt else None,
                    "granska_text": doubt[4] if doubt else None,
                    "granska_plats": doubt[1] if doubt else None, "granska_vad": doubt[2] if doubt else None,
                    "granska_om": doubt[3] if doubt else None})
    schema = {c: (pl.Int64 if k is Kind.money else pl.String) for c, k, _, _ in STATUS_COLUMNS}
    frame = pl.DataFrame(out, schema=schema, orient="row").rename({"nyckel": by.value})
    label = {"stab": "Stab", "verksamhet": "Verksamhet"}[by.value]
    # people see whose row it is where two förvaltningar share a stab id
    shared = frame.group_by(by.value).agg(pl.col("forvaltning").n_unique().alias("n"))["n"].max() or 0
    # (and where two förvaltningar have money without a stab: two rows "Ej fördelat på stab", found in review)
    shared = max(shared, frame.filter(pl.col("radtyp") == "ej_fordelat")["forvaltning"].n_unique())
    # and wherever the staber (verksamheter) of several förvaltningar are listed: a flat list of three
    # förvaltningars staber said nothing of whose each was (found closing a tertial); a förvaltning shown as one
    # row is named by its own name
    shared = max(shared, frame.filter(pl.col("radtyp") != "forvaltning")["forvaltning"].n_unique())
    shown = {"forvaltning": shared > 1, "granska_text": frame["granska"].is_not_null().any()}
    columns = [Column(by.value if c == "nyckel" else c, k, label if c == "namn" else h,
                      people=shown.get(c, p), machine=c not in ("granska_text", "granska_plats", "granska_vad",
                                                                 "granska_om"))
               for c, k, h, p in STATUS_COLUMNS
               if not (c == "formular" and sent is None) and not (c == "kommentar_kravs" and limit is None)]
    frame = frame.select(c.name for c in columns)
    # a forecast in another unit is no answer to close the month on: said beside what is missing, in Swedish, by the
    # row's line `status: … granska prognosen`, so not by check's warning too (found in review, h88: both, the English
    # first); the rest (a resultat unit's sign, a förvaltning's own forecast, which no row here shows) as deviation
    # says it, of the förvaltningar listed (`--forvaltning SOC` was warned of KLF's; found in review, h88)
    return Report(frame, tuple(columns), title=f"Svar på formulär {period} per {by.value}", unit=unit, period=period,
                  sources=tuple(store.sources), messages=tuple(forecast_size_warnings(
                      store, year, month, said=said, fids=set(frame["forvaltning"].to_list()))))
