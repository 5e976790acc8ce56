"""Make a Kobo KEPUB from the EPUB Octavo packed, without calibre or kepubify.

A KEPUB is an EPUB 3 with the markup Kobo's own renderer expects; Kobo readers use
that renderer (with reading statistics, highlights and better pagination) only for
files named ``*.kepub.epub``. The changes follow kepubify (pgaskin/kepubify,
``kepub/transform.go``) and Kobo's own books, in every XHTML content document except
the nav document:

- a ``<style id="kobostylehacks">`` at the end of ``head`` (kepubify's reduced
  version of the style Kobo adds);
- the body's content wrapped in ``div#book-columns > div#book-inner``, the target
  of Kobo's pagination styles;
- text cut after each sentence into ``<span class="koboSpan" id="kobo.P.S">``
  (paragraph P, segment S): Kobo anchors highlights, bookmarks and reading
  position to these spans. Images are wrapped in a span of their own. Text in
  ``script``, ``style``, ``pre``, ``audio``, ``video``, form fields, SVG, MathML
  and existing Kobo spans is left as it is.

Every other entry is copied unchanged, in the same order, with the same
timestamps, so that the same EPUB always gives the same KEPUB. A document that
already has Kobo markup is left alone: converting a KEPUB again changes nothing.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from urllib.parse import unquote

from lxml import etree

from ..errors import BuildError

XHTML = "http://www.w3.org/1999/xhtml"
_OPF = "http://www.idpf.org/2007/opf"
_CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"

KOBO_STYLE_ID = "kobostylehacks"
#: kepubify's version of Kobo's style fixes: Kobo's own also sets font sizes, link
#: colours and every margin, which does more harm than good.
KOBO_STYLE = "div#book-inner { margin-top: 0; margin-bottom: 0; }"
OUTER_ID = "book-columns"
INNER_ID = "book-inner"
SPAN_CLASS = "koboSpan"
_SPAN_ID = re.compile(r"kobo\.\d+\.\d+\Z")

#: entering one of these starts a new Kobo paragraph (at its first span)
_PARAGRAPHS = frozenset({"p", "ol", "ul", "table", "h1", "h2", "h3", "h4", "h5", "h6"})
#: elements whose text is kept as it is (or may not hold a span)
_VERBATIM = frozenset(
    {
        "script",
        "style",
        "pre",
        "audio",
        "video",
        "title",
        "textarea",
        "select",
        "option",
        "optgroup",
        "datalist",
        "template",
        "noscript",
    }
)
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
#: \s in kepubify's sentence rule: ASCII whitespace only
_SPACE = frozenset("\t\n\f\r ")
_PUNCTUATION = frozenset(".!?")
_CLOSING = frozenset("'\"”’“…")
_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(<\?xml[^>]*\?>)")
_UTF8 = re.compile(rb"""encoding\s*=\s*["']utf-?8["']""", re.IGNORECASE)


def kepub_from_epub(epub: bytes) -> bytes:
    """The KEPUB made from an EPUB's bytes (to be saved as ``<name>.kepub.epub``)."""
    try:
        source = zipfile.ZipFile(io.BytesIO(epub))
    except zipfile.BadZipFile as error:
        raise BuildError(f"the EPUB cannot be read as a zip file: {error}") from error
    with source:
        documents = _content_documents(source)
        infos = source.infolist()
        # mimetype first, then every entry in the order it had
        infos.sort(key=lambda info: info.filename != "mimetype")
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w") as target:
            for info in infos:
                data = source.read(info)
                if info.filename in documents:
                    data = kepubify_document(data, info.filename)
                copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                copy.external_attr = info.external_attr
                if info.filename == "mimetype":
                    copy.compress_type = zipfile.ZIP_STORED
                    target.writestr(copy, data)
                else:
                    copy.compress_type = zipfile.ZIP_DEFLATED
                    target.writestr(copy, data, compresslevel=9)
    return output.getvalue()


def _parser() -> etree.XMLParser:
    # no DTD, no entities, no network: the documents are read as they are
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        strip_cdata=False,
        remove_blank_text=False,
    )


