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

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import islice

from lxml import etree

from ..model import PageStart
from ..significant import significant
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


@dataclass
class _Segment:
    """A run of text (an element's text or a child's tail) inside the element."""

    start: int  #: the index, in the element's significant string, of its first character
    node: etree._Element
    tail: bool
    text: str
    boundary: bool  #: whether a word boundary comes just before the run


@dataclass
class _Text:
    """An element's significant characters, read once, and how far pages matched them."""

    string: str  #: the significant characters, in reading order
    segments: list[_Segment]
    matched: str = ""  #: the printed text matched so far (a page's ``before``)
    position: int = 0  #: the character it reached
    exact: bool = True
    starts: list[int] = field(init=False)  #: each segment's start, for a bisection

    def __post_init__(self) -> None:
        self.starts = [segment.start for segment in self.segments]

    def slot(self, index: int) -> _Slot:
        """The place of the ``index``-th significant character in the tree."""
        return self._slot(index)[1]

    def _slot(self, index: int) -> tuple[_Segment, _Slot]:
        segment = self.segments[bisect_right(self.starts, index) - 1]
        wanted = index - segment.start
        match = next(islice(_SIGNIFICANT.finditer(segment.text), wanted, None), None)
        if match is None:
            raise AssertionError("a significant character beyond its run")
        return segment, _Slot(segment.node, segment.tail, match.start())

    def starts_word(self, index: int) -> bool:
        """Whether a word begins at the ``index``-th significant character."""
        if unicodedata.east_asian_width(self.string[index]) in ("W", "F"):
            return True  # Chinese and Japanese set no spaces: any character may begin
        segment, slot = self._slot(index)
        for character in reversed(segment.text[: slot.offset]):
            if character.isspace():
                return True
            if significant(character):
                return False
        return segment.boundary


#: Where a page is marked: an element's start ("first"), or before a character.
_Place = tuple[str, str, int]  # (document name, element id, character index; -1: first)


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

    # 1. Where each page goes. Each element's text is read once, and the pages that
    #    begin inside it (in order, each ``before`` extending the last) resume the
    #    matching where the previous one stopped.
    texts: dict[str, _Text] = {}
    places: list[_Place | None] = []
    approximate: list[str] = []
    for start in starts:
        found = ids.get(start.anchor) if start.anchor else None
        if found is None or start.anchor is None:
            places.append(None)
            continue
        name, element = found
        if not start.before and _local(element) not in _NO_PHRASING:
            places.append((name, start.anchor, -1))  # the page begins with the element
            continue
        text = texts.get(start.anchor)
        if text is None:
            text = texts[start.anchor] = _read(element)
        index, exact = _advance(text, start.before)
        if not exact:
            approximate.append(start.label)
            fallback = -1 if _local(element) not in _NO_PHRASING else 0
            places.append((name, start.anchor, fallback) if text.string else None)
        else:
            places.append((name, start.anchor, index) if index is not None else None)

    # 2. Pages that could not be placed go just before the next one that could.
    following: _Place | None = None
    for number in range(len(places) - 1, -1, -1):
        if places[number] is None:
            places[number] = following
        else:
            following = places[number]

    # 3. The markers, last place first in each element, so that the places found
    #    above stay valid; markers at one place go in last page first, which leaves
    #    them in page order.
    labels = _unique_ids([start.label for start in starts])
    links = []
    by_element: dict[str, list[tuple[int, int, str, str]]] = {}
    changed: set[str] = set()
    end_name = documents[-1][0]
    for number, (start, place, marker_id) in enumerate(zip(starts, places, labels, strict=True)):
        if place is None:  # nothing placeable after it: the end of the book
            body = trees[end_name].find(f"{{{XHTML}}}body")
            assert body is not None
            body.append(_marker(marker_id, start.label))
            links.append(PageLink(start.label, f"{end_name}#{marker_id}"))
            changed.add(end_name)
            continue
        name, anchor, index = place
        by_element.setdefault(anchor, []).append((index, number, marker_id, start.label))
        links.append(PageLink(start.label, f"{name}#{marker_id}"))
        changed.add(name)
    for anchor, markers in by_element.items():
        element = ids[anchor][1]
        # every place is found before any marker goes in, as each insertion splits text
        slots = {index: texts[anchor].slot(index) for index, *_ in markers if index >= 0}
        for index, _, marker_id, label in sorted(markers, reverse=True):
            if index < 0:
                _insert_first(element, marker_id, label)
            else:
                _insert_marker(slots[index], marker_id, label)
    return {name: serialise_xhtml(trees[name]) for name in sorted(changed)}, links, approximate


