"""Documents laid out apart, and the one PDF they are merged into.

A worker of :mod:`octavo.write.pdf_parallel` returns a :class:`LaidOut`: the PDF of
its piece of the book and, as plain data, what the merge needs of each page (its
record, anchors, bookmarks, height) and what the build reports (warnings, pictures
below 300 ppi, words outside the text block, the typographic faults the audit's
checks found on its pages). The same data goes into the cache.
:func:`merge` then makes one PDF of them, as a single pass would have made it, tags
included.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..memory import release_memory
from ..render.print_html import PrintDocument
from .detached_tags import DetachedTags
from .merged_tags import MergedTags
from .pdf_pages import BLANK, PageRecord
from .pdf_stamp_pages import Stamps
from .pdf_trees import balanced_tree

if TYPE_CHECKING:
    from .subsets_beside import FontsRead


@dataclass
class LaidOut:
    """One document, laid out and written by a worker: plain data for the parent."""

    name: str
    pdf: bytes
    records: list[PageRecord]
    #: per page: [(anchor name, x, y)] in CSS pixels from the top left
    anchors: list[list[tuple[str, float, float]]]
    #: per page: [(level, label, x, y, state)]
    bookmarks: list[list[tuple[int, str, float, float, str]]]
    heights: list[float]  #: each page's height in CSS pixels
    warnings: list[str] = field(default_factory=list)
    low_resolution: list[tuple[Path, int]] = field(default_factory=list)
    #: pages with words outside the text block: (page index, id of the review or page)
    outside: list[tuple[int, str | None]] = field(default_factory=list)
    #: what the audit's checks found (:data:`octavo.audit.checks.Found`), by page index
    faults: list[tuple[str, int, str | None, str, str]] = field(default_factory=list)
    error: tuple[str, str | None, str | None] | None = None  #: message, hint, code
    cached: bool = False  #: read from the cache, not laid out
    #: the breaks at its two ends, summed up (:func:`octavo.write.pdf_starts.edge`)
    head: int = 0
    tail: int = 0
    resets: bool = False  #: its first page resets the page counter
    start: int = 1  #: the folio of its first page, as laid out
    start_index: int = 0  #: the index of its first page in the book, as laid out
    #: the front matter's pages it was placed after (-1: placed without them)
    front_pages: int = -1
    #: the names its ``target-*()`` functions looked up
    looked_up: list[str] = field(default_factory=list)
    #: a piece whose folios and running heads were stamped (:mod:`.pdf_stamps`): its
    #: pages' stamps, and its body without them (kept in the cache, to stamp it again)
    stamps: Stamps | None = None
    body: bytes = b""
    restamped: bool = False  #: taken from the cache and stamped again where it falls
    moved: bool = False  #: stamped again on other pages than it was laid out for
    #: its structure tree, taken out of ``pdf`` (:mod:`.detached_tags`); None: untagged
    tags: DetachedTags | None = None
    #: the book's page count its margin boxes print (``counter(pages)``); None: they
    #: print none
    book_pages: int | None = None

    def to_merge(self) -> LaidOut:
        """What the merge reads of it (sent to the process that merges the book)."""
        return LaidOut(
            self.name,
            self.pdf,
            self.records,
            self.anchors,
            self.bookmarks,
            self.heights,
            tags=self.tags,
        )

    def let_go(self) -> None:
        """Drop its pages, tags, anchors and bookmarks (sent to the merge, which is the
        last to need them): what the build reads after the merge stays."""
        self.pdf, self.body, self.tags, self.stamps = b"", b"", None, None
        self.anchors, self.bookmarks = [], []

    @classmethod
    def failed(cls, name: str, message: str, hint: str | None, code: str | None) -> LaidOut:
        """A document that could not be laid out: the error, and no pages."""
        return cls(name, b"", [], [], [], [], error=(message, hint, code))

    def meta(self) -> dict[str, Any]:
        """Everything but the PDF, as JSON-ready data for the cache."""
        return {
            "name": self.name,
            "start": self.start,
            "start_index": self.start_index,
            "head": self.head,
            "tail": self.tail,
            "resets": self.resets,
            "front_pages": self.front_pages,
            "looked_up": self.looked_up,
            "records": [[r.printed, r.anchor, r.before] for r in self.records],
            "anchors": self.anchors,
            "bookmarks": self.bookmarks,
            "heights": self.heights,
            "warnings": self.warnings,
            "low_resolution": [[str(path), dpi] for path, dpi in self.low_resolution],
            "outside_text_block": [[page, owner] for page, owner in self.outside],
            "audit_faults": [list(fault) for fault in self.faults],
            "stamps": self.stamps.to_json() if self.stamps else None,
            "tags": self.tags.to_json() if self.tags else None,
            "book_pages": self.book_pages,
        }

    @classmethod
    def from_cache(cls, data: bytes, meta: dict[str, Any]) -> LaidOut:
        return cls(
            name=str(meta["name"]),
            pdf=data,
            records=[
                PageRecord((int(p[0]), bool(p[1])) if p else None, anchor, before)
                for p, anchor, before in meta["records"]
            ],
            anchors=[
                [(str(n), float(x), float(y)) for n, x, y in page] for page in meta["anchors"]
            ],
            bookmarks=[
                [(int(lv), str(lb), float(x), float(y), str(st)) for lv, lb, x, y, st in page]
                for page in meta["bookmarks"]
            ],
            heights=[float(h) for h in meta["heights"]],
            warnings=[str(w) for w in meta["warnings"]],
            low_resolution=[(Path(p), int(d)) for p, d in meta["low_resolution"]],
            outside=[
                (int(page), None if owner is None else str(owner))
                for page, owner in meta["outside_text_block"]
            ],
            faults=[
                (str(code), int(page), None if owner is None else str(owner), str(text), str(hint))
                for code, page, owner, text, hint in meta["audit_faults"]
            ],
            cached=True,
            head=int(meta["head"]),
            tail=int(meta["tail"]),
            resets=bool(meta["resets"]),
            start=int(meta["start"]),
            start_index=int(meta["start_index"]),
            front_pages=int(meta["front_pages"]),
            looked_up=[str(name) for name in meta["looked_up"]],
            stamps=Stamps.from_json(meta["stamps"]) if meta.get("stamps") else None,
            tags=DetachedTags.from_json(meta["tags"]) if meta.get("tags") else None,
            book_pages=None if meta.get("book_pages") is None else int(meta["book_pages"]),
        )


def merge_finished(
    order: list[tuple[LaidOut, int]],
    outside: dict[str, set[str]],
    openings: dict[str, str],
    dates: dict[str, str],
    document: PrintDocument,
) -> tuple[bytes, int, list[PageRecord], list[int]]:
    """:func:`merge`, finished as :func:`octavo.write.pdf.finish_pdf` finishes a book
    laid out in one pass: page labels that match the folios, and the printer's blank
    pages and crop marks (the letterspaced runs are marked by the workers)."""
    from .pdf import finish_in_place
    from .pdf_pages import starts_from_records

    def finish(pdf: Any, records: list[PageRecord]) -> None:
        labels = [start.label for start in starts_from_records(records)]
        finish_in_place(pdf, labels, document, spaced_runs_marked=True)

    return merge(order, outside, openings, dates, finish)


def blanks_before(documents: list[tuple[str, int, int]], openings: dict[str, str]) -> list[bool]:
    """Whether the merge puts a blank page before each of the ``documents`` (name, page
    count, pages skipped), as one pass leaves the page before a document that opens on a
    recto (or a verso) blank when it would fall on the other side."""
    blanks: list[bool] = []
    pages = 0
    for number, (name, count, skip) in enumerate(documents):
        opens = openings.get(name, "page")
        wrong_side = pages % 2 == (1 if opens == "recto" else 0)
        blank = number > 0 and not skip and opens != "page" and wrong_side
        blanks.append(blank)
        pages += blank + count - skip
    return blanks


def merge(
    order: list[tuple[LaidOut, int]],
    outside: dict[str, set[str]],
    openings: dict[str, str],
    dates: dict[str, str],
    finish: Callable[[Any, list[PageRecord]], None],
) -> tuple[bytes, int, list[PageRecord], list[int]]:
    """One PDF from the laid-out documents, with blank pages where one pass has them
    (before a document that ``openings`` says opens on a recto or a verso: see
    :mod:`octavo.write.pdf_starts`), finished by ``finish`` (given the merged PDF open
    in pikepdf and its pages' records) and written once, then one structure tree of
    the documents' tags appended (:mod:`.merged_tags`); its page count, its pages'
    records, and where each document's page 0 falls in it (skipped or not). ``dates``
    ("created", "modified") are the build's, as PDF dates, for the information. The
    documents' anchors and bookmarks are let go as they are read (the merge is the
    last to need them: it runs in a process of its own, :mod:`octavo.fresh_process`).

    qpdf (through pikepdf) copies the pages, each document's fonts and images once,
    and writes object streams: about 0.6 s for 2,900 pages, where pypdf took 4 s. The
    tags are never objects in this process: each worker took its piece's out of its
    PDF, as text.
    """
    from .subsets_beside import FontsRead

    # the fonts' subsets read ahead, while the main matter was laid out, and the others
    # beside, while the pages are copied
    fonts = FontsRead([result.pdf for result, _ in order])
    try:
        return _merged(order, outside, openings, dates, finish, fonts)
    finally:
        fonts.close()


def _merged(
    order: list[tuple[LaidOut, int]],
    outside: dict[str, set[str]],
    openings: dict[str, str],
    dates: dict[str, str],
    finish: Callable[[Any, list[PageRecord]], None],
    fonts: FontsRead,
) -> tuple[bytes, int, list[PageRecord], list[int]]:
    """:func:`merge`'s work, the fonts' subsets taken from ``fonts`` where read."""
    import warnings

    import pikepdf

    from .pdf_fonts import share_fonts
    from .pdf_images import share_colour_profiles, share_images

    merged = pikepdf.new()
    records: list[PageRecord] = []
    destinations: dict[str, tuple[int, float, float]] = {}
    bookmarks: list[tuple[int, str, int, float, float, str]] = []
    heights: list[float] = []
    sources: list[pikepdf.Pdf] = []  # open until the merged file is written
    firsts: list[int] = []
    tagged = all(result.tags is not None for result, _ in order)
    tags = MergedTags()
    blanks = blanks_before(
        [(result.name, len(result.records), skip) for result, skip in order], openings
    )
    for (result, skip), blank_before in zip(order, blanks, strict=True):
        source = pikepdf.open(io.BytesIO(result.pdf))
        sources.append(source)
        if blank_before:
            # a part opens on a recto (or a verso): one pass leaves the page before blank
            template = merged.pages[-1]
            box = template.mediabox
            blank = merged.add_blank_page(page_size=(float(box[2]), float(box[3])))
            for name in ("/TrimBox", "/BleedBox", "/MediaBox"):
                if name in template.obj:
                    blank.obj[name] = pikepdf.Array(list(template.obj[name]))
            if "/Tabs" in template.obj:  # a tagged PDF's tab order, on every page
                blank.obj.Tabs = template.obj.Tabs
            records.append(BLANK)
            heights.append(heights[-1])
        firsts.append(len(records) - skip)
        kept = range(skip, len(source.pages))
        if tagged and result.tags is not None:
            tags.add(result.tags, source, kept, len(records))
        else:  # keys into trees that are not merged
            for index in kept:
                if "/StructParents" in source.pages[index].obj:
                    del source.pages[index].obj["/StructParents"]
        with warnings.catch_warnings():
            # the documents' own named destinations are not wanted: they are made
            # below from the anchors, without the stand-ins
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            for index in range(skip, len(source.pages)):
                merged.pages.append(source.pages[index])
                page = len(records)
                records.append(result.records[index])
                heights.append(result.heights[index])
                for name, x, y in result.anchors[index]:
                    if name in outside.get(result.name, ()):
                        continue  # a stand-in for an element another document holds
                    destinations.setdefault(name, (page, x, y))
                for level, label, x, y, state in result.bookmarks[index]:
                    bookmarks.append((level, label, page, x, y, state))
        result.anchors, result.bookmarks = [], []  # read: let go while qpdf's work grows
    scale = 0.75  # CSS pixels to PDF points
    # each page's object, read once: pikepdf finds a page by its number from the
    # start of the tree (0.45 s for the 2,855 pages of a 1,000-review book)
    page_objects = [page.obj for page in merged.pages]

    def destination(page: int, x: float, y: float) -> pikepdf.Array:
        """The point (x, y) of the page, in CSS pixels from its top left."""
        top = (heights[page] - y) * scale
        return pikepdf.Array([page_objects[page], pikepdf.Name.XYZ, x * scale, top, 0])

    if destinations:
        entries = [
            (pikepdf.String(name), destination(page, x, y))
            for name, (page, x, y) in destinations.items()
        ]
        # a name tree's keys are in the order of their bytes; made whole, in nodes a
        # reader takes (qpdf's tree, given one name at a time, took twice as long)
        entries.sort(key=lambda entry: bytes(entry[0]))
        merged.Root.Names = pikepdf.Dictionary(Dests=balanced_tree(merged, "/Names", entries))
    if bookmarks:
        with merged.open_outline() as outline:
            parents: list[tuple[int, pikepdf.OutlineItem]] = []
            for level, label, page, x, y, state in bookmarks:
                while parents and parents[-1][0] >= level:
                    parents.pop()
                item = pikepdf.OutlineItem(label, destination(page, x, y))
                item.is_closed = state == "closed"
                (parents[-1][1].children if parents else outline.root).append(item)
                parents.append((level, item))
    first = sources[0]
    for key in ("/Lang", "/OutputIntents", "/Metadata", "/MarkInfo", "/ViewerPreferences"):
        if key in first.Root:
            value = first.Root[key]
            if isinstance(value, pikepdf.String):
                merged.Root[key] = pikepdf.String(bytes(value))
            elif key == "/MarkInfo" and not tagged:
                continue
            else:  # a dictionary or array may hold objects of its document: copy them too
                indirect = value if value.is_indirect else first.make_indirect(value)
                merged.Root[key] = merged.copy_foreign(indirect)
    information = {str(key): str(value) for key, value in first.docinfo.items()}
    for field_name, key in (("created", "/CreationDate"), ("modified", "/ModDate")):
        if field_name in dates:  # the build's dates, as PDF dates
            information[key] = dates[field_name]
    for name, text in information.items():
        merged.docinfo[name] = text
    # one subset of each font, not one a document
    renamed = share_fonts(merged, fonts.taken_over(sources, merged))
    share_images(merged)  # and one copy of each picture
    share_colour_profiles(merged)  # and of each colour profile
    from .pdf import save_finished
    from .spaced_runs import remark_spaced_runs

    if renamed:
        remark_spaced_runs(merged, renamed)
    finish(merged, records)
    data = save_finished(merged, first.pdf_version)  # the first document's XMP as it is
    pages = len(merged.pages)
    merged.close()
    for source in sources:
        source.close()
    del merged, sources, source, first
    release_memory()  # what qpdf held, before the tree is appended
    if tagged:
        data = tags.append_to(data)
    return data, pages, records, firsts