def _parse(data: bytes, name: str) -> etree._ElementTree:
    try:
        return etree.parse(io.BytesIO(data), _parser())
    except etree.XMLSyntaxError as error:
        raise BuildError(f"{name} in the EPUB is not well-formed XML: {error}") from error


def _content_documents(book: zipfile.ZipFile) -> set[str]:
    """The zip names of the XHTML content documents, without the nav document."""
    try:
        container = _parse(book.read("META-INF/container.xml"), "META-INF/container.xml")
    except KeyError as error:
        raise BuildError("the EPUB has no META-INF/container.xml") from error
    rootfile = container.find(f".//{{{_CONTAINER}}}rootfile")
    opf_name = "" if rootfile is None else rootfile.get("full-path", "")
    try:
        opf = _parse(book.read(opf_name), opf_name)
    except KeyError as error:
        raise BuildError(f"the EPUB's package document {opf_name!r} is missing") from error
    folder = posixpath.dirname(opf_name)
    documents: set[str] = set()
    for item in opf.iterfind(f"{{{_OPF}}}manifest/{{{_OPF}}}item"):
        if item.get("media-type") != "application/xhtml+xml":
            continue
        if "nav" in item.get("properties", "").split():
            continue
        href = unquote(item.get("href", "").partition("#")[0])
        documents.add(posixpath.normpath(posixpath.join(folder, href)))
    return documents


def kepubify_document(data: bytes, name: str = "document") -> bytes:
    """One XHTML content document with Kobo's style, wrappers and spans added."""
    tree = _parse(data, name)
    root = tree.getroot()
    head = root.find(f"{{{XHTML}}}head")
    body = root.find(f"{{{XHTML}}}body")
    if body is None:
        return data
    has_style = any(e.get("id") == KOBO_STYLE_ID for e in root.iter(f"{{{XHTML}}}style"))
    has_wrappers = any(
        outer.get("id") == OUTER_ID and any(inner.get("id") == INNER_ID for inner in outer)
        for outer in body
    )
    has_spans = any(_is_kobo_span(e) and _SPAN_ID.match(e.get("id", "")) for e in body.iter())
    if (has_style or head is None) and has_wrappers and has_spans:
        return data
    ids = {e.get("id", "") for e in root.iter() if isinstance(e.tag, str)}
    if not has_wrappers and ids & {OUTER_ID, INNER_ID}:
        raise BuildError(
            f"{name} in the EPUB uses the id {OUTER_ID!r} or {INNER_ID!r}, which Kobo reserves",
            hint="give that element another id",
        )
    if not has_spans and any(_SPAN_ID.match(i) for i in ids):
        raise BuildError(
            f"{name} in the EPUB uses an id of the form kobo.N.N, which Kobo reserves",
            hint="give that element another id",
        )

    if head is not None and not has_style:
        _add_style(head)
    if not has_wrappers:
        _wrap_body(body)
    if not has_spans:
        _Spans().walk(body)
    return _serialize(tree, data)


def _add_style(head: etree._Element) -> None:
    style = head.makeelement(f"{{{XHTML}}}style", {"type": "text/css", "id": KOBO_STYLE_ID})
    style.text = KOBO_STYLE
    if len(head):
        style.tail = head[-1].tail
    head.append(style)


def _wrap_body(body: etree._Element) -> None:
    outer = body.makeelement(f"{{{XHTML}}}div", {"id": OUTER_ID})
    inner = body.makeelement(f"{{{XHTML}}}div", {"id": INNER_ID})
    outer.append(inner)
    inner.text, body.text = body.text, None
    for child in list(body):
        inner.append(child)  # with its tail
    body.append(outer)


def _xhtml_name(element: etree._Element) -> str | None:
    """The local name of an XHTML element; None for other nodes and foreign elements."""
    if not isinstance(element.tag, str):
        return None
    name = etree.QName(element)
    return name.localname if name.namespace == XHTML else None


def _is_kobo_span(element: etree._Element) -> bool:
    return _xhtml_name(element) == "span" and SPAN_CLASS in element.get("class", "").split()


