"""HTML from an export, as clean Markdown that Octavo's loader accepts as it is.

Every importer converts its HTML here, in four steps:

1. **Code kept as written.** ``<pre>`` blocks, WP-Syntax's ``<pre lang="xml">`` (whose
   code is stored raw, tags and all) and the ``[code]``/``[sourcecode]`` shortcodes are
   taken out first, so that nothing below touches their text (see :func:`_take_code`).
2. **Line ends** (with ``line_breaks``): read as WordPress's autop reads them: a
   blank line ends a paragraph, a single line end in text is a line break, and a line
   end next to a block tag (``</p>``, ``<ul>``, ``<li>``) or a ``<br>``, or inside a
   tag, means nothing.
3. **Repeated tags as closes** (:func:`repair_repeated_tags`): exports often "close"
   a tag by writing it again, ``<i>Title<i>``; the second is read as the close.
4. **A real HTML5 parse** (tinyhtml5, the parser WeasyPrint uses), which repairs
   unclosed and misnested tags the way a browser does; then the tree is written out as
   Markdown by :mod:`.markdown_writer`, which drops what a review may not hold and
   escapes only what Markdown would read as markup.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from tinyhtml5.parser import HTMLParser  # type: ignore[import-untyped]

from .markdown_writer import BLOCK_TAGS, Code, MarkdownWriter

__all__ = ["Converted", "html_to_markdown", "repair_repeated_tags"]


@dataclass(frozen=True)
class Converted:
    """Markdown text, how many images had to be dropped, and whether it has spoilers."""

    text: str
    images_dropped: int = 0
    #: Spoiler markup was found (``<spoiler>``, a ``spoiler`` class, ``[spoiler]``)
    #: and written as ``[text]{.spoiler}`` or ``{.spoiler}`` blocks.
    spoilers: bool = False


#: A tag or a comment, with attributes over several lines and quoted ``>``.
_TAG = re.compile(
    r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.DOTALL
)
_ATTRIBUTE = re.compile(r"""([^\s=/"'>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_PRE = re.compile(
    r"<pre\b(?![^>]*data-octavo-code)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(.*?)</pre\s*>", re.I | re.S
)
_CODE_SHORTCODE = re.compile(r"\[(code|sourcecode)\b([^\]]*)\](.*?)\[/\1\]", re.I | re.S)
_SPOILER_SHORTCODE = re.compile(r"\[(/?)spoiler\b[^\]]*\]", re.I)
_LANGUAGE = re.compile(r"(?:^|\s)(?:language-|lang-|brush:\s*)([A-Za-z0-9_+#.-]+)", re.I)
_PLACEHOLDER = '<pre data-octavo-code="{}"></pre>'

#: Inline formatting tags that exports "close" by writing them again.
_REPEATABLE = frozenset({
    "i", "em", "b", "strong", "u", "s", "strike", "del", "ins", "mark", "small", "big",
    "tt", "cite", "q", "sub", "sup",
})  # fmt: skip


def _attributes(text: str) -> dict[str, str]:
    found = {}
    for match in _ATTRIBUTE.finditer(text):
        value = match.group(2) or ""
        found[match.group(1).lower()] = html.unescape(value.strip("\"'"))
    return found


def _language(attributes: dict[str, str]) -> str:
    for key in ("lang", "language", "data-lang", "data-language"):
        if attributes.get(key):
            return attributes[key]
    match = _LANGUAGE.search(attributes.get("class", ""))
    return match.group(1) if match else ""


#: Tags the visual editor puts into code it stores: such code is HTML, not raw.
_EDITOR_TAGS = frozenset({"br", "p", "code", "span", "b", "strong", "i", "em", "a", "font"})


def _html_code(text: str) -> str:
    """The text of code written as HTML; a ``<br />`` with its line end is one line end
    (WordPress's autop adds the ``<br />``, and drops it again inside ``<pre>``)."""
    text = re.sub(r"<br\s*/?>[ \t]*\n?", "\n", text, flags=re.I)
    text = re.sub(r"</p>\s*<p\b[^>]*>", "\n\n", text, flags=re.I)
    fragment = HTMLParser(False).parse_fragment(text, container="pre")
    return "".join(_code_text(fragment))


def _raw_code(text: str, attributes: dict[str, str]) -> str:
    """WP-Syntax and shortcode code: stored raw, or as HTML by the visual editor.

    Code with tags other than the editor's (``<br />``, ``<p>``, ``<code>``...) is raw,
    as the plugins read it, unless ``escaped="true"`` says it is HTML. Code with only
    the editor's tags, or none, is read as HTML: its entities (``&lt;``) decoded.
    """
    names = {name.lower() for name in re.findall(r"</?([A-Za-z][A-Za-z0-9:-]*)", text)}
    if attributes.get("escaped", "").lower() == "true" or names <= _EDITOR_TAGS:
        return _html_code(text)
    return text


def _take_code(text: str, codes: list[Code]) -> str:
    """Replace every code block by a placeholder ``<pre>``; its code goes to ``codes``."""

    def pre(match: re.Match[str]) -> str:
        attributes = _attributes(match.group(1))
        inner = match.group(2)
        if attributes.get("lang"):  # WP-Syntax: <pre lang="xml" line="1">raw code</pre>
            code = _raw_code(inner, attributes)
            language = attributes["lang"]
        else:
            inner_code = re.match(r"\s*<code\b([^>]*)>", inner, re.I)
            language = _language(attributes)
            if not language and inner_code:
                language = _language(_attributes(inner_code.group(1)))
            code = _html_code(inner)
        codes.append(Code(code, language))
        return _PLACEHOLDER.format(len(codes) - 1)

    def shortcode(match: re.Match[str]) -> str:
        attributes = _attributes(match.group(2))
        code = _raw_code(match.group(3), attributes).strip("\n")
        codes.append(Code(code, _language(attributes)))
        return _PLACEHOLDER.format(len(codes) - 1)

    return _PRE.sub(pre, _CODE_SHORTCODE.sub(shortcode, text))


def _code_text(element: Element) -> list[str]:
    """The text of a parsed ``<pre>``, with ``<br>`` as a line end."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "br":
            parts.append("\n")
        elif isinstance(child.tag, str):
            parts.extend(_code_text(child))
        parts.append(child.tail or "")
    return parts


def _is_block_tag(piece: str) -> bool:
    match = _TAG.fullmatch(piece)
    return bool(match and match.group(2) and match.group(2).lower() in BLOCK_TAGS | {"br"})


def _breaks(chunk: str) -> str:
    """Line ends in the text of one paragraph to ``<br>``, except next to a block tag."""
    pieces: list[str] = []
    last = 0
    for match in _TAG.finditer(chunk):
        pieces += [chunk[last : match.start()], match.group(0)]
        last = match.end()
    pieces.append(chunk[last:])
    out = []
    for index in range(0, len(pieces), 2):  # text pieces; tags are left as they are
        text = pieces[index]

        def line_end(match: re.Match[str], text: str = text, index: int = index) -> str:
            before = text[: match.start()].strip()
            after = text[match.end() :].strip()
            if not before and (index == 0 or _is_block_tag(pieces[index - 1])):
                return "\n"
            if not after and (index == len(pieces) - 1 or _is_block_tag(pieces[index + 1])):
                return "\n"
            return "<br>\n"

        out.append(re.sub(r"[ \t]*\n[ \t]*", line_end, text))
        if index + 1 < len(pieces):
            out.append(pieces[index + 1])
    return "".join(out)


def _autop(text: str) -> str:
    """Blank lines to paragraphs and single line ends to breaks, as WordPress does."""
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        block = block.strip()
        if not block:
            continue
        tag = _TAG.match(block)
        opens_block = tag is not None and (tag.group(2) or "").lower() in BLOCK_TAGS
        block = _breaks(block)
        paragraphs.append(block if opens_block else f"<p>{block}</p>")
    return "\n\n".join(paragraphs)


def repair_repeated_tags(text: str) -> str:
    """Read a formatting tag opened again while open (``<i>X<i>``) as its close.

    The rule: an inline formatting tag (``i``, ``b``, ``em``, ``strong``...) opened
    while the same tag is open, with text written since it was opened, is a close
    when the closes that follow in its block (up to the next block tag) are too few
    to close both. ``<i>a <i>b</i> c</i>`` stays nested; ``<i>a<i> b`` and
    ``<i>a<i> and <i>b</i>`` become ``<i>a</i>``. ``<blockquote>`` is read the
    same way over the whole text.
    """
    pieces: list[str] = []
    last = 0
    for match in _TAG.finditer(text):
        pieces += [text[last : match.start()], match.group(0)]
        last = match.end()
    pieces.append(text[last:])
    tags = [_TAG.fullmatch(piece) if index % 2 else None for index, piece in enumerate(pieces)]

    def name(index: int) -> str:
        match = tags[index]
        return (match.group(2) or "").lower() if match else ""

    def closes(index: int) -> bool:
        match = tags[index]
        return bool(match and match.group(1))

    # Blocks: the runs of pieces between block tags; the blockquote rule spans all.
    bounds = [0]
    bounds += [i for i in range(1, len(pieces), 2) if name(i) in BLOCK_TAGS]
    bounds.append(len(pieces))
    spans = [(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1)]
    for names, ranges in ((_REPEATABLE, spans), ({"blockquote"}, [(0, len(pieces))])):
        for start, end in ranges:
            depth: dict[str, int] = {}
            text_since: dict[str, bool] = {}
            closes_left = Counter(name(i) for i in range(start | 1, end, 2) if closes(i))
            for index in range(start, end):
                if index % 2 == 0:
                    if pieces[index].strip():
                        text_since = dict.fromkeys(text_since, True)
                    continue
                tag = name(index)
                if tag not in names:
                    continue
                if closes(index):
                    depth[tag] = max(0, depth.get(tag, 0) - 1)
                    closes_left[tag] -= 1
                    continue
                open_now = depth.get(tag, 0)
                if open_now and text_since.get(tag) and closes_left[tag] < open_now + 1:
                    pieces[index] = f"</{tag}>"
                    depth[tag] = open_now - 1
                else:
                    depth[tag] = open_now + 1
                    text_since[tag] = False
    return "".join(pieces)


def html_to_markdown(html_text: str, *, line_breaks: bool = False) -> Converted:
    """Convert ``html_text`` to Markdown; with ``line_breaks``, its line ends are kept."""
    text = html_text.replace("\r\n", "\n").replace("\r", "\n")
    spoilers = bool(_SPOILER_SHORTCODE.search(text))
    text = _SPOILER_SHORTCODE.sub(lambda m: f"<{m.group(1)}spoiler>", text)
    codes: list[Code] = []
    text = _take_code(text, codes)
    if line_breaks:
        text = _autop(text)
    text = repair_repeated_tags(text)
    fragment = HTMLParser(False).parse_fragment(text, container="div")
    writer = MarkdownWriter(codes)
    markdown = writer.write(fragment)
    return Converted(markdown, writer.images, spoilers or writer.spoilers)
