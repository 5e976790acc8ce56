"""The HTML edition (``--format html``): one valid, self-contained page.

The page is read back as a browser would (an HTML5 parser, html5lib's rules) and
compared with the EPUB and the sources: the same contents, every review's text, notes
with backlinks, and nothing fetched from anywhere: images and fonts are inside.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from lxml import html as lxml_html
from tinyhtml5.parser import HTMLParser
from typer.testing import CliRunner

from octavo.api import build, load_anthology, make_html
from octavo.cli import app
from octavo.errors import ContentError
from octavo.render.ereader_images import ereader_image

from .conftest import EXAMPLE, MINIMAL_MANIFEST, ROOT, MakeAnthology, files_in

THEMES = sorted(p.parent.name for p in (ROOT / "styles").glob("*/theme.toml"))
_DATA_URI = re.compile(r"^data:([a-z0-9.+/-]+);base64,([A-Za-z0-9+/=]+)$")
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]*)""")

SMALL = {
    "anthology.toml": """\
        title = "Small Book"
        editors = ["Ed Itor"]
        language = "en"

        [[sections]]
        title = "Only Part"
        include = ["reviews/*.md"]
        """,
    "reviews/alpha.md": """\
        ---
        title: Alpha
        reviewer: Ann Critic
        year: 1925
        rating: 4/5
        image: images/still.png
        image_alt: A grey still
        ---

        A review of Alpha with a note.[^1] See [the studio](https://example.org/alpha).

        | Year | Note |
        | ---- | ---- |
        | 1925 |      |

        Ein Satz: [Guten Tag]{lang=de}, und [سلام]{lang=ar}.

        [^1]: The note's text.
        """,
}


def parse(page: bytes) -> etree._Element:
    """The page parsed by html5lib's rules; a parse error fails the test."""
    parser = HTMLParser(namespace_html_elements=False)
    tree = parser.parse(page)
    assert parser.errors == []
    return tree  # type: ignore[no-any-return]


