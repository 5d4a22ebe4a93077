"""`check`: validate every budget file and reconcile every total the data allows.

Findings are rows of a frame (fil, rad, niva, meddelande); `niva` is `fel` (error) or `varning`.
"""

from __future__ import annotations

import re

import polars as pl

from kfollow.engine import expressions as ex
from kfollow.errors import DataError, ExitStatus, InputOutputError, shown
from kfollow.engine.findings import FINDING_SCHEMA, finding, literal as _literal
from kfollow.engine.consistency import (booking_findings, changed_by, change_size_findings, change_twice_findings,
                                        change_view_findings, copied_budget_findings, coverage_findings,
                                        forecast_findings, forecast_gap_findings, forecast_month_findings,
                                        forecast_pace_findings,
                                        kostnadsslag_findings, magnitude_findings, note_findings, presentation_findings,
                                        profile_gaps, reconcile, sign_findings, twice_in_table_findings,
                                        unnamed_table_findings, leftover_findings)
from kfollow.engine.investments import reconcile_investments
from kfollow.sources.year_file import load_year_file, year_files
from kfollow.report import Report, build
from kfollow.store import Store, combine
from kfollow.options import By
from kfollow.engine.periods import last_month_complete, parse_period, resolve
from kfollow.engine.operations import deviation_report
from kfollow.engine.thresholds import COMMENTABLE_ROWS, Limit, Limits, limit_percents, places_beyond, rows_beyond

def load_for_check(directory: str, notes: list[str] | None = None) -> tuple[Store, list[dict], ExitStatus | None]:
    """Load each file on its own, so that one broken file does not hide the others' findings (kod `fil`);
    another `.yaml` of the folder (not YYYY.yaml) is said in `notes`, as the commands say it. The exit
    status the files call for: IO when one (or a table it names) could not be read, else DATA when one
    is malformed, else None."""
    files, findings, unreadable = {}, [], False
    for path in year_files(directory, notes):
        try:
            year = load_year_file(path, ledger=True)  # check reads the accounts: keep the rows as they are read
        except DataError as err:
            findings.append(finding("fil", "fel", err.path, err.line, _literal(err.problem), kolumn=err.column))
            continue
        except InputOutputError as err:  # one unreadable file does not hide the others' findings
            unreadable = True  # exit 4, as every command gives for it
            if getattr(err, "line", None) is not None:  # an input the year file names (a fact table): at its line
                findings.append(finding("fil", "fel", err.path, err.line, _literal(err.problem), kolumn=err.column))
                continue
            problem = err.message.removeprefix(f"{path}: ")  # the finding names the file already
            findings.append(finding("fil", "fel", str(path), None, _literal(problem)))
            continue
        if year.info.ar in files:
            findings.append(finding("ar_dubbel", "fel", str(path), 1, _literal(
                f"år {year.info.ar} finns också i {files[year.info.ar].info.fil}; behåll en fil per år")))
            continue
        files[year.info.ar] = year
    status = ExitStatus.IO if unreadable else ExitStatus.DATA if findings else None
    return combine(directory, list(files.values())), findings, status


