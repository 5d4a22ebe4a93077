"""Outcome fact tables (kfollow.sources.facts): exact öre, every error with its place, the two views."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from kfollow.errors import DataError, InputOutputError
from kfollow.sources.facts import (
    FACT_SCHEMA,
    MONTH_SCHEMA,
    VIEW_SCHEMA,
    Known,
    aggregate_months,
    booked_through,
    check_overlap,
    fill_months,
    ore_from_text,
    read_facts,
    views,
)

KNOWN = Known(
    year=2024,
    forvaltningar={"KLF": {"KS", "KLS", "0001"}, "VSS": {"IT", "LOK"}},
    verksamheter={"100", "270", "920", "0010"},
)
HEADER = "period,forvaltning,stab,verksamhet,konto,slag,belopp"
GOOD = "2024-01,KLF,KS,100,4010,kostnad,100.00"


def write(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "utfall.csv", ending: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes(ending.join([header, *rows, ""]).encode("utf-8"))
    return path


def error_of(path: Path, known: Known = KNOWN) -> str:
    with pytest.raises(DataError) as info:
        read_facts(path, known, display=path.name)
    return info.value.message


# --- amounts: exact text → öre -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ore"),
    [("0.1", 10), ("-1234.5", -123450), ("7", 700), ("0.05", 5), ("-0.05", -5), ("12.50", 1250),
     ("0", 0), ("-0", 0), ("007.5", 750), ("10000000000000", 10**15), ("-10000000000000.00", -(10**15)),
     ("9007199254740993", None),  # above the cap (and not exact as a float)
     ("10000000000000.01", None), ("12,50", None), ("1.234", None), ("1.", None), (".5", None), ("+1", None),
     (" 1", None), ("1e3", None), ("١٢", None), ("-", None), ("1 240,8", None), ("99999999999999999999999", None),
     ("0" * 40 + "1.5", 150), ("9" * 36, None), ("-" + "9" * 36 + ".99", None), ("9" * 50, None)],
)
def test_ore_from_text_is_exact(text, ore):
    assert ore_from_text([text]) == [ore]


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from([0, 1, 2]))
@settings(max_examples=300, deadline=None)
def test_ore_round_trip(ore: int, decimals: int):
    if decimals == 0:
        ore -= ore % 100 if ore >= 0 else -((-ore) % 100)
        text = f"{ore // 100 if ore >= 0 else -((-ore) // 100)}"
    else:
        if decimals == 1:
            ore -= ore % 10 if ore >= 0 else -((-ore) % 10)
        sign, mag = ("-" if ore < 0 else ""), abs(ore)
        text = f"{sign}{mag // 100}.{mag % 100:02d}"[: len(f"{sign}{mag // 100}.") + decimals]
    assert ore_from_text([text]) == [ore]
    assert Decimal(text) * 100 == ore


# --- reading CSV --------------------------------------------------------------------------------


def test_reads_csv_with_bom_crlf_blank_lines_and_keeps_leading_zeros(tmp_path):
    path = tmp_path / "utfall.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + "\r\n".join([
            HEADER,
            "2024-01,KLF,0001,0010,0400,kostnad,0.1",
            "",
            '2024-02,KLF,,270,3010,intakt,"-1234.5"',
            "2024-12,VSS,IT,,4010,kostnad,7",
            "",
        ]).encode("utf-8")
    )
    facts = read_facts(path, KNOWN)
    expected = pl.DataFrame(
        {"period": ["2024-01", "2024-02", "2024-12"], "manad": [1, 2, 12], "forvaltning": ["KLF", "KLF", "VSS"],
         "stab": ["0001", None, "IT"], "verksamhet": ["0010", "270", None], "konto": ["0400", "3010", "4010"],
         "slag": ["kostnad", "intakt", "kostnad"], "belopp": [10, -123450, 700]},
        schema=FACT_SCHEMA,
    )
    assert_frame_equal(facts, expected)


def test_extra_columns_are_ignored_and_order_is_free(tmp_path):
    path = write(tmp_path, "x,-5,kostnad,KS,KLF,100,4010,2024-03",
                 header="text,belopp,slag,stab,forvaltning,verksamhet,konto,period")
    facts = read_facts(path, KNOWN)
    assert facts.columns == list(FACT_SCHEMA)
    assert facts.row(0) == ("2024-03", 3, "KLF", "KS", "100", "4010", "kostnad", -500)


def test_header_only_gives_an_empty_table(tmp_path):
    facts = read_facts(write(tmp_path), KNOWN)
    assert facts.height == 0 and facts.schema == pl.Schema(FACT_SCHEMA)


def test_symlink_to_a_file_is_followed(tmp_path):
    target = write(tmp_path, GOOD)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert read_facts(link, KNOWN)["belopp"].to_list() == [10000]


# --- CSV errors: file:line:column and what to do ------------------------------------------------


def test_amount_with_decimal_comma(tmp_path):
    path = write(tmp_path, GOOD, '2024-01,KLF,KS,100,4010,kostnad,"12,50"')
    assert error_of(path) == ("utfall.csv:3:7: belopp '12,50' is not an amount in kronor; write 12.50 "
                              "(decimal point, at most two decimals)")


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [("1.234", "belopp '1.234' is not an amount in kronor; write e.g. 1234.50"),
     ('"1 240,8"', "belopp '1 240,8' is not an amount in kronor; write 1240.8"),
     ("10000000000000.01", "belopp '10000000000000.01' is larger than 10^13 kronor"),
     ("-99999999999999999999", "is larger than 10^13 kronor"),
     ("", "belopp is empty; every row needs an amount in kronor"),
     (" 12.50", "belopp ' 12.50' has spaces around it; write '12.50'")],
)
def test_bad_amounts(tmp_path, cell, fragment):
    message = error_of(write(tmp_path, GOOD, f"2024-01,KLF,KS,100,4010,kostnad,{cell}"))
    assert message.startswith("utfall.csv:3:7: ")
    assert fragment in message


def test_missing_column_names_the_columns_present(tmp_path):
    message = error_of(write(tmp_path, "2024-01,KLF,KS,100,4010,kostnad,1", header=HEADER.replace("verksamhet", "verks")))
    assert message.startswith("utfall.csv:1: missing column verksamhet; the file has columns 'period', 'forvaltning', "
                              "'stab', 'verks', ")


def test_semicolon_separated_file_gets_a_hint(tmp_path):
    message = error_of(write(tmp_path, "2024-01;KLF;KS;100;4010;kostnad;1,5", header=HEADER.replace(",", ";")))
    assert message.startswith("utfall.csv:1:1: the table is separated by semicolons, as Excel saves a CSV: ")
    assert "import it again from the export (kfollow import) instead of saving it in Excel" in message
    # a file of other columns by semicolons: what it lacks, as before
    message = error_of(write(tmp_path, "2024-01;KLF;1,5", header="period;forvaltning;summa"))
    assert "missing columns" in message and "separated by semicolons: save it comma separated" in message


def test_duplicate_column(tmp_path):
    message = error_of(write(tmp_path, GOOD + ",2", header=HEADER + ",belopp"))
    assert message == "utfall.csv:1: column belopp appears twice in the header; keep one"


@pytest.mark.parametrize(
    ("row", "where", "fragment"),
    [("2024-01,KLF,KS,100,4010,kostand,1", ":3:6:", "slag 'kostand' is neither kostnad nor intakt; did you mean 'kostnad'?"),
     ("2024-01,KLF,KS,100,4010,,1", ":3:6:", "slag is empty"),
     ("2025-01,KLF,KS,100,4010,kostnad,1", ":3:1:", "period 2025-01 is outside 2024, the year of the year file"),
     ("2024-1,KLF,KS,100,4010,kostnad,1", ":3:1:", "period '2024-1' is not a month; write YYYY-MM, e.g. 2024-01"),
     ("2024-13,KLF,KS,100,4010,kostnad,1", ":3:1:", "period '2024-13' is not a month"),
     (",KLF,KS,100,4010,kostnad,1", ":3:1:", "period is empty"),
     ("2024-01,KLX,KS,100,4010,kostnad,1", ":3:2:", "förvaltning 'KLX' is not in the year file; did you mean 'KLF'?"),
     ("2024-01,,KS,100,4010,kostnad,1", ":3:2:", "forvaltning is empty"),
     ("2024-01,KLF,IT,100,4010,kostnad,1", ":3:3:", "stab 'IT' belongs to VSS, not to KLF"),
     ("2024-01,KLF,KSS,100,4010,kostnad,1", ":3:3:", "stab 'KSS' is not a stab of KLF in the year file; did you mean 'KS'?"),
     ("2024-01,KLF,ZZZZZ,100,4010,kostnad,1", ":3:3:", "staber of KLF there: 0001, KLS, KS"),
     ("2024-01,KLF,KS,27,4010,kostnad,1", ":3:4:", "verksamhet '27' is not in the year file's verksamheter; did you mean '270'?"),
     ("2024-01,KLF,KS,100,,kostnad,1", ":3:5:", "konto is empty"),
     ("2024-01,KLF, KS,100,4010,kostnad,1", ":3:3:", "stab ' KS' has spaces around it; write 'KS'"),
     ("2024-01,KLF,KS,100,4010 ,kostnad,1", ":3:5:", "konto '4010 ' has spaces around it; write '4010'")],
)
def test_row_errors_name_line_and_column(tmp_path, row, where, fragment):
    message = error_of(write(tmp_path, GOOD, row))
    assert message.startswith(f"utfall.csv{where} "), message
    assert fragment in message, message


def test_a_fact_with_neither_stab_nor_verksamhet_is_ej_fordelat_in_both_views(tmp_path):
    facts = read_facts(write(tmp_path, "2024-01,KLF,,,4010,kostnad,1"), KNOWN)
    v = views(facts)
    assert sorted(v["vy"].unique().to_list()) == ["ej_fordelat_stab", "ej_fordelat_verksamhet"]


@pytest.mark.parametrize(
    ("row", "where", "fragment"),
    [("2024-01,KLF,K\u202eS,100,4010,kostnad,1", ":3:3:", "stab 'K\\u202eS' contains a bidi control (U+202E)"),
     ("2024-01,KLF,KS,100,40\x0710,kostnad,1", ":3:5:", "konto '40\\u000710' contains a control character (U+0007)"),
     ("2024-01,KLF,KS,1\x8500,4010,kostnad,1", ":3:4:", "contains a control character (U+0085)"),
     ("2024-01,K\x00LF,KS,100,4010,kostnad,1", ":3:2:", "contains a control character (U+0000)"),
     ("2024-01,KLF,KS,100,4010,kostnad,1\x7f", ":3:7:", "contains a control character (U+007F)"),
     ("2024-01,KLF,KS,100,4010,kost\u2066nad,1", ":3:6:", "contains a bidi control (U+2066)"),
     # invisible: a word joiner and a combining grapheme joiner made two ids that look alike differ (found in review)
     ("2024-01,KLF,K\u2060S,100,4010,kostnad,1", ":3:3:", "stab 'K\\u2060S' contains an invisible character (U+2060)"),
     ("2024-01,KLF,KS,1\u034f00,4010,kostnad,1", ":3:4:", "contains an invisible character (U+034F)"),
     # and a soft hyphen, a Hangul filler, an annotation mark, a tag character (found by a script user)
     ("2024-01,KLF,K\u00adS,100,4010,kostnad,1", ":3:3:", "stab 'K\\u00adS' contains an invisible character (U+00AD)"),
     ("2024-01,KLF,K\u3164S,100,4010,kostnad,1", ":3:3:", "contains an invisible character (U+3164)"),
     ("2024-01,KLF,K\ufff9S,100,4010,kostnad,1", ":3:3:", "contains an invisible character (U+FFF9)"),
     ("2024-01,KLF,K\U000e0041S,100,4010,kostnad,1", ":3:3:", "contains an invisible character (U+E0041)")],
)
def test_control_characters_are_refused(tmp_path, row, where, fragment):
    message = error_of(write(tmp_path, GOOD, row))
    assert message.startswith(f"utfall.csv{where} "), message
    assert fragment in message, message


def test_tab_and_line_feed_inside_a_cell_are_allowed_and_lines_still_count(tmp_path):
    """A column kfollow does not read (here `text`) may hold anything; its line breaks still count."""
    header = f"{HEADER},text"
    path = write(tmp_path, '2024-01,KLF,KS,100,4010,kostnad,1,"rad\t\nett"', "", f"{GOOD},",
                 "2024-01,KLF,KS,100,4010,kostnad,x,", header=header)
    # header 1, the quoted cell spans lines 2-3, blank line 4, good row 5, bad row 6
    assert error_of(path).startswith("utfall.csv:6:7: belopp 'x'")
    one = write(tmp_path, '2024-01,KLF,KS,100,4010,kostnad,1,"rad\t\nett"', header=header)
    assert read_facts(one, KNOWN)["belopp"].to_list() == [100]


def test_an_account_is_digits(tmp_path):
    for konto in ("40A10", "4010.1", "٤٠١٠"):  # the last: Arabic-Indic digits, which are no account number
        message = error_of(write(tmp_path, GOOD, f"2024-01,KLF,KS,100,{konto},kostnad,1"))
        assert message.startswith("utfall.csv:3:5: konto "), message
        assert "is not an account number; write digits only" in message, message


def test_first_offending_row_is_reported(tmp_path):
    rows = [GOOD] * 5 + ["2024-01,KLF,KS,100,4010,kostnad,1,5".replace(",5", ".5")]
    rows += ["2024-01,KLF,KS,999,4010,kostnad,1", "2024-01,KLF,KS,100,4010,kostnad,bad"]
    assert error_of(write(tmp_path, *rows)).startswith("utfall.csv:8:4: verksamhet '999'")


def test_first_problem_within_a_row_is_by_column(tmp_path):
    message = error_of(write(tmp_path, "2025-01,KLX,KS,100,4010,kostnad,bad"))
    assert message.startswith("utfall.csv:2:1: period 2025-01 is outside 2024")


def test_column_number_follows_the_files_own_order(tmp_path):
    path = write(tmp_path, "12;5,kostnad,KS,KLF,100,4010,2024-03", header="belopp,slag,stab,forvaltning,verksamhet,konto,period")
    assert error_of(path).startswith("utfall.csv:2:1: belopp '12;5' is not an amount")


def test_not_utf8_even_in_an_extra_column(tmp_path):
    path = tmp_path / "utfall.csv"
    path.write_bytes((HEADER + ",text\n" + GOOD + ",x\n").encode() + "2024-01,KLF,KS,100,4010,kostnad,1,Lön\n".encode("latin-1"))
    message = error_of(path)
    assert message.startswith("utfall.csv:3:36: byte 0xf6 is not UTF-8")
    assert "save the file as UTF-8" in message


def test_utf16_is_refused(tmp_path):
    path = tmp_path / "utfall.csv"
    path.write_bytes((HEADER + "\n" + GOOD + "\n").encode("utf-16"))
    assert error_of(path) == "utfall.csv:1:1: file is UTF-16; save it as UTF-8 (in Excel: CSV UTF-8)"


@pytest.mark.parametrize(("pack", "kind"), [
    ("gzip", "gzip-packed"), ("zlib", "zlib-packed"), ("bz2", "bzip2-packed"), ("lzma", "xz-packed")])
def test_a_packed_csv_is_refused_not_unpacked(tmp_path, pack, kind):
    """polars unpacks gzip and zlib by itself: a packed .csv would be read as the text it unpacks to, past
    every limit on the file's size (10 KB of gzip held 100 000 rows; found in review)."""
    import bz2, gzip, lzma, zlib  # noqa: E401
    text = (HEADER + "\n" + (GOOD + "\n") * 1000).encode()
    path = tmp_path / "utfall.csv"
    path.write_bytes({"gzip": gzip.compress, "zlib": zlib.compress, "bz2": bz2.compress, "lzma": lzma.compress}[pack](text))
    assert error_of(path) == f"utfall.csv:1:1: the file is {kind}, not CSV text; unpack it and name the unpacked CSV"


