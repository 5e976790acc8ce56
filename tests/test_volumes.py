"""A print edition cut into volumes (octavo.volumes, octavo.print_volumes), read back:
each volume within the limit and a complete book, its contents and indexes pointing
at its own pages, every review in exactly one volume, in the book's order."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest
from pypdf import PdfReader

from octavo.api import Built, build, load_anthology
from octavo.errors import ContentError
from octavo.volumes import plan

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 48
_TOC_LINE = re.compile(r"^(?P<title>.+?)\s*(?:\.\s*){3,}(?P<page>\d+|[ivxlc]+)$")


# --- where the cuts go -------------------------------------------------------------


def test_the_fewest_volumes_with_the_largest_as_small_as_it_can_be() -> None:
    sizes = [10] * 9
    starts = plan(sizes, [True] * 9, room=40)
    assert starts == [0, 3, 6]  # three volumes of 30, not 40 + 40 + 10


def test_volumes_begin_only_where_they_may() -> None:
    # two parts of 30 and 30 pages (units of 10), a volume holds 45: the cut is
    # between the parts, not after 40 pages
    sizes = [10] * 6
    cuttable = [True, False, False, True, False, False]
    assert plan(sizes, cuttable, room=45) == [0, 3]


def test_a_part_too_long_for_one_volume_is_cut_before_a_review() -> None:
    sizes = [10] * 10
    cuttable = [True] + [True] * 9  # cut_points allows every review of a long part
    starts = plan(sizes, cuttable, room=45)
    assert len(starts) == 3
    assert all(sum(sizes[a:b]) <= 45 for a, b in zip(starts, [*starts[1:], 10], strict=True))


def test_a_unit_longer_than_a_volume_is_a_volume_of_its_own() -> None:
    assert plan([10, 60, 10], [True, True, True], room=45) == [0, 1, 2]


def test_one_volume_when_the_book_fits() -> None:
    assert plan([10, 10], [True, True], room=45) == [0]


# --- a book cut into volumes ---------------------------------------------------------


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("volumes") / "book"
    generate = runpy.run_path(str(ROOT / "benchmarks" / "generate.py"))
    generate["generate"](16, folder, 7, 2)
    manifest = folder / "anthology.toml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace("[print]\n", f"[print]\nmax_pages = {LIMIT}\n", 1)
    text = text.replace('[[back]]\nindex = "reviewers"\n', "")
    manifest.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(book: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("volumes-out")
    return build(book, out, formats=("pdf-print", "epub", "cover"), jobs=2)


def _volumes(built: Built) -> list[PdfReader]:
    paths = sorted(o.path for o in built.outputs if o.format == "pdf-print")
    return [PdfReader(path) for path in paths]


def _start(reader: PdfReader, anchor: str) -> int:
    return reader.get_destination_page_number(reader.named_destinations[anchor])


def _folio(reader: PdfReader, index: int) -> str:
    """What page ``index`` is called: roman in the front matter, arabic from the first
    part, as the page labels say (checked against the printed folios below)."""
    labels = reader.page_labels
    return labels[index]


def test_each_volume_is_within_the_limit_and_the_epub_stays_one_book(built: Built) -> None:
    names = sorted(o.path.name for o in built.outputs if o.format == "pdf-print")
    assert len(names) == 2
    assert all(re.search(r"-volume-\d-print\.pdf$", name) for name in names)
    for reader in _volumes(built):
        assert len(reader.pages) <= LIMIT
        assert len(reader.pages) % 2 == 0
    assert [o.format for o in built.outputs].count("epub") == 1


def test_each_volume_has_its_own_cover(built: Built) -> None:
    """One cover per volume, its spine as wide as the volume's pages make it (the
    generic printer's 0.0025 in a page), "Volume N of 2" on it."""
    covers = sorted(o.path for o in built.outputs if o.format == "cover")
    assert [path.name.rsplit("-volume-", 1)[1] for path in covers] == ["1-cover.pdf", "2-cover.pdf"]
    for number, (cover, volume) in enumerate(zip(covers, _volumes(built), strict=True), 1):
        reader = PdfReader(cover)
        trim = reader.pages[0].trimbox
        width = (float(trim.right) - float(trim.left)) / 72
        assert width == pytest.approx(2 * 6 + len(volume.pages) * 0.0025, abs=0.001)
        text = reader.pages[0].extract_text()
        assert f"volume {number} of 2" in " ".join(text.split()).casefold()


