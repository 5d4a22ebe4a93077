"""What a new förvaltning controller met closing tertial 2 with forms to her budget holders (h96)."""

from __future__ import annotations

import shutil

from conftest import ROOT, csv_rows

ANSWERED = ROOT / "examples" / "answered" / "budgets"


def _income_typed_positive(tmp_path):
    """examples/answered with HR-stab's Intäkter forecast typed 800 tkr where the form shows its budget as -840:
    the answers file, and the line of HR's answer (where check and collect place the forecast)."""
    budgets = tmp_path / "budgets"
    shutil.copytree(ANSWERED, budgets)
    answers = budgets / "svar" / "2024-10.yaml"
    text = answers.read_text(encoding="utf-8")
    anchor = '      "personal":\n        prognos: 13300000.00\n'
    assert text.count(anchor) == 1
    answers.write_text(text.replace(anchor, anchor.replace('      "personal"', '      "intakter":\n'
                                                           '        prognos: 800000.00\n      "personal"')),
                       encoding="utf-8")
    line = text.splitlines().index('    stab: "HR"')  # (the answer's first line, `- forvaltning:`, is the one before)
    # (Samhällsbyggnadsstab, which has not answered in the example, answered: nothing else holds the close back)
    with answers.open("a", encoding="utf-8") as fh:
        fh.write('  - forvaltning: "KSF"\n    stab: "SAM"\n    prognos: 14100000.00\n    kommentar: "Som budget."\n'
                 '    arbetsbok: "2024-10 SAM Samhällsbyggnadsstab.xlsx"\n    inlast: "2024-11-07T09:30:00+00:00"\n')
    return budgets, answers, line


def test_a_kostnadsslag_forecast_of_the_wrong_sign_holds_the_close_back(run, tmp_path):
    """A budget holder typed Intäkter 166 000 (budget -173 333): collect and check warned, status exited 0,
    and deviation and report said nothing while the nämnd's tables printed 'Intäkter … -173 333 | 166 000 |
    -339 333'. status holds the close back for it as for a row's own forecast of the wrong sign, and deviation
    and report say it on stderr."""
    budgets, answers, line = _income_typed_positive(tmp_path)
    check = run("check", "--budgets", budgets)
    assert (f"{answers}:{line}: varning: KSF stab HR 2024-10: prognosen för Intäkter 800 tkr har motsatt tecken mot "
            "dess budget för året -840 tkr; skriv den med det tecken som formuläret visar budgeten med") \
        in check.stdout.splitlines(), check.stdout
    status = run("status", "--budgets", budgets, "--period", "2024-10", "--unit", "tkr")
    assert status.exit_code == 1, status.stderr
    assert (f"status: HR-stab (HR) 2024-10: granska prognosen för Intäkter i {answers}:{line} (prognos_kostnadsslag: "
            "motsatt tecken mot dess budget för året, ett minustecken för mycket eller ett som saknas?); rätta den före "
            "rapporten (ett svar: formuläret ifyllt igen och insamlat); kfollow check visar beloppen") \
        in status.stderr.splitlines(), status.stderr
    hr = next(r for r in csv_rows(run("status", "--budgets", budgets, "--period", "2024-10", "-f", "csv").stdout)
              if r["stab"] == "HR")
    assert hr["granska"] == "prognos_kostnadsslag"
    table = next(ln for ln in status.stdout.splitlines() if ln.startswith("HR-stab"))
    assert table.endswith("Intäkter: fel tecken?")
    warning = (f"warning: {answers}:{line}: the forecast 2024-10 of Intäkter of KSF stab HR has the opposite sign of "
               "its budget for the year; type it with the sign the form shows the budget with (kfollow check shows the "
               "amounts)")
    deviation = run("deviation", "--budgets", budgets, "--period", "2024-10")
    assert deviation.exit_code == 0 and warning in deviation.stderr.splitlines(), deviation.stderr
    report = run("report", "--budgets", budgets, "--period", "2024-10", "-o", tmp_path / "t2.md")
    assert report.exit_code == 0 and report.stderr.splitlines().count(warning) == 1, report.stderr
    # of the rows shown only, as a row's forecast
    assert "Intäkter" not in run("deviation", "--budgets", budgets, "--period", "2024-10", "--stab", "EKO").stderr
    # typed with the form's sign, nothing is held back or said
    answers.write_text(answers.read_text(encoding="utf-8").replace("prognos: 800000.00", "prognos: -800000.00"),
                       encoding="utf-8")
    fine = run("status", "--budgets", budgets, "--period", "2024-10")
    assert fine.exit_code == 0 and fine.stderr == "", fine.stderr
    assert "of Intäkter" not in run("deviation", "--budgets", budgets, "--period", "2024-10").stderr


