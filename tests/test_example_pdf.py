"""The example's PDF, read back: text, folios, contents, outline, fonts, metadata."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import Destination

from octavo.api import Built, load_anthology
from octavo.indexes import inverted_title

from .conftest import EXAMPLE, pdf_fonts, require

pytestmark = pytest.mark.slow

_TOC_LINE = re.compile(r"^(?P<title>.+?)\s*(?:\.\s*){3,}(?P<page>\d+|[ivxlc]+)$")


@pytest.fixture(scope="module")
def pdf(example_build: tuple[Built, Path]) -> PdfReader:
    built, _out = example_build
    (output,) = [o for o in built.outputs if o.format == "pdf"]
    return PdfReader(output.path)


@pytest.fixture(scope="module")
def anthology():  # type: ignore[no-untyped-def]
    return load_anthology(EXAMPLE).anthology


def folio(reader: PdfReader, index: int) -> str | None:
    """The number printed at the foot of page ``index`` (from 0), read from the page: the
    text drawn lowest on it, when that is a number. (Each run of text is placed by its
    matrices, as pypdf's layout mode places it, but the page's lines are not laid out:
    a third of the time.)"""
    runs: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((y, x, text.strip()))

    reader.pages[index].extract_text(visitor_text=visit)
    if not runs:
        return None
    lowest = min(y for y, _, _ in runs)
    line = "".join(text for y, _, text in sorted(runs, key=lambda r: r[1]) if y - lowest < 1)
    return line if re.fullmatch(r"\d+|[ivxlc]+", line) else None


def roman(number: int) -> str:
    values = [(100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"),
              (5, "v"), (4, "iv"), (1, "i")]  # fmt: skip
    text = ""
    for value, letters in values:
        while number >= value:
            text, number = text + letters, number - value
    return text


def page_number(reader: PdfReader, anthology, index: int) -> str:  # type: ignore[no-untyped-def]
    """What page ``index`` (from 0) is called: front matter in roman from the first
    page, the main matter in arabic from its first part."""
    first = anthology.sections[0].id if anthology.sectioned else anthology.reviews[0].anchor
    main = reader.get_destination_page_number(reader.named_destinations[first])
    return roman(index + 1) if index < main else str(index - main + 1)


def toc_entries(reader: PdfReader) -> list[tuple[str, str]]:
    """(title, page number) of each line of the printed contents."""
    entries: list[tuple[str, str]] = []
    for index in range(len(reader.pages)):
        text = reader.pages[index].extract_text()
        if not text.lstrip().startswith("CONTENTS") and not entries:
            continue
        for line in text.splitlines():
            if match := _TOC_LINE.match(line.strip()):
                entries.append((match.group("title").strip(), match.group("page")))
        if entries:
            break
    return entries


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, page index) of every bookmark, depth first."""
    lines: list[tuple[int, str, int]] = []

    def walk(items: list[object], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                assert isinstance(item, Destination)
                page = reader.get_destination_page_number(item)
                lines.append((level, str(item.title), page))

    walk(reader.outline, 1)
    return lines


def test_every_review_is_in_the_pdf(pdf: PdfReader, anthology) -> None:  # type: ignore[no-untyped-def]
    text = "\n".join(page.extract_text() for page in pdf.pages)
    # words broken by hyphenation at a line end are joined again
    flat = " ".join(re.sub(r"\u2010\n", "", text).split()).casefold()
    for review in anthology.reviews:
        assert review.title in text
        assert review.headline in text
        first_words = " ".join(re.sub(r"<[^>]+>", "", review.body.html).split()[:6])
        assert first_words.casefold() in flat


def test_contents_page_numbers_are_the_printed_folios(pdf: PdfReader, anthology) -> None:  # type: ignore[no-untyped-def]
    entries = toc_entries(pdf)
    expected_titles = [node.title for _, node in _walk(anthology.toc)]
    assert [title.split(" · ")[0] for title, _ in entries] == expected_titles
    printed = {index: folio(pdf, index) for index in range(len(pdf.pages))}
    # Pages are numbered with or without a printed folio (part openers and display
    # pages have none): every printed folio says the same, roman then arabic.
    named = {index: page_number(pdf, anthology, index) for index in printed}
    assert all(number == named[index] for index, number in printed.items() if number)
    assert printed[pdf.get_destination_page_number(pdf.named_destinations["contents"])] == "v"
    assert sum(1 for number in printed.values() if number) > len(pdf.pages) * 0.7
    nodes = [node for _, node in _walk(anthology.toc)]
    for (title, number), node in zip(entries, nodes, strict=True):
        # the entry's number is the number of the page where its element begins...
        destination = pdf.named_destinations[node.target]
        index = pdf.get_destination_page_number(destination)
        assert number == named[index], title
        # ...and that page's folio, where it prints one
        if node.kind != "section":
            assert printed[index] == number, title
        page_text = pdf.pages[index].extract_text()
        heading = node.title.split(" (")[0] if node.kind == "review" else node.title
        assert heading.upper().replace(" ", "") in page_text.upper().replace(" ", "")
        if node.kind == "review":
            assert "Reviewed by" in page_text, title


def test_reviews_begin_on_their_own_page_with_a_header(pdf: PdfReader, anthology) -> None:  # type: ignore[no-untyped-def]
    for review in anthology.reviews:
        index = pdf.get_destination_page_number(pdf.named_destinations[review.anchor])
        text = pdf.pages[index].extract_text()
        assert review.title in text
        assert review.byline in text.replace("\n", " ") or review.byline.upper() in text.upper()
        if review.rating:
            assert review.rating.printed in text
        if review.work.runtime:
            assert review.work.runtime in text
        previous = pdf.pages[index - 1].extract_text()
        assert "Reviewed by" not in previous or review.title not in previous


def test_outline_equals_the_contents(pdf: PdfReader, anthology) -> None:  # type: ignore[no-untyped-def]
    bookmarks = outline(pdf)
    expected = [(level, node.title) for level, node in _walk(anthology.toc)]
    assert [(level, title) for level, title, _ in bookmarks] == expected
    for (_, title, page), (_, node) in zip(bookmarks, _walk(anthology.toc), strict=True):
        target = pdf.get_destination_page_number(pdf.named_destinations[node.target])
        assert page == target, title


def test_running_heads_and_folios(pdf: PdfReader, anthology) -> None:  # type: ignore[no-untyped-def]
    kid = anthology.reviews[0]
    start = pdf.get_destination_page_number(pdf.named_destinations[kid.anchor])
    # no running head on the page a review opens, the review's title on the next right page
    following = [start + 1, start + 2]
    right = next(i for i in following if (i + 1) % 2 == 1)
    left = next(i for i in following if (i + 1) % 2 == 0)
    assert pdf.pages[right].extract_text(extraction_mode="layout").strip().startswith(kid.title)
    assert (
        pdf.pages[left].extract_text(extraction_mode="layout").strip().startswith("SILENT SCREEN")
    )
    # the half-title, title and copyright pages carry no folio; the contents do
    assert [folio(pdf, i) for i in range(4)] == [None, None, None, None]
    contents = pdf.get_destination_page_number(pdf.named_destinations["contents"])
    assert folio(pdf, contents) == roman(contents + 1)


def test_front_matter_pages(pdf: PdfReader) -> None:
    # half title on page i, its back blank, the title page on iii, the copyright on its back
    half_title, blank, title_page, copyright_page = (pdf.pages[i].extract_text() for i in range(4))
    assert blank == ""
    assert half_title.replace(" ", "").strip() == "SILENTSCREEN"
    assert "Silent Screen" in title_page
    assert "Fourteen Reviews of the Films" in title_page
    assert "Edited by" in title_page
    assert "M. Example" in title_page
    assert "OCTAVOEXAMPLEPRESS" in title_page.upper().replace(" ", "")
    flat = copyright_page.replace("\n", " ")
    assert "urn:uuid:4a8cc133-840b-540b-9eae-96ad98d8cf80" in flat
    assert "First published November 2026 by Octavo Example Press" in flat
    assert "Creative Commons" in flat


def test_index_numbers_point_at_reviews(pdf: PdfReader, anthology) -> None:  # type: ignore[no-untyped-def]
    index = pdf.get_destination_page_number(pdf.named_destinations["index-works"])
    text = pdf.pages[index].extract_text() + pdf.pages[index + 1].extract_text()
    for review in anthology.reviews:
        # Printed as filed: "Trip to the Moon, A (1902)".
        entry = f"{inverted_title(review.work.title)} ({review.work.year})"
        match = re.search(re.escape(entry) + r", (\d+)", text)
        assert match, entry
        start = pdf.get_destination_page_number(pdf.named_destinations[review.anchor])
        assert match.group(1) == page_number(pdf, anthology, start) == folio(pdf, start)


def test_metadata(pdf: PdfReader) -> None:
    metadata = pdf.metadata
    assert metadata is not None
    assert metadata.title == "Silent Screen"
    assert metadata.author == "M. Example"
    assert pdf.trailer["/Root"]["/Lang"] == "en"


def test_every_font_is_embedded(pdf: PdfReader) -> None:
    fonts = pdf_fonts(pdf)
    assert fonts, "no fonts found"
    assert all(fonts.values()), fonts
    assert any("EB-Garamond" in name for name in fonts), fonts


def test_qpdf_check(example_build: tuple[Built, Path]) -> None:
    require("qpdf", "it checks the PDF's structure")
    built, _ = example_build
    (output,) = [o for o in built.outputs if o.format == "pdf"]
    result = subprocess.run(["qpdf", "--check", str(output.path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_weasyprint_warnings(example_build: tuple[Built, Path]) -> None:
    built, _ = example_build
    assert [d.format() for d in built.report.diagnostics] == []


def _walk(nodes):  # type: ignore[no-untyped-def]
    for node in nodes:
        yield from node.walk()


def test_page_size_is_the_trim(pdf: PdfReader) -> None:
    # trade: 6 x 9 in, 72 points to the inch
    assert {(float(p.mediabox.width), float(p.mediabox.height)) for p in pdf.pages} == {(432, 648)}


def test_parts_and_their_first_reviews_open_on_right_hand_pages(pdf: PdfReader, anthology) -> None:  # type: ignore[no-untyped-def]
    def page(target: str) -> int:  # 1-based: odd pages are right-hand pages
        return pdf.get_destination_page_number(pdf.named_destinations[target]) + 1

    for section in anthology.sections:
        assert page(section.id) % 2 == 1, section.title
        assert page(section.reviews[0].anchor) % 2 == 1, section.reviews[0].title
    assert page("contents") % 2 == 1


def test_blank_pages_are_truly_blank(pdf: PdfReader) -> None:
    blank = [i for i, page in enumerate(pdf.pages) if not page.extract_text().strip()]
    assert blank, "the example has pages left blank before right-hand openings"
    for index in blank:
        # no text at all (no folio, no running head), and nothing drawn either: the
        # page's content stream only sets up its coordinates
        content = pdf.pages[index].get_contents().get_data()
        assert not re.search(rb"\b(BT|Do|re|f|S)\b", content), (index, content)


@pytest.mark.parametrize(
    ("call", "note"),
    [
        ("offers to pay his fare.", "Chaplin reissued the film in 1942"),
        ("hoped nobody would mind.", "Nobody minding was too much to hope for."),
    ],
)
def test_footnotes_sit_at_the_foot_of_the_page_that_calls_them(
    pdf: PdfReader, call: str, note: str
) -> None:
    pages = [" ".join(page.extract_text().split()) for page in pdf.pages]
    (calling,) = [i for i, text in enumerate(pages) if call in text]
    text = pages[calling]
    # the note is on the same page, below the text, numbered: "1. Chaplin..."
    assert re.search(r"\b1\.\s+" + re.escape(note), text)
    assert text.index(note) > text.index(call)


def test_no_word_crosses_the_text_blocks_margins(example_build: tuple[Built, Path]) -> None:
    """Every word lies between the page's inner and outer margins (classic: 0.8in inside,
    0.65in outside), as pdftotext measures it: no overfull line, no URL in the margin."""
    require("pdftotext", "it measures where each word lies")
    built, _ = example_build
    (output,) = [o for o in built.outputs if o.format == "pdf"]
    result = subprocess.run(
        ["pdftotext", "-bbox", str(output.path), "-"], capture_output=True, check=True
    )
    inner, outer, width = 0.8 * 72, 0.65 * 72, 432
    pages = etree.fromstring(result.stdout).iter("{http://www.w3.org/1999/xhtml}page")
    crossing = []
    for number, page in enumerate(pages, start=1):
        left, right = (inner, width - outer) if number % 2 else (outer, width - inner)
        for word in page.iter("{http://www.w3.org/1999/xhtml}word"):
            if float(word.get("xMin", 0)) < left - 0.5 or float(word.get("xMax", 0)) > right + 0.5:
                crossing.append((number, word.text, word.get("xMin"), word.get("xMax")))
    assert crossing == []


def test_about_the_contributors_gives_the_right_pages(pdf: PdfReader, anthology) -> None:  # type: ignore[no-untyped-def]
    index = pdf.get_destination_page_number(pdf.named_destinations["back-contributors"])
    text = " ".join((pdf.pages[index].extract_text() + pdf.pages[index + 1].extract_text()).split())
    text = text.replace("\u2010 ", "")
    assert text.startswith("ABOUT THE CONTRIBUTORS Ada Okonkwo")
    for review in anthology.reviews:
        start = pdf.get_destination_page_number(pdf.named_destinations[review.anchor])
        assert f"{review.toc_title}, p. {page_number(pdf, anthology, start)}" in text
