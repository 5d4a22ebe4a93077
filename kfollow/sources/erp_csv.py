"""ERP CSV exports → a ledger (`kfollow.sources.ledger.Ledger`) for `kfollow import csv`.

What Swedish ekonomisystem write when asked for a CSV of booked rows:
- separator `;` or `,`, sniffed from the header line (the one of them it has more of, outside quotes);
- encoding UTF-8, with or without BOM, else Windows-1252 (the summary says which was used);
- amounts with the decimal mark of the mapping (`decimal:`, default `,`); spaces, no-break spaces
  (U+00A0, U+202F) and, with a decimal comma, dots between groups of three digits are thousands
  separators; a minus before or after the number (`1234,50-`) is negative; more than two decimals
  are allowed only as zeros. Parsed to Int64 öre by polars string expressions, never through a float.
- periods `YYYYMM` or `YYYY-MM`; codes (konto, objects) with spaces around them are trimmed, and an
  empty object cell means no object (an empty key);
- with `debet` and `kredit` columns, belopp = debet − kredit; an empty cell there is 0.
Errors are one `DataError` naming file:line:column (the column is the field's position in the row).
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from kfollow.errors import DataError, InputOutputError
from kfollow.sources.ledger import Ledger
from kfollow.sources.mapping import LedgerMapping

MAX_KRONOR_DIGITS = 13  # 10^13 kr per row at most: sums of millions of rows stay inside Int64
_BLANKS = " \t\u00a0\u202f"
_CONTROL_PL = r"[\x00-\x08\x0A-\x1F\x7F-\x9F\x{202A}-\x{202E}\x{2066}-\x{2069}]"
_ROW = "_rad"


@dataclass(frozen=True)
class CsvExport:
    ledger: Ledger
    encoding: str  # "UTF-8", "UTF-8 with BOM" or "Windows-1252"
    separator: str


def read_erp_csv(path: Path, mapping: LedgerMapping, display: str | None = None) -> CsvExport:
    """Read an ERP export with the columns `mapping.kolumner` names; see the module docstring."""
    name = display or str(path)
    raw = _read_regular(path, name)
    encoding, data, text = _decode(raw, name)
    header = text.split("\n", 1)[0].rstrip("\r")
    separator = _sniff(header, name)
    try:
        frame = pl.read_csv(io.BytesIO(data), separator=separator, infer_schema=False, has_header=True,
                            row_index_name=_ROW, raise_if_empty=True)
    except pl.exceptions.NoDataError:
        raise DataError(name, 1, 1, "file is empty; export the booked rows with a header line") from None
    except pl.exceptions.PolarsError as exc:
        raise _csv_failure(text, separator, name, exc) from None
    columns = _columns(frame, mapping, name)
    lines = _Lines(text, separator)
    frame = _ledger_frame(frame, columns, mapping, name, lines)
    return CsvExport(Ledger(name, frame, lines.line), encoding, "semicolon" if separator == ";" else "comma")


def _read_regular(path: Path, name: str) -> bytes:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise InputOutputError(f"{name}: is not a regular file; give the path of a CSV export")
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        raise InputOutputError(f"{name}: no such file; check the path of the CSV export") from None
    except OSError as exc:
        raise InputOutputError(f"{name}: cannot read ({exc.strerror}); check the path and permissions") from None


def _decode(raw: bytes, name: str) -> tuple[str, bytes, str]:
    """(encoding, UTF-8 bytes for polars, text)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(name, 1, 1, "file is UTF-16; export it as UTF-8 or Windows-1252 (ANSI)")
    if not raw.strip(b"\xef\xbb\xbf \t\r\n"):
        raise DataError(name, 1, 1, "file is empty; export the booked rows with a header line")
    if raw.startswith(b"\xef\xbb\xbf"):
        body = raw[3:]
        try:
            return "UTF-8 with BOM", body, body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _bad_byte(body, exc.start, name, "UTF-8 (it starts with a UTF-8 BOM)") from None
    try:
        return "UTF-8", raw, raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _bad_byte(raw, exc.start, name, "UTF-8 nor Windows-1252") from None
    return "Windows-1252", text.encode("utf-8"), text


def _bad_byte(raw: bytes, at: int, name: str, what: str) -> DataError:
    head = raw[:at].decode("utf-8", "replace")
    line = head.count("\n") + 1
    column = len(head) - (head.rfind("\n") + 1) + 1
    return DataError(name, line, column, f"byte 0x{raw[at]:02x} is neither {what}; export the file as UTF-8")


def _sniff(header: str, name: str) -> str:
    bare = re.sub(r'"[^"]*"', "", header)
    semicolons, commas = bare.count(";"), bare.count(",")
    if not semicolons and not commas:
        raise DataError(name, 1, 1, "the header line has a single column; the export must separate its columns "
                                    "with ; or ,")
    return ";" if semicolons >= commas else ","


