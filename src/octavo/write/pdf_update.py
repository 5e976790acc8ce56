"""Objects appended to a finished PDF as an incremental update (ISO 32000, 7.5.6).

The merge of a book laid out in parallel writes the pages with qpdf, then appends the
structure tree (:mod:`.merged_tags`) here, as text it never parses into objects: the
new objects, the catalog that now names the tree, and a cross-reference section that
points back at the file's own. A file from PDF 1.5 gets object streams and a
cross-reference stream, as qpdf writes the rest; a PDF 1.4 (PDF/A-1) plain objects and
a cross-reference table, which PDF/A-1 requires.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

#: Objects in one object stream, as qpdf packs them.
PER_STREAM = 100

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


@dataclass(frozen=True)
class Trailer:
    """What the update's trailer repeats of the file's last one."""

    size: int  #: the file's /Size: the first number free for new objects
    root: int  #: the catalog's object number
    info: int | None  #: the document information's object number
    ids: tuple[str, str] | None  #: the /ID's two halves, in hexadecimal


def append_objects(
    data: bytes, objects: list[tuple[int, bytes]], trailer: Trailer, packed: bool
) -> bytes:
    """``data`` with ``objects`` (number and PDF syntax, no streams) appended: new ones
    numbered from ``trailer.size`` on, or ones the file has, replaced."""
    found = _STARTXREF.search(data[-64:])
    if found is None:
        raise ValueError("the PDF does not end with startxref and %%EOF")
    previous = int(found.group(1))
    output = bytearray(data)
    if not output.endswith(b"\n"):
        output += b"\n"
    objects = sorted(objects)
    size = max([trailer.size, *(number + 1 for number, _ in objects)])
    if packed:
        return bytes(_packed(output, objects, trailer, size, previous))
    return bytes(_plain(output, objects, trailer, size, previous))


def _trailer_keys(trailer: Trailer, size: int, previous: int) -> bytes:
    keys = b"/Root %d 0 R /Size %d /Prev %d" % (trailer.root, size, previous)
    if trailer.info is not None:
        keys += b" /Info %d 0 R" % trailer.info
    if trailer.ids is not None:
        keys += b" /ID [<%s><%s>]" % (trailer.ids[0].encode(), trailer.ids[1].encode())
    return keys


def _plain(
    output: bytearray, objects: list[tuple[int, bytes]], trailer: Trailer, size: int, previous: int
) -> bytearray:
    offsets: dict[int, int] = {}
    for number, syntax in objects:
        offsets[number] = len(output)
        output += b"%d 0 obj\n%s\nendobj\n" % (number, syntax)
    start = len(output)
    output += b"xref\n"
    for first, numbers in _runs(sorted(offsets)):
        output += b"%d %d\n" % (first, len(numbers))
        for number in numbers:
            output += b"%010d 00000 n \n" % offsets[number]
    output += b"trailer << %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        _trailer_keys(trailer, size, previous),
        start,
    )
    return output


def _packed(
    output: bytearray, objects: list[tuple[int, bytes]], trailer: Trailer, size: int, previous: int
) -> bytearray:
    entries: dict[int, tuple[int, int, int]] = {}  # number: (type, field 2, field 3)
    for at in range(0, len(objects), PER_STREAM):
        group = objects[at : at + PER_STREAM]
        stream_number, size = size, size + 1
        header = bytearray()
        body = bytearray()
        for index, (number, syntax) in enumerate(group):
            header += b"%d %d " % (number, len(body))
            body += syntax + b"\n"
            entries[number] = (2, stream_number, index)
        content = zlib.compress(bytes(header + body))
        entries[stream_number] = (1, len(output), 0)
        output += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d" % (
            stream_number,
            len(group),
            len(header),
        )
        output += b" /Filter /FlateDecode /Length %d >>\nstream\n" % len(content)
        output += content + b"\nendstream\nendobj\n"
    xref_number, size = size, size + 1
    start = len(output)
    entries[xref_number] = (1, start, 0)
    width = max(4, (max(max(e[1] for e in entries.values()), 1).bit_length() + 7) // 8)
    rows = bytearray()
    subsections: list[int] = []
    for first, numbers in _runs(sorted(entries)):
        subsections += [first, len(numbers)]
        for number in numbers:
            kind, field, position = entries[number]
            rows += bytes([kind]) + field.to_bytes(width, "big") + position.to_bytes(2, "big")
    content = zlib.compress(bytes(rows))
    output += b"%d 0 obj\n<< /Type /XRef /Length %d /Filter /FlateDecode" % (
        xref_number,
        len(content),
    )
    output += b" /W [ 1 %d 2 ] /Index [ %s ] %s >>\n" % (
        width,
        b" ".join(b"%d" % value for value in subsections),
        _trailer_keys(trailer, size, previous),
    )
    output += b"stream\n" + content + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start
    return output


def _runs(numbers: list[int]) -> list[tuple[int, list[int]]]:
    """Sorted numbers as runs of consecutive ones: (first, the run)."""
    runs: list[tuple[int, list[int]]] = []
    for number in numbers:
        if runs and runs[-1][1][-1] == number - 1:
            runs[-1][1].append(number)
        else:
            runs.append((number, [number]))
    return runs
