"""The merge of a book laid out in parallel, in a process of its own.

What qpdf and fontTools hold while they merge the pieces (about 220 MiB for 1,000
reviews) is then not added to what the build's process holds, and is gone when the
merge ends: each process of a 1,000-review build stays under 400 MiB.

The process is started afresh (``python -c``, not forked, and not by
:mod:`multiprocessing`'s spawn, which runs the caller's main script again: a script
that builds a book without an ``if __name__ == "__main__"`` guard would start builds
without end). It loads pikepdf and fontTools while the front and back matter are laid
out, then reads its work, pickled, on its standard input and writes the merged book,
pickled, on its standard output. Pickles pass only between these two processes.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
from typing import Any

from ..render.print_html import PrintDocument
from .pdf_merge import LaidOut
from .pdf_pages import PageRecord

_CHILD = "from octavo.write.merge_process import serve; serve()"


class MergeProcess:
    """The process that merges the book (:func:`.pdf_merge.merge_finished`)."""

    def __init__(self) -> None:
        self.child: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the process, which loads what the merge needs and waits for its work."""
        if self.child is None:
            path = os.pathsep.join(entry for entry in sys.path if entry)
            self.child = subprocess.Popen(
                [sys.executable, "-c", _CHILD],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env={**os.environ, "PYTHONPATH": path},
            )

    def merge(
        self,
        order: list[tuple[LaidOut, int]],
        outside: dict[str, set[str]],
        openings: dict[str, str],
        dates: dict[str, str],
        document: PrintDocument,
    ) -> tuple[bytes, int, list[PageRecord], list[int]]:
        """The merged book, as :func:`.pdf_merge.merge_finished` gives it; only what the
        merge reads of each document, and the print document's options, are sent."""
        self.start()
        assert self.child is not None
        sent = [
            (
                LaidOut(
                    result.name,
                    result.pdf,
                    result.records,
                    result.anchors,
                    result.bookmarks,
                    result.heights,
                    tags=result.tags,
                ),
                skip,
            )
            for result, skip in order
        ]
        shape = dataclasses.replace(document, html="")  # its options, not its text
        work = pickle.dumps((sent, outside, openings, dates, shape), protocol=5)
        del sent
        assert self.child.stdin is not None
        self.child.stdin.write(len(work).to_bytes(8, "big"))
        output, _ = self.child.communicate(work)
        if self.child.returncode != 0 or not output:
            raise RuntimeError(f"the process that merges the PDF ended ({self.child.returncode})")
        merged, value = pickle.loads(output)
        if not merged:
            raise value
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        """End the process, if the merge did not."""
        if self.child is not None:
            if self.child.poll() is None:
                self.child.kill()
            self.child.wait()
            for stream in (self.child.stdin, self.child.stdout):
                if stream is not None:
                    stream.close()
            self.child = None


def serve() -> None:
    """In the merging process: load, read the work, merge, write the result."""
    output = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but the result on the standard output
    import fontTools.ttLib  # type: ignore[import-untyped]  # noqa: F401
    import pikepdf  # noqa: F401

    from .pdf_merge import merge_finished

    size = int.from_bytes(_read(8), "big")
    work = pickle.loads(_read(size))  # read whole first: unpickled from the pipe, 3x slower
    result: tuple[bool, Any]
    try:
        result = (True, merge_finished(*work))
    except Exception as error:  # raised again in the build's process
        result = (False, error)
    try:
        data = pickle.dumps(result, protocol=5)
    except Exception:  # an error that cannot be pickled
        data = pickle.dumps((False, RuntimeError(repr(result[1]))), protocol=5)
    output.write(data)
    output.flush()


def _read(size: int) -> bytes:
    """Exactly ``size`` bytes of the standard input."""
    chunks: list[bytes] = []
    while size > 0:
        chunk = sys.stdin.buffer.read(size)
        if not chunk:
            raise EOFError("the build's process sent less than it said")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
