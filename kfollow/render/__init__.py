"""Report frame → table / csv / json / md. Formats and writes; never computes a figure.

Int64 columns of a report frame are money in öre; Float64 columns are percentages.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl

from kfollow.errors import InputOutputError, UsageError
from kfollow.options import ORE_PER_UNIT, Format, Options

NBSP = "\u00a0"


# column → header for people; {year} columns are matched by pattern below
HEADERS = {
    "stab": "Stab", "verksamhet": "Verksamhet", "forvaltning": "Förvaltning", "namn": "Namn",
    "budget": "Budget", "utfall": "Utfall", "avvikelse": "Avvikelse",
    "avvikelse_pct": "Avvikelse %", "andel_pct": "Andel av summa %", "forandring": "Förändring",
    "forandring_pct": "Förändring %", "prognos": "Prognos helår", "kommentar": "Kommentar",
    "fil": "Fil", "rad": "Rad", "niva": "Nivå", "meddelande": "Meddelande",
    "projekt": "Projekt", "status": "Status", "beslutad_budget": "Beslutad budget", "ack_utfall": "Ack. utfall", "budgetavvikelse_ack": "Budgetavvikelse ack.", "varav_overfort": "Varav överfört", "beraknad_totalutgift": "Beräknad totalutgift", "avvikelse_totalutgift": "Avvikelse totalutgift",
    "budget_helar": "Budget helår", "prognos_period": "Prognos från", "prognos_avvikelse": "Avvikelse prognos",
    "datum": "Datum", "beslut": "Beslut", "text": "Text", "post": "Post", "belopp": "Belopp", "netto": "Netto",
    "radtyp": "Radtyp", "redovisas_som": "Redovisas som", "manad": "Månad", "budget_ack": "Budget ack.",
    "utfall_ack": "Utfall ack.", "avvikelse_ack": "Avvikelse ack.", "avvikelse_ack_pct": "Avvikelse ack. %",
    "jmf_prognos": "Jmf. prognos", "jmf_avvikelse": "Jmf. avvikelse", "avvikelse_forandring": "Förändring avvikelse",
}
_YEAR_HEADERS = [
    (re.compile(r"utfall_(\d{4})$"), "Utfall {0}"),
    (re.compile(r"andel_(\d{4})_pct$"), "Andel {0} av summa %"),
]
# columns that only machines need: hidden in table and md
MACHINE_ONLY = {"radtyp", "redovisas_som", "forvaltning", "stab", "verksamhet", "projekt", "namn"}


def header(col: str) -> str:
    if col in HEADERS:
        return HEADERS[col]
    for pattern, label in _YEAR_HEADERS:
        if m := pattern.match(col):
            return label.format(*m.groups())
    return col


def money(ore: int | None, opts: Options, swedish: bool) -> str | None:
    """Öre → the unit, rounded half away from zero; `1 240,8` for people, `1240.8` for machines."""
    if ore is None:
        return None
    value = (Decimal(ore) / ORE_PER_UNIT[opts.unit.value]).quantize(Decimal(1).scaleb(-opts.places), ROUND_HALF_UP)
    return swedish_number(value) if swedish else _plain(value)


def percent(value: float | None, swedish: bool, places: int = 1) -> str | None:
    if value is None:
        return None
    # repr gives the shortest text that round-trips, so 2.25 rounds to 2.3 as a person expects
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return swedish_number(rounded) if swedish else _plain(rounded)


def diagnostic_amount(ore: int | None, unit: str) -> str:
    """`3 646,2 tkr (3,6 mnkr)` for messages: exact in the file's unit, and as the tables print it."""
    if ore is None:
        return "nothing"
    exact = swedish_number((Decimal(ore) / ORE_PER_UNIT[unit]).normalize() + 0).replace(NBSP, " ")
    if unit == "mnkr":
        return f"{exact} mnkr"
    return f"{exact} {unit} ({money(ore, Options(), True).replace(NBSP, ' ')} mnkr)"


def _plain(value: Decimal) -> str:
    """`1240.8` for machines; a value that rounds to zero is `0.0`, never `-0.0`."""
    return str(abs(value) if value == 0 else value)


def swedish_number(value: Decimal) -> str:
    """`Decimal('-1240.8')` → `-1 240,8` (no-break space between thousands)."""
    sign = "-" if value < 0 else ""
    text = f"{abs(value):f}"
    whole, _, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    if value == 0:
        sign = ""  # no "-0,0"
    return sign + NBSP.join(groups) + ("," + frac if frac else "")


def _cell(value, dtype: pl.DataType, opts: Options, swedish: bool):
    if dtype == pl.Int64:
        return money(value, opts, swedish)
    if dtype == pl.Float64:
        return percent(value, swedish)
    return value


def _label(row: dict) -> str:
    """The first column for people: the name as the published tables print it."""
    radtyp = row.get("radtyp")
    name = row.get("namn") or ""
    if radtyp in ("kostnader", "intakter"):
        return "  " + name
    if radtyp == "rad" and row.get("verksamhet"):
        return f"{row['verksamhet']} - {name}"
    if radtyp == "summa" and row.get("redovisas_som"):
        return "Summa nettokostnad" if row.get("redovisas_som") == "nettokostnad" else "Summa resultat"
    return name


def machine_columns(frame: pl.DataFrame, opts: Options) -> list[str]:
    return [c for c in frame.columns if c != "kommentar" or opts.comments or opts.format is Format.json]


