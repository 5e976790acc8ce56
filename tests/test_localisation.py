"""Localised wording (issue 14, point 1): the words Octavo prints in a book come from
the book's ``language`` (gettext catalogues read through Babel), its dates from CLDR,
and a manifest's ``[labels]`` table overrides any of them for one book."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import jinja2
import pytest
from babel.messages.pofile import read_po

from octavo.api import build, load_anthology
from octavo.errors import ContentError
from octavo.localisation import LOCALE_FOLDER, SHIPPED, Wording, catalogue_name, message_ids
from octavo.model import Rating
from octavo.render import localise
from octavo.themes import shipped_styles

from .conftest import MakeAnthology, epub_text, require

REVIEW = """\
---
title: {title}
kind: film
year: 1954
creator: Ada Ferrer
reviewer: Lu Marsh
published: 2026-04-22
rating: 4/5
certificate: PG
spoilers: true
---

{body}
"""

#: language → (the manifest's title, a review's text, words the book must print)
BOOKS = {
    "es": (
        "Luces del puerto",
        "Una película lenta sobre un puerto[^1], y mejor por ello.\n\n[^1]: Rodada en Vigo.",
        [
            "Reseña de Lu Marsh",
            "Dirigida por Ada Ferrer",
            "22 de abril de 2026",
            "Aviso de spoilers",
            "Índice de obras",
            "Parte 1",
        ],
    ),
    "de": (
        "Hafenlichter",
        "Ein langsamer Film über einen Hafen, und besser dafür.",
        ["Rezensiert von", "Regie:", "22. April 2026", "Werkverzeichnis", "Teil 1"],
    ),
    "ja": (
        "港の灯",
        "港を描いたゆっくりとした映画で、それがよい。",
        ["評者", "監督", "2026年4月22日", "作品索引", "ネタバレ注意"],
    ),
    "ar": (
        "أضواء الميناء",
        "فيلم هادئ عن ميناء، وهو أفضل لذلك.",
        ["بقلم", "إخراج", "فهرس الأعمال", "الجزء 1"],
    ),
}


def _manifest(language: str, title: str, labels: str = "") -> str:
    return f"""\
title = "{title}"
editors = ["Ed Itor"]
language = "{language}"
date = 2026-04-22
publisher = "Prensa Marina"

[[sections]]
title = "One"
include = ["reviews/*.md"]