def comment_findings(budgets: Store, period: str | None, limit: Limit | Limits,
                     by: By = By.stab) -> list[dict]:
    """Rows of the `by` view (and förvaltningar shown as one row) beyond `limit` without a kommentar.

    With a period: year-to-date, and the comment must be the period's. Without: the latest year,
    up to its last booked month when it is booked per month, and the year's kommentar.
    """
    if not budgets.years:
        return []
    if period:
        year, month = parse_period(period)
    else:  # as the commands: the latest year, up to the last month every row has booked
        year = max(budgets.years)
        booked = last_month_complete(budgets, year)
        month = booked if booked and booked < 12 else None
    when = f"{year}-{month:02d}" if month else str(year)
    how = f"kommentarer: {{{when}: …}}" if month else "kommentar: …"
    lines = budgets.amounts.filter(pl.col("ar") == year).select("forvaltning", "vy", "nyckel", "fil", "rad")
    frame = deviation_report(budgets, year, by, period=month)
    frame = frame.with_columns(nyckel=pl.col("forvaltning")) if by is By.forvaltning else frame.rename({by.value: "nyckel"})
    missing = (
        rows_beyond(frame, limit)
        .filter(pl.col("radtyp").is_in(COMMENTABLE_ROWS) & pl.col("kommentar").is_null())
        .with_columns(vy=pl.when(pl.col("radtyp") == "forvaltning").then(pl.lit("summa"))
                      .when(pl.col("radtyp") == "ej_fordelat").then(pl.lit(f"ej_fordelat_{by.value}"))
                      .otherwise(pl.lit(by.value)))
        .join(lines, on=["forvaltning", "vy", "nyckel"], how="left")
    )
    info = budgets.years[year]
    round_ = _forms_round(budgets, year, month, by)
    findings = []
    for r in missing.iter_rows(named=True):
        where = _comment_place(r["radtyp"], by, r["nyckel"], r["forvaltning"], month is not None)
        typed = f"lägg till {how} under {where}"
        advice = _literal(_round_advice(round_, r["radtyp"], by, r["nyckel"], r["forvaltning"], when, typed)
                          or typed + _no_round_yet(round_, r["radtyp"], by, when))
        places = places_beyond(None, limit_percents(limit), exact=r["avvikelse_pct_exakt"])
        if r["avvikelse_pct"] is not None:
            pct = f" ({{pct{'' if places == 1 else f':{places}'}}} %)"
        elif limit_percents(limit):  # no percent of a budget of 0: any deviation is beyond a percent, and says why
            pct = " mot budget 0" if r.get("budget") == 0 else " utan budget"
        else:
            pct = ""
        findings.append(finding(
            "kommentar_saknas", "fel", r["fil"] or info.fil, r["rad"] or info.forvaltningar[r["forvaltning"]].line,
            f"{_literal(r['namn'])} {when}: avvikelsen {{0:u}}{pct} överskrider gränsen {_literal(limit.said)} men saknar "
            f"kommentar för {when}; {advice}", r["avvikelse"],
            pct=ex.exact_percent_float(r["avvikelse_pct_exakt"])))
    return findings


class _Round:
    """A month's forms round as its collected answers show it (`svar/YYYY-MM.yaml`, `collect`): the answers of the
    month by row, the view its forms are of (stab or verksamhet) and the förvaltningar that have rows of it."""

    def __init__(self, answers: dict, view: str, viewed: set[str], file: str):
        self.answers, self.view, self.viewed, self.file = answers, view, viewed, file


def _forms_round(budgets: Store, year: int, month: int | None, by: By) -> _Round | None:
    """The round of `month`'s forms where answers to them are collected, of the view `by` shows (a stab's comment
    comes with its form's answer, not the year file; a verksamhet's where the forms were per verksamhet), else None:
    kfollow knows a round only by its answers (the forms' folder is the controller's)."""
    if month is None:
        return None
    info = budgets.years[year]
    answers = {(a.forvaltning, a.vy, a.nyckel): a for a in info.svar if a.manad == month}
    views = {vy for _, vy, _ in answers} - {"summa"}
    if not answers or len(views) > 1:
        return None
    view = next(iter(views), None) or ("stab" if by is By.forvaltning else by.value)
    if by is not By.forvaltning and view != by.value:  # forms per stab, comments required per verksamhet (or the
        return None                                   # other way round): no form asks for them
    viewed = set(budgets.amounts.filter((pl.col("ar") == year) & (pl.col("vy") == view))["forvaltning"].to_list())
    file = next((a.fil for a in answers.values() if a.fil), f"svar/{year}-{month:02d}.yaml")
    return _Round(answers, view, viewed, file)


def _round_advice(round_: _Round | None, radtyp: str, by: By, nyckel: str, fid: str, when: str,
                  typed: str = "") -> str | None:
    """Where a row's missing comment comes through the month's forms round (`_forms_round`): what to do, the forms'
    way (found by a controller: check said to write it in the year file while the round was open, where the
    budget holder's answer brings it, and the year file's comment beside it is an error); else None (the year file
    as ever: no round, a row that gets no form such as `Ej fördelat på stab`). `typed`: the year file's way
    (`lägg till kommentarer: {2024-10: …} under stab KOM`), named beside the form's for a row answered without a
    comment, whose comment the year file then gives (only both giving it is an error)."""
    if round_ is None or radtyp not in ("rad", "forvaltning"):
        return None
    if radtyp == "forvaltning":  # a förvaltning shown as one row: a form of its own where it has no rows of the view
        if fid in round_.viewed:
            return None
        key, what = (fid, "summa", fid), f"förvaltningen {fid}"
    else:
        key, what = (fid, by.value, nyckel), f"{by.value} {nyckel}" + (f" i förvaltningen {fid}" if by is By.verksamhet
                                                                       else "")
    answer = round_.answers.get(key)
    if answer is not None:
        # (or the year file's, which is the row's where its answer has none, as a form shows one given there: the
        # advice named the form alone; found in review, h157)
        return (f"svaret på formuläret för {what} ({answer.arbetsbok}, {answer.fil}:{answer.rad}) har ingen kommentar: "
                "be budgetansvarig skriva den i formuläret och samla in det igen (kfollow collect)"
                + (f", eller {typed} i årsfilen (årsfilens kommentar gäller där svaret inte har någon)" if typed else ""))
    return (f"formulären för {when} besvaras ({round_.file}), och {what} har inte svarat: kommentaren kommer med "
            "svaret, så samla in formuläret när det kommer tillbaka (kfollow collect), eller skicka det (kfollow forms)")


