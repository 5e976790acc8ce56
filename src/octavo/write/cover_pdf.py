"""Write the printed cover (``octavo build --format cover``): one PDF/X-4 page.

The sheet is laid out by :mod:`octavo.render.cover_wrap` and drawn by WeasyPrint
through the same confined fetcher, time limit and error handling as the interior
(:func:`octavo.write.pdf.render_pdf_pages`). Its size comes from the printer the
manifest names (``[print] printer``, else the generic one), the interior's final page
count, the paper and the binding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..barcode import BarcodeError, isbn_barcode
from ..diagnostics import Report
from ..errors import ContentError
from ..load.markdown import MarkdownContext, make_parser, render_markdown
from ..model import Anthology
from ..printers import Printer, printer_named
from ..render.cover_back import pull_quotes, quotes_html
from ..render.cover_sheet import Lines, Wrap, trim_inches, wrap_for
from ..render.cover_wrap import (
    CoverImage,
    cover_colours,
    image_warnings,
    out_of_gamut,
    render_cover_wrap,
)
from ..render.print_html import PRINTER_VARIANT, PrintDocument
from ..resources import Resolver
from ..themes import Theme
from .pdf import render_pdf_pages, stable_document_id

#: The face of the barcode's digits: OCR-B where it is installed, else a monospace.
BARCODE_FONT = "OCR-B, OCRB, DejaVu Sans Mono, monospace"


@dataclass(frozen=True)
class CoverResult:
    """A printed cover: the PDF, its size and its spine, in inches."""

    data: bytes
    size: tuple[float, float]  #: the whole sheet, bleed (or wrap) included
    spine: float
    spine_text: bool  #: whether the spine carries text (the printer allows it)
    printer: str  #: the printer whose figures sized it


def cover_printer(anthology: Anthology) -> Printer:
    """The printer the manifest names, else the generic one."""
    return printer_named(anthology.print.printer or "generic")


def default_lines(anthology: Anthology) -> Lines:
    return Lines(anthology.title, anthology.subtitle, None, anthology.isbn)


def write_cover(
    anthology: Anthology,
    theme: Theme,
    resolver: Resolver,
    report: Report,
    pages: int,
    lines: Lines | None = None,
) -> CoverResult:
    """The cover of a book whose printer's PDF has ``pages`` pages; warnings go to
    ``report`` (a low-resolution or cropped cover image, colours a press cannot print),
    errors raise."""
    lines = lines or default_lines(anthology)
    printer = cover_printer(anthology)
    paper = anthology.print.paper
    binding = anthology.print.binding
    wrap = wrap_for(
        printer, trim_inches(anthology), pages, paper, binding, anthology.direction == "rtl"
    )
    _check_image(anthology, wrap, report)
    _check_colours(theme, report)
    colours = cover_colours(theme)
    if anthology.back_cover is not None:
        back_html = _back_cover_html(anthology, resolver, report)
    else:
        back_html = quotes_html(anthology, pull_quotes(anthology), colours["accent"])
    barcode = None
    if lines.isbn:
        try:
            barcode = isbn_barcode(
                lines.isbn, anthology.print.price_code, printer.barcode_box, BARCODE_FONT
            )
        except BarcodeError as error:  # a printer's box too small: not one of ours
            report.warning("B411", f"no barcode on the cover: {error}")
    sheet = render_cover_wrap(anthology, theme, printer, wrap, lines, pages, back_html, barcode)
    document = PrintDocument(
        html=sheet.html,
        stylesheets=(),
        page_css="",
        base_url=anthology.root.resolve().as_uri() + "/",
        variant=PRINTER_VARIANT,
        for_printer=True,
        direction=anthology.direction,
    )
    identifier = f"{anthology.identifier}#cover"
    rendered, data, warnings, _ = render_pdf_pages(document, resolver, identifier)
    assert len(rendered.pages) == 1, "the cover sheet is one page"
    for warning in warnings:
        report.warning("B401", f"WeasyPrint (the cover): {warning}")
    if (overflow := _back_overflow(rendered)) > 0.01:
        report.warning(
            "B415",
            f"the back cover's text is {overflow:.2f} in too long for the space above the"
            " barcode: it runs toward the trim and the barcode",
            anthology.root / "anthology.toml",
            hint="shorten back_cover (or, with pull quotes, the reviews' pullquote)",
        )
    return CoverResult(
        stable_document_id(data, identifier),
        (wrap.width, wrap.height),
        wrap.spine,
        sheet.spine_text,
        printer.name,
    )


def _back_overflow(rendered: Any) -> float:
    """How far (inches) the back's text is taller than its space, as laid out."""

    def walk(box: Any) -> Any:
        # WeasyPrint's laid-out boxes (not public API): an absolutely positioned box
        # hides behind a placeholder
        yield box
        for child in [*([box._box] if hasattr(box, "_box") else []), *getattr(box, "children", ())]:
            yield from walk(child)

    for page in rendered.pages:
        for box in walk(page._page_box):
            element = getattr(box, "element", None)
            if element is None or element.get("class") != "back-text" or not box.children:
                continue
            # the text's blocks (a flex item shrinks to its container: its content
            # overflows it), against the space the container has
            blocks = [b for b in walk(box.children[0]) if hasattr(b, "margin_height")]
            top = min(b.position_y for b in blocks)
            bottom = max(b.position_y + b.margin_height() for b in blocks)
            space_top = box.content_box_y()
            over = max(0, space_top - top) + max(0, bottom - (space_top + box.height))
            return float(over) / 96
    return 0.0


def _check_image(anthology: Anthology, wrap: Wrap, report: Report) -> None:
    image = anthology.cover
    if image is None or not image.width or not image.height:
        return
    low, cropped = image_warnings(CoverImage(image.path, image.width, image.height), wrap)
    if low:
        report.warning(
            "B407",
            low,
            image.path,
            hint="use a larger image for the printed cover (the e-book's cover may stay as it is)",
        )
    if cropped:
        report.warning(
            "B412",
            cropped,
            image.path,
            hint="make the image the shape of the front cover with its bleed, or accept the crop",
        )


def _check_colours(theme: Theme, report: Report) -> None:
    """The theme's cover colours fill the spine and the back (and the front, without an
    image): warn of one a press cannot print."""
    for name, colour in cover_colours(theme).items():
        if out_of_gamut(colour):
            report.warning(
                "B413",
                f"the theme's cover colour {name} = {colour} is too vivid for a printing"
                " press (CMYK): it will print duller than on screen",
                hint="choose a less saturated colour in the theme's [cover] table",
            )


def _back_cover_html(anthology: Anthology, resolver: Resolver, report: Report) -> str:
    """The manifest's ``back_cover`` Markdown as HTML; errors in it stop the build."""
    manifest = anthology.root / "anthology.toml"
    context = MarkdownContext(make_parser(anthology.language), resolver, report)
    body = render_markdown(anthology.back_cover or "", "back-cover", manifest, 1, context)
    if report.has_errors():
        raise ContentError(report)
    if body.images:
        report.warning(
            "B414",
            "back_cover: pictures are left out of the back cover",
            manifest,
            hint="the back cover prints text; put the picture in the cover design instead",
        )
    return _IMAGE.sub("", body.html)


_IMAGE = re.compile(r"<img\b[^>]*>")
