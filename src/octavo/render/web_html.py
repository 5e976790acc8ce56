"""Render the HTML edition: the whole book as one self-contained page for the web.

The page needs nothing but itself. Its stylesheet (the theme's ``web.css``) is
inlined, every image is made as the EPUB makes it (``ereader_image``) and inlined as
a ``data:`` URI, and the theme's fonts are cut down to the characters the page uses
(fontTools) and inlined as WOFF2 (WOFF when brotli is missing). So the page makes no
request at all: only the reviews' own links lead elsewhere.

Notes are set as in the EPUB: a note call links to an ``aside`` with a link back to
the call (:func:`~octavo.render.epub_fragments.for_epub`), serialised as HTML.
"""

from __future__ import annotations

import base64
import functools
import html
import importlib.util
import io
import re
from pathlib import Path

from lxml import etree
from markupsafe import Markup

from .. import __version__
from ..errors import Refused
from ..localisation import Wording
from ..model import Anthology, Image
from ..themes import Theme, theme_file
from . import body_html, build_time, render_template
from .credits import credit_lines
from .direction import review_titles
from .epub_fragments import EPUB_NS, for_epub
from .ereader_images import ereader_image
from .pullquotes import place_pullquote

STYLESHEET = "web.css"
TEMPLATE = "web/book.html.jinja"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""")
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}\s*")
_CSS_CONTENT = re.compile(r"""content:\s*(["'])(.*?)\1""")
_FONT_SUFFIXES = {".ttf", ".otf", ".woff", ".woff2"}
_MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".svg": "image/svg+xml"}
#: Characters a font keeps whatever the page holds: ASCII and common punctuation.
_FEATURES = ("smcp", "c2sc", "onum", "pnum", "lnum", "tnum")
_ALWAYS = "".join(chr(code) for code in range(0x20, 0x7F)) + "\u00a0“”‘’–—…·•↩×½"


def render_web(
    anthology: Anthology, theme: Theme, embed_fonts: bool = True, font_characters: str = ""
) -> str:
    """The book as one HTML5 page, its stylesheet, images and fonts inside it.

    The fonts keep the glyphs of the page's characters and of ``font_characters``;
    without ``embed_fonts`` the page leaves the typeface to the browser (smaller).
    """
    html_page = render_template(
        theme.environment(),
        TEMPLATE,
        book=anthology,
        toc=anthology.toc,
        body=lambda body, parent=2, pullquote="", direction=anthology.direction: for_web(
            place_pullquote(body_html(body, image_uri, parent, direction), pullquote),
            Wording(anthology.language, dict(anthology.labels)),
        ),
        image_url=image_uri,
        edition="web",
        titles=review_titles(anthology),
        credits=credit_lines(anthology),
        fonts=theme.fonts_for(anthology.language),
        generator=f"Octavo {__version__}",
        modified=build_time(),
        stylesheet=Markup("<!-- stylesheet -->"),
    )
    # The stylesheet goes in last, so that its fonts can be cut to the page's text.
    css = web_stylesheet(theme, characters(html_page) + font_characters if embed_fonts else None)
    return html_page.replace("<!-- stylesheet -->", css.replace("</", "<\\/"), 1)


def for_web(fragment: Markup, wording: Wording | None = None) -> Markup:
    """A body fragment with the EPUB's notes (asides, backlinks), written as HTML.

    The loaders write fragments as XHTML; an empty ``<td/>`` would open a cell that
    an HTML parser never closes, so each element is written again the HTML way, and
    the EPUB-only attributes (``epub:type``, ``xml:lang``) are dropped.
    """
    text = str(for_epub(fragment, wording))
    if not text.strip():
        return fragment
    wrapper = etree.fromstring(
        f'<div xmlns:epub="{EPUB_NS}">{text}</div>',
        etree.XMLParser(resolve_entities=False, no_network=True),
    )
    for element in wrapper.iter():
        if isinstance(element.tag, str):
            for name in (f"{{{EPUB_NS}}}type", _XML_LANG):
                if name in element.attrib:
                    del element.attrib[name]
    etree.cleanup_namespaces(wrapper)
    parts = [html.escape(wrapper.text or "", quote=False)]
    parts += [etree.tostring(child, encoding="unicode", method="html") for child in wrapper]
    return Markup("".join(parts))


