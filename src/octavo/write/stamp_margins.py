"""The margin boxes of a piece's stamps, each row laid out once for every page that
prints the same in it.

A piece's stamps (:func:`octavo.write.pdf_stamps.lay_out_stamps`) are a document of
empty pages whose margin boxes only are drawn. WeasyPrint's ``make_margin_boxes``
builds all sixteen of a page's margin boxes for every page, then sizes each row of
three together (their text measured again for each page) and lays out their content:
about half of a stamp's time. Yet most rows print what another page of the piece
printed: the running head of every left-hand page is the book's title, that of the
right-hand pages a review's for as long as it runs; only the folio differs on every
page.

:func:`margin_boxes` is WeasyPrint 70's ``make_margin_boxes`` (read for that version;
it is pinned) with one change: a row, or a corner, is laid out once for each set of
what decides its boxes (the styles of its three boxes, which pages of the same
:class:`~weasyprint.layout.page.PageType` styles share, what each generated box holds
once its counters and strings are read, and the page's size and margins), and that
row's laid-out boxes are given to every page it prints the same on. A row that holds
none is not built at all (WeasyPrint built its three boxes to find that out). Boxes
are not changed once laid out: the same box drawn on two pages draws the same. A
box whose content is not plain text (an image, say) is laid out for its page
alone, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

#: The boxes whose content :func:`_signature` can say: any other makes a row that is
#: laid out for its page alone.
_PLAIN = frozenset(("MarginBox", "BlockBox", "LineBox", "InlineBox", "TextBox"))

Memo = dict[tuple[Any, ...], list[Any]]


def margin_boxes(context: Any, page: Any, state: Any, memo: Memo) -> Iterator[Any]:
    """WeasyPrint 70's ``make_margin_boxes(context, page, state)``, each row or corner
    laid out once for every set of what decides it, kept in ``memo`` (one for each
    document: its styles' identities are part of the key)."""
    import copy

    from weasyprint.formatting_structure import boxes, build
    from weasyprint.layout.page import (
        _standardize_page_based_counters,
        compute_fixed_dimension,
        compute_variable_dimension,
        margin_box_content_layout,
    )
    from weasyprint.layout.percent import resolve_percentages

    def style_of(at_keyword: str) -> tuple[Any, bool]:
        """The box's style and whether it comes from a rule (else the page's anonymous
        style, which generates nothing)."""
        style = context.style_for(page.page_type, at_keyword)
        if style is None:
            return page.style.anonymous_style, False
        return style, True

    def make_box(at_keyword: str, style: Any, containing_block: Any) -> Any:
        """WeasyPrint's ``make_box``, its style looked up already."""
        _standardize_page_based_counters(style, at_keyword)
        box = boxes.MarginBox(at_keyword, style)
        box.is_generated = style["content"] not in ("normal", "inhibit", "none")
        if box.is_generated:
            margin_state = copy.deepcopy(state)
            quote_depth, counter_values, counter_scopes, _page_groups = margin_state
            counter_scopes.append(set())
            build.update_counters(margin_state, box.style)
            box.children = build.content_to_boxes(
                box.style, box, quote_depth, counter_values,
                context.get_image_from_uri, context.target_collector,
                context.counter_style, context, page,
            )  # fmt: skip
            box.process_whitespace()
            box.process_text_transform()
            box = build.create_anonymous_boxes(box)
        resolve_percentages(box, containing_block)
        if not box.is_generated:
            box.width = box.height = 0
            for side in ("top", "right", "bottom", "left"):
                box._reset_spacing(side)
        return box

    margin_top, margin_bottom = page.margin_top, page.margin_bottom
    margin_left, margin_right = page.margin_left, page.margin_right
    max_box_width, max_box_height = page.border_width(), page.border_height()
    page_end_x = margin_left + max_box_width
    page_end_y = margin_top + max_box_height
    geometry = (margin_top, margin_bottom, margin_left, margin_right, max_box_width, max_box_height)

    # each row or corner that generates a box: its key (None: laid out for this page
    # alone) and, where the memo does not hold it, its boxes sized and placed
    placed: list[tuple[tuple[Any, ...] | None, list[Any]]] = []
    rows = (
        ("top", False, (max_box_width, margin_top), margin_left, 0),
        ("bottom", False, (max_box_width, margin_bottom), margin_left, page_end_y),
        ("left", True, (margin_left, max_box_height), 0, margin_top),
        ("right", True, (margin_right, max_box_height), page_end_x, margin_top),
    )
    for prefix, vertical, containing_block, position_x, position_y in rows:
        if vertical:
            suffixes = ("top", "middle", "bottom")
            fixed_outer, variable_outer = containing_block
        else:
            suffixes = ("left", "center", "right")
            variable_outer, fixed_outer = containing_block
        keywords = [f"@{prefix}-{suffix}" for suffix in suffixes]
        styles = [style_of(keyword) for keyword in keywords]
        if not any(_generates(style) for style, _ in styles):
            continue
        built = {
            keyword: make_box(keyword, style, containing_block)
            for keyword, (style, _) in zip(keywords, styles, strict=True)
            if _generates(style)
        }
        key = _key(prefix, styles, list(built.values()), geometry)
        if key is not None and key in memo:
            placed.append((key, []))
            continue
        side_boxes = [
            built[keyword] if keyword in built else make_box(keyword, style, containing_block)
            for keyword, (style, _) in zip(keywords, styles, strict=True)
        ]
        compute_variable_dimension(context, side_boxes, vertical, variable_outer)
        generated = []
        for box, offset in zip(side_boxes, (0, 0.5, 1), strict=True):
            if not box.is_generated:
                continue
            box.position_x = position_x
            box.position_y = position_y
            if vertical:
                box.position_y += offset * (variable_outer - box.margin_height())
            else:
                box.position_x += offset * (variable_outer - box.margin_width())
            compute_fixed_dimension(
                context, box, fixed_outer, not vertical, prefix in ("top", "left")
            )
            generated.append(box)
        placed.append((key, generated))

    corners = (
        ("@top-left-corner", margin_left, margin_top, 0, 0),
        ("@top-right-corner", margin_right, margin_top, page_end_x, 0),
        ("@bottom-left-corner", margin_left, margin_bottom, 0, page_end_y),
        ("@bottom-right-corner", margin_right, margin_bottom, page_end_x, page_end_y),
    )
    for at_keyword, cb_width, cb_height, position_x, position_y in corners:
        style, ruled = style_of(at_keyword)
        if not _generates(style):
            continue
        box = make_box(at_keyword, style, (cb_width, cb_height))
        key = _key(at_keyword, [(style, ruled)], [box], geometry)
        if key is not None and key in memo:
            placed.append((key, []))
            continue
        box.position_x = position_x
        box.position_y = position_y
        compute_fixed_dimension(context, box, cb_height, True, "top" in at_keyword)
        compute_fixed_dimension(context, box, cb_width, False, "left" in at_keyword)
        placed.append((key, [box]))

    # laid out in WeasyPrint's order: every box sized and placed first, then each laid out
    for key, generated in placed:
        if key is not None and key in memo:
            yield from memo[key]
            continue
        laid = [margin_box_content_layout(context, page, box) for box in generated]
        if key is not None:
            memo[key] = laid
        yield from laid


def _generates(style: Any) -> bool:
    """Whether a margin box of this style is generated (WeasyPrint's test)."""
    return style["content"] not in ("normal", "inhibit", "none")


def _key(
    where: str, styles: list[tuple[Any, bool]], built: list[Any], geometry: tuple[float, ...]
) -> tuple[Any, ...] | None:
    """What decides a row's (or a corner's) boxes: the styles of its boxes (those of a
    rule by identity, held by the document for as long as the memo), what its generated
    boxes hold, and the page's size and margins; None where a box holds more than
    text."""
    held = []
    for box in built:
        signature = _signature(box)
        if signature is None:
            return None
        held.append(signature)
    identities = tuple(id(style) if ruled else None for style, ruled in styles)
    return (where, identities, tuple(held), geometry)


def _signature(box: Any) -> tuple[Any, ...] | None:
    """A generated box's content as its boxes' kinds and texts, or None where it holds
    a box of another kind (an image, a form field...)."""
    kind = type(box).__name__
    if kind not in _PLAIN:
        return None
    children = []
    for child in getattr(box, "children", ()):
        signature = _signature(child)
        if signature is None:
            return None
        children.append(signature)
    return (kind, getattr(box, "text", None), getattr(box, "is_leader", False), tuple(children))
