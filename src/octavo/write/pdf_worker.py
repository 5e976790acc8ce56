"""A worker of the parallel layout: one piece of the book, laid out where it falls.

Worker processes are forked by :mod:`octavo.write.pdf_parallel`, so that WeasyPrint
and the fonts are loaded once; they inherit the board of :mod:`.pdf_placing`. A worker
lays out its
piece's body as if it began the book (WeasyPrint begins a document on a right-hand
page), then, before WeasyPrint makes the first page's margin boxes (folios, running
heads), it sums up the breaks at the piece's two ends and posts them
(:mod:`octavo.write.pdf_starts`) and waits for the pieces before it to post their
page counts. Then it knows where its first page falls: it moves the page counter on,
records what each page's margin boxes print instead of making them, and stamps them
on the pages after the layout (:mod:`octavo.write.pdf_stamps`), moving each page that
falls on the other side of the spread across; where the two sides' text areas differ,
it lays the piece out again on its true side. A piece whose first element opens on a
given side (a part on a right-hand page) posts its page count at once; one that can
fall on either side posts it once it knows its side, since laying it out again may
change it. A piece taken from the cache that now falls elsewhere is stamped again
where it falls, from the body the cache keeps (``_restamped``). A theme whose margin
boxes cannot be stamped (``element()``) has them laid out with the piece, the page
moved across first (:mod:`octavo.write.pdf_sides`).

The first piece also fixes where the main matter begins (:class:`.pdf_starts.Lead`). Where that
depends on the front matter's length (its first page does not open on a given side,
or does not restart the page numbers), it is placed after the front matter the last
build laid out (the cache's note), or the worker lays out the front matter first,
with the contents' page numbers not known yet, to count it; the parallel layout
checks the count against the front matter it lays out last, and places the main
matter again if they differ.

The hooks into WeasyPrint's layout (``make_margin_boxes``, the page style cache,
``TargetCollector.lookup_target``) are :class:`.pdf_placing.Stamped`'s.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import importlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import BuildError
from ..memory import collector_paused
from ..render.print_html import PrintDocument
from ..shared_libraries import looked_up_once
from .detached_tags import NotDetachable, detach_tags
from .hyphenation import load_dictionaries
from .pdf_cache import PdfCache
from .pdf_merge import LaidOut
from .pdf_placing import NeedsFront, Stamped, await_place, post, post_lead, shared
from .pdf_sides import OtherSize
from .pdf_stamp_pages import NotStamped, Stamps
from .pdf_stamps import marked_drawing, stamp_piece
from .pdf_starts import (
    Lead,
    NotCuttable,
    PieceStop,
    head_side,
    lead_after_front,
    lead_without_front,
    opening,
)

if TYPE_CHECKING:
    from ..audit.checks import Checks

#: The code a worker's error carries when the book cannot be cut (one pass lays it out).
UNCUT = "uncut"


@dataclass(frozen=True)
class Job:
    name: str
    html: str
    index: int | None = None  #: the piece's place in the main matter, or None
    #: it goes on with the part the piece before began (its outer element is the
    #: part's, put around it again: its own breaks are not met at the cut)
    continued: bool = False
    shift: int = 0  #: for a document outside the main matter: its page counter's shift
    key: str = ""  #: its key in the cache


def lay_out(job: Job) -> LaidOut:
    """In a worker: lay out one document and write its PDF."""
    if job.index is not None:
        cached = from_cache(job)
        if cached is not None:
            reused = _reuse(job, cached)
            if reused is not None:
                return _detached(reused)
    try:
        return _detached(_lay_out(job))
    except NotCuttable as reason:
        post(job, -2)
        return LaidOut.failed(job.name, str(reason), None, UNCUT)
    except _Abandoned:
        post(job, -2)  # a piece posts its count late: those after it give up
        return LaidOut.failed(job.name, "abandoned", None, "abandoned")
    except BuildError as error:
        post(job, -2)  # those waiting for this count give up
        return LaidOut.failed(job.name, error.message, error.hint, error.code)
    finally:
        # A worker lays out several pieces: it starts each without the last one's pages.
        # (Turning the cyclic collector off while laying out was about 10 % faster and
        # took a worker from about 330 to about 400 MiB on 1,000 reviews.)
        gc.collect()


def lay_out_afresh(board: dict[str, Any], job: Job) -> LaidOut:
    """In a process started afresh (:mod:`octavo.fresh_process`): lay out a document
    outside the main matter (the front or back matter, which waits for no other piece)
    with ``board``, what :data:`.pdf_placing.shared` holds but the arrays the pieces
    post their places on. The collector is paused meanwhile
    (:func:`octavo.memory.collector_paused`): the document is the process's only work."""
    _take_board(board)
    with collector_paused():
        return lay_out(job)


