"""A `Document` (or one `Report`) as a Word file, with python-docx (the `word` extra).

Real Word tables: the header row repeats on every page, a row never splits across a page, numbers
are right-aligned in the Swedish format, total rows are bold and a part's label is indented under its
row. Headings use the built-in `Title` and `Heading 1` styles and table titles `Caption`, so the
document's outline and a table of contents work. Every page has the title at its head and `Sida N
av M` at its foot, as the PDF's pages have (`_running`). Charts are PNG at print resolution with their
description as alternative text. A table the PDF prints on a landscape page, or too wide for a portrait
one, gets a landscape section, shared with the landscape tables next to it (a chart after it, on a
portrait page again, gets the section's heading over it), and every
table fits the text width of its page without a word broken inside a cell (`_fit`), so nothing is cut
at the page edge.

With a template (`--mall FILE.docx`, the kommun's own), the document starts from it: its styles,
page setup, headers and logo apply, and its body is replaced by the report (a header or footer the
template leaves empty gets the title or the page numbers). A style the template
lacks falls back to `Normal`, with a note.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from kfollow.errors import DataError, UsageError
from kfollow.options import Options
from kfollow.render.columns import NUMERIC
from kfollow.render.document import SOURCES_LABEL, chart_note, landscape, section_notes
from kfollow.report import Document, Report, Section

EXTRA = "Word documents need python-docx, which is installed with kfollow; install kfollow again (pip install --force-reinstall kfollow)"
A4 = (21.0, 29.7)  # cm
# cm, the page's margins when there is no template: the PDF's (`document.PRINT_CSS`: 18 mm 14 mm 16 mm), so that
# a table has the width it has there (Word's 2 cm a side left 17,0 cm of the PDF's 18,2; found in review, h116)
MARGINS = {"top": 1.8, "right": 1.4, "bottom": 1.6, "left": 1.4}
# a table's font size, its cells' margins (cm, both sides together; Word's default is 0,19 cm a side) and
# how narrow a text column may be made while its words leave room (cm), tried in turn until it fits; last the PDF's
# own cell margins, 0,3 em a side at 7 pt (`document.PRINT_CSS`): a table the PDF prints portrait, eleven columns of
# the tkr report with 'Prognos från', turned Word's page 1 for want of 0,24 cm at 1 mm (found by a nämndsekreterare, h127)
FITS = ((8.0, 0.4, 2.5), (8.0, 0.4, 0.0), (7.5, 0.4, 0.0), (7.0, 0.4, 0.0), (7.0, 0.2, 0.0), (7.0, 0.148, 0.0))
INDENT_CM = 0.4  # a part's label under its row
KEPT_ROWS = 2  # the rows of a table kept on the page of its last (a total), where a page break falls before it
LABEL_EM, COMMENT_EM = 24.0, 28.0  # a label wraps at about 38 letters, a comment at about 45
COMMENT_SHARE = 0.36  # of the text width, what a comment column is given before the other text columns (the PDF's)
# of the text width, what comments are given at least (or what they want) before a table keeps a larger font or its
# figures' headers on two lines: in tkr the figures left them 17 % at 8 pt, nine lines of three words (found by a
# nämndsekreterare, h127)
COMMENT_LEAST = 0.25
COMMENT_WORD_EM = 10.0  # a comment's longest word as it is measured at most (`_span`): about 16 letters
# where a line may break: a space that is not a no-break one, or a long word's zero-width space (`document._cells`)
BREAK = re.compile(r"[^\S\u00a0\u202f]+|\u200b")
# a long path's parts as a line may break it (`_words`): after each `/` or `\`, and a part of more than 25 letters
# (`document._PIECE`) every 25, where Word breaks it at the cell's edge
PATH_PARTS = re.compile(r"[^/\\]{1,25}[/\\]?|[/\\]")
# The advance widths (em) of DejaVu Serif, which LibreOffice prints with where the document's font (Cambria)
# is missing, in classes: each class as wide as its widest (read with FreeType; no class is more than 0,03 em
# wider than a character in it, and none narrower). Cambria in Word is narrower still.
SERIF = ((0.200, "\u202f"), (0.275, "'"), (0.338, " ,-./:;\\ijl|\u00a0’"), (0.370, "f"), (0.402, "!()IJ[]t"),
         (0.478, '"r'), (0.527, "*_`sz§°–“”"), (0.565, "?cvxy"), (0.612, "aeko«»äåèéëöø"),
         (0.636, "$0123456789"), (0.664, "LYbdghnpqu{}ü"), (0.695, "FPSTZ"), (0.735, "ABEVXÄÅÉ"), (0.765, "CKR"),
         (0.820, "DGOQÖØ"), (0.856, "#+<=>U^w~×Ü−"), (0.890, "&HN"), (0.950, "%mæ"), (1.028, "@MWÆ—…"))
SERIF_BOLD = ((0.200, "\u202f"), (0.306, "'"), (0.348, " ,.\u00a0’"), (0.380, "/:;\\ijl|"), (0.439, "!-f"),
              (0.473, "()IJ[]t"), (0.527, '"*_`r§°–'), (0.563, "s"), (0.596, "?vxyz“”"), (0.636, "ce«»èéë"),
              (0.667, "ao{}äåöø"), (0.699, "$0123456789bdgkpq"), (0.730, "FLSYZhnuü"), (0.762, "EPTÉ"),
              (0.796, "ACVXÄÅ"), (0.838, "#+<=>R^~×−"), (0.872, "BDGKOQUwÖØÜ"), (0.914, "&N"), (0.950, "%H"),
              (1.000, "@æ—…"), (1.058, "mÆ"), (1.123, "MW"))
ADVANCE = {bold: {ch: width for width, chars in table for ch in chars}
           for bold, table in ((False, SERIF), (True, SERIF_BOLD))}
OTHER_EM = 1.0  # a character not in the table (a letter of another alphabet): as wide as the widest
GLYPH_ROOM = 1.02  # a word measured this much wider than its glyphs: a line's layout rounds each glyph
NOTE_SPACE_PT = 6  # above a table's first note
CHART_CM = 16.0  # or the text width, where a template's margins leave less
CHART_DPI = 200
RUNNING_PT = 8  # the title over each page and its number under it: small, as in the PDF
RUNNING_GREY = "444444"


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
            for side, cm in MARGINS.items():
                setattr(s, f"{side}_margin", Cm(cm))
        _swedish(document)
    else:
        try:
            document = docx.Document(str(template))
        except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
            raise DataError(str(template), None, None, f"not a Word document (.docx) that can be read ({exc}); give "
                                                       "the kommun's template saved as .docx") from None
        _dated(document)
    body = document.element.body
    for child in list(body):  # the template's text goes; its last section's page setup stays
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    return document


def _dated(document) -> None:
    """A template without document properties (docProps/core.xml) gets python-docx's, which it dates with the time
    of saving: the same report differed in its bytes (found in review, h124); they are dated 1980-01-01, as the zip
    entries are (`_save`). A template's own properties are kept as they are."""
    from datetime import datetime

    from docx.opc.constants import RELATIONSHIP_TYPE

    try:
        document.part.package.part_related_by(RELATIONSHIP_TYPE.CORE_PROPERTIES)
    except KeyError:
        document.core_properties.modified = datetime(1980, 1, 1)


