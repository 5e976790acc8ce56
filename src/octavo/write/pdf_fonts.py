"""One subset of each font in a PDF merged from pieces laid out apart.

Each piece of a book laid out in parallel (:mod:`octavo.write.pdf_parallel`) is a
WeasyPrint PDF with its own subset of every font it draws, so the merged book held a
subset of each font per piece: a 60-review book was a fifth bigger than one pass.

WeasyPrint draws text through Type0 fonts with the Identity-H encoding, a
CIDFontType2 and ``/CIDToGIDMap /Identity``, and subsets them with HarfBuzz keeping
each glyph it draws at its id in the whole font: a content stream names a glyph by
that id, whichever piece drew it. So the subsets of one font can become one font:
every glyph a piece kept, at its id, one /W array and one ToUnicode CMap holding
every piece's entries, and every /Font resource pointing at it. (HarfBuzz does move
the components of composite glyphs, such as accents, that lie past the highest id a
piece draws to the ids after it, a different id in each piece: a glyph is therefore
read with its components by what they are, not by their ids, and the merged font
places such components once each after the highest id.)

WeasyPrint's subset tag is not the subset's: it names the font's description
(family, style, weight, variations), and one pass embeds one program for each tag.
So only subsets with the same name, tag included, and the same descriptor are
candidates; and only those whose programs agree are merged: every table a subset
does not change is the same byte for byte (``name``, ``STAT``, ``post``, hinting...),
the headers differ only in counts, checksums and the bounds a subset takes from its
glyphs (which fontTools' instancer sets for a variable font), every glyph both kept
has the same outline, components and advance, and both give a CID they both draw the
same width. Each page then draws every glyph exactly as before. Anything else (Type3
and bitmap fonts, CFF programs, WeasyPrint's encoding for missing glyphs, a table or
key this module does not know) is left as it was; so are subsets that disagree.

A merged font gets a new subset tag made from its program: the same book gives the
same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import operator
import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from fontTools.ttLib import TTFont, newTable  # type: ignore[import-untyped]
from fontTools.ttLib.tables._g_l_y_f import Glyph  # type: ignore[import-untyped]

#: the keys of the dictionaries WeasyPrint writes for a TrueType font; a font with any
#: other key (a /CIDSet, say) is left as it is
TYPE0_KEYS = {"/Type", "/Subtype", "/BaseFont", "/Encoding", "/DescendantFonts", "/ToUnicode"}
CID_KEYS = {
    "/Type", "/Subtype", "/BaseFont", "/CIDSystemInfo", "/CIDToGIDMap", "/W", "/DW",
    "/FontDescriptor",
}  # fmt: skip
DESCRIPTOR_KEYS = {
    "/Type", "/FontName", "/FontFamily", "/Flags", "/FontBBox", "/ItalicAngle", "/Ascent",
    "/Descent", "/CapHeight", "/StemV", "/StemH", "/FontFile2", "/FontWeight",
    "/FontStretch", "/XHeight", "/Leading", "/AvgWidth", "/MaxWidth", "/MissingWidth",
}  # fmt: skip
FIXED_PITCH = 1  # the descriptor's flag, which WeasyPrint sets from the widths it wrote

#: the tables merged glyph by glyph
PER_GLYPH = {"glyf", "loca", "hmtx", "cmap"}
#: glyph classes for shaping, which the content streams have done: dropped
SHAPING = {"GDEF"}
#: the headers a merged program needs
HEADERS = {"head", "hhea", "maxp", "OS/2", "post"}
#: the other tables a merged program may hold, each the same in every subset but for
#: the fields below
SHARED = {"head", "hhea", "maxp", "OS/2", "post", "name", "gasp", "STAT", "cvt ", "fpgm", "prep"}
#: header fields that count a subset's glyphs or check its bytes: (table, start, end)
COUNTS = [
    ("head", 8, 12),  # checkSumAdjustment
    ("head", 50, 52),  # indexToLocFormat
    ("maxp", 4, 6),  # numGlyphs
    ("hhea", 34, 36),  # numberOfHMetrics
    ("OS/2", 42, 58),  # ulUnicodeRange1-4, merged
    ("OS/2", 64, 68),  # usFirstCharIndex, usLastCharIndex, from the merged cmap
]
MAXIMA = (
    "maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxZones",
    "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
    "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth",
)  # fmt: skip
#: header fields a subset may take from its own glyphs: (table, offset, format, name,
#: merge); the merged font takes the bounds of them all
BOUNDS = [
    ("head", 36, ">h", "xMin", min),
    ("head", 38, ">h", "yMin", min),
    ("head", 40, ">h", "xMax", max),
    ("head", 42, ">h", "yMax", max),
    ("hhea", 10, ">H", "advanceWidthMax", max),
    ("hhea", 12, ">h", "minLeftSideBearing", min),
    ("hhea", 14, ">h", "minRightSideBearing", min),
    ("hhea", 16, ">h", "xMaxExtent", max),
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
#: the cmap subtables' formats merged
CMAP_FORMATS = {4, 12}

#: WeasyPrint's ToUnicode CMap around its ``beginbfchar`` blocks
CMAP_HEAD = (
    b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
    b"<< /Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n"
    b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    b"1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n"
)
CMAP_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
#: (a glyph drawn for no text, such as a combining mark's alone, maps to "<>")
BFCHAR = re.compile(rb"(\d+) beginbfchar\n((?:<[0-9a-f]{4}> <(?:[0-9a-f]{4})*>\n)*)endbfchar\n")
ENTRY = re.compile(rb"<([0-9a-f]{4})> <([0-9a-f]*)>")
TAG = re.compile(r"^[A-Z]{6}\+")

#: a glyph as its bytes (a composite's component ids zeroed), its advance and left
#: side bearing, and its components, each such a glyph: what it draws, whatever its
#: id and its components' ids in one subset
Outline = tuple[bytes, tuple[int, int], tuple[Any, ...]]


def share_fonts(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """Make the subsets of each font in ``pdf`` one font, in place (see the module's
    docstring); the fonts no page uses any more are not written when it is saved.
    Return the merged fonts whose subsets named a glyph's text differently: the
    letterspaced runs drawn with them are marked again with the merged map."""
    holders = _font_resources(pdf)
    families: dict[tuple[Any, ...], list[_Merged]] = {}
    seen: set[tuple[int, int]] = set()
    known: dict[Outline, Outline] = {}  # each glyph once: a book's pieces share most
    for holder in holders:
        for font in holder.values():
            if not font.is_indirect or font.objgen in seen:
                continue
            seen.add(font.objgen)
            subset = _read(font, known)
            if subset is None:
                continue
            family = families.setdefault(subset.key, [])
            if not any(merged.take(subset) for merged in family):
                family.append(_Merged(subset))
    replaced: dict[tuple[int, int], Any] = {}
    renamed: set[tuple[int, int]] = set()
    for family in families.values():
        for merged in family:
            if len(merged.subsets) > 1:
                font = merged.write(pdf)
                for subset in merged.subsets:
                    replaced[subset.font.objgen] = font
                if merged.renamed:
                    renamed.add(font.objgen)
    for holder in holders:
        for name, font in list(holder.items()):
            if font.is_indirect and font.objgen in replaced:
                holder[name] = replaced[font.objgen]
    return renamed


def _font_resources(pdf: pikepdf.Pdf) -> list[Any]:
    """The /Font dictionaries of the pages' resources and of the forms and tiling
    patterns they draw, each once, in the pages' order."""
    holders: list[Any] = []
    seen: set[tuple[int, int]] = set()

    def visit(resources: Any) -> None:
        fonts = resources.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary) and not _met(fonts, seen):
            holders.append(fonts)
        for kind in ("/XObject", "/Pattern"):
            children = resources.get(kind)
            if not isinstance(children, pikepdf.Dictionary):
                continue
            for child in children.values():
                if isinstance(child, pikepdf.Stream) and not _met(child, seen):
                    inner = child.get("/Resources")
                    if isinstance(inner, pikepdf.Dictionary):
                        visit(inner)

    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        if isinstance(resources, pikepdf.Dictionary) and not _met(resources, seen):
            visit(resources)
    return holders


