"""Import a Letterboxd export: its reviews, as film review files.

Letterboxd's export (Settings, Import & Export, Export your data) is a ZIP,
``letterboxd-USER-DATE.zip``, of CSV files. The import takes it as it comes: the ZIP
itself, the folder it was unzipped into, or its ``reviews.csv`` alone. From a ZIP or
a folder, three files are read, and nothing else (see
:func:`.sources.read_export`):

``reviews.csv``
    the reviews, one a row, with the columns Date, Name, Year, Letterboxd URI,
    Rating, Rewatch, Review, Tags and Watched Date;
``diary.csv``
    the diary, for the watched date of a review whose row has none: the diary
    entry with the review's Letterboxd URI, else the one with its Name, Year and
    Date (when that names one watched date);
``profile.csv``
    the reviewer: Given Name and Family Name, else Username.

``diary.csv`` and ``profile.csv`` beside a ``reviews.csv`` given alone are read too.
Each review becomes a film review:

==============  =========================================================
Name            ``title``
Year            ``year`` (left out, with a note, when it is not four digits)
profile.csv     ``reviewer``; ``--reviewer`` overrides it, and is needed when the
                export has no profile
Date            ``published``: the day the review was logged
Watched Date    ``watched`` (an extra key, for templates), else the diary's
Rating          ``rating``: 0.5 to 5 in halves, as ``3.5/5``; empty is no rating
Tags            ``tags``
Review          the body: Letterboxd's ``<i>``, ``<b>``, ``<br>`` and line ends
                become Markdown
Letterboxd URI  the source key in the import record
==============  =========================================================

Rewatch is not imported. A row with no review text is passed over. A file that is
not part of a Letterboxd export (a WordPress export, a Goodreads CSV, Letterboxd's
own diary.csv, a ZIP or folder without reviews.csv) is refused with an I512 that
says what it is and what to give instead.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..diagnostics import Diagnostic, Report
from .common import (
    BadValue,
    Entry,
    FrontValue,
    ImportFailed,
    Reading,
    bad_value,
    date_of,
    images_note,
    split_list,
    year_of,
)
from .exports import ExportFile, read_export
from .markup import html_to_markdown
from .sources import (
    file_kind,
    is_zip,
    read_csv,
    read_source,
    read_sources,
    reviewed_row,
    wrong_kind,
)
from .writing import ImportResult, write_entries

__all__ = ["import_letterboxd", "read_letterboxd"]

_REQUIRED = ("Name", "Review")
_WHAT = "Letterboxd's reviews.csv"
_EXPECTED = "a Letterboxd export"
_GIVE = (
    "the Letterboxd export as downloaded (letterboxd-USER-DATE.zip), the folder it"
    " unzips to, or the reviews.csv in it"
)
_FILES = ("reviews.csv", "diary.csv", "profile.csv")


@dataclass(frozen=True)
class _Export:
    reviews: ExportFile
    diary: ExportFile | None
    profile: ExportFile | None


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


def _starts_as_zip(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return is_zip(file.read(4))
    except OSError:
        return False  # read_source says why


#: Letterboxd's own folders that hold a reviews.csv which is not the member's reviews.
_NOT_THE_REVIEWS = frozenset({"likes", "deleted"})


def _inner_exports(path: Path, folder: bool) -> list[str]:
    """The folders one level down in ``path`` that hold a reviews.csv (a re-zipped export)."""
    if folder:
        found = [sub.name for sub in path.iterdir() if (sub / "reviews.csv").is_file()]
    else:
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return []
        found = [name[: -len("/reviews.csv")] for name in names if name.count("/") == 1]
        found = [name for name in found if f"{name}/reviews.csv" in names]
    return sorted(name for name in found if name and name not in _NOT_THE_REVIEWS)


def _no_reviews_csv(path: Path, folder: bool) -> ImportFailed:
    what = (
        "a folder without reviews.csv" if folder else "a ZIP archive without reviews.csv at its top"
    )
    hint = f"give {_GIVE}"
    if inner := _inner_exports(path, folder):
        hint = (
            f"the export seems to be in {path / inner[0]}: give that folder"
            if folder
            else f"the export seems to be in its folder {inner[0]}: unzip it and give that folder"
        )
    return ImportFailed.single(
        Diagnostic("I512", f"is {what}, not {_EXPECTED}", path=path, hint=hint)
    )


def _open_export(path: Path) -> _Export:
    """The export's files: from a folder, a ZIP, or a reviews.csv and what is beside it."""
    if path.is_dir() or _starts_as_zip(path):
        files = read_export(path, _FILES)
        if "reviews.csv" not in files:
            raise _no_reviews_csv(path, path.is_dir())
        reviews = files["reviews.csv"]
    else:
        reviews = ExportFile(path, read_source(path))
        # Beside a reviews.csv: the rest of the export it was unzipped with.
        beside = path.parent
        files = read_export(beside, _FILES[1:]) if path.name == "reviews.csv" else {}
    found = file_kind(reviews.data)
    if found is not None and found.what != _WHAT:
        expected = _WHAT if found.is_csv else _EXPECTED
        raise wrong_kind(reviews.path, "I512", found, expected, _GIVE)
    return _Export(reviews, files.get("diary.csv"), files.get("profile.csv"))


