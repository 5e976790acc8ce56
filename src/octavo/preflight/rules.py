"""The rules read from the page count, the PDF's page boxes and fonts, the layout's
pictures and the cover: P801, P804, P805, P806, P807 and P808."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..diagnostics import shown_path
from ..printers import POINTS_PER_INCH, Binding, Paper, Printer
from .results import BOX_SLACK, SOURCES, RuleResult, in_inches, size_in_inches


def page_count(
    printer: Printer, binding: Binding, paper: Paper, pages: int, manifest: Path | None = None
) -> RuleResult:
    """P801: the printer binds so few and so many pages, by binding and paper."""
    limits = printer.limits(binding, paper)
    required = f"{limits.fewest} to {limits.most} pages for a {binding} on {paper} paper"
    measured = f"{pages} pages"
    source = SOURCES[printer.name]["pages"]
    if pages < limits.fewest:
        hint = (
            f"{printer.label} binds no {binding} under {limits.fewest} pages: add reviews or"
            " pages, choose a smaller trim ([print] trim), or print with another service"
        )
        if binding == "hardcover" and printer.limits("paperback", paper).fewest <= pages:
            hint += ' or as a paperback ([print] binding = "paperback")'
        return RuleResult(
            "P801", "page count", "failed", measured, required, source, hint, manifest
        )
    if pages > limits.most:
        volumes = -(-pages // limits.most)
        hint = (
            f"split the book into volumes: [print] max_pages = {limits.most} (about"
            f" {volumes} volumes), or choose a larger trim or a thinner paper"
        )
        return RuleResult(
            "P801", "page count", "failed", measured, required, source, hint, manifest
        )
    return RuleResult("P801", "page count", "passed", measured, required, source)


def page_boxes(
    printer: Printer, document: Any, trim: tuple[float, float], direction: str = "ltr"
) -> RuleResult:
    """P804: every page's TrimBox is the trim, and its BleedBox the trim grown by the
    printer's bleed on every side, or on every side but the spine's for a printer that
    wants none there (a pikepdf ``document``)."""
    bleed = printer.bleed
    required = f"trim box {size_in_inches(*trim)}"
    where = "every side" if printer.spine_bleed else "the top, bottom and outside edges"
    required += f", bleed box {in_inches(bleed)} past it on {where}" if bleed else ""
    source = SOURCES[printer.name]["boxes"]
    wrong: list[tuple[int, str]] = []
    for index, page in enumerate(document.pages):
        spine = None
        if not printer.spine_bleed:  # the side of the page that is bound: no bleed there
            spine = 0 if (index % 2 == 0) == (direction != "rtl") else 2
        fault = _box_fault(page.obj, trim, bleed, spine)
        if fault:
            wrong.append((index, fault))
    pages = len(document.pages)
    if not wrong:
        measured = f"as required on all {pages} pages"
        return RuleResult("P804", "trim and bleed boxes", "passed", measured, required, source)
    first, fault = wrong[0]
    others = len(wrong) - 1
    measured = f"{fault} on page {first + 1}"
    measured += f" and {others} other page{'s' * (others != 1)}" if others else ""
    hint = (
        "build the printer's PDF with octavo (--format pdf-print), whose boxes follow"
        f' [print] trim and bleed; set [print] bleed = "{in_inches(bleed).replace(" ", "")}"'
        " for this printer, and do not let the theme fix its own page size"
    )
    return RuleResult(
        "P804", "trim and bleed boxes", "failed", measured, required, source, hint, page=first + 1
    )


def _box_fault(
    page: Any, trim: tuple[float, float], bleed: float, spine: int | None = None
) -> str | None:
    """What is wrong with one page's boxes, or None; ``spine`` is the side (0: left,
    2: right) that must have no bleed, if any."""
    if "/TrimBox" not in page:
        return "no trim box"
    box = [float(value) / POINTS_PER_INCH for value in page.TrimBox]
    width, height = box[2] - box[0], box[3] - box[1]
    if abs(width - trim[0]) > BOX_SLACK or abs(height - trim[1]) > BOX_SLACK:
        return f"a trim box of {size_in_inches(width, height)}"
    if not bleed:
        return None
    if "/BleedBox" not in page:
        return "no bleed box"
    outer = [float(value) / POINTS_PER_INCH for value in page.BleedBox]
    sides = (box[0] - outer[0], box[1] - outer[1], outer[2] - box[2], outer[3] - box[3])
    wanted = [0.0 if place == spine else bleed for place in range(4)]
    if any(abs(side - want) > BOX_SLACK for side, want in zip(sides, wanted, strict=True)):
        shown = ", ".join(in_inches(side) for side in sides)
        return f"a bleed of {shown} (left, bottom, right, top)"
    media = [float(value) / POINTS_PER_INCH for value in page.MediaBox]
    inside = outer[0] >= media[0] - BOX_SLACK and outer[1] >= media[1] - BOX_SLACK
    if not (inside and outer[2] <= media[2] + BOX_SLACK and outer[3] <= media[3] + BOX_SLACK):
        return "a bleed box larger than the page (media box)"
    return None


def fonts_embedded(printer: Printer, document: Any) -> RuleResult:
    """P805: every font every page uses (in its resources, and in those of the forms it
    draws) carries its font program: FontFile, FontFile2 or FontFile3."""
    required = "every font embedded"
    source = SOURCES[printer.name]["files"]
    fonts: dict[tuple[int, int] | str, str] = {}
    missing: dict[str, int] = {}  # font name: first page
    for index, page in enumerate(document.pages):
        for key, font in _fonts(page.obj.get("/Resources"), set()):
            name = str(font.get("/BaseFont", "an unnamed font")).lstrip("/")
            fonts[key] = name
            if not _embedded(font):
                missing.setdefault(name, index)
    if not missing:
        measured = f"{len(fonts)} font{'s' * (len(fonts) != 1)}, all embedded"
        return RuleResult("P805", "fonts embedded", "passed", measured, required, source)
    shown = ", ".join(f"{name} (page {page + 1})" for name, page in missing.items())
    measured = f"not embedded: {shown}"
    hint = (
        "build the PDF with octavo, which embeds every font it sets; a PDF made elsewhere"
        " must be exported with its fonts embedded (PDF/X or 'embed all fonts')"
    )
    first = min(missing.values())
    return RuleResult(
        "P805", "fonts embedded", "failed", measured, required, source, hint, page=first + 1
    )


def _fonts(resources: Any, seen: set[tuple[int, int]]) -> Iterator[tuple[Any, Any]]:
    """(key, font dictionary) for each font in ``resources`` and in its forms' resources."""
    if resources is None:
        return
    for name, font in dict(resources.get("/Font", {})).items():
        key = font.objgen if font.is_indirect else f"{id(resources)}{name}"
        yield key, font
    for xobject in dict(resources.get("/XObject", {})).items():
        stream = xobject[1]
        if stream.get("/Subtype") != "/Form":
            continue
        if stream.is_indirect:
            if stream.objgen in seen:
                continue
            seen.add(stream.objgen)
        yield from _fonts(stream.get("/Resources"), seen)


