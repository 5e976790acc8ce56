"""The Kobo KEPUB made from an EPUB: EPUBCheck, the text kept, the spans, nothing else changed."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from octavo.api import load_anthology, make_epub
from octavo.errors import BuildError
from octavo.write.kepub import kepub_from_epub, kepubify_document, split_sentences

from .conftest import MakeAnthology, epubcheck

X = "http://www.w3.org/1999/xhtml"
NS = {"x": X, "opf": "http://www.idpf.org/2007/opf"}
SPAN_ID = re.compile(r"kobo\.(\d+)\.(\d+)\Z")


def _documents(book: zipfile.ZipFile) -> tuple[list[str], str]:
    """The content documents' zip names (without the nav), and the nav's."""
    opf = etree.fromstring(book.read("EPUB/content.opf"))
    documents, nav = [], ""
    for item in opf.iterfind("opf:manifest/opf:item", NS):
        if item.get("media-type") != "application/xhtml+xml":
            continue
        name = "EPUB/" + item.get("href", "")
        if "nav" in item.get("properties", "").split():
            nav = name
        else:
            documents.append(name)
    return documents, nav


def _kobo_spans(root: etree._Element) -> list[etree._Element]:
    return [
        span
        for span in root.iter(f"{{{X}}}span")
        if "koboSpan" in span.get("class", "").split() and SPAN_ID.match(span.get("id", ""))
    ]


def _without_kobo_markup(data: bytes) -> bytes:
    """The document with Kobo's style, wrappers and spans taken out again, canonical."""
    root = etree.fromstring(data)
    for style in root.iterfind(".//x:style[@id='kobostylehacks']", NS):
        previous = style.getprevious()
        assert previous is not None
        previous.tail = style.tail
        style.getparent().remove(style)  # type: ignore[union-attr]
    body = root.find("x:body", NS)
    assert body is not None
    (outer,) = body
    (inner,) = outer
    body.text = inner.text
    body[:] = list(inner)
    for span in _kobo_spans(root):
        _unwrap(span)
    return etree.tostring(root, method="c14n")


