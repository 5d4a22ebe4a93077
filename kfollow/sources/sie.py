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

Errors are `DataError` (`FILE:LINE[:COLUMN]: problem; what to do`) and `InputOutputError` (not a
regular file, cannot be read): one line each. Only a regular file is opened (FIFOs, devices and
directories are refused), and nothing but its bytes is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from kfollow.sources.files import EXPORT_LIMIT, read_bytes
from kfollow.errors import DataError, control_class

# A #TRANS row in its common shapes: account digits, object list without escapes, a valid amount,
# and the raw next field (the transaction date, `""`, or something the general path must look at).
_TRANS_FAST = re.compile(
    r'[ \t]*#TRANS[ \t]+([0-9]+)[ \t]+\{([^}"]*(?:"[^"\\]*"[^}"]*)*)\}[ \t]*'
    r"(-?[0-9]{1,13}(?:\.[0-9][0-9]?)?)(?:[ \t]+([^ \t]*)|[ \t]*$)"
)
_PSALDO_FAST = re.compile(  # #PSALDO and #PBUDGET: group 1 is the label
    r'[ \t]*#(PSALDO|PBUDGET)[ \t]+(-?[0-9]{1,2})[ \t]+([0-9]{6})[ \t]+([0-9]+)[ \t]+\{([^}"]*(?:"[^"\\]*"[^}"]*)*)\}'
    r"[ \t]*(-?[0-9]{1,13}(?:\.[0-9][0-9]?)?)(?:[ \t]|$)"
)
# a #VER whose series and number are plain or simply quoted, and whose date is 8 digits (maybe quoted)
_VER_FAST = re.compile(
    r'[ \t]*#VER[ \t]+(?:"[^"\\]*"|[^ \t"{]+)[ \t]+(?:"[^"\\]*"|[^ \t"{]+)[ \t]+(?:"([0-9]{8})"|([0-9]{8}))(?:[ \t]|$)'
)
_AMOUNT = re.compile(r"-?[0-9]{1,13}(?:\.[0-9][0-9]?)?")  # at most 10^13 kr: öre sums stay in Int64
_LARGE_AMOUNT = re.compile(r"-?[0-9]{14,}(?:\.[0-9][0-9]?)?")
_DIGITS = re.compile(r"[0-9]{1,6}")  # a dimension number
# one field: quoted, an object list, unquoted text, or the opening of an unterminated quote or list
_FIELD = re.compile(
    r'[ \t]*(?:"((?:[^"\\]|\\.)*)"'
    r'|\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}'
    r'|([^ \t"{][^ \t]*)'
    r'|(["{]))'
)
_ESCAPE = re.compile(r'\\(["\\])')
_CONTROL = re.compile(control_class(r"\n\r"))

# Swedish (and é, ü) letters: code page 437 bytes and ISO-8859-15 bytes
_CP437_LETTERS = b"\x86\x84\x94\x8f\x8e\x99\x82\x81\x90\x9a"
_LATIN_LETTERS = b"\xe5\xe4\xf6\xc5\xc4\xd6\xe9\xfc\xc9\xdc"
_ASCII = bytes(range(128))

_NAMES = ("#KONTO", "#DIM", "#UNDERDIM", "#OBJEKT", "#FNAMN", "#PROGRAM")
_KNOWN = frozenset(
    ("#FLAGGA", "#FORMAT", "#SIETYP", "#GEN", "#RAR", "#VER", "#TRANS", "#RTRANS", "#BTRANS",
     "#PSALDO", "#PBUDGET", "#IB", "#UB", "#RES", "#KSUMMA", "#ORGNR", "#FNR", "#KPTYP", "#SRU",
     "#KTYP", "#ADRESS", "#TAXAR", "#VALUTA", "#OMFATTN", "#PROSA", "#FTYP", "#ENHET", "#OIB", "#OUB")
    + _NAMES
)

