"""Where a piece of the parallel layout falls: the board the workers share, and the
hook on WeasyPrint's margin boxes that reads the piece's place from it.

The workers (:mod:`octavo.write.pdf_worker`) inherit :data:`shared`: each posts its
piece's page count and edges as soon as they are known, and waits, at its first
page's margin boxes, for the pieces before it. :class:`Stamped` wraps WeasyPrint's
``make_margin_boxes`` for that, moves the page counter on to the piece's first folio,
and moves each page that falls on the other side of the spread across
(:mod:`octavo.write.pdf_sides`). As read for WeasyPrint 70; the version is pinned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .pdf_sides import OtherSize, across, flip, movable
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
    from .pdf_stamp_pages import PageStamp
    from .pdf_worker import Job

#: The state the forked workers inherit (set just before the pool starts): the
#: document, resolver, cache, checks, the pieces' ``continued`` flags, whether the book
#: runs right to left, the provisional front matter, and the shared arrays ``counts``
#: (pages, -1 not yet, -2 failed), ``edges`` (head and tail of each piece, -1 not
#: yet), ``lead`` (first index and base, -1 not yet) with their ``condition``; and
#: ``book_pages``: the book's page count, which the margin boxes of a theme that prints
#: it (``counter(pages)``) print in every document (None: the theme does not).
shared: dict[str, Any] = {}


class NeedsFront(PieceStop):
    """The first piece's place depends on the front matter's length."""


def await_place(job: Job, head: int) -> tuple[int, Lead] | None:
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


def post(job: Job, count: int, head: int = -1, tail: int = -1) -> None:
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


def post_lead(lead: Lead) -> None:
    condition = shared["condition"]
    with condition:
        shared["lead"][0] = lead.first
        shared["lead"][1] = lead.base
        condition.notify_all()


class Stamped:
    """Lay out a piece's margin boxes where its pages fall in the book.

    While WeasyPrint lays out the piece, ``make_margin_boxes`` is wrapped: at the first
    page, the piece's edges are summed up and posted, the pages before it awaited, and
    the page counter moved on; each page that falls on the other side is moved across
    first (:func:`octavo.write.pdf_sides.flip`), unless ``flips`` is False (the piece
    was laid out again on its true side). The names the document's ``target-*()``
    functions look up are noted: one that another document holds would print a
    number this document cannot know.
    """

    def __init__(self, job: Job, flips: bool = True, stamping: bool = False) -> None:
        self.job = job
        self.flips = flips
        #: record each page's stamp (:mod:`.pdf_stamps`) instead of making its margin boxes
        self.stamping = stamping
        self.stamps: list[PageStamp] = []
        self.sided = False  #: a page after the first opens on a given side
        self.head = self.tail = 0
        self.resets = False
        self.start = 1  #: the folio of the first page
        self.start_index = 0  #: the index of the first page in the book
        self.front_pages = -1  #: the front matter's pages it was placed after, if any
        self.looked_up: set[str] = set()
        self.book_pages: int | None = None  #: the book's page count its margin boxes print

    def __enter__(self) -> Stamped:
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
            quote_depth, counter_values, counter_scopes, page_groups = state
            values = dict(counter_values)
            values["page"] = [value + shift[0] for value in values["page"]]
            if shared.get("book_pages") is not None:  # the book's count, not this document's
                self.book_pages = int(shared["book_pages"])
                values["pages"] = [self.book_pages]
            moved_state = (quote_depth, values, counter_scopes, page_groups)
            if self.job.index is not None:
                recto = (self.start_index + index) % 2 == 0
                recto_side = "left" if shared["rtl"] else "right"
                side = recto_side if recto else ("right" if recto_side == "left" else "left")
                if self.stamping:
                    self._record(context, page, moved_state, side, html[0])
                    return []
                if self.flips and page.page_type.side != side:
                    flip(context, page, html[0])
            return original(context, page, moved_state)

        layout.make_margin_boxes = moved
        layout_page.set_page_type_computed_styles = noted
        targets.TargetCollector.lookup_target = noting
        return self

    def _record(self, context: Any, page: Any, state: Any, side: str, html: Any) -> None:
        """Note what the page's margin boxes print, for its stamp."""
        from .pdf_stamp_pages import record

        index = page.page_type.index
        opens = context.page_maker[index][1]["break"]
        if index > 0 and (page.page_type.blank or opens in ("left", "right", "recto", "verso")):
            self.sided = True
        if not self.flips:  # laid out on its true side: its sides differ
            self.stamps.append(record(context, page, state, page.page_type.side, None))
            return
        moves = across(context, page, html)
        if page.page_type.side != side and moves is None:
            other = "right" if side == "left" else "left"
            raise OtherSize(side if index % 2 == 0 else other)  # the first page's side
        self.stamps.append(record(context, page, state, side, moves))

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
        if _text_counts_pages(context):
            raise NotCuttable("the text (not a margin box) prints the number of pages")
        if job.index is None:
            return job.shift
        total = state[1]["pages"][0]
        rtl = bool(shared["rtl"])
        if job.index == 0:
            self._lead(rtl)
        elif self.resets:
            raise NotCuttable("a piece of the main matter sets the page number")
        if head_side(self.head, rtl) == "recto":
            post(job, total, self.head, self.tail)  # its count does not depend on its side
        place = await_place(job, self.head)
        if place is None:
            from .pdf import Abandoned

            raise Abandoned
        self.start_index, lead = place
        self.start = lead.folio(self.start_index)
        if self.flips and self.start_index % 2 == 1 and not movable(context, page, html):
            recto_side = "left" if rtl else "right"
            raise OtherSize("right" if recto_side == "left" else "left")
        post(job, total, self.head, self.tail)
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
                raise NeedsFront
            self.front_pages = int(front_pages)
            opens = opening(shared["front_tail"], self.head, rtl)
            lead = lead_after_front(self.front_pages, opens, self.resets)
        post_lead(lead)

    def __exit__(self, *exc: object) -> None:
        import weasyprint.css.targets as targets
        import weasyprint.layout as layout
        import weasyprint.layout.page as layout_page

        layout.make_margin_boxes = self.original
        layout_page.set_page_type_computed_styles = self.original_styles
        targets.TargetCollector.lookup_target = self.original_lookup


def _text_counts_pages(context: Any) -> bool:
    """Whether the document's text prints the number of pages (``counter(pages)`` in
    a ``content``, ``string-set`` or ``bookmark-label``): a piece knows only its own.
    (The margin boxes print the book's: :data:`shared`'s ``book_pages``.)"""
    return any(
        "pages" in item.missing_counters
        or any("pages" in names for names in item.missing_target_counters.values())
        for item in context.target_collector.counter_lookup_items.values()
    )


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
