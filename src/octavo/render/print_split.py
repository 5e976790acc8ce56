"""The print edition cut into documents that WeasyPrint can lay out side by side.

One WeasyPrint pass over a long book is slow and memory-hungry, and gets slower per
page as the book grows. Cut at the right places, the book can be laid out in pieces,
in parallel, and merged into exactly the PDF one pass gives:

- the **main matter** (its parts, or its reviews in a book without parts) is cut
  before a part, or before a review, where one pass begins a new page anyway. A piece
  is laid out as if it began the book; once the pages before it are counted, its page
  numbers are moved on, and, when it falls on the other side of the spread, its pages
  are moved across (see :mod:`octavo.write.pdf_worker` and
  :mod:`octavo.write.pdf_sides`), which changes where the text sits, not how it is
  set, when the left and right pages' text areas have the same size (else the piece
  is laid out again on its side). Whether a piece opens on a right-hand page (a part,
  in the shipped themes), a left-hand one or either is read from its styles as it is
  laid out (:mod:`octavo.write.pdf_starts`), not assumed here;
- a **long part** is cut again, before a review, into pieces of about
  ``CHUNK_REVIEWS`` reviews, and so is a long run of reviews;
- the **front matter** (title pages, contents, foreword) is laid out last, when the
  page of every entry of the contents is known, and printed from ``data-folio``;
- the **back matter** (indexes, contributors...) likewise, starting on the side
  of the page it falls on.

A document that links to an element another document holds gets an empty anchor of
that name (out of the flow), so that WeasyPrint keeps the link; the merge points the
name at the real element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

from lxml import etree
from lxml import html as lxml_html

#: The main matter is cut into documents of about this many reviews: whole parts
#: together, or pieces of a longer part. An edit lays out the piece that holds it
#: again, and the merge does a little work for each piece: at 1,000 reviews, pieces of
#: 10 made a one-word rebuild 0.45 s quicker than pieces of 15 (the piece 0.65 s, the
#: merge 0.15 s slower), and pieces of 7 gave that back to the merge
#: (docs/performance.md, twenty-second session).
CHUNK_REVIEWS = 10


@dataclass(frozen=True)
class PrintSplit:
    """The print HTML cut into front matter, pieces of the main matter, and back matter."""

    front: str
    chunks: tuple[str, ...]
    #: for each chunk: whether it goes on with a part the chunk before began (it then
    #: follows that chunk's last page, on either side, with no blank page between)
    continued: tuple[bool, ...]
    #: the back matter, or None; ``back(starts_on_verso)`` gives its document
    back_parts: tuple[str, ...]
    #: the head; the parts' copies leave out the build's dates, which change every
    #: build (so a cached part stays valid) and which only the front matter's PDF,
    #: whose metadata the merged file keeps, needs
    head: str
    #: the head's dcterms dates ("created", "modified"), for the merge to write
    dates: dict[str, str]
    #: whether the front matter keeps the dates in its head (a PDF/X writes them in its
    #: XMP metadata too); otherwise the merge writes them, and the front matter's
    #: laid-out PDF stays valid in the cache across builds
    front_dates: bool
    html_attributes: dict[str, str]  #: lang and dir: hyphenation follows the language
    body_attributes: dict[str, str]
    #: ids each document links to that another document holds
    outside: dict[str, tuple[str, ...]]

    def chunk_documents(self) -> list[str]:
        """A document for each group of whole parts, in order."""
        return [self._document(chunk, f"chunk-{n}") for n, chunk in enumerate(self.chunks)]

    def front_document(self) -> str:
        """The front matter's document (it begins the book, on a right-hand page)."""
        return self._document(self.front, "front")

    def back(self, starts_on_verso: bool) -> str | None:
        """The back matter's document; a back matter that begins on a verso needs a page
        before it.

        WeasyPrint starts every document on a recto (a right-hand page, or a left-hand
        one in a right-to-left book): a book whose back matter begins on a verso gets
        an empty page first, which the merge drops.
        """
        if not self.back_parts:
            return None
        lead = _DUMMY_PAGE if starts_on_verso else ""
        return self._document(lead + "".join(self.back_parts), "back")

    def _document(self, body: str, name: str) -> str:
        keep = name == "front" and self.front_dates
        head = self.head if keep else _DATES.sub("", self.head)
        attributes = _attributes(self.body_attributes)
        anchors = "".join(f'<span id="{_escape(i)}"></span>' for i in self.outside.get(name, ()))
        holder = f'<div class="octavo-anchors" style="{_HIDDEN}">{anchors}</div>' if anchors else ""
        return (
            f"<!DOCTYPE html>\n<html{_attributes(self.html_attributes)}>\n{head}\n"
            f"<body{attributes}>{holder}{body}</body>\n</html>\n"
        )


