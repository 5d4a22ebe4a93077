"""A finding of `check`: code, level, place and the amounts it is about, as data.

The message is a template; renderers fill in the amounts in the unit they show (see `finding`).
"""

from __future__ import annotations

import polars as pl

FINDING_SCHEMA = {"fil": pl.String, "rad": pl.Int32, "kolumn": pl.Int32, "niva": pl.String, "kod": pl.String,
                  "meddelande": pl.String, "belopp_lista": pl.List(pl.Int64), "enhet": pl.String, "pct": pl.Float64}


def finding(kod: str, niva: str, fil: str, rad: int | None, meddelande: str, *belopp: int | None,
            kolumn: int | None = None, enhet: str = "kr", pct: float | None = None) -> dict:
    """A finding as data: `meddelande` is a template, one Swedish sentence, whose `{0:d}`, `{1:d}` … are
    the amounts `belopp` (öre; `d`: exact in `enhet`, the file's unit, and rounded in mnkr, tkr below
    1 mnkr, kr below 1 tkr; `u`: as the tables print it in the report's unit, tkr below 1 mnkr) and
    `{pct}` the percent; renderers fill it in."""
    return {"kod": kod, "fil": fil, "rad": rad, "kolumn": kolumn, "niva": niva, "meddelande": meddelande,
            "belopp_lista": list(belopp), "enhet": enhet, "pct": pct}


def literal(text: str) -> str:
    """Text that goes into a message template as it is (its braces are not placeholders)."""
    return text.replace("{", "{{").replace("}", "}}")
