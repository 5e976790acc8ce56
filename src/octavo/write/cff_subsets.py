"""The CFF font subsets of a PDF WeasyPrint wrote, read and merged for :mod:`.pdf_fonts`.

WeasyPrint embeds a font with PostScript outlines, such as Noto Serif CJK, as an
OpenType program in a /FontFile3 of /Subtype /OpenType under a CIDFontType0. HarfBuzz
subsets it as it does a TrueType font (see :mod:`.pdf_fonts`), keeping each glyph at
its id, and, as WeasyPrint asks, without subroutines: a glyph's charstring draws it
whole. The font is CID-keyed (Noto CJK's Adobe-Identity-0): a CID names a glyph
through the charset, in which the id of each glyph up to the highest a piece draws is
its CID; past it come glyphs HarfBuzz found through shaping, with ids of the piece's
own, which no page draws, and which are not read.

So a glyph is read as its charstring, its metrics (horizontal, vertical, and its
vertical origin) and, through the Font DICT selected for it, its private dictionary
(which gives the charstring's widths their meaning). Subsets merge when their CFF
tables agree but for their glyphs: the same font name, top dictionary and Font DICTs
with their private dictionaries, and the same Font DICT for each id both keep (the
merged font takes these, the charstrings of every glyph kept and the charset of the
ids up to the highest drawn). A CFF program with subroutines, a name-keyed one, a
charset that is not the ids up to the highest drawn, or anything else not known here
is not read (None), and its font is left as it is.
"""

from __future__ import annotations

import array
import functools
import io
import struct
import sys
from collections.abc import Callable
from typing import Any

from fontTools.cffLib import CharStrings, FDSelect  # type: ignore[import-untyped]
from fontTools.misc.psCharStrings import T2CharString  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fontTools.ttLib.tables.DefaultTable import DefaultTable  # type: ignore[import-untyped]

from .font_subsets import (
    SHAPING,
    SHARED,
    Cmap,
    Outline,
    Program,
    read_bounds,
    read_cmap,
    shared_tables,
)

#: the tables merged glyph by glyph; VORG gives glyphs their vertical origin
PER_GLYPH = {"CFF ", "hmtx", "cmap", "vmtx", "VORG"}
HEADERS = {"CFF ", "head", "hhea", "maxp", "OS/2", "post", "hmtx"}
#: the charstring HarfBuzz writes for an id it does not keep
EMPTY = b"\x0e"  # endchar
#: the top dictionary's keys that are offsets in the table, not values
OFFSETS = {"charset", "CharStrings", "FDSelect", "FDArray", "Private", "Encoding"}


