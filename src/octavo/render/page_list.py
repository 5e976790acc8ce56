"""Print page numbers inside the EPUB: page-break markers and the page list.

The PDF's layout says where each printed page begins (:class:`PageStart`): inside
the element with a given id, after a given text. Here the same element is found
in the EPUB's documents and the same text counted, character by character, and an
empty ``<span epub:type="pagebreak">`` goes where the page begins. A page that
begins inside a word (hyphenated across the page break) is marked before the next
word. A page with no words of its own, or whose words the EPUB does not hold (the
printed contents, a half title), is marked just before the next page that can be
placed, so that every printed page is in the list and in order.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from ..model import PageStart
from ..write.pdf_pages import significant
from .xhtml import XHTML, parse_xhtml, serialise_xhtml

EPUB_NS = "http://www.idpf.org/2007/ops"

#: Elements whose text the print edition does not set in the flow of the element:
#: SVG (drawn, not set), note calls and the notes themselves (at the foot of a page).
_SKIPPED_CLASSES = frozenset({"footnote-ref", "footnotes", "footnotes-sep"})
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip

#: Elements that may not hold a span directly.
_NO_PHRASING = frozenset(
    ["dl", "hgroup", "html", "nav", "ol", "select", "table", "tbody", "tfoot", "thead", "tr", "ul"]
)

#: Hyphens a layout may add at a line's end (CSS hyphenate-character's usual values).
_ADDED_HYPHENS = frozenset("\u2010-\u00ad")


@dataclass(frozen=True)
class PageLink:
    """One line of the page list: the printed folio and where the page begins."""

    label: str
    href: str


@dataclass
class _Slot:
    """A place in a document's text: before character ``offset`` of a text or tail."""

    element: etree._Element
    tail: bool  #: in element.tail (after the element) rather than element.text
    offset: int


def add_page_breaks(
    documents: list[tuple[str, str]], starts: tuple[PageStart, ...]
) -> tuple[dict[str, str], list[PageLink], list[str]]:
    """Mark every printed page in the documents; ``documents`` are (file name, xhtml).

    Returns the documents that changed (file name → new XHTML), the page list in
    page order, and the labels of pages placed only approximately (where the EPUB's
    text differs from the printed one).
    """
    trees = {name: parse_xhtml(xhtml) for name, xhtml in documents}
    ids: dict[str, tuple[str, etree._Element]] = {}
    for name, root in trees.items():
        for element in root.iter():
            identifier = element.get("id") if isinstance(element.tag, str) else None
            if identifier and identifier not in ids:
                ids[identifier] = (name, element)

    changed: set[str] = set()
    links: list[PageLink] = []
    approximate: list[str] = []
    waiting: list[tuple[str, str]] = []  # pages to mark before the next placed one
    for start, identifier in zip(starts, _unique_ids([s.label for s in starts]), strict=True):
        found = ids.get(start.anchor) if start.anchor else None
        if found is None:
            waiting.append((identifier, start.label))
            continue
        name, element = found
        # Located again for every marker: markers already inserted are skipped when
        # counting, so the text still matches, and a marker goes after earlier ones.
        slot, exact = _locate(element, start.before)
        if slot is None:
            waiting.append((identifier, start.label))
            continue
        if not exact:
            approximate.append(start.label)
        for marker_id, label in [*waiting, (identifier, start.label)]:
            if not start.before and _local(element) not in _NO_PHRASING:
                _insert_first(element, marker_id, label)  # the page begins with it
            else:
                slot, _ = _locate(element, start.before)
                assert slot is not None
                _insert_marker(slot, marker_id, label)
            links.append(PageLink(label, f"{name}#{marker_id}"))
        waiting = []
        changed.add(name)
    if waiting:  # nothing placeable after them: the end of the book
        name = documents[-1][0]
        body = trees[name].find(f"{{{XHTML}}}body")
        assert body is not None
        for marker_id, label in waiting:
            body.append(_marker(marker_id, label))
            links.append(PageLink(label, f"{name}#{marker_id}"))
        changed.add(name)
    return {name: serialise_xhtml(trees[name]) for name in sorted(changed)}, links, approximate


