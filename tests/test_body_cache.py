"""A rebuild reads back the Markdown bodies an earlier build rendered (load/body_cache.py):
the same reviews, and a body rendered again whenever anything it depends on changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from octavo import api
from octavo.load import body_cache, many_reviews
from octavo.load.body_cache import BodyCache
from octavo.loaded import Loaded
from tests.conftest import MakeAnthology
from tests.markdown_corpus import png_bytes

REVIEW = """\
---
title: {title}
reviewer: Ann Critic
---

"{title}" -- a review with *emphasis*, a [link](#notes) and a note.[^1]

{{#notes}}
It's the notes' paragraph.

[^1]: The note's text.
"""

PICTURE = """\
---
title: Pictured
reviewer: Ann Critic
---

A still: ![A frame of the film](still.png)
"""


def _entries(path: Path) -> dict[str, list[object]]:
    """The bodies the file keeps, by key."""
    entries: dict[str, list[object]] = json.loads(path.read_text())["bodies"]
    return entries


def _book(make_anthology: MakeAnthology) -> Path:
    files: dict[str, str | bytes | None] = {"reviews/alpha.md": None, "reviews/beta.md": None}
    for number in range(3):
        files[f"reviews/r{number}.md"] = REVIEW.format(title=f"Work {number}")
    return make_anthology(files)


def _load(book: Path, path: Path | None) -> Loaded:
    """The book loaded, its bodies then kept in the file ``path`` as a build that is
    done keeps them."""
    bodies = BodyCache(path) if path is not None else None
    loaded = api._load(api._open(book), bodies)
    if bodies is not None:
        bodies.save()
    return loaded


def _loaded_once(make_anthology: MakeAnthology, tmp_path: Path) -> tuple[Path, Path, Loaded]:
    """The book, the file of its bodies, and the book loaded once (its bodies kept)."""
    book = _book(make_anthology)
    path = tmp_path / "markdown.json"
    return book, path, _load(book, path)


def _reviews(loaded: Loaded) -> list[object]:
    return [review for section in loaded.anthology.sections for review in section.reviews]


def _rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the bodies rendered (not read back) from now on."""
    import octavo.load.markdown as markdown

    rendered: list[str] = []
    original = markdown._rendered

    def counting(text: str, doc_id: str, *args: object, **kwargs: object) -> object:
        rendered.append(doc_id)
        return original(text, doc_id, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(markdown, "_rendered", counting)
    return rendered


def test_a_rebuild_reads_every_body_back_and_gets_the_same_reviews(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _book(make_anthology)
    path = tmp_path / "out" / ".octavo-cache" / "markdown.json"
    fresh = _load(book, None)
    first = _load(book, path)
    assert len(_entries(path)) == 3
    rendered = _rendered(monkeypatch)
    written = path.stat().st_mtime_ns
    path.chmod(0o444)  # the same bodies: not written again
    again = _load(book, path)
    assert path.stat().st_mtime_ns == written
    assert rendered == []
    assert _reviews(again) == _reviews(first) == _reviews(fresh)
    assert [d.code for d in again.report.diagnostics] == [d.code for d in fresh.report.diagnostics]


def test_workers_read_the_bodies_back_and_keep_them_used(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read by forked workers, the bodies are used (not pruned) and the same."""
    book, path, alone = _loaded_once(make_anthology, tmp_path)
    monkeypatch.setattr(many_reviews, "PARALLEL_FROM", 2)
    monkeypatch.setattr(many_reviews, "_workers", lambda files: 2)
    shared = _load(book, path)
    assert _reviews(shared) == _reviews(alone)
    assert len(_entries(path)) == 3
    (book / "reviews" / "r2.md").write_text(REVIEW.format(title="Work 2 revised"))
    _load(book, path)  # rendered by a worker, and kept
    assert len(_entries(path)) == 3
    assert any("Work 2 revised" in str(html) for html, _ in _entries(path).values())


def test_a_changed_text_is_rendered_again_and_its_old_body_removed(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, path, _ = _loaded_once(make_anthology, tmp_path)
    before = set(_entries(path))
    changed = book / "reviews" / "r1.md"
    changed.write_text(REVIEW.format(title="Work 1 revised"), encoding="utf-8")
    rendered = _rendered(monkeypatch)
    loaded = _load(book, path)
    assert rendered == ["r-r1"]
    after = set(_entries(path))
    assert len(after) == 3
    assert len(after - before) == 1  # the old body pruned
    (review,) = [r for r in _reviews(loaded) if r.id == "r1"]  # type: ignore[attr-defined]
    assert "Work 1 revised" in review.body.html


def test_the_language_and_the_code_are_in_the_key(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, path, english = _loaded_once(make_anthology, tmp_path)
    manifest = book / "anthology.toml"
    manifest.write_text(manifest.read_text().replace('"en"', '"de"'), encoding="utf-8")
    rendered = _rendered(monkeypatch)
    german = _load(book, path)
    assert len(rendered) == 3
    html = [r.body.html for r in _reviews(german)]  # type: ignore[attr-defined]
    assert all("\u201e" in text for text in html)  # German quotes, not English ones
    assert html != [r.body.html for r in _reviews(english)]  # type: ignore[attr-defined]
    monkeypatch.setattr(body_cache, "code_digest", lambda: "another version of Octavo")
    rendered.clear()
    _load(book, path)
    assert len(rendered) == 3


def test_bodies_with_pictures_or_problems_are_not_kept(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    book = make_anthology(
        {
            "reviews/beta.md": None,
            "reviews/pictured.md": PICTURE,
            "reviews/still.png": png_bytes(),
            "reviews/unnamed.md": PICTURE.replace("A frame of the film", ""),  # R208
        }
    )
    path = tmp_path / "markdown.json"
    loaded = _load(book, path)
    assert any(d.code == "R208" for d in loaded.report.diagnostics)
    kept = [str(html) for html, _ in _entries(path).values()]
    assert len(kept) == 1  # alpha, the review without a picture
    assert not any("asset:" in html for html in kept)
    again = _load(book, path)
    assert [d.code for d in again.report.diagnostics] == [d.code for d in loaded.report.diagnostics]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda entry: entry.__setitem__(0, 7),
        lambda entry: entry.__setitem__(1, "many"),
        lambda entry: entry.__setitem__(1, True),
        lambda entry: entry.pop(),
    ],
)
def test_an_entry_that_does_not_read_back_is_rendered_again(
    make_anthology: MakeAnthology, tmp_path: Path, spoil: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, path, first = _loaded_once(make_anthology, tmp_path)
    data = json.loads(path.read_text())
    for entry in data["bodies"].values():
        spoil(entry)  # type: ignore[operator]
    data["bodies"]["0" * 64] = ["<p>Of no body now.</p>", 4]  # a key no body has
    path.write_text(json.dumps(data))
    rendered = _rendered(monkeypatch)
    assert _reviews(_load(book, path)) == _reviews(first)
    assert sorted(rendered) == ["r-r0", "r-r1", "r-r2"]
    assert len(_entries(path)) == 3  # written again, without the key no body has
    assert "0" * 64 not in _entries(path)


@pytest.mark.parametrize(
    "text", ['{"format": 2, "bodi', '{"format": 1, "bodies": {}}', "[]", '{"format": 2}']
)
def test_a_file_that_does_not_read_back_is_rendered_again(
    make_anthology: MakeAnthology, tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, path, first = _loaded_once(make_anthology, tmp_path)
    path.write_text(text)
    rendered = _rendered(monkeypatch)
    assert _reviews(_load(book, path)) == _reviews(first)
    assert len(rendered) >= 3
    assert len(_entries(path)) == 3


def test_an_earlier_versions_folder_of_bodies_is_removed(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    """Octavo kept a file a body in ``markdown/`` before: a build removes the folder."""
    book = _book(make_anthology)
    out = tmp_path / "dist"
    earlier = out / ".octavo-cache" / "markdown"
    earlier.mkdir(parents=True)
    (earlier / f"{'1' * 64}.json").write_text('{"format": 1}')
    api.build(book, out, formats=("html",))
    assert not earlier.exists()
    assert len(_entries(out / ".octavo-cache" / "markdown.json")) == 3


def test_a_build_keeps_its_bodies_in_its_cache_and_none_among_the_sources(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    book = _book(make_anthology)
    out = tmp_path / "dist"
    api.build(book, out, formats=("html",))
    assert len(_entries(out / ".octavo-cache" / "markdown.json")) == 3
    assert api._bodies(api._open(book), book / "reviews" / "out") is None
    assert api._bodies(api._open(book), book) is None
    api.build(book, tmp_path / "plain", formats=("html",), cache=False)
    assert not (tmp_path / "plain" / ".octavo-cache").exists()


def test_a_kept_body_outside_a_cache_is_never_written(tmp_path: Path) -> None:
    from octavo.model import Body

    nowhere = BodyCache(None)
    nowhere.put("k", Body(html="<p>x</p>", words=1))
    assert nowhere.get("k") is None
    kept = BodyCache(tmp_path / "m.json")
    kept.put("k", Body(html="<p>x</p>", words=1))
    assert kept.get("k") is None  # kept once saved
    kept.save()
    assert BodyCache(tmp_path / "m.json").get("k") == Body(html="<p>x</p>", words=1)


def test_the_files_bodies_are_let_go_once_the_book_is_read(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    """The reviews hold the bodies they use: the build's process does not keep a second
    copy of every body for the whole build (only their keys, to tell whether the file
    needs writing)."""
    book, path, _ = _loaded_once(make_anthology, tmp_path)
    bodies = BodyCache(path)
    assert len(bodies.kept) == 3
    api._load(api._open(book), bodies)
    assert bodies.kept == {}
    written = path.stat().st_mtime_ns
    bodies.save()
    assert path.stat().st_mtime_ns == written  # the same bodies: not written again


def test_a_build_stopped_by_an_error_keeps_no_body(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    from octavo.errors import ContentError

    book = _book(make_anthology)
    (book / "reviews" / "broken.md").write_text("---\ntitle: No reviewer\n---\n\nText.\n")
    out = tmp_path / "out"
    with pytest.raises(ContentError):
        api.build(book, out, formats=("html",))
    assert not out.exists()