# the fixed columns of SieFile.trans and of .psaldo and .pbudget; `dim_<n>` (String) columns follow
TRANS_SCHEMA = {"period": pl.String, "konto": pl.String, "belopp": pl.Int64, "rad": pl.Int32}
PSALDO_SCHEMA = {
    "rar": pl.Int8, "period": pl.String, "konto": pl.String, "belopp": pl.Int64, "rad": pl.Int32,
    "total": pl.Boolean,
}


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
    psaldo: pl.DataFrame  # rar, period, konto, belopp, rad, total, dim_<n>…: one row per #PSALDO
    pbudget: pl.DataFrame  # the same columns (PSALDO_SCHEMA): one row per #PBUDGET, the period's budget
    lines: int  # number of lines read
    warnings: tuple[str, ...]  # "FILE:LINE: …", e.g. names with control characters replaced


def read_sie(path: str | Path) -> SieFile:
    """Read a SIE file (types 1–4); raises `DataError` or `InputOutputError` with one line.

    `trans`: period ("YYYY-MM", from its voucher's date: the voucher books it, whatever date a row
    carries, e.g. an #RTRANS its change date), konto, belopp (Int64
    öre, debit positive), rad (Int32 line of the #TRANS), and a String column `dim_<n>` per
    dimension in any row's object list (null where a row has none). Empty without vouchers.
    `psaldo`: rar (Int8 year index), period, konto, belopp (öre: the change during the period),
    rad, total (True for the `{}` row), and `dim_<n>` columns likewise.
    `pbudget`: the same columns for #PBUDGET (belopp: the period's budget, signed as #PSALDO).
    """
    name = str(path)
    raw = read_bytes(path, EXPORT_LIMIT, "SIE file", display=name)
    encoding, text, warnings = _decode(raw, name)
    return _Parser(name, encoding, warnings).parse(text)


