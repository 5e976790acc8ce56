"""Reading an importer's sources: local files only, UTF-8, CSV with the columns it needs.

Also: what a file is, when it is not what an import reads (a ZIP given to ``import
goodreads``, a WordPress export to ``import letterboxd``), so that the error can say
what it is and what to give instead; and the named files of an export that comes as
a ZIP or as the folder it was unzipped into, read without extracting anything.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, Report
from ..errors import ContentError
from .common import ImportFailed, Passed, Reading

# ---------------------------------------------------------------------------
# Sources

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def source_path(source: str | Path) -> Path:
    """``source`` as a local path; a web address is refused (``I508``).

    Importers read local files only: fetching a feed or an export is the user's
    choice to make with their own tools, not something an import does behind
    their back.
    """
    text = str(source)
    if isinstance(source, str) and _URL.match(text):
        scheme = text.split(":", 1)[0].lower()
        raise ImportFailed.single(
            Diagnostic(
                "I508",
                f"'{text}' is a web address ({scheme}:): octavo import reads local files only"
                " and never fetches anything",
                hint="download the file first (e.g. curl -o feed.xml URL), then import the"
                " downloaded file",
            )
        )
    return Path(text)


def read_source(path: Path) -> bytes:
    """The bytes of a source file; a file that cannot be read is ``I509``."""
    if path.is_dir():
        raise ImportFailed.single(
            Diagnostic(
                "I509",
                "cannot read the file: it is a folder, not a file",
                path=path,
                hint=_folder_hint(path),
            )
        )
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImportFailed.single(
            Diagnostic(
                "I509",
                f"cannot read the file: {error.strerror or error}",
                path=path,
                hint="check the file's name and that you may read it",
            )
        ) from error


def _folder_hint(folder: Path) -> str:
    if (folder / "reviews.csv").is_file() and (folder / "diary.csv").is_file():
        return "it holds a Letterboxd export: import the folder with octavo import letterboxd"
    try:
        files = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name[:1] != ".")
    except OSError:
        files = []
    if not files:
        return "give the export file itself, not a folder"
    shown = ", ".join(str(folder / name) for name in files[:3])
    return f"give the export file itself, not the folder it is in (the folder holds {shown}" + (
        f" and {len(files) - 3} more)" if len(files) > 3 else ")"
    )


# ---------------------------------------------------------------------------
# What a file is, when it is not what the import reads

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_WXR = re.compile(rb"xmlns:wp=[\"']https?://wordpress\.org/export/")
_FEED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF)[\s>]")
_HTML = re.compile(rb"<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE)


@dataclass(frozen=True)
class FileKind:
    """What a source file is, in words, and the import that reads it (if any)."""

    what: str
    command: str | None = None
    #: a CSV file: a CSV import reads its header first, and refuses it only then
    is_csv: bool = False


def is_zip(data: bytes) -> bool:
    return data[:4] in _ZIP_MAGIC


def _csv_kind(header: list[str]) -> FileKind | None:
    columns = set(header)
    if "Letterboxd URI" in columns:
        if "Review" in columns:
            return FileKind("Letterboxd's reviews.csv", "letterboxd", is_csv=True)
        if "Watched Date" in columns:
            return FileKind("Letterboxd's diary.csv, which holds no reviews", is_csv=True)
        return FileKind(
            "a Letterboxd CSV without reviews (watched, ratings or a list)", is_csv=True
        )
    if columns == {"Date", "Content"}:
        return FileKind("Letterboxd's likes/reviews.csv, other members' reviews", is_csv=True)
    if {"Date Joined", "Username"} <= columns:
        return FileKind("Letterboxd's profile.csv, which holds no reviews", is_csv=True)
    if {"Book Id", "My Review"} <= columns:
        return FileKind("a Goodreads library export", "goodreads", is_csv=True)
    return None


def file_kind(data: bytes) -> FileKind | None:
    """What ``data`` is, when it is something an import can name; else None."""
    if is_zip(data):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return FileKind("a ZIP archive (a damaged one)")
        if "reviews.csv" in names or "diary.csv" in names:
            return FileKind("a Letterboxd export (a ZIP archive)", "letterboxd")
        return FileKind("a ZIP archive")
    if data.startswith(b"%PDF"):
        return FileKind("a PDF")
    head = data[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        if _WXR.search(head):
            return FileKind("a WordPress export (WXR)", "wordpress")
        if _HTML.search(head[:4096]):
            return FileKind("a web page (HTML)")
        if _FEED.search(head):
            return FileKind("an RSS or Atom feed", "feed")
        return FileKind("an XML file")
    line = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    header = next(csv.reader([line]), [])
    return _csv_kind([name.strip() for name in header])


def wrong_kind(path: Path, code: str, found: FileKind, expected: str, reads: str) -> ImportFailed:
    """The error for a source that is ``found`` but not the ``expected`` kind.

    ``reads`` says what to give instead: "goodreads_library_export.csv, from ...".
    """
    hint = f"give {reads}"
    if found.command:
        hint = f"import it with octavo import {found.command}; or {hint}"
    elif found.what.startswith("a ZIP"):
        hint = f"unzip it, then {hint}"
    line = 1 if found.is_csv else None  # the header says what the CSV is
    return ImportFailed.single(
        Diagnostic(code, f"is {found.what}, not {expected}", path=path, line=line, hint=hint)
    )


def decode_utf8(data: bytes, path: Path) -> str:
    """``data`` as text (a BOM dropped); bytes that are not UTF-8 are ``I510``."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed.single(
            Diagnostic(
                "I510",
                f"is not UTF-8 text: byte 0x{data[error.start]:02X} at byte offset"
                f" {error.start} cannot be decoded",
                path=path,
                line=data.count(b"\n", 0, error.start) + 1,
                hint="export the file again, or convert it to UTF-8, e.g."
                " iconv -f WINDOWS-1252 -t UTF-8",
            )
        ) from error


