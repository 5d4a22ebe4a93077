"""What an ekonom met preparing the delårsrapport for tertial 2 (January–August 2024) of the example kommun (h122)."""

from __future__ import annotations

import shutil

from conftest import ROOT, csv_rows

EXAMPLE = ROOT / "examples" / "budgets"


def test_compare_of_the_same_months_heads_both_years_ack(run, tmp_path):
    """compare 2023 2024 --period 2024-08 headed its columns 'Utfall 2023' and 'Utfall 2024' (107,8: January–August),
    while the report's table before it heads the same 2023 figure 'Utfall 2023 ack.': a politician read 2024's
    utfall as the year's. Both are 'ack.' for months; a whole year keeps its plain headers; csv keeps its names."""
    table = run("compare", "2023", "2024", "--budgets", EXAMPLE, "--period", "2024-08")
    assert table.exit_code == 0, table.stderr
    header = table.stdout.splitlines()[2].split()
    assert header[:7] == ["Stab", "Utfall", "2023", "ack.", "Utfall", "2024", "ack."], header
    summa = next(ln for ln in table.stdout.splitlines() if ln.startswith("Summa nettokostnad")).split()
    assert summa[2:4] == ["102,1", "107,8"], summa
    report = run("report", "--budgets", EXAMPLE, "--period", "2024-08", "-o", tmp_path / "t2.md")
    assert report.exit_code == 0, report.stderr
    text = (tmp_path / "t2.md").read_text(encoding="utf-8")
    compared = text[text.index("## Utfall 2024 jämfört med 2023"):]
    header = next(ln for ln in compared.splitlines() if ln.startswith("| Stab"))
    assert [c.strip() for c in header.split("|")[2:4]] == ["Utfall 2023 ack.", "Utfall 2024 ack."], header
    machine = csv_rows(run("compare", "2023", "2024", "--budgets", EXAMPLE, "--period", "2024-08", "-f", "csv").stdout)
    assert {"utfall_2023", "utfall_2024"} <= set(machine[0])
    closed = run("compare", "2023", "2024")  # the bundled closed years: the whole of each
    assert closed.stdout.splitlines()[2].split()[:5] == ["Stab", "Utfall", "2023", "Utfall", "2024"], closed.stdout


def test_the_report_of_a_period_shows_how_the_forecast_changed_since_the_one_before(run, tmp_path):
    """The delårsrapport for tertial 2 says how the forecast for the year changed since tertial 1 ("prognosen har
    försämrats med 1,0 mnkr sedan april"); the report of a period had no such table, only `deviation --against
    prognos:2024-04` in the terminal. The report of 2024-10 has it: per förvaltning, the budget for the year, April's
    and August's forecasts, August's deviation and the change since April, as `deviation --against` gives them."""
    report = run("report", "--budgets", EXAMPLE, "--period", "2024-10", "-o", tmp_path / "t.md")
    assert report.exit_code == 0, report.stderr
    text = (tmp_path / "t.md").read_text(encoding="utf-8")
    section = text[text.index("## Prognosen i augusti jämfört med prognosen i april 2024"):text.index("## Månad för månad")]
    lines = [ln for ln in section.splitlines() if ln.startswith("|")]
    assert "Prognos för helåret 2024 per förvaltning, jämfört med prognosen i april 2024, belopp i mnkr" in section
    assert [c.strip() for c in lines[0].split("|")[1:-1]] == [
        "Förvaltning", "Budget helår", "Prognos i april", "Prognos i augusti", "Avvikelse prognos",
        "Förändring sedan prognosen"]
    cells = {ln.split("|")[1].strip(" *"): [c.strip() for c in ln.split("|")[2:-1]] for ln in lines[2:]}
    assert cells == {"Kommunstyrelseförvaltningen": ["164,5", "165,1", "165,4", "-0,9", "-0,3"],
                     "Serviceförvaltningen (internt prissatt)": ["0,0", "-0,9", "-1,6", "-1,6", "-0,7"],
                     "Summa nettokostnad": ["164,5", "166,0", "167,0", "-2,5", "-1,0"]}
    # the same figures as the terminal's comparison
    terminal = csv_rows(run("deviation", "--budgets", EXAMPLE, "--period", "2024-10", "--by", "forvaltning",
                            "--against", "prognos:2024-04", "-f", "csv").stdout)
    assert [(r["budget_helar"], r["jmf_prognos"], r["prognos"], r["prognos_avvikelse"], r["avvikelse_forandring"])
            for r in terminal] == [tuple(c.replace(",", ".") for c in v) for v in cells.values()]
    # one forecast made up to the period: nothing to compare, no table
    april = run("report", "--budgets", EXAMPLE, "--period", "2024-05", "-o", tmp_path / "t1.md")
    assert april.exit_code == 0, april.stderr
    assert "jämfört med prognosen i" not in (tmp_path / "t1.md").read_text(encoding="utf-8")


