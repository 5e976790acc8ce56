"""Folios and running heads stamped on a piece's pages after its body is laid out.

A piece of the parallel layout (:mod:`octavo.write.pdf_worker`) is laid out without
its margin boxes. What they would show is recorded page by page instead
(:class:`.pdf_stamp_pages.PageStamp`): the page's type (side, blank, name, ``:nth()`` groups), its
counters (the folio), and the named strings a running head can print (``string()``,
read where the body is). A second, empty document then lays out only the margin boxes
of those pages (:func:`lay_out_stamps`), and :func:`.pdf_stamp_splice.splice` draws
them into the body's content: the page's backgrounds under it, the margin boxes over it, each marked
as an artifact (their resources join the body's under names of their own), and the
body moved across to the other side of the spread where the page falls there.

So the body of a piece does not depend on where the piece falls: a piece that moves
(a review before it grew by a page) is stamped again from its cached body, in a small
fraction of the time its layout took. A piece that opens pages on a given side inside
(a part that opens on a recto) is moved by even counts of pages only
(:attr:`.pdf_stamp_pages.Stamps.sided`); one whose two sides' text areas differ is
never moved across (its pages have no :attr:`.pdf_stamp_pages.PageStamp.across`).
Margin boxes that print a running element (``element()``) cannot be recorded as data:
such a theme's pieces are laid out with their margin boxes, as before
(:func:`stamped_theme`).

This reaches into WeasyPrint's page layout and drawing (``PageType``,
``make_margin_boxes``, ``draw_page``, the named strings of ``LayoutContext``), as read
for WeasyPrint 70; the version is pinned.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .pdf_stamp_pages import NotStamped, Stamps
from .pdf_stamp_splice import END, OVER, UNDER, splice
from .stamp_margins import Memo, margin_boxes

if TYPE_CHECKING:
    from ..render.print_html import PrintDocument
    from ..resources import Resolver
    from .detached_tags import DetachedTags


def stamped_theme(document: PrintDocument) -> bool:
    """Whether the document's margin boxes can be stamped: none prints a running element."""
    texts = [document.page_css]
    for path in document.stylesheets:
        try:
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return False
    return not any(re.search(r"\belement\s*\(", text) for text in texts)


@contextmanager
def marked_drawing(only_margins: bool = False) -> Iterator[None]:
    """Draw pages with :data:`UNDER`, :data:`OVER` and :data:`END` marks; with
    ``only_margins``, draw the page's margin boxes and backgrounds alone (the stamps)."""
    import weasyprint.document as document_module
    from weasyprint.draw import draw_background, draw_border, draw_stacking_context
    from weasyprint.draw.border import set_mask_border
    from weasyprint.formatting_structure import boxes
    from weasyprint.stacking import StackingContext

    original = document_module.draw_page

    def draw_page(page: Any, stream: Any) -> None:  # WeasyPrint 70's, with marks
        marks = page.style["marks"]
        stacking_context = StackingContext.from_page(page)
        if only_margins:
            for name in ("negative_z_contexts", "zero_z_contexts", "positive_z_contexts"):
                kept = [
                    child
                    for child in getattr(stacking_context, name)
                    if isinstance(child.box, boxes.MarginBox)
                ]
                setattr(stacking_context, name, kept)
        stream.stream.append(UNDER)
        draw_background(
            stream,
            stacking_context.box.background,
            clip_box=False,
            bleed=page.bleed,
            marks=marks,
        )
        set_mask_border(stream, page)
        draw_background(stream, page.canvas_background, clip_box=False)
        draw_border(stream, page)
        stream.stream.append(OVER)
        draw_stacking_context(stream, stacking_context)
        stream.stream.append(END)

    document_module.draw_page = draw_page
    try:
        yield
    finally:
        document_module.draw_page = original


