"""Ledger rows of an export → kfollow's fact table, by a mapping (`kfollow.sources.mapping`).

A ledger is a frame of booked rows: `period` (YYYY-MM; in a budget also YYYY, the whole year),
`konto`, `belopp` (Int64 öre, debit positive), `rad` (where the row is, for messages) and the
columns the mapping reads objects from (`dim_<n>` for SIE, `kolumn:<name>` for CSV).
`apply_mapping` gives each row its slag by the longest account prefix, drops the `ignorera` rows
(keeping their total), looks the objects up, and sums to the key (period, forvaltning, stab,
verksamhet, konto, slag): nothing else of a row (voucher text, person, other dimensions) reaches
the fact table. Money stays Int64 öre.

For SIE exports this module also picks the year (`pick_year`), builds the ledger of utfall from
#TRANS or #PSALDO (`sie_ledger`) and of budget from #PBUDGET (`budget_ledger`), and compares an
import with the file's own #PSALDO (`psaldo_check`). #PSALDO and #PBUDGET share their layout
(`psaldo_reading`, `period_totals`, `_breakdown`): the `{}` row is an account's total and object
rows break it down, one set of dimensions at a time, finest first and what it leaves by coarser sets;
an account and month without a `{}` row takes its total from its object rows.

Every sum is safe before it is taken (`check_amounts`, `check_export`): each amount within
`store.MAX_ORE` and the absolute amounts of a file's rows together within `store.MAX_FILE_TOTAL`,
so that no Int64 sum of them can wrap; and the fact table, once summed, within what loading
accepts: each row within `MAX_ORE` again, all of them within `store.MAX_TABLE_TOTAL`. An account
number is digits (`check_accounts`): nothing else reaches the fact table as `konto`.

Warnings, not errors (`unbalanced`, `accruals`): a voucher whose rows do not sum to 0, and a month
far above an account's usual month that a later month reverses.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field as _field, replace
from decimal import Decimal
from typing import Callable

import polars as pl

from kfollow.store import MAX_FILE_TOTAL, MAX_ORE, MAX_TABLE_TOTAL
from kfollow.errors import DataError, UsageError
from kfollow.options import half_away
from kfollow.sources.facts import CODE_COLUMNS
from kfollow.sources.mapping import KeyMap, LedgerMapping, Objects
from kfollow.sources.sie import OTHERS

TOTALS_SCHEMA = {"period": pl.String, "kostnader": pl.Int64, "intakter": pl.Int64, "ignorerat": pl.Int64}


def kr(ore: int) -> str:
    """Öre → `-1 234,50 kr` (Swedish, for messages)."""
    kronor, rest = divmod(abs(int(ore)), 100)
    return f"{'-' if ore < 0 else ''}{kronor:,}".replace(",", " ") + f",{rest:02d} kr"


@dataclass(frozen=True)
class Ledger:
    """Booked rows of one export; see the module docstring for the columns."""

    name: str  # the export, for messages
    frame: pl.DataFrame
    line: Callable[[int], int | None] = lambda rad: rad  # rad → line in the export
    notes: tuple[str, ...] = ()  # for the person importing: how the rows were read
    field: Callable[[str], int | None] = lambda column: None  # ledger column → its field (column) in a line
    # ledger column → (the codes the export itself declares for it, how to say where): a SIE export's #OBJEKT of a
    # dimension, where it declares any; an object the mapping lacks and the export does not declare is said so
    registers: dict = _field(default_factory=dict)

    def where(self, rad: int) -> str:
        line = self.line(rad)
        return f"{self.name}:{line}" if line is not None else self.name


@dataclass(frozen=True)
class Imported:
    """The fact table of an import and what the controller checks it with."""

    facts: pl.DataFrame  # facts.COLUMNS; belopp Int64 öre, cost positive, income negative
    totals: pl.DataFrame  # TOTALS_SCHEMA per period: kostnader, intakter (positive), ignorerat (net), öre
    rows: int  # ledger rows read
    unmapped: tuple[str, ...]  # with unmapped_empty: the objects put under an empty key
    without_key: tuple[int, int, int]  # fact rows with neither stab nor verksamhet, their net amount and their costs (öre)
    # (column, ((code, name), …)): the names a CSV export's object cells give after their codes (`1120 Ekonomi`), the
    # first each code is written with, for the table's note
    object_names: tuple = ()
    warnings: tuple[str, ...] = ()  # for the person importing: a code written with two names or more


def _rows(frame: pl.DataFrame) -> pl.Expr:
    """How many rows of the export a group of `frame`'s rows is: a frame of rows summed as they were read (a SIE
    export's #TRANS, `read_sie`'s `summed`) counts them in `rader`, each of its rows a sum."""
    return (pl.col("rader").sum() if "rader" in frame.columns else pl.len()).alias("rader")


def row_count(frame: pl.DataFrame) -> int:
    """The rows of the export that `frame` holds (see `_rows`)."""
    return int(frame["rader"].sum()) if "rader" in frame.columns else frame.height


def apply_mapping(ledger: Ledger, mapping: LedgerMapping, unmapped_empty: bool = False) -> Imported:
    """Map and sum a ledger; `DataError` for amounts beyond the caps (`check_amounts`), account numbers
    that are not digits, unlisted accounts and objects the mapping lacks (every one).

    A ledger of rows summed as read (a `rader` column, `_rows`) had each of its amounts checked by the
    reader (`check_export`): its sums are held to the caps of a fact row after mapping, as any."""
    if "rader" not in ledger.frame.columns:
        check_amounts(ledger)
    check_accounts(ledger)
    frame = ledger.frame.with_columns(pl.col("rad").cast(pl.Int64))
    accounts = frame.group_by("konto").agg(pl.col("belopp").sum(), pl.col("rad").min(), _rows(frame))
    slag = {konto: mapping.slag_of(konto) for konto in accounts["konto"].to_list()}
    unlisted = accounts.filter(pl.col("konto").is_in([k for k, s in slag.items() if s is None])).sort("konto")
    if unlisted.height:
        listed = _and_more([_usage(ledger, r["konto"], r) for r in unlisted.head(LISTED).iter_rows(named=True)],
                           unlisted.height)
        example = unlisted["konto"][0]
        # the kommun chart (Kommun-Bas): class 3 intäkter, 4–7 kostnader, 1, 2 and 8 outside the nettokostnad
        likely = {"3": "intakt", "4": "kostnad", "5": "kostnad", "6": "kostnad", "7": "kostnad"}.get(example[:1], "ignorera")
        raise DataError(mapping.fil, *mapping.konton_at,
                        f"{ledger.name} has accounts that no prefix under konton matches: {listed}; add their prefixes "
                        f"under konton with their slag (kostnad, intakt or ignorera), e.g. \"{example[:1]}\": {likely}")
    frame = frame.with_columns(pl.col("konto").replace_strict(slag, return_dtype=pl.String).alias("slag"))
    ignored = frame.filter(pl.col("slag") == "ignorera").group_by("period").agg(pl.col("belopp").sum().alias("ignorerat"))
    kept = frame.filter(pl.col("slag") != "ignorera")

    missing: list[tuple[KeyMap, list[str]]] = []
    undeclared: list[tuple[str, list[str]]] = []
    unmapped: list[str] = []
    looked_up: dict[str, pl.Expr] = {}
    named: dict[str, tuple[KeyMap, dict[str, tuple[str, str, str]]]] = {}  # column → (key, cell → (code, name, id))
    for key in (mapping.forvaltning, mapping.stab):
        if key is not None:
            looked_up[key.name] = _lookup(key, kept, ledger, mapping, missing, unmapped, unmapped_empty, named,
                                          undeclared)
    kept = kept.with_columns(**looked_up)
    verksamhet = mapping.verksamhet
    kept = kept.with_columns(
        _lookup(verksamhet, kept, ledger, mapping, missing, unmapped, unmapped_empty, named, undeclared)
        .alias("verksamhet")
        if verksamhet is not None else pl.lit(None, pl.String).alias("verksamhet"))
    if "stab" not in kept.columns:
        kept = kept.with_columns(pl.lit(None, pl.String).alias("stab"))
    if missing:
        first = missing[0][0]
        at = (first.objekt.line, first.objekt.column) if first.objekt is not None else (first.line, first.column)
        listed = "; ".join(f"{key.name} ({key.describe()}): {_and_more(items, len(items))}" for key, items in missing)
        if any(key.name == "forvaltning" for key, _ in missing):
            way = "; every row needs a förvaltning, so --unmapped-empty does not apply to it"
        else:
            way = ", or pass --unmapped-empty to import them under an empty key (ej fördelat)"
        if len(missing) == 1 and first.name == "forvaltning" and all(i.startswith(NO_OBJECT) for i in missing[0][1]):
            # no object can be added under objekt: such amounts need a förvaltning some other way
            raise DataError(mapping.fil, *at,
                            f"{ledger.name} has amounts without an object of the förvaltning's {first.describe()}: "
                            f"{listed}; every amount needs a förvaltning: a voucher row needs an object of it, and "
                            "so does #PSALDO or #PBUDGET money (object rows that do not name the dimension, and what "
                            "object rows leave of their {} row, have none). Correct the export, or give the "
                            "förvaltning as one id (forvaltning: ID)")
        where = ("add them under objekt (or a range)" if not all(key.fran_stab is not None for key, _ in missing)
                 else "add those staber under fran_stab, each with its verksamhet")
        # (found by an ekonomichef: an ansvar booked without an #OBJEKT line is what one asks the ekonomisystem's
        # administrator about before mapping it, not only a line the mapping lacks)
        strays = [code for _, codes in undeclared for code in codes]
        ask = (f"; the export itself does not declare {_and_more(strays, len(strays))} (no "
               f"{' or '.join(dict.fromkeys(register for register, _ in undeclared))} line): ask the ekonomisystem's "
               f"administrator whether {'it is a real object' if len(strays) == 1 else 'they are real objects'}, new and "
               "not yet declared, or booked by mistake, before mapping "
               f"{'it' if len(strays) == 1 else 'them'}" if strays else "")
        raise DataError(mapping.fil, *at, f"{ledger.name} has objects that the mapping lacks: {listed}; {where}{way}{ask}")

    summed = (
        kept.lazy()
        .group_by(CODE_COLUMNS)
        .agg(pl.col("belopp").sum(), pl.col("rad").min())
        .sort(CODE_COLUMNS, nulls_last=True)
        .select(*(pl.col(c).cast(pl.String) for c in CODE_COLUMNS), pl.col("belopp").cast(pl.Int64), "rad")
        .collect()
    )
    _check_facts(summed, ledger)
    facts = summed.drop("rad")
    periods = frame.select(pl.col("period").unique())
    booked = facts.group_by("period").agg(
        pl.col("belopp").filter(pl.col("slag") == "kostnad").sum().alias("kostnader"),
        (-pl.col("belopp").filter(pl.col("slag") == "intakt").sum()).alias("intakter"),
    )
    totals = (
        periods.join(booked, on="period", how="left").join(ignored, on="period", how="left")
        .select(pl.col(c).cast(t).fill_null(0) if t == pl.Int64 else pl.col(c) for c, t in TOTALS_SCHEMA.items())
        .sort("period")
    )
    bare = facts.filter(pl.col("stab").is_null() & pl.col("verksamhet").is_null())
    names, warnings = _object_names(named, kept, ledger)
    return Imported(facts, totals, row_count(ledger.frame), tuple(unmapped), (bare.height, int(bare["belopp"].sum()),
                                                                                   int(bare.filter(pl.col("slag") == "kostnad")["belopp"].sum())),
                    names, warnings)


def _object_names(named: dict[str, tuple[KeyMap, dict[str, tuple[str, str, str]]]], kept: pl.DataFrame,
                  ledger: Ledger) -> tuple[tuple, tuple[str, ...]]:
    """The names an export's object cells give after their codes (`1120 Ekonomi`), the first each code is written
    with, per column (for the note, as an account's name is noted); and a warning where a code is written with two
    names (`1120 Ekonomi` and `1120 HR`: both read as 1120, where one of them may be the wrong code; found by a new
    user, h78). Names compared without case and blanks (`1120  ekonomi` is `1120 Ekonomi`), and a warning names
    every name of a code, up to `NAMES_LISTED` (found in review, h84: a difference of case was warned of, and a
    really different third name not said, only the first conflict being kept)."""
    from kfollow.sources.files import NAME_LIMIT

    noted, warnings = [], []
    for source, (key, cells) in named.items():
        if not cells:  # (most exports: no names after the codes, and no pass over the rows)
            continue
        first = (kept.filter(pl.col(source).is_in(list(cells))).group_by(source).agg(pl.col("rad").min())
                 .sort("rad"))
        names: dict[str, dict[str, tuple[str, str, int]]] = {}  # code → name compared → (name, its cell, the row)
        ids: dict[str, str] = {}
        for cell, rad in first.iter_rows():
            code, name, id_ = cells[cell]
            name = " ".join(name.split())
            name = name if len(name) <= NAME_LIMIT else name[:NAME_LIMIT - 1] + "…"
            names.setdefault(code, {}).setdefault("".join(name.split()).casefold(), (name, cell, rad))
            ids[code] = id_
        noted.append((key.kolumn, tuple((code, next(iter(written.values()))[0])
                                        for code, written in sorted(names.items()))))
        field = ledger.field(source)
        twice = [(code, list(written.values())) for code, written in names.items() if len(written) > 1]
        for code, written in twice[:LISTED]:
            (_, one, at), (_, other, rad) = written[0], written[1]  # (said at the row of the second name)
            rest = written[2:NAMES_LISTED]
            line = ledger.line(rad)
            read = f"{key.name} {ids[code]}" if ids[code] else "no " + key.name
            also = [f"{one!r} on line {ledger.line(at)}"] + [f"{c!r} on line {ledger.line(r)}" for _, c, r in rest]
            more = len(written) - 2 - len(rest)
            count = _NUMBERS.get(len(written), str(len(written)))
            listed = ", ".join([f"{other!r} here", *also[:-1]]) + f" and {also[-1]}"
            if more:
                listed += f" (and {_count(more, 'more name')})"
            warnings.append(f"{ledger.name}:{line}{f':{field}' if field else ''}: {key.kolumn} {listed} give the code "
                            f"{code} {count} names; {'both' if len(written) == 2 else 'all'} are read as {code} "
                            f"({read}): the name is no part of the key, so check the code of the one that is wrong "
                            "in the export")
        if len(twice) > LISTED:
            warnings.append(f"and {_count(len(twice) - LISTED, 'more code')} of column {key.kolumn} written with "
                            "two names or more")
    return tuple(n for n in noted if n[1]), tuple(warnings)


NAMES_LISTED = 5  # the names of one code a warning lists at most
_NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five"}


def check_amounts(ledger: Ledger, what: str = "") -> None:
    """`DataError` at the first row whose amount is beyond `MAX_ORE`, or at the row by which the absolute
    amounts (öre) add up beyond `MAX_FILE_TOTAL`: below both, no Int64 sum of the rows can wrap.

    `what` names the rows in messages ("#PSALDO"). The total is exact without an Int128 copy of the
    column (the magnitudes split at 2^32); only when it is beyond the cap is the crossing row sought.
    """
    amounts = ledger.frame["belopp"]
    if amounts.is_empty():
        return
    magnitude = amounts.abs()
    if magnitude.max() > MAX_ORE:
        row = ledger.frame.filter(pl.col("belopp").abs() > MAX_ORE).row(0, named=True)
        _beyond_one(ledger.name, ledger.line(row["rad"]), ledger.field("belopp"), row["belopp"], what)
    total = (magnitude // 2**32).sum() * 2**32 + (magnitude % 2**32).sum()
    if total <= MAX_FILE_TOTAL:
        return
    # each |amount| ≤ MAX_ORE, so the running total crosses the cap long before it could wrap
    crossing = (magnitude.cum_sum() > MAX_FILE_TOTAL).arg_max()
    _beyond_all(ledger.name, ledger.line(ledger.frame["rad"][crossing]), what)


def _beyond_one(name: str, line: int | None, column: int | None, amount: int, what: str) -> None:
    """`check_amounts`' error of an amount beyond MAX_ORE."""
    label = f"{what} " if what else ""
    raise DataError(name, line, column, f"the {label}amount {kr(amount)} is beyond the {kr(MAX_ORE)} one amount may "
                                        "be; check the amount and its unit")


def _beyond_all(name: str, line: int | None, what: str) -> None:
    """`check_amounts`' error of amounts adding up beyond MAX_FILE_TOTAL, at the row by which they do."""
    label = f"{what} " if what else ""
    raise DataError(name, line, None,
                    f"the {label}amounts add up to more than {kr(MAX_FILE_TOTAL)} (counted without their signs) by "
                    "this row; sums of them could overflow: check the amounts and their unit")


def check_export(sie) -> None:
    """`check_amounts` of a SIE file's #TRANS, #PSALDO and #PBUDGET rows, each kind as a whole, before
    anything sums them (the #PSALDO control, the layout of object rows); of #TRANS rows summed as read
    (`read_sie`'s `summed`), the reader's own check of every row, in the same words."""
    for label, frame in (("#TRANS", sie.trans), ("#PSALDO", sie.psaldo), ("#PBUDGET", sie.pbudget)):
        if label == "#TRANS" and "rader" in frame.columns:
            if sie.trans_over is not None:
                _beyond_one(sie.path, sie.trans_over[0], None, sie.trans_over[1], label)
            if sie.trans_crossing is not None:
                _beyond_all(sie.path, sie.trans_crossing, label)
            continue
        check_amounts(Ledger(sie.path, frame), label)


def check_accounts(ledger: Ledger) -> None:
    """`DataError` at the first row whose account is not digits (`5010`): the fact table's `konto` is a
    number, never text that a spreadsheet could take for a formula."""
    bad = ledger.frame.filter(~pl.col("konto").str.contains(r"^[0-9]+$"))
    if bad.is_empty():
        return
    row = bad.sort("rad").row(0, named=True)
    raise DataError(ledger.name, ledger.line(row["rad"]), ledger.field("konto"),
                    f"account {_shown(row['konto'])} is not an account number (digits only, e.g. 5010); correct it in "
                    f"the ekonomisystem, or leave its rows out of the export ({_count(row_count(bad), 'row')})")


def _check_facts(facts: pl.DataFrame, ledger: Ledger) -> None:
    """`DataError` when a fact row sums to more than `MAX_ORE`, or the facts add up beyond `MAX_TABLE_TOTAL`:
    loading refuses such a table, so it is never written (`facts.rad` is the first row summed into it)."""
    over = facts.filter(pl.col("belopp").abs() > MAX_ORE)
    if over.height:
        row = over.sort("rad").row(0, named=True)
        key = ", ".join(f"{c} {row[c]}" for c in ("forvaltning", "stab", "verksamhet") if row[c] is not None)
        raise DataError(ledger.name, ledger.line(row["rad"]), None,
                        f"the rows of konto {row['konto']} in {row['period']} ({key}), from this one on, add up to "
                        f"{kr(row['belopp'])}, beyond the {kr(MAX_ORE)} a row of a fact table may hold (loading would "
                        "refuse it); check the amounts and their unit")
    magnitude = facts["belopp"].abs()
    total = (magnitude // 2**32).sum() * 2**32 + (magnitude % 2**32).sum()
    if total > MAX_TABLE_TOTAL:
        raise DataError(ledger.name, None, None,
                        f"the fact table's amounts add up to {kr(total)} (counted without their signs), beyond the "
                        f"{kr(MAX_TABLE_TOTAL)} of one table that a year file reads; check the amounts and their unit")


def _shown(value: str, limit: int = 80) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")


NO_OBJECT = "(no object)"


def registers(sie, mapping: LedgerMapping) -> dict[str, tuple[frozenset[str], str]]:
    """`Ledger.registers` of a SIE export: per mapped dimension whose objects the export declares (#OBJEKT), the
    codes it declares and how a message names that line."""
    found: dict[int, set[str]] = {}
    for dimension, code in sie.objects:
        found.setdefault(dimension, set()).add(code)
    return {f"dim_{d}": (frozenset(found[d]), f"#OBJEKT {d}") for d in sorted(mapping.dimensions()) if d in found}


def _usage(ledger: Ledger, code: str, row: dict, hint: str | None = None) -> str:
    rows = f"{row['rader']} row{'s' if row['rader'] != 1 else ''}"
    written = f"written {_shown(row['_skriven'])}; " if row.get("_skriven") is not None else ""
    return f"{code} ({written}{rows}, {kr(row['belopp'])}, first at {ledger.where(row['rad'])}{f'; {hint}' if hint else ''})"


def _zeros_lost(objekt: Objects, code: str) -> str | None:
    """Where a CSV export's code of digits is one of `objekt` without its leading zeros (`120` of `0120`), as
    Excel writes a code it took for a number when it saves a CSV: say so (it was an object the mapping lacks, with
    nothing said of the 0120 it has; found by an ekonom on Windows, h120)."""
    if not code.isdigit():
        return None
    for width in range(len(code) + 1, len(code) + 5):
        if objekt.lookup(code.zfill(width), "") is not None:
            return (f"the mapping has {code.zfill(width)}: Excel drops the leading zeros of a code it takes for a "
                    "number when it saves a CSV; import the ekonomisystem's export as it is, or open it in Excel with "
                    "that column as text (Data, Från text/CSV)")
    return None


def _lookup(key: KeyMap, kept: pl.DataFrame, ledger: Ledger, mapping: LedgerMapping,
            missing: list, unmapped: list, unmapped_empty: bool, named: dict | None = None,
            undeclared: list | None = None) -> pl.Expr:
    """The expression giving a row's id for `key` (null = empty key); collects objects the mapping lacks, and
    in `undeclared` (register, codes) those of them the export's register (`Ledger.registers`) lacks too.

    A förvaltning cannot be empty: for it, rows without an object count as lacking too, and
    --unmapped-empty does not apply.
    """
    if key.fixed is not None:
        return pl.lit(key.fixed, pl.String).alias(key.name)
    required = key.name == "forvaltning"
    read: dict = {}  # object cell → the code it is looked up by, where they differ or may
    if key.fran_stab is not None:
        column, table = "stab", key.fran_stab
        codes = kept.filter(pl.col(column).is_not_null())[column].unique().to_list()
        ids = {stab: table.get(stab) for stab in codes}
    else:
        column = key.source
        if column not in kept.columns:  # no row has an object of this dimension or column
            if not required or kept.is_empty():
                return pl.lit(None, pl.String).alias(key.name)
            kept = kept.with_columns(pl.lit(None, pl.String).alias(column))
        codes = kept[column].unique().to_list() if required else kept.filter(
            pl.col(column).is_not_null())[column].unique().to_list()
        # a CSV export's cell may give the object's name after its code (`1120 Ekonomi`): the code is looked up
        split = {code: key.objekt.split(code) for code in codes if key.kolumn is not None and code is not None}
        read = {code: split[code][0] if code in split else code for code in codes}
        ids = {code: key.objekt.lookup(read[code], mapping.fil) if code is not None else None for code in codes}
        if named is not None and column not in named:  # the names after the codes, for the note (`_object_names`)
            named[column] = (key, {c: (code, name, ids[c]) for c, (code, name) in split.items()
                                   if name is not None and ids[c] is not None})
    lacking = [code for code, value in ids.items() if value is None]
    if lacking:
        usage = kept.filter(pl.col(column).is_in([c for c in lacking if c is not None])
                            | (pl.col(column).is_null() if None in lacking else pl.lit(False)))
        named = {c: read[c] for c in lacking if c is not None and read.get(c, c) != c}
        if named:  # listed by the code, with the cell as the export writes it
            usage = usage.with_columns(pl.col(column).replace(named).alias(column), pl.col(column).alias("_skriven"))
        usage = (usage.group_by(column).agg(pl.col("belopp").sum(), pl.col("rad").min(), _rows(usage),
                                            *([pl.col("_skriven").filter(pl.col("_skriven") != pl.col(column))
                                               .sort_by(pl.col("rad").filter(pl.col("_skriven") != pl.col(column)))
                                               .first()] if named else []))
                 .sort(column, nulls_last=True))
        declared, register = ledger.registers.get(column, (None, ""))
        strays = [] if declared is None else [r[column] for r in usage.iter_rows(named=True)
                                              if r[column] is not None and r[column] not in declared]
        # (a cell looked up as written that might have read as a code and a name says why, and what to do)
        items = [_usage(ledger, r[column] if r[column] is not None else NO_OBJECT, r,
                        (key.objekt.unsplit(r[column]) or _zeros_lost(key.objekt, r[column]))
                        if key.kolumn is not None and r[column] is not None and r.get("_skriven") is None else None)[:-1]
                 + (f"; no {register} line in the export)" if r[column] in strays else ")")
                 for r in usage.iter_rows(named=True)]
        if strays and undeclared is not None:
            undeclared.append((register, strays))
        if unmapped_empty and not required:
            unmapped.extend(f"{key.name} ({key.describe()}) {item}" for item in items)
        else:
            missing.append((key, items))
    known = {code: value for code, value in ids.items() if code is not None and value}  # "": no key on purpose
    if not known:
        return pl.lit(None, pl.String).alias(key.name)
    return pl.col(column).replace_strict(known, default=None, return_dtype=pl.String).alias(key.name)


# ---------------------------------------------------------------------------------------------
# SIE: the year, the ledger from #TRANS or #PSALDO, the check against #PSALDO


@dataclass(frozen=True)
class Year:
    index: int | None  # the #RAR index; None when the file has no #RAR (a calendar year, or the whole file)
    start: str  # YYYY-MM-DD
    end: str

    @property
    def periods(self) -> tuple[str, str]:
        return self.start[:7], self.end[:7]

    def describe(self) -> str:
        """`financial year 2024 (#RAR 0: 2024-01-01 – 2024-12-31)`: the year as a controller names it, then what
        `--year` may also give (the #RAR index; `year 0` alone meant nothing to a controller: found by a new user, h140)."""
        if self.index is None:
            return f"{self.start} – {self.end}"
        named = self.start[:4] if self.start[:4] == self.end[:4] else f"{self.start[:4]}/{self.end[2:4]}"
        return f"financial year {named} (#RAR {self.index}: {self.start} – {self.end})"


def pick_year(sie, year: str | None) -> Year:
    """`--year`: a #RAR index (0, -1, …) or a year YYYY; default index 0. `UsageError` naming the file's years."""
    years: dict[int, tuple[str, str]] = sie.years
    listed = ", ".join(f"{i} ({s} – {e})" for i, (s, e) in sorted(years.items(), reverse=True))
    text = (year or "").strip()
    if not years:
        if year is None:
            return Year(None, "0000-01-01", "9999-12-31")
        if text.isdigit() and len(text) == 4:
            return Year(None, f"{text}-01-01", f"{text}-12-31")
        raise UsageError(f"{sie.path} has no #RAR, so --year names a calendar year YYYY, not '{text}'")
    if year is None:
        text = "0"
    if text.lstrip("-").isdigit() and len(text.lstrip("-")) <= 2:
        index = int(text)
        if index not in years:
            raise UsageError(f"{sie.path} has no year {index}; its years (#RAR): {listed}")
        return Year(index, *years[index])
    if text.isdigit() and len(text) == 4:
        found = [i for i, (s, e) in years.items() if s[:4] == text] or [i for i, (s, e) in years.items() if e[:4] == text]
        if len(found) == 1:
            return Year(found[0], *years[found[0]])
        problem = "two years that touch" if found else "no year that starts or ends in"
        raise UsageError(f"{sie.path} has {problem} {text}; pick one by its index with --year: {listed}")
    raise UsageError(f"--year '{text}' is neither a year index (0, -1, …) nor a year YYYY; the file's years: {listed}")


def _in_year(year: Year) -> pl.Expr:
    first, last = year.periods
    return pl.col("period").is_between(pl.lit(first), pl.lit(last))


def sie_ledger(sie, year: Year, source: str, mapping: LedgerMapping) -> Ledger:
    """The rows of `year` from #TRANS (`source` "trans") or #PSALDO ("psaldo"), with the mapped dimensions only."""
    keep = ["period", "konto", "belopp", "rad", *(["rader"] if "rader" in sie.trans.columns else [])]
    if sie.trans.is_empty() and sie.psaldo.is_empty():  # each way's advice led to the other (found by a new user)
        # (what it holds instead said as it is: a SIE 4 with a budget alone is no SIE 1; found in review)
        holds = (f"only the year's balances (#SIETYP {sie.sietyp}); export it again as SIE 4 (or SIE 2 or 3, which "
                 "have #PSALDO)") if str(sie.sietyp) == "1" else "; export it again with its vouchers (SIE 4) or period " \
            "balances (SIE 2 or 3)"
        if not sie.pbudget.is_empty():
            holds += ", or import its budget alone (#PBUDGET) with --budget-out and no -o"
        raise DataError(sie.path, None, None, "holds no month: neither vouchers (#TRANS) nor period balances "
                                              f"(#PSALDO){', ' if holds.startswith('only') else ''}{holds}")
    if source == "trans":
        if sie.trans.is_empty():
            # (found by a script user: exit 2, and told to import it another way; only a SIE 4 is to hold vouchers:
            # a whole SIE 2 or 3 whose last #PSALDO has no line end was told it seems cut off, found in review)
            if getattr(sie, "cut_off", False) and sie.sietyp == 4:
                raise DataError(sie.path, sie.lines, None, "the file has no vouchers (#TRANS), and its last line ends "
                                                           "without a line end: it seems cut off; export it again")
            hint = "; import its #PSALDO with --from psaldo" if not sie.psaldo.is_empty() else ""
            raise UsageError(f"{sie.path} has no vouchers (#TRANS; #SIETYP {sie.sietyp}){hint}")
        dims = [f"dim_{d}" for d in sorted(mapping.dimensions()) if f"dim_{d}" in sie.trans.columns]
        frame = sie.trans.filter(_in_year(year)).select(*keep, *dims)
        if frame.is_empty():
            booked = sie.trans["period"]
            hint = " or import its #PSALDO with --from psaldo" if year_psaldo(sie, year).height else ""
            raise UsageError(f"{sie.path} has no #TRANS in {year.describe()}: its vouchers are in {booked.min()} – "
                             f"{booked.max()}; pick another year with --year{hint}")
        outside = row_count(sie.trans) - row_count(frame)
        notes = (f"{_count(outside, '#TRANS row')} outside {year.describe()} left out",) if outside else ()
        return Ledger(sie.path, frame, notes=notes)
    if year.index is None:
        raise UsageError(f"{sie.path} has no #RAR, so its #PSALDO rows cannot be placed in a year; use --from trans")
    rows = year_psaldo(sie, year)
    if rows.is_empty():
        raise UsageError(f"{sie.path} has no #PSALDO rows for {year.describe()}; use --from trans or another --year")
    ledger = _period_ledger(sie.path, sie.psaldo, rows, mapping, "#PSALDO", sie.pbudget)
    return replace(ledger, notes=(*_undeclared(sie, sie.psaldo, "#PSALDO"), *_misdated(rows, year, "#PSALDO"),
                                  *ledger.notes))


def budget_ledger(sie, year: Year, mapping: LedgerMapping) -> Ledger:
    """The budget of `year` from #PBUDGET, read with the layout rules of #PSALDO; `DataError` when it has none."""
    if year.index is None or sie.pbudget.is_empty():
        why = ("the file has no #RAR, so its #PBUDGET rows cannot be placed in a year" if sie.pbudget.height
               else f"no #PBUDGET rows (period budgets; #SIETYP {sie.sietyp})")
        raise DataError(sie.path, None, None, f"{why}; export the file with its budget, or leave out --budget-out")
    rows = _year_rows(sie.pbudget, year)
    if rows.is_empty():
        present = sorted(sie.pbudget["rar"].unique().to_list(), reverse=True)
        listed = ", ".join(Year(i, *sie.years[i]).describe() if i in sie.years else f"#RAR {i}" for i in present)
        raise DataError(sie.path, None, None, f"no #PBUDGET rows for {year.describe()}; the file's #PBUDGET is for "
                                              f"{listed}: pick it with --year, or leave out --budget-out")
    ledger = _period_ledger(sie.path, sie.pbudget, rows, mapping, "#PBUDGET", sie.psaldo)
    return replace(ledger, notes=(*_undeclared(sie, sie.pbudget, "#PBUDGET"), *_misdated(rows, year, "#PBUDGET"),
                                  *ledger.notes))


def _period_ledger(name: str, every: pl.DataFrame, rows: pl.DataFrame, mapping: LedgerMapping, label: str,
                   other: pl.DataFrame) -> Ledger:
    """The ledger of one year's #PSALDO or #PBUDGET `rows` (`every`: all years of them, and `other` the
    file's other statement, for `psaldo_reading`)."""
    keep = ["period", "konto", "belopp", "rad"]
    counted = counted_accounts(mapping, every, other)
    if psaldo_reading(every, other, counted) == "parts":
        dims = [f"dim_{d}" for d in sorted(mapping.dimensions()) if f"dim_{d}" in rows.columns]
        # (a `{}` row of 0 is no part booked without objects: no fact row of 0 with no key)
        return Ledger(name, rows.filter(~pl.col("total") | (pl.col("belopp") != 0)).select(*keep, *_objects(dims)),
                      notes=reading_doubt(every, other, label, counted))
    dims = sorted(mapping.dimensions())
    first = mapping.forvaltning.dimension
    frame, parts, short, extra, disagreed = _breakdown(rows, dims, first)
    frame = frame.with_columns(_objects([c for c in frame.columns if c.startswith("dim_")]))
    notes = reading_doubt(every, other, label, counted)
    disagreed = disagreed.filter(pl.col("konto").is_in(list(counted)))
    notes = (*notes, *_beyond_totals(rows, frame, [c for c in frame.columns if c.startswith("dim_")], counted, label))
    if disagreed.height:  # the finer rows are used: say where the file contradicts itself
        first_at = disagreed.row(0)
        notes = (*notes, f"in {_count(disagreed.height, 'account-month')} ({first_at[1]} {first_at[0]} first) the "
                         f"{label} object rows of fewer dimensions disagree with those of more (an object missing, "
                         "or less than its parts): the rows of more dimensions are used, and what they leave of "
                         "the total has no key; correct the export if the two should agree")
    objects = rows.filter(~pl.col("total"))
    # the accounts that reach the table (an ignored account's breakdown is no one's business)
    short = short.filter(pl.Series([mapping.slag_of(k) != "ignorera" for k in short["konto"]], dtype=pl.Boolean))
    if short.height:  # the file breaks its totals down one dimension at a time: the most it gives is used
        counts = short.group_by("_set").len().sort("_set")
        used = []
        for found, n in sorted(counts.iter_rows(), key=lambda r: (-len(r[0].split()), [int(d) for d in r[0].split()])):
            empty = [str(d) for d in dims if str(d) not in found.split()]
            used.append(f"{{{found}}} in {n} account-month{'s' if n > 1 else ''} (dimension{'s' if len(empty) > 1 else ''} "
                        f"{_and(empty)} under an empty key)")
        order = "a set with the förvaltning's dimension first, then" if first in dims else "then"
        notes = (*notes, f"an account and month without {label} object rows of exactly dimensions "
                 f"{_and(map(str, dims))} is broken down by the rows of the most of them it has "
                 f"({order} the lowest numbers): {', '.join(used)}; no row is counted twice",)
    elif dims and parts == 0 and objects.height and any(c.startswith("dim_") or c == OTHERS for c in objects.columns):
        columns = [c for c in objects.columns if c.startswith("dim_")]
        named = objects.select(_named(columns, OTHERS in objects.columns).alias("n"))["n"].unique().sort().to_list()
        notes = (*notes, f"no {label} object row names exactly dimension{'s' if len(dims) > 1 else ''} "
                 f"{_and(map(str, dims))}, so all is under an empty key; the object rows name "
                 + ", ".join("{" + n + "}" for n in named),)
    extra = extra.filter(pl.Series([mapping.slag_of(k) != "ignorera" for k in extra["konto"]], dtype=pl.Boolean))
    if extra.height:  # rows of the mapped dimensions only in combination with others: summed over those
        counts = extra.group_by("_set", "_extra").len().sort("_set", "_extra")
        listed = ", ".join(f"{{{found}}} from {{{found} {other}}} in {n} account-month{'s' if n > 1 else ''}"
                           for found, other, n in counts.iter_rows())
        notes = (*notes, f"where an account and month has no {label} object rows of its dimensions alone, the rows "
                         f"that also name dimensions not mapped are summed over those: {listed}")
    return Ledger(name, frame, notes=notes)


def _named(columns: list[str], others: bool, width: int = 0, separator: str = " ") -> pl.Expr:
    """The dimensions a row names (its set), in number order, each zero-padded to `width`, joined by
    `separator` (`"1 20"`, `"000001,000020"`): those of the dimension `columns` it has an object (or "")
    in, and with `others` those the reader named in OTHERS; "" for none."""
    named = [pl.when(pl.col(c).is_not_null()).then(pl.lit(c[4:].zfill(width))) for c in columns]
    if not others:
        return pl.concat_str(named, separator=separator, ignore_nulls=True) if named else pl.lit("")
    padded = [pl.when(pl.col(c).is_not_null()).then(pl.lit(c[4:].zfill(6))) for c in columns]
    listed = pl.concat_list([*padded, pl.col(OTHERS).fill_null("").str.split(",")]).list.eval(
        pl.element().filter(pl.element().is_not_null() & (pl.element() != ""))).list.sort()  # (six digits: in number order)
    if width != 6:
        listed = listed.list.eval(pl.element().str.strip_chars_start("0").str.zfill(width))
    return listed.list.join(separator)


def _objects(columns: list[str]) -> list[pl.Expr]:
    """Dimension columns with their objects: a dimension written with no object (`{1 ""}`, "" in the
    rows, which puts the row in that dimension's set) has none (null), as a voucher row without one."""
    return [pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in columns]


LISTED = 10  # the items a message lists at most: the rest are counted (a file's mistake may be made 50 000 times)


def _and_more(items: list[str], total: int) -> str:
    """The first LISTED of `items`, and how many more there are of `total`: `a, b, … and 49 990 more`."""
    if total > LISTED:  # money without an object is listed whatever else is: no object can be added for it
        items = sorted(items, key=lambda item: not item.startswith(NO_OBJECT))
    shown = ", ".join(items[:LISTED])
    if total <= LISTED:
        return shown
    more = f"{total - LISTED:,}".replace(",", " ")  # (the number alone: an item may hold commas)
    return f"{shown} and {more} more"


def _and(items) -> str:
    """`1`, `1 and 20`, `1, 20 and 30`."""
    items = list(items)
    return " and ".join(items) if len(items) < 3 else f"{', '.join(items[:-1])} and {items[-1]}"


def counted_accounts(mapping: LedgerMapping, *frames: pl.DataFrame) -> set[str]:
    """The accounts of `frames` that reach a table (the mapping does not ignore them)."""
    return {k for frame in frames for k in frame["konto"].unique().to_list() if mapping.slag_of(k) != "ignorera"}


def year_vouchers(sie, year: Year) -> pl.DataFrame | None:
    """The vouchers of `year` that do not balance, as the reader summed them (None where it did not)."""
    vouchers = getattr(sie, "vouchers", None)
    return None if vouchers is None else vouchers.filter(_in_year(year))


def year_psaldo(sie, year: Year) -> pl.DataFrame:
    """The #PSALDO rows of `year` (none when the file has no #RAR)."""
    return _year_rows(sie.psaldo, year)


def _year_rows(frame: pl.DataFrame, year: Year) -> pl.DataFrame:
    """The #PSALDO or #PBUDGET rows of `year` (none when the file has no #RAR)."""
    if year.index is None or frame.is_empty():
        return frame.clear()
    return frame.filter(pl.col("rar") == year.index)


def _undeclared(sie, every: pl.DataFrame, label: str) -> tuple[str, ...]:
    """A note on the `label` rows of a year index no #RAR declares: they are in no year, so no import
    takes them (a file that numbers its years so is inconsistent, and its money would go unnoticed)."""
    rows = every.filter(~pl.col("rar").is_in(list(sie.years))) if not every.is_empty() else every
    if rows.is_empty():
        return ()
    indexes = ", ".join(str(i) for i in sorted(rows["rar"].unique().to_list()))
    return (f"{_count(rows.height, label + ' row')} of year index {indexes}, which no #RAR declares, "
            f"{'is' if rows.height == 1 else 'are'} left out ({rows['period'].min()} – {rows['period'].max()}, "
            f"first at line {rows['rad'].min()}): no year holds them; export the file again, or correct their "
            "year index",)


def _misdated(rows: pl.DataFrame, year: Year, label: str) -> tuple[str, ...]:
    """A note on the `label` rows of `year` (its #RAR index) that are dated outside it: kept as dated
    (the export numbers its years otherwise than its #RAR dates them), said, since the table's periods
    then belong to another year file than `--year` suggests."""
    if rows.is_empty():
        return ()
    outside = rows.filter(~_in_year(year))["period"]
    if outside.is_empty():
        return ()
    return (f"{_count(outside.len(), label + ' row')} of {year.describe()} {'is' if outside.len() == 1 else 'are'} "
            f"dated outside it ({outside.min()} – {outside.max()}): kept as dated, so the table's periods are "
            "those (the year file of that year reads them)",)


def period_totals(rows: pl.DataFrame) -> pl.DataFrame:
    """Per account and month of #PSALDO or #PBUDGET rows: period, konto, belopp (öre), rad (the first line).

    The total is the `{}` row. An account and month without one takes it from its object rows of one
    set of dimensions: the set that gives the most (in size; then the fewest dimensions, then the lowest
    numbers), since in a file that breaks totals down each set adds up to the total or leaves a part
    of it unattributed (`{1}` 600 beside `{20}` 1 000 is a total of 1 000): typ3.se writes some budgets
    on objects only, and those are the budget.
    """
    keys = ["period", "konto"]
    columns = [c for c in rows.columns if c.startswith("dim_")]
    others = OTHERS in rows.columns
    totals = rows.filter(pl.col("total")).group_by(keys).agg(pl.col("belopp").sum(), pl.col("rad").min())
    objects = rows.filter(~pl.col("total")).join(totals, on=keys, how="anti")
    if objects.is_empty() or not (columns or others):
        return totals
    by_set = (
        objects.with_columns(_named(columns, others, 6, ",").alias("_set"))
        .group_by(*keys, "_set").agg(pl.col("belopp").sum(), pl.col("rad").min())
        .sort(pl.col("belopp").abs(), pl.col("_set").str.count_matches(",", literal=True), "_set",
              descending=[True, False, False])
        .unique(keys, keep="first", maintain_order=True)
    )
    return pl.concat([totals, by_set.select(totals.columns)])


def _breakdown(rows: pl.DataFrame, dims: list[int], first: int | None = None
               ) -> tuple[pl.DataFrame, int, pl.DataFrame, pl.DataFrame]:
    """#PSALDO or #PBUDGET read as totals (`period_totals`) and breakdowns, per account and month.

    The object rows of a set of the mapped dimensions break the total down, one set at a time, from the
    finest to the coarsest in a chain of sets each within the one before: first the set that names
    exactly the mapped dimensions, or the largest that the account and month has (a set with dimension
    `first`, the förvaltning's, before one without; then the lowest numbers); then a set within it
    (`{1 …}` after `{1 … 20 …}`), which places what the finer rows leave of each of its objects (a stab's
    money without a verksamhet), where it has a row of every object they have money on (else the sets
    disagree, and the chain ends before it); then what the coarsest leave of the total, with no objects
    (an empty key). So a file that breaks its totals down one dimension at a time gives the stab from `{1 …}` rows
    with the verksamhet under an empty key, and one that breaks them down by `{1 … 20 …}` too gives
    both, with no money of a stab left without it.

    A set that also names dimensions that are not mapped (`{1 "Nord" 6 "P1"}` when 6 is not) stands for
    its mapped dimensions, summed over the others, only where the account and month has no row of those
    alone (of the fewest others, then the lowest numbers). A total and its object rows are never added
    together, nor two sets of one account and month, so nothing is counted twice.

    Returns the rows (period, konto, belopp, rad, `dim_<d>` of `dims`), how many object rows (summed
    over other dimensions) were used, the first set used per account and month short of every mapped
    dimension (period, konto, `_set`: `"1"`, `"1 6"`), the sets used that name other dimensions
    (period, konto, `_set`, `_extra`), and the account-months whose sets disagree (period, konto)."""
    keys = ["period", "konto"]
    columns = [c for c in rows.columns if c.startswith("dim_")]
    wanted = [f"dim_{d}" for d in dims if f"dim_{d}" in columns]
    others = [c for c in columns if c not in wanted]
    named_others = OTHERS in rows.columns  # the other dimensions, named by the reader (`read_sie`'s `dimensions`)
    outputs = [f"dim_{d}" for d in dims]
    short = pl.DataFrame(schema={"period": pl.String, "konto": pl.String, "_set": pl.String})
    extra = short.with_columns(_extra=pl.lit(None, pl.String))
    parts = [pl.DataFrame(schema={**{k: pl.String for k in keys}, "belopp": pl.Int64, "rad": pl.Int64,
                                  **{c: pl.String for c in outputs}})]
    covered = pl.DataFrame(schema={**{k: pl.String for k in keys}, "belopp": pl.Int64})
    stopped = pl.DataFrame(schema={k: pl.String for k in keys})  # account-months whose chain ended early
    used = 0
    if wanted:
        any_other = bool(others) or named_others
        counted = [pl.col(c).is_not_null().cast(pl.UInt32) for c in others]
        if named_others:
            counted.append(pl.col(OTHERS).str.count_matches(",", literal=True).cast(pl.UInt32) + 1)
        candidates = (
            rows.filter(~pl.col("total") & pl.any_horizontal(pl.col(c).is_not_null() for c in wanted))
            .with_columns(_set=_named(wanted, False), _extra=_named(others, named_others) if any_other else pl.lit(""),
                          _nx=pl.sum_horizontal(counted).fill_null(0) if any_other else pl.lit(0),
                          _xorder=_named(others, named_others, 6, ",") if any_other else pl.lit(""))
        )
        # per account, month and set: the rows of the fewest other dimensions, summed over them
        alone = (candidates.group_by(*keys, "_set", "_extra", "_nx", "_xorder").len()
                 .sort("_nx", "_xorder").unique([*keys, "_set"], keep="first", maintain_order=True))
        extra = alone.filter(pl.col("_extra") != "").select(*keys, "_set", "_extra")
        sets = (candidates.join(alone.select(*keys, "_set", "_extra"), on=[*keys, "_set", "_extra"], how="semi")
                .group_by(*keys, "_set", *wanted).agg(pl.col("belopp").sum(), pl.col("rad").min().cast(pl.Int64)))
        used = sets.height
        # each account and month's chain of sets (worked out once per kind of account and month); a set
        # summed over other dimensions is marked `+`: it ranks after the sets of mapped dimensions alone
        # (it may cover a part only, a project's), and is never a coarser level below one of them
        tagged = sets.select(*keys, "_set").unique().join(alone.select(*keys, "_set", "_nx"), on=[*keys, "_set"])
        kinds = tagged.group_by(keys).agg(
            (pl.col("_set") + pl.when(pl.col("_nx") > 0).then(pl.lit("+")).otherwise(pl.lit(""))).sort()
            .str.join("|").alias("_sets"))
        order = [c[4:] for c in wanted]
        chain_rows = []
        for text in kinds["_sets"].unique().to_list():
            ranked = sorted(((frozenset(x.rstrip("+").split()), x.endswith("+")) for x in text.split("|")),
                            key=lambda s: (str(first) not in s[0], s[1], -len(s[0]), sorted(int(d) for d in s[0])))
            chain = [ranked[0]]
            for st, summed in ranked[1:]:
                if st < chain[-1][0] and (chain[-1][1] or not summed):
                    chain.append((st, summed))
            chain_rows += [(text, " ".join(d for d in order if d in st), level) for level, (st, _) in enumerate(chain)]
        levels = pl.DataFrame(chain_rows, schema={"_sets": pl.String, "_set": pl.String, "_level": pl.Int32},
                              orient="row")
        placed = sets.join(kinds, on=keys).join(levels, on=["_sets", "_set"], how="inner")
        short = placed.filter((pl.col("_level") == 0) & (pl.col("_set").str.count_matches(" ") + 1 < len(dims))
                              ).select(*keys, "_set").unique().sort(keys)
        extra = extra.join(placed.select(*keys, "_set").unique(), on=[*keys, "_set"], how="semi")
        cover = None  # per account and month, what its sets so far cover, per object of the last
        for level in range(placed["_level"].max() + 1 if placed.height else 0):
            these = placed.filter(pl.col("_level") == level)
            if cover is None:
                parts.append(these.select(*keys, "belopp", "rad", *wanted, _kept=pl.lit(True)))
                cover = these.select(*keys, *wanted, "belopp")
                continue
            these = these.join(stopped, on=keys, how="anti")
            # what the finer sets cover, by this set's objects
            below = (cover.join(these.select(*keys, "_set").unique(), on=keys)
                     .with_columns(pl.when(pl.col("_set").str.split(" ").list.contains(pl.lit(c[4:]))).then(pl.col(c))
                                   .alias(c) for c in wanted)
                     .group_by(*keys, *wanted).agg(pl.col("belopp").sum().alias("_below")))
            # a set that lacks an object the finer ones have money on, or whose object is less than they
            # give it (or of the other sign), is no breakdown of them (the file's sets disagree): the
            # account and month keeps the finer ones, and the total the rest
            joined = below.filter(pl.col("_below") != 0).join(these, on=[*keys, *wanted], how="left", nulls_equal=True)
            disagree = (pl.col("belopp").is_null() | (pl.col("belopp").sign() != pl.col("_below").sign())
                        | (pl.col("_below").abs() > pl.col("belopp").abs()))
            stray = joined.filter(disagree).select(keys).unique()
            stopped = pl.concat([stopped, stray])
            these = these.join(stray, on=keys, how="anti")
            below = below.join(stray, on=keys, how="anti")
            parts.append(these.join(below, on=[*keys, *wanted], how="left", nulls_equal=True)
                         .select(*keys, pl.col("belopp") - pl.col("_below").fill_null(0), "rad", *wanted))
            cover = pl.concat([cover.join(these.select(keys).unique(), on=keys, how="anti"),
                               these.select(*keys, *wanted, "belopp")])
        if cover is not None:
            covered = cover.group_by(keys).agg(pl.col("belopp").sum())
    totals = period_totals(rows).rename({"belopp": "total"})
    rest = (
        totals.join(covered.rename({"belopp": "delar"}), on=keys, how="full", coalesce=True)
        .select(*keys, (pl.col("total").fill_null(0) - pl.col("delar").fill_null(0)).alias("belopp"), "rad")
    )
    frame = pl.concat([*(p.select(*keys, "belopp", pl.col("rad").cast(pl.Int64),
                                  *(pl.col(c) if c in p.columns else pl.lit(None, pl.String).alias(c) for c in outputs),
                                  _kept=pl.col("_kept") if "_kept" in p.columns else pl.lit(False))
                         for p in parts),
                       rest.select(*keys, "belopp", pl.col("rad").cast(pl.Int64),
                                   *(pl.lit(None, pl.String).alias(c) for c in outputs), _kept=pl.lit(False))])
    # (an object row of 0 stays, as a voucher row of 0 does; what is left over is only where it is not 0)
    return (frame.filter((pl.col("belopp") != 0) | pl.col("_kept")).drop("_kept"), used, short, extra,
            stopped.unique().sort(keys))


def psaldo_reading(psaldo: pl.DataFrame, other: pl.DataFrame | None = None,
                   counted: set[str] | None = None) -> str:
    """How a file's #PSALDO (or #PBUDGET) object rows relate to its `{}` rows: "totals" or "parts".
    `other`: the file's other statement (#PBUDGET, or #PSALDO), which one program writes the same way:
    the evidence of both counts. `counted`: the accounts that reach the table (an account the mapping
    ignores, a balance account, tells nothing of the rows that are read), else every account.

    Most programs write `{}` as the account's total and object rows as breakdowns of it (Test3.SE:
    the rows of one dimension add up to `{}`). Some (Avendo's objektsaldo) write one row per object
    combination that was booked, `{}` being the part booked without objects, so that all rows add
    up to the total and an account booked only on objects has no `{}` row.

    The evidence is in an account and month with both a `{}` row (not 0) and object rows. For
    "totals", the object rows of one set of dimensions sum exactly to the `{}` row, or every set's
    sum is a part of it (same sign, no larger: objects may leave part of a total unattributed); for
    "parts", a set sums to more than the `{}` row or to the other sign (it is the part without
    objects), and an exact sum is chance. An exact sum counts three times as much as the others (in
    the real exports of totals they are most; in those of parts, none). A set that sums to 0 tells
    nothing. An account and month without a `{}` row where two sets of dimensions sum to the same
    amount (not 0) is a total broken down twice: evidence as a part is (sums alike may be chance).
    Even evidence reads as totals, the layout of most programs. A file without any evidence tells
    only by its accounts booked on objects alone, which either layout writes (a budget may be on
    objects only): "parts" where there are any (the readings differ only where an account has rows
    of several sets of dimensions). `reading_doubt` says when the evidence was even or none."""
    return _reading(psaldo, other, counted)[0]


def _beyond_totals(rows: pl.DataFrame, frame: pl.DataFrame, dims: list[str], counted: set[str],
                   label: str) -> tuple[str, ...]:
    """A note on the account-months whose object rows add up to more than their `{}` row (or to the other
    sign): the total is kept, and what is left of it, under an empty key, is of the other sign, a negative
    cost that no object had (found in review: said only as an amount without stab or verksamhet)."""
    keys = ["period", "konto"]
    totals = rows.filter(pl.col("total") & pl.col("konto").is_in(list(counted))).group_by(keys).agg(
        pl.col("belopp").sum().alias("_total"))
    rest = frame.filter(pl.all_horizontal(pl.col(c).is_null() for c in dims) if dims else pl.lit(True))
    beyond = (rest.group_by(keys).agg(pl.col("belopp").sum().alias("_rest")).join(totals, on=keys)
              .filter((pl.col("_rest") != 0) & (pl.col("_rest").sign() != pl.col("_total").sign()))
              .sort("konto", "period"))
    if not dims or not beyond.height:
        return ()
    first = beyond.row(0, named=True)
    return (f"in {_count(beyond.height, 'account-month')} ({first['konto']} {first['period']} first: objects "
            f"{kr(first['_total'] - first['_rest'])} against {{}} {kr(first['_total'])}) the {label} object rows add "
            f"up to more than their {{}} row: the {{}} row is kept as the total, and the difference "
            f"({kr(first['_rest'])}) is booked without objects (ej fördelat); correct the export if the objects "
            "should add up to it",)


def reading_doubt(psaldo: pl.DataFrame, other: pl.DataFrame | None, label: str,
                  counted: set[str] | None = None) -> tuple[str, ...]:
    """A note where `psaldo_reading` read on even evidence, or read parts on none or on little (`_THIN`)."""
    reading, doubt = _reading(psaldo, other, counted)
    if doubt is None:
        return ()
    if doubt == "none":
        return (f"nothing in the file tells how its {label} object rows relate to its {{}} rows (no account and "
                "month has both, nor two sets of object rows that add up alike): read as one row per object "
                "combination booked, all rows summed; if they are totals broken down, this counts money more "
                "than once: compare the summary with the ekonomisystem's report",)
    if doubt[0] == "thin":
        _, n, totals = doubt
        against = f", against {totals} read as a total broken down" if totals else ""
        return (f"the {label} rows were read as one row per object combination booked, all rows summed, on the "
                f"evidence of {n} account-month{'s' if n != 1 else ''} whose object rows add up to more than its {{}} "
                f"row (or to the other sign){against}; if the {{}} rows are totals broken down, this counts money "
                "more than once: compare the summary with the ekonomisystem's report",)
    exact, within, beyond = doubt
    return (f"the {label} rows could be written either way: {exact + within} account-month"
            f"{'s' if exact + within != 1 else ''} read as a total broken down by object rows, {beyond} as "
            "object rows that are parts of it; read as totals (the layout of most programs); compare the "
            "summary with the ekonomisystem's report",)


_THIN = 2  # a reading as parts on the evidence of this many account-months or fewer is said (`reading_doubt`)


def _reading(psaldo: pl.DataFrame, other: pl.DataFrame | None, counted: set[str] | None):
    """`psaldo_reading`'s reading, and what `reading_doubt` says of it (the even counts, "none", or None)."""
    found = [e for e in (_evidence(rows, counted) for rows in (psaldo, other) if rows is not None) if e is not None]
    if found:
        exact, within, beyond = (sum(x) for x in zip(*found))
        score = 3 * exact + within
        if score < beyond <= _THIN:  # parts on the word of an account-month or two: said (one object row beyond
            # its total read a whole file as parts, adding its object rows to its totals; found by a library user)
            return "parts", ("thin", beyond, exact + within)
        return ("totals" if score >= beyond else "parts"), ((exact, within, beyond) if score == beyond else None)
    rows = psaldo if counted is None else psaldo.filter(pl.col("konto").is_in(list(counted)))
    if rows.is_empty() or rows["total"].all():
        return "totals", None
    keys = ["rar", "period", "konto"]
    totals = rows.filter(pl.col("total")).select(keys).unique()
    alone = rows.filter(~pl.col("total") & (pl.col("belopp") != 0)).join(totals, on=keys, how="anti")
    return ("parts", "none") if alone.height else ("totals", None)


def _evidence(rows: pl.DataFrame, counted: set[str] | None = None) -> tuple[int, int, int] | None:
    """The account-months of `rows` (of the `counted` accounts) that tell the layouts apart
    (`psaldo_reading`), counted: those whose object rows of a set of dimensions sum exactly to the
    total, those whose sets all sum to a part of it, and the rest; None where none tells."""
    if counted is not None:
        rows = rows.filter(pl.col("konto").is_in(list(counted)))
    if rows.is_empty() or rows["total"].all():
        return None
    columns = [c for c in rows.columns if c.startswith("dim_")]
    keys = ["rar", "period", "konto"]
    flags = [pl.col(c).is_not_null().cast(pl.String) for c in columns]
    if OTHERS in rows.columns:  # (the other dimensions a row names, as the reader named them)
        flags.append(pl.col(OTHERS).fill_null(""))
    signature = pl.concat_str(flags) if flags else pl.lit("")
    objects = (rows.filter(~pl.col("total")).with_columns(signature.alias("_sig"))
               .group_by(*keys, "_sig").agg(pl.col("belopp").sum())
               .filter(pl.col("belopp") != 0))  # (a set of 0 tells nothing)
    totals = rows.filter(pl.col("total")).group_by(keys).agg(pl.col("belopp").sum().alias("total"))
    joined = objects.join(totals, on=keys, how="left")
    belopp, total = pl.col("belopp"), pl.col("total")
    months = (joined.filter(total.is_not_null() & (total != 0)).group_by(keys)
              .agg(_exact=(belopp == total).any(),
                   _within=((belopp.sign() == total.sign()) & (belopp.abs() <= total.abs())).all()))
    # without a `{}` row: two sets that sum to one amount are one total broken down twice
    twice = (joined.filter(total.is_null()).group_by(keys)
             .agg(_alike=pl.len() > belopp.n_unique()).filter(pl.col("_alike")).height)
    if not months.height and not twice:
        return None
    exact = months["_exact"].sum()
    within = months.filter(~pl.col("_exact") & pl.col("_within")).height + twice  # (sums alike may be chance)
    return exact, within, months.height + twice - exact - within


@dataclass(frozen=True)
class Check:
    """The import compared with the file's #PSALDO for the year, per account and month."""

    note: str  # what was compared, or why nothing was
    differences: pl.DataFrame  # period, konto, importerat, psaldo (öre); empty when they agree
    unnamed: tuple[str, ...] = ()  # imported accounts the year's #PSALDO has no row for at all (compared as 0)
    unchecked: tuple[str, ...] = ()  # months imported that the file has no #PSALDO for (not compared)


def psaldo_check(sie, year: Year, mapping: LedgerMapping, facts: pl.DataFrame) -> Check:
    """Compare the imported total per account and month with the file's #PSALDO of the year.

    The months are those the year's #PSALDO rows cover (an account without a row there has 0); the
    accounts are every #PSALDO account the mapping does not ignore (result accounts; balance
    accounts are ignored by a sound mapping), also accounts no prefix matches. The reference is
    the `{}` row, or the sum of all rows when the file writes #PSALDO as parts (`psaldo_reading`).
    """
    empty = pl.DataFrame(schema={"period": pl.String, "konto": pl.String, "importerat": pl.Int64, "psaldo": pl.Int64})
    rows = year_psaldo(sie, year)
    if rows.is_empty():
        return Check("not checked: the file has no #PSALDO for this year", empty)
    reading = psaldo_reading(sie.psaldo, sie.pbudget, counted_accounts(mapping, sie.psaldo, sie.pbudget))
    reference = rows if reading == "parts" else period_totals(rows)
    objects_only = 0 if reading == "parts" else reference.height - rows.filter(pl.col("total")).select(
        "period", "konto").n_unique()
    if reference.is_empty():
        return Check("not checked: the file's #PSALDO for this year has object rows only, no {} totals", empty)
    reference = reference.group_by("period", "konto").agg(pl.col("belopp").sum().alias("psaldo"))
    accounts = reference["konto"].unique().to_list()
    compared = [k for k in accounts if mapping.slag_of(k) != "ignorera"]
    months = sorted(reference["period"].unique().to_list())
    reference = reference.filter(pl.col("konto").is_in(compared))
    # an imported account without any #PSALDO row in the year is compared as 0: a balance account mapped
    # by mistake shows so (an export whose #PSALDO names some accounts only: --accept-psaldo-differences)
    in_months = facts.filter(pl.col("period").is_in(months))
    unnamed = sorted(set(in_months["konto"].unique().to_list()) - set(accounts))
    if not compared and not unnamed:  # nothing to compare: not "0 accounts × 1 month: equal" (found in review)
        return Check("not checked: the file's #PSALDO for this year is of accounts the mapping ignores only",
                     empty, (), tuple(sorted(facts["period"].unique().to_list())))
    imported = (in_months.group_by("period", "konto")
                .agg(pl.col("belopp").sum().alias("importerat")))
    differences = (
        imported.join(reference, on=["period", "konto"], how="full", coalesce=True)
        .with_columns(pl.col("importerat", "psaldo").fill_null(0))
        .filter(pl.col("importerat") != pl.col("psaldo"))
        .select(empty.columns).sort("konto", "period")
    )
    unchecked = sorted(set(facts["period"].unique().to_list()) - set(months))
    how = "all rows summed, as the file writes parts" if reading == "parts" else "the {} rows"
    if objects_only:
        how += f"; object rows for {_count(objects_only, 'account-month')} without one"
    # (a month inside the span without a #PSALDO row is named: '11 months (2025-01 – 2025-12)' hid May; found in review)
    note = (f"checked against #PSALDO ({how}): {_count(len(compared) + len(unnamed), 'account')} × "
            f"{_count(len(months), 'month')} ({_span_without(months)})")
    if unchecked:  # (a clause of its own after the comparison's result, which the summary puts after the span)
        note += f"; not checked, no #PSALDO: {_span_without(unchecked)}"
    if unnamed:
        listed = ", ".join(unnamed[:8]) + (", …" if len(unnamed) > 8 else "")
        note += f"; {_count(len(unnamed), 'account')} without any #PSALDO row in the year ({listed}), compared as 0"
    return Check(note, differences, tuple(unnamed), tuple(unchecked))


# ---------------------------------------------------------------------------------------------
# Warnings: vouchers that do not balance, accruals reversed later in the year

# (the warnings of one kind list at most LISTED too; the rest are counted)
ACCRUAL_FACTOR = 20  # a month beyond this many times the account's usual month stands out
_VER = re.compile(rb"#VER[ \t]")
_VER_FIELDS = re.compile(rb'#VER[ \t]+("(?:[^"\\\r\n]|\\.)*"|[^ \t\r\n]+)[ \t]+("(?:[^"\\\r\n]|\\.)*"|[^ \t\r\n]+)')


def unbalanced(ledger: Ledger, encoding: str, vouchers: pl.DataFrame | None = None) -> list[str]:
    """Warnings for the vouchers whose rows in `ledger` (the #TRANS rows of a SIE file, `rad` their lines,
    `name` the file) do not sum to 0, by series and number; at most `LISTED`, then how many more.

    `vouchers`: those vouchers as the reader summed them (`read_sie`'s `summed`: #VER line `rad`, period,
    belopp), of the ledger's year; else the reader kept each voucher's rows but not its head, and the #VER
    lines are found in the file again, read in blocks (memory bounded by a block, not the file): a pass
    numbers the #VER lines (as the reader numbers lines: LF, CRLF and a lone CR each end one). A last pass
    reads series and number of the listed ones only, where any is listed.
    """
    from kfollow.sources.files import EXPORT_LIMIT, open_file

    if ledger.frame.is_empty():
        return []
    with open_file(ledger.name, EXPORT_LIMIT, "SIE file", display=ledger.name) as file:
        if vouchers is not None:
            vouchers = vouchers.select(head="rad", belopp="belopp", period="period").sort("head")
        else:
            lines = [line for line, _, _ in _ver_heads(file)]
            if not lines:
                return []
            heads = pl.DataFrame({"line": lines}, schema={"line": pl.Int64})
            vouchers = (
                ledger.frame.select(pl.col("rad").cast(pl.Int64), "belopp", "period").sort("rad")
                .join_asof(heads.with_columns(head=pl.col("line")), left_on="rad", right_on="line", strategy="backward")
                .group_by("head").agg(pl.col("belopp").sum(), pl.col("period").first())
                .filter(pl.col("belopp") != 0).sort("head", nulls_last=True)
            )
        listed = vouchers.head(LISTED)
        wanted = set(listed["head"].drop_nulls().to_list())
        fields = {line: _VER_FIELDS.match(chunk, at) for line, chunk, at in _ver_heads(file)
                  if line in wanted} if wanted else {}
    found = []
    for line, belopp, period in listed.iter_rows():
        match = fields.get(line)
        serie, nummer = (_unquoted(f.decode(encoding, "replace")) for f in match.groups()) if match else ("?", "?")
        found.append(f"warning: voucher {_blank(serie)} {_blank(nummer)} ({ledger.name}:{line}, {period}) does not "
                     f"balance: its #TRANS rows sum to {kr(belopp)}, not 0")
    if vouchers.height > LISTED:
        found.append(f"warning: and {_count(vouchers.height - LISTED, 'more voucher')} that do not balance "
                     f"({vouchers.height} in all, {kr(vouchers['belopp'].sum())} together)")
    return found


def _ver_heads(file):
    """(line, chunk, offset) of each #VER that starts a line, read in blocks of whole lines: `chunk`
    holds the line at `offset`. Lines end at LF, CRLF or a lone CR (in a file without lone CRs
    that is the LF count, as the reader counts)."""
    base, carry = 0, b""
    for block in itertools.chain(file.blocks(), [None]):
        if block is None:
            chunk, carry = carry, b""
        else:
            buffer = carry + block
            cut = buffer.rfind(b"\n") + 1 or buffer.rfind(b"\r", 0, len(buffer) - 1) + 1  # never between CR and LF
            if not cut:
                carry = buffer
                continue
            chunk, carry = buffer[:cut], buffer[cut:]
        count, previous = base, 0
        for m in _VER.finditer(chunk):
            at = m.start()
            if at and chunk[at - 1] not in b"\n\r" and not _starts_line(chunk, at):
                continue
            count += _line_ends(chunk, previous, at, None)
            previous = at
            yield count + 1, chunk, at
        base = count + _line_ends(chunk, previous, len(chunk), None)


def _starts_line(raw: bytes, at: int) -> bool:
    """Whether only spaces and tabs stand before `at` on its line."""
    begin = max(raw.rfind(b"\n", 0, at), raw.rfind(b"\r", 0, at)) + 1
    return not raw[begin:at].strip(b" \t")


def _line_ends(raw: bytes, start: int, end: int, ends: bytes | None) -> int:
    """The line ends in raw[start:end]: LF, or with `ends` None also lone CRs."""
    if ends is not None:
        return raw.count(ends, start, end)
    return raw.count(b"\n", start, end) + raw.count(b"\r", start, end) - raw.count(b"\r\n", start, end)


def _unquoted(field: str) -> str:
    if len(field) >= 2 and field[0] == field[-1] == '"':
        return re.sub(r'\\(["\\])', r"\1", field[1:-1])
    return field


def _blank(text: str | None) -> str:
    return text if text else '""'


def accruals(facts: pl.DataFrame) -> list[str]:
    """Warnings for possible accruals reversed: an account's month beyond `ACCRUAL_FACTOR` times its usual
    month (the median of its other booked months, the two largest left out), undone by a later month of
    the opposite sign and about the same size (half to twice it). At most `LISTED`, then how many more.

    A month of an account is the sum of its fact rows (whole-year budget rows aside); an account needs
    three booked months to have a usual one."""
    months = (
        facts.filter(pl.col("period").str.len_bytes() == 7)
        .group_by("konto", "period").agg(pl.col("belopp").sum())
        .filter(pl.col("belopp") != 0)
        .with_columns(pl.col("belopp").abs().alias("storlek"))
    )
    usual = (months.group_by("konto")
             .agg(pl.col("storlek").sort().head(pl.len() - 2).median().alias("vanlig"), pl.len().alias("n"))
             .filter(pl.col("n") >= 3))
    spikes = (months.join(usual, on="konto")
              .filter(pl.col("storlek").cast(pl.Float64) > ACCRUAL_FACTOR * pl.col("vanlig")))
    later = months.select("konto", pl.col("period").alias("tillbaka"), pl.col("belopp").alias("motsatt"),
                          pl.col("storlek").alias("motsatt_storlek"))
    reversed_ = (
        spikes.join(later, on="konto")
        .filter((pl.col("tillbaka") > pl.col("period")) & ((pl.col("belopp") > 0) != (pl.col("motsatt") > 0))
                & (2 * pl.col("motsatt_storlek") >= pl.col("storlek"))
                & (pl.col("motsatt_storlek") <= 2 * pl.col("storlek")))
        .sort("konto", "period", "tillbaka")
        .unique(["konto", "period"], keep="first", maintain_order=True)
    )
    found = [f"warning: possible accrual reversed: konto {konto}, {period} {kr(belopp)} (over {ACCRUAL_FACTOR}× its "
             f"usual month, {kr(int(half_away(Decimal(repr(vanlig)))))}) reversed {tillbaka} {kr(motsatt)}"
             for konto, period, belopp, vanlig, tillbaka, motsatt in
             reversed_.head(LISTED).select("konto", "period", "belopp", "vanlig", "tillbaka", "motsatt").iter_rows()]
    if reversed_.height > LISTED:
        found.append(f"warning: and {reversed_.height - LISTED} more possible accruals reversed")
    return found


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


def _span(periods: list[str]) -> str:
    if not periods:
        return "none"
    if len(periods) == 1:
        return periods[0]
    return f"{periods[0]} – {periods[-1]}"


def _span_without(periods: list[str]) -> str:
    """`_span` of months, naming those between the first and last that `periods` lacks: `2025-01 – 2025-12 without
    2025-05`, so that a span does not read as every month of it."""
    gaps = missing_months(periods)
    return _span(periods) + (f" without {', '.join(gaps)}" if gaps else "")


def missing_months(periods: list[str]) -> list[str]:
    """The months (YYYY-MM) between the first and the last month of `periods` that none of them is; a year's
    period (YYYY, a budget for the year) is no month."""
    months = sorted({p for p in periods if p is not None and len(p) == 7})
    if len(months) < 2:
        return []
    index = [int(p[:4]) * 12 + int(p[5:7]) - 1 for p in months]
    every = (f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index[0], index[-1] + 1))
    have = set(months)
    return [p for p in every if p not in have]


def month_gaps(name: str, rows: pl.DataFrame, label: str, balances: pl.DataFrame | None = None,
               several: bool = True, paid: frozenset[str] = frozenset()) -> list[str]:
    """A warning where the utfall `rows` of an export (every row read, ignored accounts too; `label` names them)
    have no row at all in a month between their first and last month: a kommun books every month (salaries), so
    the month is missing from the export, and every year-to-date figure would count it as 0 (found by an
    ekonomichef closing the year: May left out of a copy of the export gave an 11-month table, a summary that
    said so in passing, and a deviation of 33,7 mnkr that does not exist). `balances`: the file's #PSALDO rows
    of the year, which may have the month (the control against them then lists it); `several`: the table is of
    several förvaltningar, so that `check` refuses it (of one, it warns: a förvaltning may book now and then);
    `paid`: the months the table has personalkostnader in, so that `check` refuses a month between two of them
    (a payroll runs every month) in a table of one förvaltning too."""
    missing = missing_months(rows["period"].unique().to_list()) if not rows.is_empty() else []
    if not missing:
        return []
    first, last = rows["period"].min(), rows["period"].max()
    # a payroll as check counts one: from January on, every month but the missing ones and at most one more
    span = [p for p in missing_months([first[:4] + "-01", last]) + sorted({first[:4] + "-01", last}) if p <= last]
    unpaid = [p for p in span if p not in paid and p not in missing]
    payroll = (not several and first[:4] + "-01" in paid and len(unpaid) <= 1
               and any(any(p < m for p in paid) and any(p > m for p in paid) for m in missing))
    listed = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
    one = len(missing) == 1
    also = ""
    if balances is not None:
        held = sorted(set(balances["period"].unique().to_list()) & set(missing)) if not balances.is_empty() else []
        also = (f" (its #PSALDO has {', '.join(held)}: the control below lists the difference)" if held
                else " and no #PSALDO row either")
    return [f"{name}: the export has no {label + ' ' if label else ''}row in {listed}{also}, between its first and "
            f"last month ({first} – {last}): the table has no utfall for {'that month' if one else 'those months'}, "
            f"and every year-to-date figure counts {'it' if one else 'them'} as 0; export the year again with "
            f"{'that month' if one else 'those months'} (kfollow check "
            + ("refuses an utfall table without a month" if several else
               f"refuses {'it' if one else 'them'}: the table has personalkostnader before and after" if payroll
               else "warns of it") + ")"]


def sign_doubts(name: str, facts: pl.DataFrame, pair: bool = False) -> list[str]:
    """A warning where a table's intäkter (slag intakt) sum to a positive amount in ledger sign, or its kostnader to a
    negative one, for the whole table, else for a förvaltning of it (up to `LISTED`): an export with income as
    positive numbers (a budget report's way) adds the income to every nettokostnad instead of taking it off (found by
    a new user, h96: a budget export with class 3's signs flipped imported without a word, and deviation showed SOC's
    budget to date as 728 966 tkr where it is 406 667). `pair`: the mapping reads debet and kredit columns, which may
    be swapped."""
    if facts.is_empty():
        return []
    advice = ("check the export's sign convention (a report may give income as positive numbers) and export it again "
              "signed as the ledger is" + (", or whether the mapping's kolumner debet and kredit name each other's "
                                           "column" if pair else ""))

    def doubt(rows: pl.DataFrame, whose: str) -> str | None:
        sums = {kind: int(rows.filter(pl.col("slag") == kind)["belopp"].cast(pl.Int128).sum()) for kind in ("kostnad", "intakt")}
        # (an odd sign of a side under a hundredth of the other side is a correction, a January reversal, not an export
        # signed otherwise: SOC's +1 200 kr against 900 000 kr of costs was warned of; found in review, h106)
        income = sums["intakt"] > 0 and 100 * sums["intakt"] >= abs(sums["kostnad"])
        costs = sums["kostnad"] < 0 and 100 * -sums["kostnad"] >= abs(sums["intakt"])
        if not (income or costs):
            return None
        said = (f"intäkter (slag intakt) sum to {kr(sums['intakt'])} and its kostnader to {kr(sums['kostnad'])}"
                if income else
                f"kostnader (slag kostnad) sum to {kr(sums['kostnad'])} and its intäkter to {kr(sums['intakt'])}")
        why = ("income is negative (credit) and a cost positive (debit), so the signs are reversed and every "
               "nettokostnad would have the opposite sign" if income and costs else
               "income is negative (credit), so income is given as positive numbers and every nettokostnad would "
               "add it instead of taking it off" if income else
               "a cost is positive (debit), so costs are given as negative numbers and every nettokostnad would take "
               "them off instead of adding them")
        return f"{name}: {whose} {said}; in a ledger {why}: {advice}"

    if whole := doubt(facts, "the table's"):
        return [whole]
    fids = sorted(facts["forvaltning"].unique().to_list())
    if len(fids) < 2:
        return []
    lines = [line for fid in fids if (line := doubt(facts.filter(pl.col("forvaltning") == fid), f"förvaltning {fid}'s"))]
    return lines[:LISTED] + ([f"{name}: and {len(lines) - LISTED} more förvaltningar so signed"] if len(lines) > LISTED else [])


UNDECLARED_LISTED = 5  # the codes a warning of codes outside the export's registers lists at most


def undeclared(sie, ledgers: dict[str, Ledger], mapping: LedgerMapping) -> list[str]:
    """Warnings on codes that reach the tables and that the export's own registers do not declare: accounts without
    a #KONTO line (read as the mapping's prefix says, with no name; found by an ekonomichef: such an account was
    imported as a cost without a word), and objects of a mapped dimension without an #OBJEKT line, where the export
    declares that dimension's objects (a code booked by mistake, or a new ansvar not yet declared: what one asks
    the ekonomisystem's administrator about). One line each, listing up to `UNDECLARED_LISTED` codes with their
    rows and amounts per table (`ledgers`: kind → its ledger). None for an export that has no #KONTO at all."""
    every = {k for rows in ledgers.values() for k in rows.frame["konto"].unique().to_list()}
    counting = [k for k in every if mapping.slag_of(k) not in (None, "ignorera")]  # (per account, not per row)
    counted = {kind: rows.frame.filter(pl.col("konto").is_in(counting)) for kind, rows in ledgers.items()}
    out = []
    if sie.accounts:
        known = list(sie.accounts)
        found = {kind: frame.filter(~pl.col("konto").is_in(known)) for kind, frame in counted.items()}
        codes = sorted({k for frame in found.values() for k in frame["konto"].unique().to_list()})
        if codes:
            listed = [f"{k} ({mapping.slag_of(k)}: {_uses(found, ledgers, 'konto', k)})" for k in codes[:UNDECLARED_LISTED]]
            more = f" and {len(codes) - UNDECLARED_LISTED} more" if len(codes) > UNDECLARED_LISTED else ""
            out.append(f"{sie.path}: {_count(len(codes), 'account')} of the table{'s' if len(ledgers) > 1 else ''} "
                       f"{'has' if len(codes) == 1 else 'have'} no #KONTO line in the export, so no name, and "
                       f"{'is' if len(codes) == 1 else 'are'} read by the mapping's prefix: {', '.join(listed)}{more}; "
                       "check with the ekonomisystem's administrator that "
                       f"{'it is an account' if len(codes) == 1 else 'they are accounts'} of the kommun's chart")
    stray = []
    for column, (declared, register) in registers(sie, mapping).items():
        found = {kind: frame.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(list(declared)))
                 for kind, frame in counted.items() if column in frame.columns}
        for code in sorted({c for frame in found.values() for c in frame[column].unique().to_list()}):
            stray.append(f"{code} (dimension {column[4:]}: {_uses(found, ledgers, column, code)})")
    if stray:
        more = f" and {len(stray) - UNDECLARED_LISTED} more" if len(stray) > UNDECLARED_LISTED else ""
        out.append(f"{sie.path}: {_count(len(stray), 'object')} of the table{'s' if len(ledgers) > 1 else ''} "
                   f"{'has' if len(stray) == 1 else 'have'} no #OBJEKT line in the export, and {'is' if len(stray) == 1 else 'are'} "
                   f"read as the mapping says: {', '.join(stray[:UNDECLARED_LISTED])}{more}; ask the ekonomisystem's "
                   f"administrator whether {'it is a real object' if len(stray) == 1 else 'they are real objects'}, new "
                   "and not yet declared, or booked by mistake")
    return out


def _uses(found: dict[str, pl.DataFrame], ledgers: dict[str, Ledger], column: str, code: str) -> str:
    """How the rows of each table use a code: `utfall 8 rows, 1 652 599,40 kr, first at x.se:11466; budget …`
    (the table's kind named where there are two)."""
    parts = []
    for kind, frame in found.items():
        rows = frame.filter(pl.col(column) == code)
        if rows.is_empty():
            continue
        parts.append(f"{kind + ' ' if len(ledgers) > 1 else ''}{_count(row_count(rows), 'row')}, "
                     f"{kr(int(rows['belopp'].sum()))}, first at {ledgers[kind].where(int(rows['rad'].min()))}")
    return "; ".join(parts)
