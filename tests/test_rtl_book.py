"""A right-to-left book is set right to left throughout, in every theme.

The Hebrew example (anthologies/or-vetzel) is built in each shipped theme and read
back: the PDF's spreads run right to left (the first page and every recto are
left-hand pages, folios in the outer corners, the book's title over the versos and
the review's over the rectos, first-line indents on the right, /Direction /R2L); the
EPUB's spine, package, NCX and documents say rtl; titles in Arabic and English are
marked with their language and isolated wherever they sit beside other text.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest

from octavo.api import build

from .conftest import ROOT, epubcheck_messages, require

pytestmark = pytest.mark.slow

BOOK = ROOT / "anthologies" / "or-vetzel"
THEMES = ("classic", "modern", "ereader")
BOOK_TITLE = "אור וצל"
ARABIC_TITLE = "وجدة"


@dataclass(frozen=True)
class Word:
    page: int  #: 1-based
    x0: float
    x1: float
    y0: float
    text: str  #: as pdftotext gives it (a right-to-left word in visual order)


@dataclass(frozen=True)
class Built:
    theme: str
    pdf: Path
    epub: Path
    words: list[Word]
    width: float  #: the page's width in points
    height: float  #: and its height


def _words(pdf: Path) -> list[Word]:
    require("pdftotext", "the PDF's words are read with poppler's pdftotext")
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words: list[Word] = []
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        for x0, y0, x1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', page
        ):
            words.append(Word(number, float(x0), float(x1), float(y0), text))
    return words


@pytest.fixture(scope="module", params=THEMES)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    theme = str(request.param)
    folder = tmp_path_factory.mktemp(f"rtl-{theme}") / "book"
    shutil.copytree(BOOK, folder)
    manifest = folder / "anthology.toml"
    text = re.sub(r'(?m)^style = ".*"$', f'style = "{theme}"', manifest.read_text("utf-8"))
    manifest.write_text(text, encoding="utf-8")
    result = build(folder, folder / "out", ("pdf", "epub"))
    assert result.report.warnings == [], [w.format(folder) for w in result.report.warnings]
    paths = {output.format: output.path for output in result.outputs}
    with pikepdf.open(paths["pdf"]) as pdf:
        width, height = float(pdf.pages[0].mediabox[2]), float(pdf.pages[0].mediabox[3])
    return Built(theme, paths["pdf"], paths["epub"], _words(paths["pdf"]), width, height)


def _folio_words(built: Built) -> dict[int, Word]:
    """Each page's folio: the number alone at the foot of the page."""
    folios: dict[int, Word] = {}
    for word in built.words:
        if word.y0 > built.height * 0.88 and re.fullmatch(r"\d+|[ivxlc]+", word.text):
            lowest = folios.get(word.page)
            if lowest is None or word.y0 > lowest.y0:
                folios[word.page] = word
    return folios


def test_the_pdf_reads_right_to_left(built: Built) -> None:
    with pikepdf.open(built.pdf) as pdf:
        assert pdf.Root.ViewerPreferences.Direction == pikepdf.Name.R2L
        assert str(pdf.Root.Lang) == "he"


def test_folios_in_the_outer_corners(built: Built) -> None:
    """Odd pages are rectos, and a recto is a left-hand page: its folio is at the left.

    The e-reader theme centres its folios: a screen has no outer edge.
    """
    checked = 0
    for page, word in _folio_words(built).items():
        if not word.text.isdigit():
            continue
        middle = (word.x0 + word.x1) / 2
        if built.theme == "ereader":
            assert abs(middle - built.width / 2) < 5, (page, word)
        else:
            assert (middle < built.width / 2) == (page % 2 == 1), (page, word)
        checked += 1
    assert checked >= 8


def test_running_heads_trade_sides(built: Built) -> None:
    """The book's title heads the versos (right-hand pages), never a recto."""
    if built.theme == "ereader":
        assert "content: none" in (ROOT / "styles" / "ereader" / "print-rtl.css").read_text()
        return
    book_title_words = set(BOOK_TITLE.split())
    first_review = min(w.page for w in built.words if w.text[::-1] == "התזמורת")
    heads = [
        word
        for word in built.words
        if word.y0 < 60 and word.page > first_review and word.text[::-1] in book_title_words
    ]
    assert len(heads) >= 4
    for word in heads:
        assert word.page % 2 == 0, word
        assert word.x0 > built.width / 2, word


def test_first_line_indent_on_the_right(built: Built) -> None:
    """An indented paragraph's first line ends short of the right edge, not the left."""
    pages: dict[int, dict[int, list[Word]]] = {}
    for word in built.words:
        pages.setdefault(word.page, {}).setdefault(round(word.y0), []).append(word)
    short_on_right = short_on_left = 0
    for lines in pages.values():
        full = [line for line in lines.values() if len(line) > 5]
        if len(full) < 8:
            continue
        rights = [round(max(w.x1 for w in line)) for line in full]
        lefts = [round(min(w.x0 for w in line)) for line in full]
        right, left = max(set(rights), key=rights.count), max(set(lefts), key=lefts.count)
        short_on_right += sum(1 for r in rights if 4 < right - r < 20)
        short_on_left += sum(1 for x in lefts if 4 < x - left < 20)
    assert short_on_right >= 5
    if built.theme != "ereader":  # whose text is ragged on the left
        # a line that starts short of the left edge is a paragraph's last line
        assert short_on_left < short_on_right


def test_epub_runs_right_to_left(built: Built) -> None:
    with zipfile.ZipFile(built.epub) as epub:
        opf = epub.read("EPUB/content.opf").decode()
        ncx = epub.read("EPUB/toc.ncx").decode()
        nav = epub.read("EPUB/nav.xhtml").decode()
        documents = [epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml")]
    assert 'page-progression-direction="rtl"' in opf
    assert re.search(r'<package [^>]*xml:lang="he" dir="rtl"', opf)
    assert re.search(r'<ncx [^>]*xml:lang="he" dir="rtl"', ncx)
    for document in documents:
        assert re.search(r'<html [^>]*lang="he" xml:lang="he" dir="rtl"', document)
    # no review says it runs left to right because it declares no language of its own
    assert not any(
        'class="review" id="r-' in d and 'dir="ltr"' in d.split("<h1")[0] for d in documents
    )
    # the English title runs left to right, isolated, in the nav; the Arabic one is marked
    assert '<bdi lang="en" xml:lang="en" dir="ltr">Paterson</bdi> (2016)' in nav
    assert f'<span lang="ar" xml:lang="ar">{ARABIC_TITLE}</span> (2012)' in nav
    if built.theme != "ereader":  # whose EPUB is classic's
        assert epubcheck_messages(built.epub) == []
