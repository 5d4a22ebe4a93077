"""kfollow: budget follow-up for Swedish municipalities, from YAML budgets to the report's tables.

Library use (polars is imported on first use, so `import kfollow` stays light)::

    import kfollow
    store = kfollow.load("budgets")
    report = kfollow.deviation(store, 2024, by="verksamhet", forvaltning=["KLF"])
    report.frame                          # every figure a column; money Int64 öre, exact
    print(kfollow.to_text(report, "table"))

The functions answer as the commands of the same name do (the same defaults: the latest year, a
year still being booked shown year to date).
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "load": ("kfollow.sources.year_file", "load_budgets"),
    "Store": ("kfollow.store", "Store"),
    "Report": ("kfollow.report", "Report"),
    "deviation": ("kfollow.engine.operations", "deviation"),
    "compare": ("kfollow.engine.operations", "compare"),
    "months": ("kfollow.engine.operations", "months"),
    "changes": ("kfollow.engine.operations", "changes"),
    "investments": ("kfollow.engine.investments", "investments"),
    "summary": ("kfollow.engine.investments", "summary"),
    "check": ("kfollow.engine.checks", "check"),
    "indicators": ("kfollow.engine.indicators", "indicators"),
    # an ekonomisystem export → fact tables of utfall and budget (as `kfollow import sie|csv`, nothing written)
    "import_sie": ("kfollow.importing", "import_sie"),
    "import_csv": ("kfollow.importing", "import_csv"),
    "Import": ("kfollow.importing", "Import"),
    # the frames behind the reports, with their own arguments (months as numbers 1–12)
    "load_budgets": ("kfollow.sources.year_file", "load_budgets"),
    "Budgets": ("kfollow.store", "Store"),
    "deviation_report": ("kfollow.engine.operations", "deviation_report"),
    "compare_report": ("kfollow.engine.operations", "compare_report"),
    "budget_changes_report": ("kfollow.engine.operations", "budget_changes_report"),
    "months_report": ("kfollow.engine.operations", "months_report"),
    "investments_report": ("kfollow.engine.investments", "investments_report"),
    "summary_report": ("kfollow.engine.investments", "summary_report"),
}
__all__ = [*_LAZY, "to_text", "__version__"]


def to_text(report, fmt: str = "table", decimals: int | None = None, comments: bool = False) -> str:
    """A `Report` as text: table, md, csv, json or excel (as `--format`)."""
    from kfollow.options import Format, Options
    from kfollow.render import render

    return render(report, Options(Format(fmt), decimals, comments))


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'kfollow' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The names `__getattr__` gives besides the module's own, for a notebook's completion (`dir(kfollow)` showed
    two names; found by a library user)."""
    return sorted({*globals(), *__all__})
