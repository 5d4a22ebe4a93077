"""Outcome (utfall) and budget as fact tables: CSV or Parquet rows of amounts, read and checked lazily.

One row is one posting sum: `period` (YYYY-MM), `forvaltning`, `stab` and/or `verksamhet`, `konto`,
`slag` (`kostnad` or `intakt`) and `belopp` in kronor with at most two decimals, signed as in the
ledger (a cost positive, an income negative). Every code stays text (`0001` stays `0001`). A budget
table has the same columns; its `period` may also be the whole year (YYYY, `manad` null).

The reader turns `belopp` into integer öre with string expressions (never through a float) in one
streaming pass that sums the rows per period, förvaltning, stab and verksamhet, kostnad and intakt
apart (`FactTable.summary`: what the year's views are made of), and checks the table on what it
holds: the ids on the distinct keys of those sums, the amounts, slag and accounts on counts and flags
aggregated with them. A year file starts that pass on a background thread before it parses the rest
of itself (`PendingTable`). Every row is kept only when a command will cut by account, and a Parquet
table's only up to KEEP_PARQUET_ROWS: a cut reads a larger one's rows from the file as it sums them
(`FactTable.scan`), the columns it needs and a batch at a time, and then checks that the file is still
the one checked; otherwise the rows are read again when first asked for. A Parquet table read for a cut
without a filter (`options.Grain`) keeps no row: its pass also sums the rows to the cut's grain, in spans
of months (`Summed`), and the cut takes those sums where they give its months. Only when a check fails are the rows read again, row by
row, to report the first offending one as one `DataError` naming file:line:column (CSV) or file and
row (Parquet).
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import queue
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import polars as pl

from kfollow.sources.files import (EXPORT_LIMIT, FACT_ROW_LIMIT, fact_row_limit, looks_utf16, packed, read_bytes,
                                   refuse_a_second_bom, stray_quote, without_end_mark)
from kfollow.options import MAX_ORE, ORIGIN_SUFFIX, Grain  # (not kfollow.store: a read ahead starts before the store is imported)
from kfollow.errors import DataError, InputOutputError, KfollowError, control_class, control_kind, grouped, shown

FACT_SCHEMA: dict[str, pl.DataType] = {
    "period": pl.String,  # YYYY-MM; in a budget table also YYYY (the whole year)
    "manad": pl.Int8,  # 1–12, the month of `period`; null for a budget's whole-year row
    "forvaltning": pl.String,
    "stab": pl.String,  # null: not distributed on a stab (ej fördelat)
    "verksamhet": pl.String,  # null: not distributed on a verksamhet (ej fördelat)
    "konto": pl.String,
    "slag": pl.String,  # "kostnad" | "intakt"
    "belopp": pl.Int64,  # öre, signed as in the ledger: cost positive, income negative
}

MONTH_SCHEMA: dict[str, pl.DataType] = {
    "forvaltning": pl.String,
    "stab": pl.String,
    "verksamhet": pl.String,
    "manad": pl.Int8,
    "utfall": pl.Int64,  # öre, net: kostnader − intäkter
    "utfall_kostnader": pl.Int64,  # öre, costs as booked (positive for a cost)
    "utfall_intakter": pl.Int64,  # öre, income made positive (minus the booked amount)
}

VIEW_SCHEMA: dict[str, pl.DataType] = {
    "forvaltning": pl.String,
    "vy": pl.String,  # "stab" | "ej_fordelat_stab" | "verksamhet" | "ej_fordelat_verksamhet"
    "nyckel": pl.String,  # stab id or verksamhet code; null for ej fördelat
    "manad": pl.Int8,
    "utfall": pl.Int64,
    "utfall_kostnader": pl.Int64,
    "utfall_intakter": pl.Int64,
}

COLUMNS = ("period", "forvaltning", "stab", "verksamhet", "konto", "slag", "belopp")
CODE_COLUMNS = COLUMNS[:-1]
SLAG = ("kostnad", "intakt")
MAX_KRONOR = MAX_ORE // 100  # per row (options.MAX_ORE: one cap for import and loading)

# C0 except tab and LF, DEL, C1, and the bidi embedding/override/isolate controls
_CONTROL_RE = re.compile(control_class(r"\r"))
_CONTROL_PL = control_class(r"\r", polars=True)
_KONTO_BAD_PL = r"[^0-9]"  # an account is its number: digits only, as `kfollow import` writes it
_AMOUNT_PL = r"^-?[0-9]+(\.[0-9]{1,2})?$"  # [0-9], not \d: Rust's \d matches every Unicode digit
_PERIOD_RE = re.compile(r"[0-9]{4}-[0-9]{2}")
_YEAR_RE = re.compile(r"[0-9]{4}")
_ROW = "_rad"  # 0-based record number given by the reader
_TEXT = "_belopp_text"  # belopp as written, kept for error messages


@dataclass(frozen=True)
class Known:
    """What the year file declares, to check the ids of a fact table against."""

    year: int
    forvaltningar: dict[str, set[str]]  # förvaltning id → its stab ids
    verksamheter: set[str]  # the year file's top-level verksamhet codes


_BOOKED: set[int] = set()  # the months utfall tables read so far were booked through: each a month a cut sums up to


# ---------------------------------------------------------------------------------------------
# Reading


def read_facts(path: Path, known: Known, display: str | None = None, *, budget: bool = False) -> pl.DataFrame:
    """Read one outcome table (.csv or .parquet) into FACT_SCHEMA, row by row as written (not summed);
    `belopp` in öre, ledger sign. With `budget`, a budget table: a row's period is a month (YYYY-MM)
    or the whole year (YYYY, `manad` null), to be spread by a profile.

    Raises `DataError` (file:line:column for CSV, file and row for Parquet) for the first bad row
    and `InputOutputError` when the path is not a readable regular file.
    """
    return read_table(path, known, display, budget=budget, rows=True).rows()


def read_table(path: Path, known: Known, display: str | None = None, *, budget: bool = False,
               rows: bool = False) -> "FactTable":
    """Read and check one fact table in one streaming pass, keeping its sums per period, förvaltning,
    stab and verksamhet, of kostnad and of intakt (`FactTable.summary`: what the year's views are
    made of); with `rows`, also every row (FACT_SCHEMA), else the rows are read again when first
    asked for (`FactTable.rows`). Errors as `read_facts`."""
    return PendingTable(Path(path), display or str(path), budget, rows, every_size=True).result(known)


class PendingTable:
    """A fact table being read into its sums, in the background once `read_in_background` started it.

    The pass needs nothing of the year file, and polars does not hold Python's lock while it reads,
    so a year file starts its tables first and parses the rest of itself meanwhile. What went wrong
    (the path, the header, a polars error) waits for `result`, which also runs the checks against the
    year file's ids: the year file's own errors still come first, as when its tables were read
    after it.
    """

    def __init__(self, path: Path, name: str, budget: bool = False, rows: "bool | Grain" = False,
                 every_size: bool = False):
        # `rows`: keep the rows, of a Parquet table only up to KEEP_PARQUET_ROWS unless `every_size`; a Grain: sum a
        # Parquet table's rows to it as they are read (`Summed`), and keep a CSV table's
        self.path, self.name, self.budget, self.rows, self.every_size = path, name, budget, rows, every_size
        self._summed: threading.Event | None = None  # set once the pass is read (or failed)
        self._done: threading.Event | None = None  # set once what is made of its sums is made too
        self._outcome: tuple[_Plan, tuple] | BaseException | None = None
        self._made: tuple = (None, None)
        self._verdict: _Verdict | None = None  # `_judge` of the pass, where the reading thread made it
        self._judged_here = False  # whether the reading thread judges the pass and makes its views (`_read`)
        self._cancelled = False

    def _read(self) -> None:
        read = None
        try:
            if not self._cancelled:
                plan = _plan(self.path, self.name, self.budget)
                # (summed to a grain up to KEEP_PARQUET_ROWS rows: the sums' queries share the file's scan, which
                # polars then holds whole, 1,15 GB at 10 M rows; a larger table's rows the cut reads from the file)
                grain = self.rows if isinstance(self.rows, Grain) and plan.source.columnar and (
                    plan.rows is None or plan.rows <= KEEP_PARQUET_ROWS) else None
                keep = bool(self.rows) and grain is None and (self.every_size or plan.rows is None
                                                              or plan.rows <= KEEP_PARQUET_ROWS)
                read = _sums(plan, keep, grain)
                if grain is not None and not self.budget and (last := booked_through(read[1].select(
                        pl.col("period").str.slice(5, 2).cast(pl.Int8, strict=False).alias("manad")))) is not None:
                    _BOOKED.add(last)  # (a month a cut of a budget table read after it will sum up to)
                self._outcome = plan, read
                # read in the background: what the checks find without the year file too, and the views of the sums,
                # in one call of polars; unless another table waits to be read: then the asking thread makes them
                # (it waits for this one meanwhile), and the next pass starts at once (`--by stab,kostnadsslag` on 1 M
                # + 1 M Parquet rows: the utfall's pass began 20 ms after the budget's ended)
                self._judged_here = self._done is not None and _WORK.empty()
                if self._judged_here:
                    try:
                        final = _final(read[1])
                        self._verdict = _judge(plan, read, (views_query(final),))
                        self._made = final, self._verdict.also[0]
                    except Exception:  # noqa: BLE001 - the asking thread judges again, and meets what failed in its order
                        self._verdict, self._made = None, (None, None)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller of `result`, in its thread
            self._outcome = exc
        finally:
            if self._cancelled:
                self._outcome, self._verdict = None, None
            if self._summed is not None:  # the checks may start (on the asking thread) while the sums'
                self._summed.set()  # views are made here
        try:
            if read is not None and not self._cancelled and self._made[0] is None and (self._done is None or self._judged_here):
                self._made = _ahead(read[1])  # (an Exception is caught there; anything else goes on up)
        finally:
            if self._cancelled:
                self._outcome, self._made = None, (None, None)
            if self._done is not None:
                self._done.set()

    def cancel(self) -> None:
        """Not wanted (the year file failed, or named another path): not read if not begun, and its
        sums and rows let go of once read; `result` is not to be asked for after."""
        self._cancelled = True
        self._outcome, self._made, self._verdict = None, (None, None), None

    def result(self, known: Known) -> "FactTable":
        """The table, checked against the year file's ids; the table's error if it has one. The checks
        run as soon as the sums are read, while the reading thread makes their views."""
        if self._done is None:
            self._read()
        else:
            self._summed.wait()
        if self._cancelled or self._outcome is None:
            raise RuntimeError(f"{self.name}: a fact table was asked for after it was let go of, or twice")
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        plan, read = self._outcome
        self._outcome = None  # the rows, if kept, now belong to the FactTable alone
        verdict, self._verdict = self._verdict, None
        verdict = _verify(plan, read, known, self.budget, verdict)
        if self._done is not None:
            self._done.wait()
        made, self._made = self._made, (None, None)
        return _table(plan, read, known, self.budget, made, verdict)


def read_in_background(tables: list[PendingTable]) -> None:
    """Read the tables' sums on kfollow's one background thread, in the order they are handed over
    (one at a time: the peak memory is that of the largest, as when read in turn), while the
    caller goes on."""
    with _STARTING:
        waiting = [t for t in tables if t._done is None]
        if waiting and not _start_worker():  # first: a table is queued only where a thread will read it
            return  # (no thread: each table is read by its `result`, on the asking thread)
        for table in waiting:
            table._summed, table._done = threading.Event(), threading.Event()
            _WORK.put(table._read)


def _start_worker() -> bool:
    """Start the background thread if it is not running (call with `_STARTING` held); whether it runs. A process at
    its limit of threads (`can't start new thread`: a container's pids limit, ulimit -u) has none: its tables are read
    on the thread that asks for them, as without a read ahead (it was an internal error, exit 70; found in review,
    h141)."""
    global _WORKER
    if _WORKER is None:
        worker = threading.Thread(target=_work, args=(_WORK,), name="kfollow-facts", daemon=True)
        try:
            worker.start()  # named the worker only once it runs: a thread that could not start is tried again
        except RuntimeError:
            return False
        _WORKER = worker
    return True


def booked_hint(utfall: list[Path]) -> None:
    """The month the Parquet utfall tables `utfall` are booked through, known before the tables are read ahead: a
    month a cut sums every table up to (`_BOOKED`, `options.Grain`). From the statistics of each file's footer
    (a millisecond); a file that states none has its periods read, on the reading thread before the tables.
    Nothing is said of a table that cannot be read: its read says it."""
    from kfollow.sources.parquet_meta import column_max

    def booked(last: object) -> None:
        if isinstance(last, str) and _PERIOD_RE.fullmatch(last) and 1 <= int(last[5:]) <= 12:
            _BOOKED.add(int(last[5:]))

    unstated = []
    for path in (p for p in utfall if p.suffix.lower() == ".parquet"):
        last = column_max(path, "period")
        booked(last) if last is not None else unstated.append(path)

    def look() -> None:
        for path in unstated:
            try:
                booked(pl.scan_parquet(path, glob=False).select(pl.col("period").cast(pl.String).max()).collect().item())
            except Exception:  # noqa: BLE001 - only a hint
                continue

    if unstated:
        with _STARTING:
            if _start_worker():  # (without a thread, no hint: the spans are then only the grain's)
                _WORK.put(look)


def pending_table(path: Path, name: str, budget: bool = False, rows: bool = False,
                  named_by: bytes | None = None) -> PendingTable:
    """The table `read_ahead` started under this name, as budget or utfall and with or without its
    rows, for a year file of the bytes `named_by`, taken once; else a new one, not yet started. (A
    year file rewritten since the read ahead may name a table rewritten since as well: its table is
    read again, after the year file, as it always was.)"""
    ahead = _AHEAD.pop((name, budget, rows), None)
    if ahead is not None and (named_by is None or ahead[1] != named_by):
        ahead[0].cancel()
        ahead = None
    return ahead[0] if ahead is not None else PendingTable(path, name, budget, rows)


def read_ahead(tables: list[tuple[PendingTable, bytes]]) -> None:
    """Start reading tables before anything asks for them (`readahead`), each with the bytes of the
    year file that named it: each is taken by the first `pending_table` of its name, budget and rows
    for the same bytes; `drop_ahead` lets go of those nobody took."""
    for table, named_by in tables:
        _AHEAD.setdefault((table.name, table.budget, table.rows), (table, named_by))
    read_in_background([table for table, _ in _AHEAD.values()])


def drop_ahead() -> None:
    """Let go of the tables read ahead that no year file took (the command line was read otherwise)."""
    for table, _ in _AHEAD.values():
        table.cancel()
    _AHEAD.clear()


_AHEAD: dict[tuple[str, bool, bool], tuple[PendingTable, bytes]] = {}
_WORK: "queue.SimpleQueue[Callable[[], None]]" = queue.SimpleQueue()
_WORKER: threading.Thread | None = None
_STARTING = threading.Lock()


def _work(jobs: "queue.SimpleQueue[Callable[[], None]]") -> None:
    """The reading thread: the jobs of the queue it was started for, one at a time, for the life of the process
    (its own queue, not whatever `_WORK` names later: a test that gives the module another queue for a while
    left a reader waiting on that one, and the next tables unread)."""
    while True:
        job = jobs.get()
        try:
            job()
        except BaseException:  # noqa: BLE001 - a table's own failure is handed to its `result` (`_read`); what escapes
            pass  # past it (a panic of polars while making views, which the load makes again) must not end the reader


def _plan(path: Path, name: str, budget: bool = False, noted: bool = True) -> "_Plan":
    """How to read the fact table at `path` (`budget`: a budget table, for the messages' advice), with the sums its
    import's note holds (`noted_sums`) unless not `noted`."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise DataError(name, None, None, f"an outcome table must be a .csv or .parquet file, not '{path.suffix}'")
    head = read_bytes(path, EXPORT_LIMIT, "outcome table", head=512, display=name)
    plan = _plan_csv(path, name, head) if suffix == ".csv" else _plan_parquet(path, name, budget)
    return replace(plan, budget=budget, noted=noted_sums(path, name, budget) if noted else None)


@dataclass(frozen=True)
class _Source:
    """Where rows come from, how to name a place in them, and a polars failure reading them."""

    name: str
    where: Callable[[int, str | None], tuple[int | None, int | None, str]]  # (row, column) → line, col, prefix
    failure: Callable[[Exception], Exception]  # a polars or OS error while reading → one DataError
    columnar: bool = False  # Parquet: one column can be read alone, cheaply
    short: Callable[[int], str | None] | None = None  # CSV: what a row lacks, where it has fewer cells than the header

    def error(self, row: int, column: str | None, problem: str) -> DataError:
        line, col, prefix = self.where(row, column)
        return DataError(self.name, line, col, prefix + problem)


@dataclass(frozen=True)
class _Plan:
    """A fact table as lazy scans, how its amounts become öre, and where its rows come from."""

    scan: Callable[[bool], pl.LazyFrame]  # the file's columns as written (with `_rad`, the record number, if asked)
    source: _Source
    to_ore: pl.Expr
    text: pl.Expr | None = None  # belopp as written, where `to_ore` does not read text
    skips_blank: bool = False  # CSV: a row whose columns are all empty (a blank line) books nothing
    identity: tuple[Path, tuple] | None = None  # Parquet: the file and what it was before its pass (`file_identity`)
    rows: int | None = None  # Parquet: its rows, from the footer
    control: dict[str, int] | None = None  # Parquet written by kfollow: öre per period, from the footer (`CONTROL_KEY`)
    noted: tuple[str, dict[str, int], dict | None] | None = None  # (the export, öre per period, `distribution`) its
    # import's note holds (`noted_sums`)
    extra: bool = False  # the file has columns beyond the fact table's (a voucher number: rows of single postings)
    budget: bool = False  # a budget table: written again by `kfollow import … --budget-out`, not `-o` (`_again`)
    months: tuple[int, int] | None = None  # Parquet: the first and last month its footer says its rows have

    def _rows(self, numbered: bool) -> pl.LazyFrame:
        lf = self.scan(numbered)
        cols = [_clean(c) for c in CODE_COLUMNS]
        cols.append(_clean("belopp") if self.text is None else pl.col("belopp"))
        lf = lf.select(*([_ROW] if numbered else []), *cols)
        if self.skips_blank:
            lf = lf.filter(~pl.all_horizontal(pl.col(c).is_null() for c in COLUMNS))
        return lf

    @property
    def lf(self) -> pl.LazyFrame:
        """Every row with its record number (`_rad`), an empty cell null, blank rows skipped: for errors."""
        return self._rows(numbered=True)

    def parsed(self) -> pl.LazyFrame:
        """The rows in FACT_SCHEMA (belopp null where it is no amount within the cap)."""
        return self._rows(numbered=False).select(
            "period",
            pl.col("period").str.slice(5, 2).cast(pl.Int8, strict=False).alias("manad"),  # YYYY: null
            *CODE_COLUMNS[1:],
            self.to_ore.alias("belopp"),
        )

    def raw(self) -> pl.LazyFrame:
        """The columns as written, belopp in öre: the cheapest read, for the sums (empty cells not yet
        null, blank rows not skipped: `_summarise` does both on the sums)."""
        lf = self.scan(False)
        if self.text is None:  # belopp as text, or a Parquet column of nulls only: read as text, as `_clean` does
            lf = lf.with_columns(pl.col("belopp").cast(pl.String))
        written = {"_written": pl.col("belopp")} if self.skips_blank else {}
        # as text: a Parquet table may hold its codes as Categorical (a no-op for String)
        return lf.select(*(pl.col(c).cast(pl.String) for c in CODE_COLUMNS), self.to_ore.alias("belopp"), **written)


# a Parquet table of more rows than this is neither kept nor summed to a grain (`Grain`) for a command that cuts by
# account: the cut reads its rows from the file as it sums them (`FactTable.scan`). Kept, a million rows take about
# 90 MB and are summed sooner from memory than read again (0,78 s against 0,83 s for `--by stab,kostnadsslag` on 1 M
# + 1 M rows); at ten million the memory is what counts
KEEP_PARQUET_ROWS = 2_000_000


def file_identity(path: Path) -> tuple:
    """What tells one version of a file from another without reading it: its device and inode (a file
    renamed over it), size, modification time and status change time in nanoseconds (a file written over;
    the status change time also when the old modification time was put back, which no program can do
    for it: found in review)."""
    st = path.stat()
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _numbered(lf: pl.LazyFrame) -> pl.LazyFrame:
    """The table's columns with each record's number (`_rad`, 0-based): a column of the file that is
    named so is not one kfollow reads, and does not stand in the way."""
    return lf.select(COLUMNS).with_row_index(_ROW)


def _plan_csv(path: Path, name: str, head: bytes) -> _Plan:
    if looks_utf16(head):
        raise DataError(name, 1, 1, "file is UTF-16; save it as UTF-8 (in Excel: CSV UTF-8)")
    if kind := packed(head, path):
        advice = ("name it .parquet" if kind == "a Parquet file" else
                  "save it as CSV (in Excel: Save as, CSV UTF-8)" if "Excel" in kind else "unpack it and name the unpacked CSV")
        raise DataError(name, 1, 1, f"the file is {kind}, not CSV text; {advice}")
    if not head:
        raise DataError(name, 1, 1, f"file is empty; write a header row: {','.join(COLUMNS)}")
    refuse_a_second_bom(head, name)  # (was "missing column period; the file has columns '\ufeffperiod'")
    if b"\r" in head.rstrip(b"\r") and b"\n" not in head:  # (polars would read it all as one line)
        raise DataError(name, 1, None, "the lines end with a carriage return alone (an old Mac format); save the "
                                       "file with Windows (CRLF) or Unix (LF) line ends")
    try:
        # glob=False: the path is this one file (polars would read `utfall[12].csv` as utfall1 and utfall2)
        lf = pl.scan_csv(path, infer_schema=False, raise_if_empty=True, glob=False)
        present = lf.collect_schema().names()
    except (pl.exceptions.PolarsError, OSError, pl.exceptions.PanicException) as exc:  # (a panic: a corrupt file)
        raise _csv_failure(path, name, exc) from None
    _check_header(name, present, csv_file=True)
    mark = _end_mark(path, present)

    def scan(numbered: bool) -> pl.LazyFrame:
        lf = pl.scan_csv(path, infer_schema=False, raise_if_empty=True, glob=False)
        if mark is not None:
            lf = mark(lf)
        return _numbered(lf) if numbered else lf

    def where(row: int, column: str | None) -> tuple[int | None, int | None, str]:
        col = present.index(column) + 1 if column in present else None
        return _csv_line(path, row), col, ""

    def short(row: int) -> str | None:
        cells = _csv_cells(path, row)
        if cells is None or not 0 < cells < len(present):
            return None
        lacking = len(present) - cells
        return (f"row has {cells} cell{'s' if cells > 1 else ''} but the header has {len(present)}; "
                f"{'a cell is' if lacking == 1 else f'{lacking} cells are'} missing (an empty cell still needs its comma)")

    return _Plan(scan, _Source(name, where, lambda exc: _csv_failure(path, name, exc), short=short),
                 _amount_from_text(pl.col("belopp")), skips_blank=True, extra=bool(set(present) - set(COLUMNS)))


def _end_mark(path: Path, present: list[str]) -> Callable[[pl.LazyFrame], pl.LazyFrame] | None:
    """How to read a CSV fact table without the one Ctrl-Z (0x1A) that ends it, as DOS programs, `copy /a` and some
    Windows editors end a text file (`files.without_end_mark`), or None where its last byte is none: on a line of
    its own it was a last row refused as 'period '\\u001a' contains a control character', and after the last cell
    it would be part of that cell (found in review, h163). A second one, or one anywhere else, stays in the rows,
    and is refused where it is read."""
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(size - 2, 0))
            tail = fh.read(2)
    except OSError:
        return None  # (reading it says why)
    if not tail.endswith(b"\x1a") or tail == b"\x1a\x1a":
        return None
    try:
        rows = pl.scan_csv(path, infer_schema=False, glob=False).select(pl.len()).collect().item()
    except (pl.exceptions.PolarsError, OSError, pl.exceptions.PanicException):
        return None  # (reading it says why)
    if tail[:1] in (b"\n", b"\r"):  # the mark is the last row, alone
        return lambda lf: lf.head(rows - 1)
    last = present[-1]  # the mark ends the last row's last cell
    index = next(n for n in (f"{_ROW}{'_' * i}" for i in range(len(present) + 1)) if n not in present)
    return lambda lf: (lf.with_row_index(index)
                       .with_columns(pl.when(pl.col(index) == rows - 1).then(pl.col(last).str.strip_suffix("\x1a"))
                                     .otherwise(pl.col(last)).alias(last))
                       .drop(index))


def _plan_parquet(path: Path, name: str, budget: bool = False) -> _Plan:
    try:
        identity = path, file_identity(path)  # (before the pass: a file written over since is told apart after it)
        scanned = pl.scan_parquet(path, glob=False)  # this one file, even named `a[1].parquet`
        schema = scanned.collect_schema()
        rows = scanned.select(pl.len()).collect().item()  # from the metadata only
    except (pl.exceptions.PolarsError, OSError, pl.exceptions.PanicException) as exc:  # (a panic: a corrupt file)
        raise DataError(name, None, None,
                        f"cannot read as Parquet ({_first_line(exc)}); write a Parquet file") from None
    limit = fact_row_limit(path.stat().st_size)
    if rows > limit:  # Parquet compresses: rows, not only bytes, are limited (files.fact_row_limit)
        why = "of a fact table" if limit == FACT_ROW_LIMIT else f"of a fact table of {grouped(path.stat().st_size)} bytes"
        raise DataError(name, None, None, f"the table has {grouped(rows)} rows, over the limit of {grouped(limit)} rows {why}; "
                        "sum the rows that share period, förvaltning, stab, verksamhet, konto and slag, or check "
                        "that it is the right file")
    pairs, months = _check_unpacked(path, name)
    control = _control_sums(pairs, name, rows, budget)
    present = [c for c in schema.names() if c != _ROW]
    _check_header(name, present, csv_file=False)
    for column in CODE_COLUMNS:
        dtype = schema[column]
        if not (dtype == pl.String or dtype == pl.Null or isinstance(dtype, (pl.Categorical, pl.Enum))):
            if column == "period":
                raise DataError(name, None, None, f"column period is {dtype}; a period is text: write it as a string "
                                                  "column of YYYY-MM (a month) or YYYY (a budget for the year)")
            raise DataError(name, None, None, f"column {column} is {dtype}; codes are text: write it as a string "
                                              "column (so that leading zeros are kept)")
    amount = schema["belopp"]
    if amount.is_float():
        raise DataError(name, None, None, f"column belopp is a floating-point column ({amount}), which cannot hold "
                                          "öre exactly; write it as Decimal(18,2) or as text")
    if isinstance(amount, pl.Decimal):
        if (amount.scale or 0) > 2:
            raise DataError(name, None, None, f"column belopp is {amount} with {amount.scale} decimals; "
                                              "write it as Decimal(18,2) (at most two decimals)")
        to_ore = _amount_from_decimal(pl.col("belopp"))
        text = pl.col("belopp").cast(pl.String)
    elif amount == pl.String or amount == pl.Null:
        to_ore = _amount_from_text(pl.col("belopp"))
        text = None
    else:
        raise DataError(name, None, None, f"column belopp is {amount}; write it as Decimal(18,2) "
                                          "or as text in kronor, e.g. 1234.50")

    def scan(numbered: bool) -> pl.LazyFrame:
        lf = pl.scan_parquet(path, glob=False)
        return _numbered(lf) if numbered else lf

    def where(row: int, column: str | None) -> tuple[int | None, int | None, str]:
        return None, None, f"row {row + 1}{f', column {column}' if column else ''}: "

    def failure(exc: Exception) -> Exception:
        return DataError(name, None, None, f"cannot read as Parquet ({_first_line(exc)})")

    return _Plan(scan, _Source(name, where, failure, columnar=True), to_ore, text, identity=identity, rows=rows,
                 control=control, extra=bool(set(present) - set(COLUMNS)), months=months)


# the key of a Parquet fact table's metadata under which kfollow writes its amounts' sums per period (öre, as
# text): Parquet as polars writes it has no checksum, so a damaged page of amounts would read as other amounts
CONTROL_KEY = "kfollow.kontrollsummor"


# the grain at which a table written over is compared with the one replacing it (`period_sums`)
REVISION_KEYS = ["period", "forvaltning", "stab", "verksamhet", "slag"]


def period_sums(table: Path | pl.DataFrame) -> pl.DataFrame | None:
    """A fact table's amounts (öre) summed per REVISION_KEYS (a move between staber, or costs and income raised
    alike, changes these sums, not a month's total): of the rows of a table in memory, or of the file at a path
    read as kfollow reads it (None where it does not read as a fact table)."""
    if isinstance(table, pl.DataFrame):
        return table.group_by(REVISION_KEYS).agg(pl.col("belopp").sum())
    try:
        # (not with its note's sums, which the comparison does not need: a note whose sums cannot be read made a table
        # 'not a fact table', written over unsaid; found in review, h124)
        return (_plan(table, str(table), noted=False).parsed().group_by(REVISION_KEYS).agg(pl.col("belopp").sum())
                .collect(engine="streaming"))
    except (KfollowError, pl.exceptions.PolarsError, OSError, pl.exceptions.PanicException):
        return None


def control_sums(facts: pl.DataFrame) -> str:
    """The facts' amounts summed per period (öre, exact), as the JSON a Parquet table carries (`CONTROL_KEY`)."""
    import json

    return json.dumps(control_note(facts), ensure_ascii=False)


def control_note(facts: pl.DataFrame) -> dict:
    """The facts' amounts summed per period (öre, exact, as text) with their rows: what a Parquet table's metadata
    (`CONTROL_KEY`) and an import's note (`kontrollsummor` in `.kalla.json`) hold of the table written."""
    sums = facts.group_by("period").agg(pl.col("belopp").cast(pl.Int128).sum()).sort("period")
    # (with the rows they are of: a tool that rewrites the file with other rows and keeps its metadata leaves
    # sums that are no longer the file's, which is no damage)
    digests = distribution(_tidy(_summarise(facts.lazy(), konto=False).collect()))
    return {"rader": facts.height, "belopp_ore_per_period": {p: str(v) for p, v in sums.iter_rows()},
            DISTRIBUTION_KEY: {p: dict(sorted(f.items())) for p, f in sorted(digests.items())}}


# the note's digests per period and förvaltning of the sums per stab, verksamhet and slag (`distribution`): a month's
# total holds when an amount is moved between staber, or a cost raised and an income alike (found by an auditor, h135)
DISTRIBUTION_KEY = "fordelning_sha256"


def distribution(summary: pl.DataFrame) -> dict[str, dict[str, str]]:
    """Per period and förvaltning, a digest (SHA-256, 16 hex digits) of its sums per stab, verksamhet and slag (öre,
    as `_summarise` gives them; an empty key and a missing one alike, a group of 0 kostnad and 0 intakt left out, as
    it moves no money): what a table's import wrote, to be compared with what a command reads (`_check_control`)."""
    import hashlib

    keys = ("stab", "verksamhet")
    lines = (summary.lazy()
             .with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in ("kostnad", "intakt"))
             .filter((pl.col("kostnad") != 0) | (pl.col("intakt") != 0))
             .select(pl.col("period"), pl.col("forvaltning").fill_null(""),
                     pl.concat_str([*(pl.col(k).fill_null("") for k in keys), pl.col("kostnad").cast(pl.Utf8),
                                    pl.col("intakt").cast(pl.Utf8)], separator="\t").alias("_line"))
             .sort("period", "forvaltning", "_line")
             .group_by("period", "forvaltning", maintain_order=True).agg(pl.col("_line").str.join("\n"))
             .collect())
    digests: dict[str, dict[str, str]] = {}
    for period, forvaltning, text in lines.iter_rows():
        digests.setdefault(period, {})[forvaltning] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return digests


