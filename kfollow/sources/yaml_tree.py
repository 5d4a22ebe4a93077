"""Strict YAML: bytes → a tree of `Scalar`, `Mapping` and `Sequence` nodes with line and column.

Built on PyYAML's C parser with the base resolver (`yaml.CBaseLoader`): every scalar stays text,
so `NO`, `0815`, `1:20` and dates reach the model unchanged and are parsed on purpose there.
Anchors, aliases, tags, duplicate keys, non-text keys and several documents are rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
import difflib
from pathlib import Path

from kfollow.errors import DataError, control_class, control_kind, grouped
from kfollow.sources.files import (NAME_LIMIT, YEAR_FILE_LIMIT, looks_utf16, read_bytes, refuse_a_second_bom,
                                   without_end_mark)

BOM = b"\xef\xbb\xbf"


@dataclass(slots=True)
class Scalar:
    value: str
    line: int  # 1-based
    column: int  # 1-based


@dataclass(slots=True)
class Mapping:
    line: int
    column: int
    # key text → (key node, value node), in file order
    items: dict[str, tuple[Scalar, "Node"]] = field(default_factory=dict)
    flow: bool = False  # written `{ … }`, where a comma ends a key's value (and may split a number)


@dataclass(slots=True)
class Sequence:
    line: int
    column: int
    items: list["Node"] = field(default_factory=list)


Node = Scalar | Mapping | Sequence


# control characters (C0 but tab, line feed and carriage return; DEL; C1) and bidi controls, which
# could rewrite what a terminal shows; rejected raw and written as escapes ("\e", "\u202e") alike
FORBIDDEN = re.compile(control_class())
_ASCII = str.maketrans("åäöéü", "aaoeu")  # how kfollow's keys spell Swedish words
_LINE_BREAKING = re.compile(r"[\t\n\r]")  # allowed in a comment's text, not in a name
_TAB_OR_CR = re.compile(r"[\t\r]")
_MID_LINE_CR = re.compile(r"(?<=[^\r\n])\r(?=[^\r\n])")


def read_yaml(path: Path, display: str | None = None, limit: int = YEAR_FILE_LIMIT, what: str = "year file") -> Node:
    """Read one YAML file strictly (a regular file of at most `limit` bytes); `DataError` naming
    display:line:column."""
    return parse_yaml(read_bytes(path, limit, what), display or str(path))


_YAML_KEY_LIMIT = 1024  # the longest plain key YAML (PyYAML's scanner) reads


def _refuse_a_long_key(text: str, line: int, name: str) -> None:
    """DataError where the line (0-based) holds a plain key longer than YAML reads (_YAML_KEY_LIMIT), which it
    told as a key without ':' or a ':' where no key starts (found by an adversarial tester, h114)."""
    lines = text.splitlines()
    row = lines[line] if line < len(lines) else ""
    start = len(row) - len(row.lstrip(" -"))
    colon = row.find(":", start)
    if colon - start > _YAML_KEY_LIMIT:
        length = grouped(colon - start)
        raise DataError(name, line + 1, start + 1, f"invalid YAML: this key is {length} characters long, beyond the "
                                                   "1 024 YAML reads as a key; an id or code is a few characters: "
                                                   "check the line")


def parse_yaml(raw: bytes, name: str) -> Node:
    """Parse bytes (UTF-8, BOM allowed) into a node tree; see the module docstring."""
    import yaml  # imported here so that `import kfollow` stays light

    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or looks_utf16(raw):
        raise DataError(name, 1, 1, "file is UTF-16; save it as UTF-8 (in Notepad: Arkiv, Spara som, Kodning "
                                    "UTF-8, not Unicode or UTF-16 LE)")
    raw = without_end_mark(raw)
    refuse_a_second_bom(raw, name, "the file")
    if raw.startswith(BOM):
        raw = raw[len(BOM):]
    text = _decode(raw, name)
    if "\x00" in text:
        line, col = _position(text, text.index("\x00"))
        raise DataError(name, line, col, "NUL byte in file; save it as UTF-8 text")
    if bad := FORBIDDEN.search(text):
        line, col = _position(text, bad.start())
        raise DataError(name, line, col, f"{control_kind(bad[0])} is not allowed; remove it "
                                         "(names and comments are shown on terminals and in spreadsheets)")
    # a lone CR between two characters of a file of LF line ends (`namn: Led\rningsstab`): YAML ends the line
    # there and said "19:1: … this key has no ':' after it" of the text after it (found by an adversarial tester);
    # a file of CR line ends only (old Mac) and a CRLF's CR are line ends
    if "\r" in text and "\n" in text and (cr := _MID_LINE_CR.search(text)):
        line, col = _position(text, cr.start())
        raise DataError(name, line, col, "a carriage return (\\r) in the middle of a line: YAML reads it as a "
                                         "line break; remove it (or save the file with one kind of line end)")
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise DataError(name, 1, 1, "file is empty; write a mapping with ar, organisation, enhet and forvaltningar")
    try:
        events = yaml.parse(text, Loader=yaml.CBaseLoader)
        return _build(events, name)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        marked = {m.line - up for m in (exc.problem_mark, exc.context_mark) if m is not None for up in (0, 1)}
        if (space := _no_break_space(text, marked)) is not None:
            raise DataError(name, *space, "invalid YAML: a no-break space (U+00A0), which YAML does not read as a "
                                          "space (copied from Word, Outlook or a web page?); type an ordinary space "
                                          "instead") from None
        if exc.context and "flow" in exc.context and "expected" in (exc.problem or ""):
            # an unclosed bracket is found where the next thing starts (or at the end of a truncated
            # file): name the bracket instead
            unclosed = _unclosed_bracket(text)
            if unclosed is not None:
                index, bracket = unclosed
                line, col = _position(text, index)
                raise DataError(name, line, col, f"invalid YAML: '{bracket}' is not closed; add the matching "
                                                 f"'{CLOSING[bracket]}' (or the file was cut off)") from None
        if exc.context_mark and exc.context == "while scanning a quoted scalar":
            raise DataError(name, exc.context_mark.line + 1, exc.context_mark.column + 1,
                            "invalid YAML: the quoted value that starts here is not closed; add the closing quote") from None
        if (opened := _unclosed_quote(text, mark.line)) is not None:
            raise DataError(name, opened[0], opened[1],
                            "invalid YAML: the quoted value that starts here is not closed; add the closing quote") from None
        if problem in ("could not find expected ':'", "mapping values are not allowed in this context"):
            _refuse_a_long_key(text, (exc.context_mark or mark).line, name)
        if problem == "could not find expected ':'" and exc.context_mark is not None and \
                exc.context == "while scanning a simple key":  # at the key that lacks it, not the next line's start
            raise DataError(name, exc.context_mark.line + 1, exc.context_mark.column + 1,
                            "invalid YAML: this key has no ':' after it (write `key: value`), or it is a value "
                            "indented as if it were one") from None
        if problem == "mapping values are not allowed in this context" and (lacking := _line_without_colon(text, mark.line)):
            raise DataError(name, lacking[0], lacking[1], "invalid YAML: this key has no ':' after it (write "
                                                          "`key: value`), or it is a value indented as if it were one") from None
        if problem == "mapping values are not allowed in this context":
            problem = ("a ':' where no key can start; a line above may lack its ':' or be indented wrongly, "
                       "and a value that contains ': ' needs quotes")
        if "tab" in problem or "\t" in problem or "cannot start any token" in problem:
            line_text = text.splitlines()[mark.line] if mark.line < len(text.splitlines()) else ""
            if "\t" in line_text[: mark.column + 1]:
                problem = "tab character in indentation; indent with spaces"
        if "expected <block end>" in problem or "did not find expected key" in problem or (
                "expected" in problem and exc.context and "block" in exc.context):
            problem += "; check the indentation: keys of one mapping start in the same column, with spaces"
        if problem.startswith("found unknown escape character"):  # `"Utfall\\Kultur.csv"`: a path as Windows writes it
            raise DataError(name, mark.line + 1, mark.column + 1, "invalid YAML: a \\ inside double quotes begins an "
                            "escape (\\n, \\t), and this one is none; write a path with / between folders (Windows "
                            "reads / too), or put the value in single quotes") from None
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        raise DataError(name, mark.line + 1, mark.column + 1, f"invalid YAML: {problem}{context}") from None
    except yaml.reader.ReaderError as exc:  # control characters
        # the C parser counts UTF-8 bytes, not characters
        index = len(text.encode("utf-8")[: exc.position].decode("utf-8", "ignore"))
        line, col = _position(text, index)
        raise DataError(name, line, col, f"control character #x{exc.character:04x} is not allowed in YAML; remove it") from None


_STRUCTURAL_NBSP = re.compile(r"^[ \u00a0\u202f]*?([\u00a0\u202f])|[:-]([\u00a0\u202f])")


def _no_break_space(text: str, lines: set[int]) -> tuple[int, int] | None:
    """Line and column (1-based) of a no-break space where YAML needs a space, in its indentation or after a ':' or
    '-', on one of `lines` (0-based: where the parser failed, and the line above), else None. It was told 'a ':' where no key can start'
    or 'this key has no ':' after it' of a line that has one (found by an ekonom on Windows, h120)."""
    rows = text.splitlines()
    for line in sorted(lines):
        if line < len(rows) and (found := _STRUCTURAL_NBSP.search(rows[line])) is not None:
            return line + 1, (found.start(1) if found.group(1) else found.start(2)) + 1
    return None


def _line_without_colon(text: str, line: int) -> tuple[int, int] | None:
    """(line, column), 1-based, of the nearest line above 0-based `line` with text, no ':' and no quote or
    bracket (a plain `budget 9500.0` whose next line YAML read as its continuation), if it is the one just
    above any blank or comment lines; else None."""
    lines = text.splitlines()
    for i in range(min(line, len(lines)) - 1, -1, -1):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if ":" in stripped or any(c in stripped for c in "\"'[]{}-|>&*!"):
            return None
        return i + 1, len(lines[i]) - len(lines[i].lstrip()) + 1
    return None


_WHOLE = re.compile(r"[+\-−]?[0-9][0-9 \u00a0\u202f]*")  # the whole part of a number a decimal comma split off


CLOSING = {"[": "]", "{": "}"}
_COUNT = {2: "two", 3: "three", 4: "four", 5: "five"}  # values a comma cut a flow mapping's value into


def _unclosed_bracket(text: str) -> tuple[int, str] | None:
    """The index and character of the last `[` or `{` that no bracket closes, outside quotes and
    comments; None when every bracket is closed."""
    stack: list[tuple[int, str]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#" and (i == 0 or text[i - 1] in " \t\r\n"):
            i = min((j for j in (text.find("\n", i), text.find("\r", i)) if j >= 0), default=n)
            continue
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "'":
            i += 1
            while i < n and not (text[i] == "'" and text[i + 1:i + 2] != "'"):
                i += 2 if text[i] == "'" else 1
        elif c in CLOSING:
            stack.append((i, c))
        elif c in "]}" and stack and CLOSING[stack[-1][1]] == c:
            stack.pop()
        i += 1
    return stack[-1] if stack else None


def _unclosed_quote(text: str, upto: int) -> tuple[int, int] | None:
    """The line and column of a `"` that opens a value and is not closed on its line, before line `upto`
    (0-based): where a parser error after it most likely comes from."""
    for number, line in enumerate(text.splitlines()[: upto + 1], start=1):
        body = line.split(" #")[0]
        opening = re.search(r'(^|[:\-\[{,]\s*)"', body)
        if opening and body[opening.end():].replace('\\"', "").count('"') == 0:
            return number, opening.end()
    return None


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8")
        line, col = _position(good, len(good))
        raise DataError(
            name, line, col,
            f"byte 0x{raw[exc.start]:02x} is not UTF-8 (Latin-1 or Windows-1252?); save the file as UTF-8 (in "
            "Notepad: Arkiv, Spara som, Kodning UTF-8, not ANSI)",
        ) from None


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of `index`, counting CR LF, CR and LF as line breaks, as the parser does."""
    breaks = list(_LINE_BREAK.finditer(text, 0, index))
    start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, index - start + 1


