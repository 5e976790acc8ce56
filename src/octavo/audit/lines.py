"""The laid-out book as the checks read it: every line, its page, its block, its owner.

This reads WeasyPrint's laid-out boxes (``page._page_box``), which are not public
API; it was written against WeasyPrint 70, as :mod:`octavo.write.text_block` was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass
class Line:
    """One laid-out line: where it is, what it holds, whose it is."""

    page: int
    box: Any
    block: Any  #: the element of the block the line is in (a paragraph, a heading...)
    owner: str | None  #: the id of the review or page around it
    text: str
    in_notes: bool
    hyphenated: bool
    last: bool = False  #: the last line of its block, on its last page
    measure: float = 0.0  #: the width of its block's content: a full line's


@dataclass
class Book:
    """Every line of the laid-out book, in reading order, and the notes' pages."""

    lines: list[Line]
    calls: dict[Any, tuple[int, str | None]]  #: note element -> page of its call, owner
    notes: dict[Any, int]  #: note element -> first page it is set on
    parents: dict[Any, Any]

    @classmethod
    def read(cls, pages: list[Any]) -> Book:
        from weasyprint.formatting_structure import boxes

        from ..write.text_block import _owner, _parents

        parents: dict[Any, Any] = _parents(pages[0]._page_box) if pages else {}
        owners: dict[Any, str | None] = {}

        def owner(element: Any) -> str | None:
            if element not in owners:
                owners[element] = _owner(element, parents)
            return owners[element]

        lines: list[Line] = []
        calls: dict[Any, tuple[int, str | None]] = {}
        notes: dict[Any, int] = {}
        for index, page in enumerate(pages):
            for child in page._page_box.children:
                if isinstance(child, boxes.MarginBox):
                    continue
                in_notes = isinstance(child, boxes.FootnoteAreaBox)
                if in_notes:
                    for note in child.children:
                        if note.element is not None:
                            notes.setdefault(note.element, index)
                for line, block in _line_boxes(child, boxes):
                    texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox)]
                    for box in line.descendants():
                        if str(box.element_tag).endswith("::footnote-call"):
                            calls.setdefault(box.element, (index, owner(box.element)))
                    text = "".join(box.text for box in texts)
                    if not text.strip():
                        continue
                    end = [box for box in texts if box.text.strip()][-1]
                    mark = end.style["hyphenate_character"]
                    lines.append(
                        Line(
                            index,
                            line,
                            block.element,
                            owner(block.element),
                            text,
                            in_notes,
                            bool(mark) and end.text.rstrip().endswith(mark),
                            measure=float(block.width or 0.0),
                        )
                    )
        last: dict[Any, Line] = {}
        for line in lines:
            last[line.block] = line
        for line in last.values():
            line.last = True
        return cls(lines, calls, notes, parents)


def _line_boxes(box: Any, boxes: Any) -> Iterator[tuple[Any, Any]]:
    """Every line box under ``box``, with the block box that holds it."""
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            yield child, box
        elif isinstance(child, boxes.ParentBox):
            yield from _line_boxes(child, boxes)
