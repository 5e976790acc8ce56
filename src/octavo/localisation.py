"""The words Octavo prints in a book, in the book's language.

Every label a template or the build writes into a book (headings, "Reviewed by", the
stars' spoken text, the copyright lines, the EPUB's landmarks) is an English gettext
message id, looked up in ``locale/<language>/LC_MESSAGES/octavo.po`` for the book's
``language`` (BCP 47). The catalogues are read at run time with Babel, so there is no
compile step. Dates and numbers are formatted by CLDR, through Babel, for the same
language. A book's ``[labels]`` table (anthology.toml) overrides any message for that
book; its keys are the English message ids listed in ``locale/octavo.pot``.

The book's quotation marks come from CLDR too (:func:`quotation_marks`), through ICU:
Babel does not carry CLDR's delimiters.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALE_FOLDER = Path(__file__).parent / "locale"
DOMAIN = "octavo"
TEMPLATE = LOCALE_FOLDER / f"{DOMAIN}.pot"

#: The catalogues shipped, by folder name (English is the source language).
SHIPPED = (
    "es", "fr", "de", "it", "pt", "nl", "sv", "pl", "ru", "uk", "tr",
    "ar", "he", "ja", "zh_Hans", "zh_Hant", "ko",
)  # fmt: skip

#: Chinese written in these territories is Traditional unless the tag says otherwise.
_TRADITIONAL = {"TW", "HK", "MO"}


#: A narrow no-break space: French sets it inside its guillemets, « ainsi ».
NARROW_NO_BREAK_SPACE = "\u202f"
_GUILLEMETS_OPEN, _GUILLEMETS_CLOSE = "«‹", "»›"


@cache
def quotation_marks(language: str) -> tuple[str, str, str, str]:
    """The language's quotation marks, from CLDR: (open, close, inner open, inner close).

    "en" → “ ” ‘ ’, "de" → „ “ ‚ ‘, "ja" and "zh-Hant" → 「 」 『 』, "pt-PT" → « » “ ”;
    a language CLDR does not know gets CLDR's root marks, English's. French (and its
    regional tags) adds the narrow no-break space its typography sets inside
    guillemets, which CLDR leaves out: « ainsi ».
    """
    import icu  # ICU: loaded for the first book rendered

    tag = language.replace("_", "-")
    try:
        name = icu.Locale.forLanguageTag(tag).getName()
    except icu.ICUError:  # not a BCP 47 tag: the root locale's marks
        name = ""
    data, kind = icu.LocaleData(name), icu.ULocaleDataDelimiterType
    marks = [
        str(data.getDelimiter(which))
        for which in (
            kind.QUOTATION_START,
            kind.QUOTATION_END,
            kind.ALT_QUOTATION_START,
            kind.ALT_QUOTATION_END,
        )
    ]
    if tag.split("-")[0].casefold() == "fr":
        for index, mark in enumerate(marks):
            if mark in _GUILLEMETS_OPEN:
                marks[index] = mark + NARROW_NO_BREAK_SPACE
            elif mark in _GUILLEMETS_CLOSE:
                marks[index] = NARROW_NO_BREAK_SPACE + mark
    opening, closing, inner_opening, inner_closing = marks
    return opening, closing, inner_opening, inner_closing


@cache
def message_ids() -> frozenset[str]:
    """Every message Octavo prints in a book: the keys ``[labels]`` accepts."""
    with TEMPLATE.open("rb") as file:
        return frozenset(str(message.id) for message in read_po(file) if message.id)


@cache  # asked for by every message of every review (0.3 s a rendering of 1,000)
def _locale(language: str) -> Locale | None:
    # A bare "en" keeps Octavo's house style, day before month: "22 April 2026".
    tag = "en-GB" if language.casefold() == "en" else language.replace("_", "-")
    try:
        return Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        return None


def catalogue_name(language: str) -> str | None:
    """The shipped catalogue for a BCP 47 tag ("pt-BR" → pt, "zh-TW" → zh_Hant), or None."""
    locale = _locale(language)
    if locale is None:
        return None
    if locale.language == "zh":
        script = locale.script or ("Hant" if locale.territory in _TRADITIONAL else "Hans")
        name = f"zh_{script}"
    else:
        name = locale.language
    return name if name in SHIPPED else None


@cache
def _translations(name: str) -> NullTranslations:
    with (LOCALE_FOLDER / name / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as file:
        catalogue = read_po(file, locale=name)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@dataclass(frozen=True)
class Wording:
    """The book's words: its language's catalogue, then its own ``[labels]``."""

    language: str = "en"
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def _catalogue(self) -> NullTranslations:
        name = catalogue_name(self.language)
        return _translations(name) if name else NullTranslations()

    def gettext(self, message: str) -> str:
        """``message`` in the book's words (unknown messages are returned as they are)."""
        if message in self.labels:
            return self.labels[message]
        return self._catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        if count == 1 and singular in self.labels:
            return self.labels[singular]
        if count != 1 and plural in self.labels:
            return self.labels[plural]
        return self._catalogue.ngettext(singular, plural, count)

    def format(self, message: str, **values: object) -> str:
        """``message`` translated, then filled in: ``format("Part %(number)s", number=2)``.

        Every message is a %-format string, as the templates' ``_()`` reads it: a
        percent sign is written ``%%``.
        """
        return self.gettext(message) % values

    def translate(self, text: str) -> str:
        """Text from a review ("film", "Not rated") in the book's words when it is a
        message, else as it is."""
        return self.format(text) if text in message_ids() else text

    def names(self, names: Sequence[str]) -> str:
        """Names as a list in the book's words: "Ana, Bo y Cy", "Ana、Bo、Cy"."""
        if len(names) <= 1:
            return "".join(names)
        return self.gettext(", ").join(names[:-1]) + self.gettext(" and ") + names[-1]

    def date(self, value: dt.date) -> str:
        """A full date, the CLDR long format: "22 de abril de 2026", "22. April 2026"."""
        return _long_date(self.language, value)

    def month(self, value: dt.date) -> str:
        """A month and year: "abril de 2026", "April 2026", "2026年4月"."""
        return _month(self.language, value)

    def number(self, value: float) -> str:
        """A number as the language writes it: 4.5 → "4,5" in German."""
        return _decimal(self.language, value)


def _writing_locale(language: str) -> Locale:
    """The locale numbers and dates are written in: the language's, else English."""
    return _locale(language) or Locale("en")


# Babel takes 20 to 60 µs to write a number or a date, and every review asks for its
# rating's (three numbers) and its date: written once for each value and language. Typed:
# 4 and 4.0 are equal keys, but a float might not be written as an int is.
@lru_cache(maxsize=4096, typed=True)
def _decimal(language: str, value: float) -> str:
    return format_decimal(value, locale=_writing_locale(language))


@lru_cache(maxsize=4096, typed=True)
def _long_date(language: str, value: dt.date) -> str:
    return format_date(value, format="long", locale=_writing_locale(language))


@lru_cache(maxsize=1024, typed=True)
def _month(language: str, value: dt.date) -> str:
    return format_skeleton("yMMMM", value, locale=_writing_locale(language))
