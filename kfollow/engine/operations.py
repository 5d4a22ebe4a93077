"""One `<noun>_report(budgets, …) -> pl.DataFrame` per table. Every figure is a column here.

Conventions of every report frame:
- money columns are Int64 öre (exact); percentages are Float64 (from exact amounts), each followed at
  the end by its exact companion `<name>_exakt` (`report.EXACT`: Int128, what formats round from);
- `radtyp` says what a row is: `rad` (a stab or verksamhet), `ej_fordelat` (declared as not
  attributed to the view), `differens` (undeclared gap to the förvaltning's summa), `forvaltning`
  (a förvaltning shown as one row), `delsumma` (a förvaltning's subtotal), `summa` (the total),
  `kostnader` / `intakter` (gross lines of the row above, with `--gross`);
- a förvaltning presented as resultat shows budget and utfall as intäkter − kostnader; avvikelse
  has the same sign in both presentations (positive = överskott); `andel_pct` is a share of the
  total nettokostnad, so shares of the rows sum to 100.
"""

from __future__ import annotations

import polars as pl

from kfollow.engine import expressions as ex
from kfollow.errors import UsageError, listing
from kfollow.store import Store, did_you_mean
from kfollow.options import BudgetMode, By
from kfollow.engine.periods import (budget_at, last_month_booked, last_month_complete, not_booked, nothing_booked,
                                    require_booked, resolve, year_to_date_by_month)
from kfollow.engine import selection
from kfollow.engine.meanwhile import Meanwhile
from kfollow.engine.consistency import (_place, _shown, _times, _without_utfall, profile_gaps, year_only_forvaltningar,
                                        year_only_rows, year_warnings)
from kfollow.engine import present
from kfollow.engine.present import as_report
from kfollow.engine.selection import forvaltningar
from kfollow.vocabulary import CATALOGUE, RowKind
from kfollow.report import (EXACT, AmountsNote, Caveat, ColumnCaveat, ColumnNote, LeftOutNote, NoteAmount, Report,
                            TableNote)

BLOCK_END = 1_000_000  # position of ej_fordelat / differens / subtotal rows after a block's own rows


def _ordered(fids: list[str]) -> pl.Expr:
    return pl.col("forvaltning").replace_strict(fids, list(range(len(fids))), default=len(fids), return_dtype=pl.Int32)


def check_rows(budgets: Store, year: int, by: By, staber: list[str] | None, view: str = "stab") -> None:
    """`--stab` (or with `view`, `--verksamhet`) names rows of its view that the year has."""
    if not staber:
        return
    if by.value != view:
        raise UsageError(f"--{view} selects rows of the {view} view; use it with --by {view}, or with "
                         f"--by {view},kostnadsslag (or {view},konto) for their parts")
    known = budgets.amounts.filter((pl.col("ar") == year) & (pl.col("vy") == view))["nyckel"].unique().to_list()
    unknown = [s for s in staber if s not in known]
    if unknown:
        info = budgets.year(year)
        hint = "; ".join(f"{s} is a förvaltning: use --forvaltning {s}" for s in unknown if s in info.forvaltningar)
        # a row of another year (a stab closed or split in a reorganisation: its utfall shows in this year's table as
        # the previous year's, so a user selects it; found by a new user at the year end)
        elsewhere = {s: [y for y in sorted(budgets.years) if y != year and not budgets.amounts.filter(
            (pl.col("ar") == y) & (pl.col("vy") == view) & (pl.col("nyckel") == s)).is_empty()]
            for s in unknown if s not in info.forvaltningar}
        hint = "; ".join(filter(None, [hint, *(
            f"{s} is a {view} of {', '.join(map(str, ys))}, not of {year}: compare the years with "
            f"kfollow compare {min(near, year)} {max(near, year)}{' --by verksamhet' if view == 'verksamhet' else ''} "
            f"--{view} {s} (and the {view} rows that replaced it)"
            for s, ys in elsewhere.items() if ys for near in [min(ys, key=lambda y: (abs(y - year), y))])]))
        listed = sorted(known)
        listed = listed if len(listed) <= 20 else [*listed[:20], f"… {len(listed)} in all"]
        there = (f"{view} rows there: {', '.join(listed)}" if known else
                 f"it has no {view} rows; {_view_fix(budgets, year, view, list(info.forvaltningar))}"
                 + (", or look per stab (--stab)" if view == "verksamhet" else ""))
        close = "" if hint or not known else did_you_mean(unknown[0], known)  # `eko` for EKO too
        raise UsageError(f"no {view} {', '.join(unknown)} in {info.fil} ({there})" + (f"; {hint}" if hint else "")
                         + close)


def _selected(budgets: Store, year: int, by: By, staber: list[str] | None, verksamheter: list[str] | None):
    """The keys `--stab` or `--verksamhet` select, checked against the year (never both)."""
    if staber and verksamheter:
        raise UsageError("--stab and --verksamhet select rows of two views; give one of them")
    if verksamheter:
        check_rows(budgets, year, by, verksamheter, "verksamhet")
        return verksamheter
    check_rows(budgets, year, by, staber)
    return staber


def _holding(budgets: Store, year: int, view: str, fids: list[str], staber: list[str] | None,
             forvaltning: list[str] | None, ambiguous_ok: bool = False) -> list[str]:
    """The förvaltningar of `fids` that hold the rows `--stab`/`--verksamhet` select (all of `fids`
    without a selection); UsageError when none does, or (a stab id that two förvaltningar both
    have) when a selected id is in more than one of them: which one is meant is named with
    --forvaltning."""
    if not staber:
        return fids
    present = budgets.amounts.filter((pl.col("ar") == year) & (pl.col("vy") == view) & pl.col("nyckel").is_in(staber)
                                     & pl.col("forvaltning").is_in(fids))
    held = [f for f in fids if f in set(present["forvaltning"].to_list())]
    if not held:
        raise UsageError(f"{view} {', '.join(staber)} is not in förvaltning {', '.join(forvaltning or fids)}")
    shared = present.group_by("nyckel").agg(pl.col("forvaltning").unique().sort()).filter(pl.col("forvaltning").list.len() > 1)
    if shared.height and not ambiguous_ok:
        key, where = shared.sort("nyckel").row(0)
        raise UsageError(f"{view} {key} is in förvaltning {' and '.join(where)}; name the one you mean with "
                         f"--forvaltning {where[0]}")
    return held


def _require_view(budgets: Store, year: int, by: By, fids: list[str]) -> None:
    """--by verksamhet on förvaltningar written per stab only is a usage error, not a table of totals."""
    if by is By.verksamhet and budgets.amounts.filter(
            (pl.col("ar") == year) & (pl.col("vy") == "verksamhet") & pl.col("forvaltning").is_in(fids)).is_empty():
        raise UsageError(f"{budgets.year(year).fil} has no verksamhet rows for {', '.join(fids)}; "
                         f"{_view_fix(budgets, year, 'verksamhet', fids)}, or look per stab (--by stab)")


def _view_fix(budgets: Store, year: int, view: str, fids: list[str]) -> str:
    """What gives förvaltningar `fids` rows of `view`: the year file's rows, or, where the fact tables
    give their figures, a dimension the import maps to that key."""
    tabled = set(budgets.ledger.present().filter(pl.col("ar") == year)["forvaltning"].to_list())
    if fids and set(fids) <= tabled:
        return (f"give the import's mapping a {view} (e.g. {view}: {{dimension: N, objekt: …}}) so that the fact "
                f"tables have one")
    return f"write them under {'verksamheter' if view == 'verksamhet' else 'staber'}"


def _without_view_note(budgets: Store, year: int, other: int, by: By, frame: pl.DataFrame,
                       column: str, listed: bool = False) -> tuple[ColumnNote, ...]:
    """A note on `column` (the utfall of `year`, beside that of `other`) where a förvaltning of `frame` has
    rows of the view in `other` and none in `year` (not even ej fördelat): its rows show – there, and its
    total of `year` stands on its summary row (its subtotal, or the Summa), where the table has it. `listed`: said
    under a `--top` list of `frame`, which has no summary rows, nor those rows (they have no change)."""
    if by not in (By.stab, By.verksamhet) or year not in budgets.years or column not in frame.columns:
        return ()

    def viewed(y: int) -> set[str]:
        return set(budgets.amounts.filter((pl.col("ar") == y) & pl.col("vy").is_in([by.value, f"ej_fordelat_{by.value}"]))
                   ["forvaltning"].to_list())

    given, shown = viewed(year), viewed(other)
    fids = frame["forvaltning"].drop_nulls().unique(maintain_order=True).to_list()
    kind = pl.col("radtyp")

    def total(fid: str):  # the förvaltning's figure of `column` on its summary row
        row = frame.filter((kind == "delsumma") & (pl.col("forvaltning") == fid))
        row = row if row.height or len(fids) > 1 else frame.filter(kind == "summa")
        return row[column][0] if row.height else None

    lacking = [f for f in fids if f in budgets.years[year].forvaltningar and f not in given and f in shown
               and total(f) is not None]
    if not lacking:
        return ()
    rows = "staber" if by is By.stab else "verksamheter"
    one = len(lacking) == 1
    # (under a list: its rows have no change, and the list no summary rows; found in review, h161)
    where = (f"så {'dess' if one else 'deras'} {rows} har ingen förändring att lista." if listed else
             "som står på summaraderna.")
    return (ColumnNote(f"Utfall {year} per {BY_TITLE.get(by.value, by.value)} finns inte för {', '.join(lacking)}: filen för "
                       f"{year} har inga {rows} för {'den' if one else 'dem'}, bara förvaltningens summa, {where}",
                       column),)


def lacking_forecasts(store: Store, year: int, month: int | None, fids: list[str]) -> dict[str, list[str]]:
    """The rows (`Säkerhetsstab (KSF)`) of the view that holds förvaltningar `fids`' forecasts, the one with most
    rows forecast, that have a budget for the year and no forecast made by `month`: what makes their sums unknown
    where the table shows another view, or the förvaltning as one row (found by a new user: the note named the
    förvaltning, or verksamheter that never carry forecasts, not the new stab without one)."""
    made = store.forecasts.filter((pl.col("ar") == year) & pl.col("forvaltning").is_in(fids)
                                  & (pl.col("manad") <= (month or 12)))
    names = {}
    for fid in fids:
        own = made.filter(pl.col("forvaltning") == fid)
        # (the view with most rows forecast, not most forecasts: a row forecast every month counts once)
        views = own.filter(pl.col("vy").is_in(["stab", "verksamhet"])).select("vy", "nyckel").unique()["vy"] \
            .value_counts(sort=True)
        if views.is_empty():
            continue
        view = views["vy"][0]
        # (its money without a stab, too: a förvaltning whose every stab answered had its forecast unknown and was
        # named itself; found by a new user)
        rows = store.amounts.filter((pl.col("ar") == year) & (pl.col("forvaltning") == fid)
                                    & pl.col("vy").is_in([view, f"ej_fordelat_{view}"]) & pl.col("budget").is_not_null())
        lacking = rows.join(own.select(KEY_COLUMNS), on=KEY_COLUMNS, how="anti")["namn"].to_list()
        if lacking:
            names[fid] = [f"{n} ({fid})" for n in lacking]
    return names


KEY_COLUMNS = ["forvaltning", "vy", "nyckel"]  # a row of the year file: its förvaltning, view and key


class UnknownForecastNote(ColumnNote):
    """The note on forecast sums that are – because a row has none (`_unknown_forecast_sums`): a document says it
    in its own words (`document._for_people`)."""


def forecast_header(frame: pl.DataFrame, own: str | None = None) -> str:
    """The forecast's header as a table for the terminal heads it: `Prognos 2024-08` where every forecast of the
    `frame` was made that month (a header of the year file's own, `own`, with the month after it), else `Prognos
    helår` (`own`); as `render.columns` makes it."""
    month = None
    if {"prognos", "prognos_period"} <= set(frame.columns):
        months = frame["prognos_period"].drop_nulls().unique()
        undated = frame.filter(pl.col("prognos").is_not_null() & pl.col("prognos_period").is_null()).height
        month = months[0] if months.len() == 1 and not undated else None
    if month is None:
        return own or CATALOGUE["prognos"][1]
    return f"{own} {month}" if own else f"Prognos {month}"


def _unknown_forecast_sums(frame: pl.DataFrame, column: str = "prognos", base: str = "budget_helar",
                           made: str = "", store: Store | None = None, year: int | None = None,
                           month: int | None = None, advice: list[str] | None = None,
                           header: str | None = None) -> tuple[ColumnNote, ...]:
    """A note on `column` (`prognos`, or with --against `jmf_prognos`) where a sum of forecasts is –
    because a row of it with a `base` (a budget) has none (a new stab, a förvaltning that made none by
    then): which rows those are. `made`: when the forecasts were made, for the note. Where such a row is
    a förvaltning's money without a stab, what to do goes to `advice` (for the controller's stderr, not
    the nämnd's document)."""
    if column not in frame.columns or base not in frame.columns:
        return ()
    kind = pl.col("radtyp")
    sums = frame.filter(kind.is_in(["delsumma", "summa"]))
    if sums.is_empty() or sums[column].null_count() == 0:
        return ()
    if frame[column].null_count() == frame.height and not (
            store is not None and "forvaltning" in frame.columns and not store.forecasts.filter(
                (pl.col("ar") == year) & (pl.col("manad") <= (month or 12))
                & pl.col("forvaltning").is_in(frame["forvaltning"].drop_nulls().unique().to_list())).is_empty()):
        return ()  # no forecast made: nothing unknown (where one was, every sum unknown is said: found in review)
    # a row without a forecast whose sum is unknown for it: its förvaltning's subtotal, or (a förvaltning without
    # one) the Summa; not where the förvaltning made a forecast of its own
    unknown = set(sums.filter(kind == "delsumma")["forvaltning"].to_list()) & set(
        sums.filter((kind == "delsumma") & pl.col(column).is_null())["forvaltning"].to_list())
    subtotalled = set(sums.filter(kind == "delsumma")["forvaltning"].to_list())
    summa_unknown = sums.filter((kind == "summa") & pl.col(column).is_null()).height > 0
    feeds = pl.col("forvaltning").is_in(sorted(unknown)) | (~pl.col("forvaltning").is_in(sorted(subtotalled))
                                                           & pl.lit(summa_unknown))
    rows = frame.filter(kind.is_in(["rad", "forvaltning", "ej_fordelat"]) & pl.col(column).is_null()
                        & pl.col(base).is_not_null() & feeds)
    # (the money without a stab of several förvaltningar named with each: "Ej fördelat på stab, Ej fördelat på
    # stab" was two rows; found in review)
    several = "forvaltning" in frame.columns and frame["forvaltning"].drop_nulls().n_unique() > 1
    entries = rows.select("namn", "forvaltning", "radtyp").rows() if "forvaltning" in rows.columns else \
        [(n, None, None) for n in rows["namn"].to_list()]
    lacking = [f"{n} ({f})" if k == "ej_fordelat" and several and f else n for n, f, k in entries]
    if store is not None and "forvaltning" in rows.columns:
        # a förvaltning shown as one row, or whose rows here carry no forecast of their own: the rows of the view
        # that holds its forecasts are named instead
        whole = sorted(set(rows.filter((kind == "forvaltning") | pl.col("forvaltning").is_in(
            frame.group_by("forvaltning").agg(pl.col(column).is_null().all()).filter(pl.col(column))["forvaltning"]
            .implode()))["forvaltning"].drop_nulls().to_list()))
        if whole and (elsewhere := lacking_forecasts(store, year, month, whole)):
            # (only the rows of the förvaltningar named so are replaced: one without any forecast stays named itself;
            # found in review)
            lacking = [n for n, (_, f, _) in zip(lacking, entries) if f not in elsewhere] + \
                [n for names in elsewhere.values() for n in names]
    if not lacking:
        return ()
    named = listing(lacking)
    # (a header of the year file's own names the column as the table shows it: found in review)
    own = store.years[year].rubriker.get(column) if store is not None and year in store.years else None
    # (as the table heads it: `Prognos 2024-08` said `Prognos är –` beside it; found in review, h83)
    header = header or (forecast_header(frame, own) if column == "prognos" else own or FORECAST_NOTE_NAMES[column])
    if advice is not None:
        advice += _unattributed_advice(lacking, entries, year, month)
    return (UnknownForecastNote(f"{header} är – på summaraderna där en rad saknar prognos{made}: {named}; en summa av "
                       "prognoser med en okänd del är okänd.", column),)


# how a note on an unknown forecast sum names its column (`Prognos är – på summaraderna …`), where the year file
# heads it with none of its own; a document names it as its table heads it (`document._for_people`)
FORECAST_NOTE_NAMES = {"prognos": "Prognos", "jmf_prognos": "Jmf. prognos"}


def _unattributed_advice(names: list[str], entries: list[tuple], year: int | None, month: int | None) -> list[str]:
    """Where a row without a forecast is a förvaltning's money without a stab (verksamhet): it gets no form, so
    where its forecast goes, one line per view (found by a new user: every stab had answered, and nothing said how
    to close the sum). A warning, which a quiet job (KFOLLOW_QUIET) says too: what to do before the sum is known."""
    said = []
    for label, view in (("Ej fördelat på stab", "staber"), ("Ej fördelat på verksamhet", "verksamheter")):
        if not any(n == label or n.startswith(label + " (") for n in names):
            continue
        fids = sorted({*(f for n, f, k in entries if k == "ej_fordelat" and n == label and f),
                       *(n.rsplit(" (", 1)[1].rstrip(")") for n in names if n.startswith(label + " ("))})
        where = f" of förvaltning{'ar' if len(fids) > 1 else ''} {', '.join(fids)}" if fids else ""
        when = f"{year}-{month:02d}" if year and month else "YYYY-MM"
        said.append(f"warning: {label} gets no form: write its forecast in the year file under ej_fordelat: "
                    f"{view}:{where}, e.g. prognos: {{{when}: …}}")
    return said


def _doubted_forecast_notes(frame: pl.DataFrame, store: Store, year: int, month: int | None, view: str,
                            column: str = "prognos") -> tuple:
    """A note on `column` (`prognos`, or with --against `jmf_prognos`, the latest forecast made up to `month`) per
    forecast that `status` marks to look at (`consistency.forecast_doubts`: another unit, a minus, 0, out of pace with
    the months booked) and the table shows, on its row or in a sum of the rows shown (`view`: the table's): its row
    and why it is doubtful, in the same words under every table, so a document says it once. At most LISTED, the rest
    counted. (A report said it on stderr alone: the nämnd read Summa KSF 22 443,3 mnkr of a forecast typed in tkr;
    found by a new user, h165.)"""
    from kfollow.engine.consistency import LISTED, forecast_doubts
    from kfollow.errors import grouped

    if column not in frame.columns or "forvaltning" not in frame.columns or year not in store.years:
        return ()
    doubts = forecast_doubts(store, year)
    if not doubts:
        return ()
    made = (store.forecasts.filter((pl.col("ar") == year) & (pl.col("manad") <= (month or 12))
                                   & pl.col("prognos").is_not_null())
            .group_by("forvaltning", "vy", "nyckel").agg(pl.col("manad").max()))
    latest = {(f, v, k): m for f, v, k, m in made.iter_rows()}
    kind = pl.col("radtyp") if "radtyp" in frame.columns else pl.lit("rad")
    shown = frame.filter(pl.col(column).is_not_null())
    rows = set() if view == "forvaltning" or view not in shown.columns else {
        (f, k) for f, k in shown.filter(kind.is_in(["rad", "radsumma"])).select("forvaltning", view).iter_rows()}
    whole = set(shown.filter(kind.is_in(["forvaltning", "delsumma"]) if view != "forvaltning" else pl.lit(True))
                ["forvaltning"].drop_nulls().to_list())
    views = {f: {v for (g, v, _) in latest if g == f} for f in whole}
    info = store.years[year]
    names = {(f, v, k): n for f, v, k, n in store.amounts.filter(pl.col("ar") == year)
             .select("forvaltning", "vy", "nyckel", "namn").iter_rows()}
    notes = []
    for (fid, vy, key, manad), why in doubts.items():
        if latest.get((fid, vy, key)) != manad:  # (a later forecast of the row is the one shown)
            continue
        if vy == "summa":
            held = fid in whole
        elif view == "forvaltning":  # the förvaltning's forecast: its own (summa), else its staber's, else its
            held = fid in whole and "summa" not in views[fid] and (vy == "stab" or "stab" not in views[fid])
        else:
            held = vy == view and (fid, key) in rows
        if not held:
            continue
        name = info.forvaltningar[fid].namn if vy == "summa" else names.get((fid, vy, key)) or key
        who = f"{name} ({fid})" if vy == "summa" else f"{name} ({key} i {fid})"
        notes.append(f"Osäker prognos för {who}: prognosen {year}-{manad:02d} {why}. Den och summorna den ingår i "
                     "kan vara fel tills den är granskad.")
    if len(notes) > LISTED:
        notes = notes[:LISTED] + [f"Osäker prognos: och {grouped(len(notes) - LISTED)} prognoser till som ser "
                                  "felskrivna ut ingår i tabellen."]
    also = ("prognos_avvikelse", "avvikelse_forandring") if column == "prognos" else ("avvikelse_forandring",)
    return tuple(ColumnNote(n, column, *also) for n in notes)