def _unique_ids(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    ids = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        suffix = f"-{seen[label]}" if seen[label] > 1 else ""
        ids.append(f"page-{label}{suffix}")
    return ids


def _characters(element: etree._Element) -> Iterator[tuple[str, bool, _Slot]]:
    """Each significant character of the element's text, in reading order.

    Yields the character, whether a word begins with it, and its place.
    """
    boundary = True

    def walk(node: etree._Element) -> Iterator[tuple[str, bool, _Slot]]:
        nonlocal boundary
        if _skipped(node):
            return
        block = _local(node) in _BLOCKS
        boundary = boundary or block
        yield from text_of(node, node.text, tail=False)
        for child in node:
            yield from walk(child)
            yield from text_of(child, child.tail, tail=True)
        boundary = boundary or block

    def text_of(
        node: etree._Element, text: str | None, tail: bool
    ) -> Iterator[tuple[str, bool, _Slot]]:
        nonlocal boundary
        for offset, character in enumerate(text or ""):
            if character.isspace():
                boundary = True
            elif significant(character):
                # Chinese and Japanese set no spaces: a line (and a page) may begin
                # at any of their characters.
                wide = unicodedata.east_asian_width(character) in ("W", "F")
                yield character, boundary or wide, _Slot(node, tail, offset)
                boundary = False

    yield from walk(element)


def _locate(element: etree._Element, before: str) -> tuple[_Slot | None, bool]:
    """Where the text ``before`` ends in the element: the next word's first character.

    Returns that place and whether the text matched exactly; on a mismatch, the
    element's first word (the page is then marked where the element begins).
    """
    characters = list(_characters(element))
    if not characters:
        return None, not before
    position = 0
    exact = True
    for character in before:
        if position < len(characters) and _same(character, characters[position][0]):
            position += 1
        elif character in _ADDED_HYPHENS:
            continue  # a hyphen the layout added at a line's end
        else:
            exact = False
            position = 0
            break
    while position < len(characters) and not characters[position][1]:
        position += 1  # the page began inside a word: mark it before the next word
    if position == len(characters):
        return None, exact  # the element ends here: the page begins after it
    return characters[position][2], exact


def _same(printed: str, source: str) -> bool:
    """Whether a printed character is the source's (CSS may have changed its case)."""
    return printed == source or printed.casefold() == source.casefold()


def _skipped(node: etree._Element) -> bool:
    if not isinstance(node.tag, str):
        return True
    if _local(node) in ("svg", "script", "style"):
        return True
    classes = set((node.get("class") or "").split())
    return bool(classes & _SKIPPED_CLASSES) or node.get(f"{{{EPUB_NS}}}type") == "pagebreak"


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _marker(identifier: str, label: str) -> etree._Element:
    marker = etree.Element(f"{{{XHTML}}}span", nsmap={"epub": EPUB_NS})
    marker.set(f"{{{EPUB_NS}}}type", "pagebreak")
    marker.set("role", "doc-pagebreak")
    marker.set("id", identifier)
    marker.set("aria-label", label)
    return marker


def _insert_marker(slot: _Slot, identifier: str, label: str) -> None:
    marker = _marker(identifier, label)
    if slot.tail:
        text = slot.element.tail or ""
        parent = slot.element.getparent()
        assert parent is not None
        slot.element.tail = text[: slot.offset]
        marker.tail = text[slot.offset :]
        parent.insert(parent.index(slot.element) + 1, marker)
    elif _opens_block(slot):
        # The page begins with a paragraph or a heading: the marker goes before it,
        # so that a screen reader says the page number first.
        parent = slot.element.getparent()
        assert parent is not None
        parent.insert(parent.index(slot.element), marker)
    else:
        text = slot.element.text or ""
        slot.element.text = text[: slot.offset]
        marker.tail = text[slot.offset :]
        slot.element.insert(0, marker)


#: Blocks a marker may stand before, when a page begins with them.
_MOVABLE = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "pre"})


def _opens_block(slot: _Slot) -> bool:
    """Whether the slot is the first character of a paragraph-like block."""
    element = slot.element
    parent = element.getparent()
    if slot.tail or parent is None or _local(element) not in _MOVABLE:
        return False
    if _local(parent) in _NO_PHRASING or (element.text or "")[: slot.offset].strip():
        return False
    markers = [child for child in element if child.get(f"{{{EPUB_NS}}}type") == "pagebreak"]
    return not markers


def _insert_first(element: etree._Element, identifier: str, label: str) -> None:
    """Put a marker at the very start of the element, after markers already there."""
    marker = _marker(identifier, label)
    position = 0
    for child in element:
        if child.get(f"{{{EPUB_NS}}}type") != "pagebreak" or (child.tail or "").strip():
            break
        position += 1
    if position == 0:
        marker.tail, element.text = element.text, None
    else:
        marker.tail, element[position - 1].tail = element[position - 1].tail, None
    element.insert(position, marker)
