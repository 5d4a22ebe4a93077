"""Writing a rendered report: stdout, or a file replaced atomically (nothing is written on error)."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

from kfollow.errors import InputOutputError, UsageError, shown


def write(data: str | bytes, out: Path | None) -> None:
    """Write text (UTF-8) or bytes (xlsx, Parquet, PNG) to stdout, or to `out`: a regular file is
    replaced atomically (a failed run leaves no partial file) keeping its permissions, a link is
    followed, a pipe or device is written to. Bytes are not sent to a terminal."""
    if out is None:
        try:
            if isinstance(data, bytes):
                if sys.stdout.isatty():
                    raise UsageError("this format is a binary file: write it with -o FILE")
                sys.stdout.flush()
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                sys.stdout.write(data)
                sys.stdout.flush()
        except BrokenPipeError:  # the reader (e.g. `head`) has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError as exc:
            raise InputOutputError(f"cannot write to standard output ({exc.strerror})") from None
        return
    raw = data.encode("utf-8") if isinstance(data, str) else data
    target = resolved(out)
    try:
        if target.exists() and not target.is_file():  # a FIFO, a device: write in place
            with open(target, "wb") as fh:
                fh.write(raw)
            return
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputOutputError(f"{shown(str(out))}: cannot write file ({exc.strerror}); check that the folder exists "
                               "and is writable") from None


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


