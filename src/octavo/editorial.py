"""An editor's reading of a loaded anthology: the rules ``octavo check`` adds (L6xx).

Each rule is one small function that adds warnings to a report; :func:`octavo.check.lint`
runs them all over the book's texts.
"""

from __future__ import annotations

import os
import re
import statistics
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from markdown_it.token import Token

from .diagnostics import Report, shown_path
from .load.frontmatter import Source
from .localisation import quotation_marks
from .model import CLEARED, Rating, Review

#: The editorial rules' codes, and what each reports.
LINT_CODES = {
    "L601": "two reviews of the same work",
    "L602": "a straight quote left in the typeset text",
    "L603": "two spaces between the words of a sentence",
    "L604": "ratings on several scales in one section",
    "L605": "a review much longer or shorter than the others",
    "L606": "a review folder none of whose reviews is in the book",
    "L607": "the sample review of octavo new, unchanged, in the book",
    "L608": "a review not cleared for print (permission missing or pending)",
}
#: A review is an outlier when its word count is more than this many times the
#: median, or less than the median divided by it...
LENGTH_FACTOR = 3
#: ... and only when the book has at least this many reviews to compare.
LENGTH_MIN_REVIEWS = 5
#: How many outliers the book's one L605 warning names.
LENGTH_NAMED = 5


@dataclass(frozen=True)
class Text:
    """A Markdown file of the book as written: its path and its split source."""

    path: Path
    source: Source
    review: Review | None = None  #: the review it holds, if it is one
    raw: str = ""  #: the file's text, as read

    def line(self, key: str) -> int | None:
        """The line of a front-matter key, when the file has it."""
        field = self.source.fields.get(key)
        return field.line if field else None


# --- L601: two reviews of one work ---------------------------------------------------


def work_key(review: Review) -> tuple[str, int | None, str]:
    """A work as an editor would match it: the title without case or punctuation."""
    title = unicodedata.normalize("NFKC", review.work.title).casefold()
    # Letters and digits only: "Sherlock, Jr." is "Sherlock Jr", "Spider-Man" "Spiderman".
    title = "".join(c for c in title if unicodedata.category(c)[0] in "LN")
    return title, review.work.year, review.work.kind


def duplicate_works(
    reviews: list[Review], texts: dict[Path, Text], root: Path, report: Report
) -> None:
    """L601: two review files of the same work, each after the first reported.

    ``allow_repeats`` does not silence this: it lets one review *file* be printed in
    several sections, which never counts here, not two files review one work.
    """
    first: dict[tuple[str, int | None, str], Review] = {}
    for review in reviews:
        key = work_key(review)
        if key not in first:
            first[key] = review
            continue
        other = first[key]
        year = f", {review.work.year}" if review.work.year else ""
        text = texts.get(review.path)
        report.warning(
            "L601",
            f"'{review.work.title}' ({review.work.kind}{year}) is also reviewed in"
            f" {shown_path(other.path, root)}",
            review.path,
            text.line("title") if text else None,
            hint="keep one review of the work, or correct the title, year or kind if they"
            " are two different works",
        )


# --- L602: straight quotes -----------------------------------------------------------

_STRAIGHT = re.compile("[\"']")
_TAGS = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)


def _quote_hint(language: str) -> str:
    """What to type instead: the book's own quotation marks (CLDR's, as typeset)."""
    marks = " ".join(dict.fromkeys(mark.strip("\u202f") for mark in quotation_marks(language)))
    return (
        f"close the quotation, or type the mark itself: {marks} (’ for an apostrophe, as"
        " in ’20s); write \\\" or \\' if a straight mark is meant"
    )


def surviving_quotes(tokens: list[Token]) -> Iterator[tuple[int, str]]:
    """(line in the body from 0, the text) of each run of text that keeps a straight quote.

    The typographer turns matched quotes and apostrophes into curly ones; what it
    cannot pair stays straight. Code, raw HTML tags and escaped marks are left out.
    """
    line = 0
    for token in tokens:
        if token.map:
            line = token.map[0]
        if token.type == "html_block":
            for offset, row in enumerate(token.content.split("\n")):
                if _STRAIGHT.search(_TAGS.sub("", row)):
                    yield line + offset, row.strip()
        if token.type != "inline":
            continue
        child_line = line
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                child_line += 1
            elif child.type == "text" and _STRAIGHT.search(child.content):
                yield child_line, child.content


def _excerpt(text: str) -> str:
    """Up to 24 characters each side of the first straight quote in ``text``."""
    match = _STRAIGHT.search(text)
    start = match.start() if match else 0
    before, after = text[max(0, start - 24) : start], text[start : start + 25]
    return ("…" if start > 24 else "") + before + after + ("…" if start + 25 < len(text) else "")


def straight_quotes_in_body(
    text: Text, tokens: list[Token], report: Report, language: str = "en"
) -> None:
    """L602: a straight ' or " the typographer could not turn, once per line."""
    reported: set[int] = set()
    lines = text.source.body.split("\n")
    for offset, found in surviving_quotes(tokens):
        if offset in reported:
            continue
        reported.add(offset)
        mark = _STRAIGHT.search(found)
        assert mark is not None
        row = lines[offset] if offset < len(lines) else ""
        report.warning(
            "L602",
            f"a straight {mark.group()} is left in the typeset text: {_excerpt(found)}",
            text.path,
            text.source.body_line + offset,
            hint=_quote_hint(language),
            column=_column(row, found, mark.start()),
        )


