"""Investments followed month by month: a project's utfall per month and its forecasts in the year file,
`kfollow investments --period` (found by an investment controller: a monthly report had only the year's budget
against the utfall so far, with a note, no ack. utfall to a month and no forecast)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from conftest import ROOT, csv_rows, small_year
from kfollow.errors import ExitStatus, UsageError
from kfollow.engine.investments import investments_report
from kfollow.sources.year_file import load_budgets

README = (ROOT / "README.md").read_text(encoding="utf-8")
START = README.index("During the year, a controller follows the investments month by month")
SECTION = re.search(r"```yaml\n(.*?)```", README[START:], flags=re.DOTALL).group(1)  # the README's section
SHOWN = re.search(r"```\n(\$ kfollow investments --budgets exempel .*?)```", README[START:], flags=re.DOTALL).group(1)


@pytest.fixture
def exempel(tmp_path: Path) -> Path:
    """examples/budgets (utfall booked January–October) with the README's investeringar section."""
    folder = tmp_path / "exempel"
    shutil.copytree(ROOT / "examples" / "budgets", folder)
    year = folder / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8") + "\n" + SECTION, encoding="utf-8")
    return folder


def _rows(run, folder: Path, *args: str) -> dict[str, dict]:
    result = run("investments", "--budgets", folder, "--format", "csv", "--unit", "tkr", "--decimals", "1", *args)
    assert result.exit_code == 0, result.stderr
    return {r["namn"]: r for r in csv_rows(result.stdout)}


def test_the_readme_example_is_real_output(run, exempel, monkeypatch):
    monkeypatch.chdir(exempel.parent)
    command, *shown = SHOWN.rstrip("\n").splitlines()
    result = run(*command.split("#")[0].split()[2:])
    assert result.exit_code == 0, result.stderr
    assert [l.rstrip() for l in result.stdout.strip("\n").splitlines()] == [l.rstrip() for l in shown]


def test_the_year_is_the_sum_of_the_months_and_a_period_the_months_up_to_it(run, exempel):
    year = load_budgets(exempel)
    frame = investments_report(year, 2024)  # the year: every figure as if typed for the whole year
    assert frame.filter(pl.col("projekt") == "forskola-norr")["utfall"].item() == 2_222_650_000  # 22 226,5 tkr, öre
    august = _rows(run, exempel, "--period", "2024-08")
    norr, gata = august["Förskola Norr"], august["Gata Centrum"]
    # January–August: 850 + 1 210,5 + 2 340 + 2 980,2 + 3 105 + 2 870,4 + 610 + 1 950,3 = 15 916,4 tkr
    assert (norr["utfall"], norr["ack_utfall"], norr["avvikelse"], norr["budgetavvikelse_ack"]) == (
        "15916.4", "17916.4", "15883.6", "42083.6")
    assert (gata["utfall"], gata["avvikelse"]) == ("8111.0", "3889.0")
    # the forecast of August (not April's 30 500), against the year's budget
    assert (norr["prognos"], norr["prognos_period"], norr["prognos_avvikelse"]) == ("28400.0", "2024-08", "3400.0")
    assert (gata["prognos"], gata["prognos_avvikelse"]) == ("12600.0", "-600.0")
    june = _rows(run, exempel, "--period", "2024-06")
    assert (june["Förskola Norr"]["prognos"], june["Förskola Norr"]["prognos_period"]) == ("30500.0", "2024-04")
    assert june["Gata Centrum"]["prognos"] == ""  # made in August: not yet in June
    assert june["Förskola Norr"]["utfall"] == "13356.1"


def test_a_project_given_for_the_year_only_is_said_and_not_spread(run, exempel):
    august = _rows(run, exempel, "--period", "2024-08")
    it = august["Ärendesystem"]
    assert (it["budget"], it["utfall"], it["ack_utfall"], it["avvikelse"], it["prognos"]) == ("4000.0", "", "", "", "")
    assert august["Summa investeringar"]["utfall"] == "" and august["Summa investeringar"]["budget"] == "47800.0"
    text = run("investments", "--budgets", exempel, "--period", "2024-08").stdout
    assert ("Anm.: Utfall januari–augusti saknas för Ärendesystem: årsfilen anger bara årets utfall, inte per månad, "
            "och kfollow fördelar det inte; skriv utfallet per månad (utfall: {2024-01: …}). Summorna över det saknas "
            "också.") in text
    assert ("Anm.: Ingen prognos är gjord till och med 2024-08 för Ärendesystem: Avvikelse prognos är – för det och "
            "för summorna över det; Avvikelse visar det som återstår av årets budget.") in text
    # written per month too, the sums are known
    year = exempel / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace(
        "      utfall: 1850.0 ", "      prognos: {2024-07: 3900.0}\n      utfall: {2024-01: 0, 2024-02: 0, 2024-03: 200.0, "
        "2024-04: 300.0, 2024-05: 150.0, 2024-06: 400.0, 2024-07: 0, 2024-08: 500.0, 2024-09: 300.0, 2024-10: 0} "),
        encoding="utf-8")
    august = _rows(run, exempel, "--period", "2024-08")
    total = august["Summa investeringar"]
    assert (total["utfall"], total["avvikelse"], total["prognos"], total["prognos_avvikelse"]) == (
        "25577.4", "22222.6", "44900.0", "2900.0")  # 15 916,4 + 8 111 + 1 550; 28 400 + 12 600 + 3 900
    assert total["prognos_period"] == ""  # forecasts of July and August
    text = run("investments", "--budgets", exempel, "--period", "2024-08").stdout
    assert "saknas för" not in text and "Ingen prognos" not in text
    assert "Anm.: Prognos från är – på summaraderna: deras prognoser är gjorda i olika månader." in text