def _decode(raw: bytes, name: str) -> tuple[str, str, list[str]]:
    """(encoding, text, warnings): see "Encoding" in the module docstring."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
        raise DataError(name, 1, None, "file is UTF-16 (or binary: it has NUL bytes); "
                                       "export it again as SIE 4 with #FORMAT PC8")
    warnings: list[str] = []
    bom = raw.startswith(b"\xef\xbb\xbf")
    if bom:
        raw = raw[3:]
    if raw.isascii():
        return ("utf-8" if bom else "cp437"), raw.decode("ascii"), warnings
    try:
        encoding, text = "utf-8", raw.decode("utf-8")
    except UnicodeDecodeError:
        high = raw.translate(None, _ASCII)  # the non-ASCII bytes only: counting them is quick
        cp437 = sum(high.count(byte) for byte in _CP437_LETTERS)
        latin = sum(high.count(byte) for byte in _LATIN_LETTERS)
        encoding = "iso-8859-15" if latin > cp437 else "cp437"
        text = raw.decode(encoding)
        if cp437 and latin:
            other = _LATIN_LETTERS if encoding == "cp437" else _CP437_LETTERS
            at = re.search(b"[" + re.escape(other) + b"]", raw).start()
            warnings.append(
                f"{name}:{_line_at(text, at)}: letters written both in code page 437 and in Latin-1; "
                f"read as {encoding} (the most), so letters on this line may be wrong")
    if (at := text.find("\ufffd")) >= 0:
        warnings.append(f"{name}:{_line_at(text, at)}: text contains U+FFFD (\ufffd): letters were lost "
                        f"before this file was written; export it again from the accounting program")
    return encoding, text, warnings


def _line_at(data: str, index: int) -> int:
    """The 1-based line of position `index`, counting CRLF, LF and lone CR as line ends."""
    head = data[:index]  # decoding keeps positions: every encoding read here has one byte per character
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1


def _ore(column: str) -> pl.Expr:
    """Decimal text as checked by `_AMOUNT` ("-12", "3.5", "0.05") → Int64 öre, exactly."""
    text = pl.col(column)
    decimals = text.str.len_bytes().cast(pl.Int64) - text.str.find(".", literal=True) - 1  # null: none
    scale = pl.when(decimals.is_null()).then(100).when(decimals == 1).then(10).otherwise(1)
    return text.str.replace(".", "", literal=True).cast(pl.Int64) * scale


class _Parser:
    """One pass over the lines; rows go to per-column lists, frames are built once at the end."""

    def __init__(self, name: str, encoding: str, warnings: list[str]):
        self.name, self.encoding, self.warnings = name, encoding, warnings
        self.program: str | None = None
        self.generated: str | None = None
        self.sietyp = 1
        self.company: str | None = None
        self.years: dict[int, tuple[str, str]] = {}
        self.accounts: dict[str, str] = {}
        self.dimensions: dict[int, str] = {}
        self.objects: dict[tuple[int, str], str] = {}
        self.known = False  # a SIE label was seen
        # object lists: raw text between the braces → id; id → {dimension: code}
        self.object_ids: dict[str, int] = {}
        self.object_lists: list[dict[int, str]] = []
        self.periods: dict[str, str] = {}  # YYYYMMDD or YYYYMM → YYYY-MM, for the valid ones seen
        self.t = ([], [], [], [], [])  # period, konto, amount text, line, object id
        self.p = ([], [], [], [], [], [])  # #PSALDO: rar, period, konto, amount text, line, object id
        self.b = ([], [], [], [], [], [])  # #PBUDGET: the same

    # -- the main loop ------------------------------------------------------------------------

    def parse(self, text: str) -> SieFile:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        name = self.name
        trans_fast, psaldo_fast, ver_fast = _TRANS_FAST.match, _PSALDO_FAST.match, _VER_FAST.match
        t_period, t_konto, t_amount, t_line, t_object = self.t
        object_ids, periods = self.object_ids, self.periods
        outside, expect_brace, inside, skipping = 0, 1, 2, 3
        state = outside
        ver_line = 0
        ver_date = ""
        pending = None  # an #RTRANS waiting for its #TRANS copy: (period, konto, amount, line, object id)
        for number, line in enumerate(lines, 1):
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
                elif (previous := _previous_label(lines, number)) in _KNOWN:
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
            label = fields[0][1] if fields[0][0] == "u" else ""
            if not label.startswith("#"):
                continue  # not a record: ignored like an unknown label
            if label in _KNOWN:
                self.known = True
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
        if state != outside:
            what = "voucher" if state != skipping else "block"
            raise DataError(name, ver_line, None, f"the file ends (line {len(lines)}) inside the {what} that "
                                                  "starts here, without its '}' line; the file is truncated, "
                                                  "export it again")
        if not self.known:
            raise DataError(name, 1, None, "no SIE records (#FLAGGA, #SIETYP, #KONTO, #VER, …); "
                                           "is this a SIE file? Export it again as SIE 4")
        return SieFile(
            path=name, encoding=self.encoding, program=self.program, generated=self.generated,
            sietyp=self.sietyp, company=self.company, years=self.years, accounts=self.accounts,
            dimensions=self.dimensions, objects=self.objects, trans=self._trans_frame(),
            psaldo=self._period_frame(self.p), pbudget=self._period_frame(self.b), lines=len(lines),
            warnings=tuple(self.warnings),
        )

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
        self.warnings.append(f"{self.name}:{number}: #RTRANS is not followed by its #TRANS copy; "
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
        where = f"object list {{{inner if len(inner) <= 60 else inner[:60] + '…'}}}"
        if open_at is not None or any(kind == "b" for kind, _, _ in fields):
            raise DataError(self.name, number, column, f"{where} is malformed; write pairs of dimension "
                                                       "number and object code, e.g. {1 \"Nord\" 6 \"0001\"}")
        if len(fields) % 2:
            raise DataError(self.name, number, column, f"{where} has an odd number of fields; write pairs of "
                                                       "dimension number and object code")
        objects: dict[int, str] = {}
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
            if code != "":  # {1 ""}: no object of dimension 1
                objects[dim] = code
        self.object_ids[inner] = len(self.object_lists)
        self.object_lists.append(objects)
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
            raise DataError(self.name, number, column, f"malformed {kind} {text!r}; write {kind}s as {form}")
        period = self.periods[text] = f"{text[:4]}-{text[4:6]}"
        return period

    def _name(self, value: str, number: int) -> str:
        """A name with control characters replaced by U+FFFD (and a warning)."""
        if _CONTROL.search(value):
            value = _CONTROL.sub("\ufffd", value)
            self.warnings.append(f"{self.name}:{number}: name {value!r} had control characters; replaced by U+FFFD")
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
        self.years[int(index)] = (days[0], days[1])

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

    def _dimension_columns(self, object_ids: list[int]) -> dict[str, pl.Series]:
        """`dim_<n>` columns for the object lists `object_ids` refer to, in dimension order."""
        if not object_ids:
            return {}
        used = set(object_ids)
        dims = sorted({d for i in used for d in self.object_lists[i]})
        index = pl.Series(object_ids, dtype=pl.UInt32)
        return {
            f"dim_{d}": pl.Series([objects.get(d) for objects in self.object_lists], dtype=pl.String).gather(index)
            for d in dims
        }

    def _trans_frame(self) -> pl.DataFrame:
        period, konto, amount, line, object_id = self.t
        frame = pl.DataFrame(
            {"period": period, "konto": konto, "belopp": amount, "rad": line},
            schema={**TRANS_SCHEMA, "belopp": pl.String},
        ).with_columns(_ore("belopp"))
        return frame.with_columns(**self._dimension_columns(object_id))

    def _period_frame(self, rows) -> pl.DataFrame:
        """#PSALDO (`self.p`) or #PBUDGET (`self.b`) rows as a frame of PSALDO_SCHEMA and `dim_<n>` columns."""
        rar, period, konto, amount, line, object_id = rows
        total = pl.Series([not objects for objects in self.object_lists], dtype=pl.Boolean)
        frame = pl.DataFrame(
            {"rar": rar, "period": period, "konto": konto, "belopp": amount, "rad": line,
             "total": total.gather(pl.Series(object_id, dtype=pl.UInt32))},
            schema={**PSALDO_SCHEMA, "belopp": pl.String},
        ).with_columns(_ore("belopp"))
        return frame.with_columns(**self._dimension_columns(object_id))


