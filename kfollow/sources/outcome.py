"""Outcome from fact tables (`utfall_fil:` in a year file) into the year's amount and month rows.

The stab view and the verksamhet view are two sums of the same facts, so they reconcile by
construction; a fact without a stab counts in the verksamhet view and under "Ej fördelat på
stab", and the other way round. A table is booked up to the latest month any of its rows has; a
row without postings in a month has 0 that month. A förvaltning takes its utfall from YAML or
from tables, never both.
"""

from __future__ import annotations

import errno
import re

from pathlib import Path

import polars as pl

from kfollow.errors import DataError, InputOutputError, shown
from kfollow.sources.facts import FactTable, Known, PendingTable, booked_through, pending_table, check_overlap, sort_view, views
from kfollow.sources.files import not_regular
from kfollow.store import (AMOUNT_SCHEMA, BUDGET_MONTH_SCHEMA, FACT_SCHEMA, ID, MONTH_SCHEMA, ORIGIN_SUFFIX, PIECE_COLUMNS, Kostnadsslag,
                           YearInfo, yearly_by_month)

UTFALL = ["utfall", "utfall_kostnader", "utfall_intakter"]
NOTE_LIMIT = 16 * 1024 * 1024  # an import's note: its export's account names (a kommun's chart has thousands)
VIEWS = ("stab", "verksamhet")


def origin_path(table: Path | str) -> Path:
    """Where `kfollow import` notes the export a table came from: `utfall-2024.csv.kalla.json`."""
    return Path(f"{table}{ORIGIN_SUFFIX}")


_NOTES: dict[tuple, dict] = {}  # a note read once per command, however many ask for it (its size and time as key)


def _note(table: Path | str) -> dict | None:
    """A table's note as JSON (None: no note); ValueError for one that is not a JSON object."""
    import json

    from kfollow.sources.files import read_bytes

    path = origin_path(table)
    if not path.exists():
        return None
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _NOTES:
        raw = read_bytes(path, NOTE_LIMIT, "export note").decode("utf-8-sig")  # (saved by Notepad: a BOM first)
        try:
            # (a number of thousands of digits, which int() refuses, is a number too, not the whole note unreadable:
            # where it stands, a text or a list belongs, and `note_problem` names the key; found in review, h89)
            note = json.loads(raw, parse_int=lambda digits: int(digits) if len(digits) <= 4000 else float("inf"))
            if not isinstance(note, dict):
                raise ValueError("the note is not a JSON object")
            _NOTES[key] = _printable(note)
        except RecursionError:  # arrays in arrays, thousands deep: no note kfollow writes
            raise ValueError("the note nests too deeply") from None
    return _NOTES[key]


_CONTROL = None


def _printable(value):
    """A note's texts with control and bidi characters (raw, or written as JSON escapes) replaced by
    U+FFFD, as the import replaces them in the export's names: a note is edited by hand too, and
    its names reach terminals, csv and documents."""
    global _CONTROL
    if _CONTROL is None:
        import re

        from kfollow.errors import control_class

        _CONTROL = re.compile(control_class(r"\n\r\t\ud800-\udfff"))  # and a lone surrogate (`"\ud800"`)
    if isinstance(value, str):
        return _CONTROL.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable(v) for v in value]
    return value


NOTE_TEXTS = ("format", "program", "generated", "encoding", "mapping")  # a note's texts besides its export


def note_problem(table: Path | str) -> tuple[str, str] | None:
    """What is wrong with a table's note and what is left out for it, in Swedish for `check` (None: no note, or one
    kfollow reads): elsewhere a broken note is left out without a word (the footer and the names are a courtesy).
    A note of unreadable account or object names loses those alone (its source stays in the footer; found in
    review, h89: the warning said the source and the account names were left out where they were shown)."""
    # (a note not read at all loses its control sums too: the table is read without its comparison, h124; an unreadable
    # export or text loses the source alone, as `origin_of` does, the account names staying: found in review, h94,
    # where `"format": 5` said both)
    whole = "källan, kontonas namn och jämförelsen med importens summor"
    unread = unreadable_note(table)
    if unread is not None:
        return f"den är inget JSON-objekt ({unread})", whole
    note = _note(table)
    if note is None:
        return None
    if not isinstance(note.get("export"), str):
        return "den anger ingen export (\"export\")", "källan"
    texts = [k for k in NOTE_TEXTS if not isinstance(note.get(k), (str, type(None)))]
    if texts:
        return f"{', '.join(texts)} är inte text", "källan"
    names = note.get("konton", {})
    if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
        return "dess kontonamn (\"konton\") är inte konto → namn", "kontonas namn"
    problem = _objects_problem(note.get("objekt", {}))
    return (problem, "objektens namn") if problem is not None else None


