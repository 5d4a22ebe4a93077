"""A `Document` (or one `Report`) as a Word file, with python-docx (the `word` extra).

Real Word tables: the header row repeats on every page, a row never splits across a page, numbers
are right-aligned in the Swedish format, total rows are bold and a part's label is indented under its
row. Headings use the built-in `Title` and `Heading 1` styles and table titles `Caption`, so the
document's outline and a table of contents work. Charts are PNG at print resolution with their
description as alternative text. A table too wide for a portrait page gets a landscape section of
its own, so nothing is cut at the page edge.

With a template (`--mall FILE.docx`, the kommun's own), the document starts from it: its styles,
page setup, headers and logo apply, and its body is replaced by the report. A style the template
lacks falls back to `Normal`, with a note.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from kfollow.errors import DataError, UsageError
from kfollow.options import Options
from kfollow.render.columns import NUMERIC
from kfollow.render.document import chart_note, unstated
from kfollow.report import Document, Report, Section

EXTRA = "Word documents need python-docx (pip install 'kfollow[word]'; in a checkout '.[word]')"
A4 = (21.0, 29.7)  # cm
MARGIN = 2.0  # cm, each side, when there is no template
TABLE_PT = 8  # font size of table cells
CHAR_CM = 0.2  # about the width of a character of 8 pt bold text
PAD_CM = 0.4  # a cell's margins
CHART_CM = 16.0
CHART_DPI = 200


@dataclass
class _Writer:
    """The document being built, and what a person should know about it (missing template styles)."""

    docx: object
    notes: list[str] = field(default_factory=list)
    _styles: dict[str, str | None] = field(default_factory=dict)
    placed: int = 0  # tables and charts in the current section (0: only text so far, it may turn)

    def style(self, name: str) -> str | None:
        """`name` when the document has that style; else None (Normal), with a note once."""
        if name not in self._styles:
            have = {s.name for s in self.docx.styles}
            self._styles[name] = name if name in have else None
            if name not in have:
                self.notes.append(f"the template has no style '{name}'; Normal is used instead")
        return self._styles[name]

    def paragraph(self, text: str = "", style: str | None = None, keep_with_next: bool = False):
        p = self.docx.add_paragraph(text, style=self.style(style) if style else None)
        if keep_with_next:
            p.paragraph_format.keep_with_next = True
        return p


def _docx():
    try:
        import docx  # noqa: F401
    except ImportError:
        raise UsageError(EXTRA) from None
    import docx

    return docx


def _open(template: Path | None) -> object:
    """A new document: the template with its body emptied, or python-docx's default on A4."""
    docx = _docx()
    from docx.opc.exceptions import PackageNotFoundError
    from docx.shared import Cm

    if template is None:
        document = docx.Document()
        for s in document.sections:
            s.page_width, s.page_height = Cm(A4[0]), Cm(A4[1])
            s.left_margin = s.right_margin = s.top_margin = s.bottom_margin = Cm(MARGIN)
    else:
        try:
            document = docx.Document(str(template))
        except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
            raise DataError(str(template), None, None, f"not a Word document (.docx) that can be read ({exc}); give "
                                                       "the kommun's template saved as .docx") from None
    body = document.element.body
    for child in list(body):  # the template's text goes; its last section's page setup stays
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    return document


def to_docx(doc: Document, opts: Options, charts: bool = True, template: Path | None = None) -> tuple[bytes, list[str]]:
    """The document as .docx bytes, and notes for the person running the command."""
    w = _Writer(_open(template))
    w.paragraph(doc.title, "Title")
    w.paragraph(f"Belopp i {doc.unit}.")
    stated: set[str] = set()  # a note under several tables is said once, under the first
    for section in doc.sections:
        if not section.table and not (section.chart and charts):  # a chart left out: no heading over nothing
            continue
        if section.table:
            _table(w, section, opts, heading=section.heading, notes=unstated(section.report.notes, stated))
        else:
            _orient(w, landscape=False)
            w.paragraph(section.heading, "Heading 1", keep_with_next=True)
        if section.chart and charts:
            _orient(w, landscape=False)
            _chart(w, section)
            for remark in unstated([r] if (r := chart_note(section)) else [], stated):
                _small(w.paragraph(f"Anm.: {remark}"))
    _orient(w, landscape=False)
    if doc.footer:
        w.paragraph("Källor och anmärkningar", "Heading 1", keep_with_next=True)
        for line in doc.footer:
            _small(w.paragraph(line))
    return _save(w), w.notes


