"""The printed cover (``build --format cover``): its size by each printer's formula, its
boxes, the spine's text, the barcode read back by a scanner's decoder, and bad input.

One small book is built once (its printer's PDF and its cover); the other covers are
made from the same book by :func:`octavo.api.make_cover` with a page count, as a volume
would be: the sheet depends on nothing else of the interior.
"""

from __future__ import annotations

import dataclasses
import io
import textwrap
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from typer.testing import CliRunner

from octavo.api import Loaded, build, load_anthology, make_cover
from octavo.barcode import (
    BarcodeError,
    bars,
    ean5_checksum,
    ean5_modules,
    ean13_modules,
    isbn_barcode,
)
from octavo.cli import app
from octavo.printers import INGRAMSPARK, KDP

ISBN = "9780306406157"
TOLERANCE = 0.001  # inches

MANIFEST = """\
title = "Night Trains"
subtitle = "Reviews of Films about Railways"
editors = ["Ada Okonkwo"]
publisher = "Platform Press"
language = "en"
isbn = "978-0-306-40615-7"

[print]
printer = "kdp"
paper = "white"
price_code = "51995"
"""

REVIEW = """\
---
title: {title}
reviewer: {critic}
publication: The Signal Box
year: 1926
rating: 4/5
pullquote: "{quote}"
---

A review of {title}. It has two sentences.
"""

REVIEWS = {
    "reviews/general.md": ("The General", "Tomás Reyes", "A locomotive is the best actor here."),
    "reviews/express.md": ("Shanghai Express", "Margaret Ellery", "Smoke, silk and steam."),
    "reviews/lady.md": ("The Lady Vanishes", "Ada Okonkwo", "A train is a small country."),
}


def write_book(root: Path, manifest: str = MANIFEST, extra: dict[str, bytes] | None = None) -> Path:
    root.mkdir(parents=True)
    (root / "anthology.toml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    for name, (title, critic, quote) in REVIEWS.items():
        path = root / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(REVIEW.format(title=title, critic=critic, quote=quote), encoding="utf-8")
    for name, data in (extra or {}).items():
        (root / name).write_bytes(data)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, Loaded]:
    """The book's printer's PDF and cover, built once: (the cover, its interior's pages,
    the loaded book)."""
    root = tmp_path_factory.mktemp("cover")
    book = write_book(root / "book")
    result = build(book, root / "out", ("pdf-print", "cover"), jobs=1, cache=False)
    by_format = {output.format: output for output in result.outputs}
    assert by_format["cover"].path.name == "night-trains-cover.pdf"
    assert by_format["cover"].path.is_file()
    pages = by_format["pdf-print"].pages
    assert pages is not None
    return by_format["cover"].path, pages, load_anthology(book)


def with_print(loaded: Loaded, **options: object) -> Loaded:
    """The same book with other ``[print]`` options."""
    anthology = loaded.anthology
    changed = dataclasses.replace(anthology.print, **options)  # type: ignore[arg-type]
    return dataclasses.replace(loaded, anthology=dataclasses.replace(anthology, print=changed))


