"""Typesetting details of the indexes (issue 13).

Index entries are printed as they are filed: titles inverted and in italics, people
surname first. Checked in the example's PDF (read back with pdftotext) and EPUB.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from octavo.api import Built
from octavo.indexes import inverted_name, inverted_title, title_key

from .conftest import ROOT, require

# ---- The rules, one by one ------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "language", "printed", "key"),
    [
        ("A Trip to the Moon", "en", "Trip to the Moon, A", "trip to the moon"),
        ("The General", "en-GB", "General, The", "general"),
        ("An American in Paris", "en", "American in Paris, An", "american in paris"),
        ("Annie Hall", "en", "Annie Hall", "annie hall"),
        ("The", "en", "The", "the"),
        ("L'Atalante", "fr", "Atalante, L'", "atalante"),
        ("La Grande Illusion", "fr", "Grande Illusion, La", "grande illusion"),
        ("Der müde Tod", "de", "müde Tod, Der", "müde tod"),
        ("El espíritu de la colmena", "es", "espíritu de la colmena, El", "espíritu de la colmena"),
        ("Il posto", "it", "posto, Il", "posto"),
        ("O Pagador de Promessas", "pt", "Pagador de Promessas, O", "pagador de promessas"),
        ("De Witte", "nl", "Witte, De", "witte"),
        # A language without a table of articles moves none.
        ("A Trip to the Moon", "sv", "A Trip to the Moon", "a trip to the moon"),
    ],
)
def test_titles_are_printed_as_they_are_filed(
    title: str, language: str, printed: str, key: str
) -> None:
    assert inverted_title(title, language) == printed
    assert title_key(title, language) == key


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("Margaret Ellery", "Ellery, Margaret"),
        ("J. H. Whitcombe", "Whitcombe, J. H."),
        ("Erich von Stroheim", "von Stroheim, Erich"),
        ("Laurens van der Post", "van der Post, Laurens"),
        ("Ursula K. Le Guin", "Le Guin, Ursula K."),
        ("Martin Luther King Jr.", "King, Martin Luther, Jr."),
        ("Chaplin", "Chaplin"),
        ("Ellery, Margaret", "Ellery, Margaret"),
    ],
)
def test_names_are_printed_surname_first(name: str, printed: str) -> None:
    assert inverted_name(name) == printed


# ---- The example (classic) ------------------------------------------------------------


def _pdf_text(path: Path) -> str:
    require("pdftotext", "the PDF's text is read back with poppler's pdftotext")
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def _output(built: Built, kind: str) -> Path:
    (path,) = [o.path for o in built.outputs if o.format == kind]
    return path


def _epub_documents(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as book:
        return {
            name: book.read(name).decode("utf-8")
            for name in book.namelist()
            if name.endswith((".xhtml", ".css"))
        }


def _index_lines(text: str, title: str) -> list[str]:
    """The lines of the printed index called ``title``, up to the next page title."""
    lines = text.split("\n")  # not splitlines(): it would split at the form feeds
    start = next(i for i, line in enumerate(lines) if line.strip().casefold() == title.casefold())
    found = []
    for line in lines[start + 1 :]:
        if "\f" in line or line.strip().casefold().startswith("index of"):
            break
        if line.strip() and not re.fullmatch(r"\d+", line.strip()):
            found.append(line.strip())
    return found


@pytest.mark.slow
def test_example_pdf_indexes_are_inverted_and_in_order(
    example_build: tuple[Built, Path],
) -> None:
    text = _pdf_text(_output(example_build[0], "pdf"))
    works = _index_lines(text, "Index of Works")
    assert works[0].startswith("Battleship Potemkin (1925)")
    assert works[-1].startswith("Trip to the Moon, A (1902)")
    assert any(line.startswith("General, The (1926)") for line in works)
    assert not any(line.startswith(("The ", "A ")) for line in works)
    reviewers = _index_lines(text, "Index of Reviewers")
    assert [line.split(",")[0] for line in reviewers] == [
        "Ellery",
        "Okonkwo",
        "Reyes",
        "Whitcombe",
    ]
    assert reviewers[0].startswith("Ellery, Margaret,")
    assert reviewers[-1].startswith("Whitcombe, J. H.,")


@pytest.mark.slow
def test_example_epub_indexes(example_epub: bytes, tmp_path: Path) -> None:
    path = tmp_path / "book.epub"
    path.write_bytes(example_epub)
    documents = _epub_documents(path)
    (works,) = [text for name, text in documents.items() if "Index of Works</h1>" in text]
    tree = etree.fromstring(works.encode())
    items = tree.findall(".//{http://www.w3.org/1999/xhtml}li")
    labels = ["".join(item.itertext()) for item in items]
    assert labels[0] == "Battleship Potemkin (1925)"
    assert labels[-1] == "Trip to the Moon, A (1902)"
    for item in items:
        cite = item.find(".//{http://www.w3.org/1999/xhtml}cite")
        assert cite is not None
        assert cite.text
        assert "(" not in cite.text
    (reviewers,) = [text for name, text in documents.items() if "Index of Reviewers</h1>" in text]
    assert "<li" in reviewers
    assert ">Ellery, Margaret: " in reviewers
    assert "Margaret Ellery:" not in reviewers


def test_epub_index_links_are_not_underlined() -> None:
    for css in sorted((ROOT / "styles").glob("*/epub.css")):
        rules = re.findall(r"([^{}]+)\{([^}]*)\}", css.read_text(encoding="utf-8"))
        for selector, body in rules:
            if ".index-list" in selector and " a" in selector:
                assert "underline" not in body, css
    classic = (ROOT / "styles" / "classic" / "epub.css").read_text(encoding="utf-8")
    assert re.search(r"\.index-list a\s*\{[^}]*text-decoration:\s*none", classic)