@dataclass(frozen=True)
class CsvRow:
    """One data row of a CSV file: its number (1 = the first after the header) and line."""

    number: int
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


def read_csv(
    path: Path, required: Sequence[str], what: str, data: bytes | None = None
) -> list[CsvRow]:
    """Every row of the CSV file at ``path`` (or of ``data``, read from it), by column.

    A file that is not CSV (``I511``) or lacks one of the ``required`` columns
    (``I512``) is refused, naming ``what`` the file should be; a file of another
    kind (a ZIP, a WordPress export, another site's CSV) is an ``I512`` that says
    what it is.
    """
    if data is None:
        data = read_source(path)
    found = file_kind(data)
    if found is not None and not found.is_csv:
        raise wrong_kind(path, "I512", found, what, f"{what}, a CSV file")
    text = decode_utf8(data, path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[CsvRow] = []
    try:
        header = [name.strip() for name in next(reader, [])]
        missing = [name for name in required if name not in header]
        if missing and found is not None and found.what != what:
            raise wrong_kind(path, "I512", found, what, f"{what}, unchanged")
        if missing:
            raise ImportFailed.single(
                Diagnostic(
                    "I512",
                    f"the column{'s' * (len(missing) > 1)} {', '.join(missing)}"
                    f" {'are' if len(missing) > 1 else 'is'} missing: this does not look like"
                    f" {what}",
                    path=path,
                    line=1,
                    hint=f"import {what}, unchanged; its first line names the columns"
                    f" ({', '.join(required)}...)",
                )
            )
        line = reader.line_num + 1
        for values in reader:
            if not values:  # a blank line
                line = reader.line_num + 1
                continue
            if len(values) != len(header):
                raise ImportFailed.single(
                    Diagnostic(
                        "I511",
                        f"row {len(rows) + 1} has {len(values)} fields but the header has"
                        f" {len(header)}: the file is not valid CSV",
                        path=path,
                        line=line,
                        hint="export the file again; a value holding a comma or a quote must"
                        ' be in double quotes, with its quotes doubled ("")',
                    )
                )
            rows.append(CsvRow(len(rows) + 1, line, dict(zip(header, values, strict=True))))
            line = reader.line_num + 1
    except csv.Error as error:
        raise ImportFailed.single(
            Diagnostic(
                "I511",
                f"is not valid CSV: {error}",
                path=path,
                line=reader.line_num or None,
                hint="export the file again, unchanged",
            )
        ) from error
    return rows


def read_sources(sources: Sequence[str | Path], read: Callable[[Path, Report], Reading]) -> Reading:
    """Read every source with ``read``; raise :class:`ImportFailed` with every problem.

    ``read`` adds a problem it can read past (a bad row) to the report, and raises
    :class:`ContentError` for one that ends the file (not CSV, not a feed).
    """
    report = Report()
    reading = Reading()
    for source in sources:
        try:
            part = read(source_path(source), report)
        except ContentError as error:
            report.extend(error.report)
            continue
        reading.entries += part.entries
        reading.passed += part.passed
    if report.has_errors():
        raise ImportFailed(report)
    return reading


def reviewed_row(
    row: CsvRow,
    path: Path,
    report: Report,
    reading: Reading,
    title: str,
    columns: tuple[str, str],
    no_review: str,
    what: str,
) -> tuple[str, str] | None:
    """Where a CSV row is (``where``, ``origin``), or None when it is passed over.

    ``columns`` names the title and the review columns: a row without a review is
    passed over (``no_review`` says why), one with a review but no title is an I513.
    """
    where = f"row {row.number}" + (f" ({title})" if title else "")
    origin = f"{path.name} {where}"
    title_column, review_column = columns
    if not row.get(review_column):
        reading.passed.append(Passed(origin, no_review))
        return None
    if not title:
        report.error(
            "I513",
            f"row {row.number}: the {title_column} column is empty",
            path=path,
            line=row.line,
            hint=f"give the {what}'s title in the {title_column} column",
        )
        return None
    return where, origin
