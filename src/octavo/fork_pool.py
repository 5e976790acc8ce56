"""Work shared among forked worker processes, one a core, the results in order.

A forked worker starts with a copy of its parent's memory, so what every piece of work
needs (a parser, the anthology, the theme's templates) reaches it without being
pickled: the function and its closure are set aside before the fork, only the items go
out and only the results come back. Used for loading a big library's reviews
(``load/many_reviews.py``) and rendering a big book's EPUB documents
(``render/epub_parallel.py``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

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


def map_in_forks(
    function: Callable[[Item], Result], items: Sequence[Item], workers: int
) -> list[Result]:
    """``function`` of each item, in the items' order: in this process when ``workers``
    is below 2, else in that many forked processes, each given a few items at a time."""
    if workers < 2:
        return [function(item) for item in items]
    _FUNCTION[:] = [function]
    try:
        fork = multiprocessing.get_context("fork")
        with fork.Pool(workers) as pool:
            chunk = max(1, len(items) // (workers * 8))
            return pool.map(_call, items, chunksize=chunk)
    finally:
        _FUNCTION.clear()


def _call(item: Any) -> Any:
    return _FUNCTION[0](item)
