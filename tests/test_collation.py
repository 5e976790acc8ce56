"""Sorting as the reader expects: titles and names collated by the book's language."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from octavo.api import build, load_anthology
from octavo.cli import app
from octavo.collation import sort_key
from octavo.indexes import inverted_name, inverted_title, title_key, title_sort_key
from octavo.library import read_library, sort_entries
from octavo.model import IndexPage

from .conftest import MakeAnthology, require

# ---- The order of each language --------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        # English: accents and case only break ties; Å files with A, Œ with O.
        ("en", ["Adam", "Ångström", "Émile", "Eve", "Œdipus", "Oscar", "R. Steward", "Zoë"]),
        # French: the same letters, e with its accents among the e's.
        ("fr", ["cote", "côte", "Émile", "étage", "Eve", "œuvre", "Zola"]),
        # German: ä with a, ö with o, ß as ss.
        ("de", ["Apfel", "Ärger", "Bauer", "Öl", "Ostern", "Straße", "Strasser", "Zebra"]),
        # Swedish: å ä ö are letters of their own, after z.
        ("sv", ["Anna", "Olle", "Zorn", "Åsa", "Ärla", "Östen"]),
        # Spanish: ñ is a letter after n.
        ("es", ["nube", "Núñez", "Ñandú", "ñu", "oso"]),
        # Turkish: dotless ı before dotted i.
        ("tr", ["Irmak", "ışık", "ibre", "İzmir", "jale"]),
        # Polish: ł after l, ś after s.
        ("pl", ["Lato", "Łódź", "Sopot", "Śląsk", "Toruń"]),
    ],
)
def test_each_language_collates_as_its_readers_expect(language: str, expected: list[str]) -> None:
    shuffled = sorted(expected, key=lambda text: text[::-1])
    assert sorted(shuffled, key=sort_key(language)) == expected


def test_numbers_in_titles_are_read_as_numbers() -> None:
    titles = ["Part 10", "Part 2", "Part 1"]
    assert sorted(titles, key=sort_key("en")) == ["Part 1", "Part 2", "Part 10"]


def test_an_unknown_language_sorts_by_the_root_order() -> None:
    names = ["Zoë", "Émile", "Ångström", "Eve"]
    assert sorted(names, key=sort_key("x-klingon")) == ["Ångström", "Émile", "Eve", "Zoë"]


def test_titles_are_collated_past_their_articles() -> None:
    titles = ["The Zone", "Ägget", "An Égalité", "Der Ärger"]
    assert sorted(titles, key=lambda t: title_sort_key(t, "en")) == [
        "Ägget",
        "Der Ärger",
        "An Égalité",
        "The Zone",
    ]
    french = ["Les Zazous", "L'Été", "Le Étranger", "Un Amour"]
    assert sorted(french, key=lambda t: title_sort_key(t, "fr")) == [
        "Un Amour",
        "L'Été",
        "Le Étranger",
        "Les Zazous",
    ]


def test_an_arabic_title_is_filed_past_its_article_and_printed_as_written() -> None:
    assert title_key("الطريق", "ar") == "طريق"
    assert inverted_title("الطريق", "ar") == "الطريق"
    assert title_key("al-Qahira", "ar") == "qahira"
    assert title_key("al-Qahira", "en") == "al-qahira"


# ---- Surnames and particles -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "language", "printed"),
    [
        ("Erich von Stroheim", "en", "von Stroheim, Erich"),
        ("Erich von Stroheim", "de", "Stroheim, Erich von"),
        ("Vincent van Gogh", "nl", "Gogh, Vincent van"),
        ("Rogier van der Weyden", "nl-NL", "Weyden, Rogier van der"),
        ("Jan Van Eyck", "nl-BE", "Van Eyck, Jan"),
        ("Jean de La Fontaine", "fr", "La Fontaine, Jean de"),
        ("Joachim Du Bellay", "fr", "Du Bellay, Joachim"),
        ("Miguel de Cervantes", "es", "Cervantes, Miguel de"),
        ("Vittorio De Sica", "it", "De Sica, Vittorio"),
        ("Manoel de Oliveira", "pt", "Oliveira, Manoel de"),
        ("Ursula K. Le Guin", "en", "Le Guin, Ursula K."),
    ],
)
def test_particles_go_where_the_language_puts_them(name: str, language: str, printed: str) -> None:
    assert inverted_name(name, language) == printed


# ---- A book's indexes and sections --------------------------------------------------------

REVIEW = """\
---
title: {title}
reviewer: {reviewer}
year: {year}
---

