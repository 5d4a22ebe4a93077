"""The mapping file of `kfollow import`: how an export's accounts and objects become kfollow's keys.

A mapping is a strict YAML file, like the year files: unknown keys are errors (with a did-you-mean),
every error names file:line:column. It says which förvaltning, stab and verksamhet a ledger row
belongs to and whether its account is a cost, an income or no part of the nämnd's nettokostnad:

```yaml
forvaltning: ADM          # a fixed förvaltning id for the whole export
konton:                   # account prefix (digits) → kostnad | intakt | ignorera
  "1": ignorera           #   the longest matching prefix wins ("40": … beats "4": …);
  "2": ignorera           #   an account no prefix matches is an error
  "3": intakt
  "4": kostnad
  "5": kostnad
  "6": kostnad
  "7": kostnad
  "8": ignorera           # finansiella poster and skatter are no part of a nämnd's nettokostnad
stab:
  dimension: 1            # SIE: the dimension (1 = kostnadsställe/ansvar) whose objects are stabs
  objekt:                 # object code → stab id
    Nord: NORD
    Syd: SYD
    "1000-1999": EKO      # a range, both ends included (see below)
verksamhet:
  dimension: 6            # or 20 and up, where kommuner often keep the SCB verksamhet code
  objekt:
    "0001": "100"
    "0002": "130"
```

Keys of `forvaltning`, `stab` and `verksamhet` (at least one of `stab` and `verksamhet`):
- a fixed id (`forvaltning: ADM`, `verksamhet: "270"`): every row gets it;
- `{dimension: N, objekt: {code: id, …}}` for a SIE export, `{kolumn: NAME, objekt: {…}}` for a
  CSV export: the row's object of dimension N (or its cell in column NAME) is looked up in
  `objekt`. A row without an object there gets an empty key (ej fördelat); an object the rows
  use that `objekt` lacks is an error listing every such object with its amount, unless
  `--unmapped-empty` puts them under an empty key. Objects that are only declared are fine.
  Rows of `ignorera` accounts are not looked up. A förvaltning is never empty: a row without
  one is an error, also with `--unmapped-empty`.
- `""` as an object's id (`"2000": ""`) leaves its rows without that key on purpose (ej fördelat),
  e.g. the ansvar of a förvaltning that has no staber; never for `forvaltning`.
- `verksamhet: {fran_stab: {stab id: verksamhet code, …}}`: the verksamhet follows from the stab
  (one verksamhet per ansvar, as many kommuner organise it); a row without a stab gets none.

Under `objekt:` a key `"LOW-HIGH"` is a range, both ends included: compared as integers when both
ends are digits of the same length (`"1000-1999"` holds 1000 … 1999; only digit codes fall in it),
else as text (`"A-F"`). Digit ends of different length (`"1-99"`) are refused, since as text 100
would fall between them. Every key also matches the code exactly as written (so a code with a
hyphen, `K-100`, maps too), and an exact match wins over a range, so a range can have exceptions;
two ranges that overlap are an error. Codes are compared as written: `0001` is not `1`. A CSV export's
object cell may give a name after the code (`1120 Ekonomi`, or `EKO Ekonomi` where `objekt` has `EKO`): where
`objekt` lacks the cell as written, the code before the name is looked up (`Objects.code_in` says what is a code
and a name).

Several förvaltningar in one export: `forvaltning: {dimension: 1, objekt: {"1000-1999": KSF,
"2000-2999": BUN}}`. The same dimension may feed several keys (förvaltning and stab from ansvar).

For CSV exports (`kfollow import csv`) the mapping also names the columns:

```yaml
kolumner:
  konto: Konto
  period: Period          # YYYYMM, YYYY-MM or a date YYYY-MM-DD
  belopp: Belopp          # or  debet: Debet  and  kredit: Kredit  (belopp = debet − kredit), or all three
  kontonamn: Kontonamn    # optional: the accounts' names
decimal: ","              # optional: the decimal mark of the amounts, "," (default) or "."
```

One mapping may serve a huvudbok and a budget export: with `belopp` and `debet`/`kredit` both named, the
export's header decides which it has (`erp_csv._columns`), and a `kontonamn` column the export lacks is a note.

The file must be UTF-8 (a BOM is allowed), at most 1 MB, without control characters (tab, LF and
the CR of a CRLF line end, or of the file's end, are allowed) or bidi controls.
"""

