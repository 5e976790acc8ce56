"""What review HTML may hold: the elements, attributes and links a book accepts.

The checks in :mod:`.markdown_checks` refuse what is dangerous with its line; the
sanitiser (nh3) then removes whatever they missed, as a second line of defence.
"""

from __future__ import annotations

import re

import nh3

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
    if target.startswith("#") or target.lower().startswith(_LINK_SCHEMES):
        return None
    if match := re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", target):
        return f"'{match.group(1).lower()}:' links are refused ({shown})"
    return (
        f"the link '{shown}' points at a file: a book can only link to web"
        " addresses and to #anchors"
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
