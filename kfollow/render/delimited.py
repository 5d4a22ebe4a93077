"""CSV for scripts (comma, `1240.8`, machine column names) and for Swedish Excel (BOM, semicolon,
`1240,8`, Swedish headers)."""

from __future__ import annotations

import re

import polars as pl

from kfollow.options import Options
from kfollow.render.columns import FORMULA, NUMERIC, TEXT, as_text, for_machines, neutralised, own_headers
from kfollow.report import Report


def to_csv(report: Report, opts: Options, excel: bool = False) -> str:
    columns = for_machines(report, opts)
    text = as_text(report, columns, opts, swedish=False)
    if excel:
        text = text.with_columns(pl.col(c.name).str.replace(".", ",", literal=True) for c in columns if c.kind in NUMERIC)
    text = text.with_columns(neutralised(c.name) for c in columns if c.kind in TEXT)
    names = own_headers(columns) if excel else [c.name for c in columns]  # Excel is read by people
    names = ["'" + n if re.match(FORMULA, n) else n for n in names]  # a header can come from a year file
    text = text.rename(dict(zip(text.columns, [f"\0{i}" for i in range(len(names))])))
    body = text.write_csv(include_header=False, separator=";" if excel else ",",
                          line_terminator="\r\n" if excel else "\n", quote_style="necessary")
    header = pl.DataFrame({f"\0{i}": [n] for i, n in enumerate(names)}).write_csv(
        include_header=False, separator=";" if excel else ",", line_terminator="\r\n" if excel else "\n",
        quote_style="necessary")
    return ("\ufeff" if excel else "") + header + body


def to_excel(report: Report, opts: Options) -> str:
    return to_csv(report, opts, excel=True)
