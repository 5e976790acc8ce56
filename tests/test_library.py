"""``octavo list`` (a library's reviews, filtered and sorted) and ``octavo build --all``."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from octavo.cli import app
from octavo.library import parse_where, read_library

from .conftest import files_in

REVIEWS = {
    "night-train.md": """\
        ---
        title: The Night Train
        kind: film
        year: 1949
        reviewer: Ann Critic
        published: 2024-03-01
        rating: 7/10
        tags: [noir, thriller]
        ---

        A train, a night, a murder. Three sentences only here.
        """,
    "paper-moon.md": """\
        ---
        title: Paper Moon
        kind: book
        year: 1971
        creator: [Jo Writer, Al Writer]
        reviewer: [Ben Reader, Ann Critic]
        published: 2025-06-30
        headline: A Moon Made of Paper
        rating: 4/5
        tags: [Novel, comedy]
        ---

        A novel about a moon made of paper, read twice and liked both times by two people.
        """,
    "echoes.md": """\
        ---
        title: Echoes
        kind: album
        year: 1999
        reviewer: Cleo Listener
        rating: B+
        tags: [jazz]
        ---

        An album. Short.
        """,
    "an-unrated-play.md": """\
        ---
        title: An Unrated Play
        kind: stage
        year: 2010
        reviewer: Ben Reader
        published: 2023-01-15
        ---

        A play the critic would not score, with reasons given at some length here.
        """,
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return write(tmp_path / "library", REVIEWS)


def listed(runner: CliRunner, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["list", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    records: list[dict[str, object]] = json.loads(result.stdout)
    return records


# --- octavo list --------------------------------------------------------------------


def test_the_table_shows_every_review_and_its_metadata(runner: CliRunner, library: Path) -> None:
    result = runner.invoke(app, ["list", str(library)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = lines[0].split()
    assert header == ["Title", "Kind", "Year", "Reviewer", "Rating", "Date", "Tags", "Words", "ID"]
    # sorted by title, filed without its article: Echoes, Night Train, Paper Moon, Unrated
    titles = [line.split("  ")[0] for line in lines[1:5]]
    assert titles == ["Echoes", "The Night Train", "Paper Moon", "An Unrated Play"]
    assert "Ben Reader and Ann Critic" in result.stdout
    assert "2025-06-30" in result.stdout
    assert "novel, comedy" in result.stdout
    assert lines[-1].startswith("4 reviews in ")


def test_a_narrow_table_leaves_out_columns_instead_of_breaking_words(
    runner: CliRunner, library: Path
) -> None:
    result = runner.invoke(app, ["list", str(library)], env={"COLUMNS": "70"})
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 70 for line in result.stdout.splitlines()[:-1])
    assert "Date" not in result.stdout.splitlines()[0]
    assert "Paper Moon" in result.stdout


def test_csv(runner: CliRunner, library: Path) -> None:
    result = runner.invoke(app, ["list", str(library), "--format", "csv", "--sort", "year"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["id"] for row in rows] == ["night-train", "paper-moon", "echoes", "an-unrated-play"]
    moon = rows[1]
    assert moon["reviewers"] == "Ben Reader; Ann Critic"
    assert moon["creators"] == "Jo Writer; Al Writer"
    assert moon["tags"] == "novel; comedy"
    assert moon["rating"] == "4/5"
    assert moon["rating_scaled"] == "0.8"
    assert moon["file"] == "paper-moon.md"
    assert rows[3]["rating"] == ""
    assert "section" not in moon  # a plain library: no book to be in


def test_json(runner: CliRunner, library: Path) -> None:
    records = listed(runner, str(library), "--sort", "rating")
    # best first, on the common scale: 4/5 (0.8), B+ (0.75), 7/10 (0.7), unrated last
    assert [r["id"] for r in records] == ["paper-moon", "echoes", "night-train", "an-unrated-play"]
    echoes = records[1]
    assert echoes["rating"] == "B+"
    assert echoes["rating_scaled"] == round(9 / 12, 4)
    assert echoes["published"] is None
    assert records[0]["headline"] == "A Moon Made of Paper"
    assert records[0]["tags"] == ["novel", "comedy"]
    assert isinstance(records[0]["words"], int)


@pytest.mark.parametrize(
    ("expressions", "ids"),
    [
        (["kind=book"], ["paper-moon"]),
        (["KIND = Book"], ["paper-moon"]),  # keys and values ignore case and spaces
        (["tags=NOIR"], ["night-train"]),
        (["tag=comedy"], ["paper-moon"]),  # one of the tags
        (["reviewer=ann critic"], ["night-train", "paper-moon"]),  # one of the reviewers
        (["kind!=film"], ["an-unrated-play", "echoes", "paper-moon"]),
        (["tags!=jazz"], ["an-unrated-play", "night-train", "paper-moon"]),
        (["title~MOON"], ["paper-moon"]),
        (["title!~the"], ["an-unrated-play", "echoes", "paper-moon"]),
        (["tags~nov"], ["paper-moon"]),
        (["year<1971"], ["night-train"]),
        (["year<=1971"], ["night-train", "paper-moon"]),
        (["year>1999"], ["an-unrated-play"]),
        (["year>=1999"], ["an-unrated-play", "echoes"]),
        (["year=1999"], ["echoes"]),
        # ratings compare on the common scale: B+ is 0.75, 7/10 0.7, 4/5 0.8
        (["rating>=3/4"], ["echoes", "paper-moon"]),
        (["rating>7/10"], ["echoes", "paper-moon"]),
        (["rating<B+"], ["night-train"]),
        (["rating=8/10"], ["paper-moon"]),  # by value: 4/5
        (["rating!=4/5"], ["an-unrated-play", "echoes", "night-train"]),
        (["year!=1999"], ["an-unrated-play", "night-train", "paper-moon"]),
        (["rating~/"], ["night-train", "paper-moon"]),  # as written
        (["rating="], ["an-unrated-play"]),  # no value
        (["rating!="], ["echoes", "night-train", "paper-moon"]),
        (["date>=2024-01-01"], ["night-train", "paper-moon"]),
        (["published<2024-01-01"], ["an-unrated-play"]),
        (["words<5"], ["echoes"]),
        (["id=echoes"], ["echoes"]),
        (["file~moon"], ["paper-moon"]),
        (["headline~paper"], ["paper-moon"]),
        (["creator=al writer"], ["paper-moon"]),
        (["reviewer=Ben Reader", "year>2000"], ["an-unrated-play"]),  # all must hold
        (["kind=book", "kind=film"], []),
    ],
)
def test_where(runner: CliRunner, library: Path, expressions: list[str], ids: list[str]) -> None:
    options = [part for expression in expressions for part in ("--where", expression)]
    records = listed(runner, str(library), *options, "--sort", "id")
    assert [record["id"] for record in records] == ids


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("kind", "'kind' is not a filter"),
        ("=book", "'=book' is not a filter"),
        ("colour=red", "'colour' in 'colour=red' is not a key Octavo can filter on"),
        ("title<M", "'<' in 'title<M' compares numbers and dates, and title is text"),
        ("tags>=a", "and tags is text"),
        ("year>nineteen", "in 'year>nineteen': 'nineteen' is not a four-digit year"),
        ("rating>=9", "'9' is not a rating written as in a review (4/5, 3.5/4, B+)"),
        ("rating<6/5", "'6/5' is not a rating"),
        ("date<yesterday", "'yesterday' is not a date written as YYYY-MM-DD"),
        ("words>many", "'many' is not a whole number"),
        ("title~", "'title~' has no text to look for"),
    ],
)
def test_a_bad_expression_is_a_usage_error(
    runner: CliRunner, library: Path, expression: str, message: str
) -> None:
    result = runner.invoke(app, ["list", str(library), "--where", expression])
    assert result.exit_code == 2
    assert message in result.output
    assert "hint:" in result.output
    assert result.stdout == ""  # no listing


def test_a_bad_sort_order_is_a_usage_error(runner: CliRunner, library: Path) -> None:
    result = runner.invoke(app, ["list", str(library), "--sort", "colour"])
    assert result.exit_code == 2
    assert "'colour' is not a sort order" in result.output


def test_a_reverse_sort(runner: CliRunner, library: Path) -> None:
    records = listed(runner, str(library), "--sort", "-year")
    assert [r["year"] for r in records] == [2010, 1999, 1971, 1949]


def test_a_missing_folder_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["list", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "there is no folder" in result.output


def test_reviews_that_fail_are_reported_and_the_others_listed(
    runner: CliRunner, library: Path
) -> None:
    write(
        library,
        {
            "broken.md": "---\ntitle: Broken\nreviewer: X\nrating: eleventy\n---\n\nText.\n",
            "deep/untitled.md": "---\nreviewer: Y\n---\n\nText.\n",
        },
    )
    result = runner.invoke(app, ["list", str(library), "--format", "json"])
    assert result.exit_code == 1
    assert "error[R206] broken.md:4:" in result.stderr
    assert "error[R201] deep/untitled.md:1:" in result.stderr
    assert "Some files could not be read: 2 errors, 0 warnings" in result.stderr
    ids = sorted(str(record["id"]) for record in json.loads(result.stdout))
    assert ids == ["an-unrated-play", "echoes", "night-train", "paper-moon"]


def _shared(tmp_path: Path, library: Path, sections: str) -> Path:
    manifest = f'title = "Shared"\nreviews = "../{library.name}"\n' + textwrap.dedent(sections)
    return write(tmp_path / "shared", {"anthology.toml": manifest})


SECTIONS = """\
    [[sections]]
    title = "Pictures"
    select = { kind = "film" }

    [[sections]]
    title = "Words"
    include = ["../library/paper-moon.md"]
    """


def test_an_anthology_marks_its_reviews_and_their_sections(
    runner: CliRunner, library: Path, tmp_path: Path
) -> None:
    book = _shared(tmp_path, library, SECTIONS)
    records = listed(runner, str(book), "--sort", "book")
    assert [(r["id"], r["section"], r["place"]) for r in records] == [
        ("night-train", "Pictures", 1),
        ("paper-moon", "Words", 2),
        ("echoes", "", None),  # in the library, not in this book
        ("an-unrated-play", "", None),
    ]
    assert [r["id"] for r in listed(runner, str(book), "--where", "section=words")] == [
        "paper-moon"
    ]
    assert len(listed(runner, str(book), "--where", "section=")) == 2
    result = runner.invoke(app, ["list", str(book)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].split()[-1] == "Section"
    assert "4 reviews in library; 2 of those shown are in the book" in result.stdout.replace(
        str(tmp_path) + "/", ""
    )


def test_read_library_of_an_anthology_with_errors(library: Path, tmp_path: Path) -> None:
    book = _shared(tmp_path, library, SECTIONS.replace("paper-moon.md", "ghost.md"))
    listing = read_library(book)
    assert not listing.placed  # which reviews the book holds is unknown
    assert [d.code for d in listing.report.errors] == ["M105"]
    assert len(listing.entries) == 4


def test_an_anthology_with_errors_is_listed_with_unknown_sections(
    runner: CliRunner, library: Path, tmp_path: Path
) -> None:
    book = _shared(tmp_path, library, SECTIONS.replace("paper-moon.md", "ghost.md"))
    result = runner.invoke(app, ["list", str(book)], env={"COLUMNS": "160"})
    assert result.exit_code == 1
    assert "error[M105] anthology.toml:9: no file matches ../library/ghost.md" in result.stderr
    assert result.stdout.splitlines()[1].split()[-1] == "?"


def test_parse_where_keeps_its_text() -> None:
    assert parse_where("year>=1990").text == "year>=1990"


def test_list_has_help(runner: CliRunner) -> None:
    result = runner.invoke(app, ["list", "--help"])
    assert result.exit_code == 0
    for word in ("--where", "--sort", "--format", "key~text"):
        assert word in result.output


# --- octavo build --all ----------------------------------------------------------------

GOOD = """\
    title = "{title}"
    """
REVIEW = "---\ntitle: A Film\nreviewer: Ann Critic\n---\n\nText.\n"


def _anthology(root: Path, title: str, review: str = REVIEW) -> Path:
    return write(root, {"anthology.toml": GOOD.format(title=title), "reviews/film.md": review})


def test_build_all_builds_each_and_goes_on_after_a_failure(
    runner: CliRunner, tmp_path: Path
) -> None:
    shelf = tmp_path / "shelf"
    _anthology(shelf / "a", "Alpha Book")
    _anthology(shelf / "b" / "broken", "Broken Book", REVIEW.replace("Ann Critic", "")[:-1])
    _anthology(shelf / "c" / "nested", "Gamma Book")
    # never looked into: hidden folders, .venv, node_modules, the output folder
    for skipped in (".hidden", ".venv", "node_modules", "dist"):
        write(shelf / skipped / "x", {"anthology.toml": "not toml ["})
    out = shelf / "dist"
    result = runner.invoke(
        app, ["build", "--all", str(shelf), "--format", "epub", "--out", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert files_in(out) == ["alpha-book.epub", "gamma-book.epub", "x/anthology.toml"]
    output = result.output
    assert output.index(f"{shelf / 'a'}:") < output.index(f"{shelf / 'b' / 'broken'}:")
    assert output.index(f"{shelf / 'b' / 'broken'}:") < output.index(f"{shelf / 'c' / 'nested'}:")
    assert f"wrote {out / 'alpha-book.epub'}" in output
    assert f"wrote {out / 'gamma-book.epub'}" in output
    assert "error[R202] reviews/film.md:3: 'reviewer' must be a name" in output
    assert "Build stopped: 1 error, 0 warnings. Nothing was written." in output
    assert f"Built 2 of 3 anthologies; failed: {shelf / 'b' / 'broken'}" in output


def test_build_all_with_every_anthology_good(runner: CliRunner, tmp_path: Path) -> None:
    _anthology(tmp_path / "shelf" / "one", "One")
    _anthology(tmp_path / "shelf" / "two", "Two")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["build", "--all", str(tmp_path / "shelf"), "-f", "epub", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert files_in(out) == ["one.epub", "two.epub"]
    assert "Built 2 anthologies." in result.output


def test_build_all_refuses_two_anthologies_with_one_name(runner: CliRunner, tmp_path: Path) -> None:
    _anthology(tmp_path / "shelf" / "one", "Same Title")
    _anthology(tmp_path / "shelf" / "two", "Same  title!")
    _anthology(tmp_path / "shelf" / "zero", "Another")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", "--all", str(tmp_path / "shelf"), "-o", str(out)])
    assert result.exit_code == 2
    assert (
        f"{tmp_path / 'shelf' / 'one'} and {tmp_path / 'shelf' / 'two'} would both write"
        " same-title.pdf and same-title.epub" in result.output
    )
    assert files_in(out) == []  # nothing built, not even the others


def test_build_all_with_no_anthology_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--all", str(tmp_path)])
    assert result.exit_code == 2
    assert "there is no anthology.toml under" in result.output


def test_build_help_names_all(runner: CliRunner) -> None:
    result = runner.invoke(app, ["build", "--help"])
    assert result.exit_code == 0
    assert "--all" in result.output
