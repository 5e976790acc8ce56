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

import nh3
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

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "var", "bdi", "bdo", "ruby", "rt", "rp", "time",
}  # fmt: skip
_GLOBAL_ATTRIBUTES = {"id", "class", "lang", "dir", "title"}
_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
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
    # that _check_nesting sees (and refuses) anything deeper than MAX_NESTING before
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
    _check_footnotes(text, env, path, first_line, context.report)
    _check_tables(tokens, text, path, first_line, context.report)
    if not _check_nesting(tokens, path, first_line, context.report):
        return Body(html="", words=0)
    _check_links(tokens, path, first_line, context.report)
    _check_raw_html(tokens, path, first_line, context.report)
    images = _resolve_images(tokens, path, first_line, context)
    _shift_headings(tokens, context.heading_shift)
    raw_html = context.parser.renderer.render(tokens, context.parser.options, {})
    clean = sanitise(raw_html)
    if not _check_html_depth(clean, path, first_line, context.report):
        return Body(html="", words=0)
    fragment, words = _finish(clean, doc_id, images)
    return Body(html=fragment, words=words, images=images)


_FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)


def _check_footnotes(
    text: str, env: dict[str, Any], path: Path, first_line: int, report: Report
) -> None:
    """Footnote text that markdown-it would drop without a word is an error."""
    refs: dict[str, int] = env.get("footnotes", {}).get("refs", {})
    seen: set[str] = set()
    for match in _FOOTNOTE_DEFINITION.finditer(text):
        label = match.group(1)
        line = first_line + text.count("\n", 0, match.start())
        if f":{label}" not in refs:
            continue  # not a definition after all (in a code block, say)
        if label in seen:
            report.error(
                "R221",
                f"the footnote [^{label}] is defined twice; the second text would be lost",
                path,
                line,
                hint="give each footnote its own label",
            )
        elif refs[f":{label}"] == -1:
            report.error(
                "R221",
                f"the footnote [^{label}] is never referenced, so its text would be lost",
                path,
                line,
                hint=f"add [^{label}] in the text where the note belongs, or delete the note",
            )
        seen.add(label)


_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


def _cells(line: str) -> int:
    """Cells in a table row, counted as markdown-it counts them (code spans too)."""
    row = line.strip()
    row = row.removeprefix("|")
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return len(_CELL_SEPARATOR.split(row))


def _check_tables(
    tokens: list[Token], text: str, path: Path, first_line: int, report: Report
) -> None:
    """A table row with more cells than its header would lose them without a word."""
    lines = text.split("\n")
    for token in tokens:
        if token.type != "table_open" or not token.map:
            continue
        start, end = token.map
        header = _cells(lines[start])
        for number in range(start + 2, min(end, len(lines))):
            cells = _cells(lines[number])
            if cells > header:
                report.error(
                    "R222",
                    f"this table row has {cells} cells but the header has {header}:"
                    " the extra cells would be lost",
                    path,
                    number + first_line,
                    hint="add columns to the header, or merge the extra cells",
                )


def sanitise(html: str) -> str:
    """The allow-list sanitiser every rendered body goes through (nh3).

    It runs after the checks that refuse dangerous raw HTML with an error, as a
    second line of defence: whatever those checks miss cannot reach a book.
    """
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes={"*": _GLOBAL_ATTRIBUTES, **_ATTRIBUTES},
        url_schemes={"http", "https", "mailto", "asset"},
        link_rel=None,
        strip_comments=True,
    )


_CONTAINERS = ("blockquote", "bullet_list", "ordered_list", "dl", "footnote_block")


def _check_nesting(tokens: list[Token], path: Path, first_line: int, report: Report) -> bool:
    """Refuse lists and quotes nested deeper than MAX_NESTING (each counts once)."""
    depth = 0
    line = first_line
    for token in tokens:
        if token.map:
            line = token.map[0] + first_line
        kind = token.type.rpartition("_")[0]
        if kind in _CONTAINERS:
            depth += 1 if token.nesting == 1 else -1
        if depth > MAX_NESTING or token.level >= 2 * MAX_NESTING + 18:
            report.error(
                "R211",
                f"the text is nested more than {MAX_NESTING} levels deep"
                " (lists or quotes inside each other)",
                path,
                line,
                hint="flatten the nesting; a printed page cannot show it anyway",
            )
            return False
    return True


