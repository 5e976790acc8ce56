"""Check an SVG image before it goes into a book.

An SVG file is a document, not a picture: it can hold scripts, event handlers,
entity declarations and references to other files or URLs, and both WeasyPrint
and e-readers would follow them. An SVG is used only when every element and
attribute is on the allow-list below and every reference points inside the file
(``#id``); anything else is refused with a message that names it.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from .errors import Refused

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"

ELEMENTS = frozenset({
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "path", "rect",
    "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "marker",
    "filter", "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix", "feFlood",
    "feComposite", "feMerge", "feMergeNode",
})  # fmt: skip
_REFERENCE = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
_LENGTH = re.compile(r"\s*([0-9.]+)\s*(px|pt|mm|cm|in)?\s*$")
_PER_PX = {"px": 1.0, "pt": 96 / 72, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0, None: 1.0}


def check_svg(path: Path, reference: str) -> tuple[int, int]:
    """Refuse an unsafe SVG; return its size in CSS pixels (0 when it does not say)."""
    data = path.read_bytes()
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise Refused(
            f"the SVG '{reference}' declares a DOCTYPE or entities",
            "export it again without a DOCTYPE (entities can read other files)",
            code="R220",
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise Refused(
            f"the SVG '{reference}' is not well-formed XML ({error.msg})",
            "export it again from a drawing program",
            code="R220",
        ) from error
    if root.tag != f"{{{_SVG}}}svg":
        raise Refused(
            f"'{reference}' is not an SVG image", "use a PNG, JPEG or SVG file", code="R220"
        )
    siblings = [*root.itersiblings(preceding=True), *root.itersiblings()]
    for element in [*siblings, *root.iter()]:
        _check_element(element, reference)
    return _size(root.get("width")), _size(root.get("height"))


def _check_element(element: etree._Element, reference: str) -> None:
    if not isinstance(element.tag, str):
        if isinstance(element, etree._ProcessingInstruction):
            raise Refused(
                f"the SVG '{reference}' holds a processing instruction",
                "remove it (stylesheet instructions can fetch files)",
                code="R220",
            )
        return  # a comment
    namespace, _, name = element.tag[1:].partition("}") if element.tag[0] == "{" else ("", "", "")
    if namespace != _SVG or name not in ELEMENTS:
        shown = name or element.tag
        raise Refused(
            f"the SVG '{reference}' holds a <{shown}> element, which Octavo refuses",
            "keep to shapes, text, gradients and groups; scripts, styles, foreign"
            " content and embedded images are not allowed",
            code="R220",
        )
    for raw_key, raw_value in element.attrib.items():
        key, value = str(raw_key), str(raw_value)
        local = key.rpartition("}")[2].lower()
        if local.startswith("on"):
            raise Refused(
                f"the SVG '{reference}' has an event handler ({local}=) on <{name}>",
                "remove it; an image cannot run code",
                code="R220",
            )
        if local == "href" and not value.startswith("#"):
            raise Refused(
                f"the SVG '{reference}' refers to '{value[:60]}' outside itself",
                'an SVG may only refer to its own parts (href="#id")',
                code="R220",
            )
        for target in _REFERENCE.findall(value):
            if not target.startswith("#"):
                raise Refused(
                    f"the SVG '{reference}' refers to '{target[:60]}' outside itself",
                    "an SVG may only refer to its own parts (url(#id))",
                    code="R220",
                )


def _size(value: str | None) -> int:
    match = _LENGTH.match(value or "")
    if not match:
        return 0
    return round(float(match.group(1)) * _PER_PX[match.group(2)])