from __future__ import annotations

import difflib
import re
from functools import cached_property
from dataclasses import dataclass, field
from pathlib import Path

from kfollow.sources.files import MAPPING_LIMIT, packed, read_bytes, without_end_mark
from kfollow.errors import DataError, control_class, control_kind
from kfollow.store import ID
from kfollow.sources.kostnadsslag import parse_kostnadsslag
from kfollow.sources.yaml_tree import BOM, Mapping, Node, Scalar, TreeReader, parse_yaml

SLAG = ("kostnad", "intakt", "ignorera")
KEYS = ("forvaltning", "stab", "verksamhet")
# C0 but tab and LF (a CR is allowed only before LF), DEL, C1, and the bidi embedding/override/isolate controls
_CONTROL = re.compile(control_class() + r"|\r(?!\n|\Z)")  # (a CRLF file's last line may end in its CR alone)
VERKSAMHET = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")  # a verksamhet code, as in year files
_RANGE = re.compile(r"([^-\s]+)-([^-\s]+)")
# an export's object cell that gives a name after the code (`1120 Ekonomi`, `A12 - IT-enheten`, `920 (Gemensamt)`):
# the code one word of ASCII letters and digits (`.`, `_`, `-` inside) with a digit in it, blanks (and a dash), then
# the name, which begins with a letter or a bracket and has two letters or more (`Objects.code_in`)
_NAMED_OBJECT = re.compile(r"([0-9A-Za-z](?:[0-9A-Za-z._-]*[0-9A-Za-z])?)[ \u00a0\u202f]+(?:[-\u2013][ \u00a0\u202f]+)?"
                           r"((?:[^\W\d_]|[(\[]).*)", re.S)
# a first word of any characters, then the name as after a code (`EKO Ekonomi`, `KSF - Kommunstyrelsens förvaltning`):
# a code where `objekt` has the word (`Objects.code_in`)
_SPACES = " \u00a0\u202f"
_WORD_AND_NAME = re.compile(r"([^ \u00a0\u202f]+)[ \u00a0\u202f]+(?:[-\u2013][ \u00a0\u202f]+)?((?:[^\W\d_]|[(\[]).*)", re.S)

# a month by its first three letters or its whole name, in Swedish or English (no two of them alike but for the
# same month)
MONTHS = {name: f"{number:02d}" for number, names in enumerate(
    (("jan", "januari", "january"), ("feb", "februari", "february"), ("mar", "mars", "march"), ("apr", "april"),
     ("maj", "may"), ("jun", "juni", "june"), ("jul", "juli", "july"), ("aug", "augusti", "august"),
     ("sep", "sept", "september"), ("okt", "oct", "oktober", "october"), ("nov", "november"), ("dec", "december")),
    start=1) for name in names}
# a short name may end with a dot (`sept. 2024`, `jan. 2024`: found in review, h84, where `Sept 2024` was read)
MONTHS |= {f"{name}.": MONTHS[name] for name in ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt",
                                                  "oct", "nov", "dec")}
# the words of a date written with its month's name (`15 mars 2024`, `1 jan. 2024`, `2024 mars`, `March 15, 2024`):
# a day, a year 19xx or 20xx, and the month (`_is_date`)
_DAY = re.compile(r"(?:0?[1-9]|[12][0-9]|3[01])\.?")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


def _is_date(cell: str) -> bool:
    """Whether an object cell is a date and nothing else, written with its month's name and a day or a year or
    both (`15 mars 2024`, `2024 mars`, `15 mars`): no code and a name (15, `mars 2024`), whatever objekt holds."""
    words = [w for w in re.split(r"[ \u00a0\u202f,]+", cell) if w]
    months = [w for w in words if w.lower() in MONTHS]
    days = [w for w in words if _DAY.fullmatch(w)]
    years = [w for w in words if _YEAR.fullmatch(w)]
    return len(months) == 1 and len(days) <= 1 and len(years) <= 1 and len(words) == 1 + len(days) + len(years) > 1


