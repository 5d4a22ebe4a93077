"""A report frame → a `Report`: the row label people read, which keys are for machines only, and
the notes the figures need. Domain wording lives here, not in the renderers."""

from __future__ import annotations

import polars as pl

from kfollow.engine import expressions as ex
from kfollow.report import Report, build

# columns of a report of named rows that only machines need: people read the one label instead
MACHINE_ONLY = ("radtyp", "redovisas_som", "forvaltning", "stab", "verksamhet", "projekt", "namn")
MIXED_TOTAL = ("Summa nettokostnad räknar även förvaltningar som redovisas som resultat (intäkter − kostnader) "
               "som nettokostnad, alltså med omvänt tecken.")


def as_report(frame: pl.DataFrame, **meta) -> Report:
    """A `Report` of a report frame; a frame of named rows gets a `rubrik` label column."""
    notes = tuple(meta.pop("notes", ()))
    if "redovisas_som" in frame.columns:
        kinds = set(frame.filter(pl.col("radtyp") != "summa")["redovisas_som"].drop_nulls().unique().to_list())
        if kinds == {"nettokostnad", "resultat"}:
            notes += (MIXED_TOTAL,)
    if "namn" not in frame.columns:
        return build(frame, hidden=("radtyp",), notes=notes, **meta)
    key = next((k for k in ("stab", "verksamhet", "projekt", "forvaltning", "rad") if k in frame.columns), "namn")
    return build(frame.with_columns(ex.rubrik(frame.columns)), label=key, hidden=MACHINE_ONLY, notes=notes, **meta)
