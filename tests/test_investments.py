"""Investments: the `investeringar` section, `kfollow investments`, `kfollow summary` and the check rules.

The golden tests compare the CLI's CSV with the seed's tables (tests/reference/) digit for digit;
the rule tests break a copy of the bundled budgets (`budgets_copy`) one way each.
"""

from __future__ import annotations

from decimal import Decimal

import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from conftest import BUDGETS, ROOT, csv_rows, reference, small_year
from kfollow.errors import DataError, ExitStatus, UsageError
from kfollow.engine.investments import investments_report, summary_report
from kfollow.sources.year_file import load_budgets

INVESTMENTS = reference("ks2024-investeringar.csv")
SUMMARY = reference("ks2024-ekonomi-sammandrag.csv")
MONEY = ["beslutad_budget", "ack_utfall", "budgetavvikelse_ack", "budget", "varav_overfort", "utfall", "avvikelse"]


def _csv(run, *args) -> list[dict]:
    result = run(*args, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    return csv_rows(result.stdout)


def _by_name(rows: list[dict]) -> dict[str, dict]:
    return {r["namn"]: r for r in rows}


# --- golden: the seed's tables ---------------------------------------------------------------


def test_investments_reproduce_every_row_and_all_three_sums(run, budgets_dir):
    rows = _csv(run, "investments", "--year", "2024", "--budgets", budgets_dir)
    assert [r["namn"] for r in rows] == [r["projekt"] for r in INVESTMENTS]  # the seed's order
    kinds = {"projekt": "rad", "summa": "delsumma"}
    for want, mine in zip(INVESTMENTS, rows):
        assert (mine["beslutad_budget"], mine["ack_utfall"], mine["budgetavvikelse_ack"],
                mine["budget"], mine["utfall"], mine["avvikelse"]) == (
            want["beslutad_budget"], want["ack_utfall"], want["budgetavvikelse_ack"],
            want["budget_2024"], want["utfall_2024"], want["budgetavvikelse_2024"]), want["projekt"]
        if want["status"] == "alla":
            assert (mine["radtyp"], mine["status"]) == ("summa", "")
        else:
            assert (mine["radtyp"], mine["status"]) == (kinds[want["typ"]], want["status"])
    assert [r["radtyp"] for r in rows].count("delsumma") == 2
    assert rows[-1]["namn"] == "Summa investeringar"


def test_carried_over_budget_is_the_seeds_157_2(run, budgets_dir):
    """112,9 simhallen + 43,5 civil beredskap + 0,8 kontorslokaler, as the analysis text says."""
    got = _by_name(_csv(run, "investments", "--budgets", budgets_dir))
    assert got["KS simhallen"]["varav_overfort"] == "112.9"
    assert got["Civil beredskap"]["varav_overfort"] == "43.5"
    assert got["Kommunstyrelsen varav KLF"]["varav_overfort"] == "0.8"
    assert got["Summa investeringar"]["varav_overfort"] == "157.2"


def test_summary_reproduces_the_ekonomi_table(run, budgets_dir):
    rows = _csv(run, "summary", "--year", "2024", "--budgets", budgets_dir)
    assert [r["namn"] for r in rows] == [r["rad"] for r in SUMMARY]
    for want, mine in zip(SUMMARY, rows):
        assert (mine["utfall"], mine["budget"], mine["avvikelse"], mine["utfall_2023"],
                mine["avvikelse_forandring"]) == (
            want["bokslut_2024"], want["budget_2024"], want["avvikelse"], want["bokslut_2023"],
            want["avvikelse_jfr_delarsrapport_augusti_2024"]), want["rad"]


def test_summary_operating_row_moved_13_9_since_august(run, budgets_dir):
    rows = _csv(run, "summary", "--year", "2024", "--forvaltning", "KLF", "--against", "2024-08",
                "--budgets", budgets_dir)
    drift = next(r for r in rows if r["radtyp"] == "drift")
    assert drift["avvikelse_forandring"] == "13.9"


def test_summary_investment_row_moved_134_5_since_august(run, budgets_dir):
    rows = _csv(run, "summary", "--against", "prognos:2024-08", "--budgets", budgets_dir)
    investing = next(r for r in rows if r["radtyp"] == "investeringar")
    assert (investing["avvikelse"], investing["avvikelse_forandring"]) == ("158.4", "134.5")


def test_summary_investments_are_klf_projects_and_agree_with_the_investments_command(run, budgets_dir):
    klf = _by_name(_csv(run, "investments", "--forvaltning", "KLF", "--budgets", budgets_dir))["Summa investeringar"]
    investing = _csv(run, "summary", "--budgets", budgets_dir)[1]
    assert (klf["utfall"], klf["budget"], klf["avvikelse"]) == (
        investing["utfall"], investing["budget"], investing["avvikelse"]) == ("245.5", "403.9", "158.4")


def test_summary_title_names_the_forecast_month(run, budgets_dir):
    result = run("summary", "--budgets", budgets_dir)
    assert result.stdout.splitlines()[0] == "Ekonomi 2024, KLF, belopp i mnkr; avvikelse jämfört med prognos 2024-08"
    assert "Investeringar, netto (KS, KLF)" in result.stdout and "134,5" in result.stdout


def test_summary_of_2023_has_the_declared_investment_total(run, budgets_dir):
    rows = _csv(run, "summary", "--year", "2023", "--budgets", budgets_dir)
    assert "avvikelse_forandring" not in rows[0]  # no forecasts in 2023
    investing = next(r for r in rows if r["radtyp"] == "investeringar")
    assert (investing["utfall"], investing["budget"]) == ("55.8", "")


def test_summary_of_a_resultat_forvaltning_keeps_the_deviation_sign(run, budgets_dir):
    rows = _by_name(_csv(run, "summary", "--forvaltning", "VSS", "--budgets", budgets_dir))
    assert (rows["Verksamhetens resultat"]["utfall"], rows["Verksamhetens resultat"]["avvikelse"]) == ("-9.8", "-9.8")
    assert (rows["Investeringar, netto (VSS)"]["utfall"], rows["Investeringar, netto (VSS)"]["avvikelse"]) == (
        "69.4", "-1.6")


# --- options and formats -------------------------------------------------------------------


@pytest.mark.parametrize("status, names", [
    ("pågående", ["Civil beredskap", "Summa pågående projekt"]),
    ("färdigställd", ["Kommunstyrelsen varav KLF", "Kommunstyrelsen varav VSS", "KS simhallen",
                      "KS strategiska markköp", "KS egna lokaler", "KS aktier, Södra skogsäg.",
                      "Summa färdigställda projekt"]),
])
def test_status_filter(run, budgets_dir, status, names):
    rows = _csv(run, "investments", "--status", status, "--budgets", budgets_dir)
    assert [r["namn"] for r in rows] == names


def test_forvaltning_filter_sums_only_its_projects(run, budgets_dir):
    rows = _csv(run, "investments", "--forvaltning", "VSS", "--budgets", budgets_dir)
    assert [r["namn"] for r in rows] == ["Kommunstyrelsen varav VSS", "Summa färdigställda projekt", "Summa investeringar"]
    assert rows[-1]["utfall"] == "69.4"


def test_table_shows_labels_and_swedish_numbers(run, budgets_dir):
    result = run("investments", "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Investeringar 2024, belopp i mnkr"
    assert lines[2].split()[:2] == ["Projekt", "Status"]
    assert "strategiska-markkop" not in result.stdout  # the project id is for machines
    total = next(l for l in lines if l.startswith("Summa investeringar"))
    assert "1\u00a0349,3" in total and "156,8" in total


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "md"])
@pytest.mark.parametrize("command", ["investments", "summary"])
def test_every_format(run, budgets_dir, command, fmt):
    result = run(command, "-f", fmt, "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "Investeringar" in result.stdout or "investeringar" in result.stdout


def test_json_numbers_and_keys(run, budgets_dir):
    import json

    result = run("investments", "-f", "json", "--budgets", budgets_dir)
    records = json.loads(result.stdout)
    simhallen = next(r for r in records if r["projekt"] == "simhallen")
    assert list(simhallen) == ["radtyp", "projekt", "namn", "status", "forvaltning", *MONEY, "kommentar"]
    assert simhallen["beslutad_budget"] == 990.5 and simhallen["budgetavvikelse_ack"] == 52.1
    assert "tvist" in simhallen["kommentar"]


def test_unit_tkr_shows_the_file_amounts(run, budgets_dir):
    rows = _by_name(_csv(run, "investments", "--unit", "tkr", "--decimals", "1", "--budgets", budgets_dir))
    assert (rows["KS simhallen"]["ack_utfall"], rows["KS simhallen"]["utfall"]) == ("938394.7", "60790.1")


def test_output_file(run, budgets_dir, tmp_path):
    out = tmp_path / "sammandrag.csv"
    result = run("summary", "--budgets", budgets_dir, "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("radtyp,namn,utfall,budget,avvikelse,utfall_2023,")


@pytest.mark.parametrize("args, words", [
    (("investments", "--year", "2031"), ("2031", "2023, 2024")),
    (("summary", "--year", "2031"), ("2031",)),
    (("investments", "--forvaltning", "KLX"), ("KLX", "KLF, VSS")),
    (("summary", "--forvaltning", "KLX"), ("KLX", "KLF, VSS")),
    (("investments", "--year", "2023"), ("no investment projects", "2023.yaml")),
    (("summary", "--against", "2024-05"), ("2024-05", "2024-08")),
    (("summary", "--against", "2023-08"), ("2023-08", "2024")),
    (("summary", "--against", "augusti"), ("augusti", "YYYY-MM")),
    (("summary", "--forvaltning", "VSS", "--against", "2024-08"), ("VSS", "none")),
])
def test_usage_errors_exit_2_with_one_line(run, budgets_dir, args, words):
    result = run(*args, "--budgets", budgets_dir)
    assert result.exit_code == ExitStatus.USAGE, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def test_bad_status_is_refused_by_the_option(run, budgets_dir):
    result = run("investments", "--status", "avslutad", "--budgets", budgets_dir)
    assert result.exit_code == ExitStatus.USAGE
    assert "avslutad" in result.stderr


@pytest.mark.parametrize("command", ["investments", "summary"])
def test_help_has_an_example(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert f"kfollow {command}" in result.stdout


# --- library: exact money ------------------------------------------------------------------


def test_report_money_is_int64_ore_and_exact():
    budgets = load_budgets(BUDGETS)
    frame = investments_report(budgets, 2024)
    for col in MONEY:
        assert frame.schema[col] == pl.Int64, col
    simhallen = frame.filter(pl.col("projekt") == "simhallen").row(0, named=True)
    assert simhallen["ack_utfall"] == 93_839_470_000  # 877 604,6 + 60 790,1 tkr, in öre
    assert simhallen["budgetavvikelse_ack"] == simhallen["beslutad_budget"] - simhallen["ack_utfall"]
    assert frame.filter(pl.col("radtyp") == "rad")["utfall"].sum() == frame.filter(pl.col("radtyp") == "summa")["utfall"][0]


def test_summary_report_frame():
    budgets = load_budgets(BUDGETS)
    frame = summary_report(budgets, 2024)  # default förvaltning and forecast month
    assert frame["radtyp"].to_list() == ["drift", "investeringar"]
    assert all(frame.schema[c] == pl.Int64 for c in frame.columns[2:])
    investing = frame.row(1, named=True)
    # the forecast implied 23,9 (403,9 − 380,0); the year ended 158,4: a move of 134,5
    assert investing["avvikelse"] - investing["avvikelse_forandring"] == 2_387_520_000
    with pytest.raises(UsageError):
        summary_report(budgets, 2024, forvaltning="KLX")


def test_beraknad_totalutgift_adds_the_forecast_columns(run, budgets_copy):
    path = budgets_copy / "2024.yaml"
    _replace(path, "      utfall: 10213.8\n", "      utfall: 10213.8\n      beraknad_totalutgift: 112000.0\n")
    rows = _by_name(_csv(run, "investments", "--budgets", budgets_copy))
    assert (rows["Civil beredskap"]["beraknad_totalutgift"], rows["Civil beredskap"]["avvikelse_totalutgift"]) == (
        "112.0", "-3.5")
    assert rows["Summa pågående projekt"]["beraknad_totalutgift"] == "112.0"
    # the other projects have no forecast: a sum over them would mislead, so it is empty
    assert (rows["KS simhallen"]["beraknad_totalutgift"], rows["Summa investeringar"]["beraknad_totalutgift"]) == ("", "")
    plain = _csv(run, "investments", "--status", "färdigställd", "--budgets", budgets_copy)
    assert "beraknad_totalutgift" not in plain[0]


# --- check: the investment rules -------------------------------------------------------------


def _replace(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


def _set_investments_2023(budgets_copy: Path, section: str) -> str:
    """Replace the investeringar section of the copy's 2023.yaml (it is the file's last section)."""
    path = budgets_copy / "2023.yaml"
    text = path.read_text(encoding="utf-8")
    text = text[: text.index("\ninvesteringar:")] + "\ninvesteringar:\n" + section
    path.write_text(text, encoding="utf-8")
    return text


def _simhallen_2023(budget: str = "200000.0", utfall: str = "87092.6", status: str = "pågående",
                    tidigare: str = "790512.0") -> str:
    """Simhallen in 2023, by default consistent with 2024: ack. utfall 877 604,6, unspent 112 907,4."""
    return f"""\
  projekt:
    simhallen:
      namn: KS simhallen
      forvaltning: KLF
      status: {status}
      beslutad_budget: 990512.0
      ack_utfall_tidigare: {tidigare}
      budget: {budget}
      utfall: {utfall}
"""


def _check(run, budgets_copy) -> tuple[int, list[tuple[str, int, str, str]], str]:
    result = run("check", "--budgets", budgets_copy)
    findings = []
    for line in result.stdout.splitlines():
        m = re.match(r"(.+?):(\d+): (fel|varning): (.*)$", line)
        assert m, line
        findings.append((m[1], int(m[2]), m[3], m[4]))
    return result.exit_code, [f for f in findings if "503,2" not in f[3]], result.stderr  # minus the 2023 stab gap


def _line(path: Path, needle: str, after: str | None = None) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, l in enumerate(lines) if after in l) if after else 0
    return next(i for i, l in enumerate(lines[start:], start + 1) if needle in l)


def test_bundled_investments_pass_the_check(run, budgets_dir):
    code, findings, _ = _check(run, budgets_dir)
    assert code == 0 and findings == []


def test_a_project_in_both_years_that_is_consistent_passes(run, budgets_copy):
    _set_investments_2023(budgets_copy, _simhallen_2023())
    code, findings, _ = _check(run, budgets_copy)
    assert (code, findings) == (0, [])


def test_declared_total_must_equal_the_projects(run, budgets_copy):
    path = budgets_copy / "2024.yaml"
    _replace(path, "      rubrik: Investeringar, netto (KS, KLF)\n",
             "      rubrik: Investeringar, netto (KS, KLF)\n      utfall: 245000.0\n")
    code, findings, _ = _check(run, budgets_copy)
    assert code == ExitStatus.CHECK_FAILED
    assert len(findings) == 1
    fil, line, niva, message = findings[0]
    assert (fil, line, niva) == (str(path), _line(path, "KLF:", after="investeringar:"), "fel")
    assert "245 000 tkr" in message and "245 482,1 tkr" in message and "en differens på -482,1 tkr" in message


def test_declared_total_equal_to_the_projects_passes(run, budgets_copy):
    _replace(budgets_copy / "2024.yaml", "      rubrik: Investeringar, netto (KS, KLF)\n",
             "      rubrik: Investeringar, netto (KS, KLF)\n      budget: 403861.2\n      utfall: 245482.1\n")
    code, findings, _ = _check(run, budgets_copy)
    assert (code, findings) == (0, [])


def test_carried_over_cannot_exceed_the_years_budget(run, budgets_copy):
    path = budgets_copy / "2024.yaml"
    _replace(path, "      varav_overfort: 804.3\n", "      varav_overfort: 2804.3\n")
    code, findings, _ = _check(run, budgets_copy)
    assert code == ExitStatus.CHECK_FAILED
    assert [(f[1], f[2]) for f in findings] == [(_line(path, "klf-kontorslokaler:"), "fel")]
    assert "varav_overfort" in findings[0][3] and "2 487,6 tkr" in findings[0][3]


def test_accumulated_outcome_never_decreases(run, budgets_copy):
    # 2023 ends at 950 000 tkr since the start, 2024 at 938 394,7
    _set_investments_2023(budgets_copy, _simhallen_2023(tidigare="862907.4"))
    code, findings, _ = _check(run, budgets_copy)
    path = budgets_copy / "2024.yaml"
    assert code == ExitStatus.CHECK_FAILED
    fel = [f for f in findings if f[2] == "fel"]
    assert len(fel) == 1
    assert (fel[0][0], fel[0][1]) == (str(path), _line(path, "simhallen:", after="projekt:"))
    assert "minskar aldrig" in fel[0][3] and "938 394,7 tkr" in fel[0][3] and "950 000 tkr" in fel[0][3]
    assert f"{budgets_copy / '2023.yaml'}:" in fel[0][3]


def test_opening_balance_that_differs_from_last_years_is_a_warning(run, budgets_copy):
    _set_investments_2023(budgets_copy, _simhallen_2023(tidigare="780512.0"))  # ends at 867 604,6, not 877 604,6
    code, findings, _ = _check(run, budgets_copy)
    assert code == 0
    assert [(f[2], "ack_utfall_tidigare" in f[3], "867 604,6 tkr" in f[3]) for f in findings] == [("varning", True, True)]


def test_a_completed_project_has_no_later_outcome(run, budgets_copy):
    # simhallen färdigställd already in 2023, yet 60 790,1 tkr booked on it in 2024
    _set_investments_2023(budgets_copy, _simhallen_2023(status="färdigställd"))
    code, findings, _ = _check(run, budgets_copy)
    path = budgets_copy / "2024.yaml"
    assert code == ExitStatus.CHECK_FAILED
    assert [(f[0], f[1], f[2]) for f in findings] == [(str(path), _line(path, "simhallen:", after="projekt:"), "fel")]
    assert "färdigställdes 2023" in findings[0][3] and "60 790,1 tkr" in findings[0][3]


def test_a_completed_project_may_appear_later_without_outcome(run, budgets_copy):
    _set_investments_2023(budgets_copy, _simhallen_2023(status="färdigställd"))
    _replace(budgets_copy / "2024.yaml", "      utfall: 60790.1\n", "      utfall: 0\n")
    code, findings, _ = _check(run, budgets_copy)
    assert not [f for f in findings if "färdigställdes" in f[3]]


def _skola_years(folder: Path, statuses: dict[int, tuple[str, str]]) -> Path:
    """Year files of KSF (one stab, the same each year) with the project skola, `statuses` {year: (status, utfall)},
    each year's ack_utfall_tidigare the previous year's ack. utfall."""
    before = Decimal("0.0")  # (amounts as written: exact)
    for ar, (status, utfall) in statuses.items():
        small_year(folder, "  KSF:\n    namn: Kommunstyrelseförvaltningen\n    staber:\n      LED:\n"
                           "        namn: Ledningsstab\n        budget: 1200.0\n        utfall: 1150.0\n", ar)
        path = folder / f"{ar}.yaml"
        path.write_text(path.read_text(encoding="utf-8") + f"""\
investeringar:
  projekt:
    skola:
      namn: Skola
      forvaltning: KSF
      status: {status}
      beslutad_budget: 5000.0
      ack_utfall_tidigare: {before}
      budget: 1000.0
      utfall: {utfall}
""", encoding="utf-8")
        before += Decimal(utfall)
    return folder


def test_a_project_finished_taken_up_and_finished_again_passes_with_a_note(run, tmp_path):
    """Found in review: Skola färdigställd 2022, taken up again (pågående 2023, 300 tkr) and färdigställd again 2024
    (200 tkr) was 'fel: projekt skola 2023: utfall 300 tkr efter att projektet färdigställdes 2022 …' and the same
    of 2024: the earliest färdigställd year was read, whatever the later years said. Now the status of the year
    before the utfall is: 2023 pågående is the project taken up again (a note), 2024 follows a pågående year."""
    folder = _skola_years(tmp_path / "b", {2022: ("färdigställd", "500.0"), 2023: ("pågående", "300.0"),
                                           2024: ("färdigställd", "200.0")})
    result = run("check", "--budgets", folder)
    line = _line(folder / "2022.yaml", "skola:")
    assert (result.exit_code, result.stdout) == (0, ""), result.stdout
    assert (f"note: {folder / '2023.yaml'}:{line}: projekt skola 2023: färdigställdes 2022 ({folder / '2022.yaml'}:"
            f"{line}) och har tagits upp igen (status pågående 2023), så utfallet 2023 bokförs på projektet igen\n"
            in result.stderr)
    # finished again in 2024 and booked on in 2025, still färdigställd: the error names 2024, the last time
    _skola_years(folder, {2022: ("färdigställd", "500.0"), 2023: ("pågående", "300.0"),
                          2024: ("färdigställd", "200.0"), 2025: ("färdigställd", "50.0")})
    code, findings, _ = _check(run, folder)
    assert code == ExitStatus.CHECK_FAILED
    assert findings == [(str(folder / "2025.yaml"), line, "fel", "projekt skola 2025: utfall 50 tkr efter att projektet "
                         f"färdigställdes 2024 ({folder / '2024.yaml'}:{line}), och status är färdigställd också 2025; "
                         "bokför det på ett nytt projekt, eller, om projektet har tagits upp igen, skriv status: "
                         "pågående här")]


@pytest.mark.parametrize("budget_2023, niva, words", [
    ("187092.6", "fel", ("100 000 tkr", "mer förs över")),  # 2023 left 100 000, 112 907,4 carried
    ("212907.4", "varning", ("125 814,8 tkr", "mindre förs över")),  # 2023 left 125 814,8
    ("77092.6", "fel", ("0 tkr", "mer förs över")),  # 2023 overspent by 10 000: nothing left
])
def test_carried_over_budget_matches_last_years_unspent(run, budgets_copy, budget_2023, niva, words):
    _set_investments_2023(budgets_copy, _simhallen_2023(budget=budget_2023))
    code, findings, _ = _check(run, budgets_copy)
    path = budgets_copy / "2024.yaml"
    assert code == (ExitStatus.CHECK_FAILED if niva == "fel" else 0)
    assert [(f[0], f[1], f[2]) for f in findings] == [(str(path), _line(path, "simhallen:", after="projekt:"), niva)]
    for word in words:
        assert word in findings[0][3]


# --- YAML errors in the section --------------------------------------------------------------

ORIGINAL = (BUDGETS / "2024.yaml").read_text(encoding="utf-8")
SECTION = ORIGINAL.index("\ninvesteringar:")

BROKEN = {
    # case: (old, new, needle where the error is, words)
    "unknown project key": ("      beslutad_budget: 990512.0\n", "      beslutat: 990512.0\n", "beslutat",
                            ("beslutat", "did you mean 'beslutad_budget'")),
    "unknown section key": ("  projekt:\n", "  projekter:\n", "projekter", ("projekter", "did you mean 'projekt'")),
    "unknown status": ("      status: pågående\n", "      status: pagaende\n", "pagaende", ("did you mean 'pågående'",)),
    "cancelled misspelt": ("      status: pågående\n", "      status: avbrutet\n", "avbrutet", ("did you mean 'avbruten'",)),
    "closed is not a status": ("      status: pågående\n", "      status: avslutat\n", "avslutat",
                               ("färdigställd for a project that was finished", "avbruten for one stopped")),
    "unknown förvaltning": ("      forvaltning: VSS\n", "      forvaltning: LKDATA\n", "LKDATA", ("LKDATA", "KLF, VSS")),
    "swedish amount": ("      beslutad_budget: 990512.0\n", "      beslutad_budget: 990 512,0\n", "990 512,0",
                       ("990512.0",)),
    "not an amount": ("      utfall: 60790.1\n", "      utfall: ca 61 mnkr\n", "ca 61 mnkr", ("not an amount",)),
    "missing utfall": ("      utfall: 60790.1\n", "", "    simhallen:", ("project simhallen", "lacks 'utfall'")),
    "bad forecast month": ("        2024-08: 379986.0\n", "        2024-13: 379986.0\n", "2024-13", ("YYYY-MM",)),
    "forecast from another year": ("        2024-08: 379986.0\n", "        2023-08: 379986.0\n", "2023-08", ("not in 2024",)),
    "bad project id": ("    simhallen:\n", "    simhallen (ny):\n", "simhallen (ny)", ("project id",)),
    "finer than an öre": ("      varav_overfort: 43512.0\n", "      varav_overfort: 43512.000001\n", "43512.000001", ("öre",)),
    "prognos is not a mapping": ("      prognos:\n        2024-08: 379986.0\n", "      prognos: 379986.0\n", "379986.0",
                                 ("prognos", "mapping")),
    "förvaltning entry without amounts": ("      prognos:\n        2024-08: 379986.0\n", "", "    KLF:", ("no amounts",)),
}


def _broken(budgets_copy: Path, case: str) -> tuple[Path, int, int, tuple[str, ...]]:
    old, new, needle, words = BROKEN[case]
    assert ORIGINAL.count(old, SECTION) == 1 and ORIGINAL.find(old) >= SECTION, old
    text = ORIGINAL[:SECTION] + ORIGINAL[SECTION:].replace(old, new)
    path = budgets_copy / "2024.yaml"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    line = next(i for i, l in enumerate(lines, 1) if i > text[:SECTION].count("\n") + 1 and needle in l)
    return path, line, lines[line - 1].index(needle.lstrip("- ")) + 1, words


LOCATION = re.compile(r"^Error: (?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<problem>.+)$")


@pytest.mark.parametrize("case", list(BROKEN))
@pytest.mark.parametrize("command", ["investments", "summary", "deviation"])
def test_broken_section_is_one_error_line_with_file_line_column(run, budgets_copy, case, command):
    path, line, column, words = _broken(budgets_copy, case)
    result = run(command, "--budgets", budgets_copy)
    assert result.exit_code == ExitStatus.DATA, (result.exit_code, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    match = LOCATION.match(lines[0])
    assert match, lines[0]
    assert (match["file"], int(match["line"])) == (str(path), line), lines[0]
    assert int(match["column"]) == column, lines[0]
    for word in words:
        assert word in match["problem"], lines[0]


@pytest.mark.parametrize("case", ["unknown status", "bad forecast month"])
def test_broken_section_in_check_and_the_library(run, budgets_copy, case):
    path, line, _, _ = _broken(budgets_copy, case)
    result = run("check", "--budgets", budgets_copy)
    assert result.exit_code == ExitStatus.DATA
    assert any(l.startswith(f"{path}:{line}:") and ": fel: " in l for l in result.stdout.splitlines()), result.stdout
    with pytest.raises(DataError) as info:
        load_budgets(budgets_copy)
    assert (info.value.path, info.value.line) == (str(path), line)


def test_empty_section(run, tmp_path):
    budgets = tmp_path / "b"
    budgets.mkdir()
    (budgets / "2024.yaml").write_text(
        "ar: 2024\norganisation: Test\nenhet: tkr\nforvaltningar:\n  F:\n    namn: F\n    summa: {budget: 1}\n"
        "investeringar: {}\n", encoding="utf-8")
    result = run("investments", "--budgets", budgets)
    assert result.exit_code == ExitStatus.DATA
    assert re.match(rf"Error: {re.escape(str(budgets / '2024.yaml'))}:8:\d+: investeringar is empty", result.stderr)


def test_an_investeringsbidrag_after_the_spending_may_lower_the_accumulated_outcome(run, budgets_copy):
    # 2023 ends at 877 604,6 tkr since the start; 2024 opens there and has a net income of 5 000 tkr (a grant
    # received after the spending, utfall -5 000): the ack. utfall of nettoinvesteringar goes down, rightly
    _set_investments_2023(budgets_copy, _simhallen_2023())
    path = budgets_copy / "2024.yaml"
    _replace(path, "      utfall: 60790.1\n", "      utfall: -5000.0\n")
    code, findings, _ = _check(run, budgets_copy)
    assert (code, findings) == (0, [])


def test_an_opening_above_last_year_with_a_net_income_is_a_warning_not_a_decrease(run, budgets_copy):
    _set_investments_2023(budgets_copy, _simhallen_2023(tidigare="780512.0"))  # ends at 867 604,6, not 877 604,6
    _replace(budgets_copy / "2024.yaml", "      utfall: 60790.1\n", "      utfall: -15000.0\n")  # 862 604,6 < 867 604,6
    code, findings, _ = _check(run, budgets_copy)
    assert code == 0
    assert [(f[2], "ack_utfall_tidigare" in f[3], "867 604,6 tkr" in f[3]) for f in findings] == [("varning", True, True)]


# --- a cancelled project (status avbruten) ---------------------------------------------------

# a project stopped by the nämnd mid-way: of its 45 mnkr frame 4,1 mnkr was spent, 3,2 of it before 2024
CANCELLED = """\
    idrottshall-norr:
      namn: Idrottshall Norr
      forvaltning: KLF
      status: avbruten
      beslutad_budget: 45000.0
      ack_utfall_tidigare: 3200.0
      budget: 20000.0
      utfall: 862.4
      kommentar: Avbröts efter beslut i kommunstyrelsen i juni; förstudien är gjord, ramen används inte.
"""


def _with_cancelled(budgets_copy: Path) -> Path:
    path = budgets_copy / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.endswith("trygghetspunkter.\n"), text[-80:]  # civil beredskap is the file's last project
    path.write_text(text + CANCELLED, encoding="utf-8")
    return path


def test_a_cancelled_project_is_its_own_block_with_its_sum(run, budgets_copy):
    _with_cancelled(budgets_copy)
    rows = _csv(run, "investments", "--year", "2024", "--budgets", budgets_copy)
    assert [(r["radtyp"], r["namn"]) for r in rows[-5:]] == [
        ("rad", "Civil beredskap"), ("delsumma", "Summa pågående projekt"),
        ("rad", "Idrottshall Norr"), ("delsumma", "Summa avbrutna projekt"), ("summa", "Summa investeringar")]
    cancelled, block, total = _by_name(rows)["Idrottshall Norr"], rows[-2], rows[-1]
    money = ("beslutad_budget", "ack_utfall", "budgetavvikelse_ack", "budget", "utfall", "avvikelse")
    # 45 000 − (3 200 + 862,4) = 40 937,6 tkr; 20 000 − 862,4 = 19 137,6 tkr
    assert tuple(cancelled[c] for c in money) == ("45.0", "4.1", "40.9", "20.0", "0.9", "19.1")
    assert (cancelled["status"], block["status"]) == ("avbruten", "avbruten")
    assert tuple(block[c] for c in money) == tuple(cancelled[c] for c in money)
    # the seed's 1 349,3 / 1 192,5 / 156,8 / 471,7 / 314,9 / 156,8 and the cancelled project, exactly:
    # budget 471 673,2 + 20 000; utfall 314 919,6 + 862,4; avvikelse 175 891,2 tkr
    assert tuple(total[c] for c in money) == ("1394.3", "1196.6", "197.7", "491.7", "315.8", "175.9")
    # the other blocks are the seed's as they were
    assert _by_name(rows)["Summa färdigställda projekt"]["avvikelse"] == "58.5"
    assert _by_name(rows)["Summa pågående projekt"]["avvikelse"] == "98.3"
    frame = investments_report(load_budgets(budgets_copy), 2024, status="avbruten")  # exact öre
    assert frame.filter(pl.col("radtyp") == "delsumma").select("avvikelse", "budgetavvikelse_ack").row(0) == (
        1_913_760_000, 4_093_760_000)


def test_the_status_option_offers_every_status_of_the_year_file():
    from kfollow.cli.investments import Status
    from kfollow.engine.investments import STATUS_ORDER
    from kfollow.sources.investments import STATUSES

    assert {s.value for s in Status} == set(STATUSES) == set(STATUS_ORDER)


def test_a_cancelled_projects_deviation_is_explained_not_read_as_saved(run, budgets_copy):
    _with_cancelled(budgets_copy)
    result = run("investments", "--budgets", budgets_copy)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert next(l for l in lines if l.startswith("Summa avbrutna projekt")).split()[-1] == "19,1"
    note = next(l for l in lines if "avbrutna projekt" in l and "Idrottshall Norr" in l)
    assert "inte" in note and "besparing" in note, note
    plain = run("investments", "--status", "färdigställd", "--budgets", budgets_copy)
    assert "besparing" not in plain.stdout  # no cancelled project in the table: no note


def test_status_avbruten_filter_and_title(run, budgets_copy):
    _with_cancelled(budgets_copy)
    rows = _csv(run, "investments", "--status", "avbruten", "--budgets", budgets_copy)
    assert [r["namn"] for r in rows] == ["Idrottshall Norr", "Summa avbrutna projekt"]
    result = run("investments", "--status", "avbruten", "--budgets", budgets_copy)
    assert result.stdout.splitlines()[0] == "Investeringar 2024 (avbrutna projekt), belopp i mnkr"


def test_summary_notes_the_unused_frame_of_a_cancelled_project(run, budgets_copy):
    _with_cancelled(budgets_copy)
    rows = _csv(run, "summary", "--budgets", budgets_copy)
    investing = next(r for r in rows if r["radtyp"] == "investeringar")
    assert (investing["budget"], investing["utfall"], investing["avvikelse"]) == ("423.9", "246.3", "177.5")
    result = run("summary", "--budgets", budgets_copy)
    assert any("Idrottshall Norr" in l and "besparing" in l for l in result.stdout.splitlines()), result.stdout
    assert "besparing" not in run("summary", "--budgets", budgets_copy, "--forvaltning", "VSS").stdout


def test_the_investment_indicator_notes_the_unused_frame_of_a_cancelled_project(run, budgets_copy):
    """Found in review: the investment deviation indicator counted a cancelled project's unused frame as under
    budget (39,2 % and ja against `Ej negativ` in the bundled year) without the note `investments` and `summary` give."""
    _with_cancelled(budgets_copy)
    table = run("indicators", "--budgets", budgets_copy, "--year", "2024").stdout
    said = ("Procentuell avvikelse investeringsbudget och utfall för KLF 2024 (Idrottshall Norr) räknar med den ram som "
            "avbrutna projekt inte använder, ingen besparing")
    assert said in table.replace("\n", " "), table
    assert "avbrutna projekt" not in run("indicators", "--year", "2024").stdout


def test_a_cancelled_project_passes_the_check(run, budgets_copy):
    # ack. utfall 4 062,4 tkr of a 45 000 tkr frame, the year's 862,4 of 20 000: no error, no warning
    _with_cancelled(budgets_copy)
    code, findings, _ = _check(run, budgets_copy)
    assert (code, findings) == (0, [])


def test_outcome_on_a_project_cancelled_in_an_earlier_year_is_an_error(run, budgets_copy):
    """Found by an investment controller: 862,4 tkr booked in 2024 on Idrottshall Norr, stopped by the nämnd in 2023,
    passed `check` without a word (a färdigställd project's later utfall was already an error)."""
    _set_investments_2023(budgets_copy, _simhallen_2023() + CANCELLED.replace("      ack_utfall_tidigare: 3200.0\n", "")
                          .replace("      utfall: 862.4\n", "      utfall: 3200.0\n"))
    _with_cancelled(budgets_copy)
    code, findings, _ = _check(run, budgets_copy)
    old, new = budgets_copy / "2023.yaml", budgets_copy / "2024.yaml"
    assert code == ExitStatus.CHECK_FAILED
    assert findings == [(str(new), _line(new, "idrottshall-norr:"), "fel",
                         "projekt idrottshall-norr 2024: utfall 862,4 tkr efter att projektet avbröts 2023 "
                         f"({old}:{_line(old, 'idrottshall-norr:')}), och status är avbruten också 2024, men ett "
                         "avbrutet projekt har ingen ram att bokföra på; bokför det på ett nytt projekt eller i driften, "
                         "eller, om projektet har tagits upp igen, skriv status: pågående (eller färdigställd) här")]
    # listed again in 2024 without utfall (its frame closed in the accounts): nothing to say
    _replace(new, "      utfall: 862.4\n", "      utfall: 0\n")
    code, findings, _ = _check(run, budgets_copy)
    assert (code, findings) == (0, [])


@pytest.mark.parametrize("status", ["pågående", "färdigställd"])
def test_a_cancelled_project_taken_up_again_passes_with_a_note(run, budgets_copy, status):
    """Found in review: Idrottshall Norr avbruten in 2023 and pågående in 2024 ('Återupptogs…') with 862,4 tkr could
    never pass: 'fel: … efter att projektet avbröts 2023 …, eller rätta status om projektet har återupptagits', the
    status being pågående already (the earliest avbruten year was read, whatever the later years said)."""
    _set_investments_2023(budgets_copy, _simhallen_2023() + CANCELLED.replace("      ack_utfall_tidigare: 3200.0\n", "")
                          .replace("      utfall: 862.4\n", "      utfall: 3200.0\n"))
    new = _with_cancelled(budgets_copy)
    text = new.read_text(encoding="utf-8")
    start = text.index("    idrottshall-norr:")
    new.write_text(text[:start] + text[start:].replace("      status: avbruten\n", f"      status: {status}\n").replace(
        "Avbröts efter beslut i kommunstyrelsen i juni; förstudien är gjord, ramen används inte.",
        "Återupptogs efter beslut i kommunstyrelsen i mars."), encoding="utf-8")
    code, findings, stderr = _check(run, budgets_copy)
    old = budgets_copy / "2023.yaml"
    assert (code, findings) == (0, [])
    assert (f"note: {new}:{_line(new, 'idrottshall-norr:')}: projekt idrottshall-norr 2024: avbröts 2023 "
            f"({old}:{_line(old, 'idrottshall-norr:')}) och har tagits upp igen (status {status} 2024), så utfallet "
            "2024 bokförs på projektet igen\n") in stderr


def test_a_cancelled_project_of_last_year_may_be_gone_this_year(run, budgets_copy):
    _set_investments_2023(budgets_copy, _simhallen_2023() + CANCELLED.replace("      ack_utfall_tidigare: 3200.0\n", ""))
    code, findings, _ = _check(run, budgets_copy)
    assert (code, findings) == (0, [])


# --- an ongoing project that disappears ---------------------------------------------------------


def test_an_ongoing_project_missing_the_next_year_is_a_warning(run, budgets_copy):
    ongoing = CANCELLED.replace("status: avbruten", "status: pågående")
    _set_investments_2023(budgets_copy, _simhallen_2023() + ongoing)
    code, findings, _ = _check(run, budgets_copy)
    old, new = budgets_copy / "2023.yaml", budgets_copy / "2024.yaml"
    assert code == 0  # a warning
    assert [(f[0], f[1], f[2]) for f in findings] == [(str(old), _line(old, "idrottshall-norr:"), "varning")]
    message = findings[0][3]
    for word in ("projekt idrottshall-norr 2023: pågående", f"filen för 2024 ({new})", "investeringar.projekt",
                 "färdigställd", "avbruten"):
        assert word in message, message
    # one Swedish sentence, as every kind of finding (test_check_swedish), and the same in json
    from test_check_swedish import findings as swedish_findings

    assert [f["kod"] for f in swedish_findings(run, budgets_copy) if "503,2" not in f["meddelande"]] == ["inv_forsvunnen"]


@pytest.mark.parametrize("status", ["färdigställd", "avbruten"])
def test_a_closed_project_of_last_year_may_be_gone(run, budgets_copy, status):
    closed = CANCELLED.replace("status: avbruten", f"status: {status}")
    _set_investments_2023(budgets_copy, _simhallen_2023() + closed)
    code, findings, _ = _check(run, budgets_copy)
    assert (code, findings) == (0, [])


def test_a_missing_project_with_a_new_id_of_the_same_name_is_named(run, budgets_copy):
    # last year's id was simhall; this year it is written simhallen: the project did not stop, its id changed
    _set_investments_2023(budgets_copy, _simhallen_2023().replace("    simhallen:\n", "    simhall:\n"))
    code, findings, _ = _check(run, budgets_copy)
    assert code == 0
    assert len(findings) == 1 and findings[0][2] == "varning"
    message = findings[0][3]
    assert "projekt simhall 2023: pågående" in message, message
    assert f"projektet simhallen med samma namn på rad {_line(budgets_copy / '2024.yaml', 'simhallen:')}" in message


def test_a_year_with_only_a_forvaltnings_total_does_not_lose_its_projects(run, budgets_copy):
    # 2024 gives VSS's investments as one total, not per project (as the bundled 2023 does for KLF): last year's
    # ongoing VSS project is not missing there, the year's projects are just not known
    path = budgets_copy / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    vss-lkdata:\n")
    end = text.index("    simhallen:\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    _replace(path, "  forvaltningar:\n    KLF:\n", "  forvaltningar:\n    VSS:\n      utfall: 69437.5\n    KLF:\n")
    vss = CANCELLED.replace("status: avbruten", "status: pågående").replace("forvaltning: KLF", "forvaltning: VSS")
    _set_investments_2023(budgets_copy, _simhallen_2023() + vss)
    code, findings, _ = _check(run, budgets_copy)
    assert (code, findings) == (0, [])


def test_investments_beside_part_of_the_year_say_their_deviation_is_what_is_left(run, tmp_path):
    """Found by a new user: a monthly report (and `investments` of a year still being booked) showed a project's
    full-year budget against the utfall so far, `Avvikelse 24 350` with no word, read by a politician as a surplus.
    A note on the deviation says what it is; the bundled closed year, shown whole, needs none."""
    folder = tmp_path / "b"
    shutil.copytree(ROOT / "examples" / "budgets", folder)
    year = folder / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8") + "\ninvesteringar:\n  projekt:\n    forskola-norr:\n"
                    "      namn: Förskola Norr\n      forvaltning: KSF\n      status: pågående\n"
                    "      beslutad_budget: 60000.0\n      ack_utfall_tidigare: 2000.0\n      budget: 31800.0\n"
                    "      utfall: 7450.0\n", encoding="utf-8")
    booking = run("investments", "--budgets", folder, "--unit", "tkr")
    assert booking.exit_code == 0, booking.stderr
    row = next(x for x in booking.stdout.splitlines() if x.startswith("Förskola Norr"))
    assert "31\u00a0800" in row and "7\u00a0450" in row and "24\u00a0350" in row  # the figures stay as they are
    said = ("Investeringarna har inga månader: Budget är helårets och Utfall det som årsfilen anger hittills i år (året "
            "är bokfört till och med oktober), så Avvikelse är det som återstår av årets budget, inget överskott.")
    assert said in booking.stdout.replace("\n", " ")
    report = run("report", "--budgets", folder, "--period", "2024-08", "-o", tmp_path / "r.md")
    assert report.exit_code == 0, report.stderr
    assert said in (tmp_path / "r.md").read_text(encoding="utf-8").replace("\n", " ")
    assert "inga månader" not in run("investments", "--year", "2024").stdout  # a closed year, whole