def _as_number(digits: str) -> tuple[int, str]:
    """ASCII digits as a sort key that orders them as integers (leading zeros aside), for any length."""
    stripped = digits.lstrip("0") or "0"
    return len(stripped), stripped


@dataclass(frozen=True)
class Range:
    low: str
    high: str
    numeric: bool  # both ends digits of the same length: compared as integers
    value: str
    key: Scalar  # where it is written

    def holds(self, code: str) -> bool:
        if self.numeric:
            # codes of many digits are compared as (length, text), which orders them as integers, without int()
            return code.isdigit() and code.isascii() and _as_number(self.low) <= _as_number(code) <= _as_number(self.high)
        return self.low <= code <= self.high


@dataclass(frozen=True)
class Objects:
    """`objekt:` of a key: exact codes and ranges → ids."""

    exact: dict[str, str]
    ranges: tuple[Range, ...]
    line: int
    column: int
    written: dict[str, tuple[int, int]] = field(default_factory=dict)  # id → where it is first written

    def lookup(self, code: str, fil: str) -> str | None:
        """The id for an object code, None when none matches; two matching ranges are an error."""
        if code in self.exact:
            return self.exact[code]
        found = self._holding(code)
        if len(found) > 1:
            a, b = found[0].key, found[1].key
            raise DataError(fil, b.line, b.column, f"object {code!r} falls in range '{a.value}' (line {a.line}) and in "
                                                   f"range '{b.value}'; make the ranges disjoint")
        return found[0].value if found else None

    def code_in(self, cell: str) -> str:
        """The code an export's object cell (CSV) is looked up by: the cell where `objekt` has it as written, else
        the code before a name (`1120 Ekonomi` is 1120; see `_NAMED_OBJECT`), else the cell. A first word without
        a digit is a code where `objekt` has it as an exact code (`EKO Ekonomi` is EKO), and read as the cell where
        it has not (`Nord Ost`: a code of letters, or a name of two words?) or where a longer code of `objekt`
        begins the cell too (`Nord Ost Centrum` with `Nord` and `Nord Ost`: which is the code?). Not read as a
        name: what after the code begins with a digit or has one letter alone (`1120 12`, `1120 A`: a code written
        with a space?), and a date written with its month's name (`15 mars 2024`, `2024 mars`: no object 15 or
        2024; `_is_date`)."""
        return self.split(cell)[0]

    def split(self, cell: str) -> tuple[str, str | None]:
        """(the code, the name) of an export's object cell, as `code_in` reads it: (`1120`, `Ekonomi`) of
        `1120 Ekonomi`; the name None where the cell is looked up as written."""
        if cell in self.exact:
            return cell, None
        named = _NAMED_OBJECT.fullmatch(cell)
        if named is not None and any(c.isdigit() for c in named[1]):
            if sum(c.isalpha() for c in named[2]) < 2 or _is_date(cell):  # (`15 mars 2024`: no 15 named `mars 2024`)
                return cell, None
            return named[1], named[2]
        word = self._lettered(cell)
        return (word[1], word[2]) if word is not None and self._unsplit(cell, word) is None else (cell, None)

    def unsplit(self, cell: str) -> str | None:
        """Why a cell that may read as a code and a name is looked up as written, and what to do, for the list of
        the objects the mapping lacks; None for any other cell."""
        if _is_date(cell):
            return "a date, not read as a code and a name; is the column right?"
        word = self._lettered(cell)
        return self._unsplit(cell, word) if word is not None and cell not in self.exact else None

    @staticmethod
    def _lettered(cell: str) -> re.Match | None:
        """A cell of a first word without a digit (`EKO Ekonomi`, `KSF - Kommunstyrelsens förvaltning`) and a name
        after it, as a code with a digit has one (`_NAMED_OBJECT`); None for any other cell."""
        word = _WORD_AND_NAME.fullmatch(cell)
        if word is None or any(c.isdigit() for c in word[1]) or sum(c.isalpha() for c in word[2]) < 2 \
                or _is_date(cell):
            return None
        return word

    def _unsplit(self, cell: str, word: re.Match) -> str | None:
        """Why a `_lettered` cell is not read as its first word and a name (None: it is), and what to do."""
        longer = next((code for code in self._spaced if len(code) > len(word[1]) and cell.startswith(code)
                       and cell[len(code)] in _SPACES), None)
        if word[1] not in self.exact:  # (a code of letters or a name of two words: only objekt can tell)
            if longer is not None:  # (`add 'Nord'` where objekt has `Nord Ost`: done, it was the next message; h94)
                return (f"objekt has {longer!r}, which begins it, but a code with a blank is read only as the whole "
                        "cell: add it as written")
            return f"a code of letters is read before a name only where objekt has it: add {word[1]!r} if it is the code"
        if longer is not None:
            return f"objekt has {word[1]!r} and {longer!r}, which both begin it: add it as written"
        return None

    @cached_property
    def _spaced(self) -> tuple[str, ...]:
        """The exact codes with a blank in them (`Nord Ost`, `2000 Gemensamt`), which a cell's first word may begin."""
        return tuple(code for code in self.exact if any(c in _SPACES for c in code))

    @cached_property
    def _sorted(self) -> tuple[tuple[list, list[int]], tuple[list, list[int]]]:
        """Per kind (numeric, text): the ranges' lower ends in order, and each one's place in `ranges`.
        Ranges of one kind are disjoint (an overlap is an error), so a code falls in at most one of each."""
        kinds = []
        for numeric in (True, False):
            places = sorted((i for i, r in enumerate(self.ranges) if r.numeric is numeric),
                            key=lambda i: _as_number(self.ranges[i].low) if numeric else self.ranges[i].low)
            kinds.append(([_as_number(self.ranges[i].low) if numeric else self.ranges[i].low for i in places], places))
        return kinds[0], kinds[1]

    def _holding(self, code: str) -> list[Range]:
        """The ranges that hold `code`, in the order they are written: one lookup in each kind's sorted lower
        ends, not a test of every range (10 000 ranges against 10 000 objects took 38 s)."""
        from bisect import bisect_right

        found = []
        for (lows, places), numeric in zip(self._sorted, (True, False)):
            if numeric and not (code.isdigit() and code.isascii()):
                continue
            at = bisect_right(lows, _as_number(code) if numeric else code) - 1
            if at >= 0 and self.ranges[places[at]].holds(code):
                found.append(places[at])
        return [self.ranges[i] for i in sorted(found)]


