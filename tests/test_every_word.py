"""Every word of every construct reaches both editions, and nothing leaks between reviews.

Issue 11. A generated corpus (``markdown_corpus.py``: every CommonMark construct and
every plugin, at the top level and nested in lists, quotes and notes) and
hypothesis-generated Markdown go through Octavo, and are compared with markdown-it's
own rendering of the same text:

1. the EPUB: each review's text, the content of every ``<code>`` and ``<pre>``
   (byte for byte) and its element structure equal markdown-it's, after the harmless
   differences listed in :data:`HARMLESS` (and in docs/markdown.md);
2. the PDF: every word of that text is on the pages of its review (in order, notes
   at the page foot), and no word lies outside the page or the text block;
3. isolation: a review full of empty and unclosed elements changes nothing in the
   review after it, in the print HTML, in the PDF (text, fonts, sizes, places) and
   in the EPUB.

The corpus is built once per module (PDF and EPUB, classic theme).
"""

from __future__ import annotations

import copy
import ctypes
import difflib
import os
import re
import subprocess
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
import tinyhtml5
from hypothesis import HealthCheck, Phase, given, settings
from lxml import etree
from lxml import html as lxml_html
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from pypdf import PdfReader

from octavo.api import build, load_anthology
from octavo.diagnostics import Report
from octavo.errors import ContentError
from octavo.html_fragment import remove_element
from octavo.load.html_policy import _TAGS
from octavo.load.markdown import MarkdownContext, make_parser, render_markdown
from octavo.render import body_html
from octavo.render.epub_fragments import for_epub
from octavo.render.print_html import render_print
from octavo.resources import Resolver

from .conftest import require
from .markdown_corpus import EXTRAS, IMAGE, corpus, documents, png_bytes, review_file

MANIFEST = """\
title = "Every Word"
editors = ["Ed Itor"]
language = "en"
style = "classic"

[print]
recto_starts = false
"""

#: The review every isolation test compares: no digits (folios are left out by
#: dropping digits), long enough to fill lines.
PLAIN_BODY = (
    "Plain text, set in the body face at the body size, with *italic* and **bold** "
    "words, to show that nothing before it changes how it looks. The lantern swings "
    "over the quiet stage while the chorus waits in the wings for its cue.\n\n"
    "A second paragraph follows, in the same face, and then the review ends.\n"
)

#: Differences between markdown-it's rendering and Octavo's that lose nothing; each is
#: undone by :func:`_reference_tree` or :func:`_edition_tree` before comparing.
HARMLESS = {
    "ids": "ids and #links get the review's prefix (r-<id>--) and only [A-Za-z0-9_.-]",
    "headings": "heading levels move under the review title and close up (h1..h6 -> h);"
    " each gets the class h-level-<rank>, and a level past h6 is <p role=heading>",
    "note calls": "a note call shows 1, not markdown-it's [1]; a second call of it 1, not 1:1",
    "back-links": "a note's link back reads ↩ with a title, not ↩︎ (compared without them)",
    "note elements": "EPUB notes are <aside> with a number span, not <ol><li> (pop-ups)",
    "page breaks": "the EPUB marks where the PDF's pages begin (empty pagebreak spans)",
    "comments": "HTML comments are removed by the sanitiser (no text, no element)",
    "images": "image sources point into the EPUB (images/001-square.png), not the file",
    "attributes": "only id, class, href, start and table alignment are compared",
    "figures": "a column of figures the author did not align is numeric align-right",
}

XHTML = "{http://www.w3.org/1999/xhtml}"


# --- markdown-it's own rendering ---------------------------------------------------------


def reference_parser() -> MarkdownIt:
    """markdown-it configured like Octavo's parser, with its own typographer rules.

    Octavo replaces only dashes and ellipses (not markdown-it's "replacements" of
    (c), +- and two dots): the corpus avoids those on purpose, so the two agree.
    """
    parser = (
        MarkdownIt("commonmark", {"typographer": True, "html": True})
        .enable(["replacements", "smartquotes", "table", "strikethrough"])
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(attrs_block_plugin)
        .use(attrs_plugin, spans=True)
    )
    parser.options["maxNesting"] = 200
    return parser


