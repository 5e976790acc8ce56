"""Render the whole book as one HTML document for WeasyPrint."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup

from .. import __version__
from ..model import Anthology, Image
from ..themes import Theme
from . import body_html, build_time, render_template


@dataclass(frozen=True)
class PrintDocument:
    """What the PDF writer needs: the HTML, its stylesheets, and where they live."""

    html: str
    stylesheets: tuple[Path, ...]
    page_css: str  #: the page size and bleed from the manifest
    base_url: str  #: relative URLs in the HTML resolve against the anthology
    #: a WeasyPrint pdf_variant ("pdf/x-4", "pdf/ua-1"...), or None for a plain PDF
    variant: str | None = None


#: The PDF a printer gets: PDF/X-4, with bleed and crop marks.
PRINTER_VARIANT = "pdf/x-4"


def page_css(anthology: Anthology, theme: Theme, for_printer: bool = False) -> str:
    """The @page size and bleed: the manifest's trim, unless the theme fixes its page."""
    options = anthology.print
    size = theme.page_size or f"{options.size.width} {options.size.height}"
    if not (options.marks or for_printer):
        return f"@page {{ size: {size}; }}\n"
    return f"@page {{ size: {size}; bleed: {options.bleed}; marks: crop; }}\n"


def footnotes_in_place(html: Markup) -> Markup:
    """Move each footnote's text to where it is called, for ``float: footnote``.

    The EPUB keeps notes at the end of a review, as links; a printed page sets them at
    its foot, which WeasyPrint does for an element floated there from the point of
    the call. Numbers stay the same: both count the notes in order, per review.
    """
    if "footnote-ref" not in html:
        return html
    wrapper = lxml_html.fragment_fromstring(str(html), create_parent="div")
    notes: dict[str, etree._Element] = {}
    for item in wrapper.iterfind(".//li[@class='footnote-item']"):
        for back in item.iterfind(".//a[@class='footnote-backref']"):
            back.drop_tree()
        notes["#" + item.get("id", "")] = item
    for call in wrapper.iterfind(".//sup[@class='footnote-ref']"):
        link = call.find("a")
        item = notes.pop(link.get("href", ""), None) if link is not None else None
        if item is None:  # a second call of a note already placed: its number, no link
            if link is not None:
                call.text, call[:] = link.text_content(), []
            continue
        note = etree.Element("span", {"class": "footnote"})
        paragraphs = item.findall("p") or [item]
        for number, paragraph in enumerate(paragraphs):
            if number:
                etree.SubElement(note, "br")
            if paragraph.text:
                _append_text(note, paragraph.text)
            note.extend(list(paragraph))
        note.tail = call.tail
        call.getparent().replace(call, note)
    for element in wrapper.xpath(".//hr[@class='footnotes-sep'] | .//section[@class='footnotes']"):
        element.drop_tree()
    parts = [wrapper.text or ""]
    parts += [etree.tostring(child, encoding="unicode", method="xml") for child in wrapper]
    return Markup("".join(parts))


OPENING_WORDS = 4


def opening(html: Markup) -> Markup:
    """Mark the first words of a review, for themes that set them in small capitals.

    A span, not ``::first-line``: WeasyPrint 70 applies a first-line style again at the
    top of every page the first paragraph runs onto.
    """
    match = re.match(r"(\s*<p>)([^<]+)", str(html))
    if not match:
        return html
    words = match.group(2).split(" ")
    first, rest = " ".join(words[:OPENING_WORDS]), " ".join(words[OPENING_WORDS:])
    marked = f'{match.group(1)}<span class="opening">{first}</span>{" " if rest else ""}{rest}'
    return Markup(marked + str(html)[match.end() :])


def _append_text(element: etree._Element, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def render_print(
    anthology: Anthology,
    theme: Theme,
    for_printer: bool = False,
    folios: dict[str, str] | None = None,
) -> PrintDocument:
    """The book as one HTML document, for WeasyPrint.

    ``for_printer`` asks for the printer's PDF: bleed, crop marks and PDF/X-4;
    otherwise the PDF is the screen edition, in the manifest's ``pdf_variant``.
    ``folios`` (element id → printed page number) are for a book rendered in parts:
    the contents and indexes then print them instead of counting pages.
    """

    def url_for(image: Image) -> str:
        return image.path.as_uri()

    html = render_template(
        theme.environment(),
        "book.html.jinja",
        book=anthology,
        toc=anthology.toc,
        body=lambda body, parent=2: footnotes_in_place(body_html(body, url_for, parent)),
        image_url=url_for,
        opening=opening,
        edition="print",
        titles={review.id: review.toc_title for review in anthology.reviews},
        fonts=theme.fonts,
        generator=f"Octavo {__version__}",
        modified=build_time(),
        folios=folios or {},
    )
    return PrintDocument(
        html=html,
        stylesheets=tuple(theme.stylesheets("print.css")),
        page_css=page_css(anthology, theme, for_printer),
        base_url=anthology.root.resolve().as_uri() + "/",
        variant=PRINTER_VARIANT if for_printer else anthology.print.pdf_variant,
    )
