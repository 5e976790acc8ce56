"""The finished PDFs: page labels that match the folios, the printer's even page count,
its crop marks outside the bleed, pure black text, and the same bytes every time."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from octavo.api import Built, build
from octavo.write.pdf import MARK_LENGTH, MARK_MARGIN, MARK_OFFSET
from octavo.write.pdf_pages import label_ranges

from .conftest import MINIMAL_REVIEW, MakeAnthology, require

pytestmark = pytest.mark.slow

_FOLIO = re.compile(r"[0-9]{1,4}|[ivxlc]{1,8}")


def _box(box: object) -> tuple[float, ...]:
    return tuple(round(float(value), 2) for value in box)  # type: ignore[attr-defined]


def _page_texts(path: Path) -> list[str]:
    if not shutil.which("pdftotext"):
        require("pdftotext", "it reads the text as a reader's search does")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def test_label_ranges() -> None:
    labels = ["i", "ii", "iii", "iv", "1", "2", "3", "5"]
    assert label_ranges(labels) == [(0, True, 1), (4, False, 1), (7, False, 5)]
    assert label_ranges([]) == []


def _labels_match_folios(pdf: Path) -> int:
    """Check each page's label against the folio printed on it; how many were printed."""
    labels = list(PdfReader(pdf).page_labels)
    folios = 0
    for index, text in enumerate(_page_texts(pdf)):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        # the folio stands alone at the foot of the page (or at its head)
        for line in (lines[-1], lines[0]) if lines else ():
            if _FOLIO.fullmatch(line):
                assert labels[index] == line, f"page {index + 1}"
                folios += 1
                break
    assert len(labels) == len(set(labels))
    return folios


def test_page_labels_are_the_printed_folios(example_build: tuple[Built, Path]) -> None:
    built, _ = example_build  # laid out in parts, and merged
    (pdf,) = [output.path for output in built.outputs if output.format == "pdf"]
    labels = list(PdfReader(pdf).page_labels)
    assert labels[:2] == ["i", "ii"]
    assert labels[labels.index("1") - 1] == "viii"
    assert _labels_match_folios(pdf) > 40  # most pages print their number


def test_headings_extract_unbroken(example_build: tuple[Built, Path]) -> None:
    built, _ = example_build
    (pdf,) = [output.path for output in built.outputs if output.format == "pdf"]
    text = "\n".join(_page_texts(pdf))
    # the classic theme's letterspaced capitals and small capitals read as words
    # (without /ActualText: "PA RT 1", "O ctavo Example Press")
    for heading in ("FOREWORD", "CONTENTS", "PART 1", "PART 3", "Octavo Example Press"):
        assert re.search(rf"^\s*{heading}\s*$", text, re.M), heading


@pytest.mark.parametrize("theme", ["classic", "modern", "ereader"])
def test_letterspaced_text_searches_as_words(
    make_anthology: MakeAnthology, tmp_path: Path, theme: str
) -> None:
    manifest = (
        f'title = "Test Book"\nstyle = "{theme}"\npublisher = "Octavo Example Press"\n'
        '[[sections]]\ntitle = "Silent Comedies"\ninclude = ["reviews/*.md"]\n'
    )
    book = make_anthology({"anthology.toml": manifest})
    built = build(book, tmp_path / "out", ("pdf",), jobs=1)
    text = "\n".join(_page_texts(built.outputs[0].path))
    # the half title, the publisher and the part's label are letterspaced in every theme
    for words in ("test book", "octavo example press", "part 1"):
        assert words in text.lower(), words
    assert not re.search(r"\b(?:[A-Za-z] ){3,}[A-Za-z]\b", text)


def _text_colours(path: Path) -> set[tuple[float, ...]]:
    """The fill colours text is shown in, over every page's content streams."""
    colours: set[tuple[float, ...]] = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            stack: list[tuple[float, ...]] = []
            fill: tuple[float, ...] = (0.0,)
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if name == "q":
                    stack.append(fill)
                elif name == "Q" and stack:
                    fill = stack.pop()
                elif name in ("rg", "g", "k", "sc", "scn"):
                    fill = tuple(float(o) for o in operands if not isinstance(o, pikepdf.Name))
                elif name in ("Tj", "TJ", "'", '"'):
                    colours.add(fill)
    return colours


def test_the_printers_pdf(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    # three reviews of a page each after page 1 (a recto): an odd count of pages
    book = make_anthology(files={"reviews/gamma.md": MINIMAL_REVIEW.format(title="Gamma")})
    built = build(book, tmp_path / "a", ("pdf", "pdf-print"), jobs=1)
    screen, printer = (output.path for output in built.outputs)
    screen_pages = len(PdfReader(screen).pages)
    reader = PdfReader(printer)
    assert screen_pages % 2 == 1
    assert len(reader.pages) == screen_pages + 1
    # laid out in one pass: the labels are the folios too, the blank page's included
    assert _labels_match_folios(screen) > 0
    assert _labels_match_folios(printer) > 0
    assert list(reader.page_labels)[:-1] == list(PdfReader(screen).page_labels)
    assert built.outputs[1].pages == len(reader.pages)
    # padded with truly blank pages: an empty content stream, the other pages' boxes
    first = reader.pages[0]
    for page in reader.pages[screen_pages:]:
        contents = page.get_contents()
        assert contents is None or contents.get_data() == b""
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            assert _box(page[box]) == _box(first[box])
    # crop marks are off by default: the sheet is the bleed box, nothing outside it
    assert _box(first.mediabox) == _box(first.bleedbox) == (-9, -9, 441, 657)
    # text is pure black (#000), not a near-black
    assert _text_colours(printer) <= {(0.0,), (0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0)}
    # the same sources give the same bytes
    again = build(book, tmp_path / "b", ("pdf", "pdf-print"), jobs=1)
    for one, other in zip(built.outputs, again.outputs, strict=True):
        assert one.path.read_bytes() == other.path.read_bytes(), one.path.name
    if shutil.which("qpdf"):
        assert subprocess.run(["qpdf", "--check", str(printer)], check=False).returncode == 0


def test_crop_marks_lie_outside_the_bleed(make_anthology: MakeAnthology, tmp_path: Path) -> None:
    manifest = 'title = "Test Book"\n[print]\nmarks = true\n'
    book = make_anthology({"anthology.toml": manifest})
    built = build(book, tmp_path / "out", ("pdf-print",), jobs=1)
    reader = PdfReader(built.outputs[0].path)
    page = reader.pages[0]
    reach = 9 + MARK_OFFSET + MARK_LENGTH + MARK_MARGIN
    assert _box(page.bleedbox) == (-9, -9, 441, 657)
    assert _box(page.mediabox) == _box([-reach, -reach, 432 + reach, 648 + reach])
    marks = page.get_contents().get_data()  # type: ignore[union-attr]
    # the mark at the trim's bottom left corner begins MARK_OFFSET outside the bleed
    start = -9 - MARK_OFFSET
    assert f"{start:.3f} 0.000 m {start - MARK_LENGTH:.3f} 0.000 l S".encode() in marks
    if shutil.which("qpdf"):
        path = str(built.outputs[0].path)
        assert subprocess.run(["qpdf", "--check", path], check=False).returncode == 0
