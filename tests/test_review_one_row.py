"""Found in review: a förvaltning of one view row: check --require-comment-over and status ask for its comment
alike (under its one row, where the forms are answered), and a selection's subtotal carries no förvaltning's
comment."""
from pathlib import Path

from tests.conftest import csv_rows

HEADER = "period,forvaltning,stab,verksamhet,konto,slag,belopp"
YEAR = ("ar: 2024\norganisation: Testkommun\nenhet: kr\nutfall_fil: utfall-2024.csv\n"
        'verksamheter: {"100": Nämnd, "920": Gemensamt}\nforvaltningar:\n'
        '  KSF:\n    namn: Kommunstyrelseförvaltningen\n    verksamheter:\n      "100": {budget: 12000}\n'
        '      "920": {budget: 6000}\n'
        '  SERV:\n    namn: Serviceförvaltningen\n    summa:\n      prognos: {2024-01: 3000}\n'
        '      kommentarer: {2024-01: "Lägre intäkter."}\n'
        '    verksamheter:\n      "920": {budget: 2400}\n')
UTFALL = ["2024-01,KSF,,100,5010,kostnad,1000.00", "2024-01,KSF,,920,5010,kostnad,500.00",
          "2024-01,SERV,,920,5010,kostnad,300.00"]


def _folder(tmp_path: Path) -> Path:
    d = tmp_path / "b"
    d.mkdir()
    (d / "2024.yaml").write_text(YEAR, encoding="utf-8")
    (d / "utfall-2024.csv").write_text("".join(f"{r}\n" for r in [HEADER, *UTFALL]), encoding="utf-8")
    return d


def test_check_and_status_agree_on_a_one_row_forvaltning(run, tmp_path):
    d = _folder(tmp_path)
    check = run("check", "--budgets", d, "--by", "verksamhet", "--period", "2024-01", "--require-comment-over", "1%")
    assert check.exit_code == 1 and "i förvaltningen SERV" in check.stdout, check.stdout
    status = run("status", "--budgets", d, "--by", "verksamhet", "--period", "2024-01", "--require-comment-over", "1%",
                 "-f", "csv")
    serv = [r for r in csv_rows(status.stdout) if r["forvaltning"] == "SERV"]
    assert serv, status.stdout
    # both ask for the comment under its one row, where the forms are answered
    assert all("kommentar" in (r["saknas"] or "") for r in serv), serv


YEAR_AB = """ar: 2024
organisation: Testkommun
enhet: tkr
forvaltningar:
  A:
    namn: Förvaltning A
    kommentar: "Hela förvaltningen: underskott i äldreomsorgen."
    staber:
      A1: {namn: Stab A1, budget: 1200, utfall: {2024-01: 100}}
      A2: {namn: Stab A2, budget: 1200, utfall: {2024-01: 300}}
  B:
    namn: Förvaltning B
    staber:
      B1: {namn: Stab B1, budget: 1200, utfall: {2024-01: 100}}
      B2: {namn: Stab B2, budget: 1200, utfall: {2024-01: 100}}
"""


def test_a_selected_stab_subtotal_does_not_carry_the_whole_forvaltnings_comment(run, tmp_path):
    d = tmp_path / "ab"
    d.mkdir()
    (d / "2024.yaml").write_text(YEAR_AB, encoding="utf-8")
    full = {r["namn"]: r["kommentar"] for r in csv_rows(run("deviation", "--budgets", d, "--comments", "-f", "csv").stdout)}
    assert full["Summa A"] == ""  # the whole view: a förvaltning of two rows, its subtotal has no comment
    picked = {r["namn"]: r["kommentar"] for r in csv_rows(
        run("deviation", "--budgets", d, "--stab", "A1", "--stab", "B1", "--comments", "-f", "csv").stdout)}
    # Summa A is now Stab A1 alone (0 deviation), yet it shows the förvaltning's comment on A2's deficit
    assert picked["Summa A"] == "", picked
