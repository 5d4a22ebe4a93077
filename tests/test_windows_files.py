"""Files as an ekonom on Windows has them (h120): saved by Notepad and by Excel, exported by an
ekonomisystem on Windows. Each is read to the öre, or refused with one line that says how to save it."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from conftest import ROOT, _invoke

MAPPING = """\
forvaltning: ADM
konton: {"1": ignorera, "2": ignorera, "3": intakt, "4": kostnad, "5": kostnad}
stab:
  kolumn: Ansvar
  objekt:
    "0100": EKO
    "2000": HR
kolumner:
  konto: Konto
  period: Period
  belopp: Belopp
"""


run = _invoke  # (the CLI in-process; an exception is not caught, so no traceback passes unseen)


def facts(path: Path) -> list[tuple]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [(r["period"], r["stab"], r["konto"], r["belopp"]) for r in csv.DictReader(fh)]


def export(tmp_path: Path, body: bytes, mapping: bytes = MAPPING.encode(), *extra: str):
    (tmp_path / "map.yaml").write_bytes(mapping)
    (tmp_path / "export.csv").write_bytes(body)
    return run("import", "csv", tmp_path / "export.csv", "-m", tmp_path / "map.yaml", "-o", tmp_path / "out.csv",
               *extra)


def test_a_ctrl_z_at_the_end_of_an_export_a_mapping_or_a_year_file_is_read_as_its_end(tmp_path: Path):
    """A DOS end-of-file mark (Ctrl-Z, 0x1A), which no editor shows, ended an export's last amount ('it ends in
    '\\x1a', a unit kfollow does not read'), made a row of its own after a last line break ('row has 1 fields but
    the header has 4; the export may be cut off'), and was refused as a control character at the end of a year file
    or mapping; it ends the file."""
    body = "Period;Konto;Ansvar;Belopp\r\n2024-03;5010;0100;1 234,50\r\n2024-03;4010;2000;-10,00".encode("cp1252")
    for tail in (b"\x1a", b"\r\n\x1a"):
        result = export(tmp_path, body + tail, MAPPING.replace("\n", "\r\n").encode() + b"\x1a")
        assert result.exit_code == 0, result.stderr
        assert facts(tmp_path / "out.csv") == [("2024-03", "EKO", "5010", "1234.50"), ("2024-03", "HR", "4010", "-10.00")]
    budgets = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "budgets", budgets)
    year = budgets / "2024.yaml"
    year.write_bytes(year.read_bytes().replace(b"\n", b"\r\n") + b"\x1a")
    result = run("deviation", "--budgets", budgets, "--period", "2024-10", "--by", "forvaltning", "-f", "csv",
                 "--exact", "--unit", "kr")
    assert result.exit_code == 0, result.stderr
    assert "summa,Summa,Summa,nettokostnad,135133333.34,136118800," in result.stdout
    # only at the end: elsewhere it is a control character, as before
    year.write_bytes(year.read_bytes().replace(b"ar: 2024", b"ar: 2024\x1a"))
    result = run("deviation", "--budgets", budgets, "--year", "2024")
    assert result.exit_code == 3
    assert "2024.yaml:3:9: a control character (U+001A) is not allowed" in result.stderr, result.stderr


def test_excel_s_text_cells_keep_their_leading_zeros(tmp_path: Path):
    """Excel writes a code it must keep as text, with its leading zeros, as `="0100"` (and so do ekonomisystem's
    reports for Excel): the account was refused ('account '="5010"' is not an account number') and the object was
    one the mapping lacks; each is its text."""
    body = ('Period;Konto;Ansvar;Belopp\r\n2024-03;="5010";="0100";1\u00a0234,50\r\n'
            '2024-03;5010;="2000";(1 234,50)\r\n2024-03;="4010"; ="0100" ;="12,00"\r\n').encode("cp1252")
    result = export(tmp_path, body)
    assert result.exit_code == 0, result.stderr
    assert facts(tmp_path / "out.csv") == [("2024-03", "EKO", "4010", "12.00"), ("2024-03", "EKO", "5010", "1234.50"),
                                           ("2024-03", "HR", "5010", "-1234.50")]
    # a formula is no text: refused as before
    result = export(tmp_path, body + b'2024-03;=5010;0100;1,00\r\n')
    assert result.exit_code == 3
    assert "export.csv:5:2: account '=5010' is not an account number" in result.stderr, result.stderr


def test_a_date_written_day_first_with_dots_is_its_month(tmp_path: Path):
    """`31.03.2024` (a date as Excel and ekonomisystem write it under a Finnish, German or Norwegian setting, and
    many Swedish reports) was refused: 'Period '31.03.2024' is not a period'. Day, month and year by dots are one
    date only; it is booked in its month, and a day the month lacks is said as of a date YYYY-MM-DD."""
    body = b"Period;Konto;Ansvar;Belopp\r\n31.03.2024;5010;0100;1 234,50\r\n01.04.2024;5010;0100;1,00\r\n"
    result = export(tmp_path, body)
    assert result.exit_code == 0, result.stderr
    assert facts(tmp_path / "out.csv") == [("2024-03", "EKO", "5010", "1234.50"), ("2024-04", "EKO", "5010", "1.00")]
    result = export(tmp_path, body + b"30.02.2024;5010;0100;1,00\r\n")
    assert result.exit_code == 3
    assert ("export.csv:4:1: Period '30.02.2024' is no date: 2024-02 has no day 30 (its last is 29); correct the date "
            "in the export") in result.stderr, result.stderr


def test_a_date_by_dots_with_excel_s_midnight_is_its_month(tmp_path: Path):
    """`31.03.2024 00:00` and `1.3.2024 0:00` (Excel's date and time of a date cell, saved under a Finnish or German
    setting) were 'not a period; write YYYYMM, YYYY-MM or a date YYYY-MM-DD', where `2024-03-31 00:00:00` is read and
    `31.03.2024` too (found in review, h125): the date is its month; another time is refused, told of the dots."""
    body = (b"Period;Konto;Ansvar;Belopp\r\n31.03.2024 00:00;5010;0100;1 234,50\r\n1.3.2024 0:00;5010;0100;0,01\r\n"
            b"15.04.2024 00:00:00;5010;0100;1,00\r\n")
    result = export(tmp_path, body)
    assert result.exit_code == 0, result.stderr
    assert facts(tmp_path / "out.csv") == [("2024-03", "EKO", "5010", "1234.51"), ("2024-04", "EKO", "5010", "1.00")]
    result = export(tmp_path, body + b"31.03.2024 13:45;5010;0100;1,00\r\n")
    assert result.exit_code == 3
    # another time is told as of a date written year first (it was only 'is not a period; write YYYYMM, …')
    assert ("export.csv:5:1: Period '31.03.2024 13:45' is a date with the time 13:45, which kfollow reads only at "
            "midnight without a time zone (Excel's 31.03.2024 00:00): another may be a date moved by a time zone, into "
            "another day and month; export the date alone (31.03.2024) or the period (YYYYMM)") in result.stderr, \
        result.stderr
    result = export(tmp_path, body + b"31.03.2024 13;5010;0100;1,00\r\n")
    assert ("export.csv:5:1: Period '31.03.2024 13' is not a period; write YYYYMM, YYYY-MM or a date YYYY-MM-DD, "
            "e.g. 202403, or a date DD.MM.YYYY (31.03.2024; a time only at midnight, 00:00)") in result.stderr, result.stderr


def test_excel_s_hashes_of_a_narrow_column_and_a_dash_in_parentheses_are_said(tmp_path: Path):
    """A CSV saved from Excel with a column too narrow for its values holds what Excel showed, `########`: it was
    'not a period' and 'not an amount', nothing said of Excel; and `(-)` was told 'write () or -' (found in review,
    h125)."""
    narrow = "is how Excel shows a value too wide for its column, and the file was saved so; widen the column in Excel"
    result = export(tmp_path, b"Period;Konto;Ansvar;Belopp\r\n2024-03;5010;0100;########\r\n")
    assert result.exit_code == 3 and f"export.csv:2:4: Belopp '########' {narrow}" in result.stderr, result.stderr
    result = export(tmp_path, b"Period;Konto;Ansvar;Belopp\r\n#######;5010;0100;1,00\r\n")
    assert result.exit_code == 3 and f"export.csv:2:1: Period '#######' {narrow}" in result.stderr, result.stderr
    result = export(tmp_path, b"Period;Konto;Ansvar;Belopp\r\n2024-03;5010;0100;(-)\r\n")
    assert result.exit_code == 3
    assert ("export.csv:2:4: Belopp '(-)' is not an amount; it has no number; write the amount, or 0 (a dash alone is "
            "read as 0)") in result.stderr, result.stderr


def test_excel_s_hashes_in_an_account_or_object_column_are_said_as_excel_s_too(tmp_path: Path):
    """An account or object code is a number to Excel (5010, 0100 saved as 100), shown `####` in a column too narrow
    for it: it was 'account '####' is not an account number … correct it in the ekonomisystem' and 'objects that the
    mapping lacks: stab (column Ansvar): ###', where a period or an amount of hashes is said as Excel's (found in
    review, h126)."""
    narrow = "is how Excel shows a value too wide for its column, and the file was saved so; widen the column in Excel"
    result = export(tmp_path, b"Period;Konto;Ansvar;Belopp\r\n2024-03;5010;0100;1,00\r\n2024-03;####;0100;1,00\r\n")
    assert result.exit_code == 3 and f"export.csv:3:2: Konto '####' {narrow}" in result.stderr, result.stderr
    result = export(tmp_path, b"Period;Konto;Ansvar;Belopp\r\n2024-03;5010; ### ;1,00\r\n")
    assert result.exit_code == 3 and f"export.csv:2:3: Ansvar '###' {narrow}" in result.stderr, result.stderr
    # a column narrower still shows one hash (it was 'account '#' is not an account number')
    result = export(tmp_path, b"Period;Konto;Ansvar;Belopp\r\n2024-03;#;0100;1,00\r\n")
    assert result.exit_code == 3 and f"export.csv:2:2: Konto '#' {narrow}" in result.stderr, result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_a_header_repeated_at_a_page_break_is_said_as_one(tmp_path: Path):
    """An export printed page by page repeats its header on each page: the second `Period;Konto;…` line was told
    'Period 'Period' is not a period; write YYYYMM …' (found by an ekonom on Windows, h120)."""
    body = (b"Period;Konto;Ansvar;Belopp\r\n2024-03;5010;0100;1,00\r\nPeriod;Konto;Ansvar;Belopp\r\n"
            b"2024-04;5010;0100;2,00\r\n")
    result = export(tmp_path, body)
    assert result.exit_code == 3
    assert ("export.csv:3: the line repeats the header (as a report does on each of its pages); delete it, or export "
            "the rows without page breaks") in result.stderr, result.stderr
    # a period that merely says Period, in a row of figures, is no header
    result = export(tmp_path, b"Period;Konto;Ansvar;Belopp\r\nPeriod;5010;0100;1,00\r\n")
    assert result.exit_code == 3 and "export.csv:2:1: Period 'Period' is not a period" in result.stderr, result.stderr


def test_a_repeated_header_with_a_column_named_summa_is_said_as_the_header(tmp_path: Path):
    """An export whose amount column is headed `Summa` (or `Totalt`), its header repeated at a page break, was told
    'Period 'Period', in a row that says 'Summa': a total row? … leave the total out', as if the header were the
    export's total row (found in review, h126)."""
    body = (b"Period;Konto;Ansvar;Summa\r\n2024-03;5010;0100;1,00\r\nPeriod;Konto;Ansvar;Summa\r\n"
            b"2024-04;5010;0100;2,00\r\n")
    result = export(tmp_path, body, MAPPING.replace("belopp: Belopp", "belopp: Summa").encode())
    assert result.exit_code == 3
    assert ("export.csv:3: the line repeats the header (as a report does on each of its pages); delete it, or export "
            "the rows without page breaks") in result.stderr, result.stderr
    # a total row is said as one still
    result = export(tmp_path, b"Period;Konto;Ansvar;Summa\r\n2024-03;5010;0100;1,00\r\nSumma;;;1,00\r\n",
                    MAPPING.replace("belopp: Belopp", "belopp: Summa").encode())
    assert result.exit_code == 3 and "export.csv:3:1: Period 'Summa': a total row?" in result.stderr, result.stderr