def _met(value: Any, seen: set[tuple[int, int]]) -> bool:
    """Whether an indirect object was met before (and note it); a direct one never was."""
    if not value.is_indirect:
        return False
    if value.objgen in seen:
        return True
    seen.add(value.objgen)
    return False


@dataclass
class _Program:
    """A TrueType subset, read by what its glyphs draw."""

    shared: dict[str, bytes]  #: its tables but the per-glyph ones, counts and bounds zeroed
    bounds: list[int]  #: the fields of :data:`BOUNDS`
    ranges: tuple[int, ...]  #: the OS/2 table's ulUnicodeRange1-4
    average: int  #: the OS/2 table's xAvgCharWidth
    glyphs: dict[int, Outline]  #: the glyphs it kept, by id, up to the highest drawn
    cmap: dict[tuple[int, int, int, int], dict[int, Outline]]  #: its cmap's subtables


@dataclass
class _Subset:
    """One piece's subset of a font, read."""

    font: Any  #: the Type0 font dictionary
    key: tuple[Any, ...]  #: what the subsets of one font have in common
    program: _Program
    widths: dict[int, float]  #: /W by CID (which is the glyph id)
    text: dict[int, bytes]  #: ToUnicode by CID: UTF-16BE text in hexadecimal
    box: list[float]  #: the descriptor's FontBBox


