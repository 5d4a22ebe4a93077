"""SIE 4 reader: an accounting export (`.SE`, `.SI`) → names, vouchers' rows and period balances.

Follows "SIE filformat, version 4B" (sie.se), and what real exports do:

- One record per line; LF, CRLF and lone CR all end a line (mixed in one file too); blank lines are
  skipped. Fields are separated by spaces or tabs; any field may be quoted, `\\"` inside quotes is a
  quote and `\\\\` a backslash (any other backslash is kept as it is, as in `"C:\\Program"`).
- Object lists are one field: `{}`, `{1 "Nord" 6 "0001"}`, `{"7" "1"}`: pairs of dimension number
  and object code. An empty code (`{1 ""}`) means no object of that dimension.
- `#VER series number date [text …]` is followed by a `{` line, its `#TRANS` rows and a `}` line.
  `#RTRANS` (a row added afterwards) is followed by its `#TRANS` copy: the copy is kept and the
  `#RTRANS` skipped, so the row counts once; an `#RTRANS` without its copy counts itself (with a
  warning). `#BTRANS` (a removed row) is skipped. A `{` block after an unknown label is skipped.
- `#PSALDO` and `#PBUDGET` (the period's budget) have the same fields and are read alike.
- Unknown labels and trailing fields are ignored (7.1, 7.3).
- Amounts are exact: decimal text with `.` and at most two decimals → Int64 öre, by string and
  integer arithmetic, never float. Sign as in the file: debit positive, credit negative.

Encoding. `#FORMAT PC8` promises code page 437, but exports are sometimes UTF-8 or Latin-1, and the
header is not trusted. The bytes decide:
1. a UTF-16 byte-order mark or NUL bytes: an error (the file must be re-exported);
2. a UTF-8 BOM, or bytes that are valid UTF-8 and not all ASCII: UTF-8;
3. otherwise the Swedish letters are counted both ways: bytes that are å ä ö Å Ä Ö é ü É Ü in
   code page 437 (0x86 0x84 0x94 0x8F 0x8E 0x99 0x82 0x81 0x90 0x9A; control characters in
   Latin-1) against bytes that are those letters in ISO-8859-15 (0xE5 0xE4 0xF6 0xC5 0xC4 0xD6
   0xE9 0xFC 0xC9 0xDC; box-drawing or Greek signs such as ─ ┼ ╓ Σ σ ÷ in cp437). More Latin-1
   letters: ISO-8859-15; else cp437 (also for pure ASCII). A file with both (real exports have a
   Latin-1 `#FNR` path in an otherwise cp437 file) is read with the majority, and a warning names
   the first line written the other way.
Names (#KONTO, #DIM, #UNDERDIM, #OBJEKT, #FNAMN, #PROGRAM) with control characters (C0 but tab,
DEL, C1) or bidi controls get them replaced by U+FFFD, with a warning; in codes (account numbers,
object codes, dimension numbers) they are an error.

Reading holds the rows read and one chunk, never the file's text. The file is read twice, a block
(4 MiB) at a time: once for its encoding, once for its records, in chunks of whole lines. A chunk's
lines are classified in polars (by their label, and the common #VER, #TRANS and #PSALDO shapes
matched with vectorised regexes), and a run of lines whose vouchers open and close as they should
is taken at once; any other line (headers, #RTRANS, a quoted date, anything to report) is read by
the line loop, which also reports every error, so both paths read a file alike (tests/test_bounded.py
holds them to it). A chunk's rows become frames before the next block is read.

Errors are `DataError` (`FILE:LINE[:COLUMN]: problem; what to do`) and `InputOutputError` (not a
regular file, cannot be read): one line each. Only a regular file is opened (FIFOs, devices and
directories are refused), and nothing but its bytes is read.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import polars as pl

from kfollow.sources.files import (CP437_LETTERS, EXPORT_LIMIT, LATIN_LETTERS, LINE_LIMIT, NAME_LIMIT, OpenFile,
                                   looks_utf16, megabytes, open_file)
from kfollow.errors import DataError, control_class, grouped

# The common shapes of #TRANS, #VER and #PSALDO, matched by Python's `re` in the line loop and by
# polars (Rust's regex, the same leftmost-first groups) on whole chunks.
# A #TRANS row: account digits, object list without escapes, a valid amount, and the raw next field
# (the transaction date, `""`, or something the general path must look at).
_TRANS_TEXT = (
    r'[ \t]*#TRANS[ \t]+(?P<konto>[0-9]+)[ \t]+\{(?P<objects>[^}"]*(?:"[^"\\]*"[^}"]*)*)\}[ \t]*'
    r"(?P<amount>-?[0-9]{1,13}(?:\.[0-9][0-9]?)?)(?:[ \t]+(?P<day>[^ \t]*)|$)"
)
_PSALDO_TEXT = (  # #PSALDO and #PBUDGET: group 1 is the label
    r'[ \t]*#(?P<label>PSALDO|PBUDGET)[ \t]+(?P<rar>-?[0-9]{1,2})[ \t]+(?P<month>[0-9]{6})[ \t]+(?P<konto>[0-9]+)'
    r'[ \t]+\{(?P<objects>[^}"]*(?:"[^"\\]*"[^}"]*)*)\}'
    r"[ \t]*(?P<amount>-?[0-9]{1,13}(?:\.[0-9][0-9]?)?)(?:[ \t]|$)"
)
# a #VER whose series and number are plain or simply quoted, and whose date is 8 digits (maybe quoted)
_VER_TEXT = (
    r'[ \t]*#VER[ \t]+(?P<series>"[^"\\]*"|[^ \t"{]+)[ \t]+(?P<number>"[^"\\]*"|[^ \t"{]+)[ \t]+'
    r'(?:"(?P<quoted>[0-9]{8})"|(?P<plain>[0-9]{8}))(?:[ \t]|$)'
)
_TRANS_FAST = re.compile(_TRANS_TEXT)
# For polars: a bounded repetition (`{1,13}`) makes Rust's regex several times slower (it leaves its
# one-pass engine), so there digits match `+` and their count is checked apart (`_amount_ok`)
_TRANS_PL = "^" + _TRANS_TEXT.replace("{1,13}", "+")
_PSALDO_PL = "^" + _PSALDO_TEXT.replace("{1,13}", "+").replace("{1,2}", "+").replace("{6}", "+")
_PSALDO_FAST = re.compile(_PSALDO_TEXT)
_VER_FAST = re.compile(_VER_TEXT)
_AMOUNT = re.compile(r"-?[0-9]{1,13}(?:\.[0-9][0-9]?)?")  # at most 10^13 kr: öre sums stay in Int64
_LARGE_AMOUNT = re.compile(r"-?[0-9]{14,}(?:\.[0-9][0-9]?)?")
_DIGITS = re.compile(r"[0-9]{1,6}")  # a dimension number
# one field: quoted, an object list, unquoted text, or the opening of an unterminated quote or list
_FIELD = re.compile(
    r'[ \t]*(?:"((?:[^"\\]|\\.|"")*)"'
    r'|\{((?:[^}"]|"(?:[^"\\]|\\.|"")*")*)\}'
    r'|([^ \t"{][^ \t]*)'
    r'|(["{]))'
)
_ESCAPE = re.compile(r'\\(["\\])')
_DOUBLED = re.compile(r'\\(["\\])|"(")')  # a doubled quote too, as CSV writes one (not SIE: it writes \")
_CONTROL = re.compile(control_class(r"\n\r"))

# Swedish (and é, ü) letters: code page 437 bytes and ISO-8859-15 bytes
_ASCII = bytes(range(128))
_REPLACEMENT = "\ufffd".encode()  # U+FFFD in UTF-8

_NAMES = ("#KONTO", "#DIM", "#UNDERDIM", "#OBJEKT", "#FNAMN", "#PROGRAM")
_KNOWN = frozenset(
    ("#FLAGGA", "#FORMAT", "#SIETYP", "#GEN", "#RAR", "#VER", "#TRANS", "#RTRANS", "#BTRANS",
     "#PSALDO", "#PBUDGET", "#IB", "#UB", "#RES", "#KSUMMA", "#ORGNR", "#FNR", "#KPTYP", "#SRU",
     "#KTYP", "#ADRESS", "#TAXAR", "#VALUTA", "#OMFATTN", "#PROSA", "#FTYP", "#ENHET", "#OIB", "#OUB")
    + _NAMES
)

_BLOCK = 1 << 22  # bytes read at a time (4 MiB); a chunk of whole lines is classified at once
_RUN = 256  # lines the line loop reads when it takes over, grown while the chunk keeps needing it:
_GROW = 2  # times _GROW after a vectorised run shorter than 4 × _RUN lines (few, large frames)
_WINDOW = 8192  # lines checked at a time for where a run of vectorised lines ends (grows by 4)
# What a line is, for the vectorised path. Lines of a kind below _SLOW are taken in a run as long as
# the run's vouchers open and close as they should: a #VER (VER) at depth 0 followed by `{` (OPEN),
# #TRANS rows (TRANS) at depth 1, `}` (CLOSE) at depth 1; #PSALDO/#PBUDGET (SALDO) are rows at
# depth 0 and skipped inside a voucher, as are the labels of INSIDE (skipped there, read or an error
# outside); ANY (unknown labels, text that is no record) is skipped at any depth.
_BLANK, _OPEN, _CLOSE, _VER, _TRANS, _SALDO, _ANY, _INSIDE, _SLOW = range(9)
_LABEL = r"^[ \t]*(#[^ \t]*)"  # the label of a record (as `_split` reads its first field)
_STATE_OUTSIDE, _STATE_BRACE, _STATE_INSIDE, _STATE_SKIPPING = range(4)  # the line loop's states

# the fixed columns of SieFile.trans and of .psaldo and .pbudget; `dim_<n>` (String) columns follow
TRANS_SCHEMA = {"period": pl.String, "konto": pl.String, "belopp": pl.Int64, "rad": pl.Int32}
PSALDO_SCHEMA = {
    "rar": pl.Int8, "period": pl.String, "konto": pl.String, "belopp": pl.Int64, "rad": pl.Int32,
    "total": pl.Boolean,
}
_OBJECT = "_objekt"  # a row's object list id, while reading
WARNED = 10  # warnings of one kind said at most, the rest counted
_WARNED_AS = {"rtrans": "#RTRANS rows not followed by their #TRANS copy (each counted as a row of its own)",
              "control": "names with control characters (replaced by U+FFFD)"}
# read with `dimensions`: the dimensions of a #PSALDO or #PBUDGET row's set that are not among them, zero-padded
# (six digits) in number order and joined by ","; null when it names none (`dimension_set`)
OTHERS = "_ovriga_dim"
_TRANS_PART = {**TRANS_SCHEMA, _OBJECT: pl.UInt32}
SUMMED_SCHEMA = {**TRANS_SCHEMA, "rader": pl.Int64}  # SieFile.trans read `summed`: rad the first line, rader the rows
SUMMED_VOUCHERS = {"rad": pl.Int64, "period": pl.String, "belopp": pl.Int64}  # #VER line, its month, its rows' sum
_SUMS_MERGED = 1_000_000  # summed rows of chunks held before they are summed together (and at least as many as so far)
_SALDO_PART = {"rar": pl.Int8, "period": pl.String, "konto": pl.String, "belopp": pl.Int64, "rad": pl.Int32,
               _OBJECT: pl.UInt32}


@dataclass(frozen=True, eq=False)
class SieFile:
    """One SIE file as read. Money in `trans`, `psaldo` and `pbudget` is Int64 öre, debit positive."""

    path: str
    encoding: str  # the encoding used: "cp437", "utf-8" or "iso-8859-15" (detected, see the module)
    program: str | None  # "#PROGRAM name version" joined by a space
    generated: str | None  # #GEN as YYYY-MM-DD
    sietyp: int  # #SIETYP, 1 when missing
    company: str | None  # #FNAMN
    years: dict[int, tuple[str, str]]  # #RAR index (0 = current, -1 previous, …) → (start, end) YYYY-MM-DD
    accounts: dict[str, str]  # #KONTO number → name
    dimensions: dict[int, str]  # #DIM and #UNDERDIM number → name
    objects: dict[tuple[int, str], str]  # #OBJEKT (dimension, code) → name
    trans: pl.DataFrame  # period, konto, belopp, rad, dim_<n>…: one row per voucher row (see read_sie)
    psaldo: pl.DataFrame  # rar, period, konto, belopp, rad, total, dim_<n>…[, OTHERS]: one row per #PSALDO
    pbudget: pl.DataFrame  # the same columns (PSALDO_SCHEMA): one row per #PBUDGET, the period's budget
    lines: int  # number of lines read
    warnings: tuple[str, ...]  # "FILE:LINE: …", e.g. names with control characters replaced
    cut_off: bool = False  # its last line lacks a line end and is no '}': a sign of a file cut off when written
    # read `summed` (see read_sie): the vouchers whose #TRANS rows do not sum to 0 (SUMMED_VOUCHERS), and the
    # amounts' check over every #TRANS row in the file's order: the first row beyond MAX_ORE (line, öre) and the
    # line by which their absolute amounts add up beyond MAX_FILE_TOTAL (each None where there is none)
    vouchers: pl.DataFrame | None = None
    trans_over: tuple[int, int] | None = None
    trans_crossing: int | None = None


def read_sie(path: str | Path, dimensions: Collection[int] | None = None, *, summed: bool = False) -> SieFile:
    """Read a SIE file (types 1–4); raises `DataError` or `InputOutputError` with one line.

    `trans`: period ("YYYY-MM", from its voucher's date: the voucher books it, whatever date a row
    carries, e.g. an #RTRANS its change date), konto, belopp (Int64
    öre, debit positive), rad (Int32 line of the #TRANS), and a String column `dim_<n>` per
    dimension in any row's object list (null where a row has none). Empty without vouchers.
    `psaldo`: rar (Int8 year index), period, konto, belopp (öre: the change during the period),
    rad, total (True for the `{}` row), and `dim_<n>` columns likewise.
    `pbudget`: the same columns for #PBUDGET (belopp: the period's budget, signed as #PSALDO).
    With `dimensions` (those an import maps), only their `dim_<n>` columns: `trans` has no other, and
    `psaldo` and `pbudget` name a row's other dimensions in one column (OTHERS), which is all that
    tells its set of dimensions apart (`{1 "Nord" 6 "P1"}` from `{1 "Nord"}`). A file whose rows
    name thousands of dimensions is then as large as one that names few.

    With `summed` (what an import reads), `trans` holds the rows summed as they are read, a chunk at a
    time: one row per period, konto and object list (of `dimensions` only, a row's other objects left
    out), with `belopp` their sum, `rad` the first line and `rader` (Int64) how many rows; and
    `vouchers` the vouchers whose rows do not sum to 0 (#VER line, period, sum), `trans_over` and
    `trans_crossing` the amounts' check of every row (see SieFile). Its memory is then that of the sums,
    the #VER lines (series, number, line: for `_twice`) and one chunk, not of every row.

    Memory: the frames read and one chunk's work (see the module), never the file's text; about twice
    the frames at the end, when each column is made whole.
    """
    name = str(path)
    with open_file(path, EXPORT_LIMIT, "SIE file", display=name) as file:
        encoding, bom, warnings = _encoding(file, name)
        parser = _Parser(name, encoding, warnings, dimensions, summed)
        last = b""
        for piece in _pieces(file, bom, name):
            last = piece or last
            if encoding != "utf-8" and not piece.isascii():
                piece = piece.decode(encoding).encode("utf-8")
            try:
                lines = _lines(piece)
            except UnicodeDecodeError:  # it was valid UTF-8 when its encoding was read
                raise DataError(name, None, None, "the file changed while it was read; read it again once "
                                                  "it is written") from None
            try:
                parser.feed(lines)
            except DataError as err:  # a malformed last line without its line end: most likely the file was cut
                # (found by a script user: told what the line lacks, not why; a piece without a line end is the last)
                tail = piece.rstrip(b" \t")
                if err.line == parser.first + len(lines) - 1 and tail[-1:] not in (b"\n", b"\r", b"}"):
                    raise DataError(err.path, err.line, err.column, f"{err.problem}; it is the file's last line, "
                                    "without a line end: the file seems cut off, export it again") from None
                raise
    # (a file whose vouchers were never written reads as one without any: where its last line ends mid-record,
    # the import says the file seems cut off; a real export ends its last '}' without a line end, so that is none)
    tail = last.rstrip(b" \t")
    return replace(parser.finish(), cut_off=bool(tail) and tail[-1:] not in (b"\n", b"\r", b"}"))


def _lines(data: bytes) -> pl.Series:
    """The lines of `data` (UTF-8 whole lines; the last may lack its line end) as a String series.

    Polars' CSV reader splits them (in parallel, with little memory) when a control character absent
    from them can be its separator, and the rows it gives are the lines; it takes CRLF as a line end
    too, so only a lone CR (also a line end) needs the line ends made LF first. Else `str.split`.
    """
    lines = _csv_lines(data)
    if lines is None or lines.str.contains("\r", literal=True).any():
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = _csv_lines(data)
        if lines is None:
            text = data.decode("utf-8")
            lines = pl.Series("line", [text[:-1] if text.endswith("\n") else text]).str.split("\n").explode()
    return lines


def _csv_lines(data: bytes) -> pl.Series | None:
    """The lines of `data` read by polars' CSV reader, or None if it cannot read them as lines."""
    separator = next((chr(c) for c in range(1, 32) if c != 10 and c != 13 and bytes((c,)) not in data), None)
    if separator is None or data.startswith(b"\xef\xbb\xbf"):  # polars would drop a BOM
        return None
    try:
        lines = pl.read_csv(data, has_header=False, separator=separator, quote_char=None,
                            schema={"line": pl.String})["line"]
    except pl.exceptions.PolarsError:
        return None
    if len(lines) != data.count(b"\n") + (not data.endswith(b"\n")):
        return None
    return lines.fill_null("")  # a blank line


def _encoding(file: OpenFile, name: str) -> tuple[str, bool, list[str]]:
    """(encoding, whether a UTF-8 BOM starts the file, warnings), from one pass over its blocks: see
    "Encoding" in the module docstring."""
    head = file.read(3)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _utf16(name)
    bom, ascii_only, utf8 = head == b"\xef\xbb\xbf", True, True
    decoder = codecs.getincrementaldecoder("utf-8")()
    cp437 = latin = 0
    first_cp437 = first_latin = replacement = None  # where they first occur (offsets after a BOM)
    offset, tail = 0, b""
    for block in _blocks(file, bom):
        if b"\x00" in block:
            if offset == 0 and looks_utf16(block):
                raise _utf16(name)
            # one NUL in a text: named where it is, as in a fact table (found by a script user: "line 1, UTF-16")
            at = block.index(0)
            start = max(block.rfind(b"\n", 0, at), block.rfind(b"\r", 0, at))
            before = block[start + 1:at]
            try:  # (characters, not bytes, in a UTF-8 export: found in review)
                width = len(before.decode("utf-8"))
            except UnicodeDecodeError:  # a code page: a byte a character
                width = len(before)
            column = width + 1 if start >= 0 or offset == 0 else None
            raise DataError(name, _line_at(file, bom, offset + at), column,
                            "a NUL byte (U+0000), which no SIE text holds: the file is damaged; export it again")
        if not block.isascii():
            ascii_only = False
            high = block.translate(None, _ASCII)  # the non-ASCII bytes only: counting them is quick
            found = sum(high.count(byte) for byte in CP437_LETTERS)
            if found and first_cp437 is None:
                first_cp437 = offset + re.search(b"[" + re.escape(CP437_LETTERS) + b"]", block).start()
            cp437 += found
            found = sum(high.count(byte) for byte in LATIN_LETTERS)
            if found and first_latin is None:
                first_latin = offset + re.search(b"[" + re.escape(LATIN_LETTERS) + b"]", block).start()
            latin += found
        if utf8 and not ascii_only:
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                utf8 = False
            if utf8 and replacement is None and (at := (tail + block).find(_REPLACEMENT)) >= 0:
                replacement = offset - len(tail) + at  # it may start in the block before
        offset, tail = offset + len(block), (tail + block[-2:])[-2:]
    warnings: list[str] = []
    if ascii_only:
        return ("utf-8" if bom else "cp437"), bom, warnings
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:  # it ends inside a character
            utf8 = False
    if utf8:
        if replacement is not None:
            warnings.append(f"{name}:{_line_at(file, bom, replacement)}: text contains U+FFFD (\ufffd): letters "
                            "were lost before this file was written; export it again from the accounting program")
        return "utf-8", bom, warnings
    encoding = "iso-8859-15" if latin > cp437 else "cp437"
    if cp437 and latin:
        at = first_latin if encoding == "cp437" else first_cp437
        warnings.append(
            f"{name}:{_line_at(file, bom, at)}: letters written both in code page 437 and in Latin-1; "
            f"read as {encoding} (the most), so letters on this line may be wrong")
    return encoding, bom, warnings


def _line_at(file: OpenFile, bom: bool, offset: int) -> int:
    """The 1-based line of byte `offset` (counted after a BOM), counting CRLF, LF and lone CR as line
    ends (read again up to there: only for a warning)."""
    line, after_cr = 1, False
    for block in file.blocks(_BLOCK, limit=(3 if bom else 0) + offset):  # a BOM has no line end
        line += block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n") - (after_cr and block[:1] == b"\n")
        after_cr = block.endswith(b"\r")
    return line


def _utf16(name: str) -> DataError:
    return DataError(name, 1, None, "file is UTF-16 (or binary: it has NUL bytes); "
                                    "export it again as SIE 4 with #FORMAT PC8")


def _blocks(file: OpenFile, bom: bool) -> Iterator[bytes]:
    """The file's bytes in blocks of at most _BLOCK bytes, without its UTF-8 BOM."""
    skip = 3 if bom else 0
    for block in file.blocks(_BLOCK):
        if skip:
            block, skip = block[skip:], max(0, skip - len(block))
        if block:
            yield block




def _pieces(file: OpenFile, bom: bool, name: str = "") -> Iterator[bytes]:
    """The file's bytes (without a UTF-8 BOM) in pieces of whole lines: each ends with a line end but
    the last, and none splits a CRLF (nor a UTF-8 character: line ends are single bytes in it).
    DataError for a line longer than LINE_LIMIT that no block's line end ends (a file that is no SIE
    export; its parse would take gigabytes), at its line; `feed` checks the lines of a piece."""
    rest, lines = b"", 0
    for block in _blocks(file, bom):
        data = rest + block if rest else block
        cut = data.rfind(b"\n") + 1 or data.rfind(b"\r", 0, len(data) - 1) + 1  # a CR last may be a CRLF's
        if cut:
            piece = data[:cut]
            lines += piece.count(b"\n") or piece.count(b"\r")
            yield piece
        rest = data[cut:]
        if len(rest) > LINE_LIMIT:
            raise _too_long(name, lines + 1)
    if rest:
        yield rest


def _too_long(name: str, line: int) -> DataError:
    return DataError(name, line, None, f"the line is longer than {megabytes(LINE_LIMIT)}; an SIE record is one "
                                       "short line: check that the file is an SIE export")


def _ore(column: str) -> pl.Expr:
    """Decimal text as checked by `_AMOUNT` ("-12", "3.5", "0.05") → Int64 öre, exactly: read as a
    Decimal(38, 2), whose integer representation is the öre (digits parsed as an integer, no float)."""
    return pl.col(column).cast(pl.Decimal(38, 2)).to_physical().cast(pl.Int64)


def _amount_ok(amount: pl.Expr) -> pl.Expr:
    """Whether an amount matched by `_TRANS_PL` or `_PSALDO_PL` has at most 13 digits before its point
    (as `_AMOUNT` asks)."""
    return ~amount.str.contains("^-?[0-9]{14}")


_VER_PART = {"series": pl.String, "number": pl.String, "rad": pl.Int32}


@dataclass(frozen=True)
class _Plan:
    """A chunk classified (`_Parser._plan`): each line's kind, and the fields of its common lines."""

    kinds: pl.DataFrame  # per line: kind, depth (from the chunk's start), after_ver, always, need0, need1
    trans: pl.DataFrame  # the #TRANS lines of kind TRANS: i, konto, amount, _objekt, date (their #VER's)
    saldo: pl.DataFrame  # the #PSALDO/#PBUDGET lines of kind SALDO: i, label, rar, month, konto, amount, _objekt
    vers: pl.DataFrame  # the #VER lines of kind VER: i, date, series, number
    known: int | None  # the first line with a SIE label
    end_depth: int  # the depth after the last line
    ends_after_ver: bool  # whether the last non-blank line is a #VER of kind VER


class _Parser:
    """Chunks of lines in, frames out: runs of common lines in polars, the rest by the line loop.

    Rows of the line loop go to per-column lists, which become a frame (a part) before a run of the
    vectorised path adds its own, so parts stay in the file's order; frames are joined at the end.
    """

    def __init__(self, name: str, encoding: str, warnings: list[str], kept: Collection[int] | None = None,
                 summed: bool = False):
        self.name, self.encoding, self.warnings = name, encoding, warnings
        # summed (read_sie): each chunk's #TRANS rows summed as read (`_sum`), into `sums` (merged when they grow)
        self.summed = summed
        self.sums: list[pl.DataFrame] = []
        self.sums_pending = self.sums_merged = 0  # rows of the chunks' sums since the last merge, and of that merge
        self.projection: dict[int, int] = {}  # object list id → the id of its objects of the kept dimensions
        self.v_seen = 0  # the #VER parts whose lines are taken as vouchers' heads
        self.last_head: int | None = None  # the line of the last #VER of the chunks summed
        self.voucher_sums: list[pl.DataFrame] = []  # SUMMED_VOUCHERS of the chunks: vouchers not 0, and each last one
        self.over: tuple[int, int] | None = None  # the first #TRANS row beyond MAX_ORE: (line, öre)
        self.crossing: int | None = None  # the line by which the #TRANS rows' absolute amounts pass MAX_FILE_TOTAL
        self.magnitude = 0  # the absolute amounts (öre) of the #TRANS rows so far
        self.kept = None if kept is None else frozenset(kept)  # the dimensions read as columns (None: all)
        self.program: str | None = None
        self.generated: str | None = None
        self.sietyp = 1
        self.company: str | None = None
        self.years: dict[int, tuple[str, str]] = {}
        self.year_lines: dict[int, int] = {}  # #RAR index → its line
        self.accounts: dict[str, str] = {}
        self.dimensions: dict[int, str] = {}
        self.objects: dict[tuple[int, str], str] = {}
        self.known = False  # a SIE label was seen
        # object lists: raw text between the braces → id; id → {dimension: code}
        self.object_ids: dict[str, int] = {}
        self.object_lists: list[dict[int, str]] = []
        self.object_written: list[bool] = []  # whether a list names any dimension (`{1 ""}` does, `{}` not)
        self.object_empty: list[set[int]] = []  # the dimensions a list names with no object (`{1 ""}`: 1)
        self.object_keys: dict[tuple, int] = {}  # one id per list as read, however it was written
        self.periods: dict[str, str] = {}  # YYYYMMDD or YYYYMM → YYYY-MM, for the valid ones seen
        self.t = ([], [], [], [], [])  # period, konto, amount text, line, object id
        self.p = ([], [], [], [], [], [])  # #PSALDO: rar, period, konto, amount text, line, object id
        self.b = ([], [], [], [], [], [])  # #PBUDGET: the same
        self.v = ([], [], [])  # #VER: series, number, line (a voucher written twice is an error)
        self.parts: dict[str, list[pl.DataFrame]] = {"t": [], "p": [], "b": [], "v": []}  # frames so far, in order
        # the line loop's state between chunks and runs
        self.state = _STATE_OUTSIDE
        self.ver_line = 0  # the line of the open voucher's #VER (or of a skipped block's '{')
        self.ver_date = ""
        self.pending = None  # an #RTRANS waiting for its #TRANS copy: (period, konto, amount, line, object id)
        self.lines = 0  # lines fed so far
        self.head = ""  # the first non-blank line, up to 200 characters: a CSV export's header, where it is one
        self.chunk = pl.Series(dtype=pl.String)  # the lines of the chunk being read
        self.first = 1  # the line number of its first line
        self.last_label = ""  # the first field of the last non-blank line of the chunks before
        self.cut_names = 0  # names cut to NAME_LIMIT (the first is named in a warning, the rest counted)
        self.warned: dict[str, int] = {}  # warnings of a kind (`_warn`) so far
        self.doubled = 0  # quoted fields with a doubled quote read as one (the first is named, the rest counted)

    # -- chunks -------------------------------------------------------------------------------

    def feed(self, lines: pl.Series) -> None:
        """The next lines of the file (String); DataError for one longer than LINE_LIMIT."""
        if len(lines) and lines.str.len_bytes().max() > LINE_LIMIT:
            raise _too_long(self.name, self.lines + 1 + lines.str.len_bytes().arg_max())
        self.chunk, self.first = lines, self.lines + 1
        n = len(lines)
        if not self.head:
            self.head = next((line[:200] for line in lines.head(50).to_list() if line and line.strip(" \t")), "")
        plan = None
        position, run = 0, _RUN
        while position < n:
            if self.state in (_STATE_OUTSIDE, _STATE_INSIDE) and self.pending is None:
                if plan is None:
                    plan = self._plan(lines)
                end = self._vectorised(plan, position)
                run = _RUN if end - position >= 4 * _RUN else min(_GROW * run, n)
                position = end
                if position >= n:
                    break
            count = min(run, n - position)
            self._loop(lines.slice(position, count).to_list(), self.first + position)
            position += count
        self._flush()
        if self.summed:
            self._sum()
        self.lines += n
        for index in range(n - 1, -1, -1):
            if (line := lines[index]).strip(" \t"):
                self.last_label = line.split(None, 1)[0]
                break

    def _plan(self, lines: pl.Series) -> _Plan:
        """Each line's kind and, for the common #VER, #TRANS and #PSALDO lines, their fields."""
        col = pl.col
        # most lines are #TRANS rows: their fields first, then the label of the other lines
        frame = pl.DataFrame({"line": lines}).with_row_index("i").with_columns(
            col("line").str.extract_groups(_TRANS_PL).alias("g")).unnest("g")
        trans = frame.filter(col("konto").is_not_null()).drop("line")
        frame = frame.filter(col("konto").is_null()).select(
            "i", "line", label=col("line").str.extract(_LABEL, 1), bare=col("line").str.strip_chars(" \t"))
        # the common lines, whose fields are valid (dates, object lists, the digits' count), else the
        # line loop reads them
        trans = trans.with_columns(self._object_column(trans["objects"]).alias(_OBJECT))
        day = col("day")
        trans = trans.with_columns(
            ok=_amount_ok(col("amount")) & col(_OBJECT).is_not_null()
            & (day.is_null() | day.is_in(["", '""', *self._valid(trans["day"], "date")])))
        vers = (frame.filter(col("label") == "#VER")
                .select("i", col("line").str.extract_groups("^" + _VER_TEXT).alias("g")).unnest("g")
                .select("i", date=pl.coalesce("quoted", "plain"), series=col("series").str.strip_chars('"'),
                        number=col("number").str.strip_chars('"')))
        vers = vers.with_columns(ok=col("date").is_in(self._valid(vers["date"], "date")))
        saldo = (frame.filter(col("label").is_in(["#PSALDO", "#PBUDGET"]))
                 .select("i", col("line").str.extract_groups(_PSALDO_PL).alias("g")).unnest("g"))
        saldo = saldo.with_columns(self._object_column(saldo["objects"]).alias(_OBJECT))
        saldo = saldo.with_columns(
            ok=col("month").is_in(self._valid(saldo["month"], "period")) & _amount_ok(col("amount"))
            & ~col("rar").str.contains("[0-9]{3}") & col(_OBJECT).is_not_null())
        label, bare = col("label"), col("bare")
        kind = (
            pl.when(label.is_null()).then(
                pl.when(bare == "").then(_BLANK).when(bare == "{").then(_OPEN).when(bare == "}").then(_CLOSE)
                .otherwise(_ANY))
            .when(label.is_in(["#TRANS", "#RTRANS", "#VER"])).then(_SLOW)
            .when(label.is_in(["#PSALDO", "#PBUDGET", "#BTRANS", *_HEADERS])).then(_INSIDE)
            # a known label in other letters (`#trans`): the line loop refuses it, not skip it as unknown
            .when(~label.is_in(list(_KNOWN)) & label.str.to_uppercase().is_in(list(_KNOWN))).then(_SLOW)
            .otherwise(_ANY)
        ).cast(pl.UInt8).alias("kind")
        kinds = pl.Series("kind", [_SLOW], pl.UInt8).extend_constant(_SLOW, len(lines) - 1)  # #TRANS not ok
        known = [i for i in (frame.filter(label.is_in(list(_KNOWN)))["i"].min(), trans["i"].min()) if i is not None]
        for rows, value in ((frame, frame.select(kind)["kind"]), (trans.filter("ok"), _TRANS),
                            (vers.filter("ok"), _VER), (saldo.filter("ok"), _SALDO)):
            if rows.height:
                kinds = kinds.scatter(rows["i"], value)
        # the depth a line is at (from the chunk's start), whether the line before it (blanks aside)
        # is a #VER, after which only '{' may follow, and what makes a line end a vectorised run
        kind = col("kind")
        blank = kind == _BLANK
        delta = (kind == _OPEN).cast(pl.Int32) - (kind == _CLOSE).cast(pl.Int32)
        after_ver = (pl.when(~blank).then(kind).shift(1).forward_fill() == _VER).fill_null(False)
        kinds = kinds.to_frame().with_columns(depth=delta.cum_sum() - delta, after_ver=after_ver).with_columns(
            always=(col("after_ver") & ~blank & (kind != _OPEN)) | ((kind == _OPEN) & ~col("after_ver"))
            | (kind == _SLOW),
            need0=kind.is_in([_OPEN, _VER]),
            need1=kind.is_in([_CLOSE, _TRANS, _INSIDE]),
        )
        # a #TRANS row's voucher is the last #VER before it: its date, "" for one the line loop
        # reads (the loop's state has its date then), null before the chunk's first
        ver_dates = vers.select(pl.when("ok").then("date").otherwise(pl.lit("")))["date"]
        before = vers["i"].search_sorted(trans["i"]).cast(pl.Int64) - 1
        trans = trans.with_columns(date=pl.when(before >= 0).then(
            ver_dates.gather(before.clip(0)) if vers.height else pl.lit(None, pl.String)))
        end = kinds.tail(1)
        nonblank = kinds.filter(kind != _BLANK)["kind"]
        return _Plan(
            kinds=kinds,
            trans=trans.filter("ok").select("i", "konto", "amount", _OBJECT, "date"),
            saldo=saldo.filter("ok").select("i", "label", "rar", "month", "konto", "amount", _OBJECT),
            vers=vers.filter("ok").select("i", "date", "series", "number"),
            known=min(known, default=None),
            end_depth=int(end["depth"][0]) + (end["kind"][0] == _OPEN) - (end["kind"][0] == _CLOSE),
            ends_after_ver=bool(len(nonblank)) and nonblank[-1] == _VER,
        )

    def _valid(self, texts: pl.Series, kind: str) -> list[str]:
        """Those of the distinct `texts` that are valid dates (kind "date") or periods ("period")."""
        valid = []
        for text in texts.drop_nulls().unique().to_list():
            if text in self.periods:
                valid.append(text)
                continue
            try:
                self._period(text, 0, kind)
            except DataError:
                continue
            valid.append(text)
        return valid

    def _object_column(self, texts: pl.Series) -> pl.Series:
        """The id of each object list (its text between the braces); null for a malformed one."""
        distinct = texts.drop_nulls().unique()
        ids = []
        for text in distinct.to_list():
            found = self.object_ids.get(text)
            if found is None and '""' not in text:  # a doubled quote is said with its line: the line loop reads it
                try:
                    found = self._object_id(text, 0, None)
                except DataError:
                    pass
            ids.append(found)
        return texts.replace_strict(distinct, pl.Series(ids, dtype=pl.UInt32), default=None, return_dtype=pl.UInt32)

    def _vectorised(self, plan: _Plan, start: int) -> int:
        """Take the lines from `start` of the chunk, as far as the vectorised path may; returns where
        it stopped (the line the line loop must read, or the chunk's end)."""
        kinds = plan.kinds
        n = kinds.height
        base = int(kinds["depth"][start]) - (1 if self.state == _STATE_INSIDE else 0)
        col = pl.col
        bad = (col("always") | (col("need0") & (col("depth") != base))
               | (col("need1") & (col("depth") != base + 1)))
        end, window = start, _WINDOW
        while end < n:
            found = kinds.slice(end, window).select(bad.arg_true().first()).item()
            if found is not None:
                end += found
                break
            end += window
            window *= 4
        end = min(end, n)
        if end == start:
            return end
        self._flush()
        first = self.first
        trans, saldo, vers = plan.trans, plan.saldo, plan.vers

        def part(rows: pl.DataFrame) -> pl.DataFrame:
            low, high = rows["i"].search_sorted(start), rows["i"].search_sorted(end)
            return rows.slice(low, high - low)

        periods = pl.Series(list(self.periods), dtype=pl.String), pl.Series(self.periods.values(), dtype=pl.String)
        rows = part(trans)
        if rows.height:
            date = pl.when(col("date").is_null() | (col("date") == "")).then(pl.lit(self.ver_date)).otherwise("date")
            self.parts["t"].append(rows.select(
                period=date.replace_strict(*periods), konto="konto", belopp="amount",
                rad=(col("i") + first).cast(pl.Int32), _objekt=_OBJECT).with_columns(_ore("belopp")))
        rows = part(saldo)
        if rows.height:
            rows = rows.filter(kinds["depth"].gather(rows["i"]) == base)  # inside a voucher they are skipped
            for label, key in (("PSALDO", "p"), ("PBUDGET", "b")):
                these = rows.filter(col("label") == label)
                if these.height:
                    self.parts[key].append(these.select(
                        rar=col("rar").cast(pl.Int8), period=col("month").replace_strict(*periods), konto="konto",
                        belopp="amount",
                        rad=(col("i") + first).cast(pl.Int32), _objekt=_OBJECT).with_columns(_ore("belopp")))
        rows = part(vers)
        if rows.height:
            self.ver_date, self.ver_line = rows["date"][-1], first + rows["i"][-1]
            self.parts["v"].append(rows.select("series", "number", rad=(col("i") + first).cast(pl.Int32)))
        if plan.known is not None and plan.known < end:
            self.known = True
        if end < n:
            depth, after_ver = int(kinds["depth"][end]) - base, bool(kinds["after_ver"][end])
        else:
            depth, after_ver = plan.end_depth - base, plan.ends_after_ver
        self.state = _STATE_BRACE if after_ver else _STATE_INSIDE if depth == 1 else _STATE_OUTSIDE
        return end

    def _flush(self) -> None:
        """The line loop's rows so far, as a part of each frame."""
        if self.t[0]:
            period, konto, amount, line, object_id = self.t
            self.parts["t"].append(pl.DataFrame(
                {"period": period, "konto": konto, "belopp": amount, "rad": line, _OBJECT: object_id},
                schema={**_TRANS_PART, "belopp": pl.String}).with_columns(_ore("belopp")))
            for column in self.t:
                column.clear()
        if self.v[0]:
            self.parts["v"].append(pl.DataFrame({"series": self.v[0], "number": self.v[1], "rad": self.v[2]},
                                                schema=_VER_PART))
            for column in self.v:
                column.clear()
        for rows, key in ((self.p, "p"), (self.b, "b")):
            if rows[0]:
                rar, period, konto, amount, line, object_id = rows
                self.parts[key].append(pl.DataFrame(
                    {"rar": rar, "period": period, "konto": konto, "belopp": amount, "rad": line, _OBJECT: object_id},
                    schema={**_SALDO_PART, "belopp": pl.String}).with_columns(_ore("belopp")))
                for column in rows:
                    column.clear()

    # -- summed (read_sie's `summed`) ----------------------------------------------------------

    def _sum(self) -> None:
        """The chunk's #TRANS rows (`parts["t"]`, in the file's order) summed: their amounts checked as
        `ledger.check_amounts` checks them (the first beyond MAX_ORE; the running total of their absolute
        amounts), the sums of their vouchers kept where not 0 (a voucher that goes on in the next chunk
        kept too), and the rows summed per period, konto and objects of the kept dimensions into `sums`.
        After an amount beyond a cap nothing more is summed: the import stops there."""
        from kfollow.store import MAX_FILE_TOTAL, MAX_ORE

        parts, self.parts["t"] = self.parts["t"], []
        heads = [part["rad"].cast(pl.Int64) for part in self.parts["v"][self.v_seen:]]
        self.v_seen = len(self.parts["v"])
        if self.last_head is not None:
            heads.insert(0, pl.Series([self.last_head], dtype=pl.Int64))
        heads = pl.concat(heads) if heads else pl.Series(dtype=pl.Int64)
        if not parts or self.over is not None:
            self.last_head = int(heads[-1]) if len(heads) else None
            return
        rows = pl.concat(parts) if len(parts) > 1 else parts[0]
        del parts
        magnitude = rows["belopp"].abs()
        if magnitude.max() > MAX_ORE:
            at = (magnitude > MAX_ORE).arg_max()
            self.over = (int(rows["rad"][at]), int(rows["belopp"][at]))
            return
        if self.crossing is not None:
            return
        total = int((magnitude // 2**32).sum()) * 2**32 + int((magnitude % 2**32).sum())
        if self.magnitude + total > MAX_FILE_TOTAL:
            # (each amount within MAX_ORE: the running total crosses the cap long before it could wrap)
            self.crossing = int(rows["rad"][((magnitude.cum_sum() + self.magnitude) > MAX_FILE_TOTAL).arg_max()])
            return
        self.magnitude += total
        del magnitude
        # the vouchers: each row's is the last #VER before it (as `ledger.unbalanced` finds them in the file)
        if len(heads):
            self.last_head = int(heads[-1])
            vouchers = (rows.select(pl.col("rad").cast(pl.Int64), "period", "belopp").sort("rad")
                        .join_asof(pl.DataFrame({"_head": heads}).with_columns(head=pl.col("_head")),
                                   left_on="rad", right_on="_head", strategy="backward")
                        .group_by("head").agg(pl.col("belopp").sum(), pl.col("period").first())
                        .filter((pl.col("belopp") != 0) | (pl.col("head") == self.last_head)))
            self.voucher_sums.append(vouchers.select(rad="head", period="period", belopp="belopp"))
        # the objects of the kept dimensions only: rows of one stab and verksamhet with different employees are one
        for index in range(len(self.projection), len(self.object_lists)):
            self.projection[index] = self._projected(index)
        projected = pl.Series(list(self.projection.values()), dtype=pl.UInt32)
        summed = (rows.with_columns(projected.gather(rows[_OBJECT]).alias(_OBJECT))
                  .group_by("period", "konto", _OBJECT)
                  .agg(pl.col("belopp").sum(), pl.col("rad").min(), pl.len().cast(pl.Int64).alias("rader")))
        self.sums.append(summed)
        self.sums_pending += summed.height
        if self.sums_pending > max(self.sums_merged, _SUMS_MERGED):
            self._merge()

    def _merge(self) -> None:
        """The sums so far summed together, into one frame."""
        merged = (pl.concat(self.sums).group_by("period", "konto", _OBJECT)
                  .agg(pl.col("belopp").sum(), pl.col("rad").min(), pl.col("rader").sum()))
        self.sums, self.sums_merged, self.sums_pending = [merged], merged.height, 0

    def _projected(self, index: int) -> int:
        """The id of object list `index`'s objects of the kept dimensions (those of all with no `kept`), as
        such a list would read (`_object_id`); a dimension written with no object is none of a voucher row's."""
        objects = self.object_lists[index]
        kept = dict(objects) if self.kept is None else {d: c for d, c in objects.items() if d in self.kept}
        key = (bool(kept), tuple(sorted(kept.items())), ())
        if key not in self.object_keys:
            self.object_keys[key] = len(self.object_lists)
            self.object_lists.append(kept)
            self.object_written.append(bool(kept))
            self.object_empty.append(set())
        return self.object_keys[key]

    def _summed_frames(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """`SieFile.trans` and `.vouchers` read `summed`."""
        if self.parts["t"]:
            self._sum()
        if self.sums:
            self._merge()
            self.parts["t"], self.sums = [self.sums[0].sort("rad")], []
        trans = self._frame("t", SUMMED_SCHEMA)
        vouchers = (pl.concat(self.voucher_sums).group_by("rad").agg(pl.col("period").first(), pl.col("belopp").sum())
                    .filter(pl.col("belopp") != 0).sort("rad").select(*SUMMED_VOUCHERS)
                    if self.voucher_sums else pl.DataFrame(schema=SUMMED_VOUCHERS))
        self.voucher_sums = []
        return trans, vouchers

    # -- the line loop ------------------------------------------------------------------------

    def _loop(self, lines: list[str], first: int) -> None:
        """Read `lines` (numbered from `first`) one by one, from the state the lines before left."""
        name = self.name
        trans_fast, psaldo_fast, ver_fast = _TRANS_FAST.match, _PSALDO_FAST.match, _VER_FAST.match
        t_period, t_konto, t_amount, t_line, t_object = self.t
        object_ids, periods = self.object_ids, self.periods
        outside, expect_brace, inside, skipping = _STATE_OUTSIDE, _STATE_BRACE, _STATE_INSIDE, _STATE_SKIPPING
        state, ver_line, ver_date, pending = self.state, self.ver_line, self.ver_date, self.pending
        for number, line in enumerate(lines, first):
            if state == inside:
                m = trans_fast(line)
                if m is not None:
                    konto, objects, amount, day = m.groups()
                    if day is None or day == '""' or day == "":
                        day = ver_date
                    elif not (len(day) == 8 and day.isdigit() and day.isascii()):
                        m = None  # a quoted or malformed date: the general path reports or reads it
                    if m is not None:
                        if day not in periods:  # a row's own date must be a date, but its voucher's date books it
                            self._period(day, number, "date", m.start(4) + 1 if day != ver_date else None)
                        period = periods[ver_date]
                        object_id = object_ids.get(objects)
                        if object_id is None:
                            object_id = self._object_id(objects, number, m.start(2))  # the column of its '{'
                        if pending is not None:
                            self._settle(pending, (konto, amount, object_id))
                            pending = None
                        t_period.append(period)
                        t_konto.append(konto)
                        t_amount.append(amount)
                        t_line.append(number)
                        t_object.append(object_id)
                        continue
            elif state == outside:
                m = ver_fast(line)
                if m is not None:
                    ver_date = m.group(m.lastindex)
                    if ver_date not in periods:
                        self._period(ver_date, number, "date", m.start(m.lastindex) + 1)
                    ver_line = number
                    self.v[0].append(m.group("series").strip('"'))
                    self.v[1].append(m.group("number").strip('"'))
                    self.v[2].append(number)
                    state = expect_brace
                    self.known = True
                    continue
                m = psaldo_fast(line)
                if m is not None:
                    self.known = True
                    label, rar, month, konto, objects, amount = m.groups()
                    period = periods.get(month)
                    if period is None:
                        period = self._period(month, number, "period", m.start(3) + 1)
                    object_id = object_ids.get(objects)
                    if object_id is None:
                        object_id = self._object_id(objects, number, m.start(5))
                    for column, value in zip(self.p if label == "PSALDO" else self.b,
                                             (int(rar), period, konto, amount, number, object_id)):
                        column.append(value)
                    continue
            stripped = line.strip(" \t")
            if not stripped:
                continue
            if state == skipping:
                if stripped == "}":
                    state = outside
                continue
            if stripped == "{":
                if state == expect_brace:
                    state = inside
                elif state == inside:
                    raise DataError(name, number, None, f"'{{' inside the voucher that starts at line {ver_line}; "
                                                        "a voucher has one '{' line, its rows and a '}' line")
                elif (previous := self._previous_label(number)) in _KNOWN:
                    raise DataError(name, number, None, f"'{{' after {previous}, which has no block; "
                                                        "only #VER is followed by '{' … '}'")
                else:
                    state = skipping  # the block of an unknown label: skipped with it (7.1)
                    ver_line = number
                continue
            if state == expect_brace:
                raise DataError(name, number, None, f"the #VER at line {ver_line} is not followed by '{{'; "
                                                    "write its rows between a '{' line and a '}' line")
            if stripped == "}":
                if state != inside:
                    raise DataError(name, number, None, "'}' without an open voucher; remove it, or add the "
                                                        "#VER and '{' lines it closes")
                if pending is not None:
                    self._settle(pending, None)
                    pending = None
                state = outside
                continue
            fields, open_at = _split(line)
            if not fields:
                continue  # only an unterminated quote or list: nothing we read
            if '""' in line:
                self._doubled(fields, number)
            label = fields[0][1] if fields[0][0] == "u" else ""
            if not label.startswith("#"):
                continue  # not a record: ignored like an unknown label
            if label in _KNOWN:
                self.known = True
            elif label.upper() in _KNOWN:  # skipped as unknown, a `#trans` row would be lost without a word
                raise DataError(name, number, None, f"label {label} is not in capitals; SIE labels are written in "
                                                    f"capitals ({label.upper()}): correct the export")
            if state == inside:
                if label == "#TRANS" or label == "#RTRANS":
                    row = self._trans(fields, open_at, number, ver_date)
                    if pending is not None:
                        self._settle(pending, (row[1], row[2], row[4]) if label == "#TRANS" else None)
                        pending = None
                    if label == "#RTRANS":
                        pending = row
                        continue
                    t_period.append(row[0])
                    t_konto.append(row[1])
                    t_amount.append(row[2])
                    t_line.append(number)
                    t_object.append(row[4])
                elif label == "#VER":
                    raise DataError(name, number, None, f"#VER inside the voucher that starts at line {ver_line}; "
                                                        "that voucher lacks its closing '}' line")
                # #BTRANS (a removed row) and unknown labels are skipped
                continue
            if label == "#VER":
                ver_date = self._text(fields, open_at, 3, number, "#VER", "date")
                if ver_date not in periods:
                    self._period(ver_date, number, "date", fields[3][2])
                ver_line = number
                self.v[0].append(fields[1][1] if len(fields) > 1 else "")
                self.v[1].append(fields[2][1] if len(fields) > 2 else "")
                self.v[2].append(number)
                state = expect_brace
            elif label in ("#TRANS", "#RTRANS", "#BTRANS"):
                raise DataError(name, number, None, f"{label} outside a voucher; write voucher rows between "
                                                    "the '{' and '}' lines after a #VER")
            elif label == "#PSALDO" or label == "#PBUDGET":
                self._psaldo(fields, open_at, number)
            else:
                handler = _HEADERS.get(label)
                if handler is not None:
                    handler(self, fields, open_at, number)
        self.state, self.ver_line, self.ver_date, self.pending = state, ver_line, ver_date, pending

    def _previous_label(self, number: int) -> str:
        """The first field of the last non-blank line before line `number` (1-based)."""
        for index in range(number - self.first - 1, -1, -1):
            if (line := self.chunk[index]).strip(" \t"):
                return line.split(None, 1)[0]
        return self.last_label

    def finish(self) -> SieFile:
        """The file read, once every line is fed; the errors of its end (a voucher left open, no SIE)."""
        if self.state != _STATE_OUTSIDE:
            what = "voucher" if self.state != _STATE_SKIPPING else "block"
            raise DataError(self.name, self.ver_line, None, f"the file ends (line {self.lines}) inside the {what} "
                                                            "that starts here, without its '}' line; the file is "
                                                            "truncated, export it again")
        if not self.known:
            header = re.sub(r'"[^"]*"', "", self.head)
            if not self.head.startswith("#") and (";" in header or "," in header):  # import sie of a CSV export
                # (said 'Export it again as SIE 4' of a huvudbok: found trying kfollow as a new user, h152)
                separator = ";" if header.count(";") >= header.count(",") else ","
                raise DataError(self.name, 1, None, "no SIE records (#FLAGGA, #SIETYP, #KONTO, #VER, …): its first "
                                f"line has columns separated by {separator}, as a CSV export has; import that with "
                                "kfollow import csv, by a mapping whose stab and verksamhet name a kolumn")
            raise DataError(self.name, 1, None, "no SIE records (#FLAGGA, #SIETYP, #KONTO, #VER, …); "
                                                "is this a SIE file? Export it again as SIE 4")
        self._flush()
        self._twice()
        for kind, count in self.warned.items():  # the first WARNED of a kind are said, the rest counted
            if count > WARNED:
                more = f"{count - WARNED:,}".replace(",", " ")  # (the number alone: a path may hold commas)
                self.warnings.append(f"{self.name}: and {more} more {_WARNED_AS[kind]}")
        if self.doubled > 1:
            more = f"{self.doubled - 1:,}".replace(",", " ")
            self.warnings.append(f"{self.name}: and {more} more {'field' if self.doubled == 2 else 'fields'} with a quote written twice read as one")
        if self.cut_names > 1:  # one line, not thousands
            self.warnings.append(f"{self.name}: and {grouped(self.cut_names - 1)} more names longer than {NAME_LIMIT} "
                                 "characters cut")
        trans, vouchers = self._summed_frames() if self.summed else (self._trans_frame(), None)
        return SieFile(
            path=self.name, encoding=self.encoding, program=self.program, generated=self.generated,
            sietyp=self.sietyp, company=self.company, years=self.years, accounts=self.accounts,
            dimensions=self.dimensions, objects=self.objects, trans=trans,
            psaldo=self._period_frame("p"), pbudget=self._period_frame("b"), lines=self.lines,
            warnings=tuple(self.warnings), vouchers=vouchers, trans_over=self.over, trans_crossing=self.crossing,
        )

    def _twice(self) -> None:
        """A warning for vouchers (series and number) and #PSALDO/#PBUDGET rows (year, period,
        account, objects) written a second time: their amounts count twice. Some programs do so (a
        voucher series without numbers, one object list written twice), and so does an export
        repeated by mistake: said, not refused (two exports joined in one file repeat #RAR too, an
        error of its own)."""
        parts, self.parts["v"] = self.parts["v"], []
        vers = pl.concat(parts) if parts else pl.DataFrame(schema=_VER_PART)
        found = [("voucher", vers.filter(pl.col("number") != ""), ["series", "number"])]
        for key, label in (("p", "#PSALDO"), ("b", "#PBUDGET")):
            if self.parts[key]:
                found.append((label, pl.concat([part.select("rar", "period", "konto", _OBJECT, "rad")
                                                for part in self.parts[key]]), ["rar", "period", "konto", _OBJECT]))
        for what, rows, keys in found:
            twice = (rows.with_columns(first=pl.col("rad").min().over(keys)).filter(pl.col("rad") != pl.col("first"))
                     .sort("rad"))
            if not twice.height:
                continue
            r = twice.row(0, named=True)
            named = (f"voucher {r['series']} {r['number']}".replace("  ", " ") if what == "voucher" else
                     f"{what} {r['rar']} {r['period'].replace('-', '')} {r['konto']} (same objects)")
            more = f" (and {grouped(twice.height - 1)} more {'vouchers' if what == 'voucher' else what + ' rows'})" \
                if twice.height > 1 else ""
            self.warnings.append(f"{self.name}:{r['rad']}: {named} is written a second time (first at line "
                                 f"{r['first']}){more}; kfollow counts both: if that is a mistake, export "
                                 "the year again")


    # -- voucher rows -------------------------------------------------------------------------

    def _trans(self, fields, open_at, number, ver_date) -> tuple[str, str, str, int, int]:
        """A #TRANS or #RTRANS read by the general path: (period, konto, amount text, line, object id)."""
        label = fields[0][1]
        konto = self._code(fields, open_at, 1, number, label, "account number")
        object_id = self._objects_field(fields, open_at, 2, number, label)
        amount = self._amount(fields, open_at, 3, number, label)
        if len(fields) > 4 and self._text(fields, open_at, 4, number, label, "date") != "":
            day, column = fields[4][1], fields[4][2]
            self.periods.get(day) or self._period(day, number, "date", column)  # checked, not used: see read_sie
        period = self.periods.get(ver_date) or self._period(ver_date, number, "date")
        return period, konto, amount, number, object_id

    def _settle(self, rtrans, following) -> None:
        """Settle an #RTRANS row by the record after it: its #TRANS copy (same account, amount and
        objects; `following` is (konto, amount text, object id)) counts for it; if there is none
        (`following` None or different), the #RTRANS row counts itself."""
        _, konto, amount, number, object_id = rtrans
        if following is not None:
            f_konto, f_amount, f_object = following
            if (f_konto == konto and _ore_of(f_amount) == _ore_of(amount)
                    and self.object_lists[f_object] == self.object_lists[object_id]):
                return
        self._warn("rtrans", f"{self.name}:{number}: #RTRANS is not followed by its #TRANS copy; "
                             "counted as a row of its own")
        for column, value in zip(self.t, rtrans):
            column.append(value)

    # -- period balances ----------------------------------------------------------------------

    def _psaldo(self, fields, open_at, number) -> None:
        """#PSALDO or #PBUDGET year-index period account {objects} amount; an old file may lack the object list."""
        label = fields[0][1]
        rar_text = self._text(fields, open_at, 1, number, label, "year index")
        if not re.fullmatch(r"-?[0-9]{1,3}", rar_text) or not -128 <= int(rar_text) <= 127:
            raise DataError(self.name, number, fields[1][2], f"malformed year index {rar_text!r}; write 0 for "
                                                             "the current year, -1 for the previous, …")
        month = self._text(fields, open_at, 2, number, label, "period")
        period = self.periods.get(month) or self._period(month, number, "period", fields[2][2])
        konto = self._code(fields, open_at, 3, number, label, "account number")
        if len(fields) > 4 and fields[4][0] == "b":
            object_id = self._objects_field(fields, open_at, 4, number, label)
            amount = self._amount(fields, open_at, 5, number, label)
        else:
            object_id = self._object_id("", number, None)
            amount = self._amount(fields, open_at, 4, number, label)
        for column, value in zip(self.p if label == "#PSALDO" else self.b,
                                 (int(rar_text), period, konto, amount, number, object_id)):
            column.append(value)

    # -- fields -------------------------------------------------------------------------------

    def _field(self, fields, open_at, index, number, label, what):
        """Field `index` as (kind, text, column); `what` names it in errors ("amount")."""
        if open_at is not None and index >= open_at:
            kind, closer = ("quoted field", '"') if fields[open_at][1] == '"' else ("object list", "}")
            raise DataError(self.name, number, fields[open_at][2],
                            f"the {kind} that starts here is not closed; add the closing '{closer}' on this line")
        if index >= len(fields):
            raise DataError(self.name, number, None, f"{label} lacks the {what} (field {index + 1}); "
                                                     f"see SIE 4B for the fields of {label}")
        return fields[index]

    def _text(self, fields, open_at, index, number, label, what) -> str:
        kind, value, column = self._field(fields, open_at, index, number, label, what)
        if kind == "b":
            raise DataError(self.name, number, column, f"{label} has an object list where the {what} belongs; "
                                                       f"see SIE 4B for the fields of {label}")
        return value

    def _code(self, fields, open_at, index, number, label, what) -> str:
        value = self._text(fields, open_at, index, number, label, what)
        if value == "" or _CONTROL.search(value):
            problem = "is empty" if value == "" else "contains control characters"
            raise DataError(self.name, number, fields[index][2], f"{what} {value!r} {problem}; "
                                                                 "correct it in the accounting program")
        return value

    def _amount(self, fields, open_at, index, number, label) -> str:
        value = self._text(fields, open_at, index, number, label, "amount")
        if not _AMOUNT.fullmatch(value):
            if _LARGE_AMOUNT.fullmatch(value):
                raise DataError(self.name, number, fields[index][2],
                                f"amount {_short(value)} is beyond 10^13 kr (10 000 000 000 000 kr); check the export")
            raise DataError(self.name, number, fields[index][2],
                            f"malformed amount {_short(value)}; write amounts with '.' as the decimal point, at most "
                            "two decimals and no thousands separator, e.g. -1250.50")
        return value

    def _objects_field(self, fields, open_at, index, number, label) -> int:
        kind, value, column = self._field(fields, open_at, index, number, label, "object list")
        if kind != "b":
            raise DataError(self.name, number, column, f"{label} has {value!r} where the object list belongs; "
                                                       "write {} for none, or {dimension \"code\" …}")
        return self._object_id(value, number, column)

    def _object_id(self, inner: str, number: int, column: int | None) -> int:
        """The id of an object list (the text between its braces), parsed and checked once."""
        found = self.object_ids.get(inner)
        if found is not None:
            return found
        fields, open_at = _split(inner)
        if '""' in inner:
            self._doubled(fields, number, column)
        where = f"object list {{{inner if len(inner) <= 60 else inner[:60] + '…'}}}"
        if open_at is not None or any(kind == "b" for kind, _, _ in fields):
            raise DataError(self.name, number, column, f"{where} is malformed; write pairs of dimension "
                                                       "number and object code, e.g. {1 \"Nord\" 6 \"0001\"}")
        if len(fields) % 2:
            raise DataError(self.name, number, column, f"{where} has an odd number of fields; write pairs of "
                                                       "dimension number and object code")
        objects: dict[int, str] = {}
        empty: set[int] = set()
        for (_, dimension, _), (_, code, _) in zip(fields[::2], fields[1::2]):
            if not _DIGITS.fullmatch(dimension):
                raise DataError(self.name, number, column, f"{where}: dimension {_short(dimension)} is not a number (1–999999); "
                                                           "write pairs of dimension number and object code")
            if _CONTROL.search(code):
                raise DataError(self.name, number, column, f"{where}: object code {code!r} contains control "
                                                           "characters; correct it in the accounting program")
            dim = int(dimension)
            if dim in objects:
                raise DataError(self.name, number, column, f"{where} names dimension {dim} twice; "
                                                           "give one object per dimension")
            if code != "":  # {1 ""}: no object of dimension 1 (but no `{}` total either: a part without one)
                objects[dim] = code
            else:
                empty.add(dim)
        # (`{1 "A"}` and `{"1" "A"}` are one list)
        key = (bool(fields), tuple(sorted(objects.items())), tuple(sorted(empty)))
        if key not in self.object_keys:
            self.object_keys[key] = len(self.object_lists)
            self.object_lists.append(objects)
            self.object_written.append(bool(fields))
            self.object_empty.append(empty)
        self.object_ids[inner] = self.object_keys[key]
        return self.object_ids[inner]

    def _period(self, text: str, number: int, kind: str, column: int | None = None) -> str:
        """YYYYMMDD (kind "date") or YYYYMM (kind "period") → "YYYY-MM"; remembered once valid."""
        size = 8 if kind == "date" else 6
        valid = len(text) == size and text.isdigit() and text.isascii()
        if valid:
            try:
                date(int(text[:4]), int(text[4:6]), int(text[6:8]) if size == 8 else 1)
            except ValueError:
                valid = False
        if not valid:
            form = "YYYYMMDD" if kind == "date" else "YYYYMM"
            if len(text) == size and text.isdigit() and text.isascii() and int(text[:4]) > 0:  # in form, but no such
                # month or day (202413: "write periods as YYYYMM" said what it was already; found by a library user)
                what = "month" if not 1 <= int(text[4:6]) <= 12 else "day"
                raise DataError(self.name, number, column, f"{kind} {text!r} has no such {what}; write a {kind} of "
                                                           f"the calendar as {form}")
            raise DataError(self.name, number, column, f"malformed {kind} {text!r}; write {kind}s as {form}")
        period = self.periods[text] = f"{text[:4]}-{text[4:6]}"
        return period

    def _warn(self, kind: str, text: str) -> None:
        """A warning of `kind`: one of the first WARNED of it, else only counted (a file can make the same
        mistake 50 000 times; 50 000 lines on stderr hide the rest)."""
        self.warned[kind] = self.warned.get(kind, 0) + 1
        if self.warned[kind] <= WARNED:
            self.warnings.append(text)

    def _doubled(self, fields, number: int, column: int | None = None) -> None:
        """Counts the fields `_split` read a doubled quote in (`""`, as CSV writes a quote), and names the
        first: SIE writes `\\"`, and `"Material ""special""\"` would otherwise be cut at its second quote."""
        for kind, value, at in fields:
            if kind == "d":
                if not self.doubled:
                    self.warnings.append(f"{self.name}:{number}:{column or at}: {_short(value)} has a quote written "
                                         'twice ("") inside quotes, read as one quote; SIE writes a quote inside '
                                         'a text as \\" (check the names, or export the file again)')
                self.doubled += 1

    def _name(self, value: str, number: int) -> str:
        """A name with control characters replaced by U+FFFD (and a warning), and cut to NAME_LIMIT
        characters, ending in "…" (and a warning)."""
        if len(value) > NAME_LIMIT:
            if not self.cut_names:
                self.warnings.append(f"{self.name}:{number}: a name of {grouped(len(value))} characters "
                                     f"({value[:40]!r}…) cut to {NAME_LIMIT}")
            self.cut_names += 1
            value = value[:NAME_LIMIT - 1] + "…"
        if _CONTROL.search(value):
            value = _CONTROL.sub("\ufffd", value)
            self._warn("control", f"{self.name}:{number}: name {value!r} had control characters; replaced by U+FFFD")
        return value

    def _optional(self, fields, open_at, index, number, label) -> str | None:
        """Field `index` if present (a name), else None; an unterminated quote there is an error."""
        if index < len(fields):
            return self._text(fields, open_at, index, number, label, "name")
        return None

    # -- header records -----------------------------------------------------------------------

    def _sietyp(self, fields, open_at, number) -> None:
        value = self._text(fields, open_at, 1, number, "#SIETYP", "file type")
        if value not in ("1", "2", "3", "4"):
            raise DataError(self.name, number, fields[1][2], f"unknown #SIETYP {value!r}; SIE types are 1, 2, 3 and 4")
        self.sietyp = int(value)

    def _program(self, fields, open_at, number) -> None:
        parts = [self._text(fields, open_at, 1, number, "#PROGRAM", "program name")]
        if (version := self._optional(fields, open_at, 2, number, "#PROGRAM")) not in (None, ""):
            parts.append(version)
        self.program = self._name(" ".join(parts), number)

    def _gen(self, fields, open_at, number) -> None:
        day = self._text(fields, open_at, 1, number, "#GEN", "date")
        self._period(day, number, "date", fields[1][2])
        self.generated = f"{day[:4]}-{day[4:6]}-{day[6:]}"

    def _fnamn(self, fields, open_at, number) -> None:
        self.company = self._name(self._text(fields, open_at, 1, number, "#FNAMN", "company name"), number)

    def _rar(self, fields, open_at, number) -> None:
        index = self._text(fields, open_at, 1, number, "#RAR", "year index")
        if not re.fullmatch(r"-?[0-9]{1,3}", index):
            raise DataError(self.name, number, fields[1][2], f"malformed year index {index!r}; write 0 for the "
                                                             "current year, -1 for the previous, …")
        days = []
        for position in (2, 3):
            day = self._text(fields, open_at, position, number, "#RAR", "start or end date")
            self._period(day, number, "date", fields[position][2])
            days.append(f"{day[:4]}-{day[4:6]}-{day[6:]}")
        if days[1] < days[0]:
            raise DataError(self.name, number, fields[3][2], f"#RAR {index} ends ({days[1]}) before it starts "
                                                             f"({days[0]}); write the start date first, then the end "
                                                             "date, or export the year again")
        if int(index) in self.years:  # as when two exports are joined in one file
            raise DataError(self.name, number, None, f"#RAR {index} is written a second time (first at line "
                                                     f"{self.year_lines[int(index)]}); are two exports joined in one "
                                                     "file? Export the year again")
        self.years[int(index)] = (days[0], days[1])
        self.year_lines[int(index)] = number

    def _konto(self, fields, open_at, number) -> None:
        konto = self._code(fields, open_at, 1, number, "#KONTO", "account number")
        self.accounts[konto] = self._name(self._optional(fields, open_at, 2, number, "#KONTO") or "", number)

    def _dim(self, fields, open_at, number) -> None:
        label = fields[0][1]
        dimension = self._code(fields, open_at, 1, number, label, "dimension number")
        if not _DIGITS.fullmatch(dimension):
            raise DataError(self.name, number, fields[1][2], f"dimension {_short(dimension)} is not a number (1–999999); "
                                                             f"write {label} number name")
        self.dimensions[int(dimension)] = self._name(self._optional(fields, open_at, 2, number, label) or "", number)

    def _objekt(self, fields, open_at, number) -> None:
        dimension = self._code(fields, open_at, 1, number, "#OBJEKT", "dimension number")
        if not _DIGITS.fullmatch(dimension):
            raise DataError(self.name, number, fields[1][2], f"dimension {_short(dimension)} is not a number (1–999999); "
                                                             "write #OBJEKT dimension code name")
        code = self._code(fields, open_at, 2, number, "#OBJEKT", "object code")
        name = self._optional(fields, open_at, 3, number, "#OBJEKT") or ""
        self.objects[(int(dimension), code)] = self._name(name, number)

    # -- frames -------------------------------------------------------------------------------

    def _frame(self, key: str, columns: dict, extra: dict[str, pl.Series] | None = None,
               named_empty: bool = False) -> pl.DataFrame:
        """The parts of `key` ("t", "p" or "b") as one frame of `columns`, then `dim_<n>` columns (in
        dimension order) for the object lists they refer to, and `extra` columns gathered by object
        list id likewise.

        Each column is made whole (one chunk: what follows reads it without copying it again) and its
        parts are let go before the next one is made, so the frame is never held twice."""
        parts, self.parts[key] = self.parts[key], []
        if not parts:
            return pl.DataFrame(schema=columns)
        used = set().union(*(part[_OBJECT].unique().to_list() for part in parts))
        lookups = dict(extra or {})
        # (with `named_empty`, a dimension written with no object, `{1 ""}`, is "": the row is of the set of
        # dimension 1, with no object of it; else null, as a voucher row without one)
        dims = {d for i in used for d in self.object_lists[i]}
        if named_empty:
            dims |= {d for i in used for d in self.object_empty[i]}
        if self.kept is not None:
            if named_empty and dims - self.kept:  # the rest named once per row, not a column each
                lookups[OTHERS] = pl.Series([",".join(f"{d:06d}" for d in sorted((objects.keys() | empty) - self.kept))
                                             or None for objects, empty in zip(self.object_lists, self.object_empty)],
                                            dtype=pl.String)
            dims &= self.kept
        for d in sorted(dims):
            lookups[f"dim_{d}"] = pl.Series(
                [objects.get(d, "" if named_empty and d in empty else None)
                 for objects, empty in zip(self.object_lists, self.object_empty)], dtype=pl.String)
        whole: dict[str, pl.Series] = {}
        for name in [*columns.keys() - lookups.keys(), _OBJECT]:
            whole[name] = pl.concat([part[name] for part in parts], rechunk=True)
            parts = [part.drop(name) for part in parts]
        ids = whole.pop(_OBJECT)
        whole.update((name, values.gather(ids)) for name, values in lookups.items())
        return pl.DataFrame(whole).select(*columns, *(name for name in lookups if name not in columns))

    def _trans_frame(self) -> pl.DataFrame:
        return self._frame("t", TRANS_SCHEMA)

    def _period_frame(self, key: str) -> pl.DataFrame:
        """#PSALDO ("p") or #PBUDGET ("b") rows as a frame of PSALDO_SCHEMA and `dim_<n>` columns."""
        total = pl.Series([not written for written in self.object_written], dtype=pl.Boolean)
        return self._frame(key, PSALDO_SCHEMA, {"total": total}, named_empty=True)


_HEADERS = {
    "#SIETYP": _Parser._sietyp, "#PROGRAM": _Parser._program, "#GEN": _Parser._gen, "#FNAMN": _Parser._fnamn,
    "#RAR": _Parser._rar, "#KONTO": _Parser._konto, "#DIM": _Parser._dim, "#UNDERDIM": _Parser._dim,
    "#OBJEKT": _Parser._objekt,
}


def _split(line: str) -> tuple[list[tuple[str, str, int]], int | None]:
    """Fields of a line as (kind, text, 1-based column), and the index of an unterminated field.

    kind: "q" quoted (unescaped), "d" quoted with a doubled quote in it (read as one), "b" object list (the text between the braces), "u" unquoted,
    "!" an unterminated quote or list (its text is the opening character).
    """
    fields: list[tuple[str, str, int]] = []
    position = 0
    match = _FIELD.match
    while (m := match(line, position)) is not None:
        quoted, braces, plain, opening = m.groups()
        column = m.start(m.lastindex)  # 0-based start of the group: the 1-based column of a quote or brace
        if quoted is not None:
            if '""' in quoted:  # "Material ""special""": a CSV habit; read as one quote, and said ("d")
                fields.append(("d", _DOUBLED.sub(lambda q: q[1] or q[2], quoted), column))
            else:
                fields.append(("q", _ESCAPE.sub(r"\1", quoted) if "\\" in quoted else quoted, column))
        elif braces is not None:
            fields.append(("b", braces, column))
        elif plain is not None:
            fields.append(("u", plain, column + 1))
        else:
            fields.append(("!", opening, column + 1))
            return fields, len(fields) - 1
        position = m.end()
    return fields, None


def _short(value: str, limit: int = 40) -> str:
    """A field for a message: quoted, and cut when it is long."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _ore_of(amount: str) -> int:
    """Amount text as checked by `_AMOUNT` → öre (int arithmetic), for comparing two rows."""
    whole, _, decimals = amount.partition(".")
    value = abs(int(whole)) * 100 + int((decimals + "00")[:2])
    return -value if amount.startswith("-") else value