@dataclass(frozen=True)
class KeyMap:
    """How one key (forvaltning, stab or verksamhet) of a fact row is found."""

    name: str  # "forvaltning", "stab" or "verksamhet"
    line: int
    column: int
    fixed: str | None = None
    dimension: int | None = None  # SIE
    kolumn: str | None = None  # CSV
    objekt: Objects | None = None
    fran_stab: dict[str, str] | None = None

    @property
    def source(self) -> str | None:
        """The ledger column this key is read from (`dim_<n>` or `kolumn:<name>`); None if fixed or derived."""
        if self.dimension is not None:
            return f"dim_{self.dimension}"
        if self.kolumn is not None:
            return f"kolumn:{self.kolumn}"
        return None

    def describe(self) -> str:
        if self.dimension is not None:
            return f"dimension {self.dimension}"
        if self.kolumn is not None:
            return f"column {self.kolumn}"
        return "fran_stab" if self.fran_stab is not None else "fixed"


@dataclass(frozen=True)
class Columns:
    """`kolumner:` of a CSV mapping: the header names of the export's columns."""

    konto: str
    period: str
    belopp: str | None
    debet: str | None
    kredit: str | None
    line: int
    column: int
    kontonamn: str | None = None  # the accounts' names, for the tables' note (as a SIE export's #KONTO)
    at: tuple[tuple[str, int, int], ...] = ()  # each role's line and column in the mapping file, for its messages

    def where(self, role: str) -> tuple[int, int] | None:
        """The line and column where the mapping names `role`'s column, if known."""
        return next(((line, column) for r, line, column in self.at if r == role), None)


