"""Lay out a long print edition in pieces, in parallel, and merge them into one PDF.

The book is cut by :mod:`octavo.render.print_split` into groups of whole parts (or
runs of reviews, in a book without parts), pieces of long parts, the back matter and
the front matter. Worker processes (:mod:`octavo.write.pdf_worker`, forked, so that
WeasyPrint and the fonts are loaded once) lay out the pieces of the main matter side
by side, each placed where one pass places it once the pieces before it are counted
(:mod:`octavo.write.pdf_starts`). The back matter follows, and the front matter last,
when the page of every entry of the contents is known, each laid out by a process
started afresh (:mod:`octavo.fresh_process`: a forked one would count this process's
memory as its own). The merge, in a process started afresh too, puts in the blank
pages one pass would have made before a piece that opens on a given side, points
every link, named destination and bookmark at its page, merges the documents' tags
into one structure tree (each worker hands its piece's over as text:
:mod:`.detached_tags`), and keeps the first document's metadata. A worker also runs
the audit's checks (:mod:`octavo.audit.checks`) on its own pages, the only place they
are laid out, and returns the faults as plain data (cached with its PDF); their pages
are then moved to the merged book's.

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
from ..fresh_process import FreshProcess
from ..memory import release_memory
from ..render.print_html import PrintDocument
from ..render.print_split import PrintSplit
from ..resources import Resolver
from .pdf_cache import PdfCache
from .pdf_merge import LaidOut, blanks_before
from .pdf_pages import BLANK, PageRecord, starts_from_records
from .pdf_placing import shared
from .pdf_stamps import stamped_theme
from .pdf_starts import (
    FrontMoved,
    Lead,
    NotCuttable,
    head_side,
    lead_after_front,
    lead_without_front,
    opening,
    piece_indexes,
)
from .pdf_worker import (
    UNCUT,
    Job,
    board_for_afresh,
    from_cache,
    lay_out,
    lay_out_afresh,
    warm_up_afresh,
)

if TYPE_CHECKING:
    from ..audit.checks import Checks, Found
    from ..model import PageStart

Progress = Callable[[str], None]
#: What a build does while the book is merged, given its page starts.
WhileMerging = Callable[[tuple["PageStart", ...]], None]

#: The cache's note of the front matter's pages and tail, as the last build laid it
#: out with its page numbers, for a book whose first piece is placed after them.
FRONT_COUNT = "front-count"
#: The cache's note of the page of each element of the back matter, counted from its
#: first page, as the last build laid it out: the front matter is laid out beside the
#: back matter with them, and kept where the back matter gives the same pages.
BACK_ANCHORS = "back-anchors"
#: The cache's note of the page numbers the last build rendered its HTML with: for the
#: back matter (the main matter's elements), then for the front matter (the back
#: matter's too). A rebuild that moves no page renders with the same, ahead.
FOLIOS = "folios"


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

    first: PrintSplit
    document: PrintDocument
    cache: PdfCache
    chunks: list[Job]
    pieces: list[LaidOut]
    openings: list[str]
    indexes: list[int]  #: the index of each piece's first page in the book
    placed: Lead
    rtl: bool

    @property
    def page_starts(self) -> tuple[Any, ...]:
        """The main matter's page starts, after as many stand-in pages as the lead's
        first index (its parity is the book's: a page's side is read from its index)."""
        records: list[PageRecord] = [BLANK] * self.placed.first
        for piece, index in zip(self.pieces, self.indexes, strict=True):
            records += [BLANK] * (index - len(records))
            records += piece.records
        return starts_from_records(records)

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
        """Lay out the back and front matter, check the placing, and merge the book;
        ``meanwhile`` is given the book's page starts, and called while it is merged.
        Each of these is done by a process started afresh (:mod:`..fresh_process`), so
        that its memory is not added to what this process holds (a forked one would
        count it): the back matter's is started first, to load WeasyPrint while the
        back matter's HTML is made."""
        processes = _Processes()
        try:
            return self._finish(split_html, progress, processes, meanwhile)
        finally:
            processes.close()

    def _finish(
        self,
        split_html: Callable[[dict[str, str]], PrintSplit],
        progress: Progress,
        processes: _Processes,
        meanwhile: WhileMerging | None,
    ) -> Laid:
        first, cache, pieces, chunks = self.first, self.cache, self.pieces, self.chunks
        placed, indexes, rtl = self.placed, self.indexes, self.rtl
        counts = [len(piece.records) for piece in pieces]
        folios: dict[str, str] = {}  # each element's first page, as one pass counts
        for piece, index in zip(pieces, indexes, strict=True):
            for page, names in enumerate(piece.anchors):
                for name, _, _ in names:
                    folios.setdefault(name, str(placed.folio(index + page)))
        main_folios = dict(folios)
        back_index = indexes[-1] + counts[-1]
        back_verso = back_index % 2 == 1
        processes.start()  # it loads WeasyPrint while the back matter's HTML is made
        back_html = split_html(folios).back(starts_on_verso=back_verso)
        laid: dict[str, LaidOut] = {}
        beside: Job | None = None  # the front matter laid out beside the back
        if back_html is not None:
            shift = placed.folio(back_index) - 1 - (1 if back_verso else 0)
            key = cache.key(back_html, f"back:{shift}")
            job = Job("back", back_html, shift=shift, key=key)
            back = from_cache(job)
            if back is None:
                beside = _front_beside(processes, cache, split_html, folios, placed, back_index)
                progress("Laying out the back matter")
                back = processes.lay_out(job)
            else:
                progress("Back matter from the cache")
            _raise_first([back])
            _store(cache, job, back)
            laid["back"] = back
            skip = 1 if back_verso else 0
            pages_of: dict[str, int] = {}
            for page, names in enumerate(back.anchors[skip:]):
                for name, _, _ in names:
                    pages_of.setdefault(name, page)
                    folios.setdefault(name, str(placed.folio(back_index + page)))
            cache.set_note(BACK_ANCHORS, json.dumps(pages_of, sort_keys=True))
        cache.set_note(FOLIOS, json.dumps([main_folios, folios]))
        front_html = split_html(folios).front_document()
        job = Job("front", front_html, key=cache.key(front_html, "front"))
        if beside is not None and beside.html == front_html:
            progress("Laying out the front matter")  # since the back matter began
            front = processes.beside_result()
            _raise_first([front])
            _store(cache, job, front)
        else:
            front = _cached_or_laid_out(processes, cache, job, "front matter", progress)
        _check_lead(pieces[0], front, placed, rtl)
        counted = pieces[0].front_pages >= 0
        cache.set_note(FRONT_COUNT, f"{len(front.records)} {front.tail}" if counted else None)
        order: list[tuple[LaidOut, int]] = [(front, 0)]
        order += [(piece, 0) for piece in pieces]
        if "back" in laid:
            order.append((laid["back"], 1 if back_verso else 0))
        outside = {name: set(names) for name, names in first.outside.items()}
        _check_lookups(order, outside)
        cache.prune()
        progress("Merging the PDF")
        release_memory()  # what the renderings of the book's HTML left behind
        opening_of = {job.name: opens for job, opens in zip(chunks, self.openings, strict=True)}
        opening_of["chunk-0"] = opening(front.tail, pieces[0].head, rtl)
        dates = {} if first.front_dates else _pdf_dates(first.dates)

        def while_merging() -> None:  # the merge places the pages so
            if meanwhile is not None:
                meanwhile(starts_from_records(_merged_records(order, opening_of)))
                release_memory()  # what it left behind, before the merged book comes
                progress("Merging the PDF")

        documents = [(result.to_merge(), skip) for result, skip in order]
        for result, _ in order:
            result.let_go()  # in ``documents`` only, let go once sent
        data, pages, records, firsts = processes.merge(
            while_merging,
            documents,
            outside,
            opening_of,
            dates,
            dataclasses.replace(self.document, html=""),  # its options, not its text
        )
        page_starts = starts_from_records(records)
        warnings = [w for result, _ in order for w in result.warnings]
        low = [item for result, _ in order for item in result.low_resolution]
        overflows = [
            (first_page + page, owner)
            for (result, skip), first_page in zip(order, firsts, strict=True)
            for page, owner in result.outside
            if page >= skip
        ]
        faults: list[Found] = [
            (code, first_page + page, owner, message, hint)
            for (result, skip), first_page in zip(order, firsts, strict=True)
            for code, page, owner, message, hint in result.faults
            if page >= skip
        ]
        return data, pages, page_starts, warnings, low, overflows, faults


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
) -> MainMatter:
    """Lay out the pieces of the main matter side by side, each placed where one pass
    places it, and keep them in the cache. Where the main matter's place depends on the
    front matter's length, it is placed after ``front`` (pages and tail), or after the
    front matter the last build laid out, or after one counted first. Meanwhile, when
    at most one piece is not in the cache, ``ahead`` is given the page numbers the last
    build rendered the book's HTML with (:data:`FOLIOS`), to render it so while this
    process waits: a rebuild that moves no page needs the same."""
    context = fork_context()
    chunks = [
        Job(f"chunk-{n}", html, index=n, continued=continued, key=cache.key(html, "chunk"))
        for n, (html, continued) in enumerate(
            zip(first.chunk_documents(), first.continued, strict=True)
        )
    ]
    rtl = first.html_attributes.get("dir", "").lower() == "rtl"
    condition = context.Condition()
    shared.clear()
    shared.update(
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
    )
    counted = front or _front_count(cache.note(FRONT_COUNT))
    if counted is not None:  # placed after the front matter with its page numbers
        shared.update(front_pages=counted[0], front_tail=counted[1])
    started = time.monotonic()
    laid: dict[str, LaidOut] = {}
    with context.Pool(jobs) as pool:
        pages = 0
        results = pool.imap_unordered(lay_out, chunks)
        if ahead is not None and sum(not cache.has(job.key) for job in chunks) <= 1:
            ahead(_noted_folios(cache))
            release_memory()  # what the renderings left behind
        for done, result in enumerate(results, start=1):
            laid[result.name] = result
            if result.error is not None:
                continue
            pages += len(result.records)
            elapsed = time.monotonic() - started
            remaining = elapsed / done * (len(chunks) - done)
            how = " (from the cache)" if result.cached else ""
            how = " (from the cache, stamped again)" if result.restamped else how
            progress(
                f"Laying out the PDF: part {done} of {len(chunks)} done{how}, {pages} pages,"
                f" about {remaining:.0f} s left"
            )
    _raise_first([laid[job.name] for job in chunks])
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
    _check_lookups([(piece, 0) for piece in pieces], outside)
    for job, piece in zip(chunks, pieces, strict=True):
        _store(cache, job, piece)
    return MainMatter(first, document, cache, chunks, pieces, openings, indexes, placed, rtl)


