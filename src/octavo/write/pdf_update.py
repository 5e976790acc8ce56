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
from array import array
from collections.abc import Iterable
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
    data: bytes,
    objects: Iterable[tuple[int, bytes]],
    trailer: Trailer,
    packed: bool,
    free: int,
) -> bytes:
    """``data`` with ``objects`` (number and PDF syntax, no streams) appended: new ones,
    numbered from ``trailer.size`` up to ``free`` (the first number none of them
    takes), or ones the file has, replaced. They are written as they come."""
    found = _STARTXREF.search(data[-64:])
    if found is None:
        raise ValueError("the PDF does not end with startxref and %%EOF")
    writer = _Writer(len(data), int(found.group(1)), trailer, free)
    if not data.endswith(b"\n"):
        writer.write(b"\n")
    if packed:
        writer.packed(objects)
    else:
        writer.plain(objects)
    return b"".join([data, *writer.chunks])


class _Writer:
    """The update's bytes, in chunks, and where each object went."""

    def __init__(self, start: int, previous: int, trailer: Trailer, free: int) -> None:
        self.chunks: list[bytes] = []
        self.at = start  #: the offset in the file of the next byte written
        self.previous = previous  #: the file's last cross-reference section
        self.trailer = trailer
        self.free = free
        #: each object's entry: (1, offset, 0), or (2, its object stream, its index
        #: there), as an array each (a 1,000-review book's tree is 174,000 objects)
        self.numbers = array("q")
        self.kinds = array("b")
        self.fields = array("q")
        self.indexes = array("l")

    def enter(self, number: int, kind: int, field: int, index: int) -> None:
        self.numbers.append(number)
        self.kinds.append(kind)
        self.fields.append(field)
        self.indexes.append(index)

    def in_order(self) -> list[int]:
        """The entries' places, by their objects' numbers."""
        return sorted(range(len(self.numbers)), key=self.numbers.__getitem__)

    def write(self, chunk: bytes) -> None:
        self.chunks.append(chunk)
        self.at += len(chunk)

    def trailer_keys(self) -> bytes:
        trailer = self.trailer
        keys = b"/Root %d 0 R /Size %d /Prev %d" % (trailer.root, self.free, self.previous)
        if trailer.info is not None:
            keys += b" /Info %d 0 R" % trailer.info
        if trailer.ids is not None:
            keys += b" /ID [<%s><%s>]" % (trailer.ids[0].encode(), trailer.ids[1].encode())
        return keys

    def plain(self, objects: Iterable[tuple[int, bytes]]) -> None:
        """Plain objects and a cross-reference table (PDF 1.4)."""
        for number, syntax in objects:
            self.enter(number, 1, self.at, 0)
            self.write(b"%d 0 obj\n%s\nendobj\n" % (number, syntax))
        start = self.at
        table = [b"xref\n"]
        for first, places in _runs(self.in_order(), self.numbers):
            table.append(b"%d %d\n" % (first, len(places)))
            table += [b"%010d 00000 n \n" % self.fields[place] for place in places]
        self.write(b"".join(table))
        self.write(b"trailer << %s >>\nstartxref\n%d\n%%%%EOF\n" % (self.trailer_keys(), start))

    def packed(self, objects: Iterable[tuple[int, bytes]]) -> None:
        """Object streams and a cross-reference stream (PDF 1.5 and later)."""
        group: list[tuple[int, bytes]] = []
        for item in objects:
            group.append(item)
            if len(group) == PER_STREAM:
                self.object_stream(group)
                group = []
        if group:
            self.object_stream(group)
        number = self.allocate()
        start = self.at
        self.enter(number, 1, start, 0)
        # each field as narrow as it can be, and the rows compressed with PNG's Up
        # predictor, as qpdf writes its own: 0.2 bytes an entry, not 1
        widths = (1, _width(max(self.fields)), _width(max(self.indexes)))
        rows = bytearray()
        subsections: list[int] = []
        for first, places in _runs(self.in_order(), self.numbers):
            subsections += [first, len(places)]
            for place in places:
                rows.append(self.kinds[place])
                rows += self.fields[place].to_bytes(widths[1], "big")
                rows += self.indexes[place].to_bytes(widths[2], "big")
        content = zlib.compress(_up_predicted(bytes(rows), sum(widths)))
        self.write(
            b"%d 0 obj\n<< /Type /XRef /Length %d /Filter /FlateDecode /W [ %d %d %d ]"
            % (number, len(content), *widths)
        )
        self.write(
            b" /DecodeParms << /Columns %d /Predictor 12 >> /Index [ %s ] %s >>\nstream\n"
            % (
                sum(widths),
                b" ".join(b"%d" % value for value in subsections),
                self.trailer_keys(),
            )
        )
        self.write(content + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)

    def object_stream(self, group: list[tuple[int, bytes]]) -> None:
        number = self.allocate()
        header: list[bytes] = []
        body: list[bytes] = []
        offset = 0
        for each, syntax in group:
            header.append(b"%d %d" % (each, offset))
            body.append(syntax)
            offset += len(syntax) + 1
        # each object's entry: in the object stream ``number``, at its index there
        self.numbers.extend([each for each, _ in group])
        self.kinds.extend([2] * len(group))
        self.fields.extend([number] * len(group))
        self.indexes.extend(range(len(group)))
        first = b" ".join(header) + b"\n"
        content = zlib.compress(first + b"\n".join(body) + b"\n")
        self.enter(number, 1, self.at, 0)
        self.write(
            b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
            % (number, len(group), len(first), len(content))
        )
        self.write(b"stream\n" + content + b"\nendstream\nendobj\n")

    def allocate(self) -> int:
        """A number for an object of the update's own (an object or xref stream)."""
        number, self.free = self.free, self.free + 1
        return number


def _width(largest: int) -> int:
    """The bytes a field needs to hold ``largest`` (one at least)."""
    return max(1, (largest.bit_length() + 7) // 8)


def _up_predicted(table: bytes, columns: int) -> bytes:
    """The rows of ``table`` (``columns`` bytes each) as PNG's Up filter writes them: a
    byte 2 before each row, then each byte less the byte above it (modulo 256). The
    subtraction is done on the whole table at once, as one integer, each byte's high
    bit set aside so that no byte borrows from the next (Hacker's Delight, 2-18)."""
    if not table:
        return b""
    size = len(table)
    above = bytes(columns) + table[:-columns]
    high = int.from_bytes(b"\x80" * size, "big")
    mask = (1 << (8 * size)) - 1
    row, up = int.from_bytes(table, "big"), int.from_bytes(above, "big")
    differences = (((row | high) - (up & ~high & mask)) ^ ((row ^ ~up) & high)) & mask
    flat = differences.to_bytes(size, "big")
    return b"".join(b"\x02" + flat[start : start + columns] for start in range(0, size, columns))


def _runs(places: list[int], numbers: array[int]) -> list[tuple[int, list[int]]]:
    """Entries' places (in their numbers' order) as runs of consecutive numbers: the
    first number of each run, and the run's places."""
    runs: list[tuple[int, list[int]]] = []
    previous = -2
    for place in places:
        number = numbers[place]
        if number == previous + 1:
            runs[-1][1].append(place)
        else:
            runs.append((number, [place]))
        previous = number
    return runs
