"""A budget change (ombudgetering) could not be given an account: a year-end user's 2 500 tkr tilläggsanslag for
skolpeng to fristående skolor (KF 2025-03-24 § 34, on Grundskola 7–9) stood as `Ej fördelat på kostnadsslag`, while
the schools' purchases showed `Köp av verksamhet, material och bidrag 11 602 12 673 -1 071 -9,2` (`4120 … 4 095 5 168
-1 073 -26,2`): an overspend that KF had funded. A change line may now name its `konto` or `kostnadsslag`, and is
that part's budget in every cut; its row and sums stay as they were. The figures are Grundskola 7–9's of that
kommun's 2025 tables (each account's year, to the öre)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import csv_rows

# Grundskola 7–9 (BUF, GR79, verksamhet 440), 2025: konto, slag, budget and utfall for the year, kr
GR79 = [
    ("3410", "intakt", "-341230.00", "-343096.56"), ("3610", "intakt", "-3412320.00", "-3390471.85"),
    ("4110", "kostnad", "2047390.00", "2024978.42"), ("4120", "kostnad", "4094790.00", "5167506.42"),
    ("4410", "kostnad", "682460.00", "692914.24"), ("4510", "kostnad", "2729860.00", "2746747.06"),
    ("4610", "kostnad", "1364930.00", "1363097.58"), ("4690", "kostnad", "682460.00", "677423.29"),
    ("5010", "kostnad", "31393360.00", "33743488.71"), ("5020", "kostnad", "2729860.00", "2713465.64"),
    ("5410", "kostnad", "10578200.00", "10875575.21"), ("5510", "kostnad", "3412320.00", "3452794.07"),
    ("5710", "kostnad", "682460.00", "681347.03"), ("6110", "kostnad", "10236970.00", "10239496.26"),
    ("6210", "kostnad", "1706160.00", "1720628.13"), ("6510", "kostnad", "1023700.00", "1016020.23"),
    ("6610", "kostnad", "682460.00", "683366.86"), ("6910", "kostnad", "682460.00", "689313.25"),
    ("7810", "kostnad", "682460.00", "682696.63"), ("7910", "kostnad", "341230.00", "345078.71"),
]
NAMES = {"4110": "Köp av huvudverksamhet från andra kommuner", "4120": "Köp av huvudverksamhet från fristående skolor"}
KF = '{forvaltning: BUF, stab: GR79, verksamhet: "440", post: kostnader, belopp: 2500.0}'


def _year(tmp_path: Path, line: str = KF, name: str = "b", ksf: bool = False) -> Path:
    """Grundskola 7–9's year 2025 from tables (budget for the year, utfall booked in December), with the KF change
    written as `line`; `ksf`: with a förvaltning KSF typed in the year file beside it."""
    d = tmp_path / name
    d.mkdir()
    header = "period,forvaltning,stab,verksamhet,konto,slag,belopp\n"
    (d / "budget-2025.csv").write_text(header + "".join(f"2025,BUF,GR79,440,{k},{s},{b}\n" for k, s, b, _ in GR79))
    (d / "utfall-2025.csv").write_text(header + "".join(f"2025-12,BUF,GR79,440,{k},{s},{u}\n" for k, s, _, u in GR79))
    (d / "utfall-2025.csv.kalla.json").write_text(json.dumps({"konton": {k: NAMES.get(k, k) for k, *_ in GR79}}))
    typed = "  KSF:\n    namn: Kommunstyrelseförvaltningen\n    staber:\n      EKO: {namn: Ekonomistab, budget: 8000.0, " \
            "utfall: 7500.0}\n" if ksf else ""
    (d / "2025.yaml").write_text(
        "ar: 2025\norganisation: Småby kommun\nenhet: tkr\nutfall_fil: utfall-2025.csv\nbudget_fil: budget-2025.csv\n"
        "verksamheter:\n  \"440\": Grundskola\n"
        "forvaltningar:\n  BUF:\n    namn: Barn- och utbildningsförvaltningen\n    staber:\n"
        "      GR79: {namn: Grundskola 7–9}\n    verksamheter:\n      \"440\": {}\n" + typed +
        "ombudgeteringar:\n  - datum: 2025-03-24\n    beslut: KF 2025-03-24 § 34\n"
        "    text: Tilläggsanslag för ökad skolpeng till fristående skolor, årskurs 7–9.\n"
        f"    rader:\n      - {line}\n", encoding="utf-8")
    return d


def _with(konto: str) -> str:
    return KF.replace("post: kostnader,", f"post: kostnader, {konto},")


def _parts(run, d: Path, *args: str) -> dict[str, tuple[str, str, str]]:
    result = run("deviation", "--budgets", d, "--unit", "tkr", "--decimals", "0", *args, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    return {r["namn"]: (r["budget"], r.get("utfall"), r.get("avvikelse")) for r in csv_rows(result.stdout)}


def _lines(run, d: Path, *args: str) -> list[str]:
    result = run("deviation", "--budgets", d, "--unit", "tkr", "--columns", "budget,utfall,avvikelse,avvikelse_pct",
                 *args)
    assert result.exit_code == 0, result.stderr
    return [line.rstrip().replace("\xa0", " ") for line in result.stdout.splitlines()]  # (grouped with no-break spaces)


def test_a_change_given_its_account_is_that_accounts_budget(run, tmp_path):
    before, after = _year(tmp_path), _year(tmp_path, _with('konto: "4120"'), "a")
    by_slag = ["--by", "stab,kostnadsslag"]
    assert "  Köp av verksamhet, material och bidrag    11 602    12 673       -1 071           -9,2" in \
        _lines(run, before, *by_slag)
    assert "  Ej fördelat på kostnadsslag                2 500         0        2 500              –" in \
        _lines(run, before, *by_slag)
    shown = _lines(run, after, *by_slag)
    assert "  Köp av verksamhet, material och bidrag    14 102    12 673        1 429           10,1" in shown
    assert not [line for line in shown if "Ej fördelat" in line]
    # the row and its sum are the same money as before
    assert "Grundskola 7–9                              74 500    75 782       -1 282           -1,7" in shown
    assert [line for line in shown if line.startswith(("Grundskola", "Summa"))] == \
        [line for line in _lines(run, before, *by_slag) if line.startswith(("Grundskola", "Summa"))]
    accounts = _lines(run, after, "--by", "stab,konto")
    assert "  4120 - Köp av huvudverksamhet från fristående skolor     6 595     5 168        1 427           21,6" \
        in accounts
    assert "  4120 - Köp av huvudverksamhet från fristående skolor     4 095     5 168       -1 073          -26,2" \
        in _lines(run, before, "--by", "stab,konto")
    # the list of what to explain: no overspend there any more, but the money KF gave not spent
    listed = _lines(run, after, "--by", "stab,kostnadsslag", "--top", "2")
    assert listed[4:6] == [
        "Grundskola 7–9: Personalkostnader                         48 796    51 467       -2 670           -5,5",
        "Grundskola 7–9: Köp av verksamhet, material och bidrag    14 102    12 673        1 429           10,1"]
    # and in every other cut by konto or kostnadsslag, and under a filter
    assert _parts(run, after, "--by", "kostnadsslag,konto")["Köp av verksamhet, material och bidrag"] == \
        ("14102", "12673", "1429")
    assert _parts(run, after, "--by", "verksamhet,konto")["Köp av huvudverksamhet från fristående skolor"] == \
        ("6595", "5168", "1427")
    assert _parts(run, after, "--konto", "4120")["Summa"] == ("6595", "5168", "1427")
    assert _parts(run, after, "--kostnadsslag", "kop_material")["Summa"] == \
        ("14102", "12673", "1429")


def test_a_change_of_a_kostnadsslag_alone_is_its_part_and_no_accounts(run, tmp_path):
    d = _year(tmp_path, _with("kostnadsslag: kop_material"))
    assert _parts(run, d, "--by", "stab,kostnadsslag")["Köp av verksamhet, material och bidrag"] == \
        ("14102", "12673", "1429")
    accounts = _parts(run, d, "--by", "stab,konto")
    assert accounts["Köp av huvudverksamhet från fristående skolor"] == ("4095", "5168", "-1073")
    assert accounts["Ej fördelat på konto"] == ("2500", "0", "2500")
    # under its kostnadsslag, by konto: what no account of it has
    nested = _parts(run, d, "--by", "kostnadsslag,konto")
    assert nested["Köp av verksamhet, material och bidrag"] == ("14102", "12673", "1429")
    assert nested["Ej fördelat på konto"] == ("2500", "0", "2500")


def test_a_change_counts_from_its_month_and_not_in_the_original_budget(run, tmp_path):
    before, after = _year(tmp_path), _year(tmp_path, _with('konto: "4120"'), "a")
    # decided in March: 6 of its 10 months by August, as the row counts it (11 601,89 × 8/12 + 1 500)
    august = _parts(run, after, "--period", "2025-08", "--by", "stab,kostnadsslag", "--columns", "namn,budget,budget_helar")
    assert august["Köp av verksamhet, material och bidrag"][0] == "9235"
    assert _parts(run, before, "--period", "2025-08", "--by", "stab,kostnadsslag")["Grundskola 7–9"][0] == \
        august["Grundskola 7–9"][0] == "49500"
    original = _parts(run, after, "--budget", "original", "--by", "stab,kostnadsslag")
    assert original["Köp av verksamhet, material och bidrag"][0] == "11602"
    assert "Ej fördelat på kostnadsslag" not in original and original["Grundskola 7–9"][0] == "72000"
    months = run("months", "--budgets", after, "--konto", "4120", "--unit", "tkr", "--decimals", "0", "-f", "csv")
    assert months.exit_code == 0, months.stderr
    rows = csv_rows(months.stdout)
    assert [(r["manad"], r["budget_ack"]) for r in rows if r["manad"] in ("2025-02", "2025-03", "2025-12")] == \
        [("2025-02", "682"), ("2025-03", "1274"), ("2025-12", "6595")]


def test_changes_show_the_account_where_a_line_gives_one(run, tmp_path):
    result = run("changes", "--budgets", _year(tmp_path, _with('konto: "4120"')), "--unit", "tkr", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    # the line's kostnadsslag follows from its konto by the year's kostnadsslag, as the cuts count it (found in
    # review: 'konto: "4120"' alone showed no kostnadsslag, where --by stab,kostnadsslag has it in kop_material)
    assert result.stdout.splitlines()[:2] == [
        "radtyp,datum,beslut,forvaltning,stab,verksamhet,konto,kostnadsslag,post,belopp,netto,text",
        "rad,2025-03-24,KF 2025-03-24 § 34,BUF,GR79,440,4120,kop_material,kostnader,2500,2500,"
        "\"Tilläggsanslag för ökad skolpeng till fristående skolor, årskurs 7–9.\""]
    personal = run("changes", "--budgets", _year(tmp_path, _with('konto: "5010"'), "p"), "-f", "json")
    assert [(r["konto"], r["kostnadsslag"]) for r in json.loads(personal.stdout) if r["radtyp"] == "rad"] \
        == [("5010", "personal")], personal.stdout
    without = run("changes", "--budgets", _year(tmp_path, name="c"), "--unit", "tkr", "-f", "csv")
    assert without.stdout.splitlines()[0] == "radtyp,datum,beslut,forvaltning,stab,verksamhet,post,belopp,netto,text"


@pytest.mark.parametrize("given, column, message", [
    ("kostnadsslag: kop", 90, "kostnadsslag 'kop' of budget change line 20 is not a kostnadsslag of 2025 (there: "
     "intakter (Intäkter), kop_material (Köp av verksamhet, material och bidrag), personal (Personalkostnader), "
     "ovriga (Övriga verksamhetskostnader))"),
    ('konto: "5010", kostnadsslag: kop_material', 83,
     "konto 5010 of budget change line 20 is in kostnadsslag personal (Personalkostnader), not in kop_material (Köp av "
     "verksamhet, material och bidrag); write the account of kop_material the change is for, or leave out one of "
     "konto and kostnadsslag (an account's kostnadsslag follows from it)"),
    ('konto: "4210"', 83, "konto 4210 of budget change line 20 is not an account of the year's tables "
     "({d}/budget-2025.csv, {d}/utfall-2025.csv); did you mean '4120'? Else write an account they have, or import "
     "the tables again with it"),
    # (none close: one sentence, not '…); Write …': found in review, h95)
    ('konto: "99999"', 83, "konto 99999 of budget change line 20 is not an account of the year's tables "
     "({d}/budget-2025.csv, {d}/utfall-2025.csv); write an account they have, or import the tables again with it"),
    ("konto: 41-20", 83, "konto '41-20' of budget change line 20 is not an account; write its digits, e.g. "
     "konto: \"4120\""),
])
def test_a_changes_account_is_checked_where_it_is_written(run, tmp_path, given, column, message):
    d = _year(tmp_path, _with(given))
    result = run("check", "--budgets", d)
    assert result.exit_code == 3
    assert result.stdout == f"{d}/2025.yaml:20:{column}: fel: {message.format(d=d)}\n"
    # as every command says it
    failed = run("deviation", "--budgets", d)
    assert failed.exit_code == 3 and failed.stderr == f"Error: {d}/2025.yaml:20:{column}: {message.format(d=d)}\n"


def test_no_account_for_a_forvaltning_whose_budget_has_none(run, tmp_path):
    """KSF's budget is typed per stab in the year file: no part by account to put a change on."""
    d = _year(tmp_path, "{forvaltning: KSF, stab: EKO, konto: \"4120\", belopp: 100.0}", ksf=True)
    result = run("check", "--budgets", d)
    assert result.exit_code == 3
    assert result.stdout == (
        f"{d}/2025.yaml:24:46: fel: konto of budget change line 24: förvaltning KSF has no budget by account (its "
        "budget is typed in the year file, not given by the budget_fil tables), so the change cannot be put on a "
        "konto; leave out konto (the change is then the row's Ej fördelat på kostnadsslag in a cut by kostnadsslag "
        "or konto)\n")
    # without it, as before
    assert run("check", "--budgets", _year(tmp_path, "{forvaltning: KSF, stab: EKO, belopp: 100.0}", "c", ksf=True)
               ).exit_code == 0