def test_a_date_written_day_first_without_leading_zeros_is_its_month(tmp_path: Path):
    """`1.3.2024`, a date as Excel writes it under a Finnish setting (d.m.yyyy, its default) and as many ekonomisystem
    write it, was refused ('Period '1.3.2024' is not a period'), where `01.03.2024` was booked in March (found in
    review, h125); a day or month of one digit is that day or month, and a day the month lacks is said as before."""
    body = (b"Period;Konto;Ansvar;Belopp\r\n1.3.2024;5010;0100;1 234,50\r\n31.3.2024;5010;0100;0,01\r\n"
            b"9.12.2024;4010;2000;-10,00\r\n15.04.2024;5010;0100;1,00\r\n")
    result = export(tmp_path, body)
    assert result.exit_code == 0, result.stderr
    assert facts(tmp_path / "out.csv") == [("2024-03", "EKO", "5010", "1234.51"), ("2024-04", "EKO", "5010", "1.00"),
                                           ("2024-12", "HR", "4010", "-10.00")]
    result = export(tmp_path, body + b"30.2.2024;5010;0100;1,00\r\n")
    assert result.exit_code == 3
    assert ("export.csv:6:1: Period '30.2.2024' is no date: 2024-02 has no day 30 (its last is 29); correct the date "
            "in the export") in result.stderr, result.stderr
    # three digits of a day, or a month of none, are no date
    result = export(tmp_path, b"Period;Konto;Ansvar;Belopp\r\n101.3.2024;5010;0100;1,00\r\n")
    assert result.exit_code == 3 and "Period '101.3.2024' is not a period" in result.stderr, result.stderr


