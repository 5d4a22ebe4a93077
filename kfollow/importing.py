"""Importing an ekonomisystem export: the use case behind `kfollow import`, for the library too.

    import kfollow
    result = kfollow.import_sie("exempelby.se", "mapping.yaml", year="2024", budget=True)
    result.verify()              # raises when the utfall differs from the file's #PSALDO
    result.utfall.facts          # the fact table of utfall: facts.COLUMNS, belopp Int64 öre (cost +, income −)
    result.budget.facts          # the budget from #PBUDGET, the same columns
    result.note("utfall")        # the note written beside each table (`<table>.kalla.json`)

`import_sie` reads a SIE 4 export (utfall from #TRANS or #PSALDO, budget from #PBUDGET);
`import_csv` a CSV of booked rows, or of budget rows. Both map the rows (`sources.mapping`), sum
them to the fact table's key (`sources.ledger`), check the ids against the year file in `budgets`
when there is one, and return an `Import`. Nothing is written: the command checks where the tables
go against the year file that reads them (`Import.destinations`), then writes them with
`facts.facts_bytes` and the note with `Origin.note`. The messages include warnings about vouchers
that do not balance and accruals reversed later in the year (`ledger.unbalanced`, `ledger.accruals`).
"""

from __future__ import annotations

import functools
import re
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from kfollow.errors import DataError, KfollowError, UsageError, shown
from kfollow.sources import ledger, provenance
from kfollow.sources.facts import Known, Origin, check_ids, control_note
from kfollow.sources.mapping import LedgerMapping, read_mapping


@dataclass(frozen=True)
class Import:
    """What an import gives: its fact tables, their control totals, the messages and the origin."""

    export: str  # the export's path, for messages
    origin: Origin  # the note beside each table written
    about: tuple[tuple[str, str], ...]  # (label, text) for the summary: export, encoding
    utfall: ledger.Imported | None  # None when not asked for
    budget: ledger.Imported | None  # None when not asked for
    read: dict[str, str]  # "utfall"/"budget" → what was read: "year 0 (…) from #TRANS: 240 rows → 230 fact rows"
    check: ledger.Check | None  # SIE utfall against the file's #PSALDO
    messages: tuple[str, ...]  # "warning: …" and "note: …" lines, in the order they arose
    year: str | None = None  # the calendar year of the year read (an export's #RAR), where it is one
    split: bool = False  # the year read runs over two calendar years (a räkenskapsår of July–June): said once
    command: bool = False  # imported by `kfollow import`: messages name its options (`--year`), not `year=`

    def tables(self) -> dict[str, ledger.Imported]:
        """The imported tables by kind, utfall first."""
        return {kind: table for kind, table in (("utfall", self.utfall), ("budget", self.budget)) if table is not None}

    def differences(self) -> list[str]:
        """One line per account and month where the utfall differs from the file's #PSALDO."""
        if self.check is None:
            return []
        unnamed = set(self.check.unnamed)
        return [f"difference: konto {konto} {period}: imported {ledger.kr(ours)}, #PSALDO {ledger.kr(theirs)}"
                + (" (no #PSALDO row for the account in the year: mapped by mistake, or an export whose #PSALDO "
                   "is incomplete?)" if konto in unnamed else "")
                for period, konto, ours, theirs in self.check.differences.iter_rows()]

    def destinations(self, outputs: dict[str, Path | str], budgets: Path | str | None = None,
                     force_unnamed: bool = False) -> list[str]:
        """Check where the tables are to be written against the year file that reads them; the warnings.

        `outputs`: kind ("utfall", "budget") → the path to write. The year files looked at are the
        `YYYY.yaml` of `budgets`, else of the output's folder. A year file that names the output under
        `utfall_fil` (`budget_fil` for the budget) must be of the table's year: every period in it, else
        `UsageError` (the year file could not read the table). An output that no year file names, where
        the year file of the table's year is, is refused (`UsageError` naming the key to add), unless
        `force_unnamed`: then it is a warning, since no command reads the table until a year file names it.
        """
        warnings = []
        # (the tables this import writes get its kostnadsslag: their old notes are no other import's: found in review)
        written = frozenset(_real(Path(p)) for k, p in outputs.items() if self.tables().get(k) is not None)
        with _worded(self.command):
            for kind, path in outputs.items():
                table = self.tables().get(kind)
                if table is not None:
                    option = _OPTIONS[kind] if self.command else f'outputs["{kind}"]'
                    warnings += _destination(kind, Path(path), table.facts, budgets, force_unnamed, self.year,
                                             self.origin.kostnadsslag, written, self.split, option)
        return warnings if self.command else [_keywords(w) for w in warnings]

    def note(self, kind: str) -> str:
        """The note beside the table of `kind` ("utfall" or "budget"): the origin; what the control
        against #PSALDO found concerns the utfall alone (the budget, from #PBUDGET, is not checked so)."""
        origin = self.origin if kind == "utfall" else replace(self.origin, kontroll=None)
        return replace(origin, kontrollsummor=control_note(self.tables()[kind].facts)).note()

    def accepting_differences(self) -> "Import":
        """The import written in spite of its differences from #PSALDO, its note saying how many."""
        n = self.check.differences.height
        return replace(self, check=None, origin=replace(self.origin, kontroll=f"skiljer sig från #PSALDO i {n} "
                                                        f"konto-{'månader' if n != 1 else 'månad'}; skrevs ändå"))

    def verify(self) -> None:
        """`DataError` (exit 3) when the utfall differs from the file's #PSALDO: such an import is not written. (A
        `DataError`, as the docstrings said; its differences are in `check.differences`, which the command lists
        above it: found by a library user.)"""
        if self.check is None or self.check.differences.is_empty():
            return
        n = self.check.differences.height
        with _worded(self.command):
            raise DataError(self.export, None, None, f"the import differs from the file's #PSALDO in {n} account-month"
                            f"{'s' if n != 1 else ''} (listed above; Import.check.differences); nothing written. Check "
                            "konton (an account mapped by mistake) and --year, or re-export the file; where the file's "
                            "#PSALDO is known to be incomplete, write it anyway with --accept-psaldo-differences")