def read_cff_program(data: bytes, drawn: set[int], known: dict[Outline, Outline]) -> Program | None:
    """An OpenType CFF subset's glyphs of ``drawn`` read (see the module's docstring);
    None for a program this module does not merge. The glyphs are read from the tables'
    bytes, as few as the pages draw: a CJK subset keeps some 60,000 ids."""
    try:
        font = TTFont(io.BytesIO(data), recalcBBoxes=False, recalcTimestamp=False)
        tags = set(font.reader.keys())
        if (
            not tags >= HEADERS
            or not tags <= PER_GLYPH | SHAPING | SHARED
            or ("vhea" in tags) != ("vmtx" in tags)
        ):
            return None
        raw = {tag: font.reader[tag] for tag in tags - SHAPING}
        cff = font["CFF "].cff
        top = cff.topDictIndex[0]
        table, last = raw["CFF "], max(drawn)
        count = struct.unpack_from(">H", raw["maxp"], 4)[0]
        at = top.rawDict["CharStrings"]
        if (
            raw["post"][:4] != b"\x00\x03\x00\x00"  # glyph names
            or len(cff.fontNames) != 1
            or "ROS" not in top.rawDict
            or len(cff.GlobalSubrs)
            or any("Subrs" in fd.Private.rawDict for fd in top.FDArray)
            or last >= count
            or struct.unpack_from(">H", table, at)[0] != count
            or not _identity(table, top.rawDict["charset"], last)
        ):
            return None
        charstring = _index(table, at)
        fds = _fd_select(table, top.rawDict["FDSelect"], last + 1)
        horizontal = _metrics(raw, "hhea", "hmtx")
        vertical = _metrics(raw, "vhea", "vmtx") if "vmtx" in tags else None
        origins = _origins(raw["VORG"]) if "VORG" in tags else {}
        glyphs = {}
        for gid in sorted(drawn | {0}):
            metrics = (*horizontal(gid), *(vertical(gid) if vertical else ()), origins.get(gid))
            outline = (charstring(gid), metrics, (fds[gid],))
            glyphs[gid] = known.setdefault(outline, outline)
        shared = shared_tables(raw, tags - PER_GLYPH - SHAPING)
        shared["CFF "] = repr(_description(cff)).encode()
        if "VORG" in tags:
            shared["VORG"] = raw["VORG"][:6]  # its version and default origin
        cmap: Cmap | None = {}
        if "cmap" in tags:
            font.setGlyphOrder(_names()[:count])  # not the charset's: that takes longer
            cmap = read_cmap(font, lambda name: glyphs.get(_ids().get(name, -1)))
        if cmap is None:
            return None
        ranges = struct.unpack_from(">4L", raw["OS/2"], 42)
        average = struct.unpack_from(">h", raw["OS/2"], 2)[0]
    except Exception:  # a program fontTools or this reader cannot read is left as it is
        return None
    return Program(shared, read_bounds(raw), ranges, average, glyphs, cmap, fds)


@functools.cache
def _names() -> list[str]:
    """The glyph names fontTools gives the CIDs of a CID-keyed font, by CID."""
    return [".notdef", *(f"cid{cid:05d}" for cid in range(1, 65536))]


@functools.cache
def _ids() -> dict[str, int]:
    return {name: cid for cid, name in enumerate(_names())}


def _identity(table: bytes, at: int, last: int) -> bool:
    """Whether the charset at ``at`` gives each glyph up to ``last`` its id as its CID."""
    form, at = table[at], at + 1
    if form == 0:
        cids = struct.unpack_from(f">{last}H", table, at)
        return cids == tuple(range(1, last + 1))
    if form not in (1, 2):
        return False
    gid = 1
    while gid <= last:
        first, left = struct.unpack_from(">HB" if form == 1 else ">HH", table, at)
        if first != gid:
            return False
        gid, at = gid + left + 1, at + (3 if form == 1 else 4)
    return True


def _index(table: bytes, at: int) -> Callable[[int], bytes]:
    """The items of the CFF INDEX at ``at`` in the table, by their number."""
    count, size = struct.unpack_from(">HB", table, at)
    if size not in (1, 2, 3, 4):
        raise ValueError("an INDEX offset of an unknown size")
    start = at + 3
    base = start + size * (count + 1) - 1

    def offset(number: int) -> int:
        return int.from_bytes(table[start + size * number : start + size * (number + 1)])

    return lambda number: table[base + offset(number) : base + offset(number + 1)]


def _fd_select(table: bytes, at: int, count: int) -> list[int]:
    """The Font DICT of each glyph up to ``count`` from the FDSelect at ``at``."""
    form = table[at]
    if form == 0:
        return list(table[at + 1 : at + 1 + count])
    if form != 3:
        raise ValueError("an FDSelect of an unknown format")
    ranges = struct.unpack_from(">H", table, at + 1)[0]
    fds: list[int] = []
    for index in range(ranges):
        first, fd, end = struct.unpack_from(">HBH", table, at + 3 + 3 * index)
        fds += [fd] * (min(end, count) - first)
        if end >= count:
            break
    if len(fds) != count:
        raise ValueError("an FDSelect that does not cover the glyphs")
    return fds


