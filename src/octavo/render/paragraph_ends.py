"""A paragraph's last line: never the tail of a hyphenated word, never a short word alone.

A typesetter does not end a paragraph on "ent." (the end of "cli-ent.") or on "it."
alone on its line. CSS has ``hyphenate-limit-last``, which WeasyPrint 70 does not
implement, so the print renderer marks the end of each paragraph in its text: a word
joiner (U+2060, drawn as nothing) after the last word's last letter tells the PDF
writer's hyphenation (:mod:`octavo.write.hyphenation`) to keep that word whole, and a
last word shorter than :data:`SHORT_WORD` letters is tied to the word before it by a
no-break space. (Not a span: WeasyPrint 70 breaks some lines early, leaving one word
alone mid-paragraph, when a paragraph ends in an inline box.) In Chinese, Japanese
and Korean written without spaces, word joiners keep the last :data:`CJK_END`
characters together. Text extraction reads neither character differently: the
joiner has no glyph, and the no-break space reads as a space. A word of
:data:`~.display.LONG_WORD` letters or more is left free to break, and so is a
paragraph that ends on code, a note's call or an image. The last words of a paragraph
that ends in a phrase (``*it.*``, a ``<span lang="ja">``) are marked inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .display import LAST_WORDS, LONG_WORD

#: A last word shorter than this (in letters) is kept with the word before it.
SHORT_WORD = 4

#: Chinese and Japanese are written without spaces: the last characters of such a
#: paragraph are kept together instead, so that no line holds one or two alone.
CJK_END = 4
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")

#: Joins two characters: no line breaks between them (Unicode's WJ, drawn as nothing).
WORD_JOINER = "\u2060"
NO_BREAK_SPACE = "\u00a0"

_LETTERS = re.compile(r"\w")
#: Phrases whose text can end a paragraph: its last words are marked inside them.
_PHRASES = frozenset({"a", "abbr", "b", "bdi", "cite", "dfn", "em", "i", "mark", "q",
                      "s", "small", "span", "strong", "u"})  # fmt: skip


def keep_paragraph_ends(body: etree._Element) -> None:
    """Keep the last words of every paragraph in ``body`` (a parsed review body)."""
    for outer in body.iter("p"):
        paragraph = _last_text_holder(outer)
        children = list(paragraph)
        text = (children[-1].tail if children else paragraph.text) or ""
        found = ending(text)
        if found is None or not _LETTERS.search(found.last):
            continue
        last, start = found.last, found.last_start
        unspaced = bool(_CJK.search(last[-CJK_END:])) and len(last) > CJK_END
        if not children and paragraph is outer and not found.before and not unspaced:
            continue  # a paragraph of one word: nothing to keep it from
        if unspaced:
            # text without spaces: no break between its last characters
            kept = WORD_JOINER.join(last[-CJK_END:])
            marked = last[:-CJK_END] + kept
        elif len(last) >= LONG_WORD:
            continue
        else:
            # a word joiner after the last letter: a mark for the PDF writer's
            # hyphenation (write/hyphenation.py), which never breaks such a word
            letter = max(match.end() for match in _LETTERS.finditer(last))
            marked = last[:letter] + WORD_JOINER + last[letter:]
            before = found.before
            if before and _letters(last) < SHORT_WORD and len(before) + 1 + len(last) <= LAST_WORDS:
                marked = before + NO_BREAK_SPACE + marked
                start = found.before_start
        ended = text[:start] + marked + text[found.last_start + len(last) :]
        if children:
            children[-1].tail = ended
        else:
            paragraph.text = ended


@dataclass(frozen=True)
class Ending:
    """The last word of a text, and the word before it ("" when there is none)."""

    last: str
    last_start: int
    before: str
    before_start: int


def ending(text: str) -> Ending | None:
    """The last word of ``text`` (a run of characters that are not spaces) and the
    word before it, or None for a text of spaces alone. What the pattern
    ``(?:(\\S+)\\s+)?(\\S+)\\s*$`` finds, read from the end: a search for it tries
    every character of the paragraph (1.4 s a rendering of 1,000 reviews)."""
    end = len(text.rstrip())
    last_start = end
    while last_start > 0 and not text[last_start - 1].isspace():
        last_start -= 1
    if last_start == end:
        return None
    before_end = last_start
    while before_end > 0 and text[before_end - 1].isspace():
        before_end -= 1
    before_start = before_end
    while before_start > 0 and not text[before_start - 1].isspace():
        before_start -= 1
    return Ending(text[last_start:end], last_start, text[before_start:before_end], before_start)


def _last_text_holder(element: etree._Element) -> etree._Element:
    """The element whose own text ends the paragraph: the paragraph, or the phrase
    (``<em>``, ``<span lang="ja">``...) that closes it with nothing after it."""
    while len(element):
        child = element[-1]
        if (child.tail or "").strip() or child.tag not in _PHRASES or child.get("class"):
            break
        element = child
    return element


def _letters(word: str) -> int:
    return len(_LETTERS.findall(word))
