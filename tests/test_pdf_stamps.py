"""Folios and running heads stamped after layout: a piece that moves is not laid out
again.

A book whose reviews open on any page is laid out in pieces and kept in the cache; a
review then grows by a page, so every later review begins a page later, on the other
side of the spread, with other folios. The later pieces are taken from the cache,
their bodies moved across and stamped again (:mod:`octavo.write.pdf_stamps`); the book
is the bytes a build without the cache makes, and the pages one pass lays out.
"""

from __future__ import annotations

import io
import itertools
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

import octavo.render.print_split as print_split
from octavo.api import load_anthology, make_pdf
from octavo.write.pdf import PdfResult
from tests.test_parallel_books import _assert_same, _flat
from tests.test_pdf_production import _page_texts

pytestmark = pytest.mark.slow


def _first_page(data: bytes, words: str) -> int:
    pages = PdfReader(io.BytesIO(data)).pages
    return next(n for n, page in enumerate(pages) if words in page.extract_text())


#: What the tests below add to the first review: about two pages.
MORE = "\n\nA paragraph more. " + "It runs on. " * 300 + "\n"


@pytest.fixture(scope="module")
def five(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PdfResult, PdfResult]:
    """A book of five reviews that open on any page, a review a piece, built once with
    its cache (in ``cache``, beside ``book``), and the book its first review grown by
    :data:`MORE` gives a build without the cache: the first build, the fresh one."""
    root = tmp_path_factory.mktemp("five")
    book = _flat(root / "book", count=5, extra="[print]\nrecto_starts = false\n")
    grown = shutil.copytree(book, root / "grown")
    review = grown / "reviews" / "r1.md"
    review.write_text(review.read_text(encoding="utf-8") + MORE, "utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(print_split, "CHUNK_REVIEWS", 1)
        patch.setenv("SOURCE_DATE_EPOCH", "1764028800")
        first = make_pdf(load_anthology(book), jobs=2, cache=root / "cache")
        fresh = make_pdf(load_anthology(grown), jobs=2)
    return root, first, fresh


def _five_with_its_cache(
    five: tuple[Path, PdfResult, PdfResult], into: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """A copy of the book of :func:`five` in ``into`` with a copy of its cache (a cache
    is read wherever its folder is), set to be built as it was: (book, cache)."""
    root = five[0]
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    return shutil.copytree(root / "book", into / "book"), shutil.copytree(
        root / "cache", into / "cache"
    )


def test_a_review_a_page_longer_moves_the_later_pieces_across_without_laying_them_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, five: tuple[Path, PdfResult, PdfResult]
) -> None:
    book, cache = _five_with_its_cache(five, tmp_path, monkeypatch)
    _, before, fresh = five
    review = book / "reviews" / "r1.md"
    review.write_text(review.read_text(encoding="utf-8") + MORE, "utf-8")
    steps: list[str] = []
    rebuilt = make_pdf(load_anthology(book), steps.append, jobs=2, cache=cache)
    moved = _first_page(rebuilt.data, "Review 5.") - _first_page(before.data, "Review 5.")
    assert moved % 2 == 1  # the later reviews fall on the other side now
    stamped = [step for step in steps if "(from the cache, stamped again)" in step]
    assert len(stamped) == 4  # reviews 2 to 5: none laid out again
    assert rebuilt.data == fresh.data
    single = make_pdf(load_anthology(book), jobs=1)
    _assert_same(single, rebuilt)


def test_a_piece_stamped_again_is_stamped_again_where_it_falls_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, five: tuple[Path, PdfResult, PdfResult]
) -> None:
    """Moved across twice (a review grows, then shrinks back): the pages of the first
    build again, from the cache, bytes for bytes."""
    book, cache = _five_with_its_cache(five, tmp_path, monkeypatch)
    first = five[1]
    review = book / "reviews" / "r1.md"
    text = review.read_text(encoding="utf-8")
    review.write_text(text + MORE, "utf-8")
    make_pdf(load_anthology(book), jobs=2, cache=cache)
    review.write_text(text, "utf-8")
    steps: list[str] = []
    back = make_pdf(load_anthology(book), steps.append, jobs=2, cache=cache)
    assert sum("stamped again" in step for step in steps) == 4
    assert back.data == first.data


