"""A SIE export whose object rows name many dimensions that the mapping does not map: the reader keeps
a column for each mapped dimension only and names the rest of a row's set in one column, so that an
export of a few hundred kilobytes over thousands of dimensions is read as small (it took 1,9 GB and
15 s), and every import reads the same facts and says the same as when each dimension was a column."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import kfollow
from kfollow import importing
from kfollow.errors import KfollowError
from kfollow.sources import sie
from kfollow.sources.sie import OTHERS, read_sie

HEAD = """#FLAGGA 0
#FORMAT PC8
#SIETYP 3
#PROGRAM "Handskrivet" 1
#FNAMN "Testby kommun"
#RAR 0 20240101 20241231
#DIM 1 Ansvar
#DIM 20 Verksamhet
#DIM 6 Projekt
#DIM 7 Motpart
#KONTO 5011 "Löner"
#KONTO 6410 "Lokalhyra"
"""

MAPPING = """forvaltning: KSF
konton: {"3": intakt, "4": kostnad, "5": kostnad, "6": kostnad, "7": kostnad}
stab:
  dimension: 1
  objekt: {"1110": LED, "1120": EKO}
verksamhet:
  dimension: 20
  objekt: {"920": "920", "930": "930"}
"""

# layouts of object rows with other dimensions beside the mapped ones (1 and 20): each must read alike
LAYOUTS = {
    "beside a total": """#PBUDGET 0 202401 5011 {} 1000.00
#PBUDGET 0 202401 5011 {1 "1110" 6 "P1"} 600.00
#PBUDGET 0 202401 5011 {1 "1120" 6 "P2"} 400.00
#PSALDO 0 202401 5011 {} 900.00
""",
    "two others and the mapped alone": """#PBUDGET 0 202401 5011 {} 1000.00
#PBUDGET 0 202401 5011 {1 "1110"} 700.00
#PBUDGET 0 202401 5011 {1 "1110" 6 "P1" 7 "M"} 500.00
#PBUDGET 0 202401 5011 {1 "1110" 7 "M"} 650.00
#PBUDGET 0 202401 5011 {1 "1120" 20 "920" 6 "P1"} 300.00
#PSALDO 0 202401 5011 {} 1000.00
""",
    "fewest others first": """#PBUDGET 0 202402 6410 {} 800.00
#PBUDGET 0 202402 6410 {1 "1110" 20 "930" 6 "P1" 7 "M"} 100.00
#PBUDGET 0 202402 6410 {1 "1110" 20 "930" 7 "M"} 250.00
#PBUDGET 0 202402 6410 {1 "1120" 20 "920" 7 "N"} 550.00
#PSALDO 0 202402 6410 {} 800.00
""",
    "an other dimension without an object": """#PBUDGET 0 202403 5011 {} 500.00
#PBUDGET 0 202403 5011 {1 "1110" 6 ""} 200.00
#PBUDGET 0 202403 5011 {1 "1120" 6 "P1"} 300.00
#PBUDGET 0 202403 5011 {6 "P1"} 500.00
#PSALDO 0 202403 5011 {} 500.00
""",
    "objects only": """#PBUDGET 0 202404 5011 {1 "1110" 6 "P1"} 100.00
#PBUDGET 0 202404 5011 {1 "1120" 6 "P1"} 200.00
#PBUDGET 0 202404 5011 {1 "1110"} 100.00
#PBUDGET 0 202404 5011 {1 "1120"} 200.00
#PSALDO 0 202404 5011 {} 300.00
#PSALDO 0 202404 5011 {1 "1110"} 100.00
#PSALDO 0 202404 5011 {1 "1120"} 200.00
""",
}


def _import(tmp_path: Path, lines: str, *, every_column: bool, monkeypatch: pytest.MonkeyPatch) -> importing.Import:
    (tmp_path / "export.se").write_text(HEAD + lines, encoding="cp437")
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    if every_column:  # the reader as it was: a column for every dimension
        monkeypatch.setattr(sie, "read_sie", lambda path, dimensions=None, **how: read_sie(path, **how))
    try:
        return kfollow.import_sie(tmp_path / "export.se", tmp_path / "map.yaml", source="psaldo", utfall=True,
                                  budget=True, unmapped_empty=True)
    finally:
        monkeypatch.undo()


def _facts(table) -> list[tuple]:
    return sorted(table.facts.select("period", "konto", "stab", "verksamhet", "belopp").iter_rows(),
                  key=lambda r: tuple("" if v is None else str(v) for v in r))


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_other_dimensions_named_in_one_column_read_as_when_each_was_a_column(tmp_path: Path, layout: str,
                                                                             monkeypatch: pytest.MonkeyPatch):
    named = _import(tmp_path, LAYOUTS[layout], every_column=False, monkeypatch=monkeypatch)
    columns = _import(tmp_path, LAYOUTS[layout], every_column=True, monkeypatch=monkeypatch)
    assert _facts(named.budget) == _facts(columns.budget)
    assert _facts(named.utfall) == _facts(columns.utfall)
    assert named.messages == columns.messages
    assert named.read == columns.read
    assert named.budget.facts["belopp"].sum() == columns.budget.facts["belopp"].sum()


def test_the_others_column_names_a_rows_other_dimensions_in_number_order(tmp_path: Path):
    (tmp_path / "export.se").write_text(HEAD + """#PBUDGET 0 202401 5011 {} 1000.00
