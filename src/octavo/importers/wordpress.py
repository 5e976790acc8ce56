"""Import a WordPress export (WXR): the blog's published posts, as review files.

WordPress's export (Tools, Export, All content or Posts) is one XML file, RSS with
WordPress's own elements. It is parsed with lxml without resolving entities,
without fetching anything (no DTD, no network) and with lxml's size limits on.

Only items of the post types asked for are imported: ``post`` unless
``--post-type`` names others (a theme or plugin may keep reviews as their own
type, ``review``). Every other type (pages, attachments, menu items...) is passed
over and counted by type, so that a type holding reviews is not missed. So are
posts whose status is not the one asked for (``publish`` unless ``--status`` says
otherwise: drafts, private and trashed posts stay out). Each post becomes a review
file:

===========================  ================================================
``title``                    ``title``
``dc:creator`` (a login)     ``reviewer``: the author's display name from the
                             export's ``wp:author`` list; ``--reviewer`` when
                             the post has none
the channel's ``title``      ``publication``
``wp:post_date``             ``published``: the date the blog showed, in its own
                             time zone (``wp:post_date_gmt`` is UTC: a post
                             published at 00:30 in Paris is the day before in
                             it); a draft's ``0000-00-00`` is no date
categories and tags          ``tags`` (WordPress's default "Uncategorized" left out)
``content:encoded``          the body: WordPress's paragraphs (blank lines) and
                             HTML become Markdown; block-editor comments,
                             scripts, frames, shortcodes and images are dropped
``guid``, else the post id   the source key in the import record
===========================  ================================================

``kind`` is the one given with ``--kind`` (default ``film``).
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from lxml import etree

from ..diagnostics import Diagnostic, Report
from .common import Entry, FrontValue, ImportFailed, Passed, Reading, images_note
from .markup import html_to_markdown
from .sources import file_kind, read_source, read_sources, wrong_kind
from .writing import ImportResult, write_entries

__all__ = ["OtherPostType", "import_wordpress", "post_type_counts", "read_wordpress"]

_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_DC = "http://purl.org/dc/elements/1.1/"
#: WXR 1.0, 1.1 and 1.2 (not the excerpt namespace, which shares the prefix).
_WP = re.compile(r"https?://wordpress\.org/export/[0-9.]+/")
#: Shortcodes are WordPress's, not text: [caption ...], [/caption], [gallery ids="1"].
_SHORTCODE = re.compile(r"\[/?(?:caption|gallery|embed|video|audio|playlist|wp_caption)\b[^\]]*\]")
_GIVE = "the WordPress export file (WXR, an .xml file from Tools, Export in WordPress)"
#: A four-digit year in a pubDate; a draft's is -0001.
_RFC_YEAR = re.compile(r"(?<![-0-9])[1-9][0-9]{3}(?![0-9])")
_EMBED = re.compile(r"\[embed\b[^\]]*\].*?\[/embed\]", re.DOTALL)


@dataclass(frozen=True)
class OtherPostType(Passed):
    """An item of a post type that was not asked for (a page, an attachment...)."""

    post_type: str = ""


def post_type_counts(passed: Sequence[Passed]) -> dict[str, int]:
    """How many items of each post type were passed over, in the order first met."""
    counts: dict[str, int] = {}
    for item in passed:
        if isinstance(item, OtherPostType):
            counts[item.post_type] = counts.get(item.post_type, 0) + 1
    return counts


def _parse(path: Path, data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    declared: set[str] = set()
    while True:
        try:
            root = etree.fromstring(data, parser)
            break
        except etree.XMLSyntaxError as error:
            # Real WordPress.com exports hold <atom:link> without declaring atom:,
            # and WordPress's own importer reads them. Declare the prefix in the
            # <rss> start tag (same line, so line numbers hold) and read again.
            undeclared = _UNDECLARED.match(error.msg or "")
            prefix = undeclared.group(1) if undeclared else ""
            if prefix and prefix not in declared and len(declared) < 8:
                patched = _declare(data, prefix)
                if patched is not None:
                    declared.add(prefix)
                    data = patched
                    continue
            raise ImportFailed.single(
                Diagnostic(
                    "I515",
                    f"is not valid XML: {error.msg}",
                    path=path,
                    line=error.lineno or None,
                    column=error.offset or None,
                    hint="export the site again from WordPress (Tools, Export); a file cut"
                    " short or edited by hand is refused",
                )
            ) from error
    if root is None:
        raise _not_wxr(path, None)
    return root


#: libxml2's error for an element or attribute whose prefix is not declared.
_UNDECLARED = re.compile(r"Namespace prefix ([A-Za-z_][A-Za-z0-9_.-]*) (?:on|for) ")
_KNOWN_NAMESPACES = {"atom": "http://www.w3.org/2005/Atom"}


def _declare(data: bytes, prefix: str) -> bytes | None:
    """``data`` with ``prefix`` declared on its ``<rss>`` element; None without one."""
    uri = _KNOWN_NAMESPACES.get(prefix, f"urn:octavo:undeclared:{prefix}")
    declaration = f' xmlns:{prefix}="{uri}"'.encode()
    patched, count = re.subn(rb"<rss(?=[\s>])", b"<rss" + declaration, data, count=1)
    return patched if count else None


def _not_wxr(path: Path, line: int | None) -> ImportFailed:
    return ImportFailed.single(
        Diagnostic(
            "I516",
            "is XML but not a WordPress export (no <rss> with WordPress's wp: elements)",
            path=path,
            line=line,
            hint="export from WordPress with Tools, Export; for a blog's feed use"
            " octavo import feed",
        )
    )


def _line(element: etree._Element) -> int | None:
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def _child_text(element: etree._Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _published(item: etree._Element, wp: str) -> date | None:
    """The date the blog showed: its local ``wp:post_date``, else the UTC ones.

    A draft has ``0000-00-00 00:00:00`` (and a ``pubDate`` in the year -1): no date.
    """
    for tag in (f"{{{wp}}}post_date", f"{{{wp}}}post_date_gmt"):
        text = _child_text(item, tag)
        try:
            day = datetime.strptime(text[:10], "%Y-%m-%d").date()
        except ValueError:  # empty, 0000-00-00, or not a date
            continue
        return day
    rfc = _child_text(item, "pubDate")
    if not _RFC_YEAR.search(rfc):  # "Mon, 30 Nov -0001", which email.utils reads as 2000
        return None
    try:
        return email.utils.parsedate_to_datetime(rfc).date()
    except (TypeError, ValueError, IndexError):
        return None


def _authors(channel: etree._Element, wp: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for author in channel.iterfind(f"{{{wp}}}author"):
        login = _child_text(author, f"{{{wp}}}author_login")
        display = _child_text(author, f"{{{wp}}}author_display_name")
        full = " ".join(
            part
            for part in (
                _child_text(author, f"{{{wp}}}author_first_name"),
                _child_text(author, f"{{{wp}}}author_last_name"),
            )
            if part
        )
        if login:
            names[login] = display or full or login
    return names


def _tags(item: etree._Element) -> list[str]:
    tags = []
    for category in item.iterfind("category"):
        domain = category.get("domain")
        name = " ".join((category.text or "").split())
        if domain not in ("category", "post_tag") or not name:
            continue
        if domain == "category" and category.get("nicename") == "uncategorized":
            continue
        tags.append(name)
    return list(dict.fromkeys(tags))


def read_wordpress(
    path: Path,
    report: Report,
    *,
    kind: str,
    statuses: Sequence[str],
    reviewer: str | None,
    post_types: Sequence[str] = ("post",),
) -> Reading:
    """Read a WXR file; a post without an author goes to ``report``."""
    data = read_source(path)
    found = file_kind(data)
    if found is not None and not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        # A ZIP, a PDF, a CSV export: say what it is rather than where the XML breaks.
        raise wrong_kind(path, "I516", found, "a WordPress export", _GIVE)
    root = _parse(path, data)
    wp = next((uri for uri in root.nsmap.values() if uri and _WP.fullmatch(uri)), None)
    channel = root.find("channel")
    if root.tag != "rss" or wp is None or channel is None:
        raise _not_wxr(path, _line(root))
    publication = _child_text(channel, "title")
    authors = _authors(channel, wp)
    reading = Reading()
    for item in channel.iterfind("item"):
        title = " ".join(_child_text(item, "title").split())
        origin = f"{path.name} line {_line(item)}" + (f" ({title})" if title else "")
        post_type = _child_text(item, f"{{{wp}}}post_type") or "post"
        status = _child_text(item, f"{{{wp}}}status") or "publish"
        if post_type not in post_types:
            reason = f"post type {post_type}; add --post-type {post_type} to import it"
            reading.passed.append(OtherPostType(origin, reason, post_type))
            continue
        if status not in statuses:
            reading.passed.append(
                Passed(origin, f"status {status}; add --status {status} to import it")
            )
            continue
        if not title:
            reading.passed.append(Passed(origin, "no title"))
            continue
        html = _SHORTCODE.sub("", _EMBED.sub("", _child_text(item, f"{{{_CONTENT}}}encoded")))
        body = html_to_markdown(html, line_breaks=True)
        if not body.text.strip():
            reading.passed.append(Passed(origin, "no text"))
            continue
        login = _child_text(item, f"{{{_DC}}}creator")
        byline = authors.get(login, login) or reviewer
        if not byline:
            report.error(
                "I517",
                f"the {post_type} '{title}' names no author",
                path=path,
                line=_line(item),
                hint="give the byline with --reviewer NAME",
            )
            continue
        fields: dict[str, FrontValue] = {"title": title, "kind": kind, "reviewer": [byline]}
        if publication:
            fields["publication"] = publication
        if (published := _published(item, wp)) is not None:
            fields["published"] = published
        if tags := _tags(item):
            fields["tags"] = tags
        if body.spoilers:
            fields["spoilers"] = True
        key = _child_text(item, "guid") or _child_text(item, f"{{{wp}}}post_id") or title
        notes = images_note(body.images_dropped)
        reading.entries.append(Entry(f"wordpress:{key}", fields, body.text, origin, notes))
    return reading


def import_wordpress(
    sources: Sequence[str | Path],
    to: Path,
    *,
    kind: str = "film",
    statuses: Sequence[str] = ("publish",),
    post_types: Sequence[str] = ("post",),
    reviewer: str | None = None,
    force: bool = False,
) -> ImportResult:
    """Import the posts (or the ``post_types`` named) of WordPress exports into ``to``."""
    reading = read_sources(
        sources,
        lambda path, report: read_wordpress(
            path, report, kind=kind, statuses=statuses, reviewer=reviewer, post_types=post_types
        ),
    )
    return write_entries(reading, to, force=force)