def _swedish(document) -> None:
    """python-docx's own template in Swedish (its text was tagged en-US: Word checked the Swedish as English) and
    without its "generated by python-docx" and author (found reading the outputs as a kommunekonom)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    rpr = rpr.find(qn("w:rPr")) if rpr is not None else None
    if rpr is not None:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "sv-SE")
    properties = document.core_properties
    properties.comments, properties.author, properties.language = "", "kfollow", "sv-SE"


def to_docx(doc: Document, opts: Options, charts: bool = True, template: Path | None = None) -> tuple[bytes, list[str]]:
    """The document as .docx bytes, and notes for the person running the command."""
    w = _Writer(_open(template))
    w.paragraph(doc.title, "Title")
    w.paragraph(f"Belopp i {doc.unit}.")
    stated: set[str] = set()  # a note under several tables is said once, under the first
    for section in doc.sections:
        if not section.table and not (section.chart and charts):  # a chart left out: no heading over nothing
            continue
        said = section_notes(section, opts, stated) if section.table else []
        if section.table:
            _table(w, section, opts, heading=section.heading, notes=said)
        else:
            _orient(w, landscape=False)
            w.paragraph(section.heading, "Heading 1", keep_with_next=True)
        if section.chart and charts:
            if _orient(w, landscape=False) and section.table:  # a page of its own, after its landscape table
                w.paragraph(section.heading, "Caption", keep_with_next=True)
            _chart(w, section)
            if remark := chart_note(section, stated, said):
                _small(w.paragraph(f"Anm.: {remark}"))
    _orient(w, landscape=False)
    if doc.footer:
        _sources(w, doc.footer)
    _running(w, doc.title)
    w.docx.core_properties.title = _property(doc.title)  # (the file's title, as the workbook's: found by a new user)
    return _save(w), w.notes


def _sources(w: _Writer, lines: tuple[str, ...]) -> None:
    """The footer's lines (files, revisions, the ERP export, the last booked period) at the document's end, set
    apart by a rule and small and grey as the running header: how a reviewer traces a figure, not a section of
    the report (it stood as a `Heading 1`, "Källor och anmärkningar", in the outline the nämnd reads; found in
    a kommunekonom's reading)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    label = w.paragraph(SOURCES_LABEL, keep_with_next=True)
    label.paragraph_format.space_before = Pt(18)
    rule = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "4"), ("w:color", RUNNING_GREY)):
        top.set(qn(key), value)
    rule.append(top)
    label.paragraph_format.element.get_or_add_pPr().insert_element_before(
        rule, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
        "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
        "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
    _grey(label)
    label.runs[0].font.bold = True
    for i, line in enumerate(lines):
        p = w.paragraph(line, keep_with_next=i < len(lines) - 1)
        p.paragraph_format.space_after = Pt(2)
        _grey(p)


def _property(text: str) -> str:
    """Text for a property of the file: its control characters left out (XML 1.0 has no place for them), and at
    most 255 characters, as Word's core properties take (a title naming twelve verksamheter failed; found in review)."""
    text = "".join(c for c in text if c >= " " or c in "\t\n")
    return text if len(text) <= 255 else text[:254] + "…"


def report_to_docx(report: Report, opts: Options, template: Path | None = None) -> tuple[bytes, list[str]]:
    """One table (a table command's `--format docx`) as a document of its own."""
    from kfollow.render.document import _columns
    from kfollow.report import notes_shown

    w = _Writer(_open(template))
    section = Section(report.title or "Tabell", report, comments=opts.comments)
    # the notes on its columns shown, as every other format says them (all of them stood under it, those on a column
    # --columns left out too: found in review, h58)
    _table(w, section, opts, notes=notes_shown(report.notes, _columns(section, opts),
                                                   chosen=opts.columns is not None, decimals=opts.decimals))
    _running(w, report.title)
    # the file's title, as a report's and a workbook's (a table's was empty: Word's title bar and a document list
    # showed the file name only)
    w.docx.core_properties.title = _property(report.caption or report.title or "")
    return _save(w), w.notes


def _running(w: _Writer, title: str) -> None:
    """The title at the head of every page and `Sida N av M` at its foot, as the PDF has them (a printed
    page of a table alone says neither which report nor where in it). They are the first section's;
    every later one (a wide table's landscape pages) is linked to it, so that Word shows them on each
    page and one edit changes them all. A template's own header or footer (the kommun's name, its logo)
    stays; one it leaves empty gets kfollow's. With a first page or even pages of their own (the
    template's choice), those get theirs too."""
    sections = w.docx.sections
    for later in list(sections)[1:]:
        later.header.is_linked_to_previous = later.footer.is_linked_to_previous = True
    first = sections[0]
    heads, feet = [first.header], [first.footer]
    if first.different_first_page_header_footer:
        heads.append(first.first_page_header)
        feet.append(first.first_page_footer)
    if w.docx.settings.odd_and_even_pages_header_footer:
        heads.append(first.even_page_header)
        feet.append(first.even_page_footer)
    for head in heads:
        if title and _blank(head):
            _grey(_first_paragraph(head, title))
    for foot in feet:
        if _blank(foot):
            from docx.enum.text import WD_ALIGN_PARAGRAPH

            p = _first_paragraph(foot, "Sida ")
            _field(p, "PAGE")
            p.add_run(" av ")
            _field(p, "NUMPAGES")
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT  # (where the PDF has it: bottom right)
            _grey(p)


def _blank(part) -> bool:
    """Whether a header or footer shows nothing: none of its own, or one without text, picture or field."""
    if part.is_linked_to_previous:
        return True
    element = part._element
    return not "".join(element.itertext()).strip() and not element.xpath(
        ".//w:drawing | .//w:pict | .//w:object | .//w:fldSimple | .//w:instrText")


def _first_paragraph(part, text: str):
    """The header's or footer's first paragraph (a new one has one, empty), holding `text`."""
    p = part.paragraphs[0] if part.paragraphs else part.add_paragraph()
    p.add_run(text)
    return p


def _field(paragraph, code: str) -> None:
    """A Word field (`PAGE`, `NUMPAGES`) at the end of `paragraph`. python-docx has no API for fields: its
    runs are built with oxml, a complex field as Word writes it (begin, the code, separate, the result
    shown until the field is updated, end); Word and LibreOffice compute the number on each page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> None:
        mark = OxmlElement("w:fldChar")
        mark.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(mark)

    char("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    paragraph.add_run()._r.append(instruction)
    char("separate")
    paragraph.add_run("1")
    char("end")


def _grey(paragraph) -> None:
    from docx.shared import RGBColor

    _small(paragraph, RUNNING_PT)
    for run in paragraph.runs:
        run.font.color.rgb = RGBColor.from_string(RUNNING_GREY)


def _save(w: _Writer) -> bytes:
    """The document's bytes, the same for the same document: python-docx dates every zip entry with the time it
    was saved, so a report committed to git changed each run while its figures did not (found in review, h119);
    the entries are dated 1980-01-01 and marked as written on Unix, as a workbook's (`xlsx.same_everywhere`)."""
    from kfollow.render.xlsx import same_everywhere

    out = io.BytesIO()
    w.docx.save(out)
    return same_everywhere(out.getvalue())


def _small(paragraph, size: int = 9) -> None:
    from docx.shared import Pt

    for run in paragraph.runs:
        run.font.size = Pt(size)


def _table(w: _Writer, section: Section, opts: Options, heading: str | None = None,
           notes: list[str] | None = None) -> None:
    """The section's table (after its heading, on the same page: a landscape section takes both), and
    its `notes` under it (default: all the report's). It turns the page to landscape where the PDF does
    (`document.landscape`) or its words do not fit a portrait page (`_fits_portrait`), and always fits the text width of its page (see `_fit`)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, Twips

    from kfollow.render.document import _cells, whole_label

    columns, rows, kinds = _cells(section, opts)
    header = [c.header for c in columns]
    texts = [["–" if v is None and c.kind in NUMERIC else (v or "") for c, v in zip(columns, row)] for row in rows]
    bold = [bool(k and k.total) for k in kinds]

    def spans_of(whole: bool) -> list[_Span]:
        return [_span(i, c, header[i], [r[i] for r in texts],
                      [b or (i == 0 and k is not None and k.bold_label) for b, k in zip(bold, kinds)],
                      [whole and i == 0 and whole_label(k, r[0]) for r, k in zip(texts, kinds)])
                for i, c in enumerate(columns)]

    spans = spans_of(whole=False)
    # landscape as the PDF has it (`document.landscape`), or where not even the words fit a portrait page
    _orient(w, landscape=landscape(columns, len(rows)) or not _fits_portrait(spans, _usable(w, landscape=False)))
    size, pad, widths = _fit(spans, _usable(w))
    # a sum's label on one line (`document.whole_label`: 'Summa' stood over 'ombudgeteringar' beside the decisions'
    # text; found in review, h158), where the table keeps its font and margins: not at the cost of a smaller font
    whole = _fit(spans_of(whole=True), _usable(w))
    if whole[:2] == (size, pad):
        size, pad, widths = whole

    if heading is not None:
        w.paragraph(heading, "Heading 1", keep_with_next=True)
    w.paragraph(section.report.caption, "Caption", keep_with_next=True)
    table = w.docx.add_table(rows=1 + len(texts), cols=len(columns))
    w.placed += 1
    if w.style("Table Grid"):
        table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    margins = OxmlElement("w:tblCellMar")  # the margins the widths are measured with, whatever the style's
    for side in ("w:left", "w:right"):
        margin = OxmlElement(side)
        margin.set(qn("w:w"), str(round(pad / 2 / 2.54 * 1440)))  # twips
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    widths = [Twips(int(x / 2.54 * 1440)) for x in widths]  # whole twips, rounded down: the sum stays within
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
            r.font.size = Pt(size)
            r.font.bold = bold or None
        # the paragraph's mark at the table's size too: an empty cell is as high as its mark, and a row without a
        # comment stood a line of the Normal style's 11 pt high beside lines of 7 (found by a nämndsekreterare, h127)
        mark, mark_size = OxmlElement("w:rPr"), OxmlElement("w:sz")
        mark_size.set(qn("w:val"), str(round(2 * size)))
        mark.append(mark_size)
        p._p.get_or_add_pPr().insert_element_before(mark, "w:sectPr", "w:pPrChange")
        p.paragraph_format.space_after = Pt(0)
        if right:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if indent:
            p.paragraph_format.left_indent = Cm(INDENT_CM)

    head = table.rows[0]
    _row_flags(head, OxmlElement, qn, header_row=True)
    for i, (c, text) in enumerate(zip(columns, header)):
        fill(head.cells[i], text, c.kind in NUMERIC, bold=True, width=widths[i])
    for row, values, kind in zip(table.rows[1:], texts, kinds):
        _row_flags(row, OxmlElement, qn)
        bold = bool(kind and kind.total)
        for i, (c, value) in enumerate(zip(columns, values)):
            indent = i == 0 and value.startswith("  ")
            strong = bold or (i == 0 and kind is not None and kind.bold_label)  # (a förvaltning's name too)
            fill(row.cells[i], value.strip() if i == 0 else value, c.kind in NUMERIC and i > 0, strong, indent, widths[i])
    shown = list(section.report.notes if notes is None else notes)
    # the notes stay with the table's last row, on its page (a last Anm. stood alone on the next; found in review):
    # keep with next on that row's paragraphs and on each note but the last; and the last row (a total) stays with
    # the rows before it, two of them where the table has them (the total alone went over to the next page with the
    # notes, the page before a quarter empty; found in review, h102)
    kept = table.rows[max(1, len(table.rows) - KEPT_ROWS - 1):len(table.rows) - (0 if shown else 1)]
    for row in kept:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True
    for i, note in enumerate(shown):
        p = w.paragraph(f"Anm.: {note}", keep_with_next=i < len(shown) - 1)
        if i == 0:  # set off from the table, as the PDF has it (the first stood against its last row; found in review, h116)
            p.paragraph_format.space_before = Pt(NOTE_SPACE_PT)
        _small(p)


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


def _ems(word: str, bold: bool = True) -> float:
    """A word's width in ems of its font size, in bold or regular type, as DejaVu Serif prints it (`SERIF`, its
    glyphs' advance widths), which LibreOffice prints with where the document's font is missing: no word is
    measured narrower than it prints, nor much wider (an estimate of a few widths for all letters took words
    10–13 % wider than they print, and a table of the report a landscape page of its own; found in review, h116)."""
    advance = ADVANCE[bold]
    return GLYPH_ROOM * sum(advance.get(ch, OTHER_EM) for ch in word)


def _cm(ems: float, size: float) -> float:
    """`ems` at a font size of `size` pt, in cm."""
    return ems * size / 72 * 2.54


@dataclass(frozen=True)
class _Span:
    """A column's widths in ems: its longest word (`word`, never to be broken), the width it takes
    when there is room (`want`: a text column's widest line up to its wrap; a number column's widest
    figure or header word, as `word`), and cm it needs at any font size (`extra`: a part's indent); a
    text column's longest line (`whole`), and whether it holds comments (`comment`)."""

    number: bool
    word: float
    want: float
    extra: float = 0.0
    whole: float = 0.0
    comment: bool = False
    long_word: float = 0.0  # a comment's longest word, which `word` counts at most `COMMENT_WORD_EM`
    label: float = 0.0  # the label column's longest line that is kept on one line where the page allows (`_fit`)


def _words(text: str) -> list[str]:
    """The words of a cell's text as a line may break it (`BREAK`), a path longer than a long word
    (`document._LONG_WORD`) in its parts (`PATH_PARTS`): it carries no zero-width space (`document._whole_paths`), and
    measured whole its column took the page's width, as a long name's did before it could break (h156)."""
    from kfollow.render.document import _LONG_WORD

    return [part for word in BREAK.split(text) if word
            for part in (PATH_PARTS.findall(word) if len(word) > _LONG_WORD and re.search(r"[/\\]", word) else [word])]


def _span(i: int, column, header: str, values: list[str], bold: list[bool] | None = None,
          whole: list[bool] | None = None) -> _Span:
    """The widths of the table's column `i`, from its header's words and its cells (`bold`: which cells are,
    as the header is; the others' are measured in regular type; `whole`: which are one word, a sum's label that
    stays on one line, `document.whole_label`)."""
    bold = [True] * len(values) if bold is None else bold
    whole = [False] * len(values) if whole is None else whole
    words = max([_ems(x, strong) for v, strong, one in zip([*values, header], [*bold, True], [*whole, False])
                 for x in ([v.strip()] if one else _words(v))] or [1.0])
    if column.kind in NUMERIC:  # where there is room, its header on two lines at most ("Andel 2023 / av summa %"
        # took four beside a "Förändring" on one)
        from kfollow.render.text import two_lines

        return _Span(True, words, max(words, *(_ems(line) for line in two_lines(header))))
    measured = [_ems(line.strip().replace("\u200b", ""), strong) for v, strong in zip(values, bold)
                for line in v.split("\n")]
    lines = max(measured or [1.0])
    long_word = words if column.comment else 0.0
    if column.comment:  # a long word of a comment breaks, as the PDF hyphenates it, before the page turns (`_fits_portrait`)
        words = min(words, COMMENT_WORD_EM)
    cap = COMMENT_EM if column.comment else LABEL_EM if i == 0 else lines
    indented = i == 0 and any(v.startswith("  ") for v in values)
    # the label's lines that need not wrap (`LABEL_EM` at most): the longest of them is the label column's width
    label = max([x for x in measured if x <= LABEL_EM] or [0.0]) if i == 0 and not column.comment else 0.0
    return _Span(False, words, max(words, min(lines, cap)), INDENT_CM if indented else 0.0, max(words, lines),
                 bool(column.comment), long_word, max(words, label) if label else 0.0)


def _fit(spans: list[_Span], usable: float) -> tuple[float, float, list[float]]:
    """A table's font size, its cells' margins and its columns' widths (cm), within the text width
    `usable` of its page (`_fitted`), its label column as wide as its longest label needs (`_Span.label`: a label of
    up to `LABEL_EM` on one line, as HTML prints it) where the page allows: first at the font and margins the table
    has without it (its figures' headers go onto more lines, the other text columns narrow for it, comments down to
    their least, `COMMENT_LEAST`), then at a smaller font where that puts every label on one line, and only where
    none gives it room the label wraps.
    `Summa färdigställda projekt` of the bundled year's projects wrapped to three lines at 8 pt (a label column of
    3,25 cm: 4,79 at 7,5 pt now), the example's `Summa ombudgeteringar` to two (3,23 cm: 4,52 at 7,5 pt) and its
    `Serviceförvaltningen (internt prissatt)` in the stab table (3,87 cm: 5,67 at 7 pt) (found in review, h162)."""
    fitted = _fitted(spans, usable)
    if not spans or not spans[0].label:
        return fitted
    upto = max(i for i, f in enumerate(FITS) if f[:2] == fitted[:2])  # (first no smaller font than the table's)
    # (a smaller font only where it keeps every label on one line: not for one of several that wrap anyway)
    return (_fitted(spans, usable, label=True, fits=FITS[:upto + 1])
            or (spans[0].label >= spans[0].whole and _fitted(spans, usable, label=True)) or fitted)


def _fitted(spans: list[_Span], usable: float, label: bool = False,
            fits: tuple = FITS) -> tuple[float, float, list[float]] | None:
    """`_fit`'s layout, by the fonts and margins `fits` in turn; with `label`, the label column at least as wide as its
    longest label needs (`_Span.label`), and None where none of them gives it that and the comments their least.

    Number columns are as wide as their widest figure or header word, and their header on two lines
    where there is room. Text columns (the label, comments) are as wide as they want where there is
    room; else all narrow alike, a text column down to its longest word or 2,5 cm, whichever is
    wider, then down to its longest word. Where that is
    still too wide the font goes from 8 to 7,5 and 7 pt, then the cells' margins from 2 to 1 mm and the PDF's 1,5 mm.
    Only then do the text columns share what the figures leave, and their words break (and where
    not even 1 cm each is left, every column narrows alike).

    A number column keeps its header on two lines as long as the text columns have their least beside it;
    and in a table without comments, what the page leaves goes to the label, up to its longest cell (the
    label wrapped to three lines and 'Andel av summa %' to four, while the page's width was shared out
    to every column alike; found in review, h102). In a table with comments, they come first (`_commented`), and
    a smaller font (or more lines for the figures' headers) is taken until they have `COMMENT_LEAST` of the width
    or what they want; where none gives it, the first that fits."""
    # first with every figure's header on two lines (at a smaller font if need be), then on more; a comment's long
    # word breaks only where not even that leaves it room
    commented = [i for i, s in enumerate(spans) if s.comment]
    narrow = None  # the first fit whose comments have less than their quarter (`COMMENT_LEAST`)
    for figures_whole, comments_whole in ((True, True), (False, True), (False, False)):
        if narrow is not None and not comments_whole:  # (a comment's long word broken for its quarter: no)
            return None if label else narrow
        for size, pad, floor in fits:
            want = [_cm(max(s.want, s.long_word if comments_whole else 0.0), size) + pad + s.extra for s in spans]
            least = [(x if figures_whole else _cm(s.word, size) + pad) if s.number
                     else min(x, max(floor, _cm(max(s.word, s.long_word if comments_whole else 0.0), size) + pad
                                     + s.extra)) for x, s in zip(want, spans)]
            if label:  # (the label's need, at this font: never less than it)
                want[0] = max(want[0], _cm(spans[0].label, size) + pad + spans[0].extra)
                least[0] = want[0]
            if sum(least) <= usable:  # (a figure's header goes onto more lines as a text column narrows)
                widths = (_commented(want, least, spans, usable) if any(s.comment for s in spans)
                          else _shrink(want, least, [True] * len(spans), usable))
                if not spans[0].number and not any(s.comment for s in spans):  # the label gets what is left
                    whole = _cm(spans[0].whole, size) + pad + spans[0].extra
                    widths[0] = max(widths[0], min(whole, widths[0] + usable - sum(widths)))
                if any(widths[i] < min(want[i], COMMENT_LEAST * usable / len(commented)) - 1e-9 for i in commented):
                    narrow = narrow or (size, pad, widths)  # (a smaller font, or more header lines, may give it)
                    continue
                return size, pad, widths
    if label:  # (no room for the label whole, or only at the cost of the comments' least: it wraps)
        return None
    if narrow is not None:
        return narrow
    figures = sum(x for x, s in zip(least, spans) if s.number)
    if usable - figures >= sum(not s.number for s in spans):  # the text columns share what the figures leave
        scale = (usable - figures) / (sum(least) - figures)
        return size, pad, [x if s.number else x * scale for x, s in zip(least, spans)]
    return size, pad, [x * usable / sum(least) for x in least]


def _commented(want: list[float], least: list[float], spans: list[_Span], usable: float) -> list[float]:
    """The widths of a table with comments (cm): its comments first as wide as they want up to `COMMENT_SHARE` of
    the page, as the PDF gives them, the other text columns narrowed for them down to their longest word, and only
    then the comments narrower (the Ombudgeteringar's comments wrapped a word a line at 3,2 cm beside a 'Beslut' of
    3,7 cm and a 'Stab' of 3,0 cm, every text column narrowed alike; found in review, h116)."""
    comments = [i for i, s in enumerate(spans) if s.comment]
    room = usable - sum(x for i, x in enumerate(least) if i not in comments)  # what the others can give
    given = {i: min(want[i], max(least[i], COMMENT_SHARE * usable / len(comments))) for i in comments}
    scale = min(1.0, room / sum(given.values()))
    held = [max(least[i], given[i] * scale) if i in given else x for i, x in enumerate(want)]
    widths = _shrink(held, least, [i not in given for i in range(len(spans))], usable)
    left = usable - sum(widths)  # the others as wide as they want, and room still: the comments take it
    for i in comments:
        widths[i] += min(want[i] - widths[i], left / len(comments)) if left > 0 and want[i] > widths[i] else 0.0
    return widths


def _fits_portrait(spans: list[_Span], usable: float) -> bool:
    """Whether a table's words fit a portrait page, every column as wide as its longest word, at 8 pt or,
    where that is too wide, at a smaller font and cell margins of `FITS` (as `_fit` narrows a table on any
    page). Only a table whose words would break, or one that the PDF turns (`document.landscape`), turns
    the page to landscape: the PDF's pages are Word's (a table of three projects and nine columns took a
    landscape page of its own for want of 3 cm at 8 pt, h73; the report's Ombudgeteringar, two rows, one
    for want of its comments' width, where the PDF prints it in portrait, h102)."""
    return any(sum(_cm(s.word, size) + pad + s.extra for s in spans) <= usable for size, pad, _ in FITS)


def _shrink(want: list[float], least: list[float], flexible: list[bool], usable: float) -> list[float]:
    """`want`, its flexible columns narrowed alike so that the whole fits `usable`; one that would
    go below its `least` keeps its least (all the least fit: the caller has seen to that)."""
    fitted = list(want)
    free = {i for i, f in enumerate(flexible) if f}
    room = usable - sum(x for x, f in zip(want, flexible) if not f)
    while free:
        held_cm = sum(least[i] for i, f in enumerate(flexible) if f and i not in free)
        scale = min(1.0, max(0.0, room - held_cm) / sum(want[i] for i in free))
        held = {i for i in free if want[i] * scale < least[i]}
        if not held:
            for i in free:
                fitted[i] = want[i] * scale
            break
        for i in held:
            fitted[i] = least[i]
        free -= held
    return fitted


def _orient(w: _Writer, landscape: bool) -> bool:
    """Go on in a portrait or a landscape section: a new section (on a new page) only when the
    current one is turned the other way and holds a table or a chart already (else it turns itself);
    the page's sides swap. True when a new page was begun."""
    from docx.enum.section import WD_ORIENT, WD_SECTION

    wanted = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section = w.docx.sections[-1]
    if section.orientation == wanted:
        return False
    new_page = bool(w.placed)
    if new_page:  # a new page, turned
        section = w.docx.add_section(WD_SECTION.NEW_PAGE)
        w.placed = 0
    # (a section of text only, such as the title, turns with the table that follows it: no page of a
    # title alone, nor an empty first page)
    section.orientation = wanted
    section.page_width, section.page_height = section.page_height, section.page_width
    return new_page


def png_description(png: bytes) -> str | None:
    """The `Description` a PNG's text chunks carry (tEXt, or uncompressed iTXt), as kfollow's charts
    write it; None without one."""
    import struct

    at = 8  # after the signature
    while at + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        data = png[at + 8:at + 8 + length]
        if kind == b"tEXt" and data.startswith(b"Description\0"):
            return data.split(b"\0", 1)[1].decode("latin-1")
        if kind == b"iTXt" and data.startswith(b"Description\0\0"):  # not compressed
            _, _, rest = data.split(b"\0", 2)
            _, _, text = rest[1:].split(b"\0", 2)  # (method, language, translated keyword)
            return text.decode("utf-8")
        if kind == b"IEND":
            break
        at += 12 + length
    return None


def _chart(w: _Writer, section: Section) -> None:
    from docx.shared import Cm

    from kfollow.render.document import chart

    png = chart(section, "png")
    w.docx.add_paragraph().add_run().add_picture(io.BytesIO(png), width=Cm(min(CHART_CM, _usable(w))))
    w.placed += 1
    picture = w.docx.inline_shapes[-1]
    # the alternative text a screen reader says: the chart's figures in words, as the SVG's <desc> has them
    description = png_description(png) or section.report.caption or section.heading
    picture._inline.docPr.set("descr", description)
    picture._inline.docPr.set("title", section.heading)
