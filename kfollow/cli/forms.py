"""Commands of the answers round: forms (workbooks out), collect (answers back), status (who is missing)."""

from __future__ import annotations

import datetime
import errno
import os
import re
from pathlib import Path
from typing import Annotated, Optional

import typer

from kfollow.cli.common import (BudgetsDir, ColumnsOpt, DecimalsOpt, ExactOpt, ForvaltningOpt, FormatOpt, OutputOpt,
                                UnitOpt, emit, fail, latest_year, load, month_period, note, quiet, say)
from kfollow.errors import ExitStatus, InputOutputError, UsageError, shown
from kfollow.options import By, FormBy, Options, Unit

FormPeriodOpt = Annotated[str, typer.Option("--period", "-p", help="The month the forms ask about, YYYY-MM, or 1–12 for that month of the latest year.")]
FormByOpt = Annotated[FormBy, typer.Option("--by", help="One form per stab (default) or per verksamhet; a förvaltning "
                                                    "shown as one row gets one too.")]
CommentOverOpt = Annotated[Optional[list[str]], typer.Option(
    "--require-comment-over", metavar="AMOUNT|PCT",
    help="A comment is required where the year-to-date avvikelse is beyond this, as for check (repeat to combine).")]


def _limit(texts, unit: Unit):
    from kfollow.engine.thresholds import parse_limits

    return parse_limits(texts, unit.value, "--require-comment-over") if texts else None


def forms(
    period: FormPeriodOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="The folder to write the forms into (made if missing).", readable=False)],
    by: FormByOpt = FormBy.stab,
    forvaltning: ForvaltningOpt = None,
    deadline: Annotated[Optional[str], typer.Option("--deadline", metavar="YYYY-MM-DD", help="The date to answer by, said in each form.")] = None,
    require_comment_over: CommentOverOpt = None,
    budgets: BudgetsDir = None,
    unit: UnitOpt = Unit.mnkr,
    decimals: DecimalsOpt = None,
):
    """Write one Excel form per stab: its figures for the period, and cells for Prognos helår and Kommentar.

    Prints the path of each form written (stdout). Collect the answered forms with kfollow collect.

    \b
    Examples:
      kfollow forms --budgets examples/budgets --period 2024-08 -o formular/2024-08 --deadline 2024-09-05
      kfollow forms --budgets examples/budgets --period 2024-08 --forvaltning KSF --require-comment-over 5% -o formular
    """
    from kfollow.engine.forms import forms as forms_of
    from kfollow.engine.forms import year_warnings_of
    from kfollow.render.form_xlsx import to_form_xlsx
    from kfollow.render.writer import File, write, write_files

    if deadline is not None:
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", deadline):
                raise ValueError
            datetime.date.fromisoformat(deadline)
        except ValueError:
            raise UsageError(f"--deadline '{shown(deadline)}' is not a date; write YYYY-MM-DD, e.g. 2024-09-05") from None
    limit = _limit(require_comment_over, unit)
    store = load(budgets)
    period = month_period(period, None, latest_year(store))
    made, given = forms_of(store, period, by, forvaltning, unit.value, deadline, limit)
    for message in year_warnings_of(store, period, forvaltning):  # (as deviation says them; the forms are written)
        note(message)
    if not made:
        note(f"forms: nothing to ask for {period}: the year file gives every row's forecast and comment; no form written")
        return
    books = [(output / form.file_name, to_form_xlsx(form, Options(decimals=decimals))) for form in made]
    if output.exists() and not output.is_dir():
        raise UsageError(f"-o {shown(str(output))} is a file; -o names the folder the forms are written to "
                         "(e.g. -o formular/2024-10)")
    made_folders = [p for p in (output, *output.parents) if not p.exists()]  # made here: removed again on failure
    try:
        output.mkdir(parents=True, exist_ok=True)  # `-o formular/2024-10`: the month's folder, and its parents
    except OSError as exc:
        raise InputOutputError(_unmade(output, exc)) from None
    try:
        _keep_answers([path for path, _ in books])
        # all forms or none (a folder half sent out is worse than none); their paths on stdout once written
        write_files([File(path, data) for path, data in books], reads=store.files)
    except BaseException:
        for folder in made_folders:  # (deepest first; only while empty: nothing else is ever removed)
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    write("".join(f"{shown(str(path))}\n" for path, _ in books), None)  # (a full or closed stdout: as any table)
    if not quiet():
        say(f"forms: {len(books)} form(s) for {period} in {shown(str(output))}")
    if given:  # (README: one workbook per row of the view, but for these)
        listed = ", ".join(shown(g) for g in given[:10]) + (f" and {len(given) - 10} more" if len(given) > 10 else "")
        say(f"forms: no form for {listed}: the year file gives their forecast and comment for {period}")


