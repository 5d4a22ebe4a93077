"""A `Document` (the economy section of a report) as one HTML file, as Markdown with its charts as
SVG files beside it, or as a workbook with one sheet per table.

HTML is self-contained and printable: inline CSS and SVG, a Content-Security-Policy that allows
nothing from outside, `lang="sv"`, tables with captions and header cells (they paste into Word as
tables), charts with a title and a description and not told apart by colour alone.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from urllib.parse import quote

import polars as pl

from kfollow.errors import UsageError
from kfollow.options import Options
from kfollow.render.columns import NUMERIC, TEXT, as_text, for_people, printable
from kfollow.report import Document, Report, Section, TableNote, notes_shown
from kfollow.vocabulary import RowKind

CHARTS = ("verksamhet", "avvikelse", "manader")
# a table with comments and at least this many columns prints on a landscape page: in portrait its
# comments would be a column of a word or two (fewer columns leave them room on a portrait page)
LANDSCAPE_COLUMNS = 8
# ... and at least this many rows: a table of a few rows (two staber and their sum) keeps its portrait page, its
# comments wrapped to a few more lines each, where a landscape page of its own stood three quarters empty
LANDSCAPE_ROWS = 4

# (a comment column held at 16 rem took the tkr report's stab table 46 px past a window of 1 200 px, its comments cut
# at the edge; at 12 rem, about 28 letters a line, it fits: found by a nämndsekreterare, h127)
CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #111; max-width: 76rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.4; overflow-wrap: break-word; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #888; }
table { border-collapse: collapse; margin: 0.5rem 0 0.25rem; font-size: 0.8rem; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; width: max-content; max-width: calc(100vw - 2rem); }
th, td { border: 1px solid #999; padding: 0.2rem 0.45rem; vertical-align: top; }
thead th { background: #e8e8e8; text-align: left; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
thead th.num { text-align: right; }
tbody th { text-align: left; font-weight: normal; }
BOLD { font-weight: bold; }
tr.kostnader th, tr.intakter th { font-style: italic; }
th.indrag { padding-left: 1.5rem; }
div.tabell { overflow-x: auto; } td.kommentar { min-width: 12rem; } span.nw { white-space: nowrap; } p.anm { font-size: 0.8rem; } figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
footer { margin-top: 2.5rem; border-top: 1px solid #888; font-size: 0.75rem; color: #444; }
footer p { margin: 0.2rem 0; } footer p.underlag { font-weight: bold; margin-top: 0.5rem; }
""".replace("BOLD", ", ".join([  # a total's row, and every label that is (`RowKind.bold_label`) as in all formats
    *(f"tr.{k} th, tr.{k} td" for k in RowKind.where(lambda k: k.total)),
    *(f"tr.{k} th" for k in RowKind.where(lambda k: k.bold_label and not k.total))]))
# On paper (a browser's print and the PDF, which WeasyPrint makes from this page): A4, the title in
# the running header and the page number in the footer; a table fills the width and its comments
# (and headers, and labels) wrap, so nothing is cut at the edge; a long table splits between rows
# with its header repeated, and a heading stays with its table.
PRINT_CSS = """
@page { size: A4; margin: 18mm 14mm 16mm;
        @top-left { content: TITLE; font: 7.5pt "DejaVu Sans", Arial, sans-serif; color: #444; }
        @bottom-right { content: "Sida " counter(page) " av " counter(pages);
                        font: 7.5pt "DejaVu Sans", Arial, sans-serif; color: #444; } }
@page bred { size: A4 landscape; }
@media print {
  body { margin: 0; padding: 0; max-width: none; font-size: 9pt; }
  h1 { font-size: 15pt; margin: 0 0 0.5em; } h2 { font-size: 12pt; margin-top: 1.2em; }
  h2 { break-after: avoid-page; page-break-after: avoid; }
  caption { break-after: avoid-page; page-break-after: avoid; }
  div.tabell { overflow: visible; }
  table { max-width: 100%; font-size: 7pt; } div.kommentarer table { width: 100%; }
  th, td { padding: 0.15em 0.3em; }
  thead { display: table-header-group; break-after: avoid-page; }
  /* a table's first rows stay with its header (and so with its heading): no header alone at a page's foot */
  tbody tr:first-child, tbody tr:nth-child(2) { break-before: avoid-page; }
  thead th { overflow-wrap: break-word; hyphens: manual; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  td.kommentar { min-width: 0; width: 36%; overflow-wrap: break-word; hyphens: auto; }
  /* a table with comments beside a dozen columns of figures gets the page's length: in portrait the comments
     were a column of a word or two (or the table ran off the page, in kr) */
  section.bred { page: bred; }
  section.bred + section:not(.bred) { break-before: page; }
  p.anm, footer { font-size: 7.5pt; }
  /* a table's notes stay with its last rows (an Anm. opened the next page, its table ended on the one before): no
     break before a note, nor before a table's last row, so that a break moves two rows over with the notes */
  p.anm { break-before: avoid-page; page-break-before: avoid; }
  /* a note is read whole: the indicators' last (how the measures are counted, four lines) stood two lines at the foot
     of page 1 and two at the head of page 2 of a new förvaltning's report in kr (found in review, h158) */
  p.anm { break-inside: avoid-page; page-break-inside: avoid; }
  div.med-anm tbody tr:last-child { break-before: avoid-page; page-break-before: avoid; }
  /* the footer's lines are read together, as one block (its last two stood alone on a last page, under the running header) */
  footer { overflow-wrap: anywhere; break-inside: avoid-page; page-break-inside: avoid; }
  figure { break-inside: avoid; page-break-inside: avoid; }
}
"""
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
# the footer's lines (the files and revisions, the ERP export, the last booked period) are how a reviewer
# traces a figure, not text for the nämnd: every document sets them apart at its end, small, under this label
SOURCES_LABEL = "Underlag för granskning"


