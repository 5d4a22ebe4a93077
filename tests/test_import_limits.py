"""`kfollow import` at the limits (issue 14): every sum checked before it is trusted, only safe codes,
and a table the year file beside it can read.

Each reproducer of the issue is a test; the SIE text is written here, line by line, so that what a
test feeds the import is plain to read. Real exports are read from ../shared/data/sie/ (never
copied here). Every CLI test asserts the exit code and stderr, and what was (not) written.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from kfollow.cli import app
from kfollow.errors import DataError
from kfollow.sources import erp_csv, facts, ledger
from kfollow.store import MAX_FILE_TOTAL, MAX_ORE, MAX_TABLE_TOTAL

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "sie"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/data/sie (public SIE test files) is absent in this clone")

KONTON = '{"1": ignorera, "2": ignorera, "3": intakt, "4": kostnad, "5": kostnad, "6": kostnad, "7": kostnad, ' \
         '"8": ignorera}'
MAPPING = f"""\
forvaltning: ADM
konton: {KONTON}
stab:
  dimension: 1
  objekt: {{Nord: NORD, Syd: SYD}}
verksamhet:
  dimension: 6
  objekt: {{"0001": "100", "0002": "130"}}
"""
YEAR_FILE = """\
ar: {year}
organisation: Testkommun
enhet: kr
utfall_fil: utfall-{year}.csv
budget_fil: budget-{year}.csv
verksamheter:
  "100": Nämnd
  "130": Stöd
forvaltningar:
  ADM:
    namn: Administration
    redovisas_som: nettokostnad
    staber:
      NORD: {{namn: Nord}}
      SYD: {{namn: Syd}}
