"""What every importer shares: the entries it reads, and the values exports have in common.

An importer reads its source (a CSV export, a feed, a WordPress export, text files)
into :class:`Entry` objects, one per review, plus the entries it passed over and
why (:class:`Reading`). :mod:`.sources` reads the source files; :mod:`.writing`
writes the entries as review files, with a record that makes importing again safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from slugify import slugify

from ..diagnostics import Diagnostic, Report
from ..errors import ContentError

__all__ = [
    "RECORD_NAME",
    "BadValue",
    "Entry",
    "FrontValue",
    "ImportFailed",
    "Passed",
    "Reading",
    "bad_value",
    "date_of",
    "images_note",
    "slug_for",
    "split_list",
    "year_of",
]

#: The record of what octavo import wrote, kept in the folder it wrote into.
RECORD_NAME = ".octavo-import.json"
_SLUG_MAX_LENGTH = 80

#: A front-matter value: text (always quoted), a year, a date, or a list of text.
FrontValue = str | int | date | list[str]


class ImportFailed(ContentError):
    """An import found problems in its sources; ``report`` holds every one of them."""

    def __init__(self, report: Report) -> None:
        super().__init__(report)
        self.message = f"Import stopped: {report.summary()}. Nothing was written."
        self.args = (self.message,)

    @classmethod
    def single(cls, diagnostic: Diagnostic) -> ImportFailed:
        report = Report()
        report.add(diagnostic)
        return cls(report)


# ---------------------------------------------------------------------------
# What an importer reads


@dataclass(frozen=True)
class Entry:
    """One review read from a source, ready to be written as a review file."""

    #: identifies the entry in its source, stable across exports:
    #: ``letterboxd:https://boxd.it/1a2B``, ``goodreads:12345``...
    key: str
    #: the front matter, in the order it is written; ``title`` and ``reviewer`` first
    fields: dict[str, FrontValue]
    #: the review text, in Markdown
    body: str
    #: where the entry was read, for messages: ``reviews.csv row 4``
    origin: str
    #: what the import changed on the way, for the user: ``2 remote images dropped``
    notes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return str(self.fields["title"])

    @property
    def stem(self) -> str:
        """The file name the entry asks for, without ``.md``: its title and year."""
        year = self.fields.get("year")
        return slug_for(f"{self.title} {year}" if isinstance(year, int) else self.title)


@dataclass(frozen=True)
class Passed:
    """An entry of the source that is not a review to import, and why."""

    origin: str
    reason: str


@dataclass
class Reading:
    """What an importer read from its sources."""

    entries: list[Entry] = field(default_factory=list)
    passed: list[Passed] = field(default_factory=list)


def slug_for(title: str) -> str:
    """The file name (without ``.md``) for a review of ``title``: ``blue-valentine``."""
    return slugify(title, max_length=_SLUG_MAX_LENGTH, word_boundary=True) or "review"


# ---------------------------------------------------------------------------
# Values that several exports share


class BadValue(Exception):
    """A value of a row or an entry that cannot be read; becomes an ``I513``."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def bad_value(report: Report, path: Path, line: int | None, where: str, bad: BadValue) -> None:
    report.error("I513", f"{where}: {bad.message}", path=path, line=line, hint=bad.hint)


def year_of(text: str, column: str, notes: list[str]) -> int | None:
    """A year column: empty is none; a year a review file cannot hold becomes a note."""
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"-?[0-9]+", text):
        raise BadValue(f"{column} must be a year, got '{text}'", "export the file again")
    year = int(text)
    if not 1000 <= year <= 9999:
        notes.append(f"year {year} left out: a review file's year has four digits")
        return None
    return year


def date_of(text: str, column: str, pattern: str = "%Y-%m-%d") -> date | None:
    """A date column: empty is none."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.strptime(text, pattern).date()
    except ValueError as error:
        shown = pattern.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")
        raise BadValue(
            f"{column} must be a date written {shown}, got '{text}'", "export the file again"
        ) from error


def split_list(text: str) -> list[str]:
    """A comma-separated column (tags, shelves, authors), each item trimmed, once each."""
    return list(dict.fromkeys(item.strip() for item in text.split(",") if item.strip()))


def images_note(count: int) -> tuple[str, ...]:
    if not count:
        return ()
    return (f"{count} image{'s' * (count != 1)} dropped",)
