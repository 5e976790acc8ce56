"""The book's furniture in the book's words (issue 14): the generated cover's "Edited
by" and list of editors, and the lists of names on the title and copyright pages and in
a review's byline, come from the book's catalogue, as the templates' ``_()`` does."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ImageFont

from octavo.api import build, load_anthology
from octavo.localisation import Wording
from octavo.render import cover
from octavo.render.cover import draw_cover

from .conftest import MakeAnthology, epub_text

REVIEW = """\
---
title: Harbour Lights
kind: film
year: 1954
reviewer: [Lu Marsh, Bo Kim, Cy Tan]
rating: 4/5
---

A slow film about a harbour.
"""


def _book(make_anthology: MakeAnthology, language: str, labels: str = "") -> Path:
    manifest = f"""\
title = "Harbour"
editors = ["Ana Ruiz", "Bo Li", "Cy Tan"]
language = "{language}"
date = 2026-04-22
{labels}
"""
    return make_anthology(
        files={"anthology.toml": manifest, "reviews/alpha.md": REVIEW, "reviews/beta.md": None},
        folder=language,
    )


def _drawn(
    make_anthology: MakeAnthology, monkeypatch: pytest.MonkeyPatch, language: str, labels: str = ""
) -> list[tuple[str, str]]:
    """(text, font file) of every line the cover draws."""
    lines: list[tuple[str, str]] = []
    centred = cover._centred

    def recording(draw, texts, font: ImageFont.FreeTypeFont, *rest):  # type: ignore[no-untyped-def]
        lines.extend((text, str(font.path)) for text in texts)
        return centred(draw, texts, font, *rest)

    monkeypatch.setattr(cover, "_centred", recording)
    loaded = load_anthology(_book(make_anthology, language, labels))
    assert draw_cover(loaded.anthology, loaded.theme)[:2] == b"\xff\xd8"  # a JPEG
    return lines


@pytest.mark.parametrize(
    ("language", "label", "editors"),
    [
        ("en", "Edited by", "Ana Ruiz, Bo Li and Cy Tan"),
        ("es", "Edición de", "Ana Ruiz, Bo Li y Cy Tan"),
        ("pt-BR", "Organização de", "Ana Ruiz, Bo Li e Cy Tan"),
        ("de", "Herausgegeben von", "Ana Ruiz, Bo Li und Cy Tan"),
    ],
)
def test_the_cover_says_edited_by_in_the_books_words(
    make_anthology: MakeAnthology,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    label: str,
    editors: str,
) -> None:
    assert Wording(language).gettext("Edited by") == label
    texts = [text for text, _ in _drawn(make_anthology, monkeypatch, language)]
    assert label in texts
    assert editors in " ".join(texts)
    if language != "en":
        assert "Edited by" not in texts


def test_the_cover_follows_the_books_labels(
    make_anthology: MakeAnthology, monkeypatch: pytest.MonkeyPatch
) -> None:
    labels = '[labels]\n"Edited by" = "Compiled by"\n'
    texts = [text for text, _ in _drawn(make_anthology, monkeypatch, "en", labels)]
    assert "Compiled by" in texts


def test_a_script_the_cover_face_lacks_is_drawn_in_the_languages_face(
    make_anthology: MakeAnthology, monkeypatch: pytest.MonkeyPatch
) -> None:
    label = Wording("ja").gettext("Edited by")
    drawn = dict(_drawn(make_anthology, monkeypatch, "ja"))
    assert "Edited by" not in drawn
    face = Path(drawn[label])
    if face.name.startswith("EBGaramond"):
        pytest.skip("no system face for Japanese (fontconfig finds none)")
    assert cover.covers(cover._system_face("ja"), label)
    assert drawn["Ana Ruiz、Bo Li、Cy Tan"] == str(face)  # "、" is not in EB Garamond either
    english = dict(_drawn(make_anthology, monkeypatch, "en"))
    assert english["Ana Ruiz, Bo Li and Cy Tan"].endswith("EBGaramond-Variable.ttf")


def test_lists_of_names_are_in_the_books_words(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    built = build(_book(make_anthology, "ja"), tmp_path / "out", formats=("epub",))
    text = epub_text(built.outputs[0].path)
    assert "Ana Ruiz、Bo Li、Cy Tan" in text  # title and copyright pages
    assert "Ana Ruiz, Bo Li" not in text
    assert '<span class="joiner">、</span>' in text  # the byline