A review of {title}, two sentences long. It says little.
"""

SWEDISH: dict[str, str | bytes | None] = {
    "reviews/alpha.md": None,
    "reviews/beta.md": None,
    "anthology.toml": """\
        title = "Recensioner"
        editors = ["Ed Itor"]
        language = "sv"

        [[sections]]
        title = "Filmer"
        include = ["reviews/*.md"]
        sort = "title"

        [[back]]
        index = "works"
        title = "Register över verk"

        [[back]]
        index = "reviewers"
        title = "Register över kritiker"
        """,
    "reviews/zorn.md": REVIEW.format(title="Zorn", reviewer="R. Steward", year=1994),
    "reviews/asa.md": REVIEW.format(title="Åsa", reviewer="Zoë Ångström-Nguyễn", year=2001),
    "reviews/odet.md": REVIEW.format(title="Ödet", reviewer="Émile Berg", year=1962),
    "reviews/anna.md": REVIEW.format(title="Anna", reviewer="Örjan Ek", year=1970),
    "reviews/ett.md": REVIEW.format(title="Ett hem", reviewer="Anna Zetterling", year=1985),
}
SWEDISH_TITLES = ["Anna", "Ett hem", "Zorn", "Åsa", "Ödet"]
SWEDISH_REVIEWERS = ["Berg", "Ek", "Steward", "Zetterling", "Ångström-Nguyễn"]


def _english(files: dict[str, str | bytes | None]) -> dict[str, str | bytes | None]:
    english = dict(files)
    english["anthology.toml"] = str(files["anthology.toml"]).replace('"sv"', '"en"')
    return english


def _index(loaded_back: tuple[object, ...], kind: str) -> list[str]:
    (page,) = [p for p in loaded_back if isinstance(p, IndexPage) and p.kind == kind]
    return [entry.heading for entry in page.entries]


def test_sections_and_indexes_collate_by_the_books_language(
    make_anthology: MakeAnthology,
) -> None:
    anthology = load_anthology(make_anthology(SWEDISH)).anthology
    assert [r.title for r in anthology.sections[0].reviews] == SWEDISH_TITLES
    assert _index(anthology.back, "works") == SWEDISH_TITLES
    reviewers = [h.split(",")[0] for h in _index(anthology.back, "reviewers")]
    assert reviewers == SWEDISH_REVIEWERS


def test_the_same_book_in_english_files_the_accents_with_their_letters(
    make_anthology: MakeAnthology,
) -> None:
    anthology = load_anthology(make_anthology(_english(SWEDISH), folder="en")).anthology
    assert [r.title for r in anthology.sections[0].reviews] == [
        "Anna",
        "Åsa",
        "Ett hem",
        "Ödet",
        "Zorn",
    ]
    reviewers = [h.split(",")[0] for h in _index(anthology.back, "reviewers")]
    assert reviewers == ["Ångström-Nguyễn", "Berg", "Ek", "Steward", "Zetterling"]


def test_sort_by_reviewer_collates_the_byline(make_anthology: MakeAnthology) -> None:
    files = dict(SWEDISH)
    files["anthology.toml"] = str(files["anthology.toml"]).replace('"title"', '"reviewer"')
    anthology = load_anthology(make_anthology(files)).anthology
    assert [r.byline for r in anthology.sections[0].reviews] == [
        "Anna Zetterling",
        "Émile Berg",
        "R. Steward",
        "Zoë Ångström-Nguyễn",
        "Örjan Ek",
    ]


def test_list_sorts_by_the_anthologys_language(
    make_anthology: MakeAnthology,
) -> None:
    folder = make_anthology(SWEDISH)
    listing = read_library(folder)
    assert listing.language == "sv"
    titles = [e.review.title for e in sort_entries(listing.entries, "title", listing.language)]
    assert titles == SWEDISH_TITLES
    result = CliRunner().invoke(app, ["list", str(folder), "--sort", "title", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = [line.split(",")[2] for line in result.stdout.splitlines()[1:]]
    assert [row for row in rows if row in SWEDISH_TITLES] == SWEDISH_TITLES
    english = read_library(make_anthology(_english(SWEDISH), folder="en"))
    titles = [e.review.title for e in sort_entries(english.entries, "-title", english.language)]
    assert titles == ["Zorn", "Ödet", "Ett hem", "Åsa", "Anna"]


# ---- A built book, read back -----------------------------------------------------------------


def _in_order(text: str, start: str, names: list[str]) -> list[str]:
    """``names`` in the order they first come after the last ``start`` in ``text``.

    Case and spacing are ignored: a theme may set a heading in capitals.
    """
    flat = re.sub(r"\s+", " ", text).casefold()
    after = flat[flat.rindex(start.casefold()) + len(start) :]
    found = [name for name in names if name.casefold() in after]
    return sorted(found, key=lambda name: after.index(name.casefold()))


@pytest.mark.slow
def test_a_built_books_index_is_printed_in_the_languages_order(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    require("pdftotext", "the PDF's text is read back with poppler's pdftotext")
    built = build(make_anthology(SWEDISH), tmp_path / "out", jobs=1, cache=False)
    (pdf,) = [o.path for o in built.outputs if o.format == "pdf"]
    (epub,) = [o.path for o in built.outputs if o.format == "epub"]
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    works = text[: text.casefold().rindex("kritiker")]
    assert _in_order(works, "Register över verk", SWEDISH_TITLES) == SWEDISH_TITLES
    assert _in_order(text, "kritiker", SWEDISH_REVIEWERS) == SWEDISH_REVIEWERS
    with zipfile.ZipFile(epub) as book:
        works = re.sub(r"<[^>]+>", " ", book.read("EPUB/index-works.xhtml").decode("utf-8"))
        critics = re.sub(r"<[^>]+>", " ", book.read("EPUB/index-reviewers.xhtml").decode("utf-8"))
    assert _in_order(works, "verk", SWEDISH_TITLES) == SWEDISH_TITLES
    assert _in_order(critics, "kritiker", SWEDISH_REVIEWERS) == SWEDISH_REVIEWERS