_HYPHEN = re.compile("[\u2010\\-\u00ad]")


def _advance(text: _Text, before: str) -> tuple[int | None, bool]:
    """Match ``before`` against the element's text, from where the last page stopped.

    Returns the index of the character the page begins with (the next word's first
    character; None when the element ends there) and whether the text matched.
    Runs between hyphens are compared whole; a hyphen that is not in the source was
    added by the layout at a line's end, and a run that differs only in case was
    set in capitals by CSS.
    """
    if not before.startswith(text.matched):  # not an extension: start again
        text.matched, text.position, text.exact = "", 0, True
    string, position, index = text.string, text.position, len(text.matched)
    while text.exact and index < len(before):
        hyphen = _HYPHEN.search(before, index)
        end = hyphen.start() if hyphen else len(before)
        run = before[index:end]
        if string.startswith(run, position) or (
            string[position : position + len(run)].casefold() == run.casefold()
        ):
            position += len(run)
        else:
            text.exact = False
            break
        if hyphen and string.startswith(hyphen.group(), position):
            position += 1  # a hyphen of the text itself
        index = end + 1 if hyphen else end
    text.matched, text.position = before, position
    if not text.exact:
        return 0, False
    while position < len(string) and not text.starts_word(position):
        position += 1  # the page began inside a word: mark it before the next word
    return (position if position < len(string) else None), True


def _unique_ids(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    ids = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        suffix = f"-{seen[label]}" if seen[label] > 1 else ""
        ids.append(f"page-{label}{suffix}")
    return ids


#: Characters the print edition's text leaves out besides white space: the soft hyphen
#: and the zero-width characters.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_SIGNIFICANT = re.compile(rf"[^\s{_INVISIBLE}]")


def _significant_characters(text: str) -> str:
    """``text`` without white space or :data:`_INVISIBLE` characters (``str.split``
    takes out what ``\\s`` matches, four times faster than a pattern)."""
    string = "".join(text.split())
    if not string.isascii():
        for character in _INVISIBLE:
            if character in string:
                string = string.replace(character, "")
    return string


def _read(element: etree._Element) -> _Text:
    """The element's text as the print edition sets it (see :func:`_skipped`)."""
    parts: list[str] = []
    segments: list[_Segment] = []
    length = 0
    boundary = True

    def add(node: etree._Element, text: str | None, tail: bool) -> None:
        nonlocal boundary, length
        if not text:
            return
        string = _significant_characters(text)
        if string:
            segments.append(_Segment(length, node, tail, text, boundary))
            parts.append(string)
            length += len(string)
            trailing = text[len(text.rstrip()) :] if text.rstrip() != text else ""
            boundary = bool(trailing)
        else:
            boundary = boundary or any(character.isspace() for character in text)

    def walk(node: etree._Element) -> None:
        nonlocal boundary
        if _skipped(node):
            return
        block = _local(node) in _BLOCKS
        boundary = boundary or block
        add(node, node.text, tail=False)
        for child in node:
            walk(child)
            add(child, child.tail, tail=True)
        boundary = boundary or block

    walk(element)
    return _Text("".join(parts), segments)


def _skipped(node: etree._Element) -> bool:
    if not isinstance(node.tag, str):
        return True
    if _local(node) in ("svg", "script", "style"):
        return True
    classes = set((node.get("class") or "").split())
    return bool(classes & _SKIPPED_CLASSES) or node.get(f"{{{EPUB_NS}}}type") == "pagebreak"


def _local(node: etree._Element) -> str:
    tag = node.tag
    return tag[tag.rfind("}") + 1 :] if isinstance(tag, str) else ""


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
    _out_of_hidden(marker)


def _out_of_hidden(marker: etree._Element) -> None:
    """Move a marker that fell inside text hidden from screen readers (a pull quote)
    to just before that text: a hidden marker is a page number no one hears."""
    hidden = [node for node in marker.iterancestors() if node.get("aria-hidden") == "true"]
    if not hidden:
        return
    parent = marker.getparent()
    assert parent is not None
    previous = marker.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + (marker.tail or "")
    else:
        parent.text = (parent.text or "") + (marker.tail or "")
    marker.tail = None
    hidden[-1].addprevious(marker)


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
    """Put a marker at the very start of the element (before markers already there)."""
    marker = _marker(identifier, label)
    marker.tail, element.text = element.text, None
    element.insert(0, marker)
