"""Charts of a `Report` as SVG or PNG bytes, for reports to the nämnd (A4 pages).

matplotlib is an optional extra (`pip install 'kfollow[charts]'`), imported only when a chart is
drawn, without pyplot (a `Figure` of its own: no global state). Everything a chart shows is read
from named columns of the report; each function says which. Amounts are shown in the report's unit
(`mnkr`), Swedish style (`1 240,8`, `−9,8`), months as `jan feb mar …`. Nothing is told apart
by colour alone: the two years, surplus and deficit, and budget/utfall/prognos differ in hatch,
line style or marker too, and have a legend. SVG keeps its text as text, has a `<title>` and a
`<desc>` (the figures in words) and, like PNG, is the same bytes for the same report.
"""

from __future__ import annotations

import io
import re
import textwrap
from decimal import Decimal
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import polars as pl

from kfollow.errors import KfollowError, UsageError
from kfollow.options import DEFAULT_DECIMALS, ORE_PER_UNIT, half_away
from kfollow.render.columns import CONTROL_RE
from kfollow.render.numbers import money, swedish_number
from kfollow.report import Kind, Report, TableNote
from kfollow.vocabulary import RowKind

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MISSING = "charts need matplotlib: pip install 'kfollow[charts]' (in a checkout: pip install '.[charts]')"
FORMATS = ("svg", "png")
MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
NAN = float("nan")
MINUS = "\u2212"  # in a formula of words (budget − utfall); a figure's sign is the hyphen-minus, as in the tables
WIDTH = 7.0  # inches: the text width of an A4 page with 2 cm margins, a little generous
DPI = 150
# the smallest text: a figure beside its bar or point, and a note under the chart, at 8,5 pt where the chart is
# drawn (7 in), which prints as 8,5 pt in the PDF and about 7,6 pt in Word (16 cm); they were 6,5 and 7,5 pt
# (found in review, h102: hard to read on A4)
LABEL_PT = NOTE_PT = 8.5
MARGIN = 0.14  # inches between the image's edge and any text (the notes stood at x = 0, flush with the edge)
MAX_BARS = 30  # rows a bar chart draws at most: the largest, and one bar for the rest
DARK, MID, LIGHT = "#1f4e79", "#6f8fb0", "#d9e2ec"  # apart in lightness too: they read in grayscale
RC = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs everywhere
    "font.size": 9,
    "svg.fonttype": "none",  # text stays text: searchable, selectable, read by screen readers
    "svg.hashsalt": "kfollow",  # ids from a fixed salt: the same bytes each run
    "text.parse_math": False,  # a `$` in a name is a dollar sign
    "axes.unicode_minus": False,  # `-1,8` as the tables print it, which Excel reads when it is copied
    "hatch.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def config_folder() -> None:
    """Before matplotlib is imported: where the folders it keeps its config and font cache in cannot be made or
    written (a cron job's or service's user without a home of its own, HOME unset or read-only), a temporary
    folder of kfollow's for them (MPLCONFIGDIR), removed at exit. matplotlib made one itself, but said so on
    stderr at every run: 'mkdir -p failed for path /nonexistent/.config/matplotlib …' and 'Matplotlib created a
    temporary cache directory … it is highly recommended to set the MPLCONFIGDIR environment variable', two lines
    of a library's advice in each mail of the nightly job (found by an IT operator scheduling the close, h128).
    The folders are the ones matplotlib would use (a MPLCONFIGDIR of the user's own is kept), made as it would."""
    import os
    import sys

    if os.environ.get("MPLCONFIGDIR") or "matplotlib" in sys.modules:
        return
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:  # (no charts extra: no folders of its made; found in review, h129)
        return
    from pathlib import Path

    try:
        if sys.platform.startswith(("linux", "freebsd")):
            folders = [Path(os.environ.get(name) or Path.home() / default, "matplotlib")
                       for name, default in (("XDG_CONFIG_HOME", ".config"), ("XDG_CACHE_HOME", ".cache"))]
        elif sys.platform == "win32":
            return  # (%LOCALAPPDATA% or the profile: a Windows user has one)
        else:
            folders = [Path.home() / ".matplotlib"]
        for folder in folders:
            folder = folder.resolve()
            folder.mkdir(parents=True, exist_ok=True)
            if not (folder.is_dir() and os.access(folder, os.W_OK)):
                raise PermissionError(folder)
    except (OSError, RuntimeError):  # RuntimeError: no home at all (HOME unset, the user not in /etc/passwd)
        import atexit
        import shutil
        import tempfile

        try:
            folder = tempfile.mkdtemp(prefix="kfollow-matplotlib-")
        except OSError:
            return  # no TMPDIR either: matplotlib says what it can
        atexit.register(shutil.rmtree, folder, True)
        os.environ["MPLCONFIGDIR"] = folder


def _matplotlib():
    """matplotlib's Figure, or a UsageError saying how to install it."""
    config_folder()
    try:
        import matplotlib
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter
    except ImportError:
        raise UsageError(MISSING) from None
    return matplotlib, Figure, FuncFormatter


# --- numbers and words --------------------------------------------------------------------------


def _clean(text: str | None) -> str:
    return CONTROL_RE.sub("\ufffd", text or "")


