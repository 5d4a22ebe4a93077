"""`kfollow report`: the economy section of a monthly report or verksamhetsberättelse as one
`Document`: the summary, the deviation per stab with comments and per verksamhet, the comparison
with the previous year, investments, the forecast follow-up, month by month, the notes, and a
footer naming the sources. Every table is a `Report` of the engine; renderers lay them out.

A document is read by the nämnd, not by a script: its periods are said in words (`januari–augusti
2024`, `prognosen i augusti 2024`), as the seed's report says them, and the forecast compared with
heads its columns as `Prognos i augusti`, not the controller's `Jmf. prognos 2024-08` (`_for_people`);
csv and json of the same tables keep their ISO months and machine names."""

from __future__ import annotations

import re
from dataclasses import replace

import polars as pl

from kfollow.engine import investments, operations, selection
from kfollow.engine.periods import last_month_booked
from kfollow.errors import UsageError, listing, shown
from kfollow.options import By
from kfollow.report import AmountsNote, ColumnNote, Document, LeftOutNote, Report, Section
from kfollow.sources import provenance
from kfollow.store import Store
from kfollow.vocabulary import CATALOGUE, Kind, RowKind


def economy(store: Store, year: int | None = None, period: str | int | None = None,
            forvaltning: list[str] | None = None, unit: str = "mnkr", staber: list[str] | None = None,
            verksamheter: list[str] | None = None, konto: list[str] | None = None,
            kostnadsslag: list[str] | None = None, top: int | None = None, gross: bool = False) -> Document:
    """The year's (or the period's) economy section; a section the data cannot give is left out.
    `staber`, `verksamheter`, `konto` and `kostnadsslag` narrow every section that can be narrowed
    (the summary and investments cannot: they are left out then). Where the facts have accounts,
    the deviation per stab and kostnadsslag (not with one kostnadsslag chosen: the stab table is it)
    and its `top` (10 unless given) largest parts follow the stab table; without accounts, a `top` given lists the
    largest deviations per stab, as `deviation --top` does. With `gross`, the stab table has its varav kostnader
    and varav intäkter lines, as the annual report's "Resultat" table."""
    p = selection.period(store, year, period)
    year, month = p.year, p.month
    fids = selection.forvaltningar(store, year, forvaltning)
    info = store.year(year)
    sections: list[Section] = []
    when = f"{selection.months_to(month)} {year}" if month else str(year)  # (said as the comparison's title says it)
    ledger = dict(konto=konto, kostnadsslag=kostnadsslag)
    narrowed = bool(staber or verksamheter or konto or kostnadsslag)
    # rows the year does not have are said as such first (not as an option of a command the report runs)
    operations.check_rows(store, year, By.stab, staber)
    operations.check_rows(store, year, By.verksamhet, verksamheter, "verksamhet")

    # nothing booked yet (January's utfall tables of a header only, or a year file with its budget alone): a year
    # being booked, not a closed one (its report was laid out as the verksamhetsberättelse, Ekonomi tables of
    # Utfall – and Förändring sedan prognosen –, with no word of why but the footer's last line; found in review, h156)
    nothing = store.amounts.filter((pl.col("ar") == year) & pl.col("forvaltning").is_in(fids))["utfall"].is_null().all()
    per_forvaltning = None  # the table per förvaltning, where the document has one
    left_out: list[str] = []  # the summaries the document cannot show, warned of on stderr (a warning, not a note:
    # KFOLLOW_QUIET left a table missing from the nämnd's document unsaid; found in review, h129)
    if narrowed:
        pass  # the summary and the per-förvaltning table are the whole förvaltning's
    elif month is None and last_month_booked(store, year) in (None, 12) and not nothing:
        for fid in fids:
            try:
                sections.append(Section(f"Ekonomi {fid}", investments.summary(store, year, fid, unit=unit),
                                        short=f"Ekonomi {fid}"))
            except UsageError as exc:  # a förvaltning without what the summary needs: the other sections show it,
                # and stderr says why its table is not there (it was left out without a word; found in review, h94)
                left_out.append(f"warning: the table Ekonomi {fid} is left out of the document: {exc}")
                continue
    else:
        # (the period is the title's, and the caption's under it: the heading said it a third time)
        per_forvaltning = operations.deviation(store, year, month, "forvaltning", forvaltning, unit=unit)
        sections.append(Section("Resultat per förvaltning", per_forvaltning, short="Per förvaltning"))

    has_verksamhet = not store.amounts.filter((pl.col("ar") == year) & (pl.col("vy") == "verksamhet")
                                              & pl.col("forvaltning").is_in(fids)).is_empty()
    has_accounts = not store.ledger.present().filter((pl.col("ar") == year) & pl.col("forvaltning").is_in(fids)).is_empty()
    if not verksamheter:
        by_stab = operations.deviation(store, year, month, "stab", forvaltning, staber=staber, unit=unit, gross=gross,
                                       **ledger)
        # the rows' comments in a column of their own, where a row has one (or a note says why none is shown
        # here); a year nobody commented has no empty column, and no "med kommentarer" in its heading
        commented = "kommentar" in by_stab.frame.columns and not by_stab.frame.filter(
            pl.col("kommentar").fill_null("").str.strip_chars() != "").is_empty()
        if not commented:  # no empty column: a note on why no comment is shown (a filter) stands as a plain note
            by_stab = replace(by_stab, notes=tuple(str(n) if isinstance(n, ColumnNote) and n.column == "kommentar"
                                                   else n for n in by_stab.notes))
        has_staber = not store.amounts.filter((pl.col("ar") == year) & (pl.col("vy") == "stab")
                                              & pl.col("forvaltning").is_in(fids)).is_empty()
        stab_table = bool(has_staber or commented or gross or narrowed)
        if not stab_table:
            # no förvaltning is shown per stab: its table would repeat the table per förvaltning row for row (found
            # in review: a one-förvaltning document showed its one row twice), and its chart is one per förvaltning
            if per_forvaltning is None:  # a closed year, or one without months: the table per förvaltning in the stab
                # table's place (it was 'Resultat 2024 per stab' over the förvaltningar's rows; found in review, h94)
                per_forvaltning = operations.deviation(store, year, month, "forvaltning", forvaltning, unit=unit)
                sections.append(Section("Resultat per förvaltning", per_forvaltning, short="Per förvaltning"))
            sections.append(Section("Avvikelse per förvaltning", per_forvaltning, chart="avvikelse", table=False))
        else:
            sections.append(Section("Resultat per stab, med kommentarer" if commented else "Resultat per stab",
                                    by_stab, comments=commented, short="Per stab"))
            sections.append(Section("Avvikelse per stab", by_stab, chart="avvikelse", table=False))
    # the budget changes decided up to the period, that Budget helår counts: how a reader traces it back to the
    # budget first decided (found by a förvaltningsekonom: a stab's budget stood adjusted by 3 000 tkr, the
    # decision and the amount named nowhere in the document); after the stab table, whose rows they name
    if not (konto or kostnadsslag):
        changed = _changes(store, year, month, forvaltning, staber, verksamheter, unit, several=len(fids) > 1)
        sections += [changed] if changed is not None else []
    if not verksamheter:
        # the cut by kostnadsslag, but not of a single kostnadsslag chosen (it would repeat the stab table);
        # the largest parts whatever the filter
        if has_accounts and len(kostnadsslag or ()) != 1:
            cut = operations.deviation(store, year, month, "stab,kostnadsslag", forvaltning, staber=staber, unit=unit,
                                       **ledger)
            # the budget holders' comments per kostnadsslag on their parts (the stab's own are in the stab table)
            said = cut.frame.filter((pl.col("radtyp") == "del") & pl.col("kommentar").is_not_null()).height \
                if "kommentar" in cut.frame.columns else 0
            if said:  # (and said under the table: an empty cell on a stab's row is no missing comment)
                cut = replace(cut, frame=cut.frame.with_columns(
                    kommentar=pl.when(pl.col("radtyp") == "del").then(pl.col("kommentar"))),
                    notes=(*cut.notes, ColumnNote("Kommentarerna här är per kostnadsslag; stabernas egna står i "
                                                  "tabellen Resultat per stab.", "kommentar")))
            sections.append(Section("Resultat per stab och kostnadsslag", cut, comments=bool(said), short="Per kostnadsslag"))
        if has_accounts:
            sections.append(Section(f"Största avvikelser per stab och kostnadsslag", operations.deviation(
                store, year, month, "stab,kostnadsslag", forvaltning, staber=staber, unit=unit,
                top=10 if top is None else top, **ledger), short=_TOP))
        elif top is not None and not stab_table:  # (the table per förvaltning is every row there is to list)
            left_out.append(f"warning: --top {top}: the section Största avvikelser is left out of the document: no "
                            "förvaltning shown has staber, and the table Resultat per förvaltning lists all its rows")
        elif top is not None:
            # without accounts the finest grain is the stab, as `deviation --top` lists it (a --top asked for was
            # ignored without a word: found in review, h102); not by default, beside the stab table it ranks
            sections.append(Section("Största avvikelser per stab", operations.deviation(
                store, year, month, "stab", forvaltning, staber=staber, unit=unit, top=top, **ledger), short=_TOP))
    elif top is not None:
        left_out.append(f"warning: --top {top}: the section Största avvikelser is left out of the document: it lists "
                        "staber (and their kostnadsslag), and --verksamhet narrows the report to verksamheter; for the "
                        f"largest of those, run deviation --by verksamhet --verksamhet … --top {top}")
    if has_verksamhet and not staber:
        sections.append(Section("Driftredovisning per verksamhet",
                                operations.deviation(store, year, month, "verksamhet", forvaltning, unit=unit,
                                                     verksamheter=verksamheter, **ledger), short="Per verksamhet"))
    if year - 1 in store.years:
        by = "verksamhet" if has_verksamhet and not staber else "stab"
        compared = operations.compare(store, year - 1, year, by, forvaltning, month, unit=unit, staber=staber,
                                      verksamheter=verksamheter, **ledger)
        earlier, later = f"utfall_{year - 1}", f"utfall_{year}"
        # (and where the year has nothing booked: a column of – under Utfall 2024, the year before beside the budget
        # in the other tables already; found in review, h156)
        if all(c not in compared.frame.columns or compared.frame[c].is_not_null().any() for c in (earlier, later)):
            # (left out where the earlier year has no figure for the months: a year given whole, in a tertial's
            # report, made a section of `–`; found by an investment controller)
            sections.append(Section(f"Utfall {year} jämfört med {year - 1}", compared,
                                    chart="verksamhet" if by == "verksamhet" else None, short="Jämförelse"))
    if narrowed:
        pass  # investments and the forecast follow-up are the whole förvaltning's
    elif not store.investments.filter((pl.col("ar") == year) & (pl.col("typ") == "projekt")
                                    & pl.col("forvaltning").is_in(fids)).is_empty():
        # a closed year's table is the year's: a pågående project booked short of December (to March, the drift and
        # the other projects to December) is – in it, as in a month's report, and does not cut every project to its
        # month (the verksamhetsberättelse showed 'Investeringar januari–mars 2024'; found in review, h94)
        whole = month is None and last_month_booked(store, year) == 12 and \
            (investments.months_booked(store, year, fids) or 12) < 12
        sections.append(Section("Investeringar", investments.investments(store, year, forvaltning=forvaltning,
                                                                         unit=unit, month=12 if whole else month),
                                comments=True, short="Investeringar"))
    forecasts = store.forecasts.filter((pl.col("ar") == year) & pl.col("forvaltning").is_in(fids)
                                       & (pl.col("manad") <= (month or 12)))
    if not forecasts.is_empty() and month is None and not narrowed:
        latest = forecasts["manad"].max()
        against = operations.deviation(store, year, None, "forvaltning", forvaltning, against=f"{year}-{latest:02d}",
                                       unit=unit)
        if nothing:  # (January: no utfall to set against the forecast, `_forecast_only`)
            sections.append(Section(f"Prognosen i {selection.MONTHS[latest - 1]} {year}", _forecast_only(against, year),
                                    short="Prognos"))
        else:
            sections.append(Section(f"Avvikelse jämfört med prognosen i {selection.MONTHS[latest - 1]} {year}",
                                    against, short="Prognos"))
    elif not forecasts.is_empty() and month is not None and not narrowed:
        # a delårsrapport's question: how the forecast for the year changed since the one before it (T2 against T1),
        # each förvaltning's latest against its own one before: where they forecast in different months (KSF in April
        # and August, SERV in March and July) a table of each pair of months (one table headed 'Prognos i juli' showed
        # KSF's April forecast there, and SERV's July against itself, 0,0; found in review, h136)
        pairs: dict[tuple[int, int], list[str]] = {}
        fewer: list[str] = []  # (a förvaltning with one forecast, or none, is in no table of pairs)
        for fid in fids:
            made = sorted(set(forecasts.filter(pl.col("forvaltning") == fid)["manad"].to_list()))
            if len(made) >= 2:
                pairs.setdefault((made[-1], made[-2]), []).append(fid)
            else:
                name = store.years[year].forvaltningar[fid].namn
                fewer.append(f"{name} (en prognos, i {selection.MONTHS[made[0] - 1]})" if made else
                             f"{name} (ingen prognos)")
        for n, ((latest, before), group) in enumerate(sorted(pairs.items(), reverse=True)):
            changed = operations.deviation(store, year, month, "forvaltning", forvaltning if len(pairs) == 1 else group,
                                           against=f"{year}-{before:02d}", unit=unit)
            # a förvaltning's forecast of a month sums its staber's latest up to it: one that made none then counts
            # with an older one, which only the table per förvaltning's `Prognos från` said (found by a new user, h140)
            changed = replace(changed, notes=(*changed.notes, *_older_forecasts(store, year, group, latest, "prognos"),
                                              *_older_forecasts(store, year, group, before, "jmf_prognos")))
            if len(pairs) > 1 and fewer and n == len(pairs) - 1:
                # under the last table of pairs: the förvaltningar none of them shows (left out without a word, where
                # others forecast twice; found in review, h139)
                who = fewer[0] if len(fewer) == 1 else f"{', '.join(fewer[:-1])} och {fewer[-1]}"
                changed = replace(changed, notes=(*changed.notes, (
                    f"{who} står inte i tabellerna ovan: {'den' if len(fewer) == 1 else 'de'} har ingen tidigare "
                    f"prognos till och med {selection.MONTHS[month - 1]} {year} att jämföra med."),))
            sections.append(Section(f"Prognosen i {selection.MONTHS[latest - 1]} jämfört med prognosen i "
                                    f"{selection.MONTHS[before - 1]} {year}", _forecast_change(changed),
                                    short="Prognosförändring" if len(pairs) == 1
                                    else f"Prognosförändring {selection.MONTHS[latest - 1]}"))
    if month is not None and last_month_booked(store, year) is not None:  # (utfall for the whole year: no months)
        sections.append(Section("Månad för månad", operations.months(
            store, year, forvaltning, staber, unit=unit, period=month, verksamheter=verksamheter, **ledger),
            chart="manader", short="Månader"))
    if info.indikatorer and not narrowed:
        from kfollow.engine.indicators import indicators

        sections.append(Section("Nämndindikatorer, målområde ekonomi", indicators(store, year, forvaltning, month),
                                short="Indikatorer"))

    booked = last_month_booked(store, year)
    # the year's utfall, and the year before's where its figures are shown beside it (found in review); the
    # indicators show every earlier year's budget and utfall (found by a new user: only this year's budget named)
    indicated = any(s.short == "Indikatorer" for s in sections)
    shown_years = [y for y in sorted(store.years) if y == year or y == year - 1 or (indicated and y < year)]
    # the files of those years alone: a report of 2025 named 2023's files, which it does not show (found by a
    # controller opening 2025, h130)
    # (a report of a month does not name the answers of later months, which it does not show; found by a new user, h164)
    upto = (year, month) if period is not None and month is not None else None
    footer = [f"Källor: {'; '.join(provenance.describe(store.sources_of(shown_years, upto), store.directory))}"]
    utfall_kallor = [k for y in shown_years for k in store.years[y].utfall_kallor]
    budget_kallor = [k for y in shown_years if y == year or indicated for k in store.years[y].budget_kallor]
    if utfall_kallor:
        footer.append(f"Utfall importerat från {'; '.join(dict.fromkeys(utfall_kallor))}")
    if budget_kallor:
        footer.append(f"Budget importerad från {'; '.join(dict.fromkeys(budget_kallor))}")
    # a table without its import's note beside an imported one: 'Utfall importerat från exempelby.se' (2023's) stood
    # for 2024's table too, whose note had been deleted (found by an auditor, h135)
    untraced = [t for y in shown_years for t in store.years[y].utan_kalla
                if t in store.years[y].utfall_filer or y == year or indicated]
    if untraced and (utfall_kallor or budget_kallor):
        footer.append("Utan importanteckning (.kalla.json), så inte spårade till en export: "
                      + "; ".join(provenance.shown_path(t, store.directory, in_git=provenance.git_revision(t) is not None)
                                  for t in dict.fromkeys(untraced)))
    footer.append(_booked(year, month, booked, store.amounts.filter(
        (pl.col("ar") == year) & pl.col("forvaltning").is_in(fids))["utfall"].is_null().all()))
    footer = [shown(line) for line in footer]  # (paths as typed: a control character escaped, as messages show it)
    title = ", ".join([f"Ekonomi {when}", info.organisation,
                       *_whose(store, year, fids, forvaltning, staber, verksamheter)])
    if store.amounts.filter((pl.col("ar") == year) & pl.col("forvaltning").is_in(fids))["budget"].is_null().all():
        changed = not store.changes.filter((pl.col("ar") == year) & pl.col("forvaltning").is_in(fids)).is_empty()
        if top is not None and any(s.short == _TOP for s in sections):
            left_out.append(f"warning: --top {top}: the section Största avvikelser is left out of the document: {year} "
                            "has no budget in the year files, so there is no deviation to list")
        sections = _without_budget(sections, year, changed)
    if nothing:
        # nothing booked yet (January's tables of a header only): the tables show the budget and utfall –, and a chart
        # of avvikelse has no bar to draw (the report was refused, exit 2, 'there is no budget for these rows';
        # found in review, h144)
        if top is not None and any(s.short == _TOP for s in sections):
            left_out.append(f"warning: --top {top}: the section Största avvikelser is left out of the document: {year} "
                            "has no utfall yet, so there is no deviation to list")
        sections = [s for s in sections if not (s.chart == "avvikelse" and not s.table) and s.short != _TOP]
        sections = _nothing_booked(sections, year)
    sections = [replace(s, report=_without_repeated_total(s.report)) for s in sections]
    sections = _without_empty_forecasts(sections)
    # the rows whose forecast is missing, as every table's note names them (each table named its own: the staber,
    # the staber with their förvaltning, the verksamheter; found by a förvaltningsekonom)
    lacking = [n for names in operations.lacking_forecasts(store, year, month, fids).values() for n in names]
    if len(fids) == 1:
        lacking = [n.removesuffix(f" ({fids[0]})") for n in lacking]
    sections = [replace(s, report=_for_people(s.report, info.rubriker, year, lacking)) for s in sections]
    return Document(title, tuple(sections), tuple(footer), unit, said=(*p.messages, *left_out))


