"""``octavo audit``: read the laid-out print edition page by page for typographic faults.

The book is laid out in memory exactly as ``build`` lays it out (one WeasyPrint pass,
which gives the same pages as the parallel layout), nothing is written, and then
WeasyPrint's laid-out boxes are read: every line, where it stands, what it holds.
Each fault is named with its page (its place in the PDF and its printed folio), the
review file, a code and a hint. The thresholds are theme settings, ``[audit]`` in
``theme.toml`` (see :class:`AuditSettings`).

======  ===============================================================
T701    a glyph outside the text block (or off the trim): an error
T702    a note set on another page than its call
T703    a review's last page with fewer lines than the theme allows
T704    a paragraph ending on a short fragment of a hyphenated word, or
        on a single short word
T705    more hyphenated lines in a row than the theme allows
T706    a heading at the foot of a page, its text on the next page
T707    a loose line: justified word spaces wider than the theme allows
======  ===============================================================

This reads WeasyPrint's laid-out boxes (``page._page_box``), which are not public
API; it was written against WeasyPrint 70, as :mod:`octavo.write.text_block` was.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .api import Loaded, Progress, _load, _open, no_progress
from .diagnostics import Severity
from .errors import Refused
from .model import TextPage
from .resources import Resolver
from .themes import THEME_FILE, Theme, find_theme, shipped_styles

CODES = ("T701", "T702", "T703", "T704", "T705", "T706", "T707")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class AuditSettings:
    """The thresholds of ``octavo audit``: ``[audit]`` in a theme's ``theme.toml``."""

    #: T703: a review's last page holds at least this many lines
    last_page_lines: int = 5
    #: T704: a paragraph's last line, when it is one word or the end of a hyphenated
    #: word, holds at least this many characters
    last_line_characters: int = 4
    #: T705: at most this many hyphenated lines in a row
    hyphenated_lines: int = 2
    #: T707: a justified word space is at most this many times the font's own space
    word_space: float = 2.5
    #: the severity of each code: "error", "warning" or "off" (T701 is an error)
    severity: dict[str, str] = field(default_factory=lambda: {"T701": "error"})

    def severity_of(self, code: str) -> str:
        return self.severity.get(code, "warning")


_LIMITS: dict[str, tuple[type, float, float]] = {
    "last_page_lines": (int, 1, 100),
    "last_line_characters": (int, 1, 40),
    "hyphenated_lines": (int, 1, 20),
    "word_space": (float, 1.0, 10.0),
}


def audit_settings(theme: Theme) -> AuditSettings:
    """The ``[audit]`` settings of a theme and the themes it extends, nearest first.

    A key the nearest theme does not set comes from the theme it extends, then from
    the defaults; a wrong value is a theme error (S302), as ``[tables]`` is.
    """
    values: dict[str, Any] = {}
    severity: dict[str, str] = {"T701": "error"}
    for folder, settings in reversed(list(zip(theme.folders, theme.settings, strict=True))):
        table = settings.get("audit")
        if table is None:
            continue
        where = f"{folder / THEME_FILE}: [audit]"
        if not isinstance(table, dict):
            raise _refused(f"{where} must be a table")
        for key, value in table.items():
            if key == "severity":
                severity.update(_severities(value, where))
                continue
            if key not in _LIMITS:
                raise _refused(f"{where} has no key {key!r} (known: {', '.join(_LIMITS)})")
            kind, low, high = _LIMITS[key]
            number_ok = isinstance(value, int | float) and not isinstance(value, bool)
            if kind is int and not isinstance(value, int):
                number_ok = False
            if not number_ok or not low <= value <= high:
                raise _refused(f"{where} {key} must be a number from {low:g} to {high:g}")
            values[key] = kind(value)
    return AuditSettings(**values, severity=severity)


