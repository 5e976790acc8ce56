"""``octavo import feed``: a saved RSS or Atom feed as review files, never fetched."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from octavo.api import load_anthology
from octavo.errors import ContentError
from octavo.importers.feed import import_feed

from .test_import_common import FIXTURES, actions, build_imported, snapshot

RSS = FIXTURES / "feed-rss.xml"
ATOM = FIXTURES / "feed-atom.xml"


def test_rss_and_atom_import_and_build(tmp_path: Path) -> None:
    book = tmp_path / "book"
    result = import_feed([RSS, ATOM], book / "reviews")
    assert actions(result) == [
        ("created", "amelie.md"),
        ("created", "dong-jing-wu-yu.md"),
        ("created", "amelie-2.md"),
        ("created", "the-odyssey-again.md"),
        ("created", "tarkovskii-zapechatlennoe-vremia.md"),
        ("created", "playtime.md"),
    ]
    assert [(p.origin, p.reason) for p in result.passed] == [("feed-rss.xml entry 4", "no title")]
    assert result.outcomes[0].entry.notes == ("1 image dropped",)
    build_imported(book, tmp_path)
    reviews = {r.path.name: r for r in load_anthology(book).anthology.reviews}
    amelie = reviews["amelie.md"]
    assert amelie.reviewers == ("Odile Marchand",)
    assert amelie.publication == "The Flickering Lamp"
    assert amelie.published == date(2023, 2, 11)
    assert amelie.tags == ("romance", "paris")
    html = amelie.body.html
    for gone in ("script", "iframe", "onclick", "style=", "/tag/paris/", "<img"):
        assert gone not in html
    assert 'href="https://www.imdb.com/title/tt0211915/"' in html
    assert 'href="mailto:odile@flickeringlamp.example.com"' in html
    # RSS's <author>e-mail (name)</author> gives the name
    assert reviews["dong-jing-wu-yu.md"].reviewers == ("Odile Marchand",)
    assert "&lt;b&gt;not bold&lt;/b&gt;" in reviews["dong-jing-wu-yu.md"].body.html
    odyssey = reviews["the-odyssey-again.md"]
    assert odyssey.work.title == "The Odyssey, Again"
    assert odyssey.reviewers == ("Ines Kowalczyk",)  # the feed's author
    assert odyssey.tags == ("classics", "epic")
    assert reviews["tarkovskii-zapechatlennoe-vremia.md"].published == date(2022, 11, 5)
    playtime = reviews["playtime.md"]
    assert "&lt;not a tag&gt; &amp; more" in playtime.body.html


def test_kind_and_reviewer_options(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>T</title><item><title>Book</title>'
        "<description>Text.</description></item></channel></rss>",
        encoding="utf-8",
    )
    import_feed([feed], tmp_path / "out", kind="book", reviewer="Ann Critic")
    written = (tmp_path / "out" / "book.md").read_text(encoding="utf-8")
    assert "kind: book\n" in written
    assert 'reviewer: "Ann Critic"\n' in written


def test_an_entry_without_an_author_needs_reviewer_I517(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>T</title><item><title>Film</title>'
        "<description>Text.</description></item></channel></rss>",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as error:
        import_feed([feed], tmp_path / "out")
    [diagnostic] = error.value.report.diagnostics
    assert diagnostic.code == "I517"
    assert diagnostic.hint == "give the byline with --reviewer NAME"
    assert not (tmp_path / "out").exists()


def test_importing_twice_changes_nothing(tmp_path: Path) -> None:
    import_feed([RSS], tmp_path)
    before = snapshot(tmp_path)
    import_feed([RSS], tmp_path)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "content",
    [b"<html><body><p>A blog page</p></body></html>", b"just text", b""],
)
def test_not_a_feed_is_I514(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(content)
    with pytest.raises(ContentError) as error:
        import_feed([path], tmp_path / "out")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.path) == ("I514", path)
    assert "not an RSS or Atom feed" in diagnostic.message


def test_a_url_is_refused_and_nothing_is_fetched(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as error:
        import_feed(["https://flickeringlamp.example.com/feed.xml"], tmp_path / "out")
    assert [d.code for d in error.value.report.diagnostics] == ["I508"]


def test_external_entities_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    feed = tmp_path / "feed.xml"
    feed.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>T</title><item><title>Film</title>'
        "<description>Text &x;.</description></item></channel></rss>",
        encoding="utf-8",
    )
    import_feed([feed], tmp_path / "out", reviewer="A")
    assert "TOP SECRET" not in (tmp_path / "out" / "film.md").read_text(encoding="utf-8")