@dataclass(frozen=True)
class LedgerMapping:
    fil: str
    konton: dict[str, str]  # account prefix → kostnad | intakt | ignorera
    konton_at: tuple[int, int]
    forvaltning: KeyMap
    stab: KeyMap | None
    verksamhet: KeyMap | None
    kolumner: Columns | None = None
    decimal: str = ","
    decimal_at: tuple[int, int] | None = None
    _prefixes: tuple[str, ...] = field(default=(), repr=False)
    kostnadsslag: tuple = ()  # store.Kostnadsslag groups the mapping defines; the import's note carries them

    def keys(self) -> list[KeyMap]:
        return [k for k in (self.forvaltning, self.stab, self.verksamhet) if k is not None]

    def slag_of(self, konto: str) -> str | None:
        """kostnad, intakt or ignorera by the longest prefix of `konto` under konton; None if none matches."""
        for prefix in self._prefixes:  # longest first
            if konto.startswith(prefix):
                return self.konton[prefix]
        return None

    def dimensions(self) -> set[int]:
        """The SIE dimensions the mapping reads."""
        return {k.dimension for k in self.keys() if k.dimension is not None}

    def require(self, kind: str) -> None:
        """Refuse a mapping written for the other kind of export ("sie" or "csv")."""
        for key in self.keys():
            if kind == "sie" and key.kolumn is not None:
                raise DataError(self.fil, key.line, key.column, f"{key.name} names a kolumn, which is for CSV exports; "
                                                                "for a SIE export write dimension: N")
            if kind == "csv" and key.dimension is not None:
                raise DataError(self.fil, key.line, key.column, f"{key.name} names a dimension, which is for SIE "
                                                                "exports; for a CSV export write kolumn: NAME")
        if kind == "sie" and self.kolumner is not None:
            raise DataError(self.fil, self.kolumner.line, self.kolumner.column,
                            "kolumner is for CSV exports; remove it from a SIE mapping")
        if kind == "sie" and self.decimal_at is not None:
            raise DataError(self.fil, *self.decimal_at, "decimal is for CSV exports; remove it from a SIE mapping")
        if kind == "csv" and self.kolumner is None:
            raise DataError(self.fil, 1, 1, "a CSV export needs kolumner: (konto, period, and belopp or debet and "
                                            "kredit) naming the columns of its header; add it")
        if kind == "csv":  # a key read from a column that kolumner reads as something else
            k = self.kolumner
            roles = {k.konto: "konto", k.period: "period", k.belopp: "belopp", k.debet: "debet", k.kredit: "kredit"}
            for key in self.keys():
                if key.kolumn is not None and key.kolumn in roles:
                    raise DataError(self.fil, key.line, key.column, f"{key.name} is read from the column "
                                    f"'{key.kolumn}', which kolumner reads as {roles[key.kolumn]}; give {key.name} "
                                    "its own column of the export")


def read_mapping(path: Path, display: str | None = None) -> LedgerMapping:
    """Read and check a mapping file; `DataError` (file:line:column) or `InputOutputError`."""
    name = display or str(path)
    raw = read_bytes(path, MAPPING_LIMIT, "mapping", display=name)
    _not_an_export(raw, name, path)
    _check_text(raw, name)
    return _MappingParser(name).parse(parse_yaml(raw, name))


# the labels a SIE file begins with (#FLAGGA first, by the standard): a line no mapping has, since in YAML a `#` begins
# a comment, which is written `# …`
_SIE_LABEL = re.compile(rb"#(FLAGGA|FORMAT|SIETYP|PROGRAM|GEN|FNAMN|ORGNR|RAR|KPTYP|KONTO|VER)(?=[ \t\r\n]|$)")


# a line of the mapping's own keys at the top level: a mapping's text, whatever the file is named
_MAPPING_KEY = re.compile(rb"^(forvaltning|konton|stab|verksamhet|kolumner|decimal|kostnadsslag)[ \t]*:", re.MULTILINE)


