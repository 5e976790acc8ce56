"""Body fragments made ready for e-readers: pop-up notes, languages and direction.

The loaders render each Markdown body once, for both editions. For the EPUB:

- note calls become ``epub:type="noteref"`` links and each note an ``<aside
  epub:type="footnote">``, which Apple Books, Kobo and Kindle show as a pop-up, with
  a link back to the call;
- every ``lang`` gets its ``xml:lang`` twin (XHTML reading systems read either), and
  a passage in a right-to-left language gets ``dir="rtl"`` unless it says otherwise.
"""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from ..localisation import Wording
from ..model import text_direction

EPUB_NS = "http://www.idpf.org/2007/ops"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TYPE = f"{{{EPUB_NS}}}type"
_DECLARATION = f' xmlns:epub="{EPUB_NS}"'


def for_epub(html: Markup, wording: Wording | None = None) -> Markup:
    """The fragment with pop-up notes and language attributes (see the module).

    The notes' label and backlinks' titles are in the book's words (``wording``).
    """
    text = str(html)
    if not text.strip() or ("footnote" not in text and "lang=" not in text):
        return html
    wrapper = etree.fromstring(
        f'<div xmlns:epub="{EPUB_NS}">{text}</div>',
        etree.XMLParser(resolve_entities=False, no_network=True),
    )
    _notes_for_popups(wrapper, wording or Wording())
    _languages(wrapper)
    parts = [wrapper.text or ""]
    parts += [etree.tostring(child, encoding="unicode") for child in wrapper]
    # The documents declare the epub prefix on their root; one declaration is enough.
    return Markup("".join(parts).replace(_DECLARATION, ""))


def _notes_for_popups(wrapper: etree._Element, wording: Wording) -> None:
    for link in wrapper.iterfind(".//sup[@class='footnote-ref']/a"):
        link.set(_TYPE, "noteref")
        link.set("role", "doc-noteref")
    for section in wrapper.iterfind(".//section[@class='footnotes']"):
        section.set(_TYPE, "footnotes")
        section.set("aria-label", wording.format("Notes"))
        for back in section.iterfind(".//a[@class='footnote-backref']"):
            back.set("title", wording.format("Back to the text"))
        for number, item in enumerate(section.iterfind(".//li[@class='footnote-item']"), 1):
            _note_as_aside(item, number)
        for listing in section.iterfind("ol"):
            _unwrap(listing)


def _note_as_aside(item: etree._Element, number: int) -> None:
    item.tag = "aside"
    item.set(_TYPE, "footnote")
    item.set("role", "doc-footnote")
    for back in item.iterfind(".//a[@class='footnote-backref']"):
        back.set("role", "doc-backlink")
    mark = etree.Element("span", {"class": "footnote-number"})
    mark.text = f"{number}. "
    first = item[0] if len(item) and item[0].tag == "p" and not item.text else None
    if first is not None:  # the number opens the note's first paragraph
        mark.tail = first.text
        first.text = None
        first.insert(0, mark)
    else:
        mark.tail = item.text
        item.text = None
        item.insert(0, mark)


def _unwrap(element: etree._Element) -> None:
    """Replace the element by its children (an ``ol`` of asides is not valid HTML)."""
    parent = element.getparent()
    assert parent is not None
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _languages(wrapper: etree._Element) -> None:
    for element in wrapper.iter():
        if not isinstance(element.tag, str) or not element.get("lang"):
            continue
        language = element.get("lang", "")
        element.set(_XML_LANG, language)
        if element.get("dir") is None and text_direction(language) == "rtl":
            element.set("dir", "rtl")
