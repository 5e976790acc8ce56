"""The bodies prepared for the print HTML, kept by a build and read back by the next."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from octavo import api
from octavo.render import print_bodies, print_html
from octavo.render.print_bodies import PrintBodies, kept_in
from octavo.render.print_html import render_print
from octavo.themes import TableMeasure
from tests.conftest import MakeAnthology
from tests.markdown_corpus import png_bytes
from tests.test_body_cache import PICTURE

REVIEW = """\
---
title: {title}
reviewer: Ann Critic
pullquote: "a review with emphasis"
---

"{title}" -- a review with *emphasis*, a note[^1] and a table.

| Year | Title |
|------|-------|
| 1927 | {title} |

[^1]: The note's text.
"""


def _book(make_anthology: MakeAnthology) -> Path:
    files: dict[str, str | bytes | None] = {
        "reviews/alpha.md": None,
        "reviews/beta.md": None,
        "reviews/pictured.md": PICTURE,
        "reviews/still.png": png_bytes(),
    }
    for number in range(3):
        files[f"reviews/r{number}.md"] = REVIEW.format(title=f"Work {number}")
    return make_anthology(files)


def _prepared(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bodies prepared (not read back) from now on, by their HTML's first words."""
    prepared: list[str] = []
    original = print_html._body

    def counting(html: str, *args: object) -> object:
        prepared.append(html[:40])
        return original(html, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(print_html, "_body", counting)
    return prepared


def test_the_print_html_is_the_same_with_bodies_read_back(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the head carries the build's time, to the second: the renderings compared must
    # not straddle a second (a CI run failed so)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    loaded = api.load_anthology(_book(make_anthology))
    anthology, theme = loaded.anthology, loaded.theme
    fresh = render_print(anthology, theme).html
    kept = tmp_path / "pdf-bodies.json"
    with kept_in(kept):
        assert render_print(anthology, theme).html == fresh
    entries = json.loads(kept.read_text(encoding="utf-8"))["bodies"]
    assert len(entries) == 3  # not the one with a picture
    prepared = _prepared(monkeypatch)
    with kept_in(kept):
        assert render_print(anthology, theme).html == fresh
    assert len(prepared) == 1  # the picture's, prepared each time
    assert "A still" in prepared[0]


def test_a_rebuild_prepares_only_the_changed_body_and_keeps_only_those_it_used(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _book(make_anthology)
    out = tmp_path / "out"
    api.build(book, out, formats=("pdf",), jobs=1)
    kept = out / ".octavo-cache" / "pdf-bodies.json"
    before = json.loads(kept.read_text(encoding="utf-8"))["bodies"]
    assert len(before) == 3
    review = book / "reviews" / "r1.md"
    review.write_text(review.read_text(encoding="utf-8").replace("a note", "one note"))
    prepared = _prepared(monkeypatch)
    api.build(book, out, formats=("pdf",), jobs=1)
    assert len(prepared) == 2
    assert any("Work 1" in html for html in prepared)
    assert any("A still" in html for html in prepared)
    after = json.loads(kept.read_text(encoding="utf-8"))["bodies"]
    assert len(after) == 3
    assert len(set(after) - set(before)) == 1  # the old body gone, the new one kept


def test_everything_the_preparing_depends_on_is_in_the_key(tmp_path: Path) -> None:
    store = PrintBodies(tmp_path / "bodies.json")
    base = ("<p>Text</p>", 2, "", "ltr", None)
    key = store.key(*base)
    others = [
        ("<p>Text.</p>", 2, "", "ltr", None),
        ("<p>Text</p>", 3, "", "ltr", None),
        ("<p>Text</p>", 2, "Text", "ltr", None),
        ("<p>Text</p>", 2, "", "rtl", None),
        ("<p>Text</p>", 2, "", "ltr", TableMeasure()),
        ("<p>Text</p>", 2, "", "ltr", TableMeasure(60, 95)),
    ]
    keys = {store.key(*other) for other in others}  # type: ignore[arg-type]
    assert key not in keys
    assert len(keys) == len(others)
    store.code = "other code"
    assert store.key(*base) != key


@pytest.mark.parametrize(
    "text",
    [
        '{"format": 1, "bodies": {"k',  # truncated
        '{"format": 0, "bodies": {"k": "<p>x</p>"}}',  # another format
        '{"format": 1, "bodies": ["<p>x</p>"]}',
        '{"format": 1, "bodies": {"k": 3}}',
        "[]",
    ],
)
def test_a_file_that_does_not_read_back_is_a_miss(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bodies.json"
    path.write_text(text, encoding="utf-8")
    store = PrintBodies(path)
    assert store.get("k") is None
    store.put("k2", "<p>y</p>")
    store.save()
    assert PrintBodies(path).get("k2") == "<p>y</p>"


def test_a_build_stopped_by_an_error_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bodies.json"

    def build() -> None:
        with kept_in(path):
            store = print_bodies.current()
            assert store is not None
            store.put("k", "<p>x</p>")
            raise RuntimeError("the layout failed")

    with pytest.raises(RuntimeError):
        build()
    assert not path.exists()
    assert print_bodies.current() is None
    with kept_in(None):
        assert print_bodies.current() is None
