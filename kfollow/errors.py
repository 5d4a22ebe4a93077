"""Error classes and the named exit codes of the command line."""

from __future__ import annotations

import re
from enum import IntEnum

_UNSHOWABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


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
