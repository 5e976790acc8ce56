"""Many review files loaded at once: side by side in worker processes for a big library.

Reading a review is mostly rendering its Markdown (pure Python: about 1.7 ms a review),
so a library of thousands takes seconds in one process: 8.5 s for 5,000 reviews. From
:data:`PARALLEL_FROM` files on, the files are shared among forked processes, one a
core, each loading its share with a report of its own; the reviews come back in the
files' order, each with its diagnostics, as one process would have found them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from ..diagnostics import Diagnostic, Report
from ..fork_pool import map_in_forks, worker_count
from ..model import Body, Review
from ..up_to_date import ReadFiles
from .markdown import MarkdownContext
from .review import load_review

#: Below this many files, one process loads them all: starting workers and sending the
#: reviews back costs more than it saves.
PARALLEL_FROM = 200


def load_reviews(
    paths: Sequence[Path], context: MarkdownContext
) -> list[tuple[Review | None, list[Diagnostic]]]:
    """Each file's review (None where it could not be read) and the problems found in
    it, in the order of ``paths``; the caller adds them to its report. The bodies kept
    by an earlier build that were read or kept now count as used
    (``context.bodies``)."""
    loaded = map_in_forks(partial(_load, context=context), paths, _workers(len(paths)))
    if context.bodies is not None:
        for _, _, used, _ in loaded:
            context.bodies.used.update(used)
    if context.read is not None:
        for _, _, _, read in loaded:
            context.read.files.update(read)
    return [(review, diagnostics) for review, diagnostics, _, _ in loaded]


def _workers(files: int) -> int:
    return worker_count(files, PARALLEL_FROM)


def _load(
    path: Path, context: MarkdownContext
) -> tuple[Review | None, list[Diagnostic], dict[str, Body], dict[str, tuple[list[int], str]]]:
    """The review, its problems, the bodies to keep it read back or rendered, and the
    file as it was read (a worker's are sent back: with the review, in one message,
    each once)."""
    report = Report(root=context.report.root)
    bodies = context.bodies.sharing() if context.bodies is not None else None
    read = ReadFiles(context.read.since) if context.read is not None else None
    review = load_review(path, replace(context, report=report, bodies=bodies, read=read))
    used = bodies.used if bodies is not None else {}
    return review, report.diagnostics, used, read.files if read is not None else {}
