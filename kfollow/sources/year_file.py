"""budgets/*.yaml → a validated `Store`: year metadata and one long polars frame of amounts.

The only module that interprets the YAML schema (README, "The YAML format"). Amounts are exact:
parsed as decimals and stored as Int64 öre, in the nettokostnad convention (kostnader − intäkter,
positive = costs money) whatever the förvaltning's presentation.
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
import unicodedata
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import polars as pl

from kfollow.errors import DataError, shown
from kfollow.options import ORE_PER_UNIT, Grain
from kfollow.store import (AMOUNT_SCHEMA, check_total, CHANGE_SCHEMA, COMMENT_SCHEMA, FORECAST_SCHEMA, INVESTMENT_SCHEMA, MAX_ORE,
                            ID, MONTH, MONTH_SCHEMA, PRESENTATIONS, BUDGET_MONTH_SCHEMA, INDICATORS, Ledger, Piece,
                            Forvaltning, Indikator, Store, YearFile, YearInfo, closest, combine)

from kfollow.sources.investments import parse_investments
from kfollow.sources.kostnadsslag import account_group, parse_kostnadsslag
from kfollow.sources.files import YEAR_FILE, YEAR_FILE_LIMIT, is_file, named_tables, read_bytes, year_files  # noqa: F401 - YEAR_FILE, year_files: also asked for here
from kfollow.sources.yaml_tree import Mapping, Node, Scalar, Sequence, TreeReader, parse_yaml

_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_SWEDISH_NUMBER = re.compile(r"[+\-−]?\d{1,3}([ \u00a0\u202f]\d{3})*(,\d+)?|[+\-−]?\d+,\d+")
_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")
_MONTHISH = re.compile(r"[0-9]{4}-[0-9]{1,2}")  # a month as typed, perhaps without its zero (2024-8)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_YEAR_OF = re.compile(r"([0-9]{4})-[0-9]{2}(?:-[0-9]{2})?")  # a month or a date, for the year it is in
_WEIGHT = re.compile(r"[0-9]{1,4}(\.[0-9]{1,2})?")
# what to do with an answer that the year file gives too: its file is written by collect, not by hand
AGAIN = ("collect the workbook again with that cell empty and its comment filled in (the answers file is written by "
         "collect; a form with nothing in it is no answer)")


def default_directory() -> str:
    """`$KFOLLOW_BUDGETS`, or `./budgets`."""
    return os.environ.get("KFOLLOW_BUDGETS") or "budgets"


def load_budgets(directory: str | Path | None = None, ledger: "bool | Grain" = False, collecting: bool = False) -> Store:
    """Load and validate every year file of `directory`; the first malformed file raises `DataError`.
    With `ledger`, the fact tables' rows are kept as they are read (for a command that will cut them
    by account); otherwise they are read again when first asked for (`Store.facts`). `collecting`: for
    `collect`, which may replace an answer that the year file now gives too (`merge_answers`)."""
    from kfollow.sources.facts import drop_ahead

    directory = str(directory or default_directory())
    parsed, notes = [], []
    try:
        paths = year_files(directory, notes)
        if isinstance(ledger, Grain):  # (where the command line was not read ahead, which looks first)
            from kfollow.readahead import hint_booked

            hint_booked(paths)
        for path in paths:
            year = load_year_file(path, ledger=ledger, collecting=collecting)
            for other in parsed:
                if other.info.ar == year.info.ar:
                    raise DataError(str(path), 1, 1, f"year {year.info.ar} is also in {other.info.fil}; keep one file per year")
            parsed.append(year)
    finally:  # what was read ahead and not taken is not wanted
        drop_ahead()
    store = combine(directory, parsed)
    store.messages.extend(notes)
    return store


def load_year_file(path: Path, outcome: bool = True, answers: dict[str, bytes] | None = None,
                   ledger: "bool | Grain" = False, collecting: bool = False) -> YearFile:
    """Parse one year file (see AMOUNT_SCHEMA and store.INVESTMENT_SCHEMA) and merge the answers
    files beside it (`svar/YYYY-MM.yaml`); `outcome=False` leaves its `utfall_fil` tables and the
    answers unread (an import checking its ids against the year's). `answers` (period → the bytes of
    an answers file) stands in for the file of that period: `collect` checks what it would write."""
    parser = _YearParser(str(path))
    parser.outcome = outcome
    parser.ledger = ledger
    raw = read_bytes(path, YEAR_FILE_LIMIT, "year file")
    try:
        if outcome:
            parser.prefetch(raw)
        year = parser.parse(parse_yaml(raw, str(path)))
    finally:  # a table the parse did not take (or a parse that failed): not read, or let go of
        for table in parser.pending:
            table.cancel()
    _check_magnitude(year)
    if outcome:
        year = merge_answers(year, Path(path).parent, answers or {}, collecting)
    return year


def _same_file(base: Path, first: str, second: str) -> bool:
    """Whether two paths of a year file (relative to its folder) are one file (also by a symbolic or hard link);
    where one is not there (said where it is read), whether they are the same path written two ways (a `..`
    is not dropped where the files are there: `lnk/..` through a symbolic link is another folder)."""
    try:
        return os.path.samefile(base / first, base / second)
    except (OSError, ValueError):
        return os.path.normpath(first) == os.path.normpath(second)


def _places(opened: list) -> dict[str, tuple[int, int]]:
    """Per table of `open_tables` (its name, as `read_tables` gives it) the line and column of the entry
    under `utfall_fil` or `budget_fil` that names it: where a finding of the table points."""
    return {table.name: (line, column) for _, line, column, table in opened}


def _ledger(tables: list) -> Ledger:
    """The store's facts of a year's tables ((ar, art, FactTable) each), read when first asked for;
    which förvaltningar have facts of which kind is known from the tables' sums."""
    from functools import partial

    from kfollow.sources.outcome import ledger_rows, ledger_scan

    def present() -> pl.DataFrame:  # (from each table's förvaltningar, which its checks read: no sums read again)
        pairs = list(dict.fromkeys((ar, art, fid) for ar, art, t in tables for fid in t.forvaltningar()))
        return pl.DataFrame(pairs, schema={"ar": pl.Int32, "art": pl.String, "forvaltning": pl.String}, orient="row")

    listed = [t.accounts.select(ar=pl.lit(ar, pl.Int32), art=pl.lit(art), konto="konto", slag="slag")
              if t.accounts is not None else None for ar, art, t in tables]
    if not listed:  # no tables, no accounts: known without reading anything
        accounts = pl.DataFrame(schema={"ar": pl.Int32, "art": pl.String, "konto": pl.String, "slag": pl.String})
    else:
        accounts = (lambda: pl.concat(listed).unique()) if all(a is not None for a in listed) else None
    return Ledger([Piece(ar, art, partial(ledger_rows, t), partial(ledger_scan, t), t.unchanged,
                         t.unreadable if t.kept is None and t.plan.source.columnar else None, t.name, t.plan.extra,
                         frozenset(t.forvaltningar()), t.summed_upto, t.yearly)
                   for ar, art, t in tables],
                  present, accounts)


