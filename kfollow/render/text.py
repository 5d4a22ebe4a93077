"""Tables for people: the terminal's plain table and Markdown, with title and notes.

Markdown is read by a viewer that acts on markup: text from a year file (a name, a comment, a
header, a note) must stay text. In a cell `&`, `<` and `>` become entities (no HTML), `|` is
escaped and a line break is `<br>` (the table stays one row a line); everywhere `\\`, `[` and `]` are
backslash-escaped, so that `![p](http://…)` or `[x](javascript:…)` shows as written and is never a
link or an image (without `[` there is neither), while ordinary text such as `(tkr)` stays as it is.
"""

from __future__ import annotations

import re

from kfollow.options import Options
import polars as pl

from kfollow.errors import shown

from kfollow.render.columns import NUMERIC, TEXT, as_text, for_people, messages, printable
from kfollow.report import Report


# never left out to fit a terminal: the row label and each report's main figures
KEEP = ("rubrik", "budget", "utfall", "avvikelse", "manad", "meddelande", "datum", "belopp", "netto")


MD_CELL = (("\\", "\\\\"), ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("[", "\\["), ("]", "\\]"))
_MD_TEXT = re.compile(r"([\\`*_\[\]<>|])")


def md_cell_expr(col: str) -> pl.Expr:
    """A text column as Markdown table cells: no markup, no link, one line (see the module's doc)."""
    expr = pl.col(col)
    for old, new in MD_CELL:
        expr = expr.str.replace_all(old, new, literal=True)
    return expr.str.replace_all("\n", "<br>", literal=True).alias(col)


def md_cell(text: str) -> str:
    """`md_cell_expr` of one text (a header)."""
    for old, new in MD_CELL:
        text = text.replace(old, new)
    return text.replace("\n", "<br>")


def md_text(text: str) -> str:
    """Text for a Markdown line (a title, a heading, a note): markup characters escaped, so that it
    is neither emphasis, code, HTML nor a link or an image; one line."""
    return _MD_TEXT.sub(r"\\\1", " ".join(text.splitlines()))


def _rows(report: Report, opts: Options, markdown: bool = False,
          columns: list | None = None) -> tuple[list[str], list[list[str]], list[str]]:
    columns = for_people(report, opts) if columns is None else columns
    align = ["right" if c.kind in NUMERIC else "left" for c in columns]
    text = as_text(report, columns, opts, swedish=True)
    texts = [c.name for c in columns if c.kind in TEXT]
    text = text.with_columns(printable(c) for c in texts)
    if markdown:  # markup, a link or an image in a cell would act in a viewer; a | or a line break ends the cell or the row
        text = text.with_columns(md_cell_expr(c) for c in texts)
    else:
        text = text.with_columns(pl.col(c).str.replace_all("\n", " ") for c in texts)
    # a missing figure is a dash, a missing text is empty
    filled = text.with_columns(
        *(text[c.name].fill_null("–" if a == "right" else "") for c, a in zip(columns, align)))
    headers = [c.header for c in columns]
    if markdown:
        headers = [md_cell(h) for h in headers]
    return headers, filled, align


def simple(frame: pl.DataFrame, headers: list[str], align: list[str]) -> str:
    """tabulate's "simple" layout, built with polars column by column (tabulate looks at every cell in
    Python: a second for ten thousand rows): each column as wide as its widest cell, and at least its
    header and two; cells padded by their alignment; two spaces between columns; dashes under the
    headers; no line runs on in spaces. `tests/test_report.py` holds it to tabulate's output."""
    names = frame.columns
    widths = [max(len(h) + 2, (frame[c].str.len_chars().max() or 0) if frame.height else 0)
              for c, h in zip(names, headers)]
    # as tabulate: the header line does not run on in spaces after the last header
    head = "  ".join(h.rjust(w) if a == "right" else h.ljust(w) for h, w, a in zip(headers, widths, align)).rstrip(" ")
    rule = "  ".join("-" * w for w in widths)
    if not frame.height:  # tabulate's own layout of an empty table
        return _tabulate([], headers, "simple", align)
    body = frame.select(pl.concat_str([
        (pl.col(c).str.pad_start(w) if a == "right" else pl.col(c).str.pad_end(w))
        for c, w, a in zip(names, widths, align)], separator="  ").str.strip_chars_end().alias("_line"))["_line"]
    return "\n".join([head, rule, *body.to_list()])