def rows_for_people(frame: pl.DataFrame, opts: Options) -> tuple[list[str], list[list], list[str]]:
    """Headers, formatted rows and column alignment for table and md."""
    labelled = "namn" in frame.columns  # a report of named rows: one label column replaces the keys
    hidden = MACHINE_ONLY if labelled else {"radtyp"}
    cols = [c for c in frame.columns if c not in hidden and (c != "kommentar" or opts.comments)]
    headers = ([header(_key(frame))] if labelled else []) + [header(c) for c in cols]
    align = (["left"] if labelled else []) + ["right" if frame.schema[c] in (pl.Int64, pl.Float64) else "left" for c in cols]
    rows = []
    for row in frame.iter_rows(named=True):
        cells = [_label(row)] if labelled else []
        cells += [_cell(row[c], frame.schema[c], opts, True) for c in cols]
        rows.append(["–" if v is None and a == "right" else ("" if v is None else v) for v, a in zip(cells, align)])
    return headers, rows, align


def _key(frame: pl.DataFrame) -> str:
    for key in ("stab", "verksamhet", "projekt", "forvaltning", "rad"):
        if key in frame.columns:
            return key
    return "namn"


def to_table(frame: pl.DataFrame, opts: Options, fmt: str = "simple") -> str:
    from tabulate import tabulate

    headers, rows, align = rows_for_people(frame, opts)
    body = tabulate(rows, headers=headers, tablefmt=fmt, colalign=align, disable_numparse=True)
    title = f"{opts.title}\n\n" if opts.title else ""
    return title + body + "\n" + _footnote(frame)


def _footnote(frame: pl.DataFrame) -> str:
    """Say so when a total adds förvaltningar presented as resultat to ones presented as nettokostnad."""
    if "redovisas_som" not in frame.columns:
        return ""
    kinds = set(frame.filter(pl.col("radtyp") != "summa")["redovisas_som"].drop_nulls().to_list())
    if kinds != {"nettokostnad", "resultat"}:
        return ""
    return ("\nAnm.: Summa nettokostnad räknar även förvaltningar som redovisas som resultat (intäkter − kostnader) "
            "som nettokostnad, alltså med omvänt tecken.\n")


def to_md(frame: pl.DataFrame, opts: Options) -> str:
    return to_table(frame, opts, fmt="pipe")


def to_csv(frame: pl.DataFrame, opts: Options, excel: bool = False) -> str:
    """CSV for scripts (comma, `1240.8`); with `excel`, for Swedish Excel (BOM, semicolon, `1240,8`)."""
    cols = machine_columns(frame, opts)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
    writer.writerow([header(c) for c in cols] if excel else cols)  # Excel is read by people
    for row in frame.select(cols).iter_rows():
        cells = (_cell(v, frame.schema[c], opts, False) for v, c in zip(row, cols))
        if excel:
            cells = (v.replace(".", ",") if isinstance(v, str) and frame.schema[c] in (pl.Int64, pl.Float64) else v
                     for v, c in zip(cells, cols))
        writer.writerow(["" if v is None else v for v in cells])
    return ("\ufeff" if excel else "") + buf.getvalue()


def to_excel(frame: pl.DataFrame, opts: Options) -> str:
    return to_csv(frame, opts, excel=True)


def to_json(frame: pl.DataFrame, opts: Options) -> str:
    cols = machine_columns(frame, opts)
    records = []
    for row in frame.select(cols).iter_rows():
        record = {}
        for v, c in zip(row, cols):
            text = _cell(v, frame.schema[c], opts, False)
            if text is not None and frame.schema[c] in (pl.Int64, pl.Float64):
                text = int(text) if "." not in text else float(text)  # the rounded figure, as a JSON number
            record[c] = text
        records.append(record)
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def to_findings(findings: pl.DataFrame) -> str:
    """`check` findings for people and editors: `file:line:column: fel|varning: message`, one a line."""
    def where(r: dict) -> str:
        return ":".join(str(p) for p in (r["fil"], r["rad"], r["kolumn"]) if p is not None)

    return "".join(f"{where(r)}: {r['niva']}: {r['meddelande']}\n" for r in findings.iter_rows(named=True))


RENDERERS = {Format.table: to_table, Format.csv: to_csv, Format.json: to_json, Format.md: to_md, Format.excel: to_excel}


def render(frame: pl.DataFrame, opts: Options) -> str:
    return RENDERERS[opts.format](frame, opts)


def write(text: str, out: Path | None) -> None:
    """Write to stdout, or to `out`: a regular file is replaced atomically (a failed run leaves no
    partial file) keeping its permissions, a link is followed, a pipe or device is written to."""
    if out is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader (e.g. `head`) has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError as exc:
            raise InputOutputError(f"cannot write to standard output ({exc.strerror})") from None
        return
    target = Path(out).resolve()
    try:
        if target.exists() and not target.is_file():  # a FIFO, a device: write in place
            with open(target, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            return
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputOutputError(f"{out}: cannot write file ({exc.strerror}); check that the folder exists and is writable") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def format_for(out: Path | None, fmt: Format | None) -> Format:
    """The --format given, else the one the -o file's extension names, else table."""
    if fmt is not None:
        return fmt
    if out is not None:
        suffix = Path(out).suffix.lower().lstrip(".")
        if suffix in ("csv", "json", "md"):
            return Format(suffix)
        if suffix in ("xlsx", "xls", "ods"):
            raise UsageError(f"{out}: kfollow writes text, not spreadsheet files; use --format excel -o "
                             f"{Path(out).with_suffix('.csv')} (opens in Excel)")
    return Format.table
