"""Investment projects: the `investeringar` section of a year file, its checks and reports.

(Being built for the investments issue; the interface below is what model, checks and cli call.)
"""

from __future__ import annotations

import polars as pl

INVESTMENT_SCHEMA: dict[str, pl.DataType] = {
    "ar": pl.Int32,
    "projekt": pl.String,
    "fil": pl.String,
    "rad": pl.Int32,
}


def parse_investments(parser, node, ar: int) -> list[dict]:
    """Rows (INVESTMENT_SCHEMA) of one year file's `investeringar` section; `parser` is model._YearParser."""
    raise parser.error(node, "investeringar is not supported yet")


def reconcile_investments(budgets) -> list[dict]:
    """Findings (checks.FINDING_SCHEMA rows) for the investment rules."""
    return []
