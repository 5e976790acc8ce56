"""Find the words a laid-out page sets outside its text block.

A code line that cannot wrap or a table wider than the page runs past the margin, or
off the paper, and WeasyPrint says nothing. After layout every text box of a page's
body (not its margin boxes: running heads and folios live there by design) is
compared with the page's content box; the ones beyond it are reported with the id
of the review or page they belong to, so that the build can name the file.

This reads WeasyPrint's laid-out boxes (``page._page_box``), which are not public
API; it was written against WeasyPrint 70.
"""

from __future__ import annotations

from typing import Any

#: How far (in CSS pixels, 1/96 in) a glyph may stand past the text block: 1pt.
TOLERANCE = 96 / 72


def outside_text_block(pages: list[Any]) -> list[tuple[int, str | None]]:
    """(page index, owner id) for each page with words outside its text block.

    The owner is the nearest ``article`` or ``section`` with an id around the words
    (a review, a front- or back-matter page), or None; each pair is given once.
    """
    from weasyprint.formatting_structure import boxes

    found: dict[tuple[int, str | None], None] = {}
    parents: dict[Any, Any] | None = None
    for index, page in enumerate(pages):
        page_box = page._page_box
        left = page_box.content_box_x() - TOLERANCE
        right = page_box.content_box_x() + page_box.width + TOLERANCE
        for child in page_box.children:
            if isinstance(child, boxes.MarginBox):
                continue
            for box in child.descendants():
                if not isinstance(box, boxes.TextBox) or not box.text.strip():
                    continue
                if left <= box.position_x and box.position_x + box.width <= right:
                    continue
                if parents is None:  # built once, and only for a book that needs it
                    parents = _parents(page_box)
                found[(index, _owner(box.element, parents))] = None
    return list(found)


def _parents(page_box: Any) -> dict[Any, Any]:
    root = next((child.element for child in page_box.children if child.element_tag == "html"), None)
    if root is None:
        return {}
    while (parent := getattr(root, "getparent", lambda: None)()) is not None:
        root = parent
    return {child: parent for parent in root.iter() for child in parent}


def _owner(element: Any, parents: dict[Any, Any]) -> str | None:
    while element is not None:
        if element.tag in ("article", "section") and element.get("id"):
            return str(element.get("id"))
        element = parents.get(element)
    return None