NOTE_KEY = "kontrollsummor"  # an import's note (`.kalla.json`): the sums per period of the table it wrote
_NOTE_LIMIT = 16 * 1024 * 1024  # (outcome.NOTE_LIMIT: a larger note is refused there, and read for no sums here)


def noted_sums(table: Path, name: str, budget: bool = False) -> tuple[str, dict[str, int], dict | None] | None:
    """The export and the amounts per period (öre) that the note of `kfollow import` beside `table` says it wrote
    (`control_note`); None where there is no note, it cannot be read (`outcome.note_problem` warns of that) or it
    has no sums (written before they were noted, or by hand); DataError where its sums cannot be read. (A table
    changed after its import, by hand or by another tool, was read as it was, its note still naming the export
    as its source in a report's footer: found in review, h119.)"""
    import json

    note_path = Path(f"{table}{ORIGIN_SUFFIX}")
    try:
        if not note_path.is_file() or note_path.stat().st_size > _NOTE_LIMIT:
            return None
        note = json.loads(read_bytes(note_path, _NOTE_LIMIT, "export note").decode("utf-8-sig"))
    except (KfollowError, OSError, ValueError, RecursionError):
        return None
    if not isinstance(note, dict) or NOTE_KEY not in note:
        return None
    try:
        sums = note[NOTE_KEY]["belopp_ore_per_period"]
        read = {str(p): int(v) for p, v in sums.items() if len(str(v)) <= 40}
        if len(read) != len(sums):
            raise ValueError
        digests = note[NOTE_KEY].get(DISTRIBUTION_KEY)  # (None in a note written before they were noted)
        if digests is not None:
            digests = {str(p): {str(f): str(d) for f, d in per.items()} for p, per in digests.items()}
    except (ValueError, TypeError, KeyError, AttributeError):
        raise DataError(f"{name}{ORIGIN_SUFFIX}", None, None, f"the note's control sums ({NOTE_KEY}) cannot be read; "
                        f"import the table again ({again(budget)}), or delete the note if the table is no "
                        "longer its export's") from None
    export = note.get("export")
    return (export if isinstance(export, str) and export else "the export"), read, digests