def _severities(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _refused(f'{where} severity must be a table, e.g. {{ T704 = "error" }}')
    found: dict[str, str] = {}
    for code, level in value.items():
        if code not in CODES or level not in ("error", "warning", "off"):
            raise _refused(
                f"{where} severity: {code} = {level!r}: codes are {', '.join(CODES)},"
                " levels error, warning or off"
            )
        found[code] = str(level)
    return found


def _refused(message: str) -> Refused:
    return Refused(
        message,
        'see docs/audit.md: e.g. [audit] last_page_lines = 5, severity = { T704 = "error" }',
        code="S302",
    )


@dataclass(frozen=True)
class Fault:
    """One typographic fault, on one page of the print edition."""

    code: str
    severity: Severity
    page: int  #: the page's place in the PDF, from 0
    folio: str  #: the number printed on it ("17", "iv"), or its place from 1 when none
    path: Path | None  #: the review (or page) file it belongs to
    message: str
    hint: str


@dataclass(frozen=True)
class Audit:
    """What ``audit`` found: the faults, page by page, and what it read."""

    loaded: Loaded
    pages: int
    faults: list[Fault]
    settings: AuditSettings

    @property
    def errors(self) -> list[Fault]:
        return [f for f in self.faults if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Fault]:
        return [f for f in self.faults if f.severity is Severity.WARNING]


def load_with_theme(folder: Path, theme_name: str | None) -> Loaded:
    """Load the anthology as a build does, set in ``theme_name`` instead of its own."""
    sources = _open(folder)
    if theme_name is not None:
        root = sources.manifest_path.parent
        theme = find_theme(theme_name, root, sources.report, sources.manifest_path)
        folders = theme.folders if theme else ()
        resolver = Resolver.for_folders(root, sources.reviews_folder, *folders, shipped_styles())
        sources = dataclasses.replace(sources, theme=theme, resolver=resolver)
    return _load(sources)


def audit(folder: Path, theme: str | None = None, progress: Progress = no_progress) -> Audit:
    """Lay out the anthology in ``folder`` in memory and read every page for faults.

    Raises ContentError when the anthology does not load, BuildError when it cannot
    be laid out, Refused (S302) when the theme's ``[audit]`` settings are wrong.
    """
    from .render.print_html import render_print
    from .write.pdf import render_pdf_pages

    progress("Loading and checking the anthology")
    loaded = load_with_theme(folder, theme)
    settings = audit_settings(loaded.theme)
    progress("Laying out the print edition")
    document = render_print(loaded.anthology, loaded.theme, False)
    rendered, _, _, _ = render_pdf_pages(document, loaded.resolver, loaded.anthology.identifier)
    progress("Reading the pages")
    faults = audit_pages(rendered.pages, loaded, settings)
    return Audit(loaded, len(rendered.pages), faults, settings)


def audit_pages(pages: list[Any], loaded: Loaded, settings: AuditSettings) -> list[Fault]:
    """Every fault of WeasyPrint's laid-out ``pages``, in page order."""
    from .write.pdf_pages import page_starts

    book = _Book.read(pages)
    folios = [start.label for start in page_starts(pages)]
    anthology = loaded.anthology
    files: dict[str, Path] = {review.anchor: review.path for review in anthology.reviews}
    files.update((page.id, page.path) for page in anthology.front)
    files.update((page.id, page.path) for page in anthology.back if isinstance(page, TextPage))
    reviews = {review.anchor for review in anthology.reviews}
    found: list[tuple[str, int, str | None, str, str]] = []
    found += _outside(pages, book)
    found += _notes(book)
    found += _short_last_pages(book, reviews, settings)
    found += _paragraph_ends(book, settings)
    found += _ladders(book, settings)
    found += _headings_at_foot(book)
    found += _loose_lines(book, settings)
    faults: list[Fault] = []
    for code, page, owner, message, hint in found:
        level = settings.severity_of(code)
        if level == "off":
            continue
        faults.append(
            Fault(
                code,
                Severity(level),
                page,
                folios[page] if page < len(folios) and folios[page] else str(page + 1),
                files.get(owner or ""),
                message,
                hint,
            )
        )
    faults.sort(key=lambda fault: (fault.page, fault.code))
    return faults


@dataclass
class _Line:
    """One laid-out line: where it is, what it holds, whose it is."""

    page: int
    box: Any
    block: Any  #: the element of the block the line is in (a paragraph, a heading...)
    owner: str | None  #: the id of the review or page around it
    text: str
    in_notes: bool
    hyphenated: bool
    last: bool = False  #: the last line of its block, on its last page


@dataclass
class _Book:
    """Every line of the laid-out book, in reading order, and the notes' pages."""

    lines: list[_Line]
    calls: dict[Any, tuple[int, str | None]]  #: note element -> page of its call, owner
    notes: dict[Any, int]  #: note element -> first page it is set on
    parents: dict[Any, Any]

    @classmethod
    def read(cls, pages: list[Any]) -> _Book:
        from weasyprint.formatting_structure import boxes

        from .write.text_block import _owner, _parents

        parents: dict[Any, Any] = _parents(pages[0]._page_box) if pages else {}
        owners: dict[Any, str | None] = {}

        def owner(element: Any) -> str | None:
            if element not in owners:
                owners[element] = _owner(element, parents)
            return owners[element]

        lines: list[_Line] = []
        calls: dict[Any, tuple[int, str | None]] = {}
        notes: dict[Any, int] = {}
        for index, page in enumerate(pages):
            for child in page._page_box.children:
                if isinstance(child, boxes.MarginBox):
                    continue
                in_notes = isinstance(child, boxes.FootnoteAreaBox)
                if in_notes:
                    for note in child.children:
                        if note.element is not None:
                            notes.setdefault(note.element, index)
                for line, block in _line_boxes(child, boxes):
                    texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox)]
                    for box in line.descendants():
                        if str(box.element_tag).endswith("::footnote-call"):
                            calls.setdefault(box.element, (index, owner(box.element)))
                    text = "".join(box.text for box in texts)
                    if not text.strip():
                        continue
                    end = [box for box in texts if box.text.strip()][-1]
                    mark = end.style["hyphenate_character"]
                    lines.append(
                        _Line(
                            index,
                            line,
                            block.element,
                            owner(block.element),
                            text,
                            in_notes,
                            bool(mark) and end.text.rstrip().endswith(mark),
                        )
                    )
        last: dict[Any, _Line] = {}
        for line in lines:
            last[line.block] = line
        for line in last.values():
            line.last = True
        return cls(lines, calls, notes, parents)


