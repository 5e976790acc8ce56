"""Work shared among forked worker processes, one a core, the results in order.

A forked worker starts with a copy of its parent's memory, so what every piece of work
needs (a parser, the anthology, the theme's templates) reaches it without being
pickled: the function and its closure are set aside before the fork, only the items go
out and only the results come back. Used for loading a big library's reviews
(``load/many_reviews.py``) and rendering a big book's EPUB documents
(``render/epub_parallel.py``); and one piece of work done beside the rest
(:class:`Beside`: the EPUB's documents while the PDF is laid out).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.context import BaseContext
from typing import Any, Generic, TypeVar

from .memory import release_memory

Item = TypeVar("Item")
Result = TypeVar("Result")

#: At most this many workers, whatever the number of cores (as the PDF's layout).
MAX_WORKERS = 8

#: The function the forked workers call (set before the fork, cleared after).
_FUNCTION: list[Callable[[Any], Any]] = []


def worker_count(items: int, parallel_from: int) -> int:
    """How many processes share ``items`` pieces of work: one below ``parallel_from``
    (starting workers would cost more than they save) and inside a pool's worker
    (which cannot start workers of its own), else one a core."""
    if items < parallel_from or multiprocessing.current_process().daemon:
        return 1
    return min(os.cpu_count() or 1, MAX_WORKERS)


#: How long a fork waits for a busy thread Python did not start (a native one) to end.
NATIVE_THREAD_WAIT = 5.0


def fork_context() -> BaseContext:
    """The fork context, once the threads Python did not start are idle.

    Pango matches fonts in threads of its own (fontconfig's ``FcFontSetSort``, which
    can take seconds over a system's thousands of fonts, holding fontconfig's lock). A
    process forked while one runs inherits the lock held by a thread it does not have:
    its first layout waits forever (seen once in CI: the back matter's worker, forked
    after the parent laid out a probe for the balancing). So a fork first waits, up to
    :data:`NATIVE_THREAD_WAIT` seconds, while such a thread is running (or waiting on
    the disk); threads asleep (a library's idle pool) are not waited for. Then the
    garbage is collected and free memory handed back (:func:`.memory.release_memory`)."""
    deadline = time.monotonic() + NATIVE_THREAD_WAIT
    while _busy_native_threads() and time.monotonic() < deadline:
        time.sleep(0.002)
    # Memory freed but kept by the C library would be resident in every child too
    # (counted in each one's RSS): handed back first.
    release_memory()
    return multiprocessing.get_context("fork")


def _busy_native_threads() -> set[int]:
    """The ids of this process's running threads that Python did not start (none known
    off Linux)."""
    try:
        running = {int(name) for name in os.listdir("/proc/self/task")}
    except (OSError, ValueError):
        return set()
    known = {thread.native_id for thread in threading.enumerate()}
    # this thread, by the system's id: in a process made by os.fork (the fresh
    # processes' fork server, octavo.fresh_process), Python 3.11 keeps the parent's id
    # for the main thread, which then counted as busy, and every fork waited 5 s
    known.add(threading.get_native_id())
    return {tid for tid in running - known if _state(tid) in ("R", "D")}


def _state(tid: int) -> str:
    """A thread's state as the kernel gives it (R running, S asleep, D on the disk...)."""
    try:
        with open(f"/proc/self/task/{tid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return ""


def map_in_forks(
    function: Callable[[Item], Result], items: Sequence[Item], workers: int
) -> list[Result]:
    """``function`` of each item, in the items' order: in this process when ``workers``
    is below 2, else in that many forked processes, each given a few items at a time."""
    if workers < 2:
        return [function(item) for item in items]
    _FUNCTION[:] = [function]
    try:
        with fork_context().Pool(workers) as pool:
            # chunks small enough that the workers end together (with 16 chunks, the
            # last one kept a worker busy alone for a quarter of a second at 5,000
            # reviews), and many enough items each that sending them costs little
            chunk = max(1, len(items) // (workers * 32))
            return pool.map(_call, items, chunksize=chunk)
    finally:
        _FUNCTION.clear()


def _call(item: Any) -> Any:
    return _FUNCTION[0](item)


class Beside(Generic[Result]):
    """``function()`` computed in a forked process while this one goes on: its result,
    or None when it failed in any way (the caller then does the work itself, and meets
    the failure, if any, where it would have met it). The process is a daemon: it
    starts no workers of its own (:func:`worker_count` gives it one), so that the
    work beside adds one process to those the build was allowed, and it ends with the
    build's process."""

    def __init__(self, function: Callable[[], Result]) -> None:
        context = fork_context()
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(  # type: ignore[attr-defined]
            target=_beside, args=(function, send), daemon=True
        )
        self._process.start()
        send.close()  # the child's end only: a child that dies is an end of file here
        self._done = False

    def result(self) -> Result | None:
        """The result, once the child sent it (waiting for it)."""
        try:
            status, value = self._receive.recv()
        except Exception:  # the child died before it sent, or while it sent
            status, value = "failed", None
        self.close()
        return value if status == "done" else None

    def close(self) -> None:
        """Stop the child if it still runs, and forget it."""
        if self._done:
            return
        self._done = True
        self._receive.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _beside(function: Callable[[], Any], connection: Any) -> None:
    try:
        outcome: tuple[str, Any] = ("done", function())
    except BaseException:  # any failure: the parent does the work itself
        outcome = ("failed", None)
    try:
        connection.send(outcome)
    except Exception:  # a result that cannot be sent is a failure too
        with contextlib.suppress(Exception):  # unless the parent is gone
            connection.send(("failed", None))
    connection.close()