def test_a_table_s_path_written_with_backslashes_is_told_to_use_slashes(tmp_path: Path):
    """`utfall_fil: Utfall\\utfall-2024.csv`, a path as Windows' Explorer copies it, was told 'does not exist …; give a
    path relative to the year file', which it is; in double quotes it was 'found unknown escape character'. Each
    says to write / between folders, which Windows reads too."""
    budgets = tmp_path / "Budget 2024"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", budgets)
    (budgets / "Utfall & budget").mkdir()
    for name in ("utfall-2024.csv", "utfall-2024.csv.kalla.json"):
        (budgets / name).rename(budgets / "Utfall & budget" / name.replace("utfall", "Kultur & fritid"))
    year = budgets / "2024.yaml"
    text = year.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("utfall_fil:"))

    def deviation(path: str):
        year.write_text(text.replace("utfall_fil: utfall-2024.csv", f"utfall_fil: {path}"), encoding="utf-8")
        return run("deviation", "--budgets", budgets, "--period", "2024-10", "--by", "forvaltning", "-f", "csv",
                   "--exact", "--unit", "kr")

    result = deviation("Utfall & budget/Kultur & fritid-2024.csv")
    assert result.exit_code == 0, result.stderr
    assert "summa,Summa,Summa,nettokostnad,135133333.34,136118800," in result.stdout
    result = deviation("Utfall & budget\\Kultur & fritid-2024.csv")
    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: {year}:{line}:13: utfall_fil 'Utfall & budget\\Kultur & fritid-2024.csv' does not exist (looked for "
        f"{budgets}/Utfall & budget\\Kultur & fritid-2024.csv); write / between folders, which Windows reads too: "
        "utfall_fil: Utfall & budget/Kultur & fritid-2024.csv (that file exists)\n")
    result = deviation("C:\\Budget\\utfall.csv")
    assert result.exit_code == 4
    assert "it is a path on a Windows drive or share; give the path relative to the year file, with / between " \
        "folders (Windows reads / too)\n" in result.stderr, result.stderr
    result = deviation('"Utfall & budget\\Kultur & fritid-2024.csv"')
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {year}:{line}:29: invalid YAML: a \\ inside double quotes begins an escape (\\n, "
                             "\\t), and this one is none; write a path with / between folders (Windows reads / too), "
                             "or put the value in single quotes\n")