def unreadable_note(table: Path | str) -> str | None:
    """Why a table's note is no JSON object kfollow reads (the first line of the error), where it is not; None where
    there is no note or it is one. Such a note's control sums (`facts.noted_sums`) are not compared either: the table
    is read as it is."""
    try:
        _note(table)
    except (ValueError, UnicodeDecodeError) as exc:
        return str(exc).splitlines()[0][:80]
    return None


def _objects_problem(objekt) -> str | None:
    """What is wrong with a note's object names (`"objekt": {column: {code: name}}`, as `facts.Origin` writes them),
    for `note_problem`: a name that is no text, or longer than the import writes one (found in review, h89: the key
    was not checked at all)."""
    from kfollow.sources.files import NAME_LIMIT

    if not isinstance(objekt, dict) or not all(isinstance(names, dict) and all(isinstance(v, str) for v in names.values())
                                               for names in objekt.values()):
        return "dess objektnamn (\"objekt\") är inte kolumn → kod → namn"
    for column, names in objekt.items():
        for code, name in names.items():
            if len(name) > NAME_LIMIT:
                length = f"{len(name):,}".replace(",", " ")
                return (f"objektnamnet för {shown(column[:40])} {shown(code[:40])} (\"objekt\") har {length} tecken, "
                        f"fler än importen skriver ({NAME_LIMIT})")
    return None


def origin_of(table: Path | str) -> str | None:
    """`exempelby.se (SIE 4, Exempelby Ekonomi 7.2, #GEN 2024-11-05, sha256 c5b6dc6cad01f944)` from a table's note, if any."""
    try:
        note = _note(table)
        if note is None or not isinstance(note.get("export"), str) or not all(
                isinstance(note.get(k), (str, type(None))) for k in NOTE_TEXTS):
            return None  # (as `check` says: a source of a number, `5 (SIE 4, …)`, was shown, `"mapping": 5` too)
        digest = note.get("export_sha256")  # (two exports of one #GEN date, October's and November's, told apart)
        digest = f"sha256 {digest[:16]}" if isinstance(digest, str) and re.fullmatch("[0-9a-f]{64}", digest) else None
        parts = [note.get("format"), note.get("program"), f"#GEN {note['generated']}" if note.get("generated") else None,
                 digest, f"mappning {note['mapping']}" if note.get("mapping") else None,
                 f"kontroll: {note['kontroll']}" if note.get("kontroll") else None]  # written in spite of #PSALDO
        return f"{note['export']} ({', '.join(p for p in parts if p)})"
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # a note is a courtesy: a broken one is left out of the footer


def account_names(table: Path | str) -> dict[str, str]:
    """Account → name from a table's note (the export's #KONTO), if any; a broken note gives none."""
    try:
        names = (_note(table) or {}).get("konton") or {}
        if not all(isinstance(v, str) for v in names.values()):
            return {}  # (as `check` says: `"5010": 5` named the account `5`; found in review, h94)
        return {str(k): _capped(v) for k, v in names.items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}  # names are a courtesy, as the rest of the note


def _capped(name: str) -> str:
    """A name of a note cut to NAME_LIMIT characters, ending in "…", as the import cuts an export's names: a note
    edited by hand is read as the import would have written it (found in review: a name of 100 000 characters
    made every line of a table as wide)."""
    from kfollow.sources.files import NAME_LIMIT

    return name if len(name) <= NAME_LIMIT else name[:NAME_LIMIT - 1] + "…"


