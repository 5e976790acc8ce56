"""The readers of a review's front-matter values: one function per kind of value
(text, names, a year, a date, tags...), each normalising the value or raising
:class:`Invalid` with what is wrong and how to fix it. :mod:`.review` maps each key
to its reader (``FIELDS``).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ..model import KINDS
from .frontmatter import Field


class Invalid(Exception):
    """A front-matter value is wrong; the message says how, the hint how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def read_text(field: Field) -> str:
    if isinstance(field.value, (list, dict)):
        raise Invalid("must be a single line of text, not a list", "write it on one line")
    if field.value is None:
        raise Invalid("is empty", "write a value after the colon, or remove the line")
    # A number or date where text is expected keeps the text as written: "0123", "1984".
    text = field.text if field.text is not None else str(field.value)
    text = " ".join(text.split())
    if not text:
        raise Invalid("is empty", "write a value after the colon, or remove the line")
    return text


def read_names(field: Field) -> tuple[str, ...]:
    values = field.value if isinstance(field.value, list) else [field.value]
    names = []
    for value in values:
        if isinstance(value, (list, dict)) or value is None:
            raise Invalid("must be a name or a list of names", "e.g. [Ada Lovelace, Alan Turing]")
        names.append(" ".join(str(value).split()))
    if not any(names):
        raise Invalid("is empty", "write at least one name")
    return tuple(name for name in names if name)


def read_year(field: Field) -> int:
    value = field.value
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return value
    raise Invalid(f"must be a four-digit year, got '{field.text or value}'", "e.g. year: 1927")


def read_kind(field: Field) -> str:
    kind = read_text(field).lower()
    if kind not in KINDS:
        raise Invalid(f"must be one of {', '.join(KINDS)}; got '{kind}'", "e.g. kind: film")
    return kind


def read_date(field: Field) -> date:
    value = field.value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:  # quoted, "1995-11-06": still a date
            return date.fromisoformat(value.strip())
        except ValueError:
            pass  # "2023-02-30": said below
    raise Invalid(
        f"must be a date written as YYYY-MM-DD, got '{field.text or value}'",
        "e.g. published: 2011-01-12",
    )


def read_tags(field: Field) -> tuple[str, ...]:
    values = field.value if isinstance(field.value, list) else [field.value]
    tags = []
    for value in values:
        if isinstance(value, (list, dict)) or value is None:
            raise Invalid("must be a list of words", "e.g. tags: [drama, romance]")
        tags.append(" ".join(str(value).split()).lower())
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def read_rating(field: Field) -> str:
    # "rating: 7" alone gives no scale: say so instead of guessing one.
    if isinstance(field.value, (int, float)) and not isinstance(field.value, bool):
        raise Invalid(
            f"'{field.text}' has no scale",
            f"write the score over its scale, e.g. rating: {field.text}/10",
        )
    return read_text(field)


def read_id(field: Field) -> str:
    value = read_text(field)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
        raise Invalid(
            f"'{value}' is not a usable id",
            "use letters, digits, '-', '_' and '.', starting with a letter or digit",
        )
    return value


def read_language(field: Field) -> str:
    value = read_text(field)
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise Invalid(f"'{value}' is not a BCP 47 language tag", "e.g. language: fr or pt-BR")
    return value


def read_spoilers(field: Field) -> bool:
    if isinstance(field.value, bool):
        return field.value
    got = "nothing" if field.value is None else f"'{field.text or field.value}'"
    raise Invalid(
        f"must be true or false (in lower case, without quotes), got {got}",
        "write spoilers: true when the review gives away the plot, or remove the line",
    )
