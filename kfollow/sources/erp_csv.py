"""ERP CSV exports → a ledger (`kfollow.sources.ledger.Ledger`) for `kfollow import csv`.

What Swedish ekonomisystem write when asked for a CSV of booked rows:
- separator `;` or `,`, sniffed from the header line (the one of them it has more of, outside quotes);
- encoding UTF-8, with or without BOM, else Windows-1252, or code page 437 (PC8) where its Swedish letters
  outnumber Windows-1252's (the summary says which was used); a file of lines in UTF-8 beside lines in
  another encoding is warned of (`_mixed_encodings`);
- amounts with the decimal mark of the mapping (`decimal:`, default `,`); spaces, no-break spaces
  (U+00A0, U+202F) and, with a decimal comma, dots between groups of three digits are thousands
  separators; a minus (or the minus sign U+2212) before or after the number (`1234,50-`) is negative, and
  so is an amount in parentheses (`(1 234,50)`, `(1 234,50 kr)`); a unit `kr` or `SEK` after it is dropped (another
  unit is refused); a dash alone (`-`, `- kr`: Excel's accounting format) is 0; more than two decimals are allowed only as zeros. Parsed to Int64 öre by polars string expressions,
  never through a float.
- periods `YYYYMM` or `YYYY-MM`, or a date `YYYY-MM-DD` or `DD.MM.YYYY` (also `D.M.YYYY`; its month; also as Excel's datetime at midnight,
  `2024-03-15 00:00:00`), or a month by its first three letters or its whole name beside the whole year
  (`2024-jan`, `jan 2024`, `mars 2024`), and in a budget export (`budget=True`) also `YYYY`, a budget for the
  whole year (its ledger period stays `YYYY`);
- an account cell with the account's name after its number (`5010 Löner`, `4010 3D-skrivare`) is the account,
  the name noted where no `kontonamn` column names it (an object cell's name after its code, `1120 Ekonomi`, is
  left to the lookup: `mapping.Objects.code_in`);
- codes (konto, objects) with spaces around them are trimmed, and an empty object cell means no
  object (an empty key);
- with `debet` and `kredit` columns, belopp = debet − kredit; an empty cell there is 0.
Errors are one `DataError` naming file:line:column (the column is the field's position in the row).
"""

from __future__ import annotations

import calendar
import csv
import difflib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from kfollow.sources.files import (CP437_LETTERS, EXPORT_LIMIT, LATIN_LETTERS, LINE_LIMIT, NAME_LIMIT, looks_utf16,
                                   megabytes, packed, read_bytes, refuse_a_second_bom, stray_quote,
                                   without_end_mark)
from kfollow.errors import DataError, control_class, grouped, shown
from kfollow.sources.ledger import Ledger
from kfollow.sources.mapping import MONTHS as _MONTHS, LedgerMapping
from kfollow.store import MAX_ORE