def _no_round_yet(round_: _Round | None, radtyp: str, by: By, when: str) -> str:
    """For a row a month's form asks a comment of, where no answer of that month is collected yet: that a forms round
    brings the comment instead (found by a new user: the year file's way alone, while README says the year files are
    never edited in a forms round, which kfollow cannot know of before the first answer is collected)."""
    if round_ is not None or by is By.forvaltning or radtyp not in ("rad", "forvaltning") or "-" not in when:
        return ""
    return (f"; i en formulärrunda kommer kommentaren i stället med budgetansvarigs svar (kfollow forms --period "
            f"{when}, sedan kfollow collect)")


def _part_forecast_findings(budgets: Store) -> list[dict]:
    """A collected forecast per kostnadsslag of the opposite sign to its part's budget for the year, or 100
    times it or a hundredth of it (varning), at its line of the answers file: `collect` warned once, and
    then nothing did (found trying the forms round: 13 300 typed for 13,3)."""
    if not any(any(a.delar for a in info.svar) for info in budgets.years.values()):
        return []
    from kfollow.engine.forms import part_forecast_warnings  # (only where forms were answered per kostnadsslag)

    return [finding("prognos_kostnadsslag", "varning", fil, rad, problem, *amounts, enhet=unit)
            for fil, rad, problem, amounts, unit in part_forecast_warnings(budgets)]


def _comment_place(radtyp: str, by: By, nyckel: str, fid: str, monthly: bool) -> str:
    """Where in the year file a row's kommentar goes, said so that doing it works (`tests/test_text_integrity_advice.py`
    applies each): a stab or verksamhet under its own key; the `ej_fordelat` row under `ej_fordelat:
    staber:` (or `verksamheter:`) of its förvaltning, which may hold only comments where tables give
    the figures; a förvaltning shown as one row under its `summa:` for a month's `kommentarer`, else
    (its standing `kommentar`) under the förvaltning itself."""
    if radtyp == "rad":
        return f"{by.value} {nyckel}" + (f" i förvaltningen {fid}" if by is By.verksamhet else "")
    if radtyp == "ej_fordelat":
        return f"ej_fordelat: {'staber' if by is By.stab else 'verksamheter'}: i förvaltningen {fid}"
    return f"summa: i förvaltningen {fid}" if monthly else f"förvaltningen {fid}"


def profile_findings(budgets: Store, period: str | None = None) -> list[dict]:
    """Where a year is booked per month: the stab and verksamhet views, and a summa written with its
    own budget, must give the same year-to-date budget, which they do not when their rows are spread
    by different profiles (`--by stab` and `--by forvaltning` would then show two budgets to date); to
    `period`'s month in its year, else to each year's last booked month (`consistency.profile_gaps`)."""
    asked = parse_period(period) if period else None
    findings = []
    for ar, info in budgets.years.items():
        month = asked[1] if asked and asked[0] == ar else last_month_complete(budgets, ar)
        for r in profile_gaps(budgets, ar, month):
            findings.append(finding(
                "profil_olika", "varning", info.fil, r["rad"],
                f"{_literal(r['forvaltning'])} {ar}-{month:02d}: den ackumulerade budgeten"
                f"{changed_by(budgets, ar, r['forvaltning'], month)} är {{0:d}} {r['first_text']} "
                f"men {{1:d}} {r['second_text']}, eftersom raderna fördelas över månaderna med olika profiler; "
                f"{r['advice']}", r["budget"], r["budget_v"], enhet=info.enhet))
    return findings


def check_report(directory: str, period: str | None = None, comment_limit: Limit | Limits | None = None,
                 by: By = By.stab) -> tuple[pl.DataFrame, bool]:
    """All findings for a budgets directory, and whether any file failed to load."""
    frame, broken, _ = _check(directory, period, comment_limit, by)
    return frame, broken is not None


