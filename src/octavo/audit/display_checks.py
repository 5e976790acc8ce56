"""T708: a name cut by a hyphen, and a display line that breaks badly.

- A line of text ending on a hyphen the layout added inside a word that begins with a
  capital letter ("Cal-/igari"): a name read as two words. Languages that capitalise
  every noun (German, Luxembourgish) and words too long for a line are not reported:
  the PDF writer hyphenates those (:mod:`octavo.write.hyphenation`).
- A display line (a heading, the title page's title and subtitle, a part's or a
  page's title) set on several lines whose last line holds one word alone after a
  line of several ("...Taught Cinema to / Speak"), or that a hyphen breaks inside a
  word short enough to be kept whole.
"""

from __future__ import annotations

import itertools
from typing import Any

from ..render.display import LONG_WORD
from ..write.hyphenation import CAPITALISED_NOUNS
from .lines import Book, Line

#: Classes of the display lines the themes set that are not h1-h6 elements.
DISPLAY_CLASSES = frozenset({"book-title", "book-subtitle", "half-title-text", "part-title"})

#: One fault: code, page index, owner id, message, hint (as in :mod:`.checks`).
Found = tuple[str, int, str | None, str, str]


def display_faults(book: Book, is_heading: Any) -> list[Found]:
    """Every T708 fault of the book; ``is_heading``: the checks' test for a heading."""
    found: list[Found] = []
    by_block: dict[Any, list[Line]] = {}
    for line in book.lines:
        if line.block is not None:
            by_block.setdefault(line.block, []).append(line)
    for block, lines in by_block.items():
        display = is_heading(block) or bool(DISPLAY_CLASSES & _classes(block))
        if display:
            found += _display_block(lines)
        else:
            found += _names(lines)
    found.sort(key=lambda fault: fault[1])
    return found


def _names(lines: list[Line]) -> list[Found]:
    found: list[Found] = []
    for line, following in itertools.pairwise(lines):
        if not line.hyphenated:
            continue
        word = _broken_word(line, following)
        if not word[:1].isupper() or len(word) >= LONG_WORD or _capitalises_nouns(line):
            continue
        found.append(
            (
                "T708",
                line.page,
                line.owner,
                f"the name {word!r} is hyphenated ({_end(line)!r} / {following.text.split()[0]!r})",
                "a name is kept whole: rewrite a few words of the line, or (in a theme)"
                " keep the PDF writer's rule for capitalised words",
            )
        )
    return found


def _display_block(lines: list[Line]) -> list[Found]:
    found: list[Found] = []
    for line, following in itertools.pairwise(lines):
        if line.hyphenated and len(_broken_word(line, following)) < LONG_WORD:
            found.append(
                (
                    "T708",
                    line.page,
                    line.owner,
                    f"a display line is hyphenated"
                    f" ({_end(line)!r} / {following.text.split()[0]!r})",
                    "a heading breaks between words: the theme should set hyphens: manual",
                )
            )
    words = [line for line in lines if any(char.isalnum() for char in line.text)]
    if len(words) >= 2 and len(words[-1].text.split()) == 1 and len(words[-2].text.split()) > 1:
        last = words[-1]
        if not words[-2].hyphenated:
            found.append(
                (
                    "T708",
                    last.page,
                    last.owner,
                    f"a display line ends on one word alone: {last.text.strip()!r}",
                    "keep the last two words together (the display filter of the"
                    " templates), or shorten the title",
                )
            )
    return found


def _broken_word(line: Line, following: Line) -> str:
    """The whole word a hyphen at the end of ``line`` cuts, without the hyphen."""
    end = _end(line)
    start = following.text.split()[0] if following.text.split() else ""
    return "".join(char for char in end + start if char.isalnum())


def _end(line: Line) -> str:
    words = line.text.replace("\u00ad", "").replace("\u2060", "").split()
    return words[-1] if words else ""


def _capitalises_nouns(line: Line) -> bool:
    lang = ""
    for box in line.box.descendants():
        style = getattr(box, "style", None)
        if style is not None and style["lang"]:
            lang = str(style["lang"])
    return lang.replace("_", "-").split("-")[0].lower() in CAPITALISED_NOUNS


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split())
