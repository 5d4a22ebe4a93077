"""The sizes a Parquet file states for its column chunks, read from its footer without reading a row.

Parquet compresses: 33 kB can hold one cell of a thousand million characters, which polars unpacks
whole before kfollow sees a value (13,8 GB for one account code). A fact table's columns are short
codes and amounts, so the uncompressed size each column chunk states per value tells such a file
from a fact table before it is read (`facts`). The footer is Thrift's compact encoding (the Parquet
format's `FileMetaData`); only the fields needed are read, the rest skipped, and a footer that is not
well formed is left for polars to refuse.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

_FOOTER_LIMIT = 64 * 1024 * 1024  # bytes of a footer read at most (a fact table's is a few kB)


class Malformed(ValueError):
    """A footer kfollow cannot walk (polars names the file's fault when it reads it)."""


def column_chunks(path: Path | str) -> list[tuple[str, int, int]]:
    """(column, values, uncompressed bytes) of every column chunk of every row group; `Malformed` when
    the footer cannot be walked."""
    return footer(path)[0]


def footer(path: Path | str, maxima: bool = False) -> tuple[list[tuple], dict[str, str]]:
    """`column_chunks` and the file's key-value metadata (a key without a value is left out), in one walk
    of the footer; with `maxima`, each chunk also with the smallest and the largest value its statistics state
    (bytes, or None); `Malformed` when it cannot be walked."""
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        if size < 12:
            raise Malformed("too short")
        f.seek(size - 8)
        tail = f.read(8)
        if tail[4:] != b"PAR1":
            raise Malformed("no Parquet footer")
        length = struct.unpack("<I", tail[:4])[0]
        if length > min(_FOOTER_LIMIT, size - 12):
            raise Malformed("footer length")
        f.seek(size - 8 - length)
        data = f.read(length)
    chunks: list[tuple[str, int, int]] = []
    pairs: dict[str, str] = {}
    try:
        _file_metadata(data, chunks, pairs, maxima)
    except (IndexError, RecursionError, UnicodeDecodeError) as exc:
        raise Malformed(type(exc).__name__) from None
    return chunks, pairs


# --- Thrift compact encoding: types 1/2 bool, 3 byte, 4 i16, 5 i32, 6 i64, 7 double, 8 binary,
# 9 list, 10 set, 11 map, 12 struct

def _varint(b: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        byte = b[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, i
        shift += 7
        if shift > 70:
            raise Malformed("varint")


def _zigzag(v: int) -> int:
    return (v >> 1) ^ -(v & 1)


def _list_head(b: bytes, i: int) -> tuple[int, int, int]:
    head = b[i]
    i += 1
    count, kind = head >> 4, head & 0x0F
    if count == 15:
        count, i = _varint(b, i)
    return count, kind, i


def _skip(b: bytes, i: int, kind: int, depth: int) -> int:
    if depth > 32:
        raise Malformed("nesting")
    if kind in (1, 2):
        return i
    if kind == 3:
        return i + 1
    if kind in (4, 5, 6):
        return _varint(b, i)[1]
    if kind == 7:
        return i + 8
    if kind == 8:
        n, i = _varint(b, i)
        return i + n
    if kind in (9, 10):
        n, element, i = _list_head(b, i)
        for _ in range(n):
            i = i + 1 if element in (1, 2) else _skip(b, i, element, depth + 1)
        return i
    if kind == 11:
        n, i = _varint(b, i)
        if n:
            kinds = b[i]
            i += 1
            for _ in range(n):
                i = _skip(b, _skip(b, i, kinds >> 4, depth + 1), kinds & 0x0F, depth + 1)
        return i
    if kind == 12:
        return _struct(b, i, depth + 1, {})
    raise Malformed(f"type {kind}")


def _struct(b: bytes, i: int, depth: int, read: dict) -> int:
    """Walk a struct from `i`; `read` maps a field id to (the kind it must be, a function (b, i) → the
    index after it, which reads it); other fields are skipped. Returns the index after the struct."""
    last = 0
    while True:
        head = b[i]
        i += 1
        if head == 0:
            return i
        kind, delta = head & 0x0F, head >> 4
        if delta:
            field = last + delta
        else:
            value, i = _varint(b, i)
            field = _zigzag(value)
        last = field
        i = read[field][1](b, i) if field in read and kind == read[field][0] else _skip(b, i, kind, depth)


def column_max(path: Path | str, column: str) -> str | None:
    """The largest value of a text `column` that the footer's statistics state (the largest of its row groups'),
    without reading a row; None where a row group states none (a writer may leave them out), or the footer cannot
    be walked."""
    try:
        chunks, _ = footer(path, maxima=True)
    except (Malformed, OSError):
        return None
    found = [top for name, *_, top in chunks if name == column]
    if not found or any(top is None for top in found):
        return None
    try:
        return max(top.decode("utf-8") for top in found)
    except UnicodeDecodeError:
        return None


def column_range(chunks: list[tuple], column: str) -> tuple[str, str] | None:
    """The smallest and the largest value of a text `column` that the statistics of `footer(…, maxima=True)`'s
    chunks state (over all row groups); None where a row group states either not, or not as UTF-8."""
    found = [(low, top) for name, _, _, low, top in chunks if name == column]
    if not found or any(low is None or top is None for low, top in found):
        return None
    try:
        return min(low.decode("utf-8") for low, _ in found), max(top.decode("utf-8") for _, top in found)
    except UnicodeDecodeError:
        return None


def _file_metadata(b: bytes, chunks: list, pairs: dict, maxima: bool = False) -> None:
    def row_groups(b, i):  # FileMetaData 4: list<RowGroup>
        n, _, i = _list_head(b, i)
        for _ in range(n):
            i = _struct(b, i, 1, {1: (9, columns)})
        return i

    def columns(b, i):  # RowGroup 1: list<ColumnChunk>
        n, _, i = _list_head(b, i)
        for _ in range(n):
            i = _struct(b, i, 2, {3: (12, meta)})
        return i

    def meta(b, i):  # ColumnChunk 3: ColumnMetaData (3 path_in_schema, 5 num_values, 6 total_uncompressed_size)
        got = {}

        def path(b, i):
            n, _, i = _list_head(b, i)
            parts = []
            for _ in range(n):
                length, i = _varint(b, i)
                parts.append(b[i:i + length].decode("utf-8"))
                i += length
            got["path"] = ".".join(parts)
            return i

        def number(name):
            def read(b, i):
                value, i = _varint(b, i)
                got[name] = _zigzag(value)
                return i
            return read

        def statistics(b, i):  # ColumnMetaData 12: Statistics (5 max_value, 6 min_value; 1 max and 2 min, as older
            # writers wrote them)
            def value(name):
                def read(b, i):
                    length, i = _varint(b, i)
                    got[name] = b[i:i + length]
                    return i + length
                return read
            return _struct(b, i, 4, {5: (8, value("max_value")), 1: (8, value("max")),
                                     6: (8, value("min_value")), 2: (8, value("min"))})

        fields = {3: (9, path), 5: (6, number("values")), 6: (6, number("size"))}
        if maxima:
            fields[12] = (12, statistics)
        i = _struct(b, i, 3, fields)
        chunk = (got.get("path", ""), got.get("values", 0), got.get("size", 0))
        chunks.append((*chunk, got.get("min_value", got.get("min")), got.get("max_value", got.get("max")))
                      if maxima else chunk)
        return i

    def text(b, i):
        length, i = _varint(b, i)
        return b[i:i + length].decode("utf-8"), i + length

    def key_values(b, i):  # FileMetaData 5: list<KeyValue> (1 key, 2 value: strings)
        n, _, i = _list_head(b, i)
        for _ in range(n):
            got = {}

            def field(name):
                def read(b, i):
                    got[name], i = text(b, i)
                    return i
                return read

            i = _struct(b, i, 2, {1: (8, field("key")), 2: (8, field("value"))})
            if "key" in got and "value" in got:
                pairs[got["key"]] = got["value"]
        return i

    _struct(b, 0, 0, {4: (9, row_groups), 5: (9, key_values)})