def text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def png(width: int = 40, height: int = 30) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (128, 128, 128)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def example_page(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("html")
    built = build(EXAMPLE, out, ("html",))
    (output,) = built.outputs
    assert output.path == out / "silent-screen.html"
    return output.path.read_bytes()


def test_the_example_page_is_valid_html5(example_page: bytes) -> None:
    tree = parse(example_page)
    assert tree.tag == "html"
    assert example_page.startswith(b"<!DOCTYPE html>")
    assert tree.find("head/meta[@charset='utf-8']") is not None
    assert tree.find("head/meta[@name='viewport']") is not None
    assert b"epub:type" not in example_page
    assert b"xml:lang" not in example_page
    assert b"<script" not in example_page  # the reload script is only in served pages
    ids = [element.get("id") for element in tree.iter() if element.get("id")]
    assert len(ids) == len(set(ids)), "ids are unique on the page"


def test_the_contents_are_the_epub_nav(example_page: bytes, example_epub: bytes) -> None:
    tree = parse(example_page)
    ids = {element.get("id") for element in tree.iter()}
    links = [(a.get("href"), text_of(a)) for a in tree.iterfind(".//nav[@id='contents']//a")]

    with zipfile.ZipFile(io.BytesIO(example_epub)) as epub:
        name = next(n for n in epub.namelist() if n.endswith("nav.xhtml"))
        nav = etree.fromstring(epub.read(name))
    ns = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
    toc = nav.find(".//x:nav[@epub:type='toc']", ns)
    assert toc is not None
    expected = [(a.get("href"), text_of(a)) for a in toc.iterfind(".//x:a", ns)]

    assert [href for href, _ in links] == ["#" + h.removesuffix(".xhtml") for h, _ in expected]
    for (_, title), (_, nav_title) in zip(links, expected, strict=True):
        assert title.startswith(nav_title)  # the page's contents add the byline
    for href, _ in links:
        assert href[1:] in ids, f"the contents link to {href}, which is on the page"


def test_every_review_is_on_the_page(example_page: bytes) -> None:
    tree = parse(example_page)
    anthology = load_anthology(EXAMPLE).anthology
    for review in anthology.reviews:
        article = tree.find(f".//article[@id='{review.anchor}']")
        assert article is not None, review.id
        shown = text_of(article)
        assert review.title in shown
        body = lxml_html.fragment_fromstring(review.body.html, create_parent="div")
        for paragraph in body.iterfind(".//p"):
            assert text_of(paragraph) in shown, f"{review.id}: {text_of(paragraph)[:60]}"


def test_nothing_is_fetched(example_page: bytes) -> None:
    """No src, href or CSS url() leads out, except the links written in the reviews."""
    tree = parse(example_page)
    anthology = load_anthology(EXAMPLE).anthology
    written: set[str] = set()
    for review in anthology.reviews:
        written |= set(re.findall(r'href="([^"#][^"]*)"', review.body.html))
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in ("link", "script", "iframe", "object", "embed")
        if (src := element.get("src")) is not None:
            assert src.startswith("data:"), src[:80]
        href = element.get("href")
        if href is not None and not href.startswith("#"):
            assert href in written, href
    css = "".join(style.text or "" for style in tree.iter("style"))
    urls = _CSS_URL.findall(css)
    assert urls
    assert all(url.startswith("data:") for url in urls)


def test_images_are_inlined_as_the_epub_makes_them(example_page: bytes) -> None:
    tree = parse(example_page)
    anthology = load_anthology(EXAMPLE).anthology
    pictures = [review.image for review in anthology.reviews if review.image is not None]
    pictures += [i for review in anthology.reviews for i in review.body.images.values()]
    assert pictures, "the example has pictures"
    sources = {img.get("src") for img in tree.iter("img")}
    for picture in pictures:
        data, media_type = ereader_image(picture.path, picture.media_type)
        assert f"data:{media_type};base64,{base64.b64encode(data).decode()}" in sources


def test_fonts_are_subset_and_inlined(example_page: bytes) -> None:
    tree = parse(example_page)
    css = "".join(style.text or "" for style in tree.iter("style"))
    fonts = [url for url in _CSS_URL.findall(css) if url.startswith("data:font/")]
    assert len(fonts) == 2  # EB Garamond, roman and italic
    original = TTFont(ROOT / "styles/classic/fonts/EBGaramond-Variable.ttf")
    for url in fonts:
        match = _DATA_URI.match(url)
        assert match is not None
        assert match.group(1) in ("font/woff2", "font/woff")
        data = base64.b64decode(match.group(2))
        assert data[:4] == {"font/woff2": b"wOF2", "font/woff": b"wOFF"}[match.group(1)]
        font = TTFont(io.BytesIO(data))
        assert len(font.getGlyphOrder()) < len(original.getGlyphOrder()) / 2
        cmap = font.getBestCmap()
        for character in "Häxan—“Nosferatu”’":
            assert ord(character) in cmap, character
        assert "fvar" in font  # still variable: every weight the stylesheet uses


def test_without_fonts_the_page_is_smaller() -> None:
    loaded = load_anthology(EXAMPLE)
    with_fonts, without = make_html(loaded), make_html(loaded, embed_fonts=False)
    assert b"@font-face" not in without
    assert b"data:font/" not in without
    assert len(without) < len(with_fonts) - 100_000
    parse(without)


def test_a_small_book_notes_tables_languages(make_anthology: MakeAnthology) -> None:
    folder = make_anthology({**SMALL, "reviews/images/still.png": png()})
    page = make_html(load_anthology(folder))
    tree = parse(page)
    article = tree.find(".//article[@id='r-alpha']")
    assert article is not None
    note = article.find(".//aside[@role='doc-footnote']")
    assert note is not None
    assert "The note’s text." in text_of(note)
    call = article.find(".//a[@role='doc-noteref']")
    assert call is not None
    assert call.get("href") == "#" + note.get("id", "")
    back = note.find(".//a[@role='doc-backlink']")
    assert back is not None
    assert tree.find(f".//*[@id='{back.get('href', '#')[1:]}']") is not None
    assert article.find(".//td") is not None  # the empty cell did not swallow the page
    german = article.find(".//span[@lang='de']")
    assert german is not None
    assert german.get("xml:lang") is None
    arabic = article.find(".//span[@lang='ar']")
    assert arabic is not None
    assert arabic.get("dir") == "rtl"
    assert article.find(".//img[@alt='A grey still']") is not None
    assert article.find(".//a[@href='https://example.org/alpha']") is not None
    assert tree.find(".//section[@role='doc-part']/header/h2") is not None
    assert article.find(".//h3[@class='work-title']") is not None


def test_a_book_without_sections(make_anthology: MakeAnthology) -> None:
    tree = parse(make_html(load_anthology(make_anthology())))
    assert [a.get("href") for a in tree.iterfind(".//nav//a")] == ["#r-alpha", "#r-beta"]
    assert tree.find(".//article[@id='r-alpha']/header/h2") is not None


@pytest.mark.parametrize("theme", THEMES)
def test_every_theme_makes_the_page(theme: str, make_anthology: MakeAnthology) -> None:
    manifest = f'style = "{theme}"\n' + SMALL["anthology.toml"].replace("        ", "")
    folder = make_anthology(
        {**SMALL, "anthology.toml": manifest, "reviews/images/still.png": png()}, folder=theme
    )
    page = make_html(load_anthology(folder))
    tree = parse(page)
    assert "A review of Alpha" in text_of(tree)
    assert b"data:font/" in page


def test_a_theme_stylesheet_may_not_fetch(make_anthology: MakeAnthology, tmp_path: Path) -> None:
    theme = tmp_path / "mytheme"
    theme.mkdir()
    (theme / "theme.toml").write_text('name = "mytheme"\nextends = "classic"\n')
    folder = make_anthology({"anthology.toml": 'style = "../mytheme"\n' + MINIMAL_MANIFEST})
    for url in ("https://fonts.example/a.woff2", "../outside.ttf"):
        (theme / "web.css").write_text(f'@font-face {{ src: url("{url}"); }}\n')
        (tmp_path / "outside.ttf").write_bytes(b"x")
        with pytest.raises(ContentError) as caught:
            make_html(load_anthology(folder))
        (problem,) = caught.value.report.diagnostics
        assert problem.code == "S307", problem.message


def test_the_command_line_writes_the_page(
    make_anthology: MakeAnthology, runner: CliRunner, tmp_path: Path
) -> None:
    folder = make_anthology()
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(folder), "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert files_in(out) == ["test-book.html"]
    shutil.rmtree(out)