def test_a_fact_table_saved_again_by_excel_is_told_to_be_imported_again(tmp_path: Path):
    """utfall-2024.csv opened in Excel and saved ('CSV (semikolonavgränsad)') was told 'the file seems separated by
    semicolons: save it comma separated', which Swedish Excel's CSV does not do, and Excel has changed its periods
    and codes besides: it says to import the table again."""
    budgets = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", budgets)
    table = budgets / "utfall-2024.csv"
    rows = [line.split(",") for line in table.read_text(encoding="utf-8").splitlines()]
    table.write_bytes("\r\n".join(";".join(r[:-1] + [r[-1].replace(".", ",")]) for r in rows).encode("cp1252"))
    result = run("deviation", "--budgets", budgets, "--period", "2024-10")
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: {table}:1:1: the table is separated by semicolons, as Excel saves a CSV: a fact table is read as "
        "kfollow import writes it (commas, decimal point), and Excel also changes periods (2024-01 to jan-24) and "
        "codes (0100 to 100); import it again from the export (kfollow import) instead of saving it in Excel\n")


def _named(tmp_path: Path, rows: str):
    """An export of `rows` under the header Period;Konto;Kontonamn;Ansvar;Belopp imported with `kontonamn` mapped:
    the result and the note written (its `konton`)."""
    mapping = MAPPING.replace("  belopp: Belopp\n", "  belopp: Belopp\n  kontonamn: Kontonamn\n")
    result = export(tmp_path, ("Period;Konto;Kontonamn;Ansvar;Belopp\r\n" + rows).encode("utf-8"), mapping.encode())
    assert result.exit_code == 0, result.stderr
    return result, json.loads((tmp_path / "out.csv.kalla.json").read_text(encoding="utf-8"))


