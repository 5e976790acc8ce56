"""What each writing system needs beyond its words: found by reading the example books
in Spanish, Hebrew and Japanese (anthologies/cine-de-autor, or-vetzel, eiga-techo).

Line breaks between Chinese or Japanese characters are no spaces; Hebrew's geresh and
gershayim typed as ' and " are not quotation marks; a label ending in a full-width
colon takes no space after it; names written family name first stay so in the
indexes; Spanish particles follow the forenames; a filed title's first word takes
the capital; pull quotes count CJK characters as words; the colophon names the faces
a CJK, Arabic or Hebrew book is set in; a title's language is found from its script.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.api import load_anthology
from octavo.collect import book_slug
from octavo.diagnostics import Report
from octavo.indexes import inverted_name, inverted_title
from octavo.load.markdown import make_parser, typographic
from octavo.model import IndexPage
from octavo.render import then_space
from octavo.render.print_html import render_print
from octavo.render.pullquotes import words
from octavo.scripts import title_language
from octavo.themes import find_theme

from .conftest import ROOT, MakeAnthology


def test_a_line_break_between_cjk_characters_is_no_space() -> None:
    japanese = make_parser("ja").render("日本映画の\n新作評。*強調*\nです。\n\nEnglish\nwords")
    assert "日本映画の新作評。<em>強調</em>です。" in japanese
    assert "English\nwords" in japanese  # a break between Latin words is still a space
    korean = make_parser("ko").render("한국어\n문장")
    assert "한국어\n문장" in korean  # Korean spaces its words


def test_hebrew_geresh_and_gershayim_are_not_quotes() -> None:
    hebrew = make_parser("he")
    assert "צה״ל, ארה״ב ו-ג׳ים ג׳רמוש" in hebrew.render("צה\"ל, ארה\"ב ו-ג'ים ג'רמוש")
    # a quotation after a prefix letter is not an acronym
    assert "״" not in hebrew.render('ה"בית" שלנו')
    assert typographic("ג'ים ג'רמוש", hebrew) == "ג׳ים ג׳רמוש"


def test_a_full_width_colon_holds_its_own_space() -> None:
    assert then_space("監督：") == "監督："
    assert then_space("Directed by") == "Directed by "
    assert then_space("Dirigida por") == "Dirigida por "


@pytest.mark.parametrize(
    ("name", "language", "filed"),
    [
        ("村井 透", "ja", "村井 透"),
        ("봉 준호", "ko", "봉 준호"),
        ("Marta del Río", "es", "Río, Marta del"),
        ("Inés de la Fuente", "es", "Fuente, Inés de la"),
        ("Ada Okonkwo", "en", "Okonkwo, Ada"),
    ],
)
def test_names_in_the_indexes(name: str, language: str, filed: str) -> None:
    assert inverted_name(name, language) == filed


def test_a_filed_title_takes_the_capital() -> None:
    assert inverted_title("La ciénaga", "es") == "Ciénaga, La"
    assert inverted_title("The General", "en") == "General, The"


def test_pull_quotes_count_cjk_characters_as_words() -> None:
    assert words("東京物語は静かだ。Ozu 2023年") == (
        *"東京物語は静かだ",
        "ozu",
        "2023",
        "年",
    )


@pytest.mark.parametrize(
    ("theme", "language", "first"),
    [
        ("classic", "ja", "Noto Serif CJK JP"),
        ("classic", "zh-Hant", "Noto Serif CJK TC"),
        ("classic", "zh-Hans", "Noto Serif CJK SC"),
        ("ereader", "he", "Noto Serif Hebrew"),
        ("modern", "ar", "Noto Naskh Arabic"),
        ("classic", "es", "EB Garamond"),
    ],
)
def test_the_colophon_names_the_faces_of_the_books_script(
    theme: str, language: str, first: str
) -> None:
    found = find_theme(theme, ROOT, Report(), ROOT / "anthology.toml")
    assert found is not None
    assert found.fonts_for(language)[0] == first


@pytest.mark.parametrize(
    ("title", "book", "language"),
    [
        ("وجدة", "en", "ar"),
        ("הערת שוליים", "ja", "he"),
        ("万引き家族", "en", "ja"),
        ("花樣年華", "ja", None),  # kanji alone in a Japanese book: the book's
        ("花樣年華", "en", "zh"),
        ("기생충", "ja", "ko"),
        ("Paterson", "he", None),  # Latin names no one language
        ("Sunrise", "en", None),
    ],
)
def test_a_titles_language_from_its_script(title: str, book: str, language: str | None) -> None:
    assert title_language(title, book) == language


def test_the_japanese_example_in_its_own_words() -> None:
    loaded = load_anthology(ROOT / "anthologies" / "eiga-techo")
    html = render_print(loaded.anthology, loaded.theme).html
    assert "監督：小津安二郎" in html
    assert "笠智衆、東山千栄子" in html
    assert 'data-before="、" data-after="ページ"' in html
    assert "書体：Noto Serif CJK JP、EB Garamond。Octavo" in html


def test_contributors_pages_in_the_books_words(make_anthology: MakeAnthology) -> None:
    folder = make_anthology(
        files={
            "anthology.toml": """\
                title = "Libro"
                language = "de"
                [[back]]
                contributors = "contributors.toml"
                """,
            "contributors.toml": '[[contributor]]\nname = "Ann Critic"\nbio = "Kritikerin."\n',
        }
    )
    loaded = load_anthology(folder)
    html = render_print(loaded.anthology, loaded.theme).html
    assert 'data-before=", S. " data-after=""' in html


def test_a_book_in_another_script_is_named_after_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "or-vetzel"
    assert book_slug("אור וצל", folder) == "or-vetzel"
    assert book_slug("映画手帖", folder) == "or-vetzel"
    assert book_slug("Silent Screen", folder) == "silent-screen"
    assert book_slug("Кино и жизнь", folder) == "kino-i-zhizn"
    assert book_slug("אור וצל", tmp_path / "!!!") == "vr-vtsl"  # a folder name with no letters


def test_titles_in_kanji_are_filed_by_their_reading() -> None:
    """title_sort gives the reading: 東京物語 files under と, not by its kanji."""
    loaded = load_anthology(ROOT / "anthologies" / "eiga-techo")
    (works,) = [
        page
        for page in loaded.anthology.back
        if isinstance(page, IndexPage) and page.kind == "works"
    ]
    assert [entry.label.split(" (")[0] for entry in works.entries] == [
        "花樣年華",  # かようねんか
        "기생충",  # きせいちゅう
        "東京物語",  # とうきょうものがたり
        "ドライブ・マイ・カー",
        "万引き家族",  # まんびきかぞく
    ]
