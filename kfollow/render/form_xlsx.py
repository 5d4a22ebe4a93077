"""A `Form` → an .xlsx workbook a budget holder fills in (xlsxwriter, in memory).

The first sheet (`form.SHEET`) shows the figures and has the input cells, yellow and unlocked, each
directly right of its label (`Prognos helår`, `Kommentar`); everything else is locked by sheet
protection without a password (it guards against slips, not people). The very hidden, protected
sheet `form.ID_SHEET` holds the form's identity, where its input cells are and every locked cell as
written, so that `kfollow collect` can tell an answer from an edit. Amounts are exact in the form's
unit (a Decimal per cell), text stays text (no formulas, no URLs), and the same form gives the same bytes.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from kfollow.form import ID_SHEET, INPUT_KEY, KOMMENTAR_LABEL, LOCKED_KEY, PROGNOS_LABEL, SHEET, Form
from kfollow.options import ORE_PER_UNIT, Options
from kfollow.render.columns import FORMULA
from kfollow.render.numbers import amount_beyond, percent, readable_amount
from kfollow.render.xlsx import CREATED, number_format, same_everywhere
from kfollow.report import EXACT, PERCENT_PLACES, Kind

INPUT_FILL = "#FFF2CC"
WIDTHS = (34, 16, 16, 16, 16, 16, 16, 48)
LAST_COL = len(WIDTHS) - 1


def _cell(row: int, col: int) -> str:
    return f"{chr(ord('A') + col)}{row + 1}"


def _places_of(limit: float) -> int:
    """The decimals a percent limit was given with (4.05 → 2), one at least and four at most: the
    limit reads as typed, not rounded to `4,1`."""
    from decimal import Decimal

    return min(max(-Decimal(repr(limit)).normalize().as_tuple().exponent, 1), 4)


def _rule(form: Form, places: int) -> str:
    """`Kommentar krävs: avvikelsen är 9,1 mnkr (26,1 %), över 5 %.`"""
    rule = form.extra.get("kommentar") or {}
    if rule.get("kravs") is None:
        return "Kommentar: förklara gärna avvikelsen."
    if rule["avvikelse"] is None:  # no budget (or no utfall) to set against: nothing to be within or beyond
        return "Kommentar: avvikelsen är okänd (ingen budget att jämföra med); förklara gärna utfallet."
    # (below 1 mnkr in tkr, as messages say amounts: 30 tkr, not 0,0 mnkr; to the krona where rounding
    # would show it no larger than a limit in kronor it is beyond: 500 400 kr, not 500 tkr beside 500 tkr)
    amount = amount_beyond(rule["avvikelse"], form.unit, places, [o for o, p in rule["gransen"] if p is None])
    pct = percent(rule["avvikelse_pct"], exact=rule.get("avvikelse_pct_exakt"), places=rule.get("decimaler", 1))
    what = f"avvikelsen är {amount}" + (f" ({pct} %)" if pct else "")
    zero = not pct and bool(rule["avvikelse"])  # a budget of 0: no percent of it, every deviation is beyond one

    typed = dict(zip(rule["gransen"], rule.get("gransen_text") or []))  # a limit as it was given (`1,25 mnkr`)

    def said(o, p) -> str:
        return f"{percent(p, places=_places_of(p))} %" if p is not None else \
            typed.get((o, p)) or readable_amount(o, form.unit, places)

    if rule["kravs"]:  # beyond every limit
        if zero and any(p is not None for _, p in rule["gransen"]):
            amounts = [(o, p) for o, p in rule["gransen"] if p is None]
            percents = [(o, p) for o, p in rule["gransen"] if p is not None]
            beyond = f", mer än {_both(said, amounts)}" if amounts else ""
            return (f"Kommentar krävs: {what} mot budget 0{beyond}; i procent av 0 är varje avvikelse mer än "
                    f"{_both(said, percents)}.")
        return f"Kommentar krävs: {what}, mer än {_both(said, rule['gransen'])}."
    # not beyond every limit: the ones it is within (a comment is asked for only beyond all of them)
    within = [(o, p) for o, p in rule["gransen"] if _within(rule, o, p)] or rule["gransen"]
    return f"Kommentar krävs inte: {what}, inom {' och '.join(said(o, p) for o, p in within)}."


def _both(said, limits) -> str:
    return " och ".join(said(o, p) for o, p in limits)


def _within(rule: dict, ore: int | None, pct: float | None) -> bool:
    """Whether the form's deviation is within one limit (an amount, or a percent of the budget)."""
    from decimal import Decimal

    from kfollow.report import PERCENT_PLACES

    if rule["avvikelse"] is None:
        return True
    if pct is None:
        return abs(rule["avvikelse"]) <= ore
    exact = rule.get("avvikelse_pct_exakt")
    if exact is None:
        return rule["avvikelse_pct"] is not None and abs(rule["avvikelse_pct"]) <= pct
    return abs(Decimal(exact).scaleb(-PERCENT_PLACES)) <= Decimal(repr(pct))