def _unmade(output: Path, exc: OSError) -> str:
    """Why the folder `output` could not be made: a symbolic link on its way that leads nowhere (mkdir said
    'File exists' of it), else the system's words."""
    for path in (output, *output.parents):
        if os.path.islink(path) and not os.path.exists(path):
            try:
                os.stat(path)
                loop = False
            except OSError as err:
                loop = err.errno == errno.ELOOP
            if loop:
                return (f"{shown(str(output))}: cannot make the folder: {shown(str(path))} is a symbolic link loop; "
                        "nothing written: give -o a real folder")
            return (f"{shown(str(output))}: cannot make the folder: {shown(str(path))} is a symbolic link to "
                    f"{shown(os.readlink(path))}, which does not exist; nothing written: make the folder it leads to, "
                    "or give -o a real folder")
    return (f"{shown(str(output))}: cannot make the folder ({exc.strerror}); check that the path is a folder you "
            "may write in")


def _keep_answers(paths: list[Path]) -> None:
    """A form already in the folder is written again only while nobody has answered it: one with a
    forecast or a comment filled in (or a workbook that is no form of kfollow's) is refused, before
    anything is written, so that sending the forms again never loses an answer."""
    from kfollow.errors import DataError, KfollowError
    from kfollow.sources.answers import read_workbook

    for path in paths:
        if not os.path.lexists(path):
            continue
        try:
            filled = read_workbook(path)
        except KfollowError as err:
            why = err.problem if isinstance(err, DataError) else err.message
            raise InputOutputError(f"{shown(str(path))} is already there, and is not a form that nobody has answered "
                                   f"({shown(why)}); forms never replaces it: move it away, or write the forms to "
                                   "another folder (-o)") from None
        if filled.prognos is not None or filled.kommentar is not None or any(
                p is not None or k is not None for p, k in filled.delar.values()):
            raise InputOutputError(f"{shown(str(path))} is answered (Prognos helår or Kommentar filled in): forms "
                                   "never replaces an answered form; collect it first (kfollow collect) and move it "
                                   "away, or write the new forms to another folder (-o)")


def collect(
    files: Annotated[list[Path], typer.Argument(metavar="FORM...", help="Answered forms (.xlsx), as kfollow forms wrote them.", readable=False)],
    budgets: BudgetsDir = None,
):
    """Read answered forms into the answers file of their period (svar/YYYY-MM.yaml beside the year files).

    Every workbook is checked first (identity, input cells, numbers, text): each one that is wrong
    is named with file, sheet and cell, and nothing is written. The year's loading merges
    the answers: forecasts as prognos of that month, comments as kommentarer of that month. Each
    answer states when it was read: now, or SOURCE_DATE_EPOCH (in UTC) when that is set.

    \b
    Example:
      kfollow collect --budgets examples/budgets formular/2024-08/*.xlsx
    """
    from kfollow.render.writer import locked
    from kfollow.sources.year_file import default_directory

    now = _read_at()
    folder = budgets or default_directory()
    # from reading the answers files to writing them: another collect into the folder at once would otherwise
    # read them before this one writes, and write them without its answers (found by a systemförvaltare, h112)
    with locked(folder, lambda: note(f"waiting for another kfollow collect into {folder} to finish writing its "
                                     "answers"), "another kfollow collect into it"):
        _collect(files, budgets, now)


