"""A real Excel workbook (.xlsx): one sheet per `Report`, written by polars' `write_excel` on an
xlsxwriter workbook kept in memory.

Each sheet: the caption, unit, period, sources (`Källor:`, named relative to their folder; a document's
sources, revisions and last booked period stand on a last sheet of their own instead) and notes (`Anm.:`,
each once) above the table; the people columns under
their Swedish headers; amounts as numbers, exact to the öre in the report's unit (a Decimal per cell,
never a float), shown with the chosen decimals (`#,##0.0`); percent as percent values (`10.748206`,
format `0.0`: the exact percent truncated to six decimals, so that Excel shows what kfollow's tables
show). Totals are kfollow's figures, never formulas, so Excel's SUM of the rows equals the Summa row
exactly. `summa`/`delsumma` rows are bold (and a förvaltning's name: `RowKind.bold_label`, as in every
format), a label under its row (a varav line, a part) is indented by its cell's format (the cell holds
the label alone), the header row is frozen, widths follow the text kfollow prints, and comments wrap in
their column (no row height is set, so Excel and LibreOffice fit each row to its text). Text stays
text: formulas and URLs are not interpreted, and a cell that starts like a formula (`=`, `+`, `-`, `@`)
carries Excel's quote prefix so it stays text when edited. The bytes are the same for the same reports.
"""

from __future__ import annotations

import io
import os
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import polars as pl

from kfollow.options import ORE_PER_UNIT, Options
from kfollow.render.columns import CONTROL_RE, FORMULA, NUMERIC, as_text, exact_of, for_people, month_said, printable
from kfollow.render.numbers import percent_value_expr
from kfollow.report import Column, Kind, Report, notes_shown

if TYPE_CHECKING:
    from xlsxwriter import Workbook
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

CREATED = datetime(1980, 1, 1, tzinfo=timezone.utc)  # the zip entries' date too: same reports, same bytes
_UNIX = 3  # zipfile's `create_system` of an entry written on Unix (0 on Windows)
MAX_WIDTH = 60  # characters; a longer text runs on into the empty cells to its right
COMMENT_WIDTH = 50  # characters: a comment column this wide wraps its text onto more lines
LINE_HEIGHT = 15  # points: a line of the default font (Calibri 11)
MAX_ROW_HEIGHT = 409  # points: the tallest row Excel has
SHEET_NAME_MAX = 31
CELL_MAX = 32_767  # characters Excel keeps in a cell; a longer text is cut, ending in "…", with a note
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def to_xlsx(reports: list[Report] | Report, opts: Options, sheet_names: list[str] | None = None,
            notices: list[str] | None = None, footer: tuple[str, ...] | list[str] = (), title: str | None = None,
            footer_label: str = "Underlag för granskning") -> bytes:
    """The reports as an .xlsx workbook, one sheet each; amounts in each report's unit, exact to the öre.

    `sheet_names` (one per report) default to the reports' titles; either way they are made valid
    for Excel (≤ 31 characters, none of `[]:*?/\\`, unique). A text longer than Excel keeps in a
    cell (`CELL_MAX`) is cut, ending in "…"; `notices` (when given) gets a line per sheet saying so,
    for the person running the command. `footer` (a document's sources, revisions and last booked period) is
    the workbook's last sheet, `footer_label` its name and first line, as the other formats of a document end
    with it; the tables' sheets then name no sources of their own."""
    import xlsxwriter

    reports = [reports] if isinstance(reports, Report) else list(reports)
    if sheet_names is not None and len(sheet_names) != len(reports):
        raise ValueError(f"{len(sheet_names)} sheet names for {len(reports)} reports")
    footer = tuple(dict.fromkeys(footer))
    names = sheet_names_for([*(sheet_names or [r.title for r in reports]), *([footer_label] if footer else [])])
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False, "in_memory": True})
    # (a document's own title, not its first table's caption: found by a new user)
    workbook.set_properties({"title": _clean(title if title is not None else reports[0].caption if reports else ""),
                             "created": CREATED})
    formats = _Formats(workbook)
    for number, (report, name) in enumerate(zip(reports, names), start=1):
        cut = _sheet(workbook, workbook.add_worksheet(name), report, opts, formats, f"Tabell{number}", footer)
        if cut and notices is not None:
            notices.append(f"warning: xlsx: {cut} text(s) on the sheet {name!r} are longer than the 32 767 characters "
                           "Excel keeps in a cell, and were cut (they end in …); csv and json have them whole")
    if footer:
        _sources_sheet(workbook.add_worksheet(names[-1]), footer_label, footer, formats)
    workbook.close()
    return same_everywhere(buffer.getvalue())


