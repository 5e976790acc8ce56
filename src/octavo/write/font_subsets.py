"""The font subsets of a PDF WeasyPrint wrote, read for :mod:`.pdf_fonts` to merge.

A subset is read by what its glyphs draw, not by their ids alone: each glyph as its
bytes (a composite's component ids zeroed), its metrics (vertical ones too, where the
font has them) and its components, read the same way; the tables a subset does not
change, with the fields it does (counts, checksums, bounds, times) zeroed; its widths
and its ToUnicode map. A subset may lack a cmap (HarfBuzz leaves it out when no
character maps to a glyph it keeps, as for old-style figures reached only through
shaping). TrueType programs are read here, CFF ones in :mod:`.cff_subsets`, the
dictionaries around them in :mod:`.font_dictionaries`. Anything these modules do not
know is not read (None), and its font is left as it is.
"""

from __future__ import annotations

import io
import itertools
import operator
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from .font_dictionaries import (
    CID_KEYS,
    DESCRIPTOR_KEYS,
    FIXED_PITCH,
    TYPE0_KEYS,
    font_file,
    plain,
    read_to_unicode,
    read_widths,
)

#: the tables merged glyph by glyph (a subset may lack a cmap, and vmtx goes with vhea)
PER_GLYPH = {"glyf", "loca", "hmtx", "cmap", "vmtx"}
#: glyph classes for shaping, which the content streams have done: dropped
SHAPING = {"GDEF"}
#: the tables a merged program needs
HEADERS = {"head", "hhea", "maxp", "OS/2", "post", "hmtx"}
#: the other tables a merged program may hold, each the same in every subset but for
#: the fields below
SHARED = {
    "head", "hhea", "maxp", "OS/2", "post", "name", "gasp", "STAT", "cvt ", "fpgm", "prep",
    "vhea",
}  # fmt: skip
#: header fields that count a subset's glyphs or check its bytes: (table, start, end)
COUNTS = [
    ("head", 8, 12),  # checkSumAdjustment
    ("head", 50, 52),  # indexToLocFormat
    ("maxp", 4, 6),  # numGlyphs
    ("hhea", 34, 36),  # numberOfHMetrics
    ("vhea", 34, 36),  # numOfLongVerMetrics
    ("OS/2", 42, 58),  # ulUnicodeRange1-4, merged
    ("OS/2", 64, 68),  # usFirstCharIndex, usLastCharIndex, from the merged cmap
]
MAXIMA = (
    "maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxZones",
    "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
    "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth",
)  # fmt: skip
#: header fields a subset may take from its own glyphs: (table, offset, format, name,
#: merge); the merged font takes the bounds of them all (of the tables it has: a CFF
#: program's maxp is only a count)
BOUNDS = [
    ("head", 36, ">h", "xMin", min),
    ("head", 38, ">h", "yMin", min),
    ("head", 40, ">h", "xMax", max),
    ("head", 42, ">h", "yMax", max),
    ("hhea", 10, ">H", "advanceWidthMax", max),
    ("hhea", 12, ">h", "minLeftSideBearing", min),
    ("hhea", 14, ">h", "minRightSideBearing", min),
    ("hhea", 16, ">h", "xMaxExtent", max),
    ("vhea", 10, ">H", "advanceHeightMax", max),
    ("vhea", 12, ">h", "minTopSideBearing", min),
    ("vhea", 14, ">h", "minBottomSideBearing", min),
    ("vhea", 16, ">h", "yMaxExtent", max),
    *(("maxp", 6 + 2 * index, ">H", name, max) for index, name in enumerate(MAXIMA)),
]
#: the bytes compared as zeros: (table, start, end)
ZEROED = [
    *COUNTS,
    # created and modified: fontTools' instancer stamps a variable font's instance with
    # the time it made it, a different second in each piece (the merged font keeps the
    # first piece's, as one pass keeps the time of its one instance)
    ("head", 20, 36),
    *((tag, at, at + 2) for tag, at, *_ in BOUNDS),
    ("OS/2", 2, 4),  # xAvgCharWidth: worked out again if the subsets differ
]
#: the cmap subtables' formats merged (14: variation sequences, as emoji have)
CMAP_FORMATS = {4, 12, 14}
#: every glyph id a font can have, as the name it is given to read a cmap (made once)
_ID_NAMES = tuple(str(gid) for gid in range(65536))

