"""`kfollow import sie|csv`: an ekonomisystem export → kfollow's fact table (a year file's utfall_fil)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from kfollow.errors import KfollowError, UsageError, shown

app = typer.Typer(
    help="Turn an ekonomisystem export (SIE 4 or CSV) into kfollow's fact table of utfall, by a mapping file.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


class From(str, Enum):
    trans = "trans"
    psaldo = "psaldo"


ExportArg = Annotated[Path, typer.Argument(help="The export to read.", show_default=False)]
MappingOpt = Annotated[Path, typer.Option(
    "--mapping", "-m", metavar="MAP.yaml", help="How accounts and objects become slag, förvaltning, stab and verksamhet.")]
OutputOpt = Annotated[Path, typer.Option(
    "--output", "-o", metavar="OUT.csv|OUT.parquet",
    help="The fact table to write (.csv or .parquet); replaced atomically, nothing is written on error.")]
BudgetsOpt = Annotated[Optional[Path], typer.Option(
    "--budgets", envvar="KFOLLOW_BUDGETS", help="The folder of year files whose ids the import must use. "
    "[default: the -o folder when it holds the year's file]")]
UnmappedOpt = Annotated[bool, typer.Option(
    "--unmapped-empty", help="Import objects the mapping lacks under an empty key (ej fördelat) instead of failing.")]


def sie(
    file: ExportArg,
    mapping: MappingOpt,
    output: OutputOpt,
    year: Annotated[Optional[str], typer.Option(
        "--year", "-y", metavar="INDEX|YYYY",
        help="The year: its #RAR index (0 the current, -1 the previous) or YYYY. [default: 0]")] = None,
    source: Annotated[From, typer.Option(
        "--from", help="trans: the vouchers' rows; psaldo: the period balances (#PSALDO), broken down by the "
        "object rows of the mapped dimensions.")] = From.trans,
    unmapped_empty: UnmappedOpt = False,
    budgets: BudgetsOpt = None,
):
    """Import a SIE 4 export: the year's #TRANS (or #PSALDO) rows, mapped and summed, checked against #PSALDO.

    The import's total per account and month must equal the file's #PSALDO where the file has it;
    a difference is listed and nothing is written (exit 3). The summary on stderr gives the
    totals of kostnader, intäkter and ignored accounts per month, to check against the ERP.

    \b
    Example:
      kfollow import sie export.se --mapping mappning.yaml --year 2024 -o utfall/2024.csv
    """
    from kfollow.sources import ledger
    from kfollow.sources.mapping import read_mapping
    from kfollow.sources.sie import read_sie

    _check_output(output, (file, mapping))
    rules = read_mapping(mapping)
    rules.require("sie")
    export = read_sie(file)
    for warning in export.warnings:
        _say(f"warning: {warning}")
    chosen = ledger.pick_year(export, year)
    rows = ledger.sie_ledger(export, chosen, source.value, rules)
    for note in rows.notes:
        _say(f"note: {note}")
    imported = ledger.apply_mapping(rows, rules, unmapped_empty)
    _check_ids(imported.facts, rules, output, budgets)
    check = ledger.psaldo_check(export, chosen, rules, imported.facts)
    reading = ""
    if source is From.psaldo:
        reading = (" (written as parts: all rows summed)" if ledger.psaldo_reading(export.psaldo) == "parts"
                   else " ({} totals, broken down by the rows of exactly the mapped dimensions)")
    origin = ", ".join(x for x in (export.program, f"#GEN {export.generated}" if export.generated else None,
                                   export.company) if x)
    _summary(file, output, imported, [
        ("export", f"SIE {export.sietyp}, {origin or 'no #PROGRAM or #GEN'}"),
        ("encoding", export.encoding),
        ("read", f"{chosen.describe()} from #{source.value.upper()}{reading}: {_count(imported.rows, 'row')} → "
                 f"{_count(imported.facts.height, 'fact row')}"),
        ("check", check.note + (": equal" if check.differences.is_empty() and check.note.startswith("checked") else "")),
    ])
    differences = check.differences
    if not differences.is_empty():
        for r in differences.iter_rows(named=True):
            _say(f"difference: konto {r['konto']} {r['period']}: imported {ledger.kr(r['importerat'])}, "
                 f"#PSALDO {ledger.kr(r['psaldo'])}")
        raise KfollowError(f"{export.path}: the import differs from the file's #PSALDO in {differences.height} "
                           f"account-month{'s' if differences.height != 1 else ''} (listed above); nothing written. "
                           "Check konton (an account mapped by mistake) and --year, or re-export the file")
    _write(imported.facts, output, {"export": file.name, "format": f"SIE {export.sietyp}", "program": export.program,
                                    "generated": export.generated, "encoding": export.encoding,
                                    "mapping": mapping.name})


def csv(
    file: ExportArg,
    mapping: MappingOpt,
    output: OutputOpt,
    year: Annotated[Optional[int], typer.Option(
        "--year", "-y", metavar="YYYY", help="Keep only the rows of this calendar year. [default: all rows]")] = None,
    unmapped_empty: UnmappedOpt = False,
    budgets: BudgetsOpt = None,
):
    """Import an ERP CSV export (separator ; or ,, decimal comma unless the mapping says decimal: ".").

    The mapping's kolumner: names the columns (konto, period, and belopp or debet + kredit); stab,
    verksamhet and förvaltning take kolumn: where a SIE mapping takes dimension:.

    \b
    Example:
      kfollow import csv huvudbok.csv --mapping mappning-csv.yaml -o utfall/2024.parquet
    """
    import polars as pl

    from kfollow.sources import ledger
    from kfollow.sources.erp_csv import read_erp_csv
    from kfollow.sources.mapping import read_mapping

    _check_output(output, (file, mapping))
    rules = read_mapping(mapping)
    rules.require("csv")
    export = read_erp_csv(file, rules)
    rows = export.ledger
    if year is not None:
        kept = rows.frame.filter(pl.col("period").str.starts_with(f"{year:04d}-"))
        if kept.is_empty():
            present = sorted({p[:4] for p in rows.frame["period"].unique().to_list()})
            raise UsageError(f"{shown(str(file))} has no rows in {year}; its years: {', '.join(present) or 'none'}")
        rows = ledger.Ledger(rows.name, kept, rows.line)
    imported = ledger.apply_mapping(rows, rules, unmapped_empty)
    _check_ids(imported.facts, rules, output, budgets)
    _summary(file, output, imported, [
        ("export", f"CSV, {export.separator} separated"),
        ("encoding", export.encoding),
        ("read", f"{'all rows' if year is None else year}: {_count(imported.rows, 'row')} → "
                 f"{_count(imported.facts.height, 'fact row')}"),
    ])
    _write(imported.facts, output, {"export": file.name, "format": "CSV", "program": None, "generated": None,
                                    "encoding": export.encoding, "mapping": mapping.name})


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


def _say(line: str) -> None:
    typer.echo(shown(line), err=True)


def _check_output(output: Path, inputs: tuple[Path, ...]) -> None:
    """-o must be .csv or .parquet and must not be a file the command reads."""
    from kfollow.render.writer import resolved

    target = resolved(output)
    for path in inputs:
        if target == resolved(path):
            raise UsageError(f"-o {shown(str(output))} is {shown(str(path))}, a file this command reads; "
                             "write the fact table to another file")
    if output.suffix.lower() not in (".csv", ".parquet"):
        raise UsageError(f"-o {shown(str(output))}: the fact table is written as .csv or .parquet; name the file so")


def _summary(file: Path, output: Path, imported, facts: list[tuple[str, str]]) -> None:
    """The closing lines on stderr: where the export comes from, what was read, and the control totals."""
    from kfollow.sources.ledger import kr

    for line in imported.unmapped:
        _say(f"note: --unmapped-empty: {line}")
    bare, amount = imported.without_key
    if bare:
        _say(f"note: {_count(bare, 'fact row')} ({kr(amount)}) {'has' if bare == 1 else 'have'} neither stab nor verksamhet: "
             "they count as ej fördelat in both views, or on the summa of a förvaltning written without staber and "
             "verksamheter")
    totals = imported.totals
    periods = totals["period"].to_list()
    span = "none" if not periods else periods[0] if len(periods) == 1 else f"{periods[0]} – {periods[-1]}"
    _say(f"import {file.name} → {output.name}")
    for label, text in facts + [("periods", f"{span} ({_count(len(periods), 'month')})")]:
        _say(f"  {label + ':':<10}{text}")
    rows = [(p, kr(k), kr(i), kr(g)) for p, k, i, g in totals.iter_rows()]
    rows.append(("total", *(kr(totals[c].sum()) for c in ("kostnader", "intakter", "ignorerat"))))
    header = ("period", "kostnader", "intäkter", "ignorerat")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for r in [header, *rows]:
        _say("  " + r[0].ljust(widths[0]) + "".join("  " + r[i].rjust(widths[i]) for i in range(1, 4)))


def _check_ids(facts, rules, output: Path, budgets: Path | None) -> None:
    """The ids of the import against the year file of its year: from --budgets, else the one beside
    -o (where a year file names its utfall_fil); a note when there is none to check against."""
    from kfollow.sources import ledger
    from kfollow.sources.year_file import load_year_file

    periods = facts["period"].drop_nulls()
    if periods.is_empty():
        return
    year = periods.min()[:4]
    folder = budgets if budgets is not None else output.parent
    path = next((folder / f"{year}.{ext}" for ext in ("yaml", "yml") if (folder / f"{year}.{ext}").is_file()), None)
    if path is None:
        _say(f"note: ids not checked against a year file: there is no {year}.yaml in {folder} (--budgets names the folder)")
        return
    info = load_year_file(path, outcome=False)
    staber = {fid: set(info.amounts.filter((info.amounts["forvaltning"] == fid) & (info.amounts["vy"] == "stab"))
                       ["nyckel"].to_list()) for fid in info.info.forvaltningar}
    ledger.check_ids(facts, rules, str(path), staber, set(info.info.verksamheter))


def _write(facts, output: Path, origin: dict) -> None:
    """The fact table, and beside it `OUT.kalla.json`: which export it came from (the report's footer)."""
    import json

    from kfollow.render.writer import write
    from kfollow.sources.ledger import facts_csv, facts_parquet
    from kfollow.sources.outcome import origin_path

    if output.suffix.lower() == ".parquet":
        write(facts_parquet(facts), output)
    else:
        write(facts_csv(facts), output)
    write(json.dumps(origin, ensure_ascii=False, indent=1) + "\n", origin_path(output))
    _say(f"wrote {output} ({_count(facts.height, 'row')})")


app.command("sie")(sie)
app.command("csv")(csv)
