"""Error classes and the named exit codes of the command line."""

from __future__ import annotations

import re
from enum import IntEnum

# what rewrites a terminal or a document: C0 controls (tab, LF and CR aside), DEL, C1, and the bidi
# embeddings, overrides and isolates
_CONTROL_RANGES = ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F), (0x202A, 0x202E), (0x2066, 0x2069))


def control_class(extra: str = "", polars: bool = False) -> str:
    """A regex character class of the control and bidi characters, and `extra` (e.g. r"\n\r"); in
    the syntax of Python's `re`, or with `polars` of polars' (Rust) string expressions."""
    esc = (lambda c: f"\\x{{{c:04X}}}") if polars else (lambda c: f"\\u{c:04x}")
    return "[" + "".join(f"{esc(a)}-{esc(b)}" for a, b in _CONTROL_RANGES) + extra + "]"


_UNSHOWABLE = re.compile(control_class(r"\n\r"))


def shown(text: str) -> str:
    """`text` safe for a terminal: control and bidi characters written as escapes (`\\x1b`, `\\u202e`)."""
    return _UNSHOWABLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


class ExitStatus(IntEnum):
    """Exit codes of `kfollow`; documented in README.md."""

    OK = 0
    CHECK_FAILED = 1  # a check found an error, or a threshold was exceeded
    USAGE = 2  # bad option, unknown year, stab, förvaltning or verksamhet
    DATA = 3  # a budget file is malformed or inconsistent
    IO = 4  # a file or folder cannot be read or written
    INTERNAL = 70  # a bug in kfollow (EX_SOFTWARE): please report it


class KfollowError(Exception):
    """Base of all expected errors; `cli` prints `Error: <message>` and exits with `status`."""

    status = ExitStatus.DATA

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DataError(KfollowError):
    """A budget file is malformed; the message starts with `file:line:column:`."""

    status = ExitStatus.DATA

    def __init__(self, path: str, line: int | None, column: int | None, problem: str):
        where = shown(str(path))
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {problem}")
        self.path, self.line, self.column, self.problem = str(path), line, column, problem


class UsageError(KfollowError):
    """The command asks for something the data does not have (year, stab, …)."""

    status = ExitStatus.USAGE


class InputOutputError(KfollowError):
    """A file or directory cannot be read or written."""

    status = ExitStatus.IO
