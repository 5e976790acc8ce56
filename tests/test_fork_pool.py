"""Forks wait for the busy threads Python did not start: a thread of Pango's holding
fontconfig's lock at the fork left a worker waiting forever for it."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import time

import pytest

from octavo import fork_pool


def _native_thread(microseconds: int) -> tuple[ctypes.CDLL, ctypes.c_ulong]:
    """A thread of C's own, as Pango starts one: it sleeps, then ends."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    start = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p)(("usleep", libc))
    thread = ctypes.c_ulong()
    assert (
        libc.pthread_create(ctypes.byref(thread), None, start, ctypes.c_void_p(microseconds)) == 0
    )
    return libc, thread


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/task")
def test_a_fork_waits_for_a_busy_native_thread_and_not_for_a_sleeping_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    # the memory handed back before a fork (a full collection: up to 0.3 s in a
    # test process on a busy machine) is not what this measures
    monkeypatch.setattr(fork_pool, "release_memory", lambda: None)
    before = set(os.listdir("/proc/self/task"))
    libc, thread = _native_thread(300_000)
    began = time.monotonic()
    ours = {int(tid) for tid in set(os.listdir("/proc/self/task")) - before}
    assert ours  # the thread Python did not start
    assert fork_pool.fork_context().get_start_method() == "fork"
    assert time.monotonic() - began < 0.2  # asleep: not waited for
    # the same thread seen as running (as a thread sorting fonts is): waited for
    monkeypatch.setattr(fork_pool, "_state", lambda tid: "R" if tid in ours else "S")
    fork_pool.fork_context()
    assert time.monotonic() - began >= 0.25
    assert not fork_pool._busy_native_threads()
    libc.pthread_join(thread, None)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/task")
def test_a_process_made_by_os_fork_does_not_wait_for_its_own_thread() -> None:
    """The fresh processes are made by os.fork (octavo.fresh_process), after which
    Python 3.11 keeps the parent's id for the main thread: it counted as a busy thread
    Python did not start, and a fork there (the merge's fonts read beside) waited 5 s."""
    import os

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report what it found, and end
        busy = fork_pool._busy_native_threads()
        os.write(write, b"busy" if busy else b"none")
        os._exit(0)
    os.close(write)
    found = os.read(read, 16)
    os.close(read)
    os.waitpid(pid, 0)
    assert found == b"none"


def _pid_and(value: int) -> tuple[int, int]:
    import os

    return os.getpid(), value * 2


def test_work_done_beside_comes_back_from_another_process() -> None:
    import os

    beside = fork_pool.Beside(lambda: _pid_and(21))
    result = beside.result()
    assert result is not None
    pid, value = result
    assert value == 42
    assert pid != os.getpid()


def test_work_that_fails_beside_comes_back_as_none() -> None:
    def fails() -> int:
        raise ValueError("no")

    assert fork_pool.Beside(fails).result() is None
    # a child that dies without a word (killed, or out of memory) too
    assert fork_pool.Beside(lambda: os_exit(3)).result() is None


def os_exit(status: int) -> int:
    import os

    os._exit(status)


def test_work_beside_that_is_not_wanted_any_more_is_stopped() -> None:
    beside = fork_pool.Beside(lambda: time.sleep(60))
    began = time.monotonic()
    beside.close()
    assert time.monotonic() - began < 5
    assert not beside._process.is_alive()


def test_work_beside_starts_no_workers_of_its_own() -> None:
    """One process beside the build's: it shares its items among no workers."""
    result = fork_pool.Beside(lambda: fork_pool.worker_count(1000, 10)).result()
    assert result == 1


def test_work_beside_whose_result_cannot_be_sent_comes_back_as_none() -> None:
    import threading

    assert fork_pool.Beside(lambda: threading.Lock()).result() is None  # not picklable
