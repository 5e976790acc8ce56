"""A parsed HTML tree written out as Markdown, with nothing a reader did not write.

What a review file may not hold is left out: ``script``, ``style``, ``iframe``,
forms, media and the like with everything inside them; every attribute but a link's
``href``, and a link that does not go to an ``http``, ``https`` or ``mailto`` address
(its text stays); images, which are counted (a remote image cannot go into a book).

Text is escaped only where Markdown would read it as markup: ``*``, ``_`` at a word's
edge, a backtick, ``~``, ``|``, ``{``, ``<`` before a tag name, ``&`` before an entity
name, ``[^``, a ``]`` that could close a link, and at the start of a line ``#``,
``>``, ``-``, ``+``, ``1.``, ``:`` or a line of ``=``. Emphasis is written ``*``,
``**`` and ``~~``, and as ``<em>``, ``<strong>``, ``<del>`` where Markdown would
not read the stars as emphasis (``a<em>"b"</em>c``). Spoilers (``<spoiler>``, an
element with a ``spoiler`` class) become ``[text]{.spoiler}`` inline, and blocks
each preceded by a ``{.spoiler}`` line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from .markdown_text import (
    BR,
    CLOSING_HASHES,
    CODE_CLOSE,
    CODE_OPEN,
    CONTROL,
    MARKS,
    PIPE,
    PIPE_MARK,
    code_spans,
    escape,
    finish,
    indent,
    joined,
    spoiler_paragraphs,
    wrap,
)

__all__ = ["BLOCK_TAGS", "Code", "MarkdownWriter"]

#: Elements that open a block of their own.
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "aside", "header", "footer", "main", "nav",
    "address", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
    "caption", "figure", "figcaption", "hr", "details", "summary", "center", "fieldset",
    "hgroup", "listing", "xmp", "plaintext",
})  # fmt: skip
#: Elements removed with their content: they run code, embed or fetch something, or
#: are not text.
_REMOVED = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
    "form", "input", "button", "select", "textarea", "link", "meta", "base", "svg",
    "math", "template", "noscript", "audio", "video", "source", "track", "canvas",
    "dialog", "head", "title", "map", "noembed", "noframes",
})  # fmt: skip
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_EMPHASIS = {"i": "em", "em": "em", "cite": "em", "dfn": "em", "var": "em",
             "b": "strong", "strong": "strong",
             "s": "del", "strike": "del", "del": "del"}  # fmt: skip
_CODE = frozenset({"code", "kbd", "samp", "tt"})


@dataclass(frozen=True)
class Code:
    """A code block's exact text and its language (empty when none is given)."""

    text: str
    language: str = ""