def test_an_excel_workbook_named_csv_is_told_to_be_saved_as_csv(tmp_path):
    """A workbook saved or renamed as .csv is a zip, but unpacking it gives no CSV (found in review)."""
    import openpyxl

    path = tmp_path / "utfall.csv"
    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    book.save(path)
    assert error_of(path) == ("utfall.csv:1:1: the file is an Excel workbook, not CSV text; save it as CSV (in Excel: "
                              "Save as, CSV UTF-8)")


def test_a_parquet_file_named_csv_is_told_so(tmp_path):
    path = tmp_path / "utfall.csv"
    pl.read_csv(((HEADER + "\n" + GOOD + "\n").encode()), infer_schema=False).write_parquet(path)
    assert error_of(path) == "utfall.csv:1:1: the file is a Parquet file, not CSV text; name it .parquet"


def test_an_unclosed_quote_is_named_where_its_row_begins_not_at_the_end(tmp_path):
    """A quote opened on line 3 and never closed read the rest of the file as one cell: the error named the
    file's last line (found in review); it names the row's."""
    path = write(tmp_path, GOOD, '2024-01,KLF,"KS,100,4010,kostnad,1', *[GOOD] * 20)
    assert error_of(path).startswith("utfall.csv:3: a quoted cell in the row that begins here is not closed")
    # a later quoted cell (Excel quotes a cell with a comma) closed it there, and the reader stopped at that line
    path = write(tmp_path, GOOD, '2024-01,KLF,"KS,100,4010,kostnad,1', GOOD, GOOD, '2024-01,KLF,"KS",100,4010,kostnad,1')
    assert error_of(path).startswith("utfall.csv:3: a quoted cell in the row that begins here is not closed")


