"""Tables for people: the terminal's plain table and Markdown, with title and notes.

Markdown is read by a viewer that acts on markup: text from a year file (a name, a comment, a
header, a note) must stay text. In a cell `<` and `>` become entities (no HTML), and so does an `&`
that would begin one (`&lt;` stays as written; any other `&` is `&`, as people read it), `|` is
escaped and a line break is `<br>` (the table stays one row a line); everywhere `\\`, `[` and `]` are
backslash-escaped, so that `![p](http://…)` or `[x](javascript:…)` shows as written and is never a
link or an image (without `[` there is neither), while ordinary text such as `(tkr)` stays as it is;
in a title, a heading or a note too an `&` that would begin an entity is `&amp;` (`&lt;b&gt;` in a
name shows as written, never as `<b>`), and `<`, `>` and `|` are backslash-escaped.
A bare web address (`http://…`, `www.…`), which a viewer would make a link, gets its `:` or `.`
escaped: it shows as written and is no link. (An e-mail address may still become a `mailto:` link.)
"""

from __future__ import annotations

import re

from kfollow.options import Options
import polars as pl

from kfollow.errors import shown

from kfollow.render.columns import NUMERIC, TEXT, as_text, for_people, messages, printable
from kfollow.report import Report, notes_shown
from kfollow.vocabulary import RowKind

NBSP = "\u00a0"


# never left out to fit a terminal: the row label and each report's main figures
KEEP = ("rubrik", "budget", "utfall", "avvikelse", "manad", "meddelande", "datum", "belopp", "netto", "saknas")
# a row label is shortened with "…" to fit a terminal, but not below this many characters; when no
# column can be left out instead, down to LABEL_LAST if that makes the table fit
LABEL_MIN, LABEL_LAST = 24, 12


