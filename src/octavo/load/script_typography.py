"""Typing habits of scripts other than Latin, made right as the Markdown is parsed.

Two markdown-it core rules, run before the typographer's quotes:

- :func:`east_asian_breaks`: a line break inside a paragraph is a space in Markdown,
  but Chinese and Japanese put no space between words, so a break between two of
  their characters (or their full-width punctuation) is dropped, as Pandoc's
  ``east_asian_line_breaks`` does. Korean, which spaces its words, keeps the space.
- :func:`hebrew_marks`: Hebrew keyboards have no geresh (׳) or gershayim (״), so
  writers type ``'`` and ``"``: a ``"`` before the last letter of a Hebrew word
  (צה"ל) is a gershayim, and a ``'`` between two Hebrew letters (ג'ים) a geresh;
  neither is a quotation mark to be curled. A ``"`` after a prefix letter that opens
  a quotation (ה"בית") is one.
"""

from __future__ import annotations

import re

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

#: Characters of scripts written without spaces between words: CJK ideographs, kana,
#: bopomofo, and the CJK and full-width punctuation and forms.
_WIDE = re.compile(
    "[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003ffff]"
)
_HEBREW_LETTER = "[\u05d0-\u05ea]"
#: an acronym's gershayim stands before its last letter (צה"ל, ארה"ב); a quotation
#: after a prefix letter (ה"בית") runs on past it
_GERSHAYIM = re.compile(rf'(?<={_HEBREW_LETTER})"(?={_HEBREW_LETTER}(?![\u05d0-\u05ea\u05f3\']))')
_GERESH = re.compile(rf"(?<={_HEBREW_LETTER})'(?={_HEBREW_LETTER})")
#: a Hebrew letter anywhere: a text without one is not gone through mark by mark
_ANY_HEBREW_LETTER = re.compile(_HEBREW_LETTER)


def east_asian_breaks(state: StateCore) -> None:
    """Drop a soft line break between two Chinese or Japanese characters."""
    for token in state.tokens:
        children = token.children or []
        for index, child in enumerate(children):
            if child.type != "softbreak":
                continue
            before = _text_beside(children, index, -1)
            after = _text_beside(children, index, 1)
            if before and after and _WIDE.match(before[-1]) and _WIDE.match(after[0]):
                child.type = "text"
                child.content = ""


def _text_beside(children: list[Token], index: int, step: int) -> str:
    """The text next to ``children[index]``, past any opening or closing mark."""
    index += step
    while 0 <= index < len(children):
        child = children[index]
        if child.type.endswith(("_open", "_close")):
            index += step
            continue
        return child.content if child.type == "text" else ""
    return ""


def hebrew_marks(state: StateCore) -> None:
    """``"`` and ``'`` inside a Hebrew word become the gershayim and the geresh."""
    if not _ANY_HEBREW_LETTER.search(state.src):
        return
    for token in state.tokens:
        for child in token.children or []:
            if child.type == "text" and ("'" in child.content or '"' in child.content):
                text = _GERSHAYIM.sub("\u05f4", child.content)
                child.content = _GERESH.sub("\u05f3", text)