def test_a_line_of_spaces_is_told_to_be_deleted_not_written_as_empty(tmp_path):
    """A line of three spaces at the end of a table said "period '   ' has spaces around it; write ''", and ''
    is itself an error (found in review)."""
    message = error_of(write(tmp_path, GOOD, "   "))
    assert message.startswith("utfall.csv:3:1: period is only spaces; write ") and "delete the line" in message
    message = error_of(write(tmp_path, GOOD, "2024-01,KLF,  ,100,4010,kostnad,1"))
    assert message.startswith("utfall.csv:3:3: stab is only spaces; leave it empty (money on no stab) or write its id")


def test_empty_file(tmp_path):
    path = tmp_path / "utfall.csv"
    path.write_bytes(b"")
    assert error_of(path).startswith("utfall.csv:1:1: file is empty; write a header row: period,forvaltning,")


def test_too_many_cells(tmp_path):
    message = error_of(write(tmp_path, GOOD, GOOD, GOOD + ",12,50"))
    assert message == "utfall.csv:4: row has 9 cells but the header has 7; quote cells that contain a comma"


def test_too_few_cells_are_told_as_such_not_as_an_empty_amount(tmp_path):
    """A row of one cell too few said "belopp is empty", one too many "row has 8 cells but the header has 7"
    (found in review): both now count the cells."""
    message = error_of(write(tmp_path, GOOD, "2024-01,KLF,KS,100,4010,kostnad"))
    assert message == ("utfall.csv:3: row has 6 cells but the header has 7; a cell is missing (an empty cell still "
                       "needs its comma)")
    assert error_of(write(tmp_path, GOOD, "2024-02")) == ("utfall.csv:3: row has 1 cell but the header has 7; 6 cells "
                                                          "are missing (an empty cell still needs its comma)")
    # an empty amount with every cell there is still an empty amount
    assert "belopp is empty" in error_of(write(tmp_path, GOOD, "2024-01,KLF,KS,100,4010,kostnad,"))


