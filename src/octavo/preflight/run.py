"""Running the preflight: every rule held against one book's printer's PDF and cover
(:func:`preflight`), or against each volume of a book printed in several
(:func:`preflight_book`), with the covers to check and the stylesheet to fix."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..printers import Printer, inches
from .margins import Stylesheet, inside_margin, measure_margins, outer_margins
from .results import Preflight
from .rules import cover_size, even_pages, fonts_embedded, image_resolution, page_boxes, page_count

if TYPE_CHECKING:
    from ..loaded import Loaded, Progress
    from ..print_volumes import PrintVolume
    from ..write.pdf import PdfResult


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
    from ..print_volumes import make_print_volumes

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
    from ..api import make_cover
    from ..errors import BuildError, ContentError

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

    from ..api import MANIFEST

    anthology = loaded.anthology
    options = anthology.print
    binding = options.binding
    paper = options.paper
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
    from ..themes import shipped_styles

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
