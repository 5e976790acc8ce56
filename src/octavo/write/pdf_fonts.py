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
has the same outline, components and metrics, and both give a CID they both draw the
same width. Each page then draws every glyph exactly as before. A subset without a
cmap merges with those that have one; vertical metrics (vhea and vmtx, as in Noto
Color Emoji, whose pictures WeasyPrint draws as images over empty glyphs) merge glyph
by glyph. CID-keyed CFF programs (Noto Serif CJK) merge likewise, read and written by
:mod:`.cff_subsets`. Anything else (Type3 and bitmap fonts, WeasyPrint's encoding for
missing glyphs, a table or key these modules do not know) is left as it was; so are
subsets that disagree.

A merged font gets a new subset tag made from its program: the same book gives the
same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import operator
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from fontTools.ttLib import TTFont, newTable  # type: ignore[import-untyped]
from fontTools.ttLib.tables._g_l_y_f import Glyph  # type: ignore[import-untyped]

from .cff_subsets import write_cff_glyphs
from .font_dictionaries import CMAP_HEAD, CMAP_TAIL, FIXED_PITCH, TAG, cid_set
from .font_subsets import (
    BOUNDS,
    SHAPING,
    Cmap,
    Outline,
    Subset,
    component_offsets,
    read_subset,
)


def share_fonts(
    pdf: pikepdf.Pdf, read: Mapping[tuple[int, int], Subset | None] | None = None
) -> set[tuple[int, int]]:
    """Make the subsets of each font in ``pdf`` one font, in place (see the module's
    docstring); the fonts no page uses any more are not written when it is saved.
    Return the merged fonts whose subsets named a glyph's text differently: the
    letterspaced runs drawn with them are marked again with the merged map. The
    subsets ``read`` already (by their fonts' numbers, :mod:`.subsets_beside`) are not
    read again."""
    read = read or {}
    holders = font_resources(pdf)
    families: dict[tuple[Any, ...], list[_Merged]] = {}
    seen: set[tuple[int, int]] = set()
    known: dict[Outline, Outline] = {}  # each glyph once: a book's pieces share most
    for holder in holders:
        for font in holder.values():
            if not font.is_indirect or font.objgen in seen:
                continue
            seen.add(font.objgen)
            subset = read[font.objgen] if font.objgen in read else read_subset(font, known)
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


