"""What an ekonom preparing the delårsrapport for tertial 2 (January–August 2024) met in October (h123)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import docx
import polars as pl
import pytest

import kfollow
from conftest import ROOT, csv_rows

EXAMPLES = ROOT / "examples" / "budgets"
SIE = ROOT / "examples" / "sie" / "budgets"
SVG = "{http://www.w3.org/2000/svg}"


def test_months_takes_a_period_as_the_other_commands(run):
    """`months` had no --period: in October it showed every booked month, January–October. `--period 8` and
    `--period 2024-08` show January–August, the figures of those months as before, the title and a note saying
    the period."""
    whole = run("months", "--budgets", EXAMPLES, "--stab", "LED", "--unit", "tkr", "-f", "csv")
    assert whole.exit_code == 0, whole.stderr
    for period in ("8", "2024-08"):
        result = run("months", "--budgets", EXAMPLES, "--stab", "LED", "--unit", "tkr", "-f", "csv", "--period", period)
        assert result.exit_code == 0, result.stderr
        rows = csv_rows(result.stdout)
        assert [r["manad"] for r in rows] == [f"2024-{m:02d}" for m in range(1, 9)]
        assert rows == csv_rows(whole.stdout)[:8]  # the months shown are unchanged
        assert (rows[-1]["budget_ack"], rows[-1]["utfall_ack"], rows[-1]["avvikelse_ack"]) == ("15357", "15843", "-486")
    table = run("months", "--budgets", EXAMPLES, "--period", "8").stdout
    assert table.startswith("Månad för månad 2024-08 (ack.), alla förvaltningar, belopp i mnkr")
    assert "2024-09" not in table.split("Anm.")[0]
    assert "Anm.: Månaderna till och med 2024-08 visas; utfall 2024 är bokfört till och med 2024-10." in table
    assert "107,6" in table and "107,8" in table  # the tertial's budget and utfall year to date
    # the last booked month is no earlier period: no note; without a period the title is the year's, as before
    october = run("months", "--budgets", EXAMPLES, "--period", "10").stdout
    assert october.startswith("Månad för månad 2024-10 (ack.)") and "visas; utfall" not in october
    assert run("months", "--budgets", EXAMPLES).stdout.startswith("Månad för månad 2024, alla förvaltningar")
    sie = run("months", "--budgets", SIE, "--period", "8", "-f", "csv")
    assert [r["manad"] for r in csv_rows(sie.stdout)][-1] == "2024-08" and sie.exit_code == 0
    # the library as the command
    report = kfollow.months(kfollow.load(EXAMPLES), period="2024-04")
    assert report.frame["manad"].to_list()[-1] == "2024-04" and report.period == "2024-04"


def test_months_refuses_a_period_not_booked_or_not_in_the_year(run):
    later = run("months", "--budgets", EXAMPLES, "--period", "11")
    assert later.exit_code == 2 and later.stdout == ""
    assert later.stderr.splitlines()[-1] == (  # (in deviation's words: found in review, h160)
        f"Error: 2024-11 is not booked yet: utfall 2024 is booked up to 2024-10 ({EXAMPLES / '2024.yaml'}); pick "
        "--period 2024-10, or add 2024-11 to the utfall once the month is booked"), later.stderr
    other = run("months", "--budgets", EXAMPLES, "--year", "2023", "--period", "2024-08")
    assert other.exit_code == 2 and "--period 2024-08 is not in --year 2023" in other.stderr
    whole_year = run("months", "--budgets", ROOT / "budgets", "--period", "8")
    assert whole_year.exit_code == 2 and "gives utfall for the whole year only" in whole_year.stderr


def _months_on_axis(svg: bytes) -> list[str]:
    from kfollow.render.charts import MONTHS

    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.text]
    return [t for t in texts if t in MONTHS]


def test_the_month_chart_of_a_period_ends_at_its_month(run, tmp_path):
    """`chart manader --period 8` was refused, and the report's month chart of `--period 8` ran to December with
    September–December empty under the title 'Månad för månad 2024'; both end in August, titled with the period."""
    pytest.importorskip("matplotlib")
    out = tmp_path / "m.svg"
    result = run("chart", "manader", "--budgets", EXAMPLES, "--period", "8", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert _months_on_axis(out.read_bytes()) == ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug"]
    root = ET.fromstring(out.read_bytes())
    assert root.find(f"{SVG}title").text == "Månad för månad januari–augusti 2024, alla förvaltningar, belopp i mnkr"
    assert "aug budget 107,6, utfall 107,8, avvikelse -0,3." in root.find(f"{SVG}desc").text
    # without a period the axis runs to December, as before
    run("chart", "manader", "--budgets", EXAMPLES, "-o", out)
    assert _months_on_axis(out.read_bytes())[-1] == "dec"

    page = tmp_path / "r.md"
    result = run("report", "--budgets", EXAMPLES, "--period", "8", "-o", page)
    assert result.exit_code == 0, result.stderr
    text = page.read_text(encoding="utf-8")
    months = text[text.index("## Månad för månad"):]
    assert "Månad för månad januari–augusti 2024, alla förvaltningar, belopp i mnkr" in months
    assert "| augusti  |" in months and "september" not in months.split("---\n")[0]
    assert "Anm.: Månaderna till och med augusti 2024 visas; utfall 2024 är bokfört till och med oktober 2024." in months
    assert _months_on_axis((tmp_path / "r-manader.svg").read_bytes())[-1] == "aug"


def _led_without_august_forecast(tmp_path):
    """examples/budgets with Ledningsstab's forecast of August left out: its latest is April's, made before the
    change of June (KS 2024-06-17 § 98) that took 1 500 tkr of its budget."""
    budgets = tmp_path / "budgets"
    shutil.copytree(EXAMPLES, budgets)
    year = budgets / "2024.yaml"
    text = year.read_text(encoding="utf-8")
    forecast = "          2024-04: 22298.0\n          2024-08: 22196.0\n"
    assert text.count(forecast) == 1
    year.write_text(text.replace(forecast, "          2024-04: 22298.0\n"), encoding="utf-8")
    return budgets


NOTE = ("Anm.: Avvikelse prognos mäter prognosen 2024-04 mot budget helår efter budgetändringar beslutade efter den "
        "(KS 2024-06-17 § 98 (påhittat)): Ledningsstab -1 500 tkr. Mot budgeten när prognosen gjordes var avvikelsen "
        "Ledningsstab 1 702 tkr (budget helår 24 000 tkr).")


def test_a_forecast_made_before_a_budget_change_is_said_so(run, tmp_path):
    """Ledningsstab's latest forecast, April's 22 298 tkr, showed +202 against the 22 500 of the budget changed in
    June, where in April it meant +1 702 against 24 000, and only `--against prognos:2024-04` said so. A note names
    the row, the change and what the forecast was against then."""
    budgets = _led_without_august_forecast(tmp_path)
    result = run("deviation", "--budgets", budgets, "--period", "8", "--unit", "tkr")
    assert result.exit_code == 0, result.stderr
    led = next(line for line in result.stdout.splitlines() if line.startswith("Ledningsstab"))
    assert "22\u00a0500" in led and "22\u00a0298  2024-04" in led and led.endswith(" 202")  # as before
    assert NOTE in result.stdout
    assert "Digitaliseringsstab +1 500" not in result.stdout  # its forecast is August's, after the change
    # every row's forecast of April (the period of July): both rows the change moved, each with its own
    july = run("deviation", "--budgets", EXAMPLES, "--period", "7").stdout
    assert ("Anm.: Avvikelse prognos mäter prognosen 2024-04 mot budget helår efter budgetändringar beslutade efter den "
            "(KS 2024-06-17 § 98 (påhittat)): Ledningsstab -1,5 mnkr, Digitaliseringsstab +1,5 mnkr. Mot budgeten när "
            "prognosen gjordes var avvikelsen Ledningsstab 1,7 mnkr (budget helår 24,0 mnkr), Digitaliseringsstab "
            "-3,3 mnkr (budget helår 32,0 mnkr).") in july
    # forecasts made after the change, a förvaltning the change leaves as it was, the original budget: nothing to say
    assert "mäter prognosen" not in run("deviation", "--budgets", EXAMPLES, "--period", "8").stdout
    assert "mäter prognosen" not in run("deviation", "--budgets", EXAMPLES, "--period", "7", "--by", "forvaltning").stdout
    assert "mäter prognosen" not in run("deviation", "--budgets", EXAMPLES, "--period", "7", "--budget",
                                        "original").stdout
    # before the change (May) the forecast knew its budget
    assert "mäter prognosen" not in run("deviation", "--budgets", EXAMPLES, "--period", "5").stdout


def test_the_note_on_an_older_forecast_in_the_report_says_its_month_in_words(run, tmp_path):
    budgets = _led_without_august_forecast(tmp_path)
    page = tmp_path / "r.md"
    result = run("report", "--budgets", budgets, "--period", "8", "--unit", "tkr", "-o", page)
    assert result.exit_code == 0, result.stderr
    assert NOTE.replace("prognosen 2024-04", "prognosen i april 2024") in page.read_text(encoding="utf-8")


def test_check_as_word_says_its_period_in_words(run, tmp_path):
    """`check --period 8 -o x.docx` was titled 'Kontroll av årsfilerna, 2024-08: fel och varningar', where every other
    Word document says the period in words."""
    out = tmp_path / "x.docx"
    result = run("check", "--budgets", EXAMPLES, "--period", "8", "-o", out)
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(out))
    assert document.paragraphs[0].text == "Kontroll av årsfilerna, augusti 2024: fel och varningar"
    assert [p.text for p in document.sections[0].header.paragraphs] == [document.paragraphs[0].text]
    # the terminal and csv keep the month as typed
    assert run("check", "--budgets", EXAMPLES, "--period", "8", "-f", "md").stdout.startswith(
        "Kontroll av årsfilerna, 2024-08: fel och varningar")


@pytest.mark.parametrize("period", [0, 13, -1, True])
def test_the_library_refuses_a_period_that_is_no_month(period):
    """`kfollow.deviation(store, period=0)` gave the whole year (`Resultat 2024 per stab`) of a year booked to
    October, `period=13` was told it was not booked and `kfollow.months(store, period=0)` raised an internal
    ValueError (found by an ekonom, h123), where the command line refuses them: a UsageError saying what a period is."""
    from kfollow.errors import UsageError

    store = kfollow.load(EXAMPLES)
    for command in (kfollow.deviation, kfollow.months, kfollow.investments):
        with pytest.raises(UsageError, match=r"is not a month; give 1–12"):
            command(store, period=period)
    assert kfollow.deviation(store, period=8).title == kfollow.deviation(store, period="2024-08").title


def test_the_library_reads_a_month_alone_as_text_as_the_command_line_does():
    """`--period 8` is August of the year, but `kfollow.deviation(store, period="8")` (a month read from a script's
    arguments) was refused with the command line's "--period '8' is not a month; write YYYY-MM" (found in review,
    session 33)."""
    store = kfollow.load(EXAMPLES)
    for command in (kfollow.deviation, kfollow.months):
        assert command(store, period="8").frame.equals(command(store, period=8).frame)
        assert command(store, period=" 08 ").title == command(store, period="2024-08").title


def test_check_of_the_library_reads_a_month_alone_as_check_period_8_does():
    """`kfollow check --period 8` is August of the folder's latest year, but `kfollow.check(folder, period="8")` was
    refused with "--period '8' is not a month; write YYYY-MM" and `period=8` was an internal AttributeError ('int'
    object has no attribute 'strip'), where deviation and months take both (found in review, h136)."""
    from kfollow.engine.thresholds import parse_limits

    limit = parse_limits("1%", "mnkr", "--require-comment-over")
    august, _ = kfollow.check(EXAMPLES, period="2024-08", comment_limit=limit)
    assert august.title == "Kontroll av årsfilerna, 2024-08: fel och varningar"
    assert august.frame.filter(pl.col("kod") == "kommentar_saknas").height > 0
    for period in ("8", 8, " 08 "):
        report, status = kfollow.check(EXAMPLES, period=period, comment_limit=limit)
        assert status is None
        assert report.title == august.title
        assert report.frame.equals(august.frame)
    with pytest.raises(TypeError, match=r"^period is a month, 1–12, or 'YYYY-MM', not 8.0"):
        kfollow.check(EXAMPLES, period=8.0)


@pytest.mark.parametrize("period", [8.0, b"2024-08", ["2024-08"]])
def test_the_library_says_what_a_period_is_given_another_kind_of_value(period):
    """`kfollow.deviation(store, period=8.0)` was an internal AttributeError ('float' object has no attribute 'strip');
    a value that is neither a month number nor text is Python's TypeError saying what it takes (found in review, h126)."""
    store = kfollow.load(EXAMPLES)
    for command in (kfollow.deviation, kfollow.months):
        with pytest.raises(TypeError, match=r"^period is a month, 1–12, or 'YYYY-MM', not "):
            command(store, period=period)
    # the frames behind them, which take a month number alone, say so as a TypeError too (they said UsageError
    # 'period 8.0 is not a month', where kfollow.deviation says TypeError: found in review, h131)
    for frame in (kfollow.deviation_report, kfollow.months_report):
        with pytest.raises(TypeError, match=r"^period is a month, a whole number 1–12, not "):
            frame(store, 2024, period=period)


