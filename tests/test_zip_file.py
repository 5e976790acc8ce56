"""The EPUB's zip is written by ``write/zip_file.py`` from entries some of which came
deflated from where they were rendered (``octavo/deflated.py``): the bytes are those
Python's ``zipfile`` writes for the same files."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from octavo.api import build
from octavo.deflated import deflate
from octavo.render import epub_xhtml
from octavo.write import epub as epub_writer
from octavo.write import zip_file
from octavo.write.zip_file import Entry, zip_entries
from tests.conftest import MakeAnthology

STAMP = (2026, 12, 7, 15, 49, 33)


def _files() -> list[tuple[str, bytes]]:
    noise = random.Random(7)
    return [
        ("mimetype", b"application/epub+zip"),
        ("EPUB/a.xhtml", b"<p>The lighthouse keeper's goats.</p>\n" * 400),
        ("EPUB/caf\u00e9.xhtml", "<p>Un caf\u00e9, deux ch\u00e8vres.</p>".encode()),
        ("EPUB/empty.css", b""),
        ("EPUB/images/noise.png", bytes(noise.getrandbits(8) for _ in range(50_000))),
        ("META-INF/container.xml", b"<container/>"),
    ]


def _by_zipfile(files: list[tuple[str, bytes]]) -> bytes:
    """The zip as the EPUB writer made it with ``zipfile`` alone."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.external_attr = 0o644 << 16
            stored = name == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            target.writestr(info, data, compresslevel=None if stored else 9)
    return output.getvalue()


@pytest.mark.parametrize("given", ["none", "some", "all"])
def test_the_zip_is_zipfiles_to_the_byte(given: str) -> None:
    files = _files()
    entries = []
    for number, (name, data) in enumerate(files):
        held = {"none": False, "some": number % 2 == 1, "all": True}[given]
        stored = name == "mimetype"
        entries.append(Entry(name, data, stored=stored, deflated=deflate(data) if held else None))
    written = zip_entries(entries, STAMP)
    assert written == _by_zipfile(files)
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        assert archive.testzip() is None
        assert [(info.filename, archive.read(info)) for info in archive.infolist()] == files
        assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED


def test_deflated_bytes_of_other_data_are_not_used() -> None:
    """A document changed after it was deflated (the print edition's page breaks added)
    is deflated again: the old bytes do not hold it."""
    files = _files()
    stale = deflate(b"<p>The first draft.</p>")
    entries = [Entry(name, data, stored=name == "mimetype", deflated=stale) for name, data in files]
    assert zip_entries(entries, STAMP) == _by_zipfile(files)
    same_length = deflate(b"<p>The lighthouse keeper's sheep.</p>\n" * 400)
    assert not same_length.holds(files[1][1])


def test_a_zip_that_needs_zip64_is_left_to_zipfile(monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files()
    monkeypatch.setattr(zip_file, "_MOST_ENTRIES", len(files) - 1)
    entries = [Entry(name, data, stored=name == "mimetype") for name, data in files]
    assert zip_entries(entries, STAMP) is None
    package = SimpleNamespace(modified=datetime(*STAMP))
    given = {name: deflate(data) for name, data in files}
    assert epub_writer._zipped(dict(files), package, given) == _by_zipfile(files)  # type: ignore[arg-type]


def _book(make_anthology: MakeAnthology) -> Path:
    files: dict[str, str | bytes | None] = {
        "anthology.toml": 'title = "Goats"\neditors = ["Ed Itor"]\nlanguage = "fr"\n',
    }
    for number in range(1, 6):
        files[f"reviews/r{number}.md"] = (
            f"---\ntitle: Ch\u00e8vre {number}\nreviewer: Ann Critic\nyear: 19{number}0\n---\n\n"
            + "Une ch\u00e8vre t\u00eatue et un gardien de phare. " * (20 * number)
        )
    return make_anthology(files)


def test_an_epub_alone_is_zipped_from_documents_deflated_where_rendered(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built alone, the EPUB's documents are deflated as they are rendered and not
    again when zipped; the EPUB is the one made without that, to the byte."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764979200")
    book = _book(make_anthology)
    rendered: list[int] = []
    zipped: list[int] = []
    render_deflate, zip_deflate = epub_xhtml.deflate, zip_file.deflate
    monkeypatch.setattr(
        epub_xhtml, "deflate", lambda raw: rendered.append(1) or render_deflate(raw)
    )
    monkeypatch.setattr(zip_file, "deflate", lambda raw: zipped.append(1) or zip_deflate(raw))
    (fast,) = build(book, tmp_path / "fast", ("epub",), cache=False).outputs
    with zipfile.ZipFile(fast.path) as archive:
        documents = [name for name in archive.namelist() if name.endswith(".xhtml")]
        others = len(archive.namelist()) - len(documents) - 1  # and the mimetype, stored
    assert len(rendered) == len(documents) - 1  # all but the navigation document
    assert len(zipped) == others + 1  # the navigation document, the OPF, the CSS...

    render_documents = epub_xhtml.render_epub_documents
    monkeypatch.setattr(
        epub_xhtml,
        "render_epub_documents",
        lambda anthology, theme, deflated=False: render_documents(anthology, theme, False),
    )
    (plain,) = build(book, tmp_path / "plain", ("epub",), cache=False).outputs
    assert fast.path.read_bytes() == plain.path.read_bytes()


def test_documents_given_page_breaks_are_deflated_anew(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the PDF, the documents get the print edition's page breaks after they are
    rendered: they are not deflated where rendered, and the EPUB's pages are there."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764979200")
    book = _book(make_anthology)
    kept: list[object] = []
    zipped = epub_writer._zipped
    monkeypatch.setattr(
        epub_writer,
        "_zipped",
        lambda files, package, deflated: kept.append(deflated) or zipped(files, package, deflated),
    )
    built = build(book, tmp_path / "both", ("pdf", "epub"), cache=False, jobs=1)
    epub = next(output.path for output in built.outputs if output.format == "epub")
    assert kept == [{}]
    with zipfile.ZipFile(epub) as archive:
        assert b'epub:type="pagebreak"' in archive.read("EPUB/r-r1.xhtml")