def chart(section: Section, fmt: str = "svg") -> bytes:
    """The section's chart as a document shows it, its notes not in the drawing but under it (`chart_note`):
    they stood twice, small in the chart and as `Anm.` below it (found in review, h102). Charts need the
    `charts` extra: UsageError naming it otherwise."""
    import kfollow.render.charts as charts

    draw = {"verksamhet": charts.chart_verksamhet, "avvikelse": charts.chart_avvikelse,
            "manader": charts.chart_manader}[section.chart]
    return draw(section.report, fmt, noted=False)


def chart_title(section: Section) -> str:
    """The title of the section's chart (`charts.title`)."""
    import kfollow.render.charts as charts

    return charts.title(section.report, section.chart)


def chart_note(section: Section, stated: set[str], beside=()) -> str | None:
    """What the reader of the section's chart must know (`charts.notes`: the rows it leaves out, the rows drawn as
    resultat), as one `Anm.` under it: the notes not yet stated in the document (`unstated`) nor under the
    section's own table just above it (`beside`), or None."""
    import kfollow.render.charts as charts

    return " ".join(unstated([n for n in charts.notes(section.report, section.chart) if n not in beside],
                             stated)) or None


def _columns(section: Section, opts: Options) -> list:
    """The columns of a section's table, as people see them (--columns too)."""
    return for_people(section.report, replace(opts, comments=section.comments or opts.comments))


def section_notes(section: Section, opts: Options, stated: set[str]) -> list[str]:
    """The notes under a section's table: those on its columns shown, not yet stated (`unstated`); a
    note on how the table's total is made (its rows of resultat units counted as nettokostnad) under
    every table it applies to, where its rows do not add up to the total without it."""
    notes = notes_shown(section.report.notes, _columns(section, opts), chosen=opts.columns is not None,
                        decimals=opts.decimals)
    every = [n for n in notes if isinstance(n, TableNote)]
    fresh = unstated([n for n in notes if n not in every], stated)
    return [n for n in notes if n in every or n in fresh]


def _cells(section: Section, opts: Options):
    """Columns, their text values (Swedish numbers) and the row kinds of a section's table, a word longer than
    `_LONG_WORD` with a zero-width space every `_PIECE` letters, where Word may break it (`_breakable`: as the HTML
    breaks it, so that a name of 80 letters does not squeeze the comments beside it to a word a line)."""
    report = section.report
    columns = _columns(section, opts)
    text = as_text(report, columns, opts, swedish=True)
    text = text.with_columns(printable(c.name) for c in columns if c.kind in TEXT)
    text = text.with_columns(_whole_paths(_breakable(pl.col(c.name), longest := _longest_word(text[c.name]), WORD_BREAK),
                                          longest)
                             for c in columns if c.kind in TEXT)
    return columns, text.rows(), report.kinds()


def _escaped(expr: pl.Expr) -> pl.Expr:
    """`html.escape` of a text column, a whole column at once."""
    for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;")):
        expr = expr.str.replace_all(old, new, literal=True)
    return expr



