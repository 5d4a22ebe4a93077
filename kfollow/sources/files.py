"""Opening an input: only a regular file (after following links), and not beyond a size limit.

A FIFO, a device (`/dev/zero`), a directory or a symlink loop is refused before anything is read
(the file is opened without blocking and checked on its descriptor), so kfollow never hangs on a
pipe nor fills memory from a device. Every message is one line naming the file and what to do.
A large file is read whole (`read_bytes`) or a block at a time (`open_file`, `OpenFile.blocks`);
where a file expands (Parquet), its rows are limited too (FACT_ROW_LIMIT).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kfollow.errors import DataError, InputOutputError, shown

MB = 1_000_000  # decimal megabytes, as people count file sizes


def megabytes(size: int, over: int | None = None) -> str:
    """`size` bytes as a message writes a size: decimal megabytes with one decimal, rounded half away from zero,
    a decimal comma and none for a whole number (`16,8 MB`, `12 MB`). `over`: the limit `size` is over, which
    it then never reads as, written as it is written (12 000 001 bytes over 12 MB: `12,1 MB`, not `12 MB, over
    the limit of 12 MB`; 16 777 217 over 16 MiB, written `16,8 MB`: `16,9 MB`, found in review, h118)."""
    tenths = (size * 10 + MB // 2) // MB
    if over is not None:
        limit = (over * 10 + MB // 2) // MB  # the limit's tenths as written
        if tenths <= limit:
            tenths = limit + 1  # the next tenth above it: just over the limit
    whole, tenth = divmod(tenths, 10)
    return f"{whole:,}".replace(",", " ") + (f",{tenth}" if tenth else "") + " MB"
# far beyond a kommun's year (0,1–1 MB; 2 000 staber with utfall per month are ~100 KB), and within what memory
# holds: the year's rows take ~70 times their bytes (a year file of 12,5 MB, 57 000 staber with utfall per month,
# peaked at 851 MB in `deviation`; 16,8 MB at 1,1 GB, and a legal 62 MB one of 64 MB took 4,4 GB: found by an
# adversarial tester)
YEAR_FILE_LIMIT = 12 * MB
MAPPING_LIMIT = 1 * MB
NAME_LIMIT = 500  # characters of a name in an export (an account's, an object's, the company's); longer ones are cut
LINE_LIMIT = 1024 * 1024  # bytes of a line of an export (SIE, CSV): a record is a short line; beyond it, no export
EXPORT_LIMIT = 2_000 * MB  # an ERP export (SIE, CSV) or a fact table
# A fact table's rows. Parquet compresses (140 KB can hold 5×10^7 identical rows, 7 GB in memory), so
# its row count, read from its metadata, is limited too: to what a CSV within EXPORT_LIMIT can hold.
# The smallest CSV row is 20 bytes: a budget's whole-year row `2024,F,,,1,intakt,0` and its line end.
SMALLEST_FACT_ROW = 20
FACT_ROW_LIMIT = EXPORT_LIMIT // SMALLEST_FACT_ROW  # 100 000 000 rows
# and by its size: a fact table's Parquet holds about 0,2 rows a byte (1 M rows in 4,7 MB); one of
# more than 10 rows a byte is repeated rows that would take memory far beyond the file's size
# (5×10^7 identical rows in 140 KB took 7 GB), but any file may hold a million
FACT_ROWS_PER_BYTE = 10
FACT_ROW_FLOOR = 1_000_000


# the bytes of å ä ö Å Ä Ö é ü É Ü in code page 437 (PC8, as SIE files are written) and in ISO-8859-15 / Windows-1252:
# counted both ways to tell an export's encoding (`sie._encoding`, `erp_csv._decode`)
CP437_LETTERS = b"\x86\x84\x94\x8f\x8e\x99\x82\x81\x90\x9a"
LATIN_LETTERS = b"\xe5\xe4\xf6\xc5\xc4\xd6\xe9\xfc\xc9\xdc"


# a year file of a budgets folder: YYYY.yaml (or .yml)
YEAR_FILE = re.compile(r"([0-9]{4})\.ya?ml")
# a year file named as Windows lets one be: `2024.yaml.txt` (Notepad's "Textdokument", the .txt hidden by Explorer),
# `2024.YAML`; not read (a year file's name is kept as written: `-o`, the answers and git name it), but said
MISNAMED_YEAR_FILE = re.compile(r"([0-9]{4})\.ya?ml(?:\.txt)?", re.IGNORECASE)


def year_files(directory: str | Path, notes: list[str] | None = None) -> list[Path]:
    """The year files `YYYY.yaml` / `YYYY.yml` of a budgets directory, sorted. Hidden files (editor
    locks such as `.#2024.yaml`, macOS `._2024.yaml`) are skipped; other visible `.yaml` files are
    skipped with a note in `notes`. `InputOutputError` when the folder cannot be read."""
    d = Path(directory)
    name = shown(str(d))
    try:
        entries = sorted(os.scandir(d), key=lambda e: e.name)
    except FileNotFoundError:
        raise InputOutputError(f"{name}: budgets directory not found; pass --budgets DIR or set KFOLLOW_BUDGETS") from None
    except NotADirectoryError:
        raise InputOutputError(f"{name}: is not a directory; pass --budgets DIR (the folder of the year files)") from None
    except OSError as exc:
        raise InputOutputError(f"{name}: cannot read the budgets directory ({exc.strerror}); check its permissions") from None
    files, misnamed = [], []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if not YEAR_FILE.fullmatch(entry.name) and (wrong := MISNAMED_YEAR_FILE.fullmatch(entry.name)):
            # (found by an ekonom on Windows, h120: 'no year files (YYYY.yaml) in the directory' of a folder where
            # Explorer shows 2024.yaml)
            misnamed.append(f"{shown(str(d / entry.name))} is not read: a year file is named {wrong[1]}.yaml"
                            + (" (Notepad adds .txt to a file saved as Textdokument, and Explorer hides it)"
                               if entry.name.lower().endswith(".txt") else "") + f"; rename it {wrong[1]}.yaml")
            continue
        if not entry.name.endswith((".yaml", ".yml")):
            continue
        if YEAR_FILE.fullmatch(entry.name):
            files.append(d / entry.name)
        elif notes is not None:
            notes.append(f"{shown(str(d / entry.name))} is not a year file (YYYY.yaml) and was skipped")
    if not files and misnamed:
        raise InputOutputError(f"{name}: no year files (YYYY.yaml) in the directory; {misnamed[0]}")
    if not files:
        raise InputOutputError(f"{name}: no year files (YYYY.yaml) in the directory; add one per year, e.g. {name}/2024.yaml")
    if notes is not None:
        notes.extend(misnamed)
    return files


def is_file(path: Path) -> bool:
    """Whether `path` is a file to start reading; a path the system refuses to look at (too long, no
    permission) is not, and is reported where its table is read, after the year file's own errors."""
    try:
        return path.is_file()
    except OSError:
        return False


