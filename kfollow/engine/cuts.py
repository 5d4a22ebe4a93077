"""Cuts at the ledger's grain: budget against utfall per kostnadsslag or konto, alone or within a
stab, verksamhet or förvaltning, aggregated from the store's facts when asked.

The year file's views (stab, verksamhet, förvaltning) give each row its total as `deviation_report`
does; the facts (`store.facts`: the fact tables of `utfall_fil` and `budget_fil`, at the ledger's
grain) break a row down by kostnadsslag or konto. A budget change whose line names a konto or
kostnadsslag is a part of it as a fact is (`change_parts`); what a row has beyond its facts and those
changes (a budget typed in YAML, a budget change without account, utfall typed in YAML) is its
`Ej fördelat på kostnadsslag` part, so the parts of a row always add up to it to the öre. Parts are signed as their förvaltning presents its
nettokostnad: an income account is negative in a nettokostnad view.

With `konto`/`kostnadsslag` filters the table holds only the facts that match (and the budget changes
put on an account or kostnadsslag that match): every row is a sum of them, and a budget typed in YAML
(which has no account) has no part in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import polars as pl

from kfollow.engine import expressions as ex
from kfollow.engine.periods import spread_weights
from kfollow.errors import UsageError
from kfollow.options import BudgetMode, By, half_away_count
from kfollow.report import Caveat, ColumnNote
from kfollow.store import ARTER, DEFAULT_KOSTNADSSLAG, PIECE_COLUMNS, Kostnadsslag, Store, did_you_mean, fact_profiles
from kfollow.vocabulary import RowKind

VIEWS = ("forvaltning", "stab", "verksamhet")  # the year file's views
LEDGER = ("kostnadsslag", "konto")  # only the facts have these
DIMENSIONS = (*VIEWS, *LEDGER)
PARENTS = [k.value for k in (RowKind.rad, RowKind.ej_fordelat, RowKind.differens, RowKind.forvaltning)]  # rows parts break down
MONEY = ("budget", "utfall")
# the rows a nested cut shows whole, without parts below them: those of a förvaltning without accounts
WHOLE = [k.value for k in (RowKind.rad, RowKind.ej_fordelat, RowKind.forvaltning)]
WHOLE_ROW = ": hela raden"  # how `--top` labels a row it lists whole (`Ekonomistab: hela raden`), not a part of it


def listed_whole() -> pl.Expr:
    """In a `--top` list (`largest`, where every row is `rad`): the rows listed whole, which are no parts (its
    `hela_raden` column, from which their label is made; not the label read back: a stab named `…: hela raden`)."""
    return pl.col("hela_raden")


def listed_rest() -> pl.Expr:
    """In a `--top` list: the rows that are a row's part without account (`Ej fördelat på kostnadsslag`)."""
    return pl.col("utan_konto")


def listed_part() -> pl.Expr:
    """In a `--top` list of a cut by kostnadsslag or konto: the parts with accounts (`Konton utan kostnadsslag`
    too: accounts no kostnadsslag has), not a row listed whole nor a part without account."""
    return ~listed_whole() & ~listed_rest()


@dataclass(frozen=True, slots=True)
class Cut:
    """What `--by` asks for: the view that gives the rows' totals and the ledger key of their parts
    (None: the view alone, as `deviation_report` gives it)."""

    keys: tuple[str, ...]
    # (what the user wrote, where `of_rows` made the cut of it: `--by konto --stab EKO` was told of '--by stab,konto',
    # which it had not written; found in review, h137)
    asked: str | None = field(default=None, compare=False)

    @property
    def view(self) -> By:
        return By(self.keys[0]) if self.keys[0] in VIEWS else By.forvaltning

    @property
    def part(self) -> str | None:
        """The ledger key the rows are broken down by (the last one: konto of kostnadsslag,konto)."""
        return next((k for k in reversed(self.keys) if k in LEDGER), None)

    @property
    def nested(self) -> bool:
        """Two keys: each row of the view shown with its parts below it."""
        return len(self.keys) == 2

    @property
    def ledger_parent(self) -> str | None:
        """`kostnadsslag` for `--by kostnadsslag,konto`: rows of the ledger with parts of the ledger."""
        return self.keys[0] if self.nested and self.keys[0] in LEDGER else None

    @property
    def outer(self) -> "Cut":
        """The cut that gives the rows the parts break down (for a ledger parent: those rows, alone)."""
        return Cut((self.keys[0],)) if self.ledger_parent else self

    @property
    def text(self) -> str:
        return self.asked or ",".join(self.keys)


def parse_by(text: str | By | None, groups: Callable[[], tuple[Kostnadsslag, ...]] | None = None,
             accounts: Callable[[], list[str]] | None = None) -> Cut:
    """`stab`, `kostnadsslag`, `stab,kostnadsslag` … → a `Cut`; UsageError for anything else. `groups`: the year's
    kostnadsslag, `accounts` the accounts of its facts, asked for only to name one of them in the advice of an
    error."""
    if isinstance(text, By):
        return Cut((text.value,))
    keys = tuple(k.strip().lower() for k in ("stab" if text is None else text).split(",") if k.strip())  # STAB as stab
    unknown = [k for k in keys if k not in DIMENSIONS]
    if not keys:  # (`--by ''` from a script's empty variable: no key, not the default)
        raise UsageError(f"--by {text!r}: give one or two of {', '.join(DIMENSIONS)} separated by a comma, e.g. "
                         "--by stab or --by stab,kostnadsslag")
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], DIMENSIONS, n=1) if unknown else []
        hint = f"did you mean {close[0]}? " if close else ""
        raise UsageError(f"--by {text!r}: {', '.join(unknown)} is not a dimension; {hint}write one or two "
                         f"of {', '.join(DIMENSIONS)} separated by a comma, e.g. --by stab,kostnadsslag")
    if len(keys) > 2 or len(set(keys)) != len(keys):
        raise UsageError(f"--by {text}: give one key or two different ones, e.g. --by stab,kostnadsslag")
    if len(keys) == 2 and keys[1] not in LEDGER:
        example = f"{keys[1]},{keys[0]}" if keys[0] in LEDGER else f"{keys[0]},kostnadsslag"
        if keys[0] in LEDGER:  # a kostnadsslag's staber: that view of its facts (found by a controller, h133)
            rows = {"stab": "staber", "verksamhet": "verksamheter", "forvaltning": "förvaltningar"}[keys[1]]
            # (an id the year has: `--kostnadsslag personal` was advised of a year file whose own kostnadsslag have
            # no such id, and following it was an error; found in review, h153)
            # (and an account the year's facts have: `--konto 5010` was advised whatever accounts the year has, and
            # none where it has none; found in review, h155)
            konto = example_konto(accounts) if keys[0] == "konto" else None
            one, filtered = (("kostnadsslag's", f"--kostnadsslag {example_id(groups)}") if keys[0] == "kostnadsslag"
                             else ("account's", f"--konto {konto}"))
            if keys[0] == "kostnadsslag" or konto is not None:
                example += f", or for one {one} {rows} --by {keys[1]} {filtered}"
        raise UsageError(f"--by {text}: the second key breaks the first down by the ledger; write kostnadsslag or "
                         f"konto second, e.g. --by {example}")
    if len(keys) == 2 and keys == ("konto", "kostnadsslag"):
        raise UsageError("--by konto,kostnadsslag: an account has one kostnadsslag; write --by kostnadsslag,konto")
    return Cut(keys)


def example_id(groups: Callable[[], tuple[Kostnadsslag, ...]] | None) -> str:
    """A kostnadsslag id to write in an example: `personal` where the year has it, else its group of personnel costs
    (accounts 5), else its first; the default groups' `personal` where the year's cannot be told."""
    have = groups() if groups is not None else DEFAULT_KOSTNADSSLAG
    chosen = next((g for g in have if g.id == "personal"), None) or \
        next((g for g in have if any(p.startswith("5") for p in g.prefix)), None) or next(iter(have), None)
    return chosen.id if chosen is not None else "personal"


def example_konto(accounts: Callable[[], list[str]] | None) -> str | None:
    """An account to write in an example: the year's first of personnel costs (class 5, as `5010`), else its first;
    None where its facts have no account (nothing to filter by)."""
    have = sorted(accounts() if accounts is not None else ())
    return next((a for a in have if a.startswith("5")), None) or next(iter(have), None)


def of_rows(cut: Cut, staber: list[str] | None, verksamheter: list[str] | None) -> Cut:
    """`--by konto --stab EKO` (one ledger key, rows of a view chosen): the rows chosen with their parts, as
    `--by stab,konto --stab EKO` shows them; it was refused with that advice (found by a controller explaining
    deviations, h133, and in review). Any other cut as it is."""
    if (staber or verksamheter) and len(cut.keys) == 1 and cut.part is not None:
        return Cut(("verksamhet" if verksamheter else "stab", cut.part), asked=cut.text)
    return cut


@dataclass(frozen=True, slots=True)
class LedgerFilter:
    """`--konto PREFIX` and `--kostnadsslag ID` (each repeatable): the facts a table is made of."""

    konto: tuple[str, ...] = ()
    kostnadsslag: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.konto or self.kostnadsslag)

    @classmethod
    def of(cls, konto: list[str] | None, kostnadsslag: list[str] | None) -> "LedgerFilter":
        """The filter of the options as given, each prefix and id once (a script's `--konto 5` repeated a
        thousand times took 9 s)."""
        return cls(tuple(dict.fromkeys(konto or ())), tuple(dict.fromkeys(kostnadsslag or ())))

    @property
    def chosen(self) -> str:
        """`de konton som valts` (or kostnadsslag, or both), for a note."""
        what = " och ".join(w for w, given in (("konton", self.konto), ("kostnadsslag", self.kostnadsslag)) if given)
        return f"de {what} som valts"

    def total(self, groups: tuple[Kostnadsslag, ...]) -> str | None:
        """The label of a filtered table's total (`Summa personalkostnader`, `Summa konto 5`): no sum of
        the whole nettokostnad. None without a filter."""
        if not self:
            return None

        def lower(name: str) -> str:  # (`Personalkostnader` in a sentence; `IT-kostnader` as written)
            return name[:1].lower() + name[1:] if name[1:2].islower() else name

        return "Summa " + filter_words(self, groups, lower)

    def left_out(self, fids: list[str]) -> str:
        """The note on förvaltningar with no fact that the filter keeps."""
        where = "i" if not self.konto else "med"
        return Caveat(f"{', '.join(fids)} har inga belopp {where} {self.chosen} (eller inga konton) och ingår inte.")


def och(items) -> str:
    """A Swedish list: `4`, `4 och 3`, `4, 3 och 5`."""
    items = list(items)
    return " och ".join(x for x in (", ".join(items[:-1]), items[-1] if items else "") if x)


def filter_words(flt: LedgerFilter, groups: tuple[Kostnadsslag, ...], name=lambda name: name) -> str:
    """What a filter keeps, as the title, the total (`Summa …`) and the notes all name it: `konto 4 och 3`
    (`konto 4, 3 och 5`), a kostnadsslag by its name (`Personalkostnader och Intäkter`: its id is for the
    command line), and both as the accounts of those kostnadsslag that match (`Personalkostnader, konto 50`).
    `name`: how a kostnadsslag's name is written (lower case in a total). (Found by an adversarial tester,
    h114: `--konto 4 --konto 3` was `konto 4 och konto 3` in the title, `konto 4 och 3` in the total and
    `konto 4, 3` in the note.)"""
    names = {g.id: g.namn for g in groups}
    kinds = och(name(names.get(k, f"kostnadsslag {k}")) for k in flt.kostnadsslag)
    return ", ".join(x for x in (kinds, f"konto {och(flt.konto)}" if flt.konto else "") if x)


def filter_text(flt: LedgerFilter, groups: tuple[Kostnadsslag, ...]) -> str:
    """`, endast Personalkostnader` for a title: what a filter keeps."""
    return f", endast {filter_words(flt, groups)}" if flt else ""


def kostnadsslag_expr(groups: tuple[Kostnadsslag, ...], col: str = "konto") -> pl.Expr:
    """The id of each account's kostnadsslag, by its longest matching prefix; null for none.

    One lookup per length of prefix, the longest first: an account's first n characters looked up
    among the prefixes of n characters (a shorter account is itself, and no prefix of n characters).
    Not a `when` per prefix: polars plans such a chain in time that grows much faster than its length
    (1 000 prefixes took 28 s, found by a review)."""
    by_length: dict[int, dict[str, str]] = {}
    for g in groups:
        for prefix in g.prefix:
            by_length.setdefault(len(prefix), {})[prefix] = g.id
    if not by_length:  # (null for every account, a column as long as the accounts)
        account = pl.col(col).cast(pl.String)
        return pl.when(account.is_null() & account.is_not_null()).then(account).alias("kostnadsslag")
    lookups = [pl.col(col).str.slice(0, n).replace_strict(prefixes, default=None, return_dtype=pl.String)
               for n, prefixes in sorted(by_length.items(), reverse=True)]
    return (pl.coalesce(lookups) if len(lookups) > 1 else lookups[0]).alias("kostnadsslag")


