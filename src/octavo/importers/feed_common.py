"""What the feed importers share: dates as the feed wrote them, names, titles, bodies.

A feed's dates carry their own offset (``Sun, 6 Feb 2022 06:32:58 +1300``, or
``2022-02-06T06:32:58+13:00`` in Atom). The day a reader saw is the day in that
offset: feedparser's ``*_parsed`` fields are in UTC, so taking the date from them
moves every entry written before 13:00 in New Zealand to the day before. The
date is therefore read from the entry's own text, and the UTC value is used
only when that text is in a form neither RFC 822 nor ISO 8601 can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from bs4 import BeautifulSoup

from .common import FrontValue, images_note
from .markup import html_to_markdown

__all__ = [
    "Body",
    "Draft",
    "date_in_own_offset",
    "entry_date",
    "feed_text",
    "markdown_body",
    "person",
    "squeeze",
]

#: Keys written before ``reviewer``, in this order: what the work is.
_WORK_KEYS = ("title", "kind", "year", "creator")


@dataclass(frozen=True)
class Draft:
    """A review read from a feed entry, before its byline is settled.

    The byline is the entry's own (its author, the Letterboxd member, the
    Goodreads reader) when it has one, else the name given with ``--reviewer``.
    """

    #: the source key in the import record: ``feed:`` and the entry's id
    key: str
    #: the front matter, in the order it is written, without ``reviewer``
    fields: dict[str, FrontValue]
    #: the review text, in Markdown
    body: str
    #: the byline the feed gives, if any
    byline: str | None = None
    notes: tuple[str, ...] = ()

    def front_matter(self, reviewer: str) -> dict[str, FrontValue]:
        """The fields with ``reviewer`` in its place, after what names the work."""
        work = {k: v for k, v in self.fields.items() if k in _WORK_KEYS}
        rest = {k: v for k, v in self.fields.items() if k not in _WORK_KEYS}
        return {**work, "reviewer": [reviewer], **rest}


def date_in_own_offset(text: object) -> date | None:
    """The calendar date of a feed's date text, in the offset the text gives.

    RFC 822 (RSS: ``Sun, 6 Feb 2022 06:32:58 +1300``) and ISO 8601 (Atom:
    ``2022-02-06T06:32:58+13:00``, ``...Z``, or a bare ``2022-02-06``) are read;
    anything else is None.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    text = text.strip()
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    iso = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
    try:
        return datetime.fromisoformat(iso).date()
    except ValueError:
        return None


def entry_date(item: Any, *names: str) -> date | None:
    """The first of the entry's date fields ``names`` that it has, as the feed wrote it.

    ``entry_date(item, "published", "updated")`` reads ``item["published"]``, and
    only when its text cannot be read falls back on feedparser's UTC
    ``published_parsed``; then the same for ``updated``.
    """
    for name in names:
        written = item.get(name)
        if (day := date_in_own_offset(written)) is not None:
            return day
        moment = item.get(f"{name}_parsed")
        if moment:
            return date(moment[0], moment[1], moment[2])
    return None


def feed_text(detail: Any, value: object) -> str:
    """A title or a name as plain text, whatever markup the feed gave it."""
    text = str(value or "")
    kind = str(detail.get("type", "")) if isinstance(detail, dict) else ""
    if "html" in kind:
        text = BeautifulSoup(text, "html.parser").get_text()
    return " ".join(text.split())


def person(detail: Any, fallback: object) -> str | None:
    """An author's name; a bare e-mail address (RSS's ``<author>``) is no byline."""
    name = detail.get("name") if isinstance(detail, dict) else None
    name = " ".join(str(name or fallback or "").split())
    return name if name and "@" not in name else None


@dataclass(frozen=True)
class Body:
    """A review's text as Markdown, the note on images dropped, and its spoilers."""

    text: str
    notes: tuple[str, ...]
    #: spoiler markup was found and kept as ``{.spoiler}``: the review sets ``spoilers``
    spoilers: bool


def markdown_body(html: str, *, line_breaks: bool) -> Body:
    """``html`` as Markdown."""
    body = html_to_markdown(html, line_breaks=line_breaks)
    return Body(body.text, images_note(body.images_dropped), body.spoilers)


def squeeze(text: str) -> str:
    """``text`` on one line, its runs of white space made one space."""
    return re.sub(r"\s+", " ", text).strip()