def _metrics(raw: dict[str, bytes], header: str, tag: str) -> Callable[[int], tuple[int, int]]:
    """A glyph's advance and side bearing, by its id, from hmtx or vmtx."""
    pairs = struct.unpack_from(">H", raw[header], 34)[0]
    table = raw[tag]

    def metrics(gid: int) -> tuple[int, int]:
        if gid < pairs:
            return struct.unpack_from(">Hh", table, 4 * gid)
        advance = struct.unpack_from(">H", table, 4 * (pairs - 1))[0]
        return advance, struct.unpack_from(">h", table, 4 * pairs + 2 * (gid - pairs))[0]

    return metrics


def _origins(table: bytes) -> dict[int, int]:
    """The vertical origins VORG gives glyphs, by id (the others take its default)."""
    count = struct.unpack_from(">H", table, 6)[0]
    pairs = struct.unpack_from(f">{2 * count}h", table, 8)
    return {gid & 0xFFFF: y for gid, y in zip(pairs[0::2], pairs[1::2], strict=True)}


def _description(cff: Any) -> tuple[Any, ...]:
    """What the CFF table says apart from its glyphs, to compare."""
    top = cff.topDictIndex[0]
    fonts = [
        (
            sorted((k, v) for k, v in fd.rawDict.items() if k != "Private"),
            sorted(fd.Private.rawDict.items()),
        )
        for fd in top.FDArray
    ]
    return (
        list(cff.fontNames),
        sorted((k, v) for k, v in top.rawDict.items() if k not in OFFSETS),
        fonts,
    )


def write_cff_glyphs(font: Any, glyphs: dict[int, Outline], fds: list[int]) -> list[str]:
    """Give ``font``, one of the subsets' OpenType CFF programs, the glyphs the subsets
    drew, each at its id, and empty ones between (with the Font DICTs of ``fds``, one
    subset's): their charstrings, Font DICTs, charset, metrics and vertical origins;
    return its glyph order."""
    cff = font["CFF "].cff
    top = cff.topDictIndex[0]
    order = _names()[: max(len(fds), max(glyphs) + 1)]
    select = FDSelect(format=3)
    select.gidArray = [*fds, *[0] * (len(order) - len(fds))]
    strings = CharStrings(None, order, cff.GlobalSubrs, None, select, top.FDArray)
    empty = T2CharString(bytecode=EMPTY)  # one object for the many ids no page draws
    horizontal, vertical = [0] * (2 * len(order)), [0] * (2 * len(order))
    origins = {}
    for name in order:
        strings[name] = empty
    for gid, (code, metric, (fd,)) in glyphs.items():
        name = order[gid]
        select.gidArray[gid] = fd
        private = top.FDArray[fd].Private
        strings[name] = T2CharString(bytecode=code, private=private, globalSubrs=cff.GlobalSubrs)
        horizontal[2 * gid : 2 * gid + 2] = metric[0:2]
        if len(metric) == 5:
            vertical[2 * gid : 2 * gid + 2] = metric[2:4]
        if metric[-1] is not None:
            origins[name] = metric[-1]
    top.charset, top.FDSelect, top.CharStrings = order, select, strings
    if "VORG" in font:
        font["VORG"].VOriginRecords = origins
    font.setGlyphOrder(order)
    font["maxp"].numGlyphs = len(order)  # which fontTools counts only for TrueType
    # the metrics as bytes, each glyph's in full: fontTools' hmtx takes long for 60,000
    font["hmtx"] = _metrics_table("hmtx", horizontal)
    font["hhea"].numberOfHMetrics = len(order)
    if "vmtx" in font:
        font["vmtx"] = _metrics_table("vmtx", vertical)
        font["vhea"].numberOfVMetrics = len(order)
    return order


def _metrics_table(tag: str, metrics: list[int]) -> Any:
    """An hmtx or vmtx table of (advance, side bearing) pairs, flattened."""
    values = array.array("H", (value & 0xFFFF for value in metrics))
    if sys.byteorder == "little":
        values.byteswap()
    table = DefaultTable(tag)
    table.data = values.tobytes()
    return table