def test_every_review_is_in_one_volume_in_the_books_order(built: Built, book: Path) -> None:
    anthology = load_anthology(book).anthology
    found: list[str] = []
    for reader in _volumes(built):
        anchors = [a for a in reader.named_destinations if a.startswith("r-")]
        found += sorted(anchors, key=lambda a: _start(reader, a))
    assert found == [review.anchor for review in anthology.reviews]


def test_each_volume_has_its_title_page_and_lists_the_others(built: Built) -> None:
    readers = _volumes(built)
    for number, reader in enumerate(readers, start=1):
        front = " ".join(reader.pages[i].extract_text() for i in range(6))
        assert f"VOLUME {number} OF {len(readers)}" in front.upper()
        assert "IN THE OTHER VOLUMES" in front
        others = [n for n in range(1, len(readers) + 1) if n != number]
        for other in others:
            assert f"Volume {other}: Part {other}" in front


def test_contents_and_folios_point_at_the_volumes_own_pages(built: Built) -> None:
    for reader in _volumes(built):
        contents = _start(reader, "contents")
        entries = []
        for index in range(contents, contents + 3):
            for line in reader.pages[index].extract_text().splitlines():
                if match := _TOC_LINE.match(line.strip()):
                    entries.append((match.group("title"), match.group("page")))
        reviews = [e for e in entries if "·" in e[0]]
        assert len(reviews) >= 4
        for title, page in reviews:
            work = title.split(" · ")[0].split(" (")[0]
            index = next(
                i for i in range(len(reader.pages)) if _folio(reader, i) == page and i > contents
            )
            text = reader.pages[index].extract_text()
            assert work.replace(" ", "") in text.replace("\n", "").replace(" ", ""), title
            assert "Reviewed by" in text
        # the printed folios are the page labels the test reads pages by
        for index, page in enumerate(reader.pages):
            last = page.extract_text().strip().splitlines()[-1:] or [""]
            if re.fullmatch(r"\d+|[ivxlc]+", last[0].strip()):
                assert last[0].strip() == _folio(reader, index)
        # the main matter is numbered from 1 in every volume
        first_part = next(a for a in reader.named_destinations if a.startswith("part-"))
        assert _folio(reader, _start(reader, first_part)) == "1"


def test_each_volumes_index_gives_its_own_pages(built: Built, book: Path) -> None:
    anthology = load_anthology(book).anthology
    titles = {review.anchor: review.title for review in anthology.reviews}
    for reader in _volumes(built):
        held = {a for a in reader.named_destinations if a.startswith("r-")}
        index_page = _start(reader, "index-works")
        lines = []
        for i in range(index_page, len(reader.pages)):
            page = reader.pages[i].extract_text().splitlines()
            if page and page[-1].strip() == _folio(reader, i):
                page = page[:-1]  # the page's own folio
            lines += page
        text = "\n".join(lines)
        numbers = [int(n) for n in re.findall(r"(?m)(\d+)\s*$", text)]
        starts = {_folio(reader, _start(reader, anchor)) for anchor in held}
        assert numbers
        assert {str(n) for n in numbers} <= starts
        # works held in another volume are not in this one's index
        for anchor, title in titles.items():
            if anchor not in held:
                assert title not in text


def test_volume_isbns_must_be_one_per_volume(book: Path, built: Built) -> None:
    manifest = book / "anthology.toml"
    original = manifest.read_text(encoding="utf-8")
    out = built.outputs[0].path.parent
    before = {path: path.read_bytes() for path in out.glob("*.pdf")}
    try:
        manifest.write_text(
            original.replace("[print]\n", '[print]\nvolume_isbns = ["978-0-306-40615-7"]\n', 1),
            encoding="utf-8",
        )
        with pytest.raises(ContentError) as raised:
            # into the first build's folder: its cache makes the layout quick, and the
            # volumes it wrote must still be there, untouched, after the error
            build(book, out, formats=("pdf-print",), jobs=2)
        (problem,) = raised.value.report.errors
        assert problem.code == "M120"
        assert "gives 1 ISBNs" in problem.message
        assert "2 volumes" in problem.message
        assert {path: path.read_bytes() for path in out.glob("*.pdf")} == before
    finally:
        manifest.write_text(original, encoding="utf-8")
