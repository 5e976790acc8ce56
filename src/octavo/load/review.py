"""Read one review file: front matter and Markdown body -> :class:`Review`.

Every key of the content contract is read through the ``FIELDS`` table, one reader
per key (:mod:`.fields`; the rights and credits keys in :mod:`.rights`), so each
value is normalised in one place. Keys the contract does not know are kept in
``Review.extra`` for templates.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ..diagnostics import Report
from ..errors import Refused
from ..limits import MAX_TEXT_BYTES
from ..model import Body, Image, Review, Work
from ..resources import Resolver
from ..up_to_date import ReadFiles, note_read
from .fields import (
    Invalid,
    read_date,
    read_id,
    read_kind,
    read_language,
    read_names,
    read_rating,
    read_spoilers,
    read_tags,
    read_text,
    read_year,
)
from .frontmatter import Field, split_front_matter
from .manifest import close_key
from .markdown import MarkdownContext, render_markdown, typographic
from .rating import parse_rating
from .rights import credit_line, first_appearance, read_first_published, read_permission
from .text_values import FORBIDDEN_CHARACTER
from .unicode_text import normalise_prose

#: The reader of each key of the content contract (and of Octavo's extensions to it).
FIELDS: dict[str, Callable[[Field], object]] = {
    "title": read_text,
    "kind": read_kind,
    "year": read_year,
    "creator": read_names,
    "cast": read_names,
    "reviewer": read_names,
    "publication": read_text,
    "published": read_date,
    "headline": read_text,
    "rating": read_rating,
    "certificate": read_text,
    "runtime": read_text,
    "tags": read_tags,
    "image": read_text,
    "image_alt": read_text,
    "image_credit": read_text,
    "pullquote": read_text,
    "showing": read_text,
    "id": read_id,
    "language": read_language,
    "title_language": read_language,
    "title_sort": read_text,
    "spoilers": read_spoilers,
    "first_published": read_first_published,
    "rights_holder": read_text,
    "permission": read_permission,
    "credit": read_text,
}
REQUIRED = ("title", "reviewer")
#: Keys whose text gets typographic quotes and dashes, as the body does.
TYPESET = ("title", "headline", "pullquote", "showing", "publication", "image_alt",
           "image_credit", "creator", "cast", "reviewer", "rights_holder")  # fmt: skip


def read_text_file(
    path: Path, report: Report, resolver: Resolver, read: ReadFiles | None = None
) -> str | None:
    """Read a UTF-8 text file; report what is wrong with it instead of failing. The
    file is noted in ``read``, for the build's digest (:mod:`octavo.up_to_date`)."""
    real = resolver.real_path(path)
    if not resolver.holds(real):
        report.error(
            "R217",
            f"the file lies outside the anthology (it is {real})",
            path,
            hint="copy the file into the anthology instead of linking to it or naming it",
        )
        return None
    try:
        status = path.stat()
        size = status.st_size
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
        hint = (
            "the file is a link that leads back to itself: fix the link or remove it"
            if error.errno == errno.ELOOP
            else "check that the file exists and that it may be read (its permissions)"
        )
        report.error("R200", f"cannot read the file: {error.strerror}", path, hint=hint)
        return None
    if read is not None:
        note_read(read, real, status, data)
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
    if FORBIDDEN_CHARACTER.search(text) is None:
        return text  # one search; the lines are gone through only to name the one
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
    text = read_text_file(path, report, context.resolver, context.read)
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
    credit = credit_line(values, lines, review_id, path, context)
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
        first_published=first_appearance(
            values.get("first_published"), publication, published, context
        ),
        rights_holder=_optional_str(values.get("rights_holder")),
        permission=_optional_str(values.get("permission")),
        credit=credit,
    )


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
