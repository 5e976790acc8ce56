"""The Kindle AZW3 made by calibre's ebook-convert, and the errors when calibre fails.

calibre is optional, even under ``make test`` and in CI: the tests that need it skip
when ``ebook-convert`` is not on PATH (so conftest's ``require`` is not used). The
error paths run everywhere, with a stand-in for ebook-convert.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from octavo.errors import BuildError
from octavo.write import azw3
from octavo.write.azw3 import IMAGE_COLOUR, azw3_from_epub, kindle_epub

X = "http://www.w3.org/1999/xhtml"
SVG = "http://www.w3.org/2000/svg"
NS = {"x": X, "svg": SVG, "opf": "http://www.idpf.org/2007/opf"}
STARS = re.compile(r"\d(\.5)? out of 5 stars\Z")
#: titles that calibre's chapter detection takes for chapters: it put a page break
#: before each, between the heading and the kicker above it
CHAPTER_LIKE = {
    "EPUB/r-the-kid.xhtml": ("The Kid</h1>", "The Kid: Book One</h1>"),
    "EPUB/part-1.xhtml": ("The Comedians</h1>", "Part of the Act: The Comedians</h1>"),
}
#: the example's dc:identifier (see test_example_epub.py)
EXAMPLE_UUID = b"4a8cc133-840b-540b-9eae-96ad98d8cf80"

calibre = pytest.mark.skipif(
    shutil.which("ebook-convert") is None,
    reason="calibre's ebook-convert is not installed; it is optional (apt-get install calibre)",
)


@pytest.fixture(scope="module")
def epub(example_epub: bytes) -> bytes:
    return example_epub


@pytest.fixture(scope="module")
def book(epub: bytes) -> bytes:
    return azw3_from_epub(epub)


@calibre
@pytest.mark.slow
def test_a_kf8_book_with_the_epubs_identity(book: bytes) -> None:
    assert book[60:68] == b"BOOKMOBI"
    # calibre's random ASIN is replaced by the EPUB's own identifier
    assert b"calibre:" + EXAMPLE_UUID in book
    assert book.count(EXAMPLE_UUID) == 2


@calibre
@pytest.mark.slow
def test_the_text_of_a_review_reads_back(book: bytes, epub: bytes, tmp_path: Path) -> None:
    document = etree.fromstring(zipfile.ZipFile(io.BytesIO(epub)).read("EPUB/r-nosferatu.xhtml"))
    paragraphs = document.findall(".//x:div[@class='review-body']/x:p", NS)
    assert len(paragraphs) > 3
    path = tmp_path / "out.azw3"
    path.write_bytes(book)
    subprocess.run(
        ["ebook-convert", str(path), str(tmp_path / "out.txt")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    text = " ".join((tmp_path / "out.txt").read_text(encoding="utf-8").split())
    for paragraph in paragraphs:
        assert " ".join("".join(paragraph.itertext()).split()) in text
    assert "Nosferatu" in text


def _read_back(book: bytes, folder: Path) -> list[etree._Element]:
    """The AZW3 converted back to an EPUB by calibre: its documents, in spine order.

    calibre's EPUB output starts a new document at each page break, so that what is
    on one document was on one run of screens on the Kindle. Read back with calibre's
    defaults, the MOBI reader would add a break before every h1 and h2 of its own, so
    ``/`` turns them off: the breaks seen are the AZW3's.
    """
    folder.mkdir(exist_ok=True)
    (folder / "book.azw3").write_bytes(book)
    subprocess.run(
        [
            "ebook-convert",
            str(folder / "book.azw3"),
            str(folder / "back.epub"),
            "--page-breaks-before=/",
            "--chapter=/",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    back = zipfile.ZipFile(folder / "back.epub")
    container = etree.fromstring(back.read("META-INF/container.xml"))
    opf_name = container.find(".//{*}rootfile").get("full-path", "")  # type: ignore[union-attr]
    opf = etree.fromstring(back.read(opf_name))
    hrefs = {i.get("id"): i.get("href", "") for i in opf.iterfind(".//opf:item", NS)}
    folder_name = opf_name.rpartition("/")[0]
    return [
        etree.fromstring(back.read(f"{folder_name}/{hrefs[ref.get('idref')]}".lstrip("/")))
        for ref in opf.iterfind(".//opf:itemref", NS)
    ]


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


@pytest.fixture(scope="module")
def chapter_like_epub(epub: bytes) -> bytes:
    """The example with a review and a part whose titles calibre takes for chapters."""
    source = zipfile.ZipFile(io.BytesIO(epub))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename in CHAPTER_LIKE:
                old, new = CHAPTER_LIKE[info.filename]
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            target.writestr(info, data)
    return output.getvalue()


@calibre
@pytest.mark.slow
def test_each_kicker_stays_with_its_heading(chapter_like_epub: bytes, tmp_path: Path) -> None:
    documents = _read_back(azw3_from_epub(chapter_like_epub), tmp_path)
    kickers = [
        (document, kicker)
        for document in documents
        for kicker in document.iterfind(".//x:p", NS)
        if {"work-meta", "part-number"} & set(kicker.get("class", "").split())
    ]
    assert len(kickers) == 14 + 3  # every review and every part
    for document, kicker in kickers:
        headings = document.findall(".//x:h1", NS)
        assert headings, f"{_text(kicker)!r} is alone on its screens"
        assert kicker.getparent() is headings[0].getparent()
        assert kicker.getnext() is headings[0]
    texts = {_text(kicker): _text(document.find(".//x:h1", NS)) for document, kicker in kickers}
    assert texts["Film · 1921"] == "The Kid: Book One"
    assert texts["Part 1"] == "Part of the Act: The Comedians"


@calibre
@pytest.mark.slow
def test_star_ratings_read_as_text(book: bytes, epub: bytes, tmp_path: Path) -> None:
    source = zipfile.ZipFile(io.BytesIO(epub))
    labels = [
        svg.get("aria-label")
        for name in sorted(source.namelist())
        if name.endswith(".xhtml")
        for svg in etree.fromstring(source.read(name)).iter(f"{{{SVG}}}svg")
    ]
    assert len(labels) > 10
    documents = _read_back(book, tmp_path)
    stars = [
        image
        for document in documents
        for facts in document.iterfind(".//x:p[@class='facts']", NS)
        for image in facts.iter(f"{{{X}}}img")
    ]
    assert sorted(image.get("alt", "") for image in stars) == sorted(labels)
    assert all(STARS.match(image.get("alt", "")) for image in stars)
    # drawn in a grey that shows on a dark page too, not in black
    back = zipfile.ZipFile(tmp_path / "back.epub")
    drawings = [back.read(n) for n in back.namelist() if n.endswith(".svg")]
    assert drawings
    for drawing in drawings:
        assert b"currentColor" not in drawing
        assert IMAGE_COLOUR.encode() in drawing


def test_inline_svgs_become_images_with_their_label(epub: bytes) -> None:
    kindle = zipfile.ZipFile(io.BytesIO(kindle_epub(epub)))
    source = zipfile.ZipFile(io.BytesIO(epub))
    opf = etree.fromstring(kindle.read("EPUB/content.opf"))
    items = {i.get("href"): i for i in opf.iterfind(".//opf:item", NS)}
    root = etree.fromstring(kindle.read("EPUB/r-the-kid.xhtml"))
    assert root.find(".//svg:svg", NS) is None
    (image,) = root.iterfind(".//x:p[@class='facts']//x:img", NS)
    assert image.get("alt") == "4 out of 5 stars"
    assert image.get("class") == "stars"
    assert image.get("style") == "width: 3.64em; height: 0.7em"
    assert image.tail == " "  # before the score as written
    item = items[image.get("src")]
    assert item.get("media-type") == "image/svg+xml"
    assert "properties" not in items["r-the-kid.xhtml"].attrib  # no inline SVG left
    drawing = etree.fromstring(kindle.read("EPUB/" + image.get("src", "")))
    assert drawing.get("width") == "104"
    assert drawing.get("height") == "20"
    assert drawing.get("aria-label") is None
    assert drawing.findtext("svg:title", namespaces=NS) == "4 out of 5 stars"
    assert {p.get("fill") for p in drawing.iter(f"{{{SVG}}}polygon")} <= {IMAGE_COLOUR, "none"}
    # one file per drawing; the rest of the book as it was
    assert len({i.get("href") for i in items.values() if "kindle-" in i.get("href", "")}) <= 11
    names = kindle.namelist()
    assert names[0] == "mimetype"
    assert kindle.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    for name in source.namelist():
        if not name.endswith((".xhtml", ".opf")):
            assert kindle.read(name) == source.read(name)
    assert kindle_epub(epub) == kindle_epub(epub)


def test_a_decorative_svg_gets_an_empty_alt() -> None:
    document = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        b"<head><title>t</title></head><body><p>a"
        b'<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" viewBox="0 0 2 1">'
        b'<title>ornament</title><rect width="2" height="1" fill="currentcolor"/></svg>b'
        b"</p></body></html>"
    )
    package = (
        b'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        b'<manifest><item id="d" href="text/d.xhtml" media-type="application/xhtml+xml"'
        b' properties="svg scripted"/></manifest><spine><itemref idref="d"/></spine></package>'
    )
    container = (
        b'<?xml version="1.0"?><container version="1.0"'
        b' xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        b'<rootfile full-path="OPS/book.opf" media-type="application/oebps-package+xml"/>'
        b"</rootfiles></container>"
    )
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr("META-INF/container.xml", container)
        book.writestr("OPS/book.opf", package)
        book.writestr("OPS/text/d.xhtml", document)
    kindle = zipfile.ZipFile(io.BytesIO(kindle_epub(source.getvalue())))
    root = etree.fromstring(kindle.read("OPS/text/d.xhtml"))
    (image,) = root.iter(f"{{{X}}}img")
    assert image.get("alt") == ""
    assert image.get("src", "").startswith("../images/kindle-")
    assert image.tail == "b"
    assert root.find(".//x:p", NS).text == "a"  # type: ignore[union-attr]
    assert b"#767676" in kindle.read("OPS/" + image.get("src", "")[3:])
    item = etree.fromstring(kindle.read("OPS/book.opf")).find(".//opf:item", NS)
    assert item.get("properties") == "scripted"  # type: ignore[union-attr]


def test_what_is_not_an_epub_goes_to_calibre_unchanged() -> None:
    assert kindle_epub(b"not a zip") == b"not a zip"
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
    assert kindle_epub(empty.getvalue()) == empty.getvalue()


@calibre
@pytest.mark.slow
def test_reproducible(book: bytes, epub: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    if not azw3._fixed_addresses():
        pytest.skip("setarch -R is not allowed here, so calibre may order images differently")
    # the caller's environment must not matter: its size alone used to move calibre's
    # memory addresses, and with them the order of the images
    monkeypatch.setenv("OCTAVO_TEST_PADDING", "x" * 4321)
    assert azw3_from_epub(epub) == book


def test_missing_calibre_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(azw3.shutil, "which", lambda name: None)
    with pytest.raises(BuildError) as caught:
        azw3_from_epub(b"any")
    assert "calibre is needed for azw3" in caught.value.message
    assert caught.value.hint is not None
    assert "apt-get install calibre" in caught.value.hint
    assert "calibre-ebook.com" in caught.value.hint


def _stand_in(tmp_path: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Put a Python script where ebook-convert would be found."""
    tool = tmp_path / "ebook-convert"
    tool.write_text(f"#!{sys.executable}\nimport os, sys, time\n{script}")
    tool.chmod(0o755)
    monkeypatch.setattr(azw3.shutil, "which", lambda name: str(tool))


