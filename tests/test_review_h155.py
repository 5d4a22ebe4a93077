"""`--top` lists and the advice of the cuts (session 39, h155): each doubt reproduced with the example kommun, then
fixed."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.conftest import ROOT, csv_rows

NEW_STAB = ("      NST:\n        namn: Ny stab i KSF\n        budget: 1200.0\n        utfall:\n"
            + "".join(f"          2024-{m:02d}: 300.0\n" for m in range(1, 11)))


def _with_new_stab(tmp_path: Path) -> Path:
    """The example kommun with a stab NST of KSF begun in 2024 (KSF is in the file for 2023, NST is not), booked
    300 tkr a month of a budget of 1 200 tkr: to October 3 000 tkr against 1 000, a deficit of 2 000 tkr."""
    d = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "budgets", d)
    path = d / "2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("      FRI:\n", NEW_STAB + "      FRI:\n", 1),
                    encoding="utf-8")
    return d


# 1 -------------------------------------------------------------------------------------------------------------
NOTE_LISTED = "Utfall 2023 ack. är – för Ny stab i KSF, som inte finns i filen för 2023."


def test_a_top_list_with_a_stab_begun_this_year_says_why_its_last_years_figure_is_a_dash(run, tmp_path):
    """`deviation --top 5` (and `--stab NST --stab EKO --top 5`, `--stab NST --top 5`) listed a stab begun this year
    with `–` under `Utfall 2023 ack.` and no word, where the full table says why: the list has the note too, under
    the table and on stderr in csv and json (without the full table's sums, which a list has none of)."""
    d = _with_new_stab(tmp_path)
    args = ("deviation", "--budgets", d, "--period", "2024-10", "--unit", "tkr")
    for chosen in ((), ("--stab", "NST", "--stab", "EKO"), ("--stab", "NST")):
        text = run(*args, *chosen, "--top", "5")
        assert text.exit_code == 0, text.stderr
        assert re.search(r"^Ny stab i KSF +1\u00a0000 +3\u00a0000 +-2\u00a0000 +-200,0 +[\d,]+ +– ", text.stdout,
                         re.M), text.stdout
        assert "Anm.: " + NOTE_LISTED in text.stdout, (chosen, text.stdout)
        assert "summorna" not in text.stdout  # (a list has no sums)
        csv = run(*args, *chosen, "--top", "5", "-f", "csv")
        assert [(r["stab"], r["budget"], r["utfall"], r["avvikelse"], r["utfall_2023"])
                for r in csv_rows(csv.stdout) if r["stab"] == "NST"] == [("NST", "1000", "3000", "-2000", "")]
        assert "note: " + NOTE_LISTED + "\n" in csv.stderr, (chosen, csv.stderr)
        by_json = run(*args, *chosen, "--top", "5", "-f", "json")
        assert "note: " + NOTE_LISTED + "\n" in by_json.stderr, by_json.stderr
        assert [r["utfall_2023"] for r in json.loads(by_json.stdout) if r["stab"] == "NST"] == [None]
    # a list that does not list it has nothing to say of it
    one = run(*args, "--top", "1")
    assert one.stdout.count("\n") and "Ny stab" not in one.stdout and "som inte finns i filen" not in one.stdout
    # the example as it is: nothing to note
    assert "som inte finns i filen" not in run("deviation", "--budgets", ROOT / "examples" / "budgets",
                                                "--period", "2024-10", "--top", "5").stdout

