"""``octavo import goodreads``: the reviewed books of a Goodreads export as review files."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.api import load_anthology
from octavo.errors import ContentError
from octavo.importers.goodreads import import_goodreads

from .test_import_common import FIXTURES, actions, build_imported, snapshot

SAMPLE = FIXTURES / "goodreads_library_export.csv"


def test_sample_imports_and_builds(tmp_path: Path) -> None:
    book = tmp_path / "book"
    result = import_goodreads([SAMPLE], book / "reviews", reviewer="Ann Critic")
    assert actions(result) == [
        ("created", "the-odyssey.md"),
        ("created", "harry-potter-and-the-sorcerer-s-stone-harry-potter-1-1997.md"),
        ("created", "tarkovskii-zapechatlennoe-vremia-1986.md"),
        ("created", "dong-jing-wu-yu-1994.md"),
        ("created", "the-odyssey-2.md"),
    ]
    assert [p.reason for p in result.passed] == ["no review", "no review"]
    assert result.outcomes[0].entry.notes == (
        "year -700 left out: a review file's year has four digits",
    )
    assert result.outcomes[2].entry.notes == ("1 image dropped",)
    build_imported(book, tmp_path)
    reviews = {r.path.name: r for r in load_anthology(book).anthology.reviews}
    odyssey = reviews["the-odyssey.md"]
    assert odyssey.work.kind == "book"
    assert odyssey.work.year is None
    assert odyssey.work.creators == ("Homer", "Robert Fagles", "Bernard Knox")
    assert odyssey.tags == ("classics", "epic")
    assert odyssey.extra == {"isbn": "9780143039952"}
    assert odyssey.body.html.count("<p") == 2
    potter = reviews["harry-potter-and-the-sorcerer-s-stone-harry-potter-1-1997.md"]
    assert potter.rating is None
    assert potter.published is None
    assert "isbn" not in potter.extra
    tarkovsky = reviews["tarkovskii-zapechatlennoe-vremia-1986.md"]
    assert tarkovsky.work.creators == ("Андрей Тарковский",)
    assert tarkovsky.extra == {"isbn": "5050000000"}
    assert 'href="https://en.wikipedia.org/wiki/Sculpting_in_Time"' in tarkovsky.body.html
    assert "javascript" not in tarkovsky.body.html


def test_front_matter_of_a_row(tmp_path: Path) -> None:
    import_goodreads([SAMPLE], tmp_path, reviewer="Ann Critic")
    assert (tmp_path / "the-odyssey-2.md").read_text(encoding="utf-8") == (
        "---\n"
        'title: "The Odyssey"\n'
        "kind: book\n"
        'creator: ["Homer", "Emily Wilson"]\n'
        'reviewer: "Ann Critic"\n'
        "published: 2022-02-20\n"
        'rating: "4/5"\n'
        'tags: ["classics", "epic"]\n'
        'isbn: "9780393089059"\n'
        "---\n"
        "\n"
        'Wilson\'s Odysseus is "complicated", not "of many turns", and the whole poem'
        " changes with that one word.\n"
    )


def test_importing_twice_changes_nothing(tmp_path: Path) -> None:
    import_goodreads([SAMPLE], tmp_path, reviewer="Ann Critic")
    before = snapshot(tmp_path)
    import_goodreads([SAMPLE], tmp_path, reviewer="Ann Critic")
    assert snapshot(tmp_path) == before


def test_a_bad_rating_is_I513(tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0]
    path = tmp_path / "export.csv"
    row = "1,Title,Author,,,,,7,4,,,,,,,,,,read,Text.,,,1,0\n"
    path.write_text(header + row, encoding="utf-8")
    with pytest.raises(ContentError) as error:
        import_goodreads([path], tmp_path / "out", reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.line) == ("I513", 2)
    assert "My Rating must be 0 (unrated) to 5" in diagnostic.message


def test_a_letterboxd_file_is_not_a_goodreads_export(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as error:
        import_goodreads([FIXTURES / "letterboxd-reviews.csv"], tmp_path, reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert diagnostic.code == "I512"
    assert "a Goodreads library export" in diagnostic.message
