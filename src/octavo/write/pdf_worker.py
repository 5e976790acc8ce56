"""A worker of the parallel layout: one piece of the book, laid out where it falls.

Worker processes are forked by :mod:`octavo.write.pdf_parallel`, so that WeasyPrint
and the fonts are loaded once; they inherit :data:`shared`. A worker lays out its
piece's body as if it began the book (WeasyPrint begins a document on a right-hand
page), then, before WeasyPrint makes the first page's margin boxes (folios, running
heads), it sums up the breaks at the piece's two ends and posts them
(:mod:`octavo.write.pdf_starts`) and waits for the pieces before it to post their
page counts. Then it knows where its first page falls: it moves the page counter on,
and moves each page that falls on the other side of the spread across
(:mod:`octavo.write.pdf_sides`), or, where the two sides' text areas differ, lays the
piece out again on its true side. A piece whose first element opens on a given side
(a part on a right-hand page) posts its page count at once; one that can fall on
either side posts it once it knows its side, since laying it out again may change it.

The first piece also fixes where the main matter begins (:class:`Lead`). Where that
depends on the front matter's length (its first page does not open on a given side,
or does not restart the page numbers), the worker lays out the front matter first,
with the contents' page numbers not known yet, to count it; the parallel layout
checks the count against the front matter it lays out last.

This reaches into WeasyPrint's layout (``make_margin_boxes``, the page style cache,
``TargetCollector.lookup_target``), as read for WeasyPrint 70; the version is pinned.
"""

from __future__ import annotations

