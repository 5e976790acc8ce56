"""The cover's spine: title, editors and publisher within the printer's clearance from
the folds, turned the way the book's language reads a spine, or stood upright, one
character under the other, on a Chinese or Japanese one."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from PIL import Image as PillowImage
from PIL import ImageDraw

from ..localisation import Wording
from ..model import Anthology
from ..printers import Printer
from .cover import face_for, load_font
from .cover_sheet import SAFETY, Lines, Wrap, css_box, primary_language, pt

#: Languages whose books print the spine's title bottom to top (most of continental
#: Europe and Latin America); the others, English, Dutch and the Scandinavian
#: languages among them (ISO 6357, ANSI/NISO Z39.41), top to bottom.
SPINE_BOTTOM_TO_TOP = frozenset(
    {"de", "fr", "it", "es", "pt", "ca", "ru", "uk", "pl", "cs", "sk", "hu", "ro", "bg",
     "hr", "sr", "sl", "el", "tr", "lt", "lv", "et", "gl", "eu"}
)  # fmt: skip
#: Languages whose spines stand their characters upright, one under the other.
SPINE_UPRIGHT = frozenset({"ja", "zh"})
#: The spine's type: its size is this share of the room between the clearances (the
#: face's ascenders and descenders then stay within it), at most SPINE_LARGEST points;
#: a spine whose room gives less than SPINE_SMALLEST points stays plain.
SPINE_SHARE, SPINE_LARGEST, SPINE_SMALLEST = 0.7, 20.0, 5.0


def spine_reads_up(anthology: Anthology) -> bool:
    """Whether the spine's text reads bottom to top: ``[print] spine``, else the book's
    language's convention."""
    chosen = anthology.print.spine
    if chosen is not None:
        return chosen == "bottom-to-top"
    return primary_language(anthology.language) in SPINE_BOTTOM_TO_TOP


def spine_type_size(wrap: Wrap, printer: Printer) -> float:
    """The spine title's size in points: as large as the spine's room allows."""
    room = wrap.spine - 2 * printer.spine_clearance
    return min(SPINE_LARGEST, max(0.0, room * 72 * SPINE_SHARE))


def spine_panel(
    anthology: Anthology,
    printer: Printer,
    wrap: Wrap,
    lines: Lines,
    font_path: Path | None,
) -> str:
    """The spine's text, within the spine less the printer's clearance from each fold,
    and SAFETY from the trim at its head and foot."""
    across = wrap.spine - 2 * printer.spine_clearance
    along = wrap.trim[1] - 2 * SAFETY
    centre_x = wrap.spine_left + wrap.spine / 2
    centre_y = wrap.edge + wrap.trim[1] / 2
    title = lines.title + (f" \u2014 {lines.volume}" if lines.volume else "")
    editors = Wording(anthology.language, dict(anthology.labels)).names(anthology.editors)
    publisher = anthology.publisher or ""
    # (text, its style, its size as a share of the title's, its letter-spacing in ems)
    items = [
        (title.upper(), "font-weight: 500;", 1.0, 0.08),
        (editors, "", 0.86, 0.0),
        (publisher, "font-style: italic;", 0.78, 0.0),
    ]
    items = [item for item in items if item[0]]
    language = primary_language(anthology.language)
    if language in SPINE_UPRIGHT:
        upright = [(text, style) for text, style, _, _ in items]
        return _upright_spine(
            upright, across, along, centre_x, centre_y, font_path, anthology.language
        )
    size = spine_type_size(wrap, printer)  # points: the title's size
    draw = ImageDraw.Draw(PillowImage.new("RGB", (1, 1)))

    def length(points: float) -> float:
        """The texts' length at ``points``, with three ems between them, in inches."""
        total = 0.0
        for text, _, scale, spacing in items:
            font = load_font(face_for(text, font_path, anthology.language), 100)
            em = points * scale
            total += draw.textlength(text, font=font) / 100 * em + spacing * em * len(text)
        return (total + 3 * points * (len(items) - 1)) / 72 * 1.04

    while len(items) > 1 and length(max(size * 0.8, 5)) > along:
        items.pop()  # the publisher goes first, then the editors
    while size > 5 and length(size) > along:
        size -= 0.25
    # a line turned a quarter clockwise starts at the head: a left-to-right line that
    # reads top to bottom, or a right-to-left one that reads bottom to top
    clockwise = spine_reads_up(anthology) == (anthology.direction == "rtl")
    spans = "".join(
        f'<span style="{style} font-size: {size * scale:.2f}pt; letter-spacing: {spacing}em;">'
        f"{escape(text)}</span>"
        for text, style, scale, spacing in items
    )
    box = css_box(centre_x - along / 2, centre_y - across / 2, along, across)
    # the title at the head, the publisher at the foot, whichever way the line turns
    order = "row" if clockwise else "row-reverse"
    return (
        f'<div class="spine-text" style="{box}'
        f" transform: rotate({'90deg' if clockwise else '-90deg'}); display: flex;"
        f" direction: ltr; flex-direction: {order}; align-items: center;"
        f" justify-content: {'space-between' if len(items) > 1 else 'center'};"
        f' font-size: {size:.2f}pt; line-height: {pt(across)}; white-space: nowrap;">'
        f"{spans}</div>"
    )