def _take_board(board: dict[str, Any]) -> None:
    """Put ``board`` on :data:`.pdf_placing.shared`, keeping the values already there
    that are equal (the resolver the stylesheets were parsed for: see ``pdf.lay_out``)."""
    for key, value in board.items():
        if key not in shared or shared[key] != value:
            shared[key] = value


#: What a process that lays out pieces would otherwise import for its first piece (the
#: build's process loads them before it forks its workers, :func:`load_modules`, and
#: the fork server of the processes that lay out the front and back matter loads them
#: first): each worker forked would import pikepdf again, about 0.15 s.
LAYOUT_MODULES = (
    "weasyprint",
    "pikepdf",
    "statistics",
    "email.policy",
    "octavo.write.pdf",
    "octavo.write.spaced_runs",
    "octavo.write.pdf_worker",
)


def load_modules() -> None:
    """Import :data:`LAYOUT_MODULES` in this process, before it forks workers (WeasyPrint's
    libraries found without a compiler run for each name: :mod:`..shared_libraries`)."""
    with looked_up_once():
        for name in LAYOUT_MODULES:
            importlib.import_module(name)


def warm_up_afresh(board: dict[str, Any]) -> None:
    """In a process started afresh, before its first document comes: parse the theme's
    stylesheets and load its fonts (an empty document laid out), and the hyphenation
    dictionaries of the book's languages, as a forked worker has them from its parent."""
    from .pdf import lay_out as lay_out_document

    _take_board(board)
    document: PrintDocument = shared["document"]
    empty = dataclasses.replace(document, html="<html><body></body></html>")
    lay_out_document(empty, shared["resolver"])
    load_dictionaries(board.get("languages", ()))


def give_way() -> None:
    """In a process started afresh that lays out ahead of need: run only on what the
    build's other processes leave of the processor (the lowest priority; once they
    are done, that is all of it)."""
    with contextlib.suppress(OSError):
        os.nice(19)


def board_for_afresh() -> dict[str, Any]:
    """What :func:`lay_out_afresh` needs of :data:`.pdf_placing.shared`: not the
    pieces' arrays and earlier layouts (only the main matter's pieces use them), not
    the HTML (a job brings its own)."""
    board = {
        key: value
        for key, value in shared.items()
        if key not in ("counts", "edges", "lead", "condition", "front_html", "earlier")
    }
    board["document"] = dataclasses.replace(board["document"], html="")
    return board


def _detached(laid: LaidOut) -> LaidOut:
    """The piece with its structure tree taken out of its PDF, as text, so that the
    merge never holds the trees as objects (:mod:`.detached_tags`); the one in the
    cache has it so already, and a stamped one had it taken out as it was stamped
    (:func:`_stamped`)."""
    if laid.error is not None or laid.cached or laid.stamps is not None:
        return laid
    try:
        pdf, tags = detach_tags(laid.pdf)
    except NotDetachable as reason:
        raise NotCuttable(str(reason)) from None
    return dataclasses.replace(laid, pdf=pdf, tags=tags)


def from_cache(job: Job) -> LaidOut | None:
    """The document laid out before, as the cache keeps it (or as this build's earlier
    layout of the main matter left it), or None."""
    earlier: LaidOut | None = shared.get("earlier", {}).get(job.key)
    if earlier is not None and earlier.error is None:
        return dataclasses.replace(earlier, cached=True, restamped=False, moved=False)
    cache: PdfCache = shared["cache"]
    hit = cache.load(job.key)
    return LaidOut.from_cache(*hit) if hit else None


