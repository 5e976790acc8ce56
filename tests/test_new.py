"""``octavo new``: a commented anthology that builds at once."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from octavo.api import load_anthology
from octavo.cli import app

from .conftest import files_in

SCAFFOLD = ["README.md", "anthology.toml", "foreword.md", "reviews/the-lodger.md"]


@pytest.mark.slow
def test_a_new_anthology_builds_at_once(runner: CliRunner, tmp_path: Path) -> None:
    book, out = tmp_path / "my-book", tmp_path / "out"
    result = runner.invoke(app, ["new", str(book), "--title", "Reviews of Note"])
    assert result.exit_code == 0, result.output
    assert files_in(book) == SCAFFOLD
    assert "octavo check" in result.output
    assert "octavo build" in result.output
    result = runner.invoke(app, ["build", str(book), "--format", "pdf,epub", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    assert files_in(out) == ["reviews-of-note.epub", "reviews-of-note.pdf"]


def test_the_manifest_shows_every_common_key(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(app, ["new", str(tmp_path / "book")])
    text = (tmp_path / "book" / "anthology.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["title"] == "Book"  # from the folder's name
    for key in ("editors", "language", "date", "description", "rights", "style", "reviews"):
        assert key in data, key
    assert data["print"] == {"trim": "trade", "recto_starts": True}
    for optional in (
        "# subtitle =", "# publisher =", "# identifier =", "# cover =", "# allow_repeats =",
        "# marks =", "# bleed =", "# pdf_variant =", "# intro =", "# select =",
        "# contributors =",
    ):  # fmt: skip
        line = next(line for line in text.splitlines() if line.startswith(optional))
        assert "  # " in line, f"{optional} has no explanation"
    review = (tmp_path / "book" / "reviews" / "the-lodger.md").read_text(encoding="utf-8")
    for key in (
        "title", "kind", "year", "creator", "cast", "reviewer", "publication", "published",
        "headline", "rating", "certificate", "runtime", "tags", "pullquote", "showing",
    ):  # fmt: skip
        assert f"\n{key}: " in review, key
    readme = (tmp_path / "book" / "README.md").read_text(encoding="utf-8")
    assert "octavo check" in readme
    assert "octavo build" in readme


def test_the_scaffold_loads_with_the_metadata_it_shows(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(app, ["new", str(tmp_path / "book"), "--title", 'A "Quoted" \\ Title'])
    loaded = load_anthology(tmp_path / "book")
    assert loaded.anthology.title == 'A "Quoted" \\ Title'
    assert loaded.report.diagnostics == []
    (review,) = loaded.anthology.sections[0].reviews
    assert review.work.creators == ("Alfred Hitchcock",)
    assert review.rating is not None
    assert review.rating.text == "4/5"
    assert review.tags == ("thriller", "silent")
    assert review.extra == {}


def test_a_folder_that_is_not_empty_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    (book / "notes.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["new", str(book)])
    assert result.exit_code == 1
    assert f"the folder {book} is not empty, so octavo new wrote nothing" in result.output
    assert "--force" in result.output
    assert files_in(book) == ["notes.txt"]


def test_force_writes_beside_other_files(runner: CliRunner, tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    (book / "notes.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["new", str(book), "--force"])
    assert result.exit_code == 0, result.output
    assert files_in(book) == sorted([*SCAFFOLD, "notes.txt"])
    assert (book / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_file_is_not_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "book").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["new", str(tmp_path / "book")])
    assert result.exit_code == 1
    assert "is a file, not a folder" in result.output


def test_new_has_help(runner: CliRunner) -> None:
    result = runner.invoke(app, ["new", "--help"])
    assert result.exit_code == 0
    assert "--title" in result.output
    assert "--force" in result.output
