"""Work that a command starts on a thread of its own and takes the result of later (`Meanwhile`).

polars lets go of Python's lock while it computes, so two chains of small queries, or a large one beside small
ones, take the two processors a command is often given instead of one after the other. Only for work that reads
the store and changes nothing: whatever it raises is raised where its result is taken, as if it had run then.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Meanwhile(Generic[T]):
    """`work()` run on a thread of its own from now on; `result()` waits for its value, or raises its error. Where no
    thread can start (`can't start new thread`: a process at its limit of threads, a container's pids limit),
    `started` is False and `result()` runs the work then, on the caller's thread, as it ran before it had one (it was
    an internal error, exit 70, even of year files without tables; found in review, h141)."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._work: Callable[[], T] | None = None
        self._thread: threading.Thread | None = threading.Thread(target=self._run, args=(work,),
                                                                  name="kfollow-meanwhile", daemon=True)
        try:
            self._thread.start()
        except RuntimeError:  # (only a head start: not an error of the command)
            self._thread, self._work = None, work

    @property
    def started(self) -> bool:
        return self._thread is not None

    def _run(self, work: Callable[[], T]) -> None:
        try:
            self._value = work()
        except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread by `result`
            self._error = exc

    def result(self) -> T:
        if self._thread is None:
            return self._work()  # type: ignore[misc]
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return self._value  # type: ignore[return-value]