def test_malformed_quotes(tmp_path):
    message = error_of(write(tmp_path, GOOD, '2024-01,KLF,"K"S,100,4010,kostnad,1'))
    assert message.startswith("utfall.csv:3: malformed CSV")


def test_other_suffix(tmp_path):
    path = write(tmp_path, GOOD, name="utfall.xlsx")
    assert error_of(path) == "utfall.xlsx: an outcome table must be a .csv or .parquet file, not '.xlsx'"


# --- files that are not regular or not readable --------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(InputOutputError, match=r"^nope.csv: cannot read outcome table \(no such file\)"):
        read_facts(tmp_path / "nope.csv", KNOWN, display="nope.csv")


def test_directory(tmp_path):
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(InputOutputError, match=r"dir.csv: is a directory"):
        read_facts(tmp_path / "dir.csv", KNOWN)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_without_opening_it(tmp_path):
    os.mkfifo(tmp_path / "pipe.csv")  # opening it would block: the test would hang
    with pytest.raises(InputOutputError, match=r"pipe.csv: is a FIFO \(named pipe\), not a regular file"):
        read_facts(tmp_path / "pipe.csv", KNOWN)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path):
    path = write(tmp_path, GOOD)
    path.chmod(0)
    try:
        with pytest.raises(InputOutputError, match=r"cannot read file \(Permission denied\)"):
            read_facts(path, KNOWN)
    finally:
        path.chmod(0o644)