class MarkdownWriter:
    """Writes one parsed fragment; counts the images dropped and notes spoilers."""

    def __init__(self, codes: list[Code]) -> None:
        self.codes = codes
        self.images = 0
        self.spoilers = False
        self._open: Counter[str] = Counter()
        self._brackets = 0  # inside a link's or a spoiler's [text]: brackets escaped

    def write(self, root: Element) -> str:
        text = "\n\n".join(self.blocks(root)).strip("\n")
        # a bar or code no paragraph finished: written safe
        return code_spans(text).replace(PIPE_MARK, "\\|")

    # --- blocks ------------------------------------------------------------------

    def blocks(self, element: Element) -> list[str]:
        """The children of ``element`` as Markdown blocks."""
        out: list[str] = []
        inline: list[str] = [self._text(element.text)]
        last_list = ""  # the marker of a list just written: the next one must differ
        for child in element:
            if isinstance(child.tag, str) and self._is_block(child):
                paragraphs = spoiler_paragraphs(finish(joined(inline)))
                inline = []
                if paragraphs:
                    out += paragraphs
                    last_list = ""
                # A list right after a list of its kind needs another marker.
                if child.tag == "ul":
                    marker = "*" if last_list == "-" else ""
                else:
                    marker = ")" if last_list == "." else ""
                made = self.block(child, marker)
                last_list = ""
                if made and child.tag in ("ul", "ol"):
                    last_list = marker or ("-" if child.tag == "ul" else ".")
                out += made
            else:
                inline.append(self.inline(child))
            inline.append(self._text(child.tail))
        out += spoiler_paragraphs(finish(joined(inline)))
        return out

    def _is_block(self, element: Element) -> bool:
        if element.tag in _REMOVED:
            return False
        return any(isinstance(e.tag, str) and e.tag in BLOCK_TAGS for e in element.iter())

    def block(self, element: Element, marker: str = "") -> list[str]:
        if _is_spoiler(element):
            self.spoilers = True
            return ["{.spoiler}\n" + block for block in self._plain_blocks(element)]
        return self._plain_blocks(element, marker)

    def _plain_blocks(self, element: Element, marker: str = "") -> list[str]:
        tag = element.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = " ".join(finish(self._inline_content(element), breaks=" "))
            # hashes that end the text would read as the heading's closing sequence
            text = CLOSING_HASHES.sub(r"\1\\\2", text)
            return [f"{'#' * int(tag[1])} {text}"] if text else []
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(element))
            return [indent(inner, "> ").replace("\n\n", "\n>\n")] if inner else []
        if tag in ("ul", "ol"):
            made = self._list(element, marker)
            return [made] if made else []
        if tag == "pre":
            return [self._code_block(element)]
        if tag == "hr":
            return ["* * *"]
        if tag == "table":
            made = self._table(element)
            return [made] if made else []
        if tag == "dl":
            return self._definitions(element)
        return self.blocks(element)

    def _code_of(self, element: Element) -> Code:
        """A ``<pre>``'s code: kept aside before the parse, or its text."""
        index = element.get("data-octavo-code")
        if index is not None and index.isdigit() and int(index) < len(self.codes):
            return self.codes[int(index)]
        return Code("".join(element.itertext()))

    def _code_block(self, element: Element) -> str:
        code = self._code_of(element)
        text = code.text[:-1] if code.text.endswith("\n") else code.text
        runs = [len(run) for run in re.findall(r"`{3,}", text)]
        fence = "`" * max([3, *(run + 1 for run in runs)])
        language = re.sub(r"[^A-Za-z0-9_+#.-]", "", code.language)
        return f"{fence}{language}\n{text}\n{fence}"

    def _list(self, element: Element, marker: str) -> str:
        ordered = element.tag == "ol"
        start = element.get("start", "1").strip()
        number = int(start) if ordered and start.isdigit() and len(start) < 9 else 1
        delimiter = marker or ("." if ordered else "-")
        bodies = []
        stray = [self._text(element.text)]  # text outside any <li>: an item of its own
        for child in element:
            if child.tag == "li" or (isinstance(child.tag, str) and self._is_block(child)):
                bodies.append(self._body(finish("".join(stray))))
                stray = []
                blocks = self.blocks(child) if child.tag == "li" else self.block(child)
                bodies.append(self._body(blocks))
            else:
                stray.append(self.inline(child))
            stray.append(self._text(child.tail))
        bodies.append(self._body(finish("".join(stray))))
        items = []
        for body in filter(None, bodies):
            bullet = f"{number}{delimiter} " if ordered else f"{delimiter} "
            items.append(indent(body, " " * len(bullet), bullet))
            number += 1
        loose = any("\n\n" in item for item in items)
        return ("\n\n" if loose else "\n").join(items)

    @staticmethod
    def _body(blocks: list[str]) -> str:
        """An item's blocks: a list right after text stays tight."""
        body = ""
        for block in blocks:
            is_list = re.match(r"([-*]|[0-9]+[.)]) ", block) is not None
            body += ("\n" if is_list else "\n\n") + block if body else block
        return body

    def _table(self, element: Element) -> str:
        rows = []
        for row in element.iter("tr"):
            cells = []
            for cell in row:
                if cell.tag in ("td", "th"):
                    text = " ".join(self.blocks(cell)).replace("\\\n", " ")
                    cells.append(PIPE.sub(r"\1\\|", text.replace("\n", " ")))
            if cells:
                rows.append(cells)
        if not rows:
            return ""
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        lines.insert(1, "|" + " --- |" * width)
        return "\n".join(lines)

    def _definitions(self, element: Element) -> list[str]:
        groups: list[list[str]] = []  # terms, then their definitions (": ...")
        for child in element:
            if child.tag == "dt":
                term = " ".join(finish(self._inline_content(child), breaks=" "))
                if not groups or (groups[-1] and groups[-1][-1].startswith(": ")):
                    groups.append([])
                if term:
                    groups[-1].append(term)
            elif child.tag == "dd":
                text = "\n\n".join(self.blocks(child))
                if text and groups and groups[-1]:
                    groups[-1].append(indent(text, "  ", ": "))
                elif text:
                    groups.append([text])
        return ["\n".join(group) for group in groups if group]

    # --- inline ------------------------------------------------------------------

    def _text(self, text: str | None) -> str:
        if not text:
            return ""
        text = re.sub(r"[ \t\n\r\f]+", " ", CONTROL.sub("", text))
        return escape(text, brackets=self._brackets > 0)

    def _inline_content(self, element: Element) -> str:
        parts = [self._text(element.text)]
        for child in element:
            parts += [self.inline(child), self._text(child.tail)]
        return joined(parts)

    def _bracketed(self, element: Element) -> str:
        self._brackets += 1
        content = self._inline_content(element)
        self._brackets -= 1
        return content

    def inline(self, element: Element) -> str:
        tag = element.tag
        if not isinstance(tag, str) or tag in _REMOVED:
            return ""
        if tag == "img":
            self.images += 1
            return ""
        if tag == "picture":
            self.images += max(1, sum(1 for _ in element.iter("img")))
            return ""
        if tag == "br":
            return BR
        if tag in _CODE:
            return self._code_span("".join(element.itertext()))
        if tag == "pre":  # a block where only text may stand (a heading): a code span
            return self._code_span(self._code_of(element).text)
        if _is_spoiler(element):
            self.spoilers = True
            return wrap(self._bracketed(element), "[", "]{.spoiler}")
        kind = _EMPHASIS.get(tag)
        if kind:
            self._open[kind] += 1
            content = self._inline_content(element)
            self._open[kind] -= 1
            if self._open[kind]:  # italic inside italic: nothing to add
                return content
            return wrap(content, *MARKS[kind])
        if tag == "a":
            return self._link(element, self._bracketed(element))
        content = self._inline_content(element)
        if tag == "q":
            return f'"{content}"'
        return content

    def _link(self, element: Element, content: str) -> str:
        target = (element.get("href") or "").strip()
        if not target.lower().startswith(_LINK_SCHEMES) or re.search(r"[\s<>]", target):
            return content
        target = re.sub(r"([()\\])", r"\\\1", target)
        return wrap(content, "[", f"]({target})")

    def _code_span(self, text: str) -> str:
        text = re.sub(r"\s+", " ", CONTROL.sub("", text))
        if not text.strip():
            return self._text(text)
        return f"{CODE_OPEN}{text}{CODE_CLOSE}"  # written when its paragraph is


def _is_spoiler(element: Element) -> bool:
    if element.tag == "spoiler":
        return True
    classes = (element.get("class") or "").lower().split()
    return any(name == "spoiler" or name.startswith("spoiler") for name in classes)