def pipe(frame: pl.DataFrame, headers: list[str], align: list[str]) -> str:
    """tabulate's "pipe" layout (a Markdown table), built with polars as `simple` is: each column as
    wide as its widest cell and at least its header and two; a space either side of each cell; the
    alignment row `|:---|---:|`. `tests/test_text_integrity.py` holds it to tabulate's output."""
    names = frame.columns
    if not frame.height:  # tabulate's own layout of an empty table
        return _tabulate([], headers, "pipe", align)
    widths = [max(len(h) + 2, frame[c].str.len_chars().max() or 0) for c, h in zip(names, headers)]
    head = "| " + " | ".join(h.rjust(w) if a == "right" else h.ljust(w)
                             for h, w, a in zip(headers, widths, align)) + " |"
    rule = "|" + "|".join("-" * (w + 1) + ":" if a == "right" else ":" + "-" * (w + 1)
                          for w, a in zip(widths, align)) + "|"
    body = frame.select(pl.concat_str([
        pl.lit("| "),
        pl.concat_str([(pl.col(c).str.pad_start(w) if a == "right" else pl.col(c).str.pad_end(w))
                       for c, w, a in zip(names, widths, align)], separator=" | "),
        pl.lit(" |")]).alias("_line"))["_line"]
    return "\n".join([head, rule, *body.to_list()])


def _tabulate(rows: list, headers: list[str], fmt: str, align: list[str]) -> str:
    """tabulate's layout, keeping the leading spaces that indent a `varav` line under its row
    (tabulate ≥ 0.10 takes `preserve_whitespace`; earlier ones read a module setting)."""
    import tabulate

    options = dict(headers=headers, tablefmt=fmt, colalign=align, disable_numparse=True)
    try:
        return tabulate.tabulate(rows, preserve_whitespace=True, **options)
    except TypeError:
        keep, tabulate.PRESERVE_WHITESPACE = tabulate.PRESERVE_WHITESPACE, True
        try:
            return tabulate.tabulate(rows, **options)
        finally:
            tabulate.PRESERVE_WHITESPACE = keep


def to_table(report: Report, opts: Options, fmt: str = "simple") -> str:
    columns = for_people(report, opts)
    left_out: list[str] = []
    while True:
        headers, filled, align = _rows(report, opts, markdown=fmt == "pipe", columns=columns)
        body = simple(filled, headers, align) if fmt == "simple" else pipe(filled, headers, align)
        # on a terminal (and not with --columns) the table fits its width: leave out columns from the right
        droppable = [c for c in columns if c.name not in KEEP and not c.comment]  # comments were asked for
        if (opts.width is None or opts.columns is not None or not droppable
                or max(map(len, body.splitlines()), default=0) <= opts.width):
            break
        left_out.insert(0, droppable[-1].header)
        columns = [c for c in columns if c is not droppable[-1]]
    notes = [*report.notes]
    if left_out:
        notes.append(f"Utelämnat för att passa terminalens bredd: {', '.join(left_out)}; --columns väljer kolumner.")
    caption = report.caption
    if fmt == "pipe":  # a title or a note holds names from the year file: text, never markup
        caption, notes = md_text(caption), [md_text(n) for n in notes]
    title = f"{caption}\n\n" if caption else ""
    return title + body + "\n" + "".join(f"\nAnm.: {n}\n" for n in notes)


def to_md(report: Report, opts: Options) -> str:
    return to_table(report, opts, fmt="pipe")


def to_findings(report: Report, opts: Options) -> str:
    """`check` findings for people and editors: `file:line:column: fel|varning: message`, one a line."""
    text = messages(report, "meddelande", opts.places(report.unit))

    def where(r: dict) -> str:
        return ":".join(str(p) for p in (r["fil"], r["rad"], r["kolumn"]) if p is not None)

    # a file name or a value in a message may hold anything: the terminal gets it escaped
    return "".join(shown(f"{where(r)}: {r['niva']}: {m}") + "\n" for r, m in zip(report.frame.iter_rows(named=True), text))
