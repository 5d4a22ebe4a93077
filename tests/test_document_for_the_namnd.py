"""A förvaltningsekonom's tertial report for the nämnd (`kfollow report --period 2026-08 --forvaltning SOC
--top 10 -o tertial2-soc.docx`, and of three förvaltningar) on a year with one budget change (KF 2026-05-20
§ 64, +3 000 tkr to stab EKB) and forecasts per stab, one stab without (found in review, h83)."""

from __future__ import annotations

from pathlib import Path

import pytest


def _months(per_month: int) -> str:
    return "{" + ", ".join(f"2026-{m:02d}: {per_month}" for m in range(1, 9)) + "}"


YEAR = f"""ar: 2026
organisation: Lillby kommun
enhet: tkr
verksamheter: {{"100": Nämnd- och styrelseverksamhet, "920": Gemensamma verksamheter, "410": Individ- och familjeomsorg,
  "470": Ekonomiskt bistånd, "510": Äldreomsorg, "520": Hemtjänst}}
forvaltningar:
  KSF:
    namn: Kommunstyrelseförvaltningen
    staber:
      LED: {{namn: Ledningsstab, budget: 12000, utfall: {_months(1000)}, prognos: {{2026-08: 12100}}}}
      EKO: {{namn: Ekonomistab, budget: 6000, utfall: {_months(480)}, prognos: {{2026-08: 5800}}}}
    verksamheter:
      "100": {{budget: 12000, utfall: {_months(1000)}}}
      "920": {{budget: 6000, utfall: {_months(480)}}}
  SOC:
    namn: Socialförvaltningen
    staber:
      IFO: {{namn: Individ- och familjeomsorg, budget: 24000, utfall: {_months(2100)}, prognos: {{2026-08: 25000}}}}
      EKB: {{namn: Ekonomiskt bistånd, budget: 18000, utfall: {_months(1700)}, prognos: {{2026-08: 21500}}}}
      ADM: {{namn: Administration, budget: 6000, utfall: {_months(500)}}}
    verksamheter:
      "410": {{budget: 30000, utfall: {_months(2600)}}}
      "470": {{budget: 18000, utfall: {_months(1700)}}}
  VOF:
    namn: Vård- och omsorgsförvaltningen
    staber:
      SAB: {{namn: Särskilt boende, budget: 36000, utfall: {_months(3050)}, prognos: {{2026-08: 36600}}}}
      HEM: {{namn: Hemtjänst, budget: 24000, utfall: {_months(1950)}, prognos: {{2026-08: 23500}}}}
    verksamheter:
      "510": {{budget: 36000, utfall: {_months(3050)}}}
      "520": {{budget: 24000, utfall: {_months(1950)}}}
ombudgeteringar:
  - datum: 2026-05-20
    beslut: KF 2026-05-20 § 64
    text: Tillskott för ökade kostnader för ekonomiskt bistånd.
    rader:
      - {{forvaltning: SOC, stab: EKB, verksamhet: "470", belopp: 3000}}
"""


@pytest.fixture
def lillby(tmp_path: Path) -> Path:
    folder = tmp_path / "budgets"
    folder.mkdir()
    (folder / "2026.yaml").write_text(YEAR, encoding="utf-8")
    return folder


def _report(run, folder: Path, *args: str, name: str = "r.md") -> str:
    out = folder.parent / name
    result = run("report", "--budgets", folder, "--period", "2026-08", "--top", "10", *args, "-o", out)
    assert result.exit_code == 0, result.stderr
    return out.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    """The Markdown of one section: from its heading to the next."""
    return text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_the_document_names_the_budget_changes_that_its_budget_counts(run, lillby):
    """The per-stab table showed EKB's Budget helår 21,0 (18,0 first decided, +3,0 by KF § 64) and nothing named the
    decision or the 3 000 tkr; the document now lists the changes decided up to its period."""
    text = _report(run, lillby, "--forvaltning", "SOC")
    changes = _section(text, "Ombudgeteringar")
    assert changes.splitlines()[:7] == [
        "",
        "Ombudgeteringar januari–augusti 2026, belopp i mnkr",
        "",
        "| Beslut                    | Datum      | Stab               | Verksamhet   |   Belopp | Text "
        "                                                 |",
        "|:--------------------------|:-----------|:-------------------|:-------------|---------:|:-----"
        "-------------------------------------------------|",
        "| KF 2026-05-20 § 64        | 2026-05-20 | Ekonomiskt bistånd | 470          |      3,0 | Tillskott för "
        "ökade kostnader för ekonomiskt bistånd. |",
        "| **Summa ombudgeteringar** |            |                    |              |      3,0 |            "
        "                                           |",
    ]
    assert ("Anm.: Budgeten i tabellerna är den ursprungliga budgeten ändrad med dessa ombudgeteringar; Belopp är "
            "ändringen av budgeten.") in changes
    # after the stab table whose Budget helår it explains (21,0 = 18,0 + 3,0)
    assert text.index("## Resultat per stab") < text.index("## Ombudgeteringar")
    assert "| Ekonomiskt bistånd         |     13,5 |     13,6 |        -0,1 |          -0,7 |               39,5 " \
           "|           21,0 |" in text
    # of three förvaltningar: the förvaltning named on each line
    every = _section(_report(run, lillby, name="all.md"), "Ombudgeteringar")
    assert "| Förvaltning " in every and "| SOC " in every
    # a report of April: the change of May is not yet counted, nor listed
    april = lillby.parent / "april.md"
    assert run("report", "--budgets", lillby, "--period", "2026-04", "-o", april).exit_code == 0
    assert "Ombudgeteringar" not in april.read_text(encoding="utf-8")


