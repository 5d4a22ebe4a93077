"""Writing a rendered report: stdout, or a file replaced atomically (nothing is written on error)."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

from kfollow.errors import InputOutputError, shown


def write(text: str, out: Path | None) -> None:
    """Write to stdout, or to `out`: a regular file is replaced atomically (a failed run leaves no
    partial file) keeping its permissions, a link is followed, a pipe or device is written to."""
    if out is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader (e.g. `head`) has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError as exc:
            raise InputOutputError(f"cannot write to standard output ({exc.strerror})") from None
        return
    target = resolved(out)
    try:
        if target.exists() and not target.is_file():  # a FIFO, a device: write in place
            with open(target, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            return
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputOutputError(f"{shown(str(out))}: cannot write file ({exc.strerror}); check that the folder exists and is writable") from None


def resolved(out: Path | str) -> Path:
    """The real path `out` names (links followed); a symbolic link loop is an InputOutputError."""
    try:
        return Path(out).resolve()
    except (RuntimeError, OSError):  # RuntimeError: a loop, before Python 3.13
        raise InputOutputError(f"{shown(str(out))}: cannot write file (a symbolic link loop); check the path") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(data: bytes, out: Path) -> None:
    """Write bytes (e.g. Parquet) to `out` as `write` writes text: a regular file is replaced atomically
    keeping its permissions (a failed run leaves no partial file), a link is followed, a pipe or device
    is written to."""
    target = resolved(out)
    try:
        if target.exists() and not target.is_file():  # a FIFO, a device: write in place
            with open(target, "wb") as fh:
                fh.write(data)
            return
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputOutputError(f"{shown(str(out))}: cannot write file ({exc.strerror}); check that the folder exists and is writable") from None
