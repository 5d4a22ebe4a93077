"""Error classes and the named exit codes of the command line."""

from __future__ import annotations

import re
from enum import IntEnum

# what rewrites a terminal or a document, or hides in a text: C0 controls (tab, LF and CR aside), DEL,
# C1; the bidi embeddings, overrides and isolates, and the bidi marks (ALM, LRM, RLM), which reorder
# the figures that follow a name; the zero-width space and no-break space (U+FEFF), and the line and
# paragraph separators, which a reader cannot see; U+FFFE and U+FFFF, no characters at all (not
# even XML can hold them)
_CONTROL_RANGES = ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F), (0x00AD, 0x00AD), (0x034F, 0x034F),
                   (0x061C, 0x061C), (0x115F, 0x1160), (0x180E, 0x180E), (0x200B, 0x200B), (0x200E, 0x200F),
                   (0x2028, 0x2029), (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x2069), (0x206A, 0x206F),
                   (0x3164, 0x3164), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB), (0xFFFE, 0xFFFF),
                   (0xE0000, 0xE007F))
# (U+034F, U+180E, U+2060–U+2064 and U+206A–U+206F: invisible, a word joiner, function marks and deprecated
# format characters that show nothing and make two names that look alike differ; found in review. So do the
# soft hyphen U+00AD, the Hangul fillers, the interlinear annotation marks U+FFF9–U+FFFB and the tag characters
# U+E0000–U+E007F: found by a script user)
_INVISIBLE = {0x00AD, 0x034F, 0x115F, 0x1160, 0x180E, 0x200B, 0x3164, 0xFEFF, 0xFFA0, *range(0x2060, 0x2065),
              *range(0x206A, 0x2070), *range(0xFFF9, 0xFFFC), *range(0xE0000, 0xE0080)}
INVISIBLE = "".join(map(chr, sorted(_INVISIBLE)))  # what shows nothing: left out where text is pasted (comments)


def control_class(extra: str = "", polars: bool = False) -> str:
    """A regex character class of the control and bidi characters, and `extra` (e.g. r"\n\r"); in
    the syntax of Python's `re`, or with `polars` of polars' (Rust) string expressions."""
    esc = (lambda c: f"\\x{{{c:04X}}}") if polars else (lambda c: f"\\u{c:04x}" if c <= 0xFFFF else f"\\U{c:08x}")
    return "[" + "".join(f"{esc(a)}-{esc(b)}" for a, b in _CONTROL_RANGES) + extra + "]"


_UNSHOWABLE = re.compile(control_class(r"\n\r\ud800-\udfff"))  # and a lone surrogate: a name's byte that is not UTF-8


def control_kind(char: str) -> str:
    """What a character of `control_class` is, for a message: `a bidi control (U+200F)`."""
    code = ord(char)
    if code in (0x061C, 0x200E, 0x200F) or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        kind = "a bidi control"
    elif code in _INVISIBLE:
        kind = "an invisible character"
    elif code in (0x2028, 0x2029):
        kind = "a line or paragraph separator"
    elif code in (0xFFFE, 0xFFFF):
        kind = "a noncharacter"
    else:
        kind = "a control character"
    return f"{kind} (U+{code:04X})"


def shown(text: str) -> str:
    """`text` safe for a terminal: control and bidi characters written as escapes (`\\x1b`, `\\u202e`),
    and a file name's byte that is not UTF-8 (Python keeps it as a lone surrogate) as that byte (`\\xe5`)."""
    return _UNSHOWABLE.sub(_escape, text)


def _escape(m: re.Match) -> str:
    code = ord(m[0])
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's way of keeping byte 0x80–0xFF
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


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


def grouped(count: int) -> str:
    """A count for a message, its thousands apart as the tables write them: `5 000`, `-12 345`."""
    return f"{count:,}".replace(",", " ")


def listing(names, most: int = 5) -> str:
    """Names for a note or message: all of them where they are at most one more than `most`, else the first `most`
    and how many more (`LED, EKO, HR, KOM, DIG och 2 till`): never `och 1 till`, which hides a name that fits in its
    place (found by a new user, h164)."""
    names = list(names)
    if len(names) <= most + 1:
        return ", ".join(names)
    return f"{', '.join(names[:most])} och {grouped(len(names) - most)} till"
