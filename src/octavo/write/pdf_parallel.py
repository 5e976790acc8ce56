"""Lay out a long print edition in pieces, in parallel, before it is finished and merged.

The book is cut by :mod:`octavo.render.print_split` into groups of whole parts (or
runs of reviews, in a book without parts), pieces of long parts, the back matter and
the front matter. Worker processes (:mod:`octavo.write.pdf_worker`, forked, so that
WeasyPrint and the fonts are loaded once) lay out the pieces of the main matter side
by side, each placed where one pass places it once the pieces before it are counted
(:mod:`octavo.write.pdf_starts`), and kept in the cache (:mod:`.pdf_cache`, with the
notes a rebuild reads first). A worker also runs the audit's checks
(:mod:`octavo.audit.checks`) on its own pages, the only place they are laid out, and
returns the faults as plain data (cached with its PDF); their pages are then moved to
the merged book's. :meth:`MainMatter.finish` then lays out the back and front matter
and merges the book (:mod:`.pdf_finish`).

The result is the PDF a single pass gives (tests compare them page by page). Where a
book turns out not to be cuttable as one pass lays it out (a page number that a piece
cannot know, a page counter set inside the main matter, a cut where one pass does not
break the page), :class:`NotCuttable` says why and the book is laid out in one pass.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BuildError
from ..fork_pool import fork_context
from ..memory import release_memory
from ..render.print_html import PrintDocument
from ..render.print_split import PrintSplit
from ..resources import Resolver
from .hyphenation import languages_in, load_dictionaries
from .pdf_cache import PdfCache
from .pdf_merge import LaidOut
from .pdf_pages import BLANK, PageRecord, starts_from_records
from .pdf_placing import shared
from .pdf_stamps import stamped_theme
from .pdf_starts import Lead, NotCuttable, opening, piece_indexes
from .pdf_worker import UNCUT, Job, lay_out, load_modules

if TYPE_CHECKING:
    from ..audit.checks import Checks, Found
    from ..model import PageStart

Progress = Callable[[str], None]
#: What a build does while the book is merged, given its page starts.
WhileMerging = Callable[[tuple["PageStart", ...]], None]

#: The cache's note of the front matter's pages and tail, as the last build laid it
#: out with its page numbers, for a book whose first piece is placed after them.
FRONT_COUNT = "front-count"
#: The cache's note of the page numbers the last build rendered its HTML with: for the
#: back matter (the main matter's elements), then for the front matter (the back
#: matter's too). A rebuild that moves no page renders with the same, ahead.
FOLIOS = "folios"
#: The cache's note of the book's page count as the last build laid it out, and the
#: index of the page after its main matter: what the margin boxes of a theme that
#: prints the count (``counter(pages)``) print first (:func:`noted_pages`).
BOOK_PAGES = "book-pages"


Laid = tuple[
    bytes,
    int,
    tuple[Any, ...],
    list[str],
    list[tuple[Path, int]],
    list[tuple[int, str | None]],
    list["Found"],
]


@dataclass
class MainMatter:
    """The pieces of the main matter laid out and placed, before the back and front
    matter are laid out and everything merged (:meth:`finish`). The balancing reads
    where the reviews begin and what the checks found from this alone: a layout it
    lays out again is never finished."""

    first: PrintSplit  #: the book as cut, without its pieces' HTML (``chunks`` empty)
    document: PrintDocument
    cache: PdfCache
    chunks: list[Job]  #: each piece's name and key (its HTML left out)
    pieces: list[LaidOut]
    openings: list[str]
    indexes: list[int]  #: the index of each piece's first page in the book
    placed: Lead
    rtl: bool
    #: the processes that finish the book, when some were started ahead, while the main
    #: matter was laid out (:func:`.pdf_finish.lay_out_ahead`); None: started then
    processes: Any = None
    #: the book's page count the margin boxes print (None: the theme prints none);
    #: checked before the merge (:class:`.pdf_starts.PagesCounted`)
    book_pages: int | None = None

    @property
    def page_starts(self) -> tuple[Any, ...]:
        """The main matter's page starts, after as many stand-in pages as the lead's
        first index (its parity is the book's: a page's side is read from its index)."""
        records: list[PageRecord] = [BLANK] * self.placed.first
        for piece, index in zip(self.pieces, self.indexes, strict=True):
            records += [BLANK] * (index - len(records))
            records += piece.records
        return starts_from_records(records)

    def by_key(self) -> dict[str, LaidOut]:
        """Each piece under its key in the cache."""
        return {job.key: piece for job, piece in zip(self.chunks, self.pieces, strict=True)}

    @property
    def faults(self) -> list[Found]:
        """What the checks found on the main matter's pages (page indexes as in
        :attr:`page_starts`)."""
        return [
            (code, index + page, owner, message, hint)
            for piece, index in zip(self.pieces, self.indexes, strict=True)
            for code, page, owner, message, hint in piece.faults
        ]

    def finish(
        self,
        split_html: Callable[[dict[str, str]], PrintSplit],
        progress: Progress,
        meanwhile: WhileMerging | None = None,
    ) -> Laid:
        """Lay out the back and front matter, check the placing, and merge the book
        (:func:`.pdf_finish.finish_book`); ``meanwhile`` is given the book's page
        starts, and called while it is merged. Each of these is done by a process
        started afresh (:mod:`..fresh_process`), so that its memory is not added to
        what this process holds (a forked one would count it)."""
        from .pdf_finish import finish_book

        return finish_book(self, split_html, progress, meanwhile)


def lay_out_main(
    first: PrintSplit,
    document: PrintDocument,
    resolver: Resolver,
    jobs: int,
    progress: Progress,
    cache: PdfCache,
    checks: Checks | None = None,
    front: tuple[int, int] | None = None,
    ahead: Callable[[list[dict[str, str]]], None] | None = None,
    split_html: Callable[[dict[str, str]], PrintSplit] | None = None,
    book_pages: int | None = None,
    earlier: dict[str, LaidOut] | None = None,
) -> MainMatter:
    """Lay out the pieces of the main matter side by side, each placed where one pass
    places it, and keep them in the cache. Where the main matter's place depends on the
    front matter's length, it is placed after ``front`` (pages and tail), or after the
    front matter the last build laid out, or after one counted first. Meanwhile, when
    at most one piece is not in the cache, ``ahead`` is given the page numbers the last
    build rendered the book's HTML with (:data:`FOLIOS`), to render it so while this
    process waits: a rebuild that moves no page needs the same. Otherwise ``ahead`` is
    given none, and prepares what it can without them. With ``split_html`` (the book's
    HTML with page numbers, cut), the back and front matter with the noted numbers
    are then laid out ahead where the cache does not hold them, until a piece moves.
    ``book_pages``: the book's page count, for a theme that prints it in its margin
    boxes (None for one that does not). ``earlier``: the pieces of this build's earlier
    layout of the main matter (:meth:`MainMatter.by_key`), taken as the cache's (the
    cache may have no folder)."""
    from .pdf_finish import close_ahead, lay_out_ahead, processes_ahead  # they import this
    from .pdf_processes import start_servers

    close_ahead()  # what an earlier layout of the main matter started ahead, not taken
    context = fork_context()
    chunks = [
        Job(f"chunk-{n}", html, index=n, continued=continued, key=cache.key(html, "chunk"))
        for n, (html, continued) in enumerate(
            zip(first.chunk_documents(), first.continued, strict=True)
        )
    ]
    rtl = first.html_attributes.get("dir", "").lower() == "rtl"
    condition = context.Condition()
    earlier = earlier or {}
    shared.clear()
    shared.update(
        earlier=earlier,
        document=document,
        resolver=resolver,
        counts=context.Array("i", [-1] * len(chunks), lock=False),
        edges=context.Array("i", [-1] * 2 * len(chunks), lock=False),
        lead=context.Array("i", [-1, -1], lock=False),
        condition=condition,
        cache=cache,
        continued=first.continued,
        checks=checks,
        rtl=rtl,
        front_html=first.front_document(),
        stamping=stamped_theme(document),
        book_pages=book_pages,
        languages=languages_in(document.html),  # their hyphenation dictionaries
    )
    counted = front or _front_count(cache.note(FRONT_COUNT))
    if counted is not None:  # placed after the front matter with its page numbers
        shared.update(front_pages=counted[0], front_tail=counted[1])
    load_dictionaries(shared["languages"])  # once, for every worker forked
    load_modules()
    started = time.monotonic()
    laid: dict[str, LaidOut] = {}
    new = [job for job in chunks if not cache.has(job.key) and job.key not in earlier]
    with context.Pool(jobs) as pool:
        pages = 0
        results = pool.imap_unordered(lay_out, dispatch_order(chunks, new, jobs))
        # the fork servers of the processes that finish the book, loading meanwhile; a
        # rebuild that renders ahead is likely to lay out nothing more: the merge's only,
        # once the renderings are made
        few = len(new) <= 1
        processes = None
        if ahead is not None:
            noted = noted_folios(cache) if few else []
            ahead(noted)
            release_memory()  # what the renderings left behind
            if noted and split_html is not None:
                processes = lay_out_ahead(cache, split_html, noted)
        start_servers(layout=not (few and ahead is not None))
        # a core is idle while the one piece is laid out, unless the back and front
        # matter are laid out ahead beside it: the merge's process reads the pieces'
        # fonts meanwhile (:mod:`.subsets_beside`)
        fonts_ahead = few and processes is None
        by_name = {job.name: job for job in chunks}
        for done, result in enumerate(results, start=1):
            laid[result.name] = result
            if result.moved and processes is not None:
                processes.drop_ahead()  # the pages moved: the noted numbers are not the book's
            if result.error is not None:
                continue
            if fonts_ahead:
                processes = processes or processes_ahead()
                processes.read_fonts_ahead([result.pdf])
            # kept as it comes, while the others are laid out or stamped (a piece laid
            # out where one pass would not place it is valid there, never used elsewhere)
            store(cache, by_name[result.name], result)
            if cache.folder is not None:
                result.body = b""  # in the cache, where a layout again reads it: not here
            pages += len(result.records)
            elapsed = time.monotonic() - started
            remaining = elapsed / done * (len(chunks) - done)
            how = " (from the cache)" if result.cached else ""
            how = " (from the cache, stamped again)" if result.restamped else how
            progress(
                f"Laying out the PDF: part {done} of {len(chunks)} done{how}, {pages} pages,"
                f" about {remaining:.0f} s left"
            )
    raise_first([laid[job.name] for job in chunks])
    pieces = [laid[job.name] for job in chunks]
    counts = [len(piece.records) for piece in pieces]
    openings = ["recto"] + [
        opening(before.tail, after.head, rtl) for before, after in itertools.pairwise(pieces)
    ]
    # the lead as the first piece was placed: checked against the front matter later
    placed = Lead(pieces[0].start_index, pieces[0].start_index - pieces[0].start + 1)
    indexes = piece_indexes(placed, counts, openings)
    for job, piece, index in zip(chunks, pieces, indexes, strict=True):
        if (piece.start, piece.start_index % 2) != (placed.folio(index), index % 2):
            raise NotCuttable(f"{job.name} was not placed where one pass places it")
    outside = {name: set(names) for name, names in first.outside.items()}
    check_lookups([(piece, 0) for piece in pieces], outside)
    # the pieces' HTML is not needed again (a layout again cuts the book again), and
    # is as large as the book's: not held while the book is finished
    return MainMatter(
        dataclasses.replace(first, chunks=()),
        document,
        cache,
        [dataclasses.replace(job, html="") for job in chunks],
        pieces,
        openings,
        indexes,
        placed,
        rtl,
        processes,
        book_pages,
    )


def dispatch_order(chunks: list[Job], new: list[Job], jobs: int) -> list[Job]:
    """The pieces in the order the workers take them: the first ``jobs - 1`` of those
    to lay out (``new``: not in the cache) first, then the others in the book's order.

    A rebuild's changed piece then starts at once, not once every cached piece before
    it is read (at 1,000 reviews, 1.3 s while this process renders). No worker waits
    for ever: a piece waits only for the counts of the pieces before it, and with at
    most ``jobs - 1`` pieces taken out of order, a worker is always left to take the
    others in order."""
    ahead = new[: max(jobs - 1, 0)]
    names = {job.name for job in ahead}
    return [*ahead, *(job for job in chunks if job.name not in names)]


def noted_folios(cache: PdfCache) -> list[dict[str, str]]:
    """The page numbers the last build rendered the book's HTML with (:data:`FOLIOS`)."""
    try:
        noted = json.loads(cache.note(FOLIOS) or "[]")
    except ValueError:
        return []
    if not isinstance(noted, list):
        return []
    return [
        folios
        for folios in noted
        if isinstance(folios, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in folios.items())
    ]


