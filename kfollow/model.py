"""budgets/*.yaml → validated `Budgets`: year metadata and one long polars frame of amounts.

The only module that interprets the YAML schema (README, "The YAML format"). Amounts are exact:
parsed as decimals and stored as Int64 öre, in the nettokostnad convention (kostnader − intäkter,
positive = costs money) whatever the förvaltning's presentation.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import polars as pl

from kfollow.errors import DataError, InputOutputError, UsageError
from kfollow.options import ORE_PER_UNIT
from kfollow.source import Mapping, Node, Scalar, Sequence, read_yaml

PRESENTATIONS = ("nettokostnad", "resultat")
VIEWS = ("stab", "verksamhet")

AMOUNT_SCHEMA = {
    "ar": pl.Int32,
    "forvaltning": pl.String,
    "vy": pl.String,  # stab | verksamhet | summa | ej_fordelat_stab | ej_fordelat_verksamhet
    "nyckel": pl.String,  # stab id, verksamhet code, or förvaltning id for summa rows
    "namn": pl.String,
    "ordning": pl.Int32,  # position in the file, for stable row order
    "budget": pl.Int64,  # öre, nettokostnad
    "utfall": pl.Int64,
    "budget_kostnader": pl.Int64,
    "budget_intakter": pl.Int64,
    "utfall_kostnader": pl.Int64,
    "utfall_intakter": pl.Int64,
    "kommentar": pl.String,
    "fil": pl.String,
    "rad": pl.Int32,
}
MONEY_COLUMNS = [c for c, t in AMOUNT_SCHEMA.items() if t == pl.Int64]

_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_SWEDISH_NUMBER = re.compile(r"[+\-−]?\d{1,3}([  \u202f]\d{3})*(,\d+)?|[+\-−]?\d+,\d+")
_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")
_ID = re.compile(r"[A-Za-zÅÄÖåäö0-9][A-Za-zÅÄÖåäö0-9_-]*")


@dataclass(frozen=True, slots=True)
class Forvaltning:
    id: str
    namn: str
    redovisas_som: str  # nettokostnad | resultat
    line: int


@dataclass(frozen=True, slots=True)
class YearInfo:
    ar: int
    organisation: str
    enhet: str
    fil: str
    forvaltningar: dict[str, Forvaltning]
    verksamheter: dict[str, str]  # code → name


@dataclass(slots=True)
class Budgets:
    """All year files of a budgets directory: metadata per year and the amounts frame."""

    directory: str
    years: dict[int, YearInfo]
    amounts: pl.DataFrame
    investments: pl.DataFrame = field(default_factory=lambda: _empty_investments())

    def year(self, ar: int) -> YearInfo:
        """The metadata of one year; `UsageError` naming the years there are when it is missing."""
        if ar not in self.years:
            have = ", ".join(str(y) for y in sorted(self.years)) or "none"
            raise UsageError(f"no budget file for {ar} in {self.directory} (years there: {have}); add {self.directory}/{ar}.yaml or pick another year")
        return self.years[ar]

    def forvaltning(self, ar: int, fid: str) -> Forvaltning:
        info = self.year(ar)
        if fid not in info.forvaltningar:
            have = ", ".join(info.forvaltningar)
            raise UsageError(f"no förvaltning '{fid}' in {info.fil} (there: {have})")
        return info.forvaltningar[fid]


def _empty_investments() -> pl.DataFrame:
    from kfollow.investments import INVESTMENT_SCHEMA

    return pl.DataFrame(schema=INVESTMENT_SCHEMA)


def default_directory() -> str:
    """`$KFOLLOW_BUDGETS`, or `./budgets`."""
    return os.environ.get("KFOLLOW_BUDGETS") or "budgets"


def year_files(directory: str | Path) -> list[Path]:
    """The `*.yaml` files of a budgets directory, sorted; `InputOutputError` if it is not a directory."""
    d = Path(directory)
    if not d.is_dir():
        raise InputOutputError(f"{d}: budgets directory not found; pass --budgets DIR or set KFOLLOW_BUDGETS")
    files = sorted([*d.glob("*.yaml"), *d.glob("*.yml")])
    if not files:
        raise InputOutputError(f"{d}: no *.yaml budget files in the directory; add one per year, e.g. {d}/2024.yaml")
    return files


def load_budgets(directory: str | Path | None = None) -> Budgets:
    """Load and validate every year file of `directory`; the first malformed file raises `DataError`."""
    directory = str(directory or default_directory())
    parsed = []
    for path in year_files(directory):
        year = load_year_file(path)
        for other in parsed:
            if other.info.ar == year.info.ar:
                raise DataError(str(path), 1, 1, f"year {year.info.ar} is also in {other.info.fil}; keep one file per year")
        parsed.append(year)
    return combine(directory, parsed)


@dataclass(slots=True)
class YearFile:
    """What one year file holds: metadata and its rows of each kind."""

    info: YearInfo
    amounts: pl.DataFrame
    investments: pl.DataFrame


def combine(directory: str, files: list[YearFile]) -> Budgets:
    """One `Budgets` from parsed year files (years must be distinct)."""
    years = {f.info.ar: f.info for f in sorted(files, key=lambda f: f.info.ar)}
    amounts = pl.concat([f.amounts for f in files], how="vertical") if files else pl.DataFrame(schema=AMOUNT_SCHEMA)
    investments = pl.concat([f.investments for f in files], how="vertical") if files else _empty_investments()
    return Budgets(directory, years, amounts, investments)


def load_year_file(path: Path) -> YearFile:
    """Parse one year file (see AMOUNT_SCHEMA and investments.INVESTMENT_SCHEMA)."""
    return _YearParser(str(path)).parse(read_yaml(path))


class _YearParser:
    def __init__(self, fil: str):
        self.fil = fil
        self.rows: list[dict] = []
        self.enhet = "kr"

    # --- helpers -------------------------------------------------------------------------

    def error(self, node: Node, problem: str) -> DataError:
        return DataError(self.fil, node.line, node.column, problem)

    def mapping(self, node: Node, what: str, allowed: tuple[str, ...] | None = None,
                required: tuple[str, ...] = ()) -> Mapping:
        if not isinstance(node, Mapping):
            kind = "a list" if isinstance(node, Sequence) else f"'{node.value}'"
            raise self.error(node, f"{what} must be a mapping (key: value lines), found {kind}")
        if allowed is not None:
            for key, (knode, _) in node.items.items():
                if key not in allowed:
                    close = difflib.get_close_matches(key, allowed, n=1)
                    hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
                    raise self.error(knode, f"unknown key '{key}' in {what}; {hint}")
        for key in required:
            if key not in node.items:
                raise self.error(node, f"{what} lacks '{key}'; add it")
        return node

    def text(self, node: Node, what: str) -> str:
        if not isinstance(node, Scalar):
            raise self.error(node, f"{what} must be text, found a {'list' if isinstance(node, Sequence) else 'mapping'}")
        value = node.value.strip()
        if not value:
            raise self.error(node, f"{what} is empty; write a value")
        return value

    def amount(self, node: Node, what: str) -> int:
        """A decimal amount in the file's unit → öre."""
        raw = self.text(node, what)
        if not _PLAIN_NUMBER.fullmatch(raw):
            if _SWEDISH_NUMBER.fullmatch(raw):
                plain = raw.replace(" ", "").replace(" ", "").replace("\u202f", "").replace(",", ".").replace("−", "-")
                raise self.error(node, f"{what} '{raw}' is written the Swedish way; write {plain} (decimal point, no spaces)")
            raise self.error(node, f"{what} '{raw}' is not an amount; write a number such as 1240.8")
        try:
            ore = Decimal(raw) * ORE_PER_UNIT[self.enhet]
        except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
            raise self.error(node, f"{what} '{raw}' is not an amount") from None
        if ore != ore.to_integral_value():
            raise self.error(node, f"{what} '{raw}' is finer than an öre in {self.enhet}; round it to whole öre")
        return int(ore)

    # --- schema ----------------------------------------------------------------------------

    def parse(self, root: Node) -> YearFile:
        top = self.mapping(root, "the file", ("ar", "organisation", "enhet", "verksamheter", "forvaltningar", "investeringar"),
                           ("ar", "organisation", "enhet", "forvaltningar"))
        ar_node = top.items["ar"][1]
        ar_text = self.text(ar_node, "ar")
        if not re.fullmatch(r"\d{4}", ar_text):
            raise self.error(ar_node, f"ar '{ar_text}' is not a year; write four digits, e.g. 2024")
        ar = int(ar_text)
        stem = Path(self.fil).stem
        if re.fullmatch(r"\d{4}", stem) and int(stem) != ar:
            raise self.error(ar_node, f"ar {ar} does not match the file name {Path(self.fil).name}; rename the file or fix ar")
        enhet_node = top.items["enhet"][1]
        self.enhet = self.text(enhet_node, "enhet")
        if self.enhet not in ORE_PER_UNIT:
            raise self.error(enhet_node, f"enhet '{self.enhet}' is unknown; write kr, tkr or mnkr")
        organisation = self.text(top.items["organisation"][1], "organisation")

        verksamheter: dict[str, str] = {}
        if "verksamheter" in top.items:
            vnode = self.mapping(top.items["verksamheter"][1], "verksamheter")
            for code, (knode, name) in vnode.items.items():
                if not _CODE.fullmatch(code):
                    raise self.error(knode, f"verksamhet code '{code}' is not a code; use digits such as \"920\"")
                verksamheter[code] = self.text(name, f"the name of verksamhet {code}")

        forvaltningar: dict[str, Forvaltning] = {}
        fnode = self.mapping(top.items["forvaltningar"][1], "forvaltningar")
        if not fnode.items:
            raise self.error(fnode, "forvaltningar is empty; add at least one förvaltning")
        for fid, (knode, body) in fnode.items.items():
            if not _ID.fullmatch(fid):
                raise self.error(knode, f"förvaltning id '{fid}' must be letters, digits, - or _ (e.g. KLF)")
            forvaltningar[fid] = self.forvaltning(ar, fid, knode, body, verksamheter)

        info = YearInfo(ar, organisation, self.enhet, self.fil, forvaltningar, verksamheter)
        self.info = info
        investments = _empty_investments()
        if "investeringar" in top.items:
            from kfollow.investments import INVESTMENT_SCHEMA, parse_investments

            rows = parse_investments(self, top.items["investeringar"][1], ar)
            investments = pl.DataFrame(rows, schema=INVESTMENT_SCHEMA, orient="row") if rows else investments
        amounts = pl.DataFrame(self.rows, schema=AMOUNT_SCHEMA, orient="row") if self.rows else pl.DataFrame(schema=AMOUNT_SCHEMA)
        return YearFile(info, amounts, investments)

    def forvaltning(self, ar: int, fid: str, knode: Scalar, body: Node, verksamheter: dict[str, str]) -> Forvaltning:
        what = f"förvaltning {fid}"
        node = self.mapping(body, what, ("namn", "redovisas_som", "summa", "staber", "verksamheter", "ej_fordelat", "kommentar"),
                            ("namn",))
        namn = self.text(node.items["namn"][1], f"namn of {what}")
        presentation = "nettokostnad"
        if "redovisas_som" in node.items:
            pnode = node.items["redovisas_som"][1]
            presentation = self.text(pnode, "redovisas_som")
            if presentation not in PRESENTATIONS:
                raise self.error(pnode, f"redovisas_som '{presentation}' is unknown; write nettokostnad or resultat")
        sign = -1 if presentation == "resultat" else 1
        base = {"ar": ar, "forvaltning": fid}

        if "summa" in node.items:
            self.row(base | {"vy": "summa", "nyckel": fid, "namn": namn}, node.items["summa"][1],
                     f"summa of {what}", sign, extra=("kommentar",))
        if "staber" in node.items:
            snode = self.mapping(node.items["staber"][1], f"staber of {what}")
            for sid, (skey, sbody) in snode.items.items():
                if not _ID.fullmatch(sid):
                    raise self.error(skey, f"stab id '{sid}' must be letters, digits, - or _ (e.g. EKS)")
                swhat = f"stab {sid}"
                smap = self.mapping(sbody, swhat, ("namn", "budget", "utfall", "kommentar"), ("namn",))
                self.row(base | {"vy": "stab", "nyckel": sid, "namn": self.text(smap.items["namn"][1], f"namn of {swhat}")},
                         smap, swhat, sign, extra=("namn", "kommentar"), key=skey)
        if "verksamheter" in node.items:
            vnode = self.mapping(node.items["verksamheter"][1], f"verksamheter of {what}")
            for code, (vkey, vbody) in vnode.items.items():
                if code not in verksamheter:
                    close = difflib.get_close_matches(code, list(verksamheter), n=1)
                    hint = f"did you mean '{close[0]}'?" if close else "add it to the top-level verksamheter list"
                    raise self.error(vkey, f"verksamhet '{code}' is not in the file's verksamheter; {hint}")
                self.row(base | {"vy": "verksamhet", "nyckel": code, "namn": verksamheter[code]}, vbody,
                         f"verksamhet {code} of {fid}", sign, extra=("kommentar",), key=vkey)
        if "ej_fordelat" in node.items:
            enode = self.mapping(node.items["ej_fordelat"][1], f"ej_fordelat of {what}", ("staber", "verksamheter"))
            for view, (ekey, ebody) in enode.items.items():
                label = "stab" if view == "staber" else "verksamhet"
                self.row(base | {"vy": f"ej_fordelat_{label}", "nyckel": f"ej fördelat ({fid})",
                                 "namn": f"Ej fördelat på {label}"}, ebody, f"ej_fordelat.{view} of {what}", sign,
                         extra=("kommentar",), key=ekey)
        if not any(k in node.items for k in ("summa", "staber", "verksamheter")):
            raise self.error(knode, f"{what} has no amounts; add summa, staber or verksamheter")
        return Forvaltning(fid, namn, presentation, knode.line)

    def row(self, base: dict, body: Node, what: str, sign: int, extra: tuple[str, ...], key: Scalar | None = None) -> None:
        node = self.mapping(body, what, ("budget", "utfall", *extra))
        values: dict = {}
        for part in ("budget", "utfall"):
            values |= self.net_and_gross(node.items.get(part, (None, None))[1], part, f"{part} of {what}", sign)
        if values.get("utfall") is None and values.get("budget") is None:
            raise self.error(node, f"{what} has neither budget nor utfall; add one")
        kommentar = self.text(node.items["kommentar"][1], f"kommentar of {what}") if "kommentar" in node.items else None
        line = (key or node).line
        self.rows.append(base | values | {"ordning": len(self.rows), "kommentar": kommentar, "fil": self.fil, "rad": line})

    def net_and_gross(self, node: Node | None, part: str, what: str, sign: int) -> dict:
        if node is None:
            return {part: None, f"{part}_kostnader": None, f"{part}_intakter": None}
        if isinstance(node, Mapping):
            gross = self.mapping(node, what, ("kostnader", "intakter"), ("kostnader", "intakter"))
            k = self.amount(gross.items["kostnader"][1], f"kostnader in {what}")
            i = self.amount(gross.items["intakter"][1], f"intakter in {what}")
            return {part: k - i, f"{part}_kostnader": k, f"{part}_intakter": i}
        # a net amount is written as the förvaltning presents it (resultat = intäkter − kostnader)
        return {part: sign * self.amount(node, what), f"{part}_kostnader": None, f"{part}_intakter": None}
