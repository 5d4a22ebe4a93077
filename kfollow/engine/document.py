"""`kfollow report`: the economy section of a monthly report or verksamhetsberättelse as one
`Document`: the summary, the deviation per stab with comments and per verksamhet, the comparison
with the previous year, investments, the forecast follow-up, month by month, the notes, and a
footer naming the sources. Every table is a `Report` of the engine; renderers lay them out."""

from __future__ import annotations

import polars as pl

from kfollow.engine import investments, operations, selection
from kfollow.engine.periods import last_month_booked
from kfollow.errors import UsageError
from kfollow.report import Document, Section
from kfollow.sources import provenance
from kfollow.store import Store


def economy(store: Store, year: int | None = None, period: str | int | None = None,
            forvaltning: list[str] | None = None, unit: str = "mnkr") -> Document:
    """The year's (or the period's) economy section; a section the data cannot give is left out."""
    p = selection.period(store, year, period)
    year, month = p.year, p.month
    fids = selection.forvaltningar(store, year, forvaltning)
    info = store.year(year)
    sections: list[Section] = []
    when = f"{year}-{month:02d}" if month else str(year)

    if month is None and last_month_booked(store, year) in (None, 12):
        for fid in fids:
            try:
                sections.append(Section(f"Ekonomi {fid}", investments.summary(store, year, fid, unit=unit)))
            except UsageError:
                continue  # a förvaltning without what the summary needs: the other sections show it
    else:
        sections.append(Section(f"Resultat per förvaltning, {when} (ack.)",
                                operations.deviation(store, year, month, "forvaltning", forvaltning, unit=unit)))

    by_stab = operations.deviation(store, year, month, "stab", forvaltning, unit=unit)
    sections.append(Section("Resultat per stab, med kommentarer", by_stab, comments=True))
    sections.append(Section("Avvikelse per stab", by_stab, chart="avvikelse", table=False))
    has_verksamhet = not store.amounts.filter((pl.col("ar") == year) & (pl.col("vy") == "verksamhet")
                                              & pl.col("forvaltning").is_in(fids)).is_empty()
    if has_verksamhet:
        sections.append(Section("Driftredovisning per verksamhet",
                                operations.deviation(store, year, month, "verksamhet", forvaltning, unit=unit)))
    if year - 1 in store.years:
        by = "verksamhet" if has_verksamhet else "stab"
        compared = operations.compare(store, year - 1, year, by, forvaltning, month, unit=unit)
        sections.append(Section(f"Utfall {year} jämfört med {year - 1}", compared,
                                chart="verksamhet" if has_verksamhet else None))
    if not store.investments.filter((pl.col("ar") == year) & (pl.col("typ") == "projekt")
                                    & pl.col("forvaltning").is_in(fids)).is_empty():
        sections.append(Section("Investeringar", investments.investments(store, year, forvaltning=forvaltning,
                                                                         unit=unit), comments=True))
    forecasts = store.forecasts.filter((pl.col("ar") == year) & pl.col("forvaltning").is_in(fids)
                                       & (pl.col("manad") <= (month or 12)))
    if not forecasts.is_empty() and month is None:
        latest = forecasts["manad"].max()
        sections.append(Section(f"Avvikelse jämfört med prognosen {year}-{latest:02d}", operations.deviation(
            store, year, None, "forvaltning", forvaltning, against=f"{year}-{latest:02d}", unit=unit)))
    if month is not None:
        sections.append(Section("Månad för månad", operations.months(store, year, forvaltning, unit=unit, period=month),
                                chart="manader"))

    booked = last_month_booked(store, year)
    footer = [f"Källor: {'; '.join(provenance.describe(store.files))}"]
    if info.utfall_kallor:
        footer.append(f"Utfall importerat från {'; '.join(info.utfall_kallor)}")
    footer.append(f"Senast bokförda period: {year}-{booked:02d}" if booked else
                  f"Utfall {year} anges för helår")
    title = f"Ekonomi {when}, {info.organisation}"
    return Document(title, tuple(sections), tuple(footer), unit)
