"""The e-reader edition: print page numbers, accessibility, semantics, notes, cover.

Most tests read the example's EPUB and PDF as built by ``make book``; the others
build small anthologies that hold one feature each.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from octavo.api import Built, build
from tests.conftest import MakeAnthology, epubcheck_messages, files_in
from tests.test_example_pdf import folio

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_epub(path: Path) -> dict[str, etree._Element]:
    """Every XML file of the EPUB, parsed, by its name inside the zip."""
    with zipfile.ZipFile(path) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.endswith((".xhtml", ".opf", ".ncx", ".xml"))
        }


def meta(opf: etree._Element, name: str) -> list[str]:
    return [m.text or "" for m in opf.iterfind(f".//opf:meta[@property='{name}']", NS)]


def letters(text: str) -> str:
    """Letters and digits only, case-folded: text as two renderings both hold it."""
    return "".join(c for c in text.casefold() if c.isalnum())


@pytest.fixture(scope="module")
def example(example_build: tuple[Built, Path]) -> tuple[dict[str, etree._Element], PdfReader]:
    _, out = example_build
    return read_epub(out / "silent-screen.epub"), PdfReader(out / "silent-screen.pdf")


def _text_after(element: etree._Element, limit: int = 40) -> str:
    """The letters that follow a marker in reading order (footnote calls left out)."""
    collected = ""
    node: etree._Element | None = element
    root = element.getroottree()
    ordered = list(root.iter())
    start = ordered.index(element)
    collected = letters(element.tail or "")
    for node in ordered[start + 1 :]:
        if len(collected) >= limit:
            break
        if not isinstance(node.tag, str):
            continue
        skipped = any(
            "footnote-ref" in (a.get("class") or "") or a.tag.endswith("svg")
            for a in [node, *node.iterancestors()]
        )
        if not skipped:
            collected += letters(node.text or "")
        if not any("footnote-ref" in (a.get("class") or "") for a in node.iterancestors()):
            collected += letters(node.tail or "") if node is not element else ""
    return collected[:limit]


def test_page_list_names_every_printed_page_in_order(example) -> None:  # type: ignore[no-untyped-def]
    files, pdf = example
    nav = files["EPUB/nav.xhtml"]
    page_list = nav.find(".//x:nav[@epub:type='page-list']", NS)
    assert page_list is not None
    labels = [a.text for a in page_list.iterfind(".//x:a", NS)]
    assert len(labels) == len(pdf.pages)
    for index, label in enumerate(labels):
        printed = folio(pdf, index)
        if printed is not None:  # pages without a folio (blank, openers) are counted
            assert label == printed, f"page {index + 1}"
    # each link leads to its marker, with the folio as its accessible name
    for link in page_list.iterfind(".//x:a", NS):
        name, _, fragment = link.get("href").partition("#")
        marker = files[f"EPUB/{name}"].find(f".//*[@id='{fragment}']")
        assert marker is not None
        assert marker.get(EPUB_TYPE) == "pagebreak"
        assert marker.get("role") == "doc-pagebreak"
        assert marker.get("aria-label") == link.text


def test_each_page_marker_stands_where_that_printed_page_begins(example) -> None:  # type: ignore[no-untyped-def]
    """The words after a marker are on the PDF page with that folio, and not earlier."""
    files, pdf = example
    nav = files["EPUB/nav.xhtml"]
    page_list = nav.find(".//x:nav[@epub:type='page-list']", NS)
    assert page_list is not None
    pages = [letters(page.extract_text()) for page in pdf.pages]
    checked = 0
    for index, link in enumerate(page_list.iterfind(".//x:a", NS)):
        name, _, fragment = link.get("href").partition("#")
        marker = files[f"EPUB/{name}"].find(f".//*[@id='{fragment}']")
        following = marker.getnext() if marker is not None else None
        deferred = (
            following is not None
            and following.get(EPUB_TYPE) == "pagebreak"
            and not (marker.tail or "").strip()
        )
        if deferred:
            # A page the EPUB holds no words of (blank, the half title, the printed
            # contents) is marked right before the next page; no other page is.
            words = pages[index]
            print_only = words in ("", "silentscreen") or words.startswith("contents")
            assert print_only, f"page {link.text} was not placed: {words[:40]!r}"
            continue
        after = _text_after(marker, 24)
        assert after, f"page {link.text}: no text after its marker"
        assert after in pages[index], f"page {link.text}: {after!r} is not on it"
        # and they open the page: only a running head, or a pull quote set at the top
        # of the page, comes before them in the PDF's text
        opening = pages[index].find(after)
        assert 0 <= opening < 120, f"page {link.text} does not begin with {after!r}"
        checked += 1
    assert checked >= 40


def test_pagination_source_and_accessibility_metadata(example) -> None:  # type: ignore[no-untyped-def]
    files, _ = example
    opf = files["EPUB/content.opf"]
    assert meta(opf, "schema:accessMode") == ["textual", "visual"]  # the moon drawing
    assert meta(opf, "schema:accessModeSufficient") == ["textual", "textual,visual"]
    features = meta(opf, "schema:accessibilityFeature")
    for feature in (
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "alternativeText",
        "pageBreakMarkers",
        "pageNavigation",
        "index",
    ):
        assert feature in features
    assert meta(opf, "schema:accessibilityHazard") == ["none"]
    (summary,) = meta(opf, "schema:accessibilitySummary")
    assert "Every picture has a text description" in summary
    assert "Page numbers of the print edition" in summary
    assert meta(opf, "dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    source = opf.find(".//dc:source", NS)
    identifier = opf.find(".//dc:identifier", NS)
    assert source is not None
    assert identifier is not None
    assert source.text == identifier.text  # the PDF carries the same identifier
    assert meta(opf, "source-of") == ["pagination"]
    (generator,) = opf.findall(".//opf:meta[@name='generator']", NS)
    assert generator.get("content", "").startswith("Octavo ")


def test_landmarks_and_structural_semantics(example) -> None:  # type: ignore[no-untyped-def]
    files, _ = example
    nav = files["EPUB/nav.xhtml"]
    landmarks = {
        a.get(EPUB_TYPE): a.get("href")
        for a in nav.iterfind(".//x:nav[@epub:type='landmarks']//x:a", NS)
    }
    assert landmarks == {
        "cover": "cover.xhtml",
        "titlepage": "titlepage.xhtml",
        "toc": "nav.xhtml",
        "bodymatter": "part-1.xhtml",
        "index": "index-works.xhtml",
    }

    def typed(name: str) -> tuple[str | None, str | None]:
        section = files[f"EPUB/{name}"].find(".//x:body/*", NS)
        assert section is not None
        return section.get(EPUB_TYPE), section.get("role")

    assert typed("titlepage.xhtml")[0] == "titlepage"
    assert typed("copyright.xhtml")[0] == "copyright-page"
    assert typed("front-foreword.xhtml") == ("foreword", "doc-foreword")
    assert typed("part-1.xhtml") == ("part", "doc-part")
    assert typed("r-nosferatu.xhtml") == ("chapter", "doc-chapter")
    assert typed("index-works.xhtml") == ("index", "doc-index")
    assert typed("back-acknowledgments.xhtml") == ("acknowledgments", "doc-acknowledgments")
    assert typed("back-contributors.xhtml")[0] == "contributors"
    assert files["EPUB/cover.xhtml"].find(".//x:body", NS).get(EPUB_TYPE) == "cover"


def test_ratings_are_read_out_in_words(example) -> None:  # type: ignore[no-untyped-def]
    files, _ = example
    stars = files["EPUB/r-nosferatu.xhtml"].find(".//{http://www.w3.org/2000/svg}svg")
    assert stars is not None
    assert stars.get("role") == "img"
    assert re.fullmatch(r"[\d.]+ out of 5 stars", stars.get("aria-label", ""))


def test_footnotes_pop_up_and_link_back(example) -> None:  # type: ignore[no-untyped-def]
    files, _ = example
    root = files["EPUB/r-nosferatu.xhtml"]
    calls = root.findall(".//x:a[@epub:type='noteref']", NS)
    assert calls
    for call in calls:
        assert call.get("role") == "doc-noteref"
        note = root.find(f".//*[@id='{call.get('href')[1:]}']")
        assert note is not None
        assert etree.QName(note).localname == "aside"
        assert note.get(EPUB_TYPE) == "footnote"
        assert note.get("role") == "doc-footnote"
        back = note.find(".//x:a[@role='doc-backlink']", NS)
        assert back is not None
        assert back.get("href") == "#" + call.get("id")
    assert not root.findall(".//x:ol[@class='footnotes-list']", NS)


def test_cover_is_declared_for_every_reading_system(example) -> None:  # type: ignore[no-untyped-def]
    files, _ = example
    opf = files["EPUB/content.opf"]
    item = opf.find(".//opf:item[@properties='cover-image']", NS)
    assert item is not None
    assert item.get("media-type") == "image/jpeg"
    cover_meta = opf.find(".//opf:meta[@name='cover']", NS)
    assert cover_meta is not None
    assert cover_meta.get("content") == item.get("id")
    spine = opf.find(".//opf:spine", NS)
    first = spine[0]
    assert first.get("idref") == "cover"
    assert first.get("linear") == "no"
    guide = opf.find(".//opf:guide/opf:reference[@type='cover']", NS)
    assert guide is not None
    assert guide.get("href") == "cover.xhtml"


def test_languages_get_xml_lang_and_right_to_left_gets_dir(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    root = make_anthology(
        {
            "reviews/alpha.md": """\
            ---
            title: Alpha
            reviewer: Ann Critic
            ---

            The poem opens with [שָׁלוֹם רָב]{lang=he}, and the French
            [bonjour]{lang=fr}.
            """,
            "reviews/beta.md": """\
            ---
            title: Beta
            reviewer: Ann Critic
            language: ar
            ---

            شهرزاد تحكي حكاية كل ليلة.
            """,
        }
    )
    build(root, tmp_path / "out", ("epub",))
    assert epubcheck_messages(tmp_path / "out" / "test-book.epub") == []
    files = read_epub(tmp_path / "out" / "test-book.epub")
    alpha = files["EPUB/r-alpha.xhtml"]
    hebrew = alpha.find(".//x:span[@lang='he']", NS)
    french = alpha.find(".//x:span[@lang='fr']", NS)
    assert hebrew is not None
    assert french is not None
    assert hebrew.get(XML_LANG) == "he"
    assert hebrew.get("dir") == "rtl"
    assert french.get(XML_LANG) == "fr"
    assert french.get("dir") is None
    beta = files["EPUB/r-beta.xhtml"].find(".//x:section", NS)
    assert beta is not None
    assert (beta.get("lang"), beta.get(XML_LANG), beta.get("dir")) == ("ar", "ar", "rtl")


def test_a_book_in_a_right_to_left_language_reads_right_to_left(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    root = make_anthology({"anthology.toml": 'title = "كتاب"\nlanguage = "ar"\n'})
    build(root, tmp_path / "out", ("epub",))
    (epub,) = (tmp_path / "out").glob("*.epub")
    assert epubcheck_messages(epub) == []
    files = read_epub(epub)
    spine = files["EPUB/content.opf"].find(".//opf:spine", NS)
    assert spine.get("page-progression-direction") == "rtl"
    assert files["EPUB/titlepage.xhtml"].get("dir") == "rtl"


def test_metadata_follows_what_the_book_holds(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    """No pictures, no PDF: no visual mode, no page list, and no claim of either."""
    build(make_anthology(), tmp_path / "out", ("epub",))
    files = read_epub(tmp_path / "out" / "test-book.epub")
    opf = files["EPUB/content.opf"]
    assert meta(opf, "schema:accessMode") == ["textual"]
    assert meta(opf, "schema:accessModeSufficient") == ["textual"]
    features = meta(opf, "schema:accessibilityFeature")
    assert "alternativeText" not in features
    assert "pageNavigation" not in features
    assert opf.find(".//dc:source", NS) is None
    assert files["EPUB/nav.xhtml"].find(".//x:nav[@epub:type='page-list']", NS) is None
    assert "no pictures" in meta(opf, "schema:accessibilitySummary")[0]


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
    b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_a_picture_without_alt_text_is_a_warning_and_no_conformance_claim(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    root = make_anthology(
        {
            "reviews/alpha.md": """\
            ---
            title: Alpha
            reviewer: Ann Critic
            ---

            A still:

            ![](dot.png)
            """,
            "reviews/dot.png": PNG,
        }
    )
    built = build(root, tmp_path / "out", ("epub",))
    (warning,) = [d for d in built.report.warnings if d.code == "R208"]
    assert warning.path is not None
    assert warning.path.name == "alpha.md"
    assert warning.line == 8
    files = read_epub(tmp_path / "out" / "test-book.epub")
    opf = files["EPUB/content.opf"]
    assert meta(opf, "dcterms:conformsTo") == []
    assert "alternativeText" not in meta(opf, "schema:accessibilityFeature")
    assert meta(opf, "schema:accessModeSufficient") == ["textual,visual"]
    assert (
        "1 of its 1 pictures have no text description"
        in (meta(opf, "schema:accessibilitySummary")[0])
    )


def test_strict_makes_a_missing_alt_text_fail_the_build(
    make_anthology: MakeAnthology, tmp_path: Path, runner
) -> None:  # type: ignore[no-untyped-def]
    from octavo.cli import app

    root = make_anthology(
        {
            "reviews/alpha.md": "---\ntitle: Alpha\nreviewer: A\n---\n\n![](dot.png)\n",
            "reviews/dot.png": PNG,
        }
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(root), "--out", str(out), "--strict"])
    assert result.exit_code == 1
    assert "error[R208] reviews/alpha.md:6" in result.output
    assert "Traceback" not in result.output
    # no file of the book; the cache (balancing decisions) may stay, for the next build
    assert not out.exists() or [p.name for p in out.iterdir()] in ([], [".octavo-cache"])
    relaxed = runner.invoke(app, ["build", str(root), "--out", str(out), "-f", "epub"])
    assert relaxed.exit_code == 0
    assert "warning[R208]" in relaxed.output


def test_kepub_and_azw3_formats_from_the_command_line(
    make_anthology: MakeAnthology, tmp_path: Path, runner, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from octavo.cli import app
    from octavo.write import azw3

    root = make_anthology()
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(root), "--out", str(out), "-f", "kepub"])
    assert result.exit_code == 0, result.output
    assert files_in(out) == ["test-book.kepub.epub"]
    with zipfile.ZipFile(out / "test-book.kepub.epub") as archive:
        assert b"koboSpan" in archive.read("EPUB/r-alpha.xhtml")

    monkeypatch.setattr(azw3.shutil, "which", lambda name: None)
    result = runner.invoke(app, ["build", str(root), "--out", str(out), "-f", "epub,azw3"])
    assert result.exit_code == 1
    assert "calibre" in result.output
    assert "apt-get install calibre" in result.output
    assert "Traceback" not in result.output
    # nothing of that build was written: the kepub of the first build is all there is
    assert files_in(out) == ["test-book.kepub.epub"]


def test_a_cover_of_another_shape_is_a_warning_with_its_line(
    make_anthology: MakeAnthology, tmp_path: Path
) -> None:
    from io import BytesIO

    from PIL import Image

    square = BytesIO()
    Image.new("RGB", (800, 800), (120, 30, 30)).save(square, "PNG")
    root = make_anthology(
        {
            "anthology.toml": 'title = "Test Book"\nlanguage = "en"\ncover = "cover.png"\n',
            "cover.png": square.getvalue(),
        }
    )
    built = build(root, tmp_path / "out", ("epub",))
    assert epubcheck_messages(tmp_path / "out" / "test-book.epub") == []
    (warning,) = [d for d in built.report.warnings if d.code == "M115"]
    assert warning.line == 3
    assert "800x800" in warning.message
    with zipfile.ZipFile(tmp_path / "out" / "test-book.epub") as archive:
        data = archive.read("EPUB/images/cover.jpg")
    with Image.open(BytesIO(data)) as cover:
        assert cover.size == (1600, 2560)


@pytest.mark.slow
def test_builds_are_byte_identical_whatever_the_time_zone_locale_or_folder(
    tmp_path: Path, example_build: tuple[Built, Path]
) -> None:
    """Two builds of the example, in different time zones, locales and folders: the
    session's build (``example_build``, in this process) and one by the command line in
    another process, in a time zone where the build's date falls on another day, in
    another locale, from another working folder, into another output folder."""
    import os
    import subprocess
    import sys
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.conftest import EXAMPLE

    epoch = 1764028800
    here = datetime.fromtimestamp(epoch).astimezone()
    # UTC+14 and UTC-3:30: at the epoch, the 25th and the 24th of November
    zone = next(
        name
        for name in ("America/St_Johns", "Pacific/Kiritimati")
        if datetime.fromtimestamp(epoch, ZoneInfo(name)).date() != here.date()
    )
    current = os.environ.get("LC_ALL") or os.environ.get("LANG") or "C"
    locale = "C.UTF-8" if current.startswith("tr_TR") else "tr_TR.UTF-8"
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    out = tmp_path / "out"
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": str(epoch),
        "TZ": zone,
        "LANG": locale,
        "LC_ALL": locale,
    }
    subprocess.run(
        [sys.executable, "-m", "octavo", "build", str(EXAMPLE), "--out", str(out)],
        cwd=workdir,
        env=env,
        check=True,
        capture_output=True,
    )
    _, first = example_build
    for name in ("silent-screen.pdf", "silent-screen.epub"):
        assert (first / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.slow
def test_a_thousand_review_anthology_passes_epubcheck(tmp_path: Path) -> None:
    """Generated reviews with the features that matter: notes, tables, ratings, languages."""
    book = tmp_path / "thousand"
    sections = "\n".join(
        f'[[sections]]\ntitle = "Part {part}"\nselect = {{ tags = ["p{part}"] }}\n'
        for part in range(1, 4)
    )
    (book / "reviews").mkdir(parents=True)
    (book / "anthology.toml").write_text(
        'title = "A Thousand Reviews"\neditors = ["Ed Itor"]\n'
        + sections
        + '\n[[back]]\nindex = "works"\n\n[[back]]\nindex = "reviewers"\n',
        encoding="utf-8",
    )
    for number in range(1000):
        extra = ""
        if number % 7 == 0:
            extra += "\nAs the critic said.[^n]\n\n[^n]: A note on the film.\n"
        if number % 11 == 0:
            extra += "\n| Year | Place |\n|---|---|\n| 1925 | Berlin |\n"
        if number % 13 == 0:
            extra += "\nIts title was [Le Voyage]{lang=fr}, and [שלום]{lang=he}.\n"
        (book / "reviews" / f"r{number:04d}.md").write_text(
            f"---\ntitle: Work {number}\nreviewer: Critic {number % 40}\n"
            f"year: {1900 + number % 100}\nrating: {number % 5 + 1}/5\n"
            f"tags: [p{number % 3 + 1}]\n---\n\n"
            + f"The film number {number} opens on a street at dawn. " * 12
            + "\n\n## What remains\n\nA second paragraph, shorter.\n"
            + extra,
            encoding="utf-8",
        )
    built = build(book, tmp_path / "out", ("epub",))
    assert epubcheck_messages(built.outputs[0].path) == []
    assert built.outputs[0].documents is not None
    assert built.outputs[0].documents > 1000


def test_pages_that_begin_inside_an_index_are_marked_at_their_first_entry(
    tmp_path: Path,
) -> None:
    """An index of many entries runs over printed pages: each page that begins inside it
    is marked in the EPUB's index before the entry that opens the page (the print
    edition names its entries for the page list without ids)."""
    book = tmp_path / "indexed"
    (book / "reviews").mkdir(parents=True)
    (book / "anthology.toml").write_text(
        'title = "Indexed"\neditors = ["Ed Itor"]\n\n[[back]]\nindex = "works"\n',
        encoding="utf-8",
    )
    for number in range(90):
        (book / "reviews" / f"r{number:02d}.md").write_text(
            f"---\ntitle: The Long Title of Work Number {number}\nreviewer: Critic {number % 7}\n"
            f"year: {1920 + number % 50}\n---\n\nA short review of work {number}.\n",
            encoding="utf-8",
        )
    built = build(book, tmp_path / "out", ("pdf", "epub"))
    assert not [d for d in built.report.diagnostics if d.code == "B408"]
    files = read_epub(tmp_path / "out" / "indexed.epub")
    pdf = PdfReader(tmp_path / "out" / "indexed.pdf")
    pages = [letters(page.extract_text()) for page in pdf.pages]
    index = files["EPUB/index-works.xhtml"]
    markers = index.findall(f".//*[@{EPUB_TYPE}='pagebreak']", NS)
    inside = [marker for marker in markers if marker.getparent().tag == f"{{{NS['x']}}}li"]
    assert len(inside) >= 2  # the index runs over three pages or more
    labels = [folio(pdf, number) for number in range(len(pdf.pages))]
    for marker in inside:
        page = pages[labels.index(marker.get("aria-label"))]
        after = _text_after(marker, 24)
        assert after, f"page {marker.get('aria-label')}: no text after its marker"
        assert 0 <= page.find(after) < 120, f"page {marker.get('aria-label')}"