# --- Parquet ------------------------------------------------------------------------------------


def parquet(tmp_path: Path, belopp: pl.Series, **overrides) -> Path:
    n = len(belopp)
    frame = pl.DataFrame({
        "period": ["2024-02"] * n, "forvaltning": ["KLF"] * n, "stab": ["0001"] * n, "verksamhet": ["0010"] * n,
        "konto": ["0400"] * n, "slag": ["intakt"] * n,
    }).with_columns(belopp.alias("belopp"), **overrides)
    path = tmp_path / "utfall.parquet"
    frame.write_parquet(path)
    return path


def test_parquet_decimal(tmp_path):
    values = pl.Series(["0.1", "-1234.5", "7", "0.05", "-10000000000000"]).cast(pl.Decimal(18, 2))
    facts = read_facts(parquet(tmp_path, values), KNOWN)
    assert facts.schema == pl.Schema(FACT_SCHEMA)
    assert facts["belopp"].to_list() == [10, -123450, 700, 5, -(10**15)]
    assert facts.row(0)[:6] == ("2024-02", 2, "KLF", "0001", "0010", "0400")


def test_parquet_decimal_without_decimals_and_text(tmp_path):
    assert read_facts(parquet(tmp_path, pl.Series(["12", "-3"]).cast(pl.Decimal(10, 0))), KNOWN)["belopp"].to_list() == [1200, -300]
    assert read_facts(parquet(tmp_path, pl.Series(["12.5", "-3"])), KNOWN)["belopp"].to_list() == [1250, -300]


def test_parquet_decimal_beyond_any_amount_is_named_as_too_large(tmp_path):
    values = pl.Series(["1", "1" + "0" * 36]).cast(pl.Decimal(38, 0))
    assert error_of(parquet(tmp_path, values)).startswith(
        "utfall.parquet: row 2, column belopp: belopp '1000000000000000000000000000000000000' is larger than 10^13")


def test_parquet_float_is_refused(tmp_path):
    message = error_of(parquet(tmp_path, pl.Series([1.5, 2.0])))
    assert message == ("utfall.parquet: column belopp is a floating-point column (Float64), which cannot hold öre "
                       "exactly; write it as Decimal(18,2) or as text")


@pytest.mark.parametrize(
    ("series", "fragment"),
    [(pl.Series([150], dtype=pl.Int64), "column belopp is Int64; write it as Decimal(18,2)"),
     (pl.Series(["1.5"]).cast(pl.Decimal(18, 4)), "with 4 decimals; write it as Decimal(18,2)")],
)
def test_parquet_other_amount_types_are_refused(tmp_path, series, fragment):
    assert fragment in error_of(parquet(tmp_path, series))