def _signed(text: str) -> str:
    """A figure as the tables print it: a negative one with the hyphen-minus `-`."""
    return text


def amount(ore: int | None, unit: str, sign: bool = False) -> str:
    """Öre → `1 240,8` in `unit` as the tables print it (default decimals); `+3,2` / `-9,8` with `sign`."""
    text = _signed(money(ore, unit, DEFAULT_DECIMALS[unit]) or "–")
    if sign and text[0].isdigit() and text.strip("0,") != "":
        text = "+" + text
    return text


def bar_amount(ore: int, unit: str) -> str:
    """`amount` with its sign for a bar's figure; a deviation the table's decimals show as 0 has as many
    more as make it seen (`-0,04`), since its bar is drawn as an underskott or an överskott."""
    text = amount(ore, unit, sign=True)
    places = DEFAULT_DECIMALS[unit]
    most = len(str(ORE_PER_UNIT[unit])) - 1  # the decimals of one öre in the unit (mnkr: 8)
    while ore and text.strip("+-0,") == "" and places < most:
        places += 1
        text = _signed(money(ore, unit, places))
        text = "+" + text if ore > 0 else text
    return text


def tick(value: float, _pos=None, places: int | None = None) -> str:
    """An axis tick: `1 240`, `2,5`, `−50` (Swedish, a no-break space between thousands); with
    `places`, that many decimals (an axis's ticks share them: `TickFormat`)."""
    if places is None:
        places = 0 if abs(value - round(value)) < 1e-9 else 1
    text = swedish_number(half_away(Decimal(repr(float(value))), places) + 0)
    return _signed(text)


def tick_places(locs) -> int:
    """The decimals an axis's ticks need so that no two read the same and each reads its value:
    `-0,15 -0,10 -0,05 0,00`, not `-0,2 -0,1 -0,1 0,0`; none for whole numbers."""
    values = sorted({round(float(v), 9) for v in locs})
    for places in range(0, 7):
        shown = [tick(v, places=places) for v in values]
        exact = all(abs(float(half_away(Decimal(repr(v)), places)) - v) < 1e-9
                    for v in values)
        if exact and len(set(shown)) == len(shown):
            return places
    return 6


def _label(text: str, width: int = 34) -> str:
    return "\n".join(textwrap.wrap(_clean(text), width)) or " "


LINE_IN = 0.17  # inches, a line of a row's name at 9 pt (its box as drawn, 0,16 in, and a little air)


def _row_in(labels: list[str], row: float) -> float:
    """The height (inches) of each row of a bar chart whose rows are `row` apart with names of two lines: more for a
    name of more lines, so that it does not run into the names above and below it (a stab's name of four lines stood
    on its neighbours'; found by a nämndsekreterare, h127)."""
    lines = max((len(_label(t).splitlines()) for t in labels), default=1)
    return row + LINE_IN * max(0, lines - 2)


def _require(report: Report, *names: str) -> None:
    missing = [n for n in names if n not in report.frame.columns]
    if missing:
        raise UsageError(f"this chart needs the column(s) {', '.join(missing)}; the report has "
                         f"{', '.join(report.frame.columns)}")


def _rows(report: Report) -> pl.DataFrame:
    """The report's rows a chart shows: with a `radtyp`, no subtotals and no total."""
    frame = report.frame
    return frame.filter(pl.Series([k is None or k.charted for k in report.kinds()]))


def _deviates(report: Report) -> pl.Expr:
    """The rows of `_rows` the chart of avvikelse draws: those with an avvikelse, a difference from a förvaltning's
    summa only where it has one of its own (not one of its forecast alone, a bar of 0)."""
    gap = (pl.col("radtyp") == RowKind.differens.value) if "radtyp" in report.frame.columns else pl.lit(False)
    return pl.col("avvikelse").is_not_null() & ~(gap & (pl.col("avvikelse") == 0))


def _labels(report: Report, rows: pl.DataFrame) -> list[str]:
    key = next((c for c in ("rubrik", "namn", "stab", "verksamhet") if c in rows.columns), None)
    if key is None:
        raise UsageError("this chart needs a label column (rubrik)")
    return [_clean(v) if v is not None else "" for v in rows[key].to_list()]


def _largest(rows: pl.DataFrame, labels: list[str], size: pl.Expr, figures: list[str]) -> tuple[
        pl.DataFrame, list[str], int]:
    """At most `MAX_BARS` rows: with more, the `MAX_BARS` − 1 largest by `size` (in the table's order)
    and one row `Övriga (N)` whose figures are the sums of the N others (exact öre; null where none of
    them has the figure). Returns the rows, their labels and N (0: every row is drawn)."""
    if rows.height <= MAX_BARS:
        return rows, labels, 0
    ranked = rows.with_row_index("_i").with_columns(size.alias("_size"))
    top = ranked.sort("_size", "_i", descending=[True, False], nulls_last=True).head(MAX_BARS - 1)["_i"].sort()
    kept = ranked.filter(pl.col("_i").is_in(top.implode()))
    rest = ranked.filter(~pl.col("_i").is_in(top.implode()))
    sums = rest.select(pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).cast(pl.Int128).sum()).alias(c)
                       for c in figures).row(0, named=True)
    other = pl.DataFrame({c: [None if sums[c] is None else int(sums[c])] for c in figures},
                         schema={c: pl.Int128 for c in figures})  # a sum of many rows may pass Int64
    shown = pl.concat([kept.select(figures).cast({c: pl.Int128 for c in figures}), other])
    names = [labels[i] for i in top.to_list()] + [f"Övriga ({_count(rest.height)})"]
    return shown, names, rest.height


