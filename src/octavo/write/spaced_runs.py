"""Letterspaced runs of text marked with their words, for search and copy.

WeasyPrint writes letter-spacing as gaps between the glyphs of a TJ array, which text
extraction reads as spaces ("F O R E WO R D"). Each such run is given its text as
/ActualText (:func:`mark_page`): by each worker of the parallel layout on its own
piece (:func:`mark_spaced_runs`), again in the merged book for the fonts whose merged
ToUnicode map names a glyph otherwise (:func:`remark_spaced_runs`), and by
``pdf.finish_pdf`` for a book laid out in one pass.
"""

from __future__ import annotations

import re
from typing import Any


def mark_spaced_runs(data: bytes) -> bytes:
    """The PDF with each letterspaced run's text as /ActualText (see
    :func:`mark_page`): done by each worker of the parallel layout on its own
    piece, so that the merged book's ``finish_pdf`` does not read and rewrite every
    page's content stream again, in one process."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        maps: dict[tuple[int, int], dict[bytes, str]] = {}
        for page in pdf.pages:
            mark_page(pdf, page, maps)
        output = io.BytesIO()
        pdf.save(output, fix_metadata_version=False, deterministic_id=True)
        return output.getvalue()


def remark_spaced_runs(pdf: Any, fonts: set[tuple[int, int]]) -> None:
    """Mark again the letterspaced runs of every page that draws one of ``fonts``: a
    font merged from subsets whose ToUnicode maps named a glyph differently (a hyphen
    drawn for both "-" and "‐"), which each piece's marks took from its own map; the
    merged font keeps the first, as one pass does (see :mod:`.pdf_fonts`)."""
    maps: dict[tuple[int, int], dict[bytes, str]] = {}
    for page in pdf.pages:
        used = page.obj.get("/Resources", {}).get("/Font", {})
        if any(font.is_indirect and font.objgen in fonts for font in used.values()):
            mark_page(pdf, page, maps)


#: A run of glyphs set at least this far apart (thousandths of an em, the median gap)
#: is letterspaced. pdftotext reads gaps of about 0.1 em as spaces between words.
SPACED_RUN = 30

_BFCHAR = re.compile(rb"<([0-9a-fA-F]{2,8})>\s*<([0-9a-fA-F]{0,64})>")


def mark_page(pdf: Any, page: Any, maps: dict[tuple[int, int], dict[bytes, str]]) -> None:
    """Give each letterspaced run of the page its text as /ActualText.

    WeasyPrint writes letter-spacing as gaps between the glyphs of a TJ array, which
    text extraction (search, copy, pdftotext) reads as spaces: "F O R E WO R D". A
    marked-content span with /ActualText tells it the run's text instead ("FOREWORD"),
    taken from the font's own ToUnicode map; nothing drawn changes. Runs of fonts
    without a two-byte ToUnicode map, or with a glyph it does not name, are left be.

    The page's content stream is read as WeasyPrint writes it (hex glyph strings in TJ
    arrays, a font set by Tf): splicing its bytes is some fifty times faster than
    parsing and writing it again with pikepdf, for the same result. A run marked
    already is marked again from the font as it is now: a book merged from pieces
    marked each piece with its own subset's map (see :func:`remark_spaced_runs`).
    """
    contents = page.obj.get("/Contents")
    if contents is None or not hasattr(contents, "read_bytes"):
        return
    data = contents.read_bytes()
    if b"TJ" not in data:
        return
    fonts = page.obj.get("/Resources", {}).get("/Font", {})
    glyph_text: dict[bytes, str] = {}
    pieces: list[bytes] = []
    done = 0
    for match in _TEXT_OPERATOR.finditer(data):
        font, marked, array = match.group("font"), match.group("marked"), match.group("array")
        if font is not None:
            found = fonts.get(font.decode("latin-1"))
            key = found.objgen if found is not None else (0, 0)
            if key not in maps or key == (0, 0):
                maps[key] = glyph_texts(found)
            glyph_text = maps[key]
            continue
        text = _spaced_text(array, glyph_text) if glyph_text else None
        if text is None and not marked:
            continue
        pieces.append(data[done : match.start()])
        if text is not None:
            actual = ("\ufeff" + text).encode("utf-16-be").hex().encode()
            pieces += [b"/Span <</ActualText <", actual, b">>> BDC "]
        pieces.append(match.group("tj"))
        if text is not None:
            pieces.append(b" EMC")
        done = match.end()
    if pieces:
        page.obj.Contents = pdf.make_stream(b"".join(pieces) + data[done:])


#: A font set (its resource name) or a TJ array (its body), in a content stream; the
#: array with the /ActualText span :func:`mark_page` puts around it, if any.
_TEXT_OPERATOR = re.compile(
    rb"(?P<font>/[^\s/\[\]<>()]+)\s+[-0-9.]+\s+Tf\b"
    rb"|(?P<marked>/Span <</ActualText <[0-9a-f]*>>> BDC )?"
    rb"(?P<tj>\[(?P<array>[^\]()]*)\]\s*TJ\b)(?(marked) EMC)"
)
_TJ_ITEM = re.compile(rb"<([0-9a-fA-F]*)>|(-?[0-9]*\.?[0-9]+)")
_HEX_STRING = re.compile(rb"<([0-9a-fA-F]*)>")
_WIDE_GAP = re.compile(rb"-[1-9][0-9]")  # 10 thousandths of an em or more


def glyph_texts(font: Any) -> dict[bytes, str]:
    """A Type 0 font's two-byte glyph codes and their text (WeasyPrint writes bfchar)."""
    if font is None or font.get("/Subtype") != "/Type0" or "/ToUnicode" not in font:
        return {}
    found: dict[bytes, str] = {}
    data = font.ToUnicode.read_bytes()
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in _BFCHAR.findall(block):
            if len(code) == 4 and text:
                try:
                    found[bytes.fromhex(code.decode())] = bytes.fromhex(text.decode()).decode(
                        "utf-16-be"
                    )
                except ValueError:
                    continue
    return found


def _spaced_text(array: bytes, glyph_text: dict[bytes, str]) -> str | None:
    """The text of a TJ array's body whose glyphs are letterspaced, or None."""
    import statistics

    # most arrays are lines of text, with a wide gap only between words: a
    # letterspaced run has one between every two glyphs (in one or two numbers)
    hex_digits = sum(len(string) for string in _HEX_STRING.findall(array))
    if len(_WIDE_GAP.findall(_HEX_STRING.sub(b" ", array))) < (hex_digits // 4 - 1) / 2:
        return None
    glyphs: list[bytes] = []
    gaps: list[float] = []
    for match in _TJ_ITEM.finditer(array):
        hexadecimal, number = match.groups()
        if hexadecimal is not None:
            if len(hexadecimal) % 4:
                return None
            data = bytes.fromhex(hexadecimal.decode())
            for start in range(0, len(data), 2):
                glyphs.append(data[start : start + 2])
                gaps.append(0.0)
        elif glyphs:
            gaps[-1] += float(number)  # TJ numbers move the next glyph left: spacing < 0
    if len(glyphs) < 2 or statistics.median(gaps[:-1]) > -SPACED_RUN:
        return None
    if any(glyph not in glyph_text for glyph in glyphs):
        return None
    return "".join(glyph_text[glyph] for glyph in glyphs)