def test_parquet_numeric_code_is_refused(tmp_path):
    message = error_of(parquet(tmp_path, pl.Series(["1"]), konto=pl.lit(400)))
    assert message.startswith("utfall.parquet: column konto is Int32; codes are text")


def test_parquet_row_error_names_the_row(tmp_path):
    values = pl.Series(["1", "2", "10000000000000.01"]).cast(pl.Decimal(18, 2))
    assert error_of(parquet(tmp_path, values)).startswith(
        "utfall.parquet: row 3, column belopp: belopp '10000000000000.01' is larger than 10^13 kronor")
    path = parquet(tmp_path, pl.Series(["1", "2"]), stab=pl.Series(["0001", "IT"]))
    assert error_of(path) == ("utfall.parquet: row 2, column stab: stab 'IT' belongs to VSS, not to KLF; "
                              "correct forvaltning or stab")


def test_not_a_parquet_file(tmp_path):
    path = tmp_path / "utfall.parquet"
    path.write_text(HEADER + "\n")
    assert error_of(path).startswith("utfall.parquet: cannot read as Parquet")


# --- budget tables: a period may be the whole year ------------------------------------------------


def budget_error_of(path: Path) -> str:
    with pytest.raises(DataError) as info:
        read_facts(path, KNOWN, display=path.name, budget=True)
    return info.value.message


def test_budget_table_takes_months_and_the_whole_year(tmp_path):
    path = write(tmp_path, "2024,KLF,KS,100,4010,kostnad,1200", "2024-03,KLF,,270,3010,intakt,-5.5", name="budget.csv")
    facts = read_facts(path, KNOWN, budget=True)
    assert facts.schema == pl.Schema(FACT_SCHEMA)
    assert facts.select("period", "manad", "stab", "belopp").rows() == [("2024", None, "KS", 120000),
                                                                       ("2024-03", 3, None, -550)]


def test_budget_table_in_parquet(tmp_path):
    path = parquet(tmp_path, pl.Series(["12.5", "-3"]), period=pl.Series(["2024", "2024-12"]))
    facts = read_facts(path, KNOWN, budget=True)
    assert facts["manad"].to_list() == [None, 12] and facts["belopp"].to_list() == [1250, -300]


def test_utfall_table_refuses_the_whole_year(tmp_path):
    message = error_of(write(tmp_path, GOOD, "2024,KLF,KS,100,4010,kostnad,1"))
    assert message == ("utfall.csv:3:1: period '2024' is not a month; write YYYY-MM, e.g. 2024-01 "
                       "(a period for the whole year is for a budget table, budget_fil)")
    path = parquet(tmp_path, pl.Series(["1", "2"]), period=pl.Series(["2024-01", "2024"]))
    assert error_of(path).startswith("utfall.parquet: row 2, column period: period '2024' is not a month")


@pytest.mark.parametrize(
    ("row", "where", "fragment"),
    [("2025,KLF,KS,100,4010,kostnad,1", ":3:1:", "period 2025 is outside 2024, the year of the year file"),
     ("2023-12,KLF,KS,100,4010,kostnad,1", ":3:1:", "period 2023-12 is outside 2024"),
     ("2024-13,KLF,KS,100,4010,kostnad,1", ":3:1:", "period '2024-13' is neither a month nor a year; write YYYY-MM "
                                                     "(e.g. 2024-01) or, for the whole year, 2024"),
     ("24,KLF,KS,100,4010,kostnad,1", ":3:1:", "period '24' is neither a month nor a year"),
     (" 2024,KLF,KS,100,4010,kostnad,1", ":3:1:", "period ' 2024' has spaces around it; write '2024'"),
     (",KLF,KS,100,4010,kostnad,1", ":3:1:", "period is empty; every row needs a month (YYYY-MM) or the year (YYYY)"),
     ("2024,KLF,KSS,100,4010,kostnad,1", ":3:3:", "stab 'KSS' is not a stab of KLF in the year file"),
     ("2024,KLF,KS,100,4010,kostnad,1.234", ":3:7:", "belopp '1.234' is not an amount in kronor")],
)
def test_budget_row_errors_name_line_and_column(tmp_path, row, where, fragment):
    message = budget_error_of(write(tmp_path, "2024,KLF,KS,100,4010,kostnad,1", row, name="budget.csv"))
    assert message.startswith(f"budget.csv{where} "), message
    assert fragment in message, message


def test_a_whole_year_budget_overlaps_every_month_of_another_table():
    year = facts_frame([("2024-01", "KLF", "KS", "100", "4010", "kostnad", 1)]).with_columns(
        period=pl.lit("2024"), manad=pl.lit(None, pl.Int8))
    march = facts_frame([("2024-03", "KLF", "KS", "100", "4010", "kostnad", 1)])
    check_overlap([("year.csv", pl.concat([year, march])), ("vss.csv", march.with_columns(forvaltning=pl.lit("VSS")))])
    with pytest.raises(DataError) as info:
        check_overlap([("year.csv", year), ("march.csv", march)])
    assert info.value.message.startswith("march.csv: förvaltning KLF, period 2024-03 is also in year.csv")


