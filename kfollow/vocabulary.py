"""The vocabulary of kfollow's tables: every column's machine name, its kind and its Swedish
header. Machine names are stable (csv, json, --columns); headers are for people and a year file
may rename them (`rubriker:`)."""

from __future__ import annotations

import re
from enum import Enum


class Kind(str, Enum):
    money = "money"  # Int64 öre; shown in the report's unit, rounded half away from zero
    percent = "percent"  # Float64 percent; one decimal
    text = "text"
    month = "month"  # YYYY-MM
    count = "count"  # an integer that is no amount (a line number, a number of rows)
    message = "message"  # a template whose {0:d} … are the row's `belopp` and {pct} its `pct` (check findings)
    data = "data"  # what a message template is filled with; no format shows it


# the months as people say them (documents: `mars`, `januari–augusti 2024`); tables for scripts and the terminal
# keep `2024-03`
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")


class RowKind(str, Enum):
    """What a row of a report is (the `radtyp` column): one vocabulary for the engine that makes rows and
    the renderers that lay them out, which ask a kind what it is rather than compare strings."""

    rad = "rad"  # a stab, verksamhet, kostnadsslag, konto or project
    ej_fordelat = "ej_fordelat"  # money declared as not attributed to the view's rows (or to a row's parts)
    differens = "differens"  # an undeclared gap between a förvaltning's rows and its summa
    forvaltning = "forvaltning"  # a förvaltning shown as one row
    radsumma = "radsumma"  # a row shown with its parts below it (--by stab,kostnadsslag)
    del_ = "del"  # a part of the row above it, at the ledger's grain; the parts add up to that row
    del_ej_fordelat = "del_ej_fordelat"  # the part of the row above that its facts do not give (no account)
    delsumma = "delsumma"  # a förvaltning's (or a status's) subtotal
    summa = "summa"  # the total
    kostnader = "kostnader"  # `varav kostnader` of the row above (--gross)
    intakter = "intakter"  # `varav intäkter` of the row above
    drift = "drift"  # the summary's operating row (verksamhetens nettokostnader)
    investeringar = "investeringar"  # the summary's investment row

    @property
    def total(self) -> bool:
        """A sum of the rows above or below it: shown in bold, never charted."""
        return self in (RowKind.summa, RowKind.delsumma, RowKind.radsumma)

    @property
    def bold_label(self) -> bool:
        """A row whose label is shown in bold, in every format: a total's, and a förvaltning's shown as one
        row, which stands among the others' staber and Summa rows as a förvaltning of its own (its figures
        are not a sum of rows shown, and stay plain)."""
        return self.total or self is RowKind.forvaltning

    @property
    def charted(self) -> bool:
        """A row a bar chart of the report shows (no totals, no varav lines, no parts). A förvaltning's difference
        from its summa is one: money its total has and its rows do not, as the table shows it, so that the bars add
        up to the deviation of the total (found in review: the chart of avvikelse left it out without a word)."""
        return self in (RowKind.rad, RowKind.ej_fordelat, RowKind.differens, RowKind.forvaltning)

    @property
    def answerable(self) -> bool:
        """A row a controller answers for: thresholds (--fail-over, check) look at these."""
        return self in (RowKind.rad, RowKind.forvaltning, RowKind.ej_fordelat, RowKind.differens, RowKind.del_)

    @classmethod
    def where(cls, test) -> list[str]:
        """The values of the kinds for which `test(kind)` holds, for a polars `is_in`."""
        return [k.value for k in cls if test(k)]