def noted_pages(cache: PdfCache) -> tuple[int, int] | None:
    """The book's page count and the index of the page after its main matter, as the
    last build noted them (:data:`BOOK_PAGES`), if it did."""
    try:
        count, after_main = json.loads(cache.note(BOOK_PAGES) or "null")
    except (TypeError, ValueError):
        return None
    if not isinstance(count, int) or not isinstance(after_main, int):
        return None
    return (count, after_main) if count >= 0 and after_main >= 0 else None


def check_lookups(order: list[tuple[LaidOut, int]], outside: dict[str, set[str]]) -> None:
    """No document printed the page of an element another document holds (a
    ``target-counter()`` the shipped templates replace with ``data-folio``)."""
    for result, _ in order:
        unknown = outside.get(result.name, set()) & set(result.looked_up)
        if unknown:
            raise NotCuttable(
                f"the {result.name} prints the page of an element another piece holds"
                f" ({sorted(unknown)[0]}) without data-folio"
            )


def _front_count(note: str | None) -> tuple[int, int] | None:
    """The front matter's pages and tail as the cache's note says them, if it does."""
    try:
        pages, tail = (int(value) for value in (note or "").split())
    except ValueError:
        return None
    return (pages, tail) if pages >= 0 else None


def store(cache: PdfCache, job: Job, result: LaidOut) -> None:
    cache.used.add(job.key)
    if not result.cached and result.error is None:
        cache.store(job.key, result.pdf, result.meta(), result.body)


def raise_first(results: list[LaidOut]) -> None:
    """The first error among the results: a real one before a piece that gave up, and
    NotCuttable when the book cannot be cut."""
    failed = [r for r in results if r.error is not None]
    for result in sorted(failed, key=lambda r: r.error is not None and r.error[2] == "abandoned"):
        assert result.error is not None
        message, hint, code = result.error
        if code == UNCUT:
            raise NotCuttable(message)
        raise BuildError(message, hint=hint, code=code)


def worker_count(jobs: int | None) -> int:
    """How many processes lay out the book: ``jobs``, or one per core."""
    return jobs if jobs else max(1, os.cpu_count() or 1)