@pytest.mark.parametrize("month", [0, 13, -1, True])
def test_the_library_s_frames_refuse_a_month_that_is_no_month(month):
    """The frames behind the reports (`kfollow.deviation_report`, `compare_report`, `months_report`, months as numbers
    1–12) took what `kfollow.deviation` refuses since 8d5188e: `deviation_report(store, 2024, period=0)` and
    `compare_report(…, period=0)` gave ten rows of some figures, `months_report(…, period=0)` raised polars' 'cannot
    concat empty list' (found in review, h126)."""
    from kfollow.errors import UsageError

    store = kfollow.load(EXAMPLES)
    for frame, given, kwargs in ((kfollow.deviation_report, "period", {}), (kfollow.months_report, "period", {}),
                                 (kfollow.deviation_report, "against", {"period": 8}),
                                 (kfollow.budget_changes_report, "month", {})):
        with pytest.raises(UsageError, match=rf"^{given} {month!r} is not a month; give 1–12 \(a month of the year\)$"):
            frame(store, 2024, **{given: month}, **kwargs)
    with pytest.raises(UsageError, match=r"is not a month; give 1–12"):
        kfollow.compare_report(store, 2023, 2024, period=month)
    assert kfollow.months_report(store, 2024, period=8)["manad"].to_list()[-1] == "2024-08"


