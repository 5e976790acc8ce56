"""A paragraph's last line: never the tail of a hyphenated word, never a short word alone.

A typesetter does not end a paragraph on "ent." (the end of "cli-ent.") or on "it."
alone on its line. CSS has ``hyphenate-limit-last``, which WeasyPrint 70 does not
implement, so the print renderer marks the end of each paragraph instead: its last
word, and the word before it when the last is shorter than :data:`SHORT_WORD`
letters, go in a ``<span class="last-words">`` that the theme keeps on one line
(``white-space: nowrap``). The last word is then never hyphenated, and a short one
always has company (in Chinese, Japanese and Korean written without spaces, the last
:data:`CJK_END` characters are kept together). A word of
:data:`~.display.LONG_WORD` letters or more is left free to break, and so is a
paragraph that ends on code, a note's call or an image. The last words of a paragraph
that ends in a phrase (``*it.*``, a ``<span lang="ja">``) are marked inside it.
"""

from __future__ import annotations

import re

from lxml import etree

from .display import LAST_WORDS, LONG_WORD

#: A last word shorter than this (in letters) is kept with the word before it.
SHORT_WORD = 4

#: Chinese and Japanese are written without spaces: the last characters of such a
#: paragraph are kept together instead, so that no line holds one or two alone.
CJK_END = 4
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")

_LETTERS = re.compile(r"\w")
#: Phrases whose text can end a paragraph: its last words are marked inside them.
_PHRASES = frozenset({"a", "abbr", "b", "bdi", "cite", "dfn", "em", "i", "mark", "q",
                      "s", "small", "span", "strong", "u"})  # fmt: skip
#: The last word of a text, and the word before it when there is one.
_END = re.compile(r"(?:(?P<before>\S+)\s+)?(?P<last>\S+)\s*$")


def keep_paragraph_ends(body: etree._Element) -> None:
    """Mark the last words of every paragraph in ``body`` (a parsed review body)."""
    for outer in body.iter("p"):
        paragraph = _last_text_holder(outer)
        children = list(paragraph)
        text = (children[-1].tail if children else paragraph.text) or ""
        found = _END.search(text)
        if found is None or not _LETTERS.search(found["last"]):
            continue
        last = found["last"]
        start = found.start("last")
        if _CJK.search(last[-CJK_END:]) and len(last) > CJK_END:
            start = found.end("last") - CJK_END  # text without spaces: its last characters
        elif len(last) >= LONG_WORD:
            continue
        before = found["before"]
        short = start == found.start("last") and _letters(last) < SHORT_WORD
        if before and short and len(before) + 1 + len(last) <= LAST_WORDS:
            start = found.start("before")
        if not children and not text[:start].strip() and paragraph is outer:
            continue  # a paragraph of one or two words: nothing to keep them from
        span = etree.Element("span", {"class": "last-words"})
        span.text = " ".join(text[start : found.end("last")].split())
        span.tail = text[found.end("last") :]
        if children:
            children[-1].tail = text[:start]
        else:
            paragraph.text = text[:start]
        paragraph.append(span)


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
