"""How forecasts of different months are named (session 39, h157): each doubt reproduced with the example kommun's
SIE tables, SAM's August forecast taken away (its latest is April's, the others' August's), then fixed."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.conftest import ROOT, csv_rows

SIE = ROOT / "examples" / "sie" / "budgets"
SAM_AUGUST = "          2024-04: 14157.0\n          2024-08: 14136.0\n"


def _sam_older(tmp_path: Path) -> Path:
    """The example's SIE tables with SAM's forecast of August taken away: its latest is April's (14 157 tkr)."""
    d = tmp_path / "sie"
    shutil.copytree(SIE, d)
    path = d / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(SAM_AUGUST) == 1
    path.write_text(text.replace(SAM_AUGUST, "          2024-04: 14157.0\n"), encoding="utf-8")
    return d


# 1 -------------------------------------------------------------------------------------------------------------
OLDER = ("Prognos från är – där prognosen är en summa av prognoser gjorda i olika månader. Den senaste prognosen är "
         "från 2024-08, utom för Samhällsbyggnadsstab (SAM i KSF, 2024-04).")


def test_one_forvaltning_chosen_says_whose_forecast_is_older(run, tmp_path):
    """`deviation --by forvaltning --forvaltning KSF` (and `--by kostnadsslag`, `konto`, `forvaltning,kostnadsslag`
    of KSF alone) left out `Prognos från` and said nothing of SAM's April forecast in KSF's 165,4, where the full
    table names it: the column stays (–) with the note under it, and csv and json say it on stderr."""
    d = _sam_older(tmp_path)
    args = ("deviation", "--budgets", d, "--period", "2024-10", "--forvaltning", "KSF")
    for by in ("forvaltning", "kostnadsslag", "konto", "forvaltning,kostnadsslag"):
        result = run(*args, "--by", by)
        assert result.exit_code == 0, result.stderr
        assert "Anm.: " + OLDER in result.stdout, (by, result.stdout)
        header = next(line for line in result.stdout.splitlines() if "Budget helår" in line)
        assert "Prognos från" in header, (by, header)
        # KSF's forecast: SAM's April 14 157 tkr with the others' August ones, 165,4 mnkr, its month –
        assert re.search(r"^(Summa nettokostnad|Kommunstyrelseförvaltningen) .* 164,5 +165,4 +– +-0,9$",
                         result.stdout, re.M), (by, result.stdout)
        for fmt in ("csv", "json"):
            machine = run(*args, "--by", by, "-f", fmt)
            assert machine.exit_code == 0, machine.stderr
            assert "note: " + OLDER + "\n" in machine.stderr, (by, fmt, machine.stderr)
        rows = csv_rows(run(*args, "--by", by, "-f", "csv").stdout)
        assert [(r["prognos"], r["prognos_period"]) for r in rows if r["radtyp"] == "summa"] == [("165.4", "")]
    # the full table says it too on stderr in csv (its column is empty for KSF there as well)
    whole = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "forvaltning", "-f", "json")
    assert "note: " + OLDER + "\n" in whole.stderr, whole.stderr
    assert [r["prognos_period"] for r in json.loads(whole.stdout)] == [None, "2024-08", None]
    # a förvaltning whose forecasts are of one month: no column of – and no note
    serv = run(*args[:-1], "SERV", "--by", "forvaltning")
    assert serv.exit_code == 0 and "Prognos från" not in serv.stdout and "olika månader" not in serv.stdout, serv.stdout
    plain = run("deviation", "--budgets", SIE, "--period", "2024-10", "--forvaltning", "KSF", "--by", "kostnadsslag")
    assert "Prognos från" not in plain.stdout and "olika månader" not in plain.stdout, plain.stdout


# 2 -------------------------------------------------------------------------------------------------------------
def test_the_note_on_the_forecast_compared_with_names_the_rows_without_one_that_month(run, tmp_path):
    """`--against prognos:2024-08` said 'för rader utan prognos 2024-08 är den från 2024-04' without naming the rows,
    in every cut: it names them as the note on `Prognos från` does, with the month of theirs, under the table in
    every cut (KSF's 165,1 mnkr compared with holds SAM's April forecast); several: five, then how many more."""
    d = _sam_older(tmp_path)
    note = ("Anm.: Jmf. prognos t.o.m. 2024-08 är prognosen 2024-08, utom för Samhällsbyggnadsstab (SAM i KSF, "
            "2024-04), som inte gjorde någon prognos 2024-08.")
    for by in ("stab", "forvaltning", "kostnadsslag", "konto", "kostnadsslag,konto", "forvaltning,kostnadsslag"):
        for chosen in ((), ("--forvaltning", "KSF")):
            result = run("deviation", "--budgets", d, "--period", "2024-10", "--by", by, *chosen,
                         "--against", "prognos:2024-08")
            assert result.exit_code == 0, result.stderr
            assert note in result.stdout, (by, chosen, result.stdout)
            assert "för rader utan prognos" not in result.stdout
    # a stab listed whose forecast is August's: nothing to say of SAM's
    listed = run("deviation", "--budgets", d, "--period", "2024-10", "--against", "prognos:2024-08", "--stab", "EKO")
    assert listed.exit_code == 0 and "gjorde någon prognos" not in listed.stdout, listed.stdout
    # six staber without an August forecast (all but FRI): five named, then the count
    text = (d / "2024.yaml").read_text(encoding="utf-8")
    for line in ("          2024-08: 22196.0\n", "          2024-08: 16502.0\n", "          2024-08: 21189.0\n",
                 "          2024-08: 9535.0\n", "          2024-08: 36214.0\n"):
        assert text.count(line) == 1
        text = text.replace(line, "")
    (d / "2024.yaml").write_text(text, encoding="utf-8")
    many = run("deviation", "--budgets", d, "--period", "2024-10", "--by", "forvaltning", "--against", "prognos:2024-08")
    assert many.exit_code == 0, many.stderr
    assert ("Anm.: Jmf. prognos t.o.m. 2024-08 är prognosen 2024-08, utom för Ledningsstab (LED i KSF, 2024-04), "
            "Ekonomistab (EKO i KSF, 2024-04), HR-stab (HR i KSF, 2024-04), Kommunikationsstab (KOM i KSF, 2024-04), "
            "Digitaliseringsstab (DIG i KSF, 2024-04), Samhällsbyggnadsstab (SAM i KSF, 2024-04), som inte gjorde någon "
            "prognos 2024-08.") in many.stdout, many.stdout  # (the sixth named, not `och 1 till`: a new user, h164)