# a command's option → what a library call takes instead, for the messages of a library call (found by a library
# user: `import_csv(...)` told a caller with no options to use --year and --budget-out)
_KEYWORDS = ((r"--budgets \(or KFOLLOW_BUDGETS\)|--budgets", "the argument budgets"),
             (r"--budget-out and no -o", "budget=True and utfall=False"),
             (r"--budget-out", "budget=True"),
             (r"--year (-?[0-9]+)", r"year=\1"),
             (r"--year '", "year '"),
             (r"another --year", "another year"),
             (r"--year", "the argument year"),
             (r"--from (trans|psaldo)", r'source="\1"'),
             (r"--unmapped-empty", "unmapped_empty=True"),
             (r"--accept-psaldo-differences", "Import.accepting_differences()"),
             (r"--force-unnamed", "force_unnamed=True"))


def _keywords(text: str) -> str:
    """A message of the import in a library call's words: `year=2024` where the command says `--year 2024`."""
    for option, keyword in _KEYWORDS:
        text = re.sub(option, keyword, text)
    return text


@contextmanager
def _worded(command: bool):
    """`with _worded(command):` an error raised inside names the library call's keyword arguments, unless
    `command` (the command line's import, whose options its messages name)."""
    try:
        yield
    except KfollowError as error:
        if not command:
            problem = getattr(error, "problem", error.message)  # (a DataError's place, a path, left as it is)
            error.message = error.message[:len(error.message) - len(problem)] + _keywords(problem)
            error.args = (error.message,)
            if isinstance(error, DataError):
                error.problem = _keywords(problem)
        raise


def _in_words(function):
    """An import whose messages and errors name the library call's keyword arguments unless `command=True`."""
    @functools.wraps(function)
    def call(*args, **kwargs) -> "Import":
        command = kwargs.get("command", False)
        with _worded(command):
            result = function(*args, **kwargs)
        return result if command else replace(result, messages=tuple(map(_keywords, result.messages)))
    return call


