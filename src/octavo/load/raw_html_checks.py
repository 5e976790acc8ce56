"""The checks of a review's raw HTML: what a book may not hold, and what is left open.

Raw HTML that would run code, fetch something or restyle the page is refused with
its line; a comment, CDATA section or processing instruction left open, which would
swallow the rest of the review, is refused where it starts; elements nested deeper
than a page can show are refused.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..diagnostics import Report
from ..limits import MAX_NESTING
from .html_policy import HTML_ATTRIBUTE, HTML_TAG, REFUSED_ELEMENTS, URL_ATTRIBUTES
from .markdown_checks import Parsed, check_link, inline_children

# --- raw HTML left open -----------------------------------------------------------

_HTML_OPENING = re.compile(r"<!--|<!\[CDATA\[|<\?|<![A-Za-z]|<\s*[A-Za-z]")
#: What each opening needs to end it, and what it is called.
_HTML_CLOSING = {
    "<!--": ("-->", "an HTML comment"),
    "<![CDATA[": ("]]>", "a CDATA section"),
    "<?": ("?>", "a processing instruction (<?...?>)"),
    "<!": (">", "a declaration (<!...>)"),
}


def check_unclosed_html(parsed: Parsed, path: Path, first_line: int, report: Report) -> None:
    """Raw HTML opened and never closed (``<!--``, ``<![CDATA[``, ``<?``, ``<!X``)
    swallows the rest of its block, often to the end of the review; the sanitiser
    would then drop it all."""
    for token in parsed.blocks:
        if token.type != "html_block" or not token.map:
            continue
        content, position = token.content, 0
        while match := _HTML_OPENING.search(content, position):
            opening = match.group()
            if opening[-1].isalpha() and not opening.startswith("<!"):  # a tag: skip it
                tag = HTML_TAG.match(content, match.start())
                position = tag.end() if tag else match.end()
                continue
            kind = opening if opening in _HTML_CLOSING else "<!"
            closing, what = _HTML_CLOSING[kind]
            end = content.find(closing, match.start() + 2)
            if end >= 0:
                position = end + len(closing)
                continue
            report.error(
                "R224",
                f"{what} begins here and is never closed with {closing}: all the text"
                " after it would be lost",
                path,
                token.map[0] + first_line + content.count("\n", 0, match.start()),
                hint=f"close it with {closing} where it should end; to print {kind} as"
                f" text, write \\{kind}",
            )
            break


# --- raw HTML ---------------------------------------------------------------------


def check_raw_html(parsed: Parsed, path: Path, first_line: int, report: Report) -> None:
    """Refuse raw HTML that would run code, fetch something or restyle the page."""
    pieces = [
        (token.content, token.map[0])
        for token in parsed.blocks
        if token.type == "html_block" and token.map
    ]
    pieces += [
        (child.content, line)
        for child, line in inline_children(parsed)
        if child.type == "html_inline"
    ]
    for content, line in pieces:
        for match in HTML_TAG.finditer(content):
            where = line + first_line + content.count("\n", 0, match.start())
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
    for attribute in HTML_ATTRIBUTE.finditer(attributes):
        key = attribute.group(1).lower()
        value = (attribute.group(2) or "").strip("\"'")
        if key.startswith("on"):
            report.error(
                "R216", f"the event handler {key}= on <{name}> is refused", path, line, hint
            )
        elif key == "style":
            report.error("R216", f"the style= attribute on <{name}> is refused", path, line, hint)
        elif key in URL_ATTRIBUTES:
            check_link(value, path, line, report)


_VOID_ELEMENTS = frozenset({"br", "hr", "img", "wbr", "col", "area", "input", "meta", "link"})
#: Elements inside each other, raw HTML included; XML parsers stop at 256.
MAX_ELEMENT_DEPTH = 4 * MAX_NESTING


def check_html_depth(html: str, path: Path, first_line: int, report: Report) -> bool:
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