#: Han, kana and the other characters a vertical spine stands upright.
_UPRIGHT = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _upright_spine(
    items: list[tuple[str, str]],
    across: float,
    along: float,
    centre_x: float,
    centre_y: float,
    font_path: Path | None,
    language: str,
) -> str:
    """A spine whose characters stand upright one under the other (Japanese, Chinese):
    each text is a column one character wide (WeasyPrint has no vertical writing mode).
    A text in Latin letters (a publisher's name) lies on its side, turned clockwise, as
    such words are set on a Japanese spine."""
    size = min(14.0, across * 72 * 0.6)  # a column of 1.1 em
    draw = ImageDraw.Draw(PillowImage.new("RGB", (1, 1)))

    def length(text: str, points: float) -> float:
        """The text's length down the spine, in points."""
        if _UPRIGHT.search(text):
            return len(text.replace(" ", "")) * points * 1.08
        font = load_font(face_for(text, font_path, language), 100)
        return draw.textlength(text, font=font) / 100 * points * 1.04

    def total(points: float) -> float:
        return sum(length(text, points) for text, _ in items) + 2 * points * (len(items) - 1)

    while len(items) > 1 and total(size) / 72 > along:
        items.pop()  # the publisher goes first, then the editors
    size = min(size, size * along * 72 / total(size))
    columns = []
    for text, style in items:
        if _UPRIGHT.search(text):
            columns.append(
                f'<div style="{style} width: {size * 1.1:.2f}pt; margin: 0 auto;'
                f' word-break: break-all; line-height: 1.08;">{escape(text.replace(" ", ""))}'
                "</div>"
            )
            continue
        long = length(text, size)
        turned = (
            f"position: absolute; width: {long:.2f}pt; height: {size * 1.2:.2f}pt;"
            f" left: {(across * 72 - long) / 2:.2f}pt; top: {(long - size * 1.2) / 2:.2f}pt;"
            " transform: rotate(90deg); white-space: nowrap; text-align: center;"
            f" line-height: {size * 1.2:.2f}pt;"
        )
        columns.append(
            f'<div style="position: relative; height: {long:.2f}pt;">'
            f'<div style="{style} {turned}">{escape(text)}</div></div>'
        )
    box = css_box(centre_x - across / 2, centre_y - along / 2, across, along)
    return (
        f'<div class="spine-text" style="{box}'
        f" display: flex; flex-direction: column; text-align: center;"
        f" justify-content: {'space-between' if len(items) > 1 else 'flex-start'};"
        f' font-size: {size:.2f}pt;">{"".join(columns)}</div>'
    )