@_in_words
def import_sie(path: Path | str, mapping: Path | str | LedgerMapping, year: str | int | None = None, *,
               source: str = "trans", utfall: bool = True, budget: bool = False, unmapped_empty: bool = False,
               budgets: Path | str | None = None, command: bool = False) -> Import:
    """Import a SIE 4 export: the year's utfall from #TRANS (`source` "trans") or #PSALDO ("psaldo"),
    and with `budget` its budget from #PBUDGET; money Int64 öre, debit positive.

    `year`: a #RAR index (0, -1, …) or a year YYYY; default 0. `budgets`: the folder of year files
    whose ids the import must use (none checked when None). Raises `DataError` (also when `budget`
    is asked for and the year has no #PBUDGET) or `UsageError`; differences from #PSALDO are in
    `check` (see `Import.verify`). Messages and errors name these keyword arguments (`year=2024`); with
    `command` (`kfollow import`'s own call), the command's options (`--year 2024`).
    """
    from kfollow.sources.sie import read_sie

    if not (utfall or budget):
        raise UsageError("import neither utfall nor budget: ask for one of them")
    if source not in ("trans", "psaldo"):
        raise UsageError(f"source '{source}' is neither trans nor psaldo")
    rules, mapping_name = _mapping(mapping, "sie")
    # (the dimensions it maps as columns, the rest only named; the #TRANS rows summed as read: memory of the sums)
    export = read_sie(path, rules.dimensions(), summed=True)
    ledger.check_export(export)
    messages = [f"warning: {warning}" for warning in export.warnings]
    chosen = ledger.pick_year(export, None if year is None else str(year))
    if chosen.index is not None and chosen.start[:4] != chosen.end[:4]:  # (a company's brutet räkenskapsår)
        messages.append(f"warning: {chosen.describe()} runs over two calendar years, which --year cannot split: the "
                        "table gets the rows of both, and a year file reads one calendar year's; export January–"
                        "December (a kommun's räkenskapsår is the calendar year)")
    ledgers, read = {}, {}
    if utfall:
        ledgers["utfall"] = ledger.sie_ledger(export, chosen, source, rules)
        read["utfall"] = f"{chosen.describe()} from #{source.upper()}" + (
            _layout(export.psaldo, export.pbudget, rules) if source == "psaldo" else "")
    if budget:
        ledgers["budget"] = ledger.budget_ledger(export, chosen, rules)
        read["budget"] = f"{chosen.describe()} from #PBUDGET{_layout(export.pbudget, export.psaldo, rules)}"
    known = ledger.registers(export, rules)
    ledgers = {kind: replace(rows, registers=known) for kind, rows in ledgers.items()}
    tables = _map(ledgers, rules, unmapped_empty, messages, budgets)
    check = ledger.psaldo_check(export, chosen, rules, tables["utfall"].facts) if utfall else None
    if check is not None and check.unchecked and check.unchecked[-1] == max(tables["utfall"].facts["period"].to_list()):
        # the month being closed, uncontrolled: said, not only in the summary (found by a new user)
        messages.append(f"warning: {shown(str(path))}: {check.unchecked[-1]}, the last month imported, has no #PSALDO "
                        "to check it against; export it with its period balances (#PSALDO) to have it checked")
    messages += [f"warning: {line}" for line in ledger.undeclared(export, ledgers, rules)]
    if utfall:  # a month without a single row between booked months: missing from the export
        label = "voucher (#TRANS)" if source == "trans" else "#PSALDO"
        messages += [f"warning: {line}" for line in ledger.month_gaps(
            shown(str(path)), ledgers["utfall"].frame, label,
            ledger.year_psaldo(export, chosen) if source == "trans" else None,
            tables["utfall"].facts["forvaltning"].n_unique() > 1, _paid(tables["utfall"], rules))]
    for kind, table in tables.items():  # (income as positive numbers: found by a new user)
        messages += [f"warning: {_prefix(kind, tables)}{line}" for line in ledger.sign_doubts(shown(str(path)), table.facts)]
    origin = ", ".join(x for x in (export.program, f"#GEN {export.generated}" if export.generated else None,
                                   export.company) if x)
    names = _names(tables, export.accounts)
    warnings = ledger.unbalanced(ledgers["utfall"], export.encoding, ledger.year_vouchers(export, chosen)) \
        if utfall and source == "trans" else []
    return Import(
        export=export.path,
        origin=Origin(Path(path).name, f"SIE {export.sietyp}", export.program, export.generated, export.encoding,
                      mapping_name, rules.kostnadsslag, names, export_sha256=provenance.fingerprint(path, 64)),
        about=(("export", f"SIE {export.sietyp}, {origin or 'no #PROGRAM or #GEN'}"), ("encoding", export.encoding)),
        utfall=tables.get("utfall"), budget=tables.get("budget"),
        read={kind: _read(text, tables[kind]) for kind, text in read.items()},
        check=check, messages=tuple(messages + _table_notes(tables) + warnings + _accruals(tables)),
        year=chosen.start[:4] if chosen.start[:4] == chosen.end[:4] else None,
        split=chosen.start[:4] != chosen.end[:4], command=command,
    )


