"""Render a `Report`: table / md (for people), csv / excel / json (for scripts and spreadsheets).

Renderers select, format and write; they never compute a figure. Which columns a format shows and
how a number looks follow from each `Column` (kind, header, people/machine), never from a dtype,
and numbers are formatted a whole column at a time (`render.numbers`).
"""

from __future__ import annotations

from pathlib import Path

from kfollow.errors import UsageError, shown
from kfollow.options import Format, Options
from kfollow.render.writer import write

__all__ = ["render", "write", "format_for"]


def render(report, opts: Options, notices: list[str] | None = None) -> str | bytes:
    """The report in `opts.format`: text, or bytes for xlsx and docx. `notices` (when given) gets what
    the person running the command should know of the rendering (a text cut to Excel's cell size)."""
    if opts.format is Format.xlsx:
        from kfollow.render.xlsx import to_xlsx

        return to_xlsx(report, opts, notices=notices)
    if opts.format is Format.docx:
        from kfollow.render.docx import report_to_docx

        return report_to_docx(report, opts)[0]
    if opts.format in (Format.table, Format.md):
        from kfollow.render.text import to_md, to_table

        return (to_table if opts.format is Format.table else to_md)(report, opts)
    if opts.format in (Format.csv, Format.excel):
        from kfollow.render.delimited import to_csv, to_excel

        return (to_csv if opts.format is Format.csv else to_excel)(report, opts)
    from kfollow.render.json import to_json

    return to_json(report, opts)


def format_for(out: Path | None, fmt: Format | None) -> Format:
    """The --format given, else the one the -o file's extension names, else table. A given --format
    beats a text extension (`-f json -o rapport.csv`); but a file named for a format kfollow does not
    write a table in (.xls, .pdf, .html …), or a workbook or document named for one format and written
    as another, is a usage error, with or without --format: `-f csv -o x.xlsx` wrote CSV text that Excel
    will not open (found by a review). (An extension that names no format, `-f xlsx -o rapport.out`, is
    the user's; without --format, a word that names none, `-o ind.excel`, is refused: text is .txt.)"""
    suffix = Path(out).suffix.lower().lstrip(".") if out is not None else ""
    refused = ("xls", "ods", "doc", "odt", "rtf", "html", "htm", "pdf", "svg", "png")
    if fmt is not None and suffix in refused and fmt is not Format.xlsx and fmt is not Format.docx:
        ext = {Format.excel: "csv", Format.table: "txt"}.get(fmt, fmt.value)  # (what --format writes, named so)
        raise UsageError(f"--format {fmt.value} and -o {shown(str(out))} disagree: the file would not open as what its "
                         f"name says; use -o {shown(str(Path(out).with_suffix('.' + ext)))}")
    if suffix in ("xls", "ods"):
        raise UsageError(f"{shown(str(out))}: kfollow writes .xlsx workbooks, not .{suffix}; use -o "
                         f"{shown(str(Path(out).with_suffix('.xlsx')))}")
    if suffix in ("doc", "odt", "rtf"):
        raise UsageError(f"{shown(str(out))}: kfollow writes Word documents as .docx, not .{suffix}; use -o "
                         f"{shown(str(Path(out).with_suffix('.docx')))}")
    if suffix in ("html", "htm", "pdf", "svg", "png"):  # else a table under that name, which opens as nothing
        raise UsageError(f"{shown(str(out))}: a table is written as .csv, .json, .md, .xlsx, .docx or text (.txt); "
                         f"{'a chart is kfollow chart' if suffix in ('svg', 'png') else 'a page of tables and charts is kfollow report'}"
                         f" -o {shown(Path(out).name)}")
    if fmt is not None:
        binary = {"xlsx": Format.xlsx, "docx": Format.docx}
        if (suffix in binary and fmt is not binary[suffix]) or (
                fmt in binary.values() and suffix in ("csv", "json", "md") and suffix != fmt.value):
            fix = f"-f {suffix} (or no -f)" if suffix in binary else \
                f"-o {shown(str(Path(out).with_suffix('.' + fmt.value)))}"
            raise UsageError(f"--format {fmt.value} and -o {shown(str(out))} disagree: the file would not open as "
                             f"what its name says; use {fix}")
        return fmt
    if suffix in ("csv", "json", "md", "xlsx", "docx"):
        return Format(suffix)
    if suffix.isalpha() and suffix != "txt":  # (a word: a format meant, `-o ind.excel`; `x.2024-10` is a name)
        # the text table was written under it, exit 0, where `report` and `chart` refuse such a name (found in
        # review, h150)
        hint = (f"for CSV that Swedish Excel opens: -f excel -o {shown(str(Path(out).with_suffix('.csv')))}"
                if suffix == "excel" else "name it so, or give --format (-f table for text)")
        raise UsageError(f"-o {shown(str(out))}: a table is .csv, .json, .md, .xlsx, .docx or .txt (text); {hint}")
    return Format.table
