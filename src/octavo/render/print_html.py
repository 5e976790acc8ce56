"""Render the whole book as one HTML document for WeasyPrint."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .. import __version__
from ..model import Anthology, Body, Image
from ..printers import printer_named
from ..themes import TableMeasure, Theme
from . import body_html, build_time, print_bodies, render_template
from .credits import credit_lines
from .direction import review_titles
from .print_bodies import PrintBodies
from .print_notes import print_fragment
from .pullquotes import place_pullquote


@dataclass(frozen=True)
class PrintDocument:
    """What the PDF writer needs: the HTML, its stylesheets, and where they live."""

    html: str
    stylesheets: tuple[Path, ...]
    page_css: str  #: the page size and bleed from the manifest
    base_url: str  #: relative URLs in the HTML resolve against the anthology
    #: a WeasyPrint pdf_variant ("pdf/x-4", "pdf/ua-1"...), or None for a plain PDF
    variant: str | None = None
    #: the printer's PDF: an even page count, and crop marks when ``crop_marks``
    for_printer: bool = False
    #: crop marks drawn outside the bleed of the printer's PDF (``[print] marks``)
    crop_marks: bool = False
    #: "rtl" for a book in a right-to-left language: its spreads read right to left
    direction: str = "ltr"
    #: the printer's PDF keeps its bleed at the spine (False for a printer that wants
    #: bleed on the top, bottom and outside edges only: octavo.printers)
    spine_bleed: bool = True


#: The PDF a printer gets: PDF/X-4, with bleed (and crop marks when asked for).
PRINTER_VARIANT = "pdf/x-4"


def page_css(anthology: Anthology, theme: Theme, for_printer: bool = False) -> str:
    """The @page size and bleed: the manifest's trim, unless the theme fixes its page.

    The printer's PDF always has bleed; its crop marks (``[print] marks``) are drawn
    after WeasyPrint, outside the bleed (see :func:`octavo.write.pdf.finish_pdf`):
    WeasyPrint's own lie inside it. The screen PDF with ``marks`` keeps WeasyPrint's.
    """
    options = anthology.print
    size = page_size(anthology, theme)
    if for_printer:
        return f"@page {{ size: {size}; bleed: {options.bleed}; }}\n"
    if not options.marks:
        return f"@page {{ size: {size}; }}\n"
    return f"@page {{ size: {size}; bleed: {options.bleed}; marks: crop; }}\n"


def print_stylesheets(anthology: Anthology, theme: Theme) -> tuple[Path, ...]:
    """The theme's ``print.css`` files, then its ``print-rtl.css`` for a right-to-left
    book, then its ``print-<printer>.css`` for the printer the manifest names (where a
    printer's rules need the theme's page to change: IngramSpark's 0.5 in margins)."""
    sheets = theme.stylesheets("print.css")
    if anthology.direction == "rtl":
        sheets += theme.stylesheets("print-rtl.css")
    if anthology.print.printer is not None:
        sheets += theme.stylesheets(f"print-{anthology.print.printer}.css")
    return tuple(sheets)


def page_size(anthology: Anthology, theme: Theme) -> str:
    """The page's size as CSS gives it: the theme's fixed page, or the manifest's trim."""
    return theme.page_size or f"{anthology.print.size.width} {anthology.print.size.height}"


OPENING_WORDS = 4


def opening(html: Markup) -> Markup:
    """Mark the first words of a review, for themes that set them in small capitals.

    A span, not ``::first-line``: WeasyPrint 70 applies a first-line style again at the
    top of every page the first paragraph runs onto.
    """
    match = re.match(r"(\s*<p>)([^<]+)", str(html))
    if not match:
        return html
    # the first words, and everything after them as it was (spaces included)
    words = re.match(rf"\s*((?:\S+\s+){{0,{OPENING_WORDS - 1}}}\S+)(.*)", match.group(2), re.S)
    if not words:
        return html
    first, rest = words.group(1), words.group(2)
    marked = f'{match.group(1)}<span class="opening">{first}</span>{rest}'
    return Markup(marked + str(html)[match.end() :])


def render_print(
    anthology: Anthology,
    theme: Theme,
    for_printer: bool = False,
    folios: Mapping[str, str] | None = None,
    balance: Mapping[str, str] | None = None,
) -> PrintDocument:
    """The book as one HTML document, for WeasyPrint.

    ``for_printer`` asks for the printer's PDF: bleed, PDF/X-4, an even page count and
    crop marks when the manifest asks for them;
    otherwise the PDF is the screen edition, in the manifest's ``pdf_variant``.
    ``folios`` (element id → printed page number) are for a book rendered in parts:
    the contents and indexes then print them instead of counting pages.
    ``balance`` (review id → class) sets reviews a touch tighter or looser, so that
    their last pages are not short (see :mod:`octavo.write.balance`).
    """

    def prepared(
        text: Body | None,
        parent: int = 2,
        pullquote: str = "",
        direction: str = anthology.direction,
    ) -> Markup:
        if text is None:
            return body_html(text, _file_url, parent, direction)
        images = tuple(text.images.items())
        body = (text.html, images, parent, str(pullquote), direction, theme.table_measure)
        store = print_bodies.current()
        return _body(*body) if store is None or images else _kept_body(store, body)

    html = render_template(
        theme.environment(),
        "book.html.jinja",
        book=anthology,
        toc=anthology.toc,
        body=prepared,
        image_url=_file_url,
        opening=opening,
        edition="print",
        titles=review_titles(anthology),
        credits=credit_lines(anthology),
        fonts=theme.fonts_for(anthology.language),
        generator=f"Octavo {__version__}",
        modified=build_time(),
        folios=folios if folios is not None else {},
        balance=balance if balance is not None else {},
    )
    return PrintDocument(
        html=html,
        stylesheets=print_stylesheets(anthology, theme),
        page_css=page_css(anthology, theme, for_printer),
        base_url=anthology.root.resolve().as_uri() + "/",
        variant=PRINTER_VARIANT if for_printer else anthology.print.pdf_variant,
        for_printer=for_printer,
        crop_marks=for_printer and anthology.print.marks,
        direction=anthology.direction,
        spine_bleed=_spine_bleed(anthology),
    )


def _file_url(image: Image) -> str:
    return image.path.as_uri()


@functools.lru_cache(maxsize=4096)
def _body(
    html: str,
    images: tuple[tuple[str, Image], ...],
    parent: int,
    pullquote: str,
    direction: str,
    measure: TableMeasure | None,
) -> Markup:
    """A review's body prepared for the print HTML. A build may render the book more
    than once (to balance it, and with the page numbers of its contents and indexes),
    and a review's body is the same each time: it is prepared once a process."""
    fragment = body_html(Body(html, 0, dict(images)), _file_url, parent, direction)
    return print_fragment(place_pullquote(fragment, pullquote), measure)


def _kept_body(store: PrintBodies, body: tuple[Any, ...]) -> Markup:
    """A review's body (:func:`_body`'s arguments, without pictures) as the build under
    way keeps it from an earlier build's (:mod:`.print_bodies`), or prepared and kept."""
    html, _, parent, pullquote, direction, measure = body
    key = store.key(html, parent, pullquote, direction, measure)
    kept = store.get(key)
    if kept is not None:
        return Markup(kept)
    prepared = _body(*body)
    store.put(key, str(prepared))
    return prepared


def _spine_bleed(anthology: Anthology) -> bool:
    printer = anthology.print.printer
    return printer is None or printer_named(printer).spine_bleed
