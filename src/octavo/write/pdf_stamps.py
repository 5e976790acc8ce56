"""Folios and running heads stamped on a piece's pages after its body is laid out.

A piece of the parallel layout (:mod:`octavo.write.pdf_worker`) is laid out without
its margin boxes. What they would show is recorded page by page instead
(:class:`PageStamp`): the page's type (side, blank, name, ``:nth()`` groups), its
counters (the folio), and the named strings a running head can print (``string()``,
read where the body is). A second, empty document then lays out only the margin boxes
of those pages (:func:`lay_out_stamps`), and :func:`splice` draws them into the
body's content: the page's backgrounds under it, the margin boxes over it, each marked
as an artifact (their resources join the body's under names of their own), and the
body moved across to the other side of the spread where the page falls there.

So the body of a piece does not depend on where the piece falls: a piece that moves
(a review before it grew by a page) is stamped again from its cached body, in a small
fraction of the time its layout took. A piece that opens pages on a given side inside
(a part that opens on a recto) is moved by even counts of pages only
(:attr:`Stamps.sided`); one whose two sides' text areas differ is never moved across
(its pages have no :attr:`PageStamp.across`). Margin boxes that print a running
element (``element()``) cannot be recorded as data: such a theme's pieces are laid out
with their margin boxes, as before (:func:`stamped_theme`).

This reaches into WeasyPrint's page layout and drawing (``PageType``,
``make_margin_boxes``, ``draw_page``, the named strings of ``LayoutContext``), as read
for WeasyPrint 70; the version is pinned.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..render.print_html import PrintDocument
    from ..resources import Resolver

#: Where the drawing of a page's backgrounds, of its boxes, and of the page end: marked
#: content points written into the pieces and the stamps, cut out when they are spliced.
UNDER, OVER, END = b"/OctavoUnder MP", b"/OctavoOver MP", b"/OctavoEnd MP"
_KEYWORDS = ("first", "start", "last", "first-except")
#: CSS pixels to PDF points, as WeasyPrint draws (``zoom`` 1)
_SCALE = 0.75


class NotStamped(Exception):
    """The margin boxes print something that cannot be recorded (a running element)."""


@dataclass
class PageStamp:
    """What one page's margin boxes print, and where the page is laid out."""

    side: str  #: the side of the spread the page falls on ("left" or "right")
    blank: bool
    name: str  #: its named page
    index: int  #: its index in the piece, as ``:nth()`` counts it
    groups: tuple[tuple[str, int], ...]  #: its page groups, for ``:nth(n of name)``
    native: str  #: the side WeasyPrint laid the body out on
    quotes: list[int]  #: the quote depth at the page's start
    counters: dict[str, list[int]]  #: the counters' values at the page's start
    scopes: list[list[str]]
    #: (name, keyword) -> the value ``string(name, keyword)`` gives on the page
    strings: dict[tuple[str, str], tuple[str, ...]]
    #: how far the body moves (CSS pixels) to fall on the other side; None: it cannot
    across: tuple[float, float] | None

    @property
    def moved(self) -> tuple[float, float] | None:
        """How far the body is moved where it is drawn: None where it stays."""
        if self.side == self.native:
            return None
        if self.across is None:
            raise ValueError("a page whose sides differ was placed on the other side")
        return self.across

    def to_json(self) -> dict[str, Any]:
        return {
            "type": [self.side, self.blank, self.name, self.index, [list(g) for g in self.groups]],
            "native": self.native,
            "quotes": self.quotes,
            "counters": self.counters,
            "scopes": self.scopes,
            "strings": [
                [name, keyword, list(value)] for (name, keyword), value in self.strings.items()
            ],
            "across": list(self.across) if self.across else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageStamp:
        side, blank, name, index, groups = data["type"]
        across = data["across"]
        return cls(
            side=str(side),
            blank=bool(blank),
            name=str(name),
            index=int(index),
            groups=tuple((str(n), int(i)) for n, i in groups),
            native=str(data["native"]),
            quotes=[int(q) for q in data["quotes"]],
            counters={str(k): [int(v) for v in values] for k, values in data["counters"].items()},
            scopes=[[str(s) for s in scope] for scope in data["scopes"]],
            strings={
                (str(n), str(k)): tuple(str(v) for v in value) for n, k, value in data["strings"]
            },
            across=(float(across[0]), float(across[1])) if across else None,
        )


Anchors = list[list[tuple[str, float, float]]]
Bookmarks = list[list[tuple[int, str, float, float, str]]]


@dataclass
class Stamps:
    """A piece's pages as its stamps need them, and the places in its body that move
    with it (as laid out, in CSS pixels)."""

    pages: list[PageStamp]
    #: a page inside it opens on a given side (a part on a recto): moved by even counts only
    sided: bool
    anchors: Anchors  #: per page: (name, x, y)
    bookmarks: Bookmarks  #: per page: (level, label, x, y, state)

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": [page.to_json() for page in self.pages],
            "sided": self.sided,
            "anchors": self.anchors,
            "bookmarks": self.bookmarks,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Stamps:
        return cls(
            [PageStamp.from_json(page) for page in data["pages"]],
            bool(data["sided"]),
            [[(str(n), float(x), float(y)) for n, x, y in page] for page in data["anchors"]],
            [
                [(int(lv), str(lb), float(x), float(y), str(st)) for lv, lb, x, y, st in page]
                for page in data["bookmarks"]
            ],
        )

    def drawn_anchors(self) -> Anchors:
        """The anchors where the pages are drawn (moved across with their bodies)."""
        moves = [page.moved or (0.0, 0.0) for page in self.pages]
        return [
            [(name, x + dx, y + dy) for name, x, y in names] if (dx, dy) != (0.0, 0.0) else names
            for names, (dx, dy) in zip(self.anchors, moves, strict=True)
        ]

    def drawn_bookmarks(self) -> Bookmarks:
        moves = [page.moved or (0.0, 0.0) for page in self.pages]
        return [
            [(lv, lb, x + dx, y + dy, st) for lv, lb, x, y, st in marks]
            if (dx, dy) != (0.0, 0.0)
            else marks
            for marks, (dx, dy) in zip(self.bookmarks, moves, strict=True)
        ]

    def moved_to(self, folio_shift: int, sides: list[str]) -> Stamps:
        """The same pages, their folios moved on by ``folio_shift`` and on ``sides``."""
        pages = []
        for page, side in zip(self.pages, sides, strict=True):
            counters = dict(page.counters)
            counters["page"] = [value + folio_shift for value in counters.get("page", [])]
            pages.append(dataclasses.replace(page, side=side, counters=counters))
        return Stamps(pages, self.sided, self.anchors, self.bookmarks)

    def can_move(self, sides: list[str]) -> bool:
        """Whether the body can be drawn on ``sides`` without laying it out again."""
        if self.sided and [p.side for p in self.pages] != sides:
            return False
        return all(
            side == page.native or page.across is not None
            for page, side in zip(self.pages, sides, strict=True)
        )


def stamped_theme(document: PrintDocument) -> bool:
    """Whether the document's margin boxes can be stamped: none prints a running element."""
    texts = [document.page_css]
    for path in document.stylesheets:
        try:
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return False
    return not any(re.search(r"\belement\s*\(", text) for text in texts)


def record(
    context: Any, page: Any, state: Any, side: str, across: tuple[float, float] | None
) -> PageStamp:
    """The stamp of a page being laid out (at its margin boxes' time), falling on ``side``."""
    quote_depth, counter_values, counter_scopes, _ = state
    strings: dict[tuple[str, str], tuple[str, ...]] = {}
    for name in list(context.string_set):
        for keyword in _KEYWORDS:
            strings[(name, keyword)] = tuple(context.get_string_set_for(page, name, keyword))
    page_type = page.page_type
    return PageStamp(
        side=side,
        blank=bool(page_type.blank),
        name=str(page_type.name),
        index=int(page_type.index),
        groups=tuple((str(n), int(i)) for n, i in page_type.groups),
        native=str(page_type.side),
        quotes=list(quote_depth),
        counters={name: list(values) for name, values in counter_values.items()},
        scopes=[sorted(scope) for scope in counter_scopes],
        strings=strings,
        across=across,
    )


@contextmanager
def marked_drawing(only_margins: bool = False) -> Iterator[None]:
    """Draw pages with :data:`UNDER`, :data:`OVER` and :data:`END` marks; with
    ``only_margins``, draw the page's margin boxes and backgrounds alone (the stamps)."""
    import weasyprint.document as document_module
    from weasyprint.draw import draw_background, draw_border, draw_stacking_context
    from weasyprint.draw.border import set_mask_border
    from weasyprint.formatting_structure import boxes
    from weasyprint.stacking import StackingContext

    original = document_module.draw_page

    def draw_page(page: Any, stream: Any) -> None:  # WeasyPrint 70's, with marks
        marks = page.style["marks"]
        stacking_context = StackingContext.from_page(page)
        if only_margins:
            for name in ("negative_z_contexts", "zero_z_contexts", "positive_z_contexts"):
                kept = [
                    child
                    for child in getattr(stacking_context, name)
                    if isinstance(child.box, boxes.MarginBox)
                ]
                setattr(stacking_context, name, kept)
        stream.stream.append(UNDER)
        draw_background(
            stream,
            stacking_context.box.background,
            clip_box=False,
            bleed=page.bleed,
            marks=marks,
        )
        set_mask_border(stream, page)
        draw_background(stream, page.canvas_background, clip_box=False)
        draw_border(stream, page)
        stream.stream.append(OVER)
        draw_stacking_context(stream, stacking_context)
        stream.stream.append(END)

    document_module.draw_page = draw_page
    try:
        yield
    finally:
        document_module.draw_page = original


def lay_out_stamps(
    document: PrintDocument, resolver: Resolver, html: str, stamps: Stamps
) -> tuple[bytes, list[Any]]:
    """The margin boxes of ``stamps``' pages, laid out and drawn in a document of their
    own (untagged: they become artifacts), and the page boxes (for their folios)."""
    import weasyprint.layout as layout
    import weasyprint.layout.page as layout_page
    from weasyprint.layout import LayoutContext

    from .pdf import _write, lay_out, mark_spaced_runs

    pages = stamps.pages
    PageType = layout_page.PageType
    types = [PageType(p.side, p.blank, p.name, p.index, p.groups) for p in pages]
    body = "".join('<div style="break-before: page"></div>' for page in pages if not page.blank)
    stamp_html = _with_body(html, body or "<div></div>")
    original_type = layout_page.PageType
    original_margins = layout.make_margin_boxes
    original_strings = LayoutContext.get_string_set_for
    original_running = LayoutContext.get_running_element_for

    def page_type(side: str, blank: bool, name: str, index: int, groups: Any) -> Any:
        return (
            types[index] if index < len(types) else original_type(side, blank, name, index, groups)
        )

    def margins(context: Any, page: Any, state: Any) -> Any:
        stamp = pages[context.current_page - 1]
        recorded: tuple[Any, ...] = (
            list(stamp.quotes),
            {name: list(values) for name, values in stamp.counters.items()},
            [set(scope) for scope in stamp.scopes],
            [],
        )
        in_margins.append(True)
        try:
            return original_margins(context, page, recorded)
        finally:
            in_margins.pop()

    def strings(context: Any, page: Any, name: str, keyword: str = "first") -> Any:
        return pages[context.current_page - 1].strings.get((name, keyword), ())

    in_margins: list[bool] = []
    original_styles = layout_page.set_page_type_computed_styles
    alike: dict[tuple[Any, ...], Any] = {}

    def styles(page_type: Any, html: Any, style_for: Any) -> None:
        """The styles of a page type whose @page rules match alike another's (the same
        side, blankness and selectors matched) are that type's: every page of a piece
        has a type of its own (its index), and computing the same margin boxes' styles
        again was most of a stamp's time."""
        selectors = [
            selector[2]
            for sheet, _, _ in style_for._sheets
            for _, selector_list, _ in sheet.page_rules
            for selector in selector_list
        ]
        matched = tuple(style_for._page_type_match(selector, page_type) for selector in selectors)
        key = (page_type.side, page_type.blank, page_type.name, matched)
        same = alike.get(key)
        if same is None:
            alike[key] = page_type
            original_styles(page_type, html, style_for)
            return
        for held in (style_for._cascaded_styles, style_for._computed_styles):
            for element, pseudo_type in [k for k in held if k[0] == same]:
                held[(page_type, pseudo_type)] = held[(element, pseudo_type)]

    def running(context: Any, page: Any, name: str, keyword: str = "first") -> Any:
        if in_margins:
            raise NotStamped(f"a margin box prints the running element {name!r}")
        return original_running(context, page, name, keyword)

    layout_page.PageType = page_type
    layout_page.set_page_type_computed_styles = styles
    layout.make_margin_boxes = margins
    LayoutContext.get_string_set_for = strings
    LayoutContext.get_running_element_for = running
    try:
        rendered = lay_out(dataclasses.replace(document, html=stamp_html), resolver)
        if len(rendered.pages) != len(pages):
            raise NotStamped(f"{len(rendered.pages)} stamps for {len(pages)} pages")
        with marked_drawing(only_margins=True):
            data = _write(rendered, document, "", tagged=False)
    finally:
        layout_page.PageType = original_type
        layout_page.set_page_type_computed_styles = original_styles
        layout.make_margin_boxes = original_margins
        LayoutContext.get_string_set_for = original_strings
        LayoutContext.get_running_element_for = original_running
    return mark_spaced_runs(data), [page._page_box for page in rendered.pages]


def stamp_piece(
    document: PrintDocument, resolver: Resolver, html: str, body: bytes, stamps: Stamps
) -> tuple[bytes, list[tuple[int, bool] | None]]:
    """The piece drawn from its ``body`` (letterspaced runs marked) with ``stamps``, and
    the folio each page prints."""
    from .pdf_pages import printed_folio

    stamp_pdf, page_boxes = lay_out_stamps(document, resolver, html, stamps)
    return splice(body, stamp_pdf, stamps), [printed_folio(box) for box in page_boxes]


def _with_body(html: str, body: str) -> str:
    """The document ``html`` with ``body`` for its body's content."""
    start = html.find("<body")
    if start < 0:
        return f"{html}<body>{body}</body>"
    open_end = html.find(">", start) + 1
    end = html.rfind("</body>")
    return html[:open_end] + body + (html[end:] if end >= open_end else "</body></html>")


def splice(body_pdf: bytes, stamp_pdf: bytes, stamps: Stamps) -> bytes:
    """The piece's pages: each body (moved across where ``stamps`` says) with its
    stamp's backgrounds under it and its margin boxes over it, drawn in its content as
    artifacts; the stamps' resources join the body's under names of their own."""
    import pikepdf

    with pikepdf.open(io.BytesIO(body_pdf)) as body, pikepdf.open(io.BytesIO(stamp_pdf)) as stamp:
        plans: dict[tuple[int, int], _Resources] = {}
        for page, stamp_page, page_stamp in zip(body.pages, stamp.pages, stamps.pages, strict=True):
            content = page.obj.Contents.read_bytes()
            before, _, drawn, after = _cut(content)  # the body's own backgrounds go
            stamp_before, under, over, _ = _cut(stamp_page.obj.Contents.read_bytes())
            if stamp_before != before:  # the stamp is drawn in the body's coordinates
                raise NotStamped("a stamp's page is not the size of its body's")
            held = stamp_page.obj.get("/Resources")
            if held is not None and not held.is_indirect:
                held = stamp.make_indirect(held)
            if held is None:
                plan = _Resources(body, None)
            elif held.objgen in plans:
                plan = plans[held.objgen]
            else:
                plan = plans[held.objgen] = _Resources(body, held)
            plan.join(page)
            parts = [before]
            if under.strip():
                parts.append(b"q\n/Artifact BMC\n" + plan.renamed(under) + b"\nEMC\nQ")
            moved = page_stamp.moved
            if moved is None:
                parts.append(drawn)
            else:
                offset = b"q 1 0 0 1 %s %s cm" % (_number(moved[0]), _number(moved[1]))
                parts += [offset, drawn, b"Q"]
                _move_annotations(page, moved)
            if over.strip():
                parts.append(b"q\n/Artifact BMC\n" + plan.renamed(over) + b"\nEMC\nQ")
            parts.append(after)
            page.obj.Contents = body.make_stream(b"\n".join(parts))
        if any(page.moved for page in stamps.pages):
            _move_figures(body, stamps)
        output = io.BytesIO()
        body.save(output, fix_metadata_version=False, deterministic_id=True)
        return output.getvalue()


class _Resources:
    """A stamp document's resources, copied into the body's under new names (``/S_``
    before each), and the stamps' content renamed to match."""

    def __init__(self, body: Any, held: Any) -> None:
        import pikepdf

        self.copied: dict[str, dict[str, Any]] = {}
        self.names: dict[bytes, bytes] = {}
        if held is not None:
            copied = body.copy_foreign(held)
            for category, entries in copied.items():
                if not isinstance(entries, pikepdf.Dictionary):
                    continue  # /ProcSet
                self.copied[category] = {}
                for name, value in entries.items():
                    new = "/S_" + name[1:]
                    self.copied[category][new] = value
                    self.names[name.encode("latin-1")] = new.encode("latin-1")
        alternatives = b"|".join(re.escape(n) for n in sorted(self.names, key=len, reverse=True))
        self.pattern = re.compile(b"(?:" + alternatives + rb")(?=[\s/\[\]<>(){}%]|$)")
        self.joined: set[tuple[int, int]] = set()

    def join(self, page: Any) -> None:
        """Add the renamed resources to the page's (once for resources pages share)."""
        import pikepdf

        if not self.copied:
            return
        if "/Resources" not in page.obj:
            page.obj.Resources = pikepdf.Dictionary()
        resources: Any = page.obj.Resources
        if resources.is_indirect:
            if resources.objgen in self.joined:
                return
            self.joined.add(resources.objgen)
        for category, entries in self.copied.items():
            if category not in resources:
                resources[category] = pikepdf.Dictionary()
            held = resources[category]
            for name, value in entries.items():
                existing = held.get(name)
                if existing is not None and not _same(existing, value):
                    raise NotStamped(f"the body already names a resource {name}")
                held[name] = value

    def renamed(self, content: bytes) -> bytes:
        """The stamp's content, with the resources' new names."""
        if not self.names:
            return content
        return self.pattern.sub(lambda match: self.names[match.group(0)], content)


def _cut(content: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """A page's content: before the page is drawn, its backgrounds, its boxes, after."""
    under = content.find(UNDER)
    over = content.find(OVER, under)
    end = content.find(END, over)
    if min(under, over, end) < 0:
        raise NotStamped("a page was not drawn with the stamps' marks")
    return (
        content[:under],
        content[under + len(UNDER) : over],
        content[over + len(OVER) : end],
        content[end + len(END) :],
    )


def _same(one: Any, other: Any) -> bool:
    if one.is_indirect and other.is_indirect:
        return bool(one.objgen == other.objgen)
    return bool(one.unparse() == other.unparse())


def _number(value: float) -> bytes:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


def _move_annotations(page: Any, moved: tuple[float, float]) -> None:
    """Move the page's link rectangles with its body (PDF points, y up)."""
    import pikepdf

    dx, dy = moved[0] * _SCALE, -moved[1] * _SCALE
    for annotation in page.obj.get("/Annots", []):
        if "/Rect" in annotation:
            x1, y1, x2, y2 = (float(v) for v in annotation.Rect)
            annotation.Rect = pikepdf.Array([x1 + dx, y1 + dy, x2 + dx, y2 + dy])
        if "/QuadPoints" in annotation:
            points = [float(v) for v in annotation.QuadPoints]
            annotation.QuadPoints = pikepdf.Array(
                [v + (dx if i % 2 == 0 else dy) for i, v in enumerate(points)]
            )


def _move_figures(pdf: Any, stamps: Stamps) -> None:
    """Move the layout boxes of the figures' tags (CSS pixels) with their pages' bodies."""
    import pikepdf

    moves = {
        page.obj.objgen: stamp.moved
        for page, stamp in zip(pdf.pages, stamps.pages, strict=True)
        if stamp.moved is not None
    }
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/S") != pikepdf.Name.Figure:
            continue
        attributes = obj.get("/A")
        if not isinstance(attributes, pikepdf.Dictionary) or "/BBox" not in attributes:
            continue
        moved = moves.get(obj.Pg.objgen) if "/Pg" in obj else None
        if moved is not None:
            x1, y1, x2, y2 = (float(v) for v in attributes.BBox)
            dx, dy = moved
            attributes.BBox = pikepdf.Array([x1 + dx, y1 + dy, x2 + dx, y2 + dy])