def _read(font: Any, known: dict[Outline, Outline]) -> _Subset | None:
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
        cid.get("/Subtype") != pikepdf.Name.CIDFontType2
        or cid.get("/CIDToGIDMap") != pikepdf.Name.Identity
        or not set(cid.keys()) <= CID_KEYS
        or not isinstance(descriptor, pikepdf.Dictionary)
        or not set(descriptor.keys()) <= DESCRIPTOR_KEYS
        or not isinstance(descriptor.get("/FontFile2"), pikepdf.Stream)
        or not isinstance(font.get("/ToUnicode"), pikepdf.Stream)
        or len({str(font.BaseFont), str(cid.BaseFont), str(descriptor.FontName)}) != 1
    ):
        return None
    widths = _widths(cid.get("/W", pikepdf.Array()))
    text = _to_unicode(font.ToUnicode.read_bytes())
    if widths is None or text is None:
        return None
    # HarfBuzz keeps the ids up to the highest drawn; past it, a subset's ids are its own
    last = max([*widths, *text], default=0)
    program = _program(descriptor.FontFile2.read_bytes(), last, known)
    if program is None:
        return None
    apart = {"/FontName", "/FontBBox", "/Flags", "/FontFile2"}  # merged in _Merged.write
    rest = {k: v for k, v in descriptor.items() if k not in apart}
    key = (
        str(font.BaseFont),
        _plain(cid.get("/CIDSystemInfo")),
        _plain(cid.get("/DW")),
        int(descriptor.get("/Flags", 0)) & ~FIXED_PITCH,
        tuple(sorted((name, _plain(value)) for name, value in rest.items())),
    )
    box = [float(number) for number in descriptor.get("/FontBBox", [0, 0, 0, 0])]
    return _Subset(font, key, program, widths, text, box)


