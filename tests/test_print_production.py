"""The printer's PDF (PDF/X-4, bleed, crop marks) and the screen PDF's standards."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from octavo.api import build

from .conftest import MakeAnthology, require

pytestmark = pytest.mark.slow


def _box(box: object) -> tuple[float, ...]:
    return tuple(round(float(value), 2) for value in box)  # type: ignore[attr-defined]


def test_the_printers_pdf(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    book = make_anthology()
    built = build(book, tmp_path / "a", ("pdf", "pdf-print"))
    assert [o.path.name for o in built.outputs] == ["test-book.pdf", "test-book-print.pdf"]
    printer = PdfReader(tmp_path / "a" / "test-book-print.pdf")
    page = printer.pages[0]
    # the trim is the book's page (6 x 9 in); the bleed (1/8 in, 9 pt) lies around it
    assert _box(page.trimbox) == (0, 0, 432, 648)
    assert _box(page.bleedbox) == (-9, -9, 441, 657)
    assert _box(page.mediabox) == (-9, -9, 441, 657)
    (intent,) = printer.trailer["/Root"]["/OutputIntents"]
    assert intent["/S"] == "/GTS_PDFX"
    assert b"pdfxid:GTS_PDFXVersion" in printer.trailer["/Root"]["/Metadata"].get_data()
    assert "PDF/X-4" in printer.trailer["/Root"]["/Metadata"].get_data().decode()
    # the screen PDF has neither bleed nor marks
    screen = PdfReader(tmp_path / "a" / "test-book.pdf")
    assert _box(screen.pages[0].mediabox) == (0, 0, 432, 648)
    assert "/OutputIntents" not in screen.trailer["/Root"]
    # reproducible: the same sources and SOURCE_DATE_EPOCH give the same bytes
    again = build(book, tmp_path / "b", ("pdf-print",))
    assert (
        again.outputs[0].path.read_bytes() == (tmp_path / "a" / "test-book-print.pdf").read_bytes()
    )
    if shutil.which("qpdf"):
        result = subprocess.run(["qpdf", "--check", str(again.outputs[0].path)], check=False)
        assert result.returncode == 0
    else:
        require("qpdf", "it checks the PDF's structure")


def test_marks_in_the_manifest_give_the_screen_pdf_bleed(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    manifest = 'title = "Test Book"\n[print]\ntrim = "a5"\nmarks = true\nbleed = "3mm"\n'
    book = make_anthology({"anthology.toml": manifest})
    built = build(book, tmp_path / "out", ("pdf",))
    page = PdfReader(built.outputs[0].path).pages[0]
    bleed = 3 / 25.4 * 72
    assert _box(page.trimbox) == _box([0, 0, 148 / 25.4 * 72, 210 / 25.4 * 72])
    assert _box(page.mediabox)[0] == round(-bleed, 2)


@pytest.mark.parametrize("variant", ["pdf/ua-1", "pdf/a-3b"])
def test_the_screen_pdf_can_claim_a_standard(
    make_anthology: MakeAnthology, tmp_path: Path, variant: str
) -> None:
    manifest = f'title = "Test Book"\nlanguage = "en"\n[print]\npdf_variant = "{variant}"\n'
    book = make_anthology({"anthology.toml": manifest})
    built = build(book, tmp_path / "out", ("pdf",))
    reader = PdfReader(built.outputs[0].path)
    root = reader.trailer["/Root"]
    metadata = root["/Metadata"].get_data().decode()
    if variant == "pdf/ua-1":
        assert "/StructTreeRoot" in root
        assert bool(root["/MarkInfo"]["/Marked"])
        assert "pdfuaid:part>1<" in metadata.replace(" ", "") or 'pdfuaid:part="1"' in metadata
    else:
        assert "pdfaid:part>3<" in metadata.replace(" ", "") or 'pdfaid:part="3"' in metadata
    assert built.report.diagnostics == []


def test_the_screen_pdf_is_tagged_without_claiming_a_standard(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    """Tags by default: a picture without alt text, which a PDF/UA claim refuses, is the
    build's warning (R208) and a Figure without /Alt, not a failed build."""
    import pikepdf

    from tests.pdf_tags import elements, structure_faults
    from tests.test_ereader_edition import PNG

    review = "---\ntitle: Alpha\nreviewer: Ann Critic\n---\n\nA still:\n\n![](dot.png)\n"
    book = make_anthology({"reviews/alpha.md": review, "reviews/dot.png": PNG})
    built = build(book, tmp_path / "out", ("pdf",))
    assert "R208" in [d.code for d in built.report.warnings]
    assert not built.report.errors
    with pikepdf.open(built.outputs[0].path) as pdf:
        assert structure_faults(pdf) == []
        figures = [element for _, element in elements(pdf) if element.get("/S") == "/Figure"]
        assert len([figure for figure in figures if "/Alt" not in figure]) == 1
        assert "/Metadata" not in pdf.Root  # no PDF/UA claim
    if shutil.which("qpdf"):
        assert subprocess.run(["qpdf", "--check", str(built.outputs[0].path)]).returncode == 0
    else:
        require("qpdf", "it checks the PDF's structure")


def test_a_book_weasyprint_cannot_tag_is_made_untagged(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint's tagging asserts what it expects of the laid-out boxes: when it fails,
    the book is written without tags and the build says so (B401)."""
    import weasyprint.pdf

    def failing(*args: object) -> None:
        raise AssertionError

    monkeypatch.setattr(weasyprint.pdf, "add_tags", failing)
    built = build(make_anthology(), tmp_path / "out", ("pdf",))
    (warning,) = [d for d in built.report.warnings if d.code == "B401"]
    assert "could not be tagged" in warning.message
    root = PdfReader(built.outputs[0].path).trailer["/Root"]
    assert "/StructTreeRoot" not in root
    assert "/MarkInfo" not in root
