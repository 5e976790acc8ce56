"""Many review files loaded at once: side by side in worker processes for a big library.

Reading a review is mostly rendering its Markdown (pure Python: about 1.7 ms a review),
so a library of thousands takes seconds in one process: 8.5 s for 5,000 reviews. From
:data:`PARALLEL_FROM` files on, the files are shared among forked processes, one a
core, each loading its share with a report of its own; the reviews come back in the
files' order, each with its diagnostics, as one process would have found them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..diagnostics import Diagnostic, Report
from ..model import Review
from .markdown import MarkdownContext
from .review import load_review

#: Below this many files, one process loads them all: starting workers and sending the
#: reviews back costs more than it saves.
PARALLEL_FROM = 200

#: The context a forked worker loads its files with (set before the fork).
_CONTEXT: list[MarkdownContext] = []


def load_reviews(
    paths: Sequence[Path], context: MarkdownContext
) -> list[tuple[Review | None, list[Diagnostic]]]:
    """Each file's review (None where it could not be read) and the problems found in
    it, in the order of ``paths``; the caller adds them to its report."""
    workers = _workers(len(paths))
    if workers < 2:
        return [_load(path, context) for path in paths]
    _CONTEXT[:] = [context]
    try:
        fork = multiprocessing.get_context("fork")
        with fork.Pool(workers) as pool:
            chunk = max(1, len(paths) // (workers * 8))
            return pool.map(_load_one, paths, chunksize=chunk)
    finally:
        _CONTEXT.clear()


def _workers(files: int) -> int:
    if files < PARALLEL_FROM or multiprocessing.current_process().daemon:
        return 1  # a pool's worker cannot start workers of its own
    return min(os.cpu_count() or 1, 8)  # one a core, as the PDF's layout


def _load_one(path: Path) -> tuple[Review | None, list[Diagnostic]]:
    return _load(path, _CONTEXT[0])


def _load(path: Path, context: MarkdownContext) -> tuple[Review | None, list[Diagnostic]]:
    report = Report(root=context.report.root)
    review = load_review(path, replace(context, report=report))
    return review, report.diagnostics
