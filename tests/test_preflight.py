"""``octavo check --printer``: the printer's rules held against real PDFs.

Two books are laid out, once each for the module: a small one with every planted
fault a book can carry (two reviews for KDP's 24-page minimum, a theme of its own
with a narrow inside margin, a picture too coarse to print, a cover of the wrong
size), and the example, which passes for KDP. The rules that read a PDF a build
would never make (a font not embedded, boxes missing, text in a form XObject, a
right-to-left book's binding edge) are run on small PDFs made here with pikepdf.
"""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image
from typer.testing import CliRunner, Result

from octavo.cli import app
from octavo.preflight import (
    PREFLIGHT_CODES,
    cover_size,
    even_pages,
    fonts_embedded,
    measure_margins,
    page_boxes,
    page_count,
)
from octavo.printers import GENERIC, INGRAMSPARK, KDP

from .conftest import EXAMPLE, MINIMAL_REVIEW

POINTS = 72.0


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 60, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def cover_pdf(width: float, height: float, pages: int = 1) -> bytes:
    """A blank cover of ``width`` x ``height`` inches."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(width * POINTS, height * POINTS))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def write_book(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def check(*arguments: str | Path) -> Result:
    return CliRunner().invoke(app, ["check", *map(str, arguments)])


# --- a book with every planted fault ----------------------------------------------------

FAULTY_MANIFEST = """\
title = "Test Book"
editors = ["Ed Itor"]
language = "en"
style = "./narrow"

