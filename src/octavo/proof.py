"""The proof sheet: every page of the print edition on one PNG, as the book opens.

``octavo proof`` lays out the PDF exactly as ``octavo build`` does (in memory, with
the same checks and the same errors), draws each page small with PDFium, and sets
the thumbnails on a grey ground as spreads: page 1 alone on the right, since a
book's first page is a recto, then 2-3, 4-5... with the even page on the left. Under
each page is its number, counted from the PDF's first page (the PDF page index + 1,
not the folio printed on the page). An editor sees the book's rhythm at
a glance: where the parts open, where blank pages fall, how long each review runs.

Like a build, it writes nothing unless everything succeeded, then writes the PNG
atomically, holding the output folder against a build writing into it at once.

PDFium (through pypdfium2) rasterises the PDF in memory from its bytes: no
temporary file, no subprocess, no system package. Pages are drawn at twice the
thumbnail size and reduced, which keeps lines of text as an even grey texture.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from .api import check_output_folder, load_anthology
from .diagnostics import Report
from .errors import BuildError, UsageError
from .loaded import Progress, no_progress
from .pdf_edition import make_pdf
from .write.atomic import output_lock, write_all

#: The default height of a page thumbnail, in pixels.
THUMBNAIL_HEIGHT = 120
#: The smallest and largest thumbnail heights: below, pages are specks; above, a long
#: book makes an image of hundreds of megapixels.
MIN_HEIGHT = 24
MAX_HEIGHT = 400
#: Spreads in one row of the sheet.
SPREADS_PER_ROW = 10
#: Pages are drawn this many times larger, then reduced: smoother than drawing small.
SUPERSAMPLE = 2

BACKGROUND = (112, 112, 110)
EDGE = (78, 78, 76)
LABEL = (232, 232, 228)

#: A spread: the indexes (from 0) of its left and right pages; None where there is none.
Spread = tuple[int | None, int | None]


@dataclass(frozen=True)
class Proof:
    """What ``proof`` wrote, and what the build warned about on the way."""

    path: Path
    pages: int
    width: int  #: of the PNG, in pixels
    height: int
    report: Report


def proof(
    folder: Path,
    out: Path,
    *,
    height: int = THUMBNAIL_HEIGHT,
    progress: Progress = no_progress,
) -> Proof:
    """Write the proof sheet of the anthology in ``folder`` to ``out/<slug>-proof.png``."""
    if not MIN_HEIGHT <= height <= MAX_HEIGHT:
        raise UsageError(
            f"a thumbnail height of {height} px is out of range",
            hint=f"choose a height from {MIN_HEIGHT} to {MAX_HEIGHT} px",
        )
    progress("Loading and checking the anthology")
    loaded = load_anthology(folder)
    check_output_folder(out, loaded)
    pdf = make_pdf(loaded, progress).data
    progress("Drawing the proof sheet")
    pages = rasterise(pdf, height)
    sheet = compose(pages)
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG", optimize=True)
    path = out / f"{loaded.anthology.slug}-proof.png"
    progress("Writing files")
    with output_lock(out):
        write_all([(path, buffer.getvalue())])
    return Proof(path, len(pages), sheet.width, sheet.height, loaded.report)


def rasterise(pdf: bytes, height: int) -> list[Image.Image]:
    """Every page of ``pdf`` as an RGB image ``height`` pixels tall.

    All thumbnails take the size of the first page's; a page of another shape is
    fitted inside it. Only the trimmed page is shown, without bleed or crop marks.
    """
    try:
        import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no py.typed
    except ImportError as error:
        raise BuildError(
            "drawing the proof sheet needs pypdfium2, which is not installed",
            hint="install Octavo again with its dependencies: pip install -e .",
        ) from error
    images: list[Image.Image] = []
    with pdfium.PdfDocument(pdf) as document:
        size: tuple[int, int] | None = None
        for index in range(len(document)):
            page = document[index]
            try:
                left, bottom, right, top = page.get_cropbox()
                trim_left, trim_bottom, trim_right, trim_top = page.get_trimbox()
                crop = (
                    max(0.0, trim_left - left),
                    max(0.0, trim_bottom - bottom),
                    max(0.0, right - trim_right),
                    max(0.0, top - trim_top),
                )
                trimmed = (right - left - crop[0] - crop[2], top - bottom - crop[1] - crop[3])
                if size is None:
                    size = (max(1, round(height * trimmed[0] / trimmed[1])), height)
                scale = SUPERSAMPLE * min(size[0] / trimmed[0], size[1] / trimmed[1])
                bitmap = page.render(scale=scale, crop=crop, may_draw_forms=False)
                drawn: Image.Image = bitmap.to_pil()
            finally:
                page.close()
            thumbnail = ImageOps.pad(
                drawn.convert("RGB"), size, method=Image.Resampling.LANCZOS, color=BACKGROUND
            )
            images.append(thumbnail)
    return images


def spreads(count: int) -> list[Spread]:
    """The spreads of a book of ``count`` pages: page 1 alone on the right, then pairs."""
    if count == 0:
        return []
    pairs: list[Spread] = [(None, 0)]
    for left in range(1, count, 2):
        pairs.append((left, left + 1 if left + 1 < count else None))
    return pairs


@dataclass(frozen=True)
class _Layout:
    """Where things go on the sheet, all in pixels, scaled from the thumbnail size."""

    page: tuple[int, int]
    per_row: int

    @property
    def unit(self) -> float:
        return self.page[1] / THUMBNAIL_HEIGHT

    def scaled(self, pixels: float, least: int = 1) -> int:
        return max(least, round(pixels * self.unit))

    @property
    def margin(self) -> int:
        return self.scaled(36, 8)

    @property
    def gap(self) -> int:
        """Between two spreads in a row."""
        return self.scaled(26, 6)

    @property
    def font_size(self) -> int:
        return self.scaled(11, 8)

    @property
    def label_top(self) -> int:
        """From the bottom edge of the pages to the top of their numbers."""
        return self.scaled(6, 2)

    @property
    def row_step(self) -> int:
        """From the top of one row of spreads to the top of the next."""
        return self.spread_size[1] + self.label_top + self.font_size + self.scaled(22, 6)

    @property
    def spread_size(self) -> tuple[int, int]:
        # each page has a one-pixel edge around it; the two pages share the spine's
        width, height = self.page
        return 2 * width + 3, height + 2

    def origin(self, number: int) -> tuple[int, int]:
        """The top left corner of spread ``number`` (from 0), its outer edge included."""
        row, column = divmod(number, self.per_row)
        return (
            self.margin + column * (self.spread_size[0] + self.gap),
            self.margin + row * self.row_step,
        )

    def sheet_size(self, spreads: int) -> tuple[int, int]:
        rows = -(-spreads // self.per_row)
        columns = min(spreads, self.per_row)
        last_row = self.spread_size[1] + self.label_top + self.font_size
        return (
            2 * self.margin + columns * self.spread_size[0] + (columns - 1) * self.gap,
            2 * self.margin + (rows - 1) * self.row_step + last_row,
        )


def compose(pages: list[Image.Image], per_row: int = SPREADS_PER_ROW) -> Image.Image:
    """Set the page thumbnails (all of one size) out as spreads on a grey sheet."""
    if not pages:
        raise BuildError("the PDF has no pages, so there is nothing to proof")
    layout = _Layout(pages[0].size, per_row)
    book = spreads(len(pages))
    sheet = Image.new("RGB", layout.sheet_size(len(book)), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=layout.font_size)
    width, height = layout.page
    for number, (left, right) in enumerate(book):
        x, y = layout.origin(number)
        for side, index in ((0, left), (1, right)):
            if index is None:
                continue
            frame = x + side * (width + 1)
            draw.rectangle((frame, y, frame + width + 1, y + height + 1), outline=EDGE)
            sheet.paste(pages[index], (frame + 1, y + 1))
            draw.text(
                (frame + 1 + width // 2, y + height + 2 + layout.label_top),
                str(index + 1),
                fill=LABEL,
                font=font,
                anchor="mt",
            )
    return sheet
