"""A piece stamped again does only what its new place changes.

Its structure tree is the one its last stamping took out of the same body, the boxes
of its figures moved as its pages are (:meth:`DetachedTags.moved`), not taken out of
the PDF again; and each row of its stamps' margin boxes is laid out once for all the
pages that print the same in it (:mod:`octavo.write.stamp_margins`). Both give the
bytes the full work gives: these tests compare them, on a book whose ratings are
figures (their boxes move with their pages).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import octavo.render.print_split as print_split
from octavo.api import load_anthology, make_pdf
from octavo.loaded import theme_files_checked
from octavo.render.print_html import render_print
from octavo.write import pdf_stamp_splice, pdf_stamps
from octavo.write.detached_tags import DetachedTags
from octavo.write.pdf_merge import LaidOut
from octavo.write.pdf_stamp_pages import Stamps
from octavo.write.pdf_stamp_splice import splice
from octavo.write.pdf_stamps import lay_out_stamps
from tests.test_parallel_books import _flat

pytestmark = pytest.mark.slow

#: What the end-to-end test adds to the first review: about two pages.
MORE = "\n\nA paragraph more. " + "It runs on. " * 300 + "\n"


def _rated(root: Path) -> Path:
    """The five reviews of ``_flat``, each rated (a figure of stars) and long enough
    for running heads that repeat, opening on any page."""
    book = _flat(root, count=5, extra="[print]\nrecto_starts = false\n")
    for number, review in enumerate(sorted((book / "reviews").glob("*.md")), start=1):
        text = review.read_text(encoding="utf-8")
        text = text.replace("\n---\n", f"\nrating: {number % 5}/5\n---\n", 1)
        review.write_text(text + "\n\nMore words to run on. " * 120, encoding="utf-8")
    return book


@pytest.fixture(scope="module")
def rated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The rated book, built once in pieces of a review each into its cache: (book,
    cache)."""
    root = tmp_path_factory.mktemp("rated")
    book = _rated(root / "book")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(print_split, "CHUNK_REVIEWS", 1)
        patch.setenv("SOURCE_DATE_EPOCH", "1764028800")
        make_pdf(load_anthology(book), jobs=2, cache=root / "cache")
    return book, root / "cache"


def _pieces(cache: Path) -> list[tuple[LaidOut, bytes]]:
    """The cache's stamped pieces with their bodies."""
    pieces = []
    for meta_path in sorted(cache.rglob("*.json")):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if not isinstance(meta, dict) or not meta.get("stamps") or not meta.get("tags"):
            continue
        body = meta_path.with_name(meta_path.stem + ".body.pdf")
        if body.is_file():
            data = meta_path.with_suffix(".pdf").read_bytes()
            pieces.append((LaidOut.from_cache(data, meta), body.read_bytes()))
    return pieces


def _setting(book: Path) -> tuple[Any, Any, str]:
    """What a stamp is laid out with: the book's print document, its resolver, and a
    document with its head."""
    loaded = load_anthology(book)
    with theme_files_checked():
        document = render_print(loaded.anthology, loaded.theme, False, balance={})
    return document, loaded.resolver, document.html


def _across(stamps: Stamps, shift: int) -> Stamps:
    """The stamps of the piece moved on by ``shift`` pages (odd: to the other side)."""
    flip = {"left": "right", "right": "left"}
    sides = [flip[page.side] if shift % 2 else page.side for page in stamps.pages]
    return stamps.moved_to(shift, sides)


def _moves(stamps: Stamps) -> list[Any]:
    return [page.moved for page in stamps.pages]