def kostnadsslag_of(table: Path | str) -> tuple[Kostnadsslag, ...]:
    """The kostnadsslag the mapping of a table's import defined, from its note (none: `()`).
    Unlike the rest of the note, a broken list is an error: it would change how accounts are grouped."""
    try:
        note = _note(table) or {}
    except ValueError:
        return ()  # a note that is no JSON at all is left out, as in the footer
    groups = note.get("kostnadsslag") if isinstance(note, dict) else None
    if groups is None:
        return ()
    problem, found, owner = None, [], {}
    if not isinstance(groups, list):
        problem = "they are not a list"
    for g in groups if problem is None else ():
        if not isinstance(g, dict) or not all(isinstance(g.get(k), str) for k in ("id", "namn")) \
                or not isinstance(g.get("konton"), list) or not g["konton"]:
            problem = "a group lacks its id, namn or konton"
        elif not ID.fullmatch(g["id"]) or g["id"] in {f.id for f in found}:
            problem = f"kostnadsslag id '{shown(g['id'][:40])}' is {'not an id' if not ID.fullmatch(g['id']) else 'there twice'}"
        elif not g["namn"].strip():  # (a row without a label: a year file refuses it too)
            problem = f"kostnadsslag {g['id']} has an empty namn"
        elif _capped(g["namn"]).casefold() in {f.namn.casefold() for f in found}:  # (two rows alike, as a year file
            problem = f"kostnadsslag namn '{shown(g['namn'][:40])}' is there twice"  # refuses them: found in review)
        else:
            bad = next((p for p in g["konton"] if not (isinstance(p, str) and p.isascii() and p.isdigit())), None)
            taken = next((p for p in g["konton"] if p in owner), None) if bad is None else None
            if bad is not None:
                problem = f"account prefix '{shown(str(bad)[:40])}' of kostnadsslag {g['id']} is not digits"
            elif taken is not None:
                problem = f"account prefix {taken} is in kostnadsslag {owner[taken]} and {g['id']}"
            else:
                owner.update((p, g["id"]) for p in g["konton"])
                found.append(Kostnadsslag(g["id"], _capped(g["namn"]), tuple(g["konton"])))
        if problem:
            break
    if problem:  # (unlike the rest of the note: it would change how accounts are grouped)
        raise DataError(str(origin_path(table)), None, None, f"the kostnadsslag of this note are unreadable ({problem}); "
                                                             "import the table again, or define kostnadsslag in the "
                                                             "year file")
    return tuple(found)


def open_tables(paths: list[tuple[str, int, int]], year_file: str, budget: bool = False,
                rows: bool = False) -> list[tuple[str, int, int, PendingTable]]:
    """The tables named under `utfall_fil` (or `budget_fil`, with `budget`: a row's period may be the
    year) (path relative to the year file, line, column), to be read into their sums (and, with
    `rows`, their rows): `read_in_background` starts them, `read_tables` checks them."""
    base = Path(year_file).parent
    return [(text, line, column, pending_table(base / text, str(base / text), budget, rows))
            for text, line, column in paths]


def _windows_path(key: str, text: str, base: Path) -> str:
    """What to do of a table's path that does not exist: written as on Windows, with `\\` between folders (or a
    drive, `C:\\Budget\\utfall.csv`), it was told to give 'a path relative to the year file', which it was (found
    by an ekonom on Windows, h120): say that folders are separated by `/`, which Windows reads too; and a table
    that Notepad saved with .txt added, which Explorer hides, is named."""
    if (base / f"{text}.txt").is_file():
        return (f"there is {Path(text).name}.txt: Notepad adds .txt to a file saved as Textdokument, and Explorer "
                f"hides it; rename it {Path(text).name}")
    if "\\" not in text:
        return "give a path relative to the year file, or import the table"
    slashed = text.replace("\\", "/")
    if re.match(r"[A-Za-z]:/|//", slashed):
        return ("it is a path on a Windows drive or share; give the path relative to the year file, with / between "
                "folders (Windows reads / too)")
    found = " (that file exists)" if (base / slashed).is_file() else ""
    return f"write / between folders, which Windows reads too: {key}: {slashed}{found}"


