"""What WeasyPrint writes around a font program in a PDF: the keys of its font
dictionaries, its widths (/W), its ToUnicode CMap and, in a PDF 1.4, its /CIDSet; read
for :mod:`.font_subsets` and written again for the merged fonts of :mod:`.pdf_fonts`.
"""

from __future__ import annotations

import re
from typing import Any

import pikepdf

#: the keys of the dictionaries WeasyPrint writes for a TrueType or an OpenType CFF
#: font (a /CIDSet in a PDF 1.4, PDF/A-1's); a font with any other key is left as it is
TYPE0_KEYS = {"/Type", "/Subtype", "/BaseFont", "/Encoding", "/DescendantFonts", "/ToUnicode"}
CID_KEYS = {
    "/Type", "/Subtype", "/BaseFont", "/CIDSystemInfo", "/CIDToGIDMap", "/W", "/DW",
    "/FontDescriptor",
}  # fmt: skip
DESCRIPTOR_KEYS = {
    "/Type", "/FontName", "/FontFamily", "/Flags", "/FontBBox", "/ItalicAngle", "/Ascent",
    "/Descent", "/CapHeight", "/StemV", "/StemH", "/FontFile2", "/FontWeight",
    "/FontStretch", "/XHeight", "/Leading", "/AvgWidth", "/MaxWidth", "/MissingWidth",
    "/FontFile3", "/CIDSet",
}  # fmt: skip
FIXED_PITCH = 1  # the descriptor's flag, which WeasyPrint sets from the widths it wrote

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


def font_file(cid: Any, descriptor: Any) -> Any:
    """The stream of a CIDFontType2's TrueType program or of a CIDFontType0's OpenType
    CFF program (a /FontFile3 of /Subtype /OpenType), which WeasyPrint writes; None
    for any other."""
    if "/FontFile2" in descriptor and "/FontFile3" in descriptor:
        return None
    if cid.get("/Subtype") == pikepdf.Name.CIDFontType2:
        file = descriptor.get("/FontFile2")
    elif cid.get("/Subtype") == pikepdf.Name.CIDFontType0:
        file = descriptor.get("/FontFile3")
        if not isinstance(file, pikepdf.Stream) or file.get("/Subtype") != "/OpenType":
            return None
    else:
        return None
    return file if isinstance(file, pikepdf.Stream) else None


def read_widths(array: Any) -> dict[int, float] | None:
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


def read_to_unicode(data: bytes) -> dict[int, bytes] | None:
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


def cid_set(widths: dict[int, float]) -> bytes:
    """A /CIDSet: a bit for each CID from 0 to the highest drawn, set for those drawn."""
    bits = bytearray((max(widths, default=0) + 8) // 8)
    for cid in widths:
        bits[cid // 8] |= 0x80 >> (cid % 8)
    return bytes(bits)


def plain(value: Any) -> Any:
    """A PDF value as Python values that compare by content, not by object number."""
    if isinstance(value, pikepdf.Dictionary):
        return tuple(sorted((str(k), plain(v)) for k, v in value.items()))
    if isinstance(value, pikepdf.Array):
        return tuple(plain(v) for v in value)
    if isinstance(value, pikepdf.Name):
        return str(value)
    if isinstance(value, pikepdf.String):
        return bytes(value)
    if isinstance(value, pikepdf.Stream):
        return (plain(value.stream_dict), value.read_bytes())
    return value
