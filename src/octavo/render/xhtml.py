"""Read and write the EPUB's XHTML documents as trees, for the steps that edit them."""

from __future__ import annotations

from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


def parse_xhtml(xhtml: str) -> etree._Element:
    """The document's root element; the text was checked to be well-formed when rendered."""
    return etree.fromstring(xhtml.encode("utf-8"), _PARSER)


def serialise_xhtml(root: etree._Element) -> str:
    """The document as text again, with its XML declaration and doctype."""
    body = etree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + body + "\n"
