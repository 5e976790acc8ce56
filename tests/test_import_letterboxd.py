"""``octavo import letterboxd``: a Letterboxd reviews.csv as film review files."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.api import load_anthology
from octavo.errors import ContentError
from octavo.importers.letterboxd import import_letterboxd

from .test_import_common import FIXTURES, actions, build_imported, snapshot

SAMPLE = FIXTURES / "letterboxd-reviews.csv"
HEADER = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n"


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_sample_imports_and_builds(tmp_path: Path) -> None:
    book = tmp_path / "book"
    result = import_letterboxd([SAMPLE], book / "reviews", reviewer="Ann Critic")
    assert actions(result) == [
        ("created", "amelie-2001.md"),
        ("created", "solaris-1972.md"),
        ("created", "dong-jing-wu-yu-1953.md"),
        ("created", "soliaris-1972.md"),
        ("created", "solaris-2002.md"),
        ("created", "solaris-1972-2.md"),
        ("created", "the-good-the-bad-and-the-ugly-1966.md"),
        ("created", "stalker-1979.md"),
    ]
    assert [(p.origin, p.reason) for p in result.passed] == [
        ("letterboxd-reviews.csv row 8 (Playtime)", "no review text")
    ]
    build_imported(book, tmp_path)
    reviews = {r.path.name: r for r in load_anthology(book).anthology.reviews}
    tokyo = reviews["dong-jing-wu-yu-1953.md"]
    assert (tokyo.work.title, tokyo.work.year, tokyo.work.kind) == ("東京物語", 1953, "film")
    assert tokyo.rating is not None
    assert tokyo.rating.text == "5/5"
    assert "<strong>Nothing</strong>" in tokyo.body.html
    assert tokyo.body.html.count("<p") == 2
    ugly = reviews["the-good-the-bad-and-the-ugly-1966.md"]
    assert ugly.work.title == "The Good, the Bad and the Ugly"
    assert ugly.rating is not None
    assert ugly.rating.text == "0.5/5"
    assert "<script" not in reviews["stalker-1979.md"].body.html
    assert reviews["stalker-1979.md"].rating is None


def test_front_matter_of_a_row(tmp_path: Path) -> None:
    import_letterboxd([SAMPLE], tmp_path, reviewer="Ann Critic")
    assert text(tmp_path / "amelie-2001.md") == (
        "---\n"
        'title: "Amélie"\n'
        "kind: film\n"
        "year: 2001\n"
        'reviewer: "Ann Critic"\n'
        "published: 2023-02-11\n"
        'rating: "4.5/5"\n'
        'tags: ["paris", "romance"]\n'
        "---\n"
        "\n"
        "A film that *believes* in coincidence the way other films believe in gravity.\n"
        "\n"
        "Jeunet's Paris is a postcard, and he knows it; the joke is that Amélie knows it"
        " too.\n"
    )
    assert 'Long? Yes. "Too long", some say' in text(tmp_path / "soliaris-1972.md")


def test_importing_twice_changes_nothing(tmp_path: Path) -> None:
    import_letterboxd([SAMPLE], tmp_path, reviewer="Ann Critic")
    before = snapshot(tmp_path)
    again = import_letterboxd([SAMPLE], tmp_path, reviewer="Ann Critic")
    assert {outcome.action for outcome in again.outcomes} == {"unchanged"}
    assert snapshot(tmp_path) == before


def write(tmp_path: Path, rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "reviews.csv"
    path.write_text(header + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize("rating", ["7", "4.3", "0", "5.5", "three"])
def test_a_bad_rating_is_I513_with_its_line(tmp_path: Path, rating: str) -> None:
    rows = '2023-01-01,Good,2000,https://boxd.it/a,4,,"Fine.\n\nTwo lines.",,\n'
    rows += f"2023-01-02,Bad,2000,https://boxd.it/b,{rating},,Text.,,\n"
    with pytest.raises(ContentError) as error:
        import_letterboxd([write(tmp_path, rows)], tmp_path / "out", reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.line) == ("I513", 5)
    assert diagnostic.message.startswith("row 2 (Bad): Rating must be 0.5 to 5 in halves")
    assert not (tmp_path / "out").exists()


def test_every_bad_row_is_reported(tmp_path: Path) -> None:
    rows = "2023-01-01,A,twenty,https://boxd.it/a,4,,Text.,,\n"
    rows += "01/02/2023,B,2000,https://boxd.it/b,4,,Text.,,\n"
    rows += ",,2000,https://boxd.it/c,4,,Text.,,\n"
    with pytest.raises(ContentError) as error:
        import_letterboxd([write(tmp_path, rows)], tmp_path / "out", reviewer="A")
    assert [(d.code, d.line) for d in error.value.report.diagnostics] == [
        ("I513", 2),
        ("I513", 3),
        ("I513", 4),
    ]


def test_missing_columns_are_I512(tmp_path: Path) -> None:
    path = write(
        tmp_path, "2023-01-01,A,2000,https://boxd.it/a\n", "Date,Name,Year,Letterboxd URI\n"
    )
    with pytest.raises(ContentError) as error:
        import_letterboxd([path], tmp_path / "out", reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.line) == ("I512", 1)
    assert "Review" in diagnostic.message
    assert "Letterboxd's reviews.csv" in diagnostic.message


def test_broken_quoting_is_I511(tmp_path: Path) -> None:
    path = write(tmp_path, '2023-01-01,A,2000,https://boxd.it/a,4,,"Unclosed, text,,\n')
    with pytest.raises(ContentError) as error:
        import_letterboxd([path], tmp_path / "out", reviewer="A")
    assert [d.code for d in error.value.report.diagnostics] == ["I511"]


def test_not_utf8_is_I510(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_bytes((HEADER + "2023-01-01,Amélie,2001,u,4,,Text.,,\n").encode("latin-1"))
    with pytest.raises(ContentError) as error:
        import_letterboxd([path], tmp_path / "out", reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.line) == ("I510", 2)


def test_a_missing_file_is_I509(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as error:
        import_letterboxd([tmp_path / "nope.csv"], tmp_path / "out", reviewer="A")
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.path) == ("I509", tmp_path / "nope.csv")
