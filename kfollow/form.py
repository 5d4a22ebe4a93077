"""A form (formulär) for a budget holder: what the engine asks one stab's chef, as values a renderer
lays out (`render.form_xlsx`) and a reader reads back (`sources.answers`).

The layout's fixed names live here, so that the workbook written and the workbook read agree: the
sheet people see (`SHEET`), the hidden, protected sheet of the form's identity (`ID_SHEET`) and the
keys written there. Light to import: no polars, no xlsx library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kfollow.report import Report

FORMAT = "kfollow-formulär 1"  # the identity sheet's first value: what wrote it, and the layout's version
SHEET = "Formulär"  # the first sheet: figures and the input cells
ID_SHEET = "kfollow"  # very hidden, protected: identity, input cells and every locked cell as written
PROGNOS_LABEL = "Prognos helår"
KOMMENTAR_LABEL = "Kommentar"
# the identity's keys, in the order written (column A of ID_SHEET; values in column B)
IDENTITY_KEYS = ("format", "ar", "period", "forvaltning", "vy", "nyckel", "namn", "enhet", "siffror")
INPUT_KEY = "inmatning"  # a row of ID_SHEET naming an input cell: inmatning | what | cell
LOCKED_KEY = "låst"  # a row of ID_SHEET recording a locked cell: låst | cell | kind (s, n) | value


@dataclass(frozen=True, slots=True)
class Form:
    """One form: who it is for, what it shows and where to answer.

    `identity` holds IDENTITY_KEYS (text each); `lines` the header lines under the title (the unit is
    said once, `Belopp i <unit>`); `figures` is a one-row report whose people columns are shown as
    label and value lines; `parts` (the row's kostnadsslag, or None) a table with an input cell for a
    forecast and a comment on each row whose `kostnadsslag` is not null; `reference` a comment
    already held, shown for reference; `typed` the answers the year file already gives for the
    period ("prognos", "kommentar"), which the form shows and does not ask for (an answer too would
    be the same row and month twice)."""

    identity: dict[str, str]
    title: str
    lines: tuple[str, ...]
    figures: "Report"
    parts: "Report | None" = None
    reference: tuple[str, str] | None = None  # (label, text)
    file_name: str = ""
    unit: str = "mnkr"
    extra: dict = field(default_factory=dict)
    typed: frozenset[str] = frozenset()

    @property
    def period(self) -> str:
        return self.identity["period"]
