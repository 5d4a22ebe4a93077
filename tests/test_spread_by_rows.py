"""A budget for the year spread to a period by the profile of the row it belongs to, in every cut:
the parts of a row add up to the row as the view spreads it, and `months` with a filter gives the
figures `deviation --period` gives (found in review)."""

from __future__ import annotations

import json

import pytest

HEADER = "period,forvaltning,stab,verksamhet,konto,slag,belopp\n"
PROFILE = """profiler:
  sommar:
    vikter: [10, 10, 9, 8, 8, 7, 4, 6, 8, 9, 10, 11]
"""


HEAD_920 = f"""ar: 2024
organisation: Test
enhet: kr
utfall_fil: utfall-2024.csv
budget_fil: budget-2024.csv
verksamheter:
  "920": Gemensamma verksamheter
{PROFILE}forvaltningar:
  A:
    namn: Förvaltning A
"""  # a förvaltning with the one verksamhet 920, the profile sommar defined


def _folder(tmp_path, year: str, budget: str, utfall: str, extra: dict | None = None):
    folder = tmp_path / "budgets"
    folder.mkdir()
    (folder / "2024.yaml").write_text(year, encoding="utf-8")
    (folder / "budget-2024.csv").write_text(HEADER + budget, encoding="utf-8")
    (folder / "utfall-2024.csv").write_text(HEADER + utfall, encoding="utf-8")
    for name, text in (extra or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _months(rows: str, last: int) -> str:
    """`rows` (forvaltning,stab,verksamhet,konto,slag,belopp) booked in each month 1..last."""
    return "".join(f"2024-{m:02d},{r}\n" for m in range(1, last + 1) for r in rows.strip().splitlines())


def _rows(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def by_verksamhet(tmp_path):
    """Förvaltning A is written per verksamhet only; its one verksamhet has the profile sommar."""
    year = HEAD_920 + """    verksamheter:
      "920":
        profil: sommar
"""
    return _folder(tmp_path, year, "2024,A,,920,5010,kostnad,1200.00\n2024,A,,920,6410,kostnad,1200.00\n",
                   _months("A,,920,5010,kostnad,100.00\nA,,920,6410,kostnad,100.00", 4))


@pytest.mark.parametrize("by", ["forvaltning,kostnadsslag", "kostnadsslag", "verksamhet,kostnadsslag"])
def test_a_forvaltning_of_verksamheter_spreads_its_parts_by_their_profile(run, by_verksamhet, by):
    """Sommar gives January–April 37/100 of the year: 888 kr of 2 400, 444 per account. The parts were
    spread by the förvaltning's even profile (400 each) and an `Ej fördelat` row of 88 kr made up."""
    rows = _rows(run("deviation", "--budgets", by_verksamhet, "--unit", "kr", "--exact", "--by", by, "-f", "json"))
    parts = {r["kostnadsslag"]: r for r in rows if r.get("kostnadsslag") and r["radtyp"] != "summa"}
    assert {k: (r["budget"], r["utfall"], r["avvikelse"]) for k, r in parts.items()} == {
        "personal": (444, 400, 44), "ovriga": (444, 400, 44)}
    assert not [r for r in rows if "ej_fordelat" in r["radtyp"]]
    assert rows[-1]["budget"] == 888 and rows[-1]["radtyp"] == "summa"


def test_no_part_beyond_a_limit_that_is_not_there(run, by_verksamhet):
    result = run("deviation", "--budgets", by_verksamhet, "--by", "forvaltning,kostnadsslag", "--fail-over", "50kr")
    assert result.exit_code == 1  # the förvaltning deviates 88 kr; each of its parts 44 kr, and nothing is left over
    assert "Förvaltning A är 88 kr" in result.stderr and "Ej fördelat" not in result.stderr
    assert "Personalkostnader" not in result.stderr


@pytest.fixture
def two_profiles(tmp_path):
    """Stab S1 (profile sommar) and verksamhet 920 (even) hold the same facts: a yearly budget of 2 400."""
    year = HEAD_920 + """    staber:
      S1:
        namn: Stab ett
        profil: sommar
    verksamheter:
      "920": {}
"""
    return _folder(tmp_path, year, "2024,A,S1,920,5010,kostnad,1200.00\n2024,A,S1,920,6410,kostnad,1200.00\n",
                   _months("A,S1,920,5010,kostnad,100.00\nA,S1,920,6410,kostnad,100.00", 4))


def test_a_yearly_budget_is_spread_by_its_stab_in_either_view(run, two_profiles):
    """One profile per fact, its stab's (README): the verksamhet view used to spread the same facts
    by the verksamhet's (even: 400 against the stab view's 444), so the förvaltning's total changed
    with --by (found in review)."""
    months = _rows(run("months", "--budgets", two_profiles, "--unit", "kr", "--exact", "--verksamhet", "920",
                       "--konto", "5", "-f", "json"))
    deviation = _rows(run("deviation", "--budgets", two_profiles, "--unit", "kr", "--exact", "--by", "verksamhet",
                          "--konto", "5", "-f", "json"))
    assert months[-1]["budget_ack"] == deviation[-1]["budget"] == 444  # sommar's 4 months: 37/100 of 1 200
    views = {by: _rows(run("deviation", "--budgets", two_profiles, "--unit", "kr", "--exact", "--by", by,
                           "-f", "json"))[-1]["budget"] for by in ("stab", "verksamhet", "stab,konto", "verksamhet,kostnadsslag")}
    assert set(views.values()) == {888}, views
    check = run("check", "--budgets", two_profiles)
    assert "olika profiler" not in check.stdout, check.stdout
    stab = _rows(run("months", "--budgets", two_profiles, "--unit", "kr", "--exact", "--stab", "S1", "--konto", "5",
                     "-f", "json"))
    assert stab[-1]["budget_ack"] == 444


@pytest.fixture
def verksamhet_profile(tmp_path):
    """The reverse: stab S1 names no profile (the förvaltning's even one), verksamhet 920 names sommar."""
    year = HEAD_920 + """    staber:
      S1:
        namn: Stab ett
    verksamheter:
      "920":
        profil: sommar
"""
    return _folder(tmp_path, year, "2024,A,S1,920,5010,kostnad,1200.00\n2024,A,S1,920,6410,kostnad,1200.00\n",
                   _months("A,S1,920,5010,kostnad,100.00\nA,S1,920,6410,kostnad,100.00", 4))


def test_a_profile_a_verksamhet_names_applies_where_the_stab_names_none(run, verksamhet_profile):
    """The stab row's profile won even where it only inherited the förvaltning's, so the verksamhet's
    own `profil` never applied to facts with a stab: 800 (even) where the file says sommar, 888
    (found in review). The profile a row names wins; one the row only inherits does not."""
    views = {by: _rows(run("deviation", "--budgets", verksamhet_profile, "--unit", "kr", "--exact", "--by", by,
                           "-f", "json"))[-1]["budget"] for by in ("stab", "verksamhet", "stab,konto")}
    assert set(views.values()) == {888}, views


YEAR_TWO_STABS = f"""ar: 2024
organisation: Test
enhet: kr
utfall_fil: utfall-2024.csv
budget_fil: budget-2024.csv
{PROFILE}forvaltningar:
  A:
    namn: Förvaltning A
    staber:
      S1:
        namn: Stab ett
        profil: sommar
      S2:
        namn: Stab två
  R:
    namn: Resultatenhet
    redovisas_som: resultat
    staber:
      R1:
        namn: Resultatstab
"""
BUDGET_TWO_STABS = """2024,A,S1,,5010,kostnad,1000.01
2024,A,S1,,5020,kostnad,1000.01
2024,A,S1,,6410,kostnad,1000.01
2024,A,S1,,3510,intakt,-700.03
2024,A,S2,,5010,kostnad,1000.05
2024,A,S2,,6410,kostnad,100.07
2024,R,R1,,3010,intakt,-5000.00
2024,R,R1,,6410,kostnad,4000.00
"""
UTFALL_TWO_STABS = _months("""A,S1,,5010,kostnad,90.00
A,S1,,5020,kostnad,80.00
A,S1,,6410,kostnad,70.00
A,S1,,3510,intakt,-50.00
A,S2,,5010,kostnad,85.00
A,S2,,6410,kostnad,9.00
R,R1,,3010,intakt,-450.00
R,R1,,6410,kostnad,400.00""", 4)


@pytest.mark.parametrize("flt", [("--konto", "5"), ("--konto", "50"), ("--kostnadsslag", "personal"), ()])
def test_months_with_a_filter_gives_what_deviation_gives_each_month(run, tmp_path, flt):
    """To the öre: each row's parts are rounded together (the öre left over go to the largest
    remainders), not each account alone: months said 830,01 where deviation said 830,02."""
    folder = _folder(tmp_path, YEAR_TWO_STABS, BUDGET_TWO_STABS, UTFALL_TWO_STABS)
    months = _rows(run("months", "--budgets", folder, "--unit", "kr", "--exact", *flt, "-f", "json"))
    for m, row in enumerate(months, start=1):
        summa = _rows(run("deviation", "--budgets", folder, "--unit", "kr", "--exact", "--period", f"2024-{m:02d}",
                          *flt, "-f", "json"))[-1]
        assert (row["budget_ack"], row["utfall_ack"]) == (summa["budget"], summa["utfall"]), (m, row, summa)


def test_months_with_a_filter_shows_a_year_without_accounts_as_not_there(run, tmp_path):
    """2023 is typed per stab in YAML: its utfall has no account, so it is no column, with a note;
    it used to be 0,00 every month."""
    year_2023 = """ar: 2023
organisation: Test
enhet: kr
forvaltningar:
  A:
    namn: Förvaltning A
    staber:
      S1: {namn: Stab ett, budget: 2400, utfall: {%s}}
      S2: {namn: Stab två, budget: 1200, utfall: {%s}}
  R:
    namn: Resultatenhet
    redovisas_som: resultat
    staber:
      R1: {namn: Resultatstab, budget: 0, utfall: {%s}}
""" % tuple(", ".join(f"2023-{m:02d}: {v}" for m in range(1, 13)) for v in (200, 100, 0))
    folder = _folder(tmp_path, YEAR_TWO_STABS, BUDGET_TWO_STABS, UTFALL_TWO_STABS, {"2023.yaml": year_2023})
    result = run("months", "--budgets", folder, "--konto", "5")
    assert result.exit_code == 0, result.stderr
    assert "Utfall 2023" not in result.stdout.split("Anm.")[0]
    assert "Utfall 2023 finns inte med konto" in result.stdout
    plain = run("months", "--budgets", folder)
    assert "Utfall 2023" in plain.stdout  # without a filter the year is there, typed per month


def test_months_with_a_filter_for_a_forvaltning_without_accounts_in_one_figure_is_not_zero(run, tmp_path):
    """R has a budget table but its utfall is typed in YAML: with --konto its utfall is –, not 0,00."""
    year = YEAR_TWO_STABS.replace("utfall_fil: utfall-2024.csv\n", "").replace(
        "      R1:\n        namn: Resultatstab\n",
        "      R1:\n        namn: Resultatstab\n        utfall: {2024-01: 50, 2024-02: 50}\n").replace(
        "        profil: sommar\n      S2:\n        namn: Stab två\n",
        "        profil: sommar\n        utfall: {2024-01: 1, 2024-02: 1}\n      S2:\n        namn: Stab två\n"
        "        utfall: {2024-01: 1, 2024-02: 1}\n")
    folder = _folder(tmp_path, year, BUDGET_TWO_STABS, "")
    (folder / "utfall-2024.csv").unlink()
    rows = _rows(run("months", "--budgets", folder, "--forvaltning", "R", "--konto", "3", "-f", "json"))
    assert rows[-1]["budget_ack"] is not None and rows[-1]["utfall_ack"] is None


def test_a_filter_leaves_no_subtotal_of_a_forvaltning_without_matching_accounts(run, tmp_path):
    """R has two staber and no account 5: `--konto 5` showed an empty `Summa R` row, and the note on
    Summa mixing resultat and nettokostnad, though no resultat förvaltning was left (found in review)."""
    year = YEAR_TWO_STABS.replace("      R1:\n        namn: Resultatstab\n",
                                  "      R1:\n        namn: Resultatstab\n      R2:\n        namn: Resultatstab två\n")
    budget = BUDGET_TWO_STABS + "2024,R,R2,,6410,kostnad,100.00\n"
    folder = _folder(tmp_path, year, budget, UTFALL_TWO_STABS + _months("R,R2,,6410,kostnad,8.00", 4))
    result = run("deviation", "--budgets", folder, "--unit", "kr", "--konto", "5")
    assert result.exit_code == 0, result.stderr
    assert "Summa R" not in result.stdout and "resultat" not in result.stdout
    assert "Summa A" not in result.stdout  # one förvaltning left: its subtotal is the Summa
    rows = _rows(run("deviation", "--budgets", folder, "--unit", "kr", "--exact", "--konto", "5", "-f", "json"))
    assert [r["radtyp"] for r in rows] == ["rad", "rad", "summa"]
    both = _rows(run("deviation", "--budgets", folder, "--unit", "kr", "--exact", "--konto", "6", "-f", "json"))
    assert [r["radtyp"] for r in both].count("delsumma") == 2  # A and R both have account 6: both subtotals


def test_the_rest_without_account_is_flagged_in_no_cut(run, tmp_path):
    """A budget change by decision (+500 kr to S2) is a rest without account: `--fail-over` flagged it in
    a cut of one key and not in a cut of two (found in review); now neither, the rows that hold it are."""
    year = YEAR_TWO_STABS + """ombudgeteringar:
  - datum: 2024-02-01
    beslut: KS § 9
    text: Till stab två
    rader:
      - {forvaltning: A, stab: S2, belopp: 500}
"""
    folder = _folder(tmp_path, year, BUDGET_TWO_STABS, UTFALL_TWO_STABS)
    for by in ("kostnadsslag", "stab,kostnadsslag"):
        table = _rows(run("deviation", "--budgets", folder, "--unit", "kr", "--exact", "--by", by, "-f", "json"))
        rest = [r for r in table if "ej_fordelat" in r["radtyp"]]
        assert [(r["avvikelse"], r["budget_helar"]) for r in rest] == [(136.36, 500)], (by, rest)  # Feb–Apr of 500
        result = run("deviation", "--budgets", folder, "--unit", "kr", "--by", by, "--fail-over", "100kr")
        assert result.exit_code == 1
        assert "Ej fördelat" not in result.stderr, (by, result.stderr)
        assert ("Summa A" if by == "kostnadsslag" else "Stab två") in result.stderr, (by, result.stderr)


@pytest.mark.parametrize("by", ["stab", "forvaltning", "kostnadsslag", "stab,kostnadsslag"])
def test_a_filter_that_leaves_resultat_units_alone_sums_them_as_resultat(run, tmp_path, by):
    """Only R (resultat) has account 30: its Summa is a `Summa resultat` as `--forvaltning R` shows it,
    not a `Summa nettokostnad` of opposite sign without a note (found in review)."""
    folder = _folder(tmp_path, YEAR_TWO_STABS, BUDGET_TWO_STABS, UTFALL_TWO_STABS)
    args = ("deviation", "--budgets", folder, "--unit", "kr", "--exact", "--konto", "30", "--by", by)
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert "Summa resultat" in result.stdout and "Summa nettokostnad" not in result.stdout
    assert "Summa R" not in result.stdout  # one förvaltning left: its subtotal is the Summa
    summa = _rows(run(*args, "-f", "json"))[-1]
    alone = _rows(run(*args, "--forvaltning", "R", "-f", "json"))[-1]
    assert (summa["redovisas_som"], summa["budget"], summa["utfall"], summa["avvikelse"]) == \
        (alone["redovisas_som"], alone["budget"], alone["utfall"], alone["avvikelse"]) == ("resultat", 1666.67, 1800, 133.33)


MIXED = """ar: 2024
organisation: Test
enhet: kr
utfall_fil: utfall-2024.csv
budget_fil: budget-2024.csv
forvaltningar:
  ADM:
    namn: Adm
    staber:
      EKO: {namn: Ekonomi}
  FRI:
    namn: Fritid
    staber:
      BAD: {namn: Bad, budget: 1200.0, utfall: {2024-01: 100.0}}
"""  # ADM from tables with accounts, FRI typed in YAML beside it (found in review)


@pytest.mark.parametrize("flt", [["--konto", "5"], ["--kostnadsslag", "personal"]])
def test_months_with_a_filter_leaves_out_a_forvaltning_typed_in_yaml_and_says_so(run, tmp_path, flt):
    """It used to blank every figure (`–`, exit 0): the total is of the förvaltningar with facts, as
    in `deviation` with the same filter."""
    folder = _folder(tmp_path, MIXED, "2024,ADM,EKO,,5010,kostnad,12000.00\n", "2024-01,ADM,EKO,,5010,kostnad,900.00\n")
    [month] = _rows(run("months", "--budgets", folder, *flt, "--unit", "kr", "--format", "json"))
    assert (month["budget"], month["utfall"], month["avvikelse"], month["avvikelse_ack_pct"]) == (1000, 900, 100, 10.0)
    [year] = _rows(run("deviation", "--budgets", folder, *flt, "--unit", "kr", "--format", "json"))[-1:]
    assert (year["budget"], year["utfall"]) == (month["budget_ack"], month["utfall_ack"])
    shown = run("months", "--budgets", folder, *flt, "--unit", "kr")
    chosen = "med de konton" if flt[0] == "--konto" else "i de kostnadsslag"
    assert f"Anm.: FRI har inga belopp {chosen} som valts (eller inga konton) och ingår inte." in shown.stdout
    assert "Adm" in shown.stdout.splitlines()[0]


def test_the_note_on_a_forvaltning_without_accounts_says_where_its_amounts_are(run, tmp_path):
    """Its figures are on its row, shown whole, in a cut, and left out with a filter: the note used to
    say `visas som –` in both."""
    folder = _folder(tmp_path, MIXED, "2024,ADM,EKO,,5010,kostnad,12000.00\n", "2024-01,ADM,EKO,,5010,kostnad,900.00\n")
    cut = run("deviation", "--budgets", folder, "--by", "kostnadsslag", "--unit", "kr")
    assert "Anm.: FRI har inga konton: budget och utfall är skrivna per stab i årsfilen, så raden delas inte upp per " \
           "kostnadsslag." in cut.stdout
    rest = [r for r in _rows(run("deviation", "--budgets", folder, "--by", "kostnadsslag", "--unit", "kr",
                                 "--format", "json")) if r["forvaltning"] == "FRI" and r["radtyp"] == "forvaltning"]
    assert [(r["budget"], r["utfall"]) for r in rest] == [(100, 100)]
    for args in (("deviation",), ("deviation", "--by", "stab,konto"), ("months",)):
        # every command with a filter names what it leaves out in one way (deviation named FRI's
        # utfall only, and not a förvaltning with accounts of which none matched: found in review)
        filtered = run(*args, "--budgets", folder, "--konto", "5", "--unit", "kr")
        assert "Anm.: FRI har inga belopp med de konton som valts (eller inga konton) och ingår inte." in filtered.stdout
        assert "finns inte med konto" not in filtered.stdout
    filtered = run("deviation", "--budgets", folder, "--konto", "5", "--unit", "kr")
    assert "Bad" not in filtered.stdout and "FRI" not in filtered.stdout.split("Anm.")[0]
