"""`python -m kfollow` and the `kfollow` console script: the command line, in a process of its own."""

import atexit
import gc
import os
import signal
import sys


def main() -> None:
    # A command is a short process that makes many small objects (imports, a year file of thousands of
    # staber parsed into nodes) and almost no reference cycles: Python's default collector would walk
    # them again and again (measured: 0.06 s of a 1 M-row run, 0.4 s of a 21 000-stab year). Collect
    # seldom, as mypy does for the same reason; set before the imports, which make most of them.
    gc.set_threshold(200_000, 30, 30)
    _fewer_arenas()
    _open_closed_streams()
    _stop_on_terminate()
    try:
        try:  # before the command line is imported: the tables are read while it is
            from kfollow.readahead import start

            start(sys.argv[1:])
        except Exception:  # noqa: BLE001 - only a head start: the command meets and reports any failure itself
            pass
        from kfollow.cli import main as run

        try:
            run()
        except SystemExit as done:
            _exit(done.code)
        _exit(0)
    except Terminated as stop:
        _exit(None, stop.signum)
    except KeyboardInterrupt:  # Ctrl-C before the command line runs (while its modules are imported): it printed
        # Python's traceback; it ends as Ctrl-C during a command does, by the signal, 130 in the shell (found in
        # review, h141)
        _exit(None, signal.SIGINT)


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: raised where the command is, so that what it was writing is cleaned up as on
    an error (no `except Exception` takes it), and the process then ends by that signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop_on_terminate() -> None:
    """SIGTERM (systemd stopping a job, `timeout`, `kill`) and SIGHUP (the session closed) end the command as
    Ctrl-C does: the temporaries of a write under way are removed and a set half renamed is put back, the
    functions registered with `atexit` run (matplotlib's temporary cache folder), and the process ends by the
    signal (exit 143 or 129 in the shell). By default they ended it on the spot, and a run stopped while it
    wrote left `.NAME.kfollow-tmp-XXXXXXXX` beside its output until a write ten minutes later (found by an
    IT operator scheduling the close, h128). A signal ignored when kfollow starts (`nohup`) stays ignored."""
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, _terminated)


def _terminated(signum: int, _frame: object) -> None:
    for name in ("SIGTERM", "SIGHUP", "SIGINT"):  # a second signal must not cut the clean-up short
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    raise Terminated(signum)


_HELD: list[int] = []  # a stop that came while the process ended (`_hold_stops`)


def _hold_stops() -> None:
    """From here on a stop (SIGTERM, SIGHUP, Ctrl-C) is kept, not raised: the process is ending, and one raised
    inside a function registered with `atexit` (matplotlib's cache folder half removed) was printed as 'Exception
    ignored in atexit callback' with a traceback, and the stopped process ended 0 (found in review, h129). `_exit`
    ends it by the first one kept once its clean-up is done. A signal ignored stays ignored."""
    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) in (_terminated, signal.default_int_handler):
            signal.signal(signum, _held)


def _held(signum: int, _frame: object) -> None:
    _HELD.append(signum)


def _fewer_arenas() -> None:
    """One memory arena per processor for polars' allocator (jemalloc on Linux reads this variable when
    polars is imported; elsewhere nothing does), not jemalloc's default of four: a command is a short
    process, and the pages each new arena touches for the first time are most of its system time.
    Measured on a 2-core machine: 4 % less wall time and 13 % less peak memory for `deviation` on a
    million Parquet rows. A setting of the user's own is kept."""
    if "_RJEM_MALLOC_CONF" not in os.environ:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        os.environ["_RJEM_MALLOC_CONF"] = f"narenas:{cpus}"


def _open_closed_streams() -> None:
    """A stream closed when the process started (`kfollow … >&-`) is None in Python: it gets the null
    device, as a reader that went away (`| head`) does: what nobody reads is not written, not an error."""
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the life of the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def _exit(code: object, signum: int | None = None) -> None:
    """End the process once its output is flushed, without the interpreter's teardown: freeing every
    object and module one by one takes about 10 ms of each command and does nothing for it (as mypy's
    `hard_exit`). Every file kfollow writes is closed before the command returns; stdout and stderr
    are flushed here, after the functions registered with `atexit`, which a normal exit runs too (matplotlib's
    removes the temporary cache folder it made where the user's config folder cannot be written: found by a
    systemförvaltare, h112). `code` is SystemExit's: None is 0, a number the status, text an error (1); with
    `signum` (or a stop that comes while it ends) the process ends by that signal instead, as it would have without
    kfollow's handler."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    _hold_stops()
    atexit._run_exitfuncs()  # (each one's exception is printed and the rest run, as at a normal exit)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader went away (`| head`), or the stream is closed: nothing to add
            pass
    if signum is None and _HELD:  # stopped while it ended: by that signal, as a stop before would have
        signum = _HELD[0]
    if signum is not None:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        status = 128 + signum  # (where the signal does not end the process)
    os._exit(status)


if __name__ == "__main__":
    main()