def check_filter(store: Store, year: int, flt: LedgerFilter, fids: list[str] | None = None,
                 keys: list[str] | None = None, view: str = "stab", base: int | None = None,
                 before: int | None = None, upto: int | None = None, utfall_of: tuple[int, ...] = ()) -> None:
    """UsageError for a filter that names no kostnadsslag of the year, or keeps no account of the
    förvaltningar `fids` (default: all of the year's) and of their rows `keys` of `view` (--stab,
    --verksamhet), in `year` or in `base` (compare's earlier year): a table of nothing but "–" is no answer.
    `before` is the year whose utfall a table shows beside the year's (`Utfall 2023`): rows `keys` with facts the
    filter keeps that year only are rows of the table (0 this year), as the table without `keys` shows them: its
    utfall of the months shown, 1 to `upto` (a period; None: the whole year), as of the years `utfall_of` (compare's,
    which shows no budget)."""
    groups = store.year(year).kostnadsslag
    unknown = [k for k in flt.kostnadsslag if k not in {g.id for g in groups}]
    if unknown:
        have = ", ".join(f"{g.id} ({g.namn})" for g in groups)
        if blank := [k for k in unknown if not k.strip()]:
            raise UsageError(f"--kostnadsslag {blank[0]!r}: give the id of a kostnadsslag of {store.year(year).fil} "
                             f"({have})")
        raise UsageError(f"no kostnadsslag {', '.join(unknown)} in {store.year(year).fil} (there: {have})"
                         f"{did_you_mean(unknown[0], [g.id for g in groups])}")
    bad = [k for k in flt.konto if not (k.isascii() and k.isdigit())]
    if bad:
        raise UsageError(f"--konto {bad[0]!r} is not an account prefix; write digits such as 5 or 6410")
    if not flt:
        return
    asked_base = base
    if keys and base is None and before is not None and before in store.years:
        # (`deviation --stab S --kostnadsslag intakter` was 'nothing to show' where S's row of the table without
        # --stab has its utfall of 2023; found by the invariant hunt, h134): the year's accounts as ever, then the
        # rows' in either year
        check_filter(store, year, flt)
        base = before
        utfall_of = (*utfall_of, before)
    years = [y for y in (base, year) if y is not None and y in store.years]
    facts = store.ledger.lazy(years)
    if keys and utfall_of:  # (of the year before, the utfall shown: `--period 2024-02 --stab S0 --kostnadsslag
        # intakter`, S0's income of November 2023, printed a Summa of 0 alone, exit 0, and compare the same; found in
        # review, h137)
        month = pl.col("manad")
        facts = facts.filter(~pl.col("ar").is_in(utfall_of) | (
            (pl.col("art") == "utfall") & (month.is_null() | pl.lit(upto is None) | (month <= (upto or 12)))))
    whose = " or ".join(map(str, years))
    having = {f for y in years for f in forvaltningar_with(store, y)}
    if fids is not None and not having <= set(fids):
        facts = facts.filter(pl.col("forvaltning").is_in(fids))
        whose = f"förvaltning {', '.join(f for f in fids if f in having)}"
    around = facts  # (the förvaltningar's facts, of every row)
    if keys:
        facts = facts.filter(pl.col(view).is_in(keys))
        whose = f"{view} {', '.join(keys)}"
    accounts = _read(store, lambda: facts.select(pl.col("konto").unique()).collect(engine="streaming"),
                     years)["konto"].sort().to_list()
    if not accounts and keys and not any(changes_matching(store, y, fids, flt, keys, view) for y in years) and _read(
            store, lambda: around.select(pl.col("konto").is_not_null().any()).collect(engine="streaming"), years).item():
        # rows without any account where their förvaltning has them (`--stab S --konto 5`, S booked nothing): the table
        # without --stab has no row of them, and months gave 0 every month; nothing to show, as for rows of other
        # accounts (found by the invariant hunt, h134)
        asked = " ".join([*(f"--konto {k}" for k in flt.konto), *(f"--kostnadsslag {k}" for k in flt.kostnadsslag)])
        shown = ("" if not utfall_of or upto is None or upto == 12 else ", month 1" if upto == 1 else f", months 1–{upto}")
        # (compare shows the utfall alone: 'no utfall or budget' was said of a stab whose budget has the accounts;
        # found in review, h139)
        utfall_only = bool(utfall_of) and set(years) <= set(utfall_of)
        # (compare shows no budget: of rows whose budget has the accounts, it said 'its budget is in deviation', naming
        # no year, where a budget without an account of the filter's was said to be there too; the command that shows it
        # is named, of the latest year whose budget has them; found in review, h153)
        budgeted = _read(store, lambda: store.ledger.lazy(years).filter(
            (pl.col("art") != "utfall") & pl.col(view).is_in(keys) & filter_keeps(flt, groups)).select(
            pl.col("ar").unique()).collect(engine="streaming"), years)["ar"].to_list() if utfall_only else []
        rows = " ".join(f"--{view} {k}" for k in keys)
        raise UsageError(f"{asked}: nothing to show; {whose} has no {'utfall' if utfall_only else 'utfall or budget'} "
                         f"with an account in {' or '.join(map(str, years))}{shown}"
                         + (f": compare shows utfall, and none is booked on these accounts; their budget is shown by "
                            f"kfollow deviation --year {max(budgeted)} {rows} {asked}" if budgeted else ""))
    if not accounts:
        return  # no facts with accounts: require_facts names what is missing
    unmatched = [k for k in flt.konto if not any(a.startswith(k) for a in accounts)
                 and not any(changes_matching(store, y, fids, LedgerFilter((k,)), keys, view) for y in years)]
    narrowed = bool(keys) or (fids is not None and not having <= set(fids))
    if unmatched and narrowed and len(unmatched) < len(flt.konto):
        # a row or förvaltning with accounts of one of the prefixes is a row of the table (`--stab S --konto 3 --konto
        # 61` was refused as 'no account of stab S starts so' beside S's row of 61 in the table of all; found by the
        # invariant hunt, h134): each prefix is the year's to have, not every row's
        check_filter(store, year, LedgerFilter(flt.konto), base=asked_base)
        unmatched = []
    if unmatched:
        shown_accounts = ", ".join(accounts[:12]) + (", …" if len(accounts) > 12 else "")
        raise UsageError(f"--konto {unmatched[0]}: no account of {whose} starts so (accounts there: {shown_accounts})")
    if flt.kostnadsslag:  # together with --konto: an account both keep
        kept = [a for a in accounts if not flt.konto or any(a.startswith(k) for k in flt.konto)]
        slag = pl.DataFrame({"konto": kept}, schema={"konto": pl.String}).select(kostnadsslag_expr(groups))["kostnadsslag"]
        if not slag.is_in(list(flt.kostnadsslag)).any() and not any(
                changes_matching(store, y, fids, flt, keys, view) for y in years):
            asked = " ".join([*(f"--konto {k}" for k in flt.konto), *(f"--kostnadsslag {k}" for k in flt.kostnadsslag)])
            found = sorted({g for g in slag.to_list() if g is not None})
            # (the kostnadsslag there are, as --konto's error lists the accounts there: `--stab EKO --kostnadsslag
            # kop_material` said only that none of EKO's is in it; found in review, h137)
            where = (f"the accounts that --konto keeps are in kostnadsslag {', '.join(found)}" if flt.konto and found
                     else f"no account of {whose} is in {'it' if len(flt.kostnadsslag) == 1 else 'them'}"
                     + (f" (kostnadsslag there: {', '.join(found)})" if found else ""))
            raise UsageError(f"{asked}: nothing to show; {where}")


def filter_keeps(flt: LedgerFilter, groups: tuple[Kostnadsslag, ...]) -> pl.Expr:
    """The facts (`konto`) that the filter `flt` keeps, its kostnadsslag of `groups`."""
    keep = pl.col("konto").is_not_null()
    if flt.konto:
        keep = keep & pl.any_horizontal([pl.col("konto").str.starts_with(k) for k in flt.konto])
    if flt.kostnadsslag:
        keep = keep & kostnadsslag_expr(groups).is_in(list(flt.kostnadsslag))
    return keep


def _read(store: Store, collect: Callable, years: list[int]):
    """What `collect` gives (queries that may read the rows of `years`' Parquet tables from their files:
    `Ledger.lazy`, `Ledger.pieces`), once the files are found to be the ones their passes checked, before
    and after; a file gone or written over since is that error (`FactTable.unchanged`), and a file that
    cannot be read again (its permissions changed) the table's, not the one polars met reading it."""
    store.ledger.unchanged(years)
    try:
        found = collect()
    except (pl.exceptions.PolarsError, OSError, pl.exceptions.PanicException) as exc:  # (a panic: a corrupt file)
        store.ledger.unchanged(years)
        raise store.ledger.unreadable(exc, years) from None
    store.ledger.unchanged(years)
    return found


def ledger_amounts(store: Store, year: int, fids: list[str], period: int | None,
                   flt: LedgerFilter = LedgerFilter(), groups: tuple[Kostnadsslag, ...] | None = None,
                   by: list[pl.Expr] | None = None, gross: bool = False, months_of: dict | None = None) -> pl.DataFrame:
    """The facts of `year` summed to the ledger's grain, öre, nettokostnad (as booked: a cost
    positive, an income negative). Columns: forvaltning, stab, verksamhet, konto, kostnadsslag,
    budget, utfall. With `period` (a month), months 1..period: a budget table's months up to it, and
    what it gives for the whole year spread as the views spread it (`store.fact_profiles`); budget is
    null for a förvaltning whose budget has no account (typed in YAML). `by` (expressions on those
    columns, the first of them `forvaltning`) sums to a coarser grain in the same pass. With `gross`, also
    budget_kostnader, budget_intakter, utfall_kostnader and utfall_intakter (GROSS: each positive, as the
    views show them), from the facts' slag. `months_of`: a dict that a caller asking for several months of
    the same facts keeps between its calls (`ledger_month_totals`): the facts are read once, summed up to each
    month."""
    info = store.year(year)
    narrow = not set(forvaltningar_with(store, year)) <= set(fids)  # (a test of every fact only when it keeps fewer)
    # each account's kostnadsslag once, not each fact's (accounts of other years and förvaltningar
    # join nothing)
    accounts = store.ledger.accounts(year).with_columns(kostnadsslag_expr(info.kostnadsslag if groups is None else groups))
    of_art = {art: accounts for art in ARTER}
    if gross:  # an account's slag in the budget or the utfall where it has one there (booked as both, its parts' gross
        # of that kind is unknown): its sums are its kostnader or its intäkter, with no test of each row
        for art in ARTER:
            kinds = store.ledger.account_kinds(year, art).group_by("konto").agg(
                _slag=pl.when(pl.col("slag").n_unique() == 1).then(pl.col("slag").first()))
            of_art[art] = accounts.join(kinds, on="konto", how="left")
    keys = ["forvaltning", "stab", "verksamhet", "konto", "kostnadsslag"]
    month = period or 12
    used = {name for e in by for name in e.meta.root_names()} if by else set(keys)
    grain = [k for k in keys[:-1] if k in used or k == "konto"]  # the dimensions `by` reads, and the account
    names = [e.meta.output_name() for e in by] if by else keys
    at_grain = [pl.col(n) for n in names] if by else keys
    in_slag = pl.col("kostnadsslag").is_in(list(flt.kostnadsslag))
    # each table (piece) summed on its own, budget or utfall: the months up to `period` summed away first, at
    # the ledger's grain, so that the accounts' kostnadsslag is joined to a row per account and not to
    # every fact; then to the parts `by` asks for, all pieces in one call (polars sums them in parallel)
    # with `months_of` (several months asked for): each table's rows summed up to each month at once, in one
    # pass; the rows of a budget for the year (no month) are the same for every month
    facts_of = (year, tuple(fids) if narrow else None, flt, tuple(grain), tuple(groups or ()))  # what the sums depend on
    cached = months_of.get(facts_of) if months_of is not None else None
    pre = store.ledger.summed(year, grain, month) if cached is None and months_of is None else None
    if pre is not None:  # summed to this grain as the tables were read (`facts.Grain`): only the filters are left
        summed, yearly = [], []
        for art, part, year_rows in pre:
            kept = []  # the filters, on the sums' keys as on the rows'
            if narrow:
                kept.append(pl.col("forvaltning").is_in(fids))
            if flt.konto:
                kept.append(pl.any_horizontal(pl.col("konto").str.starts_with(k) for k in flt.konto))
            if kept:
                part = part.filter(*kept)
            if art == "budget":
                year_rows = year_rows.lazy().select(PIECE_COLUMNS)
                year_rows = year_rows.filter(*kept) if kept else year_rows
                year_rows = year_rows.join(accounts.lazy(), on="konto", how="left")
                yearly.append(year_rows.filter(in_slag) if flt.kostnadsslag else year_rows)
            summed.append((art, part))
        # (the sums stay lazy: joined to the accounts and summed to the parts below, in the one query of the parts)
        cached = [art for art, _ in summed], [part for _, part in summed], pl.collect_all(yearly) if yearly else []
    if cached is None:
        summed, yearly = [], []
        for art, rows in store.ledger.pieces(year):
            if narrow:
                rows = rows.filter(pl.col("forvaltning").is_in(fids))
            if flt.konto:
                rows = rows.filter(pl.any_horizontal(pl.col("konto").str.starts_with(k) for k in flt.konto))
            if months_of is not None:  # the sum up to each month (`_m1` … `_m12`), in one pass: each row's part of
                # each first, then plain sums (a filtered sum in the aggregation took three times as long)
                part = rows.select(*grain, *(pl.when(pl.col("manad") <= m).then(pl.col("belopp")).otherwise(0)
                                             .alias(f"_m{m}") for m in range(1, 13))
                                   ).group_by(grain).agg(*(pl.col(f"_m{m}").sum() for m in range(1, 13)), _n=pl.len())
            else:  # a budget for the year (no month) is null here: spread below
                part = rows.filter(pl.col("manad") <= month).group_by(grain).agg(pl.col("belopp").sum(), _n=pl.len())
            if art == "budget":
                year_rows = rows.filter(pl.col("manad").is_null()).join(accounts.lazy(), on="konto", how="left")
                yearly.append(year_rows.filter(in_slag) if flt.kostnadsslag else year_rows)
            summed.append((art, part))
        # the tables' rows summed to the ledger's grain in one call, streaming (polars is faster so on a table's
        # chunks); then, a row per account, to the parts
        frames = _read(store, lambda: pl.collect_all([*(part for _, part in summed), *yearly], engine="streaming"),
                       [year]) if summed else []
        cached = [art for art, _ in summed], frames[:len(summed)], frames[len(summed):]
        if months_of is not None:
            months_of[facts_of] = cached
    arts, frames, yearly = cached
    if months_of is not None:
        frames = [f.select(*grain, "_n", belopp=f"_m{month}") for f in frames]
    summed = list(zip(arts, frames))
    # the accounts' kostnadsslag joined, then (a figure of no gross part) summed to the columns `by` reads before its
    # expressions make each row's parts: a row per part then, not per account (the row of a stab without one, `ej
    # fördelat (KLF)`, made of every account's row took a third of a cut of a million facts)
    roots = [k for k in keys if k in used] if by and not gross else None
    summed = [(frame.lazy().join(of_art[art].lazy(), on="konto", how="left")
               .pipe(lambda f: f.filter(in_slag) if flt.kostnadsslag else f)
               .pipe(lambda f: f.group_by(roots).agg(pl.col("belopp").sum(), pl.col("_n").sum()) if roots else f)
               .select(*(by or keys), budget=pl.col("belopp") if art == "budget" else pl.lit(0, pl.Int64),
                       utfall=pl.col("belopp") if art == "utfall" else pl.lit(0, pl.Int64),
                       **{f"_n_{a}": pl.col("_n").cast(pl.Int64) if art == a else pl.lit(0, pl.Int64) for a in ARTER},
                       **({f"{a}_{g}": _gross(pl.col("_slag"), g) if art == a else pl.lit(0, pl.Int64)
                           for a in ("budget", "utfall") for g in ("kostnader", "intakter")} if gross else {})))
              for art, frame in summed]
    yearly = pl.concat(yearly).with_columns(ar=pl.lit(year, pl.Int32), art=pl.lit("budget")) if yearly else None
    if yearly is not None and period is not None and yearly.height:
        # each fact by its own profile (its stab's, else its verksamhet's, else its förvaltning's), as the
        # views spread it: within each stab × verksamhet × slag, whose parts then add up to what the views show
        spread = [pl.col("stab").alias("_fs"), pl.col("verksamhet").alias("_fv"), "slag", "profil"]
        yearly = fact_profiles(yearly, info, store.amounts.filter(pl.col("ar") == year))
        yearly = _spread_parts(store, year, period,
                               yearly.group_by([*(by or [pl.col(k) for k in keys]), *spread]).agg(pl.col("belopp").sum()),
                               ["forvaltning", "_fs", "_fv", "slag"])
    elif yearly is not None and by:
        yearly = yearly.select(*by, "belopp", "slag")
    with_budget = forvaltningar_with(store, year, "budget")
    figures = ["budget", "utfall", *(GROSS if gross else ())]
    empty = pl.DataFrame(schema={**{n: pl.String for n in names}, **{f: pl.Int64 for f in figures},
                                 **{f"_n_{a}": pl.Int64 for a in ARTER}})
    gross_of_year = {f"budget_{g}": _gross(pl.col("slag"), g) for g in ("kostnader", "intakter")}
    gross_of_year |= {"utfall_kostnader": pl.lit(0, pl.Int64), "utfall_intakter": pl.lit(0, pl.Int64)}
    parts = [*summed, *([yearly.lazy().select(*at_grain, budget="belopp", utfall=pl.lit(0, pl.Int64),
                                              _n_budget=pl.lit(1, pl.Int64), _n_utfall=pl.lit(0, pl.Int64),
                                              **(gross_of_year if gross else {}))] if yearly is not None else [])]
    budgeted = [f for f in figures if f.startswith("budget")]
    return (
        pl.concat(parts, how="vertical_relaxed") if parts else empty.lazy()
    ).group_by(names).agg(
        # (a gross figure of a part with an account of both slag is unknown, not a part of its sum)
        *(pl.when(pl.col(f).null_count() == 0).then(pl.col(f).sum()) if f in GROSS else pl.col(f).sum() for f in figures),
        *(pl.col(f"_n_{a}").sum() for a in ARTER),  # the facts of each kind summed into a row (`_parts`)
    ).with_columns(
        pl.when(pl.col("forvaltning").is_in(with_budget)).then(pl.col(f)).alias(f) for f in budgeted
    ).collect(engine="streaming" if pre is not None else "in-memory")  # a few rows per part: in memory (polars 2
    # streams a lazy query unless told); the tables' sums (`pre`, a row per account of each stab: 20 ms against 32 ms
    # for 2 × 84 000 of them) streaming


