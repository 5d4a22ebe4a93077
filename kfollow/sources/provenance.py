"""Where the figures come from: each file a store was read from, with its git revision when the
file is in a git repository (so a printed report can be traced to the reviewed budget)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git_revision(path: str | Path) -> str | None:
    """`a1b2c3d` (the last commit of the file), with `+ ändringar som inte är incheckade` when the
    file differs from it;
    None outside git or without git."""
    path = Path(path)
    try:
        last = subprocess.run(["git", "-C", str(path.parent), "log", "-1", "--format=%h", "--", path.name],
                              capture_output=True, text=True, timeout=5)
        if last.returncode or not last.stdout.strip():
            return None
        dirty = subprocess.run(["git", "-C", str(path.parent), "status", "--porcelain", "--", path.name],
                               capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return last.stdout.strip() + (" + ändringar som inte är incheckade" if dirty.stdout.strip() else "")


def describe(files: list[str]) -> list[str]:
    """One line a file: `budgets/2024.yaml (git a1b2c3d)`."""
    out = []
    for f in files:
        rev = git_revision(f)
        out.append(f"{f} (git {rev})" if rev else f)
    return out