[print]
printer = "kdp"
"""

#: A theme of the book's own: classic, with a 0.3 in inside margin (KDP asks 0.375 in).
NARROW_THEME = 'name = "narrow"\nextends = "classic"\n'
NARROW_CSS = """\
@page :right { margin-left: 0.3in; }
@page :left { margin-right: 0.3in; }
"""

#: KDP's wrap for a book of 10 to 30 pages is about 12.27 to 12.32 in wide: 13 in is
#: a cover made for about 330 pages.
WRONG_COVER = (13.0, 9.25)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("faulty") / "book"
    return write_book(
        root,
        {
            "anthology.toml": FAULTY_MANIFEST,
            "narrow/theme.toml": NARROW_THEME,
            "narrow/print.css": NARROW_CSS,
            "reviews/alpha.md": MINIMAL_REVIEW.format(title="Alpha") + "\n" + "Words. " * 400,
            "reviews/beta.md": MINIMAL_REVIEW.format(title="Beta")
            + "\n![A still](images/still.png)\n",
            "reviews/images/still.png": png(300, 200),
            "cover.pdf": cover_pdf(*WRONG_COVER),
        },
    )


@pytest.fixture(scope="module")
def faulty_json(faulty: Path) -> tuple[int, dict[str, Any]]:
    """``check --preflight --cover`` in JSON: the manifest names KDP."""
    result = check(faulty, "--preflight", "--cover", faulty / "cover.pdf", "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def rule(document: dict[str, Any], code: str) -> dict[str, Any]:
    (found,) = [r for r in document["preflight"][0]["rules"] if r["code"] == code]
    return found


def problem(document: dict[str, Any], code: str) -> dict[str, Any]:
    (found,) = [p for p in document["problems"] if p["code"] == code]
    return found


def test_a_failed_rule_is_an_error(faulty_json: tuple[int, dict[str, Any]]) -> None:
    status, document = faulty_json
    assert status == 1
    (preflight,) = document["preflight"]  # one volume
    assert preflight["volume"] is None
    assert preflight["printer"] == "kdp"
    assert preflight["passed"] is False
    assert [r["code"] for r in preflight["rules"]] == list(PREFLIGHT_CODES)
    failed = {r["code"] for r in preflight["rules"] if r["status"] == "failed"}
    assert failed == {"P801", "P802", "P806", "P808"}
    errors = {p["code"] for p in document["problems"] if p["severity"] == "error"}
    assert errors == failed
    for code in ("P803", "P804", "P805", "P807"):
        assert rule(document, code)["status"] == "passed", rule(document, code)


def test_too_few_pages(faulty_json: tuple[int, dict[str, Any]]) -> None:
    _, document = faulty_json
    pages = document["preflight"][0]["pages"]
    assert pages < 24
    assert pages % 2 == 0
    found = rule(document, "P801")
    assert found["measured"] == f"{pages} pages"
    assert found["required"] == "24 to 828 pages for a paperback on white paper"
    assert found["source"] == "KDP Help, Print Options"
    reported = problem(document, "P801")
    assert reported["file"] == "anthology.toml"
    assert reported["message"].startswith(f"page count: {pages} pages (required: 24 to 828")
    assert "binds no paperback under 24 pages" in reported["hint"]


def test_a_narrow_gutter_is_measured_on_the_page(faulty_json: tuple[int, dict[str, Any]]) -> None:
    _, document = faulty_json
    found = rule(document, "P802")
    # 0.3 in, as the theme sets it: measured from the trim to the text
    assert found["measured"].startswith("0.3 in on page ")
    assert found["page"] >= 1
    assert found["required"].startswith("at least 0.375 in for ")
    reported = problem(document, "P802")
    assert reported["file"] == "narrow/print.css"
    assert (
        "widen the inside margin to 0.375 in or more, in print.css of the theme"
        in (reported["hint"])
    )


def test_a_picture_too_coarse(faulty_json: tuple[int, dict[str, Any]]) -> None:
    _, document = faulty_json
    found = rule(document, "P806")
    assert found["file"] == "reviews/images/still.png"
    assert found["measured"].startswith("reviews/images/still.png at ")
    assert found["measured"].endswith(" ppi")
    ppi = int(found["measured"].split(" at ")[1].split()[0])
    assert ppi < 300
    # the build's own warning names the same picture and resolution
    assert f"printed at {ppi} pixels per inch" in problem(document, "B407")["message"]


def test_a_cover_of_the_wrong_size(faulty_json: tuple[int, dict[str, Any]]) -> None:
    _, document = faulty_json
    pages = document["preflight"][0]["pages"]
    width, _height = KDP.cover_size((6, 9), pages, "white", "paperback")
    spine = KDP.spine(pages, "white")
    found = rule(document, "P808")
    assert found["measured"] == "13 x 9.25 in"
    assert found["required"].startswith(f"{width:.3f}".rstrip("0") + " x 9.25 in within 0.0625")
    assert f"spine {spine:.3f}".rstrip("0") in found["required"]
    assert found["file"] == "cover.pdf"
    assert "this cover's width fits about 3" in found["hint"]  # some 330 pages


def test_the_text_report_gives_one_line_per_rule(faulty: Path) -> None:
    result = check(faulty, "--printer", "kdp", "--cover", faulty / "cover.pdf")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Preflight for ")))
    assert lines[start].startswith("Preflight for Amazon KDP: paperback, white paper, trim 6 x 9")
    rules = [line for line in lines[start + 1 :] if not line.startswith("    hint: ")]
    assert [line.split()[0] for line in rules[:-1]] == [
        "error[P801]",
        "error[P802]",
        "passed",
        "passed",
        "passed",
        "error[P806]",
        "passed",
        "error[P808]",
    ]
    assert rules[-1].endswith(" warnings, 4 errors")  # B407 among the warnings
    gutter = next(line for line in lines if "error[P802]" in line)
    assert "narrow/print.css: inside margin: 0.3 in on page" in gutter
    assert gutter.endswith("[KDP Help, Set Trim Size, Bleed, and Margins]")
    # a failed rule is printed once, in the preflight, not also among the diagnostics
    assert sum("[P802]" in line for line in lines) == 1


# --- the example passes ---------------------------------------------------------------


def test_the_example_passes_for_kdp() -> None:
    """The example passes every rule of KDP for a paperback on white paper, its cover
    made as build makes it (the manifest names no printer: --printer does)."""
    result = check(EXAMPLE, "--printer", "kdp", "--format", "json")
    assert result.exit_code == 0, result.stdout
    document = json.loads(result.stdout)
    assert document["errors"] == 0
    (preflight,) = document["preflight"]
    assert preflight["passed"] is True
    assert [r["status"] for r in preflight["rules"]] == ["passed"] * 8, preflight
    pages = preflight["pages"]
    assert 24 <= pages <= 150  # KDP's smallest gutter, 0.375 in
    width, height = KDP.cover_size((6, 9), pages, "white", "paperback")
    cover = rule(document, "P808")["measured"]
    assert cover == f"{width:.3f}".rstrip("0") + f" x {height:g} in, the cover octavo build" + (
        " --format cover makes"
    )
    # the classic theme's 0.8 in gutter, measured to the glyphs' boxes
    assert 0.75 < float(rule(document, "P802")["measured"].split()[0]) <= 0.8


# --- the rules on PDFs made here --------------------------------------------------------


def pdf_of(pages: list[bytes], size: tuple[float, float] = (432.0, 648.0), **extra: Any) -> bytes:
    """A PDF whose pages draw ``pages`` (content streams) with Helvetica (not embedded)
    as /F1 and a grey pixel as /Im1; ``extra`` sets boxes on every page."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                           BaseFont=pikepdf.Name.Helvetica)
    )  # fmt: skip
    pixel = pdf.make_stream(
        b"\x80", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=1, Height=1,
        ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8,
    )  # fmt: skip
    resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(F1=font), XObject=pikepdf.Dictionary(Im1=pixel)
    )
    for content in pages:
        page = pdf.add_blank_page(page_size=size)
        page.obj.Resources = resources
        page.obj.Contents = pdf.make_stream(content)
        for name, box in extra.items():
            page.obj[f"/{name}"] = pikepdf.Array(box)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def picture(left: float, bottom: float, width: float, height: float) -> bytes:
    return f"q {width} 0 0 {height} {left} {bottom} cm /Im1 Do Q\n".encode()


