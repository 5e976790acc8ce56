"""The font subsets of the documents a merge joins, read in a forked process while the
merge copies their pages.

Reading the subsets (:func:`.font_subsets.read_subset`) is about a second of the
merge's CPU at 1,000 reviews (340 subsets, 70 documents), and the merge's process
does it alone after the pages are copied, while the build's process waits for it: a
core idle. So, where the merge joins :data:`BESIDE_FROM` documents or more, a process
forked when it begins reads each document's subsets from the document's own bytes
(:func:`read_beside`), and the merge takes them over for the fonts copied with the
pages (:func:`taken_over`): a font is copied once for each document (qpdf keeps what
it copied), so the copy of each font read beside is found by copying it again. What
was not read beside, or a process that failed, is read by the merge as before: the
merged book is the same to the byte either way.
"""

from __future__ import annotations

import dataclasses
import io
import os
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from ..fork_pool import Beside
from .font_subsets import Outline, Subset, read_subset

if TYPE_CHECKING:
    import pikepdf

#: Below this many documents the merge reads the subsets itself: forking would cost
#: more than it saves.
BESIDE_FROM = 8

#: Each document's subsets by its own font objects' numbers (None: not one to merge),
#: without the font objects, which stay in the process that read them.
Read = list[dict[tuple[int, int], Subset | None]]


def read_beside(pdfs: Sequence[bytes]) -> Beside[Read] | None:
    """The subsets of each of the documents ``pdfs``, read in a forked process; None
    where that would not save time (few documents, one core)."""
    if len(pdfs) < BESIDE_FROM or (os.cpu_count() or 1) < 2:
        return None
    return Beside(partial(read_all, list(pdfs)))


def read_all(pdfs: Sequence[bytes]) -> Read:
    """The subsets of each document's fonts, in the order the merge meets them."""
    import pikepdf

    from .pdf_fonts import font_resources

    known: dict[Outline, Outline] = {}  # each glyph once, as the merge reads them
    read: Read = []
    for data in pdfs:
        subsets: dict[tuple[int, int], Subset | None] = {}
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for holder in font_resources(pdf):
                for font in holder.values():
                    if font.is_indirect and font.objgen not in subsets:
                        subset = read_subset(font, known)
                        subsets[font.objgen] = _without_font(subset)
        read.append(subsets)
    return read


def taken_over(
    beside: Beside[Read], sources: Sequence[pikepdf.Pdf], merged: pikepdf.Pdf
) -> dict[tuple[int, int], Subset | None]:
    """The subsets read beside, by the numbers of the fonts the merged PDF holds
    (copied from ``sources``, the documents in their order); none where the process
    failed."""
    read = beside.result()
    if read is None or len(read) != len(sources):
        return {}
    taken: dict[tuple[int, int], Subset | None] = {}
    for source, subsets in zip(sources, read, strict=True):
        for objgen, subset in subsets.items():
            font: Any = merged.copy_foreign(source.get_object(objgen))
            taken[font.objgen] = None if subset is None else dataclasses.replace(subset, font=font)
    return taken


def _without_font(subset: Subset | None) -> Subset | None:
    return None if subset is None else dataclasses.replace(subset, font=None)