#: The dates of the build in the head (dcterms.created, dcterms.modified).
_DATES = re.compile(r'<meta name="dcterms\.(?:created|modified)" content="[^"]*"\s*/?>\s*')

#: Out of the flow, and taking no room: it holds anchors only.
_HIDDEN = "position: absolute; left: 0; top: 0; width: 0; height: 0; overflow: hidden"
_DATE = re.compile(r'<meta name="dcterms\.(created|modified)" content="([^"]*)"')

#: An element alone on its page, before the back matter when it begins on a verso.
_DUMMY_PAGE = '<div class="octavo-lead-page" style="break-after: page; height: 0"></div>'


def split_print(
    html: str, chunk_reviews: int | None = None, front_dates: bool = True
) -> PrintSplit | None:
    """Cut the print HTML, or None when this book can only be laid out in one pass.

    The main matter is the run of the body's children that are parts (``section.part``)
    or, in a book without parts, reviews (``article.review``); what comes before it is
    the front matter, what follows the back matter. A book is cut when its main matter
    makes at least two groups; a template without that structure (a theme's own) is
    laid out in one pass. Where each group opens (on a right-hand page, a left-hand
    one or either) is not decided here: the layout reads it from the groups' styles
    (:mod:`octavo.write.pdf_starts`).
    """
    chunk_reviews = chunk_reviews or CHUNK_REVIEWS
    root = lxml_html.document_fromstring(html)
    head = root.find("head")
    body = root.find("body")
    if head is None or body is None:
        return None
    children = [child for child in body if isinstance(child.tag, str)]
    main = [i for i, child in enumerate(children) if _classes(child) & {"part", "review"}]
    if not main or main != list(range(main[0], main[-1] + 1)):
        return None
    if (body.text or "").strip() or any((child.tail or "").strip() for child in children):
        return None  # text between the body's elements: a template of its own
    front = children[: main[0]]
    back = children[main[-1] + 1 :]
    groups: list[list[_Piece]] = [[]]
    continued = [False]
    count = 0
    for index in main:
        element = children[index]
        is_part = "part" in _classes(element)
        pieces = _pieces(element, chunk_reviews) if is_part else [_Piece.whole(element, 1)]
        if len(pieces) > 1:  # a long part: each piece is a chunk of its own
            if groups[-1]:
                groups.append([])
                continued.append(False)
            for number, piece in enumerate(pieces):
                if number:
                    groups.append([])
                    continued.append(True)
                groups[-1].append(piece)
            groups.append([])
            continued.append(False)
            count = 0
            continue
        reviews = pieces[0].reviews
        if groups[-1] and count + reviews > chunk_reviews:
            groups.append([])
            continued.append(False)
            count = 0
        groups[-1].append(pieces[0])
        count += reviews
    if not groups[-1]:
        groups.pop()
        continued.pop()
    if len(groups) < 2:
        return None

    def serialise(elements: list[etree._Element]) -> str:
        return "".join(element_html(element) for element in elements)

    held = {"front": _ids(front), "back": _ids(back)}
    links = {"front": _links(front), "back": _links(back)}
    for n, group in enumerate(groups):
        held[f"chunk-{n}"] = {i for piece in group for i in piece.ids()}
        links[f"chunk-{n}"] = _links([e for piece in group for e in piece.content])
    outside = {
        name: tuple(sorted(target for target in targets if target not in held[name]))
        for name, targets in links.items()
    }
    return PrintSplit(
        front=serialise(front),
        chunks=tuple("".join(piece.html() for piece in group) for group in groups),
        continued=tuple(continued),
        back_parts=(serialise(back),) if back else (),
        head=element_html(head),
        html_attributes={str(key): str(value) for key, value in root.attrib.items()},
        body_attributes={str(key): str(value) for key, value in body.attrib.items()},
        outside=outside,
        dates=dict(_DATE.findall(html[: html.find("<body")])),
        front_dates=front_dates,
    )


