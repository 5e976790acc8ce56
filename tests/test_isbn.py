"""ISBNs: checked in the manifest, printed on the copyright page, written to the OPF."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from octavo.api import build, load_anthology, make_epub
from octavo.errors import ContentError
from octavo.isbn import IsbnError, check_digit_10, check_digit_13, normalize_isbn

from .conftest import MINIMAL_MANIFEST, MakeAnthology, epubcheck_messages, require

UUID = "urn:uuid:12345678-1234-5678-1234-567812345678"
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
}


@pytest.mark.parametrize(
    ("written", "isbn13"),
    [
        ("978-0-306-40615-7", "9780306406157"),  # the standard's own example
        ("0-306-40615-2", "9780306406157"),  # the same book as an ISBN-10
        ("0-13-110362-8", "9780131103627"),  # Kernighan and Ritchie, 2nd edition
        ("0-201-89683-4", "9780201896831"),  # The Art of Computer Programming, vol. 1
        ("978 0 14 044913 6", "9780140449136"),  # spaces, not hyphens
        ("0-8044-2957-x", "9780804429573"),  # an ISBN-10 whose check digit is X
        ("979-10-90636-07-1", "9791090636071"),  # a 979 ISBN
        ("  9780747532699 ", "9780747532699"),
    ],
)
def test_valid_isbns_become_isbn_13(written: str, isbn13: str) -> None:
    assert normalize_isbn(written) == isbn13


def test_check_digits() -> None:
    assert check_digit_13("978030640615") == "7"
    assert check_digit_10("030640615") == "2"
    assert check_digit_10("080442957") == "X"


@pytest.mark.parametrize(
    ("written", "said", "hint"),
    [
        ("978-0-306-40615-8", "check digit (the last) is 8", "the last one is 7"),
        ("0-306-40615-3", "ISBN-10", "the last one is 2"),
        ("12345", "it has 5 digits", "13 digits"),
        ("1234567890128", "begins with 978 or 979", "barcode"),
        ("978-0-306-4O615-7", "12 digits", "13 digits"),
    ],
)
def test_wrong_isbns_say_why(written: str, said: str, hint: str) -> None:
    with pytest.raises(IsbnError) as caught:
        normalize_isbn(written)
    assert said in str(caught.value)
    assert hint in caught.value.hint


MANIFEST_WITH_ISBNS = (
    MINIMAL_MANIFEST
    + """\
isbn = "0-306-40615-2"
ebook_isbn = "978-0-13-110362-7"
"""
)


def test_the_manifest_keeps_isbn_13(make_anthology: MakeAnthology) -> None:
    anthology = load_anthology(make_anthology({"anthology.toml": MANIFEST_WITH_ISBNS})).anthology
    assert (anthology.isbn, anthology.ebook_isbn) == ("9780306406157", "9780131103627")
    # without an explicit identifier, the e-book's ISBN identifies the package
    assert anthology.identifier == "urn:isbn:9780131103627"


def test_an_explicit_identifier_wins(make_anthology: MakeAnthology) -> None:
    manifest = MANIFEST_WITH_ISBNS + f'identifier = "{UUID}"\n'
    anthology = load_anthology(make_anthology({"anthology.toml": manifest})).anthology
    assert anthology.identifier == UUID
    assert anthology.ebook_isbn == "9780131103627"


def test_a_book_without_isbns_keeps_its_identifier(make_anthology: MakeAnthology) -> None:
    anthology = load_anthology(make_anthology()).anthology
    assert anthology.identifier.startswith("urn:uuid:")
    assert (anthology.isbn, anthology.ebook_isbn) == (None, None)


def test_a_wrong_isbn_is_an_error_with_its_line(make_anthology: MakeAnthology) -> None:
    manifest = MINIMAL_MANIFEST + 'isbn = "978-0-306-40615-8"\nebook_isbn = "12345"\n'
    with pytest.raises(ContentError) as caught:
        load_anthology(make_anthology({"anthology.toml": manifest}))
    first, second = caught.value.report.errors
    assert (first.code, first.line, second.code, second.line) == ("M116", 4, "M116", 5)
    assert first.message.startswith("isbn: '978-0-306-40615-8' is not a valid ISBN-13")
    assert "the last one is 7" in (first.hint or "")
    assert second.message.startswith("ebook_isbn: '12345' is not an ISBN")


def test_a_number_is_not_an_isbn(make_anthology: MakeAnthology) -> None:
    manifest = MINIMAL_MANIFEST + "isbn = 9780306406157\n"
    with pytest.raises(ContentError) as caught:
        load_anthology(make_anthology({"anthology.toml": manifest}))
    (problem,) = caught.value.report.errors
    assert (problem.code, problem.line) == ("M104", 4)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small book with both ISBNs, built as PDF and EPUB: (pdf, epub)."""
    root = tmp_path_factory.mktemp("isbn")
    book = root / "book"
    (book / "reviews").mkdir(parents=True)
    (book / "anthology.toml").write_text(MANIFEST_WITH_ISBNS, encoding="utf-8")
    for title in ("Alpha", "Beta"):
        (book / "reviews" / f"{title.lower()}.md").write_text(
            f"---\ntitle: {title}\nreviewer: Ann Critic\n---\n\nA review of {title}.\n",
            encoding="utf-8",
        )
    outputs = build(book, root / "out", ("pdf", "epub")).outputs
    (pdf,) = [o.path for o in outputs if o.format == "pdf"]
    (epub,) = [o.path for o in outputs if o.format == "epub"]
    return pdf, epub


