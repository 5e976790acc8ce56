"""T709: a justified paragraph broken early, one word alone on a line in its middle.

A justified line that is not its paragraph's last runs to the measure; a line that
holds one short word and stops well short of the measure, with the paragraph going on
below it, is a break the reader sees as a fault ("...by William S. / Burroughs, / and
is a fascinating..."). WeasyPrint 70 made such breaks when a paragraph ended in an
inline box (render/paragraph_ends.py says why Octavo no longer writes one); the check
keeps any other cause in view. A line ended by a written break (``<br>``) is no fault.
"""

from __future__ import annotations

import itertools

from .lines import Book

#: One fault: code, page index, owner id, message, hint (as in :mod:`.checks`).
Found = tuple[str, int, str | None, str, str]

#: A line shorter than this share of its measure is broken early.
SHORT_SHARE = 0.5


def broken_lines(book: Book) -> list[Found]:
    """Every T709 fault of the book."""
    from weasyprint.formatting_structure import boxes

    found: list[Found] = []
    for line, following in itertools.pairwise(book.lines):
        if line.last or following.block is not line.block or line.in_notes:
            continue
        if line.box.style["text_align_all"] != "justify" or len(line.text.split()) != 1:
            continue
        every = [box for box in line.box.descendants() if isinstance(box, boxes.TextBox)]
        if any("\n" in box.text for box in every):
            continue  # a written break, <br>
        texts = [box for box in every if box.text.strip()]
        if not texts:
            continue
        left = min(box.position_x for box in texts)
        right = max(box.position_x + box.width for box in texts)
        if right - left >= SHORT_SHARE * line.measure:
            continue
        found.append(
            (
                "T709",
                line.page,
                line.owner,
                f"a justified paragraph breaks after one word in its middle: {line.text.strip()!r}",
                "a layout fault, not the text's: report it, with the paragraph, as an Octavo issue",
            )
        )
    return found
