"""A big book's EPUB documents are rendered by worker processes (render/epub_parallel.py):
the EPUB is the one a single process makes, every file of it to the byte, with its
pictures numbered in the order the whole book first shows them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from octavo.api import build
from octavo.errors import ContentError
from octavo.render import epub_parallel, print_split
from octavo.render.epub_images import EpubImages
from tests.conftest import MakeAnthology

REVIEW = """\
---
title: Work {number:02}
reviewer: {reviewer}
year: {year}
{extra}---

{body}
"""

PLAIN = "A quiet film about a lighthouse keeper and his two stubborn goats."
NOTED = "The score was written in a week.[^1] It sounds like it.\n\n[^1]: Or so the composer said."
HEBREW = (
    "הסרט הזה שקט מאוד, והמצלמה זזה לאט מחדר לחדר.[^1]\n\n"
    "הסוף מפתיע, אבל לא אגלה אותו כאן.\n\n"
    "[^1]: השחקנית הראשית צילמה את כל הסצנות שלה בשבוע אחד."
)

#: review number -> (front matter beyond title, reviewer and year; body)
REVIEWS = {
    2: ("image: pictures/red.png\nimage_alt: A red square.\n", "![Blue](pictures/blue.png)"),
    3: ("", NOTED),
    5: ("", f"{NOTED}\n\n![A green square](pictures/green.png)"),
    # blue again, first shown by review 2's body: the same file, the same name
    8: ("image: pictures/blue.png\nimage_alt: A blue square.\n", "![Red](pictures/red.png)"),
    9: ("", "It opens on [שלום לכם]{lang=he}, whispered, then on a long silence."),
    11: ("", "![A yellow square](pictures/yellow.png)\n\n![Green](pictures/green.png)"),
    13: ("language: he\nimage: pictures/purple.png\nimage_alt: A purple square.\n", HEBREW),
}

COLOURS = {
    "red": (200, 30, 30),
    "blue": (30, 30, 200),
    "green": (30, 160, 30),
    "yellow": (220, 200, 20),
    "purple": (120, 30, 140),
}


def _png(colour: tuple[int, int, int]) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(data, "PNG")
    return data.getvalue()


def _files(sections: bool = False) -> dict[str, str | bytes | None]:
    manifest = 'title = "Test Book"\neditors = ["Ed Itor"]\nlanguage = "en"\n'
    manifest += '[[front]]\ntitle = "Foreword"\nfile = "foreword.md"\n'
    manifest += '[[back]]\nindex = "works"\n[[back]]\nacknowledgments = true\nfile = "thanks.md"\n'
    if sections:
        manifest += (
            '[[sections]]\ntitle = "First"\nintro = "parts/first.md"\n'
            'include = ["reviews/r0*.md"]\n'
            '[[sections]]\ntitle = "Second"\ninclude = ["reviews/r1*.md"]\n'
        )
    files: dict[str, str | bytes | None] = {
        "anthology.toml": manifest,
        "reviews/alpha.md": None,
        "reviews/beta.md": None,
        "parts/first.md": "Seven films, one of them twice.\n\n![An orange square](orange.png)\n",
        "parts/orange.png": _png((240, 140, 20)),
        "foreword.md": "Fourteen films, two goats.\n\n![A grey square](grey.png)\n",
        "grey.png": _png((128, 128, 128)),
        "thanks.md": "Thanks to the projectionist.\n\n![A black square](black.png)\n",
        "black.png": _png((10, 10, 10)),
    }
    for name, colour in COLOURS.items():
        files[f"reviews/pictures/{name}.png"] = _png(colour)
    for number in range(1, 15):
        extra, body = REVIEWS.get(number, ("", PLAIN))
        reviewer = "Ann Critic" if number % 2 else "Bo Reviewer"
        files[f"reviews/r{number:02}.md"] = REVIEW.format(
            number=number, reviewer=reviewer, year=1920 + number, extra=extra, body=body
        )
    return files


def _epub(book: Path, out: Path, parallel: bool, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(epub_parallel, "_workers", lambda documents: 2 if parallel else 1)
    built = build(book, out, ("epub",), cache=False)
    (output,) = built.outputs
    return output.path


def _contents(epub: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(epub) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


@pytest.fixture
def fallbacks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The times the workers' pictures were not the ones foreseen (and one process
    rendered the documents again)."""
    calls: list[int] = []
    forget = EpubImages.forget_from

    def noted(images: EpubImages, count: int) -> None:
        calls.append(count)
        forget(images, count)

    monkeypatch.setattr(EpubImages, "forget_from", noted)
    return calls


