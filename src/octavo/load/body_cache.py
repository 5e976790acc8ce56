"""Markdown bodies rendered by an earlier build, kept so that a rebuild reads them back.

Rendering a review's Markdown (markdown-it, the checks, the sanitiser, lxml) is most
of the time it takes to read a review: about 1.1 s of a rebuild at 1,000 reviews, for
every review, when one of them changed. A build that keeps a cache
stores each body it rendered under a key made of everything the rendering depends on:

- the text, and the document's id that prefixes its ids;
- the book's quotation marks (the parser's only setting that varies);
- Octavo's own code (every module of the package, by content) and the versions of
  the libraries that render Markdown and HTML.

Only a body whose rendering found nothing to report is kept: one with an image is
never kept (its rendering reads the image's file, and warns when it has no
description), nor one with an error (the build stops there anyway).

The bodies are kept in one file, ``<out>/.octavo-cache/markdown.json``, read at once
when the build starts (before the workers that read the reviews are forked, which
inherit it). One file a body (the first way) cost a file created for each body
rendered: at 5,000 reviews, 1.5 s of a build that renders them all, most of it the
file system's. The file is plain JSON, never code; an entry that does not read back
exactly (not a string and a count of words), or a file that does not (missing,
truncated, edited, of another format), is a miss, and the body is rendered again.
Once the build is done, the file is written again with the bodies this build used,
and no other (:meth:`BodyCache.save`), unless they are the file's already; a build
that stops on an error writes nothing. The folder of an earlier version's entries
(``markdown/``) is removed then.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import shutil
from importlib import metadata
from pathlib import Path

from ..kept_bodies import read_entries, write_entries
from ..model import Body

#: Bumped when an entry's format changes: older entries are then misses.
FORMAT = 1
#: The libraries whose version can change a rendered body.
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "nh3", "lxml")
#: The package whose code renders the bodies (every module of it is digested).
PACKAGE = Path(__file__).resolve().parent.parent


#: Bumped when the file's format changes: an older file is then read as empty.
FORMAT = 2


class BodyCache:
    """The bodies kept in the file ``path`` (None: nothing is kept), and those this
    build uses."""

    def __init__(self, path: Path | None, kept: dict[str, Body] | None = None) -> None:
        self.path = path
        #: the file's bodies, by key (``kept``: those read already, shared)
        self.kept: dict[str, Body] = kept if kept is not None else _read(path)
        #: the file's keys (what :meth:`save` compares with, once ``kept`` is let go)
        self.kept_keys = set(self.kept)
        #: the bodies this build read or rendered to keep (a worker's are sent back)
        self.used: dict[str, Body] = {}
        if path is not None:
            code_digest()  # once, before the workers that read the reviews are forked

    def sharing(self) -> BodyCache:
        """A cache of the same bodies that notes its own use (one a review read by a
        worker: what it used is sent back, not the bodies it could have)."""
        return BodyCache(self.path, self.kept)

    def done_reading(self) -> None:
        """Every body is read: let go of the file's (the reviews hold those they used;
        at 1,000 reviews the file's are 12 MB, a second copy in the build's process for
        the whole build), keeping their keys for :meth:`save`."""
        self.kept = {}

    def key(self, text: str, doc_id: str, quotes: list[str]) -> str:
        """The key of a body: its text, the id that prefixes its ids, the quotes, the
        code. Not the file or the line it starts on: a body kept names neither (it has
        nothing to report, and no image to find beside the file)."""
        digest = hashlib.sha256()
        for piece in (str(FORMAT), code_digest(), json.dumps(quotes), doc_id, text):
            digest.update(piece.encode("utf-8", "surrogateescape"))
            digest.update(b"\0")
        return digest.hexdigest()

    def get(self, key: str) -> Body | None:
        """The body kept under ``key``, or None."""
        body = self.kept.get(key)
        if body is not None:
            self.used[key] = body
        return body

    def put(self, key: str, body: Body) -> None:
        """Keep ``body`` (one without images, whose rendering reported nothing) once the
        reviews are read without an error (:meth:`save`)."""
        if self.path is None or body.images:
            return
        self.used[key] = body

    def save(self) -> None:
        """Write the bodies this build used, and no other (earlier versions of its
        texts), unless they are the file's already. Called once the build is done: one
        that stops on an error leaves nothing new in its output folder. A file that
        cannot be written is no error (the bodies are rendered again next time)."""
        if self.path is None:
            return
        with contextlib.suppress(OSError):
            shutil.rmtree(self.path.with_suffix(""))  # an earlier version's entries
        if self.used.keys() == self.kept_keys:
            return  # the same keys are the same bodies
        entries = {key: [body.html, body.words] for key, body in self.used.items()}
        write_entries(self.path, FORMAT, entries)
        self.kept_keys = set(self.used)


def _read(path: Path | None) -> dict[str, Body]:
    """The bodies the file ``path`` keeps: none where it does not read back; an entry
    that does not is left out."""
    if path is None:
        return {}
    bodies: dict[str, Body] = {}
    for key, entry in read_entries(path, FORMAT).items():
        if isinstance(entry, list) and len(entry) == 2:
            html, words = entry
            if isinstance(html, str) and isinstance(words, int) and not isinstance(words, bool):
                bodies[key] = Body(html=html, words=words)
    return bodies


@functools.cache
def code_digest() -> str:
    """The digest of the package's modules and of the rendering libraries' versions."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(PACKAGE)).encode("utf-8", "surrogateescape"))
        with contextlib.suppress(OSError):
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for library in LIBRARIES:
        try:
            digest.update(f"{library} {metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} missing".encode())
    return digest.hexdigest()
