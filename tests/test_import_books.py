"""Every import fixture, imported and built: nothing printed that the source lacks.

Issue 12's last check. Exports turned into books used to print stray ``\\`` and ``*``
(Markdown escapes and emphasis marks that were not the critic's). Here every
fixture of every importer is imported as ``octavo import`` does it, into two books
(the feed fixtures hold reviews of the same films as the WordPress ones, and two
files of one name in one book are refused, R212), each built as PDF and EPUB, and the
marks are counted in what a reader
sees: the PDF's text and the EPUB's text must hold no more backslashes or stars than
the sources' own text does. Importing everything a second time changes nothing.
"""

from __future__ import annotations

import html
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from octavo.api import build
from octavo.cli import app

from .conftest import require

FIXTURES = Path(__file__).parent / "fixtures" / "imports"

#: (importer, source, extra arguments): every fixture an importer reads.
SOURCES = [
    ("goodreads", "goodreads_library_export.csv", ["--reviewer", "Ann Critic"]),
    ("letterboxd", "letterboxd-reviews.csv", ["--reviewer", "Ann Critic"]),
    ("letterboxd", "letterboxd/export", []),
    ("wordpress", "wordpress-export.xml", []),
    ("wordpress", "wordpress/late-show.xml", ["--post-type", "post", "--post-type", "review"]),
    ("wordpress", "wordpress/wordpress-com.xml", []),
    ("feed", "feed-rss.xml", ["--reviewer", "Ann Critic"]),
    ("feed", "feed-atom.xml", ["--reviewer", "Ann Critic"]),
    ("feed", "feeds/letterboxd.xml", []),
    ("feed", "feeds/goodreads-shelf.xml", []),
    ("feed", "feeds/goodreads-block.xml", []),
    ("feed", "feeds/dates-atom.xml", ["--reviewer", "Ann Critic"]),
]
MANIFEST = """\
title = "Every Import"
editors = ["Ed Itor"]
language = "en"

[[sections]]
title = "Imported"
include = ["reviews/*/*.md"]
sort = "title"
"""
MARKS = ("\\", "*")


def _import_all(book: Path, sources: list[tuple[str, str, list[str]]]) -> list[str]:
    """Import every source into its own folder; the outputs of the commands."""
    outputs = []
    for number, (kind, source, extra) in enumerate(sources):
        to = book / "reviews" / f"{number:02}-{kind}"
        arguments = ["import", kind, str(FIXTURES / source), "--to", str(to), *extra]
        result = CliRunner().invoke(app, arguments)
        assert result.exit_code == 0, f"{source}: {result.output}"
        outputs.append(result.output)
    return outputs


#: The two books: exports, and feeds.
BOOKS = {
    "exports": [s for s in SOURCES if s[0] != "feed"],
    "feeds": [s for s in SOURCES if s[0] == "feed"],
}


def _source_text(path: Path) -> str:
    """What a reader of the source sees: its text with tags and entities undone."""
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    text = " ".join(p.read_text(encoding="utf-8") for p in files if p.is_file())
    for _ in range(2):  # feeds hold HTML escaped inside XML
        text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    return text


@pytest.fixture(scope="module", params=sorted(BOOKS))
def imported_book(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, list[tuple[str, str, list[str]]]]:
    sources = BOOKS[request.param]
    book = tmp_path_factory.mktemp(request.param)
    (book / "anthology.toml").write_text(MANIFEST, encoding="utf-8")
    _import_all(book, sources)
    out = book.parent / f"{book.name}-out"
    built = build(book, out, formats=("pdf", "epub"), cache=False)
    assert not built.report.errors
    return book, out, sources


Imported = tuple[Path, Path, list[tuple[str, str, list[str]]]]


def test_every_fixture_imports_and_builds(imported_book: Imported) -> None:
    book, out, sources = imported_book
    imported = list((book / "reviews").glob("*/*.md"))
    assert len(imported) >= 10
    assert len({path.parent for path in imported}) == len(sources)  # each gave reviews
    assert (out / "every-import.pdf").is_file()


def test_no_backslash_or_star_the_sources_did_not_have(imported_book: Imported) -> None:
    require("pdftotext", "the PDF is read back with poppler's pdftotext")
    _, out, sources = imported_book
    source_text = " ".join(_source_text(FIXTURES / source) for _, source, _ in sources)
    pdf = subprocess.run(
        ["pdftotext", str(out / "every-import.pdf"), "-"], capture_output=True, text=True
    ).stdout
    with zipfile.ZipFile(out / "every-import.epub") as archive:
        epub = " ".join(
            _text_of(archive.read(name).decode("utf-8"))
            for name in archive.namelist()
            if name.endswith(".xhtml") and "/r-" in name
        )
    for mark in MARKS:
        allowed = source_text.count(mark)
        assert pdf.count(mark) <= allowed, f"{pdf.count(mark)} {mark!r} in the PDF"
        assert epub.count(mark) <= allowed, f"{epub.count(mark)} {mark!r} in the EPUB"


def _text_of(xhtml: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", " ", xhtml))


def test_importing_everything_again_changes_nothing(imported_book: Imported) -> None:
    book, _, sources = imported_book
    before = {p: p.read_bytes() for p in (book / "reviews").rglob("*") if p.is_file()}
    outputs = _import_all(book, sources)
    lines = [line for output in outputs for line in output.splitlines()]
    assert [line for line in lines if line.startswith(("created", "updated"))] == []
    assert sum(line.startswith("unchanged") for line in lines) == len(before) - len(sources)
    after = {p: p.read_bytes() for p in (book / "reviews").rglob("*") if p.is_file()}
    assert after == before