def _front_beside(
    processes: _Processes,
    cache: PdfCache,
    split_html: Callable[[dict[str, str]], PrintSplit],
    folios: dict[str, str],
    placed: Lead,
    back_index: int,
) -> Job | None:
    """Start laying out the front matter beside the back matter, with the pages of the
    back matter's elements as the last build laid them out (the cache's note): the
    front matter prints the pages its contents name, the back matter's sections among
    them. None where there is no note, or the front matter so made is in the cache
    already (it is then taken from there, once the back matter is known)."""
    try:
        noted = json.loads(cache.note(BACK_ANCHORS) or "null")
    except ValueError:
        return None
    if not isinstance(noted, dict):
        return None
    guessed = dict(folios)
    for name, page in noted.items():
        if isinstance(name, str) and isinstance(page, int) and page >= 0:
            guessed.setdefault(name, str(placed.folio(back_index + page)))
    html = split_html(guessed).front_document()
    job = Job("front", html, key=cache.key(html, "front"))
    if from_cache(job) is not None:
        return None
    processes.lay_out_beside(job)
    return job


def _noted_folios(cache: PdfCache) -> list[dict[str, str]]:
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


def _check_lookups(order: list[tuple[LaidOut, int]], outside: dict[str, set[str]]) -> None:
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