@dataclass(frozen=True)
class _Piece:
    """A part, or a run of its children: its opener and first reviews, or later reviews."""

    part: etree._Element
    start: int
    end: int
    reviews: int

    @property
    def content(self) -> list[etree._Element]:
        return list(self.part)[self.start : self.end]

    @classmethod
    def whole(cls, element: etree._Element, reviews: int) -> _Piece:
        """An element whole: a part, or a review of a book without parts."""
        return cls(element, 0, len(element), reviews)

    def ids(self) -> set[str]:
        own = self.part.get("id") if self.start == 0 else None
        return _ids(self.content) | ({own} if own else set())

    def html(self) -> str:
        if self.start == 0 and self.end == len(self.part):
            return element_html(self.part)
        # the part's element again around the piece; its id only where the part begins
        attributes = {
            str(key): str(value)
            for key, value in self.part.attrib.items()
            if self.start == 0 or key != "id"
        }
        inner = "".join(element_html(element) for element in self.content)
        return f"<{self.part.tag}{_attributes(attributes)}>{inner}</{self.part.tag}>"


def _pieces(part: etree._Element, chunk_reviews: int) -> list[_Piece]:
    """The part whole, or cut before reviews into pieces of about ``chunk_reviews``
    reviews (0: whole). Only a part whose children are elements, and whose reviews are
    children of it, is cut."""
    children = list(part)
    reviews = [i for i, child in enumerate(children) if "review" in _classes(child)]
    total = sum(
        "review" in value.split() for value in _values(part, "descendant-or-self::*/@class")
    )
    whole = [_Piece.whole(part, total)]
    clean = (part.text or "").strip() == "" and all(
        isinstance(child.tag, str) and (child.tail or "").strip() == "" for child in children
    )
    if not chunk_reviews or len(reviews) != total or total <= chunk_reviews or not clean:
        return whole
    count = -(-total // chunk_reviews)  # pieces, each of about the same size
    size = -(-total // count)
    starts = [0] + [reviews[k] for k in range(size, total, size)]
    ends = [*starts[1:], len(children)]
    return [
        _Piece(part, start, end, sum(1 for i in reviews if start <= i < end))
        for start, end in zip(starts, ends, strict=True)
    ]


#: Elements that have no end tag in HTML.
_VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
})  # fmt: skip


def element_html(element: etree._Element, with_tail: bool = True) -> str:
    """The element written as HTML, as the book's HTML has it (and what follows it,
    with ``with_tail``). libxml2 leaves out the end tag of an empty ``<li>``: parsed
    again, the item took the newline after it as its text, and printed one line more (a
    list of the CommonMark spec, cut into pieces, was a page shorter than in one pass).
    An empty element is given an empty text, which libxml2 writes with its end tag."""
    # found by libxml2 (an element with no child node: no text, no element), not by
    # walking every node in Python (part of the cut: 0.26 → 0.24 s at 1,000 reviews)
    empty = cast(list[etree._Element], element.xpath("descendant-or-self::*[not(node())]"))
    for node in empty:
        if node.tag not in _VOID:
            node.text = ""
    return str(lxml_html.tostring(element, encoding="unicode", method="html", with_tail=with_tail))


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def _ids(elements: list[etree._Element]) -> set[str]:
    return {
        identifier
        for element in elements
        for identifier in _values(element, "descendant-or-self::*/@id")
        if identifier
    }


def _links(elements: list[etree._Element]) -> set[str]:
    return {
        href[1:]
        for element in elements
        for href in _values(element, "descendant-or-self::a/@href")
        if href.startswith("#") and len(href) > 1
    }


def _values(element: etree._Element, path: str) -> list[str]:
    """The attributes ``path`` selects, as plain strings (lxml's own strings would
    each keep the whole tree)."""
    return [str(value) for value in cast(list[str], element.xpath(path, smart_strings=False))]


def _attributes(attributes: dict[str, str]) -> str:
    return "".join(f' {key}="{_escape(value)}"' for key, value in attributes.items())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