#: a glyph as its bytes (a composite's component ids zeroed; a CFF glyph's charstring),
#: its metrics (advance and left side bearing; then vertical advance and top side
#: bearing, where the font has them; then a CFF glyph's vertical origin, or None) and
#: its components, each such a glyph (a CFF glyph's: the index of its Font DICT): what
#: it draws, whatever its id and its components' ids in one subset
Outline = tuple[bytes, tuple[Any, ...], tuple[Any, ...]]
#: a cmap's subtables by (platform, encoding, format, language): each character (a
#: format 14 subtable's: (selector, character)) to its glyph (None: the default glyph)
Cmap = dict[tuple[int, int, int, int], dict[Any, Outline | None]]


@dataclass
class Program:
    """A TrueType or CFF subset, read by what its glyphs draw."""

    shared: dict[str, bytes]  #: its tables but the per-glyph ones, counts and bounds zeroed
    bounds: dict[int, int]  #: the fields of :data:`BOUNDS` (by index) its tables have
    ranges: tuple[int, ...]  #: the OS/2 table's ulUnicodeRange1-4
    average: int  #: the OS/2 table's xAvgCharWidth
    glyphs: dict[int, Outline]  #: the glyphs it kept, by id, up to the highest drawn
    cmap: Cmap  #: its cmap's subtables, none if it has no cmap
    #: a CFF program's Font DICT by glyph id, up to the highest drawn; none for TrueType
    fds: list[int] = field(default_factory=list)

    @property
    def cff(self) -> bool:
        return "CFF " in self.shared


@dataclass
class Subset:
    """One piece's subset of a font, read."""

    font: Any  #: the Type0 font dictionary
    key: tuple[Any, ...]  #: what the subsets of one font have in common
    program: Program
    widths: dict[int, float]  #: /W by CID (which is the glyph id)
    text: dict[int, bytes]  #: ToUnicode by CID: UTF-16BE text in hexadecimal
    box: list[float]  #: the descriptor's FontBBox


def read_subset(font: Any, known: dict[Outline, Outline]) -> Subset | None:
    """A font WeasyPrint wrote and this module can merge, read (its glyphs from
    ``known`` where they are there); otherwise None."""
    if (
        font.get("/Subtype") != pikepdf.Name.Type0
        or font.get("/Encoding") != pikepdf.Name("/Identity-H")
        or not set(font.keys()) <= TYPE0_KEYS
        or len(font.get("/DescendantFonts", ())) != 1
    ):
        return None
    cid = font.DescendantFonts[0]
    descriptor = cid.get("/FontDescriptor")
    if (
        cid.get("/CIDToGIDMap") != pikepdf.Name.Identity
        or not set(cid.keys()) <= CID_KEYS
        or not isinstance(descriptor, pikepdf.Dictionary)
        or not set(descriptor.keys()) <= DESCRIPTOR_KEYS
        or not isinstance(font.get("/ToUnicode"), pikepdf.Stream)
        or len({str(font.BaseFont), str(cid.BaseFont), str(descriptor.FontName)}) != 1
    ):
        return None
    file = font_file(cid, descriptor)
    if file is None:
        return None
    widths = read_widths(cid.get("/W", pikepdf.Array()))
    text = read_to_unicode(font.ToUnicode.read_bytes())
    if widths is None or text is None:
        return None
    # HarfBuzz keeps the ids up to the highest drawn; past it, a subset's ids are its own
    last = max([*widths, *text], default=0)
    if file.get("/Subtype") == pikepdf.Name.OpenType:
        from .cff_subsets import read_cff_program

        program = read_cff_program(file.read_bytes(), {*widths, *text}, known)
    else:
        program = _program(file.read_bytes(), last, known)
    if program is None:
        return None
    apart = {"/FontName", "/FontBBox", "/Flags", "/FontFile2", "/FontFile3", "/CIDSet"}
    rest: dict[str, Any] = {k: v for k, v in descriptor.items() if k not in apart}
    if "/CIDSet" in descriptor:  # merged apart too, but only with subsets that have one
        rest["/CIDSet"] = True
    key = (
        str(font.BaseFont),
        str(cid.Subtype),
        plain(cid.get("/CIDSystemInfo")),
        plain(cid.get("/DW")),
        int(descriptor.get("/Flags", 0)) & ~FIXED_PITCH,
        tuple(sorted((name, plain(value)) for name, value in rest.items())),
    )
    box = [float(number) for number in descriptor.get("/FontBBox", [0, 0, 0, 0])]
    return Subset(font, key, program, widths, text, box)


