"""Forks wait for the threads Python did not start: a thread of Pango's holding
fontconfig's lock at the fork left a worker waiting forever for it."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import time

import pytest

from octavo import fork_pool


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/task")
def test_a_fork_waits_for_a_native_thread_to_end() -> None:
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    start = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p)(("usleep", libc))
    thread = ctypes.c_ulong()
    began = time.monotonic()
    # a thread of C's own, as Pango starts one: it sleeps 0.3 s, then ends
    assert libc.pthread_create(ctypes.byref(thread), None, start, ctypes.c_void_p(300_000)) == 0
    assert fork_pool._native_threads()  # Python does not know it
    context = fork_pool.fork_context()
    assert time.monotonic() - began >= 0.25  # it waited for the thread to end
    assert not fork_pool._native_threads()
    assert context.get_start_method() == "fork"
    libc.pthread_join(thread, None)