def _program(data: bytes, last: int, known: dict[Outline, Outline]) -> _Program | None:
    """A TrueType subset read (see :class:`_Program`); None for a program this module
    does not merge. The glyphs are read from the tables' bytes: fontTools' objects
    would take ten times as long for the many ids a subset leaves empty."""
    try:
        font = TTFont(io.BytesIO(data), recalcBBoxes=False, recalcTimestamp=False)
        tags = set(font.reader.keys())
        if not tags >= PER_GLYPH | HEADERS or not tags <= PER_GLYPH | SHAPING | SHARED:
            return None
        raw = {tag: font.reader[tag] for tag in tags - SHAPING}  # each read (and checked) once
        if raw["post"][:4] != b"\x00\x03\x00\x00" or len(raw["maxp"]) < 32:
            return None  # glyph names, which would vary; not a TrueType maxp
        shared = {tag: bytearray(raw[tag]) for tag in sorted(tags - PER_GLYPH - SHAPING)}
        bounds = [struct.unpack_from(form, raw[tag], at)[0] for tag, at, form, _, _ in BOUNDS]
        for tag, start, end in ZEROED:
            shared[tag][start:end] = bytes(end - start)
        count = struct.unpack_from(">H", raw["maxp"], 4)[0]
        if struct.unpack_from(">h", raw["head"], 50)[0]:  # long offsets
            starts = struct.unpack_from(f">{count + 1}L", raw["loca"])
        else:
            starts = tuple(2 * at for at in struct.unpack_from(f">{count + 1}H", raw["loca"]))
        glyf = raw["glyf"]
        pairs = struct.unpack_from(">H", raw["hhea"], 34)[0]
        metrics = struct.unpack_from(">" + "Hh" * pairs, raw["hmtx"])
        advances = [*metrics[0::2], *[metrics[-2]] * (count - pairs)]
        bearings = [
            *metrics[1::2],
            *struct.unpack_from(f">{count - pairs}h", raw["hmtx"], 4 * pairs),
        ]
        read: dict[int, Outline | None] = {}

        def outline(gid: int) -> Outline:
            if gid in read:
                done = read[gid]
                if done is None:
                    raise ValueError("a composite glyph that holds itself")
                return done
            read[gid] = None
            data = glyf[starts[gid] : starts[gid + 1]]
            parts = _parts(data)
            zeroed = bytearray(data)
            for at in parts:
                zeroed[at : at + 2] = b"\0\0"
            components = tuple(outline(struct.unpack_from(">H", data, at)[0]) for at in parts)
            found = (bytes(zeroed), (advances[gid], bearings[gid]), components)
            read[gid] = found = known.setdefault(found, found)
            return found

        glyphs = {
            gid: outline(gid)
            for gid in range(min(last + 1, count))
            # kept: a glyph a subset leaves out is empty and 0 wide
            if starts[gid + 1] > starts[gid] or advances[gid] or bearings[gid]
        }
        # the ids as the cmap's glyph names (fontTools would make names from the cmap)
        font.setGlyphOrder([str(gid) for gid in range(count)])
        cmap = {}
        for table in font["cmap"].tables:
            if table.format not in CMAP_FORMATS:
                return None
            which = (table.platformID, table.platEncID, table.format, table.language)
            cmap[which] = {code: outline(int(name)) for code, name in table.cmap.items()}
        ranges = struct.unpack_from(">4L", raw["OS/2"], 42)
        average = struct.unpack_from(">h", raw["OS/2"], 2)[0]
    except Exception:  # a program fontTools or this reader cannot read is left as it is
        return None
    shared_bytes = {tag: bytes(table) for tag, table in shared.items()}
    return _Program(shared_bytes, bounds, ranges, average, glyphs, cmap)


def _parts(data: bytes) -> list[int]:
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


def _widths(array: Any) -> dict[int, float] | None:
    """A /W array as widths by CID; None if it is not one."""
    widths: dict[int, float] = {}
    items = list(array)
    index = 0
    try:
        while index < len(items):
            first = int(items[index])
            if isinstance(items[index + 1], pikepdf.Array):
                for offset, width in enumerate(items[index + 1]):
                    widths[first + offset] = float(width)
                index += 2
            else:
                for code in range(first, int(items[index + 1]) + 1):
                    widths[code] = float(items[index + 2])
                index += 3
    except (IndexError, TypeError, ValueError):
        return None
    return widths


def _to_unicode(data: bytes) -> dict[int, bytes] | None:
    """The entries of a ToUnicode CMap as WeasyPrint writes it; None for any other."""
    if not data.startswith(CMAP_HEAD) or not data.endswith(CMAP_TAIL):
        return None
    body = data[len(CMAP_HEAD) : len(data) - len(CMAP_TAIL)]
    text: dict[int, bytes] = {}
    at = 0
    while at < len(body):
        block = BFCHAR.match(body, at)
        if block is None:
            return None
        entries = ENTRY.findall(block[2])
        if len(entries) != int(block[1]):
            return None
        for code, unicode in entries:
            text.setdefault(int(code, 16), unicode)
        at = block.end()
    return text


