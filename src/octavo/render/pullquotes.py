"""Where a review's pull quote goes: between paragraphs, at a distance from its source.

A pull quote repeats a sentence of the review. Set beside or just before that
sentence, it makes the reader meet the same words twice within a few lines, and
a float beside the opening paragraph squeezes it to half its measure. So every
edition (print, EPUB, HTML) places the quote the same way, as a block between two
of the body's top-level blocks (paragraphs, lists, quotations...):

- the **source** is the block that holds the quoted text. Quote and text are
  compared as words, ignoring case, punctuation, quotation marks and dashes; an
  abridged quote ("…", "[…]") is compared piece by piece. A block that holds at
  least half of the quote's runs of three words is a source (a quote may have
  more than one);
- a place is **at a distance** when at least ``MIN_BLOCKS_BETWEEN`` whole blocks
  and ``MIN_WORDS_BETWEEN`` words lie between it and every source;
- a place is never before the first ``MIN_WORDS_BEFORE`` words (the opening stays
  at full measure), nor right after a heading, nor after the last block of text
  (the notes come after that);
- the quote goes at the first place at a distance *after* its source, where the
  reader has already read the sentence; failing that, at the last place at a
  distance *before* it;
- a quote found nowhere in the text goes at the place nearest the middle of the
  review's words;
- where no place qualifies (a short review), the quote is left out of the edition.
  Nothing is lost: the quote repeats the text, and is hidden from screen readers
  (``aria-hidden``) for that reason.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from lxml import etree
from markupsafe import Markup

#: Whole blocks (paragraphs...) that lie between a pull quote and its source.
MIN_BLOCKS_BETWEEN = 1
#: Words between a pull quote and its source: more than a 6-inch e-reader's screen.
MIN_WORDS_BETWEEN = 200
#: Words of the review before its pull quote: the opening is never beside one.
MIN_WORDS_BEFORE = 100
#: A block holding this share of the quote's runs of words is its source.
SOURCE_SHARE = 0.5
#: Runs of this many words are compared (fewer for a shorter quote).
RUN = 3

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
#: Chinese and Japanese are written without spaces: each character counts as a word
#: (a Japanese word is two or three characters, so the distances below are shorter
#: there), and a run of them is never one word.
_CJK_CHARACTER = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_WORD = re.compile(rf"{_CJK_CHARACTER}|(?:(?!{_CJK_CHARACTER})\w)+")
#: Where an abridged quote leaves words out: an ellipsis, or words in square brackets.
_GAP = re.compile(r"\[[^\]]*\]|…|\.\s*\.\s*\.")
_TAG = re.compile(r"<[^>]*>")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Top-level blocks that are not the review's text: the notes and the rule above them.
_NOTES = frozenset({"footnotes", "footnotes-sep"})


@dataclass(frozen=True)
class _Block:
    element: etree._Element
    words: tuple[str, ...]
    start: int  #: the index of its first word among the body's words


def words(text: str) -> tuple[str, ...]:
    """The text's words as compared: case, accents' forms, punctuation and dashes aside."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return tuple(_WORD.findall(text.replace("’", "'").replace("\u00ad", "")))


def place_pullquote(fragment: Markup, aside: str) -> Markup:
    """The body ``fragment`` (XHTML) with ``aside`` placed in it, or left out.

    ``aside`` is the theme's markup for the quote (empty when the review has none);
    its text is the quote. See the module for the rule.
    """
    quote = html.unescape(_TAG.sub(" ", str(aside)))
    if not words(quote) or not str(fragment).strip():
        return fragment
    wrapper = etree.fromstring(f"<div>{fragment}</div>", _PARSER)
    blocks = _text_blocks(wrapper)
    slot = choose_slot(blocks, quote)
    if slot is None:
        return fragment
    children = list(wrapper)
    index = children.index(blocks[slot].element)  # the quote goes before this block
    parts = [wrapper.text or ""]
    parts += [etree.tostring(child, encoding="unicode") for child in children[:index]]
    parts.append(str(aside))
    parts += [etree.tostring(child, encoding="unicode") for child in children[index:]]
    return Markup("".join(parts))


def _text_blocks(wrapper: etree._Element) -> list[_Block]:
    blocks: list[_Block] = []
    start = 0
    for element in wrapper:
        if not isinstance(element.tag, str) or set(element.get("class", "").split()) & _NOTES:
            continue
        found = words(" ".join(_text(element)))
        blocks.append(_Block(element, found, start))
        start += len(found)
    return blocks


def _text(element: etree._Element) -> list[str]:
    """The element's text, without note calls (their numbers are not words)."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and "footnote-ref" not in child.get("class", ""):
            parts += _text(child)
        parts.append(child.tail or "")
    return parts


def choose_slot(blocks: list[_Block], quote: str) -> int | None:
    """The index of the block the quote goes before, or None to leave it out."""
    total = blocks[-1].start + len(blocks[-1].words) if blocks else 0
    sources = _sources(blocks, quote)
    slots = [
        index
        for index in range(1, len(blocks))
        if blocks[index].start >= MIN_WORDS_BEFORE and not _heading(blocks[index - 1].element)
    ]
    if not sources:
        return min(slots, key=lambda index: abs(2 * blocks[index].start - total), default=None)
    first, last = sources[0], sources[-1]
    after = [
        index
        for index in slots
        if index - 1 - last[0] >= MIN_BLOCKS_BETWEEN
        and blocks[index].start - last[2] >= MIN_WORDS_BETWEEN
    ]
    if after:
        return after[0]
    before = [
        index
        for index in slots
        if first[0] - index >= MIN_BLOCKS_BETWEEN
        and first[1] - blocks[index].start >= MIN_WORDS_BETWEEN
    ]
    return before[-1] if before else None


def _sources(blocks: list[_Block], quote: str) -> list[tuple[int, int, int]]:
    """Each block holding the quote: its index, and where the quoted words begin and end
    among the body's words."""
    runs = _runs(quote)
    size = len(next(iter(runs)))
    found: list[tuple[int, int, int]] = []
    for index, block in enumerate(blocks):
        at = [
            position
            for position in range(len(block.words) - size + 1)
            if block.words[position : position + size] in runs
        ]
        matched = {block.words[position : position + size] for position in at}
        if at and len(matched) >= SOURCE_SHARE * len(runs):
            found.append((index, block.start + at[0], block.start + at[-1] + size))
    return found


def _runs(quote: str) -> set[tuple[str, ...]]:
    """The quote's runs of ``RUN`` words (or of all its words, when it is shorter),
    none across a gap where an abridged quote leaves words out."""
    pieces = [piece for piece in (words(part) for part in _GAP.split(quote)) if piece]
    size = min(RUN, max(len(piece) for piece in pieces))
    return {
        piece[position : position + size]
        for piece in pieces
        for position in range(len(piece) - size + 1)
    }


def _heading(element: etree._Element) -> bool:
    return element.tag in _HEADINGS or element.get("role") == "heading"
