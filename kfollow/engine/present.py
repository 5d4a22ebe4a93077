"""A report frame → a `Report`: the row label people read, which keys are for machines only, and
the notes the figures need. Domain wording lives here, not in the renderers."""

from __future__ import annotations

import re

import polars as pl

from kfollow.engine import expressions as ex
from kfollow.report import EXACT, ColumnNote, Report, TableNote, build

# columns of a report of named rows that only machines need: people read the one label instead
MACHINE_ONLY = ("radtyp", "redovisas_som", "forvaltning", "stab", "verksamhet", "projekt", "kostnadsslag", "konto", "namn",
                "stab_namn", "verksamhet_namn", "forvaltning_namn", "kostnadsslag_namn")
GROSS = ("budget_kostnader", "budget_intakter", "utfall_kostnader", "utfall_intakter")
# (the wording said `som` three times, "räknar även förvaltningar som redovisas som resultat … som nettokostnad": found
# in a kommunekonom's reading)
MIXED_TOTAL = ("I Summa nettokostnad ingår förvaltningar som redovisas som resultat (intäkter − kostnader) med "
               "omvänt tecken, som nettokostnad.")
COSTS_NEGATIVE_TOTAL = "Summa intäkter − kostnader"  # the Summa's label with costs negative (not a nettokostnad)
# with costs negative every row is intäkter − kostnader, a resultat as it is and a nettokostnad turned: the Summa adds them as shown
MIXED_TOTAL_COSTS_NEGATIVE = ("Med kostnader negativa (--costs-negative) visas alla rader och summan som intäkter − "
                              "kostnader, också förvaltningar som redovisas som resultat: summan är radernas summa.")


def optional_columns(frame: pl.DataFrame) -> tuple[str, ...]:
    """Columns a report carries but shows only when asked for (--columns): the gross parts of a
    row's figures and the previous year's deviation."""
    return tuple(c for c in frame.columns if c in GROSS or re.fullmatch(r"avvikelse_\d{4}", c))


def as_report(frame: pl.DataFrame, headers: dict[str, str] | None = None, store=None,
              machine_only: tuple[str, ...] = (), label: str | None = None, costs_negative: bool = False,
              total: str | None = None, **meta) -> Report:
    """A `Report` of a report frame; a frame of named rows gets a `rubrik` label column.
    `headers`: the year file's `rubriker`, headers for people by machine name; `store`: where the
    figures come from (the report's sources); `machine_only`: columns people need not see here;
    `label`: the key whose header heads the row label (default: the rows' own key); `costs_negative`: the
    frame's figures are turned so (`costs_negative`), which a Summa of mixed presentations is noted for;
    `total`: the label people read on the Summa row, where it is no `Summa nettokostnad` (a filtered table's)."""
    notes = tuple(meta.pop("notes", ()))
    if costs_negative and total is None and {"redovisas_som", "radtyp"} <= set(frame.columns) and not frame.filter(
            (pl.col("radtyp") == "summa") & (pl.col("redovisas_som") == "nettokostnad")).is_empty():
        # with costs negative the Summa is intäkter − kostnader: a nettokostnad is positive by definition, so
        # "Summa nettokostnad -654,0" said the other (found by a year-end user)
        total = COSTS_NEGATIVE_TOTAL
    meta |= {"optional": optional_columns(frame), "headers": headers}
    if store is not None:
        meta["sources"] = tuple(store.sources)
    if {"redovisas_som", "radtyp"} <= set(frame.columns) and (frame["radtyp"] == "summa").any():  # a note on the Summa row shown
        kinds = set(frame.filter(pl.col("radtyp") != "summa")["redovisas_som"].drop_nulls().unique().to_list())
        if kinds == {"nettokostnad", "resultat"}:
            mixed = MIXED_TOTAL_COSTS_NEGATIVE if costs_negative else MIXED_TOTAL
            notes += (TableNote(mixed.replace("Summa nettokostnad", total) if total else mixed),)
    if "namn" not in frame.columns:
        return _undefined_percents(build(frame, hidden=("radtyp", *machine_only), notes=notes, **meta))
    keys = [k for k in ("stab", "verksamhet", "projekt", "kostnadsslag", "konto", "forvaltning", "rad") if k in frame.columns]
    shown = frame.filter(pl.col("radtyp") == "radsumma") if "radtyp" in frame.columns else frame.clear()
    if shown.height:  # rows with their parts below: the label's header is the rows' key, not the parts'
        keys = [k for k in keys if shown[k].null_count() < shown.height]
    key = label or next(iter(keys), "namn")  # `label`: the key whose header the row label takes
    labelled = frame if "rubrik" in frame.columns else frame.with_columns(ex.rubrik(frame.columns))  # (--top: its own)
    if total is not None and "radtyp" in labelled.columns:  # (a total of resultat units alone says so)
        resultat = "redovisas_som" in labelled.columns and not labelled.filter(
            (pl.col("radtyp") == "summa") & (pl.col("redovisas_som") == "resultat")).is_empty()
        total = total.replace("Summa ", "Summa resultat, ", 1) if resultat else total
        labelled = labelled.with_columns(rubrik=pl.when(pl.col("radtyp") == "summa").then(pl.lit(total))
                                         .otherwise(pl.col("rubrik")))
    return _undefined_percents(build(labelled, label=key, hidden=(*MACHINE_ONLY, *machine_only),
                                     notes=notes, **meta))


