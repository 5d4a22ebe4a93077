"""SIE 4 writer: a small export for tests and the example kommun, read back by `kfollow.sources.sie`.

Writes `#FLAGGA 0`, `#FORMAT PC8`, `#SIETYP 4`, the header (#PROGRAM, #GEN, #FNAMN, #RAR), the chart
(#KONTO), dimensions (#DIM, #UNDERDIM), objects (#OBJEKT), period balances (#PSALDO) and vouchers
(#VER with #TRANS, #RTRANS and #BTRANS rows). Not a general SIE writer: no #IB/#UB/#RES, no
#PBUDGET, no #KSUMMA. Money is int öre, debit positive, credit negative (as in SIE).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
import datetime
from dataclasses import dataclass, field
from pathlib import Path

ENCODINGS = ("cp437", "utf-8", "iso-8859-15")


@dataclass(frozen=True)
class Row:
    """One voucher row. `belopp` in öre, debit positive."""

    konto: str
    belopp: int
    objects: Mapping[int, str] = field(default_factory=dict)  # dimension → object code
    date: str | datetime.date | None = None  # YYYY-MM-DD; None leaves the field out (the voucher's date holds)
    text: str = ""
    kind: str = "trans"  # "trans"; "rtrans": added afterwards (#RTRANS and its #TRANS copy); "btrans": removed


@dataclass(frozen=True)
class Voucher:
    """A #VER and its rows; the rows of a balanced voucher sum to 0."""

    date: str | datetime.date  # YYYY-MM-DD
    rows: Sequence[Row]
    text: str = ""
    series: str = "A"
    number: str | None = None  # None: the voucher's position in `vouchers`, from 1


@dataclass(frozen=True)
class Saldo:
    """A #PSALDO row: the change during the period, in öre; no objects = the `{}` total."""

    rar: int  # year index: 0 the current year, -1 the previous
    period: str  # YYYY-MM
    konto: str
    belopp: int
    objects: Mapping[int, str] = field(default_factory=dict)


def write_sie(
    path: str | Path,
    *,
    company: str,
    generated: str | datetime.date,
    years: Mapping[int, tuple[str | datetime.date, str | datetime.date]],
    accounts: Mapping[str, str],
    dimensions: Mapping[int, str | tuple[str, int]] | None = None,
    objects: Mapping[tuple[int, str], str] | None = None,
    vouchers: Iterable[Voucher] = (),
    psaldo: Iterable[Saldo] = (),
    program: tuple[str, str] = ("kfollow", "0.1.0"),
    encoding: str = "cp437",
    newline: str = "\r\n",
    separator: str = " ",
) -> Path:
    """Write a SIE 4 file and return its path.

    `years`: year index → (first day, last day). `dimensions`: number → name, or (name, parent)
    for a #UNDERDIM. `encoding` is one of ENCODINGS (the file says PC8 whatever it is, as real
    exports do); `newline` "\\r\\n", "\\n" or "\\r"; `separator` " " or "\\t". Text that the encoding
    cannot hold raises UnicodeEncodeError; a line break inside a field raises ValueError.
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding {encoding!r}: use one of {', '.join(ENCODINGS)}")
    lines = _records(company, generated, years, accounts, dimensions or {}, objects or {}, vouchers, psaldo,
                     program, separator)
    target = Path(path)
    target.write_bytes((newline.join(lines) + newline).encode(encoding))
    return target


def _records(company, generated, years, accounts, dimensions, objects, vouchers, psaldo, program, sep) -> Iterator[str]:
    def record(*fields: str) -> str:
        return sep.join(fields)

    yield record("#FLAGGA", "0")
    yield record("#FORMAT", "PC8")
    yield record("#SIETYP", "4")
    yield record("#PROGRAM", _text(program[0]), _text(program[1]))
    yield record("#GEN", _day(generated))
    yield record("#FNAMN", _text(company))
    for index, (start, end) in years.items():
        yield record("#RAR", str(index), _day(start), _day(end))
    for konto, name in accounts.items():
        yield record("#KONTO", _text(konto), _text(name))
    for number, spec in dimensions.items():
        if isinstance(spec, tuple):
            yield record("#UNDERDIM", str(number), _text(spec[0]), str(spec[1]))
        else:
            yield record("#DIM", str(number), _text(spec))
    for (dimension, code), name in objects.items():
        yield record("#OBJEKT", str(dimension), _text(code), _text(name))
    for row in psaldo:
        yield record("#PSALDO", str(row.rar), row.period.replace("-", ""), _text(row.konto),
                     _objects(row.objects, sep), _amount(row.belopp))
    for position, voucher in enumerate(vouchers, 1):
        number = voucher.number if voucher.number is not None else str(position)
        yield record("#VER", _text(voucher.series), _text(number), _day(voucher.date), _text(voucher.text))
        yield "{"
        for row in voucher.rows:
            fields = [_text(row.konto), _objects(row.objects, sep), _amount(row.belopp)]
            if row.date is not None or row.text:
                fields.append(_day(row.date) if row.date is not None else '""')
            if row.text:
                fields.append(_text(row.text))
            if row.kind == "rtrans":
                yield record("#RTRANS", *fields)
            elif row.kind == "btrans":
                yield record("#BTRANS", *fields)
                continue
            elif row.kind != "trans":
                raise ValueError(f"row kind {row.kind!r}: use 'trans', 'rtrans' or 'btrans'")
            yield record("    #TRANS", *fields)
        yield "}"


def _text(value: str) -> str:
    """A field, quoted when it must be (empty, blanks, quotes, braces, backslashes)."""
    if "\n" in value or "\r" in value:
        raise ValueError(f"line break in SIE field {value!r}")
    if value and not any(c in value for c in ' \t"{}\\'):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _objects(objects: Mapping[int, str], sep: str) -> str:
    return "{" + sep.join(f"{dimension}{sep}{_quoted(code)}" for dimension, code in objects.items()) + "}"


def _quoted(value: str) -> str:
    text = _text(value)
    return text if text.startswith('"') else f'"{text}"'


def _amount(ore: int) -> str:
    """Öre → SIE amount text, e.g. -125050 → "-1250.50"."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    return f"{sign}{kronor}.{rest:02d}"


def _day(value: str | datetime.date) -> str:
    """YYYY-MM-DD (text or date) → YYYYMMDD."""
    return str(value).replace("-", "")
