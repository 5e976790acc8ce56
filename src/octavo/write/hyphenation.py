"""No hyphen inside a name: a word that begins with a capital letter is kept whole.

A typesetter does not break "Cal-igari" or "Fran-cis" (TeX's ``\\uchyph=0`` is the
same rule): a name cut in two is read as two words. CSS has no property for it, so the
PDF writer gives WeasyPrint's line breaker, which asks pyphen for a word's hyphenation
points, a dictionary that finds none in a capitalised word. Every other word
hyphenates as before, and so does a capitalised word of ``LONG_WORD`` letters or more
(a long compound title), which could not be kept whole on any line anyway.

A word with a word joiner (U+2060) in it is kept whole too: the print renderer puts
one after the last letter of each paragraph, so that no paragraph ends on the tail of
a hyphenated word (:mod:`octavo.render.paragraph_ends`).

German and Luxembourgish capitalise every noun: there the rule would keep most long
words whole, so those languages hyphenate capitalised words as usual.
"""

from __future__ import annotations

import types
from collections.abc import Iterator

import pyphen

from ..render.display import LONG_WORD
from ..render.paragraph_ends import WORD_JOINER

#: Languages (their primary subtag) that capitalise every noun.
CAPITALISED_NOUNS = frozenset({"de", "lb"})


class NamesKeptWhole(pyphen.Pyphen):  # type: ignore[misc]
    """A pyphen dictionary that gives no hyphenation point in a capitalised word."""

    def __init__(self, *args: object, lang: str | None = None, **kwargs: object) -> None:
        super().__init__(*args, lang=lang, **kwargs)
        primary = (lang or "").replace("-", "_").split("_")[0].lower()
        self.keeps_names = primary not in CAPITALISED_NOUNS

    def iterate(self, word: str) -> Iterator[tuple[str, str]]:
        if WORD_JOINER in word:
            return iter(())  # a paragraph's last word (render/paragraph_ends.py)
        if self.keeps_names and word[:1].isupper() and len(word) < LONG_WORD:
            return iter(())
        points: Iterator[tuple[str, str]] = super().iterate(word)
        return points


def keep_names_whole() -> None:
    """Make WeasyPrint's line breaker use :class:`NamesKeptWhole` (idempotent)."""
    from weasyprint.text import line_break

    if getattr(line_break.pyphen, "Pyphen", None) is NamesKeptWhole:
        return
    shim = types.SimpleNamespace(
        **{name: getattr(pyphen, name) for name in dir(pyphen) if not name.startswith("__")}
    )
    shim.Pyphen = NamesKeptWhole
    line_break.pyphen = shim
