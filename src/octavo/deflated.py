"""Bytes deflated as a zip file's entry holds them (raw deflate, its CRC and size).

A big book's EPUB documents are deflated where they are rendered, in the workers that
render them side by side (``render/epub_parallel.py``), instead of one after another
in the build's process when the EPUB is zipped (``write/zip_file.py``): at 5,000
reviews that is 44 MB of XHTML and a second of one core. The zip gets the same bytes
either way: the same compressor at the same level.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

#: The EPUB's entries are deflated at zlib's best compression.
LEVEL = 9


@dataclass(frozen=True)
class Deflated:
    """``data``: raw deflate of bytes of length ``size`` whose CRC-32 is ``crc``."""

    size: int
    crc: int
    data: bytes

    def holds(self, raw: bytes) -> bool:
        """Whether these are ``raw``'s bytes deflated (as a zip checks them: length
        and CRC-32)."""
        return len(raw) == self.size and zlib.crc32(raw) == self.crc


def deflate(raw: bytes, level: int = LEVEL) -> Deflated:
    """``raw`` deflated as Python's ``zipfile`` deflates an entry at ``level``."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Deflated(len(raw), zlib.crc32(raw), compressor.compress(raw) + compressor.flush())
