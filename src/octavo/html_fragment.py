"""Parse and write body fragments so that they read the same as HTML and as XHTML.

A review's body is one fragment, written once and read three ways: as XHTML by
e-readers, and as HTML by WeasyPrint and by browsers. XML's ``<code/>`` is an
element with nothing in it, but to an HTML parser it is a start tag that never
ends: every review after it would be set in code. So every fragment is written
with an end tag for each element that is not void (``<code></code>``), which both
kinds of parser read alike; each body is parsed and written on its own, so that
whatever its source left open is closed inside it.
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

#: Elements with no end tag in HTML; every other element gets one.
VOID_ELEMENTS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
})  # fmt: skip


def parse_html_fragment(html: str) -> lxml_html.HtmlElement:
    """``html`` (a fragment: several elements and text) inside a ``<div>``."""
    wrapper: lxml_html.HtmlElement = lxml_html.fragment_fromstring(html, create_parent="div")
    return wrapper


def remove_element(element: etree._Element) -> None:
    """Remove ``element`` and what is inside it, keeping the text after it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def close_empty_elements(root: etree._Element) -> None:
    """Give every empty element that is not void an end tag when written."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        empty = element.text is None and not len(element)
        if empty and _local_name(element.tag) not in VOID_ELEMENTS:
            element.text = ""


def serialise_children(wrapper: etree._Element, for_html: bool = False) -> str:
    """What is inside ``wrapper``, as markup both HTML and XML parsers read alike.

    ``for_html`` is for a document only HTML parsers read (the print edition): an
    HTML parser drops one line break right after ``<pre>``, so a ``<pre>`` whose
    text starts with a line break gets another to lose.
    """
    close_empty_elements(wrapper)
    if for_html:
        for pre in wrapper.iter("pre"):
            if pre.text and pre.text.startswith("\n"):
                pre.text = "\n" + pre.text
    parts = [wrapper.text or ""]
    parts += [etree.tostring(child, encoding="unicode", method="xml") for child in wrapper]
    return "".join(parts)
