"""The checks of the audit: each reads the laid-out :class:`~.lines.Book` for one fault.

A check returns plain data, a :data:`Found` per fault: its code, the page's index in
the pages it was given, the id of the review or page it belongs to, a message and a
hint. (A worker laying out part of the book returns them to the build that way.)
Severities, folios and files are given later, by :mod:`.report`.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Set
from dataclasses import dataclass
from typing import Any

from .broken_lines import broken_lines
from .display_checks import display_faults
from .lines import Book, Line
from .settings import AuditSettings

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

#: One fault: code, page index, owner id, message, hint.
Found = tuple[str, int, str | None, str, str]


def find(
    pages: list[Any],
    settings: AuditSettings,
    reviews: Set[str],
    outside: list[tuple[int, str | None]] | None = None,
) -> list[Found]:
    """Every fault of WeasyPrint's laid-out ``pages``; ``reviews``: the reviews' ids;
    ``outside``: the pages with words outside the text block, when already found."""
    from ..write.text_block import outside_text_block

    book = Book.read(pages)
    found: list[Found] = []
    found += _outside(outside_text_block(pages) if outside is None else outside)
    found += _notes(book)
    found += _short_last_pages(book, reviews, settings)
    found += _paragraph_ends(book, settings)
    found += _ladders(book, settings)
    found += _headings_at_foot(book)
    found += _loose_lines(book, settings)
    found += display_faults(book, _is_heading)
    found += broken_lines(book)
    return found


@dataclass(frozen=True)
class Checks:
    """The checks set to a theme's thresholds, for the pages of one book (or of one
    piece of it, in a worker of :mod:`octavo.write.pdf_parallel`)."""

    settings: AuditSettings
    reviews: frozenset[str]

    def __call__(
        self, pages: list[Any], outside: list[tuple[int, str | None]] | None = None
    ) -> list[Found]:
        return find(pages, self.settings, self.reviews, outside)


def _quote(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return f"'{text if len(text) <= limit else text[: limit - 1] + '…'}'"


def _outside(outside: list[tuple[int, str | None]]) -> list[Found]:
    return [
        (
            "T701",
            index,
            owner,
            "text is set outside the text block (a code line, a table or a word too wide)",
            "break the long line or word, or narrow the table; see B410",
        )
        for index, owner in outside
    ]


def _notes(book: Book) -> list[Found]:
    found: list[Found] = []
    for element, (page, owner) in book.calls.items():
        note = book.notes.get(element)
        if note is None or note == page:
            continue
        number = element.get("data-note") or "?"
        where = "the next page" if note == page + 1 else f"{note - page} pages later"
        found.append(
            (
                "T702",
                page,
                owner,
                f"note {number} is called on this page but set on {where}",
                "shorten the note, or the paragraph before its call, so that both fit on one page",
            )
        )
    return found


def _short_last_pages(book: Book, reviews: Set[str], settings: AuditSettings) -> list[Found]:
    pages: dict[str, dict[int, int]] = {}
    for line in book.lines:
        if line.owner is not None and line.owner in reviews:
            counts = pages.setdefault(line.owner, {})
            counts[line.page] = counts.get(line.page, 0) + 1
    found: list[Found] = []
    for owner, counts in pages.items():
        if len(counts) < 2:
            continue
        page = max(counts)
        if counts[page] < settings.last_page_lines:
            n = counts[page]
            found.append(
                (
                    "T703",
                    page,
                    owner,
                    f"the review's last page holds {n} line{'s' * (n != 1)}"
                    f" (the theme asks for at least {settings.last_page_lines})",
                    "cut or add a few lines, or let the previous page run a line long",
                )
            )
    return found


def _paragraph_ends(book: Book, settings: AuditSettings) -> list[Found]:
    found: list[Found] = []
    previous: Line | None = None
    for line in book.lines:
        before, previous = previous, line
        if not line.last or line.block is None or _is_heading(line.block):
            continue
        if _in_review_header(line.block, book.parents):
            continue  # display lines: the rating "9/10" or a grade "A" alone is no fault
            continue
        words = line.text.replace("\u2060", "").split()  # a word joiner: nothing to read
        if len(words) != 1:
            continue
        word = words[0]
        # a full-width character (Chinese, Japanese, Korean) is as wide as two letters
        letters = sum(_width(char) for char in word if char.isalnum())
        if letters >= settings.last_line_characters or letters == 0:
            continue
        fragment = before is not None and before.block is line.block and before.hyphenated
        what = "the end of a hyphenated word" if fragment else "a single short word"
        found.append(
            (
                "T704",
                line.page,
                line.owner,
                f"a paragraph ends on {_quote(word)}, {what}"
                f" (shorter than {settings.last_line_characters} characters)",
                "rewrite the paragraph's last sentence a little longer or shorter, or keep"
                " the word whole",
            )
        )
    return found


def _ladders(book: Book, settings: AuditSettings) -> list[Found]:
    found: list[Found] = []
    run: list[Line] = []
    for line in [*book.lines, None]:
        if line is not None and line.hyphenated and (not run or run[-1].block is line.block):
            run.append(line)
            continue
        if len(run) > settings.hyphenated_lines:
            first = run[0]
            found.append(
                (
                    "T705",
                    first.page,
                    first.owner,
                    f"{len(run)} hyphenated lines in a row, from {_quote(first.text, 30)}"
                    f" (the theme allows {settings.hyphenated_lines})",
                    "rewrite a word or two in the paragraph so that a line breaks between words",
                )
            )
        run = [line] if line is not None and line.hyphenated else []
    return found


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _in_review_header(element: Any, parents: dict[Any, Any]) -> bool:
    while element is not None:
        if element.tag == "header" and "review-header" in (element.get("class") or ""):
            return True
        element = parents.get(element)
    return False


def _is_heading(element: Any) -> bool:
    classes = (element.get("class") or "").split()
    return (
        element.tag in _HEADINGS
        or element.get("role") == "heading"
        or "heading" in classes
        or any(name.startswith("h-level-") for name in classes)
    )


def _headings_at_foot(book: Book) -> list[Found]:
    last: dict[int, Line] = {}
    first: dict[int, Line] = {}
    for line in book.lines:
        if line.in_notes:
            continue
        last[line.page] = line
        first.setdefault(line.page, line)
    found: list[Found] = []
    pages = sorted(last)
    for page, following in itertools.pairwise(pages):
        line = last[page]
        if line.block is None or not _is_heading(line.block):
            continue
        if first[following].owner != line.owner:
            continue  # a part's title page, a review ending on its own page
        found.append(
            (
                "T706",
                page,
                line.owner,
                f"the heading {_quote(line.text)} is the last line of the page; its text"
                " begins on the next",
                "the theme should keep headings with what follows (break-after: avoid);"
                " or add or cut a line before it",
            )
        )
    return found


_SPACE_STYLE = (
    "font_family",
    "font_size",
    "font_weight",
    "font_style",
    "font_stretch",
    "font_kerning",
    "font_variant_caps",
    "font_variant_ligatures",
    "font_variant_numeric",
    "font_variant_position",
    "font_variant_alternates",
    "font_variant_east_asian",
    "font_feature_settings",
    "font_variation_settings",
    "font_language_override",
    "lang",
    "letter_spacing",
    "word_spacing",
)


def _space_width(style: Any, cache: dict[Any, float]) -> float:
    """The width of the font's own space, without word-spacing or justification."""
    from weasyprint.text.line_break import create_layout, line_size

    # everything that shapes the space: with less, the first style met under a key
    # would decide, and a piece of the book laid out apart would measure another
    key = tuple(repr(style[name]) for name in _SPACE_STYLE)
    if key not in cache:
        own = style.copy()
        own["word_spacing"] = 0  # the layout would add it to the space it measures
        widths = []
        for text in ("n n", "nn"):
            layout = create_layout(text, own, None, None, 0)
            line, _ = layout.get_first_line()
            widths.append(line_size(line, own)[0])
            layout.deactivate()
        cache[key] = max(widths[0] - widths[1], 0.01)
    return cache[key]