# --- reading checks distinct values, and rows only to name a bad one ----------------------------


def test_a_bad_id_far_down_a_large_table_is_found_with_its_line(tmp_path):
    rows = [GOOD] * 20_000 + ["2024-01,KLF,KS,100,4010,kostnad,1", "2024-02,KLF,KS,101,4010,kostnad,1"]
    assert error_of(write(tmp_path, *rows)).startswith("utfall.csv:20003:4: verksamhet '101'")


def test_amounts_beyond_the_file_total_are_refused(tmp_path):
    rows = ["2024-01,KLF,KS,100,4010,kostnad,10000000000000"] * 1001
    assert "the amounts add up to more than" in error_of(write(tmp_path, *rows))
    assert read_facts(write(tmp_path, *rows[:999]), KNOWN).height == 999


# --- months, views, coverage ---------------------------------------------------------------------


def facts_frame(rows: list[tuple]) -> pl.DataFrame:
    """(period, forvaltning, stab, verksamhet, konto, slag, belopp in öre) → FACT_SCHEMA."""
    cols = ["period", "forvaltning", "stab", "verksamhet", "konto", "slag", "belopp"]
    frame = pl.DataFrame(rows, schema={c: FACT_SCHEMA[c] for c in cols}, orient="row")
    return frame.with_columns(pl.col("period").str.slice(5, 2).cast(pl.Int8).alias("manad")).select(list(FACT_SCHEMA))


SMALL = facts_frame([
    ("2024-01", "KLF", "KS", "100", "4010", "kostnad", 1000),
    ("2024-01", "KLF", "KS", "100", "3010", "intakt", -300),
    ("2024-01", "KLF", "KS", "100", "4010", "kostnad", 50),  # duplicate key: summed
    ("2024-03", "KLF", None, "270", "4010", "kostnad", 200),
    ("2024-03", "KLF", "KLS", None, "3010", "intakt", -80),
])


def test_aggregate_months():
    expected = pl.DataFrame(
        [("KLF", "KLS", None, 3, -80, 0, 80), ("KLF", "KS", "100", 1, 750, 1050, 300),
         ("KLF", None, "270", 3, 200, 200, 0)],
        schema=MONTH_SCHEMA, orient="row",
    )
    assert_frame_equal(aggregate_months(SMALL), expected)


def test_views_fill_months_up_to_the_last_booked_month():
    result = views(SMALL)
    assert result.schema == pl.Schema(VIEW_SCHEMA)
    assert booked_through(SMALL) == 3
    got = {(r["vy"], r["nyckel"], r["manad"]): r["utfall"] for r in result.iter_rows(named=True)}
    assert got == {
        ("stab", "KLS", 1): 0, ("stab", "KLS", 2): 0, ("stab", "KLS", 3): -80,
        ("stab", "KS", 1): 750, ("stab", "KS", 2): 0, ("stab", "KS", 3): 0,
        ("ej_fordelat_stab", None, 1): 0, ("ej_fordelat_stab", None, 2): 0, ("ej_fordelat_stab", None, 3): 200,
        ("verksamhet", "100", 1): 750, ("verksamhet", "100", 2): 0, ("verksamhet", "100", 3): 0,
        ("verksamhet", "270", 1): 0, ("verksamhet", "270", 2): 0, ("verksamhet", "270", 3): 200,
        ("ej_fordelat_verksamhet", None, 1): 0, ("ej_fordelat_verksamhet", None, 2): 0,
        ("ej_fordelat_verksamhet", None, 3): -80,
    }
    row = result.filter(vy="stab", nyckel="KS", manad=1).row(0, named=True)
    assert (row["utfall_kostnader"], row["utfall_intakter"]) == (1050, 300)


def test_views_with_a_later_booked_month_and_empty_facts():
    assert views(SMALL, last_month=5).filter(vy="stab", nyckel="KS")["manad"].to_list() == [1, 2, 3, 4, 5]
    empty = views(SMALL.clear())
    assert empty.height == 0 and empty.schema == pl.Schema(VIEW_SCHEMA)


def test_fill_months_keeps_existing_rows():
    view = pl.DataFrame([("KLF", "stab", "KS", 2, 5, 5, 0)], schema=VIEW_SCHEMA, orient="row")
    filled = fill_months(view, 3)
    assert filled["manad"].to_list() == [1, 2, 3] and filled["utfall"].to_list() == [0, 5, 0]


