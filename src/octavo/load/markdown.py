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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..diagnostics import Report
from ..errors import Refused
from ..limits import MAX_NESTING
from ..model import Body, Image
from ..resources import Resolver
from .html_policy import sanitise
from .markdown_checks import (
    check_footnotes,
    check_html_depth,
    check_links,
    check_nesting,
    check_raw_html,
    check_tables,
)

#: Quotation marks per language: primary open/close, secondary open/close.
QUOTES = {
    "en": "“”‘’",
    "de": "„“‚‘",
    "fr": ["«\u202f", "\u202f»", "“", "”"],
    "es": "«»“”",
    "it": "«»“”",
    "pt": "«»“”",
    "nl": "“”‘’",
    "sv": "””’’",
    "da": "»«›‹",
    "pl": "„”‚’",
    "cs": "„“‚‘",
    "ru": "«»„“",
}

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
    parser.core.ruler.before("smartquotes", "dashes", _dashes)
    parser.options["quotes"] = QUOTES.get(language.split("-")[0].lower(), QUOTES["en"])
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
    #: heading levels in the source are shifted by this much (a review's "#" is an h3)
    heading_shift: int = 2


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
    """Render ``text`` (the body of ``path``, starting on ``first_line``) to a Body."""
    env: dict[str, Any] = {}
    tokens = context.parser.parse(text, env)
    check_footnotes(text, env, path, first_line, context.report)
    check_tables(tokens, text, path, first_line, context.report)
    if not check_nesting(tokens, path, first_line, context.report):
        return Body(html="", words=0)
    check_links(tokens, path, first_line, context.report)
    check_raw_html(tokens, path, first_line, context.report)
    images = _resolve_images(tokens, path, first_line, context)
    _shift_headings(tokens, context.heading_shift)
    raw_html = context.parser.renderer.render(tokens, context.parser.options, {})
    clean = sanitise(raw_html)
    if not check_html_depth(clean, path, first_line, context.report):
        return Body(html="", words=0)
    fragment, words = _finish(clean, doc_id, images)
    return Body(html=fragment, words=words, images=images)


def _shift_headings(tokens: list[Token], shift: int) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + shift, 6)
            token.tag = f"h{level}"


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
    """Prefix ids, tidy footnote marks, check leftover images; serialise as XHTML."""
    if not clean_html.strip():
        return "", 0
    wrapper = lxml_html.fragment_fromstring(clean_html, create_parent="div")
    prefix = _SAFE_ID.sub("-", doc_id) + "--"
    for element in wrapper.iter():
        if not isinstance(element.tag, str):
            continue
        if "id" in element.attrib:
            element.set("id", prefix + _SAFE_ID.sub("-", element.get("id", "")))
        href = element.get("href")
        if element.tag == "a" and href and href.startswith("#"):
            element.set("href", "#" + prefix + _SAFE_ID.sub("-", href[1:]))
        if element.tag == "img":
            _check_raw_image(element, images)
    for mark in wrapper.iterfind(".//sup[@class='footnote-ref']/a"):
        mark.text = (mark.text or "").strip("[]")
    for back in wrapper.iterfind(".//a[@class='footnote-backref']"):
        back.text = "↩"
        back.set("title", "Back to the text")
    words = len(wrapper.text_content().split())
    parts = [wrapper.text or ""] if wrapper.text else []
    parts.extend(etree.tostring(child, encoding="unicode", method="xml") for child in wrapper)
    return "".join(parts), words


def _check_raw_image(element: Any, images: dict[str, Image]) -> None:
    """Only images the Markdown resolved may stay; _check_raw_html reported the rest."""
    source = element.get("src", "")
    if not (source.startswith("asset:") and source[6:] in images):
        element.set("src", "")
