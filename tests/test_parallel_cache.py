"""The small book of three parts (two reviews a piece) laid out in parts: the same
bytes build after build, pieces laid out again where a side's page differs, and the
cache of laid-out parts (a rebuild lays out only what changed and gives the book a
build without the cache gives). tests/test_parallel_pdf.py compares the parallel
layout with one pass on the example.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import octavo.render.print_split as print_split
from octavo.api import load_anthology, make_pdf
from tests.test_parallel_pdf import readers

pytestmark = pytest.mark.slow


def test_pieces_are_laid_out_again_when_left_and_right_text_areas_differ(
    book: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A left page narrower than a right one cannot be moved across as it is: a piece
    that begins on the left is laid out again there, and the book is still exact. (The
    small book below, a review a piece: the example is not needed to begin pieces on
    left pages, and is laid out in one pass and in parts by the fixture ``both``.)"""
    import dataclasses

    from octavo.render import print_html

    render = print_html.render_print

    def narrow_left_pages(*args, **kwargs):  # type: ignore[no-untyped-def]
        document = render(*args, **kwargs)
        extra = "@page :left { margin-left: 1.2in; }"
        return dataclasses.replace(document, page_css=document.page_css + extra)

    from octavo.write import pdf_placing

    movable = pdf_placing.movable
    noted = tmp_path / "laid-out-again"

    def noting(*args):  # type: ignore[no-untyped-def]
        if not movable(*args):  # in a worker: the file tells the test
            with noted.open("a") as file:
                file.write("x")
            return False
        return True

    monkeypatch.setattr(print_html, "render_print", narrow_left_pages)
    monkeypatch.setattr(pdf_placing, "movable", noting)
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 1)
    single = make_pdf(load_anthology(book), jobs=1)
    steps: list[str] = []
    parallel = make_pdf(load_anthology(book), steps.append, jobs=2)
    assert "Merging the PDF" in steps  # laid out in parts
    assert noted.read_text()  # some pieces began on a left page
    assert parallel.pages == single.pages
    assert parallel.page_starts == single.page_starts
    one, parts = readers((single, parallel))
    for a, b in zip(one.pages, parts.pages, strict=True):
        assert b.extract_text() == a.extract_text()


@pytest.fixture(scope="module")
def printers_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, list[str]]:
    """The small book below, its printer's PDF laid out in parts (no cache): the PDF
    and the build's steps."""
    root = tmp_path_factory.mktemp("printers")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(print_split, "CHUNK_REVIEWS", 2)
        patch.setenv("SOURCE_DATE_EPOCH", "1764028800")
        book = small_book(root / "book")
        steps: list[str] = []
        result = make_pdf(load_anthology(book), steps.append, for_printer=True, jobs=2)
    return result.data, steps


def test_the_parts_are_reproducible(
    book: Path, first_build: tuple[Path, bytes], printers_pdf: tuple[bytes, list[str]]
) -> None:
    """Laid out in parts twice (no cache), the small book below is the same bytes."""
    _, first = first_build
    again, _ = _build(book, book.parent / "again", cache=False)
    assert again == first
    # the printer's PDF/X too: its pieces' XMP ids are random until the merged book's
    # is made stable, and the /ID qpdf derived from them is made again with it
    first, _ = printers_pdf
    again = make_pdf(load_anthology(book), jobs=2, for_printer=True).data
    assert again == first


def test_the_printers_pdf_in_parts_keeps_its_output_intent(
    printers_pdf: tuple[bytes, list[str]],
) -> None:
    """On the small three-part book below (two reviews a piece, as the fixture sets):
    what the merge keeps does not need the example."""
    data, steps = printers_pdf
    assert "Merging the PDF" in steps
    reader = PdfReader(io.BytesIO(data))
    assert "/OutputIntents" in reader.trailer["/Root"]
    assert "/Metadata" in reader.trailer["/Root"]
    first = reader.pages[0]
    assert first.trimbox != first.mediabox  # bleed around the trim


# --- the cache of laid-out parts ------------------------------------------------------


