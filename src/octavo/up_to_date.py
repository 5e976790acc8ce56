"""Skip a build whose sources and outputs are exactly as the last build left them.

After a build, a record goes into ``<out>/.octavo-cache/builds/``: a digest of every
source the build could have read, the SHA-256 of every file it wrote, its warnings
and the typographic faults the audit's checks found in its PDF (which
``build --strict`` turns into a failure when one is an error). The next build with the same
formats computes the digest again, before it loads anything; when the digest is the
same and every output still has the bytes that were written, nothing is loaded, laid
out or written, and the recorded warnings (and faults) are reported again. Any
difference, however small, is a full build (which still takes the unchanged parts of
the PDF from the cache of laid-out parts).

The sources are a superset of what a build reads: every file under the folders a
build may read from (the anthology folder, the review library, the theme folders
and Octavo's own themes; see :class:`~octavo.resources.Resolver`), by path and
content, except the output folder and version-control folders (``.git``, ``.hg``,
``.svn``), from which a build never reads. A link that leads outside those folders
is digested by its target's name, never read. Besides the files: the versions of
Octavo, Python and the libraries that shape the output, the formats asked for,
``SOURCE_DATE_EPOCH``, the system's font files (by name, size and time; a book can
fall back on them) and, for AZW3, calibre's program.

Without ``SOURCE_DATE_EPOCH`` a build stamps the book with the time it was made; an
up-to-date book keeps the time of the build that made it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import sys
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__
from .diagnostics import Diagnostic, Report, Severity

#: Bumped when the record's format or what the digest covers changes.
FORMAT = 2
#: Folders no build reads from, left out of the digest.
SKIPPED = frozenset({".git", ".hg", ".svn", ".octavo-cache"})
#: The libraries whose version can change the books.
LIBRARIES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "cssselect2",
    "fonttools",
    "pillow",
    "ebooklib",
    "lxml",
    "jinja2",
    "markdown-it-py",
    "mdit-py-plugins",
    "nh3",
    "pikepdf",
    "pyyaml",
)
#: Where fontconfig finds the system's fonts.
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")


@dataclass(frozen=True)
class Written:
    """One file the recorded build wrote (paths are relative to the output folder)."""

    name: str
    format: str
    size: int
    sha256: str
    pages: int | None = None
    documents: int | None = None


@dataclass(frozen=True)
class Fingerprint:
    """The digest of a build's sources, and where its record is kept."""

    digest: str
    record: Path


def fingerprint(
    manifest: Path, roots: tuple[Path, ...], out: Path, formats: tuple[str, ...]
) -> Fingerprint:
    """The digest of everything a build of ``formats`` from ``roots`` could depend on."""
    out = out.resolve()
    digest = hashlib.sha256()

    def add(*pieces: str) -> None:
        for piece in pieces:
            digest.update(piece.encode("utf-8", "surrogateescape"))
            digest.update(b"\0")

    add(str(FORMAT), __version__, sys.version, ",".join(formats))
    add(os.environ.get("SOURCE_DATE_EPOCH", ""))
    for library in LIBRARIES:
        try:
            add(library, metadata.version(library))
        except metadata.PackageNotFoundError:
            add(library, "missing")
    for folder in FONT_FOLDERS:
        for path, status in _walk(Path(folder).expanduser(), None):
            add(str(path), str(status.st_size), str(status.st_mtime_ns))
    if "azw3" in formats:
        tool = shutil.which("ebook-convert")
        add(_describe(Path(tool)) if tool else "no calibre")
    for root in roots:
        add("root", str(root))
        for path, _ in _walk(root, out):
            add(str(path.relative_to(root)), _content(path, roots))
    name = hashlib.sha256(f"{manifest.resolve()}\0{','.join(formats)}".encode()).hexdigest()
    return Fingerprint(digest.hexdigest(), out / ".octavo-cache" / "builds" / f"{name[:32]}.json")


