"""Limits for deviations (`--fail-over`, `--require-comment-over`): an amount or a percent of budget."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from kfollow.errors import UsageError
from kfollow.options import ORE_PER_UNIT, half_away
from kfollow.report import PERCENT_PLACES
from kfollow.store import MAX_FILE_TOTAL
from kfollow.vocabulary import RowKind

_LIMIT = re.compile(r"\s*([0-9]{1,40}(?:[.,][0-9]{1,20})?)\s*(%|kr|tkr|mnkr)?\s*")
UNIT_ROWS = RowKind.where(lambda k: k.answerable)  # rows a controller answers for
COMMENTABLE_ROWS = [RowKind.rad.value, RowKind.forvaltning.value, RowKind.ej_fordelat.value]  # rows with a place for a kommentar


@dataclass(frozen=True, slots=True)
class Limit:
    """|avvikelse| beyond `ore` (an amount) or beyond `percent` of |budget|."""

    text: str  # as typed (`1%`, `500tkr`)
    ore: int | None = None
    percent: float | None = None
    said: str = ""  # as a Swedish sentence says it (`1 %`, `500 tkr`, `2,5 mnkr`)

    def exceeded(self) -> pl.Expr:
        """True where a row's deviation is strictly beyond the limit (a surplus or a deficit)."""
        if self.ore is not None:
            return pl.col("avvikelse").abs() > self.ore
        # a row budgeted at 0 (e.g. a resultat unit) with a deviation is beyond any percent
        return (pl.col("avvikelse_pct").abs() > self.percent) | (
            pl.col("avvikelse_pct").is_null() & (pl.col("avvikelse").fill_null(0) != 0))


@dataclass(frozen=True, slots=True)
class Limits:
    """Several limits that combine: a row counts only when it is beyond every one, so
    `--fail-over 5% --fail-over 200tkr` is "över 5 % och minst 200 tkr"."""

    parts: tuple[Limit, ...]

    @property
    def text(self) -> str:
        return " och ".join(p.text for p in self.parts)

    @property
    def said(self) -> str:
        return " och ".join(p.said for p in self.parts)

    def exceeded(self) -> pl.Expr:
        return pl.all_horizontal(p.exceeded().fill_null(False) for p in self.parts)


def places_beyond(value: float | None, limits, exact: int | None = None, places: int = 1, most: int = 4) -> int:
    """The fewest decimals (from `places`, at most `most`) at which a percent shown rounded is still
    beyond every one of `limits` (percents) in size: -1,02 % beyond 1 % reads `-1,02`, not `-1,0`,
    which would say that the limit was met. `exact` as for `percent`."""
    if exact is not None:
        value = Decimal(exact).scaleb(-PERCENT_PLACES)
    limits = [Decimal(repr(x)) for x in limits if x is not None]
    if value is None or not limits:
        return places
    value = value if isinstance(value, Decimal) else Decimal(repr(value))
    for n in range(places, most):
        if abs(half_away(value, n)) > max(limits):
            return n
    return most


def limit_percents(limit: Limit | Limits) -> list[float]:
    """The percents among a limit's parts (`--fail-over 5% --fail-over 200tkr`: [5.0])."""
    return [p.percent for p in (limit.parts if isinstance(limit, Limits) else (limit,)) if p.percent is not None]


def parse_limits(texts: list[str] | str, unit: str, option: str) -> Limits:
    """One or more limits (a repeated option) → Limits; UsageError for one that is not a limit."""
    return Limits(tuple(parse_limit(t, unit, option) for t in ([texts] if isinstance(texts, str) else texts)))