def _forecast_in_other_view(frame: pl.DataFrame, store: Store, year: int, month: int | None, view: str,
                            header: str) -> tuple[ColumnNote, ...]:
    """A note on `prognos` where rows of `view` (verksamhet) are – because their förvaltning gives its forecasts
    per the other view (stab) only: those rows have none of their own, which no other note said (found in review:
    `100 - Nämnd- och styrelseverksamhet –` beside `Summa KSF 17,9`)."""
    if "prognos" not in frame.columns or "budget_helar" not in frame.columns or view not in ("stab", "verksamhet"):
        return ()
    other = "verksamhet" if view == "stab" else "stab"
    blank = frame.filter((pl.col("radtyp") == "rad") & pl.col("prognos").is_null() & pl.col("budget_helar").is_not_null())
    if blank.is_empty() or "forvaltning" not in blank.columns:
        return ()
    made = store.forecasts.filter((pl.col("ar") == year) & (pl.col("manad") <= (month or 12)))
    fids = [f for f in blank["forvaltning"].unique(maintain_order=True).to_list()
            if made.filter((pl.col("forvaltning") == f) & (pl.col("vy") == view)).is_empty()
            and not made.filter((pl.col("forvaltning") == f) & (pl.col("vy") == other)).is_empty()]
    if not fids:
        return ()
    which = fids[0] if len(fids) == 1 else ", ".join(fids[:-1]) + " och " + fids[-1]
    return (ColumnNote(f"{header} är – på raderna per {view} för {which}: prognoserna görs per {other} "
                       f"(tabellen per {other} visar dem).", "prognos"),)


def _mixed_forecast_months(frame: pl.DataFrame, store: Store | None = None, year: int | None = None,
                           month: int | None = None) -> tuple[ColumnNote, ...]:
    """A note on `prognos_period` where a sum's forecasts were made in different months (its `Prognos
    från` is –): the rows whose latest forecast is older than the others'; of a förvaltning shown as one row,
    the rows of it that hold its forecasts (`store`, `year`, `month`: the forecasts made by then)."""
    if "prognos_period" not in frame.columns or "prognos" not in frame.columns:
        return ()
    kind = pl.col("radtyp")
    if frame.filter(kind.is_in(["delsumma", "radsumma", "summa", "forvaltning"]) & pl.col("prognos").is_not_null()
                    & pl.col("prognos_period").is_null()).is_empty():
        return ()
    generic = (ColumnNote("Prognos från är – där prognosen är en summa av prognoser gjorda i olika månader "
                          "(tabellen per stab visar varje stabs).", "prognos_period"),)
    if store is not None and year is not None and "forvaltning" in frame.columns:
        named = _mixed_within(frame, store, year, month)
        if named:
            # (a caveat: csv and json, whose column is empty there, say on stderr whose forecast is older)
            return (ColumnCaveat("Prognos från är – där prognosen är en summa av prognoser gjorda i olika månader. "
                                 f"Den senaste prognosen är från {named[0]}, utom för {named[1]}.", "prognos_period"),)
    # the rows a sum is made of (a stab shown with its parts, too: its parts' forecasts are its own)
    rows = frame.filter(kind.is_in(["rad", "forvaltning", "ej_fordelat", "radsumma"]) & pl.col("prognos_period").is_not_null())
    if store is not None and year is not None and not ({"stab", "verksamhet"} & set(frame.columns)):
        # (in a cut by the ledger alone a förvaltning's subtotal is its total, `Summa SERV`: named as the förvaltning,
        # as --by forvaltning names it; found in review, h155)
        names = {f: v.namn for f, v in store.years[year].forvaltningar.items()}
        rows = pl.concat([rows, frame.filter((kind == "delsumma") & pl.col("prognos_period").is_not_null())
                         .with_columns(namn=pl.col("forvaltning").replace_strict(names, default=pl.col("forvaltning")))],
                         how="diagonal_relaxed")
    latest = rows["prognos_period"].max()
    if latest is None:
        return generic
    older = rows.filter(pl.col("prognos_period") < latest).select("namn", "prognos_period").rows()
    if not older:  # the rows shown are each made in one month, or are sums themselves (a förvaltning's row)
        return generic
    named = listing(f"{n} ({p})" for n, p in older)
    return (ColumnCaveat(f"Prognos från är – på summaraderna: deras prognoser är gjorda i olika månader. Den senaste "
                         f"prognosen är från {latest}, utom för {named}.", "prognos_period"),)


def _mixed_within(frame: pl.DataFrame, store: Store, year: int, month: int | None) -> tuple[str, str] | None:
    """Where a förvaltning shown as one row has a forecast made in different months (`Prognos från` –): the
    latest month of the rows shown and the rows of it (staber, or verksamheter where it forecasts per
    verksamhet) whose latest forecast is older, by name, id and förvaltning (`Samhällsbyggnadsstab (SAM i KSF,
    2024-08)`), with the rows shown that are older themselves: who has not answered the latest round (found by a
    controller: `--by forvaltning` said `–` and that the table per stab shows each stab's, not which)."""
    kind = pl.col("radtyp")
    # a förvaltning's total: its own row, or in a cut by the ledger alone (no stab or verksamhet shown: --by
    # kostnadsslag, konto, kostnadsslag,konto, forvaltning,kostnadsslag) its subtotal above its parts, which said
    # only that the table per stab shows each stab's (found in review, h155)
    whole = kind.is_in(["forvaltning"] if "stab" in frame.columns or "verksamhet" in frame.columns
                       else ["forvaltning", "delsumma", "radsumma"])
    mixed = frame.filter(whole & pl.col("forvaltning").is_not_null() & pl.col("prognos").is_not_null()
                         & pl.col("prognos_period").is_null())["forvaltning"].unique(maintain_order=True).to_list()
    if not mixed and not ({"stab", "verksamhet"} & set(frame.columns)) and frame.filter(whole).is_empty():
        # one förvaltning cut by the ledger alone (--by kostnadsslag --forvaltning KSF) has no subtotal: its Summa is
        # its total, and was said only to be shown per stab (found in review, h157)
        one = frame.filter(pl.col("radtyp").is_in(["rad", "del"]))["forvaltning"].drop_nulls().unique().to_list()
        if len(one) == 1 and not frame.filter((kind == "summa") & pl.col("prognos").is_not_null()
                                              & pl.col("prognos_period").is_null()).is_empty():
            mixed = one
    if not mixed:
        return None
    made = (store.forecasts.filter((pl.col("ar") == year) & (pl.col("manad") <= (month or 12))
                                   & pl.col("forvaltning").is_in(mixed))
            .group_by("forvaltning", "vy", "nyckel").agg(pl.col("manad").max()))
    names = store.amounts.filter(pl.col("ar") == year).select("forvaltning", "vy", "nyckel", "namn").unique(
        subset=["forvaltning", "vy", "nyckel"], keep="first")
    units: list[tuple[str, str]] = []  # (name, month) of every row whose forecast counts
    for fid in mixed:
        own = made.filter(pl.col("forvaltning") == fid)
        # the view its total takes its forecast from, as `view_frame` does: its staber first, else its verksamheter
        view = next((v for v in ("stab", "verksamhet") if not own.filter(
            pl.col("vy").is_in([v, f"ej_fordelat_{v}"])).is_empty()), None)
        if view is None:
            return None
        rows = own.filter(pl.col("vy").is_in([view, f"ej_fordelat_{view}"])).join(
            names, on=["forvaltning", "vy", "nyckel"], how="left").sort("vy", "nyckel")
        for vy, nyckel, namn, m in rows.select("vy", "nyckel", "namn", "manad").rows():
            who = f"{namn or nyckel} (" + (f"{nyckel} i {fid}" if vy == view else fid)
            units.append((who, f"{year}-{m:02d}"))
    # (a subtotal's `namn` is `Summa KSF`: the förvaltning by its name)
    units += [(f"{n if kind_ == 'forvaltning' else store.years[year].forvaltningar[f].namn} ({f}", p)
              for kind_, n, f, p in frame.filter(whole & pl.col("forvaltning").is_not_null()
                                                 & pl.col("prognos_period").is_not_null())
              .select("radtyp", "namn", "forvaltning", "prognos_period").unique(maintain_order=True).rows()]
    latest = max(p for _, p in units)
    older = [f"{who}, {p})" for who, p in units if p < latest]
    if not older:
        return None
    return latest, listing(older)


def _resultat_part_shares(frame: pl.DataFrame, cut, shares: list[str]) -> pl.DataFrame:
    """`frame` with the shares (`shares`, and their exact companions) of the parts of a förvaltning presented as
    resultat null (–): its intäkter and kostnader have opposite signs and add up to a resultat near 0 (budgeted at
    0), so a share of the sum tells a politician nothing (`--forvaltning SERV --by stab,kostnadsslag` showed
    -5 452,6 and 5 552,6 %; found in review, h161). The seed report shows such a unit's varav lines without a share;
    the rows of the view (the förvaltning, its stab, the Summa) keep theirs, which add up to 100 %."""
    if not cut.part or "redovisas_som" not in frame.columns:
        return frame
    blank = _parts_of(frame, cut) & (pl.col("redovisas_som") == "resultat")
    return frame.with_columns(pl.when(blank).then(None).otherwise(pl.col(c)).alias(c)
                              for s in shares for c in (s, s + EXACT) if c in frame.columns)


def _resultat_shares_note(before: pl.DataFrame, shown: pl.DataFrame, cut, shares: list[str]) -> tuple[ColumnNote, ...]:
    """The note on the shares `_resultat_part_shares` left out, where `shown` (the rows shown: a --top list's, not
    the table's it is made of) has a part of a förvaltning presented as resultat whose share `before` had."""
    shares = [c for c in shares if c in shown.columns]
    if not cut.part or not shares or "redovisas_som" not in shown.columns:
        return ()
    parts = shown.filter(_parts_of(shown, cut) & (pl.col("redovisas_som") == "resultat"))
    had = before.filter(_parts_of(before, cut) & (pl.col("redovisas_som") == "resultat"))
    if parts.is_empty() or not any(had[c].is_not_null().any() for c in shares):
        return ()
    one = ("Andel av summa" if shares == ["andel_pct"] else
           "Andelarna av summa" if len(shares) > 1 else
           f"Andel {shares[0].removeprefix('andel_').removesuffix('_pct')} av summa")
    return (ColumnNote(f"{one} är – för delarna av en förvaltning som redovisas som resultat (intäkter − kostnader): "
                       "dess intäkter och kostnader tar nästan ut varandra, så en dels andel säger inget; förvaltningens "
                       "andel står på dess rad eller summa.", *shares),)


PART_SIGNS = ("Delarna har sin förvaltnings tecken, så att de summerar till raden: under en förvaltning som redovisas "
              "som nettokostnad är intäkter negativa, under en som redovisas som resultat (intäkter − kostnader) "
              "positiva och kostnader negativa.")


def _parts_of(frame: pl.DataFrame, cut) -> pl.Expr:
    """The parts of a cut by kostnadsslag or konto: the rows (one key); where rows are shown with their parts,
    those parts (`del`), and in a `--top` list of such a cut the parts it lists (`cuts.listed_part`: `Konton utan
    kostnadsslag` too, whose key is null). A row shown whole (of a förvaltning without accounts) is no part, nor is
    it where a list names it so (`KSF: hela raden`)."""
    from kfollow.engine import cuts

    if "radtyp" in frame.columns and (frame["radtyp"] == RowKind.radsumma.value).any():
        return pl.col("radtyp") == RowKind.del_.value
    if "hela_raden" in frame.columns:  # a --top list: what it lists as a part, known as data (a part's key may be
        # null: the accounts of no kostnadsslag were no part for the notes; found in review)
        return cuts.listed_part()
    if cut.nested and cut.part in frame.columns:
        return pl.col("radtyp").is_in(["del", "rad"]) & pl.col(cut.part).is_not_null()
    return pl.col("radtyp").is_in(["del", "rad"])


def _part_signs(frame: pl.DataFrame, cut, costs_negative: bool) -> tuple[TableNote, ...]:
    """A note where a cut by kostnadsslag or konto shows parts of förvaltningar of both presentations: an
    income is then negative under one and positive under the other (`Intäkter -5,4` and `Intäkter 71,7` in
    one table, found by a controller, beside `varav intäkter`, positive). With costs negative every part is
    intäkter − kostnader: one sign."""
    parts = _parts_of(frame, cut)
    if not cut.part or costs_negative or frame.filter(parts)["redovisas_som"].drop_nulls().n_unique() < 2:
        return ()
    return (TableNote(PART_SIGNS),)


def _against_made(store: Store, year: int, month: int, frame: pl.DataFrame, key: str,
                  within: pl.DataFrame | None = None) -> list[int]:
    """The months in which the forecasts compared with (`--against`, up to `month`) of the rows shown with
    one were made, each once, in order. `key`: the column of the rows' keys; `within`: the rows a list
    (`--top`) keeps of them, by their förvaltning and key (found in review: the title spoke of rows not listed)."""
    return _against_units(store, year, month, frame, key, within)["manad"].unique().sort().to_list()


def _against_units(store: Store, year: int, month: int, frame: pl.DataFrame, key: str,
                   within: pl.DataFrame | None = None) -> pl.DataFrame:
    """The units whose forecasts are compared with (`_against_made`): forvaltning, vy, nyckel and the month of the
    latest made up to `month` (manad)."""
    from kfollow.engine.periods import KEY

    rows = frame.filter(pl.col("radtyp").is_in(["rad", "forvaltning", "ej_fordelat"]) & pl.col("jmf_prognos").is_not_null())
    if within is not None:
        on = list(dict.fromkeys(["forvaltning", key] if key in within.columns else ["forvaltning"]))
        rows = rows.join(within.select(on).unique(), on=on, how="semi")
    # a förvaltning's row carries its staber's (or its summa's) forecasts, which are keyed by stab: by förvaltning
    # alone (KSF's April forecasts, of its staber, were matched with none and headed 'Jmf. prognos t.o.m. 2024-04',
    # and a table of KSF and SERV named SERV's month alone; found in review, h136)
    on = ["forvaltning"] if key == "forvaltning" else ["forvaltning", "nyckel"]
    shown = rows.select("forvaltning", pl.col(key).alias("nyckel")).unique().select(on).unique()
    return (store.forecasts.filter((pl.col("ar") == year) & (pl.col("manad") <= month))
            .group_by(KEY).agg(pl.col("manad").max())
            .join(shown, on=on, how="semi"))


def _units_named(store: Store, year: int, units: pl.DataFrame) -> str:
    """`units` (forvaltning, vy, nyckel, manad: forecasts and the month each was made) named as the note on `Prognos
    från` names them, in the year file's order: `Samhällsbyggnadsstab (SAM i KSF, 2024-04)`, a förvaltning's own
    forecast by its name (`Serviceförvaltningen (internt prissatt) (SERV, 2024-04)`); five, then how many more."""
    info = store.years[year]
    names = store.amounts.filter(pl.col("ar") == year).select("forvaltning", "vy", "nyckel", "namn", "ordning").unique(
        subset=["forvaltning", "vy", "nyckel"], keep="first")
    order = {f: i for i, f in enumerate(info.forvaltningar)}
    rows = (units.join(names, on=["forvaltning", "vy", "nyckel"], how="left")
            .with_columns(_f=pl.col("forvaltning").replace_strict(order, default=len(order), return_dtype=pl.Int32))
            .sort("_f", "ordning", "nyckel", nulls_last=True))
    said = []
    for fid, vy, nyckel, namn, m in rows.select("forvaltning", "vy", "nyckel", "namn", "manad").rows():
        if vy in ("stab", "verksamhet"):
            said.append(f"{namn or nyckel} ({nyckel} i {fid}, {year}-{m:02d})")
        else:  # its summa, or its money without a stab (verksamhet)
            whole = info.forvaltningar[fid].namn if vy == "summa" and fid in info.forvaltningar else namn or nyckel
            said.append(f"{whole} ({fid}, {year}-{m:02d})")
    return listing(said)


def _against_months(store: Store, year: int, month: int, frame: pl.DataFrame, key: str,
                    within: pl.DataFrame | None = None, header: str = "Jmf. prognos",
                    dated: bool = False) -> tuple[ColumnNote, ...]:
    """A note where the forecast compared with (`--against prognos:YYYY-MM`) is not that month's for every
    row shown with one: a unit that made none that month is compared with its latest before, and the
    table said nothing of which (found by a controller). `key`: the column of the rows' keys; `header`: the
    column's as the table heads it, `dated` where that names the forecast's month (`Jmf. prognos 2024-08`, or
    `Jmf. prognos t.o.m. 2024-09` of several), not a header of the year file's own."""
    units = _against_units(store, year, month, frame, key, within)
    made = units["manad"].unique().sort().to_list()
    if not made or made == [month]:
        return ()
    asked = f"{year}-{month:02d}"
    older = ", ".join(f"{year}-{m:02d}" for m in made if m != month)
    # (the column named as headed: 'Jmf. prognos är den senaste före' beside 'Jmf. prognos 2024-08'; found in review)
    if month not in made and len(made) == 1:
        text = f"Ingen prognos gjordes {asked}: {header} är den senaste före" + ("." if dated else f", från {older}.")
    elif month not in made:
        text = f"Ingen prognos gjordes {asked}: {header} är varje rads senaste före, från {older}."
    else:
        # the rows without one named, as the note on `Prognos från` names them, with the month of theirs (it said
        # 'för rader utan prognos 2024-08 är den från 2024-04', not which rows; found in review, h157)
        named = _units_named(store, year, units.filter(pl.col("manad") != month))
        text = (f"{header} är prognosen {asked}" if dated else f"{header} är den senaste gjord till och med {asked}") \
            + f", utom för {named}, som inte gjorde någon prognos {asked}."
    return (ColumnNote(text, "jmf_prognos"),)


def _absent_rows(store: Store, year: int, other: int, fids: list[str], view: str, keys: list[str] | None) -> list[str]:
    """The names of the rows `keys` of `view` (a selection) that förvaltningar `fids` have in `year` and the file for
    `other` does not (a stab begun or closed in a reorganisation)."""
    if not keys or other not in store.years:
        return []
    chosen = pl.col("forvaltning").is_in(fids) & (pl.col("vy") == view) & pl.col("nyckel").is_in(keys)
    there = store.amounts.filter((pl.col("ar") == other) & chosen).select("forvaltning", "nyckel")
    return (store.amounts.filter((pl.col("ar") == year) & chosen).join(there, on=["forvaltning", "nyckel"], how="anti")
            .sort("forvaltning", "ordning")["namn"].to_list())


def _year_only_note(store: Store, ar: int, fids: list[str], rows: tuple[str, list[str]] | None, column: str,
                    header: str, left_out: bool = False) -> tuple:
    """The note on the column of `ar`'s utfall (an earlier year's, headed `header`) where a förvaltning of `fids`, or a
    row of the selection `rows`, gives it for the whole year only while others book per month: its months, and the
    sums with it, are – (`left_out`: the column, all –, is left out for people)."""
    whole = year_only_forvaltningar(store, ar, fids)
    named = [f"{r['namn'] or r['nyckel']} ({r['forvaltning']})" for r in year_only_rows(store, ar, fids, rows)
             if r["forvaltning"] not in whole]
    if not whole and not named:
        return ()
    who = ", ".join([*whole, listing(named)] if named else whole)
    one = len(whole) + len(named) == 1
    rest = "inte per månad" if whole else "medan förvaltningens andra rader bokas per månad"
    if left_out:
        why = f"filen för {ar} ger utfallet för {who} för helåret, {rest}."
        return (LeftOutNote(f"{header} visas inte: {why}", column), ColumnCaveat(f"{header} är –: {why}", column))
    return (ColumnCaveat(f"{header} är – för {who} och för summorna med {'den' if one else 'dem'}: filen för {ar} ger "
                         f"{'dess' if one else 'deras'} utfall för helåret, {rest}.", column),)


