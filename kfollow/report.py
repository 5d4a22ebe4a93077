"""`Report`: what the engine hands to every renderer. A frame with every figure as a column, and
what each column is (machine name, kind, Swedish header), plus title, unit, period and notes.

Renderers (`kfollow.render`) only select, format and write; they read a column's kind from its
`Column`, never from its dtype, and know nothing of the command that made the report.
Money columns hold Int64 öre (exact); percent columns Float64 percent, computed from exact amounts,
for convenience. A percent that is a ratio of amounts also has its exact companion `<name>_exakt`
(a data column no format shows): Int128, the percent × 10^PERCENT_PLACES truncated toward zero, from
which every format rounds what it shows (half away from zero: truncating to more places than are
shown keeps that rounding exact, where a float cannot tell 3,45 from 3,4499999999999).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from kfollow.vocabulary import CATALOGUE, PATTERNS, Kind, RowKind

UNITS = ("mnkr", "tkr", "kr")  # a report's unit of amounts (`options.Unit`; report.py imports no options)

if TYPE_CHECKING:  # polars is imported by whoever builds a frame; this module stays light
    import polars as pl

EXACT = "_exakt"  # suffix of a percent column's exact companion
PERCENT_PLACES = 10  # decimals of a percent its companion keeps (truncated toward zero)


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
    optional: bool = False  # shown only when asked for by name (--columns)


def column(name: str, **flags) -> Column:
    """The `Column` of a catalogued name; KeyError for a name no report declares."""
    if name.endswith(EXACT):  # a percent's exact companion: read by renderers, shown by none
        column(name.removesuffix(EXACT))
        return Column(name, Kind.data, "", **flags)
    if name in CATALOGUE:
        kind, header = CATALOGUE[name]
        return Column(name, kind, header, **flags)
    for pattern, kind, label in PATTERNS:
        if m := pattern.match(name):
            return Column(name, kind, label.format(*m.groups()), **flags)
    raise KeyError(f"column {name!r} is not in vocabulary.CATALOGUE")


class Caveat(str):
    """A note that says what the figures leave out (a filter's choice, a förvaltning without accounts,
    a year without its months). A table shows it below itself as any note; csv and json, which have
    no place for notes, give it on stderr, so that a script learns what its sums leave out."""

    __slots__ = ()


class TableNote(str):
    """A note on how a table's own figures are made (its total adds rows that are presented otherwise): a
    document says it under every table it applies to, where other notes are said once."""

    __slots__ = ()


class ColumnNote(str):
    """A note on one column (`column`, its machine name), or on any of several (`also`): why it shows
    `–` on some rows. Shown only where such a column is (`notes_shown`): not under a table that
    --columns or a terminal's width left them out of."""

    column: str
    also: tuple[str, ...]

    def __new__(cls, text: str, column: str, *also: str) -> "ColumnNote":
        note = super().__new__(cls, text)
        note.column, note.also = column, also
        return note


@dataclass(frozen=True, slots=True)
class NoteAmount:
    """An amount in a note (`AmountsNote`): öre, said with its sign (`+1,5 mnkr`) or without."""

    ore: int
    sign: bool = False


class AmountsNote(ColumnNote):
    """A note on a column (`ColumnNote`) that states amounts: `parts`, its text and its amounts (`NoteAmount`) in
    `unit`, said with `places` decimals (None: as a table in the unit shows them by default) or every öre (`exact`),
    by the rule of the tables (`options.in_unit`). The engine says them by default; a renderer says them as its
    table's figures (`at`, `notes_shown`): they ignored --decimals and --exact (found in review, h162)."""

    parts: tuple
    unit: str

    def __new__(cls, parts, unit: str, column: str, *also: str, places: int | None = None,
                exact: bool = False) -> "AmountsNote":
        from kfollow.options import in_unit  # (light: no polars)

        parts = tuple(parts)
        text = "".join(p if isinstance(p, str) else in_unit(p.ore, unit, rounded=not exact, sign=p.sign, places=places)
                       for p in parts)
        note = super().__new__(cls, text, column, *also)
        note.parts, note.unit = parts, unit
        return note

    def at(self, places: int | None, exact: bool = False) -> "AmountsNote":
        """The note with its amounts said with `places` decimals (None: the unit's default), or every öre."""
        return type(self)(self.parts, self.unit, self.column, *self.also, places=places, exact=exact)

    def reworded(self, words) -> "AmountsNote":
        """The note with `words` (text → text) applied to its text between the amounts (a document's wording)."""
        return type(self)([words(p) if isinstance(p, str) else p for p in self.parts], self.unit, self.column,
                          *self.also)


class ColumnCaveat(ColumnNote, Caveat):
    """A note on a column (`ColumnNote`) that also says what its figures leave out (`Caveat`): on stderr in
    csv and json where the column is among those written."""


class LeftOutNote(str):
    """A note on why a column (`column`) is left out of a table for people: shown only where it is not shown
    (where --columns asks for it, its `ColumnNote` says why it is –)."""

    column: str

    def __new__(cls, text: str, column: str) -> "LeftOutNote":
        note = super().__new__(cls, text)
        note.column = column
        return note


