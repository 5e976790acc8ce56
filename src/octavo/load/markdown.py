"""Render the Markdown of a review (or a foreword) to a safe XHTML fragment.

CommonMark with footnotes, tables, definition lists, attributes and typographic
quotes and dashes in the book's language. Raw HTML is allowed in the source but
goes through an allow-list sanitiser (nh3): no scripts, no event handlers, no
frames, no styles, no remote images. Every image is resolved by the
:class:`~octavo.resources.Resolver` and replaced by an ``asset:`` reference; every
id is prefixed with the document's id, so a hundred reviews in one print HTML
never collide.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..diagnostics import Report
from ..errors import Refused
from ..html_fragment import parse_html_fragment, serialise_children
from ..limits import MAX_NESTING
from ..localisation import quotation_marks
from ..model import Body, Image
from ..resources import Resolver
from ..up_to_date import ReadFiles
from .body_cache import BodyCache
from .html_policy import inline_within_phrasing, sanitise
from .markdown_checks import (
    check_anchors,
    check_footnotes,
    check_image_sources,
    check_links,
    check_nesting,
    check_tables,
    parse,
)
from .raw_html_checks import check_html_depth, check_raw_html, check_unclosed_html
from .script_typography import east_asian_breaks, hebrew_marks
from .table_columns import align_columns
from .unicode_text import normalise_prose

_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]")


def make_parser(language: str) -> MarkdownIt:
    """The Markdown parser for one book language."""
    parser = (
        MarkdownIt("commonmark", {"typographer": True, "html": True})
        .enable(["smartquotes", "table", "strikethrough"])
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(attrs_block_plugin)
        .use(attrs_plugin, spans=True)
    )
    # markdown-it's own "replacements" also turn (c) into © and ",," into ",", which
    # loses what the author wrote: Octavo replaces only dashes and ellipses.
    parser.core.ruler.before("smartquotes", "autolinks", _keep_autolinks)
    parser.core.ruler.before("smartquotes", "dashes", _dashes)
    parser.core.ruler.before("smartquotes", "east_asian_breaks", east_asian_breaks)
    parser.core.ruler.before("smartquotes", "hebrew_marks", hebrew_marks)
    parser.add_render_rule("autolink_text", _render_autolink_text)
    # The language's quotation marks, from CLDR ("de-CH" and "pt-PT" have their own);
    # an apostrophe is always ’.
    parser.options["quotes"] = list(quotation_marks(language))
    # markdown-it counts two levels per list (the list and its item): leave room, so
    # that check_nesting sees (and refuses) anything deeper than MAX_NESTING before
    # markdown-it would silently drop it.
    parser.options["maxNesting"] = 2 * MAX_NESTING + 20
    # Every link becomes a token, so that _check_links can refuse the bad ones with
    # their line, instead of markdown-it leaving them as text without a word.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


_EM_DASH = re.compile(r"(^|[^-])---(?=[^-]|$)", re.MULTILINE)
_EN_DASH = re.compile(r"(^|[^-])--(?=[^-]|$)", re.MULTILINE)
_ELLIPSIS = re.compile(r"(?<!\.)\.\.\.(?!\.)")


def _keep_autolinks(state: StateCore) -> None:
    """An autolink's text is its address, as written: no curly quotes or dashes.

    Its text becomes a token of its own type, which the typographer's rules pass by.
    """
    for token in state.tokens:
        inside = False
        for child in token.children or []:
            if child.type == "link_open" and child.markup == "autolink":
                inside = True
            elif child.type == "link_close":
                inside = False
            elif inside and child.type == "text":
                child.type = "autolink_text"


def _render_autolink_text(
    renderer: Any, tokens: list[Token], index: int, options: Any, env: Any
) -> str:
    return escapeHtml(tokens[index].content)


def _dashes(state: StateCore) -> None:
    """``---`` to an em dash, ``--`` to an en dash, ``...`` to an ellipsis."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        for child in token.children:
            if child.type == "text" and ("--" in child.content or "..." in child.content):
                text = _EM_DASH.sub("\\1\u2014", child.content)
                text = _EN_DASH.sub("\\1\u2013", text)
                child.content = _ELLIPSIS.sub("\u2026", text)


@dataclass
class MarkdownContext:
    """What rendering a Markdown file needs to know besides its text."""

    parser: MarkdownIt
    resolver: Resolver
    report: Report
    #: the bodies an earlier build rendered (:mod:`.body_cache`), or None
    bodies: BodyCache | None = None
    #: where the review files read are noted, for the build's digest (a first build's:
    #: :mod:`octavo.up_to_date`), or None
    read: ReadFiles | None = None


_MARKDOWN_PUNCTUATION = re.compile(r"""([!#$%&()*+,/:;<=>?@\[\\\]^_`{|}~])""")


def typographic(text: str, parser: MarkdownIt) -> str:
    """Curly quotes and dashes for a line of metadata, in the book's language.

    Metadata is plain text, not Markdown: every Markdown punctuation mark is escaped
    first, so that only the typographer's quotes and dashes change anything.
    """
    if not any(mark in text for mark in "'\"-."):
        return text
    tokens = parser.parseInline(_MARKDOWN_PUNCTUATION.sub(r"\\\1", text), {})
    return "".join(
        child.content
        for token in tokens
        for child in token.children or []
        if child.type in ("text", "text_special", "softbreak")
    )


