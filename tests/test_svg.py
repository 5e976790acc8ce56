"""SVG images: drawn when they are only shapes, refused when they could do more."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.api import load_anthology
from octavo.errors import ContentError, Refused
from octavo.svg import check_svg

from .conftest import MakeAnthology

SAFE = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
  width="2in" height="144pt" viewBox="0 0 100 100">
  <title>A disc</title>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient></defs>
  <circle id="c" cx="50" cy="50" r="40" fill="url(#g)"/>
  <use xlink:href="#c" x="10"/>
  <!-- a comment is fine -->
</svg>
"""

UNSAFE = {
    "entity": (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
        "declares a DOCTYPE or entities",
    ),
    "script": (
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "holds a <script> element",
    ),
    "handler": (
        '<svg xmlns="http://www.w3.org/2000/svg"><rect onload="x()"/></svg>',
        "has an event handler (onload=) on <rect>",
    ),
    "remote-image": (
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="http://169.254.169.254/x"/></svg>',
        "holds a <image> element",
    ),
    "external-use": (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<use xlink:href="other.svg#a"/></svg>',
        "refers to 'other.svg#a' outside itself",
    ),
    "css-url": (
        '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://x.test/p.svg#a)"/></svg>',
        "refers to 'https://x.test/p.svg#a' outside itself",
    ),
    "style-element": (
        '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://x.test/a.css);'
        "</style></svg>",
        "holds a <style> element",
    ),
    "foreign": (
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
        "holds a <foreignObject> element",
    ),
    "stylesheet-pi": (
        '<?xml-stylesheet href="http://x.test/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        "holds a processing instruction",
    ),
    "not-xml": ("<svg><rect></svg>", "is not well-formed XML"),
    "not-svg": ('<html xmlns="http://www.w3.org/1999/xhtml"/>', "is not an SVG image"),
}


def test_a_safe_svg_is_used(tmp_path: Path) -> None:
    path = tmp_path / "disc.svg"
    path.write_text(SAFE, encoding="utf-8")
    assert check_svg(path, "disc.svg") == (192, 192)


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_an_unsafe_svg_is_refused(tmp_path: Path, case: str) -> None:
    text, message = UNSAFE[case]
    path = tmp_path / "bad.svg"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Refused) as refused:
        check_svg(path, "bad.svg")
    assert message in refused.value.message
    assert refused.value.code == "R220"


def test_an_unsafe_svg_in_a_review_names_the_review_and_line(
    make_anthology: MakeAnthology,
) -> None:
    book = make_anthology(
        {
            "reviews/alpha.md": (
                "---\ntitle: A\nreviewer: Ann\n---\n\nText.\n\n![A disc](bad.svg)\n"
            ),
            "reviews/bad.svg": UNSAFE["script"][0],
        }
    )
    with pytest.raises(ContentError) as error:
        load_anthology(book)
    (diagnostic,) = error.value.report.errors
    assert (diagnostic.code, diagnostic.path.name if diagnostic.path else None) == (
        "R220",
        "alpha.md",
    )
    assert diagnostic.line == 8
    assert diagnostic.message == "the SVG 'bad.svg' holds a <script> element, which Octavo refuses"