def _embedded(font: Any) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # its glyphs are drawn in the file itself
    if font.get("/Subtype") == "/Type0":
        descendants = font.get("/DescendantFonts")
        if not descendants:
            return False
        font = descendants[0]
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def image_resolution(
    printer: Printer, low_resolution: Sequence[tuple[Path, int]], root: Path
) -> RuleResult:
    """P806: pictures at 300 ppi or more where they are laid out (the measure of B407,
    made while laying out the book: :attr:`PdfResult.low_resolution`)."""
    from ..write.pdf import PRINT_DPI  # the threshold of B407, measured in the layout

    required = f"at least {PRINT_DPI} pixels per inch at the printed size"
    source = SOURCES[printer.name]["files"]
    if not low_resolution:
        measured = f"no picture below {PRINT_DPI} ppi"
        return RuleResult("P806", "image resolution", "passed", measured, required, source)
    shown = ", ".join(f"{shown_path(path, root)} at {ppi} ppi" for path, ppi in low_resolution)
    hint = (
        "use larger pictures (300 ppi at the printed width: some 1,350 pixels across a"
        " trade page's text block), or print them smaller"
    )
    first = low_resolution[0][0]
    return RuleResult("P806", "image resolution", "failed", shown, required, source, hint, first)


def even_pages(printer: Printer, pages: int) -> RuleResult:
    """P807: an even page count (the printer's PDF is padded with a blank page)."""
    source = SOURCES[printer.name]["pages"]
    measured = f"{pages} pages"
    if not printer.even_pages:
        return RuleResult("P807", "even page count", "passed", measured, "none", source)
    required = "an even number of pages"
    if pages % 2 == 0:
        return RuleResult("P807", "even page count", "passed", measured, required, source)
    hint = "build the printer's PDF with octavo (--format pdf-print): it ends on a blank page"
    return RuleResult("P807", "even page count", "failed", measured, required, source, hint)