def test_without_a_period_the_last_month_every_project_has_booked(run, exempel):
    result = run("investments", "--budgets", exempel, "--unit", "tkr")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Investeringar 2024-10 (ack.), belopp i tkr"
    assert result.stderr == ("note: investment utfall 2024 is booked up to 2024-10: showing 2024-10 (ack.); --period "
                             "chooses another month\n")
    assert "Anm.: Utfall är ack. utfall januari–oktober och Budget helårets, så Avvikelse är det som återstår av årets " \
           "budget, inget överskott." in result.stdout


def test_a_period_after_the_months_booked_is_refused(run, exempel):
    result = run("investments", "--budgets", exempel, "--period", "2024-11")
    assert result.exit_code == ExitStatus.USAGE and result.stdout == ""
    line = next(i for i, l in enumerate((exempel / "2024.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if l == "    forskola-norr:")
    assert result.stderr == (f"Error: 2024-11 is not booked yet: utfall of project forskola-norr ({exempel / '2024.yaml'}"
                             f":{line}) and 1 more project(s) is booked up to 2024-10; pick --period 2024-10, or add "
                             "2024-11 to its utfall once the month is booked\n")
    with pytest.raises(UsageError):
        investments_report(load_budgets(exempel), 2024, month=11)


def test_the_month_end_report_shows_the_investments_to_the_month(run, exempel, tmp_path):
    out = tmp_path / "t2.md"
    assert run("report", "--budgets", exempel, "--period", "2024-08", "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "Investeringar januari–augusti 2024, belopp i mnkr" in text
    row = next(l for l in text.splitlines() if l.startswith("| Förskola Norr"))
    assert [c.strip() for c in row.strip("|").split("|")][2:11] == [
        "60,0", "17,9", "42,1", "31,8", "0,0", "15,9", "15,9", "28,4", "3,4"]


def test_a_year_file_without_months_keeps_its_table_and_note(run, budgets_dir):
    """Projects given for the year only, asked for a month: the year file's figures, as before, with the note."""
    result = run("investments", "--budgets", budgets_dir, "--period", "2024-08", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == run("investments", "--budgets", budgets_dir, "--year", "2024", "--format", "csv").stdout
    text = run("investments", "--budgets", budgets_dir, "--period", "2024-08").stdout
    assert "Investeringarna har inga månader: Budget och Utfall är helårets 2024, inte januari–augusti." in text


BROKEN = {  # the project's lines as the README writes them → a broken form, the message, the text it is at
    "a month left out": ("        2024-03: 2340.0\n", "", "utfall of project forskola-norr has months up to 2024-10 but "
                         "not 2024-03; add it (0 for a month without bookings)", "        2024-01: 850.0"),
    "a month of another year": ("        2024-01: 850.0\n", "        2023-01: 850.0\n", "month of utfall of project "
                                "forskola-norr 2023-01 is not in 2024, the year of this file; if it is 2023's, it "
                                "belongs in 2023.yaml, not here (a year file begun as a copy of 2023.yaml starts "
                                "without 2023's utfall, prognos, kommentarer and ombudgeteringar: remove them); if it "
                                "is 2024's, write 2024-01", "2023-01"),
    "a month without its zero": ("        2024-02: 1210.5\n", "        2024-2: 1210.5\n", "month of utfall of project "
                                 "forskola-norr '2024-2' is not a month; write YYYY-MM, e.g. 2024-02", "2024-2"),
    "a Swedish amount": ("        2024-02: 1210.5\n", "        2024-02: 1 210,5\n", "utfall 2024-02 of project "
                         "forskola-norr '1 210,5' is written the Swedish way; write 1210.5 (decimal point, no spaces)",
                         "1 210,5"),
    "no months": ("      utfall: 1850.0 ", "      utfall: {kostnader: 1850.0} ", "utfall of project arendesystem is an "
                  "amount for the year or amounts by month (utfall: {2024-01: 1200.0, 2024-02: 800.0}); 'kostnader' is "
                  "not a month", "kostnader"),
    "empty months": ("      utfall: 1850.0 ", "      utfall: {} ", "utfall of project arendesystem is empty; write the "
                     "year's utfall (utfall: 1200.0) or its months from January (utfall: {2024-01: 1200.0, "
                     "2024-02: 800.0})", "{}"),
    "a forecast without its month": ("      prognos: {2024-08: 12600.0}\n", "      prognos: 12600.0\n",
                                     "prognos of project gata-centrum must name the month it was made in, e.g. prognos: "
                                     "{2024-08: 12600.0} (the month: the forecast of the year's utfall)", "12600.0"),
    "a forecast of another year": ("      prognos: {2024-08: 12600.0}\n", "      prognos: {2025-08: 12600.0}\n",
                                   "month of prognos of project gata-centrum 2025-08 is not in 2024, the year of this "
                                   "file; if it is 2025's, put it in 2025.yaml; if it is 2024's, write 2024-08", "2025-08"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_month_or_forecast_is_one_line_at_file_line_column(run, exempel, case):
    old, new, message, at = BROKEN[case]
    path = exempel / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\ninvesteringar:")
    assert text.count(old, start) == 1, old
    text = text[:start] + text[start:].replace(old, new)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    line = next(i for i, l in enumerate(lines, 1) if i > text[:start].count("\n") + 1 and at in l)
    column = lines[line - 1].index(at.strip()) + 1
    for command in ("investments", "check"):
        result = run(command, "--budgets", exempel)
        assert result.exit_code == ExitStatus.DATA, (command, result.stderr)
        if command == "investments":
            assert result.stderr == f"Error: {path}:{line}:{column}: {message}\n"
        else:
            assert f"{path}:{line}:{column}: fel: {message}\n" in result.stdout, result.stdout


def test_the_summary_compares_whole_years_of_investments_too(run, budgets_copy):
    """The bundled year with civil beredskap's utfall given per month up to October: the summary's investment line
    would be ten months' utfall read as the year's."""
    year = budgets_copy / "2024.yaml"
    text = year.read_text(encoding="utf-8")
    months = ", ".join(f"2024-{m:02d}: {'1021.3' if m < 10 else '1021.5'}" for m in range(1, 11))  # 10 213,2
    assert text.count("      utfall: 10213.8\n") == 1
    year.write_text(text.replace("      utfall: 10213.8\n", f"      utfall: {{{months}}}\n"), encoding="utf-8")
    result = run("summary", "--budgets", budgets_copy)
    assert result.exit_code == ExitStatus.USAGE
    assert result.stderr == ("Error: investment utfall 2024 is booked up to 2024-10; the summary compares whole years "
                             "(for the year to date: kfollow investments --period 2024-10)\n")


def _finished_in_march(folder: Path, bil: str = "färdigställd") -> Path:
    """A 2024 with its drift booked January–December, Skola (pågående) 450 tkr every month and Bil (`bil`) booked
    January–March only (found in review: a car bought by March made the closed year read as booked to March)."""
    months = ", ".join(f"2024-{m:02d}: 100.0" for m in range(1, 13))
    skola = ", ".join(f"2024-{m:02d}: 450.0" for m in range(1, 13))
    year = small_year(folder, f"""\
  KSF:
    namn: Kommunstyrelseförvaltningen
    staber:
      LED:
        namn: Ledningsstab
        budget: 1200.0
        utfall: {{{months}}}
""")
    path = year / "2024.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"""\
investeringar:
  projekt:
    skola:
      namn: Skola
      forvaltning: KSF
      status: pågående
      beslutad_budget: 20000.0
      budget: 6000.0
      utfall: {{{skola}}}
    bil:
      namn: Bil
      forvaltning: KSF
      status: {bil}
      beslutad_budget: 900.0
      budget: 900.0
      utfall: {{2024-01: 300, 2024-02: 300, 2024-03: 250}}
""", encoding="utf-8")
    return year


def test_a_project_finished_mid_year_leaves_the_closed_year_whole(run, tmp_path):
    """A färdigställd (or avbruten) project books nothing after its last month: its later months are 0, and the
    year is booked to December (it was 'booked by every project up to 2024-03 (some up to 2024-12): showing
    2024-03 (ack.)', Skola at three months, and summary, indicators and --period 2024-12 refused it)."""
    folder = _finished_in_march(tmp_path / "b")
    result = run("investments", "--budgets", folder, "--unit", "tkr")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.splitlines()[0] == "Investeringar 2024, belopp i tkr"
    for args in ((), ("--period", "2024-12")):
        rows = _rows(run, folder, *args)
        assert (rows["Skola"]["utfall"], rows["Bil"]["utfall"], rows["Summa investeringar"]["utfall"]) == (
            "5400.0", "850.0", "6250.0")
    june = _rows(run, folder, "--period", "2024-06")  # Bil's months after March are 0, not missing
    assert (june["Skola"]["utfall"], june["Bil"]["utfall"]) == ("2700.0", "850.0")
    summary = run("summary", "--budgets", folder, "--year", "2024", "--unit", "tkr", "--format", "csv")
    assert summary.exit_code == 0, summary.stderr
    assert [(r["radtyp"], r["utfall"], r["budget"]) for r in csv_rows(summary.stdout)][1] == (
        "investeringar", "6250", "6900")
    indicators = run("indicators", "--budgets", folder, "--format", "csv")
    row = next(r for r in csv_rows(indicators.stdout) if r["indikator"] == "avvikelse_investering")
    assert row["varde_2024"] == "9.4"  # (6 900 − 6 250) / 6 900 = 9,42 %: the year's, no longer –
    out = tmp_path / "r.md"
    assert run("report", "--budgets", folder, "--year", "2024", "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "Investeringar 2024, belopp i mnkr" in text and "januari–mars" not in text


def test_a_pagaende_project_that_stops_early_is_a_gap_named(run, tmp_path):
    """Bil (pågående) booked January–March in a year booked to December: the table without --period is the year's,
    Bil – with the sums over it and named on stderr, as the report shows it (it was 'Investeringar 2024-03 (ack.)',
    every project cut to Bil's month; found in review, h98); the summary, of whole years, refuses it."""
    folder = _finished_in_march(tmp_path / "b", bil="pågående")
    path = folder / "2024.yaml"
    line = path.read_text(encoding="utf-8").splitlines().index("    bil:") + 1
    said = (f"investment utfall 2024 is booked up to 2024-12, but that of pågående project bil ({path}:{line}) only up "
            "to 2024-03")
    advice = ("add its months (0 for a month without bookings), or write status färdigställd or avbruten if it was "
              "finished or stopped")
    result = run("investments", "--budgets", folder, "--unit", "tkr")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "Investeringar 2024-12 (ack.), belopp i tkr"
    assert result.stderr == (f"warning: utfall of pågående project bil ({path}:{line}) is booked only up to 2024-03, "
                             f"not 2024-12: its utfall, and the sums over it, are – in the table; {advice}\n")
    summary = run("summary", "--budgets", folder, "--year", "2024")
    assert summary.exit_code == ExitStatus.USAGE
    assert summary.stderr == f"Error: {said}; the summary compares whole years: {advice}\n"


SERV_BIL = """\
    serv-bil:
      namn: Servicebil
      forvaltning: SERV
      status: pågående
      beslutad_budget: 900.0
      budget: 900.0
      utfall: {2024-01: 100.0, 2024-02: 100.0, 2024-03: 100.0, 2024-04: 100.0, 2024-05: 100.0}
"""


def test_the_months_are_the_selected_forvaltningars_projects(run, exempel, tmp_path):
    """KSF's projects booked to October, a SERV project January–May: KSF's table, report and month were SERV's
    ('investments --forvaltning KSF --period 2024-08' exited 2 naming serv-bil, and without --period KSF's table
    was cut to 2024-05; found in review)."""
    year = exempel / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8") + SERV_BIL, encoding="utf-8")
    august = _rows(run, exempel, "--forvaltning", "KSF", "--period", "2024-08")
    assert (august["Förskola Norr"]["utfall"], august["Gata Centrum"]["utfall"]) == ("15916.4", "8111.0")
    result = run("investments", "--budgets", exempel, "--forvaltning", "KSF", "--unit", "tkr")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Investeringar 2024-10 (ack.), belopp i tkr"
    assert result.stderr == ("note: investment utfall 2024 is booked up to 2024-10: showing 2024-10 (ack.); --period "
                             "chooses another month\n")
    for args, when in ((("--period", "2024-08"), "januari–augusti"), ((), "januari–oktober")):
        out = tmp_path / "r.md"
        report = run("report", "--budgets", exempel, "--forvaltning", "KSF", *args, "-o", out)
        assert report.exit_code == 0, report.stderr
        assert f"Investeringar {when} 2024, belopp i mnkr" in out.read_text(encoding="utf-8")
    indicators = run("indicators", "--budgets", exempel, "--forvaltning", "KSF", "--period", "2024-08", "--format", "csv")
    assert indicators.exit_code == 0, indicators.stderr
    row = next(r for r in csv_rows(indicators.stdout) if r["indikator"] == "avvikelse_investering")
    assert row["varde_2024"] == "7.9"  # (47 800 − the forecast 44 000) / 47 800
    # SERV's own table is the year's too, October, as its report shows it: Servicebil –, named (it was cut to May,
    # its one project's month; found in review, h98); so is the whole table (it was cut to May for every project)
    serv = run("investments", "--budgets", exempel, "--forvaltning", "SERV", "--unit", "tkr")
    assert serv.stdout.splitlines()[0] == "Investeringar 2024-10 (ack.), belopp i tkr"
    assert serv.stderr.startswith("note: utfall 2024 is booked up to 2024-10 (investments up to 2024-05): showing "
                                  "2024-10 (ack.); --period chooses another month\nwarning: utfall of pågående project "
                                  "serv-bil (")
    whole = run("investments", "--budgets", exempel, "--unit", "tkr")
    assert whole.stdout.splitlines()[0] == "Investeringar 2024-10 (ack.), belopp i tkr"
    assert whole.stderr.startswith("note: investment utfall 2024 is booked up to 2024-10: showing 2024-10 (ack.); "
                                   "--period chooses another month\nwarning: utfall of pågående project serv-bil (")


def test_the_summary_of_a_forvaltning_reads_its_own_projects_months(run, tmp_path):
    folder = _finished_in_march(tmp_path / "b")
    path = folder / "2024.yaml"
    months = ", ".join(f"2024-{m:02d}: 50.0" for m in range(1, 13))
    text = path.read_text(encoding="utf-8").replace("investeringar:\n", f"""\
  SERV:
    namn: Serviceförvaltningen
    staber:
      DRI:
        namn: Drift
        budget: 600.0
        utfall: {{{months}}}
investeringar:
""")
    path.write_text(text + SERV_BIL, encoding="utf-8")
    ksf = run("summary", "--budgets", folder, "--year", "2024", "--forvaltning", "KSF", "--unit", "tkr", "--format", "csv")
    assert ksf.exit_code == 0, ksf.stderr
    assert [(r["radtyp"], r["utfall"]) for r in csv_rows(ksf.stdout)][1] == ("investeringar", "6250")
    serv = run("summary", "--budgets", folder, "--year", "2024", "--forvaltning", "SERV")
    assert serv.exit_code == ExitStatus.USAGE
    assert serv.stderr == ("Error: investment utfall 2024 is booked up to 2024-05; the summary compares whole years "
                           "(for the year to date: kfollow investments --period 2024-05)\n")


def test_a_pagaende_project_booked_short_of_the_period_is_dash_and_the_report_comes_out(run, exempel, tmp_path):
    """Found in review: with SERV's Servicebil (pågående) booked January–May beside KSF's projects and the drift
    booked to October, 'report --period 2024-08' for the whole kommun (and 'report' without a period, of October)
    stopped with exit 2 ('Error: utfall of project serv-bil (…) is booked up to 2024-05, not 2024-08; …'): one
    project held back every förvaltning's report. Now its utfall and the sums over it are –, as a project given for
    the year only, with a note naming it and what to write, and a warning on stderr at its line; exit 0."""
    year = exempel / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8") + SERV_BIL, encoding="utf-8")
    line = year.read_text(encoding="utf-8").splitlines().index("    serv-bil:") + 1
    warning = (f"warning: utfall of pågående project serv-bil ({year}:{line}) is booked only up to 2024-05, not "
               "{0}: its utfall, and the sums over it, are – in the table; add its months (0 for a month without "
               "bookings), or write status färdigställd or avbruten if it was finished or stopped\n")
    august = run("investments", "--budgets", exempel, "--period", "2024-08", "--unit", "tkr", "--format", "csv",
                 "--decimals", "1")
    assert august.exit_code == 0 and august.stderr == warning.format("2024-08")
    rows = {r["namn"]: r for r in csv_rows(august.stdout)}
    bil, total = rows["Servicebil"], rows["Summa investeringar"]
    assert (bil["budget"], bil["utfall"], bil["ack_utfall"], bil["avvikelse"], bil["budgetavvikelse_ack"]) == (
        "900.0", "", "", "", "")
    assert (total["budget"], total["utfall"], total["ack_utfall"]) == ("48700.0", "", "")
    assert rows["Förskola Norr"]["utfall"] == "15916.4"  # the others as before
    text = run("investments", "--budgets", exempel, "--period", "2024-08", "--unit", "tkr").stdout
    assert ("Anm.: Utfall januari–augusti saknas för det pågående projektet Servicebil (bokfört till och med maj): "
            "skriv dess månader till och med 2024-08 i årsfilen (0 för en månad utan bokningar), eller status "
            "färdigställd eller avbruten för ett projekt som är färdigställt eller avbrutet. Summorna över det saknas "
            "också.") in text
    for args, month, when in ((("--period", "2024-08"), "2024-08", "augusti"), ((), "2024-10", "oktober")):
        out = tmp_path / "r.md"
        report = run("report", "--budgets", exempel, *args, "-o", out)
        assert report.exit_code == 0, report.stderr
        assert warning.format(month) in report.stderr
        doc = out.read_text(encoding="utf-8")
        row = next(l for l in doc.splitlines() if l.startswith("| Servicebil"))
        assert [c.strip() for c in row.strip("|").split("|")][2:9] == ["0,9", "–", "–", "0,9", "0,0", "–", "–"]
        assert (f"Anm.: Utfall januari–{when} saknas för det pågående projektet Servicebil (bokfört till och med maj): "
                f"skriv dess månader till och med {when} 2024 i årsfilen") in doc
    # a project finished (or stopped) in May books nothing after it: no note, no warning
    year.write_text(year.read_text(encoding="utf-8").replace(
        "      forvaltning: SERV\n      status: pågående\n", "      forvaltning: SERV\n      status: färdigställd\n"),
        encoding="utf-8")
    done = run("investments", "--budgets", exempel, "--period", "2024-08", "--unit", "tkr")
    assert done.exit_code == 0 and done.stderr == "" and "saknas för det pågående" not in done.stdout


def test_a_period_no_project_nor_the_drift_has_booked_is_still_refused(run, exempel):
    """A month after every month booked, the drift's and the projects', is no period of the data (exit 2), and the
    month to pick is the latest booked, not the month of the project booked least (Servicebil's May)."""
    year = exempel / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8") + SERV_BIL, encoding="utf-8")
    line = year.read_text(encoding="utf-8").splitlines().index("    forskola-norr:") + 1
    result = run("investments", "--budgets", exempel, "--period", "2024-11")
    assert result.exit_code == ExitStatus.USAGE and result.stdout == ""
    assert result.stderr == (f"Error: 2024-11 is not booked yet: utfall of project forskola-norr ({year}:{line}) and 2 "
                             "more project(s) is booked up to 2024-10 at the latest; pick --period 2024-10, or add "
                             "2024-11 to its utfall once the month is booked\n")


def test_check_warns_of_a_pagaende_project_booked_short_of_the_year(run, exempel):
    """Found in review: 'kfollow check' said nothing of Servicebil (pågående) booked January–May in a year booked to
    October, whose utfall every report after May shows as –. Now a varning at its line (kod inv_bokford_kort); a
    project finished in May passes."""
    year = exempel / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8") + SERV_BIL, encoding="utf-8")
    line = year.read_text(encoding="utf-8").splitlines().index("    serv-bil:") + 1
    result = run("check", "--budgets", exempel, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert [r for r in csv_rows(result.stdout) if r["kod"].startswith("inv_")] == [{
        "fil": str(year), "rad": str(line), "kolumn": "", "niva": "varning", "kod": "inv_bokford_kort",
        "meddelande": "projekt serv-bil 2024: pågående, men utfallet per månad är bokfört till och med 2024-05 och året "
                      "till och med 2024-10, så en rapport efter 2024-05 visar projektets utfall och summorna över det "
                      "som –; lägg till månaderna till och med 2024-10 (0 för en månad utan bokningar), eller skriv "
                      "status färdigställd eller avbruten om projektet färdigställdes eller avbröts"}]
    assert result.stderr == f"check: {exempel}: 0 error(s), 1 warning(s)\n"
    year.write_text(year.read_text(encoding="utf-8").replace(
        "      forvaltning: SERV\n      status: pågående\n", "      forvaltning: SERV\n      status: färdigställd\n"),
        encoding="utf-8")
    assert not [r for r in csv_rows(run("check", "--budgets", exempel, "-f", "csv").stdout) if r["kod"].startswith("inv_")]


def _year_with_bil_short(run, folder, out) -> str:
    """The year's report of `folder` (Skola booked to December, Bil pågående to March), checked to show the year's
    investments with Bil's utfall –; its Markdown."""
    result = run("report", "--budgets", folder, "-o", out)
    assert result.exit_code == 0, result.stderr
    doc = out.read_text(encoding="utf-8")
    assert "Investeringar januari–december 2024, belopp i mnkr" in doc and "januari–mars" not in doc
    cells = {c[0]: c[1:] for l in doc.splitlines() if l.startswith("| ")
             for c in [[x.strip() for x in l.strip("|").split("|")]]}
    assert cells["Skola"][1:8] == ["20,0", "5,4", "14,6", "6,0", "0,0", "5,4", "0,6"]
    assert cells["Bil"][1:8] == ["0,9", "–", "–", "0,9", "0,0", "–", "–"]
    return doc


def test_the_closed_years_report_shows_the_years_investments_with_a_project_booked_short_as_dash(run, tmp_path):
    """Found in review (h94): a year booked to December, Bil (pågående) booked January–March only: the year-end report
    (no --period) showed 'Investeringar januari–mars 2024', every project cut to Bil's month (Skola 1,4 of its 5,4
    mnkr), where a month's report shows Bil as – beside the others' utfall. The closed year's table is the year's,
    Bil – with its note, as 'report --period 2024-12' has it."""
    folder = _finished_in_march(tmp_path / "b", bil="pågående")
    doc = _year_with_bil_short(run, folder, tmp_path / "r.md")
    assert ("Anm.: Utfall januari–december saknas för det pågående projektet Bil (bokfört till och med mars)") in doc


def test_the_closed_years_report_says_why_a_forvaltnings_ekonomi_table_is_left_out(run, tmp_path):
    """Found in review (h94): the year-end report of a year with Bil (pågående) booked January–March only had no
    'Ekonomi KSF' table, and nothing said so (the summary, which compares whole years, refused it, and the document
    left it out without a word). stderr says it is left out and why, with what to do."""
    folder = _finished_in_march(tmp_path / "b", bil="pågående")
    path = folder / "2024.yaml"
    line = path.read_text(encoding="utf-8").splitlines().index("    bil:") + 1
    out = tmp_path / "r.md"
    result = run("report", "--budgets", folder, "-o", out, env={"KFOLLOW_QUIET": "1"})  # (a warning: said there too)
    assert result.exit_code == 0, result.stderr
    assert "## Ekonomi KSF" not in out.read_text(encoding="utf-8")
    assert result.stderr.splitlines()[0] == (
        f"warning: the table Ekonomi KSF is left out of the document: investment utfall 2024 is booked up to 2024-12, but "
        f"that of pågående project bil ({path}:{line}) only up to 2024-03; the summary compares whole years: add its "
        "months (0 for a month without bookings), or write status färdigställd or avbruten if it was finished or "
        "stopped")


def test_without_a_period_a_project_booked_short_is_dash_and_the_others_are_the_years(run, exempel, tmp_path):
    """Found in review (h98): 'investments' without --period cut every project to the month the pågående project
    booked least had booked, while the report showed the year: Bil booked January–March in a year booked to December
    made the year-end table 'Investeringar 2024-03 (ack.)' (Skola 1 350 of its 5 400 tkr), and Servicebil (SERV)
    booked to May cut KSF's Förskola Norr to 10 486,0 tkr of its 22 226,5 booked to October. The table is the year's,
    as the report's: the short project and the sums over it –, with the report's note."""
    folder = _finished_in_march(tmp_path / "b", bil="pågående")
    rows = _rows(run, folder)
    assert (rows["Skola"]["utfall"], rows["Skola"]["ack_utfall"], rows["Skola"]["avvikelse"]) == (
        "5400.0", "5400.0", "600.0")
    assert (rows["Bil"]["utfall"], rows["Bil"]["ack_utfall"], rows["Bil"]["avvikelse"]) == ("", "", "")
    total = rows["Summa investeringar"]
    assert (total["budget"], total["utfall"], total["ack_utfall"], total["avvikelse"]) == ("6900.0", "", "", "")
    year_end = run("investments", "--budgets", folder)
    assert year_end.stdout == run("investments", "--budgets", folder, "--period", "2024-12").stdout
    assert ("Anm.: Utfall januari–december saknas för det pågående projektet Bil (bokfört till och med mars): skriv "
            "dess månader till och med 2024-12 i årsfilen (0 för en månad utan bokningar), eller status färdigställd "
            "eller avbruten för ett projekt som är färdigställt eller avbrutet. Summorna över det saknas också."
            ) in year_end.stdout
    # a year being booked: the month the year is booked to, October, Servicebil – as in the report without --period
    year = exempel / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8") + SERV_BIL, encoding="utf-8")
    october = _rows(run, exempel)
    assert (october["Förskola Norr"]["utfall"], october["Gata Centrum"]["utfall"]) == ("22226.5", "11136.0")
    assert (october["Servicebil"]["utfall"], october["Summa investeringar"]["utfall"]) == ("", "")
    assert run("investments", "--budgets", exempel).stdout == run("investments", "--budgets", exempel, "--period",
                                                                  "2024-10").stdout


def test_a_year_without_the_drifts_months_shows_its_investments_to_the_latest_project_month(run, tmp_path):
    """The drift given for the whole year, Skola booked to December and Bil (pågående) to March: the report (and
    investments) showed 'Investeringar januari–mars 2024', Skola at 1,4 mnkr; it is the year's, Bil –."""
    folder = _finished_in_march(tmp_path / "b", bil="pågående")
    path = folder / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    drift = re.search(r"        utfall: \{2024-01: 100\.0.*\}\n", text).group(0)
    path.write_text(text.replace(drift, "        utfall: 1200.0\n"), encoding="utf-8")
    doc = _year_with_bil_short(run, folder, tmp_path / "r.md")
    rows = _rows(run, folder)
    assert (rows["Skola"]["utfall"], rows["Bil"]["utfall"], rows["Summa investeringar"]["utfall"]) == ("5400.0", "", "")


def _with_forecasts(folder: Path, skola: str = "{2024-03: 5500.0}") -> Path:
    """`_finished_in_march`'s year with the projects' forecasts (Skola `skola`, Bil 900 in March) and a target for
    the investment indicator."""
    path = folder / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("      budget: 6000.0\n", f"      budget: 6000.0\n      prognos: {skola}\n")
    text = text.replace("      budget: 900.0\n", "      budget: 900.0\n      prognos: {2024-03: 900.0}\n")
    text = text.replace("investeringar:\n", "indikatorer:\n  avvikelse_investering: {mal: 0, riktning: hogre}\n"
                                            "investeringar:\n")
    path.write_text(text, encoding="utf-8")
    return folder


def _investment_indicator(run, folder: Path, *args: str) -> dict:
    result = run("indicators", "--budgets", folder, "--format", "csv", *args)
    assert result.exit_code == 0, result.stderr
    return next(r for r in csv_rows(result.stdout) if r["indikator"] == "avvikelse_investering")


def test_the_closed_years_investment_indicator_is_unknown_where_a_project_is_booked_short(run, tmp_path):
    """Found in review (h98): a year booked to December, Bil (pågående) booked January–March only: the indicator
    avvikelse investeringsbudget–utfall was 7,2 % 'ja', (6 900 − the forecasts of March 6 400) / 6 900, with the note
    'året är inte slut', read as of Bil's month, while the report's investments table shows the year's utfall –
    (Bil's is unknown). It is – with a note naming Bil and what to write, in indicators (also --period 2024-12) and
    in the report."""
    folder = _with_forecasts(_finished_in_march(tmp_path / "b", bil="pågående"))
    for args in ((), ("--period", "2024-12")):
        row = _investment_indicator(run, folder, *args)
        assert (row["varde_2024"], row["uppfyllt"]) == ("", "")
    text = run("indicators", "--budgets", folder).stdout
    assert ("Anm.: Procentuell avvikelse investeringsbudget och utfall saknas för KSF 2024: det pågående projektet Bil "
            "är bokfört bara till och med mars, inte till och med december, så årets utfall är okänt (tabellen över "
            "investeringarna visar det som –); skriv dess månader till och med december i årsfilen (0 för en månad "
            "utan bokningar), eller status färdigställd eller avbruten för ett projekt som är färdigställt eller "
            "avbrutet.") in text
    assert "året är inte slut" not in text
    out = tmp_path / "r.md"
    assert run("report", "--budgets", folder, "-o", out).exit_code == 0
    doc = out.read_text(encoding="utf-8")
    row = next(l for l in doc.splitlines() if l.startswith("| Procentuell avvikelse investeringsbudget"))
    assert [c.strip() for c in row.strip("|").split("|")][1:4] == ["–", "Ej negativ", ""]
    assert "saknas för KSF 2024: det pågående projektet Bil är bokfört bara till och med mars" in doc
    # Bil written to December (0 after March): the year's, (6 900 − 6 250) / 6 900
    path = folder / "2024.yaml"
    rest = ", ".join(f"2024-{m:02d}: 0" for m in range(4, 13))
    path.write_text(path.read_text(encoding="utf-8").replace("2024-03: 250}", f"2024-03: 250, {rest}}}"),
                    encoding="utf-8")
    assert _investment_indicator(run, folder)["varde_2024"] == "9.4"


def test_the_investment_indicator_of_a_year_being_booked_reads_the_years_month(run, tmp_path):
    """The drift given for the whole year, Skola booked January–October and Bil (pågående) January–March: the
    indicator was read as of March, Bil's month, with the forecasts of March (7,2 %: 6 900 − 6 400), while the
    investments table shows October; it is the forecasts made by October, Skola's 5 800 and Bil's 900:
    (6 900 − 6 700) / 6 900 = 2,9 %."""
    folder = _with_forecasts(_finished_in_march(tmp_path / "b", bil="pågående"), "{2024-03: 5500.0, 2024-10: 5800.0}")
    path = folder / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    drift = re.search(r"        utfall: \{2024-01: 100\.0.*\}\n", text).group(0)
    text = text.replace(drift, "        utfall: 1200.0\n").replace(", 2024-11: 450.0, 2024-12: 450.0}", "}")
    path.write_text(text, encoding="utf-8")
    row = _investment_indicator(run, folder)
    assert row["varde_2024"] == "2.9"
    said = run("indicators", "--budgets", folder).stdout
    assert ("Anm.: Procentuell avvikelse investeringsbudget och utfall för KSF 2024 (2024-03 och 2024-10) är "
            "investeringsbudget − prognos för helåret") in said
    table = run("investments", "--budgets", folder, "--unit", "tkr")
    assert table.stdout.splitlines()[0] == "Investeringar 2024-10 (ack.), belopp i tkr"