def report_to_docx(report: Report, opts: Options, template: Path | None = None) -> tuple[bytes, list[str]]:
    """One table (a table command's `--format docx`) as a document of its own."""
    w = _Writer(_open(template))
    _table(w, Section(report.title or "Tabell", report, comments=opts.comments), opts)
    return _save(w), w.notes


def _save(w: _Writer) -> bytes:
    out = io.BytesIO()
    w.docx.save(out)
    return out.getvalue()


def _small(paragraph, size: int = 9) -> None:
    from docx.shared import Pt

    for run in paragraph.runs:
        run.font.size = Pt(size)


def _table(w: _Writer, section: Section, opts: Options, heading: str | None = None,
           notes: list[str] | None = None) -> None:
    """The section's table (after its heading, on the same page: a landscape section takes both), and
    its `notes` under it (default: all the report's)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from kfollow.render.document import _cells

    columns, rows, kinds = _cells(section, opts)
    header = [c.header for c in columns]
    texts = [["–" if v is None and c.kind in NUMERIC else (v or "") for c, v in zip(columns, row)] for row in rows]
    # widths in characters: a comment wraps at about 40, a label at about 34, numbers never
    # (a header's words by their letters' widths in bold: "summa" of `Andel av summa %` broke as "summ a")
    widest = [max([_letters(h) for h in header[i].split()] + [len(r[i].strip()) for r in texts] or [1])
              for i in range(len(columns))]
    chars = [min(n, 40 if c.comment else 34 if i == 0 else n) for i, (c, n) in enumerate(zip(columns, widest))]
    needed = sum(n * CHAR_CM + PAD_CM for n in chars)
    _orient(w, landscape=needed > _usable(w, landscape=False))  # too wide for portrait: a landscape section
    usable = _usable(w)

    if heading is not None:
        w.paragraph(heading, "Heading 1", keep_with_next=True)
    w.paragraph(section.report.caption, "Caption", keep_with_next=True)
    table = w.docx.add_table(rows=1 + len(texts), cols=len(columns))
    w.placed += 1
    if w.style("Table Grid"):
        table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    # numbers keep their width; the label and comments share what is left (and wrap), a text column never
    # narrower than its longest word (`Kommunikationsstab` broke as "Kommunikationsst ab") nor 2,5 cm
    desired = [n * CHAR_CM + PAD_CM for n in chars]
    words = [max([len(x) for r in texts for x in r[i].split()] + [len(x) for x in header[i].split()] or [1])
             for i in range(len(columns))]
    flexible = [i for i, c in enumerate(columns) if c.kind not in NUMERIC]
    least = {i: min(desired[i], max(2.5, words[i] * CHAR_CM + PAD_CM)) for i in flexible}
    room = usable - sum(d for i, d in enumerate(desired) if i not in least)
    fitted = dict.fromkeys(flexible, 0.0)
    free = set(flexible)
    while free:  # shrink the free columns alike; one that would go below its least keeps its least
        scale = min(1.0, max(0.0, room - sum(least[i] for i in flexible if i not in free)) / sum(desired[i] for i in free))
        held = {i for i in free if desired[i] * scale < least[i]}
        if not held:
            fitted.update({i: desired[i] * scale for i in free})
            break
        fitted.update({i: least[i] for i in held})
        free -= held
    for i in flexible:
        fitted[i] = max(fitted[i], least[i])
    widths = [Cm(fitted.get(i, desired[i])) for i in range(len(columns))]
    for col, width in zip(table.columns, widths):  # the grid, which Word and LibreOffice lay out by
        col.width = width

    def fill(cell, text: str, right: bool, bold: bool = False, indent: bool = False, width=None) -> None:
        if width is not None:
            cell.width = width
        p = cell.paragraphs[0]
        lines = text.split("\n")
        run = p.add_run(lines[0])
        for line in lines[1:]:  # a comment's own line breaks
            run.add_break()
            run = p.add_run(line)
        for r in p.runs:
            r.font.size = Pt(TABLE_PT)
            r.font.bold = bold or None
        p.paragraph_format.space_after = Pt(0)
        if right:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if indent:
            p.paragraph_format.left_indent = Cm(0.4)

    head = table.rows[0]
    _row_flags(head, OxmlElement, qn, header_row=True)
    for i, (c, text) in enumerate(zip(columns, header)):
        fill(head.cells[i], text, c.kind in NUMERIC, bold=True, width=widths[i])
    for row, values, kind in zip(table.rows[1:], texts, kinds):
        _row_flags(row, OxmlElement, qn)
        bold = bool(kind and kind.total)
        for i, (c, value) in enumerate(zip(columns, values)):
            indent = i == 0 and value.startswith("  ")
            fill(row.cells[i], value.strip() if i == 0 else value, c.kind in NUMERIC and i > 0, bold, indent, widths[i])
    for note in section.report.notes if notes is None else notes:
        _small(w.paragraph(f"Anm.: {note}"))


def _row_flags(row, element, qn, header_row: bool = False) -> None:
    """A row that never splits across pages; the header row repeats on each page."""
    props = row._tr.get_or_add_trPr()
    props.append(element("w:cantSplit"))
    if header_row:
        props.append(element("w:tblHeader"))


def _usable(w: _Writer, landscape: bool | None = None) -> float:
    """The text width (cm) of the current section's page, or of that page turned to `landscape`."""
    from docx.enum.section import WD_ORIENT

    page = w.docx.sections[-1]
    width, height = page.page_width, page.page_height
    if landscape is not None and landscape != (page.orientation == WD_ORIENT.LANDSCAPE):
        width = height
    return (width - page.left_margin - page.right_margin) / 360000  # EMU → cm


