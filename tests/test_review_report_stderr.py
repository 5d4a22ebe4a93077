"""Found in review: what `report` says on stderr of the document and its sections."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return subprocess.run([sys.executable, "-m", "kfollow", *map(str, args)], capture_output=True, text=True)


def test_the_month_shown_is_said_when_rows_are_booked_unevenly(tmp_path):
    """LED booked to 2024-09, the others to 2024-10: `deviation` says it shows 2024-09 and why; the report shows
    2024-09 (its title) with a footer 'Senast bokförda period: 2024-10' and says nothing of it."""
    d = tmp_path / "b"
    shutil.copytree(ROOT / "examples" / "budgets", d)
    y = d / "2024.yaml"
    y.write_text(y.read_text(encoding="utf-8").replace("          2024-10: 1849.3\n", "", 1), encoding="utf-8")
    dev = run("deviation", "--budgets", d)
    note = [l for l in dev.stderr.splitlines() if "showing 2024-09" in l]
    assert note, dev.stderr
    r = run("report", "--budgets", d, "-o", tmp_path / "r.md")
    assert r.returncode == 0, r.stderr
    assert "Ekonomi januari–september 2024" in (tmp_path / "r.md").read_text(encoding="utf-8")
    assert note[0] in r.stderr, r.stderr


def test_a_report_of_one_forvaltning_warns_of_its_own_forecasts_only(tmp_path):
    d = tmp_path / "b"
    shutil.copytree(ROOT / "examples" / "sie" / "budgets", d)
    y = d / "2024.yaml"
    y.write_text(y.read_text(encoding="utf-8").replace("2024-08: 22196.0", "2024-08: 22196000.0", 1), encoding="utf-8")
    for args in (("--forvaltning", "SERV"), ("--stab", "EKO")):
        r = run("report", "--budgets", d, *args, "-o", tmp_path / "r.html")
        assert r.returncode == 0, r.stderr
        # the document has no row of KSF stab LED; the warning is of LED's forecast
        assert "KSF stab LED" not in r.stderr, (args, r.stderr)
