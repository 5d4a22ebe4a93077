"""The files kfollow keeps beside a file it writes while it writes it: its temporaries and an import's lock.

A temporary (`.NAME.kfollow-tmp-XXXXXXXX`, `render.writer`) holds a file's new bytes until it is renamed into
place; a run killed (SIGKILL, a power cut) before the rename leaves it. An import's lock (`.NAME.kfollow-lock`,
`import_lock`) says that an import into NAME is running: two imports into one table at once (a cron job and a
controller by hand) each wrote a note and a table, and the one's note could end up beside the other's table
(found in review, h163). The lock is held by flock, which the system lets go of when the process ends however it
ends, so that a lock a killed run left is told from a live one and taken over; the file says which run holds it
(pid, host, start time) for the message of a second import, which is refused at once.

Neither a layer's module nor one of the data's: `render.writer` writes the temporaries, the command line takes
the lock, and `check` (engine) looks for what a killed run left (`leftovers`).
"""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kfollow.errors import InputOutputError, shown

TMP_MARK = ".kfollow-tmp-"
STALE = re.compile(r"\..*" + re.escape(TMP_MARK) + r"[a-z0-9_]{8}")  # kfollow's temporaries, and only those
LOCK_MARK = ".kfollow-lock"
NAME_MAX = 255  # where the folder cannot say (os.pathconf)


def name_max(folder: Path) -> int:
    """The longest file name (bytes) the folder takes; OSError when it is no folder."""
    if not folder.is_dir():
        raise FileNotFoundError(2, os.strerror(2), str(folder))
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, ValueError, OSError):  # a platform or file system that cannot say
        return NAME_MAX


def _cut(target: Path, mark: str, tail: int) -> str:
    """`.NAME{mark}`, NAME cut so that it and `tail` more bytes fit where the target's name does."""
    room = name_max(target.parent) - len(os.fsencode(f".{mark}")) - tail
    name = target.name
    while len(os.fsencode(name)) > room:
        name = name[:-1]
    return f".{name}{mark}"


def temporary_prefix(target: Path) -> str:
    """`.NAME.kfollow-tmp-`, to which 8 letters are added: a temporary of `target`."""
    return _cut(target, TMP_MARK, 8)


def lock_path(target: Path) -> Path:
    """`.NAME.kfollow-lock` beside `target`: the lock of an import into it."""
    return target.parent / _cut(target, LOCK_MARK, 0)