def test_a_top_list_says_of_the_forecasts_and_changes_of_the_rows_it_lists(run):
    """`deviation --period 7 --top 2` lists Ekonomistab and Digitaliseringsstab, and its notes on forecasts made before
    a budget change (424fdca) and on the change since `--against prognos:2024-04` named Ledningsstab too, a row the
    list does not show, with its -1,5 mnkr and 1,7 mnkr (found in review, h126): they speak of the rows listed."""
    result = run("deviation", "--budgets", EXAMPLES, "--period", "7", "--top", "2", "--against", "prognos:2024-04")
    assert result.exit_code == 0, result.stderr
    listed = [line.split("  ")[0] for line in result.stdout.splitlines()[4:6]]
    assert listed == ["Ekonomistab", "Digitaliseringsstab"], result.stdout
    assert ("Anm.: Avvikelse prognos mäter prognosen 2024-04 mot budget helår efter budgetändringar beslutade efter den "
            "(KS 2024-06-17 § 98 (påhittat)): Digitaliseringsstab +1,5 mnkr. Mot budgeten när prognosen gjordes var "
            "avvikelsen Digitaliseringsstab -3,3 mnkr (budget helår 32,0 mnkr).") in result.stdout, result.stdout
    assert ("Anm.: Förändring avvikelse räknar med budgetändringar beslutade efter prognosen 2024-04 (KS 2024-06-17 § 98 "
            "(påhittat)): Digitaliseringsstab +1,5 mnkr.") in result.stdout, result.stdout
    assert "Ledningsstab" not in result.stdout
    # a list without a row the changes moved says nothing of them
    one = run("deviation", "--budgets", EXAMPLES, "--period", "7", "--top", "1", "--against", "prognos:2024-04")
    assert one.exit_code == 0 and "Ekonomistab" in one.stdout, one.stderr
    assert "budgetändringar" not in one.stdout and "Ledningsstab" not in one.stdout, one.stdout