def test_a_tree_moved_with_its_pages_is_the_one_its_body_gives(
    rated: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    book, cache = rated
    document, resolver, html = _setting(book)
    pieces = _pieces(cache)
    assert len(pieces) >= 4
    fast = 0
    for piece, body in pieces:
        assert piece.stamps is not None
        assert piece.tags is not None
        assert b"/S /Figure" in piece.tags.objects  # the stars
        for shift in (1, 2, 3):
            there = _across(piece.stamps, shift)
            if not piece.stamps.can_move([page.side for page in there.pages]):
                continue
            with theme_files_checked():
                stamp, _ = lay_out_stamps(document, resolver, html, there, None)
            full_pdf, full_tags = splice(body, stamp, there)
            moved = piece.tags.moved(_moves(piece.stamps), _moves(there))
            assert moved is not None
            fast += 1
            assert moved == full_tags
            assert splice(body, stamp, there, moved) == (full_pdf, full_tags)
            if shift % 2:  # across: the stars' boxes moved, as a stamping moves them
                assert moved.objects != piece.tags.objects
    assert fast >= 4


def test_moving_a_tree_moves_its_figures_boxes_on_the_pages_moved_only() -> None:
    figure = b"<< /A << /BBox [ 10.5 20 30.25 40 ] /O /Layout >> /Alt (Stars) /K [ 3 ]"
    lines = [
        figure + b" /P {o2} /Pg {p0} /S /Figure /Type /StructElem >>",
        figure + b" /P {o2} /Pg {p1} /S /Figure /Type /StructElem >>",
        b"<< /K [ {o0} {o1} ] /P {D} /S /Div /Type /StructElem >>",
    ]
    tags = DetachedTags(b"\n".join(lines), [(2, -1, False)], {}, {}, [], None, None)
    moved = tags.moved([None, None], [(-12.0, 0.0), None])
    assert moved is not None
    assert moved.lines()[0].startswith(b"<< /A << /BBox [ -1.5 20 18.25 40 ] /O /Layout >>")
    assert moved.lines()[1:] == tags.lines()[1:]
    assert moved.boxes == {0: b"[ 10.5 20 30.25 40 ]"}  # as laid out
    assert tags.moved([None, None], [None, None]) is tags
    # moved back, or on: from the box as laid out, not from where it was drawn
    assert moved.moved([(-12.0, 0.0), None], [None, None]) == tags
    again = moved.moved([(-12.0, 0.0), None], [(0.1, 0.0), (3.0, 0.0)])
    assert again is not None
    assert again.lines()[0].startswith(b"<< /A << /BBox [ 10.6 20 30.35 40 ]")
    assert again.lines()[1].startswith(b"<< /A << /BBox [ 13.5 20 33.25 40 ]")
    # a box moved already, not known as laid out: the tree is taken out again
    unknown = dataclasses.replace(moved, boxes={})
    assert unknown.moved([(-12.0, 0.0), None], [None, None]) is None
    apart = dataclasses.replace(tags, objects=tags.objects.replace(b"/A << ", b"/A {o9} << ", 1))
    assert apart.moved([None, None], [(1.0, 0.0), None]) is None
    plain = DetachedTags(lines[2], [(0, -1, False)], {}, {}, [], None, None)
    assert plain.moved([None], [(5.0, 0.0)]) is plain  # no figure: nothing moves


def test_a_book_a_page_longer_takes_its_moved_pieces_trees_from_the_cache(
    rated: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = shutil.copytree(rated[0], tmp_path / "book")
    cache = shutil.copytree(rated[1], tmp_path / "cache")
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    review = book / "reviews" / "r1.md"
    review.write_text(review.read_text(encoding="utf-8") + MORE, "utf-8")
    fresh = make_pdf(load_anthology(book), jobs=2)
    taken = tmp_path / "taken"  # a line for each tree taken out as a piece is stamped
    original = pdf_stamp_splice.take_tags

    def counted(pdf: Any, *laid: Any) -> Any:
        with taken.open("a") as file:  # the workers are forked: a file counts them all
            file.write("taken\n")
        return original(pdf, *laid)

    monkeypatch.setattr(pdf_stamp_splice, "take_tags", counted)
    steps: list[str] = []
    rebuilt = make_pdf(load_anthology(book), steps.append, jobs=2, cache=cache)
    again = sum("(from the cache, stamped again)" in step for step in steps)
    assert again == 4  # reviews 2 to 5
    # the trees taken out: the first review's only, laid out again
    assert taken.read_text(encoding="utf-8").count("taken") == 1
    assert rebuilt.data == fresh.data


def test_stamps_lay_out_each_row_of_margin_boxes_once_and_draw_the_same(
    rated: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from weasyprint.layout import page as layout_page

    book, cache = rated
    document, resolver, html = _setting(book)
    original = layout_page.margin_box_content_layout
    made = [0]

    def counted(context: Any, page: Any, box: Any) -> Any:
        made[0] += 1
        return original(context, page, box)

    monkeypatch.setattr(layout_page, "margin_box_content_layout", counted)
    stamps = [piece.stamps for piece, _ in _pieces(cache) if piece.stamps is not None]
    pages = sum(len(piece.pages) for piece in stamps)
    assert pages >= 15
    drawn: dict[str, list[bytes]] = {}
    counts: dict[str, int] = {}
    weasyprint_margins = layout_page.make_margin_boxes
    for how in ("WeasyPrint's", "rows once"):
        if how == "WeasyPrint's":
            monkeypatch.setattr(
                pdf_stamps, "margin_boxes", lambda c, p, s, memo: weasyprint_margins(c, p, s)
            )
        else:
            monkeypatch.undo()
            monkeypatch.setattr(layout_page, "margin_box_content_layout", counted)
        made[0] = 0
        with theme_files_checked():
            drawn[how] = [lay_out_stamps(document, resolver, html, s, None)[0] for s in stamps]
        counts[how] = made[0]
    assert drawn["rows once"] == drawn["WeasyPrint's"]
    # each page prints a folio and a running head: the heads repeat from page to page
    assert counts["WeasyPrint's"] >= 2 * pages - len(stamps)
    assert counts["rows once"] < counts["WeasyPrint's"] - pages // 4