def _not_an_export(raw: bytes, name: str, path: Path | None = None) -> None:
    """The export given as the mapping (the two swapped on the command line) → DataError saying so, where the
    export's encoding (cp437, Windows-1252) would be refused as not UTF-8, with the advice to save it again as
    UTF-8, and a SIE file in UTF-8, all `#` lines, as an empty mapping (found trying kfollow as a new user, h152).
    A mapping's text in a file named `.csv` is said to be a mapping misnamed (it was 'this is a CSV file'), and a
    workbook or packed file given as the mapping is said to be one (it was 'byte 0x8f is not UTF-8 …; save the file
    as UTF-8 in Notepad'); found in review, h163."""
    body = raw[len(BOM):] if raw.startswith(BOM) else raw
    first = body.lstrip(b" \t\r\n").split(b"\n", 1)[0]
    usage = ("the export is the file to import and the mapping the YAML file after --mapping: kfollow import {} "
             "EXPORT.{} --mapping MAPPING.yaml")
    if _SIE_LABEL.match(first):
        label = first.split()[0].decode("ascii")
        raise DataError(name, 1, 1, f"this is a SIE export (it begins with {label}), not a mapping; "
                                    + usage.format("sie", "se"))
    if (kind := packed(raw[:512], path)) is not None:
        raise DataError(name, 1, 1, f"this is {kind}, not a mapping: the mapping is a YAML text file (mapping.yaml, "
                                    "see README, The mapping file); give that file after --mapping")
    if name.lower().endswith(".csv"):
        if _MAPPING_KEY.search(body):
            stem = Path(name).stem
            raise DataError(name, 1, 1, f"the mapping is a YAML file (mapping.yaml), not a CSV file, but this one is "
                                        f"named .csv; rename it {stem}.yaml and give that name after --mapping")
        raise DataError(name, 1, 1, "this is a CSV file, not a mapping; " + usage.format("csv", "csv"))