"""
HEAD = ["#FLAGGA 0", "#SIETYP 4", '#PROGRAM "Test" 1', "#RAR 0 20240101 20241231", "#RAR -1 20230101 20231231",
        "#DIM 1 Ansvar", "#DIM 6 Projekt"]
NORD = '{1 "Nord" 6 "0001"}'


def kronor(ore: int) -> str:
    """Öre → a SIE amount (`-1234.50`), exactly."""
    return f"{'-' if ore < 0 else ''}{abs(ore) // 100}.{abs(ore) % 100:02d}"


def voucher(number: int, day: str, *rows: tuple[str, str, int], series: str = "A") -> list[str]:
    """A #VER with its #TRANS rows (konto, object list, öre)."""
    return [f"#VER {series} {number} {day}", "{", *(f"#TRANS {k} {o} {kronor(b)}" for k, o, b in rows), "}"]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    return result


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A budgets folder: the year files of 2023 and 2024 (naming utfall-YYYY.csv, budget-YYYY.csv) and a mapping."""
    for year in (2023, 2024):
        (tmp_path / f"{year}.yaml").write_text(YEAR_FILE.format(year=year), encoding="utf-8")
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    return tmp_path


def sie_import(work: Path, lines: list[str], *options) -> "CliRunner":
    return run("import", "sie", write(work / "export.se", lines), "-m", work / "map.yaml", *options)


def written(work: Path) -> list[str]:
    return sorted(p.name for p in work.iterdir() if p.name.startswith(("utfall", "budget")))


# -- A. exact at the limits -------------------------------------------------------------------

BIGGEST = 999_999_999_999_999  # öre: 9 999 999 999 999,99 kr, the largest amount a SIE row may have


def wrapping_psaldo() -> list[str]:
    """18 446 #PSALDO rows of 9 999 999 999 999,99 kr and one more on 5010 in January: their Int64 sum wraps
    around to exactly 100,00 kr, what the one voucher books; the control would say "equal"."""
    wrapped = (18_446 * BIGGEST + 2**63) % 2**64 - 2**63
    last = 10_000 - wrapped
    assert abs(last) <= BIGGEST
    psaldo = [f"#PSALDO 0 202401 5010 {{}} {kronor(BIGGEST)}"] * 18_446 + [f"#PSALDO 0 202401 5010 {{}} {kronor(last)}"]
    return HEAD + psaldo + voucher(1, "20240115", ("5010", NORD, 10_000), ("1930", "{}", -10_000))


@pytest.mark.parametrize("source", ["trans", "psaldo"])
def test_psaldo_rows_whose_sum_would_wrap_are_refused_at_the_row_that_crosses_the_cap(work: Path, source: str):
    result = sie_import(work, wrapping_psaldo(), "--from", source, "-o", work / "utfall-2024.csv")
    assert result.exit_code == 3, result.stderr
    crossing = len(HEAD) + MAX_FILE_TOTAL // BIGGEST + 1  # the first row by which the magnitudes pass the cap
    assert result.stderr == (f"Error: {work / 'export.se'}:{crossing}: the #PSALDO amounts add up to more than "
                             "10 000 000 000 000 000,00 kr (counted without their signs) by this row; sums of them "
                             "could overflow: check the amounts and their unit\n")
    assert written(work) == []


def test_trans_summing_to_exactly_10_16_kr_is_refused_before_parquet(work: Path):
    """1 001 rows that sum to exactly 10¹⁶ kr (10¹⁸ öre, one more digit than Decimal(18,0) holds): once an
    internal error writing Parquet (exit 70); now the import refuses the fact row, naming its first line."""
    rows = [("5010", NORD, 999_000_999_000_999)] * 1000 + [("5010", NORD, 999_000_999_001_000)]
    assert sum(b for _, _, b in rows) == 10**18
    result = sie_import(work, HEAD + voucher(1, "20240115", *rows), "-o", work / "utfall-2024.parquet",
                        "--force-unnamed")
    assert result.exit_code == 3, result.stderr
    assert result.stderr.endswith(
        f"Error: {work / 'export.se'}:{len(HEAD) + 3}: the rows of konto 5010 in 2024-01 (forvaltning ADM, stab NORD, "
        "verksamhet 100), from this one on, add up to 10 000 000 000 000 000,00 kr, beyond the 10 000 000 000 000,00 "
        "kr a row of a fact table may hold (loading would refuse it); check the amounts and their unit\n")
    assert written(work) == []


def test_a_single_amount_of_10_16_kr_is_refused_by_the_reader(work: Path):
    lines = HEAD + voucher(1, "20240115", ("5010", NORD, 10**18), ("1930", "{}", -10**18))
    result = sie_import(work, lines, "-o", work / "utfall-2024.parquet")
    assert result.exit_code == 3
    assert f"export.se:{len(HEAD) + 3}:" in result.stderr and "beyond 10^13 kr" in result.stderr
    assert written(work) == []


def test_two_rows_of_6e12_kr_are_refused_at_import_not_at_loading(work: Path):
    """Two #TRANS rows of 6×10¹² kr on one key sum to 1,2×10¹³ kr, beyond what one fact row may hold:
    the import once wrote it (exit 0) and loading refused it; now the import refuses it."""
    six = 600_000_000_000_000
    lines = HEAD + voucher(1, "20240115", ("5010", NORD, six), ("5010", NORD, six), ("1930", "{}", -six),
                                             ("1930", "{}", -six))
    result = sie_import(work, lines, "-o", work / "utfall-2024.csv")
    assert result.exit_code == 3, result.stderr
    assert f"export.se:{len(HEAD) + 3}: the rows of konto 5010 in 2024-01" in result.stderr
    assert "12 000 000 000 000,00 kr, beyond the 10 000 000 000 000,00 kr a row of a fact table may hold" in result.stderr
    assert written(work) == []


def test_what_the_import_writes_at_the_caps_loading_accepts(work: Path):
    """An utfall and a budget table, each just within MAX_TABLE_TOTAL and every row within MAX_ORE, with
    stab and verksamhet (the year counts such money most often): `deviation` reads the year."""
    accounts = [("5010", '{1 "Nord" 6 "0001"}'), ("5020", '{1 "Syd" 6 "0002"}'), ("4010", '{1 "Nord" 6 "0002"}'),
                ("3010", '{1 "Syd" 6 "0001"}'), ("6010", '{1 "Nord" 6 "0001"}'), ("7010", '{1 "Syd" 6 "0002"}')]
    each = MAX_TABLE_TOTAL // (12 * len(accounts))
    assert each <= MAX_ORE
    lines, number = list(HEAD), 0
    for month in range(1, 13):
        for konto, objects in accounts:
            number += 1
            amount = -each if konto.startswith("3") else each
            lines += voucher(number, f"2024{month:02d}15", (konto, objects, amount), ("1930", "{}", -amount))
            lines.append(f"#PBUDGET 0 2024{month:02d} {konto} {objects} {kronor(amount)}")
    (work / "2023.yaml").unlink()  # its tables are not there: the folder is the year 2024
    result = sie_import(work, lines, "-o", work / "utfall-2024.csv", "--budget-out", work / "budget-2024.csv")
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr
    for by in ("stab", "verksamhet"):
        shown = run("deviation", "--budgets", work, "--period", "2024-12", "--by", by)
        assert shown.exit_code == 0, shown.stderr

    # one öre more on each row, and the table is beyond what a year reads: refused, nothing replaced
    before = (work / "utfall-2024.csv").read_bytes()
    over = [line.replace(kronor(each), kronor(each + 1)).replace(kronor(-each), kronor(-each - 1))
            if line.startswith("#TRANS") and " 1930 " not in line else line for line in lines]
    result = sie_import(work, over, "-o", work / "utfall-2024.csv")
    assert result.exit_code == 3, result.stderr
    assert "the fact table's amounts add up to" in result.stderr and "beyond the" in result.stderr
    assert (work / "utfall-2024.csv").read_bytes() == before


def test_the_caps_are_one_set_of_numbers():
    """What an import checks and what loading accepts are the numbers of `store`."""
    assert facts.MAX_ORE == MAX_ORE and facts.MAX_KRONOR * 100 == MAX_ORE
    assert 10 ** erp_csv.MAX_KRONOR_DIGITS * 100 == MAX_ORE
    assert ledger.MAX_ORE is MAX_ORE and ledger.MAX_TABLE_TOTAL is MAX_TABLE_TOTAL
    assert facts.ore_from_text([kronor(MAX_ORE), kronor(MAX_ORE + 1)]) == [MAX_ORE, None]


def test_a_csv_row_of_debet_minus_kredit_beyond_the_cap_names_its_line(tmp_path: Path):
    """Debet and kredit each within 13 digits, but debet − kredit beyond one amount's cap."""
    (tmp_path / "map.yaml").write_text(
        f"forvaltning: ADM\nkonton: {KONTON}\nstab:\n  kolumn: Ansvar\n  objekt: {{N: NORD}}\n"
        "kolumner:\n  konto: Konto\n  period: Period\n  debet: Debet\n  kredit: Kredit\n", encoding="utf-8")
    (tmp_path / "erp.csv").write_text("Period;Konto;Ansvar;Debet;Kredit\n202401;5010;N;100,00;\n"
                                      "202401;5010;N;9999999999999,00;-9999999999999,00\n", encoding="utf-8")
    result = run("import", "csv", tmp_path / "erp.csv", "-m", tmp_path / "map.yaml", "-o", tmp_path / "out.csv")
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {tmp_path / 'erp.csv'}:3: the amount 19 999 999 999 998,00 kr is beyond the "
                             "10 000 000 000 000,00 kr one amount may be; check the amount and its unit\n")
    assert not (tmp_path / "out.csv").exists()


