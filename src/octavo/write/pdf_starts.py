"""Where each piece of a book cut for the parallel layout begins, as one pass has it.

One WeasyPrint pass breaks the page between two pieces (two groups of parts, two
pieces of a long part, two runs of reviews) as the styles of the elements that meet
there ask: the ``break-after`` of the last element of the piece before (and of its
last descendants) and the ``break-before`` of the first element of the piece after
(and of its first descendants). The strongest wins (WeasyPrint's
``block_level_page_break``): the last of ``left``, ``right``, ``recto``, ``verso`` in
that order, else ``page``. Each side of the cut is summed up by the worker that lays
its piece out (:func:`edge`), and the pieces' openings and first pages are then
worked out here, in plain numbers, from their page counts.

Pages are counted from the book's first page, 0, a right-hand page (a recto: on the
right in a left-to-right book, on the left in a right-to-left one). A page is a recto
when its index is even. The main matter's folios count from ``base``: folio =
index - base + 1 (``base`` is the first main page's index where that page resets the
counter, as the shipped themes do; 0 where the folios run on from the front matter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: The forced sides, by code (0: none).
SIDES = ("", "left", "right", "recto", "verso")


class PieceStop(Exception):
    """A piece's layout stops, for the parallel layout to decide what follows (the
    single-pass writer lets it through, see :func:`octavo.write.pdf.render_pdf_pages`)."""


class NotCuttable(PieceStop):
    """The book cannot be laid out in pieces as one pass lays it out: the reason."""


class FrontMoved(NotCuttable):
    """The main matter was placed after a front matter of another length than the one
    laid out with its page numbers (its contents' lines longer by their numbers): the
    front matter's pages and tail (see :func:`edge`), to place the main matter after."""

    def __init__(self, pages: int, tail: int) -> None:
        super().__init__("the front matter's length moved the main matter")
        self.pages = pages
        self.tail = tail


class PagesCounted(NotCuttable):
    """The margin boxes printed another page count (``counter(pages)``) than the book
    turned out to have: the count, to stamp the pages again with."""

    def __init__(self, pages: int) -> None:
        super().__init__("the book's page count was not the one its margin boxes printed")
        self.pages = pages


def edge(values: Sequence[str]) -> int:
    """The break values met at one side of a cut, summed up in an int: the code of the
    last forced side among them, times 2, plus 1 when one of them is ``page``."""
    side = 0
    page = 0
    for value in values:
        if value in SIDES[1:]:
            side = SIDES.index(value)
        elif value == "page":
            page = 1
    return side * 2 + page


def opening(tail: int, head: int, rtl: bool) -> str:
    """How a piece opens, from the edge before the cut (``tail``) and after it
    (``head``): ``"recto"``, ``"verso"`` or ``"page"`` (on either side).

    Raises NotCuttable where one pass does not break the page there."""
    side = SIDES[head // 2] or SIDES[tail // 2]
    if side:
        if side in ("left", "right"):  # a physical side: which one is the recto
            return "recto" if (side == "right") != rtl else "verso"
        return side
    if (head | tail) & 1:
        return "page"
    raise NotCuttable("a piece begins where one pass does not break the page")


def head_side(head: int, rtl: bool) -> str:
    """The side a piece opens on from its own first element alone, or "" when that
    depends on the piece before it."""
    return opening(0, head, rtl) if head // 2 else ""


def first_index(previous_end: int, opens: str) -> int:
    """The index of a piece's first page: the page after the piece before, or the one
    after that when one pass leaves a page blank to open on the right side."""
    if opens == "recto" and previous_end % 2 == 1:
        return previous_end + 1
    if opens == "verso" and previous_end % 2 == 0:
        return previous_end + 1
    return previous_end


@dataclass(frozen=True)
class Lead:
    """Where the main matter begins: the index of its first page (or one of the same
    parity, while the front matter is not laid out and the folios do not need it) and
    the ``base`` its folios count from."""

    first: int
    base: int

    def folio(self, index: int) -> int:
        return index - self.base + 1


def lead_without_front(opens: str, resets: bool) -> Lead | None:
    """The lead when it does not depend on the front matter's length: the main matter
    opens on a given side and its first page resets the page counter; else None (the
    front matter must be counted first)."""
    if not resets or opens not in ("recto", "verso"):
        return None
    first = 0 if opens == "recto" else 1
    return Lead(first, first)


def lead_after_front(front_pages: int, opens: str, resets: bool) -> Lead:
    """The lead once the front matter's pages are counted."""
    first = first_index(front_pages, opens)
    return Lead(first, first if resets else 0)


def piece_indexes(lead: Lead, counts: Sequence[int], openings: Sequence[str]) -> list[int]:
    """The index of each piece's first page, from their page counts and openings (the
    first piece's is the lead's)."""
    indexes = [lead.first]
    for count, opens in zip(counts[:-1], openings[1 : len(counts)], strict=True):
        indexes.append(first_index(indexes[-1] + count, opens))
    return indexes


def break_values(element: Any, style_for: Any, side: str, skip_first: bool = False) -> list[str]:
    """The ``break-before`` (``side="before"``) or ``break-after`` values of an element
    and of its first (or last) descendants, as WeasyPrint meets them at a cut
    (``_add_break_values``), from the elements' computed styles; ``skip_first`` leaves
    out the element's own (a part's element put around a piece of it again).

    WeasyPrint walks boxes; elements are walked here: an element out of the flow
    (positioned, or not displayed) ends the walk, as its box does."""
    values: list[str] = []
    while element is not None:
        style = style_for(element)
        if style is None or style["display"] == ("none",):
            break
        if style["position"] in ("absolute", "fixed"):
            break
        if not skip_first:
            values.append(style[f"break_{side}"])
        skip_first = False
        children = [child for child in element if isinstance(child.tag, str)]
        if not children or style["display"] not in (("block", "flow"), ("block", "flow-root")):
            break
        element = children[0] if side == "before" else children[-1]
    if side == "after":
        values.reverse()
    return values