def _line_boxes(box: Any, boxes: Any) -> Iterator[tuple[Any, Any]]:
    """Every line box under ``box``, with the block box that holds it."""
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            yield child, box
        elif isinstance(child, boxes.ParentBox):
            yield from _line_boxes(child, boxes)


_Found = tuple[str, int, str | None, str, str]


def _quote(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return f"'{text if len(text) <= limit else text[: limit - 1] + '…'}'"


def _outside(pages: list[Any], book: _Book) -> list[_Found]:
    from .write.text_block import outside_text_block

    return [
        (
            "T701",
            index,
            owner,
            "text is set outside the text block (a code line, a table or a word too wide)",
            "break the long line or word, or narrow the table; see B410",
        )
        for index, owner in outside_text_block(pages)
    ]


def _notes(book: _Book) -> list[_Found]:
    found: list[_Found] = []
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


def _short_last_pages(book: _Book, reviews: set[str], settings: AuditSettings) -> list[_Found]:
    pages: dict[str, dict[int, int]] = {}
    for line in book.lines:
        if line.owner in reviews:
            counts = pages.setdefault(line.owner, {})
            counts[line.page] = counts.get(line.page, 0) + 1
    found: list[_Found] = []
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


def _paragraph_ends(book: _Book, settings: AuditSettings) -> list[_Found]:
    found: list[_Found] = []
    previous: _Line | None = None
    for line in book.lines:
        before, previous = previous, line
        if not line.last or line.block is None or _is_heading(line.block):
            continue
        words = line.text.split()
        if len(words) != 1:
            continue
        word = words[0]
        letters = sum(1 for char in word if char.isalnum())
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


def _ladders(book: _Book, settings: AuditSettings) -> list[_Found]:
    found: list[_Found] = []
    run: list[_Line] = []
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


def _is_heading(element: Any) -> bool:
    classes = (element.get("class") or "").split()
    return (
        element.tag in _HEADINGS
        or element.get("role") == "heading"
        or "heading" in classes
        or any(name.startswith("h-level-") for name in classes)
    )


def _headings_at_foot(book: _Book) -> list[_Found]:
    last: dict[int, _Line] = {}
    first: dict[int, _Line] = {}
    for line in book.lines:
        if line.in_notes:
            continue
        last[line.page] = line
        first.setdefault(line.page, line)
    found: list[_Found] = []
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


def _space_width(style: Any, cache: dict[Any, float]) -> float:
    """The width of one space in the line's font, before justification."""
    from weasyprint.text.line_break import create_layout, line_size

    key = (
        tuple(style["font_family"]),
        style["font_size"],
        style["font_weight"],
        style["font_style"],
        style["font_stretch"],
    )
    if key not in cache:
        widths = []
        for text in ("n n", "nn"):
            layout = create_layout(text, style, None, None, 0)
            line, _ = layout.get_first_line()
            widths.append(line_size(line, style)[0])
            layout.deactivate()
        spacing = style["word_spacing"] if isinstance(style["word_spacing"], int | float) else 0
        cache[key] = max(widths[0] - widths[1], 0.01) + spacing
    return cache[key]


def _loose_lines(book: _Book, settings: AuditSettings) -> list[_Found]:
    from weasyprint.formatting_structure import boxes

    cache: dict[Any, float] = {}
    found: list[_Found] = []
    for line in book.lines:
        if line.last or line.box.style["text_align_all"] != "justify":
            continue
        texts = [box for box in line.box.descendants() if isinstance(box, boxes.TextBox)]
        spaced = [box for box in texts if " " in box.text and box.justification_spacing]
        if not spaced:
            continue
        box = max(spaced, key=lambda b: b.style["font_size"])
        space = _space_width(box.style, cache)
        ratio = (space + box.justification_spacing) / space
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