def test_the_writer_refuses_what_loading_would(tmp_path: Path):
    """`facts_bytes`, the last guard: a DataError, never an internal error from the Parquet decimal."""
    row = {"period": "2024-01", "forvaltning": "ADM", "stab": "NORD", "verksamhet": None, "konto": "5010",
           "slag": "kostnad", "belopp": 10**18}
    frame = pl.DataFrame([row], schema={**{c: pl.String for c in facts.CODE_COLUMNS}, "belopp": pl.Int64})
    for name in ("t.parquet", "t.csv"):
        with pytest.raises(DataError, match="beyond the 1000000000000000 öre a row may hold; nothing written"):
            facts.facts_bytes(frame, tmp_path / name)
    at_cap = frame.with_columns(pl.lit(-MAX_ORE, pl.Int64).alias("belopp"))
    back = pl.read_parquet(facts.facts_bytes(at_cap, "t.parquet"))
    assert back["belopp"].to_list() == [Decimal("-10000000000000.00")]


# -- B. codes that are ids --------------------------------------------------------------------

FORMULA = '=1+HYPERLINK("http://x.example/","klicka")'


def test_a_sie_account_that_is_not_digits_is_refused_with_its_line(work: Path):
    quoted = '"' + FORMULA.replace('"', '\\"') + '"'
    lines = HEAD + ["#VER A 1 20240115", "{", f"#TRANS 5010 {NORD} 100.00", f"#TRANS {quoted} {{}} -100.00", "}"]
    result = sie_import(work, lines, "-o", work / "utfall-2024.csv")
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {work / 'export.se'}:{len(HEAD) + 4}: account '=1+HYPERLINK(\"http://x.example/\","
                             "\"klicka\")' is not an account number (digits only, e.g. 5010); correct it in the "
                             "ekonomisystem, or leave its rows out of the export (1 row)\n")
    assert written(work) == []


