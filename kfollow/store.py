"""The store: everything kfollow loaded, as polars tables with declared schemas.

Sources (`kfollow.sources`) fill it; the engine reads it. Money is Int64 öre, in the nettokostnad
convention (kostnader − intäkter, positive = costs money) whatever a förvaltning's presentation.
Tests build a store in memory with `Store.build(...)`, without writing YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import polars as pl

from kfollow.errors import UsageError
from kfollow.options import MAX_ORE  # noqa: F401 - the cap of one amount, here with the file caps built on it
from kfollow.options import ORIGIN_SUFFIX  # noqa: F401 - beside a fact table: the export `kfollow import` made it from
from kfollow.options import half_away_count

MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")  # a period, YYYY-MM
ID = re.compile(r"[A-Za-zÅÄÖåäö0-9][A-Za-zÅÄÖåäö0-9_-]*")  # förvaltning, stab, profile and project ids
# an investment project's status, as a kommun's investment report groups its projects: `avbruten` is a project
# stopped by decision before it was finished, whose unused frame is no saving (engine.investments says so)
STATUSES = ("pågående", "färdigställd", "avbruten")
MAX_FILE_TOTAL = 10**18  # öre: the absolute amounts of one year file together; sums then stay within Int64
# öre: the absolute amounts of one fact table (utfall_fil, budget_fil) together. A year counts a table's money
# up to 8 times (stab and verksamhet view, net and gross, per year and per month; a budget 4 times), so a year of
# an utfall and a budget table at this cap stays within MAX_FILE_TOTAL: what an import writes, loading accepts
MAX_TABLE_TOTAL = MAX_FILE_TOTAL // 16

PRESENTATIONS = ("nettokostnad", "resultat")

AMOUNT_SCHEMA = {
    "ar": pl.Int32,
    "forvaltning": pl.String,
    "vy": pl.String,  # stab | verksamhet | summa | ej_fordelat_stab | ej_fordelat_verksamhet
    "nyckel": pl.String,  # stab id, verksamhet code, or förvaltning id for summa rows
    "namn": pl.String,
    "ordning": pl.Int32,  # position in the file, for stable row order
    "budget": pl.Int64,  # öre, nettokostnad
    "utfall": pl.Int64,
    "budget_kostnader": pl.Int64,
    "budget_intakter": pl.Int64,
    "utfall_kostnader": pl.Int64,
    "utfall_intakter": pl.Int64,
    "kommentar": pl.String,  # the year's (annual) comment
    "profil": pl.String,  # budget profile name; null = even twelfths
    "manader": pl.Int8,  # last month with monthly utfall; null = utfall given for the year
    "fil": pl.String,
    "rad": pl.Int32,
}
_ROW_KEY = {"ar": pl.Int32, "forvaltning": pl.String, "vy": pl.String, "nyckel": pl.String}
MONTH_SCHEMA = _ROW_KEY | {"manad": pl.Int8, "utfall": pl.Int64, "utfall_kostnader": pl.Int64,
                           "utfall_intakter": pl.Int64}
FORECAST_SCHEMA = _ROW_KEY | {"manad": pl.Int8, "prognos": pl.Int64, "rad": pl.Int32}
# budget changes, in öre of nettokostnad (d_budget) and of the gross parts; `konto`, `kostnadsslag`: the part of the
# ledger a change line is for, as its line names it (null: none, the row's `Ej fördelat på kostnadsslag` in a cut)
CHANGE_SCHEMA = _ROW_KEY | {"datum": pl.String, "manad": pl.Int8, "d_budget": pl.Int64, "d_kostnader": pl.Int64,
                            "d_intakter": pl.Int64, "post": pl.String, "belopp": pl.Int64, "beslut": pl.String,
                            "text": pl.String, "rad": pl.Int32, "konto": pl.String, "kostnadsslag": pl.String}
COMMENT_SCHEMA = _ROW_KEY | {"manad": pl.Int8, "kommentar": pl.String, "rad": pl.Int32}
# a row's budget from budget tables (budget_fil), per month; what a table gives for the whole year is
# spread over the months fact by fact (`yearly_by_month`), so that every view sums the same months
BUDGET_MONTH_SCHEMA = _ROW_KEY | {"manad": pl.Int8, "budget": pl.Int64, "budget_kostnader": pl.Int64,
                                  "budget_intakter": pl.Int64}
# the ledger's grain: every amount of the fact tables (utfall_fil, budget_fil), öre, signed as booked
# (a cost positive, an income negative); `art` says budget or utfall; manad null = a budget for the year
FACT_SCHEMA = {"ar": pl.Int32, "art": pl.String, "manad": pl.Int8, "forvaltning": pl.String, "stab": pl.String,
               "verksamhet": pl.String, "konto": pl.String, "slag": pl.String, "belopp": pl.Int64}
ARTER = ("budget", "utfall")
PIECE_COLUMNS = [c for c in FACT_SCHEMA if c not in ("ar", "art")]  # a table's rows, as `Ledger.pieces` gives them


class Piece:
    """One fact table of a year (`art` budget or utfall) in a `Ledger`: `rows()` reads its rows
    (PIECE_COLUMNS) when first asked for, and the table keeps them; `scan()` gives them lazily, read from
    the file as the query that uses them runs where the table is Parquet (`FactTable.scan`); after such a
    query, `unchanged()` raises if the file is no longer the one checked."""

    __slots__ = ("ar", "art", "rows", "scan", "unchanged", "unreadable", "name", "extra", "forvaltningar", "summed",
                 "yearly")

    def __init__(self, ar: int, art: str, rows: "Callable[[], pl.DataFrame]",
                 scan: "Callable[[], pl.LazyFrame] | None" = None, unchanged: "Callable[[], None] | None" = None,
                 unreadable: "Callable[[BaseException], Exception] | None" = None, name: str | None = None,
                 extra: bool = False, forvaltningar: frozenset[str] = frozenset(),
                 summed: "Callable[[list[str], int], pl.LazyFrame | None] | None" = None,
                 yearly: "Callable[[], pl.DataFrame | None] | None" = None):
        self.ar, self.art, self.rows, self.name = ar, art, rows, name  # name: the table's, as messages say it
        self.extra = extra  # its file has columns beyond the fact table's (rows of single postings, as a rule)
        self.forvaltningar = forvaltningar  # the förvaltningar its rows are of
        self.scan = scan or (lambda: rows().lazy())
        self.unchanged = unchanged or (lambda: None)
        self.unreadable = unreadable  # the error of a scan that failed on an unchanged file
        # its rows of months 1..N summed to a grain as the table was read (`FactTable.summed_upto`), and a budget's
        # rows for the whole year then kept apart: None where they were not
        self.summed = summed or (lambda grain, month: None)
        self.yearly = yearly or (lambda: None)


INVESTMENT_SCHEMA: dict[str, pl.DataType] = {
    "ar": pl.Int32,
    # projekt | forvaltning (declared totals) | prognos (a förvaltning's forecast) | projekt_manad (a project's utfall
    # of one month) | projekt_prognos (a project's forecast of its year's utfall)
    "typ": pl.String,
    "projekt": pl.String,  # project id; null on förvaltning and prognos rows
    "namn": pl.String,  # project name, or the förvaltning's rubrik
    "forvaltning": pl.String,
    "status": pl.String,
    "beslutad_budget": pl.Int64,  # öre, the project's decided total budget
    "ack_utfall_tidigare": pl.Int64,  # öre, utfall since the start up to the end of the previous year
    "budget": pl.Int64,  # öre, the year's budget (carried-over money included)
    "varav_overfort": pl.Int64,  # öre, part of budget carried over from the previous year; null = none recorded
    "utfall": pl.Int64,  # öre, the year's utfall (the sum of its months where given per month), or a month's
    "manader": pl.Int8,  # projekt: the last month its utfall is given for (null: for the whole year only)
    "beraknad_totalutgift": pl.Int64,  # öre, forecast of the project's total cost
    "manad": pl.Int8,  # month a forecast was made (prognos, projekt_prognos rows), or booked (projekt_manad)
    "prognos": pl.Int64,  # öre, forecast of the förvaltning's (or the project's) investment utfall for the year
    "kommentar": pl.String,
    "ordning": pl.Int32,
    "fil": pl.String,
    "rad": pl.Int32,
}


def check_total(amounts: pl.Series, where: str) -> None:
    """DataError when the absolute amounts (öre) of a file add up beyond MAX_FILE_TOTAL: their sums
    could then leave Int64 (each amount alone is within its cap, but not millions of them)."""
    from kfollow.errors import DataError, grouped

    total = amounts.cast(pl.Int128).abs().sum()
    if total is not None and total > MAX_FILE_TOTAL:
        raise DataError(where, None, None, f"the amounts add up to more than {grouped(MAX_FILE_TOTAL // 100)} kr"
                        .replace(",", " ") + "; sums would overflow: check the amounts and their unit")


def spread(col: str, cum: str = "_cum", total: str = "_w") -> pl.Expr:
    """The part of an annual amount that falls in months 1..m by weights: exact öre, half away from zero.

    Rounding the cumulative share (not each month) makes month 12 give back the annual amount
    exactly and monthly budgets (differences of consecutive months) sum to it exactly.
    """
    x = pl.col(col).cast(pl.Int128)
    w, big_w = pl.col(cum).cast(pl.Int128), pl.col(total).cast(pl.Int128)
    magnitude = half_away_count(x.abs() * w, big_w).cast(pl.Int64)  # ≤ |amount|, so it fits
    return pl.when(pl.col(col) < 0).then(-magnitude).otherwise(magnitude).alias(col)


def fact_profiles(frame: pl.DataFrame, info: "YearInfo", amounts: pl.DataFrame) -> pl.DataFrame:
    """`frame` (facts of `info`'s year with forvaltning, stab and verksamhet) with the `profil` that a
    budget it gives for the whole year is spread by: the one its stab's row names (`amounts`, the
    year's rows), else the one its verksamhet's row names, else its förvaltning's. One profile per
    fact, whichever view shows it, so that the stab view, the verksamhet view and every cut sum the
    same months."""
    own = pl.DataFrame(sorted(info.egna_profiler), schema={"forvaltning": pl.String, "vy": pl.String,
                                                          "nyckel": pl.String}, orient="row")
    rows = amounts.join(own, on=["forvaltning", "vy", "nyckel"], how="semi").select("forvaltning", "vy", "nyckel", "profil")
    of = {view: rows.filter(pl.col("vy") == view).select("forvaltning", pl.col("nyckel").alias(view),
                                                         pl.col("profil").alias(f"_p_{view}"), pl.lit(True).alias(f"_in_{view}"))
          for view in ("stab", "verksamhet")}
    default = pl.DataFrame({"forvaltning": list(info.forvaltningar), "_p_own": [f.profil for f in info.forvaltningar.values()]},
                           schema={"forvaltning": pl.String, "_p_own": pl.String})
    return (frame.join(of["stab"], on=["forvaltning", "stab"], how="left")
            .join(of["verksamhet"], on=["forvaltning", "verksamhet"], how="left")
            .join(default, on="forvaltning", how="left")
            .with_columns(profil=pl.when(pl.col("_in_stab").fill_null(False)).then("_p_stab")
                          .when(pl.col("_in_verksamhet").fill_null(False)).then("_p_verksamhet")
                          .otherwise("_p_own"))
            .drop("_p_stab", "_in_stab", "_p_verksamhet", "_in_verksamhet", "_p_own"))


def month_weights(info: "YearInfo") -> pl.DataFrame:
    """Per profile (null = even twelfths) and month: the weight of months 1..manad (_cum), of months
    1..manad − 1 (_prev) and of the year (_w)."""
    profiles: dict[str | None, tuple[int, ...]] = {None: (1,) * 12, **info.profiler}
    rows = [(name, m, sum(w[:m]), sum(w[:m - 1]), sum(w)) for name, w in profiles.items() for m in range(1, 13)]
    return pl.DataFrame(rows, schema={"profil": pl.String, "manad": pl.Int8, "_cum": pl.Int64, "_prev": pl.Int64,
                                      "_w": pl.Int64}, orient="row")


def yearly_by_month(frame: pl.DataFrame, info: "YearInfo", amounts: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
    """Facts of a budget for the whole year (`manad` null; `cols` öre, each spread on its own: kostnader
    and intäkter apart) as twelve monthly facts each, by the fact's profile (`fact_profiles`): month m
    is the cumulative share to m less that to m − 1, so the months sum to the year exactly."""
    weighted = fact_profiles(frame.drop("manad"), info, amounts).join(month_weights(info), on="profil", how="left",
                                                                      nulls_equal=True)
    return weighted.with_columns(
        (spread(c).alias(f"_to_{c}") - spread(c, "_prev").alias(f"_before_{c}")).alias(c) for c in cols
    ).select(frame.columns)


def _empty(schema) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


@dataclass(frozen=True, slots=True)
class Forvaltning:
    id: str
    namn: str
    redovisas_som: str  # nettokostnad | resultat
    line: int
    kommentar: str | None = None
    profil: str | None = None  # the förvaltning's budget profile (null = even twelfths)
    written: bool = True  # redovisas_som is written in the year file (else nettokostnad, the default)


@dataclass(frozen=True, slots=True)
class Kostnadsslag:
    """A kind of cost or income: a named group of account prefixes (the longest prefix wins)."""

    id: str
    namn: str
    prefix: tuple[str, ...]
    line: int | None = field(default=None, compare=False)  # of its id in the year file that defines it, if one does


# after Kommun-Bas's account classes: 3 intäkter, 4 köp och material, 5 personal, 6–7 övriga
DEFAULT_KOSTNADSSLAG = (
    Kostnadsslag("intakter", "Intäkter", ("3",)),
    Kostnadsslag("kop_material", "Köp av verksamhet, material och bidrag", ("4",)),
    Kostnadsslag("personal", "Personalkostnader", ("5",)),
    Kostnadsslag("ovriga", "Övriga verksamhetskostnader", ("6", "7")),
)


# the seed's nämndindikatorer of Målområde Ekonomi: id → what it is, in percent
INDICATORS = {
    "personalkostnad_andel": "Personalkostnader/verksamhetens nettokostnad (%)",
    "avvikelse_budget": "Procentuell avvikelse budget och utfall (%)",
    "avvikelse_investering": "Procentuell avvikelse investeringsbudget och utfall (%)",
}


@dataclass(frozen=True, slots=True)
class Indikator:
    """A nämndindikator's target (`mal`, percent) and wanted direction (hogre | lagre) from a year file."""

    id: str
    mal: float | None
    riktning: str
    line: int


@dataclass(frozen=True, slots=True)
class Answer:
    """One collected answer (`svar/YYYY-MM.yaml`): a row's forecast (öre, as the förvaltning presents
    it) and comment for a month, the kostnadsslag's, and the workbook it came from (and when that was saved)."""

    manad: int
    forvaltning: str
    vy: str  # stab | verksamhet | summa
    nyckel: str
    prognos: int | None
    kommentar: str | None
    arbetsbok: str
    inlast: str
    delar: tuple[tuple[str, int | None, str | None], ...] = ()  # (kostnadsslag, prognos, kommentar)
    fil: str = ""
    rad: int = 0
    sparad: str | None = None  # when the workbook was saved (its properties, UTC), if it says


@dataclass(frozen=True, slots=True)
class YearInfo:
    ar: int
    organisation: str
    enhet: str
    fil: str
    forvaltningar: dict[str, Forvaltning]
    verksamheter: dict[str, str]  # code → name
    profiler: dict[str, tuple[int, ...]] = field(default_factory=dict)  # name → 12 integer weights
    utfall_filer: tuple[str, ...] = ()  # the outcome tables (utfall_fil) the year's utfall comes from
    utfall_kallor: tuple[str, ...] = ()  # the ERP exports those tables were imported from, where known
    # a table's name (of utfall_filer, budget_filer) → (line, column) of the entry that names it in the year file
    tabell_platser: dict[str, tuple[int, int]] = field(default_factory=dict)
    rubriker: dict[str, str] = field(default_factory=dict)  # headers for people by machine name
    budget_filer: tuple[str, ...] = ()  # the budget tables (budget_fil) the year's budget comes from
    budget_kallor: tuple[str, ...] = ()  # the ERP exports those tables were imported from, where known
    # the tables of utfall_filer and budget_filer whose import note gives no export (none, or one cannot read): a
    # document names them, where 'Utfall importerat från' an export of another table would stand for them too
    utan_kalla: tuple[str, ...] = ()
    kostnadsslag: tuple[Kostnadsslag, ...] = DEFAULT_KOSTNADSSLAG
    indikatorer: dict[str, Indikator] = field(default_factory=dict)
    kontonamn: dict[str, str] = field(default_factory=dict)  # account → name, from the notes of the imports
    svar_filer: tuple[str, ...] = ()  # the answers files (svar/YYYY-MM.yaml) merged into the year
    svar: tuple[Answer, ...] = ()  # the answers those files hold
    tomma_tabeller: tuple[str, ...] = ()  # the budget and utfall tables without rows (a header only)
    # rows of a view that lack the budget or utfall the view's other rows give, counted as 0:
    # (förvaltning, vy, nyckel, budget|utfall, line)
    utan_belopp: tuple[tuple[str, str, str, str, int], ...] = ()
    # rows that name their own profil (not the förvaltning's by default): (förvaltning, vy, nyckel)
    egna_profiler: frozenset[tuple[str, str, str]] = frozenset()


def did_you_mean(text: str, choices) -> str:
    """`; did you mean 'KSF'?` for the choice closest to `text` (`closest`), else nothing."""
    close = closest(text, choices)
    return f"; did you mean '{close}'?" if close is not None else ""


def closest(text: str, choices) -> str | None:
    """The id of `choices` fewest edits from `text` (case aside), a swap of two neighbouring letters one edit;
    where every one is more edits away than a third of `text` (at least one edit), or has half its letters
    edited (`HS` is no typo of `KS`), difflib's nearest for a text of more than three letters (`material` for
    `kop_material`), else None."""
    import difflib

    # (difflib alone gave KS for KSL, where two swapped letters of KLS are the commonest typo of a short id)
    typed = text.casefold()
    limit = max(1, len(typed) // 3)
    by_fold = {c.casefold(): c for c in choices}
    # (a length further off than the limit is further off in edits too: a long pasted value costs nothing)
    edits = {c: _edits(typed, c) for c in by_fold if abs(len(c) - len(typed)) <= limit}
    edits = {c: n for c, n in edits.items() if n <= limit and 2 * n < max(len(c), len(typed))}
    if not edits:  # a word-like id typed longer or shorter (personalkostnader for personal): difflib's nearest, as
        # before (found in review: these lost their suggestion)
        near = difflib.get_close_matches(typed, list(by_fold), n=1)
        return by_fold[near[0]] if near and len(typed) > 3 else None
    best = min(edits.values())
    tied = [c for c, n in edits.items() if n == best]
    # KSL is one edit from KS too: of as near ones, the id of the very letters typed (only their order is off)
    # comes first, then the one difflib would pick (its ratio, then the greater text)
    tied = [c for c in tied if sorted(c) == sorted(typed)] or tied
    return by_fold[difflib.get_close_matches(typed, tied, n=1, cutoff=0)[0]]


def _edits(a: str, b: str) -> int:
    """Insertions, deletions, substitutions and swaps of two neighbours that turn `a` into `b` (Damerau–Levenshtein,
    optimal string alignment: no letter edited twice)."""
    before, row = None, list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        here = [i]
        for j, y in enumerate(b, 1):
            here.append(min(row[j] + 1, here[j - 1] + 1, row[j - 1] + (x != y)))
            if before is not None and j > 1 and x == b[j - 2] and a[i - 2] == y:
                here[j] = min(here[j], before[j - 2] + 1)
        before, row = row, here
    return row[-1]


class Ledger:
    """The facts of a store's fact tables at the ledger's grain (`FACT_SCHEMA`), read when first asked
    for: a command that cuts no account never holds every row of a table, only the table's sums (which
    the year's views are made of). `parts` are frames (FACT_SCHEMA) or `Piece`s: one table's rows, read
    when first asked for."""

    __slots__ = ("_parts", "_frame", "_present", "_accounts", "_having")

    def __init__(self, parts=(), present=None, accounts=None):
        self._parts = tuple(parts)
        self._frame: pl.DataFrame | None = None
        self._present = present  # (ar, art, forvaltning) of the facts, or a function giving them without reading them
        self._accounts = accounts  # the facts' distinct (ar, art, konto, slag), or a function giving them without reading them
        self._having: dict[tuple[int, str | None], list[str]] = {}  # `forvaltningar`, once asked

    def frame(self) -> pl.DataFrame:
        if self._frame is None:
            frames = [part if isinstance(part, pl.DataFrame) else part.rows().select(  # in FACT_SCHEMA's order
                pl.lit(part.ar, pl.Int32).alias("ar"), pl.lit(part.art).alias("art"), *PIECE_COLUMNS)
                for part in self._parts]
            self._frame = pl.concat(frames, how="vertical") if frames else _empty(FACT_SCHEMA)
        return self._frame

    def tables(self, year: int) -> list[Piece]:
        """The fact tables of `year` as read (`Piece`s, with their names); none where the facts are a frame."""
        return [p for p in self._parts if isinstance(p, Piece) and p.ar == year]

    def pieces(self, year: int) -> list[tuple[str, pl.LazyFrame]]:
        """The facts of `year` as (art, rows) pieces, the rows without `ar` and `art` (PIECE_COLUMNS): a
        table's rows as they were read, with no column added to every row; summed a piece at a time, budget
        and utfall need no test of each row's art."""
        if self._frame is None and all(isinstance(p, Piece) for p in self._parts):
            return [(p.art, p.scan()) for p in self._parts if p.ar == year]
        facts = self.frame().lazy().filter(pl.col("ar") == year)
        return [(art, facts.filter(pl.col("art") == art).select(PIECE_COLUMNS)) for art in ARTER]

    def summed(self, year: int, grain: list[str], month: int) -> list[tuple[str, pl.LazyFrame, pl.DataFrame | None]] | None:
        """The facts of `year` as `pieces` gives them, summed to `grain` over months 1..`month` (with `_n`, their
        rows), each with a budget table's rows for the whole year; where every table's pass summed its rows so (a
        Parquet table read for a cut, `facts.Grain`), else None: nothing is read."""
        if self._frame is not None or not all(isinstance(p, Piece) for p in self._parts):
            return None
        found = []
        for p in self._parts:
            if p.ar == year:
                part = p.summed(grain, month)
                yearly = p.yearly() if p.art == "budget" else None
                if part is None or (p.art == "budget" and yearly is None):
                    return None
                found.append((p.art, part, yearly))
        return found

    def lazy(self, years: list[int] | None = None) -> pl.LazyFrame:
        """Every fact (FACT_SCHEMA) of `years` (default: all), lazily: a Parquet table's rows read from its
        file as the query runs (`Piece.scan`), not held; call `unchanged` once it ran."""
        if self._frame is None and all(isinstance(p, Piece) for p in self._parts):
            frames = [p.scan().select(pl.lit(p.ar, pl.Int32).alias("ar"), pl.lit(p.art).alias("art"), *PIECE_COLUMNS)
                      for p in self._parts if years is None or p.ar in years]
            return pl.concat(frames, how="vertical") if frames else _empty(FACT_SCHEMA).lazy()
        facts = self.frame().lazy()
        return facts if years is None else facts.filter(pl.col("ar").is_in(years))

    def unchanged(self, years: list[int] | None = None) -> None:
        """DataError when the file of a table of `years` (default: all) whose rows a query reads from it
        (`pieces`, `lazy`) is no longer the one its pass checked: call it before and after such a query."""
        for part in self._parts:
            if isinstance(part, Piece) and (years is None or part.ar in years):
                part.unchanged()

    def unreadable(self, exc: BaseException, years: list[int] | None = None) -> Exception:
        """The error of a query over the tables of `years` that failed while their files are unchanged (their
        permissions changed, a disk error): the first table read from its file, named; else `exc` itself."""
        for part in self._parts:
            if isinstance(part, Piece) and part.unreadable is not None and (years is None or part.ar in years):
                return part.unreadable(exc)
        return exc

    def present(self) -> pl.DataFrame:
        """Each (ar, art, forvaltning) the facts have, without reading every row when that is known."""
        present = self._present  # (read once: another thread may make it meanwhile, see `account_kinds`)
        if present is None:
            present = self._present = self.frame().select("ar", "art", "forvaltning").unique()
        elif callable(present):
            present = self._present = present()
        return present

    def forvaltningar(self, year: int, art: str | None = None) -> list[str]:
        """The förvaltningar (sorted) with facts of `year`, of `art` (budget or utfall) when given: known
        from the tables' sums, no fact read; asked for by each part of a cut, so kept once made."""
        key = (year, art)
        if key not in self._having:
            which = pl.col("ar") == year
            if art is not None:
                which = which & (pl.col("art") == art)
            self._having[key] = self.present().filter(which)["forvaltning"].unique().sort().to_list()
        return list(self._having[key])

    def accounts(self, year: int | None = None) -> pl.DataFrame:
        """The distinct accounts (`konto`) of the facts of `year`, or of every year, without reading
        every row when the tables' passes read them."""
        return self.account_kinds(year).select(pl.col("konto").unique())

    def account_kinds(self, year: int | None = None, art: str | None = None) -> pl.DataFrame:
        """The distinct (konto, slag) of the facts of `year`, or of every year, and of `art` (budget or
        utfall), or of both, as `accounts`."""
        # (read once: the warnings and a cut's guess, made meanwhile, ask for them beside the command's thread; one
        # paused between the test and the call while another made them called the frame made: TypeError, exit 70;
        # found in review, h142)
        accounts = self._accounts
        if accounts is None:
            accounts = self._accounts = self.frame().select("ar", "art", "konto", "slag").unique()
        elif callable(accounts):
            accounts = self._accounts = accounts()
        found = accounts if year is None else accounts.filter(pl.col("ar") == year)
        found = found if art is None else found.filter(pl.col("art") == art)
        return found.select("konto", "slag").unique()

    def account_kinds_known(self) -> bool:
        """Whether `account_kinds` is known without reading every row (the tables' passes read the
        accounts apart: Parquet, or rows kept), so that a warning may ask for it at no cost."""
        return self._accounts is not None or self._frame is not None

    def _accounts_by_year(self) -> pl.DataFrame:
        self.accounts()
        return self._accounts

    @classmethod
    def joined(cls, ledgers: list["Ledger"]) -> "Ledger":
        """The ledgers of several year files as one (nothing read)."""
        known = all(x._present is not None or x._frame is not None for x in ledgers)
        present = (lambda: pl.concat([x.present() for x in ledgers])) if known and ledgers else None
        listed = all(x._accounts is not None or x._frame is not None for x in ledgers)
        accounts = (lambda: pl.concat([x._accounts_by_year() for x in ledgers]).unique()) if listed and ledgers else None
        return cls([p for x in ledgers for p in ((x._frame,) if x._frame is not None else x._parts)], present, accounts)


@dataclass(slots=True)
class Store:
    """All year files of a budgets directory: metadata per year and the amounts frame."""

    directory: str
    years: dict[int, YearInfo]
    amounts: pl.DataFrame
    investments: pl.DataFrame = field(default_factory=lambda: _empty(INVESTMENT_SCHEMA))
    months: pl.DataFrame = field(default_factory=lambda: _empty(MONTH_SCHEMA))
    forecasts: pl.DataFrame = field(default_factory=lambda: _empty(FORECAST_SCHEMA))
    changes: pl.DataFrame = field(default_factory=lambda: _empty(CHANGE_SCHEMA))
    comments: pl.DataFrame = field(default_factory=lambda: _empty(COMMENT_SCHEMA))
    ledger: Ledger = field(default_factory=Ledger)
    budget_months: pl.DataFrame = field(default_factory=lambda: _empty(BUDGET_MONTH_SCHEMA))
    messages: list[str] = field(default_factory=list)  # for the person running the command (stderr)
    memo: dict = field(default_factory=dict, repr=False)  # derived frames the engine asks for twice

    @property
    def facts(self) -> pl.DataFrame:
        """Every fact of the fact tables at the ledger's grain (`FACT_SCHEMA`), read when first asked for."""
        return self.ledger.frame()

    @property
    def files(self) -> list[str]:
        """Every file the store was read from."""
        return self.files_of(self.years)

    def files_of(self, years, upto: tuple[int, int] | None = None) -> list[str]:
        """The files the store read for `years`: their year files, fact tables, imports' notes and answers; with
        `upto` (year, month), not the answers files of that year's later months (`svar/YYYY-MM.yaml`)."""
        from pathlib import Path

        infos = [self.years[y] for y in self.years if y in set(years)]
        tables = [t for info in infos for t in (*info.utfall_filer, *info.budget_filer)]
        notes = [n for t in tables if Path(n := f"{t}{ORIGIN_SUFFIX}").exists()]  # an import's note of its export
        answers = [a for info in infos for a in info.svar_filer if upto is None or not _answers_after(a, *upto)]
        return [*(info.fil for info in infos), *tables, *notes, *answers]

    @property
    def sources(self) -> list[str]:
        """The files a report names as its sources: `files` but the imports' notes, which go with their
        tables (the footer states their origin)."""
        return self.sources_of(self.years)

    def sources_of(self, years, upto: tuple[int, int] | None = None) -> list[str]:
        """`sources` of `years` alone (a document names the years it shows, not every year of the folder); with
        `upto` (year, month: a document of that month, whose forecasts and comments are those made up to it) not the
        answers of its year's later months."""
        return [f for f in self.files_of(years, upto) if not f.endswith(ORIGIN_SUFFIX)]

    def year(self, ar: int) -> YearInfo:
        """The metadata of one year; `UsageError` naming the years there are when it is missing."""
        if ar not in self.years:
            have = ", ".join(str(y) for y in sorted(self.years)) or "none"
            raise UsageError(f"no budget file for {ar} in {self.directory} (years there: {have}); add {self.directory}/{ar}.yaml or pick another year")
        return self.years[ar]

    def forvaltning(self, ar: int, fid: str) -> Forvaltning:
        info = self.year(ar)
        if fid not in info.forvaltningar:
            have = ", ".join(info.forvaltningar)
            raise UsageError(f"no förvaltning '{fid}' in {info.fil} (there: {have}){did_you_mean(fid, info.forvaltningar)}")
        return info.forvaltningar[fid]


def _answers_after(path: str, year: int, month: int) -> bool:
    """Whether an answers file (`svar/YYYY-MM.yaml`) is of a month of `year` after `month`."""
    import re

    named = re.fullmatch(r"([0-9]{4})-([0-9]{2})\.yaml", path.replace("\\", "/").rpartition("/")[2])
    return bool(named) and int(named[1]) == year and int(named[2]) > month


@dataclass(slots=True)
class YearFile:
    """What one year file holds: metadata and its rows of each kind."""

    info: YearInfo
    amounts: pl.DataFrame
    investments: pl.DataFrame
    months: pl.DataFrame
    forecasts: pl.DataFrame
    changes: pl.DataFrame
    comments: pl.DataFrame
    ledger: Ledger = field(default_factory=Ledger)
    budget_months: pl.DataFrame = field(default_factory=lambda: _empty(BUDGET_MONTH_SCHEMA))


def table(rows, schema: dict) -> pl.DataFrame:
    """A frame of `schema` from dicts (or a frame); columns a row leaves out are null."""
    if isinstance(rows, pl.DataFrame):
        frame = rows
    else:
        rows = list(rows)
        if not rows:
            return pl.DataFrame(schema=schema)
        names = {k for r in rows for k in r}
        frame = pl.DataFrame(rows, schema={k: schema[k] for k in schema if k in names}, orient="row")
    return frame.select(pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c) for c, t in schema.items())


def build(years: list[YearInfo], amounts=(), **tables) -> Store:
    """A store in memory, for tests and notebooks: `amounts`, `months`, `forecasts`, `changes`,
    `comments`, `investments`, `facts`, `budget_months` as dicts (or frames) with the columns of their schema; a column
    left out is null. Figures are öre in the nettokostnad convention, as the loader stores them."""
    schemas = {"investments": INVESTMENT_SCHEMA, "months": MONTH_SCHEMA, "forecasts": FORECAST_SCHEMA,
               "changes": CHANGE_SCHEMA, "comments": COMMENT_SCHEMA, "facts": FACT_SCHEMA,
               "budget_months": BUDGET_MONTH_SCHEMA}
    unknown = set(tables) - set(schemas)
    if unknown:
        raise TypeError(f"unknown table(s): {', '.join(sorted(unknown))}")
    frames = {name: table(tables.get(name, ()), schema) for name, schema in schemas.items()}
    return Store("<memory>", {y.ar: y for y in years}, table(amounts, AMOUNT_SCHEMA),
                 ledger=Ledger([frames.pop("facts")]), **frames)


def combine(directory: str, files: list[YearFile]) -> Store:
    """One `Store` from parsed year files (years must be distinct)."""
    files = sorted(files, key=lambda f: f.info.ar)
    years = {f.info.ar: f.info for f in files}

    def stack(kind: str, schema) -> pl.DataFrame:
        frames = [getattr(f, kind) for f in files]
        return pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=schema)

    return Store(directory, years, stack("amounts", AMOUNT_SCHEMA), stack("investments", INVESTMENT_SCHEMA),
                 stack("months", MONTH_SCHEMA), stack("forecasts", FORECAST_SCHEMA), stack("changes", CHANGE_SCHEMA),
                 stack("comments", COMMENT_SCHEMA), Ledger.joined([f.ledger for f in files]),
                 stack("budget_months", BUDGET_MONTH_SCHEMA))


Budgets = Store  # the name of the library API before the store had its own module
