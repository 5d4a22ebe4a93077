"""Outcome from fact tables (`utfall_fil:` in a year file) into the year's amount and month rows.

The stab view and the verksamhet view are two sums of the same facts, so they reconcile by
construction; a fact without a stab counts in the verksamhet view and under "Ej fördelat på
stab", and the other way round. A table is booked up to the latest month any of its rows has; a
row without postings in a month has 0 that month. A förvaltning takes its utfall from YAML or
from tables, never both.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kfollow.errors import DataError
from kfollow.sources.facts import Known, booked_through, check_overlap, read_facts, views
from kfollow.store import AMOUNT_SCHEMA, MONTH_SCHEMA, ORIGIN_SUFFIX, YearInfo

UTFALL = ["utfall", "utfall_kostnader", "utfall_intakter"]
VIEWS = ("stab", "verksamhet")


def origin_path(table: Path | str) -> Path:
    """Where `kfollow import` notes the export a table came from: `utfall-2024.csv.kalla.json`."""
    return Path(f"{table}{ORIGIN_SUFFIX}")


def origin_of(table: Path | str) -> str | None:
    """`exempelby.se (SIE 4, Exempelby Ekonomi 7.2, #GEN 2024-11-05)` from a table's note, if any."""
    import json

    from kfollow.sources.files import read_bytes

    path = origin_path(table)
    if not path.exists():
        return None
    try:
        note = json.loads(read_bytes(path, 64 * 1024, "export note").decode("utf-8"))
        parts = [note.get("format"), note.get("program"), f"#GEN {note['generated']}" if note.get("generated") else None,
                 f"mappning {note['mapping']}" if note.get("mapping") else None]
        return f"{note['export']} ({', '.join(p for p in parts if p)})"
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # a note is a courtesy: a broken one is left out of the footer


def read_tables(paths: list[tuple[str, int, int]], year_file: str, known: Known) -> list[tuple[str, pl.DataFrame]]:
    """Each table named under `utfall_fil` (path relative to the year file, line, column), read and
    checked; the same förvaltning and month in two tables is an error naming both."""
    tables = []
    base = Path(year_file).parent
    for text, line, column in paths:
        path = base / text
        if not path.exists():
            raise DataError(year_file, line, column, f"utfall_fil '{text}' does not exist (looked for {path}); "
                                                     "give a path relative to the year file")
        tables.append((str(path), read_facts(path, known)))
    check_overlap(tables)
    return tables


