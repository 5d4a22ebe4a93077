"""`import sie` holds the sums of an export's #TRANS rows, not every row (`read_sie(…, summed=True)`).

A 354 MB export took 3 GB of memory where the import keeps sums per period, konto and objects: the rows are
summed a chunk at a time as they are read. These tests hold the summed reading to the rows read one by one
(sums, first lines, row counts, the vouchers that do not balance, the amounts' errors), in small blocks too, so
that a voucher, and a key's rows, run across chunks and the sums are merged several times.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import kfollow
from kfollow.errors import DataError
from kfollow.sources import ledger, sie
from kfollow.sources.sie import read_sie
from test_bounded import tuned

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "sie"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sie"

HEAD = """#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#PROGRAM "Testekonomi" 1.0
#GEN 20250110
#FNAMN "Testkommun"
#RAR 0 20240101 20241231
#KONTO 1930 Bank
#KONTO 5010 Löner
#KONTO 6410 Tjänster
#DIM 1 Ansvar
#DIM 6 Verksamhet
#DIM 7 Anställd
"""
MAPPING = """forvaltning: KSF
konton:
  "1": ignorera
  "5": kostnad
  "6": kostnad
stab:
  dimension: 1
  objekt:
    "1110": LED
    "1120": EKO
verksamhet:
  dimension: 6
  objekt:
    "100": "100"