def _build(events, name: str) -> Node:
    """The node tree of a parser's events; one pass, one branch per event kind (the hot loop of loading)."""
    import yaml

    root: list[Node] = []
    parent: Mapping | Sequence | list = root  # where the next node goes
    key: Scalar | None = None  # a mapping's key waiting for its value
    stack: list[tuple[Mapping | Sequence | list, Scalar | None]] = []
    documents = 0
    scalar, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)

    def fail(event, problem: str):
        raise DataError(name, event.start_mark.line + 1, event.start_mark.column + 1, problem)

    for event in events:
        kind = type(event)
        if kind is scalar:
            if event.tag is not None:  # '!' (non-specific) too: tags are no part of kfollow's files
                fail(event, f"tag '{event.tag}' is not allowed; write the value without a tag")
            if event.anchor is not None:
                fail(event, f"anchor '&{event.anchor}' is not allowed; write the values out")
            value = event.value
            # raw control characters are refused before parsing; an escape can only come from "…"
            if event.style == '"' and (bad := FORBIDDEN.search(value)):
                fail(event, f"the value contains {control_kind(bad[0])}, written as an escape such as \\e or "
                            "\\u202e; remove it")
            mark = event.start_mark
            node = Scalar(value, mark.line + 1, mark.column + 1)
        elif kind is mapping_start or kind is sequence_start:
            if event.tag is not None:
                fail(event, f"tag '{event.tag}' is not allowed; write the value without a tag")
            if event.anchor is not None:
                fail(event, f"anchor '&{event.anchor}' is not allowed; write the values out")
            mark = event.start_mark
            if kind is mapping_start:
                node = Mapping(mark.line + 1, mark.column + 1, {}, event.flow_style is True)
            else:
                node = Sequence(mark.line + 1, mark.column + 1)
        elif kind in ends:
            parent, key = stack.pop()
            continue
        elif kind is yaml.AliasEvent:
            fail(event, f"alias '*{event.anchor}' is not allowed; write the values out")
        else:
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    fail(event, "more than one YAML document in the file; keep one document per file")
            continue
        # attach the node to its parent
        if parent.__class__ is Mapping:
            if key is None:
                if node.__class__ is not Scalar:
                    fail(event, "a key must be plain text, not a list or mapping")
                if node.value in parent.items:
                    first = parent.items[node.value][0]
                    fail(event, f"duplicate key '{node.value}' (first at line {first.line}); remove one of them")
                key = node
            else:
                parent.items[key.value] = (key, node)
                key = None
        elif parent.__class__ is Sequence:
            parent.items.append(node)
        else:
            parent.append(node)
        if node.__class__ is not Scalar:
            stack.append((parent, key))
            parent, key = node, None
    assert root
    return root[0]


