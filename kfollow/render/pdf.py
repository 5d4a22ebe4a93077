"""A `Document` as PDF: the HTML report (`document.to_html`, with its print styles) laid out on A4
by WeasyPrint (the `pdf` extra).

The same page a browser prints: the title in the running header and `Sida n av m` at the foot of
each page; a table fills the text width, its comments, headers and labels wrap, so nothing is cut at
the page edge; a long table splits between rows with its header row repeated, and a heading stays
with its table. Nothing is fetched: the page holds its styles and charts (SVG) inline.
"""

from __future__ import annotations

import logging

from kfollow.errors import UsageError
from kfollow.options import Options
from kfollow.render.document import to_html
from kfollow.report import Document

EXTRA = "PDF documents need WeasyPrint (pip install 'kfollow[pdf]'; in a checkout '.[pdf]')"


def require() -> None:
    """Nothing when WeasyPrint can be used; else UsageError naming the extra."""
    _weasyprint()


def _weasyprint():
    try:
        import weasyprint
    except ImportError:
        raise UsageError(EXTRA) from None
    except OSError as exc:  # installed, but the system's Pango library is missing (WeasyPrint loads it at import)
        raise UsageError(f"{EXTRA}; WeasyPrint also needs the Pango library (Debian: apt-get install "
                         f"libpango-1.0-0 libpangoft2-1.0-0): {exc}") from None
    return weasyprint


def _nothing_from_outside(url: str, *args, **kwargs):
    raise ValueError(f"the report loads nothing from outside ({url})")


def to_pdf(doc: Document, opts: Options, charts: bool = True) -> bytes:
    """The document as PDF bytes (A4), from the HTML page that `to_html` writes."""
    weasyprint = _weasyprint()
    page = to_html(doc, opts, charts)
    log = logging.getLogger("weasyprint")
    level = log.level
    log.setLevel(logging.ERROR)  # CSS only a screen uses (overflow-x, …) is no news for the reader
    try:
        return weasyprint.HTML(string=page, url_fetcher=_nothing_from_outside).write_pdf()
    finally:
        log.setLevel(level)