def _nothing_booked(sections: list[Section], year: int) -> list[Section]:
    """A year with nothing booked yet: the first table says so, and why its utfall and deviations are –, where the
    reader begins (the footer's last line alone said it); a table's note that its förvaltningar lack utfall, each
    of them, is that said again."""
    out, said = [], False
    for s in sections:
        if s.table:
            notes = tuple(n for n in s.report.notes if not str(n).startswith("Utfall saknas för "))
            if not said:
                notes = (f"Inget utfall är bokfört för {year} ännu: tabellerna visar årets budget, och utfall och "
                         "avvikelse visas som –.", *notes)
                said = True
            s = replace(s, report=replace(s.report, notes=notes))
        out.append(s)
    return out


def _changes(store: Store, year: int, month: int | None, forvaltning: list[str] | None, staber: list[str] | None,
             verksamheter: list[str] | None, unit: str, several: bool) -> Section | None:
    """The year's budget changes (ombudgeteringar) decided up to `month` (the whole year without one), of the
    staber or verksamheter chosen: date, decision, the stab (by its name) or verksamhet it moves, the decision's
    text and its amount as the förvaltning's budget presents it, and each förvaltning's sum; None where there are
    none. The förvaltning's column only where the document has several."""
    report = operations.changes(store, year, forvaltning, unit, month)
    frame = report.frame
    rows = pl.col("radtyp") == "rad"
    if staber or verksamheter:  # (a stab's own report: its changes, and their sum)
        frame = frame.filter(rows & (pl.col("stab").is_in(staber or []) | pl.col("verksamhet").is_in(verksamheter or [])))
        frame = pl.concat([frame, frame.group_by("forvaltning", maintain_order=True).agg(pl.col("netto").sum()).with_columns(
            radtyp=pl.lit("summa"), beslut=pl.lit("Summa ombudgeteringar"))], how="diagonal_relaxed").select(report.frame.columns)
    if frame.filter(rows).is_empty():
        return None
    # a stab as the tables name it (its namn), not by its key
    names = store.amounts.filter((pl.col("ar") == year) & (pl.col("vy") == "stab")).select(
        "forvaltning", pl.col("nyckel").alias("stab"), pl.col("namn").alias("_namn")).unique(["forvaltning", "stab"])
    frame = frame.join(names, on=["forvaltning", "stab"], how="left").with_columns(
        stab=pl.coalesce("_namn", "stab")).drop("_namn")
    if "kostnadsslag" in frame.columns:  # a kostnadsslag by its name, as the document's tables name it (its id is for
        # the command line; found in review: 'kop_material' in the nämnd's Ombudgeteringar)
        slag = {g.id: g.namn for g in store.year(year).kostnadsslag}
        frame = frame.with_columns(kostnadsslag=pl.col("kostnadsslag").replace(slag))
    shown = {"datum", "beslut", "stab", "text", "netto"} | ({"forvaltning"} if several else set()) | {
        c for c in ("verksamhet", "konto", "kostnadsslag") if c in frame.columns and frame[c].is_not_null().any()}
    # (the decision first: it labels the row, and the sum's `Summa ombudgeteringar` stands there, not under an empty
    # date a Markdown viewer would drop)
    # (the decision's text wraps as a comment does: at its full length it turned a Word page to landscape)
    columns = tuple(replace(c, header="Belopp") if c.name == "netto" else
                    replace(c, people=c.people and c.name in shown, comment=c.name == "text")
                    for c in sorted(report.columns, key=lambda c: c.name != "beslut"))
    report = replace(report, frame=frame, columns=columns, notes=(
        *report.notes, "Budgeten i tabellerna är den ursprungliga budgeten ändrad med dessa ombudgeteringar; Belopp "
                       "är ändringen av budgeten."))
    return Section("Ombudgeteringar", report, comments=True, short="Ombudgeteringar")


