"""The README is the front door: its example year file passes `check`, and the commands it shows
print what it says (blocks with `...` are abridged and only their shown lines are compared)."""

from __future__ import annotations

import re
import shlex

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```[a-z]*\n(.*?)```", README, flags=re.DOTALL)
EXAMPLES = [b for b in BLOCKS if b.startswith("$ kfollow ") and "#" not in b.splitlines()[0]]


def _norm(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]  # (a no-break space as printed: copied, it stays one)


def test_the_complete_year_file_passes_check(run, tmp_path):
    start = README.index("A complete year file")
    block = re.search(r"```yaml\n(.*?)```", README[start:], flags=re.DOTALL).group(1)
    (tmp_path / "2024.yaml").write_text(block, encoding="utf-8")
    result = run("check", "--budgets", tmp_path)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert run("deviation", "--budgets", tmp_path).exit_code == 0


@pytest.mark.parametrize("block", EXAMPLES, ids=[b.splitlines()[0][2:60] for b in EXAMPLES])
def test_readme_commands_print_what_the_readme_shows(run, monkeypatch, block):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("KFOLLOW_BUDGETS", raising=False)
    command, *shown = block.rstrip("\n").splitlines()
    result = run(*shlex.split(command)[2:])  # after "$ kfollow"
    actual = _norm(result.stdout + result.stderr)
    shown = _norm("\n".join(shown))
    if "..." in shown:
        assert all(line in actual for line in shown if line != "..."), "\n".join(actual)
    else:
        assert actual == shown
