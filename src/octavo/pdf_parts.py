"""The print edition laid out in parts, side by side (:mod:`octavo.write.pdf_parallel`):
the book cut (:func:`parallel_split`), its main matter laid out
(:func:`lay_out_main_matter`), and :class:`Unfinished`, what the balancing reads of it
and what finishes it (the back and front matter, the merge), laying the main matter
out again where the front matter's length or the book's page count turns out other
than the pieces were given. :class:`Renderings` makes the book's HTML with the page
numbers the main matter gave, for the back and front matter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .loaded import Loaded, Progress, theme_files_checked

if TYPE_CHECKING:
    from .audit.checks import Checks, Found
    from .model import PageStart
    from .render.print_html import PrintDocument
    from .render.print_split import PrintSplit
    from .write.pdf import PdfResult
    from .write.pdf_merge import LaidOut
    from .write.pdf_parallel import MainMatter, WhileMerging


def parallel_split(loaded: Loaded, document: PrintDocument) -> PrintSplit | None:
    """The book cut for a parallel layout, or None when it must be laid out in one pass.

    Any book whose main matter is made of parts or reviews (the shipped templates', and
    a theme's own that keeps them) is cut, whatever its direction, theme and claim
    (PDF/X, PDF/A, PDF/UA: the merge keeps the first piece's catalogue, metadata and
    version, see :mod:`octavo.write.pdf_merge`); the layout checks as it goes that
    each piece is what one pass makes of it, and falls back to one pass where it is
    not (:class:`octavo.write.pdf_starts.NotCuttable`). Laid out in one pass: a theme
    that prints the number of pages (``counter(pages)``) in its text, not in its margin
    boxes (a piece knows only its own; the margin boxes are given the book's, see
    :class:`Unfinished`).
    """
    from .render.print_split import split_print

    return split_print(document.html, front_dates=document.variant is not None)


def _counts_pages(document: PrintDocument) -> bool:
    """Whether a stylesheet of the book prints the number of pages."""
    texts = [document.page_css, document.html[: document.html.find("<body")]]
    for sheet in document.stylesheets:
        try:
            texts.append(sheet.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return True
    return any("counter(pages" in text.replace(" ", "") for text in texts)


class Unfinished:
    """A book laid out in parts, its main matter only: what the balancing reads
    (:attr:`page_starts`, :attr:`faults`), and :meth:`finish` for the whole PDF (laid
    out in one pass when the front matter turns out to move the main matter)."""

    def __init__(
        self,
        main: MainMatter,
        renderings: Renderings,
        progress: Progress,
        one_pass: Callable[[], PdfResult],
        main_matter: Callable[
            [tuple[int, int] | None, int | None, dict[str, LaidOut] | None], MainMatter
        ],
    ) -> None:
        self.main = main
        self.renderings = renderings
        self.progress = progress
        self.one_pass = one_pass
        self.main_matter = main_matter

    @property
    def page_starts(self) -> tuple[PageStart, ...]:
        return self.main.page_starts

    @property
    def faults(self) -> list[Found]:
        return self.main.faults

    def finish(self, while_merging: WhileMerging | None = None) -> PdfResult:
        from .write.pdf import PdfResult, stable_document_id
        from .write.pdf_starts import FrontMoved, NotCuttable, PagesCounted

        again = self.renderings  # the book's HTML rendered with page numbers
        main = self.main
        front: tuple[int, int] | None = None
        pages: int | None = None
        recounts = 0
        try:
            with theme_files_checked():
                while True:
                    try:
                        laid = main.finish(again, self.progress, while_merging)
                        break
                    except FrontMoved as moved:
                        if front is not None:
                            raise
                        # placed after a count of the front matter without its page
                        # numbers: placed again after the front matter as it is (the
                        # cache keeps its count for the next build)
                        front = (moved.pages, moved.tail)
                        self.progress("Laying out the main matter again after the front matter")
                    except PagesCounted as counted:
                        recounts += 1
                        if recounts > 2:  # the count was foreseen once, then found
                            raise
                        # the margin boxes printed another page count than the book's:
                        # every piece stamped again with the book's (the cache keeps it
                        # for the next build)
                        pages = counted.pages
                        self.progress(f"Stamping the pages again: the book has {pages} pages")
                    main = self.main_matter(front, pages, _earlier(main))
        except NotCuttable as reason:
            self.progress(f"The book cannot be laid out in parts ({reason}): one pass")
            return self.one_pass()
        data, pages, starts, warnings, low, outside, faults = laid
        return PdfResult(
            data=stable_document_id(data, self.renderings.loaded.anthology.identifier),
            pages=pages,
            anchors={},
            warnings=tuple(dict.fromkeys(warnings)),
            low_resolution=tuple(sorted(set(low), key=lambda item: item[1])),
            page_starts=starts,
            outside_text_block=tuple(outside),
            faults=tuple(faults),
        )


def _earlier(main: MainMatter) -> dict[str, LaidOut] | None:
    """The pieces of ``main`` for the next layout of the main matter, where its cache
    has no folder to read them from; else None, and their pages let go (the cache
    holds them: this process and its workers need not)."""
    from .memory import release_memory

    if main.cache.folder is None:
        return main.by_key()
    for piece in main.pieces:
        piece.let_go()
    release_memory()  # before the workers that lay it out again are forked
    return None


def lay_out_main_matter(
    loaded: Loaded,
    document: PrintDocument,
    split: PrintSplit,
    workers: int,
    progress: Progress,
    cache_folder: Path | None,
    checks: Checks,
    renderings: Renderings,
    again: Again,
) -> MainMatter:
    """The main matter of ``document`` (cut as ``split``) laid out by ``workers``
    processes, its pieces kept in the cache in ``cache_folder``; ``again``: what an
    earlier layout of it found. The margin boxes of a theme that prints the book's
    page count print the one found, else the last build's."""
    from .write.pdf_cache import PdfCache, environment_digest
    from .write.pdf_parallel import lay_out_main, noted_pages

    environment = environment_digest(
        document.stylesheets, loaded.theme.folders, document.page_css, document.variant
    )
    cache = PdfCache(cache_folder, environment)
    book_pages = None
    if _counts_pages(document):  # the count found, else the last build's, else none yet
        noted = noted_pages(cache)
        book_pages = again.pages if again.pages is not None else noted[0] if noted else 0
    with theme_files_checked():
        return lay_out_main(
            split,
            document,
            loaded.resolver,
            workers,
            progress,
            cache,
            checks,
            again.front,
            ahead=renderings.ahead,
            split_html=renderings,
            book_pages=book_pages,
            earlier=again.earlier,
        )


@dataclass(frozen=True)
class Again:
    """What a layout of the main matter after the first knows: the front matter's
    pages and tail, the book's page count, and the pieces laid out before."""

    front: tuple[int, int] | None = None
    pages: int | None = None
    earlier: dict[str, LaidOut] | None = None


class Renderings:
    """The book's HTML: rendered with the balancing's classes for its layout
    (:meth:`document`), and rendered again with page numbers (``folios``: element id →
    printed page) and cut (:func:`parallel_split`), for its back and front matter once
    the main matter is laid out (:meth:`MainMatter.finish`). Each rendering with page
    numbers is kept for the build, its front and back matter only, and given again for
    the same page numbers: some are made :meth:`ahead`, while the main matter is laid
    out. With the shipped templates, the book is rendered once, every page number and
    class a mark, and each of these is made from that one."""

    def __init__(self, loaded: Loaded, for_printer: bool) -> None:
        from .render.print_folios import marks_hold

        self.loaded = loaded
        self.for_printer = for_printer
        self.kept: list[tuple[dict[str, str], PrintSplit]] = []
        #: with the shipped templates, the book rendered and cut once, its page numbers
        #: marks (:mod:`.render.print_folios`), for every set of numbers
        self.marks = marks_hold(loaded.theme)
        self.marked: PrintSplit | None = None
        #: with the shipped templates, the book rendered once, its page numbers and its
        #: reviews' classes marks (:mod:`.render.print_balance`), for every layout
        self.book: PrintDocument | None = None

    def document(self, balance: Mapping[str, str]) -> PrintDocument:
        """The book rendered with ``balance`` (review id → class) and no page numbers,
        for its layout."""
        from .render.print_balance import with_classes
        from .render.print_folios import with_folios
        from .render.print_html import render_print

        anthology, theme = self.loaded.anthology, self.loaded.theme
        if not self.marks:
            return render_print(anthology, theme, self.for_printer, balance=balance)
        book = self._book()
        return replace(book, html=with_classes(with_folios(book.html, {}), balance))

    def _book(self) -> PrintDocument:
        """The book rendered once, its page numbers and classes marks."""
        from .render import print_balance, print_folios
        from .render.print_html import render_print

        if self.book is None:
            anthology, theme = self.loaded.anthology, self.loaded.theme
            self.book = render_print(
                anthology,
                theme,
                self.for_printer,
                folios=print_folios.MARKED,
                balance=print_balance.MARKED,
            )
        return self.book

    def __call__(self, folios: dict[str, str]) -> PrintSplit:
        from .render.print_folios import with_folios

        for known, cut in self.kept:
            if known == folios:
                return cut
        if self.marks:
            marked = self._marked()
            cut = replace(
                marked,
                front=with_folios(marked.front, folios),
                back_parts=tuple(with_folios(part, folios) for part in marked.back_parts),
            )
        else:
            cut = self._cut(folios)
        self.kept.append((dict(folios), cut))
        return cut

    def _marked(self) -> PrintSplit:
        """The book cut once with marks for its page numbers: :meth:`_book`, its
        classes left out (the front and back matter have none)."""
        from .render.print_balance import with_classes

        if self.marked is None:
            book = self._book()
            self.marked = _front_and_back(replace(book, html=with_classes(book.html, {})))
        return self.marked

    def _cut(self, folios: Mapping[str, str]) -> PrintSplit:
        """The book rendered with ``folios`` and cut, its main matter left out."""
        from .render.print_html import render_print

        anthology, theme = self.loaded.anthology, self.loaded.theme
        return _front_and_back(render_print(anthology, theme, self.for_printer, folios=folios))

    def ahead(self, noted: list[dict[str, str]]) -> None:
        """Render while this process would wait: once with marks for the page numbers,
        where the templates allow (every later rendering is then made from it), and
        with the page numbers the last build rendered with (the cache's note): a
        rebuild that moves no page (one word changed, or a title) needs the same."""
        if self.marks:
            self._marked()
        for folios in noted:
            self(folios)


def _front_and_back(document: PrintDocument) -> PrintSplit:
    """The book cut, its main matter left out (it is not needed)."""
    from .render.print_split import split_print

    split = split_print(document.html, front_dates=document.variant is not None)
    assert split is not None  # the same book, cut the same way
    return replace(split, chunks=(), continued=())