def font_resources(pdf: pikepdf.Pdf) -> list[Any]:
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
class _Merged:
    """Subsets of one font that agree, and the font they make together."""

    first: Subset
    subsets: list[Subset] = field(default_factory=list)
    glyphs: dict[int, Outline] = field(default_factory=dict)
    cmap: Cmap = field(default_factory=dict)  #: the cmap of the subsets that have one
    widths: dict[int, float] = field(default_factory=dict)
    text: dict[int, bytes] = field(default_factory=dict)
    #: a CFF program's Font DICT by glyph id, for the ids no subset drew (the longest
    #: of the subsets')
    fds: list[int] = field(default_factory=list)
    #: a glyph named differently by two subsets' ToUnicode maps
    renamed: bool = False

    def __post_init__(self) -> None:
        self.take(self.first)

    def take(self, subset: Subset) -> bool:
        """Add a subset if it agrees with those taken (see the module's docstring)."""
        program = subset.program
        if (
            program.shared != self.first.program.shared
            or (program.cmap and self.cmap and _mapping(program.cmap) != _mapping(self.cmap))
            or not _agree(self.glyphs, program.glyphs)
            or not _agree(self.widths, subset.widths)
            or not all(
                _agree(self.cmap.get(which, {}), program.cmap[which]) for which in program.cmap
            )
        ):
            return False
        self.subsets.append(subset)
        self.glyphs.update(program.glyphs)
        self.widths.update(subset.widths)
        self.fds = max(self.fds, program.fds, key=len)
        for which, table in program.cmap.items():
            self.cmap.setdefault(which, {}).update(table)
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
        if self.first.program.cff:
            descriptor.FontFile3 = pikepdf.Stream(
                pdf,
                zlib.compress(program),
                Filter=pikepdf.Name.FlateDecode,
                Subtype=pikepdf.Name.OpenType,
            )
        else:
            descriptor.FontFile2 = pikepdf.Stream(
                pdf, zlib.compress(program), Filter=pikepdf.Name.FlateDecode, Length1=len(program)
            )
        if "/CIDSet" in descriptor:  # the CIDs drawn, a bit each, as WeasyPrint writes it
            descriptor.CIDSet = pikepdf.Stream(
                pdf, zlib.compress(cid_set(self.widths)), Filter=pikepdf.Name.FlateDecode
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
        """The program of the glyphs the subsets kept, each at its id.

        One subset's program (the first with the most cmap subtables) takes the
        glyphs, the cmap of them all and the bounds of their headers; shaping's GDEF
        goes.
        """
        base_subset = max(self.subsets, key=lambda subset: len(subset.program.cmap))
        descriptor = base_subset.font.DescendantFonts[0].FontDescriptor
        file = descriptor.FontFile3 if self.first.program.cff else descriptor.FontFile2
        base = TTFont(io.BytesIO(file.read_bytes()), recalcBBoxes=False, recalcTimestamp=False)
        cmap: dict[Any, dict[Any, Any]]  # the subtables, as glyph ids
        if self.first.program.cff:
            order = write_cff_glyphs(base, self.glyphs, self.fds)
            where: dict[Outline, int] = {}
            for gid in sorted(self.glyphs):
                where.setdefault(self.glyphs[gid], gid)
            cmap = {
                which: {
                    code: None if glyph is None else where[glyph] for code, glyph in table.items()
                }
                for which, table in self.cmap.items()
            }
        else:
            order, cmap = self._truetype_glyphs(base)
        for table in base["cmap"].tables if self.cmap else ():
            which = (table.platformID, table.platEncID, table.format, table.language)
            if table.format == 14:
                table.uvsDict = {}
                for (selector, code), gid in sorted(cmap[which].items()):
                    glyph = None if gid is None else order[gid]
                    table.uvsDict.setdefault(selector, []).append((code, glyph))
            else:
                table.cmap = {code: order[gid] for code, gid in sorted(cmap[which].items())}
        programs = [subset.program for subset in self.subsets]
        for index, (tag, _, _, name, merge) in enumerate(BOUNDS):
            if index in self.first.program.bounds:
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

    def _truetype_glyphs(self, base: Any) -> tuple[list[str], dict[Any, dict[Any, Any]]]:
        """Give ``base``, a TrueType program, the glyphs of the subsets; return its glyph
        order and the cmap's subtables as glyph ids.

        The components a subset moved past its highest id go past the highest of
        all, once each (or to a kept glyph that is the same), and the composites name
        them there.
        """
        where: dict[Outline, int] = {}
        for gid in sorted(self.glyphs):
            where.setdefault(self.glyphs[gid], gid)
        written: dict[int, tuple[bytes, tuple[int, ...]]] = {}
        free = [max(self.glyphs, default=0) + 1]

        def place(outline: Outline) -> int:
            if outline not in where:
                where[outline] = free[0]
                free[0] += 1
                written[where[outline]] = write(outline)
            return where[outline]

        def write(outline: Outline) -> tuple[bytes, tuple[int, ...]]:
            zeroed, metric, components = outline
            data = bytearray(zeroed)
            for at, component in zip(component_offsets(zeroed), components, strict=True):
                struct.pack_into(">H", data, at, place(component))
            return bytes(data), metric

        for gid in sorted(self.glyphs):
            written[gid] = write(self.glyphs[gid])
        cmap = {
            which: {code: None if glyph is None else place(glyph) for code, glyph in table.items()}
            for which, table in sorted(self.cmap.items())
        }
        order = [".notdef", *(f"glyph{gid:05d}" for gid in range(1, free[0]))]
        base.setGlyphOrder(order)
        outlines, metrics, vertical = newTable("glyf"), newTable("hmtx"), newTable("vmtx")
        outlines.glyphOrder, outlines.glyphs, metrics.metrics, vertical.metrics = order, {}, {}, {}
        for gid, name in enumerate(order):
            outline, metric = written.get(gid, (b"", (0, 0, 0, 0)))
            outlines.glyphs[name] = Glyph(outline)
            metrics.metrics[name] = metric[0:2]
            vertical.metrics[name] = metric[2:4]
        base["glyf"], base["hmtx"], base["loca"] = outlines, metrics, newTable("loca")
        if "vmtx" in base:
            base["vmtx"] = vertical
        return order, cmap


def _mapping(cmap: Cmap) -> set[tuple[int, int, int, int]]:
    """A cmap's subtables but its variation sequences (format 14), which a subset has
    only if it drew a character with a variation selector."""
    return {which for which in cmap if which[2] != 14}


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