def _build(book: Path, out: Path, **options: object) -> tuple[bytes, list[str]]:
    from octavo.api import build

    steps: list[str] = []
    # without the last build's record (see test_up_to_date.py): the parts' cache is
    # what these tests look at, so an unchanged book is laid out from it
    shutil.rmtree(out / ".octavo-cache" / "builds", ignore_errors=True)
    built = build(book, out, ("pdf",), progress=steps.append, jobs=2, **options)  # type: ignore[arg-type]
    return built.outputs[0].path.read_bytes(), [
        s for s in steps if ("part " in s and " done" in s) or "ront matter" in s
    ]


#: The books built without a cache by :func:`_fresh`, under the digest of their files.
_FRESH: dict[str, bytes] = {}


def _fresh(book: Path, tmp_path: Path) -> bytes:
    """The PDF a build without the cache makes of ``book`` as its files are now: built
    once a test run for the same files (two tests here make the same edit, and compare
    their rebuild with the same fresh book). The digest takes in every file's path and
    bytes, and the settings the tests change (``CHUNK_REVIEWS``, the build's date)."""
    digest = hashlib.sha256(
        f"{print_split.CHUNK_REVIEWS} {os.environ.get('SOURCE_DATE_EPOCH')}".encode()
    )
    for path in sorted(book.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(book)).encode() + b"\0" + path.read_bytes())
    key = digest.hexdigest()
    if key not in _FRESH:
        _FRESH[key], _ = _build(book, tmp_path / f"fresh-{key[:8]}", cache=False)
    return _FRESH[key]


def _cached(steps: list[str]) -> int:
    return sum("from the cache" in step for step in steps)


SMALL_REVIEW = """\
---
title: {title}
reviewer: {reviewer}
year: {year}
tags: [{tag}]
---

{text}
"""


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small book of three parts of two reviews: three groups, fast to lay out."""
    monkeypatch.setattr(print_split, "CHUNK_REVIEWS", 2)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764028800")
    return small_book(tmp_path / "book")


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """The small book below built once, with its cache (in ``out``), for the tests
    whose first build only fills the cache: each copies it (:func:`built`)."""
    root = tmp_path_factory.mktemp("first-build")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(print_split, "CHUNK_REVIEWS", 2)
        patch.setenv("SOURCE_DATE_EPOCH", "1764028800")
        data, steps = _build(small_book(root / "book"), root / "out")
    assert _cached(steps) == 0
    return root, data


@pytest.fixture
def built(book: Path, tmp_path: Path, first_build: tuple[Path, bytes]) -> bytes:
    """``book`` built into ``tmp_path / "out"`` (its cache copied from the one build of
    :func:`first_build`: a cache is read wherever its folder is); the PDF's bytes."""
    root, data = first_build
    shutil.copytree(root / "out", tmp_path / "out")
    assert (book / "anthology.toml").read_bytes() == (root / "book" / "anthology.toml").read_bytes()
    return data


def small_book(
    root: Path,
    text: Callable[[str, int], str] = lambda tag, number: (
        f"Review {number} of part {tag}. " + "The film begins at dawn. " * 60
    ),
    manifest_head: str = "",
    print_table: str = "",
) -> Path:
    """Three parts of two reviews in ``root`` (each review's body ``text(part tag,
    number)``), and an index of works; ``manifest_head`` and ``print_table`` add keys to
    the manifest and its ``[print]`` table."""
    (root / "reviews").mkdir(parents=True)
    manifest = [
        f'title = "Three Parts"\neditors = ["E. D."]\nstyle = "classic"\n{manifest_head}'
        f'[print]\ntrim = "trade"\n{print_table}'
    ]
    for part, tag in enumerate(["one", "two", "three"], start=1):
        manifest.append(f'[[sections]]\ntitle = "Part {tag}"\nselect = {{ tags = ["{tag}"] }}\n')
        for number in (1, 2):
            (root / "reviews" / f"{tag}-{number}.md").write_text(
                SMALL_REVIEW.format(
                    title=f"Work {tag} {number}",
                    reviewer=f"Critic {number}",
                    year=1920 + part,
                    tag=tag,
                    text=text(tag, number),
                ),
                encoding="utf-8",
            )
    manifest.append('[[back]]\nindex = "works"\n')
    (root / "anthology.toml").write_text("\n".join(manifest), encoding="utf-8")
    return root


