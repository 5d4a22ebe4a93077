"""The command line: help for every command, the output formats, units, options and exit codes.

Expected figures are computed here from the amounts in budgets/2024.yaml (read as text, summed as
decimals), so a test fails if the tool rounds, sums or converts differently.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml

from conftest import BUDGETS, ROOT, csv_rows, small_year
from kfollow.errors import ExitStatus

NBSP = "\u00a0"


def _data(year: int) -> dict:
    with open(BUDGETS / f"{year}.yaml", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=yaml.BaseLoader)  # every scalar stays text


Y2024 = _data(2024)
KLF = Y2024["forvaltningar"]["KLF"]
VSS = Y2024["forvaltningar"]["VSS"]


def tkr(text: str) -> Decimal:
    return Decimal(text)


def net(part: dict) -> Decimal:
    return tkr(part["kostnader"]) - tkr(part["intakter"])


def budget_changes(fid: str, post: str) -> Decimal:
    """Sum of the decided budget changes (ombudgeteringar) of a förvaltning's kostnader or intakter."""
    return sum((tkr(r["belopp"]) for change in Y2024.get("ombudgeteringar", []) for r in change["rader"]
                if r["forvaltning"] == fid and r["post"] == post), Decimal(0))


def adjusted(fid: str, post: str) -> Decimal:
    """The adjusted (justerad) budget of a förvaltning's kostnader or intakter, tkr: what reports show."""
    summa = Y2024["forvaltningar"][fid]["summa"]["budget"]
    return tkr(summa[post]) + budget_changes(fid, post)


EKS_BUDGET = tkr(KLF["staber"]["EKS"]["budget"])  # 34775.1 (no budget change concerns EKS)
EKS_UTFALL = tkr(KLF["staber"]["EKS"]["utfall"])
SUMMA_BUDGET = sum(adjusted(f, "kostnader") - adjusted(f, "intakter") for f in ("KLF", "VSS"))  # nettokostnad, tkr
SUMMA_UTFALL = net(KLF["summa"]["utfall"]) + net(VSS["summa"]["utfall"])