def _profile_name(profile: ExportFile) -> str | None:
    """The reviewer's name from profile.csv: Given and Family Name, else Username."""
    rows = read_csv(profile.path, ("Username",), "Letterboxd's profile.csv", profile.data)
    if not rows:
        return None
    row = rows[0]
    full = " ".join(f"{row.get('Given Name')} {row.get('Family Name')}".split())
    return full or " ".join(row.get("Username").split()) or None


@dataclass
class _Diary:
    """Watched dates from diary.csv, by Letterboxd URI and by (Name, Year, Date)."""

    by_uri: dict[str, date]
    by_logged: dict[tuple[str, str, str], set[date]]

    def watched(self, uri: str, name: str, year: str, logged: str) -> date | None:
        if uri and uri in self.by_uri:
            return self.by_uri[uri]
        found = self.by_logged.get((name, year, logged), set())
        return next(iter(found)) if len(found) == 1 else None


def _read_diary(diary: ExportFile | None, report: Report) -> _Diary:
    book = _Diary({}, {})
    if diary is None:
        return book
    what = "Letterboxd's diary.csv"
    for row in read_csv(diary.path, ("Name", "Watched Date"), what, diary.data):
        try:
            watched = date_of(row.get("Watched Date"), "Watched Date")
        except BadValue as bad:
            bad_value(report, diary.path, row.line, f"row {row.number}", bad)
            continue
        if watched is None:
            continue
        if uri := row.get("Letterboxd URI"):
            book.by_uri[uri] = watched
        logged = (row.get("Name"), row.get("Year"), row.get("Date"))
        book.by_logged.setdefault(logged, set()).add(watched)
    return book


def read_letterboxd(path: Path, report: Report, reviewer: str | None = None) -> Reading:
    """Read a Letterboxd export (ZIP, folder or reviews.csv); a bad row goes to ``report``.

    ``reviewer`` overrides the name in the export's profile.csv.
    """
    export = _open_export(path)
    reviews = export.reviews
    rows = read_csv(reviews.path, _REQUIRED, _WHAT, reviews.data)
    if reviewer is None and export.profile is not None:
        reviewer = _profile_name(export.profile)
    diary = _read_diary(export.diary, report)
    reading = Reading()
    for row in rows:
        title = row.get("Name")
        found = reviewed_row(
            row, reviews.path, report, reading, title, _REQUIRED, "no review text", "film"
        )
        if found is None:
            continue
        where, origin = found
        notes: list[str] = []
        try:
            year = year_of(row.get("Year"), "Year", notes)
            rating = _rating(row.get("Rating"))
            published = date_of(row.get("Date"), "Date")
            watched = date_of(row.get("Watched Date"), "Watched Date")
        except BadValue as bad:
            bad_value(report, reviews.path, row.line, where, bad)
            continue
        uri = row.get("Letterboxd URI")
        if watched is None:
            watched = diary.watched(uri, title, row.get("Year"), row.get("Date"))
        fields: dict[str, FrontValue] = {"title": title, "kind": "film"}
        if year is not None:
            fields["year"] = year
        if reviewer:  # else I517, below, and the entries are dropped
            fields["reviewer"] = [reviewer]
        if published is not None:
            fields["published"] = published
        if watched is not None:
            fields["watched"] = watched
        if rating is not None:
            fields["rating"] = rating
        if tags := split_list(row.get("Tags")):
            fields["tags"] = tags
        body = html_to_markdown(row.values["Review"], line_breaks=True)
        if body.spoilers:
            fields["spoilers"] = True
        key = uri or f"{title} {year or ''} {row.get('Date')}"
        notes += images_note(body.images_dropped)
        entry = Entry(f"letterboxd:{key}", fields, body.text, origin, tuple(notes))
        reading.entries.append(entry)
    if reading.entries and not reviewer:
        report.error(
            "I517",
            "the export names no reviewer: there is no profile.csv with a name beside"
            " reviews.csv, and no --reviewer was given",
            path=reviews.path,
            hint="give the byline with --reviewer NAME, or import the whole export (its ZIP"
            " or folder), whose profile.csv names you",
        )
        return Reading(passed=reading.passed)
    return reading


def import_letterboxd(
    sources: Sequence[str | Path],
    to: Path,
    *,
    reviewer: str | None = None,
    force: bool = False,
) -> ImportResult:
    """Import Letterboxd exports (ZIPs, folders or reviews.csv files) into ``to``.

    ``reviewer`` is the byline of every review; by default, the name in each
    export's profile.csv.
    """
    reading = read_sources(sources, lambda path, report: read_letterboxd(path, report, reviewer))
    return write_entries(reading, to, force=force)
