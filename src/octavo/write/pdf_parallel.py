"""Lay out a long print edition in parts, in parallel, and merge them into one PDF.

The book is cut by :mod:`octavo.render.print_split` into groups of whole parts, the
back matter and the front matter. Worker processes (forked, so that WeasyPrint and
the fonts are loaded once) lay out the groups side by side. Each part opens on a
right-hand page, so only its page numbers depend on what comes before it: a worker
lays out its body, posts its page count, waits for the counts of the groups before
it, and only then lays out its margin boxes (folios, running heads) with the page
counter moved on. The back matter follows, and the front matter last, when the page
of every entry of the contents is known. The merge puts in the blank pages one pass
would have made before a right-hand opening, points every link, named destination
and bookmark at its page, merges the documents' tags into one structure tree, and
keeps the first document's metadata. A worker also
runs the audit's checks (:mod:`octavo.audit.checks`) on its own pages, the only
place they are laid out, and returns the faults as plain data (cached with its PDF);
their pages are then moved to the merged book's.

The result is the PDF a single pass gives (a test compares them page by page), in
far less time and memory for a long book. This reaches into WeasyPrint's layout
(``weasyprint.layout.make_margin_boxes`` and its page state), which was read for
WeasyPrint 70; the version is pinned.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BuildError
from ..render.print_html import PrintDocument
from ..render.print_split import PrintSplit
from ..resources import Resolver
from .pdf_cache import PdfCache
from .pdf_merge import LaidOut, merge
from .pdf_pages import starts_from_records
from .pdf_sides import OtherSize, flip, movable

if TYPE_CHECKING:
    from ..audit.checks import Checks, Found

Progress = Callable[[str], None]


@dataclass(frozen=True)
class _Job:
    name: str
    html: str
    index: int | None = None  #: the chunk's place in the pipeline, or None
    #: it goes on with the part the chunk before began, on whichever side that ended
    continued: bool = False
    shift: int = 0  #: for a document outside the pipeline: its page counter's shift
    key: str = ""  #: its key in the cache


# The state the forked workers inherit (set just before the pool starts).
_shared: dict[str, Any] = {}


def render_parallel(
    split_html: Callable[[dict[str, str]], PrintSplit],
    first: PrintSplit,
    document: PrintDocument,
    resolver: Resolver,
    identifier: str,
    jobs: int,
    progress: Progress,
    cache: PdfCache,
    checks: Checks | None = None,
) -> tuple[
    bytes,
    int,
    tuple[Any, ...],
    list[str],
    list[tuple[Path, int]],
    list[tuple[int, str | None]],
    list[Found],
]:
    """The merged PDF, its page count, page starts, warnings, low-resolution images,
    the pages with words outside the text block (page index, owner id) and what the
    audit's ``checks`` found (by page index of the merged book).

    ``split_html(folios)`` renders and cuts the book again with the given page numbers
    (element id → folio) printed in the contents and indexes.
    """
    context = multiprocessing.get_context("fork")
    chunks = [
        _Job(f"chunk-{n}", html, index=n, continued=continued, key=cache.key(html, "chunk"))
        for n, (html, continued) in enumerate(
            zip(first.chunk_documents(), first.continued, strict=True)
        )
    ]
    counts = context.Array("i", [-1] * len(chunks))
    condition = context.Condition()
    _shared.update(
        document=document,
        resolver=resolver,
        counts=counts,
        condition=condition,
        cache=cache,
        continued=first.continued,
        checks=checks,
    )
    started = time.monotonic()
    laid: dict[str, LaidOut] = {}
    with context.Pool(jobs) as pool:
        pages = 0
        for done, result in enumerate(pool.imap_unordered(_lay_out, chunks), start=1):
            laid[result.name] = result
            if result.error is not None:
                continue
            pages += len(result.records)
            elapsed = time.monotonic() - started
            remaining = elapsed / done * (len(chunks) - done)
            how = " (from the cache)" if result.cached else ""
            progress(
                f"Laying out the PDF: part {done} of {len(chunks)} done{how}, {pages} pages,"
                f" about {remaining:.0f} s left"
            )
        failed = [r for r in laid.values() if r.error is not None]
        for result in sorted(
            failed, key=lambda r: r.error is not None and r.error[2] == "abandoned"
        ):
            _raise(result)
        starts = _chunk_starts([len(laid[job.name].records) for job in chunks], first.continued)
        folios: dict[str, str] = {}  # each element's first page, as one pass counts
        for job, start in zip(chunks, starts, strict=True):
            for page, names in enumerate(laid[job.name].anchors):
                for name, _, _ in names:
                    folios.setdefault(name, str(start + page))
        back_start = starts[-1] + len(laid[chunks[-1].name].records)
        back_left = back_start % 2 == 0
        back_html = split_html(folios).back(starts_on_left=back_left)
        if back_html is not None:
            shift = back_start - 1 - (1 if back_left else 0)
            job = _Job("back", back_html, shift=shift, key=cache.key(back_html, f"back:{shift}"))
            back = _from_cache(job)
            if back is None:
                progress("Laying out the back matter")
                back = pool.apply(_lay_out, (job,))
            else:
                progress("Back matter from the cache")
            _store(cache, job, back, back_start)
            _raise(back)
            laid["back"] = back
            skip = 1 if back_left else 0
            for page, names in enumerate(back.anchors[skip:]):
                for name, _, _ in names:
                    folios.setdefault(name, str(back_start + page))
        front_html = split_html(folios).front_document()
        job = _Job("front", front_html, key=cache.key(front_html, "front"))
        front = _from_cache(job)
        if front is None:
            progress("Laying out the front matter")
            front = pool.apply(_lay_out, (job,))
        else:
            progress("Front matter from the cache")
        _raise(front)
        _store(cache, job, front, 1)
    for job, start in zip(chunks, starts, strict=True):
        _store(cache, job, laid[job.name], start)
    cache.prune()
    progress("Merging the PDF")
    order: list[tuple[LaidOut, int]] = [(front, 0)]
    order += [(laid[job.name], 0) for job in chunks]
    if "back" in laid:
        order.append((laid["back"], 1 if back_left else 0))
    outside = {name: set(names) for name, names in first.outside.items()}
    dates = {} if first.front_dates else first.dates
    continued = {job.name for job in chunks if job.continued}
    data, records, firsts = merge(order, outside, continued, identifier, dates)
    page_starts = starts_from_records(records)
    from .pdf import finish_pdf

    data, pages = finish_pdf(data, [start.label for start in page_starts], document)
    warnings = [w for result, _ in order for w in result.warnings]
    low = [item for result, _ in order for item in result.low_resolution]
    overflows = [
        (first + page, owner)
        for (result, skip), first in zip(order, firsts, strict=True)
        for page, owner in result.outside
        if page >= skip
    ]
    faults: list[Found] = [
        (code, first + page, owner, message, hint)
        for (result, skip), first in zip(order, firsts, strict=True)
        for code, page, owner, message, hint in result.faults
        if page >= skip
    ]
    return data, pages, page_starts, warnings, low, overflows, faults


def _from_cache(job: _Job) -> LaidOut | None:
    cache: PdfCache = _shared["cache"]
    hit = cache.load(job.key)
    return LaidOut.from_cache(*hit) if hit else None


def _store(cache: PdfCache, job: _Job, result: LaidOut, start: int) -> None:
    cache.used.add(job.key)
    if not result.cached and result.error is None:
        cache.store(job.key, result.pdf, result.meta(start))


def _chunk_starts(counts: list[int], continued: tuple[bool, ...]) -> list[int]:
    """The folio of each chunk's first page: a part opens on a right-hand (odd) page, a
    chunk that goes on with a part on the page after the chunk before."""
    starts = [1]
    for count, goes_on in zip(counts[:-1], continued[1 : len(counts)], strict=True):
        start = starts[-1] + count
        starts.append(start + 1 if start % 2 == 0 and not goes_on else start)
    return starts


def _raise(result: LaidOut) -> None:
    if result.error is not None:
        message, hint, code = result.error
        raise BuildError(message, hint=hint, code=code)


def _lay_out(job: _Job) -> LaidOut:
    """In a worker: lay out one document and write its PDF."""
    from .pdf import Abandoned, render_pdf_pages

    document: PrintDocument = _shared["document"]
    part = PrintDocument(
        html=job.html,
        stylesheets=document.stylesheets,
        page_css=document.page_css,
        base_url=document.base_url,
        variant=document.variant,
    )
    if job.index is not None:
        cached = _from_cache(job)
        if cached is not None:
            # a part laid out before is the same part only where it begins the same
            before = _counts_before(job)
            if before is None:
                _post(job, -2)
                return LaidOut.failed(job.name, "abandoned", None, "abandoned")
            start = _chunk_starts([*before, len(cached.records)], _shared["continued"])[-1]
            if start == _cache_start(job):
                _post(job, len(cached.records))
                return cached
    try:
        try:
            with _counter_moved(job):
                rendered, data, warnings, low = render_pdf_pages(part, _shared["resolver"])
        except OtherSize as other_size:
            # the theme's left and right text areas differ: lay the piece out again on
            # the side it falls on (the pages before it are counted by now)
            side = str(other_size.args[0])
            html = job.html.replace("<html", f'<html style="break-before: {side}"', 1)
            part = dataclasses.replace(part, html=html)
            with _counter_moved(job, flips=False):
                rendered, data, warnings, low = render_pdf_pages(part, _shared["resolver"])
    except Abandoned:
        _post(job, -2)  # a piece of a part posts its count late: those after it give up
        return LaidOut.failed(job.name, "abandoned", None, "abandoned")
    except BuildError as error:
        _post(job, -2)  # those waiting for this count give up
        return LaidOut.failed(job.name, error.message, error.hint, error.code)
    finally:
        # A worker lays out several parts: it starts each without the last one's pages.
        # (Turning the cyclic collector off while laying out was about 10 % faster and
        # took a worker from about 330 to about 400 MiB on 1,000 reviews.)
        gc.collect()
    from .pdf_pages import page_records
    from .text_block import outside_text_block

    outside = outside_text_block(rendered.pages)
    checks: Checks | None = _shared.get("checks")
    anchors = [
        [(name, point[0], point[1]) for name, point in page.anchors.items()]
        for page in rendered.pages
    ]
    bookmarks = [
        [(level, label, point[0], point[1], state) for level, label, point, state in page.bookmarks]
        for page in rendered.pages
    ]
    return LaidOut(
        name=job.name,
        pdf=data,
        records=page_records(rendered.pages),
        anchors=anchors,
        bookmarks=bookmarks,
        heights=[page.height for page in rendered.pages],
        warnings=list(warnings),
        low_resolution=list(low),
        outside=outside,
        faults=checks(rendered.pages, outside) if checks else [],
    )


def _cache_start(job: _Job) -> int | None:
    cache: PdfCache = _shared["cache"]
    hit = cache.load(job.key)
    return int(hit[1]["start"]) if hit else None


def _counts_before(job: _Job) -> list[int] | None:
    """The page counts of the chunks before ``job``, once all are posted; None if one
    of them failed."""
    counts, condition = _shared["counts"], _shared["condition"]
    index = job.index or 0
    with condition:
        condition.wait_for(lambda: all(counts[j] != -1 for j in range(index)))
        before = [counts[j] for j in range(index)]
    return None if any(count < 0 for count in before) else before


def _post(job: _Job, count: int) -> None:
    if job.index is None:
        return
    counts, condition = _shared["counts"], _shared["condition"]
    with condition:
        if counts[job.index] < 0:
            counts[job.index] = count
        condition.notify_all()


class _counter_moved:
    """Move the page counter of the margin boxes, once the pages before are counted.

    A chunk that goes on with a part (``continued``) was laid out as if it began on a
    right-hand page; each page that falls on the other side is moved across first
    (:func:`octavo.write.pdf_sides.flip`), unless ``flips`` is False (the chunk was
    laid out again on its true side).
    """

    def __init__(self, job: _Job, flips: bool = True) -> None:
        self.job = job
        self.flips = flips and job.continued

    def __enter__(self) -> None:
        import weasyprint.layout as layout
        import weasyprint.layout.page as layout_page

        self.original = layout.make_margin_boxes
        self.original_styles = layout_page.set_page_type_computed_styles
        job, original, styles = self.job, self.original, self.original_styles
        shift: list[int] = []
        html: list[Any] = []

        def noted(page_type: Any, document: Any, style_for: Any) -> Any:
            if not html:
                html.append(document)  # WeasyPrint's HTML object, for the other side's style
            return styles(page_type, document, style_for)

        def moved(context: Any, page: Any, state: Any) -> Any:
            if not shift:
                shift.append(self._shift(state[1]["pages"][0], page, context, html))
            right = (shift[0] + page.page_type.index) % 2 == 0  # an odd folio
            if self.flips and (page.page_type.side == "right") != right:
                flip(context, page, html[0])
            quote_depth, counter_values, counter_scopes, page_groups = state
            values = dict(counter_values)
            values["page"] = [value + shift[0] for value in values["page"]]
            return original(context, page, (quote_depth, values, counter_scopes, page_groups))

        if job.index is not None or job.shift:
            layout.make_margin_boxes = moved
            layout_page.set_page_type_computed_styles = noted

    def _shift(self, total: int, page: Any, context: Any, html: list[Any]) -> int:
        job = self.job
        if job.index is None:
            return job.shift
        if not job.continued:
            _post(job, total)  # a part's page count does not depend on its side
        before = _counts_before(job)
        if before is None:
            from .pdf import Abandoned

            raise Abandoned
        start = _chunk_starts([*before, total], _shared["continued"])[-1]
        if job.continued:
            if self.flips and start % 2 == 0 and not movable(context, page, html[0]):
                raise OtherSize("left")  # laid out again: the count may change
            _post(job, total)
        return start - 1

    def __exit__(self, *exc: object) -> None:
        import weasyprint.layout as layout
        import weasyprint.layout.page as layout_page

        layout.make_margin_boxes = self.original
        layout_page.set_page_type_computed_styles = self.original_styles


def worker_count(jobs: int | None) -> int:
    """How many processes lay out the book: ``jobs``, or one per core."""
    return jobs if jobs else max(1, os.cpu_count() or 1)
