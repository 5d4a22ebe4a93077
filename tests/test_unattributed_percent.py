"""`Ej fördelat på kostnadsslag` (what a row has without an account: a budget change by decision) has no
Avvikelse % of its own: its budget is a decision's and its utfall none (or the reverse), so a percent
of it is ±100,0 % and says nothing. It is `–` in every format (empty in csv, null in json), its
deviation stays, and so do the percents of a förvaltning typed in YAML, whose rows are shown whole."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.conftest import ROOT, csv_rows
from tests.test_grain import _csv, _ore, grain  # noqa: F401 (the fixture)

EXAMPLES = ROOT / "examples"


def test_the_rest_of_a_row_has_no_percent_in_csv(run, grain):  # noqa: F811
    nested = _csv(run, grain, "--period", "2024-08", "--by", "stab,kostnadsslag")
    rest = [r for r in nested if r["radtyp"] == "del_ej_fordelat"]
    # EKS's budget change of 1 200 kr from March, 6/10 of it by August, and no utfall: no percent, its deviation kept
    assert [(r["stab"], _ore(r["budget"]), _ore(r["utfall"]), _ore(r["avvikelse"]), r["avvikelse_pct"])
            for r in rest] == [("EKS", 720_00, 0, 720_00, "")]
    # the parts and the rows keep theirs
    parts = {(r["stab"], r["kostnadsslag"]): r["avvikelse_pct"] for r in nested if r["radtyp"] in ("del", "radsumma")}
    assert (parts["EKS", "personal"], parts["EKS", "ovriga"]) == ("5.0", "-10.0")
    alone = _csv(run, grain, "--period", "2024-08", "--by", "kostnadsslag")
    rest = [r for r in alone if r["radtyp"] == "ej_fordelat"]
    assert [(_ore(r["budget"]), _ore(r["avvikelse"]), r["avvikelse_pct"]) for r in rest] == [(720_00, 720_00, "")]
    # its share of the utfall is a share as any other row's (0 of the total here)
    assert [r["andel_pct"] for r in rest] == ["0.0"]


def test_the_rest_of_a_row_has_no_percent_in_the_table_and_json(run, grain):  # noqa: F811
    table = run("deviation", "--budgets", grain, "--period", "2024-08", "--by", "stab,kostnadsslag", "--unit", "kr")
    assert table.exit_code == 0, table.stderr
    lines = [re.split(" {2,}", line.strip()) for line in table.stdout.splitlines()]
    rest = [cells for cells in lines if cells[0] == "Ej fördelat på kostnadsslag"]
    # Budget, Utfall, Avvikelse, Avvikelse %, Andel av summa %, Budget helår
    assert rest == [["Ej fördelat på kostnadsslag", "720", "0", "720", "–", "0,0", "1\u00a0200"]], table.stdout
    assert "visas inte i procent (–)" in table.stdout  # the note under the table says why
    records = json.loads(run("deviation", "--budgets", grain, "--period", "2024-08", "--by", "stab,kostnadsslag",
                             "--unit", "kr", "-f", "json").stdout)
    rest = [r for r in records if r["radtyp"] == "del_ej_fordelat"]
    assert [(r["avvikelse"], r["avvikelse_pct"]) for r in rest] == [(720.0, None)]
    assert {"avvikelse_pct", "andel_pct"} <= set(rest[0])  # the key stays, null


def test_a_forvaltning_typed_in_yaml_keeps_the_percent_of_all_its_money(run, tmp_path):
    """Beside fact tables, a förvaltning typed in YAML has all its money on its rows, shown whole: a row's
    deviation as any, with its percent (as `--top` lists it)."""
    d = tmp_path / "budgets"
    shutil.copytree(EXAMPLES / "sie" / "budgets", d)
    months = ", ".join(f"2024-{m:02d}: 400.0" for m in range(1, 11))
    year = d / "2024.yaml"
    text = year.read_text(encoding="utf-8")
    year.write_text(text.replace("\nombudgeteringar:", (
        f"\n  NY:\n    namn: Ny förvaltning\n    staber:\n      X: {{namn: Stab X, budget: 12000.0, utfall: {{{months}}}}}\n"
        "ombudgeteringar:"), 1), encoding="utf-8")
    rows = csv_rows(run("deviation", "--budgets", d, "--period", "2024-10", "--by", "stab,kostnadsslag", "-f", "csv",
                        "--exact", "--unit", "kr").stdout)
    # (its row is shown whole, with no part of itself below it: found by a new user)
    assert [r["radtyp"] for r in rows if r["stab"] == "X"] == ["rad"]
    x = next(r for r in rows if r["stab"] == "X")
    # 10 000 tkr of budget to October, 4 000 tkr of utfall: 6 000 tkr, 60 % of the budget
    assert (_ore(x["budget"]), _ore(x["utfall"]), _ore(x["avvikelse"])) == (10_000_000_00, 4_000_000_00, 6_000_000_00)
    assert float(x["avvikelse_pct"]) == 60.0
    # DIG's rest beside its accounts (the 1,5 mnkr moved to it in June) has none
    dig = next(r for r in rows if r["radtyp"] == "del_ej_fordelat" and r["stab"] == "DIG")
    assert _ore(dig["avvikelse"]) != 0 and dig["avvikelse_pct"] == ""