def read_tables(opened: list[tuple[str, int, int, PendingTable]], year_file: str,
                known: Known) -> list[tuple[str, FactTable]]:
    """The tables of `open_tables`, read and checked against the year file's ids; the same förvaltning
    and period in two tables is an error naming both."""
    tables = []
    for text, line, column, table in opened:
        key = "budget_fil" if table.budget else "utfall_fil"
        try:
            other = not_regular(table.path)
        except FileNotFoundError:  # an input that is not there: an I/O error (exit 4), as a missing folder is
            raise _unreadable(year_file, line, column, f"{key} '{text}' does not exist (looked for {table.path}); "
                                                       + _windows_path(key, text, Path(year_file).parent)) from None
        except OSError as exc:  # a link loop, a name too long, a folder without permission
            why = "is a symbolic link loop" if exc.errno == errno.ELOOP else f"cannot be looked at ({exc.strerror})"
            raise _unreadable(year_file, line, column, f"{key} '{text}' {why}; give a path relative to the year "
                                                       "file") from None
        if other is not None:  # a folder, a FIFO: never opened, named where the year file names it
            what = "budget" if table.budget else "utfall"
            raise _unreadable(year_file, line, column, f"{key} '{text}' is {other}, not a file; give the path of "
                                                       f"the {what} table, relative to the year file")
        tables.append((table.name, table.result(known)))
    check_overlap([(name, table.summary) for name, table in tables])
    return tables


def _unreadable(year_file: str, line: int, column: int, problem: str) -> InputOutputError:
    """An input the year file names that cannot be read, at the year file's line (exit 4, not 3)."""
    error = InputOutputError(DataError(year_file, line, column, problem).message)
    error.path, error.line, error.column, error.problem = year_file, line, column, problem
    return error


def ledger_rows(table: FactTable) -> pl.DataFrame:
    """A fact table's rows at the ledger's grain for the store (`store.PIECE_COLUMNS` of FACT_SCHEMA):
    öre, as booked."""
    return table.rows(period=False).select(pl.col(c).cast(FACT_SCHEMA[c]) for c in PIECE_COLUMNS)


def ledger_scan(table: FactTable) -> pl.LazyFrame:
    """`ledger_rows`, lazily (`FactTable.scan`: a Parquet table's rows read from its file as the query runs)."""
    return table.scan().select(pl.col(c).cast(FACT_SCHEMA[c]) for c in PIECE_COLUMNS)


def _views_with_keys(facts: pl.DataFrame, last_month: int | None = None, sort: bool = True,
                     made: list[pl.DataFrame | None] = ()) -> pl.DataFrame:
    """`views` of the facts (unsorted, unfilled: those the tables' reads `made`, if all were), the rows
    not distributed keyed `ej fördelat (<förvaltning>)` as in a year file. The views of several tables
    are the tables' views together: no förvaltning has the same month in two (`check_overlap`)."""
    if made and last_month == 0 and all(v is not None for v in made):
        found = pl.concat(made)
        found = sort_view(found) if sort else found
    else:
        found = views(facts, last_month=last_month, sort=sort)
    return found.with_columns(
        nyckel=pl.when(pl.col("vy").str.starts_with("ej_fordelat"))
        .then(pl.lit("ej fördelat (") + pl.col("forvaltning") + pl.lit(")"))
        .otherwise(pl.col("nyckel")))


