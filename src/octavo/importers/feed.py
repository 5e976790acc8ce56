"""Import a saved RSS or Atom feed: one review file per entry.

The feed is a local file, read as bytes and parsed by feedparser; a web address is
refused (``I508``) and nothing is ever fetched. A blog's feed maps onto review files
like this:

================================  ==============================================
the entry's title                 ``title`` (markup in it is reduced to its text)
the entry's author                ``reviewer``; else the feed's author; else the
                                  name given with ``--reviewer``
the feed's title                  ``publication``
the entry's published date        ``published`` (its updated date when it has no
                                  published one), the day in the date's own
                                  offset, as the feed showed it
the entry's categories            ``tags``
the entry's content, else its     the body, HTML converted to Markdown (scripts,
summary                           styles, frames and images dropped; links kept
                                  only to http, https and mailto addresses)
the entry's id, else its link     the source key in the import record
================================  ==============================================

``kind`` is the one given with ``--kind`` (default ``film``): a feed does not say
what kind of work its posts review. An entry without a title or without text is
passed over. Entries that name no author, in a feed that names none, are one
``I517`` unless ``--reviewer`` gives the byline.

Two sites' feeds say more, and are recognised: a Letterboxd member's feed (its
``letterboxd:`` namespace; :mod:`.feed_letterboxd`) gives film reviews with their
film, year, rating and watched date; a Goodreads shelf (its entries'
``book_id``...; :mod:`.feed_goodreads`) gives book reviews with their author,
rating and read date. For those, ``kind`` is the site's (film, book), not
``--kind``, and a name given with ``--reviewer`` replaces the member's handle.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import feedparser

from ..diagnostics import Diagnostic, Report
from .common import Entry, FrontValue, ImportFailed, Passed, Reading
from .feed_common import Draft, entry_date, feed_text, markdown_body, person
from .feed_goodreads import is_goodreads, owner, read_goodreads_entry
from .feed_letterboxd import is_letterboxd, read_letterboxd_entry, shown_title
from .sources import read_source, read_sources
from .writing import ImportResult, write_entries

__all__ = ["import_feed", "read_feed"]

#: Reads one entry of a feed (the entry, where it is) as a review, or says why not.
EntryReader = Callable[[Any, str], Draft | Passed]


def _content(entry: Any) -> tuple[str, bool]:
    """The entry's text and whether it is HTML: its content, else its summary."""
    contents = [item for item in entry.get("content") or [] if item.get("value")]
    contents.sort(key=lambda item: "html" not in str(item.get("type", "")))
    if contents:
        item = contents[0]
        return str(item["value"]), "html" in str(item.get("type", "text/html"))
    detail = entry.get("summary_detail") or {}
    return str(entry.get("summary") or ""), "html" in str(detail.get("type", "text/html"))


def _blog_entry(kind: str, publication: str) -> EntryReader:
    """The reader of a blog's entries: a review of ``kind`` in ``publication``."""

    def read(item: Any, origin: str) -> Draft | Passed:
        title = feed_text(item.get("title_detail"), item.get("title"))
        if not title:
            return Passed(origin, "no title")
        text, is_html = _content(item)
        body = markdown_body(text if is_html else html.escape(text), line_breaks=not is_html)
        if not body.text.strip():
            return Passed(origin, "no text")
        fields: dict[str, FrontValue] = {"title": title, "kind": kind}
        if publication:
            fields["publication"] = publication
        if (published := entry_date(item, "published", "updated")) is not None:
            fields["published"] = published
        tags = [
            str(tag.get("term") or tag.get("label") or "").strip() for tag in item.get("tags") or []
        ]
        if tags := list(dict.fromkeys(tag for tag in tags if tag)):
            fields["tags"] = tags
        if body.spoilers:
            fields["spoilers"] = True
        key = str(item.get("id") or item.get("link") or f"{title} {fields.get('published', '')}")
        byline = person(item.get("author_detail"), item.get("author"))
        return Draft(f"feed:{key}", fields, body.text, byline, body.notes)

    return read


def _not_a_feed(path: Path, parsed: Any) -> ImportFailed:
    problem = parsed.get("bozo_exception")
    line = problem.getLineNumber() if hasattr(problem, "getLineNumber") else None
    detail = f" ({getattr(problem, 'getMessage', lambda: problem)()})" if problem else ""
    return ImportFailed.single(
        Diagnostic(
            "I514",
            f"is not an RSS or Atom feed{detail}",
            path=path,
            line=line if isinstance(line, int) else None,
            hint="save the feed itself (the XML the feed address serves, starting with <rss"
            " or <feed), not the blog's web page",
        )
    )


def read_feed(path: Path, report: Report, *, kind: str, reviewer: str | None) -> Reading:
    """Read a saved feed; an entry without a reviewer goes to ``report``."""
    data = read_source(path)
    # From bytes, never a name or an address: feedparser fetches what looks like a URL.
    parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=True, sanitize_html=True)
    if not parsed.get("version"):
        raise _not_a_feed(path, parsed)
    feed = parsed.get("feed") or {}
    read_entry: EntryReader
    # A site's feed names its member by a handle ("jos", "Simon"): a name given with
    # --reviewer replaces it. A blog's entries name their own authors: --reviewer is
    # for the entries that name none.
    letterboxd = is_letterboxd(parsed)
    if letterboxd:
        read_entry, feed_byline, overrides = read_letterboxd_entry, None, True
    elif is_goodreads(parsed):
        read_entry, feed_byline, overrides = read_goodreads_entry, owner(parsed), True
    else:
        publication = feed_text(feed.get("title_detail"), feed.get("title"))
        read_entry, overrides = _blog_entry(kind, publication), False
        feed_byline = person(feed.get("author_detail"), feed.get("author"))
    reading = Reading()
    no_byline: list[str] = []
    for number, item in enumerate(parsed.get("entries") or [], start=1):
        title = feed_text(item.get("title_detail"), item.get("title"))
        if letterboxd:  # "Paper Moon (1973)", not "Paper Moon, 1973 - ★★★★½"
            title = shown_title(item, title)
        origin = f"{path.name} entry {number}" + (f" ({title})" if title else "")
        draft = read_entry(item, origin)
        if isinstance(draft, Passed):
            reading.passed.append(draft)
            continue
        own = draft.byline or feed_byline
        byline = (reviewer or own) if overrides else (own or reviewer)
        if byline is None:
            no_byline.append(f"entry {number} ({draft.fields['title']})")
            continue
        fields = draft.front_matter(byline)
        reading.entries.append(Entry(draft.key, fields, draft.body, origin, draft.notes))
    if no_byline:
        more = f" and {len(no_byline) - 1} more" if len(no_byline) > 1 else ""
        report.error(
            "I517",
            f"{no_byline[0]}{more} name{'s' * (not more)} no author, and neither does the feed",
            path=path,
            hint="give the byline with --reviewer NAME",
        )
    return reading


def import_feed(
    sources: Sequence[str | Path],
    to: Path,
    *,
    kind: str = "film",
    reviewer: str | None = None,
    force: bool = False,
) -> ImportResult:
    """Import saved RSS or Atom feeds into review files in ``to``."""
    reading = read_sources(
        sources, lambda path, report: read_feed(path, report, kind=kind, reviewer=reviewer)
    )
    return write_entries(reading, to, force=force)