import dataclasses
import gc
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import BuildError
from ..render.print_html import PrintDocument
from .pdf_cache import PdfCache
from .pdf_merge import LaidOut
from .pdf_sides import OtherSize, flip, movable
from .pdf_starts import (
    Lead,
    NotCuttable,
    PieceStop,
    break_values,
    edge,
    head_side,
    lead_after_front,
    lead_without_front,
    opening,
    piece_indexes,
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


#: The state the forked workers inherit (set just before the pool starts): the
#: document, resolver, cache, checks, the pieces' ``continued`` flags, whether the book
#: runs right to left, the provisional front matter, and the shared arrays ``counts``
#: (pages, -1 not yet, -2 failed), ``edges`` (head and tail of each piece, -1 not
#: yet), ``lead`` (first index and base, -1 not yet) with their ``condition``.
shared: dict[str, Any] = {}


def lay_out(job: Job) -> LaidOut:
    """In a worker: lay out one document and write its PDF."""
    if job.index is not None:
        cached = from_cache(job)
        if cached is not None:
            reused = _reuse(job, cached)
            if reused is not None:
                return reused
    try:
        return _lay_out(job)
    except NotCuttable as reason:
        _post(job, -2)
        return LaidOut.failed(job.name, str(reason), None, UNCUT)
    except _Abandoned:
        _post(job, -2)  # a piece posts its count late: those after it give up
        return LaidOut.failed(job.name, "abandoned", None, "abandoned")
    except BuildError as error:
        _post(job, -2)  # those waiting for this count give up
        return LaidOut.failed(job.name, error.message, error.hint, error.code)
    finally:
        # A worker lays out several pieces: it starts each without the last one's pages.
        # (Turning the cyclic collector off while laying out was about 10 % faster and
        # took a worker from about 330 to about 400 MiB on 1,000 reviews.)
        gc.collect()


def from_cache(job: Job) -> LaidOut | None:
    """The document laid out before, as the cache keeps it, or None."""
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
        _post_lead(lead)
    if head_side(cached.head, rtl) == "recto":
        _post(job, count, cached.head, cached.tail)
    place = _place(job, cached.head)
    if place is None:
        _post(job, -2)
        return LaidOut.failed(job.name, "abandoned", None, "abandoned")
    first, lead = place
    if (lead.folio(first), first % 2) != (cached.start, cached.start_index % 2):
        return None
    _post(job, count, cached.head, cached.tail)
    return cached


def _lay_out(job: Job) -> LaidOut:
    from .pdf import Abandoned, render_pdf_pages

    document: PrintDocument = shared["document"]
    part = dataclasses.replace(document, html=job.html)
    if job.index == 0 and shared.get("front_first") and "front_pages" not in shared:
        _count_front()
    try:
        with _Stamped(job) as stamped:
            rendered, data, warnings, low = render_pdf_pages(part, shared["resolver"])
    except _NeedsFront:
        _count_front()
        with _Stamped(job) as stamped:
            rendered, data, warnings, low = render_pdf_pages(part, shared["resolver"])
    except OtherSize as other_size:
        # the theme's left and right text areas differ: lay the piece out again on
        # the side it falls on (the pages before it are counted by now)
        side = str(other_size.args[0])
        html = job.html.replace("<html", f'<html style="break-before: {side}"', 1)
        part = dataclasses.replace(part, html=html)
        with _Stamped(job, flips=False) as stamped:
            rendered, data, warnings, low = render_pdf_pages(part, shared["resolver"])
    except Abandoned:
        raise _Abandoned from None
    from .pdf import mark_spaced_runs
    from .pdf_pages import page_records

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
    return LaidOut(
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
    )


class _Abandoned(PieceStop):
    """An earlier piece failed: this one gives up."""


class _NeedsFront(PieceStop):
    """The first piece's place depends on the front matter's length."""


def _count_front() -> None:
    """Lay out the front matter as it is before the main matter's pages are known, and
    post the lead it gives (the first piece's worker, before laying it out again)."""
    from .pdf import render_pdf_pages

    document: PrintDocument = shared["document"]
    front = dataclasses.replace(document, html=shared["front_html"])
    with _Stamped(Job("front", shared["front_html"])) as stamped:
        rendered, _, _, _ = render_pdf_pages(front, shared["resolver"])
    shared["front_pages"] = len(rendered.pages)
    shared["front_tail"] = stamped.tail


def _place(job: Job, head: int) -> tuple[int, Lead] | None:
    """The index of the piece's first page and the main matter's lead, once the pieces
    before it are counted; None if one of them failed."""
    index = job.index or 0
    counts, edges, lead, condition = (
        shared["counts"],
        shared["edges"],
        shared["lead"],
        shared["condition"],
    )

    def failed() -> bool:
        return lead[0] == -2 or any(counts[j] == -2 for j in range(index))

    def known() -> bool:
        return lead[0] >= 0 and all(counts[j] >= 0 for j in range(index))

    with condition:
        condition.wait_for(lambda: failed() or known())
        if failed():
            return None
        before = [counts[j] for j in range(index)]
        heads = [edges[2 * j] for j in range(index)] + [head]
        tails = [edges[2 * j + 1] for j in range(index)]
        first = Lead(lead[0], lead[1])
    rtl = bool(shared["rtl"])
    openings = ["recto"] + [
        opening(tail, head, rtl) for tail, head in zip(tails, heads[1:], strict=True)
    ]
    return piece_indexes(first, [*before, 0], openings)[-1], first


def _post(job: Job, count: int, head: int = -1, tail: int = -1) -> None:
    if job.index is None:
        return
    counts, edges, condition = shared["counts"], shared["edges"], shared["condition"]
    with condition:
        if count >= 0:
            edges[2 * job.index] = head
            edges[2 * job.index + 1] = tail
        if counts[job.index] < 0:
            counts[job.index] = count
        if count == -2 and job.index == 0 and shared["lead"][0] == -1:
            shared["lead"][0] = -2  # no lead will come
        condition.notify_all()


def _post_lead(lead: Lead) -> None:
    condition = shared["condition"]
    with condition:
        shared["lead"][0] = lead.first
        shared["lead"][1] = lead.base
        condition.notify_all()


class _Stamped:
    """Lay out a piece's margin boxes where its pages fall in the book.

    While WeasyPrint lays out the piece, ``make_margin_boxes`` is wrapped: at the first
    page, the piece's edges are summed up and posted, the pages before it awaited, and
    the page counter moved on; each page that falls on the other side is moved across
    first (:func:`octavo.write.pdf_sides.flip`), unless ``flips`` is False (the piece
    was laid out again on its true side). The names the document's ``target-*()``
    functions look up are noted: one that another document holds would print a
    number this document cannot know.
    """

    def __init__(self, job: Job, flips: bool = True) -> None:
        self.job = job
        self.flips = flips
        self.head = self.tail = 0
        self.resets = False
        self.start = 1  #: the folio of the first page
        self.start_index = 0  #: the index of the first page in the book
        self.front_pages = -1  #: the front matter's pages it was placed after, if any
        self.looked_up: set[str] = set()

    def __enter__(self) -> _Stamped:
        import weasyprint.css.targets as targets
        import weasyprint.layout as layout
        import weasyprint.layout.page as layout_page

        self.original = layout.make_margin_boxes
        self.original_styles = layout_page.set_page_type_computed_styles
        self.original_lookup = targets.TargetCollector.lookup_target
        original, styles, lookup = self.original, self.original_styles, self.original_lookup
        html: list[Any] = []
        shift: list[int] = []
        looked_up = self.looked_up

        def noted(page_type: Any, document: Any, style_for: Any) -> Any:
            if not html:
                html.append(document)  # WeasyPrint's HTML object, for the other side's style
            return styles(page_type, document, style_for)

        def noting(collector: Any, anchor_token: Any, source_box: Any, *args: Any) -> Any:
            item = lookup(collector, anchor_token, source_box, *args)
            name = _anchor_name(anchor_token, source_box)
            if name:
                looked_up.add(name)
            return item

        def moved(context: Any, page: Any, state: Any) -> Any:
            index = page.page_type.index
            if not shift:
                shift.append(self._first_page(context, page, state, html[0]))
            elif _touches_page_counter(page.style) and self.job.index is not None:
                raise NotCuttable("a page inside the main matter sets the page number")
            if self.job.index is not None:
                recto = (self.start_index + index) % 2 == 0
                recto_side = "left" if shared["rtl"] else "right"
                side = recto_side if recto else ("right" if recto_side == "left" else "left")
                if self.flips and page.page_type.side != side:
                    flip(context, page, html[0])
            quote_depth, counter_values, counter_scopes, page_groups = state
            values = dict(counter_values)
            values["page"] = [value + shift[0] for value in values["page"]]
            return original(context, page, (quote_depth, values, counter_scopes, page_groups))

        layout.make_margin_boxes = moved
        layout_page.set_page_type_computed_styles = noted
        targets.TargetCollector.lookup_target = noting
        return self

    def _first_page(self, context: Any, page: Any, state: Any, html: Any) -> int:
        """At the first page: sum up the piece's edges, post what can be posted, await
        the pieces before, and give the page counter's shift."""
        job = self.job
        body = html.etree_element.find("body")
        tops = [] if body is None else [e for e in body if isinstance(e.tag, str)]
        tops = [e for e in tops if "octavo-anchors" not in (e.get("class") or "").split()]
        continues = shared.get("continued", ())
        style_for = context.style_for
        if tops:
            self.head = edge(break_values(tops[0], style_for, "before", job.continued))
            following = -1 if job.index is None else job.index + 1
            goes_on = 0 <= following < len(continues) and continues[following]
            self.tail = edge(break_values(tops[-1], style_for, "after", goes_on))
        self.resets = _touches_page_counter(page.style)
        if (style_for(html.etree_element)["direction"] == "rtl") != bool(shared["rtl"]):
            raise NotCuttable("the book's direction is set by a stylesheet, not by the HTML")
        if job.index is None:
            return job.shift
        total = state[1]["pages"][0]
        rtl = bool(shared["rtl"])
        if job.index == 0:
            self._lead(rtl)
        elif self.resets:
            raise NotCuttable("a piece of the main matter sets the page number")
        if head_side(self.head, rtl) == "recto":
            _post(job, total, self.head, self.tail)  # its count does not depend on its side
        place = _place(job, self.head)
        if place is None:
            from .pdf import Abandoned

            raise Abandoned
        self.start_index, lead = place
        self.start = lead.folio(self.start_index)
        if self.flips and self.start_index % 2 == 1 and not movable(context, page, html):
            recto_side = "left" if rtl else "right"
            raise OtherSize("right" if recto_side == "left" else "left")
        _post(job, total, self.head, self.tail)
        counter: int = state[1]["page"][-1]
        return self.start - counter

    def _lead(self, rtl: bool) -> None:
        """The first piece: post where the main matter begins, counting the front
        matter first where that needs it."""
        opens = head_side(self.head, rtl)
        lead = lead_without_front(opens, self.resets) if opens else None
        if lead is None:
            front_pages = shared.get("front_pages")
            if front_pages is None:
                raise _NeedsFront
            self.front_pages = int(front_pages)
            opens = opening(shared["front_tail"], self.head, rtl)
            lead = lead_after_front(self.front_pages, opens, self.resets)
        _post_lead(lead)

    def __exit__(self, *exc: object) -> None:
        import weasyprint.css.targets as targets
        import weasyprint.layout as layout
        import weasyprint.layout.page as layout_page

        layout.make_margin_boxes = self.original
        layout_page.set_page_type_computed_styles = self.original_styles
        targets.TargetCollector.lookup_target = self.original_lookup


def _touches_page_counter(style: Any) -> bool:
    """Whether a page's style resets or sets the page counter (as the first page of
    the main matter does in the shipped themes)."""
    return any(name == "page" for key in ("counter_reset", "counter_set") for name, _ in style[key])


def _anchor_name(anchor_token: Any, source_box: Any) -> str | None:
    from weasyprint.css.targets import anchor_name_from_token
    from weasyprint.urls import get_url_tuple

    if anchor_token[0] == "attr()":
        attr_name, type_, fallback = anchor_token[1]
        value = source_box.element.get(attr_name, fallback)
        if type_ == "url":
            anchor_token = ("url", get_url_tuple(value, source_box.style.base_url))
        else:
            anchor_token = ("string", value)
    name = anchor_name_from_token(anchor_token)
    return name if isinstance(name, str) else None