def _control_sums(pairs: dict[str, str], name: str, rows: int | None, budget: bool = False) -> dict[str, int] | None:
    """The control sums a Parquet table's metadata holds (`control_sums`), or None where it has none (a file
    kfollow did not write) or they are of another number of rows than the file's `rows` (rewritten by another
    tool, which kept the metadata); DataError where they are there but cannot be read."""
    import json

    if CONTROL_KEY not in pairs:
        return None
    try:
        control = json.loads(pairs[CONTROL_KEY])
        sums = control["belopp_ore_per_period"]
        if "rader" in control and int(control["rader"]) != rows:
            return None
        return {str(p): int(v) for p, v in sums.items()}
    except (ValueError, TypeError, KeyError, AttributeError):
        raise DataError(name, None, None, f"the file's control sums ({CONTROL_KEY}) cannot be read: the file is "
                                          f"damaged; write it again ({again(budget)})") from None


def again(budget: bool) -> str:
    """How a message tells to write a fact table again: a budget table is the import's --budget-out (`-o` writes the
    utfall, and the year file names a budget table under budget_fil: found in review, h124)."""
    return f"kfollow import … {'--budget-out' if budget else '-o'} it"


def _period_sums(summary: pl.LazyFrame) -> pl.LazyFrame:
    """A table's amounts summed per period (`_check_control`), exactly."""
    return summary.group_by("period").agg(
        (pl.col("kostnad").cast(pl.Int128).sum() + pl.col("intakt").cast(pl.Int128).sum()).alias("belopp"))


def _check_control(plan: _Plan, summary: pl.DataFrame, found: pl.DataFrame | None = None) -> None:
    """DataError where the amounts read from a Parquet table do not sum per period to the control sums written
    into it (`control_sums`): a damaged file, whose amounts would otherwise be shown as they read; or where they
    do not sum to what its import's note says it wrote (`noted_sums`): a table changed since its import."""
    found = _period_sums(summary.lazy()).collect() if found is None else found
    read = {p: v for p, v in found.iter_rows()}
    if plan.control is not None:
        _compare(plan.source.name, read, plan.control, "the control sum written into the file is {} kr",
                 "which the control sums written into the file do not have",
                 ": the file is damaged (or changed by a tool that kept kfollow's sums); write it again "
                 f"({again(plan.budget)})", _kronor)
    if plan.noted is not None:
        export, noted, digests = plan.noted
        note = f"{Path(plan.source.name).name}{ORIGIN_SUFFIX}"
        advice = (": the table was changed after its import, and would be reported as the export's; import it "
                  f"again from the export ({again(plan.budget)}), or delete the note if the table is no longer "
                  "the export's")
        _compare(plan.source.name, read, noted, f"its import from {shown(export)} wrote {{}} kr ({note})",
                 f"which its import from {shown(export)} did not write ({note})", advice, _swedish_kronor)
        if digests is not None:
            # the months' totals hold: an amount moved between staber, verksamheter or kostnad and intakt within
            # a month (rows changed, added or deleted so) is found by the sums per stab, verksamhet and slag
            found = distribution(_tidy(summary.select(*SUMMARY_KEYS, "kostnad", "intakt")))
            for period in sorted(set(found) | set(digests)):
                ours, theirs = found.get(period, {}), digests.get(period, {})
                for forvaltning in sorted(set(ours) | set(theirs)):
                    if ours.get(forvaltning) != theirs.get(forvaltning):
                        raise DataError(plan.source.name, None, None, (
                            f"the amounts of {shown(forvaltning) if forvaltning else 'the rows without förvaltning'} "
                            f"in period {period} sum to what its import from {shown(export)} wrote, but not per "
                            f"stab, verksamhet and slag ({note}), as where an amount is moved between staber, verksamheter or "
                            "kostnader and intäkter") + advice)


