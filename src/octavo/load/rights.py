"""A review's rights and credits: ``first_published``, ``permission`` and ``credit``.

The readers of ``first_published`` and ``permission`` (used by :mod:`.review`'s
``FIELDS``), where the review first appeared when ``first_published`` leaves it out,
and the ``credit`` line rendered as inline Markdown. ``rights_holder`` is plain text.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime
from pathlib import Path

from ..model import PERMISSIONS, Body, FirstPublished
from .fields import Invalid, read_text
from .frontmatter import Field
from .markdown import MarkdownContext, render_markdown, typographic
from .unicode_text import normalise_prose


def read_permission(field: Field) -> str:
    # "public domain" and "Public_Domain" are the same answer as "public-domain".
    value = re.sub(r"[\s_]+", "-", read_text(field).lower())
    if value not in PERMISSIONS:
        raise Invalid(
            f"must be one of {', '.join(PERMISSIONS)}; got '{read_text(field)}'",
            "e.g. permission: granted (cleared), pending (asked), public-domain, or own"
            " (written for this book)",
        )
    return value


_FIRST_PUBLISHED_HINT = (
    "e.g. first_published: {publication: Sight and Sound, date: 1962-05-01},"
    " or first_published: Sight and Sound, 1962"
)
_YEAR = re.compile(r"\d{4}")


def _first_date(value: object) -> tuple[date | None, int | None] | None:
    """A first-publication date: a YAML or TOML date, a YYYY-MM-DD text or a year."""
    if isinstance(value, datetime):
        return value.date(), value.year
    if isinstance(value, date):
        return value, value.year
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return None, value
    text = value.strip() if isinstance(value, str) else ""
    if _YEAR.fullmatch(text):
        return None, int(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None
        return day, day.year
    return None


def read_first_published(field: Field) -> FirstPublished:
    """``{publication: ..., date: ...}``, or one line: "Publication, 2019-03-12",
    "Publication, 1962", "Publication", or a date or year alone."""
    value = field.value
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"publication", "date"})
        if unknown:
            raise Invalid(
                f"has the key '{unknown[0]}'; it takes only 'publication' and 'date'",
                _FIRST_PUBLISHED_HINT,
            )
        publication = value.get("publication")
        if publication is not None and (
            isinstance(publication, (list, dict)) or not str(publication).strip()
        ):
            raise Invalid("'publication' must be the name of a periodical", _FIRST_PUBLISHED_HINT)
        when = _first_date(value["date"]) if value.get("date") is not None else (None, None)
        if when is None:
            raise Invalid(
                f"'date' must be a date written as YYYY-MM-DD or a year, got '{value['date']}'",
                _FIRST_PUBLISHED_HINT,
            )
        name = " ".join(str(publication).split()) if publication is not None else None
        return FirstPublished(name, *when)
    if isinstance(value, (date, int)) and (when := _first_date(value)):
        return FirstPublished(None, *when)
    text = read_text(field)
    if when := _first_date(text):
        return FirstPublished(None, *when)
    head, comma, tail = text.rpartition(",")
    if comma and head.strip() and (when := _first_date(tail)):
        return FirstPublished(head.strip(), *when)
    return FirstPublished(text)


def first_appearance(
    given: object, publication: str | None, published: date | None, context: MarkdownContext
) -> FirstPublished | None:
    """``first_published`` with what it leaves out taken from ``publication`` and
    ``published``: a review is first published where the front matter says it was."""
    first = given if isinstance(given, FirstPublished) else FirstPublished()
    if first.publication is not None:
        name = typographic(normalise_prose(first.publication), context.parser)
        first = dataclasses.replace(first, publication=name)
    else:
        first = dataclasses.replace(first, publication=publication)
    if first.year is None and published is not None:
        first = dataclasses.replace(first, date=published, year=published.year)
    if first.publication is None and first.year is None:
        return None
    return first


def credit_line(
    values: dict[str, object],
    lines: dict[str, int],
    review_id: str,
    path: Path,
    context: MarkdownContext,
) -> Body | None:
    """The ``credit`` line rendered as inline Markdown: one paragraph, unwrapped."""
    if "credit" not in values:
        return None
    line = lines["credit"]
    rendered = render_markdown(str(values["credit"]), f"credit-{review_id}", path, line, context)
    match = re.fullmatch(r"\s*<p>(.*)</p>\s*", rendered.html, re.DOTALL)
    if match is None or "<p>" in match.group(1) or rendered.images:
        context.report.error(
            "R202",
            "'credit' must be one line of text (italics, bold and links are allowed),"
            " not blocks, notes or images",
            path,
            line,
            "e.g. credit: First published in *Sight and Sound*, May 1962. Reprinted by"
            " permission of the BFI.",
        )
        return None
    return Body(match.group(1), rendered.words)