def _program(data: bytes, last: int, known: dict[Outline, Outline]) -> Program | None:
    """A TrueType subset read (see :class:`Program`); None for a program this module
    does not merge. The glyphs are read from the tables' bytes: fontTools' objects
    would take ten times as long for the many ids a subset leaves empty."""
    try:
        font = TTFont(io.BytesIO(data), recalcBBoxes=False, recalcTimestamp=False)
        tags = set(font.reader.keys())
        if (
            not tags >= HEADERS | {"glyf", "loca"}
            or not tags <= PER_GLYPH | SHAPING | SHARED
            or ("vhea" in tags) != ("vmtx" in tags)
        ):
            return None
        raw = {tag: font.reader[tag] for tag in tags - SHAPING}  # each read (and checked) once
        if raw["post"][:4] != b"\x00\x03\x00\x00" or len(raw["maxp"]) < 32:
            return None  # glyph names, which would vary; not a TrueType maxp
        shared = shared_tables(raw, tags - PER_GLYPH - SHAPING)
        count = struct.unpack_from(">H", raw["maxp"], 4)[0]
        long_offsets = struct.unpack_from(">h", raw["head"], 50)[0]
        starts = struct.unpack_from(f">{count + 1}{'L' if long_offsets else 'H'}", raw["loca"])
        scale = 1 if long_offsets else 2  # short offsets are halved
        glyf = raw["glyf"]
        columns = _metric_columns(raw, count)
        read: dict[int, Outline | None] = {}

        def outline(gid: int) -> Outline:
            if gid in read:
                done = read[gid]
                if done is None:
                    raise ValueError("a composite glyph that holds itself")
                return done
            read[gid] = None
            data = glyf[scale * starts[gid] : scale * starts[gid + 1]]
            metrics = tuple(column[gid] for column in columns)
            parts = component_offsets(data)
            if parts:
                zeroed = bytearray(data)
                for at in parts:
                    zeroed[at : at + 2] = b"\0\0"
                components = tuple(outline(struct.unpack_from(">H", data, at)[0]) for at in parts)
                found = (bytes(zeroed), metrics, components)
            else:
                found = (data, metrics, ())
            read[gid] = found = known.setdefault(found, found)
            return found

        # kept: a glyph a subset leaves out is empty and 0 wide (looked for in C: most
        # of a subset's ids, which HarfBuzz keeps in place, are left out)
        end = min(last + 1, count)
        outlined = map(operator.lt, starts[:end], starts[1 : end + 1])
        kept = itertools.compress(range(end), map(operator.or_, outlined, _drawn(columns, end)))
        glyphs = {gid: outline(gid) for gid in kept}
        cmap: Cmap | None = {}
        if "cmap" in tags:
            # the ids as the cmap's glyph names (fontTools would make names from the cmap)
            font.setGlyphOrder(list(_ID_NAMES[:count]))
            cmap = read_cmap(font, lambda name: outline(int(name)))
        if cmap is None:
            return None
        ranges = struct.unpack_from(">4L", raw["OS/2"], 42)
        average = struct.unpack_from(">h", raw["OS/2"], 2)[0]
    except Exception:  # a program fontTools or this reader cannot read is left as it is
        return None
    return Program(shared, read_bounds(raw), ranges, average, glyphs, cmap)


