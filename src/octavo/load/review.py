"""Read one review file: front matter and Markdown body -> :class:`Review`.

Every key of the content contract is read through the ``FIELDS`` table, one reader
per key, so each value is normalised in one place. Keys the contract does not know
are kept in ``Review.extra`` for templates.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from ..diagnostics import Report
from ..errors import Refused
from ..limits import MAX_TEXT_BYTES
from ..model import KINDS, PERMISSIONS, Body, FirstPublished, Image, Review, Work
from ..resources import Resolver
from .frontmatter import FORBIDDEN_CHARACTER, Field, split_front_matter
from .manifest import close_key
from .markdown import MarkdownContext, render_markdown, typographic
from .rating import parse_rating
from .unicode_text import normalise_prose


class Invalid(Exception):
    """A front-matter value is wrong; the message says how, the hint how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def _text(field: Field) -> str:
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


def _names(field: Field) -> tuple[str, ...]:
    values = field.value if isinstance(field.value, list) else [field.value]
    names = []
    for value in values:
        if isinstance(value, (list, dict)) or value is None:
            raise Invalid("must be a name or a list of names", "e.g. [Ada Lovelace, Alan Turing]")
        names.append(" ".join(str(value).split()))
    if not any(names):
        raise Invalid("is empty", "write at least one name")
    return tuple(name for name in names if name)


def _year(field: Field) -> int:
    value = field.value
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return value
    raise Invalid(f"must be a four-digit year, got '{field.text or value}'", "e.g. year: 1927")


def _kind(field: Field) -> str:
    kind = _text(field).lower()
    if kind not in KINDS:
        raise Invalid(f"must be one of {', '.join(KINDS)}; got '{kind}'", "e.g. kind: film")
    return kind


def _date(field: Field) -> date:
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


def _tags(field: Field) -> tuple[str, ...]:
    values = field.value if isinstance(field.value, list) else [field.value]
    tags = []
    for value in values:
        if isinstance(value, (list, dict)) or value is None:
            raise Invalid("must be a list of words", "e.g. tags: [drama, romance]")
        tags.append(" ".join(str(value).split()).lower())
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def _rating_text(field: Field) -> str:
    # "rating: 7" alone gives no scale: say so instead of guessing one.
    if isinstance(field.value, (int, float)) and not isinstance(field.value, bool):
        raise Invalid(
            f"'{field.text}' has no scale",
            f"write the score over its scale, e.g. rating: {field.text}/10",
        )
    return _text(field)


def _id(field: Field) -> str:
    value = _text(field)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
        raise Invalid(
            f"'{value}' is not a usable id",
            "use letters, digits, '-', '_' and '.', starting with a letter or digit",
        )
    return value


def _language(field: Field) -> str:
    value = _text(field)
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise Invalid(f"'{value}' is not a BCP 47 language tag", "e.g. language: fr or pt-BR")
    return value


def _spoilers(field: Field) -> bool:
    if isinstance(field.value, bool):
        return field.value
    got = "nothing" if field.value is None else f"'{field.text or field.value}'"
    raise Invalid(
        f"must be true or false (in lower case, without quotes), got {got}",
        "write spoilers: true when the review gives away the plot, or remove the line",
    )