def shown(value_tkr: Decimal, unit: str, places: int) -> str:
    """The machine text of an amount: the unit, rounded half away from zero."""
    factor = {"kr": Decimal(1000), "tkr": Decimal(1), "mnkr": Decimal("0.001")}[unit]
    return str((value_tkr * factor).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def by_key(rows: list[dict], key: str = "stab") -> dict[str, dict]:
    return {r[key]: r for r in rows}


def assert_usage_error(result, *words: str) -> None:
    assert result.exit_code == ExitStatus.USAGE, (result.exit_code, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


# --- help ----------------------------------------------------------------------------------


COMMANDS = ["deviation", "months", "compare", "check", "changes", "investments", "summary"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_every_command_has_an_example(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert f"kfollow {command}" in result.stdout
    assert result.stderr == ""


def test_top_level_help_lists_the_commands(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.stdout


def test_python_dash_m_kfollow(budgets_dir):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("KFOLLOW_BUDGETS", None)
    done = subprocess.run([sys.executable, "-m", "kfollow", "--help"], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "deviation" in done.stdout and "compare" in done.stdout
    done = subprocess.run([sys.executable, "-m", "kfollow", "deviation", "-f", "csv", "--stab", "EKS",
                           "--budgets", str(budgets_dir)], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert by_key(csv_rows(done.stdout))["EKS"]["budget"] == "34.8"


# --- formats -------------------------------------------------------------------------------

DEVIATION_KEYS = ["radtyp", "forvaltning", "stab", "namn", "redovisas_som", "budget", "utfall", "avvikelse",
                  "avvikelse_pct", "andel_pct", "utfall_2023"]


def test_json_has_the_documented_keys_and_numbers(run, budgets_dir):
    result = run("deviation", "-f", "json", "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert all(list(r)[: len(DEVIATION_KEYS)] == DEVIATION_KEYS for r in records)
    assert all(set(r) <= set(DEVIATION_KEYS) | {"kommentar"} for r in records)
    eks = next(r for r in records if r["stab"] == "EKS")
    assert eks["budget"] == float(shown(EKS_BUDGET, "mnkr", 1)) == 34.8
    assert eks["utfall"] == 25.7 and eks["avvikelse"] == 9.1
    assert eks["kommentar"].startswith("Överskott 9,1 mnkr")
    vss = next(r for r in records if r["radtyp"] == "forvaltning")
    assert (vss["redovisas_som"], vss["budget"], vss["utfall"], vss["avvikelse"]) == ("resultat", 0.0, -9.8, -9.8)
    assert vss["avvikelse_pct"] is None  # percent of a zero budget is undefined: null, not 0 or NaN
    summa = records[-1]
    assert summa["radtyp"] == "summa"
    assert (summa["budget"], summa["utfall"]) == (float(shown(SUMMA_BUDGET, "mnkr", 1)),
                                                  float(shown(SUMMA_UTFALL, "mnkr", 1)))
    assert summa["andel_pct"] == 100.0


def test_json_by_verksamhet_keys_codes_as_strings(run, budgets_dir):
    result = run("deviation", "-f", "json", "--by", "verksamhet", "--forvaltning", "KLF", "--budgets", budgets_dir)
    records = json.loads(result.stdout)
    assert list(records[0])[:3] == ["radtyp", "forvaltning", "verksamhet"]
    assert "stab" not in records[0]
    assert [r["verksamhet"] for r in records[:3]] == ["100", "130", "215"]


def test_compare_json_keys(run, budgets_dir):
    result = run("compare", "2023", "2024", "-f", "json", "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert list(records[0]) == ["radtyp", "forvaltning", "stab", "namn", "redovisas_som", "utfall_2023", "utfall_2024",
                                "forandring", "forandring_pct", "andel_2023_pct", "andel_2024_pct"]
    ks = next(r for r in records if r["stab"] == "KS")
    assert (ks["utfall_2023"], ks["utfall_2024"], ks["forandring"]) == (25.5, 26.9, 1.5)


def test_csv_has_a_header_and_machine_numbers(run, budgets_dir):
    result = run("deviation", "-f", "csv", "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == ",".join(DEVIATION_KEYS)
    rows = csv_rows(result.stdout)
    summa = rows[-1]
    assert summa["radtyp"] == "summa"
    assert (summa["budget"], summa["utfall"]) == ("654.0", "641.9")
    assert "," not in summa["budget"] and NBSP not in result.stdout


def test_md_is_a_pipe_table(run, budgets_dir):
    result = run("deviation", "-f", "md", "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    table = [l for l in result.stdout.splitlines() if l.startswith("|")]
    assert len(table) == 2 + 12  # header, alignment, 12 rows
    assert re.fullmatch(r"\|[-:|]+\|", table[1].replace(" ", ""))
    assert "Budget" in table[0] and "Avvikelse" in table[0]
    eks = next(l for l in table if "Ekonomistaben" in l)
    assert [c.strip() for c in eks.strip("|").split("|")][1:4] == ["34,8", "25,7", "9,1"]


def test_table_uses_swedish_numbers(run, budgets_dir):
    result = run("deviation", "--gross", "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    kostnader_budget = adjusted("KLF", "kostnader") + adjusted("VSS", "kostnader")
    assert shown(kostnader_budget, "mnkr", 1) == "1337.3"
    assert f"1{NBSP}337,3" in out
    summa_lines = [l for l in out.splitlines() if l.startswith("Summa nettokostnad")]
    assert len(summa_lines) == 1
    assert summa_lines[0].split()[2:4] == ["654,0", "641,9"]
    vss = next(l for l in out.splitlines() if l.startswith("Verksamhetsstöd och service"))
    assert "-9,8" in vss.split()
    assert "34.8" not in out and "34,8" in out


def test_table_title_names_year_view_and_unit(run, budgets_dir):
    result = run("deviation", "--unit", "tkr", "--budgets", budgets_dir)
    assert result.stdout.splitlines()[0] == "Resultat 2024 per stab, belopp i tkr"


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "md"])
@pytest.mark.parametrize("command", [("deviation",), ("compare", "2023", "2024")])
def test_every_format_of_every_report(run, budgets_dir, command, fmt):
    result = run(*command, "-f", fmt, "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    assert "Kommunstyrelsen" in result.stdout
    assert result.stderr == ""


# --- units and decimals ----------------------------------------------------------------------


def test_unit_tkr(run, budgets_dir):
    result = run("deviation", "--unit", "tkr", "-f", "csv", "--budgets", budgets_dir)
    rows = csv_rows(result.stdout)
    eks = by_key(rows)["EKS"]
    assert (eks["budget"], eks["utfall"], eks["avvikelse"]) == (
        shown(EKS_BUDGET, "tkr", 0), shown(EKS_UTFALL, "tkr", 0), shown(EKS_BUDGET - EKS_UTFALL, "tkr", 0))
    assert (eks["budget"], eks["avvikelse"]) == ("34775", "9061")
    assert (rows[-1]["budget"], rows[-1]["utfall"]) == (shown(SUMMA_BUDGET, "tkr", 0), shown(SUMMA_UTFALL, "tkr", 0))


def test_unit_tkr_with_one_decimal_is_the_file_exactly(run, budgets_dir):
    result = run("deviation", "--unit", "tkr", "--decimals", "1", "-f", "csv", "--budgets", budgets_dir)
    eks = by_key(csv_rows(result.stdout))["EKS"]
    assert (eks["budget"], eks["utfall"], eks["avvikelse"]) == ("34775.1", "25714.0", "9061.1")


def test_unit_kr_two_decimals(run, budgets_dir):
    result = run("deviation", "--unit", "kr", "--decimals", "2", "-f", "csv", "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    rows = csv_rows(result.stdout)
    eks = by_key(rows)["EKS"]
    assert (eks["budget"], eks["utfall"], eks["avvikelse"]) == ("34775100.00", "25714000.00", "9061100.00")
    summa = rows[-1]
    assert (summa["budget"], summa["utfall"], summa["avvikelse"]) == (
        shown(SUMMA_BUDGET, "kr", 2), shown(SUMMA_UTFALL, "kr", 2), shown(SUMMA_BUDGET - SUMMA_UTFALL, "kr", 2))
    assert summa["utfall"] == "641882000.00"


def test_rounding_is_half_away_from_zero(run, budgets_dir):
    # Flygtrafik utfall 45070.5 tkr: half away from zero gives 45071 (banker's rounding would give 45070)
    assert KLF["verksamheter"]["830"]["utfall"] == "45070.5"
    result = run("deviation", "--by", "verksamhet", "--forvaltning", "KLF", "--unit", "tkr", "-f", "csv",
                 "--budgets", budgets_dir)
    assert by_key(csv_rows(result.stdout), "verksamhet")["830"]["utfall"] == "45071"


def test_table_in_kr_groups_thousands(run, budgets_dir):
    result = run("deviation", "--unit", "kr", "--stab", "EKS", "--budgets", budgets_dir)
    eks = next(l for l in result.stdout.splitlines() if l.startswith("Ekonomistaben"))
    assert f"34{NBSP}775{NBSP}100" in eks


# --- output file and environment -------------------------------------------------------------


def test_output_file_infers_csv_and_keeps_stdout_empty(run, budgets_dir, tmp_path):
    out = tmp_path / "rapport.csv"
    result = run("deviation", "-o", out, "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text == run("deviation", "-f", "csv", "--budgets", budgets_dir).stdout
    assert by_key(csv_rows(text))["EKS"]["budget"] == "34.8"


@pytest.mark.parametrize("suffix, probe", [(".json", json.loads), (".md", lambda t: t.index("|"))])
def test_output_file_infers_json_and_md(run, budgets_dir, tmp_path, suffix, probe):
    out = tmp_path / f"rapport{suffix}"
    result = run("compare", "2023", "2024", "-o", out, "--budgets", budgets_dir)
    assert result.exit_code == 0 and result.stdout == ""
    probe(out.read_text(encoding="utf-8"))


def test_explicit_format_beats_the_extension(run, budgets_dir, tmp_path):
    out = tmp_path / "rapport.csv"
    run("deviation", "-o", out, "-f", "json", "--budgets", budgets_dir)
    assert json.loads(out.read_text(encoding="utf-8"))[0]["radtyp"] == "rad"


@pytest.mark.parametrize("fmt, name, fix", [("csv", "x.xlsx", "use -f xlsx (or no -f)"),
                                            ("md", "x.docx", "use -f docx (or no -f)"),
                                            ("xlsx", "x.csv", "use -o {dir}/x.xlsx")])
def test_a_workbook_named_for_one_format_and_written_as_another_is_refused(run, budgets_dir, tmp_path, fmt, name, fix):
    """`-f csv -o x.xlsx` wrote CSV text into a file Excel refuses to open as a workbook, exit 0 (found by a
    hostile-input review); a text format beats a text extension still (above), and nothing is written."""
    result = run("deviation", "-f", fmt, "-o", tmp_path / name, "--budgets", budgets_dir)
    assert result.exit_code == ExitStatus.USAGE
    assert result.stderr.splitlines()[-1] == (f"Error: --format {fmt} and -o {tmp_path / name} disagree: the file would "
                                              f"not open as what its name says; {fix.format(dir=tmp_path)}")
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("fmt, name, said", [("csv", "x.pdf", "disagree: the file would not open as what its name says; "
                                                             "use -o {dir}/x.csv"),
                                             ("excel", "x.xls", "use -o {dir}/x.csv"),
                                             ("md", "x.xls", "use -o {dir}/x.md"),
                                             ("xlsx", "x.html", "a page of tables and charts is kfollow report")])
def test_an_extension_refused_without_format_is_refused_with_it(run, budgets_dir, tmp_path, fmt, name, said):
    """Found reviewing the check above: `-f csv -o x.pdf` wrote CSV text into a .pdf, where `-o x.pdf` alone
    is refused with a hint; the hint names the extension of the format given (`-f excel -o t.xls` suggested
    t.xlsx, which was refused in turn: found in review)."""
    result = run("deviation", "-f", fmt, "-o", tmp_path / name, "--budgets", budgets_dir)
    assert result.exit_code == ExitStatus.USAGE and said.format(dir=tmp_path) in result.stderr
    assert not (tmp_path / name).exists()


def test_output_into_a_missing_folder_is_an_io_error(run, budgets_dir, tmp_path):
    result = run("deviation", "-o", tmp_path / "nej" / "rapport.csv", "--budgets", budgets_dir)
    assert result.exit_code == ExitStatus.IO
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr


def test_budgets_from_the_environment(run, budgets_copy, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./budgets here: the folder must come from KFOLLOW_BUDGETS
    path = budgets_copy / "2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("namn: Ekonomistaben", "namn: Ekonomistaben (kopia)"),
                    encoding="utf-8")
    result = run("deviation", "-f", "csv", env={"KFOLLOW_BUDGETS": str(budgets_copy)})
    assert result.exit_code == 0, result.stderr
    assert by_key(csv_rows(result.stdout))["EKS"]["namn"] == "Ekonomistaben (kopia)"
    assert run("check", env={"KFOLLOW_BUDGETS": str(budgets_copy)}).exit_code == 0


def test_budgets_option_beats_the_environment(run, budgets_dir, tmp_path):
    result = run("deviation", "-f", "csv", "--budgets", budgets_dir, env={"KFOLLOW_BUDGETS": str(tmp_path / "nej")})
    assert result.exit_code == 0, result.stderr


# --- usage errors (exit 2) -------------------------------------------------------------------


def test_unknown_year_lists_the_years(run, budgets_dir):
    result = run("deviation", "--year", "2020", "--budgets", budgets_dir)
    assert_usage_error(result, "2020", "2023, 2024")


def test_unknown_year_in_compare(run, budgets_dir):
    result = run("compare", "2019", "2024", "--budgets", budgets_dir)
    assert_usage_error(result, "2019", "2023, 2024")


@pytest.mark.parametrize("command", [("deviation",), ("compare", "2023", "2024")])
def test_unknown_forvaltning(run, budgets_dir, command):
    result = run(*command, "--forvaltning", "SBN", "--budgets", budgets_dir)
    assert_usage_error(result, "SBN", "KLF", "VSS")


def test_unknown_stab(run, budgets_dir):
    result = run("deviation", "--stab", "XYZ", "--budgets", budgets_dir)
    assert_usage_error(result, "XYZ", "EKS")


def test_stab_with_by_verksamhet(run, budgets_dir):
    result = run("deviation", "--stab", "EKS", "--by", "verksamhet", "--budgets", budgets_dir)
    assert_usage_error(result, "--stab")


@pytest.mark.parametrize("args", [("--format", "xls"), ("--unit", "Mkr"), ("--decimals", "-1"), ("--by", "enhet")])
def test_bad_option_values(run, budgets_dir, args):
    result = run("deviation", *args, "--budgets", budgets_dir)
    assert result.exit_code == ExitStatus.USAGE
    assert result.stdout == ""


def test_stab_filter_keeps_exact_total(run, budgets_dir):
    result = run("deviation", "--stab", "EKS", "--stab", "KS", "--unit", "tkr", "--decimals", "1", "-f", "csv",
                 "--budgets", budgets_dir)
    rows = csv_rows(result.stdout)
    assert [r["stab"] for r in rows] == ["KS", "EKS", "Summa"]
    ks_budget = tkr(KLF["staber"]["KS"]["budget"])
    assert rows[-1]["budget"] == str(ks_budget + EKS_BUDGET) == "64929.9"


# --- I/O errors (exit 4) and check (exit 1) ----------------------------------------------------


@pytest.mark.parametrize("command", [("deviation",), ("compare", "2023", "2024"), ("check",)])
def test_missing_budgets_dir(run, tmp_path, command):
    missing = tmp_path / "finns-inte"
    result = run(*command, "--budgets", missing)
    assert result.exit_code == ExitStatus.IO, (result.exit_code, result.stderr)
    assert result.stdout == ""
    assert result.stderr.splitlines() == [result.stderr.splitlines()[0]]
    assert result.stderr.startswith(f"Error: {missing}")


def test_empty_budgets_dir(run, tmp_path):
    result = run("deviation", "--budgets", tmp_path)
    assert result.exit_code == ExitStatus.IO
    assert "Error: " in result.stderr


def test_check_of_the_bundled_budgets_passes(run, budgets_dir):
    result = run("check", "--budgets", budgets_dir)
    assert result.exit_code == 0
    assert "0 error(s), 1 warning(s)" in result.stderr


def _unreconciled(budgets_copy: Path) -> tuple[Path, str]:
    path = budgets_copy / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("        utfall: 25714.0\n") == 1
    path.write_text(text.replace("        utfall: 25714.0\n", "        utfall: 25914.0\n"), encoding="utf-8")
    return path, text


def test_check_finds_totals_that_do_not_reconcile(run, budgets_copy):
    path, text = _unreconciled(budgets_copy)
    result = run("check", "--budgets", budgets_copy)
    assert result.exit_code == ExitStatus.CHECK_FAILED, result.stdout + result.stderr
    fel = [l for l in result.stdout.splitlines() if ": fel: " in l]
    assert len(fel) == 1, result.stdout
    match = re.match(rf"{re.escape(str(path))}:(\d+): fel: (.*)$", fel[0])
    assert match, fel[0]
    lines = text.splitlines()
    staber_start = next(i for i, l in enumerate(lines, 1) if l.strip() == "staber:")
    verksamheter_start = next(i for i, l in enumerate(lines, 1) if l.strip() == "verksamheter:" and l.startswith("    "))
    assert staber_start < int(match[1]) < verksamheter_start  # a line in KLF's staber
    message = match[2]
    assert "KLF 2024" in message and "utfall" in message
    assert "en differens på -200 tkr" in message  # summa − staber = 25714.0 − 25914.0
    assert "632 074,9 tkr" in message  # the förvaltning's summa, exact
    assert "1 error(s)" in result.stderr


def test_check_csv_and_json(run, budgets_copy):
    path, _ = _unreconciled(budgets_copy)
    result = run("check", "-f", "json", "--budgets", budgets_copy)
    assert result.exit_code == ExitStatus.CHECK_FAILED
    findings = json.loads(result.stdout)
    assert {f["niva"] for f in findings} == {"fel", "varning"}
    fel = next(f for f in findings if f["niva"] == "fel")
    assert fel["fil"] == str(path) and isinstance(fel["rad"], int)
    result = run("check", "-f", "csv", "--budgets", budgets_copy)
    assert [r["niva"] for r in csv_rows(result.stdout)].count("fel") == 1


def test_deviation_shows_the_unreconciled_gap_as_a_row(run, budgets_copy):
    _unreconciled(budgets_copy)
    result = run("deviation", "--forvaltning", "KLF", "--unit", "tkr", "--decimals", "1", "-f", "csv",
                 "--budgets", budgets_copy)
    assert result.exit_code == 0, result.stderr
    gap = next(r for r in csv_rows(result.stdout) if r["radtyp"] == "differens")
    assert (gap["budget"], gap["utfall"], gap["avvikelse"]) == ("0.0", "-200.0", "200.0")


def test_excel_format_is_csv_for_swedish_excel(run, budgets_dir, tmp_path):
    target = tmp_path / "avvikelse.csv"
    result = run("deviation", "--forvaltning", "KLF", "-f", "excel", "-o", target, "--budgets", budgets_dir)
    assert result.exit_code == 0 and result.stdout == ""
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM makes Excel read å ä ö
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("Radtyp;Förvaltning;Stab;Namn;Redovisas som;Budget;Utfall;Avvikelse;")  # for people
    assert "rad;KLF;KS;Kommunstyrelsen;nettokostnad;30,2;26,9;3,2;10,7;" in lines[1]
    assert lines[-2].startswith("summa;;Summa;Summa;nettokostnad;654,0;632,1;21,9;")


@pytest.mark.parametrize(("years", "message"), [
    (("2024", "2023"), "Error: compare 2024 2023: the earlier year comes first; write kfollow compare 2023 2024\n"),
    (("2024", "2024"), "Error: compare 2024 2024: a year compared with itself changes nothing; name the earlier "
                       "year first, e.g. kfollow compare 2023 2024\n"),
])
def test_compare_wants_the_earlier_year_first(run, years, message):
    """Found trying the tool: `compare 2024 2023` ran with every change reversed once given a
    --period, and `compare 2023 2023` printed zeros; both are usage errors now."""
    result = run("compare", *years, "--budgets", BUDGETS)
    assert result.exit_code == 2
    assert result.stderr == message and result.stdout == ""
    if years == ("2024", "2024"):  # the hint names a year the folder has, not one before its first
        first = run("compare", "2023", "2023", "--budgets", BUDGETS)
        assert first.exit_code == 2 and "e.g." not in first.stderr and "has no year before 2023" in first.stderr


@pytest.mark.parametrize("args", ["--help", "--version", "deviation --help", "import sie --help"])
def test_help_and_version_into_a_closed_pipe_exit_0(args):
    """`kfollow --help | head -1` ended with exit 1: click prints the help while it parses the
    options, before the boundary that makes a closed stdout a quiet end (found in review)."""
    script = f"{sys.executable} -m kfollow {args} | (exec 0<&-; sleep 0.2); exit ${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


@pytest.mark.parametrize("args, status", [
    ("deviation --year 2024 --fail-over 1%", ExitStatus.CHECK_FAILED),  # the table, then the rows over
    ("deviation --year 1999", ExitStatus.USAGE),  # an error message alone
])
def test_a_stderr_reader_that_went_away_leaves_the_exit_status_alone(args, status):
    """`kfollow deviation --fail-over 1% 2>&1 | head -1` exited 0: a closed stderr made the
    boundary's quiet end for a closed stdout, so a month-end script with pipefail passed (found in
    review). What is not read is dropped; the status stays the command's."""
    script = (f"{sys.executable} -m kfollow {args} --budgets {BUDGETS} 2>&1 >/dev/null | (exec 0<&-; sleep 0.3); "
              "exit ${PIPESTATUS[0]}")
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full to write stderr to")
@pytest.mark.parametrize("args, status", [
    ("deviation --stab NOPE", ExitStatus.USAGE),  # an error said on stderr: its own status, not 1
    ("deviation", ExitStatus.OK),  # a note on stderr (booked up to …), the table on stdout
    ("check", ExitStatus.OK),
])
def test_a_stderr_that_cannot_be_written_leaves_the_exit_status_alone(args, status):
    """`kfollow deviation --stab NOPE 2>/dev/full` exited 1, the code of a failed check, and so did a run
    that only had a note to say (found by a hostile-input review): what cannot be said is dropped."""
    budgets = ROOT / "examples" / "sie" / "budgets"
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "kfollow", *args.split(), "--budgets", str(budgets)],
                              stdout=subprocess.DEVNULL, stderr=full)
    assert done.returncode == status


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full to write stdout to")
def test_nothing_to_print_is_no_write_error_on_a_full_device():
    """`check >/dev/full` with no finding exited 4, "cannot write to standard output", for a table of 0 bytes;
    a table that has something to say still fails there (found by a script user)."""
    budgets = ROOT / "examples" / "sie" / "budgets"
    with open("/dev/full", "w") as full:
        nothing = subprocess.run([sys.executable, "-m", "kfollow", "check", "--budgets", str(budgets)], stdout=full,
                                 stderr=subprocess.PIPE, text=True)
        table = subprocess.run([sys.executable, "-m", "kfollow", "deviation", "--budgets", str(budgets)], stdout=full,
                               stderr=subprocess.PIPE, text=True)
    assert nothing.returncode == ExitStatus.OK, nothing.stderr
    assert table.returncode == ExitStatus.IO and "cannot write to standard output" in table.stderr


@pytest.mark.parametrize("closed", [">&-", "2>&- >&-"])
def test_a_stream_closed_from_the_start_is_not_an_internal_error(closed):
    """`kfollow deviation >&-` started with sys.stdout None: exit 70 and a traceback from the hard
    exit's flush (found in review). What nobody reads is dropped, as for a reader that went away."""
    script = f"{sys.executable} -m kfollow deviation --year 2024 --budgets {BUDGETS} {closed}"
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    script = f"{sys.executable} -m kfollow deviation --year 1999 --budgets {BUDGETS} >&-"
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode != 0 and done.stderr.startswith("Error: ") and "Traceback" not in done.stderr


def test_compare_of_a_stab_outside_the_chosen_forvaltning_is_a_usage_error(run):
    """`compare --stab HR --forvaltning SERV` printed an empty table with notes that were not true,
    exit 0, where deviation and months stop (found in review)."""
    for args in (("compare", "2023", "2024"), ("deviation",), ("months",)):
        result = run(*args, "--budgets", ROOT / "examples" / "budgets", "--stab", "HR", "--forvaltning", "SERV")
        assert result.exit_code == ExitStatus.USAGE, (args, result.stdout)
        assert result.stderr.strip() == "Error: stab HR is not in förvaltning SERV", args


def test_a_stab_id_in_two_forvaltningar_is_named_with_its_forvaltning(run, tmp_path):
    """Two förvaltningar with a stab EKO each: `--stab EKO` showed two rows that looked alike, and
    months summed both under the one stab's name (found in review)."""
    budgets = small_year(tmp_path / "budgets", """\
  AAA:
    namn: Förvaltning A
    staber:
      EKO: {namn: Ekonomi, budget: 1200, utfall: {2024-01: 100, 2024-02: 100, 2024-03: 100}}
  BBB:
    namn: Förvaltning B
    staber:
      EKO: {namn: Ekonomi, budget: 2400, utfall: {2024-01: 200, 2024-02: 200, 2024-03: 200}}
      IT: {namn: IT, budget: 600, utfall: {2024-01: 50, 2024-02: 50, 2024-03: 50}}
""")
    (budgets / "2023.yaml").write_text((budgets / "2024.yaml").read_text(encoding="utf-8").replace("2024", "2023"),
                                       encoding="utf-8")
    for args in (("deviation",), ("months",), ("compare", "2023", "2024")):
        result = run(*args, "--budgets", budgets, "--stab", "EKO", "--year", "2024") if args[0] != "compare" else \
            run(*args, "--budgets", budgets, "--stab", "EKO")
        assert result.exit_code == ExitStatus.USAGE, (args, result.stdout)
        assert "stab EKO is in förvaltning AAA and BBB; name the one you mean with --forvaltning AAA" in result.stderr
    one = run("months", "--budgets", budgets, "--year", "2024", "--stab", "EKO", "--forvaltning", "BBB", "-f", "csv",
              "--unit", "tkr")
    assert one.exit_code == 0, one.stderr
    assert csv_rows(one.stdout)[-1]["budget_ack"] == "600"  # BBB's EKO alone: 2 400 / 12 × 3
    assert run("deviation", "--budgets", budgets, "--year", "2024", "--stab", "IT").exit_code == 0  # one förvaltning's


@pytest.mark.parametrize("name, hint", [("t.pdf", "kfollow report -o t.pdf"), ("t.html", "kfollow report -o t.html"),
                                        ("t.png", "kfollow chart -o t.png"), ("t.doc", "use -o {dir}/t.docx")])
def test_a_table_to_a_file_it_cannot_be_is_a_usage_error(run, tmp_path, name, hint):
    """`deviation -o t.pdf` wrote a text table under that name, exit 0 (found in review)."""
    result = run("deviation", "-o", tmp_path / name)
    assert result.exit_code == ExitStatus.USAGE
    assert hint.format(dir=tmp_path) in result.stderr
    assert not (tmp_path / name).exists()


def test_a_verksamhet_of_a_year_without_verksamhet_rows_says_so(run):
    """The message listed the verksamhet rows there: none, an empty list (found in review)."""
    result = run("months", "--budgets", ROOT / "examples" / "sie" / "budgets", "--verksamhet", "920")
    assert result.exit_code == ExitStatus.USAGE
    # (its figures come from fact tables: the mapping gives them verksamheter, not the year file)
    assert result.stderr.strip().endswith("(it has no verksamhet rows; give the import's mapping a verksamhet (e.g. "
                                          "verksamhet: {dimension: N, objekt: …}) so that the fact tables have one, "
                                          "or look per stab (--stab))"), result.stderr


def test_every_example_of_the_commands_help_runs_after_the_quick_start(run, tmp_path, monkeypatch):
    """The examples under each command's `--help`, run from the repository's root as a new user does
    after the Quick start: 14 of them stopped with an error (examples of examples/budgets' KSF and EKO
    run on the bundled budgets; found trying the tool). Outputs go to a scratch folder; an example of
    a file the user brings (an export, a mapping, a template) is left out."""
    import glob
    import shlex

    from kfollow.cli import COMMANDS, GROUPS

    monkeypatch.chdir(ROOT)
    examples = []
    for name in [*COMMANDS, *(f"import {sub}" for sub in ("sie", "csv") if "import" in GROUPS)]:
        block = False
        for line in run(*name.split(), "--help").stdout.splitlines():
            block = line.strip() in ("Examples:", "Example:") or (block and bool(line.strip()))
            if block and line.strip().startswith("kfollow "):
                examples.append(line.strip())
    assert len(examples) >= 30
    brought = ("export.se", "huvudbok.csv", "budget.csv", "kommunens-mall.docx")
    ran = 0
    for example in sorted(examples, key=lambda e: e.split()[1] == "status"):  # status after forms wrote its folder
        if any(b in example for b in brought) or example.endswith(".pdf"):
            continue
        args = shlex.split(example)[1:]
        args = [str(tmp_path / a) if (i and args[i - 1] in ("-o", "--forms")) else a for i, a in enumerate(args)]
        if "*" in example:
            args = [x for a in args for x in (sorted(glob.glob(str(tmp_path / a))) if "*" in a else [a])]
        if "-o" in args and args[0] in ("forms",):
            (tmp_path / args[args.index("-o") + 1]).mkdir(parents=True, exist_ok=True)
        result = run(*args)
        assert result.exit_code in (0, 1), f"{example}: {result.stderr}"  # 1: a --fail-over or threshold met
        ran += 1
    assert ran >= 25


def test_a_misspelt_stab_gets_a_did_you_mean(run):
    """`--forvaltning klf` suggested KLF; `--stab eks` only listed the staber (found trying the tool)."""
    result = run("deviation", "--stab", "eks")
    assert result.exit_code == 2 and result.stderr.endswith("; did you mean 'EKS'?\n"), result.stderr


def test_two_swapped_letters_of_an_id_get_that_id():
    """`KSL` got 'KS' (difflib's nearest), where the user had swapped two letters of KLS (found by a new user)."""
    from kfollow.store import did_you_mean

    assert did_you_mean("KSL", ["KS", "KLS", "KGEM", "EKS"]) == "; did you mean 'KLS'?"
    assert did_you_mean("ksl", ["KS", "KLS", "KGEM", "EKS"]) == "; did you mean 'KLS'?"
    assert did_you_mean("KSS", ["KS", "KSF", "SK"]) == "; did you mean 'KS'?"  # no swap at one edit: difflib's order
    assert did_you_mean("XYZ", ["KS", "KLS", "KGEM", "EKS"]) == ""  # nothing near: no guess
    assert did_you_mean("VSS", ["KS", "KLS", "KGEM", "EKS"]) == ""
    assert did_you_mean("HS", ["KS", "KLS"]) == ""  # half its letters another


def test_a_stab_typed_with_two_letters_swapped_gets_a_did_you_mean_of_it(run):
    result = run("deviation", "--stab", "KSL")
    assert result.exit_code == 2 and result.stderr.endswith("; did you mean 'KLS'?\n"), result.stderr


def test_check_notes_a_yaml_of_the_folder_that_is_not_a_year_file(run, tmp_path):
    """README: another .yaml (utkast.yaml) is skipped with a note; deviation said it, check did not."""
    folder = small_year(tmp_path / "b", "  A:\n    namn: A\n    staber:\n      S1: {namn: Ett, budget: 10}\n")
    (folder / "utkast.yaml").write_text("x: 1\n", encoding="utf-8")
    result = run("check", "--budgets", folder)
    assert result.exit_code == 0
    assert f"note: {folder / 'utkast.yaml'} is not a year file (YYYY.yaml) and was skipped" in result.stderr


def test_dash_as_output_is_stdout(run, tmp_path, monkeypatch):
    """`-o -` wrote a file named `-` and printed nothing (found in review)."""
    monkeypatch.chdir(tmp_path)
    dashed = run("deviation", "--budgets", BUDGETS, "--year", "2024", "--format", "csv", "-o", "-")
    assert dashed.exit_code == 0, dashed.stderr
    assert dashed.stdout == run("deviation", "--budgets", BUDGETS, "--year", "2024", "--format", "csv").stdout
    assert not (tmp_path / "-").exists()


def test_a_change_in_percent_against_a_base_of_0_or_below_is_a_dash_and_a_note_says_why(run):
    """Found in review: `–` for every income part of a kostnadsslag cut, and for a förvaltning with a
    negative resultat, without a word. The domain leaves it undefined; the table now says so, and
    csv leaves it empty as before."""
    NOTE = ("Anm.: Förändring % är – där jämförelseårets belopp, som nettokostnad eller som resultat där förvaltningen "
            "redovisar så, är 0 eller negativt (intäkter i nettokostnad; kostnader och ett underskott i resultat): en "
            "förändring i procent av en sådan bas är inte definierad.")
    text = run("compare", "2023", "2024", "--by", "forvaltning").stdout
    row = next(line for line in text.splitlines() if line.startswith("Verksamhetsstöd och service"))
    assert row.split()[-6:-2] == ["-1,9", "-9,8", "-7,9", "–"] and NOTE in text
    rows = csv_rows(run("compare", "2023", "2024", "--by", "forvaltning", "-f", "csv").stdout)
    assert next(r for r in rows if r["forvaltning"] == "VSS")["forandring_pct"] == ""
    assert "Anm.: Förändring %" not in run("compare", "2023", "2024", "--by", "stab", "--forvaltning", "KLF").stdout
    parts = run("compare", "2023", "2024", "--budgets", ROOT / "examples" / "sie" / "budgets", "--by",
                "stab,kostnadsslag", "--stab", "EKO").stdout
    assert next(line for line in parts.splitlines() if line.strip().startswith("Intäkter")).split()[4] == "–"
    assert NOTE in parts
    # a cost of a unit presented as resultat is negative too (found by a new user: the note named only a
    # resultat's underskott): Serviceförvaltningen's Köp av verksamhet -72,5 → -72,9, Förändring % –
    service = run("compare", "2023", "2024", "--budgets", ROOT / "examples" / "sie" / "budgets", "--by",
                  "stab,kostnadsslag", "--forvaltning", "SERV").stdout
    cost = next(line for line in service.splitlines() if line.strip().startswith("Köp av verksamhet"))
    assert cost.split()[6:10] == ["-72,5", "-72,9", "-0,4", "–"] and NOTE in service
    chosen = run("compare", "2023", "2024", "--by", "forvaltning", "--columns",
                 "forvaltning,namn,utfall_2023,utfall_2024,forandring").stdout
    assert "Verksamhetsstöd" in chosen and "Förändring %" not in chosen  # not a note on a column not shown


def test_months_with_chosen_columns_keeps_its_month_first_for_people(run, tmp_path):
    """Found by a new user: `months --columns budget,utfall` dropped the month from the table, Markdown
    and xlsx, so no row could be told from another; a table for people keeps its row label first, as
    deviation's and compare's do. csv gives exactly the columns asked for."""
    args = ("months", "--budgets", ROOT / "examples" / "budgets", "--columns", "budget,utfall,avvikelse")
    table = run(*args).stdout.splitlines()
    header = next(line for line in table if line.startswith("Månad ") and "Budget" in line)
    assert header.split() == ["Månad", "Budget", "Utfall", "Avvikelse"]
    assert any(line.startswith("2024-01 ") for line in table)
    assert run(*args, "-f", "md").stdout.splitlines()[2].startswith("| Månad ")
    assert run(*args, "-f", "csv").stdout.splitlines()[0] == "budget,utfall,avvikelse"
    assert run("months", "--budgets", ROOT / "examples" / "budgets", "--columns", "utfall,manad").stdout \
        .count("Månad  ") == 1
    import openpyxl

    out = tmp_path / "m.xlsx"
    assert run(*args, "-o", out).exit_code == 0
    sheet = openpyxl.load_workbook(out).active
    header_row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Månad")
    assert header_row[:4] == ("Månad", "Budget", "Utfall", "Avvikelse")


def test_chosen_columns_are_exact_in_csv_excel_csv_and_json_and_the_workbook_keeps_its_label(run, tmp_path):
    """An analyst asking for --columns radtyp,forvaltning,stab,namn,budget to load the workbook into Power Query was
    told (README, and --columns' message on a name given twice) that xlsx has exactly the columns named, where the
    workbook is a table for people whose row label stands for the key and name columns; csv, Excel csv and json
    have exactly those columns, the workbook its label first, and both say so (found by an analyst feeding Power BI,
    h132)."""
    import openpyxl

    args = ("deviation", "--columns", "radtyp,forvaltning,stab,namn,budget")
    assert run(*args, "-f", "csv").stdout.splitlines()[0] == "radtyp,forvaltning,stab,namn,budget"
    assert run(*args, "-f", "excel").stdout.splitlines()[0] == "\ufeffRadtyp;Förvaltning;Stab;Namn;Budget"
    assert list(json.loads(run(*args, "-f", "json").stdout)[0]) == ["radtyp", "forvaltning", "stab", "namn", "budget"]
    out = tmp_path / "d.xlsx"
    assert run(*args, "-o", out).exit_code == 0
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(("Stab", "Radtyp", "Budget"))
    assert rows[header + 1] == ("Kommunstyrelsen", "rad", 30.1548)
    twice = run("deviation", "--columns", "budget,budget")
    assert twice.exit_code == 2
    assert "(csv, Excel csv and json have exactly the columns named, in their order; xlsx and the table for people " \
           "keep their row label first)" in twice.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "csv, Excel csv (`--format excel`) and json\nhave exactly the columns asked for" in readme


def test_a_name_that_is_not_utf8_is_a_clear_error(run, tmp_path):
    """Found in review: a budgets folder or workbook named with bytes that are not UTF-8 (`bad\\xff`)
    stopped `report`, `collect`, `import` with an internal error (UnicodeEncodeError, exit 70)."""
    import os
    import shutil

    folder = tmp_path / os.fsdecode(b"bud\xffgets")
    try:
        shutil.copytree(BUDGETS, folder)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not take a name that is not UTF-8")
    result = run("report", "--budgets", folder, "-o", tmp_path / "r.md")
    assert result.exit_code == ExitStatus.IO, result.stderr
    assert result.stderr.startswith("Error: a file or folder name is not valid UTF-8 (…")
    assert "bud\\xffgets" in result.stderr and result.stderr.strip().endswith("rename it to a name in UTF-8")  # (it read "so that its name is", cut short)
    assert not (tmp_path / "r.md").exists()


@pytest.mark.parametrize("args, said", [
    (("deviation", "--x\u202eabc"), "No such option: --x\\u202eabc"),
    (("deviation", "extra\u200f"), "unexpected extra argument(s) (extra\\u200f)"),
    (("dev\u202e",), "No such command 'dev\\u202e'"),
])
def test_the_parsers_errors_quote_what_was_typed_escaped(run, args, said):
    """Found in review: a usage error quoting the command line printed its bidi controls raw."""
    result = run(*args)
    assert result.exit_code == 2
    assert said in result.stderr and "\u202e" not in result.stderr and "\u200f" not in result.stderr, result.stderr


def test_a_name_byte_that_is_not_utf8_is_shown_as_the_byte():
    from kfollow.errors import shown

    assert shown("formb\udce5/x") == "formb\\xe5/x"


def test_an_error_quoting_a_huge_value_stays_a_short_line(run, tmp_path):
    """Found in review: a value 100 000 characters long (a budget, a profile's name, a --stab) was quoted
    whole in the error: a line of 200 kB on stderr. A run of 1 000 characters without a space is cut."""
    import shutil

    d = tmp_path / "b"
    shutil.copytree(ROOT / "examples" / "budgets", d)
    year = d / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace("namn: Ekonomistab",
                                                             "namn: Ekonomistab\n        profil: " + "x" * 100_000, 1),
                    encoding="utf-8")
    for args in (("deviation", "--budgets", d), ("deviation", "--budgets", ROOT / "examples" / "budgets", "--stab", "A" * 100_000)):
        result = run(*args)
        assert result.exit_code in (2, 3) and len(result.stderr) < 800, len(result.stderr)
        assert result.stderr.startswith("Error: ") and "…" in result.stderr


@pytest.mark.parametrize("args", [(), ("import",)])
def test_a_command_without_arguments_prints_its_help_on_lines(run, args):
    """Found by a new user: bare `kfollow` (and `kfollow import`) printed its help as one line of `\\x0a`:
    the escaping of what a user typed was applied to kfollow's own help."""
    result = run(*args)
    assert result.exit_code == 2
    assert "\\x0a" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Usage: ") and lines[0].endswith("COMMAND [ARGS]...") and "Commands:" in lines


@pytest.mark.parametrize("encoding", ["ascii", "iso8859-1"])
def test_an_output_encoding_without_utf8_gets_utf8_not_a_traceback(tmp_path, encoding):
    """Found by a script writer: with PYTHONIOENCODING=ascii (or a C locale) `deviation` ended in a
    traceback of UnicodeEncodeError, exit 1 (a failed check, to a script); with Latin-1 csv came out
    in other bytes than -o writes. stdout is UTF-8, as README says, whatever the locale."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": encoding}
    for args in (("deviation", "-f", "csv"), ("deviation",), ("check", "-f", "json")):
        done = subprocess.run([sys.executable, "-m", "kfollow", *args, "--budgets", str(ROOT / "budgets")],
                              capture_output=True, env=env, timeout=120)
        assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
        done.stdout.decode("utf-8")  # (raises if it is not UTF-8)
    out = tmp_path / "d.csv"
    subprocess.run([sys.executable, "-m", "kfollow", "deviation", "-f", "csv", "--budgets", str(ROOT / "budgets"), "-o",
                    str(out)], check=True, capture_output=True, timeout=120)
    shown = subprocess.run([sys.executable, "-m", "kfollow", "deviation", "-f", "csv", "--budgets", str(ROOT / "budgets")],
                           capture_output=True, env=env, timeout=120).stdout
    assert shown == out.read_bytes()


def test_changes_keeps_its_row_label_under_columns(run):
    """`changes --columns belopp` showed amounts without the decision they belong to; a change is known
    by its date and decision (the sum by its name in the decision's column). csv has exactly the column
    (the sum's belopp is empty: posts of several kinds are not summed, its netto is)."""
    lines = run("changes", "--year", "2024", "--columns", "belopp").stdout.splitlines()
    assert lines[2].split()[:2] == ["Datum", "Beslut"] and lines[2].split()[-1] == "Belopp"
    assert lines[4].startswith("2024-04-30  Kommunstyrelsen våren 2024") and lines[4].endswith("-16,3")
    assert "Summa ombudgeteringar" in lines[6]
    assert run("changes", "--year", "2024", "--columns", "belopp", "-f", "csv").stdout.splitlines() == [
        "belopp", "-16.3", "-1.5", ""]


def test_markdown_bolds_a_totals_text_wherever_its_label_stands(run):
    """Found in review: `changes -f md` left "Summa ombudgeteringar" plain: its first column (the date) is
    empty on the total, which stands in the decision's column."""
    lines = run("changes", "--year", "2024", "-f", "md").stdout.splitlines()
    assert "| **Summa ombudgeteringar** " in lines[-1] and lines[-1].startswith("|            | **Summa")


def test_compare_of_a_number_that_is_no_year_is_a_usage_error(run):
    """`compare 0 2024` advised adding `0.yaml` to the budgets folder (found by a hostile-input review)."""
    result = run("compare", "0", "2024", "--budgets", BUDGETS)
    assert result.exit_code == ExitStatus.USAGE
    assert result.stderr == "Error: compare 0 2024: 0 is not a year; write four digits, e.g. kfollow compare 2023 2024\n"


def test_kfollow_unit_sets_the_default_unit_and_unit_beats_it(run, tmp_path):
    """A small kommun's tables in mnkr showed deviations of 0,0 beside percentages (found by a new user);
    KFOLLOW_UNIT=tkr sets the unit for every command, as KFOLLOW_BUDGETS the folder; --unit beats it."""
    budgets = ROOT / "examples" / "budgets"
    in_tkr = run("deviation", "--budgets", budgets, env={"KFOLLOW_UNIT": "tkr"})
    assert in_tkr.exit_code == 0 and in_tkr.stdout.startswith("Resultat 2024-10 (ack.) per stab, belopp i tkr\n")
    assert run("deviation", "--budgets", budgets, "--format", "csv", env={"KFOLLOW_UNIT": "tkr"}).stdout == \
        run("deviation", "--budgets", budgets, "--format", "csv", "--unit", "tkr").stdout
    given = run("deviation", "--budgets", budgets, "--unit", "mnkr", env={"KFOLLOW_UNIT": "tkr"})
    assert given.stdout.startswith("Resultat 2024-10 (ack.) per stab, belopp i mnkr\n")
    wrong = run("deviation", "--budgets", budgets, env={"KFOLLOW_UNIT": "tusen"})
    assert wrong.exit_code == 2 and "(env var: 'KFOLLOW_UNIT'): 'tusen' is not one of 'mnkr', 'tkr', 'kr'" in wrong.stderr
    # (a unit in any case is that unit: `Tkr` as tkr)
    assert run("deviation", "--budgets", budgets, env={"KFOLLOW_UNIT": "Tkr"}).stdout == in_tkr.stdout
    report = run("report", "--budgets", budgets, "--period", "2024-08", "-o", tmp_path / "r.md", env={"KFOLLOW_UNIT": "tkr"})
    assert report.exit_code == 0 and "Resultat januari–augusti 2024 per stab, belopp i tkr" in (tmp_path / "r.md").read_text(
        encoding="utf-8")


def test_a_path_without_read_permission_is_no_usage_error(run, monkeypatch, tmp_path):
    """typer's paths checked that they are readable and stopped with a usage error (exit 2, four lines): a
    script could not tell "no permission" from a mistyped option. kfollow reads them itself, and an input it
    cannot read is exit 4, one line (found by a script user; as root the test tells the check apart by
    `os.access`, which only typer's check asks)."""
    import os

    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k: False if mode == os.R_OK else real(path, mode, *a, **k))
    result = run("deviation", "--budgets", ROOT / "examples" / "budgets", "-o", tmp_path / "t.csv")
    assert result.exit_code == 0, result.stderr
    assert "is not readable" not in result.stderr
    mapping = ROOT / "examples" / "sie" / "mapping.yaml"
    imported = run("import", "sie", ROOT / "examples" / "sie" / "exempelby.se", "--mapping", mapping,
                   "-o", tmp_path / "u.csv", "--force-unnamed")
    assert imported.exit_code == 0 and "is not readable" not in imported.stderr, imported.stderr


def test_a_unit_is_taken_in_any_case_and_the_variable_is_named_only_where_it_is_set(run, monkeypatch):
    """`--unit KR` was refused as "Invalid value for '--unit' (env var: 'KFOLLOW_UNIT')" though no such variable
    was set: read as a setting of the shell's. `TKR` and `Mnkr` are the units they spell; a unit that is none is
    refused naming the option, and the variable only where it is set (found in review)."""
    monkeypatch.delenv("KFOLLOW_UNIT", raising=False)
    assert run("deviation", "--year", "2024", "--unit", "TKR").stdout.splitlines()[0] == "Resultat 2024 per stab, belopp i tkr"
    assert run("deviation", "--year", "2024", "--unit", "Mnkr", "-f", "csv").stdout == \
        run("deviation", "--year", "2024", "-f", "csv").stdout
    bad = run("deviation", "--year", "2024", "--unit", "q")
    assert bad.exit_code == 2 and "Invalid value for '--unit': 'q' is not one of" in bad.stderr and "env var" not in bad.stderr
    monkeypatch.setenv("KFOLLOW_UNIT", "q")
    from_shell = run("deviation", "--year", "2024")
    assert from_shell.exit_code == 2 and "(env var: 'KFOLLOW_UNIT')" in from_shell.stderr


def test_a_unit_typed_wrong_beside_a_good_variable_is_not_blamed_on_the_variable(run, monkeypatch):
    """`KFOLLOW_UNIT=tkr kfollow deviation --unit yy` said "Invalid value for '--unit' (env var: 'KFOLLOW_UNIT'):
    'yy' …": the shell's setting was right, what was typed was not. The variable is named only where the value
    came from it (found in review, h70)."""
    monkeypatch.setenv("KFOLLOW_UNIT", "tkr")
    typed = run("deviation", "--year", "2024", "--unit", "yy")
    assert typed.exit_code == 2 and "Invalid value for '--unit': 'yy' is not one of" in typed.stderr, typed.stderr
    assert "env var" not in typed.stderr
