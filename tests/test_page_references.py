"""pydyf's page references are made once for each page count
(``write/page_references.py``): the same references, and new ones once a page is added."""

from __future__ import annotations

import pydyf

from octavo.write.page_references import page_references_kept


def _pdf(pages: int) -> pydyf.PDF:
    pdf = pydyf.PDF()
    for _ in range(pages):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    return pdf


def test_the_references_are_pydyfs_and_made_once_for_a_page_count() -> None:
    expected = _pdf(3).page_references  # pydyf's own, or the kept ones if already patched
    page_references_kept()
    page_references_kept()  # twice: still one layer
    pdf = _pdf(3)
    first = pdf.page_references
    assert first == expected == (b"3 0 R", b"4 0 R", b"5 0 R")
    assert pdf.page_references is first  # kept
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert pdf.page_references == (*first, b"6 0 R")  # a page added: made again
    other = _pdf(1)
    assert other.page_references == (b"3 0 R",)  # each PDF its own
    assert getattr(pydyf.PDF.page_references.fget, "octavo_kept", False)
