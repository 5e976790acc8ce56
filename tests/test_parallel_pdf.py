"""The PDF laid out in parts, side by side, is the PDF one WeasyPrint pass gives.

The example is cut into three groups of parts (a group is at most five reviews
here), laid out by two worker processes and merged; the single pass is the same
book with ``jobs=1``. Both are read back and compared: pages, text, links, named
destinations, bookmarks, page boxes, blank pages and the EPUB's page list.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

import octavo.render.print_split as print_split
from octavo.api import load_anthology, make_pdf
from octavo.errors import BuildError
from octavo.write.pdf import PdfResult
from tests.conftest import EXAMPLE, MakeAnthology

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def both() -> tuple[PdfResult, PdfResult]:
    """The example laid out in one pass, then in three groups by two workers."""
    patch = pytest.MonkeyPatch()
    patch.setattr(print_split, "CHUNK_REVIEWS", 5)
    patch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    try:
        single = make_pdf(load_anthology(EXAMPLE), jobs=1)
        steps: list[str] = []
        parallel = make_pdf(load_anthology(EXAMPLE), steps.append, jobs=2)
    finally:
        patch.undo()
    assert "Laying out the PDF: part 3 of 3 done" in " ".join(steps)
    return single, parallel


def readers(both: tuple[PdfResult, PdfResult]) -> tuple[PdfReader, PdfReader]:
    single, parallel = both
    return PdfReader(io.BytesIO(single.data)), PdfReader(io.BytesIO(parallel.data))


def test_same_pages_with_the_same_text(both: tuple[PdfResult, PdfResult]) -> None:
    one, parts = readers(both)
    assert len(parts.pages) == len(one.pages) == 55
    for number, (a, b) in enumerate(zip(one.pages, parts.pages, strict=True), start=1):
        assert b.extract_text() == a.extract_text(), f"page {number}"
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            assert list(b.get(box, [])) == list(a.get(box, [])), f"page {number} {box}"


def test_blank_pages_fall_where_one_pass_puts_them(both: tuple[PdfResult, PdfResult]) -> None:
    one, parts = readers(both)
    blank = [i for i, page in enumerate(one.pages) if not page.extract_text().strip()]
    assert blank  # versos left blank before parts that open on the right
    assert blank == [i for i, page in enumerate(parts.pages) if not page.extract_text().strip()]
    for index in blank:
        assert (
            not parts.pages[index].get_contents()
            or not parts.pages[index].get_contents().get_data().strip()
        )


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    found: list[tuple[int, str, int]] = []

    def walk(items: list, level: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def _links(reader: PdfReader) -> list[tuple[int, str]]:
    links = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link":
                target = annotation.get("/Dest") or annotation["/A"].get("/URI")
                links.append((number, str(target)))
    return links


def test_same_links_destinations_and_bookmarks(both: tuple[PdfResult, PdfResult]) -> None:
    one, parts = readers(both)
    assert _outline(parts) == _outline(one)
    assert len(_outline(one)) == 22
    assert _links(parts) == _links(one)
    named = {name: one.get_destination_page_number(d) for name, d in one.named_destinations.items()}
    assert {
        name: parts.get_destination_page_number(d) for name, d in parts.named_destinations.items()
    } == named
    # every link of the contents and indexes leads to a page that exists in the merged file
    for _, target in _links(parts):
        if not target.startswith(("http", "mailto")):
            assert target in named


def test_same_metadata_and_page_list(both: tuple[PdfResult, PdfResult]) -> None:
    single, parallel = both
    one, parts = readers(both)
    assert parts.metadata == one.metadata
    assert parts.trailer["/Root"].get("/Lang") == one.trailer["/Root"].get("/Lang")
    assert parallel.page_starts == single.page_starts
    assert parallel.pages == single.pages


def test_the_parts_are_reproducible(both: tuple[PdfResult, PdfResult]) -> None:
    _, parallel = both
    patch = pytest.MonkeyPatch()
    patch.setattr(print_split, "CHUNK_REVIEWS", 5)
    patch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    try:
        again = make_pdf(load_anthology(EXAMPLE), jobs=2)
    finally:
        patch.undo()
    assert again.data == parallel.data


def test_the_printers_pdf_in_parts_keeps_its_output_intent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 5)
    steps: list[str] = []
    result = make_pdf(load_anthology(EXAMPLE), steps.append, for_printer=True, jobs=2)
    assert "Merging the PDF" in steps
    reader = PdfReader(io.BytesIO(result.data))
    assert "/OutputIntents" in reader.trailer["/Root"]
    assert "/Metadata" in reader.trailer["/Root"]
    first = reader.pages[0]
    assert first.trimbox != first.mediabox  # bleed around the trim


def test_books_that_cannot_be_cut_are_laid_out_in_one_pass(
    make_anthology: MakeAnthology, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    steps: list[str] = []
    make_pdf(load_anthology(make_anthology()), steps.append, jobs=2)  # no parts
    assert "Merging the PDF" not in steps
    assert "Laying out the PDF" in steps


def test_a_failing_part_stops_the_build_with_its_own_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A part that fails must not leave the parts after it waiting for its page count."""
    from octavo.write import pdf

    original = pdf.render_pdf_pages

    def failing(document, resolver, identifier=""):  # type: ignore[no-untyped-def]
        if 'id="part-1"' in document.html:
            raise BuildError("the first part broke", code="B405")
        return original(document, resolver, identifier)

    # the workers are forked from this process, so they inherit the patch
    monkeypatch.setattr(pdf, "render_pdf_pages", failing)
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 5)
    with pytest.raises(BuildError, match="the first part broke"):
        make_pdf(load_anthology(EXAMPLE), jobs=2)
