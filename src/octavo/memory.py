"""Memory handed back to the system once a large step is done."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Callable, Iterator


def release_memory() -> None:
    """Collect Python's garbage, then have the C library hand its free memory back
    (glibc's ``malloc_trim``): after the merge of a long book, qpdf's objects are
    freed but the process kept their 200 MiB until it ended. Does nothing where the
    C library has no ``malloc_trim``."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


#: How many :func:`set_apart` blocks this process is in.
_apart = 0


@contextlib.contextmanager
def set_apart() -> Iterator[None]:
    """What the process holds on entering (its modules, WeasyPrint's among them, and,
    in a process that lives on, ``octavo serve``'s or a test run's, what earlier work
    left) set apart from Python's garbage collector until the outermost block ends
    (``gc.freeze``, then ``gc.unfreeze``), after one collection. An inner block sets
    apart what was made since, after a collection of it (a build sets apart its modules,
    then the anthology once loaded, then WeasyPrint's modules for the PDF).

    A collection goes through every object the collector tracks: about 120,000 once
    WeasyPrint is loaded, 0.1 s of CPU on the machine of docs/performance.md, and a
    PDF's build collects six or seven times (:func:`release_memory`). Set apart, the
    modules are not gone through again: a collection takes the objects made since,
    the garbage of the build's own steps. An object set apart is still freed when
    nothing refers to it; only one in a cycle waits for the block's end."""
    global _apart
    gc.collect()  # what earlier work left is not kept for the whole block
    gc.freeze()
    _apart += 1
    try:
        yield
    finally:
        _apart -= 1
        if _apart == 0:
            gc.unfreeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while inside, then one collection.

    While one document is laid out, the objects WeasyPrint holds only grow, and each
    full collection goes through all of them again: laying out the back matter of a
    1,000-review book (29 pages) ran eight to ten full collections, 0.9 to 1.2 s of
    its CPU. Inside, garbage in cycles waits for the collection at the end: 27 to 36 MB
    more at the peak for that document. For a document laid out alone in a process of
    its own (the front or back matter); not for the pieces' workers, which would each
    hold that much more (about 330 to 400 MiB at 1,000 reviews)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None