def boxes(data: bytes) -> dict[str, tuple[float, float]]:
    """Width and height (inches) of the only page's media, bleed and trim boxes."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0].obj
        found = {}
        for name in ("/MediaBox", "/BleedBox", "/TrimBox"):
            left, bottom, right, top = (float(value) for value in page[name])
            found[name] = ((right - left) / 72, (top - bottom) / 72)
        return found


def close(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return all(abs(a - b) <= TOLERANCE for a, b in zip(size, expected, strict=True))


def page_image(data: bytes, dpi: int = 300) -> Image.Image:
    document = pypdfium2.PdfDocument(data)
    return document[0].render(scale=dpi / 72).to_pil()


def text_in(data: bytes, left: float, right: float) -> str:
    """The text whose characters lie between ``left`` and ``right`` (inches from the
    media box's left edge)."""
    document = pypdfium2.PdfDocument(data)
    page = document[0]
    origin = page.get_mediabox()[0]
    text = page.get_textpage()
    found = []
    for index in range(text.count_chars()):
        x0, _, x1, _ = text.get_charbox(index)
        if left * 72 <= x0 - origin and x1 - origin <= right * 72:
            found.append(text.get_text_range(index, 1))
    return "".join(found).strip()


def char_boxes(data: bytes) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each character and its box (points, from the media box's bottom left corner)."""
    document = pypdfium2.PdfDocument(data)
    page = document[0]
    x, y = page.get_mediabox()[:2]
    text = page.get_textpage()
    found = []
    for index in range(text.count_chars()):
        left, bottom, right, top = text.get_charbox(index)
        found.append((text.get_text_range(index, 1), (left - x, bottom - y, right - x, top - y)))
    return found


# --- the size of the sheet, by each printer's formula ---------------------------------


def test_kdp_white_paperback_is_two_covers_a_spine_and_the_bleed(
    built: tuple[Path, int, Loaded],
) -> None:
    cover, pages, _ = built
    spine = pages * 0.002252  # KDP, white paper
    found = boxes(cover.read_bytes())
    assert close(found["/TrimBox"], (2 * 6 + spine, 9))
    assert close(found["/BleedBox"], (2 * 6 + spine + 2 * 0.125, 9 + 2 * 0.125))
    assert close(found["/MediaBox"], found["/BleedBox"])


def test_the_cover_is_pdf_x4(built: tuple[Path, int, Loaded]) -> None:
    with pikepdf.open(built[0]) as pdf:
        intents = pdf.Root.OutputIntents
        assert intents[0].S == "/GTS_PDFX"
        assert b"PDF/X-4" in pdf.Root.Metadata.read_bytes()


def test_kdp_cream_paperback(built: tuple[Path, int, Loaded]) -> None:
    loaded = with_print(built[2], paper="cream")
    cover = make_cover(loaded, 300)
    assert abs(cover.spine - 300 * 0.0025) < 1e-9
    found = boxes(cover.data)
    assert close(found["/MediaBox"], (2 * 6 + 0.75 + 0.25, 9.25))
    assert close(found["/TrimBox"], (2 * 6 + 0.75, 9))
    assert close(cover.size, KDP.cover_size((6, 9), 300, "cream", "paperback"))


def test_ingramspark_hardcover_adds_the_hinges_and_the_wrap(
    built: tuple[Path, int, Loaded],
) -> None:
    loaded = with_print(built[2], printer="ingramspark", binding="hardcover")
    cover = make_cover(loaded, 400)
    spine, hinge, wrap = 400 * INGRAMSPARK.page_thickness["white"], 0.394, 0.75
    found = boxes(cover.data)
    assert close(found["/MediaBox"], (2 * 6 + spine + 2 * hinge + 2 * wrap, 9 + 2 * wrap))
    assert close(found["/TrimBox"], (2 * 6 + spine + 2 * hinge, 9))
    # the smallest barcode box of the printers (1.75 x 1 in) still scans, add-on and all
    assert decoded(cover.data) == {ISBN, ISBN + "51995"}


# --- the spine ------------------------------------------------------------------------


def spine_range(loaded: Loaded, pages: int) -> tuple[float, float]:
    """The spine's left and right edges (inches from the sheet's left), paperback."""
    left = 0.125 + 6
    return left, left + KDP.spine(pages, loaded.anthology.print.paper)  # type: ignore[arg-type]


def test_no_spine_text_on_a_thin_book(built: tuple[Path, int, Loaded]) -> None:
    cover, pages, loaded = built
    assert pages < KDP.spine_text_pages
    left, right = spine_range(loaded, pages)
    assert text_in(cover.read_bytes(), left - 0.01, right + 0.01) == ""


def test_no_spine_text_below_five_points(built: tuple[Path, int, Loaded]) -> None:
    # KDP allows text from 79 pages, but 90 pages of white paper make a 0.2 in spine:
    # less than 5 pt type between the clearances, which stays plain
    loaded = built[2]
    cover = make_cover(loaded, 90)
    assert KDP.spine_has_text(90)
    assert not cover.spine_text
    left, right = spine_range(loaded, 90)
    assert text_in(cover.data, left - 0.01, right + 0.01) == ""
    assert make_cover(loaded, 110).spine_text


def test_spine_text_within_the_spine_less_its_clearance(built: tuple[Path, int, Loaded]) -> None:
    loaded = built[2]
    cover = make_cover(loaded, 300)
    assert cover.spine_text
    left, right = spine_range(loaded, 300)
    inside = text_in(cover.data, left + KDP.spine_clearance, right - KDP.spine_clearance)
    for words in ("NIGHT TRAINS", "Ada Okonkwo", "Platform Press"):
        assert words.replace(" ", "") in inside.replace(" ", "").replace("\n", "")
    # nothing of the spine's text strays over its folds, nor the back's near them
    everything = text_in(cover.data, left - 0.2, right + 0.2)
    assert everything.replace("\n", "") == inside.replace("\n", "")


def test_spine_text_starts_at_the_head_top_to_bottom_by_default(
    built: tuple[Path, int, Loaded],
) -> None:
    loaded = built[2]
    left, right = spine_range(loaded, 300)

    def title_runs_down(data: bytes) -> bool:
        spine = [
            box
            for char, box in char_boxes(data)
            if char.strip() and left * 72 <= box[0] and box[2] <= right * 72
        ]
        first, last = spine[0], spine[-1]  # in reading order: N ... (the publisher's) s
        return first[1] > last[1]  # PDF y grows upwards

    assert title_runs_down(make_cover(loaded, 300).data)
    assert not title_runs_down(make_cover(with_print(loaded, spine="bottom-to-top"), 300).data)


def test_a_right_to_left_book_has_its_front_on_the_left() -> None:
    loaded = load_anthology(Path(__file__).parents[1] / "anthologies" / "or-vetzel")
    cover = make_cover(loaded, 200)
    width = cover.size[0]
    front = text_in(cover.data, 0, width / 2 - 0.3)
    back = text_in(cover.data, width / 2 + 0.3, width)
    assert loaded.anthology.title.replace(" ", "") in front.replace(" ", "")
    assert loaded.anthology.title.replace(" ", "") not in back.replace(" ", "")


# --- the barcode ----------------------------------------------------------------------


def decoded(data: bytes) -> set[str]:
    """What a scanner's decoder reads on the sheet: the EAN-13, and with its add-on."""
    image = page_image(data)
    found = set()
    for add_on in (zxingcpp.EanAddOnSymbol.Ignore, zxingcpp.EanAddOnSymbol.Read):
        for result in zxingcpp.read_barcodes(
            image, formats=zxingcpp.BarcodeFormat.EAN13, ean_add_on_symbol=add_on
        ):
            found.add(result.text)
    return found


def test_the_barcode_reads_as_the_isbn_and_its_price(built: tuple[Path, int, Loaded]) -> None:
    assert decoded(built[0].read_bytes()) == {ISBN, ISBN + "51995"}


def test_no_isbn_no_barcode(built: tuple[Path, int, Loaded]) -> None:
    loaded = built[2]
    loaded = dataclasses.replace(loaded, anthology=dataclasses.replace(loaded.anthology, isbn=None))
    assert decoded(make_cover(loaded, 100).data) == set()


def pure_image(modules: str, scale: int = 4, quiet: int = 12) -> Image.Image:
    """The modules drawn as a plain bitmap, as a scanner would see them."""
    width = (len(modules) + 2 * quiet) * scale
    image = Image.new("L", (width, 60 * scale), 255)
    for start, run in bars(modules):
        x = (quiet + start) * scale
        image.paste(0, (x, 0, x + run * scale, 60 * scale))
    return image


@pytest.mark.parametrize("number", ["9780306406157", "9791032300824", "4006381333931"])
def test_ean13_encoder_against_a_decoder(number: str) -> None:
    modules = ean13_modules(number)
    assert len(modules) == 95
    assert modules.startswith("101")
    assert modules.endswith("101")
    assert modules[45:50] == "01010"
    (result,) = zxingcpp.read_barcodes(pure_image(modules))
    assert (result.format, result.text) == (zxingcpp.BarcodeFormat.EAN13, number)


def test_ean13_known_patterns() -> None:
    # 4006381333931 (the standard's example): first digit 4 makes the left half LGLLGG
    modules = ean13_modules("4006381333931")
    left = [modules[3 + 7 * i : 10 + 7 * i] for i in range(6)]
    # (the digits 0 0 6 3 8 1, in the sets L G L L G G of the standard's tables)
    assert left == ["0001101", "0100111", "0101111", "0111101", "0001001", "0110011"]
    right = [modules[50 + 7 * i : 57 + 7 * i] for i in range(6)]
    assert right == ["1000010", "1000010", "1000010", "1110100", "1000010", "1100110"]


def test_ean5_add_on() -> None:
    assert ean5_checksum("54495") == 9  # 3 x (5 + 4 + 5) + 9 x (4 + 9) = 159
    assert ean5_checksum("90000") == 7
    modules = ean5_modules("51995")
    assert modules.startswith("1011")
    assert len(modules) == 47


def test_the_encoder_refuses_a_wrong_check_digit() -> None:
    with pytest.raises(BarcodeError):
        ean13_modules("9780306406158")
    with pytest.raises(BarcodeError):
        isbn_barcode(ISBN, "51995", (1.2, 1.0))  # too narrow for 80%


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["1995", "5199A", "519950"])
def test_a_price_code_must_be_five_digits(tmp_path: Path, code: str) -> None:
    book = write_book(tmp_path / "book", MANIFEST.replace('"51995"', f'"{code}"'))
    result = CliRunner().invoke(app, ["build", str(book), "-o", str(tmp_path / "out"),
                                      "-f", "cover"])  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "M104" in result.output
    assert "anthology.toml:11" in result.output
    assert "print.price_code" in result.output
    assert "5 digits" in result.output


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#334455").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_small_cover_image_is_named_with_the_pixels_it_needs(tmp_path: Path) -> None:
    manifest = MANIFEST.replace('isbn = "', 'cover = "front.png"\nisbn = "')
    book = write_book(tmp_path / "book", manifest, {"front.png": png(600, 800)})
    loaded = load_anthology(book)
    make_cover(loaded, 100)
    found = {d.code: d for d in loaded.report.diagnostics if d.code in ("B407", "B412")}
    assert found["B407"].path is not None
    assert found["B407"].path.name == "front.png"
    # the front with its bleed on three sides: 6.125 x 9.25 in at 300 ppi
    assert "needs 1838 x 2775 pixels" in found["B407"].message
    # 600 x 800 is wider than the front's 6.125 x 9.25 in
    assert "cropped at the left and right" in found["B412"].message


def test_a_large_cover_image_of_the_right_shape_is_quiet(tmp_path: Path) -> None:
    manifest = MANIFEST.replace('isbn = "', 'cover = "front.png"\nisbn = "')
    book = write_book(tmp_path / "book", manifest, {"front.png": png(1838, 2775)})
    loaded = load_anthology(book)
    make_cover(loaded, 100)
    assert not [d for d in loaded.report.diagnostics if d.code in ("B407", "B412")]


def test_a_back_cover_too_long_is_warned(built: tuple[Path, int, Loaded]) -> None:
    loaded = built[2]
    long = "A sentence about trains that goes on for a while. " * 120
    for text, warned in ((long, True), ("*Twelve critics* on the films that run on rails.", False)):
        book = dataclasses.replace(loaded.anthology, back_cover=text)
        report = dataclasses.replace(loaded.report, diagnostics=[])
        make_cover(dataclasses.replace(loaded, anthology=book, report=report), 100)
        found = [d for d in report.diagnostics if d.code == "B415"]
        assert bool(found) == warned
        if warned:
            assert "too long for the space above the barcode" in found[0].message


def test_without_pull_quotes_the_back_quotes_opening_sentences(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book")
    for path in (book / "reviews").iterdir():
        text = path.read_text(encoding="utf-8")
        text = "\n".join(line for line in text.splitlines() if not line.startswith("pullquote"))
        title = text.split("title: ")[1].split("\n")[0]
        text = text.replace(
            f"A review of {title}. It has two sentences.",
            f"Nobody who saw {title} on a cold night forgot its engines. The rest is detail.",
        )
        path.write_text(text, encoding="utf-8")
    cover = make_cover(load_anthology(book), 100)
    back = text_in(cover.data, 0.125, 0.125 + 6)
    assert "Nobody who saw The General on a cold night forgot its engines." in back.replace(
        "\n", " "
    )
    assert "Tomás Reyes" in back
    assert "The rest is detail" not in back