def test_forecasts_made_in_different_months_per_forvaltning_are_each_compared_with_their_own(run, tmp_path):
    """KSF forecast in April and August, SERV in March and July: the report of 2024-08 had one table 'Prognosen i
    augusti jämfört med prognosen i juli 2024' whose 'Prognos i juli' held KSF's April forecast (165,1) and SERV's
    July forecast against itself (change 0,0). Each förvaltning's latest is compared with its own one before, a table
    per pair of months; and `deviation --by forvaltning --forvaltning KSF --against prognos:2024-04`, whose KSF made
    its forecasts per stab, heads its column with April, not 'prognos t.o.m. 2024-04' (found in review, h136)."""
    budgets = tmp_path / "budgets"
    shutil.copytree(EXAMPLE, budgets)
    year = budgets / "2024.yaml"
    text = year.read_text(encoding="utf-8")
    year.write_text(text.replace("        2024-04: -900.0", "        2024-03: -900.0")
                    .replace("        2024-08: -1600.0", "        2024-07: -1600.0"), encoding="utf-8")
    report = run("report", "--budgets", budgets, "--period", "2024-08", "-o", tmp_path / "t.md")
    assert report.exit_code == 0, report.stderr
    text = (tmp_path / "t.md").read_text(encoding="utf-8")
    assert "## Prognosen i augusti jämfört med prognosen i juli 2024" not in text

    def table(heading: str) -> dict:
        section = text[text.index(heading):]
        section = section[:section.index("\n## ", 1)]
        lines = [ln for ln in section.splitlines() if ln.startswith("|") and not ln.startswith("|:")]
        return {ln.split("|")[1].strip(" *"): [c.strip() for c in ln.split("|")[2:-1]] for ln in lines}

    assert table("## Prognosen i augusti jämfört med prognosen i april 2024") == {
        "Förvaltning": ["Budget helår", "Prognos i april", "Prognos i augusti", "Avvikelse prognos",
                        "Förändring sedan prognosen"],
        "Kommunstyrelseförvaltningen": ["164,5", "165,1", "165,4", "-0,9", "-0,3"]}
    serv = table("## Prognosen i juli jämfört med prognosen i mars 2024")
    assert serv["Förvaltning"][1:3] == ["Prognos i mars", "Prognos i juli"], serv
    assert serv["Serviceförvaltningen (internt prissatt)"] == ["0,0", "-0,9", "-1,6", "-1,6", "-0,7"], serv
    ksf = run("deviation", "--budgets", budgets, "--period", "2024-08", "--by", "forvaltning", "--forvaltning", "KSF",
              "--against", "prognos:2024-04")
    assert ksf.exit_code == 0, ksf.stderr
    assert ksf.stdout.splitlines()[0] == \
        "Resultat 2024-08 (ack.) per förvaltning, jämfört med prognos 2024-04, belopp i mnkr", ksf.stdout
    assert "Jmf. prognos 2024-04" in ksf.stdout.splitlines()[2], ksf.stdout


def test_a_forvaltnings_forecast_summing_an_earlier_month_of_a_stab_says_so_in_the_forecasts_change(run, tmp_path):
    """Samhällsbyggnadsstaben forecast in April and not in August: the report of 2024-10's 'Prognosen i augusti
    jämfört med prognosen i april 2024' showed KSF's 'Prognos i augusti' 165,4, which holds the staben's April
    forecast, without a word, where the table per förvaltning above it says its forecast is a sum of months; the
    forecast change's table names the stab and its month, for the comparison's month too (found by a new user, h140)."""
    budgets = tmp_path / "budgets"
    shutil.copytree(EXAMPLE, budgets)
    year = budgets / "2024.yaml"
    text = year.read_text(encoding="utf-8")
    assert text.count("          2024-08: 14136.0\n") == 1
    year.write_text(text.replace("          2024-08: 14136.0\n", ""), encoding="utf-8")
    report = run("report", "--budgets", budgets, "--period", "2024-10", "-o", tmp_path / "t.md")
    assert report.exit_code == 0, report.stderr
    text = (tmp_path / "t.md").read_text(encoding="utf-8")
    section = text[text.index("## Prognosen i augusti jämfört med prognosen i april 2024"):]
    section = section[:section.index("\n## ", 1)]
    ksf = next(ln for ln in section.splitlines() if ln.startswith("| **Kommunstyrelseförvaltningen"))
    assert [c.strip() for c in ksf.split("|")[2:-1]] == ["164,5", "165,1", "165,4", "-0,9", "-0,3"], ksf
    assert ("Anm.: Prognosen för Kommunstyrelseförvaltningen från augusti 2024 är en summa av prognoser gjorda i olika "
            "månader: Samhällsbyggnadsstab har ingen prognos från augusti 2024, och dess senaste före, från april 2024, "
            "ingår.") in section, section
    # all staber forecast in both months: no such note
    whole = run("report", "--budgets", EXAMPLE, "--period", "2024-10", "-o", tmp_path / "w.md")
    assert whole.exit_code == 0, whole.stderr
    assert "är en summa av prognoser gjorda i olika månader:" not in (tmp_path / "w.md").read_text(encoding="utf-8")