def _without_repeated_total(report: Report) -> Report:
    """A table of one förvaltning shown as one row (`Resultat per förvaltning` of a förvaltning's own report) without
    its Summa, which repeats the row's every figure, nor its share of that sum (100,0) (found by a förvaltningsekonom:
    `Socialförvaltningen` and an identical `Summa nettokostnad` under it). Its varav lines (--gross) go with it."""
    frame = report.frame
    if "radtyp" not in frame.columns:
        return report
    kinds = frame["radtyp"].to_list()
    varav = {RowKind.kostnader.value, RowKind.intakter.value}
    if RowKind.summa.value not in kinds:
        return report
    at = kinds.index(RowKind.summa.value)
    if not (kinds[:1] == [RowKind.forvaltning.value] and set(kinds[1:at]) <= varav and set(kinds[at + 1:]) <= varav):
        return report
    shares = {"andel_pct", *(c.name for c in report.columns if re.fullmatch(r"andel_\d{4}_pct", c.name))}
    return replace(report, frame=frame.head(at), columns=tuple(
        replace(c, people=False) if c.name in shares else c for c in report.columns))


# a forecast's columns: a document's table shows them where they have a figure
_FORECASTS = ("prognos", "prognos_period", "prognos_avvikelse")


def _without_empty_forecasts(sections: list[Section]) -> list[Section]:
    """The document's tables without the forecast columns that have no figure in them, where another table of the
    document shows forecasts (found by a förvaltningsekonom: the table per verksamhet, of forecasts given per stab,
    had Prognos and Avvikelse prognos of `–` on every row, and a note naming the verksamheter); the terminal, csv
    and json keep their columns. Where no table has a forecast, they stay, with the note that says why."""
    def has(report: Report, column: str) -> bool:
        return any(c.name == column and c.people for c in report.columns) and \
            report.frame[column].is_not_null().any()

    if not any(s.table and has(s.report, "prognos") for s in sections):
        return sections
    out = []
    for s in sections:
        empty = {c for c in _FORECASTS if c in s.report.frame.columns and s.report.frame[c].is_null().all()}
        if empty:
            s = replace(s, report=replace(s.report, columns=tuple(
                replace(c, people=False) if c.name in empty else c for c in s.report.columns)))
        out.append(s)
    return out