[[back]]
index = "works"
{labels}
"""


def _book(make_anthology: MakeAnthology, language: str, labels: str = "") -> Path:
    title, body, _ = BOOKS[language]
    return make_anthology(
        files={
            "anthology.toml": _manifest(language, title, labels),
            "reviews/alpha.md": REVIEW.format(title="Harbour Lights", body=body),
            "reviews/beta.md": None,
        },
        folder=language,
    )


def _pdf_text(pdf: Path) -> str:
    require("pdftotext", "the PDF is read back with poppler's pdftotext")
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    )
    return " ".join(out.stdout.decode("utf-8").split())


def test_a_spanish_book_prints_spanish_words_and_a_cldr_date(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    built = build(_book(make_anthology, "es"), tmp_path / "out", formats=("pdf", "epub"))
    assert not built.report.errors
    outputs = {output.format: output.path for output in built.outputs}
    text = _pdf_text(outputs["pdf"]).casefold()  # some headings are set in capitals
    for words in [*BOOKS["es"][2], "Edición de Ed Itor", "Compuesto en", "Hecho con Octavo"]:
        assert words.casefold() in text
    assert "Primera edición: abril de 2026, Prensa Marina".casefold() in text
    for english in ("Reviewed by", "Directed by", "Contents", "Index of Works", "Part 1"):
        assert english.casefold() not in text
    epub = epub_text(outputs["epub"], (".xhtml", ".opf"))
    for words in ("Reseña de", "Índice de obras", "Portada", "4 de 5 estrellas"):
        assert words in epub
    assert '<h1 class="toc-title">Índice</h1>' in epub
    assert 'title="Cubierta"' in epub  # the EPUB 2 guide
    assert 'alt="Cubierta: Luces del puerto"' in epub
    assert 'title="4 de 5"' in epub  # the rating in words
    assert "Este libro es texto que puede leerse en voz alta" in epub  # accessibility summary
    assert 'aria-label="Notas"' in epub
    assert 'title="Volver al texto"' in epub


@pytest.mark.parametrize("language", ["de", "ja", "ar"])
def test_the_epub_speaks_the_books_language(
    make_anthology: MakeAnthology, tmp_path: Path, language: str
) -> None:
    built = build(_book(make_anthology, language), tmp_path / "out", formats=("epub",))
    assert not built.report.errors
    epub = epub_text(built.outputs[0].path, (".xhtml", ".opf"))
    for words in BOOKS[language][2]:
        assert words in epub
    assert "Reviewed by" not in epub
    assert "This book is text" not in epub


def test_labels_override_one_string_for_one_book(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    labels = '[labels]\n"Reviewed by" = "Crítica de"\n'
    root = _book(make_anthology, "es", labels)
    built = build(root, tmp_path / "out", formats=("pdf",))
    text = _pdf_text(built.outputs[0].path)
    assert "Crítica de Lu Marsh" in text
    assert "Reseña de" not in text
    assert "Dirigida por Ada Ferrer" in text  # the others keep the catalogue's words


def test_an_unknown_label_is_an_error_naming_the_manifest(
    make_anthology: MakeAnthology,
) -> None:
    root = _book(make_anthology, "es", '[labels]\n"Reviewd by" = "Crítica de"\n')
    with pytest.raises(ContentError) as raised:
        load_anthology(root)
    (problem,) = raised.value.report.errors
    assert problem.path is not None
    assert problem.path.name == "anthology.toml"
    assert "Reviewd by" in problem.message
    assert "did you mean 'Reviewed by'" in problem.message


def test_a_label_must_keep_to_its_placeholders(make_anthology: MakeAnthology) -> None:
    root = _book(make_anthology, "es", '[labels]\n"Part %(number)s" = "100% parte %(n)s"\n')
    with pytest.raises(ContentError) as raised:
        load_anthology(root)
    (problem,) = raised.value.report.errors
    assert "%(number)s" in problem.message
    assert "%%" in problem.message


@pytest.mark.parametrize("name", SHIPPED)
def test_every_catalogue_has_every_message(name: str) -> None:
    with (LOCALE_FOLDER / name / "LC_MESSAGES" / "octavo.po").open("rb") as file:
        catalogue = read_po(file)
    translated = {
        str(message.id): message
        for message in catalogue
        if message.id and message.string and not message.fuzzy
    }
    assert set(translated) == message_ids()
    for message in translated.values():
        names = dict.fromkeys(re.findall(r"%\((\w+)\)s", str(message.id)), "x")
        assert str(message.string) % names  # fills in, and uses no other placeholder
        assert sorted(re.findall(r"%\((\w+)\)s", str(message.string))) == sorted(names)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_language_has_its_words_and_dates(name: str) -> None:
    wording = Wording(name.replace("_", "-"))
    for message in ("Reviewed by", "Contents", "Index of Works", "Part %(number)s"):
        assert wording.gettext(message) != message
    assert "1" in wording.format("Part %(number)s", number=1)
    long_date = wording.date(dt.date(2026, 4, 22))
    assert "2026" in long_date
    assert "22" in long_date
    assert long_date != "22 April 2026"


def test_numbers_and_dates_are_written_in_each_language_asked_in_turns() -> None:
    # They are kept once written (Babel is slow): the language is part of what is kept.
    day = dt.date(2026, 4, 22)
    for _ in range(2):
        assert Wording("de").number(4.5) == "4,5"
        assert Wording("en").number(4.5) == "4.5"
        assert Wording("en").number(4) == "4"
        assert Wording("de").date(day) == "22. April 2026"
        assert Wording("en").date(day) == "22 April 2026"
        assert Wording("fr").month(day) == "avril 2026"
        assert Wording("en").month(day) == "April 2026"


def test_a_language_tag_finds_its_catalogue() -> None:
    assert catalogue_name("pt-BR") == "pt"
    assert catalogue_name("zh-TW") == "zh_Hant"
    assert catalogue_name("zh-Hant") == "zh_Hant"
    assert catalogue_name("zh") == "zh_Hans"
    assert catalogue_name("en") is None
    assert catalogue_name("xx") is None
    assert Wording("fr").gettext("Contents") == "Table des matières"
    assert Wording("en").date(dt.date(2026, 4, 22)) == "22 April 2026"
    assert Wording("fr").gettext(": ") == "\u202f: "  # French spaces its colons


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "grade B plus"), ("ru", "оценка B с плюсом"), ("fr", "3,5 sur 4")],
)
def test_a_rating_is_said_in_the_books_words(language: str, said: str) -> None:
    templates = shipped_styles() / "classic" / "templates"
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates), autoescape=True, extensions=["jinja2.ext.i18n"]
    )
    localise(environment, Wording(language))
    grade = Rating(text="B+", value=10, scale=12, grade="B+")
    rating = grade if "B" in said else Rating(text="3.5/4", value=3.5, scale=4)
    stars = environment.from_string('{% from "_stars.html.jinja" import stars %}{{ stars(r) }}')
    assert f'title="{said}"' in stars.render(r=rating)