REFERENCE = reference_parser()


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _unwrap(element: etree._Element) -> None:
    """Replace an element by its content."""
    parent = element.getparent()
    assert parent is not None
    index = parent.index(element)
    text = element.text or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    last = children[-1] if children else element.getprevious()
    tail = element.tail or ""
    if last is not None:
        last.tail = (last.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _reference_tree(markdown: str) -> etree._Element:
    """markdown-it's HTML for ``markdown``, with the harmless differences undone."""
    html = REFERENCE.render(markdown)
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for comment in root.xpath("//comment()"):
        remove_element(comment)
    for back in root.xpath(".//a[@class='footnote-backref']"):
        remove_element(back)
    for call in root.xpath(".//sup[@class='footnote-ref']/a"):
        call.text = (call.text or "").strip("[]").split(":")[0]
    for listing in root.xpath(".//ol[@class='footnotes-list']"):
        _unwrap(listing)
    for element in root.xpath(".//*[@id] | .//a[starts-with(@href, '#')]"):
        if element.get("id"):
            element.set("id", _SAFE_ID.sub("-", element.get("id", "")))
        if element.get("href", "").startswith("#"):
            element.set("href", "#" + _SAFE_ID.sub("-", element.get("href", "")[1:]))
    return root


_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]")


def _edition_tree(fragment: etree._Element, prefix: str) -> etree._Element:
    """An EPUB review body, namespaces and the harmless differences removed."""
    root = copy.deepcopy(fragment)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        element.tag = _local(element)
        for key in list(element.attrib):
            if key.startswith("{") or ":" in key:
                del element.attrib[key]
        if element.get("id", "").startswith(prefix):
            element.set("id", element.get("id", "")[len(prefix) :])
        if element.get("href", "").startswith("#" + prefix):
            element.set("href", "#" + element.get("href", "")[len(prefix) + 1 :])
    etree.cleanup_namespaces(root)
    for marker in root.xpath(".//*[@role='doc-pagebreak'] | .//span[@class='footnote-number']"):
        remove_element(marker)
    for back in root.xpath(".//a[@class='footnote-backref']"):
        remove_element(back)
    for aside in root.xpath(".//aside[@class='footnote-item']"):
        aside.tag = "li"
    root.tag = "div"
    root.attrib.clear()
    return root


_ALIGN = re.compile(r"text-align:\s*(left|center|right)|\b(?:align-|text-)?(left|center|right)\b")


def _alignment(element: etree._Element) -> str:
    for value in (element.get("style", ""), element.get("align", ""), element.get("class", "")):
        if match := _ALIGN.search(value):
            return match.group(1) or match.group(2)
    return ""


def structure(root: etree._Element) -> list[str]:
    """The elements in document order, as tag names with the attributes compared."""
    out = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element is root:
            continue
        tag = element.tag
        heading = re.fullmatch(r"h[1-6]", tag) or element.get("role") == "heading"
        if heading:
            tag = "h"
        if element.get("id"):
            tag += "#" + element.get("id", "")
        classes = [c for c in element.get("class", "").split() if not _ALIGN.fullmatch(c)]
        figures = "numeric" in classes  # the column's alignment is Octavo's (see HARMLESS)
        classes = [c for c in classes if c != "numeric"]
        if heading:  # the theme's level classes (see HARMLESS)
            classes = [c for c in classes if c != "heading" and not c.startswith("h-level-")]
        tag += "".join("." + c for c in sorted(classes))
        if tag.startswith(("td", "th")) and not figures and (align := _alignment(element)):
            tag += f"[align={align}]"
        if element.tag == "a":
            tag += f"[href={element.get('href', '')}]"
        if element.tag == "ol" and element.get("start"):
            tag += f"[start={element.get('start')}]"
        out.append(tag)
    return out


def text_of(root: etree._Element) -> str:
    """The text, whitespace closed up; a line break counts as a space."""
    pieces: list[str] = []

    def walk(element: etree._Element) -> None:
        if isinstance(element.tag, str) and _local(element) == "br":
            pieces.append(" ")
        elif isinstance(element.tag, str):
            pieces.append(element.text or "")
            for child in element:
                walk(child)
        pieces.append(element.tail or "")

    pieces.append(root.text or "")
    for child in root:
        walk(child)
    return " ".join("".join(pieces).split())


