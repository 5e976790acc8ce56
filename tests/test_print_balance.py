"""The book rendered once for every set of balancing classes (render/print_balance.py):
the same HTML, byte for byte, as a rendering with them."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from octavo.api import load_anthology
from octavo.pdf_parts import Renderings
from octavo.render.print_balance import MARKED, with_classes
from octavo.render.print_html import render_print
from tests.conftest import ROOT, MakeAnthology
from tests.test_print_folios import EXAMPLES, _theme

_REVIEW = re.compile(r'<article class="review[^"]*" id="([^"]+)"')


def _classes(ids: list[str]) -> dict[str, str]:
    """A class for most reviews, in the balancing's names, one that needs escaping, and
    an empty one; some reviews left without."""
    names = ("balance-tighter-1", "balance-widows-5", "a&b <c>", "")
    return {id_: names[n % 4] for n, id_ in enumerate(ids) if n % 5 != 4}


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("theme", ["classic", "modern", "ereader"])
def test_classes_put_into_one_rendering_are_a_rendering_with_them(
    name: str, theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")  # the same time in each
    loaded = load_anthology(ROOT / "anthologies" / name)
    loaded = dataclasses.replace(loaded, theme=_theme(loaded, theme))
    renderings = Renderings(loaded, for_printer=False)
    assert renderings.marks
    plain = render_print(loaded.anthology, loaded.theme)
    ids = _REVIEW.findall(plain.html)
    assert ids
    for classes in ({}, _classes(ids)):
        expected = render_print(loaded.anthology, loaded.theme, balance=classes)
        made = renderings.document(classes)
        assert made.html == expected.html
        assert dataclasses.replace(made, html="") == dataclasses.replace(expected, html="")
    assert renderings.book is not None  # rendered once, for both
    assert "\ue002" not in renderings.document({}).html


def test_a_mark_names_its_review_and_a_review_without_a_class_loses_its_mark() -> None:
    marked = f'<article class="review{" " + MARKED["r-a"]}"></article>'
    marked += f'<article class="review first-main{" " + MARKED["r-b"]}"></article>'
    assert with_classes(marked, {"r-a": "balance-looser-2"}) == (
        '<article class="review balance-looser-2"></article>'
        '<article class="review first-main"></article>'
    )


def test_templates_of_an_anthologys_own_are_rendered_for_each_set_of_classes(
    make_anthology: MakeAnthology,
) -> None:
    book: Path = make_anthology(
        {"templates/_toc.html.jinja": "{% macro toc_item(node, folios={}) %}{% endmacro %}\n"}
    )
    loaded = load_anthology(book)
    renderings = Renderings(loaded, for_printer=False)
    assert not renderings.marks
    first = _REVIEW.findall(renderings.document({}).html)[0]
    document = renderings.document({first: "balance-tighter-1"})
    assert re.search(f'<article class="review[^"]* balance-tighter-1" id="{first}"', document.html)
    assert renderings.book is None
