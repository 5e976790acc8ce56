"""Review bodies prepared for the print HTML by an earlier build, read back by a rebuild.

A review's body goes into the print HTML prepared (:func:`.print_html._body`):
its headings set at the level the template asks for, its pull quote placed, its notes
made footnotes, its tables measured against the theme's text block. That is half the
time of rendering the print edition: about 0.65 s at 1,000 reviews, in every build,
before any page can be laid out. A build that keeps a cache stores each body it
prepared in ``<out>/.octavo-cache/<pdf folder>-bodies.json`` under a key made of
everything the preparing depends on:

- the body's HTML (the Markdown rendered: its own cache's entries are keyed by the
  text, :mod:`octavo.load.body_cache`), the heading level, the pull quote, the
  direction and the theme's table measure;
- Octavo's own code and the versions of the libraries that render HTML
  (:func:`octavo.load.body_cache.code_digest`).

A body with pictures is never kept (its pictures are found anew each build). The file
is plain JSON, never code; an entry that does not read back as a string, or a file
that does not read back at all (missing, truncated, of another format), is a miss, and
the body is prepared again. Once the PDF is built, the file is written again with the
bodies this build used, and no other; a build that stops on an error leaves it as it
was.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from pathlib import Path

from ..kept_bodies import read_entries, write_entries
from ..themes import TableMeasure

#: Bumped when the file's format changes: an older file is then read as empty.
FORMAT = 1

#: The store of the build under way (:func:`kept_in`), if it keeps one.
_KEPT: list[PrintBodies] = []


class PrintBodies:
    """The bodies kept in ``path`` (read at once), and those this build uses."""

    def __init__(self, path: Path) -> None:
        from ..load.body_cache import code_digest

        self.path = path
        self.code = code_digest()
        self.kept: dict[str, str] = _read(path)
        self.used: dict[str, str] = {}  #: what this build read or prepared

    def key(
        self, html: str, parent: int, pullquote: str, direction: str, measure: TableMeasure | None
    ) -> str:
        digest = hashlib.sha256()
        measured = "" if measure is None else f"{measure.measure} {measure.at_floor}"
        for piece in (str(FORMAT), self.code, html, str(parent), pullquote, direction, measured):
            digest.update(piece.encode("utf-8", "surrogateescape"))
            digest.update(b"\0")
        return digest.hexdigest()

    def get(self, key: str) -> str | None:
        found = self.kept.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, key: str, prepared: str) -> None:
        self.used[key] = prepared

    def save(self) -> None:
        """Write the bodies this build used (and no other), unless they are the file's
        already. A file that cannot be written is no error: the bodies are prepared
        again next time."""
        if self.used != self.kept:
            write_entries(self.path, FORMAT, self.used)


def _read(path: Path) -> dict[str, str]:
    entries = read_entries(path, FORMAT)
    return {key: html for key, html in entries.items() if isinstance(html, str)}


@contextlib.contextmanager
def kept_in(path: Path | None) -> Iterator[None]:
    """Prepare the print edition's bodies, while inside, from those kept in ``path``
    (none: prepare them all), and keep those used there once it ends without an
    error."""
    if path is None:
        yield
        return
    store = PrintBodies(path)
    _KEPT.append(store)
    try:
        yield
    finally:
        _KEPT.remove(store)
    store.save()


def current() -> PrintBodies | None:
    """The store of the build under way, or None."""
    return _KEPT[-1] if _KEPT else None