def test_a_kostnadsslag_forecast_in_another_unit_holds_the_close_back(run, tmp_path):
    """As a row's forecast 100 times its budget: HR's Personalkostnader typed 13 300 000 tkr for 13,3 mnkr."""
    budgets = tmp_path / "budgets"
    shutil.copytree(ANSWERED, budgets)
    answers = budgets / "svar" / "2024-10.yaml"
    text = answers.read_text(encoding="utf-8")
    answers.write_text(text.replace("        prognos: 13300000.00\n", "        prognos: 13300000000.00\n"),
                       encoding="utf-8")
    status = run("status", "--budgets", budgets, "--period", "2024-10")
    assert status.exit_code == 1
    assert "granska prognosen för Personalkostnader i" in status.stderr
    assert "(prognos_kostnadsslag: minst 100 gånger dess budget för året eller högst en hundradel av den, skriven i " \
           "en annan enhet?)" in status.stderr
    deviation = run("deviation", "--budgets", budgets, "--period", "2024-10")
    assert "the forecast 2024-10 of Personalkostnader of KSF stab HR is 1 015 times its budget for the year; typed " \
           "in another unit? (kfollow check shows the amounts)" in deviation.stderr, deviation.stderr


def _forecast_error(text: str) -> str:
    from types import SimpleNamespace

    import pytest

    from kfollow.errors import DataError
    from kfollow.sources.answers import _forecast

    with pytest.raises(DataError) as err:
        _forecast("PASS.xlsx", "B12", SimpleNamespace(value=text, data_type="s"), "tkr")
    return err.value.problem


def test_a_forecast_with_a_point_before_three_digits_is_offered_both_readings():
    """'81.500' (81 500 tkr) was told 'write it with a decimal comma, 81,500', which reads 81,5 tkr: a point before
    three digits may be a Swedish thousands separator, so both are offered."""
    assert _forecast_error("81.500").endswith(
        "forecast '81.500' has a point before three digits, which may group thousands or be a decimal point; type "
        "81 500 if it is thousands, 81,5 if it is a decimal")
    assert _forecast_error("-1.250").endswith("type -1 250 if it is thousands, -1,25 if it is a decimal")
    assert _forecast_error("1.234.567").endswith(
        "forecast '1.234.567' has points between its thousands; write it with spaces, 1 234 567")
    # a point that can only be a decimal point keeps its advice
    assert _forecast_error("1234.5").endswith(
        "forecast '1234.5' is written with a decimal point; write it with a decimal comma, 1234,5")
    assert _forecast_error("81.50").endswith("write it with a decimal comma, 81,50")


def test_a_month_number_is_that_month_of_the_year_reported(run, tmp_path):
    """`deviation --period 8` was refused ('write YYYY-MM'): a month 1–12 is that month of --year, or of the latest
    year, in every command with --period; other values keep their error."""
    example = ROOT / "examples" / "budgets"
    for command in (["deviation"], ["deviation", "--year", "2024", "-f", "csv"], ["check", "-f", "csv"],
                    ["status"], ["compare", "2023", "2024"], ["indicators"]):
        month = run(*command, "--budgets", example, "--period", "8")
        full = run(*command, "--budgets", example, "--period", "2024-08")
        assert (month.exit_code, month.stdout, month.stderr) == (full.exit_code, full.stdout, full.stderr), command
        assert full.exit_code in (0, 1) and full.stdout, command
    # (the example has no projects: the same refusal, of 2024-08)
    assert run("investments", "--budgets", example, "--period", "8").stderr == \
        run("investments", "--budgets", example, "--period", "2024-08").stderr
    assert run("report", "--budgets", example, "--period", "08", "-o", tmp_path / "r.md").exit_code == 0
    assert "Rapportens period: januari–augusti 2024;" in (tmp_path / "r.md").read_text(encoding="utf-8")
    for bad in ("13", "0", "2024-8", "augusti"):
        refused = run("deviation", "--budgets", example, "--period", bad)
        assert refused.exit_code == 2 and f"Error: --period '{bad}' is not a month; write YYYY-MM, e.g. 2024-08" \
            in refused.stderr, refused.stderr
