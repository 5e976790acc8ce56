"""Typesetting details of the indexes, the contents and the review header (issue 13).

Index entries are printed as they are filed (titles inverted and in italics, people
surname first); a certificate that is a statement is not called a certificate; a
grade's minus is a minus sign; the joining "and" of a byline is not in small
capitals; the stars weigh what the type beside them weighs; table cells do not
hyphenate. Checked in the example (classic) and in a small book in every theme and
every format: the PDF (read back with pdftotext), the EPUB and the HTML edition.
"""

from __future__ import annotations

import re
import subprocess
import textwrap
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from octavo.api import Built, build, load_anthology
from octavo.indexes import inverted_name, inverted_title, title_key
from octavo.render.print_html import render_print

from .conftest import EXAMPLE, ROOT, require

MINUS = "\u2212"

# ---- The rules, one by one ------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "language", "printed", "key"),
    [
        ("A Trip to the Moon", "en", "Trip to the Moon, A", "trip to the moon"),
        ("The General", "en-GB", "General, The", "general"),
        ("An American in Paris", "en", "American in Paris, An", "american in paris"),
        ("Annie Hall", "en", "Annie Hall", "annie hall"),
        ("The", "en", "The", "the"),
        ("L'Atalante", "fr", "Atalante, L'", "atalante"),
        ("La Grande Illusion", "fr", "Grande Illusion, La", "grande illusion"),
        # the word that now leads an entry takes the capital, as an index sets it
        ("Der müde Tod", "de", "Müde Tod, Der", "müde tod"),
        ("El espíritu de la colmena", "es", "Espíritu de la colmena, El", "espíritu de la colmena"),
        ("Il posto", "it", "Posto, Il", "posto"),
        ("O Pagador de Promessas", "pt", "Pagador de Promessas, O", "pagador de promessas"),
        ("De Witte", "nl", "Witte, De", "witte"),
        # A language without a table of articles moves none.
        ("A Trip to the Moon", "sv", "A Trip to the Moon", "a trip to the moon"),
    ],
)
def test_titles_are_printed_as_they_are_filed(
    title: str, language: str, printed: str, key: str
) -> None:
    assert inverted_title(title, language) == printed
    assert title_key(title, language) == key


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("Margaret Ellery", "Ellery, Margaret"),
        ("J. H. Whitcombe", "Whitcombe, J. H."),
        ("Erich von Stroheim", "von Stroheim, Erich"),
        ("Laurens van der Post", "van der Post, Laurens"),
        ("Ursula K. Le Guin", "Le Guin, Ursula K."),
        ("Martin Luther King Jr.", "King, Martin Luther, Jr."),
        ("Chaplin", "Chaplin"),
        ("Ellery, Margaret", "Ellery, Margaret"),
    ],
)
def test_names_are_printed_surname_first(name: str, printed: str) -> None:
    assert inverted_name(name) == printed


# ---- The example (classic) ------------------------------------------------------------


def _pdf_text(path: Path) -> str:
    require("pdftotext", "the PDF's text is read back with poppler's pdftotext")
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def _output(built: Built, kind: str) -> Path:
    (path,) = [o.path for o in built.outputs if o.format == kind]
    return path