def _check_lead(piece: LaidOut, front: LaidOut, placed: Lead, rtl: bool) -> None:
    """The first piece was placed where the front matter, laid out now, puts it."""
    opens = opening(front.tail, piece.head, rtl)
    lead = lead_without_front(head_side(piece.head, rtl), piece.resets)
    if lead is None:
        lead = lead_after_front(len(front.records), opens, piece.resets)
    if (lead.first % 2, lead.folio(lead.first)) != (placed.first % 2, placed.folio(placed.first)):
        raise FrontMoved(len(front.records), front.tail)


def _cached_or_laid_out(
    processes: _Processes, cache: PdfCache, job: Job, what: str, progress: Progress
) -> LaidOut:
    """The front matter from the cache, or laid out (and kept)."""
    result = from_cache(job)
    if result is None:
        progress(f"Laying out the {what}")
        result = processes.lay_out(job)
    else:
        progress(f"{what[0].upper()}{what[1:]} from the cache")
    _raise_first([result])
    _store(cache, job, result)
    return result


def _store(cache: PdfCache, job: Job, result: LaidOut) -> None:
    cache.used.add(job.key)
    if not result.cached and result.error is None:
        cache.store(job.key, result.pdf, result.meta(), result.body)


def _raise_first(results: list[LaidOut]) -> None:
    """The first error among the results: a real one before a piece that gave up, and
    NotCuttable when the book cannot be cut."""
    failed = [r for r in results if r.error is not None]
    for result in sorted(failed, key=lambda r: r.error is not None and r.error[2] == "abandoned"):
        assert result.error is not None
        message, hint, code = result.error
        if code == UNCUT:
            raise NotCuttable(message)
        raise BuildError(message, hint=hint, code=code)