def merge(info: YearInfo, amounts: pl.DataFrame, months: pl.DataFrame,
          tables: list[tuple[str, pl.DataFrame]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The year's amount rows with utfall from the tables, and their month rows (both schemas of
    the store). Rows of a förvaltning the tables cover get utfall 0 in the months they lack."""
    # a table is booked up to its latest month; a förvaltning split over tables (by months) up to the
    # latest of them
    booked: dict[str, int] = {}
    for name, facts in tables:
        last = booked_through(facts)
        for fid in facts["forvaltning"].unique().to_list() if last is not None else []:
            booked[fid] = max(booked.get(fid, 0), last)
    if not booked:
        return amounts, months
    from_yaml = amounts.filter(pl.col("utfall").is_not_null() & pl.col("forvaltning").is_in(list(booked)))
    if from_yaml.height:
        r = from_yaml.row(0, named=True)
        table = next(n for n, f in tables if r["forvaltning"] in f["forvaltning"].unique().to_list())
        raise DataError(r["fil"], r["rad"], None, f"förvaltning {r['forvaltning']} has utfall here and in {table}; "
                                                  "take its utfall from the table or from the year file, not both")
    ar = info.ar
    # both views of all the facts at once: one row per key and month (months without postings are
    # filled below, per förvaltning up to its own booked month)
    v = views(pl.concat([f for _, f in tables]), last_month=0).with_columns(
        nyckel=pl.when(pl.col("vy").str.starts_with("ej_fordelat"))
        .then(pl.lit("ej fördelat (") + pl.col("forvaltning") + pl.lit(")"))
        .otherwise(pl.col("nyckel")))
    month_rows, new_rows = [v], [v.select("forvaltning", "vy", "nyckel").unique()]
    facts_months = pl.concat(month_rows).with_columns(ar=pl.lit(ar, pl.Int32))
    # a förvaltning written with its summa only (no staber, no verksamheter) books its utfall there
    viewless = set(booked) - set(amounts.filter(pl.col("vy") != "summa")["forvaltning"].unique().to_list())
    if viewless:
        summa = (facts_months.filter(pl.col("forvaltning").is_in(list(viewless)) & (pl.col("vy") == "ej_fordelat_stab"))
                 .with_columns(vy=pl.lit("summa"), nyckel=pl.col("forvaltning")))
        facts_months = pl.concat([facts_months, summa])
        new_rows.append(summa.select("forvaltning", "vy", "nyckel").unique())
    keys = pl.concat(new_rows).unique()

    # rows the facts have and the file lacks: ej fördelat, or a verksamhet of the catalogue the
    # förvaltning did not list; only in a view the förvaltning is written in
    has_view = amounts.select("forvaltning", pl.col("vy").str.replace("ej_fordelat_", "").alias("view")).unique()
    missing = (
        keys.join(amounts.select("forvaltning", "vy", "nyckel"), on=["forvaltning", "vy", "nyckel"], how="anti")
        .with_columns(view=pl.col("vy").str.replace("ej_fordelat_", ""))
        .join(has_view, on=["forvaltning", "view"], how="semi")
        .sort("forvaltning", "vy", "nyckel")
    )
    view_budget = amounts.group_by("forvaltning", "vy").agg(pl.col("budget").is_not_null().any().alias("_has"))
    added = (
        missing.join(view_budget.with_columns(vy=pl.col("vy")), left_on=["forvaltning", "view"],
                     right_on=["forvaltning", "vy"], how="left")
        .select(
            ar=pl.lit(ar, pl.Int32), forvaltning="forvaltning", vy="vy", nyckel="nyckel",
            namn=pl.when(pl.col("vy").str.starts_with("ej_fordelat"))
            .then(pl.lit("Ej fördelat på ") + pl.col("view"))
            .otherwise(pl.col("nyckel").replace_strict(info.verksamheter, default=pl.col("nyckel"), return_dtype=pl.String)),
            # a view with budgets gets 0 here, so its budget still adds up
            budget=pl.when(pl.col("_has").fill_null(False)).then(pl.lit(0, pl.Int64)),
            fil=pl.lit(info.fil), rad=pl.lit(None, pl.Int32),
        )
        .with_columns(ordning=pl.int_range(pl.len()).cast(pl.Int32) + (amounts["ordning"].max() or 0) + 1)
    )
    amounts = pl.concat([amounts, added], how="diagonal_relaxed").select(
        pl.col(c).cast(t) for c, t in AMOUNT_SCHEMA.items())

    # every row of a covered förvaltning (but a summa beside its views) gets a month row for each booked month
    covered_rows = amounts.filter(pl.col("forvaltning").is_in(list(booked))
                                  & ((pl.col("vy") != "summa") | pl.col("forvaltning").is_in(list(viewless))))
    last = pl.DataFrame({"forvaltning": list(booked), "_last": list(booked.values())},
                        schema={"forvaltning": pl.String, "_last": pl.Int8})
    grid = (covered_rows.select("ar", "forvaltning", "vy", "nyckel").join(last, on="forvaltning")
            .join(pl.DataFrame({"manad": list(range(1, 13))}, schema={"manad": pl.Int8}), how="cross")
            .filter(pl.col("manad") <= pl.col("_last")).drop("_last"))
    filled = (grid.join(facts_months.select("forvaltning", "vy", "nyckel", "manad", *UTFALL),
                        on=["forvaltning", "vy", "nyckel", "manad"], how="left")
              .with_columns(pl.col(c).fill_null(0) for c in UTFALL))
    months = pl.concat([months, filled.select(pl.col(c).cast(t) for c, t in MONTH_SCHEMA.items())])
    totals = filled.group_by("forvaltning", "vy", "nyckel").agg(pl.col(c).sum().alias(f"_{c}") for c in UTFALL)
    amounts = (
        amounts.join(totals, on=["forvaltning", "vy", "nyckel"], how="left")
        .join(last, on="forvaltning", how="left")
        .with_columns(
            *(pl.when(pl.col("_utfall").is_not_null()).then(pl.col(f"_{c}")).otherwise(pl.col(c)).alias(c) for c in UTFALL),
            manader=pl.when(pl.col("_utfall").is_not_null()).then(pl.col("_last")).otherwise(pl.col("manader")),
        )
        .select(pl.col(c).cast(t) for c, t in AMOUNT_SCHEMA.items())
    )
    return amounts, months
