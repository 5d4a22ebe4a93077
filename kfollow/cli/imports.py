"""`kfollow import sie|csv`: an ekonomisystem export → kfollow's fact tables (a year file's utfall_fil and
budget_fil). The work is `kfollow.importing`'s; this module parses options, prints the summary and writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from kfollow.cli.common import quiet, say
from kfollow.errors import DataError, UsageError, shown

app = typer.Typer(
    help="Turn an ekonomisystem export (SIE 4 or CSV) into kfollow's fact tables of utfall and budget, by a mapping "
    "file.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


class From(str, Enum):
    trans = "trans"
    psaldo = "psaldo"


ExportArg = Annotated[Path, typer.Argument(metavar="EXPORT", help="The export to read.", show_default=False, readable=False)]
MappingOpt = Annotated[Path, typer.Option(
    "--mapping", "-m", metavar="MAP.yaml", help="How accounts and objects become slag, förvaltning, stab and verksamhet.", readable=False)]
OutputOpt = Annotated[Optional[Path], typer.Option(
    "--output", "-o", metavar="OUT.csv|OUT.parquet",
    help="The fact table of utfall to write (.csv or .parquet); replaced atomically, nothing is written on error.", readable=False)]
BudgetOutOpt = Annotated[Optional[Path], typer.Option(
    "--budget-out", metavar="BUDGET.csv|BUDGET.parquet",
    help="The fact table of budget to write (the same columns; period YYYY-MM, or YYYY for a year's budget).", readable=False)]
BudgetsOpt = Annotated[Optional[Path], typer.Option(
    "--budgets", envvar="KFOLLOW_BUDGETS", help="The folder of year files whose ids the import must use. "
    "[default: the folder of -o (else --budget-out) when it holds the year's file]", readable=False)]
UnmappedOpt = Annotated[bool, typer.Option(
    "--unmapped-empty", help="Import objects the mapping lacks under an empty key (ej fördelat) instead of failing.")]
FewerMonthsOpt = Annotated[bool, typer.Option(
    "--accept-fewer-months", help="Write the utfall table over one that holds months it lacks (a month imported into "
    "the year by mistake), with a warning, instead of refusing it (an older export, imported after a newer one).")]
ForceUnnamedOpt = Annotated[bool, typer.Option(
    "--force-unnamed", help="Write a table that the year file of its year (beside it, or in --budgets) does not name "
    "under utfall_fil or budget_fil, with a warning, instead of refusing it.")]


def sie(
    file: ExportArg,
    mapping: MappingOpt,
    output: OutputOpt = None,
    budget_out: BudgetOutOpt = None,
    year: Annotated[Optional[str], typer.Option(
        "--year", "-y", metavar="INDEX|YYYY",
        help="The year: its #RAR index (0 the current, -1 the previous) or YYYY. [default: 0]")] = None,
    source: Annotated[From, typer.Option(
        "--from", help="trans: the vouchers' rows; psaldo: the period balances (#PSALDO), broken down by the "
        "object rows of the mapped dimensions.")] = From.trans,
    unmapped_empty: UnmappedOpt = False,
    budgets: BudgetsOpt = None,
    force_unnamed: ForceUnnamedOpt = False,
    fewer_months: FewerMonthsOpt = False,
    accept_differences: Annotated[bool, typer.Option(
        "--accept-psaldo-differences",
        help="Write the tables although the import differs from the file's #PSALDO (an export whose #PSALDO is "
        "incomplete), with a warning; the note beside the table records it.")] = False,
):
    """Import a SIE 4 export: the year's #TRANS (or #PSALDO) rows, mapped and summed, checked against #PSALDO;
    with --budget-out also its budget (#PBUDGET).

    The import's total per account and month must equal the file's #PSALDO where the file has it;
    a difference is listed and nothing is written (exit 3). #PBUDGET is read as #PSALDO is: the {}
    row is an account's total, object rows break it down. The summary on stderr gives the totals
    of kostnader, intäkter and ignored accounts per month, to check against the ERP.

    \b
    Example:
      kfollow import sie export.se --mapping mappning.yaml --year 2024 -o utfall-2024.csv --budget-out budget-2024.csv
    """
    outputs = _check_outputs(output, budget_out, (file, mapping))
    with _locked(outputs):
        _sie(file, mapping, outputs, year, source, unmapped_empty, budgets, force_unnamed, accept_differences,
             fewer_months)


def _sie(file, mapping, outputs, year, source, unmapped_empty, budgets, force_unnamed, accept_differences,
         fewer_months: bool = False) -> None:
    from kfollow.importing import import_sie

    output, budget_out = outputs.get("utfall"), outputs.get("budget")
    result = import_sie(file, mapping, year, source=source.value, utfall=output is not None,
                        budget=budget_out is not None, unmapped_empty=unmapped_empty,
                        budgets=_folder(budgets, output, budget_out), command=True)
    for line in result.destinations(outputs, budgets, force_unnamed):
        _say(line)
    _show(file, result, outputs)
    for line in result.differences():
        _say(line)
    if accept_differences and result.check is not None and not result.check.differences.is_empty():
        n = result.check.differences.height
        _say(f"warning: {file}: written although the import differs from the file's #PSALDO in {n} account-month"
             f"{'s' if n != 1 else ''} (listed above; --accept-psaldo-differences); the note beside the table says so")
        result = result.accepting_differences()
    result.verify()
    for line in _revisions(result, outputs, fewer_months):
        _say(line)
    _write(result, outputs, (file, mapping))


def _revisions(result, outputs: dict[str, Path], fewer_months: bool = False) -> list[str]:
    """Warnings where a table written over held other sums for months it had: a budget revised in the
    ekonomisystem (the table's budget changes with no decision in the year file, and a report of an earlier
    month re-run shows the new one), a month of utfall already closed that changed (late bookings, or a mapping
    changed), or months the new table no longer has. Compared per period, förvaltning, stab, verksamhet and slag,
    so that money moved between staber is seen too (found in review). Found by a new user: a #PBUDGET cut of
    400 000 kr for November and December changed October's Budget helår, unsaid. A table that cannot be read as
    a fact table is no comparison: its writing over is said as such."""
    import polars as pl

    from kfollow.sources.facts import REVISION_KEYS, period_sums
    from kfollow.sources.ledger import kr

    out = []
    for kind, table in result.tables().items():
        path = outputs[kind]
        if not path.is_file():
            continue
        before = period_sums(path)
        if before is None:
            out.append(f"note: {path} does not read as a fact table: it is written over without a comparison")
            continue
        now = period_sums(table.facts)
        # (ids read as kfollow reads them: spaces around an id are not a change; found in review)
        before = before.with_columns(pl.col(c).str.strip_chars() for c in REVISION_KEYS[1:])
        now = now.with_columns(pl.col(c).str.strip_chars() for c in REVISION_KEYS[1:])
        # a budget for the year (YYYY) replaced by months, or the other way: compared as the year's totals
        if {p for p in before["period"].to_list() if len(p) == 4} ^ {p for p in now["period"].to_list() if len(p) == 4}:
            before, now = (f.with_columns(pl.col("period").str.slice(0, 4)).group_by(REVISION_KEYS)
                           .agg(pl.col("belopp").sum()) for f in (before, now))
        had, has = set(before["period"].to_list()), set(now["period"].to_list())
        dropped = sorted(had - has)
        last = max((p for p in had if len(p) == 7), default=None)
        joined = (before.join(now, on=REVISION_KEYS, how="full", coalesce=True, nulls_equal=True, suffix="_ny")
                  .with_columns(pl.col("belopp", "belopp_ny").fill_null(0))
                  .filter((pl.col("belopp") != pl.col("belopp_ny")) & pl.col("period").is_in(sorted(had & has))))
        if kind == "utfall":  # a month the new table adds is no revision; its last month may be being booked still
            joined = joined.filter(pl.col("period") < (last or ""))
        changed = sorted(set(joined["period"].to_list()))
        what = "budget" if kind == "budget" else "utfall"
        held = f"({_count(before.filter(pl.col('period').is_in(dropped)).height, 'sum')} per förvaltning, stab, " \
               "verksamhet and slag)"
        if dropped and kind == "utfall" and not fewer_months:
            # an older export imported after a newer one: its table replaced November's with October's, warned of, and
            # the close stopped only after (found by a new user, h164)
            raise DataError(str(path), None, None, f"the new utfall table lacks {_months(dropped)}, which the table it "
                                                   f"replaces holds {held}: is the export older than the table? Nothing "
                                                   f"was written; import the export that holds {_months(dropped)}, "
                                                   "write this table elsewhere (-o), or give --accept-fewer-months to "
                                                   "replace it anyway")
        if dropped:
            out.append(f"warning: {path}: the new {what} table lacks {_months(dropped)}, which the table it replaces "
                       f"held {held}: import them again with it, or write this table elsewhere")
        if not changed:
            continue
        net = int(joined["belopp_ny"].sum()) - int(joined["belopp"].sum())
        sums = f"{joined.height} sum{'s' if joined.height != 1 else ''} per förvaltning, stab, verksamhet and slag"
        if kind == "budget":
            out.append(f"warning: {path}: the budget of {_months(changed)} differs from the table it replaces ({sums}, "
                       f"net {kr(net)}): a budget revised in the ekonomisystem changes the budget of every report, "
                       "an earlier month's too; a budget change decided during the year belongs in the year file's "
                       "ombudgeteringar")
        else:
            out.append(f"warning: {path}: the utfall of {_months(changed)}, before the table's last month, differs "
                       f"from the table it replaces ({sums}, net {kr(net)}): a month already closed changed (late "
                       "bookings, or a changed mapping?)")
    return out


def _months(periods: list[str]) -> str:
    """Periods for a message: three or more consecutive months as `2024-01 – 2024-10`, else the first six listed
    (months with gaps between them were written as one run; found in review)."""
    def index(p: str) -> int:
        return int(p[:4]) * 12 + int(p[5:7])

    monthly = all(len(p) == 7 for p in periods)
    if len(periods) > 2 and monthly and index(periods[-1]) - index(periods[0]) == len(periods) - 1:
        return f"{periods[0]} – {periods[-1]}"
    return ", ".join(periods[:6]) + (", …" if len(periods) > 6 else "")


def csv(
    file: ExportArg,
    mapping: MappingOpt,
    output: OutputOpt = None,
    budget_out: BudgetOutOpt = None,
    year: Annotated[Optional[int], typer.Option(
        "--year", "-y", metavar="YYYY", help="Keep only the rows of this calendar year. [default: all rows]")] = None,
    unmapped_empty: UnmappedOpt = False,
    budgets: BudgetsOpt = None,
    force_unnamed: ForceUnnamedOpt = False,
    fewer_months: FewerMonthsOpt = False,
):
    """Import an ERP CSV export (separator ; or ,, decimal comma unless the mapping says decimal: "."):
    booked rows with -o, or a budget with --budget-out (its periods months or whole years, YYYY).

    The mapping's kolumner: names the columns (konto, period, and belopp or debet + kredit, or all three:
    the export's header decides, so one mapping serves the huvudbok and the budget export); stab,
    verksamhet and förvaltning take kolumn: where a SIE mapping takes dimension:.

    \b
    Examples:
      kfollow import csv huvudbok.csv --mapping mappning-csv.yaml -o utfall-2024.parquet
      kfollow import csv budget.csv --mapping mappning-csv.yaml --budget-out budget-2024.csv
    """
    from kfollow.importing import import_csv

    if output is not None and budget_out is not None:
        raise UsageError("a CSV export is either booked rows (-o) or a budget (--budget-out), not both; "
                         "import each export by itself")
    outputs = _check_outputs(output, budget_out, (file, mapping), both=False)
    with _locked(outputs):
        result = import_csv(file, mapping, year, budget=budget_out is not None, unmapped_empty=unmapped_empty,
                            budgets=_folder(budgets, output, budget_out), command=True)
        for line in result.destinations(outputs, budgets, force_unnamed):
            _say(line)
        _show(file, result, outputs)
        for line in _revisions(result, outputs, fewer_months):
            _say(line)
        _write(result, outputs, (file, mapping))


@contextmanager
def _locked(outputs: dict[str, Path]) -> Iterator[None]:
    """Hold the import's lock of each table it writes while it runs (`staging.import_lock`): a second import into
    one of them at once (a cron job and a controller by hand) is refused, exit 4, where the two mixed one's note
    with the other's table; then remove the temporaries of the tables and their notes that a killed import left
    (found in review, h163)."""
    from kfollow.sources.outcome import origin_path
    from kfollow.staging import import_lock, remove_leftovers

    with import_lock(outputs.values(), _say):
        removed = remove_leftovers([p for path in outputs.values() for p in (path, origin_path(path))])
        if removed:
            names = ", ".join(shown(p.name) for p in removed[:4]) + (", …" if len(removed) > 4 else "")
            _say(f"note: {shown(str(removed[0].parent))}: removed {_count(len(removed), 'temporary file')} that an "
                 f"import stopped before it finished left ({names})")
        yield


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


def _say(line: str) -> None:
    if not (line.startswith("note: ") and quiet()):
        say(shown(line))


def _check_outputs(output: Path | None, budget_out: Path | None, inputs: tuple[Path, ...],
                   both: bool = True) -> dict[str, Path]:
    """The tables to write by kind: -o and --budget-out must be .csv or .parquet, two files, and none a
    file the command reads. `both`: the export may give both tables (SIE; a CSV export is one or the other)."""
    from kfollow.render.writer import check, resolved
    from kfollow.sources.outcome import origin_path
    from kfollow.sources.year_file import YEAR_FILE

    outputs = {kind: path for kind, path in (("utfall", output), ("budget", budget_out)) if path is not None}
    if not outputs:
        raise UsageError("nothing to write: give --output (-o) for the utfall, --budget-out for the budget"
                         + (", or both" if both else " (a CSV export is one or the other)"))
    for kind, path in outputs.items():
        option = "-o" if kind == "utfall" else "--budget-out"
        for read in inputs:
            if resolved(path) == resolved(read):
                raise UsageError(f"{option} {shown(str(path))} is {shown(str(read))}, a file this command reads; "
                                 "write the fact table to another file")
        if path.suffix.lower() not in (".csv", ".parquet"):
            raise UsageError(f"{option} {shown(str(path))}: the fact table is written as .csv or .parquet; name the "
                             "file so")
        if YEAR_FILE.fullmatch(resolved(path).name):  # a link to the year file the ids are checked against
            raise UsageError(f"{option} {shown(str(path))} is a link to a year file; write the fact table to another "
                             "file")
    if len(outputs) == 2 and resolved(output) == resolved(budget_out):
        raise UsageError(f"-o and --budget-out are the same file, {shown(str(output))}; write utfall and budget to "
                         "two files")
    for path in outputs.values():  # each table and its note as the writer will, before the work
        check(path, inputs)
        check(origin_path(path), inputs, beside=path)
    return outputs


def _folder(budgets: Path | None, output: Path | None, budget_out: Path | None) -> Path | None:
    """Where the year file the ids are checked against is: --budgets, else beside the table written
    (where a year file names its utfall_fil or budget_fil)."""
    if budgets is not None:
        return budgets
    beside = (output if output is not None else budget_out).parent
    return beside if beside.is_dir() else None  # (a folder not there: said where the table is written)


def _show(file: Path, result, outputs: dict[str, Path]) -> None:
    """stderr: the messages, then per table where it comes from, what was read, and the control totals."""
    from kfollow.sources.ledger import kr, missing_months

    for line in result.messages:
        _say(line)
    if quiet():  # (KFOLLOW_QUIET: the control totals are the note's, beside the table)
        return
    for index, (kind, table) in enumerate(result.tables().items()):
        _say(f"import {file.name} → {outputs[kind].name}" + (" (budget)" if kind == "budget" else ""))
        lines = list(result.about) if index == 0 else []
        lines.append(("read", result.read[kind]))
        if kind == "utfall" and result.check is not None:
            check = result.check
            # "equal" right after what was compared, not after the months that were not (found by a new user:
            # "not checked (no #PSALDO): 2024-11: equal")
            compared, rest = check.note, ""
            if check.note.startswith("checked") and ")" in check.note:  # after the span of the months compared
                end = check.note.index(")", check.note.index("×")) + 1
                compared, rest = check.note[:end], check.note[end:]
            equal = ": equal" if check.differences.is_empty() and check.note.startswith("checked") else ""
            lines.append(("check", compared + equal + rest))
        totals = table.totals
        # the months of the table written; a month read with ignored accounts alone gives it no row
        written = set(table.facts["period"].unique().to_list())
        bare = [p for p in totals["period"].to_list() if p not in written]
        # a month between them without any row read: said there too, not only by its absence from the list below
        missing = missing_months(totals["period"].to_list())
        lines.append(("periods", _periods(sorted(written), missing) + (
            f"; {', '.join(bare)}: ignored accounts only, no row in the table" if bare else "")))
        for label, text in lines:
            _say(f"  {label + ':':<10}{text}")
        rows = [(p, kr(k), kr(i), kr(g)) for p, k, i, g in totals.iter_rows()]
        rows.append(("total", *(kr(totals[c].sum()) for c in ("kostnader", "intakter", "ignorerat"))))
        header = ("period", "kostnader", "intäkter", "ignorerat")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
        for r in [header, *rows]:
            _say("  " + r[0].ljust(widths[0]) + "".join("  " + r[i].rjust(widths[i]) for i in range(1, 4)))


def _periods(periods: list[str], missing: list[str] = ()) -> str:
    """`2024-01 – 2024-10 (10 months)`; a budget's whole years (`YYYY`) named before its months; `missing`, months
    between them that the export has no row in: `2025-01 – 2025-12 (11 months; no row in 2025-05)`."""
    years = [p for p in periods if len(p) == 4]
    months = [p for p in periods if len(p) != 4]
    parts = [f"{', '.join(years)} (the year{'s' if len(years) > 1 else ''})"] if years else []
    if months or not years:
        span = "none" if not months else months[0] if len(months) == 1 else f"{months[0]} – {months[-1]}"
        gap = f"; no row in {', '.join(missing[:6])}{', …' if len(missing) > 6 else ''}" if missing else ""
        parts.append(f"{span} ({_count(len(months), 'month')}{gap})")
    return "; ".join(parts)


def _write(result, outputs: dict[str, Path], inputs: tuple[Path, ...]) -> None:
    """Each fact table, and beside it `OUT.kalla.json`: which export it came from (the report's footer);
    all of them as one set, the notes first and the utfall table (-o) last, so that a failure leaves the
    old tables and notes."""
    from kfollow.render.writer import File, write_files
    from kfollow.sources.facts import facts_bytes
    from kfollow.sources.outcome import origin_path

    from kfollow.sources.files import megabytes
    from kfollow.sources.outcome import NOTE_LIMIT

    tables = result.tables()  # utfall first
    notes = [File(origin_path(outputs[kind]), result.note(kind), beside=outputs[kind]) for kind in tables]
    for kind, note in zip(tables, notes):  # never a note that every command would refuse to read
        if len(note.data.encode()) > NOTE_LIMIT:
            raise DataError(str(inputs[0]), None, None, f"its names would make a note of "
                            f"{megabytes(len(note.data.encode()), over=NOTE_LIMIT)} beside {outputs[kind]}, over the "
                            f"{megabytes(NOTE_LIMIT)} that kfollow reads; nothing written: check that it is the "
                            "right export")
    facts = [File(outputs[kind], facts_bytes(tables[kind].facts, outputs[kind])) for kind in reversed(tables)]
    write_files(notes + facts, reads=inputs)
    for kind, table in tables.items():
        if not quiet():
            _say(f"wrote {outputs[kind]} ({_count(table.facts.height, 'row')})")


app.command("sie")(sie)
app.command("csv")(csv)
