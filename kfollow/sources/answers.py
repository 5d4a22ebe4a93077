"""Answers of budget holders: the workbooks `kfollow forms` wrote, as the chefs filled them in, and
the answers files (`svar/YYYY-MM.yaml` beside the year files) that `kfollow collect` writes from them.

A workbook is read as strictly as a year file: its identity (the hidden sheet `kfollow`), every
locked cell as it was written (a change outside the input cells, after removing the sheet's
protection, is an error naming the cell), a forecast that is a number (a number cell, or Swedish
text such as `1 234,5`), text without control or bidi characters, never a formula. Errors name
file, sheet and cell. An answers file is machine-written and read back with the strict YAML tree.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kfollow.errors import INVISIBLE, DataError, control_kind, grouped, shown
from kfollow.form import FORMAT, ID_SHEET, IDENTITY_KEYS, INPUT_KEY, LOCKED_KEY, SHEET
from kfollow.options import ORE_PER_UNIT, half_away
from kfollow.sources.files import MB, megabytes, read_bytes
from kfollow.sources.yaml_tree import FORBIDDEN, Node, TreeReader, parse_yaml
from kfollow.store import ID, MAX_ORE, MONTH, Answer

WORKBOOK_LIMIT = 20 * MB  # a form is some 10 kB; a workbook beyond this is not one
UNPACKED_LIMIT = 50 * MB  # its parts unpacked (some 100 kB for a form): a zip of 200 kB may unpack to gigabytes
COMMENT_LIMIT = 32_767  # characters: what a cell of Excel holds; a longer comment was not typed into one
ANSWERS_LIMIT = 16 * MB
ANSWERS_FORMAT = "kfollow-svar 2"  # 2: an answer may say when its workbook was saved (`sparad`)
ANSWERS_READ = ("kfollow-svar 1", ANSWERS_FORMAT)  # the formats read
ANSWERS_FILE = re.compile(r"([0-9]{4})-([0-9]{2})\.yaml")
_INPUT = re.compile(r"(prognos|kommentar)(:[A-Za-zÅÄÖåäö0-9_-]{1,80})?")  # what an input cell holds, as `forms` names it
_CELL = re.compile(r"[A-Z]{1,2}[1-9][0-9]{0,4}")  # a cell of a form (forms are small: no row past 99 999)
_SWEDISH = re.compile(r"([+\-−–]?)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d+))?")  # – : Word's autocorrect of -
_PLAIN = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_SAVED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")  # a workbook's saved time, UTC


# --- reading a filled-in workbook ----------------------------------------------------------------

@dataclass(slots=True)
class Filled:
    """What one answered workbook says: its identity (and where each key stands on the identity
    sheet), the forecast (öre, as the förvaltning presents it; None: empty) and the comment (None:
    empty) of the row, and of each kostnadsslag id."""

    path: str
    identity: dict[str, str]
    where: dict[str, str]  # identity key → cell on ID_SHEET
    prognos: int | None = None
    kommentar: str | None = None
    delar: dict[str, tuple[int | None, str | None]] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)  # what → cell on SHEET
    locked: dict[str, tuple[str | None, str | None]] = field(default_factory=dict, repr=False)  # cell → (kind, text)
    sparad: str | None = None  # when the workbook was last saved (its properties, UTC, YYYY-MM-DDTHH:MM:SSZ), if it says

    def error(self, key: str, problem: str) -> DataError:
        """An error about an identity key, naming its cell on the identity sheet."""
        return cell_error(self.path, ID_SHEET, self.where.get(key, "A1"), problem)


def cell_error(path: str, sheet: str, cell: str, problem: str) -> DataError:
    """`FILE: sheet 'S', cell B14: problem` (DataError, exit 3)."""
    return DataError(path, None, None, f"sheet '{sheet}', cell {cell}: {problem}")


def read_workbook(path: str | Path) -> Filled:
    """Read and validate one answered form; DataError naming file, sheet and cell."""
    import openpyxl  # only collect reads workbooks: start-up stays light
    from openpyxl.utils.exceptions import InvalidFileException

    name = str(path)
    raw = read_bytes(path, WORKBOOK_LIMIT, "workbook")
    if not raw.startswith(b"PK"):
        lock = Path(name).name.startswith("~$")  # what Excel leaves beside a workbook that is open
        old = raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # (found by an ekonom on Windows, h120)
        raise DataError(name, None, None, "is Excel's lock file of a workbook that is open, not a workbook; leave it out "
                                          "(close the workbook in Excel, and the file goes)" if lock else
                        "is an Excel 97-2003 workbook (.xls), not an xlsx workbook; save it in Excel as Excel-arbetsbok "
                        "(.xlsx) and collect that" if old else
                        "is not an xlsx workbook (not a zip file); collect the .xlsx files that kfollow forms wrote, "
                        "saved as Excel workbooks")
    if raw[30:38] == b"mimetype" and b"opendocument" in raw[38:120]:  # an .ods (its first member names its type)
        raise DataError(name, None, None, "is an OpenDocument spreadsheet (.ods), not an xlsx workbook; save it as "
                                          "Excel 2007-365 (.xlsx) in LibreOffice and collect that")
    _check_unpacked(name, raw)
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), data_only=False, keep_links=False)
    except (InvalidFileException, KeyError, ValueError, OSError, TypeError, IndexError, AttributeError,
            SyntaxError) as exc:
        raise DataError(name, None, None, f"cannot be read as an xlsx workbook ({type(exc).__name__}); save it "
                                          "again in Excel or LibreOffice as .xlsx") from None
    except Exception as exc:  # zipfile.BadZipFile and parser errors of a broken or hostile file
        raise DataError(name, None, None, f"cannot be read as an xlsx workbook ({type(exc).__name__}); save it "
                                          "again in Excel or LibreOffice as .xlsx") from None
    if ID_SHEET not in book.sheetnames:
        raise cell_error(name, ID_SHEET, "A1", "no such sheet: this workbook is not a kfollow form (a form keeps "
                                               "its identity on a hidden sheet 'kfollow'); collect the workbooks "
                                               "that kfollow forms wrote")
    filled = _identity(name, book[ID_SHEET])
    filled.sparad = saved_at(raw)
    if SHEET not in book.sheetnames:
        raise cell_error(name, SHEET, "A1", "no such sheet: the form's first sheet was renamed or removed; "
                                            "take a fresh form (kfollow forms)")
    _read_sheet(filled, book[SHEET])
    return filled


def _check_unpacked(name: str, raw: bytes) -> None:
    """DataError for a workbook whose parts unpack to more than UNPACKED_LIMIT (the sizes its zip
    directory states: Python's zip reader never unpacks a part beyond its stated size)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zipped:
            size = sum(info.file_size for info in zipped.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # openpyxl names a broken workbook
    if size > UNPACKED_LIMIT:
        raise DataError(name, None, None, f"unpacks to {megabytes(size, over=UNPACKED_LIMIT)}, over the limit of {megabytes(UNPACKED_LIMIT)} "
                                          "for a form (a form is some 100 kB); collect the .xlsx files that kfollow "
                                          "forms wrote")


_W3C = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?")


def _moment(text: str):
    """A W3C time of the core properties (`2024-11-05T16:00:00Z`, `…+01:00`, no zone: UTC) in UTC,
    without its zone; None when it is none (read by hand: Python 3.10 reads no `Z`)."""
    import datetime

    m = _W3C.fullmatch(text.strip())
    if not m:
        return None
    try:
        moment = datetime.datetime(*(int(m[i]) for i in range(1, 7)))
        zone = m[7]
        if zone and zone != "Z":
            sign = 1 if zone[0] == "+" else -1
            moment -= sign * datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    except (ValueError, OverflowError):  # no such day, or beyond the years a datetime holds
        return None
    return moment


def saved_at(raw: bytes) -> str | None:
    """When a workbook was last saved: its core properties' `dcterms:modified` (which Excel and
    LibreOffice set on saving), in UTC as `YYYY-MM-DDTHH:MM:SSZ`; None when it does not say, or says
    no later than `dcterms:created` (a form as kfollow wrote it, saved by a tool that keeps the time).
    Read from the zip itself: openpyxl would give the time of reading for a workbook without one."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as book, book.open("docProps/core.xml") as core:
            text = core.read(65536).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - no properties, or none that can be read: the workbook does not say
        return None

    def stamp(name: str):
        found = re.search(rf"<dcterms:{name}\b[^>]*>([^<]{{1,60}})</dcterms:{name}>", text)
        return _moment(found[1]) if found else None

    modified, created = stamp("modified"), stamp("created")
    if modified is None or (created is not None and modified <= created):
        return None
    return modified.isoformat() + "Z"


def _text(value) -> str | None:
    return None if value is None else str(value)


def _cells(sheet) -> list[tuple[int, int]]:
    """The (row, column) of the cells a sheet holds, as openpyxl read them. Not `iter_rows`, which walks
    every position up to the sheet's last cell: one cell at A1048576 (or only its style) made a
    workbook of 9 kB take gigabytes (XFD1048576: more memory than the machine had)."""
    return list(sheet._cells)  # (openpyxl's dict of the cells read; there is no public way to walk only those)


def _identity(name: str, sheet) -> Filled:
    identity, where, inputs, locked = {}, {}, {}, {}
    for number in sorted({r for r, c in _cells(sheet) if c <= 4}):
        row = [sheet.cell(number, column) for column in range(1, 5)]
        a = row[0]
        key = a.value
        if key is None:
            continue
        if not isinstance(key, str):
            raise cell_error(name, ID_SHEET, a.coordinate, "the identity sheet was changed; take a fresh form "
                                                           "(kfollow forms)")
        values = [c.value for c in row[1:]]
        if key == INPUT_KEY:
            what, ref = _text(values[0]), _text(values[1])
            if not (_INPUT.fullmatch(what or "") and _CELL.fullmatch(ref or "")):
                raise cell_error(name, ID_SHEET, a.coordinate, "the identity sheet was changed (an input cell it "
                                                               "names is no input); take a fresh form (kfollow forms)")
            inputs[what] = ref
        elif key == LOCKED_KEY:
            if not _CELL.fullmatch(_text(values[0]) or ""):
                raise cell_error(name, ID_SHEET, a.coordinate, "the identity sheet was changed (a locked cell it "
                                                               "names is no cell); take a fresh form (kfollow forms)")
            locked[_text(values[0])] = (_text(values[1]), _text(values[2]))
        elif key in IDENTITY_KEYS:
            identity[key] = _text(values[0]) or ""
            where[key] = row[1].coordinate
    if identity.get("format") != FORMAT:
        cell = where.get("format", "A1")
        raise cell_error(name, ID_SHEET, cell, f"not a form of this kfollow (found {shown(str(identity.get('format')))!s}, "
                                               f"expected {FORMAT}); take a fresh form (kfollow forms)")
    for key in IDENTITY_KEYS:
        if not identity.get(key):
            raise cell_error(name, ID_SHEET, where.get(key, "A1"), f"the form's identity lacks '{key}'; take a fresh "
                                                                   "form (kfollow forms)")
    if not re.fullmatch(r"[0-9]{4}", identity["ar"]):
        raise cell_error(name, ID_SHEET, where["ar"], f"ar '{shown(identity['ar'])}' is not a year")
    m = MONTH.fullmatch(identity["period"])
    if not m or m[1] != identity["ar"] or not 1 <= int(m[2]) <= 12:
        raise cell_error(name, ID_SHEET, where["period"], f"period '{shown(identity['period'])}' is not a month of "
                                                          f"{identity['ar']}")
    if identity["enhet"] not in ORE_PER_UNIT:
        raise cell_error(name, ID_SHEET, where["enhet"], f"enhet '{shown(identity['enhet'])}' is not kr, tkr or mnkr")
    for key in ("forvaltning", "nyckel"):
        if not ID.fullmatch(identity[key]) and not (key == "nyckel" and re.fullmatch(r"[0-9A-Za-z._-]+", identity[key])):
            raise cell_error(name, ID_SHEET, where[key], f"{key} '{shown(identity[key])}' is not an id")
    if not inputs:  # (the row's forecast or comment may be given in the year file, not asked for)
        raise cell_error(name, ID_SHEET, "A1", "the form names no input cells; take a fresh form (kfollow forms)")
    return Filled(name, identity, where, inputs=inputs, locked=locked)


def _same(cell_value, kind: str | None, text: str | None) -> bool:
    if kind == "n":
        if isinstance(cell_value, bool) or not isinstance(cell_value, (int, float)):
            return False
        try:
            return float(Decimal(text)) == float(cell_value)
        except (InvalidOperation, TypeError):
            return False
    return isinstance(cell_value, str) and cell_value == (text or "")


def _read_sheet(filled: Filled, sheet) -> None:
    locked = filled.locked
    name = filled.path
    inputs = {cell: what for what, cell in filled.inputs.items()}
    seen = set()
    for position in sorted(_cells(sheet)):
        for cell in (sheet.cell(*position),):
            ref = cell.coordinate
            if ref in inputs:
                continue
            if cell.value is None:
                continue
            seen.add(ref)
            expected = locked.get(ref)
            if expected is None or cell.data_type == "f" or not _same(cell.value, *expected):
                raise cell_error(name, SHEET, ref, "this cell was changed, and it is outside the input cells (the "
                                                   "yellow ones); undo the change or take a fresh form "
                                                   "(kfollow forms) and answer only in the input cells")
    gone = next((ref for ref in locked if ref not in seen), None)
    if gone is not None:
        raise cell_error(name, SHEET, gone, "this cell was emptied, and it is outside the input cells (the yellow "
                                            "ones); undo the change or take a fresh form (kfollow forms)")
    unit = filled.identity["enhet"]
    for what, ref in filled.inputs.items():
        cell = sheet[ref]
        kind, _, part = what.partition(":")
        if kind == "prognos":
            value = _forecast(name, ref, cell, unit)
        elif kind == "kommentar":
            if _a_number(cell.value):  # a forecast typed one cell off (the forecast's row moves between forms)
                where = filled.inputs.get("prognos" + (f":{part}" if part else ""))
                raise cell_error(name, SHEET, ref, f"the comment is a number ({shown(str(cell.value))}); a forecast "
                                                   f"goes in the forecast cell{f' ({where})' if where else ''} and a "
                                                   "comment is text: move the number, or write the comment in words")
            value = _comment(name, ref, cell)
        else:
            raise cell_error(name, ID_SHEET, "A1", f"unknown input '{shown(what)}'; take a fresh form (kfollow forms)")
        if part:
            old = filled.delar.get(part, (None, None))
            filled.delar[part] = (value, old[1]) if kind == "prognos" else (old[0], value)
        elif kind == "prognos":
            filled.prognos = value
        else:
            filled.kommentar = value


def _forecast(name: str, ref: str, cell, unit: str) -> int | None:
    """A forecast cell → öre (None when empty): a number cell is read as its shortest decimal (as
    Python's repr writes it), Swedish text `1 234,5` as written; rounded to öre, half away from zero."""
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and value.strip().startswith("=")):  # (kept stripped)
        raise cell_error(name, SHEET, ref, "a formula is not an answer; type the forecast itself as a number, "
                                           "e.g. 16,5")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise cell_error(name, SHEET, ref, f"forecast {value} is not a number; type the forecast as a number, e.g. 16,5")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise cell_error(name, SHEET, ref, "forecast is not a finite number; type it as a number, e.g. 16,5")
        number = Decimal(repr(value))
    elif isinstance(value, str):
        number = swedish_number(value)
        if number is None and (both := _point_ambiguous(value)) is not None:
            # three digits after a point: in Swedish text a point may group thousands, `81.500` for 81 500; the decimal
            # comma advised, `81,500`, read 81,5 (found by a new user, h96): both readings offered
            raise cell_error(name, SHEET, ref, f"forecast '{shown(value.strip())}' has a point before three digits, "
                                               "which may group thousands or be a decimal point; type "
                                               f"{both[0]} if it is thousands, {both[1]} if it is a decimal")
        if number is None and re.fullmatch(r"\s*[-−]?[0-9]{1,3}(\.[0-9]{3}){2,}\s*", value):  # 1.234.567: thousands
            whole = _swedish_text(Decimal(value.strip().lstrip("-−").replace(".", "")))
            raise cell_error(name, SHEET, ref, f"forecast '{shown(value.strip())}' has points between its thousands; "
                                               f"write it with spaces, {'-' if value.strip()[0] in '-−' else ''}{whole}")
        if number is None and re.fullmatch(r"\s*[-−]?[0-9]+\.[0-9]+\s*", value):  # typed as text, as in English
            raise cell_error(name, SHEET, ref, f"forecast '{shown(value.strip())}' is written with a decimal point; "
                                               f"write it with a decimal comma, {value.strip().replace('.', ',')}")
        if number is None and (typed := _with_unit(value)) is not None:  # "8,9 mnkr" in a form in tkr
            amount = _swedish_text(typed[0] * ORE_PER_UNIT[typed[1]] / ORE_PER_UNIT[unit])
            raise cell_error(name, SHEET, ref, f"forecast '{shown(value.strip())}' has a unit; this form's amounts "
                                               f"are in {unit}: type the number alone, {amount}")
        if number is None:
            raise cell_error(name, SHEET, ref, f"forecast '{shown(value.strip()[:40])}' is not a number; type the "
                                               f"full-year forecast in {unit} (the form's unit) as a number, e.g. "
                                               "16,5 or 1 234,5")
    else:  # a date or a time
        raise cell_error(name, SHEET, ref, f"forecast {shown(str(value))} is a date, not a number; type the "
                                           "forecast as a number, e.g. 16,5")
    scaled = number * ORE_PER_UNIT[unit]
    # beyond the cap before rounding: a number of more digits than Decimal's precision cannot be quantized
    ore = half_away(scaled) if abs(scaled) <= MAX_ORE + 1 else scaled
    if abs(ore) > MAX_ORE:
        raise cell_error(name, SHEET, ref, "forecast is beyond 10 000 000 000 000 kr; check the number and the "
                                           "form's unit")
    return int(ore)


def _point_ambiguous(text: str) -> tuple[str, str] | None:
    """`81.500` → (`81 500`, `81,5`): a number of one point before exactly three digits, read as thousands and as a
    decimal, as a Swedish form takes each; None for anything else (`1234.5` is a decimal point, and said so)."""
    m = re.fullmatch(r"\s*([-−]?)([0-9]{1,3})\.([0-9]{3})\s*", text)
    if not m:
        return None
    sign = "-" if m[1] else ""
    return sign + _swedish_text(Decimal(m[2] + m[3])), sign + _swedish_text(Decimal(f"{m[2]}.{m[3]}"))


_UNIT_WORDS = {"kr": "kr", "sek": "kr", "tkr": "tkr", "ksek": "tkr", "mnkr": "mnkr", "mkr": "mnkr", "msek": "mnkr"}
_WITH_UNIT = re.compile(r"(.*?)\s*(kr|sek|tkr|ksek|mnkr|mkr|msek)\.?", re.IGNORECASE)


def _with_unit(text: str) -> tuple[Decimal, str] | None:
    """`8,9 mnkr` → (8.9, "mnkr"): a Swedish number with a unit after it, which a form's cell does not take
    (its unit is the form's); None for anything else."""
    m = _WITH_UNIT.fullmatch(text.strip())
    if not m or len(text) > 60:
        return None
    number = swedish_number(m[1])
    return None if number is None else (number, _UNIT_WORDS[m[2].lower()])


def _swedish_text(number: Decimal) -> str:
    """8900 → `8 900`, 0.0089 → `0,0089`: a number as a Swedish form takes it (plain spaces between thousands)."""
    sign, text = ("-" if number < 0 else ""), format(abs(number.normalize()), "f")
    whole, _, decimals = text.partition(".")
    groups = [whole[max(i - 3, 0):i] for i in range(len(whole), 0, -3)][::-1]
    return sign + " ".join(groups) + (f",{decimals}" if decimals else "")


def swedish_number(text: str) -> Decimal | None:
    """`1 234,5`, `-12,75`, `−3`, `–3` (an en dash, as Word's autocorrect writes a minus), `1234` →
    Decimal; None for anything else (a decimal point is not Swedish: `1.5` could be a thousands separator)."""
    m = _SWEDISH.fullmatch(text.strip())
    if not m:
        return None
    digits = re.sub(r"[ \u00a0\u202f]", "", m[2]) + (f".{m[3]}" if m[3] else "")
    if len(digits) > 40:
        return None
    number = Decimal(digits)
    return -number if m[1] in ("-", "−", "–") else number


# line breaks of other programs; what no one sees: zero-width ones, and the soft hyphen Word keeps (a search for
# "personal" did not find "per\u00adsonal"; found trying the forms round), a word joiner and the like
_UNSEEN = INVISIBLE
_PASTED = re.compile("[\r\u0085\u2028\u2029" + re.escape(_UNSEEN) + "]")


_NUMBER = re.compile(r"[+\-−–]?[0-9][0-9 \u00a0\u202f]*([,.][0-9]+)?")


def _a_number(value) -> bool:
    """Whether a comment cell holds a number alone (`45,5`, `-1 200`), typed or as text."""
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or (isinstance(value, str) and bool(_NUMBER.fullmatch(value.strip())))


def _comment(name: str, ref: str, cell) -> str | None:
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and value.strip().startswith("=")):  # (kept stripped)
        # (a text that begins with = is read as a formula too: the workbook cannot tell them apart)
        raise cell_error(name, SHEET, ref, "a formula is not a comment; write the comment as text, not beginning "
                                           "with =")
    if value is None:
        return None
    if isinstance(value, bool):
        raise cell_error(name, SHEET, ref, f"comment {value} is not text; write the comment as text")
    if isinstance(value, (int, float)):
        value = str(value) if isinstance(value, int) else repr(value)
    if not isinstance(value, str):
        raise cell_error(name, SHEET, ref, "comment is a date, not text; write the comment as text")
    # pasted from a web page, Teams or Word: their line breaks are line breaks, and what no one sees is left out
    text = _PASTED.sub(lambda m: "" if m[0] in _UNSEEN else "\n", value.replace("\r\n", "\n")).strip()
    if len(text) > COMMENT_LIMIT:
        raise cell_error(name, SHEET, ref, f"the comment is {grouped(len(text))} characters, more than a cell of Excel holds "
                                           f"({grouped(COMMENT_LIMIT)}); shorten it")
    if bad := FORBIDDEN.search(text):
        before = text[max(0, bad.start() - 20):bad.start()].replace("\n", " ")
        raise cell_error(name, SHEET, ref, f"{control_kind(bad[0])} is not allowed in a comment; remove it "
                                           f"({'after ' + repr(shown(before)) if before else 'at the start'}; it "
                                           "cannot be seen in Excel: retype the text around it)")
    # a dash or a dot alone ("–": nothing to say) explains no deviation: no comment, so that a required one is
    # still missing (found trying the forms round: "–" counted as given)
    return None if _NOTHING.fullmatch(text) else text


_NOTHING = re.compile(r"[\s\-–—.,:;!?*_/\\]*")


# --- the answers file ----------------------------------------------------------------------------

def _money(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    return f"{sign}{abs(ore) // 100}.{abs(ore) % 100:02d}"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar that reads back as `text` exactly (line breaks as \\n)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch in "\x85\u2028\u2029\ufeff" or 0x7F <= ord(ch) <= 0x9F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def dump(year: int, month: int, answers: list[Answer]) -> str:
    """The answers file of one period: machine-written, sorted by förvaltning, view and key."""
    period = f"{year}-{month:02d}"
    lines = [f"# Svar på formulären {period}, inlästa med kfollow collect. Filen skrivs av kfollow: ändra inte här,",
             "# samla in arbetsboken igen. Samma prognos eller kommentar i årsfilen och här är ett fel.",
             f"format: {ANSWERS_FORMAT}", f"period: {period}", "enhet: kr", "svar:"]
    for a in sorted(answers, key=lambda a: (a.forvaltning, a.vy, a.nyckel)):
        lines.append(f"  - forvaltning: {_quoted(a.forvaltning)}")
        if a.vy != "summa":
            lines.append(f"    {a.vy}: {_quoted(a.nyckel)}")
        if a.prognos is not None:
            lines.append(f"    prognos: {_money(a.prognos)}")
        if a.kommentar is not None:
            lines.append(f"    kommentar: {_quoted(a.kommentar)}")
        if a.delar:
            lines.append("    kostnadsslag:")
            for kid, prognos, kommentar in sorted(a.delar):
                lines.append(f"      {_quoted(kid)}:")
                if prognos is not None:
                    lines.append(f"        prognos: {_money(prognos)}")
                if kommentar is not None:
                    lines.append(f"        kommentar: {_quoted(kommentar)}")
        lines.append(f"    arbetsbok: {_quoted(a.arbetsbok)}")
        lines.append(f"    inlast: {_quoted(a.inlast)}")
        if a.sparad is not None:
            lines.append(f"    sparad: {_quoted(a.sparad)}")
    return "\n".join(lines) + "\n"


def answers_files(directory: Path, year: int) -> list[Path]:
    """The answers files of `year` in `directory`/svar (none when the folder is missing)."""
    folder = directory / "svar"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")
                  and (m := ANSWERS_FILE.fullmatch(p.name)) and int(m[1]) == year)


def parse_answers(raw: bytes, name: str, year: int) -> list[Answer]:
    """An answers file → its answers (öre as the förvaltning presents its figures); DataError naming
    file:line:column."""
    return _AnswersReader(name, year).parse(parse_yaml(raw, name))


def read_answers(path: Path, year: int) -> list[Answer]:
    return parse_answers(read_bytes(path, ANSWERS_LIMIT, "answers file"), str(path), year)


class _AnswersReader(TreeReader):
    def __init__(self, fil: str, year: int):
        super().__init__(fil)
        self.year = year

    def amount(self, node: Node, what: str) -> int:
        raw = self.text(node, what)
        if not _PLAIN.fullmatch(raw):
            raise self.error(node, f"{what} '{raw}' is not an amount in kr; collect the workbook again")
        whole, _, frac = raw.lstrip("+-").partition(".")
        if len(whole) > 16 or len(frac.rstrip("0")) > 2:
            raise self.error(node, f"{what} '{raw[:30]}' is beyond any amount or finer than an öre")
        ore = int(whole) * 100 + int((frac + "00")[:2])
        ore = -ore if raw.startswith("-") else ore
        if abs(ore) > MAX_ORE:
            raise self.error(node, f"{what} '{raw}' is beyond 10 000 000 000 000 kr")
        return ore

    def saved(self, node: Node) -> str:
        text = self.text(node, "sparad")
        if not _SAVED.fullmatch(text):
            raise self.error(node, f"sparad '{text[:30]}' is not a time YYYY-MM-DDTHH:MM:SSZ; collect the workbook again")
        return text

    def parse(self, root: Node) -> list[Answer]:
        top = self.mapping(root, "the answers file", ("format", "period", "enhet", "svar"),
                           ("format", "period", "enhet", "svar"))
        fnode = top.items["format"][1]
        if self.text(fnode, "format") not in ANSWERS_READ:
            raise self.error(fnode, f"format is not {ANSWERS_FORMAT}; this file was not written by this kfollow")
        pnode = top.items["period"][1]
        period = self.text(pnode, "period")
        m = MONTH.fullmatch(period)
        stem = Path(self.fil).stem
        if not m or int(m[1]) != self.year or not 1 <= int(m[2]) <= 12 or stem != period:
            raise self.error(pnode, f"period '{period}' is not the month of the file name {Path(self.fil).name}")
        enode = top.items["enhet"][1]
        if self.text(enode, "enhet") != "kr":
            raise self.error(enode, "enhet of an answers file is kr")
        month = int(m[2])
        out, seen = [], {}
        for item in self.sequence(top.items["svar"][1], "svar").items:
            node = self.mapping(item, "an answer", ("forvaltning", "stab", "verksamhet", "prognos", "kommentar",
                                                    "kostnadsslag", "arbetsbok", "inlast", "sparad"),
                                ("forvaltning", "arbetsbok", "inlast"))
            fid = self.text(node.items["forvaltning"][1], "forvaltning")
            views = [v for v in ("stab", "verksamhet") if v in node.items]
            if len(views) > 1:
                raise self.error(node.items["verksamhet"][0], "an answer is for a stab or a verksamhet, not both")
            vy = views[0] if views else "summa"
            key = self.text(node.items[vy][1], vy) if views else fid
            if (fid, vy, key) in seen:
                raise self.error(item, f"a second answer for {vy} {key} of {fid} (the first at line {seen[(fid, vy, key)]})")
            seen[(fid, vy, key)] = item.line
            prognos = self.amount(node.items["prognos"][1], "prognos") if "prognos" in node.items else None
            kommentar = self.text(node.items["kommentar"][1], "kommentar") if "kommentar" in node.items else None
            delar = []
            if "kostnadsslag" in node.items:
                for kid, (_, body) in self.mapping(node.items["kostnadsslag"][1], "kostnadsslag").items.items():
                    part = self.mapping(body, f"kostnadsslag {kid}", ("prognos", "kommentar"))
                    delar.append((kid, self.amount(part.items["prognos"][1], "prognos") if "prognos" in part.items else None,
                                  self.text(part.items["kommentar"][1], "kommentar") if "kommentar" in part.items else None))
            out.append(Answer(month, fid, vy, key, prognos, kommentar,
                              self.text(node.items["arbetsbok"][1], "arbetsbok"),
                              self.text(node.items["inlast"][1], "inlast"), tuple(delar), self.fil, item.line,
                              self.saved(node.items["sparad"][1]) if "sparad" in node.items else None))
        return out