def _merged_records(order: list[tuple[LaidOut, int]], openings: dict[str, str]) -> list[PageRecord]:
    """The records of the merged book's pages, as the merge places them."""
    documents = [(result.name, len(result.records), skip) for result, skip in order]
    records: list[PageRecord] = []
    for (result, skip), blank in zip(order, blanks_before(documents, openings), strict=True):
        records += [BLANK] * blank + result.records[skip:]
    return records


def _pdf_dates(dates: dict[str, str]) -> dict[str, str]:
    """The build's dates (W3C) as WeasyPrint writes them in a PDF's information, for
    the merge (converted here: its process does not load WeasyPrint, 0.5 s)."""
    from weasyprint.pdf import _w3c_date_to_pdf

    return {name: str(_w3c_date_to_pdf(value, "date")) for name, value in dates.items()}


def worker_count(jobs: int | None) -> int:
    """How many processes lay out the book: ``jobs``, or one per core."""
    return jobs if jobs else max(1, os.cpu_count() or 1)


class _Processes:
    """The processes started afresh that finish the book (see :meth:`MainMatter.finish`):
    one lays out the back matter, then the front matter if it was not laid out beside
    it (by a second), and one merges the book."""

    #: What a process that lays out a document loads first.
    LAYOUT = ("weasyprint", "octavo.write.pdf_worker")
    #: What the process that merges loads first.
    MERGE = ("pikepdf", "fontTools.ttLib", "octavo.write.pdf_merge")

    def __init__(self) -> None:
        self.layout: FreshProcess | None = None
        self.beside: FreshProcess | None = None
        self.merging: FreshProcess | None = None

    def start(self) -> None:
        """Start the processes: each loads what it needs meanwhile, and the two that lay
        out parse the theme's stylesheets and load its fonts."""
        if self.layout is None:
            board = board_for_afresh()
            self.layout = FreshProcess(self.LAYOUT)
            self.layout.submit(warm_up_afresh, board, reply=False)
            self.beside = FreshProcess(self.LAYOUT)
            self.beside.submit(warm_up_afresh, board, reply=False)
        if self.merging is None:
            self.merging = FreshProcess(self.MERGE)

    def lay_out(self, job: Job) -> LaidOut:
        self.start()
        assert self.layout is not None
        return self.layout.call(lay_out_afresh, board_for_afresh(), job)  # type: ignore[no-any-return]

    def lay_out_beside(self, job: Job) -> None:
        """Start laying out ``job`` in the second process: :meth:`beside_result`."""
        self.start()
        assert self.beside is not None
        self.beside.submit(lay_out_afresh, board_for_afresh(), job)

    def beside_result(self) -> LaidOut:
        assert self.beside is not None
        return self.beside.result()  # type: ignore[no-any-return]

    def merge(
        self,
        meanwhile: Callable[[], None],
        documents: list[tuple[LaidOut, int]],
        *args: Any,
    ) -> tuple[bytes, int, list[PageRecord], list[int]]:
        """:func:`.pdf_merge.merge_finished` of ``documents`` (emptied once sent: this
        process holds them no longer), once the layouts are done (their processes
        ended first: the merge's is the only one left); ``meanwhile`` is called in
        this process while it runs."""
        from .pdf_merge import merge_finished

        for process in (self.layout, self.beside):
            if process is not None:
                process.close()
        self.start()
        assert self.merging is not None
        self.merging.submit(merge_finished, list(documents), *args)
        documents.clear()
        release_memory()  # the pages sent
        meanwhile()
        return self.merging.result()  # type: ignore[no-any-return]

    def close(self) -> None:
        for process in (self.layout, self.beside, self.merging):
            if process is not None:
                process.close()
