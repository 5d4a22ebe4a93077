"""Stable columns for scripts where a förvaltning or stab is new this year (session 37, h143): a month-end script
reads `deviation -f csv` and `months -f csv` by column name, whichever förvaltningar it chooses."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.conftest import ROOT, csv_rows
from tests.test_review_h139 import _with_ny

DEVIATION_HEADER = ("radtyp,forvaltning,stab,namn,redovisas_som,budget,utfall,avvikelse,avvikelse_pct,andel_pct,"
                    "utfall_2023,budget_helar,prognos,prognos_period,prognos_avvikelse")
MONTHS_HEADER = "manad,redovisas_som,budget,utfall,avvikelse,budget_ack,utfall_ack,avvikelse_ack,avvikelse_ack_pct,utfall_2023"


def _with_old_and_new_stab(tmp_path: Path) -> Path:
    """The example kommun with a förvaltning OLD in 2023 alone (closed since) and a stab NST of KSF begun in 2024, booked
    100 tkr a month of a budget of 1 200 tkr."""
    d = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "budgets", d)
    old = ("  OLD:\n    namn: Gammal förvaltning\n    staber:\n      OS:\n        namn: Gammal stab\n"
           "        budget: 1200.0\n        utfall:\n" + "".join(f"          2023-{m:02d}: 100.0\n" for m in range(1, 13)))
    path = d / "2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nforvaltningar:\n", "\nforvaltningar:\n" + old, 1),
                    encoding="utf-8")
    new = ("      NST:\n        namn: Ny stab i KSF\n        budget: 1200.0\n        utfall:\n"
           + "".join(f"          2024-{m:02d}: 100.0\n" for m in range(1, 11)))
    path = d / "2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    staber:\n", "    staber:\n" + new, 1), encoding="utf-8")
    return d


def test_deviation_of_a_forvaltning_begun_this_year_keeps_last_years_column_for_scripts(run, tmp_path):
    """`deviation -f csv --forvaltning NY`, NY begun in 2024, left out `utfall_2023` (a script reading it by name
    failed), where `months` kept it empty; the note on why went to no stream. The column is kept, empty in csv, null
    in json, – for people, and the note is on stderr."""
    d = _with_ny(tmp_path)
    args = ("deviation", "--budgets", d, "--period", "2024-03", "--unit", "tkr")
    note = "note: Utfall 2023 ack. är – för förvaltning NY, som inte finns i filen för 2023.\n"
    result = run(*args, "--forvaltning", "NY", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [DEVIATION_HEADER,
                                          "rad,NY,NS,Ny stab,nettokostnad,300,330,-30,-10.0,100.0,,1200,,,",
                                          "summa,,Summa,Summa,nettokostnad,300,330,-30,-10.0,100.0,,1200,,,"]
    assert note in result.stderr, result.stderr
    # the same columns as for a förvaltning of both years
    assert run(*args, "--forvaltning", "KSF", "-f", "csv").stdout.splitlines()[0] == DEVIATION_HEADER
    by_json = run(*args, "--forvaltning", "NY", "-f", "json")
    assert note in by_json.stderr, by_json.stderr
    rows = json.loads(by_json.stdout)
    assert list(rows[0]) == list(json.loads(run(*args, "--forvaltning", "KSF", "-f", "json").stdout)[0])
    assert [(r["stab"], r["utfall"], r["utfall_2023"]) for r in rows] == [("NS", 330, None), ("Summa", 330, None)]
    # a stab of NY alone, NY as one row, a --top list: the same column
    stab = run(*args, "--stab", "NS", "-f", "csv")
    assert stab.stdout.splitlines()[0] == DEVIATION_HEADER
    assert "note: Utfall 2023 ack. är – för Ny stab, som inte finns i filen för 2023.\n" in stab.stderr, stab.stderr
    whole = csv_rows(run(*args, "--forvaltning", "NY", "--by", "forvaltning", "-f", "csv").stdout)
    assert [(r["forvaltning"], r["utfall"], r["utfall_2023"]) for r in whole] == [("NY", "330", ""), ("Summa", "330", "")]
    top = csv_rows(run(*args, "--forvaltning", "NY", "--top", "1", "-f", "csv").stdout)
    assert [(r["stab"], r["avvikelse"], r["utfall_2023"]) for r in top] == [("NS", "-30", "")]
    chosen = run(*args, "--forvaltning", "NY", "--columns", "stab,utfall,utfall_2023,avvikelse_2023", "-f", "csv")
    assert chosen.exit_code == 0, chosen.stderr
    assert chosen.stdout.splitlines() == ["stab,utfall,utfall_2023,avvikelse_2023", "NS,330,,", "Summa,330,,"]
    # for people the column shows –, and the note is under the table (not on stderr)
    text = run(*args, "--forvaltning", "NY")
    assert re.search(r"^Ny stab +300 +330 +-30 +-10,0 +100,0 +– +1\u00a0200$", text.stdout, re.M), text.stdout
    assert "Anm.: Utfall 2023 ack. är – för förvaltning NY, som inte finns i filen för 2023." in text.stdout
    assert "note:" not in text.stderr


def test_months_of_a_forvaltning_begun_this_year_say_why_last_years_column_is_empty(run, tmp_path):
    """`months -f csv --forvaltning NY` kept `utfall_2023` empty without a word on stderr, and the table for people left
    the column out: the note is on stderr, and people see the column's –."""
    d = _with_ny(tmp_path)
    args = ("months", "--budgets", d, "--period", "2024-03", "--unit", "tkr", "--forvaltning", "NY")
    result = run(*args, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [MONTHS_HEADER, "2024-01,nettokostnad,100,90,10,100,90,10,10.0,",
                                          "2024-02,nettokostnad,100,110,-10,200,200,0,0.0,",
                                          "2024-03,nettokostnad,100,130,-30,300,330,-30,-10.0,"]
    assert "note: Utfall 2023 är – för förvaltning NY, som inte finns i filen för 2023.\n" in result.stderr
    text = run(*args).stdout
    assert text.splitlines()[2].endswith("Avvikelse ack. %    Utfall 2023"), text
    assert re.search(r"^2024-03 +100 +130 +-30 +300 +330 +-30 +-10,0 +–$", text, re.M), text
    assert "Anm.: Utfall 2023 är – för förvaltning NY, som inte finns i filen för 2023.\n" in text


def test_what_last_years_sums_leave_out_is_said_on_stderr_in_csv(run, tmp_path):
    """Notes on the column of last year's utfall that say what its sums leave out or count as 0 were said under a table
    for people only: a förvaltning closed since (OLD), a new stab chosen beside an old one, a förvaltning begun this
    year beside one of both years."""
    d = _with_old_and_new_stab(tmp_path)
    args = ("--budgets", d, "--period", "2024-03", "--unit", "tkr", "-f", "csv")
    result = run("deviation", *args)
    assert result.exit_code == 0, result.stderr
    assert ("note: Utfall 2023 ack. är förvaltningarnas i filen för 2024; OLD finns bara i filen för 2023 och ingår inte "
            "(kfollow compare 2023 2024 visar den).\n") in result.stderr, result.stderr
    chosen = run("deviation", *args, "--stab", "NST", "--stab", "LED")
    assert [(r["stab"], r["utfall"], r["utfall_2023"]) for r in csv_rows(chosen.stdout)] == [
        ("NST", "300", ""), ("LED", "5974", "5515"), ("Summa", "6274", "5515")]
    said = ("är – för Ny stab i KSF, som inte finns i filen för 2023: summorna räknar den som 0, då inget bokades på den "
            "det året.\n")
    assert "note: Utfall 2023 ack. " + said in chosen.stderr, chosen.stderr
    months = run("months", *args, "--stab", "NST", "--stab", "LED")
    assert [(r["manad"], r["utfall_ack"], r["utfall_2023"]) for r in csv_rows(months.stdout)][-1] == \
        ("2024-03", "6274", "1780")
    assert "note: Utfall 2023 " + said in months.stderr, months.stderr
    ny = run("deviation", "--budgets", _with_ny(tmp_path / "ny"), "--period", "2024-03", "--unit", "tkr", "-f", "csv",
             "--forvaltning", "NY", "--forvaltning", "SERV")
    assert [(r["forvaltning"], r["utfall"], r["utfall_2023"]) for r in csv_rows(ny.stdout)] == [
        ("NY", "330", ""), ("NY", "330", ""), ("SERV", "-363", "-712"), ("", "693", "712")]
    assert "note: Utfall 2023 ack. är – för förvaltning NY, som inte finns i filen för 2023: summan räknar den som 0.\n" \
        in ny.stderr, ny.stderr


def test_a_year_with_no_year_before_or_one_booked_short_keeps_its_column_empty_for_scripts(run, tmp_path):
    """`deviation --year 2023 -f csv`, no file for 2022, had no `utfall_2022`, and `deviation --period 2024-03 -f csv`
    where 2023 is booked only to February had no `utfall_2023`: the columns of a machine format depended on the data.
    They are kept, empty (null in json), with a note on stderr; a table for people leaves them out, as before."""
    first = run("deviation", "--budgets", ROOT / "budgets", "--year", "2023", "-f", "csv")
    assert first.exit_code == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == ("radtyp,forvaltning,stab,namn,redovisas_som,budget,utfall,avvikelse,avvikelse_pct,andel_pct,"
                        "utfall_2022")
    assert lines[1] == "rad,KLF,KS,Kommunstyrelsen,nettokostnad,,25.5,,,5.0,"
    assert "note: Utfall 2022 är –: det finns ingen fil för 2022.\n" in first.stderr, first.stderr
    rows = json.loads(run("deviation", "--budgets", ROOT / "budgets", "--year", "2023", "-f", "json").stdout)
    assert (rows[0]["stab"], rows[0]["utfall"], rows[0]["utfall_2022"]) == ("KS", 25.5, None)
    text = run("deviation", "--budgets", ROOT / "budgets", "--year", "2023")
    assert "Utfall 2022" not in text.stdout and "2022" not in text.stderr, text.stdout
    months = run("months", "--budgets", ROOT / "examples" / "budgets", "--year", "2023", "--period", "2", "--unit", "tkr",
                 "-f", "csv")
    assert months.stdout.splitlines() == [MONTHS_HEADER.replace("2023", "2022"),
                                          "2023-01,nettokostnad,13880,13967,-87,13880,13967,-87,-0.6,",
                                          "2023-02,nettokostnad,13880,13691,190,27760,27657,103,0.4,"]
    assert "note: Utfall 2022 är –: det finns ingen fil för 2022.\n" in months.stderr, months.stderr
    # the year before booked to February only, March reported
    d = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "budgets", d)
    path = d / "2023.yaml"
    path.write_text(re.sub(r"\n +2023-(0[3-9]|1[0-2]): [^\n]+", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    short = run("deviation", "--budgets", d, "--period", "2024-03", "--unit", "tkr", "-f", "csv")
    assert short.exit_code == 0, short.stderr
    assert short.stdout.splitlines()[:2] == [DEVIATION_HEADER, "rad,KSF,LED,Ledningsstab,nettokostnad,6000,5974,26,0.4,"
                                                               "13.9,,24000,,,"]
    assert "utfall 2023 is booked only up to 2023-02: the column of 2023 is left out (empty in csv and json)" in \
        short.stderr, short.stderr