_HEADERS = {
    "#SIETYP": _Parser._sietyp, "#PROGRAM": _Parser._program, "#GEN": _Parser._gen, "#FNAMN": _Parser._fnamn,
    "#RAR": _Parser._rar, "#KONTO": _Parser._konto, "#DIM": _Parser._dim, "#UNDERDIM": _Parser._dim,
    "#OBJEKT": _Parser._objekt,
}


def _split(line: str) -> tuple[list[tuple[str, str, int]], int | None]:
    """Fields of a line as (kind, text, 1-based column), and the index of an unterminated field.

    kind: "q" quoted (unescaped), "b" object list (the text between the braces), "u" unquoted,
    "!" an unterminated quote or list (its text is the opening character).
    """
    fields: list[tuple[str, str, int]] = []
    position = 0
    match = _FIELD.match
    while (m := match(line, position)) is not None:
        quoted, braces, plain, opening = m.groups()
        column = m.start(m.lastindex)  # 0-based start of the group: the 1-based column of a quote or brace
        if quoted is not None:
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


def _previous_label(lines: list[str], number: int) -> str:
    """The first field of the last non-blank line before line `number` (1-based)."""
    for index in range(number - 2, -1, -1):
        if lines[index].strip(" \t"):
            return lines[index].split(None, 1)[0]
    return ""


def _ore_of(amount: str) -> int:
    """Amount text as checked by `_AMOUNT` → öre (int arithmetic), for comparing two rows."""
    whole, _, decimals = amount.partition(".")
    value = abs(int(whole)) * 100 + int((decimals + "00")[:2])
    return -value if amount.startswith("-") else value