def test_check_overlap_names_both_files():
    other = SMALL.filter(pl.col("manad") == 3)
    later = facts_frame([("2024-04", "KLF", "KS", "100", "4010", "kostnad", 1)])
    check_overlap([("jan.csv", SMALL.filter(pl.col("manad") == 1)), ("mar.csv", other), ("apr.csv", later)])
    with pytest.raises(DataError) as info:
        check_overlap([("a.csv", SMALL), ("b.parquet", later), ("c.csv", other)])
    assert info.value.message == ("c.csv: förvaltning KLF, period 2024-03 is also in a.csv; a förvaltning's month "
                                  "must come from one table: remove it from one of them")


def test_same_period_for_other_forvaltningar_is_fine():
    vss = facts_frame([("2024-01", "VSS", "IT", None, "4010", "kostnad", 1)])
    check_overlap([("klf.csv", SMALL), ("vss.csv", vss)])


# --- properties ----------------------------------------------------------------------------------

fact_rows = st.lists(
    st.tuples(
        st.integers(1, 12),
        st.sampled_from(["KLF", "VSS"]),
        st.sampled_from(["KS", "KLS", None]),
        st.sampled_from(["100", "270", None]),
        st.sampled_from(["3010", "4010"]),
        st.sampled_from(["kostnad", "intakt"]),
        st.integers(-(10**15), 10**15),
    ).filter(lambda r: r[2] is not None or r[3] is not None),
    max_size=40,
)


@given(fact_rows)
@settings(max_examples=150, deadline=None)
def test_both_views_total_the_same_per_forvaltning_and_month(rows):
    facts = facts_frame([(f"2024-{m:02d}", *rest) for m, *rest in rows])
    result = views(facts)
    totals = (
        result.with_columns(pl.col("vy").str.replace("ej_fordelat_", ""))
        .group_by("forvaltning", "manad")
        .agg((pl.col(c).filter(pl.col("vy") == v).sum().alias(f"{c}_{v}")
              for c in ("utfall", "utfall_kostnader", "utfall_intakter") for v in ("stab", "verksamhet")))
    )
    for c in ("utfall", "utfall_kostnader", "utfall_intakter"):
        assert (totals[f"{c}_stab"] == totals[f"{c}_verksamhet"]).all()
    assert (result["utfall"] == result["utfall_kostnader"] - result["utfall_intakter"]).all()
    months = aggregate_months(facts)
    assert (months["utfall"] == months["utfall_kostnader"] - months["utfall_intakter"]).all()
    assert result.filter(pl.col("vy").is_in(["stab", "ej_fordelat_stab"]))["utfall"].sum() == facts["belopp"].sum()
    if rows:  # every key has every month up to the last booked one
        last = max(m for m, *_ in rows)
        assert (result.group_by("forvaltning", "vy", "nyckel").len()["len"] == last).all()


@given(fact_rows)
@settings(max_examples=40, deadline=None)
def test_csv_round_trip(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("facts") / "utfall.csv"
    facts = facts_frame([(f"2024-{m:02d}", *rest) for m, *rest in rows])
    sign = pl.when(pl.col("belopp") < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    text = (sign + (pl.col("belopp").abs() // 100).cast(pl.String) + "."
            + (pl.col("belopp").abs() % 100).cast(pl.String).str.zfill(2))
    facts.drop("manad").with_columns(text.alias("belopp")).write_csv(path)
    shared = Known(2024, {"KLF": {"KS", "KLS"}, "VSS": {"KS", "KLS"}}, {"100", "270"})  # a stab id in both
    assert_frame_equal(read_facts(path, shared), facts)


def test_benchmark_generator_writes_tables_the_reader_accepts(tmp_path):
    spec = importlib.util.spec_from_file_location("facts_data", Path(__file__).parents[1] / "benchmarks" / "facts_data.py")
    facts_data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(facts_data)
    facts_data.write(tmp_path, rows=5000, year=2024, seed=8)
    ids = json.loads((tmp_path / "ids.json").read_text(encoding="utf-8"))
    known = Known(ids["ar"], {f: set(s) for f, s in ids["forvaltningar"].items()}, set(ids["verksamheter"]))
    from_csv = read_facts(tmp_path / "utfall.csv", known)
    assert from_csv.height == 5000
    assert_frame_equal(read_facts(tmp_path / "utfall.parquet", known), from_csv)
    assert from_csv["stab"].null_count() > 0 and from_csv["verksamhet"].null_count() > 0
    assert (from_csv.filter(slag="intakt")["belopp"] <= 0).all() and (from_csv.filter(slag="kostnad")["belopp"] > 0).all()


def test_a_fact_table_with_lone_cr_line_ends_says_so(run, tmp_path):
    """Found in review: a table saved with old Mac line ends (CR alone) was read as one line, and the
    error said that an account appeared twice in the header."""
    import shutil

    d = tmp_path / "b"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "sie" / "budgets", d)
    table = d / "utfall-2024.csv"
    table.write_bytes(table.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    result = run("deviation", "--budgets", d)
    assert result.exit_code == 3
    assert "utfall-2024.csv:1: the lines end with a carriage return alone (an old Mac format)" in result.stderr
