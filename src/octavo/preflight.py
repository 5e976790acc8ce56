"""Preflight: the printer's PDF and the cover, held against one printer's rules.

A print-on-demand service refuses a file (or prints it badly) for a handful of
reasons it publishes: too few or too many pages, text too near the fold or the
edge, missing trim or bleed boxes, fonts it would have to substitute, pictures too
coarse, an odd page count, a cover whose width does not fit the spine. Each rule
here is one small function that measures the thing itself on the laid-out PDF (the
margins are measured from the trim to the nearest text or picture on each page, not
read from the theme's CSS, so a running head or a wide table counts) and returns a
:class:`RuleResult`: what was measured, what the printer asks for, how to fix it
and where the printer says so. :func:`preflight` runs them all into a
:class:`Preflight`, whose failed rules are the errors ``octavo check`` reports
(codes P801-P808, docs/checking.md; the sources in docs/printing.md).

======  ===============================================================
P801    the page count is outside what the printer binds
P802    the inside margin (gutter) is narrower than the page count needs
P803    the outside, top or bottom margin is narrower than the printer's
P804    a page's trim box is not the trim, or its bleed box not the bleed
P805    a font is not embedded
P806    a picture is printed below 300 pixels per inch
P807    the page count is odd
P808    the cover's size is not the computed wrap
======  ===============================================================
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from .diagnostics import Diagnostic, shown_path
from .printers import POINTS_PER_INCH, Binding, Paper, Printer, inches

if TYPE_CHECKING:
    from .loaded import Loaded, Progress
    from .print_volumes import PrintVolume
    from .write.pdf import PdfResult

Status = Literal["passed", "failed", "skipped"]
#: A box in PDF points: left, bottom, right, top.
Box = tuple[float, float, float, float]

#: The codes of the printer's rules begin so (P801-P808).
PREFLIGHT_PREFIX = "P8"
PREFLIGHT_CODES = tuple(f"P80{n}" for n in range(1, 9))

#: Where each printer states each rule, in short (docs/printing.md, "The printers'
#: rules", gives the pages in full and the date they were read).
SOURCES: dict[str, dict[str, str]] = {
    "kdp": {
        "pages": "KDP Help, Print Options",
        "margins": "KDP Help, Set Trim Size, Bleed, and Margins",
        "boxes": "KDP Help, Set Trim Size, Bleed, and Margins",
        "files": "KDP Help, Paperback Submission Guidelines",
        "cover": "KDP Help, Paperback and Hardcover Cover Guidelines",
    },
    "ingramspark": {
        "pages": "IngramSpark File Creation Guide, trim sizes and page counts",
        "margins": "IngramSpark File Creation Guide, margins",
        "boxes": "IngramSpark File Creation Guide, bleed",
        "files": "IngramSpark File Creation Guide, fonts and images",
        "cover": "IngramSpark cover template generator",
    },
    "generic": {
        "pages": "Octavo's generic printer (docs/printing.md)",
        "margins": "Octavo's generic printer: KDP's gutters (docs/printing.md)",
        "boxes": "PDF/X-4 (ISO 15930-7): TrimBox and BleedBox",
        "files": "PDF/X-4 (ISO 15930-7): fonts embedded; 300 ppi, common print practice",
        "cover": "Octavo's generic printer (docs/printing.md)",
    },
}

#: A margin this much under the printer's figure still passes: the rounding of the
#: layout's points, not a margin anyone could see.
MARGIN_SLACK = 0.005
#: How far a page box may be from the computed one (inches): half a point.
BOX_SLACK = 0.5 / POINTS_PER_INCH


@dataclass(frozen=True)
class RuleResult:
    """One rule, held against the files: what was measured, what the printer asks."""

    code: str  #: P801...
    rule: str  #: "page count"
    status: Status
    measured: str  #: "10 pages"
    required: str  #: "24 to 828 pages for a paperback on white paper"
    source: str  #: where the printer says so, in short
    hint: str | None = None  #: how to fix it, when it failed
    path: Path | None = None  #: the file to fix, when there is one
    page: int | None = None  #: the page (from 1) measured or at fault

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def line(self) -> str:
        """``rule: measured (required: ...) [source]``, as the report prints it."""
        return f"{self.rule}: {self.measured} (required: {self.required}) [{self.source}]"

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.code, self.line, self.path, hint=self.hint)


@dataclass(frozen=True)
class Preflight:
    """Every rule of one printer, held against one book's printer's PDF and cover."""

    printer: Printer
    binding: Binding
    paper: Paper
    trim: tuple[float, float]  #: inches
    pages: int
    results: tuple[RuleResult, ...]
    #: (number, count) of the volume checked, when the book is printed in several
    volume: tuple[int, int] | None = None

    @property
    def heading(self) -> str:
        width, height = self.trim
        return (
            f"Preflight for {self.printer.label}{self._of_volume(', ')}: {self.binding},"
            f" {self.paper} paper, trim {_size(width, height)}, {self.pages} pages"
        )

    def _of_volume(self, before: str = "", after: str = "") -> str:
        if self.volume is None:
            return ""
        return f"{before}volume {self.volume[0]} of {self.volume[1]}{after}"

    @property
    def failed(self) -> list[RuleResult]:
        return [result for result in self.results if result.failed]

    def diagnostic(self, result: RuleResult) -> Diagnostic:
        """A failed rule as ``check`` reports it (naming the volume, if there are some)."""
        found = result.diagnostic()
        return replace(found, message=self._of_volume(after=": ") + found.message)

    def diagnostics(self) -> list[Diagnostic]:
        """The failed rules as errors, for ``check``'s report."""
        return [self.diagnostic(result) for result in self.failed]

    def as_json(self, root: Path) -> dict[str, Any]:
        width, height = self.trim
        return {
            "volume": self.volume[0] if self.volume else None,
            "printer": self.printer.name,
            "binding": self.binding,
            "paper": self.paper,
            "trim": [round(width, 4), round(height, 4)],
            "pages": self.pages,
            "passed": not self.failed,
            "rules": [
                {
                    "code": r.code,
                    "rule": r.rule,
                    "status": r.status,
                    "measured": r.measured,
                    "required": r.required,
                    "source": r.source,
                    "page": r.page,
                    "file": shown_path(r.path, root) if r.path else None,
                    "hint": r.hint,
                }
                for r in self.results
            ],
        }


