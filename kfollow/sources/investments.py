"""The `investeringar` section of a year file → rows of `store.INVESTMENT_SCHEMA`.

Amounts are nettoinvesteringar (utgifter − inkomster, positive = money spent), Int64 öre, exact.
Deviations follow the budget convention: budget − utfall, positive = spent less than budgeted.
The section (README, "Investeringar"):

    investeringar:
      forvaltningar:            # optional: per förvaltning, totals and forecasts of the year
        KLF:
          rubrik: Investeringar, netto (KS, KLF)   # the summary's label for the row
          utfall: 55812.3       # a total where the year has no projects (or to reconcile them)
          prognos: {2024-08: 379986.0}             # forecast of the year's investment utfall
      projekt:
        simhallen:              # project id, stable across years
          namn: KS simhallen
          forvaltning: KLF
          status: färdigställd  # pågående | färdigställd | avbruten
          beslutad_budget: 990512.0
          ack_utfall_tidigare: 877604.6   # utfall since the start up to the end of the previous year
          budget: 112907.4      # the year's budget, including
          varav_overfort: 112907.4        # unspent money carried over from the previous year
          utfall: 60790.1       # the year's utfall, or per month from January: {2024-01: 1200.0, 2024-02: 800.0}
          prognos: {2024-08: 95000.0}     # optional: forecasts of the year's utfall, by the month made
          beraknad_totalutgift: …         # optional forecast of the total cost
          kommentar: …
"""

from __future__ import annotations

import difflib
import re

from kfollow.sources.yaml_tree import Mapping, Scalar
from kfollow.store import ID, INVESTMENT_SCHEMA, STATUSES, closest

STATUSES_SAID = f"{', '.join(STATUSES[:-1])} or {STATUSES[-1]}"  # in a message: "write …"
SECTION_KEYS = ("forvaltningar", "projekt")
FORVALTNING_KEYS = ("rubrik", "budget", "utfall", "prognos", "kommentar")
PROJECT_KEYS = ("namn", "forvaltning", "status", "beslutad_budget", "ack_utfall_tidigare", "budget", "varav_overfort",
                "utfall", "prognos", "beraknad_totalutgift", "kommentar")
_MONTHISH = re.compile(r"[0-9]{4}-[0-9]{1,2}")  # a month as typed, perhaps without its zero (2024-8)
PROJECT_REQUIRED = ("namn", "forvaltning", "status", "beslutad_budget", "budget", "utfall")


# --- the YAML section ------------------------------------------------------------------------


def parse_investments(parser, node, ar: int) -> list[dict]:
    """Rows (INVESTMENT_SCHEMA) of one year file's `investeringar` section; `parser` is year_file._YearParser."""
    section = parser.mapping(node, "investeringar", SECTION_KEYS)
    if not section.items:
        raise parser.error(node, "investeringar is empty; add projekt or forvaltningar")
    rows: list[dict] = []
    base = {c: None for c in INVESTMENT_SCHEMA} | {"ar": ar, "fil": parser.fil}
    if "forvaltningar" in section.items:
        fnode = parser.mapping(section.items["forvaltningar"][1], "forvaltningar of investeringar")
        for fid, (knode, body) in fnode.items.items():
            _known_forvaltning(parser, knode, fid, "investeringar.forvaltningar")
            what = f"investeringar of förvaltning {fid}"
            body = parser.mapping(body, what, FORVALTNING_KEYS)
            if not any(k in body.items for k in ("budget", "utfall", "prognos")):
                raise parser.error(knode, f"{what} has no amounts; add budget, utfall or prognos")
            value = _reader(parser, body, what)
            rows.append(base | {"typ": "forvaltning", "forvaltning": fid, "namn": value("rubrik", parser.name),
                                "budget": value("budget", parser.amount), "utfall": value("utfall", parser.amount),
                                "kommentar": value("kommentar", parser.comment), "ordning": len(rows), "rad": knode.line})
            if "prognos" in body.items:
                pnode = parser.mapping(body.items["prognos"][1], f"prognos of {what} (month: forecast of the year's utfall)")
                if not pnode.items:
                    raise parser.error(pnode, f"prognos of {what} is empty; write a month and an amount, e.g. {ar}-08: 380000")
                for month_text, (mkey, mbody) in pnode.items.items():
                    rows.append(base | {"typ": "prognos", "forvaltning": fid, "manad": parser.month(mkey, "month of prognos"),
                                        "prognos": parser.amount(mbody, f"prognos {month_text} of {what}"),
                                        "ordning": len(rows), "rad": mkey.line})
    if "projekt" in section.items:
        pnode = parser.mapping(section.items["projekt"][1], "projekt of investeringar")
        if not pnode.items:
            raise parser.error(pnode, "projekt of investeringar is empty; add a project or remove the key")
        for pid, (knode, body) in pnode.items.items():
            if not ID.fullmatch(pid):
                raise parser.error(knode, f"project id '{pid}' must be letters, digits, - or _ (e.g. simhallen)")
            project, extra = _project(parser, pid, knode, body, ar)
            rows.append(base | project | {"ordning": len(rows)})
            rows.extend(base | r | {"ordning": len(rows) + i} for i, r in enumerate(extra))
    return rows


def _reader(parser, body, what: str):
    """`value(key, parse)`: the parsed value of an optional key of `body`, or None."""
    def value(key: str, parse):
        return parse(body.items[key][1], f"{key} of {what}") if key in body.items else None
    return value


