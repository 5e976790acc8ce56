"""HTML from an export, as clean Markdown that Octavo's loader accepts as it is.

Exports hold HTML written for a web page: scripts, embedded players, inline styles,
event handlers, remote images, links to the blog's own pages. A review file holds
none of that (the loader would refuse it), so before converting with markdownify:

- ``script``, ``style``, ``iframe``, ``object``, forms, media and the like are
  removed with everything inside them;
- every attribute is dropped except a link's ``href``, and a link is kept only when
  it goes to an ``http``, ``https`` or ``mailto`` address (otherwise its text stays);
- images are dropped: a remote image cannot go into a book, and an image that
  belongs to the blog is not in the folder the review is written to. The number
  dropped is returned, so that the import can say so;
- text that Markdown would read as markup (``<tag>``, ``&amp;``, a ``#`` or ``1.``
  opening a line, ``{.attributes}``, ``[^footnote]``) is escaped, so that it stays
  the text it was.

Text whose line breaks mean something (Letterboxd and Goodreads reviews, WordPress
posts written in the classic editor) is read as WordPress reads it: a blank line
between paragraphs, a single line end as a line break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, Tag
from markdownify import ATX, BACKSLASH, MarkdownConverter

__all__ = ["Converted", "html_to_markdown"]

#: Elements removed with their content: they run code, embed or fetch something, or
#: are not text.
_REMOVED = (
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
    "form", "input", "button", "select", "textarea", "link", "meta", "base", "svg",
    "math", "template", "noscript", "audio", "video", "source", "track", "canvas",
    "dialog", "head", "title", "map",
)  # fmt: skip
_IMAGES = ("img", "picture", "image", "figure-img")
_LINK_SCHEMES = ("http://", "https://", "mailto:")
#: Elements that open a block of their own in WordPress's autop.
_BLOCK = re.compile(
    r"\s*(<!--|<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr|dl|section|"
    r"article|aside|address|header|footer)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Converted:
    """Markdown text, and how many images had to be dropped from it."""

    text: str
    images_dropped: int = 0


def _autop(text: str) -> str:
    """Blank lines to paragraphs and single line ends to breaks, as WordPress does."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks = [block for block in re.split(r"\n[ \t]*\n", text) if block.strip()]
    out = []
    for block in blocks:
        if _BLOCK.match(block):
            out.append(block)
        else:
            out.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", block.strip()) + "</p>")
    return "\n\n".join(out)


def _inside(node: NavigableString, names: tuple[str, ...]) -> bool:
    return any(parent.name in names for parent in node.parents)


# Markdown that text could be mistaken for. markdownify escapes * and _ itself.
_TEXT_ESCAPES = (
    (re.compile(r"\\"), r"\\\\"),
    (re.compile(r"<(?=[A-Za-z/!?])"), r"\\<"),
    (re.compile(r"&(?=#?[A-Za-z0-9]+;)"), r"\\&"),
    (re.compile(r"\[(?=\^)"), r"\\["),
    (re.compile(r"(?<=\])\("), r"\\("),
    (re.compile(r"([{}`])"), r"\\\1"),
    (re.compile(r"(?m)^(\s*)(#{1,6}(?:\s|$)|>|[-+](?:\s|$)|=+\s*$)"), r"\1\\\2"),
    (re.compile(r"(?m)^(\s*[0-9]{1,9})([.)](?:\s|$))"), r"\1\\\2"),
    (re.compile(r"(?m)^(\s*)(-{2,}\s*$)"), r"\1\\\2"),
    (re.compile(r"\|"), r"\\|"),
)


def _escape(text: str) -> str:
    for pattern, replacement in _TEXT_ESCAPES:
        text = pattern.sub(replacement, text)
    return text


def _clean(soup: BeautifulSoup) -> int:
    """Remove what a review file may not hold; return the number of images dropped."""
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()
    for tag in soup.find_all(_REMOVED):
        tag.decompose()
    images = 0
    for tag in soup.find_all(_IMAGES):
        images += 1
        tag.decompose()
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag):
            continue
        href = tag.get("href") if tag.name == "a" else None
        tag.attrs = {}
        if tag.name == "a":
            target = href.strip() if isinstance(href, str) else ""
            if target.lower().startswith(_LINK_SCHEMES) and not re.search(r"[\s<>]", target):
                tag.attrs["href"] = target
            else:
                tag.unwrap()
    for string in soup.find_all(string=True):
        if isinstance(string, NavigableString) and not _inside(string, ("pre", "code")):
            escaped = _escape(str(string))
            if escaped != str(string):
                string.replace_with(NavigableString(escaped))
    return images


def _tidy(markdown: str) -> str:
    # Two line breaks in a row (<br><br>, Goodreads' paragraphs) end a paragraph, and a
    # break at the end of a paragraph means nothing (Markdown would print a "\").
    markdown = re.sub(r"(?<!\\)\\\n(?:[ \t]*\\\n)+", "\n\n", markdown)
    markdown = re.sub(r"(?<!\\)\\\n(?=[ \t]*(?:\n|$))", "\n", markdown)
    markdown = re.sub(r"(?<!\\)\\$", "", markdown)
    lines = [line.rstrip() for line in markdown.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def html_to_markdown(html: str, *, line_breaks: bool = False) -> Converted:
    """Convert ``html`` to Markdown; with ``line_breaks``, its line ends are kept."""
    if line_breaks:
        html = _autop(html)
    soup = BeautifulSoup(html, "html.parser")
    images = _clean(soup)
    converter = MarkdownConverter(
        heading_style=ATX,
        bullets="-",
        newline_style=BACKSLASH,
        escape_asterisks=True,
        escape_underscores=True,
        escape_misc=False,
        autolinks=False,
    )
    return Converted(_tidy(converter.convert_soup(soup)), images)
