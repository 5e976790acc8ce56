"""Typographic quotes follow the book's language (issue 14): CLDR's quotation marks, read
through ICU, in a review's body and in its typeset front matter (the headline), in the
loaded text and in a built EPUB; French adds a narrow no-break space inside its
guillemets; an apostrophe is always ’."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.api import build, load_anthology
from octavo.editorial import _quote_hint
from octavo.localisation import quotation_marks

from .conftest import MakeAnthology, epub_text

NNBSP = "\u202f"

REVIEW = """\
---
title: Harbour Lights
kind: film
year: 1954
creator: Ada Ferrer
reviewer: Lu Marsh
published: 2026-04-22
rating: 4/5
headline: 'The "harbour" film'
---

She said "look at the 'lights' now", and it's true.
"""

#: language → (outer open, outer close, inner open, inner close), as typeset
MARKS = {
    "en": ("“", "”", "‘", "’"),
    "fr": ("«" + NNBSP, NNBSP + "»", "«" + NNBSP, NNBSP + "»"),
    "fr-CH": ("«" + NNBSP, NNBSP + "»", "‹" + NNBSP, NNBSP + "›"),
    "de": ("„", "“", "‚", "‘"),
    "de-AT": ("„", "“", "‚", "‘"),
    "es": ("“", "”", "‘", "’"),
    "it": ("«", "»", "“", "”"),
    "pt": ("“", "”", "‘", "’"),
    "pt-BR": ("“", "”", "‘", "’"),
    "pt-PT": ("«", "»", "“", "”"),
    "nl": ("‘", "’", "‘", "’"),
    "ru": ("«", "»", "„", "“"),
    "uk": ("«", "»", "„", "“"),
    "pl": ("„", "”", "«", "»"),
    "sv": ("”", "”", "’", "’"),
    "tr": ("“", "”", "‘", "’"),
    "ar": ("”", "“", "’", "‘"),
    "he": ("”", "”", "’", "’"),
    "ja": ("「", "」", "『", "』"),
    "zh-Hans": ("“", "”", "‘", "’"),
    "zh-Hant": ("「", "」", "『", "』"),
    "zh-TW": ("「", "」", "『", "』"),
    "ko": ("“", "”", "‘", "’"),
    "xx": ("“", "”", "‘", "’"),  # a language CLDR does not know: the root's marks
}


def _manifest(language: str) -> str:
    return f"""\
title = "Harbour"
editors = ["Ed Itor"]
language = "{language}"
date = 2026-04-22
"""


def _book(make_anthology: MakeAnthology, language: str) -> Path:
    return make_anthology(
        files={
            "anthology.toml": _manifest(language),
            "reviews/alpha.md": REVIEW,
            "reviews/beta.md": None,
        },
        folder=language,
    )


def _expected(language: str) -> tuple[str, str]:
    """The body's sentence and the headline, as the language sets them."""
    opening, closing, inner_opening, inner_closing = MARKS[language]
    body = (
        f"She said {opening}look at the {inner_opening}lights{inner_closing} now{closing},"
        " and it’s true."
    )
    return body, f"The {opening}harbour{closing} film"


@pytest.mark.parametrize("language", sorted(MARKS))
def test_cldr_gives_each_language_its_marks(language: str) -> None:
    assert quotation_marks(language) == MARKS[language]


@pytest.mark.parametrize(
    "language", ["en", "fr", "de", "es", "ru", "ja", "zh-Hant", "he", "pl", "sv", "pt-PT"]
)
def test_a_body_and_a_headline_get_the_books_marks(
    make_anthology: MakeAnthology, language: str
) -> None:
    loaded = load_anthology(_book(make_anthology, language))
    (review,) = loaded.anthology.reviews
    body, headline = _expected(language)
    assert body in review.body.html
    assert review.headline == headline
    assert "'" not in review.body.html.replace("&#x27;", "'").split("<p>")[1]


def test_a_tag_written_with_an_underscore_or_in_capitals_finds_its_marks() -> None:
    assert quotation_marks("zh_Hant") == quotation_marks("zh-Hant")
    assert quotation_marks("PT-pt") == quotation_marks("pt-PT")
    assert quotation_marks("FR") == quotation_marks("fr")
    assert quotation_marks("not a tag!") == MARKS["en"]


def test_the_straight_quote_hint_offers_the_books_marks() -> None:
    assert "« »" in _quote_hint("fr")
    assert "„ “ ‚ ‘" in _quote_hint("de")
    assert "「 」 『 』" in _quote_hint("ja")
    assert "“ ” ‘ ’" in _quote_hint("en")


@pytest.mark.parametrize("language", ["fr", "zh-Hant"])
def test_the_built_epub_has_the_books_marks(
    make_anthology: MakeAnthology, tmp_path: Path, language: str
) -> None:
    built = build(_book(make_anthology, language), tmp_path / "out", formats=("epub",))
    text = epub_text(built.outputs[0].path)
    body, headline = _expected(language)
    assert body in text
    assert headline in text
    assert "“" not in text.replace("&#8220;", "“")  # no English mark is left anywhere