def test_a_mapping_prefix_that_is_not_digits_is_refused(work: Path):
    (work / "map.yaml").write_text(MAPPING.replace('"8": ignorera}', '"8": ignorera, "=": kostnad}'), encoding="utf-8")
    result = sie_import(work, HEAD + voucher(1, "20240115", ("5010", NORD, 100), ("1930", "{}", -100)),
                        "-o", work / "utfall-2024.csv")
    assert result.exit_code == 3
    assert "map.yaml:2:" in result.stderr and "account prefix '=' must be digits" in result.stderr


def test_a_csv_account_that_is_not_digits_is_refused_at_its_cell(tmp_path: Path):
    (tmp_path / "map.yaml").write_text(
        f"forvaltning: ADM\nkonton: {KONTON}\nstab:\n  kolumn: Ansvar\n  objekt: {{N: NORD}}\n"
        "kolumner:\n  konto: Konto\n  period: Period\n  belopp: Belopp\n", encoding="utf-8")
    cell = '"' + FORMULA.replace('"', '""') + '"'
    (tmp_path / "erp.csv").write_text(f"Period;Ansvar;Konto;Belopp\n202401;N;5010;100,00\n202401;N;{cell};1,00\n",
                                      encoding="utf-8")
    result = run("import", "csv", tmp_path / "erp.csv", "-m", tmp_path / "map.yaml", "-o", tmp_path / "out.csv")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {tmp_path / 'erp.csv'}:3:3: account '=1+HYPERLINK(")
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(("column", "value", "message"), [
    ("konto", FORMULA, "konto '=1+HYPERLINK"), ("konto", "50 10", "konto '50 10' is not an account number"),
    ("stab", "=cmd|' /C calc'!A0", "stab '=cmd|"), ("forvaltning", "A B", "forvaltning 'A B' is not an id"),
    ("verksamhet", "[x](javascript:1)", "verksamhet '[x](javascript:1)' is not a code"),
])
def test_the_writer_refuses_codes_that_are_not_safe_ids(column: str, value: str, message: str):
    row = {"period": "2024-01", "forvaltning": "ADM", "stab": "NORD", "verksamhet": "100", "konto": "5010",
           "slag": "kostnad", "belopp": 100, column: value}
    frame = pl.DataFrame([row], schema={**{c: pl.String for c in facts.CODE_COLUMNS}, "belopp": pl.Int64})
    with pytest.raises(DataError, match="nothing written") as error:
        facts.facts_bytes(frame, "out.csv")
    assert message in str(error.value)


# -- C. the year file the table is for ----------------------------------------------------------

def example_lines(year: str = "2024") -> list[str]:
    return HEAD + voucher(1, f"{year}0115", ("5010", NORD, 100_000), ("1930", "{}", -100_000))


def test_periods_outside_the_year_of_the_file_that_names_the_table_are_refused(work: Path):
    """`--year 2023 -o …/utfall-2024.csv` once wrote a table 2024.yaml cannot use, with exit 0."""
    lines = HEAD + voucher(1, "20230115", ("5010", NORD, 100_000), ("1930", "{}", -100_000))
    result = sie_import(work, lines, "--year", "2023", "-o", work / "utfall-2024.csv")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: -o {work / 'utfall-2024.csv'}: {work / '2024.yaml'} (year 2024) names it under utfall_fil, but the "
        f"import has periods outside 2024 (2023-01); that year file could not read the table. Pick the year 2024 "
        f"with --year, or write 2023 (--year 2023) to the utfall_fil of {work / '2023.yaml'}\n")
    assert written(work) == []
    assert sie_import(work, lines, "--year", "2023", "-o", work / "utfall-2023.csv").exit_code == 0