GROSS = ("budget_kostnader", "budget_intakter", "utfall_kostnader", "utfall_intakter")  # positive, as the views show them


def _gross(slag: pl.Expr, part: str) -> pl.Expr:
    """`belopp` (booked: a cost positive, an income negative) as kostnader or intäkter (`part`), each
    positive as the views show them: 0 for the other slag, null for no slag."""
    if part == "kostnader":
        return pl.when(slag == "kostnad").then(pl.col("belopp")).when(slag == "intakt").then(0)
    return pl.when(slag == "intakt").then(-pl.col("belopp")).when(slag == "kostnad").then(0)


def _spread_parts(store: Store, year: int, period: int, parts: pl.DataFrame, row: list[str]) -> pl.DataFrame:
    """Annual amounts of parts (`belopp`, öre, with their `profil`) → their part of months 1..period,
    such that the parts of each row (`row` keys) add up exactly to the row's total spread as
    `periods.spread` spreads it (half away from zero): each part truncated, and the öre left over
    given to the parts with the largest remainders (equal remainders in the order of the parts' keys,
    so that the same facts always give the same öre)."""
    weights = spread_weights(store, year, period)
    parts = parts.sort([c for c in parts.columns if c != "belopp"], nulls_last=True)
    x = pl.col("belopp").cast(pl.Int128)
    q = x.abs() * pl.col("_cum")
    sign = pl.when(x < 0).then(-1).otherwise(1)
    total = x.sum().over(row)
    rounded = (pl.when(total < 0).then(-1).otherwise(1)
               * half_away_count(total.abs() * pl.col("_cum"), pl.col("_w")))
    frame = (parts.join(weights, on="profil", how="left", nulls_equal=True)
             .with_columns(_trunc=sign * (q // pl.col("_w")), _rem=q % pl.col("_w"), _row=rounded)
             .with_columns(_adjust=pl.col("_row").first().over(row) - pl.col("_trunc").sum().over(row),
                           _n=pl.len().over(row),
                           _rank=pl.col("_rem").rank("ordinal", descending=True).over(row) - 1))
    step = pl.when(pl.col("_adjust") < 0).then(-1).otherwise(1)
    extra = pl.col("_adjust").abs() // pl.col("_n") + (pl.col("_rank") < pl.col("_adjust").abs() % pl.col("_n")).cast(pl.Int128)
    return frame.with_columns(belopp=(pl.col("_trunc") + step * extra).cast(pl.Int64)).select(*parts.columns).drop("profil")


def forvaltningar_with(store: Store, year: int, art: str | None = None) -> list[str]:
    """The förvaltningar with facts of `year` (of `art`, budget or utfall, when given)."""
    return store.ledger.forvaltningar(year, art)


def changes_matching(store: Store, year: int, fids: list[str] | None, flt: LedgerFilter,
                     keys: list[str] | None = None, view: str = "stab") -> set[str]:
    """The förvaltningar of `fids` (all: None) with a budget change of `year` put on a konto or kostnadsslag that
    `flt` keeps (of their rows `keys` of `view`, when given): a part of the filtered table as a fact is
    (`change_parts`; found in review: DIG's 1 500 tkr put on kop_material was refused as 'no account of stab DIG
    is in it', and shown beside SERV's with 'KSF har inga belopp i de kostnadsslag som valts')."""
    if not flt or year not in store.years:
        return set()
    changes = store.changes.filter((pl.col("ar") == year)
                                   & (pl.col("konto").is_not_null() | pl.col("kostnadsslag").is_not_null()))
    if fids is not None:
        changes = changes.filter(pl.col("forvaltning").is_in(fids))
    if keys:
        changes = changes.filter((pl.col("vy") == view) & pl.col("nyckel").is_in(keys))
    if flt.konto:
        changes = changes.filter(pl.col("konto").is_not_null()
                                 & pl.any_horizontal(pl.col("konto").str.starts_with(k) for k in flt.konto))
    if flt.kostnadsslag and not changes.is_empty():
        changes = changes.with_columns(kostnadsslag=pl.coalesce(kostnadsslag_expr(store.year(year).kostnadsslag),
                                                                pl.col("kostnadsslag")))
        changes = changes.filter(pl.col("kostnadsslag").is_in(list(flt.kostnadsslag)))
    return set(changes["forvaltning"].to_list())


def forvaltningar_matching(store: Store, year: int, fids: list[str], flt: LedgerFilter) -> list[str]:
    """The förvaltningar of `fids` (in their order) with a fact of `year` that `flt` keeps, or a budget change put
    on a konto or kostnadsslag it keeps (`changes_matching`): those a filtered total is made of, whose
    presentation it takes (resultat when every one of them is)."""
    facts = store.ledger.lazy([year]).filter(pl.col("forvaltning").is_in(fids))
    if flt.konto:
        facts = facts.filter(pl.any_horizontal(pl.col("konto").str.starts_with(k) for k in flt.konto))
    if flt.kostnadsslag:
        accounts = store.ledger.accounts(year).with_columns(kostnadsslag_expr(store.year(year).kostnadsslag))
        facts = facts.join(accounts.lazy(), on="konto", how="inner").filter(
            pl.col("kostnadsslag").is_in(list(flt.kostnadsslag)))
    found = set(_read(store, lambda: facts.select(pl.col("forvaltning").unique()).collect(engine="streaming"),
                      [year])["forvaltning"].to_list()) | changes_matching(store, year, fids, flt)
    return [f for f in fids if f in found]


def ledger_month_totals(store: Store, year: int, months: list[int], fids: list[str], flt: LedgerFilter,
                        view: str = "stab", keys: list[str] | None = None,
                        groups: tuple[Kostnadsslag, ...] | None = None) -> pl.DataFrame:
    """The facts that match `flt`, year to date at each month of `months`, öre, nettokostnad (columns
    manad, budget, utfall); `keys` keeps only those staber (or verksamheter, with `view`). A figure is
    null where a förvaltning of the selection has none with accounts. The same figures as the Summa of
    `deviation --period` with that filter: a budget for the year spread as the views and `breakdown`
    spread it. `groups`: the kostnadsslag a `--kostnadsslag` filter names (default: `year`'s own; an
    earlier year's column takes the shown year's, as `deviation` and `compare` do)."""
    known = {art: set(forvaltningar_with(store, year, art)) >= set(fids) for art in ("budget", "utfall")}
    info = store.year(year)
    frames, months_of = [], {}
    for m in months:
        a = ledger_amounts(store, year, fids, m, flt, groups, by=[pl.col("forvaltning"), _parent_key(By(view)),
                                                                  pl.col("konto").alias("_part")], months_of=months_of)
        # (the budget changes put on an account or kostnadsslag the filter keeps count as its facts do, as in
        # `deviation`'s Summa: each of them, not by konto, where one of a kostnadsslag alone has no part; found in
        # review: DIG's 1 500 tkr put on kop_material was in deviation's Summa and not in months')
        changed = change_parts(store, year, fids, m, m, flt, groups or info.kostnadsslag, By(view), "forvaltning")
        a = pl.concat([a.select("_parent", "budget", "utfall"),
                       changed.select("_parent", "budget", utfall=pl.lit(0, pl.Int64))], how="vertical_relaxed")
        if keys:
            a = a.filter(pl.col("_parent").is_in(keys))
        # (facts of the kind, none of which the filter keeps, sum to 0, not unknown: found in review)
        frames.append(a.select(manad=pl.lit(m, pl.Int8),
                               **{art: ex.exact_sum(art).fill_null(0) if known[art] else pl.lit(None, pl.Int64)
                                  for art in ("budget", "utfall")}))
    return pl.concat(frames).sort("manad")


def require_facts(store: Store, year: int, fids: list[str], cut: Cut, flt: LedgerFilter = LedgerFilter()) -> None:
    """A cut by kostnadsslag or konto (or a --konto/--kostnadsslag filter) needs facts with accounts:
    a clear error naming the förvaltningar that have none and what they would need."""
    have = set(forvaltningar_with(store, year))
    lacking = [f for f in fids if f not in have]
    if lacking and len(lacking) == len(fids):
        info = store.year(year)
        asked = f"--by {cut.text}" if cut.part else " ".join(
            [*(f"--konto {k}" for k in flt.konto), *(f"--kostnadsslag {k}" for k in flt.kostnadsslag)])
        who = (f"förvaltning {lacking[0]} in {info.fil} has no accounts (its budget and utfall are typed per stab or "
               "verksamhet); it needs" if len(lacking) == 1 else
               f"förvaltningar {', '.join(lacking)} in {info.fil} have no accounts (their budget and utfall are typed "
               "per stab or verksamhet); they need")
        raise UsageError(f"{asked}: {who} utfall_fil or budget_fil tables with konto (kfollow import sie/csv), or pick "
                         "a förvaltning that has them")


def _inner(store: Store, year: int, part: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """The part key of a fact, and of a part (`_part`) its name for people and its order."""
    if part == "konto":  # named as the export's chart of accounts names it, else by its code
        names = store.year(year).kontonamn
        return pl.col("konto"), pl.col("_part").replace_strict(names, default=pl.col("_part"),
                                                               return_dtype=pl.String), pl.lit(0)
    groups = store.year(year).kostnadsslag
    names = {g.id: g.namn for g in groups}
    order = {g.id: i for i, g in enumerate(groups)}
    return (pl.col("kostnadsslag"),
            pl.col("_part").replace_strict(names, default="Konton utan kostnadsslag", return_dtype=pl.String),
            pl.col("_part").replace_strict(order, default=len(order), return_dtype=pl.Int32))


def _parent_key(view: By) -> pl.Expr:
    """Which row of the view a fact belongs to: its stab, verksamhet or förvaltning; a fact without
    one belongs to the view's `ej fördelat (<förvaltning>)` row, as in a year file."""
    if view is By.forvaltning:
        return pl.col("forvaltning").alias("_parent")
    key = view.value
    return (pl.when(pl.col(key).is_null()).then(pl.lit("ej fördelat (") + pl.col("forvaltning") + pl.lit(")"))
            .otherwise(pl.col(key)).alias("_parent"))


def _netto(cols) -> list[pl.Expr]:
    """A presented figure back to nettokostnad (resultat rows change sign)."""
    sign = pl.when(pl.col("redovisas_som") == "resultat").then(-1).otherwise(1)
    return [(pl.col(c) * sign).alias(c) for c in cols]


Derive = Callable[[pl.DataFrame, dict], pl.DataFrame]  # the columns that follow from a part's figures


def deviation_figures(year: int, prev: str | None, full_year: bool = False,
                      gross: tuple[str, ...] = (), prev_budget: str | None = None) -> tuple[dict[str, tuple], Derive]:
    """What `breakdown` gives each part of a deviation table: budget and utfall of `year` (and the
    previous year's utfall as `prev`, its budget of the same months as `prev_budget`, of which the previous
    year's deviation `avvikelse_<year−1>` follows; with `full_year` the year's whole budget as budget_helar; the
    columns of GROSS in `gross`, kostnader and intäkter apart), and how its deviation and share follow
    from them."""
    figures: dict[str, tuple] = {"budget": (year, "budget"), "utfall": (year, "utfall")}
    figures |= {c: (year, c) for c in gross}
    if prev:
        figures[prev] = (year - 1, "utfall")
        if prev_budget:
            figures[prev_budget] = (year - 1, "budget")
    if full_year:  # the budget of all twelve months, whatever the period
        figures["budget_helar"] = (year, "budget", 12)

    def derive(frame: pl.DataFrame, totals: dict[str, int | None]) -> pl.DataFrame:
        before = ([(pl.col(prev_budget) - pl.col(prev)).alias(f"avvikelse_{year - 1}")]
                  if prev and prev_budget in frame.columns and prev in frame.columns else [])
        return (frame.with_columns(ex.avvikelse(), *before)
                .with_columns(*ex.percent_of("avvikelse", "budget", "avvikelse_pct"),
                              *ex.share("utfall", pl.lit(totals.get("utfall"), pl.Int64))))

    return figures, derive


def compare_figures(base_year: int, year: int) -> tuple[dict[str, tuple[int, str]], Derive]:
    """What `breakdown` gives each part of a comparison: utfall of both years, change and shares."""
    a, b = f"utfall_{base_year}", f"utfall_{year}"
    figures = {a: (base_year, "utfall"), b: (year, "utfall")}

    def derive(frame: pl.DataFrame, totals: dict[str, int | None]) -> pl.DataFrame:
        # shares of the nettokostnad totals; the change as the rows are presented (resultat: intäkter
        # − kostnader), as compare_report computes it
        shown = frame.with_columns((pl.col(c) * pl.col("_sign")).alias(f"_{c}_shown") for c in (a, b))
        return shown.with_columns((pl.col(f"_{b}_shown") - pl.col(f"_{a}_shown")).alias("forandring"),
                                  *ex.change_percent(f"_{b}_shown", f"_{a}_shown"),
                                  *ex.share(a, pl.lit(totals.get(a), pl.Int64), f"andel_{base_year}_pct"),
                                  *ex.share(b, pl.lit(totals.get(b), pl.Int64), f"andel_{year}_pct")
                                  ).drop(f"_{a}_shown", f"_{b}_shown")

    return figures, derive




def change_parts(store: Store, year: int, fids: list[str], decided: int, spread_to: int, flt: LedgerFilter,
                 groups: tuple[Kostnadsslag, ...], view: By, part: str, parent: str | None = None) -> pl.DataFrame:
    """The budget changes of `year` whose lines name a konto or kostnadsslag (`ombudgeteringar`), decided in months
    1..`decided`, as parts of the rows of `view`: per förvaltning, row (`_parent`: its stab or verksamhet, its
    förvaltning in the förvaltning view or where it has no row of the view, the kostnadsslag with `parent`) and
    part (`_part`: the konto or kostnadsslag, `part`), budget, budget_kostnader and budget_intakter of months
    1..`spread_to`, öre, nettokostnad: what the row counts of each change, now on its part (the row's rest without
    account has it no more). A change of a kostnadsslag alone has no part by konto. `flt` keeps those it matches."""
    schema = {"forvaltning": pl.String, "_parent": pl.String, "_part": pl.String,
              **{c: pl.Int64 for c in ("budget", "budget_kostnader", "budget_intakter")}}
    named = store.changes.filter((pl.col("ar") == year) & pl.col("forvaltning").is_in(fids)
                                 & (pl.col("konto").is_not_null() | pl.col("kostnadsslag").is_not_null()))
    if named.is_empty():
        return pl.DataFrame(schema=schema)
    from kfollow.engine.periods import changes_to_date

    changes = (changes_to_date(store, year, decided, spread_to)
               .filter(pl.col("forvaltning").is_in(fids) & (pl.col("konto").is_not_null()
                                                           | pl.col("kostnadsslag").is_not_null()))
               # an account's kostnadsslag follows from it (the file's check says they agree where both are given)
               .with_columns(kostnadsslag=pl.coalesce(kostnadsslag_expr(groups), pl.col("kostnadsslag"))))
    if flt.konto:
        changes = changes.filter(pl.col("konto").is_not_null()
                                 & pl.any_horizontal(pl.col("konto").str.starts_with(k) for k in flt.konto))
    if flt.kostnadsslag:
        changes = changes.filter(pl.col("kostnadsslag").is_in(list(flt.kostnadsslag)))
    # which change row (a line moves its stab, its verksamhet and the summa) a row of the view counts: the view's
    # own, and for a förvaltning shown as one row the one its total is made of (its summa, else its staber, else
    # its verksamheter, as `view_frame` takes it)
    amounts = store.amounts.filter((pl.col("ar") == year) & pl.col("forvaltning").is_in(fids)
                                   & pl.col("budget").is_not_null())
    viewed = set(amounts.filter(pl.col("vy").is_in([view.value, f"ej_fordelat_{view.value}"]))["forvaltning"]
                 .to_list()) if view is not By.forvaltning else set()
    total_view = {}
    for fid, vy in amounts.select("forvaltning", pl.col("vy").str.replace("ej_fordelat_", "")).unique().iter_rows():
        order = ("summa", "stab", "verksamhet")
        if vy in order and (fid not in total_view or order.index(vy) < order.index(total_view[fid])):
            total_view[fid] = vy
    own = pl.col("forvaltning").is_in(sorted(viewed))
    counted = pl.when(own).then(pl.lit(view.value)).otherwise(
        pl.col("forvaltning").replace_strict(total_view, default=None, return_dtype=pl.String))
    row = pl.col(parent).fill_null("") if parent else pl.when(own).then(pl.col("nyckel")).otherwise(pl.col("forvaltning"))
    return (changes.filter(pl.col("vy") == counted)
            .select("forvaltning", row.alias("_parent"), pl.col(part).alias("_part"),
                    "budget", "budget_kostnader", "budget_intakter")
            .filter(pl.col("_part").is_not_null())
            .group_by("forvaltning", "_parent", "_part").agg(pl.col(c).sum() for c in schema if c.startswith("budget")))


def _alone(parents: pl.DataFrame, figures: dict[str, tuple]) -> dict[int, list[str]]:
    """Per year of `figures`, the förvaltningar the view shows as one row that year (`forvaltning`, no rows of the
    view with a figure of that year): their facts of the year are that row's, whatever stab or verksamhet they name.

    Per year, since a förvaltning may be one row in one year and have rows in the other (verksamheter in its facts
    of 2023, none in 2024): each year's facts go to that year's rows (all of 2024 was `Ej fördelat på konto` of the
    förvaltning's row, its parts only under 2023's rows, where `--by konto` had them; found by an invariant hunter)."""
    alone: dict[int, list[str]] = {}
    one_row = pl.col("radtyp") == RowKind.forvaltning.value
    for y in sorted({f[0] for f in figures.values()}):
        cols = [c for c, f in figures.items() if f[0] == y and c in parents.columns and c not in GROSS]
        given = pl.any_horizontal(pl.col(c).is_not_null() for c in cols) if cols else pl.lit(False)
        rowed = set(parents.filter(~one_row & given)["forvaltning"].to_list())
        alone[y] = sorted(set(parents.filter(one_row)["forvaltning"].to_list()) - rowed)
    return alone


class PartsAhead:
    """The sums a cut of a view's rows by `cut.part` will ask `ledger_amounts` for (`_parts`: the year's budget and
    utfall up to `period`, per förvaltning, row of the view and part, gross), made on a thread of their own while the
    view's table is made (`operations.deviation`): the largest query of a cut beside the view's many small ones. A
    guess at the förvaltningar (`fids()`: those the table will show) and at the rows (a förvaltning shown as one row
    asks for other sums): `take` gives them only where `_parts` asks for the same, else it makes its own; what the
    guess raised is not raised (the cut meets it again in its own order)."""

    def __init__(self, store: Store, year: int, fids: Callable[[], list[str]], period: int | None, cut: "Cut") -> None:
        from kfollow.engine.meanwhile import Meanwhile

        def work() -> tuple[tuple, pl.DataFrame] | None:
            try:
                ids = [f for f in fids() if year in store.years and f in store.years[year].forvaltningar]
                by = [pl.col("forvaltning"), _parent_key(cut.view), pl.col(cut.part).alias("_part")]
                return (year, period, tuple(ids)), ledger_amounts(store, year, ids, period, LedgerFilter(),
                                                                   store.year(year).kostnadsslag, by=by, gross=True)
            except Exception:  # noqa: BLE001 - only a guess
                return None

        self._made = Meanwhile(work)

    def take(self, year: int, period: int | None, ids: list[str], alone: list[str] | None = None) -> pl.DataFrame | None:
        """The sums, where they are those of `year`, months 1..`period` and the förvaltningar `ids`; else None. Those of
        the förvaltningar `alone` (shown as one row: `_alone`) summed to that row, as `_parts` would have asked."""
        made = self._made.result() if self._made.started else None  # (no thread: no guess, the cut makes its own)
        if made is None or made[0] != (year, period, tuple(ids)):
            return None
        if not alone:
            return made[1]
        frame = made[1].with_columns(_parent=pl.when(pl.col("forvaltning").is_in(alone)).then(pl.col("forvaltning"))
                                     .otherwise(pl.col("_parent")))
        # (as `ledger_amounts` sums: a gross figure unknown in one of its sums is unknown, a budget null for a
        # förvaltning without one stays null)
        return frame.group_by("forvaltning", "_parent", "_part").agg(
            pl.when(pl.col(c).null_count() == 0).then(pl.col(c).sum()) if c in GROSS or c.startswith("budget")
            else pl.col(c).sum() for c in frame.columns if c not in ("forvaltning", "_parent", "_part"))


def _parts(store: Store, year: int, fids: list[str], period: int | None, flt: LedgerFilter,
           figures: dict[str, tuple], view: By, part: str, parent: str | None = None,
           original: bool = False, alone: dict[int, list[str]] | None = None,
           ahead: PartsAhead | None = None) -> pl.DataFrame:
    """Each figure of `figures` (column → year, budget/utfall and, if it has its own, the months
    1..N it sums) per förvaltning, row of the view (`_parent`) and part (`_part`), nettokostnad öre;
    null where the förvaltning has no facts of it. A budget counts the changes put on a konto or
    kostnadsslag (`change_parts`), unless `original` (the budget before the year's changes). `alone`: per
    year, the förvaltningar the view shows as one row then, whose facts of the year are that row's."""
    groups = store.year(year).kostnadsslag
    part_key = pl.col(part)
    frames, known, by_year = [], {}, {}
    for col, (y, field, *months) in figures.items():
        months = months[0] if months and period not in (None, 12) else period  # the whole year is one pass
        ids = [f for f in fids if y in store.years and f in store.years[y].forvaltningar]
        if not ids:
            known[col] = []
            continue
        parent_key = pl.col(parent).fill_null("").alias("_parent") if parent else _parent_key(view)
        if (alone or {}).get(y):
            parent_key = pl.when(pl.col("forvaltning").is_in(alone[y])).then(pl.col("forvaltning")).otherwise(parent_key)
            parent_key = parent_key.alias("_parent")
        if (y, months) not in by_year:  # budget and utfall of a year in one pass over its facts, summed to the parts
            # (made meanwhile, where they were guessed right: with gross figures, which a cut without asks not for)
            guessed = ahead.take(y, months, ids, (alone or {}).get(y)) if ahead is not None and not flt \
                and parent is None else None
            by_year[y, months] = guessed if guessed is not None else ledger_amounts(
                store, y, ids, months, flt, groups, by=[pl.col("forvaltning"), parent_key, part_key.alias("_part")],
                gross=any(f[1] in GROSS for f in figures.values()))
        la = by_year[y, months]
        known[col] = [f for f in forvaltningar_with(store, y, field.split("_")[0]) if f in ids]
        frames.append(la.select("forvaltning", "_parent", "_part", **{col: pl.col(field)},
                                _n=pl.col(f"_n_{field.split('_')[0]}"), _fig=pl.lit(col)))
        if field.startswith("budget") and not original:  # (the changes decided up to the period, of its months)
            if (y, "changes", months) not in by_year:
                by_year[y, "changes", months] = change_parts(store, y, ids, period or 12, months or 12, flt, groups,
                                                             view, part, parent)
            frames.append(by_year[y, "changes", months].select("forvaltning", "_parent", "_part", **{col: pl.col(field)},
                                                               _n=pl.lit(1, pl.Int64), _fig=pl.lit(col)))
    if not frames:
        return pl.DataFrame(schema={"forvaltning": pl.String, "_parent": pl.String, "_part": pl.String,
                                    **{c: pl.Int64 for c in figures}})
    stacked = pl.concat(frames, how="diagonal_relaxed").with_columns(
        pl.lit(None, pl.Int64).alias(c) for c in figures if c not in {n for f in frames for n in f.columns})
    # a figure is null for a förvaltning without facts of it, else the sum of its parts (0 for none); a gross
    # figure its facts leave unknown (an account of both slag) stays unknown
    unknown = {c: ((pl.col("_fig") == c) & pl.col(c).is_null()).any() for c in figures if c in GROSS}
    return (stacked.group_by("forvaltning", "_parent", "_part")
            .agg(*(pl.when(unknown[c]).then(None).otherwise(pl.col(c).fill_null(0).sum()).alias(c) if c in unknown
                   else pl.col(c).fill_null(0).sum() for c in figures), _n=pl.col("_n").sum())
            # a part with no facts in the months summed is noise; one whose facts net to 0 (an amount moved
            # from one stab to another) is a part, of 0, and its Summa 0, not unknown (found in review)
            .filter(pl.any_horizontal(pl.col(c) != 0 for c in figures) | (pl.col("_n") > 0))
            .with_columns(pl.when(pl.col("forvaltning").is_in(known[c])).then(pl.col(c)).alias(c) for c in figures)
            .select("forvaltning", "_parent", "_part", *figures))


def breakdown(store: Store, year: int, outer: pl.DataFrame, cut: Cut, fids: list[str], period: int | None,
              flt: LedgerFilter = LedgerFilter(), figures: dict[str, tuple] | None = None,
              derive=None, against: int | None = None, original: bool = False,
              ahead: PartsAhead | None = None) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """`outer` (a report frame of the cut's view, presented: `deviation_report` or `compare_report`)
    with each row's parts by kostnadsslag or konto, and what the facts leave of it as
    `Ej fördelat på <part>`; returns the frame and notes on what it could not break down.

    `figures` (column → year, budget/utfall and perhaps its own months; default: a deviation's, with
    the year's whole budget where `outer` has budget_helar) are taken from the facts;
    `derive` adds the columns that follow from them. Nested (two keys): each row of the view (radtyp
    `radsumma`) is followed by its parts (radtyp `del`, the rest `del_ej_fordelat`). One ledger key: the
    parts are the rows (`rad`), grouped per förvaltning with a subtotal (`delsumma`) when there are
    several, and `Summa` below. With a filter, every row is the sum of the parts that match.
    """
    part = cut.part or ("kostnadsslag" if flt.kostnadsslag else "konto")  # a filter alone: parts summed below
    view = cut.view
    key = view.value
    if figures is None:
        figures, derive = deviation_figures(year, next((c for c in outer.columns if c == f"utfall_{year - 1}"), None),
                                            "budget_helar" in outer.columns, tuple(c for c in GROSS if c in outer.columns),
                                            next((c for c in outer.columns if c == f"budget_{year - 1}"), None))
    money = list(figures)
    net = [c for c in money if c not in GROSS]  # (kostnader and intäkter are positive in either presentation)
    parent = cut.ledger_parent  # kostnadsslag rows broken down by konto
    row_key = parent or ("forvaltning" if view is By.forvaltning else key)
    parent_kinds = [RowKind.rad.value] if parent else PARENTS  # a part without account has no accounts
    parents = outer.with_row_index("_o").filter(pl.col("radtyp").is_in(parent_kinds)).with_columns(
        _parent=pl.col(row_key).fill_null(""), _sign=pl.when(pl.col("redovisas_som") == "resultat").then(-1).otherwise(1))
    parts = _parts(store, year, fids, period, flt, figures, view, part, parent, original,
                   _alone(parents, figures) if not parent else {}, ahead)
    _, part_name, part_order = _inner(store, year, part)
    nested = cut.nested or cut.part is None
    shown_years = {figures[c][0] for c in money}
    # (with one key as with two: a förvaltning without accounts was one row `Ej fördelat på kostnadsslag` right above
    # an identical `Summa KSF`, and `--top` listed it as `KSF: Ej fördelat på kostnadsslag`; found by a controller)
    accountless = [] if flt or parent else _accountless(store, shown_years, fids)
    parents_netto = parents.with_columns(_netto(net))
    # the parts of each parent, then what the facts leave of it (its declared budget, changes, …)
    placed = (parts.join(parents_netto.select("_o", "forvaltning", "_parent", "_sign", "redovisas_som",
                                              *(pl.col(c).is_null().alias(f"_none_{c}") for c in net)),
                         on=["forvaltning", "_parent"], how="inner")
              # a figure its row does not have (a year the row was not in) its parts do not have either (a row's
              # kostnader and intäkter are unknown where a budget change has no slag: its parts' are their facts')
              .with_columns(pl.when(pl.col(f"_none_{c}")).then(None).otherwise(pl.col(c)).alias(c) for c in net)
              .drop(*(f"_none_{c}" for c in net)))
    # a part's gross figure is unknown where its förvaltning has facts of it and it is null (an account booked as
    # both slag): then so is what the facts leave of its row (else the rest would hold that part's kostnader)
    with_facts = {c: [f for f in fids if f in forvaltningar_with(store, figures[c][0], figures[c][1].split("_")[0])]
                  if figures[c][0] in store.years else [] for c in money if c in GROSS}
    summed = placed.group_by("_o").agg(*(pl.col(c).fill_null(0).sum().alias(f"_{c}") for c in money),
                                       *((pl.col(c).is_null() & pl.col("forvaltning").is_in(known)).any().alias(f"_u_{c}")
                                         for c, known in with_facts.items()))
    left = {c: pl.col(c) - pl.col(f"_{c}").fill_null(0) for c in money}
    # the previous year's budget (of its deviation) by part, where that year's budget and utfall both have the grain;
    # where one of them has not, the previous year's deviation is – on the parts and on the rest (`Ej fördelat`)
    prev_budget, prev_utfall = f"budget_{year - 1}", f"utfall_{year - 1}"
    prev_budget = prev_budget if prev_budget in money and prev_utfall in money else None
    unsplit_prev: list[str] = []
    if prev_budget:
        have_prev = {art: set(forvaltningar_with(store, year - 1, art)) if year - 1 in store.years else set()
                     for art in ("budget", "utfall")}
        unsplit_prev = sorted(f for f in fids if (f in have_prev["budget"]) != (f in have_prev["utfall"]))
    # (a rest whose only figure is that budget, of a förvaltning whose deviation of that year it cannot give, is no row)
    rest_figures = [pl.col(c).fill_null(0) != 0 for c in money if c != prev_budget] + (
        [(pl.col(prev_budget).fill_null(0) != 0) & ~pl.col("forvaltning").is_in(unsplit_prev)] if prev_budget else [])
    rest = (
        parents_netto.join(summed, on="_o", how="left")
        .select("_o", "forvaltning", "_parent", "_sign", "redovisas_som",
                *((pl.when(pl.col(f"_u_{c}").fill_null(False)).then(None).otherwise(left[c]) if c in with_facts
                   else left[c]).alias(c) for c in money))
        .filter(pl.any_horizontal(rest_figures))
        .with_columns(_part=pl.lit(None, pl.String))
    )
    if flt:
        rest = rest.clear()
    # a förvaltning without any account (typed per stab in the year file) has no parts: the rest of each of its
    # rows was the row again, `Ej fördelat på kostnadsslag` under each stab, with no forecast (found by a new user)
    rest = rest.filter(~pl.col("forvaltning").is_in(accountless))
    children = pl.concat([placed.with_columns(_rest=pl.lit(False)), rest.with_columns(_rest=pl.lit(True))],
                         how="diagonal_relaxed")
    summa = outer.filter(pl.col("radtyp") == "summa").with_columns(_netto(net))
    totals = {c: (summa[c][0] if summa.height else None) for c in money}
    if flt:  # the rows are sums of the matching parts: so are the totals shares are taken of
        totals = {c: placed[c].sum() if placed.height else None for c in money}
    # where the budget has no account (typed per stab), the rest holds the budget and no utfall: no
    # deviation of its own, or it would be a "deviation" the size of the budget
    # (known from the facts, not from a part without a figure: the part of a row that a year lacks, a stab
    # closed since the year before, has none either, and its förvaltning's other parts are split as ever)
    with_parts = set(placed["forvaltning"].to_list())

    def lacking_facts(col: str) -> pl.Series:  # the förvaltningar with parts but no facts of `col`
        y, field = figures[col][:2]
        have = set(forvaltningar_with(store, y, field.split("_")[0])) if y in store.years else set()
        return pl.Series(sorted(with_parts - have), dtype=pl.String).implode()

    none = pl.Series([], dtype=pl.String).implode()
    # a förvaltning with parts of another year shown only (accounts in 2023, typed per stab in 2024): its rest holds
    # all of the year's budget and utfall, a deviation as known as its rows', shown as a row shown whole shows it (it
    # was –, beside its Summa's 0,3; found in review)
    yearless = (pl.Series(sorted(set(lacking_facts("budget").explode().drop_nulls().to_list())
                                 & set(lacking_facts("utfall").explode().drop_nulls().to_list())), dtype=pl.String)
                .implode() if {"budget", "utfall"} <= set(money) else none)
    budgetless = pl.Series(sorted(set(lacking_facts("budget").explode().drop_nulls().to_list())
                                  - set(yearless.explode().drop_nulls().to_list())), dtype=pl.String).implode() \
        if "budget" in money else none
    derived_figures = [c for c in ("avvikelse", "avvikelse_pct", "avvikelse_pct_exakt") if "budget" in money]
    # likewise a change between a year without accounts (its rest is all of the row) and a year with
    # (its rest is what has no account): a change of two different things, no change of its own
    unsplit = pl.concat([lacking_facts(c) for c in money]).explode().unique().implode()
    changes = ["forandring", "forandring_pct", "forandring_pct_exakt"]
    children = derive(children, totals)
    if prev_budget and f"avvikelse_{year - 1}" in children.columns:  # (the rest of a budget typed per stab)
        children = children.with_columns(pl.when(pl.col("_rest") & pl.col("forvaltning").is_in(unsplit_prev)).then(None)
                                         .otherwise(pl.col(f"avvikelse_{year - 1}")).alias(f"avvikelse_{year - 1}"))
    changes = [c for c in changes if c in children.columns]
    # the rest of a row beside its parts with accounts is no kind of cost: a budget change by decision without
    # utfall (or utfall without budget), whose percent of itself is ±100 % and tells nothing (found by a
    # controller); its deviation stays. Where it is all of a förvaltning's money (typed in YAML) it is a row as any
    remainder = pl.col("_rest") & pl.col("forvaltning").is_in(sorted(with_parts)) & ~pl.col("forvaltning").is_in(yearless)
    percents = [c for c in ("avvikelse_pct", "avvikelse_pct_exakt") if c in children.columns]
    children = (
        children
        .with_columns(pl.when(pl.col("_rest") & pl.col("forvaltning").is_in(budgetless)).then(None)
                      .otherwise(pl.col(c)).alias(c) for c in derived_figures)
        .with_columns(pl.when(remainder).then(None).otherwise(pl.col(c)).alias(c) for c in percents)
        .with_columns(pl.when(pl.col("_rest") & pl.col("forvaltning").is_in(unsplit)).then(None)
                      .otherwise(pl.col(c)).alias(c) for c in changes)
        .with_columns(_name=pl.when(pl.col("_rest")).then(pl.lit(f"Ej fördelat på {part}")).otherwise(part_name),
                      _sub=pl.when(pl.col("_rest")).then(pl.lit(1_000_000)).otherwise(part_order),
                      _k=pl.col("_part"))
        .with_columns(*(ex.presented(c, pl.col("_sign")) for c in net))
    )
    parent_cols = outer.columns
    derived = [c for c in children.columns if c in parent_cols and c not in money]
    kid_rows = children.join(parents.select("_o", *(c for c in parent_cols if c not in (
        *money, *derived, "redovisas_som", "forvaltning"))), on="_o", how="left")
    kid_rows = kid_rows.with_columns(
        radtyp=pl.when(pl.col("_rest")).then(pl.lit(RowKind.del_ej_fordelat.value if nested else "ej_fordelat"))
        .otherwise(pl.lit("del" if nested else "rad")),
        namn=pl.col("_name"), _s=pl.lit(1) if nested else pl.lit(0),
        **{part: pl.col("_k")},
        **{c: pl.lit(None, outer.schema[c]) for c in parent_cols
           if c not in (*money, *derived, "radtyp", "forvaltning", "namn", "redovisas_som", *VIEWS, *cut.keys)},
    )
    if not nested:  # the parts are the rows: no key of the view
        kid_rows = kid_rows.with_columns(pl.lit(None, pl.String).alias(row_key) if row_key != "forvaltning"
                                         else pl.col("forvaltning"))
    out = outer.with_row_index("_o").with_columns(_s=pl.lit(0), _sub=pl.lit(0), **{part: pl.lit(None, pl.String)})
    if flt:
        # (a figure every förvaltning shown has facts of sums to 0 where none matches yet, as `months` shows it)
        known = {c for c in money if figures[c][0] in store.years and set(fids) <= set(
            forvaltningar_with(store, figures[c][0], figures[c][1].split("_")[0]))}
        in_year = {c: [f for f in fids if figures[c][0] in store.years and f in store.years[figures[c][0]].forvaltningar]
                   for c in money}
        # (per figure, the förvaltningar with facts of its year: one shown without them has a sum of the filter
        # unknown, –)
        complete = {c: set(forvaltningar_with(store, figures[c][0], figures[c][1].split("_")[0]))
                    if figures[c][0] in store.years else set() for c in money}
        out = _sums_of_parts(out, placed, money, derive, known, (parts, in_year), complete)
    if nested:
        # (a difference from the förvaltning's summa stays one: it is no stab, whatever its parts; a row of a
        # förvaltning without accounts stays the row it is in the view, with no parts below it)
        out = out.with_columns(radtyp=pl.when(pl.col("radtyp").is_in(parent_kinds)
                                              & (pl.col("radtyp") != RowKind.differens.value)
                                              & ~pl.col("forvaltning").is_in(accountless)).then(pl.lit("radsumma"))
                               .otherwise(pl.col("radtyp")))
    else:
        # subtotals where several förvaltningar are shown (with a filter: have parts that match)
        several = (out.filter(pl.col("radtyp") == "forvaltning")["forvaltning"].n_unique() if flt else len(fids)) > 1
        # a förvaltning without accounts stands whole, as `--by forvaltning` shows it (its own name, its forecast), with
        # no part and no subtotal of itself
        subtotal = (pl.col("radtyp") == "forvaltning") & ~pl.col("forvaltning").is_in(accountless)
        out = (out.filter(~subtotal) if not several else
               out.with_columns(radtyp=pl.when(subtotal).then(pl.lit("delsumma")).otherwise(pl.col("radtyp")),
                                namn=pl.when(subtotal).then(pl.lit("Summa ") + pl.col("forvaltning"))
                                .otherwise(pl.col("namn")),
                                _s=pl.when(subtotal).then(pl.lit(2)).otherwise(pl.lit(0))))
        # keyed as the views key them: the total `Summa` in the key column (no förvaltning), a
        # förvaltning's subtotal its id
        kind = pl.col("radtyp")
        out = out.with_columns(**{part: pl.when(kind == "summa").then(pl.lit("Summa"))
                                  .when(kind == "delsumma").then(pl.col("forvaltning")).otherwise(pl.col(part))},
                               forvaltning=pl.when(kind == "summa").then(pl.lit(None, pl.String))
                               .otherwise(pl.col("forvaltning")))
    notes: tuple[str, ...] = ()
    left: list[str] = []  # with a filter: the förvaltningar shown without it that keep nothing (as months says)
    if flt:
        kept = {f for y in {figures[c][0] for c in money} if y in store.years
                for f in forvaltningar_matching(store, y, fids, flt)}
        left = [f for f in fids if f not in kept]
        if left:
            notes += (flt.left_out(left),)
    for col in money:
        y, field = figures[col][:2]
        if col == "budget_helar" or col in GROSS or col == prev_budget:  # said with the budget's and the utfall's
            continue
        have = set(forvaltningar_with(store, y, field)) if y in store.years else set()
        lacking = sorted(set(parents["forvaltning"].to_list()) - have - set(left) - set(accountless)
                         - (set() if col == "budget" else {None}))
        # (a förvaltning the year does not have, only the other year of a comparison, lacks nothing of it)
        lacking = [f for f in lacking if y in store.years and f in store.years[y].forvaltningar]
        if col == "budget":  # a förvaltning without any parts has none to show "–" in (one with facts of another year
            # shown has: KSF with accounts in 2023 and typed per stab in 2024 got a note on its utfall alone; found in
            # review)
            lacking = [f for f in lacking if f in with_parts]
        if lacking and col == "budget":  # (a budget of 0 leaves no row of its own)
            typed = set(parents.filter(pl.col("budget").is_not_null())["forvaltning"].to_list())
            rested = set(rest["forvaltning"].to_list()) & set(lacking)
            where = "utelämnas" if flt else f"står på raden Ej fördelat på {part}" if rested else "är 0"
            # (a --top list says each note only of förvaltningar it lists: `WholeRowsNote.shown_in`; found in review;
            # the budget's says why such a row is listed whole, `Ekonomistab: hela raden`, and stands with it)
            if ids := [f for f in lacking if f in typed]:
                notes += (WholeRowsNote(f"Budgeten för {', '.join(ids)} är skriven i årsfilen, inte per konto: budget "
                                        f"och avvikelse per {part} visas som –, och budgeten {where}.", tuple(ids),
                                        "Budgeten för "),)  # (any row: it says why a row is listed whole)
            if ids := [f for f in lacking if f not in typed]:
                notes += (WholeRowsNote(f"{', '.join(ids)} har ingen budget {y}: budget och avvikelse visas som –.",
                                        tuple(ids)),)
        elif lacking:  # its amounts are the rest of its rows (a filter keeps no amount without account)
            # (a förvaltning with no such figure at all, no utfall yet: nothing stands on a row of it)
            given = set(parents.filter(pl.col(col).is_not_null())["forvaltning"].to_list())
            absent = [f for f in lacking if f not in given]
            lacking = [f for f in lacking if f in given]
            what = col.replace('_', ' ').capitalize()
            if absent:
                notes += (WholeRowsNote(f"{what} saknas för {', '.join(absent)}: {'dess' if len(absent) == 1 else 'deras'} "
                                        "rader visar –.", tuple(absent), f"{what} saknas för "),)
            if lacking:
                where = "utelämnas" if flt else f"står på raden Ej fördelat på {part}"
                notes += (WholeRowsNote(f"{what} för {', '.join(lacking)} finns inte med konto: det {where}.",
                                        tuple(lacking), f"{what} för ", rest=not flt),)
    if prev_budget and (ids := [f for f in unsplit_prev if f in with_parts and f not in left and f not in accountless]):
        y = year - 1
        why = ("budgeten" if all(f not in have_prev["budget"] for f in ids) else
               "utfallet" if all(f not in have_prev["utfall"] for f in ids) else "budgeten eller utfallet")
        notes += (ColumnNote(f"Avvikelse {y} för {', '.join(ids)} visas inte per {part} (–): {why} {y} finns inte med "
                             "konto, bara per rad i årsfilen.", f"avvikelse_{y}"),)
    notes += _accountless_note(store, shown_years, parents, accountless, view, part, "budget" in money)
    if part == "kostnadsslag" or flt.kostnadsslag:  # every year's accounts grouped as `year` groups them
        for y in sorted({figures[c][0] for c in money} - {year}):
            notes += regrouped_note(store, year, y, fids, flt, [c for c in money if figures[c][0] == y])
    if flt:
        kept = filter_words(flt, store.year(year).kostnadsslag)
        notes += (Caveat(f"Endast {kept}: summorna är summor av dessa konton, utan belopp som inte har "
                         "konto."),)
    columns = [c for c in parent_cols if c not in (part,)]
    key_at = columns.index("namn")
    columns = [*columns[:key_at], part, *columns[key_at:]]
    frame = pl.concat([out.select("_o", "_s", "_sub", pl.col(part).alias("_k"), *columns),
                       kid_rows.select("_o", "_s", "_sub", "_k", *columns)], how="diagonal_relaxed")
    frame = frame.sort("_o", "_s", "_sub", "_k", nulls_last=True)
    if cut.nested and not (flt and cut.part is None):
        # every row of a row's block carries that row's name beside its key (`stab_namn`: Ekonomistab beside EKO), so
        # that a part read in csv, json or Excel, or listed by --top, says whose it is (a part's `namn` is its own:
        # `Personalkostnader` under `Stab BOU` told no one which stab BOU is; found by a controller)
        named_as = f"{row_key}_namn"
        frame = frame.join(outer.with_row_index("_o").select(
            "_o", pl.when(pl.col("radtyp").is_in(parent_kinds)).then(pl.col("namn")).alias(named_as)), on="_o", how="left")
        columns.insert(columns.index(row_key) + 1, named_as)
    if part == "kostnadsslag" and period:  # (one key: the parts are a förvaltning's rows)
        frame = _part_answers(store, year, period, key if nested else "forvaltning", frame, "del" if nested else "rad",
                              against)
    if flt and cut.part is None:  # only the view's rows, as sums of the facts that match, of the kind they are
        # in the view (a förvaltning shown as one row stays `forvaltning`, ej fördelat `ej_fordelat`)
        kinds = dict(enumerate(outer["radtyp"].to_list()))
        if "kommentar" in frame.columns:  # a row's comment explains all of it: its parts' own comments instead
            own = (frame.filter(pl.col("radtyp") == "del").group_by("_o")
                   .agg(_own=pl.col("kommentar").drop_nulls().str.join(" / ")))
            whole = pl.col("radtyp") == "radsumma"
            if not frame.filter(whole & pl.col("kommentar").is_not_null()).is_empty():
                answered = "; en kommentar som svaren ger för kostnadsslaget visas" if flt.kostnadsslag else ""
                notes += (ColumnNote(f"Radernas kommentarer gäller hela raden och visas inte här, där bara "
                                     f"{filter_words(flt, store.year(year).kostnadsslag)} räknas{answered}.", "kommentar"),)
            frame = (frame.join(own, on="_o", how="left")
                     .with_columns(kommentar=pl.when(whole).then(pl.when(pl.col("_own") != "").then("_own"))
                                   .otherwise("kommentar")).drop("_own"))
        if "prognos" in frame.columns and flt.kostnadsslag and not flt.konto:
            frame = _forecast_of_parts(frame)
        frame = frame.filter(~pl.col("radtyp").is_in(["del", RowKind.del_ej_fordelat.value])).with_columns(
            radtyp=pl.when(pl.col("radtyp") == "radsumma")
            .then(pl.col("_o").replace_strict(kinds, default=None, return_dtype=pl.String))
            .otherwise(pl.col("radtyp"))).select(columns).drop(part)
        if "prognos" in frame.columns and flt.kostnadsslag and not flt.konto:
            frame = _forecast_sums(frame)
    else:
        if flt and "kommentar" in frame.columns:
            # a row's comment explains all of it, as above: under a filter its row shows some accounts only (`--by konto
            # --stab DIG --kostnadsslag personal` put DIG's licence costs beside its salaries; found in review, h137);
            # its parts' own comments (the answers per kostnadsslag) stay on the parts
            whole = pl.col("radtyp") == "radsumma"
            said = (_row_answers(store, year, period, key, frame.filter(whole), flt)
                    if not parent and part != "kostnadsslag" else None)  # (by kostnadsslag: the part has it)
            if not frame.filter(whole & pl.col("kommentar").is_not_null()).is_empty():
                answered = "; en kommentar som svaren ger för kostnadsslaget visas" if (
                    part == "kostnadsslag" and not frame.filter((pl.col("radtyp") == "del")
                                                                & pl.col("kommentar").is_not_null()).is_empty()
                    or said is not None) else ""
                notes += (ColumnNote(f"Radernas kommentarer gäller hela raden och visas inte här, där bara "
                                     f"{filter_words(flt, store.year(year).kostnadsslag)} räknas{answered}.", "kommentar"),)
            frame = frame.with_columns(kommentar=pl.when(whole).then(None).otherwise(pl.col("kommentar")))
            if said is not None:  # the row is the part of its one kostnadsslag: the answer for it is the row's
                frame = (frame.join(said, on="_o", how="left")
                         .with_columns(kommentar=pl.when(whole).then("_said").otherwise("kommentar")).drop("_said"))
        frame = frame.select(columns)
    return frame, notes


def _row_answers(store: Store, year: int, period: int | None, key: str, rows: pl.DataFrame,
                 flt: LedgerFilter) -> pl.DataFrame | None:
    """Per row of `rows` (a cut's `radsumma` rows under a filter of one kostnadsslag and no account: each row is that
    kostnadsslag's part of it) the answer the month's forms gave for that kostnadsslag (`_o`, `_said`), as the table
    of the rows alone shows it (`--stab HR --kostnadsslag personal --comments` showed HR's answer for personal, and
    `--by konto` with the same filter no comment at all: found in review, session 35); None where there is none or
    the filter is not of one kostnadsslag alone."""
    if period is None or len(flt.kostnadsslag) != 1 or flt.konto or rows.is_empty():
        return None
    probe = rows.select("_o", "forvaltning", *([key] if key != "forvaltning" else []), "radtyp",
                        kostnadsslag=pl.lit(flt.kostnadsslag[0]), kommentar=pl.lit(None, pl.String))
    said = _part_answers(store, year, period, key, probe, "radsumma").select("_o", _said=pl.col("kommentar"))
    return said if said["_said"].is_not_null().any() else None


def _accountless(store: Store, years: set[int], fids: list[str]) -> list[str]:
    """The förvaltningar of `fids` with no fact of any of `years`: their budget and utfall are typed in the
    year file, without accounts, so a cut by kostnadsslag or konto has nothing to split their rows into."""
    having = {f for y in years if y in store.years for f in forvaltningar_with(store, y)}
    return [f for f in fids if f not in having]


class WholeRowsNote(Caveat):
    """A note on rows of the förvaltningar `fids`, named in it after `before` (the rows a cut shows whole, of
    förvaltningar without accounts; a figure they lack by account): a `--top` list says it only of those it lists
    (`shown_in`), and one on their part without account (`rest`: `… det står på raden Ej fördelat på kostnadsslag`)
    only where it lists that part."""

    def __new__(cls, text: str, fids: tuple[str, ...] = (), before: str = "",
                rest: bool = False) -> "WholeRowsNote":  # (text first: as any note is remade)
        note = super().__new__(cls, text)
        note.fids, note.before, note.rest = tuple(fids), before, rest
        return note

    def shown_in(self, listed: pl.DataFrame) -> "WholeRowsNote | None":
        """The note of the förvaltningar with a row in the `--top` list `listed` (`largest`; with `rest`, a part
        without account) alone; None where it names none."""
        rows = listed.filter(listed_rest()) if self.rest and "utan_konto" in listed.columns else listed
        have = set(rows["forvaltning"].drop_nulls().to_list()) if "forvaltning" in rows.columns else set()
        kept = [f for f in self.fids if f in have]
        if not self.fids or len(kept) == len(self.fids):
            return self
        if not kept:
            return None
        after = self[len(self.before) + len(", ".join(self.fids)):]
        if len(kept) == 1:  # (`deras rader` of one)
            after = after.replace(": deras rader", ": dess rader", 1)
        return WholeRowsNote(self.before + ", ".join(kept) + after, tuple(kept), self.before, self.rest)


def _accountless_note(store: Store, years: set[int], parents: pl.DataFrame, accountless: list[str], view: By,
                      part: str, budget: bool = True) -> tuple:
    """The note on the förvaltningar whose rows a cut shows whole, without parts: why (their figures are
    typed in the year file, per stab or verksamhet or for the förvaltning, without accounts). `budget`: the
    table shows a budget (`compare`'s has utfall only, and its note speaks of that alone)."""
    if not accountless:
        return ()
    # (of every year shown: a förvaltning of the base year alone was said to be typed "för hela förvaltningen",
    # beside its staber; found in review)
    typed = store.amounts.filter(pl.col("ar").is_in(sorted(years)) & pl.col("forvaltning").is_in(accountless))
    views = {f: set(v) for f, v in typed.group_by("forvaltning").agg(pl.col("vy").unique()).iter_rows()}
    rows = dict(parents.group_by("forvaltning").len().iter_rows())
    said: dict[tuple[str, str], list[str]] = {}
    for fid in accountless:
        per = [v for v in ("stab", "verksamhet") if v in views.get(fid, ())]
        per = [view.value] if view.value in per else per  # (the view shown, where the förvaltning is typed so)
        where = f"per {' och per '.join(per)}" if per else "för hela förvaltningen"
        said.setdefault((where, "raderna" if rows.get(fid, 0) > 1 else "raden"), []).append(fid)
    # (compare's note said "budget och utfall" under a table of utfall only: found in review)
    typed_what = "budget och utfall är skrivna" if budget else "utfallet är skrivet"
    return tuple(WholeRowsNote(f"{', '.join(ids)} har inga konton: {typed_what} {where} i årsfilen, så {shown} delas "
                               f"inte upp per {part}.", tuple(ids)) for (where, shown), ids in said.items())


def _forecast_of_parts(frame: pl.DataFrame) -> pl.DataFrame:
    """With a kostnadsslag filter, a row (`radsumma`, its parts `del` below it) forecast as its parts are:
    where the answers give a forecast for each kostnadsslag kept (`_part_answers`), the row's forecast
    and its deviation are theirs summed, made in their month where they were made in one. A part
    without one leaves the row's unknown (–); the totals are their rows' summed (`_forecast_sums`)."""
    parts = pl.col("radtyp") == "del"
    known = [c for c in ("prognos", "prognos_avvikelse") if c in frame.columns]
    sums = frame.filter(parts).group_by("_o").agg(
        *(pl.when(pl.col(c).is_not_null().all()).then(pl.col(c).sum()).alias(f"_{c}") for c in known),
        *([pl.when(pl.col("prognos_period").is_not_null().all() & (pl.col("prognos_period").n_unique() == 1))
           .then(pl.col("prognos_period").first()).alias("_prognos_period")] if "prognos_period" in frame.columns else []))
    whole = pl.col("radtyp") == "radsumma"
    filled = [c for c in (*known, "prognos_period") if c in frame.columns]
    return (frame.join(sums, on="_o", how="left")
            .with_columns(pl.when(whole).then(pl.col(f"_{c}")).otherwise(pl.col(c)).alias(c) for c in filled)
            .drop(*(f"_{c}" for c in filled)))


def _forecast_sums(frame: pl.DataFrame) -> pl.DataFrame:
    """With a kostnadsslag filter, a förvaltning's subtotal and the total forecast as their rows are (`_forecast_of_parts`):
    where every row below a sum has a forecast, the sum's deviation is theirs summed (a deviation has the same sign as
    nettokostnad and as resultat) and its forecast follows from its budget for the year, as the sum is presented; else
    it stays unknown (–).
    `--stab EKO --kostnadsslag personal` showed EKO's forecast 10 000 tkr and `Summa` – beside it, with no note
    (found trying the month-end close as a controller, h146)."""
    if not {"radtyp", "forvaltning", "budget_helar", "prognos", "prognos_avvikelse"} <= set(frame.columns):
        return frame
    kind = pl.col("radtyp")
    rows = frame.filter(kind.is_in(PARENTS))  # (not a --gross line of a row: `varav kostnader` has no forecast)
    dated = "prognos_period" in frame.columns

    def summed(part: pl.DataFrame) -> tuple[int | None, str | None]:
        if part.is_empty() or part["prognos_avvikelse"].null_count():
            return None, None
        months = part["prognos_period"].unique().to_list() if dated else []
        return int(part["prognos_avvikelse"].sum()), months[0] if len(months) == 1 else None

    sums = {f: summed(rows.filter(pl.col("forvaltning") == f))
            for f in frame.filter(kind == RowKind.delsumma.value)["forvaltning"].drop_nulls().unique().to_list()}
    total = summed(rows)
    key = pl.when(kind == RowKind.summa.value).then(pl.lit("\0")).otherwise(pl.col("forvaltning"))
    known = pl.DataFrame({"_key": ["\0", *sums], "_avvikelse": [total[0], *(v[0] for v in sums.values())],
                          "_period": [total[1], *(v[1] for v in sums.values())]},
                         schema={"_key": pl.String, "_avvikelse": pl.Int64, "_period": pl.String})
    resultat = (pl.col("redovisas_som") == "resultat") if "redovisas_som" in frame.columns else pl.lit(False)
    fill = kind.is_in([RowKind.delsumma.value, RowKind.summa.value]) & pl.col("prognos").is_null() \
        & pl.col("budget_helar").is_not_null() & pl.col("_avvikelse").is_not_null()
    frame = frame.with_columns(_key=key).join(known, on="_key", how="left", maintain_order="left").with_columns(
        # (budget − prognos of a nettokostnad, prognos − budget of a resultat: `Summa resultat` of SERV alone)
        prognos=pl.when(fill & resultat).then(pl.col("budget_helar") + pl.col("_avvikelse"))
        .when(fill).then(pl.col("budget_helar") - pl.col("_avvikelse")).otherwise("prognos"),
        prognos_avvikelse=pl.when(fill).then("_avvikelse").otherwise("prognos_avvikelse"),
        **({"prognos_period": pl.when(fill).then("_period").otherwise("prognos_period")} if dated else {}))
    return frame.drop("_key", "_avvikelse", "_period")


def _part_answers(store: Store, year: int, month: int, key: str, frame: pl.DataFrame,
                  kind: str = "del", against: int | None = None) -> pl.DataFrame:
    """What the budget holders gave per kostnadsslag in the month's forms (the answers'
    `kostnadsslag:`) on the parts of their rows: the comment (with a `kommentar` column) that explains
    a deviation by kind of cost, and the part's forecast for the year (with a `prognos` column; its
    month, and its deviation from the part's budget for the year). A form of a förvaltning without
    staber (its summa) answers for the förvaltning's row in every view; per förvaltning, its staber's
    comments follow, each named by its stab (their forecasts are the staber's, not the förvaltning's)."""
    names = dict(store.amounts.filter((pl.col("ar") == year) & (pl.col("vy") == "stab"))
                 .select(pl.concat_str("forvaltning", "nyckel", separator="\0"), "namn").iter_rows())
    comments = "kommentar" in frame.columns
    forecasts = "prognos" in frame.columns
    said = []  # the month's comments; the latest forecast made up to the month, as a row's is
    for a in store.year(year).svar:
        if a.manad > month:
            continue
        for kid, prognos, text in a.delar:
            text = text if comments and a.manad == month else None
            prognos = prognos if forecasts else None
            if a.vy == "summa":
                said.append((a.forvaltning, a.forvaltning, kid, text, prognos, a.manad, 0))
            elif key == "forvaltning" and a.vy == "stab" and text:
                said.append((a.forvaltning, a.forvaltning, kid,
                             f"{names.get(a.forvaltning + chr(0) + a.nyckel) or a.nyckel}: {text}", None, a.manad, 1))
            elif a.vy == key:
                said.append((a.forvaltning, a.nyckel, kid, text, prognos, a.manad, 0))
    said = [s for s in said if s[3] or s[4] is not None]
    if not said:
        return frame
    if against is not None and "jmf_prognos" in frame.columns:  # --against: the part's forecast made up to then
        frame = _part_against(frame, said, key, kind, against)
    latest = pl.col("_delmanad").filter(pl.col("_delprognos").is_not_null())
    given = (pl.DataFrame(said, schema={"forvaltning": pl.String, "_key": pl.String, "kostnadsslag": pl.String,
                                        "_delkommentar": pl.String, "_delprognos": pl.Int64, "_delmanad": pl.Int8,
                                        "_order": pl.Int8}, orient="row")
             .with_row_index("_n").sort("_order", "_n")
             .group_by("forvaltning", "_key", "kostnadsslag", maintain_order=True)
             .agg(pl.col("_delkommentar").drop_nulls().str.join(" / "),
                  pl.col("_delprognos").filter(pl.col("_delmanad") == latest.max()).drop_nulls().first(),
                  latest.max().alias("_delmanad"))
             .with_columns(_delkommentar=pl.when(pl.col("_delkommentar") != "").then("_delkommentar")))
    on = ["forvaltning", "kostnadsslag"]
    if key == "forvaltning":
        given = given.drop("_key")
    else:
        given, on = given.rename({"_key": key}), [*on, key]
    part = (pl.col("radtyp") == kind) & pl.col("_delprognos").is_not_null()
    # as the förvaltning presents it (a forecast is kept so): positive = överskott in either presentation
    sign = pl.when(pl.col("redovisas_som") == "resultat").then(-1).otherwise(1)
    frame = frame.join(given, on=on, how="left", nulls_equal=False)
    if comments:
        frame = frame.with_columns(kommentar=pl.when(pl.col("radtyp") == kind)
                                   .then(pl.coalesce("_delkommentar", "kommentar")).otherwise(pl.col("kommentar")))
    if forecasts:
        frame = frame.with_columns(
            prognos=pl.when(part).then("_delprognos").otherwise("prognos"),
            **({"prognos_period": pl.when(part).then(pl.format(f"{year}-{{}}", pl.col("_delmanad").cast(pl.String)
                                                                  .str.zfill(2))).otherwise("prognos_period")}
               if "prognos_period" in frame.columns else {}),
            **({"prognos_avvikelse": pl.when(part).then(sign * (pl.col("budget_helar") - pl.col("_delprognos")))
                .otherwise("prognos_avvikelse")} if "prognos_avvikelse" in frame.columns else {}))
    if "avvikelse_forandring" in frame.columns:  # the change since the forecast compared against, as a row's
        current = pl.col("prognos_avvikelse") if month < 12 else pl.col("avvikelse")
        frame = frame.with_columns(avvikelse_forandring=pl.when(pl.col("radtyp") == kind)
                                   .then(current - pl.col("jmf_avvikelse")).otherwise("avvikelse_forandring"))
    return frame.drop("_delkommentar", "_delprognos", "_delmanad")


def _part_against(frame: pl.DataFrame, said: list[tuple], key: str, kind: str, against: int) -> pl.DataFrame:
    """The parts' `jmf_prognos` (the latest forecast of the part made up to the month compared
    against), its deviation from the part's budget for the year, and the change since, as the
    rows have them (positive = better, in either presentation)."""
    then = [(f, k, kid, prognos, m) for f, k, kid, _, prognos, m, _ in said if prognos is not None and m <= against]
    if not then:
        return frame
    given = (pl.DataFrame(then, schema={"forvaltning": pl.String, "_key": pl.String, "kostnadsslag": pl.String,
                                        "_jmf": pl.Int64, "_jmfmanad": pl.Int8}, orient="row")
             .sort("_jmfmanad").group_by("forvaltning", "_key", "kostnadsslag").agg(pl.col("_jmf").last()))
    on = ["forvaltning", "kostnadsslag"]
    given = given.drop("_key") if key == "forvaltning" else given.rename({"_key": key})
    on = on if key == "forvaltning" else [*on, key]
    part = (pl.col("radtyp") == kind) & pl.col("_jmf").is_not_null()
    sign = pl.when(pl.col("redovisas_som") == "resultat").then(-1).otherwise(1)
    frame = frame.join(given, on=on, how="left", nulls_equal=False).with_columns(
        jmf_prognos=pl.when(part).then("_jmf").otherwise("jmf_prognos"),
        jmf_avvikelse=pl.when(part).then(sign * (pl.col("budget_helar") - pl.col("_jmf"))).otherwise("jmf_avvikelse"))
    return frame.drop("_jmf")


def regrouped_note(store: Store, year: int, other: int, fids: list[str], flt: LedgerFilter,
                   columns: list[str]) -> tuple:
    """A note on `columns` (the figures of `other`, a year shown beside `year`) where `other`'s facts are grouped
    by `year`'s kostnadsslag and `other`'s file defines them otherwise (found by a review: the same 2023 figures
    grouped two ways, 79,2 here and 52,8 in 2023's table); only where that year's förvaltningar shown have
    accounts to group. With a kostnadsslag filter only the groups it keeps matter."""
    kept = set(flt.kostnadsslag)

    def grouping(y: int) -> set:
        return {(g.id, frozenset(g.prefix)) for g in store.year(y).kostnadsslag if not kept or g.id in kept}

    with_accounts = other in store.years and set(forvaltningar_with(store, other)) & set(fids)
    if not (with_accounts and columns) or grouping(other) == grouping(year):
        return ()
    return (ColumnNote(f"Beloppen för {other} är fördelade på kostnadsslagen så som {year} års fil definierar dem; "
                       f"filen för {other} definierar dem annorlunda, så {other} års egna tabeller kan visa andra "
                       "belopp per kostnadsslag.", *columns),)


def _sums_of_parts(out: pl.DataFrame, placed: pl.DataFrame, money: list[str], derive,
                   known: set[str] = frozenset(), facts: tuple[pl.DataFrame, dict] | None = None,
                   complete: dict[str, set[str]] | None = None) -> pl.DataFrame:
    """With a konto/kostnadsslag filter: each row of the view, its förvaltning's subtotal and the Summa
    as the sums of the parts that match (nettokostnad, then presented); rows without parts go (and a
    subtotal of a förvaltning without any), and figures the facts cannot give (a forecast) are left empty.
    A figure in `known` (every förvaltning shown has facts of it) is 0 in the Summa where no part matches.
    `facts` (every part that matches, on a row of the view or not, and per column the förvaltningar its year has):
    a figure they know and sum to 0 is 0 in the Summa where no part shown has it (`_matching_nothing`).
    `complete`: per figure, the förvaltningar whose facts its year has (None: all); the Summa is completed with a
    förvaltning's money that no row of the view holds only where every förvaltning shown of that year is one."""
    with_parts = placed["forvaltning"].unique()
    per_row = placed.group_by("_o").agg(*(ex.exact_sum(c).alias(f"_{c}") for c in money), _has=pl.lit(True))
    # a part is – where its row has no figure of a year (a stab of the other year's file only, after a
    # reorganisation); the sums count it as the view's sums count its row: 0 where the view's sum is known, and the
    # Summa is – only where no part shown has the figure (`Summa BUF` and `Summa konto 4` were – in both years beside
    # the view's 375,8 and 390,1; found in review)
    kind = pl.col("radtyp")
    view_sums = out.filter(kind.is_in(["delsumma", "forvaltning", "summa"]))
    whole = {c: view_sums.filter(kind == "summa")[c].is_not_null().any() for c in money if c not in GROSS}
    # (a förvaltning shown as one row beside its rows of the year before is known by its subtotal, which sums both:
    # `--by verksamhet --konto 3`'s Summa T1 of 2023 was – beside the view's; found by the invariant hunt, h134)
    subtotalled = view_sums.filter(kind == "delsumma")["forvaltning"].implode()
    of_fid = view_sums.filter((kind == "delsumma") | ((kind == "forvaltning") & ~pl.col("forvaltning").is_in(subtotalled)))
    of_fid = of_fid.group_by("forvaltning").agg(
        *(pl.col(c).is_not_null().all().alias(f"_k_{c}") for c in whole))
    # (only a part whose row lacks the year: a part of a row the view has a figure of is unknown for a reason of its
    # own, a budget typed per stab in the year file and not per konto, and its sums stay –; `Summa KSF` was a budget
    # of 0 and a deviation of -110 beside its stab's –; found in review)
    rowless = out.select("_o", *(pl.col(c).is_null().alias(f"_r_{c}") for c in whole))
    counted = placed.join(of_fid, on="forvaltning", how="left").join(rowless, on="_o", how="left")

    def as_view(c: str) -> pl.Expr:  # the part's figure, 0 where its row lacks the year
        return pl.when(pl.col(c).is_null() & pl.col(f"_r_{c}").fill_null(False)).then(0).otherwise(pl.col(c))

    per_fid = counted.group_by("forvaltning").agg(*(
        (ex.exact_sum(c) if c not in whole else
         pl.when(pl.col(f"_k_{c}").fill_null(whole[c]).all()).then(ex.exact_sum_of(as_view(c)))
         .otherwise(ex.exact_sum(c))).alias(f"_{c}_f") for c in money))
    nothing = _matching_nothing(placed, facts, money)
    overall = counted.select(*((ex.exact_sum(c).fill_null(0) if placed.is_empty() and c in known
                                # (or where the förvaltningar with parts have facts of the year, none that match:
                                # 0, as `--by konto` and compare's subtotal have it; `--konto 5`'s Summa of 2023
                                # was – where its one stab is new; found by an invariant hunter)
                                else pl.when(pl.col(c).is_not_null().any() | pl.lit(c in nothing))
                                .then(ex.exact_sum_of(as_view(c)))
                                if whole.get(c) else ex.exact_sum(c))
                               .alias(f"_{c}_t") for c in money))
    # a förvaltning whose money of a year no row of the view holds (verksamheter this year and none the year before:
    # the view has that year's money on its subtotal alone) has all its parts of that year on its subtotal and in
    # the Summa (`compare 2023 2024 --by verksamhet --konto 3` had Summa T1 0 and Summa – of 2023 beside `--by
    # stab`'s -300; found by the invariant hunt, h134)
    if facts is not None and whole:
        rowed = out.filter(kind.is_in(["rad", "ej_fordelat", "forvaltning"]))  # (one shown as one row: its row)
        subtotals = out.filter(kind == "delsumma")
        alone = out.filter(kind != "summa")["forvaltning"].drop_nulls().unique()
        if subtotals.is_empty() and alone.len() == 1:  # (one förvaltning: its subtotal is the Summa; `compare 2023
            # 2024 --by verksamhet --konto 5` of T0 alone had Summa 0 of 2023 beside --by stab's 1; found by the
            # invariant hunt, h137)
            subtotals = out.filter(kind == "summa").with_columns(forvaltning=pl.lit(alone[0]))
        fixes = []
        for c in whole:
            unrowed = set(subtotals.filter(pl.col(c).is_not_null())["forvaltning"].to_list()) - set(
                rowed.filter(pl.col(c).is_not_null())["forvaltning"].to_list())
            found = facts[0].filter(pl.col("forvaltning").is_in(sorted(unrowed))).group_by("forvaltning").agg(
                ex.exact_sum(c)).drop_nulls(c)
            if found.height:
                fixes.append((c, found.select("forvaltning", pl.col(c).alias(f"_{c}_x"))))
                # (not where a förvaltning shown has no facts of the year, typed in its file: its part of the Summa
                # is unknown, as `--by stab`'s Summa has it; `--by verksamhet --konto 3`'s Summa of 2023 was -300
                # under the note 'Utfall 2023 är – för T2 och för summorna med den'; found in review, h137)
                shown = (set(with_parts.to_list()) | set(found["forvaltning"].to_list())) & set(facts[1][c])
                if complete is None or shown <= complete[c]:
                    overall = overall.with_columns(pl.col(f"_{c}_t").fill_null(0) + found[c].sum())
        for c, found in fixes:
            per_fid = per_fid.join(found, on="forvaltning", how="full", coalesce=True).with_columns(
                pl.coalesce(f"_{c}_x", f"_{c}_f").alias(f"_{c}_f")).drop(f"_{c}_x")
            with_parts = pl.concat([with_parts, found["forvaltning"]]).unique()
    totals = {c: overall[f"_{c}_t"][0] if overall.height else None for c in money}
    sign = pl.when(pl.col("redovisas_som") == "resultat").then(-1).otherwise(1)
    figures = ("prognos", "budget_helar", "prognos_avvikelse", "prognos_period", "jmf_prognos", "jmf_avvikelse",
               "avvikelse_forandring")
    joined = (
        out.join(per_row, on="_o", how="left").join(per_fid, on="forvaltning", how="left").join(overall, how="cross")
        # a förvaltning's subtotal only where it has parts that match (else an empty `Summa R` row), and
        # only beside another's (one förvaltning left: its subtotal is the Summa)
        .filter(pl.col("_has").fill_null(False) | (pl.col("radtyp") == "summa")
                | ((pl.col("radtyp") == "delsumma") & pl.col("forvaltning").is_in(with_parts.implode())
                   & pl.lit(with_parts.len() > 1)))
        .with_columns(*(pl.when(pl.col("radtyp") == "summa").then(pl.col(f"_{c}_t"))
                        .when(pl.col("radtyp") == "delsumma").then(pl.col(f"_{c}_f"))
                        .otherwise(pl.col(f"_{c}")).alias(c) for c in money))
    )
    # the Summa as the förvaltningar left present it: of resultat units alone it is a resultat, as
    # `--forvaltning R` shows it (else a Summa nettokostnad of opposite sign, without a word)
    kinds = joined.filter(pl.col("_has").fill_null(False))["redovisas_som"].drop_nulls().unique()
    if kinds.len() == 1:
        joined = joined.with_columns(redovisas_som=pl.when(pl.col("radtyp") == "summa").then(pl.lit(kinds[0]))
                                     .otherwise(pl.col("redovisas_som")))
    done = derive(joined.with_columns(_sign=sign), totals).with_columns(
        *(pl.lit(None, out.schema[c]).alias(c) for c in figures if c in out.columns and c not in money))
    done = done.with_columns(*(ex.presented(c, sign) for c in money if c not in GROSS))
    return done.select(out.columns)


def _matching_nothing(placed: pl.DataFrame, facts: tuple[pl.DataFrame, dict] | None, money: list[str]) -> set[str]:
    """The columns whose matching facts, of every förvaltning with parts shown that its year has, are known and
    sum to 0 (facts of the year, none that match the filter): their Summa is 0, not unknown. A förvaltning whose
    matching facts of the year no row of the view holds (booked without verksamhet that year) sums to other than
    0, and its Summa stays –."""
    if facts is None or placed.is_empty():
        return set()
    every, in_year = facts
    shown = set(placed["forvaltning"].to_list())
    out = set()
    for c in money:
        mine = every.filter(pl.col("forvaltning").is_in(sorted(shown & set(in_year[c]))))[c]
        if shown & set(in_year[c]) and mine.len() and not mine.null_count() and not (mine != 0).any():
            out.add(c)
    return out


def named_parts(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with each part named with the row it belongs to (`Ekonomistab: Personalkostnader`):
    the nearest `radsumma` above it. Without parts, rows of several förvaltningar get its id."""
    if (frame["radtyp"] == "radsumma").any():
        parent = pl.col("namn")
        if "verksamhet" in frame.columns:  # a verksamhet by its code, as the table names it (`920 - Gemensamma
            # verksamheter: Personalkostnader`; the list had the name alone: found in review, h139)
            parent = pl.when(pl.col("radtyp").is_in(["radsumma", *WHOLE]) & coded_verksamhet()).then(
                pl.col("verksamhet") + pl.lit(" - ") + parent).otherwise(parent)
        # (the rows shown whole, of a förvaltning without accounts, are rows too: a code they share with another
        # förvaltning's row is told apart as theirs is; found in review)
        rows = frame.filter(pl.col("radtyp").is_in(["radsumma", *WHOLE]))
        several = "forvaltning" in frame.columns and rows["forvaltning"].drop_nulls().n_unique() > 1
        view = next((k for k in ("stab", "verksamhet") if k in frame.columns), None)
        if "stab" not in frame.columns and "forvaltning" in frame.columns and \
                rows.group_by("namn").agg(pl.col("forvaltning").n_unique() > 1)["forvaltning"].any():
            # (920 - Gemensamma of KLF and of SERV; not a förvaltning's own name)
            parent = pl.col("forvaltning") + pl.lit(" ") + parent
        elif several and view is not None:  # each förvaltning's "Ej fördelat på stab" named with it (found in review;
            # where every row is named so already, not twice: found in review)
            parent = pl.when(pl.col(view).str.starts_with("ej fördelat (")).then(
                pl.col("forvaltning") + pl.lit(" ") + parent).otherwise(parent)
        row = pl.col("radtyp") == "radsumma"
        named = parent
        parent = pl.when(row).then(parent).forward_fill()
        part = pl.col("radtyp").is_in(["del", RowKind.del_ej_fordelat.value])
        # the row itself as its parts name it (`SERV Intäkter`: each förvaltning has one), for --fail-over; so is
        # a row shown whole, without parts (of a förvaltning without accounts)
        return frame.with_columns(namn=pl.when(part).then(parent + pl.lit(": ") + _own_name(frame))
                                  .when(row | pl.col("radtyp").is_in(WHOLE)).then(named).otherwise("namn"))
    own = pl.when(pl.col("radtyp").is_in(["rad", "ej_fordelat"])).then(_own_name(frame)).otherwise("namn")
    several = "forvaltning" in frame.columns and frame["forvaltning"].drop_nulls().n_unique() > 1
    if several and not any(k in frame.columns for k in ("stab", "verksamhet")):
        own = pl.when(pl.col("radtyp").is_in(["rad", "ej_fordelat"])).then(pl.col("forvaltning") + pl.lit(": ") + own) \
            .otherwise("namn")
    elif several:  # a view's rows have names of their own, but not each förvaltning's rest: `KSF Ej fördelat på stab`
        own = pl.when(pl.col("radtyp") == "ej_fordelat").then(pl.col("forvaltning") + pl.lit(" ") + own).otherwise(own)
    return frame.with_columns(namn=own)


def coded_verksamhet() -> pl.Expr:
    """Whether a row is a verksamhet of a code (`920`), not the row of money without one (`ej fördelat (KSF)`)."""
    return pl.col("verksamhet").is_not_null() & ~pl.col("verksamhet").str.starts_with("ej fördelat (")


def _own_name(frame: pl.DataFrame) -> pl.Expr:
    """A row's own name: an account with its code (`5010 - Löner`), as the table shows it."""
    if "konto" not in frame.columns:
        return pl.col("namn")
    return pl.when(pl.col("konto").is_not_null() & (pl.col("konto") != pl.col("namn"))).then(
        pl.col("konto") + pl.lit(" - ") + pl.col("namn")).otherwise(pl.col("namn"))


def largest(frame: pl.DataFrame, n: int, measure: str = "avvikelse") -> pl.DataFrame:
    """The `n` rows at the finest grain with the largest deviations in absolute value, largest first:
    a controller's list of what to explain. A part is labelled with its row (`rubrik`: `Ekonomistab:
    Personalkostnader`; `namn` stays its own name);
    rows without a deviation (no budget there, or none at all) are left out, and so are parts without an account (a
    budget change by decision is no cost to explain) but where they are all of a row's money (a förvaltning
    typed in YAML). Rows as large as the n-th (to the öre) are listed
    too, so the list may be longer than `n`. `measure`: the column ranked, `forandring` for `compare`'s largest
    changes between the years."""
    if n < 1:
        raise UsageError(f"--top {n}: give a number of rows, 1 or more")
    nested = (frame["radtyp"] == "radsumma").any()
    # the label people read names the part with its row (`rubrik`); `namn` stays the part's own name,
    # as in the table, for scripts (found trying the tool)
    named = named_parts(frame.with_columns(_namn=pl.col("namn"))).with_columns(rubrik=pl.col("namn"), namn="_namn") \
        .drop("_namn")
    # the rest without account of a row (or förvaltning) that has no part with one is all of its money (a
    # förvaltning typed in YAML): a deviation to explain, listed as the rest is named
    if nested:
        # (of a förvaltning without any: a stab of a förvaltning with tables whose money is a budget change
        # alone has no cost to explain)
        whole = (pl.col("radtyp") == "del_ej_fordelat") & ~(pl.col("radtyp") == "del").any().over("forvaltning")
        # a row whose parts have no deviation (its budget has no account: typed in the year file) while it has one:
        # listed whole, as it cannot be split (it was left out, the largest deviation of the month; found by a new user)
        part = pl.col("radtyp").is_in(["del", "del_ej_fordelat"])
        block = (pl.col("radtyp") == "radsumma").cum_sum()
        unsplit = ((pl.col("radtyp") == "radsumma") & pl.col(measure).is_not_null()
                   & ~((pl.col("radtyp") == "del") & pl.col(measure).is_not_null()).any().over(block)
                   & part.any().over(block)
                   # (its rest with a deviation: all of the year's money of a förvaltning with accounts the year before
                   # only, beside its parts; a rest alone, a budget change by decision, is no cost to explain)
                   & ((pl.col("radtyp") == "del").any().over(block)
                      | ~((pl.col("radtyp") == "del_ej_fordelat") & pl.col(measure).is_not_null()).any().over(block)))
        # a row shown without parts (its förvaltning has no accounts: typed per stab in the year file) is listed as
        # itself, not as a part `Ej fördelat på kostnadsslag` of it, which read as money not allocated (found by a
        # new user)
        shown_whole = pl.col("radtyp").is_in(WHOLE)
        rows = named.filter((pl.col("radtyp") == "del") | whole | unsplit | shown_whole).with_columns(
            hela_raden=(pl.col("radtyp") == "radsumma") | shown_whole,
            utan_konto=pl.col("radtyp") == RowKind.del_ej_fordelat.value)
        rows = rows.with_columns(rubrik=pl.when("hela_raden").then(pl.col("rubrik") + pl.lit(WHOLE_ROW))
                                 .otherwise("rubrik"), radtyp=pl.lit("rad"))
    elif any(k in frame.columns for k in LEDGER):
        # (its rows without a deviation: a förvaltning with accounts in the year before only, whose rest is all of
        # its money of the year, as a row shown whole)
        whole = (pl.col("radtyp") == "ej_fordelat") & ~((pl.col("radtyp") == "rad") & pl.col(measure).is_not_null()
                                                         ).any().over("forvaltning")
        # a förvaltning without accounts, shown whole (`forvaltning`), is listed as itself: `KSF: hela raden`, as its
        # parts would be named (such a rest is listed as the table names it: its figures are the rest's, not the row's)
        shown_whole = pl.col("radtyp") == RowKind.forvaltning.value
        rows = named.filter((pl.col("radtyp") == "rad") | whole | shown_whole).with_columns(
            hela_raden=shown_whole, utan_konto=pl.col("radtyp") == RowKind.ej_fordelat.value)
        rows = rows.with_columns(rubrik=pl.when("hela_raden").then(pl.col("forvaltning") + pl.lit(WHOLE_ROW))
                                 .otherwise("rubrik"), radtyp=pl.lit("rad"))
    else:  # a view's own rows: labelled as its table labels them (`920 - Gemensamma verksamheter`), and each
        # förvaltning's rest with the förvaltning where there are several (`KSF Ej fördelat på stab`: found in review)
        rows = named.filter(pl.col("radtyp").is_in(["rad", "ej_fordelat", "forvaltning", "differens"])).drop("rubrik")
        if "forvaltning" in rows.columns and rows["forvaltning"].drop_nulls().n_unique() > 1:
            rows = rows.with_columns(ex.rubrik(rows.columns)).with_columns(
                rubrik=pl.when(pl.col("radtyp") == "ej_fordelat").then(pl.col("forvaltning") + pl.lit(" ") + pl.col("rubrik"))
                .otherwise(pl.col("rubrik")))
    rows = rows.filter(pl.col(measure).is_not_null() & (pl.col(measure) != 0))  # nothing to explain
    ranked = rows.with_columns(_abs=pl.col(measure).abs()).sort("_abs", descending=True, maintain_order=True)
    if ranked.height > n:  # a row as large as the last one listed is listed too: no tie is cut in two
        ranked = ranked.filter(pl.col("_abs") >= ranked["_abs"][n - 1])
    return ranked.drop("_abs")
