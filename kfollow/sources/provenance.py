"""Where the figures come from: each file a store was read from, with its git revision when the
file is in a git repository (so a printed report can be traced to the reviewed budget).

For documents people read, a file is named relative to its git repository (with the revision), to
the working folder (the path typed) or to the budgets folder's parent (`budgets/2024.yaml`), never by an absolute or user-specific path; machine
formats (csv, json) keep the paths as given."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def _git(path: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(path.parent), *args], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_revision(path: str | Path) -> str | None:
    """`a1b2c3d` (the last commit of the file), with `+ ändringar som inte är incheckade` when the
    file differs from it;
    None outside git or without git."""
    path = Path(path)
    last = _git(path, "log", "-1", "--format=%h", "--", path.name)
    if not last:
        return None
    dirty = _git(path, "status", "--porcelain", "--", path.name)
    return last + (_DIRTY if dirty else "")


_DIRTY = " + ändringar som inte är incheckade"


def _inside(path: Path, folder: Path) -> str | None:
    """`path` relative to `folder` (with `/`), or None when it is not inside it."""
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return None


def shown_path(path: str | Path, directory: str | Path | None = None, in_git: bool = False) -> str:
    """A file's name for people: relative to its git repository when `in_git`, else to the working
    folder when it is below it (`examples/sie/budgets/2024.yaml`, the path typed), else to the budgets
    `directory`'s parent (`budgets/2024.yaml`), else its name alone; never absolute."""
    resolved = Path(os.path.abspath(path))
    if in_git and (top := _git(resolved, "rev-parse", "--show-toplevel")):
        if (shown := _inside(Path(os.path.realpath(resolved)), Path(os.path.realpath(top)))) is not None:
            return shown
    # (outside git a file was named relative to its budgets folder's parent alone: `--budgets
    # examples/sie/budgets` was listed as `budgets/2024.yaml`, another file of the working folder; found in review)
    # (run from / (cron, a service), every file is below the working folder: `tmp/h119/budgets/2024.yaml`, an absolute
    # path without its first `/`, and another name than the same report run from the repository; found in review, h119)
    here = Path(os.path.abspath(os.curdir))
    if here.parent != here and (shown := _inside(resolved, here)) is not None:
        return shown
    if directory is not None:
        folder = Path(os.path.abspath(directory))
        if (shown := _inside(resolved, folder.parent)) is not None and folder.parent != folder:
            return shown
    return resolved.name


def fingerprint(path: str | Path, digits: int = 16) -> str | None:
    """The first `digits` hex digits of the file's SHA-256 (`sha256sum` prints them first), or None where it cannot be
    read."""
    import hashlib

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()[:digits]


def describe(files: list[str], directory: str | Path | None = None) -> list[str]:
    """One line a file, for people: `budgets/2024.yaml (git a1b2c3d)` in a git repository (the
    path relative to it), else relative to the working folder or the budgets `directory` (`budgets/2024.yaml`); with
    the file's `fingerprint` where git does not tell its content (outside git, or with changes not checked in), so
    that a file changed after the report is known by `sha256sum` (found by an auditor, h135: a year file's budget
    changed after the report left the same `Källor:`)."""
    out = []
    for f in files:
        rev = git_revision(f)
        name = shown_path(f, directory, in_git=rev is not None)
        said = [f"git {rev}"] if rev else []
        if (not rev or rev.endswith(_DIRTY)) and (digest := fingerprint(f)):
            said.append(f"sha256 {digest}")
        out.append(f"{name} ({', '.join(said)})" if said else name)
    return out
