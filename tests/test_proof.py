"""``octavo proof``: the contact sheet of the print edition, as spreads.

The sheet is read back with Pillow: the page thumbnails are found as the white
rectangles on the grey ground, so the tests check what a person sees (how many
pages, how big, where page 1 sits, which pages are blank) without knowing the
layout's margins and gaps.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader
from typer.testing import CliRunner

from octavo.cli import app
from octavo.errors import BuildError
from octavo.proof import BACKGROUND, compose, rasterise, spreads

from .conftest import MakeAnthology, files_in

WHITE = (255, 255, 255)

#: (left, top, right, bottom) of one page thumbnail inside its edge, as Pillow boxes go
Box = tuple[int, int, int, int]


def runs(values: list[bool]) -> list[tuple[int, int]]:
    """The (start, length) of every run of True."""
    found: list[tuple[int, int]] = []
    start: int | None = None
    for position, value in enumerate([*values, False]):
        if value and start is None:
            start = position
        elif not value and start is not None:
            found.append((start, position - start))
            start = None
    return found


def page_boxes(sheet: Image.Image, height: int) -> list[Box]:
    """The page thumbnails on the sheet, in reading order.

    A row of pages is a band of non-grey lines exactly ``height`` + 2 tall (a page and
    its edge; the numbers below are much shorter); on the first line inside the edge,
    each page is a run of white, since a page's top margin is empty.
    """
    ground = Image.new("RGB", sheet.size, BACKGROUND)
    mask = ImageChops.difference(sheet, ground).convert("L").point(lambda v: 255 if v else 0)
    width = sheet.width
    lines = [mask.crop((0, y, width, y + 1)).getbbox() is not None for y in range(sheet.height)]
    boxes: list[Box] = []
    for top, length in runs(lines):
        if length != height + 2:
            continue
        y = top + 1
        row = [sheet.getpixel((x, y)) == WHITE for x in range(width)]
        boxes += [(x, y, x + run, y + height) for x, run in runs(row)]
    return boxes


def proof(runner: CliRunner, folder: Path, out: Path, *options: str) -> tuple[int, str]:
    result = runner.invoke(app, ["proof", str(folder), "--out", str(out), *options])
    return result.exit_code, result.output


# --- the layout, on drawn pages (fast) --------------------------------------------------------


def test_spreads_put_page_one_alone_on_the_right() -> None:
    assert spreads(0) == []
    assert spreads(1) == [(None, 0)]
    assert spreads(2) == [(None, 0), (1, None)]
    assert spreads(5) == [(None, 0), (1, 2), (3, 4)]
    assert spreads(6) == [(None, 0), (1, 2), (3, 4), (5, None)]


@pytest.mark.parametrize("count", [1, 2, 3, 8, 19, 20, 21, 44])
def test_compose_sets_pages_as_spreads_ten_to_a_row(count: int) -> None:
    pages = [Image.new("RGB", (40, 60), WHITE) for _ in range(count)]
    sheet = compose(pages)
    boxes = page_boxes(sheet, 60)
    assert len(boxes) == count
    assert all((right - left, bottom - top) == (40, 60) for left, top, right, bottom in boxes)
    # page 1 is a recto: the left half of its spread is empty ground
    left, top, _, bottom = boxes[0]
    assert sheet.crop((left - 41, top, left - 1, bottom)).getcolors() == [(40 * 60, BACKGROUND)]
    # then even on the left, odd on the right, sharing the spine's edge
    for index in range(1, count - 1, 2):
        verso, recto = boxes[index], boxes[index + 1]
        assert recto[0] == verso[2] + 1
        assert recto[1] == verso[1]
    rows = sorted({top for _, top, _, _ in boxes})
    assert len(rows) == -(-len(spreads(count)) // 10)


# --- the command, end to end ------------------------------------------------------------------


@pytest.mark.slow
def test_proof_draws_every_page_as_spreads(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    book = make_anthology()
    out = tmp_path / "out"
    built = runner.invoke(app, ["build", str(book), "--format", "pdf", "--out", str(out)])
    assert built.exit_code == 0, built.output
    pdf = PdfReader(out / "test-book.pdf")
    count = len(pdf.pages)
    blank = [index for index, page in enumerate(pdf.pages) if not page.extract_text().strip()]
    text = next(
        index for index, page in enumerate(pdf.pages) if "review of Alpha" in page.extract_text()
    )
    assert blank, "the small book has no blank page to look at; the test needs one"

    status, output = proof(runner, book, out, "--height", "90")
    assert status == 0, output
    path = out / "test-book-proof.png"
    assert files_in(out) == ["test-book-proof.png", "test-book.pdf"]
    with Image.open(path) as image:
        assert image.format == "PNG"
        sheet = image.convert("RGB")
    assert f"wrote {path}  ({count} pages, {sheet.width} x {sheet.height} px)" in output

    # one thumbnail per page, 90 px tall and as wide as the trim's proportion (6 x 9 in)
    boxes = page_boxes(sheet, 90)
    assert len(boxes) == count
    assert {(right - left, bottom - top) for left, top, right, bottom in boxes} == {(60, 90)}
    # page 1 alone on the right of the first spread: the left half is bare ground
    left, top, _, bottom = boxes[0]
    assert sheet.crop((left - 61, top, left - 1, bottom)).getcolors() == [(60 * 90, BACKGROUND)]
    assert boxes[2][0] == boxes[1][2] + 1  # pages 2 and 3 side by side
    # a blank page is white all over; a page of text has dark pixels
    assert sheet.crop(boxes[blank[0]]).getcolors() == [(60 * 90, WHITE)]
    darkest, _ = sheet.crop(boxes[text]).convert("L").getextrema()
    assert darkest < 100


@pytest.mark.slow
def test_proof_of_the_same_book_is_the_same_file(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    book = make_anthology()
    status, output = proof(runner, book, tmp_path / "one")
    assert status == 0, output
    status, output = proof(runner, book, tmp_path / "two")
    assert status == 0, output
    first = (tmp_path / "one" / "test-book-proof.png").read_bytes()
    assert first == (tmp_path / "two" / "test-book-proof.png").read_bytes()
    with Image.open(tmp_path / "one" / "test-book-proof.png") as image:
        assert image.height > 120


# --- errors: as in build, nothing is written ---------------------------------------------------


def test_a_bad_anthology_writes_nothing(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    bad = "---\ntitle: Alpha\nreviewer: Ann Critic\nrating: eleventy\n---\n\nText.\n"
    book = make_anthology({"reviews/alpha.md": bad})
    out = tmp_path / "out"
    out.mkdir()
    (out / "test-book-proof.png").write_bytes(b"an earlier proof")
    status, output = proof(runner, book, out)
    assert status == 1
    assert "error[R206] reviews/alpha.md:4: 'rating' must look like" in output
    assert "Nothing was written." in output
    assert "Traceback" not in output
    assert files_in(out) == ["test-book-proof.png"]
    assert (out / "test-book-proof.png").read_bytes() == b"an earlier proof"


def test_a_missing_anthology_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    status, output = proof(runner, tmp_path / "missing", out)
    assert status == 1
    assert "error[M100]" in output
    assert files_in(out) == []


def test_the_proof_never_goes_among_the_sources(
    runner: CliRunner, make_anthology: MakeAnthology
) -> None:
    book = make_anthology()
    status, output = proof(runner, book, book)
    assert status == 2
    assert "error[B402]" in output
    assert not list(book.glob("*.png"))


@pytest.mark.parametrize("height", ["0", "23", "401", "tall"])
def test_a_height_out_of_range_is_a_usage_error(
    runner: CliRunner, make_anthology: MakeAnthology, tmp_path: Path, height: str
) -> None:
    out = tmp_path / "out"
    status, output = proof(runner, make_anthology(), out, "--height", height)
    assert status == 2
    assert "--height" in output
    assert files_in(out) == []


def test_without_pypdfium2_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # makes the import fail
    with pytest.raises(BuildError, match="needs pypdfium2, which is not installed"):
        rasterise(b"%PDF-1.7", 120)


def test_proof_has_help(runner: CliRunner) -> None:
    result = runner.invoke(app, ["proof", "--help"])
    assert result.exit_code == 0
    assert "Usage: octavo proof" in result.output
    assert "--height" in result.output
