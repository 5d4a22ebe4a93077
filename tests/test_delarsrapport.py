"""What an ekonom met preparing the delårsrapport for tertial 2 (January–August 2024) of the example kommun (h122)."""

from __future__ import annotations

from conftest import ROOT, csv_rows

EXAMPLE = ROOT / "examples" / "budgets"


def test_compare_of_the_same_months_heads_both_years_ack(run, tmp_path):
    """compare 2023 2024 --period 2024-08 headed its columns 'Utfall 2023' and 'Utfall 2024' (107,8: January–August),
    while the report's table before it heads the same 2023 figure 'Utfall 2023 ack.': a politician read 2024's
    utfall as the year's. Both are 'ack.' for months; a whole year keeps its plain headers; csv keeps its names."""
    table = run("compare", "2023", "2024", "--budgets", EXAMPLE, "--period", "2024-08")
    assert table.exit_code == 0, table.stderr
    header = table.stdout.splitlines()[2].split()
    assert header[:7] == ["Stab", "Utfall", "2023", "ack.", "Utfall", "2024", "ack."], header
    summa = next(ln for ln in table.stdout.splitlines() if ln.startswith("Summa nettokostnad")).split()
    assert summa[2:4] == ["102,1", "107,8"], summa
    report = run("report", "--budgets", EXAMPLE, "--period", "2024-08", "-o", tmp_path / "t2.md")
    assert report.exit_code == 0, report.stderr
    text = (tmp_path / "t2.md").read_text(encoding="utf-8")
    compared = text[text.index("## Utfall 2024 jämfört med 2023"):]
    header = next(ln for ln in compared.splitlines() if ln.startswith("| Stab"))
    assert [c.strip() for c in header.split("|")[2:4]] == ["Utfall 2023 ack.", "Utfall 2024 ack."], header
    machine = csv_rows(run("compare", "2023", "2024", "--budgets", EXAMPLE, "--period", "2024-08", "-f", "csv").stdout)
    assert {"utfall_2023", "utfall_2024"} <= set(machine[0])
    closed = run("compare", "2023", "2024")  # the bundled closed years: the whole of each
    assert closed.stdout.splitlines()[2].split()[:5] == ["Stab", "Utfall", "2023", "Utfall", "2024"], closed.stdout