def notes_shown(notes, columns, chosen: bool = False, decimals: int | None = None, exact: bool = False) -> list[str]:
    """`notes` but those on a column (`ColumnNote`) that is not among `columns` (`Column`s shown), and those on a
    column left out (`LeftOutNote`) that is among them, or where the columns are `chosen` (--columns): a column
    it does not name is left out because it is not named (found in review, h58). A note's amounts (`AmountsNote`)
    are said as the table's (`decimals`: --decimals, None for the unit's default; `exact`: --exact)."""
    names = {c.name for c in columns}
    return [n.at(decimals, exact) if isinstance(n, AmountsNote) else n for n in notes
            if (not isinstance(n, ColumnNote) or n.column in names or names.intersection(n.also))
            and not (isinstance(n, LeftOutNote) and (chosen or n.column in names))]


@dataclass(frozen=True, slots=True)
class Report:
    """A table: `frame` holds every figure; `columns` says, in order, what each column is.

    `title` is shown above the table together with the unit (`belopp i mnkr`) and `qualifier`;
    `notes` below it (a `Caveat` among them also on stderr, where the format has no place for notes);
    `messages` are diagnostics for the person running the command (stderr).
    `period` is the month reported (`2024-08`) or None for the whole year.
    `months_in_words` is the year of a document the table stands in (its title says it): there a month cell is
    said as people say it, `mars` (`mars 2023` in another year), where the terminal, csv and json keep `2024-03`.
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
    months_in_words: int | None = None

    def __post_init__(self):
        # (the command line offers these only; from Python `unit="xyz"` failed later, deep in a renderer: found
        # by a library user)
        if self.unit not in UNITS:
            from kfollow.errors import UsageError

            raise UsageError(f"unit {self.unit!r} is not one of {', '.join(UNITS)}")

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def kinds(self) -> list[RowKind | None]:
        """Each row's kind (`radtyp`), or None for a report whose rows have none."""
        if "radtyp" not in self.frame.columns:
            return [None] * self.frame.height
        return [None if k is None else RowKind(k) for k in self.frame["radtyp"].to_list()]

    def in_unit(self, unit: str) -> "Report":
        return replace(self, unit=unit)

    @property
    def caption(self) -> str:
        """`Resultat 2024 per stab, belopp i mnkr`: the title as printed above the table."""
        if not self.title:
            return ""
        # percentages only: no unit of amounts (amounts for machines alone, an indicator's parts, are not shown here)
        if not any(c.kind is Kind.money and c.people for c in self.columns):
            return f"{self.title}{self.qualifier}"
        return f"{self.title}, belopp i {self.unit}{self.qualifier}"


def build(frame: "pl.DataFrame", *, label: str | None = None, hidden: tuple[str, ...] = (),
          optional: tuple[str, ...] = (), headers: dict[str, str] | None = None, **meta) -> Report:
    """A `Report` of `frame` with catalogued columns. With `label` (the key column, e.g. "stab"),
    the frame's `rubrik` column is the row label people see, under that key's header, and the
    `hidden` columns are for machines only; `rubrik` itself is for people only. `optional`
    columns are shown only when asked for; `headers` renames headers for people (machine names
    never change; `rubrik` the label's, where it is not the key's)."""
    headers = headers or {}
    columns = []
    if label is not None:
        columns.append(Column("rubrik", Kind.text, headers.get("rubrik", headers.get(label, column(label).header)),
                              machine=False))
    for name in frame.columns:
        if name == "rubrik":
            continue
        col = column(name, people=name not in hidden, comment=name == "kommentar", optional=name in optional)
        if name in headers:
            col = replace(col, header=headers[name])
        if col.kind is Kind.data:
            col = replace(col, people=False, machine=False)
        columns.append(col)
    return Report(frame, tuple(columns), **meta)


@dataclass(frozen=True, slots=True)
class Section:
    """One part of a document: a heading, a table (`report`), and a chart drawn from that report
    (`chart`: verksamhet, avvikelse or manader), optionally with the rows' comments."""

    heading: str
    report: Report
    chart: str | None = None
    comments: bool = False
    table: bool = True  # False: the chart alone (its table is shown in another section)
    short: str = ""  # a short name for a tab or an Excel sheet (`Per stab`); the heading when empty


@dataclass(frozen=True, slots=True)
class Document:
    """The economy section of a monthly report or verksamhetsberättelse: sections and a footer
    (source files, their git revision, the ERP export, the last booked period)."""

    title: str
    sections: tuple[Section, ...]
    footer: tuple[str, ...] = ()
    unit: str = "mnkr"
    said: tuple[str, ...] = ()  # diagnostics of the document as a whole (the month it shows, and why)

    @property
    def notes(self) -> tuple[str, ...]:
        """Every section's notes, once each, in order."""
        return tuple(dict.fromkeys(n for s in self.sections for n in s.report.notes))

    @property
    def messages(self) -> tuple[str, ...]:
        """What the command says on stderr: the document's own, then every section's, once each."""
        return tuple(dict.fromkeys((*self.said, *(m for s in self.sections for m in s.report.messages))))