def test_a_table_no_year_file_names_is_refused_unless_forced(work: Path):
    """`-o utfall-2024-okt.csv` beside 2024.yaml once exited 0, and `deviation` silently showed the older data."""
    result = sie_import(work, example_lines(), "-o", work / "utfall-2024-okt.csv")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: utfall_fil: utfall-2024-okt.csv is not named in {work / '2024.yaml'}; add it "
                             "under utfall_fil, or give --force-unnamed\n")
    assert written(work) == []

    result = sie_import(work, example_lines(), "-o", work / "utfall-2024-okt.csv", "--force-unnamed")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        f"warning: utfall_fil: utfall-2024-okt.csv is not named in {work / '2024.yaml'}: no command reads it until it "
        "is added under utfall_fil (written anyway: --force-unnamed)\n")
    assert written(work) == ["utfall-2024-okt.csv", "utfall-2024-okt.csv.kalla.json"]


def test_the_budget_is_checked_against_budget_fil(work: Path):
    lines = example_lines() + ["#PBUDGET 0 202401 5010 {} 1000.00"]
    result = sie_import(work, lines, "--budget-out", work / "budget-2024-v2.csv")
    assert result.exit_code == 2
    assert "budget_fil: budget-2024-v2.csv is not named in" in result.stderr and "add it under budget_fil" in result.stderr
    result = sie_import(work, lines, "-o", work / "budget-2024.csv")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: -o {work / 'budget-2024.csv'}: {work / '2024.yaml'} names it under budget_fil, "
                             "not utfall_fil; write the utfall to the table named under utfall_fil\n")
    result = sie_import(work, lines, "-o", work / "utfall-2024.csv", "--budget-out", work / "budget-2024.csv")
    assert result.exit_code == 0, result.stderr
    assert written(work) == ["budget-2024.csv", "budget-2024.csv.kalla.json", "utfall-2024.csv",
                             "utfall-2024.csv.kalla.json"]


