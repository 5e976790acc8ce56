"""What review HTML may hold: the elements, attributes and links a book accepts.

The checks in :mod:`.markdown_checks` refuse what is dangerous with its line; the
sanitiser (nh3) then removes whatever they missed, as a second line of defence.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3
from lxml import etree

from ..html_fragment import remove_element

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
URL_ATTRIBUTES = frozenset({
    "href", "src", "srcset", "poster", "background", "action", "formaction", "xlink:href",
    "data", "cite", "longdesc", "lowsrc", "dynsrc", "usemap", "manifest", "ping",
    "codebase", "archive", "profile",
})  # fmt: skip
_LINK_SCHEMES = ("http:", "https:", "mailto:")


#: A raw HTML start tag: its name and its attributes.
HTML_TAG = re.compile(r"<\s*([A-Za-z][A-Za-z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
#: One attribute of a start tag: its name and its value, quotes and all.
HTML_ATTRIBUTE = re.compile(r"""([^\s=/"'>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")


def link_problem(url: str, written: str | None = None) -> str | None:
    """Why a link may not be followed from a book, or None when it may.

    ``written`` is the target as the author wrote it, when ``url`` is markdown-it's
    percent-encoded form of it: messages show what the author will recognise.
    """
    target = url.strip()
    shown = (url if written is None else written).strip()[:60]
    if not target:
        return "the link's target is empty: it leads nowhere"
    if target.lower().startswith(("http:", "https:")):
        if problem := _web_address_problem(target):
            return f"the link '{shown}' is not a web address: {problem}"
        return None
    if target.startswith("#") or target.lower().startswith(_LINK_SCHEMES):
        return None
    if match := re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", target):
        return f"'{match.group(1).lower()}:' links are refused ({shown})"
    return (
        f"the link '{shown}' points at a file: a book can only link to web"
        " addresses and to #anchors"
    )


def _web_address_problem(url: str) -> str | None:
    """What keeps an http(s) URL from being valid (e-readers and EPUBCheck refuse it)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises)
    except ValueError:
        return "it cannot be read as an address (a port that is not a number?)"
    host = parts.hostname or ""
    if not host:
        return "it names no host (write it as https://example.com/...)"
    if ":" not in host and "" in host.split(".")[:-1]:  # an IPv6 address has colons
        return f"the host '{host}' has an empty part between dots"
    return None


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


#: Elements that may hold only phrasing content (text and inline elements).
_PHRASING_ONLY = frozenset({
    "p", "pre", "span", "em", "strong", "b", "i", "u", "s", "small", "sub", "sup", "code",
    "kbd", "samp", "var", "mark", "q", "cite", "abbr", "dfn", "time", "bdi", "bdo",
    "h1", "h2", "h3", "h4", "h5", "h6",
})  # fmt: skip
#: Elements that are blocks: an HTML parser leaves them inside the elements above
#: (``<pre><p>``, ``<span><div>``), where XHTML forbids them.
_BLOCKS = frozenset({
    "blockquote", "caption", "dd", "div", "dl", "dt", "figcaption", "figure", "h1", "h2",
    "h3", "h4", "h5", "h6", "li", "ol", "p", "pre", "section", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
})  # fmt: skip


def inline_within_phrasing(root: etree._Element) -> None:
    """Make a block inside an element that holds only text a span, keeping its words.

    Raw HTML read as HTML can leave ``<p>`` inside ``<pre>`` or a ``<div>`` inside a
    ``<span>``; an e-reader's XHTML refuses that (EPUBCheck RSC-005). Each such block
    becomes ``<span class="raw-<tag>">`` (a rule inside one is dropped): the text
    stays, the block's shape does not.
    """

    def walk(element: etree._Element, phrasing: bool) -> None:
        for child in list(element):
            if not isinstance(child.tag, str):
                continue
            if phrasing and child.tag == "hr":
                remove_element(child)
                continue
            if phrasing and child.tag in _BLOCKS:
                names = " ".join(filter(None, [f"raw-{child.tag}", child.get("class")]))
                for name in [n for n in child.attrib if n not in ("id", "lang", "dir", "title")]:
                    del child.attrib[name]
                child.tag = "span"
                child.set("class", names)
            walk(child, phrasing or child.tag in _PHRASING_ONLY)

    walk(root, False)