def read_cmap(font: Any, glyph: Callable[[str], Outline | None]) -> Cmap | None:
    """The cmap's subtables, each character (a format 14 subtable's: each selector and
    character, None for the default glyph) mapped to what ``glyph`` reads for its glyph
    name, left out where that is None; None for a format not known here."""
    cmap: Cmap = {}
    for table in font["cmap"].tables:
        if table.format not in CMAP_FORMATS:
            return None
        entries: dict[Any, Outline | None] = {}
        if table.format == 14:
            for selector, pairs in table.uvsDict.items():
                for code, name in pairs:
                    found = None if name is None else glyph(name)
                    if name is None or found is not None:
                        entries[selector, code] = found
        else:
            for code, name in table.cmap.items():
                if (found := glyph(name)) is not None:
                    entries[code] = found
        cmap[table.platformID, table.platEncID, table.format, table.language] = entries
    return cmap


def shared_tables(raw: dict[str, bytes], tags: set[str]) -> dict[str, bytes]:
    """The tables of ``tags`` as :attr:`Program.shared` holds them: the fields of
    :data:`ZEROED` zeroed."""
    shared = {tag: bytearray(raw[tag]) for tag in sorted(tags)}
    for tag, start, end in ZEROED:
        if tag in shared and len(shared[tag]) >= end:
            shared[tag][start:end] = bytes(end - start)
    return {tag: bytes(table) for tag, table in shared.items()}


def read_bounds(raw: dict[str, bytes]) -> dict[int, int]:
    """The fields of :data:`BOUNDS` that the tables hold, by their index there."""
    return {
        index: struct.unpack_from(form, raw[tag], at)[0]
        for index, (tag, at, form, _, _) in enumerate(BOUNDS)
        if tag in raw and len(raw[tag]) >= at + 2
    }


def _metric_columns(raw: dict[str, bytes], count: int) -> list[list[int]]:
    """The glyphs' advances and side bearings from hmtx, then from vmtx if there is one:
    a column each, indexed by glyph id (a glyph's metrics are its row)."""
    columns: list[list[int]] = []
    for header, table in (("hhea", "hmtx"), ("vhea", "vmtx")):
        if table not in raw:
            continue
        pairs = struct.unpack_from(">H", raw[header], 34)[0]
        metrics = struct.unpack_from(">" + "Hh" * pairs, raw[table])
        columns.append([*metrics[0::2], *[metrics[-2]] * (count - pairs)])
        columns.append(
            [*metrics[1::2], *struct.unpack_from(f">{count - pairs}h", raw[table], 4 * pairs)]
        )
    return columns


def _drawn(columns: list[list[int]], end: int) -> Iterator[int]:
    """For each glyph id below ``end``, a number that is 0 only where all its metrics are."""
    found: Iterator[int] = itertools.repeat(0, end)
    for column in columns:
        found = map(operator.or_, found, itertools.islice(column, end))
    return found


def component_offsets(data: bytes) -> list[int]:
    """Where a composite glyph holds its components' ids (offsets in its bytes); none
    for a simple glyph."""
    if len(data) < 10 or struct.unpack_from(">h", data)[0] >= 0:
        return []
    offsets = []
    at = 10
    while True:
        flags = struct.unpack_from(">H", data, at)[0]
        struct.unpack_from(">H", data, at + 2)  # raises if the glyph is cut short
        offsets.append(at + 2)
        at += 4 + (4 if flags & 0x0001 else 2)  # ARG_1_AND_2_ARE_WORDS
        if flags & 0x0008:  # WE_HAVE_A_SCALE
            at += 2
        elif flags & 0x0040:  # WE_HAVE_AN_X_AND_Y_SCALE
            at += 4
        elif flags & 0x0080:  # WE_HAVE_A_TWO_BY_TWO
            at += 8
        if not flags & 0x0020:  # MORE_COMPONENTS
            return offsets