def code_of(root: etree._Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter("code", "pre")]


@dataclass
class Comparison:
    name: str
    problems: list[str]

    def add(self, what: str, expected: list[str], got: list[str]) -> None:
        if expected != got:
            diff = difflib.unified_diff(expected, got, "markdown-it", "Octavo", lineterm="", n=2)
            self.problems.append(f"{self.name}: {what} differs\n" + "\n".join(list(diff)[:60]))


def compare(name: str, reference: etree._Element, edition: etree._Element) -> list[str]:
    """What differs between the two trees (text, code, structure), as readable diffs."""
    result = Comparison(name, [])
    result.add("text", _sentences(text_of(reference)), _sentences(text_of(edition)))
    result.add("code", [ascii(c) for c in code_of(reference)], [ascii(c) for c in code_of(edition)])
    result.add("structure", structure(reference), structure(edition))
    return result.problems


def _sentences(text: str) -> list[str]:
    """Text cut after each full stop, so that a diff shows where it differs."""
    return re.split(r"(?<=\.) ", text)


# --- the corpus, built once --------------------------------------------------------------


@dataclass(frozen=True)
class Book:
    folder: Path
    pdf: Path
    epub: dict[str, bytes]
    warnings: list[str]  #: the build's warnings, as "CODE file: message"


