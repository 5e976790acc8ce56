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

A file is read and digested again only when it changed: the digests are kept in the
cache (``<out>/.octavo-cache/digests.json``) with each file's device, inode, size and
modification and change times, as git's index keeps them, and the outputs' too once
a build found them up to date. The system sets a file's change time at every write,
whatever a program does to its modification time. A file whose times are less than
:data:`RECENT_NS` older than the moment its digest is taken is read again the next
time: a change within the same tick of the file system's clock would leave its
times as they were.

A build with no record to compare with (the first into its folder) computes the digest
after loading instead, from the bytes the loading read (:class:`ReadFiles`): the review
files are not read twice. A file whose status changed after it was read is digested by
the bytes the build used, and that digest is not kept, so that the next build sees
the change.

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
import time
from dataclasses import asdict, dataclass, field, fields
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__
from .diagnostics import Diagnostic, Report, Severity

#: Bumped when the record's format or what the digest covers changes.
FORMAT = 3
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
#: A file changed this recently (in nanoseconds) before its digest was taken is read
#: again the next time, not taken from the digests kept.
RECENT_NS = 2_000_000_000
#: Where fontconfig finds the system's fonts.
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")


@dataclass
class ReadFiles:
    """The files the loading read, for the digest of a build with no record yet."""

    #: when the loading began (a file changed as late as this is read again next time)
    since: int = field(default_factory=time.time_ns)
    #: each file by its real path: its status when read (:func:`status_key`) and the
    #: SHA-256 of the bytes read
    files: dict[str, tuple[list[int], str]] = field(default_factory=dict)


def status_key(status: os.stat_result) -> list[int]:
    """What tells that a file changed: its device, inode, size, modification and change
    times."""
    return [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]


def note_read(read: ReadFiles, real_path: Path, status: os.stat_result, data: bytes) -> None:
    """Note a file the loading read: ``data``, its bytes, read after ``status``."""
    read.files[str(real_path)] = (status_key(status), hashlib.sha256(data).hexdigest())


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
    #: the files' digests, kept by :func:`recorded` or :func:`record`
    digests: Digests = field(compare=False, repr=False)


def fingerprint(
    manifest: Path,
    roots: tuple[Path, ...],
    out: Path,
    formats: tuple[str, ...],
    read: ReadFiles | None = None,
) -> Fingerprint:
    """The digest of everything a build of ``formats`` from ``roots`` could depend on;
    the files the loading ``read`` are digested by the bytes it read."""
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
        for name, status in _walk(Path(folder).expanduser(), None):
            add(name, str(status.st_size), str(status.st_mtime_ns))
    if "azw3" in formats:
        tool = shutil.which("ebook-convert")
        add(_describe(Path(tool)) if tool else "no calibre")
    digests = Digests(out / ".octavo-cache" / "digests.json", read)
    seen: set[str] = set()
    for root in roots:
        add("root", str(root))
        prefix = len(os.path.join(str(root), ""))
        for name, status in _walk(root, out):
            if name in seen:
                continue  # under a root walked before: a review library in the anthology
            seen.add(name)
            add(name[prefix:], _content(name, status, roots, digests))
    return Fingerprint(digest.hexdigest(), record_path(manifest, out, formats), digests)


def record_path(manifest: Path, out: Path, formats: tuple[str, ...]) -> Path:
    """Where the record of a build of ``formats`` from ``manifest`` into ``out`` is kept."""
    name = hashlib.sha256(f"{manifest.resolve()}\0{','.join(formats)}".encode()).hexdigest()
    return out.resolve() / ".octavo-cache" / "builds" / f"{name[:32]}.json"