def _booked(year: int, month: int | None, booked: int | None, nothing: bool = False) -> str:
    """The footer's line on the utfall booked, in words: the last booked month, and where the report is of an
    earlier one (`--period 2024-08` in October), the report's period first (it said `Senast bokförda period:
    2024-10` under a report of August, which a reader takes for the report's period; found in review, h73). `nothing`: no row has utfall."""
    if booked is None and nothing:  # (a table of a header only, January: 'anges för helår' was said of it, h144)
        return f"Inget utfall bokfört för {year} ännu"
    if booked is None:
        return f"Utfall {year} anges för helår"
    last = f"{selection.MONTHS[booked - 1]} {year}"
    if month is not None and month < booked:
        return f"Rapportens period: {selection.months_to(month)} {year}; senast bokförda period i underlaget: {last}"
    return f"Senast bokförda period: {last}"


# a month as a table's title or note says it (`2024-08`), not where it is typed (`--period 2024-10`, `{2024-08: …}`)
# (nor in a path or an option with `=`: `svar/2024-10.yaml`, `--period=2024-10`; found in review, h70)
_ISO_MONTH = r"(?<![-{:.\w/\\=])(?<!--period )(?<!--against )(\d{4})-(0[1-9]|1[0-2])(?![-\w/\\]|\.\w)"
_SAID = (  # (the longer phrase first: `prognos 2024-08` is `prognosen i augusti 2024`, not `prognos augusti 2024`)
    (re.compile(_ISO_MONTH + r" \(ack\.\)"), lambda y, m: f"{selection.months_to(m)} {y}"),
    (re.compile(r"\bprognos t\.o\.m\. " + _ISO_MONTH), lambda y, m: f"den senaste prognosen till och med "
                                                                   f"{selection.MONTHS[m - 1]} {y}"),
    (re.compile(r"\b(?:prognos|prognosen) " + _ISO_MONTH), lambda y, m: f"prognosen i {selection.MONTHS[m - 1]} {y}"),
    (re.compile(r"\bgjordes " + _ISO_MONTH), lambda y, m: f"gjordes i {selection.MONTHS[m - 1]} {y}"),
    (re.compile(_ISO_MONTH), lambda y, m: f"{selection.MONTHS[m - 1]} {y}"),
)
# the forecast's change since the one before, of a period (`_forecast_change`): the year's budget, the two forecasts
# in the order they were made, the latest one's deviation and the change since the earlier one
_CHANGE_COLUMNS = ("budget_helar", "jmf_prognos", "prognos", "prognos_avvikelse", "avvikelse_forandring")


