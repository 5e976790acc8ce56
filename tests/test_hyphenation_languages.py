"""Hyphenation per language (issue 14): each language with its own patterns (pyphen's,
and Octavo's Turkish), none for a language without a dictionary, and never for
Hebrew, Arabic, Chinese, Japanese or Korean. Read back from narrow-measure PDFs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from octavo.localisation import SHIPPED
from octavo.write.hyphenation import (
    NOT_HYPHENATED,
    NamesKeptWhole,
    dictionary_for,
    keep_names_whole,
)

from .conftest import require

#: language → a long paragraph of long words
TEXTS = {
    "es": "La cinematografía independiente latinoamericana contemporánea "
    "experimentó transformaciones extraordinariamente significativas durante "
    "aquellas décadas revolucionarias, particularmente en producciones documentales "
    "comprometidas políticamente con comunidades desfavorecidas.",
    "ru": "Современная независимая кинематография продемонстрировала "
    "исключительно значительные преобразования в течение революционных "
    "десятилетий, особенно в документальных произведениях, политически "
    "ориентированных на неблагополучные сообщества.",
    "tr": "Bağımsız sinemacılarımızdan çoğu, olağanüstü derecede etkileyici "
    "belgesellerinde toplumsal dönüşümlerin karmaşıklığını anlatmaya "
    "çalıştıklarını defalarca açıklamışlardır.",
    "he": "הקולנוע העצמאי העכשווי התפתח באופן משמעותי במיוחד במהלך העשורים "
    "המהפכניים, ובמיוחד בהפקות התיעודיות המחויבות פוליטית לקהילות מוחלשות "
    "ולסיפורים האישיים של תושביהן.",
}


def _pdf_lines(tmp_path: Path, language: str, text: str) -> list[str]:
    from weasyprint import HTML

    require("pdftotext", "the PDF is read back with poppler's pdftotext")
    keep_names_whole()
    direction = "rtl" if language in NOT_HYPHENATED else "ltr"
    page = f"""<html lang="{language}" dir="{direction}"><head><style>
      @page {{ size: 8cm 40cm; margin: 1cm; }}
      p {{ width: 3.2cm; hyphens: auto; text-align: justify;
           font: 11pt "DejaVu Serif"; }}
    </style></head><body><p>{text} {text}</p></body></html>"""
    pdf = tmp_path / f"{language}.pdf"
    HTML(string=page).write_pdf(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    )
    return [line.strip() for line in out.stdout.decode("utf-8").splitlines() if line.strip()]


def _hyphenated(lines: list[str]) -> list[str]:
    return [line for line in lines if line.endswith(("\u2010", "-"))]


@pytest.mark.parametrize("language", ["es", "ru", "tr"])
def test_a_language_with_a_dictionary_is_hyphenated_with_it(tmp_path: Path, language: str) -> None:
    lines = _pdf_lines(tmp_path, language, TEXTS[language])
    broken = _hyphenated(lines)
    assert broken, lines
    words = set(TEXTS[language].replace(",", "").replace(".", "").split())
    for index, line in enumerate(lines[:-1]):
        if line in broken:  # the two halves make a word of the text
            whole = line.split()[-1].rstrip("\u2010-") + lines[index + 1].split()[0]
            assert whole.rstrip(",.") in words, (line, lines[index + 1])


def test_hebrew_is_never_hyphenated(tmp_path: Path) -> None:
    lines = _pdf_lines(tmp_path, "he", TEXTS["he"])
    assert len(lines) > 5
    assert not _hyphenated(lines)


def test_a_language_without_a_dictionary_is_not_hyphenated(tmp_path: Path) -> None:
    # Spanish words in a book that says it is in Zulu's neighbour without patterns:
    # no other language's patterns are applied.
    lines = _pdf_lines(tmp_path, "xh", TEXTS["es"])
    assert len(lines) > 5
    assert not _hyphenated(lines)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_language_that_hyphenates_has_its_dictionary(name: str) -> None:
    language = name.replace("_", "-")
    if language.split("-")[0] in NOT_HYPHENATED:
        assert dictionary_for(language) is None
    else:
        assert dictionary_for(language) is not None
        assert dictionary_for(language + "-XX") is not None  # a region falls back


def test_a_word_in_a_script_that_does_not_hyphenate_gets_no_point() -> None:
    english = NamesKeptWhole(lang="en")
    assert english.inserted("extraordinary") != "extraordinary"
    for word in ("המהפכניים", "الاستقلالية", "映画評論家協会", "영화평론가협회"):
        assert list(english.iterate(word)) == []


def test_turkish_follows_its_syllables() -> None:
    turkish = NamesKeptWhole(lang=dictionary_for("tr-TR"))
    assert turkish.inserted("arkadaşlarımızdan") == "ar-ka-daş-la-rı-mız-dan"
    assert turkish.inserted("kontrol") == "kont-rol"
    assert turkish.inserted("saat") == "sa-at"