def _one_year_notes(store: Store, base_year: int, year: int, frame: pl.DataFrame, view: str, rubriker: dict) -> tuple:
    """The notes on a comparison of every row (no selection) with rows (of those `frame` shows) or förvaltningar of one
    year only (a reorganisation, a förvaltning begun or closed): their figure of the other year is –, and the sums
    count them as 0 (found in review, h106: `compare 2024 2025` showed a förvaltning of 2025 only as – in 2024 and
    counted it as 0 in the Summa without a word)."""
    if view not in ("stab", "verksamhet") or view not in frame.columns:
        return ()
    fids = frame["forvaltning"].drop_nulls().unique().to_list()
    shown = frame.filter(pl.col("radtyp") == "rad")[view].drop_nulls().unique().to_list()
    notes: tuple = ()
    for y, other in ((year, base_year), (base_year, year)):
        if y not in store.years or other not in store.years:
            continue
        column, header = f"utfall_{other}", rubriker.get(f"utfall_{other}", f"Utfall {other}")
        there = [f for f in fids if f in store.years[other].forvaltningar]
        gone = [f for f in fids if f in store.years[y].forvaltningar and f not in there]
        keys = store.amounts.filter((pl.col("ar") == y) & (pl.col("vy") == view) & pl.col("forvaltning").is_in(there)
                                    & pl.col("nyckel").is_in(shown))["nyckel"].unique().to_list()
        notes += _absent_rows_note(store, y, other, there, view, keys, column, header, when_all=False)
        if gone:
            it = "den" if len(gone) == 1 else "dem"
            notes += (ColumnNote(f"{header} är – för förvaltning {', '.join(gone)}, som inte finns i filen för {other}: "
                                 f"summan räknar {it} som 0.", column),)
    return notes


def _begun_rows_note(store: Store, year: int, frame: pl.DataFrame, view: By, column: str,
                     header: str) -> tuple[ColumnNote, ...]:
    """The note on `column` (the utfall of the year before `year`) of a table of every row of `view` (no selection)
    where it shows rows of a förvaltning of both years that the file for the year before does not have (a stab begun
    since): `_absent_rows_note` of them. A förvaltning without the view's rows that year has its own note
    (`_without_view_note`), one begun this year too."""
    key = view.value
    if view not in (By.stab, By.verksamhet) or key not in frame.columns:
        return ()
    other = year - 1
    viewed = store.amounts.filter((pl.col("ar") == other) & (pl.col("vy") == key))["forvaltning"].unique().to_list()
    rows = frame.filter(pl.col("radtyp").is_in([RowKind.rad.value, RowKind.radsumma.value]) & pl.col("forvaltning").is_in(viewed))
    fids = rows["forvaltning"].unique(maintain_order=True).to_list()
    return _absent_rows_note(store, year, other, fids, key, rows[key].drop_nulls().unique().to_list(), column, header,
                             when_all=False)


def _begun_listed_note(store: Store, year: int, listed: pl.DataFrame, view: By, column: str,
                       header: str) -> tuple[ColumnNote, ...]:
    """The note on `column` (the utfall of the year before `year`) of a `--top` list that lists rows of `view` the
    file for the year before does not have (a stab begun since), with or without `--stab`: their figure is –, as the
    full table's note (`_absent_rows_note`, `_begun_rows_note`) says; a list has no sums to count them as 0 (found in
    review, h155: both notes skipped a list, whose `–` went without a word)."""
    key = view.value
    if view not in (By.stab, By.verksamhet) or key not in listed.columns:
        return ()
    rows = listed.filter(pl.col("radtyp") == RowKind.rad.value)
    before = store.years.get(year - 1)  # (a förvaltning begun this year has its own note)
    fids = [f for f in rows["forvaltning"].drop_nulls().unique(maintain_order=True).to_list()
            if before is not None and f in before.forvaltningar]
    if not (absent := _absent_rows(store, year, year - 1, fids, key, rows[key].drop_nulls().unique().to_list())):
        return ()
    named = listing(absent)
    # (a caveat, as the table's: on stderr in csv and json)
    return (ColumnCaveat(f"{header} är – för {named}, som inte finns i filen för {year - 1}.", column),)


def _absent_rows_note(store: Store, year: int, other: int, fids: list[str], view: str, keys: list[str] | None,
                      column: str, header: str, when_all: bool = True) -> tuple[ColumnNote, ...]:
    """The note on a selection (--stab, --verksamhet) with rows of `year` that the file for `other` does not have (a
    stab begun or closed in a reorganisation): their figure of `other` is –, and the selection's sums count them as 0,
    nothing having been booked on them that year; so the old stab and the new ones chosen together compare across the
    reorganisation (found by a new user: the note-less `Summa valda staber` was the other staber's figure alone)."""
    if not (absent := _absent_rows(store, year, other, fids, view, keys)):
        return ()
    named = listing(absent)
    it = "den" if len(absent) == 1 else "dem"
    chosen = pl.col("forvaltning").is_in(fids) & (pl.col("vy") == view) & pl.col("nyckel").is_in(keys)
    if store.amounts.filter((pl.col("ar") == other) & chosen).is_empty():  # none of them in that year: no sum of it
        # either, – as its rows (found in review, h95: the note said they were counted as 0 beside a sum of –)
        return (ColumnCaveat(f"{header} är – för {named}, som inte finns i filen för {other}.", column),) if when_all \
            else ()
    # (a caveat: what the sums count as 0, on stderr in csv and json; found in review, h143)
    return (ColumnCaveat(f"{header} är – för {named}, som inte finns i filen för {other}: summorna räknar {it} som 0, "
                         f"då inget bokades på {it} det året.", column),)


def _changes_of_rows(store: Store, year: int, fids: list[str], view: By) -> pl.DataFrame:
    """The year's budget change lines of `fids` as the rows of `view` meet them, with `hel`: a row of the view by its
    key (`nyckel`), and a förvaltning shown as one row (the view per förvaltning, or one without the view's rows) by
    each change line once, its summa, stab and verksamhet rows alike, `nyckel` its förvaltning (such a row was left out
    of the notes on changes in the view per stab: found in review, h126)."""
    changes = store.changes.filter((pl.col("ar") == year) & pl.col("forvaltning").is_in(fids))
    whole = changes.unique(["rad"], keep="first", maintain_order=True).with_columns(nyckel=pl.col("forvaltning"),
                                                                                   hel=pl.lit(True))
    if view is By.forvaltning:
        return whole
    return pl.concat([changes.filter(pl.col("vy") == view.value).with_columns(hel=pl.lit(False)), whole])


def _row_changes(changes: pl.DataFrame, fid: str, key: str | None, kind: str, view: By) -> pl.DataFrame:
    """The lines of `_changes_of_rows` that moved the budget of the row (`kind`: its radtyp) of `fid` and `key`."""
    whole = view is By.forvaltning or kind == "forvaltning"
    return changes.filter((pl.col("forvaltning") == fid) & (pl.col("hel") == whole)
                          & (pl.col("nyckel") == (fid if whole else key)))


def _changed_since_note(store: Store, year: int, against: int, period: int | None, frame: pl.DataFrame, view: By,
                        unit: str, budget: BudgetMode) -> tuple[ColumnNote, ...]:
    """A note on `avvikelse_forandring` (`--against prognos:YYYY-MM`) where budget changes decided after the forecast
    (up to the period) moved the budget of rows shown: the change since the forecast holds them beside what the
    utfall (or the forecast since) did, and the table did not say so (found by a new user: Grundskola F–6's +922
    tkr was 1 200 tkr moved to it in October, its utfall 278 tkr worse than forecast). Each row with the net amount
    of those changes, in `unit`, as its förvaltning presents it (said as the table's figures: `AmountsNote`)."""
    if "avvikelse_forandring" not in frame.columns or budget is BudgetMode.original:
        return ()
    rows = frame.filter(pl.col("radtyp").is_in(["rad", "forvaltning"]))
    # (of the rows: the view per förvaltning names its Summa row `Summa`, no förvaltning; found in review, h126)
    fids = rows["forvaltning"].drop_nulls().unique().to_list()
    key = "forvaltning" if view is By.forvaltning else view.value
    later = _changes_of_rows(store, year, fids, view).filter((pl.col("manad") > against)
                                                             & (pl.col("manad") <= (period or 12)))
    if later.is_empty():
        return ()
    # (in the table's order of its rows)
    # (the förvaltning twice in the view per förvaltning: an internal error where a change moved one, h126)
    shown = rows.select("forvaltning", pl.col(key if key in rows.columns else "forvaltning").alias("_nyckel"), "radtyp",
                        "namn").rows()
    resultat = set(_resultat(store, year, fids))
    said, decisions = [], []
    for fid, k, kind, name in shown:
        moved = _row_changes(later, fid, k, kind, view)
        ore = int(moved["d_budget"].sum())
        if ore == 0:
            continue
        beslut = moved["beslut"].unique(maintain_order=True).to_list()
        said.append((f"{name} ", NoteAmount(-ore if fid in resultat else ore, sign=True)))
        decisions += [b for b in beslut if b not in decisions]
    if not said:
        return ()
    return (AmountsNote((f"Förändring avvikelse räknar med budgetändringar beslutade efter prognosen {year}-{against:02d} "
                         f"({', '.join(decisions)}): ", *_listed(said), ". Utan dem är förändringen den i "
                         f"{'utfallet' if period is None or period == 12 else 'prognosen'} mot prognosen."), unit,
                        "avvikelse_forandring"),)


def _listed(items: list[tuple]) -> tuple:
    """The parts of a note's items (texts and `NoteAmount`s), the items separated by `, `."""
    return tuple(p for i, item in enumerate(items) for p in ((", ",) if i else ()) + tuple(item))


class YearFileCommentsNote(ColumnNote):
    """The note that a row's comment shown is the year file's, its form answered without one
    (`_year_file_comments_note`): the controller's to know, which a document for the nämnd leaves out."""


def comments_of_the_year_file(store: Store, year: int, month: int) -> dict[tuple[str, str, str], object]:
    """The rows (forvaltning, vy, nyckel) whose form for `month` was answered without a comment while the year file
    gives the row's comment for that month, each with its answer (`Answer`): the year file's comment is the row's
    then (an answer and the year file are merged as one; only both giving it is an error), which `status` and
    `deviation --comments` showed as an answer's (found in review, h157)."""
    if year not in store.years:
        return {}
    answers = {(a.forvaltning, a.vy, a.nyckel): a for a in store.years[year].svar
               if a.manad == month and a.kommentar is None}
    if not answers:
        return {}
    given = store.comments.filter((pl.col("ar") == year) & (pl.col("manad") == month))
    return {k: answers[k] for k in zip(given["forvaltning"].to_list(), given["vy"].to_list(), given["nyckel"].to_list())
            if k in answers}


def _year_file_comments_note(store: Store, year: int, month: int | None, frame: pl.DataFrame, view: By) -> tuple:
    """A note on `kommentar` where a row shown answered its form without a comment and the year file gives the
    month's: the comment shown is the year file's, not the budget holder's (`comments_of_the_year_file`)."""
    if month is None or "kommentar" not in frame.columns or "forvaltning" not in frame.columns:
        return ()
    found = comments_of_the_year_file(store, year, month)
    if not found:
        return ()
    key = "forvaltning" if view is By.forvaltning else view.value
    shown = frame.filter(pl.col("radtyp").is_in(["rad", "forvaltning"]) & pl.col("kommentar").is_not_null())
    named = []
    for radtyp, fid, nyckel, namn in shown.select("radtyp", "forvaltning", pl.col(key).alias("_key"), "namn").rows():
        for f, vy, k in found:
            # a stab (verksamhet) by its key; a förvaltning shown as one row by its own form (a summa's)
            if f == fid and ((radtyp == "rad" and vy == view.value and k == nyckel)
                             or (radtyp == "forvaltning" and vy == "summa")):
                named.append(f"{namn} ({k} i {fid})" if vy != "summa" else f"{namn} ({fid})")
    if not named:
        return ()
    one = len(named) == 1
    said = listing(named)
    return (YearFileCommentsNote(f"Kommentaren {year}-{month:02d} för {said} är årsfilens: "
                       f"{'svaret på formuläret har' if one else 'svaren på formulären har'} ingen kommentar.",
                       "kommentar"),)


def _forecast_before_change_note(store: Store, year: int, period: int | None, frame: pl.DataFrame, view: By,
                                 unit: str, budget: BudgetMode, header: str) -> tuple[ColumnNote, ...]:
    """A note on `prognos_avvikelse` where a row's forecast was made before budget changes that moved its budget (decided
    after the forecast's month, up to the period): its deviation is measured against a budget the forecast did not know
    (found by an ekonom, h123: Ledningsstab's forecast of April, 22 298 tkr, showed +202 against the 22 500 of June's
    change, where in April it meant +1 702 against 24 000; only `--against` said so). Each row with the changes' net
    amount, and the budget and deviation the forecast had then, in `unit` as the table rounds it and as its förvaltning
    presents it (said as the table's figures: `AmountsNote`); grouped by the forecast's month."""
    needed = {"prognos_avvikelse", "prognos_period", "budget_helar", "radtyp", "forvaltning"}
    if not needed <= set(frame.columns) or budget is BudgetMode.original:
        return ()
    key = "forvaltning" if view is By.forvaltning else view.value
    rows = frame.filter(pl.col("radtyp").is_in(["rad", "forvaltning"]) & pl.col("prognos_period").is_not_null()
                        & pl.col("prognos_avvikelse").is_not_null())
    if rows.is_empty() or key not in rows.columns:
        return ()
    fids = rows["forvaltning"].unique().to_list()
    changes = _changes_of_rows(store, year, fids, view).filter(pl.col("manad") <= (period or 12))
    if changes.is_empty():
        return ()
    resultat = set(_resultat(store, year, fids))
    by_month: dict[str, tuple[list[tuple], list[tuple], list[str]]] = {}
    for fid, k, kind, name, made, helar, avvikelse in rows.select(
            "forvaltning", pl.col(key).alias("_nyckel"), "radtyp", "namn", "prognos_period", "budget_helar",
            "prognos_avvikelse").rows():
        later = _row_changes(changes, fid, k, kind, view).filter(pl.col("manad") > int(made[5:7]))
        moved = int(later["d_budget"].sum())
        if moved == 0:  # (none since the forecast, or changes that cancel out: the budget it knew)
            continue
        shown = -moved if fid in resultat else moved  # (as its förvaltning presents it: `budget_helar` is)
        moves, then, decisions = by_month.setdefault(made, ([], [], []))
        moves.append((f"{name} ", NoteAmount(shown, sign=True)))
        # the deviation is the same in both presentations: budget − prognos of the nettokostnad, less the changes
        then.append((f"{name} ", NoteAmount(avvikelse - moved), " (budget helår ", NoteAmount(helar - shown), ")"))
        decisions += [b for b in later["beslut"].unique(maintain_order=True).to_list() if b not in decisions]
    return tuple(AmountsNote((f"{header} mäter prognosen {made} mot budget helår efter budgetändringar beslutade efter "
                              f"den ({', '.join(decisions)}): ", *_listed(moves), ". Mot budgeten när prognosen gjordes "
                              "var avvikelsen ", *_listed(then), "."), unit, "prognos_avvikelse", "prognos")
                 for made, (moves, then, decisions) in sorted(by_month.items()))


def _require_forecast(budgets: Store, year: int, month: int, fids: list[str]) -> None:
    made = budgets.forecasts.filter((pl.col("ar") == year) & pl.col("forvaltning").is_in(fids))["manad"].unique().sort()
    if made.is_empty() or made.min() > month:
        have = ", ".join(f"{year}-{m:02d}" for m in made) or "none"
        raise UsageError(f"no forecast made up to {year}-{month:02d} in {budgets.year(year).fil} (forecasts: {have})")


