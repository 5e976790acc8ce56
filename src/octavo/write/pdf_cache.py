"""Laid-out parts of the PDF kept between builds, so that a rebuild lays out only what changed.

Each part of a book laid out in parallel (see :mod:`octavo.write.pdf_parallel`) is
stored under a key made from everything its pages depend on: its HTML (which holds
its text and, for the front and back matter, the page numbers they print), the
bytes of every file it draws (images), the theme's files (stylesheets, fonts),
the page size, the PDF variant, the versions of Octavo and WeasyPrint, and where
its first page falls. A part whose key is found is not laid out again.

The cache lives in the output folder (``<out>/.octavo-cache/``), which a build
writes anyway. It is plain data, never code: a PDF file and a JSON file per part,
the JSON naming the key and the PDF's SHA-256. An entry that does not read back
exactly (missing, truncated, edited, from another version) is a miss, laid out
again; it can never put a wrong page in a book. ``--no-cache`` skips it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .. import __version__

#: The cache's folder inside the output folder.
FOLDER = ".octavo-cache"
#: Bumped when the entries' format changes: older entries are then misses.
FORMAT = 9  # 9: a piece's structure tree kept apart from its PDF, as text

_FILE_URL = re.compile(r"""(?:src|href)=["'](file://[^"']+)["']""")


class PdfCache:
    """The parts of earlier builds, in ``folder`` (None: no cache)."""

    def __init__(self, folder: Path | None, environment: str) -> None:
        self.folder = folder
        self.environment = environment
        self.used: set[str] = set()

    def key(self, html: str, where: str) -> str:
        """The key of a part: its HTML, the files it draws, the environment, its place."""
        digest = hashlib.sha256()
        for piece in (str(FORMAT), self.environment, where, html):
            digest.update(piece.encode("utf-8"))
            digest.update(b"\0")
        # looked for only where the HTML has one (the regular expression reads every
        # "s" and "h" of it: 0.06 s for the pieces of a 1,000-review book)
        urls = _FILE_URL.findall(html) if "file://" in html else []
        for url in sorted(set(urls)):
            digest.update(url.encode("utf-8"))
            digest.update(_file_digest(Path(unquote(urlsplit(url).path))).encode())
        return digest.hexdigest()

    def load(self, key: str) -> tuple[bytes, dict[str, Any]] | None:
        """The PDF and the data of the part stored under ``key``, or None."""
        if self.folder is None:
            return None
        self.used.add(key)
        try:
            meta = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            data = (self.folder / f"{key}.pdf").read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("key") != key or meta.get("format") != FORMAT:
            return None
        if meta.get("pdf_sha256") != hashlib.sha256(data).hexdigest():
            return None
        return data, meta

    def has(self, key: str) -> bool:
        """Whether an entry is stored under ``key`` (it may still not read back)."""
        return self.folder is not None and bool(key) and (self.folder / f"{key}.json").is_file()

    def load_body(self, key: str, meta: dict[str, Any]) -> bytes | None:
        """The body (without its stamps) of the piece stored under ``key``, or None."""
        if self.folder is None or not meta.get("body_sha256"):
            return None
        try:
            data = (self.folder / f"{key}.body.pdf").read_bytes()
        except OSError:
            return None
        return data if meta["body_sha256"] == hashlib.sha256(data).hexdigest() else None

    def store(self, key: str, data: bytes, meta: dict[str, Any], body: bytes = b"") -> None:
        """Keep a part (and the body of a stamped piece); a cache that cannot be written
        is no error (the book is made)."""
        if self.folder is None:
            return
        self.used.add(key)
        record = {
            **meta,
            "key": key,
            "format": FORMAT,
            "pdf_sha256": hashlib.sha256(data).hexdigest(),
            "body_sha256": hashlib.sha256(body).hexdigest() if body else None,
        }
        files = [(f"{key}.body.pdf", body)] if body else []
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            for name, content in (
                *files,
                (f"{key}.pdf", data),
                (f"{key}.json", json.dumps(record).encode()),
            ):
                temporary = self.folder / f".{name}.{os.getpid()}.octavo-tmp"
                temporary.write_bytes(content)
                temporary.replace(self.folder / name)

    def note(self, name: str) -> str | None:
        """The short text the last build left under ``name`` (a hint, never a result: a
        wrong one costs time, not pages)."""
        if self.folder is None:
            return None
        self.used.add(name)
        try:
            return (self.folder / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def set_note(self, name: str, text: str | None) -> None:
        if self.folder is None:
            return
        self.used.add(name)
        with contextlib.suppress(OSError):
            if text is None:
                (self.folder / name).unlink(missing_ok=True)
            else:
                self.folder.mkdir(parents=True, exist_ok=True)
                (self.folder / name).write_text(text, encoding="utf-8")

    def prune(self) -> None:
        """Remove the entries this build did not use (earlier versions of its parts)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            key = path.name.split(".")[0]
            if key not in self.used:
                with contextlib.suppress(OSError):
                    path.unlink()


def environment_digest(
    stylesheets: tuple[Path, ...],
    theme_folders: tuple[Path, ...],
    page_css: str,
    variant: str | None,
) -> str:
    """What every part's pages depend on besides its own HTML."""
    import weasyprint

    digest = hashlib.sha256()
    for piece in (__version__, weasyprint.__version__, page_css, variant or ""):
        digest.update(piece.encode("utf-8"))
        digest.update(b"\0")
    files = set(stylesheets)
    for folder in theme_folders:
        files.update(path for path in folder.rglob("*") if path.is_file())
    for path in sorted(files):
        digest.update(str(path).encode("utf-8"))
        digest.update(_file_digest(path).encode())
    return digest.hexdigest()


def forget_file_digests() -> None:
    """Read every file again for its digest: called as a PDF is made, so that a long
    process (``octavo serve``) never trusts a file's time across builds."""
    _digest.cache_clear()


def _file_digest(path: Path) -> str:
    """The file's SHA-256, read once a build while its size, time and inode stay: a build
    digests the theme's fonts twice (the balancing's and the parts' environment), and a
    piece's pictures once a piece."""
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    return _digest(str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)


@functools.lru_cache(maxsize=4096)
def _digest(path: str, size: int, modified: int, inode: int) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "missing"
