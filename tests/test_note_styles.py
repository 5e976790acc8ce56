"""WeasyPrint's user-agent styles for note calls and markers given to notes only
(:mod:`octavo.write.note_styles`): the same pages, fewer styles computed."""

from __future__ import annotations

from typing import Any

import pytest

from octavo.write import note_styles
from octavo.write import pdf as pdf_module
from tests.conftest import MakeAnthology
from tests.test_print_notes import NOTES

LIST_REVIEW = """\
---
title: Beta
reviewer: Ann Critic
---

A review with a list, for markers outside the notes:

1. first
2. second

- a point
"""


def test_each_rule_is_found_once_in_weasyprints_stylesheet() -> None:
    from weasyprint import html

    scoped = note_styles.scoped_to_notes(html.UA)
    assert scoped is not None
    for name in note_styles.NOTE_PSEUDO_ELEMENTS:
        assert f"\n.footnote::{name} {{" in scoped
        assert f"\n::{name} {{" not in scoped
    assert scoped.replace(".footnote::", "::") == html.UA  # nothing else changed
    assert note_styles.scoped_to_notes("p { color: red }") is None


def _laid_out(make_anthology: MakeAnthology, theme: str) -> tuple[Any, Any]:
    from octavo.audit import load_with_theme
    from octavo.render.print_html import render_print

    root = make_anthology({"reviews/alpha.md": NOTES, "reviews/beta.md": LIST_REVIEW})
    loaded = load_with_theme(root, theme)
    return render_print(loaded.anthology, loaded.theme, False), loaded.resolver


def _pseudo_styles(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The (class, pseudo-element) of every pseudo-element style WeasyPrint computes."""
    from weasyprint.css import StyleFor

    computed: list[tuple[str, str]] = []
    original = StyleFor.set_computed_styles

    def spy(self: Any, element: Any, parent: Any, *args: Any, **kwargs: Any) -> Any:
        pseudo = args[1] if len(args) > 1 else kwargs.get("pseudo_type")
        if pseudo and hasattr(element, "get"):
            computed.append((element.get("class") or "", pseudo))
        return original(self, element, parent, *args, **kwargs)

    monkeypatch.setattr(StyleFor, "set_computed_styles", spy)
    return computed


@pytest.mark.parametrize("theme", ["classic", "modern", "ereader"])
def test_the_pages_are_the_same_byte_for_byte(
    make_anthology: MakeAnthology, theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notes (with blocks, a list and a note cited by a note) and lists, laid out with
    the rules given to notes and with WeasyPrint's own: the same PDF."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")  # the fonts' dates too
    document, resolver = _laid_out(make_anthology, theme)
    computed = _pseudo_styles(monkeypatch)
    _, scoped, _, _ = pdf_module.render_pdf_pages(document, resolver)
    notes_only = [(classes, pseudo) for classes, pseudo in computed if "note" in pseudo]
    assert notes_only  # the notes' calls and markers are styled
    assert all("footnote" in classes.split() for classes, _ in notes_only)
    computed.clear()
    with pytest.MonkeyPatch.context() as universal:
        import weasyprint

        universal.setattr(
            weasyprint.HTML, "_ua_stylesheets", weasyprint.HTML._ua_stylesheets.original
        )
        universal.setattr(pdf_module, "note_styles_for_notes", lambda: None)
        _, unscoped, _, _ = pdf_module.render_pdf_pages(document, resolver)
    everywhere = [classes for classes, pseudo in computed if pseudo == "footnote-call"]
    assert any("footnote" not in classes.split() for classes in everywhere)
    assert scoped == unscoped
