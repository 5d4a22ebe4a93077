"""What a request means in the data: the year (default the latest), the period (default: a year
still being booked is shown up to its last booked month), förvaltningar and staber. Shared by the
library API and the command line, so both answer the same."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kfollow.engine.periods import last_month_booked, last_month_complete, parse_period
from kfollow.errors import UsageError
from kfollow.options import MONTH_ALONE
from kfollow.store import Store
from kfollow.vocabulary import MONTHS


def months_to(month: int) -> str:
    """The months 1..`month` in words: `januari–oktober`, or `januari` alone."""
    return MONTHS[0] if month == 1 else f"{MONTHS[0]}–{MONTHS[month - 1]}"


def a_store(store: object) -> None:
    """A library call's first argument is a Store: a folder's name there said "'str' object has no attribute
    'year'" (found by a library user)."""
    if not isinstance(store, Store):
        what = f"{type(store).__name__} {store!r}"[:80]
        raise TypeError(f"the first argument is a store, kfollow.load(folder), not the {what}")


def a_month(month: object, what: str = "period", forms: str = "1–12 (a month of the year)") -> None:
    """A month given as a number is one of 1–12 (None: no month given): period=0 gave the whole year, 13 'not
    booked' and months() an internal error (found by an ekonom, h123), and so did the frames behind the reports
    (`deviation_report`, `months_report`: found in review, h126); the command line refuses them before. A value
    that is no whole number (8.0, '8') is Python's TypeError, as `kfollow.deviation` says it (found in review, h131)."""
    if month is not None and not isinstance(month, int):
        raise TypeError(f"{what} is a month, a whole number 1–12, not {month!r:.40}")
    if month is not None and (isinstance(month, bool) or not 1 <= month <= 12):
        raise UsageError(f"{what} {month!r} is not a month; give {forms}")


@dataclass(frozen=True, slots=True)
class Period:
    """A year and the month reported (None: the whole year), and why, for the person asking."""

    year: int
    month: int | None
    messages: tuple[str, ...] = ()

    @property
    def text(self) -> str | None:
        return f"{self.year}-{self.month:02d}" if self.month else None


def year_or_latest(store: Store, year: int | None) -> int:
    """`year`, checked to be a year, or the latest year of the store."""
    a_store(store)
    if year is not None and not 1000 <= year <= 9999:
        raise UsageError(f"--year {year} is not a year; write four digits, e.g. 2024")
    if year is None and not store.years:
        raise UsageError(f"no year files in {store.directory}")
    return year or max(store.years)


def period(store: Store, year: int | None = None, period: str | int | None = None,
           compared: int | None = None) -> Period:
    """The year and month to report. Without a period, a year being booked (its rows booked up to a
    month before December) is reported year to date up to the last month every row has booked.
    `compared`: the earlier year of a comparison (`year` is then the later one, not a --year)."""
    a_store(store)
    if period is None:
        year = year_or_latest(store, year)
        store.year(year)
        booked = last_month_complete(store, year)
        if booked is not None and booked < 12:
            latest = last_month_booked(store, year)
            some = f" (some rows up to {year}-{latest:02d})" if latest is not None and latest > booked else ""
            every = " by every row" if some else ""
            return Period(year, booked, (f"utfall {year} is booked{every} up to {year}-{booked:02d}{some}: showing "
                                         f"{year}-{booked:02d} (ack.); --period chooses another month",))
        return Period(year, None)
    if isinstance(period, str) and re.fullmatch(MONTH_ALONE, period):  # `period="8"`, as `--period 8` is read
        period = int(period)
    if isinstance(period, int):
        a_month(period, forms="1–12 (a month of the year) or 'YYYY-MM', e.g. 8 or '2024-08'")
        return Period(year_or_latest(store, year), period)
    if not isinstance(period, str):  # (8.0 was an internal AttributeError: found in review, h126)
        raise TypeError(f"period is a month, 1–12, or 'YYYY-MM', not {period!r:.40}")
    p_year, month = parse_period(period)
    if year is not None and year != p_year:
        raise UsageError(f"--period {period} is not in --year {year}; give one of them"
                         if compared is None else f"--period {period} is not in {year}, the later year compared; give "
                         f"a month of {year} (the same months of {compared} are compared)")
    return Period(p_year, month)


def against_month(text: str | None, year: int) -> int | None:
    """`prognos:2024-08` or `2024-08` → 8; the month must be in `year`."""
    if text is None:
        return None
    a_year, month = parse_period(text.removeprefix("prognos:"), "--against (prognos:YYYY-MM)")
    if a_year != year:
        raise UsageError(f"--against {text} is not in {year}; compare with a forecast made during the year reported")
    return month


def forvaltningar(store: Store, year: int, wanted: list[str] | str | None) -> list[str]:
    """The förvaltning ids of `year` to report, in file order; UsageError for an unknown one."""
    info = store.year(year)
    wanted = [wanted] if isinstance(wanted, str) else list(wanted or [])
    for fid in wanted:
        store.forvaltning(year, fid)
    return [f for f in info.forvaltningar if not wanted or f in wanted]