def view_frame(budgets: Store, year: int, by: By, fids: list[str], staber: list[str] | None = None,
               amounts: pl.DataFrame | None = None, subtotals: bool | None = None,
               prefer_rows: bool = False) -> pl.DataFrame:
    """Rows of one year in one view with their blocks, subtotals and `Summa`; nettokostnad, öre.

    Columns: radtyp, forvaltning, nyckel, namn, block, pos, the money columns, kommentar.
    Each förvaltning's total is its declared `summa`, else the sum of its staber, else of its
    verksamheter; a gap between that total and the view's rows becomes an explicit row.
    With `staber`, only those stab rows are kept and the totals are their sums. `amounts` is
    the year's frame from `periods.resolve` (default: the whole year, adjusted budget).
    `subtotals` (default: when there are several förvaltningar) adds a subtotal to each
    förvaltning of more than one row. `prefer_rows` makes the view's own rows the total where
    they give a figure: year-to-date, rows spread by their own profiles need not add up to a
    summa spread by another.
    """
    by = By(by)
    if amounts is None:
        amounts = resolve(budgets, year)
    amounts = amounts.filter(pl.col("forvaltning").is_in(fids))
    money = [c for c, t in amounts.schema.items() if t == pl.Int64]
    stamps = [c for c in ("prognos_manad", "jmf_manad") if c in amounts.columns]  # month a forecast was made
    if staber:  # the rows of the view asked for (--stab, --verksamhet)
        amounts = amounts.filter((pl.col("vy") == by.value) & pl.col("nyckel").is_in(staber))
        fids = [f for f in fids if f in amounts["forvaltning"].unique().to_list()]
    keep = ["forvaltning", "nyckel", "namn", "ordning", *money, *stamps, "kommentar"]

    def stamp(c: str) -> pl.Expr:  # the month of the rows' forecasts; 0 where they were made in different months
        return pl.when(pl.col(c).drop_nulls().n_unique() > 1).then(pl.lit(0, amounts.schema[c])) \
            .otherwise(pl.col(c).max()).alias(c)

    def sums(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.group_by("forvaltning").agg(*(ex.exact_sum(c) for c in money), *(stamp(c) for c in stamps))

    declared = amounts.filter(pl.col("vy") == "summa").select(keep).with_columns(priority=pl.lit(0), _fp=pl.lit(0))
    derived = [
        sums(amounts.filter(pl.col("vy").is_in([view, f"ej_fordelat_{view}"]))).with_columns(
            priority=pl.lit(-1 if prefer_rows and view == by.value else i + 1), _fp=pl.lit(i + 1))
        for i, view in enumerate(("stab", "verksamhet"))
    ]
    # each figure of a total: the declared summa's, else the sum of the staber, else of the verksamheter
    # (year to date with `prefer_rows`, the view's rows first); a forecast is the förvaltning's own
    # where it made one, in every view, dated by it (its staber's forecasts that differ from it leave
    # a difference row)
    forecasts = [c for c in _FORECAST_OF.values() if c in money]
    columns = ["forvaltning", *money, *stamps, "kommentar", "priority", "_fp"]
    totals = (
        pl.concat([declared.select(columns),
                   *(d.with_columns(kommentar=pl.lit(None, pl.String)).select(columns) for d in derived)],
                  how="vertical_relaxed")
        .sort("priority")
        .group_by("forvaltning", maintain_order=True)
        .agg(pl.all().exclude(*stamps, *forecasts, "_fp").drop_nulls().first(),
             *(pl.col(c).sort_by("_fp").drop_nulls().first() for c in forecasts),
             *(pl.col(c).sort_by("_fp").filter(pl.col(_FORECAST_OF[c]).sort_by("_fp").is_not_null()).first()
               for c in stamps))
        .drop("priority")
    )
    summa_stamps = totals.select(*(stamp(c) for c in stamps))  # 0: made in different months
    # a förvaltning's total of forecasts made in different months has no month (`–`), whatever the view
    totals = totals.with_columns(pl.when(pl.col(c) == 0).then(None).otherwise(pl.col(c)).alias(c) for c in stamps)
    info = budgets.years[year]
    names = {fid: info.forvaltningar[fid].namn for fid in fids}
    notes = {fid: info.forvaltningar[fid].kommentar for fid in fids}
    totals = totals.with_columns(nyckel=pl.col("forvaltning"), namn=pl.col("forvaltning").replace_strict(names),
                                 kommentar=pl.coalesce("kommentar", pl.col("forvaltning").replace_strict(
                                     notes, return_dtype=pl.String)))

    if by is By.forvaltning:
        rows = totals.with_columns(radtyp=pl.lit("forvaltning"), pos=pl.lit(0))
        parts = [rows]
    else:
        view = by.value
        rows = amounts.filter(pl.col("vy").is_in([view, f"ej_fordelat_{view}"])).with_columns(
            radtyp=pl.when(pl.col("vy") == view).then(pl.lit("rad")).otherwise(pl.lit("ej_fordelat")),
            pos=pl.when(pl.col("vy") == view).then(pl.col("ordning")).otherwise(BLOCK_END),
        ).select("radtyp", "pos", *keep).drop("ordning")
        gap = (
            totals.join(sums(rows), on="forvaltning", suffix="_rader")
            .with_columns(*((pl.col(c) - pl.col(f"{c}_rader")).alias(c) for c in money))
            .filter(pl.any_horizontal(pl.col(c).fill_null(0) != 0 for c in ("budget", "utfall", *forecasts)))
            .select("forvaltning", *money, *(pl.lit(None, amounts.schema[c]).alias(c) for c in stamps))
            .with_columns(radtyp=pl.lit("differens"), pos=pl.lit(BLOCK_END + 1), nyckel=pl.lit("differens"),
                          namn=pl.lit("Differens mot förvaltningens summa"), kommentar=pl.lit(None, pl.String))
        )
        alone = totals.filter(~pl.col("forvaltning").is_in(rows["forvaltning"].unique().implode())).with_columns(
            radtyp=pl.lit("forvaltning"), pos=pl.lit(0))
        parts = [rows, gap, alone]
        if len(fids) > 1 if subtotals is None else subtotals:
            counts = pl.concat([p.select("forvaltning") for p in parts]).group_by("forvaltning").len()
            # (a förvaltning of one view row is named by its subtotal too: its row alone is a verksamhet's name, and
            # its own forecast and comments are on the subtotal; found by a new user)
            several = pl.concat([counts.filter(pl.col("len") > 1)["forvaltning"], rows["forvaltning"]]).unique().implode()
            # (of the whole förvaltning only: a selection's one stab is not all of it; found in review)
            one = counts.filter(pl.col("len") == 1)["forvaltning"].implode() if not staber else pl.Series([], dtype=pl.String).implode()
            parts.append(totals.filter(pl.col("forvaltning").is_in(several)).with_columns(
                radtyp=pl.lit("delsumma"), pos=pl.lit(BLOCK_END + 2), namn=pl.lit("Summa ") + pl.col("forvaltning"),
                # (the förvaltning's own comment where its one row is all of it, as its forecast is)
                kommentar=pl.when(pl.col("forvaltning").is_in(one)).then(pl.col("kommentar"))
                .otherwise(pl.lit(None, pl.String))))

    columns = ["radtyp", "forvaltning", "nyckel", "namn", "pos", *money, *stamps, "kommentar"]
    frame = pl.concat([p.select(columns) for p in parts], how="vertical_relaxed")
    summa = totals.select(*(ex.exact_sum(c) for c in money)).with_columns(
        *(pl.lit(summa_stamps[c][0], amounts.schema[c]).alias(c) for c in stamps)).with_columns(
        *(pl.when(pl.col(c) == 0).then(None).otherwise(pl.col(c)).alias(c) for c in stamps)).with_columns(
        radtyp=pl.lit("summa"), forvaltning=pl.lit(None, pl.String), nyckel=pl.lit("Summa"),
        namn=pl.lit("Summa"), pos=pl.lit(0), kommentar=pl.lit(None, pl.String))
    frame = pl.concat([frame.with_columns(block=_ordered(fids)),
                       summa.select(columns).with_columns(block=pl.lit(len(fids) + 1, pl.Int32))], how="vertical_relaxed")
    return frame.sort("block", "pos")


_FORECAST_OF = {"prognos_manad": "prognos", "jmf_manad": "jmf_prognos"}  # a forecast's month → its figure


def _resultat(budgets: Store, year: int, fids: list[str]) -> list[str]:
    """The förvaltningar of `fids` presented as resultat; one that is not in `year` is presented as
    in the latest year that has it."""
    def presentation(fid: str) -> str:
        info = budgets.years[year] if fid in budgets.years[year].forvaltningar else next(
            i for y, i in sorted(budgets.years.items(), reverse=True) if fid in i.forvaltningar)
        return info.forvaltningar[fid].redovisas_som

    return [f for f in fids if presentation(f) == "resultat"]


def summa_sign(budgets: Store, year: int, fids: list[str]) -> int:
    """−1 when the total of `fids` is presented as resultat (every one of them is), else 1."""
    return -1 if len(_resultat(budgets, year, fids)) == len(fids) else 1


def _sign(budgets: Store, year: int, fids: list[str]) -> pl.Expr:
    """1 for nettokostnad, −1 for resultat; the Summa row is resultat only if every förvaltning is."""
    return (
        pl.when(pl.col("radtyp") == "summa").then(pl.lit(summa_sign(budgets, year, fids)))
        .when(pl.col("forvaltning").is_in(_resultat(budgets, year, fids))).then(pl.lit(-1))
        .otherwise(pl.lit(1))
    )


def _presentation(budgets: Store, year: int, fids: list[str]) -> pl.Expr:
    return pl.when(_sign(budgets, year, fids) == -1).then(pl.lit("resultat")).otherwise(pl.lit("nettokostnad")).alias("redovisas_som")


def _align(new: pl.DataFrame, old: pl.DataFrame, fids: list[str]) -> pl.DataFrame:
    """Outer-join two view frames row by row (radtyp, förvaltning, key), in the order of `fids`.

    A row of only one year keeps its place; `old`'s columns other than the key and the
    placement (namn, block, pos) must not clash with `new`'s. A förvaltning's total stands on the same
    row in both years: where one year has its subtotal and the other not (its rows changed in number,
    or it shows the förvaltning as one row because it had no rows of the view), that year's subtotal is
    made of its rows; a förvaltning shown as one row is then that subtotal, not a row of its own.
    Without subtotals (one förvaltning), the Summa is its total.
    """
    def placed(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(block=pl.when(pl.col("radtyp") == "summa").then(len(fids) + 1).otherwise(_ordered(fids)))

    kind = pl.col("radtyp")

    def having(frame: pl.DataFrame, kinds: list[str]) -> set[str]:
        return set(frame.filter(kind.is_in(kinds))["forvaltning"].drop_nulls().to_list())

    rows = ["rad", "ej_fordelat", "differens"]
    one = {"new": having(new, ["forvaltning"]), "old": having(old, ["forvaltning"])}
    switched = (one["old"] & having(new, rows)) | (one["new"] & having(old, rows))  # one row in a year, rows in the other
    if len(fids) > 1:
        need = (having(new, ["delsumma"]) ^ having(old, ["delsumma"])) | switched
        # this year's one-row förvaltning stays a row (the unit --fail-over, comments, forms and --top answer
        # for), its subtotal a copy of it; the earlier year's becomes its subtotal
        new = _with_subtotals(new, need - having(new, ["delsumma"]), fold=False)
        old = _with_subtotals(old, need - having(old, ["delsumma"]))
    else:  # the previous year's förvaltning as one row, beside this year's rows: its figure is the Summa's
        old = old.filter(~((kind == "forvaltning") & pl.col("forvaltning").is_in(list(switched))))

    return (
        placed(new).join(placed(old), on=["radtyp", "forvaltning", "nyckel"], how="full", coalesce=True,
                         nulls_equal=True, suffix="_old")
        # a row of the earlier year only after this year's rows of its block, in its own year's order: positions of
        # two files are not one order (found by a new user: a retired 110 stood before 100)
        .with_columns(namn=pl.coalesce("namn", "namn_old"), block=pl.coalesce("block", "block_old"),
                      pos=pl.when(pl.col("pos").is_null() & (pl.col("pos_old") < BLOCK_END))
                      .then(pl.col("pos_old") + BLOCK_END // 2).otherwise(pl.coalesce("pos", "pos_old")))
        .drop("namn_old", "block_old", "pos_old")
        .sort("block", "pos")
    )


def _with_subtotals(frame: pl.DataFrame, fids: set[str], fold: bool = True) -> pl.DataFrame:
    """`frame` (a view frame) with a subtotal row (`delsumma`) for each förvaltning of `fids`, made of its
    rows; with `fold`, a förvaltning shown as one row becomes that subtotal (else it stays, beside it).
    A figure no row has stays empty."""
    if not fids:
        return frame
    kind, chosen = pl.col("radtyp"), pl.col("forvaltning").is_in(sorted(fids))
    figures = [c for c, t in frame.schema.items() if t.is_numeric() and c not in ("block", "pos")]
    parts = frame.filter(chosen & kind.is_in(["rad", "ej_fordelat", "differens", "forvaltning"]))
    sums = (parts.group_by("forvaltning", maintain_order=True)
            .agg(*(pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).alias(c) for c in figures),
                 *([pl.col("kommentar").filter(kind == "forvaltning").first() if fold else
                    pl.lit(None, pl.String).alias("kommentar")] if "kommentar" in frame.columns else []))
            .with_columns(radtyp=pl.lit("delsumma"), nyckel=pl.col("forvaltning"), namn=pl.lit("Summa ") + pl.col("forvaltning"),
                          pos=pl.lit(BLOCK_END + 2, frame.schema["pos"]),
                          **({"block": pl.lit(0, frame.schema["block"])} if "block" in frame.columns else {})))
    rest = frame.filter(~(chosen & (kind == "forvaltning"))) if fold else frame  # (folded: the row is its subtotal)
    return pl.concat([rest, sums.select(frame.columns)], how="vertical_relaxed")


GROSS_LINE_COLUMNS = {"radtyp", "forvaltning", "nyckel", "namn", "redovisas_som", "block", "pos", "budget", "utfall",
                      "avvikelse", "avvikelse_pct", "budget_kostnader", "budget_intakter", "utfall_kostnader",
                      "utfall_intakter"}


def _gross_lines(frame: pl.DataFrame, of_parts: dict[str, str]) -> pl.DataFrame:
    """Interleave `varav kostnader` / `varav intäkter` lines after each row with gross amounts.
    `of_parts`: a line's figure (`utfall_2023`, `budget_helar`) → the prefix of its row's gross columns
    (`utfall_2023_kostnader`); a figure without gross columns (a forecast, a share) is empty on the lines."""
    lines = [frame.with_columns(sub=pl.lit(0))]
    net_only = [c for c in frame.columns if c not in GROSS_LINE_COLUMNS and c not in of_parts
                and frame.schema[c] in (pl.Int64, pl.Int128, pl.Float64, pl.String) and c != "kommentar"]
    for part, label, deviation, sub in (("kostnader", "varav kostnader", ex.avvikelse(), 1),
                                        ("intakter", "varav intäkter", ex.avvikelse_intakt(), 2)):
        has = frame.filter(pl.col(f"budget_{part}").is_not_null() | pl.col(f"utfall_{part}").is_not_null())
        lines.append(
            has.with_columns(
                radtyp=pl.lit(part), namn=pl.lit(label), kommentar=pl.lit(None, pl.String), sub=pl.lit(sub),
                budget=pl.col(f"budget_{part}"), utfall=pl.col(f"utfall_{part}"),
                **{col: pl.col(f"{src}_{part}") for col, src in of_parts.items()},
            ).with_columns(deviation, *(pl.lit(None, frame.schema[c]).alias(c) for c in net_only))
            .with_columns(*ex.percent_of("avvikelse", "budget", "avvikelse_pct"))
        )
    return pl.concat(lines, how="vertical_relaxed").sort("block", "pos", "sub").drop("sub")


GROSS_YEAR = {"budget_helar_kostnader": "budget_kostnader", "budget_helar_intakter": "budget_intakter"}


def _with_gross_year(budgets: Store, year: int, month: int, mode: BudgetMode, amounts: pl.DataFrame) -> pl.DataFrame:
    """`amounts` (`periods.resolve` of a period) with each row's year budget in kostnader and intäkter, öre,
    each positive (GROSS_YEAR): as its `budget_helar` is, adjusted by the changes decided up to `month` or as
    first decided; null where the budget is net only, or where the two do not give `budget_helar` to the öre.
    So a `varav` line has its Budget helår where the year's budget is known gross (found by a controller:
    `–` beside a gross budget in the year file or a budget table)."""
    annual = budget_at(budgets, year, month) if mode is BudgetMode.justerad else \
        budgets.amounts.filter(pl.col("ar") == year)
    gross = annual.select(*KEY_COLUMNS, *(pl.col(src).alias(col) for col, src in GROSS_YEAR.items()))
    kostnader, intakter = (pl.col(c) for c in GROSS_YEAR)
    exact = (kostnader - intakter) == pl.col("budget_helar")
    return amounts.join(gross, on=KEY_COLUMNS, how="left").with_columns(
        pl.when(exact).then(pl.col(c)).alias(c) for c in GROSS_YEAR)


def deviation_report(budgets: Store, year: int, by: By = By.stab, forvaltning: list[str] | None = None,
                     gross: bool = False, staber: list[str] | None = None, period: int | None = None,
                     budget: BudgetMode = BudgetMode.justerad, against: int | None = None,
                     verksamheter: list[str] | None = None) -> pl.DataFrame:
    """Budget against utfall, öre: avvikelse = budget − utfall (positive = överskott).

    Columns: radtyp, forvaltning, <by>, namn, redovisas_som, budget, utfall, avvikelse,
    avvikelse_pct (of |budget|), andel_pct (of the total nettokostnad), utfall_<year−1> (the same
    months) when that year's file exists, kommentar. With `period` (month 1–12) budget and utfall
    are year-to-date and budget_helar, prognos, prognos_period, prognos_avvikelse (budget_helar −
    prognos) follow. With `against` (a month of the year): jmf_prognos, jmf_avvikelse (the annual
    budget as adjusted then − that forecast) and avvikelse_forandring: how far the deviation moved
    since (the year's avvikelse, or with a period the current forecast's prognos_avvikelse, minus
    jmf_avvikelse).
    """
    selection.a_store(budgets)  # (a folder's name here: what it takes, found in review)
    selection.a_month(period)  # (the frames take what the reports refuse: found in review, h126)
    selection.a_month(against, "against")
    by = By(by)
    fids = forvaltningar(budgets, year, forvaltning)
    staber = _selected(budgets, year, by, staber, verksamheter)
    _require_view(budgets, year, by, fids)
    if against is not None:
        _require_forecast(budgets, year, against, fids)
        if period is not None and against > period:
            raise UsageError(f"the forecast of {year}-{against:02d} was made after the period {year}-{period:02d}; "
                             "compare with a forecast made up to the period")
    fids = _holding(budgets, year, by.value, fids, staber, forvaltning)
    amounts = resolve(budgets, year, period, BudgetMode(budget), against)
    if gross and period is not None:  # the varav lines' Budget helår
        amounts = _with_gross_year(budgets, year, period, BudgetMode(budget), amounts)
    cur = view_frame(budgets, year, by, fids, staber, amounts, prefer_rows=period is not None)
    if period is None:
        cur = cur.drop("budget_helar", "prognos", "prognos_manad")
    if against is None:
        cur = cur.drop([c for c in ("jmf_prognos", "jmf_manad", "jmf_budget") if c in cur.columns])
    prev_year = year - 1
    amounts_cols = ["budget", "utfall", "budget_helar", "prognos", "jmf_prognos"]
    if prev_year in budgets.years and booked_through(budgets, prev_year, period):
        prev_fids = [f for f in fids if f in budgets.years[prev_year].forvaltningar]
        if prev_fids:
            prev_col = f"utfall_{prev_year}"
            amounts_cols.append(prev_col)
            prev = view_frame(budgets, prev_year, by, prev_fids, staber,
                              resolve(budgets, prev_year, period, strict=False), subtotals=len(fids) > 1,
                              prefer_rows=period is not None)
            own = cur.select("radtyp", "forvaltning", "nyckel").with_columns(_own=pl.lit(True))
            cur = _align(cur, prev.select(
                "radtyp", "forvaltning", "nyckel", "namn", "block", "pos", pl.col("utfall").alias(prev_col),
                *(pl.col(f"utfall_{g}").alias(f"{prev_col}_{g}") for g in ("kostnader", "intakter")),
                # the previous year's deviation as its file gives it (same months): same sign in both presentations
                ex.avvikelse().alias(f"avvikelse_{prev_year}")), fids)
            # a row of the previous year only, whose figure for these months is unknown (a year given whole), has
            # nothing to show: not a row of – (found by a new user)
            cur = cur.join(own, on=["radtyp", "forvaltning", "nyckel"], how="left", nulls_equal=True).filter(
                pl.col("_own").fill_null(False) | (pl.col("radtyp") != "rad") | pl.col(prev_col).is_not_null()
            ).drop("_own")
            if staber:  # a förvaltning of both years none of whose staber chosen is in the year before (begun since): its
                # subtotal of them is 0 that year, as Summa valda staber counts them (`_absent_rows_note`)
                none = (pl.col("radtyp") == "delsumma") & pl.col(prev_col).is_null() & pl.col("forvaltning").is_in(prev_fids)
                cur = cur.with_columns(pl.when(none).then(pl.lit(0, pl.Int64)).otherwise(pl.col(c)).alias(c)
                                       for c in (prev_col, f"{prev_col}_kostnader", f"{prev_col}_intakter",
                                                 f"avvikelse_{prev_year}") if c in cur.columns)
            # what a förvaltning booked without the view's key (`Ej fördelat på stab`) where the year before has facts
            # with accounts and none such: 0 that year, as an account new this year is in a cut by konto (it was –,
            # its parts by konto too, beside a new account's 0; found in review, h151). Where the year before is
            # typed per row it stays –: its rows do not tell what was booked without one.
            booked = [f for f in prev_fids if f in budgets.ledger.forvaltningar(prev_year, "utfall")]
            both = [f for f in booked if f in budgets.ledger.forvaltningar(prev_year, "budget")]  # (its deviation)
            # so too where the year before is typed per row in its file, every row of the view with the figure and no
            # gap to its summa (no `differens`): its file has nothing unallocated that year, and its Summa is the rows'
            # sum. The row was – beside its own budget of 0,0 and a Summa that counts it as 0, where compare shows
            # 0,0 (found in review, h161)
            gapped = set(prev.filter(pl.col("radtyp") == RowKind.differens.value)["forvaltning"].to_list())
            rows = prev.filter((pl.col("radtyp") == RowKind.rad.value) & ~pl.col("forvaltning").is_in(sorted(gapped)))
            typed = {art: [f for f in prev_fids if f not in booked and not (own_rows := rows.filter(
                pl.col("forvaltning") == f)).is_empty() and own_rows[art].is_not_null().all()] for art in ("budget", "utfall")}
            booked += typed["utfall"]
            both += [f for f in typed["utfall"] if f in typed["budget"]]
            rest = (pl.col("radtyp") == RowKind.ej_fordelat.value) & pl.col(prev_col).is_null()
            cur = cur.with_columns(
                pl.when(rest & pl.col("forvaltning").is_in(both if c == f"avvikelse_{prev_year}" else booked))
                .then(pl.lit(0, pl.Int64)).otherwise(pl.col(c)).alias(c)
                for c in (prev_col, f"{prev_col}_kostnader", f"{prev_col}_intakter", f"avvikelse_{prev_year}")
                if c in cur.columns)
    total_utfall = pl.col("utfall").filter(pl.col("radtyp") == "summa").first()
    frame = cur.with_columns(ex.avvikelse(), *ex.share("utfall", total_utfall))
    frame = frame.with_columns(*ex.percent_of("avvikelse", "budget", "avvikelse_pct"))
    extra: list[str] = []
    if period is not None:
        frame = frame.with_columns(
            prognos_period=pl.when(pl.col("prognos_manad").is_not_null() & pl.col("prognos").is_not_null())
            .then(pl.format(f"{year}-{{}}", pl.col("prognos_manad").cast(pl.String).str.zfill(2))),
            prognos_avvikelse=pl.col("budget_helar") - pl.col("prognos"),
        )
        extra += ["budget_helar", "prognos", "prognos_period", "prognos_avvikelse"]
    if against is not None:
        # during the year the current deviation is the latest forecast's; at year end the outcome's
        current = pl.col("prognos_avvikelse") if period is not None and period < 12 else pl.col("avvikelse")
        frame = frame.with_columns(jmf_avvikelse=pl.col("jmf_budget") - pl.col("jmf_prognos")).with_columns(
            avvikelse_forandring=current - pl.col("jmf_avvikelse"))
        extra += ["jmf_prognos", "jmf_avvikelse", "avvikelse_forandring"]
    sign = _sign(budgets, year, fids)
    present = [c for c in amounts_cols if c in frame.columns]
    frame = frame.with_columns(_presentation(budgets, year, fids), *(ex.presented(c, sign) for c in present))
    prev_cols = [c for c in frame.columns if c == f"utfall_{prev_year}"]
    gross_cols = ["budget_kostnader", "budget_intakter", "utfall_kostnader", "utfall_intakter"]
    optional = [*gross_cols, *(c for c in frame.columns if c == f"avvikelse_{prev_year}")]
    if gross:
        of_parts = {c: c for c in prev_cols}
        if GROSS_YEAR.keys() <= set(frame.columns):  # (with a period)
            of_parts["budget_helar"] = "budget_helar"
        frame = _gross_lines(frame, of_parts)
    key = by.value
    columns = ["radtyp", *([] if by is By.forvaltning else ["forvaltning"]), pl.col("nyckel").alias(key), "namn",
               "redovisas_som", "budget", "utfall", "avvikelse", "avvikelse_pct", "andel_pct", *prev_cols, *extra,
               "kommentar", *optional, "avvikelse_pct" + EXACT, "andel_pct" + EXACT]
    return frame.select(columns)


def compare_report(budgets: Store, base_year: int, year: int, by: By = By.stab,
                   forvaltning: list[str] | None = None, period: int | None = None,
                   staber: list[str] | None = None, verksamheter: list[str] | None = None) -> pl.DataFrame:
    """Utfall of two years side by side, öre: forandring = utfall_<year> − utfall_<base_year>.

    Columns: radtyp, forvaltning, <by>, namn, redovisas_som, utfall_<base>, utfall_<year>,
    forandring, forandring_pct (null when the base is ≤ 0), andel_<base>_pct, andel_<year>_pct
    (shares of each year's total nettokostnad). With `period` (a month), both years up to and
    including that month; a base year given per year only then has no figures. `staber` (or
    `verksamheter`) keeps only those rows of the view.
    """
    selection.a_store(budgets)  # (a folder's name here: what it takes, found in review)
    selection.a_month(period)
    by = By(by)
    fids, base_fids = _of_either(budgets, base_year, year, forvaltning)
    try:
        staber = _selected(budgets, year, by, staber, verksamheter)
    except UsageError:  # a stab or verksamhet of the earlier year only (ended between the years) is compared too
        keys, view = (staber, "stab") if staber else (verksamheter, "verksamhet")
        if not keys or (staber and verksamheter) or by.value != view or base_year not in budgets.years \
                or not set(keys) <= _keys_of(budgets, base_year, view) | _keys_of(budgets, year, view):
            raise
        staber = keys
    if staber:  # the förvaltningar that hold the selected rows, in each year
        fids, base_fids = _holders(budgets, base_year, year, by.value, fids, base_fids, staber, forvaltning)
        if fids:
            _require_view(budgets, year, by, fids)
    elif fids or not base_fids:
        _require_view(budgets, year, by, fids)
    else:  # förvaltningar of the earlier year only: its view is what is shown
        _require_view(budgets, base_year, by, base_fids)
    several = len(set(fids) | set(base_fids)) > 1
    a, b = f"utfall_{base_year}", f"utfall_{year}"
    ua, ub = f"andel_{base_year}_pct", f"andel_{year}_pct"
    frames = []
    if base_year != year and not booked_through(budgets, base_year, period):
        booked = last_month_complete(budgets, base_year)
        raise UsageError(f"utfall {base_year} is booked only up to {base_year}-{booked:02d}, so the same months of "
                         f"{year} cannot be compared; use --period {year}-{booked:02d}")
    all_fids = fids + [f for f in base_fids if f not in fids]
    for y, col, share_col, ids in ((base_year, a, ua, base_fids), (year, b, ub, fids)):
        amounts = resolve(budgets, y, period, strict=y == year)
        v = view_frame(budgets, y, by, ids, staber, amounts=amounts, subtotals=several, prefer_rows=period is not None)
        # a difference from the förvaltning's summa in its budget or forecast alone is none in utfall
        v = v.filter((pl.col("radtyp") != "differens") | (pl.col("utfall").fill_null(0) != 0))
        total = pl.col("utfall").filter(pl.col("radtyp") == "summa").first()
        # both years as the later year presents each förvaltning (one that changed from nettokostnad to resultat
        # is compared in one convention), and the Summa of both as that of every förvaltning compared
        v = v.with_columns(*ex.share("utfall", total, share_col)).with_columns(
            ex.presented("utfall", _sign(budgets, year, all_fids))).rename({"utfall": col})
        frames.append(v.select("radtyp", "forvaltning", "nyckel", "namn", "block", "pos", col, share_col,
                               share_col + EXACT))
    old, new = frames
    frame = new if base_year == year else _align(new, old, all_fids)
    if base_year != year:
        frame = _one_year_rows(frame, new, old, (a, ua), (b, ub))
        if staber:  # a förvaltning of a year none of whose rows chosen is in that year's file (begun or ended
            # between the years): its subtotal of them is 0 that year, as Summa valda staber counts them and as
            # `deviation` shows it (`_absent_rows_note`; found in review: `Summa BUF … –` under that note)
            total = {col: pl.col(col).filter(pl.col("radtyp") == "summa").first() for col in (a, b)}
            for y, col, share_col in ((base_year, a, ua), (year, b, ub)):
                none = ((pl.col("radtyp") == "delsumma") & pl.col(col).is_null()
                        & pl.col("forvaltning").is_in(list(budgets.years[y].forvaltningar)))
                zero = total[col].is_not_null() & (total[col] != 0)
                frame = frame.with_columns(
                    pl.when(none).then(pl.lit(0, pl.Int64)).otherwise(pl.col(col)).alias(col),
                    *(pl.when(none & zero).then(pl.lit(0.0) if c == share_col else pl.lit(0).cast(frame.schema[c]))
                      .otherwise(pl.col(c)).alias(c) for c in (share_col, share_col + EXACT)))
    frame = frame.with_columns((pl.col(b) - pl.col(a)).alias("forandring"), *ex.change_percent(b, a))
    frame = frame.with_columns(_presentation(budgets, year, all_fids))
    key = by.value
    columns = ["radtyp", *([] if by is By.forvaltning else ["forvaltning"]), pl.col("nyckel").alias(key), "namn",
               "redovisas_som", a, *([b] if a != b else []), "forandring", "forandring_pct",
               ua, *([ub] if ua != ub else []), "forandring_pct" + EXACT, ua + EXACT, *([ub + EXACT] if ua != ub else [])]
    return frame.sort("block", "pos").select(columns)


def _one_year_rows(frame: pl.DataFrame, new: pl.DataFrame, old: pl.DataFrame, *years: tuple[str, str]) -> pl.DataFrame:
    """The rows of `compare` (`frame`, the two years' view frames `new` and `old` aligned) that one year has and the
    other not, as they are to be shown; `years`: each year's (figure, share) columns, the earlier first.

    - A row of the earlier year only whose figure for these months is unknown (a year given whole) has nothing
      to show: not a row of – (found by a new user: a retired stab). A row of the later year stays, as its
      förvaltning's other rows show it.
    - The rest not distributed on the view's rows (Ej fördelat) of one year only is 0 in the other, where the
      förvaltning is in that year with its total known: that year distributed all of it (the row's change was –,
      and the rows' changes did not add up to the förvaltning's; found by a year-end user, and in review: of the
      förvaltning's own total, not the Summa of all), and its rows of the view that year all known."""
    keys = ["radtyp", "forvaltning", "nyckel"]
    marked = frame.join(new.select(keys).with_columns(_ny=pl.lit(True)), on=keys, how="left", nulls_equal=True)
    (a, _), _ = years
    # (an earlier year's rest whose figure is unknown too: nothing to show; found in review)
    frame = marked.filter(~pl.col("radtyp").is_in(["rad", "ej_fordelat"]) | pl.col("_ny").fill_null(False)
                          | pl.col(a).is_not_null()).drop("_ny")
    several = frame["radtyp"].is_in(["delsumma"]).any()
    total = pl.col("radtyp").is_in(["delsumma", "forvaltning"]) if several else pl.col("radtyp") == "summa"
    rest = pl.col("radtyp") == "ej_fordelat"
    for (figure, share), of_year in zip(years, (old, new)):
        # a förvaltning with rows of the view that year, each of them known: its rows hold all of its total (one
        # without rows that year has all of it undistributed, and one with a row given for the whole year has
        # an unknown rest; found in review)
        rows = of_year.filter(pl.col("radtyp") == "rad").group_by("forvaltning").agg(pl.col(figure).is_not_null().all())
        whole_rows = rows.filter(pl.col(figure))["forvaltning"].to_list()
        known = pl.col(figure).filter(total).drop_nulls().first().over("forvaltning") if several else \
            pl.col(figure).filter(total).first()
        fill = rest & pl.col(figure).is_null() & pl.col("forvaltning").is_in(whole_rows) & known.is_not_null()
        whole = pl.col(figure).filter(pl.col("radtyp") == "summa").first().is_not_null()  # a share of a Summa known
        frame = frame.with_columns(pl.when(fill).then(0).otherwise(pl.col(figure)).alias(figure),
                                   *(pl.when(fill & whole).then(0).otherwise(pl.col(c)).alias(c) for c in (share, share + EXACT)))
    return frame


def _holders(budgets: Store, base_year: int, year: int, view: str, fids: list[str], base_fids: list[str],
             keys: list[str], forvaltning: list[str] | None) -> tuple[list[str], list[str]]:
    """The förvaltningar of `fids` (the later year) and of `base_fids` (the earlier) that hold the rows
    `keys` of `view` select, each year on its own: a key of one year only (a stab begun or closed between
    them) is shown with the other year empty. A key the later year has is taken in the earlier year from
    the same förvaltningar only; UsageError as `_holding` for the later year's keys, and when no
    förvaltning holds any."""
    def pairs(y: int, ids: list[str]) -> set[tuple[str, str]]:
        rows = budgets.amounts.filter((pl.col("ar") == y) & (pl.col("vy") == view) & pl.col("nyckel").is_in(keys)
                                      & pl.col("forvaltning").is_in(ids))
        return set(zip(rows["forvaltning"].to_list(), rows["nyckel"].to_list()))

    later = pairs(year, fids)
    later_keys = [k for k in keys if any(n == k for _, n in later)]
    held = _holding(budgets, year, view, fids, later_keys, forvaltning) if later_keys else []
    base = pairs(base_year, base_fids) if base_year in budgets.years else set()
    chosen: set[str] = set()
    for key in keys:  # a row is a förvaltning's: a stab moved to another förvaltning is another row
        there, now = {f for f, n in base if n == key}, {f for f, n in later if n == key}
        chosen |= there & now if now else there
    if not held and not chosen:
        raise UsageError(f"{view} {', '.join(keys)} is not in förvaltning {', '.join(forvaltning or fids or base_fids)}")
    return held, [f for f in base_fids if f in chosen]


def _keys_of(budgets: Store, year: int, view: str) -> set[str]:
    """The keys of `view`'s rows (stab or verksamhet) in `year`."""
    return set(budgets.amounts.filter((pl.col("ar") == year) & (pl.col("vy") == view))["nyckel"].to_list())


def _of_either(budgets: Store, base_year: int, year: int, wanted: list[str] | None) -> tuple[list[str], list[str]]:
    """The förvaltningar of the later year and of the earlier one to compare, `wanted` or all: one that
    only one of the years has is compared with nothing (a förvaltning begun or ended between them);
    UsageError for one that neither has."""
    if not wanted:
        return forvaltningar(budgets, year, None), forvaltningar(budgets, base_year, None) if base_year in budgets.years else []
    have = {y: set(budgets.years[y].forvaltningar) if y in budgets.years else set() for y in (base_year, year)}
    unknown = [f for f in wanted if f not in have[year] | have[base_year]]
    if unknown:
        forvaltningar(budgets, year, unknown)  # the later year's message (with its suggestion)
    return ([f for f in budgets.year(year).forvaltningar if f in wanted],
            [f for f in budgets.years[base_year].forvaltningar if f in wanted] if base_year in budgets.years else [])


def sort_by_change(frame: pl.DataFrame) -> pl.DataFrame:
    """The same rows, each block's own rows ordered by |forandring|, biggest movers first."""
    movable = pl.col("radtyp").is_in(["rad", "ej_fordelat", "differens", "forvaltning"])
    rank = pl.when(movable).then(-pl.col("forandring").abs().fill_null(0)).otherwise(None)
    block = pl.when(pl.col("radtyp") == "summa").then(pl.lit(None, pl.String)).otherwise(pl.col("forvaltning")) \
        if "forvaltning" in frame.columns else pl.lit(None, pl.String)
    keyed = frame.with_row_index("_i").with_columns(_b=block, _r=rank, _m=~movable)
    first = keyed.group_by("_b", maintain_order=True).agg(pl.col("_i").min().alias("_bi"))
    return (keyed.join(first, on="_b", how="left", nulls_equal=True)
            .sort("_bi", "_m", "_r", "_i").drop("_i", "_b", "_r", "_m", "_bi"))


def budget_changes_report(budgets: Store, year: int, forvaltning: list[str] | None = None,
                          month: int | None = None) -> pl.DataFrame:
    """Each budget change (ombudgetering) line of a year, öre, and the sum per förvaltning; with `month`, those
    decided up to and including it (the changes a report of that period counts in its budget).

    belopp is the amount as decided, of its post (kostnader, intakter or netto); netto is its
    effect on the budget as the förvaltning presents it (nettokostnad, or resultat for a resultat
    förvaltning): a negative netto lowers a nettokostnad budget; the summa rows add up netto.
    Columns: radtyp (rad | summa), datum, beslut, forvaltning, stab, verksamhet, post, belopp, netto, text; konto
    and kostnadsslag after verksamhet where a line shown names one (the part of the ledger it is put on).
    """
    from kfollow.engine import cuts

    selection.a_store(budgets)  # (a folder's name here: what it takes, found in review)
    selection.a_month(month, "month")
    fids = forvaltningar(budgets, year, forvaltning)
    lines = (
        # a line's rows (its stab, verksamhet and the summa it also moves) are one line; the summa alone
        # is the line of a förvaltning written as its summa
        budgets.changes.filter((pl.col("ar") == year) & pl.col("forvaltning").is_in(fids)
                               & (pl.col("manad") <= (month or 12)))
        .group_by("rad", maintain_order=True)
        .agg(pl.col("datum").first(), pl.col("beslut").first(), pl.col("forvaltning").first(),
             pl.col("nyckel").filter(pl.col("vy") == "stab").first().alias("stab"),
             pl.col("nyckel").filter(pl.col("vy") == "verksamhet").first().alias("verksamhet"),
             pl.col("konto").first(), pl.col("kostnadsslag").first(),
             pl.col("post").first(), pl.col("belopp").first(), pl.col("d_budget").first().alias("netto"),
             pl.col("text").first())
        # a line's kostnadsslag follows from its konto by the year's kostnadsslag, as every cut puts it (found in
        # review: a line of konto 4120 alone showed no kostnadsslag, where the cuts count it in kop_material)
        .with_columns(radtyp=pl.lit("rad"), kostnadsslag=pl.coalesce(
            cuts.kostnadsslag_expr(budgets.year(year).kostnadsslag), pl.col("kostnadsslag")))
        .with_columns(ex.presented("netto", _sign(budgets, year, fids)))
        .sort("datum", "rad")
    )
    # (each förvaltning's sum in the year file's order of förvaltningar, not of its first change: found by a new user)
    sums = lines.group_by("forvaltning").agg(pl.col("netto").sum()).sort(_ordered(fids)).with_columns(
        radtyp=pl.lit("summa"), beslut=pl.lit("Summa ombudgeteringar"))
    # (a line's konto or kostnadsslag only where one is given: the columns of a year without them are as they were)
    ledger = [c for c in ("konto", "kostnadsslag") if lines[c].is_not_null().any()]
    columns = ["radtyp", "datum", "beslut", "forvaltning", "stab", "verksamhet", *ledger, "post", "belopp", "netto",
               "text"]
    return pl.concat([lines, sums], how="diagonal_relaxed").select(columns)


def _month_totals(budgets: Store, year: int, months: list[int], fids: list[str],
                  staber: list[str] | None, view: str = "stab") -> pl.DataFrame:
    """The selection's total per month of `months`, year to date, öre, nettokostnad (columns manad,
    budget, utfall): the Summa row of `deviation_report(..., period=m)` by stab for every m at once.
    Each förvaltning's figure is its staber's sum, else its summa, else its verksamheter's sum.
    `staber` keeps only those rows of `view` (stab, or verksamhet for --verksamhet)."""
    rows = year_to_date_by_month(budgets, year, months).filter(pl.col("forvaltning").is_in(fids))
    if staber:
        rows = rows.filter((pl.col("vy") == view) & pl.col("nyckel").is_in(staber))
    priority = {"stab": -1, "summa": 0, "verksamhet": 2}
    per_forvaltning = (
        rows.with_columns(view=pl.col("vy").str.replace("ej_fordelat_", ""))
        .group_by("forvaltning", "view", "manad").agg(ex.exact_sum("budget"), ex.exact_sum("utfall"))
        .with_columns(priority=pl.col("view").replace_strict(priority, return_dtype=pl.Int8))
        .sort("priority")
        .group_by("forvaltning", "manad").agg(pl.col("budget").drop_nulls().first(), pl.col("utfall").drop_nulls().first())
    )
    return per_forvaltning.group_by("manad").agg(ex.exact_sum("budget"), ex.exact_sum("utfall")).sort("manad")


def months_report(budgets: Store, year: int, forvaltning: list[str] | None = None,
                  staber: list[str] | None = None, period: int | None = None,
                  verksamheter: list[str] | None = None, flt=None) -> pl.DataFrame:
    """Month by month for the selection's total, öre: the month's budget (by profile) and utfall, and
    year to date; avvikelse = budget − utfall (positive = överskott), in the selection's presentation.

    Columns: manad (YYYY-MM), budget, utfall, avvikelse, budget_ack, utfall_ack, avvikelse_ack,
    avvikelse_ack_pct, and utfall_<year−1> (the same month) when that year is booked per month.
    Up to `period` (a month), else the last month every row has booked. One pass over all months:
    the same figures as `deviation_report` with each month as period. `flt` (a `cuts.LedgerFilter`:
    --konto, --kostnadsslag) makes the totals the sums of those facts alone.
    """
    selection.a_store(budgets)  # (a folder's name here: what it takes, found in review)
    selection.a_month(period)
    from kfollow.engine import cuts

    fids = forvaltningar(budgets, year, forvaltning)
    view = "verksamhet" if verksamheter else "stab"
    staber = _selected(budgets, year, By(view), staber, verksamheter)
    last = last_month_complete(budgets, year)
    nothing = last is None and nothing_booked(budgets, year)
    if nothing and period is None:  # tables of a header only (January, nothing booked yet): the year's budget month
        # by month, utfall –, as `deviation` shows the year (it was refused, exit 2; found in review, h144); and a
        # budget alone, a year file without tables (it was told it gives utfall for the whole year only; h148)
        last = 12
    if last is None:
        tables = budgets.year(year).utfall_filer
        fil = budgets.year(year).fil
        raise UsageError(not_booked(year, period, tables, fil) if period is not None and (tables or nothing) else
                         f"the utfall tables of {year} ({', '.join(tables)}) book no month; import the months "
                         "(kfollow import)" if tables else
                         f"{fil} gives utfall for the whole year only; a month-by-month table needs utfall per month")
    fids = _holding(budgets, year, view, fids, staber, forvaltning)
    if period is not None:
        if period > last:  # (in deviation's words: found in review, h160)
            require_booked(budgets, year, period)
        last = period
    months = list(range(1, last + 1))

    def totals_of(y: int, ids: list[str]) -> pl.DataFrame:
        if flt:  # (the year before by this year's kostnadsslag, as `deviation` and `compare` give it)
            return cuts.ledger_month_totals(budgets, y, months, ids, flt, view, staber, budgets.year(year).kostnadsslag)
        return _month_totals(budgets, y, months, ids, staber, view)

    shown = fids  # the förvaltningar the total is made of: with a filter, those with facts it keeps
    if flt:
        cuts.check_filter(budgets, year, flt, fids, staber, view, before=year - 1, upto=last)
        cuts.require_facts(budgets, year, fids, cuts.Cut(("stab",)), flt)
        shown = cuts.forvaltningar_matching(budgets, year, fids, flt) or fids
    # with a filter the total is made of the förvaltningar with facts it keeps (as `deviation`'s): one
    # typed in YAML beside them has no accounts to keep, and is left out rather than blank every figure
    totals = totals_of(year, shown).select(
        "manad", pl.col("budget").alias("budget_ack"), pl.col("utfall").alias("utfall_ack"))
    prev = f"utfall_{year - 1}"
    prev_fids = [f for f in shown if year - 1 in budgets.years and f in budgets.years[year - 1].forvaltningar]
    # rows chosen that the file of the year before has none of (a stab begun this year) have no utfall of it, – as
    # `deviation` shows them, with a filter too (its facts of them summed to 0 every month, found in review, h137)
    begun = bool(staber) and budgets.amounts.filter(
        (pl.col("ar") == year - 1) & pl.col("forvaltning").is_in(prev_fids) & (pl.col("vy") == view)
        & pl.col("nyckel").is_in(staber)).is_empty()
    if prev in budgets_columns(budgets, year - 1) and prev_fids and not begun:
        before = totals_of(year - 1, prev_fids).select("manad", pl.col("utfall").alias("_prev_ack"))
        totals = totals.join(before, on="manad", how="left")
    else:
        totals = totals.with_columns(_prev_ack=pl.lit(None, pl.Int64))

    def monthly(col: str) -> pl.Expr:
        return pl.col(col) - pl.col(col).shift(1, fill_value=0)

    # deviations from the nettokostnad figures (positive = överskott in either presentation), then the
    # figures as the selection presents them (resultat when every förvaltning of it is)
    frame = totals.with_columns(budget=monthly("budget_ack"), utfall=monthly("utfall_ack"),
                                **{prev: monthly("_prev_ack")})
    frame = frame.with_columns(ex.avvikelse(), (pl.col("budget_ack") - pl.col("utfall_ack")).alias("avvikelse_ack"))
    frame = frame.with_columns(*ex.percent_of("avvikelse_ack", "budget_ack", "avvikelse_ack_pct"),
                               manad=pl.format(f"{year}-{{}}", pl.col("manad").cast(pl.String).str.zfill(2)))
    sign = summa_sign(budgets, year, shown)
    frame = frame.with_columns(ex.presented(c, pl.lit(sign)) for c in ("budget", "utfall", "budget_ack", "utfall_ack", prev))
    frame = frame.with_columns(redovisas_som=pl.lit("resultat" if sign < 0 else "nettokostnad"))
    columns = ["manad", "redovisas_som", "budget", "utfall", "avvikelse", "budget_ack", "utfall_ack", "avvikelse_ack",
               "avvikelse_ack_pct"]
    # the previous year's column always, empty where it has no figure (no file, a year given whole): stable columns
    # (found in review, h143: it was left out where no file had the year before)
    return frame.select(columns + [prev, "avvikelse_ack_pct" + EXACT])


def _with_empty(frame: pl.DataFrame, name: str, after: str | None = None) -> pl.DataFrame:
    """`frame` with an amount column `name` (öre) that has no figure on any row: after the column `after`, else last."""
    frame = frame.with_columns(pl.lit(None, pl.Int64).alias(name))
    if after is None or after not in frame.columns:
        return frame
    order = [c for c in frame.columns if c != name]
    at = order.index(after) + 1
    return frame.select(order[:at] + [name] + order[at:])


def booked_through(budgets: Store, year: int, period: int | None) -> bool:
    """Whether `year` (an earlier year beside the one reported) has utfall for months 1..period (the
    whole year without a period): given for the year, or booked per month at least that far."""
    booked = last_month_complete(budgets, year)
    return booked is None or booked >= (period or 12)


def budgets_columns(budgets: Store, year: int) -> set[str]:
    """`utfall_<year>` when that year is booked per month (so the same months are known)."""
    return {f"utfall_{year}"} if year in budgets.years and last_month_booked(budgets, year) is not None else set()


# --- reports for people and scripts -------------------------------------------------------------

BY_TITLE = {By.stab: "stab", By.verksamhet: "verksamhet", By.forvaltning: "förvaltning", "stab": "stab",
            "verksamhet": "verksamhet", "forvaltning": "förvaltning", "kostnadsslag": "kostnadsslag", "konto": "konto"}


def _total_label(store: Store, year: int, flt, staber: list[str] | None, verksamheter: list[str] | None) -> str | None:
    """The label of a selection's total where it is no förvaltning's whole nettokostnad: what a filter
    keeps (`Summa personalkostnader`), else the staber or verksamheter chosen (`Summa valda staber`)."""
    return flt.total(store.years[year].kostnadsslag) or (
        "Summa valda staber" if staber else "Summa valda verksamheter" if verksamheter else None)


def part_budgets(store: Store, year: int, month: int, view: str, fids: list[str]) -> pl.DataFrame:
    """The parts by kostnadsslag (radtyp `del`) of the `view` rows of förvaltningar `fids` in `year`, up to `month`:
    each part's budget for the year (`budget_helar`, öre, as its förvaltning presents it) and name; the frame
    `deviation --by VIEW,kostnadsslag` shows, without the messages `deviation` says (among them the warnings of
    forecasts weighed against these parts)."""
    from kfollow.engine import cuts

    cut = cuts.parse_by(f"{view},kostnadsslag")
    frame = deviation_report(store, year, cut.view, fids, period=month)
    fids = [f for f in fids if f in frame["forvaltning"].to_list()]
    cuts.require_facts(store, year, fids, cut)
    frame, _ = cuts.breakdown(store, year, frame, cut, fids, month)
    return frame.filter(pl.col("radtyp") == RowKind.del_.value)


def part_forecast_doubts(store: Store, year: int, month: int, wanted: dict) -> list[dict]:
    """The forecasts per kostnadsslag of the answers `wanted` ((förvaltning, vy, nyckel) → Answer, all of `month`)
    whose sign is the opposite of their part's budget for the year (`tecken`), or that are 100 times it or a
    hundredth of it (`ratio`, else None): per forecast the answer's key (`rad`), the kostnadsslag and its name,
    the forecast and the budget (öre, as the form shows them: as the förvaltning presents it)."""
    out = []
    for view in sorted({"stab" if vy == "summa" else vy for _, vy, _ in wanted}):
        fids = sorted({f for f, vy, _ in wanted if vy in (view, "summa")})
        parts = part_budgets(store, year, month, view, fids)
        budget = {(r["forvaltning"], r[view], r["kostnadsslag"]): (r["budget_helar"], r["namn"])
                  for r in parts.iter_rows(named=True)}
        for (fid, vy, key), answer in wanted.items():
            if vy != view and not (vy == "summa" and view == "stab"):  # (a summa's parts: its row in the stab view)
                continue
            for kid, prognos, _ in answer.delar:
                planned, name = budget.get((fid, key, kid), (None, kid))
                doubt = {"rad": (fid, vy, key), "kostnadsslag": kid, "namn": name, "prognos": prognos,
                         "budget": planned}
                if prognos is not None and planned and prognos * planned < 0:
                    out.append(doubt | {"tecken": True, "ratio": None})
                elif prognos and planned and not 0.01 < abs(prognos / planned) < 100:  # as a row's forecast
                    out.append(doubt | {"tecken": False, "ratio": abs(prognos / planned)})
    return out


def part_forecasts_doubted(store: Store, year: int, up_to: int | None = None, month: int | None = None,
                           fids=None, rows: tuple[str, list[str]] | None = None) -> list[tuple[object, int, dict]]:
    """(answer, month, doubt of `part_forecast_doubts`) for each collected forecast per kostnadsslag of `year`
    made up to `up_to` (or in `month`), of the förvaltningar `fids` and the selection `rows` when given, whose
    sign or size is off against its part's budget for the year: what `check` warns of, `status` holds a close
    back for and `deviation` says on stderr."""
    from kfollow.errors import KfollowError

    if year not in store.years:
        return []
    info = store.years[year]
    answers = [a for a in info.svar if any(p is not None for _, p, _ in a.delar)
               and (up_to is None or a.manad <= up_to) and (month is None or a.manad == month)
               and (fids is None or a.forvaltning in fids) and (a.vy == "summa" or _shown(rows, a.vy, a.nyckel))]
    if not answers:
        return []
    with_accounts = set(store.ledger.forvaltningar(year))
    answers = [a for a in answers if a.forvaltning in with_accounts]
    out = []
    for made in sorted({a.manad for a in answers}):
        wanted = {(a.forvaltning, a.vy, a.nyckel): a for a in answers if a.manad == made}
        try:
            doubts = part_forecast_doubts(store, year, made, wanted)
        except KfollowError:  # (the utfall does not reach the answers' month: no parts to weigh them against)
            continue
        out += [(wanted[d["rad"]], made, d) for d in doubts]
    return out


def part_forecast_warnings(store: Store, year: int, up_to: int | None = None, fids=None,
                           rows: tuple[str, list[str]] | None = None) -> tuple[str, ...]:
    """One line per forecast per kostnadsslag of `part_forecasts_doubted` (made up to `up_to`): what `deviation`
    and `report` print on stderr, as they print a row's forecast of the wrong sign or unit."""
    out = []
    for answer, made, d in part_forecasts_doubted(store, year, up_to, fids=fids, rows=rows):
        problem = ("has the opposite sign of its budget for the year; type it with the sign the form shows the budget "
                   "with" if d["tecken"] else f"is {_times(d['ratio'])} its budget for the year; typed in another unit?")
        out.append(f"warning: {answer.fil}:{answer.rad}: the forecast {year}-{made:02d} of {d['namn']} of "
                   f"{answer.forvaltning} {_place(answer.vy, answer.nyckel)} {problem} (kfollow check shows the amounts)")
    return tuple(out)


def _rows_left_out(store: Store, years: tuple[int, ...], frame: pl.DataFrame, flt, view: str,
                   keys: list[str] | None, what: str) -> tuple:
    """The note on staber or verksamheter chosen (`keys` of `view`) that a filter keeps nothing of, beside others it
    keeps: `--stab OLD --stab EKO --konto 6` showed EKO alone without a word of OLD (found in review, h153), where a
    förvaltning so left out is named. `what`: what they have none of (`inget utfall` in compare, which shows no
    budget)."""
    if not (flt and keys) or view not in frame.columns:
        return ()
    shown = set(frame[view].drop_nulls().to_list())
    left = [k for k in dict.fromkeys(keys) if k not in shown]
    if not left:
        return ()
    rows = store.amounts.filter(pl.col("ar").is_in(list(years)) & (pl.col("vy") == view) & pl.col("nyckel").is_in(left))
    known = dict(zip(rows["nyckel"], rows["namn"]))
    named = ", ".join(f"{known[k]} ({k})" if known.get(k) and known[k] != k else k for k in left)
    where = "i" if not flt.konto else "med"
    return (Caveat(f"{named} har {what} {where} {flt.chosen} och ingår inte."),)


def _kostnadsslag_of(store: Store, year: int | None, period: str | int | None) -> tuple:
    """The kostnadsslag of the year a command shows (`year`, or of `period`, else the latest), for an example in an
    error's advice; the default groups where that year cannot be told."""
    from kfollow.errors import KfollowError
    from kfollow.store import DEFAULT_KOSTNADSSLAG

    try:
        return store.year(selection.period(store, year, period).year if period is not None
                          else selection.year_or_latest(store, year)).kostnadsslag
    except KfollowError:
        return DEFAULT_KOSTNADSSLAG


def _accounts_of(store: Store, year: int | None, period: str | int | None) -> list[str]:
    """The accounts of the facts of the year a command shows (as `_kostnadsslag_of` tells it), for an example in an
    error's advice; none where that year cannot be told."""
    from kfollow.errors import KfollowError

    try:
        shown = (selection.period(store, year, period).year if period is not None
                 else selection.year_or_latest(store, year))
        return store.ledger.accounts(shown)["konto"].drop_nulls().to_list()
    except KfollowError:
        return []


def deviation(store: Store, year: int | None = None, period: str | int | None = None, by: By | str = By.stab,
              forvaltning: list[str] | None = None, staber: list[str] | None = None,
              budget: BudgetMode = BudgetMode.justerad, against: str | None = None, gross: bool = False,
              unit: str = "mnkr", costs_negative: bool = False, konto: list[str] | None = None,
              kostnadsslag: list[str] | None = None, top: int | None = None,
              verksamheter: list[str] | None = None) -> Report:
    """`deviation_report` as a `Report`, with the defaults of the command: the latest year, and a year
    still being booked shown year to date. `against` is `prognos:YYYY-MM`. `by` is a view (stab,
    verksamhet, forvaltning), a ledger key (kostnadsslag, konto) or a view and a ledger key
    (`stab,kostnadsslag`); `konto` (prefixes) and `kostnadsslag` (ids) keep only those facts;
    `top` keeps the N rows with the largest deviations in absolute value at the finest grain."""
    from kfollow.engine import cuts

    if top is not None and (isinstance(top, bool) or not isinstance(top, int)):
        raise TypeError(f"top is the number of rows to list, a whole number, not {top!r:.40}")
    cut = cuts.of_rows(cuts.parse_by(by, lambda: _kostnadsslag_of(store, year, period),
                                     lambda: _accounts_of(store, year, period)), staber, verksamheter)
    flt = cuts.LedgerFilter.of(konto, kostnadsslag)
    budget = BudgetMode(budget)
    p = selection.period(store, year, period)
    notes: tuple[str, ...] = ()
    if (cut.part or flt) and gross:
        raise UsageError(f"--gross adds varav lines to a view's rows; with --by {cut.text} or a konto/kostnadsslag "
                         "filter the rows are already parts: leave out --gross")
    selection_rows = ("verksamhet", verksamheter) if verksamheter else ("stab", staber) if staber else None

    def warnings() -> tuple[list[str], tuple[str, ...]]:
        chosen = _holding(store, p.year, "verksamhet" if verksamheter else "stab",
                          forvaltningar(store, p.year, forvaltning), verksamheter or staber, forvaltning,
                          ambiguous_ok=True)  # the förvaltningar shown
        # (with a filter, the förvaltningar it keeps: one it leaves out is named in a note, and warned of no more)
        warned = (cuts.forvaltningar_matching(store, p.year, chosen, flt) or chosen) if flt else chosen
        # (a forecast per kostnadsslag of the wrong sign or unit, as a row's: check warned, the report went out with
        # it; found by a new user, h96)
        return chosen, (year_warnings(store, [p.year], p.month, fids=warned, rows=selection_rows)
                        + part_forecast_warnings(store, p.year, p.month, fids=warned, rows=selection_rows))

    # (the cut's largest query, its year's sums by part, is made meanwhile too: a guess that the cut takes where right;
    # not with --stab or --verksamhet, whose förvaltningar the table tells)
    ahead = cuts.PartsAhead(store, p.year, lambda: forvaltningar(store, p.year, forvaltning), p.month, cut) \
        if cut.part and not flt and not cut.ledger_parent and not (staber or verksamheter) else None
    warned_of = Meanwhile(warnings)  # (the förvaltningar shown, and what the year's checks warn of: they need nothing
    # of the table, and are made meanwhile)
    frame = deviation_report(store, p.year, cut.view, forvaltning, gross=gross, staber=staber, period=p.month,
                             budget=budget, against=selection.against_month(against, p.year), verksamheter=verksamheter)
    view_rows = frame  # (the view's rows, which --against's notes speak of, before any cut)

    def against_notes(within: pl.DataFrame | None = None) -> tuple[tuple, str]:
        """The notes on the forecast compared with, and how the title and header name it: the forecast compared
        with, named where people read it (the columns alone did not say which)."""
        jmf = selection.against_month(against, p.year)
        made = _against_made(store, p.year, jmf, view_rows, cut.view.value, within)
        # one month: that forecast's (not the month asked for, where none was made then); else up to the month asked
        compared = f"prognos {p.year}-{made[0]:02d}" if len(made) == 1 else f"prognos t.o.m. {p.year}-{jmf:02d}"
        own = store.years[p.year].rubriker.get("jmf_prognos")  # (a header of the year file's own is kept)
        return _against_months(store, p.year, jmf, view_rows, cut.view.value, within, own or f"Jmf. {compared}",
                               dated=own is None), compared

    said, compared = against_notes() if against is not None else ((), "")
    notes += said
    viewed = frame  # the view's rows, which carry the forecasts (a part has none of its own)
    if cut.part or flt:
        fids = [f for f in forvaltningar(store, p.year, forvaltning) if f in frame["forvaltning"].to_list()]
        cuts.check_filter(store, p.year, flt, fids, verksamheter or staber, "verksamhet" if verksamheter else "stab",
                          before=p.year - 1, upto=p.month)
        cuts.require_facts(store, p.year, fids, cut, flt)
        jmf = selection.against_month(against, p.year)
        original = budget is BudgetMode.original  # (the budget before the changes: none of them is a part's)
        # the previous year's budget of the months shown, from its deviation and utfall as the row presents them: the
        # parts' own (where that year's facts have the grain) give their deviation of that year (it was – on every
        # part, beside the parts' Utfall 2023 ack.; found in review, h161); not a column of the table
        last, deviated, prev_budget = f"utfall_{p.year - 1}", f"avvikelse_{p.year - 1}", f"budget_{p.year - 1}"
        if {last, deviated} <= set(frame.columns) and not original:
            turned = pl.when(pl.col("redovisas_som") == "resultat").then(-1).otherwise(1)
            frame = frame.with_columns((pl.col(last) + turned * pl.col(deviated)).alias(prev_budget))
        if cut.ledger_parent:  # the ledger's rows first (kostnadsslag), then their parts (konto)
            # (beside the notes said before it: --against's note on the forecasts compared with was lost; review, h153)
            frame, outer = cuts.breakdown(store, p.year, frame, cut.outer, fids, p.month, flt, against=jmf,
                                          original=original)
            notes += outer
        frame, more = cuts.breakdown(store, p.year, frame, cut, fids, p.month, flt, against=jmf, original=original,
                                     ahead=ahead)
        # (of the rows shown: a --top list's, not the table's it is made of; found in review)
        frame = frame.drop(f"budget_{p.year - 1}", strict=False)
        before, frame = frame, _resultat_part_shares(frame, cut, ["andel_pct"])
        notes = tuple(dict.fromkeys((*notes, *more))) + _resultat_shares_note(
            before, frame if top is None else cuts.largest(frame, top), cut, ["andel_pct"])
        notes += _rows_left_out(store, (p.year,), frame, flt, "verksamhet" if verksamheter else "stab",
                                verksamheter or staber, "inga belopp")
    chosen, warned = warned_of.result()
    messages = p.messages + warned
    earlier = f"utfall_{p.year - 1}"
    # the previous year's column whenever its file has the months shown, so that csv and json have the same columns
    # whichever förvaltningar are chosen: empty (null) where none of them is in that file (`--forvaltning NY`, begun
    # this year), as `months` keeps it (found in review, h143: a month-end script reading utfall_2023 by name failed)
    missing = earlier not in frame.columns
    added = missing and p.year - 1 in store.years and booked_through(store, p.year - 1, p.month)
    # (so too where no file has the year before, or it is booked short of the months shown: kept empty in csv and json,
    # left out for people, as of a year given whole; found in review, h143)
    if missing:
        frame = _with_empty(frame, earlier, after="andel_pct")
        if not (cut.part or flt):  # (the previous year's deviation, asked for by name: --columns avvikelse_2023)
            frame = _with_empty(frame, f"avvikelse_{p.year - 1}")
    if p.year - 1 in store.years and not booked_through(store, p.year - 1, p.month):
        messages += (f"utfall {p.year - 1} is booked only up to {p.year - 1}-{last_month_complete(store, p.year - 1):02d}"
                     f": the column of {p.year - 1} is left out (empty in csv and json)",)
    if p.month is not None and p.month < 12 and p.year - 1 in store.years and last_month_booked(store, p.year - 1) is None:
        messages += (f"utfall {p.year - 1} is given for the whole year only, so the same months of {p.year - 1} "
                     "are not known",)
    when = f"{p.text} (ack.)" if p.month else str(p.year)
    only = cuts.filter_text(flt, store.year(p.year).kostnadsslag)
    jmf = selection.against_month(against, p.year)
    title = f"Resultat {when} per {' och '.join(BY_TITLE.get(k, k) for k in cut.keys)}{only}" + \
        (f", jämfört med {compared}" if compared else "")
    # (with two keys, what a row has without account is its part; an `ej_fordelat` row there is a view's row shown
    # whole, of a förvaltning without accounts)
    rest = pl.col("radtyp").is_in([RowKind.del_ej_fordelat.value, *([] if cut.nested else [RowKind.ej_fordelat.value])])
    deviating = rest & pl.col("avvikelse").is_not_null() & (pl.col("avvikelse") != 0)
    if top is None and cut.part and "radtyp" in frame.columns and not frame.filter(deviating).is_empty():
        # (its percent is – beside parts with accounts: `cuts.breakdown`)
        unpercented = not frame.filter(deviating & pl.col("avvikelse_pct").is_null()).is_empty()
        notes += (f"Ej fördelat på {cut.part} är den del av radens budget och utfall som inte har konto "
                  "(ombudgeteringar, budget per stab): dess avvikelse följer av beslutet, inte av ett "
                  f"{cut.part}" + (", och visas inte i procent (–)." if unpercented else "."),)
    if top is not None:
        listed = cuts.largest(frame, top)
        # the rows shown whole, or a figure a förvaltning lacks by account, are named in a note only where the list
        # shows them (found in review)
        notes = tuple(m for n in notes if (m := n.shown_in(listed) if isinstance(n, cuts.WholeRowsNote) else n))
        if against is not None:  # what is said of the forecast compared with: of the rows listed
            notes = tuple(n for n in notes if n not in said)
            said, compared = against_notes(listed)
            notes += said
        if listed.height > top:
            # (a caveat: a script that reads --top N rows learns why there are more)
            notes += (Caveat(f"{listed.height} rader i stället för {top}: de sista har lika stor avvikelse och står "
                             "med alla."),)
        title = f"Största avvikelser {when} per {' och '.join(BY_TITLE.get(k, k) for k in cut.keys)}{only}" + \
            (f", jämfört med {compared}" if compared else "")
        left_out = not frame.filter(deviating).is_empty()
        if cut.nested and left_out:  # (said only where such a part has a deviation to list)
            # (a part without account listed: a förvaltning typed in YAML; known from the list, not from its name)
            whole = "utan_konto" in listed.columns and not listed.filter(cuts.listed_rest()).is_empty()
            notes += (Caveat(f"Delar utan konto (Ej fördelat på {cut.part}: ombudgeteringar, budget per stab) ingår "
                             "inte i listan" + (", utom där de är hela radens belopp (utfall utan konto)." if whole
                                                else ".")),)
        shown = frame.filter(pl.col("radtyp").is_in(["rad", "del"]))
        if listed.is_empty() and not shown.is_empty() and frame["budget"].is_null().all():  # (no row has one: not its sum)
            notes += (f"Ingen avvikelse att lista: {p.year} har ingen budget för raderna.",)
        elif listed.is_empty() and not shown.is_empty() and frame["utfall"].is_null().all():
            # nothing booked yet (January's tables of a header only): it was said that the budget is not at that
            # level, of a budget that is there (found in review, h144)
            notes += (f"Ingen avvikelse att lista: {p.year} har inget utfall för raderna ännu.",)
        elif listed.is_empty() and not shown.is_empty() and (lambda a: not a.is_empty() and not (a != 0).any())(
                frame.filter(pl.col("radtyp") != RowKind.summa.value)["avvikelse"].drop_nulls()):
            # (every row's budget met to the öre: it was said that the budget is not at that level; found in review,
            # h139)
            notes += ("Ingen avvikelse att lista: budget och utfall är lika på varje rad.",)
        elif listed.is_empty() and not shown.is_empty():
            outer = cut.view.value if cut.nested else "stab"
            notes += (f"Ingen avvikelse att lista per {' och '.join(BY_TITLE.get(k, k) for k in cut.keys)}: budgeten "
                      f"finns inte på den nivån, utan per {BY_TITLE.get(outer, outer)}: där finns avvikelserna att lista.",)
        frame = listed
        # (the notes on the rows' forecasts and budget changes: of the rows listed; they named rows the list does not
        # show, found in review, h126)
        key = "forvaltning" if cut.view is By.forvaltning else cut.view.value
        keys = list(dict.fromkeys(["forvaltning", key]))
        view_rows = view_rows.join(listed.select(keys).unique(), on=keys, how="semi", nulls_equal=True)
    notes += _part_signs(frame, cut, costs_negative)  # (of the rows shown: a list's parts)
    real = not missing or added  # (a column kept empty where the year before has no figure: nothing to note of it)
    headers = store.years[p.year].rubriker
    if p.month is not None and p.month < 12 and earlier in frame.columns and earlier not in headers:
        # the same months of last year: `Utfall 2023` beside `Budget helår` read as the whole of 2023 (found in
        # a kommunekonom's reading); `ack.` as the forms say it (a header of the year file's own is kept)
        headers = {**headers, earlier: f"Utfall {p.year - 1} ack."}
    # (the notes on the column name it as headed: `Utfall 2023 är – för förvaltning NY` under `Utfall 2023 ack.`; found
    # in review, h151)
    prev_header = headers.get(earlier, f"Utfall {p.year - 1}")
    if not (cut.part or flt) and real:
        if not (staber or verksamheter or top):  # (summary rows: with a selection or a list there are none)
            notes += _without_view_note(store, p.year - 1, p.year, cut.view, frame, f"utfall_{p.year - 1}")
        gone = [f for f in store.years[p.year - 1].forvaltningar if f not in store.years[p.year].forvaltningar]
        if gone and not (forvaltning or staber or verksamheter):  # the column's Summa is of this year's förvaltningar
            notes += (ColumnCaveat(f"{prev_header} är förvaltningarnas i filen för {p.year}; {', '.join(gone)} finns "
                                   f"bara i filen för {p.year - 1} och ingår inte (kfollow compare {p.year - 1} {p.year} "
                                   f"visar {'den' if len(gone) == 1 else 'dem'}).", f"utfall_{p.year - 1}"),)
        shown_f = [f for f in chosen if f in frame["forvaltning"].to_list()]
        if not added and (begun := [f for f in shown_f if f not in store.years[p.year - 1].forvaltningar]):
            # (beside förvaltningar of both years its column is –, and the sums count it as 0, as compare says;
            # it went without a word: found in review, h139)
            it = "den" if len(begun) == 1 else "dem"
            # (a caveat: what the sums leave out, on stderr in csv and json; found in review, h143)
            notes += (ColumnCaveat(f"{prev_header} är – för förvaltning {', '.join(begun)}, som inte finns i "
                                   f"filen för {p.year - 1}" + (f": summan räknar {it} som 0." if top is None else "."),
                                   f"utfall_{p.year - 1}"),)
    if not (cut.part or flt or top):  # (a cut by account says it of its parts: `cuts.breakdown`)
        notes += _budgetless_note(store, p.year, frame, cut.view)
        held = frame["forvaltning"].drop_nulls().unique().to_list()
        if summed := _utfall_less(store, p.year, held):
            # (stderr's warning alone said why the Summa is –, which a document has no place for; found in review, h148)
            notes += (ColumnNote(f"Utfall saknas för {', '.join(summed)}: {'dess' if len(summed) == 1 else 'deras'} "
                                 "rader, summan och andelarna av summan visar –.", "utfall", "andel_pct"),)
        elif (ids := set(held) & set(store.years[p.year].forvaltningar)) and set(
                alone := [f for f in _without_utfall(store, p.year) if f in ids]) == ids:
            # (those chosen are the ones without utfall, `--forvaltning SERV`: – without a word; found in review, h159)
            notes += (ColumnNote(f"Utfall saknas för {', '.join(alone)}: {'dess' if len(alone) == 1 else 'deras'} "
                                 "rader och summan visar –.", "utfall", "andel_pct"),)
    notes += _profile_note(store, p.year, p.month, chosen, budget is BudgetMode.original)  # (of the budget shown:
    # the original may agree where the adjusted does not, and the other way round; found in review)
    # (the rows that lack a forecast are the view's, not a cut's parts: found by a new user, the note named
    # kostnadsslag where staber lacked forecasts)
    forecast_rows = viewed if cut.part and not flt else frame
    advice: list[str] = []  # what the controller does about a forecast unknown (stderr, not the nämnd's table)
    own = store.years[p.year].rubriker
    notes += _unknown_forecast_sums(forecast_rows, store=store, year=p.year, month=p.month, advice=advice,
                                    header=forecast_header(frame, own.get("prognos"))) + _mixed_forecast_months(frame, store, p.year, p.month)
    if not cut.part:  # (rows of a view whose förvaltning forecasts per the other view only)
        notes += _forecast_in_other_view(forecast_rows, store, p.year, p.month, cut.view.value,
                                         forecast_header(frame, own.get("prognos")))
    if not flt and top is None:  # (a filtered table's forecasts are its parts', a list shows none)
        doubted = _doubted_forecast_notes(forecast_rows, store, p.year, p.month, cut.view.value)
        if jmf is not None:  # (the forecast compared with, where it is another: said once)
            doubted += tuple(n for n in _doubted_forecast_notes(forecast_rows, store, p.year, jmf, cut.view.value,
                                                                "jmf_prognos") if n not in doubted)
        notes += doubted
    if not (cut.part or flt):  # (the comment shown of a row answered without one: the year file's)
        notes += _year_file_comments_note(store, p.year, p.month, frame, cut.view)
    notes += _forecast_before_change_note(store, p.year, p.month, view_rows, cut.view, unit, budget,
                                          own.get("prognos_avvikelse", CATALOGUE["prognos_avvikelse"][1]))
    if jmf is not None:
        notes += _changed_since_note(store, p.year, jmf, p.month, view_rows, cut.view, unit, budget)
        notes += _unknown_forecast_sums(forecast_rows, "jmf_prognos", "budget", f" gjord till och med {p.year}-{jmf:02d}",
                                        store=store, year=p.year, month=jmf,
                                        header=own.get("jmf_prognos") or (f"Jmf. {compared}" if compared else None))
    # (a filtered table shows no forecast, and no sum of them to close: nothing to do of one; found by a controller,
    # h133; nor a --top list, which shows no sums)
    messages += () if flt or top is not None else tuple(advice)
    if costs_negative:
        frame = present.costs_negative(frame)
    # a period without any forecast: its empty forecast columns stay in csv and json (stable columns)
    # (not where forecasts were made and a row without one makes every sum shown unknown: the note says which;
    # the columns had gone without a word, found in review)
    noted = not flt and top is None and any(getattr(n, "column", None) == "prognos" for n in notes)
    # (nor `Prognos från`, all – where one förvaltning's forecast is made in different months: the note under it says
    # whose is older, which --forvaltning KSF left out with the column; found in review, h157)
    dated = any(getattr(n, "column", None) == "prognos_period" for n in notes)
    unforecast = tuple(c for c in ("prognos", "prognos_period", "prognos_avvikelse", "budget_helar")
                       if c in frame.columns and frame[c].null_count() == frame.height
                       and not (noted and c in ("prognos", "prognos_avvikelse"))
                       and not (dated and c == "prognos_period"))
    if p.month is not None and p.month < 12 and real and frame[earlier].is_null().all() \
            and last_month_booked(store, p.year - 1) is None:
        # a year given whole has no figure for the months: a column of – in the nämnd's tables, explained only on
        # stderr (found in review); left out for people, with a note, and kept in csv and json
        unforecast += (earlier,)
        why = f"filen för {p.year - 1} har utfallet för helåret, inte per månad."
        shown_as = headers.get(earlier, f"Utfall {p.year - 1}")
        notes += (LeftOutNote(f"{shown_as} visas inte: {why}", earlier),
                  ColumnNote(f"{shown_as} är –: {why}", earlier))
    elif p.month is not None and p.month < 12 and real:
        # the year before, closed, with a förvaltning or row given for the whole year: a note on its column, not a
        # warning of every command (8 times in one month-end run; found by a new user, h96)
        notes += _year_only_note(store, p.year - 1, chosen, selection_rows, earlier,
                                 headers.get(earlier, f"Utfall {p.year - 1}"))
    if missing and not added:
        unforecast += (earlier,)
        if p.year - 1 not in store.years:  # (one booked short of the months shown: a message says so)
            notes += (ColumnCaveat(f"{headers.get(earlier, f'Utfall {p.year - 1}')} är –: det finns ingen fil för "
                                   f"{p.year - 1}.", earlier),)
    if added and chosen:
        # (förvaltningar begun this year: the column, kept, is – on every row, and a note says why, in csv and json on
        # stderr; found in review, h139, h143) named as months names them: the rows chosen, else the förvaltningar
        view = "verksamhet" if verksamheter else "stab"
        new = _absent_rows(store, p.year, p.year - 1, chosen, view, verksamheter or staber)
        begun = [f for f in chosen if f not in store.years[p.year - 1].forvaltningar]
        named = listing(new) if new else \
            f"förvaltning {', '.join(begun or chosen)}"
        notes += (ColumnCaveat(f"{headers.get(earlier, f'Utfall {p.year - 1}')} är – för {named}, som inte finns i "
                               f"filen för {p.year - 1}.", earlier),)
    if (staber or verksamheter) and top is None and earlier in frame.columns and earlier not in unforecast \
            and not added:
        notes += _absent_rows_note(store, p.year, p.year - 1, chosen, "verksamhet" if verksamheter else "stab",
                                   verksamheter or staber, earlier, headers.get(earlier, f"Utfall {p.year - 1}"))
    elif not (staber or verksamheter) and top is None and earlier in frame.columns and earlier not in unforecast \
            and not added:
        # (every row of the view: a stab begun this year in a förvaltning of both years is – and the sums count it as
        # 0, as `--stab` of it says; it went without a word: found in review, h151)
        notes += _begun_rows_note(store, p.year, frame, cut.view, earlier, headers.get(earlier, f"Utfall {p.year - 1}"))
    elif top is not None and not cut.part and earlier in frame.columns and earlier not in unforecast and not added:
        notes += _begun_listed_note(store, p.year, frame, cut.view, earlier, headers.get(earlier, f"Utfall {p.year - 1}"))
    # a list of the largest parts of a two-key cut names each part with its row (`KSF: Intäkter`):
    # headed by the row's key, as the full table is
    label = cut.keys[0] if top is not None and cut.nested else None
    if compared and "jmf_prognos" not in headers:  # (a header of the year file's own is kept)
        headers = {**headers, "jmf_prognos": f"Jmf. {compared}"}
    return as_report(frame, headers, store=store, machine_only=unforecast, label=label,
                     costs_negative=costs_negative, total=_total_label(store, p.year, flt, staber, verksamheter),
                     title=title, unit=unit, period=p.text, notes=notes,
                     qualifier=", ursprunglig budget" if budget is BudgetMode.original else "", messages=messages)


def _profile_note(store: Store, year: int, month: int | None, fids: list[str], original: bool = False) -> tuple:
    """A note where a förvaltning shown has views whose budgets to `month` differ, because their rows are
    spread by different profiles (`consistency.profile_gaps`): the tables per stab and per verksamhet then
    end on two sums, which only `check` said (found by a new user: a deficit per stab, a surplus per
    verksamhet, in one report). A caveat: a script learns it on stderr."""
    gaps = [g for g in profile_gaps(store, year, month, original) if g["forvaltning"] in fids]
    if not gaps:
        return ()
    said = "; ".join(f"för {g['forvaltning']} {g['first_text']} inte densamma som {g['second_text']}" for g in gaps)
    return (Caveat(f"Den ackumulerade budgeten till och med {year}-{month:02d} är {said}, eftersom raderna fördelas över "
                   "månaderna med olika profiler: tabellerna per stab och per verksamhet har därför olika summor "
                   f"(kfollow check --period {year}-{month:02d} visar beloppen)."),)


def _utfall_less(store: Store, year: int, fids: list[str]) -> list[str]:
    """The förvaltningar of `fids` with a budget and no utfall in `year` while others of `fids` have utfall (an
    export of a header only beside one that books the months): their utfall is –, and the Summa of `fids` too."""
    fids = set(fids) & set(store.year(year).forvaltningar)  # (a frame's Summa row names no förvaltning)
    without = [f for f in _without_utfall(store, year) if f in fids]
    return without if without and len(without) < len(fids) else []


def _budgetless_note(store: Store, year: int, frame: pl.DataFrame, view: By) -> tuple:
    """A note on the förvaltningar whose rows show utfall and no budget ("–" for budget and avvikelse), as a
    cut by account gives one (found in review): none in the year, or none per `view` (a budget per stab,
    the view per verksamhet)."""
    kinds = [RowKind.rad.value, RowKind.ej_fordelat.value, RowKind.forvaltning.value]
    if "budget" not in frame.columns:
        return ()
    per = (frame.filter(pl.col("forvaltning").is_not_null() & pl.col("radtyp").is_in(kinds))
           .group_by("forvaltning", maintain_order=True)
           .agg(none=pl.col("budget").is_null().all(), booked=pl.col("utfall").is_not_null().any()))
    lacking = sorted(per.filter(pl.col("none") & pl.col("booked"))["forvaltning"].to_list())  # (as a cut's note names them)
    if not lacking:
        return ()
    budgeted = set(store.amounts.filter((pl.col("ar") == year) & pl.col("budget").is_not_null())["forvaltning"].to_list())
    changed = set(store.changes.filter(pl.col("ar") == year)["forvaltning"].to_list())
    none = [f for f in lacking if f not in budgeted and f not in changed]
    # (budget changes without a budget to change: they give no budget of their own; found in review)
    unbased = [f for f in lacking if f not in budgeted and f in changed]
    elsewhere = [f for f in lacking if f in budgeted]
    # (of the budget column: with it left out, nothing to say; in csv and json on stderr, as a cut says it)
    notes: tuple = ()
    if none:
        notes += (ColumnCaveat(f"{', '.join(none)} har ingen budget {year}: budget och avvikelse visas som –.", "budget",
                               "avvikelse"),)
    if unbased:
        notes += (ColumnCaveat(f"{', '.join(unbased)} har budgetändringar {year} men ingen budget att ändra: budget och "
                               "avvikelse visas som –; skriv radernas budget (0 om de inte har någon).", "budget",
                               "avvikelse"),)
    if elsewhere:
        notes += (ColumnCaveat(f"Budgeten för {', '.join(elsewhere)} finns inte per {BY_TITLE[view]}: budget och "
                               "avvikelse visas som –.", "budget", "avvikelse"),)
    return notes


def compare(store: Store, base_year: int, year: int, by: By | str = By.stab, forvaltning: list[str] | None = None,
            period: str | int | None = None, sort: str = "file", unit: str = "mnkr",
            costs_negative: bool = False, staber: list[str] | None = None, verksamheter: list[str] | None = None,
            konto: list[str] | None = None, kostnadsslag: list[str] | None = None, top: int | None = None) -> Report:
    """`compare_report` as a `Report`; `sort="change"` puts the biggest movers first in each block.
    `by`, `konto` and `kostnadsslag` cut and filter at the ledger's grain as for `deviation`; `top` keeps the N rows
    with the largest changes (`forandring`, utfall of `year` − of `base_year`) in absolute value at the finest grain,
    as `deviation`'s `top` its deviations."""
    from kfollow.engine import cuts

    if top is not None and (isinstance(top, bool) or not isinstance(top, int)):
        raise TypeError(f"top is the number of rows to list, a whole number, not {top!r:.40}")

    for given in (base_year, year):  # (`compare 0 2024` suggested adding 0.yaml)
        if not 1000 <= given <= 9999:
            raise UsageError(f"compare {base_year} {year}: {given} is not a year; write four digits, e.g. "
                             "kfollow compare 2023 2024")
    if base_year == year:
        earlier = [y for y in store.years if y < year]
        hint = (f"name the earlier year first, e.g. kfollow compare {max(earlier)} {year}" if earlier else
                f"{store.directory} has no year before {year} to compare it with")
        raise UsageError(f"compare {year} {year}: a year compared with itself changes nothing; {hint}")
    if base_year > year:
        raise UsageError(f"compare {base_year} {year}: the earlier year comes first; write kfollow compare {year} {base_year}")
    cut = cuts.of_rows(cuts.parse_by(by, lambda: _kostnadsslag_of(store, year, None),
                                     lambda: _accounts_of(store, year, None)), staber, verksamheter)
    flt = cuts.LedgerFilter.of(konto, kostnadsslag)
    p = selection.period(store, year, period, compared=base_year)
    frame = compare_report(store, base_year, p.year, cut.view, forvaltning, period=p.month, staber=staber,
                           verksamheter=verksamheter)
    rubriker = store.years[p.year].rubriker
    if p.month is not None and p.month < 12:
        # both years' utfall are of the months: `Utfall 2024 107,8` read as the whole of 2024, where the report's
        # table before it heads the same 2023 figure `Utfall 2023 ack.` (found by an ekonom, h122); as deviation
        # heads last year's (a header of the year file's own is kept)
        rubriker = {**{f"utfall_{y}": f"Utfall {y} ack." for y in (base_year, p.year)}, **rubriker}
    notes = ()

    def absent_notes(keys: list[str]) -> tuple:
        """The notes on the rows `keys` chosen of one year only: – in the other, and 0 in the selection's sums."""
        chosen = frame["forvaltning"].drop_nulls().unique().to_list()
        # (where none of them is in a year, compare's own note says so)
        return _absent_rows_note(store, p.year, base_year, chosen, view, keys, f"utfall_{base_year}",
                                 rubriker.get(f"utfall_{base_year}", f"Utfall {base_year}"), when_all=False) + \
            _absent_rows_note(store, base_year, p.year, chosen, view, keys, f"utfall_{p.year}",
                              rubriker.get(f"utfall_{p.year}", f"Utfall {p.year}"), when_all=False)

    view, keys = ("verksamhet", verksamheter) if verksamheter else ("stab", staber)
    absent = absent_notes(keys) if keys else ()
    notes += absent
    one_year = absent  # (the notes on rows of one year only: a --top list has none of them, their change being –)
    if sort == "change" and cut.nested:
        frame = sort_by_change(frame)
    if cut.part or flt:
        fids = [f for f in dict.fromkeys([*forvaltningar(store, p.year, forvaltning),
                                          *(forvaltningar(store, base_year, forvaltning) if base_year in store.years else [])])
                if f in frame["forvaltning"].to_list()]
        # (the rows chosen too, as deviation and months check them: `--stab LED --konto 54` gave a Summa of 0, exit 0;
        # found by a controller explaining deviations, h133)
        cuts.check_filter(store, p.year, flt, fids, verksamheter or staber, "verksamhet" if verksamheter else "stab",
                          base=base_year, upto=p.month, utfall_of=(base_year, p.year))
        cuts.require_facts(store, p.year, fids, cut, flt)
        figures, derive = cuts.compare_figures(base_year, p.year)
        if cut.ledger_parent:
            frame, outer = cuts.breakdown(store, p.year, frame, cut.outer, fids, p.month, flt, figures, derive)
            notes += outer  # (beside those said before it, as deviation keeps --against's; review, h153)
        frame, more = cuts.breakdown(store, p.year, frame, cut, fids, p.month, flt, figures, derive)
        shares = [f"andel_{base_year}_pct", f"andel_{p.year}_pct"]
        before, frame = frame, _resultat_part_shares(frame, cut, shares)
        rows = frame if top is None else cuts.largest(frame, top, "forandring")  # (a list's notes: of its rows)
        notes = tuple(dict.fromkeys((*notes, *more))) + _resultat_shares_note(before, rows, cut, shares) + \
            _part_signs(rows, cut, costs_negative)
        if absent and view in frame.columns and (shown := [k for k in keys if k in frame[view].to_list()]) != keys:
            # of the rows the filter shows: a stab chosen without utfall of the accounts was named as – in a table
            # without its row (found in review, h139)
            notes = (said := absent_notes(shown)) + tuple(n for n in notes if n not in absent)
            one_year += said
        notes += _rows_left_out(store, (p.year, base_year), frame, flt, view, keys, "inget utfall")
    if sort == "change" and not cut.nested:
        frame = sort_by_change(frame)
    months = f", {selection.months_to(p.month)}" if p.month else ""
    for y, col in ((base_year, f"utfall_{base_year}"), (p.year, f"utfall_{p.year}")):
        # a förvaltning begun or ended between the years
        absent = [f for f in forvaltning or () if y in store.years and f not in store.years[y].forvaltningar]
        if absent:
            notes += (Caveat(f"Utfall {y} finns inte för förvaltning {', '.join(absent)}: den finns inte i filen för "
                             f"{y}." if len(absent) == 1 else f"Utfall {y} finns inte för förvaltning "
                             f"{', '.join(absent)}: de finns inte i filen för {y}."),)
        if col in frame.columns and frame[col].null_count() == frame.height and len(absent) < len(forvaltning or [0]):
            whole_year = p.month and y in store.years and last_month_booked(store, y) is None
            keys = staber or verksamheter
            view = "stab" if staber else "verksamhet"
            shown = frame.filter(pl.col("radtyp") == "rad").select("forvaltning", pl.col(view) if view in frame.columns
                                                                   else pl.lit(None, pl.String).alias(view)).rows()
            has_rows = keys and y in store.years and not store.amounts.filter(
                (pl.col("ar") == y) & (pl.col("vy") == view)
                & pl.concat_str("forvaltning", "nyckel", separator="\x1f").is_in([f"{f}\x1f{k}" for f, k in shown])).is_empty()
            notes += (Caveat(f"Utfall {y} saknas för de valda månaderna: filen för {y} har utfall för helår, inte per "
                             "månad." if whole_year else f"Utfall {y} saknas i filen för {y}." if not p.month
                             and not keys else f"Utfall {y} för de valda månaderna är okänt för de rader som visas: "
                             f"filen för {y} ger deras utfall för helåret, inte per månad." if keys and has_rows and p.month
                             else f"Utfall {y} saknas för de rader som visas." if keys and has_rows
                             else f"Utfall {y} finns inte för de rader som visas: filen för {y} har inte de raderna (en "
                             "stab eller verksamhet hör till sin förvaltning)." if keys
                             # (shown, but given for the whole year while others book per month: it was said to
                             # be missing, its warning having become this column's note; found in review)
                             else f"Utfall {y} för de valda månaderna är okänt för de förvaltningar som visas: filen "
                             f"för {y} ger deras utfall för helåret, inte per månad." if p.month and p.month < 12
                             and set(frame["forvaltning"].drop_nulls()) <= set(year_only_forvaltningar(store, y))
                             else f"Utfall {y} finns inte för de förvaltningar som visas."),)
    if not (flt or staber or verksamheter) and base_year != p.year:
        for y, other in ((base_year, p.year), (p.year, base_year)):
            if not cut.part:
                notes += _without_view_note(store, y, other, cut.view, frame, f"utfall_{y}", listed=top is not None)
            if summed := _utfall_less(store, y, frame["forvaltning"].drop_nulls().unique().to_list()):
                # (as deviation's note: only stderr said why the Summa is –; found in review, h148) under a list, of
                # what it shows: not those rows (no change), nor a Summa, and every share of that year – (it spoke of
                # the rows and a Summa the list has none of; a cut's list said nothing of its shares; review, h161)
                its = "dess" if len(summed) == 1 else "deras"
                if top is not None:
                    notes += (ColumnNote(f"Utfall {y} saknas för {', '.join(summed)}: {its} rader har ingen förändring "
                                         f"att lista, och summan {y} och andelarna av den är okända (–).",
                                         f"utfall_{y}", f"andel_{y}_pct"),)
                elif not cut.part:  # (a cut says it of its rows: `cuts.breakdown`)
                    notes += (ColumnNote(f"Utfall {y} saknas för {', '.join(summed)}: {its} rader, summan och andelarna "
                                         "av summan visar –.", f"utfall_{y}", f"andel_{y}_pct"),)
    if not (cut.part or flt or staber or verksamheter) and base_year != p.year:
        one_year += (said := _one_year_notes(store, base_year, p.year, frame, cut.view.value, rubriker))
        notes += said
    earlier = f"utfall_{base_year}"
    if p.month is not None and p.month < 12 and earlier in frame.columns and frame[earlier].null_count() < frame.height:
        # the earlier year, closed, with a förvaltning or row given for the whole year: a note, not a warning
        notes += _year_only_note(store, base_year, frame["forvaltning"].drop_nulls().unique().to_list(),
                                 ("verksamhet", verksamheter) if verksamheter else ("stab", staber) if staber else None,
                                 earlier, rubriker.get(earlier, f"Utfall {base_year}"))
    title = f"Utfall {base_year} och {p.year}{months} per " \
        f"{' och '.join(BY_TITLE.get(k, k) for k in cut.keys)}{cuts.filter_text(flt, store.year(year).kostnadsslag)}"
    label = None
    if top is not None:
        # the N largest changes between the years, as deviation --top lists its deviations (found in review, h155:
        # compare had no --top)
        listed = cuts.largest(frame, top, "forandring")
        notes = tuple(m for n in notes if (m := n.shown_in(listed) if isinstance(n, cuts.WholeRowsNote) else n))
        # (a row of one year only has no change to list: the notes that name it, and what the sums count it as,
        # speak of rows and sums the list does not show; found in review, h155)
        notes = tuple(n for n in notes if n not in one_year)
        if listed.height > top:
            notes += (Caveat(f"{listed.height} rader i stället för {top}: de sista har lika stor förändring och står "
                             "med alla."),)
        rest = (pl.col("radtyp") == RowKind.del_ej_fordelat.value) & pl.col("forandring").is_not_null() \
            & (pl.col("forandring") != 0)
        if cut.nested and "radtyp" in frame.columns and not frame.filter(rest).is_empty():
            whole = "utan_konto" in listed.columns and not listed.filter(cuts.listed_rest()).is_empty()
            notes += (Caveat(f"Delar utan konto (Ej fördelat på {cut.part}: utfall utan konto) ingår inte i listan"
                             + (", utom där de är hela radens belopp." if whole else ".")),)
        if listed.is_empty() and not frame.filter(pl.col("radtyp") != RowKind.summa.value).is_empty():
            notes += (f"Ingen förändring att lista: utfallet {base_year} och {p.year} är lika, eller saknas för ett av "
                      "åren, på varje rad.",)
        frame = listed
        title = "Största förändringar, " + title[0].lower() + title[1:]
        # (a part named with its row, `Ekonomistab: Personalkostnader`, headed by the row's key)
        label = cut.keys[0] if cut.nested else None
    if costs_negative:
        frame = present.costs_negative(frame)
    return as_report(frame, rubriker, store=store, costs_negative=costs_negative, label=label,
                     total=_total_label(store, p.year, flt, staber, verksamheter), title=title, unit=unit,
                     period=p.text, messages=p.messages + year_warnings(
                         store, sorted({base_year, p.year}), p.month, fids=set(frame["forvaltning"].drop_nulls().to_list()),
                         rows=("verksamhet", verksamheter) if verksamheter else ("stab", staber) if staber else None,
                         noted=(base_year,) if base_year < p.year else ()),
                     notes=notes)


def months(store: Store, year: int | None = None, forvaltning: list[str] | None = None,
           staber: list[str] | None = None, unit: str = "mnkr", costs_negative: bool = False,
           period: int | None = None, verksamheter: list[str] | None = None, konto: list[str] | None = None,
           kostnadsslag: list[str] | None = None) -> Report:
    """`months_report` as a `Report`: every booked month, or up to `period` (`YYYY-MM`, or a month 1–12 of `year`)
    when given, its title saying so (`Månad för månad 2024-08 (ack.)`); `konto` (prefixes) and `kostnadsslag` (ids)
    keep only those facts."""
    from kfollow.engine import cuts

    if period is not None:  # (`--period` as every command takes it; months had none: found by an ekonom, h123)
        p = selection.period(store, year, period)
        year, period = p.year, p.month
    year = selection.year_or_latest(store, year)
    flt = cuts.LedgerFilter.of(konto, kostnadsslag)
    frame = months_report(store, year, forvaltning, staber, period, verksamheter, flt)
    fids = forvaltningar(store, year, forvaltning)
    # the förvaltningar whose rows are summed: those holding the chosen staber or verksamheter, and
    # of them, with a filter, those with facts it keeps
    held = _holding(store, year, "verksamhet" if verksamheter else "stab", fids, verksamheter or staber, forvaltning,
                    ambiguous_ok=True)
    shown = (cuts.forvaltningar_matching(store, year, held, flt) or held) if flt else held
    if costs_negative:
        frame = present.costs_negative(frame, resultat=summa_sign(store, year, shown) < 0)
    # the förvaltningar a filter leaves are named (as `--forvaltning` would name them) when it leaves fewer
    which = ", ".join(_names(store, year, staber, verksamheter, forvaltning or (shown if shown != fids else None))) \
        or "alla förvaltningar"
    if flt:
        which += ", " + cuts.filter_words(flt, store.year(year).kostnadsslag)
    notes = (Caveat(f"Endast {flt.chosen}: budget och utfall utan konto ingår inte."),) if flt else ()
    if left := [f for f in held if f not in shown]:
        notes += (flt.left_out(left),)
    if flt and "budget" in frame.columns and frame.height and frame["budget"].is_null().all():
        # (a förvaltning whose budget is typed in the year file has none by account: the months' budget is –, which
        # deviation's note explains and months' did not; found by a controller explaining deviations, h133)
        with_accounts = set(cuts.forvaltningar_with(store, year, "budget"))
        if typed := [f for f in shown if f not in with_accounts and not store.amounts.filter(
                (pl.col("ar") == year) & (pl.col("forvaltning") == f) & pl.col("budget").is_not_null()).is_empty()]:
            notes += (Caveat(f"Budgeten för {', '.join(typed)} är skriven i årsfilen, inte per konto: budget och "
                             "avvikelse visas som –."),)
    resultat = _resultat(store, year, shown)
    if resultat and len(resultat) < len(shown) and not costs_negative:
        # each month is a Summa of förvaltningar presented two ways, as `deviation --by forvaltning`'s Summa, which
        # says so (found in a kommunekonom's reading: the months' total had no note)
        names = ", ".join(store.years[year].forvaltningar[f].namn for f in resultat)
        notes += (TableNote(f"Beloppen är förvaltningarnas nettokostnad: {names}, som redovisas som resultat "
                            "(intäkter − kostnader), räknas med omvänt tecken."),)
    elif resultat and not costs_negative:  # (only units presented as resultat: the title named them, not how their
        # figures read; found by a new user: a budgeted surplus of 438 tkr a month looked like a cost)
        # (said of the signs, not of a surplus: with a filter the figures are some accounts of the resultat; review)
        notes += (TableNote(f"{'Förvaltningen redovisas' if len(resultat) == 1 else 'Förvaltningarna redovisas'} som "
                            "resultat: intäkter är positiva och kostnader negativa."),)
    if not flt and (summed := _utfall_less(store, year, shown)):  # (as deviation's note, of the months' total)
        notes += (ColumnNote(f"Utfall saknas för {', '.join(summed)}: summan av förvaltningarnas utfall visas som – "
                             "varje månad.", "utfall", "utfall_ack"),)
    elif not flt and (alone := [f for f in _without_utfall(store, year) if f in shown]) and set(alone) == set(shown):
        # the förvaltningar chosen are those without utfall while others have it (`months --forvaltning SERV`): – in
        # every month, without a word under the table (found in review, h159)
        notes += (ColumnNote(f"Utfall saknas för {', '.join(alone)}: {'dess' if len(alone) == 1 else 'deras'} utfall "
                             "visas som – varje månad.", "utfall", "utfall_ack"),)
    prev = f"utfall_{year - 1}"
    empty = prev in frame.columns and frame[prev].null_count() == frame.height
    if prev in frame.columns and not empty and (staber or verksamheter):
        notes += _absent_rows_note(store, year, year - 1, shown, "verksamhet" if verksamheter else "stab",
                                   verksamheter or staber, prev, f"Utfall {year - 1}")
    # rows or förvaltningar begun this year: the column is kept, – in every month (empty in csv, null in json, as
    # whichever rows are chosen), and a note says why, in csv and json on stderr (found in review, h143: it was left
    # out of the table for people, and csv and json said nothing of it)
    begun = empty and year - 1 in store.years and bool(shown)
    if begun and (new := _absent_rows(store, year, year - 1, shown, "verksamhet" if verksamheter else "stab",
                                      verksamheter or staber)):
        # (a selection of rows begun since; found in review: it went without a word)
        named = listing(new)
        notes += (ColumnCaveat(f"Utfall {year - 1} är – för {named}, som inte finns i filen för {year - 1}.", prev),)
    elif begun and not [f for f in shown if f in store.years[year - 1].forvaltningar]:
        # (förvaltningar begun this year: `months --forvaltning NY --konto 5` said that 2023 had no accounts of it,
        # and without the filter the column went without a word; found in review, h137)
        notes += (ColumnCaveat(f"Utfall {year - 1} är – för förvaltning {', '.join(shown)}, som inte finns i filen "
                               f"för {year - 1}.", prev),)
    else:
        begun = False
    if empty and year - 1 not in store.years:  # (kept for scripts, empty; left out for people: found in review, h143)
        notes += (ColumnCaveat(f"Utfall {year - 1} är –: det finns ingen fil för {year - 1}.", prev),)
    elif flt and empty and not begun:  # typed per row, no accounts
        notes += (Caveat(f"Utfall {year - 1} finns inte med konto för de förvaltningar som valts: kolumnen visas inte."),)
    elif flt.kostnadsslag and prev in frame.columns and not begun:  # (grouped by this year's kostnadsslag: review)
        notes += cuts.regrouped_note(store, year, year - 1, shown, flt, [prev])
    messages = year_warnings(store, [year], period, by_month=True, fids=shown,
                             rows=("verksamhet", verksamheter) if verksamheter else ("stab", staber) if staber else None)
    if prev in frame.columns and not flt:  # the previous year's months: unknown where a förvaltning has only its year
        notes += _year_only_note(store, year - 1, held, None, prev, f"Utfall {year - 1}", left_out=empty)
    when = f"{year}-{period:02d} (ack.)" if period is not None else str(year)
    if period is not None and (booked := last_month_complete(store, year)) is not None and booked > period:
        # (a month before the last booked, the tertial's in October: the months after it are booked, not shown)
        notes += (f"Månaderna till och med {year}-{period:02d} visas; utfall {year} är bokfört till och med "
                  f"{year}-{booked:02d}.",)
    return as_report(frame, store.years[year].rubriker, store=store, costs_negative=costs_negative,
                     title=f"Månad för månad {when}, {which}", unit=unit, period=f"{year}-{period:02d}" if period else None,
                     messages=messages, notes=notes,
                     machine_only=("redovisas_som", *((prev,) if empty and not begun else ())))


def _names(store: Store, year: int, staber: list[str] | None, verksamheter: list[str] | None,
           forvaltning: list[str] | None) -> list[str]:
    """What people call the chosen staber, verksamheter or förvaltningar (for a title): the stab's
    name (`Ekonomistaben`), the verksamhet's code and name, the förvaltning's name; an id the year
    does not name stays as it is."""
    info = store.years[year]
    if staber:
        rows = store.amounts.filter((pl.col("ar") == year) & (pl.col("vy") == "stab") & pl.col("nyckel").is_in(staber))
        known = dict(zip(rows["nyckel"], rows["namn"]))
        return [known.get(s) or s for s in dict.fromkeys(staber)]
    if verksamheter:
        return [f"{v} {info.verksamheter[v]}" if info.verksamheter.get(v) else v for v in dict.fromkeys(verksamheter)]
    return [info.forvaltningar[f].namn if f in info.forvaltningar else f for f in dict.fromkeys(forvaltning or [])]


def changes(store: Store, year: int | None = None, forvaltning: list[str] | None = None,
            unit: str = "mnkr", month: int | None = None) -> Report:
    """`budget_changes_report` as a `Report`; with `month`, the changes decided up to and including it
    (`Ombudgeteringar 2026-08 (ack.)`)."""
    year = selection.year_or_latest(store, year)
    when = f"{year}-{month:02d} (ack.)" if month else str(year)
    return as_report(budget_changes_report(store, year, forvaltning, month), store.years[year].rubriker, store=store,
                     title=f"Ombudgeteringar {when}", unit=unit)