def _compare(name: str, read: dict[str, int], control: dict[str, int], wrote: str, lacks: str, advice: str,
             kronor: Callable[[int], str]) -> None:
    """DataError at the first period whose amounts `read` (öre) differ from the `control` sums, or that only
    one of them has."""
    for period in sorted(set(read) | set(control), key=str):
        if read.get(period, 0) != control.get(period, 0) or (period in read) != (period in control):
            raise DataError(name, None, None, (
                f"the amounts of period {period} sum to {kronor(read[period])} kr" if period in read
                else f"the file has no rows of period {period}") + (
                f", but {wrote.format(kronor(control[period]))}" if period in control else f", {lacks}") + advice)


def _swedish_kronor(ore: int) -> str:
    """Öre as kronor for a message, as the import's summary writes them (`-1 234,50`; ledger.kr)."""
    whole, part = divmod(abs(ore), 100)
    return f"{'-' if ore < 0 else ''}{grouped(whole)},{part:02d}"


def _kronor(ore: int) -> str:
    """Öre as kronor with two decimals, exactly (`-1234.50`)."""
    whole, part = divmod(abs(ore), 100)
    return f"{'-' if ore < 0 else ''}{whole}.{part:02d}"


# what a column chunk of a fact table may unpack to: a code or an amount is a few bytes (with its length), so
# this much a value on average and a megabyte besides is plenty, and a cell of a thousand million characters
# in 33 kB of Parquet (13,8 GB once polars unpacked it) is refused before it is read
_BYTES_PER_VALUE = 1024
_BYTES_SLACK = 1024 * 1024


def _check_unpacked(path: Path, name: str) -> tuple[dict[str, str], tuple[int, int] | None]:
    """DataError for a Parquet file whose footer states a column chunk of kfollow's columns far larger
    than a fact table's codes and amounts take (`parquet_meta`); a footer that cannot be walked is left
    for polars to refuse as it reads. Returns the footer's key-value metadata and the months its statistics
    say the rows' periods span (`_stated_months`)."""
    from kfollow.sources.parquet_meta import Malformed, column_range, footer

    try:
        chunks, pairs = footer(path, maxima=True)
    except (Malformed, OSError):
        return {}, None
    for column, values, size, *_ in chunks:
        if column in COLUMNS and size > max(values, 1) * _BYTES_PER_VALUE + _BYTES_SLACK:
            raise DataError(name, None, None, f"column {column} unpacks to {grouped(size)} bytes for {grouped(values)} "
                                              f"value{'s' if values != 1 else ''}, far more than codes and amounts "
                                              "take (a few bytes each); check that it is a fact table, and write "
                                              "it again")
    return pairs, _stated_months(column_range(chunks, "period"))


def _stated_months(stated: tuple[str, str] | None) -> tuple[int, int] | None:
    """The first and the last month of a year that a Parquet table's periods span, as its footer's statistics state
    them (smallest and largest period, `parquet_meta.column_range`): (1, last) where a period for the whole year
    (YYYY, which sorts first) is among them; None where they state none, or periods of two years or none a period.
    Only where the pass sums rows in spans of months (`_spans`): a statement that is wrong costs a read, not a figure."""
    if stated is None:
        return None
    low, top = stated
    if not (_PERIOD_RE.fullmatch(top) and 1 <= int(top[5:]) <= 12) or low[:4] != top[:4]:
        return None
    if low == top[:4]:
        return 1, int(top[5:])
    if not (_PERIOD_RE.fullmatch(low) and 1 <= int(low[5:]) <= 12):
        return None
    return int(low[5:]), int(top[5:])


def _check_header(name: str, present: list[str], csv_file: bool) -> None:
    # polars renames a repeated header `x` to `x_duplicated_0`
    twice = sorted({m.group(1) for c in present
                    if (m := re.fullmatch(r"(.+)_duplicated_\d+", c)) and m.group(1) in present})
    if twice:
        raise DataError(name, 1 if csv_file else None, None,
                        f"column {', '.join(twice)} appears twice in the header; keep one")
    missing = [c for c in COLUMNS if c not in present]
    if not missing:
        return
    shown = ", ".join(_show(c) for c in present[:12]) + (", …" if len(present) > 12 else "")
    if csv_file and len(present) == 1 and set(present[0].split(";")) >= set(COLUMNS):
        # a table kfollow wrote, saved again by Excel: 'save it comma separated' is nothing Swedish Excel's "CSV" does,
        # and the table is no longer the one written (found by an ekonom on Windows, h120)
        raise DataError(name, 1, 1, "the table is separated by semicolons, as Excel saves a CSV: a fact table is "
                                    "read as kfollow import writes it (commas, decimal point), and Excel also changes "
                                    "periods (2024-01 to jan-24) and codes (0100 to 100); import it again from the "
                                    "export (kfollow import) instead of saving it in Excel")
    hint = ""
    if csv_file and len(present) == 1 and ";" in present[0]:
        hint = "; the file seems separated by semicolons: save it comma separated"
    raise DataError(name, 1 if csv_file else None, None,
                    f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; the file has "
                    f"columns {shown}{hint}; write the header {','.join(COLUMNS)}")


def _clean(column: str) -> pl.Expr:
    """A text cell as written; an empty cell (also a quoted `""`) is null.

    Cells are not stripped (that would copy every cell of a million rows); a cell with spaces
    around it is reported (`has spaces around it`) instead of guessed at.
    """
    text = pl.col(column).cast(pl.String)
    return pl.when(text != "").then(text).alias(column)


# ---------------------------------------------------------------------------------------------
# Amounts: text or decimal → öre, exactly


def _amount_from_text(text: pl.Expr) -> pl.Expr:
    """Kronor as text (`-1234.5`) → Int64 öre (-123450); null when not an amount or |x| > 10^13 kr.

    Validated by a regex (optional minus, digits, at most two decimals after a point), then read as
    a Decimal(38,2), whose integer representation is the öre: polars parses the digits into an
    integer with the scale, exact, no float on the way (and twice as fast as moving the point by
    hand). A value beyond Decimal(38,2) or Int64 is null, as beyond the cap.
    """
    ore = text.cast(pl.Decimal(38, 2), strict=False).to_physical().cast(pl.Int64, strict=False)
    return pl.when(text.str.contains(_AMOUNT_PL) & (ore.abs() <= MAX_ORE)).then(ore)


def _amount_from_decimal(value: pl.Expr) -> pl.Expr:
    """Decimal kronor (scale ≤ 2) → Int64 öre (the integer representation at scale 2); null when
    |x| > 10^13 kr."""
    ore = value.cast(pl.Decimal(38, 2), strict=False).to_physical().cast(pl.Int64, strict=False)
    return pl.when(ore.abs() <= MAX_ORE).then(ore)


def ore_from_text(values: list[str | None]) -> list[int | None]:
    """Kronor as text → öre (null where not an amount), with the same expressions the reader uses."""
    series = pl.Series("belopp", values, dtype=pl.String)
    return pl.select(_amount_from_text(pl.lit(series))).to_series().to_list()


# ---------------------------------------------------------------------------------------------
# Validation: the rows in one streaming pass, checked on their distinct values; only when a check
# fails, a second pass row by row for the first offending row and its message


@dataclass(frozen=True)
class _Check:
    kind: str
    column: str | None
    bad: pl.Expr


def _periods(known: Known, budget: bool) -> list[str]:
    """The periods a table of the year may have: its months, and for a budget the year itself."""
    return [f"{known.year}-{m:02d}" for m in range(1, 13)] + ([str(known.year)] if budget else [])


def _checks(known: Known, budget: bool = False) -> list[_Check]:
    """Every row check, in column order: the first that fails is the one reported for a row.

    Each check reads one id column (the stab check also its förvaltning) or the amount, so a table
    passes them all when its distinct values do (`_validate`).

    A control character or a space around an id makes that id unknown, and `konto` (which is not
    checked against the year file) must be digits; `_message` says which it was.
    """
    col = pl.col
    periods = _periods(known, budget)
    pairs = [f"{f}\x1f{s}" for f, stabs in known.forvaltningar.items() for s in stabs]
    return [
        _Check("empty", "period", col("period").is_null()),
        _Check("period", "period", ~col("period").is_in(periods)),
        _Check("empty", "forvaltning", col("forvaltning").is_null()),
        _Check("forvaltning", "forvaltning", ~col("forvaltning").is_in(list(known.forvaltningar))),
        _Check("stab", "stab", col("stab").is_not_null()
               & ~pl.concat_str("forvaltning", "stab", separator="\x1f").is_in(pairs)),
        _Check("verksamhet", "verksamhet", col("verksamhet").is_not_null()
               & ~col("verksamhet").is_in(list(known.verksamheter))),
        _Check("empty", "konto", col("konto").is_null()),
        _Check("konto", "konto", col("konto").str.contains(_KONTO_BAD_PL)),
        _Check("empty", "slag", col("slag").is_null()),
        _Check("slag", "slag", ~col("slag").is_in(SLAG)),
        _Check("empty", "belopp", col(_TEXT).is_null()),
        _Check("amount", "belopp", col("belopp").is_null()),
    ]


# a table's sums are kept at this grain, kostnad and intakt apart: the year's views and every id check
# read them, not the rows
SUMMARY_KEYS = ("period", "forvaltning", "stab", "verksamhet")
SUMMARY_SCHEMA: dict[str, pl.DataType] = {c: FACT_SCHEMA[c] for c in ("period", "manad", *SUMMARY_KEYS[1:])} | {
    "kostnad": pl.Int64,  # öre, the kostnad rows' belopp summed, as booked
    "intakt": pl.Int64,  # öre, the intakt rows' belopp summed, as booked (an income negative)
}


@dataclass(eq=False)
class FactTable:
    """A read and checked fact table: its sums per period, förvaltning, stab and verksamhet, of
    kostnad and of intakt (`summary`, SUMMARY_SCHEMA, öre as booked), and its rows at the ledger's grain, read when first
    asked for unless they were kept when it was read."""

    name: str
    summary: pl.DataFrame
    plan: _Plan
    known: Known
    budget: bool = False
    kept: pl.DataFrame | None = None
    accounts: pl.DataFrame | None = None  # its distinct (konto, slag), where the pass read them
    views: pl.DataFrame | None = None  # `views` of `summary`, unsorted, where they were made as it was read
    _forvaltningar: list[str] | None = None  # `forvaltningar`, where the checks' distinct keys gave them
    summed: Summed | None = None  # its rows summed to a cut's grain as they were read (`Grain`), if they were

    def summed_upto(self, grain: list[str], month: int) -> pl.LazyFrame | None:
        """The table's rows of months 1..`month` summed to `grain`, with `_n` their rows (`Summed.upto`), where the
        pass summed them so; else None (`scan` reads them)."""
        if self.summed is None:
            return None
        months = set(self.summary["manad"].drop_nulls().unique().to_list())
        return self.summed.upto(grain, month, months)

    def yearly(self) -> pl.DataFrame | None:
        """A budget table's rows for the whole year (period YYYY, manad null; PIECE columns) where the pass kept them
        apart (`Summed`); else None."""
        return None if self.summed is None else self.summed.yearly

    def forvaltningar(self) -> list[str]:
        """The förvaltningar of the table's rows, sorted (none is empty: the checks refuse it); from the distinct
        keys the checks read, not the sums again."""
        if self._forvaltningar is None:
            self._forvaltningar = self.summary["forvaltning"].drop_nulls().unique().sort().to_list()
        return self._forvaltningar

    def scan(self) -> pl.LazyFrame:
        """Every row (FACT_SCHEMA without `period`, as `rows(period=False)`), lazily: the rows kept, else a
        Parquet table's read from its file as the query that uses them runs, a batch at a time, no more
        columns than it asks for; a CSV table's as `rows` reads them. The rows of the file were checked by
        the table's pass: call `unchanged` once the query ran, so that a file written over since (whose
        rows no check saw) is an error, not a figure."""
        if self.kept is None and self.plan.source.columnar:
            return self.plan.parsed().drop("period")
        return self.rows(period=False).lazy()

    def unchanged(self) -> None:
        """DataError when the table's file is no longer the one its pass read and checked (`file_identity`):
        what a `scan` read since then was never checked. Nothing to do for rows kept or read again (checked
        when read)."""
        if self.kept is not None or self.plan.identity is None:
            return
        path, before = self.plan.identity
        try:
            same = file_identity(path) == before
        except OSError:
            same = False
        if not same:
            raise DataError(self.name, None, None, "the file changed while kfollow read it; run the command again")

    def unreadable(self, exc: BaseException) -> DataError:
        """The error of a `scan` that failed while the file is unchanged (its permissions changed, a
        disk error): this table's, named, not an internal error."""
        return DataError(self.name, None, None, f"cannot be read again ({_first_line(exc)}); check the file and run "
                                                "the command again")

    def rows(self, period: bool = True) -> pl.DataFrame:
        """Every row (FACT_SCHEMA, without `period` unless asked for), as written; read again from
        the file unless kept, and checked again: the rows must pass every check and give the sums
        read before, else `DataError`."""
        if self.kept is None:
            again = _validate(self.plan, self.known, self.budget, rows=True)
            # the accounts too: they are not in the sums, and the year's cuts take them from the first read
            renamed = self.accounts is not None and set(again.accounts["konto"]) != set(self.accounts["konto"])
            if renamed or not same_sums(again.summary, self.summary):
                raise DataError(self.name, None, None, "the file changed while kfollow read it; run the command again")
            self.kept = again.kept
        if not period:
            return self.kept
        # a checked row's period is a month of the year (YYYY-MM), or the year itself (a budget's YYYY)
        year = str(self.known.year)
        month = pl.col("manad").cast(pl.String).str.zfill(2)
        return self.kept.select(
            pl.when(pl.col("manad").is_null()).then(pl.lit(year)).otherwise(pl.lit(year + "-") + month).alias("period"),
            *self.kept.columns)


