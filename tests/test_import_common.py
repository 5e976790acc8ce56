"""What every importer shares: the review file, the import record, and the CLI's report."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from octavo.api import build, load_anthology
from octavo.cli import app
from octavo.errors import ContentError
from octavo.importers.common import RECORD_NAME, Entry, FrontValue, Reading
from octavo.importers.markup import html_to_markdown
from octavo.importers.sources import source_path
from octavo.importers.writing import ImportResult, render_entry, write_entries

FIXTURES = Path(__file__).parent / "fixtures" / "imports"


def entry(key: str, title: str, body: str = "Text.", **fields: FrontValue) -> Entry:
    front: dict[str, FrontValue] = {"title": title, "reviewer": ["Ann Critic"], **fields}
    return Entry(key, front, body, f"test {key}")


def actions(result: ImportResult) -> list[tuple[str, str]]:
    return [(outcome.action, outcome.path.name) for outcome in result.outcomes]


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in folder.iterdir()}


def build_imported(book: Path, tmp_path: Path) -> None:
    """Build the anthology whose reviews/ were imported: an EPUB, with no error."""
    (book / "anthology.toml").write_text(
        'title = "Imported"\neditors = ["Ed Itor"]\nlanguage = "en"\n', encoding="utf-8"
    )
    built = build(book, tmp_path / "out", formats=("epub",))
    assert [output.format for output in built.outputs] == ["epub"]
    assert not built.report.errors


def load_all(book: Path) -> None:
    (book / "anthology.toml").write_text('title = "Imported"\n', encoding="utf-8")
    loaded = load_anthology(book)
    assert not loaded.report.errors


# --- the review file -----------------------------------------------------------------------


NASTY = ["NO", "0123", "12:30", "# x", "key: value", '"quoted"', "é — “curly” 🎬", "tab\tnl\n", ""]


@pytest.mark.parametrize("value", NASTY)
def test_front_matter_loads_back_exactly_in_octavo(tmp_path: Path, value: str) -> None:
    book = tmp_path / "book"
    text = render_entry(
        entry(
            "k",
            f"Title {value}",
            headline=f"Headline {value}",
            year=1953,
            published=date(2023, 3, 4),
            rating="3.5/5",
            tags=["a", value or "b"],
            isbn="0123",
        )
    )
    (book / "reviews").mkdir(parents=True)
    (book / "reviews" / "r.md").write_text(text, encoding="utf-8")
    (book / "anthology.toml").write_text('title = "T"\n', encoding="utf-8")
    [review] = load_anthology(book).anthology.reviews
    assert review.work.year == 1953
    assert review.published == date(2023, 3, 4)
    assert review.rating is not None
    assert review.rating.text == "3.5/5"
    assert review.extra == {"isbn": "0123"}
    assert review.reviewers == ("Ann Critic",)


def test_one_name_is_a_scalar_and_several_a_list() -> None:
    text = render_entry(entry("k", "T", creator=["A"], cast=["B", "C"]))
    assert 'creator: "A"\n' in text
    assert 'cast: ["B", "C"]\n' in text


# --- names -----------------------------------------------------------------------------------


def test_duplicate_titles_get_numbers_and_the_year_is_in_the_name(tmp_path: Path) -> None:
    reading = Reading(
        [entry("a", "Solaris", year=1972), entry("b", "Solaris", year=1972), entry("c", "Solaris")]
    )
    result = write_entries(reading, tmp_path)
    assert actions(result) == [
        ("created", "solaris-1972.md"),
        ("created", "solaris-1972-2.md"),
        ("created", "solaris.md"),
    ]


def test_an_entry_keeps_its_file_name_when_others_arrive(tmp_path: Path) -> None:
    write_entries(Reading([entry("b", "Solaris")]), tmp_path)
    # A new entry of the same title comes first in the source: it gets the new name.
    result = write_entries(Reading([entry("a", "Solaris"), entry("b", "Solaris")]), tmp_path)
    assert actions(result) == [("created", "solaris-2.md"), ("unchanged", "solaris.md")]


def test_a_retitled_entry_keeps_its_file(tmp_path: Path) -> None:
    write_entries(Reading([entry("a", "Amelei")]), tmp_path)
    result = write_entries(Reading([entry("a", "Amélie")]), tmp_path)
    assert actions(result) == [("updated", "amelei.md")]


# --- the record and hand edits ---------------------------------------------------------------


def test_record_lists_each_file_with_its_source_and_hash(tmp_path: Path) -> None:
    write_entries(Reading([entry("x:1", "Alpha")]), tmp_path)
    record = json.loads((tmp_path / RECORD_NAME).read_text(encoding="utf-8"))
    item = record["files"]["alpha.md"]
    assert item["source"] == "x:1"
    assert len(item["sha256"]) == 64


def test_importing_twice_touches_nothing(tmp_path: Path) -> None:
    reading = Reading([entry("a", "Alpha"), entry("b", "Beta")])
    write_entries(reading, tmp_path)
    before = snapshot(tmp_path)
    result = write_entries(reading, tmp_path)
    assert [outcome.action for outcome in result.outcomes] == ["unchanged", "unchanged"]
    assert snapshot(tmp_path) == before


def test_a_changed_entry_updates_its_file(tmp_path: Path) -> None:
    write_entries(Reading([entry("a", "Alpha", "Old.")]), tmp_path)
    result = write_entries(Reading([entry("a", "Alpha", "New.")]), tmp_path)
    assert actions(result) == [("updated", "alpha.md")]
    assert (tmp_path / "alpha.md").read_text(encoding="utf-8").endswith("\nNew.\n")


def test_a_file_edited_by_hand_is_skipped_unless_forced(tmp_path: Path) -> None:
    write_entries(Reading([entry("a", "Alpha", "Old.")]), tmp_path)
    edited = (tmp_path / "alpha.md").read_text(encoding="utf-8") + "\nMy own words.\n"
    (tmp_path / "alpha.md").write_text(edited, encoding="utf-8")
    record = (tmp_path / RECORD_NAME).read_bytes()

    result = write_entries(Reading([entry("a", "Alpha", "New.")]), tmp_path)

    [outcome] = result.outcomes
    assert outcome.action == "skipped"
    assert outcome.reason == "edited by hand since the last import; --force to overwrite it"
    assert (tmp_path / "alpha.md").read_text(encoding="utf-8") == edited
    assert (tmp_path / RECORD_NAME).read_bytes() == record
    # Importing again without --force still leaves the edit alone.
    assert write_entries(Reading([entry("a", "Alpha", "New.")]), tmp_path).count("skipped") == 1

    forced = write_entries(Reading([entry("a", "Alpha", "New.")]), tmp_path, force=True)
    assert actions(forced) == [("updated", "alpha.md")]
    assert "My own words" not in (tmp_path / "alpha.md").read_text(encoding="utf-8")
    again = write_entries(Reading([entry("a", "Alpha", "Newer.")]), tmp_path)
    assert actions(again) == [("updated", "alpha.md")]


def test_a_file_not_made_by_import_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "alpha.md").write_text("mine\n", encoding="utf-8")
    result = write_entries(Reading([entry("a", "Alpha")]), tmp_path)
    [outcome] = result.outcomes
    assert (outcome.action, outcome.reason) == (
        "skipped",
        "not made by octavo import; --force to overwrite it",
    )
    assert (tmp_path / "alpha.md").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / RECORD_NAME).exists()


def test_a_deleted_file_is_not_recreated_unless_forced(tmp_path: Path) -> None:
    write_entries(Reading([entry("a", "Alpha")]), tmp_path)
    (tmp_path / "alpha.md").unlink()
    result = write_entries(Reading([entry("a", "Alpha")]), tmp_path)
    assert result.outcomes[0].action == "skipped"
    assert "deleted" in (result.outcomes[0].reason or "")
    assert not (tmp_path / "alpha.md").exists()
    forced = write_entries(Reading([entry("a", "Alpha")]), tmp_path, force=True)
    assert actions(forced) == [("created", "alpha.md")]


def test_record_entries_of_other_sources_are_kept(tmp_path: Path) -> None:
    write_entries(Reading([entry("letterboxd:1", "Alpha")]), tmp_path)
    write_entries(Reading([entry("goodreads:1", "Alpha")]), tmp_path)
    record = json.loads((tmp_path / RECORD_NAME).read_text(encoding="utf-8"))
    assert {name: item["source"] for name, item in record["files"].items()} == {
        "alpha.md": "letterboxd:1",
        "alpha-2.md": "goodreads:1",
    }


@pytest.mark.parametrize(
    "record",
    [
        "{not json",
        '{"files": []}',
        '{"files": {"../escape.md": {"source": "a", "sha256": "0"}}}',
        '{"files": {"a.md": {"source": "a"}}}',
    ],
)
def test_an_unusable_record_is_I518(tmp_path: Path, record: str) -> None:
    (tmp_path / RECORD_NAME).write_text(record, encoding="utf-8")
    with pytest.raises(ContentError) as error:
        write_entries(Reading([entry("a", "Alpha")]), tmp_path)
    [diagnostic] = error.value.report.diagnostics
    assert (diagnostic.code, diagnostic.path) == ("I518", tmp_path / RECORD_NAME)
    assert not (tmp_path / "alpha.md").exists()


# --- sources ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["https://example.com/feed.xml", "http://x/y", "ftp://x/y"])
def test_a_web_address_is_refused_as_I508(url: str) -> None:
    with pytest.raises(ContentError) as error:
        source_path(url)
    [diagnostic] = error.value.report.diagnostics
    assert diagnostic.code == "I508"
    assert diagnostic.hint is not None
    assert "download" in diagnostic.hint


# --- HTML to Markdown ------------------------------------------------------------------------


def test_html_is_cleaned_for_a_review_file() -> None:
    converted = html_to_markdown(
        '<p onclick="x()" style="color:red">A <em>fine</em> film.</p>'
        "<script>alert(1)</script><style>p{}</style><iframe src='https://e'></iframe>"
        '<p><a href="/local">local</a> <a href="javascript:x()">js</a>'
        ' <a href="https://example.com/">web</a> <img src="https://e/i.png" alt="i"></p>'
        "<p>&lt;script&gt; &amp;amp; [^1] {.x} [a](b)</p><p># no heading</p><p>1. no list</p>"
    )
    assert converted.images_dropped == 1
    assert "alert" not in converted.text
    assert "iframe" not in converted.text
    assert "local js [web](https://example.com/)" in converted.text
    assert converted.text.startswith("A *fine* film.\n\n")


def test_line_breaks_become_paragraphs_and_breaks() -> None:
    converted = html_to_markdown("One\ntwo.\n\nThree.<br/><br/>Four.<br/>", line_breaks=True)
    assert converted.text == "One\\\ntwo.\n\nThree.\n\nFour."


def test_awkward_html_loads_without_error(tmp_path: Path) -> None:
    body = html_to_markdown(
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x&gt; &amp;amp; [^1] {.x}"
        " [a](b) | c | d |</p><p>---</p><p># no heading</p><p>- no list</p><p>+ no</p>"
        "<p>1) no list</p><p>&gt; no quote</p><p>==</p><pre><code>a < b &amp;&amp; c</code></pre>"
    ).text
    book = tmp_path / "book"
    (book / "reviews").mkdir(parents=True)
    text = render_entry(entry("k", "Awkward", body))
    (book / "reviews" / "awkward.md").write_text(text, encoding="utf-8")
    load_all(book)
    [review] = load_anthology(book).anthology.reviews
    html = review.body.html
    assert "&lt;script&gt;" in html
    assert "<script" not in html
    assert "<h" not in html
    assert "<li" not in html
    assert "<blockquote" not in html


# --- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["text", "feed", "letterboxd", "goodreads", "wordpress"])
def test_every_import_command_documents_its_source_and_options(command: str) -> None:
    result = CliRunner().invoke(app, ["import", command, "--help"])
    assert result.exit_code == 0
    assert "SOURCE" in result.output
    for option in ("--to", "--force", "--debug"):
        assert option in result.output


def test_cli_prints_each_file_and_a_summary(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "reviews"
    source = str(FIXTURES / "letterboxd-reviews.csv")
    args = ["import", "letterboxd", source, "--to", str(out), "--reviewer", "Ann Critic"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert f"created   {out / 'amelie-2001.md'}" in first.output
    assert "passed over letterboxd-reviews.csv row 8 (Playtime): no review text" in first.output
    assert first.output.rstrip().endswith(
        f"Imported 8 reviews into {out}: 8 created, 0 updated, 0 unchanged, 0 skipped;"
        " 1 entry passed over."
    )
    (out / "amelie-2001.md").write_text("mine\n", encoding="utf-8")
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert (
        f"skipped   {out / 'amelie-2001.md'}: edited by hand since the last import;"
        " --force to overwrite it"
    ) in second.output
    assert "0 created, 0 updated, 7 unchanged, 1 skipped" in second.output


def test_cli_refuses_a_url_without_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["import", "feed", "https://example.com/feed.xml", "--to", str(tmp_path / "r")]
    )
    assert result.exit_code == 1
    assert "error[I508]" in result.output
    assert "hint: download the file first" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "r").exists()


def test_cli_refuses_an_unknown_kind(tmp_path: Path) -> None:
    source = str(FIXTURES / "feed-rss.xml")
    result = CliRunner().invoke(
        app, ["import", "feed", source, "--to", str(tmp_path / "r"), "--kind", "opera"]
    )
    assert result.exit_code == 2
    assert "--kind must be one of" in result.output


def test_importing_beside_the_untouched_sample_says_so(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from octavo.scaffold import scaffold

    book = scaffold(tmp_path / "my-book").folder
    source = Path(__file__).parent / "fixtures" / "imports" / "goodreads_library_export.csv"
    to = book / "reviews"
    args = ["import", "goodreads", str(source), "--to", str(to), "--reviewer", "Ann Critic"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    sample = to / "the-lodger.md"
    assert f"note: {sample} is the sample review octavo new wrote, unchanged" in result.output
    assert f"rm {sample}" in result.output
    sample.unlink()
    again = CliRunner().invoke(app, args)
    assert "sample review" not in again.output