def _count(n: int) -> str:
    return swedish_number(Decimal(n))


def left_out(kind: str, shown: int, rest: int) -> str:
    """The note under a chart that draws the largest rows and one bar for the rest."""
    of = _count(shown + rest)
    what = (f"de {_count(shown)} största avvikelserna av {of} (till beloppet, överskott som underskott)"
            if kind == "avvikelse" else f"de {_count(shown)} rader av {of} som har störst utfall (till beloppet, något av åren)")
    return f"Diagrammet visar {what}; Övriga ({_count(rest)}) är summan av de andra {_count(rest)}."


def notes(report: Report, kind: str) -> list[str]:
    """What a reader of `kind`'s chart of `report` must know (the rows it leaves out, the rows drawn as
    resultat), each a sentence or two: a chart file has them under its drawing, a document under the chart as
    `Anm.`, once (the chart it inlines is drawn without them: `noted=False`)."""
    if kind == "avvikelse" and "avvikelse" in report.frame.columns:
        return _avvikelse_rows(report)[3]
    if kind == "verksamhet":
        return _verksamhet_rows(report)[3]
    if kind == "manader":  # how the table's figures are made (förvaltningar presented as resultat counted with
        # reversed sign): the chart draws the same figures (it said nothing of it; found in review, h102)
        return [str(n) for n in report.notes if isinstance(n, TableNote)]
    return []


def note(report: Report, kind: str) -> str | None:
    """`notes` as one text, or None."""
    return " ".join(notes(report, kind)) or None


def _verksamhet_rows(report: Report) -> tuple[pl.DataFrame, list[str], list[bool], list[str], int]:
    """The rows the chart per verksamhet draws (at most `MAX_BARS`: `_largest`), their labels, which are
    presented as resultat, what a reader must know of them (`notes`), and how many rows `Övriga` sums."""
    rows, labels, resultat, unlike = _verksamheter(report)
    base, year = _years(report)
    size = pl.max_horizontal(pl.col(base).abs().fill_null(0), pl.col(year).abs().fill_null(0))
    drawn, names, rest = _largest(rows, labels, size, [base, year])
    said = [left_out("verksamhet", len(names) - 1, rest) if rest else "",
            RESULTAT_REMARK if any(resultat) else "", unlike]
    return drawn, names, resultat, [s for s in said if s], rest


def _avvikelse_rows(report: Report) -> tuple[pl.DataFrame, list[str], list[str], list[str], int]:
    """The rows the chart of avvikelse draws (those with one, at most `MAX_BARS`: `_largest`), their labels, the
    labels of those presented as resultat, what a reader must know of them (`notes`), and how many rows `Övriga`
    sums."""
    charted = _rows(report)
    kinds = [k for k in report.kinds() if k is None or k.charted]
    labels = _whose(charted, _labels(report, charted), kinds)
    drawn = charted.select(_deviates(report)).to_series()
    rows = charted.filter(drawn)
    labels = [t for t, d in zip(labels, drawn.to_list()) if d]
    shown, names, rest = _largest(rows, labels, pl.col("avvikelse").abs(), ["avvikelse"])
    presented = rows["redovisas_som"].to_list() if "redovisas_som" in rows.columns else [None] * len(labels)
    resultat = [t for t, r in zip(labels, presented) if r == "resultat" and t in names]
    said = [left_out("avvikelse", len(names) - 1, rest) if rest else "",
            # (the axis says budget − utfall: for a resultat, whose figures are intäkter − kostnader, it is utfall − budget)
            f"{', '.join(resultat)} redovisas som resultat: {'dess' if len(resultat) == 1 else 'deras'} avvikelse är "
            f"utfall {MINUS} budget, och ett underskott är negativt även där." if resultat else ""]
    return shown, names, resultat, [s for s in said if s], rest