def same_sums(first: pl.DataFrame, second: pl.DataFrame) -> bool:
    """Whether two tables' sums (SUMMARY_SCHEMA) are the same, whatever their order."""
    keys = list(SUMMARY_SCHEMA)
    return first.height == second.height and first.sort(keys, nulls_last=True).equals(second.sort(keys, nulls_last=True))


# |belopp| ≤ MAX_ORE < 2^50, so the absolute amounts of fewer rows than this sum exactly in Int64
_EXACT_ROWS = 2**13


def _summarise(rows: pl.LazyFrame, konto: bool, blank: bool = False, counts: bool = False) -> pl.LazyFrame:
    """The rows' sums per SUMMARY_KEYS, kostnad and intakt apart (slag is no key: half the groups).
    With `counts` or `konto` (a table whose pass has no `_totals`), also what the checks need
    of the rest, per group: how many amounts are not amounts (`_nulls`), the rows and their absolute
    amounts (`_len`, `_abs`: exact while a group has fewer than _EXACT_ROWS rows) for the table's
    total; with `konto` (a CSV table: the accounts and slag are not read apart) how many rows have a
    slag that is one (`_slag`) and whether an account is empty or badly written (`_konto`); with
    `blank` how many rows have neither account, slag nor amount (`_blank`: a blank row, when its keys
    are empty too)."""
    empty = pl.col("konto").is_null() | (pl.col("konto") == "")
    slag, belopp = pl.col("slag"), pl.col("belopp")
    extra = {}
    ok = {}
    if counts or konto:
        extra["_nulls"] = belopp.null_count()
        extra["_len"] = pl.len()
        extra["_abs"] = belopp.abs().sum()
    if konto:
        ok["_ok"] = slag.is_in(SLAG)
        extra["_slag"] = pl.col("_ok").sum()
        extra["_konto"] = (empty | pl.col("konto").str.contains(_KONTO_BAD_PL)).any()
    if blank:
        extra["_blank"] = (empty & (slag.is_null() | (slag == ""))
                           & (pl.col("_written").is_null() | (pl.col("_written") == ""))).sum()
    # the parts per row first, then plain sums: filtered sums (when/then inside agg) hold twice the memory
    return rows.with_columns(_k=pl.when(slag == "kostnad").then(belopp), _i=pl.when(slag == "intakt").then(belopp),
                             **ok).group_by(SUMMARY_KEYS).agg(
        kostnad=pl.col("_k").sum(),
        intakt=pl.col("_i").sum(),
        **extra,
    )


def _tidy(summary: pl.DataFrame) -> pl.DataFrame:
    """The sums of `raw` rows as `_summarise` gives them of clean ones: an empty key is null (groups
    that differed only so are summed together), and the group of blank rows is dropped."""
    keys = list(SUMMARY_KEYS)
    if summary.select(pl.any_horizontal(pl.col(k) == "" for k in keys).any()).item():
        sums = [c for c in summary.columns if c not in keys]
        summary = (summary.with_columns(pl.when(pl.col(k) != "").then(pl.col(k)).alias(k) for k in keys)
                   .group_by(keys).agg(*(pl.col(c).any() if c == "_konto" else pl.col(c).sum() for c in sums)))
    if "_blank" in summary.columns:
        blank = pl.all_horizontal(pl.col(k).is_null() for k in keys) & (pl.col("_blank") == pl.col("_len"))
        summary = summary.filter(~blank)
    return summary


def _validate(plan: _Plan, known: Known, budget: bool = False, rows: bool = False) -> FactTable:
    """The table read in one streaming pass into its sums (and, with `rows`, its rows) and checked
    (`_sums`, `_check`); `DataError` for the first bad row."""
    return _check(plan, _sums(plan, rows), known, budget)


def _sums(plan: _Plan, rows: bool, grain: Grain | None = None) -> tuple:
    """The table's one streaming pass: its rows (with `rows`, else None), its sums with what the
    checks need of them (`_summarise`), its distinct pairs of account and slag where they are read
    apart (else None: counts and a flag among the sums), the checks' totals of the whole table
    where the sums do not carry them (`_totals`, else None), and, with a `grain` (a Parquet table), its
    rows summed to it (`Summed`, else None)."""
    try:
        if rows:  # the rows read once for all four (polars keeps them for the sums and the accounts); kept
            # without their period, which their month gives once the checks have passed (`FactTable.rows`)
            parsed = plan.parsed()
            kept, summary, accounts, totals = pl.collect_all(
                [parsed.drop("period"), _summarise(parsed, konto=False), parsed.select("konto", "slag").unique(),
                 _totals(parsed)], engine="streaming")
            return kept, summary, accounts, totals, None
        if plan.source.columnar and grain is not None:  # the sums, and the rows summed to the cut's grain, in one
            # pass: the accounts and their slag are the summed rows' (every row that can pass the checks is in them)
            # (the checks' totals of the whole table apart, not per group of the sums: polars reads the file once for
            # the queries of one call, and a total of the rows costs less than three more sums in each of 95 000 groups)
            raw, spans = plan.raw(), _spans(grain, plan.months)
            queries = [_summarise(raw, konto=False), _summed(raw, grain.keys, spans), _totals(raw)]
            if plan.budget:
                queries.append(_year_rows(raw))
            summary, grouped, totals, *yearly = pl.collect_all(queries, engine="streaming")
            keys = ["forvaltning", *grain.keys, "konto", "slag"]
            grouped = _nulled(grouped, keys)
            yearly = _nulled(yearly[0], [c for c in CODE_COLUMNS[1:]], summed=False) if yearly else None
            accounts = grouped.select("konto", "slag")
            if yearly is not None and yearly.height:
                accounts = pl.concat([accounts, yearly.select("konto", "slag")])
            return None, _tidy(summary), accounts.unique(), totals, Summed(grain.keys, spans, grouped, yearly)
        if plan.source.columnar:  # Parquet: the konto and slag columns alone are cheap to read (apart:
            # polars would keep every column of the file for a second query of the same scan; so the totals
            # are counted among the sums here: three queries in one call took 1 274 MB at 10 M rows, not 232 MB)
            summary = _tidy(_summarise(plan.raw(), konto=False, counts=True).collect(engine="streaming"))
            return None, summary, plan.raw().select("konto", "slag").unique().collect(engine="streaming"), None, None
        return None, _tidy(_summarise(plan.raw(), konto=True, blank=plan.skips_blank).collect(engine="streaming")), \
            None, None, None
    except (pl.exceptions.PolarsError, OSError, pl.exceptions.PanicException) as exc:  # (a panic: a corrupt file)
        raise plan.source.failure(exc) from None


def _spans(grain: Grain, months: tuple[int, int] | None = None) -> tuple[int, ...]:
    """The months that end the spans a table's rows are summed in (`Summed`): those the grain names and those
    utfall tables read so far were booked through (a cut of the year sums up to the last booked month); of the
    table's `months` (first, last), only those that part its rows: a span's end before its first month or at or
    after its last has every row on one side of it (an utfall table booked through October, summed up to October:
    one span, and a pass 15 % shorter)."""
    first, last = months or (1, 12)
    return tuple(sorted({m for m in (*grain.months, *_BOOKED) if max(1, first) <= m < min(12, last)}))


def _summed(raw: pl.LazyFrame, keys: tuple[str, ...], spans: tuple[int, ...]) -> pl.LazyFrame:
    """The rows of months (YYYY-MM) summed per förvaltning, `keys`, konto and slag: in each span of months that
    `spans` end (`_b0`, `_n0`: up to the first, … the last from the month after the last one), belopp and the rows."""
    belopp = pl.col("belopp")
    rows = raw.filter(pl.col("period").str.len_bytes() == 7)
    if spans:  # each row's span first, then plain sums (a filtered sum in the aggregation is slower)
        manad = pl.col("period").str.slice(5, 2).cast(pl.Int8, strict=False)
        span = pl.sum_horizontal(*((manad > m).cast(pl.Int8) for m in spans)).alias("_span")
        rows = rows.with_columns(span).with_columns(
            *(pl.when(pl.col("_span") == i).then(belopp).alias(f"_b{i}") for i in range(len(spans) + 1)),
            *((pl.col("_span") == i).alias(f"_in{i}") for i in range(len(spans) + 1)))
        sums = [*(pl.col(f"_b{i}").sum() for i in range(len(spans) + 1)),
                *(pl.col(f"_in{i}").sum().cast(pl.Int64).alias(f"_n{i}") for i in range(len(spans) + 1))]
    else:
        sums = [belopp.sum().alias("_b0"), pl.len().cast(pl.Int64).alias("_n0")]
    return rows.group_by("forvaltning", *keys, "konto", "slag").agg(*sums)


def _year_rows(raw: pl.LazyFrame) -> pl.LazyFrame:
    """A budget table's rows for the whole year (period YYYY), as `FactTable.rows` gives them (manad null)."""
    return raw.filter(pl.col("period").str.len_bytes() == 4).select(
        pl.lit(None, pl.Int8).alias("manad"), *CODE_COLUMNS[1:], "belopp")


def _nulled(frame: pl.DataFrame, keys: list[str], summed: bool = True) -> pl.DataFrame:
    """`frame` with an empty key null, as a clean read has it (`_clean`); `summed` rows that differed only so
    summed together."""
    if not frame.height or not frame.select(pl.any_horizontal(pl.col(k) == "" for k in keys).any()).item():
        return frame
    frame = frame.with_columns(pl.when(pl.col(k) != "").then(pl.col(k)).alias(k) for k in keys)
    return frame.group_by(keys).agg(pl.exclude(keys).sum()) if summed else frame