def test_a_failure_shows_the_end_of_calibres_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = "for n in range(30): print('line', n)\n"
    script += "sys.stdout.flush()\nprint('ValueError: not an EPUB', file=sys.stderr)\nsys.exit(3)\n"
    _stand_in(tmp_path, script, monkeypatch)
    with pytest.raises(BuildError) as caught:
        azw3_from_epub(b"not an epub")
    message = caught.value.message
    assert "exit code 3" in message
    assert "ValueError: not an EPUB" in message
    assert "line 29" in message
    assert "line 5\n" not in message  # only the last lines


def test_success_without_a_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stand_in(tmp_path, "print('done')\n", monkeypatch)
    with pytest.raises(BuildError, match="wrote no azw3"):
        azw3_from_epub(b"x")


def test_a_stalled_conversion_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _stand_in(tmp_path, "time.sleep(30)\n", monkeypatch)
    with pytest.raises(BuildError, match=r"more than 0\.5 seconds"):
        azw3_from_epub(b"x", timeout=0.5)


def test_calibre_runs_isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its own settings folder, a fixed hash seed, no network; the output is returned."""
    script = "with open(sys.argv[2], 'w') as f:\n"
    script += "    f.writelines(f'{k}={v}\\n' for k, v in os.environ.items())\n"
    _stand_in(tmp_path, script, monkeypatch)
    environment = azw3_from_epub(b"x").decode()
    assert "PYTHONHASHSEED=0" in environment
    assert "CALIBRE_CONFIG_DIRECTORY=" in environment
    assert "https_proxy=http://127.0.0.1:9" in environment
    assert "PYTEST_CURRENT_TEST" not in environment  # nothing of the caller's but PATH
