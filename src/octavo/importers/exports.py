"""An export that comes as a ZIP, or as the folder it was unzipped into (Letterboxd).

Only the files an importer names are read, from the top of the export, in memory:
nothing is extracted to disk, and a ZIP too large, too long, encrypted or damaged is
refused (I509) before its contents can do harm.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic
from .common import ImportFailed
from .sources import read_source

#: Far larger than any export of reviews: a larger file is refused before it is opened.
ZIP_MAX_BYTES = 512 * 1024 * 1024
#: The most a file read from a ZIP may hold once decompressed: a ZIP bomb stops here.
MEMBER_MAX_BYTES = 64 * 1024 * 1024
#: The most entries a ZIP may list.
ZIP_MAX_ENTRIES = 100_000


@dataclass(frozen=True)
class ExportFile:
    """One named file of an export: where it is (for messages) and its bytes."""

    #: ``letterboxd-ann-2024-01-05.zip/reviews.csv`` or ``export-folder/reviews.csv``
    path: Path
    data: bytes


def read_export(path: Path, names: Sequence[str]) -> dict[str, ExportFile]:
    """The files called ``names`` at the top of an export, a ZIP or a folder.

    Only those files are read, and only at the top: nothing else in the ZIP is
    looked at (Letterboxd's own ``likes/reviews.csv`` holds other people's reviews),
    and nothing is extracted to disk, so a name in the archive can never send a
    write anywhere. A ZIP larger than :data:`ZIP_MAX_BYTES`, with more than
    :data:`ZIP_MAX_ENTRIES` entries, a named file twice, encrypted, or larger than
    :data:`MEMBER_MAX_BYTES` decompressed (whatever its header claims) is an I509.
    A name missing from the export is missing from the result.
    """
    if path.is_dir():
        files = [path / name for name in names]
        return {file.name: ExportFile(file, read_source(file)) for file in files if file.is_file()}
    return _read_zip(path, names)


def _zip_problem(path: Path, problem: str) -> ImportFailed:
    return ImportFailed.single(
        Diagnostic(
            "I509",
            f"cannot read the ZIP archive: {problem}",
            path=path,
            hint="download the export again and give the ZIP as it came, or unzip it"
            " and give the folder",
        )
    )


def _read_zip(path: Path, names: Sequence[str]) -> dict[str, ExportFile]:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _zip_problem(path, str(error.strerror or error)) from error
    if size > ZIP_MAX_BYTES:
        raise _zip_problem(
            path,
            f"it is {size // 2**20} MiB, more than an export of reviews can be"
            f" ({ZIP_MAX_BYTES // 2**20} MiB)",
        )
    found: dict[str, ExportFile] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                raise _zip_problem(path, f"it lists {len(entries)} files")
            for name in names:
                matches = [entry for entry in entries if entry.filename == name]
                if not matches:
                    continue
                if len(matches) > 1:
                    raise _zip_problem(path, f"it holds {name} {len(matches)} times")
                entry = matches[0]
                if entry.flag_bits & 0x1:
                    raise _zip_problem(path, f"{name} is encrypted")
                if entry.file_size > MEMBER_MAX_BYTES:
                    raise _zip_problem(
                        path, f"{name} is larger than {MEMBER_MAX_BYTES // 2**20} MiB"
                    )
                with archive.open(entry) as member:
                    data = member.read(MEMBER_MAX_BYTES + 1)
                if len(data) > MEMBER_MAX_BYTES:
                    raise _zip_problem(
                        path, f"{name} is larger than {MEMBER_MAX_BYTES // 2**20} MiB"
                    )
                found[name] = ExportFile(path / name, data)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        OSError,
    ) as error:
        raise _zip_problem(path, f"it is damaged or not a ZIP archive ({error})") from error
    return found