def render_markdown(
    text: str, doc_id: str, path: Path, first_line: int, context: MarkdownContext
) -> Body:
    """Render ``text`` (the body of ``path``, starting on ``first_line``) to a Body, or
    take it from the bodies an earlier build rendered (``context.bodies``)."""
    bodies = context.bodies
    if bodies is None:
        return _rendered(text, doc_id, path, first_line, context)
    key = bodies.key(text, doc_id, list(context.parser.options["quotes"]))
    body = bodies.get(key)
    if body is None:
        before = len(context.report.diagnostics)
        body = _rendered(text, doc_id, path, first_line, context)
        if len(context.report.diagnostics) == before:  # nothing to report again
            bodies.put(key, body)
    return body


def _rendered(
    text: str, doc_id: str, path: Path, first_line: int, context: MarkdownContext
) -> Body:
    parsed = parse(context.parser, text)
    tokens = parsed.tokens
    check_footnotes(parsed, path, first_line, context.report)
    check_tables(parsed, path, first_line, context.report)
    check_unclosed_html(parsed, path, first_line, context.report)
    if not check_nesting(tokens, path, first_line, context.report):
        return Body(html="", words=0)
    check_links(parsed, path, first_line, context.report)
    check_raw_html(parsed, path, first_line, context.report)
    check_image_sources(parsed, path, first_line, context.report)
    images = _resolve_images(tokens, path, first_line, context)
    align_columns(tokens)
    raw_html = context.parser.renderer.render(tokens, context.parser.options, {})
    clean = sanitise(raw_html)
    check_anchors(parsed, clean, path, first_line, context.report)
    if not check_html_depth(clean, path, first_line, context.report):
        return Body(html="", words=0)
    fragment, words = _finish(clean, doc_id, images)
    return Body(html=fragment, words=words, images=images)


def _resolve_images(
    tokens: list[Token], path: Path, first_line: int, context: MarkdownContext
) -> dict[str, Image]:
    """Check every Markdown image and point it at an ``asset:`` key."""
    images: dict[str, Image] = {}
    line = first_line
    for token in tokens:
        if token.map:
            line = token.map[0] + first_line
        for child in token.children or []:
            if child.type != "image":
                continue
            source = str(child.attrs.get("src", ""))
            alt = child.content or ""
            if not alt.strip():
                context.report.warning(
                    "R208",
                    f"the image {source} has no description: readers who cannot see it get nothing",
                    path,
                    line,
                    hint=f"describe it between the brackets: ![What it shows]({source})",
                )
            try:
                image = context.resolver.image(source, path.parent, alt)
            except Refused as refused:
                context.report.error(
                    refused.code or "R207", refused.message, path, line, refused.hint
                )
                child.attrs["src"] = "asset:"  # already reported
                continue
            key = _image_key(image.path, images)
            images[key] = image
            child.attrs["src"] = f"asset:{key}"
    return images


def _image_key(path: Path, images: dict[str, Image]) -> str:
    for key, image in images.items():
        if image.path == path:
            return key
    return f"{len(images) + 1}{path.suffix.lower()}"


def _finish(clean_html: str, doc_id: str, images: dict[str, Image]) -> tuple[str, int]:
    """Prefix ids, tidy footnote marks, check leftover images, put prose in NFC.

    The fragment is written as markup that HTML and XHTML parsers read alike
    (:mod:`octavo.html_fragment`): an empty element keeps its end tag.
    """
    if not clean_html.strip():
        return "", 0
    wrapper = parse_html_fragment(clean_html)
    prefix = _SAFE_ID.sub("-", doc_id) + "--"
    marked: list[Any] = _MARKED(wrapper)  # type: ignore[assignment]
    for element in marked:
        if "id" in element.attrib:
            element.set("id", prefix + _SAFE_ID.sub("-", element.get("id", "")))
        href = element.get("href")
        if element.tag == "a" and href and href.startswith("#"):
            # markdown-it percent-encodes the link; the id is as written
            element.set("href", "#" + prefix + _SAFE_ID.sub("-", unquote(href[1:])))
        if element.tag == "img":
            _check_raw_image(element, images)
    for mark in wrapper.iterfind(".//sup[@class='footnote-ref']/a"):
        # markdown-it calls a note's second call "1:1": the reader sees the note's number
        mark.text = (mark.text or "").strip("[]").split(":")[0]
    for back in wrapper.iterfind(".//a[@class='footnote-backref']"):
        back.text = "↩"
        back.set("title", "Back to the text")
    inline_within_phrasing(wrapper)
    text = wrapper.text_content()
    if not unicodedata.is_normalized("NFC", text):
        # a text of the fragment is not (a text all in NFC has each of its texts so)
        _normalise_prose(wrapper)  # NFC leaves white space white space: the same words
    return serialise_children(wrapper), len(text.split())


#: The elements :func:`_finish` changes, in the document's order (found by XPath:
#: going through every element in Python was a quarter of its time).
_MARKED = etree.XPath(
    "descendant-or-self::*[@id] | descendant-or-self::a[starts-with(@href, '#')]"
    " | descendant-or-self::img"
)

#: Elements whose text is code: copied exactly, never normalised.
CODE_ELEMENTS = frozenset({"code", "pre", "kbd", "samp"})


def _normalise_prose(wrapper: etree._Element) -> None:
    """NFC for the text outside code (see :mod:`.unicode_text`)."""

    def walk(element: etree._Element, in_code: bool) -> None:
        code = in_code or element.tag in CODE_ELEMENTS
        if element.text and not code:
            element.text = normalise_prose(element.text)
        for child in element:
            if isinstance(child.tag, str):
                walk(child, code)
            if child.tail and not in_code:
                child.tail = normalise_prose(child.tail)

    walk(wrapper, False)


def _check_raw_image(element: Any, images: dict[str, Image]) -> None:
    """Only images the Markdown resolved may stay; check_raw_html reported the rest."""
    source = element.get("src", "")
    if not (source.startswith("asset:") and source[6:] in images):
        element.set("src", "")
