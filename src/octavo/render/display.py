"""Display lines: titles, subtitles and headings set large, in a short measure.

A heading is never hyphenated, so two faults are left to it: a word longer than the
measure runs off the page (a 45-letter title), and the last line can hold one short
word alone ("Fourteen Reviews of the Films That Taught Cinema to / Speak"). The
``display`` filter marks the text for the theme:

- a word of :data:`LONG_WORD` letters or more is wrapped in ``<span
  class="long-word">``, which the themes hyphenate (``hyphens: auto``) so that it
  breaks with a hyphen where the measure needs it;
- the last two words are wrapped in ``<span class="last-words">``, which the themes
  keep on one line (``white-space: nowrap``), so that no line holds one word alone
  after a longer one. Spans, not a no-break space: the words read back from the PDF
  and the EPUB exactly as written.
"""

from __future__ import annotations

import re

from lxml import etree
from markupsafe import Markup, escape

#: A word this long (in letters) may be hyphenated in a heading.
LONG_WORD = 18

#: The last two words are kept together when they are this short, together.
LAST_WORDS = 20

#: A display line this short (in characters) fits on one line in every theme: its
#: words are left as they are ("Index of Works").
SHORT_DISPLAY = 20

_LONG = re.compile(rf"\w{{{LONG_WORD},}}")
_LAST_TWO = re.compile(r"(?P<before>\S+)\s+(?P<last>\S+)\s*$")


def display(text: object) -> Markup:
    """The text of a display line, escaped, with its long words and last words marked."""
    words = str(text if isinstance(text, Markup) else escape(str(text))).split(" ")
    tail = ""
    short = len(Markup(" ".join(words)).striptags()) <= SHORT_DISPLAY
    if (
        len(words) >= 3
        and not short
        and all(words[-2:])
        and not any(_LONG.search(w) for w in words[-2:])
    ):
        last = " ".join(words[-2:])
        if len(Markup(last).striptags()) <= LAST_WORDS and "<" not in last:
            tail = f'<span class="last-words">{last}</span>'
            words = words[:-2]
    head = _LONG.sub(_long_word, " ".join(words))
    return Markup(f"{head} {tail}" if tail else head)


def long_words(text: object) -> Markup:
    """The text, escaped, with its long words marked (a contents or index line)."""
    return Markup(
        _LONG.sub(_long_word, str(text if isinstance(text, Markup) else escape(str(text))))
    )


def keep_heading_ends(body: etree._Element) -> None:
    """In a review's body, tie each heading's last two words with a no-break space, as
    :func:`display` keeps a title's together; a heading whose last words are in markup
    (``*Speak*``) is left as it is. (A character, not a span: WeasyPrint 70 breaks some
    lines early when a block ends in an inline box.)"""
    for heading in body.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        children = list(heading)
        text = (children[-1].tail if children else heading.text) or ""
        found = _LAST_TWO.search(text)
        if found is None or len(text) <= SHORT_DISPLAY:
            continue
        last = f"{found['before']} {found['last']}"
        if len(last) > LAST_WORDS or _LONG.search(last):
            continue
        tied = text[: found.start()] + found["before"] + "\u00a0" + found["last"]
        tied += text[found.end("last") :]
        if children:
            children[-1].tail = tied
        else:
            heading.text = tied


def _long_word(word: re.Match[str]) -> str:
    return f'<span class="long-word">{word.group(0)}</span>'
