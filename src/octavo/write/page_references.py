"""pydyf's list of a PDF's page references, made once for each page count.

WeasyPrint asks a PDF for ``page_references[n]`` for every element of the structure
tree and every link's destination, and pydyf makes the whole list of references again
at each question: for the indexes of a 1,000-review book (29 pages), 19,000 lists,
about 0.12 s of the back matter's drawing. The list is kept while the pages stay the
same (pydyf only adds pages, at the end of its ``Kids``); the references are the same.

This reaches into pydyf's ``PDF`` (as of pydyf 0.11, pinned through WeasyPrint 70).
"""

from __future__ import annotations

from typing import Any


def page_references_kept() -> None:
    """Make ``pydyf.PDF.page_references`` keep its list (idempotent)."""
    import pydyf

    original = pydyf.PDF.page_references
    if getattr(original.fget, "octavo_kept", False):
        return

    def page_references(pdf: Any) -> tuple[bytes, ...]:
        kids = pdf.pages["Kids"]
        kept = pdf.__dict__.get("_octavo_page_references")
        if kept is None or kept[0] is not kids or kept[1] != len(kids):
            kept = (kids, len(kids), original.fget(pdf))
            pdf.__dict__["_octavo_page_references"] = kept
        return kept[2]  # type: ignore[no-any-return]

    page_references.octavo_kept = True  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)