def preflight_book(
    loaded: Loaded,
    pdf: PdfResult,
    printer: Printer,
    cover: bytes | None = None,
    cover_path: Path | None = None,
    progress: Progress | None = None,
) -> list[Preflight]:
    """The printer's PDF of the book (``pdf``, made with ``for_printer``), cut into
    volumes as ``build`` cuts it, each held with its cover against ``printer``: one
    :class:`Preflight` per volume (one for a book in one volume).

    The cover checked is ``cover`` (a PDF's bytes, read from ``cover_path``) for the
    first volume when given, else the one ``build --format cover`` makes, in memory.
    ``loaded`` is the book with ``[print] printer`` set to ``printer``.
    """
    from .print_volumes import make_print_volumes

    said = progress or (lambda _: None)
    volumes = make_print_volumes(loaded, pdf, said, None, None)
    given = [(cover, cover_path)] if cover is not None else []
    made = _made_covers(loaded, volumes[len(given) :], said)
    checked = []
    for index, volume in enumerate(volumes):
        data, path = given[index] if index < len(given) else (made[index - len(given)], None)
        book = replace(loaded, anthology=volume.anthology)
        numbered = (volume.number, volume.count) if volume.count > 1 else None
        said(f"Checking the files against the rules of {printer.label}")
        checked.append(preflight(book, volume.pdf, printer, data, path, numbered))
    return checked


def _made_covers(
    loaded: Loaded, volumes: list[PrintVolume], progress: Progress
) -> list[bytes | None]:
    """Each volume's cover as ``build --format cover`` makes it, sized for the volume's
    pages (its lines, such as "Volume 2 of 3", change nothing of its size); None when it
    cannot be made, and why joins the report, as the build would say it."""
    from .api import make_cover
    from .errors import BuildError, ContentError

    covers: list[bytes | None] = []
    for volume in volumes:
        book = replace(loaded, anthology=volume.anthology)
        try:
            covers.append(make_cover(book, volume.pdf.pages, progress=progress).data)
        except ContentError as error:
            loaded.report.extend(error.report)
            covers.append(None)
        except BuildError as error:
            loaded.report.error(error.code or "B404", error.message, hint=error.hint)
            covers.append(None)
    return covers


