"""Memory handed back to the system once a large step is done."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Callable


def release_memory() -> None:
    """Collect Python's garbage, then have the C library hand its free memory back
    (glibc's ``malloc_trim``): after the merge of a long book, qpdf's objects are
    freed but the process kept their 200 MiB until it ended. Does nothing where the
    C library has no ``malloc_trim``."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None
