"""The book finished: its back and front matter laid out, and every piece merged.

Once the main matter is laid out (:mod:`.pdf_parallel`), the page of every element it
holds is known: the back matter (indexes, contributors...) is rendered with them and
laid out, then the front matter, whose contents print the back matter's pages too
(laid out beside the back matter, with the pages the last build gave it, where those
still hold). Each is laid out by a process started afresh
(:mod:`octavo.fresh_process`): a forked one would count the build's process's memory
as its own. The merge, in a process started afresh too (:mod:`.pdf_merge`), puts in
the blank pages one pass would have made before a piece that opens on a given side,
points every link, named destination and bookmark at its page, merges the documents'
tags into one structure tree (:mod:`.merged_tags`), and keeps the first document's
metadata; the build's process does its own work meanwhile (the EPUB).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..memory import release_memory
from ..render.print_split import PrintSplit
from .pdf_cache import PdfCache
from .pdf_merge import LaidOut, blanks_before
from .pdf_pages import BLANK, PageRecord, starts_from_records
from .pdf_parallel import (
    BOOK_PAGES,
    FOLIOS,
    FRONT_COUNT,
    Laid,
    MainMatter,
    Progress,
    WhileMerging,
    check_lookups,
    noted_folios,
    noted_pages,
    raise_first,
    store,
)
from .pdf_placing import shared
from .pdf_processes import Processes
from .pdf_starts import (
    FrontMoved,
    Lead,
    PagesCounted,
    head_side,
    lead_after_front,
    lead_without_front,
    opening,
)
from .pdf_worker import Job, from_cache

if TYPE_CHECKING:
    from ..audit.checks import Found

#: The cache's note of the page of each element of the back matter, counted from its
#: first page, as the last build laid it out: the front matter is laid out beside the
#: back matter with them, and kept where the back matter gives the same pages.
BACK_ANCHORS = "back-anchors"
#: The cache's note of where the last build's back matter began: on a verso or not,
#: and its page counter's shift (what its document, and its key, depend on besides its
#: HTML), for the back matter laid out ahead (:func:`lay_out_ahead`).
BACK_PLACE = "back-place"


def finish_book(
    main: MainMatter,
    split_html: Callable[[dict[str, str]], PrintSplit],
    progress: Progress,
    meanwhile: WhileMerging | None = None,
) -> Laid:
    """Lay out the back and front matter of ``main``, check the placing, and merge the
    book; ``meanwhile`` is given the book's page starts, and called while it is merged
    (see :meth:`MainMatter.finish`)."""
    processes = main.processes if isinstance(main.processes, Processes) else Processes()
    try:
        return _finish(main, split_html, progress, processes, meanwhile)
    finally:
        processes.close()
        close_ahead()


def _finish(
    main: MainMatter,
    split_html: Callable[[dict[str, str]], PrintSplit],
    progress: Progress,
    processes: Processes,
    meanwhile: WhileMerging | None,
) -> Laid:
    first, cache, pieces, chunks = main.first, main.cache, main.pieces, main.chunks
    placed, indexes, rtl = main.placed, main.indexes, main.rtl
    counts = [len(piece.records) for piece in pieces]
    folios: dict[str, str] = {}  # each element's first page, as one pass counts
    for piece, index in zip(pieces, indexes, strict=True):
        for page, names in enumerate(piece.anchors):
            for name, _, _ in names:
                folios.setdefault(name, str(placed.folio(index + page)))
    main_folios = dict(folios)
    back_index = indexes[-1] + counts[-1]
    back_verso = back_index % 2 == 1
    if main.book_pages is not None:
        foreseen = _foreseen_pages(cache, back_index)
        if foreseen is not None and foreseen != main.book_pages:
            # the main matter's length changed (the count printed was the last build's):
            # stamped again before the back and front matter are laid out for nothing
            raise PagesCounted(foreseen)
    # the processes load WeasyPrint while the back matter's HTML is made; where it
    # was rendered ahead with these page numbers, only those that lay out what the
    # cache does not hold are started, when it turns out not to
    processes.start(layout=main_folios not in noted_folios(cache))
    back_html = split_html(folios).back(starts_on_verso=back_verso)
    laid: dict[str, LaidOut] = {}
    beside: Job | None = None  # the front matter laid out beside the back
    if back_html is not None:
        shift = placed.folio(back_index) - 1 - (1 if back_verso else 0)
        cache.set_note(BACK_PLACE, json.dumps([back_verso, shift]))
        job = _back_job(cache, back_html, shift)
        back = from_cache(job)
        processes.settle("layout", job.key if back is None else "")
        if back is None:
            beside = _front_beside(processes, cache, split_html, folios, placed, back_index)
            progress("Laying out the back matter")
            back = processes.lay_out(job)
        else:
            progress("Back matter from the cache")
        raise_first([back])
        store(cache, job, back)
        laid["back"] = back
        skip = 1 if back_verso else 0
        pages_of: dict[str, int] = {}
        for page, names in enumerate(back.anchors[skip:]):
            for name, _, _ in names:
                pages_of.setdefault(name, page)
                folios.setdefault(name, str(placed.folio(back_index + page)))
        cache.set_note(BACK_ANCHORS, json.dumps(pages_of, sort_keys=True))
    else:
        cache.set_note(BACK_PLACE, None)
    cache.set_note(FOLIOS, json.dumps([main_folios, folios]))
    front_html = split_html(folios).front_document()
    job = _front_job(cache, front_html)
    if beside is None and processes.ahead.get("beside") == job.key:
        beside = job  # laid out ahead, as the last build's (the back matter unchanged)
    processes.settle("beside", beside.key if beside is not None else "")
    if beside is not None and beside.html == front_html:
        progress("Laying out the front matter")  # since the back matter began
        front = processes.beside_result()
        raise_first([front])
        store(cache, job, front)
    else:
        front = _cached_or_laid_out(processes, cache, job, "front matter", progress)
    _check_lead(pieces[0], front, placed, rtl)
    counted = pieces[0].front_pages >= 0
    cache.set_note(FRONT_COUNT, f"{len(front.records)} {front.tail}" if counted else None)
    order: list[tuple[LaidOut, int]] = [(front, 0)]
    order += [(piece, 0) for piece in pieces]
    if "back" in laid:
        order.append((laid["back"], 1 if back_verso else 0))
    outside = {name: set(names) for name, names in first.outside.items()}
    check_lookups(order, outside)
    opening_of = {job.name: opens for job, opens in zip(chunks, main.openings, strict=True)}
    opening_of["chunk-0"] = opening(front.tail, pieces[0].head, rtl)
    if main.book_pages is not None:  # the margin boxes print the book's page count
        count = len(_merged_records(order, opening_of))
        cache.set_note(BOOK_PAGES, json.dumps([count, back_index]))
        if count != main.book_pages:
            raise PagesCounted(count)
    cache.prune()
    progress("Merging the PDF")
    release_memory()  # what the renderings of the book's HTML left behind
    dates = {} if first.front_dates else _pdf_dates(first.dates)

    def while_merging() -> None:  # the merge places the pages so
        if meanwhile is not None:
            meanwhile(starts_from_records(_merged_records(order, opening_of)))
            release_memory()  # what it left behind, before the merged book comes
            progress("Merging the PDF")

    documents = [(result.to_merge(), skip) for result, skip in order]
    for result, _ in order:
        result.let_go()  # in ``documents`` only, let go once sent
    data, pages, records, firsts = processes.merge(
        while_merging,
        documents,
        outside,
        opening_of,
        dates,
        dataclasses.replace(main.document, html=""),  # its options, not its text
    )
    page_starts = starts_from_records(records)
    warnings = [w for result, _ in order for w in result.warnings]
    low = [item for result, _ in order for item in result.low_resolution]
    overflows = [
        (first_page + page, owner)
        for (result, skip), first_page in zip(order, firsts, strict=True)
        for page, owner in result.outside
        if page >= skip
    ]
    faults: list[Found] = [
        (code, first_page + page, owner, message, hint)
        for (result, skip), first_page in zip(order, firsts, strict=True)
        for code, page, owner, message, hint in result.faults
        if page >= skip
    ]
    return data, pages, page_starts, warnings, low, overflows, faults


def _foreseen_pages(cache: PdfCache, back_index: int) -> int | None:
    """The book's page count, foreseen from the last build's (:func:`noted_pages`) and
    where the main matter ends now: the front and back matter as long as they were."""
    noted = noted_pages(cache)
    return None if noted is None else noted[0] + back_index - noted[1]


def _back_job(cache: PdfCache, html: str, shift: int) -> Job:
    """The back matter laid out from ``html``, its page counter shifted by ``shift``."""
    return Job("back", html, shift=shift, key=cache.key(html, _printing(f"back:{shift}")))


def _front_job(cache: PdfCache, html: str) -> Job:
    """The front matter laid out from ``html``."""
    return Job("front", html, key=cache.key(html, _printing("front")))


def _printing(where: str) -> str:
    """The place of the front or back matter in its key, with the book's page count
    its margin boxes print where the theme prints it (:data:`.pdf_placing.shared`)."""
    pages = shared.get("book_pages")
    return where if pages is None else f"{where}, printing {pages} pages"


def _front_beside(
    processes: Processes,
    cache: PdfCache,
    split_html: Callable[[dict[str, str]], PrintSplit],
    folios: dict[str, str],
    placed: Lead,
    back_index: int,
) -> Job | None:
    """Start laying out the front matter beside the back matter, with the pages of the
    back matter's elements as the last build laid them out (the cache's note): the
    front matter prints the pages its contents name, the back matter's sections among
    them. None where there is no note, or the front matter so made is in the cache
    already (it is then taken from there, once the back matter is known)."""
    try:
        noted = json.loads(cache.note(BACK_ANCHORS) or "null")
    except ValueError:
        return None
    if not isinstance(noted, dict):
        return None
    guessed = dict(folios)
    for name, page in noted.items():
        if isinstance(name, str) and isinstance(page, int) and page >= 0:
            guessed.setdefault(name, str(placed.folio(back_index + page)))
    html = split_html(guessed).front_document()
    job = _front_job(cache, html)
    if from_cache(job) is not None:
        return None
    processes.lay_out_beside(job)
    return job


def lay_out_ahead(
    cache: PdfCache,
    split_html: Callable[[dict[str, str]], PrintSplit],
    noted: list[dict[str, str]],
) -> Processes | None:
    """Start laying out the back and front matter as the last build placed them, with
    the page numbers it printed (``noted``), where the cache does not hold them (a
    title changed, say): called while the main matter is laid out, in a rebuild that
    lays out at most one piece. The processes so started are the finish's
    (:attr:`.pdf_parallel.MainMatter.processes`); the work is taken where the back and
    front matter turn out the same, and dropped where not (:meth:`Processes.settle`).
    None where nothing needs laying out, or nothing is noted."""
    try:
        verso, shift = json.loads(cache.note(BACK_PLACE) or "null")
    except (TypeError, ValueError):
        return None
    if len(noted) != 2 or not isinstance(verso, bool) or not isinstance(shift, int):
        return None
    back_html = split_html(noted[0]).back(starts_on_verso=verso)
    front_html = split_html(noted[1]).front_document()
    jobs = {
        "layout": _back_job(cache, back_html, shift) if back_html is not None else None,
        "beside": _front_job(cache, front_html),
    }
    wanted = {name: job for name, job in jobs.items() if job and not cache.has(job.key)}
    if not wanted:
        return None
    processes = Processes()
    _AHEAD.append(processes)
    processes.start()
    for name, job in wanted.items():
        processes.submit_ahead(name, job)
    return processes


def processes_ahead() -> Processes:
    """Processes started while the main matter is laid out (for the merge's to read the
    fonts ahead), the finish's as :func:`lay_out_ahead`'s are."""
    processes = Processes()
    _AHEAD.append(processes)
    return processes


#: The processes :func:`lay_out_ahead` or :func:`processes_ahead` started, until the book
#: is finished or laid out again (:func:`close_ahead`).
_AHEAD: list[Processes] = []


def close_ahead() -> None:
    """End the processes started ahead that no finish took (the main matter laid out
    again, or the build stopped)."""
    while _AHEAD:
        _AHEAD.pop().close()


def _check_lead(piece: LaidOut, front: LaidOut, placed: Lead, rtl: bool) -> None:
    """The first piece was placed where the front matter, laid out now, puts it."""
    opens = opening(front.tail, piece.head, rtl)
    lead = lead_without_front(head_side(piece.head, rtl), piece.resets)
    if lead is None:
        lead = lead_after_front(len(front.records), opens, piece.resets)
    if (lead.first % 2, lead.folio(lead.first)) != (placed.first % 2, placed.folio(placed.first)):
        raise FrontMoved(len(front.records), front.tail)


def _cached_or_laid_out(
    processes: Processes, cache: PdfCache, job: Job, what: str, progress: Progress
) -> LaidOut:
    """The front matter from the cache, or laid out (and kept)."""
    result = from_cache(job)
    if result is None:
        progress(f"Laying out the {what}")
        result = processes.lay_out(job)
    else:
        progress(f"{what[0].upper()}{what[1:]} from the cache")
    raise_first([result])
    store(cache, job, result)
    return result


def _merged_records(order: list[tuple[LaidOut, int]], openings: dict[str, str]) -> list[PageRecord]:
    """The records of the merged book's pages, as the merge places them."""
    documents = [(result.name, len(result.records), skip) for result, skip in order]
    records: list[PageRecord] = []
    for (result, skip), blank in zip(order, blanks_before(documents, openings), strict=True):
        records += [BLANK] * blank + result.records[skip:]
    return records


def _pdf_dates(dates: dict[str, str]) -> dict[str, str]:
    """The build's dates (W3C) as WeasyPrint writes them in a PDF's information, for
    the merge (converted here: its process does not load WeasyPrint, 0.5 s)."""
    from weasyprint.pdf import _w3c_date_to_pdf

    return {name: str(_w3c_date_to_pdf(value, "date")) for name, value in dates.items()}
