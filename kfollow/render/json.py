"""JSON for scripts: a list of records keyed by machine column names; numbers are JSON numbers
written from their exact decimal text (never through a float), text is JSON-escaped."""

from __future__ import annotations

import json

from kfollow.options import Options
from kfollow.render.columns import NUMERIC, as_text, for_machines
from kfollow.report import Kind, Report


def to_json(report: Report, opts: Options) -> str:
    columns = for_machines(report, opts)
    text = as_text(report, columns, opts, swedish=False)
    keys = [json.dumps(c.name, ensure_ascii=False) for c in columns]
    tokens = []
    for c in columns:
        values = text[c.name].to_list()
        if c.kind in NUMERIC or c.kind is Kind.count:
            tokens.append(["null" if v is None else v for v in values])
        else:
            tokens.append([json.dumps(v, ensure_ascii=False) for v in values])
    if not text.height:
        return "[]\n"
    records = (
        "  {\n" + ",\n".join(f"    {k}: {v}" for k, v in zip(keys, row)) + "\n  }"
        for row in zip(*tokens)
    )
    return "[\n" + ",\n".join(records) + "\n]\n"
