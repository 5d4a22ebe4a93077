"""A Parquet fact table's column chunks are checked on the sizes its footer states, before a row is
read: 33 kB can hold one cell of a thousand million characters, which took 13,8 GB (found by a
hostile-input review)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kfollow.errors import ExitStatus
from kfollow.sources.parquet_meta import Malformed, column_chunks, column_max

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


def test_the_footer_states_a_text_column_s_largest_value_unless_written_without_statistics(tmp_path: Path):
    """`column_max` reads the statistics of every row group (the month an utfall table is booked through, for a
    cut read ahead: `facts.booked_hint`); a file written without them, or with a group without them, states none."""
    frame = pl.DataFrame({"period": [f"2024-{m:02d}" for m in (3, 1, 10, 7) for _ in range(250)], "belopp": ["1"] * 1000})
    frame.write_parquet(tmp_path / "t.parquet", row_group_size=300)
    assert column_max(tmp_path / "t.parquet", "period") == "2024-10"  # (in the third of four row groups)
    assert column_max(tmp_path / "t.parquet", "konto") is None  # no such column
    frame.write_parquet(tmp_path / "bare.parquet", statistics=False)
    assert column_max(tmp_path / "bare.parquet", "period") is None
    (tmp_path / "nonsense.parquet").write_bytes(b"PAR1 not a footer PAR1")
    assert column_max(tmp_path / "nonsense.parquet", "period") is None


def test_the_month_an_utfall_table_is_booked_through_is_known_before_it_is_read(tmp_path: Path, monkeypatch):
    """From its footer where it states it; else the reading thread reads its periods before the tables."""
    from kfollow.sources import facts

    frame = pl.DataFrame({"period": ["2024-02", "2024-08", "2024-05"], "belopp": ["1", "2", "3"]})
    frame.write_parquet(tmp_path / "stated.parquet")
    frame.with_columns(pl.col("period").str.replace("08", "09")).write_parquet(tmp_path / "bare.parquet", statistics=False)
    monkeypatch.setattr(facts, "_BOOKED", set())
    facts.booked_hint([tmp_path / "stated.parquet", tmp_path / "bare.parquet", tmp_path / "utfall.csv"])
    assert 8 in facts._BOOKED
    done = facts.PendingTable(tmp_path / "stated.parquet", "x")  # (queued after the look: done once it is)
    facts.read_in_background([done])
    assert done._done.wait(30) and facts._BOOKED == {8, 9}


def test_the_footer_states_a_column_s_range_and_a_table_s_months_which_part_its_sums_no_more_than_needed(tmp_path: Path):
    """`column_range` over every row group; `facts._stated_months` makes months of it (a budget's whole-year period
    sorts first: from January); a pass summed to a cut's grain makes no span its rows are all on one side of (an
    utfall table booked through October: one span, not two)."""
    from kfollow.options import Grain
    from kfollow.sources import facts
    from kfollow.sources.parquet_meta import column_range, footer

    frame = pl.DataFrame([{**ROW, "period": f"2024-{m:02d}"} for m in (3, 4, 10, 7) for _ in range(250)])
    frame.write_parquet(tmp_path / "t.parquet", row_group_size=300)
    chunks = footer(tmp_path / "t.parquet", maxima=True)[0]
    assert column_range(chunks, "period") == ("2024-03", "2024-10")
    assert column_range(chunks, "konto") == ("4010", "4010") and column_range(chunks, "manad") is None
    frame.write_parquet(tmp_path / "bare.parquet", statistics=False)
    assert column_range(footer(tmp_path / "bare.parquet", maxima=True)[0], "period") is None
    assert facts._stated_months(("2024-03", "2024-10")) == (3, 10)
    assert facts._stated_months(("2024", "2024-12")) == (1, 12)  # (a budget for the year beside its months)
    assert facts._stated_months(("2023-11", "2024-02")) is None  # (two years: a fact table's checks refuse it)
    assert facts._stated_months(("2024", "2024")) is None and facts._stated_months(("x", "y")) is None
    assert facts._plan(tmp_path / "t.parquet", "t").months == (3, 10)
    assert facts._plan(tmp_path / "bare.parquet", "t").months is None
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(facts, "_BOOKED", {10})
        assert facts._spans(Grain(("stab",), ()), (1, 10)) == ()  # (up to October: every row)
        assert facts._spans(Grain(("stab",), (8,)), (1, 10)) == (8,)
        assert facts._spans(Grain(("stab",), (2, 8)), (3, 10)) == (8,)  # (before March: none)
        assert facts._spans(Grain(("stab",), (3, 8)), (3, 12)) == (3, 8, 10)
        assert facts._spans(Grain(("stab",), (8,)), None) == (8, 10)  # (months not stated: every end)


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
    assert f"utfall.parquet: column {column} unpacks to 200 000" in result.stderr
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


def _imported_parquet(run, tmp_path: Path) -> Path:
    """The example's export imported to a Parquet table in a copy of its budgets, named by its year file."""
    import shutil

    root = Path(__file__).resolve().parents[1] / "examples" / "sie"
    folder = tmp_path / "budgets"
    shutil.copytree(root / "budgets", folder)
    year = folder / "2024.yaml"
    year.write_text(year.read_text(encoding="utf-8").replace("utfall_fil: utfall-2024.csv", "utfall_fil: utfall-2024.parquet"),
                    encoding="utf-8")
    result = run("import", "sie", root / "exempelby.se", "--mapping", root / "mapping.yaml", "--year", "2024",
                 "-o", folder / "utfall-2024.parquet")
    assert result.exit_code == 0, result.stderr
    return folder / "utfall-2024.parquet"