def test_margin_boxes_that_cannot_be_stamped_are_laid_out_with_their_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A theme whose margin boxes print a running element (``element()``) is laid out
    with its margin boxes, as before stamps; so is a piece whose stamps fail."""
    from octavo.render.print_html import PrintDocument
    from octavo.write import pdf_parallel, pdf_stamps, pdf_worker
    from octavo.write.pdf_stamp_pages import NotStamped

    sheet = tmp_path / "running.css"
    sheet.write_text("@page { @top-center { content: element(head) } }", encoding="utf-8")
    plain = tmp_path / "plain.css"
    plain.write_text("@page { @top-center { content: string(running) } }", encoding="utf-8")
    document = PrintDocument(html="", stylesheets=(plain,), page_css="", base_url="")
    assert pdf_stamps.stamped_theme(document)
    assert not pdf_stamps.stamped_theme(PrintDocument("", (plain, sheet), "", ""))

    book = _flat(tmp_path / "book", count=3, extra="[print]\nrecto_starts = false\n")
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    single = make_pdf(load_anthology(book), jobs=1)
    monkeypatch.setattr(pdf_parallel, "stamped_theme", lambda document: False)
    _assert_same(single, make_pdf(load_anthology(book), jobs=2))
    monkeypatch.undo()
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")

    def fails(*args: object) -> None:
        raise NotStamped("for the test")

    monkeypatch.setattr(pdf_worker, "stamp_piece", fails)
    _assert_same(single, make_pdf(load_anthology(book), jobs=2))


def _grown_and_rebuilt(
    book: Path, review: Path, cache: Path, **options: object
) -> tuple[bytes, bytes, list[str]]:
    """The book built into ``cache``, then ``review`` made longer and the book built
    again from the cache, and without it: (rebuilt, fresh, the rebuild's steps)."""
    make_pdf(load_anthology(book), jobs=2, cache=cache, **options)  # type: ignore[arg-type]
    text = review.read_text(encoding="utf-8")
    review.write_text(text + "\n\n" + "Further words. " * 260 + "\n", "utf-8")
    steps: list[str] = []
    rebuilt = make_pdf(load_anthology(book), steps.append, jobs=2, cache=cache, **options)  # type: ignore[arg-type]
    fresh = make_pdf(load_anthology(book), jobs=2, **options)  # type: ignore[arg-type]
    return rebuilt.data, fresh.data, steps


def test_a_right_to_left_book_is_stamped_again_on_its_sides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Hebrew example with reviews that open on any page: its spreads read right to
    left, so a recto is a left page; the pieces after a review that grew move across."""
    import shutil

    from tests.conftest import ROOT

    book = tmp_path / "or-vetzel"
    shutil.copytree(ROOT / "anthologies" / "or-vetzel", book)
    manifest = book / "anthology.toml"
    text = manifest.read_text(encoding="utf-8").replace('style = "modern"', 'style = "classic"')
    manifest.write_text(text.replace("recto_starts = true", "recto_starts = false"), "utf-8")
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    first = sorted((book / "reviews").glob("*.md"))[0]
    rebuilt, fresh, steps = _grown_and_rebuilt(book, first, tmp_path / "cache")
    assert any("stamped again" in step for step in steps)
    assert rebuilt == fresh
    single = make_pdf(load_anthology(book), jobs=1)
    from octavo.write.pdf import PdfResult

    assert isinstance(single, PdfResult)
    one, again = PdfReader(io.BytesIO(single.data)), PdfReader(io.BytesIO(rebuilt))
    assert [p.extract_text() for p in again.pages] == [p.extract_text() for p in one.pages]


def test_the_printers_pdf_is_stamped_again_inside_its_bleed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The printer's PDF (PDF/X, with bleed): pieces that move are stamped again, or laid
    out again where a side's page differs; either way the fresh book's bytes."""
    book = _flat(tmp_path / "book", count=4, extra="[print]\nrecto_starts = false\n")
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    review = book / "reviews" / "r1.md"
    rebuilt, fresh, _ = _grown_and_rebuilt(book, review, tmp_path / "cache", for_printer=True)
    assert rebuilt == fresh
    import pypdfium2

    single = make_pdf(load_anthology(book), jobs=1, for_printer=True)
    one, again = pypdfium2.PdfDocument(single.data), pypdfium2.PdfDocument(rebuilt)
    assert len(one) == len(again)
    for number in range(len(one)):
        a = one[number].render(scale=40 / 72).to_pil()
        b = again[number].render(scale=40 / 72).to_pil()
        assert a.tobytes() == b.tobytes(), f"page {number + 1} differs"


def test_the_pieces_that_move_are_stamped_again_side_by_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, five: tuple[Path, PdfResult, PdfResult]
) -> None:
    """A piece drawn as it is on either side posts its page count from the cache before
    it is stamped again: the piece after it is placed, and stamped, meanwhile (not once
    the one before is done), and the book is still the one a build without the cache
    makes."""
    import time

    from octavo.write import pdf_worker

    book, cache = _five_with_its_cache(five, tmp_path, monkeypatch)
    review = book / "reviews" / "r1.md"
    review.write_text(review.read_text(encoding="utf-8") + MORE, "utf-8")
    spans = tmp_path / "spans"
    original = pdf_worker._restamped

    def slowly(job: pdf_worker.Job, *args: object) -> object:  # in the forked workers
        started = time.monotonic()
        # long enough for the other worker to be done with the first review's piece,
        # which it goes on stamping and writing once it has posted its page count:
        # with 0.5 s, a loaded machine (CI's two test processes) once restamped all
        # four pieces in one worker before the other was free
        time.sleep(2.0)
        result = original(job, *args)  # type: ignore[arg-type]
        with spans.open("a") as out:
            out.write(f"{job.index} {started} {time.monotonic()}\n")
        return result

    monkeypatch.setattr(pdf_worker, "_restamped", slowly)
    rebuilt = make_pdf(load_anthology(book), jobs=2, cache=cache)
    times = sorted(tuple(map(float, line.split()[1:])) for line in spans.read_text().splitlines())
    assert len(times) == 4  # reviews 2 to 5
    overlapping = [a_end > b_start for (_, a_end), (b_start, _) in itertools.pairwise(times)]
    assert any(overlapping), times
    monkeypatch.setattr(pdf_worker, "_restamped", original)
    assert rebuilt.data == five[2].data


def test_a_letterspaced_running_head_reads_as_words_when_stamped_and_stamped_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, five: tuple[Path, PdfResult, PdfResult]
) -> None:
    """The classic theme letterspaces the book's title on its left-hand pages. Stamped
    on a piece laid out, and stamped again on a piece that moved, it reads as words:
    each stamp's letterspaced runs are marked (/ActualText) as it is spliced."""
    book, cache = _five_with_its_cache(five, tmp_path, monkeypatch)
    review = book / "reviews" / "r1.md"
    review.write_text(review.read_text(encoding="utf-8") + MORE, "utf-8")
    steps: list[str] = []
    rebuilt = make_pdf(load_anthology(book), steps.append, jobs=2, cache=cache)
    assert any("(from the cache, stamped again)" in step for step in steps)
    for name, data in (("first", five[1].data), ("rebuilt", rebuilt.data)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        heads = [text.strip().splitlines()[0] for text in _page_texts(path) if text.strip()]
        assert sum(head.strip() == "NO PARTS" for head in heads) >= 3, (name, heads)
        assert not any("N O" in head for head in heads), (name, heads)