@pytest.mark.parametrize("sections", [False, True], ids=["flat", "sections"])
def test_an_epub_rendered_by_workers_is_the_one_rendered_in_one_process(
    make_anthology: MakeAnthology,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fallbacks: list[int],
    sections: bool,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764979200")
    book = make_anthology(_files(sections))
    alone = _contents(_epub(book, tmp_path / "alone", False, monkeypatch))
    shared = _contents(_epub(book, tmp_path / "shared", True, monkeypatch))
    assert [name for name, _ in shared] == [name for name, _ in alone]
    for (name, data), (_, expected) in zip(shared, alone, strict=True):
        assert data == expected, name
    assert fallbacks == []  # the pictures were foreseen: the workers' documents were kept
    pictures = [name for name, _ in alone if name.startswith("EPUB/images/0")]
    expected = ["grey", "red", "blue", "green", "yellow", "purple", "black"]
    if sections:
        expected.insert(1, "orange")
    assert [name.split("-", 1)[1].removesuffix(".png") for name in pictures] == expected
    texts = dict(shared)
    assert b'dir="rtl"' in texts["EPUB/r-r13.xhtml"]
    assert b'epub:type="footnote"' in texts["EPUB/r-r03.xhtml"]


BODY_FIRST = """\
{% extends "epub/page.xhtml.jinja" %}
{% block content %}
<section class="review" id="{{ review.anchor }}" epub:type="chapter">
  <h1>{{ review.title }}</h1>
  <div class="review-body">{{ body(review.body, 1) }}</div>
  {% if review.image %}
  <img src="{{ image_url(review.image) }}" alt="{{ review.image.alt }}"/>
  {% endif %}
</section>
{% endblock %}
"""


def test_pictures_shown_in_another_order_are_numbered_as_one_process_numbers_them(
    make_anthology: MakeAnthology,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fallbacks: list[int],
) -> None:
    """A theme's own review template shows the body before the review's picture: the
    foreseen numbers are wrong, and the documents are rendered again in one process."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764979200")
    files = _files()
    theme = tmp_path / "book" / "theme"
    files["theme/theme.toml"] = 'name = "body-first"\nextends = "classic"\n'
    files["theme/templates/epub/review.xhtml.jinja"] = BODY_FIRST
    files["anthology.toml"] = f'style = "{theme}"\n{files["anthology.toml"]}'
    book = make_anthology(files)
    alone = _contents(_epub(book, tmp_path / "alone", False, monkeypatch))
    shared = _contents(_epub(book, tmp_path / "shared", True, monkeypatch))
    assert shared == alone
    assert fallbacks == [0]
    pictures = [name for name, _ in alone if name.startswith("EPUB/images/0")]
    assert pictures[1:3] == ["EPUB/images/002-blue.png", "EPUB/images/003-red.png"]


FAILING = """\
{% extends "epub/page.xhtml.jinja" %}
{% block content %}
<section id="{{ review.anchor }}">
{% if review.title == "Work 12" %}{{ review.no_such_thing }}{% endif %}
{% if review.title == "Work 07" %}{{ review.nor_this }}{% endif %}
</section>
{% endblock %}
"""


def test_a_template_error_in_a_worker_is_the_first_one_process_meets(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files()
    theme = tmp_path / "book" / "theme"
    files["theme/theme.toml"] = 'name = "failing"\nextends = "classic"\n'
    files["theme/templates/epub/review.xhtml.jinja"] = FAILING
    files["anthology.toml"] = f'style = "{theme}"\n{files["anthology.toml"]}'
    book = make_anthology(files)
    found = []
    for parallel in (False, True):
        with pytest.raises(ContentError) as failed:
            _epub(book, tmp_path / f"out-{parallel}", parallel, monkeypatch)
        found.append([(d.code, d.message, d.path, d.line) for d in failed.value.report.diagnostics])
    assert found[0] == found[1]
    ((code, message, _, line),) = found[1]
    assert (code, line) == ("S305", 5)
    assert "nor_this" in message


@pytest.mark.slow
def test_an_epub_rendered_beside_the_pdf_is_the_one_rendered_after_it(
    make_anthology: MakeAnthology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built with the PDF by two processes, the EPUB's documents are rendered in a
    process of their own while the PDF is laid out, and the PDF's page starts added
    after: the EPUB is the one rendered after a one-pass PDF, every file to the byte
    (its page list too). A child that fails leaves the work to the build's process,
    which makes the same EPUB."""
    import os

    from octavo.render import epub_xhtml

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764979200")
    book = make_anthology(_files(sections=True))

    def epub_of(out: str, jobs: int) -> tuple[list[tuple[str, bytes]], list[str]]:
        steps: list[str] = []
        built = build(book, tmp_path / out, ("pdf", "epub"), steps.append, jobs=jobs, cache=False)
        epub = next(output.path for output in built.outputs if output.format == "epub")
        return _contents(epub), steps

    after, steps = epub_of("after", 1)
    assert "Rendering the EPUB documents" in steps
    beside, steps = epub_of("beside", 2)
    assert "Rendering the EPUB documents beside the PDF" in steps
    assert "Rendering the EPUB documents" not in steps
    assert [name for name, _ in beside] == [name for name, _ in after]
    for (name, data), (_, expected) in zip(beside, after, strict=True):
        assert data == expected, name
    assert b'epub:type="page-list"' in dict(beside)["EPUB/nav.xhtml"]

    # the PDF laid out in parts: the EPUB is finished and packed while the book is
    # merged in a process of its own (which the build says again after)
    with monkeypatch.context() as patch:
        patch.setattr(print_split, "CHUNK_REVIEWS", 2)
        merged, steps = epub_of("merged", 2)
    merging = [n for n, step in enumerate(steps) if step == "Merging the PDF"]
    assert len(merging) == 2
    assert merging[0] < steps.index("Packing the EPUB") < merging[1]
    assert merged == after

    parent = os.getpid()
    render = epub_xhtml.render_epub_documents

    def fails_in_a_child(*args: object) -> object:
        if os.getpid() != parent:
            raise RuntimeError("a child that fails")
        return render(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(epub_xhtml, "render_epub_documents", fails_in_a_child)
    again, steps = epub_of("again", 2)
    assert "Rendering the EPUB documents" in steps  # by the build's process
    assert again == after
