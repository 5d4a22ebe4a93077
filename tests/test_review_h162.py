"""Rounding, notes and Word labels seen again (session 40, h162): one rounding rule for tables, notes and messages;
notes whose amounts follow the table's `--decimals` and `--exact`; a sum's label in Word on one line."""
from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from kfollow.options import half_away, in_unit
from kfollow.render.numbers import money
from tests.conftest import ROOT

PACKAGE = ROOT / "kfollow"


def _rounding_calls(path: Path) -> list[str]:
    """Where a module rounds by a rule of its own: Decimal's `quantize` or a `ROUND_` mode, or the built-in `round`
    of a number (not of a layout's size in Word, twips and half-points, nor a chart's tick compared within 1e-9)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr == "quantize":
            found.append(f"{path.name}:{node.lineno} quantize")
        elif isinstance(node, (ast.Name, ast.alias)) and (getattr(node, "id", None) or node.name).startswith("ROUND_"):
            found.append(f"{path.name}:{node.lineno} ROUND_")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "round":
            found.append(f"{path.name}:{node.lineno} round")
    return found


def test_one_rule_rounds_for_tables_notes_and_messages():
    """The rule (half away from zero) had two homes, `options.in_unit` for notes and `render.numbers` for tables, and
    the engine's indicators and thresholds, the charts' ticks, the forms' answers and the ledger's messages each
    quantized on their own: one home now, `options.half_away`, outside render (the engine rounds its notes by it)."""
    found = [f for p in sorted(PACKAGE.rglob("*.py")) if p.name != "options.py" for f in _rounding_calls(p)]
    # (Word's twips and half-points of a layout, a chart's test of whether a tick is whole: not amounts shown)
    allowed = {"docx.py round", "charts.py round"}
    assert [f for f in found if f"{f.split(':')[0]} {f.split()[-1]}" not in allowed] == []
    # and the rule is the tables': every öre of a range of halves and near-halves, both signs, in every unit
    for ore in [*range(-1500, 1501, 25), 49_999, 50_000, -50_000, 149_999_999, 150_000_000, -250_000_000, 12_345_678]:
        for unit, places in (("kr", 0), ("tkr", 0), ("tkr", 2), ("mnkr", 1), ("mnkr", 3)):
            table = money(ore, unit, places).replace("\u00a0", " ")
            note = in_unit(ore, unit, places=places).removesuffix(f" {unit}")
            if half_away(Decimal(ore) / {"kr": 100, "tkr": 100_000, "mnkr": 100_000_000}[unit], places) != 0:
                assert note == table, (ore, unit, places)