def preflight(
    loaded: Loaded,
    pdf: PdfResult,
    printer: Printer,
    cover: bytes | None,
    cover_path: Path | None,
    volume: tuple[int, int] | None = None,
) -> Preflight:
    """Hold the printer's PDF (``pdf``, made with ``for_printer``) and the cover (the
    bytes of a one-page PDF, or None when there is none to check) against ``printer``."""
    import pikepdf

    from .api import MANIFEST

    anthology = loaded.anthology
    options = anthology.print
    binding = cast(Binding, options.binding)
    paper = cast(Paper, options.paper)  # the manifest allows only the three
    trim = (inches(options.size.width), inches(options.size.height))
    labels = [start.label for start in pdf.page_starts]
    margins = measure_margins(pdf.data, anthology.direction)
    stylesheet = _page_stylesheet(loaded)
    with pikepdf.open(io.BytesIO(pdf.data)) as document:
        boxes = page_boxes(printer, document, trim, anthology.direction)
        fonts = fonts_embedded(printer, document)
    results = (
        page_count(printer, binding, paper, pdf.pages, anthology.root / MANIFEST),
        inside_margin(printer, margins, pdf.pages, labels, stylesheet),
        outer_margins(printer, margins, labels, stylesheet),
        boxes,
        fonts,
        image_resolution(printer, pdf.low_resolution, anthology.root),
        even_pages(printer, pdf.pages),
        cover_size(printer, cover, cover_path, trim, pdf.pages, paper, binding),
    )
    return Preflight(printer, binding, paper, trim, pdf.pages, results, volume)


def _page_stylesheet(loaded: Loaded) -> Stylesheet:
    """The stylesheet that sets the book's page margins, and how to change them: a
    theme of the book's own is edited; a shipped one is extended, not edited."""
    from .themes import shipped_styles

    theme = loaded.theme
    sheets = [folder / "print.css" for folder in theme.folders if (folder / "print.css").is_file()]
    if not sheets:
        return Stylesheet(None, "the theme's print.css")
    if sheets[0].resolve().is_relative_to(shipped_styles().resolve()):
        return Stylesheet(
            sheets[0],
            f"a theme of your own that extends '{theme.name}' (a folder with theme.toml"
            f' saying extends = "{theme.name}" and a print.css; style = its path)',
        )
    return Stylesheet(sheets[0], f"{sheets[0].name} of the theme '{theme.name}'")


@dataclass(frozen=True)
class Stylesheet:
    """Where a book's page margins are set: the file, and the words for the hint."""

    path: Path | None
    where: str


# --- the rules ----------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Margin:
    """The narrowest of one kind of margin in the book: its width and where it is."""

    inches: float
    page: int  #: the page's index, from 0
    edge: str  #: "inside", "outside", "top" or "bottom"


@dataclass(frozen=True)
class Margins:
    """The narrowest margin of each kind over the book's pages (None: no page with
    anything on it)."""

    inside: Margin | None
    outside: Margin | None
    top: Margin | None
    bottom: Margin | None


def measure_margins(data: bytes, direction: str = "ltr") -> Margins:
    """The narrowest inside, outside, top and bottom margins of a PDF's pages: from each
    page's trim box to the nearest text or picture (running heads and folios count).

    The binding edge is the left edge of a right-hand page (recto) and the right edge
    of a left-hand one. A left-to-right book's first page is a recto; a right-to-left
    book opens the other way, so its first page is a left-hand page, bound on its right.
    """
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no py.typed

    narrowest: dict[str, Margin] = {}
    with pdfium.PdfDocument(data) as document:
        for index in range(len(document)):
            page = document[index]
            left, bottom, right, top = trim = page.get_trimbox()
            ink = _ink_box(page, trim)
            if ink is None:
                continue
            bound_on_left = (index % 2 == 0) == (direction != "rtl")
            from_left, from_right = ink[0] - left, right - ink[2]
            found = {
                "inside": from_left if bound_on_left else from_right,
                "outside": from_right if bound_on_left else from_left,
                "top": top - ink[3],
                "bottom": ink[1] - bottom,
            }
            for edge, points in found.items():
                width = points / POINTS_PER_INCH
                if edge not in narrowest or width < narrowest[edge].inches:
                    narrowest[edge] = Margin(width, index, edge)
    return Margins(*(narrowest.get(edge) for edge in ("inside", "outside", "top", "bottom")))


