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

Each language hyphenates with its own patterns, found from the text's ``lang`` (the
book's, a review's, a passage's): pyphen's dictionaries (es, fr, de, it, pt, nl, sv,
pl, ru, uk... and their regions), and Turkish from ``hyph_tr.dic`` here, which pyphen
lacks. A language without a dictionary is not hyphenated at all (never with another
language's patterns); Arabic, Hebrew, Persian, Urdu, Yiddish, Chinese, Japanese and
Korean never are, and neither is a word in those scripts whatever its ``lang``.
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterator
from pathlib import Path

import pyphen

from ..render.display import LONG_WORD
from ..render.paragraph_ends import WORD_JOINER

#: Languages (their primary subtag) that capitalise every noun.
CAPITALISED_NOUNS = frozenset({"de", "lb"})

#: Languages (their primary subtag) whose writing is never hyphenated.
NOT_HYPHENATED = frozenset({"ar", "fa", "he", "ja", "ko", "ur", "yi", "zh"})

#: Dictionaries Octavo ships for languages pyphen has none for.
OWN_DICTIONARIES = {"tr": Path(__file__).parent / "hyph_tr.dic"}

#: A ``lang`` attribute of the print HTML (the space before its name, which tells it from
#: ``xml:lang`` or ``data-lang``, is checked by :func:`languages_in`).
_LANG = re.compile(r'lang="([^"]*)"')

#: Letters of scripts that do not hyphenate: Hebrew, Arabic (and its supplements and
#: presentation forms), Hangul, kana, CJK ideographs.
_UNHYPHENATED_SCRIPT = re.compile(
    "[\u0590-\u08ff\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\ufb1d-\ufdff\ufe70-\ufeff\U00020000-\U0003ffff]"
)


def _primary(lang: str | None) -> str:
    return (lang or "").replace("-", "_").split("_")[0].lower()


def dictionary_for(lang: str | None) -> str | None:
    """The hyphenation dictionary for a BCP 47 tag (pyphen's name for it, or one of
    ``OWN_DICTIONARIES``), or None: that language is not hyphenated."""
    primary = _primary(lang)
    if not lang or primary in NOT_HYPHENATED:
        return None
    found: str | None = pyphen.language_fallback(lang)
    return found or (primary if primary in OWN_DICTIONARIES else None)


class NamesKeptWhole(pyphen.Pyphen):  # type: ignore[misc]
    """A pyphen dictionary that gives no hyphenation point in a capitalised word."""

    def __init__(self, filename: object = None, lang: str | None = None, **kwargs: object) -> None:
        if filename is None and lang in OWN_DICTIONARIES:
            filename, lang = OWN_DICTIONARIES[lang], None
            primary = next(key for key, path in OWN_DICTIONARIES.items() if path == filename)
        else:
            primary = _primary(lang)
        super().__init__(filename=filename, lang=lang, **kwargs)
        self.keeps_names = primary not in CAPITALISED_NOUNS

    def iterate(self, word: str) -> Iterator[tuple[str, str]]:
        if WORD_JOINER in word:
            return iter(())  # a paragraph's last word (render/paragraph_ends.py)
        if _UNHYPHENATED_SCRIPT.search(word):
            return iter(())  # Hebrew, Arabic, CJK: never hyphenated
        if self.keeps_names and word[:1].isupper() and len(word) < LONG_WORD:
            return iter(())
        points: Iterator[tuple[str, str]] = super().iterate(word)
        return points


def keep_names_whole() -> None:
    """Make WeasyPrint's line breaker use :class:`NamesKeptWhole`, and find its
    dictionaries with :func:`dictionary_for` (idempotent)."""
    from weasyprint.text import line_break

    if getattr(line_break.pyphen, "Pyphen", None) is NamesKeptWhole:
        return
    shim = types.SimpleNamespace(
        **{name: getattr(pyphen, name) for name in dir(pyphen) if not name.startswith("__")}
    )
    shim.Pyphen = NamesKeptWhole
    shim.language_fallback = dictionary_for
    line_break.pyphen = shim


def languages_in(html: str) -> tuple[str, ...]:
    """The languages ``html``'s ``lang`` attributes name, each once, in order."""
    # found from the attribute's name, then the space before it checked: a pattern
    # beginning with the space (``\slang=``) tried every space of the book (0.07 s at
    # 1,000 reviews)
    return tuple(
        dict.fromkeys(
            found.group(1)
            for found in _LANG.finditer(html)
            if found.start() > 0 and html[found.start() - 1].isspace()
        )
    )


def load_dictionaries(languages: tuple[str, ...]) -> None:
    """Load the hyphenation dictionaries of ``languages`` now (pyphen keeps each for the
    process): a process that lays out in forked workers loads them once, before it forks
    them, instead of each worker loading them for its first hyphenated word. (German's
    takes about 0.9 s to load, English's 0.09 s; a cold build forks its workers three
    times: the main matter, the balancing's trials, the balanced main matter.)"""
    for lang in languages:
        name = dictionary_for(lang)
        if name is not None:
            NamesKeptWhole(lang=name)