# (emphasis, code and strikethrough too: `*lägre*` in a comment is that text, not italics)
MD_CELL = (("\\", "\\\\"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("[", "\\["), ("]", "\\]"), ("*", "\\*"),
           ("_", "\\_"), ("`", "\\`"), ("~", "\\~"))
# an `&` that would begin an entity (`&lt;`, `&#60;`): escaped; any other stays `&`, as people read it
_ENTITY = r"&([#A-Za-z0-9]+;)"
_MD_TEXT = re.compile(r"([\\`*_~\[\]<>|])")
# a viewer makes a bare web address a link (GitHub's `http://…`, `www.…`): an escaped `:` or `.`
# keeps it text, and shows the same
_WEB = ((r"://", r"\://"), (r"(?i)\b(www)\.", r"${1}\."))
_WEB_PY = ((re.compile("://"), lambda m: "\\://"), (re.compile(r"\b(www)\.", re.IGNORECASE), lambda m: m[1] + "\\."))


def md_cell_expr(col: str) -> pl.Expr:
    """A text column as Markdown table cells: no markup, no link, one line (see the module's doc)."""
    expr = pl.col(col).str.replace_all(_ENTITY, "&amp;$1")
    for old, new in MD_CELL:
        expr = expr.str.replace_all(old, new, literal=True)
    for pattern, replacement in _WEB:
        expr = expr.str.replace_all(pattern, replacement)
    return expr.str.replace_all("\n", "<br>", literal=True).alias(col)


def md_cell(text: str) -> str:
    """`md_cell_expr` of one text (a header)."""
    text = re.sub(_ENTITY, r"&amp;\1", text)
    for old, new in MD_CELL:
        text = text.replace(old, new)
    return _no_web_links(text).replace("\n", "<br>")


def md_text(text: str) -> str:
    """Text for a Markdown line (a title, a heading, a note): markup characters escaped, so that it
    is neither emphasis, code, HTML nor a link or an image, and an `&` that would begin an entity
    escaped as in a cell (`&lt;b&gt;` shows as written, not as `<b>`); one line."""
    text = re.sub(_ENTITY, r"&amp;\1", " ".join(text.splitlines()))
    return _no_web_links(_MD_TEXT.sub(r"\\\1", text))


def _no_web_links(text: str) -> str:
    for pattern, replacement in _WEB_PY:
        text = pattern.sub(replacement, text)
    return text


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
        if columns:
            texts = [c.name for c, a in zip(columns, align) if a == "left"]
            filled = filled.with_columns(_md_label(columns[0].name, report, columns[0].name))
            filled = filled.with_columns(_md_label(c, report) for c in texts[1:] if c != columns[0].name)
    return headers, filled, align


def _md_label(col: str, report: Report, label_of: str | None = None) -> pl.Expr:
    """A text cell as a viewer shows it: the row's label (`label_of`) indented with `&nbsp;` (a viewer
    drops a cell's leading spaces, no-break ones too, and a part would read as a row of its own, to be
    added again); a total's text in bold (a förvaltning's label too), as HTML and Word show them."""
    text = pl.col(col)
    if label_of:
        for n in (6, 4, 2):
            text = pl.when(pl.col(col).str.starts_with(" " * n)).then(pl.lit("&nbsp;" * n) + pl.col(col).str.slice(n)) \
                .otherwise(text)
    if "radtyp" not in report.frame.columns:
        return text.alias(col)
    strong = RowKind.where(lambda k: k.bold_label if label_of is not None else k.total)
    bold = report.frame["radtyp"].is_in(strong)
    return pl.when(pl.lit(bold) & (pl.col(col) != "")).then(pl.lit("**") + text + pl.lit("**")).otherwise(text).alias(col)


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


def two_lines(header: str) -> list[str]:
    """A header as one line, or as two split at the space that makes it narrowest ("Avvikelse" / "%")."""
    words = header.split(" ")
    best = [header]
    for i in range(1, len(words)):
        lines = [" ".join(words[:i]), " ".join(words[i:])]
        if all(line.strip() for line in lines) and max(map(len, lines)) < max(map(len, best)):
            best = lines
    return best


def shortened(col: str, width: int, label: bool = True) -> pl.Expr:
    """A text column cut to `width` characters, the last of them "…". A label that names a part with its
    row (`Serviceförvaltningen (internt prissatt): 4010 - Köpta lokaltjänster`, a --top list) is cut in
    the row's name where that leaves it 4 characters or more, so that the part stays readable (a long
    part is cut too, after the row's first 4). Another text (`label` False: a decision, `KS 2024-04-30
    § 45: omfördelning`) is cut at its end only, so that its beginning stays whole."""
    text = pl.col(col)
    cut = text.str.slice(0, width - 1).str.strip_chars_end() + pl.lit("…")
    if not label:
        return pl.when(text.str.len_chars() <= width).then(text).otherwise(cut).alias(col)
    halves = text.str.splitn(": ", 2)
    head, rest = halves.struct.field("field_0"), halves.struct.field("field_1")
    room = pl.lit(width - 3, pl.Int64) - rest.str.len_chars().cast(pl.Int64)  # "…: " and the part
    in_row = head.str.slice(0, room.clip(lower_bound=0)).str.strip_chars_end() + pl.lit("…: ") + rest
    both = (head.str.slice(0, 4).str.strip_chars_end() + pl.lit("…: ")  # a long part too: cut both
            + rest.str.slice(0, max(width - 8, 1)).str.strip_chars_end() + pl.lit("…"))
    return (pl.when(text.str.len_chars() <= width).then(text)
            .when(rest.is_not_null() & (room >= 4)).then(in_row)
            .when(rest.is_not_null() & (head.str.len_chars() > 4) & pl.lit(width >= 12)).then(both)
            .otherwise(cut).alias(col))


def packed(frame: pl.DataFrame, headers: list[str], align: list[str], width: int | None = None,
           label_min: int = LABEL_MIN) -> str:
    """The terminal's layout where `simple` is too wide for it: each column as wide as its widest
    cell, a header wrapped onto two lines where its cells are narrower than it, one space between
    columns; header line(s), dashes, rows, as `simple`. With `width`, a row label (a left-aligned
    first column) is shortened with "…" as far as the table needs to fit it, but not below
    `label_min` characters or its header."""
    names = frame.columns
    cells = [(frame[c].str.len_chars().max() or 0) if frame.height else 0 for c in names]
    heads = [two_lines(h) if cell < len(h) else [h] for h, cell in zip(headers, cells)]
    widths = [max(cell, *map(len, head)) for cell, head in zip(cells, heads)]
    if width is not None and names and align[0] == "left":
        room = width - sum(widths[1:]) - (len(widths) - 1)
        label = max(room, label_min, *map(len, heads[0]))
        if label < widths[0]:
            frame, widths[0] = frame.with_columns(shortened(names[0], label)), label
    depth = max(map(len, heads), default=1)
    heads = [head + [""] * (depth - len(head)) for head in heads]  # top-aligned, as tabulate's
    lines = [" ".join(head[i].rjust(w) if a == "right" else head[i].ljust(w)
                      for head, w, a in zip(heads, widths, align)).rstrip(" ") for i in range(depth)]
    rule = " ".join("-" * w for w in widths)
    body = frame.select(pl.concat_str([
        (pl.col(c).str.pad_start(w) if a == "right" else pl.col(c).str.pad_end(w))
        for c, w, a in zip(names, widths, align)], separator=" ").str.strip_chars_end().alias("_line"))["_line"]
    return "\n".join([*lines, rule, *body.to_list()])


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


def _fitted(report: Report, opts: Options, width: int, columns: list | None = None) -> tuple[str, list[str]]:
    """The table for a terminal `width` wide, and the headers of the columns left out to fit it.
    In order, until it fits: the layout of a file (`simple`); packed (`packed`: one space between
    columns, headers on two lines, the row label shortened with "…"); then comments that were asked
    for (a comment is a long line) as a list below the table, each wrapped to the width under its
    row's label; then each other text longer than LABEL_MIN (a decision; not a KEEP column, such as
    a finding's message) shortened with "…" as far as it must, not below LABEL_MIN, the longest first; then, but not with --columns, the same with the last column that may go left
    out, and so on."""
    columns = columns or for_people(report, opts)
    left_out: list[str] = []
    cut: dict[str, int] = {}  # long texts shortened so far (a decision, a description) → their width
    while True:
        headers, filled, align = _rows(report, opts, columns=columns)
        filled = filled.with_columns(shortened(c, w, label=False) for c, w in cut.items())
        body = simple(filled, headers, align)
        if _widest(body) <= width:
            return body, left_out
        body = packed(filled, headers, align, width)
        if _widest(body) <= width:
            return body, left_out
        if comments := [c for c in columns if c.comment]:
            table, more = _fitted(report, opts, width, [c for c in columns if not c.comment])
            return table + "\n" + _listed(report, opts, columns[0], comments, width), left_out + more
        # a long text beside the row label is shortened with "…" before a column is left out: the
        # columns that say which row it is (förvaltning, stab) matter more than all of a decision's text
        # (as far as the table needs, not below LABEL_MIN), the longest first
        long = {c.name: filled[c.name].str.len_chars().max() or 0 for c in columns[1:]
                if c.kind in TEXT and c.name not in KEEP}
        long = {name: w for name, w in long.items() if w > LABEL_MIN}
        if long:
            name, w = max(long.items(), key=lambda item: item[1])
            cut[name] = max(LABEL_MIN, w - (_widest(body) - width))
            continue
        # the row label and each report's main figures stay
        droppable = [c for c in columns if c.name not in KEEP]
        if opts.columns is not None or not droppable:
            return packed(filled, headers, align, width, LABEL_LAST), left_out
        left_out.insert(0, droppable[-1].header)
        columns = [c for c in columns if c is not droppable[-1]]
        cut = {}  # the texts shortened get the room of the column left out


def _listed(report: Report, opts: Options, label, comments: list, width: int) -> str:
    """The comments of the table's rows below it, for a terminal: a heading, then per row with a
    comment its label and the comment, wrapped to `width` and indented under the label."""
    import textwrap

    headers, filled, _ = _rows(report, opts, columns=[label, *comments])
    labels = [row[0].strip() for row in filled.iter_rows()]
    frame = report.frame

    def column(*names: str) -> list:
        found = next((n for n in names if n in frame.columns), None)
        return frame[found].cast(pl.String).to_list() if found else [None] * len(labels)

    # a label two rows share is named with its förvaltning's id (`Ej fördelat på stab` of each), and
    # with the row's key too where two rows of one förvaltning share it (two staber of one name)
    owners, keys = column("forvaltning"), column("stab", "verksamhet", "projekt", "konto", "kostnadsslag")
    pairs = list(zip(owners, labels))
    lines = []
    for row, who, owner, key in zip(filled.iter_rows(), labels, owners, keys):
        if labels.count(who) > 1:
            named = " ".join(shown(x) for x in (owner, key if pairs.count((owner, who)) > 1 else None) if x)
            who = f"{named}: {who}" if named else who
        for header, text in zip(headers[1:], row[1:]):
            if text and text.strip():
                named = f"{who} ({header.lower()})" if len(comments) > 1 else who
                lines.append(textwrap.fill(f"{named}: {text.strip()}", width, subsequent_indent="    ",
                                           break_long_words=False, break_on_hyphens=False))
    return "\nKommentarer:\n" + ("\n".join(lines) if lines else "(inga)")


def _widest(text: str) -> int:
    return max(map(len, text.splitlines()), default=0)


def to_table(report: Report, opts: Options, fmt: str = "simple") -> str:
    left_out: list[str] = []
    if report.frame.is_empty():  # a header over nothing reads as a fault: people are told (csv and json keep it)
        body = "(inga rader)"
    elif fmt == "simple" and opts.width is not None:  # on a terminal the table fits its width
        body, left_out = _fitted(report, opts, opts.width)
    else:
        headers, filled, align = _rows(report, opts, markdown=fmt == "pipe")
        body = simple(filled, headers, align) if fmt == "simple" else pipe(filled, headers, align)
    notes = notes_shown(report.notes, [c for c in for_people(report, opts) if c.header not in left_out],
                        chosen=opts.columns is not None, decimals=opts.decimals)
    if left_out:
        notes.append(f"Utelämnat för att passa terminalens bredd: {', '.join(left_out)}; --columns väljer kolumner.")
    caption = report.caption
    if fmt == "pipe":  # a title or a note holds names from the year file: text, never markup
        caption, notes = md_text(caption), [md_text(n) for n in notes]
    notes = [f"Anm.: {n}" for n in notes]
    if fmt == "simple" and opts.width is not None:  # prose on a terminal breaks between words
        caption, notes = _wrapped(caption, opts.width), [_wrapped(n, opts.width) for n in notes]
    title = f"{caption}\n\n" if caption else ""
    return title + body + "\n" + "".join(f"\n{n}\n" for n in notes)


def _wrapped(text: str, width: int) -> str:
    """Text in lines of at most `width`, broken at spaces (never at a no-break space or a hyphen)."""
    import textwrap

    return "\n".join(textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
                     for line in text.splitlines())


def to_md(report: Report, opts: Options) -> str:
    return to_table(report, opts, fmt="pipe")


def to_findings(report: Report, opts: Options) -> str:
    """`check` findings for people and editors: `file:line:column: fel|varning: message`, one a line."""
    text = messages(report, "meddelande", opts.places(report.unit))

    def where(r: dict) -> str:
        return ":".join(str(p) for p in (r["fil"], r["rad"], r["kolumn"]) if p is not None)

    # a file name or a value in a message may hold anything: the terminal gets it escaped
    return "".join(shown(f"{where(r)}: {r['niva']}: {m}") + "\n" for r, m in zip(report.frame.iter_rows(named=True), text))