"""


def _export(vouchers: int, unbalanced: tuple[int, ...] = ()) -> str:
    """`vouchers` vouchers, a month each in turn, of three rows on two stabs (some with an employee, dimension 7,
    which the mapping does not read) and the bank; the bank row of those numbered in `unbalanced` short by 1,00 kr."""
    lines = [HEAD]
    for n in range(1, vouchers + 1):
        month = 1 + n % 12
        employee = f' 7 "E{n % 50}"' if n % 3 else ""
        rows = [("5010", f'1 "1110" 6 "100"{employee}', 1000 + n), ("6410", '1 "1120"', 250 + n % 7)]
        total = sum(amount for _, _, amount in rows) - (100 if n in unbalanced else 0)
        lines.append(f'#VER A {n} 2024{month:02d}15 "Verifikation {n}"\n{{\n')
        lines += [f"#TRANS {konto} {{{objects}}} {amount // 100}.{amount % 100:02d}\n" for konto, objects, amount in rows]
        lines.append(f"#TRANS 1930 {{}} -{total // 100}.{total % 100:02d}\n}}\n")
    return "".join(lines)


def _summed_by_hand(path: Path, dimensions) -> pl.DataFrame:
    """The rows read one by one, summed as the summed reading sums them."""
    rows = read_sie(path, dimensions).trans
    dims = [c for c in rows.columns if c.startswith("dim_")]
    return (rows.group_by("period", "konto", *dims)
            .agg(pl.col("belopp").sum(), pl.col("rad").min(), pl.len().cast(pl.Int64).alias("rader"))
            .select("period", "konto", "belopp", "rad", "rader", *dims).sort("rad"))


def _vouchers_by_hand(path: Path) -> list[tuple]:
    """The vouchers that do not balance, as `ledger.unbalanced` finds them in the rows read one by one."""
    export = read_sie(path)
    found = ledger.unbalanced(ledger.Ledger(str(path), export.trans), export.encoding)
    return found


def test_an_import_holds_a_sum_per_key_not_every_row(tmp_path: Path):
    """3 000 vouchers of 3 rows: 9 000 rows read, and the reader holds 12 months × (2 stabs' accounts and the
    bank) = 36 sums, whatever the employee of a row (a dimension the mapping does not read)."""
    (tmp_path / "export.se").write_text(_export(3_000), encoding="cp437")
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    export = read_sie(tmp_path / "export.se", [1, 6], summed=True)
    assert export.trans.height == 36
    assert export.trans["rader"].sum() == 9_000
    assert export.trans.columns == ["period", "konto", "belopp", "rad", "rader", "dim_1", "dim_6"]
    assert export.vouchers.is_empty()
    imported = kfollow.import_sie(tmp_path / "export.se", tmp_path / "map.yaml")
    assert imported.read["utfall"] == "financial year 2024 (#RAR 0: 2024-01-01 – 2024-12-31) from #TRANS: 9000 rows → 24 fact rows"
    first = imported.utfall.facts.filter((pl.col("period") == "2024-02") & (pl.col("konto") == "5010"))
    # vouchers 1, 13, 25, …, 2 989: 250 of them, 10,00 kr + n öre each
    assert first["belopp"].to_list() == [sum(1000 + n for n in range(1, 3_001, 12))]


@pytest.mark.parametrize("block, merged", [(None, None), (600, 5), (4093, 40)])
def test_the_sums_are_the_rows_read_one_by_one_summed(tmp_path: Path, monkeypatch, block, merged):
    """Sums, first lines, row counts and the vouchers that do not balance (one across a chunk's end in small
    blocks), as the rows read one by one give them."""
    path = tmp_path / "export.se"
    path.write_text(_export(400, unbalanced=(7, 250, 399)), encoding="cp437")
    if merged is not None:
        monkeypatch.setattr(sie, "_SUMS_MERGED", merged)
    with tuned(**({"block": block, "run": 16, "window": 64} if block else {})):
        export = read_sie(path, [1, 6], summed=True)
        by_hand = _summed_by_hand(path, [1, 6])
        warnings = ledger.unbalanced(ledger.Ledger(str(path), export.trans), export.encoding, export.vouchers)
        expected = _vouchers_by_hand(path)
    assert export.trans.equals(by_hand.select(export.trans.columns))
    assert export.vouchers["belopp"].to_list() == [100, 100, 100]
    assert warnings == expected
    assert warnings[0] == (f"warning: voucher A 7 ({path}:{export.vouchers['rad'][0]}, 2024-08) does not balance: its "
                           "#TRANS rows sum to 1,00 kr, not 0")


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data/sie (public SIE test files) is absent in this clone")
@pytest.mark.parametrize("name", ["SIE4_Exempelfil_med_underdim.SE", "BL0001_typ4.SE", "transaktioner_ovnbolag.se",
                                  "MAMUT_SIE4_EXPORT.SE", "Sie4.se", "Bokslut_Norstedts_SIE_4E.se"])
@pytest.mark.parametrize("dimensions", [None, [1]])
def test_real_files_sum_as_their_rows(name: str, dimensions):
    path = SHARED / name
    export = read_sie(path, dimensions, summed=True)
    by_hand = _summed_by_hand(path, dimensions)
    assert export.trans.equals(by_hand.select(export.trans.columns))
    assert ledger.unbalanced(ledger.Ledger(str(path), export.trans), export.encoding, export.vouchers) == \
        _vouchers_by_hand(path)


def test_the_example_reads_alike(tmp_path: Path):
    path = EXAMPLE / "exempelby.se"
    export = read_sie(path, [1], summed=True)
    assert export.trans.equals(_summed_by_hand(path, [1]).select(export.trans.columns))
    assert export.trans["rader"].sum() == 528  # 240 rows of 2024, 288 of 2023


@pytest.mark.parametrize("rows, message", [
    (["#TRANS 5010 {} 9000000000000.00"] * 1200,
     ":1119: the #TRANS amounts add up to more than 10 000 000 000 000 000,00 kr (counted without their signs) by "
     "this row"),
])
def test_the_amounts_are_checked_row_by_row(tmp_path: Path, rows: list[str], message: str):
    """Each amount and the running total of their sizes, by the row that passes the cap, as before they were summed
    (1 111 rows of 9 × 10¹² kr pass 10¹⁶ kr; the rows begin at line 8)."""
    path = tmp_path / "export.se"
    path.write_text("#FLAGGA 0\n#SIETYP 4\n#RAR 0 20240101 20241231\n#KONTO 5010 Löner\n#KONTO 1930 Bank\n"
                    "#VER A 1 20240115\n{\n" + "\n".join(rows) + "\n}\n", encoding="cp437")
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    with tuned(block=4093):
        with pytest.raises(DataError) as summed:
            kfollow.import_sie(path, tmp_path / "map.yaml")
        with pytest.raises(DataError) as one_by_one:
            ledger.check_export(read_sie(path))
    assert str(summed.value) == str(one_by_one.value)
    assert message in str(summed.value)
