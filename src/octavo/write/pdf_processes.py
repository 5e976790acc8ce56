"""The processes that finish a book laid out in parts (:mod:`.pdf_finish`): two lay
out the back and front matter, one merges the book. Each is started afresh
(:mod:`octavo.fresh_process`), forked by a server that loaded its modules once, so
that none counts the build's process's memory as its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..fresh_process import FreshProcess, start_server
from ..memory import release_memory
from .pdf_merge import LaidOut
from .pdf_pages import PageRecord
from .pdf_worker import (
    LAYOUT_MODULES,
    Job,
    board_for_afresh,
    give_way,
    lay_out_afresh,
    warm_up_afresh,
)


def start_servers(layout: bool = True) -> None:
    """Start the fork servers of the processes that finish the book (if they are not
    running): they load WeasyPrint (``layout``), pikepdf and fontTools while the main
    matter is laid out (:mod:`..fresh_process`)."""
    if layout:
        start_server(Processes.LAYOUT)
    start_server(Processes.MERGE)


class Processes:
    """The processes started afresh that finish the book (see :meth:`MainMatter.finish`):
    one lays out the back matter, then the front matter if it was not laid out beside
    it (by a second), and one merges the book."""

    #: What a process that lays out a document loads first.
    LAYOUT = LAYOUT_MODULES
    #: What the process that merges loads first (what the merge imports as it goes).
    MERGE = (
        "pikepdf",
        "fontTools.ttLib",
        "octavo.write.pdf",
        "octavo.write.pdf_fonts",
        "octavo.write.pdf_images",
        "octavo.write.spaced_runs",
        "octavo.write.pdf_merge",
    )

    def __init__(self) -> None:
        self.layout: FreshProcess | None = None
        self.beside: FreshProcess | None = None
        self.merging: FreshProcess | None = None
        #: the key of the document each layout process ("layout", "beside") was given
        #: ahead (:func:`lay_out_ahead`), its result not yet taken
        self.ahead: dict[str, str] = {}

    def submit_ahead(self, name: str, job: Job) -> None:
        """Start laying ``job`` out in the process ``name`` ("layout" or "beside"), at
        the lowest priority: the main matter's layout comes first (:func:`give_way`)."""
        process = self.layout if name == "layout" else self.beside
        assert process is not None
        process.submit(give_way, reply=False)
        process.submit(lay_out_afresh, board_for_afresh(), job)
        self.ahead[name] = job.key

    def settle(self, name: str, key: str) -> None:
        """The process ``name`` is to lay out the document under ``key`` ("" for none):
        what it was given ahead is kept if that is it, else dropped (the process ended;
        another is started when one is needed)."""
        given = self.ahead.get(name)
        if given is None or given == key:
            return
        del self.ahead[name]
        process = self.layout if name == "layout" else self.beside
        if process is not None:
            process.close()
        if name == "layout":
            self.layout = None
        else:
            self.beside = None

    def start(self, layout: bool = True) -> None:
        """Start the processes (the merge's alone, without ``layout``): each loads what
        it needs meanwhile, and the two that lay out parse the theme's stylesheets and
        load its fonts."""
        if layout:
            for name in ("layout", "beside"):
                if getattr(self, name) is None:
                    process = FreshProcess(self.LAYOUT)
                    process.submit(warm_up_afresh, board_for_afresh(), reply=False)
                    setattr(self, name, process)
        if self.merging is None:
            self.merging = FreshProcess(self.MERGE)

    def read_fonts_ahead(self, pdfs: list[bytes]) -> None:
        """Have the merge's process (started now if it is not) read the font subsets of
        documents it is to merge while the book is laid out (:mod:`.subsets_beside`)."""
        from .subsets_beside import read_ahead

        self.start(layout=False)
        assert self.merging is not None
        self.merging.submit(read_ahead, pdfs, reply=False)

    def drop_ahead(self) -> None:
        """End the layouts given ahead (the pages moved: their page numbers are not the
        book's); the merge's process, and what it read ahead, stay."""
        for name in ("layout", "beside"):
            process = getattr(self, name)
            if process is not None:
                process.close()
            setattr(self, name, None)
        self.ahead.clear()

    def lay_out(self, job: Job) -> LaidOut:
        self.settle("layout", job.key)
        self.start()
        assert self.layout is not None
        if self.ahead.pop("layout", None) != job.key:  # not given ahead: given now
            self.layout.submit(lay_out_afresh, board_for_afresh(), job)
        return self.layout.result()  # type: ignore[no-any-return]

    def lay_out_beside(self, job: Job) -> None:
        """Start laying out ``job`` in the second process: :meth:`beside_result`."""
        self.settle("beside", job.key)
        self.start()
        assert self.beside is not None
        if self.ahead.pop("beside", None) != job.key:
            self.beside.submit(lay_out_afresh, board_for_afresh(), job)

    def beside_result(self) -> LaidOut:
        assert self.beside is not None
        self.ahead.pop("beside", None)
        return self.beside.result()  # type: ignore[no-any-return]

    def merge(
        self,
        meanwhile: Callable[[], None],
        documents: list[tuple[LaidOut, int]],
        *args: Any,
    ) -> tuple[bytes, int, list[PageRecord], list[int]]:
        """:func:`.pdf_merge.merge_finished` of ``documents`` (emptied once sent: this
        process holds them no longer), once the layouts are done (their processes
        ended first: the merge's is the only one left); ``meanwhile`` is called in
        this process while it runs."""
        from .pdf_merge import merge_finished

        for process in (self.layout, self.beside):
            if process is not None:
                process.close()
        self.start(layout=False)
        assert self.merging is not None
        self.merging.submit(merge_finished, list(documents), *args)
        documents.clear()
        release_memory()  # the pages sent
        meanwhile()
        return self.merging.result()  # type: ignore[no-any-return]

    def close(self) -> None:
        for process in (self.layout, self.beside, self.merging):
            if process is not None:
                process.close()