def test_an_account_name_of_several_lines_is_one_line(tmp_path: Path):
    """A name typed over two lines in an Excel cell (Alt+Enter), quoted over two lines in the CSV, was noted as
    'Löner��mars', its line break replaced by U+FFFD, with a warning of control characters; its breaks are spaces."""
    result, note = _named(tmp_path, '2024-03;5010;"Löner\r\nmars";0100;1,00\r\n2024-03;4010;"\r\nInköp\tkontor  \r\n";'
                                    '0100;2,00\r\n2024-03;3010;"Avgift\u202e";0100;-3,00\r\n')
    assert note["konton"] == {"3010": "Avgift\ufffd", "4010": "Inköp kontor", "5010": "Löner mars"}
    # a control character is still replaced, and said
    assert [line for line in result.stderr.splitlines() if "control characters" in line] == [
        f"warning: {tmp_path / 'export.csv'}:7:3: name 'Avgift\ufffd' of account 3010 had control characters; "
        "replaced by U+FFFD"]


def test_an_excel_error_value_in_the_account_name_column_is_no_name(tmp_path: Path):
    """A `Kontonamn` column filled by a VLOOKUP that found no name holds `#SAKNAS!` (or `#N/A`, or `###` in a narrow
    column): it was noted as the account's name and shown in every table by account, '5010 - #SAKNAS!' (found in
    review, session 32). It is left out, with a warning naming the first; the account takes another row's name."""
    result, note = _named(tmp_path, "2024-03;5010;#SAKNAS!;0100;1,00\r\n2024-03;5010;Löner;2000;1,00\r\n2024-03;4010;#N/A;"
                                    "0100;2,00\r\n2024-03;3010;###;0100;-3,00\r\n2024-03;5410;#Konsult;0100;4,00\r\n")
    assert note["konton"] == {"5010": "Löner", "5410": "#Konsult"}  # (a name that only starts with # is a name)
    assert [line for line in result.stderr.splitlines() if "Excel" in line] == [
        f"warning: {tmp_path / 'export.csv'}:2:3: name '#SAKNAS!' of account 5010 is an error value of a formula in "
        "Excel (or a column too narrow), not a name (and 2 more); left out (the account takes another row's name, or "
        "none): correct the workbook's formula and export again for its name"]


def test_a_year_file_or_mapping_saved_as_ansi_or_unicode_is_told_how_to_save_it(tmp_path: Path):
    """Notepad's "ANSI" (Windows-1252) and "Unicode" (UTF-16) were told 'save the file as UTF-8', which Notepad calls
    neither; the message says where Notepad chooses it. The figures are not guessed from another encoding."""
    budgets = tmp_path / "budgets"
    budgets.mkdir()
    text = (ROOT / "examples" / "budgets" / "2024.yaml").read_text(encoding="utf-8").replace("\n", "\r\n")
    (budgets / "2024.yaml").write_bytes(text.encode("cp1252"))
    result = run("deviation", "--budgets", budgets, "--year", "2024")
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {budgets / '2024.yaml'}:1:22: byte 0xc5 is not UTF-8 (Latin-1 or Windows-1252?); "
                             "save the file as UTF-8 (in Notepad: Arkiv, Spara som, Kodning UTF-8, not ANSI)\n")
    result = export(tmp_path, b"Period;Konto;Ansvar;Belopp\r\n2024-03;5010;0100;1,00\r\n",
                    MAPPING.replace("\n", "\r\n").encode("utf-16"))
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {tmp_path / 'map.yaml'}:1:1: file is UTF-16; save it as UTF-8 (in Notepad: Arkiv, "
                             "Spara som, Kodning UTF-8, not Unicode or UTF-16 LE)\n")


