"""The PDF laid out in parts, side by side, is the PDF one WeasyPrint pass gives.

The example is cut into three groups of parts (a group is at most five reviews
here), laid out by two worker processes and merged; the single pass is the same
book with ``jobs=1``. Both are read back and compared: pages, text, links, named
destinations, bookmarks, page boxes, blank pages, the tags and the EPUB's page list.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

import octavo.render.print_split as print_split
from octavo.api import load_anthology, make_pdf
from octavo.errors import BuildError
from octavo.model import PageStart
from octavo.write.pdf import PdfResult
from tests.conftest import EXAMPLE, require

pytestmark = pytest.mark.slow


#: The page starts the build was given while the parallel PDF of ``both`` was merged.
GIVEN_WHILE_MERGING: list[tuple[PageStart, ...]] = []


@pytest.fixture(scope="module")
def both() -> tuple[PdfResult, PdfResult]:
    """The example laid out in one pass, then in three groups by two workers."""
    patch = pytest.MonkeyPatch()
    patch.setattr(print_split, "CHUNK_REVIEWS", 2)
    patch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    try:
        single = make_pdf(load_anthology(EXAMPLE), jobs=1, while_merging=GIVEN_WHILE_MERGING.append)
        assert not GIVEN_WHILE_MERGING  # one pass: nothing is merged
        steps: list[str] = []
        parallel = make_pdf(
            load_anthology(EXAMPLE),
            steps.append,
            jobs=2,
            while_merging=GIVEN_WHILE_MERGING.append,
        )
    finally:
        patch.undo()
    assert "Laying out the PDF: part 8 of 8 done" in " ".join(steps)
    return single, parallel


def test_the_page_starts_are_known_while_the_book_is_merged(
    both: tuple[PdfResult, PdfResult],
) -> None:
    """The build makes the EPUB while the merge runs in its own process: the page starts
    it is given then, the blank versos the merge puts in counted, are the book's."""
    single, parallel = both
    assert [parallel.page_starts] == GIVEN_WHILE_MERGING
    assert parallel.page_starts == single.page_starts
    assert any(start.anchor is None for start in parallel.page_starts)  # blank pages too


def readers(both: tuple[PdfResult, PdfResult]) -> tuple[PdfReader, PdfReader]:
    single, parallel = both
    return PdfReader(io.BytesIO(single.data)), PdfReader(io.BytesIO(parallel.data))


def test_same_pages_with_the_same_text(both: tuple[PdfResult, PdfResult]) -> None:
    one, parts = readers(both)
    # the same pages either way (the example runs to some 55-60 pages)
    assert len(parts.pages) == len(one.pages)
    assert 50 <= len(one.pages) <= 70
    for number, (a, b) in enumerate(zip(one.pages, parts.pages, strict=True), start=1):
        assert b.extract_text() == a.extract_text(), f"page {number}"
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            assert list(b.get(box, [])) == list(a.get(box, [])), f"page {number} {box}"


def test_every_page_looks_the_same(both: tuple[PdfResult, PdfResult]) -> None:
    """Drawn, the pages are the same pixels: text, folios and running heads sit where one
    pass puts them, on left pages too (pieces of a part that begin on a left page are
    laid out on the right and moved across)."""
    import pypdfium2

    single, parallel = both
    one, parts = pypdfium2.PdfDocument(single.data), pypdfium2.PdfDocument(parallel.data)
    assert len(one) == len(parts)
    for number in range(len(one)):
        a = one[number].render(scale=50 / 72).to_pil()
        b = parts[number].render(scale=50 / 72).to_pil()
        assert a.tobytes() == b.tobytes(), f"page {number + 1} differs"


