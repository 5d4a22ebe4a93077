"""A Parquet fact table's column chunks are checked on the sizes its footer states, before a row is
read: 33 kB can hold one cell of a thousand million characters, which took 13,8 GB (found by a
hostile-input review)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kfollow.errors import ExitStatus
from kfollow.sources.parquet_meta import Malformed, column_chunks

YEAR = """ar: 2024
organisation: Testkommun
enhet: tkr
utfall_fil: utfall.parquet
verksamheter:
  "100": Politik
forvaltningar:
  ADM:
    namn: Administration
    staber:
      NORD: {namn: Nord, budget: 1200.0}
"""

ROW = {"period": "2024-01", "forvaltning": "ADM", "stab": "NORD", "verksamhet": "100", "konto": "4010",
       "slag": "kostnad", "belopp": "100.00"}


def test_the_footer_gives_each_column_chunk_its_values_and_size(tmp_path: Path):
    frame = pl.DataFrame({"period": ["2024-01"] * 1000, "belopp": [str(i) for i in range(1000)]})
    frame.write_parquet(tmp_path / "t.parquet", row_group_size=300)
    chunks = column_chunks(tmp_path / "t.parquet")
    assert [c for c, _, _ in chunks] == ["period", "belopp"] * 4  # four row groups
    assert sum(n for c, n, _ in chunks if c == "belopp") == 1000
    assert all(size > 0 for _, _, size in chunks)


@pytest.mark.parametrize("cut", [1, 9, 40])
def test_a_footer_that_cannot_be_walked_is_malformed(tmp_path: Path, cut: int):
    pl.DataFrame({"a": ["x"] * 3}).write_parquet(tmp_path / "t.parquet")
    data = (tmp_path / "t.parquet").read_bytes()
    (tmp_path / "cut.parquet").write_bytes(data[:-cut])
    with pytest.raises(Malformed):
        column_chunks(tmp_path / "cut.parquet")


@pytest.mark.parametrize("column", ["konto", "stab", "belopp"])
def test_a_cell_that_unpacks_to_far_more_than_a_code_is_refused_before_it_is_read(run, tmp_path: Path, column):
    import tracemalloc

    (tmp_path / "2024.yaml").write_text(YEAR, encoding="utf-8")
    row = dict(ROW, **{column: ("4" if column != "stab" else "N") * 200_000_000})
    pl.DataFrame({k: [v] for k, v in row.items()}).write_parquet(tmp_path / "utfall.parquet", compression="zstd")
    assert (tmp_path / "utfall.parquet").stat().st_size < 100_000
    tracemalloc.start()
    result = run("deviation", "--budgets", tmp_path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.exit_code == ExitStatus.DATA
    assert f"utfall.parquet: column {column} unpacks to 200,000" in result.stderr
    assert "far more than codes and amounts take" in result.stderr
    assert peak < 100 * 2**20  # (nothing of the cell is read)


def test_a_fact_table_of_long_but_plausible_codes_is_read(run, tmp_path: Path):
    (tmp_path / "2024.yaml").write_text(YEAR.replace("NORD", "N" * 300), encoding="utf-8")
    pl.DataFrame({k: [v] for k, v in dict(ROW, stab="N" * 300).items()}).write_parquet(tmp_path / "utfall.parquet")
    result = run("deviation", "--budgets", tmp_path, "--format", "csv")
    assert result.exit_code == 0, result.stderr


def test_a_damaged_file_that_stops_polars_is_one_error_not_a_traceback(run, tmp_path: Path):
    """One byte changed in a footer made polars panic (a BaseException, past `except PolarsError`): a traceback of
    111 lines, exit 1 (found in review)."""
    (tmp_path / "2024.yaml").write_text(YEAR, encoding="utf-8")
    n = 1000
    pl.DataFrame({"period": ["2024-01"] * n, "forvaltning": ["ADM"] * n, "stab": ["NORD"] * n,
                  "verksamhet": ["100"] * n, "konto": [str(4000 + i % 100) for i in range(n)], "slag": ["kostnad"] * n,
                  "belopp": ["1.00"] * n}).write_parquet(tmp_path / "utfall.parquet", compression="uncompressed",
                                                          row_group_size=100)
    data = bytearray((tmp_path / "utfall.parquet").read_bytes())
    data[24900] = 0x7F
    (tmp_path / "utfall.parquet").write_bytes(bytes(data))
    result = run("deviation", "--budgets", tmp_path)
    assert result.exit_code == ExitStatus.DATA
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith(
        "utfall.parquet: cannot read as Parquet (the file is damaged: polars stopped reading it)")