def _collect(files: list[Path], budgets: Path | None, now: str) -> None:
    from kfollow.engine.forms import Wrong
    from kfollow.engine.forms import collect as collect_of
    from kfollow.render.writer import File, write_files

    store = load(budgets, collecting=True)  # (an answer the year file now gives too: collect may replace it)
    locks = [f for f in files if f.name.startswith("~$") and _not_a_workbook(f)]
    for lock in locks:  # `formular/*.xlsx` takes the lock file Excel leaves beside a workbook that is open
        note(f"{shown(str(lock))}: left out: Excel's lock file of a workbook that is open, not a workbook")
    files = [f for f in files if f not in locks]
    if not files:
        return
    try:
        collected = collect_of(store, [str(f) for f in files], now)
    except Wrong as wrong:  # every workbook that is wrong, the last one as the error
        for err in wrong.errors[:-1]:
            say(f"error: {shown(err.message)}")
        raise
    _strict_again(store, collected.files)
    for path in collected.files:
        folder = Path(path).parent
        for link in (folder, Path(path)):  # a link planted in a cloned budgets folder would take the answers anywhere
            if link.is_symlink():
                raise InputOutputError(f"{shown(str(link))} is a symbolic link, which collect does not write through; "
                                       f"nothing written: make {shown(str(folder))} a real folder beside the year files")
        try:
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise InputOutputError(f"{shown(str(folder))}: cannot make the folder ({exc.strerror}); nothing written: "
                                   "check that the budgets folder is writable") from None
    write_files([File(Path(path), text) for path, text in collected.files.items()])  # every period's, or none
    for message in collected.messages:
        note(message)


def _strict_again(store, files: dict[str, str]) -> None:
    """Each year with answers loaded as every other command loads it, with what collect is about to write in
    place of its files: collect set aside an answer that clashes with its year file (so that collecting its
    workbook again can replace it); a clash it does not replace, in any year, is the error it is elsewhere
    (found in review: a clash in 2023's answers passed while collecting 2024's). Nothing is written then."""
    from kfollow.sources.year_file import load_year_file

    by_year: dict[int, dict[str, bytes]] = {}
    for path, text in files.items():
        period = Path(path).stem
        by_year.setdefault(int(period[:4]), {})[period] = text.encode()
    for year, info in sorted(store.years.items()):
        if info.svar_filer or year in by_year:
            load_year_file(Path(info.fil), answers=by_year.get(year, {}))


def _not_a_workbook(path: Path) -> bool:
    """Whether a file is no zip (no xlsx) by its first bytes; a file that cannot be read is left to collect."""
    try:
        with open(path, "rb") as f:
            return not f.read(2) == b"PK"
    except OSError:
        return False