def test_a_forvaltning_shown_as_one_row_is_named_with_the_changes_since_its_forecast(run, tmp_path):
    """Serviceförvaltningen, a förvaltning shown as one row in the view per stab (no staber; resultat), given +500 tkr
    by the change of June after its forecast of April: `deviation --period 7` named Ledningsstab and
    Digitaliseringsstab in its note on forecasts made before a change (424fdca) and left it out, as did `--against
    prognos:2024-04`'s note on the changes since, where `--by forvaltning` names it (found in review, h126)."""
    budgets = tmp_path / "budgets"
    shutil.copytree(EXAMPLES, budgets)
    year = budgets / "2024.yaml"
    line = "      - {forvaltning: KSF, stab: DIG, belopp: 1500.0}\n"
    text = year.read_text(encoding="utf-8")
    assert text.count(line) == 1
    year.write_text(text.replace(line, line + "      - {forvaltning: SERV, belopp: 500.0}\n"), encoding="utf-8")
    serv = "Serviceförvaltningen (internt prissatt)"
    for by in ("stab", "forvaltning"):
        result = run("deviation", "--budgets", budgets, "--period", "7", "--unit", "tkr", "--by", by, "--against",
                     "prognos:2024-04")
        assert result.exit_code == 0, result.stderr
        assert f"{serv} +500 tkr. Mot budgeten när prognosen gjordes var avvikelsen" in result.stdout, result.stdout
        assert f"{serv} -900 tkr (budget helår 0 tkr)" in result.stdout, result.stdout
        changed = next(line for line in result.stdout.splitlines() if line.startswith("Anm.: Förändring avvikelse"))
        assert f"{serv} +500 tkr" in changed, changed
    # the view per stab names the staber the change moved as before, beside it
    assert ("Ledningsstab -1 500 tkr, Digitaliseringsstab +1 500 tkr, Serviceförvaltningen (internt prissatt) +500 tkr. "
            "Mot budgeten när prognosen gjordes var avvikelsen Ledningsstab 1 702 tkr (budget helår 24 000 tkr), "
            "Digitaliseringsstab -3 309 tkr (budget helår 32 000 tkr), Serviceförvaltningen (internt prissatt) -900 tkr "
            "(budget helår 0 tkr).") in run("deviation", "--budgets", budgets, "--period", "7", "--unit", "tkr").stdout