def _older_forecasts(store: Store, year: int, fids: list[str], made: int, column: str) -> list[ColumnNote]:
    """A note on `column` per förvaltning of `fids` whose forecast of the month `made` sums a row's (a stab's) made
    before it: the rows that forecast up to `made` but not in it, each with the month of its latest."""
    rows = store.forecasts.filter((pl.col("ar") == year) & pl.col("forvaltning").is_in(fids) & (pl.col("manad") <= made))
    older = rows.group_by("forvaltning", "vy", "nyckel").agg(pl.col("manad").max()).filter(pl.col("manad") < made)
    if older.is_empty():
        return []
    names = store.amounts.filter(pl.col("ar") == year).select("forvaltning", "vy", "nyckel", "namn", "ordning")
    older = older.join(names.unique(["forvaltning", "vy", "nyckel"]), on=["forvaltning", "vy", "nyckel"], how="left")
    info = store.years[year]
    notes = []
    for fid in fids:
        mine = older.filter(pl.col("forvaltning") == fid).sort("ordning", nulls_last=True)
        if mine.is_empty():
            continue
        said = [f"{namn or nyckel} har ingen prognos från {year}-{made:02d}, och dess senaste före, från "
                f"{year}-{manad:02d}, ingår" for namn, nyckel, manad in mine.select("namn", "nyckel", "manad").rows()]
        forvaltning = info.forvaltningar[fid].namn if fid in info.forvaltningar else fid
        notes.append(ColumnNote(f"Prognosen för {forvaltning} från {year}-{made:02d} är en summa av prognoser gjorda "
                                f"i olika månader: {'; '.join(said)}.", column))
    return notes


