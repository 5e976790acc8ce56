"""Import a Letterboxd export: ``reviews.csv``, one row per review, as review files.

Letterboxd's export (Settings, Import & Export, Export your data) is a zip of CSV
files; ``reviews.csv`` holds the reviews, with the columns Date, Name, Year,
Letterboxd URI, Rating, Rewatch, Review, Tags and Watched Date. Each row becomes a
film review:

==============  =========================================================
Name            ``title``
Year            ``year`` (left out, with a note, when it is not four digits)
Rating          ``rating``: 0.5 to 5 in halves, as ``3.5/5``; empty is no rating
Date            ``published``: the day the review was logged
Tags            ``tags``
Review          the body: Letterboxd's ``<i>``, ``<b>``, ``<br>`` and line ends
                become Markdown
Letterboxd URI  the source key in the import record
==============  =========================================================

The export names no reviewer: ``reviewer`` is the name given with ``--reviewer``.
Rewatch and Watched Date are not part of a review file and are not imported. A row
with no review text is passed over.
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

__all__ = ["import_letterboxd", "read_letterboxd"]

_REQUIRED = ("Name", "Review")
_WHAT = "Letterboxd's reviews.csv"


def _rating(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"[0-9](?:\.[05])?", text):
        value = float(text)
        if 0.5 <= value <= 5:
            return f"{value:g}/5"
    raise BadValue(
        f"Rating must be 0.5 to 5 in halves, got '{text}'",
        "export reviews.csv again from Letterboxd, unchanged",
    )


def read_letterboxd(path: Path, report: Report, reviewer: str) -> Reading:
    """Read ``reviews.csv``; a bad row goes to ``report``, a bad file raises."""
    reading = Reading()
    for row in read_csv(path, _REQUIRED, _WHAT):
        title = row.get("Name")
        found = reviewed_row(
            row, path, report, reading, title, ("Name", "Review"), "no review text", "film"
        )
        if found is None:
            continue
        where, origin = found
        notes: list[str] = []
        try:
            year = year_of(row.get("Year"), "Year", notes)
            rating = _rating(row.get("Rating"))
            published = date_of(row.get("Date"), "Date")
        except BadValue as bad:
            bad_value(report, path, row.line, where, bad)
            continue
        fields: dict[str, FrontValue] = {"title": title, "kind": "film"}
        if year is not None:
            fields["year"] = year
        fields["reviewer"] = [reviewer]
        if published is not None:
            fields["published"] = published
        if rating is not None:
            fields["rating"] = rating
        if tags := split_list(row.get("Tags")):
            fields["tags"] = tags
        body = html_to_markdown(row.values["Review"], line_breaks=True)
        key = row.get("Letterboxd URI") or f"{title} {year or ''} {row.get('Date')}"
        notes += images_note(body.images_dropped)
        entry = Entry(f"letterboxd:{key}", fields, body.text, origin, tuple(notes))
        reading.entries.append(entry)
    return reading


def import_letterboxd(
    sources: Sequence[str | Path], to: Path, *, reviewer: str, force: bool = False
) -> ImportResult:
    """Import Letterboxd ``reviews.csv`` files into review files in ``to``."""
    reading = read_sources(sources, lambda path, report: read_letterboxd(path, report, reviewer))
    return write_entries(reading, to, force=force)