def recorded(
    fingerprint: Fingerprint, out: Path
) -> tuple[list[Written], Report, list[Diagnostic]] | None:
    """The outputs, warnings and typographic faults of the last build, if it had these
    sources and its files are still as it wrote them; otherwise None."""
    try:
        record = json.loads(fingerprint.record.read_text(encoding="utf-8"))
        if record["format"] != FORMAT or record["digest"] != fingerprint.digest:
            return None
        written = [Written(**item) for item in record["outputs"]]
        diagnostics = [_diagnostic(item) for item in record["warnings"]]
        faults = [_diagnostic(item) for item in record["faults"]]
        root = Path(record["root"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for item in written:
        path = out / item.name
        if Path(item.name).name != item.name or not _same_file(path, item):
            return None
    return written, Report(diagnostics=diagnostics, root=root), faults


def record(
    fingerprint: Fingerprint,
    out: Path,
    written: list[Written],
    report: Report,
    root: Path,
    faults: list[Diagnostic],
) -> None:
    """Keep what a build wrote; a record that cannot be written is no error."""
    data = {
        "format": FORMAT,
        "digest": fingerprint.digest,
        "root": str(root),
        "outputs": [asdict(item) for item in written],
        "warnings": [_plain(item) for item in report.warnings],
        "faults": [_plain(item) for item in faults],
    }
    with contextlib.suppress(OSError):
        fingerprint.record.parent.mkdir(parents=True, exist_ok=True)
        temporary = fingerprint.record.with_name(f".{fingerprint.record.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
        temporary.replace(fingerprint.record)


def forget(fingerprint: Fingerprint) -> None:
    """Remove the record (a build that failed or was asked not to use the cache)."""
    with contextlib.suppress(OSError):
        fingerprint.record.unlink(missing_ok=True)


def written_file(out: Path, path: Path, format: str, data: bytes, **counts: int | None) -> Written:
    """The record of one output, from the bytes written to it."""
    return Written(
        name=str(path.relative_to(out)),
        format=format,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        **counts,
    )


def _walk(root: Path, out: Path | None) -> list[tuple[Path, os.stat_result]]:
    """Every file under ``root`` (links included, not followed), sorted by path."""
    found: list[tuple[Path, os.stat_result]] = []
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        kept = [name for name in folders if name not in SKIPPED and (here / name) != out]
        folders[:] = [name for name in kept if not (here / name).is_symlink()]
        # a linked folder is not followed: it is described by its target (the files
        # there are digested where they are, when a build may read them at all)
        for name in [*files, *(name for name in kept if name not in folders)]:
            path = here / name
            with contextlib.suppress(OSError):
                found.append((path, path.lstat()))
    found.sort(key=lambda item: str(item[0]))
    return found


def _content(path: Path, roots: tuple[Path, ...]) -> str:
    """A file's content digest; a link is described by its target when that lies outside
    the folders a build may read (so that it is never read here either)."""
    try:
        status = path.lstat()
        link = ""
        if stat.S_ISLNK(status.st_mode):
            link = f"link to {os.readlink(path)}: "
            target = path.resolve()
            if not any(target == root or target.is_relative_to(root) for root in roots):
                return link
            status = target.stat()
            path = target
        if not stat.S_ISREG(status.st_mode):
            return link + "not a file"
        return link + hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        return f"unreadable: {error.strerror}"


def _describe(path: Path) -> str:
    try:
        status = path.resolve().stat()
    except OSError:
        return str(path)
    return f"{path.resolve()} {status.st_size} {status.st_mtime_ns}"


def _same_file(path: Path, item: Written) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return len(data) == item.size and hashlib.sha256(data).hexdigest() == item.sha256


def _plain(diagnostic: Diagnostic) -> dict[str, Any]:
    item = asdict(diagnostic)
    item["path"] = str(diagnostic.path) if diagnostic.path is not None else None
    item["severity"] = str(diagnostic.severity)
    return item


def _diagnostic(item: dict[str, Any]) -> Diagnostic:
    path = item.get("path")
    return Diagnostic(
        code=str(item["code"]),
        message=str(item["message"]),
        path=Path(path) if path is not None else None,
        line=item.get("line"),
        hint=item.get("hint"),
        severity=Severity(item.get("severity", "warning")),
        column=item.get("column"),
    )