#PBUDGET 0 202401 5011 {7 "M" 1 "1110" 6 ""} 600.00
#PBUDGET 0 202401 5011 {1 "1120"} 400.00
#VER A 1 20240105 "x"
{
#TRANS 5011 {1 "1110" 6 "P1"} 100.00
#TRANS 1930 {} -100.00
}
""", encoding="cp437")
    export = read_sie(tmp_path / "export.se", {1, 20})
    assert [c for c in export.pbudget.columns if c.startswith("dim_")] == ["dim_1"]
    assert export.pbudget[OTHERS].to_list() == [None, "000006,000007", None]
    assert [c for c in export.trans.columns if c.startswith("dim_") or c == OTHERS] == ["dim_1"]
    every = read_sie(tmp_path / "export.se")
    assert [c for c in every.pbudget.columns if c.startswith("dim_")] == ["dim_1", "dim_6", "dim_7"]
    assert OTHERS not in every.pbudget.columns


def test_thousands_of_unmapped_dimensions_make_no_column_each(tmp_path: Path):
    """2 000 dimensions, each on one row of its own set beside a stab: a column per dimension made a frame of
    4 million cells (and gigabytes to make it); now one column names them, and the import still sums each
    set over its other dimension (a note says so)."""
    dims = range(100, 2100)
    lines = [f"#DIM {d} D{d}" for d in dims]
    lines += [f'#PBUDGET 0 202401 5011 {{1 "1110" {d} "X"}} 1.00' for d in dims]
    lines += ['#PBUDGET 0 202401 5011 {} 2000.00', '#PSALDO 0 202401 5011 {} 5.00']
    (tmp_path / "export.se").write_text(HEAD + "\n".join(lines) + "\n", encoding="cp437")
    export = read_sie(tmp_path / "export.se", {1, 20})
    assert export.pbudget.width == len(sie.PSALDO_SCHEMA) + 2  # dim_1 and the others' column
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    done = kfollow.import_sie(tmp_path / "export.se", tmp_path / "map.yaml", budget=True, utfall=False,
                              unmapped_empty=True)
    facts = done.budget.facts
    assert facts["belopp"].sum() == 2000_00  # the total, once
    # one set is used, summed over its other dimension (1 kr to LED), and the rest of the total has no key
    assert facts.filter(pl.col("stab") == "LED")["belopp"].sum() == 1_00
    assert facts.filter(pl.col("stab").is_null())["belopp"].sum() == 1999_00
    assert any("{1} from {1 100}" in m for m in done.messages)


def test_a_mapping_takes_every_dimension_number_the_reader_takes(tmp_path: Path):
    """The reader takes dimensions 1–999999 (`{40001 "A"}`); the mapping refused any above 9999, so such
    a file could be read but not mapped."""
    (tmp_path / "export.se").write_text(HEAD + """#DIM 40001 Ansvar
#PBUDGET 0 202401 5011 {} 300.00
#PBUDGET 0 202401 5011 {40001 "1110"} 300.00
#PSALDO 0 202401 5011 {} 300.00
""", encoding="cp437")
    mapping = MAPPING.replace("dimension: 1\n", "dimension: 40001\n")
    (tmp_path / "map.yaml").write_text(mapping, encoding="utf-8")
    done = kfollow.import_sie(tmp_path / "export.se", tmp_path / "map.yaml", budget=True, utfall=False,
                              unmapped_empty=True)
    assert done.budget.facts.filter(pl.col("stab") == "LED")["belopp"].to_list() == [300_00]
    (tmp_path / "map.yaml").write_text(MAPPING.replace("dimension: 1\n", "dimension: 1000000\n"), encoding="utf-8")
    with pytest.raises(KfollowError, match=r"map.yaml:4:14: dimension of stab '1000000' is not a SIE "
                                                   r"dimension number \(1–999999\)"):
        kfollow.import_sie(tmp_path / "export.se", tmp_path / "map.yaml", budget=True, utfall=False)


def test_a_year_the_export_lacks_is_named_so(tmp_path: Path):
    """`--year 2025` of an export of 2024 said "has no year in 2025" (found by a controller); a library call is
    told of its argument year, not of the option --year it does not have (h61)."""
    (tmp_path / "export.se").write_text(HEAD + "#PSALDO 0 202401 5011 {} 1.00\n", encoding="cp437")
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    with pytest.raises(KfollowError, match=r"has no year that starts or ends in 2025; pick one by its index with "
                                           r"the argument year: 0 \(2024-01-01 – 2024-12-31\)"):
        kfollow.import_sie(tmp_path / "export.se", tmp_path / "map.yaml", year=2025, source="psaldo")
