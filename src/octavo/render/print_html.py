"""Render the whole book as one HTML document for WeasyPrint."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..model import Anthology, Image
from ..themes import Theme
from . import body_html, render_template


@dataclass(frozen=True)
class PrintDocument:
    """What the PDF writer needs: the HTML, its stylesheets, and where they live."""

    html: str
    stylesheets: tuple[Path, ...]
    page_css: str  #: the page size and bleed from the manifest
    base_url: str  #: relative URLs in the HTML resolve against the anthology


def page_css(anthology: Anthology) -> str:
    """The @page size and bleed the manifest asks for (themes set everything else)."""
    options = anthology.print
    size = f"{options.size.width} {options.size.height}"
    if not options.marks:
        return f"@page {{ size: {size}; }}\n"
    return f"@page {{ size: {size}; bleed: {options.bleed}; marks: crop; }}\n"


def render_print(anthology: Anthology, theme: Theme) -> PrintDocument:
    """The book as one HTML document, for WeasyPrint."""

    def url_for(image: Image) -> str:
        return image.path.as_uri()

    html = render_template(
        theme.environment(),
        "book.html.jinja",
        book=anthology,
        toc=anthology.toc,
        body=lambda body, parent=2: body_html(body, url_for, parent),
        image_url=url_for,
        generator=f"Octavo {__version__}",
    )
    return PrintDocument(
        html=html,
        stylesheets=tuple(theme.stylesheets("print.css")),
        page_css=page_css(anthology),
        base_url=anthology.root.resolve().as_uri() + "/",
    )
