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
                                  published one)
the entry's categories            ``tags``
the entry's content, else its     the body, HTML converted to Markdown (scripts,
summary                           styles, frames and images dropped; links kept
                                  only to http, https and mailto addresses)
the entry's id, else its link     the source key in the import record
================================  ==============================================

``kind`` is the one given with ``--kind`` (default ``film``): a feed does not say
what kind of work its posts review. An entry without a title or without text is
passed over.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import feedparser
from bs4 import BeautifulSoup

from ..diagnostics import Diagnostic, Report
from .common import Entry, FrontValue, ImportFailed, Passed, Reading, images_note
from .markup import html_to_markdown
from .sources import read_source, read_sources
from .writing import ImportResult, write_entries

__all__ = ["import_feed", "read_feed"]


def _text(detail: Any, value: object) -> str:
    """A title or a name as plain text, whatever markup the feed gave it."""
    text = str(value or "")
    kind = str(detail.get("type", "")) if isinstance(detail, dict) else ""
    if "html" in kind:
        text = BeautifulSoup(text, "html.parser").get_text()
    return " ".join(text.split())


def _person(detail: Any, fallback: object) -> str | None:
    name = detail.get("name") if isinstance(detail, dict) else None
    name = " ".join(str(name or fallback or "").split())
    # A bare e-mail address (RSS's <author>) is no byline.
    return name if name and "@" not in name else None


def _published(entry: Any) -> date | None:
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    return date(moment[0], moment[1], moment[2]) if moment else None


def _content(entry: Any) -> tuple[str, bool]:
    """The entry's text and whether it is HTML: its content, else its summary."""
    contents = [item for item in entry.get("content") or [] if item.get("value")]
    contents.sort(key=lambda item: "html" not in str(item.get("type", "")))
    if contents:
        item = contents[0]
        return str(item["value"]), "html" in str(item.get("type", "text/html"))
    detail = entry.get("summary_detail") or {}
    return str(entry.get("summary") or ""), "html" in str(detail.get("type", "text/html"))


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
    publication = _text(feed.get("title_detail"), feed.get("title"))
    feed_author = _person(feed.get("author_detail"), feed.get("author"))
    reading = Reading()
    for number, item in enumerate(parsed.get("entries") or [], start=1):
        title = _text(item.get("title_detail"), item.get("title"))
        origin = f"{path.name} entry {number}" + (f" ({title})" if title else "")
        text, is_html = _content(item)
        if not title:
            reading.passed.append(Passed(origin, "no title"))
            continue
        body = html_to_markdown(text if is_html else html.escape(text), line_breaks=not is_html)
        if not body.text.strip():
            reading.passed.append(Passed(origin, "no text"))
            continue
        byline = _person(item.get("author_detail"), item.get("author")) or feed_author
        byline = byline or reviewer
        if byline is None:
            report.error(
                "I517",
                f"entry {number} ({title}) names no author, and neither does the feed",
                path=path,
                hint="give the byline with --reviewer NAME",
            )
            continue
        fields: dict[str, FrontValue] = {"title": title, "kind": kind, "reviewer": [byline]}
        if publication:
            fields["publication"] = publication
        if (published := _published(item)) is not None:
            fields["published"] = published
        tags = [
            str(tag.get("term") or tag.get("label") or "").strip() for tag in item.get("tags") or []
        ]
        if tags := list(dict.fromkeys(tag for tag in tags if tag)):
            fields["tags"] = tags
        key = str(item.get("id") or item.get("link") or f"{title} {fields.get('published', '')}")
        notes = images_note(body.images_dropped)
        reading.entries.append(Entry(f"feed:{key}", fields, body.text, origin, notes))
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
