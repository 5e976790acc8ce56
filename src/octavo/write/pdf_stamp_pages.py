"""What a page's margin boxes print, recorded where its piece is laid out: the data a
piece's stamps are laid out from (:mod:`octavo.write.pdf_stamps`), kept in the cache
with the piece's body so that it can be stamped again where it falls next.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

#: The keywords of ``string(name, keyword)``: a page's value for each is recorded.
KEYWORDS = ("first", "start", "last", "first-except")


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


def record(
    context: Any, page: Any, state: Any, side: str, across: tuple[float, float] | None
) -> PageStamp:
    """The stamp of a page being laid out (at its margin boxes' time), falling on ``side``."""
    quote_depth, counter_values, counter_scopes, _ = state
    strings: dict[tuple[str, str], tuple[str, ...]] = {}
    for name in list(context.string_set):
        for keyword in KEYWORDS:
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