def test_the_binding_edge_follows_the_direction_of_the_book() -> None:
    """Two pages set as a left-to-right book sets them: 80 pt by the spine (left on the
    first page, a recto), 30 pt outside. A right-to-left book's first page is a
    left-hand page, bound on its right: the same pages then have a 30 pt gutter."""
    recto = picture(80, 100, 432 - 80 - 30, 400)
    verso = picture(30, 120, 432 - 80 - 30, 400)
    data = pdf_of([recto, verso])
    ltr = measure_margins(data, "ltr")
    assert ltr.inside is not None
    assert ltr.outside is not None
    assert ltr.inside.inches == pytest.approx(80 / POINTS)
    assert ltr.outside.inches == pytest.approx(30 / POINTS)
    rtl = measure_margins(data, "rtl")
    assert rtl.inside is not None
    assert rtl.outside is not None
    assert rtl.inside.inches == pytest.approx(30 / POINTS)
    assert rtl.outside.inches == pytest.approx(80 / POINTS)
    assert ltr.top is not None
    assert ltr.top.page == 1
    assert ltr.top.inches == pytest.approx((648 - 520) / POINTS)
    assert ltr.bottom is not None
    assert ltr.bottom.inches == pytest.approx(100 / POINTS)


def test_a_picture_that_bleeds_is_no_margin_but_text_past_the_trim_is() -> None:
    bleeding = picture(-9, -9, 250, 300) + b"BT /F1 12 Tf 100 500 Td (Text) Tj ET\n"
    margins = measure_margins(pdf_of([bleeding]))
    assert margins.bottom is not None
    assert margins.bottom.inches == pytest.approx(500 / POINTS, abs=4 / POINTS)
    outside = measure_margins(pdf_of([b"BT /F1 12 Tf -20 500 Td (Text) Tj ET\n"]))
    assert outside.inside is not None
    assert outside.inside.inches < 0