def _unwrap(element: etree._Element) -> None:
    parent = element.getparent()
    assert parent is not None
    index = parent.index(element)
    if len(element):
        (child,) = element
        child.tail = (child.tail or "") + (element.tail or "")
        parent.replace(element, child)
        return
    joined = (element.text or "") + (element.tail or "")
    if index:
        before = parent[index - 1]
        before.tail = (before.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(element)


@pytest.fixture(scope="module")
def epub(example_epub: bytes) -> bytes:
    return example_epub


@pytest.fixture(scope="module")
def kepub(epub: bytes) -> bytes:
    return kepub_from_epub(epub)


@pytest.mark.slow
def test_epubcheck_reports_nothing(kepub: bytes, tmp_path: Path) -> None:
    path = tmp_path / "silent-screen.kepub.epub"
    path.write_bytes(kepub)
    result = epubcheck(path)
    messages = [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages]
    assert result.valid
    assert messages == []


@pytest.mark.slow
def test_only_content_documents_change(epub: bytes, kepub: bytes) -> None:
    """Same entries, order, timestamps and compression; the OPF, nav and images are untouched."""
    before, after = zipfile.ZipFile(io.BytesIO(epub)), zipfile.ZipFile(io.BytesIO(kepub))
    documents, nav = _documents(before)
    assert nav
    assert len(documents) > 20
    assert [
        (i.filename, i.date_time, i.compress_type, i.external_attr) for i in after.infolist()
    ] == [(i.filename, i.date_time, i.compress_type, i.external_attr) for i in before.infolist()]
    assert after.infolist()[0].filename == "mimetype"
    assert after.infolist()[0].compress_type == zipfile.ZIP_STORED
    for name in before.namelist():
        if name in documents:
            assert after.read(name) != before.read(name), name
        else:
            assert after.read(name) == before.read(name), name
    assert "EPUB/content.opf" not in documents


@pytest.mark.slow
def test_documents_are_the_same_under_the_kobo_markup(epub: bytes, kepub: bytes) -> None:
    before, after = zipfile.ZipFile(io.BytesIO(epub)), zipfile.ZipFile(io.BytesIO(kepub))
    documents, _ = _documents(before)
    for name in documents:
        original = etree.tostring(etree.fromstring(before.read(name)), method="c14n")
        assert _without_kobo_markup(after.read(name)) == original, name
        assert after.read(name).startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE')


@pytest.mark.slow
def test_every_text_in_the_same_order(epub: bytes, kepub: bytes) -> None:
    before, after = zipfile.ZipFile(io.BytesIO(epub)), zipfile.ZipFile(io.BytesIO(kepub))
    documents, _ = _documents(before)
    for name in documents:
        old = etree.fromstring(before.read(name)).find("x:body", NS)
        new = etree.fromstring(after.read(name)).find("x:body", NS)
        assert old is not None
        assert new is not None
        assert "".join(new.itertext()) == "".join(old.itertext()), name


@pytest.mark.slow
def test_wrappers_style_and_spans(epub: bytes, kepub: bytes) -> None:
    before, after = zipfile.ZipFile(io.BytesIO(epub)), zipfile.ZipFile(io.BytesIO(kepub))
    documents, _ = _documents(before)
    total = 0
    for name in documents:
        root = etree.fromstring(after.read(name))
        body = root.find("x:body", NS)
        assert body is not None
        assert [child.get("id") for child in body] == ["book-columns"], name
        assert [child.get("id") for child in body[0]] == ["book-inner"], name
        styles = root.findall("x:head/x:style[@id='kobostylehacks']", NS)
        assert len(styles) == 1
        assert "div#book-inner" in (styles[0].text or "")

        spans = _kobo_spans(root)
        assert spans, name
        numbers = [tuple(int(n) for n in SPAN_ID.match(s.get("id", "")).groups()) for s in spans]  # type: ignore[union-attr]
        assert len(set(numbers)) == len(numbers), name
        ids = [element.get("id") for element in root.iter() if element.get("id")]
        assert len(set(ids)) == len(ids), name
        # paragraphs count up by one from 0 or 1; segments from 1 within each
        assert numbers[0][0] in (0, 1)
        assert numbers[0][1] == 1
        for (p1, s1), (p2, s2) in itertools.pairwise(numbers):
            assert (p2, s2) in ((p1, s1 + 1), (p1 + 1, 1)), (name, p1, s1, p2, s2)
        # spans hold text (or one image), never other spans
        for span in spans:
            assert not span.findall(".//x:span[@class='koboSpan']", NS)
        total += len(spans)
    assert total > 1000


@pytest.mark.slow
def test_a_paragraph_of_the_example(kepub: bytes) -> None:
    book = zipfile.ZipFile(io.BytesIO(kepub))
    root = etree.fromstring(book.read("EPUB/r-nosferatu.xhtml"))
    first = root.find(".//x:div[@class='review-body']/x:p", NS)
    assert first is not None
    spans = [s for s in first if s.get("class") == "koboSpan"]
    assert [s.text for s in spans[:2]] == [
        "Begin with the hands. ",
        "Before you remember the ears like torn paper, before the rat’s front teeth or the"
        " bald skull rising out of a black coat, you remember the hands of Count Orlok: long,"
        " jointed, tipped with nails that seem to keep growing while you watch. ",
    ]
    paragraph = {SPAN_ID.match(s.get("id", "")).group(1) for s in spans}  # type: ignore[union-attr]
    assert len(paragraph) == 1
    # the rating's SVG is kept as it is, with no span inside it
    svg = root.find(".//{http://www.w3.org/2000/svg}svg")
    assert svg is not None
    assert not svg.findall(".//x:span", NS)
    assert svg.get("viewBox") == "0 0 104 20"


#: a forced page break in CSS (page-break-*: always, left, right; break-*: page...)
FORCED_BREAK = re.compile(
    r"(?:page-)?break-(?:before|after)\s*:\s*(?:always|page|left|right|recto|verso)", re.I
)


@pytest.mark.slow
def test_each_kicker_is_on_the_screen_of_its_heading(kepub: bytes) -> None:
    """Kobo breaks pages only where the book says (unlike calibre, see test_azw3.py):
    each kicker opens its document, right before its heading, and no rule forces a
    page break anywhere."""
    book = zipfile.ZipFile(io.BytesIO(kepub))
    documents, _ = _documents(book)
    kickers = 0
    for name in documents:
        root = etree.fromstring(book.read(name))
        for kicker in root.iterfind(".//x:p", NS):
            if not {"work-meta", "part-number"} & set(kicker.get("class", "").split()):
                continue
            kickers += 1
            heading = kicker.getnext()
            assert heading is not None
            assert heading.tag == f"{{{X}}}h1", name
            assert not kicker.get("style")
            assert not heading.get("style")
            body = root.find("x:body", NS)
            assert body is not None
            # nothing to read before the kicker
            first = next(t for t in body.itertext() if t.strip())
            assert first == next(t for t in kicker.itertext() if t.strip()), name
    assert kickers == 14 + 3
    for name in book.namelist():
        if name.endswith((".css", ".xhtml")):
            assert not FORCED_BREAK.search(book.read(name).decode("utf-8")), name


@pytest.mark.slow
def test_the_stars_keep_their_words_and_the_text_colour(kepub: bytes) -> None:
    """Kobo draws inline SVG (calibre's Kindle book does not keep it so, see test_azw3.py):
    the rating's words stay on it, and it is drawn in the reader's text colour, so that
    it shows in dark mode too."""
    book = zipfile.ZipFile(io.BytesIO(kepub))
    documents, _ = _documents(book)
    ratings = 0
    for name in documents:
        root = etree.fromstring(book.read(name))
        for svg in root.iter("{http://www.w3.org/2000/svg}svg"):
            ratings += 1
            label = svg.get("aria-label", "")
            assert re.fullmatch(r"\d(\.5)? out of 5 stars", label), name
            assert svg.get("role") == "img"
            assert svg.findtext("{http://www.w3.org/2000/svg}title") == label
            shapes = list(svg.iter("{http://www.w3.org/2000/svg}polygon"))
            assert shapes
            for shape in shapes:
                assert {shape.get("fill"), shape.get("stroke")} - {None, "none"} == {"currentColor"}
            score = svg.getnext()  # the score as written, in words to a screen reader
            assert score is not None
            assert "rating-text" in score.get("class", "")
    assert ratings >= 14


@pytest.mark.slow
def test_the_cover_image_is_wrapped(kepub: bytes) -> None:
    book = zipfile.ZipFile(io.BytesIO(kepub))
    root = etree.fromstring(book.read("EPUB/cover.xhtml"))
    image = root.find(".//x:img", NS)
    assert image is not None
    span = image.getparent()
    assert span is not None
    assert span.get("class") == "koboSpan"
    assert span.get("id") == "kobo.1.1"


@pytest.mark.slow
def test_reproducible_and_idempotent(epub: bytes, kepub: bytes) -> None:
    assert kepub_from_epub(epub) == kepub
    assert kepub_from_epub(kepub) == kepub


def test_a_small_anthology(make_anthology: MakeAnthology) -> None:
    data, _ = make_epub(load_anthology(make_anthology()))
    book = zipfile.ZipFile(io.BytesIO(kepub_from_epub(data)))
    documents, _ = _documents(book)
    texts = {}
    for name in documents:
        root = etree.fromstring(book.read(name))
        for span in _kobo_spans(root):
            texts[(name, span.get("id"))] = span.text
    found = [key for key, text in texts.items() if text == "A review of Alpha. "]
    assert len(found) == 1
    name, identifier = found[0]
    paragraph, segment = SPAN_ID.match(identifier or "").groups()  # type: ignore[union-attr]
    assert texts[(name, f"kobo.{paragraph}.{int(segment) + 1}")] == "It has two sentences."


DOCUMENT = """\
<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en">
<head>
<title>T</title>
</head>
<body>
<div class="lead">Before any paragraph.</div>
<h1 id="top">A title</h1>
<p>One. Two? <em>Three!</em> four <a href="#top">five.</a> <!-- note --> six</p>
<p><img src="a.png" alt="A"/> after</p>
<p> </p>
<pre>Kept.  As is.</pre>
<script>var a = "b. c";</script>
<style>p { margin: 0; }</style>
<p><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><title>Star.</title></svg>x</p>
<ul>
  <li>Item. Two.</li>
</ul>
<table><tr><td>Cell</td><td></td></tr></table>
</body>
</html>
"""


def _spans_of(data: bytes) -> list[tuple[str, str]]:
    root = etree.fromstring(data)
    return [(s.get("id", ""), s.text or "") for s in _kobo_spans(root)]


def test_kepubify_document_the_way_kepubify_does() -> None:
    result = kepubify_document(DOCUMENT.encode())
    assert _spans_of(result) == [
        ("kobo.0.1", "Before any paragraph."),
        ("kobo.1.1", "A title"),
        ("kobo.2.1", "One. "),
        ("kobo.2.2", "Two? "),
        ("kobo.2.3", "Three!"),
        ("kobo.2.4", " four "),
        ("kobo.2.5", "five."),
        ("kobo.2.6", " "),
        ("kobo.2.7", " six"),
        ("kobo.3.1", ""),  # the image's own span
        ("kobo.3.2", " after"),
        ("kobo.4.1", " "),
        ("kobo.5.1", "x"),
        ("kobo.6.1", "Item. "),
        ("kobo.6.2", "Two."),
        ("kobo.7.1", "Cell"),
    ]
    text = result.decode()
    assert "<pre>Kept.  As is.</pre>" in text
    assert '<script>var a = "b. c";</script>' in text
    assert "<style>p { margin: 0; }</style>" in text
    assert "<title>Star.</title>" in text
    assert "<!-- note -->" in text
    assert "<td></td>" in text  # an empty element is not written as <td/>
    assert '<span class="koboSpan" id="kobo.3.1"><img src="a.png" alt="A"/></span>' in text
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html ')
    assert text.endswith("</html>\n")
    # whitespace between blocks is left as text
    assert "</h1>\n<p>" in text
    assert "<ul>\n  <li>" in text


def test_kepubify_document_keeps_existing_kobo_spans() -> None:
    once = kepubify_document(DOCUMENT.encode())
    assert kepubify_document(once) == once
    # a span that merely has the class is left alone, and the rest still gets spans
    source = DOCUMENT.replace(
        '<h1 id="top">A title</h1>', '<h1 id="top"><span class="koboSpan">A. B.</span></h1>'
    )
    spans = _spans_of(kepubify_document(source.encode()))
    assert ("kobo.1.1", "A title") not in spans
    result = kepubify_document(source.encode()).decode()
    assert '<span class="koboSpan">A. B.</span>' in result


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two", ["One. ", "Two"]),
        ("Hello.  World!\n Is it?", ["Hello.  ", "World!\n ", "Is it?"]),
        ("He said “Stop.” Then left.", ["He said “Stop.” ", "Then left."]),
        ("What?! No…", ["What?! ", "No…"]),
        ("3.5/5 stars", ["3.5/5 stars"]),
        ("no end", ["no end"]),
        ("  lead. x", ["  lead. ", "x"]),
        ("a.\u00a0b", ["a.\u00a0b"]),  # kepubify's \s is ASCII only
        ("", [""]),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences
    assert "".join(split_sentences(text)) == text


def test_not_a_zip() -> None:
    with pytest.raises(BuildError, match="cannot be read as a zip"):
        kepub_from_epub(b"not an epub")


def _rezip(epub: bytes, name: str, data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(epub))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            target.writestr(info, data if info.filename == name else source.read(info))
    return output.getvalue()


def test_malformed_document_names_the_file(make_anthology: MakeAnthology) -> None:
    data, _ = make_epub(load_anthology(make_anthology()))
    broken = _rezip(data, "EPUB/titlepage.xhtml", b"<html><body><p>open</body></html>")
    with pytest.raises(BuildError, match=r"EPUB/titlepage\.xhtml .*not well-formed"):
        kepub_from_epub(broken)


def test_entities_are_not_resolved() -> None:
    source = DOCUMENT.replace(
        "<!DOCTYPE html>", '<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    ).replace("A title", "A &x; title")
    result = kepubify_document(source.encode()).decode()
    assert "root:" not in result
    assert "&x;" in result


def test_reserved_ids_are_refused() -> None:
    source = DOCUMENT.replace('id="top"', 'id="book-inner"')
    with pytest.raises(BuildError, match="Kobo reserves") as caught:
        kepubify_document(source.encode(), "EPUB/x.xhtml")
    assert "EPUB/x.xhtml" in caught.value.message
    source = DOCUMENT.replace('id="top"', 'id="kobo.1.1"')
    with pytest.raises(BuildError, match=r"kobo\.N\.N"):
        kepubify_document(source.encode())


def test_existing_wrappers_are_kept_and_filled() -> None:
    source = DOCUMENT.replace("<body>", '<body><div id="book-columns"><div id="book-inner">')
    source = source.replace("</body>", "</div></div></body>")
    result = etree.fromstring(kepubify_document(source.encode()))
    body = result.find("x:body", NS)
    assert body is not None
    assert [child.get("id") for child in body] == ["book-columns"]
    assert [child.get("id") for child in body[0]] == ["book-inner"]
    assert len(_kobo_spans(result)) == 16
