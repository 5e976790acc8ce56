"""The margins, measured on the laid-out PDF (from each page's trim to the nearest text
or picture, running heads and folios included), and the rules that hold them against
the printer's: P802 (the inside margin) and P803 (the outside, top and bottom)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..printers import POINTS_PER_INCH, Printer
from .results import (
    BOX_SLACK,
    MARGIN_SLACK,
    SOURCES,
    Box,
    RuleResult,
    in_inches,
    page_named,
)


@dataclass(frozen=True)
class Stylesheet:
    """Where a book's page margins are set: the file, and the words for the hint."""

    path: Path | None
    where: str


@dataclass(frozen=True)
class Margin:
    """The narrowest of one kind of margin in the book: its width and where it is."""

    inches: float
    page: int  #: the page's index, from 0
    edge: str  #: "inside", "outside", "top" or "bottom"


@dataclass(frozen=True)
class Margins:
    """The narrowest margin of each kind over the book's pages (None: no page with
    anything on it)."""

    inside: Margin | None
    outside: Margin | None
    top: Margin | None
    bottom: Margin | None


def measure_margins(data: bytes, direction: str = "ltr") -> Margins:
    """The narrowest inside, outside, top and bottom margins of a PDF's pages: from each
    page's trim box to the nearest text or picture (running heads and folios count).

    The binding edge is the left edge of a right-hand page (recto) and the right edge
    of a left-hand one. A left-to-right book's first page is a recto; a right-to-left
    book opens the other way, so its first page is a left-hand page, bound on its right.
    """
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no py.typed

    narrowest: dict[str, Margin] = {}
    with pdfium.PdfDocument(data) as document:
        for index in range(len(document)):
            page = document[index]
            left, bottom, right, top = trim = page.get_trimbox()
            ink = _ink_box(page, trim)
            if ink is None:
                continue
            bound_on_left = (index % 2 == 0) == (direction != "rtl")
            from_left, from_right = ink[0] - left, right - ink[2]
            found = {
                "inside": from_left if bound_on_left else from_right,
                "outside": from_right if bound_on_left else from_left,
                "top": top - ink[3],
                "bottom": ink[1] - bottom,
            }
            for edge, points in found.items():
                width = points / POINTS_PER_INCH
                if edge not in narrowest or width < narrowest[edge].inches:
                    narrowest[edge] = Margin(width, index, edge)
    return Margins(*(narrowest.get(edge) for edge in ("inside", "outside", "top", "bottom")))


def _ink_box(page: Any, trim: Box) -> Box | None:
    """The box round every text and picture object on the page, in page space.

    A picture that runs past the trim is meant to bleed, as printers allow: it is left
    out. Text past the trim is not: it counts, and its margin is below zero."""
    boxes = [
        box
        for is_picture, box in _object_boxes(page, page.get_objects(max_depth=0), ())
        if not (is_picture and _bleeds(box, trim))
    ]
    if not boxes:
        return None
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )


def _bleeds(box: Box, trim: Box) -> bool:
    slack = BOX_SLACK * POINTS_PER_INCH
    return (
        box[0] < trim[0] - slack
        or box[1] < trim[1] - slack
        or box[2] > trim[2] + slack
        or box[3] > trim[3] + slack
    )


def _object_boxes(
    page: Any, objects: Iterator[Any], forms: tuple[Any, ...]
) -> Iterator[tuple[bool, Box]]:
    """Each text and picture object's bounds (and whether it is a picture), into page
    space through the matrices of the form XObjects it is drawn in (PDFium gives a
    form's objects in the form's own space)."""
    import pypdfium2.raw as raw  # type: ignore[import-untyped]

    for item in objects:
        if item.type in (raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_IMAGE):
            left, bottom, right, top = item.get_bounds()
            for matrix in reversed(forms):  # the innermost form first
                left, bottom, right, top = matrix.on_rect(left, bottom, right, top)
            yield item.type == raw.FPDF_PAGEOBJ_IMAGE, (left, bottom, right, top)
        elif item.type == raw.FPDF_PAGEOBJ_FORM and len(forms) < 15:
            children = page.get_objects(form=item, max_depth=0, level=len(forms) + 1)
            yield from _object_boxes(page, children, (*forms, item.get_matrix()))


def inside_margin(
    printer: Printer,
    margins: Margins,
    pages: int,
    labels: Sequence[str] = (),
    stylesheet: Stylesheet | None = None,
) -> RuleResult:
    """P802: the inside margin (gutter) a book of so many pages needs."""
    need = printer.gutter(pages)
    required = f"at least {in_inches(need)} for {pages} pages"
    source = SOURCES[printer.name]["margins"]
    found = margins.inside
    if found is None:
        return RuleResult("P802", "inside margin", "skipped", "nothing printed", required, source)
    measured = f"{in_inches(found.inches)} on {page_named(found.page, labels)}"
    if found.inches + MARGIN_SLACK >= need:
        return RuleResult(
            "P802", "inside margin", "passed", measured, required, source, page=found.page + 1
        )
    sheet = stylesheet or Stylesheet(None, "the theme's print.css")
    hint = (
        f"widen the inside margin to {in_inches(need)} or more, in {sheet.where}: @page :right"
        " { margin-left } and @page :left { margin-right } (the other way round in a"
        " right-to-left book)"
    )
    return RuleResult(
        "P802",
        "inside margin",
        "failed",
        measured,
        required,
        source,
        hint,
        sheet.path,
        found.page + 1,
    )


def outer_margins(
    printer: Printer,
    margins: Margins,
    labels: Sequence[str] = (),
    stylesheet: Stylesheet | None = None,
) -> RuleResult:
    """P803: the outside, top and bottom margins, running heads and folios included."""
    need = printer.outside_margin
    required = f"at least {in_inches(need)} on the outside, top and bottom"
    source = SOURCES[printer.name]["margins"]
    found = [m for m in (margins.outside, margins.top, margins.bottom) if m is not None]
    if not found:
        return RuleResult("P803", "outer margins", "skipped", "nothing printed", required, source)
    narrow = [m for m in found if m.inches + MARGIN_SLACK < need]
    if not narrow:
        least = min(found, key=lambda m: m.inches)
        measured = (
            f"the narrowest is the {least.edge}, {in_inches(least.inches)}"
            f" on {page_named(least.page, labels)}"
        )
        return RuleResult(
            "P803", "outer margins", "passed", measured, required, source, page=least.page + 1
        )
    measured = "; ".join(
        f"{m.edge} {in_inches(m.inches)} on {page_named(m.page, labels)}" for m in narrow
    )
    edges = " and ".join(m.edge for m in narrow)
    sheet = stylesheet or Stylesheet(None, "the theme's print.css")
    hint = (
        f"widen the {edges} margin to {in_inches(need)} or more, in {sheet.where}: the @page"
        " margins, and the running heads' and folios' place in them (they count)"
    )
    return RuleResult(
        "P803",
        "outer margins",
        "failed",
        measured,
        required,
        source,
        hint,
        sheet.path,
        narrow[0].page + 1,
    )