def lay_out_stamps(
    document: PrintDocument,
    resolver: Resolver,
    html: str,
    stamps: Stamps,
    book_pages: int | None,
) -> tuple[bytes, list[Any]]:
    """The margin boxes of ``stamps``' pages, laid out and drawn in a document of their
    own (untagged: they become artifacts; their letterspaced runs are marked as they
    are spliced), and the page boxes (for their folios); with ``book_pages``, the
    book's page count for ``counter(pages)``."""
    import weasyprint.layout as layout
    import weasyprint.layout.page as layout_page
    from weasyprint.layout import LayoutContext

    from .pdf import lay_out, write_unclaimed

    pages = stamps.pages
    PageType = layout_page.PageType
    types = [PageType(p.side, p.blank, p.name, p.index, p.groups) for p in pages]
    body = "".join('<div style="break-before: page"></div>' for page in pages if not page.blank)
    stamp_html = _with_body(html, body or "<div></div>")
    original_type = layout_page.PageType
    original_margins = layout.make_margin_boxes
    original_strings = LayoutContext.get_string_set_for
    original_running = LayoutContext.get_running_element_for

    def page_type(side: str, blank: bool, name: str, index: int, groups: Any) -> Any:
        return (
            types[index] if index < len(types) else original_type(side, blank, name, index, groups)
        )

    memo: Memo = {}  # each row of margin boxes laid out once (:mod:`.stamp_margins`)

    def margins(context: Any, page: Any, state: Any) -> Iterator[Any]:
        stamp = pages[context.current_page - 1]
        counters = {name: list(values) for name, values in stamp.counters.items()}
        if book_pages is not None:
            counters["pages"] = [book_pages]
        recorded: tuple[Any, ...] = (
            list(stamp.quotes),
            counters,
            [set(scope) for scope in stamp.scopes],
            [],
        )
        in_margins.append(True)
        try:
            yield from margin_boxes(context, page, recorded, memo)
        finally:
            in_margins.pop()

    def strings(context: Any, page: Any, name: str, keyword: str = "first") -> Any:
        return pages[context.current_page - 1].strings.get((name, keyword), ())

    in_margins: list[bool] = []
    original_styles = layout_page.set_page_type_computed_styles
    alike: dict[tuple[Any, ...], Any] = {}

    def styles(page_type: Any, html: Any, style_for: Any) -> None:
        """The styles of a page type whose @page rules match alike another's (the same
        side, blankness and selectors matched) are that type's: every page of a piece
        has a type of its own (its index), and computing the same margin boxes' styles
        again was most of a stamp's time."""
        selectors = [
            selector[2]
            for sheet, _, _ in style_for._sheets
            for _, selector_list, _ in sheet.page_rules
            for selector in selector_list
        ]
        matched = tuple(style_for._page_type_match(selector, page_type) for selector in selectors)
        key = (page_type.side, page_type.blank, page_type.name, matched)
        same = alike.get(key)
        if same is None:
            alike[key] = page_type
            original_styles(page_type, html, style_for)
            return
        for held in (style_for._cascaded_styles, style_for._computed_styles):
            for element, pseudo_type in [k for k in held if k[0] == same]:
                held[(page_type, pseudo_type)] = held[(element, pseudo_type)]

    def running(context: Any, page: Any, name: str, keyword: str = "first") -> Any:
        if in_margins:
            raise NotStamped(f"a margin box prints the running element {name!r}")
        return original_running(context, page, name, keyword)

    layout_page.PageType = page_type
    layout_page.set_page_type_computed_styles = styles
    layout.make_margin_boxes = margins
    LayoutContext.get_string_set_for = strings
    LayoutContext.get_running_element_for = running
    try:
        rendered = lay_out(dataclasses.replace(document, html=stamp_html), resolver)
        if len(rendered.pages) != len(pages):
            raise NotStamped(f"{len(rendered.pages)} stamps for {len(pages)} pages")
        with marked_drawing(only_margins=True):
            data = write_unclaimed(rendered, document)
    finally:
        layout_page.PageType = original_type
        layout_page.set_page_type_computed_styles = original_styles
        layout.make_margin_boxes = original_margins
        LayoutContext.get_string_set_for = original_strings
        LayoutContext.get_running_element_for = original_running
    return data, [page._page_box for page in rendered.pages]


def stamp_piece(
    document: PrintDocument,
    resolver: Resolver,
    html: str,
    body: bytes,
    stamps: Stamps,
    pages: int | None = None,
    taken: DetachedTags | None = None,
) -> tuple[bytes, DetachedTags | None, list[tuple[int, bool] | None]]:
    """The piece drawn from its ``body`` (letterspaced runs marked) with ``stamps``,
    its structure tree taken out of it (:func:`.pdf_stamp_splice.splice`; or ``taken``,
    the tree an earlier stamping took out of the same body, moved as its pages are now:
    :meth:`.detached_tags.DetachedTags.moved`), and the folio each page prints;
    ``pages``: the book's page count, where the margin boxes print it."""
    from .pdf_pages import printed_folio

    stamp_pdf, page_boxes = lay_out_stamps(document, resolver, html, stamps, pages)
    pdf, tags = splice(body, stamp_pdf, stamps, taken)
    return pdf, tags, [printed_folio(box) for box in page_boxes]


def _with_body(html: str, body: str) -> str:
    """The document ``html`` with ``body`` for its body's content."""
    start = html.find("<body")
    if start < 0:
        return f"{html}<body>{body}</body>"
    open_end = html.find(">", start) + 1
    end = html.rfind("</body>")
    return html[:open_end] + body + (html[end:] if end >= open_end else "</body></html>")