def _word_spacing(style: Any) -> float:
    spacing = style["word_spacing"]
    return float(spacing) if isinstance(spacing, int | float) else 0.0


def _loose_lines(book: Book, settings: AuditSettings) -> list[Found]:
    from weasyprint.formatting_structure import boxes

    cache: dict[Any, float] = {}
    found: list[Found] = []
    for line in book.lines:
        if line.last or line.box.style["text_align_all"] != "justify":
            continue
        texts = [box for box in line.box.descendants() if isinstance(box, boxes.TextBox)]
        spaced = [box for box in texts if " " in box.text and box.justification_spacing]
        if not spaced:
            continue
        box = max(spaced, key=lambda b: b.style["font_size"])
        space = _space_width(box.style, cache)
        # the space as set (word-spacing, then justification) over the font's own
        ratio = (space + _word_spacing(box.style) + box.justification_spacing) / space
        if ratio > settings.word_space:
            found.append(
                (
                    "T707",
                    line.page,
                    line.owner,
                    f"a loose line: its word spaces are {ratio:.2f} times the normal space"
                    f" (the theme allows {settings.word_space:g}): {_quote(line.text)}",
                    "let a long word on the next line hyphenate, or rewrite a few words;"
                    " a theme may allow more with [audit] word_space",
                )
            )
    return found
