"""The font subsets of the documents a merge joins, read before the merge needs them:
ahead, while the main matter is laid out, or beside, while the merge copies the pages.

Reading the subsets (:func:`.font_subsets.read_subset`) is about a second of the
merge's CPU at 1,000 reviews (340 subsets, 70 documents), and the merge did it alone,
after copying the pages. Two ways take it off the merge's path:

- **Ahead.** In a rebuild that lays out at most one piece, and lays out no back or
  front matter ahead beside it, a core is idle while that piece is laid out. The
  merge's process is started then, and each piece is sent to it
  as it comes back (:meth:`.pdf_processes.Processes.read_fonts_ahead`): it reads the
  piece's subsets (:func:`read_ahead`) and keeps them by the digest of the piece's
  bytes until the merge takes them (:class:`FontsRead`).
- **Beside.** The documents not read ahead, where there are :data:`BESIDE_FROM` or
  more, are read by a process the merge forks as it begins (:func:`read_beside`),
  while it copies their pages.

The merge takes the subsets over for the fonts copied with the pages
(:func:`taken_over`): a font is copied once for each document (qpdf keeps what it
copied), so the copy of each font read elsewhere is found by copying it again. What
was read nowhere, or by a process that failed, is read by the merge as before: the
merged book is the same to the byte either way.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from ..fork_pool import Beside
from .font_subsets import Outline, Subset, read_subset
from .pdf_fonts import font_resources

if TYPE_CHECKING:
    import pikepdf

#: Below this many documents the merge reads the subsets itself: forking would cost
#: more than it saves.
BESIDE_FROM = 8

#: One document's subsets by its own font objects' numbers (None: not one to merge),
#: without the font objects, which stay in the process that read them.
Subsets = dict[tuple[int, int], Subset | None]

#: The subsets read ahead in this process (the merge's), by the SHA-256 of their
#: document's bytes.
_AHEAD: dict[bytes, Subsets] = {}


def read_ahead(pdfs: Sequence[bytes]) -> None:
    """In the merge's process, before the merge: read the subsets of documents it is
    to merge, and keep them (for :class:`FontsRead`)."""
    for data, subsets in zip(pdfs, read_all(pdfs), strict=True):
        _AHEAD[hashlib.sha256(data).digest()] = subsets


class FontsRead:
    """The subsets of the documents a merge joins: those read ahead (let go from
    :data:`_AHEAD`), and the others being read beside, where enough are left."""

    def __init__(self, pdfs: Sequence[bytes]) -> None:
        self.read: list[Subsets | None] = [
            _AHEAD.pop(hashlib.sha256(data).digest(), None) for data in pdfs
        ]
        _AHEAD.clear()  # read for documents this merge does not join (the book changed)
        self.missing = [index for index, subsets in enumerate(self.read) if subsets is None]
        self.beside = read_beside([pdfs[index] for index in self.missing])

    def taken_over(
        self, sources: Sequence[pikepdf.Pdf], merged: pikepdf.Pdf
    ) -> dict[tuple[int, int], Subset | None]:
        """The subsets read, by the numbers of the fonts the merged PDF holds, copied
        from ``sources`` (the documents in their order)."""
        if self.beside is not None:
            found = self.beside.result()
            if found is not None and len(found) == len(self.missing):
                for index, subsets in zip(self.missing, found, strict=True):
                    self.read[index] = subsets
        return taken_over(self.read, sources, merged)

    def close(self) -> None:
        if self.beside is not None:
            self.beside.close()


def read_beside(pdfs: Sequence[bytes]) -> Beside[list[Subsets]] | None:
    """The subsets of each of the documents ``pdfs``, read in a forked process; None
    where that would not save time (few documents, one core)."""
    if len(pdfs) < BESIDE_FROM or (os.cpu_count() or 1) < 2:
        return None
    return Beside(partial(read_all, list(pdfs)))


def read_all(pdfs: Sequence[bytes]) -> list[Subsets]:
    """The subsets of each document's fonts, in the order the merge meets them."""
    import pikepdf

    known: dict[Outline, Outline] = {}  # each glyph once, as the merge reads them
    read: list[Subsets] = []
    for data in pdfs:
        subsets: Subsets = {}
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for holder in font_resources(pdf):
                for font in holder.values():
                    if font.is_indirect and font.objgen not in subsets:
                        subset = read_subset(font, known)
                        subsets[font.objgen] = _without_font(subset)
        read.append(subsets)
    return read


def taken_over(
    read: Sequence[Subsets | None], sources: Sequence[pikepdf.Pdf], merged: pikepdf.Pdf
) -> dict[tuple[int, int], Subset | None]:
    """The subsets ``read`` for each of ``sources`` (the documents in their order; None:
    not read), by the numbers of the fonts the merged PDF holds, copied from them."""
    taken: dict[tuple[int, int], Subset | None] = {}
    for source, subsets in zip(sources, read, strict=True):
        for objgen, subset in (subsets or {}).items():
            font: Any = merged.copy_foreign(source.get_object(objgen))
            taken[font.objgen] = None if subset is None else dataclasses.replace(subset, font=font)
    return taken


def _without_font(subset: Subset | None) -> Subset | None:
    return None if subset is None else dataclasses.replace(subset, font=None)