def _reuse(job: Job, cached: LaidOut) -> LaidOut | None:
    """The cached piece, if it falls where it fell when it was laid out; else None."""
    index = job.index or 0
    rtl = bool(shared["rtl"])
    count = len(cached.records)
    if index == 0:
        lead = lead_without_front(opening(cached.tail, cached.head, rtl), cached.resets)
        if lead is None and "front_pages" in shared and "front_tail" in shared:
            opens = opening(shared["front_tail"], cached.head, rtl)
            lead = lead_after_front(int(shared["front_pages"]), opens, cached.resets)
        if lead is None:
            return None  # the front matter must be counted: laid out again with it
        post_lead(lead)
    if head_side(cached.head, rtl) == "recto" or _falls_anywhere(cached):
        # its count holds wherever it falls: the pieces after it are placed now, and
        # stamped again side by side with it, not one after the other
        post(job, count, cached.head, cached.tail)
    place = await_place(job, cached.head)
    if place is None:
        post(job, -2)
        return LaidOut.failed(job.name, "abandoned", None, "abandoned")
    first, lead = place
    where = (lead.folio(first), first % 2, shared.get("book_pages"))
    if where != (cached.start, cached.start_index % 2, cached.book_pages):
        restamped = _restamped(job, cached, first, lead)
        if restamped is None:
            return None
        cached = restamped
    post(job, count, cached.head, cached.tail)
    return cached


def _falls_anywhere(cached: LaidOut) -> bool:
    """Whether the cached piece is drawn as it is on whichever side it falls (no page
    inside it opens on a given side, and each page's text area is the same size on
    both): its page count is then the same wherever it falls. (Should it be laid out
    again after all, and count otherwise, the main matter's placing is found wrong once
    every piece is back, and the book laid out in one pass.)"""
    stamps = cached.stamps
    return (
        stamps is not None
        and not stamps.sided
        and all(page.across is not None for page in stamps.pages)
    )


def _lay_out(job: Job) -> LaidOut:
    from .pdf import Abandoned, render_pdf_pages
    from .pdf_pages import page_records
    from .spaced_runs import mark_spaced_runs

    document: PrintDocument = shared["document"]
    part = dataclasses.replace(document, html=job.html)
    stamping = bool(shared.get("stamping")) and job.index is not None

    def render(part: PrintDocument, flips: bool = True) -> tuple[Stamped, Any]:
        drawing = marked_drawing() if stamping else contextlib.nullcontext()
        with Stamped(job, flips=flips, stamping=stamping) as stamped, drawing:
            return stamped, render_pdf_pages(part, shared["resolver"])

    try:
        stamped, (rendered, data, warnings, low) = render(part)
    except NeedsFront:
        _count_front()
        stamped, (rendered, data, warnings, low) = render(part)
    except OtherSize as other_size:
        # the theme's left and right text areas differ: lay the piece out again on
        # the side it falls on (the pages before it are counted by now)
        side = str(other_size.args[0])
        html = job.html.replace("<html", f'<html style="break-before: {side}"', 1)
        part = dataclasses.replace(part, html=html)
        stamped, (rendered, data, warnings, low) = render(part, flips=False)
    except Abandoned:
        raise _Abandoned from None
    data = mark_spaced_runs(data)  # here, not in the merged book (see finish_pdf)
    from .text_block import outside_text_block

    outside = outside_text_block(rendered.pages)
    checks: Checks | None = shared.get("checks")
    anchors = [
        [(name, point[0], point[1]) for name, point in page.anchors.items()]
        for page in rendered.pages
    ]
    bookmarks = [
        [(level, label, point[0], point[1], state) for level, label, point, state in page.bookmarks]
        for page in rendered.pages
    ]
    laid = LaidOut(
        name=job.name,
        pdf=data,
        records=page_records(rendered.pages),
        anchors=anchors,
        bookmarks=bookmarks,
        heights=[page.height for page in rendered.pages],
        warnings=list(warnings),
        low_resolution=list(low),
        outside=outside,
        faults=checks(rendered.pages, outside) if checks else [],
        head=stamped.head,
        tail=stamped.tail,
        resets=stamped.resets,
        start=stamped.start,
        start_index=stamped.start_index,
        front_pages=stamped.front_pages,
        looked_up=sorted(stamped.looked_up),
        book_pages=stamped.book_pages,
    )
    if not stamping:
        return laid
    stamps = Stamps(stamped.stamps, stamped.sided, anchors, bookmarks)
    try:
        return _stamped(job, dataclasses.replace(laid, body=data), stamps)
    except NotStamped:  # laid out with its margin boxes, as one pass does
        shared["stamping"] = False
        return _lay_out(job)