def test_an_amount_in_a_note_is_said_as_the_table_rounds_it_and_a_small_one_in_kronor():
    """`options.in_unit`, the one way a note says an amount: rounded as the table in its unit, exactly where asked, and
    an amount that would round to 0 in kronor (it said `0,00000005 mnkr` of 5 öre, and `+0,0 mnkr` of 30 000 kr
    before: found in review, h126 and h131)."""
    from kfollow.options import in_unit

    assert in_unit(-123_456_700, "mnkr", sign=True) == "-1,2 mnkr"
    assert in_unit(150_000_000, "tkr", sign=True) == "+1 500 tkr"
    assert in_unit(-123_456_700, "mnkr", rounded=False) == "-1,234567 mnkr"
    assert in_unit(3_000_000, "mnkr", sign=True) == "+30 000 kr"
    assert in_unit(5, "mnkr") == "0,05 kr" and in_unit(-5, "kr") == "-0,05 kr"
    assert in_unit(0, "mnkr") == "0 mnkr" and in_unit(-130_000_000, "tkr", rounded=False) == "-1 300 tkr"


def test_the_notes_on_a_budget_change_round_it_alike(run, tmp_path):
    """A change of ±1 234,567 tkr was -1,2 mnkr in the note on a forecast made before it and -1,234567 mnkr in the
    note on the change since the forecast compared with (found in review, h126): both say it as the table rounds."""
    budgets = tmp_path / "budgets"
    shutil.copytree(EXAMPLES, budgets)
    year = budgets / "2024.yaml"
    text = year.read_text(encoding="utf-8")
    assert text.count("belopp: -1500.0}") == 1 and text.count("belopp: 1500.0}") == 1
    year.write_text(text.replace("belopp: -1500.0}", "belopp: -1234.567}").replace("belopp: 1500.0}", "belopp: 1234.567}"),
                    encoding="utf-8")
    result = run("deviation", "--budgets", budgets, "--period", "7", "--against", "prognos:2024-04", "--stab", "LED")
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stdout.splitlines() if line.startswith("Anm.:")]
    assert [n.split("§ 98 (påhittat)): ")[1].split(".")[0] for n in notes] == ["Ledningsstab -1,2 mnkr"] * 2, notes
    result = run("deviation", "--budgets", budgets, "--period", "7", "--against", "prognos:2024-04", "--stab", "LED",
                 "--unit", "kr")
    assert result.stdout.count("Ledningsstab -1 234 567 kr") == 2, result.stdout
