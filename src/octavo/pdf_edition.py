"""The PDF editions, laid out in memory: the screen PDF and the printer's.

A book is laid out in one WeasyPrint pass or, cut into parts, side by side
(:mod:`octavo.write.pdf_parallel`), with the short last pages of its reviews balanced
(:mod:`octavo.write.balance`); what WeasyPrint and the layout found joins the report.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .loaded import Loaded, Progress, no_progress, theme_files_checked
from .pdf_parts import Again, Renderings, Unfinished, lay_out_main_matter, parallel_split

if TYPE_CHECKING:
    from .audit.checks import Checks
    from .render.print_html import PrintDocument
    from .render.print_split import PrintSplit
    from .write.pdf import PdfResult
    from .write.pdf_merge import LaidOut
    from .write.pdf_parallel import MainMatter, WhileMerging


def make_pdf(
    loaded: Loaded,
    progress: Progress = no_progress,
    for_printer: bool = False,
    jobs: int | None = None,
    cache: Path | None = None,
    balance: Mapping[str, str] | None = None,
    while_merging: WhileMerging | None = None,
) -> PdfResult:
    """The print edition, laid out in memory; WeasyPrint's warnings join the report.

    ``jobs`` processes lay out the book in parts, side by side (default: one per
    core), when the book can be cut (see :mod:`octavo.render.print_split`); with
    ``jobs=1``, or a book that cannot be cut, WeasyPrint lays it out in one pass. The
    two give the same PDF. Parts laid out before are taken from ``cache`` (a folder),
    when given. The reviews are balanced (``[print] balance``), or set with the
    classes ``balance`` gives (review id → class): a volume is set as its whole book
    was (see :mod:`octavo.print_volumes`). A book laid out in parts is merged in a
    process of its own: ``while_merging`` is then called meanwhile, given the book's
    page starts (which the result's are; it is not called for a book laid out in one
    pass).
    """
    from .memory import set_apart
    from .write.pdf_worker import load_modules

    load_modules()  # WeasyPrint and pikepdf, before what the process holds is set apart
    with set_apart():
        return _make_pdf(loaded, progress, for_printer, jobs, cache, balance, while_merging)


def _make_pdf(
    loaded: Loaded,
    progress: Progress,
    for_printer: bool,
    jobs: int | None,
    cache: Path | None,
    balance: Mapping[str, str] | None,
    while_merging: WhileMerging | None,
) -> PdfResult:
    from .audit import in_build
    from .render import print_bodies
    from .write.pdf import render_pdf
    from .write.pdf_cache import forget_file_digests
    from .write.pdf_parallel import worker_count

    forget_file_digests()
    with theme_files_checked():
        checks = in_build.checks(loaded)
    workers = worker_count(jobs)

    def render(balance: Mapping[str, str]) -> PrintDocument:
        progress("Rendering the print edition")
        with theme_files_checked():
            return renderings.document(balance)  # rendered once (the shipped templates)

    def one_pass(document: PrintDocument) -> PdfResult:
        progress("Laying out the PDF")
        identifier = loaded.anthology.identifier
        return render_pdf(document, loaded.resolver, identifier=identifier, checks=checks)

    renderings = Renderings(loaded, for_printer)

    def lay_out(document: PrintDocument, parts: Path | None) -> PdfResult | Unfinished:
        """The book laid out; in parts, its main matter only (:class:`Unfinished`)."""
        from .write.pdf_starts import NotCuttable

        split = parallel_split(loaded, document) if workers > 1 else None
        if split is not None:

            def main_matter(
                front: tuple[int, int] | None = None,
                pages: int | None = None,
                earlier: dict[str, LaidOut] | None = None,
                cut: PrintSplit | None = None,
            ) -> MainMatter:
                if cut is None:  # a layout again cuts the book again (see below)
                    cut = parallel_split(loaded, document)
                    assert cut is not None  # the same book, cut the same way
                return lay_out_main_matter(
                    loaded,
                    document,
                    cut,
                    workers,
                    progress,
                    parts,
                    checks,
                    renderings,
                    Again(front, pages, earlier),
                )

            try:
                main = main_matter(cut=split)
                # the cut's pieces of HTML (the book's size again) are not held while
                # the book is finished: the rare layout again cuts it again
                del split
                return Unfinished(
                    main, renderings, progress, lambda: one_pass(document), main_matter
                )
            except NotCuttable as reason:
                progress(f"The book cannot be laid out in parts ({reason}): one pass")
        return one_pass(document)

    def finished(document: PrintDocument, parts: Path | None) -> PdfResult:
        laid = lay_out(document, parts)
        return laid.finish(while_merging) if isinstance(laid, Unfinished) else laid

    # the bodies prepared for the print HTML by the last build, beside its parts
    bodies = cache.with_name(f"{cache.name}-bodies.json") if cache is not None else None
    try:
        with print_bodies.kept_in(bodies):
            if balance is not None:  # balanced as another layout was (a volume, as its book)
                result = replace(finished(render(balance), cache), balance=tuple(balance.items()))
            elif not loaded.anthology.print.balance:
                result = finished(render({}), cache)
            else:
                result = _balanced(
                    loaded, render, lay_out, cache, checks, progress, workers, while_merging
                )
    finally:
        if workers > 1:
            from .write.pdf_finish import close_ahead

            close_ahead()  # what was laid out ahead and not taken (the build stopped)
    for warning in result.warnings:
        loaded.report.warning("B401", f"WeasyPrint: {warning}")
    for image, dpi in result.low_resolution:
        loaded.report.warning(
            "B407",
            f"the image is printed at {dpi} pixels per inch, below the 300 a printer wants",
            image,
            hint="use a larger image (300 ppi at its printed width), or print it smaller",
        )
    _report_outside_text_block(loaded, result)
    return result


def _balanced(
    loaded: Loaded,
    render: Callable[[Mapping[str, str]], PrintDocument],
    lay_out: Callable[[PrintDocument, Path | None], PdfResult | Unfinished],
    cache: Path | None,
    checks: Checks,
    progress: Progress,
    workers: int,
    while_merging: WhileMerging | None,
) -> PdfResult:
    """The book laid out with the short last pages of its reviews balanced
    (:mod:`octavo.write.balance`); the decisions are kept beside the cache of parts.

    Without a cache, the parts of the first layout are kept for the build's second, in
    a folder of its own, so that only the parts whose reviews changed are laid out
    again. A layout in parts is finished (its front and back matter laid out, the
    book merged) only when it is the last: the balancing reads the main matter's."""
    from .write.balance import balanced, environment
    from .write.balance_cache import BalanceCache

    decisions = BalanceCache(cache.parent / "balance.json" if cache else None)
    with theme_files_checked():  # the theme's page size, read here first (S302)
        page = environment(loaded.anthology, loaded.theme)
    with contextlib.ExitStack() as stack:
        parts = cache or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        result, applied = balanced(
            render,
            lambda document: lay_out(document, parts),
            lambda result: (result.page_starts, result.faults),
            loaded.resolver,
            checks,
            page,
            decisions,
            progress,
            workers,
        )
        if isinstance(result, Unfinished):
            result = result.finish(while_merging)
    return replace(result, balance=tuple(applied.items()))


def _report_outside_text_block(loaded: Loaded, result: PdfResult) -> None:
    """B410: words the layout set outside the text block, one warning per file."""
    from .audit.report import owner_files

    files = owner_files(loaded.anthology)
    labels = [start.label for start in result.page_starts]
    pages: dict[Path | None, list[str]] = {}
    for index, owner in sorted(result.outside_text_block, key=lambda item: item[0]):
        label = labels[index] if index < len(labels) else str(index + 1)
        found = pages.setdefault(files.get(owner or ""), [])
        if label not in found:
            found.append(label)
    for path, labels_of_file in pages.items():
        where = "pages " if len(labels_of_file) > 1 else "page "
        loaded.report.warning(
            "B410",
            f"text runs outside the text block on {where}{', '.join(labels_of_file)}"
            " (a code line, a table or a word too wide for the page)",
            path,
            hint="break the long line or word, or give the table fewer or narrower columns;"
            " a theme's stylesheet may also forbid wrapping (white-space: pre)",
        )
