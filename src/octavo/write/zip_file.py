"""A zip file written in one go from its entries, some of them already deflated.

Python's ``zipfile`` compresses every entry itself; the EPUB's documents may come
deflated from the workers that rendered them (:mod:`octavo.deflated`). This writes
the same bytes ``zipfile`` writes for the same entries (``ZipFile.writestr`` into a
file in memory, on a system that is not Windows): local headers, data, central
directory, end record. Entries ``zipfile`` would need ZIP64 for (a file of 4 GB,
65,535 entries) are not written here: :func:`zip_entries` returns None and the caller
uses ``zipfile``.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from ..deflated import Deflated, deflate

_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile.structCentralDir
_END = struct.Struct("<4s4H2LH")  # zipfile.structEndArchive
_VERSION = 20  # zipfile.DEFAULT_VERSION: what a stored or deflated entry needs
_UNIX = 3  # the system that made the archive, as zipfile writes it off Windows
_UTF8_NAME = 1 << 11
_MODE = 0o644 << 16  # rw-r--r--, as the EPUB writer sets it
_STORED, _DEFLATED = 0, 8
_LIMIT = (1 << 31) - 1  # zipfile.ZIP64_LIMIT
_MOST_ENTRIES = (1 << 16) - 1  # zipfile.ZIP_FILECOUNT_LIMIT


@dataclass(frozen=True)
class Entry:
    """A file of the zip: stored as it is, or deflated (``deflated``, when it holds
    ``data``, is used as it is)."""

    name: str
    data: bytes
    stored: bool = False
    deflated: Deflated | None = None


def zip_entries(
    entries: Sequence[Entry], date_time: tuple[int, int, int, int, int, int]
) -> bytes | None:
    """The zip of ``entries``, in their order, each dated ``date_time``; None when it
    would need ZIP64."""
    if len(entries) > _MOST_ENTRIES:
        return None
    year, month, day, hour, minute, second = date_time
    dos_date = (year - 1980) << 9 | month << 5 | day
    dos_time = hour << 11 | minute << 5 | (second // 2)
    parts: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for entry in entries:
        if len(entry.data) * 1.05 > _LIMIT:
            return None
        try:
            name, flags = entry.name.encode("ascii"), 0
        except UnicodeEncodeError:
            name, flags = entry.name.encode("utf-8"), _UTF8_NAME
        if entry.stored:
            method, data, crc = _STORED, entry.data, zlib.crc32(entry.data)
        else:
            held = entry.deflated
            if held is None or not held.holds(entry.data):
                held = deflate(entry.data)
            method, data, crc = _DEFLATED, held.data, held.crc
        if offset > _LIMIT or len(data) > _LIMIT:
            return None
        common = (flags, method, dos_time, dos_date, crc, len(data), len(entry.data), len(name))
        local = _LOCAL.pack(b"PK\003\004", _VERSION, 0, *common, 0)
        parts += (local, name, data)
        central.append(
            _CENTRAL.pack(
                b"PK\001\002",
                _VERSION,
                _UNIX,
                _VERSION,
                0,
                *common,
                0,
                0,
                0,
                0,
                _MODE,
                offset,
            )
            + name
        )
        offset += len(local) + len(name) + len(data)
    directory = b"".join(central)
    if offset > _LIMIT:
        return None
    end = _END.pack(b"PK\005\006", 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join([*parts, directory, end])