def test_margins_are_measured_from_the_trim_box_to_text_in_forms_too() -> None:
    """The trim box, not the sheet: bleed and marks lie outside it. Text drawn in a form
    XObject is placed through the form's matrix."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                           BaseFont=pikepdf.Name.Helvetica)
    )  # fmt: skip
    form = pdf.make_stream(
        b"BT /F1 12 Tf 0 0 Td (Folio) Tj ET",
        Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 100, 20],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
    )  # fmt: skip
    page = pdf.add_blank_page(page_size=(450, 666))  # a 6 x 9 in trim with 9 pt bleed
    page.obj.TrimBox = pikepdf.Array([9, 9, 441, 657])
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(X1=form))
    page.obj.Contents = pdf.make_stream(b"q 1 0 0 1 200 27 cm /X1 Do Q")
    out = io.BytesIO()
    pdf.save(out)
    margins = measure_margins(out.getvalue())
    assert margins.bottom is not None
    assert margins.inside is not None
    # the text sits on y = 27, 18 pt above the trim (its descent may reach a little lower)
    assert 16 / POINTS < margins.bottom.inches <= 18 / POINTS
    assert margins.inside.inches == pytest.approx(191 / POINTS, abs=2 / POINTS)


def test_a_font_that_is_not_embedded() -> None:
    data = pdf_of([b"BT /F1 12 Tf 100 100 Td (Hello) Tj ET\n"])
    with pikepdf.open(io.BytesIO(data)) as document:
        result = fonts_embedded(KDP, document)
    assert result.failed
    assert result.measured == "not embedded: Helvetica (page 1)"
    assert result.page == 1
    assert result.hint is not None
    assert "embedded" in result.hint
    assert result.diagnostic().code == "P805"


def test_missing_and_wrong_boxes() -> None:
    trim = (6.0, 9.0)
    none = pdf_of([b""])
    wrong_bleed = pdf_of(
        [b"", b""], (450.0, 666.0), TrimBox=[9, 9, 441, 657], BleedBox=[9, 0, 450, 666]
    )
    right = pdf_of([b""], (450.0, 666.0), TrimBox=[9, 9, 441, 657], BleedBox=[0, 0, 450, 666])
    found = []
    for data in (none, wrong_bleed, right):
        with pikepdf.open(io.BytesIO(data)) as document:
            found.append(page_boxes(GENERIC, document, trim))
    assert found[0].failed
    assert found[0].measured == "no trim box on page 1"
    assert found[1].failed
    assert found[1].measured == (
        "a bleed of 0 in, 0.125 in, 0.125 in, 0.125 in (left, bottom, right, top) on page 1"
        " and 1 other page"
    )
    assert found[2].status == "passed"


def test_kdp_wants_no_bleed_at_the_spine() -> None:
    trim = (6.0, 9.0)
    # a recto bound on its left, then a verso bound on its right: 6.125 x 9.25 in each
    spineless = pdf_of([b"", b""], (441.0, 666.0), TrimBox=[0, 9, 432, 657])
    with pikepdf.open(io.BytesIO(spineless)) as document:
        document.pages[0].obj.BleedBox = pikepdf.Array([0, 0, 441, 666])
        document.pages[0].obj.TrimBox = pikepdf.Array([0, 9, 432, 657])
        document.pages[1].obj.BleedBox = pikepdf.Array([0, 0, 441, 666])
        document.pages[1].obj.TrimBox = pikepdf.Array([9, 9, 441, 657])
        assert page_boxes(KDP, document, trim).status == "passed"
        # the same pages read as a right-to-left book are bound on the other edge
        rtl = page_boxes(KDP, document, trim, "rtl")
    assert rtl.failed
    assert rtl.measured.startswith("a bleed of 0 in, 0.125 in, 0.125 in, 0.125 in")
    every_side = pdf_of([b""], (450.0, 666.0), TrimBox=[9, 9, 441, 657], BleedBox=[0, 0, 450, 666])
    with pikepdf.open(io.BytesIO(every_side)) as document:
        assert page_boxes(KDP, document, trim).failed


def test_page_limits_and_even_pages() -> None:
    assert page_count(KDP, "paperback", "white", 24).status == "passed"
    too_many = page_count(KDP, "hardcover", "cream", 600)
    assert too_many.failed
    assert too_many.required == "75 to 550 pages for a hardcover on cream paper"
    assert too_many.hint is not None
    assert "[print] max_pages = 550 (about 2 volumes)" in too_many.hint
    assert page_count(INGRAMSPARK, "paperback", "white", 18).status == "passed"
    assert even_pages(GENERIC, 61).failed
    assert even_pages(GENERIC, 62).status == "passed"


def test_cover_size_rule() -> None:
    pages, trim = 300, (6.0, 9.0)
    width, height = KDP.cover_size(trim, pages, "cream", "hardcover")
    made = cover_pdf(width, height)
    assert cover_size(KDP, made, None, trim, pages, "cream", "hardcover").status == "passed"
    two = cover_size(KDP, cover_pdf(width, height, 2), None, trim, pages, "cream", "hardcover")
    assert two.failed
    assert two.measured.endswith(", on 2 pages")
    broken = cover_size(KDP, b"not a pdf", None, trim, pages, "cream", "hardcover")
    assert broken.failed
    assert broken.measured.startswith("not a PDF that can be read")
    skipped = cover_size(KDP, None, None, trim, pages, "cream", "hardcover")
    assert skipped.status == "skipped"
    assert "hinge" in skipped.required
    assert "wrap" in skipped.required


# --- the command line -----------------------------------------------------------------


def test_the_printer_needs_the_layout_and_a_name(tmp_path: Path) -> None:
    quick = check(EXAMPLE, "--printer", "kdp", "--quick")
    assert quick.exit_code == 2
    assert "leave out --quick" in quick.output
    unknown = check(EXAMPLE, "--printer", "lulu")
    assert unknown.exit_code == 2
    book = write_book(
        tmp_path / "book",
        {
            "anthology.toml": 'title = "T"\neditors = ["E"]\nlanguage = "en"\n',
            "reviews/a.md": MINIMAL_REVIEW.format(title="A"),
        },
    )
    unnamed = check(book, "--preflight")
    assert unnamed.exit_code == 2
    assert "no printer to check against" in unnamed.output
    assert "--printer kdp | ingramspark | generic" in unnamed.output


def test_a_book_that_cannot_be_laid_out_is_not_preflighted(tmp_path: Path) -> None:
    book = write_book(
        tmp_path / "book",
        {
            "anthology.toml": 'title = "T"\neditors = ["E"]\nlanguage = "en"\nstyle = "./broken"\n',
            "broken/theme.toml": 'name = "broken"\nextends = "classic"\n',
            "broken/templates/book.html.jinja": "{{ no_such_name.title }}",
            "reviews/a.md": MINIMAL_REVIEW.format(title="A"),
        },
    )
    result = check(book, "--printer", "kdp")
    assert result.exit_code == 1
    assert "error[S305]" in result.stdout
    assert "Preflight for" not in result.stdout
    assert result.stdout.splitlines()[-2] == (
        "The printer's rules were not checked: the printer's PDF could not be made."
    )
    document = json.loads(check(book, "--printer", "kdp", "--format", "json").stdout)
    assert document["preflight"] == []
    assert "S305" in [problem["code"] for problem in document["problems"]]


def test_every_code_is_documented() -> None:
    docs = Path(__file__).parents[1] / "docs"
    checking = (docs / "checking.md").read_text(encoding="utf-8")
    printing = (docs / "printing.md").read_text(encoding="utf-8")
    for code in PREFLIGHT_CODES:
        assert f"`{code}`" in checking, code
        assert f"`{code}`" in printing, code


def test_the_printers_pdf_for_kdp_has_no_bleed_at_the_spine() -> None:
    """finish_pdf brings each page's media and bleed boxes in to the trim on its bound
    edge: 6.125 x 9.25 in pages for a 6 x 9 in book, as KDP and IngramSpark ask."""
    from octavo.render.print_html import PrintDocument
    from octavo.write.pdf import finish_pdf

    symmetric = pdf_of(
        [b"", b"", b""], (450.0, 666.0), TrimBox=[9, 9, 441, 657], BleedBox=[0, 0, 450, 666]
    )
    for direction, bound in (("ltr", ["left", "right", "left", "right"]),
                             ("rtl", ["right", "left", "right", "left"])):  # fmt: skip
        document = PrintDocument(
            "", (), "", "", for_printer=True, direction=direction, spine_bleed=False
        )
        data, pages = finish_pdf(symmetric, [], document)
        assert pages == 4  # an even count: a blank page after the third
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for page, side in zip(pdf.pages, bound, strict=True):
                media = [float(value) for value in page.obj.MediaBox]
                assert media == ([9, 0, 450, 666] if side == "left" else [0, 0, 441, 666])
                assert [float(v) for v in page.obj.BleedBox] == media
                assert [float(v) for v in page.obj.TrimBox] == [9, 9, 441, 657]
            assert page_boxes(KDP, pdf, (6.0, 9.0), direction).status == "passed"
            assert page_boxes(GENERIC, pdf, (6.0, 9.0), direction).failed


def test_classic_meets_ingramsparks_half_inch_with_its_printer_stylesheet(
    tmp_path: Path,
) -> None:
    """classic sets its running heads 0.43 in from the top: its print-ingramspark.css
    brings them (and the folios) inside IngramSpark's 0.5 in, which counts them."""
    root = write_book(
        tmp_path / "book",
        {
            "anthology.toml": FAULTY_MANIFEST.replace("./narrow", "classic").replace(
                '"kdp"', '"ingramspark"'
            ),
            "reviews/alpha.md": MINIMAL_REVIEW.format(title="Alpha") + "\n" + "Words. " * 900,
        },
    )
    result = check(root, "--preflight", "--format", "json")
    document = json.loads(result.stdout)
    margins = rule(document, "P803")
    assert margins["status"] == "passed", margins
    assert rule(document, "P804")["status"] == "passed"