# every column a report can have: machine name → (kind, Swedish header)
CATALOGUE: dict[str, tuple[Kind, str]] = {
    "radtyp": (Kind.text, "Radtyp"), "redovisas_som": (Kind.text, "Redovisas som"),
    # the row label for people, under the report's key's header; its own beside a column of that header
    "rubrik": (Kind.text, "Rubrik"),
    "stab": (Kind.text, "Stab"), "kostnadsslag": (Kind.text, "Kostnadsslag"), "konto": (Kind.text, "Konto"),
    "indikator": (Kind.text, "Nämndindikator"), "ar": (Kind.count, "År"), "varde": (Kind.percent, "Värde %"),
    "mal": (Kind.percent, "Mål %"), "riktning": (Kind.text, "Riktning"), "uppfyllt": (Kind.text, "Uppfyllt"),
    "onskad_riktning": (Kind.text, "Önskad riktning"),  # the target in words, as the published table says it
    "verksamhet": (Kind.text, "Verksamhet"), "forvaltning": (Kind.text, "Förvaltning"),
    "namn": (Kind.text, "Namn"),
    # (a nested cut's rows: the name of the row of the first key each part belongs to, beside that key's id)
    "stab_namn": (Kind.text, "Stabens namn"), "verksamhet_namn": (Kind.text, "Verksamhetens namn"),
    "forvaltning_namn": (Kind.text, "Förvaltningens namn"), "kostnadsslag_namn": (Kind.text, "Kostnadsslagets namn"), "projekt": (Kind.text, "Projekt"), "status": (Kind.text, "Status"),
    "kommentar": (Kind.text, "Kommentar"), "fil": (Kind.text, "Fil"), "rad": (Kind.count, "Rad"),
    "kolumn": (Kind.count, "Kolumn"), "niva": (Kind.text, "Nivå"), "kod": (Kind.text, "Kod"),
    "meddelande": (Kind.message, "Meddelande"), "belopp_lista": (Kind.data, ""), "enhet": (Kind.data, ""),
    "pct": (Kind.data, ""),
    # a `--top` list's row: listed whole, as itself (its label `Ekonomistab: hela raden`), not a part of it; and a
    # part of a row without account (`Ej fördelat på kostnadsslag`): what the engine's notes ask of a list, as data
    "hela_raden": (Kind.data, ""), "utan_konto": (Kind.data, ""),
    "datum": (Kind.text, "Datum"), "beslut": (Kind.text, "Beslut"), "text": (Kind.text, "Text"),
    "post": (Kind.text, "Post"), "manad": (Kind.month, "Månad"), "prognos_period": (Kind.month, "Prognos från"),
    "budget": (Kind.money, "Budget"), "utfall": (Kind.money, "Utfall"), "avvikelse": (Kind.money, "Avvikelse"),
    "avvikelse_pct": (Kind.percent, "Avvikelse %"), "andel_pct": (Kind.percent, "Andel av summa %"),
    "forandring": (Kind.money, "Förändring"), "forandring_pct": (Kind.percent, "Förändring %"),
    "prognos": (Kind.money, "Prognos helår"), "budget_helar": (Kind.money, "Budget helår"),
    "prognos_avvikelse": (Kind.money, "Avvikelse prognos"),
    "beslutad_budget": (Kind.money, "Beslutad budget"), "ack_utfall": (Kind.money, "Ack. utfall"),
    "budgetavvikelse_ack": (Kind.money, "Budgetavvikelse ack."), "varav_overfort": (Kind.money, "Varav överfört"),
    "beraknad_totalutgift": (Kind.money, "Beräknad totalutgift"),
    "avvikelse_totalutgift": (Kind.money, "Avvikelse totalutgift"),
    "belopp": (Kind.money, "Belopp"), "netto": (Kind.money, "Netto"),
    "budget_ack": (Kind.money, "Budget ack."), "utfall_ack": (Kind.money, "Utfall ack."),
    "avvikelse_ack": (Kind.money, "Avvikelse ack."), "avvikelse_ack_pct": (Kind.percent, "Avvikelse ack. %"),
    "jmf_prognos": (Kind.money, "Jmf. prognos"), "jmf_avvikelse": (Kind.money, "Jmf. avvikelse"),
    "avvikelse_forandring": (Kind.money, "Förändring avvikelse"),
    "budget_kostnader": (Kind.money, "Budget kostnader"), "budget_intakter": (Kind.money, "Budget intäkter"),
    "utfall_kostnader": (Kind.money, "Utfall kostnader"), "utfall_intakter": (Kind.money, "Utfall intäkter"),
}
PATTERNS = [
    (re.compile(r"utfall_(\d{4})$"), Kind.money, "Utfall {0}"),
    (re.compile(r"avvikelse_(\d{4})$"), Kind.money, "Avvikelse {0}"),
    (re.compile(r"andel_(\d{4})_pct$"), Kind.percent, "Andel {0} av summa %"),
    (re.compile(r"varde_(\d{4})$"), Kind.percent, "{0}"),
    (re.compile(r"taljare_(\d{4})$"), Kind.money, "Täljare {0}"),  # an indicator's value is taljare / namnare, in %
    (re.compile(r"namnare_(\d{4})$"), Kind.money, "Nämnare {0}"),
]




def is_column(name: str) -> bool:
    """Whether `name` is the machine name of a column some report has."""
    return name in CATALOGUE or any(p.match(name) for p, _, _ in PATTERNS)