@_in_words
def import_csv(path: Path | str, mapping: Path | str | LedgerMapping, year: int | str | None = None, *,
               budget: bool = False, unmapped_empty: bool = False, budgets: Path | str | None = None,
               command: bool = False) -> Import:
    """Import an ERP CSV export of booked rows (utfall), or with `budget` of budget rows, whose periods
    may also be whole years (`YYYY`, kept as the fact's period); money Int64 öre, debit positive.

    `year`: keep only the rows of this calendar year. `budgets` and `command` as for `import_sie`.
    """
    from kfollow.sources.erp_csv import read_erp_csv

    if year is not None:  # a year as text too, as import_sie takes it (`year="2024"` failed inside; found by a library user)
        if not str(year).isascii() or not str(year).isdigit() or len(str(year)) != 4:
            raise UsageError(f"year {year!r} is not a year; give it as 2024")
        year = int(year)
    rules, mapping_name = _mapping(mapping, "csv")
    export = read_erp_csv(Path(path), rules, budget=budget)
    rows = export.ledger
    if year is not None:
        kept = rows.frame.filter(pl.col("period").str.head(4) == f"{year:04d}")
        if kept.is_empty():
            present = sorted({p[:4] for p in rows.frame["period"].unique().to_list()})
            raise UsageError(f"{shown(str(path))} has no rows in {year}; its years: {', '.join(present) or 'none'}")
        outside = rows.frame.filter(pl.col("period").str.head(4) != f"{year:04d}")
        notes = rows.notes
        if outside.height:  # said with what they hold, as the SIE import says its #TRANS outside the year
            years = ", ".join(sorted({p[:4] for p in outside["period"].to_list()}))
            total = ledger.kr(int(outside["belopp"].cast(pl.Int128).sum()))
            # (by slag where they are of several: a cost and its bank row net to 0,00 kr, which said nothing of the
            # cost left out; found by an ekonomisystem administrator)
            slag = {k: rules.slag_of(k) for k in outside["konto"].unique().to_list()}
            sums = {kind: int(outside.filter(pl.col("konto").is_in([k for k, v in slag.items() if v == kind]))["belopp"]
                              .cast(pl.Int128).sum()) for kind in ("kostnad", "intakt", "ignorera")}
            parts = [f"kostnader {ledger.kr(sums['kostnad'])}" if sums["kostnad"] else "",
                     f"intäkter {ledger.kr(-sums['intakt'])}" if sums["intakt"] else "",
                     f"ignorerat {ledger.kr(sums['ignorera'])}" if sums["ignorera"] else ""]
            parts = [x for x in parts if x]
            split = f" ({', '.join(parts)})" if len(parts) > 1 else ""
            notes += (f"{_count(outside.height, 'row')} of {years} left out (--year {year}), together {total}{split}",)
        rows = ledger.Ledger(rows.name, kept, rows.line, notes=notes, field=rows.field)
    kind = "budget" if budget else "utfall"
    messages: list[str] = [f"warning: {warning}" for warning in export.warnings]
    tables = _map({kind: rows}, rules, unmapped_empty, messages, budgets)
    messages += [f"warning: {line}" for line in ledger.sign_doubts(  # (income as positive numbers: found by a new user)
        shown(str(path)), tables[kind].facts, rules.kolumner is not None and rules.kolumner.debet is not None)]
    if not budget:  # (a budget may be given for a few months by design)
        messages += [f"warning: {line}" for line in ledger.month_gaps(
            shown(str(path)), rows.frame, "", several=tables[kind].facts["forvaltning"].n_unique() > 1,
            paid=_paid(tables[kind], rules))]
    return Import(
        export=rows.name,
        origin=Origin(Path(path).name, "CSV", None, None, export.encoding, mapping_name, rules.kostnadsslag,
                      _names(tables, export.accounts), objekt=tables[kind].object_names,
                      export_sha256=provenance.fingerprint(path, 64)),
        about=(("export", f"CSV, {export.separator} separated"), ("encoding", export.encoding)),
        utfall=tables.get("utfall"), budget=tables.get("budget"),
        read={kind: _read("all rows" if year is None else str(year), tables[kind])},
        check=None, messages=tuple(messages + _table_notes(tables) + _accruals(tables)), command=command,
    )


def _paid(table: ledger.Imported, rules: LedgerMapping) -> frozenset[str]:
    """The months (YYYY-MM) in which `table` books personalkostnader: its accounts of kostnadsslag `personal`, the
    mapping's where it defines kostnadsslag, else the default (class 5), as `check` groups them by the year's."""
    from kfollow.sources.kostnadsslag import account_group
    from kfollow.store import DEFAULT_KOSTNADSSLAG

    groups = rules.kostnadsslag or DEFAULT_KOSTNADSSLAG
    facts = table.facts.filter(pl.col("belopp") != 0)
    personal = [k for k in facts["konto"].unique().to_list() if account_group(k, groups) == "personal"]
    return frozenset(facts.filter(pl.col("konto").is_in(personal))["period"].unique().to_list())