def _read_at() -> str:
    """When the answers were read, as the answers file states it: now, in local time; or, when
    SOURCE_DATE_EPOCH is set (seconds since 1970, as reproducible builds use it), that time in UTC,
    so that collecting the same workbooks writes the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.datetime.now().astimezone().replace(microsecond=0).isoformat()
    try:
        if not re.fullmatch(r"[0-9]{1,11}", epoch):
            raise ValueError
        moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH '{shown(epoch)}' is not a time; give whole seconds since "
                         "1970-01-01 UTC, e.g. 1730885400, or unset it") from None
    return moment.isoformat()


def status(
    period: FormPeriodOpt,
    by: Annotated[FormBy, typer.Option("--by", help="The rows whose forms are followed up: per stab (default) or per "
                                                    "verksamhet, as the forms were sent; a förvaltning shown as one row too.")] = FormBy.stab,
    forvaltning: ForvaltningOpt = None,
    require_comment_over: CommentOverOpt = None,
    forms_dir: Annotated[Optional[Path], typer.Option("--forms", metavar="FOLDER", help="The folder the forms were written to: shows whether each was sent.", readable=False)] = None,
    columns: ColumnsOpt = None,
    budgets: BudgetsDir = None,
    fmt: FormatOpt = None,
    unit: UnitOpt = Unit.mnkr,
    decimals: DecimalsOpt = None,
    exact: ExactOpt = False,
    output: OutputOpt = None,
):
    """Who has answered: per stab, form sent, answered, forecast given, comment required and given.

    Every row needs a forecast for the period; with --require-comment-over also a comment where its
    deviation is beyond the limits. A forecast check warns of as mistyped (another unit, the opposite
    sign, 0; a kostnadsslag's too) is to be looked at (Granska). Exit 1 when a required answer is missing or a forecast is to
    be looked at (the table is printed).

    \b
    Examples:
      kfollow status --budgets examples/budgets --period 2024-08 --require-comment-over 5%
      kfollow status --budgets examples/budgets --period 2024-08 --forms formular/2024-08 --format csv
    """
    from kfollow.engine.forms import PACED, status as status_of
    from kfollow.engine.forms import year_warnings_of

    limit = _limit(require_comment_over, unit)
    sent = None
    if forms_dir is not None:
        if not forms_dir.is_dir():
            raise InputOutputError(f"{shown(str(forms_dir))}: not a folder; give the folder kfollow forms wrote to")
        forms = [p for p in forms_dir.iterdir() if p.suffix == ".xlsx"]
        sent = {p.name for p in forms}
        # a form's name begins with its period (`2024-10 EKO Ekonomistab.xlsx`): a folder of another month's
        other = sorted({name[:7] for name in sent if re.match(r"[0-9]{4}-[0-9]{2} ", name)} - {period})
        if other and not any(name.startswith(f"{period} ") for name in sent):
            note(f"warning: {shown(str(forms_dir))} holds the forms of {', '.join(other)}, none of {period}: every "
                 "row shows as not sent; give the folder of this period's forms")
        if output is not None and _a_form_of(output, forms):  # (a sent form: its budget holder's, not to be written
            # over; found by a systemförvaltare, h112: `-o "f5/2024-10 EKO Ekonomistab.xlsx"` replaced it with the status)
            raise UsageError(f"-o {shown(str(output))} is a form in the --forms folder, sent to be filled in; "
                             "write the status to another file")
    store = load(budgets)
    period = month_period(period, None, latest_year(store))
    report = status_of(store, period, by, forvaltning, limit, sent, unit.value)
    # (as deviation and forms say them; a forecast that looks mistyped is a row to look at, said below in Swedish)
    for message in year_warnings_of(store, period, forvaltning, forecasts=False):
        note(message)
    emit(report, fmt, decimals, output, store=store, columns=columns, exact=exact)
    missing = [r for r in report.frame.iter_rows(named=True) if r["saknas"] or r["granska"]]
    # whose row it is, where the table shows it (two förvaltningar share a stab id, or several are listed)
    several = any(c.name == "forvaltning" and c.people for c in report.columns)
    for r in missing:
        unattributed = r["radtyp"] == "ej_fordelat"
        whose = f"{shown(r['forvaltning'])} " if several and not unattributed else ""
        row = f"{whose}{shown(r['namn'])} ({shown(r['forvaltning'] if unattributed else r[by.value])}) {period}"
        if r["granska"]:  # a forecast, but one that is no answer to close on (README: Forecasts and comments)
            # (where it is written: the line check's warning gave, which status no longer prints beside this one)
            say(f"status: {row}: granska {r['granska_vad']} i {shown(r['granska_plats'])} ({r['granska']}: "
                f"{r['granska_om']}); rätta den " + (
                    "om den är fel (ett svar: formuläret ifyllt igen och insamlat), annars står den i rapporten med en "
                    "anmärkning" if r["granska"] in PACED else "före rapporten (ett svar: formuläret ifyllt igen och "
                    "insamlat)") + "; kfollow check visar beloppen")
        if not r["saknas"]:
            continue
        if r["radtyp"] == "ej_fordelat":  # no form: what it lacks goes into the year file
            view = "staber" if by.value == "stab" else "verksamheter"
            say(f"status: {shown(r['namn'])} ({shown(r['forvaltning'])}) {period}: saknar {r['saknas']}; skriv "
                f"{'dem' if ',' in r['saknas'] else 'den'} i årsfilen under ej_fordelat: {view}: i förvaltningen "
                f"{shown(r['forvaltning'])}")
            continue
        say(f"status: {whose}{shown(r['namn'])} ({shown(r[by.value])}) {period}: saknar {r['saknas']}")
    # (a forecast out of pace is to look at, not to hold the close back on: the report marks it)
    if any(r["saknas"] or (r["granska"] and r["granska"] not in PACED) for r in missing):
        fail(ExitStatus.CHECK_FAILED)


def _a_form_of(output: Path, forms: list[Path]) -> bool:
    """Whether `-o output` names one of the sent `forms`: in their folder under a form's name, letter case aside (on a
    file system that ignores case, as macOS's and Windows' do by default, `2024-10 eko ekonomistab.xlsx` is the form
    `2024-10 EKO Ekonomistab.xlsx`), or the same file by another path."""
    from kfollow.render.writer import resolved

    target = resolved(output)
    exists = target.exists()
    return any((target.parent == resolved(form).parent and target.name.casefold() == form.name.casefold())
               or (exists and os.path.samefile(target, form)) for form in forms)