def test_a_document_of_one_forvaltning_does_not_repeat_it_as_a_total(run, lillby):
    """`--forvaltning SOC`: `Resultat per förvaltning` was the row Socialförvaltningen and an identical `Summa
    nettokostnad` under it (and Andel av summa 100,0); it is now the one row. Several förvaltningar keep their sum."""
    one = _section(_report(run, lillby, "--forvaltning", "SOC"), "Resultat per förvaltning")
    rows = [line for line in one.splitlines() if line.startswith("| ")]
    assert [line.split("|")[1].strip() for line in rows] == ["Förvaltning", "**Socialförvaltningen**"]
    assert rows[1].startswith("| **Socialförvaltningen** |     33,5 |     34,4 |        -0,9 |          -2,7 |    ")
    assert "Andel av summa" not in rows[0]
    every = _section(_report(run, lillby, name="all.md"), "Resultat per förvaltning")
    assert "| **Summa nettokostnad**             |     85,5 |     86,2 |        -0,7 |          -0,9 |              " \
           "100,0 |" in every


def test_a_documents_table_leaves_out_forecast_columns_without_a_figure(run, lillby):
    """Forecasts given per stab: the table per verksamhet of SOC's report had Prognos helår and Avvikelse prognos of
    `–` on every row (and a note on them); the document's table now leaves them out, where the stab table shows the
    forecasts. Where a sum of the verksamheter has a figure (KSF's, of three förvaltningar), the columns stay; the
    terminal and csv keep theirs."""
    text = _report(run, lillby, "--forvaltning", "SOC")
    verksamhet = [line for line in _section(text, "Driftredovisning per verksamhet").splitlines() if line.startswith("| ")]
    assert verksamhet[0] == "| Verksamhet                       |   Budget |   Utfall |   Avvikelse |   Avvikelse % |   " \
                            "Andel av summa % |   Budget helår |"
    assert verksamhet[-1] == "| **Summa nettokostnad**           |     33,5 |     34,4 |        -0,9 |          -2,7 |   " \
                             "           100,0 |           51,0 |"
    assert "|   Prognos i augusti |   Avvikelse prognos |" in _section(text, "Resultat per stab")
    every = _section(_report(run, lillby, name="all.md"), "Driftredovisning per verksamhet")
    assert "| **Summa KSF**                       |     12,0 |     11,8 |         0,2 |           1,3 |               " \
           "13,7 |           18,0 |                17,9 |                 0,1 |" in every
    terminal = run("deviation", "--budgets", lillby, "--period", "2026-08", "--forvaltning", "SOC", "--by", "verksamhet")
    assert "Prognos helår    Avvikelse prognos" in terminal.stdout
    csv = run("deviation", "--budgets", lillby, "--period", "2026-08", "--forvaltning", "SOC", "--by", "verksamhet",
              "-f", "csv").stdout
    assert csv.splitlines()[0].endswith(",budget_helar,prognos,prognos_period,prognos_avvikelse"), csv


def test_the_note_on_a_missing_forecast_is_said_once_and_names_the_column_as_headed(run, lillby):
    """The note `Prognos är – på summaraderna där en rad saknar prognos: …` stood under the tables per förvaltning,
    per stab and per verksamhet, each with its own list (`Administration (SOC)`, `Administration`, the
    verksamheter); the document now says one short note, once, under the first table that shows a `–` forecast,
    and the terminal names the column as its table heads it (`Prognos 2026-08`, not `Prognos`)."""
    text = _report(run, lillby, name="all.md")
    notes = [line for line in text.splitlines() if "saknar prognos" in line]
    assert notes == ["Anm.: Prognos i augusti är – för Administration (SOC), som saknar prognos, och för summorna den "
                     "ingår i."]
    assert text.index(notes[0]) < text.index("## Resultat per stab")  # (under the first table, which shows a –)
    soc = _report(run, lillby, "--forvaltning", "SOC")
    assert [line for line in soc.splitlines() if "saknar prognos" in line] == [
        "Anm.: Prognos i augusti är – för Administration, som saknar prognos, och för summorna den ingår i."]
    assert soc.index("saknar prognos") > soc.index("## Resultat per stab")  # (its one row has no forecast column)
    terminal = run("deviation", "--budgets", lillby, "--period", "2026-08", "--forvaltning", "SOC").stdout
    assert "Prognos 2026-08" in terminal.splitlines()[2]
    assert "Anm.: Prognos 2026-08 är – på summaraderna där en rad saknar prognos: Administration; en summa av " \
           "prognoser med en okänd del är okänd." in terminal
    helar = run("deviation", "--budgets", lillby, "--period", "2026-08", "--by", "verksamhet", "--forvaltning",
                "SOC").stdout  # (no forecast per verksamhet: the header has no month)
    assert "Prognos helår" in helar.splitlines()[2]
    assert "Anm.: Prognos helår är – på summaraderna där en rad saknar prognos: Administration (SOC);" in helar


