"""Markdown bodies rendered by an earlier build, kept so that a rebuild reads them back.

Rendering a review's Markdown (markdown-it, the checks, the sanitiser, lxml) is most
of the time it takes to read a review: about 1.1 s of a rebuild at 1,000 reviews, for
every review, when one of them changed. A build that keeps a cache
(``<out>/.octavo-cache/markdown/``) stores each body it rendered under a key made of
everything the rendering depends on:

- the text, and the document's id that prefixes its ids;
- the book's quotation marks (the parser's only setting that varies);
- Octavo's own code (every module of the package, by content) and the versions of
  the libraries that render Markdown and HTML.

Only a body whose rendering found nothing to report is kept: one with an image is
never kept (its rendering reads the image's file, and warns when it has no
description), nor one with an error (the build stops there anyway). An entry is plain
JSON, never code; one that does not read back exactly (missing, truncated, edited, of
another format or key) is a miss, and the body is rendered again. Once the build is
done, the bodies rendered are written and the entries it did not use removed
(:meth:`BodyCache.save`); a build that stops on an error writes none.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from ..model import Body

#: Bumped when an entry's format changes: older entries are then misses.
FORMAT = 1
#: The libraries whose version can change a rendered body.
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "nh3", "lxml")
#: The package whose code renders the bodies (every module of it is digested).
PACKAGE = Path(__file__).resolve().parent.parent


@dataclass
class BodyCache:
    """The bodies kept in ``folder`` (None: nothing is kept)."""

    folder: Path | None
    #: the keys this process read or rendered (a worker's are sent back to the build)
    used: set[str] = field(default_factory=set)
    #: the bodies rendered now, to keep (:meth:`save`; a worker's are sent back)
    new: dict[str, Body] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.folder is not None:
            code_digest()  # once, before the workers that read the reviews are forked

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
        if self.folder is None:
            return None
        try:
            entry = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            if entry["format"] != FORMAT or entry["key"] != key:
                return None
            html, words = entry["html"], entry["words"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(html, str) or not isinstance(words, int):
            return None
        self.used.add(key)
        return Body(html=html, words=words)

    def put(self, key: str, body: Body) -> None:
        """Keep ``body`` (one without images, whose rendering reported nothing) once the
        reviews are read without an error (:meth:`save`)."""
        if self.folder is None or body.images:
            return
        self.used.add(key)
        self.new[key] = body

    def save(self) -> None:
        """Write the bodies rendered now, and remove the entries no body of this build
        used (earlier versions of its texts). Called once the build is done: one that
        stops on an error leaves nothing new in its output folder. A body that cannot
        be written is no error (it is rendered again next time)."""
        if self.folder is None:
            return
        for key, body in self.new.items():
            entry = {"format": FORMAT, "key": key, "html": body.html, "words": body.words}
            with contextlib.suppress(OSError):
                self.folder.mkdir(parents=True, exist_ok=True)
                path = self.folder / f"{key}.json"
                temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                temporary.write_text(json.dumps(entry), encoding="utf-8")
                temporary.replace(path)
        self.new.clear()
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if path.suffix == ".json" and path.stem not in self.used:
                    with contextlib.suppress(OSError):
                        path.unlink()


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