def same_everywhere(zipped: bytes) -> bytes:
    """A workbook's or document's zip, the same bytes for the same content whenever and wherever written: every entry
    dated `CREATED` (python-docx dates them with the time of saving: found in review, h119) and marked as written on
    Unix (zipfile names the system, 0 on Windows: a Word document's differed from the server's, found in review, h124,
    and a workbook's too, h126), deflated, content and order as saved. A zip that is so already is returned as it is."""
    import zipfile

    date = CREATED.timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(zipped)) as saved:
        entries = saved.infolist()
        if all(e.date_time == date and e.create_system == _UNIX and e.compress_type == zipfile.ZIP_DEFLATED
               for e in entries):
            return zipped
        fixed = io.BytesIO()
        with zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dated:
            for entry in entries:
                item = zipfile.ZipInfo(entry.filename, date_time=date)
                item.compress_type, item.external_attr, item.create_system = \
                    zipfile.ZIP_DEFLATED, entry.external_attr, _UNIX
                dated.writestr(item, saved.read(entry))
    return fixed.getvalue()


_DANGLING = {"och", "per", "med", "för", "i", "av", "till", "mot", "jämfört", "samt", "från", "på", "-", "–"}


def _whole_words(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut only between words: a name that needs shortening keeps
    its first clause (up to a comma), else the words that fit, never ending on a word such as "och"
    or "per" that needs the next one; a single word longer than `limit` is cut, ending in "…"."""
    if len(text) <= limit:
        return text
    clause = text.split(",")[0].strip()
    if clause and len(clause) <= limit:
        return clause
    words, kept = clause.split(), []
    for word in words:
        if len(" ".join([*kept, word])) > limit:
            break
        kept.append(word)
    while kept and kept[-1].casefold() in _DANGLING:
        kept.pop()
    return " ".join(kept).rstrip(",;.") if kept else text[:limit - 1].rstrip() + "…"


def sheet_names_for(wanted: list[str]) -> list[str]:
    """Valid, unique (as Excel compares: ignoring case) sheet names, short and whole (never cut
    mid-word, see `_whole_words`); `Blad<n>` for an empty one."""
    names: list[str] = []
    taken: set[str] = set()
    for number, name in enumerate(wanted, start=1):
        base = _SHEET_FORBIDDEN.sub("_", _clean(name or "")).strip().strip("'").strip()
        base = _whole_words(base, SHEET_NAME_MAX).strip("'").strip() or f"Blad{number}"
        if base.casefold() == "history":  # reserved by Excel
            base = f"{base}_"
        candidate, n = base, 2
        while candidate.casefold() in taken:
            suffix = f" ({n})"
            candidate, n = _whole_words(base, SHEET_NAME_MAX - len(suffix)) + suffix, n + 1
        taken.add(candidate.casefold())
        names.append(candidate)
    return names


def shown_sources(files: tuple[str, ...]) -> list[str]:
    """The report's source files for people: as given when relative, else relative to the parent of
    the folder they share (`budgets/2024.yaml`), never an absolute path; the file's name alone when
    they share none."""
    if all(not os.path.isabs(f) and not f.startswith("..") for f in files):  # as typed, below the working folder
        return [f.replace(os.sep, "/") for f in files]
    paths = [os.path.abspath(f) for f in files]
    try:
        common = os.path.commonpath([os.path.dirname(p) for p in paths])
    except ValueError:  # different drives
        return [os.path.basename(p) for p in paths]
    base = os.path.dirname(common)
    if not base or base == common:  # the common folder is the root
        return [os.path.basename(p) for p in paths]
    return [os.path.relpath(p, base).replace(os.sep, "/") for p in paths]


class _Formats:
    """One xlsxwriter format per distinct set of properties."""

    def __init__(self, workbook: "Workbook"):
        self.workbook, self.cache = workbook, {}

    def get(self, **props) -> "Format":
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.workbook.add_format(dict(key))
        return self.cache[key]


def number_format(places: int) -> str:
    """`#,##0.0` for one decimal, `#,##0` for none; Excel shows the reader's separators (`1 240,8`)."""
    return "#,##0" + ("." + "0" * places if places else "")


def _places(report: Report, opts: Options) -> int:
    return len(str(ORE_PER_UNIT[report.unit])) - 1 if opts.exact else opts.places(report.unit)


def _cell_props(column: Column, places: int) -> dict:
    if column.kind is Kind.money:
        return {"num_format": number_format(places)}
    if column.kind is Kind.percent:
        return {"num_format": "0.0"}
    if column.kind is Kind.count:
        return {"num_format": "0"}
    return {}


def _values(report: Report, columns: list[Column], opts: Options) -> pl.DataFrame:
    """What the cells hold: money exact in the unit (Decimal), percent and counts as they are, text
    printable, messages filled in."""
    frame = report.frame
    scale = len(str(ORE_PER_UNIT[report.unit])) - 1  # decimals of an öre in the unit
    exprs = []
    for c in columns:
        if c.kind is Kind.money:  # exact: öre as a Decimal with the unit's scale, divided by a power of ten
            exprs.append((pl.col(c.name).cast(pl.Decimal(38, scale)) / 10**scale).alias(c.name))
        elif c.kind is Kind.percent:  # from the exact percent: Excel shows it rounded as kfollow's tables
            exprs.append(percent_value_expr(c.name, exact_of(report, c)))
        elif c.kind is Kind.count:
            exprs.append(pl.col(c.name))
        elif c.kind is Kind.message:
            exprs.append(pl.lit(None, pl.String).alias(c.name))  # filled in below
        elif c.kind is Kind.month and report.months_in_words is not None:  # a document's: `mars`, not `2024-03`
            exprs.append(month_said(c.name, report.months_in_words))
        else:
            exprs.append(pl.col(c.name).cast(pl.String))
    values = frame.select(exprs).with_columns(
        printable(c.name) for c in columns if c.kind not in (Kind.money, Kind.percent, Kind.count, Kind.message))
    messages = [c for c in columns if c.kind is Kind.message]
    if messages:
        text = as_text(report, messages, opts, swedish=True)
        values = values.with_columns(text[c.name].alias(c.name) for c in messages).with_columns(
            printable(c.name) for c in messages)
    return values


def _widths(report: Report, columns: list[Column], opts: Options) -> list[int]:
    """Column widths in characters, from the text kfollow prints for each cell and the header."""
    shown = as_text(report, columns, opts, swedish=True).with_columns(
        printable(c.name) for c in columns if c.kind not in NUMERIC)
    longest = shown.select(pl.col(c.name).str.split("\n").list.eval(pl.element().str.len_chars()).list.max().max()
                           for c in columns).row(0) if shown.height else (None,) * len(columns)
    return [min(MAX_WIDTH, max(len(c.header) + 3, (n or 0)) + 2) for c, n in zip(columns, longest)]


def _headers(columns: list[Column]) -> list[str]:
    """The Swedish headers, unique (an Excel table needs distinct, non-empty column names)."""
    seen: set[str] = set()
    out = []
    for c in columns:
        header, n = _clean(c.header or c.name), 2
        candidate = header
        while candidate.casefold() in seen:
            candidate, n = f"{header} ({n})", n + 1
        seen.add(candidate.casefold())
        out.append(candidate)
    return out


def _clean(text: str) -> str:
    return CONTROL_RE.sub("\ufffd", text)


def _starts_like_formula(text: str) -> bool:
    return re.match(FORMULA, text) is not None


def _cut(text: str) -> str:
    return text if len(text) <= CELL_MAX else text[:CELL_MAX - 1] + "…"


def _sheet(workbook: "Workbook", ws: "Worksheet", report: Report, opts: Options, formats: _Formats,
           table_name: str, footer: tuple[str, ...] = ()) -> int:
    """Write one report on `ws`; returns how many texts were cut to `CELL_MAX`."""
    columns = for_people(report, opts)
    places = _places(report, opts)
    values = _values(report, columns, opts)
    headers = _headers(columns)
    values, indents = _indented(values)
    long = [c for c, dtype in values.schema.items() if dtype == pl.String]
    cut = values.select(pl.sum_horizontal(*(pl.col(c).str.len_chars() > CELL_MAX for c in long)).sum()).item() \
        if long and values.height else 0
    if cut:  # as xlsxwriter would, but marked, and counted for the note
        values = values.with_columns(pl.when(pl.col(c).str.len_chars() > CELL_MAX)
                                     .then(pl.col(c).str.slice(0, CELL_MAX - 1) + pl.lit("…"))
                                     .otherwise(pl.col(c)).alias(c) for c in long)

    # above the table: caption, unit, period, sources and notes
    # (findings, percentages: no unit of amounts; nor where the amounts are for machines alone, an indicator's parts:
    # 'Enhet: mnkr' above a table of percentages, found in review, h150)
    money = any(c.kind is Kind.money for c in columns)
    lines = [(report.caption or (f"Belopp i {report.unit}" if money else ""), formats.get(bold=True, font_size=13)),
             *([(f"Enhet: {report.unit}", None)] if money else [])]
    if report.period:
        lines.append((f"Period: {report.period}", None))
    if footer:  # a document's sources, revisions and last period: on their own sheet, at the end (`_sources_sheet`)
        pass
    elif report.sources:
        lines.append((f"Källor: {'; '.join(shown_sources(report.sources))}", None))
    lines += [(f"Anm.: {note}", None) for note in dict.fromkeys(notes_shown(report.notes, columns, chosen=opts.columns is not None, decimals=opts.decimals)) if note not in footer]
    cut += sum(len(text) > CELL_MAX for text, _ in lines)
    wrapped = [j for j, c in enumerate(columns) if c.comment or (
        c.kind is Kind.text and values.schema[values.columns[j]] == pl.String
        and (values[values.columns[j]].str.len_chars().max() or 0) > MAX_WIDTH)]
    widths = [min(width, COMMENT_WIDTH) if j in wrapped else width
              for j, width in enumerate(_widths(report, columns, opts))]
    across = sum(widths)  # characters: the table's width
    for row, (text, fmt) in enumerate(lines):
        text = _cut(_clean(text))
        props = {"bold": True, "font_size": 13} if fmt else {}
        if len(text) > max(across, MAX_WIDTH):  # (a document's sources: one line ran on for a page's width, and
            # printed as wide as the page the sheet shrank to a quarter) wraps in the table's width
            props = {**props, "text_wrap": True, "valign": "top"}
            fmt = formats.get(**props)
            if len(columns) > 1:
                ws.merge_range(row, 0, row, len(columns) - 1, "", fmt)
            size = 13 / 11 if props.get("font_size") else 1.0  # (the caption's larger font: wider, taller lines)
            lines_of = _lines(pl.DataFrame({"t": [text]}), [("t", int(across / size))])[0]
            ws.set_row(row, min(MAX_ROW_HEIGHT, LINE_HEIGHT * size * lines_of))
        _text(ws, row, 0, text, fmt, formats, props)
    header_row = len(lines) + 1  # one empty row between: Excel's "current region" is the table alone

    props = [_cell_props(c, places) for c in columns]
    # comments wrap in their column, and so does a text longer than a column is wide (a decision's
    # wording in `changes`): the next column's cell would cut it (`wrapped`, above)
    if wrapped:  # every cell of the row then starts at its top
        props = [{**p, "valign": "top", **({"text_wrap": True} if j in wrapped else {})} for j, p in enumerate(props)]
    column_formats = {h: formats.get(**p) for h, p in zip(headers, props)}
    table = values.rename(dict(zip(values.columns, headers)))
    table.write_excel(
        workbook, ws, position=(header_row, 0), table_style="Table Style Light 1", table_name=table_name,
        column_formats=column_formats, include_header=True, autofilter=True, autofit=False,
        header_format={"bold": True}, float_precision=1, freeze_panes=(header_row + 1, 0))

    # numbers' headers right-aligned above their figures (the text stays the table's column name)
    # (and a header that starts like a formula, e.g. from a year file's rubriker, keeps the quote prefix)
    for j, (c, h) in enumerate(zip(columns, headers)):
        numeric = c.kind in NUMERIC or c.kind is Kind.count
        formula = _starts_like_formula(h)
        if numeric or formula:
            ws.write_string(header_row, j, h, formats.get(bold=True, **({"align": "right"} if numeric else {}),
                                                          **({"quote_prefix": True} if formula else {})))

    # totals bold, and the label of a row whose label is (a förvaltning's, as every format has it); a text that
    # starts like a formula keeps Excel's quote prefix; an indented label its indent
    kinds = report.kinds()
    bold = {i for i, kind in enumerate(kinds) if kind is not None and kind.total}
    named = {i for i, kind in enumerate(kinds) if kind is not None and kind.bold_label}
    texts = [j for j, c in enumerate(columns) if c.kind not in NUMERIC and c.kind is not Kind.count]
    quoted = {(i, j) for j in texts
              for i in values.with_row_index("_i").filter(pl.col(values.columns[j]).str.contains(FORMULA))["_i"]}
    labels = {(i, 0) for i in named | set(indents)} if columns else set()
    for i, j in sorted(quoted | {(i, j) for i in bold for j in range(len(columns))} | labels):
        value = values[i, j]
        extra = {"bold": True} if i in bold or (j == 0 and i in named) else {}
        if j == 0 and i in indents:  # (aligned left: an indent shows only so, and xlsxwriter leaves it out
            # beside a top alignment, the rows' where a comment wraps)
            extra |= {"indent": indents[i], "align": "left"}
        fmt_props = {**props[j], **extra}
        if (i, j) in quoted:
            fmt_props["quote_prefix"] = True
        fmt = formats.get(**fmt_props) if fmt_props else None
        row = header_row + 1 + i
        if value is None:
            ws.write_blank(row, j, None, fmt)
        elif isinstance(value, str):
            ws.write_string(row, j, value, fmt)
        else:
            ws.write_number(row, j, value, fmt)

    for j, width in enumerate(widths):
        ws.set_column(j, j, width)
    # a row whose comment wraps gets the height of its lines: Excel would fit it on opening, but
    # LibreOffice keeps the default height of a row an xlsx file leaves unset
    for i, lines in enumerate(_lines(values, [(values.columns[j], widths[j]) for j in wrapped])):
        if lines > 1:
            ws.set_row(header_row + 1 + i, min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines))

    # printing on A4: landscape, as wide as the page, the header row on every page
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    return cut


