"""Bounded work (issue 14, item 3): a Parquet fact table's rows are counted from its metadata before
anything is read, and a SIE export is read in blocks, a chunk of lines at a time, alike whatever
the block, and alike by its vectorised path and by its line loop."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kfollow.errors import DataError, KfollowError
from kfollow.sources import facts, files, sie
from kfollow.sources.facts import Known, read_facts
from kfollow.sources.files import EXPORT_LIMIT, FACT_ROW_LIMIT, SMALLEST_FACT_ROW, open_file
from kfollow.sources.sie import read_sie

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "sie"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/data/sie (public SIE test files) is absent in this clone")
KNOWN = Known(year=2024, forvaltningar={"ADM": {"NORD"}, "F": set()}, verksamheter={"100"})
ROW = {"period": "2024-01", "forvaltning": "ADM", "stab": "NORD", "verksamhet": "100", "konto": "4010",
       "slag": "kostnad", "belopp": "1.00"}


# -- Parquet: rows, not only bytes ------------------------------------------------------------------

def identical_rows(path: Path, count: int, **overrides: str) -> Path:
    """A Parquet fact table of `count` identical rows (small on disk: it compresses)."""
    pl.DataFrame({**ROW, **overrides}).select(pl.all().repeat_by(count).explode()).write_parquet(path)
    return path


def test_the_row_cap_is_what_a_csv_within_the_byte_limit_can_hold(tmp_path: Path):
    """The smallest fact row a CSV can have (a budget's whole-year row) is SMALLEST_FACT_ROW bytes
    with its line end, and it is read as a row: no CSV within EXPORT_LIMIT has more rows than the cap."""
    assert FACT_ROW_LIMIT == EXPORT_LIMIT // SMALLEST_FACT_ROW == 100_000_000
    smallest = "2024,F,,,1,intakt,0\n"
    assert len(smallest.encode()) == SMALLEST_FACT_ROW
    path = tmp_path / "budget.csv"
    path.write_text(",".join(facts.COLUMNS) + "\n" + smallest, encoding="utf-8")
    assert read_facts(path, KNOWN, budget=True).rows() == [("2024", None, "F", None, None, "1", "intakt", 0)]


def test_a_parquet_of_many_identical_rows_is_refused_by_its_row_count(tmp_path: Path, monkeypatch):
    """Refused from the metadata, before a row is read: every row's belopp is malformed, and the
    message is about the rows, not about the first row."""
    path = identical_rows(tmp_path / "utfall.parquet", 500_000, belopp="x")
    assert path.stat().st_size < 100_000  # half a million rows in a few kilobytes
    monkeypatch.setattr(facts, "fact_row_limit", lambda size: facts.FACT_ROW_LIMIT)
    monkeypatch.setattr(facts, "FACT_ROW_LIMIT", 499_999)
    with pytest.raises(DataError) as excinfo:
        read_facts(path, KNOWN, display="utfall.parquet")
    assert excinfo.value.message == (
        "utfall.parquet: the table has 500 000 rows, over the limit of 499 999 rows of a fact table; sum "
        "the rows that share period, förvaltning, stab, verksamhet, konto and slag, or check that it is "
        "the right file")


def test_a_parquet_that_expands_far_beyond_its_size_is_refused(tmp_path: Path):
    """The issue's file, scaled down: millions of identical rows in a few kilobytes would take memory
    far beyond the file's size; more than FACT_ROWS_PER_BYTE rows a byte (and a million) is refused."""
    from kfollow.sources.files import FACT_ROW_FLOOR, FACT_ROWS_PER_BYTE, fact_row_limit

    path = identical_rows(tmp_path / "utfall.parquet", 2_000_000)
    size = path.stat().st_size
    assert size * FACT_ROWS_PER_BYTE < 2_000_000 and fact_row_limit(size) == FACT_ROW_FLOOR
    with pytest.raises(DataError) as excinfo:
        read_facts(path, KNOWN, display="utfall.parquet")
    assert excinfo.value.message.startswith(
        "utfall.parquet: the table has 2 000 000 rows, over the limit of 1 000 000 rows of a fact table of "
        + f"{size:,} bytes".replace(",", " "))
    assert fact_row_limit(4_700_000) == 47_000_000  # a benchmark's 1 M rows in 4,7 MB is far within
    assert fact_row_limit(10**12) == facts.FACT_ROW_LIMIT


def test_a_parquet_at_the_row_cap_is_read(tmp_path: Path, monkeypatch):
    path = identical_rows(tmp_path / "utfall.parquet", 3)
    monkeypatch.setattr(facts, "fact_row_limit", lambda size: 3)
    assert read_facts(path, KNOWN)["belopp"].to_list() == [100, 100, 100]


def test_a_year_file_naming_a_parquet_beyond_the_cap_is_an_error(run, tmp_path: Path, monkeypatch):
    (tmp_path / "2024.yaml").write_text(
        (Path(__file__).parent / "bad" / "facts" / "year.yaml").read_text(encoding="utf-8")
        .replace("utfall_fil: utfall.csv", "utfall_fil: utfall.parquet"), encoding="utf-8")
    identical_rows(tmp_path / "utfall.parquet", 11)
    monkeypatch.setattr(facts, "fact_row_limit", lambda size: facts.FACT_ROW_LIMIT)
    monkeypatch.setattr(facts, "FACT_ROW_LIMIT", 10)
    result = run("deviation", "--budgets", tmp_path)
    assert result.exit_code == 3
    assert "utfall.parquet: the table has 11 rows, over the limit of 10 rows of a fact table" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("name, other", [("utfall[12].csv", "utfall1.csv"), ("utfall*.parquet", "utfall-x.parquet")])
def test_a_table_name_is_never_a_pattern(tmp_path: Path, name: str, other: str):
    """Polars reads `utfall[12].csv` as utfall1.csv and utfall2.csv; kfollow reads the file named."""
    for file, amount in ((name, "1.00"), (other, "2.00")):
        path = tmp_path / file
        if path.suffix == ".csv":
            path.write_text(",".join(facts.COLUMNS) + "\n" + ",".join({**ROW, "belopp": amount}.values()) + "\n",
                            encoding="utf-8")
        else:
            identical_rows(path, 1, belopp=amount)
    assert read_facts(tmp_path / name, KNOWN)["belopp"].to_list() == [100]


# -- files: blocks ---------------------------------------------------------------------------------

def test_blocks_never_read_beyond_the_size_at_opening(tmp_path: Path):
    path = tmp_path / "a.se"
    path.write_bytes(b"0123456789")
    with open_file(path, 100, "SIE file") as file:
        with path.open("ab") as grow:
            grow.write(b"more")
        assert list(file.blocks(4)) == [b"0123", b"4567", b"89"]
        assert list(file.blocks(100)) == [b"0123456789"]  # again from the start
        assert file.read(3) == b"012" and file.read(100) == b"0123456789"


# -- SIE: read in blocks, alike by both paths --------------------------------------------------------

@contextmanager
def tuned(block: int = sie._BLOCK, run: int = sie._RUN, grow: int = sie._GROW, window: int = sie._WINDOW,
          loop_only: bool = False):
    """Read with other block, run and window sizes; `loop_only`: every line by the line loop."""
    saved = sie._BLOCK, sie._RUN, sie._GROW, sie._WINDOW, sie._Parser._vectorised
    sie._BLOCK, sie._RUN, sie._GROW, sie._WINDOW = block, run, grow, window
    if loop_only:
        sie._Parser._vectorised = lambda self, plan, start: start
    try:
        yield
    finally:
        sie._BLOCK, sie._RUN, sie._GROW, sie._WINDOW, sie._Parser._vectorised = saved


def outcome(path: Path) -> tuple:
    """What reading gives: every field (frames compared by value), or the error's message."""
    try:
        s = read_sie(path)
    except KfollowError as exc:
        return ("error", exc.message)
    return ("read", s.encoding, s.program, s.generated, s.sietyp, s.company, s.years, s.accounts, s.dimensions,
            s.objects, s.lines, s.warnings,
            *((frame.schema, frame.to_dicts()) for frame in (s.trans, s.psaldo, s.pbudget)))


HEAD = ["#FLAGGA 0", "#PROGRAM \"Ekonomi\" 1.0", "#SIETYP 4", "#RAR 0 20240101 20241231", "#DIM 1 Ansvar"]
# lines as exports write them (OK), and lines the reader reports or must look at closely (ODD),
# sampled so that most documents read to their end
VERS_OK = ['#VER A 1 20240105', '  #VER\t"A"\t"2"\t"20240201"\t"Lön"', '#VER "A\\"" 3 20240301 "text"',
           '#VER A 6 20240229 "Nörd" 20240301']
VERS_ODD = ['#VER A 4 20241301', '#VER A 5']
ROWS_OK = ['#TRANS 4010 {} 12.50', '\t#TRANS\t5010\t{1 "1100"}\t-3', '#TRANS 4010 {1 "Nörd" 20 "510"} 1 20240105 "t"',
           '#TRANS 4010 {} 1 ""', '#TRANS 4010 {} 1 "20240106"', '#TRANS 4010 {1 "a}b"} 2', '#RTRANS 4010 {} 12.50',
           '#BTRANS 4010 {} 1', '#TRANS FEL {} 1', '#PSALDO 0 202401 4010 {} 1', '#KONTO 1 x', '', '   ', '#XYZ 1',
           '#TRANS 4010 {} 12.50 20240105', '#TRANS 1930 {1 ""} -12.5', '#TRANS 4010 {} 1.5 20240105 "oavslutad']
ROWS_ODD = ['#TRANS 4010 {} 1 20240230', '#TRANS 4010 {} 12345678901234', '#TRANS 4010 {1} 1', '#TRANS 4010 {} 1.234',
            '#VER A 7 20240105', '{']
NOISE_OK = ['#KONTO 4010 "Köp av tjänster"', '#KONTO 1930 Bank\x1b', '#OBJEKT 1 1100 "Nörd"',
            '#PSALDO 0 202401 4010 {} 1.00', '#PBUDGET -1 202312 4010 {1 "1100"} -5', '#PSALDO 0 202401 4010 {1 "a}b"} 1',
            '#PBUDGET 0 202402 4010 7', '#IB 0 1930 5', '#XYZ', '', 'text', '  \t ', '#FNAMN "Kommun\\\\A"']
NOISE_ODD = ['#XYZ {', '#IB 0 1930 {', '{', '}', '#PSALDO 0 202413 4010 {} 1', '#UB 0 1930 "oavslutad',
             '#PSALDO 0 202401 4010 {} 99999999999999', '#TRANS 4010 {} 1', '#RTRANS 4010 {} 1']


def mostly(ok: list[str], odd: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(ok * 12 + odd)


TRANS_OK = [row for row in ROWS_OK if "#TRANS" in row]
VOUCHER = st.tuples(mostly(VERS_OK, VERS_ODD), mostly(["{", " { "], ["", "#XYZ"]),
                    st.lists(mostly(TRANS_OK * 2 + ROWS_OK, ROWS_ODD), min_size=1, max_size=8),
                    mostly(["}", "\t}"], [""])).map(lambda v: [line for part in v for line in
                                                               (part if isinstance(part, list) else [part]) if line])
ELEMENT = st.one_of(VOUCHER, VOUCHER, VOUCHER, mostly(NOISE_OK, NOISE_ODD).map(lambda line: [line]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elements=st.lists(ELEMENT, max_size=16), encoding=st.sampled_from(["cp437", "utf-8", "iso-8859-15"]),
       ends=st.sampled_from(["\n", "\r\n", "\r", "mixed"]), block=st.sampled_from([7, 64, 256, 1 << 23, 1 << 23]),
       run=st.sampled_from([1, 2, 256]), grow=st.sampled_from([1, 1, 2]), window=st.sampled_from([1, 3, 8192]),
       seed=st.integers(0, 2))
def test_the_vectorised_path_reads_as_the_line_loop(tmp_path_factory, elements, encoding, ends, block, run, grow,
                                                     window, seed):
    """The same frames, names, warnings, or the same error (file:line:column), whatever the block,
    however many lines the line loop takes at a time, and with the line loop reading every line
    (the reader before it was vectorised)."""
    lines = HEAD + [line for element in elements for line in element]
    endings = ["\n", "\r\n", "\r"]
    text = "".join(line + (endings[(i + seed) % 3] if ends == "mixed" else ends) for i, line in enumerate(lines))
    path = tmp_path_factory.mktemp("sie") / "a.se"
    path.write_bytes(text.encode(encoding))
    with tuned(loop_only=True):
        expected = outcome(path)
    with tuned(block=block, run=run, grow=grow, window=window):
        assert outcome(path) == expected


YEAR = HEAD + [line for n in range(1, 13) for line in (
    f'#VER A {n} 2024{n:02d}15 "Månad {n}"', "{", f'#TRANS 4010 {{1 "{n}"}} {n}.50', f"#TRANS 1930 {{}} -{n}.50", "}")]


@pytest.mark.parametrize("line", sorted(set(VERS_ODD + ROWS_ODD + NOISE_ODD + ROWS_OK + NOISE_OK)))
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_a_line_amid_vouchers_reads_as_by_the_line_loop(tmp_path: Path, line: str, where: str):
    """Each kind of line, in a voucher or between vouchers, amid vouchers of every month that the
    vectorised path takes at once: what the line loop makes of it (a row, nothing, an error)."""
    at = YEAR.index('#VER A 6 20240615 "Månad 6"') + (2 if where == "inside" else 0)
    path = tmp_path / "a.se"
    path.write_bytes("\r\n".join(YEAR[:at] + [line] + YEAR[at:] + [""]).encode("cp437"))
    with tuned(loop_only=True):
        expected = outcome(path)
    with tuned(run=1, grow=1):
        assert outcome(path) == expected


def test_a_voucher_across_chunks(tmp_path: Path):
    """Blocks of 16 bytes: every voucher spans chunks; an #RTRANS waits for its copy in the next."""
    text = ("#SIETYP 4\r\n#VER A 1 20240105\r\n{\r\n#TRANS 4010 {1 \"1100\"} 12.50\r\n#RTRANS 4010 {} 1\r\n"
            "#TRANS 4010 {} 1\r\n#TRANS 1930 {} -13.50\r\n}\r\n")
    path = tmp_path / "a.se"
    path.write_bytes(text.encode("cp437"))
    with tuned(block=16):
        got = read_sie(path)
    assert got.trans.select("konto", "belopp", "rad", "dim_1").rows() == [
        ("4010", 1250, 4, "1100"), ("4010", 100, 6, None), ("1930", -1350, 7, None)]
    assert got.lines == 8 and got.warnings == ()


@pytest.mark.parametrize("text, message", [
    ("#SIETYP 4\n#KONTO 1930 Bank\n{\n}\n", "a.se:3: '{' after #KONTO, which has no block"),
    ("#SIETYP 4\n#VER A 1 20240105\n{\n#TRANS 1930 {} 1\n", "a.se:2: the file ends (line 4) inside the voucher"),
    ("#SIETYP 4\n#XYZ\n{\n#VER A 1 20240105\n", "a.se:3: the file ends (line 4) inside the block"),
    ("#SIETYP 4\n#VER A 1 20240105\n\n#TRANS 1930 {} 1\n", "a.se:4: the #VER at line 2 is not followed by '{'"),
])
@pytest.mark.parametrize("block", [1, 10, 1 << 23])
def test_errors_across_chunks_name_their_line(tmp_path: Path, text: str, message: str, block: int):
    path = tmp_path / "a.se"
    path.write_bytes(text.encode())
    with tuned(block=block), pytest.raises(DataError) as excinfo:
        read_sie(path)
    assert excinfo.value.message.startswith(f"{tmp_path / message}")


@needs_shared
@pytest.mark.parametrize("name", ["SIE4_Exempelfil_med_underdim.SE", "Sie_1.SE", "BL0001_typ4.SE",
                                  "transaktioner_ovnbolag.se", "MAMUT_SIE4_EXPORT.SE", "Sie4.se"])
@pytest.mark.parametrize("block", [4093, 1 << 16])
def test_real_files_read_alike_in_small_blocks(name: str, block: int):
    """Encodings, their warnings' lines, vouchers and period balances: as in one block."""
    with tuned():
        expected = outcome(SHARED / name)
    with tuned(block=block, run=16, window=64):
        assert outcome(SHARED / name) == expected


@pytest.mark.parametrize("text, encoding", [
    ("#FNAMN \"Kommun \ufffd\"\r\n#KONTO 1930 Kassa\r\n#KONTO 4010 Köp\r\n", "utf-8"),  # U+FFFD on line 1
    ("\ufeff#FNAMN Kommun\r#KONTO 4010 Köp \ufffd\n", "utf-8"),
    ("#FNAMN Kommun\r\n#FNR C:\\Å\r\n#KONTO 4010 K\x94p\r\n#KONTO 5010 L\x94n\r\n", "latin-1"),  # both kinds
    ("#FNAMN K\x94p\r\n#FNR C:\\Å\r\n#KONTO 4010 Köp\r\n#KONTO 5010 Lön\r\n", "latin-1"),
])
def test_the_encoding_is_read_alike_in_any_block(tmp_path: Path, text: str, encoding: str):
    """A UTF-8 letter or U+FFFD split between blocks, a CRLF split between them, letters of both code
    pages: the same encoding and warnings (naming the same line) for every block size."""
    path = tmp_path / "a.se"
    path.write_bytes(text.encode(encoding))
    with tuned(), open_file(path, 10_000, "SIE file") as file:
        expected = sie._encoding(file, "a.se")
    assert expected[2], "each case has a warning"
    for block in range(1, 12):
        with tuned(block=block), open_file(path, 10_000, "SIE file") as file:
            assert sie._encoding(file, "a.se") == expected, block


def test_reading_holds_a_block_not_the_file(tmp_path: Path, monkeypatch):
    """The file is read in blocks of at most _BLOCK bytes: its first 3 (a BOM?), then twice (its
    encoding, its records)."""
    from kfollow.sources.sie_writer import Row, Voucher, write_sie

    vouchers = [Voucher(f"2024-{m:02d}-15", [Row("4010", 100 * n, {1: f"{n % 7}"}, text="Nörd"),
                                             Row("1930", -100 * n)]) for m in range(1, 13) for n in range(1, 200)]
    path = write_sie(tmp_path / "a.se", company="K", generated="2025-01-01", years={0: ("2024-01-01", "2024-12-31")},
                     accounts={"4010": "Köp", "1930": "Bank"}, dimensions={1: "Ansvar"}, vouchers=vouchers)
    with tuned():
        expected = outcome(path)
    sizes: list[int] = []
    blocks = files.OpenFile.blocks

    def recorded(self, size=sie._BLOCK, limit=None):
        for block in blocks(self, size, limit):
            sizes.append(len(block))
            yield block

    monkeypatch.setattr(files.OpenFile, "blocks", recorded)
    with tuned(block=4096):
        assert outcome(path) == expected
    assert max(sizes) == 4096 and sum(sizes) == 3 + 2 * path.stat().st_size  # a BOM's 3 bytes, then twice
