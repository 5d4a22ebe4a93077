"""The bundled budgets reproduce the seed's published tables digit for digit (tests/reference/)."""

from __future__ import annotations

import pytest

from conftest import csv_rows, reference

PER_STAB = reference("ks2024-resultat-per-stab.csv")
PER_VERKSAMHET = reference("ks2024-driftsammandrag-per-verksamhet.csv")


def _by_name(rows: list[dict]) -> dict[str, dict]:
    return {r["namn"]: r for r in rows}


def test_per_stab_klf_reproduces_every_published_figure(run, budgets_dir):
    result = run("deviation", "--year", "2024", "--by", "stab", "--forvaltning", "KLF", "--format", "csv",
                 "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    got = _by_name(csv_rows(result.stdout))
    published = [r for r in PER_STAB if r["forvaltning"] == "KLF" and r["typ"] == "stab"]
    assert len(published) == 8
    for row in published:
        mine = got[row["rad"]]
        assert (mine["utfall"], mine["budget"], mine["avvikelse"], mine["utfall_2023"]) == (
            row["bokslut_2024"], row["budget_2024"], row["avvikelse"], row["bokslut_2023"]), row["rad"]
    total = next(r for r in PER_STAB if r["typ"] == "summa")
    summa = got["Summa"]
    assert (summa["utfall"], summa["budget"], summa["avvikelse"], summa["utfall_2023"]) == (
        total["bokslut_2024"], total["budget_2024"], total["avvikelse"], total["bokslut_2023"])


def test_rows_where_the_printed_deviation_is_not_the_printed_difference(run, budgets_dir):
    """Kommunstyrelsen 26,9 / 30,2 / 3,2: the deviation comes from exact amounts, not printed ones."""
    result = run("deviation", "--by", "stab", "--forvaltning", "KLF", "-f", "csv", "--budgets", budgets_dir)
    ks = _by_name(csv_rows(result.stdout))["Kommunstyrelsen"]
    assert (ks["utfall"], ks["budget"], ks["avvikelse"]) == ("26.9", "30.2", "3.2")
    odd = [r for r in PER_STAB + PER_VERKSAMHET if r.get("typ") in ("stab", "verksamhet")
           and abs(float(r["budget_2024"]) - float(r.get("bokslut_2024") or r.get("redovisat_2024"))
                   - float(r["avvikelse"])) > 0.05]
    assert len(odd) == 8  # the domain primer counts eight such rows in the two tables


@pytest.mark.parametrize("part", ["varav kostnader", "varav intäkter"])
def test_klf_gross_lines(run, budgets_dir, part):
    result = run("deviation", "--forvaltning", "KLF", "--gross", "-f", "csv", "--budgets", budgets_dir)
    rows = [r for r in csv_rows(result.stdout) if r["namn"] == part]
    assert len(rows) == 1
    want = next(r for r in PER_STAB if r["forvaltning"] == "KLF" and r["rad"] == part)
    assert (rows[0]["utfall"], rows[0]["budget"], rows[0]["avvikelse"], rows[0]["utfall_2023"]) == (
        want["bokslut_2024"], want["budget_2024"], want["avvikelse"], want["bokslut_2023"])


def test_vss_block_in_resultat_convention(run, budgets_dir):
    result = run("deviation", "--forvaltning", "VSS", "--gross", "-f", "csv", "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    rows = csv_rows(result.stdout)
    published = [r for r in PER_STAB if r["forvaltning"] == "VSS"]
    # VSS has no stab breakdown: one row (the förvaltning) with its gross lines, then Summa and its gross lines
    mine = [r for r in rows if r["radtyp"] in ("forvaltning", "kostnader", "intakter")][:3]
    assert [(r["utfall"], r["budget"], r["avvikelse"], r["utfall_2023"]) for r in mine] == [
        (p["bokslut_2024"], p["budget_2024"], p["avvikelse"], p["bokslut_2023"]) for p in published]
    assert mine[0]["redovisas_som"] == "resultat"
    summa = next(r for r in rows if r["radtyp"] == "summa")
    assert (summa["utfall"], summa["budget"], summa["avvikelse"]) == ("-9.8", "0.0", "-9.8")


def test_per_verksamhet_klf_reproduces_every_published_figure(run, budgets_dir):
    result = run("deviation", "--year", "2024", "--by", "verksamhet", "--forvaltning", "KLF", "--format", "csv",
                 "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    rows = csv_rows(result.stdout)
    got = {r["verksamhet"]: r for r in rows}
    for row in PER_VERKSAMHET:
        key = row["kod"] or "Summa"
        mine = got[key]
        if row["kod"]:
            assert mine["namn"] == row["verksamhet"]
        assert (mine["utfall"], mine["budget"], mine["avvikelse"], mine["utfall_2023"]) == (
            row["redovisat_2024"], row["budget_2024"], row["avvikelse"], row["redovisat_2023"]), key
    assert len(rows) == len(PER_VERKSAMHET)


def test_compare_shows_both_years_as_published(run, budgets_dir):
    result = run("compare", "2023", "2024", "--by", "verksamhet", "--forvaltning", "KLF", "--format", "csv",
                 "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    got = {r["verksamhet"]: r for r in csv_rows(result.stdout)}
    for row in PER_VERKSAMHET:
        mine = got[row["kod"] or "Summa"]
        assert (mine["utfall_2023"], mine["utfall_2024"]) == (row["redovisat_2023"], row["redovisat_2024"])
    assert (got["Summa"]["forandring"], got["Summa"]["forandring_pct"]) == ("125.2", "24.7")
    # Bostadsverksamhet: the base (−48,1) is ≤ 0, so the change in % is empty
    assert (got["815"]["forandring"], got["815"]["forandring_pct"]) == ("56.6", "")
    assert (got["340"]["forandring"], got["340"]["forandring_pct"]) == ("35.8", "104.4")


def test_compare_sort_change_names_the_seeds_biggest_movers_first(run, budgets_dir):
    result = run("compare", "2023", "2024", "--by", "verksamhet", "--forvaltning", "KLF", "--sort", "change",
                 "-f", "csv", "--budgets", budgets_dir)
    names = [r["namn"] for r in csv_rows(result.stdout)]
    assert names[:2] == ["Bostadsverksamhet", "Idrotts- och fritidsanläggningar"]
    assert names[-1] == "Summa"


def test_default_view_shows_klf_and_vss_as_the_seed_does(run, budgets_dir):
    result = run("deviation", "--year", "2024", "-f", "csv", "--budgets", budgets_dir)
    rows = csv_rows(result.stdout)
    assert [r["radtyp"] for r in rows] == ["rad"] * 8 + ["ej_fordelat", "delsumma", "forvaltning", "summa"]
    klf = next(r for r in rows if r["radtyp"] == "delsumma")
    vss = next(r for r in rows if r["radtyp"] == "forvaltning")
    assert (klf["stab"], klf["utfall"], klf["budget"], klf["avvikelse"], klf["utfall_2023"]) == (
        "KLF", "632.1", "654.0", "21.9", "506.8")
    assert (vss["stab"], vss["utfall"], vss["budget"], vss["avvikelse"], vss["utfall_2023"]) == (
        "VSS", "-9.8", "0.0", "-9.8", "-1.9")
    # the 2023 per-stab gap is shown, not hidden: 506,8 − 503,2
    gap = next(r for r in rows if r["radtyp"] == "ej_fordelat")
    assert (gap["utfall"], gap["utfall_2023"]) == ("", "3.6")


def test_check_reports_the_documented_2023_gap_only(run, budgets_dir):
    result = run("check", "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{budgets_dir}/2023.yaml:")
    assert "varning" in lines[0] and "503,2 mnkr" in lines[0] and "506,8 mnkr" in lines[0]


def test_the_report_with_gross_lines_has_the_published_resultat_table(run, budgets_dir, tmp_path):
    """Found by an economist writing the annual report: the seed's "Resultat 2024" has varav kostnader
    and varav intäkter lines, which `deviation --gross` printed and `report` could not; `report --gross`
    has them in its stab table, to the printed digit."""
    out = tmp_path / "r.md"
    result = run("report", "--year", "2024", "--gross", "-o", out, "--budgets", budgets_dir)
    assert result.exit_code == 0, result.stderr
    table = out.read_text(encoding="utf-8").split("## Resultat per stab", 1)[1].split("\n\n## ", 1)[0]
    # (a label as a viewer shows it: a total's and a förvaltning's in bold, a varav line indented with no-break spaces)
    cells = [[c.strip().removeprefix("**").removesuffix("**") for c in line.strip("|").split("|")]
             for line in table.splitlines() if line.startswith("|")]
    header = cells[0]
    at = {h: header.index(h) for h in ("Budget", "Utfall", "Avvikelse", "Utfall 2023")}
    shown = [(r[0], *(r[at[h]].replace(",", ".") for h in ("Utfall", "Budget", "Avvikelse", "Utfall 2023"))) for r in cells[2:]]
    for fid, above in (("KLF", "Summa KLF"), ("VSS", "Verksamhetsstöd och service")):
        i = next(j for j, r in enumerate(shown) if r[0] == above)
        published = [r for r in PER_STAB if r["forvaltning"] == fid and r["rad"].startswith("varav")]
        assert [r[1:] for r in shown[i + 1:i + 3]] == [
            (p["bokslut_2024"], p["budget_2024"], p["avvikelse"], p["bokslut_2023"]) for p in published], fid
    assert run("report", "--year", "2024", "-o", tmp_path / "plain.md", "--budgets", budgets_dir).exit_code == 0
    assert "varav kostnader" not in (tmp_path / "plain.md").read_text(encoding="utf-8")
