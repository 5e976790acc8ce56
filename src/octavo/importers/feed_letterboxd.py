"""A Letterboxd member's RSS feed (``letterboxd.com/USER/rss/``), read as film reviews.

The feed is recognised by its namespace, ``https://letterboxd.com``. Its entries
are diary entries, reviews and lists; each film entry carries the film in
fields of its own, so its title (``House of Hummingbird, 2018 - ★★★★½``) is not
used:

==============================  ===============================================
``letterboxd:filmTitle``        ``title``
``letterboxd:filmYear``         ``year``
``tmdb:tvId`` (no movie id)     ``kind: series``; otherwise ``kind: film``
``dc:creator``                  ``reviewer`` (else ``--reviewer``)
—                               ``publication: Letterboxd``
``pubDate``                     ``published``, the day in the feed's own offset
``letterboxd:memberRating``     ``rating``: 0.5 to 5 in halves, as ``4.5/5``;
                                none is no rating
"This review may contain        ``spoilers: true`` (the notice itself is left
spoilers." before the review    out: the book prints its own)
``letterboxd:watchedDate``      ``watched``, an extra key (kept for templates)
``letterboxd:rewatch`` Yes      ``rewatch: "yes"``, an extra key
``tmdb:movieId`` / ``tvId``     ``tmdb_id``, an extra key
the description after the       the body
poster image
the entry's guid                the source key (``feed:letterboxd-review-...``)
==============================  ===============================================

Passed over, and counted: lists (no film fields), and diary entries with no
review text (the description holds only the poster and Letterboxd's "Watched on
Saturday January 15, 2022.").
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import Tag

from .common import FrontValue, Passed
from .feed_common import Draft, date_in_own_offset, entry_date, markdown_body, person, squeeze

__all__ = ["NAMESPACE", "is_letterboxd", "read_letterboxd_entry", "shown_title"]

NAMESPACE = "https://letterboxd.com"
#: What Letterboxd writes in place of a review for a diary entry.
_WATCHED_ON = re.compile(r"Watched on [A-Za-z]+,? [A-Za-z]+ [0-9]{1,2},? [0-9]{4}\.?")
_RATING = re.compile(r"[0-5](?:\.[05]0*)?")
#: What Letterboxd writes before a review its member marked as holding spoilers.
_SPOILER_NOTICE = "This review may contain spoilers."


def is_letterboxd(parsed: Any) -> bool:
    """Whether a parsed feed is a Letterboxd member's feed."""
    namespaces = parsed.get("namespaces") or {}
    return NAMESPACE in {str(uri).rstrip("/") for uri in namespaces.values()}


def shown_title(item: Any, title: str) -> str:
    """The entry's film for messages, ``Paper Moon (1973)``; else its ``title``."""
    film = squeeze(str(item.get("letterboxd_filmtitle") or ""))
    year = squeeze(str(item.get("letterboxd_filmyear") or ""))
    return (f"{film} ({year})" if year else film) if film else title


def _rating(text: str) -> str | None:
    text = text.strip()
    if not _RATING.fullmatch(text):
        return None
    value = float(text)
    return f"{value:g}/5" if 0.5 <= value <= 5 else None


def _year(text: str) -> int | None:
    text = text.strip()
    return int(text) if re.fullmatch(r"[1-9][0-9]{3}", text) else None


def _review_html(description: str) -> tuple[str, bool]:
    """The review in a description, what follows the poster, and its spoiler notice."""
    soup = BeautifulSoup(description, "html.parser")
    paragraphs = [p for p in soup.find_all("p") if isinstance(p, Tag)]
    if paragraphs and paragraphs[0].find("img") and not paragraphs[0].get_text(strip=True):
        paragraphs.pop(0).decompose()  # the poster: the book has no use for a remote image
    spoilers = False
    if paragraphs and squeeze(paragraphs[0].get_text(" ")) == _SPOILER_NOTICE:
        paragraphs.pop(0).decompose()  # said by spoilers: true, in the book's own words
        spoilers = True
    return str(soup), spoilers


def read_letterboxd_entry(item: Any, origin: str) -> Draft | Passed:
    """A Letterboxd feed entry as a film review, or why it is passed over."""
    title = squeeze(str(item.get("letterboxd_filmtitle") or ""))
    guid = str(item.get("id") or "")
    if not title:
        is_list = guid.startswith("letterboxd-list-") or "/list/" in str(item.get("link") or "")
        return Passed(origin, "a list, not a review" if is_list else "no film title")
    html, notice = _review_html(str(item.get("summary") or ""))
    text = squeeze(BeautifulSoup(html, "html.parser").get_text(" "))
    if not text or _WATCHED_ON.fullmatch(text):
        return Passed(origin, "a diary entry with no review text")
    body = markdown_body(html, line_breaks=False)
    tv = str(item.get("tmdb_tvid") or "").strip()
    movie = str(item.get("tmdb_movieid") or "").strip()
    fields: dict[str, FrontValue] = {
        "title": title,
        "kind": "series" if tv and not movie else "film",
    }
    if (year := _year(str(item.get("letterboxd_filmyear") or ""))) is not None:
        fields["year"] = year
    fields["publication"] = "Letterboxd"
    if (published := entry_date(item, "published", "updated")) is not None:
        fields["published"] = published
    if (rating := _rating(str(item.get("letterboxd_memberrating") or ""))) is not None:
        fields["rating"] = rating
    if notice or body.spoilers:
        fields["spoilers"] = True
    if (watched := date_in_own_offset(item.get("letterboxd_watcheddate"))) is not None:
        fields["watched"] = watched
    if str(item.get("letterboxd_rewatch") or "").strip().lower() == "yes":
        fields["rewatch"] = "yes"
    if movie or tv:
        fields["tmdb_id"] = movie or tv
    byline = person(item.get("author_detail"), item.get("author"))
    key = guid or str(item.get("link") or f"{title} {year or ''}")
    return Draft(f"feed:{key}", fields, body.text, byline, body.notes)
