"""The trials of the balancing (:mod:`octavo.write.balance`): copies of reviews, each
with an adjustment, laid out apart from the book, and what each copy's pages show.

Each copy begins a page of its review's side, so a copy's pages do not depend on the
others in its document: the trials are laid out in several documents, side by side in
forked processes (as the parallel layout's pieces are, see
:mod:`octavo.write.pdf_parallel`), and give what one document of them all gives. A
trial document of a few dozen copies also keeps a process far smaller than one of
every copy of a long book (one of 372 copies, some 1,100 pages, took 1.3 GB).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from lxml import etree
from lxml import html as lxml_html

from ..fork_pool import fork_context
from ..limits import RENDER_SECONDS
from ..render.print_html import PrintDocument
from ..render.print_split import element_html
from ..resources import Resolver

if TYPE_CHECKING:
    from ..audit.checks import Checks
    from ..audit.lines import Line

#: The most copies a trial document holds, when the trials are laid out in parts.
COPIES_PER_DOCUMENT = 24
#: A trial: a review's id and the adjustment (a class, "" for none) it is tried with.
Tried = tuple[str, str]


@dataclass(frozen=True)
class Review:
    """A review's <article> as the book renders it without adjustments: its HTML, as
    the book's parsed tree writes it (the tree is not kept: at 5,000 reviews it held
    about 150 MB of the build's process, and of every process forked from it, through
    the balanced book's layout)."""

    html: str
    #: the tag and attributes (less its id) of the element around it, when not the body
    wrapper: tuple[str, dict[str, str]] | None
    key: str  #: its key among the decisions


@dataclass(frozen=True)
class Book:
    """What every review's trial document shares with the book."""

    html_attributes: dict[str, str]
    body_attributes: dict[str, str]
    reviews: dict[str, Review]

    @property
    def left_to_right(self) -> bool:
        return self.html_attributes.get("dir", "").lower() != "rtl"


@dataclass(frozen=True)
class Outcome:
    pages: int  #: pages holding its lines
    short: bool  #: its last page is short (T703)
    faults: Counter[str]  #: its faults of other kinds
    last_lines: int = 0  #: the lines on its last page (notes included)
    #: the lines of its last block on its last page, when the block begins on a page before
    tail: int = 0
    short_before: int = 0  #: how many lines short the page before its last ends


def trial(
    document: PrintDocument,
    book: Book,
    sides: Mapping[str, str],
    tried: Sequence[tuple[str, str]],
    resolver: Resolver,
    checks: Checks,
    jobs: int = 1,
) -> dict[tuple[str, str], Outcome] | None:
    """Lay out a copy of each review (id) with each adjustment (class), on its side, and
    read each copy's pages; None when a trial document cannot be laid out. With
    ``jobs`` above 1, the copies are laid out in several documents (:func:`copy_groups`),
    ``jobs`` at a time."""
    groups = copy_groups(tried, jobs)
    if jobs <= 1 or len(groups) < 2:
        return _trial_group(document, book, sides, tried, resolver, checks)
    _shared.update(document=document, book=book, sides=sides, resolver=resolver, checks=checks)
    try:
        context = fork_context()
        with context.Pool(min(jobs, len(groups))) as pool:
            results = pool.map(_trial_in_worker, groups, chunksize=1)
    finally:
        _shared.clear()
    outcomes: dict[tuple[str, str], Outcome] = {}
    for result in results:
        if result is None:
            return None
        outcomes.update(result)
    return outcomes