def _epub_documents(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as book:
        return {
            name: book.read(name).decode("utf-8")
            for name in book.namelist()
            if name.endswith((".xhtml", ".css"))
        }


def _index_lines(text: str, title: str) -> list[str]:
    """The lines of the printed index called ``title``, up to the next page title."""
    lines = text.split("\n")  # not splitlines(): it would split at the form feeds
    start = next(i for i, line in enumerate(lines) if line.strip().casefold() == title.casefold())
    found = []
    for line in lines[start + 1 :]:
        if "\f" in line or line.strip().casefold().startswith("index of"):
            break
        if line.strip() and not re.fullmatch(r"\d+", line.strip()):
            found.append(line.strip())
    return found


@pytest.mark.slow
def test_example_pdf_indexes_are_inverted_and_in_order(
    example_build: tuple[Built, Path],
) -> None:
    text = _pdf_text(_output(example_build[0], "pdf"))
    works = _index_lines(text, "Index of Works")
    assert works[0].startswith("Battleship Potemkin (1925)")
    assert works[-1].startswith("Trip to the Moon, A (1902)")
    assert any(line.startswith("General, The (1926)") for line in works)
    assert not any(line.startswith(("The ", "A ")) for line in works)
    reviewers = _index_lines(text, "Index of Reviewers")
    assert [line.split(",")[0] for line in reviewers] == [
        "Ellery",
        "Okonkwo",
        "Reyes",
        "Whitcombe",
    ]
    assert reviewers[0].startswith("Ellery, Margaret,")
    assert reviewers[-1].startswith("Whitcombe, J. H.,")


@pytest.mark.slow
def test_example_header_certificate_and_minus_in_pdf(example_build: tuple[Built, Path]) -> None:
    text = _pdf_text(_output(example_build[0], "pdf"))
    assert "Not rated" in text
    assert "Certificate Not rated" not in text
    # The Cabinet of Dr. Caligari is graded A-.
    assert f"A{MINUS}" in text
    assert not re.search(r"\bA-(?!\w)", text)


@pytest.mark.slow
def test_example_epub_indexes(example_epub: bytes, tmp_path: Path) -> None:
    path = tmp_path / "book.epub"
    path.write_bytes(example_epub)
    documents = _epub_documents(path)
    (works,) = [text for name, text in documents.items() if "Index of Works</h1>" in text]
    tree = etree.fromstring(works.encode())
    items = tree.findall(".//{http://www.w3.org/1999/xhtml}li")
    labels = ["".join(item.itertext()) for item in items]
    assert labels[0] == "Battleship Potemkin (1925)"
    assert labels[-1] == "Trip to the Moon, A (1902)"
    for item in items:
        cite = item.find(".//{http://www.w3.org/1999/xhtml}cite")
        assert cite is not None
        assert cite.text
        assert "(" not in cite.text
    (reviewers,) = [text for name, text in documents.items() if "Index of Reviewers</h1>" in text]
    assert "<li" in reviewers
    assert ">Ellery, Margaret: " in reviewers
    assert "Margaret Ellery:" not in reviewers


@pytest.mark.slow
def test_example_epub_header(example_epub: bytes, tmp_path: Path) -> None:
    """No "Certificate" before a statement; a true minus, said in words."""
    path = tmp_path / "book.epub"
    path.write_bytes(example_epub)
    texts = "".join(_epub_documents(path).values())
    assert "Not rated" in texts
    assert "Certificate Not rated" not in texts
    assert f">A{MINUS}</span>" in texts
    assert 'title="grade A minus"' in texts


def test_print_index_titles_are_in_italics() -> None:
    loaded = load_anthology(EXAMPLE)
    page = render_print(loaded.anthology, loaded.theme).html
    labels = re.findall(r'<span class="index-label">(.*?)</span>', page)
    assert "<cite>Trip to the Moon, A</cite> (1902)" in labels
    works = [label for label in labels if "(19" in label]
    assert len(works) == len(loaded.anthology.reviews)
    assert all(label.startswith("<cite>") for label in works)
    # People are not titles: roman, surname first.
    assert "Ellery, Margaret" in labels
    assert "Whitcombe, J. H." in labels


def test_epub_index_links_are_not_underlined() -> None:
    for css in sorted((ROOT / "styles").glob("*/epub.css")):
        rules = re.findall(r"([^{}]+)\{([^}]*)\}", css.read_text(encoding="utf-8"))
        for selector, body in rules:
            if ".index-list" in selector and " a" in selector:
                assert "underline" not in body, css
    classic = (ROOT / "styles" / "classic" / "epub.css").read_text(encoding="utf-8")
    assert re.search(r"\.index-list a\s*\{[^}]*text-decoration:\s*none", classic)


def test_html_index_links_are_underlined_only_under_the_pointer() -> None:
    web = (ROOT / "styles" / "classic" / "web.css").read_text(encoding="utf-8")
    assert re.search(r"\.index-list a\s*\{[^}]*text-decoration:\s*none", web)
    assert re.search(r"\.index-list a:hover[^{]*\{[^}]*underline", web)


def test_modern_contents_part_lines_are_not_smaller_than_a_caption() -> None:
    modern = (ROOT / "styles" / "modern" / "print.css").read_text(encoding="utf-8")
    part = re.search(r"\.toc-section > a \{([^}]*)\}", modern)
    assert part is not None
    size = re.search(r"font-size:\s*([\d.]+)pt", part.group(1))
    assert size is not None
    assert float(size.group(1)) >= 8.5


def test_stars_match_the_type() -> None:
    stars = (ROOT / "styles" / "classic" / "templates" / "_stars.html.jinja").read_text()
    height = float(re.search(r'class="stars"[^>]* height="([\d.]+)em"', stars).group(1))  # type: ignore[union-attr]
    width = float(re.search(r'class="stars"[^>]* width="([\d.]+)em"', stars).group(1))  # type: ignore[union-attr]
    assert height <= 0.75  # about a capital's height, not a whole em
    assert width == pytest.approx(height * 5.2)  # the viewBox's proportions
    assert float(re.search(r'stroke-width="([\d.]+)"', stars).group(1)) <= 0.8  # type: ignore[union-attr]
    for css in ("classic/print.css", "modern/print.css", "classic/epub.css", "classic/web.css"):
        text = (ROOT / "styles" / css).read_text(encoding="utf-8")
        (align,) = re.findall(r"\.stars\s*\{[^}]*vertical-align:\s*(-?[\d.]+)em", text)
        assert -0.08 <= float(align) <= 0, css  # the points stand on the baseline


def test_table_cells_do_not_hyphenate() -> None:
    for css in ("classic/print.css", "modern/print.css"):
        text = (ROOT / "styles" / css).read_text(encoding="utf-8")
        for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", text):
            if re.search(r"(^|[\s,])(th|td)\s*(,|$)", selector.strip()):
                assert "hyphens: auto" not in body, (css, selector)


def test_contents_folios_are_lining_figures() -> None:
    text = (ROOT / "styles" / "classic" / "print.css").read_text(encoding="utf-8")
    assert re.search(r"\.toc a::after\s*\{[^}]*lining-nums tabular-nums", text)
    # A part line's folio does not take the part's small capitals or letter-spacing.
    (body,) = re.findall(r"\.toc-section > a::after\s*\{([^}]*)\}", text)
    assert "font-variant-caps: normal" in body
    assert "letter-spacing: 0" in body


# ---- A small book in every theme and every format -------------------------------------

_TABLE = """\
| Reel | Scene | Location | Duration | Intertitles | Tinting |
|:-----|:------|:---------|---------:|------------:|:--------|
| 1 | Departure | Observatory | 4:12 | 6 | Amber |
| 2 | Landing | Lunar surface | 3:40 | 4 | Blue |
"""

_FILES = {
    "anthology.toml": """\
        title = "Typesetting"
        editors = ["Ed Itor"]
        language = "en"
        style = "{theme}"

        [print]
        trim = "digest"

        [[back]]
        index = "works"

        [[back]]
        index = "reviewers"
        """,
    "reviews/trip.md": """\
        ---
        title: A Trip to the Moon
        year: 1902
        creator: Georges Méliès
        reviewer: [Margaret Ellery, Erich von Stroheim]
        rating: A-
        certificate: Not rated
        ---

        A review with a table.

        {table}
        """,
    "reviews/zelig.md": """\
        ---
        title: Zelig
        year: 1983
        reviewer: Ann Critic
        rating: 4/5
        certificate: PG
        ---

        A review of Zelig.
        """,
}


@pytest.fixture(scope="module", params=["classic", "modern", "ereader"])
def small_book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    theme = request.param
    root = tmp_path_factory.mktemp(f"typesetting-{theme}")
    for name, content in _FILES.items():
        path = root / "book" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = textwrap.dedent(content).replace("{theme}", theme).replace("{table}", _TABLE)
        path.write_text(text, encoding="utf-8")
    return build(root / "book", root / "out", ("pdf", "epub", "html"), jobs=1)


def _byline_checks(tree: etree._Element, ns: str) -> None:
    (byline,) = [
        p for p in tree.iterfind(f".//{ns}p[@class='byline']") if "Ellery" in "".join(p.itertext())
    ]
    reviewers = [el for el in byline.iter() if el.get("class") == "reviewer"]
    assert ["".join(el.itertext()) for el in reviewers] == ["Margaret Ellery", "Erich von Stroheim"]
    (joiner,) = [el for el in byline.iter() if el.get("class") == "joiner"]
    assert joiner.text == " and "
    assert joiner not in reviewers
    assert all(joiner not in list(r.iter()) for r in reviewers)


@pytest.mark.slow
def test_small_book_pdf(small_book: Built) -> None:
    text = _pdf_text(_output(small_book, "pdf"))
    assert "Trip to the Moon, A (1902)" in text
    works = _index_lines(text, "Index of Works")
    assert works[0].startswith("Trip to the Moon, A")
    assert works[1].startswith("Zelig")
    assert "Ellery, Margaret" in text
    assert "von Stroheim, Erich" in text
    assert "Certificate Not rated" not in text
    assert "Not rated" in text
    assert "Certificate PG" in text
    assert f"A{MINUS}" in text
    # The six-column header keeps each heading on at most two lines, unhyphenated.
    header = next(line for line in text.splitlines() if "Reel" in line)
    assert "Scene" in header
    assert "Location" in header
    assert not re.search(r"(Inter|Dura|Loca|Tint)-\s*$", text, re.MULTILINE)


@pytest.mark.slow
def test_small_book_epub(small_book: Built) -> None:
    documents = _epub_documents(_output(small_book, "epub"))
    ns = "{http://www.w3.org/1999/xhtml}"
    (review,) = [t for t in documents.values() if 'class="byline"' in t and "Méliès" in t]
    _byline_checks(etree.fromstring(review.encode()), ns)
    assert "Certificate Not rated" not in review
    assert f">A{MINUS}</span>" in review
    (works,) = [t for t in documents.values() if "Index of Works</h1>" in t]
    assert "<cite>Trip to the Moon, A</cite> (1902)" in works
    (reviewers,) = [t for t in documents.values() if "Index of Reviewers</h1>" in t]
    order = [name for name in ("Critic, Ann", "Ellery, Margaret", "von Stroheim, Erich")]
    positions = [reviewers.index(name + ":") for name in order]
    assert positions == sorted(positions)


@pytest.mark.slow
def test_small_book_html(small_book: Built) -> None:
    page = _output(small_book, "html").read_text(encoding="utf-8")
    tree = html.fromstring(page)
    _byline_checks(tree, "")
    assert "<cite>Trip to the Moon, A</cite> (1902)" in page
    assert "Ellery, Margaret:" in page
    assert "von Stroheim, Erich:" in page
    assert "Certificate Not rated" not in page
    assert f">A{MINUS}</span>" in page
    assert 'title="grade A minus"' in page