def _forecast_change(report: Report) -> Report:
    """The table of a period `--against` the forecast before the latest as a delårsrapport shows it: its rows with
    the year's budget, both forecasts, the latest's deviation and the change since the earlier (`_CHANGE_COLUMNS`);
    the year to date stands in the table per förvaltning above it."""
    shown = {c.name: c for c in report.columns}
    labels = [c for c in report.columns if c.kind is Kind.text]  # (the row's kind, key, name and presentation)
    compared = re.search(r"prognos \d{4}-\d{2}$", report.title)
    return replace(report, columns=(*labels, *(shown[n] for n in _CHANGE_COLUMNS if n in shown)),
                   title=f"Prognos för helåret {report.period[:4]} per förvaltning, jämfört med {compared[0]}"
                   if compared and report.period else report.title)


# a forecast of a year with nothing booked yet: the year's budget, the forecast and its deviation
_FORECAST_ONLY_COLUMNS = ("budget", "jmf_prognos", "jmf_avvikelse")


def _forecast_only(report: Report, year: int) -> Report:
    """The table `--against` the latest forecast of a year with nothing booked yet (January) as the forecast alone:
    its rows with the year's budget, the forecast and the forecast's deviation (`_FORECAST_ONLY_COLUMNS`), and a note
    that there is no utfall to set against it (its Utfall, Avvikelse and Förändring sedan prognosen were – on every
    row, under the heading 'Avvikelse jämfört med prognosen i augusti 2024'; found in review, h158)."""
    shown = {c.name: c for c in report.columns}
    labels = [c for c in report.columns if c.kind is Kind.text and not c.comment]
    return replace(report, columns=(*labels, *(shown[n] for n in _FORECAST_ONLY_COLUMNS if n in shown)),
                   title=f"Prognos för helåret {year} per förvaltning, jämfört med budget",
                   notes=(*(n for n in report.notes if not str(n).startswith("Utfall saknas för ")),
                          f"Inget utfall är bokfört för {year} ännu att jämföra prognosen med: tabellen visar "
                          "prognosen för helåret mot årets budget."))