# 3 -------------------------------------------------------------------------------------------------------------
ANSWERED = ROOT / "examples" / "answered" / "budgets"
FRI_SAID = "Besök färre än väntat under sommaren; prognosen som budget."


def test_a_comment_of_the_year_file_beside_an_answer_without_one_is_said_to_be_the_year_files(run, tmp_path):
    """The answered example: LED, EKO, DIG and SERV answered their October forms without a comment, their forms having
    shown October's as given in the year file (README: answers and the year file are merged as one, only both giving
    it is an error), so the year file's is the row's. `status` said `Kommentar finns: ja`, as of an answer's, and
    `deviation --comments` showed it without a word; check's advice for FRI, answered without a comment and none in
    the year file, named the form alone. Now status says `i årsfilen`, deviation notes whose comment is the year
    file's, and the advice names both places; following the year file's way answers it."""
    d = tmp_path / "budgets"
    shutil.copytree(ANSWERED, d)
    args = ("--budgets", d, "--period", "2024-10")
    status = run("status", *args, "--require-comment-over", "1%", "-f", "csv")
    assert status.exit_code == 1, status.stderr  # (SAM has not answered)
    assert {r["stab"]: (r["besvarad"], r["kommentar_finns"]) for r in csv_rows(status.stdout)} == {
        "LED": ("ja", "i årsfilen"), "EKO": ("ja", "i årsfilen"), "HR": ("ja", "ja"), "KOM": ("ja", "ja"),
        "DIG": ("ja", "i årsfilen"), "SAM": ("nej", "nej"), "FRI": ("ja", "nej"), "SERV": ("ja", "i årsfilen")}
    shown = run("deviation", *args, "--comments")
    assert shown.exit_code == 0, shown.stderr
    assert ("Anm.: Kommentaren 2024-10 för Ledningsstab (LED i KSF), Ekonomistab (EKO i KSF), Digitaliseringsstab "
            "(DIG i KSF), Serviceförvaltningen (internt prissatt) (SERV) är årsfilens: svaren på formulären har ingen "
            "kommentar.") in shown.stdout, shown.stdout
    one = run("deviation", *args, "--comments", "--by", "forvaltning")
    assert ("Anm.: Kommentaren 2024-10 för Serviceförvaltningen (internt prissatt) (SERV) är årsfilens: svaret på "
            "formuläret har ingen kommentar.") in one.stdout, one.stdout
    assert "årsfilens" not in run("deviation", *args).stdout  # (no comments shown: nothing to say of them)
    # the nämnd's document shows the comments, not where each came from (the controller's business)
    assert run("report", *args, "-o", tmp_path / "r.md").exit_code == 0
    document = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "Licenskostnader för nytt ärendesystem" in document and "årsfilens" not in document
    assert "årsfilens" not in run("deviation", *args, "--comments", "--stab", "HR").stdout
    # FRI answered without a comment, and the year file has none: the advice names the form and the year file
    check = ("check", *args, "--require-comment-over", "0.1%")
    said = run(*check)
    assert said.exit_code == 1, said.stderr
    fri = next(line for line in said.stdout.splitlines() if "Fritidsanläggningar" in line)
    assert fri.endswith("har ingen kommentar: be budgetansvarig skriva den i formuläret och samla in det igen (kfollow "
                        "collect), eller lägg till kommentarer: {2024-10: …} under stab FRI i årsfilen (årsfilens "
                        "kommentar gäller där svaret inte har någon)"), fri
    # following the year file's way: FRI's comment is the year file's, and said so
    path = d / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = "        profil: sommar\n"
    assert text.count(anchor) == 1
    path.write_text(text.replace(anchor, anchor + f'        kommentarer:\n          2024-10: "{FRI_SAID}"\n'),
                    encoding="utf-8")
    again = run(*check)
    assert "Fritidsanläggningar" not in again.stdout and "Samhällsbyggnadsstab" in again.stdout, again.stdout
    rows = csv_rows(run("status", *args, "-f", "csv").stdout)
    assert [r["kommentar_finns"] for r in rows if r["stab"] == "FRI"] == ["i årsfilen"]
    fri_shown = run("deviation", *args, "--comments", "--stab", "FRI")
    assert FRI_SAID in fri_shown.stdout
    assert ("Anm.: Kommentaren 2024-10 för Fritidsanläggningar (FRI i KSF) är årsfilens: svaret på formuläret har "
            "ingen kommentar.") in fri_shown.stdout, fri_shown.stdout