def merge_answers(year: YearFile, directory: Path, override: dict[str, bytes], collecting: bool = False) -> YearFile:
    """The year with its collected answers: forecasts as `prognos` of their month, comments as
    `kommentarer` of their month, exactly as if typed into the year file. An answer for a row the
    year does not have, or for a row and month the year file already gives, is a DataError naming both;
    `collecting`, the year file's value stands instead, so that `collect` may replace that answer (a
    workbook collected again with that cell empty: what the error advises; its check of what it writes
    meets the clash again if it stays)."""
    if not override and not (directory / "svar").is_dir():  # no answers: their reader is not even imported
        return year
    from kfollow.sources import answers as ans

    info = year.info
    texts: dict[str, bytes | Path] = {str(p): p for p in ans.answers_files(directory, info.ar)}
    for period, raw in override.items():
        texts[str(directory / "svar" / f"{period}.yaml")] = raw
    if not texts:
        return year
    parsed = []
    for name in sorted(texts):
        source = texts[name]
        parsed += ans.read_answers(source, info.ar) if isinstance(source, Path) else \
            ans.parse_answers(source, name, info.ar)
    known = set(year.amounts.select("forvaltning", "vy", "nyckel").iter_rows())
    typed = {kind: {(f, v, k, m): r for f, v, k, m, r in frame.select("forvaltning", "vy", "nyckel", "manad", "rad")
                    .iter_rows()} for kind, frame in (("prognos", year.forecasts), ("kommentar", year.comments))}
    forecasts, comments = [], []
    for a in parsed:
        what = f"förvaltning {a.forvaltning}" if a.vy == "summa" else f"{a.vy} {a.nyckel} of förvaltning {a.forvaltning}"
        if (a.forvaltning, a.vy, a.nyckel) not in known:
            raise DataError(a.fil, a.rad, 5, f"the answer is for {shown(what)}, which {info.fil} does not have; "
                                             "collect a form of this year's rows (kfollow forms)")
        sign = -1 if info.forvaltningar[a.forvaltning].redovisas_som == "resultat" else 1
        ident = {"ar": info.ar, "forvaltning": a.forvaltning, "vy": a.vy, "nyckel": a.nyckel, "manad": a.manad}
        for kind, value in (("prognos", a.prognos), ("kommentar", a.kommentar)):
            if value is None:
                continue
            line = typed[kind].get((a.forvaltning, a.vy, a.nyckel, a.manad))
            if line is not None and collecting:
                continue
            if line is not None:
                raise DataError(a.fil, a.rad, 5, f"the {kind} {info.ar}-{a.manad:02d} of {shown(what)} is both an "
                                                 f"answer here (from {shown(a.arbetsbok)}) and written in {info.fil}:"
                                                 f"{line}; keep one: remove it from {info.fil}, or {AGAIN}")
            if kind == "prognos":
                forecasts.append(ident | {"prognos": sign * value, "rad": a.rad})
            else:
                comments.append(ident | {"kommentar": value, "rad": a.rad})
    add = lambda frame, rows, schema: pl.concat([frame, pl.DataFrame(rows, schema=schema, orient="row")]) if rows else frame  # noqa: E731
    return replace(year, info=replace(info, svar_filer=tuple(sorted(texts)), svar=tuple(parsed)),
                   forecasts=add(year.forecasts, forecasts, FORECAST_SCHEMA),
                   comments=add(year.comments, comments, COMMENT_SCHEMA))


def _check_magnitude(year: YearFile) -> None:
    """Refuse a file whose amounts add up beyond MAX_FILE_TOTAL: then no sum, difference or share
    kfollow makes of one or two years can leave Int64 (each amount alone is within MAX_ORE)."""
    money = [frame[c] for frame in (year.amounts, year.months, year.changes, year.investments, year.forecasts)
             for c, t in frame.schema.items() if t == pl.Int64]
    try:
        check_total(pl.concat([m.rename("belopp") for m in money]), year.info.fil)
    except DataError as exc:  # at the line where the sum crosses the cap (found by a script user: no line)
        raise DataError(exc.path, _crossing_line(year), None, exc.problem) from None


def _crossing_line(year: YearFile) -> int | None:
    """The line of the year file at which its absolute amounts, summed in the file's order, pass MAX_FILE_TOTAL
    (a row's months counted at its line)."""
    from kfollow.store import MAX_FILE_TOTAL

    def size(frame: pl.DataFrame) -> pl.Expr:
        return pl.sum_horizontal(pl.col(c).cast(pl.Int128).abs().fill_null(0)
                                 for c, t in frame.schema.items() if t == pl.Int64).alias("_m")

    keys = ["ar", "forvaltning", "vy", "nyckel"]
    months = year.months.join(year.amounts.select(*keys, "rad").unique(keys), on=keys, how="left")
    parts = [f.select("rad", size(f)) for f in (year.amounts, months, year.changes, year.investments, year.forecasts)
             if "rad" in f.columns]
    rows = pl.concat(parts).group_by("rad").agg(pl.col("_m").sum()).sort("rad", nulls_last=True) \
        .with_columns(_cum=pl.col("_m").cum_sum())
    over = rows.filter(pl.col("_cum") > MAX_FILE_TOTAL)
    return over["rad"][0] if over.height else None


def _other_year(year: int, ar: int, ours: str) -> str:
    """What to do with a month or date of another year in the file of `ar`: a year file begun as a copy of last
    year's still holds last year's utfall, forecasts, comments and budget changes, which are not to be relabelled."""
    if year == ar - 1:
        return (f"if it is {year}'s, it belongs in {year}.yaml, not here (a year file begun as a copy of {year}.yaml "
                f"starts without {year}'s utfall, prognos, kommentarer and ombudgeteringar: remove them); "
                f"if it is {ar}'s, write {ours}")
    return f"if it is {year}'s, put it in {year}.yaml; if it is {ar}'s, write {ours}"


