"""kfollow: budget follow-up for Swedish municipalities, from YAML budgets to the report's tables.

Library use (polars is imported on first use, so `import kfollow` stays light)::

    import kfollow
    budgets = kfollow.load_budgets("budgets")
    frame = kfollow.deviation_report(budgets, 2024, by="verksamhet", forvaltning=["KLF"])
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "load_budgets": "kfollow.sources.year_file",
    "Budgets": "kfollow.store",
    "deviation_report": "kfollow.engine.operations",
    "compare_report": "kfollow.engine.operations",
    "check_report": "kfollow.engine.checks",
    "investments_report": "kfollow.engine.investments",
    "summary_report": "kfollow.engine.investments",
    "budget_changes_report": "kfollow.engine.operations",
}
__all__ = [*_LAZY, "__version__"]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kfollow' has no attribute {name!r}")
