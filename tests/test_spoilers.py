"""Spoilers, an extension of the content contract: ``spoilers: true`` in the front
matter, passages marked ``[text]{.spoiler}`` or with a ``{.spoiler}`` line before a
block; a notice at the review's head and the passages set apart in every edition;
set by the Goodreads importer; shown by ``octavo list``."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from octavo.api import build, load_anthology
from octavo.cli import app
from octavo.errors import ContentError
from octavo.importers.goodreads import import_goodreads

from .conftest import MakeAnthology, epubcheck_messages, require
from .test_import_common import snapshot

TWIST = """\
---
title: The Turn at the Pier
kind: film
year: 1961
reviewer: Ann Critic
---

For an hour it is a quiet film about a harbour town, and then [the ferryman turns
out to be the missing brother]{.spoiler} and nothing in it is quiet again.

{.spoiler}
The last reel belongs to the sister, who burns the boathouse with the letters inside.

{.spoiler}
- the drowned man was never drowned
- the town knew all along

A plain paragraph closes the review.
"""

DECLARED = """\
---
title: The Long Hallway
reviewer: Ann Critic
spoilers: true
---

The ending is discussed from the first line, with nothing marked.
"""

PLAIN = """\
---
title: Nothing Given Away
reviewer: Ann Critic
---

