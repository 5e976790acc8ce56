"""A picture drawn in several pieces of a book laid out in parallel is embedded once in
the merged PDF, as one pass embeds it (write/pdf_images.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdfium2
from PIL import Image

from octavo.write.pdf_images import share_images


def _page(picture: Path, other: Path, text: str) -> bytes:
    from weasyprint import HTML

    html = (
        f'<p>{text}</p><img src="{picture.as_uri()}" style="width: 2in">'
        f'<img src="{other.as_uri()}" style="width: 1in">'
    )
    data = HTML(string=html).write_pdf()
    assert isinstance(data, bytes)
    return data


def _images(pdf: pikepdf.Pdf) -> int:
    """The image XObjects the saved file holds (soft masks included)."""
    out = io.BytesIO()
    pdf.save(out)
    with pikepdf.open(io.BytesIO(out.getvalue())) as saved:
        return sum(
            1
            for obj in saved.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        )


def test_a_picture_in_two_pieces_is_embedded_once(tmp_path: Path) -> None:
    mark = tmp_path / "mark.png"  # with transparency: an image and its soft mask
    Image.new("RGBA", (40, 30), (200, 30, 30, 128)).save(mark)
    other = tmp_path / "other.png"
    Image.new("RGB", (40, 30), (30, 30, 200)).save(other)
    pieces = [
        pikepdf.open(io.BytesIO(_page(mark, other if n else mark, f"Piece {n}"))) for n in (0, 1)
    ]
    merged = pikepdf.new()
    for piece in pieces:
        merged.pages.extend(piece.pages)
    before = _images(merged)
    drawn = [page.render(scale=1).to_pil().tobytes() for page in _pdfium(merged)]
    share_images(merged)
    assert before == 5  # the mark and its mask in each piece, the other picture
    assert _images(merged) == 3
    assert [page.render(scale=1).to_pil().tobytes() for page in _pdfium(merged)] == drawn


def _pdfium(pdf: pikepdf.Pdf) -> pypdfium2.PdfDocument:
    out = io.BytesIO()
    pdf.save(out)
    return pypdfium2.PdfDocument(out.getvalue())
