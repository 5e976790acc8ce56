"""The printer's PDF of a book too long for one binding: one PDF per volume.

:mod:`octavo.volumes` decides where the volumes begin; this module lays the book out
whole to measure it, then each volume, and cuts again with less room when a volume
comes out longer than the limit (its own contents and index are only estimated
before it is laid out).
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf

from .diagnostics import Diagnostic, Report
from .errors import ContentError
from .model import Anthology, TextPage
from .volumes import (
    cut_points,
    max_pages,
    plan,
    room_for_reviews,
    units,
    volume_anthologies,
)

if TYPE_CHECKING:
    from .loaded import Loaded, Progress
    from .write.pdf import PdfResult

#: Cutting again with less room, at most this many times.
ATTEMPTS = 4


@dataclass(frozen=True)
class PrintVolume:
    """One volume's printer's PDF, and the volume as a book (for its cover)."""

    number: int
    count: int
    anthology: Anthology
    pdf: PdfResult


def first_pages(data: bytes) -> dict[str, int]:
    """The page (index from 0) each element id of the PDF is on, from its named
    destinations, which WeasyPrint writes for every id (and the merge keeps)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        names = pdf.Root.get("/Names")
        if names is None or "/Dests" not in names:
            return {}
        found = {}
        for name, target in pikepdf.NameTree(names.Dests).items():
            page = target[0] if isinstance(target, pikepdf.Array) else target.D[0]
            if page.objgen in pages:
                found[str(name)] = pages[page.objgen]
        return found


def make_print_volumes(
    loaded: Loaded,
    whole: PdfResult,
    progress: Progress,
    jobs: int | None,
    cache: Path | None,
) -> list[PrintVolume]:
    """The printer's PDF of each volume, when ``whole`` (the book laid out in one
    piece) is longer than a volume may be; otherwise the one book as it is."""
    from .pdf_edition import make_pdf

    anthology = loaded.anthology
    limit = max_pages(anthology)
    if limit is None or whole.pages <= limit or not anthology.reviews:
        return [PrintVolume(1, 1, anthology, whole)]
    pages = first_pages(whole.data)
    measured = _measure(anthology, pages, whole.pages)
    found = units(anthology, pages, measured.body_end)
    room = room_for_reviews(
        limit, measured.front, measured.generated, measured.fixed_back, measured.body
    )
    isbns = anthology.print.volume_isbns
    for _ in range(ATTEMPTS):
        starts = plan([u.pages for u in found], cut_points(anthology, found, room), room)
        books = volume_anthologies(anthology, found, starts, isbns)
        _check_isbns(loaded, len(books))
        made = []
        for book in books:
            assert book.volume is not None
            number = book.volume.number
            progress(f"Laying out volume {number} of {len(books)}")
            report = Report(root=loaded.report.root)
            volume = dataclasses.replace(loaded, anthology=book, report=report)
            # A cache of its own: a part's pages print their folios, which begin again
            # in each volume, so a volume's parts are not the whole book's. Its reviews
            # are set as in the whole book, whose balancing decided for them.
            folder = cache.parent / "volumes" / str(number) / cache.name if cache else None
            balance = dict(whole.balance)
            pdf = make_pdf(volume, progress, True, jobs, folder, balance=balance)
            for diagnostic in report.diagnostics:
                if diagnostic not in loaded.report.diagnostics:
                    loaded.report.add(diagnostic)
            made.append(PrintVolume(number, len(books), book, pdf))
        longest = max(volume.pdf.pages for volume in made)
        if longest <= limit:
            return made
        room -= longest - limit + 2
    raise _manifest_error(
        loaded,
        "B420",
        f"the print edition cannot be cut into volumes of at most {limit} pages:"
        f" a volume still has {longest}",
        "raise [print] max_pages, or shorten the longest review or part",
    )


@dataclass(frozen=True)
class _Measures:
    front: int  #: pages before the contents, and the front matter's pages of text
    generated: int  #: the contents and the generated back matter (they grow with reviews)
    fixed_back: int  #: the back matter's pages of text
    body: int  #: the parts and reviews
    body_end: int  #: the index of the first page after the last review


def _measure(anthology: Anthology, pages: dict[str, int], total: int) -> _Measures:
    first = anthology.sections[0]
    body_start = pages[first.id if anthology.sectioned else first.reviews[0].anchor]
    back_starts = [(pages[page.id], page) for page in anthology.back if page.id in pages]
    body_end = back_starts[0][0] if back_starts else total
    contents = pages.get("contents", 0)
    after_contents = [pages[page.id] for page in anthology.front if page.id in pages]
    contents_pages = (after_contents[0] if after_contents else body_start) - contents
    generated, fixed_back = contents_pages, 0
    bounds = [start for start, _ in back_starts] + [total]
    for (start, page), end in zip(back_starts, bounds[1:], strict=True):
        if isinstance(page, TextPage):
            fixed_back += end - start
        else:  # an index, the contributors, the acknowledgments: they grow with the reviews
            generated += end - start
    return _Measures(
        front=body_start - contents_pages,
        generated=generated,
        fixed_back=fixed_back,
        body=body_end - body_start,
        body_end=body_end,
    )


def _check_isbns(loaded: Loaded, count: int) -> None:
    isbns = loaded.anthology.print.volume_isbns
    if isbns and len(isbns) != count:
        raise _manifest_error(
            loaded,
            "M120",
            f"[print] volume_isbns gives {len(isbns)} ISBNs, but the print edition is"
            f" cut into {count} volumes",
            f"give one ISBN per volume ({count}), in order, or change max_pages",
        )


def _manifest_error(loaded: Loaded, code: str, message: str, hint: str) -> ContentError:
    """A problem of the manifest's [print] table, found once the book is laid out."""
    manifest = loaded.anthology.root / "anthology.toml"
    return ContentError.single(Diagnostic(code, message, manifest, hint=hint))