A review that keeps every secret of the film it talks about.
"""


def reviews_of(root: Path) -> dict[str, bool]:
    return {review.id: review.spoilers for review in load_anthology(root).anthology.reviews}


# --- the key and the marks ------------------------------------------------------------


def test_the_key_and_marked_passages(make_anthology: MakeAnthology) -> None:
    root = make_anthology(
        files={
            "reviews/twist.md": TWIST,
            "reviews/declared.md": DECLARED,
            "reviews/plain.md": PLAIN,
            "reviews/alpha.md": PLAIN.replace("---\n\n", "spoilers: false\n---\n\n"),
            "reviews/beta.md": TWIST.replace("reviewer:", "spoilers: false\nreviewer:"),
        }
    )
    assert reviews_of(root) == {
        "twist": True,  # marked passages and no key: it has spoilers
        "declared": True,
        "plain": False,
        "alpha": False,
        "beta": True,  # a marked passage wins over spoilers: false
    }


def test_marked_passages_keep_their_class(make_anthology: MakeAnthology) -> None:
    root = make_anthology(files={"reviews/twist.md": TWIST, "reviews/beta.md": None})
    review = next(r for r in load_anthology(root).anthology.reviews if r.id == "twist")
    html = review.body.html
    assert '<span class="spoiler">the ferryman turns\nout to be the missing brother</span>' in html
    assert '<p class="spoiler">The last reel' in html
    assert '<ul class="spoiler">' in html
    assert review.body.marks_spoilers


def test_spoiler_written_in_code_is_no_mark(make_anthology: MakeAnthology) -> None:
    text = PLAIN.replace("every secret", "`[x]{.spoiler}` and every secret")
    root = make_anthology(files={"reviews/alpha.md": text, "reviews/beta.md": None})
    assert reviews_of(root) == {"alpha": False}


@pytest.mark.parametrize("written", ["yes", '"true"', "True", "1", "[true]", ""])
def test_anything_but_true_or_false_is_R202(make_anthology: MakeAnthology, written: str) -> None:
    source = f"---\ntitle: Alpha\nreviewer: Ann Critic\nspoilers: {written}\n---\n\nText.\n"
    with pytest.raises(ContentError) as caught:
        load_anthology(make_anthology(files={"reviews/alpha.md": source}))
    (error,) = caught.value.report.errors
    assert (error.code, error.line) == ("R202", 4)
    assert error.message.startswith("'spoilers' must be true or false")
    assert "spoilers: true" in str(error.hint)


# --- both editions, every theme ---------------------------------------------------------


def pdf_text(pdf: Path) -> str:
    require("pdftotext", "the PDF is read back with poppler's pdftotext")
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    )
    return " ".join(out.stdout.decode("utf-8").split())


@pytest.mark.parametrize("theme", ["classic", "modern", "ereader"])
def test_both_editions_show_the_notice_and_set_passages_apart(
    make_anthology: MakeAnthology, tmp_path: Path, theme: str
) -> None:
    manifest = f'title = "Spoilt"\neditors = ["Ed Itor"]\nlanguage = "en"\nstyle = "{theme}"\n'
    root = make_anthology(
        files={
            "anthology.toml": manifest,
            "reviews/twist.md": TWIST,
            "reviews/declared.md": DECLARED,
            "reviews/alpha.md": PLAIN,
            "reviews/beta.md": None,
        }
    )
    built = build(root, tmp_path / "out", formats=("pdf", "epub", "html"))
    assert not built.report.errors
    outputs = {output.format: output.path for output in built.outputs}

    # Print: the notice, and each passage with its label, never hidden.
    text = pdf_text(outputs["pdf"])
    notice = "Spoiler warning: this review gives away what happens"
    assert text.count(notice) == 2
    assert f"{notice}, in the passages marked as spoilers." in text
    assert re.search(r"(?i)spoiler the ferryman turns out to be the missing brother", text)
    assert re.search(r"(?i)spoiler The last reel belongs to the sister", text)
    assert "the drowned man was never drowned" in text

    # EPUB: the notice is text (not CSS), the passages keep their class, and it is valid.
    with zipfile.ZipFile(outputs["epub"]) as epub:
        twist = epub.read("EPUB/r-twist.xhtml").decode("utf-8")
        plain = epub.read("EPUB/r-alpha.xhtml").decode("utf-8")
        css = epub.read("EPUB/style.css").decode("utf-8")
    assert re.search(
        r'<p class="spoiler-notice" role="note"><strong class="spoiler-label">Spoiler warning'
        r'</strong><span class="sep">: </span>this review gives away what happens, in the',
        twist,
    )
    assert '<span class="spoiler">the ferryman turns' in twist
    assert '<p class="spoiler">The last reel' in twist
    assert '<ul class="spoiler">' in twist
    assert "spoiler" not in plain
    assert ".review-body .spoiler" in css
    hidden = r"\.spoiler[^{}]*\{[^}]*(display:\s*none|visibility:\s*hidden|color:\s*transparent)"
    assert not re.search(hidden, css)
    if theme != "ereader":  # the e-reader theme is a print theme: its EPUB is classic's
        assert epubcheck_messages(outputs["epub"]) == []

    # The HTML edition: the same notice and classes.
    page = outputs["html"].read_text(encoding="utf-8")
    assert page.count('class="spoiler-notice"') == 2
    assert '<p class="spoiler">' in page


# --- Goodreads ---------------------------------------------------------------------------

HEADER = (
    "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,"
    "Average Rating,Publisher,Binding,Number of Pages,Year Published,"
    "Original Publication Year,Date Read,Date Added,Bookshelves,"
    "Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,"
    "Read Count,Owned Copies"
)


def goodreads_csv(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """An export with one row per (id, title, review, Spoiler value)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER.split(","))
    for book_id, title, review, spoiler in rows:
        row = [book_id, title, "Ann Author", "Author, Ann", "", "", "", "4", "3.9", "", ""]
        row += ["", "2001", "2001", "2024/05/01", "2024/04/01", "", "", "read", review, spoiler]
        row += ["", "1", "0"]
        writer.writerow(row)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def front_matter(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---\n")[1]


def test_goodreads_spoiler_column(tmp_path: Path) -> None:
    export = goodreads_csv(
        tmp_path / "goodreads_library_export.csv",
        [
            ("1", "The Ticked Box", "The narrator was dead all along.", "true"),
            ("2", "The Empty Box", "A quiet book that gives nothing away.", ""),
            ("3", "The Old Export", "Written before the column meant anything.", "false"),
        ],
    )
    reviews = tmp_path / "book" / "reviews"
    import_goodreads([export], reviews, reviewer="Ann Critic")
    assert "spoilers: true\n" in front_matter(reviews / "the-ticked-box-2001.md")
    assert "spoilers" not in front_matter(reviews / "the-empty-box-2001.md")
    assert "spoilers" not in front_matter(reviews / "the-old-export-2001.md")
    (tmp_path / "book" / "anthology.toml").write_text('title = "Imported"\n', encoding="utf-8")
    assert reviews_of(tmp_path / "book") == {
        "the-ticked-box-2001": True,
        "the-empty-box-2001": False,
        "the-old-export-2001": False,
    }
    # Importing again changes nothing.
    before = snapshot(reviews)
    import_goodreads([export], reviews, reviewer="Ann Critic")
    assert snapshot(reviews) == before


def test_a_goodreads_spoiler_value_goodreads_never_writes_is_I513(tmp_path: Path) -> None:
    export = goodreads_csv(tmp_path / "export.csv", [("1", "Odd", "Text.", "maybe")])
    with pytest.raises(ContentError) as caught:
        import_goodreads([export], tmp_path / "out", reviewer="Ann Critic")
    (diagnostic,) = caught.value.report.diagnostics
    assert (diagnostic.code, diagnostic.line) == ("I513", 2)
    assert "Spoiler must be true or empty, got 'maybe'" in diagnostic.message


# --- octavo list ----------------------------------------------------------------------


def test_list_shows_spoilers(make_anthology: MakeAnthology) -> None:
    root = make_anthology(
        files={"reviews/twist.md": TWIST, "reviews/declared.md": DECLARED, "reviews/beta.md": None}
    )
    runner = CliRunner()
    result = runner.invoke(app, ["list", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    records = {record["id"]: record["spoilers"] for record in json.loads(result.stdout)}
    assert records == {"twist": True, "declared": True, "alpha": False}

    result = runner.invoke(app, ["list", str(root), "--format", "csv"])
    rows = {row["id"]: row["spoilers"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert rows == {"twist": "true", "declared": "true", "alpha": "false"}

    result = runner.invoke(app, ["list", str(root)], env={"COLUMNS": "160"})
    lines = result.stdout.splitlines()
    assert "Spoilers" in lines[0].split()
    column = lines[0].index("Spoilers")
    marks = {line[:20].strip(): line[column : column + 8].strip() for line in lines[1:4]}
    assert marks == {"Alpha": "", "The Long Hallway": "yes", "The Turn at the Pier": "yes"}

    result = runner.invoke(app, ["list", str(root)], env={"COLUMNS": "70"})
    assert result.stdout.count("(spoilers)") == 2

    # A listing with no spoilers has no column for them.
    plain = make_anthology(files={"reviews/beta.md": None}, folder="plain")
    result = runner.invoke(app, ["list", str(plain)], env={"COLUMNS": "160"})
    assert "Spoilers" not in result.stdout


def test_an_export_without_the_spoiler_column_imports_as_before(tmp_path: Path) -> None:
    export = goodreads_csv(tmp_path / "export.csv", [("1", "Old", "Text.", "")])
    rows = list(csv.reader(io.StringIO(export.read_text(encoding="utf-8"))))
    column = rows[0].index("Spoiler")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(r[:column] + r[column + 1 :] for r in rows)
    export.write_text(buffer.getvalue(), encoding="utf-8")
    import_goodreads([export], tmp_path / "out", reviewer="Ann Critic")
    assert "spoilers" not in front_matter(tmp_path / "out" / "old-2001.md")


def test_goodreads_spoiler_markup_becomes_marked_passages(tmp_path: Path) -> None:
    review = "Slow to start. <spoiler>The lighthouse keeper is the narrator.</spoiler> Worth it."
    export = goodreads_csv(tmp_path / "export.csv", [("7", "The Keeper", review, "")])
    reviews = tmp_path / "book" / "reviews"
    import_goodreads([export], reviews, reviewer="Ann Critic")
    written = (reviews / "the-keeper-2001.md").read_text(encoding="utf-8")
    assert "spoilers: true\n" in front_matter(reviews / "the-keeper-2001.md")
    assert "[The lighthouse keeper is the narrator.]{.spoiler}" in written
    (tmp_path / "book" / "anthology.toml").write_text('title = "Imported"\n', encoding="utf-8")
    (loaded,) = load_anthology(tmp_path / "book").anthology.reviews
    assert loaded.spoilers
    assert '<span class="spoiler">The lighthouse keeper is the narrator.</span>' in loaded.body.html


def test_the_notice_is_in_the_book_language_in_a_review_in_another(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    arabic = """\
    ---
    title: الحكاية الأخيرة
    reviewer: Layla Haddad
    language: ar
    spoilers: true
    ---

    في الليلة الأخيرة يعفو الملك عن شهرزاد.
    """
    root = make_anthology(files={"reviews/alpha.md": arabic, "reviews/beta.md": None})
    built = build(root, tmp_path / "out", formats=("epub", "html"))
    outputs = {output.format: output.path for output in built.outputs}
    with zipfile.ZipFile(outputs["epub"]) as epub:
        xhtml = epub.read("EPUB/r-alpha.xhtml").decode("utf-8")
    notice = '<p class="spoiler-notice" role="note" lang="en" xml:lang="en" dir="ltr">'
    assert notice + '<strong class="spoiler-label">Spoiler warning</strong>' in xhtml
    page = outputs["html"].read_text(encoding="utf-8")
    assert '<p class="spoiler-notice" role="note" lang="en" dir="ltr">' in page
    assert epubcheck_messages(outputs["epub"]) == []
