"""The EPUB editions, made in memory: the EPUB, and the Kobo and Kindle files made from
its bytes.

Built with the PDF, the EPUB's documents are rendered beside it (:func:`epub_beside`),
and the EPUB is finished with the print edition's page starts while the PDF is merged
(see :func:`octavo.pdf_edition.make_pdf`'s ``while_merging``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .loaded import Loaded, Progress, no_progress, theme_files_checked
from .model import PageStart

if TYPE_CHECKING:
    from .fork_pool import Beside
    from .render.epub_xhtml import EpubDocuments


def make_epub(
    loaded: Loaded,
    progress: Progress = no_progress,
    page_starts: tuple[PageStart, ...] = (),
    rendered: EpubDocuments | None = None,
) -> tuple[bytes, int]:
    """The EPUB edition, packed in memory, and the number of its content documents.

    ``page_starts`` come from the PDF built alongside: the EPUB then carries the
    print edition's page numbers. Its documents are rendered here unless they were
    already (``rendered``, beside the PDF).
    """
    return reported(loaded, packed_epub(loaded, progress, page_starts, rendered))


@dataclass(frozen=True)
class PackedEpub:
    """An EPUB packed in memory, its diagnostics not yet reported (:func:`reported`)."""

    data: bytes
    documents: int
    page_starts: tuple[PageStart, ...]  #: the print edition's, whose page numbers it has
    approximate_pages: tuple[str, ...]  #: pages marked where their section begins


def packed_epub(
    loaded: Loaded,
    progress: Progress,
    page_starts: tuple[PageStart, ...],
    rendered: EpubDocuments | None,
) -> PackedEpub:
    """The EPUB packed, its diagnostics not yet reported (:func:`_reported`)."""
    from .render.epub_xhtml import finish_epub, render_epub_documents
    from .write.epub import pack_epub

    with theme_files_checked():
        if rendered is None:
            progress("Rendering the EPUB documents")
            # without the print edition's page breaks to add, the documents are
            # zipped as they are rendered: deflated there, in the workers
            deflated = not page_starts
            rendered = render_epub_documents(loaded.anthology, loaded.theme, deflated)
        package = finish_epub(loaded.anthology, loaded.theme, rendered, page_starts)
    progress("Packing the EPUB")
    data = pack_epub(package)
    return PackedEpub(data, len(package.documents), page_starts, tuple(package.approximate_pages))


def reported(loaded: Loaded, epub: PackedEpub) -> tuple[bytes, int]:
    """The EPUB's bytes and number of documents, its diagnostics now reported."""
    if epub.approximate_pages:
        loaded.report.warning(
            "B408",
            "the EPUB's text differs from the print edition's, so these printed pages are"
            f" marked where their section begins: {', '.join(epub.approximate_pages)}",
            hint="a theme's templates should give the print and EPUB editions the same text",
        )
    return epub.data, epub.documents


def epub_beside(
    loaded: Loaded, formats: tuple[str, ...], jobs: int | None, progress: Progress
) -> Beside[EpubDocuments] | None:
    """The EPUB's documents rendered in a process of their own while the PDF is laid
    out, when both are built and more than one process may work: they do not need the
    PDF's page starts, which are added to them after (:func:`make_epub`)."""
    from .fork_pool import Beside
    from .render.epub_xhtml import render_epub_documents

    wanted = {"epub", "kepub", "azw3"} & set(formats) and {"pdf", "pdf-print"} & set(formats)
    if not wanted or (jobs or os.cpu_count() or 1) < 2:
        return None

    def documents() -> EpubDocuments:
        with theme_files_checked():
            return render_epub_documents(loaded.anthology, loaded.theme)

    progress("Rendering the EPUB documents beside the PDF")
    return Beside(documents)


def same(epub: bytes) -> bytes:
    return epub


def kepub(epub: bytes) -> bytes:
    from .write.kepub import kepub_from_epub

    return kepub_from_epub(epub)


def azw3(epub: bytes) -> bytes:
    from .write.azw3 import azw3_from_epub

    return azw3_from_epub(epub)