def _walks_into(element: etree._Element, name: str | None) -> bool:
    """Whether an element's text gets spans: XHTML, not verbatim, not a Kobo span."""
    return name is not None and name not in _VERBATIM and not _is_kobo_span(element)


def split_sentences(text: str) -> list[str]:
    """Cut text after each sentence, the way kepubify and Kobo do.

    A sentence ends after ``.``, ``!`` or ``?`` (possibly repeated), one optional
    closing quote or ellipsis, and the whitespace that follows; nothing is lost:
    the pieces join up to the text.
    """
    default, after_punctuation, after_closing, after_space = range(4)
    sentences: list[str] = []
    start = 0
    state = default
    for index, character in enumerate(text):
        if state == after_space and character not in _SPACE:
            sentences.append(text[start:index])
            start, state = index, default
        if character in _PUNCTUATION:
            state = after_punctuation
        elif character in _CLOSING:
            state = after_closing if state == after_punctuation else default
        elif character in _SPACE:
            state = after_space if state != default else default
        else:
            state = default
    if start < len(text) or not sentences:
        sentences.append(text[start:])
    return sentences


class _Spans:
    """Numbers Kobo spans while it walks a body in document order."""

    def __init__(self) -> None:
        self.paragraph = 0
        self.segment = 0
        self.new_paragraph = False

    def walk(self, element: etree._Element) -> None:
        name = _xhtml_name(element)
        if name in _PARAGRAPHS:
            self.new_paragraph = True  # counted only if a span follows
        in_p = name == "p"
        if element.text:
            spans = self._spans(element, element.text, in_p)
            if spans:
                element.text = None
                for index, span in enumerate(spans):
                    element.insert(index, span)
        for child in list(element):
            node = child
            child_name = _xhtml_name(child)
            if child_name == "img" and name != "picture":
                node = self._wrap_image(child)
            elif _walks_into(child, child_name):
                self.walk(child)
            if node.tail:
                spans = self._spans(element, node.tail, in_p)
                if spans:
                    node.tail = None
                    at = element.index(node) + 1
                    for offset, span in enumerate(spans):
                        element.insert(at + offset, span)

    def _spans(self, parent: etree._Element, text: str, in_p: bool) -> list[etree._Element]:
        # whitespace is left as it is, except directly in a paragraph
        if text.isspace() and not in_p:
            return []
        spans = []
        for sentence in split_sentences(text):
            if self.new_paragraph:
                self.paragraph += 1
                self.segment = 0
                self.new_paragraph = False
            span = self._span(parent)
            span.text = sentence
            spans.append(span)
        return spans

    def _span(self, parent: etree._Element) -> etree._Element:
        self.segment += 1
        return parent.makeelement(
            f"{{{XHTML}}}span",
            {"class": SPAN_CLASS, "id": f"kobo.{self.paragraph}.{self.segment}"},
        )

    def _wrap_image(self, image: etree._Element) -> etree._Element:
        self.paragraph += 1
        self.segment = 0
        self.new_paragraph = False
        parent = image.getparent()
        assert parent is not None
        span = self._span(parent)
        tail, image.tail = image.tail, None
        parent.replace(image, span)
        span.append(image)
        span.tail = tail
        return span


def _serialize(tree: etree._ElementTree, original: bytes) -> bytes:
    for element in tree.getroot().iter():
        name = _xhtml_name(element)
        if name is not None and name not in _VOID and element.text is None and not len(element):
            element.text = ""  # <p></p>, not <p/>: what an HTML parser reads the same way
    text = etree.tostring(tree, encoding="utf-8", xml_declaration=False)
    declaration = _DECLARATION.match(original)
    if declaration is not None and (
        b"encoding" not in declaration.group(1) or _UTF8.search(declaration.group(1))
    ):
        prolog = declaration.group(1) + b"\n"
    else:
        prolog = b'<?xml version="1.0" encoding="utf-8"?>\n'
    ending = b"\n" if original.endswith(b"\n") else b""
    return prolog + text + ending