def _column(row: str, found: str, at: int) -> int | None:
    """Where in the source line the quote at ``found[at]`` is, when that can be told."""
    for width in (12, 6, 2, 0):
        context = found[max(0, at - width) : at + 1]
        if context and (place := row.find(context)) >= 0:
            return place + len(context)
    return None


def typeset_fields(review: Review) -> dict[str, tuple[str, ...]]:
    """The front-matter values a review prints, as typeset (curly quotes and dashes)."""
    fields: dict[str, tuple[str, ...]] = {
        "title": (review.work.title,),
        "creator": review.work.creators,
        "cast": review.work.cast,
        "reviewer": review.reviewers,
    }
    for key, value in (
        ("headline", review.headline),
        ("pullquote", review.pullquote),
        ("showing", review.showing),
        ("publication", review.publication),
        ("image_alt", review.image.alt if review.image else None),
        ("image_credit", review.image.credit if review.image else None),
    ):
        fields[key] = (value,) if value else ()
    return fields


def straight_quotes_in_front_matter(text: Text, report: Report, language: str = "en") -> None:
    """L602 for the front-matter values that are typeset, such as the headline."""
    if text.review is None:
        return
    for key, values in typeset_fields(text.review).items():
        for value in values:
            if mark := _STRAIGHT.search(value):
                report.warning(
                    "L602",
                    f"'{key}' keeps a straight {mark.group()} in the typeset text:"
                    f" {_excerpt(value)}",
                    text.path,
                    text.line(key),
                    hint=_quote_hint(language),
                )
                break


# --- L603: double spaces -------------------------------------------------------------

#: Two or more spaces between two characters that are not spaces or table bars.
_DOUBLE_SPACE = re.compile(r"(?<=[^\s|])( {2,})(?=[^\s|])")
#: What a line may begin with: indentation, quote marks, a list, definition or
#: footnote marker (their padding is Markdown syntax, not text).
_LINE_START = re.compile(r"^[ \t>]*(?:(?:[*+:-]|\d{1,9}[.)]|\[\^?[^\]]*\]:)[ \t]+)?")
#: The end of a sentence: two spaces after it are an old typing habit, not a slip.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]*_]*$")
_CODE_SPAN = re.compile(r"(`+).+?\1")


def double_spaces(text: Text, tokens: list[Token], report: Report) -> None:
    """L603: two spaces between words in the body, outside code; once per line."""
    body = text.source.body
    code_lines: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map:
            code_lines.update(range(*token.map))
    for offset, row in enumerate(body.split("\n")):
        if offset in code_lines:
            continue
        start = _LINE_START.match(row)
        skip = start.end() if start else 0
        # Code spans keep their width, so that columns still point at the source.
        visible = _CODE_SPAN.sub(lambda m: "`" * len(m.group()), row)
        for match in _DOUBLE_SPACE.finditer(visible, skip):
            if _SENTENCE_END.search(visible[: match.start()]):
                continue
            before = visible[: match.start()].split()[-1]
            after = visible[match.end() :].split()[0]
            report.warning(
                "L603",
                f"{len(match.group())} spaces between '{before}' and '{after}'",
                text.path,
                text.source.body_line + offset,
                hint="leave one space between words",
                column=match.start() + 1,
            )
            break


# --- L604: rating scales -------------------------------------------------------------


def scale_name(rating: Rating) -> str:
    """The scale a rating is written on: "out of 5", "letter grades"."""
    return "letter grades" if rating.grade else f"out of {rating.scale:g}"


def mixed_rating_scales(
    where: str, reviews: list[Review], texts: dict[Path, Text], report: Report
) -> None:
    """L604: a section whose ratings are on more than one scale, reported once.

    The warning points at the first review off the section's most common scale.
    """
    scales: dict[str, list[Review]] = {}
    for review in reviews:
        if review.rating is not None:
            scales.setdefault(scale_name(review.rating), []).append(review)
    if len(scales) < 2:
        return
    common = max(scales, key=lambda name: len(scales[name]))
    odd = next(r for r in reviews if r.rating and scale_name(r.rating) != common)
    listed = "; ".join(
        f"{name} ({', '.join(r.path.name for r in members)})" for name, members in scales.items()
    )
    text = texts.get(odd.path)
    report.warning(
        "L604",
        f"{where} rates on {len(scales)} scales: {listed}",
        odd.path,
        text.line("rating") if text else None,
        hint=f"put every rating of the section on one scale, e.g. {common}",
    )


# --- L605: review lengths ------------------------------------------------------------