def test_the_report_lists_the_change_with_its_account_and_the_part_against_it(run, tmp_path):
    d = _year(tmp_path, _with('konto: "4120"'))
    out = tmp_path / "rapport.md"
    result = run("report", "--budgets", d, "--unit", "tkr", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8").replace("\xa0", " ")
    assert ("| KF 2025-03-24 § 34        | 2025-03-24 | Grundskola 7–9 | 440          | 4120    | Köp av verksamhet, "
            "material och bidrag |    2 500 | Tilläggsanslag för ökad skolpeng till fristående skolor, årskurs 7–9. |") \
        in text
    listed = text[text.index("## Största avvikelser per stab och kostnadsslag"):]
    assert ("| Grundskola 7–9: Köp av verksamhet, material och bidrag |   14 102 |   12 673 |       1 429 |          10,1 |"
            in listed)
    assert "Ej fördelat" not in listed


def _example(tmp_path: Path) -> Path:
    """The SIE example's 2024 with KS's 1 500 tkr to Digitaliseringsstab put on kostnadsslag kop_material, a
    kostnadsslag none of KSF's accounts is in (SERV's 4010 is), and Ledningsstab's -1 500 tkr on konto 5010."""
    import shutil

    folder = tmp_path / "sie"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples" / "sie" / "budgets", folder)
    year = folder / "2024.yaml"
    text = year.read_text(encoding="utf-8")
    for stab, given in (("LED", 'konto: "5010"'), ("DIG", "kostnadsslag: kop_material")):
        old = f"{{forvaltning: KSF, stab: {stab}, belopp:"
        assert old in text
        text = text.replace(old, f"{{forvaltning: KSF, stab: {stab}, {given}, belopp:")
    year.write_text(text, encoding="utf-8")
    return folder


def test_a_change_put_on_a_kostnadsslag_no_fact_of_its_forvaltning_has_is_kept_by_the_filter(run, tmp_path):
    """DIG's 1 500 tkr put on kop_material, which no account of KSF is in: 'deviation --stab DIG --kostnadsslag
    kop_material' was refused ('nothing to show; no account of stab DIG is in it'), the table of all said 'KSF har
    inga belopp i de kostnadsslag som valts (eller inga konton) och ingår inte.' above KSF's rows of 1 071, and
    months --kostnadsslag kop_material left it out (-71 667, SERV's alone, as resultat, where deviation's Summa is
    72 738) (found in review, h95)."""
    folder = _example(tmp_path)
    rows = _parts(run, folder, "--stab", "DIG", "--kostnadsslag", "kop_material", "--period", "2024-10",
                  "--columns", "namn,budget,utfall,avvikelse")
    assert rows["Digitaliseringsstab"] == ("1071", "0", "1071")
    result = run("deviation", "--budgets", folder, "--by", "stab,kostnadsslag", "--kostnadsslag", "kop_material",
                 "--period", "2024-10", "--unit", "tkr")
    assert result.exit_code == 0, result.stderr
    assert "har inga belopp" not in result.stdout + result.stderr
    result = run("months", "--budgets", folder, "--kostnadsslag", "kop_material", "--stab", "DIG", "--unit", "tkr",
                 "--decimals", "0", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert [r["budget_ack"] for r in csv_rows(result.stdout)][4:] == ["0", "214", "429", "643", "857", "1071"]
    summa = _parts(run, folder, "--kostnadsslag", "kop_material", "--period", "2024-10")
    assert summa["Summa"][0] == "72738"
    result = run("months", "--budgets", folder, "--kostnadsslag", "kop_material", "--unit", "tkr", "--decimals", "0",
                 "-f", "csv")
    assert result.exit_code == 0, result.stderr
    ack = {r["manad"]: r["budget_ack"] for r in csv_rows(result.stdout)}
    assert (ack["2024-05"], ack["2024-07"], ack["2024-10"]) == ("35833", "50595", "72738")
    # (a change on a konto, as before)
    result = run("months", "--budgets", folder, "--konto", "5010", "--stab", "LED", "--unit", "tkr", "--decimals", "0",
                 "-f", "csv")
    assert {r["manad"]: r["budget_ack"] for r in csv_rows(result.stdout)}["2024-10"] == "11409"


def test_the_reports_ombudgeteringar_name_a_changes_kostnadsslag(run, tmp_path):
    """The nämnd's Ombudgeteringar showed the line's kostnadsslag by its id ('kop\\_material', the command line's),
    where every table of the document names it (found in review, h95); changes -f csv keeps the id."""
    folder = _example(tmp_path)
    out = tmp_path / "rapport.md"
    result = run("report", "--budgets", folder, "--unit", "tkr", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8").replace("\xa0", " ")
    listed = text[text.index("## Ombudgeteringar"):text.index("## Ombudgeteringar") + 2000]
    assert "| Digitaliseringsstab |         | Köp av verksamhet, material och bidrag |    1 500 |" in listed
    assert "kop" + "\\_material" not in listed
    changes = run("changes", "--budgets", folder, "-f", "csv")
    assert ",DIG,,,kop_material,netto," in changes.stdout