# a word longer than this (a name of 80 letters without a space) may break every `_PIECE` letters: a cell is as wide
# as its longest word, and such a name took a stab table past a window of 1 200 px, its comments squeezed to a word
# a line or cut at the frame's edge (found in review, h156); shorter words never break (`Personalkostnader/
# verksamhetens` of the indicators, 31, nor a long Swedish compound)
_LONG_WORD, _PIECE = 40, 25
WORD_BREAK = "\u200b"  # where Word may break a long word (`_cells`): a zero-width space
_BREAK = "\x01"  # where a long word may break, `<wbr>` once escaped (no text has it: `printable` replaced it)


def _breakable(expr: pl.Expr, longest: int, mark: str = _BREAK) -> pl.Expr:
    """`expr` with a `mark` after every `_PIECE` letters of a word longer than `_LONG_WORD`, its last piece longer
    than the rest of the limit; `longest` is the length of the column's longest word (a pass breaks each word once)."""
    run = f"[^\\s{mark}]"
    for _ in range(max(0, (longest - _LONG_WORD + _PIECE - 1) // _PIECE)):
        expr = expr.str.replace_all(f"({run}{{{_PIECE}}})({run}{{{_LONG_WORD - _PIECE + 1},}})", f"${{1}}{mark}${{2}}")
    return expr


def _whole_paths(expr: pl.Expr, longest: int) -> pl.Expr:
    """`expr` (a column `_breakable` marked with `WORD_BREAK`) without the mark in a word with a `/` or a `\\`, a path:
    copied out of a Word table (`check -o kontroll.docx`, whose Fil column holds paths) it carried a zero-width space
    every 25 letters, and a path so copied named no file (found in review, h158); Word breaks it at the cell's edge,
    and its width is measured as broken after each `/` (`docx._words`). `longest` as for `_breakable`."""
    for _ in range(max(0, longest // _PIECE)):  # (a pass takes one mark of each side of a word's slash)
        expr = expr.str.replace_all(f"([/\\\\][^\\s]*?){WORD_BREAK}", "${1}").str.replace_all(
            f"{WORD_BREAK}([^\\s]*?[/\\\\])", "${1}")
    return expr


def _longest_word(column: pl.Series) -> int:
    """The length in letters of the longest word of a text column (0 for none)."""
    return int(column.str.extract_all(r"\S+").explode().str.len_chars().max() or 0)


# a sum's label of up to this many letters (`Summa nettokostnad`, `Summa färdigställda projekt`) stays on one line: beside a
# comment column a browser and Word wrapped it, 'Summa' over 'nettokostnad' (found in review, h158); a longer one wraps
WHOLE_LABEL = 30
WHOLE_KINDS = (RowKind.summa, RowKind.delsumma)


def whole_label(kind: RowKind | None, label: str) -> bool:
    """Whether a row's label is kept on one line: a sum's (`WHOLE_KINDS`) of at most `WHOLE_LABEL` letters."""
    return kind in WHOLE_KINDS and len(label.strip()) <= WHOLE_LABEL


_DATE = r"\b([0-9]{4}-[0-9]{2}(?:-[0-9]{2})?)\b"  # a date or a month, which a browser breaks after a hyphen


def _unbroken(header: str) -> str:
    """A month in a header (`Prognos 2024-10`) kept on one line: a browser breaks after its hyphen."""
    return re.sub(r"\b([0-9]{4}-[0-9]{2})\b", r'<span class="nw">\1</span>', header)


def _table_html(section: Section, opts: Options, noted: bool = False) -> str:
    """The section's table: a header cell per row (its label, indented where the label is), the
    figures right-aligned, the comments in a wide column; built a column at a time with polars. `noted`:
    notes follow it, which on paper keep its last two rows with them (`med-anm`)."""
    report = section.report
    columns = for_people(report, replace(opts, comments=section.comments or opts.comments))  # (--columns too)
    text = as_text(report, columns, opts, swedish=True)
    text = text.with_columns(printable(c.name) for c in columns if c.kind in TEXT)
    esc = html.escape
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if c.kind in NUMERIC else ""}>{_unbroken(esc(c.header))}</th>' for c in columns)
    cells = []
    for i, c in enumerate(columns):
        value = pl.col(c.name)
        shown = value.fill_null("–" if c.kind in NUMERIC else "")
        if c.kind in TEXT:
            shown = _breakable(shown, _longest_word(text[c.name]))
        shown = _escaped(shown).str.replace_all("\n", "<br>", literal=True).str.replace_all(_BREAK, "<wbr>", literal=True)
        if c.kind in TEXT:  # a date kept on one line, as a header's month (`_unbroken`): the Ombudgeteringar's
            # Datum read '2024-06-' over '17' in a window of 1 200 px (found in review, h156)
            shown = shown.str.replace_all(_DATE, r'<span class="nw">${1}</span>')
        if i == 0:  # a label indented under its row (a varav line, a part) keeps its indent
            indent = pl.when(value.fill_null("").str.starts_with("  ")).then(pl.lit(' class="indrag"')).otherwise(pl.lit(""))
            label = shown.str.strip_chars()
            label = pl.when(pl.col("_kind").is_in([k.value for k in WHOLE_KINDS])
                            & (value.fill_null("").str.strip_chars().str.len_chars() <= WHOLE_LABEL)) \
                .then(pl.lit('<span class="nw">') + label + pl.lit("</span>")).otherwise(label)  # (`whole_label`)
            cells.append(pl.concat_str([pl.lit('<th scope="row"'), indent, pl.lit(">"), label, pl.lit("</th>")]))
        elif c.kind in NUMERIC:
            cells.append(pl.concat_str([pl.lit('<td class="num">'), shown, pl.lit("</td>")]))
        else:
            cells.append(pl.concat_str([pl.lit('<td class="kommentar">' if c.comment else "<td>"), shown, pl.lit("</td>")]))
    kinds = (report.frame.select(_escaped(pl.col("radtyp")))["radtyp"] if "radtyp" in report.frame.columns
             else pl.Series("radtyp", [None] * report.frame.height, pl.String))  # the row's class: its kind
    rows = text.with_columns(kinds.alias("_kind")).select(pl.concat_str([
        pl.when(pl.col("_kind").is_not_null()).then(pl.lit('<tr class="') + pl.col("_kind") + pl.lit('">'))
        .otherwise(pl.lit("<tr>")),
        *cells, pl.lit("</tr>")]).alias("_row"))["_row"] if columns else pl.Series([], dtype=pl.String)
    caption = esc(report.caption)
    wide = " kommentarer" if any(c.comment for c in columns) else ""  # on paper: the page's width
    if landscape(columns, text.height):  # on paper: a landscape page (`to_html`)
        wide += " bred"
    return (f'<div class="tabell{" med-anm" if noted else ""}{wide}">\n<table>\n<caption>{caption}</caption>\n<thead><tr>{head}</tr></thead>\n'
            "<tbody>\n" + "\n".join(rows.to_list()) + "\n</tbody>\n</table>\n</div>")


def landscape(columns, rows: int) -> bool:
    """Whether a table of these columns (as people see them) and `rows` rows prints on a landscape page: one with
    comments, at least `LANDSCAPE_COLUMNS` columns and `LANDSCAPE_ROWS` rows. The PDF's rule and Word's (a table of
    the report turned in the one and not in the other made Word's pages two more, each a small table alone on a
    landscape page; a stab's report, `--stab EKO --stab DIG`, opened on a landscape page holding the title and a
    table of two staber and their sum, the rest of the report on portrait pages after it: found in review, h113)."""
    return any(c.comment for c in columns) and len(columns) >= LANDSCAPE_COLUMNS and rows >= LANDSCAPE_ROWS


def _inline_svg(svg: bytes) -> str:
    """An SVG file's markup for inlining: without its XML declaration and doctype."""
    text = svg.decode("utf-8")
    text = re.sub(r"^<\?xml[^>]*\?>\s*", "", text)
    return re.sub(r"<!DOCTYPE[^>]*>\s*", "", text)


def unstated(notes, stated: set[str]) -> list[str]:
    """The notes not yet stated in the document, which are now: a note that stands under several
    tables of a document is said once, under the first table it applies to."""
    fresh = [n for n in dict.fromkeys(notes) if n not in stated]
    stated.update(fresh)
    return fresh


def _css_string(text: str) -> str:
    """`text` as a quoted CSS string that cannot end the string or the `<style>` element."""
    return '"' + "".join(c if c.isalnum() or c in " ,.:;-–()/%" else f"\\{ord(c):x} " for c in text) + '"'


def to_html(doc: Document, opts: Options, charts: bool = True) -> str:
    """The document as one self-contained HTML page; `charts=False` leaves the charts out."""
    esc = html.escape
    css = CSS + PRINT_CSS.replace("TITLE", _css_string(doc.title))
    parts = [f'<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
             f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
             f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f"<title>{esc(doc.title)}</title>\n<style>{css}</style>\n</head>\n<body>\n<main>"]
    intro = f"<h1>{esc(doc.title)}</h1>\n<p>Belopp i {esc(doc.unit)}.</p>\n"
    stated: set[str] = set()
    for section in doc.sections:
        if not section.table and not (section.chart and charts):  # a chart left out: no heading over nothing
            continue
        said = section_notes(section, opts, stated) if section.table else []
        table = _table_html(section, opts, noted=bool(said)) if section.table else ""
        wide = ' class="bred"' if re.match(r'<div class="[^"]* bred"', table) else ""  # (on paper: landscape)
        parts.append(f"<section{wide}>\n{intro}<h2>{esc(section.heading)}</h2>")
        intro = ""  # (the title goes with the first section: on its page, portrait or landscape)
        if section.table:
            parts.append(table)
            parts += [f'<p class="anm">Anm.: {esc(n)}</p>' for n in said]
        if section.chart and charts:
            parts.append(f"<figure>\n{_inline_svg(chart(section))}\n</figure>")
            if remark := chart_note(section, stated, said):
                parts.append(f'<p class="anm">Anm.: {esc(remark)}</p>')
        parts.append("</section>")
    if intro:  # (a document without a section: its title alone)
        parts.append(intro)
    if doc.footer:  # (set apart from the report, small: `SOURCES_LABEL`)
        parts.append(f'</main>\n<footer>\n<p class="underlag">{SOURCES_LABEL}</p>\n'
                     + "\n".join(f"<p>{esc(line)}</p>" for line in doc.footer) + "\n</footer>")
    else:
        parts.append("</main>")
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


def to_markdown(doc: Document, opts: Options, chart_stem: str | None) -> tuple[str, dict[str, bytes]]:
    """The document as Markdown and the chart files it links (`<chart_stem>-<kind>.svg`, written
    beside it); without `chart_stem` the charts are left out."""
    from kfollow.render.text import md_text as _md_text, to_md

    files: dict[str, bytes] = {}
    parts = [f"# {_md_text(doc.title)}", "", f"Belopp i {doc.unit}.", ""]
    stated: set[str] = set()
    for section in doc.sections:
        if not section.table and not (section.chart and chart_stem is not None):  # a chart left out
            continue
        parts += [f"## {_md_text(section.heading)}", ""]
        said = section_notes(section, opts, stated) if section.table else []
        if section.table:
            report = replace(section.report, notes=tuple(said))
            parts.append(to_md(report, Options(opts.format, opts.decimals,
                                               section.comments or opts.comments)).rstrip("\n"))
            parts.append("")
        if section.chart and chart_stem is not None:
            name = f"{chart_stem}-{section.chart}.svg"
            files[name] = chart(section)
            # the file's name as a URL: a `)` or a space in it neither ends nor breaks the link
            parts += [f"![{_md_text(chart_title(section))}]({quote(name)})", ""]
            if remark := chart_note(section, stated, said):
                parts += [f"Anm.: {_md_text(remark)}", ""]
    if doc.footer:  # (set apart from the report: `SOURCES_LABEL`)
        parts += ["---", "", f"*{SOURCES_LABEL}:*  "] + [f"{_md_text(line)}  " for line in doc.footer]
    return "\n".join(parts) + "\n", files


def to_workbook(doc: Document, opts: Options, notices: list[str] | None = None) -> bytes:
    """One sheet per table of the document, and a last of its sources (`SOURCES_LABEL`); `notices` as for
    `xlsx.to_xlsx`."""
    from kfollow.render.xlsx import to_xlsx

    tables = [s for s in doc.sections if s.table]
    if not tables:
        raise UsageError("the report has no tables")
    # the rows' comments where the document shows them (a table of the other formats has the same columns),
    # never a column empty in every row; the footer (the sources) on a last sheet, as the other formats end with it
    return to_xlsx([_without_empty_comments(s.report, s.comments or opts.comments) for s in tables],
                   replace(opts, comments=True), [s.short or s.heading for s in tables], notices, footer=doc.footer,
                   title=doc.title, footer_label=SOURCES_LABEL)


def _without_empty_comments(report: Report, shown: bool = True) -> Report:
    frame = report.frame
    if "kommentar" in frame.columns and (not shown or frame.filter(
            pl.col("kommentar").fill_null("").str.strip_chars() != "").is_empty()):
        return replace(report, columns=tuple(c for c in report.columns if c.name != "kommentar"))
    return report