def test_a_report_open_in_excel_is_not_replaced_under_it(tmp_path: Path):
    """`report -o rapport.xlsx` while rapport.xlsx was open in Excel on a shared folder replaced it without a word
    (Excel, saving it afterwards, put the old figures back); the lock file Excel keeps beside it (`~$rapport.xlsx`)
    says that it is open: nothing is written (exit 4). Word drops one or two of the name's letters."""
    budgets = ROOT / "examples" / "budgets"
    report = tmp_path / "rapport.xlsx"
    report.write_bytes(b"old")
    (tmp_path / "~$rapport.xlsx").write_bytes(b"\x0bkontrollant")
    result = run("report", "--budgets", budgets, "--year", "2024", "-o", report)
    assert result.exit_code == 4
    assert result.stderr.endswith(
        f"Error: {report} is open in Excel or Word (its lock file ~$rapport.xlsx is beside it); nothing written: close "
        "it and run again, or write it elsewhere (a lock file that a program which crashed left may be deleted)\n")
    assert report.read_bytes() == b"old"
    (tmp_path / "~$rapport.xlsx").unlink()
    result = run("report", "--budgets", budgets, "--year", "2024", "-o", report)
    assert result.exit_code == 0, result.stderr
    assert report.read_bytes()[:2] == b"PK"
    # a table open in Excel, and a document open in Word
    table = tmp_path / "avvikelse.csv"
    table.write_text("old", encoding="utf-8")
    (tmp_path / "~$avvikelse.csv").write_bytes(b"x")
    result = run("deviation", "--budgets", budgets, "--year", "2024", "-o", table)
    assert result.exit_code == 4 and "its lock file ~$avvikelse.csv is beside it" in result.stderr, result.stderr
    document = tmp_path / "Rapport 2024.docx"
    document.write_bytes(b"old")
    (tmp_path / "~$pport 2024.docx").write_bytes(b"x")
    result = run("report", "--budgets", budgets, "--year", "2024", "-o", document)
    assert result.exit_code == 4 and "its lock file ~$pport 2024.docx is beside it" in result.stderr, result.stderr
    assert table.read_text(encoding="utf-8") == "old" and document.read_bytes() == b"old"
    # another document's lock is no lock of this one: `~$rtial.docx` is Word's of rtial.docx, not of Tertial.docx
    # (Word cuts one letter of a name of 7, two of a longer one; found in review, h125)
    (tmp_path / "~$pport 2024.docx").unlink()
    tertial = tmp_path / "Tertial.docx"
    tertial.write_bytes(b"old")
    (tmp_path / "~$rtial.docx").write_bytes(b"x")
    assert run("report", "--budgets", budgets, "--year", "2024", "-o", document).exit_code == 0
    assert run("report", "--budgets", budgets, "--year", "2024", "-o", tertial).exit_code == 0
    (tmp_path / "~$Tertial.docx").write_bytes(b"x")  # XXTertial.docx's (Word cuts two letters of a name of 9)
    assert run("report", "--budgets", budgets, "--year", "2024", "-o", tertial).exit_code == 0
    (tmp_path / "~$ertial.docx").write_bytes(b"x")  # Tertial.docx's own, open in Word
    result = run("report", "--budgets", budgets, "--year", "2024", "-o", tertial)
    assert result.exit_code == 4 and "its lock file ~$ertial.docx is beside it" in result.stderr, result.stderr


def test_a_year_file_saved_with_txt_added_is_named(tmp_path: Path):
    """Notepad saves `2024.yaml` as `2024.yaml.txt` where the type is Textdokument, and Explorer hides the .txt: the
    folder was 'no year files (YYYY.yaml) in the directory; add one per year, e.g. …/2024.yaml', which it shows;
    `2023.yaml.txt` beside a year file was skipped without a word. Each is named, with what to rename it."""
    budgets = tmp_path / "Budget 2024"
    budgets.mkdir()
    shutil.copy(ROOT / "examples" / "budgets" / "2024.yaml", budgets / "2024.yaml.txt")
    result = run("deviation", "--budgets", budgets, "--year", "2024")
    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: {budgets}: no year files (YYYY.yaml) in the directory; {budgets}/2024.yaml.txt is not read: a year "
        "file is named 2024.yaml (Notepad adds .txt to a file saved as Textdokument, and Explorer hides it); rename it "
        "2024.yaml\n")
    (budgets / "2024.yaml.txt").rename(budgets / "2024.yaml")
    shutil.copy(ROOT / "examples" / "budgets" / "2023.yaml", budgets / "2023.YAML")
    result = run("check", "--budgets", budgets)
    assert result.exit_code == 0, result.stderr
    assert f"note: {budgets}/2023.YAML is not read: a year file is named 2023.yaml; rename it 2023.yaml\n" \
        in result.stderr, result.stderr


