"""Counterexamples the invariant hunt (tests/test_invariants.py) found, each kept as a small case."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import csv_rows

HEAD = "period,forvaltning,stab,verksamhet,konto,slag,belopp\n"


def _year(ar: int, staber: list[str], verksamheter: bool) -> str:
    lines = [f"ar: {ar}", "organisation: Testkommun", "enhet: kr", f"utfall_fil: utfall-{ar}.csv",
             f"budget_fil: budget-{ar}.csv", "verksamheter:", '  "100": Nämnd- och styrelseverksamhet',
             "forvaltningar:", "  T1:", "    namn: Tabell T1", "    staber:"]
    lines += [x for s in staber for x in (f"      {s}:", f"        namn: Stab {s}")]
    if verksamheter:
        lines += ["    verksamheter:", '      "100": {}']
    return "\n".join(lines) + "\n"


def _years(tmp_path, *years: tuple[int, list[str], str, str]):
    """A budgets folder of T1 without verksamheter: per (year, staber, utfall rows, budget rows) its year file and
    tables."""
    d = tmp_path / "b"
    d.mkdir()
    for year, staber, utfall, budget in years:
        (d / f"{year}.yaml").write_text(_year(year, staber, False), encoding="utf-8")
        (d / f"utfall-{year}.csv").write_text(HEAD + utfall, encoding="utf-8")
        (d / f"budget-{year}.csv").write_text(HEAD + budget, encoding="utf-8")
    return d


def _csv(run, d: Path, *args: str) -> list[dict]:
    result = run("deviation", "--budgets", d, "--format", "csv", "--exact", "--unit", "kr", *args)
    assert result.exit_code == 0, result.stderr
    return csv_rows(result.stdout)


def test_a_forvaltning_with_verksamheter_only_the_year_before_has_its_accounts_as_parts(run, tmp_path):
    """T1 booked on verksamhet 100 in 2023 and on none in 2024: `--by verksamhet` shows it as one row, and
    `--by verksamhet,konto` put all of 2024 on that row's `Ej fördelat på konto`, where `--by konto` has 6410 and
    7010 (its 2024 facts went to 2023's rows, which have no 2024 figures)."""
    d = tmp_path / "b"
    d.mkdir()
    (d / "2023.yaml").write_text(_year(2023, ["S0"], True), encoding="utf-8")
    (d / "utfall-2023.csv").write_text(HEAD + "2023-01,T1,S0,100,5070,kostnad,300.00\n", encoding="utf-8")
    (d / "budget-2023.csv").write_text(HEAD + "2023,T1,S0,100,5070,kostnad,1200.00\n", encoding="utf-8")
    # (beside T0, which has verksamheter in 2024: the view is T0's, T1 one row of it)
    (d / "2024.yaml").write_text(_year(2024, ["S0"], False) + "  T0:\n    namn: Tabell T0\n    staber:\n"
                                 '      A:\n        namn: Stab A\n    verksamheter:\n      "100": {}\n', encoding="utf-8")
    (d / "utfall-2024.csv").write_text(HEAD + "2024-01,T1,,,6410,kostnad,500.00\n"
                                       "2024-01,T1,S0,,7010,kostnad,40.00\n2024-01,T0,A,100,5010,kostnad,9.00\n",
                                       encoding="utf-8")
    (d / "budget-2024.csv").write_text(HEAD + "2024-01,T1,S0,,7010,kostnad,100.00\n", encoding="utf-8")
    rows = _csv(run, d, "--by", "verksamhet,konto")
    got = [(r["radtyp"], r["verksamhet"], r["konto"], r["budget"], r["utfall"], r["utfall_2023"]) for r in rows]
    assert got[:3] == [("radsumma", "T1", "", "100", "540", ""),
                       ("del", "T1", "6410", "0", "500", ""),
                       ("del", "T1", "7010", "100", "40", "")], got
    assert not [r for r in rows if r["radtyp"] == "del_ej_fordelat"]  # (was all of 2024: 100 and 540)
    # 2023's row keeps its own account, of 2023
    assert ("del", "100", "5070", "", "", "300") in got
    alone = {r["konto"]: r for r in _csv(run, d, "--by", "konto") if r["radtyp"] == "rad"}
    assert (alone["6410"]["utfall"], alone["7010"]["utfall"], alone["7010"]["budget"]) == ("500", "40", "100")


def test_a_filters_summa_of_last_year_is_0_where_the_forvaltning_booked_other_accounts(run, tmp_path):
    """T1 booked only 3010 in 2023, and its stab S1 is new in 2024: `--konto 5`'s Summa of 2023 was – beside
    `--by konto --konto 5`'s 0 and compare's Summa T1 0."""
    d = _years(tmp_path, (2023, ["S0"], "2023-01,T1,S0,,3010,intakt,-300.00\n", "2023,T1,S0,,3010,intakt,-1200.00\n"),
               (2024, ["S0", "S1"], "2024-01,T1,S0,,3010,intakt,-200.00\n2024-01,T1,S1,,5010,kostnad,700.00\n",
                "2024-01,T1,S1,,5010,kostnad,650.00\n"))
    rows = _csv(run, d, "--konto", "5")
    assert [(r["radtyp"], r["stab"], r["utfall"], r["utfall_2023"]) for r in rows] == [
        ("rad", "S1", "700", ""), ("summa", "Summa", "700", "0")]
    by_konto = _csv(run, d, "--by", "konto", "--konto", "5")
    assert [(r["radtyp"], r["utfall_2023"]) for r in by_konto] == [("rad", "0"), ("summa", "0")]


def test_a_stab_with_the_filters_accounts_only_the_year_before_is_its_row_not_nothing_to_show(run, tmp_path):
    """S0 booked income (3010) in 2023 and only 5010 in 2024: the table of `--kostnadsslag intakter` shows S0's row
    (0 this year, its 2023 utfall beside), and `--stab S0` with it, in deviation and months, was 'nothing to show;
    no account of stab S0 is in it'."""
    d = _years(tmp_path, (2023, ["S0", "S1"], "2023-01,T1,S0,,3010,intakt,-300.00\n", "2023,T1,S0,,3010,intakt,-1200.00\n"),
               (2024, ["S0", "S1"], "2024-01,T1,S0,,5010,kostnad,700.00\n2024-01,T1,S1,,3010,intakt,-200.00\n",
                "2024-01,T1,S0,,5010,kostnad,650.00\n"))
    every = _csv(run, d, "--kostnadsslag", "intakter")
    s0 = [(r["radtyp"], r["stab"], r["utfall"], r["utfall_2023"]) for r in every if r["stab"] == "S0"]
    assert s0 == [("rad", "S0", "0", "-300")], every
    alone = _csv(run, d, "--kostnadsslag", "intakter", "--stab", "S0")
    assert [(r["radtyp"], r["utfall"], r["utfall_2023"]) for r in alone] == [("rad", "0", "-300"), ("summa", "0", "-300")]
    months = run("months", "--budgets", d, "-f", "csv", "--exact", "--unit", "kr", "--kostnadsslag", "intakter",
                 "--stab", "S0")
    assert months.exit_code == 0, months.stderr
    assert [(r["manad"], r["utfall_ack"], r["utfall_2023"]) for r in csv_rows(months.stdout)] == [("2024-01", "0", "-300")]
    # a kostnadsslag the stab has in neither year is still nothing to show, and one the year has nowhere an error
    for args in (("--kostnadsslag", "personal", "--stab", "S1"), ("--konto", "4", "--stab", "S0")):
        refused = run("deviation", "--budgets", d, *args)
        assert refused.exit_code == 2 and refused.stdout == "", args
    assert "no account of stab S1 is in it" in run("deviation", "--budgets", d, "--kostnadsslag", "personal",
                                                   "--stab", "S1").stderr


def test_a_stab_with_the_filters_accounts_the_year_before_after_the_period_is_nothing_to_show(run, tmp_path):
    """Found in review (h137): S0 booked income (3010) in November 2023 alone, and 2024 is booked to February: the
    table of `--kostnadsslag intakter` (January–February) has no row of S0, and `--stab S0` with it printed a table
    of 'Summa intäkter 0 0 0' alone, exit 0 (months 0 every month): the year before counts as far as it is shown."""
    d = tmp_path / "b"
    d.mkdir()
    (d / "2023.yaml").write_text(_year(2023, ["S0", "S1"], False), encoding="utf-8")
    (d / "utfall-2023.csv").write_text(HEAD + "".join(f"2023-{m:02d},T1,S1,,5010,kostnad,10.00\n" for m in range(1, 13))
                                       + "2023-11,T1,S0,,3010,intakt,-300.00\n", encoding="utf-8")
    (d / "budget-2023.csv").write_text(HEAD + "2023,T1,S1,,5010,kostnad,120.00\n", encoding="utf-8")
    (d / "2024.yaml").write_text(_year(2024, ["S0", "S1"], False), encoding="utf-8")
    (d / "utfall-2024.csv").write_text(HEAD + "2024-01,T1,S0,,5010,kostnad,700.00\n2024-02,T1,S1,,3010,intakt,-5.00\n",
                                       encoding="utf-8")
    (d / "budget-2024.csv").write_text(HEAD + "2024,T1,S0,,5010,kostnad,650.00\n", encoding="utf-8")
    every = _csv(run, d, "--kostnadsslag", "intakter")
    assert [(r["radtyp"], r["stab"], r["utfall"], r["utfall_2023"]) for r in every] == [
        ("rad", "S1", "-5", "0"), ("summa", "Summa", "-5", "0")], every
    for command in (("deviation",), ("months",), ("deviation", "--by", "konto"), ("compare", "2023", "2024")):
        refused = run(*command, "--budgets", d, "--kostnadsslag", "intakter", "--stab", "S0")
        assert refused.exit_code == 2 and refused.stdout == "", (command, refused.stdout)
        assert refused.stderr.strip() == ("Error: --kostnadsslag intakter: nothing to show; no account of stab S0 is "
                                          "in it (kostnadsslag there: personal)"), refused.stderr
    # a stab whose only facts are of the year before, after the months shown, likewise
    for year in (2023, 2024):
        (d / f"{year}.yaml").write_text(_year(year, ["S0", "S1", "S2"], False), encoding="utf-8")
    (d / "utfall-2023.csv").write_text((d / "utfall-2023.csv").read_text(encoding="utf-8")
                                       + "2023-11,T1,S2,,3010,intakt,-40.00\n", encoding="utf-8")
    refused = run("months", "--budgets", d, "--kostnadsslag", "intakter", "--stab", "S2")
    assert refused.exit_code == 2 and refused.stderr.strip() == (
        "Error: --kostnadsslag intakter: nothing to show; stab S2 has no utfall or budget with an account in 2023 or "
        "2024, months 1–2"), refused.stderr


def test_a_stab_with_accounts_of_one_of_several_prefixes_is_its_row(run, tmp_path):
    """S1 booked only 6410: `--konto 3 --konto 64` shows its row (6410's) beside S0's income, and `--stab S1` with
    them, in deviation and months, was refused as '--konto 3: no account of stab S1 starts so'."""
    d = tmp_path / "b"
    d.mkdir()
    (d / "2024.yaml").write_text(_year(2024, ["S0", "S1"], False), encoding="utf-8")
    (d / "utfall-2024.csv").write_text(HEAD + "2024-01,T1,S0,,3010,intakt,-200.00\n"
                                       "2024-01,T1,S0,,5010,kostnad,900.00\n"
                                       "2024-01,T1,S1,,6410,kostnad,70.00\n", encoding="utf-8")
    (d / "budget-2024.csv").write_text(HEAD + "2024-01,T1,S1,,6410,kostnad,100.00\n", encoding="utf-8")
    every = _csv(run, d, "--konto", "3", "--konto", "64")
    assert [(r["radtyp"], r["stab"], r["budget"], r["utfall"]) for r in every] == [
        ("rad", "S0", "0", "-200"), ("rad", "S1", "100", "70"), ("summa", "Summa", "100", "-130")]
    alone = _csv(run, d, "--konto", "3", "--konto", "64", "--stab", "S1")
    assert [(r["radtyp"], r["budget"], r["utfall"]) for r in alone] == [("rad", "100", "70"), ("summa", "100", "70")]
    months = run("months", "--budgets", d, "-f", "csv", "--exact", "--unit", "kr", "--konto", "3", "--konto", "64",
                 "--stab", "S1")
    assert months.exit_code == 0, months.stderr
    assert [(r["budget_ack"], r["utfall_ack"]) for r in csv_rows(months.stdout)] == [("100", "70")]
    # a prefix the year has nowhere is still refused, and prefixes of which the stab has none
    typo = run("deviation", "--budgets", d, "--konto", "64", "--konto", "99", "--stab", "S1")
    assert typo.exit_code == 2 and typo.stderr.startswith("Error: --konto 99: no account of 2024 starts so"), typo.stderr
    none = run("months", "--budgets", d, "--konto", "3", "--konto", "5", "--stab", "S1")
    assert none.exit_code == 2 and none.stderr.startswith("Error: --konto 3: no account of stab S1 starts so"), none.stderr


def test_a_stab_without_any_account_under_a_filter_is_nothing_to_show(run, tmp_path):
    """S1 booked nothing, S0 its 5010: `--konto 5` shows S0's row alone, and `--stab S1 --konto 5` printed a Summa of
    0 (deviation) and 0 every month (months), exit 0, where a stab with other accounts is 'nothing to show'."""
    d = tmp_path / "b"
    d.mkdir()
    (d / "2024.yaml").write_text(_year(2024, ["S0", "S1"], False), encoding="utf-8")
    (d / "utfall-2024.csv").write_text(HEAD + "2024-01,T1,S0,,5010,kostnad,900.00\n"
                                       "2024-02,T1,S0,,5010,kostnad,100.00\n", encoding="utf-8")
    (d / "budget-2024.csv").write_text(HEAD + "2024,T1,S0,,5010,kostnad,1200.00\n", encoding="utf-8")
    assert [r["stab"] for r in _csv(run, d, "--konto", "5")] == ["S0", "Summa"]
    for command in (("deviation",), ("months",)):
        result = run(*command, "--budgets", d, "--konto", "5", "--stab", "S1")
        assert result.exit_code == 2 and result.stdout == "", (command, result.stdout)
        assert result.stderr.strip() == ("Error: --konto 5: nothing to show; stab S1 has no utfall or budget with an "
                                         "account in 2024"), result.stderr
    # with a stab that has them, its months as ever; without a filter S1 is a row of 0
    both = run("months", "--budgets", d, "-f", "csv", "--unit", "kr", "--konto", "5", "--stab", "S1", "--stab", "S0")
    assert [r["utfall_ack"] for r in csv_rows(both.stdout)] == ["900", "1000"], both.stderr
    assert [r["utfall"] for r in _csv(run, d, "--stab", "S1", "--period", "2")] == ["0", "0"]


def _t0_beside_t1(tmp_path, verksamheter: tuple[bool, bool], utfall_2023: str, budget_2023: str, utfall_2024: str,
                  budget_2024: str):
    """T1 (stab S0; with verksamheter in 2023 and in 2024 as `verksamheter` says) beside T0, booked on verksamhet 100
    in both years: T1's facts and budgets as given, T0's income of -5 and -7."""
    d = tmp_path / "b"
    d.mkdir()
    t0 = '  T0:\n    namn: Tabell T0\n    staber:\n      A:\n        namn: Stab A\n    verksamheter:\n      "100": {}\n'
    for year, has, utfall, budget, own in ((2023, verksamheter[0], utfall_2023, budget_2023, "-5.00"),
                                           (2024, verksamheter[1], utfall_2024, budget_2024, "-7.00")):
        (d / f"{year}.yaml").write_text(_year(year, ["S0"], has) + t0, encoding="utf-8")
        (d / f"utfall-{year}.csv").write_text(HEAD + utfall + f"{year}-01,T0,A,100,3010,intakt,{own}\n", encoding="utf-8")
        (d / f"budget-{year}.csv").write_text(HEAD + budget, encoding="utf-8")
    return d


def test_a_filters_subtotal_of_a_year_without_verksamheter_is_that_years_money(run, tmp_path):
    """T1 booked income without verksamheter in 2023 and on verksamhet 100 in 2024: `compare 2023 2024 --by
    verksamhet --konto 3` had Summa T1 0 and Summa – of 2023, where `--by stab --konto 3` has -300 and the view
    without a filter has T1's 2023 money on its subtotal (no row of 2023's holds it)."""
    d = _t0_beside_t1(tmp_path, (False, True), "2023-01,T1,S0,,3010,intakt,-300.00\n2023-01,T1,S0,,5010,kostnad,80.00\n",
                      "2023,T1,S0,,3010,intakt,-1200.00\n", "2024-01,T1,S0,100,3010,intakt,-200.00\n",
                      "2024-01,T1,S0,100,3010,intakt,-250.00\n")

    def compared(*args: str) -> list[tuple]:
        result = run("compare", "2023", "2024", "--budgets", d, "-f", "csv", "--exact", "--unit", "kr", *args)
        assert result.exit_code == 0, result.stderr
        return [(r["radtyp"], r["forvaltning"], r["utfall_2023"], r["utfall_2024"]) for r in csv_rows(result.stdout)]

    assert compared("--by", "verksamhet", "--konto", "3") == [
        ("rad", "T1", "", "-200"), ("delsumma", "T1", "-300", "-200"),
        ("rad", "T0", "-5", "-7"), ("delsumma", "T0", "-5", "-7"), ("summa", "", "-305", "-207")]
    by_stab = compared("--by", "stab", "--konto", "3")
    assert [r for r in by_stab if r[0] in ("delsumma", "summa")] == [
        ("delsumma", "T1", "-300", "-200"), ("delsumma", "T0", "-5", "-7"), ("summa", "", "-305", "-207")]
    # as the view without a filter holds it: on the subtotal alone
    assert ("delsumma", "T1", "-220", "-200") in compared("--by", "verksamhet")


def test_a_filters_summa_of_a_year_a_forvaltning_typed_without_accounts_stays_unknown(run, tmp_path):
    """Found in review (h137): beside T1 (income without verksamheter in 2023, on verksamhet 100 in 2024), T2 typed its
    2023 in the year file, without accounts: `compare 2023 2024 --by verksamhet --konto 3` had Summa 2023 -300, T1's
    alone, under the note 'Utfall 2023 ack. är – för T2 och för summorna med den', where `--by stab --konto 3` has –."""
    d = tmp_path / "b"
    d.mkdir()
    typed = '  T2:\n    namn: Tabell T2\n    staber:\n      B: {namn: Stab B, budget: 100, utfall: 90}\n'
    (d / "2023.yaml").write_text(_year(2023, ["S0"], False).replace("budget_fil: budget-2023.csv\n", "") + typed
                                 + '    verksamheter:\n      "100": {budget: 100, utfall: 90}\n', encoding="utf-8")
    (d / "utfall-2023.csv").write_text(HEAD + "2023-01,T1,S0,,3010,intakt,-300.00\n", encoding="utf-8")
    (d / "2024.yaml").write_text(_year(2024, ["S0"], True).replace("budget_fil: budget-2024.csv\n", "")
                                 + '  T2:\n    namn: Tabell T2\n    staber:\n      B:\n        namn: Stab B\n'
                                 '    verksamheter:\n      "100": {}\n', encoding="utf-8")
    (d / "utfall-2024.csv").write_text(HEAD + "2024-01,T1,S0,100,3010,intakt,-200.00\n"
                                       "2024-01,T2,B,100,3010,intakt,-7.00\n", encoding="utf-8")
    for by in ("verksamhet", "stab"):
        result = run("compare", "2023", "2024", "--budgets", d, "-f", "csv", "--exact", "--unit", "kr", "--by", by,
                     "--konto", "3")
        assert result.exit_code == 0, result.stderr
        sums = [(r["radtyp"], r["forvaltning"], r["utfall_2023"], r["utfall_2024"]) for r in csv_rows(result.stdout)
                if r["radtyp"] in ("delsumma", "summa")]
        assert sums == [("delsumma", "T1", "-300", "-200"), ("delsumma", "T2", "", "-7"), ("summa", "", "", "-207")], by
    summa = _csv(run, d, "--by", "verksamhet", "--konto", "3")[-1]
    assert (summa["radtyp"], summa["utfall"], summa["utfall_2023"]) == ("summa", "-207", "")


def test_a_filters_subtotal_of_a_forvaltning_shown_as_one_row_beside_last_years_rows_sums_both(run, tmp_path):
    """T1 booked on verksamhet 100 in 2023 and without verksamheter in 2024: `compare 2023 2024 --by verksamhet
    --konto 3` shows its 2024 as one row beside 2023's row 100, and Summa T1 of 2023 was – where the row has -300."""
    d = _t0_beside_t1(tmp_path, (True, False), "2023-01,T1,S0,100,3010,intakt,-300.00\n",
                      "2023,T1,S0,100,3010,intakt,-1200.00\n", "2024-01,T1,S0,,3010,intakt,-200.00\n",
                      "2024-01,T1,S0,,3010,intakt,-250.00\n")
    result = run("compare", "2023", "2024", "--budgets", d, "-f", "csv", "--exact", "--unit", "kr", "--by", "verksamhet",
                 "--konto", "3")
    assert result.exit_code == 0, result.stderr
    got = [(r["radtyp"], r["forvaltning"], r["utfall_2023"], r["utfall_2024"]) for r in csv_rows(result.stdout)]
    assert [g for g in got if g[1] == "T1" or g[0] == "summa"] == [
        ("forvaltning", "T1", "", "-200"), ("rad", "T1", "-300", ""), ("delsumma", "T1", "-300", "-200"),
        ("summa", "", "-305", "-207")], got