def test_budgets_names_the_folder_of_the_year_file(work: Path, tmp_path_factory):
    """With --budgets the year file there decides, also for a table written elsewhere (named relative to it)."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    result = sie_import(work, example_lines(), "-o", elsewhere / "utfall-2024.csv", "--budgets", work)
    assert result.exit_code == 2
    assert "utfall_fil: ../" in result.stderr and f"is not named in {work / '2024.yaml'}" in result.stderr
    (work / "2024.yaml").write_text(YEAR_FILE.format(year=2024).replace(
        "utfall_fil: utfall-2024.csv", f"utfall_fil: [utfall-2024.csv, {elsewhere / 'utfall-2024.csv'}]"),
        encoding="utf-8")
    result = sie_import(work, example_lines(), "-o", elsewhere / "utfall-2024.csv", "--budgets", work)
    assert result.exit_code == 0, result.stderr


def test_without_a_year_file_for_the_tables_year_the_import_writes_with_a_note(work: Path):
    lines = HEAD[:3] + ["#RAR 0 20250101 20251231"] + HEAD[5:] + voucher(
        1, "20250115", ("5010", NORD, 100_000), ("1930", "{}", -100_000))
    result = sie_import(work, lines, "-o", work / "utfall-2025.csv")
    assert result.exit_code == 0, result.stderr
    assert f"note: ids not checked against a year file: there is no 2025.yaml in {work}" in result.stderr


# -- C. warnings: vouchers that do not balance, accruals reversed ---------------------------------


def test_a_voucher_that_does_not_balance_is_named_by_series_and_number(work: Path):
    lines = HEAD + voucher(1, "20240115", ("5010", NORD, 100_000), ("1930", "{}", -100_000)) \
        + ["  #VER \"B x\" 17 20240220 \"Fika\"", "{", f"#TRANS 5010 {NORD} 128.00", "#TRANS 1930 {} -12899.00", "}"]
    result = sie_import(work, lines, "-o", work / "utfall-2024.csv")
    assert result.exit_code == 0, result.stderr
    assert (f"warning: voucher B x 17 ({work / 'export.se'}:{len(HEAD) + 6}, 2024-02) does not balance: its #TRANS rows "
            "sum to -12 771,00 kr, not 0\n") in result.stderr
    assert result.stderr.count("does not balance") == 1


def test_vouchers_that_do_not_balance_are_listed_at_most_ten(work: Path):
    lines = list(HEAD)
    for number in range(1, 14):
        lines += voucher(number, "20240115", ("5010", NORD, 100), ("1930", "{}", -99))
    (work / "export.se").write_bytes("\r".join(lines).encode() + b"\r")  # lone CR line ends: lines as the reader counts
    result = run("import", "sie", work / "export.se", "-m", work / "map.yaml", "-o", work / "utfall-2024.csv")
    assert result.exit_code == 0, result.stderr
    listed = [line for line in result.stderr.splitlines() if line.startswith("warning:") and "balance" in line]
    assert len(listed) == 11
    assert listed[0] == (f"warning: voucher A 1 ({work / 'export.se'}:{len(HEAD) + 1}, 2024-01) does not balance: its "
                         "#TRANS rows sum to 0,01 kr, not 0")
    assert f"export.se:{len(HEAD) + 1 + 9 * 5}, 2024-01)" in listed[9]
    assert listed[10] == "warning: and 3 more vouchers that do not balance (13 in all, 0,13 kr together)"


@needs_shared
def test_the_unbalanced_copy_of_ovnbolag_is_warned_about(tmp_path: Path):
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    for name, expected in (("transaktioner_ovnbolag.se", 0), ("transaktioner_ovnbolag-bad-balance.se", 1)):
        result = run("import", "sie", SHARED / name, "-m", tmp_path / "map.yaml", "--unmapped-empty",
                     "-o", tmp_path / "out.csv")
        assert result.exit_code == 0, result.stderr
        assert result.stderr.count("does not balance") == expected
    assert (f"warning: voucher B 1 ({SHARED / 'transaktioner_ovnbolag-bad-balance.se'}:3905, 2011-01) does not "
            "balance: its #TRANS rows sum to -12 771,00 kr, not 0") in result.stderr


def accrual_lines(accounts: list[str], december: int = -500_000_000) -> list[str]:
    """A year of 100 000 kr a month on each account; in January 5 000 000 kr more, reversed in December."""
    lines, number = list(HEAD), 0
    for month in range(1, 13):
        for konto in accounts:
            number += 1
            amount = 10_000_000 + (500_000_000 if month == 1 else december if month == 12 else 0)
            lines += voucher(number, f"2024{month:02d}28", (konto, NORD, amount), ("1930", "{}", -amount))
    return lines


def test_an_accrual_reversed_later_in_the_year_is_a_warning(work: Path):
    result = sie_import(work, accrual_lines(["5010"]), "-o", work / "utfall-2024.csv")
    assert result.exit_code == 0, result.stderr
    assert ("warning: possible accrual reversed: konto 5010, 2024-01 5 100 000,00 kr (over 20× its usual month, "
            "100 000,00 kr) reversed 2024-12 -4 900 000,00 kr\n") in result.stderr


def test_a_large_month_that_is_not_reversed_is_no_warning(work: Path):
    result = sie_import(work, accrual_lines(["5010"], december=0), "-o", work / "utfall-2024.csv")
    assert result.exit_code == 0, result.stderr
    assert "accrual" not in result.stderr


def test_accruals_are_listed_at_most_ten(work: Path):
    accounts = [f"50{n:02d}" for n in range(12)]
    result = sie_import(work, accrual_lines(accounts), "-o", work / "utfall-2024.csv")
    assert result.exit_code == 0, result.stderr
    listed = [line for line in result.stderr.splitlines() if line.startswith("warning:") and "accrual" in line]
    assert [line.split(",")[0] for line in listed[:10]] == [f"warning: possible accrual reversed: konto {k}"
                                                            for k in accounts[:10]]
    assert listed[10:] == ["warning: and 2 more possible accruals reversed"]


def test_accruals_from_a_fact_frame():
    """The rule itself: more than 20× the median of the other booked months, reversed by a later month of
    the opposite sign and half to twice the size; an account needs three booked months."""
    def frame(amounts: dict[str, list[int]]) -> pl.DataFrame:
        rows = [{"period": f"2024-{m:02d}", "konto": k, "belopp": b} for k, months in amounts.items()
                for m, b in enumerate(months, 1) if b]
        return pl.DataFrame(rows, schema={"period": pl.String, "konto": pl.String, "belopp": pl.Int64})

    assert ledger.accruals(frame({"5010": [2100, 100, 100, 0, 0, -2000]})) == [
        "warning: possible accrual reversed: konto 5010, 2024-01 21,00 kr (over 20× its usual month, 1,00 kr) "
        "reversed 2024-06 -20,00 kr"]
    assert ledger.accruals(frame({"5010": [2100, 100, 100, 0, 0, -900]})) == []  # reversed by less than half
    assert ledger.accruals(frame({"5010": [2100, 100, 100, 0, 0, 2100]})) == []  # not the opposite sign
    assert ledger.accruals(frame({"5010": [-2000, 0, 0, 0, 0, 2000]})) == []  # no usual month
    assert ledger.accruals(frame({"5010": [1900, 100, 0, 0, 0, -2000]})) == []  # 19×: not beyond 20×
    assert ledger.accruals(frame({"5010": [100, 100, 2100, -2000, 100]}))[0].startswith(
        "warning: possible accrual reversed: konto 5010, 2024-03")


@needs_shared
def test_test3_january_booking_reversed_in_december_is_a_warning(tmp_path: Path):
    """Test3.SE books 1,9 billion kr on 4010 in January and reverses it in December."""
    (tmp_path / "map.yaml").write_text(f'forvaltning: ADM\nkonton: {KONTON}\nstab:\n  dimension: 1\n'
                                       '  objekt: {"0-9": A, "10-99": B}\n', encoding="utf-8")
    result = run("import", "sie", SHARED / "Test3.SE", "-m", tmp_path / "map.yaml", "--from", "psaldo",
                 "-o", tmp_path / "out.csv")
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "accrual" in line] == [
        "warning: possible accrual reversed: konto 4010, 1997-01 1 911 770 243,82 kr (over 20× its usual month, "
        "1 872,50 kr) reversed 1997-12 -1 910 633 049,53 kr"]


@pytest.mark.parametrize("label", ["#trans", "#Trans", "#psaldo"])
def test_a_known_label_not_in_capitals_is_an_error_at_its_line(work: Path, label: str):
    """`#trans 5010 …` was skipped as an unknown label: the voucher's row lost, exit 0 and 0 rows
    written (found in review). SIE writes its labels in capitals."""
    lines = HEAD + voucher(1, "20240115", ("5010", NORD, 10_000), ("1930", "{}", -10_000))
    if label == "#psaldo":
        lines = lines + [f"{label} 0 202401 5010 {{}} 100.00"]
        at = len(lines)
    else:
        at = len(HEAD) + 3  # the voucher's first row
        lines[at - 1] = lines[at - 1].replace("#TRANS", label)
    result = sie_import(work, lines, "-o", work / "utfall-2024.csv")
    assert result.exit_code == 3, result.stderr
    assert result.stderr == (f"Error: {work / 'export.se'}:{at}: label {label} is not in capitals; SIE labels are "
                             f"written in capitals ({label.upper()}): correct the export\n")
    assert written(work) == []


def test_a_sie_year_over_two_calendar_years_is_warned_of(work: Path):
    """#RAR 0 20230701 20240630: --year 2023 and --year 2024 pick the same year, so the hint to pick
    the year with --year went round in a circle (found in review); the import says so first."""
    head = [line for line in HEAD if not line.startswith("#RAR")] + ["#RAR 0 20230701 20240630"]
    lines = head + voucher(1, "20240115", ("5010", NORD, 10_000), ("1930", "{}", -10_000))
    result = sie_import(work, lines, "-o", work / "x.csv", "--force-unnamed")
    assert ("warning: financial year 2023/24 (#RAR 0: 2023-07-01 – 2024-06-30) runs over two calendar years, which --year cannot split"
            in result.stderr), result.stderr