def to_form_xlsx(form: Form, opts: Options = Options()) -> bytes:
    """The form as workbook bytes."""
    import xlsxwriter

    places = opts.places(form.unit)
    scale = Decimal(ORE_PER_UNIT[form.unit])
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False, "in_memory": True})
    book.set_properties({"title": f"{form.title}: {form.identity['namn']}", "created": CREATED})
    sheet = book.add_worksheet(SHEET)
    ids = book.add_worksheet(ID_SHEET)
    made: dict[tuple, object] = {}
    props_of: dict[int, dict] = {}

    def style(props: dict):  # one format per set of properties, and what each was made of
        key = tuple(sorted(props.items()))
        if key not in made:
            made[key] = book.add_format(props)
            props_of[id(made[key])] = props
        return made[key]

    bold = style({"bold": True})
    bold_top = style({"bold": True, "valign": "top"})  # a label beside a tall input cell
    title = style({"bold": True, "font_size": 14})
    money_fmt = style({"num_format": number_format(places)})
    pct_fmt = style({"num_format": "0.0"})
    wrap = style({"text_wrap": True, "valign": "top"})
    header = style({"bold": True, "bottom": 1, "text_wrap": True, "valign": "bottom"})
    note = style({"italic": True})
    given = {"border": 1, "bg_color": INPUT_FILL, "locked": False}
    in_money = style(given | {"num_format": number_format(places), "align": "right", "valign": "top"})
    in_text = style(given | {"text_wrap": True, "valign": "top"})
    locked: list[tuple[str, str, str]] = []
    inputs: list[tuple[str, str]] = []

    def text(row: int, col: int, value: str, fmt=None) -> None:
        if not value:  # an empty string is no cell: nothing to record
            return
        if re.match(FORMULA, value):  # a name or comment from a person: text that a spreadsheet never runs
            fmt = style(props_of.get(id(fmt), {}) | {"quote_prefix": True})
        sheet.write_string(row, col, value, fmt)
        locked.append((_cell(row, col), "s", value))

    def amount(row: int, col: int, kind: Kind, value, exact: int | None = None, fmt=None) -> None:
        if value is None:
            return
        if kind is Kind.money:
            number = Decimal(value) / scale
            sheet.write_number(row, col, number, fmt or money_fmt)
            locked.append((_cell(row, col), "n", f"{number:.16G}"))  # what the cell holds, as xlsxwriter writes it
        elif kind is Kind.percent:
            if exact is not None:  # the exact percent truncated to 6 decimals: shown with one, it rounds as tables do
                truncated = abs(exact) // 10 ** (PERCENT_PLACES - 6)
                value = float(Decimal(-truncated if exact < 0 else truncated).scaleb(-6))
            sheet.write_number(row, col, value, pct_fmt)
            locked.append((_cell(row, col), "n", f"{value:.16G}"))
        else:
            text(row, col, str(value))

    def answer(row: int, col: int, what: str, fmt, prompt: str) -> None:
        sheet.write_blank(row, col, None, fmt)
        sheet.data_validation(row, col, row, col, {"validate": "any", "input_title": what.split(":")[0].capitalize(),
                                                   "input_message": prompt})
        inputs.append((what, _cell(row, col)))

    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    row = 0
    text(row, 0, f"{form.title}: {form.identity['namn']}", title)
    row += 1
    for line in form.lines:
        text(row, 0, line)
        row += 1
    text(row, 0, _rule(form, places), bold)
    row += 1
    text(row, 0, "Skriv i de gula cellerna; resten av bladet är låst.", note)
    row += 2

    figures = form.figures
    values = figures.frame.row(0, named=True)
    for column in figures.columns:
        if not column.people:
            continue
        text(row, 0, column.header)
        if values[column.name] is None:
            text(row, 1, "–")
        else:
            amount(row, 1, column.kind, values[column.name], values.get(column.name + EXACT))
        row += 1
    if form.reference is not None:
        label, comment = form.reference
        text(row, 0, label)
        quoted = re.match(FORMULA, comment) is not None  # (a person's text: never run, as in `text`)
        sheet.merge_range(row, 1, row, LAST_COL, "", style(props_of[id(wrap)] | {"quote_prefix": True}) if quoted else wrap)
        sheet.write_string(row, 1, comment, style(props_of[id(wrap)] | {"quote_prefix": True}) if quoted else wrap)
        locked.append((_cell(row, 1), "s", comment))
        sheet.set_row(row, 15 * min(8, 1 + len(comment) // 110 + comment.count("\n")))
        row += 1
    row += 1

    given = f"Given i årsfilen för {form.period} (ändras där, inte här)."  # an answer too would be the month twice
    text(row, 0, PROGNOS_LABEL, bold)
    if "prognos" in form.typed:
        text(row, 1, given, note)
    else:
        # (what to type, and with which sign: the form did not say; found reading it as a kommunekonom)
        answer(row, 1, "prognos", in_money, "Väntat utfall för hela året (inte avvikelsen), som ett tal i "
                                            "tabellens enhet och med samma tecken som Budget helår, t.ex. 16,5.")
    row += 1
    text(row, 0, KOMMENTAR_LABEL, bold_top)
    if "kommentar" in form.typed:
        text(row, 1, given, note)
        row += 2
    else:
        sheet.merge_range(row, 1, row, LAST_COL, None, in_text)
        answer(row, 1, "kommentar", in_text, "Förklara avvikelsen och vad som görs åt den.")
        sheet.set_row(row, 110)
        row += 2

    if form.parts is not None and form.parts.frame.height:
        parts = form.parts
        people = [c for c in parts.columns if c.people]
        text(row, 0, "Per kostnadsslag (frivilligt; prognosen med samma tecken som budgeten i tabellen)", bold)
        row += 1
        for col, column in enumerate(people):
            text(row, col, column.header, header)
        text(row, len(people), PROGNOS_LABEL, header)
        text(row, LAST_COL, KOMMENTAR_LABEL, header)
        row += 1
        top_text = style({"valign": "top"})  # a part's row is two lines high: all of it at the top
        top_money = style({"num_format": number_format(places), "valign": "top"})
        for values in parts.frame.iter_rows(named=True):
            for col, column in enumerate(people):
                if column.kind is Kind.text:
                    text(row, col, values[column.name] or "", top_text)
                else:
                    amount(row, col, column.kind, values[column.name], fmt=top_money)
            if values["kostnadsslag"] is not None:
                kid = values["kostnadsslag"]
                # (a förvaltning shown as resultat shows its intäkter positive, its costs negative: found in
                # review, h60)
                signs = "en intäkt positiv, en kostnad negativ" if form.extra.get("resultat") else "en intäkt negativ"
                answer(row, len(people), f"prognos:{kid}", in_money, "Väntat utfall för kostnadsslaget hela året "
                                                                       "(inte avvikelsen), med samma tecken som dess "
                                                                       f"budget: {signs}, t.ex. 9,5 eller -2,0.")
                answer(row, LAST_COL, f"kommentar:{kid}", in_text, "Förklara kostnadsslagets avvikelse.")
                sheet.set_row(row, 30)
            row += 1

    # printed (or saved as PDF) whole: A4 landscape, every column on one page's width
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.print_area(0, 0, row, LAST_COL)
    sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True,
                       "format_rows": True})
    sheet.activate()

    # the identity sheet: key | value, then the input cells and every locked cell as written
    r = 0
    for key, value in form.identity.items():
        ids.write_string(r, 0, key)
        ids.write_string(r, 1, value)
        r += 1
    for what, cell in inputs:
        for col, value in enumerate((INPUT_KEY, what, cell)):
            ids.write_string(r, col, value)
        r += 1
    for cell, kind, value in locked:
        for col, v in enumerate((LOCKED_KEY, cell, kind, value)):
            ids.write_string(r, col, v)
        r += 1
    ids.protect("")
    ids.very_hidden()
    book.close()
    return same_everywhere(buffer.getvalue())  # (on Windows too: found in review, h126)