def _verksamheter(report: Report) -> tuple[pl.DataFrame, list[str], list[bool], str]:
    """The rows a chart per verksamhet draws, their labels, which of them are presented as resultat, and a
    remark on the rows it leaves out. In a table per verksamhet, a förvaltning without verksamheter (shown as
    one row) and money not attributed to a verksamhet are no verksamhet: they are left out, and named; a label
    several förvaltningar share (`920 - Gemensamma verksamheter` of KSF and of SOC) says whose it is (two bars
    alike told nothing apart: found by a new user)."""
    rows = _rows(report)
    labels = _labels(report, rows)
    kinds = [k for k in report.kinds() if k is None or k.charted]
    fids = rows["forvaltning"].to_list() if "forvaltning" in rows.columns else [None] * rows.height
    unlike = ""
    if "verksamhet" in rows.columns and "radtyp" in rows.columns:
        whole = [t for t, k in zip(labels, kinds) if k is RowKind.forvaltning]
        rest = [f"{t} ({f})" if f else t for t, k, f in zip(labels, kinds, fids)
                if k in (RowKind.ej_fordelat, RowKind.differens)]
        keep = [k is RowKind.rad for k in kinds]
        rows = rows.filter(pl.Series(keep))
        labels = [t for t, k in zip(labels, keep) if k]
        fids = [f for f, k in zip(fids, keep) if k]
        unlike = " ".join(filter(None, (
            f"{_listed(whole)} redovisas inte per verksamhet och ingår inte i diagrammet." if whole else "",
            f"Belopp som inte är fördelade på verksamhet ingår inte heller: {_listed(rest)}." if rest and whole else
            f"Belopp som inte är fördelade på verksamhet ingår inte i diagrammet: {_listed(rest)}." if rest else "")))
    resultat = [r == "resultat" for r in (rows["redovisas_som"].to_list() if "redovisas_som" in rows.columns
                                          else [None] * rows.height)]
    shared = {t for t in labels if labels.count(t) > 1}
    labels = [t + (f" ({', '.join(filter(None, (f if t in shared else None, 'resultat' if r else None)))})"
                   if (t in shared and f) or r else "")
              for t, f, r in zip(labels, fids, resultat)]
    return rows, labels, resultat, unlike


def _whose(rows: pl.DataFrame, labels: list[str], kinds: list) -> list[str]:
    """The labels of a chart per stab whose rows come from several förvaltningar: each stab's, and each rest not
    attributed to a stab, says its förvaltning (`Administration (SOC)`), as the table's `Summa` rows would, which
    no chart draws; a förvaltning shown as one row is named by itself. (Two bars `Administration`, KSF's and
    SOC's, told nothing apart, and no bar said whose it was: found by a new user.)"""
    if "forvaltning" not in rows.columns:
        return labels
    fids = rows["forvaltning"].to_list()
    parts = [k in (RowKind.rad, RowKind.ej_fordelat, RowKind.differens) for k in kinds] if len(kinds) == len(labels) \
        else [True] * len(labels)
    if len({f for f, p in zip(fids, parts) if p and f}) < 2:
        return labels
    return [f"{t} ({f})" if p and f else t for t, f, p in zip(labels, fids, parts)]


def _listed(names: list[str]) -> str:
    """`A`, `A och B`, `A, B och C`."""
    return " och ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def _in_unit(values: list[int | None], unit: str, missing: float = 0.0) -> list[float]:
    """For drawing only: positions on an axis (every printed figure comes from `amount`); a missing
    figure is `missing` (no bar, or a gap in a line with NaN)."""
    return [missing if v is None else v / ORE_PER_UNIT[unit] for v in values]


# --- drawing ------------------------------------------------------------------------------------


def _figure(height: float) -> "Figure":
    _, Figure, _ = _matplotlib()
    fig = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    fig.get_layout_engine().set(w_pad=MARGIN, h_pad=MARGIN / 2)  # (the row names' margin at the left edge)
    return fig