def named_tables(raw: bytes, fil: str) -> list[tuple[str, str, Path]]:
    """The fact tables a year file's bytes name on a line of their own (`budget_fil: b.parquet`, then
    `utfall_fil: u.csv`), found without parsing it: (key, the path as written, the path) of each that
    is a file."""
    base, found = Path(fil).parent, []
    for key in ("budget_fil", "utfall_fil"):
        line = re.search(rb"^" + key.encode() + rb":[ \t]+([^\s#'\"\[{]+)(?:[ \t]+#[^\r\n]*)?[ \t]*\r?$", raw,
                         re.MULTILINE)
        text = line and line.group(1).decode("utf-8", "replace")
        if text and text.endswith((".csv", ".parquet")) and is_file(base / text):
            found.append((key, text, base / text))
    return found


def fact_row_limit(size: int) -> int:
    """The rows a Parquet fact table of `size` bytes may hold."""
    return min(FACT_ROW_LIMIT, max(FACT_ROW_FLOOR, size * FACT_ROWS_PER_BYTE))


def _kind(mode: int) -> str:
    return ("a directory" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")


def not_regular(path: Path) -> str | None:
    """What a path that is there is when it is no regular file (`a directory`, after following
    links), else None; an error looking at it is the caller's."""
    mode = path.stat().st_mode
    return None if stat.S_ISREG(mode) else _kind(mode)


def _refuse(path: Path | str, what: str, exc: OSError, real: Path | str | None = None) -> InputOutputError:
    """`path` is what the message names (a display name may stand for the `real` path)."""
    reason = {errno.ELOOP: "a symbolic link loop", errno.ENOENT: "no such file",
              errno.EISDIR: "it is a directory"}.get(exc.errno, exc.strerror)
    texted = Path(f"{real or path}.txt")
    if exc.errno == errno.ENOENT and is_file(texted):  # (found by an ekonom on Windows, h120: Explorer showed it)
        return InputOutputError(f"{shown(str(path))}: cannot read {what} (no such file, but there is "
                                f"{shown(texted.name)}: Notepad adds .txt to a file saved as Textdokument, and "
                                f"Explorer hides it); rename it {shown(Path(str(path)).name)}")
    return InputOutputError(f"{shown(str(path))}: cannot read {what} ({reason}); check the path")


def regular_file(path: Path | str, what: str = "file") -> os.stat_result:
    """The `stat` of `path`, which must be a regular file; InputOutputError (one line) otherwise."""
    try:
        info = os.stat(path)  # follows links; a loop is ELOOP
    except OSError as exc:
        raise _refuse(path, what, exc) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputOutputError(f"{shown(str(path))}: is {_kind(info.st_mode)}, not a regular file; give the path "
                               f"of the {what}")
    return info


def read_bytes(path: Path | str, limit: int, what: str = "file", head: int | None = None,
               display: str | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (DataError beyond it); with `head`, only
    its first `head` bytes (the file itself is then read by another reader, e.g. polars). Messages
    name `display` (default: the path)."""
    with open_file(path, limit, what, display) as file:
        return file.read(file.size if head is None else head)


@dataclass(frozen=True)
class OpenFile:
    """A regular file opened by `open_file`; it is read up to its size at opening, never further."""

    fd: int
    size: int  # bytes at opening
    name: str  # what messages name
    what: str  # "SIE file", …

    def read(self, count: int) -> bytes:
        """Its first `count` bytes (fewer when it is shorter)."""
        return b"".join(self.blocks(min(count, self.size), limit=count))

    def blocks(self, size: int = 1 << 23, limit: int | None = None) -> Iterator[bytes]:
        """Its bytes from the start in blocks of `size` (the last may be shorter), to keep memory
        bounded by a block, not the file; each call reads it again from the start."""
        end = self.size if limit is None else min(limit, self.size)
        try:
            os.lseek(self.fd, 0, os.SEEK_SET)
            offset = 0
            while offset < end:
                block = os.read(self.fd, min(size, end - offset))
                if not block:  # it shrank since it was opened
                    return
                offset += len(block)
                yield block
        except OSError as exc:
            raise _refuse(self.name, self.what, exc) from None


@contextmanager
def open_file(path: Path | str, limit: int, what: str = "file", display: str | None = None) -> Iterator[OpenFile]:
    """A regular file of at most `limit` bytes, open for reading (DataError beyond the limit,
    InputOutputError when it is not a readable regular file). Messages name `display` (default: the path)."""
    name = display or str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)  # O_NONBLOCK: opening a FIFO must not wait for a writer
    except OSError as exc:
        raise _refuse(name, what, exc, path) from None
    try:
        try:
            info = os.fstat(fd)
        except OSError as exc:
            raise _refuse(name, what, exc) from None
        if not stat.S_ISREG(info.st_mode):
            raise InputOutputError(f"{shown(name)}: is {_kind(info.st_mode)}, not a regular file; give the "
                                   f"path of the {what}")
        if info.st_size > limit:
            raise DataError(shown(name), None, None, f"{what} is {megabytes(info.st_size, over=limit)}, over the "
                            f"limit of {megabytes(limit)}; split it or check that it is the right file")
        yield OpenFile(fd, info.st_size, name, what)
    finally:
        os.close(fd)


# what a file that is no text starts with, and what it is: polars unpacks gzip, zlib and zstd by itself when
# it reads a CSV, so a packed .csv would be read as the text it unpacks to, past every limit on the file's
# size (10 KB of gzip held 100 000 rows: found in review)
_PACKED = ((b"\x1f\x8b", "gzip-packed"), (b"\x28\xb5\x2f\xfd", "zstd-packed"), (b"BZh", "bzip2-packed"),
           (b"\xfd7zXZ\x00", "xz-packed"), (b"PK\x03\x04", "a zip archive"), (b"PAR1", "a Parquet file"))


def packed(head: bytes, path: Path | None = None) -> str | None:
    """What a file that should be CSV text is instead, by its first bytes (`a Parquet file`, `gzip-packed`), or
    None. A zlib stream is told by its two-byte header (a multiple of 31, deflate, whose second byte no
    CSV header starts with); a zip archive at `path` that holds a workbook is one (unpacked it gives no CSV:
    found in review)."""
    if head.startswith(b"PK\x03\x04") and path is not None:
        import zipfile

        try:
            with zipfile.ZipFile(path) as archive:
                if any(n.startswith("xl/") for n in archive.namelist()):
                    return "an Excel workbook"
        except (OSError, zipfile.BadZipFile, ValueError):
            pass
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "an Excel 97-2003 workbook"
    for magic, kind in _PACKED:
        if head.startswith(magic):
            return kind
    if len(head) >= 2 and head[0] == 0x78 and head[1] in (0x01, 0x5E, 0x9C, 0xDA):
        return "zlib-packed"
    return None


def refuse_a_second_bom(raw: bytes, name: str, what: str = "the header") -> None:
    """DataError where `raw` starts with the UTF-8 byte-order mark twice: the reader takes one, and the second
    is then part of the first column's name (`'\\ufeffperiod'`), which looks like the name it lacks (found by
    an adversarial tester); of a YAML file (`what`: "the file") it was 'an invisible character (U+FEFF) is not
    allowed', which does not say where it came from."""
    if raw.startswith(b"\xef\xbb\xbf\xef\xbb\xbf"):
        raise DataError(name, 1, 1, f"{what} starts with a second byte-order mark (U+FEFF): "
                                    f"{'it' if what == 'the file' else 'the file'} was saved as UTF-8 with a BOM twice; "
                                    "save it once as UTF-8 (or export it again)")


def without_end_mark(raw: bytes) -> bytes:
    """`raw` without the Ctrl-Z (0x1A) at its end that DOS programs, `copy /a` and some Windows editors and
    ekonomisystem write to end a text file: no reader shows it, and it was refused as a control character of the
    last line (year file, mapping), or read as a row or as the unit of the last amount of an export ("it ends in
    '\\x1a', a unit kfollow does not read"; found by an ekonom on Windows, h120). Only at the very end."""
    return raw[:-1] if raw.endswith(b"\x1a") else raw


def looks_utf16(raw: bytes) -> bool:
    """UTF-16, with a byte-order mark or without: text in it has a NUL in every other byte of its
    ASCII characters."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = raw[:512]
    return len(sample) >= 4 and sample.count(0) * 3 >= len(sample) and (
        sample[1::2].count(0) * 4 >= len(sample) or sample[0::2].count(0) * 4 >= len(sample))


def stray_quote(text: str, separator: str = ",") -> tuple[int, int] | None:
    """The line and column of the first quote without its pair inside a cell that does not begin with one, if
    any (a quoted cell may span lines, and holds its quotes doubled): Python's csv reader takes such a quote as
    text, polars' refuses the file without saying where. A pair of quotes in such a cell (`Lön "extra" k 12`) is
    read by both, so it is not the fault (found trying ERP exports, h66: a pair on line 2 was blamed for an inch
    mark on line 4)."""
    line, col, state = 1, 0, "start"  # start (of a cell) | plain | quoted | closed (a quoted cell's end quote read)
    unpaired: tuple[int, int] | None = None  # the plain cell's quote still without its pair
    for ch in text:
        col += 1
        if state == "plain" and unpaired is not None and ch in (separator, "\n"):
            return unpaired
        if ch == "\n" and state != "quoted":
            line, col, state = line + 1, 0, "start"
        elif state == "quoted":
            if ch == '"':
                state = "closed"
            elif ch == "\n":
                line, col = line + 1, 0
        elif state == "closed":
            if ch == '"':
                state = "quoted"  # a doubled quote, inside
            elif ch == separator:
                state = "start"
            elif ch != "\r":
                return None  # text after a quoted cell: another fault, for another message
        elif ch == separator:
            state = "start"
        elif ch == '"':
            if state == "start":
                state = "quoted"
            else:
                unpaired = None if unpaired is not None else (line, col)
        elif ch != "\r":
            if state == "start":
                unpaired = None
            state = "plain"
    return unpaired if state == "plain" else None
