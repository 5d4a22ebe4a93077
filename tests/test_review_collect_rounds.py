"""Found in review: collect's earlier-month warning is not given on the README's own example (a round for an
earlier month on its own), nor across a year boundary."""
import shutil
import subprocess
import sys
from pathlib import Path

from form_filler import fill

ROOT = Path(__file__).resolve().parents[1]
K = [sys.executable, "-m", "kfollow"]


def run(*args, cwd=None):
    return subprocess.run([*K, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_readme_collect_example_warns_every_form(tmp_path):
    """README line 110: `kfollow collect --budgets examples/budgets formular/2024-08/*.xlsx`."""
    b = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "budgets", b)
    out = tmp_path / "formular" / "2024-08"
    r = run("forms", "--budgets", b, "--period", "2024-08", "-o", out)
    assert r.returncode == 0, r.stderr
    forms = sorted(out.glob("*.xlsx"))
    answered = [fill(f, tmp_path / f"a{i}.xlsx", None, "Som budget.") for i, f in enumerate(forms[:3])]
    r = run("collect", "--budgets", b, *answered)
    print(r.stderr)
    assert r.returncode == 0, r.stderr
    warned = [l for l in r.stderr.splitlines() if "is it an earlier month's form" in l]
    assert warned == [], warned


def test_december_and_january_forms_of_two_years(tmp_path):
    """Year-end forms of 2023-12 collected with the new year's forms: each is its year's latest round."""
    b = tmp_path / "budgets"
    shutil.copytree(ROOT / "examples" / "budgets", b)
    dec, oct_ = tmp_path / "f12", tmp_path / "f10"
    r = run("forms", "--budgets", b, "--period", "2023-12", "-o", dec)
    assert r.returncode == 0, r.stderr
    r = run("forms", "--budgets", b, "--period", "2024-10", "-o", oct_)
    assert r.returncode == 0, r.stderr
    a = fill(sorted(dec.glob("*.xlsx"))[0], tmp_path / "dec.xlsx", None, "Bokslut.")
    c = fill(next(oct_.glob("* HR *.xlsx")), tmp_path / "oct.xlsx", None, "Som budget.")
    r = run("collect", "--budgets", b, a, c)
    print(r.stderr)
    assert r.returncode == 0, r.stderr
    warned = [l for l in r.stderr.splitlines() if "is it an earlier month's form" in l]
    assert warned == [], warned