@dataclass(frozen=True)
class Summed:
    """A Parquet table's rows of months summed to a cut's grain as they were read (`Grain`): per förvaltning,
    `keys`, konto and slag, in the spans of months that `spans` end (`_b0`…, `_n0`…: belopp and rows), and its rows
    for the whole year (a budget table's, as `FactTable.rows` gives them; None for an utfall table)."""

    keys: tuple[str, ...]
    spans: tuple[int, ...]
    frame: pl.DataFrame
    yearly: pl.DataFrame | None

    def upto(self, grain: list[str], month: int, booked: set[int]) -> pl.LazyFrame | None:
        """The rows of months 1..`month` summed to `grain` (of forvaltning, stab, verksamhet, konto) or finer (a row
        may share its keys with others), with `_n` their rows, as a cut sums them (`cuts.ledger_amounts`); None
        where these sums cannot give them: a key they do not have, or a span of months that `month` cuts while the
        table (its months, `booked`) has months on both sides of it."""
        if not set(grain) <= {"forvaltning", *self.keys, "konto"}:
            return None
        taken, start = [], 0
        for i, end in enumerate((*self.spans, 12)):
            if end <= month:
                taken.append(i)
            elif start < month:  # the span cut by `month`: whole if the table has no month after it there, else
                after = any(month < m <= end for m in booked)  # none if it has none up to it, else not given
                before = any(start < m <= month for m in booked)
                if after and before:
                    return None
                if not after:
                    taken.append(i)
            start = end
        zero = pl.lit(0, pl.Int64)
        # (not summed to `grain` again: a row per account and slag, or of a finer grain, is what a cut sums anyway);
        # a row of no month taken is left out, as the rows of those months have none: a part of 0 öre and no facts
        # would be a part (of an account of both slag, its gross figures unknown: found in review, h138)
        return self.frame.lazy().select(
            *grain, belopp=pl.sum_horizontal(*(pl.col(f"_b{i}") for i in taken)) if taken else zero,
            _n=pl.sum_horizontal(*(pl.col(f"_n{i}") for i in taken)) if taken else zero).filter(pl.col("_n") > 0)


def _totals(rows: pl.LazyFrame) -> pl.LazyFrame:
    """What the checks need of every row of a table whose rows are kept (`_summarise` without `counts`),
    summed over the whole table rather than per group: how many amounts are not amounts (`_nulls`),
    and the absolute amounts exactly (`_abs`, Int128); also of a Parquet table summed to a cut's grain, whose
    pass is two queries of the file already. (Not for a lone query of the sums: a second query of the same
    scan makes polars keep every column of it.)"""
    belopp = pl.col("belopp")
    return rows.select(_nulls=belopp.null_count(), _abs=belopp.abs().cast(pl.Int128).sum())


def _ahead(summary: pl.DataFrame) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    """The sums as the store keeps them (`_final`) and their views (`views`, unsorted), made where the
    table was read: on the background thread, while the year file is still being parsed. None where
    there is nothing to make them of yet (a table the checks will refuse: the year is not loaded then)."""
    try:
        final = _final(summary)
        return final, views(final, last_month=0, sort=False)
    except Exception:  # noqa: BLE001 - only a head start: the load makes them again, and meets what failed
        return None, None


def _final(summary: pl.DataFrame) -> pl.DataFrame:
    """A table's sums as the store keeps them (SUMMARY_SCHEMA): the month of each period, no check columns."""
    return summary.select("period", pl.col("period").str.slice(5, 2).cast(pl.Int8, strict=False).alias("manad"),
                          *SUMMARY_KEYS[1:], "kostnad", "intakt")


def _check(plan: _Plan, read: tuple, known: Known, budget: bool, made: tuple = (None, None)) -> FactTable:
    """The table whose pass `_sums` made, checked (`_verify`)."""
    verdict = _verify(plan, read, known, budget)
    return _table(plan, read, known, budget, made, verdict)


def _table(plan: _Plan, read: tuple, known: Known, budget: bool, made: tuple = (None, None),
           verdict: "_Verdict | None" = None) -> FactTable:
    """The checked table of the pass `_sums` made, with what the reading thread `made` of its sums (`_ahead`), and
    its förvaltningar from the distinct keys its checks read (`verdict`)."""
    kept, summary, accounts, _, summed = read
    final, table_views = made  # what the background read made of the sums, if it did
    fids = verdict.distinct[_DISTINCT_FORVALTNING]["forvaltning"].drop_nulls().sort().to_list() if verdict else None
    return FactTable(plan.source.name, _final(summary) if final is None else final, plan, known, budget, kept,
                     accounts, table_views, fids, summed)


@dataclass(frozen=True)
class _Verdict:
    """What the checks find of a table's pass before the year file is known (`_judge`): whether some row's
    amount, account or slag is bad, the absolute amounts' total, the distinct keys the id checks read
    (`_DISTINCT`, in its order) and the control sums' error, if any."""

    rows_bad: bool
    total: int | None  # None where a row is bad: the first bad row is the error
    distinct: list[pl.DataFrame]
    control: DataError | None
    also: tuple[pl.DataFrame, ...] = ()  # what `_judge` was asked to make in the same call