def cover_size(
    printer: Printer,
    cover: bytes | None,
    path: Path | None,
    trim: tuple[float, float],
    pages: int,
    paper: Paper,
    binding: Binding,
) -> RuleResult:
    """P808: the cover's page (its MediaBox: the sheet the printer measures) is the wrap
    computed for the interior's page count, paper and binding, within the printer's
    tolerance."""
    import pikepdf

    width, height = printer.cover_size(trim, pages, paper, binding)
    spine = printer.spine(pages, paper, binding)
    tolerance = printer.cover_tolerance
    edge = printer.hardcover_wrap if binding == "hardcover" else printer.bleed
    parts = f"2 x {in_inches(trim[0])} + spine {in_inches(spine)}"
    parts += f" for {pages} pages of {paper} paper"
    if binding == "hardcover":
        parts += f" + 2 x {in_inches(printer.hardcover_hinge)} hinge + 2 x {in_inches(edge)} wrap"
    else:
        parts += f" + 2 x {in_inches(edge)} bleed"
    required = f"{size_in_inches(width, height)} within {in_inches(tolerance, 4)} ({parts})"
    source = SOURCES[printer.name]["cover"]
    if cover is None:
        measured = "no cover to check: it could not be made; give one with --cover FILE"
        return RuleResult("P808", "cover size", "skipped", measured, required, source)
    remake = (
        f"make the cover again for {pages} pages on {paper} paper (octavo build --format"
        " cover), or with the printer's cover calculator, as one page"
    )
    try:
        with pikepdf.open(io.BytesIO(cover)) as document:
            count = len(document.pages)
            box = [float(value) / POINTS_PER_INCH for value in document.pages[0].mediabox]
    except (pikepdf.PdfError, IndexError) as error:
        measured = f"not a PDF that can be read ({error})"
        hint = "export the cover as a PDF of one page"
        return RuleResult("P808", "cover size", "failed", measured, required, source, hint, path)
    found_width, found_height = box[2] - box[0], box[3] - box[1]
    measured = size_in_inches(found_width, found_height)
    if path is None:
        measured += ", the cover octavo build --format cover makes"
    if count != 1:
        measured += f", on {count} pages"
    fits = abs(found_width - width) <= tolerance and abs(found_height - height) <= tolerance
    if fits and count == 1:
        return RuleResult("P808", "cover size", "passed", measured, required, source, path=path)
    hint = f"{remake}: the spine of {pages} pages is {in_inches(spine)}"
    if abs(found_width - width) > tolerance and abs(found_height - height) <= tolerance:
        pages_fit = _pages_for_width(printer, found_width, trim, paper, binding)
        if pages_fit:
            hint += f"; this cover's width fits about {pages_fit} pages"
    return RuleResult("P808", "cover size", "failed", measured, required, source, hint, path)


def _pages_for_width(
    printer: Printer, width: float, trim: tuple[float, float], paper: Paper, binding: Binding
) -> int | None:
    """About how many pages a cover of this width was made for (it often tells that the
    cover was made before the book last grew or shrank)."""
    bare = printer.cover_size(trim, 0, paper, binding)[0]
    thickness = printer.page_thickness[paper]
    pages = round((width - bare) / thickness) if thickness else 0
    return pages if pages > 0 else None
