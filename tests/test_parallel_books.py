"""Every kind of book is laid out in pieces, and gives the PDF one pass gives.

tests/test_parallel_pdf.py compares the two on the example (parts that open on the
right, pieces of parts on both sides). Here, the other kinds of book: one without
parts in templates of its own, a right-to-left book, parts that open on any page
(the e-reader theme), and a template that prints page numbers a piece cannot know
(laid out in one pass after all). Each is small, cut a review or two a
piece, and compared page by page: count, text, pixels, page labels, links and
bookmarks.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

import octavo.render.print_split as print_split
from octavo.api import load_anthology, make_pdf
from octavo.write.pdf import PdfResult
from tests.conftest import ROOT
from tests.test_parallel_cache import SMALL_REVIEW
from tests.test_parallel_pdf import _links, _outline

pytestmark = pytest.mark.slow


def _flat(root: Path, count: int = 5, extra: str = "") -> Path:
    """A book of ``count`` reviews and no parts, with contents and an index."""
    (root / "reviews").mkdir(parents=True)
    manifest = 'title = "No Parts"\neditors = ["E. D."]\nstyle = "classic"\n' + extra
    manifest += '\n[[front]]\ntitle = "Foreword"\nfile = "foreword.md"\n'
    manifest += '\n[[back]]\nindex = "works"\n'
    (root / "anthology.toml").write_text(manifest, encoding="utf-8")
    (root / "foreword.md").write_text("A foreword. " * 40 + "\n", encoding="utf-8")
    for number in range(1, count + 1):
        # lengths that end reviews on either side, so that pieces fall on both
        text = f"Review {number}. " + "The film begins at dawn and ends at night. " * (
            40 + 45 * (number % 3)
        )
        (root / "reviews" / f"r{number}.md").write_text(
            SMALL_REVIEW.format(
                title=f"Work {number}", reviewer=f"Critic {number % 2}", year=1920 + number,
                tag="any", text=text,
            ),
            encoding="utf-8",
        )  # fmt: skip
    return root


def _both(book: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[PdfResult, PdfResult, list[str]]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    single = make_pdf(load_anthology(book), jobs=1)
    steps: list[str] = []
    parallel = make_pdf(load_anthology(book), steps.append, jobs=2)
    return single, parallel, steps


def _assert_same(single: PdfResult, parallel: PdfResult) -> None:
    import pypdfium2

    one, parts = PdfReader(io.BytesIO(single.data)), PdfReader(io.BytesIO(parallel.data))
    assert len(parts.pages) == len(one.pages)
    for number, (a, b) in enumerate(zip(one.pages, parts.pages, strict=True), start=1):
        assert b.extract_text() == a.extract_text(), f"page {number}"
    assert parts.page_labels == one.page_labels
    assert parallel.page_starts == single.page_starts
    assert _links(parts) == _links(one)
    assert _outline(parts) == _outline(one)
    drawn_one = pypdfium2.PdfDocument(single.data)
    drawn_parts = pypdfium2.PdfDocument(parallel.data)
    for number in range(len(drawn_one)):
        a = drawn_one[number].render(scale=40 / 72).to_pil()
        b = drawn_parts[number].render(scale=40 / 72).to_pil()
        assert a.tobytes() == b.tobytes(), f"page {number + 1} differs"


def test_a_right_to_left_book_is_cut_inside_its_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Hebrew example, a review a piece: its pieces begin on either side, and its
    first page is on the left."""
    book = tmp_path / "or-vetzel"
    shutil.copytree(ROOT / "anthologies" / "or-vetzel", book)
    manifest = book / "anthology.toml"  # in classic: static fonts, quicker than modern's
    text = manifest.read_text(encoding="utf-8").replace('style = "modern"', 'style = "classic"')
    manifest.write_text(text, encoding="utf-8")
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    single, parallel, steps = _both(book, monkeypatch)
    assert sum("Laying out the PDF: part" in step for step in steps) >= 4
    _assert_same(single, parallel)