def test_an_input_saved_with_txt_added_is_named(tmp_path: Path):
    """A mapping, an export or a table saved by Notepad as Textdokument is `mappning.yaml.txt`, which Explorer shows as
    mappning.yaml: it was 'cannot read mapping (no such file); check the path' of the name she sees."""
    body = b"Period;Konto;Ansvar;Belopp\r\n2024-03;5010;0100;1,00\r\n"
    (tmp_path / "mappning.yaml.txt").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "export.csv").write_bytes(body)
    result = run("import", "csv", tmp_path / "export.csv", "-m", tmp_path / "mappning.yaml", "-o", tmp_path / "out.csv")
    assert result.exit_code == 4
    assert result.stderr == (f"Error: {tmp_path / 'mappning.yaml'}: cannot read mapping (no such file, but there is "
                             "mappning.yaml.txt: Notepad adds .txt to a file saved as Textdokument, and Explorer hides "
                             "it); rename it mappning.yaml\n")
    (tmp_path / "mappning.yaml.txt").rename(tmp_path / "mappning.yaml")
    (tmp_path / "export.csv").rename(tmp_path / "export.csv.txt")
    result = run("import", "csv", tmp_path / "export.csv", "-m", tmp_path / "mappning.yaml", "-o", tmp_path / "out.csv")
    assert result.exit_code == 4
    assert "export.csv: cannot read CSV export (no such file, but there is export.csv.txt: " in result.stderr
    result = run("import", "csv", tmp_path / "other.csv", "-m", tmp_path / "mappning.yaml", "-o", tmp_path / "out.csv")
    assert result.exit_code == 4
    assert result.stderr == f"Error: {tmp_path / 'other.csv'}: cannot read CSV export (no such file); check the path\n"
    budgets = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", budgets)
    (budgets / "utfall-2024.csv").rename(budgets / "utfall-2024.csv.txt")
    result = run("deviation", "--budgets", budgets, "--period", "2024-10")
    assert result.exit_code == 4
    assert result.stderr.endswith(
        f"utfall_fil 'utfall-2024.csv' does not exist (looked for {budgets}/utfall-2024.csv); there is "
        "utfall-2024.csv.txt: Notepad adds .txt to a file saved as Textdokument, and Explorer hides it; rename it "
        "utfall-2024.csv\n"), result.stderr


def test_amounts_in_excel_s_accounting_format(tmp_path: Path):
    """Excel's accounting format (Redovisning), saved as CSV, writes 0 as a dash (`-`, `- kr`) and may put the unit
    inside a negative's parentheses (`(1 234,50 kr)`): the dash was refused as no amount, and the parentheses were
    told 'it ends in 'kr', a unit kfollow does not read', which kfollow reads. A dash alone is 0, the unit is read
    inside the parentheses as outside them."""
    body = ("Period;Konto;Ansvar;Belopp\r\n2024-03;5010;0100; 1\u00a0234,50 kr \r\n2024-03;5010;0100;(1\u00a0000,25 kr)\r\n"
            "2024-03;5010;0100; -   kr \r\n2024-03;4010;0100;-\r\n2024-03;4010;0100;(2,00) SEK\r\n"
            "2024-03;4010;0100;\u2013\r\n2024-03;4010;0100;7,00\r\n").encode("cp1252")
    result = export(tmp_path, body)
    assert result.exit_code == 0, result.stderr
    assert facts(tmp_path / "out.csv") == [("2024-03", "EKO", "4010", "5.00"), ("2024-03", "EKO", "5010", "234.25")]
    # a minus inside the parentheses is refused, with what is wrong
    result = export(tmp_path, body + "2024-03;4010;0100;(-1,00 kr)\r\n".encode("cp1252"))
    assert result.exit_code == 3
    assert "export.csv:9:4: Belopp '(-1,00 kr)' is not an amount; a negative in parentheses has no minus; write (1,00) " \
        "or -1,00\n" in result.stderr, result.stderr
    result = export(tmp_path, body + b"2024-03;4010;0100;--\r\n")
    assert result.exit_code == 3 and "export.csv:9:4: Belopp '--' is not an amount" in result.stderr, result.stderr


def test_an_error_value_of_an_excel_formula_is_said_as_one(tmp_path: Path):
    """A CSV saved from a workbook whose formula failed holds its error value (#SAKNAS!, #VÄRDEFEL!, #REF!): it was
    told 'Period '#SAKNAS!' is not a period; write YYYYMM …', 'account '#REFERENS!' is not an account number', or an
    object the mapping lacks; it is said as what it is, at its cell, with what to correct."""
    head = "Period;Konto;Kontonamn;Ansvar;Belopp\r\n2024-03;5010;#SAKNAS!;0100;1,00\r\n"
    mapping = MAPPING.replace("  belopp: Belopp\n", "  belopp: Belopp\n  kontonamn: Kontonamn\n").encode()
    for row, where in (("#SAKNAS!;5010;x;0100;1,00", "3:1: Period '#SAKNAS!'"),
                       ("2024-03;#REF!;x;0100;1,00", "3:2: Konto '#REF!'"),
                       ("2024-03;5010;x;#SAKNAS!;1,00", "3:4: Ansvar '#SAKNAS!'"),
                       ("2024-03;5010;x;0100;#VÄRDEFEL!", "3:5: Belopp '#VÄRDEFEL!'")):
        result = export(tmp_path, (head + row + "\r\n").encode("cp1252"), mapping)
        assert result.exit_code == 3
        assert result.stderr == (f"Error: {tmp_path / 'export.csv'}:{where} is an error value of a formula in Excel, "
                                 "not a value; correct the formula in the workbook (or the cells it reads) and save "
                                 "the CSV again\n")
    # in a name, it is the name (names change no figure); a code with # is looked up as before
    result = export(tmp_path, head.encode("cp1252"), mapping)
    assert result.exit_code == 0, result.stderr
    assert facts(tmp_path / "out.csv") == [("2024-03", "EKO", "5010", "1.00")]


