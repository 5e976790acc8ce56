"""A book that claims a standard (PDF/UA, PDF/A) is laid out in parts, like any other,
and merged into what one pass makes of it: the same pages, text and pixels, the same
catalogue, metadata, document information and PDF version, the same tags (PDF 2.0's
namespace too), and fonts and colour profiles embedded once. A PDF/A-1 (PDF 1.4) is
written, either way, without the cross-reference stream PDF/A-1 forbids."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest

import octavo.render.print_split as print_split
from octavo.api import load_anthology, make_pdf
from octavo.write.font_dictionaries import read_widths
from octavo.write.pdf import PdfResult
from tests.conftest import require
from tests.pdf_tags import elements, structure_faults
from tests.test_parallel_cache import small_book

pytestmark = pytest.mark.slow


def _book(root: Path, variant: str) -> Path:
    """Three parts of two reviews (parts open on a recto: blank pages between), links
    and notes, and a claim."""

    def text(tag: str, number: int) -> str:
        return (
            f"Review {number} of part {tag}, [on the web](https://example.org/{tag}/{number})."
            f"[^1] {'The film begins at dawn, and the town wakes. ' * (30 + 25 * number)}"
            f"\n\n[^1]: A note of review {number}.\n"
        )

    return small_book(root, text, 'language = "en"\n', f'pdf_variant = "{variant}"\n')


def _both(tmp_path: Path, variant: str) -> tuple[PdfResult, PdfResult]:
    patch = pytest.MonkeyPatch()
    patch.setattr(print_split, "CHUNK_REVIEWS", 2)
    patch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    try:
        book = _book(tmp_path / "book", variant)
        single = make_pdf(load_anthology(book), jobs=1)
        steps: list[str] = []
        parallel = make_pdf(load_anthology(book), steps.append, jobs=2)
    finally:
        patch.undo()
    assert "Merging the PDF" in steps, steps
    return single, parallel


def _described(data: bytes) -> dict[str, Any]:
    """What a claim rests on, read from the file."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        fonts = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font"
        ]
        profiles = {
            space[1].objgen
            for page in pdf.pages
            for space in page.obj.get("/Resources", {}).get("/ColorSpace", {}).values()
            if isinstance(space, pikepdf.Array) and space[0] == pikepdf.Name.ICCBased
        }
        return {
            "version": data[:8],
            "cross-reference stream": b"/XRef" in data,
            "object streams": b"/ObjStm" in data,
            "catalogue": sorted(str(key) for key in root),
            "metadata": root.Metadata.read_bytes() if "/Metadata" in root else None,
            "information": {str(key): str(value) for key, value in pdf.docinfo.items()},
            "language": str(root.get("/Lang")),
            "preferences": repr(root.get("/ViewerPreferences")),
            "output intents": len(root.get("/OutputIntents", [])),
            "tree keys": sorted(str(key) for key in root.StructTreeRoot)
            if "/StructTreeRoot" in root
            else None,
            "tab order": [str(page.obj.get("/Tabs")) for page in pdf.pages],
            "fonts": len(fonts),
            "profiles": len(profiles),
        }


def _page_texts(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _same_pixels(single: bytes, parallel: bytes) -> None:
    import pypdfium2

    one, parts = pypdfium2.PdfDocument(single), pypdfium2.PdfDocument(parallel)
    assert len(one) == len(parts)
    for number in range(len(one)):
        a = one[number].render(scale=40 / 72).to_pil()
        b = parts[number].render(scale=40 / 72).to_pil()
        assert a.tobytes() == b.tobytes(), f"page {number + 1} differs"


def _tree(data: bytes) -> list[tuple[int, str, int | None]]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert structure_faults(pdf) == []
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        return [
            (
                depth,
                str(element.get("/S")),
                pages.get(element.Pg.objgen) if "/Pg" in element else None,
            )
            for depth, element in elements(pdf)
        ]


def _checked(data: bytes, tmp_path: Path, name: str) -> None:
    require("qpdf", "it checks the PDF's structure")
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_pdf_ua_2_book_in_parts_is_the_one_pass_book(tmp_path: Path) -> None:
    """PDF/UA-2 is tagged PDF 2.0: the merged tree keeps the structure namespace on its
    root and its Document, every page (the blank ones the merge inserts too) keeps the
    tab order PDF/UA asks of a page with links, and the folios and running heads
    stamped on the pieces are artifacts that mark nothing twice."""
    single, parallel = _both(tmp_path, "pdf/ua-2")
    one, parts = _described(single.data), _described(parallel.data)
    assert parts == one
    assert one["version"] == b"%PDF-2.0"
    assert "/StructTreeRoot" in one["catalogue"]
    assert "/Namespaces" in one["tree keys"]
    assert set(one["tab order"]) == {"/S"}
    assert (
        b"pdfuaid:part>2<" in re.sub(rb"\s", b"", one["metadata"])
        or b'pdfuaid:part="2"' in one["metadata"]
    )
    assert _tree(parallel.data) == _tree(single.data)
    with pikepdf.open(io.BytesIO(parallel.data)) as pdf:
        namespace = pdf.Root.StructTreeRoot.Namespaces[0]
        document = pdf.Root.StructTreeRoot.K[0]
        assert str(namespace.NS) == "http://iso.org/pdf2/ssn"
        assert document.NS.objgen == namespace.objgen
    assert _page_texts(parallel.data) == _page_texts(single.data)
    _same_pixels(single.data, parallel.data)
    for data, name in ((single.data, "single"), (parallel.data, "parallel")):
        _checked(data, tmp_path, name)
    assert abs(len(parallel.data) - len(single.data)) <= 0.05 * len(single.data)


def test_a_pdf_a_1b_book_in_parts_is_the_one_pass_book(tmp_path: Path) -> None:
    """PDF/A-1 is PDF 1.4: no object streams, a cross-reference table, and a /CIDSet
    in each font's descriptor. The pieces' subsets of a font are still merged into
    one, its /CIDSet naming every CID the book draws, and the pieces' copies of the
    output intent's sRGB profile become the output intent's one."""
    single, parallel = _both(tmp_path, "pdf/a-1b")
    one, parts = _described(single.data), _described(parallel.data)
    assert parts == one
    assert one["version"] == b"%PDF-1.4"
    assert not one["cross-reference stream"]
    assert not one["object streams"]
    assert one["output intents"] == 1
    assert one["profiles"] == 1
    with pikepdf.open(io.BytesIO(parallel.data)) as pdf:
        intent = pdf.Root.OutputIntents[0].DestOutputProfile
        for page in pdf.pages:
            spaces = page.obj.Resources.get("/ColorSpace", {})
            for space in spaces.values():
                if isinstance(space, pikepdf.Array) and space[0] == pikepdf.Name.ICCBased:
                    assert space[1].objgen == intent.objgen
        for font in (o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)):
            if font.get("/Subtype") != "/CIDFontType2":
                continue
            drawn = set(read_widths(font.W) or {})
            bits = font.FontDescriptor.CIDSet.read_bytes()
            marked = {i for i in range(len(bits) * 8) if bits[i // 8] & (0x80 >> i % 8)}
            assert marked == drawn, str(font.BaseFont)
    assert _page_texts(parallel.data) == _page_texts(single.data)
    _same_pixels(single.data, parallel.data)
    for data, name in ((single.data, "single"), (parallel.data, "parallel")):
        _checked(data, tmp_path, name)
    assert abs(len(parallel.data) - len(single.data)) <= 0.05 * len(single.data)