def _money_axis(ax: "Axes", axis: str, unit: str, label: str) -> None:
    from matplotlib.ticker import Formatter

    class TickFormat(Formatter):  # the axis's ticks with the decimals they need together (`tick_places`)
        places = 0

        def set_locs(self, locs):
            super().set_locs(locs)
            self.places = tick_places(locs)

        def __call__(self, value, pos=None):
            return tick(value, places=self.places)

    _matplotlib()
    from matplotlib.ticker import MaxNLocator

    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(TickFormat())
    if axis == "x":  # fewer ticks the longer they are written (`250 000 000` in kronor), so that none run together
        low, high = ax.get_xlim()
        longest = max(len(tick(low, places=0)), len(tick(high, places=0)))
        if longest >= 9:  # (`10 000 000` and longer; shorter ticks keep matplotlib's own number)
            target.set_major_locator(MaxNLocator(nbins=max(3, 64 // (longest + 3))))
    (ax.set_xlabel if axis == "x" else ax.set_ylabel)(label or unit)
    ax.grid(axis=axis, color="#bbbbbb", linewidth=0.5)
    ax.set_axisbelow(True)


def _bar_labels(ax: "Axes", bars, texts: list[str], size: float = 7.5) -> None:
    """Each bar's figure just past its end, on the side it points to."""
    for bar, text in zip(bars, texts):
        width = bar.get_width()
        ax.annotate(text, (bar.get_x() + width, bar.get_y() + bar.get_height() / 2),
                    xytext=(3 if width >= 0 else -3, 0), textcoords="offset points",
                    ha="left" if width >= 0 else "right", va="center", fontsize=size)


def _pad(ax: "Axes", values: list[float], share: float = 0.14, texts: list[str] = (), size: float = 7.5) -> None:
    """Room on both sides of zero for the labels past the bars' ends: `share` of the bars' span, or
    more where the longest label on that side (`texts`, one per value, at `size` points) needs it
    (a figure in kronor, `-48 108 400`, would run into the row names or past the edge)."""
    low, high = min([0.0, *values]), max([0.0, *values])
    span = (high - low) or 1.0
    width = ax.figure.get_figwidth() * 72 * 0.62  # points: the axes' part of the figure, beside the row names (at least)

    def needed(negative: bool) -> float:  # the share of the axes' width the longest label of that side takes
        longest = max((len(t) for v, t in zip(values, texts) if (v < 0) == negative), default=0)
        return (longest + 1) * size * 0.6 / width if longest else 0.0

    left, right = needed(True), needed(False)
    whole = span / max(1 - left - right, 0.3)  # the axis's width in data units, once the labels have room
    ax.set_xlim(low - max(share * span if low < 0 else 0.02 * span, left * whole),
                high + max(share * span, right * whole))


def _heading(caption: str) -> str:
    """The chart's heading, on as many lines as it takes within the figure's width (a filter's long
    caption ran off both sides)."""
    import textwrap

    if not caption:
        return ""
    text, width = _clean(caption), int(WIDTH * 72 / (10.5 * 0.66))
    lines = textwrap.wrap(text, width)
    while width > 20 and len(textwrap.wrap(text, width - 1)) == len(lines):  # lines of even length: no "mnkr"
        width -= 1  # alone on the last
    return "\n".join(textwrap.wrap(text, width))


def _output(fig: "Figure", fmt: str, title: str, description: str) -> bytes:
    """The figure as bytes, the same for the same figure: no dates, no version, fixed ids."""
    import warnings

    matplotlib, _, _ = _matplotlib()
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if fmt == "svg":
            fig.savefig(buffer, format="svg", metadata={"Title": title, "Description": description,
                                                        "Date": None, "Creator": None})
        else:
            fig.savefig(buffer, format="png", metadata={"Software": None, "Title": title,
                                                        "Description": description})
    # matplotlib warns once per character its font lacks (a name with ＝ or a CJK letter): one line instead
    missing = sorted({int(m[1]) for w in caught if (m := re.match(r"Glyph (\d+) ", str(w.message)))})
    for w in caught:
        if not re.match(r"Glyph \d+ ", str(w.message)):
            warnings.warn(w.message, w.category, stacklevel=2)
    if missing:
        warnings.warn(f"the chart '{title}' has characters its font lacks ({', '.join(f'U+{c:04X}' for c in missing)}); "
                      "they show as empty boxes", UserWarning, stacklevel=2)
    data = buffer.getvalue()
    return _accessible(data, title, description) if fmt == "svg" else data


def _accessible(svg: bytes, title: str, description: str) -> bytes:
    """The SVG with `role="img"`, its `<title>` first (matplotlib writes it) and a `<desc>` after it."""
    text = svg.decode("utf-8")
    text = re.sub(r"<svg\b", '<svg role="img"', text, count=1)
    tag = re.search(r"<svg\b[^>]*>\s*", text)
    at = tag.end()
    if not text.startswith("<title>", at):
        text = text[:at] + f"<title>{escape(title)}</title>\n " + text[at:]
    end = text.index("</title>", at) + len("</title>")
    return (text[:end] + f"\n <desc>{escape(description)}</desc>" + text[end:]).encode("utf-8")


def _ready(fmt: str) -> None:
    """Before reading the report: a format we write, and matplotlib there to write it."""
    if fmt not in FORMATS:
        raise UsageError(f"chart format {fmt!r}: use svg or png")
    _matplotlib()


def _drawn(report: Report, fmt: str, height: float, draw, kind: str = "") -> bytes:
    """Draw with kfollow's settings in force (fonts, text as text), then write the figure."""
    matplotlib, _, _ = _matplotlib()
    with matplotlib.rc_context(RC):
        fig = _figure(height)
        description = draw(fig)
    return _output(fig, fmt, _clean(title(report, kind)) or "Diagram", description)


def title(report: Report, kind: str) -> str:
    """A chart's title: its report's caption, but the deviation chart's says what it draws (`Avvikelse mot budget
    2024 per stab, belopp i mnkr`, where the table above it is `Resultat 2024 per stab, …`)."""
    caption = report.caption or report.title or ""
    if kind == "avvikelse" and caption.startswith("Resultat "):
        return "Avvikelse mot budget " + caption[len("Resultat "):]
    return caption


# --- the charts ---------------------------------------------------------------------------------


def _years(report: Report) -> tuple[str, str]:
    years = sorted(c.name for c in report.columns
                   if c.kind is Kind.money and re.fullmatch(r"utfall_\d{4}", c.name) and c.name in report.frame.columns)
    if len(years) < 2:
        raise UsageError("this chart compares two years: it needs the columns utfall_<year> of both "
                         "(a `compare` report)")
    return years[-2], years[-1]


def chart_verksamhet(report: Report, fmt: str = "svg", noted: bool = True) -> bytes:
    """Utfall per row (verksamhet) this year against the year before: horizontal grouped bars.

    Needs `utfall_<base>` and `utfall_<year>` (money; the two latest years are drawn) and a label
    (`rubrik`), as in `compare(store, base, year, by="verksamhet")`; with `radtyp`, only the rows
    rad, ej_fordelat and forvaltning (no subtotals). The earlier year is light and hatched, the
    later dark and solid; each bar has its figure. `noted=False` leaves the notes (`notes`) out of the
    drawing, for a document that says them under it (its description keeps them)."""
    _ready(fmt)
    base, year = _years(report)
    # a row presented as resultat (intäkter − kostnader) is drawn as the table shows it, and says so:
    # its deficit is a bar below zero beside nettokostnader above it
    if _verksamheter(report)[0].is_empty():  # an empty drawing would be handed on as a chart
        raise UsageError(f"no verksamhet to draw: {_verksamheter(report)[3] or 'the report has no rows'} (kfollow "
                         "chart avvikelse draws the deviation per stab)")
    rows, labels, resultat, said, rest = _verksamhet_rows(report)
    unit = report.unit
    old, new = rows[base].to_list(), rows[year].to_list()
    base_label, year_label = report.column(base).header, report.column(year).header
    remark = " ".join(said)

    def draw(fig: "Figure") -> str:
        ax = fig.add_subplot()
        n = len(labels)
        height = 0.38
        ys = [i for i in range(n)]
        older = ax.barh([y - height / 2 for y in ys], _in_unit(old, unit), height, label=base_label,
                        color=LIGHT, edgecolor=MID, hatch="////", linewidth=0.6)
        newer = ax.barh([y + height / 2 for y in ys], _in_unit(new, unit), height, label=year_label,
                        color=DARK, edgecolor=DARK, linewidth=0.6)
        _bar_labels(ax, older, [amount(v, unit) for v in old], size=LABEL_PT)
        _bar_labels(ax, newer, [amount(v, unit) for v in new], size=LABEL_PT)
        ax.set_yticks(ys, [_label(t) for t in labels])
        ax.invert_yaxis()  # the table's order, top to bottom
        ax.axvline(0, color="#333333", linewidth=0.8)
        _pad(ax, _in_unit(old, unit) + _in_unit(new, unit), share=0.16,
             texts=[amount(v, unit) for v in old] + [amount(v, unit) for v in new], size=LABEL_PT)
        _money_axis(ax, "x", unit, unit)
        ax.tick_params(axis="y", length=0)
        ax.legend(loc="lower right", frameon=False, ncols=2, bbox_to_anchor=(1, 1.0))
        fig.suptitle(_heading(report.caption), fontsize=10.5, fontweight="bold")
        _remark(fig, remark if noted else "")
        return f"{base_label} och {year_label}, {unit}: " + "; ".join(
            f"{t} {amount(a, unit)} och {amount(b, unit)}" for t, a, b in zip(labels, old, new)) + "." + (
            f" {remark}" if remark else "")

    # (a row's two figures, at LABEL_PT, one above the other without touching)
    return _drawn(report, fmt, 1.3 + _row_in(labels, 0.42) * max(len(labels), 3), draw)


def chart_avvikelse(report: Report, fmt: str = "svg", noted: bool = True) -> bytes:
    """Deviation per row (stab): överskott to the right, underskott to the left.

    Needs `avvikelse` (money, budget − utfall: positive is a surplus) and a label (`rubrik`), as in
    `deviation(store, year)` by stab; with `radtyp`, only the rows rad, ej_fordelat and forvaltning,
    and rows without an avvikelse are left out. Surplus bars are dark and solid, deficit bars light
    with a cross hatch and a dark edge; a legend says which is which and every figure has its sign.
    `noted=False` leaves the notes (`notes`) out of the drawing, for a document that says them under it."""
    _ready(fmt)
    _require(report, "avvikelse")
    rows = _rows(report)
    if rows.filter(_deviates(report)).is_empty() and "utfall" in rows.columns and rows.height \
            and rows["utfall"].is_null().all() and "budget" in rows.columns and rows["budget"].is_not_null().any():
        # nothing booked yet (January's utfall tables of a header only): a data error, not a usage one (it was told
        # 'there is no budget for these rows', exit 2, of rows with a budget; found in review, h144)
        raise KfollowError("no row has a deviation to draw: no utfall is booked for these rows yet (kfollow chart "
                           "manader draws the budget month by month)")
    if rows.filter(_deviates(report)).is_empty():  # an empty drawing would be handed on as a chart
        raise UsageError("no row has a deviation to draw: there is no budget for these rows in the year file "
                         "(kfollow chart verksamhet draws the utfall of two years)")
    rows, labels, _, said, rest = _avvikelse_rows(report)
    unit = report.unit
    values = rows["avvikelse"].to_list()
    remark = " ".join(said)
    header = report.column("avvikelse").header if any(c.name == "avvikelse" for c in report.columns) else "Avvikelse"

    def draw(fig: "Figure") -> str:
        ax = fig.add_subplot()
        ys = list(range(len(values)))
        xs = _in_unit(values, unit)
        surplus = [v >= 0 for v in values]
        bars = ax.barh(ys, xs, 0.62, color=[DARK if s else "white" for s in surplus],
                       edgecolor=DARK, linewidth=0.9, hatch=None)
        for bar, s in zip(bars, surplus):
            if not s:
                bar.set_hatch("xxx")
        _bar_labels(ax, bars, [bar_amount(v, unit) for v in values], size=LABEL_PT)
        ax.set_yticks(ys, [_label(t) for t in labels])
        ax.invert_yaxis()
        ax.axvline(0, color="#333333", linewidth=0.9)
        _pad(ax, xs, share=0.18, texts=[bar_amount(v, unit) for v in values], size=LABEL_PT)
        _money_axis(ax, "x", unit, f"{header}, {unit} (budget {MINUS} utfall)")
        ax.tick_params(axis="y", length=0)
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(facecolor=DARK, edgecolor=DARK, label="Överskott (+)"),
                           Patch(facecolor="white", edgecolor=DARK, hatch="xxx", label="Underskott (-)")],
                  loc="lower right", frameon=False, ncols=2, bbox_to_anchor=(1, 1.0))
        fig.suptitle(_heading(title(report, "avvikelse")), fontsize=10.5, fontweight="bold")
        _remark(fig, remark if noted else "")
        return f"{header}, {unit}, positiv är överskott: " + "; ".join(
            f"{t} {bar_amount(v, unit)} ({_verdict(v)})" for t, v in zip(labels, values)) + "." + (
            f" {remark}" if remark else "")

    return _drawn(report, fmt, 1.3 + _row_in(labels, 0.34) * max(len(values), 3), draw, "avvikelse")


RESULTAT_REMARK = ("Rader märkta (resultat) visas som i tabellen, som resultat (intäkter − kostnader): "
                   "ett underskott är negativt, de andra staplarna är nettokostnader.")


def _remark(fig: "Figure", remark: str) -> None:
    """A note under the chart (the rows it leaves out), wrapped to the page's width."""
    if remark:
        # (at the left margin, as many characters a line as the width between the margins holds)
        width = int((WIDTH - 2 * MARGIN) * 72 / (NOTE_PT * 0.58))
        fig.supxlabel("\n".join(textwrap.wrap(remark, width)), fontsize=NOTE_PT, x=MARGIN / WIDTH, ha="left")


def _verdict(avvikelse: int) -> str:
    return "överskott" if avvikelse > 0 else "underskott" if avvikelse < 0 else "i nivå med budget"


def chart_manader(report: Report, fmt: str = "svg", noted: bool = True) -> bytes:
    """Budget and utfall accumulated month by month, and the full-year forecast where there is one; below
    them, the accumulated avvikelse of each month as bars (`avvikelse_ack`, else budget − utfall).

    Needs `manad` (YYYY-MM), `budget_ack` and `utfall_ack` (money), as in `months(store, year)`.
    With a `prognos` column (the full-year forecast, money), its last figure is drawn as a dotted
    line from the last month's utfall to December. Budget is dashed with circles, utfall solid with
    squares, prognos dotted with a diamond; the axis runs January to December, or to the report's period (`months`
    of a `--period`: the tertial's chart ends in August, no empty months after it) where no forecast is drawn
    to December. The table's notes on how its
    figures are made (`TableNote`: förvaltningar presented as resultat counted with reversed sign) stand under
    it, unless `noted=False` (a document, which says them under the table)."""
    _ready(fmt)
    _require(report, "manad", "budget_ack", "utfall_ack")
    frame = report.frame.filter(pl.col("manad").is_not_null()).sort("manad")
    unit = report.unit
    months = frame["manad"].to_list()
    numbers = [int(m[5:7]) for m in months]
    budget, utfall = frame["budget_ack"].to_list(), frame["utfall_ack"].to_list()
    prognos = None
    if "prognos" in frame.columns and frame["prognos"].drop_nulls().len():
        prognos = frame["prognos"].drop_nulls()[-1]
    header = {c.name: c.header for c in report.columns}
    remark = " ".join(notes(report, "manader"))
    # the axis's last month: December, or the period's (a report of January–August drew September–December empty;
    # found by an ekonom, h123); a forecast for the year is drawn at December
    # (a report of a period shows its months up to the period: its last month is the period's)
    end = max(numbers) if prognos is None and report.period and numbers else 12

    # the accumulated deviation, which the lines cannot show (1,0 mnkr of 136 is a line's width): the table's
    # figure, budget − utfall (utfall − budget where the rows are presented as resultat), bars as the avvikelse chart's
    deviation = frame["avvikelse_ack"].to_list() if "avvikelse_ack" in frame.columns else [
        None if b is None or u is None else b - u for b, u in zip(budget, utfall)]
    resultat = "redovisas_som" in frame.columns and frame.height > 0 and \
        frame["redovisas_som"].eq("resultat").all()
    formula = f"utfall {MINUS} budget, resultat" if resultat else f"budget {MINUS} utfall"

    def draw(fig: "Figure") -> str:
        from matplotlib.patches import Patch

        ax, below = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1.25])
        # utfall first, budget over it with open circles: both stay visible where they coincide
        ax.plot(numbers, _in_unit(utfall, unit, NAN), linestyle="-", marker="s", markersize=4, color=DARK,
                linewidth=2.0, label=header.get("utfall_ack", "Utfall ack."), zorder=3)
        ax.plot(numbers, _in_unit(budget, unit, NAN), linestyle=(0, (4, 2.5)), marker="o", markersize=7,
                color=MID, markerfacecolor="none", markeredgewidth=1.3, linewidth=1.4,
                label=header.get("budget_ack", "Budget ack."), zorder=4)
        described = [f"{MONTHS[m - 1]} budget {amount(b, unit)}, utfall {amount(u, unit)}"
                     + (f", avvikelse {amount(d, unit, sign=True)}" if d is not None else "")
                     for m, b, u, d in zip(numbers, budget, utfall, deviation)]
        last = next((i for i in range(len(utfall) - 1, -1, -1) if utfall[i] is not None), None)
        if prognos is not None and last is not None:
            ax.plot([numbers[last], 12], _in_unit([utfall[last], prognos], unit), linestyle=":", marker="D",
                    markevery=[1], markersize=6, color="#000000", linewidth=1.8,
                    label=header.get("prognos", "Prognos helår"), zorder=3)
            ax.annotate(f"Prognos {amount(prognos, unit)}", (12, prognos / ORE_PER_UNIT[unit]), xytext=(0, 8),
                        textcoords="offset points", ha="center", fontsize=LABEL_PT)
            described.append(f"prognos helår {amount(prognos, unit)}")
        right = end + 0.5
        if last is not None:  # the latest figures beside their points, clear of the lines: the higher
            # one above, the lower one below, on the side where no month follows (December: past the
            # axis's last month, which gets the room: on its left they lay on the lines); each says its
            # line's name (`Utfall 136,1` above `Budget 135,1`: not told apart by colour and place alone)
            x = numbers[last]
            higher = budget[last] is None or utfall[last] >= budget[last]
            texts = []
            for name, value, above, colour in (("Utfall", utfall[last], higher, DARK),
                                               ("Budget", budget[last], not higher, "#333333")):
                if value is not None:
                    texts.append(f"{name} {amount(value, unit)}")
                    ax.annotate(texts[-1], (x, value / ORE_PER_UNIT[unit]),
                                xytext=(8, 5 if above else -5), textcoords="offset points",
                                ha="left", va="bottom" if above else "top", fontsize=LABEL_PT, color=colour)
            if x == end:
                right += 0.3 + 0.09 * max(map(len, texts), default=0)
        below.set_xticks(range(1, end + 1), MONTHS[:end])
        ax.tick_params(axis="x", labelbottom=False)
        ax.set_xlim(0.5, right)
        # zero and every point inside the axes, with room for the markers and the figures beside them
        drawn = [0.0, *_in_unit([v for v in [*budget, *utfall, prognos] if v is not None], unit)]
        low, high = min(drawn), max(drawn)
        margin = 0.08 * ((high - low) or 1.0)
        ax.set_ylim(low - (margin if low < 0 else 0), high + margin)
        _money_axis(ax, "y", unit, unit)
        handles, names = ax.get_legend_handles_labels()
        order = [1, 0, *range(2, len(handles))]  # budget, utfall, prognos: as the table's columns
        # above the axes, as the other charts' legends: never on a line
        ax.legend([handles[i] for i in order], [names[i] for i in order], loc="lower right", frameon=False,
                  ncols=len(handles), bbox_to_anchor=(1, 1.0))
        # below: the accumulated avvikelse of each month, överskott dark and solid, underskott hatched, each
        # bar with its figure as the table beside it prints it (`0,0`, not `-0,003`: the avvikelse chart's more decimals
        # for a bar the table rounds to 0 made a figure the months table does not have, of a bar too small to see,
        # whose month the line's figures show in level with budget; found in review, h113)
        shown = [(m, d) for m, d in zip(numbers, deviation) if d is not None]
        heights = _in_unit([d for _, d in shown], unit)
        bars = below.bar([m for m, _ in shown], heights, 0.55, color=[DARK if d >= 0 else "white" for _, d in shown],
                         edgecolor=DARK, linewidth=0.9)
        for bar, (_, d) in zip(bars, shown):
            if d < 0:
                bar.set_hatch("xxx")
            below.annotate(amount(d, unit, sign=True), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                           xytext=(0, 3 if d >= 0 else -3), textcoords="offset points", ha="center",
                           va="bottom" if d >= 0 else "top", fontsize=LABEL_PT)
        below.axhline(0, color="#333333", linewidth=0.9)
        lo, hi = min([0.0, *heights]), max([0.0, *heights])
        span = (hi - lo) or 1.0  # room for the figures past the bars' ends
        below.set_ylim(lo - (0.45 * span if lo < 0 else 0.1 * span), hi + (0.45 * span if hi > 0 else 0.1 * span))
        _money_axis(below, "y", unit, unit)
        below.set_title(f"{header.get('avvikelse_ack', 'Avvikelse ack.')} ({formula})", loc="left", fontsize=9)
        below.legend(handles=[Patch(facecolor=DARK, edgecolor=DARK, label="Överskott (+)"),
                              Patch(facecolor="white", edgecolor=DARK, hatch="xxx", label="Underskott (-)")],
                     loc="lower right", frameon=False, ncols=2, bbox_to_anchor=(1, 1.0))
        year = months[0][:4] if months else ""
        below.set_xlabel(f"Månad {year}".strip())
        fig.suptitle(_heading(report.caption), fontsize=10.5, fontweight="bold")
        _remark(fig, remark if noted else "")
        return f"Ackumulerat, {unit}, avvikelse {formula}: " + "; ".join(described) + "." + (
            f" {remark}" if remark else "")

    return _drawn(report, fmt, 5.0, draw)


__all__ = ["chart_verksamhet", "chart_avvikelse", "chart_manader", "note", "notes", "title", "MAX_BARS", "MISSING"]