#: Raw HTML elements that are refused with an error: they run code, fetch or embed
#: other documents, or restyle the page. (Other unknown tags lose their markup but
#: keep their text.)
REFUSED_ELEMENTS = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
    "form", "input", "button", "select", "textarea", "link", "meta", "base", "svg",
    "math", "template", "noscript", "audio", "video", "source", "track", "canvas",
    "portal", "dialog", "img", "picture", "image",
})  # fmt: skip
#: Attributes that hold a URL.
_URL_ATTRIBUTES = frozenset({
    "href", "src", "srcset", "poster", "background", "action", "formaction", "xlink:href",
    "data", "cite", "longdesc", "lowsrc", "dynsrc", "usemap", "manifest", "ping",
    "codebase", "archive", "profile",
})  # fmt: skip
_TAG = re.compile(r"<\s*([A-Za-z][A-Za-z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(r"""([^\s=/"'>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_LINK_SCHEMES = ("http:", "https:", "mailto:")


def link_problem(url: str) -> str | None:
    """Why a link may not be followed from a book, or None when it may."""
    target = url.strip()
    if target.startswith("#") or target.lower().startswith(_LINK_SCHEMES):
        return None
    if match := re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", target):
        return f"'{match.group(1).lower()}:' links are refused ({target[:60]})"
    return (
        f"the link '{target[:60]}' points at a file: a book can only link to web"
        " addresses and to #anchors"
    )


def _check_link(url: str, path: Path, line: int, report: Report) -> None:
    if problem := link_problem(url):
        report.error(
            "R215", problem, path, line, hint="link to a web address (https://...) or an #anchor"
        )


def _check_links(tokens: list[Token], path: Path, first_line: int, report: Report) -> None:
    for token in tokens:
        line = token.map[0] + first_line if token.map else first_line
        for child in token.children or []:
            if child.type == "link_open":
                _check_link(str(child.attrs.get("href", "")), path, line, report)


def _check_raw_html(tokens: list[Token], path: Path, first_line: int, report: Report) -> None:
    """Refuse raw HTML that would run code, fetch something or restyle the page."""
    for token in tokens:
        line = token.map[0] + first_line if token.map else first_line
        pieces = [token] if token.type == "html_block" else []
        pieces += [child for child in token.children or [] if child.type == "html_inline"]
        for piece in pieces:
            for match in _TAG.finditer(piece.content):
                where = line + piece.content.count("\n", 0, match.start())
                _check_tag(match.group(1).lower(), match.group(2), path, where, report)


def _check_tag(name: str, attributes: str, path: Path, line: int, report: Report) -> None:
    hint = "remove it; reviews hold text, and the theme does the styling"
    if name in ("img", "picture", "image"):
        report.error(
            "R216",
            f"raw HTML <{name}> is refused: write images in Markdown, as"
            " ![description](images/file.png)",
            path,
            line,
            hint="Markdown images are checked and packed into the book; raw ones are not",
        )
        return
    if name in REFUSED_ELEMENTS:
        report.error("R216", f"raw HTML <{name}> is refused", path, line, hint)
        return
    for attribute in _ATTRIBUTE.finditer(attributes):
        key = attribute.group(1).lower()
        value = (attribute.group(2) or "").strip("\"'")
        if key.startswith("on"):
            report.error(
                "R216", f"the event handler {key}= on <{name}> is refused", path, line, hint
            )
        elif key == "style":
            report.error("R216", f"the style= attribute on <{name}> is refused", path, line, hint)
        elif key in _URL_ATTRIBUTES:
            _check_link(value, path, line, report)


_VOID_ELEMENTS = frozenset({"br", "hr", "img", "wbr", "col", "area", "input", "meta", "link"})
#: Elements inside each other, raw HTML included; XML parsers stop at 256.
MAX_ELEMENT_DEPTH = 4 * MAX_NESTING


def _check_html_depth(html: str, path: Path, first_line: int, report: Report) -> bool:
    """Refuse raw HTML nested deeper than any page can show (R211 counts Markdown only)."""
    depth = deepest = 0
    for match in re.finditer(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>", html):
        if match.group(2).lower() in _VOID_ELEMENTS or match.group(3):
            continue
        depth += -1 if match.group(1) else 1
        deepest = max(deepest, depth)
    if deepest <= MAX_ELEMENT_DEPTH:
        return True
    report.error(
        "R211",
        f"the text's HTML elements are nested more than {MAX_ELEMENT_DEPTH} deep",
        path,
        first_line,
        hint="remove the raw HTML tags wrapped around each other",
    )
    return False


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