def length_outliers(reviews: list[Review], root: Path, report: Report, each: bool = False) -> None:
    """L605: reviews more than 3 times, or less than a third of, the median length.

    An archive of capsule reviews beside long ones has many: they are reported in one
    warning for the book, naming a few, unless ``each`` asks for one per review.
    """
    if len(reviews) < LENGTH_MIN_REVIEWS:
        return
    median = statistics.median(review.body.words for review in reviews)
    if median == 0:
        return
    outliers: list[tuple[Review, str]] = []
    for review in reviews:
        words = review.body.words
        if words > LENGTH_FACTOR * median:
            outliers.append((review, f"more than {LENGTH_FACTOR} times"))
        elif words < median / LENGTH_FACTOR:
            outliers.append((review, "less than a third of"))
    hint = "check that nothing was cut off or pasted twice; if the length is meant, leave it"
    if each:
        for review, how in outliers:
            report.warning(
                "L605",
                f"this review has {review.body.words:,} words, {how} the median of"
                f" {median:,g} words among the book's {len(reviews)} reviews",
                review.path,
                hint=hint,
            )
        return
    if not outliers:
        return
    named = ", ".join(
        f"{shown_path(review.path, root)} ({review.body.words:,})"
        for review, _ in outliers[:LENGTH_NAMED]
    )
    more = f" and {len(outliers) - LENGTH_NAMED:,} more" if len(outliers) > LENGTH_NAMED else ""
    count = len(outliers)
    report.warning(
        "L605",
        f"{count:,} of the book's {len(reviews):,} reviews {'are' if count > 1 else 'is'}"
        f" more than {LENGTH_FACTOR} times, or less than a third of, the median of"
        f" {median:,g} words: {named}{more}",
        hint=f"{hint}; octavo check --lengths lists each one with its file",
    )


# --- L606: a review folder the book does not use -------------------------------------


def unused_review_folder(
    folder: Path, reviews: list[Review], root: Path, manifest: Path, report: Report
) -> None:
    """L606: the manifest names a review folder outside the book, and no review is from it.

    Reviews in no section inside the anthology's own folder are M106, from the loader;
    a shared library outside it is expected to hold reviews a book leaves out, but not
    to be left out whole (``reviews = "../imported"`` with the scaffold's
    ``include = ["reviews/*.md"]``: the book would hold the sample review only).
    """
    folder = Path(os.path.abspath(folder))
    if folder.is_relative_to(Path(os.path.abspath(root))) or not folder.is_dir():
        return
    files = [path for path in folder.rglob("*.md") if not path.name.startswith(".")]
    if not files or any(Path(os.path.abspath(r.path)).is_relative_to(folder) for r in reviews):
        return
    shown = shown_path(folder, root)
    held = ", ".join(shown_path(review.path, root) for review in reviews[:3])
    report.warning(
        "L606",
        f"the book holds none of the {len(files):,} reviews in {shown}, the review folder"
        f" anthology.toml names" + (f"; it holds {held}" if held else ""),
        manifest,
        hint=f'include them in a section: include = ["{shown}/*.md"] (paths are relative to'
        " the folder of anthology.toml)",
    )


# --- L607: the sample review -----------------------------------------------------------


def sample_review(text: Text, root: Path, report: Report) -> None:
    """L607: the sample review ``octavo new`` wrote is in the book, unchanged."""
    from .scaffold import is_untouched_sample

    if text.review is not None and is_untouched_sample(text.raw):
        report.warning(
            "L607",
            "this is the sample review octavo new wrote, unchanged: it would be printed in"
            " the book",
            text.path,
            hint=f"delete it (rm {shown_path(text.path, root)}), or write your own review over it",
        )


# --- L608: rights not cleared ----------------------------------------------------------

#: The front-matter keys of the rights ledger: a book that uses none has not begun it.
RIGHTS_KEYS = ("permission", "rights_holder", "first_published", "credit")


def uncleared_rights(reviews: list[Review], by_path: dict[Path, Text], report: Report) -> None:
    """L608: a review whose ``permission`` is not granted, own or public-domain.

    A book none of whose reviews has any rights key has not begun its ledger: one
    warning says so, instead of one per review. Once it has, each review still
    missing its permission, or pending, is named with its file.
    """
    uncleared = [review for review in reviews if review.permission not in CLEARED]
    if not uncleared:
        return
    hint = (
        "once the rights holder agrees, write permission: granted (own for a review written"
        " for this book, public-domain for one out of copyright); octavo list --format csv"
        " exports the rights ledger"
    )
    texts = [by_path[review.path] for review in reviews if review.path in by_path]
    if not any(key in text.source.fields for text in texts for key in RIGHTS_KEYS):
        count = len(reviews)
        what = (
            f"none of the book's {count:,} reviews says"
            if count > 1
            else "the book's one review does not say"
        )
        report.warning(
            "L608",
            f"{what} whether it may be reprinted: no review has a 'permission'",
            hint="give each review a 'permission': granted, pending, public-domain or own;"
            " check then names each one not yet cleared",
        )
        return
    for review in uncleared:
        text = by_path.get(review.path)
        line = text.line("permission") if text else None
        if review.permission == "pending":
            message = "permission to reprint this review is still pending"
        else:
            message = "this review does not say whether it may be reprinted (no 'permission')"
        report.warning("L608", message, review.path, line, hint=hint)
