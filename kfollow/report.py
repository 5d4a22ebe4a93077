"""`Report`: what the engine hands to every renderer. A frame with every figure as a column, and
what each column is (machine name, kind, Swedish header), plus title, unit, period and notes.

Renderers (`kfollow.render`) only select, format and write; they read a column's kind from its
`Column`, never from its dtype, and know nothing of the command that made the report.
Money columns hold Int64 öre (exact); percent columns Float64 percent, computed from exact amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # polars is imported by whoever builds a frame; this module stays light
    import polars as pl


class Kind(str, Enum):
    money = "money"  # Int64 öre; shown in the report's unit, rounded half away from zero
    percent = "percent"  # Float64 percent; one decimal
    text = "text"
    month = "month"  # YYYY-MM
    count = "count"  # an integer that is no amount (a line number, a number of rows)
    message = "message"  # a template whose {0:d} … are the row's `belopp` and {pct} its `pct` (check findings)
    data = "data"  # what a message template is filled with; no format shows it


@dataclass(frozen=True, slots=True)
class Column:
    """One column: `people` columns appear in tables for people (text, md, xlsx, html); `machine`
    columns in csv and json. `comment` columns only when comments are asked for (always in json)."""

    name: str
    kind: Kind
    header: str
    people: bool = True
    machine: bool = True
    comment: bool = False


# every column a report can have: machine name → (kind, Swedish header)
CATALOGUE: dict[str, tuple[Kind, str]] = {
    "radtyp": (Kind.text, "Radtyp"), "redovisas_som": (Kind.text, "Redovisas som"),
    "rubrik": (Kind.text, ""),  # the row label for people; its header is the report's key's
    "stab": (Kind.text, "Stab"), "verksamhet": (Kind.text, "Verksamhet"), "forvaltning": (Kind.text, "Förvaltning"),
    "namn": (Kind.text, "Namn"), "projekt": (Kind.text, "Projekt"), "status": (Kind.text, "Status"),
    "kommentar": (Kind.text, "Kommentar"), "fil": (Kind.text, "Fil"), "rad": (Kind.count, "Rad"),
    "kolumn": (Kind.count, "Kolumn"), "niva": (Kind.text, "Nivå"), "kod": (Kind.text, "Kod"),
    "meddelande": (Kind.message, "Meddelande"), "belopp_lista": (Kind.data, ""), "enhet": (Kind.data, ""),
    "pct": (Kind.data, ""),
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
_PATTERNS = [
    (re.compile(r"utfall_(\d{4})$"), Kind.money, "Utfall {0}"),
    (re.compile(r"avvikelse_(\d{4})$"), Kind.money, "Avvikelse {0}"),
    (re.compile(r"andel_(\d{4})_pct$"), Kind.percent, "Andel {0} av summa %"),
]


def column(name: str, **flags) -> Column:
    """The `Column` of a catalogued name; KeyError for a name no report declares."""
    if name in CATALOGUE:
        kind, header = CATALOGUE[name]
        return Column(name, kind, header, **flags)
    for pattern, kind, label in _PATTERNS:
        if m := pattern.match(name):
            return Column(name, kind, label.format(*m.groups()), **flags)
    raise KeyError(f"column {name!r} is not in report.CATALOGUE")


@dataclass(frozen=True, slots=True)
class Report:
    """A table: `frame` holds every figure; `columns` says, in order, what each column is.

    `title` is shown above the table together with the unit (`belopp i mnkr`) and `qualifier`;
    `notes` below it; `messages` are diagnostics for the person running the command (stderr).
    `period` is the month reported (`2024-08`) or None for the whole year.
    """

    frame: "pl.DataFrame"
    columns: tuple[Column, ...]
    title: str = ""
    unit: str = "mnkr"
    period: str | None = None
    qualifier: str = ""
    notes: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()
    sources: tuple[str, ...] = field(default=())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def in_unit(self, unit: str) -> "Report":
        return replace(self, unit=unit)

    @property
    def caption(self) -> str:
        """`Resultat 2024 per stab, belopp i mnkr`: the title as printed above the table."""
        if not self.title:
            return ""
        return f"{self.title}, belopp i {self.unit}{self.qualifier}"


def build(frame: "pl.DataFrame", *, label: str | None = None, hidden: tuple[str, ...] = (),
          **meta) -> Report:
    """A `Report` of `frame` with catalogued columns. With `label` (the key column, e.g. "stab"),
    the frame's `rubrik` column is the row label people see, under that key's header, and the
    `hidden` columns are for machines only; `rubrik` itself is for people only."""
    columns = []
    if label is not None:
        columns.append(Column("rubrik", Kind.text, column(label).header, machine=False))
    for name in frame.columns:
        if name == "rubrik":
            continue
        col = column(name, people=name not in hidden, comment=name == "kommentar")
        if col.kind is Kind.data:
            col = replace(col, people=False, machine=False)
        columns.append(col)
    return Report(frame, tuple(columns), **meta)