def _opf(epub: Path) -> etree._Element:
    with zipfile.ZipFile(epub) as book:
        return etree.fromstring(book.read("EPUB/content.opf"))


def test_the_opf_names_both_isbns(built: tuple[Path, Path]) -> None:
    opf = _opf(built[1])
    unique = opf.get("unique-identifier")
    (identifier,) = opf.findall(".//dc:identifier", NS)
    assert identifier.get("id") == unique
    assert identifier.text == "urn:isbn:9780131103627"
    # the page list's numbers are the print edition's, named by its ISBN
    source = opf.find(".//dc:source", NS)
    assert source is not None
    assert source.text == "urn:isbn:9780306406157"
    assert opf.find(".//opf:meta[@property='source-of']", NS) is not None


def test_the_copyright_page_prints_both(built: tuple[Path, Path]) -> None:
    pdf, epub = built
    with zipfile.ZipFile(epub) as book:
        page = etree.fromstring(book.read("EPUB/copyright.xhtml"))
    text = " ".join("".join(p.itertext()) for p in page.iterfind(".//x:p", NS))
    assert "ISBN 9780306406157 (print)" in text
    assert "ISBN 9780131103627 (e-book)" in text
    assert "urn:isbn" not in text
    require("pdftotext", "the PDF is read back with poppler's pdftotext")
    printed = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "ISBN 9780306406157 (print)" in printed
    assert "ISBN 9780131103627 (e-book)" in printed


def test_the_epub_with_isbns_passes_epubcheck(built: tuple[Path, Path]) -> None:
    assert epubcheck_messages(built[1]) == []


def test_an_explicit_identifier_keeps_the_isbn_as_a_second_identifier(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    manifest = MINIMAL_MANIFEST + f'identifier = "{UUID}"\nebook_isbn = "9780131103627"\n'
    outputs = build(make_anthology({"anthology.toml": manifest}), tmp_path / "out", ("epub",))
    data = outputs.outputs[0].path.read_bytes()
    opf = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("EPUB/content.opf"))
    identifiers = {i.get("id"): i.text for i in opf.findall(".//dc:identifier", NS)}
    assert identifiers[opf.get("unique-identifier")] == UUID
    assert "urn:isbn:9780131103627" in identifiers.values()
    assert opf.find(".//dc:source", NS) is None  # no PDF built: no page list
    assert epubcheck_messages(outputs.outputs[0].path) == []


def test_a_book_without_isbns_prints_its_identifier_as_before(
    make_anthology: MakeAnthology,
) -> None:
    """The copyright page of a book without ISBNs is the same, space for space."""
    data, _ = make_epub(load_anthology(make_anthology()))
    book = zipfile.ZipFile(io.BytesIO(data))
    page = book.read("EPUB/copyright.xhtml").decode("utf-8")
    assert re.search(
        r'</p>  <p class="identifier">urn:uuid:[0-9a-f-]{36}</p>\n  <p class="colophon">', page
    )
    assert "ISBN" not in page
    opf = etree.fromstring(book.read("EPUB/content.opf"))
    (identifier,) = opf.findall(".//dc:identifier", NS)
    assert identifier.text is not None
    assert identifier.text.startswith("urn:uuid:")