def _stamped(job: Job, laid: LaidOut, stamps: Stamps) -> LaidOut:
    """The piece ``laid`` (its ``body`` laid out without margin boxes) with ``stamps``,
    its structure tree taken out as it is stamped (so :func:`_detached` leaves it), or
    ``laid.tags`` where it has them (see :func:`_restamped`)."""
    document: PrintDocument = shared["document"]
    pages = shared.get("book_pages")
    try:
        pdf, tags, printed = stamp_piece(
            document, shared["resolver"], job.html, laid.body, stamps, pages, laid.tags
        )
    except NotDetachable as reason:
        raise NotCuttable(str(reason)) from None
    return dataclasses.replace(
        laid,
        pdf=pdf,
        tags=tags,
        book_pages=pages,
        records=[
            dataclasses.replace(record, printed=folio)
            for record, folio in zip(laid.records, printed, strict=True)
        ],
        anchors=stamps.drawn_anchors(),
        bookmarks=stamps.drawn_bookmarks(),
        stamps=stamps,
    )


def _restamped(job: Job, cached: LaidOut, first: int, lead: Lead) -> LaidOut | None:
    """The cached piece stamped again where it falls now (``first``, the index of its
    first page in the book), if its body can be drawn there; else None."""
    cache: PdfCache = shared["cache"]
    stamps = cached.stamps
    if stamps is None:
        return None
    recto_side = "left" if shared["rtl"] else "right"
    verso_side = "right" if recto_side == "left" else "left"
    sides = [recto_side if (first + n) % 2 == 0 else verso_side for n in range(len(stamps.pages))]
    if not stamps.can_move(sides):
        return None
    body: bytes | None = cached.body  # this build's earlier layout's, or the cache's
    if not body:
        hit = cache.load(job.key)
        body = cache.load_body(job.key, hit[1]) if hit else None
    if body is None:
        return None
    printed = stamps.pages[0].counters.get("page") if stamps.pages else None
    if not printed:
        return None
    there = stamps.moved_to(lead.folio(first) - printed[-1], sides)  # as its stamps count
    moves, then = [page.moved for page in there.pages], [page.moved for page in stamps.pages]
    laid = dataclasses.replace(
        cached,
        body=body,
        start=lead.folio(first),
        start_index=first,
        cached=False,
        restamped=True,
        # not only the book's page count changed (:attr:`LaidOut.book_pages`)
        moved=(lead.folio(first), first % 2) != (cached.start, cached.start_index % 2),
        # the tree is the body's: the one the last stamping took out, where it holds
        tags=cached.tags.moved(then, moves) if cached.tags else None,
    )
    try:
        return _stamped(job, laid, there)
    except (NotStamped, NotCuttable):  # laid out afresh, which says why
        return None


class _Abandoned(PieceStop):
    """An earlier piece failed: this one gives up."""


def _count_front() -> None:
    """Lay out the front matter as it is before the main matter's pages are known, and
    post the lead it gives (the first piece's worker, before laying it out again)."""
    from .pdf import render_pdf_pages

    document: PrintDocument = shared["document"]
    front = dataclasses.replace(document, html=shared["front_html"])
    with Stamped(Job("front", shared["front_html"])) as stamped:
        rendered, _, _, _ = render_pdf_pages(front, shared["resolver"])
    shared["front_pages"] = len(rendered.pages)
    shared["front_tail"] = stamped.tail
