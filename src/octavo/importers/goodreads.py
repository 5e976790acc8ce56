"""Import a Goodreads library export: the rows with a review, as book review files.

Goodreads' export (My Books, Import and export, Export Library) is one CSV file,
``goodreads_library_export.csv``, a row per book on any shelf. Only the rows with
text in My Review are reviews; the others are passed over. Each review becomes a
book review:

=========================  ================================================
Title                      ``title`` (as Goodreads writes it, series and all)
Author, Additional Authors ``creator``: one name, or a list
Original Publication Year  ``year``; Year Published when it is empty (a year
                           that is not four digits, such as -700 for the
                           *Odyssey*, is left out with a note)
My Rating                  ``rating``: 1 to 5 as ``4/5``; 0 means unrated
Date Read                  ``published`` (Goodreads keeps no date for the
                           review itself; this is the nearest)
Bookshelves                ``tags``, without Goodreads' own read, to-read and
                           currently-reading shelves
ISBN13, else ISBN          ``isbn``, an extra key the templates can use
                           (Goodreads writes it as ``="9780..."``)
Spoiler                    ``spoilers: true`` when it is ``true`` (the box
                           "this review contains spoilers"); empty otherwise
My Review                  the body: its ``<br/>`` line breaks and ``<b>``,
                           ``<i>``, ``<a>`` become Markdown, and its
                           ``<spoiler>`` passages ``[...]{.spoiler}``, which
                           also set ``spoilers: true``
Book Id                    the source key in the import record
=========================  ================================================

The export names no reviewer: ``reviewer`` is the name given with ``--reviewer``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..diagnostics import Report
from .common import (
    BadValue,
    Entry,
    FrontValue,
    Reading,
    bad_value,
    date_of,
    images_note,
    split_list,
    year_of,
)
from .markup import html_to_markdown
from .sources import read_csv, read_sources, reviewed_row
from .writing import ImportResult, write_entries

__all__ = ["import_goodreads", "read_goodreads"]

_REQUIRED = ("Book Id", "Title", "Author", "My Rating", "My Review")
_WHAT = "a Goodreads library export"
#: Goodreads' exclusive shelves: where a book is, not what it is about.
_OWN_SHELVES = frozenset({"read", "to-read", "currently-reading"})


def _rating(text: str) -> str | None:
    text = text.strip()
    if text in ("", "0"):
        return None
    if re.fullmatch(r"[1-5]", text):
        return f"{text}/5"
    raise BadValue(
        f"My Rating must be 0 (unrated) to 5, got '{text}'",
        "export the library again from Goodreads, unchanged",
    )


def _isbn(text: str) -> str | None:
    # Goodreads writes ="0123456789" so that spreadsheets keep the leading zero.
    match = re.fullmatch(r'=?"?([0-9Xx-]*)"?', text.strip())
    value = match.group(1).replace("-", "").upper() if match else ""
    return value or None


def _spoiler(text: str) -> bool:
    # Goodreads writes "true" when the reviewer ticked "contains spoilers", else nothing.
    value = text.strip().lower()
    if value in ("", "false"):
        return False
    if value == "true":
        return True
    raise BadValue(
        f"Spoiler must be true or empty, got '{text.strip()}'",
        "export the library again from Goodreads, unchanged",
    )


def _creators(row_author: str, additional: str) -> list[str]:
    names = [" ".join(row_author.split())] if row_author.strip() else []
    return list(dict.fromkeys(names + split_list(additional)))


def read_goodreads(path: Path, report: Report, reviewer: str) -> Reading:
    """Read a Goodreads export; a bad row goes to ``report``, a bad file raises."""
    reading = Reading()
    for row in read_csv(path, _REQUIRED, _WHAT):
        title = " ".join(row.get("Title").split())
        found = reviewed_row(
            row, path, report, reading, title, ("Title", "My Review"), "no review", "book"
        )
        if found is None:
            continue
        where, origin = found
        notes: list[str] = []
        try:
            year = year_of(row.get("Original Publication Year"), "Original Publication Year", notes)
            if year is None and not notes:
                year = year_of(row.get("Year Published"), "Year Published", notes)
            rating = _rating(row.get("My Rating"))
            read_on = date_of(row.get("Date Read"), "Date Read", "%Y/%m/%d")
            spoilers = _spoiler(row.get("Spoiler"))
        except BadValue as bad:
            bad_value(report, path, row.line, where, bad)
            continue
        fields: dict[str, FrontValue] = {"title": title, "kind": "book"}
        if year is not None:
            fields["year"] = year
        if creators := _creators(row.get("Author"), row.get("Additional Authors")):
            fields["creator"] = creators
        fields["reviewer"] = [reviewer]
        if read_on is not None:
            fields["published"] = read_on
        if rating is not None:
            fields["rating"] = rating
        shelves = [s for s in split_list(row.get("Bookshelves")) if s not in _OWN_SHELVES]
        if shelves:
            fields["tags"] = shelves
        if isbn := _isbn(row.get("ISBN13")) or _isbn(row.get("ISBN")):
            fields["isbn"] = isbn
        body = html_to_markdown(row.values["My Review"], line_breaks=True)
        if spoilers or body.spoilers:
            fields["spoilers"] = True
        key = row.get("Book Id") or f"{title} {row.get('Author')}"
        notes += images_note(body.images_dropped)
        entry = Entry(f"goodreads:{key}", fields, body.text, origin, tuple(notes))
        reading.entries.append(entry)
    return reading


def import_goodreads(
    sources: Sequence[str | Path], to: Path, *, reviewer: str, force: bool = False
) -> ImportResult:
    """Import Goodreads library exports (their reviewed books) into ``to``."""
    reading = read_sources(sources, lambda path, report: read_goodreads(path, report, reviewer))
    return write_entries(reading, to, force=force)