# a percent shown as – where its base makes it undefined (domain: a change against a base ≤ 0), and why;
# (a deviation of a budget of 0 says why itself: the budget column shows the 0)
_UNDEFINED = (
    ("forandring_pct", pl.col("forandring").is_not_null(),
     "{} är – där jämförelseårets belopp, som nettokostnad eller som resultat där förvaltningen redovisar "
     "så, är 0 eller negativt (intäkter i nettokostnad; kostnader och ett underskott i resultat): en förändring "
     "i procent av en sådan bas är inte definierad."),
)


def _undefined_percents(report: Report) -> Report:
    """The report with a note for each percent column people see that is – on a row whose figures
    are there (a change against a base of 0 or below)."""
    from dataclasses import replace

    frame, shown = report.frame, {c.name: c.header for c in report.columns if c.people and not c.optional}
    notes = []
    for name, known, text in _UNDEFINED:
        if name in shown and not frame.is_empty() and set(known.meta.root_names()) <= set(frame.columns) \
                and frame.select((pl.col(name).is_null() & known).any()).item():
            notes.append(ColumnNote(text.format(shown[name]), name))
    return replace(report, notes=(*report.notes, *notes)) if notes else report


def costs_negative(frame: pl.DataFrame, resultat: bool = False) -> pl.DataFrame:
    """Net costs and costs negative, income positive, as some kommuner publish: budget, utfall,
    prognos, the previous years' utfall and the `*_kostnader` columns change sign on rows shown as
    nettokostnad (a `varav intäkter` line is income and keeps its sign). Deviations keep theirs
    (surplus positive); rows shown as resultat keep their net figures (intäkter − kostnader already),
    but their costs (a `varav kostnader` line, the `*_kostnader` columns) are negative too, so that a
    column of costs adds up. Without a `redovisas_som` column the frame is one selection's total:
    `resultat` says how it is shown."""
    cost_like = [c for c in frame.columns if frame.schema[c] == pl.Int64 and (
        c in ("budget", "utfall", "prognos", "budget_helar", "jmf_prognos", "budget_ack", "utfall_ack", "forandring")
        or c.endswith("_kostnader") or re.fullmatch(r"utfall_\d{4}", c))]
    if "redovisas_som" in frame.columns:
        costly = pl.col("redovisas_som") != "resultat"
        if "radtyp" in frame.columns:
            costly = (costly & (pl.col("radtyp") != "intakter")) | (pl.col("radtyp") == "kostnader")
    else:
        costly = pl.lit(not resultat)
    # a change in percent of the base follows its change's sign (−1 000 → −900 is +100 and +10 %), as
    # the base's magnitude is what it is a percent of
    changes = [c for c in ("forandring_pct", "forandring_pct" + EXACT) if c in frame.columns and "forandring" in cost_like]
    return frame.with_columns(  # a cost column is a cost on every row
        (-pl.col(c) if c.endswith("_kostnader") else pl.when(costly).then(pl.col(c) * -1).otherwise(pl.col(c))).alias(c)
        for c in cost_like + changes)