def test_a_rebuild_with_nothing_changed_lays_out_nothing(
    book: Path, tmp_path: Path, built: bytes
) -> None:
    """(The first build, with nothing from the cache, is :func:`first_build`.)"""
    out, first = tmp_path / "out", built
    assert (out / ".octavo-cache" / "pdf").is_dir()
    again, steps = _build(book, out)
    assert _cached(steps) == 4  # the three parts and the front matter
    assert again == first


def test_an_edited_review_lays_out_its_part_only_and_gives_the_fresh_book(
    book: Path, tmp_path: Path, built: bytes
) -> None:
    out = tmp_path / "out"
    review = book / "reviews" / "two-1.md"  # in the second part
    text = review.read_text(encoding="utf-8")
    review.write_text(text.replace("begins at dawn", "begins at dusk", 1), encoding="utf-8")
    edited, steps = _build(book, out)
    assert _cached(steps) == 3  # the two other parts, and the front matter: same contents
    fresh, steps = _build(book, tmp_path / "fresh", cache=False)
    assert _cached(steps) == 0
    assert edited == fresh
    assert any("dusk" in page.extract_text() for page in PdfReader(io.BytesIO(edited)).pages)


def test_a_rebuild_of_one_part_has_the_merge_read_every_parts_fonts_ahead(
    book: Path, tmp_path: Path, built: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the edited part is laid out (a core idle), each part is sent to the merge's
    process as it comes back, to read its font subsets then (write/subsets_beside.py);
    the book is the fresh build's."""
    from octavo.write import pdf_processes

    sent: list[int] = []
    read_fonts_ahead = pdf_processes.Processes.read_fonts_ahead

    def spied(self: Any, pdfs: list[bytes]) -> None:
        sent.extend(len(pdf) for pdf in pdfs)
        read_fonts_ahead(self, pdfs)

    monkeypatch.setattr(pdf_processes.Processes, "read_fonts_ahead", spied)
    out = tmp_path / "out"
    review = book / "reviews" / "one-2.md"
    text = review.read_text(encoding="utf-8")
    assert "begins at dawn" in text
    review.write_text(text.replace("begins at dawn", "begins at noon", 1), encoding="utf-8")
    edited, steps = _build(book, out)
    assert _cached(steps) == 3  # the edited part alone laid out
    assert len(sent) == len([step for step in steps if "part " in step]) == 3
    assert all(sent)
    assert edited == _fresh(book, tmp_path)


def test_the_pieces_to_lay_out_go_to_the_workers_first_while_one_takes_the_rest_in_order() -> None:
    from octavo.write.pdf_parallel import Job, dispatch_order

    chunks = [Job(f"chunk-{n}", "", index=n) for n in range(8)]
    new = [chunks[5], chunks[2], chunks[7]]  # as the book has them: 2, 5, 7
    new.sort(key=lambda job: job.index or 0)

    def names(jobs: list[Job]) -> list[str]:
        return [job.name.removeprefix("chunk-") for job in jobs]

    assert names(dispatch_order(chunks, new, 1)) == list("01234567")  # one worker: in order
    assert names(dispatch_order(chunks, new, 2)) == list("20134567")
    # at most jobs - 1 out of order: a worker is left for the others, in order
    assert names(dispatch_order(chunks, new, 3)) == list("25013467")
    assert names(dispatch_order(chunks, new, 8)) == list("25701346")
    assert names(dispatch_order(chunks, [], 2)) == list("01234567")


def test_the_page_numbers_of_the_front_and_back_matter_come_from_one_rendering_made_ahead(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the workers lay out the main matter, the build renders the book's HTML once
    with marks for page numbers (render/print_folios.py); the back and front matter's
    HTML, with the page numbers the last build printed (the cache's note) and with
    those the book needs, are made from it, none rendered after. A wrong note costs
    nothing, never a page; each book is a fresh build's."""
    from octavo.api import build
    from octavo.render import print_html

    events: list[str] = []
    render = print_html.render_print

    def spied(*args: Any, folios: Any = None, **kwargs: Any) -> Any:
        if folios is not None:
            events.append("rendered with page numbers")
        return render(*args, folios=folios, **kwargs)

    monkeypatch.setattr(print_html, "render_print", spied)
    review = book / "reviews" / "two-1.md"

    def edited_build(out: Path, old: str, new: str) -> bytes:
        review.write_text(review.read_text(encoding="utf-8").replace(old, new, 1), "utf-8")
        shutil.rmtree(out / ".octavo-cache" / "builds", ignore_errors=True)
        events.clear()
        built = build(book, out, ("pdf",), progress=events.append, jobs=2)
        return built.outputs[0].path.read_bytes()

    def rendered_once_ahead() -> bool:
        renderings = [n for n, event in enumerate(events) if event == "rendered with page numbers"]
        parts = next(n for n, event in enumerate(events) if event.startswith("Laying out the PDF"))
        return len(renderings) == 1 and renderings[0] < parts

    out = tmp_path / "out"
    edited_build(out, "", "")
    assert rendered_once_ahead()  # no note yet
    note = out / ".octavo-cache" / "pdf" / "folios"
    assert note.is_file()

    edited_build(out, "begins at dawn", "begins at dusk")  # the same book as a fresh
    # build's (test_an_edited_review_lays_out_its_part_only_and_gives_the_fresh_book)
    assert rendered_once_ahead()

    note.write_text('[{"r-nowhere": "99"}]', encoding="utf-8")  # wrong
    edited = edited_build(out, "begins at dusk", "begins at noon")
    assert rendered_once_ahead()
    fresh = _fresh(book, tmp_path)
    assert edited == fresh


def test_a_changed_title_lays_out_its_part_the_contents_and_the_index_only(
    book: Path, tmp_path: Path, built: bytes
) -> None:
    """A title is printed in its review, its running heads, the contents and the index
    of works: those are laid out again, the two other parts come from the cache."""
    out = tmp_path / "out"
    review = book / "reviews" / "two-1.md"
    text = review.read_text(encoding="utf-8")
    review.write_text(text.replace("title: Work two 1", "title: Work two 1 Revisited"), "utf-8")
    edited, steps = _build(book, out)
    assert _cached(steps) == 2  # parts one and three
    assert "Front matter from the cache" not in steps
    fresh = _fresh(book, tmp_path)
    assert edited == fresh
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(edited)).pages)
    assert text.count("Work two 1 Revisited") >= 3  # the review, the contents, the index


def _ahead(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """The documents given ahead to the processes that finish the book, and those of
    them dropped (not the book's after all), as the build goes."""
    from octavo.write import pdf_processes

    given: list[str] = []
    dropped: list[str] = []
    submit, settle = pdf_processes.Processes.submit_ahead, pdf_processes.Processes.settle

    def spied_submit(self: Any, name: str, job: Any) -> None:
        given.append(job.name)
        submit(self, name, job)

    def spied_settle(self: Any, name: str, key: str) -> None:
        if self.ahead.get(name) not in (None, key):
            dropped.append(name)
        settle(self, name, key)

    monkeypatch.setattr(pdf_processes.Processes, "submit_ahead", spied_submit)
    monkeypatch.setattr(pdf_processes.Processes, "settle", spied_settle)
    return given, dropped


def test_a_changed_title_lays_out_the_back_and_front_matter_ahead(
    book: Path, tmp_path: Path, built: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The contents and the index that print a changed title are not in the cache:
    they are laid out while the main matter is, with the page numbers the last build
    printed, and taken once those turn out the book's. A wrong note of where the back
    matter began costs its layout ahead, never a page. The core they take is not
    shared with the merge's reading of the fonts ahead (write/subsets_beside.py)."""
    from octavo.write import pdf_processes

    given, dropped = _ahead(monkeypatch)
    fonts_ahead: list[int] = []
    monkeypatch.setattr(
        pdf_processes.Processes, "read_fonts_ahead", lambda self, pdfs: fonts_ahead.append(1)
    )
    out = tmp_path / "out"
    review = book / "reviews" / "two-1.md"
    text = review.read_text(encoding="utf-8")
    review.write_text(text.replace("title: Work two 1", "title: Work two 1 Ahead"), "utf-8")
    edited, _ = _build(book, out)
    assert sorted(given) == ["back", "front"]
    assert dropped == []
    assert fonts_ahead == []
    fresh = _fresh(book, tmp_path)
    assert edited == fresh

    given.clear()
    (out / ".octavo-cache" / "pdf" / "back-place").write_text("[false, 999]", encoding="utf-8")
    review.write_text(text.replace("title: Work two 1", "title: Work two 1 Again"), "utf-8")
    edited, _ = _build(book, out)
    assert sorted(given) == ["back", "front"]
    assert "layout" in dropped  # the back matter, laid out ahead in the wrong place
    fresh = _fresh(book, tmp_path)
    assert edited == fresh


def test_what_was_laid_out_ahead_is_dropped_when_the_pages_move(
    book: Path, tmp_path: Path, built: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review retitled and two pages longer: the back and front matter laid out ahead
    print page numbers the book no longer has; their processes end when the
    first moved piece comes back, and the book is a fresh build's."""
    from octavo.write import pdf_processes

    given, _ = _ahead(monkeypatch)
    closed: list[int] = []
    drop = pdf_processes.Processes.drop_ahead

    def spied_drop(self: Any) -> None:
        if self.ahead:
            closed.append(len(self.ahead))
        drop(self)

    monkeypatch.setattr(pdf_processes.Processes, "drop_ahead", spied_drop)
    out = tmp_path / "out"
    review = book / "reviews" / "one-1.md"
    text = review.read_text(encoding="utf-8")
    text = text.replace("title: Work one 1", "title: Work one 1 Moved")
    review.write_text(text + "\n\n" + "The film ends at night. " * 200 + "\n", "utf-8")
    edited, steps = _build(book, out)
    assert sorted(given) == ["back", "front"]
    assert closed  # ended with their work not taken
    assert any("stamped again" in step for step in steps)
    fresh = _fresh(book, tmp_path)
    assert edited == fresh


def test_a_review_that_grows_moves_the_parts_after_it_and_gives_the_fresh_book(
    book: Path, tmp_path: Path, built: bytes
) -> None:
    """Two pages more in the first part: the parts after it begin two pages later, so
    their page numbers change; they are not laid out again but taken from the cache and
    stamped again with their new folios (:mod:`octavo.write.pdf_stamps`); the book is
    the one a fresh build makes."""
    out, before = tmp_path / "out", built
    review = book / "reviews" / "one-1.md"
    text = review.read_text(encoding="utf-8")
    review.write_text(text + "\n\n" + "The film ends at night. " * 200 + "\n", "utf-8")
    edited, steps = _build(book, out)
    fresh = _fresh(book, tmp_path)
    assert edited == fresh

    def first_page(data: bytes, words: str) -> int:
        pages = PdfReader(io.BytesIO(data)).pages
        return next(n for n, page in enumerate(pages) if words in page.extract_text())

    moved = first_page(edited, "Review 1 of part three") - first_page(
        before, "Review 1 of part three"
    )
    assert moved >= 2
    assert sum("(from the cache, stamped again)" in step for step in steps) == 2
    assert _cached(steps) == 2  # the second and third parts, stamped again


def test_a_changed_theme_and_page_lay_out_everything(
    book: Path, tmp_path: Path, built: bytes
) -> None:
    """The theme (classic to modern, both shipped) and the page size are in every
    part's key: changed, nothing comes from the cache. (Each alone is in the key by the
    same digest, :func:`octavo.write.pdf_cache.environment_digest`.)"""
    out = tmp_path / "out"
    manifest = book / "anthology.toml"
    text = manifest.read_text(encoding="utf-8").replace('style = "classic"', 'style = "modern"')
    manifest.write_text(text.replace('trim = "trade"', 'trim = "digest"'), encoding="utf-8")
    changed, steps = _build(book, out)
    assert _cached(steps) == 0
    fresh = _fresh(book, tmp_path)
    assert changed == fresh


def test_a_corrupt_cache_is_laid_out_again_and_never_used(
    book: Path, tmp_path: Path, built: bytes
) -> None:
    out, first = tmp_path / "out", built
    entries = sorted((out / ".octavo-cache" / "pdf").glob("*[0-9a-f].pdf"))
    assert len(entries) == 5  # three parts, the back and the front matter
    assert len(list((out / ".octavo-cache" / "pdf").glob("*.body.pdf"))) == 3
    # the three parts' entries: a part's place in the book is in its data, not its key
    parts = [e for e in entries if '"name": "chunk-' in e.with_suffix(".json").read_text("utf-8")]
    assert len(parts) == 3
    parts[0].write_bytes(parts[0].read_bytes()[:-100])  # truncated
    meta = parts[1].with_suffix(".json")  # placed elsewhere than where it falls now
    meta.write_text(
        meta.read_text(encoding="utf-8").replace('"start": ', '"start": 1'), encoding="utf-8"
    )
    parts[2].with_suffix(".json").write_text("{not json", encoding="utf-8")
    again, steps = _build(book, out)
    assert again == first
    # the front matter, and the part placed elsewhere, stamped again from its body;
    # the truncated and the unreadable parts are laid out again
    assert _cached(steps) == 2
    assert sum("stamped again" in step for step in steps) == 1
    body = parts[1].with_name(parts[1].name.replace(".pdf", ".body.pdf"))
    body.write_bytes(body.read_bytes()[:-100])  # a body that does not read back
    meta.write_text(
        meta.read_text(encoding="utf-8").replace('"start": ', '"start": 1'), encoding="utf-8"
    )
    again, steps = _build(book, out)
    assert again == first
    assert _cached(steps) == 3  # the front matter and two parts: the third laid out again
    assert not any("stamped again" in step for step in steps)


def test_the_cache_holds_across_builds_at_different_times(
    book: Path, tmp_path: Path, built: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's date is written by the merge: every part stays cached. (The cache
    was filled at SOURCE_DATE_EPOCH, in 2025; this build is dated now.)"""
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    first = PdfReader(io.BytesIO(built)).metadata["/ModDate"]
    again, steps = _build(book, tmp_path / "out")
    assert _cached(steps) == 4
    modified = PdfReader(io.BytesIO(again)).metadata["/ModDate"]
    assert modified.startswith("D:20")  # the build's date, written by the merge
    assert modified != first


def test_a_build_in_parallel_leaves_no_temporary_files(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # WeasyPrint writes @font-face fonts into folders of their own; the pool's workers
    # are ended without removing theirs, which once left thousands behind
    import tempfile

    from octavo.write import pdf

    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    monkeypatch.setattr(pdf, "_STYLES", {})  # as in a new process
    _build(book, tmp_path / "out", cache=False)
    assert list(system_temp.iterdir()) == []
    assert tempfile.gettempdir() == str(system_temp)


def test_the_front_matter_is_laid_out_beside_the_back_matter_from_the_last_pages(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A changed title changes the index (the back matter) and the contents (the front
    matter): the front matter is laid out beside the back matter with the pages the
    last build gave the back matter's elements (the cache's note), and kept when the
    back matter gives the same; a note that is wrong costs a second layout, never a
    wrong page."""
    import json

    from octavo.write import pdf_finish

    started: list[bool] = []
    beside = pdf_finish._front_beside

    def noted(*args: object) -> object:
        result = beside(*args)  # type: ignore[arg-type]
        started.append(result is not None)
        return result

    monkeypatch.setattr(pdf_finish, "_front_beside", noted)
    after: list[str] = []  # the documents laid out (or read) after the back matter
    laid_out = pdf_finish._cached_or_laid_out

    def then(pool: object, cache: object, job: pdf_finish.Job, *args: object) -> object:
        after.append(job.name)
        return laid_out(pool, cache, job, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf_finish, "_cached_or_laid_out", then)
    out = tmp_path / "out"
    _build(book, out)
    assert started == [False]  # no note yet
    note = out / ".octavo-cache" / "pdf" / pdf_finish.BACK_ANCHORS
    assert json.loads(note.read_text(encoding="utf-8"))
    review = book / "reviews" / "two-1.md"
    text = review.read_text(encoding="utf-8")
    review.write_text(text.replace("title: Work two 1", "title: Work two 1 Revisited"), "utf-8")
    after.clear()
    edited, _ = _build(book, out)
    assert started == [False, True]
    assert after == []  # the front matter laid out beside the back matter was kept
    fresh = _fresh(book, tmp_path)
    assert edited == fresh
    # a note that puts every element of the back matter a page later: laid out again
    review.write_text(text.replace("title: Work two 1", "title: Work two 1 Again"), "utf-8")
    pages = json.loads(note.read_text(encoding="utf-8"))
    note.write_text(json.dumps({name: page + 1 for name, page in pages.items()}), "utf-8")
    after.clear()
    again, _ = _build(book, out)
    assert after == ["front"]  # laid out again with the back matter's true pages
    fresh = _fresh(book, tmp_path)
    assert again == fresh


def test_a_files_digest_is_read_once_a_build(tmp_path: Path) -> None:
    """The cache's digests of the theme's files and pictures are read once a PDF (two
    environments ask for the fonts'), and again for the next one, changed or not."""
    from octavo.write import pdf_cache

    font = tmp_path / "font.otf"
    font.write_bytes(b"one")
    pdf_cache.forget_file_digests()
    first = pdf_cache._file_digest(font)
    reads = pdf_cache._digest.cache_info().misses
    assert pdf_cache._file_digest(font) == first
    assert pdf_cache._digest.cache_info().misses == reads  # not read again
    font.write_bytes(b"two")  # the same size, maybe the same time on a coarse clock
    pdf_cache.forget_file_digests()
    assert pdf_cache._file_digest(font) != first
    assert pdf_cache._file_digest(tmp_path / "gone.otf") == "missing"


def test_a_pieces_key_changes_with_a_picture_it_draws_and_only_then(tmp_path: Path) -> None:
    """A piece's key holds the digest of each file its HTML draws (``src`` or ``href``
    to a ``file://`` URL, either quote); a piece that draws none is keyed by its HTML."""
    from octavo.write import pdf_cache

    picture = tmp_path / "still.png"
    picture.write_bytes(b"one")
    cache = pdf_cache.PdfCache(None, "environment")
    html = f"<p>x</p><img src='{picture.as_uri()}'><a href=\"{picture.as_uri()}\">y</a>"
    plain = "<p>x</p><p>no picture, no file:// link</p>"
    pdf_cache.forget_file_digests()
    first, first_plain = cache.key(html, "chunk"), cache.key(plain, "chunk")
    picture.write_bytes(b"two")
    pdf_cache.forget_file_digests()
    assert cache.key(html, "chunk") != first
    assert cache.key(plain, "chunk") == first_plain


def test_the_book_is_finished_without_the_html_of_its_pieces(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the main matter is laid out, the build keeps each piece's name and key, not
    its HTML, and no cut of the book with its pieces (each is as large as the book's
    HTML): the back and front matter and the merge run without them."""
    import gc

    import octavo.write.pdf_finish as pdf_finish
    from octavo.render.print_split import PrintSplit

    seen: list[tuple[list[str], int, int]] = []
    finish = pdf_finish._finish

    def finishing(main: Any, *args: Any) -> Any:
        gc.collect()
        cuts = [o for o in gc.get_objects() if isinstance(o, PrintSplit) and o.chunks]
        seen.append(([job.html for job in main.chunks], len(main.first.chunks), len(cuts)))
        return finish(main, *args)

    monkeypatch.setattr(pdf_finish, "_finish", finishing)
    _build(book, tmp_path / "out", cache=False)
    [(htmls, chunks, cuts)] = seen
    assert htmls == ["", "", ""]  # the three pieces, named only
    assert (chunks, cuts) == (0, 0)