class TreeReader:
    """Typed access to a node tree with errors that name file:line:column and what to do."""

    def __init__(self, fil: str):
        self.fil = fil

    def error(self, node: Node, problem: str) -> DataError:
        return DataError(self.fil, node.line, node.column, problem)

    def mapping(self, node: Node, what: str, allowed: tuple[str, ...] | None = None,
                required: tuple[str, ...] = ()) -> Mapping:
        if not isinstance(node, Mapping):
            kind = "a list" if isinstance(node, Sequence) else f"'{node.value}'"
            raise self.error(node, f"{what} must be a mapping (key: value lines), found {kind}")
        # {2024-04: 22 298,5}: the comma split a number, leaving its decimals a key without a value (of mappings of
        # months too, whose keys are no names to check; found by a new user: "'5' is not a month", "write 22298")
        # (only where the value before is a number and the key its decimals: an object of a mapping may be "2000": ""
        # and a verksamhet "920": with nothing; found in review)
        # (a block mapping's first key stands on the mapping's line too: `202401: 1847.0` under utfall is no split
        # number, but a month written wrongly; found by an adversarial tester)
        if allowed is None and node.flow:  # (only here: a mapping of allowed keys says it below; the hot path of a year file's rows)
            values = list(node.items.values())
            split = next(((k, i) for i, (k, (kn, vn)) in enumerate(node.items.items()) if k.isdigit() and len(k) <= 3
                          and kn.line == node.line and isinstance(vn, Scalar) and vn.value == "" and i > 0
                          and isinstance(values[i - 1][1], Scalar) and _WHOLE.fullmatch(values[i - 1][1].value)), None)
            if split is not None:
                whole = values[split[1] - 1][1].value
                plain = whole.replace(" ", "").replace("\u00a0", "").replace("\u202f", "") + "." + split[0]
                raise self.error(node.items[split[0]][0], f"a decimal comma inside {{ }} splits the number "
                                                          f"'{whole},{split[0]}'; write it with a decimal point: {plain}")
        if allowed is not None and not all(key in allowed for key in node.items):
            split = next((k for k, (kn, vn) in node.items.items() if k.isdigit() and kn.line == node.line
                          and k not in allowed and isinstance(vn, Scalar) and vn.value == ""), None) if node.flow else None
            if split is not None:  # {2024-01: 950,5} or {budget: 1240,8}: the comma split a number
                raise self.error(node.items[split][0], "a decimal comma inside { } splits the number; write amounts "
                                                       "with a decimal point, e.g. 1240.8")
            items = list(node.items.items())
            for index, (key, (knode, vnode)) in enumerate(items):
                if key not in allowed:
                    # (keys are written without å, ä, ö: `år` is `ar`, `förvaltningar` `forvaltningar`)
                    close = difflib.get_close_matches(key, allowed, n=1) or \
                        difflib.get_close_matches(key.lower().translate(_ASCII), allowed, n=1)
                    hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
                    before = items[index - 1][1][1] if index else None
                    if key.isdigit() and node.line == knode.line and node.flow and isinstance(vnode, Scalar) \
                            and vnode.value == "":  # {budget: 1240,8} splits at the comma
                        hint = "a decimal comma inside { } splits the number; write amounts with a decimal point, e.g. 1240.8"
                    elif not close and node.flow and isinstance(vnode, Scalar) and vnode.value == "" \
                            and knode.line == node.line and isinstance(before, Scalar) and before.value:
                        # {namn: Köp av verksamhet, bidrag och material, …}: the comma ended the name (found by a new
                        # user: "unknown key 'bidrag och material'" said nothing of what to do); every piece the
                        # commas cut off, up to the next key (`Köp, bidrag, material`: found in review)
                        pieces = [key]
                        for k, (kn, vn) in items[index + 1:]:
                            if k in allowed or not (isinstance(vn, Scalar) and vn.value == "" and kn.line == node.line):
                                break
                            pieces.append(k)
                        whole = ", ".join([before.value, *pieces])
                        hint = (f"a comma inside {{ }} ends a value, so '{whole}' was read as {_COUNT.get(len(pieces) + 1, len(pieces) + 1)}; write a "
                                f"value with a comma in quotes: \"{whole}\"")
                    raise self.error(knode, f"unknown key '{key}' in {what}; {hint}")
        for key in required:
            if key not in node.items:
                raise self.error(node, f"{what} lacks '{key}'; add it")
        return node

    def sequence(self, node: Node, what: str) -> Sequence:
        if not isinstance(node, Sequence):
            raise self.error(node, f"{what} must be a list (lines starting with '- ')")
        return node

    def text(self, node: Node, what: str) -> str:
        if not isinstance(node, Scalar):
            raise self.error(node, f"{what} must be text, found a {'list' if isinstance(node, Sequence) else 'mapping'}")
        value = node.value.strip()
        if not value:
            raise self.error(node, f"{what} is empty; write a value")
        return value

    def name(self, node: Node, what: str) -> str:
        """A name (of a förvaltning, stab, verksamhet, kostnadsslag, project, a header): text on one line,
        of at most NAME_LIMIT characters. A tab, line break or carriage return (`"\r"`) would shift a
        table's columns or overwrite a terminal's line, and every row of a table for people is padded to
        its longest name (one name of a million characters made 2 GB of table)."""
        value = self.text(node, what)
        # a tab or carriage return at the start or end too, which text() would strip without a word
        # (`"\tfoo"` was `foo`, `"\r=1"` `=1`: found by an adversarial tester); a block scalar's final
        # line break (`namn: |`) is no part of the name
        if bad := _LINE_BREAKING.search(value) or _TAB_OR_CR.search(node.value):
            kind = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return"}[bad[0]]
            raise self.error(node, f"{what} contains {kind}; a name is one line of text: remove it")
        if len(value) > NAME_LIMIT:
            raise self.error(node, f"{what} is {grouped(len(value))} characters, over the limit of {NAME_LIMIT}; shorten it "
                                   "(a longer text belongs in a kommentar)")
        return value
