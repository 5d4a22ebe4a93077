"""`check` quoted a budget adjusted by the year's budget changes (ombudgeteringar) as if it were the year
file's: "1/120 av budgeten för året 1 200 tkr" of a stab whose file says `budget: 1000` (found by a new user,
who looked for 1 200 in the file). A figure the changes moved now says so, with the original budget; a
figure they left alone is said as before."""

from __future__ import annotations

from pathlib import Path

from test_check_swedish import assert_swedish

YEAR = """ar: 2026
organisation: Lillby kommun
enhet: tkr
profiler: {sommar: {vikter: [10, 10, 9, 8, 8, 7, 4, 6, 8, 9, 10, 11]}}
verksamheter: {"100": Nämnd, "920": Gemensamt}
forvaltningar:
  SOC:
    namn: Socialförvaltningen
    staber:
      IFO: {namn: IFO, budget: 1000, utfall: {2026-01: 90, 2026-02: 80, 2026-03: 80}, prognos: {2026-03: 10}}
      ADM: {namn: Administration, budget: 500, utfall: {2026-01: 40, 2026-02: 40, 2026-03: 40}, prognos: {2026-03: 0}, profil: sommar}
    verksamheter:
      "100": {budget: 600, utfall: {2026-01: 40, 2026-02: 40, 2026-03: 40}}
      "920": {budget: 900, utfall: {2026-01: 90, 2026-02: 80, 2026-03: 80}}
ombudgeteringar:
  - datum: 2026-02-10
    beslut: SN 2026-02-10 § 12
    text: Tillskott
    rader:
      - {forvaltning: SOC, stab: IFO, ROWS belopp: 200}
"""


def _folder(tmp_path: Path, rows: str = "") -> Path:
    (tmp_path / "2026.yaml").write_text(YEAR.replace("ROWS ", rows), encoding="utf-8")
    return tmp_path


def _messages(run, folder: Path) -> list[str]:
    result = run("check", "--budgets", folder)
    assert result.exit_code in (0, 1), result.stderr
    lines = [ln.split(": ", 1)[1] for ln in result.stdout.splitlines()]
    for ln in lines:
        assert_swedish(ln)
    return lines


def test_a_forecast_measured_against_a_changed_budget_says_it_is_adjusted(run, tmp_path):
    lines = _messages(run, _folder(tmp_path))
    assert ("varning: SOC stab IFO: prognosen 2026-03 10 tkr är 1/120 av budgeten för året 1 200 tkr (1,2 mnkr), "
            "justerad med budgetändringarna till och med 2026-03 (ombudgeteringar) från den ursprungliga budgeten "
            "1 000 tkr (1,0 mnkr); är den skriven i en annan enhet (mnkr i stället för tkr)?") in lines
    # ADM's budget was not changed: its budget is the file's, said as before
    assert ("varning: SOC stab ADM: prognosen 2026-03 är 0 men budgeten för året är 500 tkr; en prognos är årets "
            "hela utfall: för ingen avvikelse, skriv budgeten") in lines
    # stderr of the tables says it too
    table = run("deviation", "--budgets", tmp_path)
    assert ("the forecast 2026-03 of SOC stab IFO is 1/120 of its budget for the year (as adjusted by the budget "
            "changes up to 2026-03); typed in another unit?") in table.stderr


def test_a_views_sum_moved_by_a_change_says_it_is_adjusted(run, tmp_path):
    lines = _messages(run, _folder(tmp_path))
    assert ("fel: SOC 2026: budgeten för verksamhetsraderna summerar till 1 500 tkr (1,5 mnkr) men förvaltningens "
            "summa enligt stabraderna är 1 700 tkr (1,7 mnkr), justerad med årets budgetändringar (ombudgeteringar) "
            "från den ursprungliga budgeten 1 500 tkr (1,5 mnkr), en differens på 200 tkr; rätta beloppen, ange "
            "differensen under ej_fordelat eller ange både stab och verksamhet på raderna i dess budgetändringar "
            "(ombudgeteringar)") in lines


def test_a_year_to_date_budget_moved_by_a_change_says_it_is_adjusted(run, tmp_path):
    lines = _messages(run, _folder(tmp_path, rows='verksamhet: "920", '))
    assert any(ln.startswith("varning: SOC 2026-03: den ackumulerade budgeten (justerad med budgetändringarna till "
                             "och med 2026-03) är 431 363,64 kr (431 tkr) per stab men 411 363,64 kr (411 tkr) per "
                             "verksamhet") for ln in lines), lines


def test_a_move_within_the_forvaltning_leaves_its_budget_unadjusted(run, tmp_path):
    """Found in review: 200 tkr moved from ADM to IFO leaves SOC's budget as the year file has it, but
    `budget_storlek` said "budgeten 2026-01–2026-03 (justerad med budgetändringarna till och med 2026-03) 375 000
    tkr" of a budget no change moved."""
    (tmp_path / "2026.yaml").write_text(
        "ar: 2026\norganisation: Lillby kommun\nenhet: tkr\nforvaltningar:\n  SOC:\n    namn: Socialförvaltningen\n"
        "    staber:\n"
        "      IFO: {namn: IFO, budget: 1000000, utfall: {2026-01: 90, 2026-02: 80, 2026-03: 80}}\n"
        "      ADM: {namn: Administration, budget: 500000, utfall: {2026-01: 40, 2026-02: 40, 2026-03: 40}}\n"
        "ombudgeteringar:\n  - datum: 2026-02-10\n    beslut: SN 2026-02-10 § 12\n    text: Flytt\n    rader:\n"
        "      - {forvaltning: SOC, stab: IFO, belopp: 200}\n      - {forvaltning: SOC, stab: ADM, belopp: -200}\n",
        encoding="utf-8")
    sizes = [ln for ln in _messages(run, tmp_path) if "gånger utfallet" in ln]
    assert sizes == ["varning: SOC 2026: budgeten 2026-01–2026-03 375 000 tkr (375,0 mnkr) är 1 014 gånger utfallet "
                     "370 tkr; är budgeten eller utfallet i en annan enhet? (enhet: tkr)"], sizes