# the forecast comparison's headers, the controller's shorthand (`Jmf. avvikelse`), as the nämnd reads them; the
# month of the forecast is the comparison's header's (`Jmf. prognos 2024-08`) and its table's title
_FORECAST_HEADERS = {"jmf_avvikelse": "Prognostiserad avvikelse", "avvikelse_forandring": "Förändring sedan prognosen"}
_COMPARED = re.compile(r"Jmf\. prognos (t\.o\.m\. )?(\d{4})-(\d{2})$")


def in_words(text: str) -> str:
    """`text` with its months said as people say them: `2024-08 (ack.)` → `januari–augusti 2024`, `prognos
    2024-08` → `prognosen i augusti 2024`, `2024-08` → `augusti 2024`; a month in a command (`--period 2024-10`)
    or a date (`2024-11-05`) stays as typed."""
    for pattern, said in _SAID:
        text = pattern.sub(lambda m: said(int(m[1]), int(m[2])), text)
    return text


def for_reading(store: Store, report: Report) -> Report:
    """One table written for people to read, a Word document or a chart, said as the report says it (`_for_people`):
    `Resultat 2024-10 (ack.) per stab` → `Resultat januari–oktober 2024 per stab`, the month cells `mars`. The
    terminal, Markdown, csv and json keep `2024-10` (scripts read their titles and columns)."""
    year = _year_of(store, report)
    if year is None:
        return report
    return _for_people(report, store.years[year].rubriker, year)


