"""Every file kfollow writes: stdout, or a set of files replaced atomically (nothing is written on error).

One home for writing. Each target is checked before anything is written (`check`): never a file
the command read, never a folder, never a name longer than its folder allows; a file kfollow
names itself beside the one asked for (an import's note, a report's charts) is never a symbolic
link nor a FIFO or device: it is a regular file or absent. The file asked for (`-o`) is not
written through a symbolic link either (a link planted in a cloned folder would send the report onto
any file the user may write), but may be a FIFO or device, written in place (`-o /dev/stdout`).

A set of files (`write_files`) is written to temporaries in each target's folder first, named
`.NAME.kfollow-tmp-XXXXXXXX`, and only then renamed into place in the order given, the main file
last; a failure before or during the renames puts back what was replaced, so the old set stays
whole. A temporary that a killed run left behind is removed by the next write into that folder
once it is `STALE_AFTER` seconds old.

For tests only: with the environment variable `KFOLLOW_TEST_HOOK=before-rename` the process kills
itself (SIGKILL) when every temporary is written and none is renamed yet, so a test can show what
a kill at that point leaves; `before-rename:SIGTERM` sends itself that signal instead.
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kfollow.errors import InputOutputError, UsageError, shown
from kfollow.staging import STALE, TMP_MARK, name_max as _name_max, temporary_prefix as _prefix  # noqa: F401

STALE_AFTER = 10 * 60  # seconds: a write takes far less; an older temporary is a killed run's
LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # of a temporary's last 8 (as mkstemp's)


@dataclass(frozen=True)
class File:
    """One file of a set: `beside` names the file asked for when kfollow chose this name itself."""

    path: Path
    data: str | bytes
    beside: Path | None = None


def write(data: str | bytes, out: Path | None, reads: Iterable[Path | str] = ()) -> None:
    """Write text (UTF-8) or bytes (xlsx, Parquet, PNG) to stdout, or to the file `out` (see
    `write_files`), never over a file of `reads`. Bytes are not sent to a terminal."""
    if out is not None:
        write_files([File(Path(out), data)], reads)
        return
    if not data:  # nothing to say (`check` without findings): no write, which a full device would refuse
        return
    try:
        if isinstance(data, bytes):
            if sys.stdout.isatty():
                raise UsageError("this format is a binary file: write it with -o FILE")
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        elif getattr(sys.stdout, "buffer", None) is not None:  # UTF-8 whatever the locale's encoding (ASCII, Latin-1:
            sys.stdout.flush()  # no `–` in them), as README promises and as -o writes it
            sys.stdout.buffer.write(data.encode("utf-8"))
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
            sys.stdout.flush()
    except BrokenPipeError:  # the reader (e.g. `head`) has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:
        raise InputOutputError(f"cannot write to standard output ({exc.strerror})") from None


LOCK_WAIT = 600.0  # seconds a command waits for another to let go of a folder's lock (`locked`)


@contextmanager
def locked(folder: Path | str, waiting: Callable[[], None], who: str = "another kfollow command") -> Iterator[None]:
    """Hold the folder's lock (flock, released when the process ends) while a command reads a file of it,
    changes it and writes it back, so that two such commands at once each keep the other's change;
    `waiting` is called once when another holds it. A folder that cannot be opened (or is no folder), or a
    system without flock, takes no lock: reading it will say what is wrong. Another (`who`) that holds it for
    LOCK_WAIT seconds is hung: InputOutputError (a collect stuck on a network disk kept every later one waiting for
    good, and a month-end script with it; found in review, session 31)."""
    try:
        import fcntl
    except ImportError:  # (not on Windows)
        yield
        return
    try:  # a folder only, opened without waiting: a FIFO given as the folder would block the open for good
        # (found in review, h117: `collect --budgets fifo` hung where reading it says it is not a folder)
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            deadline = time.monotonic() + LOCK_WAIT
            while True:
                time.sleep(0.1)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        minutes = f"{LOCK_WAIT / 60:g}".replace(".", ",")
                        raise InputOutputError(f"{shown(str(folder))}: {who} has held the folder for {minutes} "
                                               "minutes and may hang; stop it (or let it finish) and run this command "
                                               "again") from None
        except OSError:  # a file system without locks
            pass
        yield
    finally:
        os.close(fd)


def write_files(files: Sequence[File], reads: Iterable[Path | str] = ()) -> None:
    """Write a set of files all or nothing: every target checked, every one written to a temporary,
    then renamed into place in the order given (put the main file last). A regular file keeps its
    permissions; a FIFO or device asked for is written in place, in its turn."""
    if not files:
        return
    reads = [Path(r) for r in reads]
    targets = [check(f.path, reads, f.beside) for f in files]
    if len(set(targets)) < len(targets):
        raise UsageError(f"{shown(str(files[-1].path))}: two files of this command would be the same file; "
                         "name them apart")
    for folder in set(t.parent for t in targets):
        _clean(folder)
    temps: list[str | None] = []
    at = files[0]  # the file being written, for the message
    try:
        for f, target in zip(files, targets):
            at = f
            _temporary(f, target, temps)
        hook = os.environ.get("KFOLLOW_TEST_HOOK", "")
        if hook == "before-rename" or hook.startswith("before-rename:"):
            import signal

            os.kill(os.getpid(), getattr(signal, hook.partition(":")[2] or "SIGKILL"))
        at = files[-1]
        _swap(list(zip(files, targets, temps)))
    except OSError as exc:
        raise InputOutputError(f"{shown(str(at.path))}: cannot write file ({exc.strerror}); nothing written: check "
                               "that the folder exists, is writable and has room") from None
    finally:
        for tmp in temps:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


def check(path: Path | str, reads: Iterable[Path | str] = (), beside: Path | None = None) -> Path:
    """The real path kfollow may write `path` to; UsageError when it is a file of `reads`,
    InputOutputError when it is a folder, its name is too long for its folder, a symbolic link (but
    to a FIFO or device asked for), or (`beside`: a name kfollow chose) a FIFO or a device."""
    path = Path(path)
    try:
        return _check(path, [Path(r) for r in reads], beside)
    except OSError as exc:
        raise InputOutputError(f"{shown(str(path))}: cannot write file ({exc.strerror}); check that the folder exists "
                               "and is writable") from None


def _check(path: Path, reads: list[Path], beside: Path | None) -> Path:
    about = shown(str(path)) + (f" (written beside {shown(str(beside))})" if beside is not None else "")
    instead = "write it elsewhere" if beside is None else f"write {shown(str(beside))} elsewhere"
    if beside is not None and os.path.islink(path):
        raise InputOutputError(f"{about} is a symbolic link, which kfollow does not follow; nothing written: remove "
                               f"the link or {instead}")
    if beside is None and _special(path):  # a FIFO or device asked for, such as /dev/stdout: written in place
        return path
    if beside is None and os.path.islink(path):
        raise InputOutputError(f"-o {about} is a symbolic link (to {shown(os.readlink(path))}), which kfollow does not "
                               "write through; nothing written: give the real file's path")
    target = resolved(path.parent) / path.name if beside is not None else resolved(path)
    limit, length = _name_max(target.parent), len(os.fsencode(target.name))
    if length > limit:
        raise InputOutputError(f"{about}: the name is {length} bytes, longer than its folder allows ({limit}); "
                               f"nothing written: give {shown(str(beside or path))} a shorter name")
    for read in reads:
        if target == resolved(read) or (target.exists() and read.exists() and os.path.samefile(target, read)):
            named = "" if read == path else f" {shown(str(read))},"
            raise UsageError(f"{about} is{named} a file this command reads; nothing written: {instead}")
    mode = target.stat().st_mode if target.exists() else None
    if mode is not None and stat.S_ISDIR(mode):
        raise InputOutputError(f"{about} is a folder; nothing written: give a file name")
    if mode is not None and beside is not None and not stat.S_ISREG(mode):
        raise InputOutputError(f"{about} is not a regular file (a FIFO, a device); nothing written: remove it or "
                               f"{instead}")
    if mode is not None and stat.S_ISREG(mode) and (lock := _office_lock(target)) is not None:
        raise InputOutputError(f"{about} is open in Excel or Word (its lock file {shown(lock.name)} is beside it); "
                               f"nothing written: close it and run again, or {instead} (a lock file that a program "
                               "which crashed left may be deleted)")
    return target


def _office_lock(target: Path) -> Path | None:
    """The lock file (`~$NAME`) that Excel, and Word (which drops one or two of the name's first letters), keep
    beside a file that is open, if any: replaced under it, a report open in Excel on a shared folder was replaced
    without a word, and the workbook saved in Excel afterwards put the old figures back (on Windows itself the
    replace fails); found by an ekonom on Windows, h120."""
    name = target.name
    # Word's own lock: `~$` before a name of at most 6 letters, for the first letter of one of 7, for the first two of
    # a longer one; another cut is another document's lock: `~$rtial.docx` is rtial.docx's and `~$Tertial.docx`
    # XXTertial.docx's, neither Tertial.docx's (found in review, h125 and h126)
    word = target.suffix.lower() in (".docx", ".doc")
    kept = name if not word or len(target.stem) <= 6 else name[1:] if len(target.stem) == 7 else name[2:]
    lock = target.parent / ("~$" + kept)
    return lock if lock.is_file() else None


def resolved(out: Path | str) -> Path:
    """The real path `out` names (links followed); a symbolic link loop is an InputOutputError."""
    try:
        return Path(out).resolve()
    except (RuntimeError, OSError):  # RuntimeError: a loop, before Python 3.13
        raise InputOutputError(f"{shown(str(out))}: cannot write file (a symbolic link loop); check the path") from None


def _special(path: Path) -> bool:
    """Whether `path` (links followed) is a FIFO or a device."""
    try:
        mode = os.stat(path).st_mode
    except OSError:  # absent, or what the checks after say better (a loop, a name too long)
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _temporary(f: File, target: Path, temps: list[str | None]) -> None:
    """`f`'s bytes in a temporary beside `target`, with the target's permissions, its name added to `temps`
    before the file is made (a stop, SIGTERM, between mkstemp's making it and the caller's taking its name
    left it behind: found by an IT operator, h128); None for a FIFO or device, which is written in place."""
    if target.exists() and not target.is_file():
        temps.append(None)
        return
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
    prefix = _prefix(target)
    while True:  # as mkstemp: a new name, made exclusively, readable by the user only until it is written
        tmp = str(target.parent / (prefix + "".join(secrets.choice(LETTERS) for _ in range(8))))
        temps.append(tmp)
        try:
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_BINARY", 0), 0o600)
            break
        except FileExistsError:
            temps.pop()
    with os.fdopen(fd, "wb") as fh:
        fh.write(_bytes(f.data))
        fh.flush()
        os.fsync(fh.fileno())  # on disk before it takes the target's name: a crash leaves old or new, not half
    os.chmod(tmp, mode)


def _swap(items: list[tuple[File, Path, str | None]]) -> None:
    """Rename each temporary into place in turn (a FIFO or device is written to); when one fails,
    put back what the ones before it replaced: the old files from their hard links, new ones removed."""
    done: list[tuple[Path, bool, str | None]] = []  # target, whether it existed, a link to its old file
    try:
        for f, target, tmp in items:
            last = f is items[-1][0]  # nothing that could fail comes after it: no need to keep its old file
            done.append((target, target.exists(), None))
            if not last:  # (its name noted before the link is made, which a stop may follow at once)
                done[-1] = (target, done[-1][1], str(target.parent / f"{_prefix(target)}{secrets.token_hex(4)}"))
                if not _keep(target, done[-1][2]):
                    done[-1] = (target, done[-1][1], None)
            if tmp is None:
                with open(target, "wb") as fh:
                    fh.write(_bytes(f.data))
            else:
                os.replace(tmp, target)
    except BaseException:
        for target, existed, old in reversed(done):
            try:
                if old is not None:
                    os.replace(old, target)
                elif not existed:
                    target.unlink()
            except OSError:
                pass  # as much of the old set as can be had
        raise
    finally:
        for _, _, old in done:
            if old is not None:
                Path(old).unlink(missing_ok=True)
    for folder in {target.parent for _, target, tmp in items if tmp is not None}:
        _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the folder's new names durable (POSIX); where a folder cannot be opened so, as on
    Windows, the rename itself is what there is."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _keep(target: Path, backup: str) -> bool:
    """Whether a hard link `backup` (a temporary's name) to the regular file at `target` was made, to put it
    back; not when there is none (or the file system has no hard links)."""
    if not target.is_file():
        return False
    try:
        os.link(target, backup)
    except OSError:
        return False
    return True


def _bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _clean(folder: Path) -> None:
    """Remove kfollow's own temporaries in `folder` that a killed run left (older than STALE_AFTER)."""
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # tidying is a courtesy: the write itself reports what matters
    for entry in entries:
        if not STALE.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_AFTER and (
                    not hasattr(os, "getuid") or info.st_uid == os.getuid()):
                os.unlink(entry.path)
        except OSError:
            pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
