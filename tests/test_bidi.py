"""Right-to-left text in a left-to-right book: titles isolated, paragraphs in their direction.

A small book (written for these tests) with an Arabic title and an English review
holding a paragraph wholly in Hebrew: the contents, the index and the EPUB's nav
isolate the title from its year, and the Hebrew paragraph is set right to left in
the print book, the EPUB and the HTML edition.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import html as lxml_html
from markupsafe import Markup

from octavo.api import Loaded, load_anthology, make_epub, make_html, make_pdf
from octavo.render.direction import isolate, set_directions, strong_direction
from octavo.render.print_html import render_print

from .conftest import MakeAnthology, epubcheck_messages, require

ARABIC_TITLE = "وجدة"
HEBREW = "הספר הזה מספר על משפחה אחת ועל המכתבים שלה."

FILES = {
    "anthology.toml": """\
        title = "Both Ways"
        editors = ["Ed Itor"]
        language = "en"

        [[sections]]
        title = "Reviews"
        include = ["reviews/*.md"]
        sort = "title"

        [[back]]
        index = "works"
        """,
    "reviews/alpha.md": f"""\
        ---
        title: {ARABIC_TITLE}
        kind: film
        year: 2012
        reviewer: Ann Critic
        rating: 4/5
        ---

        A girl wants a green bicycle, and the film follows her until she has one.
        """,
    "reviews/beta.md": f"""\
        ---
        title: Letters Home
        kind: book
        year: 1931
        reviewer: Ann Critic
        rating: 3/5
        ---

        The novel is told in letters, and the first of them sets the tone for the
        rest: a family writes to a son who has gone away, and he hardly writes back.
        Most of what happens, happens between the letters, and the reader fills it in.

        {HEBREW}

        That line is my own summary, in Hebrew, the language the letters were written in.
        """,
}


@pytest.fixture
def loaded(make_anthology: MakeAnthology) -> Loaded:
    return load_anthology(make_anthology(FILES))


def _hebrew_paragraph(markup: str) -> str:
    """The start tag of the paragraph that holds the Hebrew text."""
    found = re.search(r"<p\b[^>]*>(?=[^<]*" + re.escape(HEBREW[:10]) + ")", markup)
    assert found, "the Hebrew paragraph is missing"
    return found.group(0)


def test_first_strong_character_decides() -> None:
    assert strong_direction("(2012) وجدة") == "rtl"
    assert strong_direction("« Hello »") == "ltr"
    assert strong_direction("1931, 1932") is None
    fragment = Markup(
        f'<p>English.</p>\n<p><em>{HEBREW}</em> (1931)</p>\n<p dir="ltr">{HEBREW}</p>'
    )
    marked = str(set_directions(fragment, "ltr"))
    assert marked.count('dir="rtl"') == 1
    assert '<p dir="ltr">' in marked
    # in a right-to-left review, the English paragraph is the one that gets dir
    assert str(set_directions(Markup("<p>English.</p>"), "rtl")) == '<p dir="ltr">English.</p>'
    # a passage that sets its own direction does not decide its paragraph's
    inline = Markup(f'<p><span dir="rtl">{HEBREW}</span> is Hebrew.</p>')
    assert set_directions(inline, "ltr") == inline


def test_only_text_against_the_book_is_isolated() -> None:
    assert isolate("Sunrise") == "Sunrise"
    assert isolate(ARABIC_TITLE) == f"<bdi>{ARABIC_TITLE}</bdi>"
    assert isolate("Sunrise", "rtl") == "<bdi>Sunrise</bdi>"
    assert isolate("A & B") == "A &amp; B"


def test_titles_are_isolated_in_contents_index_and_nav(loaded: Loaded) -> None:
    # an Arabic title in an English book: isolated, and marked as Arabic, by its script
    title = f'<bdi lang="ar" dir="rtl">{ARABIC_TITLE}</bdi>'
    in_xhtml = f'<bdi lang="ar" xml:lang="ar" dir="rtl">{ARABIC_TITLE}</bdi>'
    print_html = render_print(loaded.anthology, loaded.theme).html
    contents = print_html[print_html.index('class="toc') :]
    assert f'<span class="toc-text">{title} (2012)</span>' in contents
    assert f"<cite>{title}</cite> (2012)" in print_html  # index of works
    web = make_html(loaded, embed_fonts=False).decode()
    assert f'<span class="toc-text">{title} (2012)</span>' in web
    assert f"<cite>{title}</cite> (2012)" in web
    epub, _ = make_epub(loaded)
    with zipfile.ZipFile(io.BytesIO(epub)) as book:
        names = book.namelist()
        nav = book.read(next(n for n in names if n.endswith("nav.xhtml"))).decode()
        index = book.read(next(n for n in names if n.endswith("index-works.xhtml"))).decode()
    assert f'.xhtml">{in_xhtml} (2012)</a>' in nav
    assert f"<cite>{in_xhtml}</cite> (2012)" in index


def test_hebrew_paragraph_runs_right_to_left(loaded: Loaded, tmp_path: Path) -> None:
    print_html = render_print(loaded.anthology, loaded.theme).html
    assert 'dir="rtl"' in _hebrew_paragraph(print_html)
    assert 'dir="rtl"' in _hebrew_paragraph(make_html(loaded, embed_fonts=False).decode())
    epub, _ = make_epub(loaded)
    path = tmp_path / "book.epub"
    path.write_bytes(epub)
    with zipfile.ZipFile(path) as book:
        review = next(n for n in book.namelist() if n.endswith("r-beta.xhtml"))
        assert 'dir="rtl"' in _hebrew_paragraph(book.read(review).decode())
    assert epubcheck_messages(path) == []


def test_pdf_sets_year_and_paragraph_the_right_way(loaded: Loaded, tmp_path: Path) -> None:
    require("pdftotext", "the test reads where the PDF's words are")
    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(make_pdf(loaded, jobs=1).data)
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    page = lxml_html.fromstring(bbox)
    words = [
        (_logical(w.text_content()), *(float(w.get(k)) for k in ("xmin", "ymin", "xmax", "ymax")))
        for w in page.iter("word")
    ]
    # the contents (its first line holding the title): the year is on the title's right
    title = next(w for w in words if w[0] == ARABIC_TITLE)
    year = next(w for w in words if w[0] == "(2012)" and abs(w[2] - title[2]) < 2)
    assert year[1] > title[3], "the year prints on the left of the Arabic title"
    # the Hebrew paragraph: one line, flush with the right edge of the English lines
    hebrew_words = set(HEBREW.replace(".", "").split())
    line = [w for w in words if w[0].strip(".") in hebrew_words]
    assert len(line) == len(hebrew_words)
    assert max(w[2] for w in line) - min(w[2] for w in line) < 3
    english = [w for w in words if w[0] in ("novel", "letters,", "rest:", "family")]
    left, right = min(w[1] for w in english), max(w[3] for w in english)
    ends = max(w[3] for w in line)
    starts = min(w[1] for w in line)
    em = 11.0
    assert right - ends < 2 * em, "the Hebrew line does not reach the right margin"
    assert starts - left > 4 * em, "the Hebrew line is not ragged on the left"


def _logical(word: str) -> str:
    """A word as written: pdftotext gives right-to-left words in the order they are drawn."""
    return word[::-1] if strong_direction(word) == "rtl" else word


def test_a_paragraph_turns_only_when_most_of_its_words_do() -> None:
    """First strong letter and most words: a Hebrew sentence opening on an English name
    stays right to left, and an English one opening on a Hebrew word stays left to right
    (found on a real Hebrew README: its list items opened on English product names)."""
    hebrew_led = Markup("<ul><li><strong>Manim</strong> היא ספרייה לאנימציה של מתמטיקה.</li></ul>")
    assert set_directions(hebrew_led, "rtl") == hebrew_led
    english_led = Markup("<p>שלום means peace, and it is also a greeting.</p>")
    assert set_directions(english_led, "ltr") == english_led
    english = Markup("<p>Manim is a library for animating mathematics.</p>")
    assert 'dir="ltr"' in set_directions(english, "rtl")


def test_code_runs_left_to_right_in_right_to_left_text() -> None:
    """A command set right to left read backwards (".\\scripts\\run.ps1" as
    "scripts\\run.ps1\\."), as a real Arabic README showed."""
    code = Markup("<p>نفذ:</p><pre><code>.\\scripts\\apply.ps1 -Build\n</code></pre>")
    assert '<pre dir="ltr">' in set_directions(code, "rtl")
    assert set_directions(code.replace("نفذ", "Run"), "ltr") == code.replace("نفذ", "Run")