def _columns(frame: pl.DataFrame, mapping: LedgerMapping, name: str) -> dict[str, str]:
    """Ledger column → the header name it is read from (header names compared without spaces around them)."""
    header = [c for c in frame.columns if c != _ROW]
    stripped = {c.strip(_BLANKS): c for c in header}
    twice = sorted({m.group(1) for c in header if (m := re.fullmatch(r"(.+)_duplicated_\d+", c)) and m.group(1) in header})
    k = mapping.kolumner
    wanted = {"period": ("period", k.period), "konto": ("konto", k.konto)}
    if k.belopp is not None:
        wanted["belopp"] = ("belopp", k.belopp)
    else:
        wanted["debet"], wanted["kredit"] = ("debet", k.debet), ("kredit", k.kredit)
    for key in mapping.keys():
        if key.kolumn is not None:
            wanted[key.source] = (f"kolumn of {key.name}", key.kolumn)
    found = {}
    for column, (what, title) in wanted.items():
        if title in twice:
            raise DataError(name, 1, None, f"column {title!r} appears twice in the header; keep one")
        if title.strip(_BLANKS) not in stripped:
            close = difflib.get_close_matches(title, list(stripped), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"the header has: {', '.join(map(repr, stripped))}"
            raise DataError(name, 1, None, f"no column {title!r} ({what} in {mapping.fil}); {hint}")
        found[column] = stripped[title.strip(_BLANKS)]
    return found


def _code(column: str) -> pl.Expr:
    """A code cell, trimmed; empty is null."""
    text = pl.col(column).str.strip_chars(_BLANKS)
    return pl.when(text != "").then(text)


def amount_expr(text: pl.Expr, decimal: str) -> tuple[pl.Expr, pl.Expr]:
    """(öre Int64, valid Boolean) of amounts as written in an export; see the module docstring."""
    t = text.str.strip_chars(_BLANKS)
    groups = r"[ \x{00a0}\x{202f}.]" if decimal == "," else r"[ \x{00a0}\x{202f}]"
    mark = re.escape(decimal)
    number = rf"(?:[0-9]{{1,3}}(?:{groups}[0-9]{{3}})+|[0-9]+)(?:{mark}[0-9]+)?"
    shape = t.str.contains(rf"^(?:[+-]?{number}|{number}-)$")
    digits = t.str.replace_all(r"[^0-9" + mark + "]", "")
    whole = digits.str.extract(r"^([0-9]+)", 1)
    fraction = digits.str.extract(rf"{mark}([0-9]+)$", 1).fill_null("")
    valid = (shape & (whole.str.len_bytes() <= MAX_KRONOR_DIGITS)
             & fraction.str.slice(2).str.contains(r"^0*$"))
    ore = whole.cast(pl.Int64, strict=False) * 100 + (fraction + "00").str.slice(0, 2).cast(pl.Int64, strict=False)
    negative = t.str.starts_with("-") | t.str.ends_with("-")
    return pl.when(valid).then(pl.when(negative).then(-ore).otherwise(ore)), valid


def _period(column: str) -> tuple[pl.Expr, pl.Expr]:
    t = pl.col(column).str.strip_chars(_BLANKS)
    m = t.str.extract_groups(r"^([0-9]{4})-?([0-9]{2})$")
    year, month = m.struct.field("1"), m.struct.field("2")
    valid = year.is_not_null() & month.cast(pl.Int32, strict=False).is_between(1, 12)
    return pl.when(valid).then(pl.concat_str(year, pl.lit("-"), month)), valid


def _ledger_frame(frame: pl.DataFrame, columns: dict[str, str], mapping: LedgerMapping, name: str,
                  lines: "_Lines") -> pl.DataFrame:
    decimal = mapping.decimal
    sources = [c for c in columns if c.startswith("kolumn:")]
    raw = frame.lazy().select(_ROW, *(pl.col(title).alias(column) for column, title in columns.items()))
    # a blank line (or a line of empty cells) books nothing
    raw = raw.filter(~pl.all_horizontal(pl.col(c).is_null() | (pl.col(c).str.strip_chars(_BLANKS) == "")
                                        for c in columns))
    period, period_ok = _period("period")
    if "belopp" in columns:
        ore, ore_ok = amount_expr(pl.col("belopp"), decimal)
        amounts = {"belopp": (ore_ok, pl.col("belopp").is_null() | (pl.col("belopp").str.strip_chars(_BLANKS) == ""))}
    else:
        empty = {c: pl.col(c).is_null() | (pl.col(c).str.strip_chars(_BLANKS) == "") for c in ("debet", "kredit")}
        parts = {c: amount_expr(pl.col(c), decimal) for c in ("debet", "kredit")}
        ore = (pl.when(empty["debet"]).then(0).otherwise(parts["debet"][0])
               - pl.when(empty["kredit"]).then(0).otherwise(parts["kredit"][0]))
        amounts = {c: (parts[c][1] | empty[c], pl.lit(False)) for c in ("debet", "kredit")}
    konto = _code("konto")
    checks = [
        ("period", "empty", pl.col("period").is_null() | (pl.col("period").str.strip_chars(_BLANKS) == "")),
        ("period", "period", ~period_ok),
        ("konto", "empty", konto.is_null()),
        ("konto", "control", konto.str.contains(_CONTROL_PL)),
        *((c, "empty", is_empty) for c, (_, is_empty) in amounts.items()),
        *((c, "amount", ~ok) for c, (ok, _) in amounts.items()),
        *((c, "control", _code(c).str.contains(_CONTROL_PL)) for c in sources),
    ]
    problem = pl.when(checks[0][2]).then(pl.lit(0, pl.UInt8))
    for index, (_, _, bad) in enumerate(checks[1:], start=1):
        problem = problem.when(bad).then(pl.lit(index, pl.UInt8))
    checked = raw.with_columns(problem.alias("_fel"))
    result = checked.select(
        period.alias("period"), konto.alias("konto"), ore.cast(pl.Int64).alias("belopp"),
        pl.col(_ROW).cast(pl.Int64).alias("rad"), *(_code(c).alias(c) for c in sources), "_fel",
        *(pl.col(c).alias(f"_text_{c}") for c in columns),
    ).collect()
    bad = result.filter(pl.col("_fel").is_not_null())
    if bad.height:
        row = bad.row(0, named=True)
        column, kind, _ = checks[row["_fel"]]
        raise _message(name, lines, row, column, kind, columns, decimal)
    if result.is_empty():
        raise DataError(name, 2, None, "the export has a header but no rows; export the booked rows of the period")
    return result.select("period", "konto", "belopp", "rad", *sources)


def _message(name: str, lines: "_Lines", row: dict, column: str, kind: str, columns: dict[str, str],
             decimal: str) -> DataError:
    line = lines.line(row["rad"])
    field = lines.field(columns[column])
    title = columns[column]
    value = row[f"_text_{column}"]
    shown = repr(value)
    if kind == "empty":
        return DataError(name, line, field, f"{title} is empty; every row needs "
                                            + {"period": "a period (YYYYMM or YYYY-MM)", "konto": "an account"}.get(
                                                column, "an amount"))
    if kind == "period":
        return DataError(name, line, field, f"{title} {shown} is not a period; write YYYYMM or YYYY-MM, e.g. 202403")
    if kind == "control":
        return DataError(name, line, field, f"{title} {shown} contains a control or bidi character; correct the "
                                            "export")
    text = value.strip(_BLANKS)
    mark = re.escape(decimal)
    other = "." if decimal == "," else ","
    example = "1 234,50 or 1234,50-" if decimal == "," else "1 234.50 or 1234.50-"
    if len(re.sub(r"\D", "", text)) > MAX_KRONOR_DIGITS + 2 and re.fullmatch(r"[+-]?[0-9 \u00a0\u202f.,]+-?", text):
        hint = "it is over 10^13 kronor; check the amount"
    elif re.fullmatch(rf"[+-]?[0-9 \u00a0\u202f.,]*{mark}[0-9]*[1-9][0-9]*-?", text) and \
            len(re.search(rf"{mark}([0-9]+)-?$", text).group(1).rstrip("0")) > 2:
        hint = "it has more than two decimals; amounts must be whole öre"
    elif re.fullmatch(rf"[+-]?[0-9]+{re.escape(other)}[0-9]{{1,2}}-?", text):
        hint = f"the mapping says decimal: \"{decimal}\"; if the export writes {other}, set decimal: \"{other}\""
    else:
        hint = (f"write e.g. {example} (decimal {'comma' if decimal == ',' else 'point'}, thousands in groups of "
                "three, a minus before or after)")
    return DataError(name, line, field, f"{title} {shown} is not an amount; {hint}")


def _csv_failure(text: str, separator: str, name: str, exc: Exception) -> DataError:
    """A polars read error → one DataError naming the line, found by reading in Python (error path only)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    try:
        header = next(reader, [])
        end = reader.line_num
        for record in reader:
            if len(record) > len(header):
                return DataError(name, end + 1, None, f"row has {len(record)} fields but the header has {len(header)}; "
                                                      "quote fields that contain the separator")
            end = reader.line_num
    except csv.Error as err:
        return DataError(name, reader.line_num, None, f"malformed CSV ({err}); quote a field with the separator or a "
                                                      'quote in it, and double the quotes inside ("")')
    first = str(exc).strip().splitlines()
    return DataError(name, None, None, f"cannot read as CSV ({first[0] if first else type(exc).__name__})")


class _Lines:
    """Record number (0-based after the header) → line of the file, and header name → field position;
    computed when a message needs them (quoted fields may hold line breaks)."""

    def __init__(self, text: str, separator: str):
        self.text, self.separator = text, separator
        self._starts: list[int] | None = None
        self._header: list[str] | None = None

    def _read(self) -> None:
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.separator)
        self._header = [c.strip(_BLANKS) for c in next(reader, [])]
        starts, end = [], reader.line_num
        try:
            for _ in reader:
                starts.append(end + 1)
                end = reader.line_num
        except csv.Error:
            pass
        self._starts = starts

    def line(self, record: int) -> int | None:
        if self._starts is None:
            self._read()
        return self._starts[record] if 0 <= record < len(self._starts) else None

    def field(self, title: str) -> int | None:
        if self._header is None:
            self._read()
        key = title.strip(_BLANKS)
        return self._header.index(key) + 1 if key in self._header else None
