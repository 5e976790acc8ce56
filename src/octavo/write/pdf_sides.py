"""Move a page WeasyPrint laid out on one side of the spread to the other side.

A piece of a long part (see :mod:`octavo.render.print_split`) is laid out before the
pages ahead of it are counted, so before anyone knows whether it begins on a left or
a right page. WeasyPrint begins a document on a right page. When the piece turns out
to begin on a left page, each of its pages is moved across before its margin boxes
are made: the page takes the style of the other side (its margins, running heads and
folios), and its content moves by the difference between the two text areas' left
and top edges. Line breaks and page breaks stay as they are, which is exactly what a
single pass gives when the two sides' text areas have the same size; when they do
not, :class:`OtherSize` is raised and the piece is laid out again on its true side.

This reaches into WeasyPrint's page layout (``PageType``, ``PageBox``, the page
style cache), as read for WeasyPrint 70; the version is pinned.
"""

from __future__ import annotations

from typing import Any

from .pdf_starts import PieceStop


class OtherSize(PieceStop):
    """The two sides' text areas differ: the page cannot simply be moved across."""


def movable(context: Any, page: Any, html: Any) -> bool:
    """Whether ``page`` can move to the other side as it is (same text area size)."""
    try:
        _other_side(context, page, html)
    except OtherSize:
        return False
    return True


def across(context: Any, page: Any, html: Any) -> tuple[float, float] | None:
    """How far ``page``'s content moves (CSS pixels) to fall on the other side of the
    spread, or None where the two sides' text areas differ."""
    try:
        other = _other_side(context, page, html)
    except OtherSize:
        return None
    dx = other.content_box_x() - page.content_box_x()
    return dx, other.content_box_y() - page.content_box_y()


def flip(context: Any, page: Any, html: Any) -> None:
    """Move ``page`` (laid out, without margin boxes yet) to the other side."""
    other = _other_side(context, page, html)
    dx = other.content_box_x() - page.content_box_x()
    dy = other.content_box_y() - page.content_box_y()
    for child in page.children:  # the body, the footnote area, the note area
        child.translate(dx, dy)
    for name in (
        "margin_top",
        "margin_right",
        "margin_bottom",
        "margin_left",
        "padding_top",
        "padding_right",
        "padding_bottom",
        "padding_left",
        "border_top_width",
        "border_right_width",
        "border_bottom_width",
        "border_left_width",
    ):
        setattr(page, name, getattr(other, name))
    page.page_type = other.page_type
    page.style = other.style


def _other_side(context: Any, page: Any, html: Any) -> Any:
    """The page box of the other side, laid out empty; OtherSize if its area differs."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.page import page_height, page_width, set_page_type_computed_styles
    from weasyprint.layout.percent import resolve_percentages

    side = "left" if page.page_type.side == "right" else "right"
    page_type = page.page_type._replace(side=side)
    set_page_type_computed_styles(page_type, html, context.style_for)
    style = context.style_for(page_type)
    style["overflow"] = page.style["overflow"]
    other = boxes.PageBox(page_type, style)
    size = other.style["size"]
    resolve_percentages(other, size)
    other.position_x = other.position_y = 0
    page_width(other, context, size[0])
    page_height(other, context, size[1])
    if (
        tuple(size) != tuple(page.style["size"])
        or abs(other.width - page.width) > 0.01
        or abs(other.height - page.height) > 0.01
    ):
        raise OtherSize
    return other
