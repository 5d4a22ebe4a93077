"""Opening an input: only a regular file (after following links), and not beyond a size limit.

A FIFO, a device (`/dev/zero`), a directory or a symlink loop is refused before anything is read,
so kfollow never hangs on a pipe or fills memory from a device.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kfollow.errors import DataError, InputOutputError, shown

MB = 1024 * 1024
YEAR_FILE_LIMIT = 64 * MB  # far beyond a kommun's year (the 100 000-row synthetic year is ~8 MB)
MAPPING_LIMIT = 1 * MB


def regular_file(path: Path | str, what: str = "file") -> os.stat_result:
    """The `stat` of `path`, which must be a regular file; InputOutputError (one line) otherwise."""
    name = shown(str(path))
    try:
        info = os.stat(path)  # follows links; a loop is ELOOP
    except OSError as exc:
        reason = "a symbolic link loop" if exc.errno == 40 else exc.strerror
        raise InputOutputError(f"{name}: cannot read {what} ({reason}); check the path") from None
    if not stat.S_ISREG(info.st_mode):
        kind = ("a directory" if stat.S_ISDIR(info.st_mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode)
                else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "not a regular file")
        raise InputOutputError(f"{name}: is {kind}, not a {what}; give the path of a regular file")
    return info


def read_bytes(path: Path | str, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most `limit` bytes (DataError beyond it)."""
    info = regular_file(path, what)
    if info.st_size > limit:
        raise DataError(shown(str(path)), None, None, f"{what} is {info.st_size / MB:.1f} MB, over the limit of "
                        f"{limit // MB} MB; split it or check that it is the right file")
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputOutputError(f"{shown(str(path))}: cannot read {what} ({exc.strerror}); check the permissions") from None
    if len(data) > limit:  # it grew while being read
        raise DataError(shown(str(path)), None, None, f"{what} is over the limit of {limit // MB} MB")
    return data