def _month_of_latest(directory: str, period: str | int | None) -> str | None:
    """`period=8` or `"8"`, as `check --period 8` reads it: that month of the folder's latest year (by its year files'
    names; kfollow.check("examples/budgets", period="8") was refused with 'write YYYY-MM', and period=8 was an
    internal error, 'int' object has no attribute 'strip', where every other call of the library takes both; found
    in review, h136). Anything else is returned as given, for `parse_period` to read or refuse."""
    from kfollow.engine.selection import a_month
    from kfollow.errors import KfollowError
    from kfollow.options import MONTH_ALONE
    from kfollow.sources.files import YEAR_FILE

    if isinstance(period, str) and re.fullmatch(MONTH_ALONE, period):
        period = int(period)
    if period is not None and not isinstance(period, (str, int)):
        raise TypeError(f"period is a month, 1–12, or 'YYYY-MM', not {period!r:.40}")
    if not isinstance(period, int):
        return period
    a_month(period, forms="1–12 (a month of the year) or 'YYYY-MM', e.g. 8 or '2024-08'")
    try:
        latest = max(int(YEAR_FILE.fullmatch(p.name)[1]) for p in year_files(directory))
    except (KfollowError, ValueError):  # (no year file to read: check says why, and the month alone is refused)
        return str(period)
    return f"{latest:04d}-{period:02d}"


def _check(directory: str, period: str | int | None, comment_limit: Limit | Limits | None,
           by: By, notes: list[str] | None = None) -> tuple[pl.DataFrame, ExitStatus | None, list[str]]:
    period = _month_of_latest(directory, period)
    budgets, findings, broken = load_for_check(directory, notes)
    if period and broken is None:
        year, month = parse_period(period)
        resolve(budgets, year, month)  # the period must be booked: UsageError otherwise
    # a closed year's view without a budget is a note: no one can give it one (said by `reconcile`)
    # (without `notes` to say it in, a closed year's gap stays a finding: not dropped unsaid; found in review)
    findings += reconcile(budgets, notes, parse_period(period)[0] if period else None)
    findings += booking_findings(budgets)
    findings += profile_findings(budgets, period if broken is None else None)
    findings += reconcile_investments(budgets, notes)
    findings += magnitude_findings(budgets)
    findings += sign_findings(budgets)
    findings += change_view_findings(budgets)
    findings += change_twice_findings(budgets)
    findings += change_size_findings(budgets)
    findings += kostnadsslag_findings(budgets)
    findings += note_findings(budgets)
    if broken is None:  # (a year file that did not load names tables no one knows of)
        findings += unnamed_table_findings(budgets, directory)
    findings += leftover_findings(directory)
    findings += twice_in_table_findings(budgets)
    findings += presentation_findings(budgets)
    findings += copied_budget_findings(budgets)
    findings += forecast_findings(budgets)
    findings += forecast_month_findings(budgets)
    findings += forecast_pace_findings(budgets)
    findings += _part_forecast_findings(budgets)
    findings += forecast_gap_findings(budgets)
    findings += coverage_findings(budgets, parse_period(period)[1] if period else None,
                                  [parse_period(period)[0]] if period else None)
    if comment_limit is not None:
        findings += comment_findings(budgets, period, comment_limit, by)
    frame = pl.DataFrame(findings, schema=FINDING_SCHEMA) if findings else pl.DataFrame(schema=FINDING_SCHEMA)
    # a folder's name is the user's, whatever it holds: a control or bidi character in it is escaped in every
    # format, as on stderr and in the table (a script's csv reaches a terminal too; found by a script user)
    frame = frame.with_columns(pl.col(c).map_elements(shown, return_dtype=pl.String) for c in ("fil", "meddelande"))
    return frame.sort("fil", "rad", nulls_last=True, maintain_order=True), broken, budgets.files


def check(directory: str, period: str | None = None, comment_limit: Limit | Limits | None = None, by: By = By.stab,
          unit: str = "mnkr") -> tuple[Report, ExitStatus | None]:
    """`check_report` as a `Report` (one finding a row; its sources the files read), and the exit
    status a file that could not be loaded calls for: IO when one could not be read, else DATA."""
    notes: list[str] = []
    period = _month_of_latest(directory, period)  # (the title says the month read)
    frame, status, files = _check(directory, period, comment_limit, by, notes)
    when = f", {period}" if period else ""
    return build(frame, unit=unit, sources=tuple(files), messages=tuple(notes),
                 title=f"Kontroll av årsfilerna{when}: fel och varningar"), status
