"""A small book that uses everything the contract allows, built and read back."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from octavo.api import Built, build

from .conftest import epubcheck

pytestmark = pytest.mark.slow

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def _image(size: tuple[int, int], colour: str, kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, kind)
    return buffer.getvalue()


MANIFEST = """\
title = "Kitchen Sink"
subtitle = "Everything at Once"
editors = ["Ann Editor", "Bob Editor"]
publisher = "Test Press"
language = "en-GB"
date = 2025-01-02
description = "A test of every feature."
rights = "All rights reserved."
cover = "cover.png"

[print]
trim = "a5"
recto_starts = false

[[back]]
index = "creators"

[[back]]
index = "publications"
"""

REVIEW = """\
---
title: "Über: A \\"Film\\""
kind: book
year: 2001
creator: [First Author, Second Author]
reviewer: [Carla Critic, Dan Critic]
publication: The Paper
published: 2020-02-29
headline: It's "great" -- really
rating: 7/10
certificate: 12A
runtime: 300 pages
tags: [Drama, drama, essays]
image: still.jpg
image_alt: A red rectangle
image_credit: Test still
pullquote: Great.
showing: In all good bookshops.
language: de
favourite_colour: blue
---

# A heading

Text with a footnote[^note] and *emphasis*, Ελληνικά and кириллица.

| Part | Pages |
|------|------:|
| One  | 100   |

Term
: Definition

![A small red picture](still.jpg)

![A grey disc](disc.svg)

[^note]: The note.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, Path]:
    root = tmp_path_factory.mktemp("sink")
    files: dict[str, str | bytes] = {
        "anthology.toml": MANIFEST,
        "cover.png": _image((800, 1280), "#224", "PNG"),
        "reviews/sink.md": REVIEW,
        "reviews/still.jpg": _image((600, 400), "#a22", "JPEG"),
        "reviews/disc.svg": (
            '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 10 10">'
            '<circle cx="5" cy="5" r="4" fill="#888"/></svg>'
        ),
        "reviews/plain.md": "---\ntitle: Plain\nreviewer: Eve\nrating: B+\n---\n\nPlain text.\n",
    }
    for name, content in files.items():
        path = root / "book" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return build(root / "book", root / "out"), root / "out"


def test_epubcheck(built: tuple[Built, Path]) -> None:
    result = epubcheck(built[1] / "kitchen-sink.epub")
    assert [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages] == []


def test_package(built: tuple[Built, Path]) -> None:
    book = zipfile.ZipFile(built[1] / "kitchen-sink.epub")
    opf = etree.fromstring(book.read("EPUB/content.opf"))
    creators = opf.findall(".//dc:creator", NS)
    assert [c.text for c in creators] == ["Ann Editor", "Bob Editor"]
    assert len({c.get("id") for c in creators}) == 2
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    cover = opf.find(".//opf:item[@properties='cover-image']", NS)
    assert cover is not None
    # the manifest's PNG cover is packed as the 1600x2560 JPEG that stores ask for
    assert cover.get("media-type") == "image/jpeg"
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(book.read("EPUB/" + cover.get("href", "")))) as packed:
        assert (packed.format, packed.size) == ("JPEG", (1600, 2560))
    subjects = [s.text for s in opf.findall(".//dc:subject", NS)]
    assert subjects == ["drama", "essays"]


def test_review_document(built: tuple[Built, Path]) -> None:
    book = zipfile.ZipFile(built[1] / "kitchen-sink.epub")
    xhtml = book.read("EPUB/r-sink.xhtml").decode()
    assert 'lang="de" xml:lang="de"' in xhtml
    assert "Über: A “Film”" in xhtml
    # the headline's typography (its last two words kept on one line: a display span)
    assert 'It’s “great” <span class="last-words">– really</span>' in xhtml
    # The names in the byline's small capitals, the "and" between them not.
    assert (
        '<span class="reviewer">Carla Critic</span><span class="joiner"> and </span>'
        '<span class="reviewer">Dan Critic</span>'
    ) in xhtml
    assert "By First Author and Second Author" in xhtml
    assert "Certificate 12A" in xhtml
    assert 'aria-label="3.5 out of 5 stars"' in xhtml
    assert "7/10" in xhtml
    assert "In all good bookshops." in xhtml
    assert '<h2 class="h-level-1">A heading</h2>' in xhtml
    assert 'href="#r-sink--fn1"' in xhtml
    assert 'id="r-sink--fn1"' in xhtml
    assert "<table>" in xhtml
    assert "<dl>" in xhtml
    assert 'alt="A small red picture"' in xhtml
    assert 'alt="A grey disc"' in xhtml
    svg = [n for n in book.namelist() if n.endswith("-disc.svg")]
    assert len(svg) == 1
    opf = book.read("EPUB/content.opf").decode()
    assert 'media-type="image/svg+xml"' in opf


def test_flat_book_pdf(built: tuple[Built, Path]) -> None:
    reader = PdfReader(built[1] / "kitchen-sink.pdf")
    box = reader.pages[0].mediabox
    # A5 is 148 x 210 mm
    assert round(float(box.width) / 72 * 25.4) == 148
    assert round(float(box.height) / 72 * 25.4) == 210
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == [
        "Plain",
        "Über: A “Film” (2001)",
        "Index of Creators",
        "Index of Publications",
    ]
    assert not any(isinstance(item, list) for item in reader.outline)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Ελληνικά" in text
    assert "кириллица" in text
    assert reader.metadata is not None
    assert reader.metadata.author == "Ann Editor, Bob Editor"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_the_only_warning_is_the_small_picture(built: tuple[Built, Path]) -> None:
    """still.jpg is 600 pixels wide, set across the A5 text block: too coarse to print."""
    (warning,) = built[0].report.diagnostics
    assert warning.code == "B407"
    assert warning.path is not None
    assert warning.path.name == "still.jpg"
    assert re.match(r"the image is printed at 1\d\d pixels per inch", warning.message)