def test_a_parquet_table_carries_its_amounts_sums_per_period(run, tmp_path: Path):
    """Parquet as polars writes it has no checksum: kfollow writes each period's sum (öre) into the file's
    metadata, and the figures read from it are those of the CSV the same import writes."""
    import json

    table = _imported_parquet(run, tmp_path)
    sums = json.loads(pl.read_parquet_metadata(table)["kfollow.kontrollsummor"])["belopp_ore_per_period"]
    rows = pl.read_csv(table.parent / "utfall-2024.csv", infer_schema=False)
    expected = rows.group_by("period").agg(pl.col("belopp").str.replace(r"\.", "").cast(pl.Int64).sum())
    assert sums == {p: str(v) for p, v in expected.sort("period").iter_rows()} and len(sums) == 10
    parquet = run("deviation", "--budgets", table.parent, "--format", "csv")
    (table.parent / "2024.yaml").write_text((table.parent / "2024.yaml").read_text(encoding="utf-8").replace(
        "utfall-2024.parquet", "utfall-2024.csv"), encoding="utf-8")
    assert parquet.exit_code == 0 and parquet.stdout == run("deviation", "--budgets", table.parent, "--format", "csv").stdout


def test_a_parquet_table_whose_amounts_differ_from_its_control_sums_is_damaged(run, tmp_path: Path):
    """A few bytes of a page of amounts changed: the file read as other amounts (Ledningsstab's utfall −408,1
    mnkr for 19,7), without a word (found trying damaged files)."""
    table = _imported_parquet(run, tmp_path)
    metadata = pl.read_parquet_metadata(table)
    rows = pl.read_parquet(table)
    changed = rows.with_columns(belopp=pl.when(pl.int_range(pl.len()) == 3).then(pl.col("belopp") * 7)
                                .otherwise(pl.col("belopp")))
    month = rows["period"][3]
    changed.write_parquet(table, metadata={"kfollow.kontrollsummor": metadata["kfollow.kontrollsummor"]})
    result = run("deviation", "--budgets", table.parent, "--format", "csv")
    assert result.exit_code == ExitStatus.DATA and result.stdout == ""
    assert f"utfall-2024.parquet: the amounts of period {month} sum to " in result.stderr
    assert ", but the control sum written into the file is " in result.stderr
    assert result.stderr.strip().endswith("the file is damaged (or changed by a tool that kept kfollow's sums); write "
                                          "it again (kfollow import … -o it)")
    changed.write_parquet(table, metadata={"kfollow.kontrollsummor": "{not json"})
    unreadable = run("deviation", "--budgets", table.parent)
    assert unreadable.exit_code == ExitStatus.DATA and "control sums (kfollow.kontrollsummor) cannot be read" in unreadable.stderr
    changed.write_parquet(table)  # written again by another tool: its import's note still holds kfollow's sums (h119)
    rewritten = run("deviation", "--budgets", table.parent)
    assert rewritten.exit_code == ExitStatus.DATA and "the table was changed after its import" in rewritten.stderr
    (table.parent / f"{table.name}.kalla.json").unlink()  # a table kfollow did not write has no sums to hold it to
    assert run("deviation", "--budgets", table.parent).exit_code == 0
    # rewritten with other rows by a tool that kept the metadata (pyarrow keeps it): the sums are not the file's
    changed.head(200).write_parquet(table, metadata={"kfollow.kontrollsummor": metadata["kfollow.kontrollsummor"]})
    assert run("deviation", "--budgets", table.parent).exit_code == 0