def _ink_box(page: Any, trim: Box) -> Box | None:
    """The box round every text and picture object on the page, in page space.

    A picture that runs past the trim is meant to bleed, as printers allow: it is left
    out. Text past the trim is not: it counts, and its margin is below zero."""
    boxes = [
        box
        for is_picture, box in _object_boxes(page, page.get_objects(max_depth=0), ())
        if not (is_picture and _bleeds(box, trim))
    ]
    if not boxes:
        return None
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )


def _bleeds(box: Box, trim: Box) -> bool:
    slack = BOX_SLACK * POINTS_PER_INCH
    return (
        box[0] < trim[0] - slack
        or box[1] < trim[1] - slack
        or box[2] > trim[2] + slack
        or box[3] > trim[3] + slack
    )


def _object_boxes(
    page: Any, objects: Iterator[Any], forms: tuple[Any, ...]
) -> Iterator[tuple[bool, Box]]:
    """Each text and picture object's bounds (and whether it is a picture), into page
    space through the matrices of the form XObjects it is drawn in (PDFium gives a
    form's objects in the form's own space)."""
    import pypdfium2.raw as raw  # type: ignore[import-untyped]

    for item in objects:
        if item.type in (raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_IMAGE):
            left, bottom, right, top = item.get_bounds()
            for matrix in reversed(forms):  # the innermost form first
                left, bottom, right, top = matrix.on_rect(left, bottom, right, top)
            yield item.type == raw.FPDF_PAGEOBJ_IMAGE, (left, bottom, right, top)
        elif item.type == raw.FPDF_PAGEOBJ_FORM and len(forms) < 15:
            children = page.get_objects(form=item, max_depth=0, level=len(forms) + 1)
            yield from _object_boxes(page, children, (*forms, item.get_matrix()))


def inside_margin(
    printer: Printer,
    margins: Margins,
    pages: int,
    labels: Sequence[str] = (),
    stylesheet: Stylesheet | None = None,
) -> RuleResult:
    """P802: the inside margin (gutter) a book of so many pages needs."""
    need = printer.gutter(pages)
    required = f"at least {_in(need)} for {pages} pages"
    source = SOURCES[printer.name]["margins"]
    found = margins.inside
    if found is None:
        return RuleResult("P802", "inside margin", "skipped", "nothing printed", required, source)
    measured = f"{_in(found.inches)} on {_page(found.page, labels)}"
    if found.inches + MARGIN_SLACK >= need:
        return RuleResult(
            "P802", "inside margin", "passed", measured, required, source, page=found.page + 1
        )
    sheet = stylesheet or Stylesheet(None, "the theme's print.css")
    hint = (
        f"widen the inside margin to {_in(need)} or more, in {sheet.where}: @page :right"
        " { margin-left } and @page :left { margin-right } (the other way round in a"
        " right-to-left book)"
    )
    return RuleResult(
        "P802",
        "inside margin",
        "failed",
        measured,
        required,
        source,
        hint,
        sheet.path,
        found.page + 1,
    )