def _add_rows(info: YearInfo, amounts: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """Rows the facts have (`keys`: each (forvaltning, vy, nyckel) of them once) and the year file lacks: ej
    fördelat, or a verksamhet of the catalogue the förvaltning did not list; in a view the förvaltning is written
    in or the facts give keys of. A view with budgets gets budget 0 on such a row, so its budget still adds up;
    where they are gross (a budget table's), kostnader and intäkter 0 too (its `varav` lines showed `–` for a budget
    known to be 0, and so did its förvaltning's; found in review)."""
    missing = keys.join(amounts.select("forvaltning", "vy", "nyckel"), on=["forvaltning", "vy", "nyckel"], how="anti")
    if missing.is_empty():  # the common case: the year file names every row the facts have
        return amounts.select(pl.col(c).cast(t) for c, t in AMOUNT_SCHEMA.items())
    given = keys.filter(~pl.col("vy").str.starts_with("ej_fordelat")).select("forvaltning", view="vy")
    has_view = pl.concat([amounts.select("forvaltning", view=pl.col("vy").str.replace("ej_fordelat_", "")),
                          given]).unique()
    missing = (
        missing
        .with_columns(view=pl.col("vy").str.replace("ej_fordelat_", ""))
        .join(has_view, on=["forvaltning", "view"], how="semi")
        .sort("forvaltning", "vy", "nyckel")
    )
    view_budget = amounts.group_by("forvaltning", "vy").agg(pl.col("budget").is_not_null().any().alias("_has"),
                                                            pl.col("budget_kostnader").is_not_null().any().alias("_gross"))
    profiles = {fid: f.profil for fid, f in info.forvaltningar.items()}
    added = (
        missing.join(view_budget, left_on=["forvaltning", "view"], right_on=["forvaltning", "vy"], how="left")
        .select(
            ar=pl.lit(info.ar, pl.Int32), forvaltning="forvaltning", vy="vy", nyckel="nyckel",
            namn=pl.when(pl.col("vy").str.starts_with("ej_fordelat"))
            .then(pl.lit("Ej fördelat på ") + pl.col("view"))
            .when(pl.col("vy") == "summa")
            .then(pl.col("forvaltning").replace_strict({f: x.namn for f, x in info.forvaltningar.items()},
                                                       default=pl.col("forvaltning"), return_dtype=pl.String))
            .otherwise(pl.col("nyckel").replace_strict(info.verksamheter, default=pl.col("nyckel"), return_dtype=pl.String)),
            budget=pl.when(pl.col("_has").fill_null(False)).then(pl.lit(0, pl.Int64)),
            **{c: pl.when(pl.col("_has").fill_null(False) & pl.col("_gross").fill_null(False)).then(pl.lit(0, pl.Int64))
               for c in ("budget_kostnader", "budget_intakter")},
            profil=pl.col("forvaltning").replace_strict(profiles, default=None, return_dtype=pl.String),
            fil=pl.lit(info.fil), rad=pl.lit(None, pl.Int32),
        )
        .with_columns(ordning=pl.int_range(pl.len()).cast(pl.Int32) + (amounts["ordning"].max() or 0) + 1)
    )
    return pl.concat([amounts, added], how="diagonal_relaxed").select(
        pl.col(c).cast(t) for c, t in AMOUNT_SCHEMA.items())


BUDGET = ["budget", "budget_kostnader", "budget_intakter"]


def _zeroed(info: YearInfo, part: str) -> pl.Expr:
    """The rows the year file gave 0 of `part` for lack of it (`YearInfo.utan_belopp`): not typed there."""
    keys = [f"{f}\0{v}\0{n}" for f, v, n, p, _ in info.utan_belopp if p == part]
    return pl.concat_str("forvaltning", "vy", "nyckel", separator="\0").is_in(keys) if keys else pl.lit(False)


def _figure_at(figure_at: dict | None, row: dict, part: str) -> tuple[int | None, int | None]:
    """Where a row's `budget:` or `utfall:` stands in its year file, else the row's line."""
    return (figure_at or {}).get((row["forvaltning"], row["vy"], row["nyckel"], part), (row["rad"], None))


def merge_budget(info: YearInfo, amounts: pl.DataFrame, tables: list[tuple[str, FactTable]],
                 figure_at: dict | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The year's amount rows with their budget from budget tables, and the rows' budget per month
    (`store.BUDGET_MONTH_SCHEMA`; what a table gives for the whole year spread by `yearly_by_month`). A förvaltning
    takes its budget from YAML or from tables, never both (the error at the row's `budget:`, where
    `figure_at` knows it: (forvaltning, vy, nyckel, "budget") → line, column); a row of a covered
    förvaltning that the tables give nothing has budget 0, so its view still adds up."""
    made = [table.views for _, table in tables]
    tables = [(name, table.summary) for name, table in tables]
    facts = pl.concat([f for _, f in tables])
    covered = facts["forvaltning"].unique().sort().to_list()
    if not covered:
        return amounts, pl.DataFrame(schema=BUDGET_MONTH_SCHEMA)
    typed = amounts.filter(pl.col("budget").is_not_null() & pl.col("forvaltning").is_in(covered)
                           & ~_zeroed(info, "budget"))
    if typed.height:
        r = typed.row(0, named=True)
        table = next(n for n, f in tables if r["forvaltning"] in f["forvaltning"].unique().to_list())
        row = f"{r['vy'].replace('summa', 'the summa')} {r['nyckel']} of förvaltning" if r["vy"] != "summa" else "the summa of förvaltning"
        line, column = _figure_at(figure_at, r, "budget")
        raise DataError(r["fil"], line, column, f"{row} {r['forvaltning']} has a budget here, and the förvaltning's "
                                                  f"budget comes from {table}; take its budget from the table or from "
                                                  "the year file, not both (remove budget: here)")
    # what the tables give for the whole year, in months by each fact's profile: both views sum the same months
    yearly = pl.col("manad").is_null()
    if facts.select(yearly.any()).item():
        facts = pl.concat([facts.filter(~yearly), yearly_by_month(facts.filter(yearly), info, amounts,
                                                                   ["kostnad", "intakt"])])
        made = []  # the views of the months the year is spread into
    # unsorted: every reader of the budget's months groups or joins them
    v = (_views_with_keys(facts, last_month=0, sort=False, made=made)
         .rename({"utfall": "budget", "utfall_kostnader": "budget_kostnader", "utfall_intakter": "budget_intakter"}))
    # a förvaltning written with its summa only (no staber, no verksamheter) has its budget there
    viewless = set(covered) - set(amounts.filter(pl.col("vy") != "summa")["forvaltning"].unique().to_list())
    if viewless:
        v = pl.concat([v, v.filter(pl.col("forvaltning").is_in(list(viewless)) & (pl.col("vy") == "ej_fordelat_stab"))
                       .with_columns(vy=pl.lit("summa"), nyckel=pl.col("forvaltning"))])
    keys = v.select("forvaltning", "vy", "nyckel").unique()
    amounts = _add_rows(info, amounts, keys)
    totals = v.group_by("forvaltning", "vy", "nyckel").agg(pl.col(c).sum().alias(f"_{c}") for c in BUDGET)
    # the views the tables give budget in (and a viewless förvaltning's summa): 0 where a row has none
    budgeted = pl.concat([v.select("forvaltning", view=pl.col("vy").str.replace("ej_fordelat_", "")),
                          amounts.filter(pl.col("forvaltning").is_in(list(viewless)) & (pl.col("vy") == "summa"))
                          .select("forvaltning", view=pl.lit("summa"))]).unique()
    amounts = (
        amounts.with_columns(_view=pl.col("vy").str.replace("ej_fordelat_", ""))
        .join(budgeted.with_columns(_in=pl.lit(True)), left_on=["forvaltning", "_view"],
              right_on=["forvaltning", "view"], how="left")
        .join(totals, on=["forvaltning", "vy", "nyckel"], how="left")
        .with_columns(pl.when(pl.col("_in").fill_null(False)).then(pl.col(f"_{c}").fill_null(0))
                      .otherwise(pl.col(c)).alias(c) for c in BUDGET)
        .select(pl.col(c).cast(t) for c, t in AMOUNT_SCHEMA.items())
    )
    months = v.select(ar=pl.lit(info.ar, pl.Int32), forvaltning="forvaltning", vy="vy", nyckel="nyckel",
                      manad="manad", **{c: c for c in BUDGET})
    return amounts, months.select(pl.col(c).cast(t) for c, t in BUDGET_MONTH_SCHEMA.items())


def merge(info: YearInfo, amounts: pl.DataFrame, months: pl.DataFrame, tables: list[tuple[str, FactTable]],
          figure_at: dict | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The year's amount rows with utfall from the tables, and their month rows (both schemas of
    the store). Rows of a förvaltning the tables cover get utfall 0 in the months they lack. Utfall
    in YAML too is an error at the row's `utfall:` (as `merge_budget`)."""
    made = [table.views for _, table in tables]
    # a table is booked up to its latest month; a förvaltning split over tables (by months) up to the
    # latest of them
    booked: dict[str, int] = {}
    for _, table in tables:
        last = booked_through(table.summary)
        for fid in table.forvaltningar() if last is not None else []:
            booked[fid] = max(booked.get(fid, 0), last)
    tables = [(name, table.summary) for name, table in tables]
    if not booked:
        return amounts, months
    from_yaml = amounts.filter(pl.col("utfall").is_not_null() & pl.col("forvaltning").is_in(list(booked))
                               & ~_zeroed(info, "utfall"))
    if from_yaml.height:
        r = from_yaml.row(0, named=True)
        table = next(n for n, f in tables if r["forvaltning"] in f["forvaltning"].unique().to_list())
        line, column = _figure_at(figure_at, r, "utfall")
        raise DataError(r["fil"], line, column, f"förvaltning {r['forvaltning']} has utfall here and in {table}; "
                                                  "take its utfall from the table or from the year file, not both")
    ar = info.ar
    # both views of all the facts at once: one row per key and month (months without postings are
    # filled below, per förvaltning up to its own booked month)
    # unsorted: the month rows below are made from a grid of the amount rows, in their order
    facts_months = _views_with_keys(pl.concat([f for _, f in tables]), last_month=0, sort=False, made=made)
    # a förvaltning written with its summa only (no staber, no verksamheter) books its utfall there
    viewless = set(booked) - set(amounts.filter(pl.col("vy") != "summa")["forvaltning"].unique().to_list())
    if viewless:
        summa = (facts_months.filter(pl.col("forvaltning").is_in(list(viewless)) & (pl.col("vy") == "ej_fordelat_stab"))
                 .with_columns(vy=pl.lit("summa"), nyckel=pl.col("forvaltning")))
        facts_months = pl.concat([facts_months, summa])
    # each key of the facts once, with its sums over the months: every month of a key is one of its förvaltning's
    # booked months, so these are the sums of its filled months too
    totals = facts_months.group_by("forvaltning", "vy", "nyckel").agg(pl.col(c).sum().alias(f"_{c}") for c in UTFALL)
    amounts = _add_rows(info, amounts, totals.select("forvaltning", "vy", "nyckel"))

    # every row of a covered förvaltning (but a summa beside its views) gets a month row for each booked month
    covered = pl.col("forvaltning").is_in(list(booked)) & ((pl.col("vy") != "summa") | pl.col("forvaltning").is_in(list(viewless)))
    last = pl.DataFrame({"forvaltning": list(booked), "_last": list(booked.values())},
                        schema={"forvaltning": pl.String, "_last": pl.Int8})
    grid = (amounts.filter(covered).select("forvaltning", "vy", "nyckel").join(last, on="forvaltning")
            .join(pl.DataFrame({"manad": list(range(1, 13))}, schema={"manad": pl.Int8}), how="cross")
            .filter(pl.col("manad") <= pl.col("_last")).drop("_last"))
    filled = (grid.join(facts_months.select("forvaltning", "vy", "nyckel", "manad", *UTFALL),
                        on=["forvaltning", "vy", "nyckel", "manad"], how="left")
              .select(pl.lit(ar, pl.Int32).alias("ar"), "forvaltning", "vy", "nyckel", "manad",
                      *(pl.col(c).fill_null(0) for c in UTFALL)))
    months = pl.concat([months, filled.select(pl.col(c).cast(t) for c, t in MONTH_SCHEMA.items())])
    # a covered row the facts have no month of is 0 in each booked month
    amounts = (
        amounts.join(totals, on=["forvaltning", "vy", "nyckel"], how="left")
        .join(last, on="forvaltning", how="left")
        .with_columns(
            *(pl.when(covered).then(pl.col(f"_{c}").fill_null(0)).otherwise(pl.col(c)).alias(c) for c in UTFALL),
            manader=pl.when(covered).then(pl.col("_last")).otherwise(pl.col("manader")),
        )
        .select(pl.col(c).cast(t) for c, t in AMOUNT_SCHEMA.items())
    )
    return amounts, months