def parse_limit(text: str, unit: str, option: str) -> Limit:
    """`5` (in `unit`), `500tkr`, `2.5 mnkr` or `3%` → Limit; UsageError otherwise."""
    m = _LIMIT.fullmatch(text)
    if not m:
        raise UsageError(f"{option} {text!r} is not a limit; write an amount such as 5 (in {unit}), 500tkr, or a percent such as 3%")
    number = Decimal(m[1].replace(",", "."))
    whole, _, decimals = m[1].replace(",", ".").partition(".")
    said = f"{int(whole):,}".replace(",", "\u00a0") + (f",{decimals}" if decimals else "") + f" {m[2] or unit}"  # 500 000 kr
    if m[2] == "%":
        return Limit(text.strip(), percent=float(number), said=said)
    ore = number * ORE_PER_UNIT[m[2] or unit]
    if ore > MAX_FILE_TOTAL:
        raise UsageError(f"{option} {text!r} is beyond any amount kfollow holds; write a limit such as 500tkr or 3%")
    return Limit(text.strip(), ore=int(ore.to_integral_value()), said=said)


def rows_beyond(frame: pl.DataFrame, limit: Limit | Limits) -> pl.DataFrame:
    """The stab/verksamhet/förvaltning rows (or, in a cut by kostnadsslag or konto, the parts, named
    with their row, and the rows above them: in a cut of two keys the rows shown with their parts,
    so that `--by stab,kostnadsslag` flags every stab `--by stab` flags; in a cut of one the
    förvaltningar's subtotals) of a deviation report whose avvikelse is beyond `limit`."""
    from kfollow.engine.cuts import coded_verksamhet, named_parts

    kinds = UNIT_ROWS
    nested = "radtyp" in frame.columns and (frame["radtyp"] == "radsumma").any()
    if "verksamhet" in frame.columns and "radtyp" in frame.columns and not nested:
        # a verksamhet by its code, as the table names it (`920 - Gemensamma verksamheter`; found in review, h139)
        frame = frame.with_columns(namn=pl.when((pl.col("radtyp") == RowKind.rad.value) & coded_verksamhet()).then(
            pl.col("verksamhet") + pl.lit(" - ") + pl.col("namn")).otherwise(pl.col("namn")))
    if nested:
        frame = named_parts(frame)
        kinds = [*UNIT_ROWS, RowKind.radsumma.value]
        shown = frame.filter(pl.col("radtyp") == RowKind.radsumma.value)
        if "kostnadsslag" in shown.columns and shown["kostnadsslag"].is_not_null().any():  # kostnadsslag,konto:
            kinds.append(RowKind.delsumma.value)  # as --by kostnadsslag, its förvaltningar's subtotals
    elif "konto" in frame.columns or "kostnadsslag" in frame.columns:  # a part named with its förvaltning
        # (`SERV: Intäkter`), an account with its code; the förvaltning's subtotal counts too, as the
        # row above its parts does in a cut of two keys (and as `--by forvaltning` flags it)
        frame = named_parts(frame)
        # the rest without account (a budget change by decision) is no cost to explain, as in a cut of two
        # keys: the förvaltning's subtotal, which holds it, is what is flagged
        kinds = [*(k for k in UNIT_ROWS if k != RowKind.ej_fordelat.value), RowKind.delsumma.value]
        alone = frame.filter(pl.col("radtyp") != RowKind.summa.value)["forvaltning"].drop_nulls().unique()
        if alone.len() == 1:  # one förvaltning: its total is the Summa (no subtotal), named as a subtotal is
            kinds.append(RowKind.summa.value)
            frame = frame.with_columns(namn=pl.when(pl.col("radtyp") == RowKind.summa.value)
                                       .then(pl.lit(f"Summa {alone[0]}")).otherwise(pl.col("namn")))
    elif "radtyp" in frame.columns and "forvaltning" in frame.columns and \
            frame["forvaltning"].drop_nulls().n_unique() > 1:  # a view: each förvaltning's rest named with it
        # (`KSF Ej fördelat på stab`; two alike said nothing: found in review)
        frame = frame.with_columns(namn=pl.when(pl.col("radtyp") == RowKind.ej_fordelat.value)
                                   .then(pl.col("forvaltning") + pl.lit(" ") + pl.col("namn")).otherwise(pl.col("namn")))
    return frame.filter(pl.col("radtyp").is_in(kinds) & limit.exceeded().fill_null(False))
