"""The shape of the package: imports flow one way (sources → store → engine → Report → render → cli).

Every import statement of every module is read with `ast`, those inside functions too; only the
ones under `if TYPE_CHECKING:` are left out (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kfollow"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return skipped


def _resolve(name: str) -> str | None:
    """The kfollow module an imported name refers to (a submodule, else its package)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> set[str]:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for name in names:
            if name.startswith("kfollow") and (target := _resolve(name)) and target != module:
                found.add(target)
    return found


GRAPH = {m: imports_of(m) for m in MODULES}


def _cycle() -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(GRAPH[m]):
            if state.get(n) == 1:
                return stack[stack.index(n):] + [n]
            if n not in state and (found := visit(n)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(GRAPH):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_the_reader_sees_real_imports():
    assert "kfollow.engine.periods" in GRAPH["kfollow.engine.operations"]
    assert "kfollow.sources.yaml_tree" in GRAPH["kfollow.sources.year_file"]


def test_no_import_cycle():
    assert _cycle() is None, " → ".join(_cycle() or [])


LAYERS = {  # a module of the key's layer must not import any module of these layers
    "kfollow.store": ("kfollow.sources", "kfollow.engine", "kfollow.render", "kfollow.cli"),
    "kfollow.sources": ("kfollow.engine", "kfollow.render", "kfollow.cli", "kfollow.report"),
    "kfollow.report": ("kfollow.sources", "kfollow.engine", "kfollow.render", "kfollow.cli"),
    "kfollow.engine": ("kfollow.render", "kfollow.cli"),
    "kfollow.render": ("kfollow.engine", "kfollow.sources", "kfollow.store", "kfollow.cli"),
    # run before the command line is imported: it reads the year files' table names and nothing of the rest
    "kfollow.readahead": ("kfollow.engine", "kfollow.render", "kfollow.cli", "kfollow.report"),
}


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layers_import_one_way(layer):
    wrong = [(m, n) for m, targets in GRAPH.items() if m == layer or m.startswith(layer + ".")
             for n in targets if any(n == f or n.startswith(f + ".") for f in LAYERS[layer])]
    assert not wrong, wrong