MAX_KRONOR_DIGITS = len(str(MAX_ORE // 100)) - 1  # 13: below 10^13 kr a row (store.MAX_ORE, the cap of loading)
_BLANKS = " \t\u00a0\u202f"
# an amount's unit after it, where it is kronor (`1 234,50 kr`, `12 SEK`), taken off; any other unit is refused
_KRONOR = r"(?i)([0-9)-])[ \x{00a0}\x{202f}]*(?:kr|sek)$"
# `(1 234,50 kr)`: Excel's accounting negative with its unit inside the parentheses (was told 'it ends in 'kr', a
# unit kfollow does not read'; found by an ekonom on Windows, h120)
_KRONOR_INSIDE = r"(?i)([0-9])[ \x{00a0}\x{202f}]*(?:kr|sek)[ \x{00a0}\x{202f}]*\)$"
_CONTROL_PL = control_class(r"\n\r", polars=True)
# a cell of an export's total row (`Summa`, `Totalt 2024`, `Summering`), in any of its columns
_TOTAL = re.compile(r"(?i)\s*(summa|summering|totalt?|sum|total summa|slutsumma)\b.*")
_ROW = "_rad"
# a date with the time midnight (`2024-03-15 00:00:00`, `2024-03-15T00:00`: Excel's datetime of a date cell), read as
# the date; another time of day is refused (`_message`): a date moved by a time zone lies in another day
_MIDNIGHT = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]0?0:00(?::00(?:\.0+)?)?$"
# an account's cell that also gives its name: the number, blanks (and a dash), then a letter (`5010 - Löner`)
# (or a name that begins with a digit or a bracket and has a letter after it: `4010 3D-skrivare`, `6420 (Diverse)`;
# `5010 12` has no name, and is refused as it was)
_NAMED_ACCOUNT = (r"(?s)^([0-9]+)[ \x{00a0}\x{202f}]+(?:[-\x{2013}][ \x{00a0}\x{202f}]+)?"
                  r"((?:\p{L}|[0-9(\[][^\p{L}]*\p{L}).*)$")
@dataclass(frozen=True)
class CsvExport:
    ledger: Ledger
    encoding: str  # "UTF-8", "UTF-8 with BOM", "Windows-1252" or "CP437 (PC8)"
    separator: str
    accounts: dict[str, str] = field(default_factory=dict)  # konto → name, where `kolumner: kontonamn` names a column
    warnings: tuple[str, ...] = ()  # for the person importing (a name whose control characters were replaced)


def read_erp_csv(path: Path, mapping: LedgerMapping, display: str | None = None, budget: bool = False) -> CsvExport:
    """Read an ERP export with the columns `mapping.kolumner` names; see the module docstring.

    `budget`: the export is a budget, whose periods may also be whole years (`YYYY`)."""
    name = display or str(path)
    raw = read_bytes(path, EXPORT_LIMIT, "CSV export", display=name)
    if kind := packed(raw[:8], path):  # (a workbook was 'byte 0x8d is neither UTF-8 nor Windows-1252', an .xls 'the
        # header line has a single column': found by an ekonom on Windows, h120)
        advice = ("save it as CSV (in Excel: Spara som, CSV UTF-8 or CSV (semikolonavgränsad)) and import that"
                  if "Excel" in kind else "unpack it and import the CSV" if "pack" in kind or "zip" in kind
                  else "import csv reads CSV text: export the booked rows as CSV")
        raise DataError(name, 1, 1, f"the file is {kind}, not CSV text; {advice}")
    encoding, data, text = _decode(raw, name)
    mixed = _mixed_encodings(raw, name, encoding)
    if "\r" in text and not re.search("\r\n", text):  # old Mac line ends (lone CR): lines to polars
        text = text.replace("\r", "\n")
        data = text.encode("utf-8")
    header = text.split("\n", 1)[0].rstrip("\r")
    if re.fullmatch(r"sep=.?", header.strip(), re.IGNORECASE):  # Excel's hint, written by some exports
        raise DataError(name, 1, 1, f"the first line '{shown(header.strip())}' is Excel's separator hint, not the "
                                    "header; remove that line (kfollow finds the separator in the header)")
    separator = _sniff(header, name, text)
    lines_read = _line_frame(data)
    if lines_read is not None and (lines_read["l"].str.len_bytes().max() or 0) > LINE_LIMIT:  # before it is parsed
        at = lines_read["l"].str.len_bytes().arg_max()
        raise DataError(name, at + 1, None, f"the line is longer than {megabytes(LINE_LIMIT)}; a row of an "
                                            "export is a short line: check that the file is the export")
    try:
        frame = pl.read_csv(io.BytesIO(data), separator=separator, infer_schema=False, has_header=True,
                            row_index_name=_ROW, raise_if_empty=True)
    except pl.exceptions.NoDataError:
        raise DataError(name, 1, 1, "file is empty; export the booked rows with a header line") from None
    except pl.exceptions.PolarsError as exc:
        raise _csv_failure(text, separator, name, exc) from None
    short = _short_row(lines_read, separator, frame.width - 1)  # (polars fills a short row's fields with nulls)
    if short is not None:
        line, count = short
        raise DataError(name, line, None, f"row has {count} fields but the header has {frame.width - 1}; the export "
                                          "may be cut off: export it again")
    if '="' in text:  # (most exports have none: no pass over their cells)
        frame = _excel_text(frame)
    lines = _Lines(text, separator)
    # (only a quote can run on, and only where the rows are fewer than the lines: most exports have neither, and a
    # million rows are not searched; one pass over each text column cost 6 % of such an import)
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    if '"' in text and physical - 1 != frame.height:
        _check_runaway_quote(frame, separator, name, lines)
    columns, notes = _columns(frame, mapping, name, _header_names(header, separator))
    if "#" in text:  # (most exports have none: no pass over their cells)
        _refuse_excel_errors(frame, {c: t for c, t in columns.items() if c != "kontonamn"}, name, lines)
    named = _named_accounts(frame, columns["konto"])
    names, warnings = _account_names(frame, columns, name, lines, named)
    warnings = mixed + warnings
    # a unit after an amount (`kr`, `SEK`) has a k: where no row has one, no amount is searched for a unit
    body = len(header)
    units = text.find("k", body) >= 0 or text.find("K", body) >= 0
    frame = _ledger_frame(frame, {c: t for c, t in columns.items() if c != "kontonamn"}, mapping, name, lines, budget,
                          named, units)
    where = lambda column: lines.field(columns[column]) if column in columns else None  # noqa: E731
    ledger = Ledger(name, frame, lines.line, notes=notes, field=where)
    return CsvExport(ledger, encoding, "semicolon" if separator == ";" else "comma", names, warnings)


# a cell as Excel writes a text it must keep as written, `="0123"` (a code's leading zeros), and as a report of an
# ekonomisystem for Excel writes its codes
_EXCEL_TEXT = r'^[ \t\x{00a0}\x{202f}]*="([^"]*)"[ \t\x{00a0}\x{202f}]*$'


def _excel_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every cell written `="0123"` read as its text, `0123`: it was refused as an account ('account '="5010"' is
    not an account number') and as an object the mapping lacks (found by an ekonom on Windows, h120)."""
    return frame.with_columns(pl.col(c).str.replace(_EXCEL_TEXT, "$1") for c in frame.columns
                              if c != _ROW and frame.schema[c] == pl.String)


# an error value of a formula as Excel writes it into a CSV, in English or Swedish: #N/A (#SAKNAS!), #VALUE!
# (#VÄRDEFEL!), #REF! (#REFERENS!), #DIV/0! (#DIVISION/0!), #NUM! (#OGILTIGT!), #NAME? (#NAMN?), #NULL!, #SPILL!, …
_EXCEL_ERROR = r"^[ \t]*#(?:N/A|[A-Z\x{00c4}\x{00c5}\x{00d6}_/0-9]+[!?])[ \t]*$"
# `########` (`#` in the narrowest column): how Excel shows a number or date too wide for its column, saved as shown
_EXCEL_NARROW = r"^[ \t\x{00a0}\x{202f}]*#+[ \t\x{00a0}\x{202f}]*$"


def _refuse_excel_errors(frame: pl.DataFrame, columns: dict[str, str], name: str, lines: "_Lines") -> None:
    """DataError at the first cell kfollow reads that holds an error value of an Excel formula: it was told 'is not
    a period', 'is not an account number' or 'objects that the mapping lacks: stab (column Ansvar): #SAKNAS!' (found by
    an ekonom on Windows, h120); the workbook's formula is what to correct. So too a cell of Excel's `########`, a
    column too narrow for its value, in any column: an account or object code is a number to Excel too (found in
    review, h125 of a period and an amount, and h126 of `####` told 'is not an account number')."""
    titles = list(dict.fromkeys(columns.values()))
    marked = lambda t: pl.col(t).str.contains(_EXCEL_ERROR) | pl.col(t).str.contains(_EXCEL_NARROW)  # noqa: E731
    found = frame.select(_ROW, *(marked(t).fill_null(False).alias(str(i))
                                 for i, t in enumerate(titles))).filter(pl.any_horizontal(pl.exclude(_ROW)))
    if found.is_empty():
        return
    row = found.row(0)
    title = titles[next(i for i, flag in enumerate(row[1:]) if flag)]
    value = frame[title][row[0]].strip(_BLANKS)
    if re.fullmatch("#+", value):
        raise DataError(name, lines.line(row[0]), lines.field(title),
                        f"{title} {value!r} is how Excel shows a value too wide for its column, and the file was saved "
                        "so; widen the column in Excel (or export again from the ekonomisystem) and save the CSV again")
    raise DataError(name, lines.line(row[0]), lines.field(title),
                    f"{title} {value!r} is an error value of a formula in Excel, not a value; correct the formula in "
                    "the workbook (or the cells it reads) and save the CSV again")


def _line_frame(data: bytes) -> pl.DataFrame | None:
    """The file's lines (`l`, with their index `n`), or None where they cannot be read as one column."""
    try:
        return pl.read_csv(io.BytesIO(data), has_header=False, separator="\x1f", quote_char=None,
                           infer_schema=False, new_columns=["l"], row_index_name="n")
    except pl.exceptions.PolarsError:
        return None  # not one column of lines: the reader says what it can of the file


def _short_row(lines: pl.DataFrame | None, separator: str, fields: int) -> tuple[int, int] | None:
    """The first line with fewer fields than the header (a download cut off), and its field count;
    the lines without quotes that begin outside a quoted field are counted (a quoted field may hold the
    separator or line breaks: a line inside one, after an odd number of quotes, is no row)."""
    if lines is None:
        return None
    line = pl.col("l").str.strip_chars_end("\r")
    quotes = pl.col("l").str.count_matches('"', literal=True)
    short = (lines.with_columns(_inside=(quotes.cum_sum().shift(1, fill_value=0) % 2) == 1)
             .slice(1)
             .with_columns(count=line.str.count_matches(separator, literal=True) + 1)
             .filter(~line.str.contains('"', literal=True) & ~pl.col("_inside") & (line.str.strip_chars(" \t") != "")
                     & (pl.col("count") < fields))
             .head(1))
    return (short["n"][0] + 1, short["count"][0]) if short.height else None


def _check_runaway_quote(frame: pl.DataFrame, separator: str, name: str, lines: "_Lines") -> None:
    """`DataError` at the first field that holds a line break and a row's separators: a quote without its pair
    (an ERP that cuts its texts at a fixed width cuts a closing quote off) runs on to the next quote, and the
    rows between are read as text of that field, their money gone without a word (found by an ekonomisystem
    administrator). A quoted text of several lines with fewer separators is read as it is."""
    every = [c for c in frame.columns if c != _ROW]
    fields = [c for c in every if frame.schema[c] == pl.String]
    spanning = frame.select(pl.col(c).str.contains("\n", literal=True).any() for c in fields).row(0) if fields else ()
    fields = [c for c, spans in zip(fields, spanning) if spans]  # (the separator is looked for in those alone)
    if not fields:
        return
    # a quote without its pair runs over the rest of its row and on to the next row's quote: what it swallows holds
    # at least as many separators as a row has (where the row it ends in has fewer fields, more; with more, polars
    # refuses the file); a text of several lines with a separator or two in it is read (found in review: "Faktura
    # 12, avser⏎januari" of a comma-separated export was refused)
    row_separators = len(every) - 1
    runaway = [pl.col(c).str.contains("\n", literal=True)
               & (pl.col(c).str.count_matches(separator, literal=True) >= max(row_separators, 1)) for c in fields]
    found = frame.select(_ROW, *(r.fill_null(False).alias(str(i)) for i, r in enumerate(runaway))).filter(
        pl.any_horizontal(pl.exclude(_ROW)))
    if found.is_empty():
        return
    row = found.row(0)
    index = next(i for i, flag in enumerate(row[1:]) if flag)
    line = lines.line(row[0])
    value = frame[fields[index]][row[0]]
    end = f"line {line + value.count(chr(10))}" if line is not None else "a later line"
    raise DataError(name, line, every.index(fields[index]) + 1, f"a quoted field runs on to {end} and holds the separator '{separator}': "
                                           "a quote (\") seems to lack its pair, and the rows it runs over would be "
                                           "read as its text; correct the quotes in the export (a quote inside a text "
                                           "is written doubled, \"\"), or export it again")


def _named_accounts(frame: pl.DataFrame, title: str) -> bool:
    """Whether some account cell gives its name after the number (`5010 Löner`), searched for only where a cell
    is longer than an account number (of at most six digits) is: most exports' million rows are not searched.
    (A cell of six characters or fewer with a name, `501 X`, is an account kfollow refuses, as it was.)"""
    cells = frame[title]
    if (cells.str.len_bytes().max() or 0) <= 6:
        return False
    return bool(frame.select(_named_part(pl.col(title).str.strip_chars(_BLANKS), 1).is_not_null().any()).item())


def _named_part(cell: pl.Expr, group: int) -> pl.Expr:
    """The account's number (`group` 1) or name (2) of a trimmed account cell that gives both (`5010 Löner`), null
    where it does not, or where it is six bytes or fewer (`5010 X`): refused in every export alike, not read where
    another row is long enough for `_named_accounts` to look (found in review)."""
    return pl.when(cell.str.len_bytes() > 6).then(cell.str.extract(_NAMED_ACCOUNT, group))


def _account_names(frame: pl.DataFrame, columns: dict[str, str], name: str,
                   lines: "_Lines", named_cells: bool = True) -> tuple[dict[str, str], tuple[str, ...]]:
    """konto → its name, the first one the export gives it (`kolumner: kontonamn`, else after the number in the
    account's cell, `5010 Löner`), control and bidi characters replaced by U+FFFD as in a SIE export's names,
    and a warning naming the first such name (as the SIE import says it); {} where the export gives none."""
    cell = pl.col(columns["konto"]).str.strip_chars(_BLANKS)
    konto = pl.coalesce(_named_part(cell, 1), cell) if named_cells else cell
    if "kontonamn" in columns:
        namn = pl.col(columns["kontonamn"]).str.strip_chars(_BLANKS)
    elif not named_cells:  # (most exports: no names, and no pass over the rows)
        return {}, ()
    else:
        namn = _named_part(cell, 2)
    # a name of several lines (Alt+Enter in an Excel cell) is one line, its breaks spaces: they were replaced by
    # U+FFFD, 'Löner��mars', with a warning of control characters (found by an ekonom on Windows, h120)
    namn = namn.str.replace_all(r"[ \t]*(?:\r\n|\r|\n|\t)[ \t]*", " ").str.strip_chars(_BLANKS)
    at = lines.field(columns.get("kontonamn", columns["konto"]))
    named = (frame.select(_ROW, konto.alias("konto"), namn.alias("_skriven"),
                          namn.str.replace_all(_CONTROL_PL, "\ufffd").alias("namn"))
             .filter(pl.col("konto").is_not_null() & (pl.col("konto") != "") & pl.col("namn").is_not_null()
                     & (pl.col("namn") != "")))
    # a name that is an error value of an Excel formula (`#SAKNAS!` of a VLOOKUP that found no name) or Excel's `###`
    # is no name: it was noted as the account's name and shown in every table by account (found in review, session
    # 32); the account is noted with the next name the export gives it, or none, and a warning names the first
    excel = named.filter(pl.col("namn").str.contains(_EXCEL_ERROR) | pl.col("namn").str.contains(_EXCEL_NARROW))
    named = named.join(excel.select(_ROW), on=_ROW, how="anti").unique("konto", keep="first", maintain_order=True)
    warnings = ()
    if excel.height:
        r = excel.row(0, named=True)
        more = f" (and {excel.height - 1} more)" if excel.height > 1 else ""
        warnings = (f"{name}:{lines.line(r[_ROW])}:{at}: name {r['namn'][:40]!r} of account {r['konto']} is an error "
                    f"value of a formula in Excel (or a column too narrow), not a name{more}; left out (the account "
                    "takes another row's name, or none): correct the workbook's formula and export again for its name",)
    replaced = named.filter(pl.col("namn") != pl.col("_skriven"))
    if replaced.height:
        r = replaced.row(0, named=True)
        more = f" (and {replaced.height - 1} more)" if replaced.height > 1 else ""
        warnings += (f"{name}:{lines.line(r[_ROW])}:{at}: name {r['namn'][:200]!r} of "
                     f"account {r['konto']} had control characters{more}; replaced by U+FFFD",)
    long = named.filter(pl.col("namn").str.len_chars() > NAME_LIMIT)
    if long.height:  # as a SIE export's names: cut, ending in "…"
        r = long.row(0, named=True)
        more = f" (and {long.height - 1} more)" if long.height > 1 else ""
        warnings += (f"{name}:{lines.line(r[_ROW])}:{at}: the name of account "
                     f"{r['konto']} is {grouped(len(r['namn']))} characters{more}; cut to {NAME_LIMIT}",)
        named = named.with_columns(pl.when(pl.col("namn").str.len_chars() > NAME_LIMIT)
                                   .then(pl.col("namn").str.slice(0, NAME_LIMIT - 1) + "…").otherwise("namn").alias("namn"))
    return dict(named.select("konto", "namn").iter_rows()), warnings


_QUOTES_1252 = b"\x84\x86\x94"  # ä å ö in code page 437; „ † ” in Windows-1252
_BY_A_LETTER = re.compile(rb"(?<=[A-Za-z])[\x84\x86\x94]|[\x84\x86\x94](?=[A-Za-z])")
_OPENING = re.compile(rb"(?<![A-Za-z0-9])[\x84\x94](?=[A-Z])")  # „ or ” opening a quotation: before a capital


def _decode(raw: bytes, name: str) -> tuple[str, bytes, str]:
    """(encoding, UTF-8 bytes for polars, text)."""
    if looks_utf16(raw):
        raise DataError(name, 1, 1, "file is UTF-16; export it as UTF-8 or Windows-1252 (ANSI)")
    raw = without_end_mark(raw)
    if not raw.strip(b"\xef\xbb\xbf \t\r\n"):
        raise DataError(name, 1, 1, "file is empty; export the booked rows with a header line")
    if raw.startswith(b"\xef\xbb\xbf"):
        refuse_a_second_bom(raw, name)  # (was "no column 'Period'" of a header that shows Period)
        body = raw[3:]
        try:
            return "UTF-8 with BOM", body, body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _bad_byte(body, exc.start, name, "UTF-8 (it starts with a UTF-8 BOM)") from None
    try:
        return "UTF-8", raw, raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # the Swedish letters counted both ways, as the SIE reader does (`sie._encoding`): an export in code page 437
    # (PC8, as SIE files are) read as Windows-1252 made "Löner" "L”ner" without a word (found by a library user).
    # ä å ö of code page 437 are „ † ” in Windows-1252, quotes there: counted where they touch a letter ("miljö",
    # "på", "ökad" must count), less two for each that opens a quotation, before a capital at a word's start (a
    # Swedish word has no ö before a capital: ”IT”, ”Stadshuset, plan 2”, „Stadshuset“ are quotes). Found in review,
    # three times over: a pair-matching rule was fooled both ways
    high = raw.translate(None, bytes(range(128)))  # (the letters' bytes alone: one pass over the text)
    cp437 = 0
    if high:
        cp437 = sum(high.count(bytes([b])) for b in CP437_LETTERS if b not in _QUOTES_1252)
        cp437 += len(_BY_A_LETTER.findall(raw)) - 2 * len(_OPENING.findall(raw))
    if cp437 > sum(high.count(bytes([b])) for b in LATIN_LETTERS):
        text = raw.decode("cp437")
        return "CP437 (PC8)", text.encode("utf-8"), text
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _bad_byte(raw, exc.start, name, "UTF-8 nor Windows-1252") from None
    return "Windows-1252", text.encode("utf-8"), text


# å ä ö Å Ä Ö in UTF-8: in a file that is not UTF-8 throughout, lines of an export in UTF-8 beside lines in another
# encoding (two exports put together, a line edited in another program), which no single encoding reads right
_UTF8_LETTERS = re.compile(rb"\xc3[\xa5\xa4\xb6\x85\x84\x96]")


def _mixed_encodings(raw: bytes, name: str, encoding: str) -> tuple[str, ...]:
    """A warning where a file read as `encoding` (not UTF-8) also holds Swedish letters in UTF-8: its
    UTF-8 lines' letters come out wrong (`LÃ¶ner`). Names the first line of each encoding."""
    if encoding.startswith("UTF-8"):
        return ()
    utf8 = _UTF8_LETTERS.search(raw)
    if utf8 is None:
        return ()
    try:
        raw.decode("utf-8")
        return ()
    except UnicodeDecodeError as exc:
        bad = exc.start
    python = "cp437" if encoding.startswith("CP437") else "cp1252"

    end = "\n" if b"\n" in raw else "\r"  # (old Mac line ends: lone CR)

    def where(at: int) -> tuple[int, int]:  # line and column of the byte at `at`, as the file is read
        head = raw[:at].decode(python, "replace")
        return head.count(end) + 1, len(head) - head.rfind(end)

    (line, column), (other, _) = where(utf8.start()), where(bad)
    letter, wrong = utf8.group().decode("utf-8"), utf8.group().decode(python, "replace")
    return (f"{name}:{line}:{column}: the file mixes encodings: line {line} has {letter} in UTF-8, line {other} a "
            f"byte that is not UTF-8 (0x{raw[bad]:02x}); read as {encoding}, the UTF-8 lines' letters come out "
            f"wrong ({letter} as {wrong}): export the file again in one encoding (UTF-8)",)


def _bad_byte(raw: bytes, at: int, name: str, what: str) -> DataError:
    head = raw[:at].decode("utf-8", "replace")
    line = head.count("\n") + 1
    column = len(head) - (head.rfind("\n") + 1) + 1
    return DataError(name, line, column, f"byte 0x{raw[at]:02x} is neither {what}; export the file as UTF-8")


def _sniff(header: str, name: str, text: str = "") -> str:
    if (label := re.match(r"\s*(#(FLAGGA|FORMAT|SIETYP|PROGRAM|GEN|FNAMN|ORGNR|RAR|KPTYP|KONTO|VER))(\s|$)", header)):
        # import csv of a SIE file said 'the header line has a single column' (found trying kfollow as a new user, h152)
        raise DataError(name, 1, 1, f"this is a SIE export (it begins with {label.group(1)}), not CSV; import it "
                                    "with kfollow import sie, by a mapping whose stab and verksamhet name a dimension")
    bare = re.sub(r'"[^"]*"', "", header)
    semicolons, commas = bare.count(";"), bare.count(",")
    if not semicolons and not commas:
        if "\t" in bare:  # Excel's "Text (tab delimited)" and "Unicode text", an ERP's .txt
            raise DataError(name, 1, header.index("\t") + 1, "the columns are separated by tabs (Excel's text or "
                                                             "Unicode text); kfollow reads ; or , separated CSV: save "
                                                             "the export as CSV (semicolon separated)")
        for number, line in enumerate(text[:1 << 20].split("\n")[1:50], start=2):  # a report's title above its header
            if "\t" in re.sub(r'"[^"]*"', "", line):  # (its rows' decimal commas are no header: found in review)
                raise DataError(name, number, line.index("\t") + 1, f"line {number} is separated by tabs (Excel's text "
                                "or Unicode text) and the first line has no separator; kfollow reads ; or , separated "
                                "CSV with the header first: save the export as CSV (semicolon separated), without the "
                                f"{number - 1} line{'s' if number > 2 else ''} above the header")
            if re.search("[;,]", re.sub(r'"[^"]*"', "", line)):
                raise DataError(name, 1, 1, f"the first line '{shown(header.strip()[:80])}' has no ; or , but line "
                                            f"{number} has: the header must be the first line; remove the "
                                            f"{number - 1} line{'s' if number > 2 else ''} above it")
        raise DataError(name, 1, 1, "the header line has a single column; the export must separate its columns "
                                    "with ; or ,")
    return ";" if semicolons >= commas else ","


def _header_names(header: str, separator: str) -> list[str]:
    """The names of the header line as written (CSV quoting read), for what polars renames (`X_duplicated_0`)."""
    return next(csv.reader([header], delimiter=separator), [])


def _columns(frame: pl.DataFrame, mapping: LedgerMapping, name: str,
             written: list[str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Ledger column → the header name it is read from (header names compared without spaces around them), and
    notes for the person importing. `written`: the header's names as the file writes them, where a name twice is
    told (polars renames the second `X_duplicated_0`, which a message must not quote, and a file may even hold;
    found by a controller).

    One mapping serves a huvudbok and a budget export (found by a new user: the budget export, without the
    huvudbok's `Kontonamn`, and with `Belopp` where it has `Debet` and `Kredit`, was refused): a `kontonamn`
    column the header lacks is a note (it only names accounts), and where `kolumner` names both `belopp` and
    `debet`/`kredit` the header decides which the export has; one that has belopp and debet or kredit (or both) is
    refused (which is the amount?)."""
    header = [c for c in frame.columns if c != _ROW]
    counted = Counter(c.strip(_BLANKS) for c in written)
    twice = sorted(c for c, n in counted.items() if n > 1)
    stripped = {c.strip(_BLANKS): c for c in header if c.strip(_BLANKS) in counted}
    k = mapping.kolumner
    has = lambda title: title is not None and title.strip(_BLANKS) in stripped  # noqa: E731
    place = lambda at: f"{mapping.fil}:{at[0]}:{at[1]}" if at else mapping.fil  # noqa: E731
    wanted = {"period": ("period", k.period), "konto": ("konto", k.konto)}
    # (neither way in the header: the belopp is asked for, and the message names the other way too)
    pair = k.debet is not None and (k.belopp is None or (not has(k.belopp) and (has(k.debet) or has(k.kredit))))
    if k.belopp is not None and k.debet is not None and has(k.belopp) and has(k.debet) and has(k.kredit):
        raise DataError(name, 1, None, f"the header has {k.belopp!r} and {k.debet!r} and {k.kredit!r}, which the "
                                       f"mapping names as belopp ({place(k.where('belopp'))}) and as debet and kredit; "
                                       "which is the amount? Keep belopp, or debet and kredit, under kolumner of a "
                                       "mapping for this export")
    # belopp beside one of debet and kredit is as ambiguous: read as belopp, the other column was dropped without a
    # word ('Belopp;Kredit', 100 and 30, read as 100; found in review, h84)
    if k.belopp is not None and k.debet is not None and has(k.belopp) and (has(k.debet) or has(k.kredit)):
        given, lacking = ("debet", "kredit") if has(k.debet) else ("kredit", "debet")
        title, missing = getattr(k, given), getattr(k, lacking)
        raise DataError(name, 1, None, f"the header has {k.belopp!r} and {title!r}, which the mapping names as belopp "
                                       f"({place(k.where('belopp'))}) and as {given} ({place(k.where(given))}); which "
                                       f"is the amount? If it is {k.belopp!r}, write a mapping for this export without "
                                       f"debet and kredit under kolumner; if it is debet and kredit, the export lacks "
                                       f"the column {missing!r} ({lacking} in {place(k.where(lacking))})")
    if pair:
        wanted["debet"], wanted["kredit"] = ("debet", k.debet), ("kredit", k.kredit)
    else:
        wanted["belopp"] = ("belopp", k.belopp)
    # where the mapping names each column, for the message of one the header lacks (found by an ekonomisystem
    # administrator: the mapping's line was not said, as its other errors say it)
    at = {column: k.where(column) for column in wanted}
    for key in mapping.keys():
        if key.kolumn is not None:
            wanted[key.source] = (f"kolumn of {key.name}", key.kolumn)
            at[key.source] = (key.line, key.column)
    if k.kontonamn is not None and has(k.kontonamn):
        wanted["kontonamn"] = ("kontonamn", k.kontonamn)
    # a hint never names a column the mapping reads as something else (found by a new user: 'Kontonamn', lacking,
    # was told "did you mean 'Konto'?", the account's column)
    used = {title.strip(_BLANKS) for _, title in wanted.values() if has(title)}
    free = [c for c in stripped if c not in used and c]
    # (an empty header cell is said as one, not as '': found in review, h84)
    unnamed = [i for i, c in enumerate(written, 1) if not c.strip(_BLANKS)]
    said_free = [repr(c) for c in free] + ([f"a column without a name (column {unnamed[0]})" if len(unnamed) == 1 else
                                            f"columns without a name (columns {', '.join(map(str, unnamed))})"]
                                           if unnamed else [])
    notes = ()
    if k.kontonamn is not None and "kontonamn" not in wanted:  # a name of the accounts, no figure: read without it
        close = difflib.get_close_matches(k.kontonamn, free, n=1)
        notes = (f"{name} has no column {k.kontonamn!r} (kontonamn in {place(k.where('kontonamn'))}), which only "
                 "names the accounts: imported without it"
                 + (f"; if {close[0]!r} holds their names, write kontonamn: {close[0]}" if close else ""),)
    for what, title in wanted.values():  # (a name twice first: the rest of the header may be right)
        if title.strip(_BLANKS) in twice:
            raise DataError(name, 1, None, f"column {title!r} appears twice in the header; keep one")
    found = {}
    for column, (what, title) in wanted.items():
        if title.strip(_BLANKS) not in stripped:
            close = difflib.get_close_matches(title, free, n=1)
            hint = f"did you mean {close[0]!r}?" if close else \
                f"the header's columns that the mapping does not read already: {', '.join(said_free)}" if said_free \
                else f"the mapping reads every other column of the header already ({', '.join(map(repr, stripped))})"
            other = ""
            if column == "belopp" and k.debet is not None:  # neither way of the amount
                other = f", nor {k.debet!r} and {k.kredit!r} (debet and kredit in {place(k.where('debet'))})"
            elif column in ("debet", "kredit") and k.belopp is not None:
                other = f", nor {k.belopp!r} (belopp in {place(k.where('belopp'))})"
            elif column in ("belopp", "debet", "kredit"):  # the export may write the amount the other way
                hint = _other_amount(column, list(stripped)) or hint
            if other and not said_free:  # (the header's every column read: its list says nothing of the amount's;
                hint = ""  # found in review, h84)
            raise DataError(name, 1, None, f"no column {title!r} ({what} in {place(at.get(column))}){other}"
                                           + (f"; {hint}" if hint else ""))
        found[column] = stripped[title.strip(_BLANKS)]
    return found, notes


def _other_amount(column: str, header: list[str]) -> str | None:
    """What to add under `kolumner` where the mapping names the amount one way (belopp, or debet and kredit) and
    the header gives it the other: one mapping may name both, and each export's header decides (found by a new
    user: a budget export's `Belopp` beside a huvudbok's `Debet` and `Kredit`). None where the header has no
    column that looks like it."""
    def like(*words: str) -> str | None:
        return next((c for c in header if any(w in c.lower() for w in words)), None)

    if column == "belopp":
        debet, kredit = like("debet", "debit"), like("kredit", "credit")
        if debet is None or kredit is None:
            return None
        return (f"if the export gives its amounts as {debet!r} and {kredit!r}, name them under kolumner beside belopp: "
                f"debet: {debet} and kredit: {kredit} (each export's header decides which it has)")
    belopp = like("belopp", "budget", "amount", "summa")
    if belopp is None:
        return None
    return (f"if the export gives its amount in one column, {belopp!r}, name it under kolumner beside debet and "
            f"kredit: belopp: {belopp} (each export's header decides which it has)")


def with_amount(lf: pl.LazyFrame, column: str, decimal: str, units: bool = True) -> pl.LazyFrame:
    """Add `_ore_<column>` (Int64 öre, null where the cell is not an amount) and `_ok_<column>` (Boolean).

    The cell (trimmed) must have the shape of an amount (one regex; see the module docstring). Then
    only its digits and decimal mark are kept: the digits read as one integer n, with d decimals,
    are n·100/10^d öre, exactly; decimals beyond two must be zeros. Built in stages of plain
    column operations: one nested expression recomputes its parts and is many times slower.
    """
    text = pl.col(column).str.replace_all("\u2212", "-", literal=True)  # the minus sign of the Swedish locale
    if units:  # `1 234,50 kr`: the unit the amount is read in (`units`: where a cell may have one)
        text = text.str.replace(_KRONOR, "$1").str.replace(_KRONOR_INSIDE, "$1)")
    # a dash alone is 0, as Excel's accounting format (Redovisning) writes it, `-` or `- kr` (found by an ekonom on
    # Windows, h120: refused as no amount)
    text = pl.when(text.str.contains(r"^[-\x{2013}]$")).then(pl.lit("0")).otherwise(text)
    groups = r"[ \x{00a0}\x{202f}.]" if decimal == "," else r"[ \x{00a0}\x{202f}]"
    mark = re.escape(decimal)
    number = rf"(?:[0-9]{{1,3}}(?:{groups}[0-9]{{3}})+|[0-9]+)(?:{mark}[0-9]+)?"
    digits, at, n, decimals = (f"_{part}_{column}" for part in ("digits", "at", "n", "decimals"))
    blank = r"[ \x{00a0}\x{202f}]*"
    in_parentheses = rf"^\({blank}{number}{blank}\)$"  # an accountant's negative, `(1 234,50)`, without a minus
    lf = lf.with_columns(
        text.str.contains(rf"^(?:[+-]?{number}|{number}-)$|{in_parentheses}").alias(f"_ok_{column}"),
        (text.str.starts_with("-") | text.str.ends_with("-") | text.str.starts_with("(")).alias(f"_neg_{column}"),
        text.str.replace_all(r"[^0-9" + mark + "]", "").alias(digits),
    )
    lf = lf.with_columns(
        pl.col(digits).str.find(decimal, literal=True).cast(pl.Int64).alias(at),
        pl.col(digits).str.len_bytes().cast(pl.Int64).alias("_len"),
        pl.col(digits).str.replace(decimal, "", literal=True).cast(pl.Int64, strict=False).alias(n),
    )
    lf = lf.with_columns(pl.when(pl.col(at).is_null()).then(0).otherwise(pl.col("_len") - pl.col(at) - 1).alias(decimals))
    d, value = pl.col(decimals), pl.col(n)
    extra = pl.lit(10, pl.Int64).pow(pl.when(d > 2).then(d - 2).otherwise(0).clip(0, 17)).cast(pl.Int64)
    ore = (pl.when(d == 0).then(value * 100).when(d == 1).then(value * 10).when(d == 2).then(value)
           .otherwise(value // extra))
    whole_digits = pl.col("_len") - pl.when(pl.col(at).is_null()).then(0).otherwise(d + 1)
    ok = (pl.col(f"_ok_{column}") & value.is_not_null() & (whole_digits <= MAX_KRONOR_DIGITS)
          & ((d <= 2) | (value % extra == 0)))
    return lf.with_columns(
        ok.alias(f"_ok_{column}"),
        pl.when(ok).then(pl.when(pl.col(f"_neg_{column}")).then(-ore).otherwise(ore)).alias(f"_ore_{column}"),
    ).drop(digits, at, n, decimals, "_len", f"_neg_{column}")


def _ledger_frame(frame: pl.DataFrame, columns: dict[str, str], mapping: LedgerMapping, name: str,
                  lines: "_Lines", budget: bool = False, named: bool = True, units: bool = True) -> pl.DataFrame:
    """The checked ledger: period, konto, belopp (öre), rad, and the object columns; a DataError for the first bad row."""
    sources = [c for c in columns if c.startswith("kolumn:")]
    amounts = ["belopp"] if "belopp" in columns else ["debet", "kredit"]
    # cells trimmed, an empty cell null; a line of empty cells (a blank line) books nothing
    lf = frame.lazy().select(_ROW, *(pl.col(title).str.strip_chars(_BLANKS).alias(c) for c, title in columns.items()))
    lf = lf.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in columns)
    lf = lf.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in columns))
    for c in amounts:  # (`units`: where a row has a `k`, as `kr` and `SEK` have; most exports have none)
        lf = with_amount(lf, c, mapping.decimal, units)
    if named:  # `5010 Löner`: the account's number, its name after it (`_account_names`)
        lf = lf.with_columns(pl.coalesce(_named_part(pl.col("konto"), 1), "konto").alias("konto"))
    month = r"-?(?:0[1-9]|1[0-2])"
    day = r"-(?:0[1-9]|[12][0-9]|3[01])"  # a booking date (YYYY-MM-DD) is taken for its month
    periods = frame[columns["period"]]  # (`2024-jan`, eight characters, read as 2024-01; looked for only where a
    # period is that long and has a letter: YYYYMM and YYYY-MM exports are not searched)
    longest = periods.str.len_bytes().max() or 0
    period_text = _month_by_name(pl.col("period")) \
        if longest >= 8 and periods.str.contains("[A-Za-z]").any() else pl.col("period")
    if longest > 10:  # `2024-03-15 00:00:00`, Excel's datetime of a date: the date (looked for where a cell is longer)
        period_text = period_text.str.replace(_MIDNIGHT, "$1")
    if periods.str.contains(".", literal=True).any():  # `31.03.2024`: a date written day first, as 2024-03-31
        # (`1.3.2024`, d.m.yyyy, as Excel writes a date under a Finnish setting: a day or month of one digit is
        # that day or month; it was refused where `01.03.2024` was read; found in review, h125)
        # (`31.03.2024 00:00`, `1.3.2024 0:00`: Excel's date and time of a date, as `2024-03-15 00:00:00` is read above;
        # found in review, h125)
        period_text = period_text.str.replace(r"^([0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4})[ T]0?0:00(?::00(?:\.0+)?)?$", "${1}")
        period_text = (period_text.str.replace(r"^([0-9])\.([0-9]{1,2}\.[0-9]{4})$", "0${1}.${2}")
                       .str.replace(r"^([0-9]{2})\.([0-9])\.([0-9]{4})$", "${1}.0${2}.${3}")
                       .str.replace(r"^([0-9]{2})\.([0-9]{2})\.([0-9]{4})$", "${3}-${2}-${1}"))
    lf = lf.with_columns(period_text.alias("_period"))
    period_text = pl.col("_period")
    lf = lf.with_columns(period_text.str.contains(
        rf"^[0-9]{{4}}(?:{month}|-(?:0[1-9]|1[0-2]){day}){'?' if budget else ''}$").alias("_period_ok"))
    optional = len(amounts) == 2  # an empty debet or kredit is 0
    checks = [
        ("period", "empty", pl.col("period").is_null()),
        # a date that is none (2024-02-30: a garbled export): its day is what is wrong (found in review)
        ("period", "date", period_text.str.contains(r"^[0-9]{4}-(?:0[1-9]|1[0-2])-[0-9]{2}$")
         & period_text.str.to_date("%Y-%m-%d", strict=False).is_null()),
        ("period", "period", ~pl.col("_period_ok")),
        ("konto", "empty", pl.col("konto").is_null()),
        ("konto", "control", pl.col("konto").str.contains(_CONTROL_PL)),
        *((c, "empty", pl.col(c).is_null()) for c in amounts if not optional),
        *((c, "amount", pl.col(c).is_not_null() & ~pl.col(f"_ok_{c}")) for c in amounts),
        *((c, "control", pl.col(c).str.contains(_CONTROL_PL)) for c in sources),
    ]
    problem = pl.when(checks[0][2]).then(pl.lit(0, pl.UInt8))
    for index, (_, _, bad) in enumerate(checks[1:], start=1):
        problem = problem.when(bad).then(pl.lit(index, pl.UInt8))
    if optional:
        ore = pl.col("_ore_debet").fill_null(0) - pl.col("_ore_kredit").fill_null(0)
    else:
        ore = pl.col("_ore_belopp")
    result = lf.with_columns(problem.alias("_fel")).collect()
    bad = result.filter(pl.col("_fel").is_not_null())
    if bad.height:
        row = bad.row(0, named=True)
        column, kind, _ = checks[row["_fel"]]
        raise _message(name, lines, row, column, kind, columns, mapping.decimal, budget)
    if result.is_empty():
        raise DataError(name, 2, None, "the export has a header but no rows; export the booked rows of the period")
    period = pl.col("_period")
    month_or_year = (pl.when(period.str.len_bytes() == 10).then(period.str.head(7))  # a date: its month
                     .when(period.str.len_bytes() > 4).then(pl.concat_str(period.str.head(4), pl.lit("-"),
                                                                          period.str.tail(2))).otherwise(period))
    return result.select(
        month_or_year.alias("period"), "konto",
        ore.cast(pl.Int64).alias("belopp"), pl.col(_ROW).cast(pl.Int64).alias("rad"), *sources,
    )


def _month_by_name(period: pl.Expr) -> pl.Expr:
    """A period written `2024-jan` or `jan 2024` (`-` or a space between; a dot after a short name, `sept. 2024`), or
    with the month's whole name (`mars 2024`, `2024-mars`, `March 2024`), as `2024-01`; any other as it is. A year of two digits (`jan-24`,
    Excel's mmm-yy, or the 24th of January?) is not read (`_message` says so)."""
    lower = period.str.to_lowercase()
    year = pl.coalesce(lower.str.extract(r"^([0-9]{4})[- ][a-z]{3,9}\.?$", 1),
                       lower.str.extract(r"^[a-z]{3,9}\.?[- ]([0-9]{4})$", 1))
    named = pl.coalesce(lower.str.extract(r"^[0-9]{4}[- ]([a-z]{3,9}\.?)$", 1),
                        lower.str.extract(r"^([a-z]{3,9}\.?)[- ][0-9]{4}$", 1))
    month = named.replace_strict(_MONTHS, default=None, return_dtype=pl.String)
    return pl.when(year.is_not_null() & month.is_not_null()).then(pl.concat_str(year, pl.lit("-"), month)).otherwise(period)


def _message(name: str, lines: "_Lines", row: dict, column: str, kind: str, columns: dict[str, str],
             decimal: str, budget: bool = False) -> DataError:
    line = lines.line(row[_ROW])
    field = lines.field(columns[column])
    title = columns[column]
    value = row[column] or ""
    shown = repr(value)
    if column == "period" and kind == "period" and value.strip(_BLANKS).casefold() == title.casefold() \
            and all(row[c] is None or row[c].strip(_BLANKS).casefold() == t.casefold() for c, t in columns.items()):
        # the header again, as a report printed page by page repeats it (it was 'Period 'Period' is not a period; write
        # YYYYMM …': found by an ekonom on Windows, h120); before the total row, as a header may name a column `Summa`
        # (it was 'a total row?': found in review, h126)
        return DataError(name, line, None, "the line repeats the header (as a report does on each of its pages); "
                                           "delete it, or export the rows without page breaks")
    total_row = next((v for v in row.values() if isinstance(v, str) and _TOTAL.fullmatch(v)), None)
    if column == "period" and kind in ("empty", "period") and total_row is not None:  # an export's total row
        said = f"{title} {shown}" if value == total_row else \
            f"{title} {shown if value else 'is empty'}, in a row that says {total_row.strip()!r}"
        return DataError(name, line, field, f"{said}: a total row? kfollow sums the rows itself; leave the total out "
                                            "of the export (or delete its line)")
    if kind == "empty" and column == "period" and budget:  # (found by a controller: the year was not named)
        return DataError(name, line, field, f"{title} is empty; every budget row needs a period: the year YYYY (spread "
                                            "over its months by the year file's profile) or a month YYYY-MM (or "
                                            "YYYYMM, or a date YYYY-MM-DD)")
    if kind == "empty":
        return DataError(name, line, field, f"{title} is empty; every row needs "
                                            + {"period": "a period (YYYYMM, YYYY-MM or a date YYYY-MM-DD)",
                                               "konto": "an account"}.get(
                                                column, "an amount"))
    if kind == "date":  # (found by a controller: 2024-02-30 was told to be written as a date YYYY-MM-DD)
        read = row["_period"]  # (`31.02.2024` as it is read, 2024-02-31)
        year, month, day = int(read[:4]), int(read[5:7]), read[8:10]
        last = calendar.monthrange(year, month)[1]
        return DataError(name, line, field, f"{title} {shown} is no date: {read[:7]} has no day {day} (its last is "
                                            f"{last}); correct the date in the export, or name its period column "
                                            "(YYYYMM) under kolumner: period where it has one")
    if kind == "period":
        two_digits = re.fullmatch(r"([A-Za-z]{3,9})[- ]?([0-9]{2})", value.strip(_BLANKS))
        if two_digits and two_digits[1].lower() in _MONTHS:  # `jan-24`: Excel's mmm-yy, or a day of January?
            month = _MONTHS[two_digits[1].lower()]
            return DataError(name, line, field, f"{title} {shown} gives no whole year ({two_digits[2]}: a year of two "
                                                "digits, or a day of the month?); write the year whole, e.g. "
                                                f"20{two_digits[2]}-{month}, 20{two_digits[2]}{month} or "
                                                f"20{two_digits[2]}-{two_digits[1]}")
        # `2024-03-31 22:00:00`: midnight of 1 April moved to UTC? (midnight is read: Excel's datetime); so too a date
        # written day first (`31.03.2024 13:45`, which was told only 'is not a period')
        timed = re.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4})[ T]([0-9]{1,2}:[0-9]{2}.*)",
                             value.strip(_BLANKS))
        if timed:
            midnight = "00:00" if "." in timed[1] else "00:00:00"
            return DataError(name, line, field, f"{title} {shown} is a date with the time {timed[2]}, which kfollow "
                                                "reads only at midnight without a time zone (Excel's "
                                                f"{timed[1]} {midnight}): another may be a date moved by a time zone, "
                                                f"into another day and month; export the date alone ({timed[1]}) or "
                                                "the period (YYYYMM)")
        forms = "YYYYMM, YYYY-MM, a date YYYY-MM-DD or YYYY (a budget for the year)" if budget else \
            "YYYYMM, YYYY-MM or a date YYYY-MM-DD"
        # (a year 19xx/20xx: a budget export's whole-year row; not a YYMM such as 2403)
        whole_year = (not budget and re.fullmatch(r"\s*(19|20)[0-9]{2}\s*", value)
                      and " (if it is a whole year: that is a budget's period; import a budget export with "
                          "--budget-out)" or "")
        named = ", or a month by its name or first three letters (2024-mars, 2024-mar)" \
            if re.search("[A-Za-z]", value) else ""
        # (a date by dots is read as well, day first: said where the cell has a dot; found in review, h125)
        dotted = ", or a date DD.MM.YYYY (31.03.2024; a time only at midnight, 00:00)" if "." in value else ""
        return DataError(name, line, field, f"{title} {shown} is not a period; write {forms}, e.g. 202403{named}"
                                            f"{dotted}{whole_year}")
    if kind == "control":
        return DataError(name, line, field, f"{title} {shown} contains a control or bidi character; correct the "
                                            "export")
    signed = text = value.strip(_BLANKS).replace("\u2212", "-")  # (as the amount is read: `with_amount`)
    # (`1 234, kr`: the unit is kronor, read; the hint is of the number before it, not "a unit kfollow does not read")
    text = re.sub(r"(?i)([0-9),.-])[ \u00a0\u202f]*(?:kr|sek)$", r"\1", text)
    text = signed = re.sub(r"(?i)([0-9])[ \u00a0\u202f]*(?:kr|sek)[ \u00a0\u202f]*\)$", r"\1)", text)  # `(1,00 kr)`
    if re.fullmatch(r"\([^()]*\)", text):  # `(1 234,50)`: the hints are of what is inside
        text = text[1:-1].strip(_BLANKS)
    mark = re.escape(decimal)
    other = "." if decimal == "," else ","
    example = "1 234,50 or 1234,50-" if decimal == "," else "1 234.50 or 1234.50-"
    unit = re.fullmatch(r"[+-]?[0-9 \u00a0\u202f.,]*[0-9][0-9 \u00a0\u202f.,]*-?[ \u00a0\u202f]*([^\s0-9()+,.-][^0-9]*)", text)
    if unit and unit[1].lower().rstrip("-").rstrip() in ("kr", "sek") and unit[1].endswith("-"):
        # `1 234,50 kr-`: the minus after the unit (found trying ERP exports, h66)
        # (said with the cell's own number: `5 000 kr-` was told to write `-1 234,50 kr`)
        number, said = text[:unit.start(1)].strip(_BLANKS).lstrip("+"), unit[1].rstrip("-").rstrip()
        hint = f"its minus stands after the unit; write it before the number (-{number} {said}) or before the unit " \
               f"({number}- {said})"
    elif unit:  # tkr, mnkr, €, %: not kronor (found trying ERP exports: `1 234,50 kr` is read)
        hint = f"it ends in {unit[1]!r}, a unit kfollow does not read: amounts are in kronor (bare, or ending in kr or " \
               "SEK); export them in kronor"
    elif re.fullmatch(r"-\(.*\)|\(.*\)-|\([ \u00a0\u202f]*[+-].*\)", signed) \
            and re.sub(r"[()+-]", "", signed).strip(_BLANKS):
        plain = re.sub(r"[()+-]", "", signed).strip(_BLANKS)  # (U+2212 too: not `-−1 234,50`, found in review)
        hint = f"a negative in parentheses has no minus; write ({plain}) or -{plain}"
    elif re.fullmatch(r"\([ \u00a0\u202f+-]*\)", signed):  # `(-)`: a dash in parentheses, no number (it was told
        # 'write () or -'; found in review, h125)
        hint = "it has no number; write the amount, or 0 (a dash alone is read as 0)"
    elif re.fullmatch(rf"[+-]?[0-9][0-9 \u00a0\u202f.,]*{mark}-?", text):  # `1 234,`: the mark, no decimals (h66)
        whole = re.sub(rf"{mark}(-?)$", r"\1", text)
        hint = f"it ends in its decimal mark with no decimals after it; write {whole} or {whole.rstrip('-')}{decimal}00" \
               + ("-" if whole.endswith("-") else "")
    elif len(re.sub(r"\D", "", text)) > MAX_KRONOR_DIGITS + 2 and re.fullmatch(r"[+-]?[0-9 \u00a0\u202f.,]+-?", text):
        hint = "it is over 10^13 kronor; check the amount"
    elif re.fullmatch(rf"[+-]?[0-9 \u00a0\u202f.,]*{mark}[0-9]*[1-9][0-9]*-?", text) and \
            len(re.search(rf"{mark}([0-9]+)-?$", text).group(1).rstrip("0")) > 2:
        hint = "it has more than two decimals; amounts must be whole öre"
    elif re.fullmatch(rf"[+-]?(?:[0-9]+|[0-9]{{1,3}}(?:[ \u00a0\u202f][0-9]{{3}})+){re.escape(other)}[0-9]{{1,2}}-?",
                      text):  # (`412 300,00` under decimal: "." too: found trying ERP exports, h66)
        hint = f"the mapping says decimal: \"{decimal}\"; if the export writes \"{other}\", set decimal: \"{other}\""
    else:
        hint = (f"write e.g. {example} (decimal {'comma' if decimal == ',' else 'point'}, thousands in groups of "
                "three, a minus before or after)")
    return DataError(name, line, field, f"{title} {shown} is not an amount; {hint}")


def _text_after_quote(text: str, separator: str, line: int) -> tuple[int, int] | None:
    """Where the row beginning at `line` has a quoted field closed on a later line with text after its quote
    (`"Faktura⏎rad 2" extra`): that text's line and column. None where the quote that ends the field opens a cell
    of its own (`;"Pärmar"`: the field was never closed) or the field is not closed at all."""
    lines = text.split("\n")
    at, col, state, opened = line, 0, "start", line
    while at <= len(lines):
        row = lines[at - 1] + "\n"
        while col < len(row):
            ch, col = row[col], col + 1
            if state == "quoted":
                if ch == '"':
                    state = "closed"
                continue
            if state == "closed":
                if ch == '"':
                    state = "quoted"  # a doubled quote, inside
                    continue
                if ch in (separator, "\r", "\n"):
                    state = "start"
                    if ch == "\n":
                        return None  # the row ended: its quotes were right
                    continue
                before = row[col - 3] if col >= 3 else separator  # (the character before the closing quote)
                return None if at > opened and before in (separator,) else (at, col)
            if ch == "\n":
                return None
            if ch == '"' and state == "start":
                state, opened = "quoted", at
            elif ch == separator:
                state = "start"
            elif ch != "\r":
                state = "plain"
        at, col = at + 1, 0
    return None


def _csv_failure(text: str, separator: str, name: str, exc: Exception) -> DataError:
    """A polars read error → one DataError naming the line, found by reading in Python (error path only)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    end = 0
    try:
        header = next(reader, [])
        end = reader.line_num
        for record in reader:
            if len(record) > len(header):
                return DataError(name, end + 1, None, f"row has {len(record)} fields but the header has {len(header)}; "
                                                      "quote fields that contain the separator")
            end = reader.line_num
    except csv.Error as err:
        # a quote opened and never closed makes one record of the lines up to the next quote, or the end: where its
        # row begins, not where the reader stopped (as a fact table's; found trying ERP exports, h66)
        if "unexpected end of data" in str(err) or reader.line_num > end + 1:
            if (after := _text_after_quote(text, separator, end + 1)) is not None:  # closed, on a later line
                return DataError(name, *after, f"text after the closing quote of a quoted field that begins on line "
                                               f"{end + 1}; put the whole field in the quotes, or the text in a field "
                                               'of its own (and double a quote inside the field: "")')
            return DataError(name, end + 1, None, "a quoted field in the row that begins here is not closed; add the "
                                                  'closing quote (and double a quote inside the field: "")')
        return DataError(name, reader.line_num, None, f"malformed CSV ({err}); quote a field with the separator or a "
                                                      'quote in it, and double the quotes inside ("")')
    stray = stray_quote(text, separator)
    if stray is not None:
        return DataError(name, *stray, 'a quote (") inside a field that does not begin with one; put the field in '
                                       'quotes and double the quote inside it ("Bildskärm 24""")')
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
        # a NUL stops Python 3.10's csv reader; for counting lines it is any other character
        reader = csv.reader(io.StringIO(self.text.replace("\x00", " "), newline=""), delimiter=self.separator)
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
