"""Which way text runs: a paragraph's direction found from its words, titles isolated.

WeasyPrint 70 reads ``dir="rtl"`` and ``dir="ltr"`` but neither ``dir="auto"`` nor
``unicode-bidi: plaintext``, so the direction of a paragraph written wholly in
another script is found here, once, for the print book, the EPUB and the HTML
edition alike: as in HTML's ``dir="auto"``, it is the direction of the paragraph's
first strong character (a letter of a script, not a digit or a mark), skipping
passages that set their own direction, provided most of its words run that way too
(a Hebrew sentence that opens on an English name is still Hebrew). A paragraph
whose direction differs from the text around it gets ``dir``; its ``lang`` is only
ever the one its author declared (``{lang=he}``), since a script does not name a language.

Code (``pre``) in right-to-left text is given ``dir="ltr"``: a command or a YAML
block set right to left reads backwards.

Titles and names that sit next to other text are isolated (``<bdi>``) when they hold
a letter that runs against the book, so that an Arabic title keeps its year on the
side the line reads from: "وجدة (2012)".
"""

from __future__ import annotations

import re
import unicodedata

from lxml import etree
from markupsafe import Markup, escape

from ..model import Anthology, text_direction
from .epub_fragments import EPUB_NS

#: The elements whose text is one paragraph, in the sense of the bidi algorithm.
BLOCKS = frozenset(
    ["p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption",
     "td", "th"]
)  # fmt: skip
#: Elements whose content never decides the direction of the text around them.
_ISOLATED = frozenset(["bdi", "script", "style", "code", "pre", "math", "svg"])
#: Characters of the right-to-left blocks, to skip fragments that have none.
_RIGHT_TO_LEFT = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_DECLARATION = f' xmlns:epub="{EPUB_NS}"'


def strong_direction(text: str) -> str | None:
    """``rtl`` or ``ltr`` from the first strong character of ``text``; None without one."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def set_directions(html: Markup, direction: str = "ltr") -> Markup:
    """The fragment with ``dir`` on each paragraph that runs against ``direction``.

    ``direction`` is the direction of the element the fragment is placed in. A
    paragraph that already says ``dir`` keeps it, and sets the direction its own
    paragraphs are compared with.
    """
    text = str(html)
    if direction == "ltr" and not _RIGHT_TO_LEFT.search(text):
        return html
    wrapper = etree.fromstring(
        f'<div xmlns:epub="{EPUB_NS}">{text}</div>',
        etree.XMLParser(resolve_entities=False, no_network=True),
    )
    if not _mark(wrapper, direction):
        return html
    parts = [wrapper.text or ""]
    parts += [etree.tostring(child, encoding="unicode") for child in wrapper]
    return Markup("".join(parts).replace(_DECLARATION, ""))


def _mark(element: etree._Element, direction: str) -> bool:
    """Set ``dir`` under ``element`` (whose text runs ``direction``); whether any was set."""
    changed = False
    for child in element:
        if not isinstance(child.tag, str):
            continue
        own = child.get("dir")
        if own in ("ltr", "rtl"):
            changed |= _mark(child, own)
            continue
        if child.tag == "pre":
            if direction == "rtl":  # code runs left to right, whatever the text around it
                child.set("dir", "ltr")
                changed = True
            continue
        if child.tag in BLOCKS:
            found = _first_strong(child)
            if found is not None and found != direction and _mostly(child, found):
                child.set("dir", found)
                changed = True
                own = found
        changed |= _mark(child, own or direction)
    return changed


def _mostly(element: etree._Element, direction: str) -> bool:
    """Whether more of the block's words run ``direction`` than the other way.

    A Hebrew sentence that opens on an English name ("Manim (גרסת Community מתאימה)")
    stays a Hebrew sentence, and an English one that opens on a Hebrew word stays
    English: the first strong letter alone (HTML's ``dir="auto"``) would turn both.
    """
    along = against = 0
    for word in " ".join(_own_text(element)).split():
        found = strong_direction(word)
        if found == direction:
            along += 1
        elif found is not None:
            against += 1
    return along > against


def _own_text(element: etree._Element) -> list[str]:
    """The text of a block, without its nested blocks, code and passages with a ``dir``."""
    texts = [element.text or ""]
    for child in element:
        if (
            isinstance(child.tag, str)
            and child.tag not in _ISOLATED
            and child.tag not in BLOCKS
            and not child.get("dir")
        ):
            texts += _own_text(child)
        texts.append(child.tail or "")
    return texts


def _first_strong(element: etree._Element) -> str | None:
    """The direction of the first strong character in ``element``'s own text."""
    if found := strong_direction(element.text or ""):
        return found
    for child in element:
        decides = isinstance(child.tag, str) and child.tag not in _ISOLATED
        if decides and not child.get("dir") and (found := _first_strong(child)):
            return found
        if found := strong_direction(child.tail or ""):
            return found
    return None


def isolate(
    text: str, direction: str = "ltr", lang: str | None = None, xhtml: bool = False
) -> Markup:
    """``text`` in a ``<bdi>`` when it holds a letter that runs against ``direction``.

    Text of the line's own direction cannot be pulled out of place, so it stays bare
    (an English title in an English book); Markup keeps its tags. ``lang``, the text's
    language where it is not the book's, is set on the ``<bdi>``, or on a ``<span>``
    when no isolation is needed (with ``xml:lang`` too in ``xhtml``); a language
    written the other way also sets ``dir``.
    """
    line = escape(text)
    if direction == "ltr" and line.isascii():
        isolated = False  # no ASCII character is strong right to left
    else:
        against = ("R", "AL", "AN") if direction == "ltr" else ("L",)
        isolated = any(
            unicodedata.bidirectional(character) in against for character in line.striptags()
        )
    if lang is None:
        return Markup("<bdi>{}</bdi>").format(line) if isolated else line
    attributes = Markup(' lang="{}"').format(lang)
    if xhtml:
        attributes += Markup(' xml:lang="{}"').format(lang)
    if text_direction(lang) != direction:
        attributes += Markup(' dir="{}"').format(text_direction(lang))
    tag = "bdi" if isolated or text_direction(lang) != direction else "span"
    return Markup("<{0}{1}>{2}</{0}>").format(Markup(tag), attributes, line)


def review_titles(anthology: Anthology, xhtml: bool = False) -> dict[str, Markup]:
    """Each review's title as the templates cite it, by review id: isolated from the year
    after it and marked with its language, ``<bdi lang="ar" dir="rtl">وجدة</bdi> (2012)``
    (with ``xml:lang`` too in ``xhtml``)."""
    titles: dict[str, Markup] = {}
    for review in anthology.reviews:
        lang = review.title_language_in(anthology.language)
        title = isolate(review.title, anthology.direction, lang, xhtml)
        year = review.work.year
        titles[review.id] = title + f" ({year})" if year is not None else title
    return titles