class _YearParser(TreeReader):
    def __init__(self, fil: str):
        super().__init__(fil)
        self._months: dict[str, int] = {}  # month text → month, once checked
        self.outcome = True  # read the utfall_fil tables
        self.ledger = False  # keep the tables' rows as they are read (else read again when asked for)
        self.rows: list[dict] = []
        self.months: list[dict] = []
        self.absent: list[tuple[str, str, str, str, int]] = []  # rows given 0 (`absent_as_zero`): förvaltning, vy, nyckel, figure, line
        self.forecasts: list[dict] = []
        self.changes: list[dict] = []
        self.attributed: list[tuple] = []  # change lines with konto or kostnadsslag: (what, förvaltning, konto, its node, kostnadsslag, its node)
        self.comments: list[dict] = []
        self.enhet = "kr"
        self.ar = 0
        self.profiler: dict[str, tuple[int, ...]] = {}
        self.forvaltning_profiles: dict[str, str | None] = {}
        self.own_profiles: list[tuple[str, str, str]] = []  # rows that name their own profil: (förvaltning, vy, nyckel)
        self.tables: set[str] = set()  # utfall_fil, budget_fil: tables that give the rows' figures
        self.prefetched: dict[tuple[str, str], object] = {}  # (key, path as written) → facts.PendingTable
        self.pending: list = []  # every facts.PendingTable started, to let go of when the parse ends
        self.figure_at: dict[tuple, tuple[int, int]] = {}  # (forvaltning, vy, nyckel, budget|utfall) → its key's line, column

    def amount(self, node: Node, what: str) -> int:
        """A decimal amount in the file's unit → öre."""
        raw = self.text(node, what)
        if not _PLAIN_NUMBER.fullmatch(raw):
            if _PLAIN_NUMBER.fullmatch(raw.replace("−", "-")):
                raise self.error(node, f"{what} '{raw}' has a typographic minus (−); write {raw.replace('−', '-')} with a hyphen-minus")
            if _SWEDISH_NUMBER.fullmatch(raw):
                plain = raw.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace(",", ".").replace("−", "-")
                raise self.error(node, f"{what} '{raw}' is written the Swedish way; write {plain} (decimal point, no spaces)")
            spaced = raw.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
            if spaced != raw and _PLAIN_NUMBER.fullmatch(spaced):  # 295 000.0: thousands spaced, decimal point
                raise self.error(node, f"{what} '{raw}' has spaces in it; write {spaced} (no spaces)")
            raise self.error(node, f"{what} '{raw}' is not an amount; write a number such as 1240.8")
        # exact integer arithmetic: digits × öre per unit ÷ 10^decimals
        whole, _, frac = raw.lstrip("+-").partition(".")
        whole, frac = whole.lstrip("0") or "0", frac.rstrip("0")  # 0001.500 is 1.5
        # far beyond the cap or an öre: no int() of it (of 5 000 digits, Python's int() refuses); said which
        # (it was 'beyond … or finer than an öre', and '…' after a number of 17 digits shown whole)
        shown_raw = raw if len(raw) <= 30 else f"{raw[:30]}…"
        if len(whole) > 16:
            digits = f"{len(whole):,}".replace(",", " ")
            raise self.error(node, f"{what} '{shown_raw}' has {digits} digits before the decimal point, beyond "
                                   f"10 000 000 000 000 kr; check the amount and the unit (enhet: {self.enhet})")
        if len(frac) > 12:
            decimals = f"{len(frac):,}".replace(",", " ")
            raise self.error(node, f"{what} '{shown_raw}' has {decimals} decimals, finer than an öre in {self.enhet}; "
                                   "round it to whole öre")
        scaled = int(whole + frac) * ORE_PER_UNIT[self.enhet]
        ore, rest = divmod(scaled, 10 ** len(frac))
        if rest:
            raise self.error(node, f"{what} '{raw}' is finer than an öre in {self.enhet}; round it to whole öre")
        if raw.startswith("-"):
            ore = -ore
        if abs(ore) > MAX_ORE:
            raise self.error(node, f"{what} '{raw}' {self.enhet} is beyond 10 000 000 000 000 kr; check the unit (enhet: {self.enhet})")
        return int(ore)

    def month(self, node: Node, what: str) -> int:
        """`2024-08` → 8; the month must be in the file's year."""
        if node.__class__ is Scalar and (known := self._months.get(node.value)) is not None:
            return known
        raw = self.text(node, what)
        m = MONTH.fullmatch(raw)
        if not m or not 1 <= int(m[2]) <= 12:
            short = _MONTHISH.fullmatch(raw)  # 2024-8: the month's zero left out
            example = f"{raw[:4]}-{int(raw[5:]):02d}" if short and 1 <= int(raw[5:]) <= 12 else f"{self.ar}-08"
            raise self.error(node, f"{what} '{raw}' is not a month; write YYYY-MM, e.g. {example}")
        if int(m[1]) != self.ar:  # (said what to write: found by a new user rolling a year over)
            raise self.error(node, f"{what} {raw} is not in {self.ar}, the year of this file; "
                                   + _other_year(int(m[1]), self.ar, f"{self.ar}-{m[2]}") + self._all_of(int(m[1])))
        self._months[node.value] = int(m[2])
        return int(m[2])

    def date(self, node: Node, what: str) -> tuple[str, int]:
        raw = self.text(node, what)
        m = _DATE.fullmatch(raw)
        try:
            day = datetime.date(int(m[1]), int(m[2]), int(m[3])) if m else None
        except ValueError:
            day = None
        if day is None:
            raise self.error(node, f"{what} '{raw}' is not a date; write YYYY-MM-DD")
        if day.year != self.ar:  # (said what to do: found by a controller opening a new year, h130)
            try:
                ours = datetime.date(self.ar, day.month, day.day).isoformat()
            except ValueError:  # 29 February of a leap year
                ours = f"{self.ar}-MM-DD"
            raise self.error(node, f"{what} {raw} is not in {self.ar}, the year of this file; "
                                   + _other_year(day.year, self.ar, ours) + self._all_of(day.year))
        return raw, day.month

    def _all_of(self, year: int) -> str:
        """Where else the file holds a month or date of `year` (a key or a value, `2024-03` or `2024-03-31`), said
        with the first error of one: a year file copied from last year's was cleaned one error at a time, some
        twenty runs for the example's (found by a controller opening the new year, h130)."""
        lines: list[int] = []
        stack = [self._root]
        while stack:
            node = stack.pop()
            if node.__class__ is Scalar:
                m = _YEAR_OF.fullmatch(node.value)
                if m and int(m[1]) == year:
                    lines.append(node.line)
            elif node.__class__ is Mapping:
                for key, value in node.items.values():
                    stack += (key, value)
            else:
                stack += node.items
        lines = sorted(set(lines))
        if len(lines) < 2:
            return ""
        spans: list[list[int]] = []  # runs of consecutive lines, as a block of months is written
        for line in lines:
            if spans and line == spans[-1][1] + 1:
                spans[-1][1] = line
            else:
                spans.append([line, line])
        said = [f"{a}–{b}" if b > a else str(a) for a, b in spans]
        shown = ", ".join(said) if len(said) <= 6 else ", ".join(said[:5]) + f", …, {said[-1]}"
        return f" (the file has months or dates of {year} on {len(lines)} lines: {shown})"

    # --- schema ----------------------------------------------------------------------------

    def parse(self, root: Node) -> YearFile:
        self._root = root
        top = self.mapping(root, "the file", ("ar", "organisation", "enhet", "verksamheter", "profiler",
                                              "forvaltningar", "ombudgeteringar", "investeringar", "utfall_fil",
                                              "budget_fil", "kostnadsslag", "indikatorer", "rubriker"),
                           ("ar", "organisation", "enhet", "forvaltningar"))
        ar_node = top.items["ar"][1]
        ar_text = self.text(ar_node, "ar")
        if not re.fullmatch(r"[0-9]{4}", ar_text):
            raise self.error(ar_node, f"ar '{ar_text}' is not a year; write four digits, e.g. 2024")
        ar = self.ar = int(ar_text)
        stem = Path(self.fil).stem
        if re.fullmatch(r"[0-9]{4}", stem) and int(stem) != ar:
            raise self.error(ar_node, f"ar {ar} does not match the file name {Path(self.fil).name}; rename the file or fix ar")
        enhet_node = top.items["enhet"][1]
        self.enhet = self.text(enhet_node, "enhet")
        if self.enhet not in ORE_PER_UNIT:
            raise self.error(enhet_node, f"enhet '{self.enhet}' is unknown; write kr, tkr or mnkr")
        organisation = self.name(top.items["organisation"][1], "organisation")

        verksamheter: dict[str, str] = {}
        if "verksamheter" in top.items:
            vnode = self.mapping(top.items["verksamheter"][1], "verksamheter")
            for code, (knode, name) in vnode.items.items():
                if not _CODE.fullmatch(code):
                    raise self.error(knode, f"verksamhet code '{code}' is not a code; use digits such as \"920\"")
                verksamheter[code] = self.name(name, f"the name of verksamhet {code}")
        if "profiler" in top.items:
            self.parse_profiles(top.items["profiler"][1])
        self.tables = {k for k in ("utfall_fil", "budget_fil") if k in top.items}
        opened = self.open_tables(top) if self.tables and self.outcome else {}

        forvaltningar: dict[str, Forvaltning] = {}
        fnode = self.mapping(top.items["forvaltningar"][1], "forvaltningar")
        if not fnode.items:
            raise self.error(fnode, "forvaltningar is empty; add at least one förvaltning")
        for fid, (knode, body) in fnode.items.items():
            if not ID.fullmatch(fid):
                raise self.error(knode, f"förvaltning id '{fid}' must be letters, digits, - or _ (e.g. KLF)")
            forvaltningar[fid] = self.forvaltning(ar, fid, knode, body, verksamheter)

        rubriker = self.parse_headers(top.items["rubriker"][1]) if "rubriker" in top.items else {}
        info = YearInfo(ar, organisation, self.enhet, self.fil, forvaltningar, verksamheter, dict(self.profiler),
                        rubriker=rubriker, utan_belopp=tuple(self.absent), egna_profiler=frozenset(self.own_profiles))
        if "kostnadsslag" in top.items:
            info = replace(info, kostnadsslag=parse_kostnadsslag(self, top.items["kostnadsslag"][1]))
        if "indikatorer" in top.items:
            info = replace(info, indikatorer=self.parse_indicators(top.items["indikatorer"][1]))
        self.info = info
        if "ombudgeteringar" in top.items:
            self.parse_changes(top.items["ombudgeteringar"][1], forvaltningar)
        investments = pl.DataFrame(schema=INVESTMENT_SCHEMA)
        if "investeringar" in top.items:
            rows = parse_investments(self, top.items["investeringar"][1], ar)
            investments = pl.DataFrame(rows, schema=INVESTMENT_SCHEMA, orient="row") if rows else investments

        def frame(rows: list[dict], schema) -> pl.DataFrame:
            return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)

        amounts, months = frame(self.rows, AMOUNT_SCHEMA), frame(self.months, MONTH_SCHEMA)
        facts, budget_months = [], frame([], BUDGET_MONTH_SCHEMA)
        if self.tables and self.outcome:
            from kfollow.sources import outcome
            from kfollow.sources.facts import Known

            staber: dict[str, set[str]] = {fid: set() for fid in forvaltningar}
            for r in self.rows:  # (the rows as parsed: a pass of Python, not a query per förvaltning)
                if r["vy"] == "stab":
                    staber[r["forvaltning"]].add(r["nyckel"])
            known = Known(ar, staber, set(verksamheter))
            if "budget_fil" in top.items:  # first: the rows utfall adds then get budget 0 in a budgeted view
                paths = self.paths(top.items["budget_fil"][1], "budget_fil")
                utfall = {t for t, _, _ in self.paths(top.items["utfall_fil"][1], "utfall_fil")} \
                    if "utfall_fil" in top.items else set()
                both = next(((t, line, col, u) for t, line, col in paths for u in utfall
                             if t == u or _same_file(Path(self.fil).parent, t, u)), None)
                if both:
                    also = "" if both[0] == both[3] else f" ('{both[3]}': the same file, by a link)"
                    raise DataError(self.fil, both[1], both[2], f"budget_fil '{both[0]}' is also the utfall_fil{also}; "
                                                                "a budget table and an utfall table are two files")
                tables = outcome.read_tables(opened["budget_fil"], self.fil, known)
                info = replace(info, budget_filer=tuple(name for name, _ in tables),
                               tabell_platser={**info.tabell_platser, **_places(opened["budget_fil"])},
                               budget_kallor=tuple(o for name, _ in tables if (o := outcome.origin_of(name))),
                               utan_kalla=info.utan_kalla + tuple(n for n, _ in tables if not outcome.origin_of(n)))
                amounts, budget_months = outcome.merge_budget(info, amounts, tables, self.figure_at)
                # a table's budget is gross: a net change of such a row moves its kostnader, as for a gross YAML row
                gross = set(amounts.filter(pl.col("budget_kostnader").is_not_null())
                            .select("forvaltning", "vy", "nyckel").iter_rows())
                for change in self.changes:
                    if change["post"] == "netto" and (change["forvaltning"], change["vy"], change["nyckel"]) in gross:
                        change["d_kostnader"] = change["d_budget"]
                facts += [(ar, "budget", t) for _, t in tables]
            if "utfall_fil" in top.items:
                self.paths(top.items["utfall_fil"][1], "utfall_fil")  # its error, if any, comes here, as it did
                tables = outcome.read_tables(opened["utfall_fil"], self.fil, known)
                info = replace(info, utfall_filer=tuple(name for name, _ in tables),
                               tabell_platser={**info.tabell_platser, **_places(opened["utfall_fil"])},
                               utfall_kallor=tuple(o for name, _ in tables if (o := outcome.origin_of(name))),
                               utan_kalla=info.utan_kalla + tuple(n for n, _ in tables if not outcome.origin_of(n)))
                amounts, months = outcome.merge(info, amounts, months, tables, self.figure_at)
                facts += [(ar, "utfall", t) for _, t in tables]
        if facts:
            info = replace(info, tomma_tabeller=tuple(t.name for _, _, t in facts if t.summary.is_empty()))
        if self.tables and self.outcome and "kostnadsslag" not in top.items:
            info = replace(info, kostnadsslag=self.mapped_kostnadsslag(info, top))
        if self.tables and self.outcome:
            from kfollow.sources.outcome import account_names

            names: dict[str, str] = {}
            for table in (*info.utfall_filer, *info.budget_filer):  # the ledger's names first: a budget system's
                for konto, name in account_names(table).items():  # are often shorter (`Förs` for Försäljning;
                    names.setdefault(konto, name)  # found by a controller), and took their place
            info = replace(info, kontonamn=names)
        if self.attributed:  # (after the tables: the kostnadsslag of their mappings, their accounts and budgets)
            budgeted = {f for _, art, t in facts if art == "budget" for f in t.forvaltningar()} \
                if self.outcome or not self.tables else None
            self.check_change_ledger(info, budgeted, "kostnadsslag" in top.items or self.outcome or not self.tables)
        if self.tables and self.outcome:  # a change of the summa alone, of a förvaltning the tables give rows
            lines: dict[tuple[int, str], list[dict]] = {}
            for c in self.changes:
                lines.setdefault((c["rad"], c["forvaltning"]), []).append(c)
            # (where its rows have no budget, the summa holds the budget and may change alone)
            views = ["stab", "verksamhet", "ej_fordelat_stab", "ej_fordelat_verksamhet"]
            viewed = set(amounts.filter(pl.col("vy").is_in(views) & pl.col("budget").is_not_null())
                         ["forvaltning"].to_list())
            for (line, fid), targets in lines.items():
                if all(c["vy"] == "summa" for c in targets) and fid in viewed:
                    raise DataError(self.fil, line, None, f"budget change line {line} names neither stab nor verksamhet, "
                                                          f"and the tables give förvaltning {fid} rows with budgets; add "
                                                          "the one the change belongs to")
        having = set(amounts["forvaltning"].to_list())
        empty = [f for f in forvaltningar if f not in having]
        if empty and self.outcome:  # written without amounts, for the tables to give them, and they gave none
            raise self.error(fnode.items[empty[0]][0], f"förvaltning {empty[0]} has no amounts here and none in the "
                                                       "budget_fil/utfall_fil tables; add summa, staber or verksamheter")
        return YearFile(info, amounts, investments, months, frame(self.forecasts, FORECAST_SCHEMA),
                        frame(self.changes, CHANGE_SCHEMA), frame(self.comments, COMMENT_SCHEMA),
                        _ledger(facts), budget_months)

    def mapped_kostnadsslag(self, info: YearInfo, top: Mapping):
        """The kostnadsslag the mapping of the year's imports defined (their notes say), else the
        default; two tables whose mappings define different ones is an error naming both."""
        from kfollow.sources.outcome import kostnadsslag_of

        found = [(t, g) for t in (*info.utfall_filer, *info.budget_filer) if (g := kostnadsslag_of(t))]
        for table, groups in found[1:]:
            if groups != found[0][1]:
                key = "utfall_fil" if "utfall_fil" in top.items else "budget_fil"
                raise self.error(top.items[key][1], f"the imports of {found[0][0]} and {table} define different "
                                                    "kostnadsslag (in their mappings); define kostnadsslag in the "
                                                    "year file, or import both with one mapping")
        return found[0][1] if found else info.kostnadsslag

    def prefetch(self, raw: bytes) -> None:
        """Start reading the tables that the file names on a line of their own (`utfall_fil: u.csv`,
        perhaps with a comment after it: the common case) before the file is parsed: the parse and the
        read then overlap. `open_tables` takes such a table only if the parsed file names the same
        path under the same key; anything else (a list, quotes, a line the pattern misreads) is read
        after the parse. A table read ahead (`kfollow.readahead`) is taken, not read again."""
        from kfollow.sources.facts import pending_table, read_in_background

        for key, text, path in named_tables(raw, self.fil):
            self.prefetched[key, text] = pending_table(path, str(path), key == "budget_fil", self.ledger, raw)
        self.pending += self.prefetched.values()
        read_in_background(list(self.prefetched.values()))

    def open_tables(self, top: Mapping) -> dict[str, list]:
        """Start reading the budget and then the utfall tables in the background, while the rest of the
        file is parsed (`facts.PendingTable`); a list of paths that is wrong is left for where the
        tables are read, so that errors come in the order they always did."""
        from kfollow.sources import outcome
        from kfollow.sources.facts import read_in_background

        opened = {}
        for key in ("budget_fil", "utfall_fil"):
            try:
                paths = self.paths(top.items[key][1], key) if key in top.items else None
            except DataError:
                paths = None
            if paths:  # a prefetched table is taken once: a path listed twice is read twice, as it was
                opened[key] = [(text, line, column, self.prefetched.pop((key, text), table))
                               for text, line, column, table in outcome.open_tables(paths, self.fil,
                                                                                    budget=key == "budget_fil",
                                                                                    rows=self.ledger)]
        started = [table for tables in opened.values() for *_, table in tables if is_file(table.path)]
        self.pending += started
        read_in_background(started)
        return opened

    def paths(self, node: Node, what: str) -> list[tuple[str, int, int]]:
        """One path or a list of paths: (text, line, column) each."""
        items = node.items if isinstance(node, Sequence) else [node]
        if not items:
            raise self.error(node, f"{what} is an empty list; name at least one table or remove the key")
        out = []
        base = Path(self.fil).parent
        for item in items:
            text = self.text(item, what)
            if not text.endswith((".csv", ".parquet")):
                raise self.error(item, f"{what} '{text}' is neither .csv nor .parquet; write the outcome table as one of them")
            # (here, at the name: by the same path, or another path to the same file; found in review)
            first = next((o for o in out if _same_file(base, o[0], text)), None)
            if first is not None:
                also = "" if first[0] == text else f" (as '{first[0]}')"
                raise self.error(item, f"{what} names '{text}' twice{also} (first at line {first[1]}): its months would "
                                       "count twice; name it once")
            out.append((text, item.line, item.column))
        return out

    def parse_indicators(self, node: Node) -> dict[str, Indikator]:
        """`indikatorer`: per nämndindikator its target (`mal`, percent) and wanted direction (`riktning`)."""
        found = {}
        top = self.mapping(node, "indikatorer")
        if not top.items:  # (as kostnadsslag: an empty key is a mistake, not a choice)
            raise self.error(top, "indikatorer is empty; give at least one indicator's mal and riktning, or remove the key")
        for iid, (knode, body) in top.items.items():
            if iid not in INDICATORS:
                close = difflib.get_close_matches(iid, list(INDICATORS), n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(INDICATORS)}"
                raise self.error(knode, f"indikator '{iid}' is unknown; {hint}")
            what = f"indikator {iid}"
            spec = self.mapping(body, what, ("mal", "riktning"), ("riktning",))
            rnode = spec.items["riktning"][1]
            riktning = self.text(rnode, f"riktning of {what}")
            # (as the table says them; an ä of a + combining diaeresis, pasted from a PDF, too: found in review, h147)
            riktning = unicodedata.normalize("NFC", riktning)
            riktning = {"lägre": "lagre", "högre": "hogre"}.get(riktning, riktning)
            if riktning not in ("lagre", "hogre"):
                raise self.error(rnode, f"riktning '{riktning}' of {what} is unknown; write lagre (target: below mal) "
                                        "or hogre (target: at least mal)")
            mal = None
            if "mal" in spec.items:
                mnode = spec.items["mal"][1]
                raw = self.text(mnode, f"mal of {what}")
                if not _PLAIN_NUMBER.fullmatch(raw):
                    raise self.error(mnode, f"mal '{raw}' of {what} is not a number; write a percentage such as 23 or 2.5")
                # (a percentage of at most 4 decimals within ±10 000: its float prints as written, in every format)
                if abs(Decimal(raw)) > 10_000 or "." in raw and len(raw.split(".")[1].rstrip("0")) > 4:
                    raise self.error(mnode, f"mal '{raw}' of {what} is not a percentage kfollow takes; write one "
                                            "between -10000 and 10000 with at most 4 decimals, such as 23 or 2.5")
                mal = float(raw)
                if riktning == "lagre" and mal <= 0:  # (no size is below 0: `Mindre än -2` met by no figure; found in
                    # review, h147)
                    raise self.error(mnode, f"mal {raw} of {what} with riktning lagre is met by no figure: lagre is met "
                                            "while the figure's size (a deficit as a surplus) is below mal; write a mal "
                                            "above 0, or riktning hogre for a figure of at least mal")
            found[iid] = Indikator(iid, mal, riktning, knode.line)
        return found

    def parse_headers(self, node: Node) -> dict[str, str]:
        """`rubriker`: headers for people by machine name, e.g. `budget: Kommunbidrag`."""
        from kfollow.vocabulary import CATALOGUE, is_column

        headers = {}
        for name, (knode, value) in self.mapping(node, "rubriker").items.items():
            if not is_column(name) or name in ("rubrik", "belopp_lista", "enhet", "pct"):
                close = difflib.get_close_matches(name, list(CATALOGUE), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "use a column name of the csv output, e.g. budget"
                raise self.error(knode, f"rubriker: '{name}' is not a column; {hint}")
            headers[name] = self.name(value, f"rubriker.{name}")
        return headers

    def parse_profiles(self, node: Node) -> None:
        pnode = self.mapping(node, "profiler")
        for name, (knode, body) in pnode.items.items():
            if not ID.fullmatch(name):
                raise self.error(knode, f"profile name '{name}' must be letters, digits, - or _")
            what = f"profile {name}"
            weights_node = self.mapping(body, what, ("vikter", "beskrivning"), ("vikter",)).items["vikter"][1]
            seq = self.sequence(weights_node, f"vikter of {what}")
            if len(seq.items) != 12:
                raise self.error(seq, f"vikter of {what} has {len(seq.items)} values; write 12, one per month")
            raw = [self.text(w, f"a weight of {what}") for w in seq.items]
            for w, text in zip(seq.items, raw):
                if not _WEIGHT.fullmatch(text):
                    raise self.error(w, f"weight '{text}' of {what} is not a number from 0 to 9999 with at most "
                                        "2 decimals; write e.g. 8 or 8.5 (the weights are shares of each other)")
            # integers, exact: weights with decimals are scaled by 100
            weights = tuple(int(Decimal(t) * 100) for t in raw)
            if sum(weights) == 0:
                raise self.error(seq, f"vikter of {what} are all zero; give at least one month a weight")
            self.profiler[name] = weights

    def profile(self, node: Node | None, default: str | None) -> str | None:
        if node is None:
            return default
        name = self.text(node, "profil")
        if name in ("jamn", "jämn"):
            return None
        if name not in self.profiler:
            have = ", ".join(["jamn", *self.profiler])
            close = closest(name, ["jamn", *self.profiler])  # (found by a new user)
            raise self.error(node, f"profil '{name}' is not defined under profiler (" + (
                f"did you mean '{close}'? " if close else "") + f"defined: {have}); define it under profiler: with its "
                "12 vikter, one a month (each year file has its own profiler: a profile of last year's file is not this "
                "year's)")  # (said what to do: found by a controller opening a new year, h130)
        return name

    def forvaltning(self, ar: int, fid: str, knode: Scalar, body: Node, verksamheter: dict[str, str]) -> Forvaltning:
        what = f"förvaltning {fid}"
        first = len(self.rows)  # its rows are those made from here on
        node = self.mapping(body, what, ("namn", "redovisas_som", "profil", "summa", "staber", "verksamheter",
                                         "ej_fordelat", "kommentar"), ("namn",))
        namn = self.name(node.items["namn"][1], f"namn of {what}")
        presentation = "nettokostnad"
        if "redovisas_som" in node.items:
            pnode = node.items["redovisas_som"][1]
            presentation = self.text(pnode, "redovisas_som")
            if presentation not in PRESENTATIONS:
                raise self.error(pnode, f"redovisas_som '{presentation}' is unknown; write nettokostnad or resultat")
        sign = -1 if presentation == "resultat" else 1
        profile = self.profile(node.items.get("profil", (None, None))[1], None)
        base = {"ar": ar, "forvaltning": fid, "profil": profile}
        self.forvaltning_profiles[fid] = profile

        if "summa" in node.items:
            self.row(base | {"vy": "summa", "nyckel": fid, "namn": namn}, node.items["summa"][1],
                     f"summa of {what}", sign)
        if "staber" in node.items:
            snode = self.mapping(node.items["staber"][1], f"staber of {what}")
            if not snode.items:
                raise self.error(snode, f"staber of {what} is empty; add a stab or remove the key")
            for sid, (skey, sbody) in snode.items.items():
                if not ID.fullmatch(sid):
                    raise self.error(skey, f"stab id '{sid}' must be letters, digits, - or _ (e.g. EKS)")
                swhat = f"stab {sid}"
                smap = self.mapping(sbody, swhat, ("namn",) + self.ROW_KEYS)
                if "namn" not in smap.items:
                    if "prognos" in smap.items and not {"budget", "utfall"} & set(smap.items):
                        # a forecast left behind when the stab was taken out of the year (found by a new user:
                        # told to add its namn, which would have made it a stab again)
                        raise self.error(skey, f"stab {sid} has a forecast (prognos) but no namn, budget or "
                                               f"utfall, so it is no stab of {ar} (one taken out of the year "
                                               f"file, its forecast left behind?); remove {sid} and its forecast from "
                                               f"staber, or, if the stab is still in use in {ar}, give it its namn and "
                                               "budget")
                    raise self.error(smap, f"{swhat} lacks 'namn'; add it")
                self.row(base | {"vy": "stab", "nyckel": sid, "namn": self.name(smap.items["namn"][1], f"namn of {swhat}")},
                         smap, swhat, sign, named=True, key=skey)
        if "verksamheter" in node.items:
            vnode = self.mapping(node.items["verksamheter"][1], f"verksamheter of {what}")
            if not vnode.items:
                raise self.error(vnode, f"verksamheter of {what} is empty; add a verksamhet or remove the key")
            for code, (vkey, vbody) in vnode.items.items():
                if code not in verksamheter:
                    close = closest(code, verksamheter)
                    hint = f"did you mean '{close}'?" if close else "add it to the top-level verksamheter list"
                    raise self.error(vkey, f"verksamhet '{code}' is not in the file's verksamheter; {hint}")
                self.row(base | {"vy": "verksamhet", "nyckel": code, "namn": verksamheter[code]}, vbody,
                         f"verksamhet {code} of {fid}", sign, key=vkey)
        if "ej_fordelat" in node.items:
            enode = self.mapping(node.items["ej_fordelat"][1], f"ej_fordelat of {what}", ("staber", "verksamheter"))
            for view, (ekey, ebody) in enode.items.items():
                label = "stab" if view == "staber" else "verksamhet"
                self.row(base | {"vy": f"ej_fordelat_{label}", "nyckel": f"ej fördelat ({fid})",
                                 "namn": f"Ej fördelat på {label}"}, ebody, f"ej_fordelat.{view} of {what}", sign,
                         key=ekey)
                # a figure the view has but the declaration lacks is zero, so the view still adds up
                view_rows = [r for r in self.rows[first:] if r["forvaltning"] == fid and r["vy"] == label]
                self.rows[-1] |= {part: 0 for part in ("budget", "utfall")
                                  if self.rows[-1][part] is None and any(r[part] is not None for r in view_rows)}
        self.absent_as_zero(fid, first)
        if not any(k in node.items for k in ("summa", "staber", "verksamheter")) and not self.tables:
            raise self.error(knode, f"{what} has no amounts; add summa, staber or verksamheter")
        kommentar = self.kommentar(node, what, "summa: kommentarer:")
        return Forvaltning(fid, namn, presentation, knode.line, kommentar, profile,
                           written="redovisas_som" in node.items)

    ROW_KEYS = ("budget", "utfall", "prognos", "profil", "kommentar", "kommentarer")

    def absent_as_zero(self, fid: str, first: int = 0) -> None:
        """A stab or verksamhet row without the budget or utfall that the view's other rows give (a stab
        added before its first booking) has 0 of it, booked 0 in each of their months: the view and the
        förvaltning's total still add up (a row unknown would leave them unknown, `–`). Noted in
        `self.absent`, for the warning. A row whose utfall is 0 for the year (`utfall: 0`, a reserve; an
        `ej_fordelat` row of budget alone) beside rows booked per month is booked 0 in each of their
        months too, and not warned of."""
        # (the förvaltning's rows are those made since `first`: not every row of the file again, once per
        # förvaltning, which took 39 s for 16 000 förvaltningar)
        mine = [r for r in self.rows[first:] if r["forvaltning"] == fid]
        for view in ("stab", "verksamhet"):
            rows = [r for r in mine if r["vy"] == view]
            for part in ("budget", "utfall"):
                given = [r for r in rows if r[part] is not None]
                absent = [r for r in rows if r[part] is None]
                if not given or not absent:
                    continue
                gross = all(r[f"{part}_kostnader"] is not None for r in given)
                for r in absent:
                    r |= {part: 0} | ({f"{part}_kostnader": 0, f"{part}_intakter": 0} if gross else {})
                    self.absent.append((fid, view, r["nyckel"], part, r["rad"]))
            # utfall 0 for the year, written so or absent (a reserve), beside rows booked per month: 0 in each
            # of their months, so that a year-to-date utfall is known (a year's total alone is not split)
            booked = [r["manader"] for r in rows if r["utfall"] is not None and r["manader"] is not None]
            unattributed = [r for r in mine if r["vy"] == f"ej_fordelat_{view}"]
            zero = [r for r in rows + unattributed if r["utfall"] == 0 and r["manader"] is None
                    and not r["utfall_kostnader"] and not r["utfall_intakter"]]
            if booked and zero:
                last = max(booked)
                gross = all(r["utfall_kostnader"] is not None for r in rows if r["manader"] is not None)
                for r in zero:
                    r |= {"manader": last} | ({"utfall_kostnader": 0, "utfall_intakter": 0} if gross else {})
                    ident = {k: r[k] for k in ("ar", "forvaltning", "vy", "nyckel")}
                    self.months.extend(ident | {"manad": m, "utfall": 0, "utfall_kostnader": 0 if gross else None,
                                                "utfall_intakter": 0 if gross else None} for m in range(1, last + 1))

    def row(self, base: dict, body: Node, what: str, sign: int, named: bool = False, key: Scalar | None = None) -> None:
        node = self.mapping(body, what, (("namn",) if named else ()) + self.ROW_KEYS)
        ident = {k: base[k] for k in ("ar", "forvaltning", "vy", "nyckel")}
        for part in ("budget", "utfall"):
            if part in node.items:
                at = node.items[part][0]
                self.figure_at[base["forvaltning"], base["vy"], base["nyckel"], part] = (at.line, at.column)
        values: dict = self.net_and_gross(node.items.get("budget", (None, None))[1], "budget", f"budget of {what}", sign)
        utfall = node.items.get("utfall", (None, None))[1]
        last_month = None
        # months (YYYY-MM) or kostnader/intakter: a key that looks like a month (2024-8, typed without its zero)
        # makes it months, so that its error is its own (it was "unknown key '2024-01' … allowed: kostnader, …");
        # not {2024-01: 950,5}, whose decimal comma split it (said below), but `202401: 1847.0` among a block's
        # months is a month written wrongly, said here (it was "a decimal comma inside { }": found by a tester)
        if isinstance(utfall, Mapping) and utfall.items and any(_MONTHISH.fullmatch(k) for k in utfall.items) and \
                not (utfall.flow and any(k.isdigit() and isinstance(v, Scalar) and v.value == ""
                                         for k, (_, v) in utfall.items.items())):
            months = []
            for month_text, (mkey, mbody) in utfall.items.items():
                month = self.month(mkey, f"month of utfall of {what}")
                months.append(ident | {"manad": month} | self.net_and_gross(mbody, "utfall", f"utfall {month_text} of {what}", sign))
            last_month = max(m["manad"] for m in months)
            missing = sorted(set(range(1, last_month + 1)) - {m["manad"] for m in months})
            if missing:
                raise self.error(utfall, f"utfall of {what} has months up to {self.ar}-{last_month:02d} but not "
                                         f"{self.ar}-{missing[0]:02d}; add it (0 for a month without bookings)")
            self.months.extend(months)
            values |= {"utfall": sum(m["utfall"] for m in months)}
            for part in ("utfall_kostnader", "utfall_intakter"):
                parts = [m[part] for m in months]
                values[part] = None if any(p is None for p in parts) else sum(parts)
        else:
            values |= self.net_and_gross(utfall, "utfall", f"utfall of {what}", sign)
        if values.get("utfall") is None and values.get("budget") is None and not (
                # a förvaltning's own forecast or comments may stand alone
                base["vy"] == "summa" and any(k in node.items for k in ("prognos", "kommentar", "kommentarer"))
        ) and not (  # a row whose figures come from tables (an ej_fordelat row: only its comments)
                base["vy"] in ("stab", "verksamhet", "ej_fordelat_stab", "ej_fordelat_verksamhet") and self.tables):
            tables = " or name budget_fil/utfall_fil tables that give its figures" if base["vy"] in ("stab", "verksamhet") else ""
            if base["vy"] == "summa" and self.tables:  # the tables give a förvaltning's figures: no summa needed
                tables = (" (the budget_fil/utfall_fil tables give the förvaltning's figures: then leave out summa, "
                          "or keep it for its prognos and kommentar)")
            raise self.error(node, f"{what} has neither budget nor utfall; add one{tables}")
        if "prognos" in node.items:
            forecast_node = node.items["prognos"][1]
            if isinstance(forecast_node, Scalar) and forecast_node.value:  # `prognos: 29000.0`: of which month?
                value = forecast_node.value
                month = MONTH.fullmatch(value) or _MONTHISH.fullmatch(value)
                if month:  # a month without its forecast (found in review: {2024-08: 2024-08}), said in this year
                    # (2023-08 in 2024.yaml, or 2024-8, was copied into an example that failed again)
                    named = f"{self.ar}-{int(value[5:]):02d}" if 1 <= int(value[5:]) <= 12 else f"{self.ar}-08"
                    raise self.error(forecast_node, f"prognos of {what} names a month ({value}) but no forecast: "
                                                    f"write prognos: {{{named}: …}} (the month it was made in: the "
                                                    "full-year forecast)")
                if _SWEDISH_NUMBER.fullmatch(value) or value.startswith("−"):  # (its example written as it may be:
                    # 29000.0, not 29 000,0; a hyphen-minus, not −)
                    value = value.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace(",", ".") \
                        .replace("−", "-")
                raise self.error(forecast_node, f"prognos of {what} must name the month it was made in, e.g. "
                                                f"prognos: {{{self.ar}-08: {value}}} (the month: the full-year forecast)")
            pnode = self.mapping(forecast_node, f"prognos of {what} (month: full-year forecast)")
            for month_text, (mkey, mbody) in pnode.items.items():
                month = self.month(mkey, f"month of prognos of {what}")
                forecast = self.net_and_gross(mbody, "prognos", f"prognos {month_text} of {what}", sign)["prognos"]
                self.forecasts.append(ident | {"manad": month, "prognos": forecast, "rad": mkey.line})
        if "kommentarer" in node.items:
            cnode = self.mapping(node.items["kommentarer"][1], f"kommentarer of {what} (month: text)")
            for month_text, (mkey, mbody) in cnode.items.items():
                month = self.month(mkey, f"month of kommentarer of {what}")
                self.comments.append(ident | {"manad": month, "kommentar": self.comment(mbody, f"kommentar {month_text}"),
                                              "rad": mkey.line})
        kommentar = self.kommentar(node, what, "kommentarer: (with an r)")
        profile = self.profile(node.items.get("profil", (None, None))[1], base.get("profil"))
        if "profil" in node.items:
            self.own_profiles.append((base["forvaltning"], base["vy"], base["nyckel"]))
        line = (key or node).line
        self.rows.append(base | values | {"profil": profile, "manader": last_month, "ordning": len(self.rows),
                                          "kommentar": kommentar, "fil": self.fil, "rad": line})

    def kommentar(self, node: Mapping, what: str, monthly: str) -> str | None:
        """The row's (or förvaltning's) standing `kommentar`, one text; months under it are told where a month's
        comments go (`monthly`), as an example of the year's (found by a new user: "must be text, found a mapping")."""
        if "kommentar" not in node.items:
            return None
        body = node.items["kommentar"][1]
        if isinstance(body, Mapping):
            raise self.error(body, f"kommentar of {what} is one text for the row; comments per month go under "
                                   f"{monthly}, e.g. kommentarer: {{{self.ar}-08: \"…\"}} (the month: its comment)")
        return self.comment(body, f"kommentar of {what}")

    def comment(self, node: Node, what: str) -> str:
        """A comment: text whose line ends written as `"\\r\\n"` or `"\\r"` are line breaks, as `collect` reads a
        workbook's (a CR kept would show as U+FFFD in a table, Markdown and xlsx, and raw in csv; found by a script user)."""
        return self.text(node, what).replace("\r\n", "\n").replace("\r", "\n")

    def net_and_gross(self, node: Node | None, part: str, what: str, sign: int) -> dict:
        if node is None:
            return {part: None, f"{part}_kostnader": None, f"{part}_intakter": None}
        if isinstance(node, Mapping):
            gross = self.mapping(node, what, ("kostnader", "intakter", "netto"), ("kostnader", "intakter"))
            k = self.amount(gross.items["kostnader"][1], f"kostnader in {what}")
            i = self.amount(gross.items["intakter"][1], f"intakter in {what}")
            if "netto" in gross.items:
                nnode = gross.items["netto"][1]
                netto = sign * self.amount(nnode, f"netto in {what}")
                if netto != k - i:
                    raise self.error(nnode, f"netto in {what} is not kostnader − intakter"
                                            f"{' (written as resultat, intakter − kostnader)' if sign < 0 else ''}; correct one of the three")
            return {part: k - i, f"{part}_kostnader": k, f"{part}_intakter": i}
        # a net amount is written as the förvaltning presents it (resultat = intäkter − kostnader)
        return {part: sign * self.amount(node, what), f"{part}_kostnader": None, f"{part}_intakter": None}

    def parse_changes(self, node: Node, forvaltningar: dict[str, Forvaltning]) -> None:
        """`ombudgeteringar`: dated budget changes; each line hits a stab and/or verksamhet and the summa."""
        known = {(r["forvaltning"], r["vy"], r["nyckel"]) for r in self.rows}
        gross = {(r["forvaltning"], r["vy"], r["nyckel"]) for r in self.rows if r["budget_kostnader"] is not None}
        viewed = {r["forvaltning"] for r in self.rows if r["vy"] in ("stab", "verksamhet")}
        for item in self.sequence(node, "ombudgeteringar").items:
            what = f"ombudgetering at line {item.line}"
            change = self.mapping(item, what, ("datum", "beslut", "text", "rader"), ("datum", "beslut", "rader"))
            datum, month = self.date(change.items["datum"][1], f"datum of {what}")
            beslut = self.text(change.items["beslut"][1], f"beslut of {what}")
            if beslut in ("~", "null", "Null", "NULL"):  # YAML's way of writing no value: a change without its
                # decision was listed by `changes` and the report as decided by 'null' (found by an auditor, h135)
                raise self.error(change.items["beslut"][1], f"beslut of {what} is '{beslut}', YAML's no value; write "
                                 "the decision the change was made by (KS 2024-06-17 § 98), which traces the budget "
                                 "to it")
            # (its text is read as a comment is: "\r\n" showed as U+FFFD in `changes`, found in review)
            text = self.comment(change.items["text"][1], f"text of {what}") if "text" in change.items else None
            for line in self.sequence(change.items["rader"][1], f"rader of {what}").items:
                lwhat = f"budget change line {line.line}"
                ln = self.mapping(line, lwhat, ("forvaltning", "stab", "verksamhet", "post", "belopp", "konto",
                                                "kostnadsslag"), ("forvaltning", "belopp"))
                fnode = ln.items["forvaltning"][1]
                fid = self.text(fnode, f"forvaltning of {lwhat}")
                if fid not in forvaltningar:
                    raise self.error(fnode, f"förvaltning '{fid}' is not in this file (there: {', '.join(forvaltningar)})")
                sign = -1 if forvaltningar[fid].redovisas_som == "resultat" else 1
                post = "netto"
                if "post" in ln.items:
                    post = self.text(ln.items["post"][1], "post")
                    if post not in ("netto", "kostnader", "intakter"):
                        raise self.error(ln.items["post"][1], f"post '{post}' is unknown; write kostnader, intakter or netto")
                belopp = self.amount(ln.items["belopp"][1], f"belopp of {lwhat}")
                ledger = self.change_ledger(ln, lwhat, fid)
                # in öre of nettokostnad; a gross post moves its own column too
                d = {"netto": (sign * belopp, 0, 0), "kostnader": (belopp, belopp, 0), "intakter": (-belopp, 0, belopp)}[post]
                targets = [("summa", fid)] if (fid, "summa", fid) in known else []
                # a förvaltning written as its summa alone (no staber, no verksamheter): the summa is the row
                if not any(k in ln.items for k in ("stab", "verksamhet")) and not (targets and fid not in viewed):
                    raise self.error(line, f"{lwhat} names neither stab nor verksamhet; add the one the change belongs to")
                for view in ("stab", "verksamhet"):
                    if view in ln.items:
                        knode = ln.items[view][1]
                        key = self.text(knode, f"{view} of {lwhat}")
                        if (fid, view, key) not in known:  # (a row only its tables give too: found in review)
                            # (a typo is more likely than a row to add: its near id first; found by a new user)
                            close = closest(key, [k for f, v, k in known if f == fid and v == view])
                            row = f"staber: '{key}': {{namn: …}}" if view == "stab" else f"verksamheter: '{key}': {{}}"
                            raise self.error(knode, f"{view} '{key}' has no row in förvaltning {fid}; " + (
                                f"did you mean '{close}'? Else add " if close else "add ") + f"it there first "
                                f"({row} is enough where its tables give the amounts)")
                        targets.append((view, key))
                for view, key in targets:
                    # a net change of a row budgeted gross moves its kostnader, so kostnader − intäkter stays the net
                    dk = d[0] if post == "netto" and (fid, view, key) in gross else d[1]
                    self.changes.append({"ar": self.ar, "forvaltning": fid, "vy": view, "nyckel": key, "datum": datum,
                                         "manad": month, "d_budget": d[0], "d_kostnader": dk, "d_intakter": d[2],
                                         "post": post, "belopp": belopp, "beslut": beslut, "text": text,
                                         "rad": line.line} | ledger)

    def change_ledger(self, ln: Mapping, lwhat: str, fid: str) -> dict:
        """A change line's `konto` and `kostnadsslag` (the part of the ledger the change is for), as written; their
        ids are checked against the year's kostnadsslag and tables once those are known (`check_change_ledger`)."""
        found = {"konto": None, "kostnadsslag": None}
        for key in found:
            if key not in ln.items:
                continue
            node = ln.items[key][1]
            value = self.text(node, f"{key} of {lwhat}")
            if key == "konto" and not (value.isascii() and value.isdigit()):
                raise self.error(node, f"konto '{value}' of {lwhat} is not an account; write its digits, e.g. "
                                       "konto: \"4120\"")
            if key == "kostnadsslag" and not ID.fullmatch(value):
                raise self.error(node, f"kostnadsslag '{value}' of {lwhat} is not a kostnadsslag id; write the id of "
                                       "one of the year's kostnadsslag, e.g. kostnadsslag: personal")
            found[key] = value
        if any(found.values()):
            self.attributed.append((lwhat, fid, found["konto"], ln.items.get("konto", (None, None))[1],
                                    found["kostnadsslag"], ln.items.get("kostnadsslag", (None, None))[1]))
        return found

    def check_change_ledger(self, info: YearInfo, budgeted: set[str] | None, checked: bool) -> None:
        """The `konto` and `kostnadsslag` of the year's change lines against what they name: a kostnadsslag of the
        year (`checked`: the year's kostnadsslag are known, those of the file or of its imports' mappings), an
        account of that kostnadsslag where both are given, an account of the year's tables (where their chart of
        accounts is known), and a förvaltning whose budget the budget_fil tables give by account (`budgeted`; None:
        the tables are not read)."""
        groups = {g.id: g for g in info.kostnadsslag}
        have = ", ".join(f"{g.id} ({g.namn})" for g in info.kostnadsslag)
        for lwhat, fid, konto, knode, slag, snode in self.attributed:
            if budgeted is not None and fid not in budgeted:
                node, key = (knode, "konto") if konto else (snode, "kostnadsslag")
                where = ("its budget is typed in the year file, not given by the budget_fil tables" if self.tables
                         else "the year has no budget_fil tables")
                raise self.error(node, f"{key} of {lwhat}: förvaltning {fid} has no budget by account ({where}), so "
                                       f"the change cannot be put on a {key}; leave out {key} (the change is then the "
                                       "row's Ej fördelat på kostnadsslag in a cut by kostnadsslag or konto)")
            if slag and checked and slag not in groups:
                close = closest(slag, list(groups))
                raise self.error(snode, f"kostnadsslag '{slag}' of {lwhat} is not a kostnadsslag of {self.ar} (there: "
                                        f"{have})" + (f"; did you mean '{close}'?" if close else ""))
            if konto and info.kontonamn and konto not in info.kontonamn:
                close = closest(konto, list(info.kontonamn))
                tables = ", ".join((*info.budget_filer, *info.utfall_filer))
                raise self.error(knode, f"konto {konto} of {lwhat} is not an account of the year's tables ({tables}); "
                                        + (f"did you mean '{close}'? Else w" if close else "w")
                                        + "rite an account they have, or import the tables again with it")
            if konto and slag and checked:
                of = account_group(konto, info.kostnadsslag)
                if of != slag:
                    actual = f"in kostnadsslag {of} ({groups[of].namn})" if of else "in no kostnadsslag"
                    raise self.error(knode, f"konto {konto} of {lwhat} is {actual}, not in {slag} ({groups[slag].namn}); "
                                            f"write the account of {slag} the change is for, or leave out one of konto "
                                            "and kostnadsslag (an account's kostnadsslag follows from it)")