def _check_text(raw: bytes, name: str) -> None:
    """Control and bidi characters anywhere (comments too) → DataError at their line:column."""
    body = without_end_mark(raw[len(BOM):] if raw.startswith(BOM) else raw)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return  # parse_yaml names the byte and its place
    if (m := _CONTROL.search(text)) is not None:
        char = m.group()
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        raise DataError(name, line, column, f"{control_kind(char)} in the mapping; remove it")
    if not any(ln.strip() and not ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise DataError(name, 1, 1, "mapping is empty; write forvaltning, konton and stab or verksamhet")


class _MappingParser(TreeReader):
    def parse(self, root: Node) -> LedgerMapping:
        top = self.mapping(root, "the mapping", ("forvaltning", "konton", "stab", "verksamhet", "kolumner", "decimal",
                                                 "kostnadsslag"), ("forvaltning", "konton"))
        items = top.items
        konton_node = self.mapping(items["konton"][1], "konton (account prefix: kostnad, intakt or ignorera)")
        konton = self.konton(konton_node)
        forvaltning = self.key("forvaltning", items["forvaltning"])
        stab = self.key("stab", items["stab"]) if "stab" in items else None
        verksamhet = self.key("verksamhet", items["verksamhet"], stab) if "verksamhet" in items else None
        if stab is None and verksamhet is None:
            raise self.error(top, "the mapping has neither stab nor verksamhet; a fact row needs at least one of them")
        kolumner = self.columns(items["kolumner"][1]) if "kolumner" in items else None
        decimal, decimal_at = ",", None
        if "decimal" in items:
            dnode = items["decimal"][1]
            if not isinstance(dnode, Scalar) or dnode.value not in (",", "."):
                raise self.error(dnode, 'decimal must be "," or "." (quoted), the decimal mark of the amounts')
            decimal, decimal_at = dnode.value, (items["decimal"][0].line, items["decimal"][0].column)
        konton_key = items["konton"][0]
        groups = parse_kostnadsslag(self, items["kostnadsslag"][1]) if "kostnadsslag" in items else ()
        return LedgerMapping(self.fil, konton, (konton_key.line, konton_key.column), forvaltning, stab, verksamhet,
                             kolumner, decimal, decimal_at, tuple(sorted(konton, key=len, reverse=True)), groups)

    def konton(self, node: Mapping) -> dict[str, str]:
        if not node.items:
            raise self.error(node, "konton is empty; map account prefixes, e.g. \"4\": kostnad")
        konton = {}
        for prefix, (knode, value) in node.items.items():
            if not (prefix.isdigit() and prefix.isascii()):  # an account is digits: no other prefix matches one
                raise self.error(knode, f"account prefix {prefix!r} must be digits, the start of account numbers, "
                                        "e.g. \"40\"")
            slag = self.text(value, f"konton {prefix}")
            slag = {"intäkt": "intakt"}.get(slag, slag)
            if slag not in SLAG:
                close = difflib.get_close_matches(slag, SLAG, n=1, cutoff=0.5)
                hint = f"did you mean '{close[0]}'?" if close else "write kostnad, intakt or ignorera"
                raise self.error(value, f"konton {prefix}: '{slag}' is not kostnad, intakt or ignorera; {hint}")
            konton[prefix] = slag
        return konton

    def key(self, name: str, entry: tuple[Scalar, Node], stab: KeyMap | None = None) -> KeyMap:
        knode, node = entry
        if isinstance(node, Scalar):
            return KeyMap(name, knode.line, knode.column, fixed=self.id(node, name, f"{name}"))
        allowed = ("dimension", "kolumn", "objekt") + (("fran_stab",) if name == "verksamhet" else ())
        body = self.mapping(node, name, allowed)
        present = [k for k in ("dimension", "kolumn", "fran_stab") if k in body.items]
        if len(present) != 1:
            ways = "dimension: N (SIE) or kolumn: NAME (CSV)" + (" or fran_stab:" if name == "verksamhet" else "")
            problem = "names both " + " and ".join(present) if present else "does not say where its objects are"
            raise self.error(body, f"{name} {problem}; give one of {ways}")
        if present[0] == "fran_stab":
            if "objekt" in body.items:
                raise self.error(body.items["objekt"][0], "verksamhet with fran_stab takes no objekt; map stab ids "
                                                          "to verksamhet codes under fran_stab")
            if stab is None or stab.fixed is not None:
                raise self.error(body.items["fran_stab"][0], "fran_stab needs a stab read from a dimension or column; "
                                                             "add stab: {dimension: N, objekt: …}")
            return KeyMap(name, knode.line, knode.column, fran_stab=self.fran_stab(body.items["fran_stab"][1]))
        if "objekt" not in body.items:
            raise self.error(body, f"{name} lacks 'objekt' (object code: {name} id); add it")
        objekt = self.objects(body.items["objekt"], name)
        if present[0] == "dimension":
            dnode = body.items["dimension"][1]
            text = self.text(dnode, f"dimension of {name}")
            # (the numbers the SIE reader takes: a dimension it reads can be mapped)
            if not (text.isdigit() and text.isascii() and len(text) <= 6 and 1 <= int(text) <= 999_999):
                raise self.error(dnode, f"dimension of {name} '{text}' is not a SIE dimension number (1–999999); "
                                        "write e.g. 1 (kostnadsställe/ansvar), 6 (projekt) or 20")
            return KeyMap(name, knode.line, knode.column, dimension=int(text), objekt=objekt)
        kolumn = self.text(body.items["kolumn"][1], f"kolumn of {name}")
        return KeyMap(name, knode.line, knode.column, kolumn=kolumn, objekt=objekt)

    def id(self, node: Node, name: str, what: str) -> str:
        value = self.text(node, what)
        if name == "verksamhet":
            if not VERKSAMHET.fullmatch(value):
                raise self.error(node, f"{what} '{value}' is not a verksamhet code; use digits such as \"100\"")
        elif not ID.fullmatch(value):
            raise self.error(node, f"{what} '{value}' must be letters, digits, - or _ (e.g. {'KLF' if name == 'forvaltning' else 'EKO'})")
        return value

    def objects(self, entry: tuple[Scalar, Node], name: str) -> Objects:
        key, node = entry
        body = self.mapping(node, f"objekt of {name} (object code: {name} id)")
        if not body.items:
            raise self.error(body, f"objekt of {name} is empty; map at least one object code")
        exact: dict[str, str] = {}
        ranges: list[Range] = []
        written: dict[str, tuple[int, int]] = {}
        for code, (knode, value) in body.items.items():
            if isinstance(value, Scalar) and not value.value.strip() and name != "forvaltning":
                target = ""  # deliberately without a key: ej fördelat, and no error for an unmapped object
            else:
                target = self.id(value, name, f"{name} id of object {code}")
            if not code or code != code.strip():
                raise self.error(knode, f"object code {code!r} is empty or has spaces around it; write the code as in the export")
            exact[code] = target  # a key always matches the code as written (also `K-100`)
            if isinstance(value, Scalar):
                written.setdefault(target, (value.line, value.column))
            m = _RANGE.fullmatch(code)
            if m is None:
                continue
            low, high = m.groups()
            digits = low.isdigit() and high.isdigit() and low.isascii() and high.isascii()
            if digits and len(low) != len(high):
                raise self.error(knode, f"range '{code}' has ends of different length, which compare as text "
                                        f"(so {high}0 would fall in it); write both ends with as many digits, e.g. "
                                        f"'{low.zfill(len(high))}-{high}'")
            if digits and low > high:
                raise self.error(knode, f"range '{code}' runs backwards; write the lower end first: '{high}-{low}'")
            if low <= high:  # a text "range" that runs backwards is a code with a hyphen
                ranges.append(Range(low, high, digits, target, knode))
        for kind in (True, False):
            same = sorted((r for r in ranges if r.numeric is kind),
                          key=lambda r: (_as_number(r.low), _as_number(r.high)) if kind else (r.low, r.high))
            for a, b in zip(same, same[1:]):
                if (_as_number(b.low) <= _as_number(a.high)) if kind else (b.low <= a.high):
                    first, second = sorted((a.key, b.key), key=lambda k: (k.line, k.column))
                    raise self.error(second, f"range '{second.value}' overlaps range '{first.value}' (line "
                                             f"{first.line}); make them disjoint")
        return Objects(exact, tuple(ranges), key.line, key.column, written)

    def fran_stab(self, node: Node) -> dict[str, str]:
        body = self.mapping(node, "fran_stab (stab id: verksamhet code)")
        if not body.items:
            raise self.error(body, "fran_stab is empty; map each stab id to its verksamhet code")
        result = {}
        for sid, (knode, value) in body.items.items():
            if not ID.fullmatch(sid):
                raise self.error(knode, f"stab id '{sid}' under fran_stab must be letters, digits, - or _")
            result[sid] = self.id(value, "verksamhet", f"verksamhet of stab {sid}")
        return result

    def columns(self, node: Node) -> Columns:
        body = self.mapping(node, "kolumner", ("konto", "period", "belopp", "debet", "kredit", "kontonamn"),
                            ("konto", "period"))
        names = {k: self.text(v, f"kolumner {k}") for k, (_, v) in body.items.items()}
        has_belopp, has_pair = "belopp" in names, ("debet" in names, "kredit" in names)
        if has_belopp and any(has_pair) and not all(has_pair):  # (belopp and both: the export's header decides)
            given, lacking = ("debet", "kredit") if has_pair[0] else ("kredit", "debet")
            raise self.error(body.items[given][0], f"kolumner names belopp and {given} without {lacking}; add "
                                                   f"{lacking}: NAME (an export with debet and kredit is read as "
                                                   f"belopp = debet − kredit, one with belopp as it is), or remove "
                                                   f"{given}")
        if not has_belopp and not all(has_pair):
            raise self.error(body, "kolumner lacks the amount; add belopp, or debet and kredit")
        seen: dict[str, str] = {}
        for role, (knode, _) in body.items.items():  # a column read twice (debet and kredit) would net to 0
            if names[role] in seen:
                raise self.error(knode, f"kolumner {seen[names[role]]} and {role} both name the column "
                                        f"'{names[role]}'; give each its own column of the export")
            seen[names[role]] = role
        return Columns(names["konto"], names["period"], names.get("belopp"), names.get("debet"), names.get("kredit"),
                       body.line, body.column, names.get("kontonamn"),
                       tuple((role, v.line, v.column) for role, (_, v) in body.items.items()))