def test_the_example_is_cut_inside_parts_on_both_sides(
    both: tuple[PdfResult, PdfResult],
) -> None:
    """The fixture's cut puts pieces of parts on left and on right pages (so that the
    tests above compare both)."""
    single, _ = both
    patch = pytest.MonkeyPatch()
    patch.setattr(print_split, "CHUNK_REVIEWS", 2)
    try:
        loaded = load_anthology(EXAMPLE)
        from octavo.pdf_parts import parallel_split as _split
        from octavo.render.print_html import render_print

        split = _split(loaded, render_print(loaded.anthology, loaded.theme, False))
    finally:
        patch.undo()
    assert split is not None
    sides = set()
    for html, continued in zip(split.chunks, split.continued, strict=True):
        if continued:
            first = html.split('id="', 2)[1].split('"')[0]  # the first review's id
            assert first.startswith("r-")
            sides.add("right" if single.anchors[first] % 2 == 0 else "left")
    assert sides == {"left", "right"}


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


def _squeeze(text: str) -> str:
    return "".join(text.split()).casefold()


def test_both_are_tagged_alike(both: tuple[PdfResult, PdfResult], tmp_path: Path) -> None:
    """The screen PDF is tagged, laid out in one pass or merged from parts: one tree
    whose every page, marked content and link has its entry in the ParentTree, the same
    elements on the same pages in both, and a heading for each entry of the contents
    (H1 for a part or the front and back matter, H2 for a review), in its order."""
    import subprocess

    import pikepdf

    from tests.pdf_tags import elements, headings, structure_faults

    require("qpdf", "it checks the PDF's structure")
    found = []
    for result, name in zip(both, ("single", "parallel"), strict=True):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(result.data)
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        with pikepdf.open(path) as pdf:
            assert structure_faults(pdf) == []
            assert str(pdf.Root.Lang) == "en"
            pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
            tree = [
                (
                    depth,
                    str(element.get("/S")),
                    pages.get(element.Pg.objgen) if "/Pg" in element else None,
                )
                for depth, element in elements(pdf)
            ]
            found.append((tree, headings(pdf)))
    (tree, heads), (merged_tree, merged_heads) = found
    assert merged_tree == tree
    assert merged_heads == heads
    anthology = load_anthology(EXAMPLE).anthology
    remaining = iter(heads)
    for level, node in (entry for top in anthology.toc for entry in top.walk()):
        assert any(
            tag == f"H{level}" and text and _squeeze(node.title).startswith(_squeeze(text))
            for tag, text in remaining
        ), f"no H{level} for {node.title!r} where the contents have it"


def test_the_leaders_dots_are_artifacts(both: tuple[PdfResult, PdfResult]) -> None:
    """The dots between a title and its page number in the contents are drawn as one
    artifact a leader, not as a marked content for each ". " (which a screen reader
    met thirty times a line), either way; the link over them keeps its element."""
    import pikepdf

    from tests.pdf_tags import marked_text, structure_faults

    for result in both:
        with pikepdf.open(io.BytesIO(result.data)) as pdf:
            assert structure_faults(pdf) == []

            def artifacts(page: pikepdf.Page) -> int:
                streams = page.obj.Contents
                streams = streams if isinstance(streams, pikepdf.Array) else [streams]
                return len(
                    re.findall(rb"/Artifact\s+BMC", b"".join(s.read_bytes() for s in streams))
                )

            contents = max(pdf.pages, key=artifacts)  # a page of the contents
            assert artifacts(contents) >= 10
            texts = list(marked_text(contents).values())
            assert any("Nosferatu" in text for text in texts)
            assert not [text for text in texts if text.strip(". \u00a0") == ""]


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
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 2)
    with pytest.raises(BuildError, match="the first part broke"):
        make_pdf(load_anthology(EXAMPLE), jobs=2)


def test_same_typographic_faults(both: tuple[PdfResult, PdfResult]) -> None:
    """The audit's checks, run by each worker on its own pages, find what they find in
    one pass, on the same pages of the merged book (``build --strict`` reads them)."""
    single, parallel = both
    assert single.faults  # the example has a few (short last pages, loose lines...)
    assert sorted(parallel.faults) == sorted(single.faults)