def _judge(plan: _Plan, read: tuple, also: tuple[pl.LazyFrame, ...] = ()) -> _Verdict:
    """The checks of a table's pass that need nothing of the year file (`_Verdict`): made on the reading
    thread right after the pass, while the year file is parsed, so that the asking thread checks only the
    ids; else by `_verify`. Its small queries of the sums run in one call, with `also` (the views the reading
    thread makes of the sums: `_Verdict.also`). Errors of polars as the table's (`failure`)."""
    kept, summary, accounts, totals, _ = read
    try:
        table = summary.lazy()
        queries = [table.select(columns).unique() for columns, _ in _DISTINCT]
        if totals is None:  # the sums carry the totals: the whole table's are theirs summed
            queries.append(table.select(pl.col("_nulls").sum(), pl.col("_len").max(), pl.col("_abs").cast(pl.Int128).sum()))
        if accounts is None:  # counted among the sums
            queries.append(table.select(bad_konto=pl.col("_konto").any(), bad_slag=(pl.col("_len") - pl.col("_slag")).sum() > 0))
        else:  # the distinct pairs of account and slag
            konto, slag = pl.col("konto"), pl.col("slag")
            queries.append(accounts.lazy().select(bad_konto=(konto.is_null() | (konto == "") | konto.str.contains(_KONTO_BAD_PL)).any(),
                                                  bad_slag=(slag.is_null() | ~slag.is_in(SLAG)).any()))
        controlled = plan.control is not None or plan.noted is not None
        if controlled:
            queries.append(_period_sums(table))
        found = pl.collect_all([*queries, *also])
        distinct, rest, made = found[:len(_DISTINCT)], found[len(_DISTINCT):len(queries)], tuple(found[len(queries):])
        if totals is None:
            totals, rest = rest[0], rest[1:]
        bad_konto, bad_slag = rest[0].row(0)
        rows_bad = bool(totals["_nulls"].item() or bad_konto or bad_slag)
        if rows_bad:
            return _Verdict(True, None, distinct, None, made)
        if "_len" in totals.columns and (totals["_len"].item() or 0) >= _EXACT_ROWS:
            # a group's absolute amounts may have left Int64: sum them exactly
            magnitude = pl.col("belopp").abs()
            total = plan.parsed().select(hi=(magnitude // 2**32).sum(), lo=(magnitude % 2**32).sum()) \
                .collect(engine="streaming").select(pl.col("hi").cast(pl.Int128) * 2**32 + pl.col("lo")).item()
        else:
            total = totals["_abs"].item() or 0
        control = None
        if controlled:
            try:
                _check_control(plan, summary, rest[1])
            except DataError as exc:
                control = exc
    except (pl.exceptions.PolarsError, OSError, pl.exceptions.PanicException) as exc:  # (a panic: a corrupt file)
        raise plan.source.failure(exc) from None
    return _Verdict(False, total, distinct, control, made)


def _verify(plan: _Plan, read: tuple, known: Known, budget: bool, verdict: _Verdict | None = None) -> _Verdict:
    """Check the table whose pass `_sums` made on its sums, not row by row: every id check on the
    distinct keys of the sums, the amounts on counts aggregated with them (an empty, malformed or too
    large amount is null), the accounts on their distinct values or a flag (`_judge`, unless its
    `verdict` was made on the reading thread). Only when one fails are the rows read again to find the
    first offending row (`DataError`)."""
    verdict = verdict or _judge(plan, read)
    if verdict.rows_bad or _has_bad_ids(verdict.distinct, known, budget):
        raise _first_error(plan, known, budget, read[1])
    if verdict.total > MAX_ORE:  # cheap first: only a total beyond one amount's cap can be beyond the file's
        from kfollow.store import check_total

        check_total(pl.Series([verdict.total], dtype=pl.Int128), plan.source.name)
    if verdict.control is not None:
        raise verdict.control
    return verdict


# the checks of each key run on its distinct values in the sums: (columns, the checks' column)
_DISTINCT = ((("period",), "period"), (("forvaltning",), "forvaltning"), (("forvaltning", "stab"), "stab"),
             (("verksamhet",), "verksamhet"))
_DISTINCT_FORVALTNING = 1  # (the förvaltningar of the table: `FactTable.forvaltningar`)


def _has_bad_ids(distinct: list[pl.DataFrame], known: Known, budget: bool) -> bool:
    """Whether any id check fails on the table's keys, each checked on its distinct values in the sums
    (`_Verdict.distinct`)."""
    checks = _checks(known, budget)
    return any(frame.select(pl.any_horizontal(c.bad for c in checks if c.column == checked).fill_null(False).any()).item()
               for frame, (_, checked) in zip(distinct, _DISTINCT))


def _first_error(plan: _Plan, known: Known, budget: bool, summary: pl.DataFrame | None = None) -> DataError:
    """The error of the first offending row, found by checking every row (the rows are read again); where no
    row fails, the file was written over since its pass made `summary` (its sums), else a bug."""
    lf, source, to_ore, text = plan.lf, plan.source, plan.to_ore, plan.text
    checks = _checks(known, budget)
    problem = pl.when(checks[0].bad).then(pl.lit(0, pl.UInt8))
    for code, check in enumerate(checks[1:], start=1):
        problem = problem.when(check.bad).then(pl.lit(code, pl.UInt8))
    bad = (
        lf.with_columns((pl.col("belopp") if text is None else text).alias(_TEXT))
        .with_columns(
            pl.col("period").str.slice(5, 2).cast(pl.Int8, strict=False).alias("manad"),
            to_ore.alias("belopp"),
        )
        .with_columns(problem.alias("_fel"))
        .filter(pl.col("_fel").is_not_null())
        .top_k(1, by=_ROW, reverse=True)
        .collect(engine="streaming")
    )
    if not bad.height:  # the distinct values failed a check that no row fails: the file changed since (as while
        # the year file was parsed: found in review, an internal error), else a bug, not the data's
        if summary is not None and _changed(plan, summary):
            return DataError(source.name, None, None, "the file changed while kfollow read it; run the command again")
        raise RuntimeError(f"{source.name}: a fact check failed on the distinct values but on no row")
    first = bad.row(0, named=True)
    return _message(checks[first["_fel"]], first, source, known, budget)


def _changed(plan: _Plan, summary: pl.DataFrame) -> bool:
    """Whether the table's file is no longer the one whose pass made `summary`: another file (`file_identity`), or
    rows that sum otherwise (a CSV table, read again)."""
    if plan.identity is not None:
        path, before = plan.identity
        try:
            if file_identity(path) != before:
                return True
        except OSError:
            return True
    columns = [*SUMMARY_KEYS, "kostnad", "intakt"]
    again, read = (s.select(columns).sort(SUMMARY_KEYS, nulls_last=True) for s in (_sums(plan, False)[1], summary))
    return not again.equals(read)


def _message(check: _Check, row: dict, source: _Source, known: Known, budget: bool = False) -> DataError:
    r = row[_ROW]
    column = check.column
    value = row.get(_TEXT if column == "belopp" else column) if column else None
    fid = row["forvaltning"]
    kind = check.kind
    if kind == "empty":
        if source.short is not None and (lacking := source.short(r)):  # (polars reads a short row's last cells as empty)
            return source.error(r, None, lacking)
        return source.error(r, column, f"{column} is empty; every row needs {_needs(column, budget)}")
    if value is not None and (char := _CONTROL_RE.search(value)):
        return source.error(r, column, f"{column} {_show(value)} contains {control_kind(char.group())}; remove it")
    if value is not None and not value.strip():  # (a line of spaces: writing '' would be an empty value)
        what = f"write {_needs(column, budget)}" if column not in ("stab", "verksamhet") else \
            f"leave it empty (money on no {column}) or write its id"
        return source.error(r, column, f"{column} is only spaces; {what}, or delete the line if it is a blank line")
    if value is not None and value != value.strip():
        return source.error(r, column, f"{column} {_show(value)} has spaces around it; write '{value.strip()}'")
    if kind == "period":
        if (_PERIOD_RE.fullmatch(value) and 1 <= int(value[5:]) <= 12) or (budget and _YEAR_RE.fullmatch(value)):
            return source.error(r, column, f"period {value} is outside {known.year}, the year of the year file; "
                                           "put it in that year's table")
        if budget:
            return source.error(r, column, f"period {_show(value)} is neither a month nor a year; write YYYY-MM "
                                           f"(e.g. {known.year}-01) or, for the whole year, {known.year}")
        if _YEAR_RE.fullmatch(value):
            return source.error(r, column, f"period {_show(value)} is not a month; write YYYY-MM, e.g. {known.year}-01 "
                                           "(a period for the whole year is for a budget table, budget_fil)")
        return source.error(r, column, f"period {_show(value)} is not a month; write YYYY-MM, e.g. {known.year}-01")
    if kind == "forvaltning":
        return source.error(r, column, f"förvaltning {_show(value)} is not in the year file; "
                                       + _hint(value, known.forvaltningar, "förvaltningar"))
    if kind == "stab":
        owners = sorted(f for f, stabs in known.forvaltningar.items() if value in stabs)
        if owners:
            return source.error(r, column, f"stab {_show(value)} belongs to {', '.join(owners)}, not to {fid}; "
                                           "correct forvaltning or stab")
        return source.error(r, column, f"stab {_show(value)} is not a stab of {fid} in the year file; "
                                       + _hint(value, known.forvaltningar[fid], f"staber of {fid}"))
    if kind == "verksamhet":
        return source.error(r, column, f"verksamhet {_show(value)} is not in the year file's verksamheter; "
                                       + _hint(value, known.verksamheter, "verksamheter"))
    if kind == "slag":
        close = difflib.get_close_matches(value, SLAG, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else "write kostnad or intakt"
        return source.error(r, column, f"slag {_show(value)} is neither kostnad nor intakt; {hint}")
    if kind == "konto":
        return source.error(r, column, f"konto {_show(value)} is not an account number; write digits only, e.g. "
                                       "5010, as the ledger numbers its accounts")
    # kind == "amount"
    if re.fullmatch(r"-?[0-9]+(\.[0-9]{1,2})?", value):
        return source.error(r, column, f"belopp {_show(value)} is larger than 10^13 kronor; check the amount "
                                       "(amounts are kronor, not öre)")
    return source.error(r, column, f"belopp {_show(value)} is not an amount in kronor; write "
                                   f"{_suggest_amount(value)} (decimal point, at most two decimals)")


def _needs(column: str, budget: bool = False) -> str:
    if column == "period" and budget:
        return "a month (YYYY-MM) or the year (YYYY)"
    return {"period": "a month (YYYY-MM)", "forvaltning": "a förvaltning", "konto": "an account",
            "slag": "kostnad or intakt", "belopp": "an amount in kronor"}[column]


def _hint(value: str, candidates, what: str) -> str:
    from kfollow.store import closest  # (here, as MAX_ORE's import says: a read ahead starts before the store)

    names = sorted(candidates)
    close = closest(value, names)
    if close:
        return f"did you mean '{close}'?"
    if not names:
        return f"the year file has no {what}"
    listed = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    return f"{what} there: {listed}"


def _suggest_amount(value: str) -> str:
    """A likely intended spelling of a bad amount: `12,50` → 12.50, `1 240,8` → 1240.8."""
    guess = re.sub(r"[\s\u00a0\u202f]", "", value).replace("\u2212", "-")
    if "," in guess and "." not in guess:
        guess = guess.replace(",", ".")
    if re.fullmatch(r"-?[0-9]+(\.[0-9]{1,2})?", guess):
        return guess
    return "e.g. 1234.50"


def _show(value: str | None, limit: int = 40) -> str:
    """A cell for a message: quoted, control characters escaped, long text shortened."""
    if value is None:
        return "(empty)"
    text = _CONTROL_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


# ---------------------------------------------------------------------------------------------
# CSV errors: line numbers and unreadable files (error paths only, so plain Python is fine)


def _csv_line(path: Path, row: int) -> int | None:
    """Line where record `row` starts (0-based, after the header; a blank line is a record too).

    Records are one line each unless a quoted cell holds a line break, so without any quote in the
    file the line is row + 2; otherwise the line breaks inside the cells before it are added.
    """
    try:
        with open(path, "rb") as fh:
            quoted = any(b'"' in chunk for chunk in iter(lambda: fh.read(1 << 20), b""))
        if not quoted:
            return row + 2
        lf = pl.scan_csv(path, infer_schema=False, glob=False)
        header = lf.collect_schema().names()
        index = next(n for n in (f"{_ROW}{'_' * i}" for i in range(len(header) + 1)) if n not in header)
        header_breaks = sum(name.count("\n") for name in header)
        inside = (
            lf.with_row_index(index).filter(pl.col(index) < row)
            .select(pl.sum_horizontal(pl.all().exclude(index).str.count_matches("\n", literal=True).fill_null(0)))
            .sum()
            .collect()
            .item()
        )
        return row + 2 + header_breaks + (inside or 0)
    except (OSError, pl.exceptions.PolarsError):
        return None


def _csv_cells(path: Path, row: int) -> int | None:
    """How many cells record `row` (0-based, after the header, as polars counts them) has, read in Python;
    None where it cannot be told."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            for index, record in enumerate(reader):
                if index == row:
                    return len(record)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return None


def _csv_failure(path: Path, name: str, exc: Exception) -> Exception:
    """Turn a polars read error into one `DataError` naming the line, found by reading in Python."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        return InputOutputError(f"{name}: cannot read file ({err.strerror}); check the path and permissions")
    if isinstance(exc, pl.exceptions.NoDataError) or not raw.strip(b"\xef\xbb\xbf \r\n"):
        return DataError(name, 1, 1, f"file is empty; write a header row: {','.join(COLUMNS)}")
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        good = body[: err.start].decode("utf-8")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        return DataError(name, line, col, f"byte 0x{body[err.start]:02x} is not UTF-8 (Latin-1 or Windows-1252?); "
                                          "save the file as UTF-8 (in Excel: CSV UTF-8)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    end = 0
    try:
        header = next(reader, [])
        end = reader.line_num
        for record in reader:
            if len(record) > len(header):
                return DataError(name, end + 1, None, f"row has {len(record)} cells but the header has "
                                                      f"{len(header)}; quote cells that contain a comma")
            end = reader.line_num
    except csv.Error as err:
        # a quote opened and never closed makes one record of the lines up to the next quote, or the end: where its
        # row begins, not where the reader stopped (found in review)
        if "unexpected end of data" in str(err) or reader.line_num > end + 1:
            return DataError(name, end + 1, None, "a quoted cell in the row that begins here is not closed; add the "
                                                  'closing quote (and double a quote inside the cell: "")')
        return DataError(name, reader.line_num, None, f"malformed CSV ({err}); put quotes around a cell with a "
                                                      'comma or quote in it, and double the quotes inside ("")')
    stray = stray_quote(text)
    if stray is not None:  # (Python's reader takes it as text; polars' does not)
        return DataError(name, *stray, 'a quote (") inside a cell that does not begin with one; put the cell in '
                                       'quotes and double the quote inside it ("Bildskärm 24""")')
    return DataError(name, None, None, f"cannot read as CSV ({_first_line(exc)})")


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, pl.exceptions.PanicException):  # polars stopped on a file its own checks did not refuse
        return "the file is damaged: polars stopped reading it"
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# ---------------------------------------------------------------------------------------------
# Tables together: coverage, months, views


def check_overlap(tables: list[tuple[str, pl.DataFrame]]) -> None:
    """Refuse a förvaltning's month found in two tables (it would be counted twice); a budget's
    whole-year row (period YYYY) covers every month of its year."""
    if len(tables) < 2:
        return
    every_month = pl.lit(list(range(1, 13)), dtype=pl.List(pl.Int8))
    keys = pl.concat(
        [df.lazy().select("forvaltning", "period", "manad").unique()
         .with_columns(pl.lit(i, pl.UInt32).alias("_tabell"),
                       pl.when(pl.col("manad").is_null()).then(every_month).otherwise(pl.concat_list("manad"))
                       .alias("_manad"))
         .explode("_manad")
         for i, (_, df) in enumerate(tables)]
    )
    twice = (
        keys.unique(["forvaltning", "_manad", "_tabell"])  # a table's own year row and month rows add up
        .group_by("forvaltning", "_manad")
        .agg(pl.col("period").sort_by("_tabell"), pl.col("_tabell").sort())
        .filter(pl.col("_tabell").list.len() > 1)
        .sort("_manad", "forvaltning")
        .collect()
    )
    if twice.height:
        fid, _, periods, which = twice.row(0)
        first, second, period = tables[which[0]][0], tables[which[1]][0], periods[1]
        if first == second:
            raise DataError(second, None, None, "the table is named twice (in utfall_fil or budget_fil): its months "
                                                "would count twice; name it once")
        raise DataError(second, None, None, f"förvaltning {fid}, period {period} is also in {first}; a förvaltning's "
                                            "month must come from one table: remove it from one of them")


def booked_through(facts: pl.DataFrame) -> int | None:
    """The latest month (1–12) any row of the table has: the table is booked up to it; None if empty."""
    return facts["manad"].max() if facts.height else None


def _parts() -> list[pl.Expr]:
    """utfall (net), utfall_kostnader and utfall_intakter (income made positive) of each fact, öre.

    `slag` is kostnad or intakt (read_facts guarantees it), so every amount lands in one of the parts.

    Computed per row before grouping: plain sums group much faster than filtered ones.
    """
    kostnad = pl.col("slag") == "kostnad"
    return [
        pl.col("belopp").alias("utfall"),
        pl.when(kostnad).then(pl.col("belopp")).otherwise(0).alias("utfall_kostnader"),
        pl.when(kostnad).then(0).otherwise(-pl.col("belopp")).alias("utfall_intakter"),
    ]


def aggregate_months(facts: pl.DataFrame) -> pl.DataFrame:
    """Sum facts per (forvaltning, stab, verksamhet, manad), öre, MONTH_SCHEMA.

    utfall = sum of belopp (net: kostnader − intäkter); utfall_kostnader = sum of the kostnad rows;
    utfall_intakter = minus the sum of the intakt rows, so income is positive. A null stab or
    verksamhet is its own group (ej fördelat).
    """
    keys = ["forvaltning", "stab", "verksamhet", "manad"]
    return (
        facts.lazy()
        .select(*keys, *_parts())
        .group_by(keys)
        .agg(pl.col("utfall", "utfall_kostnader", "utfall_intakter").sum())
        .sort(keys, nulls_last=True)
        .select(pl.col(c).cast(t) for c, t in MONTH_SCHEMA.items())
        .collect(engine="streaming")  # the per-row parts are made a batch at a time, never for all rows
    )


def views(facts: pl.DataFrame, last_month: int | None = None, sort: bool = True) -> pl.DataFrame:
    """The stab view and the verksamhet view of the same facts (rows, FACT_SCHEMA, or a table's
    sums, SUMMARY_SCHEMA), per month, öre, VIEW_SCHEMA.

    Rows without stab go to vy `ej_fordelat_stab`, rows without verksamhet to
    `ej_fordelat_verksamhet` (nyckel null), so per förvaltning and month both views total the same.
    Months 1..last_month (default: the latest month of the facts) with no postings are 0. Sorted by
    förvaltning, vy, nyckel and month, unless `sort` is False and there are no months to fill.
    """
    # each view straight from the facts, both in one streaming pass: fewer groups than summing per
    # (stab, verksamhet) first, and the per-row parts never exist for all rows at once
    frame = views_query(facts).collect(engine="streaming")
    last = booked_through(facts) if last_month is None else last_month
    return fill_months(frame, last) if last else (sort_view(frame) if sort else frame)


def views_query(facts: pl.DataFrame) -> pl.LazyFrame:
    """`views` of `facts`, unsorted and without the months not booked, as a query."""
    parts = _parts() if "slag" in facts.columns else [
        (pl.col("kostnad") + pl.col("intakt")).alias("utfall"), pl.col("kostnad").alias("utfall_kostnader"),
        (-pl.col("intakt")).alias("utfall_intakter")]
    rows = facts.lazy().select("forvaltning", "stab", "verksamhet", "manad", *parts)
    sums = ["utfall", "utfall_kostnader", "utfall_intakter"]
    parts = []
    for key in ("stab", "verksamhet"):
        parts.append(
            rows
            .group_by("forvaltning", key, "manad")
            .agg(pl.col(s).sum() for s in sums)
            .select(
                "forvaltning",
                pl.when(pl.col(key).is_null()).then(pl.lit(f"ej_fordelat_{key}")).otherwise(pl.lit(key)).alias("vy"),
                pl.col(key).alias("nyckel"),
                "manad",
                *sums,
            )
        )
    return pl.concat(parts).select(pl.col(c).cast(t) for c, t in VIEW_SCHEMA.items())


def fill_months(view: pl.DataFrame, last_month: int) -> pl.DataFrame:
    """Add 0 rows (öre) for months 1..last_month where a (forvaltning, vy, nyckel) has no postings."""
    keys = ["forvaltning", "vy", "nyckel"]
    grid = view.select(keys).unique().join(
        pl.DataFrame({"manad": range(1, last_month + 1)}, schema={"manad": pl.Int8}), how="cross"
    )
    missing = grid.join(view, on=[*keys, "manad"], how="anti", nulls_equal=True).with_columns(
        pl.lit(0, pl.Int64).alias(s) for s in ("utfall", "utfall_kostnader", "utfall_intakter")
    )
    return sort_view(pl.concat([view, missing.select(view.columns)]))


def sort_view(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(["forvaltning", "vy", "nyckel", "manad"], nulls_last=True)


# ---------------------------------------------------------------------------------------------
# Writing: the fact table `kfollow import` writes (utfall or budget), its note, and its ids
#
# A budget table has the same columns; its `period` is a month (YYYY-MM) or, for a budget given
# for the whole year, the year (YYYY).


def fact_table(facts: pl.DataFrame) -> pl.DataFrame:
    """COLUMNS with belopp (Int64 öre) as kronor text with two decimals (`1234.50`, `-99.00`), exactly."""
    ore = pl.col("belopp")
    magnitude = ore.abs()
    text = pl.concat_str(
        pl.when(ore < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        (magnitude // 100).cast(pl.String), pl.lit("."), (magnitude % 100).cast(pl.String).str.zfill(2),
    )
    return facts.select(*CODE_COLUMNS, text.alias("belopp"))


def facts_csv(facts: pl.DataFrame) -> str:
    """The fact table as CSV text: UTF-8, comma, header, empty cell for an empty key."""
    return fact_table(facts).write_csv(line_terminator="\n")


def facts_parquet(facts: pl.DataFrame) -> bytes:
    """The fact table as Parquet: codes String, belopp Decimal(18,2) kronor (never a float)."""
    from decimal import Decimal

    table = facts.select(*CODE_COLUMNS, (pl.col("belopp").cast(pl.Decimal(18, 0)) * pl.lit(Decimal("0.01")))
                         .cast(pl.Decimal(18, 2)).alias("belopp"))
    buffer = io.BytesIO()
    table.write_parquet(buffer, metadata={CONTROL_KEY: control_sums(facts)})
    return buffer.getvalue()


def facts_bytes(facts: pl.DataFrame, path: Path | str) -> bytes:
    """The fact table in the format its file name asks for: .parquet, else CSV; `DataError` when it
    holds what loading would refuse (`check_writable`)."""
    check_writable(facts, str(path))
    if Path(path).suffix.lower() == ".parquet":
        return facts_parquet(facts)
    return facts_csv(facts).encode("utf-8")


_SNIFF = 1 << 16  # the bytes of a CSV file read to tell a fact table: its header and first row


def fact_tables_in(directory: Path) -> list[tuple[Path, str | None]]:
    """The fact tables of `directory` and its folders (not hidden ones): each .csv or .parquet file whose
    columns are COLUMNS, with the period of its first row (None: no row, or none that can be read). What
    `check` asks of a folder (`consistency.unnamed_table_findings`); a file that cannot be read is no table."""
    found = []
    for path in _walk(directory, (".csv", ".parquet")):
        try:
            period = _first_period(path) if path.is_file() else False
        except (KfollowError, OSError, pl.exceptions.PolarsError, pl.exceptions.PanicException, csv.Error,
                UnicodeDecodeError):
            continue
        if period is not False:
            found.append((path, period))
    return found


def notes_without_table(directory: Path) -> list[Path]:
    """The import notes (`…csv.kalla.json`) of `directory` and its folders (not hidden ones) whose table is not there."""
    return [path for path in _walk(directory, (ORIGIN_SUFFIX,))
            if not Path(str(path).removesuffix(ORIGIN_SUFFIX)).exists()]


def _walk(directory: Path, endings: tuple[str, ...]) -> list[Path]:
    """The files of `directory` and its folders whose names end so (in any case), sorted; hidden files and folders
    (`.git`, `.venv`) are not looked in, nor folders behind a link."""
    found = []
    for folder, folders, files in os.walk(directory):
        folders[:] = [f for f in folders if not f.startswith(".")]
        found += [Path(folder, f) for f in files if not f.startswith(".") and f.lower().endswith(endings)]
    return sorted(found)


def _first_period(path: Path) -> str | None | bool:
    """The period of a fact table's first row (None: no row), or False: not a fact table."""
    if path.suffix.lower() == ".parquet":
        if not set(COLUMNS) <= set(pl.read_parquet_schema(path)):
            return False
        first = pl.scan_parquet(path).select(pl.col("period").cast(pl.String)).head(1).collect()
        return first.item() if first.height else None
    head = read_bytes(path, EXPORT_LIMIT, "fact table", head=_SNIFF).removeprefix(b"\xef\xbb\xbf")
    if len(head) < _SNIFF - 3:  # the whole file: without the Ctrl-Z that may end it (`_end_mark`)
        head = without_end_mark(head)
    rows = csv.reader(io.StringIO(head.decode("utf-8", "replace")))
    header = [c.strip() for c in next(rows, [])]
    if not set(COLUMNS) <= set(header):
        return False
    first = next(rows, None)
    return first[header.index("period")].strip() or None if first and len(first) == len(header) else None


def check_writable(facts: pl.DataFrame, where: str) -> None:
    """`DataError` unless every amount is within `options.MAX_ORE` (so also Decimal(18,2) in Parquet), the
    amounts together within `store.MAX_TABLE_TOTAL`, every `konto` digits and every id of the id rule
    (`store.ID`; a verksamhet a code as in year files). An import checks these first, naming the
    export's line; this is the last guard, so that nothing is written that loading would refuse."""
    from kfollow.sources.mapping import VERKSAMHET
    from kfollow.store import ID, MAX_TABLE_TOTAL

    magnitude = facts["belopp"].abs()
    if magnitude.max() is not None and magnitude.max() > MAX_ORE:
        raise DataError(where, None, None, f"a fact row of {magnitude.max()} öre is beyond the {MAX_ORE} öre a row "
                                           "may hold; nothing written")
    if (magnitude // 2**32).sum() * 2**32 + (magnitude % 2**32).sum() > MAX_TABLE_TOTAL:
        raise DataError(where, None, None, f"the amounts add up to more than {MAX_TABLE_TOTAL} öre, beyond one fact "
                                           "table; nothing written")
    rules = (("konto", r"^[0-9]+$", "an account number (digits)"), ("forvaltning", f"^(?:{ID.pattern})$", "an id"),
             ("stab", f"^(?:{ID.pattern})$", "an id"), ("verksamhet", f"^(?:{VERKSAMHET.pattern})$", "a code"))
    for column, pattern, what in rules:
        bad = facts.select(pl.col(column).drop_nulls().unique()).filter(~pl.col(column).str.contains(pattern))
        if bad.height:
            raise DataError(where, None, None, f"{column} {_show(bad[column].sort()[0])} is not {what}; nothing "
                                               "written")


@dataclass(frozen=True)
class Origin:
    """The note beside an imported table (`<table>.kalla.json`): the export it came from, for a report's footer."""

    export: str  # the export's file name
    format: str  # "SIE 4", "CSV"
    program: str | None  # "#PROGRAM name version" of a SIE export
    generated: str | None  # its #GEN, YYYY-MM-DD
    encoding: str
    mapping: str  # the mapping file's name
    kostnadsslag: tuple = ()  # the mapping's own kostnadsslag (store.Kostnadsslag), for the year that reads the table
    konton: tuple = ()  # (account, name) of the accounts in the tables, from the export's chart (#KONTO)
    kontroll: str | None = None  # what the import's control found, when the table was written in spite of it
    objekt: tuple = ()  # (column, ((code, name), …)): the names a CSV export's object cells give after their codes
    kontrollsummor: dict | None = None  # the table's amounts per period as written (`control_note`), checked on reading
    # the export's SHA-256 (64 hex digits), as `sha256sum` gives it: the export's name and #GEN leave a file exported
    # again under the same name, or changed, unknown (found by an auditor, h135)
    export_sha256: str | None = None

    def as_dict(self) -> dict:
        note = {"export": self.export, **({"export_sha256": self.export_sha256} if self.export_sha256 else {}),
                "format": self.format, "program": self.program,
                "generated": self.generated, "encoding": self.encoding, "mapping": self.mapping}
        if self.kontroll:
            note["kontroll"] = self.kontroll
        if self.kontrollsummor is not None:
            note[NOTE_KEY] = self.kontrollsummor
        if self.konton:
            note["konton"] = dict(self.konton)
        if self.objekt:
            note["objekt"] = {column: dict(names) for column, names in self.objekt}
        if self.kostnadsslag:
            note["kostnadsslag"] = [{"id": g.id, "namn": g.namn, "konton": list(g.prefix)} for g in self.kostnadsslag]
        return note

    def note(self) -> str:
        """The note's text: JSON, UTF-8, one key a line."""
        import json

        return json.dumps(self.as_dict(), ensure_ascii=False, indent=1) + "\n"


def check_ids(facts: pl.DataFrame, known: Known, year_file: str,
              at: dict[str, tuple[str, int | None, int | None]],
              written: dict[str, dict[str, tuple[str, int, int]]] | None = None,
              elsewhere: Callable[[str, str, str | None], list[tuple[str, str | None]]] | None = None) -> None:
    """`DataError` when a table gives an id the year file does not have: a förvaltning, a stab of that
    förvaltning, or a verksamhet of its catalogue (with a did-you-mean). `at`: where each key
    (forvaltning, stab, verksamhet) comes from, (file, line, column), e.g. the mapping's key;
    `written`: per key, where an id is written (the mapping's object line), which comes first;
    `elsewhere(key, id, förvaltning)`: the other year files that have the id, as (file, its förvaltning for a
    stab), asked only for an id this one lacks: then the error says that the mapping is another year's."""
    from kfollow.store import closest  # (here, as MAX_ORE's import says: a read ahead starts before the store)

    forvaltningar = known.forvaltningar
    checks = (
        ("forvaltning", facts["forvaltning"].drop_nulls().unique().sort().to_list(),
         lambda v, _f: v in forvaltningar, lambda _f: list(forvaltningar)),
        ("stab", facts.select("forvaltning", "stab").drop_nulls().unique().sort("stab").rows(),
         lambda v, f: v in forvaltningar.get(f, set()), lambda f: sorted(forvaltningar.get(f, set()))),
        ("verksamhet", facts["verksamhet"].drop_nulls().unique().sort().to_list(),
         lambda v, _f: v in known.verksamheter, lambda _f: sorted(known.verksamheter)),
    )
    for name, values, exists, choices in checks:
        for item in values:
            value, fid = (item, None) if isinstance(item, str) else (item[1], item[0])
            if exists(value, fid):
                continue
            close = closest(value, choices(fid))
            where = f" of {fid}" if fid else ""
            hint = f"did you mean '{close}'?" if close else f"there: {', '.join(choices(fid)) or 'none'}"
            if name != "forvaltning":  # a new id of the export is as likely as a typo: both ways said (the hint alone
                # would book a new stab on its near name; found by a new user)
                under = f"under {fid}'s staber" if name == "stab" else "under verksamheter"
                new = f"add it {under} in {year_file}"
                hint = f"did you mean '{close}', or is it new (then {new})?" if close else f"{hint}; if it is new, {new}"
            others = elsewhere(name, value, fid) if elsewhere is not None else []
            if others:  # a reorganisation: the mapping is another year's (found by a new user, who imported 2024's
                # export with 2025's mapping and was told to add 2025's new stab to 2024.yaml)
                there = " and ".join(f"{f'of {of} ' if of else ''}in {path}" for path, of in others[:2])
                hint = (f"it is a {name} {there}: the organisation changed between the years, and each year's export is "
                        f"imported with that year's mapping (this export is of {known.year})")
                if name != "forvaltning":
                    hint += f"; if it is a {name}{where} in {known.year} too, {new}"
            raise DataError(*(written or {}).get(name, {}).get(value, at.get(name, (year_file, None, None))),
                            f"{name} '{value}' is not a {name}{where} in {year_file}; {hint}")
