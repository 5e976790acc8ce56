"""A Goodreads shelf's RSS feed (``goodreads.com/review/list_rss/USER?shelf=read``).

The feed is recognised by the field Goodreads gives each of its entries,
``book_id``. Each entry is a book on the shelf; only those with a review are
imported, as book reviews:

========================  =====================================================
``title``                 ``title`` (as Goodreads writes it, series and all)
—                         ``kind: book``
``book_published``        ``year`` (when it has four digits)
``author_name``           ``creator``
``user_name``, else the   ``reviewer`` (else ``--reviewer``)
feed's "NAME's bookshelf"
—                         ``publication: Goodreads``
``pubDate``               ``published``, the day in the feed's own offset
``user_rating``           ``rating``: 1 to 5 as ``4/5``; 0 is unrated
``user_read_at``          ``read``, an extra key (kept for templates)
``user_shelves``          ``tags``, without read, to-read and currently-reading
``isbn13``, else ``isbn`` ``isbn``, an extra key
``user_review``           the body; spoiler markup in it (``<spoiler>``, a
                          ``spoiler`` class) sets ``spoilers: true``
the entry's guid          the source key (``feed:https://www.goodreads.com/review/show/...``)
========================  =====================================================

Goodreads also writes every entry's ``description`` as a block of labelled lines
(``author: ... rating: ... read at: ... shelves: ... review: ...``). That block is
never the body: when an entry lacks one of the fields above, its value is read
from the block instead, and the review is the text after ``review:``. An entry
with no review text is passed over.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from bs4 import BeautifulSoup

from .common import FrontValue, Passed, split_list
from .feed_common import (
    Draft,
    date_in_own_offset,
    entry_date,
    feed_text,
    markdown_body,
    squeeze,
)

__all__ = ["is_goodreads", "owner", "read_goodreads_entry"]

#: Goodreads' exclusive shelves: where a book is, not what it is about.
_OWN_SHELVES = frozenset({"read", "to-read", "currently-reading"})
#: The labels of the description's block, in Goodreads' order.
_LABELS = (
    "author",
    "name",
    "average rating",
    "book published",
    "rating",
    "read at",
    "date added",
    "shelves",
    "review",
)
_LABEL = re.compile(
    r"(?:^|<br\s*/?>)\s*(" + "|".join(re.escape(label) for label in _LABELS) + r"):",
    re.IGNORECASE,
)
_OWNER = re.compile(r"^(.+?)(?:'s|’s) bookshelf\b")


def is_goodreads(parsed: Any) -> bool:
    """Whether a parsed feed is a Goodreads shelf: its entries have Goodreads' ``book_id``."""
    return any("book_id" in item for item in parsed.get("entries") or [])


def owner(parsed: Any) -> str | None:
    """The shelf's owner, from the feed's title: ``Simon's bookshelf: read``."""
    title = squeeze(str((parsed.get("feed") or {}).get("title") or ""))
    match = _OWNER.match(title)
    return match.group(1).strip() if match else None


def _block(description: str) -> dict[str, str]:
    """The description's labelled lines, label -> HTML; ``review`` runs to the end."""
    found = list(_LABEL.finditer(description))
    values: dict[str, str] = {}
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(description)
        values.setdefault(match.group(1).lower(), description[match.end() : end])
    return values


def _plain(html: str) -> str:
    return squeeze(BeautifulSoup(html, "html.parser").get_text(" "))


def _review_from_block(html: str) -> str:
    # Goodreads ends the block with <br/> and the indentation of its template.
    return re.sub(r"(?:\s|<br\s*/?>)+$", "", re.sub(r"^(?:\s|<br\s*/?>)+", "", html))


def _rating(text: str) -> str | None:
    text = text.strip()
    return f"{text}/5" if re.fullmatch(r"[1-5]", text) else None


def _year(text: str) -> int | None:
    text = text.strip()
    return int(text) if re.fullmatch(r"[1-9][0-9]{3}", text) else None


def _read_on(text: str) -> date | None:
    if (day := date_in_own_offset(text)) is not None:
        return day
    try:  # the block writes 2020/10/30
        return datetime.strptime(text.strip(), "%Y/%m/%d").date()
    except ValueError:
        return None


def _isbn(text: str) -> str | None:
    value = re.sub(r"[^0-9Xx]", "", text).upper()
    return value if len(value) in (10, 13) else None


def read_goodreads_entry(item: Any, origin: str) -> Draft | Passed:
    """A Goodreads shelf entry as a book review, or why it is passed over."""
    block = _block(str(item.get("summary") or ""))

    def field(name: str, label: str) -> str:
        """The entry's own field, else the block's line of that label, as text."""
        if name in item:
            return squeeze(str(item.get(name) or ""))
        return _plain(block.get(label, ""))

    review = item.get("user_review") if "user_review" in item else None
    html = str(review) if review is not None else _review_from_block(block.get("review", ""))
    if not _plain(html):
        return Passed(origin, "no review")
    title = feed_text(item.get("title_detail"), item.get("title"))
    if not title:
        return Passed(origin, "no title")
    fields: dict[str, FrontValue] = {"title": title, "kind": "book"}
    if (year := _year(field("book_published", "book published"))) is not None:
        fields["year"] = year
    if author := field("author_name", "author"):
        fields["creator"] = [author]
    fields["publication"] = "Goodreads"
    if (published := entry_date(item, "published", "updated")) is not None:
        fields["published"] = published
    if (rating := _rating(field("user_rating", "rating"))) is not None:
        fields["rating"] = rating
    shelves = [s for s in split_list(field("user_shelves", "shelves")) if s not in _OWN_SHELVES]
    if shelves:
        fields["tags"] = shelves
    body = markdown_body(html, line_breaks=True)
    if body.spoilers:
        fields["spoilers"] = True
    if (read_on := _read_on(field("user_read_at", "read at"))) is not None:
        fields["read"] = read_on
    if isbn := _isbn(str(item.get("isbn13") or "")) or _isbn(str(item.get("isbn") or "")):
        fields["isbn"] = isbn
    byline = field("user_name", "name") or None
    key = str(item.get("id") or item.get("link") or f"goodreads book {item.get('book_id')}")
    return Draft(f"feed:{key}", fields, body.text, byline, body.notes)