def test_the_budget_changes_stay_on_a_portrait_page_in_word(run, lillby):
    """The decision's text (53 letters) was a column Word would not wrap: the table of one change took a landscape
    page of its own; it wraps as a comment does, and the document is portrait throughout."""
    from docx import Document as Word
    from docx.enum.section import WD_ORIENT

    out = lillby.parent / "tertial2-soc.docx"
    result = run("report", "--budgets", lillby, "--period", "2026-08", "--forvaltning", "SOC", "--top", "10", "-o", out)
    assert result.exit_code == 0, result.stderr
    document = Word(str(out))
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT]
    changes = next(t for t in document.tables if t.rows[0].cells[0].text == "Beslut")
    assert [c.text for c in changes.rows[1].cells] == ["KF 2026-05-20 § 64", "2026-05-20", "Ekonomiskt bistånd", "470",
                                                       "3,0", "Tillskott för ökade kostnader för ekonomiskt bistånd."]


def test_a_document_of_forvaltningar_without_staber_has_no_stab_table_repeating_them(run, tmp_path):
    """A förvaltning written with its summa only (no staber): the document showed `Resultat per förvaltning` and
    `Resultat per stab` with the same row, and a chart headed `Avvikelse per stab` of the förvaltning; it now has the
    table per förvaltning and its chart, `Avvikelse per förvaltning`. With staber (Lillby above) the stab table stays."""
    folder = tmp_path / "budgets"
    folder.mkdir()
    (folder / "2026.yaml").write_text("ar: 2026\norganisation: Lillby kommun\nenhet: tkr\nforvaltningar:\n  TEK:\n"
                                      "    namn: Tekniska förvaltningen\n    summa:\n      budget: 30000\n"
                                      f"      utfall: {_months(2400)}\n", encoding="utf-8")
    text = _report(run, folder)
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["Resultat per förvaltning", "Avvikelse per förvaltning", "Månad för månad"]
    assert "| **Tekniska förvaltningen** |     20,0 |     19,2 |         0,8 |           4,0 |           30,0 |" in \
        _section(text, "Resultat per förvaltning")
    assert "![Avvikelse mot budget januari–augusti 2026 per förvaltning, belopp i mnkr](r-avvikelse.svg)" in \
        _section(text, "Avvikelse per förvaltning")


def test_a_year_without_months_of_forvaltningar_without_staber_has_its_table_per_forvaltning(run, tmp_path):
    """Found in review (h94): of a year given for the whole year (no months), förvaltningar written with their summa
    only, the document's table was headed `Resultat per stab` and captioned `Resultat 2024 per stab` over the
    förvaltningar's rows, its chart `Avvikelse per stab`; as of a month, it is the table per förvaltning and its chart
    `Avvikelse per förvaltning`, after each förvaltning's Ekonomi table."""
    folder = tmp_path / "budgets"
    folder.mkdir()
    (folder / "2024.yaml").write_text("ar: 2024\norganisation: Småby kommun\nenhet: tkr\nforvaltningar:\n"
                                      "  SOC:\n    namn: Socialförvaltningen\n    summa: {budget: 500000, utfall: 512000}\n"
                                      "  KSF:\n    namn: Kommunstyrelsens förvaltning\n"
                                      "    summa: {budget: 80000, utfall: 78000}\n", encoding="utf-8")
    out = tmp_path / "r.md"
    result = run("report", "--budgets", folder, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["Ekonomi SOC", "Ekonomi KSF", "Resultat per förvaltning", "Avvikelse per förvaltning"]
    table = _section(text, "Resultat per förvaltning")
    assert "Resultat 2024 per förvaltning, belopp i mnkr" in table
    assert "| **Socialförvaltningen**          |    500,0 |    512,0 |       -12,0 |          -2,4 |               86,8 |" \
        in table
    assert "![Avvikelse mot budget 2024 per förvaltning, belopp i mnkr](r-avvikelse.svg)" in \
        _section(text, "Avvikelse per förvaltning")
