"""`kostnadsslag:` in a year file or a mapping: named groups of account prefixes.

    kostnadsslag:
      personal: {namn: Personalkostnader, konton: ["5"]}
      lokaler: {namn: Lokalkostnader, konton: ["61", "62"]}

The order is the order of the file; an account belongs to the group of its longest matching prefix.
A file that defines `kostnadsslag` replaces the default groups (`store.DEFAULT_KOSTNADSSLAG`).
"""

from __future__ import annotations

import re

from kfollow.store import ID, Kostnadsslag
from kfollow.sources.yaml_tree import Node, Scalar, Sequence, TreeReader

_PREFIX = re.compile(r"[0-9]{1,20}")  # (an account is digits: a letter in a prefix would match none)


def parse_kostnadsslag(reader: TreeReader, node: Node) -> tuple[Kostnadsslag, ...]:
    """The groups of a `kostnadsslag:` mapping; `DataError` naming file:line:column for a bad one."""
    groups, owner, named = [], {}, {}
    top = reader.mapping(node, "kostnadsslag")
    if not top.items:
        raise reader.error(top, "kostnadsslag is empty; define at least one or remove the key")
    for gid, (knode, body) in top.items.items():
        if not ID.fullmatch(gid):
            raise reader.error(knode, f"kostnadsslag id '{gid}' must be letters, digits, - or _ (e.g. personal)")
        if gid.casefold() == "summa":  # (the key of a table's total in csv and json: a script could not tell them apart)
            raise reader.error(knode, f"kostnadsslag id '{gid}' is the key of a table's total (Summa); give it "
                                      "another id, e.g. ovriga_kostnader")
        what = f"kostnadsslag {gid}"
        spec = reader.mapping(body, what, ("namn", "konton"), ("namn", "konton"))
        namn = reader.name(spec.items["namn"][1], f"namn of {what}")
        if namn.casefold() in named:  # two rows of a table nobody could tell apart
            raise reader.error(spec.items["namn"][1], f"namn of {what} is '{namn}', as kostnadsslag {named[namn.casefold()]}'s "
                                                      "is; give each its own name")
        named[namn.casefold()] = gid
        konton = spec.items["konton"][1]
        items = konton.items if isinstance(konton, Sequence) else [konton]
        if not items:
            raise reader.error(konton, f"konton of {what} is an empty list; give account prefixes such as \"5\"")
        prefixes = []
        for item in items:
            if not isinstance(item, Scalar):
                raise reader.error(item, f"konton of {what} must be account prefixes such as \"5\" or \"61\"")
            prefix = reader.text(item, f"an account prefix of {what}")
            if not _PREFIX.fullmatch(prefix):
                raise reader.error(item, f"account prefix '{prefix}' of {what} is not a prefix; write digits such as \"5\" or \"61\"")
            if owner.get(prefix) == gid:
                raise reader.error(item, f"account prefix {prefix} is listed twice in {what}; remove one")
            if prefix in owner:
                raise reader.error(item, f"account prefix {prefix} is in kostnadsslag {owner[prefix]} and {gid}; "
                                         "keep it in one of them")
            owner[prefix] = gid
            prefixes.append(prefix)
        groups.append(Kostnadsslag(gid, namn, tuple(prefixes), knode.line))
    return tuple(groups)


def account_group(konto: str, groups: tuple[Kostnadsslag, ...]) -> str | None:
    """The id of the kostnadsslag of one account, by its longest matching prefix (as `cuts.kostnadsslag_expr`
    gives it for a column); None where none matches."""
    found = [(len(p), g.id) for g in groups for p in g.prefix if konto.startswith(p)]
    return max(found)[1] if found else None