def _holder(fd: int) -> dict:
    """What the lock file open at `fd` says of the run that holds it (pid, host, started), {} where it says
    nothing readable (being written, or not kfollow's)."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = json.loads(os.read(fd, 4096).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _about(holder: dict, swedish: bool = False) -> str:
    """`pid 4711, started 2026-12-07 02:30:15 UTC` (`on HOST` where it is another machine's); `swedish`: `pid 4711,
    startad …` (`på HOST`), for `check`."""
    words = ("okänd", "på", "startad") if swedish else ("unknown", "on", "started")
    parts = [f"pid {holder['pid']}" if isinstance(holder.get("pid"), int) else f"pid {words[0]}"]
    if isinstance(holder.get("host"), str) and holder["host"] != socket.gethostname():
        parts.append(f"{words[1]} {shown(holder['host'])}")
    if isinstance(holder.get("started"), str):
        parts.append(f"{words[2]} {shown(holder['started'])}")
    return ", ".join(parts)


def _alive(holder: dict) -> bool:
    """Whether the run a lock names may still run: its pid is there on this machine, or it is another machine's
    (which cannot be asked). For a file system without flock."""
    pid = holder.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    if holder.get("host") != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: there
        return True
    return True


def held(lock: Path) -> dict | None:
    """What a live run holding `lock` says of itself ({} where nothing), or None: no run holds it (a killed run's,
    or none there)."""
    try:
        import fcntl
    except ImportError:  # (not on Windows)
        return None
    try:
        fd = os.open(lock, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(fd)
        except OSError:  # a file system without locks
            holder = _holder(fd)
            return holder if _alive(holder) else None
        return None
    finally:
        os.close(fd)


@contextmanager
def import_lock(targets: Iterable[Path], say: Callable[[str], None]) -> Iterator[None]:
    """Hold the lock of an import into each of `targets` (the tables it writes) while it runs: another import into
    one of them that holds its lock is an InputOutputError at once, naming it; a lock that a run which no longer
    runs left is taken over, and `say` warns of it. Each lock file is removed when the import ends (however it
    ends but by SIGKILL or a power cut, whose lock the next import takes over). Where the folder is not there, no
    lock is taken: writing says what is wrong."""
    try:
        import fcntl
    except ImportError:  # (not on Windows)
        yield
        return
    held_fds: list[tuple[Path, int]] = []
    try:
        real = {Path(os.path.realpath(t.parent)) / t.name: t for t in map(Path, targets)}  # one lock per table
        for target in sorted(real):
            taken = _take(target, real[target], fcntl, say)
            if taken is not None:
                held_fds.append(taken)
        yield
    finally:
        for lock, fd in reversed(held_fds):
            try:
                if os.path.samestat(os.stat(lock, follow_symlinks=False), os.fstat(fd)):
                    os.unlink(lock)
            except OSError:
                pass
            os.close(fd)


def _take(real: Path, target: Path, fcntl, say: Callable[[str], None]) -> tuple[Path, int] | None:
    """(the lock file of an import into `target`, open and locked), or None where the folder is not there; `real`:
    the table's path with its folder's links followed, which the lock is beside."""
    try:
        lock = lock_path(real)
    except OSError:
        return None
    for _ in range(20):  # a lock file removed by its run between our open and flock: open the new one
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0),
                         0o644)
        except OSError as exc:
            raise InputOutputError(f"{shown(str(target))}: cannot make the import's lock {shown(lock.name)} beside it "
                                   f"({exc.strerror}); nothing written: remove what is at that name (a link, a "
                                   "folder) or check that the folder is writable") from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise InputOutputError(f"{shown(str(target))}: the import's lock {shown(lock.name)} beside it is not a "
                                       "regular file; nothing written: remove it")
            flocks = True
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise _busy(target, lock, _holder(fd)) from None
            except OSError:  # a file system without locks: the pid the file names is all there is
                flocks = False
            try:
                same = os.path.samestat(os.stat(lock, follow_symlinks=False), os.fstat(fd))
            except OSError:
                same = False
            if not same:
                os.close(fd)
                continue
            left = _holder(fd)
            if not flocks and left and _alive(left):
                raise _busy(target, lock, left, flocks=False)
            if left or os.fstat(fd).st_size:
                say(f"warning: {shown(str(target))}: an import that no longer runs ({_about(left)}) left its lock "
                    f"{shown(lock.name)}; taken over")
            mine = {"pid": os.getpid(), "host": socket.gethostname(),
                    "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "command": "kfollow import"}
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, json.dumps(mine).encode("utf-8") + b"\n")
            return lock, fd
        except BaseException:
            os.close(fd)
            raise
    raise InputOutputError(f"{shown(str(target))}: the import's lock {shown(lock.name)} beside it keeps changing; "
                           "nothing written: run the import again")


def _busy(target: Path, lock: Path, holder: dict, flocks: bool = True) -> InputOutputError:
    about = _about(holder) if holder else "it is starting"
    gone = "" if flocks else f" (if it no longer runs, delete {shown(lock.name)})"
    return InputOutputError(f"{shown(str(target))}: another import into it is running ({about}; its lock "
                            f"{shown(lock.name)} is beside it); nothing written: let it finish and run this import "
                            f"again{gone}")


def remove_leftovers(targets: Iterable[Path]) -> list[Path]:
    """Remove the temporaries (`.NAME.kfollow-tmp-XXXXXXXX`) of each of `targets` that a killed run left, whatever
    their age, and return them: only while this import holds the targets' lock (`import_lock`), when no other
    import writes them. Only kfollow's names, of regular files of this user: never a user's own file."""
    removed = []
    for target in targets:
        try:
            pattern = re.compile(re.escape(temporary_prefix(target)) + r"[a-z0-9_]{8}")
            entries = list(os.scandir(target.parent))
        except OSError:
            continue
        for entry in entries:
            if not pattern.fullmatch(entry.name):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and (not hasattr(os, "getuid") or info.st_uid == os.getuid()):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError:
                pass
    return sorted(removed)


def leftovers(directory: Path) -> list[tuple[Path, str, dict]]:
    """What killed runs left in `directory` and its folders (not hidden ones): (path, "temporary" or "lock", what
    the lock says of its run). A temporary of a table that a live import holds the lock of is that import's,
    and a lock held is a live one: neither is listed."""
    found = []
    for folder, folders, files in os.walk(directory):
        folders[:] = [f for f in folders if not f.startswith(".")]
        for name in sorted(files):
            path = Path(folder, name)
            if STALE.fullmatch(name):
                table = name[1:].rpartition(TMP_MARK)[0].removesuffix(".kalla.json")
                if held(Path(folder, f".{table}{LOCK_MARK}")) is None and path.is_file() and not path.is_symlink():
                    found.append((path, "temporary", {}))
            elif name.startswith(".") and name.endswith(LOCK_MARK) and path.is_file() and not path.is_symlink():
                if held(path) is None:
                    found.append((path, "lock", _read_holder(path)))
    return sorted(found)


def _read_holder(path: Path) -> dict:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return {}
    try:
        return _holder(fd)
    finally:
        os.close(fd)


def about(holder: dict, swedish: bool = False) -> str:
    """`pid 4711, started …` of a lock's run, for a message."""
    return _about(holder, swedish)