def test_parts_that_open_on_any_page_are_placed_as_one_pass_places_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The e-reader theme opens parts on the next page, whichever side: no blank page
    is added before them (the parallel layout once added one before each group)."""
    book = _flat(tmp_path / "book", count=4, extra="[print]\nrecto_starts = false\n")
    text = (book / "anthology.toml").read_text(encoding="utf-8")
    text = text.replace('style = "classic"', 'style = "ereader"')
    for part, names in (("One", "r1 r2"), ("Two", "r3 r4")):
        files = ", ".join(f'"reviews/{name}.md"' for name in names.split())
        text += f'\n[[sections]]\ntitle = "Part {part}"\ninclude = [{files}]\n'
    (book / "anthology.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    single, parallel, steps = _both(book, monkeypatch)
    assert "Merging the PDF" in steps
    _assert_same(single, parallel)


def test_a_book_without_parts_in_templates_of_its_own_is_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A book without parts, with its own review template (a line added under each
    review): laid out in pieces of runs of reviews all the same. Its main matter
    begins on a right-hand page 1, as a book with parts does."""
    book = _flat(tmp_path / "book", count=4)
    shipped = ROOT / "styles" / "classic" / "templates" / "_review.html.jinja"
    template = shipped.read_text(encoding="utf-8")
    template = template.replace(
        "</article>", '<p class="house-mark">From the house archive.</p></article>', 1
    )
    (book / "templates").mkdir()
    (book / "templates" / "_review.html.jinja").write_text(template, encoding="utf-8")
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    single, parallel, steps = _both(book, monkeypatch)
    assert "Merging the PDF" in steps
    reader = PdfReader(io.BytesIO(single.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert text.count("From the house archive.") == 4
    _assert_same(single, parallel)
    labels = reader.page_labels
    first = labels.index("1")
    assert first % 2 == 0  # a recto
    assert labels[:first] == [_roman(n) for n in range(1, first + 1)]


def test_page_numbers_a_piece_cannot_know_send_the_book_to_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A contents template without the page numbers of the parallel layout
    (``data-folio``) prints them with ``target-counter()``: the front matter laid out
    apart would print wrong ones, so the layout notices and lays the book out in one
    pass."""
    book = _flat(tmp_path / "book", count=3)
    shipped = ROOT / "styles" / "classic" / "templates" / "_toc.html.jinja"
    template = shipped.read_text(encoding="utf-8").replace("data-folio=", "data-x=")
    (book / "templates").mkdir()
    (book / "templates" / "_toc.html.jinja").write_text(template, encoding="utf-8")
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    single, parallel, steps = _both(book, monkeypatch)
    assert any("cannot be laid out in parts" in step for step in steps)
    assert "Merging the PDF" not in steps
    assert parallel.data == single.data


#: A margin box that prints the book's page count: ``counter(pages)``.
PAGE_OF_PAGES = '@page :right { @bottom-right { content: counter(page) " of " counter(pages) } }'


def _counting_pages(book: Path, css: str) -> Path:
    """The book in a theme of its own: classic, with ``css``."""
    (book / "pages").mkdir()
    (book / "pages" / "theme.toml").write_text(
        'name = "pages"\nextends = "classic"\n', encoding="utf-8"
    )
    (book / "pages" / "print.css").write_text(css + "\n", encoding="utf-8")
    manifest = book / "anthology.toml"
    text = manifest.read_text(encoding="utf-8").replace('style = "classic"', 'style = "./pages"')
    manifest.write_text(text, encoding="utf-8")
    return book


def _last_lines(data: bytes) -> list[str]:
    return [
        (page.extract_text().strip().splitlines() or [""])[-1]
        for page in PdfReader(io.BytesIO(data)).pages
    ]


def test_a_theme_that_prints_the_number_of_pages_is_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``counter(pages)`` in a margin box prints the book's page count, which a piece
    cannot know while it is laid out: the pieces are stamped with the count the last
    build had (none, here), and once the book turns out to have another, stamped
    again from their bodies (not laid out again, even without a cache), the front and
    back matter laid out again with it. The book is the one pass's."""
    book = _counting_pages(_flat(tmp_path / "book", count=3), PAGE_OF_PAGES)
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    single, parallel, steps = _both(book, monkeypatch)
    pages = len(PdfReader(io.BytesIO(single.data)).pages)
    again = steps.index(f"Stamping the pages again: the book has {pages} pages")
    parts = [step for step in steps[again:] if "Laying out the PDF: part" in step]
    assert len(parts) == 3
    assert all("(from the cache, stamped again)" in step for step in parts)
    assert "Merging the PDF" in steps
    _assert_same(single, parallel)
    assert sum(line.endswith(f" of {pages}") for line in _last_lines(parallel.data)) >= 3


def test_a_page_more_stamps_the_new_number_of_pages_on_every_piece(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count is the cache's note: a rebuild prints it at once, and a review that
    grows by pages has every piece stamped again with the new count, foreseen from the
    main matter's new length before the back and front matter are laid out."""
    book = _counting_pages(_flat(tmp_path / "book", count=2), PAGE_OF_PAGES)
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    cache = tmp_path / "cache"
    first = make_pdf(load_anthology(book), jobs=2, cache=cache)
    steps: list[str] = []
    again = make_pdf(load_anthology(book), steps.append, jobs=2, cache=cache)
    assert not any(step.startswith("Stamping the pages again") for step in steps)
    assert again.data == first.data
    review = book / "reviews" / "r1.md"
    longer = "A paragraph that the review gained, long enough to fill pages. " * 90
    review.write_text(review.read_text(encoding="utf-8") + f"\n{longer}\n", encoding="utf-8")
    single = make_pdf(load_anthology(book), jobs=1)
    pages = len(PdfReader(io.BytesIO(single.data)).pages)
    assert pages > first.pages
    steps = []
    grown = make_pdf(load_anthology(book), steps.append, jobs=2, cache=cache)
    # foreseen from the main matter's length: not after the back and front matter
    again = steps.index(f"Stamping the pages again: the book has {pages} pages")
    assert "Laying out the back matter" not in steps[:again]
    assert sum(step.startswith("Stamping the pages again") for step in steps) == 1
    _assert_same(single, grown)


def test_the_number_of_pages_in_the_text_sends_the_book_to_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``counter(pages)`` outside the margin boxes would print each piece's own count:
    the layout notices, and lays the book out in one pass."""
    css = 'body::before { content: "A book of " counter(pages) " pages" }'
    book = _counting_pages(_flat(tmp_path / "book", count=2), css)
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    single, parallel, steps = _both(book, monkeypatch)
    assert any("prints the number of pages" in step for step in steps)
    assert "Merging the PDF" not in steps
    assert parallel.data == single.data
    text = PdfReader(io.BytesIO(single.data)).pages[0].extract_text()
    assert f"A book of {single.pages} pages" in text


def _roman(number: int) -> str:
    numerals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    text = ""
    for value, letters in numerals:
        while number >= value:
            text += letters
            number -= value
    return text


def test_a_front_matter_longer_than_counted_places_the_main_matter_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A book whose main matter opens on any page is placed after the front matter as
    counted before its contents have their page numbers; numbers that make it a page
    longer (long titles in a long contents) once sent the whole book to one pass. The
    main matter is placed again, and the next build places it right from the start."""
    from octavo.write import pdf_placing, pdf_worker

    book = _flat(tmp_path / "book", count=3, extra="[print]\nrecto_starts = false\n")
    text = (book / "anthology.toml").read_text(encoding="utf-8")
    (book / "anthology.toml").write_text(text.replace('"classic"', '"ereader"'), "utf-8")
    counted = pdf_worker._count_front

    def a_page_short() -> None:
        counted()
        pdf_placing.shared["front_pages"] -= 1

    monkeypatch.setattr(pdf_worker, "_count_front", a_page_short)
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    single = make_pdf(load_anthology(book), jobs=1)
    cache = tmp_path / "cache"
    steps: list[str] = []
    parallel = make_pdf(load_anthology(book), steps.append, jobs=2, cache=cache)
    assert "Laying out the main matter again after the front matter" in steps
    assert not any("cannot be laid out" in step for step in steps)
    _assert_same(single, parallel)
    again: list[str] = []
    rebuilt = make_pdf(load_anthology(book), again.append, jobs=2, cache=cache)
    assert sum("(from the cache)" in step for step in again) == 3  # every piece
    assert "Laying out the main matter again after the front matter" not in again
    assert rebuilt.data == parallel.data


def test_dotted_rules_on_pages_moved_across_have_one_pass_dots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spoiler's dotted rule over a whole line measured a float error short of 273
    dots on one side and over it on the other: WeasyPrint drew one dot fewer on pages
    laid out on one side and moved to the other (write/dotted_borders.py)."""
    root = tmp_path / "book"
    (root / "reviews").mkdir(parents=True)
    (root / "anthology.toml").write_text(
        'title = "Spoilers"\neditors = ["E. D."]\nstyle = "classic"\n'
        "[print]\nrecto_starts = false\n",
        encoding="utf-8",
    )
    twist = "The twin was the culprit all along, and the letter was forged by the aunt. "
    for number in range(1, 4):
        text = "The film begins at dawn and ends at night. " * (12 + 17 * number)
        (root / "reviews" / f"r{number}.md").write_text(
            f"---\ntitle: Work {number}\nreviewer: Critic {number}\nyear: {1920 + number}\n"
            f"---\n\n{text}\n\n[{twist * 4}]{{.spoiler}}\n",
            encoding="utf-8",
        )
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    single, parallel, steps = _both(root, monkeypatch)
    assert "Merging the PDF" in steps
    _assert_same(single, parallel)