def _permission(field: Field) -> str:
    # "public domain" and "Public_Domain" are the same answer as "public-domain".
    value = re.sub(r"[\s_]+", "-", _text(field).lower())
    if value not in PERMISSIONS:
        raise Invalid(
            f"must be one of {', '.join(PERMISSIONS)}; got '{_text(field)}'",
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


def _first_published(field: Field) -> FirstPublished:
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
    text = _text(field)
    if when := _first_date(text):
        return FirstPublished(None, *when)
    head, comma, tail = text.rpartition(",")
    if comma and head.strip() and (when := _first_date(tail)):
        return FirstPublished(head.strip(), *when)
    return FirstPublished(text)


#: The reader of each key of the content contract (and of Octavo's extensions to it).
FIELDS: dict[str, Callable[[Field], object]] = {
    "title": _text,
    "kind": _kind,
    "year": _year,
    "creator": _names,
    "cast": _names,
    "reviewer": _names,
    "publication": _text,
    "published": _date,
    "headline": _text,
    "rating": _rating_text,
    "certificate": _text,
    "runtime": _text,
    "tags": _tags,
    "image": _text,
    "image_alt": _text,
    "image_credit": _text,
    "pullquote": _text,
    "showing": _text,
    "id": _id,
    "language": _language,
    "title_language": _language,
    "title_sort": _text,
    "spoilers": _spoilers,
    "first_published": _first_published,
    "rights_holder": _text,
    "permission": _permission,
    "credit": _text,
}
REQUIRED = ("title", "reviewer")
#: Keys whose text gets typographic quotes and dashes, as the body does.
TYPESET = ("title", "headline", "pullquote", "showing", "publication", "image_alt",
           "image_credit", "creator", "cast", "reviewer", "rights_holder")  # fmt: skip


def read_text_file(path: Path, report: Report, resolver: Resolver) -> str | None:
    """Read a UTF-8 text file; report what is wrong with it instead of failing."""
    if not resolver.allows(path):
        report.error(
            "R217",
            f"the file lies outside the anthology (it is {path.resolve()})",
            path,
            hint="copy the file into the anthology instead of linking to it or naming it",
        )
        return None
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            report.error(
                "R218",
                f"the file is {size / 1024 / 1024:.1f} MB, more than the"
                f" {MAX_TEXT_BYTES // 1024 // 1024} MB a review may have",
                path,
                hint="split it, or check that it is really a review (not an export of many)",
            )
            return None
        data = path.read_bytes()
    except OSError as error:
        report.error("R200", f"cannot read the file: {error.strerror}", path)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        report.error(
            "R209",
            f"the file is not UTF-8 text (byte {error.start} cannot be decoded)",
            path,
            line,
            hint="save the file as UTF-8 in your editor",
        )
        return None
    for number, line_text in enumerate(text.split("\n"), start=1):
        if match := FORBIDDEN_CHARACTER.search(line_text.rstrip("\r")):
            report.error(
                "R210",
                f"the file holds the invisible control character U+{ord(match.group()):04X}",
                path,
                number,
                hint="delete it; it often comes from copying text out of a PDF or a word processor",
                column=match.start() + 1,
            )
            return None
    return text


def load_review(path: Path, context: MarkdownContext) -> Review | None:
    """Read the review at ``path``; problems go to ``context.report``."""
    report = context.report
    text = read_text_file(path, report, context.resolver)
    if text is None:
        return None
    errors_before = len(report.errors)
    source = split_front_matter(text, path, report)
    values: dict[str, object] = {}
    lines: dict[str, int] = {}
    extra: dict[str, object] = {}
    for key, field in source.fields.items():
        reader = FIELDS.get(key)
        if reader is None:
            extra[key] = field.value
            if known := close_key(key, list(FIELDS)):
                report.warning(
                    "R213",
                    f"unknown key '{key}' (kept for templates as review.extra)",
                    path,
                    field.line,
                    hint=f"did you mean '{known}'?",
                )
            continue
        lines[key] = field.line
        try:
            value = _normalised(reader(field))
            if key in TYPESET:
                value = _typeset(value, context)
            values[key] = value
        except Invalid as invalid:
            report.error("R202", f"'{key}' {invalid.message}", path, field.line, invalid.hint)
    if len(report.errors) > errors_before and not source.fields:
        return None  # the front matter itself was unreadable
    for key in REQUIRED:
        if key not in source.fields:
            report.error(
                "R201",
                f"the required key '{key}' is missing",
                path,
                1,
                hint=f"add a line '{key}: ...' to the front matter",
            )
    rating = None
    if "rating" in values:
        try:
            rating = parse_rating(str(values["rating"]))
        except ValueError as error:
            report.error(
                "R206",
                str(error),
                path,
                lines["rating"],
                "write the score over its scale, e.g. 4/5",
            )
    review_id = str(values.get("id") or path.stem)
    image = _main_image(values, lines, path, context)
    if "image" not in values and "image_alt" in values:
        report.warning(
            "R208", "'image_alt' is given but there is no 'image'", path, lines["image_alt"]
        )
    body = render_markdown(source.body, f"r-{review_id}", path, source.body_line, context)
    credit = _credit(values, lines, review_id, path, context)
    if len(report.errors) > errors_before:
        return None
    publication = _optional_str(values.get("publication"))
    published = _optional_date(values.get("published"))
    return Review(
        id=review_id,
        path=path,
        work=Work(
            title=str(values["title"]),
            kind=str(values.get("kind", "film")),
            year=_optional_int(values.get("year")),
            creators=_tuple(values.get("creator")),
            cast=_tuple(values.get("cast")),
            runtime=_optional_str(values.get("runtime")),
            certificate=_optional_str(values.get("certificate")),
            title_language=_optional_str(values.get("title_language")),
            title_sort=_optional_str(values.get("title_sort")),
        ),
        reviewers=_tuple(values.get("reviewer")),
        body=body,
        headline=_optional_str(values.get("headline")),
        publication=publication,
        published=published,
        rating=rating,
        tags=_tuple(values.get("tags")),
        image=image,
        pullquote=_optional_str(values.get("pullquote")),
        showing=_optional_str(values.get("showing")),
        language=_optional_str(values.get("language")),
        extra=extra,
        # A marked passage is a spoiler even where the front matter says none.
        spoilers=values.get("spoilers") is True or body.marks_spoilers,
        first_published=_first_appearance(
            values.get("first_published"), publication, published, context
        ),
        rights_holder=_optional_str(values.get("rights_holder")),
        permission=_optional_str(values.get("permission")),
        credit=credit,
    )


def _first_appearance(
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


def _credit(
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


def _main_image(
    values: dict[str, object], lines: dict[str, int], path: Path, context: MarkdownContext
) -> Image | None:
    if "image" not in values:
        return None
    alt = _optional_str(values.get("image_alt")) or ""
    if not alt:
        context.report.warning(
            "R208",
            "the image has no 'image_alt' text: readers who cannot see it get nothing",
            path,
            lines["image"],
            hint="add 'image_alt: <what the image shows>'",
        )
    try:
        return context.resolver.image(
            str(values["image"]), path.parent, alt, _optional_str(values.get("image_credit"))
        )
    except Refused as refused:
        context.report.error(
            refused.code or "R207", refused.message, path, lines["image"], refused.hint
        )
        return None


def load_text_page(path: Path, page_id: str, context: MarkdownContext) -> Body | None:
    """Read a front- or back-matter Markdown file (front matter, if any, is ignored)."""
    text = read_text_file(path, context.report, context.resolver)
    if text is None:
        return None
    source = split_front_matter(text, path, context.report)
    if source.fields:
        context.report.warning(
            "R214",
            "this file's front matter is not used: its title comes from anthology.toml",
            path,
            1,
            hint="remove the front matter, or set the title in the manifest",
        )
    return render_markdown(source.body, page_id, path, source.body_line, context)


def _normalised(value: object) -> object:
    """Text values in NFC, as the body's prose (:mod:`.unicode_text`)."""
    if isinstance(value, str):
        return normalise_prose(value)
    if isinstance(value, tuple):
        return tuple(normalise_prose(item) if isinstance(item, str) else item for item in value)
    return value


def _typeset(value: object, context: MarkdownContext) -> object:
    if isinstance(value, str):
        return typographic(value, context.parser)
    if isinstance(value, tuple):
        return tuple(typographic(str(item), context.parser) for item in value)
    return value


def _tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, tuple):
        return tuple(str(item) for item in value)
    return (str(value),)


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def _optional_date(value: object) -> date | None:
    return value if isinstance(value, date) else None


def _optional_int(value: object) -> int | None:
    return value if isinstance(value, int) else None