def _names(tables: dict[str, ledger.Imported], accounts: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """(konto, name) of the accounts in the tables that the export names, for the tables' note."""
    used = sorted({k for t in tables.values() for k in t.facts["konto"].unique().to_list()})
    return tuple((k, accounts[k]) for k in used if accounts.get(k))


def _mapping(mapping: Path | str | LedgerMapping, kind: str) -> tuple[LedgerMapping, str]:
    rules = mapping if isinstance(mapping, LedgerMapping) else read_mapping(Path(mapping))
    rules.require(kind)
    return rules, Path(rules.fil).name


def _layout(frame: pl.DataFrame, other: pl.DataFrame, rules: LedgerMapping) -> str:
    """How #PSALDO or #PBUDGET rows were read (`other`: the file's other statement), for the summary."""
    if ledger.psaldo_reading(frame, other, ledger.counted_accounts(rules, frame, other)) == "parts":
        return " (written as parts: all rows summed)"
    return " ({} totals, broken down by the rows of exactly the mapped dimensions, or of as many of them as an " \
           "account and month has, and what those leave by fewer)"


def _read(what: str, table: ledger.Imported) -> str:
    """What was read, for the summary; with the fact rows that have neither stab nor verksamhet (ej fördelat), a
    standing fact of a mapping that leaves a förvaltning without staber on purpose: in the summary, not a note
    repeated above it on every run (found in review, h61)."""
    bare, amount, costs = table.without_key
    gross = f"net {ledger.kr(amount)}: kostnader {ledger.kr(costs)}, intäkter {ledger.kr(costs - amount)}" \
        if costs not in (0, amount) else ledger.kr(amount)
    without = ""
    if bare:  # whose they are: 'ej fördelat' alone sent a new user looking for money no table shows so, where it is
        # the summa of a förvaltning written without staber (found by a new user, h164)
        keyless = (pl.col("stab").is_null() | (pl.col("stab") == "")) & \
            (pl.col("verksamhet").is_null() | (pl.col("verksamhet") == ""))
        fids = sorted(table.facts.filter(keyless)["forvaltning"].drop_nulls().unique().to_list())
        named = ", ".join(fids[:5]) + (f" and {len(fids) - 5} more" if len(fids) > 5 else "")
        whose, its = (f"all of {named}", "its") if len(fids) == 1 else (f"of {named}", "each one's")
        without = (f", {bare} without stab or verksamhet, {shown(whose)} ({its} summa where its year file has neither "
                   f"staber nor verksamheter, else its row Ej fördelat; {gross})")
    return f"{what}: {_count(table.rows, 'row')} → {_count(table.facts.height, 'fact row')}{without}"


def _map(ledgers: dict[str, ledger.Ledger], rules: LedgerMapping, unmapped_empty: bool, messages: list[str],
         budgets: Path | str | None) -> dict[str, ledger.Imported]:
    """Each ledger mapped and summed, its ids checked against the year file; the ledgers' notes to `messages`."""
    tables = {}
    for kind, rows in ledgers.items():
        messages.extend(f"note: {_prefix(kind, ledgers)}{note}" for note in rows.notes)
        tables[kind] = ledger.apply_mapping(rows, rules, unmapped_empty)
        messages.extend(f"warning: {_prefix(kind, ledgers)}{warning}" for warning in tables[kind].warnings)
    if budgets is not None:
        _check_ids(tables, rules, Path(budgets), messages)
    return tables


def _prefix(kind: str, tables: dict) -> str:
    """Messages about the budget say so when utfall is imported too."""
    return f"{kind}: " if kind == "budget" and "utfall" in tables else ""


def _table_notes(tables: dict[str, ledger.Imported]) -> list[str]:
    """The notes on each table's rows: the objects put under an empty key (`unmapped_empty`); the rows with no key at
    all are counted in the summary (`_read`)."""
    notes = []
    for kind, table in tables.items():
        prefix = _prefix(kind, tables)
        notes += [f"note: {prefix}--unmapped-empty: {line}" for line in table.unmapped[:ledger.LISTED]]
        if len(table.unmapped) > ledger.LISTED:
            more = f"{len(table.unmapped) - ledger.LISTED:,}".replace(",", " ")
            notes.append(f"note: {prefix}--unmapped-empty: and {more} more objects the mapping lacks")
    return notes


def _check_ids(tables: dict[str, ledger.Imported], rules: LedgerMapping, folder: Path, messages: list[str]) -> None:
    """The ids of every table against the year file of its year in `folder`; a note when there is none."""
    from kfollow.sources.year_file import load_year_file

    if not folder.is_dir():  # a folder named and not there: no id would be checked (found by a new user, exit 0)
        from kfollow.errors import InputOutputError

        what = "is not a folder" if folder.exists() else "is not there"
        raise InputOutputError(f"{shown(str(folder))}: the budgets folder whose ids the import must use {what}; "
                               "check --budgets (or KFOLLOW_BUDGETS)")
    periods = pl.concat([t.facts["period"].drop_nulls() for t in tables.values()])
    if periods.is_empty():
        return
    year = periods.min()[:4]
    path = next((folder / f"{year}.{ext}" for ext in ("yaml", "yml") if (folder / f"{year}.{ext}").is_file()), None)
    if path is None:
        messages.append(f"note: ids not checked against a year file: there is no {year}.yaml in {folder} "
                        "(--budgets names the folder)")
        return
    info = load_year_file(path, outcome=False)
    stab_rows = info.amounts.filter(pl.col("vy") == "stab")
    known = Known(int(year), {fid: set(stab_rows.filter(pl.col("forvaltning") == fid)["nyckel"].to_list())
                              for fid in info.info.forvaltningar}, set(info.info.verksamheter))
    at = {name: (rules.fil, key.line, key.column) if key is not None else (rules.fil, None, None)
          for name, key in (("forvaltning", rules.forvaltning), ("stab", rules.stab), ("verksamhet", rules.verksamhet))}
    written = {name: {i: (rules.fil, *place) for i, place in key.objekt.written.items()}
               for name, key in (("forvaltning", rules.forvaltning), ("stab", rules.stab), ("verksamhet", rules.verksamhet))
               if key is not None and key.objekt is not None}
    for table in tables.values():
        check_ids(table.facts, known, str(path), at, written, functools.partial(_elsewhere, folder, year))


def _elsewhere(folder: Path, year: str, key: str, value: str, fid: str | None) -> list[tuple[str, str | None]]:
    """The other year files of `folder` that have the id `value` of `key` (forvaltning, stab or verksamhet), as
    (file, the förvaltning a stab is of: `fid`'s where it is one of its staber), nearest year first; a year file that
    cannot be read is passed over (its own loading says why)."""
    from kfollow.sources.year_file import load_year_file

    found = []
    for other, path in sorted(_year_files(folder).items(), key=lambda item: (abs(int(item[0]) - int(year)), item[0])):
        if other == year:
            continue
        try:
            info = load_year_file(path, outcome=False)
        except KfollowError:
            continue
        if key == "forvaltning" and value in info.info.forvaltningar:
            found.append((str(path), None))
        elif key == "verksamhet" and value in info.info.verksamheter:
            found.append((str(path), None))
        elif key == "stab":
            stab = info.amounts.filter((pl.col("vy") == "stab") & (pl.col("nyckel") == value))
            of = sorted(set(stab["forvaltning"].to_list()))
            if of:
                found.append((str(path), fid if fid in of else of[0]))
    return found


_KEYS = {"utfall": "utfall_fil", "budget": "budget_fil"}
_OPTIONS = {"utfall": "-o", "budget": "--budget-out"}


def _destination(kind: str, path: Path, facts: pl.DataFrame, budgets: Path | str | None,
                 force_unnamed: bool, asked: str | None = None, groups: tuple = (),
                 written: frozenset = frozenset(), split: bool = False, option: str = "") -> list[str]:
    """`Import.destinations` for one table; `split`: the year read runs over two calendar years, which the
    import warns of itself (--year cannot split it: no advice to); `option`: what names the table's path."""
    key, option = _KEYS[kind], option or _OPTIONS[kind]
    other = _KEYS["budget" if kind == "utfall" else "utfall"]
    folder = Path(budgets) if budgets is not None else path.parent
    target = _real(path)
    periods = sorted(facts["period"].unique().to_list())
    years = sorted({p[:4] for p in periods})
    files = _year_files(folder)
    named = {year_file: tables for year_file in files.values() if (tables := _named(year_file, target))}
    for year_file, (ar, keys) in named.items():
        if key in keys:
            _check_beside(year_file, key, target, facts, str(path))
            _check_groups(year_file, written | {target}, groups, str(path))
            outside = [p for p in periods if p[:4] != ar]
            if outside:
                elsewhere = outside[0][:4]  # the other year's rows go to that year's table
                own = f"the {key} of {files[elsewhere]}" if elsewhere in files else \
                    f"a table named in {elsewhere}'s year file"
                if asked == ar:  # the year asked for, whose rows the export dates in another year
                    raise UsageError(
                        f"{option} {shown(str(path))}: {year_file} (year {ar}) names it under {key}, but the export "
                        f"dates the {kind} of {ar} in {_span(outside)} (outside its #RAR year); that year file could "
                        f"not read the table. Export the year again with its rows dated in {ar}, or leave out {option}")
                raise UsageError(
                    f"{option} {shown(str(path))}: {year_file} (year {ar}) names it under {key}, but the import has "
                    f"periods outside {ar} ({_span(outside)}); that year file could not read the table. Pick the "
                    f"year {ar} with --year, or write {elsewhere} (--year {elsewhere}) to {own}")
            return []
    if named:  # under the other key only
        raise UsageError(f"{option} {shown(str(path))}: {next(iter(named))} names it under {other}, not {key}; write "
                         f"the {kind} to the table named under {key}")
    own = [files[y] for y in years if y in files]
    # (found by a controller: an export of two years written whole, which no year file can read)
    mixed = [f"warning: {option} {shown(str(path))} holds periods of {' and '.join(years)}; a year file reads "
             f"only its own year's: import each year into its own table with --year"] if len(years) > 1 and not split else []
    if not own:
        return mixed  # no year file for the table's year here: the ids note of the import says so
    year_file = own[0]
    entry = _relative(target, year_file.parent)
    if not force_unnamed:
        raise UsageError(f"{key}: {shown(entry)} is not named in {year_file}; add it under {key}, or give "
                         "--force-unnamed")
    return [*mixed, f"warning: {key}: {shown(entry)} is not named in {year_file}: no command reads it until it is "
                    f"added under {key} (written anyway: --force-unnamed)"]


def _check_beside(year_file: Path, key: str, target: Path, facts: pl.DataFrame, shown_as: str) -> None:
    """DataError where the imported table would give a förvaltning's month that another table the year file
    names under the same key gives too: every command on the year would then refuse it (found by a
    controller: the import wrote it, and the year stopped loading). A table that cannot be read is left for
    the loading to report."""
    from kfollow.sources.facts import check_overlap
    from kfollow.sources.yaml_tree import Scalar, Sequence, read_yaml

    try:
        node = read_yaml(year_file).items.get(key, (None, None))[1]
    except (KfollowError, AttributeError):
        return
    beside = []
    for item in (node.items if isinstance(node, Sequence) else [node]):
        path = year_file.parent / item.value if isinstance(item, Scalar) else None
        if path is None or _real(path) == target or not path.is_file():
            continue
        try:
            scan = pl.scan_parquet(path, glob=False) if path.suffix.lower() == ".parquet" else \
                pl.scan_csv(path, infer_schema=False, glob=False)
            keys = scan.select("forvaltning", "period").unique().collect()
        except Exception:  # noqa: BLE001 - (not a table kfollow reads: its loading says why)
            continue
        beside.append((str(path), keys))
    ours = facts.select("forvaltning", "period").unique()
    with_month = [(name, frame.with_columns(pl.col("period").cast(pl.String).str.slice(5, 2).cast(pl.Int8, strict=False)
                                            .alias("manad")))
                  for name, frame in [*beside, (shown_as, ours)]]
    for name, frame in with_month[:-1]:
        check_overlap([(name, frame), with_month[-1]])


def _check_groups(year_file: Path, targets: frozenset, groups: tuple, shown_as: str) -> None:
    """DataError where the mapping's own kostnadsslag (`groups`, written into the table's note) differ from those
    another table of the year file (not one of the import's `targets`, which it writes) was imported with,
    and the year file defines none of its own: the year
    would then refuse to load (found by a new user, who changed the mapping between two imports). A year file
    or table that cannot be read is left for the loading to report."""
    from kfollow.sources.outcome import kostnadsslag_of
    from kfollow.sources.yaml_tree import Mapping, Scalar, Sequence, read_yaml

    if not groups:
        return
    try:
        top = read_yaml(year_file)
    except KfollowError:
        return
    if not isinstance(top, Mapping) or "kostnadsslag" in top.items:  # the year file's own are the year's
        return
    for key in ("utfall_fil", "budget_fil"):
        node = top.items.get(key, (None, None))[1]
        for item in (node.items if isinstance(node, Sequence) else [node] if node is not None else []):
            path = year_file.parent / item.value if isinstance(item, Scalar) else None
            if path is None or _real(path) in targets or not path.is_file():
                continue
            try:
                theirs = kostnadsslag_of(path)
            except KfollowError:
                continue  # (a note the loading refuses: it says why)
            if theirs and tuple(theirs) != tuple(groups):
                raise DataError(shown_as, None, None, f"the mapping defines other kostnadsslag than {item.value}, which "
                                                      f"{year_file} also reads, was imported with; the year would not "
                                                      "load. Import every table of the year with one mapping, or define "
                                                      "kostnadsslag in the year file")


def _year_files(folder: Path) -> dict[str, Path]:
    """The year files of a folder: `YYYY.yaml` (or `.yml`) by year."""
    found = {}
    for ext in ("yml", "yaml"):  # .yaml wins, as when the ids are checked
        for path in sorted(folder.glob(f"[0-9][0-9][0-9][0-9].{ext}")):
            if path.is_file():
                found[path.stem] = path
    return found


def _named(year_file: Path, target: Path) -> tuple[str, set[str]] | None:
    """(the year, the keys among utfall_fil and budget_fil that name `target`) of a year file, or None when it
    names it under neither (or cannot be read: loading it reports that)."""
    from kfollow.sources.yaml_tree import Mapping, Scalar, Sequence, read_yaml

    try:
        top = read_yaml(year_file)
    except KfollowError:
        return None
    if not isinstance(top, Mapping):
        return None
    keys = set()
    for key in _KEYS.values():
        node = top.items.get(key, (None, None))[1]
        items = node.items if isinstance(node, Sequence) else [node]
        if any(isinstance(item, Scalar) and _real(year_file.parent / item.value) == target for item in items):
            keys.add(key)
    if not keys:
        return None
    ar = top.items.get("ar", (None, None))[1]
    return (ar.value if isinstance(ar, Scalar) and ar.value.isdigit() else year_file.stem), keys


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # a symbolic link loop: compared as written
        return path.absolute()


def _relative(target: Path, folder: Path) -> str:
    """How a year file in `folder` names `target` (relative to it)."""
    import os

    try:
        return Path(os.path.relpath(target, _real(folder))).as_posix()
    except ValueError:  # another drive
        return str(target)


def _span(periods: list[str]) -> str:
    return periods[0] if len(periods) == 1 else f"{periods[0]} – {periods[-1]}"


def _accruals(tables: dict[str, ledger.Imported]) -> list[str]:
    """Possible accruals reversed, in the utfall (a budget may well put a year's money in one month); and in
    the budget, an account of a row budgeted both for the year and per month (`_year_and_months`)."""
    return (ledger.accruals(tables["utfall"].facts) if "utfall" in tables else []) + \
        (_year_and_months(tables["budget"].facts) if "budget" in tables else [])


def _year_and_months(facts: pl.DataFrame) -> list[str]:
    """A warning where an account of a row is budgeted both for the year (period YYYY) and per month: both
    count, which is what a budget export means only rarely; more often the months spread the year's money
    again (found by a controller: 1 200 000 for the year and 50 000 in January made 1 250 000, without a word)."""
    keys = ["forvaltning", "stab", "verksamhet", "konto"]
    both = (facts.group_by(keys).agg(
                year=pl.col("belopp").filter(pl.col("period").str.len_chars() == 4).sum(),
                months=pl.col("belopp").filter(pl.col("period").str.len_chars() == 7).sum(),
                has_year=(pl.col("period").str.len_chars() == 4).any(),
                has_months=(pl.col("period").str.len_chars() == 7).any())
            .filter(pl.col("has_year") & pl.col("has_months")).sort(keys, nulls_last=True))
    if both.is_empty():
        return []
    listed = []
    for r in both.head(3).iter_rows(named=True):
        row = " ".join(v for v in (r["forvaltning"], r["stab"] or r["verksamhet"]) if v)
        listed.append(f"{row} konto {r['konto']}: {ledger.kr(r['year'])} for the year and {ledger.kr(r['months'])} "
                      "in its months")
    more = f" (and {both.height - 3} more)" if both.height > 3 else ""
    return [f"warning: the budget gives an account both for the year and per month, and both count: {'; '.join(listed)}"
            f"{more}; if the months spread the year's budget, leave out one of them"]


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"
