"""The language of a title written in another script than the book's.

A review may say what language its work's title is in (``title_language: ar``). When
it does not, and the title is written in another script than the book's, the
script names the language where one language owns it: Hebrew letters are ``he``,
Arabic ``ar``, Hangul ``ko``, kana (with or without kanji) ``ja``, Greek ``el``, Thai
``th``; kanji alone is ``zh`` outside a Chinese, Japanese or Korean book. A script
many languages share (Latin, Cyrillic) names none, and neither does the book's own
script: a French title in an English book, or an English one in a Hebrew book, is
not told by its letters and must be declared (it is still isolated from text that
runs the other way).
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter

#: The script of a letter, from the first word of its Unicode name.
_NAME_SCRIPTS = {
    "LATIN": "Latn",
    "GREEK": "Grek",
    "COPTIC": "Grek",
    "CYRILLIC": "Cyrl",
    "ARMENIAN": "Armn",
    "HEBREW": "Hebr",
    "ARABIC": "Arab",
    "SYRIAC": "Syrc",
    "THAANA": "Thaa",
    "DEVANAGARI": "Deva",
    "BENGALI": "Beng",
    "GURMUKHI": "Guru",
    "GUJARATI": "Gujr",
    "TAMIL": "Taml",
    "TELUGU": "Telu",
    "KANNADA": "Knda",
    "MALAYALAM": "Mlym",
    "SINHALA": "Sinh",
    "THAI": "Thai",
    "LAO": "Laoo",
    "TIBETAN": "Tibt",
    "MYANMAR": "Mymr",
    "GEORGIAN": "Geor",
    "ETHIOPIC": "Ethi",
    "KHMER": "Khmr",
    "MONGOLIAN": "Mong",
    "HIRAGANA": "Kana",
    "KATAKANA": "Kana",
    "HANGUL": "Hang",
    "CJK": "Hani",
}
#: Scripts that one language owns, as far as a title's reader is concerned.
_SCRIPT_LANGUAGES = {
    "Hebr": "he",
    "Arab": "ar",
    "Hang": "ko",
    "Kana": "ja",
    "Grek": "el",
    "Thai": "th",
    "Armn": "hy",
    "Geor": "ka",
    "Khmr": "km",
    "Laoo": "lo",
    "Sinh": "si",
}
#: The scripts each book language is written in (Latin for any language not named).
_LANGUAGE_SCRIPTS = {
    "he": {"Hebr"}, "yi": {"Hebr"},
    "ar": {"Arab"}, "fa": {"Arab"}, "ur": {"Arab"}, "ps": {"Arab"}, "ckb": {"Arab"},
    "ja": {"Kana", "Hani"}, "zh": {"Hani"}, "ko": {"Hang", "Hani"},
    "ru": {"Cyrl"}, "uk": {"Cyrl"}, "be": {"Cyrl"}, "bg": {"Cyrl"}, "sr": {"Cyrl", "Latn"},
    "mk": {"Cyrl"}, "kk": {"Cyrl"}, "mn": {"Cyrl"},
    "el": {"Grek"}, "hy": {"Armn"}, "ka": {"Geor"}, "th": {"Thai"},
    "hi": {"Deva"}, "mr": {"Deva"}, "ne": {"Deva"}, "bn": {"Beng"}, "ta": {"Taml"},
}  # fmt: skip
_CJK_LANGUAGES = frozenset(["ja", "zh", "ko"])


@functools.lru_cache(maxsize=4096)
def script_of(character: str) -> str | None:
    """The ISO 15924 code of a letter's script; None for digits, marks and punctuation.
    Kept: a book's titles are written in a few hundred characters, asked for again and
    again (200,000 times at 5,000 reviews)."""
    if not unicodedata.category(character).startswith("L"):
        return None
    word = unicodedata.name(character, "").split(" ")[0]
    return _NAME_SCRIPTS.get(word)


def text_script(text: str) -> str | None:
    """The script most of ``text``'s letters are in (kana with kanji is Japanese's)."""
    if text.isascii():  # every ASCII letter is Latin
        return "Latn" if any(character.isalpha() for character in text) else None
    counts = Counter(script for character in text if (script := script_of(character)))
    if not counts:
        return None
    if counts.get("Kana") and counts.get("Hani"):
        counts["Kana"] += counts.pop("Hani")
    return counts.most_common(1)[0][0]


@functools.lru_cache(maxsize=16384)
def title_language(title: str, book_language: str) -> str | None:
    """The language a title's script names, when that is not the book's; else None.
    Kept: each review's title is asked for by every rendering of the book."""
    script = text_script(title)
    if script is None:
        return None
    book = book_language.casefold().replace("_", "-").split("-")[0]
    if script in _LANGUAGE_SCRIPTS.get(book, {"Latn"}):
        return None
    if script == "Hani":
        return None if book in _CJK_LANGUAGES else "zh"
    return _SCRIPT_LANGUAGES.get(script)
