"""The checks before rendering (load/markdown_checks.py): each refusal names its code,
file, line and a fix, at any depth of lists, quotes and notes.

Every review here has four lines of front matter, so its body begins on line 5.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from octavo.api import build, load_anthology
from octavo.cli import app
from octavo.diagnostics import Diagnostic
from octavo.errors import ContentError

from .conftest import MakeAnthology

HEAD = "---\ntitle: Alpha\nreviewer: Ann Critic\n---\n"
#: The line of the body's first line in the review file.
BODY = 5


def review(body: str) -> dict[str, str | bytes | None]:
    return {"reviews/alpha.md": HEAD + body, "reviews/beta.md": None}


def errors(make_anthology: MakeAnthology, body: str) -> list[Diagnostic]:
    """The errors loading a review with ``body`` gives (none: an empty list)."""
    try:
        load_anthology(make_anthology(files=review(body)))
    except ContentError as error:
        return error.report.errors
    return []


def only_error(make_anthology: MakeAnthology, body: str) -> Diagnostic:
    found = errors(make_anthology, body)
    assert len(found) == 1, [d.format() for d in found]
    (error,) = found
    assert error.path is not None
    assert error.path.name == "alpha.md"
    assert error.hint
    return error


# --- table cells markdown-it would drop ----------------------------------------------

TABLE_PLACES = {
    "top": ("| a | b |\n|---|---|\n| 1 | 2 | 3 |\n", 2),
    "list item": ("- | a | b |\n  |---|---|\n  | 1 | 2 | 3 |\n", 2),
    "quote": ("> | a | b |\n> |---|---|\n> | 1 | 2 | 3 |\n", 2),
    "list in quote in list": (
        "1. > - Item\n     >\n     >   | a | b |\n     >   |---|---|\n     >   | 1 | 2 | 3 |\n",
        4,
    ),
    "note's first line": (
        "Text[^n].\n\n[^n]: | a | b |\n    |---|---|\n    | 1 | 2 | 3 |\n",
        4,
    ),
    "definition": ("Term\n: | a | b |\n  |---|---|\n  | 1 | 2 | 3 |\n", 3),
    "tab-indented": ("-\t| a | b |\n\t|---|---|\n\t| 1 | 2 | 3 |\n", 2),
}


@pytest.mark.parametrize("place", TABLE_PLACES)
def test_extra_table_cells_are_an_error_at_any_depth(
    make_anthology: MakeAnthology, place: str
) -> None:
    body, row = TABLE_PLACES[place]
    error = only_error(make_anthology, body)
    assert error.code == "R222"
    assert error.line == BODY + row
    assert error.message.startswith("this table row has 3 cells but the header has 2")
    assert error.hint == "add columns to the header, or merge the extra cells"


@pytest.mark.parametrize("place", TABLE_PLACES)
def test_tables_that_lose_nothing_pass_at_any_depth(
    make_anthology: MakeAnthology, place: str
) -> None:
    body, _ = TABLE_PLACES[place]
    assert errors(make_anthology, body.replace("| 1 | 2 | 3 |", "| 1 | 2 \\| 3 |")) == []
    assert errors(make_anthology, body.replace("| 1 | 2 | 3 |", "| 1 |")) == []


def test_a_pipe_in_code_gets_the_hint_to_escape_it(make_anthology: MakeAnthology) -> None:
    error = only_error(make_anthology, "> | a | b |\n> |---|---|\n> | 1 | `x|y` |\n")
    assert (error.code, error.line) == ("R222", BODY + 2)
    assert error.hint == "a | inside `code` still separates cells: write it as \\|"
    assert errors(make_anthology, "| a | b |\n|---|---|\n| 1 | `x\\|y` |\n") == []


# --- notes markdown-it would drop ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("> A quote.\n>\n> [^lost]: The note.\n", 2),
        ("- Item\n\n  > - Deep\n  >\n  >   [^lost]: The note.\n", 4),
        ("Text[^n].\n\n[^n]: A note.\n\n    > [^lost]: The note.\n", 4),
    ],
)
def test_a_note_nobody_calls_is_an_error_at_any_depth(
    make_anthology: MakeAnthology, body: str, line: int
) -> None:
    found = errors(make_anthology, body)
    (error,) = [d for d in found if "never referenced" in d.message]
    assert (error.code, error.line) == ("R221", BODY + line)
    assert error.message == "the footnote [^lost] is never referenced, so its text would be lost"


def test_notes_defined_in_quotes_and_lists_and_called_pass(make_anthology: MakeAnthology) -> None:
    body = "A call[^a] and another[^b].\n\n> [^a]: In a quote.\n\n- [^b]: In a list.\n"
    assert errors(make_anthology, body) == []


def test_a_note_defined_twice_names_both_lines(make_anthology: MakeAnthology) -> None:
    error = only_error(make_anthology, "Text[^1].\n\n[^1]: First.\n\n> [^1]: Again.\n")
    assert (error.code, error.line) == ("R221", BODY + 4)
    assert error.message.startswith(
        f"the footnote [^1] is defined twice, on line {BODY + 2} and here"
    )


def test_a_note_defined_inside_another_is_an_error(make_anthology: MakeAnthology) -> None:
    body = "Text[^a] and[^b].\n\n[^a]: Outer.\n\n    [^b]: Inner.\n"
    error = only_error(make_anthology, body)
    assert (error.code, error.line) == ("R221", BODY + 4)
    assert f"inside the footnote [^a] of line {BODY + 2}" in error.message


# --- raw HTML left open --------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "what"),
    [
        ("<!-- a note to self", "an HTML comment"),
        ("<![CDATA[ raw", "a CDATA section"),
        ("<?php echo", "a processing instruction"),
        ("<!DOCTYPE html", "a declaration"),
    ],
)
def test_raw_html_left_open_is_an_error_with_its_first_line(
    make_anthology: MakeAnthology, opening: str, what: str
) -> None:
    body = f"First paragraph.\n\n{opening}\n\nEvery word after it.\n\nAnd more.\n"
    error = only_error(make_anthology, body)
    assert (error.code, error.line) == ("R224", BODY + 2)
    assert error.message.startswith(what)
    assert "would be lost" in error.message


def test_a_comment_left_open_in_a_quoted_html_block_is_an_error(
    make_anthology: MakeAnthology,
) -> None:
    error = only_error(make_anthology, "> <div>\n> Kept.\n> <!-- open\n> </div>\n\nAfter.\n")
    assert (error.code, error.line) == ("R224", BODY + 2)


def test_closed_comments_and_literal_openings_pass(make_anthology: MakeAnthology) -> None:
    body = (
        "<!-- a comment\nover two lines -->\n\n<!---->\n\n"
        "Text with <!-- an unclosed opening --> inline, and `<!--` in code.\n\n"
        '<div title="<!--">A tag holding one.</div>\n\n```\n<!-- in a fence\n```\n'
    )
    assert errors(make_anthology, body) == []


# --- links to anchors ----------------------------------------------------------------


def test_a_link_to_a_missing_anchor_names_its_own_line(make_anthology: MakeAnthology) -> None:
    error = only_error(make_anthology, "A paragraph\nwith [a link](#nowhere) on line two.\n")
    assert (error.code, error.line) == ("R223", BODY + 1)
    assert error.message == "the link to #nowhere leads nowhere: this review has no id 'nowhere'"
    assert "{#nowhere}" in (error.hint or "")


def test_links_to_ids_of_blocks_spans_notes_and_raw_html_pass(
    make_anthology: MakeAnthology,
) -> None:
    body = (
        "Links to [a block](#part), [a span](#word), [raw](#raw) and [in a note](#deep).\n\n"
        '{#part}\nA paragraph with [a word]{#word}[^n] and <span id="raw">raw</span>.\n\n'
        "[^n]: The note.\n\n    {#deep}\n    Its second paragraph.\n"
    )
    assert errors(make_anthology, body) == []


@pytest.mark.parametrize("anchor", ["fn1", "fnref1", "fnref1:1"])
def test_a_link_to_the_ids_markdown_it_gives_notes_is_refused(
    make_anthology: MakeAnthology, anchor: str
) -> None:
    body = f"A call[^n] and another[^n].\n\nSee [the note](#{anchor}).\n\n[^n]: The note.\n"
    error = only_error(make_anthology, body)
    assert (error.code, error.line) == ("R223", BODY + 2)
    assert error.message.startswith(f"the link to #{anchor} leads to an id markdown-it gives")


def test_a_raw_html_link_to_a_missing_anchor_is_an_error(make_anthology: MakeAnthology) -> None:
    error = only_error(make_anthology, 'Text.\n\n<p>A <a href="#gone">raw link</a>.</p>\n')
    assert (error.code, error.line) == ("R223", BODY + 2)
    assert "#gone" in error.message


def test_an_id_removed_by_the_sanitiser_is_no_target(make_anthology: MakeAnthology) -> None:
    error = only_error(make_anthology, 'See [here](#old).\n\n<center id="old">Old.</center>\n')
    assert (error.code, error.line) == ("R223", BODY)


def test_an_empty_anchor_is_an_error(make_anthology: MakeAnthology) -> None:
    error = only_error(make_anthology, "Back to [the top](#).\n")
    assert (error.code, error.line) == ("R223", BODY)
    assert error.message == "the link to # names no anchor"


def test_an_anchor_in_any_script_leads_to_its_id_in_both_editions(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    book = make_anthology(files=review("See [there](#café).\n\n{#café}\nThe place.\n"))
    built = build(book, tmp_path / "out", formats=("pdf", "epub"))
    assert {output.format for output in built.outputs} == {"pdf", "epub"}
    body = load_anthology(book).anthology.reviews[0].body.html
    (href,) = re.findall(r'href="#([^"]*)"', body)
    assert f'id="{href}"' in body


def test_a_missing_anchor_fails_every_format_and_check_alike(
    make_anthology: MakeAnthology, runner: CliRunner, tmp_path: Path
) -> None:
    book = make_anthology(files=review("Intro.\n\nSee [the end](#end).\n"))
    where = f"error[R223] reviews/alpha.md:{BODY + 2}: the link to #end leads nowhere"
    for command in (
        ["build", str(book), "--out", str(tmp_path / "out"), "--format", "epub"],
        ["build", str(book), "--out", str(tmp_path / "out"), "--format", "pdf"],
        ["check", str(book), "--quick"],
    ):
        result = runner.invoke(app, command)
        assert result.exit_code == 1, result.output
        assert where in result.output, result.output
        assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# --- other links and images: messages that say what is wrong ---------------------------


def test_an_empty_link_target_is_called_empty(make_anthology: MakeAnthology) -> None:
    error = only_error(make_anthology, "Text,\nthen [a link]() here.\n")
    assert (error.code, error.line) == ("R215", BODY + 1)
    assert error.message == "the link's target is empty: it leads nowhere"


def test_a_link_is_shown_as_written_not_percent_encoded(make_anthology: MakeAnthology) -> None:
    error = only_error(make_anthology, "See [notes](<my notes/café.md>).\n")
    assert error.code == "R215"
    assert error.message.startswith("the link 'my notes/café.md' points at a file")


def test_a_reference_link_names_its_line_and_its_definition(
    make_anthology: MakeAnthology,
) -> None:
    body = "One line,\nand [a link][ref] on the second.\n\n[ref]: notes.md\n"
    error = only_error(make_anthology, body)
    assert (error.code, error.line) == ("R215", BODY + 1)
    assert f"(set by the definition on line {BODY + 3})" in error.message


def test_a_link_in_a_note_written_inline_names_its_line(make_anthology: MakeAnthology) -> None:
    error = only_error(make_anthology, "Text^[a note\nwith [a link](file.md)] and more.\n")
    assert (error.code, error.line) == ("R215", BODY + 1)


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("![A still](#)", "the image ![A still](#) points at the anchor #, but an image needs"),
        ("![A still]()", "the image ![A still]() names no file: an image needs the path"),
    ],
)
def test_an_image_without_a_file_says_so_once(
    make_anthology: MakeAnthology, image: str, message: str
) -> None:
    error = only_error(make_anthology, f"Text,\nand {image} here.\n")
    assert (error.code, error.line) == ("R207", BODY + 1)
    assert error.message.startswith(message)


@pytest.mark.parametrize(
    ("link", "why"),
    [
        ("<https://../>", "has an empty part between dots"),
        ("[x](https://a..example/)", "has an empty part between dots"),
        ("[x](http://)", "names no host"),
        ("[x](https://example.com:port/)", "cannot be read as an address"),
    ],
)
def test_a_web_address_e_readers_refuse_is_refused_with_its_line(
    make_anthology: MakeAnthology, link: str, why: str
) -> None:
    error = only_error(make_anthology, f"Intro.\n\nSee {link} here.\n")
    assert (error.code, error.line) == ("R215", BODY + 2)
    assert "is not a web address" in error.message
    assert why in error.message


def test_web_addresses_a_reader_accepts_are_kept(make_anthology: MakeAnthology) -> None:
    body = (
        "<https://example.com.> [b](HTTPS://Example.org:8080/a?b#c) [c](https://[::1]/x)"
        " [d](https://xn--mnchen-3ya.de/)\n"
    )
    assert errors(make_anthology, body) == []