def _write(folder: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def build_book(
    folder: Path, reviews: dict[str, str], formats: tuple[str, ...] = ("pdf", "epub")
) -> Book:
    """Build an anthology of ``reviews`` (slug -> file text) with the image beside them."""
    files: dict[str, str | bytes] = {"anthology.toml": MANIFEST, f"reviews/{IMAGE}": png_bytes()}
    files.update({f"reviews/{slug}.md": text for slug, text in reviews.items()})
    _write(folder, files)
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1764028800"
    try:
        built = build(folder, folder / "out", formats=formats, cache=False, jobs=1)
    except ContentError as error:
        # Say why: the corpus itself must be accepted.
        error.add_note(
            "\n".join(f"{d.code} {d.path}:{d.line}: {d.message}" for d in error.report.errors)
        )
        raise
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    paths = {output.format: output.path for output in built.outputs}
    epub: dict[str, bytes] = {}
    if "epub" in paths:
        with zipfile.ZipFile(paths["epub"]) as archive:
            epub = {name: archive.read(name) for name in archive.namelist()}
    warnings = [f"{d.code} {d.path}: {d.message}" for d in built.report.warnings]
    return Book(folder, paths.get("pdf", Path()), epub, warnings)


CORPUS = corpus()
CONTROL = "zz-control"


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    reviews = {review.slug: review_file(review.title, review.body) for review in CORPUS}
    reviews[CONTROL] = review_file("Zz Control", PLAIN_BODY * 3)
    return build_book(tmp_path_factory.mktemp("every-word"), reviews)


def epub_body(book: Book, slug: str) -> etree._Element:
    """The ``div.review-body`` of a review's EPUB document."""
    (name,) = [n for n in book.epub if n.endswith(f"/r-{slug}.xhtml")]
    root = etree.fromstring(book.epub[name])
    (body,) = root.iterfind(f".//{XHTML}div[@class='review-body']")
    return body


# --- 1. the EPUB equals markdown-it --------------------------------------------------------


@pytest.mark.parametrize("review", CORPUS, ids=[review.slug for review in CORPUS])
def test_epub_equals_markdown_it(book: Book, review: object) -> None:
    assert hasattr(review, "slug")
    assert hasattr(review, "body")
    prefix = f"r-{review.slug}--"
    problems = compare(
        review.slug,
        _reference_tree(review.body),
        _edition_tree(epub_body(book, review.slug), prefix),
    )
    assert not problems, "\n\n".join(problems)


# --- 2. every word on the review's PDF pages ------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[str]  #: in the order they were set, words split at a line end joined
    boxes: list[Word]  #: each word and where it is


def pdf_pages(pdf: Path) -> list[Page]:
    """Every page's words (``pdftotext -raw``, in the order they were set) and boxes."""
    require("pdftotext", "the PDF is read back with poppler's pdftotext")
    raw = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True
    ).stdout
    root = etree.fromstring(bbox, etree.XMLParser(recover=True, huge_tree=True))
    pages = []
    for text, page in zip(raw.split("\f"), root.iter(f"{XHTML}page"), strict=False):
        words: list[str] = []
        for line in text.split("\n"):
            line_words = line.split()
            if words and line_words and words[-1].endswith(("-", "\u00ad", "\u2010")):
                # a word hyphenated at the line end: joined, and its first part kept too
                line_words[0] = words[-1] + line_words[0]
            words.extend(line_words)
        boxes = [
            Word(
                word.text or "",
                tuple(float(word.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax")),  # type: ignore[arg-type]
            )
            for word in page.iter(f"{XHTML}word")
        ]
        pages.append(
            Page(float(page.get("width", "0")), float(page.get("height", "0")), words, boxes)
        )
    return pages


def key(word: str) -> str:
    """A word as compared with the PDF: ligatures undone, case and hyphens ignored."""
    word = unicodedata.normalize("NFKC", word).casefold()
    # quotation marks a <q> gets from CSS, punctuation beside a raised note call
    word = word.strip("\"'“”‘’«».,:;()")
    return re.sub("[-\u00ad\u2010\u2011\u200b\u2060]", "", word)


def review_pages(pdf: Path) -> dict[str, range]:
    """The pages of each review (0-based), from the PDF's named destinations."""
    reader = PdfReader(pdf)
    # a review's own destination is r-<id>; its inner ids (r-<id>--x) are not starts
    starts = sorted(
        (reader.get_destination_page_number(destination), name)
        for name, destination in reader.named_destinations.items()
        if "--" not in name
    )
    pages: dict[str, range] = {}
    for index, (start, name) in enumerate(starts):
        after = [page for page, _ in starts[index + 1 :] if page > start]
        pages[name] = range(start, after[0] if after else len(reader.pages))
    return pages


def missing_in_order(expected: list[str], got: list[str]) -> list[str]:
    """The words of ``expected`` not found in order in ``got``, each with its context.

    The two are aligned (difflib, no junk heuristics): a word found out of place
    does not hide the words after it.
    """
    wanted = [key(w) for w in expected]
    have = [key(w) for w in got]
    matcher = difflib.SequenceMatcher(None, wanted, have, autojunk=False)
    found = set()
    for block in matcher.get_matching_blocks():
        found.update(range(block.a, block.a + block.size))
    # a word set with raised or lowered parts (H<sub>2</sub>O) reads back in pieces
    joined = "".join(have)
    return [
        f"{expected[index]!r} in: {' '.join(expected[max(0, index - 5) : index + 6])}"
        for index, word in enumerate(wanted)
        if word and index not in found and not (len(word) > 2 and word in joined)
    ]


def reference_words(markdown: str) -> tuple[list[str], list[list[str]]]:
    """The reference text's words: the body's, then each note's (set at page feet)."""
    root = _reference_tree(markdown)
    notes = [text_of(note).split() for note in root.xpath(".//li[@class='footnote-item']")]
    for section in root.xpath(".//section[@class='footnotes']"):
        remove_element(section)
    return text_of(root).split(), notes


@pytest.fixture(scope="module")
def pages(book: Book) -> list[Page]:
    return pdf_pages(book.pdf)


def check_words(markdown: str, slug: str, pdf: Path, pages: list[Page]) -> list[str]:
    """Every word of ``markdown`` on its review's pages, in order: what is missing."""
    span = review_pages(pdf)[f"r-{slug}"]
    printed = [word for number in span for word in pages[number].words]
    # notes that do not fit at the foot of a review's last page go on to the next page
    after = [word for word in pages[span.stop].words] if span.stop < len(pages) else []
    body, notes = reference_words(markdown)
    problems = [f"body: {m}" for m in missing_in_order(body, printed)]
    for number, note in enumerate(notes, 1):
        problems += [f"note {number}: {m}" for m in missing_in_order(note, printed + after)]
    return problems


@pytest.mark.parametrize("review", CORPUS, ids=[review.slug for review in CORPUS])
def test_every_word_on_the_pdf_pages(book: Book, pages: list[Page], review: object) -> None:
    assert hasattr(review, "slug")
    assert hasattr(review, "body")
    problems = check_words(review.body, review.slug, book.pdf, pages)
    assert not problems, f"{len(problems)} words missing from the PDF:\n" + "\n".join(problems[:40])


def test_no_word_outside_the_page_or_text_block(book: Book, pages: list[Page]) -> None:
    """Nothing off the page (read back with pdftotext), nothing past the text block.

    The text block differs between left and right pages and the running heads and
    folios stand outside it on purpose: the build's own check (B410, in the laid-out
    boxes of each page's body) is the one that knows it, so it must have said nothing.
    """
    spans = review_pages(book.pdf)
    outside = []
    for review in CORPUS:
        for number in spans[f"r-{review.slug}"]:
            page = pages[number]
            for word in page.boxes:
                x0, y0, x1, y1 = word.box
                if x0 < 0 or y0 < 0 or x1 > page.width or y1 > page.height:
                    outside.append(
                        f"{review.slug} p.{number + 1}: {word.text!r} off the page at {word.box}"
                    )
    outside += [warning for warning in book.warnings if warning.startswith("B410")]
    assert not outside, f"{len(outside)} words outside:\n" + "\n".join(outside[:40])


@pytest.mark.parametrize("name", EXTRAS)
def test_extras_in_both_editions(tmp_path: Path, name: str) -> None:
    """Documents that once stopped a whole build, each in a book of its own."""
    book = build_book(tmp_path, {"extra": review_file("Extra", EXTRAS[name])})
    problems = compare(
        name, _reference_tree(EXTRAS[name]), _edition_tree(epub_body(book, "extra"), "r-extra--")
    )
    pages = pdf_pages(book.pdf)
    problems += check_words(EXTRAS[name], "extra", book.pdf, pages)
    width = pages[0].width
    problems += [
        f"{w.text!r} beyond the page edge" for p in pages for w in p.boxes if w.box[2] > width
    ]
    assert not problems, "\n".join(problems)


# --- 3. hypothesis: generated Markdown ------------------------------------------------------

FAST = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    # no shrinking: it can take minutes, and the first failing example is readable
    phases=[Phase.explicit, Phase.generate],
)
SLOW = settings(FAST, max_examples=3)


def octavo_epub_fragment(markdown: str, folder: Path) -> etree._Element | None:
    """Octavo's EPUB fragment for a body, or None when Octavo refused it (with a code)."""
    report = Report(root=folder)
    context = MarkdownContext(make_parser("en"), Resolver.for_folders(folder), report)
    body = render_markdown(markdown, "r-h", folder / "h.md", 6, context)
    if report.has_errors():
        for problem in report.errors:
            assert problem.code, problem
            assert problem.path, problem
            assert problem.line, problem
        return None
    fragment = for_epub(Markup(body_html(body, lambda image: "", 1)))
    return etree.fromstring(
        f'<div xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f"{fragment}</div>"
    )


@FAST
@given(documents())
def test_generated_markdown_equals_markdown_it(markdown: str) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        fragment = octavo_epub_fragment(markdown, Path(temporary))
    if fragment is None:
        return
    problems = compare("generated", _reference_tree(markdown), _edition_tree(fragment, "r-h--"))
    assert not problems, markdown + "\n\n" + "\n\n".join(problems)


@SLOW
@given(documents())
def test_generated_markdown_every_word_in_the_pdf(markdown: str) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        try:
            book = build_book(
                Path(temporary), {"gen": review_file("Generated", markdown)}, ("pdf",)
            )
        except ContentError as error:
            for problem in error.report.errors:
                assert problem.code, problem
                assert problem.path, problem
                assert problem.line, problem
            return
        problems = check_words(markdown, "gen", book.pdf, pdf_pages(book.pdf))
    assert not problems, markdown + "\n\n" + "\n".join(problems[:40])


# --- 4. isolation: empty and unclosed elements leak into nothing -----------------------------

#: Where an element needs a parent to exist at all.
_CONTEXT = {
    "li": "<ul>{}</ul>",
    "dt": "<dl>{}</dl>",
    "dd": "<dl>{}</dl>",
    "caption": "<table>{}<tr><td>c</td></tr></table>",
    "thead": "<table>{}</table>",
    "tbody": "<table>{}</table>",
    "tfoot": "<table>{}</table>",
    "tr": "<table><tbody>{}</tbody></table>",
    "td": "<table><tbody><tr>{}</tr></tbody></table>",
    "th": "<table><tbody><tr>{}</tr></tbody></table>",
    "rt": "<ruby>base{}</ruby>",
    "rp": "<ruby>base{}</ruby>",
    "figcaption": "<figure>{}</figure>",
}
_VOID = {"br", "hr", "img"}
#: Markdown that markdown-it renders as empty elements.
MARKDOWN_EMPTIES = {
    "empty fence": "```\n```",
    "empty fence with info": "~~~ python\n~~~",
    "empty heading": "#",
    "empty link": "[](https://x.example)",
    "empty image description": f"![]({IMAGE})",
    "empty table cell": "| a | b |\n|---|:-:|\n|   |   |",
    "empty list item": "-",
    "empty ordered item": "1.",
    "empty quote": ">",
    "empty emphasis-like": "** **",
    "empty code span": "`` ``",
    "empty attribute span": "[]{.x}",
    "empty note": "A note[^e].\n\n[^e]:",
}


def raw_cases() -> dict[str, str]:
    """Every allowed element, empty and unclosed (img is refused, so left out)."""
    cases = {}
    for tag in sorted(_TAGS - {"img"}):
        if tag in _VOID:
            cases[f"<{tag}>"] = f"Before <{tag}> after."
            continue
        context = _CONTEXT.get(tag, "{}")
        empty = context.format(f"<{tag}></{tag}>")
        cases[f"<{tag}></{tag}>"] = f"Before {empty} after."
        cases[f'<{tag} class="x"></{tag}>'] = context.format(f'<{tag} class="x"></{tag}>')
        cases[f"unclosed <{tag}>"] = (
            f"Before {context.format(f'<{tag}>')} unclosed.\n\nNext paragraph."
        )
        cases[f"unclosed <{tag}> block"] = context.format(f"<{tag}>") + "\n\nA paragraph after it."
    return cases


ISOLATION_CASES = {**MARKDOWN_EMPTIES, **raw_cases()}


def _print_bodies(folder: Path) -> dict[str, tuple[list[str], bytes]]:
    """Each review's body in the print HTML as WeasyPrint's parser reads it.

    For each review: the ids of the articles whose elements enclose its
    ``<article>`` ("" for the page's own), and its body serialised. Parsed with
    tinyhtml5, the parser WeasyPrint uses.
    """
    loaded = load_anthology(folder)
    html = render_print(loaded.anthology, loaded.theme).html
    root = tinyhtml5.parse(html)
    ns = "{http://www.w3.org/1999/xhtml}"
    parents = {child: parent for parent in root.iter() for child in parent}

    def owner(node: ElementTree.Element) -> str:
        while node in parents:
            node = parents[node]
            if node.tag == f"{ns}article":
                return node.get("id", "")
        return ""

    bodies = {}
    for article in root.iter(f"{ns}article"):
        chain, node = [], article
        while node in parents:
            node = parents[node]
            chain.append(f"{_local(node)} in {owner(node) or 'the book'}")
        body = next(d for d in article.iter(f"{ns}div") if d.get("class") == "review-body")
        bodies[article.get("id", "")] = (chain, ElementTree.tostring(body))
    return bodies


def _isolation_reviews() -> Iterator[tuple[str, str]]:
    for number, (_name, markdown) in enumerate(ISOLATION_CASES.items()):
        yield f"e{number:03d}a", review_file(f"E{number:03d} a", markdown)
        yield f"e{number:03d}b", review_file(f"E{number:03d} b", PLAIN_BODY)


def test_isolation_in_the_print_html(tmp_path: Path) -> None:
    """Each empty or unclosed element, then a plain review: read as when alone."""
    alone = tmp_path / "alone"
    _write(
        alone, {"anthology.toml": MANIFEST, "reviews/e000b.md": review_file("Alone", PLAIN_BODY)}
    )
    ((_chain, expected),) = _print_bodies(alone).values()
    together = tmp_path / "together"
    files: dict[str, str | bytes] = {"anthology.toml": MANIFEST, f"reviews/{IMAGE}": png_bytes()}
    files.update({f"reviews/{slug}.md": text for slug, text in _isolation_reviews()})
    _write(together, files)
    bodies = _print_bodies(together)
    names = {f"r-e{number:03d}a": name for number, name in enumerate(ISOLATION_CASES)}
    leaks: dict[str, str] = {}
    for number in range(len(ISOLATION_CASES)):
        got_chain, got = bodies[f"r-e{number:03d}b"]
        # An element left open by a review encloses the reviews after it: blame its owner.
        for link in got_chain:
            tag, _, owner = link.partition(" in ")
            if owner in names:
                leaks.setdefault(names[owner], f"<{tag}> left open around the reviews after it")
        if got != expected:
            leaks.setdefault(f"before review e{number:03d}b", "the plain review's body changed")
    assert not leaks, f"{len(leaks)} elements leak into the next review:\n" + "\n".join(
        f"{name!r}: {what}" for name, what in leaks.items()
    )


def _glyphs(pdf: Path, span: range) -> list[tuple[str, str, float, int, int]]:
    """Each character of the pages: text, font (no subset tag), size, x, y.

    Digits are left out (the folios differ); x is taken from the page's leftmost
    character, so that left and right pages compare.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(str(pdf))
    out: list[tuple[str, str, float, int, int]] = []
    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    for number in span:
        text_page = document[number].get_textpage()
        page: list[tuple[str, str, float, float, float]] = []
        for index in range(text_page.count_chars()):
            char = chr(raw.FPDFText_GetUnicode(text_page.raw, index))
            if char.isspace() or char.isdigit():
                continue
            raw.FPDFText_GetFontInfo(text_page.raw, index, buffer, 256, ctypes.byref(flags))
            left, right, bottom, top = (ctypes.c_double() for _ in range(4))
            raw.FPDFText_GetCharBox(text_page.raw, index, left, right, bottom, top)
            font = buffer.value.decode().partition("+")[2] or buffer.value.decode()
            page.append(
                (
                    char,
                    font,
                    round(raw.FPDFText_GetFontSize(text_page.raw, index), 1),
                    left.value,
                    bottom.value,
                )
            )
        origin = min((g[3] for g in page), default=0.0)
        out += [(c, f, s, round(x - origin), round(y)) for c, f, s, x, y in page]
    document.close()
    return out


def _epub_review(book: Book, slug: str) -> bytes:
    (name,) = [n for n in book.epub if n.endswith(f"/r-{slug}.xhtml")]
    return re.sub(rb"<span[^>]*doc-pagebreak[^>]*/>", b"", book.epub[name])


def test_isolation_in_the_pdf_and_epub(tmp_path: Path) -> None:
    """All the empty and unclosed elements before a plain review: it looks as when alone."""
    alone = build_book(tmp_path / "alone", {"plain": review_file("Zz Plain", PLAIN_BODY)})
    empties = "\n\n".join(
        markdown for name, markdown in ISOLATION_CASES.items() if not name.startswith("unclosed")
    )
    # Each unclosed element in a review of its own: an unclosed <pre> swallows the rest.
    reviews = {"a-empties": review_file("A empties", empties)}
    unclosed = [(n, m) for n, m in ISOLATION_CASES.items() if n.startswith("unclosed")]
    reviews.update(
        {
            f"b{index:03d}": review_file(f"B{index:03d}", markdown)
            for index, (_, markdown) in enumerate(unclosed)
        }
    )
    reviews["plain"] = review_file("Zz Plain", PLAIN_BODY)
    together = build_book(tmp_path / "together", reviews)
    expected = _glyphs(alone.pdf, review_pages(alone.pdf)["r-plain"])
    got = _glyphs(together.pdf, review_pages(together.pdf)["r-plain"])
    if got != expected:
        diff = difflib.unified_diff(
            [repr(g) for g in expected],
            [repr(g) for g in got],
            "alone",
            "after empties",
            lineterm="",
            n=1,
        )
        pytest.fail("the plain review's PDF pages changed:\n" + "\n".join(list(diff)[:40]))
    assert _epub_review(together, "plain") == _epub_review(alone, "plain")