SOURCES_WIDTH = 72  # characters: the column of a document's sources, whose long lines wrap in it (A4 portrait)


def _sources_sheet(ws: "Worksheet", label: str, lines: tuple[str, ...], formats: _Formats) -> None:
    """A document's sources, revisions and last booked period on a sheet of their own, under `label`: how a
    reviewer traces a figure, set apart from the tables as the other formats set it at the document's end (they
    stood among the notes above every table; found in review, h73). Every line whole, in one cell each, wrapped."""
    ws.write_string(0, 0, _clean(label), formats.get(bold=True))
    wrap = formats.get(text_wrap=True, valign="top")
    for row, line in enumerate(lines, start=1):
        text = _cut(_clean(line))
        if _starts_like_formula(text):
            ws.write_string(row, 0, text, formats.get(text_wrap=True, valign="top", quote_prefix=True))
        else:
            ws.write_string(row, 0, text, wrap)
        height = _lines(pl.DataFrame({"t": [text]}), [("t", SOURCES_WIDTH)])[0]
        if height > 1:  # (LibreOffice keeps the default height of a row an xlsx file leaves unset)
            ws.set_row(row, min(MAX_ROW_HEIGHT, LINE_HEIGHT * height))
    ws.set_column(0, 0, SOURCES_WIDTH)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _indented(values: pl.DataFrame) -> tuple[pl.DataFrame, dict[int, int]]:
    """`values` with the row label (the first column) without the leading spaces that indent it under its
    row (a varav line, a part: two a level, as the text formats print them), and each such row's indent
    level, for its cell's format. A cell that held the spaces was not its label to a filter or a VLOOKUP
    (`'  varav kostnader'`; found by a year-end user)."""
    if not values.width or values.schema[values.columns[0]] != pl.String:
        return values, {}
    label = values.columns[0]
    spaces = pl.col(label).str.len_chars() - pl.col(label).str.strip_chars_start(" ").str.len_chars()
    levels = values.select(((spaces + 1) // 2).alias("_level")).with_row_index("_i").filter(pl.col("_level") > 0)
    return (values.with_columns(pl.col(label).str.strip_chars_start(" ")),
            dict(zip(levels["_i"].to_list(), levels["_level"].to_list())))


def _lines(values: pl.DataFrame, wrapped: list[tuple[str, int]]) -> list[int]:
    """How many lines each row's wrapped texts take in columns of those widths (characters)."""
    import textwrap

    counts = [1] * values.height
    for name, width in wrapped:
        for i, text in enumerate(values[name].to_list()):
            if text:
                n = sum(max(1, len(textwrap.wrap(part, max(8, width)))) for part in text.split("\n"))
                counts[i] = max(counts[i], n)
    return counts


def _text(ws: "Worksheet", row: int, col: int, text: str, fmt, formats: _Formats, props: dict) -> None:
    if _starts_like_formula(text):
        fmt = formats.get(**props, quote_prefix=True)
    ws.write_string(row, col, text, fmt)
