"""The front and back matter rendered once for every set of page numbers
(render/print_folios.py): the same HTML, byte for byte, as a rendering with them."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

import octavo.render.print_split as print_split
from octavo.api import load_anthology
from octavo.pdf_parts import Renderings
from octavo.render.print_folios import MARKED, marks_hold, with_folios
from tests.conftest import ROOT, MakeAnthology

EXAMPLES = sorted(path.parent.name for path in (ROOT / "anthologies").glob("*/anthology.toml"))

_LINK = re.compile(r'href="#([^"]+)"')


def _folios(renderings: Renderings) -> dict[str, str]:
    """A page for every other element the front and back matter link to (some left
    without: their attribute goes), in several numberings."""
    cut = renderings._cut({})
    targets = sorted(set(_LINK.findall(cut.front + "".join(cut.back_parts))))
    assert targets
    folios = {}
    for number, target in enumerate(targets):
        if number % 4 != 3:
            folios[target] = ("xiv", str(number + 1), f"{number}&<1>")[number % 4]
    return folios


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("theme", ["classic", "modern", "ereader"])
def test_page_numbers_put_into_one_rendering_are_a_rendering_with_them(
    name: str, theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)  # cut, however small
    loaded = load_anthology(ROOT / "anthologies" / name)
    loaded = dataclasses.replace(loaded, theme=_theme(loaded, theme))
    renderings = Renderings(loaded, for_printer=False)
    assert renderings.marks
    for folios in ({}, _folios(renderings)):
        expected = renderings._cut(folios)
        made = renderings(folios)
        assert made.front == expected.front
        assert made.back_parts == expected.back_parts
        assert made.outside == expected.outside
    assert renderings.marked is not None  # rendered once, for both


def _theme(loaded: object, name: str) -> object:
    from octavo.diagnostics import Report
    from octavo.themes import find_theme

    root = loaded.anthology.root  # type: ignore[attr-defined]
    theme = find_theme(name, root, Report(), root / "anthology.toml")
    assert theme is not None
    return theme


def test_a_mark_names_its_id_and_a_missing_page_drops_the_attribute() -> None:
    marked = f'<a href="#a" data-folio="{MARKED["a"]}"></a><a href="#b" data-folio="{MARKED["b"]}">'
    assert "a" in MARKED
    assert with_folios(marked, {"a": "12"}) == '<a href="#a" data-folio="12"></a><a href="#b">'


def test_templates_of_an_anthologys_own_are_rendered_for_each_set_of_numbers(
    make_anthology: MakeAnthology, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    book: Path = make_anthology(
        {"templates/_toc.html.jinja": "{% macro toc_item(node, folios={}) %}{% endmacro %}\n"}
    )
    loaded = load_anthology(book)
    assert not marks_hold(loaded.theme)
    renderings = Renderings(loaded, for_printer=False)
    renderings({"r-alpha": "3"})
    assert renderings.marked is None