def _project(parser, pid: str, knode, body, ar: int) -> tuple[dict, list[dict]]:
    """A project's row, and its rows of months (projekt_manad) and forecasts (projekt_prognos)."""
    what = f"project {pid}"
    body = parser.mapping(body, what, PROJECT_KEYS)
    missing = [k for k in PROJECT_REQUIRED if k not in body.items]
    if missing:  # named at the project's id: the line a reader looks for
        raise parser.error(knode, f"{what} lacks {', '.join(repr(k) for k in missing)}; add "
                                  f"{'it' if len(missing) == 1 else 'them'}")
    fnode = body.items["forvaltning"][1]
    fid = parser.text(fnode, f"forvaltning of {what}")
    _known_forvaltning(parser, fnode, fid, what)
    snode = body.items["status"][1]
    status = parser.text(snode, f"status of {what}")
    if status not in STATUSES:
        close = difflib.get_close_matches(status, STATUSES, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else f"write {STATUSES_SAID}"
        if status.casefold().startswith("avslut"):  # reports say avslutade for finished projects, and for stopped ones
            hint = "write färdigställd for a project that was finished, avbruten for one stopped before it was finished"
        raise parser.error(snode, f"status '{status}' of {what} is unknown; {hint}")
    value = _reader(parser, body, what)
    ident = {"projekt": pid, "forvaltning": fid}
    months = _months(parser, body.items["utfall"][1], what, ar)
    extra = [ident | {"typ": "projekt_manad", "manad": m, "utfall": u, "rad": line} for m, u, line in months]
    extra += [ident | {"typ": "projekt_prognos", "manad": m, "prognos": p, "rad": line}
              for m, p, line in _forecasts(parser, body, what, ar)]
    return {
        "typ": "projekt", **ident, "namn": value("namn", parser.name), "status": status,
        "beslutad_budget": value("beslutad_budget", parser.amount),
        "ack_utfall_tidigare": value("ack_utfall_tidigare", parser.amount) or 0,  # a project that starts this year
        "budget": value("budget", parser.amount), "varav_overfort": value("varav_overfort", parser.amount),
        # given per month, the year's utfall is their sum, so every figure of the year stays as it was
        "utfall": sum(u for _, u, _ in months) if months else value("utfall", parser.amount),
        "manader": max(m for m, _, _ in months) if months else None,
        "beraknad_totalutgift": value("beraknad_totalutgift", parser.amount),
        "kommentar": value("kommentar", parser.comment), "rad": knode.line,
    }, extra


def _months(parser, node, what: str, ar: int) -> list[tuple[int, int, int]]:
    """A project's utfall per month (month, öre, line), as a row's utfall per month in the year file is written
    (`{2024-01: 1200.0, 2024-02: 800.0}`: from January, no month left out); [] for the year's amount."""
    if not isinstance(node, Mapping):
        return []
    example = f"utfall: {{{ar}-01: 1200.0, {ar}-02: 800.0}}"
    if not node.items:
        raise parser.error(node, f"utfall of {what} is empty; write the year's utfall (utfall: 1200.0) or its "
                                 f"months from January ({example})")
    first = next(iter(node.items))
    if not any(_MONTHISH.fullmatch(k) for k in node.items):
        raise parser.error(node.items[first][0], f"utfall of {what} is an amount for the year or amounts by month "
                                                 f"({example}); '{first}' is not a month")
    months = []
    for month_text, (mkey, mbody) in node.items.items():
        month = parser.month(mkey, f"month of utfall of {what}")
        months.append((month, parser.amount(mbody, f"utfall {month_text} of {what}"), mkey.line))
    last = max(m for m, _, _ in months)
    missing = sorted(set(range(1, last + 1)) - {m for m, _, _ in months})
    if missing:  # (a month left out is not a month without bookings: said as for the rows' months)
        raise parser.error(node, f"utfall of {what} has months up to {ar}-{last:02d} but not {ar}-{missing[0]:02d}; "
                                 "add it (0 for a month without bookings)")
    return sorted(months)


def _forecasts(parser, body, what: str, ar: int) -> list[tuple[int, int, int]]:
    """A project's forecasts of its year's utfall (month made, öre, line), written as the rows' `prognos` are."""
    if "prognos" not in body.items:
        return []
    node = body.items["prognos"][1]
    if isinstance(node, Scalar) and node.value:  # `prognos: 95000.0`: made in which month?
        value = node.value.replace(",", ".").replace(" ", "").replace("\u00a0", "")
        raise parser.error(node, f"prognos of {what} must name the month it was made in, e.g. prognos: "
                                 f"{{{ar}-08: {value}}} (the month: the forecast of the year's utfall)")
    pnode = parser.mapping(node, f"prognos of {what} (month: forecast of the year's utfall)")
    if not pnode.items:
        raise parser.error(pnode, f"prognos of {what} is empty; write a month and an amount, e.g. {ar}-08: 95000.0")
    return [(parser.month(mkey, f"month of prognos of {what}"), parser.amount(mbody, f"prognos {month_text} of {what}"),
             mkey.line) for month_text, (mkey, mbody) in pnode.items.items()]


def _known_forvaltning(parser, node, fid: str, what: str) -> None:
    known = parser.info.forvaltningar
    if fid not in known:
        close = closest(fid, known)
        hint = f"did you mean '{close}'?" if close else f"there: {', '.join(known)}"
        raise parser.error(node, f"förvaltning '{fid}' of {what} is not in this file's forvaltningar; {hint}")