def _plain(value: Any) -> Any:
    """A PDF value as Python values that compare by content, not by object number."""
    if isinstance(value, pikepdf.Dictionary):
        return tuple(sorted((str(k), _plain(v)) for k, v in value.items()))
    if isinstance(value, pikepdf.Array):
        return tuple(_plain(v) for v in value)
    if isinstance(value, pikepdf.Name):
        return str(value)
    if isinstance(value, pikepdf.String):
        return bytes(value)
    if isinstance(value, pikepdf.Stream):
        return (_plain(value.stream_dict), value.read_bytes())
    return value


@dataclass
class _Merged:
    """Subsets of one font that agree, and the font they make together."""

    first: _Subset
    subsets: list[_Subset] = field(default_factory=list)
    glyphs: dict[int, Outline] = field(default_factory=dict)
    cmap: dict[tuple[int, int, int, int], dict[int, Outline]] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    text: dict[int, bytes] = field(default_factory=dict)
    #: a glyph named differently by two subsets' ToUnicode maps
    renamed: bool = False

    def __post_init__(self) -> None:
        self.cmap = {which: {} for which in self.first.program.cmap}
        self.take(self.first)

    def take(self, subset: _Subset) -> bool:
        """Add a subset if it agrees with those taken (see the module's docstring)."""
        program = subset.program
        if (
            program.shared != self.first.program.shared
            or program.cmap.keys() != self.cmap.keys()
            or not _agree(self.glyphs, program.glyphs)
            or not _agree(self.widths, subset.widths)
            or not all(_agree(self.cmap[which], program.cmap[which]) for which in self.cmap)
        ):
            return False
        self.subsets.append(subset)
        self.glyphs.update(program.glyphs)
        self.widths.update(subset.widths)
        for which, table in program.cmap.items():
            self.cmap[which].update(table)
        for code, text in subset.text.items():
            # a glyph drawn for two texts keeps the first, as one pass does
            if self.text.setdefault(code, text) != text:
                self.renamed = True
        return True

    def write(self, pdf: pikepdf.Pdf) -> Any:
        """The merged font, a new Type0 font dictionary in ``pdf``."""
        program = self._program()
        name = TAG.sub("", str(self.first.font.BaseFont)[1:])
        digest = hashlib.md5(name.encode() + program, usedforsecurity=False).digest()
        tag = "".join(chr(65 + byte % 26) for byte in digest[:6])  # as WeasyPrint's
        base_font = pikepdf.Name(f"/{tag}+{name}")
        first_cid = self.first.font.DescendantFonts[0]
        descriptor = pikepdf.Dictionary(first_cid.FontDescriptor)
        descriptor.FontName = base_font
        boxes = [subset.box for subset in self.subsets]
        descriptor.FontBBox = pikepdf.Array(
            [_number(f(box[i] for box in boxes)) for i, f in enumerate((min, min, max, max))]
        )
        flags = int(descriptor.get("/Flags", 0)) & ~FIXED_PITCH
        if len(self.widths) > 1 and len(set(self.widths.values())) == 1:
            flags |= FIXED_PITCH  # as WeasyPrint sets it from the widths
        descriptor.Flags = flags
        descriptor.FontFile2 = pikepdf.Stream(
            pdf, zlib.compress(program), Filter=pikepdf.Name.FlateDecode, Length1=len(program)
        )
        cid = pikepdf.Dictionary(first_cid)
        cid.BaseFont = base_font
        cid.W = _width_array(self.widths)
        cid.FontDescriptor = pdf.make_indirect(descriptor)
        font = pikepdf.Dictionary(self.first.font)
        font.BaseFont = base_font
        font.ToUnicode = pikepdf.Stream(
            pdf, zlib.compress(_cmap(self.text)), Filter=pikepdf.Name.FlateDecode
        )
        font.DescendantFonts = pikepdf.Array([pdf.make_indirect(cid)])
        return pdf.make_indirect(font)

    def _program(self) -> bytes:
        """The TrueType program of the glyphs the subsets kept, each at its id.

        The components a subset moved past its highest id go past the highest of
        all, once each (or to a kept glyph that is the same), and the composites name
        them there. The first subset's program takes the glyphs, the cmap of them
        all and the bounds of their headers; shaping's GDEF goes.
        """
        where: dict[Outline, int] = {}
        for gid in sorted(self.glyphs):
            where.setdefault(self.glyphs[gid], gid)
        written: dict[int, tuple[bytes, tuple[int, int]]] = {}
        free = [max(self.glyphs, default=0) + 1]

        def place(outline: Outline) -> int:
            if outline not in where:
                where[outline] = free[0]
                free[0] += 1
                written[where[outline]] = write(outline)
            return where[outline]

        def write(outline: Outline) -> tuple[bytes, tuple[int, int]]:
            zeroed, metric, components = outline
            data = bytearray(zeroed)
            for at, component in zip(_parts(zeroed), components, strict=True):
                struct.pack_into(">H", data, at, place(component))
            return bytes(data), metric

        for gid in sorted(self.glyphs):
            written[gid] = write(self.glyphs[gid])
        cmap = {
            which: {code: place(table[code]) for code in sorted(table)}
            for which, table in sorted(self.cmap.items())
        }
        first = self.first.font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
        base = TTFont(io.BytesIO(first), recalcBBoxes=False, recalcTimestamp=False)
        order = [".notdef", *(f"glyph{gid:05d}" for gid in range(1, free[0]))]
        base.setGlyphOrder(order)
        outlines, metrics = newTable("glyf"), newTable("hmtx")
        outlines.glyphOrder, outlines.glyphs, metrics.metrics = order, {}, {}
        for gid, name in enumerate(order):
            outline, metric = written.get(gid, (b"", (0, 0)))
            outlines.glyphs[name] = Glyph(outline)
            metrics.metrics[name] = metric
        base["glyf"], base["hmtx"], base["loca"] = outlines, metrics, newTable("loca")
        for table in base["cmap"].tables:
            which = (table.platformID, table.platEncID, table.format, table.language)
            table.cmap = {code: order[gid] for code, gid in cmap[which].items()}
        programs = [subset.program for subset in self.subsets]
        for index, (tag, _, _, name, merge) in enumerate(BOUNDS):
            setattr(base[tag], name, merge(program.bounds[index] for program in programs))
        for index in range(4):
            ranges = (program.ranges[index] for program in programs)
            setattr(
                base["OS/2"], f"ulUnicodeRange{index + 1}", functools.reduce(operator.or_, ranges)
            )
        if len({program.average for program in programs}) > 1:
            base["OS/2"].recalcAvgCharWidth(base)  # as fontTools' instancer did
        for tag in SHAPING & set(base.keys()):
            del base[tag]
        output = io.BytesIO()
        base.save(output)
        return output.getvalue()


def _agree(taken: dict[int, Any], other: dict[int, Any]) -> bool:
    """Whether two mappings give the same value for every key they share."""
    small, large = sorted((taken, other), key=len)
    return all(large.get(key, value) == value for key, value in small.items())


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _width_array(widths: dict[int, float]) -> Any:
    """Widths by CID as a /W array: runs of consecutive CIDs, as WeasyPrint writes them."""
    array: list[Any] = []
    for code in sorted(widths):
        if code - 1 not in widths:
            array += [code, pikepdf.Array()]
        array[-1].append(_number(widths[code]))
    return pikepdf.Array(array)


def _cmap(text: dict[int, bytes]) -> bytes:
    """A ToUnicode CMap as WeasyPrint writes it, in blocks of 100 entries."""
    entries = [b"<%04x> <%s>\n" % (code, text[code]) for code in sorted(text)]
    blocks = [
        b"%d beginbfchar\n%sendbfchar\n" % (len(part), b"".join(part))
        for part in (entries[start : start + 100] for start in range(0, len(entries), 100))
    ]
    return CMAP_HEAD + b"".join(blocks) + CMAP_TAIL