class Digests:
    """The files' content digests, kept from one build to the next by each file's
    status (see the module's docstring), in ``path``: a JSON object of path to
    ``[device, inode, size, modified, changed, digest]``."""

    def __init__(self, path: Path, read: ReadFiles | None = None) -> None:
        self.path = path
        self.read = read.files if read is not None else {}  #: what the loading read
        began = min(time.time_ns(), read.since) if read is not None else time.time_ns()
        self.since = began - RECENT_NS  #: what changed after this is read again
        self.kept: dict[str, list[Any]] = {}
        self.taken: dict[str, list[Any]] = {}  #: what this build keeps
        with contextlib.suppress(OSError, ValueError):
            kept = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(kept, dict):
                self.kept = kept

    def of(self, name: str, status: os.stat_result) -> str:
        """The SHA-256 of the regular file ``name`` whose status is ``status``."""
        key = status_key(status)
        entry = self.kept.get(name)
        read = self.read.get(name)
        if read is not None and read[0] != key:
            return read[1]  # changed since the build read it: what it used, not kept
        if read is not None:
            digest = read[1]
        elif isinstance(entry, list) and entry[:-1] == key and isinstance(entry[-1], str):
            digest = entry[-1]
        else:
            digest = _file_sha256(name)
        if max(status.st_mtime_ns, status.st_ctime_ns) < self.since:
            self.taken[name] = [*key, digest]
        return digest

    def save(self) -> None:
        """Keep the digests taken (the sources', and the outputs' of a build that found
        them up to date), where the output folder's cache already is: a first build's
        are kept with its record. Nothing is written when nothing changed, and a file
        that cannot be written is no error."""
        if self.taken == self.kept or not self.path.parent.is_dir():
            return
        with contextlib.suppress(OSError):
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(self.taken), encoding="utf-8")
            temporary.replace(self.path)


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
        if Path(item.name).name != item.name or not _same_file(path, item, fingerprint.digests):
            return None
    fingerprint.digests.save()  # the outputs' too: the next build reads neither again
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
    fingerprint.digests.save()  # a first build's: the cache's folder is there now


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


def _walk(root: Path, out: Path | None) -> list[tuple[str, os.stat_result]]:
    """Every file under ``root`` (links included, not followed), by path, sorted, with its
    status (of the link, for a link)."""
    found: list[tuple[str, os.stat_result]] = []
    skipped = str(out) if out is not None else None
    folders = [str(root)]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIPPED and entry.path != skipped:
                        folders.append(entry.path)
                elif entry.path != skipped and not (entry.name in SKIPPED and _is_folder(entry)):
                    # a file, or a link (to a folder too: it is not followed, but
                    # described by its target: the files there are digested where they
                    # are, when a build may read them at all)
                    found.append((entry.path, entry.stat(follow_symlinks=False)))
            except OSError:
                continue
    found.sort(key=lambda item: item[0])
    return found


def _is_folder(entry: os.DirEntry[str]) -> bool:
    with contextlib.suppress(OSError):
        return entry.is_dir()
    return False


def _content(name: str, status: os.stat_result, roots: tuple[Path, ...], digests: Digests) -> str:
    """A file's content digest (``status``: its own, not its target's); a link is
    described by its target when that lies outside the folders a build may read (so
    that it is never read here either)."""
    try:
        link = ""
        if stat.S_ISLNK(status.st_mode):
            path = Path(name)
            link = f"link to {os.readlink(path)}: "
            target = path.resolve()
            if not any(target == root or target.is_relative_to(root) for root in roots):
                return link
            status = target.stat()
            name = str(target)
        if not stat.S_ISREG(status.st_mode):
            return link + "not a file"
        return link + digests.of(name, status)
    except OSError as error:
        return f"unreadable: {error.strerror}"


def _file_sha256(name: str) -> str:
    with open(name, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


def _describe(path: Path) -> str:
    try:
        status = path.resolve().stat()
    except OSError:
        return str(path)
    return f"{path.resolve()} {status.st_size} {status.st_mtime_ns}"


def _same_file(path: Path, item: Written, digests: Digests) -> bool:
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode) or status.st_size != item.size:
            return False
        return digests.of(str(path), status) == item.sha256
    except OSError:
        return False


def _plain(diagnostic: Diagnostic) -> dict[str, Any]:
    # its fields as they are (asdict copies each value deeply: 0.1 s for the 1,700
    # faults of a 1,000-review book)
    item = {name.name: getattr(diagnostic, name.name) for name in fields(diagnostic)}
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