def _letters(word: str) -> float:
    """A bold word's width in average letters, m and w counted wide (narrow letters are not counted
    narrower: `Budget` broke as "Budge t")."""
    return sum(1.5 if ch in "mwMW" else 1.0 for ch in word)


def _orient(w: _Writer, landscape: bool) -> None:
    """Go on in a portrait or a landscape section: a new section (on a new page) only when the
    current one is turned the other way and holds a table or a chart already (else it turns itself);
    the page's sides swap."""
    from docx.enum.section import WD_ORIENT, WD_SECTION

    wanted = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section = w.docx.sections[-1]
    if section.orientation == wanted:
        return
    if w.placed:  # a new page, turned
        section = w.docx.add_section(WD_SECTION.NEW_PAGE)
        w.placed = 0
    # (a section of text only, such as the title, turns with the table that follows it: no page of a
    # title alone, nor an empty first page)
    section.orientation = wanted
    section.page_width, section.page_height = section.page_height, section.page_width


def _chart(w: _Writer, section: Section) -> None:
    from docx.shared import Cm

    from kfollow.render.document import chart

    png = chart(section, "png")
    w.docx.add_paragraph().add_run().add_picture(io.BytesIO(png), width=Cm(CHART_CM))
    w.placed += 1
    picture = w.docx.inline_shapes[-1]
    description = section.report.caption or section.heading
    picture._inline.docPr.set("descr", description)  # the alternative text a screen reader says
    picture._inline.docPr.set("title", section.heading)