def image_uri(image: Image) -> str:
    """The image as the EPUB has it (bounded, upright, no metadata), as a data: URI."""
    stat = image.path.stat()
    return _image_uri(image.path, image.media_type, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _image_uri(path: Path, media_type: str, _mtime: int, _size: int) -> str:
    # Cached while the file is unchanged: ``octavo serve`` rebuilds on every save.
    data, made_type = ereader_image(path, media_type)
    return _data_uri(data, made_type)


def characters(page: str) -> str:
    """Every character the page may show: its text, upper and lower case (for
    ``text-transform``), and common punctuation."""
    text = html.unescape(re.sub(r"<[^>]*>", "", page))
    found = set(text) | {c.upper() for c in text} | {c.lower() for c in text} | set(_ALWAYS)
    return "".join(sorted(c for c in found if c.isprintable() or c == " "))


def web_stylesheet(theme: Theme, text: str | None) -> str:
    """The theme's ``web.css`` (parents first), every ``url()`` inlined.

    Fonts are cut down to the characters of ``text``; with ``text`` None, the
    ``@font-face`` rules are left out.
    """
    sheets = [
        (path.parent, path.read_text(encoding="utf-8")) for path in theme.stylesheets(STYLESHEET)
    ]
    if text is None:
        sheets = [(folder, _FONT_FACE.sub("", css)) for folder, css in sheets]
    else:  # the text the stylesheets add ("* * *" for a break...) needs its glyphs too
        text += "".join(match.group(2) for _, css in sheets for match in _CSS_CONTENT.finditer(css))
    parts: list[str] = []
    for folder, css in sheets:

        def inline(match: re.Match[str], folder: Path = folder) -> str:
            return f'url("{_inline_url(match.group(2), folder, text or "")}")'

        parts.append(_URL.sub(inline, css))
    return "\n".join(parts)


def _inline_url(reference: str, folder: Path, text: str) -> str:
    """A ``url()`` of the theme's stylesheet as a data: URI; nothing is fetched."""
    if reference.startswith("data:"):
        return reference
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//|^/", reference):
        raise Refused(
            f"{folder / STYLESHEET}: url({reference}) would make the page fetch a file",
            "put the file in the theme folder and name it by a relative path",
            code="S307",
        )
    path = theme_file(folder, reference)
    if not path.is_file():
        raise Refused(
            f"{folder / STYLESHEET}: url({reference}) names a file that does not exist",
            "check the file name, relative to the stylesheet's folder",
            code="S307",
        )
    suffix = path.suffix.lower()
    if suffix in _FONT_SUFFIXES:
        data, media_type = subset_font(path, text)
        return _data_uri(data, media_type)
    media_type = _MEDIA_TYPES.get(suffix, "application/octet-stream")
    return _data_uri(path.read_bytes(), media_type)


def font_flavor() -> str:
    """WOFF2 when brotli is there to compress it, else WOFF (zlib is always there)."""
    return "woff2" if importlib.util.find_spec("brotli") is not None else "woff"


def subset_font(path: Path, text: str) -> tuple[bytes, str]:
    """The font at ``path`` holding only the glyphs for ``text``, and its media type."""
    flavor = font_flavor()
    data = _subset(path, path.stat().st_mtime_ns, "".join(sorted(set(text))), flavor)
    return data, f"font/{flavor}"


@functools.lru_cache(maxsize=16)
def _subset(path: Path, _mtime: int, text: str, flavor: str) -> bytes:
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    options = subset.Options()
    # fontTools keeps ligatures, kerning and marks; the theme also sets small capitals
    # and old-style figures. Every feature ("*") would make the fonts twice as large.
    options.layout_features = [*options.layout_features, *_FEATURES]
    font = TTFont(str(path))
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.flavor = flavor
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _data_uri(data: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"