def _year_of(store: Store, report: Report) -> int | None:
    """The year a table is of: its period's, its months', else the latest of the store's years its title names."""
    if report.period and re.match(r"\d{4}-\d{2}$", report.period):
        year = int(report.period[:4])
    elif "manad" in report.frame.columns and report.frame["manad"].drop_nulls().len():
        year = int(report.frame["manad"].drop_nulls()[0][:4])
    else:
        year = max((int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", report.title) if int(y) in store.years),
                   default=None)
    return year if year in store.years else None


def _for_people(report: Report, rubriker: dict[str, str], year: int, lacking: list[str] = ()) -> Report:
    """A section's table as the nämnd reads it: its title and notes with months in words (`in_words`), its
    month cells too (`Månad`, `Prognos från`: `mars`, the document's title giving the `year`), and the
    forecast's headers in words (`Prognos i augusti`, `Prognostiserad avvikelse`, `Förändring sedan prognosen`),
    where the year file names none of its own (`rubriker`: those stay as written). A note that names a header
    renamed names it as the table does. The frame and its machine names are unchanged."""
    renamed: dict[str, str] = {}  # the header a note may name → the header shown
    columns = []
    # (a forecast headed by the year file: the month is added to its header as in every table, `Helårsprognos 2024-08`)
    month = None if "prognos" in rubriker else _one_forecast_month(report)
    for c in report.columns:
        header = c.header
        if c.name in rubriker:
            pass
        elif c.name == "jmf_prognos" and (m := _COMPARED.match(header)):
            month_said = selection.MONTHS[int(m[3]) - 1]
            header = f"Senaste prognos t.o.m. {month_said}" if m[1] else f"Prognos i {month_said}"
        elif c.name in _FORECAST_HEADERS:
            header = _FORECAST_HEADERS[c.name]
        elif c.name == "prognos" and month is not None:
            # the month every row's forecast was made in, said once in the header (tables for machines and the
            # terminal keep `Prognos 2024-08`); its column of that one month is then none of the nämnd's
            header = f"Prognos i {selection.MONTHS[month - 1]}"
        elif c.name == "prognos_period" and month is not None:
            c = replace(c, people=False)
        if header != c.header:
            renamed[CATALOGUE[c.name][1]] = header
            c = replace(c, header=header)
        columns.append(c)

    headed = {c.name: c.header for c in columns}

    # how the terminal heads a forecast column, which its notes name (`Prognos 2024-08 är – …`)
    terminal = {c.name: c.header for c in report.columns}
    terminal["prognos"] = operations.forecast_header(report.frame, rubriker.get("prognos"))
    unknown = "prognos" in report.frame.columns and report.frame["prognos"].is_null().any()

    def said(note: str) -> str | None:
        text = note
        if isinstance(note, operations.YearFileCommentsNote):  # (where a comment came from is the controller's
            return None                                         # business, not the nämnd's; h157)
        if isinstance(note, operations.UnknownForecastNote) and note.column == "prognos" and note.column in headed:
            if not unknown:  # (the table shows no `–` forecast: nothing to say of one)
                return None
            if lacking:  # the same short note under every table (so said once: `render.document.unstated`)
                them = "den" if len(lacking) == 1 else "de"
                text = (f"{headed['prognos']} är – för {listing(lacking)}, som saknar prognos, och för "
                        f"summorna {them} ingår i.")
                return _same_kind(note, in_words(text))
        def words(text: str) -> str:
            # a note on an unknown sum names the forecast as the table heads it (`Prognos i augusti är – …` beside the
            # header `Prognos i augusti`; it said `Prognos är –`, found in review, h73)
            name = terminal.get(getattr(note, "column", None), "")
            if name and note.column in headed and note.column not in rubriker and text.startswith(f"{name} är "):
                text = headed[note.column] + text[len(name):]
            for old, new in renamed.items():
                text = re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", new, text)
            return in_words(text)

        if isinstance(note, AmountsNote):  # its words, its amounts kept to be said as the document's figures (h162)
            return note.reworded(words)
        return _same_kind(note, words(text))

    # (the period above a workbook's table, `Period: 2024-10`, as its title says it: year to date)
    period = in_words(f"{report.period} (ack.)") if report.period and re.fullmatch(r"\d{4}-\d{2}", report.period) \
        else report.period
    return replace(report, columns=tuple(columns), title=in_words(report.title), qualifier=in_words(report.qualifier),
                   notes=tuple(t for n in report.notes if (t := said(n)) is not None), period=period,
                   months_in_words=year)


def _one_forecast_month(report: Report) -> int | None:
    """The month every forecast of the table was made in (its sums' too), or None: several, or none."""
    frame = report.frame
    if "prognos_period" not in frame.columns or "prognos" not in frame.columns:
        return None
    months = frame["prognos_period"].drop_nulls().unique()
    undated = frame.filter(pl.col("prognos").is_not_null() & pl.col("prognos_period").is_null()).height
    return int(months[0][5:7]) if months.len() == 1 and not undated else None


def _same_kind(note: str, text: str) -> str:
    """`text` as a note of the same kind as `note` (a `ColumnNote` on the same columns, a `Caveat`, …)."""
    if isinstance(note, ColumnNote):
        return type(note)(text, note.column, *note.also)
    if isinstance(note, LeftOutNote):
        return LeftOutNote(text, note.column)
    return type(note)(text)


def _whose(store: Store, year: int, fids: list[str], forvaltning: list[str] | None, staber: list[str] | None,
           verksamheter: list[str] | None) -> list[str]:
    """The names of the part of the organisation a report is of, for its title: the förvaltningar chosen, or each
    förvaltning holding the chosen stab or verksamhet rows followed by their names; none for the whole."""
    # a part's report titled as the whole could not be told from it (found by a new user: VSS's report); so every
    # name is said, even one the organisation ends with (stab KS, Kommunstyrelsen, was left out and looked the whole)
    chosen = staber or verksamheter
    if not chosen:
        return [store.year(year).forvaltningar[f].namn for f in fids] if forvaltning else []
    view = "stab" if staber else "verksamhet"
    rows = store.amounts.filter((pl.col("ar") == year) & (pl.col("vy") == view) & pl.col("nyckel").is_in(chosen)
                                & pl.col("forvaltning").is_in(fids)).unique(["forvaltning", "nyckel"], keep="first")
    names = []
    for fid in fids:
        held = dict(rows.filter(pl.col("forvaltning") == fid).select("nyckel", "namn").iter_rows())
        if held:  # the förvaltning's name, then its rows' in the order chosen
            names += [store.year(year).forvaltningar[fid].namn,
                      *(held[k] or k for k in dict.fromkeys(chosen) if k in held)]
    return names


# what a year without any budget cannot give (a year typed with its utfall alone, for a comparison)
_OF_BUDGET = ("budget", "avvikelse", "avvikelse_pct", "budget_helar", "prognos_avvikelse", "budget_kostnader",
              "budget_intakter", "budget_ack", "avvikelse_ack", "avvikelse_ack_pct")
_TOP = "Största avvikelser"  # the section that lists deviations: nothing to list without a budget


def _without_budget(sections: list[Section], year: int, changed: bool = False) -> list[Section]:
    """A year without any budget: no deviation chart, and the tables without the budget's columns
    (every cell would be –), the first with a note that says so (and, where the year has budget changes,
    what to write: found in review)."""
    out, said = [], False
    for s in sections:
        if (s.chart == "avvikelse" and not s.table) or s.short == _TOP:
            continue
        empty = [c for c in _OF_BUDGET if c in s.report.frame.columns and s.report.frame[c].is_null().all()]
        if empty:
            note = () if said else (f"{year} har ingen budget i årsfilerna: tabellerna visar utfallet." + (
                " Årsfilerna har budgetändringar men ingen budget att ändra: skriv radernas budget (0 om de inte har "
                "någon)." if changed else ""),)
            said = True
            report = s.report
            # (a note that the budget and avvikelse show as – speaks of columns no longer there: found in review)
            kept = tuple(n for n in report.notes if not ("budget" in n and "visas som –" in n))
            s = replace(s, chart=None if s.chart == "avvikelse" else s.chart, report=replace(
                report, columns=tuple(c for c in report.columns if c.name not in empty), notes=(*note, *kept)))
        out.append(s)
    return out