def copy_groups(tried: Sequence[Tried], jobs: int) -> list[Sequence[Tried]]:
    """The trials cut into documents of at most ``COPIES_PER_DOCUMENT`` copies, and into
    at least ``jobs`` when there are that many: a round of few copies (the later rounds
    try only the reviews the first left short) keeps every process busy, not one."""
    size = COPIES_PER_DOCUMENT
    if jobs > 1:
        size = max(1, min(size, -(-len(tried) // jobs)))
    return [tried[n : n + size] for n in range(0, len(tried), size)]


#: What the forked processes of :func:`trial` inherit.
_shared: dict[str, Any] = {}


def _trial_in_worker(tried: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Outcome] | None:
    return _trial_group(
        _shared["document"],
        _shared["book"],
        _shared["sides"],
        tried,
        _shared["resolver"],
        _shared["checks"],
    )


def _trial_group(
    document: PrintDocument,
    book: Book,
    sides: Mapping[str, str],
    tried: Sequence[tuple[str, str]],
    resolver: Resolver,
    checks: Checks,
) -> dict[tuple[str, str], Outcome] | None:
    """Lay out a copy of each review with each adjustment in one document, and read
    each copy's pages."""
    copies = {f"octavo-trial-{n}": trial for n, trial in enumerate(tried)}
    articles = _Articles(document.html, book)
    parts: list[str] = []
    for copy_id, (identifier, name) in copies.items():
        article = articles(identifier)
        if article is None:
            return None
        parts.append(_copy(book.reviews[identifier], article, name, copy_id, sides[identifier]))
    first = sides[tried[0][0]]
    root = dict(book.html_attributes, style=f"break-before: {first}")
    html = (
        f'<!DOCTYPE html>\n<html{attribute_text(root)}>\n<head><meta charset="utf-8"/></head>\n'
        f"<body{attribute_text(book.body_attributes)}>{''.join(parts)}</body>\n</html>\n"
    )
    pages = _pages(replace(document, html=html, variant=None), resolver)
    if pages is None:
        return None
    from ..audit.lines import Book

    read = Book.read(pages)
    lines: dict[str, list[Line]] = {copy_id: [] for copy_id in copies}
    for line in read.lines:
        if line.owner in lines:
            lines[line.owner].append(line)
    faults: dict[str, Counter[str]] = {copy_id: Counter() for copy_id in copies}
    short: set[str] = set()
    for code, _, owner, _, _ in replace(checks, reviews=frozenset(copies))(pages):
        if owner in faults:
            if code == "T703":
                short.add(owner)
            else:
                faults[owner][code] += 1
    return {
        trial: Outcome(
            len({line.page for line in lines[copy_id]}),
            copy_id in short,
            faults[copy_id],
            *_ending(lines[copy_id], pages, read.parents),
        )
        for copy_id, trial in copies.items()
    }


def _ending(
    lines: Sequence[Line], pages: Sequence[Any], parents: Mapping[Any, Any]
) -> tuple[int, int, int]:
    """Of a copy's lines: how many are on its last page; how many of those are its last
    block's, when that block begins on a page before (else 0); and how many lines short
    the page before the last ends, above its notes (0 for a copy of one page)."""
    text = [line for line in lines if not line.in_notes]
    if not text:
        return 0, 0, 0
    numbers = sorted({line.page for line in lines})
    last = numbers[-1]
    block = text[-1].block  # the body's last block holds it, or is it
    while (parent := parents.get(block)) is not None and "review-body" not in (
        parent.get("class") or ""
    ).split():
        block = parent
    if parent is None:
        block = text[-1].block
    ours = [line for line in text if _within(line.block, block, parents)]
    tail = sum(line.page == last for line in ours) if ours[0].page < last else 0
    last_lines = sum(line.page == last for line in lines)
    if len(numbers) < 2:
        return last_lines, tail, 0
    page = numbers[-2]
    above = [line.box for line in text if line.page == page]
    if not above:
        return last_lines, tail, 0
    box = pages[page]._page_box
    bottom = box.content_box_y() + box.height
    for child in box.children:
        if type(child).__name__ == "FootnoteAreaBox" and child.children:
            bottom = min(bottom, child.position_y)
    height = sorted(line.height for line in above)[len(above) // 2]
    lowest = max(line.position_y + line.height for line in above)
    return last_lines, tail, int((bottom - lowest) / height) if height > 0 else 0


def _within(element: Any, block: Any, parents: Mapping[Any, Any]) -> bool:
    while element is not None:
        if element is block:
            return True
        element = parents.get(element)
    return False


class _Articles:
    """The reviews' articles as elements, parsed again from their HTML: each as the
    book's tree held it. One whose HTML does not read back as it was written (libxml2
    writes the text of an ``<xmp>`` or an ``<iframe>`` escaped, and reads it back as
    text) is taken from the book's HTML, parsed whole once for all of them; None if it
    is not there as it was read (the trial is then not made)."""

    def __init__(self, book_html: str, book: Book) -> None:
        self.book_html = book_html
        self.book = book
        self.tree: etree._Element | None = None

    def __call__(self, identifier: str) -> etree._Element | None:
        html = self.book.reviews[identifier].html
        body = lxml_html.document_fromstring(f"<html><body>{html}</body></html>").find("body")
        if body is not None and len(body) == 1 and written_html(body[0]) == html:
            return body[0]
        if self.tree is None:
            self.tree = lxml_html.document_fromstring(self.book_html)
        for node in self.tree.iter("article"):
            if node.get("id") == identifier and written_html(node) == html:
                return node
        return None


def written_html(element: etree._Element) -> str:
    """A review's article as HTML, as the balancing reads it (its key among the
    decisions) and copies it: as the book's pieces write it, an empty element with its
    end tag (see :func:`~octavo.render.print_split.element_html`; parsed again, the
    HTML gives the element it was written from)."""
    return element_html(element, with_tail=False)


def _copy(review: Review, article: etree._Element, name: str, copy_id: str, side: str) -> str:
    """A copy of the review's ``article``, with ``name`` among its classes, beginning
    on a page of ``side``; its ids are renamed, and links out of it lead nowhere."""
    element = copy.deepcopy(article)
    renamed: dict[str, str] = {}
    for node in element.iter():
        if isinstance(node.tag, str) and (identifier := node.get("id")):
            renamed[identifier] = copy_id if node is element else f"{copy_id}-{identifier}"
            node.set("id", renamed[identifier])
    for node in element.iter("a"):
        href = node.get("href") or ""
        if href.startswith("#"):
            if href[1:] in renamed:
                node.set("href", "#" + renamed[href[1:]])
            else:
                del node.attrib["href"]
    if name:
        element.set("class", f"{element.get('class') or ''} {name}".strip())
    style = element.get("style")
    element.set("style", f"break-before: {side}" + (f"; {style}" if style else ""))
    text = written_html(element)
    if review.wrapper is None:
        return text
    tag, wrapper_attributes = review.wrapper
    return f"<{tag}{attribute_text(wrapper_attributes)}>{text}</{tag}>"


def _pages(document: PrintDocument, resolver: Resolver) -> list[Any] | None:
    """WeasyPrint's pages of a trial document (not drawn), or None when it fails: a
    trial never stops a build, whose own layout reports what went wrong."""
    from .pdf import _catch_weasyprint_logs, lay_out, time_limit

    with _catch_weasyprint_logs():
        try:
            with time_limit(RENDER_SECONDS):
                return list(lay_out(document, resolver).pages)
        except Exception:
            return None


def attribute_text(attributes: Mapping[str, str]) -> str:
    return "".join(
        f' {key}="{value.replace("&", "&amp;").replace(chr(34), "&quot;")}"'
        for key, value in attributes.items()
    )