def test_a_code_whose_leading_zeros_excel_dropped_is_said_so(tmp_path: Path):
    """An export opened in Excel and saved again has its codes as numbers, 0100 as 100: it was an object the mapping
    lacks, with nothing said of the 0100 the mapping has; the list says so, and what to do."""
    result = export(tmp_path, b"Period;Konto;Ansvar;Belopp\r\n2024-03;5010;100;1 234,50\r\n2024-03;5010;2000;1,00\r\n")
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: {tmp_path / 'map.yaml'}:5:3: {tmp_path / 'export.csv'} has objects that the mapping lacks: stab (column "
        f"Ansvar): 100 (1 row, 1 234,50 kr, first at {tmp_path / 'export.csv'}:2; the mapping has 0100: Excel drops the "
        "leading zeros of a code it takes for a number when it saves a CSV; import the ekonomisystem's export as it is, "
        "or open it in Excel with that column as text (Data, Från text/CSV)); add them under objekt (or a range), or "
        "pass --unmapped-empty to import them under an empty key (ej fördelat)\n")
    # a code of no object of the mapping, with or without zeros, is listed as before
    result = export(tmp_path, b"Period;Konto;Ansvar;Belopp\r\n2024-03;5010;300;1,00\r\n")
    assert result.exit_code == 3 and "Ansvar): 300 (1 row, 1,00 kr, first at" in result.stderr, result.stderr
    assert "leading zeros" not in result.stderr


def test_a_workbook_given_for_a_csv_export_or_an_xls_form_is_said_to_be_one(tmp_path: Path):
    """`import csv huvudbok.xlsx` (the workbook, not the CSV saved from it) was told 'byte 0x8d is neither UTF-8 nor
    Windows-1252; export the file as UTF-8', and an .xls 'the header line has a single column'; an answered form
    saved as Excel 97-2003 was 'not an xlsx workbook (not a zip file)'. Each says what the file is, and how to save it."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Period", "Konto", "Ansvar", "Belopp"])
    book.save(tmp_path / "huvudbok.xlsx")
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "huvudbok.xls").write_bytes(xls)
    for export_, kind in (("huvudbok.xlsx", "an Excel workbook"), ("huvudbok.xls", "an Excel 97-2003 workbook")):
        result = run("import", "csv", tmp_path / export_, "-m", tmp_path / "map.yaml", "-o", tmp_path / "out.csv")
        assert result.exit_code == 3
        assert result.stderr == (f"Error: {tmp_path / export_}:1:1: the file is {kind}, not CSV text; save it as CSV "
                                 "(in Excel: Spara som, CSV UTF-8 or CSV (semikolonavgränsad)) and import that\n")
    budgets = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "budgets", budgets)
    (tmp_path / "2024-09 EKO Ekonomistab.xls").write_bytes(xls)
    result = run("collect", "--budgets", budgets, tmp_path / "2024-09 EKO Ekonomistab.xls")
    assert result.exit_code == 3
    assert result.stderr == (f"Error: {tmp_path / '2024-09 EKO Ekonomistab.xls'}: is an Excel 97-2003 workbook (.xls), "
                             "not an xlsx workbook; save it in Excel as Excel-arbetsbok (.xlsx) and collect that\n")


def test_a_no_break_space_where_yaml_needs_a_space_is_named(tmp_path: Path):
    """A line pasted from Word, Outlook or a web page brings no-break spaces (U+00A0): in the indentation the year
    file was told 'a ':' where no key can start' on the line after, and after a key's ':' 'this key has no ':'
    after it', of a key that has one. The no-break space is named at its place."""
    budgets = tmp_path / "budgets"
    budgets.mkdir()
    text = (ROOT / "examples" / "budgets" / "2024.yaml").read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row == "        namn: Ekonomistab")
    said = ("invalid YAML: a no-break space (U+00A0), which YAML does not read as a space (copied from Word, Outlook or "
            "a web page?); type an ordinary space instead\n")
    for old, new, where in (("        namn: Ekonomistab", "\u00a0       namn: Ekonomistab", f"{line}:1"),
                            ("        budget: 18500.0", "        budget:\u00a018500.0", f"{line + 1}:16")):
        (budgets / "2024.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
        result = run("deviation", "--budgets", budgets, "--year", "2024")
        assert result.exit_code == 3
        assert result.stderr == f"Error: {budgets / '2024.yaml'}:{where}: {said}"