def outer_margins(
    printer: Printer,
    margins: Margins,
    labels: Sequence[str] = (),
    stylesheet: Stylesheet | None = None,
) -> RuleResult:
    """P803: the outside, top and bottom margins, running heads and folios included."""
    need = printer.outside_margin
    required = f"at least {_in(need)} on the outside, top and bottom"
    source = SOURCES[printer.name]["margins"]
    found = [m for m in (margins.outside, margins.top, margins.bottom) if m is not None]
    if not found:
        return RuleResult("P803", "outer margins", "skipped", "nothing printed", required, source)
    narrow = [m for m in found if m.inches + MARGIN_SLACK < need]
    if not narrow:
        least = min(found, key=lambda m: m.inches)
        measured = (
            f"the narrowest is the {least.edge}, {_in(least.inches)} on {_page(least.page, labels)}"
        )
        return RuleResult(
            "P803", "outer margins", "passed", measured, required, source, page=least.page + 1
        )
    measured = "; ".join(f"{m.edge} {_in(m.inches)} on {_page(m.page, labels)}" for m in narrow)
    edges = " and ".join(m.edge for m in narrow)
    sheet = stylesheet or Stylesheet(None, "the theme's print.css")
    hint = (
        f"widen the {edges} margin to {_in(need)} or more, in {sheet.where}: the @page"
        " margins, and the running heads' and folios' place in them (they count)"
    )
    return RuleResult(
        "P803",
        "outer margins",
        "failed",
        measured,
        required,
        source,
        hint,
        sheet.path,
        narrow[0].page + 1,
    )


def page_boxes(
    printer: Printer, document: Any, trim: tuple[float, float], direction: str = "ltr"
) -> RuleResult:
    """P804: every page's TrimBox is the trim, and its BleedBox the trim grown by the
    printer's bleed on every side, or on every side but the spine's for a printer that
    wants none there (a pikepdf ``document``)."""
    bleed = printer.bleed
    required = f"trim box {_size(*trim)}"
    where = "every side" if printer.spine_bleed else "the top, bottom and outside edges"
    required += f", bleed box {_in(bleed)} past it on {where}" if bleed else ""
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
        f' [print] trim and bleed; set [print] bleed = "{_in(bleed).replace(" ", "")}"'
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
        return f"a trim box of {_size(width, height)}"
    if not bleed:
        return None
    if "/BleedBox" not in page:
        return "no bleed box"
    outer = [float(value) / POINTS_PER_INCH for value in page.BleedBox]
    sides = (box[0] - outer[0], box[1] - outer[1], outer[2] - box[2], outer[3] - box[3])
    wanted = [0.0 if place == spine else bleed for place in range(4)]
    if any(abs(side - want) > BOX_SLACK for side, want in zip(sides, wanted, strict=True)):
        shown = ", ".join(_in(side) for side in sides)
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
    from .write.pdf import PRINT_DPI  # the threshold of B407, measured in the layout

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
    parts = f"2 x {_in(trim[0])} + spine {_in(spine)} for {pages} pages of {paper} paper"
    if binding == "hardcover":
        parts += f" + 2 x {_in(printer.hardcover_hinge)} hinge + 2 x {_in(edge)} wrap"
    else:
        parts += f" + 2 x {_in(edge)} bleed"
    required = f"{_size(width, height)} within {_in(tolerance, 4)} ({parts})"
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
    measured = _size(found_width, found_height)
    if path is None:
        measured += ", the cover octavo build --format cover makes"
    if count != 1:
        measured += f", on {count} pages"
    fits = abs(found_width - width) <= tolerance and abs(found_height - height) <= tolerance
    if fits and count == 1:
        return RuleResult("P808", "cover size", "passed", measured, required, source, path=path)
    hint = f"{remake}: the spine of {pages} pages is {_in(spine)}"
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


# --- how lengths and pages are shown --------------------------------------------------------


def _in(value: float, places: int = 3) -> str:
    """0.375 -> '0.375 in', 0.8 -> '0.8 in'."""
    return _number(value, places) + " in"


def _number(value: float, places: int = 3) -> str:
    shown = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if shown in ("", "-0") else shown


def _size(width: float, height: float) -> str:
    return f"{_number(width)} x {_number(height)} in"


def _page(index: int, labels: Sequence[str]) -> str:
    """'page 7 (vii)': the page's place in the file, and its folio when it differs."""
    label = labels[index] if index < len(labels) else ""
    return f"page {index + 1}" + (f" (folio {label})" if label and label != str(index + 1) else "")
