"""A build decides what it may read by real paths (``resources.Resolver``): the
shortcut that resolves a folder once a build gives what ``Path.resolve`` gives, links
and all."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from octavo.cli import app
from octavo.resources import Resolver
from tests.conftest import MakeAnthology


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    book = tmp_path / "book"
    (book / "reviews").mkdir(parents=True)
    (book / "reviews" / "a.md").write_text("a", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("s", encoding="utf-8")
    (book / "reviews" / "leak.md").symlink_to(outside / "secret.md")
    (book / "linked").symlink_to(outside)
    (book / "inner").symlink_to(book / "reviews")
    (book / "reviews" / "loop.md").symlink_to(book / "reviews" / "loop.md")
    return book


@pytest.mark.parametrize(
    "name",
    [
        "reviews/a.md",
        "reviews/leak.md",  # a file that is a link out
        "linked/secret.md",  # a folder that is a link out
        "inner/a.md",  # a folder that is a link in
        "inner/leak.md",
        "reviews/../reviews/a.md",
        "reviews/missing.md",
        "reviews/loop.md",
        "reviews/.",
        "reviews/..",
    ],
)
def test_a_real_path_is_what_resolve_gives(tree: Path, name: str) -> None:
    resolver = Resolver.for_folders(tree)
    path = tree / name
    try:
        expected = path.resolve()
    except RuntimeError:  # a loop of links, on Pythons that raise it: its own path
        expected = path
    for _ in range(2):  # the folder's real path found, then reused
        assert resolver.real_path(path) == expected
    assert resolver.allows(path) == (
        name not in ("reviews/leak.md", "linked/secret.md", "inner/leak.md")
    )


def test_a_relative_path_is_resolved_from_the_working_folder(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolver = Resolver.for_folders(tree)
    monkeypatch.chdir(tree)
    assert resolver.real_path(Path("inner/a.md")) == tree / "reviews" / "a.md"
    monkeypatch.chdir(tree / "reviews")
    assert resolver.real_path(Path("a.md")) == tree / "reviews" / "a.md"


def test_a_review_that_is_a_loop_of_links_is_an_error_of_its_own(
    make_anthology: MakeAnthology, runner: CliRunner
) -> None:
    """Before, resolving it stopped the build with Python's RuntimeError (a bug
    report); now the file is named and the system's error given."""
    book = make_anthology(
        {
            "anthology.toml": 'title = "Loops"\neditors = ["Ed Itor"]\n',
            "reviews/a.md": "---\ntitle: A Film\nreviewer: Ann Critic\n---\n\nGood.\n",
        }
    )
    (book / "reviews" / "loop.md").symlink_to(book / "reviews" / "loop.md")
    result = runner.invoke(app, ["check", str(book)])
    assert result.exit_code == 1
    assert "error[R200] reviews/loop.md: cannot read the file" in result.output
    assert "a link that leads back to itself" in result.output
    assert "unexpected error" not in result.output
