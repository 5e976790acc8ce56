"""``octavo import feed``: a saved RSS or Atom feed as review files, never fetched."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from octavo.api import build, load_anthology
from octavo.errors import ContentError
from octavo.importers.feed import import_feed
from octavo.importers.feed_common import date_in_own_offset

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
    assert diagnostic.message == "entry 1 (Film) names no author, and neither does the feed"
    assert not (tmp_path / "out").exists()


def test_many_entries_without_an_author_are_one_I517(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    items = "".join(
        f"<item><title>Film {n}</title><description>Text.</description></item>"
        for n in range(1, 20)
    )
    feed.write_text(
        f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>', encoding="utf-8"
    )
    with pytest.raises(ContentError) as error:
        import_feed([feed], tmp_path / "out")
    [diagnostic] = error.value.report.diagnostics
    assert diagnostic.message == (
        "entry 1 (Film 1) and 18 more name no author, and neither does the feed"
    )


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


# --- dates as the feed showed them ----------------------------------------------------------

FEEDS = FIXTURES / "feeds"


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("Sun, 6 Feb 2022 06:32:58 +1300", date(2022, 2, 6)),  # UTC: 5 February
        ("Sat, 31 Oct 2020 23:30:00 -0700", date(2020, 10, 31)),  # UTC: 1 November
        ("Wed, 11 Nov 2020 07:55:05 GMT", date(2020, 11, 11)),
        ("2024-03-02T07:10:00+08:00", date(2024, 3, 2)),  # UTC: 1 March
        ("2024-03-01T21:45:00-10:00", date(2024, 3, 1)),  # UTC: 2 March
        ("2024-02-29T23:30:00Z", date(2024, 2, 29)),
        ("2024-02-29t23:30:00z", date(2024, 2, 29)),
        ("2024-02-28", date(2024, 2, 28)),
        ("yesterday", None),
        ("", None),
    ],
)
def test_a_date_is_read_in_its_own_offset(written: str, day: date | None) -> None:
    assert date_in_own_offset(written) == day


def test_entry_dates_are_the_days_the_feed_showed(tmp_path: Path) -> None:
    result = import_feed([FEEDS / "dates-atom.xml"], tmp_path)
    published = {o.path.name: o.entry.fields.get("published") for o in result.outcomes}
    assert published == {
        "early-in-manila.md": date(2024, 3, 2),
        "late-in-honolulu.md": date(2024, 3, 1),
        "at-greenwich.md": date(2024, 2, 29),
        "only-a-day.md": date(2024, 2, 28),
    }


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("Thu Sep 15 20:30:49 -0700 2016", date(2016, 9, 15)),  # Goodreads' API form
        ("2016-09-15 20:30:49 -0700", date(2016, 9, 15)),
        ("15 Sep 2016", date(2016, 9, 15)),  # only feedparser reads it: its (UTC) day
    ],
)
def test_other_date_forms(tmp_path: Path, written: str, day: date) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>T</title><item><title>Film</title>'
        f"<pubDate>{written}</pubDate>"
        "<description>Text.</description></item></channel></rss>",
        encoding="utf-8",
    )
    [outcome] = import_feed([feed], tmp_path / "out", reviewer="A").outcomes
    assert outcome.entry.fields["published"] == day


# --- Letterboxd -----------------------------------------------------------------------------


def test_a_letterboxd_feed_gives_film_reviews(tmp_path: Path) -> None:
    result = import_feed([FEEDS / "letterboxd.xml"], tmp_path / "reviews", kind="book")
    assert actions(result) == [
        ("created", "the-lighthouse-keeper-s-daughter-2019.md"),
        ("created", "night-ferries-2020.md"),
        ("created", "salt-and-cinder-2018.md"),
        ("created", "tidewater-2017.md"),
    ]
    assert [(p.origin, p.reason) for p in result.passed] == [
        ("letterboxd.xml entry 2 (Paper Moon Harbour (2021))", "a diary entry with no review text"),
        ("letterboxd.xml entry 4 (Films with boats in them)", "a list, not a review"),
    ]
    lighthouse = result.outcomes[0]
    assert lighthouse.entry.fields == {
        "title": "The Lighthouse Keeper's Daughter",
        "kind": "film",
        "year": 2019,
        "reviewer": ["Marta Quill"],
        "publication": "Letterboxd",
        "published": date(2022, 2, 6),
        "rating": "4.5/5",
        "watched": date(2022, 2, 5),
        "rewatch": "yes",
        "tmdb_id": "424242",
    }
    assert lighthouse.entry.notes == ()  # the poster is no image of the review's
    assert lighthouse.entry.body.startswith("A second look, and the fog is kinder")
    ferries = result.outcomes[1].entry.fields
    assert (ferries["kind"], ferries["tmdb_id"], "rating" in ferries) == ("series", "515151", False)
    assert result.outcomes[2].entry.fields["rating"] == "1.5/5"
    written = (tmp_path / "reviews" / "salt-and-cinder-2018.md").read_text(encoding="utf-8")
    assert "★" not in written
    tidewater = result.outcomes[3].entry
    assert tidewater.fields["spoilers"] is True
    assert tidewater.body == (
        "The keeper was the ghost all along, and the film knows you guessed it by the second tide."
    )
    assert not any("spoilers" in o.entry.fields for o in result.outcomes[:3])


@pytest.mark.parametrize("name", ["letterboxd.xml", "goodreads-shelf.xml"])
def test_reviewer_replaces_a_sites_handle(tmp_path: Path, name: str) -> None:
    result = import_feed([FEEDS / name], tmp_path, reviewer="Ann Critic")
    assert {tuple(o.entry.fields["reviewer"]) for o in result.outcomes} == {("Ann Critic",)}


def test_reviewer_does_not_replace_a_blog_entrys_author(tmp_path: Path) -> None:
    result = import_feed([FEEDS / "dates-atom.xml"], tmp_path, reviewer="Ann Critic")
    assert {tuple(o.entry.fields["reviewer"]) for o in result.outcomes} == {("Lito Manalo",)}


def test_a_letterboxd_feed_builds_with_its_titles_and_extra_keys(tmp_path: Path) -> None:
    book = tmp_path / "book"
    import_feed([FEEDS / "letterboxd.xml"], book / "reviews")
    build_imported(book, tmp_path)
    reviews = {r.path.name: r for r in load_anthology(book).anthology.reviews}
    lighthouse = reviews["the-lighthouse-keeper-s-daughter-2019.md"]
    assert lighthouse.work.title == "The Lighthouse Keeper’s Daughter"
    assert lighthouse.work.year == 2019
    assert lighthouse.published == date(2022, 2, 6)
    assert lighthouse.rating is not None
    assert lighthouse.rating.text == "4.5/5"
    assert lighthouse.extra["watched"] == date(2022, 2, 5)
    assert lighthouse.extra["rewatch"] == "yes"
    assert "<em>every</em>" in lighthouse.body.html


# --- Goodreads ------------------------------------------------------------------------------


def test_a_goodreads_shelf_gives_book_reviews(tmp_path: Path) -> None:
    result = import_feed([FEEDS / "goodreads-shelf.xml"], tmp_path / "reviews")
    assert actions(result) == [
        ("created", "the-orchard-keeper-s-almanac-seasons-2-2014.md"),
        ("created", "kalendaryo-ng-ulan.md"),
    ]
    assert [(p.origin, p.reason) for p in result.passed] == [
        ("goodreads-shelf.xml entry 2 (A Field Guide to Small Rain)", "no review")
    ]
    orchard = result.outcomes[0].entry
    assert orchard.fields == {
        "title": "The Orchard Keeper's Almanac (Seasons, #2)",
        "kind": "book",
        "year": 2014,
        "creator": ["Ilse Varga"],
        "reviewer": ["Ines"],
        "publication": "Goodreads",
        "published": date(2020, 10, 31),
        "rating": "4/5",
        "read": date(2020, 10, 30),
        "tags": ["nature", "favourites"],
        "isbn": "0123456789",
    }
    # the review only: not the description's "author: ... rating: ..." block
    assert orchard.body.startswith("Slow in the way good weather is slow.\n\nThe *March*")
    assert "author:" not in orchard.body
    assert "average rating" not in orchard.body
    unrated = result.outcomes[1].entry.fields
    assert unrated == {
        "title": "Kalendaryo ng Ulan",
        "kind": "book",
        "creator": ["Lorna Dizon"],
        "reviewer": ["Ines"],
        "publication": "Goodreads",
        "published": date(2020, 11, 2),
        "tags": ["tagalog"],
        "spoilers": True,
        "isbn": "9780000000002",
    }
    assert "spoilers" not in orchard.fields


def test_a_goodreads_shelf_without_its_fields_is_read_from_the_description(
    tmp_path: Path,
) -> None:
    result = import_feed([FEEDS / "goodreads-block.xml"], tmp_path / "reviews")
    assert [(p.origin.split(" (")[0], p.reason) for p in result.passed] == [
        ("goodreads-block.xml entry 2", "no review")
    ]
    [outcome] = result.outcomes
    assert outcome.entry.fields == {
        "title": "Notes from a Quiet Harbour",
        "kind": "book",
        "year": 2009,
        "creator": ["Pia Lund"],
        "reviewer": ["Ines"],
        "publication": "Goodreads",
        "published": date(2021, 3, 16),
        "rating": "3/5",
        "read": date(2021, 3, 14),
        "tags": ["essays", "sea"],
    }
    assert outcome.entry.body == (
        "Twelve essays, eleven about boats.\n\nThe twelfth is about waiting for one."
    )


def test_a_goodreads_shelf_names_its_owner_when_entries_do_not(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>Ana Cruz’s bookshelf: read</title><item>'
        "<title>Book</title><book_id>1</book_id><user_review>Good.</user_review>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    [outcome] = import_feed([feed], tmp_path / "out").outcomes
    assert outcome.entry.fields["reviewer"] == ["Ana Cruz"]


# --- every site's feed ----------------------------------------------------------------------


SITE_FEEDS = ["letterboxd.xml", "goodreads-shelf.xml", "goodreads-block.xml", "dates-atom.xml"]


def test_importing_site_feeds_twice_changes_nothing(tmp_path: Path) -> None:
    sources = [FEEDS / name for name in SITE_FEEDS]
    import_feed(sources, tmp_path)
    before = snapshot(tmp_path)
    second = import_feed(sources, tmp_path)
    assert {outcome.action for outcome in second.outcomes} == {"unchanged"}
    assert snapshot(tmp_path) == before


def test_the_printed_book_has_no_backslash_or_star_the_feeds_did_not(tmp_path: Path) -> None:
    book = tmp_path / "book"
    import_feed([FEEDS / name for name in SITE_FEEDS], book / "reviews")
    (book / "anthology.toml").write_text(
        'title = "Imported"\neditors = ["Ed Itor"]\nlanguage = "en"\n', encoding="utf-8"
    )
    built = build(book, tmp_path / "out", formats=("pdf",))
    assert not built.report.errors
    [pdf] = [output.path for output in built.outputs]
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    words = " ".join(text.split())
    # the ones the feeds wrote, as written
    assert "C:\\films\\keepers" in words
    assert "4.5 * 2 = 9" in words
    assert "2 * 2 apples" in words
    assert "A\\B" in words
    # and no other
    assert text.count("\\") == 3
    assert text.count("*") == 2
    assert "★" not in text


def test_a_feed_saved_as_utf16_is_read(tmp_path: Path) -> None:
    # A real Goodreads feed was saved by a shell redirect as UTF-16, still declaring UTF-8.
    feed = tmp_path / "feed.xml"
    text = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>Rui’s bookshelf: read</title><item><title>Memórias</title>"
        "<book_id>9</book_id><user_review>Ótimo.</user_review></item></channel></rss>"
    )
    feed.write_bytes(text.encode("utf-16"))
    [outcome] = import_feed([feed], tmp_path / "out").outcomes
    assert (outcome.entry.title, outcome.entry.body) == ("Memórias", "Ótimo.")
    assert outcome.entry.fields["reviewer"] == ["Rui"]
